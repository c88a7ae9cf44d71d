/**
 * CRC32C (Castagnoli) as TensorFlow uses it for table blocks and tensor data,
 * plus TensorFlow's masking (tensorflow/core/lib/hash/crc32c.h), which is ours:
 * the checksum itself comes from libraries.
 *
 * The portable implementation is SheetJS's crc-32 (`crc-32/crc32c.js`: pure
 * JS, slicing-by-16, no dependencies, runs in browsers); on Node,
 * ../file_io.ts registers @node-rs/crc32 (SSE4.2 / ARMv8 CRC instructions,
 * several GB/s) when that optional package loads, and inputs of at least
 * {@link ACCELERATED_MIN_BYTES} then go through it.
 */
import portable from "crc-32/crc32c.js";

/** Added by TF's Mask() so that CRCs of CRC-bearing data do not degenerate. */
const MASK_DELTA = 0xa282ead8;

/** True when the host stores multi-byte words little-endian (every current browser and Node target). */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Below this size a native call costs more than the JS loop it replaces. */
export const ACCELERATED_MIN_BYTES = 4096;

type Extend = (crc: number, bytes: Uint8Array) => number;
let accelerated: Extend | null = null;

/** crc-32 takes the previous CRC as its seed (TF's Extend) and returns it signed. */
function extendPortable(crc: number, bytes: Uint8Array): number {
  return portable.buf(bytes, crc) >>> 0;
}

/**
 * The self-test an accelerator must pass before it is trusted: the standard
 * check value of "123456789" (0xe3069283), whole and split in two, from a
 * misaligned view.
 */
function passesSelfTest(extend: Extend): boolean {
  const check = Uint8Array.of(0, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39);
  const whole = check.subarray(1);
  return (
    extend(0, whole) === 0xe3069283 &&
    extend(extend(0, whole.subarray(0, 5)), whole.subarray(5)) === 0xe3069283
  );
}

/**
 * Plugs in a faster CRC32C (`extend(crc, bytes)` with TF's Extend semantics),
 * used for inputs of {@link ACCELERATED_MIN_BYTES} or more. It is self-tested
 * first; returns whether it was accepted. Browser-safe code never calls this,
 * so the shared modules carry no native dependency.
 *
 * @example
 * ```ts
 * useCrc32cAccelerator(() => 0); // ==> false
 * ```
 */
export function useCrc32cAccelerator(extend: Extend): boolean {
  let ok = false;
  try {
    ok = passesSelfTest(extend);
  } catch {
    ok = false;
  }
  if (ok) accelerated = extend;
  return ok;
}

/**
 * Which implementation large inputs use: "native" (a registered accelerator)
 * or "js" (crc-32).
 *
 * @example
 * ```ts
 * ["native", "js"].includes(crc32cBackend()); // ==> true
 * ```
 */
export function crc32cBackend(): "native" | "js" {
  return accelerated === null ? "js" : "native";
}

/**
 * Extends `crc` (an unmasked CRC32C of earlier bytes) with `bytes`, like TF's
 * `crc32c::Extend`.
 *
 * @example
 * ```ts
 * const head = Uint8Array.of(1, 2);
 * const tail = Uint8Array.of(3);
 * crc32cExtend(crc32c(head), tail) === crc32c(Uint8Array.of(1, 2, 3)); // ==> true
 * ```
 */
export function crc32cExtend(crc: number, bytes: Uint8Array): number {
  if (accelerated !== null && bytes.length >= ACCELERATED_MIN_BYTES) {
    return accelerated(crc, bytes);
  }
  return extendPortable(crc, bytes);
}

/**
 * CRC32C of `bytes` (unmasked), as TF's `crc32c::Value`.
 *
 * @example
 * ```ts
 * crc32c(new TextEncoder().encode("123456789")).toString(16); // ==> e3069283
 * ```
 */
export function crc32c(bytes: Uint8Array): number {
  return crc32cExtend(0, bytes);
}

/**
 * TF's `crc32c::Mask`: rotate right by 15 bits and add a constant, so that a
 * CRC stored next to the data it covers does not make the outer CRC trivial.
 *
 * @example
 * ```ts
 * maskCrc32c(0).toString(16); // ==> a282ead8
 * ```
 */
export function maskCrc32c(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/**
 * Inverse of {@link maskCrc32c}.
 *
 * @example
 * ```ts
 * unmaskCrc32c(maskCrc32c(0x12345678)).toString(16); // ==> 12345678
 * ```
 */
export function unmaskCrc32c(masked: number): number {
  const rot = (masked - MASK_DELTA) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}
