/**
 * TF 1.x learning-rate schedules (`tf.train.exponential_decay` and its siblings): each
 * builds, in graph mode, a scalar tensor computed from the global step, with the ops TF 1.15
 * builds (its `learning_rate_decay.py` wraps the Keras `LearningRateSchedule` classes and
 * calls them on the step at once), under the name scope TF opens.
 */
import { ValueError } from "../errors.js";
import {
  booleanKind,
  listKind,
  opt,
  req,
  scalarKind,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../graph/call_args.js";
import { isFloating, isInteger, type DType } from "../graph/dtypes.js";
import { withDefaultGraph, type Graph } from "../graph/graph.js";
import { isTensorConvertible, Tensor, toTensorSymbol, type TensorLike } from "../graph/tensor.js";
import { selectIn } from "../ops/array/where.js";
import { convertToTensor } from "../ops/convert.js";
import { binaryOpIn } from "../ops/math/binary.js";
import { pythonOperator } from "../ops/math/operators.js";
import { inOpScope, makeOp } from "../ops/op_scope.js";
import { graphFromValues, withNameScope } from "../scope/name_scope.js";
import { binary, castAs, literalDType, unary } from "./graph_math.js";

function dtypeOf(value: unknown): DType | null {
  if (value instanceof Tensor) return value.dtype;
  if (isTensorConvertible(value)) return value[toTensorSymbol](false).dtype;
  return null;
}

function requireStep(step: TensorLike | undefined, fn: string): TensorLike {
  // TF 1.13's message (its docstrings still promise "ValueError: if `global_step` is not
  // supplied"); TF 1.15 fails later, with "None values not supported.", after building
  // part of the schedule. Checked first here, so the graph stays as it was.
  if (step === undefined) throw new ValueError(`global_step is required for ${fn}.`);
  return step;
}

/**
 * The body of Keras' `ExponentialDecay.__call__` (TF 1.15): `lr * decay_rate ^ (step /
 * decay_steps)`, the final `Mul` named as the scope.
 */
function exponentialDecayIn(
  graph: Graph,
  scope: string,
  learningRate: TensorLike,
  step: TensorLike,
  decaySteps: TensorLike,
  decayRate: TensorLike,
  staircase: boolean,
): Tensor {
  const lr = convertToTensor(learningRate, { name: "initial_learning_rate" });
  const dtype = lr.dtype;
  const steps = castAs(graph, decaySteps, dtype, "int");
  const rate = castAs(graph, decayRate, dtype, "float");
  const stepF = castAs(graph, step, dtype, "int");
  let p = pythonOperator("truediv", stepF, steps);
  if (staircase) p = unary(graph, "Floor", p);
  return binaryOpIn(scope, graph, "Mul", lr, binary(graph, "Pow", "Pow", rate, p));
}

// ---- Public schedules -----------------------------------------------------------------------

/** TF 1.15's `exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None)`. */
const EXPONENTIAL_PARAMS = [
  req("learningRate", scalarKind),
  opt("globalStep", tensorKind),
  req("decaySteps", scalarKind),
  req("decayRate", scalarKind),
  opt("staircase", booleanKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link exponentialDecay}, {@link naturalExpDecay} and {@link inverseTimeDecay}. */
export type ExponentialDecayOptions = OptionsOf<typeof EXPONENTIAL_PARAMS>;

/**
 * `learning_rate * decay_rate ^ (global_step / decay_steps)`, the exponent floored with
 * `staircase` (`tf.train.exponential_decay`). The global step is cast to the learning
 * rate's dtype; the result is the `Mul` op `ExponentialDecay` (or `name`).
 *
 * @example
 * ```ts
 * const step = tf.train.getOrCreateGlobalStep();
 * const lr = tf.train.exponentialDecay(0.1, step, 10, 0.5, true);
 * lr.name; // ==> ExponentialDecay:0
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * sess.run(tf.assign(step, 25));
 * sess.run(lr); // ==> 0.025
 * ```
 */
export const exponentialDecay = tfFunction("train.exponentialDecay", EXPONENTIAL_PARAMS, (a) => {
  const step = requireStep(a.globalStep, "exponential_decay");
  return inOpScope(
    a.name,
    "ExponentialDecay",
    [a.learningRate, step, a.decaySteps, a.decayRate],
    (scope, graph) =>
      exponentialDecayIn(
        graph,
        scope,
        a.learningRate,
        step,
        a.decaySteps,
        a.decayRate,
        a.staircase ?? false,
      ),
  );
});

/**
 * `learning_rate * exp(-decay_rate * global_step / decay_steps)`, floored with `staircase`
 * (`tf.train.natural_exp_decay`). As in TF 1.15, `exp(-decay_rate)` is computed first (ops
 * `Neg` and `Exp` in the current scope) and handed to the exponential schedule, so the
 * result is named `ExponentialDecay` unless `name` is given.
 *
 * @example
 * ```ts
 * const step = tf.train.getOrCreateGlobalStep();
 * const lr = tf.train.naturalExpDecay(0.1, step, 1, 0.5);
 * lr.name; // ==> ExponentialDecay:0
 * ```
 */
export const naturalExpDecay = tfFunction("train.naturalExpDecay", EXPONENTIAL_PARAMS, (a) => {
  const step = requireStep(a.globalStep, "natural_exp_decay");
  const graph = graphFromValues([a.learningRate, step, a.decaySteps, a.decayRate]);
  return withDefaultGraph(graph, () =>
    graph.atomically(() => {
      const rate = unary(graph, "Exp", negate(graph, a.decayRate));
      return withNameScope(graph, a.name ?? "ExponentialDecay", (scope) =>
        exponentialDecayIn(
          graph,
          scope,
          a.learningRate,
          step,
          a.decaySteps,
          rate,
          a.staircase ?? false,
        ),
      );
    }),
  );
});

/** `gen_math_ops.neg(x)`: a JS value becomes the constant `Neg/x`. */
function negate(graph: Graph, x: TensorLike): Tensor {
  return withNameScope(graph, "Neg", (scope) => {
    const tx = convertToTensor(x, { name: "x" });
    return makeOp(graph, "Neg", scope, [tx], [{ dtype: tx.dtype, shape: tx.shape }], {
      T: tx.dtype,
    }).outputs[0] as Tensor;
  });
}

/**
 * `learning_rate / (1 + decay_rate * global_step / decay_steps)`, floored with `staircase`
 * (`tf.train.inverse_time_decay`); the result is the `RealDiv` op `InverseTimeDecay`.
 *
 * @example
 * ```ts
 * const step = tf.train.getOrCreateGlobalStep();
 * const lr = tf.train.inverseTimeDecay(0.1, step, 1, 0.5);
 * lr.name; // ==> InverseTimeDecay:0
 * ```
 */
export const inverseTimeDecay = tfFunction("train.inverseTimeDecay", EXPONENTIAL_PARAMS, (a) => {
  const step = requireStep(a.globalStep, "inverse_time_decay");
  return inOpScope(
    a.name,
    "InverseTimeDecay",
    [a.learningRate, step, a.decaySteps, a.decayRate],
    (scope, graph) => {
      const lr = convertToTensor(a.learningRate, { name: "initial_learning_rate" });
      const dtype = lr.dtype;
      const steps = castAs(graph, a.decaySteps, dtype, "int");
      const rate = castAs(graph, a.decayRate, dtype, "float");
      const stepF = castAs(graph, step, dtype, "int");
      let p = pythonOperator("truediv", stepF, steps);
      if (a.staircase ?? false) p = unary(graph, "Floor", p);
      // TF: math_ops.cast(constant_op.constant(1), dtype).
      const one = castAs(graph, convertToTensor(1, { preferredDtype: "int32" }), dtype, "int");
      const denom = binary(graph, "Add", "Add", one, binary(graph, "Mul", "Mul", rate, p));
      return binaryOpIn(scope, graph, "RealDiv", lr, denom);
    },
  );
});

/** TF 1.15's `polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False, name=None)`. */
const POLYNOMIAL_PARAMS = [
  req("learningRate", scalarKind),
  opt("globalStep", tensorKind),
  req("decaySteps", scalarKind),
  opt("endLearningRate", scalarKind),
  opt("power", scalarKind),
  opt("cycle", booleanKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link polynomialDecay}. */
export type PolynomialDecayOptions = OptionsOf<typeof POLYNOMIAL_PARAMS>;

/**
 * `(learning_rate - end_learning_rate) * (1 - step / decay_steps) ^ power +
 * end_learning_rate` with the step capped at `decay_steps` (`tf.train.polynomial_decay`);
 * with `cycle`, `decay_steps` grows to the first multiple of it above the step instead. The
 * result is the `Add` op `PolynomialDecay`.
 *
 * TF 1.15 picks the cycle's multiplier with `tf.cond` (`cond/Merge`); here both branches
 * are computed and a `Select` (`cond/Select`) picks one: the same values.
 *
 * @example
 * ```ts
 * const step = tf.train.getOrCreateGlobalStep();
 * const lr = tf.train.polynomialDecay(0.1, step, 100, 0.01);
 * lr.name; // ==> PolynomialDecay:0
 * ```
 */
export const polynomialDecay = tfFunction("train.polynomialDecay", POLYNOMIAL_PARAMS, (a) => {
  const step = requireStep(a.globalStep, "polynomial_decay");
  const endLr = a.endLearningRate ?? 0.0001;
  const power = a.power ?? 1.0;
  return inOpScope(
    a.name,
    "PolynomialDecay",
    [a.learningRate, step, a.decaySteps, endLr, power],
    (scope, graph) => {
      const lr = convertToTensor(a.learningRate, { name: "initial_learning_rate" });
      const dtype = lr.dtype;
      const end = castAs(graph, endLr, dtype, "float");
      const pw = castAs(graph, power, dtype, "float");
      let stepF = castAs(graph, step, dtype, "int");
      let steps = castAs(graph, a.decaySteps, dtype, "int");
      if (a.cycle ?? false) {
        const atZero = binary(graph, "Equal", "Equal", stepF, 0);
        const multiplier = withNameScope(graph, "cond", () => {
          const one = convertToTensor(1.0, { dtype });
          const ratio = pythonOperator("truediv", stepF, a.decaySteps);
          const up = unary(graph, "Ceil", ratio);
          return withNameScope(graph, "Select", (s) => selectIn(graph, s, atZero, one, up));
        });
        steps = binary(graph, "Mul", "Mul", steps, multiplier);
      } else {
        stepF = binary(graph, "Minimum", "Minimum", stepF, steps);
      }
      const p = pythonOperator("truediv", stepF, steps);
      const span = pythonOperator("sub", lr, end);
      const decayed = binary(graph, "Pow", "Pow", pythonOperator("sub", 1, p), pw);
      return binaryOpIn(scope, graph, "Add", binary(graph, "Mul", "Mul", span, decayed), end);
    },
  );
});

/** TF 1.15's `cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None)`. */
const COSINE_PARAMS = [
  req("learningRate", scalarKind),
  opt("globalStep", tensorKind),
  req("decaySteps", scalarKind),
  opt("alpha", scalarKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link cosineDecay}. */
export type CosineDecayOptions = OptionsOf<typeof COSINE_PARAMS>;

/**
 * `learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) /
 * decay_steps)) + alpha)` (`tf.train.cosine_decay`). As in TF 1.15, the final op is an
 * unnamed `Mul` in the `CosineDecay` scope, after the operators' `mul`, `mul_1`, `mul_2`
 * (unique names ignore case): `CosineDecay/Mul_3`; `name` names the scope.
 *
 * @example
 * ```ts
 * const step = tf.train.getOrCreateGlobalStep();
 * const lr = tf.train.cosineDecay(0.1, step, 100);
 * lr.name; // ==> CosineDecay/Mul_3:0
 * ```
 */
export const cosineDecay = tfFunction("train.cosineDecay", COSINE_PARAMS, (a) => {
  const step = requireStep(a.globalStep, "cosine_decay");
  const alpha = a.alpha ?? 0.0;
  return inOpScope(a.name, "CosineDecay", [a.learningRate, step, a.decaySteps], (_, graph) => {
    const lr = convertToTensor(a.learningRate, { name: "initial_learning_rate" });
    const dtype = lr.dtype;
    const steps = castAs(graph, a.decaySteps, dtype, "int");
    const stepF = binary(graph, "Minimum", "Minimum", castAs(graph, step, dtype, "int"), steps);
    const fraction = pythonOperator("truediv", stepF, steps);
    const pi = convertToTensor(Math.PI, { dtype });
    const cosine = unary(graph, "Cos", pythonOperator("mul", pi, fraction));
    const cosineDecayed = pythonOperator("mul", 0.5, pythonOperator("add", 1.0, cosine));
    // TF computes `1 - alpha` in Python when alpha is a number, as an op otherwise.
    const keep = typeof alpha === "number" ? 1 - alpha : pythonOperator("sub", 1, alpha);
    const decayed = pythonOperator("add", pythonOperator("mul", keep, cosineDecayed), alpha);
    return binary(graph, "Mul", "Mul", lr, decayed);
  });
});

// ---- piecewise_constant -----------------------------------------------------------------

/** TF 1.15's `piecewise_constant(x, boundaries, values, name=None)`. */
const PIECEWISE_PARAMS = [
  req("x", tensorKind),
  req("boundaries", listKind(scalarKind)),
  req("values", listKind(scalarKind)),
  opt("name", stringKind),
] as const;

/** The options object of {@link piecewiseConstant}. */
export type PiecewiseConstantOptions = OptionsOf<typeof PIECEWISE_PARAMS>;

function piecewiseConstantImpl(a: {
  x: TensorLike;
  boundaries: readonly TensorLike[];
  values: readonly TensorLike[];
  name: string | undefined;
}): Tensor {
  if (a.boundaries.length !== a.values.length - 1) {
    throw new ValueError("The length of boundaries should be 1 less than the length of values");
  }
  if (a.boundaries.length === 0) {
    // TF fails here with an IndexError on `boundaries[0]`.
    throw new ValueError("piecewise_constant needs at least one boundary");
  }
  const xDType = dtypeOf(a.x) ?? literalDType(a.x, "int") ?? "float32";
  // Values: JS numbers take the dtype of the first tensor among them, float32 otherwise.
  const valueDType = a.values.map(dtypeOf).find((d) => d !== null) ?? "float32";
  for (const v of a.values) {
    const d = dtypeOf(v);
    if (d !== null && d !== valueDType) {
      throw new ValueError(
        `Values must have elements all with the same dtype (${valueDType} vs ${d}).`,
      );
    }
  }
  // Boundaries: a JS number is what its Python literal would be (int32 or float32), then
  // cast to x's dtype; comparing a fractional boundary with an integer x would truncate it.
  const boundaryDTypes = a.boundaries.map((b) => dtypeOf(b) ?? literalDType(b, "int") ?? xDType);
  boundaryDTypes.forEach((d) => {
    const promotable = d === "int32" && xDType === "int64";
    if (d !== xDType && !promotable && !(isInteger(d) && isFloating(xDType))) {
      throw new ValueError(`Boundaries (${d}) must have the same dtype as x (${xDType}).`);
    }
  });
  return inOpScope(a.name, "PiecewiseConstant", [a.x, ...a.boundaries, ...a.values], (_, graph) => {
    let boundaries = a.boundaries.map((b, i) =>
      convertToTensor(b, { preferredDtype: boundaryDTypes[i] }),
    );
    const values = a.values.map((v) => convertToTensor(v, { preferredDtype: valueDType }));
    const x = convertToTensor(a.x, { preferredDtype: xDType });
    boundaries = boundaries.map((b) =>
      b.dtype === x.dtype ? b : castAs(graph, b, x.dtype, "int"),
    );
    const first = boundaries[0] as Tensor;
    const last = boundaries[boundaries.length - 1] as Tensor;
    const pairs: [Tensor, Tensor][] = [
      [binary(graph, "LessEqual", "LessEqual", x, first), values[0] as Tensor],
      [binary(graph, "Greater", "Greater", x, last), values[values.length - 1] as Tensor],
    ];
    for (let i = 0; i + 1 < boundaries.length; i++) {
      const above = binary(graph, "Greater", "Greater", x, boundaries[i] as Tensor);
      const below = binary(graph, "LessEqual", "LessEqual", x, boundaries[i + 1] as Tensor);
      pairs.push([binary(graph, "LogicalAnd", "and", above, below), values[i + 1] as Tensor]);
    }
    // TF 1.15 builds `tf.case(pairs, default=values[0], exclusive=True)`; the conditions
    // are exclusive and exhaustive, so a chain of `Select`s gives the same value.
    return withNameScope(graph, "case", () => {
      let out = values[0] as Tensor;
      for (const [pred, value] of [...pairs].reverse()) {
        out = withNameScope(graph, "Select", (s) => selectIn(graph, s, pred, value, out));
      }
      return out;
    });
  });
}

/**
 * `values[0]` while `x <= boundaries[0]`, `values[i]` while `boundaries[i-1] < x <=
 * boundaries[i]`, `values[-1]` after the last boundary (`tf.train.piecewise_constant`).
 * Integer boundaries are cast to an int64 `x` (the global step), as in TF.
 *
 * TF 1.15 selects with `tf.case` (ops under `PiecewiseConstant/case/`); here the same
 * predicates feed a chain of `Select` ops under that scope, giving the same values.
 *
 * @example
 * ```ts
 * const step = tf.train.getOrCreateGlobalStep();
 * const lr = tf.train.piecewiseConstant(step, [100, 200], [1.0, 0.5, 0.1]);
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * sess.run(tf.assign(step, 150));
 * sess.run(lr); // ==> 0.5
 * ```
 */
export const piecewiseConstant = tfFunction(
  "train.piecewiseConstant",
  PIECEWISE_PARAMS,
  piecewiseConstantImpl,
);

/**
 * TF's other name for {@link piecewiseConstant} (`tf.train.piecewise_constant_decay`).
 *
 * @example
 * ```ts
 * const lr = tf.train.piecewiseConstantDecay(tf.constant(3), [5], [1.0, 0.1]);
 * lr.dtype; // ==> float32
 * ```
 */
export const piecewiseConstantDecay = tfFunction(
  "train.piecewiseConstantDecay",
  PIECEWISE_PARAMS,
  piecewiseConstantImpl,
);
