import { noGradient, notDifferentiable } from "../ops/registry.js";

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
);
