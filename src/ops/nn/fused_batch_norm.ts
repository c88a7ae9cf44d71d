import * as tfc from "@tensorflow/tfjs-core";
import { ValueError } from "../../errors.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { constant } from "../array/constant.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf, type NameOption } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { shareTensor } from "../tfjs_internals.js";
import { checkDType, ShapeInference } from "../shape_utils.js";

/*
 * TensorFlow's fused batch normalization (`tf.nn.fused_batch_norm`, ops `FusedBatchNormV3`
 * and its gradient `FusedBatchNormGradV3`), which `tf.layers.batch_normalization` uses for
 * 4-D inputs normalized over channels.
 *
 * Training mode normalizes with the batch's (biased) variance but returns the unbiased
 * (Bessel-corrected) variance as `batch_variance`, as TensorFlow's kernel does; that is
 * what the layer's moving variance is updated with.
 */

type Format = "NHWC" | "NCHW";

function channelAxis(format: Format): number {
  return format === "NHWC" ? 3 : 1;
}

/** The axes a 4-D tensor is reduced over, and the shape that broadcasts a `[C]` vector. */
function layout(format: Format, channels: number): { axes: number[]; shape: number[] } {
  return format === "NHWC"
    ? { axes: [0, 1, 2], shape: [channels] }
    : { axes: [0, 2, 3], shape: [1, channels, 1, 1] };
}

function emptyVector(): tfc.Tensor {
  return tfc.tensor1d([], "float32");
}

function forwardKernel(inputs: readonly tfc.Tensor[], op: Operation): tfc.Tensor[] {
  const [x, scale, offset, mean, variance] = inputs as tfc.Tensor[];
  const format = op.attrs.data_format as Format;
  const epsilon = op.attrs.epsilon as number;
  const training = op.attrs.is_training as boolean;
  const input = x as tfc.Tensor;
  const channels = input.shape[channelAxis(format)] as number;
  const { axes, shape } = layout(format, channels);
  const b = (t: tfc.Tensor) => (shape.length === 1 ? t : tfc.reshape(t, shape));
  if (!training) {
    const y = tfc.tidy(() =>
      tfc.add(
        tfc.mul(
          tfc.sub(input, b(mean as tfc.Tensor)),
          b(tfc.mul(tfc.rsqrt(tfc.add(variance as tfc.Tensor, epsilon)), scale as tfc.Tensor)),
        ),
        b(offset as tfc.Tensor),
      ),
    );
    return [
      y,
      shareTensor(mean as tfc.Tensor),
      shareTensor(variance as tfc.Tensor),
      shareTensor(mean as tfc.Tensor),
      shareTensor(variance as tfc.Tensor),
      emptyVector(),
    ];
  }
  return tfc.tidy(() => {
    const moments = tfc.moments(input, axes);
    const batchMean = moments.mean;
    const batchVar = moments.variance;
    const n = input.size / channels;
    const y = tfc.add(
      tfc.mul(
        tfc.sub(input, b(batchMean)),
        b(tfc.mul(tfc.rsqrt(tfc.add(batchVar, epsilon)), scale as tfc.Tensor)),
      ),
      b(offset as tfc.Tensor),
    );
    const unbiased = tfc.mul(batchVar, n / (n > 1 ? n - 1 : 1));
    return [y, batchMean, unbiased, tfc.clone(batchMean), tfc.clone(batchVar), emptyVector()];
  });
}

function gradKernel(inputs: readonly tfc.Tensor[], op: Operation): tfc.Tensor[] {
  const [dy, x, scale, mean, variance] = inputs as tfc.Tensor[];
  const format = op.attrs.data_format as Format;
  const epsilon = op.attrs.epsilon as number;
  const training = op.attrs.is_training as boolean;
  const input = x as tfc.Tensor;
  const channels = input.shape[channelAxis(format)] as number;
  const { axes, shape } = layout(format, channels);
  const b = (t: tfc.Tensor) => (shape.length === 1 ? t : tfc.reshape(t, shape));
  return tfc.tidy(() => {
    const g = dy as tfc.Tensor;
    const inv = tfc.rsqrt(tfc.add(variance as tfc.Tensor, epsilon));
    const xhat = tfc.mul(tfc.sub(input, b(mean as tfc.Tensor)), b(inv));
    const dOffset = tfc.sum(g, axes);
    const dScale = tfc.sum(tfc.mul(g, xhat), axes);
    const k = b(tfc.mul(scale as tfc.Tensor, inv));
    let dx: tfc.Tensor;
    if (training) {
      const n = input.size / channels;
      dx = tfc.mul(
        k,
        tfc.sub(tfc.sub(g, b(tfc.div(dOffset, n))), tfc.mul(xhat, b(tfc.div(dScale, n)))),
      );
    } else {
      dx = tfc.mul(g, k);
    }
    return [dx, dScale, dOffset, emptyVector(), emptyVector()];
  });
}

registerOp({
  type: "FusedBatchNormV3",
  opDef: {
    inputs: ["x: T", "scale: U", "offset: U", "mean: U", "variance: U"],
    outputs: [
      "y: T",
      "batch_mean: U",
      "batch_variance: U",
      "reserve_space_1: U",
      "reserve_space_2: U",
      "reserve_space_3: U",
    ],
    attrs: [
      "T: {half, bfloat16, float}",
      "U: {float}",
      "epsilon: float = 0.0001",
      "data_format: {'NHWC', 'NCHW'} = 'NHWC'",
      "is_training: bool = true",
    ],
  },
  kernel: forwardKernel,
});
registerOp({
  type: "FusedBatchNormGradV3",
  opDef: {
    inputs: [
      "y_backprop: T",
      "x: T",
      "scale: float",
      "reserve_space_1: U",
      "reserve_space_2: U",
      "reserve_space_3: U",
    ],
    outputs: [
      "x_backprop: T",
      "scale_backprop: U",
      "offset_backprop: U",
      "reserve_space_4: U",
      "reserve_space_5: U",
    ],
    attrs: [
      "T: {half, bfloat16, float}",
      "U: {float}",
      "epsilon: float = 0.0001",
      "data_format: {'NHWC', 'NCHW'} = 'NHWC'",
      "is_training: bool = true",
    ],
  },
  kernel: gradKernel,
});

/** Options of {@link fusedBatchNorm}. */
export interface FusedBatchNormOptions extends NameOption {
  /** The population mean, for inference (`isTraining: false`). */
  mean?: TensorLike | null;
  /** The population variance, for inference. */
  variance?: TensorLike | null;
  /** Added to the variance; at least 1.001e-5 (cuDNN's minimum, as TensorFlow enforces). */
  epsilon?: number;
  /** `"NHWC"` (default) or `"NCHW"`. */
  dataFormat?: Format;
  /** Normalize with the batch's statistics (default `true`). */
  isTraining?: boolean;
}

function fusedShapes(
  scope: string,
  type: string,
  x: Tensor,
  params: Tensor[],
  format: Format,
  checkParams: number,
): Dim {
  const si = new ShapeInference(opNameOf(scope), type, [x.shape, ...params.map((p) => p.shape)]);
  const dims = si.withRank(x.shape, 4);
  let c = dims[channelAxis(format)] as Dim;
  for (const p of params.slice(0, checkParams)) {
    const pd = si.withRank(p.shape, 1);
    c = si.mergeDim(c, pd[0] as Dim);
  }
  return c;
}

function buildFused(
  scope: string,
  x: Tensor,
  scale: Tensor,
  offset: Tensor,
  mean: Tensor,
  variance: Tensor,
  epsilon: number,
  format: Format,
  isTraining: boolean,
): Tensor[] {
  checkDType(x.dtype, "x", "float");
  const c = fusedShapes(
    scope,
    "FusedBatchNormV3",
    x,
    [scale, offset, mean, variance],
    format,
    isTraining ? 2 : 4,
  );
  const vector = { dtype: "float32" as const, shape: new TensorShape([c]) };
  const op = makeOp(
    x.graph,
    "FusedBatchNormV3",
    scope,
    [x, scale, offset, mean, variance],
    [
      {
        dtype: x.dtype,
        shape: x.shape.dims === null ? new TensorShape([null, null, null, null]) : x.shape,
      },
      vector,
      vector,
      vector,
      vector,
      { dtype: "float32", shape: TensorShape.unknown() },
    ],
    { T: x.dtype, U: "float32", epsilon, data_format: format, is_training: isTraining },
  );
  return op.outputs.slice();
}

/**
 * Batch normalization of a 4-D tensor over its channels in one op (`tf.nn.fused_batch_norm`,
 * op `FusedBatchNormV3`). Returns `[y, batchMean, batchVariance]`; in training mode (the
 * default) the statistics are the batch's (the variance unbiased), otherwise `mean` and
 * `variance` are used and returned.
 *
 * @example
 * ```ts
 * const x = tf.ones([2, 1, 1, 3]);
 * const [y, mean] = fusedBatchNorm(x, tf.ones([3]), tf.zeros([3]), { epsilon: 0.001 });
 * using sess = new tf.Session();
 * sess.run(mean); // ==> [1. 1. 1.]
 * y.shape.toString(); // ==> (2, 1, 1, 3)
 * ```
 */
export function fusedBatchNorm(
  x: TensorLike,
  scale: TensorLike,
  offset: TensorLike,
  options: FusedBatchNormOptions = {},
): [Tensor, Tensor, Tensor] {
  const isTraining = options.isTraining ?? true;
  const format = options.dataFormat ?? "NHWC";
  if (format !== "NHWC" && format !== "NCHW") {
    throw new ValueError(`data_format must be "NHWC" or "NCHW", got ${String(format)}`);
  }
  const xt = convertToTensor(x, { name: "input" });
  const st = convertToTensor(scale, { name: "scale" });
  const ot = convertToTensor(offset, { name: "offset" });
  const given = (v: TensorLike | null | undefined): v is TensorLike =>
    v !== undefined && v !== null;
  if (isTraining && (given(options.mean) || given(options.variance))) {
    throw new ValueError("Both 'mean' and 'variance' must be None if is_training is True.");
  }
  const mean = given(options.mean) ? convertToTensor(options.mean) : constant([]);
  const variance = given(options.variance) ? convertToTensor(options.variance) : constant([]);
  const minEpsilon = 1.001e-5;
  const requested = options.epsilon ?? 0.001;
  const epsilon = requested > minEpsilon ? requested : minEpsilon;
  return inOpScope(options.name, "FusedBatchNormV3", [xt, st, ot, mean, variance], (scope) => {
    const [y, batchMean, batchVar] = buildFused(
      scope,
      xt,
      st,
      ot,
      mean,
      variance,
      epsilon,
      format,
      isTraining,
    );
    return [y, batchMean, batchVar] as [Tensor, Tensor, Tensor];
  });
}

/**
 * `gen_nn_ops.fused_batch_norm_grad_v3(y_backprop, x, scale, reserve_space_1,
 * reserve_space_2, reserve_space_3, epsilon, data_format, is_training)`: the gradients with
 * respect to `x`, `scale` and `offset`.
 */
export function fusedBatchNormGradV3(
  dy: Tensor,
  x: Tensor,
  scale: Tensor,
  reserves: readonly [Tensor, Tensor, Tensor],
  attrs: { epsilon: number; dataFormat: Format; isTraining: boolean },
): [Tensor, Tensor, Tensor] {
  const [reserve1, reserve2, reserve3] = reserves;
  const format = attrs.dataFormat;
  return inOpScope(null, "FusedBatchNormGradV3", [dy, x], (scope, graph) => {
    const c = fusedShapes(scope, "FusedBatchNormGradV3", x, [scale, reserve1, reserve2], format, 3);
    const vector = { dtype: "float32" as const, shape: new TensorShape([c]) };
    const empty = { dtype: "float32" as const, shape: new TensorShape([0]) };
    const grad = makeOp(
      graph,
      "FusedBatchNormGradV3",
      scope,
      [dy, x, scale, reserve1, reserve2, reserve3],
      [{ dtype: x.dtype, shape: x.shape }, vector, vector, empty, empty],
      {
        T: x.dtype,
        U: "float32",
        epsilon: attrs.epsilon,
        data_format: format,
        is_training: attrs.isTraining,
      },
    );
    return [grad.outputs[0], grad.outputs[1], grad.outputs[2]] as [Tensor, Tensor, Tensor];
  });
}
