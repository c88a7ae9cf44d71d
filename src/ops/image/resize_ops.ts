import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import type { DType } from "../../graph/dtypes.js";
import type { Graph } from "../../graph/graph.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import {
  booleanKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type ArgsOf,
  type OptionsOf,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { noGradient, registerGradient, registerOp, type ShapeInferenceOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { constantInts, readInts } from "../tensor_util.js";
import { shape as shapeOf } from "../array/shape.js";
import {
  resizeBicubicGradValues,
  resizeBicubicValues,
  resizeBilinearGradValues,
  resizeBilinearValues,
  resizeNearestGradValues,
  resizeNearestValues,
  resizeAreaValues,
  type Nhwc,
} from "./resize_kernels.js";

/*
 * TF 1.15's resize ops (`ResizeBilinear`, `ResizeNearestNeighbor`, `ResizeBicubic`) and
 * their gradient ops, with `align_corners` and `half_pixel_centers` as TF's kernels read
 * them; the public `tf.image.resize_*` builders are the generated wrappers
 * (`resize_bilinear(images, size, align_corners, half_pixel_centers, name)`).
 */

const INT_TYPES = "int8, uint8, int16, uint16, int32, int64";

/** The two attrs as the op holds them (for its gradient, which copies them). */
function attrPair(op: Operation): [boolean, boolean] {
  return [op.attrs.align_corners === true, op.attrs.half_pixel_centers === true];
}

function resizeAttrs(op: Operation): [boolean, boolean] {
  const align = op.attrs.align_corners === true;
  const half = op.attrs.half_pixel_centers === true;
  // ImageResizerState's check, made before any other by TF's resize kernels.
  if (align && half) fail(op, "If half_pixel_centers is True, align_corners must be False.");
  return [align, half];
}

function fail(op: Operation, message: string): never {
  throw new InvalidArgumentError(`${message}\n\t [[{{node ${op.name}}}]]`, op.name);
}

/** `ImageResizerState::ValidateAndCalculateOutputSize`: the input's dims and the new size. */
function checkedResize(op: Operation, input: tfc.Tensor, size: tfc.Tensor): [Nhwc, number, number] {
  if (input.rank !== 4) fail(op, `input must be 4-dimensional[${input.shape.join(",")}]`);
  if (size.rank !== 1) fail(op, `shape_t must be 1-dimensional[${size.shape.join(",")}]`);
  if (size.size !== 2) fail(op, `shape_t must have two elements[${size.shape.join(",")}]`);
  const [outH, outW] = readInts(size) as [number, number];
  const [batch, height, width, channels] = input.shape as [number, number, number, number];
  if (!(outH > 0 && outW > 0)) fail(op, "output dimensions must be positive");
  if (!(height > 0 && width > 0)) fail(op, "input image must be of non-zero size");
  return [{ batch, height, width, channels }, outH, outW];
}

function dimsOf(t: tfc.Tensor): Nhwc {
  const [batch, height, width, channels] = t.shape as [number, number, number, number];
  return { batch, height, width, channels };
}

/** TF's `ResizeShapeFn`: `[batch, size[0], size[1], channels]`, the size read when constant. */
export function resizeShape(
  name: string,
  type: string,
  images: Tensor,
  size: Tensor,
  batchAt = 0,
): TensorShape {
  const si = new ShapeInference(name, type, [images.shape, size.shape]);
  const dims = si.withRank(images.shape, 4);
  return sizedImage(si, dims[batchAt] as Dim, size, dims[3] as Dim);
}

/** TF's `SetOutputToSizedImage`. */
export function sizedImage(
  si: ShapeInference,
  batch: Dim,
  size: Tensor,
  channels: Dim,
): TensorShape {
  const s = si.withRank(size.shape, 1);
  si.withValue(s[0] as Dim, 2);
  const v = constantInts(size);
  return new TensorShape([batch, v?.[0] ?? null, v?.[1] ?? null, channels]);
}

function resizeInferShapes(op: ShapeInferenceOp): TensorShape[] {
  return [resizeShape(op.name, op.type, op.inputs[0] as Tensor, op.inputs[1] as Tensor)];
}

function floatValues(t: tfc.Tensor): ArrayLike<number> {
  return t.dataSync() as ArrayLike<number>;
}

/** The kernel arithmetic of a float resize: TF's CPU kernel over the input's values. */
type ResizeValues = (
  input: ArrayLike<number>,
  d: Nhwc,
  outH: number,
  outW: number,
  alignCorners: boolean,
  halfPixel: boolean,
) => Float32Array;

/**
 * A float-output resize op (`ResizeBilinear`, `ResizeBicubic`) and its gradient op: TF's
 * OpDefs (the images' allowed types differ), `ResizeShapeFn`, kernels over the arithmetic.
 */
function registerFloatResize(
  type: string,
  imageTypes: string,
  values: ResizeValues,
  gradTypes: string,
  gradValues: ResizeValues,
): void {
  const attrs = ["align_corners: bool = false", "half_pixel_centers: bool = false"];
  registerOp({
    type,
    opDef: {
      inputs: ["images: T", "size: int32"],
      outputs: ["resized_images: float"],
      attrs: [`T: {${imageTypes}}`, ...attrs],
    },
    inferShapes: resizeInferShapes,
    kernel: ([images, size], op) => {
      const [d, h, w] = checkedResize(op, images as tfc.Tensor, size as tfc.Tensor);
      const [align, half] = resizeAttrs(op);
      const out = values(floatValues(images as tfc.Tensor), d, h, w, align, half);
      return [tfc.tensor4d(out, [d.batch, h, w, d.channels], "float32")];
    },
  });
  registerOp({
    type: `${type}Grad`,
    opDef: {
      inputs: ["grads: float", "original_image: T"],
      outputs: ["output: T"],
      attrs: [`T: {${gradTypes}}`, ...attrs],
    },
    inferShapes: (op) => [(op.inputs[1] as Tensor).shape],
    kernel: ([grads, original], op) => {
      const g = grads as tfc.Tensor;
      const o = original as tfc.Tensor;
      if (g.rank !== 4) fail(op, `input_grad must be 4-dimensional[${g.shape.join(",")}]`);
      if (o.rank !== 4) fail(op, `original_image must be 4-dimensional[${o.shape.join(",")}]`);
      const [, origH, origW] = o.shape as number[];
      const [align, half] = resizeAttrs(op);
      const out = gradValues(
        floatValues(g),
        dimsOf(g),
        origH as number,
        origW as number,
        align,
        half,
      );
      return [tfc.tensor(out, o.shape, "float32")];
    },
  });
}

registerFloatResize(
  "ResizeBilinear",
  `${INT_TYPES}, bfloat16, half, float, double`,
  resizeBilinearValues,
  "float, bfloat16, half, double",
  resizeBilinearGradValues,
);

registerOp({
  type: "ResizeNearestNeighbor",
  opDef: {
    inputs: ["images: T", "size: int32"],
    outputs: ["resized_images: T"],
    attrs: [
      `T: {${INT_TYPES}, half, float, double}`,
      "align_corners: bool = false",
      "half_pixel_centers: bool = false",
    ],
  },
  inferShapes: resizeInferShapes,
  kernel: ([images, size], op) => {
    const x = images as tfc.Tensor;
    const [d, h, w] = checkedResize(op, x, size as tfc.Tensor);
    const [align, half] = resizeAttrs(op);
    const values = resizeNearestValues(
      x.dataSync() as Float32Array | Int32Array,
      d,
      h,
      w,
      align,
      half,
    );
    return [tfc.tensor4d(values, [d.batch, h, w, d.channels], x.dtype)];
  },
});

registerOp({
  type: "ResizeNearestNeighborGrad",
  opDef: {
    inputs: ["grads: T", "size: int32"],
    outputs: ["output: T"],
    attrs: [
      "T: {uint8, int8, int32, half, float, double}",
      "align_corners: bool = false",
      "half_pixel_centers: bool = false",
    ],
  },
  inferShapes: (op) => [
    nearestGradShape(op.name, op.type, op.inputs[0] as Tensor, op.inputs[1] as Tensor),
  ],
  kernel: ([grads, size], op) => {
    const g = grads as tfc.Tensor;
    const s = size as tfc.Tensor;
    if (g.rank !== 4) fail(op, `input must be 4-dimensional[${g.shape.join(",")}]`);
    if (s.rank !== 1) fail(op, `shape_t must be 1-dimensional[${s.shape.join(",")}]`);
    if (s.size !== 2) fail(op, `shape_t must have two elements[${s.shape.join(",")}]`);
    const [h, w] = readInts(s) as [number, number];
    if (!(h > 0 && w > 0)) fail(op, "shape_t's elements must be positive");
    // TF's nearest-neighbor gradient kernel makes no align/half-pixel check.
    const [align, half] = attrPair(op);
    const d = dimsOf(g);
    const values = resizeNearestGradValues(
      g.dataSync() as Float32Array | Int32Array,
      d,
      h,
      w,
      align,
      half,
    );
    return [tfc.tensor4d(values, [d.batch, h, w, d.channels], g.dtype)];
  },
});

function nearestGradShape(name: string, type: string, grads: Tensor, size: Tensor): TensorShape {
  const si = new ShapeInference(name, type, [grads.shape, size.shape]);
  const dims = si.withRank(grads.shape, 4);
  si.withValue(si.withRank(size.shape, 1)[0] as Dim, 2);
  const v = constantInts(size);
  return new TensorShape([dims[0] as Dim, v?.[0] ?? null, v?.[1] ?? null, dims[3] as Dim]);
}

registerFloatResize(
  "ResizeBicubic",
  `${INT_TYPES}, half, float, double`,
  resizeBicubicValues,
  "float, double",
  resizeBicubicGradValues,
);

registerOp({
  type: "ResizeArea",
  opDef: {
    inputs: ["images: T", "size: int32"],
    outputs: ["resized_images: float"],
    attrs: [`T: {${INT_TYPES}, half, float, double}`, "align_corners: bool = false"],
  },
  inferShapes: resizeInferShapes,
  kernel: ([images, size], op) => {
    const [d, h, w] = checkedResize(op, images as tfc.Tensor, size as tfc.Tensor);
    const values = resizeAreaValues(
      floatValues(images as tfc.Tensor),
      d,
      h,
      w,
      op.attrs.align_corners === true,
    );
    return [tfc.tensor4d(values, [d.batch, h, w, d.channels], "float32")];
  },
});

// TensorFlow 1.15 registers no gradient for ResizeArea.
noGradient(false, "ResizeArea");

const RESIZABLE: readonly DType[] = ["float32", "int32", "int64"];

function checkImagesDType(dtype: DType, type: string): void {
  if (!RESIZABLE.includes(dtype) || (type === "ResizeBilinearGrad" && dtype !== "float32")) {
    const allowed =
      type === "ResizeBilinear"
        ? "int8, uint8, int16, uint16, int32, int64, bfloat16, float16, float32, float64"
        : "int8, uint8, int16, uint16, int32, int64, float16, float32, float64";
    throw new TypeError(
      `Value passed to parameter 'images' has DataType ${dtype} not in list of allowed values: ${allowed}`,
    );
  }
}

/**
 * Builds one resize op (`gen_image_ops.resize_*`): `images` and `size` (int32, named
 * `size`) converted in the op's scope, the static shape from TF's `ResizeShapeFn`.
 */
export function buildResize(
  type: "ResizeBilinear" | "ResizeNearestNeighbor" | "ResizeBicubic" | "ResizeArea",
  images: unknown,
  size: unknown,
  alignCorners: boolean,
  halfPixelCenters: boolean,
  name: string | undefined,
): Tensor {
  return inOpScope(name, type, [images, size], (scope, graph) => {
    const x = convertToTensor(images, { name: "images" });
    checkImagesDType(x.dtype, type);
    const s = convertToTensor(size, { name: "size", dtype: "int32" });
    const shape = resizeShape(opNameOf(scope), type, x, s);
    const dtype: DType = type === "ResizeNearestNeighbor" ? x.dtype : "float32";
    // ResizeArea has no half_pixel_centers in TF 1.15.
    const attrs =
      type === "ResizeArea"
        ? { T: x.dtype, align_corners: alignCorners }
        : { T: x.dtype, align_corners: alignCorners, half_pixel_centers: halfPixelCenters };
    return makeOp(graph, type, scope, [x, s], [{ dtype, shape }], attrs).outputs[0] as Tensor;
  });
}

/** The generated wrappers' `(images, size, align_corners, half_pixel_centers, name)`. */
const RESIZE_OP_PARAMS = [
  req("images", tensorKind),
  req("size", tensorKind),
  opt("alignCorners", booleanKind),
  opt("halfPixelCenters", booleanKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link resizeBilinear} and its siblings. */
export type ResizeOpOptions = OptionsOf<typeof RESIZE_OP_PARAMS>;

function resizeWith(
  type: "ResizeBilinear" | "ResizeNearestNeighbor" | "ResizeBicubic",
): (a: ArgsOf<typeof RESIZE_OP_PARAMS>) => Tensor {
  return (a) =>
    buildResize(
      type,
      a.images,
      a.size,
      a.alignCorners ?? false,
      a.halfPixelCenters ?? false,
      a.name,
    );
}

/**
 * Resizes 4-D `images` to `size` (`[newHeight, newWidth]`) by bilinear interpolation
 * (`tf.image.resize_bilinear`, op `ResizeBilinear`); the output is float32 whatever the
 * input type. `alignCorners` maps the corner pixels onto each other; `halfPixelCenters`
 * samples at pixel centers.
 *
 * @example
 * ```ts
 * const x = tf.reshape(tf.constant([0, 1, 2, 3]), [1, 2, 2, 1]);
 * const y = tf.image.resizeBilinear(x, [3, 3], true);
 * using sess = new tf.Session();
 * sess.run(tf.reshape(y, [3, 3])); // ==> [[0.  0.5 1. ]
 *                                  //      [1.  1.5 2. ]
 *                                  //      [2.  2.5 3. ]]
 * ```
 */
export const resizeBilinear = tfFunction(
  "image.resizeBilinear",
  RESIZE_OP_PARAMS,
  resizeWith("ResizeBilinear"),
);

/**
 * Resizes 4-D `images` to `size` by nearest neighbor (`tf.image.resize_nearest_neighbor`,
 * op `ResizeNearestNeighbor`); the output keeps the input's type.
 *
 * @example
 * ```ts
 * const x = tf.reshape(tf.constant([1, 2, 3, 4]), [1, 2, 2, 1]);
 * const y = tf.image.resizeNearestNeighbor(x, [4, 4]);
 * using sess = new tf.Session();
 * sess.run(tf.reshape(y, [4, 4])); // ==> [[1. 1. 2. 2.]
 *                                  //      [1. 1. 2. 2.]
 *                                  //      [3. 3. 4. 4.]
 *                                  //      [3. 3. 4. 4.]]
 * ```
 */
export const resizeNearestNeighbor = tfFunction(
  "image.resizeNearestNeighbor",
  RESIZE_OP_PARAMS,
  resizeWith("ResizeNearestNeighbor"),
);

/**
 * Resizes 4-D `images` to `size` by bicubic interpolation (`tf.image.resize_bicubic`, op
 * `ResizeBicubic`): TF's cubic kernel with a = -0.75, or Keys' (a = -0.5) with
 * `halfPixelCenters`.
 *
 * @example
 * ```ts
 * const x = tf.reshape(tf.constant([0, 1, 2, 3]), [1, 2, 2, 1]);
 * tf.image.resizeBicubic(x, [4, 4]).shape.toString(); // ==> (1, 4, 4, 1)
 * ```
 */
export const resizeBicubic = tfFunction(
  "image.resizeBicubic",
  RESIZE_OP_PARAMS,
  resizeWith("ResizeBicubic"),
);

/** `gen_image_ops.resize_area(images, size, align_corners=False, name=None)`. */
const RESIZE_AREA_PARAMS = [
  req("images", tensorKind),
  req("size", tensorKind),
  opt("alignCorners", booleanKind),
  opt("name", stringKind),
] as const;

/**
 * Resizes 4-D `images` to `size` by area averaging (`tf.image.resize_area`, op
 * `ResizeArea`): each output pixel the mean of the input area it covers; float32 output.
 *
 * @example
 * ```ts
 * const x = tf.reshape(tf.constant([1, 3, 5, 7]), [1, 2, 2, 1]);
 * using sess = new tf.Session();
 * sess.run(tf.reshape(tf.image.resizeArea(x, [1, 1]), [1])); // ==> [4.]
 * ```
 */
export const resizeArea = tfFunction("image.resizeArea", RESIZE_AREA_PARAMS, (a) =>
  buildResize("ResizeArea", a.images, a.size, a.alignCorners ?? false, false, a.name),
);

/** A gradient op of the resize family, named after its type in the current scope. */
function gradOp(
  graph: Graph,
  type: string,
  inputs: Tensor[],
  out: { dtype: DType; shape: TensorShape },
  attrs: Record<string, boolean | string>,
): Tensor {
  return inOpScope(null, type, inputs, (scope) => makeOp(graph, type, scope, inputs, [out], attrs))
    .outputs[0] as Tensor;
}

// TensorFlow 1.15 registers no gradient for the gradient ops.
noGradient(false, "ResizeBilinearGrad", "ResizeBicubicGrad", "ResizeNearestNeighborGrad");

/** `_ResizeBilinearGrad`: one `ResizeBilinearGrad` from the gradient and the input image. */
registerGradient("ResizeBilinear", (op, grads) => {
  const grad = grads[0] ?? null;
  if (grad === null) return [null, null];
  const image = op.inputs[0] as Tensor;
  const [align, half] = attrPair(op);
  return [
    gradOp(op.graph, "ResizeBilinearGrad", [grad, image], image, {
      T: image.dtype,
      align_corners: align,
      half_pixel_centers: half,
    }),
    null,
  ];
});

/** `_ResizeBicubicGrad`: only float images get a gradient. */
registerGradient("ResizeBicubic", (op, grads) => {
  const grad = grads[0] ?? null;
  const image = op.inputs[0] as Tensor;
  if (grad === null || image.dtype !== "float32") return [null, null];
  const [align, half] = attrPair(op);
  return [
    gradOp(op.graph, "ResizeBicubicGrad", [grad, image], image, {
      T: image.dtype,
      align_corners: align,
      half_pixel_centers: half,
    }),
    null,
  ];
});

/**
 * `_ResizeNearestNeighborGrad`: the original height and width as a constant when known
 * (converted as the grad op's `size`), else `shape(image)[1:3]`.
 */
registerGradient("ResizeNearestNeighbor", (op, grads) => {
  const grad = grads[0] ?? null;
  if (grad === null) return [null, null];
  const image = op.inputs[0] as Tensor;
  const dims = image.shape.dims;
  const known = dims !== null && dims[1] !== null && dims[2] !== null;
  const [align, half] = attrPair(op);
  const graph = op.graph;
  const size: Tensor | null = known ? null : shapeOf(image).get("1:3");
  return [
    inOpScope(null, "ResizeNearestNeighborGrad", [grad], (scope) => {
      const s = size ?? convertToTensor([dims?.[1], dims?.[2]], { name: "size", dtype: "int32" });
      return makeOp(
        graph,
        "ResizeNearestNeighborGrad",
        scope,
        [grad, s],
        [
          {
            dtype: grad.dtype,
            shape: nearestGradShape(opNameOf(scope), "ResizeNearestNeighborGrad", grad, s),
          },
        ],
        { T: grad.dtype, align_corners: align, half_pixel_centers: half },
      ).outputs[0] as Tensor;
    }),
    null,
  ];
});
