import * as tfc from "@tensorflow/tfjs-core";
import { ValueError, UnimplementedError, InvalidArgumentError } from "../../errors.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import {
  alias,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type ArgsOf,
  type OptionsOf,
} from "../../graph/call_args.js";
import { kernelDataOf } from "../kernel_data.js";
import { registerOp } from "../registry.js";
import type { OpDefSpec } from "../op_def.js";
import { checkOpInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import {
  checkPaddingString,
  dataFormatOf,
  getSequence,
  inChannelsLast,
  intsKind,
  spatialIndices,
  windowedOutputSize,
  type DataFormat,
} from "./conv_utils.js";

/** TensorFlow's signatures of the op types the loop below registers. */
const OP_DEFS: Readonly<Record<string, OpDefSpec>> = {
  AvgPool: {
    inputs: ["value: T"],
    outputs: ["output: T"],
    attrs: [
      "ksize: list(int) >= 4",
      "strides: list(int) >= 4",
      "padding: {'SAME', 'VALID'}",
      "data_format: {'NHWC', 'NCHW'} = 'NHWC'",
      "T: {half, bfloat16, float, double}",
    ],
  },
  MaxPool: {
    inputs: ["input: T"],
    outputs: ["output: T"],
    attrs: [
      "T: {half, bfloat16, float, double, int32, int64, uint8, int16, int8, uint16, qint8} = float",
      "ksize: list(int) >= 4",
      "strides: list(int) >= 4",
      "padding: {'SAME', 'VALID'}",
      "data_format: {'NHWC', 'NCHW', 'NCHW_VECT_C'} = 'NHWC'",
    ],
  },
};

/** MaxPool of an NHWC int32 tensor with TF's windows (SAME pads before by half, floor). */
function intMaxPool(
  x: tfc.Tensor4D,
  [kh, kw]: [number, number],
  [sh, sw]: [number, number],
  pad: "same" | "valid",
): tfc.Tensor {
  const [n, h, w, c] = x.shape;
  const outSize = (size: number, k: number, s: number): number =>
    pad === "same" ? Math.ceil(size / s) : Math.ceil((size - k + 1) / s);
  const oh = Math.max(outSize(h, kh, sh), 0);
  const ow = Math.max(outSize(w, kw, sw), 0);
  const top = pad === "same" ? Math.floor(Math.max((oh - 1) * sh + kh - h, 0) / 2) : 0;
  const left = pad === "same" ? Math.floor(Math.max((ow - 1) * sw + kw - w, 0) / 2) : 0;
  const data = x.dataSync() as Int32Array;
  const out = new Int32Array(n * oh * ow * c);
  let o = 0;
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let d = 0; d < c; d++) {
          let best = -2147483648;
          for (let r = Math.max(i * sh - top, 0); r < Math.min(i * sh - top + kh, h); r++)
            for (let q = Math.max(j * sw - left, 0); q < Math.min(j * sw - left + kw, w); q++) {
              const v = data[((b * h + r) * w + q) * c + d] as number;
              if (v > best) best = v;
            }
          out[o++] = best;
        }
  return tfc.tensor4d(out, [n, oh, ow, c], "int32");
}

/** What the pooling kernels need of the op's attrs, in tfjs's terms. */
interface PoolData {
  /** TF's message and whether it is an Unimplemented error, when tfjs cannot pool so. */
  readonly unsupported: [string, boolean] | null;
  readonly window: [number, number];
  readonly strides: [number, number];
}

function poolData(
  format: DataFormat,
  ksize: readonly number[],
  strides: readonly number[],
): PoolData {
  const { h, w, c } = spatialIndices(format);
  let unsupported: [string, boolean] | null = null;
  if (ksize[0] !== 1 || strides[0] !== 1) {
    unsupported = ["Pooling is not yet supported on the batch dimension.", false];
  } else if (ksize[c] !== 1 || strides[c] !== 1) {
    unsupported = ["Pooling across depth is not supported on TensorFlow.js kernels.", true];
  }
  return {
    unsupported,
    window: [ksize[h] as number, ksize[w] as number],
    strides: [strides[h] as number, strides[w] as number],
  };
}

function poolDataOf(op: Operation): PoolData {
  return kernelDataOf(op, "_pool", (o) =>
    poolData(
      o.attrs.data_format as DataFormat,
      o.attrs.ksize as number[],
      o.attrs.strides as number[],
    ),
  );
}

for (const [type, pool] of [
  ["MaxPool", tfc.maxPool],
  ["AvgPool", tfc.avgPool],
] as const) {
  registerOp({
    type,
    opDef: OP_DEFS[type],
    kernel: ([value], op) => {
      const { unsupported, window, strides } = poolDataOf(op);
      if (unsupported !== null) {
        const [message, unimplemented] = unsupported;
        throw unimplemented
          ? new UnimplementedError(message, op.name)
          : new InvalidArgumentError(message, op.name);
      }
      const pad = (op.attrs.padding as string) === "SAME" ? "same" : "valid";
      // TF's CPU MaxPool takes every real type; tfjs's only float32, so integers (int64
      // carried in int32) are pooled here, exactly.
      const integer = (value as tfc.Tensor).dtype === "int32";
      return [
        inChannelsLast(tfc, value as tfc.Tensor, op.attrs.data_format as DataFormat, (x) =>
          integer ? intMaxPool(x, window, strides, pad) : pool(x, window, strides, pad),
        ),
      ];
    },
  });
}

/**
 * TF 1.15's `max_pool(value, ksize, strides, padding, data_format, name, input)` (and
 * `avg_pool`'s): `ksize` and `strides` are an int or 1, 2 or 4 ints, `padding` is `"SAME"`
 * or `"VALID"`, and `input` is the newer name of `value`.
 */
const POOL_PARAMS = [
  req("value", tensorKind),
  req("ksize", intsKind),
  req("strides", intsKind),
  req("padding", stringKind),
  opt("dataFormat", stringKind),
  opt("name", stringKind),
  alias("input", "value", tensorKind),
] as const;

/** The options object of {@link maxPool} and {@link avgPool}. */
export type PoolOptions = OptionsOf<typeof POOL_PARAMS>;

function pool(type: "MaxPool" | "AvgPool", a: ArgsOf<typeof POOL_PARAMS>): Tensor {
  const value: TensorLike = a.value;
  return inOpScope(a.name, type, [value], (scope, graph) => {
    const format = dataFormatOf(a.dataFormat);
    const ksize = getSequence(a.ksize, format, "ksize");
    const strides = getSequence(a.strides, format, "strides");
    if (type === "MaxPool" && ksize.some((k) => k === 0))
      throw new ValueError("ksize cannot be zero.");
    checkPaddingString(a.padding, type, false);
    const x = convertToTensor(value, { name: type === "MaxPool" ? "input" : "value" });
    checkOpInputs(type, [x], {});
    const si = new ShapeInference(opNameOf(scope), type, [x.shape]);
    const dims = si.withRank(x.shape, 4);
    if (strides.length !== 4) {
      si.fail(
        `${type} requires the stride attribute to contain 4 values, but got: ${strides.length}`,
      );
    }
    if (ksize.length !== 4) {
      si.fail(`${type} requires the ksize attribute to contain 4 values, but got: ${ksize.length}`);
    }
    const { h, w, c } = spatialIndices(format);
    const size = (i: number) =>
      windowedOutputSize(
        si,
        dims[i] as Dim,
        ksize[i] as number,
        1,
        strides[i] as number,
        a.padding,
        0,
        0,
      );
    const rows = size(h);
    const cols = size(w);
    const depth = size(c);
    const out: Dim[] =
      format === "NHWC" ? [dims[0] as Dim, rows, cols, depth] : [dims[0] as Dim, depth, rows, cols];
    return makeOp(graph, type, scope, [x], [{ dtype: x.dtype, shape: new TensorShape(out) }], {
      T: x.dtype,
      ksize,
      strides,
      padding: a.padding,
      data_format: format,
      _pool: poolData(format, ksize, strides),
    }).outputs[0] as Tensor;
  });
}

/**
 * Max pooling (`tf.nn.max_pool`, op `MaxPool`).
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 28, 28, 32]);
 * const p = tf.nn.maxPool(x, { ksize: [1, 2, 2, 1], strides: [1, 2, 2, 1], padding: "SAME" });
 * p.shape.toString(); // ==> (?, 14, 14, 32)
 * ```
 */
export const maxPool = tfFunction("nn.maxPool", POOL_PARAMS, (a) => pool("MaxPool", a));

/**
 * Average pooling (`tf.nn.avg_pool`, op `AvgPool`).
 *
 * @example
 * ```ts
 * const x = tf.reshape(tf.range(16, null, 1, { dtype: tf.float32 }), [1, 4, 4, 1]);
 * const p = tf.nn.avgPool(x, { ksize: 2, strides: 2, padding: "VALID" });
 * using sess = new tf.Session();
 * sess.run(tf.squeeze(p)); // ==> [[ 2.5  4.5]
 *                          //      [10.5 12.5]]
 * ```
 */
export const avgPool = tfFunction("nn.avgPool", POOL_PARAMS, (a) => pool("AvgPool", a));
