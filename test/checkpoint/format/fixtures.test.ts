/**
 * Real TensorFlow-written checkpoints from test/fixtures/tf-checkpoints (see each SOURCE.md).
 * Every key, shape, offset, size, CRC and value asserted here is the one stated in those files.
 */
import { describe, expect, it } from "vitest";
import {
  readBundle,
  writeBundle,
  type BundleReader,
  type BundleTensorInput,
} from "../../../src/checkpoint/format/bundle.js";
import { CheckpointFormatError } from "../../../src/checkpoint/format/errors.js";
import { readTable } from "../../../src/checkpoint/format/table.js";
import { fixtureBytes, fixturePath, fromHex, hex } from "./helpers.js";

interface Expected {
  name: string;
  shape: number[];
  offset: number;
  size: number;
  crc: number;
  first: number[];
}

function open(
  folder: string,
  prefix: string,
): { reader: BundleReader; index: Uint8Array; data: Uint8Array } {
  const index = fixtureBytes(folder, `${prefix}.index`);
  const data = fixtureBytes(folder, `${prefix}.data-00000-of-00001`);
  return { reader: readBundle(index, data, { prefix: fixturePath(folder, prefix) }), index, data };
}

function expectEntries(reader: BundleReader, expected: Expected[]): void {
  const listed = reader.listEntries();
  expect(listed.map((e) => e.name)).toEqual(expected.map((e) => e.name));
  for (const [i, want] of expected.entries()) {
    const got = listed[i];
    expect({
      shape: got.shape,
      offset: got.offset,
      size: got.size,
      crc: got.crc32c,
      dtype: got.dtype,
      tf: got.tfDtype,
    }).toEqual({
      shape: want.shape,
      offset: want.offset,
      size: want.size,
      crc: want.crc,
      dtype: "float32",
      tf: "DT_FLOAT",
    });
    const t = reader.getTensor(want.name);
    expect(t.values.length).toBe(want.shape.reduce((a, b) => a * b, 1));
    want.first.forEach((v, j) => expect(t.values[j] as number).toBeCloseTo(v, 7));
  }
}

/** Reads every tensor so each data CRC is verified. */
function readAll(reader: BundleReader): void {
  for (const e of reader.listEntries()) reader.getTensor(e.name);
}

/** Re-encodes every float32/string tensor of a reader with writeBundle. */
function rewrite(reader: BundleReader): { index: Uint8Array; data: Uint8Array } {
  const inputs: BundleTensorInput[] = reader.listEntries().map((e) =>
    e.dtype === "string"
      ? { name: e.name, dtype: "string", shape: e.shape, values: reader.getStringBytes(e.name) }
      : {
          name: e.name,
          dtype: "float32",
          shape: e.shape,
          values: reader.getTensor(e.name).values as Float32Array,
        },
  );
  return writeBundle(inputs);
}

describe("tf-intro-iris-tf1.0-saver (TF 1.0 Saver, uncompressed)", () => {
  const folder = "tf-intro-iris-tf1.0-saver";
  const { reader, index, data } = open(folder, "model.ckpt");

  it("has the stated entries, offsets, CRCs and values", () => {
    expectEntries(reader, [
      {
        name: "nn/hidden1/biases",
        shape: [50],
        offset: 0,
        size: 200,
        crc: 0x7d993c21,
        first: [-0.006607019, 0.0, 0.0, -0.00610634],
      },
      {
        name: "nn/hidden1/weights",
        shape: [4, 50],
        offset: 200,
        size: 800,
        crc: 0xe4468110,
        first: [0.66874576, -0.92246032],
      },
      {
        name: "nn/output/biases",
        shape: [3],
        offset: 1000,
        size: 12,
        crc: 0x65d5a125,
        first: [0.0233848, 0.00334916, -0.02673397],
      },
      {
        name: "nn/output/weights",
        shape: [50, 3],
        offset: 1012,
        size: 600,
        crc: 0xd0f66fdc,
        first: [-0.14225875, 0.10478961],
      },
    ]);
    expect(data.length).toBe(1612);
  });

  it("has the stated table layout: one raw 153-byte block, index key 'o', footer handles (158,8) (171,15)", () => {
    const t = readTable(index);
    expect(index.length).toBe(239);
    expect(t.dataBlocks).toEqual([
      { offset: 0, size: 153, type: 0, rawSize: 153, restarts: [0], entryCount: 5 },
    ]);
    expect([
      t.metaindexBlock.offset,
      t.metaindexBlock.size,
      t.indexBlock.offset,
      t.indexBlock.size,
    ]).toEqual([158, 8, 171, 15]);
    expect(new TextDecoder().decode(t.indexEntries[0].key)).toBe("o");
    expect(hex(t.entries[0].value)).toBe("08 01 1a 02 08 01");
  });

  it("is reproduced byte for byte by writeBundle (index and data)", () => {
    const out = rewrite(reader);
    expect(hex(out.index)).toBe(hex(index));
    expect(hex(out.data)).toBe(hex(data));
  });
});

describe("serving-half-plus-two-tf1.14 (Snappy-compressed index block)", () => {
  const { reader, index, data } = open("serving-half-plus-two-tf1.14", "variables/variables");

  it("decompresses the type-1 block and reads the stated entries", () => {
    const t = readTable(index);
    expect(index.length).toBe(172);
    expect(t.dataBlocks.map((b) => [b.type, b.size, b.rawSize])).toEqual([[1, 87, 100]]);
    expect([
      t.metaindexBlock.offset,
      t.metaindexBlock.size,
      t.indexBlock.offset,
      t.indexBlock.size,
    ]).toEqual([92, 8, 105, 14]);
    expect(new TextDecoder().decode(t.indexEntries[0].key)).toBe("d");
    expect(hex(t.entries[0].value)).toBe("08 01 1a 02 08 01");
    expectEntries(reader, [
      { name: "a", shape: [], offset: 0, size: 4, crc: 0x1f273806, first: [0.5] },
      { name: "a2", shape: [], offset: 4, size: 4, crc: 0x1f273806, first: [0.5] },
      { name: "b", shape: [], offset: 8, size: 4, crc: 0x4f78fd10, first: [2.0] },
      { name: "c", shape: [], offset: 12, size: 4, crc: 0xc382d6ef, first: [3.0] },
      { name: "c2", shape: [], offset: 16, size: 4, crc: 0xc382d6ef, first: [3.0] },
    ]);
  });

  it("stores a scalar shape as an empty present sub-message (12 00)", () => {
    expect(hex(readTable(index).entries[1].value).startsWith("08 01 12 00")).toBe(true);
  });

  it("is reproduced by writeBundle except for compression", () => {
    // TF 1.14's merge wrote this index with Snappy; BundleWriter (and scopeflow) write raw blocks. The
    // decoded entries and the data file are identical; the index bytes differ only by compression.
    const out = rewrite(reader);
    expect(hex(out.data)).toBe(hex(data));
    const ours = readTable(out.index);
    const theirs = readTable(index);
    expect(ours.entries.map((e) => hex(e.key) + "=" + hex(e.value))).toEqual(
      theirs.entries.map((e) => hex(e.key) + "=" + hex(e.value)),
    );
    expect(ours.dataBlocks[0].rawSize).toBe(theirs.dataBlocks[0].rawSize);
  });
});

describe("serving-half-plus-two-mkl-tf1.12 (keras layer names, 4-D shapes)", () => {
  const { reader, index, data } = open("serving-half-plus-two-mkl-tf1.12", "variables/variables");

  it("reads the nine stated entries", () => {
    const mask = (name: string) => reader.listEntries().find((e) => e.name === name)?.crc32c ?? 0;
    expectEntries(reader, [
      { name: "a", shape: [], offset: 0, size: 4, crc: mask("a"), first: [0.5] },
      { name: "b", shape: [], offset: 4, size: 4, crc: mask("b"), first: [2.0] },
      { name: "c", shape: [], offset: 8, size: 4, crc: mask("c"), first: [3.0] },
      {
        name: "conv2d/bias",
        shape: [1],
        offset: 12,
        size: 4,
        crc: mask("conv2d/bias"),
        first: [0.0],
      },
      {
        name: "conv2d/kernel",
        shape: [1, 1, 1, 1],
        offset: 16,
        size: 4,
        crc: mask("conv2d/kernel"),
        first: [-0.52239597],
      },
      {
        name: "conv2d_1/bias",
        shape: [1],
        offset: 20,
        size: 4,
        crc: mask("conv2d_1/bias"),
        first: [0.0],
      },
      {
        name: "conv2d_1/kernel",
        shape: [1, 1, 1, 1],
        offset: 24,
        size: 4,
        crc: mask("conv2d_1/kernel"),
        first: [-1.04511201],
      },
      {
        name: "conv2d_2/bias",
        shape: [1],
        offset: 28,
        size: 4,
        crc: mask("conv2d_2/bias"),
        first: [0.0],
      },
      {
        name: "conv2d_2/kernel",
        shape: [1, 1, 1, 1],
        offset: 32,
        size: 4,
        crc: mask("conv2d_2/kernel"),
        first: [1.57794321],
      },
    ]);
    // Same values as other fixtures share the same CRCs (0.5, 2.0, 3.0 and 0.0).
    expect([mask("a"), mask("b"), mask("c"), mask("conv2d/bias")]).toEqual([
      0x1f273806, 0x4f78fd10, 0xc382d6ef, 0x3a117ba6,
    ]);
    expect(data.length).toBe(36);
    expect(readTable(index).dataBlocks.map((b) => [b.type, b.size])).toEqual([[0, 263]]);
  });

  it("is reproduced byte for byte by writeBundle", () => {
    const out = rewrite(reader);
    expect(hex(out.index)).toBe(hex(index));
    expect(hex(out.data)).toBe(hex(data));
  });
});

describe("serving-counter-tf1.5 (smallest bundle)", () => {
  const { reader, index, data } = open("serving-counter-tf1.5", "variables/variables");

  it("matches the stated 123 index bytes piece by piece", () => {
    expect(index.length).toBe(123);
    // Data block: header entry, then the 'counter' entry.
    expect(hex(index.subarray(0, 9))).toBe("00 00 06 08 01 1a 02 08 01");
    expect(hex(index.subarray(9, 32))).toBe(
      hex(fromHex("00 07 0b 63 6f 75 6e 74 65 72 08 01 12 00 28 04 35 a6 7b 11 3a")) + " 00 00",
    );
    // Footer: metaindex (43, 8), index (56, 14), zero padding, magic.
    expect(hex(index.subarray(75, 79))).toBe("2b 08 38 0e");
    expect(Array.from(index.subarray(79, 115)).every((b) => b === 0)).toBe(true);
    expect(hex(index.subarray(115))).toBe("57 fb 80 8b 24 75 47 db");
    expectEntries(reader, [
      { name: "counter", shape: [], offset: 0, size: 4, crc: 0x3a117ba6, first: [0.0] },
    ]);
    expect(hex(data)).toBe("00 00 00 00");
  });

  it("is reproduced byte for byte by writeBundle", () => {
    const out = writeBundle([{ name: "counter", dtype: "float32", shape: [], values: [0] }]);
    expect(hex(out.index)).toBe(hex(index));
    expect(hex(out.data)).toBe(hex(data));
  });
});

describe("serving-half-plus-two-tf0.12-saver (TF 0.12 Saver, unnamed variables)", () => {
  const { reader, index, data } = open("serving-half-plus-two-tf0.12-saver", "export");

  it("reads Variable and Variable_1", () => {
    expectEntries(reader, [
      { name: "Variable", shape: [], offset: 0, size: 4, crc: 0x1f273806, first: [0.5] },
      { name: "Variable_1", shape: [], offset: 4, size: 4, crc: 0x4f78fd10, first: [2.0] },
    ]);
  });

  it("is reproduced byte for byte (Variable_1 prefix-compressed with shared=8)", () => {
    const out = rewrite(reader);
    expect(hex(out.index)).toBe(hex(index));
    expect(hex(out.data)).toBe(hex(data));
    // Entry header of Variable_1 in the block: shared 8, unshared 2 ("_1"), 13-byte value.
    const pos = hex(index).indexOf("08 02 0d 5f 31");
    expect(pos).toBeGreaterThan(0);
  });
});

describe("serving-half-plus-two-tf2.14-object-based (DT_STRING object graph, Snappy)", () => {
  const { reader, index, data } = open(
    "serving-half-plus-two-tf2.14-object-based",
    "variables/variables",
  );

  it("reads the object graph string entry and verifies its layout and CRC", () => {
    const listed = reader.listEntries();
    expect(listed.map((e) => e.name)).toEqual([
      "_CHECKPOINTABLE_OBJECT_GRAPH",
      "a/.ATTRIBUTES/VARIABLE_VALUE",
      "b/.ATTRIBUTES/VARIABLE_VALUE",
      "c/.ATTRIBUTES/VARIABLE_VALUE",
    ]);
    const g = listed[0];
    expect([g.dtype, g.tfDtype, g.shape, g.offset, g.size, g.crc32c]).toEqual([
      "string",
      "DT_STRING",
      [],
      12,
      619,
      0x47b7d190,
    ]);
    const [graph] = reader.getStringBytes("_CHECKPOINTABLE_OBJECT_GRAPH");
    expect(graph.length).toBe(613);
    expect(hex(data.subarray(12, 14))).toBe("e5 04"); // varint64 613
    expect(hex(graph)).toBe(hex(data.subarray(18, 631)));
    const t = readTable(index);
    expect(t.dataBlocks.map((b) => [b.type, b.size, b.rawSize])).toEqual([[1, 153, 192]]);
  });

  it("reads the three variables", () => {
    const values = ["a", "b", "c"].map(
      (k) => reader.getTensor(`${k}/.ATTRIBUTES/VARIABLE_VALUE`).values[0],
    );
    expect(values).toEqual([0.5, 2.0, 3.0]);
    expect(
      reader
        .listEntries()
        .slice(1)
        .map((e) => [e.offset, e.crc32c]),
    ).toEqual([
      [0, 0x1f273806],
      [4, 0x4f78fd10],
      [8, 0xc382d6ef],
    ]);
  });

  it("writes the same string-tensor bytes and CRC", () => {
    // TF 2.x appended the object graph last in the data file although its key sorts first; scopeflow
    // lays data out in key order like TF 1.x Savers, so offsets differ but each tensor's bytes match.
    const out = rewrite(reader);
    expect(hex(out.data.subarray(0, 619))).toBe(hex(data.subarray(12, 631)));
    const rewritten = readBundle(out.index, out.data);
    expect(rewritten.listEntries()[0].crc32c).toBe(0x47b7d190);
    expect(rewritten.listEntries()[1].offset).toBe(619);
  });
});

describe("swift-models-index-only (real TF1 index files, no data)", () => {
  it("minigo.index: 333 entries from a Snappy block with 21 restarts, int64 global_step", () => {
    const index = fixtureBytes("swift-models-index-only", "minigo.index");
    expect(index.length).toBe(4908);
    const t = readTable(index);
    expect(t.dataBlocks.map((b) => [b.type, b.size, b.rawSize, b.restarts.length])).toEqual([
      [1, 4822, 12620, 21],
    ]);
    const listed = readBundle(index, new Uint8Array(0)).listEntries();
    expect(listed.length).toBe(333);
    expect(listed[0].name).toBe("batch_normalization/beta");
    expect(listed[1].name).toBe("batch_normalization/beta/Momentum");
    const last = listed[listed.length - 1];
    expect([last.name, last.dtype, last.tfDtype, last.shape, last.size, last.offset]).toEqual([
      "global_step",
      "int64",
      "DT_INT64",
      [],
      8,
      182702864,
    ]);
    expect(listed.slice(0, -1).every((e) => e.tfDtype === "DT_FLOAT")).toBe(true);
    expect(listed.filter((e) => e.name.endsWith("/Momentum")).length).toBeGreaterThan(100);
  });

  it("transformer.index: 148 float entries in one raw block with 10 restarts", () => {
    const index = fixtureBytes("swift-models-index-only", "transformer.index");
    expect(index.length).toBe(5215);
    const t = readTable(index);
    expect(t.dataBlocks.map((b) => [b.type, b.size, b.restarts.length])).toEqual([[0, 5129, 10]]);
    const listed = readBundle(index, new Uint8Array(0)).listEntries();
    expect(listed.length).toBe(148);
    expect(listed[0].name).toBe("model/h0/attn/c_attn/b");
    const wte = listed[listed.length - 1];
    expect([wte.name, wte.shape, wte.offset, wte.size, wte.dtype]).toEqual([
      "model/wte",
      [50257, 768],
      343369728,
      154389504,
      "float32",
    ]);
  });

  it("reports a missing data file by name when a tensor is read", () => {
    const index = fixtureBytes("swift-models-index-only", "transformer.index");
    const r = readBundle(
      index,
      () => {
        throw new Error("ENOENT");
      },
      { prefix: "gpt2/model.ckpt" },
    );
    expect(() => r.getTensor("model/wte")).toThrow(
      /gpt2\/model\.ckpt\.data-00000-of-00001.*model\/wte/,
    );
  });
});

describe("serving-bad-half-plus-two-v1-format (legacy V1)", () => {
  it("is refused by the V2 bundle reader with a clear V1 message", () => {
    const v1 = fixtureBytes("serving-bad-half-plus-two-v1-format", "export");
    const prefix = fixturePath("serving-bad-half-plus-two-v1-format", "export");
    let err: unknown;
    try {
      readBundle(v1, new Uint8Array(0), { prefix });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CheckpointFormatError);
    expect((err as CheckpointFormatError).code).toBe("v1-format");
    expect((err as Error).message).toBe(
      `${prefix} is a V1 (legacy) checkpoint, not a V2 bundle index: open it by its prefix (or with readV1Checkpoint)`,
    );
  });

  it("is still a valid TF table (same container, SavedTensorSlices values)", () => {
    const t = readTable(fixtureBytes("serving-bad-half-plus-two-v1-format", "export"));
    expect(t.entries.map((e) => hex(e.key))).toEqual([
      "",
      "00 56 61 72 69 61 62 6c 65 00 01 00",
      "00 56 61 72 69 61 62 6c 65 5f 31 00 01 00",
    ]);
  });
});

describe("corruption is detected and reported with file and key", () => {
  const folder = "tf-intro-iris-tf1.0-saver";
  const prefix = fixturePath(folder, "model.ckpt");
  const index = fixtureBytes(folder, "model.ckpt.index");
  const data = fixtureBytes(folder, "model.ckpt.data-00000-of-00001");

  it("flipping any single bit of any data byte fails that tensor's CRC, naming data file and key", () => {
    const reader = readBundle(index, data, { prefix });
    const entries = reader.listEntries();
    for (let pos = 0; pos < data.length; pos++) {
      const bad = data.slice();
      bad[pos] ^= 1 << (pos % 8);
      const r = readBundle(index, bad, { prefix });
      const victim = entries.find((e) => pos >= e.offset && pos < e.offset + e.size);
      expect(victim).toBeDefined();
      let err: unknown;
      try {
        readAll(r);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CheckpointFormatError);
      const ce = err as CheckpointFormatError;
      expect(ce.key).toBe(victim?.name);
      expect(ce.file).toBe(`${prefix}.data-00000-of-00001`);
      expect(ce.message).toContain(`key '${victim?.name}'`);
      expect(ce.message).toContain("model.ckpt.data-00000-of-00001");
    }
  });

  it("flipping any byte of the index is refused, naming the index file", () => {
    for (let pos = 0; pos < index.length; pos++) {
      const bad = index.slice();
      bad[pos] ^= 0x40;
      let err: unknown;
      try {
        readAll(readBundle(bad, data, { prefix }));
      } catch (e) {
        err = e;
      }
      expect(err, `byte ${pos}`).toBeInstanceOf(CheckpointFormatError);
      expect((err as CheckpointFormatError).file).toBe(`${prefix}.index`);
      expect((err as Error).message).toContain("model.ckpt.index");
    }
  });

  it("flipping any byte of a Snappy-compressed index is refused too", () => {
    const folder2 = "serving-half-plus-two-tf1.14";
    const idx = fixtureBytes(folder2, "variables/variables.index");
    const dat = fixtureBytes(folder2, "variables/variables.data-00000-of-00001");
    for (let pos = 0; pos < idx.length; pos++) {
      const bad = idx.slice();
      bad[pos] ^= 0x01;
      expect(() => readAll(readBundle(bad, dat)), `byte ${pos}`).toThrow(CheckpointFormatError);
    }
  });

  it("a corrupted string tensor names the key", () => {
    const folder3 = "serving-half-plus-two-tf2.14-object-based";
    const idx = fixtureBytes(folder3, "variables/variables.index");
    const dat = fixtureBytes(folder3, "variables/variables.data-00000-of-00001");
    for (const pos of [12, 14, 15, 100, 630]) {
      const bad = dat.slice();
      bad[pos] ^= 0x10;
      expect(
        () =>
          readBundle(idx, bad, { prefix: "tf2" }).getStringBytes("_CHECKPOINTABLE_OBJECT_GRAPH"),
        `byte ${pos}`,
      ).toThrow(/_CHECKPOINTABLE_OBJECT_GRAPH.*tf2\.data-00000-of-00001/);
    }
  });
});
