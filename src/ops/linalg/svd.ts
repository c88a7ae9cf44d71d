import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor } from "../../graph/tensor.js";
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
import { checkOpInputs } from "../input_types.js";
import { cast } from "../array/cast.js";
import { concat } from "../array/concat.js";
import { expandDims } from "../array/expand_dims.js";
import { setdiff1d } from "../array/list_diff_roll.js";
import { rank } from "../array/shape.js";
import { squeeze } from "../array/squeeze.js";
import { transpose } from "../array/transpose.js";
import { where } from "../array/where.js";
import { cond } from "../control/cond.js";
import { mapFn } from "../control/functional_ops.js";
import { equal, greaterEqual } from "../math/binary.js";
import { pythonOperator } from "../math/operators.js";
import { range } from "../math/range.js";
import { reduceMax } from "../math/reduce.js";
import { abs } from "../math/unary.js";

/**
 * The thin SVD of the row-major `m × n` matrix `a` with `m >= n`, by one-sided Jacobi
 * rotations in float64: `u` (`m × n`, orthonormal columns), `s` (descending) and `v`
 * (`n × n`), `a = u diag(s) vᵀ`. Columns of `u` whose singular value is zero are left zero
 * (completed by the caller).
 */
function jacobiSvd(
  a: Float64Array,
  m: number,
  n: number,
): { u: Float64Array; s: Float64Array; v: Float64Array } {
  const u = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const up = u[i * n + p] as number;
          const uq = u[i * n + q] as number;
          alpha += up * up;
          beta += uq * uq;
          gamma += up * uq;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const sn = c * t;
        for (let i = 0; i < m; i++) {
          const up = u[i * n + p] as number;
          const uq = u[i * n + q] as number;
          u[i * n + p] = c * up - sn * uq;
          u[i * n + q] = sn * up + c * uq;
        }
        for (let i = 0; i < n; i++) {
          const vp = v[i * n + p] as number;
          const vq = v[i * n + q] as number;
          v[i * n + p] = c * vp - sn * vq;
          v[i * n + q] = sn * vp + c * vq;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let i = 0; i < m; i++) s += (u[i * n + j] as number) ** 2;
    return Math.sqrt(s);
  });
  const order = [...norms.keys()].sort((x, y) => (norms[y] as number) - (norms[x] as number));
  const s = new Float64Array(n);
  const uOut = new Float64Array(m * n);
  const vOut = new Float64Array(n * n);
  const tiny = (norms[order[0] ?? 0] ?? 0) * 1e-14;
  order.forEach((j, k) => {
    const norm = norms[j] as number;
    s[k] = norm;
    for (let i = 0; i < n; i++) vOut[i * n + k] = v[i * n + j] as number;
    if (norm > tiny && norm > 0) {
      for (let i = 0; i < m; i++) uOut[i * n + k] = (u[i * n + j] as number) / norm;
    }
  });
  return { u: uOut, s, v: vOut };
}

/**
 * `cols` orthonormal columns of an `rows × cols` matrix whose first columns are already
 * orthonormal or zero: each zero column replaced by a unit vector orthogonal to the others
 * (Gram–Schmidt on the standard basis).
 */
function completeBasis(q: Float64Array, rows: number, cols: number): void {
  const colNorm = (j: number): number => {
    let s = 0;
    for (let i = 0; i < rows; i++) s += (q[i * cols + j] as number) ** 2;
    return Math.sqrt(s);
  };
  let candidate = 0;
  for (let j = 0; j < cols; j++) {
    if (colNorm(j) > 0.5) continue;
    for (; candidate < rows; candidate++) {
      const w = new Float64Array(rows);
      w[candidate] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let k = 0; k < cols; k++) {
          if (k === j) continue;
          let dot = 0;
          for (let i = 0; i < rows; i++) dot += (q[i * cols + k] as number) * (w[i] as number);
          for (let i = 0; i < rows; i++)
            w[i] = (w[i] as number) - dot * (q[i * cols + k] as number);
        }
      }
      let norm = 0;
      for (let i = 0; i < rows; i++) norm += (w[i] as number) ** 2;
      norm = Math.sqrt(norm);
      if (norm > 1e-6) {
        for (let i = 0; i < rows; i++) q[i * cols + j] = (w[i] as number) / norm;
        candidate++;
        break;
      }
    }
  }
}

/**
 * The SVD of one row-major `m × n` matrix: `s` (length min(m, n), descending), and `u`
 * (`m × m` or `m × p`), `v` (`n × n` or `n × p`) row-major.
 */
export function svdOfMatrix(
  a: Float64Array,
  m: number,
  n: number,
  full: boolean,
): { s: Float64Array; u: Float64Array; v: Float64Array } {
  const wide = m < n;
  // Jacobi wants at least as many rows as columns: factor the transpose of a wide matrix.
  const [rows, cols] = wide ? [n, m] : [m, n];
  const work = new Float64Array(rows * cols);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      if (wide) work[j * cols + i] = a[i * n + j] as number;
      else work[i * cols + j] = a[i * n + j] as number;
    }
  const { u: thin, s, v: small } = jacobiSvd(work, rows, cols);
  // `thin` (rows × cols) gets its zero columns (zero singular values) and, for full
  // matrices, the missing `rows - cols` columns completed to an orthonormal basis.
  const width = full ? rows : cols;
  const big = new Float64Array(rows * width);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) big[i * width + j] = thin[i * cols + j] as number;
  completeBasis(big, rows, width);
  // For a tall matrix U is `big`, V is `small`; a wide one swaps them.
  return wide ? { s, u: small, v: big } : { s, u: big, v: small };
}

registerOp({
  type: "Svd",
  opDef: {
    inputs: ["input: T"],
    outputs: ["s: T", "u: T", "v: T"],
    attrs: [
      "compute_uv: bool = true",
      "full_matrices: bool = false",
      "T: {double, float, complex64, complex128}",
    ],
  },
  kernel: ([x], op) => {
    const input = x as tfc.Tensor;
    const computeUv = op.attrs.compute_uv !== false;
    const full = op.attrs.full_matrices === true;
    const m = input.shape[input.rank - 2] as number;
    const n = input.shape[input.rank - 1] as number;
    const batchShape = input.shape.slice(0, -2);
    const count = batchShape.reduce((p, d) => p * d, 1);
    const p = Math.min(m, n);
    const uCols = full ? m : p;
    const vCols = full ? n : p;
    const values = input.dataSync() as Float32Array;
    const s = new Float32Array(count * p);
    const u = new Float32Array(computeUv ? count * m * uCols : 0);
    const v = new Float32Array(computeUv ? count * n * vCols : 0);
    for (let b = 0; b < count; b++) {
      if (m === 0 || n === 0) {
        if (computeUv && full) {
          for (let i = 0; i < m; i++) u[b * m * m + i * m + i] = 1;
          for (let i = 0; i < n; i++) v[b * n * n + i * n + i] = 1;
        }
        continue;
      }
      const a = Float64Array.from(values.subarray(b * m * n, (b + 1) * m * n));
      const r = svdOfMatrix(a, m, n, full);
      s.set(r.s, b * p);
      if (computeUv) {
        u.set(r.u, b * m * uCols);
        v.set(r.v, b * n * vCols);
      }
    }
    return [
      tfc.tensor(s, [...batchShape, p], "float32"),
      computeUv
        ? tfc.tensor(u, [...batchShape, m, uCols], "float32")
        : tfc.tensor(u, [...batchShape, 0], "float32"),
      computeUv
        ? tfc.tensor(v, [...batchShape, n, vCols], "float32")
        : tfc.tensor(v, [...batchShape, 0], "float32"),
    ];
  },
  inferShapes: (op: ShapeInferenceOp) => {
    const x = (op.inputs[0] as Tensor).shape;
    return svdShapes(
      new ShapeInference(op.name, op.type, [x]),
      x,
      op.attrs.compute_uv !== false,
      op.attrs.full_matrices === true,
    );
  },
});

/** linalg_ops.cc's `SvdShapeFn`. */
function svdShapes(
  si: ShapeInference,
  x: TensorShape,
  computeUv: boolean,
  full: boolean,
): TensorShape[] {
  const dims = si.withRankAtLeast(x, 2);
  if (dims === null) {
    const unknown = TensorShape.unknown();
    const empty = new TensorShape([0]);
    return computeUv ? [unknown, unknown, unknown] : [unknown, empty, empty];
  }
  const m = dims[dims.length - 2] as Dim;
  const n = dims[dims.length - 1] as Dim;
  const p = m === 0 || n === 0 ? 0 : m === null || n === null ? null : Math.min(m, n);
  const batch = dims.slice(0, -2);
  const s = new TensorShape([...batch, p]);
  if (!computeUv) return [s, new TensorShape([0]), new TensorShape([0])];
  return [
    s,
    new TensorShape([...batch, m, full ? m : p]),
    new TensorShape([...batch, n, full ? n : p]),
  ];
}

/** TF 1.15's `svd(tensor, full_matrices=False, compute_uv=True, name=None)`. */
const SVD_PARAMS = [
  req("tensor", tensorKind),
  /** Full `[M, M]` U and `[N, N]` V rather than their first min(M, N) columns. */
  opt("fullMatrices", booleanKind),
  /** Compute U and V (`true`, the default); without them only `s` is returned. */
  opt("computeUv", booleanKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link svd}. */
export type SvdOptions = OptionsOf<typeof SVD_PARAMS>;

/**
 * The singular value decomposition of each matrix (`tf.svd`, `tf.linalg.svd`, op `Svd`):
 * `[s, u, v]` with `tensor = u · diag(s) · vᴴ` and `s` descending, or `s` alone with
 * `computeUv: false`. The signs of singular vectors are the kernel's choice (as in TF).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const s = tf.svd(tf.constant([[3, 0], [0, -4]]), { computeUv: false });
 * sess.run(s); // ==> [4. 3.]
 * ```
 */
export const svd = tfFunction("svd", SVD_PARAMS, (a): Tensor | [Tensor, Tensor, Tensor] => {
  const computeUv = a.computeUv ?? true;
  const full = a.fullMatrices ?? false;
  const outputs = inOpScope(a.name, "Svd", [a.tensor], (scope, graph) => {
    const x = convertToTensor(a.tensor, { name: "input" });
    checkOpInputs("Svd", [x], {});
    const si = new ShapeInference(opNameOf(scope), "Svd", [x.shape]);
    const shapes = svdShapes(si, x.shape, computeUv, full);
    const op = makeOp(
      graph,
      "Svd",
      scope,
      [x],
      shapes.map((shape) => ({ dtype: x.dtype, shape })),
      { compute_uv: computeUv, full_matrices: full, T: x.dtype },
    );
    return op.outputs as [Tensor, Tensor, Tensor];
  });
  // `math_ops.real(s)` of a real `s` is `s` itself; its `Real` name scope is still taken.
  withNameScope(outputs[0].graph, "Real", () => undefined);
  return computeUv ? outputs : outputs[0];
});

/**
 * `norm(tensor, ord=2, axis=[a, b])`'s body in TF 1.15's `linalg_ops.norm` (under its `norm`
 * scope): the two axes made non-negative and moved last by `map_fn`s (a `cond` each, a
 * `Where` each), the largest singular value of each matrix from `Svd` without U and V, kept
 * as a `[..., 1, 1]` tensor and moved back.
 */
export function matrixTwoNorm(tensor: Tensor, axis: readonly number[]): Tensor {
  const rankT = rank(tensor);
  const positiveAxis = mapFn(
    (i: Tensor) =>
      cond(
        greaterEqual(i, 0, "GreaterEqual"),
        () => i,
        () => pythonOperator("add", i, rankT),
      ),
    // Python's ints convert to int32.
    convertToTensor(axis, { dtype: "int32" }),
  ) as Tensor;
  const axes = range(rankT);
  const permBefore = concat([setdiff1d(axes, positiveAxis)[0], positiveAxis], { axis: 0 });
  const permAfter = mapFn(
    (i: Tensor) => cast(squeeze(where(equal(permBefore, i, "Equal"))), "int32"),
    axes,
  ) as Tensor;
  const permed = transpose(tensor, { perm: permBefore });
  const s = inOpScope(undefined, "Svd", [permed], (scope, graph) => {
    const si = new ShapeInference(opNameOf(scope), "Svd", [permed.shape]);
    const shapes = svdShapes(si, permed.shape, false, false);
    return makeOp(
      graph,
      "Svd",
      scope,
      [permed],
      shapes.map((shape) => ({ dtype: permed.dtype, shape })),
      { compute_uv: false, full_matrices: false, T: permed.dtype },
    ).outputs[0] as Tensor;
  });
  const matrix2Norm = expandDims(reduceMax(abs(s), { axis: -1, keepdims: true }), -1);
  return transpose(matrix2Norm, { perm: permAfter });
}
