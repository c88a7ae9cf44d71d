/**
 * The checkpoint format's messages (BundleHeaderProto, BundleEntryProto and the
 * shapes, slices and versions inside them) as plain, fully populated objects,
 * over the project's codec generated from TF's .proto files (src/proto/).
 *
 * Why a layer over the generated codec? The bundle code wants every field
 * present with its proto3 default, offsets and sizes as exact numbers (an
 * index past 2^53 is refused, never rounded), and a slice extent's `length`
 * oneof as `undefined` when unset; the codec gives optional fields, and Long
 * for 64-bit values that do not fit a double. The bytes are the generated
 * encoder's: field-number order, proto3 defaults omitted, sub-messages C++
 * marks present (the shape of a scalar) written even when empty.
 */
import protobuf from "protobufjs/minimal.js";
import {
  BundleEntryProto as EntryCodec,
  BundleHeaderProto as HeaderCodec,
  tensorflow,
} from "../../../proto/index.js";

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

/**
 * Names of every tensorflow.DataType value, for error messages: types.proto's
 * (including the `_REF` kinds), and the newer kinds TF 2.x checkpoints may hold.
 */
const DATA_TYPE_NAMES: ReadonlyMap<number, string> = new Map<number, string>([
  ...Object.entries(tensorflow.DataType).map(([name, n]) => [n, name] as [number, string]),
  [24, "DT_FLOAT8_E5M2"],
  [25, "DT_FLOAT8_E4M3FN"],
  [29, "DT_INT4"],
  [30, "DT_UINT4"],
]);

/**
 * The TF name of a DataType value, e.g. `"DT_HALF"`; unknown values print as a number.
 *
 * @example
 * ```ts
 * dataTypeName(19); // ==> DT_HALF
 * ```
 */
export function dataTypeName(value: number): string {
  return DATA_TYPE_NAMES.get(value) ?? `DataType(${value})`;
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

/** int64 fields hold a Long when they do not fit in a double; offsets and sizes must stay exact. */
function int64ToNumber(v: protobuf.Long | number | null | undefined, what: string): number {
  if (v === null || v === undefined) return 0;
  const n = typeof v === "number" ? v : (v.high | 0) * 0x100000000 + (v.low >>> 0);
  if (!Number.isSafeInteger(n) || typeof v !== "number")
    throw new RangeError(`${what} does not fit in 2^53: ${String(v)}`);
  return n;
}

interface DecodedVersion {
  producer?: number | null;
  minConsumer?: number | null;
  badConsumers?: number[] | null;
}

function versionOf(v: DecodedVersion): VersionDef {
  return {
    producer: v.producer ?? 0,
    minConsumer: v.minConsumer ?? 0,
    badConsumers: [...(v.badConsumers ?? [])],
  };
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
  const h = HeaderCodec.fromBinary(bytes);
  return {
    numShards: h.numShards,
    endianness: h.endianness,
    version: h.version ? versionOf(h.version) : undefined,
  };
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
  const e = EntryCodec.fromBinary(bytes);
  return {
    dtype: e.dtype,
    shape: e.shape
      ? {
          dim: (e.shape.dim ?? []).map((d) => ({
            size: int64ToNumber(d.size, "dimension size"),
            name: d.name ?? "",
          })),
          unknownRank: e.shape.unknownRank ?? false,
        }
      : undefined,
    shardId: e.shardId,
    offset: int64ToNumber(e.offset, "offset"),
    size: int64ToNumber(e.size, "size"),
    crc32c: e.crc32c,
    slices: e.slices.map((s) => ({
      extent: (s.extent ?? []).map((x) => ({
        start: int64ToNumber(x.start, "slice start"),
        // The has_length oneof: absent means the whole dimension.
        length:
          x.length !== null &&
          x.length !== undefined &&
          Object.prototype.hasOwnProperty.call(x, "length")
            ? int64ToNumber(x.length, "slice length")
            : undefined,
      })),
    })),
  };
}

function plain(out: Uint8Array): Uint8Array {
  // Node's protobufjs writer returns a Buffer; callers compare and store plain Uint8Arrays.
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
  return plain(
    HeaderCodec.toBinary({
      numShards: h.numShards,
      endianness: h.endianness,
      ...(h.version !== undefined ? { version: { ...h.version } } : {}),
    }),
  );
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
  return plain(
    EntryCodec.toBinary({
      dtype: e.dtype,
      ...(e.shape !== undefined
        ? { shape: { dim: e.shape.dim, unknownRank: e.shape.unknownRank } }
        : {}),
      shardId: e.shardId,
      offset: e.offset,
      size: e.size,
      crc32c: e.crc32c,
      slices: e.slices.map((s) => ({
        // A oneof member is written whenever it is set, even when zero.
        extent: s.extent.map((x) =>
          x.length === undefined ? { start: x.start } : { start: x.start, length: x.length },
        ),
      })),
    }),
  );
}
