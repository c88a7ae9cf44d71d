import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { expandDims } from "../ops/array/expand_dims.js";
import { squeeze } from "../ops/array/squeeze.js";
import { matmul } from "../ops/math/matmul.js";
import { neg } from "../ops/math/operators.js";
import { reduceSum } from "../ops/math/reduce.js";
import { exp } from "../ops/math/unary.js";
import { conv2d } from "../ops/nn/conv.js";
import { logSoftmax, softmax } from "../ops/nn/softmax.js";
import { noGradient, registerGradient, type GradientFunction } from "../ops/registry.js";
import { constantValue } from "../ops/tensor_util.js";
import { shapeN } from "../ops/array/shape.js";
import { transpose } from "../ops/array/transpose.js";
import { biasAddGrad } from "../ops/nn/bias_add.js";
import { fusedBatchNormGradV3 } from "../ops/nn/fused_batch_norm.js";
import {
  avgPoolGrad,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  maxPoolGrad,
  type ConvAttrs,
} from "../ops/nn/conv_grad_ops.js";
import {
  depthwiseBackpropFilter,
  depthwiseBackpropInput,
  type DepthwiseAttrs,
} from "../ops/nn/depthwise_conv.js";
import {
  conv3dBackpropFilterV2,
  conv3dBackpropInputV2,
  conv3dLike,
  type Conv3DAttrs,
} from "../ops/nn/conv3d.js";
import {
  avgPool3dGrad,
  avgPool3dOp,
  maxPool3dGrad,
  maxPool3dGradGradOp,
  type Pool3DAttrs,
} from "../ops/nn/pooling3d.js";
import { zeros } from "../ops/array/fill.js";
import { stopGradient } from "../ops/math/unary.js";
import { g0, pyAdd, pyMul, pySub, shapeOf } from "./grad_util.js";

/*
 * Gradient functions of the neural-network ops (TensorFlow 1.15's `nn_grad.py`), naming
 * their ops as TensorFlow does (`gradients/Conv2D_grad/Conv2DBackpropFilter`).
 */

function in0(op: Operation): Tensor {
  return op.inputs[0] as Tensor;
}

function convAttrsOf(op: Operation): ConvAttrs {
  const a = op.attrs;
  return {
    strides: a.strides as number[],
    padding: a.padding as string,
    data_format: (a.data_format as string | undefined) ?? "NHWC",
    dilations: a.dilations as number[] | undefined,
    explicit_paddings: a.explicit_paddings as number[] | undefined,
    ksize: a.ksize as number[] | undefined,
    use_cudnn_on_gpu: a.use_cudnn_on_gpu as boolean | undefined,
  };
}

/** The padding as `tf.nn.conv2d` takes it: a name, or explicit per-dimension pairs. */
function conv2dPadding(attrs: ConvAttrs): "SAME" | "VALID" | number[][] {
  if (attrs.padding !== "EXPLICIT") return attrs.padding as "SAME" | "VALID";
  const e = attrs.explicit_paddings ?? [];
  return [0, 1, 2, 3].map((i) => [e[2 * i] ?? 0, e[2 * i + 1] ?? 0]);
}

/** `gen_nn_ops.conv2d` with the attrs of another conv op. */
function conv2dLike(x: Tensor, filter: Tensor, attrs: ConvAttrs): Tensor {
  return conv2d(x, filter, {
    strides: attrs.strides,
    padding: conv2dPadding(attrs),
    dilations: attrs.dilations ?? null,
    dataFormat: attrs.data_format as "NHWC" | "NCHW",
    useCudnnOnGpu: attrs.use_cudnn_on_gpu,
  });
}

registerGradient("Conv2D", (op, grads) => {
  const grad = g0(grads);
  const attrs = convAttrsOf(op);
  const [shape0, shape1] = shapeN([in0(op), op.inputs[1] as Tensor]) as [Tensor, Tensor];
  return [
    conv2dBackpropInput(shape0, op.inputs[1] as Tensor, grad, attrs),
    conv2dBackpropFilter(in0(op), shape1, grad, attrs),
  ];
});

registerGradient("Conv2DBackpropInput", (op, grads) => {
  const grad = g0(grads);
  const attrs = convAttrsOf(op);
  return [
    null,
    conv2dBackpropFilter(grad, shapeOf(op.inputs[1] as Tensor), op.inputs[2] as Tensor, attrs),
    conv2dLike(grad, op.inputs[1] as Tensor, attrs),
  ];
});

registerGradient("Conv2DBackpropFilter", (op, grads) => {
  const grad = g0(grads);
  const attrs = convAttrsOf(op);
  return [
    conv2dBackpropInput(shapeOf(in0(op)), grad, op.inputs[2] as Tensor, attrs),
    null,
    conv2dLike(in0(op), grad, attrs),
  ];
});

// convs: nn_grad.py's _DepthwiseConv2dNativeGrad (TF 1.15 has none for the backprop ops).
registerGradient("DepthwiseConv2dNative", (op, grads) => {
  const grad = g0(grads);
  const attrs: DepthwiseAttrs = {
    strides: op.attrs.strides as number[],
    padding: op.attrs.padding as string,
    data_format: (op.attrs.data_format as string | undefined) ?? "NHWC",
    dilations: (op.attrs.dilations as number[] | undefined) ?? [1, 1, 1, 1],
  };
  const filter = op.inputs[1] as Tensor;
  return [
    depthwiseBackpropInput(shapeOf(in0(op)), filter, grad, attrs),
    depthwiseBackpropFilter(in0(op), shapeOf(filter), grad, attrs),
  ];
});
noGradient(false, "DepthwiseConv2dNativeBackpropInput", "DepthwiseConv2dNativeBackpropFilter");

registerGradient("MaxPool", (op, grads) => [
  maxPoolGrad(in0(op), op.outputs[0] as Tensor, g0(grads), convAttrsOf(op)),
]);

registerGradient("AvgPool", (op, grads) => [
  avgPoolGrad(shapeOf(in0(op)), g0(grads), convAttrsOf(op)),
]);

registerGradient("BiasAdd", (op, grads) => {
  const grad = g0(grads);
  return [grad, biasAddGrad(grad, (op.attrs.data_format as string | undefined) ?? "NHWC")];
});

registerGradient("BiasAddV1", (_op, grads) => {
  // The old BiasAdd: reduce over all dimensions but the last.
  const grad = g0(grads);
  const rank = grad.shape.rank;
  if (rank === null) throw new Error("BiasAddV1 gradient needs a gradient of known rank.");
  const axes = Array.from({ length: rank - 1 }, (_, i) => i);
  return [grad, reduceSum(grad, { axis: axes })];
});

registerGradient("Softmax", (op, grads) => {
  const gradSoftmax = g0(grads);
  const y = op.outputs[0] as Tensor;
  const sumChannels = reduceSum(pyMul(gradSoftmax, y), { axis: -1, keepdims: true });
  return [pyMul(pySub(gradSoftmax, sumChannels), y)];
});

registerGradient("LogSoftmax", (op, grads) => {
  const grad = g0(grads);
  const sm = exp(op.outputs[0] as Tensor);
  return [pySub(grad, pyMul(reduceSum(grad, { axis: -1, keepdims: true }), sm))];
});

registerGradient("L2Loss", (op, grads) => [pyMul(in0(op), g0(grads))]);

/** `_BroadcastMul(vec, mat)`: `vec` as a column, times `mat`. */
function broadcastMul(vec: Tensor, mat: Tensor): Tensor {
  return pyMul(expandDims(vec, -1), mat);
}

/** Whether a gradient is known to be zeros (`IsZero` in `nn_grad.py`). */
function isZero(g: Tensor): boolean {
  if (g.op.type === "ZerosLike" || g.op.type === "Zeros") return true;
  const v = constantValue(g);
  if (v === null || v.dtype === "string") return false;
  return Array.from(v.values as ArrayLike<number | bigint>).every((x) => Number(x) === 0);
}

/**
 * The gradient of the second output (the backprop) of the cross-entropy ops: the
 * softmax's Jacobian applied to it. Zero unless someone differentiates the backprop.
 */
function secondOrder(logits: Tensor, gradGrad: Tensor | null): Tensor | null {
  if (gradGrad === null || isZero(gradGrad)) return null;
  const sm = softmax(logits);
  const inner = squeeze(matmul(expandDims(gradGrad, 1), expandDims(sm, 2)), { axis: [1] });
  return pyMul(pySub(gradGrad, inner), sm);
}

const softmaxXentGrad: GradientFunction = (op, grads) => {
  const gradLoss = grads[0] as Tensor;
  const gradGrad = grads[1] ?? null;
  // The op's second output is the backprop, softmax(logits) - labels.
  const softmaxGrad = op.outputs[1] as Tensor;
  let grad = broadcastMul(gradLoss, softmaxGrad);
  const logits = in0(op);
  const extra = secondOrder(logits, gradGrad);
  if (extra !== null) grad = pyAdd(grad, extra);
  return [grad, broadcastMul(gradLoss, neg(logSoftmax(logits)))];
};

registerGradient("SoftmaxCrossEntropyWithLogits", softmaxXentGrad);

registerGradient("SparseSoftmaxCrossEntropyWithLogits", (op, grads) => {
  const gradLoss = grads[0] as Tensor;
  const gradGrad = grads[1] ?? null;
  const softmaxGrad = op.outputs[1] as Tensor;
  let grad = broadcastMul(gradLoss, softmaxGrad);
  const extra = secondOrder(in0(op), gradGrad);
  if (extra !== null) grad = pyAdd(grad, extra);
  return [grad, null];
});

/**
 * `_FusedBatchNormV3Grad`: one `FusedBatchNormGradV3` op; no gradient for mean and
 * variance. In inference mode TF computes it in NHWC: an NCHW op's `x` and gradient are
 * transposed there and the input gradient back.
 */
registerGradient("FusedBatchNormV3", (op, grads) => {
  const dy = grads[0] ?? null;
  if (dy === null) return op.inputs.map(() => null);
  const training = op.attrs.is_training as boolean;
  const format = op.attrs.data_format as "NHWC" | "NCHW";
  const toNhwc = !training && format === "NCHW";
  const reserve1 = training ? (op.outputs[3] as Tensor) : (op.inputs[3] as Tensor);
  const reserve2 = training ? (op.outputs[4] as Tensor) : (op.inputs[4] as Tensor);
  const x = toNhwc ? transpose(op.inputs[0] as Tensor, [0, 2, 3, 1]) : (op.inputs[0] as Tensor);
  const gradY = toNhwc ? transpose(dy, [0, 2, 3, 1]) : dy;
  const [dx, dScale, dOffset] = fusedBatchNormGradV3(
    gradY,
    x,
    op.inputs[1] as Tensor,
    [reserve1, reserve2, op.outputs[5] as Tensor],
    {
      epsilon: op.attrs.epsilon as number,
      dataFormat: toNhwc ? "NHWC" : format,
      isTraining: training,
    },
  );
  return [toNhwc ? transpose(dx, [0, 3, 1, 2]) : dx, dScale, dOffset, null, null];
});

// TensorFlow differentiates these too (`_MaxPoolGradGrad`, `_AvgPoolGradGrad`,
// `_BiasAddGradGrad`, `_FusedBatchNormGradGradV3`): second-order gradients.
noGradient(true, "MaxPoolGrad", "AvgPoolGrad", "BiasAddGrad", "FusedBatchNormGradV3");

// conv3d: nn_grad.py's 3-D convolution and pooling gradients.
function conv3dAttrsOf(op: Operation): Conv3DAttrs {
  return {
    strides: op.attrs.strides as number[],
    padding: op.attrs.padding as string,
    data_format: (op.attrs.data_format as string | undefined) ?? "NDHWC",
    dilations: op.attrs.dilations as number[] | undefined,
  };
}

function pool3dAttrsOf(op: Operation): Pool3DAttrs {
  return {
    ksize: op.attrs.ksize as number[],
    strides: op.attrs.strides as number[],
    padding: op.attrs.padding as string,
    data_format: (op.attrs.data_format as string | undefined) ?? "NDHWC",
  };
}

registerGradient("Conv3D", (op, grads) => {
  const grad = g0(grads);
  const attrs = conv3dAttrsOf(op);
  const filter = op.inputs[1] as Tensor;
  return [
    conv3dBackpropInputV2(shapeOf(in0(op)), filter, grad, attrs),
    conv3dBackpropFilterV2(in0(op), shapeOf(filter), grad, attrs),
  ];
});

registerGradient("Conv3DBackpropInputV2", (op, grads) => {
  const grad = g0(grads);
  const attrs = conv3dAttrsOf(op);
  return [
    null,
    conv3dBackpropFilterV2(grad, shapeOf(op.inputs[1] as Tensor), op.inputs[2] as Tensor, attrs),
    conv3dLike(grad, op.inputs[1] as Tensor, attrs),
  ];
});

registerGradient("Conv3DBackpropFilterV2", (op, grads) => {
  const grad = g0(grads);
  const attrs = conv3dAttrsOf(op);
  return [
    conv3dBackpropInputV2(shapeOf(in0(op)), grad, op.inputs[2] as Tensor, attrs),
    null,
    conv3dLike(in0(op), grad, attrs),
  ];
});

registerGradient("MaxPool3D", (op, grads) => [
  maxPool3dGrad(in0(op), op.outputs[0] as Tensor, g0(grads), pool3dAttrsOf(op)),
]);

registerGradient("AvgPool3D", (op, grads) => [
  avgPool3dGrad(shapeOf(in0(op)), g0(grads), pool3dAttrsOf(op)),
]);

registerGradient("AvgPool3DGrad", (op, grads) => [
  stopGradient(in0(op)),
  avgPool3dOp(g0(grads), pool3dAttrsOf(op)),
]);

/** The zeros TF's max-pooling second-order gradients give the pooling's inputs. */
function zerosOf(x: Tensor): Tensor {
  return zeros(shapeOf(x), { dtype: x.dtype });
}

registerGradient("MaxPool3DGrad", (op, grads) => [
  zerosOf(in0(op)),
  zerosOf(op.inputs[1] as Tensor),
  maxPool3dGradGradOp(in0(op), op.inputs[1] as Tensor, g0(grads), pool3dAttrsOf(op)),
]);

registerGradient("MaxPool3DGradGrad", (op, grads) => [
  zerosOf(in0(op)),
  zerosOf(op.inputs[1] as Tensor),
  maxPool3dGrad(in0(op), op.inputs[1] as Tensor, g0(grads), pool3dAttrsOf(op)),
]);
