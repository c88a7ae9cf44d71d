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
  /** Whether a statically known shape may become a constant (TF's `optimize`). */
  opt("optimize", booleanKind),
] as const;

/**
 * TF 1.15's `zeros_like_impl`: with a fully known shape (and `optimize`) plain zeros of that
 * shape (a `Const` when small); with another dtype, zeros of the run-time shape; else a
 * `ZerosLike` op.
 */
function zerosLikeImpl(a: ArgsOf<typeof LIKE_PARAMS>): Tensor {
  return inOpScope(a.name, "zeros_like", [a.tensor], (scope, graph) => {
    const t = convertToTensor(a.tensor, { name: "tensor" });
    const optimize = a.optimize ?? true;
    const dtype = a.dtype === undefined ? t.dtype : asDType(a.dtype);
    if (optimize && t.shape.isFullyDefined()) {
      return zeros(t.shape, dtype, scope);
    }
    if (dtype !== t.dtype) {
      return zeros(
        shapeIn(graph, `${graph.uniqueName("Shape")}/`, t, "int32", optimize),
        dtype,
        scope,
      );
    }
    return makeOp(graph, "ZerosLike", scope, [t], [{ dtype: t.dtype, shape: t.shape }], {
      T: t.dtype,
    }).outputs[0] as Tensor;
  });
}

/**
 * TF 1.15's `ones_like_impl`: always `ones(shape_internal(tensor))`, a `Fill` of the shape
 * (a `Const` when known and `optimize`) with the tensor's static shape.
 */
function onesLikeImpl(a: ArgsOf<typeof LIKE_PARAMS>): Tensor {
  return inOpScope(a.name, "ones_like", [a.tensor], (scope, graph) => {
    const t = convertToTensor(a.tensor, { name: "tensor" });
    const shape = shapeIn(graph, `${graph.uniqueName("Shape")}/`, t, "int32", a.optimize ?? true);
    const dtype = a.dtype === undefined ? t.dtype : asDType(a.dtype);
    const result = ones(shape, dtype, scope);
    result.setShape(t.shape);
    return result;
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
export const zerosLike = tfFunction("zerosLike", LIKE_PARAMS, zerosLikeImpl);

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
export const onesLike = tfFunction("onesLike", LIKE_PARAMS, onesLikeImpl);
