import { ValueError } from "../errors.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor, TensorLike } from "../graph/tensor.js";
import { concat } from "./array/concat.js";
import { expandDims } from "./array/expand_dims.js";
import { onesLike } from "./array/like.js";
import { denseToDenseSetOperation } from "./array/set_ops.js";
import { rank, shape, size } from "./array/shape.js";
import { assertOp } from "./control/case.js";
import { cond } from "./control/cond.js";
import { controlDependencies, noOp } from "./control/group.js";
import { convertToTensor } from "./convert.js";
import { equal, multiply } from "./math/binary.js";
import { inOpScope } from "./op_scope.js";

/*
 * TensorFlow 1.15's `weights_broadcast_ops.py`: the check that weights broadcast to the
 * values they weight, and the broadcast itself, shared by `tf.losses` and `tf.metrics`.
 */

/** NumPy's printing of a small int vector: `[2 3]`. */
function npShape(dims: readonly (number | null)[]): string {
  return `[${dims.join(" ")}]`;
}

const BROADCAST_ERROR_PREFIX = "weights can not be broadcast to values.";

/**
 * `weights_broadcast_ops.assert_broadcastable`: `weights` must be a scalar, or of the rank
 * of `values` with each dim 1 or equal to `values`' dim. Decided when building whenever
 * the static shapes allow (a `NoOp` named `static_scalar_check_success` or
 * `static_dims_check_success`, or a `ValueError`).
 *
 * Otherwise the check runs: `is_valid_shape`, a `cond` on `is_scalar` whose false branch
 * (`has_valid_nonscalar_shape`) compares the ranks and then, by a set difference of each
 * weights dim against `{values dim, 1}` (`has_invalid_dims`), the dims; an `Assert` on it
 * (guarded by `AssertGuard`) fails the run with TensorFlow's message.
 */
export function assertBroadcastable(weights: TensorLike, values: TensorLike): Operation {
  return inOpScope(null, "assert_broadcastable", [weights, values], (scope) => {
    const [w, wShapeT, wRankT] = tensorShapeAndRank(weights, "weights");
    const [v, vShapeT, vRankT] = tensorShapeAndRank(values, "values");
    const wRank = w.shape.rank;
    const vRank = v.shape.rank;
    if (wRank !== null && vRank !== null) {
      if (wRank === 0) return noOp({ name: "static_scalar_check_success" });
      if (wRank !== vRank) {
        throw new ValueError(
          `${BROADCAST_ERROR_PREFIX} values.rank=${vRank}. weights.rank=${wRank}. values.shape=${v.shape.toString()}. weights.shape=${w.shape.toString()}.`,
        );
      }
      if (w.shape.isFullyDefined() && v.shape.isFullyDefined()) {
        const wd = w.shape.asList() as number[];
        const vd = v.shape.asList() as number[];
        for (let i = 0; i < vd.length; i++) {
          if (wd[i] !== 1 && wd[i] !== vd[i]) {
            throw new ValueError(
              `${BROADCAST_ERROR_PREFIX} Mismatch at dim ${i}. values.shape=${npShape(vd)} weights.shape=${npShape(wd)}.`,
            );
          }
        }
        return noOp({ name: "static_dims_check_success" });
      }
    }
    const isScalar = equal(0, wRankT, { name: "is_scalar" });
    const isValidShape = cond(
      isScalar,
      () => isScalar,
      () => hasValidNonscalarShape(wRankT, wShapeT, vRankT, vShapeT),
      { name: "is_valid_shape" },
    ) as Tensor;
    const data = [
      BROADCAST_ERROR_PREFIX,
      "weights.shape=",
      w.name,
      wShapeT,
      "values.shape=",
      v.name,
      vShapeT,
      "is_scalar=",
      isScalar,
    ];
    return assertOp(isValidShape, data, 3, scope);
  });
}

/** A tensor of `x` in the scope `name`, with its `shape` and `rank` there. */
function tensorShapeAndRank(x: TensorLike, name: string): [Tensor, Tensor, Tensor] {
  return inOpScope(null, name, [x], (scope) => {
    const t = convertToTensor(x, { name: scope });
    return [t, shape(t, { name: "shape" }), rank(t, { name: "rank" })];
  });
}

/** `_has_valid_nonscalar_shape`: same ranks, then every weights dim 1 or the values dim. */
function hasValidNonscalarShape(
  weightsRank: Tensor,
  weightsShape: Tensor,
  valuesRank: Tensor,
  valuesShape: Tensor,
): Tensor {
  return inOpScope(
    null,
    "has_valid_nonscalar_shape",
    [weightsRank, weightsShape, valuesRank, valuesShape],
    (scope) => {
      const isSameRank = equal(valuesRank, weightsRank, { name: "is_same_rank" });
      return cond(
        isSameRank,
        () => hasValidDims(weightsShape, valuesShape),
        () => isSameRank,
        {
          name: scope,
        },
      ) as Tensor;
    },
  );
}

/** `_has_valid_dims`: no weights dim outside `{values dim, 1}`. */
function hasValidDims(weightsShape: Tensor, valuesShape: Tensor): Tensor {
  return inOpScope(null, "has_invalid_dims", [weightsShape, valuesShape], (scope) => {
    const valuesShape2d = expandDims(valuesShape, -1);
    const validDims = concat([valuesShape2d, onesLike(valuesShape2d)], 1);
    const weightsShape2d = expandDims(weightsShape, -1);
    const [, invalidDims] = denseToDenseSetOperation(weightsShape2d, validDims, "a-b");
    const numInvalidDims = size(invalidDims, { name: "num_invalid_dims" });
    return equal(0, numInvalidDims, { name: scope });
  });
}

/**
 * `weights_broadcast_ops.broadcast_weights`: `weights` as is when its static shape already
 * is `values`' shape, else `weights * ones_like(values)` named `broadcast_weights`.
 */
export function broadcastWeights(weights: TensorLike, values: TensorLike): Tensor {
  return inOpScope(null, "broadcast_weights", [weights, values], (scope) => {
    const v = convertToTensor(values, { name: "values" });
    const w = convertToTensor(weights, { dtype: v.dtype, name: "weights" });
    if (w.shape.isFullyDefined() && v.shape.isFullyDefined() && w.shape.isCompatibleWith(v.shape)) {
      return w;
    }
    return controlDependencies([assertBroadcastable(w, v)], () =>
      multiply(w, onesLike(v), { name: scope }),
    );
  });
}
