/**
 * Encoders and decoders for the messages in this folder's .proto files, built
 * on protobufjs's minimal runtime (wire-level Reader/Writer only).
 *
 * Why not reflection (`Root.fromJSON`)? protobufjs compiles reflected types
 * with `new Function`, which a Content-Security-Policy without 'unsafe-eval'
 * blocks, and the read path has to work in browsers. Why not pbjs static
 * output? It needs protobufjs-cli at build time and is mostly code for fields
 * we never touch. These codecs are what static output would be for five small
 * messages, and they make TF's proto3 serialisation rules explicit: fields are
 * written in field-number order, scalar fields equal to their default are
 * omitted, and sub-messages that C++ marks present (the shape of a scalar)
 * are written even when empty. test/checkpoint/format/proto.test.ts checks
 * them against protobufjs's own parse of the .proto files.
 */
import protobuf from "protobufjs/minimal.js";

const { Reader, Writer } = protobuf;
type PbReader = protobuf.Reader;
type PbWriter = protobuf.Writer;

/** tensorflow.DataType values scopeflow reads or writes. */
export const DataType = {
  DT_INVALID: 0,
  DT_FLOAT: 1,
  DT_DOUBLE: 2,
  DT_INT32: 3,
  DT_STRING: 7,
  DT_INT64: 9,
  DT_BOOL: 10,
} as const;

/** Names of every tensorflow.DataType value in types.proto, for error messages. */
const DATA_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: "DT_INVALID",
  1: "DT_FLOAT",
  2: "DT_DOUBLE",
  3: "DT_INT32",
  4: "DT_UINT8",
  5: "DT_INT16",
  6: "DT_INT8",
  7: "DT_STRING",
  8: "DT_COMPLEX64",
  9: "DT_INT64",
  10: "DT_BOOL",
  11: "DT_QINT8",
  12: "DT_QUINT8",
  13: "DT_QINT32",
  14: "DT_BFLOAT16",
  15: "DT_QINT16",
  16: "DT_QUINT16",
  17: "DT_UINT16",
  18: "DT_COMPLEX128",
  19: "DT_HALF",
  20: "DT_RESOURCE",
  21: "DT_VARIANT",
  22: "DT_UINT32",
  23: "DT_UINT64",
  24: "DT_FLOAT8_E5M2",
  25: "DT_FLOAT8_E4M3FN",
  29: "DT_INT4",
  30: "DT_UINT4",
};

/**
 * The TF name of a DataType value, e.g. `"DT_HALF"`; unknown values print as a number.
 *
 * @example
 * ```ts
 * dataTypeName(19); // ==> DT_HALF
 * ```
 */
export function dataTypeName(value: number): string {
  return DATA_TYPE_NAMES[value] ?? `DataType(${value})`;
}

export interface VersionDef {
  producer: number;
  minConsumer: number;
  badConsumers: number[];
}

export interface BundleHeaderProto {
  numShards: number;
  /** 0 = LITTLE, 1 = BIG. */
  endianness: number;
  version: VersionDef | undefined;
}

export interface TensorShapeDim {
  size: number;
  name: string;
}

export interface TensorShapeProto {
  dim: TensorShapeDim[];
  unknownRank: boolean;
}

export interface TensorSliceExtent {
  start: number;
  /** undefined = the whole dimension (the `has_length` oneof is unset). */
  length: number | undefined;
}

export interface TensorSliceProto {
  extent: TensorSliceExtent[];
}

export interface BundleEntryProto {
  dtype: number;
  /** undefined when the field is absent (TF always writes it). */
  shape: TensorShapeProto | undefined;
  shardId: number;
  offset: number;
  size: number;
  /** Masked CRC32C, as stored. */
  crc32c: number;
  slices: TensorSliceProto[];
}

const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_LEN = 2;

function tag(field: number, wire: number): number {
  return ((field << 3) | wire) >>> 0;
}

/** int64 fields decode to Long when long.js is present; offsets and sizes must stay exact. */
function int64ToNumber(v: protobuf.Long | number, what: string): number {
  const n = typeof v === "number" ? v : (v.high | 0) * 0x100000000 + (v.low >>> 0);
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} does not fit in 2^53: ${String(v)}`);
  return n;
}

function readInt64(r: PbReader, what: string): number {
  return int64ToNumber(r.int64(), what);
}

/** Reads a length prefix and returns where the sub-message ends. */
function subEnd(r: PbReader): number {
  const len = r.uint32();
  const end = r.pos + len;
  if (end > r.len) throw new RangeError("sub-message length past end of buffer");
  return end;
}

/** Decodes a length-delimited sub-message and checks it consumed exactly its bytes. */
function nested<T>(r: PbReader, decodeAt: (r: PbReader, end: number) => T): T {
  const end = subEnd(r);
  const out = decodeAt(r, end);
  if (r.pos !== end) throw new RangeError("sub-message overran its length");
  return out;
}

function checkWireType(actual: number, expected: number, field: string): void {
  if (actual !== expected) throw new RangeError(`wrong wire type ${actual} for field ${field}`);
}

function decodeVersionDefAt(r: PbReader, end: number): VersionDef {
  const out: VersionDef = { producer: 0, minConsumer: 0, badConsumers: [] };
  while (r.pos < end) {
    const t = r.uint32();
    const wire = t & 7;
    switch (t >>> 3) {
      case 1:
        checkWireType(wire, WIRE_VARINT, "VersionDef.producer");
        out.producer = r.int32();
        break;
      case 2:
        checkWireType(wire, WIRE_VARINT, "VersionDef.min_consumer");
        out.minConsumer = r.int32();
        break;
      case 3:
        if (wire === WIRE_LEN) {
          const end = subEnd(r);
          while (r.pos < end) out.badConsumers.push(r.int32());
          if (r.pos !== end) throw new RangeError("packed field overran its length");
        } else {
          checkWireType(wire, WIRE_VARINT, "VersionDef.bad_consumers");
          out.badConsumers.push(r.int32());
        }
        break;
      default:
        r.skipType(wire);
    }
  }
  return out;
}

function decodeDimAt(r: PbReader, end: number): TensorShapeDim {
  const out: TensorShapeDim = { size: 0, name: "" };
  while (r.pos < end) {
    const t = r.uint32();
    const wire = t & 7;
    switch (t >>> 3) {
      case 1:
        checkWireType(wire, WIRE_VARINT, "TensorShapeProto.Dim.size");
        out.size = readInt64(r, "dimension size");
        break;
      case 2:
        checkWireType(wire, WIRE_LEN, "TensorShapeProto.Dim.name");
        out.name = r.string();
        break;
      default:
        r.skipType(wire);
    }
  }
  return out;
}

function decodeShapeAt(r: PbReader, end: number): TensorShapeProto {
  const out: TensorShapeProto = { dim: [], unknownRank: false };
  while (r.pos < end) {
    const t = r.uint32();
    const wire = t & 7;
    switch (t >>> 3) {
      case 2: {
        checkWireType(wire, WIRE_LEN, "TensorShapeProto.dim");
        out.dim.push(nested(r, decodeDimAt));
        break;
      }
      case 3:
        checkWireType(wire, WIRE_VARINT, "TensorShapeProto.unknown_rank");
        out.unknownRank = r.bool();
        break;
      default:
        r.skipType(wire);
    }
  }
  return out;
}

function decodeExtentAt(r: PbReader, end: number): TensorSliceExtent {
  const out: TensorSliceExtent = { start: 0, length: undefined };
  while (r.pos < end) {
    const t = r.uint32();
    const wire = t & 7;
    switch (t >>> 3) {
      case 1:
        checkWireType(wire, WIRE_VARINT, "TensorSliceProto.Extent.start");
        out.start = readInt64(r, "slice start");
        break;
      case 2:
        checkWireType(wire, WIRE_VARINT, "TensorSliceProto.Extent.length");
        out.length = readInt64(r, "slice length");
        break;
      default:
        r.skipType(wire);
    }
  }
  return out;
}

function decodeSliceAt(r: PbReader, end: number): TensorSliceProto {
  const out: TensorSliceProto = { extent: [] };
  while (r.pos < end) {
    const t = r.uint32();
    const wire = t & 7;
    if (t >>> 3 === 1) {
      checkWireType(wire, WIRE_LEN, "TensorSliceProto.extent");
      out.extent.push(nested(r, decodeExtentAt));
    } else {
      r.skipType(wire);
    }
  }
  return out;
}

/**
 * Parses a serialized tensorflow.BundleHeaderProto.
 *
 * @example
 * ```ts
 * decodeBundleHeader(Uint8Array.of(0x08, 0x01, 0x1a, 0x02, 0x08, 0x01)).numShards; // ==> 1
 * ```
 */
export function decodeBundleHeader(bytes: Uint8Array): BundleHeaderProto {
  const r = Reader.create(bytes);
  const out: BundleHeaderProto = { numShards: 0, endianness: 0, version: undefined };
  while (r.pos < r.len) {
    const t = r.uint32();
    const wire = t & 7;
    switch (t >>> 3) {
      case 1:
        checkWireType(wire, WIRE_VARINT, "BundleHeaderProto.num_shards");
        out.numShards = r.int32();
        break;
      case 2:
        checkWireType(wire, WIRE_VARINT, "BundleHeaderProto.endianness");
        out.endianness = r.int32();
        break;
      case 3: {
        checkWireType(wire, WIRE_LEN, "BundleHeaderProto.version");
        out.version = nested(r, decodeVersionDefAt);
        break;
      }
      default:
        r.skipType(wire);
    }
  }
  return out;
}

/**
 * Parses a serialized tensorflow.BundleEntryProto.
 *
 * @example
 * ```ts
 * const e = decodeBundleEntry(Uint8Array.of(0x08, 0x01, 0x12, 0x00, 0x28, 0x04, 0x35, 0xa6, 0x7b, 0x11, 0x3a));
 * `${e.dtype} ${e.offset} ${e.size} ${e.crc32c.toString(16)}`; // ==> 1 0 4 3a117ba6
 * ```
 */
export function decodeBundleEntry(bytes: Uint8Array): BundleEntryProto {
  const r = Reader.create(bytes);
  const out: BundleEntryProto = {
    dtype: 0,
    shape: undefined,
    shardId: 0,
    offset: 0,
    size: 0,
    crc32c: 0,
    slices: [],
  };
  while (r.pos < r.len) {
    const t = r.uint32();
    const wire = t & 7;
    switch (t >>> 3) {
      case 1:
        checkWireType(wire, WIRE_VARINT, "BundleEntryProto.dtype");
        out.dtype = r.int32();
        break;
      case 2: {
        checkWireType(wire, WIRE_LEN, "BundleEntryProto.shape");
        out.shape = nested(r, decodeShapeAt);
        break;
      }
      case 3:
        checkWireType(wire, WIRE_VARINT, "BundleEntryProto.shard_id");
        out.shardId = r.int32();
        break;
      case 4:
        checkWireType(wire, WIRE_VARINT, "BundleEntryProto.offset");
        out.offset = readInt64(r, "offset");
        break;
      case 5:
        checkWireType(wire, WIRE_VARINT, "BundleEntryProto.size");
        out.size = readInt64(r, "size");
        break;
      case 6:
        checkWireType(wire, WIRE_FIXED32, "BundleEntryProto.crc32c");
        out.crc32c = r.fixed32();
        break;
      case 7: {
        checkWireType(wire, WIRE_LEN, "BundleEntryProto.slices");
        out.slices.push(nested(r, decodeSliceAt));
        break;
      }
      default:
        r.skipType(wire);
    }
  }
  return out;
}

function writeVersionDef(w: PbWriter, v: VersionDef): void {
  if (v.producer !== 0) w.uint32(tag(1, WIRE_VARINT)).int32(v.producer);
  if (v.minConsumer !== 0) w.uint32(tag(2, WIRE_VARINT)).int32(v.minConsumer);
  if (v.badConsumers.length > 0) {
    // proto3 packs repeated scalars, as C++ does.
    w.uint32(tag(3, WIRE_LEN)).fork();
    for (const b of v.badConsumers) w.int32(b);
    w.ldelim();
  }
}

function writeShape(w: PbWriter, s: TensorShapeProto): void {
  for (const d of s.dim) {
    w.uint32(tag(2, WIRE_LEN)).fork();
    if (d.size !== 0) w.uint32(tag(1, WIRE_VARINT)).int64(d.size);
    if (d.name !== "") w.uint32(tag(2, WIRE_LEN)).string(d.name);
    w.ldelim();
  }
  if (s.unknownRank) w.uint32(tag(3, WIRE_VARINT)).bool(true);
}

function writeSlice(w: PbWriter, s: TensorSliceProto): void {
  for (const e of s.extent) {
    w.uint32(tag(1, WIRE_LEN)).fork();
    if (e.start !== 0) w.uint32(tag(1, WIRE_VARINT)).int64(e.start);
    // A oneof member is written whenever it is set, even when zero.
    if (e.length !== undefined) w.uint32(tag(2, WIRE_VARINT)).int64(e.length);
    w.ldelim();
  }
}

function finish(w: PbWriter): Uint8Array {
  const out = w.finish();
  return out.constructor === Uint8Array
    ? out
    : new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Serializes a tensorflow.BundleHeaderProto exactly as TF's C++ does.
 *
 * @example
 * ```ts
 * encodeBundleHeader({ numShards: 1, endianness: 0, version: { producer: 1, minConsumer: 0, badConsumers: [] } });
 * // ==> 8,1,26,2,8,1
 * ```
 */
export function encodeBundleHeader(h: BundleHeaderProto): Uint8Array {
  const w = Writer.create();
  if (h.numShards !== 0) w.uint32(tag(1, WIRE_VARINT)).int32(h.numShards);
  if (h.endianness !== 0) w.uint32(tag(2, WIRE_VARINT)).int32(h.endianness);
  if (h.version !== undefined) {
    w.uint32(tag(3, WIRE_LEN)).fork();
    writeVersionDef(w, h.version);
    w.ldelim();
  }
  return finish(w);
}

/**
 * Serializes a tensorflow.BundleEntryProto exactly as TF's C++ does.
 *
 * @example
 * ```ts
 * const entry = { dtype: 1, shape: { dim: [], unknownRank: false }, shardId: 0, offset: 0, size: 4 };
 * encodeBundleEntry({ ...entry, crc32c: 0x3a117ba6, slices: [] }); // ==> 8,1,18,0,40,4,53,166,123,17,58
 * ```
 */
export function encodeBundleEntry(e: BundleEntryProto): Uint8Array {
  const w = Writer.create();
  if (e.dtype !== 0) w.uint32(tag(1, WIRE_VARINT)).int32(e.dtype);
  if (e.shape !== undefined) {
    w.uint32(tag(2, WIRE_LEN)).fork();
    writeShape(w, e.shape);
    w.ldelim();
  }
  if (e.shardId !== 0) w.uint32(tag(3, WIRE_VARINT)).int32(e.shardId);
  if (e.offset !== 0) w.uint32(tag(4, WIRE_VARINT)).int64(e.offset);
  if (e.size !== 0) w.uint32(tag(5, WIRE_VARINT)).int64(e.size);
  if (e.crc32c !== 0) w.uint32(tag(6, WIRE_FIXED32)).fixed32(e.crc32c);
  for (const s of e.slices) {
    w.uint32(tag(7, WIRE_LEN)).fork();
    writeSlice(w, s);
    w.ldelim();
  }
  return finish(w);
}
