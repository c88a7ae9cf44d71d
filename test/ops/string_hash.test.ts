/**
 * The hash-bucket ops against TF's known answers: TF's string_to_hash_bucket_op_test.py
 * (with the hashes its comments give), TF's docs, and the SipHash-2-4 reference vectors.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { fingerprint64, legacyHash64, sipHash24 } from "../../src/ops/string/hashes.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

function value(t: tf.Tensor, feed: Record<string, unknown> = {}): unknown {
  using sess = new tf.Session();
  return sess.run(t, feed as never).toArray();
}

describe("the hashes, bit for bit", () => {
  it("Fingerprint64 (the values TF's test comments give)", () => {
    expect(fingerprint64(bytes("a"))).toBe(12917804110809363939n);
    expect(fingerprint64(bytes("b"))).toBe(11795596070477164822n);
    expect(fingerprint64(bytes("c"))).toBe(11430444447143000872n);
    expect(fingerprint64(bytes("d"))).toBe(4470636696479570465n);
    expect(fingerprint64(new Uint8Array())).toBe(0x9ae16a3b2f90404fn);
  });

  it("legacy Hash64 (the values TF's test comments give)", () => {
    expect(legacyHash64(bytes("a"))).toBe(2996632905371535868n);
    expect(legacyHash64(bytes("b"))).toBe(5795986006276551370n);
    expect(legacyHash64(bytes("c"))).toBe(14899841994519054197n);
  });

  it("SipHash-2-4: TF's keyed values and the reference vectors (key 00..0f, message 00..len-1)", () => {
    expect(sipHash24(98765n, 132n, bytes("a"))).toBe(7157389809176466784n);
    expect(sipHash24(98765n, 132n, bytes("b"))).toBe(15805638358933211562n);
    expect(sipHash24(98765n, 132n, bytes("c"))).toBe(18100027895074076528n);
    const k0 = 0x0706050403020100n;
    const k1 = 0x0f0e0d0c0b0a0908n;
    const msg = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);
    expect(sipHash24(k0, k1, msg(0))).toBe(0x726fdb47dd0e0e31n);
    expect(sipHash24(k0, k1, msg(1))).toBe(0x74f839c593dc67fdn);
    expect(sipHash24(k0, k1, msg(8))).toBe(0x93f5f5799a932462n);
    expect(sipHash24(k0, k1, msg(15))).toBe(0xa129ca6149be45e5n);
    expect(sipHash24(k0, k1, msg(63))).toBe(0x958a324ceb064572n);
  });

  it("Fingerprint64 over every length branch (0-16, 17-32, 33-64, and the 64-byte loop) is stable", () => {
    const msg = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 255);
    const lengths = [0, 3, 5, 9, 20, 40, 70, 130, 200];
    const hashes = lengths.map((n) => fingerprint64(msg(n)));
    expect(new Set(hashes).size).toBe(lengths.length);
    hashes.forEach((h) => expect(h >= 0n && h < 1n << 64n).toBe(true));
  });
});

describe("tf.strings.toHashBucketFast / toHashBucketStrong / toHashBucket", () => {
  it("StringToHashBucketFast: TF's test and docs", () => {
    const x = tf.placeholder(tf.string);
    const y = tf.strings.toHashBucketFast(x, 10);
    expect(y.op.type).toBe("StringToHashBucketFast");
    expect(y.op.getAttr("num_buckets")).toBe(10);
    expect(y.dtype).toBe("int64");
    expect(value(y, { [x.name]: ["a", "b", "c", "d"] })).toEqual([9, 2, 2, 5]);
    expect(value(tf.strings.toHashBucketFast(x, 1), { [x.name]: ["a", "b", "c"] })).toEqual([
      0, 0, 0,
    ]);
    expect(value(tf.stringToHashBucketFast(["Hello", "TensorFlow", "2.x"], 3))).toEqual([0, 2, 2]);
  });

  it("StringToHashBucketStrong: TF's test and docs; a key of other than 2 ints fails the run", () => {
    const y = tf.strings.toHashBucketStrong(tf.constant(["a", "b", "c"]), 10, [98765, 132]);
    expect(y.op.getAttr("key")).toEqual([98765, 132]);
    expect(value(y)).toEqual([4, 2, 8]);
    expect(value(tf.strings.toHashBucketStrong(["a", "b", "c"], 1, [123, 345]))).toEqual([0, 0, 0]);
    expect(value(tf.stringToHashBucketStrong(["Hello", "TF"], 3, [1, 2]))).toEqual([2, 0]);
    const bad = tf.strings.toHashBucketStrong(["a"], 10, [98765], "strong");
    using sess = new tf.Session();
    expect(() => sess.run(bad)).toThrow("Key must have 2 elements\n\t [[{{node strong}}]]");
  });

  it("StringToHashBucket (legacy): TF's test and docs; its input is string_tensor", () => {
    const x = tf.placeholder(tf.string, [null, 2]);
    const y = tf.strings.toHashBucket(x, 10);
    expect(y.op.type).toBe("StringToHashBucket");
    expect(y.shape.toString()).toBe("(?, 2)");
    expect(
      value(y, {
        [x.name]: [
          ["a", "b"],
          ["c", "a"],
        ],
      }),
    ).toEqual([
      [8, 0],
      [7, 8],
    ]);
    const z = tf.stringToHashBucket(["Hello", "TensorFlow", "2.x"], 3, "h");
    expect(z.op.inputs[0]!.op.name).toBe("h/string_tensor");
    expect(value(z)).toEqual([2, 0, 1]);
    expect(value(tf.strings.toHashBucket({ input: ["a"], numBuckets: 10 }))).toEqual([8]);
  });

  it("refuses num_buckets below 1 when building, leaving the graph", () => {
    expectThrowsAndUnchanged(
      () => tf.strings.toHashBucketFast(["a"], 0),
      tf.errors.ValueError,
      "Attr 'num_buckets' of 'StringToHashBucketFast' Op passed 0 less than minimum 1.",
    );
  });

  it("frees every tensor it makes", () => {
    const y = tf.strings.toHashBucketStrong([["a", "b"]], 7, [1, 2]);
    using sess = new tf.Session();
    sess.run(y);
    const before = tfc.memory().numTensors;
    for (let i = 0; i < 5; i++) sess.run(y);
    expect(tfc.memory().numTensors).toBe(before);
  });
});
