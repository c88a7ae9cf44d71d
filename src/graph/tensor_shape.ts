import { ValueError } from "../errors.js";
import { pyTuple } from "./pyformat.js";

/** A dimension: a size, or `null` when it is not known until run time. */
export type Dim = number | null;

/** What a caller may pass where a shape is expected: a list of dims, or a `TensorShape`. */
export type ShapeLike = readonly Dim[] | TensorShape;

/**
 * The static shape of a tensor, possibly partly or wholly unknown: TensorFlow's
 * `TensorShape`. `dims === null` means even the rank is unknown.
 *
 * @example
 * ```ts
 * const s = new tf.TensorShape([null, 784]);
 * s.toString(); // ==> (?, 784)
 * s.isFullyDefined(); // ==> false
 * ```
 */
export class TensorShape {
  /** The dimensions, or `null` for a shape of unknown rank. */
  readonly dims: readonly Dim[] | null;

  constructor(dims: readonly Dim[] | null) {
    this.dims = dims === null ? null : Object.freeze(dims.slice());
  }

  /** A shape whose rank is not known. */
  static unknown(): TensorShape {
    return UNKNOWN_SHAPE;
  }

  /** A shape of known rank whose dimensions are all unknown. */
  static unknownOfRank(rank: number): TensorShape {
    return new TensorShape(new Array<Dim>(rank).fill(null));
  }

  /** The scalar shape `()`. */
  static scalar(): TensorShape {
    return SCALAR_SHAPE;
  }

  /** Converts an array of dims or a `TensorShape` (`tensor_shape.as_shape`). */
  static from(shape: ShapeLike | null | undefined): TensorShape {
    if (shape === null || shape === undefined) return UNKNOWN_SHAPE;
    if (shape instanceof TensorShape) return shape;
    if (!Array.isArray(shape)) {
      throw new TypeError(`A shape must be an array of numbers or null, got ${describe(shape)}`);
    }
    for (const d of shape) {
      if (d !== null && (typeof d !== "number" || !Number.isInteger(d) || d < -1)) {
        throw new TypeError(
          `Dimension value must be integer or None or have an __index__ method, got value '${String(d)}' with type '${typeof d}'`,
        );
      }
    }
    return new TensorShape(shape.map((d) => (d === -1 ? null : d)));
  }

  /** The rank, or `null` when unknown. */
  get rank(): number | null {
    return this.dims === null ? null : this.dims.length;
  }

  /** The dims as a plain array; throws for an unknown rank, as TensorFlow does. */
  asList(): Dim[] {
    if (this.dims === null)
      throw new ValueError("as_list() is not defined on an unknown TensorShape.");
    // Spread, not slice: V8 copies a frozen array by slice() ~30x slower.
    return [...this.dims];
  }

  /** Whether every dimension (and so the rank) is known. */
  isFullyDefined(): boolean {
    const dims = this.dims;
    if (dims === null) return false;
    // A plain loop: this runs several times for every op built.
    for (let i = 0; i < dims.length; i++) if (dims[i] === null) return false;
    return true;
  }

  /** The number of elements, or `null` unless fully defined. */
  numElements(): number | null {
    if (!this.isFullyDefined()) return null;
    let n = 1;
    for (const d of this.dims as number[]) n *= d;
    return n;
  }

  /** Whether the two shapes could describe the same tensor (`is_compatible_with`). */
  isCompatibleWith(other: ShapeLike): boolean {
    const o = TensorShape.from(other);
    if (this.dims === null || o.dims === null) return true;
    if (this.dims.length !== o.dims.length) return false;
    for (let i = 0; i < this.dims.length; i++) {
      const a = this.dims[i] as Dim;
      const b = o.dims[i] as Dim;
      if (a !== null && b !== null && a !== b) return false;
    }
    return true;
  }

  /** The most specific shape compatible with both; throws `ValueError` when incompatible. */
  mergeWith(other: ShapeLike): TensorShape {
    const o = TensorShape.from(other);
    if (this.dims === null) return o;
    if (o.dims === null) return this;
    if (!this.isCompatibleWith(o)) {
      throw new ValueError(`Shapes ${this.toString()} and ${o.toString()} are not compatible`);
    }
    return new TensorShape(
      this.dims.map((d, i) => (d === null ? ((o.dims as Dim[])[i] as Dim) : d)),
    );
  }

  /** Throws TensorFlow's error unless the rank is `rank` (or unknown). */
  assertHasRank(rank: number): void {
    if (this.dims !== null && this.dims.length !== rank) {
      throw new ValueError(`Shape ${this.toString()} must have rank ${rank}`);
    }
  }

  /** Whether both shapes are known and equal, dim by dim. */
  equals(other: ShapeLike): boolean {
    const o = TensorShape.from(other);
    if (this.dims === null || o.dims === null) return this.dims === o.dims;
    return (
      this.dims.length === o.dims.length && this.dims.every((d, i) => d === (o.dims as Dim[])[i])
    );
  }

  /** TensorFlow's printed form: `(2,)`, `(?, 784)`, `()`, `<unknown>`. */
  toString(): string {
    if (this.dims === null) return "<unknown>";
    return pyTuple(this.dims, (d) => (d === null ? "?" : String(d)));
  }

  /** The form TensorFlow's runtime prints in error messages: `[?,2]`. */
  toRuntimeString(): string {
    if (this.dims === null) return "<unknown>";
    return `[${this.dims.map((d) => (d === null ? "?" : String(d))).join(",")}]`;
  }
}

const UNKNOWN_SHAPE = new TensorShape(null);
const SCALAR_SHAPE = new TensorShape([]);

function describe(value: unknown): string {
  if (typeof value === "object" && value !== null) return value.constructor?.name ?? "object";
  return `${String(value)} (${typeof value})`;
}
