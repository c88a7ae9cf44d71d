/**
 * `tf.data.TFRecordDataset` and `Dataset.flatMap`: TF 1.15's graph (`flat_filenames`, a
 * `TensorSliceDataset`, a `FlatMapDataset` whose `read_one_file` function makes the
 * `TFRecordDataset` op), the records as string elements, checksums checked at run time,
 * and the transformations and iterators on top.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { functionLibrary } from "../../src/graph/func_graph.js";

const FIX = join(import.meta.dirname, "../fixtures/tfrecord/tfrecord-serving-warmup-applifier");
let dir = "";

beforeEach(() => {
  tf.resetDefaultGraph();
  dir = mkdtempSync(join(tmpdir(), "tfrecord-dataset-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeRecords(name: string, records: string[], compressionType: "" | "GZIP" = ""): string {
  const path = join(dir, name);
  const w = new tf.io.TFRecordWriter(path, compressionType);
  for (const r of records) w.write(r);
  w.close();
  return path;
}

/** The elements an iterator's `next` gives until OutOfRangeError, as text. */
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

describe("tf.data.TFRecordDataset", () => {
  it("builds TF 1.15's graph: flat_filenames, TensorSliceDataset, FlatMapDataset(read_one_file)", () => {
    const path = writeRecords("a.tfrecord", ["x"]);
    const ds = new tf.data.TFRecordDataset([path]);
    expect(ds).toBeInstanceOf(tf.data.Dataset);
    expect(ds.outputTypes).toBe("string");
    expect(ds.outputShapes.toString()).toBe("()");
    const op = ds.variantTensor.op;
    expect(op.type).toBe("FlatMapDataset");
    expect(op.inputs[0]?.op.type).toBe("TensorSliceDataset");
    expect(op.inputs[0]?.op.inputs[0]?.name).toBe("flat_filenames:0");
    const fn = functionLibrary(op.graph).get(op.attrs.f as string);
    expect(op.attrs.f).toMatch(/^__inference_Dataset_flat_map_read_one_file_/);
    const body = fn?.getOperations().map((o) => `${o.name}=${o.type}`) ?? [];
    expect(body).toContain("compression_type=Const");
    expect(body).toContain("buffer_size=Const");
    expect(body).toContain("TFRecordDataset=TFRecordDataset");
    const reader = fn?.getOperationByName("TFRecordDataset");
    expect(reader?.inputs.map((t) => t.dtype)).toEqual(["string", "string", "int64"]);
  });

  it("exports as a GraphDef: the TFRecordDataset node carries only its OpDef's attrs", () => {
    new tf.data.TFRecordDataset(["a.tfrecord"]);
    const fn = tf.getDefaultGraph().asGraphDef().library?.function?.[0];
    const node = (fn?.nodeDef ?? []).find((n) => n.op === "TFRecordDataset");
    expect(node).toBeDefined();
    expect(Object.keys(node?.attr ?? {})).toEqual([]);
  });

  it("reads the records of several files in order, as bytes, through map/batch/repeat", () => {
    const a = writeRecords("a.tfrecord", ["a0", "a1", "a2"]);
    const b = writeRecords("b.tfrecord", ["b0", "b1"]);
    const ds = new tf.data.TFRecordDataset([a, b]);
    using sess = new tf.Session();
    expect(drain(sess, ds.makeOneShotIterator().getNext() as tf.Tensor)).toEqual([
      "b'a0'",
      "b'a1'",
      "b'a2'",
      "b'b0'",
      "b'b1'",
    ]);
    const lengths = new tf.data.TFRecordDataset({ filenames: [a, b] })
      .map((r: tf.Tensor) => tf.reshape(r, [1]))
      .repeat(2)
      .batch(4);
    const it = lengths.makeInitializableIterator();
    sess.run(it.initializer);
    const batches = drain(sess, it.getNext() as tf.Tensor);
    expect(batches).toHaveLength(3);
    expect(batches[0]).toBe("[[b'a0']\n [b'a1']\n [b'a2']\n [b'b0']]");
    expect(batches[2]).toBe("[[b'a2']\n [b'b0']]".replace("a2", "b0").replace("b0']]", "b1']]"));
  });

  it("shuffles with a seed and interleaves files with numParallelReads", () => {
    const a = writeRecords("a.tfrecord", ["a0", "a1", "a2"]);
    const b = writeRecords("b.tfrecord", ["b0", "b1"]);
    using sess = new tf.Session();
    const inter = new tf.data.TFRecordDataset([a, b], "", null, 2);
    expect(inter.variantTensor.op.type).toBe("ParallelInterleaveDataset");
    expect(drain(sess, inter.makeOneShotIterator().getNext() as tf.Tensor)).toEqual([
      "b'a0'",
      "b'b0'",
      "b'a1'",
      "b'b1'",
      "b'a2'",
    ]);
    const shuffled = new tf.data.TFRecordDataset([a, b]).shuffle(10, 7);
    const got = drain(sess, shuffled.makeOneShotIterator().getNext() as tf.Tensor);
    expect([...got].sort()).toEqual(["b'a0'", "b'a1'", "b'a2'", "b'b0'", "b'b1'"]);
  });

  it("reads GZIP files, and a placeholder of file names fed at the initializer", () => {
    const z = writeRecords("z.tfrecord.gz", ["zipped", "records"], "GZIP");
    const plain = writeRecords("p.tfrecord", ["plain"]);
    const names = tf.placeholder("string", [null]);
    const it = new tf.data.TFRecordDataset(names, {
      compressionType: "GZIP",
    }).makeInitializableIterator();
    const next = it.getNext() as tf.Tensor;
    using sess = new tf.Session();
    sess.run(it.initializer, new Map([[names, [z]]]));
    expect(drain(sess, next)).toEqual(["b'zipped'", "b'records'"]);
    sess.run(it.initializer, new Map([[names, [plain]]]));
    expect(() => sess.run(next)).toThrow(tf.errors.DataLossError);
  });

  it("reads the TF-written fixture, record for record as tf.io.tfRecordIterator", () => {
    const file = join(FIX, "tf_serving_warmup_requests");
    const ds = new tf.data.TFRecordDataset(file);
    using sess = new tf.Session();
    const value = sess.run(ds.makeOneShotIterator().getNext() as tf.Tensor);
    const [expected] = [...tf.io.tfRecordIterator(file)];
    expect(value.dtype).toBe("string");
    expect(value.shape).toEqual([]);
    expect(expected?.length).toBe(58);
    // A fetched string array holds text decoded as UTF-8 (TF's Python gives the bytes).
    expect(value.item()).toBe(new TextDecoder().decode(expected));
    expect(value.item()).toContain("some_model");
  });

  it("a corrupted record is TF's DataLossError at IteratorGetNext; a missing file NotFoundError", () => {
    const path = writeRecords("bad.tfrecord", ["good", "will be damaged"]);
    const bytes = readFileSync(path);
    bytes[bytes.length - 6] ^= 0xff;
    writeFileSync(path, bytes);
    const next = new tf.data.TFRecordDataset(path).makeOneShotIterator().getNext({
      name: "next",
    }) as tf.Tensor;
    using sess = new tf.Session();
    expect(String(sess.run(next))).toBe("b'good'");
    let thrown: unknown;
    try {
      sess.run(next);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(tf.errors.DataLossError);
    expect((thrown as tf.errors.OpError).opName).toBe("next");
    expect((thrown as Error).message).toMatch(/corrupted record at 20 in .*bad\.tfrecord/);
    expect((thrown as Error).message).toContain("[[{{node next}}]]");

    const missing = new tf.data.TFRecordDataset(join(dir, "nope.tfrecord"))
      .makeOneShotIterator()
      .getNext() as tf.Tensor;
    expect(() => sess.run(missing)).toThrow(tf.errors.NotFoundError);
  });

  it("refuses file names that are not strings, and a compression type TF does not know", () => {
    const g = tf.getDefaultGraph();
    const before = g.getOperations().length;
    expect(() => new tf.data.TFRecordDataset([1, 2] as never)).toThrow(
      "`filenames` must be a `tf.Tensor` of `tf.string` elements.",
    );
    expect(g.getOperations().length).toBe(before);
    const path = writeRecords("a.tfrecord", ["x"]);
    const next = new tf.data.TFRecordDataset(path, "BZIP2")
      .makeOneShotIterator()
      .getNext() as tf.Tensor;
    using sess = new tf.Session();
    expect(() => sess.run(next)).toThrow(/Unsupported compression_type: BZIP2/);
  });
});

describe("Dataset.flatMap", () => {
  it("reads the dataset each element maps to, one after the other", () => {
    const ds = tf.data.Dataset.range(1, 4).flatMap((x: tf.Tensor) =>
      tf.data.Dataset.fromTensors(x).repeat(x),
    );
    expect(ds.variantTensor.op.type).toBe("FlatMapDataset");
    using sess = new tf.Session();
    expect(drain(sess, ds.makeOneShotIterator().getNext() as tf.Tensor)).toEqual([
      "1",
      "2",
      "2",
      "3",
      "3",
      "3",
    ]);
  });

  it("refuses a function that does not return a Dataset, leaving the graph unchanged", () => {
    const range = tf.data.Dataset.range(3);
    const g = tf.getDefaultGraph();
    const before = g.getOperations().length;
    expect(() => range.flatMap((x: tf.Tensor) => x as never)).toThrow(
      /`map_func` must return a `Dataset` object/,
    );
    expect(g.getOperations().length).toBe(before);
  });
});
