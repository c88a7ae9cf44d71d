import * as tfc from "@tensorflow/tfjs-core";
import { ValueError } from "../../errors.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { convertToTensor } from "../convert.js";
import { checkOpInputs } from "../input_types.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { opt, req, stringKind, kind, tfFunction, type OptionsOf } from "../../graph/call_args.js";
import { registerOp } from "../registry.js";
import { mergeErrorDetail, shapeError } from "../shape_utils.js";

registerOp({
  type: "AddN",
  opDef: {
    inputs: ["inputs: N * T"],
    outputs: ["sum: T"],
    attrs: [
      "N: int >= 1",
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64, variant}",
    ],
    commutative: true,
    aggregate: true,
  },
  kernel: (inputs) => [tfc.addN(inputs as tfc.Tensor[])],
});

/**
 * TF 1.15's `add_n(inputs, name=None)`. A single tensor passes the kind check so that it
 * meets TF's own ValueError, as in Python.
 */
const inputsKind = kind<readonly TensorLike[]>(
  "a list of Tensors",
  (v) => v !== null && typeof v === "object",
);
const ADD_N_PARAMS = [req("inputs", inputsKind), opt("name", stringKind)] as const;

/** The options object of {@link addN}. */
export type AddNOptions = OptionsOf<typeof ADD_N_PARAMS>;

/**
 * The element-wise sum of tensors of one shape (`tf.add_n`, op `AddN`): how TensorFlow
 * adds up the gradients of a weight used in several places.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.addN([tf.constant([1, 2]), tf.constant([3, 4]), tf.constant([5, 6])])); // ==> [ 9. 12.]
 * ```
 */
export const addN = tfFunction("addN", ADD_N_PARAMS, (a) => addNImpl(a.inputs, a.name));

function addNImpl(inputs: readonly TensorLike[], name: string | undefined): Tensor {
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw new ValueError(
      "inputs must be a list of at least one Tensor/IndexedSlices with the same dtype and shape",
    );
  }
  return inOpScope(name, "AddN", inputs, (scope, graph) => {
    const ts = inputs.map((x) => convertToTensor(x));
    const first = ts[0] as Tensor;
    // `tf.add_n` of one tensor is an `Identity`; of more, `AddN`'s dtype checks come first.
    if (ts.length > 1) checkOpInputs("AddN", ts, {});
    let shape = first.shape;
    for (const t of ts) {
      if (!shape.isCompatibleWith(t.shape)) {
        throw shapeError(
          mergeErrorDetail(shape, t.shape),
          opNameOf(scope),
          "AddN",
          ts.map((x) => x.shape),
        );
      }
      shape = shape.mergeWith(t.shape);
    }
    if (ts.length === 1)
      return makeOp(graph, "Identity", scope, ts, [{ dtype: first.dtype, shape }])
        .outputs[0] as Tensor;
    return makeOp(graph, "AddN", scope, ts, [{ dtype: first.dtype, shape }], {
      N: ts.length,
      T: first.dtype,
    }).outputs[0] as Tensor;
  });
}
