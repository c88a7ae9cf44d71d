import * as tfc from "@tensorflow/tfjs-core";
import { ValueError } from "../../errors.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { buildOp, inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { sumKernel } from "../math/reduce.js";
import { biasAddCompiled, columnSumsOf } from "./wasm_nn_kernels.js";

/** From this many elements the compiled bias add beats tfjs's (one call either way). */
const COMPILED_BIAS_ADD = 4096;
import {
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { registerOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { checkOpInputs } from "../input_types.js";

registerOp({
  type: "BiasAdd",
  opDef: {
    inputs: ["value: T", "bias: T"],
    outputs: ["output: T"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "data_format: {'NHWC', 'NCHW'} = 'NHWC'",
    ],
  },
  kernel: ([value, bias], op) => {
    const x = value as tfc.Tensor;
    const b = bias as tfc.Tensor;
    if (op.attrs.data_format !== "NCHW" || x.rank === 2) {
      // tfjs-wasm's broadcasting add takes a generic path (0.37 ms for the tutorial CNN's
      // first layer, 0.1 ms compiled).
      const compiled = x.size >= COMPILED_BIAS_ADD ? biasAddCompiled(x, b) : null;
      return [compiled ?? tfc.add(x, b)];
    }
    // Channels first: the bias runs along dim 1.
    const shape = new Array<number>(x.rank - 1).fill(1);
    shape[0] = b.shape[0] as number;
    return [tfc.tidy(() => tfc.add(x, tfc.reshape(b, shape)))];
  },
});

/** TF 1.15's `bias_add(value, bias, data_format, name)`; `dataFormat` is `"N...C"` or `"NC..."`. */
const BIAS_ADD_PARAMS = [
  req("value", tensorKind),
  req("bias", tensorKind),
  opt("dataFormat", stringKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link biasAdd}. */
export type BiasAddOptions = OptionsOf<typeof BIAS_ADD_PARAMS>;

/**
 * Adds a 1-D `bias` along the channel dimension of `value` (`tf.nn.bias_add`, op
 * `BiasAdd`): the last dimension, or dim 1 with `dataFormat: "NCHW"`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.nn.biasAdd(tf.zeros([2, 3]), tf.constant([1, 2, 3]))); // ==> [[1. 2. 3.]
 *                                                                    //      [1. 2. 3.]]
 * ```
 */
export const biasAdd = tfFunction("nn.biasAdd", BIAS_ADD_PARAMS, (a) =>
  biasAddOp(a.value, a.bias, a.dataFormat, a.name),
);

function biasAddOp(
  value: TensorLike,
  bias: TensorLike,
  dataFormat: string | undefined,
  name: string | undefined,
): Tensor {
  return inOpScope(name, "BiasAdd", [value, bias], (scope, graph) => {
    let format = "NHWC";
    const given = dataFormat ?? null;
    if (given !== null) {
      if (given.startsWith("NC")) format = "NCHW";
      else if (given.startsWith("N") && given.endsWith("C")) format = "NHWC";
      else throw new ValueError("data_format must be of the form `N...C` or `NC...`");
    }
    const x = convertToTensor(value, { name: "input" });
    const b = convertToTensor(bias, { name: "bias", dtype: x.dtype });
    checkOpInputs("BiasAdd", [x, b], {});
    const si = new ShapeInference(opNameOf(scope), "BiasAdd", [x.shape, b.shape]);
    const dims = si.withRankAtLeast(x.shape, format === "NCHW" ? 3 : 2);
    const bDim = si.withRank(b.shape, 1)[0] as Dim;
    let out = TensorShape.unknown();
    if (dims !== null) {
      const i = format === "NCHW" ? dims.length - 3 : dims.length - 1;
      dims[i] = si.mergeDim(dims[i] as Dim, bDim);
      out = new TensorShape(dims);
    }
    return makeOp(graph, "BiasAdd", scope, [x, b], [{ dtype: x.dtype, shape: out }], {
      T: x.dtype,
      data_format: format,
    }).outputs[0] as Tensor;
  });
}

registerOp({
  type: "BiasAddGrad",
  opDef: {
    inputs: ["out_backprop: T"],
    outputs: ["output: T"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "data_format: {'NHWC', 'NCHW'} = 'NHWC'",
    ],
  },
  kernel: ([dy], op) => {
    const g = dy as tfc.Tensor;
    const channel = op.attrs.data_format === "NCHW" ? 1 : g.rank - 1;
    const axes = Array.from({ length: g.rank }, (_, i) => i).filter((i) => i !== channel);
    // tfjs-wasm's sum over an empty axis returns uninitialized memory.
    if (g.size === 0) return [tfc.zeros([g.shape[channel] as number], g.dtype)];
    // Channels last: the compiled column sums (one pass, the same sums bit for bit as the
    // ones-row matrix product, which repacks dy first: 1.9 → 0.1 ms on 32×28×28×32).
    const sums = channel === g.rank - 1 ? columnSumsOf(g) : null;
    return [sums ?? sumKernel(g, axes, false)];
  },
});

/** `gen_nn_ops.bias_add_grad(out_backprop, data_format)`: dy summed over all but channels. */
export function biasAddGrad(dy: Tensor, dataFormat: string): Tensor {
  const dims = dy.shape.dims;
  let channels: Dim = null;
  if (dims !== null && dims.length > 0)
    channels = (dataFormat === "NCHW" ? dims[1] : dims[dims.length - 1]) ?? null;
  return buildOp("BiasAddGrad", [dy], [{ dtype: dy.dtype, shape: new TensorShape([channels]) }], {
    T: dy.dtype,
    data_format: dataFormat,
  }).outputs[0] as Tensor;
}
