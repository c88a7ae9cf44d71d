// The gradients of TensorFlow 1.x's control flow primitives (`Switch`, `Merge`, loops).
import "./control_flow_v1_grad.js";
import { noGradient } from "../ops/registry.js";

// TensorFlow registers no gradient for `NoOp` (a `tf.group`).
noGradient(false, "NoOp");
