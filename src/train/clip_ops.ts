import { Tensor, type TensorLike } from "../graph/tensor.js";
import { constant } from "../ops/array/constant.js";
import { stack } from "../ops/array/stack.js";
import { where } from "../ops/array/where.js";
import { convertToTensor } from "../ops/convert.js";
import { maximum, minimum } from "../ops/math/binary.js";
import { pythonOperator } from "../ops/math/operators.js";
import { reduceSum } from "../ops/math/reduce.js";
import { identity, sqrt } from "../ops/math/unary.js";
import { l2Loss } from "../ops/nn/l2_loss.js";
import { inOpScope } from "../ops/op_scope.js";
import {
  axisKind,
  kind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";
import { isFinite } from "../ops/math/is_finite.js";
import { clipByNormOps } from "../ops/math/clip_norm.js";
import { IndexedSlices } from "../ops/indexed_slices.js";

/*
 * Clipping of tensors and gradients (TensorFlow 1.15's `clip_ops.py`), built from the
 * graph ops with TensorFlow's name scopes and op names.
 */

/** A list entry that may be absent, as a gradient of an unused variable is. */
type MaybeTensor = TensorLike | null | undefined;

/** What is clipped of an entry: an `IndexedSlices`' values, else the tensor itself. */
function valuesOf(t: TensorLike): TensorLike {
  return t instanceof IndexedSlices ? t.values : t;
}

/** The tensors of a list, skipping absent entries. */
function present(list: readonly MaybeTensor[]): TensorLike[] {
  return list.filter((t): t is TensorLike => t !== null && t !== undefined);
}

function checkSequence(tList: unknown): asserts tList is readonly MaybeTensor[] {
  if (!Array.isArray(tList)) throw new TypeError("t_list should be a sequence");
}

/**
 * A `t_list`: tensors with `null` for absent ones. Anything but an options object passes
 * the kind so that a non-list meets TF's own "t_list should be a sequence".
 */
const tListKind = kind<readonly MaybeTensor[]>("a list of Tensors", () => true);

/** TF 1.15's `clip_by_value(t, clip_value_min, clip_value_max, name=None)`. */
const CLIP_BY_VALUE_PARAMS = [
  req("t", tensorKind),
  req("clipValueMin", tensorKind),
  req("clipValueMax", tensorKind),
  opt("name", stringKind),
] as const;
/** TF 1.15's `clip_by_norm(t, clip_norm, axes=None, name=None)`. */
const CLIP_BY_NORM_PARAMS = [
  req("t", tensorKind),
  req("clipNorm", tensorKind),
  opt("axes", axisKind),
  opt("name", stringKind),
] as const;
/** TF 1.15's `global_norm(t_list, name=None)`. */
const GLOBAL_NORM_PARAMS = [req("tList", tListKind), opt("name", stringKind)] as const;
/** TF 1.15's `clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None)`. */
const CLIP_BY_GLOBAL_NORM_PARAMS = [
  req("tList", tListKind),
  req("clipNorm", tensorKind),
  opt("useNorm", tensorKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link clipByValue}. */
export type ClipByValueOptions = OptionsOf<typeof CLIP_BY_VALUE_PARAMS>;
/** The options object of {@link clipByNorm}. */
export type ClipByNormOptions = OptionsOf<typeof CLIP_BY_NORM_PARAMS>;
/** The options object of {@link globalNorm}. */
export type GlobalNormOptions = OptionsOf<typeof GLOBAL_NORM_PARAMS>;
/** The options object of {@link clipByGlobalNorm}. */
export type ClipByGlobalNormOptions = OptionsOf<typeof CLIP_BY_GLOBAL_NORM_PARAMS>;

/**
 * Clips `t` to `[clipValueMin, clipValueMax]` (`tf.clip_by_value`): a `Minimum`, then a
 * `Maximum` named after the scope (`clip_by_value`). The bounds are scalars or tensors of
 * `t`'s shape: a bound that would broadcast `t` to a larger shape is a `ValueError`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.clipByValue(tf.constant([-2, 0.5, 3]), -1, 1)); // ==> [-1.   0.5  1. ]
 * ```
 */
export const clipByValue = tfFunction("clipByValue", CLIP_BY_VALUE_PARAMS, (a) =>
  clipByValueImpl(a.t, a.clipValueMin, a.clipValueMax, a.name),
);

function clipByValueImpl(
  t: TensorLike,
  clipValueMin: TensorLike,
  clipValueMax: TensorLike,
  name: string | undefined,
): Tensor {
  return inOpScope(name, "clip_by_value", [t, clipValueMin, clipValueMax], (scope) => {
    const values = convertToTensor(t, { name: "t" });
    const tMin = minimum(values, clipValueMax);
    // The result must keep `t`'s shape: no broadcasting to a larger one.
    values.shape.mergeWith(tMin.shape);
    const tMax = maximum(tMin, clipValueMin, { name: scope });
    values.shape.mergeWith(tMax.shape);
    return tMax;
  });
}

/** `clip_by_norm`'s parameters with an `IndexedSlices` as `t` (for the typed overload). */
const CLIP_SLICES_BY_NORM_PARAMS = [
  req(
    "t",
    kind<IndexedSlices>("an IndexedSlices", (v) => v instanceof IndexedSlices),
  ),
  req("clipNorm", tensorKind),
  opt("axes", axisKind),
  opt("name", stringKind),
] as const;

/**
 * `tf.clip_by_norm`: a tensor gives a tensor, an `IndexedSlices` (a gathered variable's
 * gradient) an `IndexedSlices` with its values clipped.
 */
interface ClipByNorm {
  (...args: CallArgs<typeof CLIP_SLICES_BY_NORM_PARAMS>): IndexedSlices;
  (...args: CallArgs<typeof CLIP_BY_NORM_PARAMS>): Tensor;
  (...args: CallArgs<typeof CLIP_BY_NORM_PARAMS>): Tensor | IndexedSlices;
}

/**
 * Rescales `t` so that its L2 norm (over `axes`, all dims by default) is at most
 * `clipNorm` (`tf.clip_by_norm`): `t * clipNorm / max(l2norm(t), clipNorm)`, with
 * TensorFlow's two `Select`s that keep the gradient finite at a zero norm. The result is
 * an `Identity` named `clip_by_norm`. For an `IndexedSlices` its values are clipped and
 * the result is an `IndexedSlices` with the same indices.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.clipByNorm(tf.constant([3, 4]), 1)); // ==> [0.6 0.8]
 * ```
 */
export const clipByNorm: ClipByNorm = tfFunction("clipByNorm", CLIP_BY_NORM_PARAMS, (a) =>
  clipByNormImpl(a.t, a.clipNorm, a.axes, a.name),
) as ClipByNorm;

function clipByNormImpl(
  t: TensorLike,
  clipNorm: TensorLike,
  axes: ClipByNormOptions["axes"],
  name: string | undefined,
): Tensor | IndexedSlices {
  if (t instanceof IndexedSlices) {
    const values = clipByNormOps(t.values, clipNorm, axes, name);
    return new IndexedSlices(values, t.indices, t.denseShape);
  }
  return clipByNormOps(t, clipNorm, axes, name);
}

/**
 * The global L2 norm of a list of tensors, `sqrt(sum(l2norm(t) ** 2))`
 * (`tf.global_norm`): one `L2Loss` per tensor, stacked, summed, doubled, and the square
 * root named `global_norm/global_norm`. `null` entries are skipped.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.globalNorm([tf.constant([3]), null, tf.constant([4])])); // ==> 5.0
 * ```
 */
export const globalNorm = tfFunction("globalNorm", GLOBAL_NORM_PARAMS, (a) =>
  globalNormImpl(a.tList, a.name),
);

function globalNormImpl(tList: readonly MaybeTensor[], name: string | undefined): Tensor {
  checkSequence(tList);
  const list = [...tList];
  return inOpScope(name, "global_norm", present(list), () => {
    const values = list.map((t, i) =>
      t === null || t === undefined ? null : convertToTensor(valuesOf(t), { name: `t_${i}` }),
    );
    const halfSquaredNorms = values.filter((v): v is Tensor => v !== null).map((v) => l2Loss(v));
    const halfSquaredNorm = reduceSum(stack(halfSquaredNorms));
    return sqrt(
      pythonOperator("mul", halfSquaredNorm, constant(2.0, { dtype: halfSquaredNorm.dtype })),
      { name: "global_norm" },
    );
  });
}

/**
 * Scales a list of tensors by the ratio of `clipNorm` to their global norm, when that norm
 * is larger (`tf.clip_by_global_norm`): each `t * clipNorm / max(globalNorm, clipNorm)`,
 * all NaN when the norm is not finite. Returns `[listClipped, globalNorm]`; `null` entries
 * stay `null`, an `IndexedSlices` is clipped in its values and stays one. Ops: `global_norm/...`, then `clip_by_global_norm/...` with the clipped
 * tensors named `clip_by_global_norm/clip_by_global_norm/_0`, `..._1`, as in TensorFlow.
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [2], { initializer: tf.constantInitializer(3) });
 * const opt = new tf.train.GradientDescentOptimizer(0.1);
 * const gradsAndVars = opt.computeGradients(tf.reduceSum(tf.square(w)));
 * const [clipped, norm] = tf.clipByGlobalNorm(gradsAndVars.map(([g]) => g), 5.0);
 * using sess = new tf.Session();
 * sess.run(w.initializer);
 * sess.run(clipped[0]); // ==> [3.5355341 3.5355341]
 * ```
 */
export const clipByGlobalNorm = tfFunction("clipByGlobalNorm", CLIP_BY_GLOBAL_NORM_PARAMS, (a) =>
  clipByGlobalNormImpl(a.tList, a.clipNorm, a.useNorm, a.name),
);

function clipByGlobalNormImpl(
  tList: readonly MaybeTensor[],
  clipNorm: TensorLike,
  useNormGiven: TensorLike | undefined,
  name: string | undefined,
): [(Tensor | IndexedSlices | null)[], Tensor] {
  checkSequence(tList);
  const list = [...tList];
  const useNorm =
    useNormGiven === undefined ? globalNormImpl(list, name) : convertToTensor(useNormGiven);
  const clipped = inOpScope(name, "clip_by_global_norm", [...present(list), clipNorm], (scope) => {
    const norm = convertToTensor(useNorm);
    // scale = clip_norm * min(1 / use_norm, 1 / clip_norm), NaN for a non-finite norm.
    const inverse = pythonOperator("truediv", 1.0, norm);
    const one = constant(1.0, { dtype: norm.dtype });
    const scaleForFinite = pythonOperator(
      "mul",
      clipNorm,
      minimum(inverse, pythonOperator("truediv", one, clipNorm)),
    );
    const scale = where(isFinite(norm), scaleForFinite, constant(NaN, { dtype: norm.dtype }));
    const values = list.map((t, i) =>
      t === null || t === undefined ? null : convertToTensor(valuesOf(t), { name: `t_${i}` }),
    );
    return values.map((v, i) => {
      if (v === null) return null;
      const out = identity(pythonOperator("mul", v, scale), { name: `${scope}_${i}` });
      const t = list[i];
      // An IndexedSlices (a gathered variable's gradient) stays sparse: its values scaled.
      return t instanceof IndexedSlices ? new IndexedSlices(out, t.indices, t.denseShape) : out;
    });
  });
  return [clipped, useNorm];
}
