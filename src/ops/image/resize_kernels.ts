/*
 * The numerics of TensorFlow 1.15's CPU resize kernels (resize_bilinear_op.cc,
 * resize_nearest_neighbor_op.cc, resize_bicubic_op.cc) on NHWC buffers, in float32
 * arithmetic as TF's kernels compute (every intermediate rounded with `Math.fround`).
 * tfjs's resize kernels are not used: their coordinate arithmetic runs in float64 (or
 * differs at the edges), so results would differ from TF's in the last bits.
 */

const f = Math.fround;

/** NHWC dimensions of a batch of images. */
export interface Nhwc {
  batch: number;
  height: number;
  width: number;
  channels: number;
}

/** `CalculateResizeScale(in_size, out_size, align_corners)` in float32. */
export function resizeScale(inSize: number, outSize: number, alignCorners: boolean): number {
  return alignCorners && outSize > 1 ? f((inSize - 1) / f(outSize - 1)) : f(inSize / f(outSize));
}

/** `LegacyScaler` (`x * scale`) or `HalfPixelScaler` (`(x + 0.5) * scale - 0.5`). */
function scaled(x: number, scale: number, halfPixel: boolean): number {
  return halfPixel ? f(f(f(x + 0.5) * scale) - 0.5) : f(x * scale);
}

interface Interpolation {
  lower: Int32Array;
  upper: Int32Array;
  lerp: Float32Array;
}

/** `compute_interpolation_weights`: each output index's two input indices and weight. */
function interpolationWeights(
  outSize: number,
  inSize: number,
  scale: number,
  halfPixel: boolean,
): Interpolation {
  const lower = new Int32Array(outSize);
  const upper = new Int32Array(outSize);
  const lerp = new Float32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const at = scaled(i, scale, halfPixel);
    const floor = Math.floor(at);
    lower[i] = Math.max(floor, 0);
    upper[i] = Math.min(Math.ceil(at), inSize - 1);
    lerp[i] = at - floor;
  }
  return { lower, upper, lerp };
}

/** `ResizeBilinear`: float32 output of shape `[batch, outH, outW, channels]`. */
export function resizeBilinearValues(
  input: ArrayLike<number>,
  d: Nhwc,
  outH: number,
  outW: number,
  alignCorners: boolean,
  halfPixel: boolean,
): Float32Array {
  const out = new Float32Array(d.batch * outH * outW * d.channels);
  const ys = interpolationWeights(
    outH,
    d.height,
    resizeScale(d.height, outH, alignCorners),
    halfPixel,
  );
  const xs = interpolationWeights(
    outW,
    d.width,
    resizeScale(d.width, outW, alignCorners),
    halfPixel,
  );
  const c = d.channels;
  const rowStride = d.width * c;
  let o = 0;
  for (let b = 0; b < d.batch; b++) {
    const base = b * d.height * rowStride;
    for (let y = 0; y < outH; y++) {
      const top = base + (ys.lower[y] as number) * rowStride;
      const bottom = base + (ys.upper[y] as number) * rowStride;
      const yLerp = ys.lerp[y] as number;
      for (let x = 0; x < outW; x++) {
        const left = (xs.lower[x] as number) * c;
        const right = (xs.upper[x] as number) * c;
        const xLerp = xs.lerp[x] as number;
        for (let k = 0; k < c; k++) {
          const tl = f(input[top + left + k] as number);
          const tr = f(input[top + right + k] as number);
          const bl = f(input[bottom + left + k] as number);
          const br = f(input[bottom + right + k] as number);
          const t = f(tl + f(f(tr - tl) * xLerp));
          const bo = f(bl + f(f(br - bl) * xLerp));
          out[o++] = f(t + f(f(bo - t) * yLerp));
        }
      }
    }
  }
  return out;
}

/**
 * `ResizeBilinearGrad`: the gradient `grads` (`[batch, resizedH, resizedW, channels]`)
 * spread back onto the original image's `[batch, origH, origW, channels]`.
 */
export function resizeBilinearGradValues(
  grads: ArrayLike<number>,
  g: Nhwc,
  origH: number,
  origW: number,
  alignCorners: boolean,
  halfPixel: boolean,
): Float32Array {
  const c = g.channels;
  const out = new Float32Array(g.batch * origH * origW * c);
  const hScale = resizeScale(origH, g.height, alignCorners);
  const wScale = resizeScale(origW, g.width, alignCorners);
  const rowStride = origW * c;
  let i = 0;
  for (let b = 0; b < g.batch; b++) {
    const base = b * origH * rowStride;
    for (let y = 0; y < g.height; y++) {
      const inY = scaled(y, hScale, halfPixel);
      const top = base + Math.max(Math.floor(inY), 0) * rowStride;
      const bottom = base + Math.min(Math.ceil(inY), origH - 1) * rowStride;
      const yLerp = f(inY - Math.floor(inY));
      const yInv = f(1 - yLerp);
      for (let x = 0; x < g.width; x++) {
        const inX = scaled(x, wScale, halfPixel);
        const left = Math.max(Math.floor(inX), 0) * c;
        const right = Math.min(Math.ceil(inX), origW - 1) * c;
        const xLerp = f(inX - Math.floor(inX));
        const xInv = f(1 - xLerp);
        for (let k = 0; k < c; k++) {
          const v = f(grads[i++] as number);
          out[top + left + k] = f((out[top + left + k] as number) + f(f(v * yInv) * xInv));
          out[top + right + k] = f((out[top + right + k] as number) + f(f(v * yInv) * xLerp));
          out[bottom + left + k] = f((out[bottom + left + k] as number) + f(f(v * yLerp) * xInv));
          out[bottom + right + k] = f(
            (out[bottom + right + k] as number) + f(f(v * yLerp) * xLerp),
          );
        }
      }
    }
  }
  return out;
}

/**
 * The input index nearest-neighbor resizing reads for output index `i`: rounded when
 * aligning corners, floored otherwise, with the half-pixel scaler that omits the `- 0.5`.
 */
function nearestIndex(
  i: number,
  scale: number,
  inSize: number,
  alignCorners: boolean,
  halfPixel: boolean,
): number {
  const at = halfPixel ? f(f(i + 0.5) * scale) : f(i * scale);
  // roundf rounds halves away from zero; the coordinates here are never negative.
  const idx = Math.min(alignCorners ? Math.floor(at + 0.5) : Math.floor(at), inSize - 1);
  return halfPixel ? Math.max(0, idx) : idx;
}

/** `ResizeNearestNeighbor`: values of the input's own type, `[batch, outH, outW, channels]`. */
export function resizeNearestValues<T extends Float32Array | Int32Array>(
  input: T,
  d: Nhwc,
  outH: number,
  outW: number,
  alignCorners: boolean,
  halfPixel: boolean,
): T {
  const c = d.channels;
  const out = new (input.constructor as new (n: number) => T)(d.batch * outH * outW * c);
  const hScale = resizeScale(d.height, outH, alignCorners);
  const wScale = resizeScale(d.width, outW, alignCorners);
  const xIdx = Array.from({ length: outW }, (_, x) =>
    nearestIndex(x, wScale, d.width, alignCorners, halfPixel),
  );
  let o = 0;
  for (let b = 0; b < d.batch; b++) {
    for (let y = 0; y < outH; y++) {
      const row =
        (b * d.height + nearestIndex(y, hScale, d.height, alignCorners, halfPixel)) * d.width;
      for (let x = 0; x < outW; x++) {
        const from = (row + (xIdx[x] as number)) * c;
        out.set(input.subarray(from, from + c), o);
        o += c;
      }
    }
  }
  return out;
}

/**
 * `ResizeNearestNeighborGrad`: each gradient value added to the original pixel it was
 * read from (TF's grad kernel applies no lower clamp).
 */
export function resizeNearestGradValues<T extends Float32Array | Int32Array>(
  grads: T,
  g: Nhwc,
  origH: number,
  origW: number,
  alignCorners: boolean,
  halfPixel: boolean,
): T {
  const c = g.channels;
  const out = new (grads.constructor as new (n: number) => T)(g.batch * origH * origW * c);
  const hScale = resizeScale(origH, g.height, alignCorners);
  const wScale = resizeScale(origW, g.width, alignCorners);
  const float = grads instanceof Float32Array;
  for (let y = 0; y < g.height; y++) {
    const outY = nearestIndex(y, hScale, origH, alignCorners, halfPixel);
    for (let x = 0; x < g.width; x++) {
      const outX = nearestIndex(x, wScale, origW, alignCorners, halfPixel);
      for (let b = 0; b < g.batch; b++) {
        const from = ((b * g.height + y) * g.width + x) * c;
        const to = ((b * origH + outY) * origW + outX) * c;
        for (let k = 0; k < c; k++) {
          const sum = (out[to + k] as number) + (grads[from + k] as number);
          out[to + k] = float ? f(sum) : sum | 0;
        }
      }
    }
  }
  return out;
}

const TABLE_SIZE = 1024;

/** `InitCoeffsTable(a)`: the cubic kernel sampled at 1/1024 steps, two taps per step. */
function coeffsTable(a: number): Float32Array {
  const table = new Float32Array((TABLE_SIZE + 1) * 2);
  for (let i = 0; i <= TABLE_SIZE; i++) {
    let x = f(i / TABLE_SIZE);
    table[i * 2] = ((a + 2) * x - (a + 3)) * x * x + 1;
    x = f(x + 1);
    table[i * 2 + 1] = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  }
  return table;
}

// Keys' cubic (a = -0.5) with half-pixel centers, the legacy a = -0.75 otherwise.
const KEYS_TABLE = coeffsTable(-0.5);
const LEGACY_TABLE = coeffsTable(-0.75);

/** C's `lrintf`: round half to even. */
function lrint(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

interface CubicTaps {
  index: [number, number, number, number];
  weight: [number, number, number, number];
}

/** `GetWeightsAndIndices`: the four input indices and weights of output index `outLoc`. */
function cubicTaps(scale: number, outLoc: number, limit: number, halfPixel: boolean): CubicTaps {
  const at = scaled(outLoc, scale, halfPixel);
  const inLoc = Math.floor(at);
  const delta = f(at - inLoc);
  const offset = lrint(f(delta * TABLE_SIZE));
  const bound = (v: number): number => Math.min(limit - 1, Math.max(0, v));
  const index: [number, number, number, number] = [
    bound(inLoc - 1),
    bound(inLoc),
    bound(inLoc + 1),
    bound(inLoc + 2),
  ];
  const table = halfPixel ? KEYS_TABLE : LEGACY_TABLE;
  const raw = [
    table[offset * 2 + 1] as number,
    table[offset * 2] as number,
    table[(TABLE_SIZE - offset) * 2] as number,
    table[(TABLE_SIZE - offset) * 2 + 1] as number,
  ];
  if (!halfPixel) return { index, weight: raw as [number, number, number, number] };
  // Taps outside the image get no weight and the rest are renormalized, as
  // scale_and_translate does, instead of the legacy repetition of edge pixels.
  const w = raw.map((v, k) => (index[k] === inLoc - 1 + k ? v : 0));
  const sum = f(f(f((w[0] as number) + (w[1] as number)) + (w[2] as number)) + (w[3] as number));
  if (Math.abs(sum) >= 1000 * 1.1754943508222875e-38) {
    const inv = f(1 / sum);
    for (let k = 0; k < 4; k++) w[k] = f((w[k] as number) * inv);
  }
  return { index, weight: w as [number, number, number, number] };
}

function dot4(v: readonly number[], w: readonly number[]): number {
  return f(
    f(
      f(f((v[0] as number) * (w[0] as number)) + f((v[1] as number) * (w[1] as number))) +
        f((v[2] as number) * (w[2] as number)),
    ) + f((v[3] as number) * (w[3] as number)),
  );
}

/** `ResizeBicubic`: float32 output, each value interpolated along y, then along x. */
export function resizeBicubicValues(
  input: ArrayLike<number>,
  d: Nhwc,
  outH: number,
  outW: number,
  alignCorners: boolean,
  halfPixel: boolean,
): Float32Array {
  const c = d.channels;
  const out = new Float32Array(d.batch * outH * outW * c);
  const hScale = resizeScale(d.height, outH, alignCorners);
  const wScale = resizeScale(d.width, outW, alignCorners);
  const xTaps = Array.from({ length: outW }, (_, x) => cubicTaps(wScale, x, d.width, halfPixel));
  const column = [0, 0, 0, 0];
  const rows = [0, 0, 0, 0];
  let o = 0;
  for (let b = 0; b < d.batch; b++) {
    for (let y = 0; y < outH; y++) {
      const yt = cubicTaps(hScale, y, d.height, halfPixel);
      for (let r = 0; r < 4; r++) rows[r] = (b * d.height + (yt.index[r] as number)) * d.width;
      for (let x = 0; x < outW; x++) {
        const xt = xTaps[x] as CubicTaps;
        for (let k = 0; k < c; k++) {
          for (let j = 0; j < 4; j++) {
            const px = xt.index[j] as number;
            column[j] = dot4(
              rows.map((row) => f(input[(row + px) * c + k] as number)),
              yt.weight,
            );
          }
          out[o++] = dot4(column, xt.weight);
        }
      }
    }
  }
  return out;
}

/** `ResizeBicubicGrad`: each gradient value spread over its 4×4 taps. */
export function resizeBicubicGradValues(
  grads: ArrayLike<number>,
  g: Nhwc,
  origH: number,
  origW: number,
  alignCorners: boolean,
  halfPixel: boolean,
): Float32Array {
  const c = g.channels;
  const out = new Float32Array(g.batch * origH * origW * c);
  const hScale = resizeScale(origH, g.height, alignCorners);
  const wScale = resizeScale(origW, g.width, alignCorners);
  const xTaps = Array.from({ length: g.width }, (_, x) => cubicTaps(wScale, x, origW, halfPixel));
  let i = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let y = 0; y < g.height; y++) {
      const yt = cubicTaps(hScale, y, origH, halfPixel);
      for (let x = 0; x < g.width; x++) {
        const xt = xTaps[x] as CubicTaps;
        for (let k = 0; k < c; k++) {
          const v = f(grads[i++] as number);
          for (let r = 0; r < 4; r++) {
            const rowBase = (b * origH + (yt.index[r] as number)) * origW;
            const vy = f(v * (yt.weight[r] as number));
            for (let j = 0; j < 4; j++) {
              const at = (rowBase + (xt.index[j] as number)) * c + k;
              out[at] = f((out[at] as number) + f(vy * (xt.weight[j] as number)));
            }
          }
        }
      }
    }
  }
  return out;
}

/** resize_area_op.cc's `Bound`: clamps an index into `[0, limit)`. */
function bound(v: number, limit: number): number {
  return Math.min(limit - 1, Math.max(0, v));
}

/** The weight of input cell `i` in the output cell spanning `[lo, hi)` (`scale` its width). */
function areaWeight(i: number, lo: number, hi: number, scale: number): number {
  if (i < lo) return i + 1 > hi ? scale : f(i + 1 - lo);
  return i + 1 > hi ? f(hi - i) : 1;
}

/**
 * `ResizeArea`: each output value the area-weighted mean of the input cells its footprint
 * covers, summed as TF's `ComputePatchSum` does (a row's cells, first and last weighted,
 * then the rows by their weights, then times `1 / (height_scale * width_scale)`).
 */
export function resizeAreaValues(
  input: ArrayLike<number>,
  d: Nhwc,
  outH: number,
  outW: number,
  alignCorners: boolean,
): Float32Array {
  const c = d.channels;
  const out = new Float32Array(d.batch * outH * outW * c);
  const hScale = resizeScale(d.height, outH, alignCorners);
  const wScale = resizeScale(d.width, outW, alignCorners);
  const xs = Array.from({ length: outW }, (_, x) => {
    const lo = f(x * wScale);
    const hi = f((x + 1) * wScale);
    const start = Math.floor(lo);
    const end = Math.ceil(hi);
    return {
      start,
      end,
      startScale: areaWeight(start, lo, hi, wScale),
      endScale: areaWeight(end - 1, lo, hi, wScale),
    };
  });
  const scale = f(1 / f(hScale * wScale));
  let o = 0;
  for (let b = 0; b < d.batch; b++) {
    for (let y = 0; y < outH; y++) {
      const lo = f(y * hScale);
      const hi = f((y + 1) * hScale);
      const rows: number[] = [];
      const weights: number[] = [];
      for (let i = Math.floor(lo); i < Math.ceil(hi); i++) {
        weights.push(areaWeight(i, lo, hi, hScale));
        rows.push((b * d.height + bound(i, d.height)) * d.width);
      }
      for (const xi of xs) {
        for (let k = 0; k < c; k++) {
          let sum = 0;
          rows.forEach((row, r) => {
            const at = (x: number): number => f(input[(row + bound(x, d.width)) * c + k] as number);
            let sumY = f(at(xi.start) * xi.startScale);
            if (xi.start + 1 !== xi.end) {
              for (let x = xi.start + 1; x < xi.end - 1; x++) sumY = f(sumY + at(x));
              sumY = f(sumY + f(at(xi.end - 1) * xi.endScale));
            }
            sum = f(sum + f(sumY * (weights[r] as number)));
          });
          out[o++] = f(sum * scale);
        }
      }
    }
  }
  return out;
}
