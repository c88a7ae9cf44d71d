import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import {
  intOrTensorKind,
  opt,
  req,
  scalarKind,
  stringKind,
  tfFunction,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp, type ShapeInferenceOp } from "../registry.js";
import { checkOpInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import { constantScalar, constantValue, readScalar } from "../tensor_util.js";

/** `LinSpace`'s shape function: `[num]`, scalars in, `num > 0`. */
function linSpaceShape(si: ShapeInference, start: Tensor, stop: Tensor, num: Tensor) {
  si.withRank(start.shape, 0);
  si.withRank(stop.shape, 0);
  si.withRank(num.shape, 0);
  const n = constantScalar(num);
  if (n !== null && n <= 0) si.fail(`Requires num > 0: ${n}`);
  return new TensorShape([n]);
}

registerOp({
  type: "LinSpace",
  opDef: {
    inputs: ["start: T", "stop: T", "num: Tidx"],
    outputs: ["output: T"],
    attrs: ["T: {bfloat16, float, double}", "Tidx: {int32, int64} = int32"],
  },
  kernel: ([a, b, n], op) => {
    const at = `\n\t [[{{node ${op.name}}}]]`;
    for (const [t, what] of [
      [a, "start"],
      [b, "stop"],
      [n, "num"],
    ] as const) {
      if ((t as tfc.Tensor).rank !== 0) {
        throw new InvalidArgumentError(
          `${what} must be a scalar, not shape [${(t as tfc.Tensor).shape.join(",")}]${at}`,
          op.name,
        );
      }
    }
    const start = Math.fround(readScalar(a as tfc.Tensor));
    const stop = Math.fround(readScalar(b as tfc.Tensor));
    const num = readScalar(n as tfc.Tensor);
    if (num <= 0) throw new InvalidArgumentError(`Requires num > 0: ${num}${at}`, op.name);
    const out = new Float32Array(num);
    // TF's kernel: a float32 step, each value start + step * i (so the last may differ
    // from `stop` by rounding, as in TF).
    if (num === 1) out[0] = start;
    else {
      const step = Math.fround((stop - start) / (num - 1));
      for (let i = 0; i < num; i++) out[i] = start + Math.fround(step * i);
    }
    return [tfc.tensor1d(out, "float32")];
  },
  inferShapes: (op: ShapeInferenceOp) => {
    const [a, b, n] = op.inputs as [Tensor, Tensor, Tensor];
    return [
      linSpaceShape(new ShapeInference(op.name, op.type, [a.shape, b.shape, n.shape]), a, b, n),
    ];
  },
});

/** TF 1.15's `lin_space(start, stop, num, name=None)` (also `linspace`). */
const LIN_SPACE_PARAMS = [
  req("start", scalarKind),
  req("stop", scalarKind),
  req("num", intOrTensorKind),
  opt("name", stringKind),
] as const;

/**
 * `num` evenly spaced values from `start` to `stop`, both included (`tf.linspace` /
 * `tf.lin_space`, op `LinSpace`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.linspace(10, 12, 3)); // ==> [10. 11. 12.]
 * ```
 */
export const linspace = tfFunction("linspace", LIN_SPACE_PARAMS, (a) =>
  inOpScope(a.name, "LinSpace", [a.start, a.stop, a.num], (scope, graph) => {
    const start = convertToTensor(a.start, { name: "start", preferredDtype: "float32" });
    const stop = convertToTensor(a.stop, { name: "stop", preferredDtype: start.dtype });
    const num = convertToTensor(a.num, { name: "num", preferredDtype: "int32" });
    checkOpInputs("LinSpace", [start, stop, num], {});
    const nValue = constantValue(num);
    const si = new ShapeInference(
      opNameOf(scope),
      "LinSpace",
      [start.shape, stop.shape, num.shape],
      nValue === null ? {} : { tensors: [[2, nValue]] },
    );
    const out = linSpaceShape(si, start, stop, num);
    return makeOp(
      graph,
      "LinSpace",
      scope,
      [start, stop, num],
      [{ dtype: start.dtype, shape: out }],
      { T: start.dtype, Tidx: num.dtype },
    ).outputs[0] as Tensor;
  }),
);
