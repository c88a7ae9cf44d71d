import type { Tensor } from "../graph/tensor.js";
import { concat } from "../ops/array/concat.js";
import { expandDims } from "../ops/array/expand_dims.js";
import { reshape } from "../ops/array/reshape.js";
import { size } from "../ops/array/shape.js";
import { IndexedSlices } from "../ops/indexed_slices.js";
import { noGradient, notDifferentiable, registerGradient } from "../ops/registry.js";
import { denseApplyTypes } from "../ops/state/training_ops.js";
import { sparseApplyTypes } from "../ops/state/sparse_training_ops.js";
import { variableShape } from "../ops/state/resource_variable_ops.js";

/*
 * The variable, optimizer and checkpoint ops (TensorFlow 1.15's `state_grad.py`): the
 * assignments are declared not differentiable there; the others have no gradient.
 */

notDifferentiable("Assign", "AssignAdd", "AssignSub");
noGradient(
  false,
  "VariableV2",
  "IsVariableInitialized",
  "ApplyGradientDescent",
  "ApplyMomentum",
  "ApplyAdagrad",
  "ApplyAdam",
  "ApplyRMSProp",
  "ApplyCenteredRMSProp",
  "SaveV2",
  "RestoreV2",
  "Save",
  "SaveSlices",
  "Restore",
  "RestoreSlice",
);

/*
 * Resource variables (TF 1.15's `resource_variable_ops.py`): a read passes its gradient
 * to the handle, where the gradients of every read of one variable meet; a gather gives
 * the rows it read as an IndexedSlices of the variable's shape.
 */
registerGradient("ReadVariableOp", (_op, grads) => [grads[0] ?? null]);
registerGradient("ResourceGather", (op, grads) => {
  const handle = op.inputs[0] as Tensor;
  const indices = op.inputs[1] as Tensor;
  const paramsShape = variableShape(handle);
  const n = expandDims(size(indices), 0);
  const valuesShape = concat([n, paramsShape.get("1:")], 0);
  const values = reshape(grads[0] as Tensor, valuesShape);
  return [new IndexedSlices(values, reshape(indices, n), paramsShape), null];
});
notDifferentiable("VarIsInitializedOp", "VariableShape");
noGradient(
  false,
  "VarHandleOp",
  "AssignVariableOp",
  "AssignAddVariableOp",
  "AssignSubVariableOp",
  "DestroyResourceOp",
  ...denseApplyTypes().map((t) => `Resource${t}`),
  ...sparseApplyTypes().map((t) => `Resource${t}`),
  "ResourceScatterAdd",
  "ResourceScatterSub",
  "ResourceScatterUpdate",
);
