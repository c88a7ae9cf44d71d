import { ValueError } from "../../errors.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { anyKind, opt, req, stringKind, tensorKind, tfFunction } from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { matmul } from "../math/matmul.js";
import { inOpScope } from "../op_scope.js";
import { reshape } from "../array/reshape.js";
import { transpose } from "../array/transpose.js";
import { concat } from "../array/concat.js";
import { gather } from "../array/gather.js";
import { shape as shapeOf } from "../array/shape.js";
import { stack } from "../array/stack.js";
import { reduceProd } from "../math/reduce.js";

/** `axes`: a count of trailing/leading axes, or the two lists of contracted axes. */
type Axes = number | readonly [number | readonly number[], number | readonly number[]];

const axesKind = anyKind<Axes>("an int or a pair of axis lists", false);

/** `_tensordot_axes`: the contracted axes of `a` and of `b`. */
function tensordotAxes(a: Tensor, axes: Axes): [number[], number[]] {
  if (typeof axes === "number") {
    if (!Number.isInteger(axes)) throw new TypeError("'axes' must be an int or a pair of lists.");
    if (axes < 0) throw new ValueError("'axes' must be at least 0.");
    const r = a.shape.rank;
    if (r === null) throw new ValueError("tensordot needs the rank of 'a' when 'axes' is an int.");
    if (axes > r) {
      throw new ValueError(
        `'axes' must not be larger than the number of dimensions of tensor ${a.toString()}.`,
      );
    }
    return [
      Array.from({ length: axes }, (_, i) => r - axes + i),
      Array.from({ length: axes }, (_, i) => i),
    ];
  }
  if (!Array.isArray(axes) || axes.length !== 2) {
    throw new ValueError("'axes' must be an integer or have length 2.");
  }
  const [aAxes, bAxes] = axes as [number | number[], number | number[]];
  const x = typeof aAxes === "number" ? [aAxes] : [...aAxes];
  const y = typeof bAxes === "number" ? [bAxes] : [...bAxes];
  if (x.length !== y.length) {
    throw new ValueError(
      `Different number of contraction axes 'a' and 'b', ${x.length} != ${y.length}.`,
    );
  }
  return [x, y];
}

/**
 * `_tensordot_reshape`: the free axes and the contracted ones moved apart and flattened
 * into a matrix. With a fully defined shape, statically (a `transpose` only when the order
 * changes, a `reshape` only when the shape does); with only the rank known, through
 * `axes`/`free` constants, `Shape`, `GatherV2`, `Prod`, `concat`, `stack` and `transpose`,
 * as TensorFlow builds it. Returns the matrix, the free dims (a list, or a tensor when
 * known only at run time) and their static values.
 */
function tensordotReshape(
  a: Tensor,
  axesIn: number[],
  flipped: boolean,
): [Tensor, number[] | Tensor, (number | null)[]] {
  const dims = a.shape.dims;
  if (dims === null) {
    throw new ValueError(
      `tensordot needs the rank of ${a.name} in scopeflow; its shape is unknown.`,
    );
  }
  const axes = axesIn.map((i) => (i >= 0 ? i : i + dims.length));
  const free = [...dims.keys()].filter((i) => !axes.includes(i));
  const freeStatic = free.map((i) => dims[i] ?? null);
  if (a.shape.isFullyDefined()) {
    const shape = dims as number[];
    const freeDims = freeStatic as number[];
    const prodFree = freeDims.reduce((p, d) => p * d, 1);
    const prodAxes = axes.reduce((p, i) => p * (shape[i] as number), 1);
    const perm = flipped ? [...axes, ...free] : [...free, ...axes];
    const newShape = flipped ? [prodAxes, prodFree] : [prodFree, prodAxes];
    const trans = perm.some((p, i) => p !== i) ? transpose(a, { perm }) : a;
    const transShape = trans.shape.asList() as number[];
    const same =
      transShape.length === newShape.length && transShape.every((d, i) => d === newShape[i]);
    return [same ? trans : reshape(trans, newShape), freeDims, freeStatic];
  }
  const axesT = convertToTensor(axes, { dtype: "int32", name: "axes" });
  const freeT = convertToTensor(free, { dtype: "int32", name: "free" });
  const shapeA = shapeOf(a);
  const freeDims = gather(shapeA, freeT);
  const axesDims = gather(shapeA, axesT);
  const prodFree = reduceProd(freeDims);
  const prodAxes = reduceProd(axesDims);
  const perm = concat(flipped ? [axesT, freeT] : [freeT, axesT], 0);
  const newShape = stack(flipped ? [prodAxes, prodFree] : [prodFree, prodAxes]);
  return [reshape(transpose(a, { perm }), newShape), freeDims, freeStatic];
}

/** TF 1.15's `tensordot(a, b, axes, name=None)`. */
const TENSORDOT_PARAMS = [
  req("a", tensorKind),
  req("b", tensorKind),
  req("axes", axesKind),
  opt("name", stringKind),
] as const;

/**
 * The tensor contraction of `a` and `b` over `axes` (`tf.tensordot`,
 * `tf.linalg.tensordot`), built as TF 1.15 builds it for known shapes under `Tensordot`:
 * each side transposed and reshaped to a matrix, one `MatMul`, and a `Reshape` named by
 * the scope; with shapes known only at run time, through TF's `Shape`/`GatherV2`/`Prod`
 * ops (the ranks must be known).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const a = tf.constant([[1, 2], [3, 4]]);
 * sess.run(tf.tensordot(a, a, 1)); // ==> [[ 7. 10.]
 *                                  //      [15. 22.]]
 * sess.run(tf.tensordot(a, a, [[0, 1], [0, 1]])); // ==> 30.0
 * ```
 */
export const tensordot = tfFunction("tensordot", TENSORDOT_PARAMS, (args) =>
  inOpScope(args.name, "Tensordot", [args.a, args.b], (scope) => {
    const a = convertToTensor(args.a, { name: "a" });
    const b = convertToTensor(args.b, { name: "b" });
    const [aAxes, bAxes] = tensordotAxes(a, args.axes);
    return tensordotIn(scope, a, b, aAxes, bAxes);
  }),
);

/** The contraction under `scope` (TF's `tensordot` body after `_tensordot_axes`). */
function tensordotIn(
  scope: string,
  a: Tensor,
  b: Tensor,
  aAxes: number[],
  bAxes: number[],
): Tensor {
  const [aMatrix, aFree, aStatic] = tensordotReshape(a, aAxes, false);
  const [bMatrix, bFree, bStatic] = tensordotReshape(b, bAxes, true);
  const product = matmul(aMatrix, bMatrix);
  if (Array.isArray(aFree) && Array.isArray(bFree)) {
    return reshape(product, [...aFree, ...bFree], scope);
  }
  const aDims = convertToTensor(aFree, { dtype: "int32" });
  const bDims = convertToTensor(bFree, { dtype: "int32" });
  const out = reshape(product, concat([aDims, bDims], 0), scope);
  out.setShape([...aStatic, ...bStatic]);
  return out;
}

/**
 * `math_ops.tensordot(a, b, [[rank(a) - 1], [0]])` under `Tensordot`: the contraction
 * `Dense` uses for inputs of rank > 2 (and `rgb_to_grayscale`, whose `[-1, -1]` on 1-D
 * weights is the same); `a`'s rank must be known.
 */
export function tensordotLastFirst(aLike: TensorLike, bLike: TensorLike): Tensor {
  return inOpScope(null, "Tensordot", [aLike, bLike], (scope) => {
    const a = convertToTensor(aLike, { name: "a" });
    const b = convertToTensor(bLike, { name: "b" });
    return tensordotIn(scope, a, b, [(a.shape.rank ?? 0) - 1], [0]);
  });
}
