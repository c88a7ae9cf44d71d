/**
 * Session claims of README ("Sessions") and API.md (`sess.run`, `feedDict`, `asDefault`,
 * `Tensor.eval`, `NDArray`), on matrices rather than scalars.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectClose, map2, matmul, matrix, thrownBy } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

describe("sess.run fetch structures", () => {
  it("nested objects and arrays mixing tensors, variables, operations and names keep their shape", () => {
    const a = tf.constant(matrix(3, 4), { name: "a" });
    const w = tf.getVariable("w", [4, 2], { initializer: tf.constantInitializer(0.5) });
    const y = tf.matmul(a, w, { name: "y" });
    const init = tf.globalVariablesInitializer();
    const noop = tf.noOp({ name: "nothing" });
    using sess = new tf.Session();
    expect(sess.run(init)).toBeNull();
    const r = sess.run({
      y,
      deep: { pair: [a, "y:0"], ops: [noop, "nothing", [w, { again: "a:0" }]] },
      list: [[["w:0"]]],
      empty: [],
    });
    const a34 = matrix(3, 4);
    const y32 = matmul(
      a34,
      map2(matrix(4, 2), () => 0.5),
    );
    expect(r.y.shape).toEqual([3, 2]);
    expectClose(r.y.toArray(), y32);
    expect(r.deep.pair[0].toArray()).toEqual(a34);
    expectClose(r.deep.pair[1].toArray(), y32);
    expect(r.deep.ops[0]).toBeNull();
    expect(r.deep.ops[1]).toBeNull();
    const inner = r.deep.ops[2] as unknown as [tf.NDArray, { again: tf.NDArray }];
    expect(inner[0].toArray()).toEqual(map2(matrix(4, 2), () => 0.5));
    expect(inner[1].again.toArray()).toEqual(a34);
    expect((r.list as unknown as tf.NDArray[][][])[0]?.[0]?.[0]?.shape).toEqual([4, 2]);
    expect(r.empty).toEqual([]);
    expect(Object.keys(r)).toEqual(["y", "deep", "list", "empty"]);
  });

  it("the same tensor fetched twice gives two equal arrays; a fetched variable is its value", () => {
    const v = tf.getVariable("v", [2, 3], { initializer: tf.constantInitializer(matrix(2, 3)) });
    using sess = new tf.Session();
    sess.run(v.initializer);
    const [x, y, byName] = sess.run([v, v, "v:0"]);
    expect(x.toArray()).toEqual(matrix(2, 3));
    expect(y.toArray()).toEqual(matrix(2, 3));
    expect(byName.toArray()).toEqual(matrix(2, 3));
    expect(x.dtype).toBe("float32");
  });

  it("a bad fetch name raises the graph's look-up error, and a non-fetchable value a TypeError", () => {
    tf.constant(1, { name: "c" });
    using sess = new tf.Session();
    const e = thrownBy(() => sess.run({ ok: "c:0", bad: "nope:0" }));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe(
      "The name 'nope:0' refers to a Tensor which does not exist. The operation, 'nope', does not exist in the graph.",
    );
    expect(() => sess.run([3 as unknown as tf.Tensor])).toThrow(TypeError);
  });
});

describe("pruning", () => {
  it("runs only what the fetches need: an unfed placeholder and an assign elsewhere do not run", () => {
    const x = tf.placeholder(tf.float32, [null, 4], { name: "x" });
    const v = tf.getVariable("v", [3, 4], { initializer: tf.zerosInitializer() });
    const unrelated = tf.assignAdd(v, tf.ones([3, 4]));
    const needsX = tf.reduceSum(x);
    const a = tf.constant(matrix(3, 4)).mul(v);
    using sess = new tf.Session();
    sess.run(v.initializer);
    expect(sess.run(a).toArray()).toEqual(map2(matrix(3, 4), () => 0));
    expect(sess.run({ a, v }).v.toArray()).toEqual(map2(matrix(3, 4), () => 0));
    expect(() => sess.run(needsX)).toThrow(tf.errors.InvalidArgumentError);
    sess.run(unrelated);
    expect(sess.run(a).toArray()).toEqual(matrix(3, 4));
  });
});

describe("feeds", () => {
  it("a plain object keyed by tensor names, a Map keyed by tensors, and a Map keyed by names agree", () => {
    const x = tf.placeholder(tf.float32, [null, 4], { name: "x" });
    const k = tf.placeholder(tf.int32, [3], { name: "k" });
    const w = tf.constant(matrix(4, 2, 1), { name: "w" });
    const y = tf.matmul(x, w).add(tf.reduceSum(tf.cast(k, tf.float32)));
    const xv = matrix(3, 4);
    const expected = map2(matmul(xv, matrix(4, 2, 1)), (v) => v + 6);
    using sess = new tf.Session();
    const byObject = sess.run(y, { "x:0": xv, "k:0": [1, 2, 3] });
    const byTensor = sess.run(
      y,
      new Map<tf.Tensor, unknown>([
        [x, xv],
        [k, [1, 2, 3]],
      ]),
    );
    const byName = sess.run(
      y,
      new Map<string, unknown>([
        ["x:0", xv],
        ["k:0", [1, 2, 3]],
      ]),
    );
    for (const r of [byObject, byTensor, byName]) {
      expect(r.shape).toEqual([3, 2]);
      expectClose(r.toArray(), expected);
    }
  });

  it("typed arrays take the placeholder's shape; NDArrays feed as they are", () => {
    const x = tf.placeholder(tf.float32, [null, 3], { name: "x" });
    const y = x.mul(2);
    using sess = new tf.Session();
    const flat = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const r = sess.run(y, new Map([[x, flat]]));
    expect(r.shape).toEqual([2, 3]);
    expect(r.toArray()).toEqual([
      [2, 4, 6],
      [8, 10, 12],
    ]);
    const again = sess.run(y, new Map([[x, r]]));
    expect(again.toArray()).toEqual([
      [4, 8, 12],
      [16, 20, 24],
    ]);
    expect(() => sess.run(y, new Map([[x, Float32Array.from([1, 2, 3, 4])]]))).toThrow(
      "Cannot feed value of shape (4,) for Tensor 'x:0', which has shape '(?, 3)'",
    );
  });

  it("a wrong shape is a ValueError before anything runs; a missing feed names the placeholder", () => {
    const v = tf.getVariable("v", [], { initializer: tf.zerosInitializer() });
    const x = tf.placeholder(tf.float32, [null, 2], { name: "x" });
    const bump = tf.assignAdd(v, 1);
    const y = tf.controlDependencies([bump], () => tf.reduceSum(x));
    using sess = new tf.Session();
    sess.run(v.initializer);
    const e = thrownBy(() => sess.run(y, { "x:0": matrix(3, 3) }));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe(
      "Cannot feed value of shape (3, 3) for Tensor 'x:0', which has shape '(?, 2)'",
    );
    expect(sess.run(v).item()).toBe(0);
    const m = thrownBy(() => sess.run(y));
    expect(m).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(m.message).toContain(
      "You must feed a value for placeholder tensor 'x' with dtype float and shape [?,2]",
    );
    expect(sess.run(v).item()).toBe(0);
    expect(sess.run(y, { "x:0": matrix(3, 2) }).item()).toBeCloseTo(
      matrix(3, 2)
        .flat()
        .reduce((s, t) => s + t, 0),
      4,
    );
    expect(sess.run(v).item()).toBe(1);
  });

  it("a feed key that names an operation or a missing tensor is refused with TF's words", () => {
    const x = tf.placeholder(tf.float32, [2], { name: "x" });
    using sess = new tf.Session();
    // TF's session.py wraps the lookup error: TypeError('Cannot interpret feed_dict key as Tensor: ' + …).
    const opKey = thrownBy(() => sess.run(x, { x: [1, 2] }));
    expect(opKey).toBeInstanceOf(TypeError);
    expect(opKey.message).toBe(
      `Cannot interpret feed_dict key as Tensor: The name 'x' refers to an Operation, not a Tensor. Tensor names must be of the form "<op_name>:<output_index>".`,
    );
    expect(thrownBy(() => sess.run(x, { "x:0": [1, 2], "q:0": [1] })).message).toBe(
      "Cannot interpret feed_dict key as Tensor: The name 'q:0' refers to a Tensor which does not exist. The operation, 'q', does not exist in the graph.",
    );
  });
});

describe("default session and eval", () => {
  it("Tensor.eval(feedDict, session) with an explicit session, and inside asDefault", () => {
    const x = tf.placeholder(tf.float32, [3, 4], { name: "x" });
    const w = tf.getVariable("w", [4, 2], { initializer: tf.constantInitializer(matrix(4, 2)) });
    const y = tf.matmul(x, w);
    const xv = matrix(3, 4, 2);
    const expected = matmul(xv, matrix(4, 2));
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expectClose(y.eval({ "x:0": xv }, sess).toArray(), expected);
    expectClose(y.eval(new Map([[x, xv]]), sess).toArray(), expected);
    const inside = sess.asDefault((s) => {
      expect(s).toBe(sess);
      expect(tf.getDefaultSession()).toBe(sess);
      return y.eval(new Map([[x, xv]]));
    });
    expectClose(inside.toArray(), expected);
    expect(tf.getDefaultSession()).toBeNull();
    expect(() => y.eval({ "x:0": xv })).toThrow("No default session is registered");
    sess.close();
  });

  it("nested asDefault: the innermost session wins, each with its own variable values", () => {
    const v = tf.getVariable("v", [2, 2], { initializer: tf.onesInitializer() });
    const s1 = new tf.Session();
    const s2 = new tf.Session();
    s1.run(v.initializer);
    s2.run(v.initializer);
    v.load(
      [
        [1, 2],
        [3, 4],
      ],
      s2,
    );
    s1.asDefault(() => {
      expect(v.eval().toArray()).toEqual([
        [1, 1],
        [1, 1],
      ]);
      s2.asDefault(() => {
        expect(tf.getDefaultSession()).toBe(s2);
        expect(v.eval().toArray()).toEqual([
          [1, 2],
          [3, 4],
        ]);
      });
      expect(tf.getDefaultSession()).toBe(s1);
    });
    s1.close();
    s2.close();
  });

  it("an async asDefault callback is a TypeError", () => {
    using sess = new tf.Session();
    expect(() => sess.asDefault(async () => 1)).toThrow(TypeError);
    expect(tf.getDefaultSession()).toBeNull();
  });
});

describe("Session options", () => {
  it("graph: runs another graph; config is accepted", () => {
    const g = new tf.Graph();
    const c = g.asDefault(() => tf.constant(matrix(2, 3)).mul(2));
    using sess = new tf.Session({ graph: g, config: { allowSoftPlacement: true } });
    expect(sess.graph).toBe(g);
    expect(sess.run(c).toArray()).toEqual(map2(matrix(2, 3), (v) => v * 2));
    expect(() => sess.run(tf.constant(1))).toThrow("is not an element of this graph");
  });

  it("runAsync returns the same structure", async () => {
    const a = tf.constant(matrix(3, 4));
    const op = tf.noOp();
    using sess = new tf.Session();
    const r = await sess.runAsync({ a, n: [op, tf.reduceSum(a, { axis: 1 })] });
    expect(r.a.toArray()).toEqual(matrix(3, 4));
    expect(r.n[0]).toBeNull();
    expectClose(
      (r.n[1] as tf.NDArray).toArray(),
      matrix(3, 4).map((row) => row.reduce((s, t) => s + t, 0)),
    );
  });
});

describe("NDArray", () => {
  it("shape, dtype, data, size, item, toArray and NumPy printing on a [2,3] array", () => {
    using sess = new tf.Session();
    const f = sess.run(
      tf.constant([
        [1, 2.5, -3],
        [4, 5, 6],
      ]),
    );
    expect(f.shape).toEqual([2, 3]);
    expect(f.dtype).toBe("float32");
    expect(f.size).toBe(6);
    expect(f.data).toBeInstanceOf(Float32Array);
    expect(Array.from(f.data as Float32Array)).toEqual([1, 2.5, -3, 4, 5, 6]);
    expect(String(f)).toBe("[[ 1.   2.5 -3. ]\n [ 4.   5.   6. ]]");
    expect(() => f.item()).toThrow("can only convert an array of size 1 to a Python scalar");
    const i = sess.run(tf.constant([[1, 2, 3]], { dtype: tf.int32 }));
    expect(i.dtype).toBe("int32");
    expect(i.data).toBeInstanceOf(Int32Array);
    expect(String(i)).toBe("[[1 2 3]]");
    const b = sess.run(tf.greater(tf.constant([1, 5]), tf.constant([2, 2])));
    expect(b.dtype).toBe("bool");
    expect(b.toArray()).toEqual([false, true]);
    expect(String(b)).toBe("[False  True]");
    const s = sess.run(tf.constant(20.5));
    expect(s.toArray()).toBe(20.5);
    expect(s.item()).toBe(20.5);
    expect(String(s)).toBe("20.5");
  });
});
