import { uncompress } from "snappyjs";

/**
 * Decompresses a raw Snappy block (TF table block type 1, used for index
 * files written by TF 1.14+/2.x merges). `maxLength` guards against a corrupt
 * length header asking for a huge allocation.
 *
 * @example
 * ```ts
 * const raw = snappyUncompress(Uint8Array.of(0x03, 0x08, 0x61, 0x62, 0x63), 1 << 30);
 * new TextDecoder().decode(raw); // ==> abc
 * ```
 */
export function snappyUncompress(compressed: Uint8Array, maxLength: number): Uint8Array {
  const out = uncompress(compressed, maxLength);
  // snappyjs returns a Node Buffer for Buffer input; normalise so callers see plain Uint8Array semantics.
  return out.constructor === Uint8Array
    ? out
    : new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
