/**
 * TensorArrays as `tf.whileLoop` loop variables and `tf.cond` outputs, as TF 1.15 carries
 * them (`_convert_tensorarray_to_flow`, `_convert_flows_to_tensorarrays`): the flow is the
 * loop variable, the body and the result see arrays rebuilt on it; shape invariants as TF
 * checks them; gradients through writes in a loop then a stack, and an unstack then reads
 * in a loop (tensor_array_ops_test.py's while-loop cases, and finite differences).
 */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../../src/index.js";
import { expectThrowsAndUnchanged } from "../../graph/helpers.js";
import { checkGradients } from "../../gradients/helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const int = (v: number): tf.Tensor => tf.constant(v, { dtype: tf.int32 });

/** Writes `2 * input[i]` at each `i` of a loop over `n` rows; returns the final array. */
function doubled(input: tf.TensorArray, out: tf.TensorArray, n: number | tf.Tensor) {
  return tf.whileLoop(
    (i: tf.Tensor) => tf.less(i, n),
    (i: tf.Tensor, ta: tf.TensorArray) => [
      tf.add(i, 1),
      ta.write(i, tf.multiply(input.read(i), 2)),
    ],
    [int(0), out],
  ) as [tf.Tensor, tf.TensorArray];
}

describe("a TensorArray loop variable", () => {
  it("enters as its flow; the body and the result get arrays on the loop's flows", () => {
    const x = tf.constant(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      { name: "x" },
    );
    const input = new tf.TensorArray(tf.float32, { size: 3 }).unstack(x);
    const out0 = new tf.TensorArray(tf.float32, { size: 3, name: "out" });
    let seen: tf.TensorArray | null = null;
    const [, out] = tf.whileLoop(
      (i: tf.Tensor, ta: tf.TensorArray) => {
        expect(ta).toBeInstanceOf(tf.TensorArray);
        expect(ta.flow.name).toBe("while/Merge_1:0");
        return tf.less(i, 3);
      },
      (i: tf.Tensor, ta: tf.TensorArray) => {
        seen = ta;
        return [tf.add(i, 1), ta.write(i, tf.multiply(input.read(i), 2))];
      },
      [int(0), out0],
    ) as [tf.Tensor, tf.TensorArray];
    const g = tf.getDefaultGraph();
    expect(g.getOperationByName("while/Enter_1").inputs[0]?.name).toBe("out:1");
    expect((seen as unknown as tf.TensorArray).flow.name).toBe("while/Identity_1:0");
    expect((seen as unknown as tf.TensorArray).handle).toBe(out0.handle);
    expect(out).toBeInstanceOf(tf.TensorArray);
    expect(out.handle).toBe(out0.handle);
    expect(out.flow.name).toBe("while/Exit_1:0");
    expect(g.getOperationByName("while/NextIteration_1").inputs[0]?.name).toBe(
      "while/TensorArrayWrite/TensorArrayWriteV3:0",
    );
    // The element shape the body's writes inferred is the result's.
    expect(out.elementShape.toString()).toBe("(2,)");
    const s = out.stack();
    expect(s.shape.toString()).toBe("(?, 2)");
    using sess = new tf.Session();
    expect(sess.run(s).toArray()).toEqual([
      [2, 4],
      [6, 8],
      [10, 12],
    ]);
  });

  it("nested in the loop variables' structure, and a single array returned as itself", () => {
    const ta = new tf.TensorArray(tf.int32, { size: 0, dynamicSize: true });
    const [, { arr, total }] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 4),
      (i: tf.Tensor, v: { arr: tf.TensorArray; total: tf.Tensor }) => [
        tf.add(i, 1),
        { arr: v.arr.write(i, tf.multiply(i, i)), total: tf.add(v.total, i) },
      ],
      [int(0), { arr: ta, total: int(0) }],
    ) as [tf.Tensor, { arr: tf.TensorArray; total: tf.Tensor }];
    const only = tf.whileLoop(
      () => tf.constant(false),
      (t: tf.TensorArray) => t.write(0, 1),
      [new tf.TensorArray(tf.int32, { size: 1 })],
    );
    expect(only).toBeInstanceOf(tf.TensorArray);
    const bounded = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 10),
      (i: tf.Tensor, t: tf.TensorArray) => [tf.add(i, 1), t.write(i, i)],
      [int(0), new tf.TensorArray(tf.int32, { size: 0, dynamicSize: true })],
      { maximumIterations: 3 },
    ) as [tf.Tensor, tf.TensorArray];
    expect(bounded[1]).toBeInstanceOf(tf.TensorArray);
    using sess = new tf.Session();
    expect(sess.run([arr.stack(), total, bounded[1].stack()]).map((r) => r.toArray())).toEqual([
      [0, 1, 4, 9],
      6,
      [0, 1, 2],
    ]);
  });

  it("shape invariants: a scalar or unknown shape for the flow, else TF's error", () => {
    const ta = new tf.TensorArray(tf.float32, { size: 2 });
    const body = (i: tf.Tensor, t: tf.TensorArray) => [tf.add(i, 1), t.write(i, [1, 2])];
    const cond = (i: tf.Tensor) => tf.less(i, 2);
    const [, a] = tf.whileLoop(cond, body, [int(0), ta], {
      shapeInvariants: [tf.TensorShape.scalar(), tf.TensorShape.scalar()],
    }) as [tf.Tensor, tf.TensorArray];
    const [, b] = tf.whileLoop(cond, body, [int(0), ta], {
      shapeInvariants: [[], tf.TensorShape.unknown()],
    }) as [tf.Tensor, tf.TensorArray];
    const zero = int(0);
    expectThrowsAndUnchanged(
      () => tf.whileLoop(cond, body, [zero, ta], { shapeInvariants: [[], [null, 2]] }),
      tf.errors.ValueError,
      "The shape invariant specified for TensorArray:1 is not compatible with the initial shape of the loop variable. It enters the loop with shape (), but the specified shape invariant is (?, 2).",
    );
    using sess = new tf.Session();
    expect(sess.run(a.stack()).toArray()).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(sess.run(b.read(1)).toArray()).toEqual([1, 2]);
  });

  it("a flow of another dtype returned for an array is TF's error, the graph unchanged", () => {
    const ta = new tf.TensorArray(tf.float32, { size: 2 });
    const zero = int(0);
    expectThrowsAndUnchanged(
      () =>
        tf.whileLoop(
          (i: tf.Tensor) => tf.less(i, 2),
          (i: tf.Tensor) => [tf.add(i, 1), tf.cast(i, tf.int32)],
          [zero, ta],
        ),
      tf.errors.InvalidArgumentError,
      /^Input 1 of node while\/Merge_1 was passed int32 from while\/NextIteration_1:0 incompatible with expected float32\.$/,
    );
  });

  it("memory stays flat over runs with the gradient", () => {
    const x = tf.placeholder(tf.float32, [3, 2]);
    const input = new tf.TensorArray(tf.float32, { size: 3 }).unstack(x);
    const [, out] = doubled(input, new tf.TensorArray(tf.float32, { size: 3 }), 3);
    const loss = tf.reduceSum(tf.square(out.stack()));
    const [g] = tf.gradients(loss, [x]);
    using sess = new tf.Session();
    const feeds = new Map([
      [
        x,
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
      ],
    ]);
    expect(sess.run(g as tf.Tensor, feeds).toArray()).toEqual([
      [8, 16],
      [24, 32],
      [40, 48],
    ]);
    sess.run([loss, g as tf.Tensor], feeds);
    const before = tfc.memory().numTensors;
    for (let i = 0; i < 5; i++) sess.run([loss, g as tf.Tensor], feeds);
    expect(tfc.memory().numTensors).toBe(before);
  });
});

describe("gradients through arrays carried by a loop", () => {
  it("testWhileLoopWritePackGradients: writes in a loop, then a stack", async () => {
    await checkGradients({
      inputs: [{ shape: [] }, { shape: [2] }],
      graph: (v0, w) => {
        const [, , out] = tf.whileLoop(
          (i: tf.Tensor) => tf.less(i, 3),
          (i: tf.Tensor, v: tf.Tensor, ta: tf.TensorArray) => {
            const next = tf.add(tf.multiply(v, w as tf.Tensor), tf.sin(v));
            return [tf.add(i, 1), next, ta.write(i, tf.square(next))];
          },
          [int(0), tf.fill([2], v0 as tf.Tensor), new tf.TensorArray(tf.float32, { size: 3 })],
        ) as [tf.Tensor, tf.Tensor, tf.TensorArray];
        return out.stack();
      },
    });
  });

  it("an unstack, then reads in a loop (and an array read from both sides of a loop)", async () => {
    await checkGradients({
      inputs: [{ shape: [4, 3] }],
      graph: (x) => {
        const input = new tf.TensorArray(tf.float32, { size: 4 }).unstack(x);
        const [, acc] = tf.whileLoop(
          (i: tf.Tensor) => tf.less(i, 4),
          (i: tf.Tensor, a: tf.Tensor) => [
            tf.add(i, 1),
            tf.add(tf.multiply(a, 0.5), tf.exp(input.read(i))),
          ],
          [int(0), tf.zeros([3])],
        ) as [tf.Tensor, tf.Tensor];
        return acc;
      },
    });
    await checkGradients({
      inputs: [{ shape: [3, 2] }],
      graph: (x) => {
        const input = new tf.TensorArray(tf.float32, { size: 3 }).unstack(x);
        const [, out] = doubled(input, new tf.TensorArray(tf.float32, { size: 3 }), 3);
        return tf.tanh(out.stack());
      },
    });
  });
});

describe("a TensorArray returned by tf.cond", () => {
  it("leaves each branch as its flow and is merged into an array", () => {
    const p = tf.placeholder(tf.bool, []);
    const ta = new tf.TensorArray(tf.float32, { size: 1 });
    const r = tf.cond(
      p,
      () => ta.write(0, 10),
      () => ta.write(0, 20),
    ) as tf.TensorArray;
    expect(r).toBeInstanceOf(tf.TensorArray);
    expect(r.handle).toBe(ta.handle);
    expect(r.flow.name).toBe("cond/Merge:0");
    const [both, other] = tf.cond(
      p,
      () => [ta.write(0, 1), tf.constant(1)],
      () => [ta.write(0, 2), tf.constant(2)],
    ) as [tf.TensorArray, tf.Tensor];
    expect(both).toBeInstanceOf(tf.TensorArray);
    using sess = new tf.Session();
    expect(sess.run(r.read(0), new Map([[p, true]])).item()).toBe(10);
    expect(sess.run(r.read(0), new Map([[p, false]])).item()).toBe(20);
    expect(sess.run([both.read(0), other], new Map([[p, false]])).map((v) => v.item())).toEqual([
      2, 2,
    ]);
  });
});
