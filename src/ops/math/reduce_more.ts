import { ValueError } from "../../errors.js";
import {
  alias,
  axisKind,
  booleanKind,
  dtypeKind,
  eitherKind,
  kind,
  numberKind,
  oneOfKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import type { DType } from "../../graph/dtypes.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { cast } from "../array/cast.js";
import { zeros } from "../array/fill.js";
import { zerosLike } from "../array/like.js";
import { reshape } from "../array/reshape.js";
import { shape } from "../array/shape.js";
import { squeeze } from "../array/squeeze.js";
import { where } from "../array/where.js";
import { convertToTensor } from "../convert.js";
import { inOpScope } from "../op_scope.js";
import { withNameScope } from "../../scope/name_scope.js";
import { getDefaultGraph } from "../../graph/graph.js";
import { binaryOp, binaryOpIn, maximum, pow } from "./binary.js";
import { isFinite } from "./is_finite.js";
import { pythonOperator } from "./operators.js";
import { reduceMax, reduceMean, reduceSum } from "./reduce.js";
import { abs, exp, log, rsqrt, sqrt, square, stopGradient } from "./unary.js";
import { matrixTwoNorm } from "../linalg/svd.js";

/*
 * TF 1.15's composite reductions: `reduce_logsumexp`, `count_nonzero`, `reduce_variance`,
 * `reduce_std`, `norm` and `l2_normalize`, with the ops and names its Python builds.
 */

type Axis = number | readonly number[] | Tensor;

/** `_may_reduce_to_scalar`: reducing everything without keepdims gives a known scalar. */
function mayReduceToScalar(keepdims: boolean, axis: unknown, out: Tensor): Tensor {
  if (!keepdims && (axis === undefined || axis === null) && out.shape.isFullyDefined()) {
    out.setShape(TensorShape.scalar());
  }
  return out;
}

/**
 * `log(sum(exp(x)))` over `axis`, computed stably (`tf.reduce_logsumexp(input_tensor,
 * axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None)`): under
 * `ReduceLogSumExp`, the max (0 where it is not finite) is subtracted before `Exp` and added
 * back after `Log`, and no gradient flows through it.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.reduceLogsumexp(tf.zeros([2, 3]), 1)); // ==> [1.0986123 1.0986123]
 * ```
 */
export const reduceLogsumexp = tfFunction(
  "reduceLogsumexp",
  [
    req("inputTensor", tensorKind),
    opt("axis", axisKind),
    opt("keepdims", booleanKind),
    opt("name", stringKind),
    alias("reductionIndices", "axis", axisKind),
    alias("keepDims", "keepdims", booleanKind),
  ] as const,
  (a) => {
    const keepdims = a.keepdims ?? false;
    const input = convertToTensor(a.inputTensor);
    return inOpScope(a.name, "ReduceLogSumExp", [input], () => {
      const axis = a.axis as Axis | undefined;
      const rawMax = reduceMax(input, { axis, keepdims: true });
      const myMax = stopGradient(where(isFinite(rawMax), rawMax, zerosLike(rawMax)));
      const result = log(reduceSum(exp(binaryOp("Sub", "Sub", input, myMax)), { axis, keepdims }));
      const max = keepdims ? myMax : reshape(myMax, shape(result));
      return mayReduceToScalar(keepdims, axis, binaryOp("Add", "Add", result, max));
    });
  },
);

/**
 * The number of non-zero elements over `axis` (`tf.count_nonzero(input_tensor=None,
 * axis=None, keepdims=None, dtype=tf.int64, name=None, reduction_indices=None,
 * keep_dims=None, input=None)`): under `count_nonzero`, `NotEqual` to a zero scalar, a
 * `Cast` to int64, `Sum`, then a `Cast` to `dtype` if it differs.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.countNonzero(tf.constant([[0, 1, 2], [0, 0, 3]]), 1)); // ==> [2 1]
 * ```
 */
export const countNonzero = tfFunction(
  "countNonzero",
  [
    opt("inputTensor", tensorKind),
    opt("axis", axisKind),
    opt("keepdims", booleanKind),
    opt("dtype", dtypeKind),
    opt("name", stringKind),
    alias("reductionIndices", "axis", axisKind),
    alias("keepDims", "keepdims", booleanKind),
    alias("input", "inputTensor", tensorKind),
  ] as const,
  (a) => {
    if (a.inputTensor === undefined) {
      throw new ValueError("count_nonzero() needs input_tensor (or its deprecated name input)");
    }
    const input0 = a.inputTensor;
    const axis = a.axis as Axis | undefined;
    const dtype: DType = a.dtype ?? "int64";
    return inOpScope(a.name, "count_nonzero", [input0], () => {
      const input = convertToTensor(input0, { name: "input" });
      const zero = zeros([], input.dtype);
      const nonzero = cast(binaryOp("NotEqual", "NotEqual", input, zero), "int64");
      return cast(reduceSum(nonzero, { axis, keepdims: a.keepdims ?? false }), dtype);
    });
  },
);

const VARIANCE_PARAMS = [
  req("inputTensor", tensorKind),
  opt("axis", axisKind),
  opt("keepdims", booleanKind),
  opt("name", stringKind),
] as const;

function variance(x: TensorLike, axis: Axis | undefined, keepdims: boolean): Tensor {
  const means = reduceMean(x, { axis, keepdims: true });
  const deviations = square(pythonOperator("sub", x, means));
  return reduceMean(deviations, { axis, keepdims });
}

/** `with ops.name_scope(name)`: a plain name scope, without an op scope's values. */
function inNameScope<T>(name: string, fn: () => T): T {
  return withNameScope(getDefaultGraph(), name, () => fn());
}

/**
 * The variance over `axis` (`tf.math.reduce_variance(input_tensor, axis=None,
 * keepdims=False, name=None)`): the mean squared deviation from the mean, under
 * `reduce_variance`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.math.reduceVariance(tf.constant([[1, 2], [3, 4]]), 0)); // ==> [1. 1.]
 * ```
 */
export const reduceVariance = tfFunction("reduceVariance", VARIANCE_PARAMS, (a) =>
  inNameScope(a.name ?? "reduce_variance", () =>
    variance(a.inputTensor, a.axis as Axis | undefined, a.keepdims ?? false),
  ),
);

/**
 * The standard deviation over `axis` (`tf.math.reduce_std(input_tensor, axis=None,
 * keepdims=False, name=None)`): `Sqrt` of the variance, under `reduce_std`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.math.reduceStd(tf.constant([[1, 2], [3, 4]]))); // ==> 1.118034
 * ```
 */
export const reduceStd = tfFunction("reduceStd", VARIANCE_PARAMS, (a) =>
  inNameScope(a.name ?? "reduce_std", () =>
    sqrt(
      inNameScope("reduce_variance", () =>
        variance(a.inputTensor, a.axis as Axis | undefined, a.keepdims ?? false),
      ),
    ),
  ),
);

/**
 * `x / sqrt(max(sum(x²), epsilon))` over `axis` (`tf.nn.l2_normalize(x, axis=None,
 * epsilon=1e-12, name=None, dim=None)`): `Square`, `Sum`, `Maximum`, `Rsqrt` under
 * `l2_normalize`, the final `Mul` named `l2_normalize`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.nn.l2Normalize(tf.constant([3, 4]), 0)); // ==> [0.6 0.8]
 * ```
 */
export const l2Normalize = tfFunction(
  "l2Normalize",
  [
    req("x", tensorKind),
    opt("axis", axisKind),
    opt("epsilon", numberKind),
    opt("name", stringKind),
    alias("dim", "axis", axisKind),
  ] as const,
  (a) =>
    inOpScope(a.name, "l2_normalize", [a.x], (scope, graph) => {
      const x = convertToTensor(a.x, { name: "x" });
      const squareSum = reduceSum(square(x), { axis: a.axis as Axis | undefined, keepdims: true });
      const invNorm = rsqrt(maximum(squareSum, a.epsilon ?? 1e-12));
      return binaryOpIn(scope, graph, "Mul", x, invNorm);
    }),
);

/** A norm order: a positive number or `"euclidean"`/`"fro"`. */
const ordKind = eitherKind(oneOfKind("euclidean", "fro"), numberKind);
const normAxisKind = kind<number | readonly number[]>(
  "an int or a list of 2 ints",
  (v) => typeof v === "number" || (Array.isArray(v) && v.every((d) => typeof d === "number")),
);

function ordText(ord: string | number): string {
  if (ord === Infinity) return "inf";
  return typeof ord === "string" ? ord : String(ord);
}

/**
 * A vector or matrix norm (`tf.norm(tensor, ord='euclidean', axis=None, keepdims=None,
 * name=None, keep_dims=None)`), built under `norm` as TF builds it: the euclidean norm as
 * `Sqrt(Sum(x * x))`, `ord=1` as a sum of `Abs`, `ord=Infinity` as a max of `Abs`, other
 * positive `ord`s as `Pow(Sum(Pow(|x|, ord)), 1/ord)`; with a pair of axes, the matrix
 * norms `'fro'`/`'euclidean'`, 1, Infinity and 2 (the largest singular value, from `Svd`
 * after TF's `map_fn`s that move the two axes last).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.norm(tf.constant([3, -4]))); // ==> 5.0
 * sess.run(tf.norm(tf.constant([3, -4]), 1)); // ==> 7.0
 * ```
 */
export const norm = tfFunction(
  "norm",
  [
    req("tensor", tensorKind),
    opt("ord", ordKind),
    opt("axis", normAxisKind),
    opt("keepdims", booleanKind),
    opt("name", stringKind),
    alias("keepDims", "keepdims", booleanKind),
  ] as const,
  (a) => {
    const ord = a.ord ?? "euclidean";
    const keepdims = a.keepdims ?? false;
    const axisArg = a.axis;
    const isMatrix = Array.isArray(axisArg) && axisArg.length === 2;
    let axis: readonly number[] | undefined;
    if (isMatrix) {
      const pair = axisArg as readonly number[];
      if (!pair.every(Number.isInteger) || pair[0] === pair[1]) {
        throw new ValueError("'axis' must be None, an integer, or a tuple of 2 unique integers");
      }
      if (!["euclidean", "fro", 1, 2, Infinity].includes(ord)) {
        throw new ValueError(
          `'ord' must be a supported matrix norm in ['euclidean', 'fro', 1, 2, inf], got ${ordText(ord)}`,
        );
      }
      axis = pair;
    } else {
      if (!(axisArg === undefined || (typeof axisArg === "number" && Number.isInteger(axisArg)))) {
        throw new ValueError("'axis' must be None, an integer, or a tuple of 2 unique integers");
      }
      if (typeof ord === "string" ? ord !== "euclidean" : !(ord > 0)) {
        throw new ValueError(`'ord' must be a supported vector norm, got ${ordText(ord)}`);
      }
      axis = axisArg === undefined ? undefined : [axisArg];
    }
    return inOpScope(a.name, "norm", [a.tensor], () => {
      const tensor = convertToTensor(a.tensor);
      let result: Tensor;
      if (isMatrix && ord === 2) {
        result = matrixTwoNorm(tensor, axis as readonly number[]);
      } else if (ord === "fro" || ord === "euclidean" || ord === 2) {
        const sq = pythonOperator("mul", tensor, tensor);
        result = sqrt(reduceSum(sq, { axis, keepdims: true }));
      } else {
        result = abs(tensor);
        if (ord === 1) {
          result = reduceSum(result, { axis: axis?.[0], keepdims: true });
          if (isMatrix) result = reduceMax(result, { axis: axis?.[1], keepdims: true });
        } else if (ord === Infinity) {
          if (isMatrix) result = reduceSum(result, { axis: axis?.[1], keepdims: true });
          result = reduceMax(result, { axis: axis?.[0], keepdims: true });
        } else {
          const p = ord as number;
          result = pow(reduceSum(pow(result, p), { axis, keepdims: true }), 1 / p);
        }
      }
      return keepdims ? result : squeeze(result, axis === undefined ? undefined : [...axis]);
    });
  },
);
