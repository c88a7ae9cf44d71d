import type * as tfc from "@tensorflow/tfjs-core";
import { ValueError } from "../errors.js";
import type { DType } from "../graph/dtypes.js";
import { GraphTable } from "../graph/graph_table.js";
import type { Tensor } from "../graph/tensor.js";
import { TensorShape, type Dim } from "../graph/tensor_shape.js";
import type { ConstValue } from "./const_value.js";
import { sliceConstValue, type StridedSliceMasks } from "./strided_slice_spec.js";

/*
 * Build-time evaluation of small tensors (TensorFlow's `tensor_util.constant_value` and
 * `constant_value_as_shape`): shape functions use it to infer static shapes, and op
 * builders use it to precompute kernel attributes, so that kernels need not read values
 * back from the backend.
 */

function intValue(dtype: DType, shape: number[], values: readonly number[]): ConstValue {
  if (dtype === "int64") return { dtype, shape, values: BigInt64Array.from(values, BigInt) };
  return { dtype, shape, values: Int32Array.from(values) };
}

/** The integer dtype an op's output has (`Shape`/`Size`'s `out_type` may be int64). */
function intDTypeOf(t: Tensor): DType {
  return t.dtype === "int64" ? "int64" : "int32";
}

/**
 * A constant's elements as JS numbers (int64 ones exact up to 2^53, which covers any
 * shape, axis or index), for shape functions and op builders.
 */
export function constNumbers(value: ConstValue): number[] {
  return Array.from(value.values as ArrayLike<number | bigint>, Number);
}

/** Values recorded by {@link recordKnownInts}. */
const KNOWN_VALUES = new GraphTable<Tensor, ConstValue>("known values");

/**
 * Records the value an integer tensor will have when run, known while building although
 * {@link constantValue} cannot derive it from the ops (the reduction indices of a
 * `BroadcastGradientArgs` of static shapes, the offsets of a `ConcatOffset`, the paddings
 * a gradient assembles from shapes): TensorFlow's shape inference evaluates such constant
 * subgraphs. The builders of the tensor's consumers then see it as they see a constant:
 * their static shapes and the values their kernels would otherwise read back. `null`
 * records nothing.
 */
export function recordKnownInts(t: Tensor, values: readonly number[] | null): void {
  if (values === null) return;
  const shape = t.shape.isFullyDefined() ? (t.shape.asList() as number[]) : [values.length];
  KNOWN_VALUES.set(t.graph, t, intValue(intDTypeOf(t), shape, values));
}

/**
 * The value of `t` if it can be computed when the graph is built (`Const`, `Shape` of a
 * fully defined shape, `Size`, `Rank`, `Pack` and `ConcatV2` of constants, `Identity`,
 * `StopGradient`, `Cast` between numbers), else `null`.
 */
export function constantValue(t: Tensor): ConstValue | null {
  const op = t.op;
  const known = KNOWN_VALUES.get(t.graph, t);
  if (known !== undefined) return known;
  switch (op.type) {
    case "Const":
      return op.attrs.value as ConstValue;
    case "Identity":
    case "StopGradient":
      return constantValue(op.inputs[0] as Tensor);
    case "Shape": {
      const s = (op.inputs[0] as Tensor).shape;
      if (!s.isFullyDefined()) return null;
      const dims = s.asList() as number[];
      return intValue(intDTypeOf(t), [dims.length], dims);
    }
    case "Size": {
      const n = (op.inputs[0] as Tensor).shape.numElements();
      return n === null ? null : intValue(intDTypeOf(t), [], [n]);
    }
    case "Rank": {
      const r = (op.inputs[0] as Tensor).shape.rank;
      return r === null ? null : intValue("int32", [], [r]);
    }
    case "Cast": {
      const v = constantValue(op.inputs[0] as Tensor);
      const dst = op.attrs.DstT as DType;
      if (v === null || v.dtype === "string" || dst === "string") return null;
      if (dst === "int64" && v.dtype === "int64") return { ...v, dtype: "int64" };
      const nums = constNumbers(v);
      if (dst === "int32" || dst === "int64") {
        const ints = nums.map((x) => Math.trunc(x));
        if (dst === "int32") return intValue("int32", v.shape, ints);
        // A float beyond 2^53 (or NaN) has no exact int64 here: leave it to the kernel.
        if (!ints.every(Number.isSafeInteger)) return null;
        return intValue("int64", v.shape, ints);
      }
      if (dst === "bool")
        return { dtype: "bool", shape: v.shape, values: Uint8Array.from(nums, (x) => (x ? 1 : 0)) };
      return { dtype: "float32", shape: v.shape, values: Float32Array.from(nums) };
    }
    case "Pack": {
      if (op.attrs.axis !== 0) return null;
      return concatValues(op.inputs, true);
    }
    case "StridedSlice":
      return stridedSliceValue(op.inputs as Tensor[], op.attrs);
    case "Fill":
      return fillValue(t, op.inputs[1] as Tensor);
    case "ConcatV2": {
      const axis = constantValue(op.inputs[op.inputs.length - 1] as Tensor);
      if (axis === null || Number(axis.values[0]) !== 0) return null;
      return concatValues(op.inputs.slice(0, -1), false);
    }
    default:
      return null;
  }
}

/** Joins constant pieces along axis 0 (stacking when `stack`). */
function concatValues(inputs: readonly Tensor[], stack: boolean): ConstValue | null {
  const parts: ConstValue[] = [];
  for (const t of inputs) {
    const v = constantValue(t);
    if (v === null || v.dtype === "string") return null;
    parts.push(v);
  }
  const first = parts[0];
  if (first === undefined) return null;
  const inner = stack ? first.shape : first.shape.slice(1);
  let lead = 0;
  for (const p of parts) lead += stack ? 1 : (p.shape[0] ?? 1);
  const shape = [lead, ...inner];
  if (first.dtype === "int64") {
    const values = new BigInt64Array(parts.reduce((n, p) => n + p.values.length, 0));
    let at = 0;
    for (const p of parts) {
      for (const x of p.values as Iterable<number | bigint>) values[at++] = BigInt(x);
    }
    return { dtype: "int64", shape, values };
  }
  const flat: number[] = [];
  for (const p of parts) for (const x of constNumbers(p)) flat.push(x);
  if (first.dtype === "float32")
    return { dtype: "float32", shape, values: Float32Array.from(flat) };
  if (first.dtype === "bool") return { dtype: "bool", shape, values: Uint8Array.from(flat) };
  return intValue("int32", shape, flat);
}

/** A constant integer (int32 or int64) tensor's values as a plain list, or `null`. */
export function constantInts(t: Tensor): number[] | null {
  const v = constantValue(t);
  if (v === null || (v.dtype !== "int32" && v.dtype !== "int64")) return null;
  return constNumbers(v);
}

/** A constant scalar number (any numeric dtype), or `null`. */
export function constantScalar(t: Tensor): number | null {
  const v = constantValue(t);
  if (v === null || v.dtype === "string" || v.values.length !== 1) return null;
  return Number((v.values as ArrayLike<number | bigint>)[0]);
}

/**
 * The shape a 1-D shape tensor describes, as far as it is known when building
 * (`constant_value_as_shape`): `-1` entries and unknown elements are unknown dims.
 */
export function constantValueAsShape(t: Tensor): TensorShape {
  if (t.shape.rank === 0) {
    const v = constantValue(t);
    if (v === null) {
      throw new ValueError(
        "Received a scalar with unknown value as shape; require a statically known scalar with value '-1' to describe an unknown shape.",
      );
    }
    if (Number(v.values[0]) !== -1) {
      throw new ValueError(
        `Received a scalar value '${String(v.values[0])}' as shape; require a statically known scalar with value '-1' to describe an unknown shape.`,
      );
    }
    return TensorShape.unknown();
  }
  const len = t.shape.dims === null ? null : (t.shape.dims[0] ?? null);
  if (len === 0) return TensorShape.scalar();
  const op = t.op;
  if (op.type === "Shape") return (op.inputs[0] as Tensor).shape;
  if (op.type === "Pack" && op.attrs.axis === 0) {
    return new TensorShape(
      op.inputs.map((p) => {
        const v = constantScalar(p);
        return v === null || v < 0 ? null : v;
      }),
    );
  }
  if (op.type === "ConcatV2") {
    const dims: Dim[] = [];
    for (const part of op.inputs.slice(0, -1)) {
      const s = constantValueAsShape(part);
      if (s.dims === null)
        return len === null ? TensorShape.unknown() : TensorShape.unknownOfRank(len);
      dims.push(...s.dims);
    }
    return new TensorShape(dims);
  }
  const v = constantInts(t);
  if (v !== null) return new TensorShape(v.map((d) => (d >= 0 ? d : null)));
  if (op.type === "StridedSlice") {
    const partial = partialStridedSliceShape(op.inputs as Tensor[], op.attrs);
    if (partial !== null) return partial;
  }
  return len === null ? TensorShape.unknown() : TensorShape.unknownOfRank(len);
}

/** Reads a small integer tensor's values in a kernel (only when they were not known when building). */
export function readInts(t: tfc.Tensor): number[] {
  return Array.from(t.dataSync() as ArrayLike<number>);
}

/** Reads a scalar tensor's value in a kernel (only when it was not known when building). */
export function readScalar(t: tfc.Tensor): number {
  return Number((t.dataSync() as ArrayLike<number>)[0]);
}

// Larger constants are not sliced when building: their slices are rarely shapes, and
// slicing them on every shape query would cost more than it gives.
const MAX_SLICED_CONSTANT = 4096;

function stridedSliceMasks(attrs: Readonly<Record<string, unknown>>): StridedSliceMasks {
  return {
    beginMask: attrs.begin_mask as number,
    endMask: attrs.end_mask as number,
    ellipsisMask: attrs.ellipsis_mask as number,
    newAxisMask: attrs.new_axis_mask as number,
    shrinkAxisMask: attrs.shrink_axis_mask as number,
  };
}

/** A `Fill` of a known shape with a constant (`tf.ones_like(begin)`). */
function fillValue(t: Tensor, value: Tensor): ConstValue | null {
  const n = t.shape.numElements();
  if (n === null || n > MAX_SLICED_CONSTANT) return null;
  const v = constantValue(value);
  if (v === null || v.values.length !== 1) return null;
  const source = v.values as ArrayLike<unknown> & { constructor: unknown };
  const Ctor = source.constructor as new (n: number) => { [i: number]: unknown };
  const values = Array.isArray(source) ? new Array<unknown>(n) : new Ctor(n);
  for (let i = 0; i < n; i++) values[i] = source[0];
  return { dtype: v.dtype, shape: t.shape.asList() as number[], values } as ConstValue;
}

/** A `StridedSlice` of constants (`tf.shape(x)[0]` of a known shape), as TF's shape inference folds it. */
function stridedSliceValue(
  inputs: readonly Tensor[],
  attrs: Readonly<Record<string, unknown>>,
): ConstValue | null {
  const [x, b, e, s] = inputs as [Tensor, Tensor, Tensor, Tensor];
  const n = x.shape.numElements();
  if (n === null || n > MAX_SLICED_CONSTANT) return null;
  const input = constantValue(x);
  const begin = constantInts(b);
  const end = constantInts(e);
  const strides = constantInts(s);
  if (input === null || begin === null || end === null || strides === null) return null;
  return sliceConstValue(input, begin, end, strides, stridedSliceMasks(attrs));
}

/**
 * `tf.shape(x)[1:]` read as a shape when `x`'s shape is partly known (TF's
 * `PartialStridedSliceShape`): one range, begin/end masks at most on it, no other masks.
 */
function partialStridedSliceShape(
  inputs: readonly Tensor[],
  attrs: Readonly<Record<string, unknown>>,
): TensorShape | null {
  const [x, b, e, s] = inputs as [Tensor, Tensor, Tensor, Tensor];
  const m = stridedSliceMasks(attrs);
  if (m.ellipsisMask !== 0 || m.newAxisMask !== 0 || m.shrinkAxisMask !== 0) return null;
  if ((m.beginMask | 1) !== 1 || (m.endMask | 1) !== 1) return null;
  const one = (t: Tensor) => {
    const v = constantInts(t);
    return v !== null && v.length === 1 ? (v[0] as number) : null;
  };
  const stride = one(s);
  let start = m.beginMask === 1 ? 0 : one(b);
  let stop = m.endMask === 1 ? Number.MAX_SAFE_INTEGER : one(e);
  if (stride === null || start === null || stop === null || stride === 0) return null;
  const whole = constantValueAsShape(x);
  if (whole.dims === null) return null;
  const rank = whole.dims.length;
  // InferenceContext::Subshape's clamping; anything it would refuse stays unknown.
  start = Math.min(start, rank);
  stop = Math.min(stop, rank);
  if (stride < 0 && start === rank) start--;
  if (start < 0) start += rank;
  if (stop < 0) stop += rank;
  if (start < 0 || stop < 0 || (stride > 0 ? start > stop : start < stop)) return null;
  const dims: Dim[] = [];
  for (let i = start; stride > 0 ? i < stop : i > stop; i += stride)
    dims.push(whole.dims[i] as Dim);
  return new TensorShape(dims);
}

/**
 * The static shape a 1-D shape tensor describes: `constant_value_as_shape`, plus the
 * outputs of `ShapeN`.
 */
export function staticShapeOf(t: Tensor): TensorShape {
  if (t.op.type === "ShapeN") return (t.op.inputs[t.valueIndex] as Tensor).shape;
  return constantValueAsShape(t);
}

/** The values of a shape tensor when known at build time. */
export function staticInts(t: Tensor): number[] | null {
  const direct = constantInts(t);
  if (direct !== null) return direct;
  const s = staticShapeOf(t);
  return s.isFullyDefined() ? (s.asList() as number[]) : null;
}

/** A reduction index list: the tensor, and its value when known at build time. */
export interface Reduction {
  tensor: Tensor;
  value: number[] | null;
}
