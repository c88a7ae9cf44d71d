import * as path from "node:path";
import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import {
  dataTypeName,
  decodeBundleEntry,
  decodeBundleHeader,
  encodeBundleEntry,
  encodeBundleHeader,
  type BundleEntryProto,
  type BundleHeaderProto,
} from "../../../src/checkpoint/format/proto/messages.js";
import { fromHex, hex, repoRoot } from "./helpers.js";

const protoDir = path.join(repoRoot, "src/proto");

/** protobufjs's own reflection over TF's .proto files: an independent reading to check the generated codec against. */
function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(protoDir, target);
  root.loadSync("tensorflow/core/protobuf/tensor_bundle.proto", { keepCase: true });
  root.resolveAll();
  return root;
}

const root = loadRoot();
const EntryType = root.lookupType("tensorflow.BundleEntryProto");
const HeaderType = root.lookupType("tensorflow.BundleHeaderProto");

/** Our message shape -> a protobufjs plain object with proto3 defaults left out (as C++ leaves them out). */
function entryToReflectObject(e: BundleEntryProto): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (e.dtype !== 0) o.dtype = e.dtype;
  if (e.shape !== undefined) {
    o.shape = {
      dim: e.shape.dim.map((d) => ({
        ...(d.size !== 0 ? { size: d.size } : {}),
        ...(d.name !== "" ? { name: d.name } : {}),
      })),
      ...(e.shape.unknownRank ? { unknown_rank: true } : {}),
    };
  }
  if (e.shardId !== 0) o.shard_id = e.shardId;
  if (e.offset !== 0) o.offset = e.offset;
  if (e.size !== 0) o.size = e.size;
  if (e.crc32c !== 0) o.crc32c = e.crc32c;
  if (e.slices.length > 0) {
    o.slices = e.slices.map((s) => ({
      extent: s.extent.map((x) => ({
        ...(x.start !== 0 ? { start: x.start } : {}),
        ...(x.length !== undefined ? { length: x.length } : {}),
      })),
    }));
  }
  return o;
}

function headerToReflectObject(h: BundleHeaderProto): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (h.numShards !== 0) o.num_shards = h.numShards;
  if (h.endianness !== 0) o.endianness = h.endianness;
  if (h.version !== undefined) {
    const v = h.version;
    o.version = {
      ...(v.producer !== 0 ? { producer: v.producer } : {}),
      ...(v.minConsumer !== 0 ? { min_consumer: v.minConsumer } : {}),
      ...(v.badConsumers.length > 0 ? { bad_consumers: v.badConsumers } : {}),
    };
  }
  return o;
}

const scalarShape = { dim: [], unknownRank: false };
const entries: BundleEntryProto[] = [
  { dtype: 1, shape: scalarShape, shardId: 0, offset: 0, size: 4, crc32c: 0x3a117ba6, slices: [] },
  {
    dtype: 9,
    shape: {
      dim: [
        { size: 50257, name: "" },
        { size: 0, name: "" },
        { size: 768, name: "cols" },
      ],
      unknownRank: false,
    },
    shardId: 3,
    offset: 343369728,
    size: 2 ** 40 + 5,
    crc32c: 0xffffffff,
    slices: [],
  },
  { dtype: 7, shape: undefined, shardId: 0, offset: 12, size: 619, crc32c: 0, slices: [] },
  {
    dtype: 1,
    shape: {
      dim: [
        { size: 10, name: "" },
        { size: 4, name: "" },
      ],
      unknownRank: false,
    },
    shardId: 0,
    offset: 0,
    size: 0,
    crc32c: 0,
    slices: [
      {
        extent: [
          { start: 0, length: 5 },
          { start: 0, length: undefined },
        ],
      },
      { extent: [{ start: 5, length: 0 }] },
    ],
  },
  {
    dtype: 0,
    shape: { dim: [], unknownRank: true },
    shardId: 0,
    offset: 0,
    size: 0,
    crc32c: 0,
    slices: [],
  },
];

const headers: BundleHeaderProto[] = [
  { numShards: 1, endianness: 0, version: { producer: 1, minConsumer: 0, badConsumers: [] } },
  { numShards: 4, endianness: 1, version: { producer: 2, minConsumer: 1, badConsumers: [3, 7] } },
  { numShards: 1, endianness: 0, version: undefined },
];

describe("proto files", () => {
  it("carry TensorFlow's field numbers and wire types", () => {
    const f = EntryType.fields;
    expect([
      f.dtype.id,
      f.shape.id,
      f.shard_id.id,
      f.offset.id,
      f.size.id,
      f.crc32c.id,
      f.slices.id,
    ]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect([f.shard_id.type, f.offset.type, f.size.type, f.crc32c.type]).toEqual([
      "int32",
      "int64",
      "int64",
      "fixed32",
    ]);
    expect(f.slices.repeated).toBe(true);
    const h = HeaderType.fields;
    expect([h.num_shards.id, h.endianness.id, h.version.id]).toEqual([1, 2, 3]);
    const shape = root.lookupType("tensorflow.TensorShapeProto");
    expect([shape.fields.dim.id, shape.fields.unknown_rank.id]).toEqual([2, 3]);
    const dim = root.lookupType("tensorflow.TensorShapeProto.Dim");
    expect([dim.fields.size.id, dim.fields.size.type, dim.fields.name.id]).toEqual([1, "int64", 2]);
    const version = root.lookupType("tensorflow.VersionDef");
    expect([
      version.fields.producer.id,
      version.fields.min_consumer.id,
      version.fields.bad_consumers.id,
    ]).toEqual([1, 2, 3]);
    const extent = root.lookupType("tensorflow.TensorSliceProto.Extent");
    expect([
      extent.fields.start.id,
      extent.fields.length.id,
      extent.fields.length.partOf?.name,
    ]).toEqual([1, 2, "has_length"]);
    const dt = root.lookupEnum("tensorflow.DataType").values;
    expect([
      dt.DT_FLOAT,
      dt.DT_DOUBLE,
      dt.DT_INT32,
      dt.DT_STRING,
      dt.DT_INT64,
      dt.DT_BOOL,
      dt.DT_HALF,
      dt.DT_VARIANT,
    ]).toEqual([1, 2, 3, 7, 9, 10, 19, 21]);
    for (const [name, value] of Object.entries(dt)) expect(dataTypeName(value)).toBe(name);
  });
});

describe("the checkpoint messages (over the generated codec) vs protobufjs reflection", () => {
  it.each(entries.map((e, i) => [i, e] as const))(
    "BundleEntryProto #%i encodes to the same bytes and decodes back",
    (_i, e) => {
      const reference = EntryType.encode(EntryType.fromObject(entryToReflectObject(e))).finish();
      const ours = encodeBundleEntry(e);
      expect(hex(ours)).toBe(hex(reference));
      const decoded = decodeBundleEntry(reference);
      expect(decoded).toEqual({ ...e, shape: e.shape });
    },
  );

  it.each(headers.map((h, i) => [i, h] as const))(
    "BundleHeaderProto #%i encodes to the same bytes and decodes back",
    (_i, h) => {
      const reference = HeaderType.encode(HeaderType.fromObject(headerToReflectObject(h))).finish();
      expect(hex(encodeBundleHeader(h))).toBe(hex(reference));
      expect(decodeBundleHeader(reference)).toEqual(h);
    },
  );

  it("writes TF's header and a scalar entry byte for byte (from the counter fixture)", () => {
    expect(hex(encodeBundleHeader(headers[0]))).toBe("08 01 1a 02 08 01");
    expect(hex(encodeBundleEntry(entries[0]))).toBe("08 01 12 00 28 04 35 a6 7b 11 3a");
  });

  it("skips unknown fields and reads unpacked repeated ints", () => {
    // field 15 (varint 5), then dtype 1; version with bad_consumers written unpacked (18 03 18 04).
    expect(decodeBundleEntry(fromHex("78 05 08 01")).dtype).toBe(1);
    expect(decodeBundleHeader(fromHex("1a 04 18 03 18 04")).version?.badConsumers).toEqual([3, 4]);
  });

  it("rejects truncated input; a field with the wrong wire type is an unknown field, as in C++", () => {
    expect(() => decodeBundleEntry(fromHex("12 05 0a"))).toThrow(/truncated/);
    expect(() => decodeBundleEntry(fromHex("12 02 12 05"))).toThrow(/truncated/);
    // dtype (field 1) written as fixed32: C++ keeps it as an unknown field and dtype stays DT_INVALID.
    expect(decodeBundleEntry(fromHex("0d 01 02 03 04 28 04"))).toMatchObject({ dtype: 0, size: 4 });
  });

  it("refuses an offset or size past 2^53 instead of rounding it", () => {
    // size (field 5) = 2^53 + 1
    expect(() => decodeBundleEntry(fromHex("28 81 80 80 80 80 80 80 10"))).toThrow(
      new RangeError("size does not fit in 2^53: 9007199254740993"),
    );
  });
});
