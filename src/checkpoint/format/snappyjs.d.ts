// snappyjs ships no type declarations; this covers the one function scopeflow calls.
declare module "snappyjs" {
  /** Decompresses a raw Snappy block; throws on a malformed bitstream. */
  export function uncompress<T extends Uint8Array | ArrayBuffer>(
    compressed: T,
    maxLength?: number,
  ): T;
  /** Compresses to a raw Snappy block. */
  export function compress<T extends Uint8Array | ArrayBuffer>(uncompressed: T): T;
}
