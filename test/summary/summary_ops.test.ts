import { describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { defaultBucketLimits, Histogram } from "../../src/ops/summary/histogram.js";
import { encodePng } from "../../src/ops/summary/png.js";
import { gradientEntry } from "../../src/ops/registry.js";
import { deflateSync, inflateSync } from "node:zlib";
import { deflate, Z_FILTERED } from "pako";

type Decoded = ReturnType<typeof tf.Summary.fromBinary>;

function runSummary(t: tf.Tensor, feed?: Parameters<tf.Session["run"]>[1]): Decoded {
  using sess = new tf.Session({ graph: t.graph });
  const out = sess.run(t, feed) as tf.NDArray;
  expect(out.dtype).toBe("string");
  expect(out.shape).toEqual([]);
  return tf.Summary.fromBinary(out.bytes()[0] as Uint8Array);
}

describe("tf.summary.scalar", () => {
  it("names the op by its scope, tags it with the scope, adds it to summaries", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const a = tf.summary.scalar("loss", tf.constant(1.5));
      const b = tf.summary.scalar("loss", tf.constant(2));
      const c = tf.nameScope("train", () => tf.summary.scalar("acc", tf.constant(0.5)));
      const d = tf.summary.scalar("lr", tf.constant(0.1), { family: "opt" });
      const e = tf.summary.scalar("bad name!", tf.constant(3), { collections: ["mine"] });
      expect([a, b, c, d, e].map((t) => t.name)).toEqual([
        "loss:0",
        "loss_1:0",
        "train/acc:0",
        "opt/lr:0",
        "bad_name_:0",
      ]);
      expect(a.op.type).toBe("ScalarSummary");
      expect(a.op.inputs[0]?.name).toBe("loss/tags:0");
      expect(a.op.attrs.T).toBe("float32");
      expect(g.getCollection("summaries")).toEqual([a, b, c, d]);
      expect(g.getCollection("mine")).toEqual([e]);
      expect(runSummary(a).value.map((v) => [v.tag, v.simpleValue])).toEqual([["loss", 1.5]]);
      expect(runSummary(b).value[0]?.tag).toBe("loss_1");
      expect(runSummary(c).value[0]?.tag).toBe("train/acc");
      // family: the scope is family/name, the tag family/ + scope
      expect(runSummary(d).value[0]?.tag).toBe("opt/opt/lr");
      // simple_value is float32
      expect(runSummary(d).value[0]?.simpleValue).toBe(Math.fround(0.1));
    });
  });

  it("a non-scalar value fails when run with TF's error", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const s = tf.summary.scalar("v", tf.constant([1, 2, 3], tf.float32));
      expect(() => runSummary(s)).toThrow(
        "tags and values not the same shape: [] != [3] (tag 'v')",
      );
      // A legacy scalar ([1]) pairs with a scalar tag.
      const one = tf.summary.scalar("one", tf.constant([4], tf.float32));
      expect(runSummary(one).value[0]?.simpleValue).toBe(4);
    });
  });

  it("refuses a string value at build time, leaving the graph unchanged", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => tf.summary.scalar("s", "text")).toThrow(
        "Value passed to parameter 'values' has DataType string not in list of allowed values",
      );
      expect(g.getOperations()).toEqual([]);
      expect(g.getCollection("summaries")).toEqual([]);
    });
  });
});

describe("tf.summary.histogram", () => {
  it("TF's default bucket limits", () => {
    const limits = defaultBucketLimits();
    // 1e-12 * 1.1^k below 1e20: k = 0 … 773, then DBL_MAX; mirrored around 0.
    expect(limits.length).toBe(1551);
    expect(limits[775]).toBe(0);
    expect(limits[776]).toBe(1e-12);
    expect(limits[777]).toBe(1e-12 * 1.1);
    expect(limits[774]).toBe(-1e-12);
    expect(limits[1550]).toBe(Number.MAX_VALUE);
    expect(limits[0]).toBe(-Number.MAX_VALUE);
    expect(limits[1549]).toBeLessThan(1e20);
    expect((limits[1549] as number) * 1.1).toBeGreaterThanOrEqual(1e20);
  });

  it("buckets as TF's EncodeToProto writes them: empty runs collapsed", () => {
    const h = new Histogram();
    for (const v of [0, 1, 1, -2]) h.add(v);
    const p = h.toProto(false);
    const limits = defaultBucketLimits();
    // 0 falls in the bucket whose limit is the first above it (1e-12); 1 in the first above 1.
    const above = (x: number): number => limits.findIndex((l) => l > x);
    const expected: [number, number][] = [];
    const counts = new Map([
      [above(-2), 1],
      [above(0), 1],
      [above(1), 2],
    ]);
    let run: number | null = null;
    for (let i = 0; i < limits.length; i++) {
      const c = counts.get(i) ?? 0;
      if (c > 0) {
        if (run !== null) expected.push([limits[i - 1] as number, 0]);
        run = null;
        expected.push([limits[i] as number, c]);
      } else run = i;
    }
    if (run !== null) expected.push([limits[limits.length - 1] as number, 0]);
    expect(p.bucketLimit?.map((l, i) => [l, p.bucket?.[i]])).toEqual(expected);
    expect([p.min, p.max, p.num, p.sum, p.sumSquares]).toEqual([-2, 1, 4, 0, 6]);
    expect(expected.length).toBe(7);
  });

  it("TF's own kernel test (summary_op_test.cc SimpleFloat): the same non-empty buckets", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const values = tf.constant(
        [
          [0.1, -0.7],
          [4.1, 4],
          [5, 4],
        ],
        tf.float32,
      );
      const histo = runSummary(tf.summary.histogram("taghisto", values)).value[0]?.histo;
      const limits = histo?.bucketLimit ?? [];
      const counts = histo?.bucket ?? [];
      // TF prints each bucket as [previous limit, limit) with %.2g.
      const g2 = (x: number): string => String(Number(x.toPrecision(2)));
      const rows = counts.flatMap((c, i) =>
        c > 0 ? [`[${g2(limits[i - 1] as number)}, ${g2(limits[i] as number)}) ${c}`] : [],
      );
      expect(rows).toEqual(["[-0.76, -0.69) 1", "[0.093, 0.1) 1", "[3.8, 4.2) 3", "[4.6, 5.1) 1"]);
      expect([histo?.num, histo?.min, histo?.max]).toEqual([6, Math.fround(-0.7), 5]);
      expect(((histo?.sum as number) / 6).toFixed(4)).toBe("2.7500");
    });
  });

  it("an empty histogram is one bucket at DBL_MAX", () => {
    const p = new Histogram().toProto(false);
    expect(p.bucketLimit).toEqual([Number.MAX_VALUE]);
    expect(p.bucket).toEqual([0]);
    expect([p.min, p.max, p.num]).toEqual([Number.MAX_VALUE, -Number.MAX_VALUE, 0]);
  });

  it("the op's value, and its errors on NaN and infinity", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [null]);
      const h = tf.summary.histogram("w", x);
      expect(h.op.type).toBe("HistogramSummary");
      expect(h.op.inputs[0]?.name).toBe("w/tag:0");
      const v = runSummary(h, new Map([[x, [0.5, 0.5, 3]]])).value[0];
      expect(v?.tag).toBe("w");
      expect(v?.histo?.num).toBe(3);
      expect(v?.histo?.bucket?.filter((c) => c > 0)).toEqual([2, 1]);
      expect(() => runSummary(h, new Map([[x, [1, NaN]]]))).toThrow(
        "Nan in summary histogram for: w",
      );
      expect(() => runSummary(h, new Map([[x, [Infinity]]]))).toThrow(
        "Infinity in summary histogram for: w",
      );
    });
  });
});

describe("tf.summary.image", () => {
  it("PNG images, scaled as TF's kernel scales floats, tagged name/image/i", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const pixels = [
        [
          [[0], [1]],
          [[2], [4]],
        ],
        [
          [[-1], [1]],
          [[0.5], [NaN]],
        ],
        [
          [[0], [0]],
          [[0], [0]],
        ],
      ];
      const im = tf.summary.image("img", tf.constant(pixels, tf.float32), { maxOutputs: 2 });
      const values = runSummary(im).value;
      expect(values.map((v) => v.tag)).toEqual(["img/image/0", "img/image/1"]);
      const decode = (png: Uint8Array): number[] => Array.from(decodePng(png).pixels);
      const [a, b] = values.map((v) => v.image);
      expect([a?.width, a?.height, a?.colorspace]).toEqual([2, 2, 1]);
      // positive: 255 / max = 63.75 per unit
      expect(decode(a?.encodedImageString as Uint8Array)).toEqual([0, 63, 127, 255]);
      // some negative: 127 / max|v| around 128; NaN is bad_color's first channel (255)
      expect(decode(b?.encodedImageString as Uint8Array)).toEqual([1, 255, 191, 255]);
    });
  });

  it("one image is tagged name/image; a bad shape fails when run", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const im = tf.summary.image("one", tf.zeros([2, 3, 3, 3]), 1);
      const v = runSummary(im).value;
      expect(v.map((x) => x.tag)).toEqual(["one/image"]);
      expect(v[0]?.image?.colorspace).toBe(3);
      const bad = tf.summary.image("bad", tf.zeros([2, 3, 3, 2]));
      expect(() => runSummary(bad)).toThrow(
        "Tensor must be 4-D with last dim 1, 3, or 4, not [2,3,3,2]",
      );
    });
  });

  it("PNGs decode to their pixels, whichever filters the rows took", () => {
    for (const [w, h, c] of [
      [1, 1, 1],
      [5, 3, 3],
      [64, 40, 4],
      [200, 150, 1],
    ] as const) {
      const pixels = Uint8Array.from(
        { length: w * h * c },
        (_, i) => (i * 37 + ((i / 7) | 0)) & 0xff,
      );
      const png = encodePng(pixels, w, h, c);
      const d = decodePng(png);
      expect([d.width, d.height, d.channels]).toEqual([w, h, c]);
      expect(Buffer.compare(d.pixels, pixels)).toBe(0);
    }
    // A smooth gradient compresses well (the filters at work): 256x256 RGB in under 2 KB.
    const grad = Uint8Array.from({ length: 256 * 256 * 3 }, (_, i) => ((i / 3) | 0) % 256);
    expect(encodePng(grad, 256, 256, 3).length).toBeLessThan(2048);
    expect(() => encodePng(new Uint8Array(3), 1, 1, 2 + 3)).toThrow(
      "PNG images have 1 to 4 channels",
    );
  });

  it("pako compresses exactly as zlib does with libpng's settings", () => {
    const data = Uint8Array.from({ length: 50000 }, (_, i) => (i * i) % 253);
    const opts = { level: 6, windowBits: 15, memLevel: 8, strategy: Z_FILTERED } as const;
    expect(Buffer.compare(deflate(data, opts), deflateSync(data, opts))).toBe(0);
  });
});

describe("tf.summary.audio", () => {
  it("16-bit WAVs of float samples, tagged name/audio/i", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const sound = [
        [[0.5], [-0.25], [1.5]],
        [[0], [-1], [0.00001]],
      ];
      const a = tf.summary.audio("snd", tf.constant(sound, tf.float32), 16000.7);
      expect(a.op.type).toBe("AudioSummaryV2");
      expect(a.op.inputs.map((i) => i.name)).toEqual(["snd/tag:0", "Const:0", "snd/sample_rate:0"]);
      expect(a.op.attrs.max_outputs).toBe(3);
      const values = runSummary(a).value;
      expect(values.map((v) => v.tag)).toEqual(["snd/audio/0", "snd/audio/1"]);
      const au = values[0]?.audio;
      expect([au?.sampleRate, au?.numChannels, au?.lengthFrames, au?.contentType]).toEqual([
        Math.fround(16000.7),
        1,
        3,
        "audio/wav",
      ]);
      const wav = (v: (typeof values)[number]): DataView => {
        const b = v.audio?.encodedAudioString as Uint8Array;
        return new DataView(b.buffer, b.byteOffset, b.byteLength);
      };
      const w0 = wav(values[0] as (typeof values)[number]);
      expect(String.fromCharCode(...new Uint8Array(w0.buffer, w0.byteOffset, 4))).toBe("RIFF");
      expect([w0.getUint32(4, true), w0.getUint32(24, true), w0.getUint32(28, true)]).toEqual([
        42, 16000, 32000,
      ]);
      // 0.5 → 16384, -0.25 → -8192, 1.5 clamped to 32767; 1e-5 * 2^15 rounds to 0
      expect([w0.getInt16(44, true), w0.getInt16(46, true), w0.getInt16(48, true)]).toEqual([
        16384, -8192, 32767,
      ]);
      const w1 = wav(values[1] as (typeof values)[number]);
      expect([w1.getInt16(44, true), w1.getInt16(46, true), w1.getInt16(48, true)]).toEqual([
        0, -32768, 0,
      ]);
      const bad = tf.summary.audio("bad", tf.zeros([2]), 8000);
      expect(() => runSummary(bad)).toThrow("Tensor must be 3-D or 2-D, got: [2]");
      const noRate = tf.summary.audio("zero", tf.zeros([1, 2]), 0, 1);
      expect(() => runSummary(noRate)).toThrow("sample_rate must be > 0");
    });
  });
});

describe("tf.summary.text", () => {
  it("a TensorSummaryV2 with the text plugin's metadata", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const t = tf.summary.text("notes", tf.constant(["a", "é"]));
      expect(t.op.type).toBe("TensorSummaryV2");
      expect(t.op.inputs.map((i) => i.name)).toEqual([
        "notes/tag:0",
        "Const:0",
        "notes/serialized_summary_metadata:0",
      ]);
      const v = runSummary(t).value[0];
      expect(v?.tag).toBe("notes");
      expect(v?.metadata?.pluginData?.pluginName).toBe("text");
      expect(v?.tensor?.dtype).toBe(7); // DT_STRING
      expect(v?.tensor?.tensorShape?.dim?.map((d) => d.size)).toEqual([2]);
      expect(v?.tensor?.stringVal?.map((b) => new TextDecoder().decode(b))).toEqual(["a", "é"]);
      expect(() => tf.summary.text("n", tf.constant(1))).toThrow(
        "Expected tensor Const_1:0 to have dtype string, got <dtype: 'float32'>",
      );
    });
  });
});

describe("tf.summary.merge / mergeAll", () => {
  it("merges values in order; a duplicate tag fails when run", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(tf.summary.mergeAll()).toBeNull();
      const a = tf.summary.scalar("a", tf.constant(1));
      const h = tf.summary.histogram("h", tf.constant([1, 2], tf.float32));
      const all = tf.summary.mergeAll() as tf.Tensor;
      expect(all.name).toBe("Merge/MergeSummary:0");
      expect(all.op.attrs.N).toBe(2);
      const v = runSummary(all).value;
      expect(v.map((x) => x.tag)).toEqual(["a", "h"]);
      expect(v[1]?.histo?.num).toBe(2);
      const named = tf.summary.merge([a, a], { name: "twice" });
      expect(named.name).toBe("twice/twice:0");
      expect(() => runSummary(named)).toThrow("Duplicate tag a found in summary inputs");
      expect(tf.summary.mergeAll({ key: "nothing" })).toBeNull();
      expect(tf.summary.mergeAll("summaries", "h")?.op.inputs.map((i) => i.name)).toEqual([h.name]);
    });
  });

  it("merges summaries fed back from sess.run, byte for byte", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const h = tf.summary.histogram("h", tf.constant([0.1, 7, -3], tf.float32));
      const p = tf.placeholder(tf.string, []);
      const m = tf.summary.merge([p]);
      using sess = new tf.Session();
      const fetched = sess.run(h) as tf.NDArray;
      const merged = sess.run(m, new Map([[p, fetched]])) as tf.NDArray;
      expect(
        Buffer.compare(merged.bytes()[0] as Uint8Array, fetched.bytes()[0] as Uint8Array),
      ).toBe(0);
    });
  });

  it("refuses an empty list and non-string inputs, leaving the graph unchanged", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => tf.summary.merge([])).toThrow(
        "List argument 'inputs' to 'MergeSummary' Op with length 0 shorter than minimum length 1.",
      );
      expect(() => tf.summary.merge([tf.constant(1)])).toThrow("MergeSummary");
      expect(g.getOperations().map((o) => o.name)).toEqual(["Const"]);
    });
  });

  it("summary ops are declared not differentiable, as logging_ops.py declares them", () => {
    for (const type of [
      "AudioSummaryV2",
      "ScalarSummary",
      "HistogramSummary",
      "ImageSummary",
      "TensorSummaryV2",
      "MergeSummary",
    ])
      expect(gradientEntry(type)?.kind).toBe("notDifferentiable");
  });
});

/** A PNG of 8-bit samples decoded: IHDR, the IDATs inflated, each row unfiltered. */
function decodePng(png: Uint8Array): {
  width: number;
  height: number;
  channels: number;
  pixels: Uint8Array;
} {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Uint8Array[] = [];
  for (let o = 8; o < png.length;) {
    const len = view.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    const data = png.subarray(o + 8, o + 8 + len);
    if (type === "IHDR") {
      width = view.getUint32(o + 8);
      height = view.getUint32(o + 12);
      channels = ({ 0: 1, 4: 2, 2: 3, 6: 4 } as Record<number, number>)[
        data[9] as number
      ] as number;
    } else if (type === "IDAT") idat.push(data);
    o += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i] as number;
      const a = i >= channels ? (out[y * stride + i - channels] as number) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + i] as number) : 0;
      const c = y > 0 && i >= channels ? (out[(y - 1) * stride + i - channels] as number) : 0;
      const p = a + b - c;
      const pred = [
        0,
        a,
        b,
        (a + b) >> 1,
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c,
      ][filter] as number;
      out[y * stride + i] = (x + pred) & 0xff;
    }
  }
  return { width, height, channels, pixels: out };
}
