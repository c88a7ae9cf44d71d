/**
 * `NDArray`: the value `Session.run` returns, standing in for the NumPy array TensorFlow 1.x
 * returns, and printing exactly as NumPy prints it.
 */

import { isDType, type DType, type ValueDType } from "../graph/dtypes.js";
import { asInt64, int64ToNumber } from "../graph/int64.js";
import { pyTuple } from "../graph/pyformat.js";
import { ValueError } from "../errors.js";
import { arrayRepr, arrayStr, stridesOf, type ElementData } from "./arrayprint.js";

/**
 * The storage of an array of dtype `D`: `Float32Array`, `Int32Array`, `BigInt64Array`
 * (int64), `Uint8Array` (bool), `string[]`.
 *
 * int64 is stored as a `BigInt64Array` because it is the only JS storage that holds every
 * int64 exactly (a checkpoint's step count, a hash); element accessors (`item`, `get`,
 * `toArray`) still give plain numbers, which are exact up to 2^53.
 */
export type DataFor<D extends DType> = D extends "float32"
  ? Float32Array
  : D extends "int32"
    ? Int32Array
    : D extends "int64"
      ? BigInt64Array
      : D extends "bool"
        ? Uint8Array
        : string[];

/**
 * One element of an array of dtype `D`, as JavaScript sees it. For an array whose dtype is
 * not known statically (`NDArray` from `Session.run`) this is `number`, the common case:
 * check `.dtype` before reading a bool or string array's elements. int64 elements are
 * numbers too (exact; an element beyond 2^53 throws, read `.data` for it).
 */
export type ScalarFor<D extends DType> = [D] extends ["bool"]
  ? boolean
  : [D] extends ["string"]
    ? string
    : number;

/** A JavaScript element value (`bigint` for int64 values beyond what a number holds). */
export type Scalar = number | bigint | boolean | string;

/** A scalar or (nested) array of them, as `toArray()` returns. */
export type Nested<T> = T | Nested<T>[];

/** What {@link NDArray.fromNested} accepts: a scalar or nested arrays of scalars. */
export type NestedInput = Scalar | readonly NestedInput[];

/** What {@link NDArray.fromTypedArray} accepts as element storage. */
export type DataInput =
  | ArrayLike<number>
  | BigInt64Array
  | readonly bigint[]
  | readonly boolean[]
  | readonly string[]
  | readonly Uint8Array[];

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const utf8Decoder = new TextDecoder("utf-8");

function checkShape(shape: readonly number[]): void {
  if (!Array.isArray(shape)) {
    throw new ValueError(`shape must be an array of non-negative integers, got ${String(shape)}`);
  }
  for (const dim of shape) {
    if (!Number.isInteger(dim) || dim < 0) {
      throw new ValueError(
        `shape must be an array of non-negative integers, got [${shape.map(String).join(", ")}]`,
      );
    }
  }
}

function checkDType(dtype: unknown): asserts dtype is ValueDType {
  if (!isDType(dtype)) {
    throw new ValueError(
      `unsupported dtype ${String(dtype)}: expected float32, int32, int64, bool or string`,
    );
  }
}

/** Whether `data` is the storage class the dtype calls for (no conversion is done here). */
function storageMatches(data: unknown, dtype: ValueDType): boolean {
  switch (dtype) {
    case "float32":
      return data instanceof Float32Array;
    case "int32":
      return data instanceof Int32Array;
    case "int64":
      return data instanceof BigInt64Array;
    case "bool":
      return data instanceof Uint8Array;
    case "string":
      return Array.isArray(data) && data.every((s) => typeof s === "string");
  }
}

const STORAGE_NAMES: Record<ValueDType, string> = {
  float32: "Float32Array",
  int32: "Int32Array",
  int64: "BigInt64Array",
  bool: "Uint8Array",
  string: "string[]",
};

function storageName(data: unknown): string {
  if (Array.isArray(data)) return "Array";
  if (typeof data === "object" && data !== null) return data.constructor.name;
  return typeof data;
}

function productOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Converts any accepted storage to the one the dtype calls for, copying only when needed. */
function toStorage(data: DataInput, dtype: ValueDType): ElementData {
  if (storageMatches(data, dtype)) return data as ElementData;
  const items = Array.from(data as ArrayLike<unknown>);
  switch (dtype) {
    case "float32":
      return Float32Array.from(items.map((v) => numberItem(v, dtype)));
    case "int32":
      return Int32Array.from(
        items.map((v) => numberItem(typeof v === "bigint" ? Number(v) : v, dtype)),
      );
    case "int64":
      return BigInt64Array.from(items.map((v) => int64Item(v)));
    case "bool":
      return Uint8Array.from(items.map((v) => (boolItem(v) ? 1 : 0)));
    case "string":
      // TensorFlow.js hands string tensors over as UTF-8 byte arrays.
      return items.map((v) => (v instanceof Uint8Array ? utf8Decoder.decode(v) : stringItem(v)));
  }
}

function numberItem(value: unknown, dtype: DType): number {
  if (typeof value === "number") return value;
  throw new ValueError(`cannot store ${describe(value)} in an array of dtype ${dtype}`);
}

function int64Item(value: unknown): bigint {
  const v = asInt64(value);
  if (v !== null) return v;
  throw new ValueError(`cannot store ${describe(value)} in an array of dtype int64`);
}

function boolItem(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  return numberItem(value, "bool") !== 0;
}

function stringItem(value: unknown): string {
  if (typeof value === "string") return value;
  throw new ValueError(`cannot store ${describe(value)} in an array of dtype string`);
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return "a Uint8Array";
  return typeof value === "string" ? JSON.stringify(value) : `${String(value)} (${typeof value})`;
}

/** NumPy's message for a ragged nested list. */
function inhomogeneous(shape: readonly number[], depth: number): ValueError {
  return new ValueError(
    "setting an array element with a sequence. The requested array has an inhomogeneous " +
      `shape after ${depth} dimensions. The detected shape was ` +
      `${pyTuple(shape.slice(0, depth))} + inhomogeneous part.`,
  );
}

/** The shape a nested array implies, read along its first elements. */
function nestedShape(value: NestedInput): number[] {
  const shape: number[] = [];
  let current: NestedInput = value;
  while (Array.isArray(current)) {
    shape.push(current.length);
    if (current.length === 0) break;
    current = (current as readonly NestedInput[])[0];
  }
  return shape;
}

/** Flattens a nested array in row-major order, checking that every branch has `shape`. */
function flattenNested(value: NestedInput, shape: readonly number[]): Scalar[] {
  const out: Scalar[] = [];
  const visit = (node: NestedInput, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(node)) throw inhomogeneous(shape, depth);
      out.push(node as Scalar);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) throw inhomogeneous(shape, depth);
    for (const child of node as readonly NestedInput[]) visit(child, depth + 1);
  };
  visit(value, 0);
  return out;
}

function isInt32(value: Scalar): boolean {
  return (
    typeof value === "number" && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX
  );
}

/**
 * The dtype `tf.constant` would give these values: bool, string, int32 for integers that fit,
 * float32 for other numbers (and for no values at all).
 */
function inferDType(values: readonly Scalar[]): ValueDType {
  if (values.length === 0) return "float32";
  const kinds = new Set(values.map((v) => typeof v));
  if (kinds.size > 1) {
    throw new ValueError(
      `cannot build an array from mixed element types (${[...kinds].sort().join(", ")}); pass values of one type`,
    );
  }
  const kind = typeof values[0];
  if (kind === "boolean") return "bool";
  if (kind === "string") return "string";
  if (kind === "bigint") return "int64";
  if (kind !== "number") throw new ValueError(`cannot build an array from ${describe(values[0])}`);
  return values.every(isInt32) ? "int32" : "float32";
}

/** Packs checked scalars into the storage for `dtype`, with TensorFlow's strictness on kinds. */
function packScalars(values: readonly Scalar[], dtype: ValueDType): ElementData {
  const expect = (value: Scalar, ok: boolean): void => {
    if (!ok) throw new ValueError(`Expected ${dtype}, got ${describe(value)} instead.`);
  };
  switch (dtype) {
    case "float32":
      values.forEach((v) => expect(v, typeof v === "number"));
      return Float32Array.from(values as number[]);
    case "int32":
      values.forEach((v) => expect(v, isInt32(v)));
      return Int32Array.from(values as number[]);
    case "int64":
      values.forEach((v) => expect(v, asInt64(v) !== null));
      return BigInt64Array.from(values, (v) => asInt64(v) as bigint);
    case "bool":
      values.forEach((v) => expect(v, typeof v === "boolean"));
      return Uint8Array.from(values.map((v) => (v ? 1 : 0)));
    case "string":
      values.forEach((v) => expect(v, typeof v === "string"));
      return [...(values as string[])];
  }
}

/** The shape two shapes broadcast to, with NumPy's error when they do not. */
function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ValueError(
        `operands could not be broadcast together with shapes ${pyTuple(a)} ${pyTuple(b)}`,
      );
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Maps each flat index of the broadcast shape to a flat index of an operand of `shape`. */
function broadcastIndexer(
  shape: readonly number[],
  target: readonly number[],
): (flat: number) => number {
  const strides = stridesOf(shape);
  const targetStrides = stridesOf(target);
  const offset = target.length - shape.length;
  return (flat) => {
    let index = 0;
    for (let axis = 0; axis < shape.length; axis++) {
      const coordinate = Math.floor(flat / targetStrides[axis + offset]) % target[axis + offset];
      if (shape[axis] !== 1) index += coordinate * strides[axis];
    }
    return index;
  };
}

/** NumPy's `isclose` for one pair: infinities must match exactly, NaN is never close. */
function isClose(a: number, b: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

/**
 * An n-dimensional array of float32, int32, int64, bool or string elements, in row-major order.
 *
 * `toString()` prints as NumPy's `str(arr)` does and Node's `console.log` shows NumPy's
 * `repr(arr)`, so that output matches what TensorFlow 1.x programs print.
 *
 * @example
 * ```ts
 * const a = new NDArray(new Float32Array([1, 2, 3, 4]), [2, 2], "float32");
 * String(a); // ==> [[1. 2.]
 *            //      [3. 4.]]
 * a.get(1, 0); // ==> 3
 * ```
 */
export class NDArray<D extends DType = DType> {
  /** Length along each axis; `[]` for a scalar. */
  readonly shape: number[];
  readonly dtype: D;
  /** The elements in row-major order. */
  readonly data: DataFor<D>;
  /** Number of elements: the product of `shape` (1 for a scalar). */
  readonly size: number;
  /** A string array's elements as given in bytes, when they came as bytes (see {@link bytes}). */
  #bytes: readonly Uint8Array[] | null = null;

  /**
   * Wraps `data` (not copied) as an array of `shape`; the storage must already be the one
   * `dtype` calls for and hold exactly as many elements as the shape.
   *
   * @example
   * ```ts
   * String(new NDArray(new Int32Array([1, 2, 3]), [3], "int32")); // ==> [1 2 3]
   * ```
   */
  constructor(data: DataFor<D>, shape: readonly number[], dtype: D) {
    checkDType(dtype);
    checkShape(shape);
    if (!storageMatches(data, dtype)) {
      throw new ValueError(
        `an array of dtype ${dtype} stores its elements in a ${STORAGE_NAMES[dtype]}, got ${storageName(data)}`,
      );
    }
    const size = productOf(shape);
    if (data.length !== size) {
      throw new ValueError(
        `cannot reshape array of size ${data.length} into shape ${pyTuple(shape)}`,
      );
    }
    this.shape = [...shape];
    this.dtype = dtype;
    this.data = data;
    this.size = size;
  }

  /**
   * Builds an array from flat storage, converting it to the dtype's storage when it is another
   * kind: any array of numbers (or booleans, for bool), or for strings `string[]` or UTF-8
   * `Uint8Array[]` (what TensorFlow.js's `dataSync()` gives for string tensors). Storage of the
   * right kind is used as is, not copied.
   *
   * @example
   * ```ts
   * NDArray.fromTypedArray([1, 2, 3, 4], [2, 2], "float32").toString(); // ==> [[1. 2.]
   *                                                                     //      [3. 4.]]
   * ```
   */
  static fromTypedArray<D extends DType>(
    data: DataInput,
    shape: readonly number[],
    dtype: D,
  ): NDArray<D> {
    checkDType(dtype);
    const array = new NDArray<D>(toStorage(data, dtype) as DataFor<D>, shape, dtype);
    if (
      dtype === "string" &&
      Array.from(data as ArrayLike<unknown>).every((v) => v instanceof Uint8Array)
    )
      array.#bytes = Array.from(data as readonly Uint8Array[]);
    return array;
  }

  /**
   * A string array's elements as byte strings (Python's `bytes`, what TensorFlow returns
   * for string tensors): the bytes the array was built from, or each string's UTF-8
   * encoding. `data` holds the UTF-8 decoding, which cannot hold bytes that are not
   * UTF-8 (a serialized protocol buffer): read those here.
   *
   * @example
   * ```ts
   * const a = NDArray.fromTypedArray([Uint8Array.of(0xff, 1)], [], "string");
   * Array.from(a.bytes()[0]).join(","); // ==> 255,1
   * NDArray.fromNested("é").bytes()[0].length; // ==> 2
   * ```
   */
  bytes(): Uint8Array[] {
    if (this.dtype !== "string")
      throw new ValueError(`bytes() reads string arrays; this array's dtype is ${this.dtype}`);
    if (this.#bytes !== null) return this.#bytes.slice();
    const encoder = new TextEncoder();
    return (this.data as string[]).map((s) => encoder.encode(s));
  }

  /**
   * Builds an array from a scalar or nested arrays, inferring the shape. Without `dtype` the
   * dtype is the one `tf.constant` would pick: bool, string, int32 for integers, else float32.
   * Ragged nesting and mixed element kinds throw {@link ValueError}.
   *
   * @example
   * ```ts
   * NDArray.fromNested([[1, 2], [3, 4]]).dtype; // ==> int32
   * NDArray.fromNested([1, 2], "float32").toString(); // ==> [1. 2.]
   * NDArray.fromNested(20.5).toString(); // ==> 20.5
   * ```
   */
  static fromNested(value: NestedInput): NDArray;
  static fromNested<D extends DType>(value: NestedInput, dtype: D): NDArray<D>;
  static fromNested(value: NestedInput, dtype?: DType): NDArray {
    const shape = nestedShape(value);
    const values = flattenNested(value, shape);
    let resolved: ValueDType;
    if (dtype !== undefined) {
      checkDType(dtype);
      resolved = dtype;
    } else {
      resolved = inferDType(values);
    }
    return new NDArray(packScalars(values, resolved), shape, resolved);
  }

  /** Number of axes (`ndarray.ndim`). */
  get ndim(): number {
    return this.shape.length;
  }

  private elementAt(flat: number): ScalarFor<D> {
    const value = this.data[flat];
    if (typeof value === "bigint") return int64ToNumber(value) as ScalarFor<D>;
    return (this.dtype === "bool" ? value !== 0 : value) as ScalarFor<D>;
  }

  /**
   * The single element of a one-element array (`ndarray.item()`), throwing NumPy's error
   * otherwise.
   *
   * @example
   * ```ts
   * NDArray.fromNested([[7]]).item(); // ==> 7
   * ```
   */
  item(): ScalarFor<D> {
    if (this.size !== 1)
      throw new ValueError("can only convert an array of size 1 to a Python scalar");
    return this.elementAt(0);
  }

  /**
   * One element, by one index per axis; negative indices count from the end, as in NumPy.
   *
   * @example
   * ```ts
   * NDArray.fromNested([[1, 2], [3, 4]]).get(1, -1); // ==> 4
   * ```
   */
  get(...indices: number[]): ScalarFor<D> {
    if (indices.length > this.ndim) {
      throw new ValueError(
        `too many indices for array: array is ${this.ndim}-dimensional, but ${indices.length} were indexed`,
      );
    }
    if (indices.length < this.ndim) {
      throw new ValueError(
        `get() takes one index per axis: array is ${this.ndim}-dimensional, but ${indices.length} were indexed ` +
          "(use toArray() for sub-arrays)",
      );
    }
    const strides = stridesOf(this.shape);
    let flat = 0;
    indices.forEach((index, axis) => {
      const length = this.shape[axis];
      if (!Number.isInteger(index) || index < -length || index >= length) {
        throw new ValueError(
          `index ${index} is out of bounds for axis ${axis} with size ${length}`,
        );
      }
      flat += (index < 0 ? index + length : index) * strides[axis];
    });
    return this.elementAt(flat);
  }

  /**
   * The elements as nested JavaScript arrays (`ndarray.tolist()`); a plain value for a scalar.
   *
   * @example
   * ```ts
   * JSON.stringify(NDArray.fromNested([[true], [false]]).toArray()); // ==> [[true],[false]]
   * ```
   */
  toArray(): Nested<ScalarFor<D>> {
    const build = (axis: number, offset: number, stride: number): Nested<ScalarFor<D>> => {
      if (axis === this.ndim) return this.elementAt(offset);
      const childStride = stride / this.shape[axis];
      return Array.from({ length: this.shape[axis] }, (_, i) =>
        build(axis + 1, offset + i * childStride, childStride),
      );
    };
    return build(0, 0, this.size);
  }

  /**
   * Whether `other` has the same shape and equal elements (`np.array_equal`): values are
   * compared, not dtypes, so int32 `[1, 2]` equals float32 `[1., 2.]`; NaN equals nothing.
   *
   * @example
   * ```ts
   * NDArray.fromNested([1, 2]).equals([1, 2]); // ==> true
   * ```
   */
  equals(other: NDArray | NestedInput): boolean {
    const b = other instanceof NDArray ? other : NDArray.fromNested(other);
    if (b.ndim !== this.ndim || b.shape.some((d, i) => d !== this.shape[i])) return false;
    if ((this.dtype === "string") !== (b.dtype === "string")) return false;
    for (let i = 0; i < this.size; i++) {
      const x = this.data[i];
      const y = b.data[i];
      // int64 elements are bigints: compare them with numbers by value.
      const same =
        typeof x === typeof y
          ? x === y
          : Number(x as number | bigint) === Number(y as number | bigint);
      if (!same) return false;
    }
    return true;
  }

  /**
   * Whether every element is within `atol + rtol * |other|` of `other`'s, broadcasting the
   * two shapes (`np.allclose`). NaN is close to nothing; infinities only to themselves.
   *
   * @example
   * ```ts
   * NDArray.fromNested([1, 2], "float32").allClose([1.000001, 2]); // ==> true
   * ```
   */
  allClose(other: NDArray | NestedInput, rtol = 1e-5, atol = 1e-8): boolean {
    const b = other instanceof NDArray ? other : NDArray.fromNested(other);
    if (this.dtype === "string" || b.dtype === "string") {
      throw new ValueError("allClose compares numbers: string arrays cannot be compared this way");
    }
    const target = broadcastShapes(this.shape, b.shape);
    const indexA = broadcastIndexer(this.shape, target);
    const indexB = broadcastIndexer(b.shape, target);
    const aData = this.data as ArrayLike<number | bigint>;
    const bData = b.data as ArrayLike<number | bigint>;
    const count = productOf(target);
    for (let i = 0; i < count; i++) {
      const x = Number(aData[indexA(i)]);
      if (!isClose(x, Number(bData[indexB(i)]), rtol, atol)) return false;
    }
    return true;
  }

  /**
   * NumPy's `str(arr)`, what `print(arr)` shows: `[1. 1.]`, `[[1 2]\n [3 4]]`, `20.5`.
   *
   * @example
   * ```ts
   * `${NDArray.fromNested([true, false])}`; // ==> [ True False]
   * ```
   */
  toString(): string {
    return arrayStr(this);
  }

  /**
   * NumPy's `repr(arr)`: `array([1., 1.], dtype=float32)`.
   *
   * @example
   * ```ts
   * NDArray.fromNested([1, 2, 3]).repr(); // ==> array([1, 2, 3], dtype=int32)
   * ```
   */
  repr(): string {
    return arrayRepr(this);
  }

  /** Node's `util.inspect` (and so `console.log`) shows the NumPy repr. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.repr();
  }
}
