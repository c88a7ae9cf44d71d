import * as tfc from "@tensorflow/tfjs-core";
import { UnimplementedError } from "../../errors.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf, type NameOption } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";

registerOp({
  type: "DiagPart",
  opDef: {
    inputs: ["input: T"],
    outputs: ["diagonal: T"],
    attrs: ["T: {bfloat16, half, float, double, int32, int64, complex64, complex128}"],
  },
  kernel: ([x], op) => {
    const input = x as tfc.Tensor;
    if (input.rank !== 2) {
      throw new UnimplementedError("DiagPart is implemented for matrices (rank 2) only.", op.name);
    }
    const n = input.shape[0] as number;
    return [
      tfc.tidy(() => tfc.gather(tfc.reshape(input, [-1]), tfc.range(0, n * n, n + 1, "int32"))),
    ];
  },
});

/**
 * The diagonal of a square matrix (`tf.diag_part`, op `DiagPart`): for an input of shape
 * `[D1, …, Dk, D1, …, Dk]`, the `[D1, …, Dk]` elements `input[i, …, i]`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(diagPart(tf.constant([[1, 2], [3, 4]]))); // ==> [1. 4.]
 * ```
 */
export function diagPart(input: TensorLike, options: NameOption = {}): Tensor {
  return inOpScope(options.name, "DiagPart", [input], (scope, graph) => {
    const x = convertToTensor(input, { name: "input" });
    const si = new ShapeInference(opNameOf(scope), "DiagPart", [x.shape]);
    let out = TensorShape.unknown();
    if (x.shape.dims !== null) {
      const dims = x.shape.dims;
      if (dims.length % 2 !== 0) {
        si.fail(`Input must have even rank <= 6, input rank is ${dims.length}`);
      }
      const k = dims.length / 2;
      const outDims: Dim[] = [];
      for (let i = 0; i < k; i++) outDims.push(si.mergeDim(dims[i] as Dim, dims[i + k] as Dim));
      out = new TensorShape(outDims);
    }
    return makeOp(graph, "DiagPart", scope, [x], [{ dtype: x.dtype, shape: out }], { T: x.dtype })
      .outputs[0] as Tensor;
  });
}
