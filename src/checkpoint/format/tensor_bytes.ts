/**
 * Tensor <-> data-file bytes, as TF's BundleWriter/BundleReader lay them out
 * (tensorflow/core/util/tensor_bundle/tensor_bundle.cc).
 *
 * Numeric tensors are their raw element bytes, row-major, in the bundle's byte
 * order (little-endian on every platform TF ships for). String tensors are
 *   varint64 length[n] | fixed32 masked crc32c(lengths) | bytes[0] ... bytes[n-1]
 * where the length checksum covers each length as a fixed-width integer
 * (uint32, or uint64 for lengths above 2^32-1), not the varint bytes. The
 * entry's crc32c then covers those same fixed-width lengths, the 4 checksum
 * bytes as stored, and all string bytes: so for strings it is *not* the CRC
 * of the bytes in the file, unlike every other dtype.
 */
import { ByteReader, ByteWriter, bytesOf, concatBytes } from "./bytes.js";
import { HOST_IS_LITTLE_ENDIAN, crc32c, crc32cExtend, maskCrc32c, unmaskCrc32c } from "./crc32c.js";

const UINT32_MAX = 0xffffffff;

/**
 * Reverses each `size`-byte element in place (used only on big-endian hosts or big-endian bundles).
 *
 * @example
 * ```ts
 * const bytes = Uint8Array.of(1, 2, 3, 4);
 * swapBytesInPlace(bytes, 4);
 * bytes; // ==> 4,3,2,1
 * ```
 */
export function swapBytesInPlace(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

/**
 * The little-endian bytes of a typed array: a zero-copy view on little-endian
 * hosts, a swapped copy elsewhere.
 *
 * @example
 * ```ts
 * littleEndianBytes(Int32Array.of(1), 4); // ==> 1,0,0,0
 * ```
 */
export function littleEndianBytes(view: ArrayBufferView, elementSize: number): Uint8Array {
  const bytes = bytesOf(view);
  if (HOST_IS_LITTLE_ENDIAN || elementSize === 1) return bytes;
  const copy = bytes.slice();
  swapBytesInPlace(copy, elementSize);
  return copy;
}

/**
 * Copies `bytes` into a fresh, aligned buffer in host byte order, ready to be
 * viewed as a typed array of `elementSize`-byte elements.
 *
 * @example
 * ```ts
 * const fileBytes = new Uint8Array(Float32Array.of(1, 2).buffer); // as stored: little-endian
 * new Float32Array(hostOrderCopy(fileBytes, 4, true)); // ==> 1,2
 * ```
 */
export function hostOrderCopy(
  bytes: Uint8Array,
  elementSize: number,
  fileIsLittleEndian: boolean,
): ArrayBuffer {
  const copy = new Uint8Array(bytes); // copies, even for a Buffer
  if (fileIsLittleEndian !== HOST_IS_LITTLE_ENDIAN) swapBytesInPlace(copy, elementSize);
  return copy.buffer;
}

/** Encoded string tensor plus its (unmasked) bundle-entry CRC. */
export interface EncodedStrings {
  bytes: Uint8Array;
  crc32c: number;
}

function fixedWidthLength(len: number, out: ByteWriter, littleEndian: boolean): void {
  if (len <= UINT32_MAX) {
    pushUint(out, len, 4, littleEndian);
  } else {
    pushUint(out, len, 8, littleEndian);
  }
}

function pushUint(out: ByteWriter, value: number, width: number, littleEndian: boolean): void {
  const b = new Uint8Array(width);
  let x = value;
  for (let i = 0; i < width; i++) {
    b[littleEndian ? i : width - 1 - i] = x % 256;
    x = Math.floor(x / 256);
  }
  out.bytes(b);
}

/**
 * Serializes a string tensor the way TF's WriteStringTensor does.
 *
 * @example
 * ```ts
 * const { bytes } = encodeStringTensor(["ab", new Uint8Array([0xff])]);
 * // the lengths as varints (2, 1), the masked CRC32C of the lengths, then the bytes
 * bytes; // ==> 2,1,3,113,124,103,97,98,255
 * ```
 */
export function encodeStringTensor(values: readonly (string | Uint8Array)[]): EncodedStrings {
  const encoder = new TextEncoder();
  const elements = values.map((v) => (typeof v === "string" ? encoder.encode(v) : v));
  const varints = new ByteWriter(elements.length + 8);
  const fixed = new ByteWriter(elements.length * 4 + 8);
  for (const e of elements) {
    varints.varint(e.length);
    fixedWidthLength(e.length, fixed, true);
  }
  let crc = crc32c(fixed.view());
  const checksum = new ByteWriter(4).fixed32(maskCrc32c(crc)).finish();
  crc = crc32cExtend(crc, checksum);
  const body = concatBytes(elements);
  crc = crc32cExtend(crc, body);
  return { bytes: concatBytes([varints.view(), checksum, body]), crc32c: crc };
}

/** Thrown by {@link decodeStringTensor}; the caller adds file and key. */
export class StringTensorLayoutError extends Error {}

/**
 * Parses TF's string-tensor layout from exactly the entry's bytes and returns
 * the elements plus the recomputed (unmasked) entry CRC. `littleEndian` is the
 * bundle's byte order, which the fixed-width lengths were hashed in.
 *
 * @example
 * ```ts
 * const { bytes } = encodeStringTensor(["ab", "c"]);
 * const { values } = decodeStringTensor(bytes, 2, true);
 * values.map((v) => new TextDecoder().decode(v)); // ==> ab,c
 * ```
 */
export function decodeStringTensor(
  bytes: Uint8Array,
  numElements: number,
  littleEndian: boolean,
): { values: Uint8Array[]; crc32c: number } {
  // TF's reader returns empty strings for a zero-size entry; mirror that.
  if (bytes.length === 0)
    return { values: Array.from({ length: numElements }, () => new Uint8Array(0)), crc32c: 0 };
  const r = new ByteReader(bytes);
  const lengths: number[] = [];
  const fixed = new ByteWriter(numElements * 4 + 8);
  try {
    for (let i = 0; i < numElements; i++) {
      const len = r.varint();
      lengths.push(len);
      fixedWidthLength(len, fixed, littleEndian);
    }
  } catch (e) {
    throw new StringTensorLayoutError(
      `bad string length table (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  if (r.remaining < 4)
    throw new StringTensorLayoutError("string lengths run past the end of the entry");
  let crc = crc32c(fixed.view());
  const rawChecksum = r.take(4);
  const stored = new DataView(rawChecksum.buffer, rawChecksum.byteOffset, 4).getUint32(
    0,
    littleEndian,
  );
  if (unmaskCrc32c(stored) !== crc) {
    throw new StringTensorLayoutError(
      `string length checksum mismatch (stored 0x${unmaskCrc32c(stored).toString(16)}, computed 0x${crc.toString(16)})`,
    );
  }
  crc = crc32cExtend(crc, rawChecksum);
  let total = 0;
  for (const len of lengths) total += len;
  if (total !== r.remaining) {
    throw new StringTensorLayoutError(
      `string bytes take ${total} bytes but the entry has ${r.remaining} left`,
    );
  }
  const body = r.take(total);
  crc = crc32cExtend(crc, body);
  const values: Uint8Array[] = [];
  let off = 0;
  for (const len of lengths) {
    values.push(new Uint8Array(body.subarray(off, off + len)));
    off += len;
  }
  return { values, crc32c: crc };
}
