/**
 * `tf.strings.length`, `strip`, `lower`/`upper` and `reduceJoin` (StringLength, StringStrip,
 * StringLower/StringUpper, ReduceJoin): TF 1.15's names, shapes and values; ReduceJoin's
 * cases from its OpDef's documentation and reduce_join_op_test.py.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

function value(t: tf.Tensor, feed: Record<string, unknown> = {}): unknown {
  using sess = new tf.Session();
  return sess.run(t, feed as never).toArray();
}

const A = [
  ["a", "b"],
  ["c", "d"],
];

describe("tf.strings.length (StringLength)", () => {
  it("bytes by default, UTF-8 characters with unit UTF8_CHAR", () => {
    const y = tf.strings.length([["hello", "héllo", ""]]);
    expect(y.op.name).toBe("StringLength");
    expect(y.op.getAttr("unit")).toBe("BYTE");
    expect(y.dtype).toBe("int32");
    expect(y.shape.toString()).toBe("(1, 3)");
    expect(value(y)).toEqual([[5, 6, 0]]);
    expect(value(tf.strings.length(["H\u00c3ll\u{1F604}"], "n", "UTF8_CHAR"))).toEqual([5]);
    expectThrowsAndUnchanged(
      () => tf.strings.length(["a"], { unit: "CHAR" }),
      tf.errors.ValueError,
      `Attr 'unit' of 'StringLength' Op passed string 'CHAR' not in: "BYTE", "UTF8_CHAR".`,
    );
  });
});

describe("tf.strings.strip (StringStrip)", () => {
  it("strips ASCII whitespace at both ends only", () => {
    const y = tf.stringStrip(["  a b\n", "\t\v c \r", "", "   "], "s");
    expect(y.op.name).toBe("s");
    expect(y.op.type).toBe("StringStrip");
    expect(value(y)).toEqual(["a b", "c", "", ""]);
  });
});

describe("tf.strings.lower / upper (StringLower, StringUpper)", () => {
  it("ASCII letters only by default; every letter with encoding utf-8", () => {
    expect(value(tf.strings.lower("CamelCase string and ALL CAPS"))).toBe(
      "camelcase string and all caps",
    );
    expect(value(tf.strings.lower(["ÀB"]))).toEqual(["Àb"]);
    expect(value(tf.strings.lower(["ÀB"], "utf-8"))).toEqual(["àb"]);
    expect(value(tf.strings.upper(["éa"]))).toEqual(["éA"]);
    const u = tf.strings.upper(["éa"], { encoding: "utf-8", name: "up" });
    expect(u.op.name).toBe("up");
    expect(u.op.getAttr("encoding")).toBe("utf-8");
    expect(value(u)).toEqual(["ÉA"]);
  });
});

describe("tf.strings.reduceJoin (ReduceJoin)", () => {
  it("TF's documented cases", () => {
    expect(value(tf.strings.reduceJoin(A, 0))).toEqual(["ac", "bd"]);
    expect(value(tf.strings.reduceJoin(A, 1))).toEqual(["ab", "cd"]);
    expect(value(tf.strings.reduceJoin(A, -2))).toEqual(["ac", "bd"]);
    expect(value(tf.strings.reduceJoin(A, -1))).toEqual(["ab", "cd"]);
    expect(value(tf.strings.reduceJoin(A, 0, true))).toEqual([["ac", "bd"]]);
    expect(value(tf.strings.reduceJoin(A, 1, { keepdims: true }))).toEqual([["ab"], ["cd"]]);
    expect(value(tf.strings.reduceJoin(A, 0, { separator: "." }))).toEqual(["a.c", "b.d"]);
    expect(value(tf.strings.reduceJoin(A, [0, 1]))).toBe("acbd");
    expect(value(tf.strings.reduceJoin(A, [1, 0]))).toBe("abcd");
    expect(value(tf.strings.reduceJoin(A, []))).toEqual(A);
    expect(value(tf.strings.reduceJoin(A))).toBe("abcd");
  });

  it("names: a ReduceJoin scope around the op; the reversed axes as Const_1 when none are given", () => {
    const y = tf.strings.reduceJoin(A);
    expect(
      tf
        .getDefaultGraph()
        .getOperations()
        .map((o) => o.name),
    ).toEqual(["ReduceJoin/Const", "ReduceJoin/Const_1", "ReduceJoin/ReduceJoin"]);
    expect(y.shape.toString()).toBe("()");
    const z = tf.reduceJoin(A, { reductionIndices: 1, name: "rj", separator: " " });
    expect(z.op.name).toBe("ReduceJoin_1/rj");
    expect(z.op.inputs[1]!.op.name).toBe("ReduceJoin_1/rj/reduction_indices");
    expect(z.op.getAttr("keep_dims")).toBe(false);
    expect(z.op.getAttr("separator")).toBe(" ");
    expect(value(z)).toEqual(["a b", "c d"]);
  });

  it("an input of unknown rank joins everything, through Rank and Range", () => {
    const x = tf.placeholder(tf.string);
    const y = tf.strings.reduceJoin(x, { separator: "," });
    expect(y.shape.toString()).toBe("<unknown>");
    expect(
      value(y, {
        [x.name]: [
          ["a", "b", "c"],
          ["d", "e", "f"],
        ],
      }),
    ).toBe("a,b,c,d,e,f");
  });

  it("a higher rank and an axis of length 0", () => {
    const x = tf.placeholder(tf.string, [2, 2, 2]);
    const feed = {
      [x.name]: [
        [
          ["a", "b"],
          ["c", "d"],
        ],
        [
          ["e", "f"],
          ["g", "h"],
        ],
      ],
    };
    expect(value(tf.strings.reduceJoin(x, [2, 0]), feed)).toEqual(["abef", "cdgh"]);
    expect(value(tf.strings.reduceJoin(x, 1, { keepdims: true }), feed)).toEqual([
      [["ac", "bd"]],
      [["eg", "fh"]],
    ]);
    const e = tf.placeholder(tf.string, [2, 0]);
    expect(value(tf.strings.reduceJoin(e, 1), { [e.name]: [[], []] })).toEqual(["", ""]);
  });

  it("TF's errors: an axis out of range (shape function, or OutOfRange when fed), a duplicate axis", () => {
    expectThrowsAndUnchanged(
      () => tf.strings.reduceJoin(A, 2),
      tf.errors.ValueError,
      "Invalid reduction dimension 2 for input with 2 dimensions. for 'ReduceJoin/ReduceJoin' (op: 'ReduceJoin') with input shapes: [2,2], [].",
    );
    expectThrowsAndUnchanged(
      () => tf.strings.reduceJoin(A, { axis: 0, reductionIndices: 0 }),
      tf.errors.ValueError,
      "Cannot specify both 'reductionIndices' and 'axis'",
    );
    const axis = tf.placeholder(tf.int32);
    const y = tf.strings.reduceJoin(A, axis, { name: "j" });
    using sess = new tf.Session();
    expect(() => sess.run(y, { [axis.name]: [2] })).toThrow(
      new tf.errors.OutOfRangeError(
        "Invalid reduction dimension 2 for input with 2 dimension(s)\n\t [[{{node ReduceJoin/j}}]]",
        "ReduceJoin/j",
      ),
    );
    expect(() => sess.run(y, { [axis.name]: [1, -1] })).toThrow(
      "Duplicate reduction dimension -1\n\t [[{{node ReduceJoin/j}}]]",
    );
  });

  it("frees every tensor it makes", () => {
    const y = tf.strings.reduceJoin(A, 0, { separator: "-" });
    const l = tf.strings.length(["ab"]);
    using sess = new tf.Session();
    sess.run([y, l]);
    const before = tfc.memory().numTensors;
    for (let i = 0; i < 5; i++) sess.run([y, l]);
    expect(tfc.memory().numTensors).toBe(before);
  });
});
