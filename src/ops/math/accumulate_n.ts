import * as tfc from "@tensorflow/tfjs-core";
import { ValueError } from "../../errors.js";
import {
  dtypeKind,
  kind,
  opt,
  optNullable,
  req,
  shapeKind,
  stringKind,
  tfFunction,
} from "../../graph/call_args.js";
import { Tensor, type TensorLike } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { graphFromValues } from "../../scope/name_scope.js";
import { withDefaultGraph } from "../../graph/graph.js";
import { identity } from "./unary.js";

registerOp({
  type: "AccumulateNV2",
  opDef: {
    inputs: ["inputs: N * T"],
    outputs: ["sum: T"],
    attrs: [
      "N: int >= 1",
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "shape: shape",
    ],
    commutative: true,
    aggregate: true,
  },
  // TF rewrites the op into a temporary variable and AssignAdds before running it; the sum
  // is the same.
  kernel: (inputs) => [tfc.addN(inputs as tfc.Tensor[])],
  inferShapes: (op) => [
    op.inputs.reduce((s, t) => s.mergeWith(t.shape), op.attrs.shape as TensorShape),
  ],
});

const inputError = () =>
  new ValueError("inputs must be a list of at least one Tensor with the same dtype and shape");

/**
 * The element-wise sum of tensors of one shape and dtype (`tf.accumulate_n(inputs,
 * shape=None, tensor_dtype=None, name=None)`): in a graph, one `AccumulateNV2` op carrying
 * the merged `shape`; a single input is returned as is (an `Identity` when named).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.accumulateN([tf.constant([1, 2]), tf.constant([3, 4])])); // ==> [4. 6.]
 * ```
 */
export const accumulateN = tfFunction(
  "accumulateN",
  [
    req(
      "inputs",
      kind<readonly TensorLike[]>("a list of Tensors", (v) => v !== null && typeof v === "object"),
    ),
    optNullable("shape", shapeKind),
    optNullable("tensorDtype", dtypeKind),
    opt("name", stringKind),
  ] as const,
  (a) => {
    if (!Array.isArray(a.inputs) || a.inputs.length === 0) throw inputError();
    const values = a.inputs as readonly TensorLike[];
    const graph = graphFromValues(values);
    // Conversions and the op are one step: a refused call leaves the graph as it was.
    return withDefaultGraph(graph, () =>
      graph.atomically(() => {
        const inputs = values.map((v) => (v instanceof Tensor ? v : convertToTensor(v)));
        const first = inputs[0] as Tensor;
        if (!inputs.every((t) => t.dtype === first.dtype)) throw inputError();
        let shape = TensorShape.from(a.shape ?? null);
        for (const t of inputs) shape = shape.mergeWith(t.shape);
        if (
          a.tensorDtype !== undefined &&
          a.tensorDtype !== null &&
          a.tensorDtype !== first.dtype
        ) {
          throw new TypeError(
            `tensor_dtype is <dtype: '${a.tensorDtype}'>, but input is of type <dtype: '${first.dtype}'>`,
          );
        }
        if (inputs.length === 1) return a.name === undefined ? first : identity(first, a.name);
        return inOpScope(
          a.name,
          "AccumulateNV2",
          inputs,
          (scope) =>
            makeOp(graph, "AccumulateNV2", scope, inputs, [{ dtype: first.dtype, shape }], {
              N: inputs.length,
              T: first.dtype,
              shape,
            }).outputs[0] as Tensor,
        );
      }),
    );
  },
);
