/**
 * `tf.io.decodeRaw` (DecodeRaw): TF 1.15's v1 signature (`input_bytes`, deprecated `bytes`),
 * the op and its shape function (an unknown last dimension), the kernel's reading of
 * float32/int32/int64 in either byte order, and TF's messages.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

beforeEach(() => tf.resetDefaultGraph());

function feedBytes(rows: Uint8Array[], shape: number[]): tf.NDArray {
  return tf.NDArray.fromTypedArray(rows, shape, "string");
}

function le32(...values: number[]): Uint8Array {
  return new Uint8Array(Int32Array.from(values).buffer);
}

describe("tf.io.decodeRaw", () => {
  it("builds DecodeRaw with the input's shape plus an unknown last dimension", () => {
    const bytes = tf.placeholder(tf.string, [2, 3], "bytes_in");
    const out = tf.io.decodeRaw(bytes, tf.float32);
    expect(out.name).toBe("DecodeRaw:0");
    expect(out.dtype).toBe("float32");
    expect(out.shape.toString()).toBe("(2, 3, ?)");
    expect(out.op.attrs).toEqual({ out_type: "float32", little_endian: true });
    const unknown = tf.decodeRaw(tf.placeholder(tf.string), tf.int32, false, "raw");
    expect(unknown.name).toBe("raw:0");
    expect(unknown.shape.toString()).toBe("<unknown>");
    expect(unknown.op.attrs.little_endian).toBe(false);
    // `bytes` is TF 1.15's deprecated spelling of `input_bytes`.
    const old = tf.io.decodeRaw({ bytes: ["abcd"], outType: tf.int32 });
    expect(old.op.inputs[0]!.name).toBe("DecodeRaw_1/bytes:0");
  });

  it("reads int32, float32 and int64 values, little- or big-endian, from a [2,2] batch", () => {
    const bytes = tf.placeholder(tf.string, [2, 2]);
    const rows = [le32(1, -2), le32(3, 256), le32(-1, 7), le32(0, 2 ** 30)];
    using sess = new tf.Session();
    const ints = sess.run(
      tf.io.decodeRaw(bytes, tf.int32),
      new Map([[bytes, feedBytes(rows, [2, 2])]]),
    );
    expect(ints.shape).toEqual([2, 2, 2]);
    expect(ints.toArray()).toEqual([
      [
        [1, -2],
        [3, 256],
      ],
      [
        [-1, 7],
        [0, 2 ** 30],
      ],
    ]);
    const big = sess.run(tf.io.decodeRaw(bytes, tf.int32, { littleEndian: false }), {
      [bytes.name]: feedBytes(rows, [2, 2]),
    });
    expect((big.toArray() as number[][][])[0]![0]).toEqual([16777216, -16777217]);
    const floats = new Uint8Array(Float32Array.of(1.5, -0.25, 3e-5).buffer);
    expect(
      sess.run(tf.io.decodeRaw(tf.placeholderWithDefault("", []), tf.float32), {}).shape,
    ).toEqual([0]);
    const f = tf.placeholder(tf.string, []);
    expect(
      sess.run(tf.io.decodeRaw(f, tf.float32), new Map([[f, feedBytes([floats], [])]])).toArray(),
    ).toEqual([1.5, -0.25, Math.fround(3e-5)]);
    const i64 = new Uint8Array(BigInt64Array.of(-5n, 2147483647n).buffer);
    expect(
      sess.run(tf.io.decodeRaw(f, tf.int64), new Map([[f, feedBytes([i64], [])]])).toArray(),
    ).toEqual([-5, 2147483647]);
  });

  it("fails with TF's messages", () => {
    using sess = new tf.Session();
    expect(() => sess.run(tf.io.decodeRaw(["abcde", "fghij"], tf.float32))).toThrow(
      "Input to DecodeRaw has length 5 that is not a multiple of 4, the size of float\n\t [[{{node DecodeRaw}}]]",
    );
    expect(() => sess.run(tf.io.decodeRaw(["abcdefghijkl"], tf.int64))).toThrow(
      "Input to DecodeRaw has length 12 that is not a multiple of 8, the size of int64",
    );
    expect(() => sess.run(tf.io.decodeRaw(["abcd", "ab"], tf.int32))).toThrow(
      "DecodeRaw requires input strings to all be the same size, but element 1 has size 2 != 4",
    );
    const f = tf.placeholder(tf.string, []);
    const huge = new Uint8Array(BigInt64Array.of(2n ** 40n).buffer);
    expect(() =>
      sess.run(tf.io.decodeRaw(f, tf.int64), new Map([[f, feedBytes([huge], [])]])),
    ).toThrow(tf.errors.UnimplementedError);
  });

  it("refuses dtypes scopeflow lacks, and TF's argument misuse, leaving the graph unchanged", () => {
    expectThrowsAndUnchanged(
      () => tf.io.decodeRaw(["ab"], "uint8" as never),
      TypeError,
      "decode_raw: out_type uint8 is a dtype TensorFlow allows here but scopeflow does not have; it decodes float32, int32 and int64.",
    );
    expectThrowsAndUnchanged(
      () => tf.io.decodeRaw(["ab"], tf.string),
      TypeError,
      "Value passed to parameter 'out_type' has DataType string not in list of allowed values: float16, float32, float64, int32, uint16, uint8, int16, int8, int64",
    );
    expectThrowsAndUnchanged(
      () => tf.io.decodeRaw({ inputBytes: ["ab"] }),
      tf.errors.ValueError,
      "decode_raw_v1() missing 1 positional argument: 'out_type'",
    );
    expectThrowsAndUnchanged(
      () => tf.io.decodeRaw({ inputBytes: ["ab"], bytes: ["cd"], outType: tf.int32 }),
      tf.errors.ValueError,
      "Cannot specify both 'input_bytes' and 'bytes'",
    );
  });

  it("frees every tensor it makes but its outputs", () => {
    const out = tf.io.decodeRaw(tf.constant([["abcdefgh", "ijklmnop"]]), tf.int32);
    using sess = new tf.Session();
    sess.run(out);
    const before = tfc.memory().numTensors;
    for (let i = 0; i < 20; i++) sess.run(out);
    expect(tfc.memory().numTensors).toBe(before);
  });
});
