import { ValueError } from "../errors.js";
import type { Tensor, TensorLike } from "../graph/tensor.js";
import { cast } from "../ops/array/cast.js";
import { zeros } from "../ops/array/fill.js";
import { reshape } from "../ops/array/reshape.js";
import { shape } from "../ops/array/shape.js";
import { convertToTensor } from "../ops/convert.js";
import { notEqual } from "../ops/math/binary.js";
import { divNoNan } from "../ops/math/div_no_nan.js";
import { pythonOperator } from "../ops/math/operators.js";
import { reduceSum } from "../ops/math/reduce.js";
import { sparseSoftmaxCrossEntropyWithLogits } from "../ops/nn/xent.js";
import { inOpScope } from "../ops/op_scope.js";
import { nameScope } from "../scope/name_scope.js";
import {
  booleanKind,
  kind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../graph/call_args.js";

/** A replacement for the sparse softmax cross entropy: called with `{ labels, logits }`. */
export type SoftmaxLossFunction = (args: { labels: Tensor; logits: Tensor }) => Tensor;

/**
 * TF 1.15's `tf.contrib.seq2seq.sequence_loss(logits, targets, weights,
 * average_across_timesteps, average_across_batch, sum_over_timesteps, sum_over_batch,
 * softmax_loss_function, name)`.
 */
const lossFunctionKind = kind<SoftmaxLossFunction>("a function", (v) => typeof v === "function");

const SEQUENCE_LOSS_PARAMS = [
  req("logits", tensorKind),
  req("targets", tensorKind),
  req("weights", tensorKind),
  opt("averageAcrossTimesteps", booleanKind),
  opt("averageAcrossBatch", booleanKind),
  opt("sumOverTimesteps", booleanKind),
  opt("sumOverBatch", booleanKind),
  opt("softmaxLossFunction", lossFunctionKind),
  opt("name", stringKind),
] as const;

/**
 * Options of {@link sequenceLoss} after `logits`, `targets`, `weights`:
 * `averageAcrossTimesteps`, `averageAcrossBatch` (default `true`: sum over that axis and
 * divide by the weights' sum over it), `sumOverTimesteps`, `sumOverBatch` (default
 * `false`: sum over that axis and divide by the count of nonzero weights; not with the
 * matching `average…`), `softmaxLossFunction`, `name` (default `"sequence_loss"`).
 */
export type SequenceLossOptions = OptionsOf<typeof SEQUENCE_LOSS_PARAMS>;

/**
 * `count_nonzero(weights, axis)` as TF builds it, in `dtype`: `NotEqual` to a zero, cast
 * to int64, summed, cast back.
 */
function countNonzero(weights: Tensor, axis: number[] | undefined, dtype: Tensor["dtype"]): Tensor {
  return nameScope("count_nonzero", () => {
    const zero = zeros([], { dtype: weights.dtype });
    const counted = reduceSum(cast(notEqual(weights, zero), "int64"), axis);
    return cast(counted, dtype);
  });
}

/**
 * Weighted cross entropy of a sequence of logits (`tf.contrib.seq2seq.sequence_loss`):
 * `logits` `[batch, time, classes]`, integer `targets` and float `weights`
 * `[batch, time]`. The per-step losses (sparse softmax cross entropy, or
 * `softmaxLossFunction({ labels, logits })` on the flattened steps) are multiplied by the
 * weights; by default summed and divided by the weights' sum (`div_no_nan`: 0 for all-zero
 * weights), a scalar. Without averaging over one axis the result keeps it: `[time]` with
 * `averageAcrossTimesteps: false`, `[batch]` with `averageAcrossBatch: false`,
 * `[batch, time]` with neither. Ops under `sequence_loss/`.
 *
 * @example
 * ```ts
 * const logits = tf.constant([[[0, 0], [2, 0]]]);
 * const loss = tf.contrib.seq2seq.sequenceLoss(logits, [[0, 1]], [[1, 0]]);
 * loss.op.name; // ==> sequence_loss/div_no_nan
 * using sess = new tf.Session();
 * sess.run(loss); // ==> 0.6931472
 * ```
 */
export const sequenceLoss = tfFunction(
  "contrib.seq2seq.sequenceLoss",
  SEQUENCE_LOSS_PARAMS,
  (a) => {
    const averageAcrossTimesteps = a.averageAcrossTimesteps ?? true;
    const averageAcrossBatch = a.averageAcrossBatch ?? true;
    const sumOverTimesteps = a.sumOverTimesteps ?? false;
    const sumOverBatch = a.sumOverBatch ?? false;
    const softmaxLossFunction = a.softmaxLossFunction ?? null;
    return sequenceLossOp(
      a.logits,
      a.targets,
      a.weights,
      { averageAcrossTimesteps, averageAcrossBatch, sumOverTimesteps, sumOverBatch },
      softmaxLossFunction,
      a.name,
    );
  },
);

function sequenceLossOp(
  logitsArg: TensorLike,
  targetsArg: TensorLike,
  weightsArg: TensorLike,
  flags: {
    averageAcrossTimesteps: boolean;
    averageAcrossBatch: boolean;
    sumOverTimesteps: boolean;
    sumOverBatch: boolean;
  },
  softmaxLossFunction: SoftmaxLossFunction | null,
  name: string | undefined,
): Tensor {
  const logits = convertToTensor(logitsArg, { name: "logits" });
  const targets = convertToTensor(targetsArg, { name: "targets", preferredDtype: "int32" });
  const weights = convertToTensor(weightsArg, { name: "weights", preferredDtype: logits.dtype });
  if (logits.shape.rank !== 3) {
    throw new ValueError("Logits must be a [batch_size x sequence_length x logits] tensor");
  }
  if (targets.shape.rank !== 2) {
    throw new ValueError("Targets must be a [batch_size x sequence_length] tensor");
  }
  if (weights.shape.rank !== 2) {
    throw new ValueError("Weights must be a [batch_size x sequence_length] tensor");
  }
  const { averageAcrossTimesteps, averageAcrossBatch, sumOverTimesteps, sumOverBatch } = flags;
  if (averageAcrossTimesteps && sumOverTimesteps) {
    throw new ValueError(
      "average_across_timesteps and sum_over_timesteps cannot be set to True at same time.",
    );
  }
  if (averageAcrossBatch && sumOverBatch) {
    throw new ValueError(
      "average_across_batch and sum_over_batch cannot be set to True at same time.",
    );
  }
  return inOpScope(name, "sequence_loss", [logits, targets, weights], () => {
    const numClasses = shape(logits).get(2);
    const logitsFlat = reshape(logits, [-1, numClasses]);
    const targetsFlat = reshape(targets, [-1]);
    let crossent =
      softmaxLossFunction === null
        ? sparseSoftmaxCrossEntropyWithLogits({ labels: targetsFlat, logits: logitsFlat })
        : softmaxLossFunction({ labels: targetsFlat, logits: logitsFlat });
    crossent = pythonOperator("mul", crossent, reshape(weights, [-1]));
    if (averageAcrossTimesteps && averageAcrossBatch) {
      return divNoNan(reduceSum(crossent), reduceSum(weights));
    }
    if (sumOverTimesteps && sumOverBatch) {
      const total = reduceSum(crossent);
      return divNoNan(total, countNonzero(weights, undefined, total.dtype));
    }
    crossent = reshape(crossent, shape(logits).get("0:2"));
    if (averageAcrossTimesteps || averageAcrossBatch) {
      const axis = averageAcrossBatch ? [0] : [1];
      return divNoNan(reduceSum(crossent, axis), reduceSum(weights, axis));
    }
    if (sumOverTimesteps || sumOverBatch) {
      const axis = sumOverBatch ? [0] : [1];
      const summed = reduceSum(crossent, axis);
      return divNoNan(summed, countNonzero(weights, axis, summed.dtype));
    }
    return crossent;
  });
}
