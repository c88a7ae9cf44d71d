import * as tfc from "@tensorflow/tfjs-core";
import { UnimplementedError } from "../../errors.js";
import { dtypeKind, opt, req, stringKind, tensorKind, tfFunction } from "../../graph/call_args.js";
import {
  asDType,
  INT32_MAX,
  INT32_MIN,
  runtimeDType,
  runtimeDTypeName,
  type DType,
} from "../../graph/dtypes.js";
import { outsideInt32 } from "../../graph/int64.js";
import type { Graph } from "../../graph/graph.js";
import { Tensor, type TensorLike } from "../../graph/tensor.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { attrsOf, declareOpDef } from "../op_def.js";

/** TF's `Cast` signature; its kernel reads the attrs it types. */
const CAST_DEF = declareOpDef({
  inputs: ["x: SrcT"],
  outputs: ["y: DstT"],
  attrs: ["SrcT: type", "DstT: type", "Truncate: bool = false"],
});

registerOp({
  type: "Cast",
  opDef: CAST_DEF,
  kernel: ([x], op) => {
    const input = x as tfc.Tensor;
    const dst = attrsOf(op, CAST_DEF).DstT;
    if ((input.dtype === "string") !== (dst === "string")) {
      throw new UnimplementedError(
        `Cast ${runtimeDTypeName(input.dtype as DType)} to ${runtimeDTypeName(dst)} is not supported`,
        op.name,
      );
    }
    // tfjs-backend-wasm's Cast to bool keeps the raw bytes (2 stays 2, -1 becomes 255);
    // TensorFlow's is `x != 0`.
    if (dst === "bool" && input.dtype !== "bool") return [tfc.notEqual(input, 0)];
    if (dst === "int64" && input.dtype === "float32") checkFitsInt32(input, op.name);
    return [tfc.cast(input, runtimeDType(dst))];
  },
});

/**
 * int64 is computed in int32 (see `runtimeDType`): a float too large for int32 cannot be
 * cast to int64 here, and is refused rather than wrapped.
 */
function checkFitsInt32(input: tfc.Tensor, opName: string): void {
  const outside = tfc.tidy(() =>
    tfc.any(tfc.logicalOr(tfc.greaterEqual(input, INT32_MAX + 1), tfc.less(input, INT32_MIN))),
  );
  const bad = outside.dataSync()[0] !== 0;
  outside.dispose();
  if (!bad) return;
  const values = input.dataSync() as Float32Array;
  const index = values.findIndex((v) => v >= INT32_MAX + 1 || v < INT32_MIN);
  const value = Math.trunc(values[index] as number);
  throw outsideInt32(
    `Cast '${opName}'`,
    Number.isFinite(value) ? BigInt(value).toString() : String(value),
    values.length > 1 ? index : null,
    opName,
  );
}

/** Builds a `Cast` op named exactly by `scope` (`gen_math_ops.cast`). */
export function castIn(graph: Graph, scope: string, x: Tensor, dtype: DType): Tensor {
  return makeOp(graph, "Cast", scope, [x], [{ dtype, shape: x.shape }], {
    SrcT: x.dtype,
    DstT: dtype,
    Truncate: false,
  }).outputs[0] as Tensor;
}

/** TF 1.15's `cast(x, dtype, name)`. */
const CAST_PARAMS = [
  req("x", tensorKind),
  req("dtype", dtypeKind),
  opt("name", stringKind),
] as const;

/**
 * Casts `x` to `dtype` (`tf.cast(x, dtype, name)`, op `Cast`). A tensor that already has
 * `dtype` is returned as is, with no op; floats cast to int32 truncate toward zero.
 *
 * @example
 * ```ts
 * const n = tf.cast(tf.constant([1.7, -1.7]), tf.int32);
 * n.op.type; // ==> Cast
 * using sess = new tf.Session();
 * sess.run(n); // ==> [ 1 -1]
 * ```
 */
export const cast = tfFunction("cast", CAST_PARAMS, (a) => castImpl(a.x, a.dtype, a.name));

function castImpl(x: TensorLike, dtype: DType, name: string | undefined): Tensor {
  const base = asDType(dtype);
  if (x instanceof Tensor && x.dtype === base) return x;
  return inOpScope(name, "Cast", [x], (scope, graph) => {
    const tx = convertToTensor(x, { name: "x", preferredDtype: base });
    if (tx.dtype === base) return tx;
    return castIn(graph, scope, tx, base);
  });
}
