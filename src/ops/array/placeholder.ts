import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import {
  dtypeKind,
  opt,
  req,
  shapeKind,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import { asDType, runtimeDTypeName } from "../../graph/dtypes.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { convertToTensor, isIntegralLiteral, markUndecidedLiteral } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { shareTensor } from "../tfjs_internals.js";
import { mergeErrorDetail, shapeError } from "../shape_utils.js";

/**
 * TensorFlow's message for a placeholder that a run needed but nobody fed. As TF's kernel,
 * it names the `shape` attr (not the inferred shape, which an imported `_output_shapes`
 * may refine), and only when it has dims: a scalar or unknown shape is not written.
 */
export function missingFeedMessage(placeholder: Tensor): string {
  const attr = placeholder.op.attrs.shape;
  const shape = attr instanceof TensorShape ? attr : placeholder.shape;
  const withShape = shape.dims !== null && shape.dims.length > 0;
  return `You must feed a value for placeholder tensor '${placeholder.op.name}' with dtype ${runtimeDTypeName(placeholder.dtype)}${withShape ? ` and shape ${shape.toRuntimeString()}` : ""}\n\t [[{{node ${placeholder.op.name}}}]]`;
}

registerOp({
  type: "Placeholder",
  opDef: { outputs: ["output: dtype"], attrs: ["dtype: type", "shape: shape = ?"] },
  kernel: (_inputs, op) => {
    throw new InvalidArgumentError(missingFeedMessage(op.outputs[0] as Tensor), op.name);
  },
});

/**
 * TensorFlow's old name of `Placeholder` (deprecated at GraphDef version 23), found in
 * graphs written before: registered so that they import and run.
 */
registerOp({
  type: "PlaceholderV2",
  opDef: {
    outputs: ["output: dtype"],
    attrs: ["dtype: type", "shape: shape"],
    deprecation: {
      version: 23,
      explanation: "Placeholder now behaves the same as PlaceholderV2.",
    },
  },
  kernel: (_inputs, op) => {
    throw new InvalidArgumentError(missingFeedMessage(op.outputs[0] as Tensor), op.name);
  },
});

registerOp({
  type: "PlaceholderWithDefault",
  opDef: {
    inputs: ["input: dtype"],
    outputs: ["output: dtype"],
    attrs: ["dtype: type", "shape: shape"],
  },
  kernel: ([x]) => [shareTensor(x as tfc.Tensor)],
});

/** TF 1.15's `placeholder(dtype, shape=None, name=None)`. */
const PLACEHOLDER_PARAMS = [
  req("dtype", dtypeKind),
  opt("shape", shapeKind),
  opt("name", stringKind),
] as const;

/**
 * A value to feed at run time (`tf.placeholder(dtype, shape, name)`); `null` dims are
 * unknown until fed.
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 2], { name: "x" });
 * const y = tf.reduceSum(x, { axis: 1 });
 * using sess = new tf.Session();
 * sess.run(y, new Map([[x, [[1, 2], [3, 4]]]])); // ==> [3. 7.]
 * ```
 */
export const placeholder = tfFunction("placeholder", PLACEHOLDER_PARAMS, (a) => {
  const dt = asDType(a.dtype);
  const static_ = TensorShape.from(a.shape ?? null);
  return inOpScope(
    a.name,
    "Placeholder",
    [],
    (scope, graph) =>
      makeOp(graph, "Placeholder", scope, [], [{ dtype: dt, shape: static_ }], {
        dtype: dt,
        shape: static_,
      }).outputs[0] as Tensor,
  );
});

/** TF 1.15's `placeholder_with_default(input, shape, name=None)`. */
const WITH_DEFAULT_PARAMS = [
  req("input", tensorKind),
  req("shape", shapeKind),
  opt("name", stringKind),
] as const;

/**
 * A placeholder that yields `input` when not fed (`tf.placeholder_with_default(input,
 * shape, name)`). An integral JS number default (`0`) makes a float32 placeholder, since
 * nothing decides its dtype; an op that needs an int32 index (a slice's `begin`, a shape)
 * still takes it, as TensorFlow took Python's int.
 *
 * @example
 * ```ts
 * const training = tf.placeholderWithDefault(false, [], { name: "training" });
 * using sess = new tf.Session();
 * sess.run(training); // ==> False
 * sess.run(training, new Map([[training, true]])); // ==> True
 * ```
 */
export const placeholderWithDefault = tfFunction(
  "placeholderWithDefault",
  WITH_DEFAULT_PARAMS,
  (a) =>
    inOpScope(a.name, "PlaceholderWithDefault", [a.input], (scope, graph) => {
      const value = convertToTensor(a.input, { name: "input" });
      const static_ = TensorShape.from(a.shape);
      if (!static_.isCompatibleWith(value.shape)) {
        throw shapeError(
          mergeErrorDetail(static_, value.shape),
          opNameOf(scope),
          "PlaceholderWithDefault",
          [value.shape],
        );
      }
      const out = makeOp(
        graph,
        "PlaceholderWithDefault",
        scope,
        [value],
        [{ dtype: value.dtype, shape: static_ }],
        {
          dtype: value.dtype,
          shape: static_,
        },
      ).outputs[0] as Tensor;
      if (value.dtype === "float32" && isIntegralLiteral(a.input)) markUndecidedLiteral(out);
      return out;
    }),
);
