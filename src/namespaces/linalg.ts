/** `tf.linalg`: TF 1.15's v1 names of the linear algebra functions scopeflow has. */
export { matmul } from "../ops/math/matmul.js";
export {
  matrixTranspose as transpose,
  matrixBandPart as bandPart,
  matrixDiag as diag,
  matrixDiagPart as diagPart,
  matrixSetDiag as setDiag,
  eye,
  trace,
} from "../ops/linalg/matrix_diag.js";
export { tensordot } from "../ops/linalg/tensordot.js";
export { matrixInverse as inv, matrixDeterminant as det } from "../ops/linalg/inverse_det.js";
export { qr, type QrOptions } from "../ops/linalg/qr.js";
