/**
 * API.md "Ops": the functions of the list that no other test checks by value, on [3,4]
 * inputs: their default op names and types, static shapes, and values computed in plain JS.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectClose, map2, matrix, thrownBy } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const A = map2(matrix(3, 4), (x, i) => (i === 1 ? -x : x) / 3 + 0.25);
const B = map2(matrix(3, 4, 2), (x) => Math.cos(x) * 2);
const at = (m: number[][], i: number, j: number) => (m[i] as number[])[j] as number;

describe("elementwise ops on [3,4]", () => {
  it("binary: names, types and values", () => {
    const a = tf.constant(A, { name: "a" });
    const b = tf.constant(B, { name: "b" });
    const cases: [tf.Tensor, string, string, (x: number, y: number) => number | boolean][] = [
      [tf.add(a, b), "Add", "Add", (x, y) => x + y],
      [tf.subtract(a, b), "Sub", "Sub", (x, y) => x - y],
      [tf.multiply(a, b), "Mul", "Mul", (x, y) => x * y],
      [tf.divide(a, b), "truediv", "RealDiv", (x, y) => x / y],
      [tf.maximum(a, b), "Maximum", "Maximum", (x, y) => Math.max(x, y)],
      [tf.minimum(a, b), "Minimum", "Minimum", (x, y) => Math.min(x, y)],
      [tf.pow(tf.abs(a), b), "Pow", "Pow", (x, y) => Math.abs(x) ** y],
      [tf.equal(a, a), "Equal", "Equal", () => true],
      [tf.less(a, b), "Less", "Less", (x, y) => x < y],
      [tf.greater(a, b), "Greater", "Greater", (x, y) => x > y],
    ];
    using sess = new tf.Session();
    for (const [t, name, type, f] of cases) {
      expect(t.op.name).toBe(name);
      expect(t.op.type).toBe(type);
      expect(t.shape.asList()).toEqual([3, 4]);
      const expected = A.map((row, i) => row.map((x, j) => f(x, at(B, i, j))));
      const got = sess.run(t).toArray() as unknown[][];
      if (typeof expected[0]?.[0] === "boolean") {
        expect(t.dtype).toBe("bool");
        expect(got).toEqual(expected);
      } else expectClose(got, expected, 4);
    }
    expect(tf.add(a, b, { name: "sum" }).op.name).toBe("sum");
  });

  it("unary: names, types and values", () => {
    const a = tf.constant(A, { name: "a" });
    const pos = tf.abs(a);
    const cases: [tf.Tensor, string, string, (x: number) => number][] = [
      [tf.square(a), "Square", "Square", (x) => x * x],
      [tf.sqrt(pos), "Sqrt", "Sqrt", (x) => Math.sqrt(Math.abs(x))],
      [tf.exp(a), "Exp", "Exp", Math.exp],
      [tf.log(pos), "Log", "Log", (x) => Math.log(Math.abs(x))],
      [tf.abs(a), "Abs_1", "Abs", Math.abs],
      [tf.tanh(a), "Tanh", "Tanh", Math.tanh],
      [tf.sigmoid(a), "Sigmoid", "Sigmoid", (x) => 1 / (1 + Math.exp(-x))],
      [tf.nn.relu(a), "Relu", "Relu", (x) => Math.max(0, x)],
      [tf.nn.tanh(a), "Tanh_1", "Tanh", Math.tanh],
      [tf.nn.sigmoid(a), "Sigmoid_1", "Sigmoid", (x) => 1 / (1 + Math.exp(-x))],
      [tf.identity(a), "Identity", "Identity", (x) => x],
      [tf.stopGradient(a), "StopGradient", "StopGradient", (x) => x],
    ];
    using sess = new tf.Session();
    for (const [t, name, type, f] of cases) {
      expect(t.op.name).toBe(name);
      expect(t.op.type).toBe(type);
      expectClose(sess.run(t).toArray(), map2(A, f), 4);
    }
  });

  it("tf.where selects elementwise with Select", () => {
    const a = tf.constant(A);
    const b = tf.constant(B);
    const s = tf.where(tf.greater(a, b), a, b);
    expect(s.op.type).toBe("Select");
    using sess = new tf.Session();
    expectClose(
      sess.run(s).toArray(),
      map2(A, (x, i, j) => Math.max(x, at(B, i, j))),
    );
  });
});

describe("tensor makers", () => {
  it("zeros, ones, fill, constant and placeholderWithDefault on [3,4]", () => {
    const z = tf.zeros([3, 4]);
    const o = tf.ones([3, 4], { dtype: tf.int32 });
    const f = tf.fill([3, 4], 2.5);
    const d = tf.placeholderWithDefault(tf.constant(A), [null, 4], { name: "d" });
    expect([z.op.name, o.op.name, f.op.name, d.op.name]).toEqual(["zeros", "ones", "Fill", "d"]);
    expect([z.op.type, o.op.type, f.op.type, d.op.type]).toEqual([
      "Const",
      "Const",
      "Fill",
      "PlaceholderWithDefault",
    ]);
    expect(o.dtype).toBe("int32");
    expect(d.shape.toString()).toBe("(?, 4)");
    using sess = new tf.Session();
    expect(sess.run(z).toArray()).toEqual(map2(A, () => 0));
    expect(sess.run(o).toArray()).toEqual(map2(A, () => 1));
    expect(sess.run(f).toArray()).toEqual(map2(A, () => 2.5));
    expectClose(sess.run(d).toArray(), A);
    expect(sess.run(d, { "d:0": [[1, 2, 3, 4]] }).toArray()).toEqual([[1, 2, 3, 4]]);
  });

  it("randomNormal, randomUniform, truncatedNormal: names, ranges, moments, seeds", () => {
    tf.setRandomSeed(3);
    const n = tf.randomNormal([200, 300], { mean: 2, stddev: 0.5 });
    const u = tf.randomUniform([200, 300], { minval: -1, maxval: 3 });
    const t = tf.truncatedNormal([200, 300], { stddev: 2 });
    expect([n.op.name, u.op.name, t.op.name]).toEqual([
      "random_normal",
      "random_uniform",
      "truncated_normal",
    ]);
    expect(n.shape.asList()).toEqual([200, 300]);
    using sess = new tf.Session();
    const [nv, uv, tv] = sess.run([n, u, t]).map((r) => Array.from(r.data as Float32Array));
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const std = (v: number[]) => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));
    expect(mean(nv as number[])).toBeCloseTo(2, 1);
    expect(std(nv as number[])).toBeCloseTo(0.5, 1);
    expect(Math.min(...(uv as number[]))).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...(uv as number[]))).toBeLessThan(3);
    expect(mean(uv as number[])).toBeCloseTo(1, 1);
    expect(Math.max(...(tv as number[]).map(Math.abs))).toBeLessThanOrEqual(4);
    // A truncated N(0, 2) has standard deviation 2 * 0.8796.
    expect(std(tv as number[])).toBeCloseTo(2 * 0.8796, 1);
    // setRandomSeed: a new session repeats the same draws.
    using again = new tf.Session();
    expect(Array.from(again.run(n).data as Float32Array)).toEqual(nv);
  });
});

describe("state and grouping ops", () => {
  it("assign, assignAdd, assignSub on a [3,4] variable; group and noOp run their inputs", () => {
    const v = tf.getVariable("v", [3, 4], { initializer: tf.zerosInitializer() });
    const c = tf.getVariable("c", [], { initializer: tf.zerosInitializer() });
    const set = tf.assign(v, A);
    const add = tf.assignAdd(v, B);
    const sub = tf.assignSub(v, A);
    expect([set.op.type, add.op.type, sub.op.type]).toEqual(["Assign", "AssignAdd", "AssignSub"]);
    const both = tf.group([tf.assignAdd(c, 1).op, tf.assignAdd(c, 10).op], { name: "both" });
    expect(both.name).toBe("both");
    expect(both.type).toBe("NoOp");
    const nothing = tf.noOp({ name: "nothing" });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expectClose(sess.run(set).toArray(), A);
    expectClose(
      sess.run(add).toArray(),
      map2(A, (x, i, j) => x + at(B, i, j)),
    );
    expectClose(sess.run(sub).toArray(), B);
    expect(sess.run(both)).toBeNull();
    expect(sess.run(c).item()).toBe(11);
    expect(sess.run(nothing)).toBeNull();
    const e = thrownBy(() => tf.assign(v, [1, 2, 3]));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toContain("Shapes must be equal rank, but are 2 and 1");
  });
});
