import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { constantValue } from "../../src/ops/tensor_util.js";

beforeEach(() => tf.resetDefaultGraph());

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

function run(fetch: tf.Tensor, feed?: Map<tf.Tensor, unknown>): tf.NDArray {
  using sess = new tf.Session();
  return sess.run(fetch, feed);
}

describe("tf.int64: the dtype", () => {
  it("is the string 'int64', an integer dtype", () => {
    expect(tf.int64).toBe("int64");
    const x = tf.placeholder(tf.int64, [null], { name: "x" });
    expect(x.dtype).toBe("int64");
    expect(x.toString()).toBe('Tensor("x:0", shape=(?,), dtype=int64)');
  });

  it("gives variables zeros by default and the int64_ref storage dtype", () => {
    const v = tf.getVariable("count", [2], { dtype: tf.int64 });
    expect(v.toString()).toBe("<tf.Variable 'count:0' shape=(2,) dtype=int64_ref>");
    expect(v.dtype).toBe("int64");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const value = sess.run(v);
    expect(value.dtype).toBe("int64");
    expect(value.data).toEqual(BigInt64Array.of(0n, 0n));
  });

  it("refuses x / y on int64 tensors, as on int32 ones", () => {
    const a = tf.constant([4, 6], { dtype: tf.int64 });
    expect(() => a.div(a)).toThrow("x / y on int64 tensors");
  });
});

describe("int64 constants and results", () => {
  it("keeps a constant's values exactly and runs them in int32", () => {
    const c = tf.constant([1, -2, 3], { dtype: tf.int64, name: "c" });
    expect(c.dtype).toBe("int64");
    expect(constantValue(c)?.values).toEqual(BigInt64Array.of(1n, -2n, 3n));
    const r = run(c);
    expect(r.dtype).toBe("int64");
    expect(r.data).toBeInstanceOf(BigInt64Array);
    expect(r.data).toEqual(BigInt64Array.of(1n, -2n, 3n));
    // NumPy prints int64 like int32, and int64 is its default integer: no dtype in the repr.
    expect(String(r)).toBe("[ 1 -2  3]");
    expect(r.repr()).toBe("array([ 1, -2,  3])");
    expect(r.toArray()).toEqual([1, -2, 3]);
    expect(r.get(1)).toBe(-2);
    expect(String(run(tf.constant(7, { dtype: tf.int64 })))).toBe("7");
  });

  it("takes bigints (as int64) and BigInt64Arrays", () => {
    const c = tf.constant([5n, 6n]);
    expect(c.dtype).toBe("int64");
    expect(run(c).toArray()).toEqual([5, 6]);
    const d = tf.constant(BigInt64Array.of(-1n));
    expect(d.dtype).toBe("int64");
    expect(run(d).data).toEqual(BigInt64Array.of(-1n));
  });

  it("refuses non-integers for int64 as TensorFlow does", () => {
    expect(() => tf.constant([1.5], { dtype: tf.int64 })).toThrow(
      "Expected int64, got 1.5 of type 'float' instead.",
    );
  });

  it("builds a constant beyond int32 but refuses to compute with it, naming the op", () => {
    const big = tf.constant(2 ** 40, { dtype: tf.int64, name: "big" });
    expect(constantValue(big)?.values).toEqual(BigInt64Array.of(2n ** 40n));
    const e = thrown(() => run(big));
    expect(e).toBeInstanceOf(tf.errors.UnimplementedError);
    expect(e.message).toContain(
      "Const 'big': int64 value 1099511627776 is outside the int32 range [-2147483648, 2147483647]",
    );
    expect(e.message).toContain("[[{{node big}}]]");
  });
});

describe("tf.cast with int64", () => {
  it("casts to and from int64, truncating floats toward zero", () => {
    const f = tf.constant([1.7, -1.7, 3]);
    const i = tf.cast(f, tf.int64);
    expect(i.dtype).toBe("int64");
    expect(i.op.attrs).toMatchObject({ SrcT: "float32", DstT: "int64" });
    expect(run(i).data).toEqual(BigInt64Array.of(1n, -1n, 3n));
    expect(run(tf.cast(i, tf.float32)).toArray()).toEqual([1, -1, 3]);
    expect(run(tf.cast(i, tf.int32)).dtype).toBe("int32");
    expect(run(tf.cast(tf.constant([true, false]), tf.int64)).data).toEqual(
      BigInt64Array.of(1n, 0n),
    );
    expect(String(run(tf.cast(tf.constant([2, 0], { dtype: tf.int64 }), tf.bool)))).toBe(
      "[ True False]",
    );
  });

  it("folds a constant cast to int64 when building", () => {
    const i = tf.cast(tf.constant([2.9, -2.9]), tf.int64);
    expect(constantValue(i)).toEqual({
      dtype: "int64",
      shape: [2],
      values: BigInt64Array.of(2n, -2n),
    });
  });

  it("refuses a float too large for the int32 it computes in", () => {
    const x = tf.placeholder(tf.float32, [2]);
    const i = tf.cast(x, tf.int64, { name: "wide" });
    expect(run(i, new Map([[x, [1, 2]]])).data).toEqual(BigInt64Array.of(1n, 2n));
    const e = thrown(() => run(i, new Map([[x, [1, 3e9]]])));
    expect(e).toBeInstanceOf(tf.errors.UnimplementedError);
    expect(e.message).toContain("Cast 'wide': int64 value 3000000000 (element 1) is outside");
  });
});

describe("int64 placeholders and feeds", () => {
  it("accepts numbers, bigints, int64 and int32 arrays", () => {
    const x = tf.placeholder(tf.int64, [null], { name: "x" });
    const y = x.add(1);
    expect(y.dtype).toBe("int64");
    const feeds: unknown[] = [
      [1, 2],
      [1n, 2n],
      BigInt64Array.of(1n, 2n),
      tf.NDArray.fromNested([1, 2], "int64"),
      tf.NDArray.fromNested([1, 2], "int32"),
    ];
    for (const value of feeds) {
      expect(run(y, new Map([[x, value]])).data).toEqual(BigInt64Array.of(2n, 3n));
    }
  });

  it("refuses a fed value outside int32, naming the tensor, and a non-integer", () => {
    const x = tf.placeholder(tf.int64, [2], { name: "x" });
    const y = tf.identity(x);
    const e = thrown(() => run(y, new Map([[x, [1n, -(2n ** 40n)]]])));
    expect(e).toBeInstanceOf(tf.errors.UnimplementedError);
    expect(e.message).toContain(
      "Value fed for Tensor 'x:0': int64 value -1099511627776 (element 1) is outside the int32 range",
    );
    expect(() => run(y, new Map([[x, [1, 2.5]]]))).toThrow("Expected int64, got 2.5");
  });

  it("loads an int64 variable with Variable.load", () => {
    const v = tf.getVariable("v", [2], { dtype: tf.int64 });
    using sess = new tf.Session();
    v.load([4, 5], sess);
    expect(sess.run(v).data).toEqual(BigInt64Array.of(4n, 5n));
  });
});

describe("tf.argmax / tf.argmin", () => {
  it("return int64 by default and int32 on request (attr output_type)", () => {
    const x = tf.constant([
      [1, 9, 3],
      [7, 2, 5],
    ]);
    const a = tf.argmax(x, { axis: 1 });
    expect(a.dtype).toBe("int64");
    expect(a.op.attrs.output_type).toBe("int64");
    const r = run(a);
    expect(r.dtype).toBe("int64");
    expect(String(r)).toBe("[1 0]");
    const b = tf.argmin(x, { axis: 1, outputType: tf.int32 });
    expect(b.dtype).toBe("int32");
    expect(b.op.attrs.output_type).toBe("int32");
    expect(run(b).toArray()).toEqual([0, 1]);
    expect(tf.argmin(x).dtype).toBe("int64");
    expect(() => tf.argmax(x, { outputType: tf.float32 })).toThrow(
      "Value passed to parameter 'output_type' has DataType float32 not in list of allowed values: int32, int64",
    );
  });

  it("computes the MNIST accuracy idiom end to end", () => {
    const pred = tf.placeholder(tf.float32, [null, 3], { name: "pred" });
    const y = tf.placeholder(tf.float32, [null, 3], { name: "y" });
    const correct = tf.equal(tf.argmax(pred, { axis: 1 }), tf.argmax(y, { axis: 1 }));
    const accuracy = tf.reduceMean(tf.cast(correct, tf.float32));
    const feed = new Map<tf.Tensor, unknown>([
      [
        pred,
        [
          [0.1, 0.8, 0.1],
          [0.7, 0.2, 0.1],
          [0.2, 0.2, 0.6],
          [0.3, 0.4, 0.3],
        ],
      ],
      [
        y,
        [
          [0, 1, 0],
          [1, 0, 0],
          [1, 0, 0],
          [0, 0, 1],
        ],
      ],
    ]);
    expect(run(accuracy, feed).item()).toBe(0.5);
    expect(String(run(correct, feed))).toBe("[ True  True False False]");
  });

  it("compares int64 with JS numbers, which take the int64 dtype", () => {
    const a = tf.argmax(
      tf.constant([
        [0, 5],
        [5, 0],
      ]),
      { axis: 1 },
    );
    expect(String(run(tf.equal(a, 1)))).toBe("[ True False]");
    expect(String(run(tf.greater(a, 0)))).toBe("[ True False]");
    expect(() => tf.equal(a, tf.constant([1, 0], { dtype: tf.int32 }))).toThrow(
      "Input 'y' of 'Equal' Op has type int32 that does not match type int64 of argument 'x'.",
    );
  });
});

describe("int64 in other ops", () => {
  it("tf.shape and tf.size give int64 with outType, constant-folded or not", () => {
    const x = tf.placeholder(tf.float32, [null, 3]);
    const s = tf.shape(x, { outType: tf.int64 });
    expect(s.dtype).toBe("int64");
    expect(s.op.attrs.out_type).toBe("int64");
    const n = tf.size(x, { outType: tf.int64 });
    expect(n.dtype).toBe("int64");
    const feed = new Map([
      [
        x,
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
      ],
    ]);
    expect(run(s, feed).data).toEqual(BigInt64Array.of(2n, 3n));
    expect(run(n, feed).data).toEqual(BigInt64Array.of(6n));
    const known = tf.shape(tf.zeros([4, 5]), { outType: tf.int64 });
    expect(known.op.type).toBe("Const");
    expect(constantValue(known)?.values).toEqual(BigInt64Array.of(4n, 5n));
    expect(() => tf.shape(x, { outType: tf.float32 })).toThrow(
      "Value passed to parameter 'out_type' has DataType float32 not in list of allowed values: int32, int64",
    );
  });

  it("arithmetic and reductions on int64", () => {
    const a = tf.constant([1, 2, 3], { dtype: tf.int64 });
    expect(run(tf.reduceSum(a)).data).toEqual(BigInt64Array.of(6n));
    expect(run(a.mul(a).sub(1)).data).toEqual(BigInt64Array.of(0n, 3n, 8n));
    expect(run(tf.maximum(a, 2)).data).toEqual(BigInt64Array.of(2n, 2n, 3n));
  });

  it("takes int64 indices, labels, shapes and axes where TensorFlow does", () => {
    const params = tf.constant([10, 20, 30]);
    const idx = tf.constant([2, 0], { dtype: tf.int64 });
    expect(run(tf.gather(params, idx)).toArray()).toEqual([30, 10]);
    expect(run(tf.oneHot(idx, 3)).toArray()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
    ]);
    const shape = tf.constant([3, 1], { dtype: tf.int64 });
    const r = tf.reshape(params, shape);
    expect(r.shape.toString()).toBe("(3, 1)");
    expect(run(tf.reduceSum(r, { axis: tf.constant(0, { dtype: tf.int64 }) })).toArray()).toEqual([
      60,
    ]);
    const rg = tf.range(tf.constant(0, { dtype: tf.int64 }), 3);
    expect(rg.dtype).toBe("int64");
    expect(run(rg).data).toEqual(BigInt64Array.of(0n, 1n, 2n));
    const u = tf.randomUniform([4], { minval: 0, maxval: 3, dtype: tf.int64, seed: 1 });
    expect(u.dtype).toBe("int64");
    const values = Array.from(run(u).data as BigInt64Array);
    expect(values.every((v) => v >= 0n && v < 3n)).toBe(true);
  });

  it("trains with int64 labels (sparse softmax cross entropy and its gradient)", () => {
    const w = tf.getVariable("w", [2, 2], { initializer: tf.zerosInitializer() });
    const x = tf.constant([
      [1, 0],
      [0, 1],
    ]);
    const labels = tf.constant([1, 0], { dtype: tf.int64 });
    const loss = tf.reduceMean(
      tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits: tf.matmul(x, w) }),
    );
    const train = new tf.train.GradientDescentOptimizer(1).minimize(loss);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const before = sess.run(loss).item();
    for (let i = 0; i < 5; i++) sess.run(train);
    expect(sess.run(loss).item()).toBeLessThan(before);
  });

  it("differentiates through gathers and embedding lookups by int64 ids", () => {
    const emb = tf.getVariable("emb", [3, 2], { initializer: tf.onesInitializer() });
    const ids = tf.constant([2, 2, 0], { dtype: tf.int64 });
    const loss = tf.reduceSum(tf.nn.embeddingLookup(emb, ids));
    const train = new tf.train.GradientDescentOptimizer(1).minimize(loss);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run(train);
    expect(sess.run(emb).toArray()).toEqual([
      [0, 0],
      [1, 1],
      [-1, -1],
    ]);
  });
});

describe("the global step", () => {
  it("is an int64 scalar global_step, in GLOBAL_STEP and GLOBAL_VARIABLES, not trainable", () => {
    const step = tf.train.getOrCreateGlobalStep();
    expect(step.name).toBe("global_step:0");
    expect(step.dtype).toBe("int64");
    expect(step.shape.toString()).toBe("()");
    expect(step.toString()).toBe("<tf.Variable 'global_step:0' shape=() dtype=int64_ref>");
    expect(step.trainable).toBe(false);
    const graph = tf.getDefaultGraph();
    expect(graph.getCollection(tf.GraphKeys.GLOBAL_STEP)).toEqual([step]);
    expect(graph.getCollection(tf.GraphKeys.GLOBAL_VARIABLES)).toContain(step);
    expect(tf.trainableVariables()).not.toContain(step);
    expect(tf.train.getOrCreateGlobalStep()).toBe(step);
  });

  it("is incremented by minimize with an int64 1", () => {
    const w = tf.getVariable("w", [], { initializer: tf.onesInitializer() });
    const step = tf.train.getOrCreateGlobalStep();
    const train = new tf.train.GradientDescentOptimizer(0.1).minimize(tf.square(w), {
      globalStep: step,
    });
    expect(train.type).toBe("AssignAdd");
    const one = train.inputs[1] as tf.Tensor;
    expect(one.dtype).toBe("int64");
    expect(constantValue(one)?.values).toEqual(BigInt64Array.of(1n));
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    for (let i = 0; i < 3; i++) sess.run(train);
    const value = sess.run(step);
    expect(value.dtype).toBe("int64");
    expect(value.item()).toBe(3);
    expect(value.item() % 3 === 0).toBe(true);
    expect(String(value)).toBe("3");
    sess.run(step.assignAdd(10));
    expect(sess.run(step).data).toEqual(BigInt64Array.of(13n));
    sess.run(tf.assign(step, 2));
    expect(sess.run(step).item()).toBe(2);
  });
});

describe("NDArray of int64", () => {
  it("stores BigInt64Array and hands out exact numbers", () => {
    const a = tf.NDArray.fromNested([
      [1n, 2n],
      [3n, 2n ** 40n],
    ]);
    expect(a.dtype).toBe("int64");
    expect(a.data).toEqual(BigInt64Array.of(1n, 2n, 3n, 2n ** 40n));
    expect(a.get(1, 1)).toBe(2 ** 40);
    expect(String(a)).toBe("[[            1             2]\n [            3 1099511627776]]");
    const wide = tf.NDArray.fromNested([2n ** 60n]);
    expect(String(wide)).toBe("[1152921504606846976]");
    expect(() => wide.item()).toThrow(
      "int64 value 1152921504606846976 cannot be represented exactly as a JavaScript number",
    );
  });

  it("builds from numbers and compares by value with other dtypes", () => {
    const a = tf.NDArray.fromNested([1, 2], "int64");
    expect(a.data).toEqual(BigInt64Array.of(1n, 2n));
    expect(a.equals([1, 2])).toBe(true);
    expect(a.equals(tf.NDArray.fromNested([1, 3], "int64"))).toBe(false);
    expect(a.allClose(tf.NDArray.fromNested([1, 2], "float32"))).toBe(true);
    expect(tf.NDArray.fromTypedArray([3, 4], [2], "int64").data).toEqual(BigInt64Array.of(3n, 4n));
    expect(tf.NDArray.fromNested([], "int64").repr()).toBe("array([], dtype=int64)");
    expect(() => tf.NDArray.fromNested([1.5], "int64")).toThrow("Expected int64");
  });
});
