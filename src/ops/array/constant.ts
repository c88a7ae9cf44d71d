import { asDType, type DType } from "../../graph/dtypes.js";
import type { Graph } from "../../graph/graph.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { toConstValue, type ConstValue } from "../const_value.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { runtimeTensor } from "../runtime_value.js";

registerOp({
  type: "Const",
  constant: true,
  kernel: (_inputs, op) => {
    const value = op.attrs.value as ConstValue;
    return [runtimeTensor(value.values, value.shape, value.dtype, `Const '${op.name}'`, op.name)];
  },
});

/** Options of {@link constant}. */
export interface ConstantOptions {
  dtype?: DType;
  /** The result's shape: a scalar is broadcast to it; a shorter list is padded with its last element. */
  shape?: number[];
  name?: string;
}

/**
 * A constant tensor (`tf.constant`). JS numbers are float32 unless `dtype` says otherwise
 * (JS cannot tell `4` from `4.0`); an `Int32Array` is int32.
 *
 * @example
 * ```ts
 * const c = tf.constant([[1, 2], [3, 4]], { name: "c" });
 * c.shape.toString(); // ==> (2, 2)
 * using sess = new tf.Session();
 * sess.run(tf.constant(0, { shape: [3], dtype: tf.int32 })); // ==> [0 0 0]
 * ```
 */
export function constant(value: unknown, options: ConstantOptions = {}): Tensor {
  const dtype = options.dtype === undefined ? undefined : asDType(options.dtype);
  return inOpScope(options.name, "Const", [], (scope, graph) =>
    constantOp(graph, scope, toConstValue(value, dtype, options.shape)),
  );
}

/** Adds a `Const` op holding `value` under the exact name `scope`. */
export function constantOp(graph: Graph, scope: string, value: ConstValue): Tensor {
  const op = makeOp(
    graph,
    "Const",
    scope,
    [],
    [{ dtype: value.dtype, shape: new TensorShape(value.shape) }],
    {
      value,
      dtype: value.dtype,
    },
  );
  return op.outputs[0] as Tensor;
}
