import { ValueError } from "../errors.js";
import { getDefaultGraph, GraphKeys } from "../graph/graph.js";
import type { Tensor, TensorLike } from "../graph/tensor.js";
import type { TensorShape } from "../graph/tensor_shape.js";
import {
  alias,
  booleanKind,
  declare,
  defineParams,
  intKind,
  numberKind,
  opt,
  optNullable,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type ArgsOf,
  type CallArgs,
  type OptionsOf,
  type Param,
} from "../graph/call_args.js";
import { cast } from "../ops/array/cast.js";
import { constant } from "../ops/array/constant.js";
import { gather } from "../ops/array/gather.js";
import { onesLike, zerosLike } from "../ops/array/like.js";
import { rank, shape, size } from "../ops/array/shape.js";
import { squeeze } from "../ops/array/squeeze.js";
import { where } from "../ops/array/where.js";
import { controlDependencies } from "../ops/control/group.js";
import { convertToTensor } from "../ops/convert.js";
import { addN } from "../ops/math/add_n.js";
import {
  add,
  equal,
  greater,
  maximum,
  minimum,
  multiply,
  squaredDifference,
  subtract,
} from "../ops/math/binary.js";
import { divNoNan } from "../ops/math/div_no_nan.js";
import { pythonOperator, neg } from "../ops/math/operators.js";
import { range } from "../ops/math/range.js";
import { reduceSum } from "../ops/math/reduce.js";
import { abs, log, square, stopGradient } from "../ops/math/unary.js";
import { relu } from "../ops/nn/activations.js";
import { sigmoidCrossEntropyWithLogits } from "../ops/nn/sigmoid_xent.js";
import {
  softmaxCrossEntropyWithLogits,
  sparseSoftmaxCrossEntropyWithLogits,
} from "../ops/nn/xent.js";
import { inOpScope } from "../ops/op_scope.js";
import { assertBroadcastable, broadcastWeights } from "../ops/weights_broadcast_ops.js";
import { removeSqueezableDimensions as removeSqueezableLabels } from "../ops/confusion_matrix.js";

/*
 * `tf.losses` (TensorFlow 1.15's `losses_impl.py` and `losses/util.py`): each loss builds
 * its element-wise losses under its own name scope (`mean_squared_error/...`), then
 * `computeWeightedLoss` weights and reduces them in that same scope and adds the result
 * to the `LOSSES` collection.
 */

/** The reductions of {@link computeWeightedLoss} (`tf.losses.Reduction`), with TF's values. */
export class Reduction {
  /** Un-reduced weighted losses, of the losses' shape. */
  static readonly NONE = "none";
  /** The sum of the weighted losses. */
  static readonly SUM = "weighted_sum";
  /** The sum divided by the number of elements of the losses. */
  static readonly SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size";
  /** The sum divided by the sum of the weights. */
  static readonly MEAN = "weighted_mean";
  /** The sum divided by the number of non-zero weights (the default). */
  static readonly SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights";
  /** The same as `SUM_BY_NONZERO_WEIGHTS`. */
  static readonly SUM_OVER_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights";

  /** Every reduction key. */
  static all(): string[] {
    return [
      Reduction.NONE,
      Reduction.SUM,
      Reduction.MEAN,
      Reduction.SUM_OVER_BATCH_SIZE,
      Reduction.SUM_OVER_NONZERO_WEIGHTS,
      Reduction.SUM_BY_NONZERO_WEIGHTS,
    ];
  }

  /** Throws `ValueError` for an unknown key. */
  static validate(key: unknown): void {
    if (!Reduction.all().includes(key as string)) {
      throw new ValueError(`Invalid Reduction Key ${String(key)}.`);
    }
  }
}

/** A value of {@link Reduction}. */
export type ReductionKey =
  | "none"
  | "weighted_sum"
  | "weighted_sum_over_batch_size"
  | "weighted_mean"
  | "weighted_sum_by_nonzero_weights";

// ---------------------------------------------------------------------------------------
// TF 1.15's parameter lists

/**
 * The parameters every loss ends with: `weights` (a scalar, or a tensor of the losses' rank
 * whose dims are each 1 or the losses' dim; 1.0 by default), `scope` (the name scope of the
 * loss's ops; the loss's own name by default), `lossCollection` (`GraphKeys.LOSSES`; `null`
 * adds the loss to no collection) and `reduction` (`Reduction.SUM_BY_NONZERO_WEIGHTS`).
 */
const WEIGHTS = opt("weights", tensorKind);
const SCOPE_TAIL = [
  opt("scope", stringKind),
  optNullable("lossCollection", stringKind),
  opt("reduction", stringKind),
] as const;
const LOSS_TAIL = [WEIGHTS, ...SCOPE_TAIL] as const;

/** `compute_weighted_loss(losses, weights, scope, loss_collection, reduction)`. */
const COMPUTE_WEIGHTED_LOSS_PARAMS = [req("losses", tensorKind), ...LOSS_TAIL] as const;
/** `mean_squared_error(labels, predictions, weights, scope, loss_collection, reduction)`, `absolute_difference`'s. */
const REGRESSION_PARAMS = [
  req("labels", tensorKind),
  req("predictions", tensorKind),
  ...LOSS_TAIL,
] as const;
/** `huber_loss(labels, predictions, weights, delta, scope, loss_collection, reduction)`. */
const HUBER_PARAMS = [
  req("labels", tensorKind),
  req("predictions", tensorKind),
  WEIGHTS,
  opt("delta", tensorKind),
  ...SCOPE_TAIL,
] as const;
/** `log_loss(labels, predictions, weights, epsilon, scope, loss_collection, reduction)`. */
const LOG_LOSS_PARAMS = [
  req("labels", tensorKind),
  req("predictions", tensorKind),
  WEIGHTS,
  opt("epsilon", numberKind),
  ...SCOPE_TAIL,
] as const;
/** `cosine_distance(labels, predictions, axis, weights, scope, loss_collection, reduction, dim)`. */
const COSINE_PARAMS = [
  req("labels", tensorKind),
  req("predictions", tensorKind),
  opt("axis", intKind),
  ...LOSS_TAIL,
  alias("dim", "axis", intKind),
] as const;
/** `hinge_loss(labels, logits, weights, scope, loss_collection, reduction)`. */
const HINGE_PARAMS = [req("labels", tensorKind), req("logits", tensorKind), ...LOSS_TAIL] as const;
/** `mean_pairwise_squared_error(labels, predictions, weights, scope, loss_collection)`. */
const PAIRWISE_PARAMS = [
  req("labels", tensorKind),
  req("predictions", tensorKind),
  WEIGHTS,
  opt("scope", stringKind),
  optNullable("lossCollection", stringKind),
] as const;
/** `sigmoid_cross_entropy(multi_class_labels, logits, weights, label_smoothing, scope, loss_collection, reduction)`. */
const SIGMOID_XENT_PARAMS = [
  req("multiClassLabels", tensorKind),
  req("logits", tensorKind),
  WEIGHTS,
  opt("labelSmoothing", numberKind),
  ...SCOPE_TAIL,
] as const;
/** `softmax_cross_entropy(onehot_labels, logits, weights, label_smoothing, scope, loss_collection, reduction)`. */
const SOFTMAX_XENT_PARAMS = [
  req("onehotLabels", tensorKind),
  req("logits", tensorKind),
  WEIGHTS,
  opt("labelSmoothing", numberKind),
  ...SCOPE_TAIL,
] as const;
/** `sparse_softmax_cross_entropy(labels, logits, weights, scope, loss_collection, reduction)`. */
const SPARSE_XENT_PARAMS = HINGE_PARAMS;

/** The options every loss shares (`weights`, `scope`, `lossCollection`, `reduction`). */
export type LossOptions = OptionsOf<typeof LOSS_TAIL>;
/** The options object of {@link computeWeightedLoss}. */
export type ComputeWeightedLossArgs = OptionsOf<typeof COMPUTE_WEIGHTED_LOSS_PARAMS>;
/** The options object of {@link meanSquaredError} and {@link absoluteDifference}. */
export type RegressionLossArgs = OptionsOf<typeof REGRESSION_PARAMS>;
/** The options object of {@link huberLoss}. */
export type HuberLossArgs = OptionsOf<typeof HUBER_PARAMS>;
/** The options object of {@link logLoss}. */
export type LogLossArgs = OptionsOf<typeof LOG_LOSS_PARAMS>;
/** The options object of {@link cosineDistance}. */
export type CosineDistanceArgs = OptionsOf<typeof COSINE_PARAMS>;
/** The options object of {@link meanPairwiseSquaredError} (no `reduction`, as in TensorFlow). */
export type MeanPairwiseSquaredErrorArgs = OptionsOf<typeof PAIRWISE_PARAMS>;
/** The options object of {@link hingeLoss}. */
export type HingeLossArgs = OptionsOf<typeof HINGE_PARAMS>;
/** The options object of {@link sigmoidCrossEntropy}. */
export type SigmoidCrossEntropyArgs = OptionsOf<typeof SIGMOID_XENT_PARAMS>;
/** The options object of {@link softmaxCrossEntropy}. */
export type SoftmaxCrossEntropyArgs = OptionsOf<typeof SOFTMAX_XENT_PARAMS>;
/** The options object of {@link sparseSoftmaxCrossEntropy}. */
export type SparseSoftmaxCrossEntropyArgs = OptionsOf<typeof SPARSE_XENT_PARAMS>;

/**
 * The collection a loss goes to: `lossCollection` as given, where `null` (Python's `None`)
 * means none, unlike leaving it out (`LOSSES`).
 */
function lossCollectionOf(given: string | null | undefined): string | null {
  return given === undefined ? GraphKeys.LOSSES : given;
}

/** A loss's arguments, with `lossCollection` resolved. */
type LossArgs<P extends readonly Param[]> = Omit<ArgsOf<P>, "lossCollection"> & {
  lossCollection: string | null;
};

/** A loss function from its parameter list. */
function lossFunction<const P extends readonly Param[]>(
  fn: string,
  params: P,
  impl: (a: LossArgs<P>) => Tensor,
): (...args: CallArgs<P>) => Tensor {
  const list = defineParams(fn, params);
  return declare((...args: CallArgs<P>): Tensor => {
    const a = list.parse(args);
    const given = (a as { lossCollection?: string | null }).lossCollection;
    return impl({ ...a, lossCollection: lossCollectionOf(given) });
  }, list);
}

// ---------------------------------------------------------------------------------------
// Helpers

/** `TensorShape.assert_is_compatible_with`. */
function assertCompatible(a: TensorShape, b: TensorShape): void {
  if (!a.isCompatibleWith(b)) {
    throw new ValueError(`Shapes ${a.toString()} and ${b.toString()} are incompatible`);
  }
}

/** `math_ops.cast(x, tf.float32)`: no op for a float32 tensor, else a `Cast` scope. */
function toFloat(x: TensorLike): Tensor {
  return cast(x, "float32");
}

// ---------------------------------------------------------------------------------------
// losses_impl helpers

/** `_safe_mean`: `div_no_nan(reduce_sum(losses), numPresent)`, named `value`. */
function safeMean(losses: Tensor, numPresent: Tensor): Tensor {
  return divNoNan(reduceSum(losses), numPresent, { name: "value" });
}

/** `_num_elements`: the size of `losses` in its dtype, under `num_elements`. */
function numElements(losses: Tensor): Tensor {
  return inOpScope(null, "num_elements", [losses], (scope) =>
    cast(size(losses, { name: scope }), losses.dtype),
  );
}

/**
 * `_num_present`: how many elements of `losses` have a non-zero (broadcast) weight; per
 * batch entry with `perBatch`. A non-zero JS number weight counts every element (in graph
 * mode TensorFlow only reaches this with a tensor, since the weights were cast first).
 */
function numPresent(losses: Tensor, weights: TensorLike, perBatch = false): Tensor {
  if (typeof weights === "number" && weights !== 0) return numElements(losses);
  return inOpScope(null, "num_present", [losses, weights], (scope) => {
    const w = toFloat(weights);
    let present = where(equal(w, 0.0), zerosLike(w), onesLike(w));
    present = broadcastWeights(present, losses);
    if (perBatch) {
      return reduceSum(present, {
        axis: range(1, rank(present)),
        keepdims: true,
        name: scope,
      });
    }
    return reduceSum(present, { name: scope });
  });
}

// ---------------------------------------------------------------------------------------
// util.py

const ADD_LOSS_P = defineParams("losses.addLoss", [
  req("loss", tensorKind),
  optNullable("lossCollection", stringKind),
] as const);

/**
 * Adds an externally defined loss to a collection (`tf.losses.add_loss(loss,
 * loss_collection)`), `LOSSES` by default; a `null`/empty collection adds nothing.
 *
 * @example
 * ```ts
 * const err = tf.constant([1, 3]);
 * tf.losses.addLoss(tf.reduceMean(tf.square(err)));
 * using sess = new tf.Session();
 * sess.run(tf.losses.getTotalLoss()); // ==> 5.0
 * ```
 */
export const addLoss = declare((...args: CallArgs<typeof ADD_LOSS_P.params>): void => {
  const a = ADD_LOSS_P.parse(args);
  const collection = lossCollectionOf(a.lossCollection);
  if (collection) getDefaultGraph().addToCollection(collection, a.loss);
}, ADD_LOSS_P);

const GET_LOSSES_PARAMS = [opt("scope", stringKind), opt("lossCollection", stringKind)] as const;

/** The options object of {@link getLosses}. */
export type GetLossesOptions = OptionsOf<typeof GET_LOSSES_PARAMS>;

/**
 * The losses in the `LOSSES` collection (`tf.losses.get_losses(scope, loss_collection)`),
 * optionally filtered by a scope prefix.
 *
 * @example
 * ```ts
 * tf.losses.meanSquaredError({ labels: [1, 2], predictions: [1, 4] });
 * tf.losses.getLosses().map((t) => t.name).join(", "); // ==> mean_squared_error/value:0
 * ```
 */
export const getLosses = tfFunction("losses.getLosses", GET_LOSSES_PARAMS, (a) =>
  getDefaultGraph().getCollection<Tensor>(a.lossCollection ?? GraphKeys.LOSSES, a.scope ?? null),
);

/**
 * The regularization losses (`REGULARIZATION_LOSSES`, where `getVariable` puts what a
 * `regularizer` returns), optionally filtered by scope
 * (`tf.losses.get_regularization_losses(scope)`).
 *
 * @example
 * ```ts
 * const reg = (w: tf.Tensor) => tf.multiply(0.01, tf.nn.l2Loss(w));
 * tf.variableScope("layer1", { regularizer: reg }, () => tf.getVariable("w", [2]));
 * tf.losses.getRegularizationLosses("layer1").length; // ==> 1
 * ```
 */
export const getRegularizationLosses = tfFunction(
  "losses.getRegularizationLosses",
  [opt("scope", stringKind)] as const,
  (a) => getDefaultGraph().getCollection<Tensor>(GraphKeys.REGULARIZATION_LOSSES, a.scope ?? null),
);

const GET_REGULARIZATION_LOSS_PARAMS = [opt("scope", stringKind), opt("name", stringKind)] as const;

/** The options object of {@link getRegularizationLoss}. */
export type GetRegularizationLossOptions = OptionsOf<typeof GET_REGULARIZATION_LOSS_PARAMS>;

/**
 * The sum of the regularization losses (`tf.losses.get_regularization_loss(scope, name)`):
 * an `AddN` named `total_regularization_loss`, or a constant 0.0 when there are none.
 *
 * @example
 * ```ts
 * tf.variableScope("dense", { regularizer: (w) => tf.multiply(0.01, tf.nn.l2Loss(w)) }, () =>
 *   tf.getVariable("w", [2], { initializer: tf.onesInitializer() }),
 * );
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * sess.run(tf.losses.getRegularizationLoss()); // ==> 0.01
 * ```
 */
export const getRegularizationLoss = tfFunction(
  "losses.getRegularizationLoss",
  GET_REGULARIZATION_LOSS_PARAMS,
  (a) => {
    const losses = getRegularizationLosses(a.scope ?? null);
    if (losses.length > 0) return addN(losses, { name: a.name ?? "total_regularization_loss" });
    return constant(0.0);
  },
);

const GET_TOTAL_LOSS_PARAMS = [
  opt("addRegularizationLosses", booleanKind),
  opt("name", stringKind),
  opt("scope", stringKind),
] as const;

/** The options object of {@link getTotalLoss}. */
export type GetTotalLossOptions = OptionsOf<typeof GET_TOTAL_LOSS_PARAMS>;

/**
 * The sum of the `LOSSES` collection and (by default) the regularization losses
 * (`tf.losses.get_total_loss(add_regularization_losses, name, scope)`), an `AddN` named
 * `total_loss`. Throws `ValueError` when there is no loss at all, as `add_n` of nothing
 * does.
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [], { initializer: tf.onesInitializer() });
 * tf.losses.meanSquaredError({ labels: [0], predictions: tf.reshape(w, [1]) });
 * const total = tf.losses.getTotalLoss();
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * sess.run(total); // ==> 1.0
 * ```
 */
export const getTotalLoss = tfFunction("losses.getTotalLoss", GET_TOTAL_LOSS_PARAMS, (a) => {
  const scope = a.scope ?? null;
  const losses = getLosses(scope);
  if (a.addRegularizationLosses ?? true) losses.push(...getRegularizationLosses(scope));
  return addN(losses, { name: a.name ?? "total_loss" });
});

// ---------------------------------------------------------------------------------------
// losses_impl.py

/** `compute_weighted_loss` on resolved arguments (the losses call it in their own scope). */
function weightedLoss(
  losses: TensorLike,
  rawWeights: TensorLike,
  scopeName: string | null,
  lossCollection: string | null,
  reductionArg: string | undefined,
): Tensor {
  const reduction = reductionArg ?? Reduction.SUM_BY_NONZERO_WEIGHTS;
  Reduction.validate(reduction);
  return inOpScope(scopeName, "weighted_loss", [losses, rawWeights], () => {
    const check = assertBroadcastable(rawWeights, losses);
    return controlDependencies([check], () => {
      const l = convertToTensor(losses);
      const inputDtype = l.dtype;
      const lf = toFloat(l);
      const w = toFloat(rawWeights);
      const weighted = multiply(lf, w);
      let loss: Tensor;
      if (reduction === Reduction.NONE) {
        loss = weighted;
      } else {
        loss = reduceSum(weighted);
        if (reduction === Reduction.MEAN) {
          loss = safeMean(loss, reduceSum(pythonOperator("mul", onesLike(lf), w)));
        } else if (reduction === Reduction.SUM_BY_NONZERO_WEIGHTS) {
          loss = safeMean(loss, numPresent(lf, w));
        } else if (reduction === Reduction.SUM_OVER_BATCH_SIZE) {
          loss = safeMean(loss, numElements(lf));
        }
      }
      loss = cast(loss, inputDtype);
      addLoss(loss, lossCollection);
      return loss;
    });
  });
}

/**
 * Weights and reduces per-element losses (`tf.losses.compute_weighted_loss`): under the
 * scope (`weighted_loss` by default), `losses * weights` (`Mul`), reduced as `reduction`
 * says (the default divides the sum by the number of non-zero weights, under
 * `num_present`, with the division a `DivNoNan` named `value`). The weights' shape is
 * checked first (`assert_broadcastable`). The result, of the losses' dtype, is added to
 * `lossCollection`.
 *
 * TF 1.15's `compute_weighted_loss(losses, weights, scope, loss_collection, reduction)`.
 *
 * @example
 * ```ts
 * const perExample = tf.constant([1, 2, 3, 4]);
 * const mask = tf.constant([1, 1, 0, 0]);
 * using sess = new tf.Session();
 * sess.run(tf.losses.computeWeightedLoss(perExample, mask)); // ==> 1.5
 * sess.run(tf.losses.computeWeightedLoss(perExample, { reduction: tf.losses.Reduction.SUM })); // ==> 10.0
 * ```
 */
export const computeWeightedLoss = lossFunction(
  "losses.computeWeightedLoss",
  COMPUTE_WEIGHTED_LOSS_PARAMS,
  (a) => weightedLoss(a.losses, a.weights ?? 1.0, a.scope ?? null, a.lossCollection, a.reduction),
);

/** The arguments every weighted loss reads in its frame. */
interface WeightedLossOptions {
  weights?: TensorLike;
  scope?: string;
  lossCollection: string | null;
  reduction?: string;
}

/**
 * The frame of every loss that `compute_weighted_loss` finishes: under the loss's scope
 * (`defaultName` unless `scope` is given), `body` builds the per-element losses, which are
 * then weighted and reduced in that same scope. `body` returns the weights too when it
 * reshapes them.
 */
function weightedLossIn(
  defaultName: string,
  a: WeightedLossOptions,
  inputs: readonly TensorLike[],
  body: (weights: TensorLike) => Tensor | [Tensor, TensorLike],
): Tensor {
  const weights = a.weights ?? 1.0;
  return inOpScope(a.scope, defaultName, [...inputs, weights], (scope) => {
    const built = body(weights);
    const [losses, w] = Array.isArray(built) ? built : [built, weights];
    return weightedLoss(losses, w, scope, a.lossCollection, a.reduction);
  });
}

/** The losses on two float tensors: float casts of both and their shape check first. */
function twoTensorLoss(
  defaultName: string,
  a: WeightedLossOptions,
  first: TensorLike,
  second: TensorLike,
  body: (a: Tensor, b: Tensor) => Tensor,
): Tensor {
  return weightedLossIn(defaultName, a, [second, first], () => {
    const tb = toFloat(second);
    const ta = toFloat(first);
    assertCompatible(tb.shape, ta.shape);
    return body(ta, tb);
  });
}

/** The logits losses: `labels` cast to the logits' dtype, with the same shape. */
function logitsAndLabels(logitsLike: TensorLike, labelsLike: TensorLike): [Tensor, Tensor] {
  const logits = convertToTensor(logitsLike);
  const labels = cast(labelsLike, logits.dtype);
  assertCompatible(logits.shape, labels.shape);
  return [logits, labels];
}

/**
 * The squared error loss (`tf.losses.mean_squared_error`): `(predictions - labels)²`
 * (`SquaredDifference`), weighted and reduced; by default the mean over the non-zero
 * weights, as `mean_squared_error/value`.
 *
 * @example
 * ```ts
 * const loss = tf.losses.meanSquaredError({ labels: [1, 2], predictions: [1, 4] });
 * loss.name; // ==> mean_squared_error/value:0
 * using sess = new tf.Session();
 * sess.run(loss); // ==> 2.0
 * ```
 */
export const meanSquaredError = lossFunction("losses.meanSquaredError", REGRESSION_PARAMS, (a) =>
  twoTensorLoss("mean_squared_error", a, a.labels, a.predictions, (l, p) =>
    squaredDifference(p, l),
  ),
);

/**
 * The absolute difference loss (`tf.losses.absolute_difference`): `|predictions - labels|`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.losses.absoluteDifference({ labels: [1, 2], predictions: [1.5, 1] })); // ==> 0.75
 * ```
 */
export const absoluteDifference = lossFunction(
  "losses.absoluteDifference",
  REGRESSION_PARAMS,
  (a) =>
    twoTensorLoss("absolute_difference", a, a.labels, a.predictions, (l, p) => abs(subtract(p, l))),
);

/**
 * The Huber loss (`tf.losses.huber_loss`): `0.5 x²` for `|x| ≤ delta`, else
 * `0.5 delta² + delta (|x| - delta)`, with `x = predictions - labels`, built as TensorFlow
 * builds it so that the gradient at `|x| = delta` is not doubled.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.losses.huberLoss({ labels: [0, 0], predictions: [0.5, 3], delta: 1 })); // ==> 1.3125
 * ```
 */
export const huberLoss = lossFunction("losses.huberLoss", HUBER_PARAMS, (a) => {
  const delta = a.delta ?? 1.0;
  return twoTensorLoss("huber_loss", a, a.labels, a.predictions, (l, p) => {
    const error = subtract(p, l);
    const absError = abs(error);
    const quadratic = minimum(absError, delta);
    // Equal to max(|x| - delta, 0), but with a zero gradient at |x| = delta.
    const linear = subtract(absError, quadratic);
    return add(
      multiply(convertToTensor(0.5, { dtype: quadratic.dtype }), multiply(quadratic, quadratic)),
      multiply(delta, linear),
    );
  });
});

/**
 * The log loss of probabilities (`tf.losses.log_loss`):
 * `-labels · log(p + ε) - (1 - labels) · log(1 - p + ε)`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.losses.logLoss({ labels: [1, 0], predictions: [0.9, 0.2] })); // ==> 0.1642519
 * ```
 */
export const logLoss = lossFunction("losses.logLoss", LOG_LOSS_PARAMS, (a) => {
  const epsilon = a.epsilon ?? 1e-7;
  return twoTensorLoss("log_loss", a, a.labels, a.predictions, (l, p) => {
    const positive = neg(multiply(l, log(pythonOperator("add", p, epsilon))));
    const negative = multiply(
      pythonOperator("sub", 1, l),
      log(pythonOperator("add", pythonOperator("sub", 1, p), epsilon)),
    );
    return pythonOperator("sub", positive, negative);
  });
});

/**
 * The cosine distance loss (`tf.losses.cosine_distance`) of unit-normalized `predictions`
 * and `labels` along `axis`: `1 - sum(predictions * labels, axis, keepdims)`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.losses.cosineDistance({ labels: [[1, 0]], predictions: [[0.6, 0.8]], axis: 1 })); // ==> 0.39999998
 * ```
 */
export const cosineDistance = lossFunction("losses.cosineDistance", COSINE_PARAMS, (a) => {
  const axis = a.axis;
  if (axis === undefined) throw new ValueError("You must specify 'axis'.");
  return twoTensorLoss("cosine_distance_loss", a, a.labels, a.predictions, (l, p) =>
    pythonOperator("sub", 1, reduceSum(multiply(p, l), { axis: [axis], keepdims: true })),
  );
});

/**
 * The hinge loss (`tf.losses.hinge_loss`) of 0/1 `labels` (mapped to -1/1) against
 * `logits`: `relu(1 - labels · logits)`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.losses.hingeLoss({ labels: [1, 0], logits: [0.3, -2] })); // ==> 0.35
 * ```
 */
export const hingeLoss = lossFunction("losses.hingeLoss", HINGE_PARAMS, (a) =>
  twoTensorLoss("hinge_loss", a, a.labels, a.logits, (labels, logits) => {
    const allOnes = onesLike(labels);
    const signed = subtract(pythonOperator("mul", 2, labels), allOnes);
    return relu(subtract(allOnes, multiply(signed, logits)));
  }),
);

/**
 * Pairwise squared errors within each batch entry (`tf.losses.mean_pairwise_squared_error`):
 * for each entry, the mean over pairs `(i, j)` of `((p_i - p_j) - (l_i - l_j))²`, weighted
 * per entry and summed. No `reduction` option, as in TensorFlow; the result is
 * `mean_pairwise_squared_error/value_2`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.losses.meanPairwiseSquaredError({ labels: [[0, 1, 2]], predictions: [[0, 2, 2]] })); // ==> 0.6666666
 * ```
 */
export const meanPairwiseSquaredError = lossFunction(
  "losses.meanPairwiseSquaredError",
  PAIRWISE_PARAMS,
  (a) => {
    const rawWeights = a.weights ?? 1.0;
    return inOpScope(
      a.scope,
      "mean_pairwise_squared_error",
      [a.predictions, a.labels, rawWeights],
      () => {
        const weights = toFloat(rawWeights);
        const labels = toFloat(a.labels);
        return controlDependencies([assertBroadcastable(weights, labels)], () => {
          const predictions = toFloat(a.predictions);
          assertCompatible(predictions.shape, labels.shape);
          const diffs = subtract(predictions, labels);
          const axis = range(1, rank(diffs));
          const sumSquaresDiffPerBatch = reduceSum(square(diffs), { axis, keepdims: true });
          const numPresentPerBatch = numPresent(diffs, weights, true);
          const term1 = pythonOperator(
            "mul",
            2.0,
            divNoNan(
              sumSquaresDiffPerBatch,
              maximum(pythonOperator("sub", numPresentPerBatch, 1), 0),
              { name: "value" },
            ),
          );
          const sumDiff = reduceSum(diffs, { axis, keepdims: true });
          const term2 = pythonOperator(
            "mul",
            2.0,
            divNoNan(
              square(sumDiff),
              maximum(
                multiply(numPresentPerBatch, pythonOperator("sub", numPresentPerBatch, 1)),
                0,
              ),
              { name: "value" },
            ),
          );
          const weightedLosses = multiply(pythonOperator("sub", term1, term2), weights);
          const loss = reduceSum(weightedLosses);
          const meanLoss = where(greater(reduceSum(numPresentPerBatch), 0), loss, zerosLike(loss), {
            name: "value",
          });
          addLoss(meanLoss, a.lossCollection);
          return meanLoss;
        });
      },
    );
  },
);

/**
 * Sigmoid cross-entropy of `logits` against 0/1 `multiClassLabels`
 * (`tf.losses.sigmoid_cross_entropy`), through `tf.nn.sigmoidCrossEntropyWithLogits`
 * named `xentropy`; optionally with label smoothing towards 1/2.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.losses.sigmoidCrossEntropy({ multiClassLabels: [[1, 0]], logits: [[0, 0]] })); // ==> 0.6931472
 * ```
 */
export const sigmoidCrossEntropy = lossFunction(
  "losses.sigmoidCrossEntropy",
  SIGMOID_XENT_PARAMS,
  (a) =>
    weightedLossIn("sigmoid_cross_entropy_loss", a, [a.logits, a.multiClassLabels], () => {
      const smoothing = a.labelSmoothing ?? 0;
      const [logits, castLabels] = logitsAndLabels(a.logits, a.multiClassLabels);
      let labels = castLabels;
      if (smoothing > 0) {
        labels = pythonOperator(
          "add",
          pythonOperator("mul", labels, 1 - smoothing),
          0.5 * smoothing,
        );
      }
      return sigmoidCrossEntropyWithLogits({ labels, logits, name: "xentropy" });
    }),
);

/**
 * Softmax cross-entropy of `logits` against one-hot (or soft) `onehotLabels`
 * (`tf.losses.softmax_cross_entropy`): labels optionally smoothed towards 1/classes, passed
 * through `labels_stop_gradient`, then the `SoftmaxCrossEntropyWithLogits` op named
 * `softmax_cross_entropy_loss/xentropy`, weighted per example and reduced.
 *
 * @example
 * ```ts
 * const logits = tf.constant([[0, 0], [0, 0]]);
 * const onehotLabels = tf.oneHot([0, 1], 2);
 * using sess = new tf.Session();
 * sess.run(tf.losses.softmaxCrossEntropy({ onehotLabels, logits })); // ==> 0.6931472
 * sess.run(tf.losses.softmaxCrossEntropy({ onehotLabels, logits, labelSmoothing: 0.1 })); // ==> 0.6931472
 * ```
 */
export const softmaxCrossEntropy = lossFunction(
  "losses.softmaxCrossEntropy",
  SOFTMAX_XENT_PARAMS,
  (a) =>
    weightedLossIn("softmax_cross_entropy_loss", a, [a.logits, a.onehotLabels], () => {
      const smoothing = a.labelSmoothing ?? 0;
      const [logits, castLabels] = logitsAndLabels(a.logits, a.onehotLabels);
      let labels = castLabels;
      if (smoothing > 0) {
        // num_classes = cast(shape(onehot_labels)[1], logits.dtype)
        const numClasses = cast(gather(shape(labels), 1, { name: "strided_slice" }), logits.dtype);
        const smoothPositives = 1.0 - smoothing;
        const smoothNegatives = pythonOperator("truediv", smoothing, numClasses);
        labels = pythonOperator(
          "add",
          pythonOperator("mul", labels, smoothPositives),
          smoothNegatives,
        );
      }
      labels = stopGradient(labels, { name: "labels_stop_gradient" });
      return softmaxCrossEntropyWithLogits({ labels, logits, name: "xentropy" });
    }),
);

/**
 * `_remove_squeezable_dimensions` with `confusion_matrix.remove_squeezable_dimensions`:
 * squeezes a trailing 1 off `labels` or `predictions` when their ranks differ from
 * `expectedRankDiff` by one, and off `weights` when it has one more dim than `labels`.
 */
function removeSqueezableDimensions(
  labels: TensorLike,
  predictions: TensorLike,
  weights: TensorLike | null,
  expectedRankDiff: number,
): [Tensor, Tensor, Tensor | null] {
  const [l, p] = removeSqueezableLabels(labels, predictions, expectedRankDiff, "int32");
  if (weights === null) return [l, p, null];
  let w = convertToTensor(weights);
  const lr = l.shape.rank;
  const wr = w.shape.rank;
  if (lr !== null && wr !== null && wr - lr === 1) w = squeeze(w, [-1]);
  return [l, p, w];
}

/**
 * Softmax cross-entropy of `logits` against integer class `labels`
 * (`tf.losses.sparse_softmax_cross_entropy`): a trailing dim of 1 is squeezed off labels
 * or weights, then `tf.nn.sparseSoftmaxCrossEntropyWithLogits` named `xentropy`, weighted
 * and reduced.
 *
 * @example
 * ```ts
 * const logits = tf.constant([[0, 0], [0, 0]]);
 * using sess = new tf.Session();
 * sess.run(tf.losses.sparseSoftmaxCrossEntropy({ labels: [0, 1], logits })); // ==> 0.6931472
 * ```
 */
export const sparseSoftmaxCrossEntropy = lossFunction(
  "losses.sparseSoftmaxCrossEntropy",
  SPARSE_XENT_PARAMS,
  (a) =>
    weightedLossIn("sparse_softmax_cross_entropy_loss", a, [a.logits, a.labels], (rawWeights) => {
      const [labels, logits, weights] = removeSqueezableDimensions(
        a.labels,
        a.logits,
        rawWeights,
        1,
      );
      const losses = sparseSoftmaxCrossEntropyWithLogits({ labels, logits, name: "xentropy" });
      return [losses, weights as Tensor];
    }),
);
