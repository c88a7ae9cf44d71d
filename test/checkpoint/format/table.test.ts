import { describe, expect, it } from "vitest";
import { crc32c, maskCrc32c } from "../../../src/checkpoint/format/crc32c.js";
import { CheckpointFormatError } from "../../../src/checkpoint/format/errors.js";
import { snappyCompress, snappyUncompress } from "../../../src/checkpoint/format/snappy.js";
import {
  buildTable,
  readTable,
  shortSuccessor,
  shortestSeparator,
  type TableEntry,
} from "../../../src/checkpoint/format/table.js";
import { fixtureBytes, hex, utf8 } from "./helpers.js";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

function sampleEntries(n: number, valueSize = 20): TableEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    key: utf8(`layer_${String(i).padStart(5, "0")}/kernel`),
    value: Uint8Array.from({ length: valueSize }, (_, j) => (i + j) & 0xff),
  }));
}

/** The stored (possibly compressed) contents of a block, decompressed. */
function rawBlock(file: Uint8Array, offset: number, size: number): Uint8Array {
  const stored = file.subarray(offset, offset + size);
  return file[offset + size] === 1 ? snappyUncompress(stored, 1 << 30) : stored;
}

describe("separator keys (TF table_builder.cc FindShortestSeparator / FindShortSuccessor)", () => {
  it("shortens like LevelDB's bytewise comparator", () => {
    expect(text(shortestSeparator(utf8("the quick brown fox"), utf8("the who")))).toBe("the r");
    expect(text(shortestSeparator(utf8("abc"), utf8("abd")))).toBe("abc"); // bumping c would reach d
    expect(text(shortestSeparator(utf8("ab"), utf8("abc")))).toBe("ab"); // prefix: unchanged
    expect(hex(shortestSeparator(Uint8Array.of(0xff, 1), Uint8Array.of(0xff, 9)))).toBe("ff 02");
    expect(text(shortSuccessor(utf8("nn/output/weights")))).toBe("o");
    expect(hex(shortSuccessor(Uint8Array.of(0xff, 0xff, 0x10, 0x20)))).toBe("ff ff 11");
    expect(hex(shortSuccessor(Uint8Array.of(0xff, 0xff)))).toBe("ff ff");
  });
});

describe("table writer/reader", () => {
  it("round-trips entries spread over many blocks, with restarts every 16 keys", () => {
    const entries = sampleEntries(500);
    const bytes = buildTable(entries, { blockSize: 1024 });
    const t = readTable(bytes);
    expect(t.entries.map((e) => text(e.key))).toEqual(entries.map((e) => text(e.key)));
    expect(t.entries.map((e) => hex(e.value))).toEqual(entries.map((e) => hex(e.value)));
    expect(t.dataBlocks.length).toBeGreaterThan(10);
    for (const b of t.dataBlocks) expect(b.restarts.length).toBe(Math.ceil(b.entryCount / 16));
    // Index blocks restart at every entry (TF sets index_block_options.block_restart_interval = 1).
    expect(t.indexBlock.restarts.length).toBe(t.dataBlocks.length);
    // Each index key k satisfies lastKey(block) <= k < firstKey(next block).
    let first = 0;
    t.dataBlocks.forEach((b, i) => {
      const sep = text(t.indexEntries[i].key);
      const last = text(entries[first + b.entryCount - 1].key);
      expect(sep >= last).toBe(true);
      if (i + 1 < t.dataBlocks.length)
        expect(sep < text(entries[first + b.entryCount].key)).toBe(true);
      first += b.entryCount;
    });
    expect(t.metaindexBlock.rawSize).toBe(8); // empty block: one restart at 0, count 1
  });

  it("flushes a block once the size estimate reaches blockSize, as TF does", () => {
    const entries = sampleEntries(40, 100);
    const t = readTable(buildTable(entries, { blockSize: 1000 }));
    for (const b of t.dataBlocks.slice(0, -1)) expect(b.rawSize).toBeGreaterThanOrEqual(1000);
    for (const b of t.dataBlocks) expect(b.rawSize).toBeLessThan(1000 + 140);
  });

  it("gives an overly large entry a block of its own (kOverlyLargeBlockRatio = 2)", () => {
    const small = { key: utf8("a"), value: new Uint8Array(10) };
    const big = { key: utf8("b"), value: new Uint8Array(2048) };
    const t = readTable(buildTable([small, big], { blockSize: 1024 }));
    expect(t.dataBlocks.map((b) => b.rawSize)).toEqual([
      small.value.length + 4 + 8,
      big.value.length + 5 + 8,
    ]);
  });

  it("writes block trailers as type byte + masked crc32c(contents ++ type)", () => {
    const bytes = buildTable(sampleEntries(3));
    const t = readTable(bytes);
    for (const b of [...t.dataBlocks, t.metaindexBlock, t.indexBlock]) {
      expect(bytes[b.offset + b.size]).toBe(0);
      const covered = bytes.subarray(b.offset, b.offset + b.size + 1);
      const stored = new DataView(bytes.buffer).getUint32(b.offset + b.size + 1, true);
      expect(stored).toBe(maskCrc32c(crc32c(covered)));
    }
    expect(hex(bytes.subarray(bytes.length - 8))).toBe("57 fb 80 8b 24 75 47 db");
  });

  it("refuses keys out of order", () => {
    expect(() =>
      buildTable([
        { key: utf8("b"), value: new Uint8Array() },
        { key: utf8("a"), value: new Uint8Array() },
      ]),
    ).toThrow(CheckpointFormatError);
  });

  it("refuses a file without the magic number and names the file", () => {
    expect(() => readTable(new Uint8Array(100), "x.index")).toThrow(/x\.index.*bad magic/);
    expect(() => readTable(new Uint8Array(10), "x.index")).toThrow(/x\.index.*too short/);
  });
});

describe("byte layout against real TF index files", () => {
  it("rebuilds swift-models transformer.index (148 entries, one 5129-byte block, 10 restarts) byte for byte", () => {
    const original = fixtureBytes("swift-models-index-only", "transformer.index");
    const t = readTable(original);
    expect(t.entries.length).toBe(149);
    expect(t.dataBlocks).toEqual([
      {
        offset: 0,
        size: 5129,
        type: 0,
        rawSize: 5129,
        restarts: t.dataBlocks[0].restarts,
        entryCount: 149,
      },
    ]);
    expect(t.dataBlocks[0].restarts.length).toBe(10);
    // One block for 5 KiB of entries proves TF's block_size is not LevelDB's 4096.
    expect(hex(buildTable(t.entries))).toBe(hex(original));
  });

  it("rebuilds minigo.index's Snappy block byte for byte with TF's table compression", () => {
    // Written by a TF merge (MergeV2Checkpoints): the default table options, Snappy.
    const original = fixtureBytes("swift-models-index-only", "minigo.index");
    const t = readTable(original);
    expect(t.dataBlocks.map((b) => [b.type, b.size, b.rawSize, b.restarts.length])).toEqual([
      [1, 4822, 12620, 21],
    ]);
    expect(hex(buildTable(t.entries, { compression: "snappy" }))).toBe(hex(original));
    // Uncompressed (as SaveV2's BundleWriter writes), the block holds the same bytes raw.
    const ours = buildTable(t.entries);
    const mine = readTable(ours);
    expect(mine.dataBlocks[0].type).toBe(0);
    const theirsRaw = rawBlock(original, t.dataBlocks[0].offset, t.dataBlocks[0].size);
    const oursRaw = rawBlock(ours, mine.dataBlocks[0].offset, mine.dataBlocks[0].size);
    expect(hex(oursRaw)).toBe(hex(theirsRaw));
  });

  it("rebuilds the Snappy-compressed indexes TF 1.14 and TF 2.14 merged, byte for byte", () => {
    for (const folder of [
      "serving-half-plus-two-tf1.14",
      "serving-half-plus-two-tf2.14-object-based",
    ]) {
      const original = fixtureBytes(folder, "variables/variables.index");
      const t = readTable(original);
      expect(t.dataBlocks[0]?.type).toBe(1);
      expect(hex(buildTable(t.entries, { compression: "snappy" }))).toBe(hex(original));
    }
  });

  it("keeps a block raw when Snappy saves less than an eighth (TF's rule)", () => {
    // The TF 1.5 counter's 38-byte block: Snappy would not shrink it.
    const original = fixtureBytes("serving-counter-tf1.5", "variables/variables.index");
    const t = readTable(original);
    const rebuilt = buildTable(t.entries, { compression: "snappy" });
    expect(readTable(rebuilt).dataBlocks[0]?.type).toBe(0);
    expect(hex(rebuilt)).toBe(hex(original));
  });
});

describe("snappyCompress (Google snappy 1.1.7's output)", () => {
  it("gives the bytes of TF-written Snappy blocks", () => {
    for (const [folder, file] of [
      ["serving-half-plus-two-tf1.14", "variables/variables.index"],
      ["serving-half-plus-two-tf2.14-object-based", "variables/variables.index"],
      ["swift-models-index-only", "minigo.index"],
    ] as const) {
      const original = fixtureBytes(folder, file);
      const block = readTable(original).dataBlocks[0];
      const stored = original.subarray(block.offset, block.offset + block.size);
      expect(hex(snappyCompress(snappyUncompress(stored, 1 << 30)))).toBe(hex(stored));
    }
  });

  it("round-trips long runs, incompressible bytes and inputs across 64 KiB fragments", () => {
    const inputs = [
      new Uint8Array(0),
      utf8("short"),
      new Uint8Array(100000).fill(7),
      Uint8Array.from({ length: 70000 }, (_, i) => (i * 2654435761) >>> 24),
      Uint8Array.from({ length: 200000 }, (_, i) => (i % 1000 < 500 ? i & 0xff : (i * 7) & 0x3f)),
    ];
    for (const raw of inputs) {
      const c = snappyCompress(raw);
      expect(hex(snappyUncompress(c, 1 << 30))).toBe(hex(raw));
    }
    // A run compresses to copies of at most 64 bytes: 100000 sevens in well under 5 KB.
    expect(snappyCompress(new Uint8Array(100000).fill(7)).length).toBeLessThan(5000);
  });
});
