import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import {
  intOrTensorKind,
  numberKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import type { Tensor } from "../../graph/tensor.js";
import { isInteger } from "../../graph/dtypes.js";
import { cast } from "../array/cast.js";
import { concat } from "../array/concat.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp } from "../op_scope.js";
import type { OpDefSpec } from "../op_def.js";
import { registerOp } from "../registry.js";
import { unaryOp } from "../math/unary.js";

/*
 * TF 1.15's activations beyond relu/elu/selu/softplus: `Softsign` and `LeakyRelu` ops (and
 * their gradient ops), and the Python composites `crelu` and `log_sigmoid`.
 */

const REAL_TYPES =
  "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64}";
const SOFTSIGN_DEF: OpDefSpec = {
  inputs: ["features: T"],
  outputs: ["activations: T"],
  attrs: [REAL_TYPES],
};
const LEAKY_TYPES = "T: {half, bfloat16, float, double} = float";
const LEAKY_DEF: OpDefSpec = {
  inputs: ["features: T"],
  outputs: ["activations: T"],
  attrs: ["alpha: float = 0.2", LEAKY_TYPES],
};

const sameShape = (op: { inputs: readonly Tensor[] }) => [(op.inputs[0] as Tensor).shape];

/** TF registers these kernels for float types only; an integer op builds but cannot run. */
function floatOnly(x: tfc.Tensor, type: string, opName: string): void {
  if (x.dtype !== "float32") {
    throw new InvalidArgumentError(
      `No OpKernel was registered to support Op '${type}' used by {{node ${opName}}}with these attrs: [T=DT_INT32]`,
      opName,
    );
  }
}

registerOp({
  type: "Softsign",
  opDef: SOFTSIGN_DEF,
  kernel: ([x], op) => {
    const t = x as tfc.Tensor;
    floatOnly(t, "Softsign", op.name);
    return [tfc.tidy(() => tfc.div(t, tfc.add(tfc.abs(t), 1)))];
  },
  inferShapes: sameShape,
});
registerOp({
  type: "SoftsignGrad",
  opDef: {
    inputs: ["gradients: T", "features: T"],
    outputs: ["backprops: T"],
    attrs: [REAL_TYPES],
  },
  kernel: ([g, x], op) => {
    const t = x as tfc.Tensor;
    floatOnly(t, "SoftsignGrad", op.name);
    return [tfc.tidy(() => tfc.div(g as tfc.Tensor, tfc.square(tfc.add(tfc.abs(t), 1))))];
  },
  inferShapes: sameShape,
});

/** `x` where `x > 0`, `alpha * x` elsewhere (TF's functor, for any alpha). */
function leaky(x: tfc.Tensor, alpha: number): tfc.Tensor {
  return tfc.tidy(() => tfc.where(tfc.greater(x, 0), x, tfc.mul(x, alpha)));
}

registerOp({
  type: "LeakyRelu",
  opDef: LEAKY_DEF,
  kernel: ([x], op) => [leaky(x as tfc.Tensor, op.attrs.alpha as number)],
  inferShapes: sameShape,
});
registerOp({
  type: "LeakyReluGrad",
  opDef: {
    inputs: ["gradients: T", "features: T"],
    outputs: ["backprops: T"],
    attrs: ["alpha: float = 0.2", LEAKY_TYPES],
  },
  kernel: ([g, x], op) => {
    const alpha = op.attrs.alpha as number;
    return [
      tfc.tidy(() =>
        tfc.where(
          tfc.greater(x as tfc.Tensor, 0),
          g as tfc.Tensor,
          tfc.mul(g as tfc.Tensor, alpha),
        ),
      ),
    ];
  },
  inferShapes: sameShape,
});

/** Builds `LeakyReluGrad(gradients, features)` (`gen_nn_ops.leaky_relu_grad`). */
export function leakyReluGrad(gradients: Tensor, features: Tensor, alpha: number): Tensor {
  return inOpScope(
    undefined,
    "LeakyReluGrad",
    [gradients, features],
    (scope, graph) =>
      makeOp(
        graph,
        "LeakyReluGrad",
        scope,
        [gradients, features],
        [{ dtype: gradients.dtype, shape: gradients.shape.mergeWith(features.shape) }],
        { T: gradients.dtype, alpha },
      ).outputs[0] as Tensor,
  );
}

/** Builds `SoftsignGrad(gradients, features)` (`gen_nn_ops.softsign_grad`). */
export function softsignGrad(gradients: Tensor, features: Tensor): Tensor {
  return inOpScope(
    undefined,
    "SoftsignGrad",
    [gradients, features],
    (scope, graph) =>
      makeOp(
        graph,
        "SoftsignGrad",
        scope,
        [gradients, features],
        [{ dtype: gradients.dtype, shape: gradients.shape.mergeWith(features.shape) }],
        { T: gradients.dtype },
      ).outputs[0] as Tensor,
  );
}

/**
 * `features / (|features| + 1)` (`tf.nn.softsign`, op `Softsign`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.nn.softsign(tf.constant([-3, 1]))); // ==> [-0.75  0.5 ]
 * ```
 */
export const softsign = tfFunction(
  "softsign",
  [req("features", tensorKind), opt("name", stringKind)] as const,
  (a) =>
    inOpScope(a.name, "Softsign", [a.features], (scope, graph) => {
      const x = convertToTensor(a.features, { name: "features" });
      return makeOp(graph, "Softsign", scope, [x], [{ dtype: x.dtype, shape: x.shape }], {
        T: x.dtype,
      }).outputs[0] as Tensor;
    }),
);

/**
 * `max(features, alpha * features)` for `alpha < 1` (`tf.nn.leaky_relu(features,
 * alpha=0.2, name)`): one `LeakyRelu` op named `LeakyRelu`, `alpha` its attr; integer
 * features are cast to float32 first.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.nn.leakyRelu(tf.constant([-1, 2]), 0.1)); // ==> [-0.1  2. ]
 * ```
 */
export const leakyRelu = tfFunction(
  "leakyRelu",
  [req("features", tensorKind), opt("alpha", numberKind), opt("name", stringKind)] as const,
  (a) =>
    inOpScope(a.name, "LeakyRelu", [a.features], (scope, graph) => {
      let x = convertToTensor(a.features, { name: "features" });
      if (isInteger(x.dtype)) x = cast(x, "float32");
      return makeOp(graph, "LeakyRelu", scope, [x], [{ dtype: x.dtype, shape: x.shape }], {
        T: x.dtype,
        alpha: a.alpha ?? 0.2,
      }).outputs[0] as Tensor;
    }),
);

/**
 * Concatenated ReLU (`tf.nn.crelu(features, name, axis=-1)`): `relu(concat([x, -x],
 * axis))`, built under `CRelu` (`Neg`, `concat`, `Relu`), so the size of `axis` doubles.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.nn.crelu(tf.constant([[1, -2]]))); // ==> [[1. 0. 0. 2.]]
 * ```
 */
export const crelu = tfFunction(
  "crelu",
  [req("features", tensorKind), opt("name", stringKind), opt("axis", intOrTensorKind)] as const,
  (a) =>
    inOpScope(a.name, "CRelu", [a.features], () => {
      const x = convertToTensor(a.features, { name: "features" });
      const c = concat([x, unaryOp("Neg", "Neg", x)], a.axis ?? -1, "concat");
      return unaryOp("Relu", "Relu", c);
    }),
);

/**
 * `log(sigmoid(x))` computed stably as `-softplus(-x)` (`tf.math.log_sigmoid`), built
 * under `LogSigmoid`: `Neg`, `Softplus`, and the final `Neg` named `LogSigmoid`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.math.logSigmoid(tf.constant(0))); // ==> -0.6931472
 * ```
 */
export const logSigmoid = tfFunction(
  "logSigmoid",
  [req("x", tensorKind), opt("name", stringKind)] as const,
  (a) =>
    inOpScope(a.name, "LogSigmoid", [a.x], (scope, graph) => {
      const x = convertToTensor(a.x, { name: "x" });
      const sp = unaryOp("Softplus", "Softplus", unaryOp("Neg", "Neg", x));
      return makeOp(graph, "Neg", scope, [sp], [{ dtype: sp.dtype, shape: sp.shape }], {
        T: sp.dtype,
      }).outputs[0] as Tensor;
    }),
);
