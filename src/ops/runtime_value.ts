import * as tfc from "@tensorflow/tfjs-core";
import { runtimeDType, type DType } from "../graph/dtypes.js";
import { narrowInt64 } from "../graph/int64.js";
import type { ConstValue } from "./const_value.js";

/**
 * The tfjs tensor that carries host values of graph dtype `dtype` at run time. int64 values
 * (a `BigInt64Array`) are narrowed to int32, refusing those that do not fit with an error
 * naming `what` (and `opName`, for the node line).
 *
 * @example
 * ```ts
 * const t = runtimeTensor(BigInt64Array.of(3n), [], "int64", "Const 'c'");
 * t.dtype; // ==> int32
 * t.dataSync()[0]; // ==> 3
 * t.dispose();
 * ```
 */
export function runtimeTensor(
  values: ConstValue["values"] | readonly string[],
  shape: readonly number[],
  dtype: DType,
  what: string,
  opName: string | null = null,
): tfc.Tensor {
  const data =
    values instanceof BigInt64Array
      ? narrowInt64(values, what, opName)
      : (values as tfc.TensorLike);
  return tfc.tensor(data as tfc.TensorLike, shape.slice(), runtimeDType(dtype));
}
