import * as tfc from "@tensorflow/tfjs-core";
import { ValueError } from "../../errors.js";
import {
  dtypeKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { asDType, type DType } from "../../graph/dtypes.js";
import type { Graph } from "../../graph/graph.js";
import { Tensor } from "../../graph/tensor.js";
import { TensorShape, type ShapeLike } from "../../graph/tensor_shape.js";
import { convertToTensor, shapeArgKind, type Packable } from "../convert.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { checkLeadingInputs } from "../input_types.js";
import { constantValueAsShape } from "../tensor_util.js";
import { registerOp } from "../registry.js";
import { constantOp } from "./constant.js";
import { reshape } from "./reshape.js";

registerOp({
  type: "Fill",
  opDef: {
    inputs: ["dims: index_type", "value: T"],
    outputs: ["output: T"],
    attrs: ["T: type", "index_type: {int32, int64} = int32"],
  },
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

/** A static shape's dims, or `null` when `shape` is a tensor or partly unknown. */
function staticDims(shape: ShapeLike | Packable): number[] | null {
  if (shape instanceof TensorShape)
    return shape.isFullyDefined() ? (shape.asList() as number[]) : null;
  if (Array.isArray(shape) && shape.every((d) => typeof d === "number")) {
    const s = TensorShape.from(shape as number[]);
    return s.isFullyDefined() ? (s.asList() as number[]) : null;
  }
  return null;
}

/**
 * The `dims` input of `Fill`: a const named `constName` when known (`dims` in `tf.fill`,
 * `shape_as_tensor` in `tf.zeros`/`tf.ones`, as TensorFlow names them), else the (int32)
 * shape tensor.
 */
function dimsInput(
  graph: Graph,
  shape: ShapeLike | Packable,
  constName: string,
  convertedName: string,
  vectorize = false,
): [Tensor, TensorShape] {
  const dims = staticDims(shape);
  if (dims !== null) {
    const t = constantOp(graph, `${graph.uniqueName(constName)}/`, {
      dtype: "int32",
      shape: [dims.length],
      values: Int32Array.from(dims),
    });
    return [t, new TensorShape(dims)];
  }
  if (shape instanceof TensorShape || (Array.isArray(shape) && shape.includes(null))) {
    throw new ValueError(
      `Cannot convert a partially known TensorShape to a Tensor: ${TensorShape.from(shape as ShapeLike).toString()}`,
    );
  }
  let t = convertToTensor(shape, { name: convertedName, preferredDtype: "int32" });
  checkLeadingInputs("Fill", [t]);
  // conv3d: TF's `zeros`/`ones` make a scalar (or unknown-rank) shape tensor a vector.
  if (vectorize && t.shape.rank !== 1) t = reshape(t, [-1]);
  t.shape.assertHasRank(1);
  return [t, constantValueAsShape(t)];
}

function fillOp(
  graph: Graph,
  scope: string,
  dims: readonly [Tensor, TensorShape],
  value: Tensor,
): Tensor {
  const [dimsTensor, static_] = dims;
  return makeOp(
    graph,
    "Fill",
    scope,
    [dimsTensor, value],
    [{ dtype: value.dtype, shape: static_ }],
    {
      T: value.dtype,
    },
  ).outputs[0] as Tensor;
}

/** TF 1.15's `fill(dims, value, name)`. */
const FILL_PARAMS = [
  req("dims", shapeArgKind),
  req("value", tensorKind),
  opt("name", stringKind),
] as const;

/**
 * A tensor of `dims` filled with `value` (`tf.fill(dims, value, name)`, op `Fill`); `dims`
 * may be a shape tensor (`tf.fill(tf.shape(x), 9)`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.fill([2, 3], 9)); // ==> [[9. 9. 9.]
 *                               //      [9. 9. 9.]]
 * ```
 */
export const fill = tfFunction("fill", FILL_PARAMS, (a) =>
  inOpScope(a.name, "Fill", [a.dims, a.value], (scope, graph) => {
    // Inputs convert in OpDef order, as TensorFlow's op builder does: `dims`, then `value`.
    const dims = dimsInput(graph, a.dims, "dims", "dims");
    const v = convertToTensor(a.value, { name: "value" });
    v.shape.assertHasRank(0);
    return fillOp(graph, scope, dims, v);
  }),
);

/** TF 1.15's `zeros(shape, dtype=tf.float32, name)` and `ones(…)`. */
const FILLED_PARAMS = [
  req("shape", shapeArgKind),
  opt("dtype", dtypeKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link zeros} and {@link ones}. */
export type FilledOptions = OptionsOf<typeof FILLED_PARAMS>;

function scalarFor(dtype: DType, one: boolean): number | boolean | string {
  if (dtype === "bool") return one;
  if (dtype === "string") return "";
  return one ? 1 : 0;
}

/**
 * Small results are a `Const` named `zeros`; from 1000 elements on, or when the shape is
 * a tensor, a `Fill` of `zeros/shape_as_tensor` (or the shape tensor; `zeros/packed` for a
 * list holding tensors) and `zeros/Const`, created in that order as TensorFlow does.
 */
function filled(
  defaultName: string,
  shape: ShapeLike | Packable,
  dtypeOption: DType | undefined,
  name: string | undefined,
  one: boolean,
): Tensor {
  const dtype = asDType(dtypeOption ?? "float32");
  const dims = staticDims(shape);
  const size = dims === null ? null : dims.reduce((a, b) => a * b, 1);
  return inOpScope(name, defaultName, [shape], (scope, graph) => {
    const value = scalarFor(dtype, one);
    if (dims !== null && size !== null && size < 1000) {
      return constantOp(graph, scope, constOf(dtype, dims, value, size));
    }
    const dimsIn = dimsInput(graph, shape, "shape_as_tensor", "packed", true);
    const v = constantOp(graph, `${graph.uniqueName("Const")}/`, constOf(dtype, [], value, 1));
    return fillOp(graph, scope, dimsIn, v);
  });
}

/**
 * The `Const` value of a filled tensor of static `shape` and `size` elements (`filled`'s,
 * for the initializers' direct path).
 */
export function filledConstValue(dtype: DType, shape: number[], one: boolean, size: number) {
  return constOf(dtype, shape, scalarFor(dtype, one), size);
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
 * A tensor of zeros (`tf.zeros(shape, dtype, name)`); `shape` may be a shape tensor.
 *
 * @example
 * ```ts
 * tf.zeros([32]).op.type; // ==> Const
 * ```
 */
export const zeros = tfFunction("zeros", FILLED_PARAMS, (a) =>
  filled("zeros", a.shape, a.dtype, a.name, false),
);

/**
 * A tensor of ones (`tf.ones(shape, dtype, name)`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.ones([2, 2], { dtype: tf.int32 })); // ==> [[1 1]
 *                                                 //      [1 1]]
 * ```
 */
export const ones = tfFunction("ones", FILLED_PARAMS, (a) =>
  filled("ones", a.shape, a.dtype, a.name, true),
);
