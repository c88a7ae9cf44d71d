import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf, type NameOption } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { checkDType, ShapeInference } from "../shape_utils.js";

registerOp({
  type: "Qr",
  opDef: {
    inputs: ["input: T"],
    outputs: ["q: T", "r: T"],
    attrs: ["full_matrices: bool = false", "T: {double, float, complex64, complex128}"],
  },
  kernel: ([x], op) => tfc.linalg.qr(x as tfc.Tensor, op.attrs.full_matrices as boolean),
});

/** Options of {@link qr}. */
export interface QrOptions extends NameOption {
  /** Full `[M, M]` Q rather than the reduced `[M, min(M, N)]`; `false` by default. */
  fullMatrices?: boolean;
}

/**
 * The QR decomposition of (a batch of) matrices (`tf.linalg.qr`, op `Qr`): returns
 * `[q, r]` with `q` orthonormal and `r` upper triangular.
 *
 * @example
 * ```ts
 * const [q, r] = qr(tf.constant([[3, 0], [4, 5]]));
 * using sess = new tf.Session();
 * sess.run(tf.matmul(q, r)).allClose([[3, 0], [4, 5]], 1e-5, 1e-6); // ==> true
 * sess.run(tf.matmul(q, q, { transposeA: true })).allClose([[1, 0], [0, 1]], 1e-5, 1e-6); // ==> true
 * ```
 */
export function qr(input: TensorLike, options: QrOptions = {}): [Tensor, Tensor] {
  const full = options.fullMatrices ?? false;
  return inOpScope(options.name, "Qr", [input], (scope, graph) => {
    const x = convertToTensor(input, { name: "input" });
    checkDType(x.dtype, "input", "float");
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
}
