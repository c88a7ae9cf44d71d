import * as tfc from "@tensorflow/tfjs-core";
import {
  booleanKind,
  dtypeKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type ArgsOf,
} from "../../graph/call_args.js";
import { asDType } from "../../graph/dtypes.js";
import type { Tensor } from "../../graph/tensor.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { ones, zeros } from "./fill.js";
import { shapeIn } from "./shape.js";

registerOp({
  type: "ZerosLike",
  opDef: { inputs: ["x: T"], outputs: ["y: T"], attrs: ["T: type"] },
  kernel: ([x]) => [tfc.zerosLike(x as tfc.Tensor)],
});
registerOp({
  type: "OnesLike",
  opDef: {
    inputs: ["x: T"],
    outputs: ["y: T"],
    attrs: [
      "T: {bfloat16, half, float, double, int8, uint8, int16, uint16, int32, int64, complex64, complex128, bool}",
    ],
  },
  kernel: ([x]) => [tfc.onesLike(x as tfc.Tensor)],
});

/** TF 1.15's `zeros_like(tensor, dtype=None, name=None, optimize=True)` (and `ones_like`). */
const LIKE_PARAMS = [
  req("tensor", tensorKind),
  opt("dtype", dtypeKind),
  opt("name", stringKind),
  /**
   * TF's permission to emit a constant when the shape is known; the values are the same
   * either way, and scopeflow always builds the `ZerosLike`/`OnesLike` op.
   */
  opt("optimize", booleanKind),
] as const;

function likeOp(type: "ZerosLike" | "OnesLike", a: ArgsOf<typeof LIKE_PARAMS>): Tensor {
  const defaultName = type === "ZerosLike" ? "zeros_like" : "ones_like";
  return inOpScope(a.name, defaultName, [a.tensor], (scope, graph) => {
    const t = convertToTensor(a.tensor, { name: "x" });
    const dtype = a.dtype === undefined ? t.dtype : asDType(a.dtype);
    if (dtype !== t.dtype) {
      // `zeros(shape_internal(tensor), dtype=dtype, name=name)`, as TensorFlow builds it.
      const filled = type === "ZerosLike" ? zeros : ones;
      const shape = t.shape.isFullyDefined()
        ? (t.shape.asList() as number[])
        : shapeIn(graph, `${graph.uniqueName("Shape")}/`, t);
      return filled(shape, dtype, scope);
    }
    return makeOp(graph, type, scope, [t], [{ dtype: t.dtype, shape: t.shape }], { T: t.dtype })
      .outputs[0] as Tensor;
  });
}

/**
 * Zeros with `tensor`'s shape and (unless `dtype` is given) dtype, known only at run time
 * if need be (`tf.zeros_like(tensor, dtype, name, optimize)`).
 *
 * @example
 * ```ts
 * tf.zerosLike(tf.placeholder(tf.float32, [null, 3])).shape.toString(); // ==> (?, 3)
 * ```
 */
export const zerosLike = tfFunction("zerosLike", LIKE_PARAMS, (a) => likeOp("ZerosLike", a));

/**
 * Ones with `tensor`'s shape and (unless `dtype` is given) dtype
 * (`tf.ones_like(tensor, dtype, name, optimize)`).
 *
 * @example
 * ```ts
 * const loss = tf.reduceSum(tf.constant([1, 2]));
 * using sess = new tf.Session();
 * sess.run(tf.onesLike(loss)); // ==> 1.0
 * ```
 */
export const onesLike = tfFunction("onesLike", LIKE_PARAMS, (a) => likeOp("OnesLike", a));
