import { ValueError } from "../../errors.js";
import {
  alias,
  booleanKind,
  opt,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { expandDims } from "../array/expand_dims.js";
import { squeeze } from "../array/squeeze.js";
import { inOpScope } from "../op_scope.js";
import { conv2d } from "./conv.js";
import { intsKind, paddingKind } from "./conv_utils.js";

/**
 * nn_ops.py's `_get_sequence(value, n, channel_index, name)`: an int or a list of 1, `n` or
 * `n + 2` ints as the `n + 2` values of an op attr (1 for batch and channels).
 */
export function getSequenceN(
  value: number | readonly number[] | null | undefined,
  n: number,
  channelIndex: number,
  name: string,
): number[] {
  const list =
    value === null || value === undefined
      ? [1]
      : typeof value === "number"
        ? [value]
        : value.slice();
  if (list.length === n + 2) return list;
  let spatial: number[];
  if (list.length === 1) spatial = new Array<number>(n).fill(list[0] as number);
  else if (list.length === n) spatial = list;
  else {
    throw new ValueError(`${name} should be of length 1, ${n} or ${n + 2} but was ${list.length}`);
  }
  return channelIndex === 1 ? [1, 1, ...spatial] : [1, ...spatial, 1];
}

/**
 * TF 1.15's `conv1d(value, filters, stride, padding, use_cudnn_on_gpu, data_format, name,
 * input, dilations)`: `input` is the newer name of `value`.
 */
const CONV1D_PARAMS = [
  opt("value", tensorKind),
  opt("filters", tensorKind),
  opt("stride", intsKind),
  opt("padding", paddingKind),
  opt("useCudnnOnGpu", booleanKind),
  opt("dataFormat", stringKind),
  opt("name", stringKind),
  alias("input", "value", tensorKind, true),
  opt("dilations", intsKind),
] as const;

/** The options object of {@link conv1d}. */
export type Conv1DOptions = OptionsOf<typeof CONV1D_PARAMS>;

/**
 * A 1-D convolution (`tf.nn.conv1d`): `value` `[batch, width, in_channels]` (`"NWC"`) or
 * `[batch, in_channels, width]` (`"NCW"`), `filters` `[width, in_channels,
 * out_channels]`. As in TensorFlow, the graph is `conv1d/ExpandDims` and
 * `conv1d/ExpandDims_1` (a height of 1), the `Conv2D` op `conv1d`, and `conv1d/Squeeze`.
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 100, 8]);
 * const w = tf.getVariable("w", [5, 8, 16]);
 * const y = tf.nn.conv1d(x, w, 2, "SAME");
 * y.name; // ==> conv1d/Squeeze:0
 * y.shape.toString(); // ==> (?, 50, 16)
 * ```
 */
export const conv1d = tfFunction("nn.conv1d", CONV1D_PARAMS, (a) => {
  if (a.value === undefined) {
    throw new TypeError("nn.conv1d() missing 1 required argument: 'value' (or 'input')");
  }
  if (a.filters === undefined) {
    throw new TypeError("nn.conv1d() missing 1 required argument: 'filters'");
  }
  const value = a.value;
  const filters = a.filters;
  const f = a.dataFormat ?? null;
  let format: "NHWC" | "NCHW";
  let spatialStart: number;
  let channelIndex: number;
  if (f === null || f === "NHWC" || f === "NWC") {
    format = "NHWC";
    spatialStart = 1;
    channelIndex = 2;
  } else if (f === "NCHW" || f === "NCW") {
    format = "NCHW";
    spatialStart = 2;
    channelIndex = 1;
  } else {
    throw new ValueError('data_format must be "NWC" or "NCW".');
  }
  if (a.padding === undefined) {
    throw new TypeError("nn.conv1d() missing 1 required argument: 'padding'");
  }
  const padding = a.padding;
  const strides = [1, ...getSequenceN(a.stride, 1, channelIndex, "stride")];
  const dilations = [1, ...getSequenceN(a.dilations, 1, channelIndex, "dilations")];
  return inOpScope(a.name, "conv1d", [value, filters], (scope) => {
    const x = expandDims(value, spatialStart);
    const w = expandDims(filters, 0);
    const result = conv2d(x, w, {
      strides,
      padding,
      useCudnnOnGpu: a.useCudnnOnGpu,
      dataFormat: format,
      dilations,
      name: scope,
    });
    return squeeze(result, [spatialStart]);
  });
});
