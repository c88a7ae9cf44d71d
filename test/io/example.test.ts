import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import protobuf from "protobufjs/minimal.js";
import { describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { TensorProto } from "../../src/proto/index.js";

const FIX = join(import.meta.dirname, "../fixtures");

/** The first length-delimited field `n` of a message. */
function lengthDelimited(bytes: Uint8Array, n: number): Uint8Array {
  const r = protobuf.Reader.create(bytes);
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === n && (tag & 7) === 2) return r.bytes();
    r.skipType(tag & 7);
  }
  throw new Error(`no field ${n}`);
}

describe("tf.train.Example", () => {
  it("the Example inside a TF-written TFRecord (a serving warm-up request's string tensor)", () => {
    const [record] = [
      ...tf.io.tfRecordIterator(
        join(FIX, "tfrecord/tfrecord-serving-warmup-applifier/tf_serving_warmup_requests"),
      ),
    ];
    // PredictionLog.predict_log(6).request(1).inputs(2)["inputs"].value(2) is a TensorProto
    // holding one serialized, empty tf.train.Example (its Features present but empty).
    // PredictionLog is TF Serving's message, not TF's: walk its fields on the wire.
    const predictLog = lengthDelimited(record, 6);
    const request = lengthDelimited(predictLog, 1);
    const entry = lengthDelimited(request, 2);
    expect(new TextDecoder().decode(lengthDelimited(entry, 1))).toBe("inputs");
    const tensor = TensorProto.fromBinary(lengthDelimited(entry, 2));
    expect(tensor.dtype).toBe(7);
    expect(tensor.tensorShape?.dim?.map((d) => d.size)).toEqual([1]);
    const ex = tf.train.Example.fromBinary(tensor.stringVal[0]);
    expect(ex.features).toBeDefined();
    expect(tf.train.Example.toFeatures(ex)).toEqual({});
    expect(tf.train.Example.toBinary(ex)).toEqual(Uint8Array.of(0x0a, 0x00));
    expect(tf.train.Example.toText(ex)).toBe("features {\n}\n");
  });

  it("fromFeatures → bytes → toFeatures, with TF's field layout", () => {
    const ex = tf.train.Example.fromFeatures({
      image: { bytesList: [Uint8Array.of(0, 255), "jpeg"] },
      label: { int64List: [3, -1, 2n ** 62n] },
      score: { floatList: [0.5, 0.1] },
    });
    const bytes = tf.train.Example.toBinary(ex);
    const back = tf.train.Example.toFeatures(tf.train.Example.fromBinary(bytes));
    expect(back).toEqual({
      image: { bytesList: [Uint8Array.of(0, 255), new TextEncoder().encode("jpeg")] },
      label: { int64List: [3, -1, 2n ** 62n] },
      score: { floatList: [0.5, Math.fround(0.1)] },
    });
    expect(tf.train.Example.toText(ex)).toBe(
      [
        "features {",
        "  feature {",
        '    key: "image"',
        "    value {",
        "      bytes_list {",
        '        value: "\\000\\377"',
        '        value: "jpeg"',
        "      }",
        "    }",
        "  }",
        "  feature {",
        '    key: "label"',
        "    value {",
        "      int64_list {",
        "        value: 3",
        "        value: -1",
        "        value: 4611686018427387904",
        "      }",
        "    }",
        "  }",
        "  feature {",
        '    key: "score"',
        "    value {",
        "      float_list {",
        "        value: 0.5",
        "        value: 0.1",
        "      }",
        "    }",
        "  }",
        "}",
        "",
      ].join("\n"),
    );
    // Packed float32 and int64 as TF's C++ writes them: Feature{float_list{value: [0.5]}}.
    expect(tf.train.Feature.toBinary({ floatList: { value: [0.5] } })).toEqual(
      Uint8Array.of(0x12, 0x06, 0x0a, 0x04, 0, 0, 0, 0x3f),
    );
    expect(tf.train.Feature.toBinary({ int64List: { value: [1, 2] } })).toEqual(
      Uint8Array.of(0x1a, 0x04, 0x0a, 0x02, 1, 2),
    );
  });

  it("Examples in a TFRecord file, the usual pipeline", () => {
    const dir = mkdtempSync(join(tmpdir(), "example-"));
    const file = join(dir, "train.tfrecord");
    {
      using w = new tf.io.TFRecordWriter(file);
      for (let i = 0; i < 3; i++)
        w.write(
          tf.train.Example.toBinary(tf.train.Example.fromFeatures({ i: { int64List: [i] } })),
        );
    }
    const ids = [...tf.io.tfRecordIterator(file)].map(
      (r) => tf.train.Example.toFeatures(tf.train.Example.fromBinary(r)).i,
    );
    expect(ids).toEqual([{ int64List: [0] }, { int64List: [1] }, { int64List: [2] }]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses what is not a feature", () => {
    expect(() => tf.train.Example.fromFeatures({ x: { values: [1] } as never })).toThrow(
      "feature 'x' must be { bytesList }, { floatList } or { int64List }",
    );
    expect(() => tf.train.Example.fromFeatures({ x: { int64List: [0.5] } })).toThrow(
      /not an integer below 2\^53/,
    );
    expect(() => tf.train.Example.fromFeatures({ x: { int64List: [2n ** 63n] } })).toThrow(
      /out of the int64 range/,
    );
    expect(() => tf.train.Example.fromBinary(Uint8Array.of(0x0a, 0x05))).toThrow(
      /tensorflow.Example: malformed or truncated/,
    );
  });
});
