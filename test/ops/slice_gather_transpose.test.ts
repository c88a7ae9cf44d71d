import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { direct, expectValueError, opList, run } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const T3 = [
  [
    [1, 1, 1],
    [2, 2, 2],
  ],
  [
    [3, 3, 3],
    [4, 4, 4],
  ],
  [
    [5, 5, 5],
    [6, 6, 6],
  ],
];

describe("tf.slice", () => {
  it("builds Slice with begin and size consts (TensorFlow's docstring examples)", () => {
    const t = tf.constant(T3);
    const s = tf.slice(t, [1, 0, 0], [1, 1, 3]);
    expect(s.op.type).toBe("Slice");
    expect(s.op.inputs.map((i) => i.op.name)).toEqual(["Const", "Slice/begin", "Slice/size"]);
    expect(s.op.attrs).toMatchObject({ T: "float32", Index: "int32" });
    expect(s.shape.toString()).toBe("(1, 1, 3)");
    expect(run(s).toArray()).toEqual([[[3, 3, 3]]]);
    expect(run(tf.slice(t, [1, 0, 0], [1, 2, 3])).toArray()).toEqual([
      [
        [3, 3, 3],
        [4, 4, 4],
      ],
    ]);
    expect(run(tf.slice(t, [1, 0, 0], [2, 1, 3])).toArray()).toEqual([[[3, 3, 3]], [[5, 5, 5]]]);
  });

  it("takes the rest of a dimension for size -1, known or not", () => {
    const x = tf.placeholder(tf.float32, [null, 4]);
    const s = tf.slice(x, [1, 1], [-1, -1]);
    expect(s.shape.toString()).toBe("(?, 3)");
    const data = [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
    ];
    expect(run(s, new Map([[x, data]])).toArray()).toEqual(
      direct(() => tfc.slice(tfc.tensor(data), [1, 1], [-1, -1])),
    );
  });

  it("checks ranks when building and bounds when running", () => {
    expectValueError(
      () => tf.slice(tf.zeros([2, 2]), [0], [1]),
      "Shape must be rank 1 but is rank 2 for 'Slice' (op: 'Slice') with input shapes: [2,2], [1], [1] and with computed input tensors: input[2] = <1> and with input tensors computed as partial shapes: input[1] = [0].",
    );
    const x = tf.placeholder(tf.float32, [null]);
    const s = tf.slice(x, [1], [3]);
    expect(() => run(s, new Map([[x, [1, 2, 3]]]))).toThrow(
      "Expected size[0] in [0, 2], but got 3",
    );
  });
});

describe("tf.gather", () => {
  it("builds GatherV2 with the axis const", () => {
    const p = tf.constant([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const g = tf.gather(p, [2, 0]);
    expect(g.op.type).toBe("GatherV2");
    expect(g.op.inputs.map((i) => i.op.name)).toEqual([
      "Const",
      "GatherV2/indices",
      "GatherV2/axis",
    ]);
    expect(g.op.attrs).toMatchObject({ Tparams: "float32", Tindices: "int32", batch_dims: 0 });
    expect(g.shape.toString()).toBe("(2, 2)");
    expect(run(g).toArray()).toEqual([
      [5, 6],
      [1, 2],
    ]);
  });

  it("gathers along an axis with indices of any shape", () => {
    const data = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const ids = tf.placeholder(tf.int32, [null, 2]);
    const g = tf.gather(tf.constant(data), ids, { axis: 1 });
    expect(g.shape.toString()).toBe("(2, ?, 2)");
    const idx = [
      [0, 2],
      [1, 1],
    ];
    expect(run(g, new Map([[ids, idx]])).toArray()).toEqual(
      direct(() => tfc.gather(tfc.tensor(data), tfc.tensor(idx, undefined, "int32"), 1)),
    );
  });

  it("rejects bad axes and float indices", () => {
    expectValueError(
      () => tf.gather(tf.zeros([2, 3]), [0], { axis: 2 }),
      "Expected axis in the range [-2, 2), but got 2 for 'GatherV2' (op: 'GatherV2') with input shapes: [2,3], [1], [] and with computed input tensors: input[2] = <2>.",
    );
    expect(() => tf.gather(tf.zeros([2]), [0.5])).toThrow(
      "Value passed to parameter 'indices' has DataType float32 not in list of allowed values: int32, int64",
    );
  });
});

describe("tf.transpose", () => {
  it("reverses the dims by default, with the const transpose/perm", () => {
    const x = tf.constant([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const t = tf.transpose(x);
    expect(t.op.type).toBe("Transpose");
    expect(t.op.name).toBe("transpose");
    expect(t.op.inputs[1]?.op.name).toBe("transpose/perm");
    expect(run(t.op.inputs[1] as tf.Tensor).toArray()).toEqual([1, 0]);
    expect(t.shape.toString()).toBe("(3, 2)");
    expect(run(t).toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });

  it("permutes with perm, keeping unknown dims", () => {
    const x = tf.placeholder(tf.float32, [null, 2, 3]);
    const t = tf.transpose(x, { perm: [0, 2, 1] });
    expect(t.shape.toString()).toBe("(?, 3, 2)");
    const data = [
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    ];
    expect(run(t, new Map([[x, data]])).toArray()).toEqual(
      direct(() => tfc.transpose(tfc.tensor(data), [0, 2, 1])),
    );
  });

  it("computes the reversed permutation at run time for an unknown rank", () => {
    const x = tf.placeholder(tf.float32);
    const t = tf.transpose(x);
    expect(t.shape.toString()).toBe("<unknown>");
    expect(opList()).toEqual([
      "Placeholder:Placeholder",
      "transpose/Rank:Rank",
      "transpose/sub/y:Const",
      "transpose/sub:Sub",
      "transpose/Range/start:Const",
      "transpose/Range/delta:Const",
      "transpose/Range:Range",
      "transpose/sub_1:Sub",
      "transpose:Transpose",
    ]);
    const data = [[[1, 2]], [[3, 4]]];
    expect(run(t, new Map([[x, data]])).toArray()).toEqual(
      direct(() => tfc.transpose(tfc.tensor(data))),
    );
  });

  it("raises TensorFlow's error for a perm of the wrong length", () => {
    expectValueError(
      () => tf.transpose(tf.zeros([2, 3]), { perm: [0, 1, 2] }),
      "Dimension must be 2 but is 3 for 'transpose' (op: 'Transpose') with input shapes: [2,3], [3] and with computed input tensors: input[1] = <0 1 2>.",
    );
  });
});

describe("tf.expandDims and tf.squeeze", () => {
  it("inserts a dim with ExpandDims and its dim const", () => {
    const x = tf.placeholder(tf.float32, [null, 3]);
    const e = tf.expandDims(x, 1);
    expect(e.op.type).toBe("ExpandDims");
    expect(e.op.inputs[1]?.op.name).toBe("ExpandDims/dim");
    expect(e.shape.toString()).toBe("(?, 1, 3)");
    expect(tf.expandDims(x, -1).shape.toString()).toBe("(?, 3, 1)");
    expect(tf.expandDims(x, { axis: 0 }).shape.toString()).toBe("(1, ?, 3)");
    expect(run(e, new Map([[x, [[1, 2, 3]]]])).shape).toEqual([1, 1, 3]);
    expect(run(tf.expandDims(x, -1), new Map([[x, [[1, 2, 3]]]])).shape).toEqual([1, 3, 1]);
    expectValueError(
      () => tf.expandDims(tf.zeros([2]), 3),
      "dim 3 not in the interval [-2, 1]. for 'ExpandDims_4' (op: 'ExpandDims') with input shapes: [2], [] and with computed input tensors: input[1] = <3>.",
    );
  });

  it("removes size-1 dims with Squeeze", () => {
    const x = tf.zeros([1, 2, 1, 3]);
    const s = tf.squeeze(x);
    expect(s.op.type).toBe("Squeeze");
    expect(s.op.attrs).toMatchObject({ squeeze_dims: [] });
    expect(s.shape.toString()).toBe("(2, 3)");
    const one = tf.squeeze(x, [2]);
    expect(one.op.attrs).toMatchObject({ squeeze_dims: [2] });
    expect(one.shape.toString()).toBe("(1, 2, 3)");
    expect(tf.squeeze(x, { axis: -4 }).shape.toString()).toBe("(2, 1, 3)");
    expect(run(one).shape).toEqual([1, 2, 3]);
    expect(run(s).shape).toEqual([2, 3]);
  });

  it("follows TensorFlow with unknown dims and raises its errors", () => {
    const x = tf.placeholder(tf.float32, [null, 1, 3]);
    expect(tf.squeeze(x).shape.toString()).toBe("<unknown>");
    expect(tf.squeeze(x, [0, 1]).shape.toString()).toBe("(3,)");
    expectValueError(
      () => tf.squeeze(tf.zeros([32, 1, 1, 3]), [0, 1], { name: "squeeze" }),
      "Can not squeeze dim[0], expected a dimension of 1, got 32 for 'squeeze_2' (op: 'Squeeze') with input shapes: [32,1,1,3].",
    );
    expectValueError(
      () => tf.squeeze(tf.zeros([1, 2, 3]), [3]),
      "squeeze_dims[0] not in [-3,3). for 'Squeeze_2' (op: 'Squeeze') with input shapes: [1,2,3].",
    );
  });
});

describe("tf.tile and tf.pad", () => {
  it("tiles with Tile", () => {
    const t = tf.tile(tf.constant([[1, 2]]), [2, 2]);
    expect(t.op.type).toBe("Tile");
    expect(t.op.inputs[1]?.op.name).toBe("Tile/multiples");
    expect(t.shape.toString()).toBe("(2, 4)");
    expect(run(t).toArray()).toEqual(direct(() => tfc.tile(tfc.tensor([[1, 2]]), [2, 2])));
    const x = tf.placeholder(tf.float32, [null, 2]);
    expect(tf.tile(x, [3, 1]).shape.toString()).toBe("(?, 2)");
    expectValueError(
      () => tf.tile(tf.zeros([2, 2]), [2]),
      "Shape must be rank 2 but is rank 1 for 'Tile_2' (op: 'Tile') with input shapes: [2,2], [1] and with input tensors computed as partial shapes: input[1] = [2].",
    );
  });

  it("pads with Pad, PadV2 and MirrorPad", () => {
    const p = tf.pad(tf.constant([[1, 2]]), [
      [1, 0],
      [0, 1],
    ]);
    expect(p.op.type).toBe("Pad");
    expect(p.op.inputs[1]?.op.name).toBe("Pad/paddings");
    expect(p.shape.toString()).toBe("(2, 3)");
    expect(run(p).toArray()).toEqual([
      [0, 0, 0],
      [1, 2, 0],
    ]);
    const v2 = tf.pad([1, 2], [[1, 1]], { constantValues: 9 });
    expect(v2.op.type).toBe("PadV2");
    expect(run(v2).toArray()).toEqual([9, 1, 2, 9]);
    const m = tf.pad([1, 2, 3], [[2, 2]], { mode: "reflect" });
    expect(m.op.type).toBe("MirrorPad");
    expect(m.op.attrs).toMatchObject({ mode: "REFLECT" });
    expect(run(m).toArray()).toEqual([3, 2, 1, 2, 3, 2, 1]);
    expect(run(tf.pad([1, 2, 3], [[2, 2]], { mode: "SYMMETRIC" })).toArray()).toEqual([
      2, 1, 1, 2, 3, 3, 2,
    ]);
    const x = tf.placeholder(tf.float32, [null, 2]);
    expect(
      tf
        .pad(x, [
          [1, 1],
          [2, 2],
        ])
        .shape.toString(),
    ).toBe("(?, 6)");
    expectValueError(() => tf.pad(x, [[1, 1]], { mode: "wrap" }), "Unknown padding mode: wrap");
  });
});
