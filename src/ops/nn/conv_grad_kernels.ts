import * as tfc from "@tensorflow/tfjs-core";
import { compiledProduct, gemm, type GemmProblem } from "../math/matmul_wasm.js";
import {
  float32HeapCall,
  float32Pass,
  hasKernel,
  runKernel,
  wasmBackendMemory,
} from "../tfjs_internals.js";
import {
  col2imScatter,
  forEachCol2imPlacement,
  maxPool2x2GradWhole,
  onePlanePatchesT,
  transposeCompiled,
  wholeWindow,
  type Col2imGeometry,
  type PoolGeometry,
} from "./wasm_nn_kernels.js";

/*
 * The tfjs computations behind the gradient ops of the nn ops (`Conv2DBackpropInput`,
 * `Conv2DBackpropFilter`, `MaxPoolGrad`, `AvgPoolGrad`). Pure functions of tfjs tensors, in
 * NHWC; the op kernels in
 * `conv_grad_ops.ts` convert data formats and read attributes.
 *
 * tfjs-backend-wasm has no `Conv2DBackpropFilter` kernel, and its `Conv2DBackpropInput`
 * knows no dilations, so both are computed as forward convolutions (which wasm runs
 * through XNNPACK) on rearranged operands:
 *
 * - filter gradient: dW[a, b, ci, co] = Σ_{n,i,j} xpad[n, a·dh + i·sh, b·dw + j·sw, ci] ·
 *   dy[n, i, j, co], which is a convolution of x with channels and batch swapped
 *   ([Ci, H, W, N]) by dy used as the filter ([Ho, Wo, N, Co]), with the forward
 *   op's strides as dilations and its dilations as strides;
 * - input gradient: dx[n, h, w, ci] = Σ dyD[n, h + t − a·dh, …] · W[a, b, ci, co] where dyD
 *   is dy with (stride − 1) zeros between its elements: a stride-1 convolution of the
 *   padded dyD by the spatially flipped filter with in/out channels swapped.
 */

/** The geometry of a 2-D convolution or pooling, in NHWC terms. */
export interface Conv2DGeometry {
  /** Strides along height and width. */
  strides: [number, number];
  /** Dilations along height and width. */
  dilations: [number, number];
  /** `"SAME"`, `"VALID"` or `"EXPLICIT"` (then `explicitPads` holds top, bottom, left, right). */
  padding: string;
  explicitPads?: [number, number, number, number];
}

/** TensorFlow's padding of one spatial dimension: `[before, after]`. */
function pad1d(inSize: number, k: number, s: number, d: number, padding: string): [number, number] {
  if (padding !== "SAME") return [0, 0];
  const out = Math.ceil(inSize / s);
  const total = Math.max((out - 1) * s + (k - 1) * d + 1 - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** The top, bottom, left and right padding TensorFlow applies for this geometry. */
export function convPads(
  inH: number,
  inW: number,
  kh: number,
  kw: number,
  g: Conv2DGeometry,
): [number, number, number, number] {
  if (g.padding === "EXPLICIT") return g.explicitPads ?? [0, 0, 0, 0];
  const [t, b] = pad1d(inH, kh, g.strides[0], g.dilations[0], g.padding);
  const [l, r] = pad1d(inW, kw, g.strides[1], g.dilations[1], g.padding);
  return [t, b, l, r];
}

/** Pads (positive) or crops (negative) the two spatial dims of an NHWC tensor. */
function padOrCrop(x: tfc.Tensor4D, t: number, b: number, l: number, r: number): tfc.Tensor4D {
  let out = x;
  if (t < 0 || b < 0 || l < 0 || r < 0) {
    const [n, h, w, c] = out.shape;
    const ct = Math.max(-t, 0);
    const cl = Math.max(-l, 0);
    out = tfc.slice(
      out,
      [0, ct, cl, 0],
      [n, h - ct - Math.max(-b, 0), w - cl - Math.max(-r, 0), c],
    );
  }
  const pt = Math.max(t, 0);
  const pb = Math.max(b, 0);
  const pl = Math.max(l, 0);
  const pr = Math.max(r, 0);
  if (pt + pb + pl + pr > 0) {
    out = tfc.pad(out, [
      [0, 0],
      [pt, pb],
      [pl, pr],
      [0, 0],
    ]);
  }
  return out;
}

/** dy with `sh − 1` zero rows and `sw − 1` zero columns between its elements. */
function dilateSpatial(dy: tfc.Tensor4D, sh: number, sw: number): tfc.Tensor4D {
  if (sh === 1 && sw === 1) return dy;
  const [n, h, w, c] = dy.shape;
  const spread = tfc.pad(tfc.reshape(dy, [n, h, 1, w, 1, c]), [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  const full = tfc.reshape(spread, [n, h * sh, w * sw, c]) as tfc.Tensor4D;
  return tfc.slice(full, [0, 0, 0, 0], [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c]);
}

/**
 * The gradient of a 2-D convolution with respect to its input (`Conv2DBackpropInput`),
 * as a stride-1 convolution of the zero-dilated, padded `dy` by the flipped filter.
 */
export function conv2dBackpropInputViaConv(
  inputShape: readonly number[],
  filter: tfc.Tensor4D,
  dy: tfc.Tensor4D,
  g: Conv2DGeometry,
): tfc.Tensor4D {
  return tfc.tidy(() => {
    const [, inH, inW] = inputShape as [number, number, number, number];
    const [kh, kw] = filter.shape;
    const [sh, sw] = g.strides;
    const [dh, dw] = g.dilations;
    const [t, , l] = convPads(inH, inW, kh, kw, g);
    const dyD = dilateSpatial(dy, sh, sw);
    const top = (kh - 1) * dh - t;
    const left = (kw - 1) * dw - l;
    const bottom = inH + (kh - 1) * dh - top - (dyD.shape[1] as number);
    const right = inW + (kw - 1) * dw - left - (dyD.shape[2] as number);
    const flipped = tfc.transpose(tfc.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tfc.Tensor4D;
    if (top >= 0 && bottom >= 0 && left >= 0 && right >= 0) {
      // The convolution pads by itself (XNNPACK reads zeros for the border): no padded copy.
      const pad: [[number, number], [number, number], [number, number], [number, number]] = [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ];
      return tfc.conv2d(dyD, flipped, 1, pad, "NHWC", [dh, dw]);
    }
    const padded = padOrCrop(dyD, top, bottom, left, right);
    return tfc.conv2d(padded, flipped, 1, "valid", "NHWC", [dh, dw]);
  });
}

/**
 * The gradient of a 2-D convolution with respect to its input as TensorFlow's CPU kernel
 * (`Conv2DCustomBackpropInputOp`) computes it: one matrix product of dy by the filter's
 * transpose gives every window's contribution (`[n·outH·outW, kh·kw·ci]`), which col2im
 * adds into place. Unlike the convolution form it does no work for the zeros a stride
 * puts between dy's elements: a transposed convolution with stride 2 does a quarter of
 * the multiplications.
 */
export function conv2dBackpropInputViaCol2im(
  inputShape: readonly number[],
  filter: tfc.Tensor4D,
  dy: tfc.Tensor4D,
  g: Conv2DGeometry,
): tfc.Tensor4D {
  const [n, inH, inW, ci] = inputShape as [number, number, number, number];
  const [kh, kw, , co] = filter.shape;
  const [, outH, outW] = dy.shape;
  const [sh, sw] = g.strides;
  const [dh, dw] = g.dilations;
  const [padTop, , padLeft] = convPads(inH, inW, kh, kw, g);
  const window = kh * kw * ci;
  const cols = tfc.tidy(() =>
    matMulUntransposed(
      tfc.reshape(dy, [n * outH * outW, co]),
      tfc.transpose(tfc.reshape(filter, [window, co])),
    ),
  );
  const geometry = { n, inH, inW, ci, outH, outW, kh, kw, sh, sw, dh, dw, padTop, padLeft };
  const dxShape: [number, number, number, number] = [n, inH, inW, ci];
  const size = n * inH * inW * ci;
  let made: tfc.Tensor[] | null = null;
  try {
    made = float32HeapCall([cols], 1, dxShape, ([colsAt], [dxAt]) => {
      const memory = wasmBackendMemory() as WebAssembly.Memory;
      new Float32Array(memory.buffer, dxAt as number, size).fill(0);
      if (col2imScatter(colsAt as number, dxAt as number, geometry)) return;
      const c = new Float32Array(memory.buffer, colsAt as number, cols.size);
      col2imLoop(c, new Float32Array(memory.buffer, dxAt as number, size), geometry);
    });
    if (made !== null) return made[0] as tfc.Tensor4D;
    const dx = new Float32Array(size);
    col2imLoop(cols.dataSync() as Float32Array, dx, geometry);
    return tfc.tensor4d(dx, dxShape);
  } finally {
    cols.dispose();
  }
}

/** Adds each window's values (rows of `c`) into place in `dx`, in increasing row order. */
function col2imLoop(c: Float32Array, dx: Float32Array, g: Col2imGeometry): void {
  const ci = g.ci;
  forEachCol2imPlacement(g, (from, to) => {
    for (let k = 0; k < ci; k++) dx[to + k] = (dx[to + k] as number) + (c[from + k] as number);
  });
}

/**
 * A plain matrix product, the form XNNPACK runs fast, or the compiled one where that is
 * faster (few rows: XNNPACK would first repack `b`, new at every step).
 */
function matMulUntransposed(a: tfc.Tensor, b: tfc.Tensor): tfc.Tensor2D {
  const compiled = compiledProduct(a, b, false, null, "none");
  if (compiled !== null) return compiled as tfc.Tensor2D;
  return tfc.matMul(a as tfc.Tensor2D, b as tfc.Tensor2D, false, false);
}

/**
 * The gradient of a 2-D convolution with respect to its filter (`Conv2DBackpropFilter`),
 * as a convolution of `x` (batch and channels swapped) by `dy` (as the filter).
 */
export function conv2dBackpropFilterViaConv(
  x: tfc.Tensor4D,
  filterShape: readonly number[],
  dy: tfc.Tensor4D,
  g: Conv2DGeometry,
): tfc.Tensor4D {
  const [sh, sw] = g.strides;
  const [dh, dw] = g.dilations;
  if ((sh > 1 || sw > 1) && (dh > 1 || dw > 1)) {
    // tfjs convolutions take strides or dilations, not both: gather patches instead.
    return conv2dBackpropFilterViaPatches(x, filterShape, dy, g);
  }
  return tfc.tidy(() => {
    const [kh, kw, ci, co] = filterShape as [number, number, number, number];
    const [, inH, inW] = x.shape;
    const [t, b, l, r] = convPads(inH, inW, kh, kw, g);
    const xT = tfc.transpose(x, [3, 1, 2, 0]) as tfc.Tensor4D;
    const dyT = tfc.transpose(dy, [1, 2, 0, 3]) as tfc.Tensor4D;
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [t, b],
      [l, r],
      [0, 0],
    ];
    let out = tfc.conv2d(xT, dyT, [dh, dw], pad, "NHWC", [sh, sw]);
    if (out.shape[1] !== kh || out.shape[2] !== kw)
      out = tfc.slice(out, [0, 0, 0, 0], [ci, kh, kw, co]);
    return tfc.transpose(out, [1, 2, 0, 3]) as tfc.Tensor4D;
  });
}

/**
 * The filter gradient as one matrix product of the input's patches (im2col) by dy: any
 * strides and dilations together.
 */
export function conv2dBackpropFilterViaPatches(
  x: tfc.Tensor4D,
  filterShape: readonly number[],
  dy: tfc.Tensor4D,
  g: Conv2DGeometry,
): tfc.Tensor4D {
  return tfc.tidy(() => {
    const [kh, kw, ci, co] = filterShape as [number, number, number, number];
    const [n, inH, inW] = x.shape;
    const [, outH, outW] = dy.shape;
    const [sh, sw] = g.strides;
    const [dh, dw] = g.dilations;
    const [t, b, l, r] = convPads(inH, inW, kh, kw, g);
    const xp = padOrCrop(x, t, b, l, r);
    const patches: tfc.Tensor4D[] = [];
    for (let a = 0; a < kh; a++) {
      for (let c = 0; c < kw; c++) {
        patches.push(
          tfc.stridedSlice(
            xp,
            [0, a * dh, c * dw, 0],
            [n, a * dh + (outH - 1) * sh + 1, c * dw + (outW - 1) * sw + 1, ci],
            [1, sh, sw, 1],
          ) as tfc.Tensor4D,
        );
      }
    }
    const m = n * outH * outW;
    const cols = tfc.reshape(tfc.stack(patches, 3), [m, kh * kw * ci]);
    const dy2 = tfc.reshape(dy, [m, co]);
    return tfc.reshape(tfc.matMul(tfc.transpose(cols), dy2), [kh, kw, ci, co]) as tfc.Tensor4D;
  });
}

/** tfjs's own `Conv2DBackpropInput` kernel (no dilations). */
export function conv2dBackpropInputKernel(
  inputShape: readonly number[],
  filter: tfc.Tensor4D,
  dy: tfc.Tensor4D,
  g: Conv2DGeometry,
): tfc.Tensor4D {
  const [, inH, inW] = inputShape as [number, number, number, number];
  const [kh, kw] = filter.shape;
  const [t, b, l, r] = convPads(inH, inW, kh, kw, g);
  return runKernel<tfc.Tensor4D>(
    "Conv2DBackpropInput",
    { dy, filter },
    {
      strides: g.strides,
      pad: [
        [0, 0],
        [t, b],
        [l, r],
        [0, 0],
      ],
      dataFormat: "NHWC",
      dimRoundingMode: undefined,
      inputShape: inputShape.slice(),
    },
  );
}

/** tfjs's own `Conv2DBackpropFilter` kernel (cpu only; no dilations). */
export function conv2dBackpropFilterKernel(
  x: tfc.Tensor4D,
  filterShape: readonly number[],
  dy: tfc.Tensor4D,
  g: Conv2DGeometry,
): tfc.Tensor4D {
  const [kh, kw] = filterShape as [number, number];
  const [, inH, inW] = x.shape;
  const [t, b, l, r] = convPads(inH, inW, kh, kw, g);
  return runKernel<tfc.Tensor4D>(
    "Conv2DBackpropFilter",
    { x, dy },
    {
      strides: g.strides,
      pad: [
        [0, 0],
        [t, b],
        [l, r],
        [0, 0],
      ],
      dataFormat: "NHWC",
      dimRoundingMode: undefined,
      filterShape: filterShape.slice(),
    },
  );
}

/**
 * `Conv2DBackpropInput` on the active backend: on cpu, tfjs's kernel when there is no
 * dilation (measured 1.5-12x faster there than the convolution form); elsewhere the
 * convolution form (on wasm 1.3-6x faster than wasm's own kernel, which also ignores
 * dilations).
 */
export function conv2dBackpropInput(
  inputShape: readonly number[],
  filter: tfc.Tensor4D,
  dy: tfc.Tensor4D,
  g: Conv2DGeometry,
): tfc.Tensor4D {
  const undilated = g.dilations[0] === 1 && g.dilations[1] === 1;
  if (undilated && tfc.getBackend() === "cpu" && hasKernel("Conv2DBackpropInput")) {
    return conv2dBackpropInputKernel(inputShape, filter, dy, g);
  }
  if (preferCol2im(g, filter.shape[3], dy.dtype)) {
    return conv2dBackpropInputViaCol2im(inputShape, filter, dy, g);
  }
  return conv2dBackpropInputViaConv(inputShape, filter, dy, g);
}

/**
 * Whether col2im beats the convolution form: the convolution form multiplies
 * `sh·sw − 1` zeros per real term, which costs more than col2im's JS scatter once dy has
 * a few channels (measured on wasm: 5-7x faster for a DCGAN's 5×5 stride-2 transposed
 * convolutions, slower at stride 1, where the convolution form wastes nothing).
 */
function preferCol2im(g: Conv2DGeometry, outChannels: number, dtype: string): boolean {
  const zeros = g.strides[0] * g.strides[1] - 1;
  return dtype === "float32" && zeros > 0 && zeros * outChannels >= 32;
}

/**
 * The filter gradient on wasm as the compiled matrix product (`gemm`), one product per
 * window position (kh, kw) sharing dy as its right operand: `dW[a, c, ·, ·] = Aᵀ·dy` where
 * A's rows are the input channels and its k the output positions and batch (oh, ow, n),
 * read in place from x transposed to [ci, h, phase, w / stride, n] (padded; the stride's
 * phases of a row apart, so that every row of output positions is one contiguous run).
 * The terms are added in (oh, ow, n) order from +0, zeros for the padding included, as
 * the convolution form's XNNPACK convolution adds them: bit-identical, without its
 * indirection and its repacking of dy, and no transposes of the result. `null` where the
 * compiled kernels cannot run, or for fewer than 4 input channels (rows).
 */
export function conv2dBackpropFilterCompiled(
  x: tfc.Tensor4D,
  filterShape: readonly number[],
  dy: tfc.Tensor4D,
  g: Conv2DGeometry,
): tfc.Tensor4D | null {
  if (tfc.getBackend() !== "wasm" || x.dtype !== "float32" || dy.dtype !== "float32") return null;
  const [kh, kw, ci, co] = filterShape as [number, number, number, number];
  const [n, inH, inW] = x.shape;
  const [, outH, outW] = dy.shape;
  // One input channel: the window's columns are a tile's rows (at most 8 of them).
  const onePlane = ci === 1 && kw <= 8;
  if ((ci < 4 && !onePlane) || outH * outW * n === 0 || co === 0) return null;
  const [sh, sw] = g.strides;
  const [dh, dw] = g.dilations;
  const [t, , l] = convPads(inH, inW, kh, kw, g);
  const rows = (outH - 1) * sh + (kh - 1) * dh + 1;
  const wq = outW + Math.floor(((kw - 1) * dw) / sw);
  const [xq, dyT] = tfc.tidy(() => {
    const xp = padOrCrop(x, t, rows - inH - t, l, sw * wq - inW - l);
    const phased = tfc.reshape(xp, [n, rows, wq, sw, ci]);
    const perm = [4, 1, 3, 2, 0];
    return [
      transposeCompiled(phased, perm) ?? tfc.transpose(phased, perm),
      tfc.transpose(dy, [1, 2, 0, 3]),
    ];
  });
  const sP = wq * n;
  const sH = sw * sP;
  const groups: { a: number; c: number }[] = [];
  for (let a = 0; a < kh; a++) {
    for (let c = 0; c < kw; c++) {
      const w0 = c * dw;
      groups.push({
        a: a * dh * sH + (w0 % sw) * sP + Math.floor(w0 / sw) * n,
        c: (a * kw + c) * ci * co,
      });
    }
  }
  const shared = {
    n: co,
    k: outH * outW * n,
    aK: 1,
    bK: co,
    cRow: co,
    bias: false,
    activation: "none",
    kRun: outW * n,
    aRunStride: sh * sH,
  } as const;
  const problem: GemmProblem = onePlane
    ? {
        ...shared,
        m: kh * kw,
        aRow: dh * sH,
        tileRows: groups.slice(0, kw).map((g0) => g0.a),
      }
    : { ...shared, m: ci, aRow: rows * sH, groups };
  let ran = false;
  try {
    const made = float32HeapCall([xq, dyT], 1, [kh, kw, ci, co], ([xAt, dyAt], [out]) => {
      ran = gemm(problem, xAt as number, dyAt as number, 0, out as number);
    });
    if (made === null) return null;
    if (!ran) {
      (made[0] as tfc.Tensor).dispose();
      return null;
    }
    return made[0] as tfc.Tensor4D;
  } finally {
    xq.dispose();
    dyT.dispose();
  }
}

/**
 * `Conv2DBackpropFilter` on the active backend. tfjs's cpu kernel is 15-40x slower than
 * the convolution form (measured), and wasm has none: the compiled product on wasm, else
 * the convolution form, or for a 1x1 filter one matrix product.
 */
export function conv2dBackpropFilter(
  x: tfc.Tensor4D,
  filterShape: readonly number[],
  dy: tfc.Tensor4D,
  g: Conv2DGeometry,
): tfc.Tensor4D {
  if (filterShape[0] === 1 && filterShape[1] === 1)
    return conv2dBackpropFilterViaPatches(x, filterShape, dy, g);
  const onePlane = conv2dBackpropFilterOnePlane(x, filterShape, dy, g);
  if (onePlane !== null) return onePlane;
  const compiled = conv2dBackpropFilterCompiled(x, filterShape, dy, g);
  if (compiled !== null) return compiled;
  return conv2dBackpropFilterViaConv(x, filterShape, dy, g);
}

/**
 * The filter gradient of a stride-1, undilated convolution of a one-channel input (a
 * network's first layer on grey images) as one matrix product of the transposed patch
 * matrix (built by the compiled kernel) by dy: the convolution form makes dy a filter of
 * the input's full size for 25 output positions, which XNNPACK runs at a fifth of its
 * rate (measured 5.1 → 2.6 ms on the tutorial CNN's first layer). `null` elsewhere.
 */
export function conv2dBackpropFilterOnePlane(
  x: tfc.Tensor4D,
  filterShape: readonly number[],
  dy: tfc.Tensor4D,
  g: Conv2DGeometry,
): tfc.Tensor4D | null {
  const [kh, kw, ci, co] = filterShape as [number, number, number, number];
  const undilated = g.dilations[0] === 1 && g.dilations[1] === 1;
  if (ci !== 1 || g.strides[0] !== 1 || g.strides[1] !== 1 || !undilated) return null;
  const [, inH, inW] = x.shape;
  const [n, outH, outW] = dy.shape;
  const [padTop, , padLeft] = convPads(inH, inW, kh, kw, g);
  const patchesT = onePlanePatchesT(x, kh, kw, outH, outW, padTop, padLeft);
  if (patchesT === null) return null;
  return tfc.tidy(() => {
    const product = matMulUntransposed(patchesT, tfc.reshape(dy, [n * outH * outW, co]));
    patchesT.dispose();
    return tfc.reshape(product, [kh, kw, 1, co]) as tfc.Tensor4D;
  });
}

/** tfjs pads for pooling: TensorFlow's SAME and VALID agree with tfjs's `same` and `valid`. */
function poolPad(padding: string): "same" | "valid" {
  return padding === "SAME" ? "same" : "valid";
}

/**
 * `MaxPoolGrad`: each output gradient goes to the (first) maximum of its window, as in
 * TensorFlow.
 */
export function maxPoolGrad(
  x: tfc.Tensor4D,
  y: tfc.Tensor4D,
  dy: tfc.Tensor4D,
  ksize: [number, number],
  strides: [number, number],
  padding: string,
): tfc.Tensor4D {
  if (x.dtype === "float32" && dy.dtype === "float32") {
    return maxPoolGradLoop(x, dy, ksize, strides, padding);
  }
  return runKernel<tfc.Tensor4D>(
    "MaxPoolGrad",
    { dy, input: x, output: y },
    {
      filterSize: ksize,
      strides,
      pad: poolPad(padding),
      dimRoundingMode: undefined,
    },
  );
}

/**
 * `MaxPoolGrad` as TensorFlow's CPU kernel computes it, in one pass over the input: each
 * window's maximum is the first of its positions in row-major order, replaced only by a
 * strictly greater value (so a NaN is chosen only when it comes first), and each output
 * gradient is added to its maximum's position in increasing output order. tfjs-wasm's
 * kernel gives the same values but measured 6-10x slower on the tutorial CNN's shapes.
 * The result is written straight into the new tensor's memory (on wasm, the backend's
 * heap), not built in JS and copied.
 */
function maxPoolGradLoop(
  x: tfc.Tensor4D,
  dy: tfc.Tensor4D,
  ksize: [number, number],
  strides: [number, number],
  padding: string,
): tfc.Tensor4D {
  const [n, inH, inW, depth] = x.shape;
  const [, outH, outW] = dy.shape;
  const [kh, kw] = ksize;
  const [sh, sw] = strides;
  const [padTop] = pad1d(inH, kh, sh, 1, padding);
  const [padLeft] = pad1d(inW, kw, sw, 1, padding);
  const geometry: PoolGeometry = {
    n,
    inH,
    inW,
    depth,
    outH,
    outW,
    kh,
    kw,
    sh,
    sw,
    padTop,
    padLeft,
  };
  const disjoint = sh >= kh && sw >= kw;
  if (disjoint && x.dtype === "float32" && dy.dtype === "float32") {
    const compiled = maxPoolGradCompiled(x, dy, geometry);
    if (compiled !== null) return compiled;
  }
  const body = disjoint ? maxPoolGradDisjoint : maxPoolGradOverlapping;
  const made = float32Pass([x, dy], 1, x.shape, ([xs, dys], [dx]) =>
    body(xs as Float32Array, dys as Float32Array, dx as Float32Array, geometry),
  );
  if (made !== null) return made[0] as tfc.Tensor4D;
  const dx = new Float32Array(n * inH * inW * depth);
  body(x.dataSync() as Float32Array, dy.dataSync() as Float32Array, dx, geometry);
  return tfc.tensor4d(dx, [n, inH, inW, depth]);
}

/**
 * A disjoint 2×2 pool's gradient by the compiled kernel over its whole windows (measured
 * 3.1 → 0.5 ms on 32×28×28×32), then JS for windows SAME padding clips; `null` where the
 * kernel cannot run. Values are the JS loop's, bit for bit.
 */
function maxPoolGradCompiled(
  x: tfc.Tensor4D,
  dy: tfc.Tensor4D,
  g: PoolGeometry,
): tfc.Tensor4D | null {
  let ran = true;
  const made = float32HeapCall([x, dy], 1, x.shape, ([xp, dyp], [dxp]) => {
    const memory = wasmBackendMemory();
    const xp0 = xp as number;
    const dyp0 = dyp as number;
    const dxp0 = dxp as number;
    const view = (at: number, size: number) =>
      new Float32Array((memory as WebAssembly.Memory).buffer, at, size);
    const tiled = g.padTop === 0 && g.padLeft === 0 && g.inH === 2 * g.outH && g.inW === 2 * g.outW;
    if (!tiled) view(dxp0, x.size).fill(0);
    ran = maxPool2x2GradWhole(xp0, dyp0, dxp0, g).done;
    if (!ran || tiled) return;
    // Views only now: the kernel's first run allocates its offset list.
    maxPoolGradDisjoint(view(xp0, x.size), view(dyp0, dy.size), view(dxp0, x.size), g, true);
  });
  if (made === null) return null;
  if (!ran) {
    (made[0] as tfc.Tensor).dispose();
    return null;
  }
  return made[0] as tfc.Tensor4D;
}

/**
 * Windows that overlap: gradients are summed into `dx` in increasing output order, as
 * TensorFlow's kernel does.
 */
function maxPoolGradOverlapping(
  xs: Float32Array,
  dys: Float32Array,
  dx: Float32Array,
  g: PoolGeometry,
): void {
  const { n, inH, inW, depth, outH, outW, kh, kw, sh, sw, padTop, padLeft } = g;
  dx.fill(0);
  const best = new Float32Array(depth);
  const at = new Int32Array(depth);
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let ph = 0; ph < outH; ph++) {
      const h0 = ph * sh - padTop;
      const hStart = Math.max(h0, 0);
      const hEnd = Math.min(h0 + kh, inH);
      for (let pw = 0; pw < outW; pw++) {
        const w0 = pw * sw - padLeft;
        const wStart = Math.max(w0, 0);
        const wEnd = Math.min(w0 + kw, inW);
        let first = true;
        for (let h = hStart; h < hEnd; h++) {
          for (let w = wStart; w < wEnd; w++) {
            const base = ((b * inH + h) * inW + w) * depth;
            if (first) {
              for (let d = 0; d < depth; d++) {
                best[d] = xs[base + d] as number;
                at[d] = base + d;
              }
              first = false;
              continue;
            }
            for (let d = 0; d < depth; d++) {
              const v = xs[base + d] as number;
              if ((best[d] as number) < v) {
                best[d] = v;
                at[d] = base + d;
              }
            }
          }
        }
        if (first) {
          o += depth;
          continue;
        }
        for (let d = 0; d < depth; d++, o++) {
          const i = at[d] as number;
          dx[i] = (dx[i] as number) + (dys[o] as number);
        }
      }
    }
  }
}

/**
 * Windows that do not overlap (stride at least the window, the usual 2×2 stride-2 pool):
 * each input position gets at most one gradient, so each window is settled channel by
 * channel with no per-channel scratch. `0 + dy` keeps the overlapping form's values
 * exactly (a -0 gradient lands as +0 there too).
 */
function maxPoolGradDisjoint(
  xs: Float32Array,
  dys: Float32Array,
  dx: Float32Array,
  g: PoolGeometry,
  skipWhole = false,
): void {
  const { n, inH, inW, depth, outH, outW, kh, kw, sh, sw, padTop, padLeft } = g;
  if (!skipWhole) dx.fill(0);
  const rowStride = inW * depth;
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let ph = 0; ph < outH; ph++) {
      const h0 = ph * sh - padTop;
      const hStart = Math.max(h0, 0);
      const hEnd = Math.min(h0 + kh, inH);
      for (let pw = 0; pw < outW; pw++) {
        const w0 = pw * sw - padLeft;
        const wStart = Math.max(w0, 0);
        const wEnd = Math.min(w0 + kw, inW);
        if (hStart >= hEnd || wStart >= wEnd) {
          o += depth;
          continue;
        }
        if (skipWhole && wholeWindow(g, ph, pw)) {
          o += depth;
          continue;
        }
        const corner = ((b * inH + hStart) * inW + wStart) * depth;
        if (hEnd - hStart === 2 && wEnd - wStart === 2) {
          // The whole 2×2 window inside the input: its four positions in row-major order.
          const p1 = corner + depth;
          const p2 = corner + rowStride;
          const p3 = p2 + depth;
          for (let d = 0; d < depth; d++, o++) {
            let i = corner + d;
            let v = xs[i] as number;
            if (v < (xs[p1 + d] as number)) {
              i = p1 + d;
              v = xs[i] as number;
            }
            if (v < (xs[p2 + d] as number)) {
              i = p2 + d;
              v = xs[i] as number;
            }
            if (v < (xs[p3 + d] as number)) i = p3 + d;
            dx[i] = 0 + (dys[o] as number);
          }
          continue;
        }
        for (let d = 0; d < depth; d++, o++) {
          let i = corner + d;
          let v = xs[i] as number;
          for (let h = hStart; h < hEnd; h++) {
            for (let w = wStart; w < wEnd; w++) {
              const j = ((b * inH + h) * inW + w) * depth + d;
              const u = xs[j] as number;
              if (v < u) {
                v = u;
                i = j;
              }
            }
          }
          dx[i] = 0 + (dys[o] as number);
        }
      }
    }
  }
}

/** How many of a window's positions fall inside the input, per output position. */
function windowCounts(
  inSize: number,
  outSize: number,
  k: number,
  s: number,
  before: number,
): number[] {
  const counts: number[] = [];
  for (let i = 0; i < outSize; i++) {
    const start = i * s - before;
    counts.push(Math.min(start + k, inSize) - Math.max(start, 0));
  }
  return counts;
}

/**
 * `AvgPoolGrad`: each output gradient is spread evenly over the input positions of its
 * window, divided by how many there are (TensorFlow excludes SAME padding from the
 * average). tfjs's kernel divides by the full window size, so dy is first scaled by
 * `window / count` where they differ.
 */
export function avgPoolGrad(
  inputShape: readonly number[],
  dy: tfc.Tensor4D,
  ksize: [number, number],
  strides: [number, number],
  padding: string,
): tfc.Tensor4D {
  return tfc.tidy(() => {
    const [, inH, inW] = inputShape as [number, number, number, number];
    const [, outH, outW] = dy.shape;
    const [kh, kw] = ksize;
    let scaled: tfc.Tensor4D = dy;
    if (padding === "SAME") {
      const [t] = pad1d(inH, kh, strides[0], 1, "SAME");
      const [l] = pad1d(inW, kw, strides[1], 1, "SAME");
      const rows = windowCounts(inH, outH, kh, strides[0], t);
      const cols = windowCounts(inW, outW, kw, strides[1], l);
      if (rows.some((c) => c !== kh) || cols.some((c) => c !== kw)) {
        const rowScale = tfc.tensor4d(
          rows.map((c) => kh / c),
          [1, outH, 1, 1],
        );
        const colScale = tfc.tensor4d(
          cols.map((c) => kw / c),
          [1, 1, outW, 1],
        );
        scaled = tfc.mul(dy, tfc.mul(rowScale, colScale));
      }
    }
    // The kernel reads only the input's shape.
    const like = tfc.zeros(inputShape.slice(), "float32");
    return runKernel<tfc.Tensor4D>(
      "AvgPoolGrad",
      { dy: scaled, input: like },
      {
        filterSize: ksize,
        strides,
        pad: poolPad(padding),
      },
    );
  });
}
