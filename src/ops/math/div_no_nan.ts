import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { reshape } from "../array/reshape.js";
import { shape } from "../array/shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf, type NameOption } from "../op_scope.js";
import { getOpDefinition, registerGradient, registerOp } from "../registry.js";
import { broadcastShapes, checkDType } from "../shape_utils.js";
import { readInts } from "../tensor_util.js";
import { binaryOperator, neg } from "./operators.js";
import { reduceSum } from "./reduce.js";

registerOp({
  type: "DivNoNan",
  kernel: ([x, y]) => [tfc.divNoNan(x as tfc.Tensor, y as tfc.Tensor)],
});

/**
 * `x / y`, with 0 wherever `y` is 0 (`tf.div_no_nan`, op `DivNoNan`, default name
 * `div_no_nan`): how `tf.losses` divides a sum by a count that may be zero. Broadcasts as
 * `tf.divide` does; float tensors only.
 *
 * @example
 * ```ts
 * divNoNan(tf.constant([1, 2]), tf.constant([2, 0])); // [0.5 0. ]
 * ```
 */
export function divNoNan(x: TensorLike, y: TensorLike, options: NameOption = {}): Tensor {
  return inOpScope(options.name, "div_no_nan", [x, y], (scope, graph) => {
    const tx = convertToTensor(x, { name: "x" });
    const ty = convertToTensor(y, { name: "y", dtype: tx.dtype });
    checkDType(tx.dtype, "x", "float");
    const out = broadcastShapes(tx.shape, ty.shape, opNameOf(scope), "DivNoNan");
    return makeOp(graph, "DivNoNan", scope, [tx, ty], [{ dtype: tx.dtype, shape: out }], {
      T: tx.dtype,
    }).outputs[0] as Tensor;
  });
}

/**
 * TensorFlow's `BCast` gradient reduction indices: the axes (of the broadcast result) along
 * which each operand was broadcast, i.e. where its left-padded shape has a 1.
 */
function gradientReductionAxes(s0: number[], s1: number[]): [number[], number[]] {
  const rank = Math.max(s0.length, s1.length);
  const pad = (s: number[]) => [...new Array<number>(rank - s.length).fill(1), ...s];
  const a = pad(s0);
  const b = pad(s1);
  const r0: number[] = [];
  const r1: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[i] as number;
    const db = b[i] as number;
    if (da !== 1 && db !== 1 && da !== db) {
      throw new InvalidArgumentError(
        `Incompatible shapes: [${s0.join(",")}] vs. [${s1.join(",")}]`,
      );
    }
    if (da === 1) r0.push(i);
    if (db === 1) r1.push(i);
  }
  return [r0, r1];
}

/**
 * `gen_array_ops.broadcast_gradient_args`: the `BroadcastGradientArgs` op on two shape
 * vectors. The op belongs with the gradient ops; if no module has registered its kernel
 * by the time a gradient is built (all static imports have run by then), a kernel is
 * registered here so that `DivNoNan`'s gradient runs either way.
 */
function broadcastGradientArgs(sx: Tensor, sy: Tensor): [Tensor, Tensor] {
  if (getOpDefinition("BroadcastGradientArgs") === undefined) {
    registerOp({
      type: "BroadcastGradientArgs",
      kernel: ([s0, s1]) => {
        const [r0, r1] = gradientReductionAxes(
          readInts(s0 as tfc.Tensor),
          readInts(s1 as tfc.Tensor),
        );
        return [tfc.tensor1d(r0, "int32"), tfc.tensor1d(r1, "int32")];
      },
    });
  }
  return inOpScope(null, "BroadcastGradientArgs", [sx, sy], (scope, graph) => {
    const op = makeOp(
      graph,
      "BroadcastGradientArgs",
      scope,
      [sx, sy],
      [
        { dtype: "int32", shape: new TensorShape([null]) },
        { dtype: "int32", shape: new TensorShape([null]) },
      ],
      { T: "int32" },
    );
    return [op.outputs[0] as Tensor, op.outputs[1] as Tensor];
  });
}

/**
 * TensorFlow 1.15's `_DivNoNanGrad`: `dx = div_no_nan(grad, y)` and
 * `dy = grad * div_no_nan(div_no_nan(-x, y), y)`, each summed over the axes its operand
 * was broadcast along and reshaped to its shape (`conj` is the identity on real types).
 */
registerGradient("DivNoNan", (op: Operation, grads) => {
  const grad = grads[0] as Tensor;
  const x = op.inputs[0] as Tensor;
  const y = op.inputs[1] as Tensor;
  const sx = shape(x);
  const sy = shape(y);
  const [rx, ry] = broadcastGradientArgs(sx, sy);
  const gx = reshape(reduceSum(divNoNan(grad, y), { axis: rx }), sx);
  const gy = reshape(
    reduceSum(binaryOperator("mul", grad, divNoNan(divNoNan(neg(x), y), y)), { axis: ry }),
    sy,
  );
  return [gx, gy];
});
