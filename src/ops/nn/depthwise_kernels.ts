import * as tfc from "@tensorflow/tfjs-core";

/*
 * The tfjs computations of TensorFlow's depthwise convolution ops, in NHWC, with TF's
 * filter layout `[kh, kw, in, multiplier]` (output channel `c * multiplier + m`, which is
 * also tfjs's). tfjs-backend-wasm has a forward `DepthwiseConv2dNative` kernel but neither
 * backprop kernel, so both gradients are written with ops every backend runs: the input
 * gradient as a forward depthwise convolution of the zero-upsampled `dy`, the filter
 * gradient as one product with `dy` per filter tap.
 */

/** The window geometry of a depthwise convolution (height, width pairs). */
export interface DepthwiseGeometry {
  strides: [number, number];
  dilations: [number, number];
  padding: "SAME" | "VALID";
}

/** The padding before the first row (or column): TF's `GetWindowedOutputSize` rule. */
export function padBefore(
  input: number,
  filter: number,
  stride: number,
  dilation: number,
  padding: "SAME" | "VALID",
): number {
  if (padding === "VALID") return 0;
  const effective = (filter - 1) * dilation + 1;
  const out = Math.ceil(input / stride);
  return Math.floor(Math.max((out - 1) * stride + effective - input, 0) / 2);
}

/** `DepthwiseConv2dNative`: `x` `[N, H, W, C]` by `filter` `[kh, kw, C, M]`. */
export function depthwiseConv2d(
  x: tfc.Tensor4D,
  filter: tfc.Tensor4D,
  g: DepthwiseGeometry,
): tfc.Tensor4D {
  return tfc.depthwiseConv2d(
    x,
    filter,
    g.strides,
    g.padding === "SAME" ? "same" : "valid",
    "NHWC",
    g.dilations,
  );
}

/**
 * `DepthwiseConv2dNativeBackpropInput`: each output channel `c*M+m` of the transposed
 * convolution is a correlation of `dy`'s channel (upsampled by the stride) with the
 * flipped filter `f[:, :, c, m]`; summing over `m` gives the input channel `c`.
 */
export function depthwiseBackpropInput(
  inputShape: readonly number[],
  filter: tfc.Tensor4D,
  dy: tfc.Tensor4D,
  g: DepthwiseGeometry,
): tfc.Tensor4D {
  return tfc.tidy(() => {
    const [n, h, w, c] = inputShape as [number, number, number, number];
    const [kh, kw, , m] = filter.shape;
    const [, oh, ow, k] = dy.shape;
    const [sh, sw] = g.strides;
    const [dh, dw] = g.dilations;
    let up: tfc.Tensor4D = dy;
    if (sh > 1 || sw > 1) {
      // Zeros between dy's elements: a [.., 1, .., 1, ..] view padded to the stride.
      const spread = tfc.pad(tfc.reshape(dy, [n, oh, 1, ow, 1, k]), [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ]);
      up = tfc.slice(
        tfc.reshape(spread, [n, oh * sh, ow * sw, k]),
        [0, 0, 0, 0],
        [n, (oh - 1) * sh + 1, (ow - 1) * sw + 1, k],
      ) as tfc.Tensor4D;
    }
    const ekh = (kh - 1) * dh + 1;
    const ekw = (kw - 1) * dw + 1;
    const top = ekh - 1 - padBefore(h, kh, sh, dh, g.padding);
    const left = ekw - 1 - padBefore(w, kw, sw, dw, g.padding);
    const bottom = h + ekh - 1 - top - up.shape[1];
    const right = w + ekw - 1 - left - up.shape[2];
    const padded = tfc.pad(up, [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ]);
    const flipped = tfc.reshape(tfc.reverse(filter, [0, 1]), [kh, kw, c * m, 1]);
    const perOutput = tfc.depthwiseConv2d(padded, flipped as tfc.Tensor4D, 1, "valid", "NHWC", [
      dh,
      dw,
    ]);
    if (m === 1) return perOutput;
    return tfc.sum(tfc.reshape(perOutput, [n, h, w, c, m]), 4) as tfc.Tensor4D;
  });
}

/**
 * `DepthwiseConv2dNativeBackpropFilter`: `df[i, j, c, m] = Σ x_pad[n, y*s + i*d, x*s +
 * j*d, c] · dy[n, y, x, c*M+m]`, for each tap `(i, j)` the strided slice of the padded
 * input times `dy`, summed over its rows.
 */
export function depthwiseBackpropFilter(
  x: tfc.Tensor4D,
  filterShape: readonly number[],
  dy: tfc.Tensor4D,
  g: DepthwiseGeometry,
): tfc.Tensor4D {
  return tfc.tidy(() => {
    const [n, h, w, c] = x.shape;
    const [kh, kw, , m] = filterShape as [number, number, number, number];
    const [, oh, ow] = dy.shape;
    const [sh, sw] = g.strides;
    const [dh, dw] = g.dilations;
    const top = padBefore(h, kh, sh, dh, g.padding);
    const left = padBefore(w, kw, sw, dw, g.padding);
    const needH = (kh - 1) * dh + (oh - 1) * sh + 1;
    const needW = (kw - 1) * dw + (ow - 1) * sw + 1;
    const xp = tfc.pad(x, [
      [0, 0],
      [top, Math.max(0, needH - h - top)],
      [left, Math.max(0, needW - w - left)],
      [0, 0],
    ]);
    const rows = n * oh * ow;
    const d = tfc.reshape(dy, m === 1 ? [rows, c] : [rows, c, m]);
    // Sums over the rows as one [1, rows] by [rows, C*M] product (no transposes).
    const ones = tfc.ones([1, rows]);
    const taps: tfc.Tensor[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        // A plain slice when unstrided: tfjs's slice kernels copy rows, not elements.
        const patch =
          sh === 1 && sw === 1
            ? tfc.slice(xp, [0, i * dh, j * dw, 0], [n, oh, ow, c])
            : tfc.stridedSlice(
                xp,
                [0, i * dh, j * dw, 0],
                [n, i * dh + (oh - 1) * sh + 1, j * dw + (ow - 1) * sw + 1, c],
                [1, sh, sw, 1],
              );
        const prod = tfc.mul(tfc.reshape(patch, m === 1 ? [rows, c] : [rows, c, 1]), d);
        taps.push(tfc.matMul(ones, tfc.reshape(prod, [rows, c * m]) as tfc.Tensor2D));
      }
    }
    return tfc.reshape(tfc.concat(taps, 0), [kh, kw, c, m]) as tfc.Tensor4D;
  });
}
