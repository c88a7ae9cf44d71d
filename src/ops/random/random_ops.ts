import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, ValueError } from "../../errors.js";
import { asDType, isFloating, type DType } from "../../graph/dtypes.js";
import type { Graph } from "../../graph/graph.js";
import type { Operation } from "../../graph/operation.js";
import { Tensor } from "../../graph/tensor.js";
import { TensorShape, type ShapeLike } from "../../graph/tensor_shape.js";
import { constantOp } from "../array/constant.js";
import { convertToTensor, shapeArgKind, type Packable } from "../convert.js";
import {
  dtypeKind,
  intKind,
  opt,
  req,
  scalarKind,
  stringKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { add } from "../math/binary.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { constantScalar, constantValueAsShape, readInts, readScalar } from "../tensor_util.js";
import {
  fillNormal,
  fillTruncatedNormal,
  fillUniform,
  fillUniformInt,
  reservedGenerator,
} from "./philox_fill.js";
import type { Philox } from "./philox.js";
import { getSeed } from "./seed.js";

/**
 * The shape a random op produces: its static shape when fully defined (precomputed as
 * `_shape`), else the value of its `shape` input.
 */
function outputShape(op: Operation, shape: tfc.Tensor | undefined): number[] {
  const known = op.buildData._shape as number[] | null;
  return known ?? readInts(shape as tfc.Tensor);
}

const sizeOf = (dims: number[]): number => dims.reduce((p, d) => p * d, 1);

/** TF's random kernels fill float16/bfloat16/double outputs too; scopeflow keeps them as float32. */
function floatOutput(values: Float32Array, dims: number[]): tfc.Tensor {
  return tfc.tensor(values, dims, "float32");
}

const FLOAT_RANDOM_ATTRS = [
  "seed: int = 0",
  "seed2: int = 0",
  "dtype: {half, bfloat16, float, double}",
  "T: {int32, int64}",
];

/*
 * The stateful random ops draw TF's numbers: a seeded op's runs continue one Philox stream
 * per op and session (`GuardedPhiloxRandom`), filled as TF's CPU kernels fill it.
 */

const FLOAT_FILLS: [string, (gen: Philox, n: number) => Float32Array][] = [
  ["RandomStandardNormal", fillNormal],
  ["TruncatedNormal", fillTruncatedNormal],
  ["RandomUniform", fillUniform],
];

for (const [type, fill] of FLOAT_FILLS) {
  registerOp({
    type,
    opDef: {
      inputs: ["shape: T"],
      outputs: ["output: dtype"],
      attrs: FLOAT_RANDOM_ATTRS,
      stateful: true,
    },
    stateful: true,
    kernel: ([shape], op, runtime) => {
      const dims = outputShape(op, shape);
      const n = sizeOf(dims);
      return [floatOutput(fill(reservedGenerator(op, runtime, n), n), dims)];
    },
  });
}

registerOp({
  type: "RandomUniformInt",
  opDef: {
    inputs: ["shape: T", "minval: Tout", "maxval: Tout"],
    outputs: ["output: Tout"],
    attrs: ["seed: int = 0", "seed2: int = 0", "Tout: {int32, int64}", "T: {int32, int64}"],
    stateful: true,
  },
  stateful: true,
  kernel: ([shape, minval, maxval], op, runtime) => {
    const lo = minval as tfc.Tensor;
    const hi = maxval as tfc.Tensor;
    const fail = (message: string): never => {
      throw new InvalidArgumentError(`${message}\n\t [[{{node ${op.name}}}]]`, op.name);
    };
    if (lo.rank !== 0) fail(`minval must be 0-D, got shape [${lo.shape.join(",")}]`);
    if (hi.rank !== 0) fail(`maxval must be 0-D, got shape [${hi.shape.join(",")}]`);
    const dims = outputShape(op, shape);
    const n = sizeOf(dims);
    const dtype = op.attrs.Tout as DType;
    // An empty output returns before the range is checked or the stream moves.
    if (n === 0) return [tfc.zeros(dims, "int32")];
    const min = (op.buildData._minval as number | null) ?? readScalar(lo);
    const max = (op.buildData._maxval as number | null) ?? readScalar(hi);
    if (min >= max) fail(`Need minval < maxval: ${min} >= ${max}`);
    const gen = reservedGenerator(op, runtime, n);
    return [tfc.tensor(fillUniformInt(gen, n, min, max, dtype === "int64"), dims, "int32")];
  },
});

/**
 * A random op's `shape` input: a fully defined static shape as an int32 `shape` const, or
 * an int32 shape tensor (then the static shape is what is known of its value).
 */
function shapeInput(graph: Graph, shape: ShapeLike | Packable): [Tensor, TensorShape] {
  const isDims =
    shape instanceof TensorShape ||
    (Array.isArray(shape) && shape.every((d) => d === null || typeof d === "number"));
  if (!isDims) {
    // A `shape` tensor of another dtype is the random op's OpDef check's to refuse (T: int32, int64).
    const t = convertToTensor(shape, { name: "shape", preferredDtype: "int32" });
    return [t, constantValueAsShape(t)];
  }
  const static_ = TensorShape.from(shape as ShapeLike);
  if (!static_.isFullyDefined()) {
    throw new TypeError(`Random ops need a fully defined shape, got ${static_.toString()}.`);
  }
  const dims = static_.asList() as number[];
  const t = constantOp(graph, graph.uniqueName("shape") + "/", {
    dtype: "int32",
    shape: [dims.length],
    values: Int32Array.from(dims),
  });
  return [t, static_];
}

function randomCore(
  graph: Graph,
  type: string,
  shape: Tensor,
  static_: TensorShape,
  dtype: DType,
  seed: number | null | undefined,
): Tensor {
  const [seed1, seed2] = getSeed(seed);
  const scope = graph.uniqueName(type) + "/";
  return makeOp(graph, type, scope, [shape], [{ dtype, shape: static_ }], {
    dtype,
    seed: seed1 ?? 0,
    seed2: seed2 ?? 0,
    _seeded: seed1 !== null,
    T: shape.dtype,
    _shape: static_.isFullyDefined() ? static_.asList() : null,
  }).outputs[0] as Tensor;
}

/** TF 1.15's `random_normal(shape, mean=0.0, stddev=1.0, dtype=tf.float32, seed, name)`. */
const NORMAL_PARAMS = [
  req("shape", shapeArgKind),
  opt("mean", scalarKind),
  opt("stddev", scalarKind),
  opt("dtype", dtypeKind),
  opt("seed", intKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link randomNormal} and {@link truncatedNormal}. */
export type RandomNormalOptions = OptionsOf<typeof NORMAL_PARAMS>;

type NormalArgs = { shape: ShapeLike | Packable } & Omit<RandomNormalOptions, "shape">;

function normalLike(type: string, defaultName: string, options: NormalArgs): Tensor {
  const { shape } = options;
  const dtype = asDType(options.dtype ?? "float32");
  if (!isFloating(dtype))
    throw new TypeError(`Invalid dtype ${dtype} for ${defaultName}: floats only.`);
  return inOpScope(
    options.name,
    defaultName,
    [shape, options.mean, options.stddev],
    (scope, graph) => {
      const [shapeT, static_] = shapeInput(graph, shape);
      const mean = convertToTensor(options.mean ?? 0, { dtype, name: "mean" });
      const stddev = convertToTensor(options.stddev ?? 1, { dtype, name: "stddev" });
      const rnd = randomCore(graph, type, shapeT, static_, dtype, options.seed);
      return add(rnd.mul(stddev), mean, { name: scope });
    },
  );
}

/**
 * Normally distributed values (`tf.random_normal(shape, mean, stddev, dtype, seed, name)`):
 * ops `random_normal/RandomStandardNormal`, `random_normal/mul`, and the result
 * `random_normal`.
 *
 * @example
 * ```ts
 * const w = tf.randomNormal([5, 5, 32, 32], { stddev: 0.1, seed: 1 });
 * w.op.type; // ==> Add
 * ```
 */
export const randomNormal = tfFunction("randomNormal", NORMAL_PARAMS, (a) =>
  normalLike("RandomStandardNormal", "random_normal", a),
);

/**
 * Normal values re-drawn beyond two standard deviations (`tf.truncated_normal(shape, mean,
 * stddev, dtype, seed, name)`).
 *
 * @example
 * ```ts
 * const t = tf.truncatedNormal([100], { stddev: 0.05 });
 * using sess = new tf.Session();
 * sess.run(tf.reduceMax(tf.abs(t))).item() <= 0.1; // ==> true
 * ```
 */
export const truncatedNormal = tfFunction("truncatedNormal", NORMAL_PARAMS, (a) =>
  normalLike("TruncatedNormal", "truncated_normal", a),
);

/** TF 1.15's `random_uniform(shape, minval=0, maxval=None, dtype=tf.float32, seed, name)`. */
const UNIFORM_PARAMS = [
  req("shape", shapeArgKind),
  opt("minval", scalarKind),
  /** Defaults to 1 for floats; required for ints. */
  opt("maxval", scalarKind),
  opt("dtype", dtypeKind),
  opt("seed", intKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link randomUniform} (any parameter by name). */
export type RandomUniformOptions = OptionsOf<typeof UNIFORM_PARAMS>;

/**
 * Uniform values in `[minval, maxval)` (`tf.random_uniform(shape, minval, maxval, dtype,
 * seed, name)`).
 *
 * @example
 * ```ts
 * const r = tf.randomUniform([2, 2], { minval: -1, maxval: 1, seed: 3 });
 * r.shape.toString(); // ==> (2, 2)
 * ```
 */
export const randomUniform = tfFunction("randomUniform", UNIFORM_PARAMS, (options) => {
  const { shape } = options;
  const dtype = asDType(options.dtype ?? "float32");
  if (dtype !== "float32" && dtype !== "int32" && dtype !== "int64")
    throw new TypeError(`Invalid dtype ${dtype} for random_uniform.`);
  if (dtype !== "float32" && (options.maxval === undefined || options.maxval === null)) {
    throw new ValueError(`Must specify maxval for integer dtype ${dtype}`);
  }
  return inOpScope(
    options.name,
    "random_uniform",
    [shape, options.minval, options.maxval],
    (scope, graph) => {
      const [shapeT, static_] = shapeInput(graph, shape);
      const minval = convertToTensor(options.minval ?? 0, { dtype, name: "min" });
      const maxval = convertToTensor(options.maxval ?? 1, { dtype, name: "max" });
      if (dtype !== "float32") {
        const [seed1, seed2] = getSeed(options.seed);
        return makeOp(
          graph,
          "RandomUniformInt",
          scope,
          [shapeT, minval, maxval],
          [{ dtype, shape: static_ }],
          {
            Tout: dtype,
            seed: seed1 ?? 0,
            seed2: seed2 ?? 0,
            _seeded: seed1 !== null,
            _shape: static_.isFullyDefined() ? static_.asList() : null,
            _minval: constantScalar(minval),
            _maxval: constantScalar(maxval),
          },
        ).outputs[0] as Tensor;
      }
      const rnd = randomCore(graph, "RandomUniform", shapeT, static_, dtype, options.seed);
      return add(rnd.mul(maxval.sub(minval)), minval, { name: scope });
    },
  );
});
