import { ValueError } from "../../errors.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import {
  dtypeKind,
  intKind,
  intOrTensorKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { less, maximum } from "../math/binary.js";
import { rangeIn } from "../math/range.js";
import { reduceMax, reduceProd } from "../math/reduce.js";
import { inOpScope } from "../op_scope.js";
import { cast } from "./cast.js";
import { concat } from "./concat.js";
import { constant } from "./constant.js";
import { expandDims } from "./expand_dims.js";
import { gather } from "./gather.js";
import { reshape } from "./reshape.js";
import { shape as shapeOf } from "./shape.js";
import { squeeze } from "./squeeze.js";
import { sliceHelper } from "./strided_slice.js";
import { sliceSpec } from "../../graph/slice_spec.js";
import { where } from "./where.js";

/** TF 1.15's `sequence_mask(lengths, maxlen=None, dtype=tf.bool, name=None)`. */
const SEQUENCE_MASK_PARAMS = [
  req("lengths", tensorKind),
  opt("maxlen", intOrTensorKind),
  opt("dtype", dtypeKind),
  opt("name", stringKind),
] as const;

/**
 * A mask of the first `lengths[i]` positions of each row (`tf.sequence_mask`), built as
 * TF 1.15 builds it under `SequenceMask`: `range(maxlen) < expand_dims(lengths, -1)`, with
 * `maxlen` the largest length (`Max`, `Maximum` with 0) when not given.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.sequenceMask([1, 3, 2], 4)); // ==> [[ True False False False]
 *                                          //      [ True  True  True False]
 *                                          //      [ True  True False False]]
 * ```
 */
export const sequenceMask = tfFunction("sequenceMask", SEQUENCE_MASK_PARAMS, (a) =>
  inOpScope(a.name, "SequenceMask", [a.lengths, a.maxlen], (_scope, graph) => {
    const lengths = convertToTensor(a.lengths, { preferredDtype: "int32" });
    let maxlen: Tensor;
    if (a.maxlen === undefined || a.maxlen === null) {
      maxlen = reduceMax(lengths);
      maxlen = maximum(constant(0, maxlen.dtype), maxlen);
    } else {
      maxlen = convertToTensor(a.maxlen, { preferredDtype: "int32" });
    }
    if (maxlen.shape.rank !== null && maxlen.shape.rank !== 0) {
      throw new ValueError("maxlen must be scalar for sequence_mask");
    }
    const start = constant(0, maxlen.dtype);
    const delta = constant(1, maxlen.dtype);
    const limit = maxlen;
    const rowVector = inOpScope(undefined, "Range", [start, limit, delta], (scope) =>
      rangeIn(graph, scope, start, limit, delta),
    );
    const matrix = cast(expandDims(lengths, -1), maxlen.dtype);
    const result = less(rowVector, matrix);
    const dtype = a.dtype ?? "bool";
    return dtype === "bool" ? result : cast(result, dtype);
  }),
);

/** TF 1.15's `boolean_mask(tensor, mask, name="boolean_mask", axis=None)`. */
const BOOLEAN_MASK_PARAMS = [
  req("tensor", tensorKind),
  req("mask", tensorKind),
  opt("name", stringKind),
  opt("axis", intKind),
] as const;

/**
 * The elements (or slices) of `tensor` where `mask` is true (`tf.boolean_mask`), built as
 * TF 1.15 builds it under `boolean_mask`: the masked dimensions reshaped into one, then
 * `gather` of `squeeze(where(mask))`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.booleanMask([[1, 2], [3, 4], [5, 6]], [true, false, true])); // ==> [[1. 2.]
 *                                                                          //      [5. 6.]]
 * ```
 */
export const booleanMask = tfFunction("booleanMask", BOOLEAN_MASK_PARAMS, (a) =>
  inOpScope(a.name ?? "boolean_mask", "boolean_mask", [a.tensor, a.mask], () => {
    let tensor = convertToTensor(a.tensor, { name: "tensor" });
    let mask = convertToTensor(a.mask, { name: "mask" });
    const shapeMask = mask.shape;
    const ndimsMask = shapeMask.rank;
    const shapeTensor = tensor.shape;
    if (ndimsMask === 0) throw new ValueError("mask cannot be scalar.");
    if (ndimsMask === null) {
      throw new ValueError(
        "Number of mask dimensions must be specified, even if some dimensions are None.  E.g. shape=[None] is ok, but shape=None is not.",
      );
    }
    const axis = a.axis ?? 0;
    const masked =
      shapeTensor.dims === null
        ? TensorShape.unknownOfRank(ndimsMask)
        : new TensorShape(shapeTensor.dims.slice(axis, axis + ndimsMask));
    if (!masked.isCompatibleWith(shapeMask)) {
      throw new ValueError(
        `Shapes ${masked.toString()} and ${shapeMask.toString()} are incompatible`,
      );
    }
    const leadingSize = reduceProd(
      sliceHelper(shapeOf(tensor), [sliceSpec(axis, axis + ndimsMask)]),
      [0],
    );
    const newShape = concat(
      [
        sliceHelper(shapeOf(tensor), [sliceSpec(null, axis)]),
        [leadingSize],
        sliceHelper(shapeOf(tensor), [sliceSpec(axis + ndimsMask, null)]),
      ] as never,
      0,
    );
    tensor = reshape(tensor, newShape);
    const firstDim = masked.numElements();
    if (shapeTensor.dims !== null) {
      tensor.setShape([
        ...shapeTensor.dims.slice(0, axis),
        firstDim,
        ...shapeTensor.dims.slice(axis + ndimsMask),
      ]);
    }
    mask = reshape(mask, [-1]);
    const indices = squeeze(where(mask), { axis: [1] });
    return gather(tensor, indices, { axis });
  }),
);
