import { ValueError } from "../errors.js";
import {
  alias,
  anyKind,
  dtypeKind,
  kind,
  opt,
  req,
  shapeKind,
  stringKind,
  tensorKind,
  tfFunction,
} from "../graph/call_args.js";
import { asDType, type DType } from "../graph/dtypes.js";
import { getDefaultGraph, type Graph } from "../graph/graph.js";
import { isTensorConvertible, Tensor, toTensorSymbol, type TensorLike } from "../graph/tensor.js";
import type { ShapeLike } from "../graph/tensor_shape.js";
import { withNameScope } from "../scope/name_scope.js";
import { castIn } from "./array/cast.js";
import { constantOp } from "./array/constant.js";
import { packIn } from "./array/pack_core.js";
import { toConstValue } from "./const_value.js";

/**
 * A value that converts to a tensor, where arrays may also hold tensors (packed into a
 * `Pack` op, as TensorFlow's autopacking does): `[tf.shape(x)[0], -1]`.
 */
export type Packable = TensorLike | readonly Packable[];

function isPackable(v: unknown): boolean {
  return Array.isArray(v) ? v.every(isPackable) : v !== undefined && tensorKind.check(v);
}

/** A tensor, or a (nested) list of numbers and tensors (`[tf.shape(x)[0], -1]`). */
export const packableKind = kind<Packable>(
  "a Tensor or a (nested) list of numbers and Tensors",
  isPackable,
);

/** A shape argument: static dims, a `TensorShape`, a 1-D int tensor, or a packable list. */
export const shapeArgKind = kind<ShapeLike | Packable>(
  "a shape (a list of ints, a TensorShape) or a 1-D int Tensor",
  (v) => shapeKind.check(v) || isPackable(v),
);

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
 * tf.convertToTensor([1, 2]).op.type; // ==> Const
 * ```
 */
export function convertToTensor(value: TensorLike | unknown, options: ConvertOptions = {}): Tensor {
  const dtype =
    options.dtype === undefined || options.dtype === null ? null : asDType(options.dtype);
  if (value instanceof Tensor || isTensorConvertible(value)) {
    let t = value instanceof Tensor ? value : value[toTensorSymbol](options.asRef ?? false);
    const wanted = dtype ?? options.preferredDtype ?? null;
    if (wanted === "int32" && t.dtype === "float32" && undecidedLiterals(t.graph).has(t)) {
      t = withNameScope(t.graph, options.name ?? "Cast", (scope) =>
        castIn(t.graph, scope, t, "int32"),
      );
    }
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
  if (Array.isArray(value) && containsTensor(value)) {
    return autopack(graph, value, dtype, options.preferredDtype ?? null, options.name ?? "packed");
  }
  const constDType = dtype ?? preferredFor(value, options.preferredDtype ?? null);
  const constValue = toConstValue(value, constDType);
  // As TF's `constant`: `create_op` in the current scope, no name scope of its own.
  return constantOp(graph, options.name ?? "Const", constValue);
}

/**
 * Tensors whose dtype came from a JS number literal that nothing decided
 * (`tf.placeholderWithDefault(0, [])`): float32, where Python's `0` would have made int32.
 * An op that needs an int32 index (a slice's `begin`, a shape) reads such a tensor through
 * a `Cast` instead of refusing float32, so the ported line means what it meant.
 */
const UNDECIDED_LITERALS = Symbol("undecidedLiterals");

/** The graph's set of such tensors (per-graph state, as the graph keeps its collections). */
function undecidedLiterals(graph: Graph): WeakSet<Tensor> {
  return graph.getExtension(UNDECIDED_LITERALS, () => new WeakSet<Tensor>());
}

/**
 * Records that `t`'s float32 dtype was a default for an integral JS number literal, not a
 * decision (see {@link convertToTensor}).
 */
export function markUndecidedLiteral(t: Tensor): void {
  undecidedLiterals(t.graph).add(t);
}

/** Whether `value` is a JS number, or nested array of numbers, all integers. */
export function isIntegralLiteral(value: unknown): boolean {
  if (typeof value === "number") return Number.isInteger(value);
  if (Array.isArray(value)) return value.every(isIntegralLiteral);
  return false;
}

/** TF 1.15's `convert_to_tensor(value, dtype, name, preferred_dtype, dtype_hint)`. */
const CONVERT_PARAMS = [
  req("value", anyKind<unknown>("a value convertible to a Tensor", false)),
  opt("dtype", dtypeKind),
  opt("name", stringKind),
  opt("preferredDtype", dtypeKind),
  alias("dtypeHint", "preferredDtype", dtypeKind),
] as const;

/**
 * `tf.convert_to_tensor(value, dtype, name, preferred_dtype, dtype_hint)`: a `Tensor` as
 * is, a `Variable` as its value, anything else as a new `Const` op (named `name`).
 * `preferredDtype` (or `dtypeHint`) is the dtype a JS value takes when it converts to it.
 *
 * @example
 * ```ts
 * tf.convertToTensor([1, 2]).op.type; // "Const"
 * ```
 */
export const publicConvertToTensor = tfFunction("convertToTensor", CONVERT_PARAMS, (a) =>
  convertToTensor(a.value, {
    dtype: a.dtype ?? null,
    name: a.name,
    preferredDtype: a.preferredDtype ?? null,
  }),
);

function isTensorLike(value: unknown): boolean {
  return value instanceof Tensor || isTensorConvertible(value);
}

/** Whether a (nested) JS array holds a tensor or variable somewhere. */
function containsTensor(value: readonly unknown[]): boolean {
  return value.some((v) => isTensorLike(v) || (Array.isArray(v) && containsTensor(v)));
}

function firstTensorDType(value: readonly unknown[], preferred: DType | null): DType | null {
  for (const v of value) {
    if (isTensorLike(v)) {
      const t = convertToTensor(v);
      return preferred === "int32" && undecidedLiterals(t.graph).has(t) ? preferred : t.dtype;
    }
    if (Array.isArray(v)) {
      const d = firstTensorDType(v, preferred);
      if (d !== null) return d;
    }
  }
  return null;
}

/**
 * TensorFlow's autopacking: a JS array that holds tensors becomes a `Pack` op named
 * `name` (nested arrays pack recursively, named by their index), its plain elements
 * constants named by their index: `tf.reshape(x, [tf.shape(x)[0], -1])`.
 */
function autopack(
  graph: Graph,
  value: readonly unknown[],
  dtype: DType | null,
  preferred: DType | null,
  name: string,
): Tensor {
  const target = dtype ?? (firstTensorDType(value, preferred) as DType);
  return withNameScope(graph, name, (scope) => {
    const elems = value.map((v, i) => {
      if (isTensorLike(v)) {
        const t = convertToTensor(v, { preferredDtype: target });
        if (t.dtype !== target) {
          throw new TypeError(
            `Cannot convert a list containing a tensor of dtype ${t.dtype} to ${target} (Tensor is: ${t.toString()})`,
          );
        }
        return t;
      }
      if (Array.isArray(v) && containsTensor(v))
        return autopack(graph, v, target, preferred, String(i));
      return v;
    });
    const tensors = elems.map((v, i) =>
      v instanceof Tensor
        ? v
        : constantOp(graph, `${graph.uniqueName(String(i))}/`, toConstValue(v, target)),
    );
    return packIn(graph, scope, tensors, 0);
  });
}

/**
 * Converts the values of a list input (`values` of `ConcatV2`, `Pack`) as op_def_library
 * does: JS values take the dtype of the first tensor, are named `values_0`, `values_1`, …,
 * and all must end up with one dtype.
 */
export function convertList(values: readonly unknown[], name: string, opType: string): Tensor[] {
  let preferred: DType | null = null;
  for (const v of values) {
    if (isTensorLike(v)) {
      preferred = convertToTensor(v).dtype;
      break;
    }
  }
  const tensors = values.map((v, i) =>
    convertToTensor(v, { name: `${name}_${i}`, preferredDtype: preferred }),
  );
  const first = tensors[0];
  if (first !== undefined && tensors.some((t) => t.dtype !== first.dtype)) {
    throw new TypeError(
      `Tensors in list passed to '${name}' of '${opType}' Op have types [${tensors.map((t) => t.dtype).join(", ")}] that don't all match.`,
    );
  }
  return tensors;
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
