import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import {
  dtypeKind,
  intOrTensorKind,
  opt,
  optNullable,
  req,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import type { DType } from "../../graph/dtypes.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { cast } from "../array/cast.js";
import { constant } from "../array/constant.js";
import { shape } from "../array/shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { constantInts, readInts } from "../tensor_util.js";
import { graphFromValues, withNameScope } from "../../scope/name_scope.js";
import { withDefaultGraph } from "../../graph/graph.js";
import { binaryOp, maximum, minimum } from "./binary.js";
import { pythonOperator } from "./operators.js";
import { reduceMax, reduceProd } from "./reduce.js";
import { unsortedSegmentSum } from "./segment_ops.js";
import { checkAllowed } from "./allowed_types.js";

const BINCOUNT_DEF = {
  inputs: ["arr: int32", "size: int32", "weights: T"],
  outputs: ["bins: T"],
  attrs: ["T: {int32, int64, float, double}"],
};

registerOp({
  type: "Bincount",
  opDef: BINCOUNT_DEF,
  kernel: ([a, s, w], op) => {
    const arr = readInts(a as tfc.Tensor);
    const sizeT = s as tfc.Tensor;
    const size = readInts(sizeT)[0] as number;
    if (sizeT.rank !== 0) {
      throw new InvalidArgumentError(`Shape must be rank 0 but is rank ${sizeT.rank}`, op.name);
    }
    if (size < 0) throw new InvalidArgumentError(`size (${size}) must be non-negative`, op.name);
    const weights = w as tfc.Tensor;
    const weighted = weights.size > 0;
    if (weighted && weights.size !== arr.length) {
      throw new InvalidArgumentError("Input arr and weights should have the same shape", op.name);
    }
    if (arr.some((v) => v < 0)) {
      throw new InvalidArgumentError("Input arr must be non-negative!", op.name);
    }
    const wv = weighted ? weights.dataSync() : null;
    const bins = new Float64Array(size);
    arr.forEach((v, i) => {
      // Values at or past `size` are not counted.
      if (v < size) bins[v] = (bins[v] as number) + (wv === null ? 1 : (wv[i] as number));
    });
    const dtype = weights.dtype;
    return [
      tfc.tensor(
        dtype === "int32" ? Int32Array.from(bins) : Float32Array.from(bins),
        [size],
        dtype,
      ),
    ];
  },
  inferShapes: (op) => {
    const n = constantInts(op.inputs[1] as Tensor);
    return [new TensorShape([n === null ? null : (n[0] as number)])];
  },
});

/**
 * Counts each value of the int32 `arr` (`tf.bincount(arr, weights=None, minlength=None,
 * maxlength=None, dtype=tf.int32)`): `max(arr) + 1` bins (0 for an empty `arr`), at least
 * `minlength` and at most `maxlength`, under `bincount`. With `weights`, each value adds
 * its weight instead of 1 (an `UnsortedSegmentSum`); else a `Bincount` op.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const arr = tf.constant([1, 1, 3], { dtype: "int32" });
 * sess.run(tf.bincount(arr)); // ==> [0 2 0 1]
 * sess.run(tf.bincount(arr, null, 6)); // ==> [0 2 0 1 0 0]
 * ```
 */
export const bincount = tfFunction(
  "bincount",
  [
    req("arr", tensorKind),
    optNullable("weights", tensorKind),
    optNullable("minlength", intOrTensorKind),
    optNullable("maxlength", intOrTensorKind),
    opt("dtype", dtypeKind),
  ] as const,
  (a) => {
    const dtype: DType = a.dtype ?? "int32";
    const graph = graphFromValues([a.arr, a.weights]);
    // `with ops.name_scope("bincount")`: a plain scope; the graph is put back on an error.
    return withDefaultGraph(graph, () =>
      graph.atomically(() =>
        withNameScope(graph, "bincount", () => {
          const arr = convertToTensor(a.arr, { name: "arr", dtype: "int32" });
          const nonEmpty = binaryOp("Greater", "Greater", reduceProd(shape(arr)), 0);
          let outputSize = pythonOperator(
            "mul",
            cast(nonEmpty, "int32"),
            pythonOperator("add", reduceMax(arr), 1),
          );
          if (a.minlength !== undefined && a.minlength !== null) {
            const min = convertToTensor(a.minlength, { name: "minlength", dtype: "int32" });
            outputSize = maximum(min, outputSize);
          }
          if (a.maxlength !== undefined && a.maxlength !== null) {
            const max = convertToTensor(a.maxlength, { name: "maxlength", dtype: "int32" });
            outputSize = minimum(max, outputSize);
          }
          if (a.weights !== undefined && a.weights !== null) {
            const weights = convertToTensor(a.weights, { name: "weights" });
            return unsortedSegmentSum(weights, arr, outputSize);
          }
          checkAllowed(BINCOUNT_DEF, "weights", dtype);
          const weights = constant([], { dtype });
          return inOpScope(
            undefined,
            "Bincount",
            [arr, outputSize, weights],
            (scope, g) =>
              makeOp(
                g,
                "Bincount",
                scope,
                [arr, outputSize, weights],
                [{ dtype, shape: new TensorShape([constantInts(outputSize)?.[0] ?? null]) }],
                { T: dtype },
              ).outputs[0] as Tensor,
          );
        }),
      ),
    );
  },
);
