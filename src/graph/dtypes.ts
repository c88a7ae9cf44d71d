/**
 * Data types. A dtype is its string name, the same string TensorFlow.js uses, so that a
 * graph tensor's dtype is also the dtype of the tfjs tensor that carries its value —
 * except int64, which TensorFlow.js does not have: an int64 tensor's value is carried by
 * an int32 tfjs tensor (see {@link runtimeDType}).
 */

/**
 * The element types a graph tensor can have. `resource` is the dtype of a handle to a
 * per-run resource (a `TensorArray`'s `handle`): graph-only, never a user value, so
 * {@link isDType} refuses it; at run time it is carried by an int32 scalar naming the
 * resource.
 */
export type DType = "float32" | "int32" | "int64" | "bool" | "string" | "resource";

/** The dtypes of the tfjs tensors that carry graph values at run time. */
export type RuntimeDType = "float32" | "int32" | "bool" | "string";

/** `tf.float32`. */
export const float32 = "float32" as const;
/** `tf.int32`. */
export const int32 = "int32" as const;
/** `tf.int64`: the dtype of `argmax`'s result and of the global step, as in TensorFlow. */
export const int64 = "int64" as const;
/** `tf.bool`. */
export const bool = "bool" as const;
/** `tf.string`. */
export const string = "string" as const;
/** `tf.resource`: the dtype of a resource handle (a `TensorArray`'s `handle`). */
export const resource = "resource" as const;

const ALL_DTYPES: ReadonlySet<string> = new Set<DType>([
  "float32",
  "int32",
  "int64",
  "bool",
  "string",
]);

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
  return dtype === "int32" || dtype === "int64";
}

/** The smallest int32 (TensorFlow.js computes int64 values in int32). */
export const INT32_MIN = -(2 ** 31);
/** The largest int32. */
export const INT32_MAX = 2 ** 31 - 1;

/**
 * The dtype of the tfjs tensor that carries a value of `dtype` at run time. TensorFlow.js
 * has no 64-bit integers, so kernels compute int64 values in int32; every place where an
 * int64 value enters the runtime (constants, feeds, restores, casts from float) checks that
 * it fits and refuses it with an error otherwise, rather than wrapping it silently.
 */
export function runtimeDType(dtype: DType): RuntimeDType {
  return dtype === "int64" || dtype === "resource" ? "int32" : dtype;
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
