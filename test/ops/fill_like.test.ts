import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

/*
 * `tf.zeros`/`tf.ones`/`tf.fill`/`tf.zeros_like`/`tf.ones_like` as TensorFlow 1.15's
 * array_ops builds them: which ops, in which order, under which names.
 */

const ops = (): string[] =>
  tf
    .getDefaultGraph()
    .getOperations()
    .map((o) => `${o.name}:${o.type}(${o.inputs.map((t) => t.name).join(",")})`);

function run(t: tf.Tensor, feeds?: Map<tf.Tensor, unknown>): unknown {
  using sess = new tf.Session();
  return sess.run(t, feeds).toArray();
}

describe("zeros, ones and fill", () => {
  beforeEach(() => tf.resetDefaultGraph());

  it("a small shape is one Const; from 1000 elements shape_as_tensor, Const, Fill", () => {
    tf.zeros([2, 3]);
    const big = tf.ones([1000, 2]);
    expect(ops()).toEqual([
      "zeros:Const()",
      "ones/shape_as_tensor:Const()",
      "ones/Const:Const()",
      "ones:Fill(ones/shape_as_tensor:0,ones/Const:0)",
    ]);
    expect(big.shape.toString()).toBe("(1000, 2)");
    expect(run(tf.reduceSum(big)) as number).toBe(2000);
  });

  it("the zeros initializer of a large variable (an optimizer slot) names its shape the same", () => {
    tf.getVariable("b", [40, 50], { initializer: tf.zerosInitializer() });
    expect(ops().slice(0, 3)).toEqual([
      "b/Initializer/zeros/shape_as_tensor:Const()",
      "b/Initializer/zeros/Const:Const()",
      "b/Initializer/zeros:Fill(b/Initializer/zeros/shape_as_tensor:0,b/Initializer/zeros/Const:0)",
    ]);
  });

  it("fill converts dims before value (OpDef order)", () => {
    const f = tf.fill([3, 4], 2);
    expect(ops()).toEqual([
      "Fill/dims:Const()",
      "Fill/value:Const()",
      "Fill:Fill(Fill/dims:0,Fill/value:0)",
    ]);
    expect(run(f)).toEqual(Array.from({ length: 3 }, () => [2, 2, 2, 2]));
  });
});

describe("zerosLike and onesLike", () => {
  beforeEach(() => tf.resetDefaultGraph());

  it("zerosLike: plain zeros of a known shape, a ZerosLike op otherwise or when not optimizing", () => {
    const known = tf.placeholder(tf.float32, [2, 3], { name: "known" });
    const unknown = tf.placeholder(tf.float32, [null, 3], { name: "unknown" });
    const z1 = tf.zerosLike(known);
    const z2 = tf.zerosLike(unknown);
    const z3 = tf.zerosLike(known, { optimize: false });
    const z4 = tf.zerosLike(unknown, { dtype: tf.int32 });
    expect(ops().slice(2)).toEqual([
      "zeros_like:Const()",
      "zeros_like_1:ZerosLike(unknown:0)",
      "zeros_like_2:ZerosLike(known:0)",
      "zeros_like_3/Shape:Shape(unknown:0)",
      "zeros_like_3/Const:Const()",
      "zeros_like_3:Fill(zeros_like_3/Shape:0,zeros_like_3/Const:0)",
    ]);
    expect(z4.dtype).toBe("int32");
    expect(z4.shape.toString()).toBe("(?, 3)");
    const feeds = new Map<tf.Tensor, unknown>([
      [
        known,
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
      ],
      [unknown, [[1, 2, 3]]],
    ]);
    expect(run(z1)).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(run(z2, feeds)).toEqual([[0, 0, 0]]);
    expect(run(z3, feeds)).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(run(z4, feeds)).toEqual([[0, 0, 0]]);
  });

  it("onesLike is always ones of the tensor's shape: Shape (a Const when known), Const, Fill", () => {
    const known = tf.placeholder(tf.float32, [2, 3], { name: "known" });
    const unknown = tf.placeholder(tf.float32, [null, 3], { name: "unknown" });
    const o1 = tf.onesLike(known);
    const o2 = tf.onesLike(unknown, { dtype: tf.bool });
    expect(ops().slice(2)).toEqual([
      "ones_like/Shape:Const()",
      "ones_like/Const:Const()",
      "ones_like:Fill(ones_like/Shape:0,ones_like/Const:0)",
      "ones_like_1/Shape:Shape(unknown:0)",
      "ones_like_1/Const:Const()",
      "ones_like_1:Fill(ones_like_1/Shape:0,ones_like_1/Const:0)",
    ]);
    expect(o1.shape.toString()).toBe("(2, 3)");
    expect(o2.shape.toString()).toBe("(?, 3)");
    const feeds = new Map<tf.Tensor, unknown>([[unknown, [[1, 2, 3]]]]);
    expect(run(o1)).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expect(run(o2, feeds)).toEqual([[true, true, true]]);
  });
});
