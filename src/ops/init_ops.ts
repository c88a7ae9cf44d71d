import { ValueError } from "../errors.js";
import { asDType, isFloating, type DType } from "../graph/dtypes.js";
import type { Tensor } from "../graph/tensor.js";
import type { Initializer, PartitionInfo } from "../scope/types.js";
import { constant } from "./array/constant.js";
import { ones, zeros } from "./array/fill.js";
import { reshape } from "./array/reshape.js";
import { transpose } from "./array/transpose.js";
import { diagPart } from "./linalg/diag_part.js";
import { qr } from "./linalg/qr.js";
import { binaryOperator } from "./math/operators.js";
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
    return zeros(shape, { dtype: dtype ?? this.dtype });
  }
}

class OnesInitializer extends BaseInitializer {
  call(shape: number[], dtype?: DType): Tensor {
    return ones(shape, { dtype: dtype ?? this.dtype });
  }
}

class ConstantInitializer extends BaseInitializer {
  readonly value: unknown;
  constructor(value: unknown, dtype?: DType) {
    super(dtype);
    this.value = value;
  }
  call(shape: number[], dtype?: DType): Tensor {
    return constant(this.value, { dtype: dtype ?? this.dtype, shape });
  }
}

interface SeededOptions {
  seed?: number | null;
  dtype?: DType;
}

class RandomNormalInitializer extends BaseInitializer {
  constructor(
    readonly mean: number,
    readonly stddev: number,
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
    readonly mean: number,
    readonly stddev: number,
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
    readonly minval: number,
    readonly maxval: number | null,
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
export function computeFans(shape: readonly number[]): [number, number] {
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

/** Options of {@link varianceScalingInitializer}. */
export interface VarianceScalingOptions extends SeededOptions {
  scale?: number;
  mode?: "fan_in" | "fan_out" | "fan_avg";
  distribution?: "truncated_normal" | "untruncated_normal" | "uniform" | "normal";
}

class VarianceScalingInitializer extends BaseInitializer {
  readonly scale: number;
  readonly mode: "fan_in" | "fan_out" | "fan_avg";
  readonly distribution: "truncated_normal" | "untruncated_normal" | "uniform" | "normal";
  readonly seed: number | null;
  constructor(options: VarianceScalingOptions) {
    super(options.dtype);
    this.scale = options.scale ?? 1.0;
    this.mode = options.mode ?? "fan_in";
    this.distribution = options.distribution ?? "truncated_normal";
    this.seed = options.seed ?? null;
    if (this.scale <= 0) throw new RangeError("`scale` must be positive float.");
    if (!["fan_in", "fan_out", "fan_avg"].includes(this.mode))
      throw new RangeError(`Invalid \`mode\` argument: ${this.mode}`);
    if (
      !["truncated_normal", "untruncated_normal", "uniform", "normal"].includes(this.distribution)
    ) {
      throw new RangeError(`Invalid \`distribution\` argument: ${this.distribution}`);
    }
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
    let q = binaryOperator("mul", q0, sign(diagPart(r)));
    if (numRows < numCols) {
      const t = q;
      q = inOpScope(null, "matrix_transpose", [t], () => transpose(t, { perm: [1, 0] }));
    }
    return binaryOperator("mul", this.gain, reshape(q, shape));
  }
}

/**
 * Zeros (`tf.zeros_initializer()`), the default for integer and boolean variables.
 *
 * @example
 * ```ts
 * const b = tf.getVariable("b", [3], { initializer: tf.zerosInitializer() });
 * using sess = new tf.Session();
 * sess.run(b.initializer);
 * sess.run(b); // ==> [0. 0. 0.]
 * ```
 */
export function zerosInitializer(options: { dtype?: DType } = {}): Initializer {
  return new ZerosInitializer(options.dtype);
}

/**
 * Ones (`tf.ones_initializer()`).
 *
 * @example
 * ```ts
 * const w = tf.getVariable("weight_1", [2], { initializer: tf.onesInitializer() });
 * using sess = new tf.Session();
 * sess.run(w.initializer);
 * sess.run(w); // ==> [1. 1.]
 * ```
 */
export function onesInitializer(options: { dtype?: DType } = {}): Initializer {
  return new OnesInitializer(options.dtype);
}

/**
 * A constant (`tf.constant_initializer(value)`): a scalar fills the shape; a list must fit it.
 *
 * @example
 * ```ts
 * const tax = tf.getVariable("tax", [], { initializer: tf.constantInitializer(0.05) });
 * using sess = new tf.Session();
 * sess.run(tax.initializer);
 * sess.run(tax); // ==> 0.05
 * ```
 */
export function constantInitializer(
  value: unknown = 0,
  options: { dtype?: DType } = {},
): Initializer {
  return new ConstantInitializer(value, options.dtype);
}

/**
 * Normal values (`tf.random_normal_initializer`), mean 0 and stddev 1 by default.
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [2, 2], { initializer: tf.randomNormalInitializer({ stddev: 0.1 }) });
 * w.initialValue.op.type; // ==> Add
 * ```
 */
export function randomNormalInitializer(
  options: SeededOptions & { mean?: number; stddev?: number } = {},
): Initializer {
  return new RandomNormalInitializer(
    options.mean ?? 0,
    options.stddev ?? 1,
    options.seed ?? null,
    options.dtype,
  );
}

/**
 * Truncated normal values (`tf.truncated_normal_initializer`).
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [5, 5], { initializer: tf.truncatedNormalInitializer({ stddev: 5e-2 }) });
 * w.initialValue.op.type; // ==> Add
 * ```
 */
export function truncatedNormalInitializer(
  options: SeededOptions & { mean?: number; stddev?: number } = {},
): Initializer {
  return new TruncatedNormalInitializer(
    options.mean ?? 0,
    options.stddev ?? 1,
    options.seed ?? null,
    options.dtype,
  );
}

/**
 * Uniform values in `[minval, maxval)` (`tf.random_uniform_initializer`); maxval 1 for floats.
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
export function randomUniformInitializer(
  options: SeededOptions & { minval?: number; maxval?: number | null } = {},
): Initializer {
  return new RandomUniformInitializer(
    options.minval ?? 0,
    options.maxval ?? null,
    options.seed ?? null,
    options.dtype,
  );
}

/**
 * Variance scaling (`tf.variance_scaling_initializer`): scale 1, `fan_in`, truncated normal by default.
 *
 * @example
 * ```ts
 * const he = tf.varianceScalingInitializer({ scale: 2, mode: "fan_in" });
 * tf.getVariable("w", [4, 4], { initializer: he }).initialValue.op.type; // ==> Add
 * ```
 */
export function varianceScalingInitializer(options: VarianceScalingOptions = {}): Initializer {
  return new VarianceScalingInitializer(options);
}

/**
 * Glorot (Xavier) uniform (`tf.glorot_uniform_initializer`): the default for float variables.
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [784, 256], { initializer: tf.glorotUniformInitializer({ seed: 0 }) });
 * w.shape.toString(); // ==> (784, 256)
 * ```
 */
export function glorotUniformInitializer(options: SeededOptions = {}): Initializer {
  return new VarianceScalingInitializer({
    ...options,
    scale: 1,
    mode: "fan_avg",
    distribution: "uniform",
  });
}

/**
 * Glorot (Xavier) normal (`tf.glorot_normal_initializer`, truncated).
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [3, 3], { initializer: tf.glorotNormalInitializer({ seed: 0 }) });
 * w.initialValue.op.type; // ==> Add
 * ```
 */
export function glorotNormalInitializer(options: SeededOptions = {}): Initializer {
  return new VarianceScalingInitializer({
    ...options,
    scale: 1,
    mode: "fan_avg",
    distribution: "truncated_normal",
  });
}

/** Options of {@link orthogonalInitializer}. */
export interface OrthogonalOptions extends SeededOptions {
  /** A factor applied to the orthogonal matrix; 1 by default. */
  gain?: number;
}

/**
 * A (semi-)orthogonal matrix (`tf.orthogonal_initializer`), TensorFlow's algorithm: a
 * random normal matrix of the flattened shape `[prod(shape[:-1]), shape[-1]]` (or its
 * transpose when wider than tall), its QR decomposition (op `Qr`), Q's columns multiplied
 * by the signs of R's diagonal, reshaped to `shape` and scaled by `gain`.
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
export function orthogonalInitializer(options: OrthogonalOptions = {}): Initializer {
  return new OrthogonalInitializer(options.gain ?? 1, options.seed ?? null, options.dtype);
}

/** Whether `value` is an initializer object (has `call`). */
export function isInitializer(value: unknown): value is Initializer {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { call?: unknown }).call === "function"
  );
}
