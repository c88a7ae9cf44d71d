import type { ConstValue } from "./const_value.js";

/*
 * The semantics of TensorFlow's `StridedSlice` (its `ValidateStridedSliceOp`), shared by
 * the op's shape function, its kernels (`StridedSlice`, `StridedSliceGrad`) and the
 * build-time evaluation of constants: a sparse spec (one entry per Python subscript item,
 * with masks) is expanded against the input's rank into a dense spec (one entry per input
 * dimension), whose ranges are canonicalized and bounds-checked where the dims are known.
 */

/** The five mask attrs of `StridedSlice` and `StridedSliceGrad`. */
export interface StridedSliceMasks {
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
}

/** A sparse spec expanded against an input shape. Dims are `-1` where unknown. */
export interface DenseSlice {
  /** Per input dimension: where the slice starts, canonical (in range) where the dim is known. */
  readonly begin: number[];
  /** Per input dimension: where it stops (exclusive). */
  readonly end: number[];
  readonly strides: number[];
  /** Per input dimension: how many elements are taken (shrunk dims count as 1). */
  readonly processing: number[];
  /** The output shape: processing dims without the shrunk ones, with new axes of 1. */
  readonly final: number[];
}

const NEW_AXIS = -2;
const SHRINK_AXIS = -1;

const bit = (mask: number, i: number): boolean => ((mask >>> i) & 1) === 1;

/**
 * Expands and checks a strided slice spec against `inputDims` (`-1` for unknown dims).
 * `begin`/`end` may be `null` (not known when building); `strides` must be known.
 * `fail` receives TensorFlow's message for a bad spec and must throw.
 */
export function denseStridedSlice(
  inputDims: readonly number[],
  begin: readonly number[] | null,
  end: readonly number[] | null,
  strides: readonly number[],
  masks: StridedSliceMasks,
  fail: (message: string) => never,
): DenseSlice {
  const n = strides.length;
  const beginWrong = begin !== null && (begin.length !== n || n >= 32);
  const endWrong = end !== null && end.length !== n;
  if (beginWrong || endWrong) {
    if (begin !== null && end !== null) {
      fail(
        `Expected begin, end, and strides to be 1D equal size tensors, but got shapes [${begin.length}], [${end.length}], and [${n}] instead.`,
      );
    }
    fail(
      `Expected begin, end, and strides to be 1D equal size tensors, but got shape [${n}] for strides.`,
    );
  }
  const { ellipsisMask, newAxisMask, shrinkAxisMask } = masks;
  if (ellipsisMask !== 0 && (ellipsisMask & (ellipsisMask - 1)) !== 0) {
    fail("Multiple ellipses in slice spec not allowed");
  }

  // Where the (first) ellipsis is, and how many new axes follow it: the ellipsis stands
  // for every input dim that the items around it do not name. With no ellipsis, one is
  // implied after the last item.
  let ellipsisAt = -1;
  let newAxesAfterEllipsis = 0;
  for (let i = 0; i < n; i++) {
    if (ellipsisAt >= 0 && bit(newAxisMask, i)) newAxesAfterEllipsis++;
    if (ellipsisAt < 0 && bit(ellipsisMask, i)) ellipsisAt = i;
  }
  const sparseDims = ellipsisAt >= 0 ? n : n + 1;
  if (ellipsisAt < 0) ellipsisAt = n;

  const dims = inputDims.length;
  const dBegin = new Array<number>(dims).fill(0);
  const dEnd = new Array<number>(dims).fill(0);
  const dStrides = new Array<number>(dims).fill(1);
  let dBeginMask = 0;
  let dEndMask = 0;
  let dShrink = 0;
  const gather: number[] = [];
  let full = 0;
  for (let i = 0; i < sparseDims; i++) {
    if (i === ellipsisAt || (i < n && bit(ellipsisMask, i))) {
      const next = Math.min(dims - (sparseDims - i) + 1 + newAxesAfterEllipsis, dims);
      for (; full < next; full++) {
        dBeginMask |= 1 << full;
        dEndMask |= 1 << full;
        gather.push(full);
      }
    } else if (bit(newAxisMask, i)) {
      gather.push(NEW_AXIS);
    } else {
      if (full === dims) {
        fail(`Index out of range using input dim ${full}; input has only ${dims} dims`);
      }
      if (begin !== null) dBegin[full] = begin[i] as number;
      if (end !== null) dEnd[full] = end[i] as number;
      dStrides[full] = strides[i] as number;
      if (bit(masks.beginMask, i)) dBeginMask |= 1 << full;
      if (bit(masks.endMask, i)) dEndMask |= 1 << full;
      if (bit(shrinkAxisMask, i)) {
        gather.push(SHRINK_AXIS);
        dShrink |= 1 << full;
      } else {
        gather.push(full);
      }
      full++;
    }
  }

  const known = begin !== null && end !== null;
  const processing: number[] = [];
  for (let i = 0; i < dims; i++) {
    const stride = dStrides[i] as number;
    const dim = inputDims[i] as number;
    if (stride === 0) fail(`strides[${i}] must be non-zero`);
    const shrink = bit(dShrink, i);
    if (dim === -1) {
      processing.push(shrink ? 1 : -1);
      continue;
    }
    const beginMasked = bit(dBeginMask, i);
    const endMasked = bit(dEndMask, i);
    // Indices run over [0, dim) forwards and over [-1, dim - 1] backwards (end exclusive).
    const lo = stride > 0 ? 0 : -1;
    const hi = stride > 0 ? dim : dim - 1;
    const canonical = (x: number, isEnd: boolean, masked: boolean): number => {
      if (masked) return stride > 0 === isEnd ? hi : lo;
      const fwd = x < 0 ? dim + x : x;
      return Math.max(lo, Math.min(hi, fwd));
    };
    if (shrink && stride <= 0) fail("only stride 1 allowed on non-range indexing.");
    if (known) {
      if (shrink) {
        // `x[-1]` is begin -1, end 0: the end is rebuilt from the begin.
        const b = dBegin[i] as number;
        const fwd = b < 0 ? dim + b : b;
        dBegin[i] = fwd;
        dEnd[i] = fwd + 1;
        if (fwd < 0 || fwd >= dim) fail(`slice index ${fwd} of dimension ${i} out of bounds.`);
      } else {
        dBegin[i] = canonical(dBegin[i] as number, false, beginMasked);
        dEnd[i] = canonical(dEnd[i] as number, true, endMasked);
      }
    }
    let interval: number | null = null;
    if (known) interval = (dEnd[i] as number) - (dBegin[i] as number);
    else if (shrink) interval = 1;
    else if (beginMasked && endMasked && dim > 0) interval = stride < 0 ? -dim : dim;
    if (interval === null) {
      processing.push(-1);
    } else if (interval === 0 || interval < 0 !== stride < 0) {
      processing.push(0);
    } else {
      processing.push(Math.trunc(interval / stride) + (interval % stride !== 0 ? 1 : 0));
    }
  }

  const final: number[] = [];
  for (const g of gather) {
    if (g >= 0) final.push(processing[g] as number);
    else if (g === NEW_AXIS) final.push(1);
  }
  return { begin: dBegin, end: dEnd, strides: dStrides, processing, final };
}

/** The flat indices into a row-major `shape` that a fully known dense slice takes, in order. */
export function sliceIndices(shape: readonly number[], slice: DenseSlice): Int32Array {
  const rank = shape.length;
  const rowStrides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) {
    rowStrides[i] = (rowStrides[i + 1] as number) * (shape[i + 1] as number);
  }
  const count = slice.processing.reduce((a, b) => a * b, 1);
  const out = new Int32Array(count);
  const k = new Array<number>(rank).fill(0);
  for (let at = 0; at < count; at++) {
    let flat = 0;
    for (let i = 0; i < rank; i++) {
      const pos = (slice.begin[i] as number) + (k[i] as number) * (slice.strides[i] as number);
      flat += pos * (rowStrides[i] as number);
    }
    out[at] = flat;
    for (let i = rank - 1; i >= 0; i--) {
      k[i] = (k[i] as number) + 1;
      if ((k[i] as number) < (slice.processing[i] as number)) break;
      k[i] = 0;
    }
  }
  return out;
}

/**
 * A strided slice of a constant, computed when building (as TensorFlow's shape inference
 * evaluates constant subgraphs); `null` when the spec is invalid, so that the op reports it.
 */
export function sliceConstValue(
  input: ConstValue,
  begin: readonly number[],
  end: readonly number[],
  strides: readonly number[],
  masks: StridedSliceMasks,
): ConstValue | null {
  let dense: DenseSlice;
  try {
    dense = denseStridedSlice(input.shape, begin, end, strides, masks, (m) => {
      throw new Error(m);
    });
  } catch {
    return null;
  }
  const indices = sliceIndices(input.shape, dense);
  const source = input.values as ArrayLike<unknown> & { constructor: unknown };
  const Ctor = source.constructor as new (n: number) => { [i: number]: unknown };
  const values = Array.isArray(source)
    ? new Array<unknown>(indices.length)
    : new Ctor(indices.length);
  for (let i = 0; i < indices.length; i++) values[i] = source[indices[i] as number];
  return { ...input, shape: dense.final, values } as ConstValue;
}
