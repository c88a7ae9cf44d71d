import { ValueError } from "../../errors.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import type { Dim, TensorShape } from "../../graph/tensor_shape.js";
import {
  alias,
  intKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  eitherKind,
  listKind,
  type OptionsOf,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { inOpScope } from "../op_scope.js";
import { conv2d } from "./conv.js";
import { conv1d, getSequenceN } from "./conv1d.js";
import { conv3d } from "./conv3d.js";
import { intsKind, paddingKind, type Padding } from "./conv_utils.js";
import { spaceToBatchBuilder, withSpaceToBatch } from "./separable_conv.js";

/*
 * TF 1.15's rank-agnostic `tf.nn.convolution` (`convolution_internal`: the conv op itself
 * when no dilation, else `Convolution` through `with_space_to_batch`) and
 * `tf.nn.atrous_conv2d`, which is `convolution` with a dilation rate.
 */

/** `_get_strides_and_dilation_rate`'s checks of the spatial strides and rates. */
function checkStridesAndRates(n: number, strides: readonly number[], rates: readonly number[]) {
  if (rates.length !== n) {
    throw new ValueError(`len(dilation_rate)=${rates.length} but should be ${n}`);
  }
  if (rates.some((r) => r < 1))
    throw new ValueError("all values of dilation_rate must be positive");
  if (strides.length !== n)
    throw new ValueError(`len(strides)=${strides.length} but should be ${n}`);
  if (strides.some((s) => s < 1)) throw new ValueError("all values of strides must be positive");
  if (strides.some((s) => s > 1) && rates.some((r) => r > 1)) {
    throw new ValueError("strides > 1 not supported in conjunction with dilation_rate > 1");
  }
}

/** `convolution_internal(input, filters, strides, padding, data_format, dilations, name)`. */
function convolutionInternal(
  inputArg: unknown,
  filterArg: unknown,
  padding: Padding,
  stridesArg: number | readonly number[] | undefined,
  dataFormat: string | undefined,
  dilationsArg: number | readonly number[] | undefined,
  name: string | undefined,
): Tensor {
  const input = convertToTensor(inputArg, { name: "input" });
  const filter = convertToTensor(filterArg, { name: "filter", preferredDtype: input.dtype });
  const rank = input.shape.rank ?? filter.shape.rank;
  if (rank === null) throw new ValueError("rank of input or filter must be known");
  const n = rank - 2;
  if (n < 1 || n > 3) {
    throw new ValueError(`Input tensor must be of rank 3, 4 or 5 but was ${n + 2}.`);
  }
  const channelIndex = dataFormat === undefined ? n + 1 : dataFormat.startsWith("NC") ? 1 : n + 1;
  const strides = getSequenceN(stridesArg, n, channelIndex, "strides");
  const dilations = getSequenceN(dilationsArg, n, channelIndex, "dilations");
  return inOpScope(name, "convolution", [input, filter], (scope) => {
    if (dilations.every((d) => d === 1)) {
      // conv3d: TF's conv_ops[3], gen_nn_ops.conv3d.
      if (n === 3) {
        return conv3d(input, filter, strides, padding as string, {
          dataFormat: dataFormat ?? undefined,
          dilations,
          name: scope,
        });
      }
      return n === 1
        ? conv1d(input, filter, strides, padding, {
            dataFormat: dataFormat ?? null,
            dilations,
            name: scope,
          })
        : conv2d(input, filter, {
            strides,
            padding,
            dataFormat: dataFormat ?? undefined,
            dilations,
            name: scope,
          });
    }
    const spatial = (v: number[]): number[] => (channelIndex === 1 ? v.slice(2) : v.slice(1, -1));
    const s = spatial(strides);
    const rates = spatial(dilations);
    // `Convolution.__init__`: ranks and channels are checked against the static shapes.
    const fShape = filter.shape;
    if (input.shape.rank !== null && input.shape.rank !== n + 2) {
      throw new ValueError(`input tensor must have rank ${n + 2}`);
    }
    if (fShape.rank !== null && fShape.rank !== n + 2) {
      throw new ValueError(`filter tensor must have rank ${n + 2}`);
    }
    const inChannels = input.shape.dims?.[channelIndex === 1 ? 1 : n + 1] ?? null;
    const fChannels = fShape.dims?.[n] ?? null;
    if (inChannels !== null && fChannels !== null && inChannels !== fChannels) {
      throw new ValueError(
        `number of input channels does not match corresponding dimension of filter, ${inChannels} != ${fChannels}`,
      );
    }
    checkStridesAndRates(n, s, rates);
    if (typeof padding !== "string") {
      throw new ValueError(`Invalid padding method ${JSON.stringify(padding)}`);
    }
    const filterDims: readonly Dim[] =
      fShape.dims === null ? new Array<Dim>(n + 2).fill(null) : fShape.dims;
    const nonAtrous = (x: Tensor, p: "SAME" | "VALID"): Tensor =>
      n === 3
        ? conv3d(x, filter, channelIndex === 1 ? [1, 1, ...s] : [1, ...s, 1], p, {
            dataFormat: dataFormat ?? undefined,
            name: scope,
          })
        : n === 1
          ? conv1d(x, filter, s, p, { dataFormat: dataFormat ?? null, name: scope })
          : conv2d(x, filter, {
              strides: channelIndex === 1 ? [1, 1, ...s] : [1, ...s, 1],
              padding: p,
              dataFormat: dataFormat ?? undefined,
              name: scope,
            });
    return withSpaceToBatch(input, rates, padding, nonAtrous, filterDims, dataFormat);
  });
}

/**
 * TF 1.15's `nn_ops.Convolution(input_shape, filter_shape, padding, strides,
 * dilation_rate, data_format)`, as a Keras conv layer makes it in `build`: the checks and
 * `_WithSpaceToBatch`'s constants now (a `dilation_rate` const, even with no dilation),
 * the ops at the returned call: the conv op under its default name (`Conv2D`, `Conv3D`,
 * or `conv1d`'s `ExpandDims`/`Conv2D`/`Squeeze`), on the space-to-batch form of the input
 * when a rate exceeds 1. `strides` and `dilationRate` are the N spatial values.
 */
export function convolutionBuilder(
  inputShape: TensorShape,
  filterShape: TensorShape,
  padding: "SAME" | "VALID",
  strides: readonly number[],
  dilationRate: readonly number[],
  dataFormat: string,
): (input: Tensor, filter: TensorLike) => Tensor {
  const n = filterShape.rank;
  if (n === null) throw new ValueError("filter_shape must have a known rank");
  const spatialCount = n - 2;
  const channelsFirst = dataFormat.startsWith("NC");
  if (inputShape.rank !== null) inputShape.assertHasRank(n);
  const inChannels = inputShape.dims?.[channelsFirst ? 1 : spatialCount + 1] ?? null;
  const fChannels = filterShape.dims?.[spatialCount] ?? null;
  if (inChannels !== null && fChannels !== null && inChannels !== fChannels) {
    throw new ValueError(
      `number of input channels does not match corresponding dimension of filter, ${inChannels} != ${fChannels}`,
    );
  }
  checkStridesAndRates(spatialCount, strides, dilationRate);
  const s = [...strides];
  const full = channelsFirst ? [1, 1, ...s] : [1, ...s, 1];
  const format = dataFormat;
  const call = spaceToBatchBuilder(
    inputShape,
    [...dilationRate],
    padding,
    filterShape.dims ?? new Array<Dim>(n).fill(null),
    format,
  );
  return (input, filter) =>
    call(input, (x, p) =>
      spatialCount === 3
        ? conv3d(x, filter, full, p, { dataFormat: format })
        : spatialCount === 1
          ? conv1d(x, filter, s, p, { dataFormat: format })
          : conv2d(x, filter, { strides: full, padding: p, dataFormat: format }),
    );
}

/**
 * TF 1.15's `convolution(input, filter, padding, strides, dilation_rate, name,
 * data_format, filters, dilations)`: `filters` and `dilations` are the newer names.
 */
const CONVOLUTION_PARAMS = [
  req("input", tensorKind),
  opt("filter", tensorKind),
  opt("padding", paddingKind),
  opt("strides", intsKind),
  opt("dilationRate", intsKind),
  opt("name", stringKind),
  opt("dataFormat", stringKind),
  alias("filters", "filter", tensorKind, true),
  alias("dilations", "dilationRate", intsKind, true),
] as const;

/** The options object of {@link convolution}. */
export type ConvolutionOptions = OptionsOf<typeof CONVOLUTION_PARAMS>;

/**
 * An N-D convolution, N = 1, 2 or 3 from `input`'s rank (`tf.nn.convolution`): without
 * dilation the `conv1d` graph or a `Conv2D` (`Conv3D`) op named `convolution`; with a
 * `dilationRate` the convolution runs on the space-to-batch form of the input, as
 * TensorFlow builds it. `strides` and `dilationRate` are N ints (or N + 2).
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 32, 32, 3]);
 * const w = tf.getVariable("w", [3, 3, 3, 8]);
 * const y = tf.nn.convolution(x, w, "SAME", { dilationRate: [2, 2] });
 * y.shape.toString(); // ==> (?, 32, 32, 8)
 * tf.getDefaultGraph().getOperationByName("convolution").type; // ==> Conv2D
 * ```
 */
export const convolution = tfFunction("nn.convolution", CONVOLUTION_PARAMS, (a) => {
  if (a.filter === undefined) {
    throw new TypeError("nn.convolution() missing 1 required argument: 'filter' (or 'filters')");
  }
  if (a.padding === undefined) {
    throw new TypeError("nn.convolution() missing 1 required argument: 'padding'");
  }
  return convolutionInternal(
    a.input,
    a.filter,
    a.padding,
    a.strides,
    a.dataFormat,
    a.dilationRate,
    a.name,
  );
});

/** TF 1.15's `atrous_conv2d(value, filters, rate, padding, name=None)`. */
const ATROUS_PARAMS = [
  req("value", tensorKind),
  req("filters", tensorKind),
  req("rate", eitherKind(intKind, listKind(intKind))),
  req("padding", stringKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link atrousConv2d}. */
export type AtrousConv2dOptions = OptionsOf<typeof ATROUS_PARAMS>;

/**
 * An atrous (dilated) 2-D convolution (`tf.nn.atrous_conv2d`): `filters` `[fh, fw, in,
 * out]` sampled every `rate` pixels, stride 1; `tf.nn.convolution` with `dilationRate:
 * [rate, rate]`, so `SpaceToBatchND` → `Conv2D` → `BatchToSpaceND` under `convolution`.
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [1, 16, 16, 4]);
 * const y = tf.nn.atrousConv2d(x, tf.ones([3, 3, 4, 2]), 2, "VALID");
 * y.shape.toString(); // ==> (1, 12, 12, 2)
 * y.op.type; // ==> BatchToSpaceND
 * ```
 */
export const atrousConv2d = tfFunction("nn.atrous_conv2d", ATROUS_PARAMS, (a) => {
  const rate = typeof a.rate === "number" ? [a.rate, a.rate] : a.rate.slice();
  if (rate.length === 1) rate.push(rate[0] as number);
  if (rate.length !== 2) {
    throw new ValueError(
      `operands could not be broadcast together with remapped shapes [original->remapped]: (${rate.length},) and requested shape (2,)`,
    );
  }
  return convolutionInternal(
    a.value,
    a.filters,
    a.padding as Padding,
    undefined,
    undefined,
    rate,
    a.name,
  );
});
