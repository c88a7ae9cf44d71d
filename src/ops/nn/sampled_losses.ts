import type { Tensor, TensorLike } from "../../graph/tensor.js";
import {
  booleanKind,
  eitherKind,
  intKind,
  kind,
  oneOfKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tensorListKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { cast } from "../array/cast.js";
import { concat } from "../array/concat.js";
import { expandDims } from "../array/expand_dims.js";
import { ones } from "../array/fill.js";
import { onesLike, zerosLike } from "../array/like.js";
import { reshape } from "../array/reshape.js";
import { shape } from "../array/shape.js";
import { slice } from "../array/slice.js";
import { sparseToDense } from "../array/sparse_to_dense.js";
import { stack } from "../array/stack.js";
import { convertToTensor } from "../convert.js";
import { multiply } from "../math/binary.js";
import { matmul } from "../math/matmul.js";
import { pythonOperator } from "../math/operators.js";
import { log, stopGradient } from "../math/unary.js";
import { inOpScope } from "../op_scope.js";
import { computeAccidentalHits, logUniformCandidateSampler } from "../random/candidate_sampling.js";
import { embeddingLookup } from "./embedding.js";
import { sigmoidCrossEntropyWithLogits } from "./sigmoid_xent.js";
import { softmaxCrossEntropyWithLogitsV2 } from "./xent.js";

/*
 * TF 1.15's sampled losses (`nn_impl.py`): `nce_loss` and `sampled_softmax_loss`, both
 * built on `_compute_sampled_logits`.
 */

/**
 * `_sum_rows(x)`: the sum of each row of a matrix as a `MatMul` by a column of ones,
 * which TensorFlow prefers to `reduce_sum` for its faster gradient.
 */
function sumRows(x: Tensor): Tensor {
  const cols = shape(x).get(1);
  const onesShape = stack([cols, 1]);
  const column = ones(onesShape, { dtype: x.dtype });
  return reshape(matmul(x, column), [-1]);
}

/** `array_ops.expand_dims(n, 0)` of a Python int: its `ExpandDims/input` const is int32. */
function expandIntScalar(n: number): Tensor {
  return inOpScope(undefined, "ExpandDims", [], (scope) =>
    expandDims(convertToTensor(n, { name: "input", dtype: "int32" }), 0, { name: scope }),
  );
}

interface SampledLogitsArgs {
  weights: readonly TensorLike[];
  biases: TensorLike | readonly TensorLike[];
  labels: TensorLike;
  inputs: TensorLike;
  numSampled: number;
  numClasses: number;
  numTrue: number;
  sampledValues: readonly [TensorLike, TensorLike, TensorLike] | undefined;
  subtractLogQ: boolean;
  removeAccidentalHits: boolean;
  partitionStrategy: "mod" | "div";
  name: string | undefined;
  seed: number | undefined;
}

/**
 * `_compute_sampled_logits`: the logits of the true classes (first `numTrue` columns) and
 * of the sampled classes for each example, and the matching labels (`1 / numTrue` for the
 * true classes, 0 for the sampled). Sampled values (by default a unique log-uniform
 * sample) pass through `StopGradient`s.
 */
function computeSampledLogits(a: SampledLogitsArgs): [Tensor, Tensor] {
  const scopeValues = [...a.weights, ...asShards(a.biases), a.inputs, a.labels];
  return inOpScope(a.name, "compute_sampled_logits", scopeValues, () => {
    let labels = convertToTensor(a.labels, { name: "labels", preferredDtype: "int64" });
    if (labels.dtype !== "int64") labels = cast(labels, "int64");
    const inputs = convertToTensor(a.inputs, { name: "inputs" });
    const labelsFlat = reshape(labels, [-1]);
    const sampledValues =
      a.sampledValues ??
      logUniformCandidateSampler({
        trueClasses: labels,
        numTrue: a.numTrue,
        numSampled: a.numSampled,
        unique: true,
        rangeMax: a.numClasses,
        seed: a.seed,
      });
    const [sampledRaw, trueExpectedCount, sampledExpectedCount] = sampledValues.map((s) =>
      stopGradient(s),
    ) as [Tensor, Tensor, Tensor];
    const sampled = cast(sampledRaw, "int64");
    const allIds = concat([labelsFlat, sampled], 0);

    let allW = embeddingLookup([...a.weights], allIds, { partitionStrategy: a.partitionStrategy });
    if (allW.dtype !== inputs.dtype) allW = cast(allW, inputs.dtype);
    const trueW = slice(allW, [0, 0], stack([shape(labelsFlat).get(0), -1]));
    const sampledW = slice(allW, stack([shape(labelsFlat).get(0), 0]), [-1, -1]);
    let sampledLogits = matmul(inputs, sampledW, { transposeB: true });

    let allB = embeddingLookup(a.biases, allIds, { partitionStrategy: a.partitionStrategy });
    if (allB.dtype !== inputs.dtype) allB = cast(allB, inputs.dtype);
    let trueB = slice(allB, [0], shape(labelsFlat));
    const sampledB = slice(allB, shape(labelsFlat), [-1]);

    const dim = shape(trueW).get("1:2");
    const newTrueWShape = concat([[-1, a.numTrue], dim], 0);
    const rowWiseDots = multiply(expandDims(inputs, 1), reshape(trueW, newTrueWShape));
    const dotsAsMatrix = reshape(rowWiseDots, concat([[-1], dim], 0));
    let trueLogits = reshape(sumRows(dotsAsMatrix), [-1, a.numTrue]);
    trueB = reshape(trueB, [-1, a.numTrue]);
    trueLogits = pythonOperator("add", trueLogits, trueB);
    sampledLogits = pythonOperator("add", sampledLogits, sampledB);

    if (a.removeAccidentalHits) {
      const [accIndices, accIds, accWeightsRaw] = computeAccidentalHits(labels, sampled, a.numTrue);
      const accIndices2d = reshape(accIndices, [-1, 1]);
      const accIds2dInt32 = reshape(cast(accIds, "int32"), [-1, 1]);
      const sparseIndices = concat([accIndices2d, accIds2dInt32], 1, "sparse_indices");
      const sampledLogitsShape = concat(
        [shape(labels).get(":1"), expandIntScalar(a.numSampled)],
        0,
      );
      let accWeights = accWeightsRaw;
      if (sampledLogits.dtype !== accWeights.dtype) {
        accWeights = cast(accWeights, sampledLogits.dtype);
      }
      sampledLogits = pythonOperator(
        "add",
        sampledLogits,
        sparseToDense(sparseIndices, sampledLogitsShape, accWeights, 0, false),
      );
    }
    if (a.subtractLogQ) {
      trueLogits = pythonOperator("sub", trueLogits, log(trueExpectedCount));
      sampledLogits = pythonOperator("sub", sampledLogits, log(sampledExpectedCount));
    }
    const outLogits = concat([trueLogits, sampledLogits], 1);
    const outLabels = concat(
      [pythonOperator("truediv", onesLike(trueLogits), a.numTrue), zerosLike(sampledLogits)],
      1,
    );
    return [outLogits, outLabels];
  });
}

/** `sampled_values`: the three outputs of a candidate sampler. */
const sampledValuesKind = kind<readonly [TensorLike, TensorLike, TensorLike]>(
  "a tuple of (sampled_candidates, true_expected_count, sampled_expected_count)",
  (v) => Array.isArray(v) && v.length === 3 && v.every((t) => tensorKind.check(t)),
);

/** One weights tensor or variable, or a list of shards (TF's list or `PartitionedVariable`). */
const shardsKind = eitherKind(tensorKind, tensorListKind);

/**
 * TF 1.15's `nce_loss(weights, biases, labels, inputs, num_sampled, num_classes,
 * num_true=1, sampled_values=None, remove_accidental_hits=False, partition_strategy="mod",
 * name="nce_loss")`.
 */
const NCE_LOSS_PARAMS = [
  req("weights", shardsKind),
  req("biases", shardsKind),
  req("labels", tensorKind),
  req("inputs", tensorKind),
  req("numSampled", intKind),
  req("numClasses", intKind),
  opt("numTrue", intKind),
  opt("sampledValues", sampledValuesKind),
  opt("removeAccidentalHits", booleanKind),
  opt("partitionStrategy", oneOfKind("mod", "div")),
  opt("name", stringKind),
] as const;

/** The options object of {@link nceLoss}. */
export type NceLossOptions = OptionsOf<typeof NCE_LOSS_PARAMS>;

/**
 * TF 1.15's `sampled_softmax_loss(weights, biases, labels, inputs, num_sampled,
 * num_classes, num_true=1, sampled_values=None, remove_accidental_hits=True,
 * partition_strategy="mod", name="sampled_softmax_loss", seed=None)`.
 */
const SAMPLED_SOFTMAX_LOSS_PARAMS = [
  req("weights", shardsKind),
  req("biases", shardsKind),
  req("labels", tensorKind),
  req("inputs", tensorKind),
  req("numSampled", intKind),
  req("numClasses", intKind),
  opt("numTrue", intKind),
  opt("sampledValues", sampledValuesKind),
  opt("removeAccidentalHits", booleanKind),
  opt("partitionStrategy", oneOfKind("mod", "div")),
  opt("name", stringKind),
  opt("seed", intKind),
] as const;

/** The options object of {@link sampledSoftmaxLoss}. */
export type SampledSoftmaxLossOptions = OptionsOf<typeof SAMPLED_SOFTMAX_LOSS_PARAMS>;

function asShards(w: TensorLike | readonly TensorLike[]): TensorLike[] {
  return Array.isArray(w) ? [...(w as readonly TensorLike[])] : [w as TensorLike];
}

/**
 * The noise-contrastive estimation loss (`tf.nn.nce_loss`), one value per example: the
 * logistic loss of each true class against `numSampled` classes drawn by
 * `tf.nn.logUniformCandidateSampler` (unique, `rangeMax = numClasses`) unless
 * `sampledValues` are given, each logit `inputs · w_c + b_c - log(expected count of c)`.
 * `weights` is `[numClasses, dim]` or a list of shards looked up with `partitionStrategy`;
 * `labels` is `[batch, numTrue]` class ids. Ops under `nce_loss/`, the losses under
 * `sampled_losses/`; the result is the row sum of the losses (a `Reshape`).
 *
 * @example
 * ```ts
 * const weights = tf.constant([[1, 0], [0, 1], [1, 1]]);
 * const biases = tf.constant([0, 0, 0]);
 * const sampled = [tf.constant([2], { dtype: tf.int64 }), tf.constant([[1]]), tf.constant([1])];
 * const loss = tf.nn.nceLoss(weights, biases, [[0]], tf.constant([[0, 0]]), 1, 3, { sampledValues: sampled });
 * using sess = new tf.Session();
 * sess.run(loss); // ==> [1.3862944]
 * ```
 */
export const nceLoss = tfFunction("nn.nceLoss", NCE_LOSS_PARAMS, (a) => {
  const [logits, labels] = computeSampledLogits({
    weights: asShards(a.weights),
    biases: a.biases,
    labels: a.labels,
    inputs: a.inputs,
    numSampled: a.numSampled,
    numClasses: a.numClasses,
    numTrue: a.numTrue ?? 1,
    sampledValues: a.sampledValues,
    subtractLogQ: true,
    removeAccidentalHits: a.removeAccidentalHits ?? false,
    partitionStrategy: a.partitionStrategy ?? "mod",
    name: a.name ?? "nce_loss",
    seed: undefined,
  });
  const sampledLosses = sigmoidCrossEntropyWithLogits({
    labels,
    logits,
    name: "sampled_losses",
  });
  return sumRows(sampledLosses);
});

/**
 * The sampled softmax loss (`tf.nn.sampled_softmax_loss`), one value per example: a
 * softmax cross-entropy over the true classes and `numSampled` sampled classes, each logit
 * corrected by `-log(expected count)`; a sampled class that is also a true class of the
 * example is removed (`removeAccidentalHits`, on by default) by adding `-FLT_MAX` to its
 * logit. Arguments as {@link nceLoss}, and `seed` for the default sampler. Ops under
 * `sampled_softmax_loss/`, then `labels_stop_gradient` and
 * `softmax_cross_entropy_with_logits/`.
 *
 * @example
 * ```ts
 * const weights = tf.constant([[1, 0], [0, 1], [1, 1]]);
 * const sampled = [tf.constant([1, 2], { dtype: tf.int64 }), tf.constant([[1]]), tf.constant([1, 1])];
 * const loss = tf.nn.sampledSoftmaxLoss(weights, tf.zeros([3]), [[0]], tf.constant([[0, 0]]), 2, 3, { sampledValues: sampled });
 * using sess = new tf.Session();
 * sess.run(loss); // ==> [1.0986123]
 * ```
 */
export const sampledSoftmaxLoss = tfFunction(
  "nn.sampledSoftmaxLoss",
  SAMPLED_SOFTMAX_LOSS_PARAMS,
  (a) => {
    const [logits, labels] = computeSampledLogits({
      weights: asShards(a.weights),
      biases: a.biases,
      labels: a.labels,
      inputs: a.inputs,
      numSampled: a.numSampled,
      numClasses: a.numClasses,
      numTrue: a.numTrue ?? 1,
      sampledValues: a.sampledValues,
      subtractLogQ: true,
      removeAccidentalHits: a.removeAccidentalHits ?? true,
      partitionStrategy: a.partitionStrategy ?? "mod",
      name: a.name ?? "sampled_softmax_loss",
      seed: a.seed,
    });
    const stopped = stopGradient(labels, { name: "labels_stop_gradient" });
    return softmaxCrossEntropyWithLogitsV2({ labels: stopped, logits });
  },
);
