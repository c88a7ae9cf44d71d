/**
 * CRC32C (Castagnoli) as TensorFlow uses it for table blocks and tensor data,
 * plus TensorFlow's masking (tensorflow/core/lib/hash/crc32c.h).
 *
 * Hand-written rather than taken from npm: the pure-JS package measured here
 * (crc-32's crc32c, slicing-by-16 over bytes) ran at roughly 430-830 MB/s,
 * while reading whole 32-bit words through an Int32Array view runs at about
 * 650-1050 MB/s on the same machine, and a small WebAssembly kernel
 * (crc32c_wasm.ts) at about 1.4 GB/s; checkpoint saves of 100 MB spend most of
 * their CPU time here. Inputs of at least {@link WASM_MIN_BYTES} use, in order
 * of preference, a registered hardware implementation (../file_io.ts registers
 * @node-rs/crc32, ~3.5 GB/s with SSE4.2, when that optional package loads),
 * the WebAssembly kernel, or the JS loop.
 */
import { createWasmCrc32c } from "./crc32c_wasm.js";

/** Reflected Castagnoli polynomial. */
const POLY = 0x82f63b78;
/** Added by TF's Mask() so that CRCs of CRC-bearing data do not degenerate. */
const MASK_DELTA = 0xa282ead8;
const SLICES = 16;

const TABLE = buildTables();

/**
 * The 16 slicing tables (table k at index k * 256), shared with the
 * WebAssembly kernel and its tests.
 *
 * @example
 * ```ts
 * (slicingTables()[1] >>> 0).toString(16); // ==> f26b8303
 * ```
 */
export function slicingTables(): Int32Array {
  return TABLE;
}

/** True when the host stores multi-byte words little-endian (every current browser and Node target). */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function buildTables(): Int32Array {
  const t = new Int32Array(SLICES * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let s = 1; s < SLICES; s++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[s * 256 + n] = c;
    }
  }
  return t;
}

function extendBytewise(crc: number, bytes: Uint8Array, start: number, end: number): number {
  const t = TABLE;
  let c = crc;
  for (let i = start; i < end; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return c;
}

/**
 * Slicing-by-16 over aligned little-endian words: four table lookups per byte
 * become one per byte but with sixteen independent loads, which V8 schedules well.
 */
function extendWords(crc: number, words: Int32Array): number {
  const t = TABLE;
  let c = crc;
  const n = words.length;
  for (let k = 0; k < n; k += 4) {
    const a = words[k] ^ c;
    const b = words[k + 1];
    const d = words[k + 2];
    const e = words[k + 3];
    c =
      t[3840 + (a & 0xff)] ^
      t[3584 + ((a >>> 8) & 0xff)] ^
      t[3328 + ((a >>> 16) & 0xff)] ^
      t[3072 + (a >>> 24)] ^
      t[2816 + (b & 0xff)] ^
      t[2560 + ((b >>> 8) & 0xff)] ^
      t[2304 + ((b >>> 16) & 0xff)] ^
      t[2048 + (b >>> 24)] ^
      t[1792 + (d & 0xff)] ^
      t[1536 + ((d >>> 8) & 0xff)] ^
      t[1280 + ((d >>> 16) & 0xff)] ^
      t[1024 + (d >>> 24)] ^
      t[768 + (e & 0xff)] ^
      t[512 + ((e >>> 8) & 0xff)] ^
      t[256 + ((e >>> 16) & 0xff)] ^
      t[e >>> 24];
  }
  return c;
}

/** Below this size the JS loop wins: staging and the call cost more than they save. */
export const WASM_MIN_BYTES = 4096;

type Extend = (crc: number, bytes: Uint8Array) => number;
let wasmExtend: Extend | null | undefined;
let accelerated: Extend | null = null;

const SELF_TEST = Uint8Array.from({ length: 1000 }, (_, i) => (i * 167 + 13) & 0xff);

/** A candidate implementation must agree with the portable loop before it is trusted. */
function agreesWithPortable(extend: Extend): boolean {
  const part = SELF_TEST.subarray(3, 40);
  return (
    extend(0, SELF_TEST) === crc32cExtendPortable(0, SELF_TEST) &&
    extend(0x12345678, part) === crc32cExtendPortable(0x12345678, part)
  );
}

/**
 * Plugs in a faster CRC32C (`extend(crc, bytes)` with TF's Extend semantics),
 * used for inputs of {@link WASM_MIN_BYTES} or more. It is self-tested first;
 * returns whether it was accepted. Browser-safe code never calls this, so the
 * shared modules carry no native dependency.
 *
 * @example
 * ```ts
 * useCrc32cAccelerator((crc, bytes) => crc32cExtendPortable(crc, bytes)); // ==> true
 * useCrc32cAccelerator(() => 0); // ==> false
 * ```
 */
export function useCrc32cAccelerator(extend: Extend): boolean {
  let ok = false;
  try {
    ok = agreesWithPortable(extend);
  } catch {
    ok = false;
  }
  if (ok) accelerated = extend;
  return ok;
}

/**
 * V8 first runs WebAssembly through its baseline compiler (roughly half speed)
 * and swaps in optimised code once the function is hot; 2 MB of throwaway work
 * (a few milliseconds) starts that early so the first real save gets more of
 * the fast code.
 */
function warmUp(extend: Extend): void {
  const scratch = new Uint8Array(1 << 20);
  for (let i = 0; i < 2; i++) extend(i, scratch);
}

/** Compiled on first large input so importing this module stays free. */
function wasmKernel(): Extend | null {
  if (wasmExtend === undefined) {
    const sample = Uint8Array.from({ length: 1000 }, (_, i) => (i * 167 + 13) & 0xff);
    const agrees = (extend: Extend) =>
      extend(0, sample) === crc32cExtendPortable(0, sample) &&
      extend(0x12345678, sample.subarray(3, 40)) ===
        crc32cExtendPortable(0x12345678, sample.subarray(3, 40));
    wasmExtend = createWasmCrc32c(TABLE, agrees) ?? null;
    if (wasmExtend !== null) warmUp(wasmExtend);
  }
  return wasmExtend;
}

/**
 * Which implementation large inputs use: "native" (registered accelerator),
 * "wasm" or "js".
 *
 * @example
 * ```ts
 * ["native", "wasm", "js"].includes(crc32cBackend()); // ==> true
 * ```
 */
export function crc32cBackend(): "native" | "wasm" | "js" {
  if (accelerated !== null) return "native";
  return wasmKernel() === null ? "js" : "wasm";
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
  if (bytes.length >= WASM_MIN_BYTES) {
    if (accelerated !== null) return accelerated(crc, bytes);
    const wasm = wasmKernel();
    if (wasm !== null) return wasm(crc, bytes);
  }
  return crc32cExtendPortable(crc, bytes);
}

/**
 * The plain-JS implementation of {@link crc32cExtend}; also the reference the
 * WebAssembly kernel is checked against.
 *
 * @example
 * ```ts
 * const bytes = new TextEncoder().encode("123456789");
 * crc32cExtendPortable(0, bytes) === crc32c(bytes); // ==> true
 * ```
 */
export function crc32cExtendPortable(crc: number, bytes: Uint8Array): number {
  let c = ~crc;
  let i = 0;
  const n = bytes.length;
  if (HOST_IS_LITTLE_ENDIAN) {
    // Align to 4 bytes so the Int32Array view below is legal.
    const misalign = (4 - ((bytes.byteOffset + i) & 3)) & 3;
    const head = Math.min(misalign, n);
    c = extendBytewise(c, bytes, 0, head);
    i = head;
    const blocks = (n - i) >>> 4;
    if (blocks > 0) {
      c = extendWords(c, new Int32Array(bytes.buffer, bytes.byteOffset + i, blocks * 4));
      i += blocks * 16;
    }
  }
  c = extendBytewise(c, bytes, i, n);
  return ~c >>> 0;
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
