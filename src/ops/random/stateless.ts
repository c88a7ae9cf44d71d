import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, ValueError } from "../../errors.js";
import {
  dtypeKind,
  opt,
  req,
  scalarKind,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { asDType, isInteger, runtimeDType, type DType } from "../../graph/dtypes.js";
import type { Graph } from "../../graph/graph.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { constantOp } from "../array/constant.js";
import { convertToTensor, shapeArgKind } from "../convert.js";
import { add } from "../math/binary.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import type { OpDefSpec } from "../op_def.js";
import { registerOp, type ShapeInferenceOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { constantValueAsShape, readInts } from "../tensor_util.js";
import { statelessGenerator, type Philox } from "./philox.js";
import { fillNormal, fillTruncatedNormal, fillUniform, fillUniformInt } from "./philox_fill.js";

/*
 * TF 1.15's stateless random ops (`tf.random.stateless_uniform`, `stateless_normal`,
 * `stateless_truncated_normal`): the output is a function of the shape and a `[2]` seed
 * alone, drawn from TF's Philox stream as its CPU kernels draw it, so a seed gives
 * TensorFlow's numbers.
 */

const FLOAT_SPEC: OpDefSpec = {
  inputs: ["shape: T", "seed: Tseed"],
  outputs: ["output: dtype"],
  attrs: [
    "dtype: {half, float, double} = float",
    "T: {int32, int64} = int32",
    "Tseed: {int32, int64} = int64",
  ],
};

const INT_SPEC: OpDefSpec = {
  inputs: ["shape: T", "seed: Tseed", "minval: dtype", "maxval: dtype"],
  outputs: ["output: dtype"],
  attrs: ["dtype: {int32, int64}", "T: {int32, int64}", "Tseed: {int32, int64} = int64"],
};

/** `StatelessShape`: the seed is a `[2]` vector, the output shape is the `shape` input's value. */
function statelessShape(op: ShapeInferenceOp): TensorShape {
  const inputs = op.inputs as Tensor[];
  const si = new ShapeInference(
    op.name,
    op.type,
    inputs.map((t) => t.shape),
  );
  const seed = si.withRank((inputs[1] as Tensor).shape, 1);
  si.withValue(seed[0] ?? null, 2);
  if (inputs.length === 4) {
    si.withRank((inputs[2] as Tensor).shape, 0);
    si.withRank((inputs[3] as Tensor).shape, 0);
  }
  si.withRank((inputs[0] as Tensor).shape, 1);
  return constantValueAsShape(inputs[0] as Tensor);
}

function failAt(op: Operation, message: string): never {
  throw new InvalidArgumentError(`${message}\n\t [[{{node ${op.name}}}]]`, op.name);
}

/** The run's output dims and generator, with the kernel's checks of its inputs. */
function prepare(op: Operation, shape: tfc.Tensor, seed: tfc.Tensor): [number[], Philox] {
  if (shape.rank !== 1) {
    failAt(op, `shape must be a vector of {int32,int64}, got shape [${shape.shape.join(",")}]`);
  }
  if (seed.rank !== 1 || seed.shape[0] !== 2) {
    failAt(op, `seed must have shape [2], not [${seed.shape.join(",")}]`);
  }
  const [s0, s1] = readInts(seed) as [number, number];
  return [readInts(shape), statelessGenerator(s0, s1)];
}

const size = (dims: number[]): number => dims.reduce((p, d) => p * d, 1);

registerOp({
  type: "StatelessRandomUniform",
  opDef: FLOAT_SPEC,
  kernel: ([shape, seed], op) => {
    const [dims, gen] = prepare(op, shape as tfc.Tensor, seed as tfc.Tensor);
    return [tfc.tensor(fillUniform(gen, size(dims)), dims, "float32")];
  },
  inferShapes: (op) => [statelessShape(op)],
});

registerOp({
  type: "StatelessRandomNormal",
  opDef: FLOAT_SPEC,
  kernel: ([shape, seed], op) => {
    const [dims, gen] = prepare(op, shape as tfc.Tensor, seed as tfc.Tensor);
    return [tfc.tensor(fillNormal(gen, size(dims)), dims, "float32")];
  },
  inferShapes: (op) => [statelessShape(op)],
});

registerOp({
  type: "StatelessTruncatedNormal",
  opDef: FLOAT_SPEC,
  kernel: ([shape, seed], op) => {
    const [dims, base] = prepare(op, shape as tfc.Tensor, seed as tfc.Tensor);
    return [tfc.tensor(fillTruncatedNormal(base, size(dims)), dims, "float32")];
  },
  inferShapes: (op) => [statelessShape(op)],
});

registerOp({
  type: "StatelessRandomUniformInt",
  opDef: INT_SPEC,
  kernel: ([shape, seed, minval, maxval], op) => {
    const lo = minval as tfc.Tensor;
    const hi = maxval as tfc.Tensor;
    if (lo.rank !== 0) failAt(op, `minval must be 0-D, got shape [${lo.shape.join(",")}]`);
    if (hi.rank !== 0) failAt(op, `maxval must be 0-D, got shape [${hi.shape.join(",")}]`);
    const [dims, gen] = prepare(op, shape as tfc.Tensor, seed as tfc.Tensor);
    const min = readInts(lo)[0] as number;
    const max = readInts(hi)[0] as number;
    const n = size(dims);
    if (n > 0 && min >= max) failAt(op, `Need minval < maxval: ${min} >= ${max}`);
    const out = fillUniformInt(gen, n, min, max, (op.attrs.dtype as DType) === "int64");
    return [tfc.tensor(out, dims, runtimeDType(op.attrs.dtype as DType) as "int32")];
  },
  inferShapes: (op) => [statelessShape(op)],
});

/** `tensor_util.shape_tensor(shape)`: a list of ints as an int32 `shape` Const. */
function shapeTensor(graph: Graph, shape: unknown): Tensor {
  if (shape instanceof TensorShape) return shapeTensor(graph, shape.asList());
  if (Array.isArray(shape) && shape.every((d) => typeof d === "number")) {
    const dims = shape as number[];
    return constantOp(graph, graph.uniqueName("shape") + "/", {
      dtype: "int32",
      shape: [dims.length],
      values: Int32Array.from(dims),
    });
  }
  return convertToTensor(shape, { name: "shape", preferredDtype: "int32" });
}

/**
 * One stateless op as `gen_stateless_random_ops` builds it: the seed converted where the op
 * is named (input `seed`, int64 unless a tensor says int32). `scope` is the op's exact
 * scope when the caller passes its own name (`name=name`); else the op opens its own.
 */
function statelessOp(
  graph: Graph,
  type: string,
  scope: string | null,
  shape: Tensor,
  seedLike: unknown,
  extra: Tensor[],
  dtype: DType,
): Tensor {
  const build = (opScope: string): Tensor => {
    const seed = convertToTensor(seedLike, { name: "seed", preferredDtype: "int64" });
    const inputs = [shape, seed, ...extra];
    const inferred = statelessShape({
      name: opNameOf(opScope),
      type,
      inputs,
      attrs: {},
      outputDTypes: [dtype],
      graphDefVersion: Infinity,
    });
    return makeOp(graph, type, opScope, inputs, [{ dtype, shape: inferred }], {
      dtype,
      T: shape.dtype,
      Tseed: seed.dtype,
    }).outputs[0] as Tensor;
  };
  return scope !== null ? build(scope) : inOpScope(undefined, type, [seedLike], build);
}

/** TF 1.15's `stateless_random_uniform(shape, seed, minval=0, maxval=None, dtype, name)`. */
const UNIFORM_PARAMS = [
  req("shape", shapeArgKind),
  req("seed", tensorKind),
  opt("minval", scalarKind),
  /** Defaults to 1 for floats; required for ints. */
  opt("maxval", scalarKind),
  opt("dtype", dtypeKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link statelessRandomUniform}. */
export type StatelessUniformOptions = OptionsOf<typeof UNIFORM_PARAMS>;

/**
 * Uniform values in `[minval, maxval)` that depend only on `shape` and the `[2]` integer
 * `seed` (`tf.random.stateless_uniform`): op `StatelessRandomUniform` scaled and shifted,
 * or `StatelessRandomUniformInt` for int32/int64. The numbers are TensorFlow's for the
 * same seed (its Philox stream, reproduced).
 *
 * @example
 * ```ts
 * const u = tf.random.statelessUniform([3], [1, 2]);
 * using sess = new tf.Session();
 * String(sess.run(u)) === String(sess.run(u)); // ==> true
 * ```
 */
export const statelessRandomUniform = tfFunction("statelessUniform", UNIFORM_PARAMS, (a) => {
  const dtype = asDType(a.dtype ?? "float32");
  if (dtype !== "float32" && !isInteger(dtype)) throw new ValueError(`Invalid dtype tf.${dtype}`);
  if (isInteger(dtype) && (a.maxval === undefined || a.maxval === null)) {
    throw new ValueError(`Must specify maxval for integer dtype tf.${dtype}`);
  }
  return inOpScope(
    a.name,
    "stateless_random_uniform",
    [a.shape, a.seed, a.minval, a.maxval],
    (scope, graph) => {
      const shape = shapeTensor(graph, a.shape);
      const minval = convertToTensor(a.minval ?? 0, { dtype, name: "min" });
      const maxval = convertToTensor(a.maxval ?? 1, { dtype, name: "max" });
      if (isInteger(dtype)) {
        return statelessOp(
          graph,
          "StatelessRandomUniformInt",
          scope,
          shape,
          a.seed,
          [minval, maxval],
          dtype,
        );
      }
      const rnd = statelessOp(graph, "StatelessRandomUniform", null, shape, a.seed, [], dtype);
      return add(rnd.mul(maxval.sub(minval)), minval, { name: scope });
    },
  );
});

/** TF 1.15's `stateless_random_normal(shape, seed, mean=0.0, stddev=1.0, dtype, name)`. */
const NORMAL_PARAMS = [
  req("shape", shapeArgKind),
  req("seed", tensorKind),
  opt("mean", scalarKind),
  opt("stddev", scalarKind),
  opt("dtype", dtypeKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link statelessRandomNormal} and {@link statelessTruncatedNormal}. */
export type StatelessNormalOptions = OptionsOf<typeof NORMAL_PARAMS>;

function normalLike(type: string, defaultName: string, a: StatelessNormalOptions): Tensor {
  const dtype = asDType(a.dtype ?? "float32");
  return inOpScope(a.name, defaultName, [a.shape, a.seed, a.mean, a.stddev], (scope, graph) => {
    const shape = shapeTensor(graph, a.shape);
    const mean = convertToTensor(a.mean ?? 0, { dtype, name: "mean" });
    const stddev = convertToTensor(a.stddev ?? 1, { dtype, name: "stddev" });
    const rnd = statelessOp(graph, type, null, shape, a.seed, [], dtype);
    return add(rnd.mul(stddev), mean, { name: scope });
  });
}

/**
 * Normal values that depend only on `shape` and the `[2]` integer `seed`
 * (`tf.random.stateless_normal`, op `StatelessRandomNormal`): TensorFlow's numbers for the
 * same seed, up to the last bit of float32 `log`/`sin`/`cos`.
 *
 * @example
 * ```ts
 * tf.random.statelessNormal([2, 3], [7, 17]).shape.toString(); // ==> (2, 3)
 * ```
 */
export const statelessRandomNormal = tfFunction("statelessNormal", NORMAL_PARAMS, (a) =>
  normalLike("StatelessRandomNormal", "stateless_random_normal", a),
);

/**
 * Normal values re-drawn beyond two standard deviations, depending only on `shape` and the
 * `[2]` integer `seed` (`tf.random.stateless_truncated_normal`, op
 * `StatelessTruncatedNormal`).
 *
 * @example
 * ```ts
 * const t = tf.random.statelessTruncatedNormal([100], [1, 2]);
 * using sess = new tf.Session();
 * sess.run(tf.reduceMax(tf.abs(t))).item() < 2; // ==> true
 * ```
 */
export const statelessTruncatedNormal = tfFunction("statelessTruncatedNormal", NORMAL_PARAMS, (a) =>
  normalLike("StatelessTruncatedNormal", "stateless_truncated_normal", a),
);
