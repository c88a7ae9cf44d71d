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

/*
 * Snappy compression as Google's snappy 1.1.7 (the library TensorFlow 1.14–1.15 links)
 * writes it, byte for byte: TF's table builder stores a block compressed when that saves
 * at least an eighth, and a decoder accepts any valid stream, but only the same choices
 * of literals and copies give a TF-identical `.index`. snappyjs' compressor chooses
 * differently, so this follows the reference algorithm: 64 KiB fragments, a hash table of
 * 16-bit positions sized to the fragment (256 to 16384 entries), hash `(u32 · 0x1e35a7bd)
 * >> shift`, a lookup stride that grows after 32 misses, and copies split at 64 bytes.
 */

const BLOCK_SIZE = 1 << 16;
const MAX_HASH_TABLE_SIZE = 1 << 14;
const INPUT_MARGIN = 15;
const HASH_MUL = 0x1e35a7bd;

function load32(b: Uint8Array, i: number): number {
  return (
    ((b[i] as number) |
      ((b[i + 1] as number) << 8) |
      ((b[i + 2] as number) << 16) |
      ((b[i + 3] as number) << 24)) >>>
    0
  );
}

function hash32(v: number, shift: number): number {
  return Math.imul(v, HASH_MUL) >>> shift;
}

/** A growable output buffer. */
class Out {
  bytes = new Uint8Array(64);
  length = 0;
  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
  push(...values: number[]): void {
    this.reserve(values.length);
    for (const v of values) this.bytes[this.length++] = v & 0xff;
  }
  copy(src: Uint8Array, from: number, to: number): void {
    this.reserve(to - from);
    this.bytes.set(src.subarray(from, to), this.length);
    this.length += to - from;
  }
}

function emitLiteral(out: Out, src: Uint8Array, from: number, to: number): void {
  let n = to - from - 1;
  if (n < 60) {
    out.push(n << 2);
  } else {
    const lengthBytes: number[] = [];
    while (n > 0) {
      lengthBytes.push(n & 0xff);
      n = Math.floor(n / 256);
    }
    out.push((59 + lengthBytes.length) << 2, ...lengthBytes);
  }
  out.copy(src, from, to);
}

/** One copy of at most 64 bytes: the 2-byte form unless short and near (1-byte offset). */
function emitCopyAtMost64(out: Out, offset: number, len: number, lenLessThan12: boolean): void {
  if (lenLessThan12 && offset < 2048) {
    out.push(1 + ((len - 4) << 2) + ((offset >>> 3) & 0xe0), offset & 0xff);
  } else {
    out.push(2 + ((len - 1) << 2), offset & 0xff, (offset >>> 8) & 0xff);
  }
}

function emitCopy(out: Out, offset: number, len: number): void {
  if (len < 12) {
    emitCopyAtMost64(out, offset, len, true);
    return;
  }
  // 64-byte copies, keeping at least four bytes for the last one (a copy is 4 bytes or more).
  while (len >= 68) {
    emitCopyAtMost64(out, offset, 64, false);
    len -= 64;
  }
  if (len > 64) {
    emitCopyAtMost64(out, offset, 60, false);
    len -= 60;
  }
  emitCopyAtMost64(out, offset, len, len < 12);
}

function compressFragment(src: Uint8Array, start: number, end: number, out: Out): void {
  let tableSize = 256;
  while (tableSize < MAX_HASH_TABLE_SIZE && tableSize < end - start) tableSize <<= 1;
  const table = new Uint16Array(tableSize);
  const shift = 32 - Math.log2(tableSize);
  let ip = start;
  let nextEmit = start;
  if (end - start >= INPUT_MARGIN) {
    const ipLimit = end - INPUT_MARGIN;
    ip++;
    let nextHash = hash32(load32(src, ip), shift);
    for (;;) {
      let skip = 32;
      let nextIp = ip;
      let candidate: number;
      do {
        ip = nextIp;
        const h = nextHash;
        const stride = skip >>> 5;
        skip += stride;
        nextIp = ip + stride;
        if (nextIp > ipLimit) {
          if (nextEmit < end) emitLiteral(out, src, nextEmit, end);
          return;
        }
        nextHash = hash32(load32(src, nextIp), shift);
        candidate = start + (table[h] as number);
        table[h] = ip - start;
      } while (load32(src, ip) !== load32(src, candidate));
      emitLiteral(out, src, nextEmit, ip);
      let candidateBytes: number;
      let afterMatch: number;
      do {
        const base = ip;
        let matched = 4;
        while (ip + matched < end && src[candidate + matched] === src[ip + matched]) matched++;
        ip += matched;
        emitCopy(out, base - candidate, matched);
        nextEmit = ip;
        if (ip >= ipLimit) {
          if (nextEmit < end) emitLiteral(out, src, nextEmit, end);
          return;
        }
        table[hash32(load32(src, ip - 1), shift)] = ip - start - 1;
        afterMatch = load32(src, ip);
        const h = hash32(afterMatch, shift);
        candidate = start + (table[h] as number);
        candidateBytes = load32(src, candidate);
        table[h] = ip - start;
      } while (afterMatch === candidateBytes);
      nextHash = hash32(load32(src, ip + 1), shift);
      ip++;
    }
  }
  if (nextEmit < end) emitLiteral(out, src, nextEmit, end);
}

/**
 * Compresses to a raw Snappy block, with the bytes Google's snappy 1.1.7 writes.
 *
 * @example
 * ```ts
 * const text = new TextEncoder().encode("abcdabcdabcdabcdabcd");
 * Array.from(snappyCompress(text)).join(" "); // ==> 20 12 97 98 99 100 62 4 0
 * new TextDecoder().decode(snappyUncompress(snappyCompress(text), 100)); // ==> abcdabcdabcdabcdabcd
 * ```
 */
export function snappyCompress(raw: Uint8Array): Uint8Array {
  const out = new Out();
  let n = raw.length;
  // The uncompressed length as a varint.
  do {
    out.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  for (let start = 0; start < raw.length; start += BLOCK_SIZE) {
    compressFragment(raw, start, Math.min(start + BLOCK_SIZE, raw.length), out);
  }
  return out.bytes.slice(0, out.length);
}
