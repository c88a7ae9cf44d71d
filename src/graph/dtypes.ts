/**
 * Data types. A dtype is its string name, the same string TensorFlow.js uses, so that a
 * graph tensor's dtype is also the dtype of the tfjs tensor that carries its value.
 */

/** The element types a graph tensor can have. */
export type DType = "float32" | "int32" | "bool" | "string";

/** `tf.float32`. */
export const float32 = "float32" as const;
/** `tf.int32`. */
export const int32 = "int32" as const;
/** `tf.bool`. */
export const bool = "bool" as const;
/** `tf.string`. */
export const string = "string" as const;

const ALL_DTYPES: ReadonlySet<string> = new Set<DType>(["float32", "int32", "bool", "string"]);

/** Whether `value` names a dtype scopeflow supports. */
export function isDType(value: unknown): value is DType {
  return typeof value === "string" && ALL_DTYPES.has(value);
}

/** Whether arithmetic in this dtype is floating point (`dtype.is_floating`). */
export function isFloating(dtype: DType): boolean {
  return dtype === "float32";
}

/** Whether this dtype is an integer type (`dtype.is_integer`). */
export function isInteger(dtype: DType): boolean {
  return dtype === "int32";
}

/** Whether this dtype supports arithmetic (`+`, `*`). */
export function isNumeric(dtype: DType): boolean {
  return dtype === "float32" || dtype === "int32";
}

/**
 * The name TensorFlow prints for a dtype in runtime messages (`DataTypeString`):
 * `float` for float32, as in `... with dtype float and shape [?,2]`.
 */
export function runtimeDTypeName(dtype: DType): string {
  return dtype === "float32" ? "float" : dtype;
}

/** Checks a user-supplied dtype, with TensorFlow's message for an unknown one. */
export function asDType(value: unknown): DType {
  if (isDType(value)) return value;
  if (value === "float") return "float32";
  throw new TypeError(`Cannot convert value ${String(value)} to a TensorFlow DType.`);
}
