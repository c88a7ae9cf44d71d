/**
 * The calling convention on tf.data: TF 1.15's positional form and the options form build
 * the same graph; what TF refuses is refused with the graph unchanged.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectRefused, expectSameGraphs } from "./helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

const range = (): tf.data.Dataset => tf.data.Dataset.range(10);

describe("Dataset methods take TF 1.15's parameters in TF's order", () => {
  it("shuffle(buffer_size, seed, reshuffle_each_iteration)", () => {
    const pic = expectSameGraphs(
      () => range().shuffle(4, 3, false),
      () => range().shuffle(4, { seed: 3, reshuffleEachIteration: false }),
      () => range().shuffle({ bufferSize: 4, seed: 3, reshuffleEachIteration: false }),
    );
    expect(
      pic.some((l) =>
        l.startsWith(
          "ShuffleDataset = ShuffleDataset(RangeDataset:0,buffer_size:0,seed:0,seed2:0)",
        ),
      ),
    ).toBe(true);
    expect(pic.some((l) => l.includes("reshuffle_each_iteration=false"))).toBe(true);
  });

  it("batch(batch_size, drop_remainder), repeat(count), take, skip, prefetch", () => {
    expectSameGraphs(
      () => range().batch(3, true).repeat(2).take(4).skip(1).prefetch(1),
      () =>
        range()
          .batch({ batchSize: 3, dropRemainder: true })
          .repeat({ count: 2 })
          .take({ count: 4 })
          .skip({ count: 1 })
          .prefetch({ bufferSize: 1 }),
    );
  });

  it("map(map_func, num_parallel_calls), filter(predicate)", () => {
    const f = (x: unknown): tf.Tensor => tf.add(x as tf.Tensor, 1);
    const pic = expectSameGraphs(
      () => range().map(f, 2),
      () => range().map(f, { numParallelCalls: 2 }),
      () => range().map({ mapFunc: f, numParallelCalls: 2 }),
    );
    expect(pic.some((l) => l.startsWith("ParallelMapDataset = ParallelMapDataset("))).toBe(true);
    const p = (x: unknown): tf.Tensor => tf.greater(x as tf.Tensor, 3);
    expectSameGraphs(
      () => range().filter(p),
      () => range().filter({ predicate: p }),
    );
  });

  it("range(start, stop, step), paddedBatch, fromTensorSlices, zip", () => {
    expectSameGraphs(
      () => tf.data.Dataset.range(1, 9, 2).paddedBatch(2, [], 0, true),
      () =>
        tf.data.Dataset.range({ start: 1, stop: 9, step: 2 }).paddedBatch(2, [], {
          paddingValues: 0,
          dropRemainder: true,
        }),
    );
    expectSameGraphs(
      () => tf.data.Dataset.zip([tf.data.Dataset.fromTensorSlices([1, 2]), range()]),
      () =>
        tf.data.Dataset.zip({
          datasets: [tf.data.Dataset.fromTensorSlices({ tensors: [1, 2] }), range()],
        }),
    );
  });

  it("iterators: makeInitializableIterator(shared_name), getNext(name), fromStructure", () => {
    const pic = expectSameGraphs(
      () => range().makeInitializableIterator("it").getNext("next"),
      () => range().makeInitializableIterator({ sharedName: "it" }).getNext({ name: "next" }),
      () => tf.data.makeInitializableIterator(range(), "it").getNext("next"),
    );
    expect(pic.some((l) => l.startsWith("next = IteratorGetNext(IteratorV2:0)"))).toBe(true);
    expectSameGraphs(
      () => tf.data.Iterator.fromStructure(tf.int64, [], "s").makeInitializer(range(), "init"),
      () =>
        tf.data.Iterator.fromStructure({
          outputTypes: tf.int64,
          outputShapes: [],
          sharedName: "s",
        }).makeInitializer({ dataset: range(), name: "init" }),
    );
  });

  it("fromStringHandle(string_handle, output_types, output_shapes), stringHandle(name)", () => {
    const pic = expectSameGraphs(
      () => {
        const h = tf.placeholder(tf.string, []);
        tf.data.Iterator.fromStringHandle(h, [tf.int64], [[]]).getNext();
        return range().makeOneShotIterator().stringHandle("h");
      },
      () => {
        const h = tf.placeholder(tf.string, []);
        tf.data.Iterator.fromStringHandle(h, {
          outputTypes: [tf.int64],
          outputShapes: [[]],
        }).getNext();
        return range().makeOneShotIterator().stringHandle({ name: "h" });
      },
    );
    expect(pic.some((l) => l.startsWith("h = IteratorToStringHandle(OneShotIterator:0)"))).toBe(
      true,
    );
  });

  it("refuses what TF refuses", () => {
    const ds = range();
    expectRefused(
      () => ds.batch(2, { drop_remainder: true } as never),
      /unexpected keyword argument 'drop_remainder'/,
    );
    expectRefused(
      () => (ds.shuffle as () => unknown).call(ds),
      /missing 1 required positional argument: 'bufferSize'/,
    );
    expectRefused(() => ds.repeat("2" as never), /count/);
  });
});

describe("flatMap and TFRecordDataset", () => {
  it("flatMap(map_func), TFRecordDataset(filenames, compression_type, buffer_size, num_parallel_reads)", () => {
    const f = (x: unknown): tf.data.Dataset =>
      tf.data.Dataset.fromTensors(x as tf.Tensor).repeat(2);
    expectSameGraphs(
      () => range().flatMap(f),
      () => range().flatMap({ mapFunc: f }),
    );
    const pic = expectSameGraphs(
      () => new tf.data.TFRecordDataset(["a.tfrecord"], "GZIP", 1024, 2),
      () =>
        new tf.data.TFRecordDataset(["a.tfrecord"], {
          compressionType: "GZIP",
          bufferSize: 1024,
          numParallelReads: 2,
        }),
      () =>
        new tf.data.TFRecordDataset({
          filenames: ["a.tfrecord"],
          compressionType: "GZIP",
          bufferSize: 1024,
          numParallelReads: 2,
        }),
    );
    expect(
      pic.some((l) => l.startsWith("ParallelInterleaveDataset = ParallelInterleaveDataset(")),
    ).toBe(true);
    expectRefused(
      () => new tf.data.TFRecordDataset("a.tfrecord", { compresion: "" } as never),
      /compresion/,
    );
  });
});

describe("TextLineDataset and FixedLengthRecordDataset", () => {
  it("TextLineDataset(filenames, compression_type, buffer_size)", () => {
    const pic = expectSameGraphs(
      () => new tf.data.TextLineDataset(["a.txt"], "GZIP", 1024),
      () => new tf.data.TextLineDataset(["a.txt"], { compressionType: "GZIP", bufferSize: 1024 }),
      () =>
        new tf.data.TextLineDataset({
          filenames: ["a.txt"],
          compressionType: "GZIP",
          bufferSize: 1024,
        }),
    );
    expect(pic).toContain(
      "TextLineDataset = TextLineDataset(filenames:0,compression_type:0,buffer_size:0) [] -> variant()",
    );
    expectRefused(
      () => new tf.data.TextLineDataset("a.txt", { numParallelReads: 2 } as never),
      /data.TextLineDataset\(\) got an unexpected keyword argument 'numParallelReads'/,
    );
  });

  it("FixedLengthRecordDataset(filenames, record_bytes, header_bytes, footer_bytes, buffer_size, compression_type)", () => {
    const pic = expectSameGraphs(
      () => new tf.data.FixedLengthRecordDataset("a.bin", 8, 1, 2, 64, "ZLIB"),
      () =>
        new tf.data.FixedLengthRecordDataset("a.bin", 8, {
          headerBytes: 1,
          footerBytes: 2,
          bufferSize: 64,
          compressionType: "ZLIB",
        }),
      () =>
        new tf.data.FixedLengthRecordDataset({
          filenames: "a.bin",
          recordBytes: 8,
          headerBytes: 1,
          footerBytes: 2,
          bufferSize: 64,
          compressionType: "ZLIB",
        }),
    );
    expect(pic.at(-1)).toBe(
      "FixedLengthRecordDatasetV2 = FixedLengthRecordDatasetV2(filenames:0,header_bytes:0,record_bytes:0,footer_bytes:0,buffer_size:0,compression_type:0) [] -> variant()",
    );
    expectRefused(
      () => new tf.data.FixedLengthRecordDataset({ filenames: "a.bin", record_bytes: 8 } as never),
      /unexpected keyword argument 'record_bytes'.*recordBytes/,
    );
  });
});
