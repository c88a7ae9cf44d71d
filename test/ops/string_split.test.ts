/**
 * `tf.stringSplit` (StringSplit) and `tf.strings.split` (StringSplitV2): TF 1.15's names,
 * shapes and SparseTensor results; cases from TF's string_split_op_test.py.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tfc from "@tensorflow/tfjs-core";
import * as tf from "../../src/index.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

function run(st: tf.SparseTensor): [unknown, unknown, unknown] {
  using sess = new tf.Session();
  const [i, v, s] = sess.run([st.indices, st.values, st.denseShape]);
  return [i!.toArray(), v!.toArray(), s!.toArray()];
}

describe("tf.stringSplit (StringSplit)", () => {
  it("builds StringSplit/Const (delimiter), StringSplit/Const_1 (source) and StringSplit/StringSplit", () => {
    const st = tf.stringSplit(["pigs on the wing", "animals"]);
    expect(
      tf
        .getDefaultGraph()
        .getOperations()
        .map((o) => `${o.name}:${o.type}`),
    ).toEqual([
      "StringSplit/Const:Const",
      "StringSplit/Const_1:Const",
      "StringSplit/StringSplit:StringSplit",
    ]);
    expect(st.indices.op.getAttr("skip_empty")).toBe(true);
    expect(st.indices.dtype).toBe("int64");
    expect(st.denseShape.dtype).toBe("int64");
    expect(st.indices.shape.toString()).toBe("(?, 2)");
    expect(st.values.shape.toString()).toBe("(?,)");
    expect(st.denseShape.shape.toString()).toBe("(2,)");
    expect(run(st)).toEqual([
      [
        [0, 0],
        [0, 1],
        [0, 2],
        [0, 3],
        [1, 0],
      ],
      ["pigs", "on", "the", "wing", "animals"],
      [2, 4],
    ]);
  });

  it("drops empty tokens (testStringSplitEmptyToken)", () => {
    const st = tf.stringSplit([
      "",
      " a",
      "b ",
      " c",
      " ",
      " d ",
      "  e",
      "f  ",
      "  g  ",
      "  ",
      "  ",
    ]);
    expect(run(st)).toEqual([
      [
        [1, 0],
        [2, 0],
        [3, 0],
        [5, 0],
        [6, 0],
        [7, 0],
        [8, 0],
      ],
      ["a", "b", "c", "d", "e", "f", "g"],
      [11, 1],
    ]);
  });

  it("an empty delimiter splits into bytes, UTF-8 sequences too (testStringSplitEmptyDelimiter)", () => {
    const st = tf.stringSplit(["hello", "hola", "\u{1F60E}"], "");
    const [indices, values, shape] = run(st) as [number[][], string[], number[]];
    expect(shape).toEqual([3, 5]);
    expect(indices.length).toBe(13);
    expect(values.slice(0, 9)).toEqual(["h", "e", "l", "l", "o", "h", "o", "l", "a"]);
    // Each byte of the 4-byte sequence alone is no UTF-8, so it reads back as U+FFFD.
    expect(values.slice(9)).toEqual(["\ufffd", "\ufffd", "\ufffd", "\ufffd"]);
  });

  it("every byte of the delimiter splits; skipEmpty false keeps empty tokens (testStringSplitWithNoSkipEmpty)", () => {
    expect(run(tf.stringSplit(["a.b,c", "d"], ".,"))[1]).toEqual(["a", "b", "c", "d"]);
    const st = tf.stringSplit(["#a", "b#", "#c#"], "#", false);
    expect(run(st)).toEqual([
      [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
        [2, 0],
        [2, 1],
        [2, 2],
      ],
      ["", "a", "b", "", "", "c", ""],
      [3, 3],
    ]);
    expect(st.indices.op.getAttr("skip_empty")).toBe(false);
  });

  it("delimiter is TF's deprecated spelling of sep; both is TF's ValueError", () => {
    const st = tf.stringSplit(["a-b"], { delimiter: "-" });
    expect(run(st)[1]).toEqual(["a", "b"]);
    expectThrowsAndUnchanged(
      () => tf.stringSplit(["a"], { sep: "-", delimiter: "-" }),
      tf.errors.ValueError,
      "Cannot specify both 'delimiter' and 'sep'",
    );
  });

  it("refuses a source that is not a vector, a delimiter that is not a scalar (shape function)", () => {
    expectThrowsAndUnchanged(
      () => tf.stringSplit([["a b"]]),
      tf.errors.ValueError,
      "Shape must be rank 1 but is rank 2 for 'StringSplit/StringSplit' (op: 'StringSplit') with input shapes: [1,1], [].",
    );
    expectThrowsAndUnchanged(
      () => tf.stringSplit(["a b"], ["a", "b"]),
      tf.errors.ValueError,
      "Shape must be rank 0 but is rank 1 for 'StringSplit/StringSplit' (op: 'StringSplit') with input shapes: [1], [2].",
    );
  });

  it("checks the fed shapes at run time with TF's messages", () => {
    const s = tf.placeholder(tf.string);
    const d = tf.placeholder(tf.string);
    const st = tf.stringSplit(s, d);
    using sess = new tf.Session();
    expect(() => sess.run(st.values, { [s.name]: [["a"]], [d.name]: " " })).toThrow(
      "input must be a vector, got shape: [1,1]\n\t [[{{node StringSplit/StringSplit}}]]",
    );
    expect(() => sess.run(st.values, { [s.name]: ["a"], [d.name]: [" "] })).toThrow(
      "delimiter must be a scalar, got shape: [1]\n\t [[{{node StringSplit/StringSplit}}]]",
    );
  });

  it("refuses result_type RaggedTensor (scopeflow has none) and unknown result types, leaving the graph", () => {
    expectThrowsAndUnchanged(
      () => tf.stringSplit(["a"], { resultType: "RaggedTensor" }),
      tf.errors.ValueError,
      /RaggedTensor' is not supported/,
    );
    expectThrowsAndUnchanged(
      () => tf.stringSplit(["a"], { resultType: "Dense" }),
      tf.errors.ValueError,
      "result_type must be 'RaggedTensor' or 'SparseTensor'.",
    );
  });
});

describe("tf.strings.split (StringSplitV2)", () => {
  it("splits at runs of whitespace without sep, in the StringSplit scope (testSplitV2, testSplitV2EmptySeparator)", () => {
    const st = tf.strings.split(["1 2 3", "  4  5    6  "], { name: "tok" });
    expect(st.values.op.name).toBe("tok/StringSplitV2");
    expect(st.values.op.type).toBe("StringSplitV2");
    expect(st.values.op.getAttr("maxsplit")).toBe(-1);
    expect(run(st)).toEqual([
      [
        [0, 0],
        [0, 1],
        [0, 2],
        [1, 0],
        [1, 1],
        [1, 2],
      ],
      ["1", "2", "3", "4", "5", "6"],
      [2, 3],
    ]);
  });

  it("a sep of several bytes is one separator, and keeps empty tokens (testSplitV2MultiCharSeparator)", () => {
    const st = tf.strings.split(["1<>2<>3", "<><>4<>5<><>6<>"], "<>");
    expect(run(st)).toEqual([
      [
        [0, 0],
        [0, 1],
        [0, 2],
        [1, 0],
        [1, 1],
        [1, 2],
        [1, 3],
        [1, 4],
        [1, 5],
        [1, 6],
      ],
      ["1", "2", "3", "", "", "4", "5", "", "6", ""],
      [2, 7],
    ]);
  });

  it("maxsplit leaves the rest as the last token (testSplitV2SimpleSeparatorMaxSplit, ...EmptySeparatorMaxSplit)", () => {
    expect(run(tf.strings.split(["1,2,3", "4,5,,6,"], ",", 1))).toEqual([
      [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ],
      ["1", "2,3", "4", "5,,6,"],
      [2, 2],
    ]);
    expect(run(tf.strings.split(["1 2 3", "  4  5    6  "], { maxsplit: 1 }))[1]).toEqual([
      "1",
      "2 3",
      "4",
      "5    6  ",
    ]);
    // maxsplit 0: the whole string, as TF's SplitV2 returns it.
    expect(run(tf.strings.split(["  a b "], { maxsplit: 0 }))[1]).toEqual(["  a b "]);
  });

  it("source is TF's deprecated spelling of input; RaggedTensor is refused", () => {
    expect(run(tf.strings.split({ source: ["a b"] }))[1]).toEqual(["a", "b"]);
    expectThrowsAndUnchanged(
      () => tf.strings.split({ input: ["a"], source: ["b"] }),
      tf.errors.ValueError,
      "Cannot specify both 'source' and 'input'",
    );
    expectThrowsAndUnchanged(
      () => tf.strings.split(["a b"], { resultType: "RaggedTensor" }),
      tf.errors.ValueError,
      /RaggedTensor' is not supported/,
    );
    expectThrowsAndUnchanged(() => tf.strings.split(), TypeError, /missing its input/);
  });

  it("the fed sep must be a scalar", () => {
    const sep = tf.placeholder(tf.string);
    const st = tf.strings.split(["a b"], sep);
    using sess = new tf.Session();
    expect(() => sess.run(st.values, { [sep.name]: [" "] })).toThrow(
      "sep must be a scalar, got shape: [1]\n\t [[{{node StringSplit/StringSplitV2}}]]",
    );
  });

  it("frees every tensor it makes", () => {
    const st = tf.strings.split(["a b c", "d"]);
    using sess = new tf.Session();
    sess.run([st.indices, st.values, st.denseShape]);
    const before = tfc.memory().numTensors;
    for (let i = 0; i < 5; i++) sess.run([st.indices, st.values, st.denseShape]);
    expect(tfc.memory().numTensors).toBe(before);
  });
});
