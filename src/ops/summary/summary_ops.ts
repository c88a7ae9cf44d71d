/**
 * TensorFlow's summary ops (logging_ops.cc; kernels in summary_op.cc, summary_image_op.cc,
 * summary_tensor_op.cc): each computes a serialized `Summary` protocol buffer as a string
 * scalar. The public `tf.summary.*` functions (src/summary/) name them and pick their tags.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, ValueError } from "../../errors.js";
import type { Graph } from "../../graph/graph.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import type { DType } from "../../graph/dtypes.js";
import * as proto from "../../proto/index.js";
import { convertToTensor } from "../convert.js";
import { makeOp } from "../op_scope.js";
import { notDifferentiable, registerOp } from "../registry.js";
import { stringTensorBytes } from "../tfjs_internals.js";
import { encodePng } from "./png.js";
import { encodeWav } from "./wav.js";
import { Histogram } from "./histogram.js";

type SummaryValue = proto.tensorflow.Summary.IValue;

const utf8 = new TextDecoder("utf-8");

/** A TensorShape's `DebugString()`, as TF's kernels print shapes: `[2,3]`, `[]`. */
function debugShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/** TF's legacy scalar: rank 0, or one element in rank 1 (`[]` and `[1]` pair up). */
function isLegacyScalar(shape: readonly number[]): boolean {
  return shape.length === 0 || (shape.length === 1 && shape[0] === 1);
}

function tagsOf(t: tfc.Tensor): string[] {
  return stringTensorBytes(t).map((b) => utf8.decode(b));
}

function numbersOf(t: tfc.Tensor): ArrayLike<number> {
  return t.dataSync() as ArrayLike<number>;
}

function summaryTensor(values: SummaryValue[]): tfc.Tensor {
  return tfc.scalar(proto.Summary.toBinary({ value: values }), "string");
}

registerOp({
  type: "ScalarSummary",
  opDef: {
    inputs: ["tags: string", "values: T"],
    outputs: ["summary: string"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64}",
    ],
  },
  kernel: ([tags, values], op) => {
    const t = tags as tfc.Tensor;
    const v = values as tfc.Tensor;
    const same = t.shape.length === v.shape.length && t.shape.every((d, i) => d === v.shape[i]);
    if (!same && !(isLegacyScalar(t.shape) && isLegacyScalar(v.shape))) {
      const names = tagsOf(t);
      const single = names.length === 1 ? ` (tag '${names[0]}')` : "";
      throw new InvalidArgumentError(
        `tags and values not the same shape: ${debugShape(t.shape)} != ${debugShape(v.shape)}${single}`,
        op.name,
      );
    }
    const names = tagsOf(t);
    const nums = numbersOf(v);
    // simple_value is a proto float: TF casts each value to float32.
    return [
      summaryTensor(names.map((tag, i) => ({ tag, simpleValue: Math.fround(nums[i] as number) }))),
    ];
  },
});

registerOp({
  type: "HistogramSummary",
  opDef: {
    inputs: ["tag: string", "values: T"],
    outputs: ["summary: string"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64} = float",
    ],
  },
  kernel: ([tag, values], op) => {
    const t = tag as tfc.Tensor;
    if (t.rank !== 0) throw new InvalidArgumentError("tags must be scalar", op.name);
    const histo = new Histogram();
    const nums = numbersOf(values as tfc.Tensor);
    for (let i = 0; i < nums.length; i++) {
      const x = nums[i] as number;
      if (Number.isNaN(x))
        throw new InvalidArgumentError(`Nan in summary histogram for: ${op.name}`, op.name);
      if (!Number.isFinite(x))
        throw new InvalidArgumentError(`Infinity in summary histogram for: ${op.name}`, op.name);
      histo.add(x);
    }
    return [summaryTensor([{ tag: tagsOf(t)[0], histo: histo.toProto(false) }])];
  },
});

/** ImageSummary's `bad_color` default: opaque red, for pixels that are not finite. */
const DEFAULT_BAD_COLOR = [255, 0, 0, 255] as const;

registerOp({
  type: "ImageSummary",
  opDef: {
    inputs: ["tag: string", "tensor: T"],
    outputs: ["summary: string"],
    attrs: [
      "max_images: int >= 1 = 3",
      "T: {uint8, float, half, double} = float",
      "bad_color: tensor = { dtype: DT_UINT8 tensor_shape { dim { size: 4 } } int_val: 255 int_val: 0 int_val: 0 int_val: 255 }",
    ],
  },
  kernel: ([tag, tensor], op) => {
    const t = tag as tfc.Tensor;
    const x = tensor as tfc.Tensor;
    if (t.rank !== 0) throw new InvalidArgumentError("Tags must be a scalar", op.name);
    const depth = x.shape[3];
    if (x.rank !== 4 || (depth !== 1 && depth !== 3 && depth !== 4))
      throw new InvalidArgumentError(
        `Tensor must be 4-D with last dim 1, 3, or 4, not ${debugShape(x.shape)}`,
        op.name,
      );
    const [batch, h, w] = x.shape as [number, number, number, number];
    if (h * w >= 2 ** 29)
      throw new InvalidArgumentError(
        `Tensor too large for summary ${debugShape(x.shape)}`,
        op.name,
      );
    const maxImages = op.attrs.max_images as number;
    const baseTag = tagsOf(t)[0] as string;
    const data = numbersOf(x);
    const hw = h * w;
    const values: SummaryValue[] = [];
    for (let i = 0; i < Math.min(maxImages, batch); i++) {
      const pixels = normalizeFloatImage(data, i * hw * depth, hw, depth, DEFAULT_BAD_COLOR);
      values.push({
        // The tag depends on the number of images asked for, not the number produced.
        tag: maxImages > 1 ? `${baseTag}/image/${i}` : `${baseTag}/image`,
        image: {
          height: h,
          width: w,
          colorspace: depth,
          encodedImageString: encodePng(pixels, w, h, depth),
        },
      });
    }
    return [summaryTensor(values)];
  },
});

/**
 * TF's `NormalizeFloatImage`: a float image scaled into uint8 in float32 arithmetic. Only
 * positive values: scaled by 255 / max; some negative: by 127 / max|v|, centred on 128.
 * Pixels with a non-finite channel get `badColor`; min and max ignore them.
 */
function normalizeFloatImage(
  data: ArrayLike<number>,
  offset: number,
  hw: number,
  depth: number,
  badColor: readonly number[],
): Uint8Array {
  const out = new Uint8Array(hw * depth);
  if (out.length === 0) return out;
  const finitePixel = (p: number): boolean => {
    for (let j = 0; j < depth; j++)
      if (!Number.isFinite(data[offset + p * depth + j])) return false;
    return true;
  };
  let min = Infinity;
  let max = -Infinity;
  for (let p = 0; p < hw; p++) {
    if (!finitePixel(p)) continue;
    for (let j = 0; j < depth; j++) {
      const v = data[offset + p * depth + j] as number;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const kZeroThreshold = Math.fround(1e-6);
  let scale: number;
  let shift: number;
  if (min < 0) {
    const maxVal = Math.max(Math.abs(min), Math.abs(max));
    scale = maxVal < kZeroThreshold ? 0 : Math.fround(127 / maxVal);
    shift = 128;
  } else {
    scale = max < kZeroThreshold ? 0 : Math.fround(255 / max);
    shift = 0;
  }
  for (let p = 0; p < hw; p++) {
    const finite = finitePixel(p);
    for (let j = 0; j < depth; j++) {
      const at = p * depth + j;
      // Eigen's cast to uint8 truncates toward zero.
      out[at] = finite
        ? Math.trunc(Math.fround(Math.fround((data[offset + at] as number) * scale) + shift))
        : (badColor[j] as number);
    }
  }
  return out;
}

registerOp({
  type: "AudioSummaryV2",
  opDef: {
    inputs: ["tag: string", "tensor: float", "sample_rate: float"],
    outputs: ["summary: string"],
    attrs: ["max_outputs: int >= 1 = 3"],
  },
  kernel: ([tag, tensor, sampleRate], op) => {
    const t = tag as tfc.Tensor;
    const x = tensor as tfc.Tensor;
    if (t.rank !== 0) throw new InvalidArgumentError("Tag must be a scalar", op.name);
    if (x.rank < 2 || x.rank > 3)
      throw new InvalidArgumentError(
        `Tensor must be 3-D or 2-D, got: ${debugShape(x.shape)}`,
        op.name,
      );
    const rate = numbersOf(sampleRate as tfc.Tensor)[0] as number;
    if (!(rate > 0)) throw new InvalidArgumentError("sample_rate must be > 0", op.name);
    const [batch, frames] = x.shape as [number, number];
    const channels = x.rank === 2 ? 1 : (x.shape[2] as number);
    const maxOutputs = op.attrs.max_outputs as number;
    const baseTag = tagsOf(t)[0] as string;
    const data = numbersOf(x);
    const per = frames * channels;
    const values: SummaryValue[] = [];
    for (let i = 0; i < Math.min(maxOutputs, batch); i++) {
      const samples = Array.prototype.slice.call(data, i * per, (i + 1) * per) as number[];
      values.push({
        tag: maxOutputs > 1 ? `${baseTag}/audio/${i}` : `${baseTag}/audio`,
        audio: {
          sampleRate: rate,
          numChannels: channels,
          lengthFrames: frames,
          // The WAV header holds the rate as an integer (TF converts the float).
          encodedAudioString: encodeWav(samples, Math.trunc(rate), channels, frames),
          contentType: "audio/wav",
        },
      });
    }
    return [summaryTensor(values)];
  },
});

/** TF's `Tensor::AsProtoField` (strings) or `AsProtoTensorContent` (numbers). */
function tensorProtoOf(t: tfc.Tensor, dtype: DType): proto.tensorflow.ITensorProto {
  const tensorShape = { dim: t.shape.map((size) => ({ size })) };
  if (dtype === "string")
    return {
      dtype: proto.tensorflow.DataType.DT_STRING,
      tensorShape,
      stringVal: stringTensorBytes(t),
    };
  const values = t.dataSync();
  let content: Uint8Array;
  let code: proto.tensorflow.DataType;
  if (dtype === "float32") {
    content = new Uint8Array(Float32Array.from(values as Float32Array).buffer);
    code = proto.tensorflow.DataType.DT_FLOAT;
  } else if (dtype === "int32") {
    content = new Uint8Array(Int32Array.from(values as Int32Array).buffer);
    code = proto.tensorflow.DataType.DT_INT32;
  } else if (dtype === "int64") {
    content = new Uint8Array(BigInt64Array.from(values as Int32Array, (v) => BigInt(v)).buffer);
    code = proto.tensorflow.DataType.DT_INT64;
  } else {
    content = Uint8Array.from(values as Uint8Array);
    code = proto.tensorflow.DataType.DT_BOOL;
  }
  return { dtype: code, tensorShape, tensorContent: content };
}

registerOp({
  type: "TensorSummaryV2",
  opDef: {
    inputs: ["tag: string", "tensor: T", "serialized_summary_metadata: string"],
    outputs: ["summary: string"],
    attrs: ["T: type"],
  },
  kernel: ([tag, tensor, metadata], op) => {
    const t = tag as tfc.Tensor;
    if (t.rank !== 0) throw new InvalidArgumentError("tag must be scalar", op.name);
    const meta = stringTensorBytes(metadata as tfc.Tensor)[0] as Uint8Array;
    return [
      summaryTensor([
        {
          tag: tagsOf(t)[0],
          tensor: tensorProtoOf(tensor as tfc.Tensor, op.attrs.T as DType),
          metadata: proto.SummaryMetadata.fromBinary(meta),
        },
      ]),
    ];
  },
});

registerOp({
  type: "MergeSummary",
  opDef: { inputs: ["inputs: N * string"], outputs: ["summary: string"], attrs: ["N: int >= 1"] },
  kernel: (inputs, op) => {
    const merged: SummaryValue[] = [];
    const tags = new Set<string>();
    for (const input of inputs) {
      for (const bytes of stringTensorBytes(input as tfc.Tensor)) {
        let summary: proto.tensorflow.Summary;
        try {
          summary = proto.Summary.fromBinary(bytes);
        } catch {
          throw new InvalidArgumentError("Could not parse one of the summary inputs", op.name);
        }
        for (const value of summary.value) {
          const tag = value.tag ?? "";
          // Values with no tag may repeat: the tag is all that is checked.
          if (tag !== "" && tags.has(tag))
            throw new InvalidArgumentError(`Duplicate tag ${tag} found in summary inputs`, op.name);
          tags.add(tag);
          merged.push(value);
        }
      }
    }
    return [summaryTensor(merged)];
  },
});

// logging_ops.py declares every summary op not differentiable.
notDifferentiable(
  "ScalarSummary",
  "HistogramSummary",
  "ImageSummary",
  "AudioSummaryV2",
  "TensorSummaryV2",
  "MergeSummary",
);

const SCALAR_STRING = [{ dtype: "string" as const, shape: TensorShape.scalar() }];

function stringInput(value: string, name: string): Tensor {
  return convertToTensor(value, { name, dtype: "string" });
}

/** `gen_logging_ops.scalar_summary(tags, values, name)`, built in `scope`. */
export function scalarSummaryIn(
  graph: Graph,
  scope: string,
  tags: string,
  values: TensorLike,
): Operation {
  const t = stringInput(tags, "tags");
  const v = convertToTensor(values, { name: "values" });
  return makeOp(graph, "ScalarSummary", scope, [t, v], SCALAR_STRING, { T: v.dtype });
}

/** `gen_logging_ops.histogram_summary(tag, values, name)`, built in `scope`. */
export function histogramSummaryIn(
  graph: Graph,
  scope: string,
  tag: string,
  values: TensorLike,
): Operation {
  const t = stringInput(tag, "tag");
  const v = convertToTensor(values, { name: "values" });
  return makeOp(graph, "HistogramSummary", scope, [t, v], SCALAR_STRING, { T: v.dtype });
}

/** `gen_logging_ops.image_summary(tag, tensor, max_images, name)`, built in `scope`. */
export function imageSummaryIn(
  graph: Graph,
  scope: string,
  tag: string,
  tensor: TensorLike,
  maxImages: number,
): Operation {
  // `max_images >= 1` and `tensor`'s dtype are the OpDef check's, the inputs first.
  const t = stringInput(tag, "tag");
  const x = convertToTensor(tensor, { name: "tensor" });
  return makeOp(graph, "ImageSummary", scope, [t, x], SCALAR_STRING, {
    max_images: maxImages,
    T: x.dtype,
  });
}

/** `gen_logging_ops.audio_summary_v2(tag, tensor, sample_rate, max_outputs, name)`. */
export function audioSummaryV2In(
  graph: Graph,
  scope: string,
  tag: string,
  tensor: TensorLike,
  sampleRate: Tensor,
  maxOutputs: number,
): Operation {
  if (maxOutputs < 1)
    throw new ValueError(
      `Attr 'max_outputs' of 'AudioSummaryV2' Op passed ${maxOutputs} less than minimum 1.`,
    );
  const t = stringInput(tag, "tag");
  const x = convertToTensor(tensor, { name: "tensor", dtype: "float32" });
  return makeOp(graph, "AudioSummaryV2", scope, [t, x, sampleRate], SCALAR_STRING, {
    max_outputs: maxOutputs,
  });
}

/** `gen_logging_ops.tensor_summary_v2(tag, tensor, serialized_summary_metadata, name)`. */
export function tensorSummaryV2In(
  graph: Graph,
  scope: string,
  tag: string,
  tensor: Tensor,
  serializedSummaryMetadata: string,
): Operation {
  const t = stringInput(tag, "tag");
  const m = stringInput(serializedSummaryMetadata, "serialized_summary_metadata");
  return makeOp(graph, "TensorSummaryV2", scope, [t, tensor, m], SCALAR_STRING, {
    T: tensor.dtype,
  });
}

/** `gen_logging_ops.merge_summary(inputs, name)`, built in `scope`. */
export function mergeSummaryIn(graph: Graph, scope: string, inputs: readonly Tensor[]): Operation {
  if (inputs.length === 0)
    throw new ValueError(
      "List argument 'inputs' to 'MergeSummary' Op with length 0 shorter than minimum length 1.",
    );
  for (const x of inputs)
    if (x.dtype !== "string")
      throw new TypeError(
        `Tensors in list passed to 'inputs' of 'MergeSummary' Op have types [${inputs.map((i) => i.dtype).join(", ")}] that do not match expected type string.`,
      );
  return makeOp(graph, "MergeSummary", scope, inputs, SCALAR_STRING, { N: inputs.length });
}
