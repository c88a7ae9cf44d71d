import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { checkGradients, gradientOpNames, uniform, type InputSpec } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const f = (shape: number[], placeholder?: (number | null)[] | null): InputSpec => ({
  shape,
  placeholder,
});
const ints = (shape: number[], values: number[]): InputSpec => ({
  shape,
  values,
  dtype: "int32",
  constant: true,
});

/** Mirror padding from slices, reverses and concats (whose tfjs gradients are right). */
function composedMirrorPad(
  x: tfc.Tensor,
  pads: [number, number][],
  mode: "reflect" | "symmetric",
): tfc.Tensor {
  const offset = mode === "reflect" ? 1 : 0;
  let out = x;
  pads.forEach(([before, after], axis) => {
    const n = out.shape[axis] as number;
    const take = (start: number, len: number) => {
      const begin = out.shape.map(() => 0);
      const size = out.shape.slice();
      begin[axis] = start;
      size[axis] = len;
      return tfc.reverse(tfc.slice(out, begin, size), axis);
    };
    out = tfc.concat([take(offset, before), out, take(n - offset - after, after)], axis);
  });
  return out;
}

describe("shape-changing ops", () => {
  it("Reshape, ExpandDims, Squeeze", async () => {
    await checkGradients({
      inputs: [f([2, 6])],
      graph: (x) => tf.reshape(x, [3, 4]),
      tfjs: (x) => tfc.reshape(x, [3, 4]),
    });
    await checkGradients({
      inputs: [f([4, 6], [null, 6])],
      graph: (x) => tf.reshape(x, [-1, 2, 3]),
      tfjs: (x) => tfc.reshape(x, [-1, 2, 3]),
    });
    await checkGradients({
      inputs: [f([2, 3], [null, 3])],
      graph: (x) => tf.expandDims(x, 1),
      tfjs: (x) => tfc.expandDims(x, 1),
    });
    await checkGradients({
      inputs: [f([2, 1, 3, 1])],
      graph: (x) => tf.squeeze(x),
      tfjs: (x) => tfc.squeeze(x),
    });
    await checkGradients({
      inputs: [f([2, 1, 3], [null, 1, 3])],
      graph: (x) => tf.squeeze(x, [1]),
      tfjs: (x) => tfc.squeeze(x, [1]),
    });
  });

  it("Transpose, with a constant and with a default permutation", async () => {
    await checkGradients({
      inputs: [f([2, 3, 4], [null, 3, 4])],
      graph: (x) => tf.transpose(x, { perm: [1, 2, 0] }),
      tfjs: (x) => tfc.transpose(x, [1, 2, 0]),
    });
    await checkGradients({
      inputs: [f([2, 3, 4])],
      graph: (x) => tf.transpose(x),
      tfjs: (x) => tfc.transpose(x),
    });
    const x = tf.placeholder(tf.float32, [2, 3]);
    tf.gradients(tf.transpose(x, { perm: [1, 0] }), [x]);
    expect(gradientOpNames()).toContain("gradients/transpose_grad/InvertPermutation");
    expect(gradientOpNames()).toContain("gradients/transpose_grad/transpose");
  });

  it("Tile", async () => {
    await checkGradients({
      inputs: [f([2, 3])],
      graph: (x) => tf.tile(x, [2, 3]),
      tfjs: (x) => tfc.tile(x, [2, 3]),
    });
    await checkGradients({
      inputs: [f([2, 1, 3], [null, 1, 3])],
      graph: (x) => tf.tile(x, [1, 4, 2]),
      tfjs: (x) => tfc.tile(x, [1, 4, 2]),
    });
  });

  it("Pad, PadV2 and MirrorPad", async () => {
    const paddings = [
      [1, 2],
      [0, 3],
    ];
    await checkGradients({
      inputs: [f([3, 4], [null, 4])],
      graph: (x) => tf.pad(x, paddings),
      tfjs: (x) => tfc.pad(x, paddings as [number, number][]),
    });
    await checkGradients({
      inputs: [f([3, 4])],
      graph: (x) => tf.pad(x, paddings, { constantValues: 2 }),
      tfjs: (x) => tfc.pad(x, paddings as [number, number][], 2),
    });
    for (const mode of ["reflect", "symmetric"] as const) {
      await checkGradients({
        inputs: [f([4, 5])],
        graph: (x) =>
          tf.pad(
            x,
            [
              [2, 1],
              [3, 2],
            ],
            { mode },
          ),
        // tfjs's MirrorPad gradient drops the mirrored borders: compose it from slices.
        tfjs: (x) =>
          composedMirrorPad(
            x,
            [
              [2, 1],
              [3, 2],
            ],
            mode,
          ),
      });
    }
  });
});

describe("joining and splitting", () => {
  it("ConcatV2 of two, three, and many inputs, with an unknown batch and a negative axis", async () => {
    await checkGradients({
      inputs: [f([2, 3]), f([2, 5])],
      graph: (a, b) => tf.concat([a, b], 1),
      tfjs: (a, b) => tfc.concat([a, b], 1),
    });
    await checkGradients({
      inputs: [f([2, 3], [null, 3]), f([2, 1], [null, 1]), f([2, 2], [null, 2])],
      graph: (a, b, c) => tf.concat([a, b, c], -1),
      tfjs: (a, b, c) => tfc.concat([a, b, c], -1),
    });
    const many = Array.from({ length: 18 }, (_, i) => f([(i % 3) + 1, 2]));
    await checkGradients({
      inputs: many,
      graph: (...xs) => tf.concat(xs, 0),
      tfjs: (...xs) => tfc.concat(xs, 0),
      fdSamples: 4,
    });
    const a = tf.placeholder(tf.float32, [2, 3]);
    const b = tf.placeholder(tf.float32, [2, 3]);
    tf.gradients(tf.concat([a, b], 0), [a, b]);
    const names = gradientOpNames();
    for (const n of [
      "gradients/concat_grad/mod",
      "gradients/concat_grad/ConcatOffset",
      "gradients/concat_grad/Slice",
      "gradients/concat_grad/Slice_1",
    ]) {
      expect(names).toContain(n);
    }
  });

  it("Pack and Unpack", async () => {
    await checkGradients({
      inputs: [f([2, 3]), f([2, 3])],
      graph: (a, b) => tf.stack([a, b], { axis: 1 }),
      tfjs: (a, b) => tfc.stack([a, b], 1),
    });
    await checkGradients({
      inputs: [f([3, 4], [3, null])],
      graph: (x) =>
        tf.add(tf.multiply(tf.unstack(x)[0] as tf.Tensor, 2), tf.unstack(x)[2] as tf.Tensor),
      tfjs: (x) =>
        tfc.add(tfc.mul(tfc.unstack(x)[0] as tfc.Tensor, 2), tfc.unstack(x)[2] as tfc.Tensor),
    });
  });

  it("Split and SplitV, with unused outputs", async () => {
    await checkGradients({
      inputs: [f([4, 6], [null, 6])],
      graph: (x) => {
        const [a, , c] = tf.split(x, 3, { axis: 1 });
        return tf.multiply(a as tf.Tensor, c as tf.Tensor);
      },
      tfjs: (x) => {
        const [a, , c] = tfc.split(x, 3, 1);
        return tfc.mul(a as tfc.Tensor, c as tfc.Tensor);
      },
    });
    await checkGradients({
      inputs: [f([5, 2])],
      graph: (x) => {
        const [a, b] = tf.split(x, [2, -1]);
        return tf.concat([tf.square(a as tf.Tensor), b as tf.Tensor], 0);
      },
      tfjs: (x) => {
        const [a, b] = tfc.split(x, [2, 3]);
        return tfc.concat([tfc.square(a as tfc.Tensor), b as tfc.Tensor], 0);
      },
    });
  });

  it("Slice", async () => {
    await checkGradients({
      inputs: [f([4, 5])],
      graph: (x) => tf.slice(x, [1, 2], [2, -1]),
      tfjs: (x) => tfc.slice(x, [1, 2], [2, -1]),
    });
    await checkGradients({
      inputs: [f([4, 5], [null, 5])],
      graph: (x) => tf.slice(x, [1, 0], [2, 3]),
      tfjs: (x) => tfc.slice(x, [1, 0], [2, 3]),
    });
    const x = tf.placeholder(tf.float32, [4, 5]);
    tf.gradients(tf.slice(x, [1, 2], [2, 2]), [x]);
    expect(gradientOpNames()).toEqual(
      expect.arrayContaining([
        "gradients/Slice_grad/Rank",
        "gradients/Slice_grad/concat",
        "gradients/Slice_grad/Pad",
      ]),
    );
  });
});

describe("gather, select, fill, cast", () => {
  it("GatherV2 on axis 0 (an IndexedSlices), repeated indices, unknown batch", async () => {
    await checkGradients({
      inputs: [f([5, 3]), ints([4], [4, 0, 4, 2])],
      graph: (p, i) => tf.gather(p, i),
      tfjs: (p, i) => tfc.gather(p, i),
      // tfjs-wasm has no UnsortedSegmentSum kernel for tfjs's own gather gradient.
      refBackend: "cpu",
    });
    await checkGradients({
      inputs: [f([5, 3], [null, 3]), ints([2, 2], [1, 1, 3, 0])],
      graph: (p, i) => tf.gather(p, i),
      tfjs: (p, i) => tfc.gather(p, i),
      refBackend: "cpu",
    });
    const p = tf.placeholder(tf.float32, [5, 3]);
    const [g] = tf.gradients(tf.gather(p, [1, 2]), [p]);
    // TF's `_GatherV2Grad`: the rows and their indices, the params' shape as dense shape.
    expect(g).toBeInstanceOf(tf.IndexedSlices);
    const slices = g as tf.IndexedSlices;
    expect(slices.values.op.name).toBe("gradients/GatherV2_grad/Reshape");
    expect(slices.indices.op.name).toBe("gradients/GatherV2_grad/Reshape_1");
    expect(slices.denseShape?.op.name).toBe("gradients/GatherV2_grad/Cast");
    expect(gradientOpNames()).toEqual([
      "gradients/Shape",
      "gradients/grad_ys_0",
      "gradients/Fill",
      "gradients/GatherV2_grad/Shape",
      "gradients/GatherV2_grad/Cast",
      "gradients/GatherV2_grad/Size",
      "gradients/GatherV2_grad/ExpandDims/dim",
      "gradients/GatherV2_grad/ExpandDims",
      "gradients/GatherV2_grad/strided_slice/stack",
      "gradients/GatherV2_grad/strided_slice/stack_1",
      "gradients/GatherV2_grad/strided_slice/stack_2",
      "gradients/GatherV2_grad/strided_slice",
      "gradients/GatherV2_grad/concat/axis",
      "gradients/GatherV2_grad/concat",
      "gradients/GatherV2_grad/Reshape",
      "gradients/GatherV2_grad/Reshape_1",
    ]);
  });

  it("GatherV2 on axis 1 and 2", async () => {
    await checkGradients({
      inputs: [f([2, 5, 3]), ints([3], [4, 1, 4])],
      graph: (p, i) => tf.gather(p, i, { axis: 1 }),
      tfjs: (p, i) => tfc.gather(p, i, 1),
      refBackend: "cpu",
    });
    await checkGradients({
      inputs: [f([2, 3, 4], [null, 3, 4]), ints([2], [3, 0])],
      graph: (p, i) => tf.gather(p, i, { axis: 2 }),
      tfjs: (p, i) => tfc.gather(p, i, 2),
      refBackend: "cpu",
    });
  });

  it("Select: the gradient goes to the chosen side", async () => {
    const cond = {
      shape: [2, 3],
      values: [1, 0, 1, 0, 0, 1],
      dtype: "int32" as const,
      constant: true,
    };
    await checkGradients({
      inputs: [cond, f([2, 3]), f([2, 3])],
      graph: (c, a, b) => tf.where(tf.cast(c, tf.bool), a, b),
      tfjs: (c, a, b) => tfc.where(tfc.cast(c, "bool"), a, b),
    });
  });

  it("Fill's gradient w.r.t. its value is the sum of the gradient", async () => {
    await checkGradients({
      inputs: [f([])],
      graph: (v) =>
        tf.multiply(
          tf.fill([2, 3], v),
          tf.constant([
            [1, 2, 3],
            [4, 5, 6],
          ]),
        ),
      tfjs: (v) =>
        tfc.mul(
          tfc.mul(tfc.ones([2, 3]), v),
          tfc.tensor2d([
            [1, 2, 3],
            [4, 5, 6],
          ]),
        ),
    });
  });

  it("Cast to an integer type stops the gradient", () => {
    const x = tf.placeholder(tf.float32, [3]);
    expect(tf.gradients(tf.cast(tf.cast(x, tf.int32), tf.float32), [x])).toEqual([null]);
  });
});

describe("composite graphs", () => {
  it("a mixed graph with a shared input", async () => {
    await checkGradients({
      inputs: [f([3, 4], [null, 4]), { shape: [4], values: uniform(4, 0.5, 1.5) }],
      graph: (x, w) => {
        const h = tf.tanh(tf.multiply(x, w));
        const parts = tf.split(h, 2, { axis: 1 });
        return tf.reduceSum(tf.concat([tf.square(parts[0] as tf.Tensor), tf.exp(x)], 1), {
          axis: 0,
        });
      },
      tfjs: (x, w) => {
        const h = tfc.tanh(tfc.mul(x, w));
        const parts = tfc.split(h, 2, 1);
        return tfc.sum(tfc.concat([tfc.square(parts[0] as tfc.Tensor), tfc.exp(x)], 1), 0);
      },
      step: 1e-3,
    });
  });
});
