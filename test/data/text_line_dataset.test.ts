/**
 * `tf.data.TextLineDataset` and `tf.data.FixedLengthRecordDataset` as TF 1.15 builds them
 * (one source op each: `TextLineDataset`, `FixedLengthRecordDatasetV2`, over `filenames`,
 * `compression_type`, `buffer_size`, … constants), their kernels' reading of plain, ZLIB
 * and GZIP files, TF's messages, and a CSV input pipeline end to end.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync, gzipSync } from "node:zlib";
import * as tfc from "@tensorflow/tfjs-core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

let dir = "";
beforeEach(() => {
  tf.resetDefaultGraph();
  dir = mkdtempSync(join(tmpdir(), "text-line-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, contents: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
}

/** The elements until OutOfRangeError, as `b'…'` text. */
function drain(sess: tf.Session, next: tf.Tensor): string[] {
  const out: string[] = [];
  for (;;) {
    try {
      out.push(String(sess.run(next)));
    } catch (e) {
      expect(e).toBeInstanceOf(tf.errors.OutOfRangeError);
      return out;
    }
  }
}

const nextOf = (ds: tf.data.Dataset): tf.Tensor => ds.makeOneShotIterator().getNext() as tf.Tensor;

describe("tf.data.TextLineDataset", () => {
  it("builds TF 1.15's graph: filenames, compression_type, buffer_size and one TextLineDataset", () => {
    const ds = new tf.data.TextLineDataset(["a.txt", "b.txt"]);
    expect(ds).toBeInstanceOf(tf.data.Dataset);
    expect(ds.outputTypes).toBe("string");
    expect(ds.outputShapes.toString()).toBe("()");
    const op = ds.variantTensor.op;
    expect(op.type).toBe("TextLineDataset");
    expect(op.name).toBe("TextLineDataset");
    expect(op.inputs.map((t) => `${t.name} ${t.dtype}`)).toEqual([
      "filenames:0 string",
      "compression_type:0 string",
      "buffer_size:0 int64",
    ]);
    // A source op carries only its OpDef's attrs.
    expect(op.attrs).toEqual({});
    expect(
      tf
        .getDefaultGraph()
        .asGraphDef()
        .node?.find((n) => n.name === "TextLineDataset")?.attr,
    ).toEqual({});
    const sess = new tf.Session();
    expect(sess.run(op.inputs[2]!).item()).toBe(256 * 1024);
    sess.close();
    const gz = new tf.data.TextLineDataset({
      filenames: "x",
      compressionType: "GZIP",
      bufferSize: 10,
    });
    expect(gz.variantTensor.op.inputs.map((t) => t.name)).toEqual([
      "filenames_1:0",
      "compression_type_1:0",
      "buffer_size_1:0",
    ]);
  });

  it("reads lines in file order: \\n and \\r\\n stripped, every \\r dropped, a last line without \\n kept", () => {
    const a = file("a.txt", "first\r\nsecond\n\nfourth\r\n");
    const b = file("b.txt", "x\ry\nlast without newline");
    const c = file("empty.txt", "");
    using sess = new tf.Session();
    expect(drain(sess, nextOf(new tf.data.TextLineDataset([a, c, b])))).toEqual([
      "b'first'",
      "b'second'",
      "b''",
      "b'fourth'",
      "b'xy'",
      "b'last without newline'",
    ]);
    // A scalar file name, and a small read buffer.
    expect(drain(sess, nextOf(new tf.data.TextLineDataset(b, null, 3)))).toEqual([
      "b'xy'",
      "b'last without newline'",
    ]);
  });

  it("reads ZLIB and GZIP files, as TFRecordDataset does", () => {
    const text = "1,a\n2,b\n3,c";
    const gz = file("t.gz", gzipSync(text));
    const z = file("t.z", deflateSync(text));
    using sess = new tf.Session();
    expect(drain(sess, nextOf(new tf.data.TextLineDataset(gz, "GZIP")))).toEqual([
      "b'1,a'",
      "b'2,b'",
      "b'3,c'",
    ]);
    expect(drain(sess, nextOf(new tf.data.TextLineDataset(z, "ZLIB")))).toEqual([
      "b'1,a'",
      "b'2,b'",
      "b'3,c'",
    ]);
    expect(() => sess.run(nextOf(new tf.data.TextLineDataset(z, "GZIP")))).toThrow(
      tf.errors.DataLossError,
    );
  });

  it("a CSV pipeline: TextLineDataset → skip header → map(decodeCsv) → batch → iterator", () => {
    const path = file(
      "iris.csv",
      'sepal,petal,label,name\r\n5.1,1.4,0,setosa\r\n7.0,4.7,1,versicolor\r\n6.3,,2,virginica\r\n4.9,1.4,0,"setosa, again"\r\n',
    );
    const ds = new tf.data.TextLineDataset(path)
      .skip(1)
      .map((line: tf.Tensor) => {
        const [sepal, petal, label, name] = tf.io.decodeCsv(line, [
          [0],
          [-1],
          tf.constant([], tf.int32),
          [""],
        ]);
        return { features: tf.stack([sepal!, petal!]), label: label!, name: name! };
      })
      .batch(3);
    const it = ds.makeInitializableIterator();
    const next = it.getNext() as { features: tf.Tensor; label: tf.Tensor; name: tf.Tensor };
    expect(next.features.shape.toString()).toBe("(?, 2)");
    expect(next.label.dtype).toBe("int32");
    using sess = new tf.Session();
    sess.run(it.initializer);
    const first = sess.run(next);
    expect(first.features.toArray()).toEqual([
      [Math.fround(5.1), Math.fround(1.4)],
      [7, Math.fround(4.7)],
      [Math.fround(6.3), -1],
    ]);
    expect(first.label.toArray()).toEqual([0, 1, 2]);
    expect(first.name.toArray()).toEqual(["setosa", "versicolor", "virginica"]);
    const second = sess.run(next);
    expect(second.label.toArray()).toEqual([0]);
    expect(second.name.toArray()).toEqual(["setosa, again"]);
    expect(() => sess.run(next)).toThrow(tf.errors.OutOfRangeError);
    // A bad record fails the run that reaches it, with DecodeCSV's message.
    file("iris.csv", "h\n1,2,x,n\n");
    sess.run(it.initializer);
    expect(() => sess.run(next)).toThrow(/Field 2 in record 0 is not a valid int32: x/);
  });

  it("fails as TF's kernel does: a missing file, a compression type TF does not know", () => {
    using sess = new tf.Session();
    const missing = join(dir, "nope.txt");
    const next = new tf.data.TextLineDataset(missing).makeOneShotIterator().getNext({
      name: "next",
    }) as tf.Tensor;
    expect(() => sess.run(next)).toThrow(
      `${missing}; No such file or directory\n\t [[{{node next}}]]`,
    );
    const path = file("a.txt", "x");
    expect(() => sess.run(nextOf(new tf.data.TextLineDataset(path, "LZ4")))).toThrow(
      /^Unsupported compression_type\./,
    );
    expect(() => sess.run(nextOf(new tf.data.TextLineDataset(path, "", -1)))).toThrow(
      "`buffer_size` must be >= 0 (0 == default)",
    );
  });

  it("refuses what TF refuses at build time, leaving the graph unchanged", () => {
    expectThrowsAndUnchanged(
      () => new tf.data.TextLineDataset([["a"], ["b"]]),
      tf.errors.ValueError,
      "Shape must be at most rank 1 but is rank 2 for 'TextLineDataset' (op: 'TextLineDataset') with input shapes: [2,1], [], [].",
    );
    expectThrowsAndUnchanged(
      () => new tf.data.TextLineDataset([1, 2]),
      TypeError,
      /Expected string, got 1/,
    );
    expectThrowsAndUnchanged(
      () => new tf.data.TextLineDataset({ filenames: "a", compression: "GZIP" } as never),
      TypeError,
      /unexpected keyword argument 'compression'/,
    );
  });
});

describe("tf.data.FixedLengthRecordDataset", () => {
  const bytes = (n: number, from = 0): Uint8Array =>
    Uint8Array.from({ length: n }, (_, i) => from + i);

  it("builds FixedLengthRecordDatasetV2 over TF's constants, in TF's order", () => {
    const ds = new tf.data.FixedLengthRecordDataset(["a.bin"], 4, 2, 1);
    const op = ds.variantTensor.op;
    expect(op.type).toBe("FixedLengthRecordDatasetV2");
    expect(op.inputs.map((t) => `${t.name} ${t.dtype}`)).toEqual([
      "filenames:0 string",
      "header_bytes:0 int64",
      "record_bytes:0 int64",
      "footer_bytes:0 int64",
      "buffer_size:0 int64",
      "compression_type:0 string",
    ]);
    expect(op.attrs).toEqual({});
    expect(ds.outputShapes.toString()).toBe("()");
    // The ops TF creates, in TF's order of creation.
    expect(
      tf
        .getDefaultGraph()
        .getOperations()
        .map((o) => o.name),
    ).toEqual([
      "filenames",
      "record_bytes",
      "header_bytes",
      "footer_bytes",
      "buffer_size",
      "compression_type",
      "FixedLengthRecordDatasetV2",
    ]);
  });

  it("reads records between a header and a footer, file after file, then decodeRaw", () => {
    // CIFAR-style records: a label byte, then four int16 values stored as two int32s.
    const a = file("a.bin", Uint8Array.from([...bytes(3, 200), ...bytes(16), ...bytes(2, 250)]));
    const b = file(
      "b.bin",
      Uint8Array.from([...bytes(3, 200), ...bytes(8, 100), ...bytes(2, 250)]),
    );
    const ds = new tf.data.FixedLengthRecordDataset([a, b], 8, 3, 2, 5).map((r: tf.Tensor) =>
      tf.io.decodeRaw(r, tf.int32),
    );
    using sess = new tf.Session();
    const next = nextOf(ds);
    const le = (...v: number[]): number =>
      new DataView(Uint8Array.from(v).buffer).getInt32(0, true);
    expect(sess.run(next).toArray()).toEqual([le(0, 1, 2, 3), le(4, 5, 6, 7)]);
    expect(sess.run(next).toArray()).toEqual([le(8, 9, 10, 11), le(12, 13, 14, 15)]);
    expect(sess.run(next).toArray()).toEqual([le(100, 101, 102, 103), le(104, 105, 106, 107)]);
    expect(() => sess.run(next)).toThrow(tf.errors.OutOfRangeError);
  });

  it("reads GZIP and ZLIB files; a leftover is TF's DataLossError at the file's end", () => {
    const body = Uint8Array.from([9, ...bytes(6), 7, 7]);
    const gz = file("r.gz", gzipSync(body));
    const z = file("r.z", deflateSync(body));
    using sess = new tf.Session();
    for (const [path, kind] of [
      [gz, "GZIP"],
      [z, "ZLIB"],
    ] as const) {
      const next = nextOf(new tf.data.FixedLengthRecordDataset(path, 3, 1, 2, null, kind));
      expect(drain(sess, next)).toEqual(["b'\\x00\\x01\\x02'", "b'\\x03\\x04\\x05'"]);
    }
    const odd = file("odd.gz", gzipSync(Uint8Array.from([9, ...bytes(7), 7, 7])));
    const next = nextOf(new tf.data.FixedLengthRecordDataset(odd, 3, 1, 2, 0, "GZIP"));
    expect(sess.run(next).shape).toEqual([]);
    sess.run(next);
    expect(() => sess.run(next)).toThrow(
      'Excluding the header (1 bytes) and footer (2 bytes), input file "' +
        odd +
        '" has body length 7 bytes, which is not an exact multiple of the record length (3 bytes).',
    );
    // As TF's iterator: past the failed read, the file (and here the dataset) has ended.
    expect(() => sess.run(next)).toThrow(tf.errors.OutOfRangeError);
  });

  it("fails with TF's messages: a body not a multiple of the record, bad sizes", () => {
    const path = file("bad.bin", bytes(11));
    using sess = new tf.Session();
    expect(() => sess.run(nextOf(new tf.data.FixedLengthRecordDataset(path, 4, 1)))).toThrow(
      `Excluding the header (1 bytes) and footer (0 bytes), input file "${path}" has body length 10 bytes, which is not an exact multiple of the record length (4 bytes).`,
    );
    expect(() => sess.run(nextOf(new tf.data.FixedLengthRecordDataset(path, 0)))).toThrow(
      "`record_bytes` must be > 0",
    );
    expect(() => sess.run(nextOf(new tf.data.FixedLengthRecordDataset(path, 1, -1)))).toThrow(
      "`header_bytes` must be >= 0",
    );
    expect(() =>
      sess.run(nextOf(new tf.data.FixedLengthRecordDataset(path, 1, 0, 0, 0, "BZ2"))),
    ).toThrow("Unsupported compression_type.");
    expect(() =>
      sess.run(nextOf(new tf.data.FixedLengthRecordDataset(join(dir, "none.bin"), 1))),
    ).toThrow(tf.errors.NotFoundError);
    const recordBytes = tf.placeholder(tf.int64, [1]);
    expectThrowsAndUnchanged(
      () => new tf.data.FixedLengthRecordDataset("a", recordBytes),
      tf.errors.ValueError,
      "Shape must be rank 0 but is rank 1 for 'FixedLengthRecordDatasetV2_5' (op: 'FixedLengthRecordDatasetV2') with input shapes: [], [], [1], [], [], [].",
    );
  });

  it("keeps memory flat over many passes", () => {
    const path = file("m.bin", bytes(64));
    const lines = file("m.txt", "a,1\nb,2\nc,3\n");
    const it1 = new tf.data.FixedLengthRecordDataset(path, 8).batch(4).makeInitializableIterator();
    const it2 = new tf.data.TextLineDataset(lines)
      .map((l: tf.Tensor) => tf.io.decodeCsv(l, [[""], [0]]))
      .makeInitializableIterator();
    const n1 = it1.getNext() as tf.Tensor;
    const n2 = it2.getNext() as tf.Tensor[];
    using sess = new tf.Session();
    const pass = (): void => {
      sess.run([it1.initializer, it2.initializer]);
      sess.run(n1);
      sess.run(n2);
    };
    pass();
    const before = tfc.memory().numTensors;
    for (let i = 0; i < 10; i++) pass();
    expect(tfc.memory().numTensors).toBe(before);
  });
});
