/**
 * tf.Assert and the v1 asserts of TF 1.15's check_ops.py: graph construction (names, the
 * AssertGuard for non-int32 data, TF's default data with its wording), run-time failures
 * with TF's message, assert_equal's build-time check (check_ops_test.py cases).
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

beforeEach(() => tf.resetDefaultGraph());

function runFails(op: tf.Operation, feeds: [tf.Tensor, unknown][]): string {
  using sess = new tf.Session();
  try {
    sess.run(op, new Map(feeds) as never);
  } catch (e) {
    expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
    return (e as Error).message;
  }
  throw new Error("expected the run to fail");
}

function runs(op: tf.Operation, feeds: [tf.Tensor, unknown][]): void {
  using sess = new tf.Session();
  sess.run(op, new Map(feeds) as never);
}

describe("tf.Assert", () => {
  it("builds Assert directly for string and int32 data, else under an AssertGuard cond", () => {
    const n = tf.placeholder(tf.int32, []);
    const direct = tf.Assert(tf.greater(n, 0), ["n =", n], 5, "check");
    expect(direct.name).toBe("check/Assert");
    expect(direct.type).toBe("Assert");
    expect(direct.attrs.summarize).toBe(5);
    runs(direct, [[n, 1]]);
    expect(runFails(direct, [[n, -2]])).toContain("assertion failed: [n =] [-2]");
    const x = tf.placeholder(tf.float32, [3]);
    const guarded = tf.Assert(tf.reduceAll(tf.greater(x, 0)), ["x:", x]);
    expect(guarded.name).toBe("Assert/AssertGuard/Merge");
    expect(guarded.graph.getOperationByName("Assert/AssertGuard/Assert").type).toBe("Assert");
    runs(guarded, [[x, [1, 2, 3]]]);
    expect(runFails(guarded, [[x, [1, -2, 3]]])).toContain("assertion failed: [x:] [1 -2 3]");
    expect(tf.debugging.Assert).toBe(tf.Assert);
  });

  it("summarize limits the values printed (default 3)", () => {
    const x = tf.placeholder(tf.int32, [5]);
    const b = tf.Assert(tf.reduceAll(tf.less(x, 0)), [x]);
    expect(runFails(b, [[x, [1, 2, 3, 4, 5]]])).toContain("[1 2 3...]");
  });
});

describe("the check_ops asserts (v1)", () => {
  it("assertEqual builds Equal, All and Assert under assert_equal with TF's data", () => {
    const x = tf.placeholder(tf.int32, [2], "x");
    const y = tf.placeholder(tf.int32, [2], "y");
    const a = tf.assertEqual(x, y, { message: "mismatch" });
    expect(a.name).toBe("assert_equal/Assert/Assert");
    const names = a.graph
      .getOperations()
      .map((o) => `${o.name}:${o.type}`)
      .filter((n) => n.startsWith("assert_equal/") && !n.includes("/Assert/"));
    expect(names).toEqual([
      "assert_equal/Equal:Equal",
      "assert_equal/Const:Const",
      "assert_equal/All:All",
    ]);
    runs(a, [
      [x, [1, 2]],
      [y, [1, 2]],
    ]);
    expect(
      runFails(a, [
        [x, [1, 2]],
        [y, [1, 3]],
      ]),
    ).toContain(
      "assertion failed: [mismatch] [Condition x == y did not hold element-wise:] [x (x:0) = ] [1 2] [y (y:0) = ] [1 3]",
    );
  });

  it("assertEqual checks constants when building (check_ops_test)", () => {
    const small = tf.constant([1, 2], tf.int32, undefined, "small");
    const big = tf.constant([3, 4], tf.int32, undefined, "big");
    expect(() => tf.assertEqual(big, small)).toThrow(tf.errors.InvalidArgumentError);
    expect(() => tf.assertEqual(big, small, { message: "fail" })).toThrow(
      "fail\nCondition x == y did not hold element-wise:\nx (big:0) = \n[3 4]\ny (small:0) = \n[1 2]",
    );
    // Equal constants, and broadcasting ones, pass.
    expect(tf.assertEqual(small, tf.constant([1, 2], tf.int32)).type).toBe("Assert");
    expect(tf.assertEqual(tf.constant([[1, 1]], tf.int32), tf.constant(1, tf.int32)).type).toBe(
      "Assert",
    );
  });

  it("assertLess / LessEqual / Greater / GreaterEqual / NoneEqual fail when run, with TF's wording", () => {
    const x = tf.placeholder(tf.int32, [2], "x");
    const y = tf.constant([1, 1], tf.int32, undefined, "y");
    const feeds: [tf.Tensor, unknown][] = [[x, [0, 2]]];
    expect(runFails(tf.assertLess(x, y), feeds)).toContain(
      "[Condition x < y did not hold element-wise:] [x (x:0) = ] [0 2] [y (y:0) = ] [1 1]",
    );
    // TF 1.15's own text runs the wording into the `x (...) = ` entry for these.
    expect(runFails(tf.assertLessEqual(x, y), feeds)).toContain(
      "[Condition x <= y did not hold element-wise:x (x:0) = ] [0 2]",
    );
    expect(runFails(tf.assertGreater(x, y), feeds)).toContain(
      "[Condition x > y did not hold element-wise:x (x:0) = ] [0 2]",
    );
    expect(runFails(tf.assertGreaterEqual(x, y), feeds)).toContain(
      "[Condition x >= y did not hold element-wise:x (x:0) = ] [0 2]",
    );
    expect(runFails(tf.assertNoneEqual(x, y), [[x, [1, 2]]])).toContain(
      "[Condition x != y did not hold for every single element:] [x (x:0) = ] [1 2]",
    );
    runs(tf.assertLessEqual(x, y), [[x, [1, 0]]]);
    runs(tf.assertGreaterEqual(x, y), [[x, [1, 2]]]);
  });

  it("the sign asserts compare with a zero of x's dtype through assert_less(_equal)", () => {
    const x = tf.placeholder(tf.float32, [3], "x");
    const p = tf.assertPositive(x);
    expect(p.name).toBe("assert_positive/assert_less/Assert/AssertGuard/Merge");
    expect(p.graph.getOperationByName("assert_positive/Const").attrs.dtype).toBe("float32");
    runs(p, [[x, [1, 2, 3]]]);
    expect(runFails(p, [[x, [1, 0, 3]]])).toContain(
      "[Condition x > 0 did not hold element-wise:] [x (x:0) = ] [1 0 3]",
    );
    expect(runFails(tf.assertNegative(x), [[x, [-1, 0, -3]]])).toContain(
      "[Condition x < 0 did not hold element-wise:]",
    );
    expect(runFails(tf.assertNonNegative(x), [[x, [1, -1, 0]]])).toContain(
      "[Condition x >= 0 did not hold element-wise:]",
    );
    expect(runFails(tf.assertNonPositive(x), [[x, [1, -1, 0]]])).toContain(
      "[Condition x <= 0 did not hold element-wise:x (x:0) = ]",
    );
    runs(tf.assertNonNegative(x), [[x, [0, 0, 1]]]);
  });

  it("assertNear uses 10 * eps tolerances by default", () => {
    const x = tf.placeholder(tf.float32, [2], "x");
    const n = tf.assertNear(x, tf.constant([1, 2]));
    runs(n, [[x, [1, 2.0000001]]]);
    // Assert writes its string data C-escaped, its floats as C++ does (TF's SummarizeValue).
    expect(runFails(n, [[x, [1, 2.1]]])).toContain(
      'x and y not equal to tolerance rtol = Tensor(\\"assert_near/rtol:0\\", shape=(), dtype=float32)',
    );
    expect(runFails(n, [[x, [1, 2.1]]])).toContain("[x (x:0) = ] [1 2.1]");
  });

  it("data replaces the default data; the asserts gate ops through control dependencies", () => {
    const x = tf.placeholder(tf.int32, [], "x");
    const check = tf.assertPositive(x, ["custom", x]);
    const y = tf.controlDependencies([check], () => tf.identity(x));
    using sess = new tf.Session();
    expect(() => sess.run(y, new Map([[x, -5]]) as never)).toThrow("[custom] [-5]");
  });
});

describe("the static asserts: assertType, assertInteger, assertScalar, assertRank(AtLeast)", () => {
  it("assertType and assertInteger check the dtype when building, with TF's wording", () => {
    const i = tf.constant([1], tf.int32);
    const f = tf.constant([1.5], tf.float32, undefined, "f");
    expect(tf.assertType(i, tf.int32).name).toBe("assert_type/statically_determined_correct_type");
    expect(() => tf.assertType(f, tf.int32, "bad")).toThrow(
      "bad  f:0 must be of type <dtype: 'int32'>",
    );
    expect(tf.assertInteger(i).name).toBe("assert_integer/statically_determined_was_integer");
    expect(() => tf.assertInteger(f)).toThrow(
      "  Expected \"x\" to be integer type.  Found: f:0 of dtype <dtype: 'float32'>",
    );
  });

  it("assertScalar returns the tensor or refuses another shape", () => {
    const s = tf.constant(1);
    expect(tf.assertScalar(s)).toBe(s);
    const v = tf.constant([1], tf.float32, undefined, "v");
    expect(() => tf.assertScalar(v, { message: "m: " })).toThrow(
      "m: Expected scalar shape for v:0, saw shape: (1,).",
    );
  });

  it("assertRank is a NoOp or a ValueError when the ranks are known (check_ops_test)", () => {
    const x = tf.zeros([2, 3], { name: "x" });
    expect(tf.assertRank(x, 2).name).toBe("assert_rank/static_checks_determined_all_ok");
    expect(() => tf.assertRank(x, 1, { message: "fail" })).toThrow(
      "fail.  Tensor x:0 must have rank 1.  Received rank 2, shape (2, 3)",
    );
    expect(tf.assertRankAtLeast(x, 1).type).toBe("NoOp");
    expect(() => tf.assertRankAtLeast(x, 3)).toThrow(
      ".  Tensor x:0 must have rank at least 3.  Received rank 2, shape (2, 3)",
    );
    expect(() => tf.assertRank(x, [2])).toThrow("Rank must be a scalar.");
  });

  it("assertRank checks Rank(x) when run for an unknown rank", () => {
    const p = tf.placeholder(tf.float32, null, "p");
    const a = tf.assertRank(p, 2);
    expect(a.type).toBe("Assert");
    runs(a, [[p, [[1, 2]]]]);
    expect(runFails(a, [[p, [1, 2]]])).toContain(
      "[Tensor p:0 must have rank] [2] [Received shape: ] [2]",
    );
    const r = tf.placeholder(tf.int32, null, "r");
    const b = tf.assertRankAtLeast(p, r);
    runs(b, [
      [p, [1, 2]],
      [r, 1],
    ]);
    expect(
      runFails(b, [
        [p, [1, 2]],
        [r, [1]],
      ]),
    ).toContain("[Rank must be a scalar. Received rank: ] [1]");
  });
});
