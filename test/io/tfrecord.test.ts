import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, inflateSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { Event } from "../../src/proto/index.js";
import { encodeTFRecord, readTFRecords } from "../../src/io/tfrecord_format.js";

const FIX = join(import.meta.dirname, "../fixtures");
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tfrecord-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const bytesOf = (p: string): Uint8Array => new Uint8Array(readFileSync(p));

describe("TF-written TFRecord files", () => {
  it("a TFRecordWriter file (TF Serving warm-up request): read, and written again byte for byte", () => {
    const file = join(FIX, "tfrecord/tfrecord-serving-warmup-applifier/tf_serving_warmup_requests");
    const records = [...tf.io.tfRecordIterator(file)];
    expect(records.map((r) => r.length)).toEqual([58]);
    const out = join(dir, "warmup");
    const w = new tf.io.TFRecordWriter(out);
    w.write(records[0]);
    w.close();
    expect(bytesOf(out)).toEqual(bytesOf(file));
  });

  it("an event file (TF ~1.10, 361 records): every record's checksums hold, Events decode, framing re-encodes byte for byte", () => {
    const file = join(FIX, "tf-events/events-lingvo-scalars/events.out.tfevents.test");
    const records = [...tf.io.tfRecordIterator(file)];
    expect(records.length).toBe(361);
    const first = Event.fromBinary(records[0]);
    expect(first.fileVersion).toBe("brain.Event:2");
    expect(first.wallTime).toBe(1534577086);
    const e1 = Event.fromBinary(records[1]);
    expect(e1.step).toBe(1500);
    const bleu = e1.summary?.value?.find((v) => v.tag === "bleu/dev");
    expect(bleu?.simpleValue).toBe(Math.fround(0.11201019));
    const last = Event.fromBinary(records[360]);
    expect(last.step).toBe(185200);
    // Event decode → encode and TFRecord framing give back the file exactly.
    const again = records.map((r) =>
      encodeTFRecord(new Uint8Array(Event.toBinary(Event.fromBinary(r)))),
    );
    const joined = new Uint8Array(again.reduce((n, r) => n + r.length, 0));
    let o = 0;
    for (const r of again) {
      joined.set(r, o);
      o += r.length;
    }
    expect(joined).toEqual(bytesOf(file));
  });

  it("train.summaryIterator reads the TF-written event file's Events (7 scalar tags × 360 steps)", () => {
    const events = [
      ...tf.train.summaryIterator(
        join(FIX, "tf-events/events-lingvo-scalars/events.out.tfevents.test"),
      ),
    ];
    expect(events.length).toBe(361);
    const tags = new Map<string, number>();
    for (const e of events.slice(1))
      for (const v of e.summary?.value ?? [])
        tags.set(v.tag ?? "", (tags.get(v.tag ?? "") ?? 0) + 1);
    expect(tags.size).toBe(7);
    expect([...tags.values()].every((n) => n === 360)).toBe(true);
    const bleu = events.flatMap((e) =>
      (e.summary?.value ?? []).filter((v) => v.tag === "bleu/dev").map((v) => v.simpleValue ?? 0),
    );
    expect(Math.max(...bleu)).toBe(Math.fround(0.2882329523563385));
    expect(() => tf.train.summaryIterator({ path: 1 } as never)).toThrow(
      /argument 'path' must be a str/,
    );
    expect(
      [
        ...tf.train.summaryIterator({
          path: join(FIX, "tf-events/events-lingvo-scalars/events.out.tfevents.test"),
        }),
      ].length,
    ).toBe(361);
  });

  it("a Keras TensorBoard event file (TF 1.13.1): graph_def and meta_graph_def events round-trip byte for byte", () => {
    const file = join(
      FIX,
      "tf-events/events-wandb-keras-graph-tf1.13/events.out.tfevents.111.test.localdomain",
    );
    const records = [...tf.io.tfRecordIterator(file)];
    expect(records.length).toBe(31);
    const graphEvent = Event.fromBinary(records[1]);
    const graph = tf.GraphDef.fromBinary(graphEvent.graphDef as Uint8Array);
    expect(graph.node.length).toBe(378);
    expect(graph.versions?.producer).toBe(27);
    expect(tf.GraphDef.toBinary(graph)).toEqual(graphEvent.graphDef);
    const meta = tf.MetaGraphDef.fromBinary(
      Event.fromBinary(records[2]).metaGraphDef as Uint8Array,
    );
    expect(meta.metaInfoDef?.tensorflowVersion).toBe("1.13.1");
    expect(tf.MetaGraphDef.toBinary(meta)).toEqual(Event.fromBinary(records[2]).metaGraphDef);
    for (const r of records) expect(new Uint8Array(Event.toBinary(Event.fromBinary(r)))).toEqual(r);
  });
});

describe("TFRecordWriter / tfRecordIterator", () => {
  const payloads = [
    Uint8Array.of(),
    Uint8Array.of(1, 2, 3),
    new Uint8Array(70000).map((_, i) => i % 251),
  ];

  for (const compression of ["", "ZLIB", "GZIP"] as const) {
    it(`round trip, compression "${compression}"`, () => {
      const file = join(dir, "r.tfrecord");
      using w = new tf.io.TFRecordWriter(file, compression);
      for (const p of payloads) w.write(p);
      w.write("héllo");
      w.flush();
      // After flush the file holds every record written so far.
      const opts = new tf.io.TFRecordOptions(compression);
      expect([...tf.io.tfRecordIterator(file, opts)].map((r) => r.length)).toEqual([
        0, 3, 70000, 6,
      ]);
      w.write(Uint8Array.of(9));
      w.close();
      const back = [...tf.io.tfRecordIterator(file, { options: compression })];
      expect(back.slice(0, 3)).toEqual(payloads);
      expect(new TextDecoder().decode(back[3])).toBe("héllo");
      expect(back[4]).toEqual(Uint8Array.of(9));
      // Compressed files are zlib/gzip streams of the uncompressed framing.
      const raw = bytesOf(file);
      const plain =
        compression === "ZLIB" ? inflateSync(raw) : compression === "GZIP" ? gunzipSync(raw) : raw;
      expect([...readTFRecords(new Uint8Array(plain), "x")].length).toBe(5);
      if (compression === "GZIP") expect([raw[0], raw[1]]).toEqual([0x1f, 0x8b]);
      if (compression === "ZLIB") expect(raw[0]).toBe(0x78);
    });
  }

  it("the framing: length, masked CRC32C of the length, data, masked CRC32C of the data", () => {
    // Known bytes of TF's framing of b"abc" (length 3).
    const rec = encodeTFRecord(new TextEncoder().encode("abc"));
    const view = new DataView(rec.buffer);
    expect(view.getBigUint64(0, true)).toBe(3n);
    expect(rec.length).toBe(19);
    expect(view.getUint32(8, true)).not.toBe(0);
  });

  it("a corrupted record is a DataLossError naming the file and the record's offset", () => {
    const file = join(dir, "bad.tfrecord");
    const w = new tf.io.TFRecordWriter(file);
    w.write(Uint8Array.of(1, 2, 3));
    w.write(Uint8Array.of(4, 5, 6));
    w.close();
    const good = bytesOf(file);
    // Flip a data byte of the second record (it starts at 19).
    const bad = good.slice();
    bad[19 + 12] ^= 1;
    writeFileSync(file, bad);
    const it = tf.io.tfRecordIterator(file);
    expect(it.next().value).toEqual(Uint8Array.of(1, 2, 3));
    expect(() => it.next()).toThrow(
      new tf.errors.DataLossError(`corrupted record at 19 in ${file} (data checksum mismatch)`),
    );
    // A damaged length.
    const badLen = good.slice();
    badLen[19] = 200;
    writeFileSync(file, badLen);
    expect(() => [...tf.io.tfRecordIterator(file)]).toThrow(
      /corrupted record at 19 in .*length checksum mismatch/,
    );
    // Truncated inside the second record, and inside its header.
    writeFileSync(file, good.subarray(0, good.length - 2));
    expect(() => [...tf.io.tfRecordIterator(file)]).toThrow(
      `truncated record at 19 in ${file} (17 bytes left, the record needs 19)`,
    );
    writeFileSync(file, good.subarray(0, 25));
    expect(() => [...tf.io.tfRecordIterator(file)]).toThrow(
      `truncated record at 19 in ${file} (6 bytes left, a record header is 12)`,
    );
  });

  it("a damaged compressed file is a DataLossError naming the file", () => {
    const file = join(dir, "z.tfrecord");
    const w = new tf.io.TFRecordWriter(
      file,
      new tf.io.TFRecordOptions({ compressionType: tf.io.TFRecordCompressionType.GZIP }),
    );
    w.write(new Uint8Array(1000));
    w.close();
    writeFileSync(file, bytesOf(file).subarray(0, 15));
    expect(() => [...tf.io.tfRecordIterator(file, "GZIP")]).toThrow(tf.errors.DataLossError);
    expect(() => [...tf.io.tfRecordIterator(file, "GZIP")]).toThrow(
      `${file}: not a readable GZIP stream`,
    );
  });

  it("TF's errors: missing file, closed writer, bad options", () => {
    expect(() => [...tf.io.tfRecordIterator(join(dir, "nope"))]).toThrow(
      new tf.errors.NotFoundError(`${join(dir, "nope")}; No such file or directory`),
    );
    expect(() => new tf.io.TFRecordWriter(join(dir, "no/such/dir/f"))).toThrow(
      tf.errors.NotFoundError,
    );
    const w = new tf.io.TFRecordWriter(join(dir, "c"));
    w.close();
    w.close(); // closing twice is allowed
    expect(() => w.write(Uint8Array.of(1))).toThrow(
      new tf.errors.FailedPreconditionError("Writer not initialized or previously closed"),
    );
    expect(() => new tf.io.TFRecordWriter(join(dir, "d"), "LZ4" as never)).toThrow(
      /argument 'options' \(position 2\) must be a TFRecordOptions/,
    );
    expect(() => new tf.io.TFRecordOptions({ flushMode: 2 })).toThrow(
      /flushMode 2 is not supported/,
    );
    expect(() => new tf.io.TFRecordOptions({ compressionMethod: 1 })).toThrow(/Z_DEFLATED/);
    expect(() => new tf.io.TFRecordOptions({ outputBufferSize: 0 })).toThrow(
      /outputBufferSize must be positive/,
    );
  });

  it("TFRecordOptions: TF's compression type spellings and zlib defaults", () => {
    expect(tf.io.TFRecordOptions.getCompressionTypeString(null)).toBe("");
    expect(tf.io.TFRecordOptions.getCompressionTypeString("ZLIB")).toBe("ZLIB");
    expect(tf.io.TFRecordOptions.getCompressionTypeString(new tf.io.TFRecordOptions(2))).toBe(
      "GZIP",
    );
    expect(new tf.io.TFRecordOptions().zlibOptions()).toEqual({
      windowBits: 15,
      level: -1,
      memLevel: 9,
      strategy: 0,
    });
    expect(
      new tf.io.TFRecordOptions("ZLIB", null, null, null, 12, 9, 8, 5, 1).zlibOptions(),
    ).toEqual({
      windowBits: 12,
      level: 9,
      memLevel: 5,
      strategy: 1,
    });
  });

  it("records split across read chunks (a 5-byte input buffer) read the same", () => {
    const file = join(FIX, "tf-events/events-lingvo-scalars/events.out.tfevents.test");
    const whole = [...tf.io.tfRecordIterator(file)];
    const chunked = [
      ...tf.io.tfRecordIterator(file, new tf.io.TFRecordOptions({ inputBufferSize: 5 })),
    ];
    expect(chunked).toEqual(whole);
  });

  it("small output buffers write through as records come", () => {
    const file = join(dir, "buf");
    const w = new tf.io.TFRecordWriter(file, new tf.io.TFRecordOptions({ outputBufferSize: 10 }));
    w.write(Uint8Array.of(1, 2));
    expect(bytesOf(file).length).toBe(18);
    w.close();
  });
});
