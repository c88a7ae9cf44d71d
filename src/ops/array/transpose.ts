import * as tfc from "@tensorflow/tfjs-core";
import type { Graph } from "../../graph/graph.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { convertToTensor, packableKind } from "../convert.js";
import { binaryOpIn } from "../math/binary.js";
import { rangeIn } from "../math/range.js";
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
import { checkOpInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import { constantInts, constantValue, readInts } from "../tensor_util.js";
import { withNameScope } from "../../scope/name_scope.js";
import { constantOp } from "./constant.js";
import { rankIn } from "./shape.js";

registerOp({
  type: "Transpose",
  opDef: {
    inputs: ["x: T", "perm: Tperm"],
    outputs: ["y: T"],
    attrs: ["T: type", "Tperm: {int32, int64} = int32"],
  },
  kernel: ([x, perm], op) => [
    tfc.transpose(
      x as tfc.Tensor,
      (op.buildData._perm as number[] | null) ?? readInts(perm as tfc.Tensor),
    ),
  ],
});

/** An int32 scalar `Const` named `name` in the current name scope. */
function intConst(graph: Graph, name: string, value: number): Tensor {
  return constantOp(graph, `${graph.uniqueName(name)}/`, {
    dtype: "int32",
    shape: [],
    values: Int32Array.of(value),
  });
}

/** Builds `Transpose` named exactly by `scope` on a converted input and permutation. */
export function transposeIn(graph: Graph, scope: string, x: Tensor, perm: Tensor): Tensor {
  checkOpInputs("Transpose", [x, perm], {});
  const permValue = constantValue(perm);
  const si = new ShapeInference(
    opNameOf(scope),
    "Transpose",
    [x.shape, perm.shape],
    permValue === null ? {} : { tensors: [[1, permValue]] },
  );
  const permDims = si.withRankAtMost(perm.shape, 1);
  const values = constantInts(perm);
  let rank: number | null = x.shape.rank;
  if (rank === null && permDims !== null && permDims.length === 1) rank = permDims[0] as Dim;
  if (rank === null && values !== null) rank = values.length;
  let out = TensorShape.unknown();
  if (rank !== null) {
    const dims = si.withRank(x.shape, rank);
    if (permDims !== null && permDims.length === 1) si.withValue(permDims[0] as Dim, rank);
    if (values === null) out = TensorShape.unknownOfRank(rank);
    else {
      const r = rank;
      out = new TensorShape(
        values.map((p) => {
          // Negative entries index from the end here; the kernel rejects them at run time.
          if (p >= r) si.fail(`perm dim ${p} is out of range of input rank ${r}`);
          return (p < 0 ? (p >= -r ? dims[p + r] : null) : dims[p]) as Dim;
        }),
      );
    }
  }
  return makeOp(graph, "Transpose", scope, [x, perm], [{ dtype: x.dtype, shape: out }], {
    T: x.dtype,
    Tperm: perm.dtype,
    _perm: values,
  }).outputs[0] as Tensor;
}

/** TF 1.15's `transpose(a, perm=None, name="transpose", conjugate=False)`. */
const TRANSPOSE_PARAMS = [
  req("a", tensorKind),
  /** The permutation of the dimensions; reversed by default. */
  opt("perm", packableKind),
  opt("name", stringKind),
  /** Conjugates complex values; scopeflow has no complex dtypes, so it changes nothing. */
  opt("conjugate", booleanKind),
] as const;

/** The options object of {@link transpose} (any parameter by name). */
export type TransposeOptions = OptionsOf<typeof TRANSPOSE_PARAMS>;

/**
 * Permutes the dimensions of `a` (`tf.transpose(a, perm, name, conjugate)`, op `Transpose` named `transpose`, with
 * the const `transpose/perm`). Without `perm` the dimensions are reversed; for a tensor of
 * unknown rank, the reversed permutation is computed at run time (`Rank`, `Range`, `sub`).
 *
 * @example
 * ```ts
 * tf.transpose(tf.zeros([2, 3])).shape.toString(); // ==> (3, 2)
 * tf.transpose(tf.zeros([2, 3, 4]), { perm: [0, 2, 1] }).shape.toString(); // ==> (2, 4, 3)
 * ```
 */
export const transpose = tfFunction("transpose", TRANSPOSE_PARAMS, ({ a, ...options }) =>
  inOpScope(options.name, "transpose", [a], (scope, graph) => {
    const perm = options.perm ?? null;
    if (perm !== null) {
      const x = convertToTensor(a, { name: "x" });
      const p = convertToTensor(perm, { name: "perm", preferredDtype: "int32" });
      return transposeIn(graph, scope, x, p);
    }
    const x = convertToTensor(a, { name: "a" });
    const rank = x.shape.rank;
    let p: Tensor;
    if (rank === null || rank === 0) {
      // `(rank - 1) - range(0, rank, 1)`, computed when the graph runs.
      const r = rankIn(graph, `${graph.uniqueName("Rank")}/`, x, false);
      const one = () => intConst(graph, "y", 1);
      const rMinus1 = withNameScope(graph, "sub", (s) => binaryOpIn(s, graph, "Sub", r, one()));
      const seq = withNameScope(graph, "Range", (s) =>
        rangeIn(graph, s, intConst(graph, "start", 0), r, intConst(graph, "delta", 1)),
      );
      p = withNameScope(graph, "sub", (s) => binaryOpIn(s, graph, "Sub", rMinus1, seq));
    } else {
      p = constantOp(graph, `${graph.uniqueName("perm")}/`, {
        dtype: "int32",
        shape: [rank],
        values: Int32Array.from({ length: rank }, (_, i) => rank - 1 - i),
      });
    }
    const out = transposeIn(graph, scope, x, p);
    if (x.shape.dims !== null) out.setShape(x.shape.dims.slice().reverse());
    return out;
  }),
);
