import * as tfc from "@tensorflow/tfjs-core";
import { ValueError } from "../../errors.js";
import type { DType } from "../../graph/dtypes.js";
import { withDefaultGraph, type Graph } from "../../graph/graph.js";
import type { Operation } from "../../graph/operation.js";
import { Tensor, type TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import {
  booleanKind,
  dtypeKind,
  eitherKind,
  intKind,
  intOrTensorKind,
  numberKind,
  oneOfKind,
  opt,
  req,
  scalarKind,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { graphFromValues, nameScope, withNameScope } from "../../scope/name_scope.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { noGradient, registerOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { constantValueAsShape } from "../tensor_util.js";
import { cast } from "../array/cast.js";
import { concat } from "../array/concat.js";
import { expandDims } from "../array/expand_dims.js";
import { zeros, ones } from "../array/fill.js";
import { pad } from "../array/pad.js";
import { reshape } from "../array/reshape.js";
import { reverse } from "../array/reverse.js";
import { rank as rankOf, shape as shapeOf } from "../array/shape.js";
import { slice } from "../array/slice.js";
import { squeeze } from "../array/squeeze.js";
import { stack, unstack } from "../array/stack.js";
import { tile } from "../array/tile.js";
import { transpose } from "../array/transpose.js";
import { assertOp, tfCase } from "../control/case.js";
import { cond } from "../control/cond.js";
import {
  binaryOpIn,
  equal,
  greater,
  greaterEqual,
  less,
  lessEqual,
  maximum,
  minimum,
  multiply,
} from "../math/binary.js";
import { floormod } from "../math/integer_div.js";
import { reduceAll, reduceMean, reduceProd, reduceSum } from "../math/reduce.js";
import { abs, identity, round, rsqrt, sqrt, square } from "../math/unary.js";
import { tensordotLastFirst } from "../linalg/tensordot.js";
import { randomUniform } from "../random/random_ops.js";
import { buildResize } from "./resize_ops.js";
import { assertEqual, assertGreaterEqual, assertPositive } from "../debug/check_ops.js";

/*
 * TF 1.15's image_ops_impl.py functions, built from the same ops under the same names:
 * flips, rotations, crops and pads, `resize_images`, color adjustments, standardization,
 * dtype conversion, and `random_crop` (random_ops.py).
 */

// ---------------------------------------------------------------------------------------
// Shape checks (`_CheckAtLeast3DImage`, `_ImageDimensions`, `with_dependencies`).

/** `control_flow_ops.with_dependencies(deps, t)`: an `Identity` colocated with `t`. */
function withDependencies(graph: Graph, deps: Operation[], t: Tensor): Tensor {
  return withNameScope(graph, "control_dependency", (scope) =>
    graph.colocateWith(t.op, () =>
      graph.controlDependencies(deps, () => identity(t, { name: scope })),
    ),
  );
}

/**
 * `_CheckAtLeast3DImage(image, require_static=False)`: TF's ValueErrors for a known rank
 * below 3 or a zero dim; for a shape not fully known, the run-time checks TF adds
 * (`assert_positive(shape(image))`, `assert_greater_equal(rank(image), 3)`).
 */
function checkAtLeast3D(image: Tensor): Operation[] {
  const s = image.shape;
  const dims = s.dims;
  if (dims !== null && dims.length < 3) {
    throw new ValueError("'image' must be at least three-dimensional.");
  }
  const shown = dims === null ? new TensorShape([null, null, null]) : s;
  if ((shown.dims ?? []).some((d) => d === 0)) {
    throw new ValueError(`all dims of 'image.shape' must be > 0: ${shown.toString()}`);
  }
  if (s.isFullyDefined()) return [];
  const positive = assertPositive(shapeOf(image), ["all dims of 'image.shape' must be > 0."]);
  const atLeast3 = assertGreaterEqual(rankOf(image), 3, {
    message: "'image' must be at least three-dimensional.",
  });
  return [positive, atLeast3];
}

/** `_AssertAtLeast3DImage`: the image behind its checks (an `Identity` in any case). */
function assertAtLeast3D(image: Tensor): Tensor {
  return withDependencies(image.graph, checkAtLeast3D(image), image);
}

/** `_ImageDimensions`: the static dims, or scalar tensors from `shape(image)` where unknown. */
function imageDimensions(image: Tensor, rank: number): (number | Tensor)[] {
  if (image.shape.isFullyDefined()) return image.shape.dims as number[];
  const si = new ShapeInference(image.op.name, image.op.type, [image.shape]);
  const dims = si.withRank(image.shape, rank);
  const dynamic = unstack(shapeOf(image), { num: rank });
  return dims.map((d, i) => d ?? (dynamic[i] as Tensor));
}

/** `fix_image_flip_shape`: the image's static shape, or three unknown dims. */
function fixFlipShape(image: Tensor, result: Tensor): Tensor {
  result.setShape(image.shape.rank === null ? [null, null, null] : image.shape);
  return result;
}

/**
 * Builds in the graph of `values` without a name scope of its own (TF functions that open
 * none), all or nothing.
 */
export function inGraphOf<T>(values: readonly unknown[], build: () => T): T {
  const graph = graphFromValues(values);
  return withDefaultGraph(graph, () => graph.atomically(build));
}

const IMAGE_PARAMS = [req("image", tensorKind)] as const;

// ---------------------------------------------------------------------------------------
// Flips, transpose, rot90.

function flip(image: TensorLike, index: number, scopeName: string): Tensor {
  return inOpScope(null, scopeName, [image], () => {
    const x = assertAtLeast3D(convertToTensor(image, { name: "image" }));
    const rank = x.shape.rank;
    if (rank === 3 || rank === null) return fixFlipShape(x, reverse(x, [index]));
    if (rank === 4) return reverse(x, [index + 1]);
    throw new ValueError("'image' must have either 3 or 4 dimensions.");
  });
}

/**
 * Flips an image (3-D) or a batch (4-D) left to right (`tf.image.flip_left_right`).
 *
 * @example
 * ```ts
 * const x = tf.reshape(tf.constant([1, 2, 3, 4]), [2, 2, 1]);
 * using sess = new tf.Session();
 * sess.run(tf.reshape(tf.image.flipLeftRight(x), [2, 2])); // ==> [[2. 1.]
 *                                                          //      [4. 3.]]
 * ```
 */
export const flipLeftRight = tfFunction("image.flipLeftRight", IMAGE_PARAMS, (a) =>
  flip(a.image, 1, "flip_left_right"),
);

/**
 * Flips an image (3-D) or a batch (4-D) upside down (`tf.image.flip_up_down`).
 *
 * @example
 * ```ts
 * const x = tf.reshape(tf.constant([1, 2, 3, 4]), [2, 2, 1]);
 * using sess = new tf.Session();
 * sess.run(tf.reshape(tf.image.flipUpDown(x), [2, 2])); // ==> [[3. 4.]
 *                                                       //      [1. 2.]]
 * ```
 */
export const flipUpDown = tfFunction("image.flipUpDown", IMAGE_PARAMS, (a) =>
  flip(a.image, 0, "flip_up_down"),
);

const RANDOM_FLIP_PARAMS = [req("image", tensorKind), opt("seed", intKind)] as const;

/** `_random_flip`: a `cond` on one draw for an image, a per-image mask for a batch. */
function randomFlip(image: TensorLike, index: number, seed: number | undefined, scopeName: string) {
  return inOpScope(null, scopeName, [image], (scope) => {
    const x = assertAtLeast3D(convertToTensor(image, { name: "image" }));
    const rank = x.shape.rank;
    if (rank === 3 || rank === null) {
      const u = randomUniform([], 0, 1.0, { seed });
      const mirror = less(u, 0.5);
      const result = cond(
        mirror,
        () => reverse(x, [index]),
        () => x,
        { name: scope },
      ) as Tensor;
      return fixFlipShape(x, result);
    }
    if (rank === 4) {
      const batch = shapeOf(x).get(0);
      const u = randomUniform([batch], 0, 1.0, { seed });
      const flips = cast(round(reshape(u, [batch, 1, 1, 1])), x.dtype);
      const flipped = reverse(x, [index + 1]);
      return flips.mul(flipped).add(rsub(1, flips).mul(x));
    }
    throw new ValueError("'image' must have either 3 or 4 dimensions.");
  });
}

/**
 * Python's reflected operators for a number `c` and a tensor `t` (`Tensor.__rsub__`,
 * `__rmul__`, `__radd__`): `c` converted to `t`'s dtype as `x` in the operator's scope.
 */
function reflected(operator: "sub" | "mul" | "add", c: number, t: Tensor): Tensor {
  const type = { sub: "Sub", mul: "Mul", add: "AddV2" }[operator];
  return inOpScope(null, operator, [t], (scope, graph) =>
    binaryOpIn(scope, graph, type, convertToTensor(c, { name: "x", dtype: t.dtype }), t),
  );
}

function rsub(c: number, t: Tensor): Tensor {
  return reflected("sub", c, t);
}

function rmul(c: number, t: Tensor): Tensor {
  return reflected("mul", c, t);
}

/**
 * Flips an image left to right with probability 1/2 (`tf.image.random_flip_left_right`);
 * a batch (4-D) flips each image independently. Seeded as TF: the op seed from `seed`
 * and the graph's seed.
 *
 * @example
 * ```ts
 * const x = tf.ones([4, 4, 3]);
 * tf.image.randomFlipLeftRight(x, 1).shape.toString(); // ==> (4, 4, 3)
 * ```
 */
export const randomFlipLeftRight = tfFunction(
  "image.randomFlipLeftRight",
  RANDOM_FLIP_PARAMS,
  (a) => randomFlip(a.image, 1, a.seed, "random_flip_left_right"),
);

/**
 * Flips an image upside down with probability 1/2 (`tf.image.random_flip_up_down`).
 *
 * @example
 * ```ts
 * tf.image.randomFlipUpDown(tf.ones([2, 4, 4, 3])).shape.toString(); // ==> (2, 4, 4, 3)
 * ```
 */
export const randomFlipUpDown = tfFunction("image.randomFlipUpDown", RANDOM_FLIP_PARAMS, (a) =>
  randomFlip(a.image, 0, a.seed, "random_flip_up_down"),
);

const TRANSPOSE_PARAMS = [req("image", tensorKind), opt("name", stringKind)] as const;

function transposeImageOp(image: TensorLike, name: string | undefined): Tensor {
  return inOpScope(name, "transpose", [image], () => {
    const x = assertAtLeast3D(convertToTensor(image, { name: "image" }));
    const rank = x.shape.rank;
    if (rank === 3 || rank === null) return transpose(x, [1, 0, 2], { name });
    if (rank === 4) return transpose(x, [0, 2, 1, 3], { name });
    throw new ValueError("'image' must have either 3 or 4 dimensions.");
  });
}

/**
 * Swaps height and width (`tf.image.transpose_image`).
 *
 * @example
 * ```ts
 * tf.image.transposeImage(tf.ones([2, 3, 1])).shape.toString(); // ==> (3, 2, 1)
 * ```
 */
export const transposeImage = tfFunction("image.transposeImage", TRANSPOSE_PARAMS, (a) =>
  transposeImageOp(a.image, a.name),
);

/**
 * {@link transposeImage} under its other TF 1.15 name, `tf.image.transpose`.
 *
 * @example
 * ```ts
 * tf.image.transpose(tf.ones([1, 2, 3, 1])).shape.toString(); // ==> (1, 3, 2, 1)
 * ```
 */
export { transposeImageAlias as transpose };
const transposeImageAlias = tfFunction("image.transpose", TRANSPOSE_PARAMS, (a) =>
  transposeImageOp(a.image, a.name),
);

const ROT90_PARAMS = [
  req("image", tensorKind),
  opt("k", intOrTensorKind),
  opt("name", stringKind),
] as const;

/**
 * Rotates an image or a batch counter-clockwise by `k` quarter turns (`tf.image.rot90`):
 * a `tf.case` on `k % 4`, as TF builds it.
 *
 * @example
 * ```ts
 * const a = tf.constant([[[1], [2]], [[3], [4]]]);
 * using sess = new tf.Session();
 * sess.run(tf.reshape(tf.image.rot90(a), [2, 2])); // ==> [[2. 4.]
 *                                                  //      [1. 3.]]
 * ```
 */
export const rot90 = tfFunction("image.rot90", ROT90_PARAMS, (a) =>
  inOpScope(a.name, "rot90", [a.image, a.k], (scope) => {
    const x = assertAtLeast3D(convertToTensor(a.image, { name: "image" }));
    let k = convertToTensor(a.k ?? 1, { dtype: "int32", name: "k" });
    if (k.shape.rank !== null && k.shape.rank !== 0) {
      throw new ValueError(`Shape ${k.shape.toString()} must have rank 0`);
    }
    k = floormod(k, 4);
    const rank = x.shape.rank;
    const batch = rank === 4;
    if (rank !== 3 && rank !== null && !batch) {
      throw new ValueError("'image' must have either 3 or 4 dimensions.");
    }
    const h = batch ? 1 : 0;
    const w = h + 1;
    const perm = batch ? [0, 2, 1, 3] : [1, 0, 2];
    const result = tfCase(
      [
        [equal(k, 1), () => transpose(reverse(x, [w]), perm)],
        [equal(k, 2), () => reverse(x, [h, w])],
        [equal(k, 3), () => reverse(transpose(x, perm), [w])],
      ],
      { default: () => x, exclusive: true, name: scope },
    ) as Tensor;
    if (batch) {
      const s = result.shape.dims as Dim[];
      result.setShape([s[0] ?? null, null, null, s[3] ?? null]);
    } else {
      result.setShape([null, null, x.shape.dims?.[2] ?? null]);
    }
    return result;
  }),
);

// ---------------------------------------------------------------------------------------
// Crops and pads.

/** `_assert(cond, ValueError, msg)`: raised now for numbers, an `Assert` op for tensors. */
function check(cond: boolean | Tensor, msg: string): Operation[] {
  if (cond instanceof Tensor) return [assertOp(cond, [msg], 3)];
  if (!cond) throw new ValueError(msg);
  return [];
}

type Size = number | Tensor;

function sub(a: Size, b: Size): Size {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return (typeof a === "number" ? rsub(a, b as Tensor) : a.sub(b)) as Tensor;
}

/** Python's `a >= b`: a number on the left is `b.__le__(a)`, a `LessEqual`. */
function geq(a: Size, b: Size): boolean | Tensor {
  if (typeof a === "number" && typeof b === "number") return a >= b;
  return typeof a === "number" ? lessEqual(b, a) : greaterEqual(a, b);
}

/** Python's `a > b`: a number on the left is `b.__lt__(a)`, a `Less`. */
function gt(a: Size, b: Size): boolean | Tensor {
  if (typeof a === "number" && typeof b === "number") return a > b;
  return typeof a === "number" ? less(b, a) : greater(a, b);
}

/** Python's `a + b` on sizes. */
function plus(a: Size, b: Size): Size {
  if (typeof a === "number" && typeof b === "number") return a + b;
  return typeof a === "number" ? reflected("add", a, b as Tensor) : a.add(b);
}

/** Expands a 3-D (or unknown-rank) image to a batch, as the bounding-box functions do. */
function asBatch(image: Tensor): [Tensor, boolean] {
  const rank = image.shape.rank;
  if (rank === 3) return [expandDims(image, 0), false];
  if (rank === null) {
    const x = expandDims(image, 0);
    x.setShape([null, null, null, null]);
    return [x, false];
  }
  if (rank !== 4) throw new ValueError("'image' must have either 3 or 4 dimensions.");
  return [image, true];
}

/**
 * `array_ops.stack` of sizes: a list of Python ints is one int32 constant named `stack`
 * (TF converts a constant list directly), a list with tensors a `Pack`.
 */
function stackSizes(values: Size[]): Tensor {
  // The sizes are int32 whether given as numbers or tensors (TF's autopacking takes the
  // tensors' dtype for the Python ints).
  return convertToTensor(values, { dtype: "int32", name: "stack" });
}

function staticOrNone(values: Size[]): (number | null)[] {
  return values.map((v) => (typeof v === "number" ? v : null));
}

function asSize(v: number | Tensor | unknown): Size {
  if (typeof v === "number" || v instanceof Tensor) return v;
  return convertToTensor(v);
}

const BOX_PARAMS = [
  req("image", tensorKind),
  req("offsetHeight", intOrTensorKind),
  req("offsetWidth", intOrTensorKind),
  req("targetHeight", intOrTensorKind),
  req("targetWidth", intOrTensorKind),
] as const;

function padToBox(image: TensorLike, offH: Size, offW: Size, targetH: Size, targetW: Size): Tensor {
  return inOpScope(null, "pad_to_bounding_box", [image], () => {
    const [x, isBatch] = asBatch(convertToTensor(image, { name: "image" }));
    const asserts = checkAtLeast3D(x);
    const [batch, height, width, depth] = imageDimensions(x, 4) as Size[];
    const afterW = sub(sub(targetW, offW), width as Size);
    const afterH = sub(sub(targetH, offH), height as Size);
    asserts.push(
      ...check(geq(offH, 0), "offset_height must be >= 0"),
      ...check(geq(offW, 0), "offset_width must be >= 0"),
      ...check(geq(afterW, 0), "width must be <= target - offset"),
      ...check(geq(afterH, 0), "height must be <= target - offset"),
    );
    const gated = withDependencies(x.graph, asserts, x);
    const paddings = reshape(stackSizes([0, 0, offH, afterH, offW, afterW, 0, 0]), [4, 2]);
    const padded = pad(gated, paddings);
    padded.setShape(staticOrNone([batch as Size, targetH, targetW, depth as Size]));
    return isBatch ? padded : squeeze(padded, { axis: [0] });
  });
}

/**
 * Pads an image (3-D) or a batch (4-D) with zeros to `targetHeight` × `targetWidth`, the
 * image placed at `offsetHeight`, `offsetWidth` (`tf.image.pad_to_bounding_box`).
 *
 * @example
 * ```ts
 * const x = tf.ones([1, 1, 1]);
 * using sess = new tf.Session();
 * sess.run(tf.reshape(tf.image.padToBoundingBox(x, 1, 0, 2, 2), [2, 2])); // ==> [[0. 0.]
 *                                                                         //      [1. 0.]]
 * ```
 */
export const padToBoundingBox = tfFunction("image.padToBoundingBox", BOX_PARAMS, (a) =>
  padToBox(
    a.image,
    asSize(a.offsetHeight),
    asSize(a.offsetWidth),
    asSize(a.targetHeight),
    asSize(a.targetWidth),
  ),
);

function cropToBox(
  image: TensorLike,
  offH: Size,
  offW: Size,
  targetH: Size,
  targetW: Size,
): Tensor {
  return inOpScope(null, "crop_to_bounding_box", [image], () => {
    const [x, isBatch] = asBatch(convertToTensor(image, { name: "image" }));
    const asserts = checkAtLeast3D(x);
    const [batch, height, width, depth] = imageDimensions(x, 4) as Size[];
    asserts.push(
      ...check(geq(offW, 0), "offset_width must be >= 0."),
      ...check(geq(offH, 0), "offset_height must be >= 0."),
      ...check(gt(targetW, 0), "target_width must be > 0."),
      ...check(gt(targetH, 0), "target_height must be > 0."),
      ...check(geq(width as Size, plus(targetW, offW)), "width must be >= target + offset."),
      ...check(geq(height as Size, plus(targetH, offH)), "height must be >= target + offset."),
    );
    const gated = withDependencies(x.graph, asserts, x);
    const cropped = slice(
      gated,
      stackSizes([0, offH, offW, 0]),
      stackSizes([-1, targetH, targetW, -1]),
    );
    cropped.setShape(staticOrNone([batch as Size, targetH, targetW, depth as Size]));
    return isBatch ? cropped : squeeze(cropped, { axis: [0] });
  });
}

/**
 * Cuts the `targetHeight` × `targetWidth` box at `offsetHeight`, `offsetWidth` out of an
 * image or a batch (`tf.image.crop_to_bounding_box`).
 *
 * @example
 * ```ts
 * const x = tf.reshape(tf.range(9), [3, 3, 1]);
 * using sess = new tf.Session();
 * sess.run(tf.reshape(tf.image.cropToBoundingBox(x, 1, 1, 2, 2), [2, 2])); // ==> [[4 5]
 *                                                                          //      [7 8]]
 * ```
 */
export const cropToBoundingBox = tfFunction("image.cropToBoundingBox", BOX_PARAMS, (a) =>
  cropToBox(
    a.image,
    asSize(a.offsetHeight),
    asSize(a.offsetWidth),
    asSize(a.targetHeight),
    asSize(a.targetWidth),
  ),
);

const CROP_OR_PAD_PARAMS = [
  req("image", tensorKind),
  req("targetHeight", intOrTensorKind),
  req("targetWidth", intOrTensorKind),
] as const;

/**
 * Centrally crops and/or zero-pads an image or a batch to `targetHeight` × `targetWidth`
 * (`tf.image.resize_image_with_crop_or_pad`).
 *
 * @example
 * ```ts
 * const x = tf.reshape(tf.range(1, 5), [2, 2, 1]);
 * using sess = new tf.Session();
 * const y = tf.image.resizeImageWithCropOrPad(x, 2, 4);
 * sess.run(tf.reshape(y, [2, 4])); // ==> [[0 1 2 0]
 *                                  //      [0 3 4 0]]
 * ```
 */
export const resizeImageWithCropOrPad = tfFunction(
  "image.resizeImageWithCropOrPad",
  CROP_OR_PAD_PARAMS,
  (a) =>
    inOpScope(null, "resize_image_with_crop_or_pad", [a.image], () => {
      const [x0, isBatch] = asBatch(convertToTensor(a.image, { name: "image" }));
      let targetH = asSize(a.targetHeight);
      let targetW = asSize(a.targetWidth);
      const asserts = checkAtLeast3D(x0);
      asserts.push(
        ...check(gt(targetW, 0), "target_width must be > 0."),
        ...check(gt(targetH, 0), "target_height must be > 0."),
      );
      const x = withDependencies(x0.graph, asserts, x0);
      if (targetH instanceof Tensor) targetH = withDependencies(x.graph, asserts, targetH);
      if (targetW instanceof Tensor) targetW = withDependencies(x.graph, asserts, targetW);
      const max = (p: Size, q: Size): Size =>
        typeof p === "number" && typeof q === "number" ? Math.max(p, q) : maximum(p, q);
      const min = (p: Size, q: Size): Size =>
        typeof p === "number" && typeof q === "number" ? Math.min(p, q) : minimum(p, q);
      const half = (p: Size): Size =>
        typeof p === "number"
          ? Math.floor(p / 2)
          : (inOpScope(null, "floordiv", [p], () => floordivBy2(p)) as Tensor);
      const neg = (p: Size): Size => (typeof p === "number" ? -p : p.neg());
      const [, height, width] = imageDimensions(x, 4) as Size[];
      const widthDiff = sub(targetW, width as Size);
      const cropW = max(half(neg(widthDiff)), 0);
      const padW = max(half(widthDiff), 0);
      const heightDiff = sub(targetH, height as Size);
      const cropH = max(half(neg(heightDiff)), 0);
      const padH = max(half(heightDiff), 0);
      const cropped = cropToBox(
        x,
        cropH,
        cropW,
        min(targetH, height as Size),
        min(targetW, width as Size),
      );
      let resized = padToBox(cropped, padH, padW, targetH, targetW);
      const [, rh, rw] = imageDimensions(resized, 4) as Size[];
      const eq = (p: Size, q: Size): boolean | Tensor =>
        typeof p === "number" && typeof q === "number" ? p === q : equal(p, q);
      const after = [
        ...check(eq(rh as Size, targetH), "resized height is not correct."),
        ...check(eq(rw as Size, targetW), "resized width is not correct."),
      ];
      resized = withDependencies(resized.graph, after, resized);
      return isBatch ? resized : squeeze(resized, { axis: [0] });
    }),
);

/** Python's `t // 2` on an int32 tensor (`FloorDiv` under the scope `floordiv`). */
function floordivBy2(t: Tensor): Tensor {
  return inOpScope(null, "floordiv", [t], (scope, graph) =>
    binaryOpIn(scope, graph, "FloorDiv", t, convertToTensor(2, { name: "y", dtype: t.dtype })),
  );
}

const CENTRAL_CROP_PARAMS = [req("image", tensorKind), req("centralFraction", numberKind)] as const;

/**
 * Keeps the central `centralFraction` of an image's (or a batch's) height and width
 * (`tf.image.central_crop`).
 *
 * @example
 * ```ts
 * tf.image.centralCrop(tf.ones([8, 8, 3]), 0.5).shape.toString(); // ==> (4, 4, 3)
 * ```
 */
export const centralCrop = tfFunction("image.centralCrop", CENTRAL_CROP_PARAMS, (a) =>
  inOpScope(null, "central_crop", [a.image], () => {
    const image = convertToTensor(a.image, { name: "image" });
    const fraction = a.centralFraction;
    if (fraction <= 0.0 || fraction > 1.0) {
      throw new ValueError("central_fraction must be within (0, 1]");
    }
    if (fraction === 1.0) return image;
    assertAtLeast3D(image);
    const rank = image.shape.rank;
    if (rank !== 3 && rank !== 4) {
      throw new ValueError(
        `\`image\` should either be a Tensor with rank = 3 or rank = 4. Had rank = ${rank === null ? "None" : rank}.`,
      );
    }
    const dim = (i: number): [Size, boolean] => {
      const d = image.shape.dims?.[i] ?? null;
      return d !== null ? [d, false] : [shapeOf(image).get(i), true];
    };
    const off = rank === 3 ? 0 : 1;
    const [h, dynH] = dim(off);
    const [w, dynW] = dim(off + 1);
    const start = (size: Size, dynamic: boolean): Size => {
      if (!dynamic) {
        const d = size as number;
        return Math.trunc((d - d * fraction) / 2);
      }
      const sd = cast(size, "float32");
      return cast(sd.sub(sd.mul(fraction)).div(2), "int32");
    };
    const hStart = start(h, dynH);
    const wStart = start(w, dynW);
    const twice = (p: Size): Size => (typeof p === "number" ? p * 2 : p.mul(2));
    const hSize = sub(h, twice(hStart));
    const wSize = sub(w, twice(wStart));
    const begin = rank === 3 ? stackSizes([hStart, wStart, 0]) : stackSizes([0, hStart, wStart, 0]);
    const size = rank === 3 ? stackSizes([hSize, wSize, -1]) : stackSizes([-1, hSize, wSize, -1]);
    const out = slice(image, begin, size);
    const dims = image.shape.dims as Dim[];
    const hs = dynH ? null : (hSize as number);
    const ws = dynW ? null : (wSize as number);
    out.setShape(
      rank === 3 ? [hs, ws, dims[2] ?? null] : [dims[0] ?? null, hs, ws, dims[3] ?? null],
    );
    return out;
  }),
);

// ---------------------------------------------------------------------------------------
// resize_images.

/** TF 1.15's `tf.image.ResizeMethod` (the v1 integer codes). */
export const ResizeMethod = Object.freeze({
  BILINEAR: 0,
  NEAREST_NEIGHBOR: 1,
  BICUBIC: 2,
  AREA: 3,
} as const);

const RESIZE_IMAGES_PARAMS = [
  req("images", tensorKind),
  req("size", tensorKind),
  opt("method", eitherKind(intKind, oneOfKind("bilinear", "nearest", "bicubic", "area"))),
  opt("alignCorners", booleanKind),
  opt("preserveAspectRatio", booleanKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link resizeImages}. */
export type ResizeImagesOptions = OptionsOf<typeof RESIZE_IMAGES_PARAMS>;

/**
 * Resizes an image (3-D) or a batch (4-D) to `size` with `method`
 * (`tf.image.resize_images`): bilinear (0), nearest neighbor (1) or bicubic (2); returns
 * `images` itself when the size is statically unchanged. `preserveAspectRatio` fits the
 * image inside `size`.
 *
 * @example
 * ```ts
 * const x = tf.ones([4, 6, 3]);
 * tf.image.resizeImages(x, [2, 3]).shape.toString(); // ==> (2, 3, 3)
 * const fitted = tf.image.resizeImages(x, [4, 4], { preserveAspectRatio: true });
 * using sess = new tf.Session();
 * sess.run(tf.shape(fitted)); // ==> [3 4 3]
 * ```
 */
export const resizeImages = tfFunction("image.resizeImages", RESIZE_IMAGES_PARAMS, (a) =>
  inOpScope(a.name, "resize", [a.images, a.size], () => {
    let images = convertToTensor(a.images, { name: "images" });
    const rank = images.shape.rank;
    if (rank === null) throw new ValueError("'images' contains no shape.");
    const isBatch = rank !== 3;
    if (rank === 3) images = expandDims(images, 0);
    else if (rank !== 4) throw new ValueError("'images' must have either 3 or 4 dimensions.");
    const [, height, width] = images.shape.dims as Dim[];
    let size: Tensor;
    try {
      size = convertToTensor(a.size, { dtype: "int32", name: "size" });
    } catch {
      throw new ValueError("'size' must be a 1-D int32 Tensor");
    }
    if (!size.shape.isCompatibleWith(new TensorShape([2]))) {
      throw new ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width");
    }
    let known = constantValueAsShape(size).dims as Dim[];
    if (a.preserveAspectRatio === true) {
      const [, curH, curW] = imageDimensions(images, 4) as Size[];
      const f32 = (v: Size | null): Tensor => cast(v as TensorLike, "float32");
      const sh = f32(known[0] ?? null).div(f32(curH as Size));
      const sw = f32(known[1] ?? null).div(f32(curW as Size));
      const scale = minimum(sh, sw);
      const scaledH = cast(round(scale.mul(f32(curH as Size))), "int32");
      const scaledW = cast(round(scale.mul(f32(curW as Size))), "int32");
      size = convertToTensor([scaledH, scaledW], { dtype: "int32", name: "size" });
      known = constantValueAsShape(size).dims as Dim[];
    }
    const [newH, newW] = known as [Dim, Dim];
    if (newW !== null && width !== null && newH !== null && height !== null) {
      if (width === newW && height === newH)
        return isBatch ? images : squeeze(images, { axis: [0] });
    }
    const method = a.method ?? 0;
    const align = a.alignCorners ?? false;
    let resized: Tensor;
    if (method === 0 || method === "bilinear") {
      resized = buildResize("ResizeBilinear", images, size, align, false, undefined);
    } else if (method === 1 || method === "nearest") {
      resized = buildResize("ResizeNearestNeighbor", images, size, align, false, undefined);
    } else if (method === 2 || method === "bicubic") {
      resized = buildResize("ResizeBicubic", images, size, align, false, undefined);
    } else if (method === 3 || method === "area") {
      resized = buildResize("ResizeArea", images, size, align, false, undefined);
    } else {
      throw new ValueError("Resize method is not implemented.");
    }
    resized.setShape([null, newH, newW, null]);
    return isBatch ? resized : squeeze(resized, { axis: [0] });
  }),
);

// ---------------------------------------------------------------------------------------
// random_crop.

const RANDOM_CROP_PARAMS = [
  req("value", tensorKind),
  req("size", tensorKind),
  opt("seed", intKind),
  opt("name", stringKind),
] as const;

/**
 * A uniformly placed slice of `size` out of `value` (`tf.random_crop`, also
 * `tf.image.random_crop`), checked at run time (`Need value.shape >= size`).
 *
 * @example
 * ```ts
 * const crop = tf.image.randomCrop(tf.ones([32, 32, 3]), [24, 24, 3], 1);
 * crop.shape.toString(); // ==> (24, 24, 3)
 * ```
 */
export const randomCrop = tfFunction("randomCrop", RANDOM_CROP_PARAMS, (a) =>
  inOpScope(a.name, "random_crop", [a.value, a.size], (scope, graph) => {
    const value = convertToTensor(a.value, { name: "value" });
    const size = convertToTensor(a.size, { dtype: "int32", name: "size" });
    let shape = shapeOf(value);
    const ok = reduceAll(greaterEqual(shape, size));
    const assertion = assertOp(ok, ["Need value.shape >= size, got ", shape, size], 1000);
    shape = withDependencies(graph, [assertion], shape);
    const limit = shape.sub(size).add(1);
    const offset = randomUniform(shapeOf(shape), {
      dtype: "int32",
      maxval: 2147483647,
      seed: a.seed,
    }).mod(limit);
    return slice(value, offset, size, { name: scope });
  }),
);

// ---------------------------------------------------------------------------------------
// Color adjustments.

const INT_MAX = 2147483647;

const CONVERT_PARAMS = [
  req("image", tensorKind),
  req("dtype", dtypeKind),
  opt("saturate", booleanKind),
  opt("name", stringKind),
] as const;

function convertImage(image: TensorLike, dtype: DType, saturate: boolean, name?: string): Tensor {
  const x = convertToTensor(image, { name: "image" });
  if (dtype !== "float32" && dtype !== "int32" && dtype !== "int64") {
    throw new AttributeError("dtype must be either floating point or integer");
  }
  if (dtype === x.dtype) return identity(x, { name });
  return inOpScope(name, "convert_image", [x], (scope) => {
    const from = x.dtype;
    if (from !== "float32" && from !== "int32") {
      throw new TypeError(`convert_image_dtype: ${from} images are not supported.`);
    }
    if (from === "int32" && dtype === "int64") {
      // Scaling up: cast first, then multiply by (2**63) // (2**31).
      const c = saturate ? saturateCast(x, dtype) : cast(x, dtype);
      return multiply(c, 4294967296, { name: scope });
    }
    if (from === "int32") {
      return multiply(cast(x, dtype), 1 / INT_MAX, { name: scope });
    }
    const scaled = multiply(x, INT_MAX + 0.5);
    return saturate ? saturateCast(scaled, dtype, scope) : cast(scaled, dtype, { name: scope });
  });
}

/** Python's `AttributeError`, which TF raises for a dtype neither float nor integer. */
class AttributeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AttributeError";
  }
}

/** `math_ops.saturate_cast`: clipped to the target's range, then cast. */
function saturateCast(value: Tensor, dtype: DType, name?: string): Tensor {
  return inOpScope(name, "saturate_cast", [value], (scope) => {
    let v = value;
    if (value.dtype === "float32" && dtype !== "float32") {
      // The integer range as float32 constants (int64's ends round to ±2**63).
      const lo = dtype === "int32" ? -2147483648 : -(2 ** 63);
      const hi = dtype === "int32" ? INT_MAX : 2 ** 63;
      v = maximum(v, convertToTensor(lo, { dtype: "float32", name: "min" }));
      v = minimum(v, convertToTensor(hi, { dtype: "float32", name: "max" }));
    }
    return cast(v, dtype, { name: scope });
  });
}

/**
 * Converts an image between float32 (values in [0, 1]) and int32 (values in
 * [0, 2147483647]) (`tf.image.convert_image_dtype`): scaled as well as cast; the same
 * dtype gives an `Identity`.
 *
 * @example
 * ```ts
 * const x = tf.constant([0, 0.5, 1]);
 * tf.image.convertImageDtype(x, tf.float32).op.type; // ==> Identity
 * ```
 */
export const convertImageDtype = tfFunction("image.convertImageDtype", CONVERT_PARAMS, (a) =>
  convertImage(a.image, a.dtype, a.saturate ?? false, a.name),
);

const BRIGHTNESS_PARAMS = [req("image", tensorKind), req("delta", scalarKind)] as const;

function adjustBrightnessOp(image: TensorLike, delta: TensorLike): Tensor {
  return inOpScope(null, "adjust_brightness", [image, delta], (scope, graph) => {
    const x = convertToTensor(image, { name: "image" });
    const orig = x.dtype;
    const flt = orig === "float32" ? x : convertImage(x, "float32", false);
    const d = inOpScope(null, "Cast", [delta], (s) => {
      const t = convertToTensor(delta, { name: "x" });
      return t.dtype === flt.dtype ? t : cast(t, flt.dtype, { name: s });
    });
    const adjusted = inOpScope(scope, "Add", [flt, d], (s) => binaryOpIn(s, graph, "Add", flt, d));
    return convertImage(adjusted, orig, true);
  });
}

/**
 * Adds `delta` to every value of a float image (`tf.image.adjust_brightness`); an int32
 * image is converted to float32 and back.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.image.adjustBrightness(tf.constant([[[0.5]]]), 0.25)); // ==> [[[0.75]]]
 * ```
 */
export const adjustBrightness = tfFunction("image.adjustBrightness", BRIGHTNESS_PARAMS, (a) =>
  adjustBrightnessOp(a.image, a.delta),
);

const RANDOM_BRIGHTNESS_PARAMS = [
  req("image", tensorKind),
  req("maxDelta", numberKind),
  opt("seed", intKind),
] as const;

/**
 * {@link adjustBrightness} by a delta drawn uniformly from `[-maxDelta, maxDelta)`
 * (`tf.image.random_brightness`).
 *
 * @example
 * ```ts
 * tf.image.randomBrightness(tf.ones([2, 2, 3]), 0.2, 1).shape.toString(); // ==> (2, 2, 3)
 * ```
 */
export const randomBrightness = tfFunction(
  "image.randomBrightness",
  RANDOM_BRIGHTNESS_PARAMS,
  (a) => {
    if (a.maxDelta < 0) throw new ValueError("max_delta must be non-negative.");
    return inGraphOf([a.image], () => {
      const delta = randomUniform([], -a.maxDelta, a.maxDelta, { seed: a.seed });
      return adjustBrightnessOp(a.image, delta);
    });
  },
);

registerOp({
  type: "AdjustContrastv2",
  opDef: {
    inputs: ["images: T", "contrast_factor: float"],
    outputs: ["output: T"],
    attrs: ["T: {half, float} = float"],
  },
  inferShapes: (op) => [
    adjustContrastShape(op.name, op.inputs[0] as Tensor, op.inputs[1] as Tensor),
  ],
  kernel: ([images, factor]) => [
    tfc.tidy(() => {
      const x = images as tfc.Tensor;
      // TF's kernel: the mean of each channel over height and width, per image.
      const mean = tfc.mean(x, [x.rank - 3, x.rank - 2], true);
      return tfc.add(tfc.mul(tfc.sub(x, mean), factor as tfc.Tensor), mean);
    }),
  ],
});

// TensorFlow 1.15 registers no gradient for AdjustContrastv2.
noGradient(false, "AdjustContrastv2");

function adjustContrastShape(name: string, images: Tensor, factor: Tensor): TensorShape {
  const si = new ShapeInference(name, "AdjustContrastv2", [images.shape, factor.shape]);
  si.withRank(factor.shape, 0);
  const dims = si.withRankAtLeast(images.shape, 3);
  return dims === null ? TensorShape.unknown() : new TensorShape(dims);
}

const CONTRAST_PARAMS = [req("images", tensorKind), req("contrastFactor", scalarKind)] as const;

function adjustContrastOp(images: TensorLike, factor: TensorLike): Tensor {
  return inOpScope(null, "adjust_contrast", [images, factor], (scope, graph) => {
    const x = convertToTensor(images, { name: "images" });
    const orig = x.dtype;
    const flt = orig === "float32" ? x : convertImage(x, "float32", false);
    const adjusted = inOpScope(scope, "AdjustContrastv2", [flt, factor], (s) => {
      const f = convertToTensor(factor, { name: "contrast_factor", dtype: "float32" });
      return makeOp(
        graph,
        "AdjustContrastv2",
        s,
        [flt, f],
        [{ dtype: "float32", shape: adjustContrastShape(opNameOf(s), flt, f) }],
        { T: "float32" },
      ).outputs[0] as Tensor;
    });
    return convertImage(adjusted, orig, true);
  });
}

/**
 * Moves each channel of each image away from (factor > 1) or toward (factor < 1) its mean
 * over height and width (`tf.image.adjust_contrast`, op `AdjustContrastv2`).
 *
 * @example
 * ```ts
 * const x = tf.reshape(tf.constant([1, 3]), [1, 2, 1]);
 * using sess = new tf.Session();
 * sess.run(tf.reshape(tf.image.adjustContrast(tf.cast(x, tf.float32), 2), [2])); // ==> [0. 4.]
 * ```
 */
export const adjustContrast = tfFunction("image.adjustContrast", CONTRAST_PARAMS, (a) =>
  adjustContrastOp(a.images, a.contrastFactor),
);

const RANDOM_CONTRAST_PARAMS = [
  req("image", tensorKind),
  req("lower", numberKind),
  req("upper", numberKind),
  opt("seed", intKind),
] as const;

/**
 * {@link adjustContrast} by a factor drawn uniformly from `[lower, upper)`
 * (`tf.image.random_contrast`).
 *
 * @example
 * ```ts
 * tf.image.randomContrast(tf.ones([2, 2, 3]), 0.2, 1.8).shape.toString(); // ==> (2, 2, 3)
 * ```
 */
export const randomContrast = tfFunction("image.randomContrast", RANDOM_CONTRAST_PARAMS, (a) => {
  if (a.upper <= a.lower) throw new ValueError("upper must be > lower.");
  if (a.lower < 0) throw new ValueError("lower must be non-negative.");
  return inGraphOf([a.image], () => {
    const factor = randomUniform([], a.lower, a.upper, { seed: a.seed });
    return adjustContrastOp(a.image, factor);
  });
});

/**
 * Scales each image to zero mean and unit variance (`tf.image.per_image_standardization`):
 * `(x - mean) / max(stddev, 1 / sqrt(numElements))` over the last three dims, converted
 * back to the image's dtype (saturating) as TF 1.15 does.
 *
 * @example
 * ```ts
 * const x = tf.reshape(tf.constant([1, 3]), [1, 2, 1]);
 * using sess = new tf.Session();
 * sess.run(tf.reshape(tf.image.perImageStandardization(x), [2])); // ==> [-1.  1.]
 * ```
 */
export const perImageStandardization = tfFunction(
  "image.perImageStandardization",
  IMAGE_PARAMS,
  (a) =>
    inOpScope(null, "per_image_standardization", [a.image], (scope) => {
      let image = assertAtLeast3D(convertToTensor(a.image, { name: "image" }));
      const orig = image.dtype;
      if (orig !== "float32") image = convertImage(image, "float32", false);
      const numPixels = reduceProd(shapeOf(image).get("-3:"));
      const axes = [-1, -2, -3];
      const mean = reduceMean(image, axes, { keepdims: true });
      // Apply a minimum normalization that protects against uniform images.
      const stddev = reduceStd(image, axes);
      const minStddev = rsqrt(cast(numPixels, image.dtype));
      const adjusted = maximum(stddev, minStddev);
      const centered = image.sub(mean);
      const standardized = inOpScope(scope, "div", [centered, adjusted], (s, graph) =>
        binaryOpIn(s, graph, "RealDiv", centered, adjusted),
      );
      return convertImage(standardized, orig, true);
    }),
);

/**
 * `math_ops.reduce_std(x, axis, keepdims=True)`: the square root of `reduce_variance`,
 * the mean squared deviation from the mean, under TF's scopes.
 */
function reduceStd(x: Tensor, axis: number[]): Tensor {
  return nameScope("reduce_std", () => {
    const variance = nameScope("reduce_variance", () => {
      const means = reduceMean(x, axis, { keepdims: true });
      const squaredDeviations = square(x.sub(means));
      return reduceMean(squaredDeviations, axis, { keepdims: true });
    });
    return sqrt(variance);
  });
}

const GAMMA_PARAMS = [
  req("image", tensorKind),
  opt("gamma", numberKind),
  opt("gain", numberKind),
] as const;

/**
 * Gamma correction `gain * image ** gamma` (`tf.image.adjust_gamma`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.image.adjustGamma(tf.constant([0.25, 1]), 0.5)); // ==> [0.5 1. ]
 * ```
 */
export const adjustGamma = tfFunction("image.adjustGamma", GAMMA_PARAMS, (a) =>
  inOpScope(null, "adjust_gamma", [a.image], () => {
    const x = convertToTensor(a.image, { name: "image" });
    const orig = x.dtype;
    const flt = orig === "float32" ? x : convertImage(x, "float32", false);
    const gamma = a.gamma ?? 1;
    check(gamma >= 0, "Gamma should be a non-negative real number.");
    const adjusted = rmul(a.gain ?? 1, flt.pow(gamma));
    return convertImage(adjusted, orig, true);
  }),
);

const IMAGES_NAME_PARAMS = [req("images", tensorKind), opt("name", stringKind)] as const;

/**
 * The luma of RGB images, `0.2989 R + 0.5870 G + 0.1140 B`, keeping a last dim of 1
 * (`tf.image.rgb_to_grayscale`: a `Tensordot` over the channels).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.image.rgbToGrayscale(tf.constant([[[1, 1, 1]]]))); // ==> [[[0.99990004]]]
 * ```
 */
export const rgbToGrayscale = tfFunction("image.rgbToGrayscale", IMAGES_NAME_PARAMS, (a) =>
  inOpScope(a.name, "rgb_to_grayscale", [a.images], (scope) => {
    const images = convertToTensor(a.images, { name: "images" });
    const orig = images.dtype;
    const flt = convertImage(images, "float32", false);
    const gray = expandDims(tensordotLastFirst(flt, [0.2989, 0.587, 0.114]), -1);
    return convertImage(gray, orig, false, scope);
  }),
);

/**
 * Repeats the single channel of grayscale images three times
 * (`tf.image.grayscale_to_rgb`).
 *
 * @example
 * ```ts
 * tf.image.grayscaleToRgb(tf.ones([2, 2, 1])).shape.toString(); // ==> (2, 2, 3)
 * ```
 */
export const grayscaleToRgb = tfFunction("image.grayscaleToRgb", IMAGES_NAME_PARAMS, (a) =>
  inOpScope(a.name, "grayscale_to_rgb", [a.images], (scope) => {
    let images = convertToTensor(a.images, { name: "images" });
    const dims = images.shape.dims;
    if (dims !== null && dims.length < 2) {
      throw new ValueError("A grayscale image must be at least two-dimensional.");
    }
    if (images.shape.isFullyDefined() && dims?.[dims.length - 1] !== 1) {
      throw new ValueError("Last dimension of a grayscale image should be size 1.");
    }
    const checks: Operation[] = [];
    if (!images.shape.isFullyDefined()) {
      checks.push(
        assertEqual(shapeOf(images).get(-1), 1, {
          message: "Last dimension of a grayscale image should be size 1.",
        }),
        assertGreaterEqual(rankOf(images), 3, {
          message: "A grayscale image must be at least two-dimensional.",
        }),
      );
    }
    images = withDependencies(images.graph, checks, images);
    const rank1 = expandDims(rankOf(images).sub(1), 0);
    // `expand_dims(3, 0)`: the Python int converted as the op's int32 `input`.
    const three = inOpScope(null, "ExpandDims", [], (s) =>
      expandDims(convertToTensor(3, { dtype: "int32", name: "input" }), 0, { name: s }),
    );
    const multiples = concat([ones(rank1, "int32"), three], 0);
    const rgb = tile(images, multiples, { name: scope });
    const known = images.shape.dims;
    rgb.setShape(known === null ? TensorShape.unknown() : [...known.slice(0, -1), 3]);
    return rgb;
  }),
);

/**
 * The total variation of an image (3-D, a scalar) or of each image of a batch (4-D): the
 * sum of absolute differences between neighboring pixels (`tf.image.total_variation`).
 *
 * @example
 * ```ts
 * const x = tf.reshape(tf.constant([1, 2, 4, 8]), [2, 2, 1]);
 * using sess = new tf.Session();
 * sess.run(tf.image.totalVariation(tf.cast(x, tf.float32))); // ==> 14.0
 * ```
 */
export const totalVariation = tfFunction("image.totalVariation", IMAGES_NAME_PARAMS, (a) =>
  inOpScope(a.name, "total_variation", [], () => {
    const images = convertToTensor(a.images, { name: "images" });
    const ndims = images.shape.rank;
    let dif1: Tensor;
    let dif2: Tensor;
    let axis: number[] | undefined;
    if (ndims === 3) {
      dif1 = images.get("1:", ":", ":").sub(images.get(":-1", ":", ":"));
      dif2 = images.get(":", "1:", ":").sub(images.get(":", ":-1", ":"));
    } else if (ndims === 4) {
      dif1 = images.get(":", "1:", ":", ":").sub(images.get(":", ":-1", ":", ":"));
      dif2 = images.get(":", ":", "1:", ":").sub(images.get(":", ":", ":-1", ":"));
      axis = [1, 2, 3];
    } else {
      throw new ValueError("'images' must be either 3 or 4-dimensional.");
    }
    return reduceSum(abs(dif1), axis).add(reduceSum(abs(dif2), axis));
  }),
);

/**
 * The differences to the next pixel down (`dy`) and right (`dx`) of a 4-D batch, zero in
 * the last row/column (`tf.image.image_gradients`).
 *
 * @example
 * ```ts
 * const x = tf.reshape(tf.constant([1, 2, 4, 8]), [1, 2, 2, 1]);
 * const [dy, dx] = tf.image.imageGradients(x);
 * using sess = new tf.Session();
 * sess.run(tf.reshape(dy, [2, 2])); // ==> [[3. 6.]
 *                                   //      [0. 0.]]
 * sess.run(tf.reshape(dx, [2, 2])); // ==> [[1. 0.]
 *                                   //      [4. 0.]]
 * ```
 */
export const imageGradients = tfFunction("image.imageGradients", IMAGE_PARAMS, (a) => {
  const image = convertToTensor(a.image, { name: "image" });
  if (image.shape.rank !== 4) {
    throw new ValueError(
      `image_gradients expects a 4D tensor [batch_size, h, w, d], not ${image.shape.toString()}.`,
    );
  }
  const imageShape = shapeOf(image);
  const [batch, height, width, depth] = unstack(imageShape) as [Tensor, Tensor, Tensor, Tensor];
  let dy = image.get(":", "1:", ":", ":").sub(image.get(":", ":-1", ":", ":"));
  let dx = image.get(":", ":", "1:", ":").sub(image.get(":", ":", ":-1", ":"));
  dy = concat([dy, zeros(stack([batch, 1, width, depth]), image.dtype)], 1);
  dy = reshape(dy, imageShape);
  dx = concat([dx, zeros(stack([batch, height, 1, depth]), image.dtype)], 2);
  dx = reshape(dx, imageShape);
  return [dy, dx] as [Tensor, Tensor];
});
