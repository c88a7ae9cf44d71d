import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor } from "../../graph/tensor.js";
import {
  booleanKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { checkOpInputs } from "../input_types.js";

registerOp({
  type: "Qr",
  opDef: {
    inputs: ["input: T"],
    outputs: ["q: T", "r: T"],
    attrs: ["full_matrices: bool = false", "T: {double, float, complex64, complex128}"],
  },
  kernel: ([x], op) => tfc.linalg.qr(x as tfc.Tensor, op.attrs.full_matrices as boolean),
});

/** TF 1.15's `qr(input, full_matrices=False, name=None)`. */
const QR_PARAMS = [
  req("input", tensorKind),
  /** Full `[M, M]` Q rather than the reduced `[M, min(M, N)]`; `false` by default. */
  opt("fullMatrices", booleanKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link qr}. */
export type QrOptions = OptionsOf<typeof QR_PARAMS>;

/**
 * The QR decomposition of (a batch of) matrices (`tf.linalg.qr`, op `Qr`): returns
 * `[q, r]` with `q` orthonormal and `r` upper triangular.
 *
 * @example
 * ```ts
 * const [q, r] = tf.linalg.qr(tf.constant([[3, 0], [4, 5]]));
 * using sess = new tf.Session();
 * sess.run(tf.matmul(q, r)).allClose([[3, 0], [4, 5]], 1e-5, 1e-6); // ==> true
 * sess.run(tf.matmul(q, q, { transposeA: true })).allClose([[1, 0], [0, 1]], 1e-5, 1e-6); // ==> true
 * ```
 */
export const qr = tfFunction("qr", QR_PARAMS, (a): [Tensor, Tensor] => {
  const full = a.fullMatrices ?? false;
  return inOpScope(a.name, "Qr", [a.input], (scope, graph) => {
    const x = convertToTensor(a.input, { name: "input" });
    checkOpInputs("Qr", [x], {});
    const si = new ShapeInference(opNameOf(scope), "Qr", [x.shape]);
    const dims = si.withRankAtLeast(x.shape, 2);
    let qShape = TensorShape.unknown();
    let rShape = TensorShape.unknown();
    if (dims !== null) {
      const batch = dims.slice(0, -2);
      const m = dims[dims.length - 2] as Dim;
      const n = dims[dims.length - 1] as Dim;
      const k = m === null || n === null ? null : Math.min(m, n);
      qShape = new TensorShape([...batch, m, full ? m : k]);
      rShape = new TensorShape([...batch, full ? m : k, n]);
    }
    const op = makeOp(
      graph,
      "Qr",
      scope,
      [x],
      [
        { dtype: x.dtype, shape: qShape },
        { dtype: x.dtype, shape: rShape },
      ],
      { full_matrices: full, T: x.dtype },
    );
    return [op.outputs[0] as Tensor, op.outputs[1] as Tensor];
  });
});
