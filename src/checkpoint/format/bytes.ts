/**
 * Little-endian fixed-width and varint coding as in tensorflow/core/lib/core/coding.cc,
 * over plain Uint8Array so that the same code runs in Node and browsers.
 */

/** Growable byte buffer; avoids quadratic concatenation while building blocks. */
export class ByteWriter {
  private buf: Uint8Array;
  private len = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  get length(): number {
    return this.len;
  }

  private ensure(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): this {
    this.ensure(1);
    this.buf[this.len++] = b & 0xff;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.len, this.len + n);
    this.len += n;
    return this;
  }

  fixed32(v: number): this {
    this.ensure(4);
    const b = this.buf;
    const p = this.len;
    b[p] = v & 0xff;
    b[p + 1] = (v >>> 8) & 0xff;
    b[p + 2] = (v >>> 16) & 0xff;
    b[p + 3] = (v >>> 24) & 0xff;
    this.len += 4;
    return this;
  }

  /** Varint of a non-negative integer up to 2^53 (covers varint32 and every realistic varint64). */
  varint(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`varint value out of range: ${v}`);
    this.ensure(10);
    let x = v;
    while (x >= 0x80) {
      this.buf[this.len++] = (x % 0x80) | 0x80;
      x = Math.floor(x / 0x80);
    }
    this.buf[this.len++] = x;
    return this;
  }

  /** A copy of the written bytes, sized exactly. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  /** A view of the written bytes (valid until the next write). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  clear(): void {
    this.len = 0;
  }
}

/** Cursor over a byte range; every read checks bounds so corrupt input fails loudly. */
export class ByteReader {
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Varint up to 64 bits; values beyond 2^53 are refused rather than silently rounded. */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new RangeError("truncated varint");
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (!Number.isSafeInteger(result)) throw new RangeError("varint exceeds 2^53");
        return result;
      }
      scale *= 0x80;
    }
    throw new RangeError("malformed varint (more than 10 bytes)");
  }

  /** Varint that must fit in 32 bits (block entry lengths are varint32 in TF). */
  varint32(): number {
    const start = this.pos;
    const v = this.varint();
    if (v > 0xffffffff || this.pos - start > 5) throw new RangeError("malformed varint32");
    return v;
  }

  fixed32(): number {
    if (this.pos + 4 > this.end) throw new RangeError("truncated fixed32");
    const v = readFixed32(this.buf, this.pos);
    this.pos += 4;
    return v;
  }

  take(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.end) throw new RangeError("truncated byte range");
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/**
 * Unsigned little-endian 32-bit read.
 *
 * @example
 * ```ts
 * readFixed32(Uint8Array.of(0x57, 0xfb, 0x80, 0x8b), 0).toString(16); // ==> 8b80fb57
 * ```
 */
export function readFixed32(buf: Uint8Array, pos: number): number {
  return (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16) | (buf[pos + 3] << 24)) >>> 0;
}

/**
 * Bytewise (memcmp) order, the order of TF's BytewiseComparator and std::string.
 *
 * @example
 * ```ts
 * const utf8 = (s: string) => new TextEncoder().encode(s);
 * compareBytes(utf8("a"), utf8("a2")) < 0; // ==> true
 * ```
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * Concatenates byte arrays into one freshly allocated array.
 *
 * @example
 * ```ts
 * concatBytes([Uint8Array.of(1), Uint8Array.of(2, 3)]); // ==> 1,2,3
 * ```
 */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/**
 * A plain Uint8Array view of the same memory. Node's Buffer overrides `slice`
 * to return a view instead of a copy, so inputs are normalised before any
 * code relies on `slice` copying.
 *
 * @example
 * ```ts
 * const bytes = plainBytes(Buffer.from([1, 2])); // a Node Buffer is a Uint8Array subclass
 * bytes.constructor === Uint8Array; // ==> true
 * ```
 */
export function plainBytes(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Views the bytes of any typed array without copying.
 *
 * @example
 * ```ts
 * bytesOf(Float32Array.of(1)); // ==> 0,0,128,63
 * ```
 */
export function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}
