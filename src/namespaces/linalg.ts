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
// linalg: einsum and the Cholesky/solve/decomposition family.
export { einsum, type EinsumOptions } from "../ops/linalg/einsum.js";
export {
  adjoint,
  cholesky,
  choleskySolve,
  matrixSolve as solve,
  matrixTriangularSolve as triangularSolve,
  logMatrixDeterminant as slogdet,
  logdet,
  type MatrixSolveOptions,
  type MatrixTriangularSolveOptions,
} from "../ops/linalg/solve.js";
export { svd, type SvdOptions } from "../ops/linalg/svd.js";
