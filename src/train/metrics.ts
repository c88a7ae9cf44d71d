import { ValueError } from "../errors.js";
import type { DType } from "../graph/dtypes.js";
import { getDefaultGraph, GraphKeys } from "../graph/graph.js";
import {
  declare,
  defineParams,
  intKind,
  listKind,
  numberKind,
  opt,
  optNullable,
  req,
  stringKind,
  tensorKind,
  type ArgsOf,
  type CallArgs,
  type OptionsOf,
  type Param,
} from "../graph/call_args.js";
import type { Tensor, TensorLike } from "../graph/tensor.js";
import type { TensorShape } from "../graph/tensor_shape.js";
import { cast } from "../ops/array/cast.js";
import { constant } from "../ops/array/constant.js";
import { expandDims } from "../ops/array/expand_dims.js";
import { ones, zeros } from "../ops/array/fill.js";
import { onesLike, zerosLike } from "../ops/array/like.js";
import { reshape } from "../ops/array/reshape.js";
import { rank, shape, size } from "../ops/array/shape.js";
import { squeeze } from "../ops/array/squeeze.js";
import { stack } from "../ops/array/stack.js";
import { sliceHelper } from "../ops/array/strided_slice.js";
import { tile } from "../ops/array/tile.js";
import { transpose } from "../ops/array/transpose.js";
import { where } from "../ops/array/where.js";
import {
  assertGreaterEqual,
  assertLessEqual,
  assertRankIn,
  assertType,
} from "../ops/debug/check_ops.js";
import { concat } from "../ops/array/concat.js";
import { cond } from "../ops/control/cond.js";
import { confusionMatrix, removeSqueezableDimensions } from "../ops/confusion_matrix.js";
import { controlDependencies } from "../ops/control/group.js";
import { convertToTensor } from "../ops/convert.js";
import { diagPart } from "../ops/linalg/diag_part.js";
import { argmax, argmin } from "../ops/math/arg_minmax.js";
import {
  add,
  binaryOp,
  binaryOpIn,
  divide,
  equal,
  greater,
  greaterEqual,
  less,
  maximum,
  minimum,
  multiply,
  notEqual,
  squaredDifference,
  subtract,
} from "../ops/math/binary.js";
import { cumsum } from "../ops/math/cumsum.js";
import { divNoNan } from "../ops/math/div_no_nan.js";
import { pythonOperator } from "../ops/math/operators.js";
import { reduceMax, reduceMean, reduceMin, reduceSum } from "../ops/math/reduce.js";
import { abs, identity, log, logicalNot, sqrt } from "../ops/math/unary.js";
import { inOpScope } from "../ops/op_scope.js";
import { scatterAdd } from "../ops/state/scatter_ops.js";
import { assignAdd } from "../ops/state/variable_ops.js";
import { assertBroadcastable, broadcastWeights } from "../ops/weights_broadcast_ops.js";
import {
  convertToTensorOrSparseTensor,
  SparseTensor,
  sparseOrTensorKind,
} from "../ops/sparse_tensor.js";
import { setDifference, setIntersection, setSize } from "../ops/sets.js";
import { sparseConcat, sparseReshape, sparseRetain } from "../ops/sparse_ops.js";
import { fill } from "../ops/array/fill.js";
import { slice } from "../ops/array/slice.js";
import { reducedShape } from "../gradients/grad_util.js";
import { toInt32 } from "../ops/math/math_ops_v1.js";
import { topK } from "../ops/array/top_k.js";
import { variableScope } from "../scope/variable_scope.js";
import { Variable } from "../variables/variable.js";

/*
 * `tf.metrics` (TensorFlow 1.15's `metrics_impl.py`). Each metric opens a variable scope
 * (its own name by default), accumulates in local variables made by `metricVariable`
 * (`LOCAL_VARIABLES` and `METRIC_VARIABLES`, not trainable, zeros), and returns
 * `[value, updateOp]`: `value` reads the variables (TF's `_aggregate_across_replicas`,
 * which outside a distribution strategy just builds it, and `read_var`'s `Identity` for a
 * plain count), `updateOp` adds a batch and yields the metric after it.
 */

/** A metric: its value, and the op that folds a batch in and yields the new value. */
export type MetricResult = [value: Tensor, updateOp: Tensor];

// ---------------------------------------------------------------------------------------
// TF 1.15's parameter lists

const COLLECTIONS_TAIL = [
  optNullable("metricsCollections", listKind(stringKind)),
  optNullable("updatesCollections", listKind(stringKind)),
  optNullable("name", stringKind),
] as const;
const WEIGHTS = optNullable("weights", tensorKind);

/** `(labels, predictions, weights, metrics_collections, updates_collections, name)`. */
const LABELED_PARAMS = [
  req("labels", tensorKind),
  req("predictions", tensorKind),
  WEIGHTS,
  ...COLLECTIONS_TAIL,
] as const;
/** `(values, weights, metrics_collections, updates_collections, name)`. */
const VALUES_PARAMS = [req("values", tensorKind), WEIGHTS, ...COLLECTIONS_TAIL] as const;
/** `(labels, predictions, thresholds, weights, metrics_collections, updates_collections, name)`. */
const THRESHOLDS_PARAMS = [
  req("labels", tensorKind),
  req("predictions", tensorKind),
  req("thresholds", listKind(numberKind)),
  WEIGHTS,
  ...COLLECTIONS_TAIL,
] as const;
/** `mean_relative_error(labels, predictions, normalizer, weights, ...)`. */
const RELATIVE_PARAMS = [
  req("labels", tensorKind),
  req("predictions", tensorKind),
  req("normalizer", tensorKind),
  WEIGHTS,
  ...COLLECTIONS_TAIL,
] as const;
/** `mean_cosine_distance(labels, predictions, dim, weights, ...)`. */
const COSINE_PARAMS = [
  req("labels", tensorKind),
  req("predictions", tensorKind),
  req("dim", intKind),
  WEIGHTS,
  ...COLLECTIONS_TAIL,
] as const;
/** `percentage_below(values, threshold, weights, ...)`. */
const BELOW_PARAMS = [
  req("values", tensorKind),
  req("threshold", numberKind),
  WEIGHTS,
  ...COLLECTIONS_TAIL,
] as const;
/** `mean_iou(labels, predictions, num_classes, weights, ...)`, `mean_per_class_accuracy`'s. */
const CLASSES_PARAMS = [
  req("labels", tensorKind),
  req("predictions", tensorKind),
  req("numClasses", intKind),
  WEIGHTS,
  ...COLLECTIONS_TAIL,
] as const;
/**
 * `auc(labels, predictions, weights, num_thresholds, metrics_collections,
 * updates_collections, curve, name, summation_method, thresholds)`.
 */
const AUC_PARAMS = [
  req("labels", tensorKind),
  req("predictions", tensorKind),
  WEIGHTS,
  opt("numThresholds", intKind),
  optNullable("metricsCollections", listKind(stringKind)),
  optNullable("updatesCollections", listKind(stringKind)),
  opt("curve", stringKind),
  optNullable("name", stringKind),
  opt("summationMethod", stringKind),
  optNullable("thresholds", listKind(numberKind)),
] as const;
/** `sensitivity_at_specificity(labels, predictions, specificity, weights, num_thresholds, ...)`. */
const SENSITIVITY_PARAMS = [
  req("labels", tensorKind),
  req("predictions", tensorKind),
  req("specificity", numberKind),
  WEIGHTS,
  opt("numThresholds", intKind),
  ...COLLECTIONS_TAIL,
] as const;
/** `specificity_at_sensitivity(labels, predictions, sensitivity, weights, num_thresholds, ...)`. */
const SPECIFICITY_PARAMS = [
  req("labels", tensorKind),
  req("predictions", tensorKind),
  req("sensitivity", numberKind),
  WEIGHTS,
  opt("numThresholds", intKind),
  ...COLLECTIONS_TAIL,
] as const;

/** The options every metric shares (`weights`, the collections, `name`). */
export type MetricOptions = OptionsOf<readonly [typeof WEIGHTS, ...typeof COLLECTIONS_TAIL]>;
/** The options object of the metrics of `labels` and `predictions` ({@link accuracy}, …). */
export type LabeledMetricArgs = OptionsOf<typeof LABELED_PARAMS>;
/** The options object of {@link mean} and {@link meanTensor}. */
export type ValuesMetricArgs = OptionsOf<typeof VALUES_PARAMS>;
/** The options object of the `*AtThresholds` metrics. */
export type ThresholdsMetricArgs = OptionsOf<typeof THRESHOLDS_PARAMS>;
/** The options object of {@link meanRelativeError}. */
export type MeanRelativeErrorArgs = OptionsOf<typeof RELATIVE_PARAMS>;
/** The options object of {@link meanCosineDistance}. */
export type MeanCosineDistanceArgs = OptionsOf<typeof COSINE_PARAMS>;
/** The options object of {@link percentageBelow}. */
export type PercentageBelowArgs = OptionsOf<typeof BELOW_PARAMS>;
/** The options object of {@link meanIou} and {@link meanPerClassAccuracy}. */
export type NumClassesMetricArgs = OptionsOf<typeof CLASSES_PARAMS>;
/** The options object of {@link auc}. */
export type AucArgs = OptionsOf<typeof AUC_PARAMS>;
/** The options object of {@link sensitivityAtSpecificity}. */
export type SensitivityAtSpecificityArgs = OptionsOf<typeof SENSITIVITY_PARAMS>;
/** The options object of {@link specificityAtSensitivity}. */
export type SpecificityAtSensitivityArgs = OptionsOf<typeof SPECIFICITY_PARAMS>;

/** A metric function from its parameter list. */
function metricFunction<const P extends readonly Param[]>(
  fn: string,
  params: P,
  impl: (a: ArgsOf<P>) => MetricResult,
): (...args: CallArgs<P>) => MetricResult {
  const list = defineParams(fn, params);
  return declare((...args: CallArgs<P>): MetricResult => {
    const a = list.parse(args);
    return getDefaultGraph().atomically(() => impl(a));
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

/**
 * `metric_variable(shape, dtype, validate_shape, name)`: a zero-initialized local variable
 * in `LOCAL_VARIABLES` and `METRIC_VARIABLES`, not trainable.
 */
export function metricVariable(
  varShape: readonly number[],
  dtype: DType,
  name: string,
  validateShape = true,
): Variable {
  return new Variable(() => zeros(varShape, dtype), {
    trainable: false,
    collections: [GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES],
    validateShape,
    name,
  });
}

/** `ops.add_to_collections(collections, value)` when collections are given. */
function addTo(collections: readonly string[] | null | undefined, value: Tensor): void {
  if (collections && collections.length > 0) getDefaultGraph().addItems(collections, value);
}

/**
 * `_aggregate_across_replicas(metrics_collections, fn, ...)` outside a distribution
 * strategy: the value as `fn` builds it, added to the collections.
 */
function aggregate(collections: readonly string[] | null | undefined, fn: () => Tensor): Tensor {
  const value = fn();
  addTo(collections, value);
  return value;
}

/** `_aggregate_variable(v, collections)`: the default strategy's `read_var`, an `Identity`. */
function aggregateVariable(v: Variable, collections: readonly string[] | null | undefined): Tensor {
  return aggregate(collections, () => identity(v));
}

/** `math_ops.div(x, y, name)` (Python 2 division): a `RealDiv` in a `div` scope. */
function div(x: TensorLike, y: TensorLike, name?: string): Tensor {
  return inOpScope(name, "div", [x, y], (scope, graph) => {
    const tx = convertToTensor(x, { name: "x" });
    const ty = convertToTensor(y, { name: "y", dtype: tx.dtype });
    return binaryOpIn(scope, graph, "RealDiv", tx, ty);
  });
}

function logicalAnd(x: Tensor, y: Tensor): Tensor {
  return binaryOp("LogicalAnd", "LogicalAnd", x, y);
}

/** `math_ops.to_float` / `cast(x, tf.float32)`. */
function toFloat(x: TensorLike): Tensor {
  return cast(x, "float32");
}

/**
 * `_remove_squeezable_dimensions(predictions, labels, weights)`: labels and predictions
 * lined up by `confusion_matrix.remove_squeezable_dimensions` (then their shapes must be
 * compatible); a non-scalar `weights` loses a trailing dim when it has one more than the
 * predictions, or gains one when it has one fewer: when building if both ranks are known,
 * else in the graph (`cond`s on the ranks), as TensorFlow does.
 */
function removeSqueezable(
  predictions: TensorLike,
  labels: TensorLike | null,
  weights: TensorLike | null | undefined,
): [predictions: Tensor, labels: Tensor | null, weights: Tensor | null] {
  let p = convertToTensor(predictions);
  let l: Tensor | null = null;
  if (labels !== null) {
    [l, p] = removeSqueezableDimensions(labels, p);
    assertCompatible(p.shape, l.shape);
  }
  if (weights === null || weights === undefined) return [p, l, null];
  let w = convertToTensor(weights);
  const wr = w.shape.rank;
  if (wr === 0) return [p, l, w];
  const pr = p.shape.rank;
  if (pr !== null && wr !== null) {
    if (wr - pr === 1) w = squeeze(w, [-1]);
    else if (pr - wr === 1) w = expandDims(w, -1);
    return [p, l, w];
  }
  return [p, l, adjustWeightsInGraph(w, p)];
}

/**
 * The dynamic-rank branch of `_remove_squeezable_dimensions`: nested `cond`s on the ranks
 * keep a scalar, squeeze a trailing dim off weights of one more dim than the predictions
 * (unless that dim is known not to be 1), or expand weights of one fewer.
 */
function adjustWeightsInGraph(weights: Tensor, predictions: Tensor): Tensor {
  const weightsRank = rank(weights);
  const rankDiff = pythonOperator("sub", weightsRank, rank(predictions));
  const dims = weights.shape.dims;
  const last = dims === null || dims.length === 0 ? null : dims[dims.length - 1];
  const maySqueeze = dims === null || last === null || last === 1;
  const maybeExpand = (): Tensor =>
    cond(
      equal(rankDiff, -1),
      () => expandDims(weights, -1),
      () => weights,
    ) as Tensor;
  const maybeAdjust = (): Tensor =>
    cond(
      equal(rankDiff, 1),
      () => (maySqueeze ? squeeze(weights, [-1]) : weights),
      maybeExpand,
    ) as Tensor;
  return cond(equal(weightsRank, 0), () => weights, maybeAdjust) as Tensor;
}

// ---------------------------------------------------------------------------------------
// mean and the metrics built on it

function meanImpl(
  values: TensorLike,
  weights: TensorLike | null | undefined,
  metricsCollections: readonly string[] | null | undefined,
  updatesCollections: readonly string[] | null | undefined,
  name: string | null | undefined,
  defaultName = "mean",
): MetricResult {
  return variableScope(
    name ?? null,
    { defaultName, values: [values, weights ?? null] },
    (): MetricResult => {
      let v = toFloat(values);
      const total = metricVariable([], "float32", "total");
      const count = metricVariable([], "float32", "count");
      let numValues: Tensor;
      if (weights === null || weights === undefined) {
        numValues = toFloat(size(v));
      } else {
        const [pv, , w] = removeSqueezable(v, null, weights);
        const bw = broadcastWeights(toFloat(w as Tensor), pv);
        v = multiply(pv, bw);
        numValues = reduceSum(bw);
      }
      const updateTotal = assignAdd(total, reduceSum(v));
      const updateCount = controlDependencies([v], () => assignAdd(count, numValues));
      const meanT = aggregate(metricsCollections, () =>
        divNoNan(total, maximum(count, 0), { name: "value" }),
      );
      const updateOp = divNoNan(updateTotal, maximum(updateCount, 0), { name: "update_op" });
      addTo(updatesCollections, updateOp);
      return [meanT, updateOp];
    },
  );
}

/**
 * The (weighted) mean of `values` over every batch seen (`tf.metrics.mean`): local
 * variables `mean/total` and `mean/count`; `updateOp` adds the batch's weighted sum and
 * weight sum, and both outputs divide one by the other (`DivNoNan`, 0 before any weight).
 *
 * @example
 * ```ts
 * const values = tf.placeholder(tf.float32, [null]);
 * const [mean, update] = tf.metrics.mean(values);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update, new Map([[values, [1, 2]]])); // ==> 1.5
 * sess.run(update, new Map([[values, [6]]])); // ==> 3.0
 * sess.run(mean); // ==> 3.0
 * ```
 */
export const mean = metricFunction("metrics.mean", VALUES_PARAMS, (a) =>
  meanImpl(a.values, a.weights, a.metricsCollections, a.updatesCollections, a.name),
);

/**
 * How often `predictions` equals `labels` (`tf.metrics.accuracy`): the mean of
 * `cast(equal(predictions, labels), float32)` under the scope `accuracy`. Predictions are
 * cast to the labels' dtype first when they differ.
 *
 * @example
 * ```ts
 * const [acc, update] = tf.metrics.accuracy([0, 1, 2, 3], [0, 1, 1, 3]);
 * acc.name; // ==> accuracy/value:0
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> 0.75
 * ```
 */
export const accuracy = metricFunction("metrics.accuracy", LABELED_PARAMS, (a) => {
  const [p0, l0, w] = removeSqueezable(a.predictions, a.labels, a.weights);
  const l = l0 as Tensor;
  assertCompatible(p0.shape, l.shape);
  const p = l.dtype !== p0.dtype ? cast(p0, l.dtype) : p0;
  const isCorrect = toFloat(equal(p, l));
  return meanImpl(isCorrect, w, a.metricsCollections, a.updatesCollections, a.name ?? "accuracy");
});

/**
 * The element-wise (weighted) mean of `values` (`tf.metrics.mean_tensor`): local variables
 * `mean/total_tensor` and `mean/count_tensor` of the values' (fully defined) shape.
 *
 * @example
 * ```ts
 * const [, update] = tf.metrics.meanTensor(tf.constant([[1, 2], [3, 4]]));
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> [[1. 2.]
 *                   //      [3. 4.]]
 * ```
 */
export const meanTensor = metricFunction("metrics.meanTensor", VALUES_PARAMS, (a) =>
  variableScope(
    a.name ?? null,
    { defaultName: "mean", values: [a.values, a.weights ?? null] },
    (): MetricResult => {
      let v = toFloat(a.values);
      if (!v.shape.isFullyDefined()) {
        throw new ValueError(
          `Cannot convert a partially known TensorShape to a Tensor: ${v.shape.toString()}`,
        );
      }
      const dims = v.shape.asList() as number[];
      const total = metricVariable(dims, "float32", "total_tensor");
      const count = metricVariable(dims, "float32", "count_tensor");
      let numValues = onesLike(v);
      if (a.weights !== null && a.weights !== undefined) {
        const [pv, , w] = removeSqueezable(v, null, a.weights);
        const bw = broadcastWeights(toFloat(w as Tensor), pv);
        v = multiply(pv, bw);
        numValues = multiply(numValues, bw);
      }
      const updateTotal = assignAdd(total, v);
      const updateCount = controlDependencies([v], () => assignAdd(count, numValues));
      const meanT = aggregate(a.metricsCollections, () =>
        divNoNan(total, maximum(count, 0), { name: "value" }),
      );
      const updateOp = divNoNan(updateTotal, maximum(updateCount, 0), { name: "update_op" });
      addTo(a.updatesCollections, updateOp);
      return [meanT, updateOp];
    },
  ),
);

/**
 * The mean absolute error (`tf.metrics.mean_absolute_error`): the mean of
 * `|predictions - labels|` under `mean_absolute_error`.
 *
 * @example
 * ```ts
 * const [, update] = tf.metrics.meanAbsoluteError([1, 2, 3], [2, 2, 5]);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> 1.0
 * ```
 */
export const meanAbsoluteError = metricFunction(
  "metrics.meanAbsoluteError",
  LABELED_PARAMS,
  (a) => {
    const [p, l, w] = removeSqueezable(a.predictions, a.labels, a.weights);
    const errors = abs(pythonOperator("sub", p, l as Tensor));
    return meanImpl(
      errors,
      w,
      a.metricsCollections,
      a.updatesCollections,
      a.name ?? "mean_absolute_error",
    );
  },
);

/**
 * The mean squared error (`tf.metrics.mean_squared_error`): the mean of
 * `(labels - predictions)²` (`SquaredDifference`) under `mean_squared_error`.
 *
 * @example
 * ```ts
 * const [, update] = tf.metrics.meanSquaredError([1, 2, 3], [2, 2, 5]);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> 1.6666666
 * ```
 */
export const meanSquaredError = metricFunction("metrics.meanSquaredError", LABELED_PARAMS, (a) =>
  mseImpl(a.labels, a.predictions, a.weights, a.metricsCollections, a.updatesCollections, a.name),
);

function mseImpl(
  labels: TensorLike,
  predictions: TensorLike,
  weights: TensorLike | null | undefined,
  metricsCollections: readonly string[] | null | undefined,
  updatesCollections: readonly string[] | null | undefined,
  name: string | null | undefined,
): MetricResult {
  const [p, l, w] = removeSqueezable(predictions, labels, weights);
  const squaredError = squaredDifference(l as Tensor, p);
  return meanImpl(
    squaredError,
    w,
    metricsCollections,
    updatesCollections,
    name ?? "mean_squared_error",
  );
}

/**
 * The root of the mean squared error (`tf.metrics.root_mean_squared_error`): the mean
 * squared error under `root_mean_squared_error`, then `Sqrt` of its value and update.
 *
 * @example
 * ```ts
 * const [, update] = tf.metrics.rootMeanSquaredError([0, 0], [3, 4]);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> 3.535534
 * ```
 */
export const rootMeanSquaredError = metricFunction(
  "metrics.rootMeanSquaredError",
  LABELED_PARAMS,
  (a) => {
    const [p, l, w] = removeSqueezable(a.predictions, a.labels, a.weights);
    const [mse, updateMse] = mseImpl(
      l as Tensor,
      p,
      w,
      null,
      null,
      a.name ?? "root_mean_squared_error",
    );
    const rmse = aggregate(a.metricsCollections, () => sqrt(mse));
    const updateRmse = sqrt(updateMse);
    addTo(a.updatesCollections, updateRmse);
    return [rmse, updateRmse];
  },
);

/**
 * The mean of `|labels - predictions| / normalizer` (`tf.metrics.mean_relative_error`),
 * 0 where the normalizer is 0.
 *
 * @example
 * ```ts
 * const [, update] = tf.metrics.meanRelativeError([1, 2], [2, 2], [2, 4]);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> 0.25
 * ```
 */
export const meanRelativeError = metricFunction(
  "metrics.meanRelativeError",
  RELATIVE_PARAMS,
  (a) => {
    const [p0, l0, w] = removeSqueezable(a.predictions, a.labels, a.weights);
    const l = l0 as Tensor;
    const [p, normalizer] = removeSqueezableDimensions(p0, a.normalizer);
    assertCompatible(p.shape, normalizer.shape);
    const relativeErrors = where(
      equal(normalizer, 0.0),
      zerosLike(l),
      div(abs(pythonOperator("sub", l, p)), normalizer),
    );
    return meanImpl(
      relativeErrors,
      w,
      a.metricsCollections,
      a.updatesCollections,
      a.name ?? "mean_relative_error",
    );
  },
);

/**
 * The mean cosine distance of unit vectors along `dim` (`tf.metrics.mean_cosine_distance`):
 * `1 - mean(sum(predictions * labels, dim))`, with the weights' `dim` of size 1.
 *
 * @example
 * ```ts
 * const [, update] = tf.metrics.meanCosineDistance([[1, 0]], [[0.6, 0.8]], 1);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> 0.39999998
 * ```
 */
export const meanCosineDistance = metricFunction(
  "metrics.meanCosineDistance",
  COSINE_PARAMS,
  (a) => {
    const [p, l, w] = removeSqueezable(a.predictions, a.labels, a.weights);
    let radialDiffs = multiply(p, l as Tensor);
    radialDiffs = reduceSum(radialDiffs, { axis: [a.dim], keepdims: true });
    const [meanDistance, updateMean] = meanImpl(
      radialDiffs,
      w,
      null,
      null,
      a.name ?? "mean_cosine_distance",
    );
    const value = subtract(1.0, meanDistance);
    const updateOp = subtract(1.0, updateMean);
    addTo(a.metricsCollections, value);
    addTo(a.updatesCollections, updateOp);
    return [value, updateOp];
  },
);

/**
 * The (weighted) fraction of `values` below `threshold` (`tf.metrics.percentage_below`),
 * under `percentage_below_threshold`.
 *
 * @example
 * ```ts
 * const [, update] = tf.metrics.percentageBelow([1, 2, 3, 4], 3);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> 0.5
 * ```
 */
export const percentageBelow = metricFunction("metrics.percentageBelow", BELOW_PARAMS, (a) => {
  const isBelow = toFloat(less(a.values, a.threshold));
  return meanImpl(
    isBelow,
    a.weights,
    a.metricsCollections,
    a.updatesCollections,
    a.name ?? "percentage_below_threshold",
  );
});

// ---------------------------------------------------------------------------------------
// Counts of true/false positives/negatives

/**
 * `_count_condition(values, weights, ...)`: the (weighted) count of true `values` in a
 * local variable `count`; the value is its `Identity`, the update its `AssignAdd`.
 */
function countCondition(
  values: Tensor,
  weights: Tensor | null,
  metricsCollections: readonly string[] | null | undefined,
  updatesCollections: readonly string[] | null | undefined,
): MetricResult {
  assertType(values, "bool");
  const count = metricVariable([], "float32", "count");
  let v = toFloat(values);
  if (weights !== null) {
    const check = assertRankIn(weights, [0, rank(v)]);
    v = controlDependencies([check], () => multiply(v, toFloat(weights)));
  }
  const value = aggregateVariable(count, metricsCollections);
  const updateOp = assignAdd(count, reduceSum(v));
  addTo(updatesCollections, updateOp);
  return [value, updateOp];
}

type Outcome = "tp" | "fn" | "tn" | "fp";

const COUNT_NAMES: Record<Outcome, string> = {
  tp: "true_positives",
  fn: "false_negatives",
  tn: "true_negatives",
  fp: "false_positives",
};

/** Whether label and prediction give the outcome: TF's `equal(labels, True)` and so on. */
function isOutcome(outcome: Outcome, labels: Tensor, predictions: Tensor): Tensor {
  const labelTrue = outcome === "tp" || outcome === "fn";
  const predTrue = outcome === "tp" || outcome === "fp";
  return logicalAnd(equal(labels, labelTrue), equal(predictions, predTrue));
}

function countMetric(
  outcome: Outcome,
  labels: TensorLike,
  predictions: TensorLike,
  weights: TensorLike | null | undefined,
  metricsCollections: readonly string[] | null | undefined,
  updatesCollections: readonly string[] | null | undefined,
  name: string | null | undefined,
): MetricResult {
  return variableScope(
    name ?? null,
    { defaultName: COUNT_NAMES[outcome], values: [predictions, labels, weights ?? null] },
    (): MetricResult => {
      const [p, l, w] = removeSqueezable(cast(predictions, "bool"), cast(labels, "bool"), weights);
      const values = isOutcome(outcome, l as Tensor, p);
      return countCondition(values, w, metricsCollections, updatesCollections);
    },
  );
}

function defineCount(fn: string, outcome: Outcome) {
  return metricFunction(fn, LABELED_PARAMS, (a) =>
    countMetric(
      outcome,
      a.labels,
      a.predictions,
      a.weights,
      a.metricsCollections,
      a.updatesCollections,
      a.name,
    ),
  );
}

/**
 * The (weighted) count of true positives (`tf.metrics.true_positives`): labels and
 * predictions cast to bool; the value is `true_positives/Identity` of the local
 * `true_positives/count`.
 *
 * @example
 * ```ts
 * const [tp, update] = tf.metrics.truePositives([1, 1, 0, 0], [1, 0, 1, 0]);
 * tp.name; // ==> true_positives/Identity:0
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> 1.0
 * ```
 */
export const truePositives = defineCount("metrics.truePositives", "tp");
/**
 * The (weighted) count of false positives (`tf.metrics.false_positives`).
 *
 * @example
 * ```ts
 * const [, update] = tf.metrics.falsePositives([1, 1, 0, 0], [1, 0, 1, 1]);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> 2.0
 * ```
 */
export const falsePositives = defineCount("metrics.falsePositives", "fp");
/**
 * The (weighted) count of true negatives (`tf.metrics.true_negatives`).
 *
 * @example
 * ```ts
 * const [, update] = tf.metrics.trueNegatives([1, 1, 0, 0], [1, 0, 1, 0]);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> 1.0
 * ```
 */
export const trueNegatives = defineCount("metrics.trueNegatives", "tn");
/**
 * The (weighted) count of false negatives (`tf.metrics.false_negatives`).
 *
 * @example
 * ```ts
 * const [, update] = tf.metrics.falseNegatives([1, 1, 0, 0], [0, 0, 1, 0]);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> 2.0
 * ```
 */
export const falseNegatives = defineCount("metrics.falseNegatives", "fn");

/**
 * `_confusion_matrix_at_thresholds(labels, predictions, thresholds, weights, includes)`:
 * after run-time checks that predictions lie in [0, 1], every prediction compared with
 * every threshold (`Greater` on tiled `[thresholds, predictions]` matrices), and one local
 * variable of shape `[thresholds]` per outcome asked for, in the order tp, fn, tn, fp.
 */
function confusionAtThresholds(
  labels: TensorLike,
  predictions: TensorLike,
  thresholds: readonly number[],
  weights: TensorLike | null | undefined,
  includes: readonly Outcome[] = ["tp", "fn", "tn", "fp"],
): { values: Partial<Record<Outcome, Tensor>>; updates: Partial<Record<Outcome, Tensor>> } {
  const pt = convertToTensor(predictions);
  const checks = [
    assertGreaterEqual(pt, cast(0.0, pt.dtype), { message: "predictions must be in [0, 1]" }),
    assertLessEqual(pt, cast(1.0, pt.dtype), { message: "predictions must be in [0, 1]" }),
  ];
  const [p, l, w] = controlDependencies(checks, () =>
    removeSqueezable(toFloat(pt), cast(labels, "bool"), weights),
  );
  const numThresholds = thresholds.length;
  const predictions2d = reshape(p, [-1, 1]);
  const labels2d = reshape(cast(l as Tensor, "bool"), [1, -1]);
  const staticCount = predictions2d.shape.dims?.[0] ?? null;
  // `array_ops.stack([1, num_predictions])`: a constant when the count is known.
  const multiples =
    staticCount !== null
      ? constant([1, staticCount], { dtype: "int32", name: "stack" })
      : stack([1, sliceHelper(shape(predictions2d), [0])]);
  const threshTiled = tile(expandDims(constant(thresholds as number[]), 1), multiples);
  const predIsPos = greater(tile(transpose(predictions2d), [numThresholds, 1]), threshTiled);
  const needsNeg = includes.includes("fn") || includes.includes("tn");
  const predIsNeg = needsNeg ? logicalNot(predIsPos) : null;
  const labelIsPos = tile(labels2d, [numThresholds, 1]);
  const needsLabelNeg = includes.includes("fp") || includes.includes("tn");
  const labelIsNeg = needsLabelNeg ? logicalNot(labelIsPos) : null;
  let weightsTiled: Tensor | null = null;
  if (w !== null) {
    const bw = broadcastWeights(toFloat(w), p);
    weightsTiled = tile(reshape(bw, [1, -1]), [numThresholds, 1]);
    assertCompatible(threshTiled.shape, weightsTiled.shape);
  }
  const values: Partial<Record<Outcome, Tensor>> = {};
  const updates: Partial<Record<Outcome, Tensor>> = {};
  const pairs: Record<Outcome, () => [Tensor, Tensor]> = {
    tp: () => [labelIsPos, predIsPos],
    fn: () => [labelIsPos, predIsNeg as Tensor],
    tn: () => [labelIsNeg as Tensor, predIsNeg as Tensor],
    fp: () => [labelIsNeg as Tensor, predIsPos],
  };
  for (const outcome of ["tp", "fn", "tn", "fp"] as const) {
    if (!includes.includes(outcome)) continue;
    const variable = metricVariable([numThresholds], "float32", COUNT_NAMES[outcome]);
    const [labelSide, predSide] = pairs[outcome]();
    let is = toFloat(logicalAnd(labelSide, predSide));
    if (weightsTiled !== null) is = pythonOperator("mul", is, weightsTiled);
    updates[outcome] = assignAdd(variable, reduceSum(is, 1));
    values[outcome] = variable.value();
  }
  return { values, updates };
}

function countAtThresholds(outcome: Outcome, a: ArgsOf<typeof THRESHOLDS_PARAMS>): MetricResult {
  return variableScope(
    a.name ?? null,
    { defaultName: COUNT_NAMES[outcome], values: [a.predictions, a.labels, a.weights ?? null] },
    (): MetricResult => {
      const { values, updates } = confusionAtThresholds(
        a.labels,
        a.predictions,
        a.thresholds,
        a.weights,
        [outcome],
      );
      const value = aggregate(a.metricsCollections, () => identity(values[outcome] as Tensor));
      const updateOp = updates[outcome] as Tensor;
      addTo(a.updatesCollections, updateOp);
      return [value, updateOp];
    },
  );
}

/**
 * True positives at each of `thresholds` (`tf.metrics.true_positives_at_thresholds`): a
 * prediction above `thresholds[i]` with a true label counts at `i`.
 *
 * @example
 * ```ts
 * const [, update] = tf.metrics.truePositivesAtThresholds([1, 1, 0], [0.2, 0.8, 0.6], [0.5]);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> [1.]
 * ```
 */
export const truePositivesAtThresholds = metricFunction(
  "metrics.truePositivesAtThresholds",
  THRESHOLDS_PARAMS,
  (a) => countAtThresholds("tp", a),
);
/**
 * False positives at each of `thresholds` (`tf.metrics.false_positives_at_thresholds`).
 *
 * @example
 * ```ts
 * const [, update] = tf.metrics.falsePositivesAtThresholds([1, 1, 0], [0.2, 0.8, 0.6], [0.5, 0.7]);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> [1. 0.]
 * ```
 */
export const falsePositivesAtThresholds = metricFunction(
  "metrics.falsePositivesAtThresholds",
  THRESHOLDS_PARAMS,
  (a) => countAtThresholds("fp", a),
);
/**
 * True negatives at each of `thresholds` (`tf.metrics.true_negatives_at_thresholds`).
 *
 * @example
 * ```ts
 * const [, update] = tf.metrics.trueNegativesAtThresholds([1, 1, 0], [0.2, 0.8, 0.6], [0.5, 0.7]);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> [0. 1.]
 * ```
 */
export const trueNegativesAtThresholds = metricFunction(
  "metrics.trueNegativesAtThresholds",
  THRESHOLDS_PARAMS,
  (a) => countAtThresholds("tn", a),
);
/**
 * False negatives at each of `thresholds` (`tf.metrics.false_negatives_at_thresholds`).
 *
 * @example
 * ```ts
 * const [, update] = tf.metrics.falseNegativesAtThresholds([1, 1, 0], [0.2, 0.8, 0.6], [0.5, 0.9]);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> [1. 2.]
 * ```
 */
export const falseNegativesAtThresholds = metricFunction(
  "metrics.falseNegativesAtThresholds",
  THRESHOLDS_PARAMS,
  (a) => countAtThresholds("fn", a),
);

// ---------------------------------------------------------------------------------------
// Precision and recall

function ratioMetric(
  defaultName: string,
  other: Outcome,
  a: ArgsOf<typeof LABELED_PARAMS>,
): MetricResult {
  return variableScope(
    a.name ?? null,
    { defaultName, values: [a.predictions, a.labels, a.weights ?? null] },
    (): MetricResult => {
      const [p, l, w] = removeSqueezable(
        cast(a.predictions, "bool"),
        cast(a.labels, "bool"),
        a.weights,
      );
      const labels = l as Tensor;
      const [tp, tpUpdate] = countMetric("tp", labels, p, w, null, null, null);
      const [o, oUpdate] = countMetric(other, labels, p, w, null, null, null);
      const compute = (x: Tensor, y: Tensor, name: string): Tensor =>
        where(
          greater(pythonOperator("add", x, y), 0),
          div(x, pythonOperator("add", x, y)),
          0,
          name,
        );
      const value = aggregate(a.metricsCollections, () => compute(tp, o, "value"));
      const updateOp = compute(tpUpdate, oUpdate, "update_op");
      addTo(a.updatesCollections, updateOp);
      return [value, updateOp];
    },
  );
}

/**
 * Precision (`tf.metrics.precision`): `tp / (tp + fp)` over the local counts
 * `precision/true_positives/count` and `precision/false_positives/count`, 0 while both
 * are 0.
 *
 * @example
 * ```ts
 * const [p, update] = tf.metrics.precision([1, 0, 1, 0], [1, 1, 1, 0]);
 * p.name; // ==> precision/value:0
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> 0.6666667
 * ```
 */
export const precision = metricFunction("metrics.precision", LABELED_PARAMS, (a) =>
  ratioMetric("precision", "fp", a),
);

/**
 * Recall (`tf.metrics.recall`): `tp / (tp + fn)`, 0 while both are 0.
 *
 * @example
 * ```ts
 * const [, update] = tf.metrics.recall([1, 0, 1, 1], [1, 1, 0, 0]);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> 0.33333334
 * ```
 */
export const recall = metricFunction("metrics.recall", LABELED_PARAMS, (a) =>
  ratioMetric("recall", "fn", a),
);

function ratioAtThresholds(
  defaultName: string,
  other: Outcome,
  prefix: string,
  a: ArgsOf<typeof THRESHOLDS_PARAMS>,
): MetricResult {
  return variableScope(
    a.name ?? null,
    { defaultName, values: [a.predictions, a.labels, a.weights ?? null] },
    (): MetricResult => {
      const { values, updates } = confusionAtThresholds(
        a.labels,
        a.predictions,
        a.thresholds,
        a.weights,
        ["tp", other],
      );
      const epsilon = 1e-7;
      const compute = (tp: Tensor, o: Tensor, name: string): Tensor =>
        div(tp, pythonOperator("add", pythonOperator("add", epsilon, tp), o), `${prefix}_${name}`);
      const value = aggregate(a.metricsCollections, () =>
        compute(values.tp as Tensor, values[other] as Tensor, "value"),
      );
      const updateOp = compute(updates.tp as Tensor, updates[other] as Tensor, "update_op");
      addTo(a.updatesCollections, updateOp);
      return [value, updateOp];
    },
  );
}

/**
 * Precision at each of `thresholds` (`tf.metrics.precision_at_thresholds`):
 * `tp / (ε + tp + fp)` with ε = 1e-7, named `precision_value` and `precision_update_op`.
 *
 * @example
 * ```ts
 * const [, update] = tf.metrics.precisionAtThresholds([1, 0, 1], [0.9, 0.6, 0.3], [0.5]);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> [0.5]
 * ```
 */
export const precisionAtThresholds = metricFunction(
  "metrics.precisionAtThresholds",
  THRESHOLDS_PARAMS,
  (a) => ratioAtThresholds("precision_at_thresholds", "fp", "precision", a),
);

/**
 * Recall at each of `thresholds` (`tf.metrics.recall_at_thresholds`): `tp / (ε + tp + fn)`.
 *
 * @example
 * ```ts
 * const [, update] = tf.metrics.recallAtThresholds([1, 0, 1], [0.9, 0.6, 0.3], [0.5]);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> [0.5]
 * ```
 */
export const recallAtThresholds = metricFunction(
  "metrics.recallAtThresholds",
  THRESHOLDS_PARAMS,
  (a) => ratioAtThresholds("recall_at_thresholds", "fn", "recall", a),
);

// ---------------------------------------------------------------------------------------
// AUC, sensitivity and specificity

const SUMMATION_METHODS = ["trapezoidal", "careful_interpolation", "minoring", "majoring"];

/** `x[:n - 1]` and `x[1:]`, Python's slices of a `[n]` vector. */
function headTail(x: Tensor, n: number): [Tensor, Tensor] {
  return [sliceHelper(x, [`:${n - 1}`]), sliceHelper(x, ["1:"])];
}

/**
 * The area under the ROC or PR curve (`tf.metrics.auc`), a Riemann sum over
 * `numThresholds` thresholds (200; or the sorted `thresholds` given, with -ε and 1+ε
 * added): `summationMethod` `trapezoidal` (default), `careful_interpolation` (Davis &
 * Goadrich's interpolation for PR), `minoring` or `majoring`.
 *
 * @example
 * ```ts
 * const [, update] = tf.metrics.auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> 0.74999976
 * ```
 */
export const auc = metricFunction("metrics.auc", AUC_PARAMS, (a) =>
  variableScope(
    a.name ?? null,
    { defaultName: "auc", values: [a.labels, a.predictions, a.weights ?? null] },
    (): MetricResult => {
      const curve = a.curve ?? "ROC";
      const summationMethod = a.summationMethod ?? "trapezoidal";
      if (curve !== "ROC" && curve !== "PR") {
        throw new ValueError(`curve must be either ROC or PR, ${curve} unknown`);
      }
      const kepsilon = 1e-7;
      let inner: number[];
      let numThresholds: number;
      if (a.thresholds !== null && a.thresholds !== undefined) {
        inner = [...a.thresholds].sort((x, y) => x - y);
        numThresholds = inner.length + 2;
      } else {
        numThresholds = a.numThresholds ?? 200;
        inner = Array.from(
          { length: Math.max(numThresholds - 2, 0) },
          (_, i) => ((i + 1) * 1.0) / (numThresholds - 1),
        );
      }
      const thresholds = [0.0 - kepsilon, ...inner, 1.0 + kepsilon];
      if (!SUMMATION_METHODS.includes(summationMethod)) {
        throw new ValueError(`Invalid summation_method: ${summationMethod}`);
      }
      const counts = confusionAtThresholds(a.labels, a.predictions, thresholds, a.weights);
      const epsilon = 1.0e-6;
      const interpolatePrAuc = (tp: Tensor, fp: Tensor, fn: Tensor): Tensor => {
        const [tpHead, tpTail] = headTail(tp, numThresholds);
        const dtp = pythonOperator("sub", tpHead, tpTail);
        const p = pythonOperator("add", tp, fp);
        const [pHead, pTail] = headTail(p, numThresholds);
        const precSlope = divNoNan(dtp, maximum(pythonOperator("sub", pHead, pTail), 0), {
          name: "prec_slope",
        });
        const intercept = pythonOperator("sub", tpTail, multiply(precSlope, pTail));
        const [pHead2, pTail2] = headTail(p, numThresholds);
        const [pHead3, pTail3] = headTail(p, numThresholds);
        const safePRatio = where(
          logicalAnd(greater(pHead2, 0), greater(pTail2, 0)),
          divNoNan(pHead3, maximum(pTail3, 0), { name: "recall_relative_ratio" }),
          onesLike(sliceHelper(p, ["1:"])),
        );
        const [, tpTail2] = headTail(tp, numThresholds);
        const [, fnTail] = headTail(fn, numThresholds);
        return reduceSum(
          divNoNan(
            pythonOperator(
              "mul",
              precSlope,
              pythonOperator("add", dtp, pythonOperator("mul", intercept, log(safePRatio))),
            ),
            maximum(pythonOperator("add", tpTail2, fnTail), 0),
            { name: "pr_auc_increment" },
          ),
          { name: "interpolate_pr_auc" },
        );
      };
      const computeAuc: FromCounts = (tp, fn, tn, fp, name) => {
        if (curve === "PR" && summationMethod === "careful_interpolation") {
          return interpolatePrAuc(tp, fp, fn);
        }
        const rec = div(
          pythonOperator("add", tp, epsilon),
          pythonOperator("add", pythonOperator("add", tp, fn), epsilon),
        );
        let x: Tensor;
        let y: Tensor;
        if (curve === "ROC") {
          x = div(fp, pythonOperator("add", pythonOperator("add", fp, tn), epsilon));
          y = rec;
        } else {
          const prec = div(
            pythonOperator("add", tp, epsilon),
            pythonOperator("add", pythonOperator("add", tp, fp), epsilon),
          );
          x = rec;
          y = prec;
        }
        const [xHead, xTail] = headTail(x, numThresholds);
        const dx = pythonOperator("sub", xHead, xTail);
        const [yHead, yTail] = headTail(y, numThresholds);
        let height: Tensor;
        if (summationMethod === "minoring") height = minimum(yHead, yTail);
        else if (summationMethod === "majoring") height = maximum(yHead, yTail);
        else height = pythonOperator("truediv", pythonOperator("add", yHead, yTail), 2.0);
        return reduceSum(multiply(dx, height), { name });
      };
      return fromConfusion(counts, computeAuc, a.metricsCollections, a.updatesCollections);
    },
  ),
);

/** Computes a threshold metric from its confusion counts (`tp`, `fn`, `tn`, `fp`). */
type FromCounts = (tp: Tensor, fn: Tensor, tn: Tensor, fp: Tensor, name: string) => Tensor;

/**
 * A threshold metric's `[value, update_op]`: `compute` over the confusion counts as read
 * (`value`, added to `metricsCollections`), then over their updates (`update_op`, added to
 * `updatesCollections`).
 */
function fromConfusion(
  counts: ReturnType<typeof confusionAtThresholds>,
  compute: FromCounts,
  metricsCollections: readonly string[] | null | undefined,
  updatesCollections: readonly string[] | null | undefined,
): MetricResult {
  const { values: v, updates: u } = counts;
  const value = aggregate(metricsCollections, () =>
    compute(v.tp as Tensor, v.fn as Tensor, v.tn as Tensor, v.fp as Tensor, "value"),
  );
  const updateOp = compute(
    u.tp as Tensor,
    u.fn as Tensor,
    u.tn as Tensor,
    u.fp as Tensor,
    "update_op",
  );
  addTo(updatesCollections, updateOp);
  return [value, updateOp];
}

/** The `numThresholds` thresholds of the sensitivity/specificity metrics, with the ends. */
function evenThresholds(numThresholds: number, last: number): number[] {
  const kepsilon = 1e-7;
  const inner = Array.from(
    { length: Math.max(numThresholds - 2, 0) },
    (_, i) => ((i + 1) * 1.0) / (numThresholds - 1),
  );
  return [0.0 - kepsilon, ...inner, last];
}

/**
 * The sensitivity (recall) at the threshold whose specificity is nearest `specificity`
 * (`tf.metrics.sensitivity_at_specificity`), over `numThresholds` (200) thresholds.
 *
 * @example
 * ```ts
 * const [, update] = tf.metrics.sensitivityAtSpecificity([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.8], 0.5);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> 1.0
 * ```
 */
export const sensitivityAtSpecificity = metricFunction(
  "metrics.sensitivityAtSpecificity",
  SENSITIVITY_PARAMS,
  (a) => {
    if (a.specificity < 0 || a.specificity > 1) {
      throw new ValueError("`specificity` must be in the range [0, 1].");
    }
    return variableScope(
      a.name ?? null,
      {
        defaultName: "sensitivity_at_specificity",
        values: [a.predictions, a.labels, a.weights ?? null],
      },
      (): MetricResult => {
        const kepsilon = 1e-7;
        const thresholds = evenThresholds(a.numThresholds ?? 200, 1.0 + kepsilon);
        const counts = confusionAtThresholds(a.labels, a.predictions, thresholds, a.weights);
        const compute: FromCounts = (tp, fn, tn, fp, name) => {
          const specificities = div(
            tn,
            pythonOperator("add", pythonOperator("add", tn, fp), kepsilon),
          );
          let index = argmin(abs(pythonOperator("sub", specificities, a.specificity)), 0);
          index = cast(index, "int32");
          return div(
            sliceHelper(tp, [index]),
            pythonOperator(
              "add",
              pythonOperator("add", sliceHelper(tp, [index]), sliceHelper(fn, [index])),
              kepsilon,
            ),
            name,
          );
        };
        return fromConfusion(counts, compute, a.metricsCollections, a.updatesCollections);
      },
    );
  },
);

/**
 * The specificity at the threshold whose sensitivity is nearest `sensitivity`
 * (`tf.metrics.specificity_at_sensitivity`); among tied thresholds the last (a `Cumsum` of
 * the ties, then `ArgMax`, as TensorFlow picks it).
 *
 * @example
 * ```ts
 * const [, update] = tf.metrics.specificityAtSensitivity([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.8], 0.5);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> 1.0
 * ```
 */
export const specificityAtSensitivity = metricFunction(
  "metrics.specificityAtSensitivity",
  SPECIFICITY_PARAMS,
  (a) => {
    if (a.sensitivity < 0 || a.sensitivity > 1) {
      throw new ValueError("`sensitivity` must be in the range [0, 1].");
    }
    return variableScope(
      a.name ?? null,
      {
        defaultName: "specificity_at_sensitivity",
        values: [a.predictions, a.labels, a.weights ?? null],
      },
      (): MetricResult => {
        const kepsilon = 1e-7;
        const thresholds = evenThresholds(a.numThresholds ?? 200, 1.0 - kepsilon);
        const counts = confusionAtThresholds(a.labels, a.predictions, thresholds, a.weights);
        const compute: FromCounts = (tp, fn, tn, fp, name) => {
          const sensitivities = div(
            tp,
            pythonOperator("add", pythonOperator("add", tp, fn), kepsilon),
          );
          const minVal = reduceMin(abs(pythonOperator("sub", sensitivities, a.sensitivity)));
          let atMin = equal(abs(pythonOperator("sub", sensitivities, a.sensitivity)), minVal);
          atMin = cast(atMin, "int64");
          atMin = cumsum(atMin);
          let index = argmax(atMin, 0);
          index = cast(index, "int32");
          return div(
            sliceHelper(tn, [index]),
            pythonOperator(
              "add",
              pythonOperator("add", sliceHelper(tn, [index]), sliceHelper(fp, [index])),
              kepsilon,
            ),
            name,
          );
        };
        return fromConfusion(counts, compute, a.metricsCollections, a.updatesCollections);
      },
    );
  },
);

// ---------------------------------------------------------------------------------------
// Per-class metrics

/**
 * The mean over classes of the intersection over union (`tf.metrics.mean_iou`), from a
 * streaming `[numClasses, numClasses]` confusion matrix (`mean_iou/total_confusion_matrix`;
 * float32 where TensorFlow keeps float64, which scopeflow lacks). Classes absent from both
 * labels and predictions are left out of the mean. `updateOp` returns the updated matrix.
 *
 * @example
 * ```ts
 * const [miou, update] = tf.metrics.meanIou([0, 1, 1, 2], [0, 1, 2, 2], 3);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update);
 * sess.run(miou); // ==> 0.6666667
 * ```
 */
export const meanIou = metricFunction("metrics.meanIou", CLASSES_PARAMS, (a) =>
  variableScope(
    a.name ?? null,
    { defaultName: "mean_iou", values: [a.predictions, a.labels, a.weights ?? null] },
    (): MetricResult => {
      const predictions = convertToTensor(a.predictions);
      const labels = convertToTensor(a.labels, { preferredDtype: "int32" });
      assertCompatible(predictions.shape, labels.shape);
      const [totalCm, updateOp] = streamingConfusionMatrix(
        labels,
        predictions,
        a.numClasses,
        a.weights,
      );
      const value = aggregate(a.metricsCollections, () => {
        const sumOverRow = toFloat(reduceSum(totalCm, 0));
        const sumOverCol = toFloat(reduceSum(totalCm, 1));
        const cmDiag = toFloat(diagPart(totalCm));
        let denominator = pythonOperator(
          "sub",
          pythonOperator("add", sumOverRow, sumOverCol),
          cmDiag,
        );
        const numValidEntries = reduceSum(toFloat(notEqual(denominator, 0)));
        denominator = where(greater(denominator, 0), denominator, onesLike(denominator));
        const iou = div(cmDiag, denominator);
        return where(
          greater(numValidEntries, 0),
          pythonOperator("truediv", reduceSum(iou, { name: "mean_iou" }), numValidEntries),
          0,
        );
      });
      addTo(a.updatesCollections, updateOp);
      return [value, updateOp];
    },
  ),
);

/** `_streaming_confusion_matrix(labels, predictions, num_classes, weights)`. */
function streamingConfusionMatrix(
  labels: Tensor,
  predictions: Tensor,
  numClasses: number,
  weights: TensorLike | null | undefined,
): [Tensor, Tensor] {
  // TensorFlow accumulates in float64; scopeflow's widest float is float32.
  const totalCm = metricVariable([numClasses, numClasses], "float32", "total_confusion_matrix");
  let p = cast(predictions, "int64");
  let l = cast(labels, "int64");
  if ((p.shape.rank ?? 0) > 1) p = reshape(p, [-1]);
  if ((l.shape.rank ?? 0) > 1) l = reshape(l, [-1]);
  let w: Tensor | null = null;
  if (weights !== null && weights !== undefined) {
    w = convertToTensor(weights);
    if ((w.shape.rank ?? 0) > 1) w = reshape(w, [-1]);
  }
  const currentCm = confusionMatrix(l, p, numClasses, w, "float32");
  return [totalCm.value(), assignAdd(totalCm, currentCm)];
}

/**
 * The mean over classes of each class's accuracy (`tf.metrics.mean_per_class_accuracy`):
 * local `mean_accuracy/total` and `mean_accuracy/count` of shape `[numClasses]`, updated by
 * `ScatterAdd` at the labels.
 *
 * @example
 * ```ts
 * const [, update] = tf.metrics.meanPerClassAccuracy([0, 0, 1, 1], [0, 1, 1, 1], 2);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> [0.5 1. ]
 * ```
 */
export const meanPerClassAccuracy = metricFunction(
  "metrics.meanPerClassAccuracy",
  CLASSES_PARAMS,
  (a) =>
    variableScope(
      a.name ?? null,
      { defaultName: "mean_accuracy", values: [a.predictions, a.labels, a.weights ?? null] },
      (): MetricResult => {
        let labels = cast(convertToTensor(a.labels, { preferredDtype: "int32" }), "int64");
        let predictions = convertToTensor(a.predictions, { preferredDtype: "int32" });
        if ((labels.shape.rank ?? 0) > 1) labels = reshape(labels, [-1]);
        if ((predictions.shape.rank ?? 0) > 1) predictions = reshape(predictions, [-1]);
        assertCompatible(predictions.shape, labels.shape);
        const total = metricVariable([a.numClasses], "float32", "total");
        const count = metricVariable([a.numClasses], "float32", "count");
        let onesT = ones([size(labels)], "float32");
        if (labels.dtype !== predictions.dtype) predictions = cast(predictions, labels.dtype);
        let isCorrect = toFloat(equal(predictions, labels));
        if (a.weights !== null && a.weights !== undefined) {
          let w = convertToTensor(a.weights);
          if ((w.shape.rank ?? 0) > 1) w = reshape(w, [-1]);
          w = toFloat(w);
          isCorrect = pythonOperator("mul", isCorrect, w);
          onesT = pythonOperator("mul", onesT, w);
        }
        const updateTotal = scatterAdd(total, labels, onesT);
        const updateCount = scatterAdd(count, labels, isCorrect);
        const value = aggregate(a.metricsCollections, () => {
          const perClass = divNoNan(count, maximum(total, 0));
          return reduceMean(perClass, { name: "mean_accuracy" });
        });
        const updateOp = divNoNan(updateCount, maximum(updateTotal, 0), { name: "update_op" });
        addTo(a.updatesCollections, updateOp);
        return [value, updateOp];
      },
    ),
);

// ---------------------------------------------------------------------------------------
// Metrics at k, with dense or SparseTensor labels

/** A labels parameter: int64 ids, dense or a `SparseTensor`. */
const LABELS = req("labels", sparseOrTensorKind);

/**
 * `recall_at_k(labels, predictions, k, class_id, weights, metrics_collections,
 * updates_collections, name)`, and `precision_at_k`'s.
 */
const AT_K_PARAMS = [
  LABELS,
  req("predictions", tensorKind),
  req("k", intKind),
  optNullable("classId", intKind),
  WEIGHTS,
  ...COLLECTIONS_TAIL,
] as const;
/** `recall_at_top_k(labels, predictions_idx, k, class_id, weights, ...)`, `precision_at_top_k`'s. */
const AT_TOP_K_PARAMS = [
  LABELS,
  req("predictionsIdx", tensorKind),
  optNullable("k", intKind),
  optNullable("classId", intKind),
  WEIGHTS,
  ...COLLECTIONS_TAIL,
] as const;

/** The options object of {@link recallAtK} and {@link precisionAtK}. */
export type AtKMetricArgs = OptionsOf<typeof AT_K_PARAMS>;
/** The options object of {@link recallAtTopK} and {@link precisionAtTopK}. */
export type AtTopKMetricArgs = OptionsOf<typeof AT_TOP_K_PARAMS>;

type Labels = Tensor | SparseTensor;

/** `_at_k_name(name, k, class_id)`: `recall_at_5`, `recall_at_k`, `…_class3`. */
function atKName(name: string, k: number | null | undefined, classId: number | null | undefined) {
  let n = k !== null && k !== undefined ? `${name}_at_${k}` : `${name}_at_k`;
  if (classId !== null && classId !== undefined) n = `${n}_class${classId}`;
  return n;
}

/**
 * The labels as int64 ids, dense or sparse. TensorFlow asks the caller for int64 (its set
 * ops refuse int32 labels against the int64 top-k ids); scopeflow converts JS numbers to
 * int64 and casts int32 tensors and SparseTensor values, since JS has no int64 literals.
 * Labels of other dtypes meet the set ops' TypeError, as in TF.
 */
function int64Labels(labels: SparseTensor | TensorLike): Labels {
  const l = convertToTensorOrSparseTensor(labels, { preferredDtype: "int64" });
  // Other dtypes go on as they are, for the set ops to refuse as in TF.
  if (l.dtype !== "int32") return l;
  if (l instanceof SparseTensor) {
    return new SparseTensor(l.indices, cast(l.values, "int64"), l.denseShape);
  }
  return cast(l, "int64");
}

/** `tf.cond` over SparseTensors (or dense tensors): each part merged, the result rebuilt. */
function condLabels(pred: Tensor, trueFn: () => Labels, falseFn: () => Labels): Labels {
  const parts = (l: Labels): Tensor[] =>
    l instanceof SparseTensor ? [l.indices, l.values, l.denseShape] : [l];
  let sparse = false;
  const out = cond(
    pred,
    () => {
      const l = trueFn();
      sparse = l instanceof SparseTensor;
      return parts(l);
    },
    () => parts(falseFn()),
  ) as Tensor | Tensor[];
  if (sparse) {
    const [i, v, s] = out as Tensor[];
    return new SparseTensor(i as Tensor, v as Tensor, s as Tensor);
  }
  return Array.isArray(out) ? (out[0] as Tensor) : out;
}

/**
 * `_maybe_expand_labels(labels, predictions)`: labels of one rank less than the
 * predictions gain a last dim of 1 (`expand_labels`); a SparseTensor's rank is only known
 * when running, so it is reshaped under a `cond`.
 */
function maybeExpandLabels(labels: Labels, predictions: Tensor): Labels {
  return inOpScope(
    null,
    "expand_labels",
    [labels instanceof SparseTensor ? labels.values : labels, predictions],
    (scope) => {
      if (labels instanceof SparseTensor) {
        const sp = labels;
        return condLabels(
          equal(rank(predictions), pythonOperator("add", size(sp.denseShape), 1)),
          () =>
            sparseReshape(sp, concat([sp.denseShape, constant([1], { dtype: "int64" })], 0), scope),
          () => sp,
        );
      }
      const lr = labels.shape.rank;
      const pr = predictions.shape.rank;
      if (lr !== null && pr !== null) {
        if (pr === lr) return labels;
        if (pr === lr + 1) return expandDims(labels, -1, scope);
        throw new ValueError(
          `Unexpected labels shape ${labels.shape.toString()} for predictions shape ${predictions.shape.toString()}.`,
        );
      }
      return condLabels(
        equal(rank(predictions), pythonOperator("add", rank(labels), 1)),
        () => expandDims(labels, -1, scope),
        () => labels,
      );
    },
  );
}

/**
 * `_select_class_id(ids, selected_id)`: only the entries equal to `selectedId`, as a
 * SparseTensor of the ids' shape (`sparse_retain` of a SparseTensor; the intersection of
 * each dense row with `{selectedId}` otherwise).
 */
function selectClassId(ids: Labels, selectedId: number): SparseTensor {
  if (ids instanceof SparseTensor) return sparseRetain(ids, equal(ids.values, selectedId));
  const idsShape = shape(ids, { outType: "int64" });
  const idsLastDim = pythonOperator("sub", size(idsShape), 1);
  // `reduced_shape` works in int32 (`to_int32`), as in TF 1.15.
  const filledShape = reducedShape(toInt32(idsShape), reshape(idsLastDim, [1]));
  const filled = fill(filledShape, cast(selectedId, "int64"));
  const result = setIntersection(filled, ids);
  return new SparseTensor(result.indices, result.values, idsShape);
}

/** `_maybe_select_class_id(labels, predictions_idx, selected_id)`. */
function maybeSelectClassId(
  labels: Labels,
  predictionsIdx: Labels,
  selectedId: number | null | undefined,
): [Labels, Labels] {
  if (selectedId === null || selectedId === undefined) return [labels, predictionsIdx];
  return [selectClassId(labels, selectedId), selectClassId(predictionsIdx, selectedId)];
}

type CountOperation = "intersection" | "a-b" | "b-a";

/**
 * `_sparse_true_positive_at_k` / `_sparse_false_negative_at_k` /
 * `_sparse_false_positive_at_k`: per row, the size of the set operation of the predicted
 * ids and the labels (`class_id` keeping only that class), weighted.
 */
function sparseCountAtK(
  scopeName: string,
  operation: CountOperation,
  labelsIn: Labels,
  predictionsIdxIn: Labels,
  classId: number | null | undefined,
  weights: TensorLike | null | undefined,
  name: string | null = null,
): Tensor {
  const values = [predictionsIdxIn, labelsIn, weights ?? null].map((v) =>
    v instanceof SparseTensor ? v.values : v,
  );
  return inOpScope(name, scopeName, values, () => {
    const [labels, predictionsIdx] = maybeSelectClassId(labelsIn, predictionsIdxIn, classId);
    const result =
      operation === "intersection"
        ? setIntersection(predictionsIdx, labels)
        : setDifference(predictionsIdx, labels, operation === "a-b");
    // TensorFlow counts in float64, which scopeflow does not have: float32 here.
    let count = cast(setSize(result), "float32");
    if (weights !== null && weights !== undefined) {
      const check = assertBroadcastable(weights, count);
      count = controlDependencies([check], () => multiply(count, cast(weights, "float32")));
    }
    return count;
  });
}

/**
 * `_streaming_sparse_{true_positive,false_negative,false_positive}_at_k`: a local variable
 * named after its scope (`true_positive_at_5`, `…_class3`) and its `update` (`AssignAdd`).
 */
function streamingCountAtK(
  prefix: string,
  countScope: string,
  operation: CountOperation,
  labels: Labels,
  predictionsIdx: Tensor,
  k: number | null | undefined,
  classId: number | null | undefined,
  weights: TensorLike | null | undefined,
): [Variable, Tensor] {
  const values = [
    predictionsIdx,
    labels instanceof SparseTensor ? labels.values : labels,
    weights ?? null,
  ];
  return inOpScope(null, atKName(prefix, k, classId), values, (scope) => {
    const count = sparseCountAtK(countScope, operation, labels, predictionsIdx, classId, weights);
    const batchTotal = reduceSum(count);
    const variable = metricVariable([], "float32", scope);
    return [variable, assignAdd(variable, batchTotal, { name: "update" })];
  });
}

function ratioAtTopK(
  metricName: string,
  other: "fn" | "fp",
  a: ArgsOf<typeof AT_TOP_K_PARAMS>,
): MetricResult {
  const labelsIn = int64Labels(a.labels);
  return inOpScope(
    a.name ?? null,
    atKName(metricName, a.k, a.classId),
    [
      a.predictionsIdx,
      labelsIn instanceof SparseTensor ? labelsIn.values : labelsIn,
      a.weights ?? null,
    ],
    (scope): MetricResult => {
      const predictionsIdx = convertToTensor(a.predictionsIdx);
      const labels = maybeExpandLabels(labelsIn, predictionsIdx);
      const topKIdx = cast(predictionsIdx, "int64");
      const [tp, tpUpdate] = streamingCountAtK(
        "true_positive",
        "true_positives",
        "intersection",
        labels,
        topKIdx,
        a.k,
        a.classId,
        a.weights,
      );
      const [o, oUpdate] =
        other === "fn"
          ? streamingCountAtK(
              "false_negative",
              "false_negatives",
              "b-a",
              labels,
              topKIdx,
              a.k,
              a.classId,
              a.weights,
            )
          : streamingCountAtK(
              "false_positive",
              "false_positives",
              "a-b",
              labels,
              topKIdx,
              a.k,
              a.classId,
              a.weights,
            );
      const metric = aggregate(a.metricsCollections, () => div(tp, add(tp, o), scope));
      const update = div(tpUpdate, add(tpUpdate, oUpdate), "update");
      addTo(a.updatesCollections, update);
      return [metric, update];
    },
  );
}

function ratioAtK(
  metricName: string,
  other: "fn" | "fp",
  a: ArgsOf<typeof AT_K_PARAMS>,
): MetricResult {
  const labels = int64Labels(a.labels);
  return inOpScope(
    a.name ?? null,
    atKName(metricName, a.k, a.classId),
    [a.predictions, labels instanceof SparseTensor ? labels.values : labels, a.weights ?? null],
    (scope): MetricResult => {
      const [, topKIdx] = topK(a.predictions, a.k);
      return ratioAtTopK(metricName, other, {
        labels,
        predictionsIdx: topKIdx,
        k: a.k,
        classId: a.classId,
        weights: a.weights,
        metricsCollections: a.metricsCollections,
        updatesCollections: a.updatesCollections,
        name: scope,
      });
    },
  );
}

/**
 * Recall@k of top-k class ids against label ids (`tf.metrics.recall_at_top_k`): how many
 * of each row's labels are among its predicted ids, over all rows seen. Labels are int64
 * ids, dense (`[D1, … DN, num_labels]`, or one rank less than `predictionsIdx` for one
 * label per row) or a `SparseTensor`. With `classId`, only that class counts: the rows
 * whose labels hold it, and whether their ids do. Local variables
 * `recall_at_<k>/true_positive_at_<k>` and `…/false_negative_at_<k>` (`…_class<id>` with
 * `classId`). A label no id can match (the -1 that pads rows to a width) counts as a false
 * negative, as in TensorFlow. float32 where TensorFlow has float64 (scopeflow has no
 * float64 dtype).
 *
 * @example
 * ```ts
 * const [, update] = tf.metrics.recallAtTopK({ labels: [[0, 2], [1, -1]], predictionsIdx: tf.constant([[2], [0]]), k: 1 });
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> 0.25
 * ```
 */
export const recallAtTopK = metricFunction("metrics.recallAtTopK", AT_TOP_K_PARAMS, (a) =>
  ratioAtTopK("recall", "fn", a),
);

/**
 * Precision@k of top-k class ids against label ids (`tf.metrics.precision_at_top_k`): how
 * many predicted ids are labels, over all rows seen; labels and `classId` as in
 * {@link recallAtTopK}. Local variables `…/true_positive_at_<k>` and
 * `…/false_positive_at_<k>`.
 *
 * @example
 * ```ts
 * const labels = new tf.SparseTensor(tf.constant([[0, 0], [0, 1], [1, 0]], tf.int64), tf.constant([0, 2, 1], tf.int64), tf.constant([2, 2], tf.int64));
 * const [, update] = tf.metrics.precisionAtTopK({ labels, predictionsIdx: tf.constant([[2, 1], [0, 1]]), k: 2 });
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> 0.5
 * ```
 */
export const precisionAtTopK = metricFunction("metrics.precisionAtTopK", AT_TOP_K_PARAMS, (a) =>
  ratioAtTopK("precision", "fp", a),
);

/**
 * Recall@k of `predictions` (scores per class, last dim) against label ids
 * (`tf.metrics.recall_at_k`): the `k` best classes (`TopKV2`), then {@link recallAtTopK}
 * in the scope `recall_at_<k>` (`recall_at_<k>_class<id>` with `classId`).
 *
 * @example
 * ```ts
 * const predictions = tf.constant([[0.1, 0.3, 0.2, 0.4], [0.1, 0.2, 0.3, 0.4]]);
 * const [recall, update] = tf.metrics.recallAtK([3, 2], predictions, 1);
 * recall.name; // ==> recall_at_1:0
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> 0.5
 * ```
 */
export const recallAtK = metricFunction("metrics.recallAtK", AT_K_PARAMS, (a) =>
  ratioAtK("recall", "fn", a),
);

/**
 * Precision@k of `predictions` against label ids (`tf.metrics.precision_at_k`); see
 * {@link recallAtK} and {@link precisionAtTopK}.
 *
 * @example
 * ```ts
 * const predictions = tf.constant([[0.1, 0.3, 0.2, 0.4], [0.1, 0.2, 0.3, 0.4]]);
 * const [p, update] = tf.metrics.precisionAtK([[3], [2]], predictions, 2, 3);
 * p.name; // ==> precision_at_2_class3:0
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> 0.5
 * ```
 */
export const precisionAtK = metricFunction("metrics.precisionAtK", AT_K_PARAMS, (a) =>
  ratioAtK("precision", "fp", a),
);

/**
 * The deprecated name of {@link recallAtK} (`tf.metrics.sparse_recall_at_k`), same
 * parameters and graph.
 *
 * @example
 * ```ts
 * const [r] = tf.metrics.sparseRecallAtK([3], tf.constant([[0.1, 0.9, 0.2, 0.4]]), 1);
 * r.name; // ==> recall_at_1:0
 * ```
 */
export const sparseRecallAtK = metricFunction("metrics.sparseRecallAtK", AT_K_PARAMS, (a) =>
  recallAtK(a),
);

/** `average_precision_at_k(labels, predictions, k, weights, metrics_collections, updates_collections, name)`. */
const AVERAGE_PRECISION_PARAMS = [
  LABELS,
  req("predictions", tensorKind),
  req("k", intKind),
  WEIGHTS,
  ...COLLECTIONS_TAIL,
] as const;

/** The options object of {@link averagePrecisionAtK}. */
export type AveragePrecisionAtKArgs = OptionsOf<typeof AVERAGE_PRECISION_PARAMS>;

/**
 * `_expand_and_tile(tensor, multiple, dim=-1, name)`: a new dim before the last
 * (`expand`), tiled `multiple` times; a SparseTensor by `sparse_reshape` and
 * `sparse_concat`.
 */
function expandAndTileLast(tensor: Labels, multiple: number, name: string): Labels {
  if (multiple < 1) {
    throw new ValueError(`Invalid multiple ${multiple}, must be > 0.`);
  }
  const values = tensor instanceof SparseTensor ? tensor.values : tensor;
  return inOpScope(name, "expand_and_tile", [values], (scope) => {
    if (tensor instanceof SparseTensor) {
      const expandDimsAt = reshape(pythonOperator("add", size(tensor.denseShape), -1), [1]);
      const expandedShape = concat(
        [
          slice(tensor.denseShape, [0], expandDimsAt),
          constant([1], { dtype: "int64" }),
          slice(tensor.denseShape, expandDimsAt, [-1]),
        ],
        0,
        "expanded_shape",
      );
      const expanded = sparseReshape(tensor, expandedShape, "expand");
      if (multiple === 1) return expanded;
      return sparseConcat(-2, new Array<SparseTensor>(multiple).fill(expanded), scope);
    }
    const expanded = expandDims(tensor, -2, "expand");
    if (multiple === 1) return expanded;
    const ones = onesLike(shape(tensor));
    const multiples = concat(
      [
        sliceHelper(ones, [":-1"]),
        constant([multiple], { dtype: "int32" }),
        sliceHelper(ones, ["-1:"]),
      ],
      0,
      "multiples",
    );
    return tile(expanded, multiples, scope);
  });
}

/** `_num_relevant(labels, k)`: per row, the labels (non-negative ones if dense), at most `k`. */
function numRelevant(labels: Labels, k: number): Tensor {
  const values = labels instanceof SparseTensor ? labels.values : labels;
  return inOpScope(null, "num_relevant", [values], (scope) => {
    if (labels instanceof SparseTensor) return minimum(setSize(labels), k, { name: scope });
    const numLabels = reduceSum(
      where(greaterEqual(labels, 0), onesLike(labels), zerosLike(labels)),
      { axis: -1 },
    );
    return minimum(numLabels, cast(k, numLabels.dtype), { name: scope });
  });
}

/**
 * `_sparse_average_precision_at_top_k(labels, predictions_idx)`: per row, the sum of the
 * precisions at each rank whose id is a label, over the number of relevant labels.
 */
function sparseAveragePrecisionAtTopK(labelsIn: Labels, predictionsIdxIn: Tensor): Tensor {
  const values = labelsIn instanceof SparseTensor ? labelsIn.values : labelsIn;
  return inOpScope(null, "average_precision", [predictionsIdxIn, values], (scope) => {
    const predictionsIdx = cast(predictionsIdxIn, "int64", "predictions_idx");
    if (predictionsIdx.shape.rank === 0) {
      throw new ValueError("The rank of `predictions_idx` must be at least 1.");
    }
    const dims = predictionsIdx.shape.dims;
    const k = dims === null ? null : (dims[dims.length - 1] ?? null);
    if (k === null) {
      throw new ValueError("The last dimension of predictions_idx must be set.");
    }
    const labels = maybeExpandLabels(labelsIn, predictionsIdx);
    const predictionsIdxPerK = expandDims(predictionsIdx, -1, "predictions_idx_per_k");
    const labelsPerK = expandAndTileLast(labels, k, "labels_per_k");
    const relevantPerK = sparseCountAtK(
      "true_positives",
      "intersection",
      labelsPerK,
      predictionsIdxPerK,
      null,
      null,
      "relevant_per_k",
    );
    const tpPerK = cumsum(relevantPerK, -1, false, false, "tp_per_k");
    const retrievedPerK = cumsum(onesLike(relevantPerK), -1, false, false, "retrieved_per_k");
    // TensorFlow divides in float64; the counts are float32 already, so no Cast is made.
    const precisionPerK = divide(tpPerK, retrievedPerK, { name: "precision_per_k" });
    const relevantPrecisionPerK = multiply(precisionPerK, relevantPerK, {
      name: "relevant_precision_per_k",
    });
    const precisionSum = reduceSum(relevantPrecisionPerK, { axis: [-1], name: "precision_sum" });
    const numRelevantItems = cast(numRelevant(labels, k), "float32");
    return divide(precisionSum, numRelevantItems, { name: scope });
  });
}

/**
 * `_clean_out_of_range_indices(labels, num_classes)`: labels at or above `numClasses`
 * become -1 (so that they are no relevant items), under a `cond` on the largest label.
 */
function cleanOutOfRangeIndices(labels: Labels, numClasses: Tensor): Labels {
  const clean = (values: Tensor): Tensor =>
    where(greaterEqual(values, numClasses), multiply(-1, onesLike(values)), values);
  const maxLabels = reduceMax(labels instanceof SparseTensor ? labels.values : labels);
  return condLabels(
    greaterEqual(maxLabels, numClasses),
    () =>
      labels instanceof SparseTensor
        ? new SparseTensor(labels.indices, clean(labels.values), labels.denseShape)
        : clean(labels),
    () => labels,
  );
}

/**
 * Mean average precision@k of `predictions` (scores per class) against label ids, dense or
 * a `SparseTensor` (`tf.metrics.average_precision_at_k`): per row, the mean over the ranks
 * `1…k` whose predicted id is a label of the precision at that rank (divided by
 * min(#labels, k)), then the (weighted) mean over all rows seen. Local variables
 * `average_precision_at_<k>/max` and `…/total`. Labels at or above the number of classes
 * and negative ones are not relevant items. float32 where TensorFlow has float64
 * (scopeflow has no float64 dtype).
 *
 * @example
 * ```ts
 * const predictions = tf.constant([[0.2, 0.1, 0.0, 0.4, 0.0, 0.5, 0.3]]);
 * const [, update] = tf.metrics.averagePrecisionAtK([[0, 1, 2, 3, 4]], predictions, 4);
 * using sess = new tf.Session();
 * sess.run(tf.localVariablesInitializer());
 * sess.run(update); // ==> 0.25
 * ```
 */
export const averagePrecisionAtK = metricFunction(
  "metrics.averagePrecisionAtK",
  AVERAGE_PRECISION_PARAMS,
  (a) => {
    if (a.k < 1) throw new ValueError(`Invalid k=${a.k}.`);
    const labelsIn = int64Labels(a.labels);
    const labelValues = labelsIn instanceof SparseTensor ? labelsIn.values : labelsIn;
    return inOpScope(
      a.name ?? null,
      atKName("average_precision", a.k, null),
      [a.predictions, labelValues, a.weights ?? null],
      (scope): MetricResult => {
        const predictions = convertToTensor(a.predictions);
        const [, predictionsIdx] = topK(predictions, a.k);
        const numClasses = cast(sliceHelper(shape(predictions), [-1]), "int64");
        const labels = cleanOutOfRangeIndices(labelsIn, numClasses);
        const values = labels instanceof SparseTensor ? labels.values : labels;
        return inOpScope(scope, "average_precision_at_top_k", [predictionsIdx, values], (inner) => {
          let averagePrecision = sparseAveragePrecisionAtTopK(labels, predictionsIdx);
          let weights: Tensor | null = null;
          if (a.weights !== null && a.weights !== undefined) {
            weights = broadcastWeights(cast(a.weights, "float32"), averagePrecision);
            averagePrecision = multiply(averagePrecision, weights);
          }
          const ap = averagePrecision;
          const [maxVar, maxUpdate] = inOpScope(null, "max", [ap], (maxScope) => {
            const v = metricVariable([], "float32", maxScope);
            const batchMax =
              weights === null
                ? cast(size(ap, { name: "batch_max" }), "float32")
                : reduceSum(weights, { name: "batch_max" });
            return [v, assignAdd(v, batchMax, { name: "update" })] as const;
          });
          const [totalVar, totalUpdate] = inOpScope(null, "total", [ap], (totalScope) => {
            const v = metricVariable([], "float32", totalScope);
            const batchTotal = reduceSum(ap, { name: "batch_total" });
            return [v, assignAdd(v, batchTotal, { name: "update" })] as const;
          });
          const meanAveragePrecision = aggregate(a.metricsCollections, () =>
            divNoNan(totalVar, maxVar, { name: "mean" }),
          );
          const update = divNoNan(totalUpdate, maxUpdate, { name: inner });
          addTo(a.updatesCollections, update);
          return [meanAveragePrecision, update];
        });
      },
    );
  },
);

/**
 * The deprecated name of {@link precisionAtK} (`tf.metrics.sparse_precision_at_k`), same
 * parameters and graph.
 *
 * @example
 * ```ts
 * const [p] = tf.metrics.sparsePrecisionAtK([3], tf.constant([[0.1, 0.9, 0.2, 0.4]]), 1);
 * p.name; // ==> precision_at_1:0
 * ```
 */
export const sparsePrecisionAtK = metricFunction("metrics.sparsePrecisionAtK", AT_K_PARAMS, (a) =>
  precisionAtK(a),
);

/**
 * The deprecated name of {@link averagePrecisionAtK}
 * (`tf.metrics.sparse_average_precision_at_k`), same parameters and graph.
 *
 * @example
 * ```ts
 * const [ap] = tf.metrics.sparseAveragePrecisionAtK([[1]], tf.constant([[0.1, 0.9]]), 1);
 * ap.name; // ==> average_precision_at_1/mean:0
 * ```
 */
export const sparseAveragePrecisionAtK = metricFunction(
  "metrics.sparseAveragePrecisionAtK",
  AVERAGE_PRECISION_PARAMS,
  (a) => averagePrecisionAtK(a),
);
