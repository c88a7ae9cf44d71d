/** `tf.train`: optimizers and the global step (checkpoints join later). */
export { Optimizer, type GradAndVar, type MinimizeOptions, type ComputeGradientsOptions } from "../train/optimizer.js";
export {
  GradientDescentOptimizer,
  MomentumOptimizer,
  AdamOptimizer,
  RMSPropOptimizer,
  AdagradOptimizer,
  type HyperParameter,
  type AdamOptions,
  type RMSPropOptions,
} from "../train/optimizers.js";
export { getGlobalStep, createGlobalStep, getOrCreateGlobalStep } from "../train/global_step.js";
