/**
 * `tf.strings.toNumber` (StringToNumber): TF's parsing rules and message; cases from TF's
 * string_to_number_op_test.py.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

const ERROR = "StringToNumberOp could not correctly convert string: ";

function parse(strings: string[], outType?: tf.DType): unknown {
  const x = tf.placeholder(tf.string, [null]);
  const y = outType === undefined ? tf.strings.toNumber(x) : tf.strings.toNumber(x, outType);
  using sess = new tf.Session();
  return sess.run(y, { [x.name]: strings }).toArray();
}

function parseFails(text: string, outType: tf.DType): void {
  new tf.Graph().asDefault(() => {
    const x = tf.placeholder(tf.string, [null]);
    const y = tf.strings.toNumber(x, outType, "num");
    using sess = new tf.Session();
    expect(() => sess.run(y, { [x.name]: [text] })).toThrow(
      new tf.errors.InvalidArgumentError(`${ERROR}${text}\n\t [[{{node num}}]]`, "num"),
    );
  });
}

describe("tf.strings.toNumber (StringToNumber)", () => {
  it("builds StringToNumber with out_type float32 by default, the input's shape", () => {
    const x = tf.placeholder(tf.string, [2, null]);
    const y = tf.strings.toNumber(x);
    expect(y.op.name).toBe("StringToNumber");
    expect(y.op.type).toBe("StringToNumber");
    expect(y.op.getAttr("out_type")).toBe("float32");
    expect(y.dtype).toBe("float32");
    expect(y.shape.toString()).toBe("(2, ?)");
    const z = tf.stringToNumber(["1"], { outType: tf.int64, name: "n" });
    expect(z.op.name).toBe("n");
    expect(z.op.inputs[0]!.op.name).toBe("n/string_tensor");
    expect(z.dtype).toBe("int64");
  });

  it("floats: spaces, hex, overflow to infinity, NAN and INF (testToFloat)", () => {
    const got = parse([
      "0",
      "3",
      "-1",
      "1.12",
      "0xF",
      "   -10.5",
      "3.40282e+38",
      "3.40283e+38",
      "-3.40283e+38",
      "NAN",
      "INF",
    ]) as number[];
    expect(got.slice(0, 3)).toEqual([0, 3, -1]);
    expect(got[3]).toBe(Math.fround(1.12));
    expect(got.slice(4, 6)).toEqual([15, -10.5]);
    expect(got[6]).toBe(Math.fround(3.40282e38));
    expect(got.slice(7, 9)).toEqual([Infinity, -Infinity]);
    expect(got[9]).toBeNaN();
    expect(got[10]).toBe(Infinity);
    expect(parse(["+1.5e2 ", ".5", "-inf", "nan"])).toEqual([150, 0.5, -Infinity, NaN]);
    parseFails("10foobar", tf.float32);
    parseFails("", tf.float32);
    parseFails("infinity", tf.float32);
    parseFails("1e", tf.float32);
  });

  it("int32: the full range, spaces, no fraction or junk (testToInt32)", () => {
    expect(parse(["0", "3", "-1", "    -10", "-2147483648", "2147483647"], tf.int32)).toEqual([
      0, 3, -1, -10, -2147483648, 2147483647,
    ]);
    parseFails("-2147483649", tf.int32);
    parseFails("2147483648", tf.int32);
    parseFails("2.9", tf.int32);
    parseFails("10foobar", tf.int32);
    parseFails("+3", tf.int32);
  });

  it("int64: parsed in 64 bits; a value beyond int32 cannot be computed here (UnimplementedError)", () => {
    expect(parse(["0", "3", "-1", "    -10", "-2147483648", "2147483647"], tf.int64)).toEqual([
      0, 3, -1, -10, -2147483648, 2147483647,
    ]);
    parseFails("2.9", tf.int64);
    parseFails("10foobar", tf.int64);
    parseFails("9223372036854775808", tf.int64);
    const x = tf.placeholder(tf.string, [null]);
    const y = tf.strings.toNumber(x, tf.int64);
    using sess = new tf.Session();
    expect(() => sess.run(y, { [x.name]: ["2147483648"] })).toThrow(tf.errors.UnimplementedError);
  });

  it("refuses an out_type outside {float, double, int32, int64}, and a non-string input", () => {
    expectThrowsAndUnchanged(() => tf.strings.toNumber(["1"], tf.bool), TypeError, /out_type/);
    const ints = tf.constant([1]);
    expectThrowsAndUnchanged(() => tf.strings.toNumber(ints), tf.errors.ValueError);
  });

  it("stringTensor and input: TF's deprecated and new spellings", () => {
    const y = tf.strings.toNumber({ input: ["4"] });
    using sess = new tf.Session();
    expect(sess.run(y).toArray()).toEqual([4]);
    expectThrowsAndUnchanged(
      () => tf.strings.toNumber({ stringTensor: ["1"], input: ["2"] }),
      tf.errors.ValueError,
      "Cannot specify both 'stringTensor' and 'input'",
    );
  });

  it("frees every tensor it makes", () => {
    const y = tf.strings.toNumber([["1", "2"]], tf.int32);
    using sess = new tf.Session();
    sess.run(y);
    const before = tfc.memory().numTensors;
    for (let i = 0; i < 5; i++) sess.run(y);
    expect(tfc.memory().numTensors).toBe(before);
  });
});
