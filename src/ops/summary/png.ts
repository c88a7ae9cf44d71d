/**
 * A PNG encoder for image summaries (8-bit grayscale, RGB or RGBA), on bytes only so it
 * runs in browsers. The image data is one zlib stream of stored (uncompressed) deflate
 * blocks: every PNG decoder reads it, at the cost of size — TF's libpng compresses.
 */
import crc32 from "crc-32/crc32.js";

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** PNG color types by channel count: gray, (gray+alpha), RGB, RGBA. */
const COLOR_TYPE: Record<number, number> = { 1: 0, 2: 4, 3: 2, 4: 6 };
/** The largest stored deflate block. */
const STORED_MAX = 65535;

function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  // 5552 bytes is zlib's NMAX: the sums cannot overflow a double's exact range before it.
  for (let i = 0; i < data.length;) {
    const end = Math.min(i + 5552, data.length);
    for (; i < end; i++) {
      a += data[i] as number;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** A zlib stream (RFC 1950) of `data` in stored deflate blocks (RFC 1951 §3.2.4). */
export function zlibStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / STORED_MAX));
  const out = new Uint8Array(2 + data.length + blocks * 5 + 4);
  out[0] = 0x78; // deflate, 32K window
  out[1] = 0x01; // no preset dictionary, fastest; (0x78 << 8 | 0x01) % 31 === 0
  let o = 2;
  for (let blk = 0; blk < blocks; blk++) {
    const start = blk * STORED_MAX;
    const len = Math.min(STORED_MAX, data.length - start);
    out[o++] = blk === blocks - 1 ? 1 : 0; // BFINAL, BTYPE=00
    out[o++] = len & 0xff;
    out[o++] = len >>> 8;
    out[o++] = ~len & 0xff;
    out[o++] = (~len >>> 8) & 0xff;
    out.set(data.subarray(start, start + len), o);
    o += len;
  }
  new DataView(out.buffer).setUint32(o, adler32(data));
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32.buf(out.subarray(4, 8 + data.length)) >>> 0);
  return out;
}

/**
 * A PNG file of an 8-bit image, `pixels` row-major with `channels` (1–4) values per pixel.
 *
 * @example
 * ```ts
 * const png = encodePng(Uint8Array.of(0, 255), 2, 1, 1);
 * Array.from(png.subarray(1, 4), (c) => String.fromCharCode(c)).join(""); // ==> PNG
 * ```
 */
export function encodePng(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: number,
): Uint8Array {
  const colorType = COLOR_TYPE[channels];
  if (colorType === undefined)
    throw new RangeError(`PNG images have 1 to 4 channels, got ${channels}`);
  if (pixels.length !== width * height * channels)
    throw new RangeError(
      `${width}x${height}x${channels} image needs ${width * height * channels} values, got ${pixels.length}`,
    );
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = colorType;
  // compression 0, filter method 0, no interlace
  const stride = width * channels;
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type None
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const parts = [
    Uint8Array.from(SIGNATURE),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlibStored(raw)),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
