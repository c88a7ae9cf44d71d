import { notDifferentiable } from "../ops/registry.js";

// sets_impl.py: `ops.NotDifferentiable("SetSize")`, the op `tf.metrics`' at-k metrics build.
notDifferentiable("SetSize");
