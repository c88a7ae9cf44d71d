import { ValueError } from "../errors.js";
import type { Dim } from "../graph/tensor_shape.js";
import { TensorShape } from "../graph/tensor_shape.js";

/** TensorFlow's shape-function error: `... for 'add' (op: 'AddV2') with input shapes: [2], [3].` */
export function shapeError(
  detail: string,
  opName: string,
  opType: string,
  inputShapes: readonly TensorShape[],
): ValueError {
  const shapes = inputShapes.map((s) => s.toRuntimeString()).join(", ");
  return new ValueError(
    `${detail} for '${opName}' (op: '${opType}') with input shapes: ${shapes}.`,
  );
}

/**
 * The broadcast shape of two static shapes (NumPy rules), with unknown dims: `?` against
 * 1 stays `?`, `?` against n is n. Throws TensorFlow's "Dimensions must be equal" error.
 */
export function broadcastShapes(
  a: TensorShape,
  b: TensorShape,
  opName: string,
  opType: string,
): TensorShape {
  if (a.dims === null || b.dims === null) return TensorShape.unknown();
  const rank = Math.max(a.dims.length, b.dims.length);
  const out: Dim[] = new Array<Dim>(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.dims.length ? 1 : (a.dims[i - (rank - a.dims.length)] as Dim);
    const db = i < rank - b.dims.length ? 1 : (b.dims[i - (rank - b.dims.length)] as Dim);
    out[i] = broadcastDim(da, db, () =>
      shapeError(`Dimensions must be equal, but are ${da} and ${db}`, opName, opType, [a, b]),
    );
  }
  return new TensorShape(out);
}

function broadcastDim(a: Dim, b: Dim, fail: () => ValueError): Dim {
  if (a === 1) return b;
  if (b === 1) return a;
  if (a === null) return b;
  if (b === null) return a;
  if (a !== b) throw fail();
  return a;
}

/** Normalizes a possibly negative axis against `rank`, with TensorFlow's range error. */
export function normalizeAxis(
  axis: number,
  rank: number,
  opName: string,
  opType: string,
  shapes: readonly TensorShape[],
): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw shapeError(`Dimension ${axis} must be >= ${-rank} and < ${rank}`, opName, opType, shapes);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Whether `value` is an array of non-negative integers (a fully known shape). */
export function isConcreteShape(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((d) => Number.isInteger(d) && d >= 0);
}

/** Product of dims. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** TensorFlow's `Merge` failure text for two shapes that must be equal. */
export function mergeErrorDetail(a: TensorShape, b: TensorShape): string {
  const da = a.dims ?? [];
  const db = b.dims ?? [];
  if (da.length !== db.length)
    return `Shapes must be equal rank, but are ${da.length} and ${db.length}`;
  for (let i = 0; i < da.length; i++) {
    const x = da[i] as Dim;
    const y = db[i] as Dim;
    if (x !== null && y !== null && x !== y) {
      return `Dimension ${i} in both shapes must be equal, but are ${x} and ${y}. Shapes are ${a.toRuntimeString()} and ${b.toRuntimeString()}.`;
    }
  }
  return `Shapes ${a.toRuntimeString()} and ${b.toRuntimeString()} are not compatible`;
}
