/**
 * `tf.io.encodeBase64` / `tf.io.decodeBase64` (EncodeBase64, DecodeBase64): web-safe
 * base64 as TF's core/lib/strings/base64.cc writes and reads it, with its errors.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

function value(t: tf.Tensor): unknown {
  using sess = new tf.Session();
  return sess.run(t).toArray();
}

const TEXTS = ["", "a", "ab", "abc", "abcd", "hello world", "\u00ff\u00fe\u00fd>?"];

describe("tf.io.encodeBase64 / decodeBase64", () => {
  it("encodes with the web-safe alphabet, unpadded unless pad (values as Python's urlsafe_b64encode)", () => {
    const e = tf.io.encodeBase64([TEXTS]);
    expect(e.op.type).toBe("EncodeBase64");
    expect(e.op.name).toBe("EncodeBase64");
    expect(e.op.getAttr("pad")).toBe(false);
    expect(e.shape.toString()).toBe("(1, 7)");
    expect(value(e)).toEqual([
      ["", "YQ", "YWI", "YWJj", "YWJjZA", "aGVsbG8gd29ybGQ", "w7_DvsO9Pj8"],
    ]);
    expect(value(tf.encodeBase64(TEXTS, true, "enc"))).toEqual([
      "",
      "YQ==",
      "YWI=",
      "YWJj",
      "YWJjZA==",
      "aGVsbG8gd29ybGQ=",
      "w7_DvsO9Pj8=",
    ]);
  });

  it("decodes padded and unpadded input back", () => {
    expect(value(tf.io.decodeBase64(tf.io.encodeBase64(TEXTS)))).toEqual(TEXTS);
    expect(value(tf.decodeBase64(tf.io.encodeBase64(TEXTS, { pad: true }), "dec"))).toEqual(TEXTS);
  });

  it("fails the run on what TF's Base64Decode refuses", () => {
    const cases: [string, string][] = [
      ["a", "Base64 string length cannot be 1 modulo 4."],
      ["abcde", "Base64 string length cannot be 1 modulo 4."],
      ["ab+/", "Invalid character found in base64."],
      ["a=bc", "Invalid character found in base64."],
      ["abc=d", "Invalid character found in base64."],
      ["a===", "Invalid character found in base64."],
    ];
    for (const [text, message] of cases) {
      new tf.Graph().asDefault(() => {
        const d = tf.io.decodeBase64([text], "d");
        using sess = new tf.Session();
        expect(() => sess.run(d)).toThrow(
          new tf.errors.InvalidArgumentError(`${message}\n\t [[{{node d}}]]`, "d"),
        );
      });
    }
  });

  it("frees every tensor it makes", () => {
    const y = tf.io.decodeBase64(tf.io.encodeBase64([["ab", "cd"]]));
    using sess = new tf.Session();
    sess.run(y);
    const before = tfc.memory().numTensors;
    for (let i = 0; i < 5; i++) sess.run(y);
    expect(tfc.memory().numTensors).toBe(before);
  });
});
