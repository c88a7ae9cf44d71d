import {
  booleanKind,
  dtypeKind,
  intKind,
  kind,
  listKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { asDType } from "../../graph/dtypes.js";
import { pyTuple } from "../../graph/pyformat.js";
import type { Graph } from "../../graph/graph.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { toConstValue, type ConstValue } from "../const_value.js";
import { inCreateOp, makeOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { attrsOf, declareOpDef } from "../op_def.js";
import { runtimeTensor } from "../runtime_value.js";

/** TF's `Const` signature; its kernel reads the attrs it types. */
const CONST_DEF = declareOpDef({
  outputs: ["output: dtype"],
  attrs: ["value: tensor", "dtype: type"],
});

registerOp({
  type: "Const",
  opDef: CONST_DEF,
  constant: true,
  kernel: (_inputs, op) => {
    const value = attrsOf(op, CONST_DEF).value;
    return [runtimeTensor(value.values, value.shape, value.dtype, `Const '${op.name}'`, op.name)];
  },
});

/** A JS value (number, nested array, typed array, NDArray); checked by `toConstValue`. */
const valueKind = kind<unknown>("a value convertible to a Tensor", (v) => tensorKind.check(v));

/** TF 1.15's `constant(value, dtype, shape, name="Const", verify_shape=False)`. */
const CONSTANT_PARAMS = [
  req("value", valueKind),
  opt("dtype", dtypeKind),
  /** The result's shape: a scalar is broadcast to it; a shorter list is padded with its last element. */
  opt("shape", listKind(intKind)),
  opt("name", stringKind),
  /** Refuse a value whose shape is not `shape` (no broadcasting or padding). */
  opt("verifyShape", booleanKind),
] as const;

/** The options object of {@link constant} (any parameter by name). */
export type ConstantOptions = OptionsOf<typeof CONSTANT_PARAMS>;

/**
 * A constant tensor (`tf.constant(value, dtype, shape, name, verify_shape)`). JS numbers
 * are float32 unless `dtype` says otherwise (JS cannot tell `4` from `4.0`); an
 * `Int32Array` is int32.
 *
 * @example
 * ```ts
 * const c = tf.constant([[1, 2], [3, 4]], { name: "c" });
 * c.shape.toString(); // ==> (2, 2)
 * using sess = new tf.Session();
 * sess.run(tf.constant(0, { shape: [3], dtype: tf.int32 })); // ==> [0 0 0]
 * ```
 */
export const constant = tfFunction("constant", CONSTANT_PARAMS, (a) => {
  const dtype = a.dtype === undefined ? undefined : asDType(a.dtype);
  const value = a.value;
  if (a.verifyShape === true && a.shape !== undefined) {
    const got = toConstValue(value, dtype).shape;
    if (got.length !== a.shape.length || got.some((d, i) => d !== a.shape?.[i])) {
      throw new TypeError(`Expected Tensor's shape: ${pyTuple(a.shape)}, got ${pyTuple(got)}.`);
    }
  }
  return inCreateOp(a.name, "Const", (name, graph) =>
    constantOp(graph, name, toConstValue(value, dtype, a.shape)),
  );
});

/**
 * Adds a `Const` op holding `value` named `scope`: exactly that name when it ends with `/`
 * (a name scope), else that name made unique in the current scope.
 */
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
