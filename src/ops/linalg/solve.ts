import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import type { AttrValue } from "../../graph/operation.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import {
  booleanKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { withNameScope } from "../../scope/name_scope.js";
import { registerOp, type ShapeInferenceOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { checkLeadingInputs, checkOpInputs, convertBound } from "../input_types.js";
import { lu } from "./inverse_det.js";
import { matrixDiagPartOp, matrixTranspose } from "./matrix_diag.js";
import { log } from "../math/unary.js";
import { reduceSum } from "../math/reduce.js";
import { pythonOperator } from "../math/operators.js";

/*
 * The Cholesky/solve family of TF's linalg_ops.cc. tfjs has none of these kernels: each
 * matrix of a batch is factored here in float64 (as Eigen's LLT, PartialPivLU and
 * triangular solves that TF calls), and the result rounded to the input's float32.
 */

/** The OpDef type list of these ops (`{double, float, complex64, complex128}`). */
const LINALG_TYPES = "T: {double, float, complex64, complex128}";

function runError(message: string, opName: string): InvalidArgumentError {
  return new InvalidArgumentError(`${message}\n\t [[{{node ${opName}}}]]`, opName);
}

/** The matrices of a `[..., rows, cols]` run-time tensor. */
interface Batch {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  readonly values: Float32Array;
}

function batchOf(t: tfc.Tensor, index: number, opName: string): Batch {
  if (t.rank < 2) throw runError(`Input tensor ${index} must have rank >= 2`, opName);
  const rows = t.shape[t.rank - 2] as number;
  const cols = t.shape[t.rank - 1] as number;
  const count =
    rows * cols === 0 ? t.shape.slice(0, -2).reduce((p, d) => p * d, 1) : t.size / (rows * cols);
  return { count, rows, cols, values: t.dataSync() as Float32Array };
}

/** `matrix` at `b` as a float64 row-major copy, transposed when `transpose`. */
function matrixAt(m: Batch, b: number, transpose: boolean): Float64Array {
  const { rows, cols, values } = m;
  const out = new Float64Array(rows * cols);
  const off = b * rows * cols;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const v = values[off + i * cols + j] as number;
      if (transpose) out[j * rows + i] = v;
      else out[i * cols + j] = v;
    }
  return out;
}

/** The checks `LinearAlgebraOp` makes of a matrix and right-hand side pair. */
function checkSolveInputs(matrix: tfc.Tensor, rhs: tfc.Tensor, opName: string): [Batch, Batch] {
  const a = batchOf(matrix, 0, opName);
  const b = batchOf(rhs, 1, opName);
  if (matrix.rank !== rhs.rank || matrix.shape.slice(0, -2).some((d, i) => rhs.shape[i] !== d)) {
    throw runError("All input tensors must have the same outer dimensions.", opName);
  }
  if (a.rows !== a.cols) throw runError("Input matrix must be square.", opName);
  if (a.rows !== b.rows) {
    throw runError("Input matrix and right-hand side must have the same number of rows.", opName);
  }
  return [a, b];
}

/** `MakeBatchSquareMatrix`: a batch of square matrices, the dims merged. */
function batchSquareShape(si: ShapeInference, x: TensorShape): TensorShape {
  const dims = si.withRankAtLeast(x, 2);
  if (dims === null) return TensorShape.unknown();
  const r = dims.length;
  const n = si.mergeDim(dims[r - 2] as Dim, dims[r - 1] as Dim);
  return new TensorShape([...dims.slice(0, -2), n, n]);
}

/** linalg_ops.cc's `MatrixSolveShapeFn(c, square=true)`: `[..., N, K]` out. */
function solveShape(si: ShapeInference, matrix: TensorShape, rhs: TensorShape): TensorShape {
  const lhs = batchSquareShape(si, matrix);
  const rhsDims = si.withRankAtLeast(rhs, 2);
  if (lhs.dims === null || rhsDims === null) return TensorShape.unknown();
  const batch = si.mergeShape(
    new TensorShape(lhs.dims.slice(0, -2)),
    new TensorShape(rhsDims.slice(0, -2)),
  );
  const m = si.mergeDim(lhs.dims[lhs.dims.length - 2] as Dim, rhsDims[rhsDims.length - 2] as Dim);
  const n = si.mergeDim(m, lhs.dims[lhs.dims.length - 1] as Dim);
  return new TensorShape([...(batch.dims as Dim[]), n, rhsDims[rhsDims.length - 1] as Dim]);
}

/** LogMatrixDeterminant's shape function: the batch shape, twice. */
function logDetShape(si: ShapeInference, x: TensorShape): TensorShape {
  const dims = si.withRankAtLeast(x, 2);
  if (dims === null) return TensorShape.unknown();
  si.mergeDim(dims[dims.length - 1] as Dim, dims[dims.length - 2] as Dim);
  return new TensorShape(dims.slice(0, -2));
}

// ---- kernels -------------------------------------------------------------------------------

/**
 * The lower Cholesky factor of the `n × n` matrix `a` (its lower triangle read, as Eigen's
 * LLT reads it), or `null` where LLT reports failure (a pivot `<= 0`).
 */
export function choleskyFactor(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let s = a[j * n + j] as number;
    for (let k = 0; k < j; k++) s -= (l[j * n + k] as number) ** 2;
    if (s <= 0) return null;
    const d = Math.sqrt(s);
    l[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let t = a[i * n + j] as number;
      for (let k = 0; k < j; k++) t -= (l[i * n + k] as number) * (l[j * n + k] as number);
      l[i * n + j] = t / d;
    }
  }
  return l;
}

/**
 * Solves `T X = B` in place in `x` (`n × k`, row-major) for the triangle of `t` (`n × n`)
 * that `lower` names; the other triangle is never read.
 */
function triangularSolveInPlace(
  t: Float64Array,
  n: number,
  x: Float64Array,
  k: number,
  lower: boolean,
): void {
  for (let step = 0; step < n; step++) {
    const i = lower ? step : n - 1 - step;
    const d = t[i * n + i] as number;
    for (let c = 0; c < k; c++) {
      let s = x[i * k + c] as number;
      if (lower)
        for (let j = 0; j < i; j++) s -= (t[i * n + j] as number) * (x[j * k + c] as number);
      else for (let j = i + 1; j < n; j++) s -= (t[i * n + j] as number) * (x[j * k + c] as number);
      x[i * k + c] = s / d;
    }
  }
}

registerOp({
  type: "Cholesky",
  opDef: { inputs: ["input: T"], outputs: ["output: T"], attrs: [LINALG_TYPES] },
  kernel: ([x], op) => {
    const input = x as tfc.Tensor;
    const m = batchOf(input, 0, op.name);
    if (m.rows !== m.cols) throw runError("Input matrix must be square.", op.name);
    const n = m.rows;
    const out = new Float32Array(m.count * n * n);
    for (let b = 0; b < m.count; b++) {
      const l = choleskyFactor(matrixAt(m, b, false), n);
      if (l === null) {
        throw runError(
          "Cholesky decomposition was not successful. The input might not be valid.",
          op.name,
        );
      }
      out.set(l, b * n * n);
    }
    return [tfc.tensor(out, input.shape, "float32")];
  },
  inferShapes: (op: ShapeInferenceOp) => {
    const x = (op.inputs[0] as Tensor).shape;
    return [batchSquareShape(new ShapeInference(op.name, op.type, [x]), x)];
  },
});

/** The shape functions of `MatrixSolve` and `MatrixTriangularSolve` (`MatrixSolveShapeFn`). */
function solveShapes(op: ShapeInferenceOp): TensorShape[] {
  const [m, r] = op.inputs.map((t) => t.shape) as [TensorShape, TensorShape];
  return [solveShape(new ShapeInference(op.name, op.type, [m, r]), m, r)];
}

registerOp({
  type: "MatrixSolve",
  opDef: {
    inputs: ["matrix: T", "rhs: T"],
    outputs: ["output: T"],
    attrs: ["adjoint: bool = false", LINALG_TYPES],
  },
  kernel: ([matrix, rhs], op) => {
    const [a, b] = checkSolveInputs(matrix as tfc.Tensor, rhs as tfc.Tensor, op.name);
    const n = a.rows;
    const k = b.cols;
    const out = new Float32Array(b.count * n * k);
    for (let i = 0; i < a.count; i++) {
      if (n === 0 || k === 0) break;
      const { lu: f, perm } = lu(matrixAt(a, i, op.attrs.adjoint === true), n);
      // PartialPivLU guarantees nothing, but an exact zero pivot is refused as TF refuses it.
      for (let d = 0; d < n; d++) {
        if (f[d * n + d] === 0) throw runError("Input matrix is not invertible.", op.name);
      }
      const rhsMatrix = matrixAt(b, i, false);
      const x = new Float64Array(n * k);
      for (let r = 0; r < n; r++)
        for (let c = 0; c < k; c++) x[r * k + c] = rhsMatrix[(perm[r] as number) * k + c] as number;
      // L has a unit diagonal (not stored): forward substitution without the division.
      for (let r = 0; r < n; r++)
        for (let c = 0; c < k; c++) {
          let s = x[r * k + c] as number;
          for (let j = 0; j < r; j++) s -= (f[r * n + j] as number) * (x[j * k + c] as number);
          x[r * k + c] = s;
        }
      triangularSolveInPlace(f, n, x, k, false);
      out.set(x, i * n * k);
    }
    return [tfc.tensor(out, (rhs as tfc.Tensor).shape, "float32")];
  },
  inferShapes: solveShapes,
});

registerOp({
  type: "MatrixTriangularSolve",
  opDef: {
    inputs: ["matrix: T", "rhs: T"],
    outputs: ["output: T"],
    attrs: ["lower: bool = true", "adjoint: bool = false", LINALG_TYPES],
  },
  kernel: ([matrix, rhs], op) => {
    const [a, b] = checkSolveInputs(matrix as tfc.Tensor, rhs as tfc.Tensor, op.name);
    const n = a.rows;
    const k = b.cols;
    const lower = op.attrs.lower !== false;
    const adjoint = op.attrs.adjoint === true;
    const out = new Float32Array(b.count * n * k);
    for (let i = 0; i < a.count; i++) {
      if (n === 0 || k === 0) break;
      const t = matrixAt(a, i, false);
      for (let d = 0; d < n; d++) {
        if (t[d * n + d] === 0) throw runError("Input matrix is not invertible.", op.name);
      }
      // Only the `lower` triangle of the matrix is read: keep it, then transpose it for the
      // adjoint (a lower triangle becomes an upper one).
      const tri = new Float64Array(n * n);
      for (let r = 0; r < n; r++)
        for (let c = 0; c < n; c++) {
          if (lower ? c > r : c < r) continue;
          if (adjoint) tri[c * n + r] = t[r * n + c] as number;
          else tri[r * n + c] = t[r * n + c] as number;
        }
      const x = matrixAt(b, i, false);
      triangularSolveInPlace(tri, n, x, k, lower !== adjoint);
      out.set(x, i * n * k);
    }
    return [tfc.tensor(out, (rhs as tfc.Tensor).shape, "float32")];
  },
  inferShapes: solveShapes,
});

registerOp({
  type: "LogMatrixDeterminant",
  opDef: {
    inputs: ["input: T"],
    outputs: ["sign: T", "log_abs_determinant: T"],
    attrs: ["T: {float, double, complex64, complex128}"],
  },
  kernel: ([x], op) => {
    const input = x as tfc.Tensor;
    const m = batchOf(input, 0, op.name);
    if (m.rows !== m.cols) throw runError("Input matrix must be square.", op.name);
    const n = m.rows;
    const sign = new Float32Array(m.count);
    const logAbs = new Float32Array(m.count);
    for (let b = 0; b < m.count; b++) {
      const { lu: f, sign: permSign } = lu(matrixAt(m, b, false), n);
      let s = permSign;
      let l = 0;
      for (let d = 0; d < n; d++) {
        const v = f[d * n + d] as number;
        l += Math.log(Math.abs(v));
        s *= Math.sign(v);
      }
      // A zero pivot: TF reports sign 0 and log|det| = -inf.
      if (!Number.isFinite(l)) {
        s = 0;
        l = l > 0 ? Infinity : -Infinity;
      }
      sign[b] = s;
      logAbs[b] = l;
    }
    const shape = input.shape.slice(0, -2);
    return [tfc.tensor(sign, shape, "float32"), tfc.tensor(logAbs, shape, "float32")];
  },
  inferShapes: (op: ShapeInferenceOp) => {
    const x = (op.inputs[0] as Tensor).shape;
    const s = logDetShape(new ShapeInference(op.name, op.type, [x]), x);
    return [s, s];
  },
});

// ---- builders ------------------------------------------------------------------------------

function unaryLinalgOp(
  type: string,
  name: string | undefined,
  input: Parameters<typeof convertToTensor>[0],
  outputs: (si: ShapeInference, x: Tensor) => TensorShape[],
  attrs: Record<string, AttrValue> = {},
): Tensor[] {
  return inOpScope(name, type, [input], (scope, graph) => {
    const x = convertToTensor(input, { name: "input" });
    checkOpInputs(type, [x], {});
    const si = new ShapeInference(opNameOf(scope), type, [x.shape]);
    const shapes = outputs(si, x);
    return makeOp(
      graph,
      type,
      scope,
      [x],
      shapes.map((shape) => ({ dtype: x.dtype, shape })),
      { ...attrs, T: x.dtype },
    ).outputs.slice();
  });
}

/** Builds `MatrixSolve` or `MatrixTriangularSolve` named by `name` (TF's gen op wrappers). */
function solveOp(
  type: "MatrixSolve" | "MatrixTriangularSolve",
  name: string | undefined,
  matrixIn: TensorLike,
  rhsIn: TensorLike,
  attrs: Record<string, AttrValue>,
): Tensor {
  return inOpScope(name, type, [matrixIn, rhsIn], (scope, graph) => {
    const matrix = convertToTensor(matrixIn, { name: "matrix" });
    checkLeadingInputs(type, [matrix]);
    const rhs = convertBound(rhsIn, matrix.dtype, "rhs", type);
    checkOpInputs(type, [matrix, rhs], {});
    const si = new ShapeInference(opNameOf(scope), type, [matrix.shape, rhs.shape]);
    const shape = solveShape(si, matrix.shape, rhs.shape);
    return makeOp(graph, type, scope, [matrix, rhs], [{ dtype: matrix.dtype, shape }], {
      ...attrs,
      T: matrix.dtype,
    }).outputs[0] as Tensor;
  });
}

/** TF 1.15's `cholesky(input, name=None)`. */
const CHOLESKY_PARAMS = [req("input", tensorKind), opt("name", stringKind)] as const;

/**
 * The lower-triangular Cholesky factor `L` of each symmetric positive definite matrix, `A =
 * L Lᴴ` (`tf.cholesky`, `tf.linalg.cholesky`, op `Cholesky`); only the lower triangle of
 * the input is read. A matrix that is not positive definite fails the run with TF's
 * `InvalidArgumentError`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.cholesky(tf.constant([[4, 2], [2, 5]]))); // ==> [[2. 0.]
 *                                                       //      [1. 2.]]
 * ```
 */
export const cholesky = tfFunction("cholesky", CHOLESKY_PARAMS, (a) => {
  const [out] = unaryLinalgOp("Cholesky", a.name, a.input, (si, x) => [
    batchSquareShape(si, x.shape),
  ]);
  return out as Tensor;
});

/** TF 1.15's `matrix_solve(matrix, rhs, adjoint=False, name=None)`. */
const MATRIX_SOLVE_PARAMS = [
  req("matrix", tensorKind),
  req("rhs", tensorKind),
  /** Solve with each matrix's adjoint; `false` by default. */
  opt("adjoint", booleanKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link matrixSolve}. */
export type MatrixSolveOptions = OptionsOf<typeof MATRIX_SOLVE_PARAMS>;

/**
 * Solves the systems `matrix · X = rhs` (or `matrixᴴ · X = rhs` with `adjoint`), one per
 * batch entry, by LU with partial pivoting (`tf.matrix_solve`, `tf.linalg.solve`, op
 * `MatrixSolve`). `matrix` is `[..., M, M]`, `rhs` `[..., M, K]` with the same batch dims.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const a = tf.constant([[2, 1], [1, 3]]);
 * sess.run(tf.matrixSolve(a, tf.constant([[3], [5]]))); // ==> [[0.8]
 *                                                       //      [1.4]]
 * ```
 */
export const matrixSolve = tfFunction("matrixSolve", MATRIX_SOLVE_PARAMS, (a) =>
  solveOp("MatrixSolve", a.name, a.matrix, a.rhs, { adjoint: a.adjoint ?? false }),
);

/** TF 1.15's `matrix_triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None)`. */
const TRIANGULAR_SOLVE_PARAMS = [
  req("matrix", tensorKind),
  req("rhs", tensorKind),
  /** Read the lower triangle (`true`, the default) or the upper one. */
  opt("lower", booleanKind),
  /** Solve with the triangle's adjoint; `false` by default. */
  opt("adjoint", booleanKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link matrixTriangularSolve}. */
export type MatrixTriangularSolveOptions = OptionsOf<typeof TRIANGULAR_SOLVE_PARAMS>;

/**
 * Solves triangular systems `matrix · X = rhs` by substitution (`tf.matrix_triangular_solve`,
 * `tf.linalg.triangular_solve`, op `MatrixTriangularSolve`): only the lower (or, with
 * `lower: false`, the upper) triangle of `matrix` is read; `adjoint` solves with its adjoint.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const l = tf.constant([[2, 0], [1, 4]]);
 * sess.run(tf.matrixTriangularSolve(l, tf.constant([[2], [9]]))); // ==> [[1.]
 *                                                                 //      [2.]]
 * ```
 */
export const matrixTriangularSolve = tfFunction(
  "matrixTriangularSolve",
  TRIANGULAR_SOLVE_PARAMS,
  (a) =>
    solveOp("MatrixTriangularSolve", a.name, a.matrix, a.rhs, {
      lower: a.lower ?? true,
      adjoint: a.adjoint ?? false,
    }),
);

/** TF 1.15's `cholesky_solve(chol, rhs, name=None)`. */
const CHOLESKY_SOLVE_PARAMS = [
  req("chol", tensorKind),
  req("rhs", tensorKind),
  opt("name", stringKind),
] as const;

/**
 * Solves `A X = rhs` given `chol`, the Cholesky factor of `A` (`tf.cholesky_solve`,
 * `tf.linalg.cholesky_solve`): two `MatrixTriangularSolve`s under `cholesky_solve`, with
 * `L` and then with `Lᴴ`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const chol = tf.cholesky(tf.constant([[4, 2], [2, 5]]));
 * sess.run(tf.choleskySolve(chol, tf.constant([[8], [9]]))); // ==> [[1.375]
 *                                                            //      [1.25 ]]
 * ```
 */
export const choleskySolve = tfFunction("choleskySolve", CHOLESKY_SOLVE_PARAMS, (a) =>
  inOpScope(a.name, "cholesky_solve", [a.chol, a.rhs], () => {
    const y = solveOp("MatrixTriangularSolve", undefined, a.chol, a.rhs, {
      lower: true,
      adjoint: false,
    });
    return solveOp("MatrixTriangularSolve", undefined, a.chol, y, {
      lower: true,
      adjoint: true,
    });
  }),
);

/** TF 1.15's `log_matrix_determinant(input, name=None)`. */
const SLOGDET_PARAMS = [req("input", tensorKind), opt("name", stringKind)] as const;

/**
 * The sign and the log of the absolute value of each matrix's determinant, from an LU
 * factorization (`tf.linalg.slogdet`, `tf.log_matrix_determinant`, op
 * `LogMatrixDeterminant`): `[sign, logAbsDeterminant]`; a singular matrix gives sign 0 and
 * `-Infinity`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const [sign, logAbsDet] = tf.linalg.slogdet(tf.constant([[1, 2], [3, 4]]));
 * sess.run(sign); // ==> -1.0
 * sess.run(logAbsDet); // ==> 0.6931472
 * ```
 */
export const logMatrixDeterminant = tfFunction(
  "logMatrixDeterminant",
  SLOGDET_PARAMS,
  (a): [Tensor, Tensor] => {
    const [sign, logAbs] = unaryLinalgOp(
      "LogMatrixDeterminant",
      a.name,
      a.input,
      (si, x) => {
        const s = logDetShape(si, x.shape);
        return [s, s];
      },
      {},
    );
    return [sign as Tensor, logAbs as Tensor];
  },
);

/** TF 1.15's `logdet(matrix, name=None)`. */
const LOGDET_PARAMS = [req("matrix", tensorKind), opt("name", stringKind)] as const;

/**
 * The log of the determinant of each Hermitian positive definite matrix (`tf.linalg.logdet`),
 * as TF 1.15 builds it under `logdet`: twice the sum of the logs of the Cholesky factor's
 * diagonal.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.linalg.logdet(tf.constant([[4, 2], [2, 5]]))); // ==> 2.7725887
 * ```
 */
export const logdet = tfFunction("logdet", LOGDET_PARAMS, (a) =>
  inOpScope(a.name, "logdet", [a.matrix], () => {
    const [chol] = unaryLinalgOp("Cholesky", undefined, a.matrix, (si, x) => [
      batchSquareShape(si, x.shape),
    ]);
    const diag = matrixDiagPartOp(chol as Tensor);
    // `math_ops.real` of a real tensor is the tensor itself; its `Real` scope is taken.
    withNameScope(diag.graph, "Real", () => undefined);
    return pythonOperator("mul", 2.0, reduceSum(log(diag), { axis: [-1] }));
  }),
);

/** TF 1.15's `adjoint(matrix, name=None)`. */
const ADJOINT_PARAMS = [req("matrix", tensorKind), opt("name", stringKind)] as const;

/**
 * The conjugate transpose of the last two dimensions (`tf.linalg.adjoint`): a
 * `matrix_transpose` under `adjoint`; scopeflow's dtypes are real, so it is the transpose.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.linalg.adjoint(tf.constant([[1, 2], [3, 4]]))); // ==> [[1. 3.]
 *                                                             //      [2. 4.]]
 * ```
 */
export const adjoint = tfFunction("adjoint", ADJOINT_PARAMS, (a) =>
  inOpScope(a.name, "adjoint", [a.matrix], () => {
    const m = convertToTensor(a.matrix, { name: "matrix" });
    return matrixTranspose(m, { conjugate: true });
  }),
);
