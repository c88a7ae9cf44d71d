/**
 * The calling convention on the string ops: TF 1.15's positional form and the options form
 * build the same graph; TF's deprecated spellings work; unknown keys are refused.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectRefused, expectSameGraphs } from "./helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

const S = ["a b", "c"];

describe("string ops: positional and options forms agree", () => {
  it("strings.split(input, sep, maxsplit, result_type, source, name)", () => {
    expectSameGraphs(
      () => tf.strings.split(S, ",", 2, "SparseTensor", null, "s"),
      () => tf.strings.split(S, { sep: ",", maxsplit: 2, resultType: "SparseTensor", name: "s" }),
      () => tf.strings.split({ input: S, sep: ",", maxsplit: 2, name: "s" }),
      () => tf.strings.split({ source: S, sep: ",", maxsplit: 2, name: "s" }),
    );
  });

  it("stringSplit(source, sep, skip_empty, delimiter, result_type, name)", () => {
    expectSameGraphs(
      () => tf.stringSplit(S, "-", false, null, "SparseTensor", "s"),
      () => tf.stringSplit(S, { sep: "-", skipEmpty: false, name: "s" }),
      () => tf.stringSplit(S, { delimiter: "-", skipEmpty: false, name: "s" }),
    );
  });

  it("strings.toNumber(string_tensor, out_type, name, input)", () => {
    expectSameGraphs(
      () => tf.strings.toNumber(["1"], tf.int32, "n"),
      () => tf.stringToNumber(["1"], { outType: tf.int32, name: "n" }),
      () => tf.strings.toNumber({ input: ["1"], outType: tf.int32, name: "n" }),
      () => tf.strings.toNumber({ stringTensor: ["1"], outType: tf.int32, name: "n" }),
    );
  });

  it("hash buckets: (input, num_buckets[, key], name); to_hash_bucket's string_tensor and input", () => {
    expectSameGraphs(
      () => tf.strings.toHashBucketFast(S, 5, "h"),
      () => tf.stringToHashBucketFast(S, { numBuckets: 5, name: "h" }),
    );
    expectSameGraphs(
      () => tf.strings.toHashBucketStrong(S, 5, [1, 2], "h"),
      () => tf.stringToHashBucketStrong({ input: S, numBuckets: 5, key: [1, 2], name: "h" }),
    );
    expectSameGraphs(
      () => tf.strings.toHashBucket(S, 5, "h"),
      () => tf.stringToHashBucket({ input: S, numBuckets: 5, name: "h" }),
      () => tf.strings.toHashBucket({ stringTensor: S, numBuckets: 5, name: "h" }),
    );
  });

  it("substr(input, pos, len, name, unit)", () => {
    expectSameGraphs(
      () => tf.strings.substr(S, 0, 1, "s", "UTF8_CHAR"),
      () => tf.substr(S, 0, 1, { name: "s", unit: "UTF8_CHAR" }),
      () => tf.substr({ input: S, pos: 0, len: 1, name: "s", unit: "UTF8_CHAR" }),
    );
  });

  it("asString(input, precision, scientific, shortest, width, fill, name)", () => {
    expectSameGraphs(
      () => tf.asString([1.5], 2, false, false, 6, "0", "a"),
      () => tf.strings.asString([1.5], { precision: 2, width: 6, fill: "0", name: "a" }),
    );
  });

  it("length(input, name, unit), strip, lower, upper", () => {
    expectSameGraphs(
      () => tf.strings.length(S, "l", "UTF8_CHAR"),
      () => tf.strings.length(S, { unit: "UTF8_CHAR", name: "l" }),
    );
    expectSameGraphs(
      () => tf.strings.strip(S, "s"),
      () => tf.stringStrip({ input: S, name: "s" }),
    );
    expectSameGraphs(
      () => tf.strings.lower(S, "utf-8", "l"),
      () => tf.strings.lower(S, { encoding: "utf-8", name: "l" }),
    );
    expectSameGraphs(
      () => tf.strings.upper(S, "", "u"),
      () => tf.strings.upper({ input: S, encoding: "", name: "u" }),
    );
  });

  it("reduceJoin(inputs, axis, keep_dims, separator, name, reduction_indices, keepdims)", () => {
    expectSameGraphs(
      () => tf.strings.reduceJoin([S], 1, true, "-", "j"),
      () => tf.reduceJoin([S], { axis: 1, keepdims: true, separator: "-", name: "j" }),
      () => tf.reduceJoin([S], { reductionIndices: 1, keepDims: true, separator: "-", name: "j" }),
      () => tf.strings.reduceJoin([S], null, null, "-", "j", 1, true),
    );
  });

  it("regexReplace(input, pattern, rewrite, replace_global, name), regexFullMatch(input, pattern, name)", () => {
    expectSameGraphs(
      () => tf.strings.regexReplace(S, "a", "b", false, "r"),
      () => tf.regexReplace(S, "a", "b", { replaceGlobal: false, name: "r" }),
    );
    expectSameGraphs(
      () => tf.strings.regexFullMatch(S, "a", "m"),
      () => tf.strings.regexFullMatch({ input: S, pattern: "a", name: "m" }),
    );
  });

  it("io.encodeBase64(input, pad, name), io.decodeBase64(input, name)", () => {
    expectSameGraphs(
      () => tf.io.encodeBase64(S, true, "e"),
      () => tf.encodeBase64(S, { pad: true, name: "e" }),
    );
    expectSameGraphs(
      () => tf.io.decodeBase64(S, "d"),
      () => tf.decodeBase64({ input: S, name: "d" }),
    );
  });

  it("refuses unknown keys, naming the camelCase one", () => {
    expectRefused(
      () => tf.strings.split(S, { max_split: 1 } as never),
      /unexpected keyword argument 'max_split'/,
    );
    expectRefused(
      () => tf.strings.toNumber(S, { out_type: tf.int32 } as never),
      "strings.toNumber() got an unexpected keyword argument 'out_type' (did you mean 'outType'?)",
    );
    expectRefused(
      () => tf.strings.reduceJoin([S], { keep_dims: true } as never),
      /unexpected keyword argument 'keep_dims' \(did you mean 'keepDims'\?\)/,
    );
    expectRefused(() => tf.strings.substr(S, 0, 1, { units: "BYTE" } as never), /'units'/);
  });

  it("strings.split with result_type RaggedTensor is refused, the graph unchanged", () => {
    const before = tf.getDefaultGraph().getOperations().length;
    expect(() => tf.strings.split(S, { resultType: "RaggedTensor" })).toThrow(tf.errors.ValueError);
    expect(tf.getDefaultGraph().getOperations().length).toBe(before);
  });
});
