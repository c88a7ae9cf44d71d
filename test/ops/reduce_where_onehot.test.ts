import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { direct, expectClose, expectValueError, opList, run } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const M = [
  [1, 5, 3],
  [4, 2, 6],
];

describe("reductions", () => {
  it("reduce over all dims through a Const made outside the op's scope, as TensorFlow does", () => {
    const x = tf.constant(M);
    const s = tf.reduceSum(x);
    expect(s.op.type).toBe("Sum");
    expect(s.op.name).toBe("Sum");
    expect(s.op.inputs[1]?.op.name).toBe("Const_1");
    expect(run(s.op.inputs[1] as tf.Tensor).toArray()).toEqual([0, 1]);
    expect(s.op.attrs).toMatchObject({ keep_dims: false, T: "float32", Tidx: "int32" });
    expect(s.shape.toString()).toBe("()");
    expect(run(s).toArray()).toBe(21);
  });

  it("reduce over an axis with the reduction_indices const", () => {
    const x = tf.constant(M);
    const m = tf.reduceMean(x, { axis: 1, keepdims: true });
    expect(m.op.type).toBe("Mean");
    expect(m.op.inputs[1]?.op.name).toBe("Mean/reduction_indices");
    expect(m.shape.toString()).toBe("(2, 1)");
    expectClose(
      run(m).toArray(),
      direct(() => tfc.mean(tfc.tensor(M), 1, true)),
    );
    const mx = tf.reduceMax(x, { axis: 0 });
    expect(mx.op.type).toBe("Max");
    expect(run(mx).toArray()).toEqual([4, 5, 6]);
    expect(run(tf.reduceMin(x, { axis: -1 })).toArray()).toEqual([1, 2]);
    expect(run(tf.reduceProd(x, { axis: [0, 1] })).toArray()).toBe(720);
    expect(run(tf.reduceAll(tf.constant([true, false]))).toArray()).toBe(false);
    expect(run(tf.reduceAny(tf.constant([true, false]))).toArray()).toBe(true);
  });

  it("handle unknown dims and unknown axes", () => {
    const x = tf.placeholder(tf.float32, [null, 3]);
    expect(tf.reduceSum(x, { axis: 0 }).shape.toString()).toBe("(3,)");
    expect(tf.reduceSum(x, { axis: 1 }).shape.toString()).toBe("(?,)");
    expect(tf.reduceSum(x).shape.toString()).toBe("()");
    const axis = tf.placeholder(tf.int32, [1]);
    expect(tf.reduceSum(x, { axis }).shape.toString()).toBe("<unknown>");
    expect(tf.reduceSum(x, { axis, keepdims: true }).shape.toString()).toBe("(?, ?)");
    const feed = new Map<tf.Tensor, unknown>([
      [x, M],
      [axis, [1]],
    ]);
    expect(run(tf.reduceSum(x, { axis }), feed).toArray()).toEqual([9, 12]);
  });

  it("use Rank and range for a tensor of unknown rank", () => {
    const x = tf.placeholder(tf.float32);
    const s = tf.reduceSum(x);
    expect(opList()).toEqual([
      "Placeholder:Placeholder",
      "Rank:Rank",
      "range/start:Const",
      "range/delta:Const",
      "range:Range",
      "Sum:Sum",
    ]);
    expect(s.shape.toString()).toBe("()");
    expect(
      run(
        s,
        new Map([
          [
            x,
            [
              [1, 2],
              [3, 4],
            ],
          ],
        ]),
      ).toArray(),
    ).toBe(10);
  });

  it("return the input's values for an empty axis list", () => {
    const s = tf.reduceSum(tf.constant(M), { axis: [] });
    expect(s.shape.toString()).toBe("(2, 3)");
    expect(run(s).toArray()).toEqual(M);
  });

  it("truncate integer means toward zero", () => {
    const m = tf.reduceMean(tf.constant([-3, 1], { dtype: tf.int32 }));
    expect(m.dtype).toBe("int32");
    expect(run(m).toArray()).toBe(-1);
  });

  it("raise TensorFlow's errors", () => {
    expectValueError(
      () => tf.reduceSum(tf.zeros([2, 3]), { axis: 2 }),
      "Invalid reduction dimension 2 for input with 2 dimensions. for 'Sum' (op: 'Sum') with input shapes: [2,3], [] and with computed input tensors: input[1] = <2>.",
    );
    expect(() => tf.reduceSum(tf.constant([true]))).toThrow(
      "Value passed to parameter 'input' has DataType bool not in list of allowed values:",
    );
  });
});

describe("tf.argmax", () => {
  it("builds ArgMax with the dimension const and an int64 result, as TensorFlow does", () => {
    const x = tf.constant(M);
    const a = tf.argmax(x, { axis: 1 });
    expect(a.op.type).toBe("ArgMax");
    expect(a.op.inputs[1]?.op.name).toBe("ArgMax/dimension");
    expect(a.op.attrs).toMatchObject({ T: "float32", Tidx: "int32", output_type: "int64" });
    expect(a.dtype).toBe("int64");
    expect(run(a).dtype).toBe("int64");
    expect(a.shape.toString()).toBe("(2,)");
    expect(run(a).toArray()).toEqual(direct(() => tfc.argMax(tfc.tensor(M), 1)));
    expect(run(tf.argmax(x)).toArray()).toEqual([1, 0, 1]);
    expect(run(tf.argmin(x, { axis: -1 })).toArray()).toEqual([0, 1]);
  });

  it("infers shapes as TensorFlow's ArgOpShape does", () => {
    const x = tf.placeholder(tf.float32, [null, 10]);
    expect(tf.argmax(x, { axis: 1 }).shape.toString()).toBe("(?,)");
    expect(tf.argmax(tf.zeros([5])).shape.toString()).toBe("()");
    expectValueError(
      () => tf.argmax(tf.zeros([2, 3]), { axis: 2 }),
      "Expected dimension in the range [-2, 2), but got 2 for 'ArgMax_2' (op: 'ArgMax') with input shapes: [2,3], [] and with computed input tensors: input[1] = <2>.",
    );
  });
});

describe("tf.where", () => {
  it("selects with Select", () => {
    const c = tf.constant([true, false, true]);
    const w = tf.where(c, tf.constant([1, 2, 3]), tf.constant([7, 8, 9]));
    expect(w.op.type).toBe("Select");
    expect(w.op.name).toBe("Select");
    expect(run(w).toArray()).toEqual([1, 8, 3]);
    const js = tf.where(c, [1, 2, 3], tf.constant([7, 8, 9]));
    expect(js.op.inputs.map((t) => t.op.name)).toEqual(["Const", "Select_1/t", "Const_3"]);
  });

  it("picks rows with a rank-1 condition, as TensorFlow 1.x does", () => {
    const x = tf.constant([
      [1, 2],
      [3, 4],
    ]);
    const y = tf.constant([
      [9, 9],
      [8, 8],
    ]);
    const w = tf.where(tf.constant([false, true]), x, y);
    expect(w.shape.toString()).toBe("(2, 2)");
    expect(run(w).toArray()).toEqual([
      [9, 9],
      [3, 4],
    ]);
    expectValueError(
      () => tf.where(tf.constant([true, false, true]), x, y),
      "Dimension 0 in both shapes must be equal, but are 3 and 2. Shapes are [3] and [2]. for 'Select_1' (op: 'Select') with input shapes: [3], [2,2], [2,2].",
    );
  });

  it("returns int64 coordinates with Where, as TensorFlow does", () => {
    const c = tf.placeholder(tf.bool, [null, 2]);
    const w = tf.where(c);
    expect(w.op.type).toBe("Where");
    expect(w.dtype).toBe("int64");
    expect(w.shape.toString()).toBe("(?, 2)");
    const out = run(
      w,
      new Map([
        [
          c,
          [
            [true, false],
            [false, true],
            [true, true],
          ],
        ],
      ]),
    );
    expect(out.toArray()).toEqual([
      [0, 0],
      [1, 1],
      [2, 0],
      [2, 1],
    ]);
    expect(run(w, new Map([[c, [[false, false]]]])).shape).toEqual([0, 2]);
    expectValueError(
      () => tf.where(c, tf.constant([1])),
      "x and y must both be non-None or both be None.",
    );
  });
});

describe("tf.oneHot and tf.range", () => {
  it("builds OneHot named one_hot", () => {
    const o = tf.oneHot([0, 2, -1], 3);
    expect(o.op.type).toBe("OneHot");
    expect(o.op.name).toBe("one_hot");
    expect(o.op.inputs.map((t) => t.op.name)).toEqual([
      "one_hot/indices",
      "one_hot/depth",
      "one_hot/on_value",
      "one_hot/off_value",
    ]);
    expect(o.op.attrs).toMatchObject({ axis: -1, T: "float32", TI: "int32" });
    expect(o.shape.toString()).toBe("(3, 3)");
    expect(run(o).toArray()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [0, 0, 0],
    ]);
  });

  it("honours on/off values, dtype and axis", () => {
    const o = tf.oneHot([1, 0], 3, { onValue: 2.5, offValue: -1 });
    expect(run(o).toArray()).toEqual([
      [-1, 2.5, -1],
      [2.5, -1, -1],
    ]);
    const i = tf.oneHot([1, 0], 3, { dtype: tf.int32, axis: 0 });
    expect(i.dtype).toBe("int32");
    expect(i.shape.toString()).toBe("(3, 2)");
    expect(run(i).toArray()).toEqual([
      [0, 1],
      [1, 0],
      [0, 0],
    ]);
    const ids = tf.placeholder(tf.int32, [null]);
    expect(tf.oneHot(ids, 4).shape.toString()).toBe("(?, 4)");
    expect(() => tf.oneHot([1], 3, { onValue: 1, dtype: tf.int32, offValue: 0.5 })).toThrow(
      TypeError,
    );
  });

  it("counts with Range", () => {
    const r = tf.range(5);
    expect(r.op.type).toBe("Range");
    expect(r.op.name).toBe("range");
    expect(r.dtype).toBe("int32");
    expect(r.shape.toString()).toBe("(5,)");
    expect(run(r).toArray()).toEqual([0, 1, 2, 3, 4]);
    const f = tf.range(1, 2, 0.25);
    expect(f.dtype).toBe("float32");
    expect(f.shape.toString()).toBe("(4,)");
    expectClose(run(f).toArray(), [1, 1.25, 1.5, 1.75]);
    expectValueError(
      () => tf.range(3, 1, 1),
      "Requires start <= limit when delta > 0: 3/1 for 'range_2' (op: 'Range') with input shapes: [], [], [].",
    );
  });
});

describe("reductions of empty tensors", () => {
  it("give the reduction's identity (tfjs-wasm returns garbage for Prod)", () => {
    tf.resetDefaultGraph();
    using s = new tf.Session();
    const empty = tf.constant([], { dtype: tf.int32, shape: [0] });
    expect(s.run(tf.reduceProd(empty)).item()).toBe(1);
    expect(s.run(tf.reduceSum(empty)).item()).toBe(0);
    const rows = tf.constant([], { dtype: tf.float32, shape: [0, 2] });
    expect(s.run(tf.reduceSum(rows, { axis: 0 })).toArray()).toEqual([0, 0]);
  });
});
