import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, ValueError } from "../../errors.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import {
  intKind,
  numberKind,
  opt,
  req,
  scalarKind,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { noGradient, notDifferentiable, registerOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { randomUniform } from "../random/random_ops.js";
import { convertImageDtype, inGraphOf } from "./image_ops.js";

/*
 * TF 1.15's color-space ops (`RGBToHSV`, `HSVToRGB`, colorspace_op.h) and hue/saturation
 * adjustments (`AdjustHue`, `AdjustSaturation`, adjust_hue_op.cc and
 * adjust_saturation_op.cc), in float32 arithmetic as TF's CPU kernels, and the
 * image_ops_impl functions over them.
 */

const f = Math.fround;

function fail(op: Operation, message: string): never {
  throw new InvalidArgumentError(`${message}\n\t [[{{node ${op.name}}}]]`, op.name);
}

/** TF's `ColorspaceShapeFn`: at least rank 1, the last dim 3. */
function colorspaceShape(name: string, type: string, images: Tensor): TensorShape {
  const si = new ShapeInference(name, type, [images.shape]);
  const dims = si.withRankAtLeast(images.shape, 1);
  if (dims === null) return TensorShape.unknown();
  dims[dims.length - 1] = si.withValue(dims[dims.length - 1] as Dim, 3);
  return new TensorShape(dims);
}

/** `UnchangedShapeWithRankAtLeast(c, 3)`. */
function atLeast3Shape(name: string, type: string, images: Tensor): TensorShape {
  const si = new ShapeInference(name, type, [images.shape]);
  const dims = si.withRankAtLeast(images.shape, 3);
  return dims === null ? TensorShape.unknown() : new TensorShape(dims);
}

/** Runs `fn(r, g, b, out, at)` over each pixel of a `[..., 3]` float32 tensor. */
function perPixel(
  op: Operation,
  x: tfc.Tensor,
  fn: (r: number, g: number, b: number, out: Float32Array, at: number) => void,
): tfc.Tensor {
  if (x.rank < 1 || x.shape[x.rank - 1] !== 3) {
    fail(
      op,
      `input must have 3 channels but input only has ${String(x.shape[x.rank - 1])} channels.`,
    );
  }
  const v = x.dataSync() as Float32Array;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i += 3)
    fn(v[i] as number, v[i + 1] as number, v[i + 2] as number, out, i);
  return tfc.tensor(out, x.shape, "float32");
}

/** colorspace_op.h's RGB → HSV (hue in [0, 1)). */
function rgbToHsvPixel(r: number, g: number, b: number, out: Float32Array, at: number): void {
  const v = Math.max(r, g, b);
  const range = f(v - Math.min(r, g, b));
  const s = v > 0 ? f(range / v) : 0;
  const norm = f(f(1 / range) * f(1 / 6));
  let h: number;
  if (r === v) h = f(norm * f(g - b));
  else if (g === v) h = f(f(norm * f(b - r)) + f(2 / 6));
  else h = f(f(norm * f(r - g)) + f(4 / 6));
  if (!(range > 0)) h = 0;
  if (h < 0) h = f(h + 1);
  out[at] = h;
  out[at + 1] = s;
  out[at + 2] = v;
}

/** colorspace_op.h's HSV → RGB. */
function hsvToRgbPixel(h: number, s: number, v: number, out: Float32Array, at: number): void {
  const dh = f(h * 6);
  const clamp = (x: number): number => Math.min(Math.max(x, 0), 1);
  const dr = clamp(f(Math.abs(f(dh - 3)) - 1));
  const dg = clamp(f(-Math.abs(f(dh - 2)) + 2));
  const db = clamp(f(-Math.abs(f(dh - 4)) + 2));
  const oneS = f(-s + 1);
  out[at] = f(f(oneS + f(s * dr)) * v);
  out[at + 1] = f(f(oneS + f(s * dg)) * v);
  out[at + 2] = f(f(oneS + f(s * db)) * v);
}

/** adjust_hue_op.cc's `rgb_to_hv`: hue in [0, 6) and the value range. */
function rgbToHv(r: number, g: number, b: number): [number, number, number] {
  let vMax: number;
  let vMid: number;
  let vMin: number;
  let category: number;
  if (r < g) {
    if (b < r) [vMax, vMid, vMin, category] = [g, r, b, 1];
    else if (b > g) [vMax, vMid, vMin, category] = [b, g, r, 3];
    else [vMax, vMid, vMin, category] = [g, b, r, 2];
  } else if (b < g) [vMax, vMid, vMin, category] = [r, g, b, 0];
  else if (b > r) [vMax, vMid, vMin, category] = [b, r, g, 4];
  else [vMax, vMid, vMin, category] = [r, b, g, 5];
  if (vMax === vMin) return [0, vMin, vMax];
  const ratio = f(f(vMid - vMin) / f(vMax - vMin));
  const increase = (category & 1) === 0;
  return [f(category + (increase ? ratio : f(1 - ratio))), vMin, vMax];
}

/** adjust_hue_op.cc's `hv_range_to_rgb`. */
function hvRangeToRgb(h: number, vMin: number, vMax: number, out: Float32Array, at: number): void {
  const category = Math.trunc(h);
  let ratio = f(h - category);
  if ((category & 1) !== 0) ratio = f(1 - ratio);
  const vMid = f(vMin + f(ratio * f(vMax - vMin)));
  const rgb: Record<number, [number, number, number]> = {
    0: [vMax, vMid, vMin],
    1: [vMid, vMax, vMin],
    2: [vMin, vMax, vMid],
    3: [vMin, vMid, vMax],
    4: [vMid, vMin, vMax],
  };
  out.set(rgb[category] ?? [vMax, vMin, vMid], at);
}

/** adjust_saturation_op.cc's `hsv_to_rgb`. */
function saturationHsvToRgb(h: number, s: number, v: number, out: Float32Array, at: number): void {
  const c = f(s * v);
  const m = f(v - c);
  const dh = f(h * 6);
  const category = Math.trunc(dh);
  let fmodu = dh;
  while (fmodu <= 0) fmodu = f(fmodu + 2);
  while (fmodu >= 2) fmodu = f(fmodu - 2);
  const x = f(c * f(1 - Math.abs(f(fmodu - 1))));
  const table: Record<number, [number, number, number]> = {
    0: [c, x, 0],
    1: [x, c, 0],
    2: [0, c, x],
    3: [0, x, c],
    4: [x, 0, c],
    5: [c, 0, x],
  };
  const [rr, gg, bb] = table[category] ?? [0, 0, 0];
  out[at] = f(rr + m);
  out[at + 1] = f(gg + m);
  out[at + 2] = f(bb + m);
}

/** adjust_saturation_op.cc's `rgb_to_hsv` (the hue's constants in double, as written there). */
function saturationRgbToHsv(r: number, g: number, b: number): [number, number, number] {
  const vv = Math.max(r, g, b);
  const range = f(vv - Math.min(r, g, b));
  const s = vv > 0 ? f(range / vv) : 0;
  const norm = f(1 / f(6 * range));
  let hh: number;
  if (r === vv) hh = f(norm * f(g - b));
  else if (g === vv) hh = f(f(norm * f(b - r)) + 2.0 / 6.0);
  else hh = f(f(norm * f(r - g)) + 4.0 / 6.0);
  if (range <= 0) hh = 0;
  if (hh < 0) hh = f(hh + 1);
  return [hh, s, vv];
}

const COLORSPACE_DEF = {
  inputs: ["images: T"],
  outputs: ["output: T"],
  attrs: ["T: {half, bfloat16, float, double} = float"],
};

registerOp({
  type: "RGBToHSV",
  opDef: COLORSPACE_DEF,
  inferShapes: (op) => [colorspaceShape(op.name, op.type, op.inputs[0] as Tensor)],
  kernel: ([images], op) => [perPixel(op, images as tfc.Tensor, rgbToHsvPixel)],
});

registerOp({
  type: "HSVToRGB",
  opDef: COLORSPACE_DEF,
  inferShapes: (op) => [colorspaceShape(op.name, op.type, op.inputs[0] as Tensor)],
  kernel: ([images], op) => [perPixel(op, images as tfc.Tensor, hsvToRgbPixel)],
});

function scalarOf(op: Operation, t: tfc.Tensor, what: string): number {
  if (t.rank !== 0) fail(op, `${what} must be scalar: [${t.shape.join(",")}]`);
  return f((t.dataSync() as Float32Array)[0] as number);
}

function checkImages(op: Operation, x: tfc.Tensor): void {
  if (x.rank < 3) fail(op, `input must be at least 3-D, got shape[${x.shape.join(",")}]`);
}

registerOp({
  type: "AdjustHue",
  opDef: {
    inputs: ["images: T", "delta: float"],
    outputs: ["output: T"],
    attrs: ["T: {half, float} = float"],
  },
  inferShapes: (op) => [atLeast3Shape(op.name, op.type, op.inputs[0] as Tensor)],
  kernel: ([images, delta], op) => {
    checkImages(op, images as tfc.Tensor);
    const d = scalarOf(op, delta as tfc.Tensor, "delta");
    return [
      perPixel(op, images as tfc.Tensor, (r, g, b, out, at) => {
        const [h0, vMin, vMax] = rgbToHv(r, g, b);
        let h = f(h0 + f(d * 6));
        while (h < 0) h = f(h + 6);
        while (h >= 6) h = f(h - 6);
        hvRangeToRgb(h, vMin, vMax, out, at);
      }),
    ];
  },
});

registerOp({
  type: "AdjustSaturation",
  opDef: {
    inputs: ["images: T", "scale: float"],
    outputs: ["output: T"],
    attrs: ["T: {half, float} = float"],
  },
  inferShapes: (op) => [atLeast3Shape(op.name, op.type, op.inputs[0] as Tensor)],
  kernel: ([images, scale], op) => {
    checkImages(op, images as tfc.Tensor);
    const k = scalarOf(op, scale as tfc.Tensor, "scale");
    return [
      perPixel(op, images as tfc.Tensor, (r, g, b, out, at) => {
        const [h, s, v] = saturationRgbToHsv(r, g, b);
        saturationHsvToRgb(h, Math.min(1, Math.max(0, f(s * k))), v, out, at);
      }),
    ];
  },
});

// `ops.NotDifferentiable('HSVToRGB')` in image_ops_impl.py; TF 1.15 registers no gradient
// for the others.
notDifferentiable("HSVToRGB");
noGradient(false, "RGBToHSV", "AdjustHue", "AdjustSaturation");

function checkFloat(images: Tensor, type: string): void {
  if (images.dtype !== "float32") {
    throw new TypeError(
      `Value passed to parameter 'images' has DataType ${images.dtype} not in list of allowed values: ${type === "colorspace" ? "float16, bfloat16, float32, float64" : "float16, float32"}`,
    );
  }
}

const COLORSPACE_PARAMS = [req("images", tensorKind), opt("name", stringKind)] as const;

function colorspaceOp(type: "RGBToHSV" | "HSVToRGB", images: TensorLike, name?: string): Tensor {
  return inOpScope(name, type, [images], (scope, graph) => {
    const x = convertToTensor(images, { name: "images" });
    checkFloat(x, "colorspace");
    return makeOp(
      graph,
      type,
      scope,
      [x],
      [{ dtype: x.dtype, shape: colorspaceShape(opNameOf(scope), type, x) }],
      { T: x.dtype },
    ).outputs[0] as Tensor;
  });
}

/**
 * RGB to HSV (`tf.image.rgb_to_hsv`, op `RGBToHSV`): float images in [0, 1], the last
 * dim the three channels; hue in [0, 1).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.image.rgbToHsv(tf.constant([0, 0.5, 1]))); // ==> [0.5833334 1.        1.       ]
 * ```
 */
export const rgbToHsv = tfFunction("image.rgbToHsv", COLORSPACE_PARAMS, (a) =>
  colorspaceOp("RGBToHSV", a.images, a.name),
);

/**
 * HSV to RGB (`tf.image.hsv_to_rgb`, op `HSVToRGB`), the inverse of {@link rgbToHsv}.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.image.hsvToRgb(tf.constant([0.5, 1, 1]))); // ==> [0. 1. 1.]
 * ```
 */
export const hsvToRgb = tfFunction("image.hsvToRgb", COLORSPACE_PARAMS, (a) =>
  colorspaceOp("HSVToRGB", a.images, a.name),
);

/** `adjust_hue` / `adjust_saturation`: the op on the float image, converted back. */
function adjustOp(
  type: "AdjustHue" | "AdjustSaturation",
  scopeName: string,
  image: TensorLike,
  amount: TensorLike,
  name: string | undefined,
): Tensor {
  return inOpScope(name, scopeName, [image], (_scope, graph) => {
    const x = convertToTensor(image, { name: "image" });
    const orig = x.dtype;
    const flt = orig === "float32" ? x : convertImageDtype(x, "float32");
    const arg = type === "AdjustHue" ? "delta" : "scale";
    const altered = inOpScope(null, type, [flt, amount], (s) => {
      const v = convertToTensor(amount, { name: arg, dtype: "float32" });
      return makeOp(
        graph,
        type,
        s,
        [flt, v],
        [{ dtype: "float32", shape: atLeast3Shape(opNameOf(s), type, flt) }],
        { T: "float32" },
      ).outputs[0] as Tensor;
    });
    return convertImageDtype(altered, orig);
  });
}

const HUE_PARAMS = [
  req("image", tensorKind),
  req("delta", scalarKind),
  opt("name", stringKind),
] as const;

/**
 * Rotates the hue of RGB images by `delta` (in [-1, 1], a full turn being 1)
 * (`tf.image.adjust_hue`, op `AdjustHue`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.image.adjustHue(tf.constant([[[1, 0, 0]]]), 1 / 3)); // ==> [[[0. 1. 0.]]]
 * ```
 */
export const adjustHue = tfFunction("image.adjustHue", HUE_PARAMS, (a) =>
  adjustOp("AdjustHue", "adjust_hue", a.image, a.delta, a.name),
);

const SATURATION_PARAMS = [
  req("image", tensorKind),
  req("saturationFactor", scalarKind),
  opt("name", stringKind),
] as const;

/**
 * Scales the saturation of RGB images by `saturationFactor`, clipped to [0, 1]
 * (`tf.image.adjust_saturation`, op `AdjustSaturation`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.image.adjustSaturation(tf.constant([[[1, 0.5, 0.5]]]), 0)); // ==> [[[1. 1. 1.]]]
 * ```
 */
export const adjustSaturation = tfFunction("image.adjustSaturation", SATURATION_PARAMS, (a) =>
  adjustOp("AdjustSaturation", "adjust_saturation", a.image, a.saturationFactor, a.name),
);

const RANDOM_HUE_PARAMS = [
  req("image", tensorKind),
  req("maxDelta", numberKind),
  opt("seed", intKind),
] as const;

/**
 * {@link adjustHue} by a delta drawn uniformly from `[-maxDelta, maxDelta)`, `maxDelta` at
 * most 0.5 (`tf.image.random_hue`).
 *
 * @example
 * ```ts
 * tf.image.randomHue(tf.ones([2, 2, 3]), 0.1, 1).shape.toString(); // ==> (2, 2, 3)
 * ```
 */
export const randomHue = tfFunction("image.randomHue", RANDOM_HUE_PARAMS, (a) => {
  if (a.maxDelta > 0.5) throw new ValueError("max_delta must be <= 0.5.");
  if (a.maxDelta < 0) throw new ValueError("max_delta must be non-negative.");
  return inGraphOf([a.image], () => {
    const delta = randomUniform([], -a.maxDelta, a.maxDelta, { seed: a.seed });
    return adjustOp("AdjustHue", "adjust_hue", a.image, delta, undefined);
  });
});

const RANDOM_SATURATION_PARAMS = [
  req("image", tensorKind),
  req("lower", numberKind),
  req("upper", numberKind),
  opt("seed", intKind),
] as const;

/**
 * {@link adjustSaturation} by a factor drawn uniformly from `[lower, upper)`
 * (`tf.image.random_saturation`).
 *
 * @example
 * ```ts
 * tf.image.randomSaturation(tf.ones([2, 2, 3]), 0.5, 1.5, 1).shape.toString(); // ==> (2, 2, 3)
 * ```
 */
export const randomSaturation = tfFunction(
  "image.randomSaturation",
  RANDOM_SATURATION_PARAMS,
  (a) => {
    if (a.upper <= a.lower) throw new ValueError("upper must be > lower.");
    if (a.lower < 0) throw new ValueError("lower must be non-negative.");
    return inGraphOf([a.image], () => {
      const factor = randomUniform([], a.lower, a.upper, { seed: a.seed });
      return adjustOp("AdjustSaturation", "adjust_saturation", a.image, factor, undefined);
    });
  },
);
