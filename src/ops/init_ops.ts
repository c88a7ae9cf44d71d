import { ValueError } from "../errors.js";
import { asDType, isDType, isFloating, type DType } from "../graph/dtypes.js";
import { getDefaultGraph, type Graph } from "../graph/graph.js";
import { pyTuple } from "../graph/pyformat.js";
import { Tensor as TensorClass, type Tensor } from "../graph/tensor.js";
import { TensorShape } from "../graph/tensor_shape.js";
import {
  booleanKind,
  dtypeKind,
  intKind,
  kind,
  numberKind,
  opt,
  stringKind,
  tfFunction,
  type OptionsOf,
} from "../graph/call_args.js";
import { inferShape } from "./const_value.js";
import type { Initializer, PartitionInfo } from "../scope/types.js";
import { constant } from "./array/constant.js";
import { filledConstValue, ones, zeros } from "./array/fill.js";
import { reshape } from "./array/reshape.js";
import { transpose } from "./array/transpose.js";
import { diagPart } from "./linalg/diag_part.js";
import { qr } from "./linalg/qr.js";
import { pythonOperator } from "./math/operators.js";
import { sign } from "./math/unary.js";
import { inOpScope } from "./op_scope.js";
import { randomNormal, randomUniform, truncatedNormal } from "./random/random_ops.js";

/*
 * Initializers (`init_ops.py`, the TF 1.x classes): objects whose `call(shape, dtype)`
 * builds the ops that compute a variable's first value. `getVariable` calls them inside
 * the variable's `Initializer` name scope, so their ops are named
 * `scope/v/Initializer/random_uniform/...` as in TensorFlow.
 */

abstract class BaseInitializer implements Initializer {
  readonly dtype: DType;
  constructor(dtype: DType | undefined) {
    this.dtype = asDType(dtype ?? "float32");
  }
  abstract call(shape: number[], dtype?: DType, partitionInfo?: PartitionInfo | null): Tensor;
}

class ZerosInitializer extends BaseInitializer {
  call(shape: number[], dtype?: DType): Tensor {
    const d = dtype ?? this.dtype;
    return smallFilled("zeros", shape, d, false) ?? zeros(shape, { dtype: d });
  }
}

class OnesInitializer extends BaseInitializer {
  call(shape: number[], dtype?: DType): Tensor {
    const d = dtype ?? this.dtype;
    return smallFilled("ones", shape, d, true) ?? ones(shape, { dtype: d });
  }
}

/** A small filled constant's shape and value, shared by the `Const`s of one graph that need it. */
interface FilledConst {
  readonly shape: TensorShape;
  readonly value: ReturnType<typeof filledConstValue>;
}

/** The graph's {@link FilledConst}s by dtype, fill and dims. */
const FILLED_CONSTS = Symbol("scopeflow.filledConsts");

/**
 * The shape and value of a filled constant: one of each per graph (both are immutable),
 * since the zeros and ones initializers of a model's variables repeat a few shapes, and
 * each value (a typed array and its buffer) and shape would otherwise be kept per variable
 * as long as the graph.
 */
function filledConst(
  graph: Graph,
  dtype: DType,
  dims: readonly number[],
  one: boolean,
  size: number,
): FilledConst {
  const consts = graph.getExtension(FILLED_CONSTS, () => new Map<string, FilledConst>());
  const key = `${dtype}${one ? "1" : "0"}${dims.join(",")}`;
  let found = consts.get(key);
  if (found === undefined) {
    const shape = Object.freeze(dims.slice());
    found = {
      shape: new TensorShape(shape),
      value: filledConstValue(dtype, shape as number[], one, size),
    };
    consts.set(key, found);
  }
  return found;
}

/**
 * The `Const` that `tf.zeros(shape, { dtype })` (or `tf.ones`) builds for a small static
 * shape, built directly: a variable's initializer runs once per variable created, and the
 * public path's argument parsing, op scope and closures were a quarter of creating one.
 * `null` for anything else (a large or unusual shape, a bad dtype), which the public path
 * builds or refuses with its own messages.
 */
function smallFilled(
  defaultName: "zeros" | "ones",
  shape: unknown,
  dtype: unknown,
  one: boolean,
): Tensor | null {
  if (!Array.isArray(shape) || !isDType(dtype)) return null;
  let size = 1;
  for (const d of shape as unknown[]) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) return null;
    size *= d;
  }
  if (size >= 1000) return null;
  const graph = getDefaultGraph();
  // The public path's op scope, written out: the op's name is the scope's, and a failure
  // leaves the name unused.
  const sp = graph.savepoint();
  let t: Tensor;
  try {
    const filled = filledConst(graph, dtype, shape as number[], one, size);
    t = graph
      .createOp({
        type: "Const",
        name: graph.uniqueName(defaultName),
        nameIsUnique: true,
        inputs: [],
        outputs: [{ dtype, shape: filled.shape }],
        attrs: { value: filled.value, dtype },
        attrsOwned: true,
      })
      ._output(0) as Tensor;
  } catch (e) {
    graph.rollbackTo(sp);
    throw e;
  }
  graph.release();
  return t;
}

class ConstantInitializer extends BaseInitializer {
  constructor(
    readonly value: ConstantValue,
    dtype: DType | undefined,
    readonly verifyShape: boolean,
  ) {
    super(dtype);
  }
  call(shape: number[], dtype?: DType): Tensor {
    if (this.verifyShape) {
      // `make_tensor_proto(..., verify_shape=True)`: the value must have exactly `shape`.
      const got = inferShape(this.value);
      if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
        throw new TypeError(`Expected Tensor's shape: ${pyTuple(shape)}, got ${pyTuple(got)}.`);
      }
    }
    return constant(this.value, { dtype: dtype ?? this.dtype, shape });
  }
}

/** `_assert_float_dtype`: the initializers that draw normal values take float dtypes only. */
function floatDType(dtype: DType | undefined): DType | undefined {
  if (dtype !== undefined && !isFloating(asDType(dtype))) {
    throw new ValueError(`Expected floating point type, got ${asDType(dtype)}.`);
  }
  return dtype;
}

class RandomNormalInitializer extends BaseInitializer {
  constructor(
    readonly mean: number | Tensor,
    readonly stddev: number | Tensor,
    readonly seed: number | null,
    dtype?: DType,
  ) {
    super(dtype);
  }
  call(shape: number[], dtype?: DType): Tensor {
    return randomNormal(shape, {
      mean: this.mean,
      stddev: this.stddev,
      dtype: dtype ?? this.dtype,
      seed: this.seed,
    });
  }
}

class TruncatedNormalInitializer extends BaseInitializer {
  constructor(
    readonly mean: number | Tensor,
    readonly stddev: number | Tensor,
    readonly seed: number | null,
    dtype?: DType,
  ) {
    super(dtype);
  }
  call(shape: number[], dtype?: DType): Tensor {
    return truncatedNormal(shape, {
      mean: this.mean,
      stddev: this.stddev,
      dtype: dtype ?? this.dtype,
      seed: this.seed,
    });
  }
}

class RandomUniformInitializer extends BaseInitializer {
  constructor(
    readonly minval: number | Tensor,
    readonly maxval: number | Tensor | null,
    readonly seed: number | null,
    dtype?: DType,
  ) {
    super(dtype);
  }
  call(shape: number[], dtype?: DType): Tensor {
    return randomUniform(shape, {
      minval: this.minval,
      maxval: this.maxval,
      dtype: dtype ?? this.dtype,
      seed: this.seed,
    });
  }
}

/** `fan_in`, `fan_out` of a weight shape (`_compute_fans`). */
function computeFans(shape: readonly number[]): [number, number] {
  if (shape.length < 1) return [1, 1];
  if (shape.length === 1) return [shape[0] as number, shape[0] as number];
  if (shape.length === 2) return [shape[0] as number, shape[1] as number];
  let receptive = 1;
  for (const d of shape.slice(0, -2)) receptive *= d;
  return [
    (shape[shape.length - 2] as number) * receptive,
    (shape[shape.length - 1] as number) * receptive,
  ];
}

type Mode = "fan_in" | "fan_out" | "fan_avg";
type Distribution = "truncated_normal" | "untruncated_normal" | "uniform" | "normal";

class VarianceScalingInitializer extends BaseInitializer {
  readonly scale: number;
  readonly mode: Mode;
  readonly distribution: Distribution;
  readonly seed: number | null;
  constructor(
    scale: number | undefined,
    mode: string | undefined,
    distribution: string | undefined,
    seed: number | undefined,
    dtype: DType | undefined,
  ) {
    super(floatDType(dtype));
    this.scale = scale ?? 1.0;
    const m = mode ?? "fan_in";
    // TF lower-cases the distribution, not the mode.
    const d = (distribution ?? "truncated_normal").toLowerCase();
    this.seed = seed ?? null;
    if (this.scale <= 0) throw new ValueError("`scale` must be positive float.");
    if (!["fan_in", "fan_out", "fan_avg"].includes(m))
      throw new ValueError(`Invalid \`mode\` argument: ${m}`);
    if (!["truncated_normal", "untruncated_normal", "uniform", "normal"].includes(d)) {
      throw new ValueError(`Invalid \`distribution\` argument: ${d}`);
    }
    this.mode = m as Mode;
    this.distribution = d as Distribution;
  }
  call(shape: number[], dtype?: DType, partitionInfo?: PartitionInfo | null): Tensor {
    const dt = dtype ?? this.dtype;
    if (!isFloating(dt)) throw new TypeError(`Expected floating point type, got ${dt}.`);
    const [fanIn, fanOut] = computeFans(partitionInfo ? partitionInfo.fullShape : shape);
    let scale = this.scale;
    if (this.mode === "fan_in") scale /= Math.max(1, fanIn);
    else if (this.mode === "fan_out") scale /= Math.max(1, fanOut);
    else scale /= Math.max(1, (fanIn + fanOut) / 2);
    if (this.distribution === "normal" || this.distribution === "truncated_normal") {
      // The standard deviation of a unit normal truncated to [-2, 2].
      const stddev = Math.sqrt(scale) / 0.8796256610342398;
      return truncatedNormal(shape, { mean: 0, stddev, dtype: dt, seed: this.seed });
    }
    if (this.distribution === "untruncated_normal") {
      return randomNormal(shape, { mean: 0, stddev: Math.sqrt(scale), dtype: dt, seed: this.seed });
    }
    const limit = Math.sqrt(3 * scale);
    return randomUniform(shape, { minval: -limit, maxval: limit, dtype: dt, seed: this.seed });
  }
}

class OrthogonalInitializer extends BaseInitializer {
  constructor(
    readonly gain: number,
    readonly seed: number | null,
    dtype?: DType,
  ) {
    super(dtype);
  }
  call(shape: number[], dtype?: DType): Tensor {
    const dt = dtype ?? this.dtype;
    if (!isFloating(dt)) throw new TypeError(`Expected floating point type, got ${dt}.`);
    if (shape.length < 2) {
      throw new ValueError("The tensor to initialize must be at least two-dimensional");
    }
    // Flatten all but the last dimension, so that it works for conv kernels too.
    const numRows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const numCols = shape[shape.length - 1] as number;
    const flat = numRows < numCols ? [numCols, numRows] : [numRows, numCols];
    const a = randomNormal(flat, { dtype: dt, seed: this.seed });
    const [q0, r] = qr(a, { fullMatrices: false });
    // Make Q uniform: flip each column by the sign of R's diagonal.
    let q = pythonOperator("mul", q0, sign(diagPart(r)));
    if (numRows < numCols) {
      const t = q;
      q = inOpScope(null, "matrix_transpose", [t], () => transpose(t, { perm: [1, 0] }));
    }
    return pythonOperator("mul", this.gain, reshape(q, shape));
  }
}

/** A number or a scalar tensor: an initializer's `mean`, `stddev`, `minval`, `maxval`. */
const numberOrTensorKind = kind<number | Tensor>(
  "a number or a scalar Tensor",
  (v) => (typeof v === "number" && !Number.isNaN(v)) || v instanceof TensorClass,
);

/** What `tf.constant_initializer` takes: a scalar, a (nested) list, or a typed array. */
export type ConstantValue = number | boolean | string | bigint | ArrayLike<unknown>;
const constantValueKind = kind<ConstantValue>(
  "a scalar, a list of values or a typed array",
  (v) =>
    ["number", "boolean", "string", "bigint"].includes(typeof v) ||
    Array.isArray(v) ||
    ArrayBuffer.isView(v),
);

const DTYPE_PARAMS = [opt("dtype", dtypeKind)] as const;
/** TF 1.15's `constant_initializer(value=0, dtype=tf.float32, verify_shape=False)`. */
const CONSTANT_PARAMS = [
  opt("value", constantValueKind),
  opt("dtype", dtypeKind),
  opt("verifyShape", booleanKind),
] as const;
/** TF 1.15's `random_normal_initializer(mean=0.0, stddev=1.0, seed=None, dtype=tf.float32)`. */
const NORMAL_PARAMS = [
  opt("mean", numberOrTensorKind),
  opt("stddev", numberOrTensorKind),
  opt("seed", intKind),
  opt("dtype", dtypeKind),
] as const;
/** TF 1.15's `random_uniform_initializer(minval=0, maxval=None, seed=None, dtype=tf.float32)`. */
const UNIFORM_PARAMS = [
  opt("minval", numberOrTensorKind),
  opt("maxval", numberOrTensorKind),
  opt("seed", intKind),
  opt("dtype", dtypeKind),
] as const;
/**
 * TF 1.15's `variance_scaling_initializer(scale=1.0, mode="fan_in",
 * distribution="truncated_normal", seed=None, dtype=tf.float32)`.
 */
const VARIANCE_SCALING_PARAMS = [
  opt("scale", numberKind),
  opt("mode", stringKind),
  opt("distribution", stringKind),
  opt("seed", intKind),
  opt("dtype", dtypeKind),
] as const;
/** TF 1.15's `glorot_uniform_initializer(seed=None, dtype=tf.float32)` (and `glorot_normal`). */
const GLOROT_PARAMS = [opt("seed", intKind), opt("dtype", dtypeKind)] as const;
/** TF 1.15's `orthogonal_initializer(gain=1.0, seed=None, dtype=tf.float32)`. */
const ORTHOGONAL_PARAMS = [
  opt("gain", numberKind),
  opt("seed", intKind),
  opt("dtype", dtypeKind),
] as const;

/** The options object of {@link constantInitializer}. */
export type ConstantInitializerOptions = OptionsOf<typeof CONSTANT_PARAMS>;
/** The options object of {@link randomNormalInitializer} and {@link truncatedNormalInitializer}. */
export type NormalInitializerOptions = OptionsOf<typeof NORMAL_PARAMS>;
/** The options object of {@link randomUniformInitializer}. */
export type UniformInitializerOptions = OptionsOf<typeof UNIFORM_PARAMS>;
/** The options object of {@link varianceScalingInitializer}. */
export type VarianceScalingOptions = OptionsOf<typeof VARIANCE_SCALING_PARAMS>;
/** The options object of {@link orthogonalInitializer}. */
export type OrthogonalOptions = OptionsOf<typeof ORTHOGONAL_PARAMS>;

/**
 * Zeros (`tf.zeros_initializer(dtype=tf.float32)`), the default for integer and boolean
 * variables.
 *
 * @example
 * ```ts
 * const b = tf.getVariable("b", [3], { initializer: tf.zerosInitializer() });
 * using sess = new tf.Session();
 * sess.run(b.initializer);
 * sess.run(b); // ==> [0. 0. 0.]
 * ```
 */
export const zerosInitializer = tfFunction(
  "zerosInitializer",
  DTYPE_PARAMS,
  (a): Initializer => new ZerosInitializer(a.dtype),
);

/**
 * Ones (`tf.ones_initializer(dtype=tf.float32)`).
 *
 * @example
 * ```ts
 * const w = tf.getVariable("weight_1", [2], { initializer: tf.onesInitializer() });
 * using sess = new tf.Session();
 * sess.run(w.initializer);
 * sess.run(w); // ==> [1. 1.]
 * ```
 */
export const onesInitializer = tfFunction(
  "onesInitializer",
  DTYPE_PARAMS,
  (a): Initializer => new OnesInitializer(a.dtype),
);

/**
 * A constant (`tf.constant_initializer(value=0, dtype, verify_shape=False)`): a scalar
 * fills the shape; a list must fit it; with `verifyShape`, the value must have the
 * variable's shape exactly.
 *
 * @example
 * ```ts
 * const tax = tf.getVariable("tax", [], { initializer: tf.constantInitializer(0.05) });
 * using sess = new tf.Session();
 * sess.run(tax.initializer);
 * sess.run(tax); // ==> 0.05
 * ```
 */
export const constantInitializer = tfFunction(
  "constantInitializer",
  CONSTANT_PARAMS,
  (a): Initializer => new ConstantInitializer(a.value ?? 0, a.dtype, a.verifyShape ?? false),
);

/**
 * Normal values (`tf.random_normal_initializer(mean=0.0, stddev=1.0, seed, dtype)`).
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [2, 2], { initializer: tf.randomNormalInitializer({ stddev: 0.1 }) });
 * w.initialValue.op.type; // ==> Add
 * ```
 */
export const randomNormalInitializer = tfFunction(
  "randomNormalInitializer",
  NORMAL_PARAMS,
  (a): Initializer =>
    new RandomNormalInitializer(a.mean ?? 0, a.stddev ?? 1, a.seed ?? null, floatDType(a.dtype)),
);

/**
 * Truncated normal values (`tf.truncated_normal_initializer(mean=0.0, stddev=1.0, seed,
 * dtype)`).
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [5, 5], { initializer: tf.truncatedNormalInitializer({ stddev: 5e-2 }) });
 * w.initialValue.op.type; // ==> Add
 * ```
 */
export const truncatedNormalInitializer = tfFunction(
  "truncatedNormalInitializer",
  NORMAL_PARAMS,
  (a): Initializer =>
    new TruncatedNormalInitializer(a.mean ?? 0, a.stddev ?? 1, a.seed ?? null, floatDType(a.dtype)),
);

/**
 * Uniform values in `[minval, maxval)` (`tf.random_uniform_initializer(minval=0,
 * maxval=None, seed, dtype)`); maxval 1 for floats.
 *
 * @example
 * ```ts
 * const init = tf.randomUniformInitializer({ minval: -0.1, maxval: 0.1 });
 * const w = tf.getVariable("w", [100], { initializer: init });
 * using sess = new tf.Session();
 * sess.run(w.initializer);
 * sess.run(tf.reduceMax(tf.abs(w))).item() <= 0.1; // ==> true
 * ```
 */
export const randomUniformInitializer = tfFunction(
  "randomUniformInitializer",
  UNIFORM_PARAMS,
  (a): Initializer =>
    new RandomUniformInitializer(a.minval ?? 0, a.maxval ?? null, a.seed ?? null, a.dtype),
);

/**
 * Variance scaling (`tf.variance_scaling_initializer(scale=1.0, mode="fan_in",
 * distribution="truncated_normal", seed, dtype)`).
 *
 * @example
 * ```ts
 * const he = tf.varianceScalingInitializer({ scale: 2, mode: "fan_in" });
 * tf.getVariable("w", [4, 4], { initializer: he }).initialValue.op.type; // ==> Add
 * ```
 */
export const varianceScalingInitializer = tfFunction(
  "varianceScalingInitializer",
  VARIANCE_SCALING_PARAMS,
  (a): Initializer =>
    new VarianceScalingInitializer(a.scale, a.mode, a.distribution, a.seed, a.dtype),
);

/**
 * Glorot (Xavier) uniform (`tf.glorot_uniform_initializer(seed, dtype)`): the default for
 * float variables.
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [784, 256], { initializer: tf.glorotUniformInitializer({ seed: 0 }) });
 * w.shape.toString(); // ==> (784, 256)
 * ```
 */
export const glorotUniformInitializer = tfFunction(
  "glorotUniformInitializer",
  GLOROT_PARAMS,
  (a): Initializer => new VarianceScalingInitializer(1, "fan_avg", "uniform", a.seed, a.dtype),
);

/**
 * Glorot (Xavier) normal (`tf.glorot_normal_initializer(seed, dtype)`, truncated).
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [3, 3], { initializer: tf.glorotNormalInitializer({ seed: 0 }) });
 * w.initialValue.op.type; // ==> Add
 * ```
 */
export const glorotNormalInitializer = tfFunction(
  "glorotNormalInitializer",
  GLOROT_PARAMS,
  (a): Initializer =>
    new VarianceScalingInitializer(1, "fan_avg", "truncated_normal", a.seed, a.dtype),
);

/**
 * A (semi-)orthogonal matrix (`tf.orthogonal_initializer(gain=1.0, seed, dtype)`),
 * TensorFlow's algorithm: a random normal matrix of the flattened shape
 * `[prod(shape[:-1]), shape[-1]]` (or its transpose when wider than tall), its QR
 * decomposition (op `Qr`), Q's columns multiplied by the signs of R's diagonal, reshaped
 * to `shape` and scaled by `gain`.
 *
 * @example
 * ```ts
 * const init = tf.orthogonalInitializer({ gain: 1, seed: 1 });
 * const w = tf.getVariable("w", [4, 4], { initializer: init });
 * using sess = new tf.Session();
 * sess.run(w.initializer);
 * sess.run(tf.matmul(w, w, { transposeA: true })).allClose([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], 1e-5, 1e-5); // ==> true
 * ```
 */
export const orthogonalInitializer = tfFunction(
  "orthogonalInitializer",
  ORTHOGONAL_PARAMS,
  (a): Initializer => new OrthogonalInitializer(a.gain ?? 1, a.seed ?? null, floatDType(a.dtype)),
);

/** Whether `value` is an initializer object (has `call`). */
export function isInitializer(value: unknown): value is Initializer {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { call?: unknown }).call === "function"
  );
}
