import type { DType } from "./dtypes.js";
import type { NDArray } from "../ndarray/ndarray.js";
import type { Graph } from "./graph.js";
import type { Operation } from "./operation.js";
import { TensorShape, type ShapeLike } from "./tensor_shape.js";
// Types only: call_args.ts imports this module, and the session layer parses `eval`'s
// arguments (it declares them there).
import type { CallArgs, Param } from "./call_args.js";

/**
 * `Tensor.eval(feed_dict=None, session=None)`: a feed dict (a `Map` or a plain object
 * keyed by tensor name) and a `tf.Session`.
 */
export type TensorEvalParams = readonly [
  Param<"feedDict", ReadonlyMap<unknown, unknown> | Readonly<Record<string, unknown>>, false>,
  Param<"session", { run(...args: never[]): unknown }, false>,
];
import type { SliceItem } from "./slice_spec.js";

/**
 * Objects that stand for a tensor where ops take one (a `Variable`): the op asks for
 * the tensor with `asRef` true when it writes to it (`Assign`) and false when it reads.
 */
export const toTensorSymbol: unique symbol = Symbol.for("scopeflow.toTensor");

/** Something an op accepts in place of a `Tensor`, by conversion. */
export interface TensorConvertible {
  [toTensorSymbol](asRef: boolean): Tensor;
}

/** Typed arrays accepted as values. */
export type TypedArray =
  | Float32Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Float64Array
  | Int16Array
  | Int8Array
  | Uint16Array
  | Uint32Array;

/** A JS value that converts to a constant: a scalar or (nested) array (`bigint` is int64). */
export type ScalarValue = number | bigint | boolean | string;
/** A nested array of scalars, as `tf.constant` takes it. */
export type NestedArray = ScalarValue | TypedArray | readonly NestedArray[];

/** Anything an op takes where TensorFlow takes a tensor (`convert_to_tensor`'s input). */
export type TensorLike = Tensor | TensorConvertible | NestedArray;

/**
 * Python's binary operators that `Tensor` methods build, by their dunder name (`x + y` is
 * `add`): not the public functions (`tf.add` builds a different op type).
 */
export type PythonOperatorName = "add" | "sub" | "mul" | "truediv" | "pow" | "mod" | "matmul";

/**
 * How `Tensor`'s operator methods and `eval` reach the layers above `graph/` (op
 * definitions, sessions) without `graph/` importing them: those layers install these.
 */
export interface TensorHooks {
  pythonOperator(op: PythonOperatorName, x: TensorLike, y: TensorLike, name?: string): Tensor;
  unary(op: "neg", x: TensorLike, name?: string): Tensor;
  /** Python's `x[...]` (`_slice_helper`): a `StridedSlice` named `strided_slice`. */
  getitem(x: TensorLike, items: readonly SliceItem[]): Tensor;
  /** `Tensor.eval`'s arguments as given: the session layer parses them. */
  evaluate(t: Tensor, args: readonly unknown[]): NDArray;
}

let hooks: TensorHooks | null = null;

/** Installs the operator and evaluation hooks (called once by the package's entry). */
export function installTensorHooks(h: TensorHooks): void {
  hooks = h;
}

function need(): TensorHooks {
  if (hooks === null) throw new Error("scopeflow's ops are not loaded: import from 'scopeflow'");
  return hooks;
}

/**
 * The dtypes by their code in a tensor's bits: scopeflow's, then any other name a tensor
 * was made with (a graph's types are few), in the order first met.
 */
const DTYPE_OF_CODE: string[] = [
  "float32",
  "int32",
  "int64",
  "bool",
  "string",
  "variant",
  "resource",
];

/** The code of `dtype` in {@link DTYPE_OF_CODE}, added there when new. */
function dtypeCode(dtype: string): number {
  switch (dtype) {
    case "float32":
      return 0;
    case "int32":
      return 1;
    case "int64":
      return 2;
    case "bool":
      return 3;
  }
  let code = DTYPE_OF_CODE.indexOf(dtype);
  if (code < 0) {
    if (DTYPE_OF_CODE.length === 32) throw new Error(`Too many dtypes: cannot add ${dtype}.`);
    code = DTYPE_OF_CODE.push(dtype) - 1;
  }
  return code;
}

/**
 * A symbolic handle to one output of an `Operation`: TensorFlow's graph-mode `tf.Tensor`.
 * Holds no value; a `Session` computes one.
 *
 * @example
 * ```ts
 * const x = tf.constant([1, 2]);
 * x.name; // ==> Const:0
 * x.add(1).op.name; // ==> add
 * String(x); // ==> Tensor("Const:0", shape=(2,), dtype=float32)
 * ```
 */
export class Tensor implements TensorConvertible {
  /** The operation that produces this tensor. */
  readonly op: Operation;
  /**
   * {@link valueIndex}, {@link dtype} (its code, see {@link dtypeCode}) and {@link isRef} in
   * one small integer (index × 64 + code × 2 + ref): two fields less for every tensor a
   * graph keeps.
   */
  private readonly _bits: number;
  private _shape: TensorShape;
  private _name: string | null = null;
  /** The consumers: one kept as itself (a constant's, a read's), else an array. */
  private _consumers: Operation[] | Operation | null = null;

  constructor(op: Operation, valueIndex: number, dtype: DType, shape: TensorShape, isRef = false) {
    this.op = op;
    this._bits = valueIndex * 64 + dtypeCode(dtype) * 2 + (isRef ? 1 : 0);
    this._shape = shape;
  }

  /** Which output of `op` this is. */
  get valueIndex(): number {
    return this._bits >> 6;
  }

  /** The element type (the base type; see `isRef`). */
  get dtype(): DType {
    return DTYPE_OF_CODE[(this._bits >> 1) & 31] as DType;
  }

  /** Whether this is a reference to a variable's storage (TensorFlow's `float32_ref`). */
  get isRef(): boolean {
    return (this._bits & 1) === 1;
  }

  /** Operations that take this tensor as an input, in creation order. */
  get consumers(): Operation[] {
    const consumers = this._consumers;
    if (Array.isArray(consumers)) return consumers;
    const made = consumers === null ? [] : [consumers];
    this._consumers = made;
    return made;
  }

  /**
   * Records an op reading this tensor (the graph does, on creating it). A lone consumer is
   * kept without an array, the second gets one of its own size: most tensors have one or
   * two consumers (a variable's storage: its Assign and read), and pushing onto a full
   * array reserves room for 17 more.
   */
  _addConsumer(op: Operation): void {
    const consumers = this._consumers;
    if (consumers === null) this._consumers = op;
    else if (!Array.isArray(consumers)) this._consumers = [consumers, op];
    else if (consumers.length === 1) this._consumers = [consumers[0] as Operation, op];
    else consumers.push(op);
  }

  /** `"op_name:index"`. */
  get name(): string {
    if (this._name === null) this._name = `${this.op.name}:${this.valueIndex}`;
    return this._name;
  }

  /** The graph this tensor belongs to. */
  get graph(): Graph {
    return this.op.graph;
  }

  /** The device requested for the op that produces this tensor (`op.device`). */
  get device(): string {
    return this.op.device;
  }

  /** The static shape, as inferred when the graph was built. */
  get shape(): TensorShape {
    return this._shape;
  }

  /** TensorFlow's `get_shape()`. */
  getShape(): TensorShape {
    return this._shape;
  }

  /**
   * Narrows the static shape (`Tensor.set_shape`); throws `ValueError` if incompatible.
   *
   * @example
   * ```ts
   * const x = tf.placeholder(tf.float32);
   * x.setShape([2, 3]);
   * x.shape.toString(); // ==> (2, 3)
   * ```
   */
  setShape(shape: ShapeLike): void {
    this._shape = this._shape.mergeWith(TensorShape.from(shape));
  }

  /** The dtype as TensorFlow prints it: `float32_ref` for references. */
  get dtypeName(): string {
    return this.isRef ? `${this.dtype}_ref` : this.dtype;
  }

  [toTensorSymbol](): Tensor {
    return this;
  }

  /** `this + y`: an `add` op (type `AddV2`). */
  add(y: TensorLike): Tensor {
    return need().pythonOperator("add", this, y);
  }
  /** `this - y`: a `sub` op. */
  sub(y: TensorLike): Tensor {
    return need().pythonOperator("sub", this, y);
  }
  /** `this * y`: a `mul` op. */
  mul(y: TensorLike): Tensor {
    return need().pythonOperator("mul", this, y);
  }
  /** `this / y`: a `truediv` op (type `RealDiv` for floats). */
  div(y: TensorLike): Tensor {
    return need().pythonOperator("truediv", this, y);
  }
  /** `this ** y`: a `pow` op. */
  pow(y: TensorLike): Tensor {
    return need().pythonOperator("pow", this, y);
  }
  /** `this % y`: a `mod` op (type `FloorMod`). */
  mod(y: TensorLike): Tensor {
    return need().pythonOperator("mod", this, y);
  }
  /** `this @ y`: a `matmul` op (type `MatMul`). */
  matmul(y: TensorLike): Tensor {
    return need().pythonOperator("matmul", this, y);
  }
  /** `-this`: a `Neg` op. */
  neg(): Tensor {
    return need().unary("neg", this);
  }

  /**
   * Python's subscript `x[...]`: builds exactly the ops TensorFlow 1.15 builds for it (a
   * `StridedSlice` named `strided_slice`, its begin/end/strides in `strided_slice/stack`,
   * `strided_slice/stack_1`, `strided_slice/stack_2`, and the five masks as attrs). Each
   * argument is one item of the Python subscript:
   *
   * | Python            | scopeflow                             |
   * | ----------------- | ------------------------------------- |
   * | `x[0]`, `x[-1]`   | `x.get(0)`, `x.get(-1)`               |
   * | `x[1:3]`          | `x.get("1:3")`                        |
   * | `x[:, 3, :]`      | `x.get(":", 3, ":")`                  |
   * | `x[::-1]`, `x[-2:]`, `x[:-1]`, `x[::2]` | `x.get("::-1")`, `x.get("-2:")`, `x.get(":-1")`, `x.get("::2")` |
   * | `x[..., 0]`       | `x.get("...", 0)`                     |
   * | `x[:, None]`, `x[..., tf.newaxis]` | `x.get(":", null)`, `x.get("...", tf.newaxis)` |
   * | `x[t]` (scalar int tensor) | `x.get(t)`                   |
   * | `x[:t]`, `x[i:i + 2]`, `x[::t]` | `x.get(tf.sliceSpec(null, t))`, `x.get(tf.sliceSpec(i, i.add(2)))`, `x.get(tf.sliceSpec(null, null, t))` |
   * | `x[()]`           | `x.get()`                             |
   * | `tf.shape(x)[0]`  | `tf.shape(x).get(0)`                  |
   *
   * A slice string is `start:stop:step` with integers, any part empty; `"..."` is Python's
   * `Ellipsis`. Indices that are not integers or scalar int32/int64 tensors are
   * TensorFlow's `TypeError`.
   *
   * @example
   * ```ts
   * const x = tf.constant([[1, 2, 3], [4, 5, 6]]);
   * x.get(":", 1).op.name; // ==> strided_slice
   * using sess = new tf.Session();
   * sess.run(x.get(":", 1)); // ==> [2. 5.]
   * sess.run(x.get(-1, "::-1")); // ==> [6. 5. 4.]
   * x.get("...", null).shape.toString(); // ==> (2, 3, 1)
   * ```
   */
  get(...items: SliceItem[]): Tensor {
    return need().getitem(this, items);
  }

  /**
   * Computes this tensor in a session (the default one unless given): TF's
   * `eval(feed_dict=None, session=None)`.
   *
   * @example
   * ```ts
   * using sess = new tf.Session();
   * sess.asDefault(() => tf.constant(2).eval()); // ==> 2.0
   * ```
   */
  eval(...args: CallArgs<TensorEvalParams>): NDArray {
    return need().evaluate(this, args);
  }

  /** `Tensor("add:0", shape=(2,), dtype=float32)`; no `shape=` when even the rank is unknown. */
  toString(): string {
    const shape = this._shape.rank === null ? "" : `, shape=${this._shape.toString()}`;
    return `Tensor("${this.name}"${shape}, dtype=${this.dtypeName})`;
  }
}

/** Whether `value` can stand for a tensor by conversion (a `Tensor` or a `Variable`). */
export function isTensorConvertible(value: unknown): value is TensorConvertible {
  return typeof value === "object" && value !== null && toTensorSymbol in value;
}
