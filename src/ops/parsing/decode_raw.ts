/**
 * `DecodeRaw` (TF's core/ops/parsing_ops.cc, kernel as core/kernels/decode_raw_op.cc) and
 * TF 1.15's v1 `tf.io.decode_raw` / `tf.decode_raw`: each byte string read as a vector of
 * numbers, appended as a last dimension.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, ValueError } from "../../errors.js";
import {
  booleanKind,
  kind,
  opt,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import { narrowInt64 } from "../../graph/int64.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { notDifferentiable, registerOp } from "../registry.js";
import { stringTensorBytes } from "../tfjs_internals.js";

const nodeSuffix = (opName: string): string => `\n\t [[{{node ${opName}}}]]`;

/** The out_types scopeflow computes in, with their byte sizes and TF's names. */
const SUPPORTED = {
  float32: { size: 4, tfName: "float" },
  int32: { size: 4, tfName: "int32" },
  int64: { size: 8, tfName: "int64" },
} as const;
type DecodeRawDType = keyof typeof SUPPORTED;

/** TF's allowed `out_type` values (as Python names them) that scopeflow has no dtype for. */
const TF_ONLY = new Set([
  "float16",
  "half",
  "float64",
  "double",
  "uint16",
  "uint8",
  "int16",
  "int8",
]);

/** TF's shape function: the input's shape with an unknown last dimension. */
export function decodeRawShape(input: TensorShape): TensorShape {
  return input.dims === null ? TensorShape.unknown() : new TensorShape([...input.dims, null]);
}

function decodeRawKernel(inputs: readonly tfc.Tensor[], op: Operation): tfc.Tensor[] {
  const input = inputs[0] as tfc.Tensor;
  const outType = op.attrs.out_type as DecodeRawDType;
  const littleEndian = op.attrs.little_endian !== false;
  const strings = stringTensorBytes(input);
  let strSize = -1;
  strings.forEach((s, i) => {
    if (strSize === -1) strSize = s.length;
    else if (s.length !== strSize) {
      throw new InvalidArgumentError(
        `DecodeRaw requires input strings to all be the same size, but element ${i} has size ${s.length} != ${strSize}${nodeSuffix(op.name)}`,
        op.name,
      );
    }
  });
  const runtime = outType === "float32" ? "float32" : "int32";
  if (strSize <= 0) return [tfc.tensor([], [...input.shape, 0], runtime)];
  const { size, tfName } = SUPPORTED[outType];
  if (strSize % size !== 0) {
    throw new InvalidArgumentError(
      `Input to DecodeRaw has length ${strSize} that is not a multiple of ${size}, the size of ${tfName}${nodeSuffix(op.name)}`,
      op.name,
    );
  }
  const per = strSize / size;
  const shape = [...input.shape, per];
  const count = strings.length * per;
  if (outType === "int64") {
    const out = new BigInt64Array(count);
    strings.forEach((s, i) => {
      const view = new DataView(s.buffer, s.byteOffset, s.byteLength);
      for (let j = 0; j < per; j++) out[i * per + j] = view.getBigInt64(j * 8, littleEndian);
    });
    return [tfc.tensor(narrowInt64(out, "DecodeRaw's output", op.name), shape, "int32")];
  }
  const out = outType === "float32" ? new Float32Array(count) : new Int32Array(count);
  strings.forEach((s, i) => {
    const view = new DataView(s.buffer, s.byteOffset, s.byteLength);
    for (let j = 0; j < per; j++) {
      out[i * per + j] =
        outType === "float32"
          ? view.getFloat32(j * 4, littleEndian)
          : view.getInt32(j * 4, littleEndian);
    }
  });
  return [tfc.tensor(out, shape, runtime)];
}

registerOp({
  type: "DecodeRaw",
  opDef: {
    inputs: ["bytes: string"],
    outputs: ["output: out_type"],
    attrs: [
      "out_type: {half, float, double, int32, uint16, uint8, int16, int8, int64}",
      "little_endian: bool = true",
    ],
  },
  inferShapes: (op) => [decodeRawShape((op.inputs[0] as Tensor).shape)],
  kernel: decodeRawKernel,
});
notDifferentiable("DecodeRaw");

const outTypeKind = kind<string>(
  "a dtype (tf.float32, tf.int32, tf.int64)",
  (v) => typeof v === "string",
);

/**
 * TF 1.15's v1 `decode_raw(input_bytes=None, out_type=None, little_endian=True, name=None,
 * bytes=None)`: `bytes` is the deprecated spelling of `input_bytes`.
 */
const DECODE_RAW_PARAMS = [
  opt("inputBytes", tensorKind),
  opt("outType", outTypeKind),
  opt("littleEndian", booleanKind),
  opt("name", stringKind),
  opt("bytes", tensorKind),
] as const;

function outTypeOf(value: string): DecodeRawDType {
  if (value === "float" || value === "float32") return "float32";
  if (value === "int32" || value === "int64") return value;
  if (TF_ONLY.has(value)) {
    throw new TypeError(
      `decode_raw: out_type ${value} is a dtype TensorFlow allows here but scopeflow does not have; it decodes float32, int32 and int64.`,
    );
  }
  throw new TypeError(
    `Value passed to parameter 'out_type' has DataType ${value} not in list of allowed values: float16, float32, float64, int32, uint16, uint8, int16, int8, int64`,
  );
}

/**
 * Reinterprets the bytes of each string as numbers (`tf.io.decodeRaw`, also
 * `tf.decodeRaw`; op `DecodeRaw`): the output has the input's shape plus a last dimension
 * of `length / size` values, little-endian unless `littleEndian` is false. Every string
 * must have the same length, a multiple of the dtype's size. scopeflow decodes float32,
 * int32 and int64 (int64 values must fit in int32); TF's other out_types (uint8, int16,
 * float64, …) are refused, as dtypes scopeflow does not have.
 *
 * @example
 * ```ts
 * const bytes = tf.placeholder(tf.string, [2]);
 * const out = tf.io.decodeRaw(bytes, tf.int32);
 * out.shape.toString(); // ==> (2, ?)
 * using sess = new tf.Session();
 * const feed = tf.NDArray.fromTypedArray([Uint8Array.of(1, 0, 0, 0, 2, 0, 0, 0), Uint8Array.of(255, 255, 255, 255, 0, 1, 0, 0)], [2], "string");
 * sess.run(out, new Map([[bytes, feed]])).toArray(); // ==> 1,2,-1,256
 * ```
 */
export const decodeRaw = tfFunction("io.decodeRaw", DECODE_RAW_PARAMS, (a) => {
  if (a.inputBytes !== undefined && a.bytes !== undefined) {
    throw new ValueError("Cannot specify both 'input_bytes' and 'bytes'");
  }
  const input = a.inputBytes ?? a.bytes;
  if (a.outType === undefined) {
    throw new ValueError("decode_raw_v1() missing 1 positional argument: 'out_type'");
  }
  const outType = outTypeOf(a.outType);
  if (input === undefined) throw new ValueError("None values not supported.");
  return inOpScope(a.name, "DecodeRaw", [input], (scope, graph) => {
    const bytes = convertToTensor(input, { name: "bytes", dtype: "string" });
    return makeOp(
      graph,
      "DecodeRaw",
      scope,
      [bytes],
      [{ dtype: outType, shape: decodeRawShape(bytes.shape) }],
      { out_type: outType, little_endian: a.littleEndian ?? true },
    ).outputs[0] as Tensor;
  });
});
