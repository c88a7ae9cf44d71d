import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { direct, expectValueError, opList, run } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const A = [
  [1, 2, 3],
  [4, 5, 6],
];
const B = [
  [7, 8, 9],
  [10, 11, 12],
];

describe("tf.concat", () => {
  it("builds ConcatV2 named concat, with the axis const", () => {
    const c = tf.concat([tf.constant(A), tf.constant(B)], 0);
    expect(c.op.type).toBe("ConcatV2");
    expect(c.op.name).toBe("concat");
    expect(c.op.inputs.map((t) => t.op.name)).toEqual(["Const", "Const_1", "concat/axis"]);
    expect(c.op.attrs).toMatchObject({ N: 2, T: "float32", Tidx: "int32" });
    expect(c.shape.toString()).toBe("(4, 3)");
    expect(run(c).toArray()).toEqual(direct(() => tfc.concat([tfc.tensor(A), tfc.tensor(B)], 0)));
  });

  it("supports negative axes and JS values (named values_i)", () => {
    const c = tf.concat([tf.constant(A), B], -1);
    expect(c.op.inputs[1]?.op.name).toBe("concat/values_1");
    expect(c.shape.toString()).toBe("(2, 6)");
    expect(run(c).toArray()).toEqual(direct(() => tfc.concat([tfc.tensor(A), tfc.tensor(B)], 1)));
  });

  it("infers unknown dims: the concat dim adds up, the others merge", () => {
    const x = tf.placeholder(tf.float32, [null, 3]);
    const y = tf.placeholder(tf.float32, [2, null]);
    expect(tf.concat([x, y], 0).shape.toString()).toBe("(?, 3)");
    expect(tf.concat([x, y], 1).shape.toString()).toBe("(2, ?)");
    const u = tf.placeholder(tf.float32);
    expect(tf.concat([u, y], 0).shape.toString()).toBe("(?, ?)");
    const axis = tf.placeholder(tf.int32, []);
    expect(tf.concat([x, y], axis).shape.toString()).toBe("(?, ?)");
    const feed = new Map<tf.Tensor, unknown>([
      [x, A],
      [y, B],
      [axis, 1],
    ]);
    expect(run(tf.concat([x, y], axis), feed).toArray()).toEqual(
      direct(() => tfc.concat([tfc.tensor(A), tfc.tensor(B)], 1)),
    );
  });

  it("raises TensorFlow's errors, with the computed axis", () => {
    const x = tf.zeros([2, 3]);
    const y = tf.zeros([2, 2]);
    expectValueError(
      () => tf.concat([x, y], 0),
      "Dimension 0 in both shapes must be equal, but are 3 and 2. Shapes are [3] and [2]. for 'concat' (op: 'ConcatV2') with input shapes: [2,3], [2,2], [] and with computed input tensors: input[2] = <0>.",
    );
    expectValueError(
      () => tf.concat([tf.zeros([3, 2, 4]), tf.zeros([2, 4])], 0),
      "Shapes must be equal rank, but are 2 and 1 for 'concat' (op: 'ConcatV2') with input shapes: [3,2,4], [2,4], [] and with computed input tensors: input[2] = <0>.",
    );
    expectValueError(
      () => tf.concat([tf.constant(1), tf.constant(2)], tf.placeholder(tf.int32, [])),
      "Can't concatenate scalars (use tf.stack instead) for 'concat' (op: 'ConcatV2') with input shapes: [], [], [].",
    );
    expect(() => tf.concat([tf.zeros([1]), tf.zeros([1], { dtype: tf.int32 })], 0)).toThrow(
      "Tensors in list passed to 'values' of 'ConcatV2' Op have types [float32, int32] that don't all match.",
    );
  });

  it("passes a single value through an Identity named concat/concat", () => {
    const x = tf.constant(A);
    const c = tf.concat([x], 0);
    expect(c.op.type).toBe("Identity");
    expect(c.op.name).toBe("concat/concat");
    expect(opList()).toContain("concat/concat_dim:Const");
    expect(run(c).toArray()).toEqual(A);
  });
});

describe("tf.stack and tf.unstack", () => {
  it("stacks tensors with Pack named stack", () => {
    const x = tf.constant([1, 4]);
    const y = tf.constant([2, 5]);
    const s = tf.stack([x, y]);
    expect(s.op.type).toBe("Pack");
    expect(s.op.name).toBe("stack");
    expect(s.op.attrs).toMatchObject({ N: 2, axis: 0, T: "float32" });
    expect(s.shape.toString()).toBe("(2, 2)");
    expect(run(s).toArray()).toEqual([
      [1, 4],
      [2, 5],
    ]);
    const t = tf.stack([x, y], { axis: 1 });
    expect(t.op.name).toBe("stack_1");
    expect(run(t).toArray()).toEqual(
      direct(() => tfc.stack([tfc.tensor([1, 4]), tfc.tensor([2, 5])], 1)),
    );
    expect(tf.stack([x, y], { axis: -1 }).shape.toString()).toBe("(2, 2)");
  });

  it("makes one Const of plain JS values on axis 0, and names JS elements by index", () => {
    const c = tf.stack([
      [1, 2],
      [3, 4],
    ]);
    expect(c.op.type).toBe("Const");
    expect(c.op.name).toBe("stack");
    const x = tf.placeholder(tf.float32, [2]);
    const s = tf.stack([x, [3, 4]]);
    expect(s.op.inputs[1]?.op.name).toBe("stack_1/1");
    expect(run(s, new Map([[x, [1, 2]]])).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it("merges shapes with TensorFlow's error", () => {
    const x = tf.placeholder(tf.float32, [null, 3]);
    expect(tf.stack([x, tf.zeros([2, 3])]).shape.toString()).toBe("(2, 2, 3)");
    expectValueError(
      () => tf.stack([tf.zeros([2]), tf.zeros([2, 3])], { axis: 1 }),
      "Shapes must be equal rank, but are 1 and 2\n\tFrom merging shape 0 with other shapes. for 'stack_1' (op: 'Pack') with input shapes: [2], [2,3].",
    );
    expectValueError(() => tf.stack([tf.zeros([2])], { axis: 2 }), "axis = 2 not in [-2, 2)");
  });

  it("unstacks into Unpack outputs", () => {
    const x = tf.constant(A);
    const parts = tf.unstack(x);
    expect(parts.map((p) => p.name)).toEqual(["unstack:0", "unstack:1"]);
    expect(parts[0]?.op.type).toBe("Unpack");
    expect(parts[0]?.op.attrs).toMatchObject({ num: 2, axis: 0 });
    expect(parts[0]?.shape.toString()).toBe("(3,)");
    const sess = new tf.Session();
    expect((sess.run(parts) as tf.NDArray[]).map((p) => p.toArray())).toEqual(A);
    const cols = tf.unstack(x, { axis: -1 });
    expect(cols).toHaveLength(3);
    expect((sess.run(cols) as tf.NDArray[]).map((p) => p.toArray())).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    sess.close();
  });

  it("needs num when the dim is unknown", () => {
    const x = tf.placeholder(tf.float32, [null, 2]);
    expectValueError(() => tf.unstack(x), "Cannot infer num from shape (?, 2)");
    const parts = tf.unstack(x, { num: 3 });
    expect(parts).toHaveLength(3);
    expect(parts[2]?.shape.toString()).toBe("(2,)");
    expectValueError(() => tf.unstack(x, { axis: 2 }), "axis = 2 not in [-2, 2)");
    expectValueError(
      () => tf.unstack(tf.zeros([2, 3]), { num: 3 }),
      "Dimension must be 3 but is 2 for 'unstack_1' (op: 'Unpack') with input shapes: [2,3].",
    );
  });
});

describe("tf.split", () => {
  it("splits evenly with Split (after a throwaway Const, as TensorFlow 1.15 does)", () => {
    const x = tf.constant([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    const [a, b] = tf.split(x, 2, { axis: 1 });
    expect(a?.op.type).toBe("Split");
    expect(a?.name).toBe("split:0");
    expect(b?.name).toBe("split:1");
    expect(a?.op.inputs[0]?.op.name).toBe("split/split_dim");
    expect(a?.op.attrs).toMatchObject({ num_split: 2, T: "float32" });
    expect(opList()).toContain("Const_1:Const");
    expect(a?.shape.toString()).toBe("(2, 2)");
    const sess = new tf.Session();
    expect((sess.run([a, b]) as tf.NDArray[]).map((p) => p.toArray())).toEqual(
      tfc.tidy(() =>
        tfc
          .split(
            tfc.tensor([
              [1, 2, 3, 4],
              [5, 6, 7, 8],
            ]),
            2,
            1,
          )
          .map((t) => t.arraySync()),
      ),
    );
    sess.close();
  });

  it("splits by sizes with SplitV, one of them -1", () => {
    const x = tf.constant([1, 2, 3, 4, 5]);
    const parts = tf.split(x, [2, -1]);
    expect(parts[0]?.op.type).toBe("SplitV");
    expect(parts.map((p) => p.shape.toString())).toEqual(["(2,)", "(3,)"]);
    const sess = new tf.Session();
    expect((sess.run(parts) as tf.NDArray[]).map((p) => p.toArray())).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    sess.close();
  });

  it("keeps unknown dims", () => {
    const x = tf.placeholder(tf.float32, [null, 6]);
    const parts = tf.split(x, 3, { axis: 1 });
    expect(parts[0]?.shape.toString()).toBe("(?, 2)");
    const rows = tf.split(x, 2);
    expect(rows[0]?.shape.toString()).toBe("(?, 6)");
    const sizes = tf.split(x, [1, 5], { axis: -1 });
    expect(sizes.map((p) => p.shape.toString())).toEqual(["(?, 1)", "(?, 5)"]);
  });

  it("raises TensorFlow's errors", () => {
    expectValueError(
      () => tf.split(tf.zeros([4]), 3),
      "Dimension size must be evenly divisible by 3 but is 4\n\tNumber of ways to split should evenly divide the split dimension for 'split' (op: 'Split') with input shapes: [], [4] and with computed input tensors: input[0] = <0>.",
    );
    expectValueError(
      () => tf.split(tf.zeros([4]), [1, 2]),
      "can't split axis of size 4 into pieces of size [1,2] for 'split' (op: 'SplitV') with input shapes: [4], [2], [] and with computed input tensors: input[1] = <1 2>, input[2] = <0>.",
    );
    expectValueError(
      () => tf.split(tf.zeros([4]), tf.constant(2)),
      'Rank-0 tensors are not supported as the num_or_size_splits argument to split. Argument provided: Tensor("Const:0", shape=(), dtype=float32)',
    );
  });
});

describe("concat of empty tensors", () => {
  it("joins only-empty string vectors into an empty vector (what the default ready_op does)", () => {
    const a = tf.constant([], { dtype: tf.string, shape: [0] });
    const b = tf.constant([], { dtype: tf.string, shape: [0] });
    using sess = new tf.Session();
    const v = sess.run(tf.concat([a, b], 0));
    expect(v.shape).toEqual([0]);
    expect(v.dtype).toBe("string");
    expect(String(sess.run(tf.concat([tf.zeros([0, 2]), tf.zeros([0, 2])], 0)).shape)).toBe("0,2");
  });
});
