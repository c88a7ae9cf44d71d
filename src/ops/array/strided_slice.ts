import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, ValueError } from "../../errors.js";
import {
  intKind,
  kind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import type { DType } from "../../graph/dtypes.js";
import type { Graph } from "../../graph/graph.js";
import type { Operation } from "../../graph/operation.js";
import { pyList, pyRepr } from "../../graph/pyformat.js";
import { SliceSpec, type SliceBound } from "../../graph/slice_spec.js";
import {
  isTensorConvertible,
  Tensor,
  toTensorSymbol,
  type TensorConvertible,
  type TensorLike,
} from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { graphFromValues } from "../../scope/name_scope.js";
import type { ConstValue } from "../const_value.js";
import { convertToTensor, type Packable } from "../convert.js";
import { pythonOperator } from "../math/operators.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { checkOpInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import {
  denseStridedSlice,
  type DenseSlice,
  type StridedSliceMasks,
} from "../strided_slice_spec.js";
import { constantInts, constantValue, constantValueAsShape, readInts } from "../tensor_util.js";
import { castIn } from "./cast.js";
import { constantOp } from "./constant.js";
import { shapeIn } from "./shape.js";

export type { StridedSliceMasks } from "../strided_slice_spec.js";

// ---- Kernels -----------------------------------------------------------------------------

export function masksOf(op: Pick<Operation, "attrs">): StridedSliceMasks {
  return {
    beginMask: op.attrs.begin_mask as number,
    endMask: op.attrs.end_mask as number,
    ellipsisMask: op.attrs.ellipsis_mask as number,
    newAxisMask: op.attrs.new_axis_mask as number,
    shrinkAxisMask: op.attrs.shrink_axis_mask as number,
  };
}

function intsOf(op: Operation, attr: string, value: tfc.Tensor): number[] {
  return (op.buildData[attr] as number[] | null | undefined) ?? readInts(value);
}

/** The dense spec of a running op, with the kernel's errors. */
function denseAtRun(
  op: Operation,
  dims: readonly number[],
  inputs: readonly tfc.Tensor[],
  offset: number,
): DenseSlice {
  return denseStridedSlice(
    dims,
    intsOf(op, "_begin", inputs[offset] as tfc.Tensor),
    intsOf(op, "_end", inputs[offset + 1] as tfc.Tensor),
    intsOf(op, "_strides", inputs[offset + 2] as tfc.Tensor),
    masksOf(op),
    (message) => {
      throw new InvalidArgumentError(message, op.name);
    },
  );
}

/**
 * Takes a canonical dense slice. tfjs's own `stridedSlice` reads masks and negative
 * bounds its own way, so it only ever sees explicit, in-range, positive-stride ranges here:
 * axes with negative strides are reversed first, which turns them into positive ones.
 */
function takeSlice(input: tfc.Tensor, d: DenseSlice): tfc.Tensor {
  if (d.processing.some((n) => n === 0)) return tfc.zeros(d.final, input.dtype);
  if (input.rank === 0) return tfc.reshape(input, d.final);
  const reversed: number[] = [];
  const begin: number[] = [];
  const end: number[] = [];
  const strides: number[] = [];
  let unitStrides = true;
  for (let i = 0; i < input.rank; i++) {
    const n = d.processing[i] as number;
    const stride = d.strides[i] as number;
    let b = d.begin[i] as number;
    if (stride < 0) {
      reversed.push(i);
      b = (input.shape[i] as number) - 1 - b;
    }
    const step = Math.abs(stride);
    begin.push(b);
    end.push(b + (n - 1) * step + 1);
    strides.push(step);
    if (step !== 1) unitStrides = false;
  }
  const source = reversed.length > 0 ? tfc.reverse(input, reversed) : input;
  const taken = unitStrides
    ? tfc.slice(source, begin, d.processing)
    : tfc.stridedSlice(source, begin, end, strides);
  return tfc.reshape(taken, d.final);
}

/**
 * The gradient of a slice: `dy` put back where the slice took its elements, zeros
 * elsewhere. Strided axes get `stride - 1` zeros after each element (a pad on an inserted
 * axis), reversed axes are flipped back, and one pad places the block.
 */
function scatterSlice(dy: tfc.Tensor, dims: readonly number[], d: DenseSlice): tfc.Tensor {
  if (d.processing.some((n) => n === 0)) return tfc.zeros(dims as number[], dy.dtype);
  let t = tfc.reshape(dy, d.processing);
  if (dims.length === 0) return t;
  const reversed = d.strides.flatMap((s, i) => (s < 0 ? [i] : []));
  if (reversed.length > 0) t = tfc.reverse(t, reversed);
  const pads: [number, number][] = [];
  for (let i = 0; i < dims.length; i++) {
    const n = d.processing[i] as number;
    const step = Math.abs(d.strides[i] as number);
    const first =
      (d.strides[i] as number) > 0
        ? (d.begin[i] as number)
        : (d.begin[i] as number) - (n - 1) * step;
    if (step > 1 && n > 1) {
      const shape = t.shape.slice();
      const split = [...shape.slice(0, i + 1), 1, ...shape.slice(i + 1)];
      const spread: [number, number][] = split.map(() => [0, 0]);
      spread[i + 1] = [0, step - 1];
      const merged = shape.slice();
      merged[i] = n * step;
      const size = merged.slice();
      size[i] = (n - 1) * step + 1;
      t = tfc.slice(
        tfc.reshape(tfc.pad(tfc.reshape(t, split), spread), merged),
        merged.map(() => 0),
        size,
      );
    }
    const length = (n - 1) * step + 1;
    pads.push([first, (dims[i] as number) - first - length]);
  }
  return tfc.pad(t, pads);
}

registerOp({
  type: "StridedSlice",
  opDef: {
    inputs: ["input: T", "begin: Index", "end: Index", "strides: Index"],
    outputs: ["output: T"],
    attrs: [
      "T: type",
      "Index: {int32, int64}",
      "begin_mask: int = 0",
      "end_mask: int = 0",
      "ellipsis_mask: int = 0",
      "new_axis_mask: int = 0",
      "shrink_axis_mask: int = 0",
    ],
  },
  kernel: (inputs, op) => {
    const input = inputs[0] as tfc.Tensor;
    const d = denseAtRun(op, input.shape, inputs, 1);
    return [tfc.tidy(() => takeSlice(input, d))];
  },
});

registerOp({
  type: "StridedSliceGrad",
  opDef: {
    inputs: ["shape: Index", "begin: Index", "end: Index", "strides: Index", "dy: T"],
    outputs: ["output: T"],
    attrs: [
      "T: type",
      "Index: {int32, int64}",
      "begin_mask: int = 0",
      "end_mask: int = 0",
      "ellipsis_mask: int = 0",
      "new_axis_mask: int = 0",
      "shrink_axis_mask: int = 0",
    ],
  },
  kernel: (inputs, op) => {
    const shapeValue = inputs[0] as tfc.Tensor;
    const dy = inputs[4] as tfc.Tensor;
    if (shapeValue.rank !== 1) {
      throw new InvalidArgumentError(
        `shape must be 1-D, got shape.shape = [${shapeValue.shape.join(",")}]`,
        op.name,
      );
    }
    const dims = intsOf(op, "_shape", shapeValue);
    const d = denseAtRun(op, dims, inputs, 1);
    if (dy.shape.length !== d.final.length || dy.shape.some((n, i) => n !== d.final[i])) {
      throw new InvalidArgumentError(
        `shape of dy was [${dy.shape.join(",")}] instead of [${d.final.join(",")}]`,
        op.name,
      );
    }
    return [tfc.tidy(() => scatterSlice(dy, dims, d))];
  },
});

// ---- Builders ----------------------------------------------------------------------------

const INDEX_DTYPES: readonly DType[] = ["int32", "int64"];

function maskAttrs(masks: StridedSliceMasks) {
  return {
    begin_mask: masks.beginMask,
    end_mask: masks.endMask,
    ellipsis_mask: masks.ellipsisMask,
    new_axis_mask: masks.newAxisMask,
    shrink_axis_mask: masks.shrinkAxisMask,
  };
}

/** `StridedSlice`'s shape function. */
export function stridedSliceShape(
  opName: string,
  x: Tensor,
  b: Tensor,
  e: Tensor,
  s: Tensor,
  masks: StridedSliceMasks,
): TensorShape {
  const shapes = [x.shape, b.shape, e.shape, s.shape];
  const ranks = new ShapeInference(opName, "StridedSlice", shapes);
  const bDims = ranks.withRank(b.shape, 1);
  const eDims = ranks.withRank(e.shape, 1);
  const sDims = ranks.withRank(s.shape, 1);
  const merged = ranks.mergeShape(
    ranks.mergeShape(new TensorShape(bDims), new TensorShape(eDims)),
    new TensorShape(sDims),
  );
  const sparseDims = merged.dims?.[0] ?? null;
  const strides = constantInts(s);
  if (x.shape.dims === null || sparseDims === null || strides === null) {
    return TensorShape.unknown();
  }
  const tensors: [number, ConstValue][] = [];
  [b, e, s].forEach((t, i) => {
    const v = constantValue(t);
    if (v !== null) tensors.push([i + 1, v]);
  });
  const si = new ShapeInference(opName, "StridedSlice", shapes, { tensors });
  const d = denseStridedSlice(
    x.shape.dims.map((n) => n ?? -1),
    constantInts(b),
    constantInts(e),
    strides,
    masks,
    (message) => si.fail(message),
  );
  return new TensorShape(d.final.map((n) => (n < 0 ? null : n)));
}

/** Builds a `StridedSlice` named exactly by `scope` (`gen_array_ops.strided_slice`). */
function stridedSliceIn(
  graph: Graph,
  scope: string,
  x: Tensor,
  b: Tensor,
  e: Tensor,
  s: Tensor,
  masks: StridedSliceMasks,
): Tensor {
  checkOpInputs("StridedSlice", [x, b, e, s], {});
  const out = stridedSliceShape(opNameOf(scope), x, b, e, s, masks);
  return makeOp(graph, "StridedSlice", scope, [x, b, e, s], [{ dtype: x.dtype, shape: out }], {
    T: x.dtype,
    Index: b.dtype,
    ...maskAttrs(masks),
    _begin: constantInts(b),
    _end: constantInts(e),
    _strides: constantInts(s),
  }).outputs[0] as Tensor;
}

/**
 * `StridedSliceGrad` (`array_ops.strided_slice_grad`): `dy` placed where a slice with the
 * same spec takes its elements from a tensor of shape `shape`, zeros elsewhere. The
 * gradient of `StridedSlice`.
 */
export function stridedSliceGrad(
  shape: Tensor,
  begin: Tensor,
  end: Tensor,
  strides: Tensor,
  dy: Tensor,
  masks: StridedSliceMasks,
  name?: string,
): Tensor {
  return inOpScope(name, "StridedSliceGrad", [shape, begin, end, strides, dy], (scope, graph) => {
    checkOpInputs("StridedSliceGrad", [shape, begin, end, strides, dy], {});
    const out = constantValueAsShape(shape);
    return makeOp(
      graph,
      "StridedSliceGrad",
      scope,
      [shape, begin, end, strides, dy],
      [{ dtype: dy.dtype, shape: out }],
      {
        T: dy.dtype,
        Index: shape.dtype,
        ...maskAttrs(masks),
        _shape: constantInts(shape),
        _begin: constantInts(begin),
        _end: constantInts(end),
        _strides: constantInts(strides),
      },
    ).outputs[0] as Tensor;
  });
}

// ---- tf.strided_slice --------------------------------------------------------------------

function isTensorValue(v: unknown): v is Tensor | TensorConvertible {
  return v instanceof Tensor || isTensorConvertible(v);
}

/** begin/end/strides: a list of ints (tensors in it are packed), or a 1-D int tensor. */
const indicesKind = kind<Packable>(
  "a list of ints or a 1-D int Tensor",
  (v) =>
    isTensorValue(v) ||
    v instanceof Int32Array ||
    (Array.isArray(v) && v.every((x) => Number.isInteger(x) || isTensorValue(x))),
);

const variableKind = kind<TensorConvertible>(
  "a Variable",
  (v) => isTensorConvertible(v) && !(v instanceof Tensor),
);

/** TF 1.15's `strided_slice(input_, begin, end, strides, begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask, var, name)`. */
const STRIDED_SLICE_PARAMS = [
  req("input", tensorKind),
  req("begin", indicesKind),
  req("end", indicesKind),
  opt("strides", indicesKind),
  opt("beginMask", intKind),
  opt("endMask", intKind),
  opt("ellipsisMask", intKind),
  opt("newAxisMask", intKind),
  opt("shrinkAxisMask", intKind),
  opt("var", variableKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link stridedSlice}. */
export type StridedSliceOptions = OptionsOf<typeof STRIDED_SLICE_PARAMS>;

/**
 * `ones_like(begin)`, as `strided_slice` makes its default strides: `ones_like/tensor`
 * (when `begin` is not a tensor), `ones_like/Shape`, `ones_like/Const` and a `Fill`
 * named `ones_like`.
 */
function onesLikeIndices(begin: Packable): Tensor {
  return inOpScope(undefined, "ones_like", [begin], (scope, graph) => {
    const t = convertToTensor(begin, { name: "tensor", preferredDtype: "int32" });
    const dims = shapeIn(graph, `${graph.uniqueName("Shape")}/`, t);
    const one = constantOp(
      graph,
      `${graph.uniqueName("Const")}/`,
      t.dtype === "int64"
        ? { dtype: "int64", shape: [], values: BigInt64Array.of(1n) }
        : { dtype: t.dtype, shape: [], values: Int32Array.of(1) },
    );
    return makeOp(graph, "Fill", scope, [dims, one], [{ dtype: t.dtype, shape: t.shape }], {
      T: t.dtype,
      index_type: dims.dtype,
    }).outputs[0] as Tensor;
  });
}

/**
 * Extracts a strided slice of a tensor (`tf.strided_slice`, op `StridedSlice` with the
 * consts `StridedSlice/begin`, `StridedSlice/end`, `StridedSlice/strides`): NumPy-style
 * slicing spelled out, as `x.get(...)` builds it. Bit `i` of each mask refers to item `i`
 * of `begin`/`end`/`strides`: `beginMask`/`endMask` ignore that bound (the full range),
 * `ellipsisMask` marks `...`, `newAxisMask` inserts a dimension of 1, `shrinkAxisMask`
 * takes index `begin[i]` and drops the dimension. Without `strides`, they are
 * `ones_like(begin)`.
 *
 * @example
 * ```ts
 * const t = tf.constant([[[1, 1, 1], [2, 2, 2]], [[3, 3, 3], [4, 4, 4]], [[5, 5, 5], [6, 6, 6]]]);
 * using sess = new tf.Session();
 * sess.run(tf.stridedSlice(t, [1, 0, 0], [2, 1, 3], [1, 1, 1])); // ==> [[[3. 3. 3.]]]
 * sess.run(tf.stridedSlice(t, [1, -1, 0], [2, -2, 1], [1, -1, 1])); // ==> [[[4.]]]
 * tf.stridedSlice(t, [0, 1], [0, 2], null, { shrinkAxisMask: 1 }).shape.toString(); // ==> (1, 3)
 * ```
 */
export const stridedSlice = tfFunction("strided_slice", STRIDED_SLICE_PARAMS, (a) => {
  if (a.var !== undefined) {
    throw new ValueError(
      "strided_slice(): 'var' is not supported (it only enables sliced assignment, `result.assign(value)`, which scopeflow does not implement); leave it null",
    );
  }
  const masks: StridedSliceMasks = {
    beginMask: a.beginMask ?? 0,
    endMask: a.endMask ?? 0,
    ellipsisMask: a.ellipsisMask ?? 0,
    newAxisMask: a.newAxisMask ?? 0,
    shrinkAxisMask: a.shrinkAxisMask ?? 0,
  };
  const graph = graphFromValues([a.input, a.begin, a.end, a.strides]);
  return graph.atomically(() => {
    const strides = a.strides ?? onesLikeIndices(a.begin);
    return inOpScope(a.name, "StridedSlice", [a.input, a.begin, a.end, strides], (scope, g) => {
      const x = convertToTensor(a.input, { name: "input" });
      const b = convertToTensor(a.begin, { name: "begin", preferredDtype: "int32" });
      const preferred = INDEX_DTYPES.includes(b.dtype) ? b.dtype : "int32";
      const e = convertToTensor(a.end, { name: "end", preferredDtype: preferred });
      const s = convertToTensor(strides, { name: "strides", preferredDtype: preferred });
      return stridedSliceIn(g, scope, x, b, e, s, masks);
    });
  });
});

// ---- Python's x[...] ---------------------------------------------------------------------

const SLICE_TYPE_ERROR =
  "Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar tf.int32/tf.int64 tensors are valid indices";

/** Python's `repr` of a subscript item, for TensorFlow's `TypeError`. */
function reprOf(v: unknown): string {
  if (v instanceof Tensor) {
    const shape = v.shape.rank === null ? "<unknown>" : v.shape.toString();
    return `<tf.Tensor '${v.name}' shape=${shape} dtype=${v.dtypeName}>`;
  }
  if (Array.isArray(v)) return pyList(v, reprOf);
  // JS's undefined has no Python counterpart: shown as itself.
  if (v === undefined) return "undefined";
  return pyRepr(v);
}

/** `_check_index`: an integer, or a scalar (or unknown-shape) int32/int64 tensor. */
function checkIndex(v: unknown): asserts v is SliceBound {
  if (typeof v === "number" && Number.isInteger(v)) return;
  if (isTensorValue(v)) {
    const t = v instanceof Tensor ? v : v[toTensorSymbol](false);
    if (INDEX_DTYPES.includes(t.dtype) && t.shape.rank !== 1) return;
  }
  throw new TypeError(`${SLICE_TYPE_ERROR}, got ${reprOf(v)}`);
}

type Item =
  | { kind: "slice"; start: SliceBound | null; stop: SliceBound | null; step: SliceBound | null }
  | { kind: "ellipsis" }
  | { kind: "newaxis" }
  | { kind: "index"; index: SliceBound };

const SLICE_TEXT = /^\s*([+-]?\d+)?\s*:\s*([+-]?\d+)?\s*(?::\s*([+-]?\d+)?\s*)?$/;

function parseItem(v: unknown): Item {
  if (v === null) return { kind: "newaxis" };
  if (typeof v === "string") {
    if (v.trim() === "...") return { kind: "ellipsis" };
    const m = SLICE_TEXT.exec(v);
    if (m === null) {
      throw new TypeError(
        `Tensor.get(): '${v}' is not a slice: write "start:stop:step" with integers (any part may be empty), "..." for Ellipsis, a number for an index, null for tf.newaxis, or tf.sliceSpec(start, stop, step) for tensor bounds`,
      );
    }
    const part = (s: string | undefined) => (s === undefined ? null : Number(s));
    return { kind: "slice", start: part(m[1]), stop: part(m[2]), step: part(m[3]) };
  }
  if (v instanceof SliceSpec) {
    for (const bound of [v.start, v.stop, v.step]) if (bound !== null) checkIndex(bound);
    return { kind: "slice", start: v.start, stop: v.stop, step: v.step };
  }
  if (v === undefined) {
    throw new TypeError(
      'Tensor.get(): an item is undefined; use null for tf.newaxis, ":" for a full slice',
    );
  }
  checkIndex(v);
  return { kind: "index", index: v };
}

/**
 * Python's `tensor[items]` (TF 1.15's `_slice_helper`; a variable's `_SliceHelperVar`
 * slices its value the same way): builds the begin, end and strides
 * lists and the masks from the items, packs them under a `strided_slice` name scope
 * (`stack`, `stack_1`, `stack_2`: consts, or `Pack` ops when they hold tensors), and
 * slices. A tensor index `t` also builds its end `t + 1` (an `add` op) before the scope.
 */
export function sliceHelper(tensor: TensorLike, items: readonly unknown[]): Tensor {
  const parsed = items.map(parseItem);
  const bounds: unknown[] = [tensor];
  for (const p of parsed) {
    if (p.kind === "slice") bounds.push(p.start, p.stop, p.step);
    else if (p.kind === "index") bounds.push(p.index);
  }
  const graph = graphFromValues(bounds);
  return graph.atomically(() => {
    const begin: SliceBound[] = [];
    const end: SliceBound[] = [];
    const strides: SliceBound[] = [];
    const masks: StridedSliceMasks = {
      beginMask: 0,
      endMask: 0,
      ellipsisMask: 0,
      newAxisMask: 0,
      shrinkAxisMask: 0,
    };
    parsed.forEach((p, index) => {
      const bit = 2 ** index;
      if (p.kind === "slice") {
        if (p.start !== null) begin.push(p.start);
        else {
          begin.push(0);
          masks.beginMask += bit;
        }
        if (p.stop !== null) end.push(p.stop);
        else {
          end.push(0);
          masks.endMask += bit;
        }
        strides.push(p.step ?? 1);
      } else if (p.kind === "index") {
        begin.push(p.index);
        end.push(typeof p.index === "number" ? p.index + 1 : pythonOperator("add", p.index, 1));
        strides.push(1);
        masks.shrinkAxisMask += bit;
      } else {
        begin.push(0);
        end.push(0);
        strides.push(1);
        if (p.kind === "ellipsis") masks.ellipsisMask += bit;
        else masks.newAxisMask += bit;
      }
    });
    // TensorFlow's masks are int attrs read as int32: bit 31 is the sign bit.
    for (const k of Object.keys(masks) as (keyof StridedSliceMasks)[]) masks[k] |= 0;
    const values = [tensor, ...begin, ...end, ...strides];
    return inOpScope(undefined, "strided_slice", values, (scope, g) => {
      const x = convertToTensor(tensor);
      let b: Tensor;
      let e: Tensor;
      let s: Tensor;
      if (begin.length > 0) {
        [b, e, s] = [begin, end, strides].map(packIndices) as [Tensor, Tensor, Tensor];
        if (b.dtype === "int64" || e.dtype === "int64" || s.dtype === "int64") {
          [b, e, s] = [b, e, s].map((t) =>
            t.dtype === "int64" ? t : castIn(g, `${g.uniqueName("Cast")}/`, t, "int64"),
          ) as [Tensor, Tensor, Tensor];
        }
      } else {
        b =
          e =
          s =
            constantOp(g, `${g.uniqueName("Const")}/`, {
              dtype: "int32",
              shape: [0],
              values: new Int32Array(0),
            });
      }
      return stridedSliceIn(g, scope, x, b, e, s, masks);
    });
  });
}

/** `array_ops.stack(values)` of slice bounds: a const named `stack`, or a `Pack` of tensors. */
function packIndices(values: readonly SliceBound[]): Tensor {
  const fitsInt32 = values.every((v) => typeof v !== "number" || (v >= -(2 ** 31) && v < 2 ** 31));
  return convertToTensor(values as Packable, {
    name: "stack",
    preferredDtype: fitsInt32 ? "int32" : "int64",
  });
}
