import { sumKernel } from "../ops/math/reduce.js";
import * as tfc from "@tensorflow/tfjs-core";
import type { DType } from "../graph/dtypes.js";
import type { OutputSpec } from "../graph/graph.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { TensorShape, type Dim } from "../graph/tensor_shape.js";
import { inOpScope, makeOp, type NameOption } from "../ops/op_scope.js";
import {
  getOpDefinition,
  registerGradient,
  registerOp,
  type OpDefinition,
} from "../ops/registry.js";
import { constantInts, constantValueAsShape, readInts, readScalar } from "../ops/tensor_util.js";
import * as K from "./grad_kernels.js";

/*
 * The gradient ops TensorFlow's gradient functions emit (`ReluGrad`, `TanhGrad`,
 * `BroadcastGradientArgs`, `Conv2DBackpropFilter`, …): their kernels, and builders that
 * name them as TensorFlow does. Where a value TensorFlow computes in the graph is known
 * when building (reduction indices of a static broadcast, an inverted constant
 * permutation), it is stored in a `_`-prefixed attr so that kernels need not read
 * tensors back from the backend.
 */

type Pair = (a: tfc.Tensor, b: tfc.Tensor) => tfc.Tensor;

const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

/** Kernels of the gradient ops, keyed by op type; inputs in TensorFlow's order. */
const GRAD_KERNELS: Record<string, Pair> = {
  // (gradients, features)
  ReluGrad: (dy, x) => tfc.mul(dy, tfc.step(x)),
  Relu6Grad: (dy, x) =>
    tfc.mul(dy, tfc.cast(tfc.logicalAnd(tfc.greater(x, 0), tfc.less(x, 6)), "float32")),
  EluGrad: (dy, y) => tfc.where(tfc.greater(y, 0), dy, tfc.mul(dy, tfc.add(y, 1))),
  SoftplusGrad: (dy, x) => tfc.mul(dy, tfc.sigmoid(x)),
  // (gradients, outputs)
  SeluGrad: (dy, y) =>
    tfc.where(
      tfc.greater(y, 0),
      tfc.mul(dy, SELU_SCALE),
      tfc.mul(dy, tfc.add(y, SELU_SCALE * SELU_ALPHA)),
    ),
  // (y, dy)
  TanhGrad: (y, dy) => tfc.mul(dy, tfc.sub(1, tfc.square(y))),
  SigmoidGrad: (y, dy) => tfc.mul(dy, tfc.mul(y, tfc.sub(1, y))),
  SqrtGrad: (y, dy) => tfc.div(tfc.mul(dy, 0.5), y),
  RsqrtGrad: (y, dy) => tfc.mul(dy, tfc.mul(tfc.pow(y, 3), -0.5)),
  ReciprocalGrad: (y, dy) => tfc.neg(tfc.mul(dy, tfc.square(y))),
};

for (const [type, kernel] of Object.entries(GRAD_KERNELS)) {
  registerOp({
    type,
    kernel: ([a, b]) => [tfc.tidy(() => kernel(a as tfc.Tensor, b as tfc.Tensor))],
  });
  // Second-order gradients are not needed by TF 1.x optimizers; say so clearly if asked.
  registerGradient(type, null);
}

/**
 * Builds a gradient op `type` on two same-shaped inputs; the result has the first's shape.
 *
 * @example
 * ```ts
 * const features = tf.constant([-1, 2]);
 * const dy = tf.ones([2]);
 * using sess = new tf.Session();
 * sess.run(gradOp("ReluGrad", dy, features)); // ==> [0. 1.]
 * ```
 */
export function gradOp(type: string, a: Tensor, b: Tensor, options: NameOption = {}): Tensor {
  return inOpScope(
    options.name,
    type,
    [a, b],
    (scope, graph) =>
      makeOp(graph, type, scope, [a, b], [{ dtype: a.dtype, shape: a.shape.mergeWith(b.shape) }], {
        T: a.dtype,
      }).outputs[0] as Tensor,
  );
}

// ---------------------------------------------------------------------------------------
// Kernels registered on first use. These op types are TensorFlow's; should another module
// define one of them (say, `Conv2DBackpropInput` for `conv2d_transpose`), its kernel wins
// and no second registration is attempted.
// ---------------------------------------------------------------------------------------

const LAZY_KERNELS = new Map<string, OpDefinition>();

function lazyOp(def: OpDefinition): void {
  LAZY_KERNELS.set(def.type, def);
}

function ensureKernel(type: string): void {
  if (getOpDefinition(type) !== undefined) return;
  const def = LAZY_KERNELS.get(type);
  if (def !== undefined) registerOp(def);
}

/** Builds an op of a lazily registered type named `name ?? type` in the current scope. */
function build(
  type: string,
  inputs: readonly Tensor[],
  outputs: readonly OutputSpec[],
  attrs: Record<string, unknown>,
  name?: string,
): Operation {
  ensureKernel(type);
  return inOpScope(name, type, inputs, (scope, graph) =>
    makeOp(graph, type, scope, inputs, outputs, attrs),
  );
}

/**
 * Records a value that a kernel would otherwise read from a tensor when it runs, when
 * it is known at build time but the op's builder could not see it (`tensor_util`
 * evaluates only a few op types): e.g. the reduction indices a static
 * `BroadcastGradientArgs` yields, for the `Sum` consuming them.
 */
export function pinAttr(t: Tensor, key: string, value: unknown): void {
  if (value === null || value === undefined) return;
  const attrs = t.op.attrs as Record<string, unknown>;
  if (attrs[key] === null || attrs[key] === undefined) attrs[key] = value;
}

const i32 = (values: readonly number[]): tfc.Tensor =>
  tfc.tensor1d(Int32Array.from(values), "int32");

/**
 * The static shape a 1-D shape tensor describes: `constant_value_as_shape`, plus the
 * outputs of `ShapeN`.
 */
function staticShapeOf(t: Tensor): TensorShape {
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

// ----- BroadcastGradientArgs --------------------------------------------------------------

/** TensorFlow's `BCast` gradient reduction indices: the (padded) dims of size 1. */
function bcastReductions(a: readonly number[], b: readonly number[]): [number[], number[]] {
  const rank = Math.max(a.length, b.length);
  const pa = [...new Array<number>(rank - a.length).fill(1), ...a];
  const pb = [...new Array<number>(rank - b.length).fill(1), ...b];
  const ra: number[] = [];
  const rb: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = pa[i] as number;
    const y = pb[i] as number;
    if (x !== y && x !== 1 && y !== 1) {
      throw new Error(`Incompatible shapes: [${a.join(",")}] vs. [${b.join(",")}]`);
    }
    if (x === 1) ra.push(i);
    if (y === 1) rb.push(i);
  }
  return [ra, rb];
}

/**
 * The reduction indices when decidable from static shapes. An unknown dim needs no
 * reduction when every other operand has size 1 there (summing over a size-1 dim is
 * the identity); any other unknown makes the answer depend on run-time sizes.
 */
function staticBcastReductions(a: TensorShape, b: TensorShape): [number[], number[]] | null {
  if (a.dims === null || b.dims === null) return null;
  const rank = Math.max(a.dims.length, b.dims.length);
  const pad = (d: readonly Dim[]): Dim[] => [...new Array<Dim>(rank - d.length).fill(1), ...d];
  const pa = pad(a.dims);
  const pb = pad(b.dims);
  const ra: number[] = [];
  const rb: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = pa[i] as Dim;
    const y = pb[i] as Dim;
    if (x === null && y !== 1) return null;
    if (y === null && x !== 1) return null;
    if (x === 1) ra.push(i);
    if (y === 1) rb.push(i);
  }
  return [ra, rb];
}

lazyOp({
  type: "BroadcastGradientArgs",
  kernel: ([s0, s1], op) => {
    let r0 = op.attrs._r0 as number[] | null;
    let r1 = op.attrs._r1 as number[] | null;
    if (r0 === null || r1 === null)
      [r0, r1] = bcastReductions(readInts(s0 as tfc.Tensor), readInts(s1 as tfc.Tensor));
    return [i32(r0), i32(r1)];
  },
});

/** A reduction index list: the tensor, and its value when known at build time. */
export interface Reduction {
  tensor: Tensor;
  value: number[] | null;
}

/**
 * `gen_array_ops.broadcast_gradient_args(s0, s1)` (op `BroadcastGradientArgs`): the
 * dimensions along which each operand of a broadcasting binary op was broadcast.
 */
export function broadcastGradientArgs(s0: Tensor, s1: Tensor): [Reduction, Reduction] {
  const r = staticBcastReductions(staticShapeOf(s0), staticShapeOf(s1));
  const op = build(
    "BroadcastGradientArgs",
    [s0, s1],
    [
      { dtype: "int32", shape: new TensorShape([r === null ? null : r[0].length]) },
      { dtype: "int32", shape: new TensorShape([r === null ? null : r[1].length]) },
    ],
    { T: "int32", _r0: r === null ? null : r[0], _r1: r === null ? null : r[1] },
  );
  return [
    { tensor: op.outputs[0] as Tensor, value: r === null ? null : r[0] },
    { tensor: op.outputs[1] as Tensor, value: r === null ? null : r[1] },
  ];
}

// ----- Small shape ops --------------------------------------------------------------------

lazyOp({
  type: "InvertPermutation",
  kernel: ([p], op) => {
    const perm =
      (op.attrs._value as number[] | null) ?? invertPermutationValues(readInts(p as tfc.Tensor));
    return [i32(perm)];
  },
});

function invertPermutationValues(perm: readonly number[]): number[] {
  const out = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    out[p] = i;
  });
  return out;
}

/** `tf.invert_permutation` (op `InvertPermutation`); `value` is its result when known. */
export function invertPermutation(p: Tensor): Reduction {
  const perm = constantInts(p);
  const value = perm === null ? null : invertPermutationValues(perm);
  const op = build("InvertPermutation", [p], [{ dtype: p.dtype, shape: p.shape }], {
    T: p.dtype,
    _value: value,
  });
  return { tensor: op.outputs[0] as Tensor, value };
}

lazyOp({
  type: "ShapeN",
  kernel: (inputs) => inputs.map((x) => i32((x as tfc.Tensor).shape)),
});

/** `array_ops.shape_n` (op `ShapeN`): the shapes of several tensors. */
export function shapeN(xs: readonly Tensor[]): Tensor[] {
  const op = build(
    "ShapeN",
    xs,
    xs.map((x) => ({ dtype: "int32" as DType, shape: new TensorShape([x.shape.rank]) })),
    { N: xs.length, T: xs[0]?.dtype ?? "float32", out_type: "int32" },
  );
  return op.outputs.slice();
}

lazyOp({
  type: "ConcatOffset",
  kernel: (inputs, op) => {
    let offsets = op.attrs._offsets as number[][] | null;
    if (offsets === null) {
      const shapes = inputs.slice(1).map((s) => readInts(s as tfc.Tensor));
      offsets = concatOffsets(readScalar(inputs[0] as tfc.Tensor), shapes);
    }
    return offsets.map(i32);
  },
});

function concatOffsets(dim: number, shapes: readonly number[][]): number[][] {
  let at = 0;
  return shapes.map((s) => {
    const offset = new Array<number>(s.length).fill(0);
    const axis = dim < 0 ? dim + s.length : dim;
    offset[axis] = at;
    at += s[axis] as number;
    return offset;
  });
}

/**
 * `gen_array_ops.concat_offset(concat_dim, shapes)` (op `ConcatOffset`): where each
 * input of a concatenation starts in its output.
 */
export function concatOffset(
  dim: Tensor,
  shapes: readonly Tensor[],
  dimValue: number | null = null,
): Reduction[] {
  const d = dimValue ?? constantInts(dim)?.[0] ?? null;
  const values = shapes.map(staticInts);
  const offsets =
    d !== null && values.every((v) => v !== null) ? concatOffsets(d, values as number[][]) : null;
  const op = build(
    "ConcatOffset",
    [dim, ...shapes],
    shapes.map((s) => ({ dtype: "int32" as DType, shape: s.shape })),
    { N: shapes.length, _offsets: offsets },
  );
  return op.outputs.map((t, i) => ({
    tensor: t,
    value: offsets === null ? null : (offsets[i] as number[]),
  }));
}

lazyOp({
  type: "DynamicStitch",
  kernel: (inputs, op) => {
    const n = op.attrs.N as number;
    const indices = inputs.slice(0, n).map((t) => readInts(t as tfc.Tensor));
    const data = inputs
      .slice(n)
      .map((t) => Array.from((t as tfc.Tensor).dataSync() as ArrayLike<number>));
    const first = inputs[n] as tfc.Tensor;
    const firstIdx = inputs[0] as tfc.Tensor;
    const inner = first.shape.slice(firstIdx.rank);
    const width = inner.reduce((a, b) => a * b, 1);
    let rows = 0;
    for (const idx of indices) for (const i of idx) rows = Math.max(rows, i + 1);
    const out = new Array<number>(rows * width).fill(0);
    indices.forEach((idx, k) => {
      const values = data[k] as number[];
      idx.forEach((row, j) => {
        for (let c = 0; c < width; c++) out[row * width + c] = values[j * width + c] as number;
      });
    });
    return [tfc.tensor(out, [rows, ...inner], first.dtype)];
  },
});

/** `gen_data_flow_ops.dynamic_stitch(indices, data)` (op `DynamicStitch`). */
export function dynamicStitch(indices: readonly Tensor[], data: readonly Tensor[]): Tensor {
  const first = data[0] as Tensor;
  const inner =
    first.shape.dims === null
      ? null
      : first.shape.dims.slice((indices[0] as Tensor).shape.rank ?? 0);
  const shape = inner === null ? TensorShape.unknown() : new TensorShape([null, ...inner]);
  return build("DynamicStitch", [...indices, ...data], [{ dtype: first.dtype, shape }], {
    N: indices.length,
    T: first.dtype,
  }).outputs[0] as Tensor;
}

lazyOp({
  type: "UnsortedSegmentSum",
  kernel: ([data, ids, num], op) => {
    const n = (op.attrs._num_segments as number | null) ?? readScalar(num as tfc.Tensor);
    return [K.unsortedSegmentSum(data as tfc.Tensor, ids as tfc.Tensor, n)];
  },
});

/**
 * `math_ops.unsorted_segment_sum(data, segment_ids, num_segments)` (op
 * `UnsortedSegmentSum`): how an `IndexedSlices` gradient becomes a dense tensor.
 */
export function unsortedSegmentSum(data: Tensor, ids: Tensor, numSegments: Tensor): Tensor {
  const n = constantInts(numSegments);
  const dims = data.shape.dims;
  const idsRank = ids.shape.rank;
  const shape =
    dims === null || idsRank === null
      ? TensorShape.unknown()
      : new TensorShape([n === null ? null : (n[0] as number), ...dims.slice(idsRank)]);
  return build("UnsortedSegmentSum", [data, ids, numSegments], [{ dtype: data.dtype, shape }], {
    T: data.dtype,
    Tindices: ids.dtype,
    Tnumsegments: numSegments.dtype,
    _num_segments: n === null ? null : n[0],
  }).outputs[0] as Tensor;
}

lazyOp({
  type: "Cumprod",
  kernel: ([x, axis], op) => {
    const a = (op.attrs._axis as number | null) ?? readScalar(axis as tfc.Tensor);
    return [
      tfc.cumprod(x as tfc.Tensor, a, op.attrs.exclusive as boolean, op.attrs.reverse as boolean),
    ];
  },
});

/** `math_ops.cumprod(x, axis, exclusive, reverse)` (op `Cumprod`). */
export function cumprod(x: Tensor, axis: Tensor, exclusive: boolean, reverse: boolean): Tensor {
  const a = constantInts(axis);
  return build("Cumprod", [x, axis], [{ dtype: x.dtype, shape: x.shape }], {
    T: x.dtype,
    Tidx: axis.dtype,
    exclusive,
    reverse,
    _axis: a === null ? null : a[0],
  }).outputs[0] as Tensor;
}

/**
 * `MirrorPadGrad`: folds the gradient of the mirrored borders back onto the entries they
 * copy, dimension by dimension, then keeps the center.
 */
function mirrorPadGradKernel(grad: tfc.Tensor, pads: readonly number[], mode: string): tfc.Tensor {
  return tfc.tidy(() => {
    const offset = mode === "REFLECT" ? 1 : 0;
    let g = grad;
    for (let d = 0; d < g.rank; d++) {
      const before = pads[2 * d] as number;
      const after = pads[2 * d + 1] as number;
      if (before === 0 && after === 0) continue;
      const total = g.shape[d] as number;
      const n = total - before - after;
      const part = (start: number, len: number) => {
        const begin = g.shape.map(() => 0);
        const size = g.shape.slice();
        begin[d] = start;
        size[d] = len;
        return tfc.slice(g, begin, size);
      };
      /** `t` (length `len` along d) zero-padded to length n, starting at `at`. */
      const placed = (t: tfc.Tensor, at: number, len: number) =>
        tfc.pad(
          t,
          g.shape.map((_, i) =>
            i === d ? ([at, n - at - len] as [number, number]) : ([0, 0] as [number, number]),
          ),
        );
      let center = part(before, n);
      if (before > 0)
        center = tfc.add(center, placed(tfc.reverse(part(0, before), d), offset, before));
      if (after > 0)
        center = tfc.add(
          center,
          placed(tfc.reverse(part(before + n, after), d), n - offset - after, after),
        );
      g = center;
    }
    return g === grad ? tfc.clone(g) : g;
  });
}

lazyOp({
  type: "MirrorPadGrad",
  kernel: ([grad, paddings], op) => {
    const pads = (op.attrs._paddings as number[] | null) ?? readInts(paddings as tfc.Tensor);
    return [mirrorPadGradKernel(grad as tfc.Tensor, pads, op.attrs.mode as string)];
  },
});

/** `gen_array_ops.mirror_pad_grad(grad, paddings, mode)` (op `MirrorPadGrad`). */
export function mirrorPadGrad(
  grad: Tensor,
  paddings: Tensor,
  mode: string,
  shape: TensorShape,
): Tensor {
  return build("MirrorPadGrad", [grad, paddings], [{ dtype: grad.dtype, shape }], {
    T: grad.dtype,
    Tpaddings: paddings.dtype,
    mode,
    _paddings: constantInts(paddings),
  }).outputs[0] as Tensor;
}

// ----- nn gradient ops -------------------------------------------------------------------

/** The attributes TensorFlow's conv and pool ops share. */
export interface ConvAttrs {
  strides: number[];
  padding: string;
  data_format: string;
  dilations?: number[];
  explicit_paddings?: number[];
  ksize?: number[];
  use_cudnn_on_gpu?: boolean;
}

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];

/** The (height, width) entries of a 4-element attr in the op's data format. */
function spatial(
  values: readonly number[] | undefined,
  format: string,
  fallback: number,
): [number, number] {
  if (values === undefined || values.length !== 4) return [fallback, fallback];
  return format === "NCHW"
    ? [values[2] as number, values[3] as number]
    : [values[1] as number, values[2] as number];
}

function geometry(attrs: Readonly<Record<string, unknown>>): K.Conv2DGeometry {
  const format = (attrs.data_format as string | undefined) ?? "NHWC";
  const g: K.Conv2DGeometry = {
    strides: spatial(attrs.strides as number[] | undefined, format, 1),
    dilations: spatial(attrs.dilations as number[] | undefined, format, 1),
    padding: (attrs.padding as string | undefined) ?? "VALID",
  };
  const explicit = attrs.explicit_paddings as number[] | undefined;
  if (g.padding === "EXPLICIT" && explicit !== undefined && explicit.length === 8) {
    const [h, w] = format === "NCHW" ? [4, 6] : [2, 4];
    g.explicitPads = [explicit[h], explicit[h + 1], explicit[w], explicit[w + 1]] as [
      number,
      number,
      number,
      number,
    ];
  }
  return g;
}

function toNHWC<T extends tfc.Tensor>(x: T, format: string): tfc.Tensor4D {
  return (format === "NCHW" ? tfc.transpose(x, NCHW_TO_NHWC) : x) as unknown as tfc.Tensor4D;
}

function fromNHWC(x: tfc.Tensor, format: string): tfc.Tensor {
  return format === "NCHW" ? tfc.transpose(x, NHWC_TO_NCHW) : x;
}

function nhwcShape(shape: readonly number[], format: string): number[] {
  return format === "NCHW" ? NCHW_TO_NHWC.map((i) => shape[i] as number) : shape.slice();
}

function sizesOf(op: Operation, t: tfc.Tensor, key: string): number[] {
  return (op.attrs[key] as number[] | null) ?? readInts(t);
}

lazyOp({
  type: "Conv2DBackpropInput",
  kernel: ([sizes, filter, dy], op) => {
    const format = (op.attrs.data_format as string | undefined) ?? "NHWC";
    const inputShape = nhwcShape(sizesOf(op, sizes as tfc.Tensor, "_input_sizes"), format);
    return [
      tfc.tidy(() =>
        fromNHWC(
          K.conv2dBackpropInput(
            inputShape,
            filter as tfc.Tensor4D,
            toNHWC(dy as tfc.Tensor, format),
            geometry(op.attrs),
          ),
          format,
        ),
      ),
    ];
  },
});

lazyOp({
  type: "Conv2DBackpropFilter",
  kernel: ([x, sizes, dy], op) => {
    const format = (op.attrs.data_format as string | undefined) ?? "NHWC";
    const filterShape = sizesOf(op, sizes as tfc.Tensor, "_filter_sizes");
    return [
      tfc.tidy(() =>
        K.conv2dBackpropFilter(
          toNHWC(x as tfc.Tensor, format),
          filterShape,
          toNHWC(dy as tfc.Tensor, format),
          geometry(op.attrs),
        ),
      ),
    ];
  },
});

function convAttrs(attrs: ConvAttrs, dtype: DType): Record<string, unknown> {
  const out: Record<string, unknown> = {
    T: dtype,
    strides: attrs.strides.slice(),
    use_cudnn_on_gpu: attrs.use_cudnn_on_gpu ?? true,
    padding: attrs.padding,
    explicit_paddings: (attrs.explicit_paddings ?? []).slice(),
    data_format: attrs.data_format,
    dilations: (attrs.dilations ?? [1, 1, 1, 1]).slice(),
  };
  return out;
}

/** `gen_nn_ops.conv2d_backprop_input(input_sizes, filter, out_backprop, …)`. */
export function conv2dBackpropInput(
  sizes: Tensor,
  filter: Tensor,
  dy: Tensor,
  attrs: ConvAttrs,
): Tensor {
  const shape = staticShapeOf(sizes);
  const known = shape.isFullyDefined() ? (shape.asList() as number[]) : null;
  return build(
    "Conv2DBackpropInput",
    [sizes, filter, dy],
    [{ dtype: dy.dtype, shape: shape.dims === null ? TensorShape.unknownOfRank(4) : shape }],
    { ...convAttrs(attrs, dy.dtype), _input_sizes: known },
  ).outputs[0] as Tensor;
}

/** `gen_nn_ops.conv2d_backprop_filter(input, filter_sizes, out_backprop, …)`. */
export function conv2dBackpropFilter(
  x: Tensor,
  sizes: Tensor,
  dy: Tensor,
  attrs: ConvAttrs,
): Tensor {
  const shape = staticShapeOf(sizes);
  const known = shape.isFullyDefined() ? (shape.asList() as number[]) : null;
  return build(
    "Conv2DBackpropFilter",
    [x, sizes, dy],
    [{ dtype: dy.dtype, shape: shape.dims === null ? TensorShape.unknownOfRank(4) : shape }],
    { ...convAttrs(attrs, dy.dtype), _filter_sizes: known },
  ).outputs[0] as Tensor;
}

lazyOp({
  type: "MaxPoolGrad",
  kernel: ([x, y, dy], op) => {
    const format = (op.attrs.data_format as string | undefined) ?? "NHWC";
    return [
      tfc.tidy(() =>
        fromNHWC(
          K.maxPoolGrad(
            toNHWC(x as tfc.Tensor, format),
            toNHWC(y as tfc.Tensor, format),
            toNHWC(dy as tfc.Tensor, format),
            spatial(op.attrs.ksize as number[], format, 1),
            spatial(op.attrs.strides as number[], format, 1),
            op.attrs.padding as string,
          ),
          format,
        ),
      ),
    ];
  },
});

/** `gen_nn_ops.max_pool_grad(orig_input, orig_output, grad, ksize, strides, padding)`. */
export function maxPoolGrad(x: Tensor, y: Tensor, dy: Tensor, attrs: ConvAttrs): Tensor {
  return build("MaxPoolGrad", [x, y, dy], [{ dtype: dy.dtype, shape: x.shape }], {
    T: dy.dtype,
    ksize: (attrs.ksize ?? []).slice(),
    strides: attrs.strides.slice(),
    padding: attrs.padding,
    data_format: attrs.data_format,
  }).outputs[0] as Tensor;
}

lazyOp({
  type: "AvgPoolGrad",
  kernel: ([sizes, dy], op) => {
    const format = (op.attrs.data_format as string | undefined) ?? "NHWC";
    const inputShape = nhwcShape(sizesOf(op, sizes as tfc.Tensor, "_input_sizes"), format);
    return [
      tfc.tidy(() =>
        fromNHWC(
          K.avgPoolGrad(
            inputShape,
            toNHWC(dy as tfc.Tensor, format),
            spatial(op.attrs.ksize as number[], format, 1),
            spatial(op.attrs.strides as number[], format, 1),
            op.attrs.padding as string,
          ),
          format,
        ),
      ),
    ];
  },
});

/** `gen_nn_ops.avg_pool_grad(orig_input_shape, grad, ksize, strides, padding)`. */
export function avgPoolGrad(sizes: Tensor, dy: Tensor, attrs: ConvAttrs): Tensor {
  const shape = staticShapeOf(sizes);
  return build(
    "AvgPoolGrad",
    [sizes, dy],
    [{ dtype: dy.dtype, shape: shape.dims === null ? TensorShape.unknownOfRank(4) : shape }],
    {
      T: dy.dtype,
      ksize: (attrs.ksize ?? []).slice(),
      strides: attrs.strides.slice(),
      padding: attrs.padding,
      data_format: attrs.data_format,
      _input_sizes: shape.isFullyDefined() ? shape.asList() : null,
    },
  ).outputs[0] as Tensor;
}

lazyOp({
  type: "BiasAddGrad",
  kernel: ([dy], op) => {
    const g = dy as tfc.Tensor;
    const channel = op.attrs.data_format === "NCHW" ? 1 : g.rank - 1;
    const axes = Array.from({ length: g.rank }, (_, i) => i).filter((i) => i !== channel);
    // tfjs-wasm's sum over an empty axis returns uninitialized memory.
    if (g.size === 0) return [tfc.zeros([g.shape[channel] as number], g.dtype)];
    return [sumKernel(g, axes, false)];
  },
});

/** `gen_nn_ops.bias_add_grad(out_backprop, data_format)`: dy summed over all but channels. */
export function biasAddGrad(dy: Tensor, dataFormat: string): Tensor {
  const dims = dy.shape.dims;
  let channels: Dim = null;
  if (dims !== null && dims.length > 0)
    channels = (dataFormat === "NCHW" ? dims[1] : dims[dims.length - 1]) ?? null;
  return build("BiasAddGrad", [dy], [{ dtype: dy.dtype, shape: new TensorShape([channels]) }], {
    T: dy.dtype,
    data_format: dataFormat,
  }).outputs[0] as Tensor;
}

// Gradient ops and shape helpers are not differentiated (TF's `ops.NotDifferentiable`).
for (const type of ["BroadcastGradientArgs", "InvertPermutation", "ShapeN", "ConcatOffset"]) {
  registerGradient(type, null);
}
