/**
 * The calling convention on tf.io's TFRecord API and the protocol-buffer message types:
 * TF 1.15's positional form and the options form do the same; unknown keywords are refused.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectRefused, expectSameGraphs } from "./helpers.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "api-io-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("io.TFRecordWriter(path, options) and io.tfRecordIterator(path, options)", () => {
  it("positional and options forms write and read the same file", () => {
    const a = join(dir, "a");
    const b = join(dir, "b");
    const wa = new tf.io.TFRecordWriter(a, "GZIP");
    const wb = new tf.io.TFRecordWriter({ path: b, options: "GZIP" });
    wa.write(Uint8Array.of(1, 2));
    wb.write({ record: Uint8Array.of(1, 2) });
    wa.flush();
    wb.flush({});
    wa.close();
    wb.close({});
    expect(readFileSync(a)).toEqual(readFileSync(b));
    const ra = [...tf.io.tfRecordIterator(a, "GZIP")];
    const rb = [
      ...tf.io.tfRecordIterator({
        path: b,
        options: new tf.io.TFRecordOptions({ compressionType: "GZIP" }),
      }),
    ];
    expect(ra).toEqual(rb);
    expect(ra).toEqual([Uint8Array.of(1, 2)]);
  });

  it("refuses unknown keywords and wrong types", () => {
    expect(
      () => new tf.io.TFRecordWriter({ path: join(dir, "c"), compression: "GZIP" } as never),
    ).toThrow(/io.TFRecordWriter\(\) got an unexpected keyword argument 'compression'/);
    expect(() => tf.io.tfRecordIterator(3 as never)).toThrow(
      /argument 'path' \(position 1\) must be a str/,
    );
  });
});

describe("io.TFRecordOptions(compression_type, flush_mode, …, compression_strategy)", () => {
  it("positional and options forms agree", () => {
    const p = new tf.io.TFRecordOptions("ZLIB", 0, 100, 200, 14, 7, 8, 6, 2);
    const o = new tf.io.TFRecordOptions({
      compressionType: "ZLIB",
      flushMode: 0,
      inputBufferSize: 100,
      outputBufferSize: 200,
      windowBits: 14,
      compressionLevel: 7,
      compressionMethod: 8,
      memLevel: 6,
      compressionStrategy: 2,
    });
    expect(o).toEqual(p);
    expect(p.zlibOptions()).toEqual({ windowBits: 14, level: 7, memLevel: 6, strategy: 2 });
  });
});

describe("message types: fromBinary(bytes), toBinary(message), fromText(text), toText(message, options), create(properties)", () => {
  it("positional and options forms agree", () => {
    const node = tf.NodeDef.create({ name: "x", op: "Const" });
    expect(tf.NodeDef.create({ properties: { name: "x", op: "Const" } })).toEqual(node);
    const bytes = tf.NodeDef.toBinary(node);
    expect(tf.NodeDef.toBinary({ message: node })).toEqual(bytes);
    expect(tf.NodeDef.fromBinary({ bytes })).toEqual(tf.NodeDef.fromBinary(bytes));
    const text = tf.NodeDef.toText(node);
    expect(tf.NodeDef.toText({ message: node, options: { floatStyle: "python" } })).toBe(text);
    expect(tf.NodeDef.fromText({ text })).toEqual(tf.NodeDef.fromText(text));
    expect(text).toBe('name: "x"\nop: "Const"\n');
  });

  it("train.Example.fromFeatures / toFeatures, positional and options forms", () => {
    const f = { a: { floatList: [1] } };
    const ex = tf.train.Example.fromFeatures(f);
    expect(tf.train.Example.fromFeatures({ features: f })).toEqual(ex);
    expect(tf.train.Example.toFeatures({ example: ex })).toEqual(tf.train.Example.toFeatures(ex));
  });

  it("refuses wrong types", () => {
    expect(() => tf.GraphDef.fromBinary("abc" as never)).toThrow(
      /argument 'bytes' \(position 1\) must be bytes/,
    );
    expect(() => tf.GraphDef.fromText(3 as never)).toThrow(
      /argument 'text' \(position 1\) must be a str/,
    );
  });
});

describe("io.parseExample(serialized, features, name, example_names), FixedLenFeature, VarLenFeature, strings.join, SparseTensor", () => {
  const build = (form: number) => {
    const g = new tf.Graph();
    return g.asDefault(() => {
      const s = tf.placeholder(tf.string, [null], "s");
      const features = {
        a: tf.io.FixedLenFeature([2], tf.float32, [1, 2]),
        b: tf.io.VarLenFeature(tf.int64),
      };
      const featuresOpts = {
        a: tf.io.FixedLenFeature({ shape: [2], dtype: tf.float32, defaultValue: [1, 2] }),
        b: tf.io.VarLenFeature({ dtype: tf.int64 }),
      };
      if (form === 0) tf.io.parseExample(s, features, "p");
      else if (form === 1) tf.io.parseExample(s, featuresOpts, { name: "p" });
      else tf.io.parseExample({ serialized: s, features, name: "p" });
      return g
        .getOperations()
        .map((o) => `${o.name}:${o.type}(${o.inputs.map((t) => t.name).join(",")})`);
    });
  };

  it("are also TF 1.15's top-level tf.parse_example, tf.FixedLenFeature, …", () => {
    expect(tf.parseExample).toBe(tf.io.parseExample);
    expect(tf.FixedLenFeature).toBe(tf.io.FixedLenFeature);
    expect(tf.VarLenFeature).toBe(tf.io.VarLenFeature);
    expect(tf.FixedLenSequenceFeature).toBe(tf.io.FixedLenSequenceFeature);
    expect(tf.SparseFeature).toBe(tf.io.SparseFeature);
  });

  it("positional and options forms build the same graph", () => {
    const first = build(0);
    expect(first).toContain(
      "p/p:ParseExample(s:0,p/p/names:0,p/p/sparse_keys_0:0,p/p/dense_keys_0:0,p/Reshape:0)",
    );
    expect(build(1)).toEqual(first);
    expect(build(2)).toEqual(first);
  });

  it("FixedLenSequenceFeature(shape, dtype, allow_missing, default_value): positional and options forms agree", () => {
    const positional = tf.io.FixedLenSequenceFeature([2], tf.float32, true, -1);
    const options = tf.io.FixedLenSequenceFeature({
      shape: [2],
      dtype: tf.float32,
      allowMissing: true,
      defaultValue: -1,
    });
    const mixed = tf.io.FixedLenSequenceFeature([2], tf.float32, {
      allowMissing: true,
      defaultValue: -1,
    });
    for (const f of [options, mixed]) {
      expect([f.kind, String(f.shape), f.dtype, f.allowMissing, f.defaultValue]).toEqual([
        positional.kind,
        String(positional.shape),
        positional.dtype,
        positional.allowMissing,
        positional.defaultValue,
      ]);
    }
    expect(tf.io.FixedLenSequenceFeature([], tf.string).allowMissing).toBe(false);
    expect(() => tf.io.FixedLenSequenceFeature({ shape: [], dtype: tf.int32 })).toThrow(
      "FixedLenSequenceFeature: dtype must be one of float32, int64 or string, got int32",
    );
  });

  it("SparseFeature(index_key, value_key, dtype, size, already_sorted): positional and options forms agree", () => {
    const positional = tf.io.SparseFeature(["ix"], "val", tf.float32, [13], true);
    const options = tf.io.SparseFeature({
      indexKey: ["ix"],
      valueKey: "val",
      dtype: tf.float32,
      size: [13],
      alreadySorted: true,
    });
    const mixed = tf.io.SparseFeature(["ix"], "val", tf.float32, [13], { alreadySorted: true });
    for (const f of [options, mixed]) expect(f).toEqual(positional);
    expect(tf.io.SparseFeature("ix", "val", tf.int64, 5).alreadySorted).toBe(false);
    expect(() => tf.io.SparseFeature("ix", "val", tf.float32, 1.5 as never)).toThrow(TypeError);
  });

  it("refuses unknown keywords and wrong kinds", () => {
    expect(() =>
      tf.io.FixedLenFeature([1], tf.float32, undefined, { shapes: [1] } as never),
    ).toThrow(TypeError);
    expect(() => tf.io.VarLenFeature({ dtype: tf.int64, shape: [1] } as never)).toThrow(
      "io.VarLenFeature() got an unexpected keyword argument 'shape'",
    );
    const s = tf.placeholder(tf.string, [null]);
    expect(() => tf.io.parseExample(s, { a: [1] } as never)).toThrow(TypeError);
  });

  it("strings.join(inputs, separator, name) and new SparseTensor(indices, values, dense_shape)", () => {
    const names = (build: () => unknown) => {
      const g = new tf.Graph();
      return g.asDefault(() => {
        build();
        return g.getOperations().map((o) => `${o.name}:${o.type}`);
      });
    };
    const j = names(() => tf.strings.join(["a", "b"], "/", "j"));
    expect(j).toEqual(["j/inputs_0:Const", "j/inputs_1:Const", "j:StringJoin"]);
    expect(names(() => tf.strings.join(["a", "b"], { separator: "/", name: "j" }))).toEqual(j);
    expect(names(() => tf.strings.join({ inputs: ["a", "b"], separator: "/", name: "j" }))).toEqual(
      j,
    );
    const st = new tf.SparseTensor({
      indices: tf.constant([[0, 0]], tf.int64),
      values: tf.constant([1]),
      denseShape: tf.constant([1, 1], tf.int64),
    });
    expect(st.dtype).toBe("float32");
    expect(st.indices.dtype).toBe("int64");
  });
});

describe("decodeCsv, decodeRaw, readFile, writeFile, matchingFiles: TF 1.15's v1 parameters", () => {
  it("decode_csv(records, record_defaults, field_delim, use_quote_delim, name, na_value, select_cols)", () => {
    const pic = expectSameGraphs(
      () => tf.io.decodeCsv(["a;b"], [[""], [""]], ";", false, "csv", "NA", [0, 2]),
      () =>
        tf.io.decodeCsv(["a;b"], [[""], [""]], {
          fieldDelim: ";",
          useQuoteDelim: false,
          name: "csv",
          naValue: "NA",
          selectCols: [0, 2],
        }),
      () =>
        tf.decodeCsv({
          records: ["a;b"],
          recordDefaults: [[""], [""]],
          fieldDelim: ";",
          useQuoteDelim: false,
          name: "csv",
          naValue: "NA",
          selectCols: [0, 2],
        }),
    );
    expect(pic.at(-1)).toContain(
      "csv = DecodeCSV(csv/records:0,csv/record_defaults_0:0,csv/record_defaults_1:0)",
    );
    expectRefused(
      () => tf.io.decodeCsv(["a"], [[""]], { na_value: "NA" } as never),
      /io.decodeCsv\(\) got an unexpected keyword argument 'na_value'.*naValue/,
    );
  });

  it("decode_raw(input_bytes, out_type, little_endian, name, bytes)", () => {
    expectSameGraphs(
      () => tf.io.decodeRaw(["abcd"], tf.int32, false, "raw"),
      () => tf.io.decodeRaw(["abcd"], { outType: tf.int32, littleEndian: false, name: "raw" }),
      () =>
        tf.decodeRaw({ inputBytes: ["abcd"], outType: tf.int32, littleEndian: false, name: "raw" }),
      () => tf.decodeRaw({ bytes: ["abcd"], outType: tf.int32, littleEndian: false, name: "raw" }),
    );
    expectRefused(
      () => tf.io.decodeRaw(["abcd"], tf.int32, "yes" as never),
      /littleEndian|little_endian/,
    );
  });

  it("read_file(filename, name), write_file(filename, contents, name), matching_files(pattern, name)", () => {
    expectSameGraphs(
      () => tf.io.readFile("a.txt", "r"),
      () => tf.readFile({ filename: "a.txt", name: "r" }),
    );
    expectSameGraphs(
      () => tf.io.writeFile("a.txt", "x", "w"),
      () => tf.writeFile("a.txt", "x", { name: "w" }),
      () => tf.io.writeFile({ filename: "a.txt", contents: "x", name: "w" }),
    );
    expectSameGraphs(
      () => tf.io.matchingFiles("*.txt", "m"),
      () => tf.matchingFiles({ pattern: "*.txt", name: "m" }),
    );
    expectRefused(
      () => tf.io.readFile("a", { path: "b" } as never),
      /unexpected keyword argument 'path'/,
    );
  });
});
