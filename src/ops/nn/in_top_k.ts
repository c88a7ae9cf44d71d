import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import {
  intOrTensorKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { checkLeadingInputs, checkOpInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";

/** TensorShape::DebugString of a runtime shape: `[2,3]`. */
function debugShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/**
 * TF's `InTopK` shape function (shared by `InTopKV2`): predictions `[batch, classes]`,
 * targets `[batch]`, output `[batch]`; V2's `k` must be a scalar.
 */
export function inTopKShape(
  opName: string,
  opType: "InTopK" | "InTopKV2",
  inputShapes: readonly TensorShape[],
): TensorShape {
  const c = new ShapeInference(opName, opType, inputShapes);
  const predictions = c.withRank(inputShapes[0] as TensorShape, 2);
  const targets = c.withRank(inputShapes[1] as TensorShape, 1);
  if (opType === "InTopKV2") c.withRank(inputShapes[2] as TensorShape, 0);
  return new TensorShape([c.mergeDim(predictions[0] ?? null, targets[0] ?? null)]);
}

/**
 * TF's in_topk_op kernel: a target is in the top k when fewer than k classes have a
 * strictly larger prediction (ties all count as in); an out-of-range target, or a row with
 * a non-finite prediction, is never in.
 */
function inTopKValues(
  predictions: tfc.Tensor,
  targets: tfc.Tensor,
  k: number,
  op: Operation,
): tfc.Tensor {
  const fail = (msg: string): never => {
    throw new InvalidArgumentError(`${msg}\n\t [[{{node ${op.name}}}]]`, op.name);
  };
  if (predictions.rank !== 2) fail("predictions must be 2-dimensional");
  if (targets.rank !== 1) fail("targets must be 1-dimensional");
  const [batch, classes] = predictions.shape as [number, number];
  if (batch !== targets.shape[0]) {
    fail(
      `First dimension of predictions ${batch} must match length of targets ${targets.shape[0]}`,
    );
  }
  const p = predictions.dataSync() as Float32Array;
  const t = targets.dataSync() as Int32Array;
  const out = new Uint8Array(batch);
  for (let b = 0; b < batch; b++) {
    const target = t[b] as number;
    const row = b * classes;
    if (target < 0 || target >= classes) continue;
    const targetPrediction = p[row + target] as number;
    if (!Number.isFinite(targetPrediction)) continue;
    let larger = 0;
    let cannotSay = false;
    for (let i = 0; i < classes; i++) {
      const v = p[row + i] as number;
      if (!Number.isFinite(v)) {
        cannotSay = true;
        break;
      }
      if (v > targetPrediction) larger++;
    }
    out[b] = !cannotSay && larger < k ? 1 : 0;
  }
  return tfc.tensor1d(out, "bool");
}

registerOp({
  type: "InTopK",
  inferShapes: (op) => [
    inTopKShape(
      op.name,
      "InTopK",
      op.inputs.map((t) => t.shape),
    ),
  ],
  opDef: {
    inputs: ["predictions: float", "targets: T"],
    outputs: ["precision: bool"],
    attrs: ["k: int", "T: {int32, int64} = int32"],
  },
  kernel: ([predictions, targets], op) => [
    inTopKValues(predictions as tfc.Tensor, targets as tfc.Tensor, op.attrs.k as number, op),
  ],
});

registerOp({
  type: "InTopKV2",
  inferShapes: (op) => [
    inTopKShape(
      op.name,
      "InTopKV2",
      op.inputs.map((t) => t.shape),
    ),
  ],
  opDef: {
    inputs: ["predictions: float", "targets: T", "k: T"],
    outputs: ["precision: bool"],
    attrs: ["T: {int32, int64} = int32"],
  },
  kernel: ([predictions, targets, k], op) => {
    const kt = k as tfc.Tensor;
    if (kt.rank !== 0) {
      throw new InvalidArgumentError(
        `k must be 0-D, got shape ${debugShape(kt.shape)}\n\t [[{{node ${op.name}}}]]`,
        op.name,
      );
    }
    const kv = (kt.dataSync() as Int32Array)[0] as number;
    return [inTopKValues(predictions as tfc.Tensor, targets as tfc.Tensor, kv, op)];
  },
});

/** TF 1.15's `in_top_k(predictions, targets, k, name=None)`. */
const IN_TOP_K_PARAMS = [
  req("predictions", tensorKind),
  req("targets", tensorKind),
  req("k", intOrTensorKind),
  opt("name", stringKind),
] as const;

/**
 * Whether each target is among the `k` largest predictions of its row (`tf.nn.in_top_k`,
 * also `tf.math.in_top_k`; op `InTopKV2` under the `in_top_k` scope). Ties straddling the
 * k-th place all count as in the top k, unlike `TopK`.
 *
 * @example
 * ```ts
 * const predictions = tf.constant([[0.1, 0.8, 0.1], [0.5, 0.2, 0.3]]);
 * using sess = new tf.Session();
 * sess.run(tf.nn.inTopK(predictions, [1, 2], 1)); // ==> [ True False]
 * sess.run(tf.nn.inTopK(predictions, [1, 2], 2)); // ==> [ True  True]
 * ```
 */
export const inTopK = tfFunction("nn.inTopK", IN_TOP_K_PARAMS, (a) =>
  inOpScope(a.name, "in_top_k", [a.predictions, a.targets, a.k], () =>
    inOpScope(a.name, "InTopKV2", [a.predictions, a.targets, a.k], (scope, graph) => {
      const predictions = convertToTensor(a.predictions, { name: "predictions" });
      const targets = convertToTensor(a.targets, { name: "targets", preferredDtype: "int32" });
      // `predictions: float` is a fixed type, so int predictions get the fixed-type message.
      checkLeadingInputs("InTopKV2", [predictions, targets]);
      const k = convertToTensor(a.k, { name: "k", preferredDtype: targets.dtype });
      checkOpInputs("InTopKV2", [predictions, targets, k], {});
      const shape = inTopKShape(opNameOf(scope), "InTopKV2", [
        predictions.shape,
        targets.shape,
        k.shape,
      ]);
      return makeOp(
        graph,
        "InTopKV2",
        scope,
        [predictions, targets, k],
        [{ dtype: "bool", shape }],
        {
          T: targets.dtype,
        },
      ).outputs[0] as Tensor;
    }),
  ),
);
