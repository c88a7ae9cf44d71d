import { ValueError } from "../errors.js";
import type { Dim } from "../graph/tensor_shape.js";
import { TensorShape } from "../graph/tensor_shape.js";
import type { ConstValue } from "./const_value.js";

/**
 * What a shape function read from constant inputs, which TensorFlow appends to its
 * errors: `input[1] = <2>` (a tensor's value) and `input[1] = [4]` (a tensor read as a shape).
 */
export interface ShapeErrorContext {
  tensors?: readonly (readonly [number, ConstValue])[];
  partialShapes?: readonly (readonly [number, TensorShape])[];
}

/** A tensor value as TensorFlow's `SummarizeValue` prints it: `1 2 3`, at most 256 values. */
function summarizeValue(value: ConstValue, max = 256): string {
  const parts: string[] = [];
  const n = Math.min(value.values.length, max);
  for (let i = 0; i < n; i++) parts.push(String(value.values[i] as number | bigint | string));
  if (value.values.length > max) parts.push("...");
  return parts.join(" ");
}

/**
 * TensorFlow's shape-function error: `... for 'add' (op: 'AddV2') with input shapes: [2], [3].`,
 * with `and with computed input tensors: input[1] = <2>` when the function read constants.
 */
export function shapeError(
  detail: string,
  opName: string,
  opType: string,
  inputShapes: readonly TensorShape[],
  context: ShapeErrorContext = {},
): ValueError {
  const shapes = inputShapes.map((s) => s.toRuntimeString()).join(", ");
  let text = `${detail} for '${opName}' (op: '${opType}') with input shapes: ${shapes}`;
  if (context.tensors && context.tensors.length > 0) {
    text += ` and with computed input tensors: ${context.tensors
      .map(([i, v]) => `input[${i}] = <${summarizeValue(v)}>`)
      .join(", ")}`;
  }
  if (context.partialShapes && context.partialShapes.length > 0) {
    text += ` and with input tensors computed as partial shapes: ${context.partialShapes
      .map(([i, s]) => `input[${i}] = ${s.toRuntimeString()}`)
      .join(",")}`;
  }
  return new ValueError(`${text}.`);
}

/**
 * The checks of TensorFlow's `InferenceContext`, bound to one op so that failures carry
 * TensorFlow's wording and context (`Shape must be rank 2 but is rank 3 for 'MatMul' ...`).
 */
export class ShapeInference {
  constructor(
    readonly opName: string,
    readonly opType: string,
    readonly inputShapes: readonly TensorShape[],
    readonly context: ShapeErrorContext = {},
  ) {}

  /** Throws the op's shape error with `detail`. */
  fail(detail: string): never {
    throw shapeError(detail, this.opName, this.opType, this.inputShapes, this.context);
  }

  /** `WithRank`: `s` has exactly `rank` dims (an unknown shape becomes `rank` unknown dims). */
  withRank(s: TensorShape, rank: number): Dim[] {
    if (s.dims === null) return new Array<Dim>(rank).fill(null);
    if (s.dims.length !== rank)
      this.fail(`Shape must be rank ${rank} but is rank ${s.dims.length}`);
    return s.dims.slice();
  }

  /** `WithRankAtLeast`; `null` for an unknown shape. */
  withRankAtLeast(s: TensorShape, rank: number): Dim[] | null {
    if (s.dims === null) return null;
    if (s.dims.length < rank)
      this.fail(`Shape must be at least rank ${rank} but is rank ${s.dims.length}`);
    return s.dims.slice();
  }

  /** `WithRankAtMost`; `null` for an unknown shape. */
  withRankAtMost(s: TensorShape, rank: number): Dim[] | null {
    if (s.dims === null) return null;
    if (s.dims.length > rank)
      this.fail(`Shape must be at most rank ${rank} but is rank ${s.dims.length}`);
    return s.dims.slice();
  }

  /** `Merge` of two dims: `Dimensions must be equal, but are 3 and 2`. */
  mergeDim(a: Dim, b: Dim): Dim {
    if (a === null) return b;
    if (b === null) return a;
    if (a !== b) this.fail(`Dimensions must be equal, but are ${a} and ${b}`);
    return a;
  }

  /** `Merge` of two shapes, with TensorFlow's messages. */
  mergeShape(a: TensorShape, b: TensorShape): TensorShape {
    if (a.dims === null) return b;
    if (b.dims === null) return a;
    if (!a.isCompatibleWith(b)) this.fail(mergeErrorDetail(a, b));
    return a.mergeWith(b);
  }

  /** `WithValue`: the dim is `value` (or unknown): `Dimension must be 2 but is 3`. */
  withValue(d: Dim, value: number): number {
    if (d !== null && d !== value) this.fail(`Dimension must be ${value} but is ${d}`);
    return value;
  }

  /** `Subtract` of known sizes: `Negative dimension size caused by subtracting 3 from 2`. */
  subtract(a: Dim, b: Dim): Dim {
    if (a === null || b === null) return null;
    if (a < b) this.fail(`Negative dimension size caused by subtracting ${b} from ${a}`);
    return a - b;
  }

  /** `Divide`: `Dimension size must be evenly divisible by 3 but is 4`. */
  divide(a: Dim, divisor: number, evenly: boolean): Dim {
    if (a === null) return null;
    if (divisor <= 0) this.fail(`Divisor must be positive but is ${divisor}`);
    if (evenly && a % divisor !== 0)
      this.fail(`Dimension size must be evenly divisible by ${divisor} but is ${a}`);
    return Math.floor(a / divisor);
  }
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
