import { ValueError } from "../../errors.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import type { Dim, TensorShape } from "../../graph/tensor_shape.js";
import {
  alias,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { inOpScope } from "../op_scope.js";
import { withNameScope } from "../../scope/name_scope.js";
import { shape } from "../array/shape.js";
import { gather } from "../array/gather.js";
import { stack } from "../array/stack.js";
import { concat } from "../array/concat.js";
import { batchToSpaceNd, spaceToBatchNd } from "../array/space_batch.js";
import { add, subtract } from "../math/binary.js";
import { floormod } from "../math/integer_div.js";
import { constantInts } from "../tensor_util.js";
import { conv2d } from "./conv.js";
import { checkPaddingString, dataFormatOf, intsKind } from "./conv_utils.js";
import { depthwiseConv2dNativeOp, type DepthwiseAttrs } from "./depthwise_conv.js";

/*
 * TF 1.15's `nn_impl.depthwise_conv2d` and `separable_conv2d`: a dilation `rate` runs the
 * depthwise op on the space-to-batch form of the input (`nn_ops.with_space_to_batch`), as
 * TensorFlow's CPU kernel knows no dilations; the graph holds the same ops under the same
 * names.
 */

/** What `with_space_to_batch`'s `op` is called with: the converted input and a padding. */
export type SpaceToBatchOp = (input: Tensor, padding: "SAME" | "VALID") => Tensor;

/** `_with_space_to_batch_base_paddings` for a known filter: `[before, after]` per dim. */
function basePaddings(filter: readonly number[], rate: readonly number[]): number[][] {
  return rate.map((r, i) => {
    const extra = ((filter[i] as number) - 1) * r;
    const start = Math.floor(extra / 2);
    return [start, extra - start];
  });
}

/**
 * `nn_ops.with_space_to_batch(input, dilation_rate, padding, op, filter_shape,
 * spatial_dims, data_format)`, in the caller's name scope.
 */
export function withSpaceToBatch(
  input: Tensor,
  rateArg: unknown,
  padding: string,
  op: SpaceToBatchOp,
  filterShape: Tensor | readonly Dim[],
  dataFormat: string | null | undefined,
): Tensor {
  return spaceToBatchBuilder(input.shape, rateArg, padding, filterShape, dataFormat)(input, op);
}

/**
 * TF 1.15's `_WithSpaceToBatch` in its two steps: its constructor (here) converts the
 * `dilation_rate`, checks it, and with SAME padding makes the base paddings of the filter
 * (ops `dilation_rate`, `filter_shape`, `stack` in the current name scope); the returned
 * call builds the paddings from `inputShape` (the shape known when it was made, as TF keeps
 * it), `SpaceToBatchND`, `op` and `BatchToSpaceND`. A Keras conv layer makes the first at
 * build time and calls the second in `call`, with its kernel in `op`.
 */
export function spaceToBatchBuilder(
  inputShape: TensorShape,
  rateArg: unknown,
  padding: string,
  filterShape: Tensor | readonly Dim[],
  dataFormat: string | null | undefined,
): (input: Tensor, op: SpaceToBatchOp) => Tensor {
  const rate = convertToTensor(rateArg as TensorLike, { name: "dilation_rate", dtype: "int32" });
  if (rate.shape.rank !== 1) throw new ValueError("rate must be rank 1");
  if (!rate.shape.isFullyDefined()) throw new ValueError("rate must have known shape");
  const n = rate.shape.dims?.[0] as number;
  const first =
    dataFormat !== null && dataFormat !== undefined && dataFormat.startsWith("NC") ? 2 : 1;
  const spatialDims = Array.from({ length: n }, (_, i) => first + i);
  const expectedRank =
    first === 2 ? (spatialDims[n - 1] as number) : (spatialDims[n - 1] as number) + 1;
  if (inputShape.rank !== null && inputShape.rank < expectedRank) {
    throw new ValueError(`input tensor must have rank ${expectedRank} at least`);
  }
  const constRate = constantInts(rate);
  if (constRate === null) {
    throw new ValueError(
      "dilation_rate must be a constant (a tensor computed at run time is not supported)",
    );
  }
  if (constRate.some((r) => r < 1)) throw new ValueError("dilation_rate must be positive");
  // The op checks its own padding: TF passes it through unchanged here.
  if (constRate.every((r) => r === 1)) return (input, op) => op(input, padding as "SAME" | "VALID");
  let base: number[][];
  if (padding === "SAME") {
    // A static shape becomes the constant `filter_shape`, as TF converts it.
    const fs = Array.isArray(filterShape)
      ? filterShape.every((d) => d !== null)
        ? constantInts(convertToTensor(filterShape, { name: "filter_shape", dtype: "int32" }))
        : null
      : constantInts(filterShape as Tensor);
    if (fs === null) {
      throw new ValueError("filter_shape must be known when building a dilated SAME convolution");
    }
    base = basePaddings(fs, constRate);
    convertToTensor(base, { name: "stack", dtype: "int32" });
  } else if (padding === "VALID") {
    base = constRate.map(() => [0, 0]);
  } else {
    throw new ValueError(`Invalid padding method '${String(padding)}'`);
  }
  const valid = padding === "VALID";
  return (input, op) =>
    spaceToBatchCall(input, inputShape, constRate, base, valid, spatialDims, op);
}

/** `_with_space_to_batch_call`: the paddings, `SpaceToBatchND`, `op`, `BatchToSpaceND`. */
function spaceToBatchCall(
  input: Tensor,
  inputShape: TensorShape,
  constRate: readonly number[],
  base: readonly (readonly number[])[],
  // VALID's base paddings are numbers TF converts in the call; SAME's a tensor made before.
  valid: boolean,
  spatialDims: readonly number[],
  op: SpaceToBatchOp,
): Tensor {
  const graph = input.graph;
  const known = inputShape.dims;
  const spatial = known === null ? null : spatialDims.map((d) => known[d] as Dim);
  let paddings: TensorLike;
  let crops: TensorLike;
  if (spatial !== null && spatial.every((d) => d !== null)) {
    // required_space_to_batch_paddings with constants: its ops are constants too.
    const sizes = spatial as number[];
    const extra = sizes.map((s, i) => {
      const r = constRate[i] as number;
      const full = s + (base[i]?.[0] as number) + (base[i]?.[1] as number);
      return (r - (full % r)) % r;
    });
    [paddings, crops] = withNameScope(graph, "required_space_to_batch_paddings", () => {
      convertToTensor(sizes, { name: "input_shape", dtype: "int32" });
      if (valid) convertToTensor(base, { name: "base_paddings", dtype: "int32" });
      const pads = base.map(([s, e], i) => [s as number, (e as number) + (extra[i] as number)]);
      const cropValues = extra.map((e) => [0, e]);
      convertToTensor(pads, { name: "paddings", dtype: "int32" });
      convertToTensor(cropValues, { name: "crops", dtype: "int32" });
      return [pads, cropValues];
    });
  } else {
    const dims = shape(input);
    const sizes = gather(dims, spatialDims);
    [paddings, crops] = withNameScope(graph, "required_space_to_batch_paddings", () => {
      const starts = base.map((b) => b[0] as number);
      const ends = base.map((b) => b[1] as number);
      const full = add(add(sizes, starts), ends);
      const extra = floormod(subtract(constRate, floormod(full, constRate)), constRate);
      return [
        stack([starts, add(extra, ends)], { axis: 1, name: "paddings" }),
        stack([constRate.map(() => 0), extra], { axis: 1, name: "crops" }),
      ];
    });
  }
  // Dims before the first spatial one (NCHW's channels) are left alone.
  const lead = spatialDims[0] as number;
  const fill = (v: TensorLike, zero: number[]): TensorLike =>
    lead === 1 ? v : Array.isArray(v) ? [zero, ...(v as number[][])] : concat([[zero], v], 0);
  const block = lead === 1 ? constRate : [1, ...constRate];
  const converted = spaceToBatchNd(input, block, fill(paddings, [0, 0]));
  const result = op(converted, "VALID");
  return batchToSpaceNd(result, block, fill(crops, [0, 0]));
}

/** TF 1.15's `depthwise_conv2d(input, filter, strides, padding, rate, name, data_format, dilations)`. */
const DEPTHWISE_PARAMS = [
  req("input", tensorKind),
  req("filter", tensorKind),
  req("strides", intsKind),
  req("padding", stringKind),
  opt("rate", intsKind),
  opt("name", stringKind),
  opt("dataFormat", stringKind),
  alias("dilations", "rate", intsKind, true),
] as const;

/** The options object of {@link depthwiseConv2d}. */
export type DepthwiseConv2dOptions = OptionsOf<typeof DEPTHWISE_PARAMS>;

function nativeAttrs(
  strides: unknown,
  padding: string,
  dataFormat: string | null | undefined,
): DepthwiseAttrs {
  if (!Array.isArray(strides)) {
    throw new TypeError(
      `Expected list for 'strides' argument to 'depthwise_conv2d_native' Op, not ${String(strides)}.`,
    );
  }
  checkPaddingString(padding, "DepthwiseConv2dNative", false);
  return {
    strides: (strides as number[]).slice(),
    padding,
    data_format: dataFormatOf(dataFormat),
    dilations: [1, 1, 1, 1],
  };
}

/**
 * A depthwise 2-D convolution (`tf.nn.depthwise_conv2d`): each input channel convolved
 * with its own `channel_multiplier` filters, `filter` `[fh, fw, in_channels,
 * channel_multiplier]`, output `in_channels * channel_multiplier` channels. A `rate` above
 * 1 (atrous; strides must then be 1) runs the `DepthwiseConv2dNative` op between
 * `SpaceToBatchND` and `BatchToSpaceND`, as TensorFlow builds it. Ops are named
 * `depthwise` (the convolution) and `depthwise/...` (the rest).
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 32, 32, 3]);
 * const w = tf.getVariable("w", [3, 3, 3, 2]);
 * const y = tf.nn.depthwiseConv2d(x, w, [1, 1, 1, 1], "SAME", { rate: [2, 2] });
 * y.shape.toString(); // ==> (?, 32, 32, 6)
 * y.op.type; // ==> BatchToSpaceND
 * ```
 */
export const depthwiseConv2d = tfFunction("nn.depthwise_conv2d", DEPTHWISE_PARAMS, (a) =>
  inOpScope(a.name, "depthwise", [a.input, a.filter], (scope) => {
    const input = convertToTensor(a.input, { name: "tensor_in" });
    const filter = convertToTensor(a.filter, { name: "filter_in" });
    const attrs = (padding: string): DepthwiseAttrs =>
      nativeAttrs(a.strides, padding, a.dataFormat);
    return withSpaceToBatch(
      input,
      a.rate ?? [1, 1],
      a.padding,
      (x, padding) => depthwiseConv2dNativeOp(x, filter, attrs(padding), scope),
      shape(filter),
      a.dataFormat,
    );
  }),
);

/**
 * TF 1.15's `separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding,
 * rate, name, data_format, dilations)`.
 */
const SEPARABLE_PARAMS = [
  req("input", tensorKind),
  req("depthwiseFilter", tensorKind),
  req("pointwiseFilter", tensorKind),
  req("strides", intsKind),
  req("padding", stringKind),
  opt("rate", intsKind),
  opt("name", stringKind),
  opt("dataFormat", stringKind),
  alias("dilations", "rate", intsKind, true),
] as const;

/** The options object of {@link separableConv2d}. */
export type SeparableConv2dOptions = OptionsOf<typeof SEPARABLE_PARAMS>;

/**
 * A depthwise convolution followed by a 1×1 convolution mixing channels
 * (`tf.nn.separable_conv2d`): `depthwiseFilter` `[fh, fw, in_channels,
 * channel_multiplier]`, `pointwiseFilter` `[1, 1, in_channels * channel_multiplier,
 * out_channels]`. Ops: `separable_conv2d/depthwise` (`DepthwiseConv2dNative`) and
 * `separable_conv2d` (`Conv2D`, stride 1, `VALID`).
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 16, 16, 8]);
 * const dw = tf.getVariable("dw", [3, 3, 8, 1]);
 * const pw = tf.getVariable("pw", [1, 1, 8, 16]);
 * const y = tf.nn.separableConv2d(x, dw, pw, [1, 2, 2, 1], "SAME");
 * y.name; // ==> separable_conv2d:0
 * y.shape.toString(); // ==> (?, 8, 8, 16)
 * ```
 */
export const separableConv2d = tfFunction("nn.separable_conv2d", SEPARABLE_PARAMS, (a) =>
  inOpScope(
    a.name,
    "separable_conv2d",
    [a.input, a.depthwiseFilter, a.pointwiseFilter],
    (scope) => {
      const input = convertToTensor(a.input, { name: "tensor_in" });
      const depthwiseFilter = convertToTensor(a.depthwiseFilter, { name: "depthwise_filter" });
      const pointwiseFilter = convertToTensor(a.pointwiseFilter, { name: "pointwise_filter" });
      const pw = pointwiseFilter.shape;
      if (pw.rank !== null && pw.rank !== 4) {
        throw new ValueError(`Shape ${pw.toString()} must have rank 4`);
      }
      for (const i of [0, 1]) {
        const d = pw.dims?.[i] ?? null;
        if (d !== null && d !== 1) throw new ValueError(`Dimensions ${d} and 1 are not compatible`);
      }
      const depthwise = withSpaceToBatch(
        input,
        a.rate ?? [1, 1],
        a.padding,
        (x, padding) =>
          depthwiseConv2dNativeOp(
            x,
            depthwiseFilter,
            nativeAttrs(a.strides, padding, a.dataFormat),
            "depthwise",
          ),
        shape(depthwiseFilter),
        a.dataFormat,
      );
      return conv2d(depthwise, pointwiseFilter, {
        strides: [1, 1, 1, 1],
        padding: "VALID",
        dataFormat: a.dataFormat ?? undefined,
        name: scope,
      });
    },
  ),
);
