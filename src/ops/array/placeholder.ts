import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import { asDType, runtimeDTypeName, type DType } from "../../graph/dtypes.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape, type ShapeLike } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { shareTensor } from "../share.js";
import { mergeErrorDetail, shapeError } from "../shape_utils.js";

/** TensorFlow's message for a placeholder that a run needed but nobody fed. */
export function missingFeedMessage(placeholder: Tensor): string {
  const shape = placeholder.shape;
  const shapeText = shape.dims === null ? "<unknown>" : shape.toRuntimeString();
  return `You must feed a value for placeholder tensor '${placeholder.op.name}' with dtype ${runtimeDTypeName(placeholder.dtype)}${shape.dims === null ? "" : ` and shape ${shapeText}`}\n\t [[{{node ${placeholder.op.name}}}]]`;
}

registerOp({
  type: "Placeholder",
  kernel: (_inputs, op) => {
    throw new InvalidArgumentError(missingFeedMessage(op.outputs[0] as Tensor), op.name);
  },
});

registerOp({ type: "PlaceholderWithDefault", kernel: ([x]) => [shareTensor(x as tfc.Tensor)] });

/**
 * A value to feed at run time (`tf.placeholder`); `null` dims are unknown until fed.
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 2], { name: "x" });
 * const y = tf.reduceSum(x, { axis: 1 });
 * using sess = new tf.Session();
 * sess.run(y, new Map([[x, [[1, 2], [3, 4]]]])); // ==> [3. 7.]
 * ```
 */
export function placeholder(
  dtype: DType,
  shape?: ShapeLike | null,
  options: { name?: string } = {},
): Tensor {
  const dt = asDType(dtype);
  const static_ = TensorShape.from(shape ?? null);
  return inOpScope(
    options.name,
    "Placeholder",
    [],
    (scope, graph) =>
      makeOp(graph, "Placeholder", scope, [], [{ dtype: dt, shape: static_ }], {
        dtype: dt,
        shape: static_,
      }).outputs[0] as Tensor,
  );
}

/**
 * A placeholder that yields `input` when not fed (`tf.placeholder_with_default`).
 *
 * @example
 * ```ts
 * const training = tf.placeholderWithDefault(false, [], { name: "training" });
 * using sess = new tf.Session();
 * sess.run(training); // ==> False
 * sess.run(training, new Map([[training, true]])); // ==> True
 * ```
 */
export function placeholderWithDefault(
  input: TensorLike,
  shape: ShapeLike | null,
  options: { name?: string } = {},
): Tensor {
  return inOpScope(options.name, "PlaceholderWithDefault", [input], (scope, graph) => {
    const value = convertToTensor(input, { name: "input" });
    const static_ = TensorShape.from(shape);
    if (!static_.isCompatibleWith(value.shape)) {
      throw shapeError(
        mergeErrorDetail(static_, value.shape),
        opNameOf(scope),
        "PlaceholderWithDefault",
        [value.shape],
      );
    }
    return makeOp(
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
  });
}
