import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import {
  intKind,
  numberKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type ArgsOf,
  type OptionsOf,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { checkOpInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import { runKernel } from "../tfjs_internals.js";

/*
 * Local response normalization (`tf.nn.lrn`, op `LRN`) and its gradient op `LRNGrad`:
 * each value divided by `(bias + alpha * sum of squares over the depth window) ** beta`,
 * the window being `depth_radius` channels on each side along the last axis.
 */

interface LrnAttrs {
  depthRadius: number;
  bias: number;
  alpha: number;
  beta: number;
}

function lrnAttrs(op: { attrs: Readonly<Record<string, unknown>> }): LrnAttrs {
  return {
    depthRadius: op.attrs.depth_radius as number,
    bias: op.attrs.bias as number,
    alpha: op.attrs.alpha as number,
    beta: op.attrs.beta as number,
  };
}

registerOp({
  type: "LRN",
  opDef: {
    inputs: ["input: T"],
    outputs: ["output: T"],
    attrs: [
      "depth_radius: int = 5",
      "bias: float = 1",
      "alpha: float = 1",
      "beta: float = 0.5",
      "T: {half, bfloat16, float} = float",
    ],
  },
  kernel: ([input], op) => {
    const a = lrnAttrs(op);
    return [
      tfc.localResponseNormalization(input as tfc.Tensor4D, a.depthRadius, a.bias, a.alpha, a.beta),
    ];
  },
});

registerOp({
  type: "LRNGrad",
  opDef: {
    inputs: ["input_grads: T", "input_image: T", "output_image: T"],
    outputs: ["output: T"],
    attrs: [
      "depth_radius: int = 5",
      "bias: float = 1",
      "alpha: float = 1",
      "beta: float = 0.5",
      "T: {half, bfloat16, float} = float",
    ],
  },
  // TF's inputs are (input_grads, input_image, output_image); tfjs names them dy, x, y.
  kernel: ([dy, x, y], op) => [
    runKernel(
      "LRNGrad",
      { dy: dy as tfc.Tensor, x: x as tfc.Tensor, y: y as tfc.Tensor },
      {
        ...lrnAttrs(op),
      },
    ),
  ],
});

/** TF 1.15's `lrn(input, depth_radius=5, bias=1, alpha=1, beta=0.5, name=None)`. */
const LRN_PARAMS = [
  req("input", tensorKind),
  opt("depthRadius", intKind),
  opt("bias", numberKind),
  opt("alpha", numberKind),
  opt("beta", numberKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link lrn}. */
export type LrnOptions = OptionsOf<typeof LRN_PARAMS>;

/** The four attrs, as TF's op registry defaults them. */
function attrsOf(a: {
  depthRadius?: number;
  bias?: number;
  alpha?: number;
  beta?: number;
}): LrnAttrs {
  return {
    depthRadius: a.depthRadius ?? 5,
    bias: a.bias ?? 1,
    alpha: a.alpha ?? 1,
    beta: a.beta ?? 0.5,
  };
}

function opAttrs(t: Tensor, a: LrnAttrs): Record<string, number | string> {
  return { depth_radius: a.depthRadius, bias: a.bias, alpha: a.alpha, beta: a.beta, T: t.dtype };
}

/**
 * Local response normalization over the last axis of a 4-D tensor (`tf.nn.lrn`, also
 * `tf.nn.localResponseNormalization`; op `LRN`):
 * `input / (bias + alpha * sqr_sum) ** beta`, where `sqr_sum` sums the squares of the
 * `2 * depthRadius + 1` channels centred on each one.
 *
 * @example
 * ```ts
 * const y = tf.nn.lrn(tf.constant([[[[1, 2]]]]), 1, 1, 1, 1);
 * y.op.type; // ==> LRN
 * using sess = new tf.Session();
 * sess.run(y); // ==> [[[[0.16666667 0.33333334]]]]
 * ```
 */
export const lrn = tfFunction("nn.lrn", LRN_PARAMS, (a) => lrnOp(a));

function lrnOp(a: ArgsOf<typeof LRN_PARAMS>): Tensor {
  const attrs = attrsOf(a);
  return inOpScope(a.name, "LRN", [a.input], (scope, graph) => {
    const x = convertToTensor(a.input, { name: "input" });
    checkOpInputs("LRN", [x], {});
    const si = new ShapeInference(opNameOf(scope), "LRN", [x.shape]);
    const dims = si.withRank(x.shape, 4);
    return makeOp(
      graph,
      "LRN",
      scope,
      [x],
      [{ dtype: x.dtype, shape: new TensorShape(dims) }],
      opAttrs(x, attrs),
    ).outputs[0] as Tensor;
  });
}

/**
 * TF 1.15's `local_response_normalization`: {@link lrn} under its long name.
 *
 * @example
 * ```ts
 * tf.nn.localResponseNormalization(tf.ones([1, 2, 2, 3])).op.name; // ==> LRN
 * ```
 */
export const localResponseNormalization = tfFunction(
  "nn.localResponseNormalization",
  LRN_PARAMS,
  (a) => lrnOp(a),
);

/**
 * `gen_nn_ops.lrn_grad(input_grads, input_image, output_image, depth_radius, bias, alpha,
 * beta)`: the gradient of an `LRN` op, named `LRNGrad` in the current scope.
 */
export function lrnGrad(
  inputGrads: Tensor,
  inputImage: Tensor,
  outputImage: Tensor,
  attrs: LrnAttrs,
): Tensor {
  return inOpScope(null, "LRNGrad", [inputGrads, inputImage, outputImage], (scope, graph) => {
    const si = new ShapeInference(opNameOf(scope), "LRNGrad", [
      inputGrads.shape,
      inputImage.shape,
      outputImage.shape,
    ]);
    const merged = si.mergeShape(
      si.mergeShape(
        new TensorShape(si.withRank(inputGrads.shape, 4)),
        new TensorShape(si.withRank(inputImage.shape, 4)),
      ),
      new TensorShape(si.withRank(outputImage.shape, 4)),
    );
    return makeOp(
      graph,
      "LRNGrad",
      scope,
      [inputGrads, inputImage, outputImage],
      [{ dtype: inputGrads.dtype, shape: merged }],
      opAttrs(inputGrads, attrs),
    ).outputs[0] as Tensor;
  });
}

/** The attrs of an `LRN` op, for its gradient. */
export function lrnAttrsOf(op: { attrs: Readonly<Record<string, unknown>> }): LrnAttrs {
  return lrnAttrs(op);
}
