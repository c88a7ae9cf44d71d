import * as tfc from "@tensorflow/tfjs-core";
import type { DType } from "../../graph/dtypes.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { checkOpInputs } from "../input_types.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { convertToTensor } from "../convert.js";
import { dtypeKind, opt, req, stringKind, tensorKind, tfFunction } from "../../graph/call_args.js";
import { noGradient, registerOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { readInts } from "../tensor_util.js";

registerOp({
  type: "Unique",
  opDef: {
    inputs: ["x: T"],
    outputs: ["y: T", "idx: out_idx"],
    attrs: ["T: type", "out_idx: {int32, int64} = int32"],
  },
  kernel: ([x]) => {
    const values = readInts(x as tfc.Tensor);
    const position = new Map<number, number>();
    const y: number[] = [];
    const idx = values.map((v) => {
      let p = position.get(v);
      if (p === undefined) {
        p = y.length;
        position.set(v, p);
        y.push(v);
      }
      return p;
    });
    return [tfc.tensor1d(y, (x as tfc.Tensor).dtype as "int32"), tfc.tensor1d(idx, "int32")];
  },
  inferShapes: (op) => {
    const x = (op.inputs[0] as Tensor).shape;
    new ShapeInference(op.name, op.type, [x]).withRank(x, 1);
    return [new TensorShape([null]), x];
  },
});

// No gradient in TF 1.15.
noGradient(false, "Unique");

/** TF 1.15's `unique(x, out_idx=tf.int32, name=None)`. */
const UNIQUE_PARAMS = [
  req("x", tensorKind),
  opt("outIdx", dtypeKind),
  opt("name", stringKind),
] as const;

/**
 * The distinct values of a vector in order of first appearance, and each element's
 * position among them (`tf.unique`, op `Unique`). The optimizers use it to sum the rows
 * of an `IndexedSlices` named more than once.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const [y, idx] = tf.unique(tf.constant([1, 1, 2, 4, 4, 4, 7, 8, 8], tf.int32));
 * sess.run(y); // ==> [1 2 4 7 8]
 * sess.run(idx); // ==> [0 0 1 2 2 2 3 4 4]
 * ```
 */
export const unique = tfFunction("unique", UNIQUE_PARAMS, (a): [Tensor, Tensor] =>
  inOpScope(a.name, "Unique", [a.x], (scope, graph) => {
    const x = convertToTensor(a.x, { name: "x" });
    const outIdx: DType = a.outIdx ?? "int32";
    // op_def_library: the attr `out_idx` is checked before the shape function runs.
    checkOpInputs("Unique", [x], { out_idx: outIdx });
    new ShapeInference(opNameOf(scope), "Unique", [x.shape]).withRank(x.shape, 1);
    return makeOp(
      graph,
      "Unique",
      scope,
      [x],
      [
        { dtype: x.dtype, shape: new TensorShape([null]) },
        { dtype: outIdx, shape: x.shape },
      ],
      { T: x.dtype, out_idx: outIdx },
    ).outputs as [Tensor, Tensor];
  }),
);
