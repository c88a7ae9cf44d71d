/**
 * tf.checkNumerics, tf.verifyTensorAllFinite and tf.Print: TF's messages (numerics_test.py,
 * logging_ops_test.py), graph names, pass-through values and gradients.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as tf from "../../src/index.js";
import { checkGradients } from "../gradients/helpers.js";

beforeEach(() => tf.resetDefaultGraph());
afterEach(() => vi.restoreAllMocks());

function run(t: tf.Tensor, feeds: [tf.Tensor, unknown][] = []): unknown {
  using sess = new tf.Session();
  return (sess.run(t, new Map(feeds) as never) as tf.NDArray).toArray();
}

describe("tf.checkNumerics", () => {
  it("passes finite values through and fails on NaN or Inf with TF's message", () => {
    const x = tf.placeholder(tf.float32, [3]);
    const c = tf.checkNumerics(x, "bad x");
    expect(c.op.type).toBe("CheckNumerics");
    expect(c.op.attrs.message).toBe("bad x");
    expect(c.shape.toString()).toBe("(3,)");
    expect(run(c, [[x, [1, 2, 3]]])).toEqual([1, 2, 3]);
    expect(() => run(c, [[x, [1, NaN, 3]]])).toThrow("bad x : Tensor had NaN values");
    expect(() => run(c, [[x, [1, Infinity, 3]]])).toThrow("bad x : Tensor had Inf values");
    expect(() => run(c, [[x, [NaN, -Infinity, 3]]])).toThrow(
      "bad x : Tensor had Inf and NaN values",
    );
    // The OpDef lists `T: {bfloat16, half, float, double}`: op_def_library prints that order.
    const i = tf.constant([1], tf.int32);
    expect(() => tf.checkNumerics(i, "m")).toThrow(
      "Value passed to parameter 'tensor' has DataType int32 not in list of allowed values: bfloat16, float16, float32, float64",
    );
  });

  it("checks the gradient too, with TF's message", async () => {
    const x = tf.placeholder(tf.float32, [2]);
    const [g] = tf.gradients(tf.reduceSum(tf.checkNumerics(x, "fwd")), [x]);
    expect((g as tf.Tensor).op.type).toBe("CheckNumerics");
    expect((g as tf.Tensor).op.attrs.message).toBe(
      "Not a number (NaN) or infinity (Inf) values detected in gradient. fwd",
    );
    await checkGradients({ inputs: [{ shape: [2, 3] }], graph: (t) => tf.checkNumerics(t, "m") });
  });

  it("verifyTensorAllFinite runs the check before an Identity", () => {
    const x = tf.placeholder(tf.float32, [2]);
    const v = tf.verifyTensorAllFinite(x, "not finite");
    expect(v.name).toBe("VerifyFinite/control_dependency:0");
    expect(v.op.controlInputs.map((o) => o.name)).toEqual(["VerifyFinite/CheckNumerics"]);
    expect(run(v, [[x, [1, 2]]])).toEqual([1, 2]);
    expect(() => run(v, [[x, [1, NaN]]])).toThrow("not finite : Tensor had NaN values");
    const w = tf.verifyTensorAllFinite({ x, message: "m2" });
    expect(() => run(w, [[x, [Infinity, 1]]])).toThrow("m2 : Tensor had Inf values");
  });
});

describe("tf.Print", () => {
  it("passes its input through and prints message and data to stderr, first_n times", () => {
    const lines: string[] = [];
    const x = tf.placeholder(tf.int32, [4]);
    const p = tf.Print(x, [x, tf.constant("tag", tf.string)], "x is ", 2, 3);
    expect(p.op.type).toBe("Print");
    expect(p.op.attrs.first_n).toBe(2);
    expect(p.op.attrs.summarize).toBe(3);
    expect(p.shape.toString()).toBe("(4,)");
    using sess = new tf.Session();
    sess.output = { write: (stream, text) => lines.push(`${stream}:${text}`) };
    for (let i = 0; i < 3; i++) {
      const out = sess.run(p, new Map([[x, [1, 2, 3, i]]]) as never) as tf.NDArray;
      expect(out.toArray()).toEqual([1, 2, 3, i]);
    }
    expect(lines).toEqual(["stderr:x is [1 2 3...][tag]\n", "stderr:x is [1 2 3...][tag]\n"]);
  });

  it("writes matrices, booleans and strings as TF's SummarizeValue does", () => {
    const lines: string[] = [];
    using sess = new tf.Session();
    sess.output = { write: (_stream, text) => lines.push(text) };
    const m = tf.reshape(tf.range(6), [2, 3]);
    const data = [m, tf.constant([true, false]), tf.constant(["a\n", "b"]), tf.constant(0.1)];
    sess.run(tf.Print(tf.constant(1), data, "m: "));
    sess.run(tf.Print(tf.constant(1), [m], "all: ", -1, -1));
    expect(lines).toEqual(["m: [[0 1 2]...][1 0][a\\n b][0.1]\n", "all: [[0 1 2][3 4 5]]\n"]);
  });

  it("passes the gradient to its input only", () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const x = tf.constant([1, 2]);
    const [g] = tf.gradients(tf.reduceSum(tf.multiply(tf.Print(x, [x]), 3)), [x]);
    expect(run(g as tf.Tensor)).toEqual([3, 3]);
  });
});
