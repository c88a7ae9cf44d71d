import { ValueError } from "../errors.js";
import { asDType, type DType } from "../graph/dtypes.js";
import { getDefaultGraph } from "../graph/graph.js";
import { isTensorConvertible, Tensor, toTensorSymbol, type TensorLike } from "../graph/tensor.js";
import { withNameScope } from "../scope/name_scope.js";
import { constantOp } from "./array/constant.js";
import { toConstValue } from "./const_value.js";

/** Options of {@link convertToTensor}. */
export interface ConvertOptions {
  dtype?: DType | null;
  /** The name of the `Const` op made for a JS value (in the current name scope). */
  name?: string;
  /** Ask a variable for its storage (`float32_ref`), as ops that write to it do. */
  asRef?: boolean;
  /** The dtype to use for a JS value when `dtype` is not given (TF's `preferred_dtype`). */
  preferredDtype?: DType | null;
}

/**
 * `tf.convert_to_tensor`: a `Tensor` as is, a `Variable` as its value (or its storage
 * with `asRef`), anything else as a new `Const` op.
 *
 * @example
 * ```ts
 * tf.convertToTensor([1, 2]).op.type; // "Const"
 * ```
 */
export function convertToTensor(value: TensorLike | unknown, options: ConvertOptions = {}): Tensor {
  const dtype =
    options.dtype === undefined || options.dtype === null ? null : asDType(options.dtype);
  if (value instanceof Tensor || isTensorConvertible(value)) {
    const t = value instanceof Tensor ? value : value[toTensorSymbol](options.asRef ?? false);
    if (dtype !== null && t.dtype !== dtype) {
      throw new ValueError(
        `Tensor conversion requested dtype ${dtype} for Tensor with dtype ${t.dtypeName}: '${t.toString()}'`,
      );
    }
    return t;
  }
  if (value === undefined || value === null) {
    throw new ValueError(`None values not supported.`);
  }
  const graph = getDefaultGraph();
  const constDType = dtype ?? preferredFor(value, options.preferredDtype ?? null);
  const constValue = toConstValue(value, constDType);
  return withNameScope(graph, options.name ?? "Const", (scope) =>
    constantOp(graph, scope, constValue),
  );
}

/** A preferred dtype applies only when the JS value converts to it without loss. */
function preferredFor(value: unknown, preferred: DType | null): DType | null {
  if (preferred === null) return null;
  try {
    toConstValue(value, preferred);
    return preferred;
  } catch {
    return null;
  }
}

/** Converts each of `values` with the same options (`convert_n_to_tensor`). */
export function convertAll(values: readonly unknown[], options: ConvertOptions = {}): Tensor[] {
  return values.map((v) => convertToTensor(v, options));
}
