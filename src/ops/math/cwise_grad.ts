import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor } from "../../graph/tensor.js";
import { inOpScope, makeOp, type NameOption } from "../op_scope.js";
import { registerOp } from "../registry.js";
import type { OpDefSpec } from "../op_def.js";
import { float32Pass, type Float32Body } from "../tfjs_internals.js";

/*
 * The element-wise gradient ops TensorFlow's gradient functions emit (`ReluGrad`,
 * `TanhGrad`, …: `gen_nn_ops` and `gen_math_ops`), with their inputs in TensorFlow's order.
 */

type Pair = (a: tfc.Tensor, b: tfc.Tensor) => tfc.Tensor;

const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

const CWISE_GRAD_KERNELS: Record<string, Pair> = {
  // (gradients, features)
  ReluGrad: (dy, x) => tfc.mul(dy, tfc.step(x)),
  Relu6Grad: (dy, x) =>
    tfc.mul(dy, tfc.cast(tfc.logicalAnd(tfc.greater(x, 0), tfc.less(x, 6)), "float32")),
  EluGrad: (dy, y) => tfc.where(tfc.greater(y, 0), dy, tfc.mul(dy, tfc.add(y, 1))),
  SoftplusGrad: (dy, x) => tfc.mul(dy, tfc.sigmoid(x)),
  // (gradients, outputs)
  SeluGrad: (dy, y) =>
    tfc.where(
      tfc.greater(y, 0),
      tfc.mul(dy, SELU_SCALE),
      tfc.mul(dy, tfc.add(y, SELU_SCALE * SELU_ALPHA)),
    ),
  // (y, dy)
  TanhGrad: (y, dy) => tfc.mul(dy, tfc.sub(1, tfc.square(y))),
  SigmoidGrad: (y, dy) => tfc.mul(dy, tfc.mul(y, tfc.sub(1, y))),
  SqrtGrad: (y, dy) => tfc.div(tfc.mul(dy, 0.5), y),
  RsqrtGrad: (y, dy) => tfc.mul(dy, tfc.mul(tfc.pow(y, 3), -0.5)),
  ReciprocalGrad: (y, dy) => tfc.neg(tfc.mul(dy, tfc.square(y))),
};

/** The op types of this file, for the gradient declarations. */
export const CWISE_GRAD_TYPES: readonly string[] = Object.keys(CWISE_GRAD_KERNELS);

/** TensorFlow's signatures of the op types the loop below registers. */
const OP_DEFS: Readonly<Record<string, OpDefSpec>> = {
  EluGrad: {
    inputs: ["gradients: T", "outputs: T"],
    outputs: ["backprops: T"],
    attrs: ["T: {half, bfloat16, float, double}"],
  },
  ReciprocalGrad: {
    inputs: ["y: T", "dy: T"],
    outputs: ["z: T"],
    attrs: ["T: {bfloat16, half, float, double, complex64, complex128}"],
  },
  Relu6Grad: {
    inputs: ["gradients: T", "features: T"],
    outputs: ["backprops: T"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64}",
    ],
  },
  ReluGrad: {
    inputs: ["gradients: T", "features: T"],
    outputs: ["backprops: T"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64}",
    ],
  },
  RsqrtGrad: {
    inputs: ["y: T", "dy: T"],
    outputs: ["z: T"],
    attrs: ["T: {bfloat16, half, float, double, complex64, complex128}"],
  },
  SeluGrad: {
    inputs: ["gradients: T", "outputs: T"],
    outputs: ["backprops: T"],
    attrs: ["T: {half, bfloat16, float, double}"],
  },
  SigmoidGrad: {
    inputs: ["y: T", "dy: T"],
    outputs: ["z: T"],
    attrs: ["T: {bfloat16, half, float, double, complex64, complex128}"],
  },
  SoftplusGrad: {
    inputs: ["gradients: T", "features: T"],
    outputs: ["backprops: T"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64}",
    ],
  },
  SqrtGrad: {
    inputs: ["y: T", "dy: T"],
    outputs: ["z: T"],
    attrs: ["T: {bfloat16, half, float, double, complex64, complex128}"],
  },
  TanhGrad: {
    inputs: ["y: T", "dy: T"],
    outputs: ["z: T"],
    attrs: ["T: {bfloat16, half, float, double, complex64, complex128}"],
  },
};

const fround = Math.fround;

/**
 * Kernels above as one JS pass over float32 values, for tensors of at most
 * {@link SMALL_ELEMENTS}: each operation of the kernel rounded to float32 as it does
 * (`Math.fround` of one +, - or × of float32 values is exact), so the values are
 * bit-identical. An RNN's backward pass is mostly such small `TanhGrad`s.
 */
const SMALL_KERNELS: Record<string, Float32Body> = {
  TanhGrad: ([y, dy], [out]) => {
    const ys = y as Float32Array;
    const ds = dy as Float32Array;
    const o = out as Float32Array;
    for (let i = 0; i < ys.length; i++) {
      const v = ys[i] as number;
      o[i] = (ds[i] as number) * fround(1 - fround(v * v));
    }
  },
  SigmoidGrad: ([y, dy], [out]) => {
    const ys = y as Float32Array;
    const ds = dy as Float32Array;
    const o = out as Float32Array;
    for (let i = 0; i < ys.length; i++) {
      const v = ys[i] as number;
      o[i] = (ds[i] as number) * fround(v * fround(1 - v));
    }
  },
};

/** Below this many elements one JS pass measured faster than the three kernel calls on wasm. */
const SMALL_ELEMENTS = 4096;

for (const [type, kernel] of Object.entries(CWISE_GRAD_KERNELS)) {
  const small = SMALL_KERNELS[type];
  registerOp({
    type,
    opDef: OP_DEFS[type],
    kernel: ([a, b]) => {
      const x = a as tfc.Tensor;
      const y = b as tfc.Tensor;
      if (small !== undefined && x.size <= SMALL_ELEMENTS && sameShape(x, y)) {
        const out = float32Pass([x, y], 1, x.shape, small);
        if (out !== null) return out;
      }
      return [tfc.tidy(() => kernel(x, y))];
    },
  });
}

function sameShape(a: tfc.Tensor, b: tfc.Tensor): boolean {
  return a.rank === b.rank && a.shape.every((d, i) => d === b.shape[i]);
}

/**
 * Builds a gradient op `type` on two same-shaped inputs; the result has the first's shape.
 *
 * @example
 * ```ts
 * const features = tf.constant([-1, 2]);
 * const dy = tf.ones([2]);
 * using sess = new tf.Session();
 * sess.run(gradOp("ReluGrad", dy, features)); // ==> [0. 1.]
 * ```
 */
export function gradOp(type: string, a: Tensor, b: Tensor, options: NameOption = {}): Tensor {
  return inOpScope(
    options.name,
    type,
    [a, b],
    (scope, graph) =>
      makeOp(graph, type, scope, [a, b], [{ dtype: a.dtype, shape: a.shape.mergeWith(b.shape) }], {
        T: a.dtype,
      }).outputs[0] as Tensor,
  );
}
