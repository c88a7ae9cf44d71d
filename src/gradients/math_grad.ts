import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { matmulIn } from "../ops/math/matmul.js";
import { neg } from "../ops/math/operators.js";
import { reciprocal } from "../ops/math/unary.js";
import { multiply } from "../ops/math/binary.js";
import { inOpScope } from "../ops/op_scope.js";
import { registerGradient } from "../ops/registry.js";
import { gradOp } from "./grad_ops.js";

/*
 * Gradient functions of the math ops (TensorFlow's `math_grad.py`): each receives the
 * forward op and the gradients of its outputs, and builds the gradients of its inputs
 * inside `gradients/<op>_grad/`.
 */

function g0(grads: (Tensor | null)[]): Tensor {
  return grads[0] as Tensor;
}

function matMul(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor {
  return inOpScope(undefined, "MatMul", [a, b], (scope, graph) => matmulIn(graph, scope, a, b, transposeA, transposeB));
}

registerGradient("MatMul", (op: Operation, grads) => {
  const grad = g0(grads);
  const ta = op.attrs.transpose_a === true;
  const tb = op.attrs.transpose_b === true;
  const a = op.inputs[0] as Tensor;
  const b = op.inputs[1] as Tensor;
  if (!ta && !tb) return [matMul(grad, b, false, true), matMul(a, grad, true, false)];
  if (!ta && tb) return [matMul(grad, b, false, false), matMul(grad, a, true, false)];
  if (ta && !tb) return [matMul(b, grad, false, true), matMul(a, grad, false, false)];
  return [matMul(b, grad, true, true), matMul(grad, a, true, true)];
});

registerGradient("Identity", (_op, grads) => [g0(grads)]);
registerGradient("PlaceholderWithDefault", (_op, grads) => [g0(grads)]);
registerGradient("StopGradient", null);
registerGradient("Neg", (_op, grads) => [neg(g0(grads))]);
registerGradient("AddN", (op, grads) => op.inputs.map(() => g0(grads)));

registerGradient("Relu", (op, grads) => [gradOp("ReluGrad", g0(grads), op.inputs[0] as Tensor)]);
registerGradient("Relu6", (op, grads) => [gradOp("Relu6Grad", g0(grads), op.inputs[0] as Tensor)]);
registerGradient("Elu", (op, grads) => [gradOp("EluGrad", g0(grads), op.outputs[0] as Tensor)]);
registerGradient("Softplus", (op, grads) => [gradOp("SoftplusGrad", g0(grads), op.inputs[0] as Tensor)]);
registerGradient("Tanh", (op, grads) => [gradOp("TanhGrad", op.outputs[0] as Tensor, g0(grads))]);
registerGradient("Sigmoid", (op, grads) => [gradOp("SigmoidGrad", op.outputs[0] as Tensor, g0(grads))]);
registerGradient("Sqrt", (op, grads) => [gradOp("SqrtGrad", op.outputs[0] as Tensor, g0(grads))]);
registerGradient("Rsqrt", (op, grads) => [gradOp("RsqrtGrad", op.outputs[0] as Tensor, g0(grads))]);
registerGradient("Reciprocal", (op, grads) => [gradOp("ReciprocalGrad", op.outputs[0] as Tensor, g0(grads))]);

registerGradient("Square", (op, grads) => {
  const x = op.inputs[0] as Tensor;
  // TF: grad * (2 * x), with the 2 made first under control of the gradient.
  return [multiply(g0(grads), multiply(2, x))];
});

registerGradient("Exp", (op, grads) => [multiply(g0(grads), op.outputs[0] as Tensor)]);
registerGradient("Log", (op, grads) => [multiply(g0(grads), reciprocal(op.inputs[0] as Tensor))]);
