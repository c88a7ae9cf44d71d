import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import {
  numberKind,
  oneOfKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { noGradient, registerGradient, registerOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { constantValueAsShape, readInts } from "../tensor_util.js";
import { shape as shapeOf } from "../array/shape.js";
import { sizedImage } from "./resize_ops.js";

/*
 * TF 1.15's `CropAndResize` (crop_and_resize_op.cc) and its two gradient ops: boxes in
 * normalized `[y1, x1, y2, x2]` coordinates cut from the images `box_ind` names, each
 * resampled to `crop_size` (bilinear or nearest), points outside the image set to
 * `extrapolation_value`. Float32 arithmetic as TF's CPU kernels.
 */

const f = Math.fround;

function fail(op: Operation, message: string): never {
  throw new InvalidArgumentError(`${message}\n\t [[{{node ${op.name}}}]]`, op.name);
}

/** One box's sampling geometry along one axis (`height_scale`, `in_y` of TF's kernel). */
interface Axis {
  /** The source coordinate of crop index `i`, or NaN when `i` falls outside the image. */
  at: Float32Array;
}

function axisOf(lo: number, hi: number, imageSize: number, cropSize: number): Axis {
  const at = new Float32Array(cropSize);
  const scale = cropSize > 1 ? f(f(f(hi - lo) * (imageSize - 1)) / (cropSize - 1)) : 0;
  for (let i = 0; i < cropSize; i++) {
    const v =
      cropSize > 1
        ? f(f(lo * (imageSize - 1)) + f(i * scale))
        : // TF writes 0.5 as a double here: the product is rounded once, at the end.
          f(0.5 * (lo + hi) * (imageSize - 1));
    at[i] = v < 0 || v > imageSize - 1 ? NaN : v;
  }
  return { at };
}

interface Geometry {
  batch: number;
  height: number;
  width: number;
  depth: number;
  boxes: Float32Array;
  boxInd: number[];
  cropH: number;
  cropW: number;
}

function checkBoxes(op: Operation, boxes: tfc.Tensor, boxInd: tfc.Tensor, batch: number): void {
  const n = boxes.shape[0] as number;
  if (boxes.rank !== 2 || boxes.shape[1] !== 4)
    fail(op, `boxes must have 4 columns[${boxes.shape.join(",")}]`);
  if (boxInd.rank !== 1) fail(op, `box_index must be 1-D[${boxInd.shape.join(",")}]`);
  if (boxInd.shape[0] !== n) fail(op, "box_index has incompatible shape");
  for (const b of readInts(boxInd)) {
    if (b < 0 || b >= batch) fail(op, `box_index has values outside [0, batch_size)`);
  }
}

/** `CropAndResize`'s values, `[num_boxes, crop_h, crop_w, depth]` float32. */
function cropAndResizeValues(
  image: ArrayLike<number>,
  g: Geometry,
  nearest: boolean,
  extrapolation: number,
): Float32Array {
  const { height, width, depth, cropH, cropW } = g;
  const n = g.boxInd.length;
  const out = new Float32Array(n * cropH * cropW * depth);
  const ext = f(extrapolation);
  for (let b = 0; b < n; b++) {
    const [y1, x1, y2, x2] = g.boxes.subarray(b * 4, b * 4 + 4) as unknown as number[];
    const base = (g.boxInd[b] as number) * height * width * depth;
    const ys = axisOf(y1 as number, y2 as number, height, cropH).at;
    const xs = axisOf(x1 as number, x2 as number, width, cropW).at;
    for (let y = 0; y < cropH; y++) {
      const inY = ys[y] as number;
      for (let x = 0; x < cropW; x++) {
        const o = ((b * cropH + y) * cropW + x) * depth;
        const inX = xs[x] as number;
        if (Number.isNaN(inY) || Number.isNaN(inX)) {
          out.fill(ext, o, o + depth);
          continue;
        }
        if (nearest) {
          // roundf: halves away from zero (the coordinates are never negative here).
          const from = base + (Math.floor(inY + 0.5) * width + Math.floor(inX + 0.5)) * depth;
          for (let d = 0; d < depth; d++) out[o + d] = f(image[from + d] as number);
          continue;
        }
        const top = Math.floor(inY);
        const bottom = Math.ceil(inY);
        const yLerp = f(inY - top);
        const left = Math.floor(inX);
        const right = Math.ceil(inX);
        const xLerp = f(inX - left);
        for (let d = 0; d < depth; d++) {
          const tl = f(image[base + (top * width + left) * depth + d] as number);
          const tr = f(image[base + (top * width + right) * depth + d] as number);
          const bl = f(image[base + (bottom * width + left) * depth + d] as number);
          const br = f(image[base + (bottom * width + right) * depth + d] as number);
          const t = f(tl + f(f(tr - tl) * xLerp));
          const bo = f(bl + f(f(br - bl) * xLerp));
          out[o + d] = f(t + f(f(bo - t) * yLerp));
        }
      }
    }
  }
  return out;
}

/** `CropAndResizeGradImage`: each crop gradient spread back onto the pixels it read. */
function gradImageValues(grads: ArrayLike<number>, g: Geometry, nearest: boolean): Float32Array {
  const { height, width, depth, cropH, cropW } = g;
  const out = new Float32Array(g.batch * height * width * depth);
  const add = (at: number, v: number): void => {
    out[at] = f((out[at] as number) + v);
  };
  for (let b = 0; b < g.boxInd.length; b++) {
    const [y1, x1, y2, x2] = g.boxes.subarray(b * 4, b * 4 + 4) as unknown as number[];
    const base = (g.boxInd[b] as number) * height * width * depth;
    const ys = axisOf(y1 as number, y2 as number, height, cropH).at;
    const xs = axisOf(x1 as number, x2 as number, width, cropW).at;
    for (let y = 0; y < cropH; y++) {
      const inY = ys[y] as number;
      if (Number.isNaN(inY)) continue;
      for (let x = 0; x < cropW; x++) {
        const inX = xs[x] as number;
        if (Number.isNaN(inX)) continue;
        const gi = ((b * cropH + y) * cropW + x) * depth;
        if (nearest) {
          const to = base + (Math.floor(inY + 0.5) * width + Math.floor(inX + 0.5)) * depth;
          for (let d = 0; d < depth; d++) add(to + d, f(grads[gi + d] as number));
          continue;
        }
        const top = Math.floor(inY);
        const bottom = Math.ceil(inY);
        const yLerp = f(inY - top);
        const left = Math.floor(inX);
        const right = Math.ceil(inX);
        const xLerp = f(inX - left);
        const xInv = f(1 - xLerp);
        for (let d = 0; d < depth; d++) {
          const gv = f(grads[gi + d] as number);
          const dtop = f(f(1 - yLerp) * gv);
          add(base + (top * width + left) * depth + d, f(xInv * dtop));
          add(base + (top * width + right) * depth + d, f(xLerp * dtop));
          const dbottom = f(yLerp * gv);
          add(base + (bottom * width + left) * depth + d, f(xInv * dbottom));
          add(base + (bottom * width + right) * depth + d, f(xLerp * dbottom));
        }
      }
    }
  }
  return out;
}

/** `CropAndResizeGradBoxes`: the gradient of each box's four coordinates (bilinear). */
function gradBoxesValues(
  grads: ArrayLike<number>,
  image: ArrayLike<number>,
  g: Geometry,
): Float32Array {
  const { height, width, depth, cropH, cropW } = g;
  const out = new Float32Array(g.boxInd.length * 4);
  const hRatio = cropH > 1 ? f((height - 1) / (cropH - 1)) : 0;
  const wRatio = cropW > 1 ? f((width - 1) / (cropW - 1)) : 0;
  for (let b = 0; b < g.boxInd.length; b++) {
    const [y1, x1, y2, x2] = g.boxes.subarray(b * 4, b * 4 + 4) as unknown as number[];
    const base = (g.boxInd[b] as number) * height * width * depth;
    const ys = axisOf(y1 as number, y2 as number, height, cropH).at;
    const xs = axisOf(x1 as number, x2 as number, width, cropW).at;
    let d0 = out[b * 4] as number;
    let d1 = out[b * 4 + 1] as number;
    let d2 = out[b * 4 + 2] as number;
    let d3 = out[b * 4 + 3] as number;
    for (let y = 0; y < cropH; y++) {
      const inY = ys[y] as number;
      if (Number.isNaN(inY)) continue;
      const top = Math.floor(inY);
      const bottom = Math.ceil(inY);
      const yLerp = f(inY - top);
      for (let x = 0; x < cropW; x++) {
        const inX = xs[x] as number;
        if (Number.isNaN(inX)) continue;
        const left = Math.floor(inX);
        const right = Math.ceil(inX);
        const xLerp = f(inX - left);
        const gi = ((b * cropH + y) * cropW + x) * depth;
        for (let d = 0; d < depth; d++) {
          const tl = f(image[base + (top * width + left) * depth + d] as number);
          const tr = f(image[base + (top * width + right) * depth + d] as number);
          const bl = f(image[base + (bottom * width + left) * depth + d] as number);
          const br = f(image[base + (bottom * width + right) * depth + d] as number);
          const topGrad = f(grads[gi + d] as number);
          const gy = f(f(f(f(1 - xLerp) * f(bl - tl)) + f(xLerp * f(br - tr))) * topGrad);
          const gx = f(f(f(f(1 - yLerp) * f(tr - tl)) + f(yLerp * f(br - bl))) * topGrad);
          if (cropH > 1) {
            d0 = f(d0 + f(gy * f(height - 1 - f(y * hRatio))));
            d2 = f(d2 + f(gy * f(y * hRatio)));
          } else {
            d0 = f(d0 + f(gy * 0.5 * (height - 1)));
            d2 = f(d2 + f(gy * 0.5 * (height - 1)));
          }
          if (cropW > 1) {
            d1 = f(d1 + f(gx * f(width - 1 - f(x * wRatio))));
            d3 = f(d3 + f(gx * f(x * wRatio)));
          } else {
            d1 = f(d1 + f(gx * 0.5 * (width - 1)));
            d3 = f(d3 + f(gx * 0.5 * (width - 1)));
          }
        }
      }
    }
    out.set([d0, d1, d2, d3], b * 4);
  }
  return out;
}

function geometry(
  op: Operation,
  imageShape: readonly number[],
  boxes: tfc.Tensor,
  boxInd: tfc.Tensor,
  crop: readonly number[],
): Geometry {
  if (imageShape.length !== 4) fail(op, `input image must be 4-D[${imageShape.join(",")}]`);
  const [batch, height, width, depth] = imageShape as [number, number, number, number];
  if (!(height > 0 && width > 0)) fail(op, "image dimensions must be positive");
  checkBoxes(op, boxes, boxInd, batch);
  const [cropH, cropW] = crop as [number, number];
  if (!(cropH > 0 && cropW > 0)) fail(op, "crop dimensions must be positive");
  return {
    batch,
    height,
    width,
    depth,
    boxes: boxes.dataSync() as Float32Array,
    boxInd: readInts(boxInd),
    cropH,
    cropW,
  };
}

function cropAndResizeShape(
  name: string,
  image: Tensor,
  boxes: Tensor,
  boxInd: Tensor,
  cropSize: Tensor,
): TensorShape {
  const si = new ShapeInference(name, "CropAndResize", [
    image.shape,
    boxes.shape,
    boxInd.shape,
    cropSize.shape,
  ]);
  const input = si.withRank(image.shape, 4);
  const b = si.withRank(boxes.shape, 2);
  const bi = si.withRank(boxInd.shape, 1);
  const n = si.mergeDim(b[0] as Dim, bi[0] as Dim);
  si.withValue(b[1] as Dim, 4);
  return sizedImage(si, n, cropSize, input[3] as Dim);
}

registerOp({
  type: "CropAndResize",
  opDef: {
    inputs: ["image: T", "boxes: float", "box_ind: int32", "crop_size: int32"],
    outputs: ["crops: float"],
    attrs: [
      "T: {uint8, uint16, int8, int16, int32, int64, half, float, double}",
      "method: {'bilinear', 'nearest'} = 'bilinear'",
      "extrapolation_value: float = 0",
    ],
  },
  inferShapes: (op) => [
    cropAndResizeShape(
      op.name,
      op.inputs[0] as Tensor,
      op.inputs[1] as Tensor,
      op.inputs[2] as Tensor,
      op.inputs[3] as Tensor,
    ),
  ],
  kernel: ([image, boxes, boxInd, cropSize], op) => {
    const x = image as tfc.Tensor;
    const crop = cropSize as tfc.Tensor;
    if (crop.rank !== 1 || crop.size !== 2)
      fail(op, `crop_size must be a 1-D tensor of length 2[${crop.shape.join(",")}]`);
    const g = geometry(op, x.shape, boxes as tfc.Tensor, boxInd as tfc.Tensor, readInts(crop));
    const values = cropAndResizeValues(
      x.dataSync() as ArrayLike<number>,
      g,
      op.attrs.method === "nearest",
      op.attrs.extrapolation_value as number,
    );
    return [tfc.tensor4d(values, [g.boxInd.length, g.cropH, g.cropW, g.depth], "float32")];
  },
});

registerOp({
  type: "CropAndResizeGradImage",
  opDef: {
    inputs: ["grads: float", "boxes: float", "box_ind: int32", "image_size: int32"],
    outputs: ["output: T"],
    attrs: ["T: {float, half, double}", "method: {'bilinear', 'nearest'} = 'bilinear'"],
  },
  inferShapes: (op) => [gradImageShape(op.name, op.inputs[3] as Tensor)],
  kernel: ([grads, boxes, boxInd, imageSize], op) => {
    const gr = grads as tfc.Tensor;
    if (gr.rank !== 4) fail(op, `grads image must be 4-D[${gr.shape.join(",")}]`);
    const size = readInts(imageSize as tfc.Tensor);
    const g = geometry(op, size, boxes as tfc.Tensor, boxInd as tfc.Tensor, [
      gr.shape[1] as number,
      gr.shape[2] as number,
    ]);
    if (gr.shape[3] !== g.depth) fail(op, "image_size and grads are incompatible");
    const values = gradImageValues(
      gr.dataSync() as ArrayLike<number>,
      g,
      op.attrs.method === "nearest",
    );
    return [tfc.tensor4d(values, size as [number, number, number, number], "float32")];
  },
});

function gradImageShape(name: string, imageSize: Tensor): TensorShape {
  const shape = constantValueAsShape(imageSize);
  const si = new ShapeInference(name, "CropAndResizeGradImage", [imageSize.shape]);
  return new TensorShape(si.withRank(shape, 4));
}

registerOp({
  type: "CropAndResizeGradBoxes",
  opDef: {
    inputs: ["grads: float", "image: T", "boxes: float", "box_ind: int32"],
    outputs: ["output: float"],
    attrs: [
      "T: {uint8, uint16, int8, int16, int32, int64, half, float, double}",
      "method: {'bilinear'} = 'bilinear'",
    ],
  },
  inferShapes: (op) => [(op.inputs[2] as Tensor).shape],
  kernel: ([grads, image, boxes, boxInd], op) => {
    const gr = grads as tfc.Tensor;
    const x = image as tfc.Tensor;
    if (gr.rank !== 4) fail(op, `grads image must be 4-D[${gr.shape.join(",")}]`);
    const g = geometry(op, x.shape, boxes as tfc.Tensor, boxInd as tfc.Tensor, [
      gr.shape[1] as number,
      gr.shape[2] as number,
    ]);
    if (gr.shape[3] !== g.depth) fail(op, "image, grads depth differ");
    const values = gradBoxesValues(
      gr.dataSync() as ArrayLike<number>,
      x.dataSync() as ArrayLike<number>,
      g,
    );
    return [tfc.tensor2d(values, [g.boxInd.length, 4], "float32")];
  },
});

noGradient(false, "CropAndResizeGradImage", "CropAndResizeGradBoxes");

/**
 * `_CropAndResizeGrad`: the image's gradient (float images only) from its static shape
 * when fully known, else `shape(image)`; the boxes' gradient always (bilinear, even for a
 * nearest-neighbor crop, as TF approximates it).
 */
registerGradient("CropAndResize", (op, grads) => {
  const grad = grads[0] ?? null;
  if (grad === null) return [null, null, null, null];
  const [image, boxes, boxInd] = op.inputs as [Tensor, Tensor, Tensor];
  const graph = op.graph;
  const method = op.attrs.method as string;
  let grad0: Tensor | null = null;
  if (image.dtype === "float32") {
    const known = image.shape.isFullyDefined();
    const dynamicSize = known ? null : shapeOf(image);
    grad0 = inOpScope(null, "CropAndResizeGradImage", [grad, boxes, boxInd], (scope) => {
      const size =
        dynamicSize ??
        convertToTensor(image.shape.asList(), { name: "image_size", dtype: "int32" });
      return makeOp(
        graph,
        "CropAndResizeGradImage",
        scope,
        [grad, boxes, boxInd, size],
        [{ dtype: "float32", shape: gradImageShape(opNameOf(scope), size) }],
        { T: "float32", method },
      ).outputs[0] as Tensor;
    });
  }
  const grad1 = inOpScope(null, "CropAndResizeGradBoxes", [grad, image, boxes, boxInd], (scope) =>
    makeOp(
      graph,
      "CropAndResizeGradBoxes",
      scope,
      [grad, image, boxes, boxInd],
      [{ dtype: "float32", shape: boxes.shape }],
      { T: image.dtype, method: "bilinear" },
    ),
  ).outputs[0] as Tensor;
  return [grad0, grad1, null, null];
});

/**
 * TF 1.15's `crop_and_resize(image, boxes, box_ind, crop_size, method='bilinear',
 * extrapolation_value=0, name=None)` (the generated wrapper, `tf.image.crop_and_resize`).
 */
const CROP_AND_RESIZE_PARAMS = [
  req("image", tensorKind),
  req("boxes", tensorKind),
  req("boxInd", tensorKind),
  req("cropSize", tensorKind),
  opt("method", oneOfKind("bilinear", "nearest")),
  opt("extrapolationValue", numberKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link cropAndResize}. */
export type CropAndResizeOptions = OptionsOf<typeof CROP_AND_RESIZE_PARAMS>;

/**
 * Cuts boxes out of a batch of images and resamples each to `cropSize`
 * (`tf.image.crop_and_resize`, op `CropAndResize`): `boxes` is `[numBoxes, 4]` normalized
 * `[y1, x1, y2, x2]` (0 and 1 are the first and last pixel), `boxInd` names the image of
 * each box; sample points outside the image get `extrapolationValue`. The output is
 * float32 `[numBoxes, cropHeight, cropWidth, depth]`.
 *
 * @example
 * ```ts
 * const image = tf.reshape(tf.constant([1, 2, 3, 4]), [1, 2, 2, 1]);
 * const crops = tf.image.cropAndResize(image, [[0, 0, 1, 1]], [0], [3, 3]);
 * using sess = new tf.Session();
 * sess.run(tf.reshape(crops, [3, 3])); // ==> [[1.  1.5 2. ]
 *                                      //      [2.  2.5 3. ]
 *                                      //      [3.  3.5 4. ]]
 * ```
 */
export const cropAndResize = tfFunction("image.cropAndResize", CROP_AND_RESIZE_PARAMS, (a) =>
  inOpScope(a.name, "CropAndResize", [a.image, a.boxes, a.boxInd, a.cropSize], (scope, graph) => {
    const image = convertToTensor(a.image, { name: "image" });
    if (image.dtype !== "float32" && image.dtype !== "int32" && image.dtype !== "int64") {
      throw new TypeError(
        `Value passed to parameter 'image' has DataType ${image.dtype} not in list of allowed values: uint8, uint16, int8, int16, int32, int64, float16, float32, float64`,
      );
    }
    const boxes = convertToTensor(a.boxes, { name: "boxes", dtype: "float32" });
    const boxInd = convertToTensor(a.boxInd, { name: "box_ind", dtype: "int32" });
    const cropSize = convertToTensor(a.cropSize, { name: "crop_size", dtype: "int32" });
    const shape = cropAndResizeShape(opNameOf(scope), image, boxes, boxInd, cropSize);
    return makeOp(
      graph,
      "CropAndResize",
      scope,
      [image, boxes, boxInd, cropSize],
      [{ dtype: "float32", shape }],
      {
        T: image.dtype,
        method: a.method ?? "bilinear",
        extrapolation_value: a.extrapolationValue ?? 0,
      },
    ).outputs[0] as Tensor;
  }),
);
