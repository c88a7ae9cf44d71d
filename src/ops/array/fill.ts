import * as tfc from "@tensorflow/tfjs-core";
import { asDType, type DType } from "../../graph/dtypes.js";
import type { Graph } from "../../graph/graph.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape, type ShapeLike } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { constantOp } from "./constant.js";

registerOp({
  type: "Fill",
  kernel: ([dims, value], op) => {
    const staticShape = (op.outputs[0] as Tensor).shape;
    // Dims known only at run time (a `Shape` op's output) are read from the input.
    const shape = staticShape.isFullyDefined()
      ? (staticShape.asList() as number[])
      : Array.from((dims as tfc.Tensor).dataSync());
    return [
      tfc.fill(shape, (value as tfc.Tensor).dataSync()[0] as number, (value as tfc.Tensor).dtype),
    ];
  },
});

function fullyDefined(shape: ShapeLike, what: string): number[] {
  const s = TensorShape.from(shape);
  if (!s.isFullyDefined())
    throw new TypeError(`${what} needs a fully defined shape, got ${s.toString()}.`);
  return s.asList() as number[];
}

function fillOp(graph: Graph, scope: string, dims: number[], value: Tensor): Tensor {
  const dimsTensor = constantOp(graph, `${graph.uniqueName("dims")}/`, {
    dtype: "int32",
    shape: [dims.length],
    values: Int32Array.from(dims),
  });
  return makeOp(
    graph,
    "Fill",
    scope,
    [dimsTensor, value],
    [{ dtype: value.dtype, shape: new TensorShape(dims) }],
    {
      T: value.dtype,
    },
  ).outputs[0] as Tensor;
}

/**
 * A tensor of `dims` filled with `value` (`tf.fill`, op `Fill`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.fill([2, 3], 9)); // ==> [[9. 9. 9.]
 *                               //      [9. 9. 9.]]
 * ```
 */
export function fill(dims: ShapeLike, value: TensorLike, options: { name?: string } = {}): Tensor {
  return inOpScope(options.name, "Fill", [value], (scope, graph) => {
    const v = convertToTensor(value, { name: "value" });
    v.shape.assertHasRank(0);
    return fillOp(graph, scope, fullyDefined(dims, "fill"), v);
  });
}

/** Options of {@link zeros} and {@link ones}. */
export interface FilledOptions {
  dtype?: DType;
  name?: string;
}

function scalarFor(dtype: DType, one: boolean): number | boolean | string {
  if (dtype === "bool") return one;
  if (dtype === "string") return "";
  return one ? 1 : 0;
}

/**
 * Small results are a `Const` named `zeros`; from 1000 elements on, a `Fill` (TensorFlow
 * keeps graphs small the same way).
 */
function filled(
  defaultName: string,
  shape: ShapeLike,
  options: FilledOptions,
  one: boolean,
): Tensor {
  const dtype = asDType(options.dtype ?? "float32");
  const dims = fullyDefined(shape, defaultName);
  const size = dims.reduce((a, b) => a * b, 1);
  return inOpScope(options.name, defaultName, [], (scope, graph) => {
    const value = scalarFor(dtype, one);
    if (size < 1000) {
      return constantOp(graph, scope, constOf(dtype, dims, value, size));
    }
    const v = constantOp(graph, `${graph.uniqueName("Const")}/`, constOf(dtype, [], value, 1));
    return fillOp(graph, scope, dims, v);
  });
}

function constOf(dtype: DType, shape: number[], value: number | boolean | string, size: number) {
  if (dtype === "string")
    return { dtype, shape, values: new Array<string>(size).fill(value as string) };
  if (dtype === "int32") return { dtype, shape, values: new Int32Array(size).fill(Number(value)) };
  if (dtype === "int64")
    return { dtype, shape, values: new BigInt64Array(size).fill(BigInt(Number(value))) };
  if (dtype === "bool") return { dtype, shape, values: new Uint8Array(size).fill(value ? 1 : 0) };
  return { dtype, shape, values: new Float32Array(size).fill(Number(value)) };
}

/**
 * A tensor of zeros (`tf.zeros`).
 *
 * @example
 * ```ts
 * tf.zeros([32]).op.type; // ==> Const
 * ```
 */
export function zeros(shape: ShapeLike, options: FilledOptions = {}): Tensor {
  return filled("zeros", shape, options, false);
}

/**
 * A tensor of ones (`tf.ones`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.ones([2, 2], { dtype: tf.int32 })); // ==> [[1 1]
 *                                                 //      [1 1]]
 * ```
 */
export function ones(shape: ShapeLike, options: FilledOptions = {}): Tensor {
  return filled("ones", shape, options, true);
}
