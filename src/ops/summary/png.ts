/**
 * A PNG encoder for image summaries (8-bit grayscale, RGB or RGBA), on bytes only so it
 * runs in browsers, made as TF's `png::WriteImageToBuffer` makes one with libpng's
 * defaults: each row's filter chosen by libpng's heuristic (the least sum of absolute
 * filtered values), zlib at the default level with libpng's strategy and window, the
 * stream cut into 8 KiB IDAT chunks. Compression is pako, a port of zlib itself.
 */
import crc32 from "crc-32/crc32.js";
import { deflate, Z_FILTERED } from "pako";

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** PNG color types by channel count: gray, gray+alpha, RGB, RGBA. */
const COLOR_TYPE: Record<number, number> = { 1: 0, 2: 4, 3: 2, 4: 6 };
/** libpng's PNG_ZBUF_SIZE: the most compressed bytes one IDAT chunk holds. */
const IDAT_SIZE = 8192;
/** zlib's Z_DEFAULT_COMPRESSION, what TF asks libpng for. */
const DEFAULT_LEVEL = 6;

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32.buf(out.subarray(4, 8 + data.length)) >>> 0);
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * Writes `row` filtered with filter `type` (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth) into
 * `out` after the filter byte; returns libpng's cost, the sum of the bytes read as signed.
 */
function filterRow(
  type: number,
  row: Uint8Array,
  prev: Uint8Array | null,
  bpp: number,
  out: Uint8Array,
): number {
  out[0] = type;
  let cost = 0;
  for (let i = 0; i < row.length; i++) {
    const x = row[i] as number;
    const a = i >= bpp ? (row[i - bpp] as number) : 0;
    const b = prev === null ? 0 : (prev[i] as number);
    const c = prev === null || i < bpp ? 0 : (prev[i - bpp] as number);
    let v: number;
    switch (type) {
      case 0:
        v = x;
        break;
      case 1:
        v = x - a;
        break;
      case 2:
        v = x - b;
        break;
      case 3:
        v = x - ((a + b) >> 1);
        break;
      default:
        v = x - paeth(a, b, c);
    }
    v &= 0xff;
    out[i + 1] = v;
    cost += v < 128 ? v : 256 - v;
  }
  return cost;
}

/** libpng's window for a small image: the least power of two holding the data, at least 2^9. */
function windowBitsFor(dataSize: number): number {
  let windowBits = 15;
  if (dataSize <= 16384) {
    let half = 1 << (windowBits - 1);
    while (dataSize + 262 <= half) {
      half >>= 1;
      windowBits--;
    }
  }
  return Math.max(windowBits, 9);
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
  ihdr[8] = 8; // bit depth; compression, filter method and interlace stay 0
  ihdr[9] = colorType;
  const stride = width * channels;
  const raw = new Uint8Array(height * (stride + 1));
  const best = new Uint8Array(stride + 1);
  const trial = new Uint8Array(stride + 1);
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    const prev = y === 0 ? null : pixels.subarray((y - 1) * stride, y * stride);
    let bestCost = filterRow(0, row, prev, channels, best);
    for (let type = 1; type <= 4; type++) {
      const cost = filterRow(type, row, prev, channels, trial);
      if (cost < bestCost) {
        bestCost = cost;
        best.set(trial);
      }
    }
    raw.set(best, y * (stride + 1));
  }
  const compressed = deflate(raw, {
    level: DEFAULT_LEVEL,
    windowBits: windowBitsFor(raw.length),
    memLevel: 8,
    strategy: Z_FILTERED,
  });
  const parts = [Uint8Array.from(SIGNATURE), chunk("IHDR", ihdr)];
  for (let o = 0; o < compressed.length; o += IDAT_SIZE)
    parts.push(chunk("IDAT", compressed.subarray(o, o + IDAT_SIZE)));
  parts.push(chunk("IEND", new Uint8Array(0)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
