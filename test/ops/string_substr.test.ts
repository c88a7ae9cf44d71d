/**
 * `tf.strings.substr` / `tf.substr` (Substr): bytes and UTF-8 characters, negative
 * positions, broadcasting, TF's shape and range errors; cases from TF's substr_op_test.py.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

function value(t: tf.Tensor): unknown {
  using sess = new tf.Session();
  return sess.run(t).toArray();
}

function fails(
  t: tf.Tensor,
  message: string,
  errorClass: unknown = tf.errors.InvalidArgumentError,
): void {
  using sess = new tf.Session();
  let thrown: unknown = null;
  try {
    sess.run(t);
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(errorClass as never);
  expect((thrown as Error).message).toBe(message);
}

const UTF8 = "H\u00c3ll\u{1F604}"; // 5 characters, 9 bytes

describe("tf.strings.substr (Substr)", () => {
  it("builds Substr/input, Substr/pos, Substr/len and Substr with T and unit", () => {
    const y = tf.strings.substr(["Hello", "World"], 1, 3);
    expect(
      tf
        .getDefaultGraph()
        .getOperations()
        .map((o) => o.name),
    ).toEqual(["Substr/input", "Substr/pos", "Substr/len", "Substr"]);
    expect(y.op.getAttr("T")).toBe("int32");
    expect(y.op.getAttr("unit")).toBe("BYTE");
    expect(y.shape.toString()).toBe("(2,)");
    expect(value(y)).toEqual(["ell", "orl"]);
    const z = tf.substr("abc", tf.constant(1, tf.int64), tf.constant(1, tf.int64), "s");
    expect(z.op.name).toBe("s");
    expect(z.op.getAttr("T")).toBe("int64");
    expect(value(z)).toBe("b");
  });

  it("pos and len per element, or broadcast against the input (testElementWisePosLen, testBroadcast)", () => {
    expect(
      value(
        tf.strings.substr(
          [
            ["ten", "eleven", "twelve"],
            ["thirteen", "fourteen", "fifteen"],
          ],
          [
            [1, 2, 3],
            [1, 2, 3],
          ],
          [
            [2, 3, 4],
            [4, 3, 2],
          ],
        ),
      ),
    ).toEqual([
      ["en", "eve", "lve"],
      ["hirt", "urt", "te"],
    ]);
    const b = tf.strings.substr(
      [
        ["ten", "eleven", "twelve"],
        ["thirteen", "fourteen", "fifteen"],
        ["sixteen", "seventeen", "eighteen"],
      ],
      [1, 2, 3],
      [2, 3, 4],
    );
    expect(b.shape.toString()).toBe("(3, 3)");
    expect(value(b)).toEqual([
      ["en", "eve", "lve"],
      ["hi", "urt", "teen"],
      ["ix", "ven", "htee"],
    ]);
    // The input broadcast against pos and len too.
    expect(value(tf.strings.substr(["abc", "def"], [[1], [2]], [[1], [1]]))).toEqual([
      ["b", "e"],
      ["c", "f"],
    ]);
  });

  it("negative pos counts from the end; len is cut at the end; a negative len runs to the end", () => {
    expect(value(tf.strings.substr(["Hello", "World"], -3, 2))).toEqual(["ll", "rl"]);
    expect(value(tf.strings.substr(["Hello"], 2, 10))).toEqual(["llo"]);
    expect(value(tf.strings.substr(["Hello"], 1, -1))).toEqual(["ello"]);
    expect(value(tf.strings.substr(["Hello"], 5, 1))).toEqual([""]);
  });

  it("UTF8_CHAR counts characters, forward and from the end (testScalarString, testVectorStrings)", () => {
    expect(value(tf.strings.substr(UTF8, 3, 2, { unit: "UTF8_CHAR" }))).toBe("l\u{1F604}");
    expect(value(tf.strings.substr(UTF8, -2, 1, { unit: "UTF8_CHAR" }))).toBe("l");
    expect(value(tf.strings.substr(UTF8, -4, 10, { unit: "UTF8_CHAR" }))).toBe("\u00c3ll\u{1F604}");
    expect(value(tf.strings.substr(UTF8, 5, 1, { unit: "UTF8_CHAR" }))).toBe("");
    expect(value(tf.strings.substr(UTF8, 1, 2))).toBe("\u00c3"); // two bytes
  });

  it("a pos out of range fails the run with TF's message", () => {
    fails(
      tf.strings.substr(["Hello"], 7, 3, "s"),
      "pos 7 out of range for string b'Hello' at index 0\n\t [[{{node s}}]]",
    );
    fails(
      tf.strings.substr(["Hello", "Hi"], -3, 3, "t"),
      "pos -3 out of range for string b'Hi' at index 1\n\t [[{{node t}}]]",
    );
    fails(
      tf.strings.substr(UTF8, 6, 1, { unit: "UTF8_CHAR", name: "u" }),
      "pos 6 out of range for string at index 0\n\t [[{{node u}}]]",
    );
    fails(
      tf.strings.substr(["abc", "def"], [[1], [7]], [[1], [1]], "b"),
      "pos 7 out of range for string b'abc' at index (1, 0)\n\t [[{{node b}}]]",
    );
    fails(
      tf.strings.substr([[["a"]]], [[[0]], [[0]]], [[[0]], [[0]]], "d3"),
      "Substr broadcast not implemented for 3 dimensions\n\t [[{{node d3}}]]",
      tf.errors.UnimplementedError,
    );
  });

  it("checks shapes when building (TF's shape function) and when fed", () => {
    expectThrowsAndUnchanged(
      () => tf.strings.substr("abc", [1], 1),
      tf.errors.ValueError,
      "Shape must be rank 0 but is rank 1 for 'Substr' (op: 'Substr') with input shapes: [], [1], [].",
    );
    expectThrowsAndUnchanged(
      () => tf.strings.substr(["a", "b"], [1, 2], [1, 2, 3]),
      tf.errors.ValueError,
      "pos and len shapes must match: [2] vs. [3] for 'Substr' (op: 'Substr') with input shapes: [2], [2], [3].",
    );
    expectThrowsAndUnchanged(
      () => tf.strings.substr(["a", "b"], [1, 2, 3], [1, 2, 3]),
      tf.errors.ValueError,
      /Dimensions must be equal, but are 2 and 3/,
    );
    expectThrowsAndUnchanged(
      () => tf.strings.substr("abc", 1, 1, { unit: "CHAR" }),
      tf.errors.ValueError,
      `Attr 'unit' of 'Substr' Op passed string 'CHAR' not in: "BYTE", "UTF8_CHAR".`,
    );
    const p = tf.placeholder(tf.int32);
    const l = tf.placeholder(tf.int32);
    const y = tf.strings.substr(["abc"], p, l);
    using sess = new tf.Session();
    expect(() => sess.run(y, { [p.name]: [1], [l.name]: 1 })).toThrow(
      "pos and len should have the same shape, got: [1] vs. []",
    );
  });

  it("frees every tensor it makes", () => {
    const y = tf.strings.substr([["abc", "def"]], [[1], [2]], [[1], [1]]);
    using sess = new tf.Session();
    sess.run(y);
    const before = tfc.memory().numTensors;
    for (let i = 0; i < 5; i++) sess.run(y);
    expect(tfc.memory().numTensors).toBe(before);
  });
});
