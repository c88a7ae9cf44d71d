import { ValueError } from "../errors.js";
import type { DType } from "../graph/dtypes.js";
import { asInt64 } from "../graph/int64.js";
import type { TypedArray } from "../graph/tensor.js";

/** A constant's value as stored in a `Const` op's `value` attr (int64 exactly, as bigints). */
export interface ConstValue {
  dtype: DType;
  shape: number[];
  values: Float32Array | Int32Array | BigInt64Array | Uint8Array | string[];
}

/** A value that already carries its shape and dtype (an `NDArray` from a session). */
export interface ShapedValue {
  shape: readonly number[];
  dtype: DType;
  data: Float32Array | Int32Array | BigInt64Array | Uint8Array | readonly string[];
}

/** Whether `value` looks like an `NDArray`. */
export function isShapedValue(value: unknown): value is ShapedValue {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<ShapedValue>;
  return Array.isArray(v.shape) && typeof v.dtype === "string" && v.data !== undefined;
}

function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** The shape of a nested array; non-rectangular input is TensorFlow's error. */
export function inferShape(value: unknown): number[] {
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level) || isTypedArray(level)) {
    const length = (level as ArrayLike<unknown>).length;
    shape.push(length);
    if (length === 0 || isTypedArray(level)) break;
    level = (level as unknown[])[0];
  }
  return shape;
}

function flattenInto(
  value: unknown,
  shape: readonly number[],
  depth: number,
  out: unknown[],
): void {
  if (depth === shape.length) {
    if (Array.isArray(value) || isTypedArray(value)) {
      throw new ValueError("Can't convert non-rectangular Python sequence to Tensor.");
    }
    out.push(value);
    return;
  }
  if (
    !(Array.isArray(value) || isTypedArray(value)) ||
    (value as ArrayLike<unknown>).length !== shape[depth]
  ) {
    throw new ValueError("Can't convert non-rectangular Python sequence to Tensor.");
  }
  if (isTypedArray(value)) {
    for (let i = 0; i < value.length; i++) out.push(value[i]);
    return;
  }
  for (const item of value as unknown[]) flattenInto(item, shape, depth + 1, out);
}

/**
 * The dtype a JS value converts to when none is asked for: numbers are float32, bigints
 * (and a `BigInt64Array`) int64.
 */
export function inferDType(flat: readonly unknown[], source: unknown): DType {
  if (source instanceof Int32Array) return "int32";
  if (source instanceof BigInt64Array) return "int64";
  if (source instanceof Uint8Array) return "int32";
  const first = flat[0];
  if (typeof first === "boolean") return "bool";
  if (typeof first === "string") return "string";
  if (typeof first === "bigint") return "int64";
  return "float32";
}

function pythonTypeName(value: unknown): string {
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "string") return "str";
  if (typeof value === "bigint") return "int";
  return typeof value;
}

function wrongType(expected: DType, value: unknown): TypeError {
  return new TypeError(
    `Expected ${expected}, got ${typeof value === "string" ? `'${value}'` : String(value)} of type '${pythonTypeName(value)}' instead.`,
  );
}

/** Packs flat JS values into the typed storage of `dtype`, checking each element. */
function pack(flat: readonly unknown[], dtype: DType): ConstValue["values"] {
  switch (dtype) {
    case "float32": {
      const out = new Float32Array(flat.length);
      for (let i = 0; i < flat.length; i++) {
        const v = flat[i];
        if (typeof v === "number") out[i] = v;
        else if (typeof v === "bigint") out[i] = Number(v);
        else throw wrongType(dtype, v);
      }
      return out;
    }
    case "int32": {
      const out = new Int32Array(flat.length);
      for (let i = 0; i < flat.length; i++) {
        const v = flat[i];
        const n = typeof v === "bigint" ? Number(v) : v;
        if (typeof n !== "number" || !Number.isInteger(n)) throw wrongType(dtype, v);
        out[i] = n;
      }
      return out;
    }
    case "int64": {
      const out = new BigInt64Array(flat.length);
      for (let i = 0; i < flat.length; i++) {
        const v = asInt64(flat[i]);
        if (v === null) throw wrongType(dtype, flat[i]);
        out[i] = v;
      }
      return out;
    }
    case "bool": {
      const out = new Uint8Array(flat.length);
      for (let i = 0; i < flat.length; i++) {
        const v = flat[i];
        if (typeof v !== "boolean") throw wrongType(dtype, v);
        out[i] = v ? 1 : 0;
      }
      return out;
    }
    case "string":
      return flat.map((v) => {
        if (typeof v !== "string") throw wrongType(dtype, v);
        return v;
      });
    case "resource":
      throw wrongType(dtype, flat[0]);
  }
}

/**
 * Converts a JS value (number, boolean, string, nested array, typed array, NDArray) to a
 * constant's value. With `shape`, a scalar is broadcast and a shorter list is padded
 * with its last element, as TensorFlow 1.x's `tf.constant` does.
 */
export function toConstValue(
  value: unknown,
  dtype?: DType | null,
  shape?: readonly number[] | null,
): ConstValue {
  let flat: unknown[];
  let valueShape: number[];
  let valueDType: DType;
  if (isShapedValue(value)) {
    flat = Array.from(value.data as ArrayLike<unknown>);
    if (value.dtype === "bool") flat = flat.map((x) => x !== 0 && x !== false);
    valueShape = value.shape.slice();
    valueDType = value.dtype;
  } else {
    valueShape = inferShape(value);
    flat = [];
    flattenInto(value, valueShape, 0, flat);
    valueDType = inferDType(flat, value);
  }
  const target = dtype ?? valueDType;
  if (shape === null || shape === undefined)
    return { dtype: target, shape: valueShape, values: pack(flat, target) };
  const size = shape.reduce((a, b) => a * b, 1);
  if (flat.length === size)
    return { dtype: target, shape: shape.slice(), values: pack(flat, target) };
  if (flat.length > size) {
    throw new ValueError(
      `Too many elements provided. Needed at most ${size}, but received ${flat.length}`,
    );
  }
  if (flat.length === 0)
    throw new ValueError(
      `Cannot create a tensor of shape [${shape.join(",")}] from an empty value.`,
    );
  const padded = flat.slice();
  while (padded.length < size) padded.push(flat[flat.length - 1]);
  return { dtype: target, shape: shape.slice(), values: pack(padded, target) };
}
