import * as tfc from "@tensorflow/tfjs-core";
import { ValueError } from "../../errors.js";
import type { Graph } from "../../graph/graph.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import {
  booleanKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { registerOp } from "../registry.js";
import { attrsOf, declareOpDef } from "../op_def.js";
import { shapeError } from "../shape_utils.js";
import { convertOperands } from "./binary.js";
import { compiledProduct } from "./matmul_wasm.js";

/**
 * The fastest correct form of a matrix product on the active backend. tfjs-wasm's
 * XNNPACK path only takes untransposed operands: with a transpose flag it falls back to a
 * kernel 12-30x slower, so on wasm the transposes are made explicit first, choosing
 * between `op(a)·op(b)` and `(op(b)ᵀ·op(a)ᵀ)ᵀ` by how many elements each must move: a
 * dense layer's input gradient `dy·Wᵀ` transposes the small `dy` and product, not `W`
 * (measured 3-6x faster on a 3136×1024 weight).
 */
export function matMulKernel(
  a: tfc.Tensor,
  b: tfc.Tensor,
  transposeA: boolean,
  transposeB: boolean,
): tfc.Tensor {
  const inner = transposeA ? a.shape[a.rank - 2] : a.shape[a.rank - 1];
  if (inner === 0) {
    // A sum over nothing: zeros (XNNPACK refuses an empty inner dimension and returns
    // uninitialized memory).
    const m = transposeA ? a.shape[a.rank - 1] : a.shape[a.rank - 2];
    const n = transposeB ? b.shape[b.rank - 2] : b.shape[b.rank - 1];
    const batch = a.rank >= b.rank ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
    return tfc.zeros([...batch, m as number, n as number], a.dtype);
  }
  if (!transposeB && tfc.getBackend() === "wasm") {
    const compiled = compiledProduct(a, b, transposeA, null, "none");
    if (compiled !== null) return compiled;
  }
  if ((transposeA || transposeB) && tfc.getBackend() === "wasm") {
    const m = (transposeA ? a.shape[a.rank - 1] : a.shape[a.rank - 2]) as number;
    const n = (transposeB ? b.shape[b.rank - 2] : b.shape[b.rank - 1]) as number;
    const batchOf = (t: tfc.Tensor) => t.shape.slice(0, -2).reduce((p, d) => p * d, 1);
    const batch = Math.max(batchOf(a), batchOf(b));
    const direct = (transposeA ? a.size : 0) + (transposeB ? b.size : 0);
    const swapped = (transposeA ? 0 : a.size) + (transposeB ? 0 : b.size) + batch * m * n;
    if (swapped < direct) {
      // op(a)·op(b) = (op(b)ᵀ·op(a)ᵀ)ᵀ, where op(b)ᵀ is b itself when b was to be transposed.
      const bt = transposeB ? b : transposeLast2(b);
      const at = transposeA ? a : transposeLast2(a);
      const product = tfc.matMul(bt, at, false, false);
      if (bt !== b) bt.dispose();
      if (at !== a) at.dispose();
      const out = transposeLast2(product);
      product.dispose();
      return out;
    }
    const at = transposeA ? transposeLast2(a) : a;
    const bt = transposeB ? transposeLast2(b) : b;
    const out = tfc.matMul(at, bt, false, false);
    if (at !== a) at.dispose();
    if (bt !== b) bt.dispose();
    return out;
  }
  return tfc.matMul(a, b, transposeA, transposeB);
}

/**
 * tfjs's matMul gives wrong values when both operands carry batch dimensions that differ
 * (`[2,1,3,4] @ [1,3,4,5]`): broadcast them to the common batch shape first.
 */
function broadcastBatch2(a: tfc.Tensor, b: tfc.Tensor): [tfc.Tensor, tfc.Tensor] {
  const ba = a.shape.slice(0, -2);
  const bb = b.shape.slice(0, -2);
  if (
    ba.length === 0 ||
    bb.length === 0 ||
    (ba.length === bb.length && ba.every((d, i) => d === bb[i]))
  ) {
    return [a, b];
  }
  const rank = Math.max(ba.length, bb.length);
  const batch: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = i < rank - ba.length ? 1 : (ba[i - (rank - ba.length)] as number);
    const y = i < rank - bb.length ? 1 : (bb[i - (rank - bb.length)] as number);
    batch.push(Math.max(x, y));
  }
  const grow = (t: tfc.Tensor, own: number[]) =>
    own.length === rank && own.every((d, i) => d === batch[i])
      ? t
      : tfc.broadcastTo(t, [...batch, ...t.shape.slice(-2)]);
  return [grow(a, ba), grow(b, bb)];
}

function transposeLast2(x: tfc.Tensor): tfc.Tensor {
  const rank = x.rank;
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 1] = rank - 2;
  perm[rank - 2] = rank - 1;
  return tfc.transpose(x, perm);
}

/** TF's `MatMul` signature; its kernel reads the attrs it types. */
const MATMUL_DEF = declareOpDef({
  inputs: ["a: T", "b: T"],
  outputs: ["product: T"],
  attrs: [
    "transpose_a: bool = false",
    "transpose_b: bool = false",
    "T: {bfloat16, half, float, double, int32, complex64, complex128}",
  ],
});

registerOp({
  type: "MatMul",
  opDef: MATMUL_DEF,
  kernel: ([a, b], op) => [
    matMulKernel(
      a as tfc.Tensor,
      b as tfc.Tensor,
      attrsOf(op, MATMUL_DEF).transpose_a,
      attrsOf(op, MATMUL_DEF).transpose_b,
    ),
  ],
});

/** TF's `BatchMatMulV2` signature; its kernel reads the attrs it types. */
const BATCH_MATMUL_V2_DEF = declareOpDef({
  inputs: ["x: T", "y: T"],
  outputs: ["output: T"],
  attrs: [
    "T: {bfloat16, half, float, double, int32, int64, complex64, complex128}",
    "adj_x: bool = false",
    "adj_y: bool = false",
  ],
});

registerOp({
  type: "BatchMatMulV2",
  opDef: BATCH_MATMUL_V2_DEF,
  kernel: ([a, b], op) => {
    const [x, y] = broadcastBatch2(a as tfc.Tensor, b as tfc.Tensor);
    const out = matMulKernel(
      x,
      y,
      attrsOf(op, BATCH_MATMUL_V2_DEF).adj_x,
      attrsOf(op, BATCH_MATMUL_V2_DEF).adj_y,
    );
    if (x !== a) x.dispose();
    if (y !== b) y.dispose();
    return [out];
  },
});

function dimsOf(s: TensorShape): Dim[] | null {
  return s.dims === null ? null : s.dims.slice();
}

/**
 * Builds `MatMul` (rank 2) or `BatchMatMulV2` (higher ranks) under `scope`; `rank2` forces
 * `MatMul`, as TF's `matmul` does when a sparsity hint is given.
 */
export function matmulIn(
  graph: Graph,
  scope: string,
  a: Tensor,
  b: Tensor,
  transposeA: boolean,
  transposeB: boolean,
  rank2 = false,
): Tensor {
  const name = opNameOf(scope);
  const da = dimsOf(a.shape);
  const db = dimsOf(b.shape);
  const batched = !rank2 && ((da !== null && da.length > 2) || (db !== null && db.length > 2));
  const type = batched ? "BatchMatMulV2" : "MatMul";
  if (!batched) {
    if (da !== null && da.length !== 2)
      throw shapeError(`Shape must be rank 2 but is rank ${da.length}`, name, type, [
        a.shape,
        b.shape,
      ]);
    if (db !== null && db.length !== 2)
      throw shapeError(`Shape must be rank 2 but is rank ${db.length}`, name, type, [
        a.shape,
        b.shape,
      ]);
  }
  let out: TensorShape = TensorShape.unknown();
  if (da !== null && db !== null) {
    const ra = da.length;
    const rb = db.length;
    const m = transposeA ? da[ra - 1] : da[ra - 2];
    const ka = transposeA ? da[ra - 2] : da[ra - 1];
    const kb = transposeB ? db[rb - 1] : db[rb - 2];
    const n = transposeB ? db[rb - 2] : db[rb - 1];
    if (ka !== null && kb !== null && ka !== undefined && kb !== undefined && ka !== kb) {
      throw shapeError(`Dimensions must be equal, but are ${ka} and ${kb}`, name, type, [
        a.shape,
        b.shape,
      ]);
    }
    const batchA = da.slice(0, -2);
    const batchB = db.slice(0, -2);
    const batch = broadcastBatch(batchA, batchB, () =>
      shapeError("Incompatible batch dimensions", name, type, [a.shape, b.shape]),
    );
    out = new TensorShape([...batch, m ?? null, n ?? null]);
  }
  const attrs = batched
    ? { T: a.dtype, adj_x: transposeA, adj_y: transposeB }
    : { T: a.dtype, transpose_a: transposeA, transpose_b: transposeB };
  return makeOp(graph, type, scope, [a, b], [{ dtype: a.dtype, shape: out }], attrs)
    .outputs[0] as Tensor;
}

function broadcastBatch(a: Dim[], b: Dim[], fail: () => ValueError): Dim[] {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const x = i < rank - a.length ? 1 : (a[i - (rank - a.length)] as Dim);
    const y = i < rank - b.length ? 1 : (b[i - (rank - b.length)] as Dim);
    if (x === 1) out.push(y);
    else if (y === 1 || y === null) out.push(x);
    else if (x === null) out.push(y);
    else if (x !== y) throw fail();
    else out.push(x);
  }
  return out;
}

/**
 * TF 1.15's `matmul(a, b, transpose_a, transpose_b, adjoint_a, adjoint_b, a_is_sparse,
 * b_is_sparse, name)`.
 */
const MATMUL_PARAMS = [
  req("a", tensorKind),
  req("b", tensorKind),
  opt("transposeA", booleanKind),
  opt("transposeB", booleanKind),
  opt("adjointA", booleanKind),
  opt("adjointB", booleanKind),
  opt("aIsSparse", booleanKind),
  opt("bIsSparse", booleanKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link matmul}. */
export type MatMulOptions = OptionsOf<typeof MATMUL_PARAMS>;

/**
 * Matrix product `a @ b` (`tf.matmul`), with optional transposes; rank > 2 is batched.
 * Every dtype here is real, so an adjoint is a transpose (TF's `conj` is then a no-op).
 *
 * @example
 * ```ts
 * const x = tf.constant([[1, 2]]);
 * const w = tf.constant([[3, 4], [5, 6]]);
 * const y = tf.matmul(x, w, { transposeB: true });
 * y.op.type; // ==> MatMul
 * using sess = new tf.Session();
 * sess.run(y); // ==> [[11. 17.]]
 * ```
 */
export const matmul = tfFunction("matmul", MATMUL_PARAMS, (args) => {
  if (args.transposeA && args.adjointA)
    throw new ValueError("Only one of transpose_a and adjoint_a can be True.");
  if (args.transposeB && args.adjointB)
    throw new ValueError("Only one of transpose_b and adjoint_b can be True.");
  const transposeA = (args.transposeA ?? false) || (args.adjointA ?? false);
  const transposeB = (args.transposeB ?? false) || (args.adjointB ?? false);
  const sparse = (args.aIsSparse ?? false) || (args.bIsSparse ?? false);
  return inOpScope(args.name, "MatMul", [args.a, args.b], (scope, graph) => {
    // `tf.matmul` converts both operands before `MatMul` (`convert_to_tensor(b, name="b")`).
    const [ta, tb] = convertOperands(args.a, args.b, "MatMul", ["a", "b"], false);
    if (sparse && ta.dtype === "float32") {
      // TF then builds a `SparseMatMul` op, a different graph with a different gradient.
      throw new ValueError(
        "matmul(): aIsSparse/bIsSparse (a_is_sparse/b_is_sparse=True) on float32 builds TF's SparseMatMul op, which scopeflow does not implement; leave them false (the product is the same).",
      );
    }
    return matmulIn(graph, scope, ta, tb, transposeA, transposeB, sparse);
  });
});
