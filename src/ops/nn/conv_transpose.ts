import { ValueError } from "../../errors.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import {
  alias,
  opt,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, opNameOf } from "../op_scope.js";
import { checkOpInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import { conv2dBackpropInput } from "./conv_grad_ops.js";
import { dataFormatOf, getSequence, intsKind } from "./conv_utils.js";

/**
 * TF 1.15's v1 `conv2d_transpose(value, filter, output_shape, strides, padding="SAME",
 * data_format="NHWC", name=None, input=None, filters=None, dilations=None)`: `input` and
 * `filters` are the newer names of `value` and `filter`.
 */
const CONV2D_TRANSPOSE_PARAMS = [
  opt("value", tensorKind),
  opt("filter", tensorKind),
  opt("outputShape", tensorKind),
  opt("strides", intsKind),
  opt("padding", stringKind),
  opt("dataFormat", stringKind),
  opt("name", stringKind),
  alias("input", "value", tensorKind, true),
  alias("filters", "filter", tensorKind, true),
  opt("dilations", intsKind),
] as const;

/** The options object of {@link conv2dTranspose}. */
export type Conv2DTransposeOptions = OptionsOf<typeof CONV2D_TRANSPOSE_PARAMS>;

/**
 * The transpose (gradient) of `conv2d` (`tf.nn.conv2d_transpose`, op `Conv2DBackpropInput`
 * named `conv2d_transpose`): `value` is `[batch, height, width, in_channels]` (NHWC),
 * `filter` is `[height, width, output_channels, in_channels]`, and `outputShape` (a list or a
 * 1-D int tensor) is the shape of the result, the input of the `conv2d` it transposes.
 * Sizes that no `conv2d` with these strides and padding maps to `value` fail when run, as
 * in TensorFlow.
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [2, 4, 4, 8]);
 * const w = tf.getVariable("w", [5, 5, 3, 8]);
 * const y = tf.nn.conv2dTranspose(x, w, [2, 8, 8, 3], [1, 2, 2, 1]);
 * y.name; // ==> conv2d_transpose:0
 * y.shape.toString(); // ==> (2, 8, 8, 3)
 * ```
 */
export const conv2dTranspose = tfFunction("nn.conv2d_transpose", CONV2D_TRANSPOSE_PARAMS, (a) => {
  // TF 1.15 declares every parameter `=None` so that the new names can stand for the old.
  const missing = (arg: string): TypeError =>
    new TypeError(`nn.conv2d_transpose() missing 1 required argument: '${arg}'`);
  if (a.value === undefined) throw missing("value");
  if (a.filter === undefined) throw missing("filter");
  if (a.outputShape === undefined) throw missing("output_shape");
  return conv2dTransposeOp(
    a.value,
    a.filter,
    a.outputShape,
    a.strides,
    a.padding ?? "SAME",
    a.dataFormat,
    a.dilations,
    a.name,
  );
});

function conv2dTransposeOp(
  value: TensorLike,
  filter: TensorLike,
  outputShape: TensorLike,
  stridesArg: number | readonly number[] | undefined,
  padding: string,
  dataFormat: string | undefined,
  dilationsArg: number | readonly number[] | undefined,
  name: string | undefined,
): Tensor {
  const format = dataFormatOf(dataFormat);
  const strides = getSequence(stridesArg ?? null, format, "strides");
  const dilations = getSequence(dilationsArg ?? null, format, "dilations");
  if (padding !== "SAME" && padding !== "VALID") {
    // The op's attr also lists EXPLICIT, which needs `explicit_paddings` this API cannot pass.
    throw new ValueError(
      `Attr 'padding' of 'Conv2DBackpropInput' Op passed string '${padding}' not in: "SAME", "VALID".`,
    );
  }
  return inOpScope(name, "conv2d_transpose", [value, filter, outputShape], (scope) => {
    const x = convertToTensor(value, { name: "input" });
    const f = convertToTensor(filter, { name: "filter", preferredDtype: x.dtype });
    const sizes = convertToTensor(outputShape, { name: "input_sizes", preferredDtype: "int32" });
    // op_def_library's order: `input_sizes`, then `filter` (which binds T), then `out_backprop`.
    checkOpInputs("Conv2DBackpropInput", [sizes, f, x], {});
    // TF 1.15's shape function: the shape `input_sizes` holds, of rank 4.
    const si = new ShapeInference(opNameOf(scope), "Conv2DBackpropInput", [
      sizes.shape,
      f.shape,
      x.shape,
    ]);
    si.withRank(sizes.shape, 1);
    const n = sizes.shape.dims?.[0];
    if (n !== undefined && n !== null) si.withRank(TensorShape.unknownOfRank(n), 4);
    return conv2dBackpropInput(
      sizes,
      f,
      x,
      { strides, padding, data_format: format, dilations },
      scope,
    );
  });
}
