import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import {
  booleanKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { checkOpInputs } from "../input_types.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp, type ShapeInferenceOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";

/*
 * `MatrixInverse` and `MatrixDeterminant`: tfjs has neither, so each matrix of the batch
 * is factored here (LU with partial pivoting, as Eigen's PartialPivLU that TF uses), in
 * float64, the result rounded to float32.
 */

/** The LU factors of the `n × n` matrix at `a[off…]` (in place in a copy) and its row swaps' sign. */
export function lu(
  a: Float64Array,
  n: number,
): { lu: Float64Array; perm: Int32Array; sign: number } {
  const m = Float64Array.from(a);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  let sign = 1;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(m[k * n + k] as number);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(m[i * n + k] as number);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = m[k * n + j] as number;
        m[k * n + j] = m[p * n + j] as number;
        m[p * n + j] = t;
      }
      const t = perm[k] as number;
      perm[k] = perm[p] as number;
      perm[p] = t;
      sign = -sign;
    }
    const pivot = m[k * n + k] as number;
    if (pivot === 0) continue;
    for (let i = k + 1; i < n; i++) {
      const f = (m[i * n + k] as number) / pivot;
      m[i * n + k] = f;
      for (let j = k + 1; j < n; j++)
        m[i * n + j] = (m[i * n + j] as number) - f * (m[k * n + j] as number);
    }
  }
  return { lu: m, perm, sign };
}

function squareBatch(t: tfc.Tensor, opName: string): [number, number] {
  const n = t.shape[t.rank - 1] as number;
  if (t.rank < 2 || t.shape[t.rank - 2] !== n) {
    throw new InvalidArgumentError(
      `Input matrix must be square.\n\t [[{{node ${opName}}}]]`,
      opName,
    );
  }
  return [n === 0 ? 0 : t.size / (n * n), n];
}

registerOp({
  type: "MatrixInverse",
  opDef: {
    inputs: ["input: T"],
    outputs: ["output: T"],
    attrs: ["adjoint: bool = false", "T: {double, float, complex64, complex128}"],
  },
  kernel: ([x], op) => {
    const input = x as tfc.Tensor;
    const [batch, n] = squareBatch(input, op.name);
    const values = input.dataSync() as Float32Array;
    const adjoint = op.attrs.adjoint === true;
    const out = new Float32Array(values.length);
    for (let b = 0; b < batch; b++) {
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++)
          a[i * n + j] = values[b * n * n + (adjoint ? j * n + i : i * n + j)] as number;
      const { lu: m, perm } = lu(a, n);
      for (let k = 0; k < n; k++) {
        if (m[k * n + k] === 0) {
          throw new InvalidArgumentError(
            `Input is not invertible.\n\t [[{{node ${op.name}}}]]`,
            op.name,
          );
        }
      }
      // Solve A X = I column by column: forward (unit L), then backward (U).
      for (let c = 0; c < n; c++) {
        const y = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          let s = perm[i] === c ? 1 : 0;
          for (let k = 0; k < i; k++) s -= (m[i * n + k] as number) * (y[k] as number);
          y[i] = s;
        }
        for (let i = n - 1; i >= 0; i--) {
          let s = y[i] as number;
          for (let k = i + 1; k < n; k++) s -= (m[i * n + k] as number) * (y[k] as number);
          y[i] = s / (m[i * n + i] as number);
        }
        for (let i = 0; i < n; i++) out[b * n * n + i * n + c] = y[i] as number;
      }
    }
    return [tfc.tensor(out, input.shape, "float32")];
  },
  inferShapes: (op: ShapeInferenceOp) => {
    const x = (op.inputs[0] as Tensor).shape;
    return [squareShape(new ShapeInference(op.name, op.type, [x]), x, false)];
  },
});

registerOp({
  type: "MatrixDeterminant",
  opDef: {
    inputs: ["input: T"],
    outputs: ["output: T"],
    attrs: ["T: {float, double, complex64, complex128}"],
  },
  kernel: ([x], op) => {
    const input = x as tfc.Tensor;
    const [batch, n] = squareBatch(input, op.name);
    const values = input.dataSync() as Float32Array;
    const out = new Float32Array(batch);
    for (let b = 0; b < batch; b++) {
      const { lu: m, sign } = lu(Float64Array.from(values.subarray(b * n * n, (b + 1) * n * n)), n);
      let det = sign;
      for (let k = 0; k < n; k++) det *= m[k * n + k] as number;
      out[b] = det;
    }
    return [tfc.tensor(out, input.shape.slice(0, -2), "float32")];
  },
  inferShapes: (op: ShapeInferenceOp) => {
    const x = (op.inputs[0] as Tensor).shape;
    return [squareShape(new ShapeInference(op.name, op.type, [x]), x, true)];
  },
});

/** Square-matrix batches in; the same shape out, or the batch shape for a determinant. */
function squareShape(si: ShapeInference, x: TensorShape, batchOnly: boolean): TensorShape {
  const dims = si.withRankAtLeast(x, 2);
  if (dims === null) return TensorShape.unknown();
  const r = dims.length;
  const n = si.mergeDim(dims[r - 2] as Dim, dims[r - 1] as Dim);
  if (batchOnly) return new TensorShape(dims.slice(0, -2));
  return new TensorShape([...dims.slice(0, -2), n, n]);
}

/** TF 1.15's `matrix_inverse(input, adjoint=False, name=None)`. */
const INVERSE_PARAMS = [
  req("input", tensorKind),
  opt("adjoint", booleanKind),
  opt("name", stringKind),
] as const;

/**
 * The inverse of each square matrix (`tf.linalg.inv`, `tf.matrix_inverse`, op
 * `MatrixInverse`), or of its adjoint; a singular matrix fails the run.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.matrixInverse(tf.constant([[2, 0], [0, 4]]))); // ==> [[0.5  0.  ]
 *                                                            //      [0.   0.25]]
 * ```
 */
export const matrixInverse = tfFunction("matrixInverse", INVERSE_PARAMS, (a) =>
  inOpScope(a.name, "MatrixInverse", [a.input], (scope, graph) => {
    const x = convertToTensor(a.input, { name: "input" });
    checkOpInputs("MatrixInverse", [x], {});
    const si = new ShapeInference(opNameOf(scope), "MatrixInverse", [x.shape]);
    return makeOp(
      graph,
      "MatrixInverse",
      scope,
      [x],
      [{ dtype: x.dtype, shape: squareShape(si, x.shape, false) }],
      {
        adjoint: a.adjoint ?? false,
        T: x.dtype,
      },
    ).outputs[0] as Tensor;
  }),
);

/** TF 1.15's `matrix_determinant(input, name=None)`. */
const DET_PARAMS = [req("input", tensorKind), opt("name", stringKind)] as const;

/**
 * The determinant of each square matrix (`tf.linalg.det`, `tf.matrix_determinant`, op
 * `MatrixDeterminant`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.matrixDeterminant(tf.constant([[1, 2], [3, 4]]))); // ==> -2.0
 * ```
 */
export const matrixDeterminant = tfFunction("matrixDeterminant", DET_PARAMS, (a) =>
  inOpScope(a.name, "MatrixDeterminant", [a.input], (scope, graph) => {
    const x = convertToTensor(a.input, { name: "input" });
    checkOpInputs("MatrixDeterminant", [x], {});
    const si = new ShapeInference(opNameOf(scope), "MatrixDeterminant", [x.shape]);
    return makeOp(
      graph,
      "MatrixDeterminant",
      scope,
      [x],
      [{ dtype: x.dtype, shape: squareShape(si, x.shape, true) }],
      {
        T: x.dtype,
      },
    ).outputs[0] as Tensor;
  }),
);
