import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, ValueError } from "../../errors.js";
import type { Graph } from "../../graph/graph.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import {
  booleanKind,
  dtypeKind,
  intOrTensorKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import { convertToTensor, packableKind, type Packable } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp, type ShapeInferenceOp } from "../registry.js";
import { checkOpInputs, convertBound } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import { readScalar } from "../tensor_util.js";
import { reduceSum } from "../math/reduce.js";
import { transpose } from "../array/transpose.js";
import { rank } from "../array/shape.js";
import { minimum } from "../math/binary.js";
import { range } from "../math/range.js";
import { pythonOperator } from "../math/operators.js";
import { concat } from "../array/concat.js";
import { ones, zeros } from "../array/fill.js";

/*
 * The matrix diagonal ops (TF's `MatrixDiag`, `MatrixDiagPart`, `MatrixSetDiag`,
 * `MatrixBandPart`, `Diag`) and the Python functions TF 1.15 builds on them (`eye`,
 * `trace`, `matrix_transpose`). Kernels work on the values in JS: one pass over the
 * elements, for every dtype alike.
 */

type Values = Float32Array | Int32Array | Uint8Array;

function valuesOf(t: tfc.Tensor): Values {
  return t.dataSync() as Values;
}

function blank(dtype: tfc.DataType, n: number): Values {
  if (dtype === "float32") return new Float32Array(n);
  if (dtype === "bool") return new Uint8Array(n);
  return new Int32Array(n);
}

function at(op: Operation): string {
  return `\n\t [[{{node ${op.name}}}]]`;
}

/** `[batch, m, n]` of a tensor of rank >= 2. */
function matrixDims(shape: readonly number[]): [number, number, number] {
  const m = shape[shape.length - 2] as number;
  const n = shape[shape.length - 1] as number;
  const batch = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [batch, m, n];
}

registerOp({
  type: "MatrixDiag",
  opDef: { inputs: ["diagonal: T"], outputs: ["output: T"], attrs: ["T: type"] },
  kernel: ([d], op) => {
    const diag = d as tfc.Tensor;
    if (diag.rank < 1) {
      throw new InvalidArgumentError(
        `input must be at least 1-dim, received shape: [${diag.shape.join(",")}]${at(op)}`,
        op.name,
      );
    }
    const k = diag.shape[diag.rank - 1] as number;
    const v = valuesOf(diag);
    const batch = k === 0 ? 0 : v.length / k;
    const out = blank(diag.dtype, batch * k * k);
    for (let b = 0; b < batch; b++)
      for (let i = 0; i < k; i++) out[b * k * k + i * k + i] = v[b * k + i] as number;
    return [tfc.tensor(out, [...diag.shape, k], diag.dtype)];
  },
  inferShapes: (op: ShapeInferenceOp) => {
    const x = (op.inputs[0] as Tensor).shape;
    return [matrixDiagShape(new ShapeInference(op.name, op.type, [x]), x)];
  },
});

function matrixDiagShape(si: ShapeInference, x: TensorShape): TensorShape {
  const dims = si.withRankAtLeast(x, 1);
  if (dims === null) return TensorShape.unknown();
  return new TensorShape([...dims, dims[dims.length - 1] as Dim]);
}

registerOp({
  type: "MatrixDiagPart",
  opDef: { inputs: ["input: T"], outputs: ["diagonal: T"], attrs: ["T: type"] },
  kernel: ([x], op) => {
    const input = x as tfc.Tensor;
    if (input.rank < 2) {
      throw new InvalidArgumentError(
        `input must be at least 2-dim, received shape: [${input.shape.join(",")}]${at(op)}`,
        op.name,
      );
    }
    const [batch, m, n] = matrixDims(input.shape);
    const k = Math.min(m, n);
    const v = valuesOf(input);
    const out = blank(input.dtype, batch * k);
    for (let b = 0; b < batch; b++)
      for (let i = 0; i < k; i++) out[b * k + i] = v[b * m * n + i * n + i] as number;
    return [tfc.tensor(out, [...input.shape.slice(0, -2), k], input.dtype)];
  },
  inferShapes: (op: ShapeInferenceOp) => {
    const x = (op.inputs[0] as Tensor).shape;
    return [matrixDiagPartShape(new ShapeInference(op.name, op.type, [x]), x)];
  },
});

function minDim(a: Dim, b: Dim): Dim {
  return a === null || b === null ? null : Math.min(a, b);
}

function matrixDiagPartShape(si: ShapeInference, x: TensorShape): TensorShape {
  const dims = si.withRankAtLeast(x, 2);
  if (dims === null) return TensorShape.unknown();
  const r = dims.length;
  return new TensorShape([...dims.slice(0, -2), minDim(dims[r - 2] as Dim, dims[r - 1] as Dim)]);
}

registerOp({
  type: "MatrixSetDiag",
  opDef: {
    inputs: ["input: T", "diagonal: T"],
    outputs: ["output: T"],
    attrs: ["T: type"],
  },
  kernel: ([x, d], op) => {
    const input = x as tfc.Tensor;
    const diag = d as tfc.Tensor;
    const [batch, m, n] = matrixDims(input.shape);
    const k = Math.min(m, n);
    const expected = [...input.shape.slice(0, -2), k];
    if (
      input.rank < 2 ||
      diag.rank !== expected.length ||
      diag.shape.some((s, i) => s !== expected[i])
    ) {
      throw new InvalidArgumentError(
        `must have diagonal.shape == input.shape[:-2] + min(input.shape[-2:]), but received input shape: [${input.shape.join(",")}] and diagonal shape: [${diag.shape.join(",")}]${at(op)}`,
        op.name,
      );
    }
    const out = blank(input.dtype, input.size);
    out.set(valuesOf(input));
    const v = valuesOf(diag);
    for (let b = 0; b < batch; b++)
      for (let i = 0; i < k; i++) out[b * m * n + i * n + i] = v[b * k + i] as number;
    return [tfc.tensor(out, input.shape, input.dtype)];
  },
  inferShapes: (op: ShapeInferenceOp) => {
    const [x, d] = op.inputs as [Tensor, Tensor];
    return [
      matrixSetDiagShape(
        new ShapeInference(op.name, op.type, [x.shape, d.shape]),
        x.shape,
        d.shape,
      ),
    ];
  },
});

/** `MatrixSetDiag`'s shape function: the input's shape, merged with the diagonal's batch. */
function matrixSetDiagShape(si: ShapeInference, x: TensorShape, d: TensorShape): TensorShape {
  const input = si.withRankAtLeast(x, 2);
  let diag = si.withRankAtLeast(d, 1);
  if (input !== null && diag !== null) diag = si.withRank(d, input.length - 1);
  if (input === null || diag === null) return input === null ? x : new TensorShape(input);
  const r = input.length;
  const smallest = minDim(input[r - 2] as Dim, input[r - 1] as Dim);
  if (smallest !== null) si.mergeDim(diag[diag.length - 1] as Dim, smallest);
  const out = input.slice();
  for (let i = 0; i < r - 2; i++) out[i] = si.mergeDim(input[i] as Dim, diag[i] as Dim);
  return new TensorShape(out);
}

registerOp({
  type: "MatrixBandPart",
  opDef: {
    inputs: ["input: T", "num_lower: Tindex", "num_upper: Tindex"],
    outputs: ["band: T"],
    attrs: ["T: type", "Tindex: {int32, int64} = int64"],
  },
  kernel: ([x, lo, hi], op) => {
    const input = x as tfc.Tensor;
    const [batch, m, n] = matrixDims(input.shape);
    if (input.rank < 2) {
      throw new InvalidArgumentError(
        `input must be at least 2-dim, received shape: [${input.shape.join(",")}]${at(op)}`,
        op.name,
      );
    }
    for (const [t, name] of [
      [lo, "num_lower"],
      [hi, "num_upper"],
    ] as const) {
      if ((t as tfc.Tensor).rank !== 0) {
        throw new InvalidArgumentError(
          `${name} must be scalar, got shape [${(t as tfc.Tensor).shape.join(",")}]${at(op)}`,
          op.name,
        );
      }
    }
    const numLower = readScalar(lo as tfc.Tensor);
    const numUpper = readScalar(hi as tfc.Tensor);
    if (numLower > m) {
      throw new InvalidArgumentError(
        `num_lower must be negative or less or equal to number of rows (${m}) got: ${numLower}${at(op)}`,
        op.name,
      );
    }
    if (numUpper > n) {
      throw new InvalidArgumentError(
        `num_upper must be negative or less or equal to number of columns (${n}) got: ${numUpper}${at(op)}`,
        op.name,
      );
    }
    const v = valuesOf(input);
    const out = blank(input.dtype, input.size);
    for (let b = 0; b < batch; b++)
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          const keep = (numLower < 0 || i - j <= numLower) && (numUpper < 0 || j - i <= numUpper);
          if (keep) out[b * m * n + i * n + j] = v[b * m * n + i * n + j] as number;
        }
    return [tfc.tensor(out, input.shape, input.dtype)];
  },
  inferShapes: (op: ShapeInferenceOp) => [(op.inputs[0] as Tensor).shape],
});

registerOp({
  type: "Diag",
  opDef: {
    inputs: ["diagonal: T"],
    outputs: ["output: T"],
    attrs: ["T: {bfloat16, half, float, double, int32, int64, complex64, complex128}"],
  },
  kernel: ([d], op) => {
    const diag = d as tfc.Tensor;
    if (diag.rank < 1) {
      throw new InvalidArgumentError(`Input must be at least rank 1, got 0${at(op)}`, op.name);
    }
    const n = diag.size;
    const v = valuesOf(diag);
    const out = blank(diag.dtype, n * n);
    for (let i = 0; i < n; i++) out[i * n + i] = v[i] as number;
    return [tfc.tensor(out, [...diag.shape, ...diag.shape], diag.dtype)];
  },
  inferShapes: (op: ShapeInferenceOp) => {
    const x = (op.inputs[0] as Tensor).shape;
    return [diagShape(new ShapeInference(op.name, op.type, [x]), x)];
  },
});

function diagShape(si: ShapeInference, x: TensorShape): TensorShape {
  const dims = si.withRankAtLeast(x, 1);
  if (dims === null) return TensorShape.unknown();
  return new TensorShape([...dims, ...dims]);
}

/** Python's `x - y` on an int tensor (op `Sub` named `sub`). */
function pySub(x: Tensor, y: number): Tensor {
  return pythonOperator("sub", x, y);
}

/** Builds a one-input op of `type` named exactly by `scope`. */
function unaryIn(graph: Graph, scope: string, type: string, x: Tensor, out: TensorShape): Tensor {
  return makeOp(graph, type, scope, [x], [{ dtype: x.dtype, shape: out }], { T: x.dtype })
    .outputs[0] as Tensor;
}

/** `gen_array_ops.matrix_diag(diagonal, name)`. */
export function matrixDiagOp(diagonal: TensorLike, name = "diag"): Tensor {
  return inOpScope(name, "MatrixDiag", [diagonal], (scope, graph) => {
    const d = convertToTensor(diagonal, { name: "diagonal" });
    const si = new ShapeInference(opNameOf(scope), "MatrixDiag", [d.shape]);
    return unaryIn(graph, scope, "MatrixDiag", d, matrixDiagShape(si, d.shape));
  });
}

/** `gen_array_ops.matrix_diag_part(input, name)`. */
export function matrixDiagPartOp(input: TensorLike, name = "diag_part"): Tensor {
  return inOpScope(name, "MatrixDiagPart", [input], (scope, graph) => {
    const x = convertToTensor(input, { name: "input" });
    const si = new ShapeInference(opNameOf(scope), "MatrixDiagPart", [x.shape]);
    return unaryIn(graph, scope, "MatrixDiagPart", x, matrixDiagPartShape(si, x.shape));
  });
}

/** `gen_array_ops.matrix_set_diag(input, diagonal, name)`. */
export function matrixSetDiagOp(
  input: TensorLike,
  diagonal: TensorLike,
  name = "set_diag",
): Tensor {
  return inOpScope(name, "MatrixSetDiag", [input, diagonal], (scope, graph) => {
    const x = convertToTensor(input, { name: "input" });
    const d = convertBound(diagonal, x.dtype, "diagonal", "MatrixSetDiag");
    checkOpInputs("MatrixSetDiag", [x, d], {});
    const si = new ShapeInference(opNameOf(scope), "MatrixSetDiag", [x.shape, d.shape]);
    const out = matrixSetDiagShape(si, x.shape, d.shape);
    return makeOp(graph, "MatrixSetDiag", scope, [x, d], [{ dtype: x.dtype, shape: out }], {
      T: x.dtype,
    }).outputs[0] as Tensor;
  });
}

/**
 * TF 1.15's v1 `matrix_diag(diagonal, name="diag", k=0, num_rows=-1, num_cols=-1,
 * padding_value=0)`: TF 1.15 builds the v1 op, which takes neither `k` nor the others.
 */
const MATRIX_DIAG_PARAMS = [
  req("diagonal", tensorKind),
  opt("name", stringKind),
  opt("k", intOrTensorKind),
  opt("numRows", intOrTensorKind),
  opt("numCols", intOrTensorKind),
  opt("padding_value", intOrTensorKind),
] as const;

/** The v2 arguments TF 1.15's v1 op cannot take: refused rather than ignored. */
function onlyDefaults(
  fn: string,
  given: Record<string, unknown>,
  defaults: Record<string, number>,
) {
  for (const [key, value] of Object.entries(defaults)) {
    const v = given[key];
    if (v !== undefined && v !== value) {
      throw new ValueError(
        `${fn}: '${key}' other than ${value} needs the MatrixDiagV2 ops (TF 1.15 builds the v1 op), which scopeflow does not have.`,
      );
    }
  }
}

/**
 * A batch of diagonal matrices with the given diagonals (`tf.linalg.diag` /
 * `tf.matrix_diag`, op `MatrixDiag` named `diag`): `[..., N]` gives `[..., N, N]`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.matrixDiag(tf.constant([1, 2], tf.int32))); // ==> [[1 0]
 *                                                         //      [0 2]]
 * ```
 */
export const matrixDiag = tfFunction("matrixDiag", MATRIX_DIAG_PARAMS, (a) => {
  onlyDefaults("matrix_diag", a, { k: 0, numRows: -1, numCols: -1, padding_value: 0 });
  return matrixDiagOp(a.diagonal, a.name ?? "diag");
});

/** TF 1.15's v1 `matrix_diag_part(input, name="diag_part", k=0, padding_value=0)`. */
const MATRIX_DIAG_PART_PARAMS = [
  req("input", tensorKind),
  opt("name", stringKind),
  opt("k", intOrTensorKind),
  opt("padding_value", intOrTensorKind),
] as const;

/**
 * The main diagonals of a batch of matrices (`tf.linalg.diag_part` /
 * `tf.matrix_diag_part`, op `MatrixDiagPart` named `diag_part`): `[..., M, N]` gives
 * `[..., min(M, N)]`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.matrixDiagPart(tf.constant([[1, 2, 3], [4, 5, 6]], tf.int32))); // ==> [1 5]
 * ```
 */
export const matrixDiagPart = tfFunction("matrixDiagPart", MATRIX_DIAG_PART_PARAMS, (a) => {
  onlyDefaults("matrix_diag_part", a, { k: 0, padding_value: 0 });
  return matrixDiagPartOp(a.input, a.name ?? "diag_part");
});

/** TF 1.15's v1 `matrix_set_diag(input, diagonal, name="set_diag", k=0)`. */
const MATRIX_SET_DIAG_PARAMS = [
  req("input", tensorKind),
  req("diagonal", tensorKind),
  opt("name", stringKind),
  opt("k", intOrTensorKind),
] as const;

/**
 * `input` with the main diagonal of each matrix replaced by `diagonal`
 * (`tf.linalg.set_diag` / `tf.matrix_set_diag`, op `MatrixSetDiag` named `set_diag`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.matrixSetDiag(tf.zeros([2, 3], { dtype: tf.int32 }), [7, 8])); // ==> [[7 0 0]
 *                                                                            //      [0 8 0]]
 * ```
 */
export const matrixSetDiag = tfFunction("matrixSetDiag", MATRIX_SET_DIAG_PARAMS, (a) => {
  onlyDefaults("matrix_set_diag", a, { k: 0 });
  return matrixSetDiagOp(a.input, a.diagonal, a.name ?? "set_diag");
});

/** TF 1.15's `matrix_band_part(input, num_lower, num_upper, name=None)`. */
const MATRIX_BAND_PART_PARAMS = [
  req("input", tensorKind),
  req("numLower", intOrTensorKind),
  req("numUpper", intOrTensorKind),
  opt("name", stringKind),
] as const;

/**
 * Zeroes everything outside a band of each matrix (`tf.linalg.band_part` /
 * `tf.matrix_band_part`, op `MatrixBandPart`): `numLower` subdiagonals and `numUpper`
 * superdiagonals are kept, a negative count keeping the whole triangle. Number arguments
 * are int64, as TF's op builder takes `Tindex`'s default.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const x = tf.constant([[1, 2, 3], [4, 5, 6], [7, 8, 9]], tf.int32);
 * sess.run(tf.matrixBandPart(x, 0, -1)); // ==> [[1 2 3]
 *                                        //      [0 5 6]
 *                                        //      [0 0 9]]
 * ```
 */
export const matrixBandPart = tfFunction("matrixBandPart", MATRIX_BAND_PART_PARAMS, (a) =>
  inOpScope(a.name, "MatrixBandPart", [a.input, a.numLower, a.numUpper], (scope, graph) => {
    const x = convertToTensor(a.input, { name: "input" });
    const lo = convertToTensor(a.numLower, { name: "num_lower", preferredDtype: "int64" });
    const hi = convertToTensor(a.numUpper, { name: "num_upper", preferredDtype: lo.dtype });
    checkOpInputs("MatrixBandPart", [x, lo, hi], {});
    const si = new ShapeInference(opNameOf(scope), "MatrixBandPart", [x.shape, lo.shape, hi.shape]);
    si.withRankAtLeast(x.shape, 2);
    si.withRank(lo.shape, 0);
    si.withRank(hi.shape, 0);
    return makeOp(
      graph,
      "MatrixBandPart",
      scope,
      [x, lo, hi],
      [{ dtype: x.dtype, shape: x.shape }],
      { T: x.dtype, Tindex: lo.dtype },
    ).outputs[0] as Tensor;
  }),
);

/** TF 1.15's `diag(diagonal, name=None)`. */
const DIAG_PARAMS = [req("diagonal", tensorKind), opt("name", stringKind)] as const;

/**
 * A tensor with `diagonal` on its diagonal (`tf.diag`, op `Diag`): `[D1, …, Dk]` gives
 * `[D1, …, Dk, D1, …, Dk]`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.diag(tf.constant([1, 2], tf.int32))); // ==> [[1 0]
 *                                                   //      [0 2]]
 * ```
 */
export const diag = tfFunction("diag", DIAG_PARAMS, (a) =>
  inOpScope(a.name, "Diag", [a.diagonal], (scope, graph) => {
    const d = convertToTensor(a.diagonal, { name: "diagonal" });
    checkOpInputs("Diag", [d], {});
    const si = new ShapeInference(opNameOf(scope), "Diag", [d.shape]);
    return unaryIn(graph, scope, "Diag", d, diagShape(si, d.shape));
  }),
);

/** TF 1.15's `trace(x, name=None)`. */
const TRACE_PARAMS = [req("x", tensorKind), opt("name", stringKind)] as const;

/**
 * The sum of the main diagonal of each matrix (`tf.trace`, `tf.linalg.trace`): TF's
 * `reduce_sum(matrix_diag_part(x), [-1])` under a `Trace` name scope, the sum named by it.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.trace(tf.constant([[1, 2], [3, 4]], tf.int32))); // ==> 5
 * ```
 */
export const trace = tfFunction("trace", TRACE_PARAMS, (a) =>
  inOpScope(a.name, "Trace", [a.x], (scope) => {
    const x = convertToTensor(a.x, { name: "x" });
    // The sum takes the scope's own name (`name="Trace/"` in TF).
    return reduceSum(matrixDiagPartOp(x), [-1], { name: scope });
  }),
);

/** TF 1.15's `matrix_transpose(a, name="matrix_transpose", conjugate=False)`. */
const MATRIX_TRANSPOSE_PARAMS = [
  req("a", tensorKind),
  opt("name", stringKind),
  /** Conjugates complex values; scopeflow has no complex dtypes, so it changes nothing. */
  opt("conjugate", booleanKind),
] as const;

/**
 * Transposes the last two dimensions (`tf.matrix_transpose`, `tf.linalg.transpose`): a
 * `transpose` under a `matrix_transpose` name scope, its permutation a constant when the
 * rank is known, else computed from `Rank`.
 *
 * @example
 * ```ts
 * tf.matrixTranspose(tf.zeros([5, 2, 3])).shape.toString(); // ==> (5, 3, 2)
 * ```
 */
export const matrixTranspose = tfFunction("matrixTranspose", MATRIX_TRANSPOSE_PARAMS, (a) =>
  inOpScope(a.name ?? "matrix_transpose", "matrix_transpose", [a.a], () => {
    const x = convertToTensor(a.a, { name: "a" });
    const ndims = x.shape.rank;
    if (ndims !== null) {
      if (ndims < 2) {
        throw new ValueError(
          `Argument 'a' should be a (batch) matrix, with rank >= 2.  Found: ${x.shape.toString()}`,
        );
      }
      return transpose(x, { perm: [...Array(ndims - 2).keys(), ndims - 1, ndims - 2] });
    }
    // `concat((range(0, rank - 2, 1), [rank - 1, rank - 2]), 0)`, computed when run.
    const r = rank(x);
    const head = range(0, pySub(r, 2), 1);
    const perm = concat([head, [pySub(r, 1), pySub(r, 2)]] as never, 0);
    return transpose(x, { perm });
  }),
);

/** TF 1.15's `eye(num_rows, num_columns=None, batch_shape=None, dtype=tf.float32, name=None)`. */
const EYE_PARAMS = [
  req("numRows", intOrTensorKind),
  opt("numColumns", intOrTensorKind),
  opt("batchShape", packableKind),
  opt("dtype", dtypeKind),
  opt("name", stringKind),
] as const;

/**
 * An identity matrix, or a batch of them (`tf.eye`, `tf.linalg.eye`), built as TF 1.15's
 * `linalg_ops_impl.eye`: `ones` of the diagonal's shape into `matrix_diag` (named `diag`)
 * for a square matrix, else into `matrix_set_diag` of `zeros`, under an `eye` name scope.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.eye(2, 3, { dtype: tf.int32 })); // ==> [[1 0 0]
 *                                              //      [0 1 0]]
 * tf.eye(3).name; // ==> eye_1/diag:0
 * ```
 */
export const eye = tfFunction("eye", EYE_PARAMS, (a) =>
  inOpScope(a.name, "eye", [a.numRows, a.numColumns, a.batchShape], () => {
    const dtype = a.dtype ?? "float32";
    let isSquare = a.numColumns === undefined || a.numColumns === null;
    const numRows = a.numRows;
    const numColumns = isSquare ? numRows : (a.numColumns as typeof numRows);
    const batch = a.batchShape ?? [];
    let diagSize: Tensor | number;
    if (typeof numRows !== "number" || typeof numColumns !== "number") {
      diagSize = minimum(numRows, numColumns);
    } else {
      if (!Number.isInteger(numRows) || !Number.isInteger(numColumns)) {
        throw new TypeError("num_rows and num_columns must be positive integer values.");
      }
      isSquare = numRows === numColumns;
      diagSize = Math.min(numRows, numColumns);
    }
    let diagShape: Packable;
    let shape: Packable = [];
    if (!Array.isArray(batch) || typeof diagSize !== "number") {
      const b = convertToTensor(batch, { name: "shape", dtype: "int32" });
      diagShape = concat([b, [diagSize]] as never, 0);
      if (!isSquare) shape = concat([b, [numRows, numColumns]] as never, 0);
    } else {
      diagShape = [...(batch as Packable[]), diagSize];
      if (!isSquare) shape = [...(batch as Packable[]), numRows, numColumns] as Packable;
    }
    const diagOnes = ones(diagShape as never, { dtype });
    if (isSquare) return matrixDiagOp(diagOnes);
    const zeroMatrix = zeros(shape as never, { dtype });
    return matrixSetDiagOp(zeroMatrix, diagOnes);
  }),
);
