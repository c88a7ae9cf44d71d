import type { Tensor, TensorLike } from "../graph/tensor.js";
import type { TensorShape } from "../graph/tensor_shape.js";
import type { DType } from "../graph/dtypes.js";
import { ValueError } from "../errors.js";
import { cast } from "./array/cast.js";
import { onesLike } from "./array/like.js";
import { scatterNdOp } from "./array/gather_nd.js";
import { squeeze } from "./array/squeeze.js";
import { stack } from "./array/stack.js";
import { assertLess, assertNonNegative } from "./debug/check_ops.js";
import { controlDependencies } from "./control/group.js";
import { identity } from "./math/unary.js";
import { convertToTensor } from "./convert.js";
import { inOpScope } from "./op_scope.js";

/*
 * TensorFlow 1.15's `confusion_matrix.py`: `remove_squeezable_dimensions`, which the losses
 * and the metrics use to line labels up with predictions, and `confusion_matrix`.
 */

/** Whether a static dim may be 1 (`Dimension.is_compatible_with(1)`). */
function lastDimMayBeOne(s: TensorShape): boolean {
  const dims = s.dims;
  if (dims === null || dims.length === 0) return false;
  const last = dims[dims.length - 1];
  return last === null || last === 1;
}

/**
 * `confusion_matrix.remove_squeezable_dimensions(labels, predictions, expected_rank_diff)`:
 * squeezes a trailing 1 off `labels` or `predictions` when their ranks differ from
 * `expectedRankDiff` by one, under `remove_squeezable_dimensions`. Static ranks only
 * (TensorFlow uses a `cond` on the dynamic ranks otherwise; scopeflow then leaves the
 * tensors as they are). `labelsDtype` is the dtype JS numbers in `labels` prefer (the
 * losses' class ids ask for int32, as Python's ints would give).
 */
export function removeSqueezableDimensions(
  labels: TensorLike,
  predictions: TensorLike,
  expectedRankDiff = 0,
  labelsDtype: DType | null = null,
): [labels: Tensor, predictions: Tensor] {
  return inOpScope(null, "remove_squeezable_dimensions", [labels, predictions], () => {
    let tp = convertToTensor(predictions);
    let tl = convertToTensor(labels, { preferredDtype: labelsDtype });
    const pr = tp.shape.rank;
    const lr = tl.shape.rank;
    if (pr !== null && lr !== null) {
      const diff = pr - lr;
      if (diff === expectedRankDiff + 1 && lastDimMayBeOne(tp.shape)) tp = squeeze(tp, [-1]);
      else if (diff === expectedRankDiff - 1 && lastDimMayBeOne(tl.shape)) tl = squeeze(tl, [-1]);
    }
    return [tl, tp];
  });
}

/** `control_flow_ops.with_dependencies([check], x)`: `x` through an `Identity` after `check`. */
function withDependency(check: ReturnType<typeof assertLess>, x: Tensor): Tensor {
  return inOpScope(null, "control_dependency", [x], (scope) =>
    controlDependencies([check], () => identity(x, { name: scope })),
  );
}

/**
 * `confusion_matrix.confusion_matrix(labels, predictions, num_classes, weights, dtype)`
 * with a given `numClasses`: the `[numClasses, numClasses]` matrix counting (or weighting)
 * each (label, prediction) pair, built by `ScatterNd` after the run-time checks that
 * every label and prediction lies in `[0, numClasses)`.
 */
export function confusionMatrix(
  labels: TensorLike,
  predictions: TensorLike,
  numClasses: TensorLike,
  weights: TensorLike | null,
  dtype: DType,
): Tensor {
  return inOpScope(null, "confusion_matrix", [predictions, labels, numClasses], () => {
    let [l, p] = removeSqueezableDimensions(
      convertToTensor(labels, { name: "labels" }),
      convertToTensor(predictions, { name: "predictions" }),
    );
    p = cast(p, "int64");
    l = cast(l, "int64");
    l = withDependency(assertNonNegative(l, { message: "`labels` contains negative values" }), l);
    p = withDependency(
      assertNonNegative(p, { message: "`predictions` contains negative values" }),
      p,
    );
    const n64 = cast(numClasses, "int64");
    l = withDependency(assertLess(l, n64, { message: "`labels` out of bound" }), l);
    p = withDependency(assertLess(p, n64, { message: "`predictions` out of bound" }), p);
    let values: Tensor;
    if (weights !== null) {
      const w = convertToTensor(weights, { name: "weights" });
      if (!p.shape.isCompatibleWith(w.shape)) {
        throw new ValueError(
          `Shapes ${p.shape.toString()} and ${w.shape.toString()} are incompatible`,
        );
      }
      values = cast(w, dtype);
    } else {
      values = onesLike(p, { dtype });
    }
    const shape = stack([numClasses, numClasses]);
    const indices = stack([l, p], { axis: 1 });
    return scatterNdOp(indices, values, cast(shape, "int64"));
  });
}
