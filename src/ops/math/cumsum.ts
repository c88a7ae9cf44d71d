import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import {
  booleanKind,
  intOrTensorKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import type { Tensor } from "../../graph/tensor.js";
import { convertToTensor } from "../convert.js";
import { checkOpInputs } from "../input_types.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { readInts } from "../tensor_util.js";

const SCAN_TYPES =
  "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}";

/** The scan axis, checked as TF's `ScanOp` checks it at run time. */
export function scanAxis(x: tfc.Tensor, axis: tfc.Tensor, opName: string): number {
  if (axis.rank !== 0) {
    throw new InvalidArgumentError(
      `ScanOp: axis must be a scalar, not [${axis.shape.join(",")}]`,
      opName,
    );
  }
  const a = readInts(axis)[0] as number;
  if (a < -x.rank || a >= x.rank) {
    throw new InvalidArgumentError(
      `ScanOp: Expected scan axis in the range [${-x.rank}, ${x.rank}), but got ${a}`,
      opName,
    );
  }
  return a < 0 ? a + x.rank : a;
}

/**
 * A cumulative sum (or product) along `axis` in float64 per running total (rounded to float32 once per
 * element, like TF's Eigen scan accumulating in the element type but without its drift
 * over long axes); int32 sums wrap as C's.
 */
export function scanKernel(
  x: tfc.Tensor,
  axis: number,
  exclusive: boolean,
  reverse: boolean,
  prod = false,
): tfc.Tensor {
  const src = x.dataSync();
  const out = x.dtype === "int32" ? new Int32Array(src.length) : new Float32Array(src.length);
  const shape = x.shape;
  const n = shape[axis] as number;
  let inner = 1;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i] as number;
  const outer = src.length / Math.max(n * inner, 1);
  const round = x.dtype === "int32" ? (v: number) => v | 0 : Math.fround;
  const start = prod ? 1 : 0;
  const step = prod
    ? x.dtype === "int32"
      ? (acc: number, v: number) => Math.imul(acc, v)
      : (acc: number, v: number) => Math.fround(acc * v)
    : (acc: number, v: number) => round(acc + v);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let acc = start;
      for (let k = 0; k < n; k++) {
        const j = reverse ? n - 1 - k : k;
        const at = base + j * inner;
        const v = src[at] as number;
        if (exclusive) {
          out[at] = acc;
          acc = step(acc, v);
        } else {
          acc = step(acc, v);
          out[at] = acc;
        }
      }
    }
  }
  return tfc.tensor(out, shape, x.dtype);
}

registerOp({
  type: "Cumsum",
  opDef: {
    inputs: ["x: T", "axis: Tidx"],
    outputs: ["out: T"],
    attrs: [
      "exclusive: bool = false",
      "reverse: bool = false",
      SCAN_TYPES,
      "Tidx: {int32, int64} = int32",
    ],
  },
  kernel: ([x, axis], op) => {
    const t = x as tfc.Tensor;
    const a = scanAxis(t, axis as tfc.Tensor, op.name);
    return [scanKernel(t, a, op.attrs.exclusive === true, op.attrs.reverse === true)];
  },
  inferShapes: (op) => [(op.inputs[0] as Tensor).shape],
});

/** Builds `Cumsum` or `Cumprod` as `math_ops.cumsum`/`cumprod` do. */
function scan(
  type: "Cumsum" | "Cumprod",
  x: unknown,
  axis: unknown,
  exclusive: boolean,
  reverse: boolean,
  name: string | undefined,
): Tensor {
  return inOpScope(name, type, [x], (scope, graph) => {
    const tx = convertToTensor(x, { name: "x" });
    const ta = convertToTensor(axis, { name: "axis", preferredDtype: "int32" });
    // `x` is checked before `axis`, as op_def_library checks them.
    checkOpInputs(type, [tx, ta], {});
    if (ta.shape.rank !== null && ta.shape.rank !== 0) {
      throw new InvalidArgumentError(
        `ScanOp: axis must be a scalar, not [${(ta.shape.dims ?? []).join(",")}]`,
        scope.slice(0, -1),
      );
    }
    return makeOp(graph, type, scope, [tx, ta], [{ dtype: tx.dtype, shape: tx.shape }], {
      T: tx.dtype,
      Tidx: ta.dtype,
      exclusive,
      reverse,
    }).outputs[0] as Tensor;
  });
}

/** TF 1.15's `(x, axis=0, exclusive=False, reverse=False, name=None)`. */
const SCAN_PARAMS = [
  req("x", tensorKind),
  opt("axis", intOrTensorKind),
  opt("exclusive", booleanKind),
  opt("reverse", booleanKind),
  opt("name", stringKind),
] as const;

/**
 * The cumulative sum of `x` along `axis` (`tf.cumsum(x, axis=0, exclusive=False,
 * reverse=False, name)`, op `Cumsum` named `Cumsum`): `exclusive` starts each sum at 0,
 * `reverse` sums from the end. Its gradient is the cumsum of the gradient the other way.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const x = tf.constant([1, 2, 3]);
 * sess.run(tf.cumsum(x)); // ==> [1. 3. 6.]
 * sess.run(tf.cumsum(x, 0, true, true)); // ==> [5. 3. 0.]
 * ```
 */
export const cumsum = tfFunction("cumsum", SCAN_PARAMS, (a) =>
  scan("Cumsum", a.x, a.axis ?? 0, a.exclusive ?? false, a.reverse ?? false, a.name),
);

/**
 * The cumulative product of `x` along `axis` (`tf.cumprod(x, axis=0, exclusive=False,
 * reverse=False, name)`, op `Cumprod`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.cumprod(tf.constant([1, 2, 3]), { exclusive: true })); // ==> [1. 1. 2.]
 * ```
 */
export const cumprod = tfFunction("cumprod", SCAN_PARAMS, (a) =>
  scan("Cumprod", a.x, a.axis ?? 0, a.exclusive ?? false, a.reverse ?? false, a.name),
);
