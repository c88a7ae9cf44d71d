import * as tfc from "@tensorflow/tfjs-core";
import { ValueError } from "../../errors.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { constant } from "../array/constant.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { withDefaultGraph } from "../../graph/graph.js";
import { graphFromValues } from "../../scope/name_scope.js";
import {
  booleanKind,
  numberKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type ArgsOf,
  type OptionsOf,
} from "../../graph/call_args.js";
import { registerOp } from "../registry.js";
import { shareTensor } from "../tfjs_internals.js";
import { checkOpInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";

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

/**
 * TF 1.15's `fused_batch_norm(x, scale, offset, mean=None, variance=None, epsilon=0.001,
 * data_format="NHWC", is_training=True, name=None)`.
 */
const FUSED_BATCH_NORM_PARAMS = [
  req("x", tensorKind),
  req("scale", tensorKind),
  req("offset", tensorKind),
  opt("mean", tensorKind),
  opt("variance", tensorKind),
  opt("epsilon", numberKind),
  opt("dataFormat", stringKind),
  opt("isTraining", booleanKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link fusedBatchNorm}. */
export type FusedBatchNormOptions = OptionsOf<typeof FUSED_BATCH_NORM_PARAMS>;

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
 * op `FusedBatchNormV3`, the version TF 1.15 builds). Returns `[y, batchMean, batchVariance]`.
 * In training mode (the default) `mean` and `variance` must be left out: the statistics are
 * the batch's, `y` is normalized with the biased variance and `batchVariance` is the
 * unbiased (Bessel-corrected, `n / (n - 1)`) one, as TF's kernel returns it for the moving
 * averages. With `isTraining: false` the given population `mean` and `variance` are used
 * and returned. `epsilon` is raised to at least 1.001e-5 (cuDNN's minimum), as TF does.
 *
 * @example
 * ```ts
 * const x = tf.constant([[[[1, 10]]], [[[3, 30]]]]);
 * const [y, mean, variance] = tf.nn.fusedBatchNorm(x, [1, 1], [0, 0]);
 * y.op.type; // ==> FusedBatchNormV3
 * using sess = new tf.Session();
 * sess.run(mean); // ==> [ 2. 20.]
 * sess.run(variance); // ==> [  2. 200.]
 * ```
 */
export const fusedBatchNorm = tfFunction(
  "nn.fusedBatchNorm",
  FUSED_BATCH_NORM_PARAMS,
  (a): [Tensor, Tensor, Tensor] => fusedBatchNormOp(a),
);

function fusedBatchNormOp(a: ArgsOf<typeof FUSED_BATCH_NORM_PARAMS>): [Tensor, Tensor, Tensor] {
  const isTraining = a.isTraining ?? true;
  const format = a.dataFormat ?? "NHWC";
  if (format !== "NHWC" && format !== "NCHW") {
    throw new ValueError(
      `Attr 'data_format' of 'FusedBatchNormV3' Op passed string '${format}' not in: "NHWC", "NCHW".`,
    );
  }
  if (isTraining && (a.mean !== undefined || a.variance !== undefined)) {
    throw new ValueError("Both 'mean' and 'variance' must be None if is_training is True.");
  }
  const graph = graphFromValues([a.x, a.scale, a.offset, a.mean, a.variance]);
  return withDefaultGraph(graph, () =>
    graph.atomically(() => {
      const xt = convertToTensor(a.x, { name: "input" });
      const st = convertToTensor(a.scale, { name: "scale" });
      const ot = convertToTensor(a.offset, { name: "offset" });
      const meanGiven = a.mean;
      const varianceGiven = a.variance;
      const mean = meanGiven === undefined ? constant([]) : null;
      const variance = varianceGiven === undefined ? constant([]) : null;
      const minEpsilon = 1.001e-5;
      const requested = a.epsilon ?? 0.001;
      const epsilon = requested > minEpsilon ? requested : minEpsilon;
      const values = [xt, st, ot, mean ?? meanGiven, variance ?? varianceGiven];
      return inOpScope(a.name, "FusedBatchNormV3", values, (scope) => {
        // The generated op wrapper converts its own inputs inside the op's name scope.
        const m = mean ?? convertToTensor(meanGiven as TensorLike, { name: "mean" });
        const v = variance ?? convertToTensor(varianceGiven as TensorLike, { name: "variance" });
        // `scale` binds `U`: a wrong `offset`, `mean` or `variance` is a mismatch with it.
        checkOpInputs("FusedBatchNormV3", [xt, st, ot, m, v], {});
        const [y, batchMean, batchVar] = buildFused(
          scope,
          xt,
          st,
          ot,
          m,
          v,
          epsilon,
          format,
          isTraining,
        );
        return [y, batchMean, batchVar] as [Tensor, Tensor, Tensor];
      });
    }),
  );
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
