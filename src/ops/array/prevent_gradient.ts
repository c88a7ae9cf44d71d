/**
 * `PreventGradient` (TF's `array_ops.prevent_gradient`): the identity in the forward pass,
 * an error naming `message` if a gradient ever reaches it. TF-written training graphs
 * hold it (the softmax cross-entropy's second gradient), so imported graphs must run it.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { registerOp } from "../registry.js";
import { shareTensor } from "../tfjs_internals.js";

registerOp({
  type: "PreventGradient",
  opDef: {
    inputs: ["input: T"],
    outputs: ["output: T"],
    attrs: ["T: type", "message: string = ''"],
  },
  kernel: ([x]) => [shareTensor(x as tfc.Tensor)],
});
