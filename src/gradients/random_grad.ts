/**
 * Gradients of the random ops (TF 1.15's random_grad.py): RandomGamma's sample is
 * differentiable w.r.t. alpha by implicit reparameterization (Figurnov et al., 2018).
 */
import type { Tensor } from "../graph/tensor.js";
import { concat } from "../ops/array/concat.js";
import { ones } from "../ops/array/fill.js";
import { reshape } from "../ops/array/reshape.js";
import { shape as shapeOp } from "../ops/array/shape.js";
import { reduceSum } from "../ops/math/reduce.js";
import { range } from "../ops/math/range.js";
import { buildOp } from "../ops/op_scope.js";
import { noGradient, notDifferentiable, registerGradient } from "../ops/registry.js";
import { broadcastShapes } from "../ops/shape_utils.js";
import "../ops/random/gamma_poisson.js";
import "../ops/random/stateless.js";
import { afterGrad, g0, pyMul } from "./grad_util.js";

/** `add_leading_unit_dimensions(x, n)`: `x` reshaped to `[1] * n + shape(x)`. */
function addLeadingUnitDimensions(x: Tensor, n: Tensor): Tensor {
  const newShape = concat([ones([n], "int32"), shapeOp(x)], 0);
  return reshape(x, newShape);
}

registerGradient("RandomGamma", (op, grads) => {
  const grad = g0(grads);
  const shape = op.inputs[0] as Tensor;
  const alpha = op.inputs[1] as Tensor;
  const sample = op.outputs[0] as Tensor;
  return afterGrad(grad, () => {
    // alpha gets leading unit dims to broadcast against the samples' leading `shape` dims.
    const numSampleDimensions = shapeOp(shape).get(0);
    const alphaBroadcastable = addLeadingUnitDimensions(alpha, numSampleDimensions);
    const partialA = buildOp(
      "RandomGammaGrad",
      [alphaBroadcastable, sample],
      [
        {
          dtype: sample.dtype,
          shape: broadcastShapes(
            alphaBroadcastable.shape,
            sample.shape,
            "RandomGammaGrad",
            "RandomGammaGrad",
          ),
        },
      ],
      { T: sample.dtype },
    ).outputs[0] as Tensor;
    return [null, reduceSum(pyMul(grad, partialA), range(numSampleDimensions))];
  });
});

// TF 1.15 registers no gradient for these: tf.gradients fails on reaching them.
noGradient(false, "RandomPoissonV2", "RandomGammaGrad");

// stateless_random_ops.py.
notDifferentiable(
  "StatelessRandomNormal",
  "StatelessRandomUniform",
  "StatelessRandomUniformInt",
  "StatelessTruncatedNormal",
);
