import { ValueError } from "../../errors.js";
import type { Tensor } from "../../graph/tensor.js";
import { anyKind, opt, req, stringKind, tensorKind, tfFunction } from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { matmul } from "../math/matmul.js";
import { inOpScope } from "../op_scope.js";
import { reshape } from "../array/reshape.js";
import { transpose } from "../array/transpose.js";

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
 * `_tensordot_reshape` on a fully defined shape: the free axes and the contracted ones
 * moved apart (a `transpose` only when the order changes) and flattened into a matrix.
 */
function tensordotReshape(a: Tensor, axesIn: number[], flipped: boolean): [Tensor, number[]] {
  if (!a.shape.isFullyDefined()) {
    throw new ValueError(
      `tensordot needs fully defined shapes in scopeflow; got ${a.shape.toString()} for ${a.name}.`,
    );
  }
  const shape = a.shape.asList() as number[];
  const axes = axesIn.map((i) => (i >= 0 ? i : i + shape.length));
  const free = [...shape.keys()].filter((i) => !axes.includes(i));
  const freeDims = free.map((i) => shape[i] as number);
  const prodFree = freeDims.reduce((p, d) => p * d, 1);
  const prodAxes = axes.reduce((p, i) => p * (shape[i] as number), 1);
  const perm = flipped ? [...axes, ...free] : [...free, ...axes];
  const newShape = flipped ? [prodAxes, prodFree] : [prodFree, prodAxes];
  const trans = perm.some((p, i) => p !== i) ? transpose(a, { perm }) : a;
  const transShape = trans.shape.asList() as number[];
  const same =
    transShape.length === newShape.length && transShape.every((d, i) => d === newShape[i]);
  return [same ? trans : reshape(trans, newShape), freeDims];
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
 * the scope. Shapes must be fully defined (TF's run-time shape path is not built).
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
    const [aMatrix, aFree] = tensordotReshape(a, aAxes, false);
    const [bMatrix, bFree] = tensordotReshape(b, bAxes, true);
    const product = matmul(aMatrix, bMatrix);
    return reshape(product, [...aFree, ...bFree], scope);
  }),
);
