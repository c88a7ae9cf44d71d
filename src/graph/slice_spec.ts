import { kind, opt, tfFunction } from "./call_args.js";
import { isTensorConvertible, Tensor, type TensorConvertible } from "./tensor.js";

/** A slice bound or step, or an index: an integer or a scalar int32/int64 tensor. */
export type SliceBound = number | Tensor | TensorConvertible;

/**
 * Python's slice object `start:stop:step` where a part is a tensor (`x[:t]`, `x[i:i + n]`),
 * which the string spelling `"1:3"` cannot hold. Made by {@link sliceSpec}.
 */
export class SliceSpec {
  constructor(
    readonly start: SliceBound | null,
    readonly stop: SliceBound | null,
    readonly step: SliceBound | null,
  ) {}

  toString(): string {
    const part = (v: SliceBound | null) =>
      v === null ? "" : typeof v === "number" ? String(v) : "<tensor>";
    const step = this.step === null ? "" : `:${part(this.step)}`;
    return `${part(this.start)}:${part(this.stop)}${step}`;
  }
}

const boundKind = kind<SliceBound>(
  "an int or a scalar int Tensor",
  (v) => Number.isInteger(v) || v instanceof Tensor || isTensorConvertible(v),
);

/** Python's `slice(start, stop, step)`, always with all three (`null` for an empty part). */
const SLICE_SPEC_PARAMS = [
  opt("start", boundKind),
  opt("stop", boundKind),
  opt("step", boundKind),
] as const;

/**
 * Python's `start:stop:step` as an object, for bounds that are tensors: `x[:, :t]` is
 * `x.get(":", tf.sliceSpec(null, t))`. `null` (or omitting) a part is Python's empty part.
 * Unlike Python's one-argument `slice(stop)`, the first parameter is always `start`.
 *
 * @example
 * ```ts
 * const x = tf.constant([1, 2, 3, 4, 5]);
 * const n = tf.constant(3, { dtype: tf.int32 });
 * using sess = new tf.Session();
 * sess.run(x.get(tf.sliceSpec(1, n))); // ==> [2. 3.]
 * ```
 */
export const sliceSpec = tfFunction(
  "sliceSpec",
  SLICE_SPEC_PARAMS,
  (a) => new SliceSpec(a.start ?? null, a.stop ?? null, a.step ?? null),
);

/** `tf.newaxis`: `null`, as Python's `None` in a subscript inserts a dimension of 1. */
export const newaxis = null;

/**
 * One item of a subscript, as `Tensor.get` takes it: an integer or a scalar int tensor
 * (an index), a string `"start:stop:step"` or `"..."`, a {@link SliceSpec}, or `null`
 * (`tf.newaxis`).
 */
export type SliceItem = SliceBound | string | SliceSpec | null;
