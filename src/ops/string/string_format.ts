/**
 * `StringFormat` (TF's core/ops/string_ops.cc, kernels/string_format_op.cc) and
 * `tf.strings.format`: a template whose placeholders are replaced by tensors written as
 * TensorFlow's `Tensor::SummarizeValue(summarize, print_v2=true)` writes them — the text
 * `tf.print` prints.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, ValueError } from "../../errors.js";
import { intKind, opt, req, stringKind, tfFunction, kind } from "../../graph/call_args.js";
import type { Operation } from "../../graph/operation.js";
import {
  isTensorConvertible,
  Tensor,
  type TensorConvertible,
  type TensorLike,
} from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { cEscape, cppFloatString } from "../../proto/index.js";
import { convertToTensor } from "../convert.js";
import { attrsOf, declareOpDef } from "../op_def.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { noGradient, registerOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { stringTensorBytes } from "../tfjs_internals.js";

/**
 * One element as TF's `PrintOneElement(x, print_v2)` spells it: strings C-escaped (and
 * quoted for print_v2), booleans as `1`/`0`, floats as C++'s `StrCat` (`%.6g`, more digits only when
 * needed to read back the same float).
 */
export function elementWriter(t: tfc.Tensor, quoted = true): (i: number) => string {
  if (t.dtype === "string") {
    const bytes = stringTensorBytes(t);
    const q = quoted ? '"' : "";
    return (i) => `${q}${cEscape(bytes[i] as Uint8Array)}${q}`;
  }
  const values = t.dataSync() as Float32Array | Int32Array | Uint8Array;
  if (t.dtype === "bool") return (i) => (values[i] ? "1" : "0");
  if (t.dtype === "int32") return (i) => String(values[i]);
  // float64, float16 and bfloat16 values are computed in float32 here, so they are
  // spelled as the float32 they hold: a float64 0.1 prints as TF prints it, not as
  // 0.100000001490116.
  return (i) => cppFloatString(values[i] as number, false);
}

/** TF's `PrintDimSpacing`: a space inside the innermost dim, else newlines and an indent. */
function dimSpacing(dim: number, rank: number): string {
  if (dim === rank - 1) return " ";
  return "\n".repeat(rank - dim - 1) + " ".repeat(dim + 1);
}

/**
 * A tensor as TF's `Tensor::SummarizeValue(maxEntries, print_v2=true)` writes it: nested
 * brackets per dimension, the first and last `maxEntries` entries of each dimension with
 * `...` between (all of them when `maxEntries` is negative); a scalar bare.
 */
export function summarizeTensorV2(
  element: (i: number) => string,
  shape: readonly number[],
  maxEntries: number,
): string {
  const count = shape.reduce((a, b) => a * b, 1);
  const limit = Math.min(maxEntries < 0 ? count : maxEntries, count);
  if (shape.length === 0) {
    let out = "";
    for (let i = 0; i < limit; i++) out += (i > 0 ? " " : "") + element(i);
    return count > limit ? out + "..." : out;
  }
  const rank = shape.length;
  const strides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--)
    strides[d] = (strides[d + 1] as number) * (shape[d + 1] as number);
  const parts: string[] = [];
  const write = (dim: number, offset: number): void => {
    if (dim === rank) {
      parts.push(element(offset));
      return;
    }
    parts.push("[");
    const n = shape[dim] as number;
    const stride = strides[dim] as number;
    for (let i = 0; i < Math.min(limit, n); i++) {
      if (i > 0) parts.push(dimSpacing(dim, rank));
      write(dim + 1, offset + stride * i);
    }
    if (n > 2 * limit) parts.push(dimSpacing(dim, rank), "...");
    for (let i = Math.max(limit, n - limit); i < n; i++) {
      parts.push(dimSpacing(dim, rank));
      write(dim + 1, offset + stride * i);
    }
    parts.push("]");
  };
  write(0, 0);
  return parts.join("");
}

/**
 * A tensor as TF's `Tensor::SummarizeValue(maxEntries)` writes it for `tf.Print` and
 * `Assert`: the first `maxEntries` entries in order, brackets opened per dimension as
 * they are reached, `...` when some were left out (`[[1 2][3...]]`).
 */
export function summarizeTensorV1(
  element: (i: number) => string,
  shape: readonly number[],
  maxEntries: number,
): string {
  const count = shape.reduce((a, b) => a * b, 1);
  const limit = Math.min(maxEntries < 0 ? count : maxEntries, count);
  const rank = shape.length;
  let out = "";
  if (rank === 0) {
    for (let i = 0; i < limit; i++) out += (i > 0 ? " " : "") + element(i);
    return count > limit ? out + "..." : out;
  }
  let next = 0;
  const write = (dim: number): void => {
    if (next >= limit) return;
    const n = shape[dim] as number;
    if (dim === rank - 1) {
      for (let i = 0; i < n; i++) {
        if (next >= limit) {
          if (dim !== 0) out += "...";
          return;
        }
        if (i > 0) out += " ";
        out += element(next++);
      }
      return;
    }
    for (let i = 0; i < n; i++) {
      const opened = next < limit;
      if (opened) out += "[";
      write(dim + 1);
      if (next < limit || opened) out += "]";
    }
  };
  write(0);
  return count > limit ? out + "..." : out;
}

/** The pieces of `template` around each `placeholder` (absl::StrSplit's). */
function splitTemplate(template: string, placeholder: string): string[] {
  return template === "" ? [""] : template.split(placeholder);
}

const placeholderMismatch = (found: number, inputs: number): string =>
  `num placeholders in template and num inputs must match: ${found} vs. ${inputs}`;

const STRING_FORMAT_DEF = declareOpDef({
  inputs: ["inputs: T"],
  outputs: ["output: string"],
  attrs: [
    "T: list(type) >= 0",
    "template: string = '%s'",
    "placeholder: string = '%s'",
    "summarize: int = 3",
  ],
});

/** TF's `StringFormat` shape function: a scalar, once the placeholders match the inputs. */
function stringFormatShape(
  opName: string,
  attrs: { template: string; placeholder: string },
  inputShapes: readonly TensorShape[],
): TensorShape {
  const found = splitTemplate(attrs.template, attrs.placeholder).length - 1;
  if (found !== inputShapes.length) {
    new ShapeInference(opName, "StringFormat", inputShapes).fail(
      placeholderMismatch(found, inputShapes.length),
    );
  }
  return TensorShape.scalar();
}

/** The text of a `StringFormat` op run on `inputs` (`StringFormatOp::Compute`). */
function formatInputs(op: Operation, inputs: readonly tfc.Tensor[]): string {
  const attrs = attrsOf(op, STRING_FORMAT_DEF);
  const pieces = splitTemplate(attrs.template, attrs.placeholder);
  if (pieces.length - 1 !== inputs.length) {
    throw new InvalidArgumentError(
      `${placeholderMismatch(pieces.length - 1, inputs.length)}\n\t [[{{node ${op.name}}}]]`,
      op.name,
    );
  }
  let out = pieces[0] as string;
  inputs.forEach((t, i) => {
    out += summarizeTensorV2(elementWriter(t), t.shape, attrs.summarize);
    out += pieces[i + 1] as string;
  });
  return out;
}

registerOp({
  type: "StringFormat",
  opDef: STRING_FORMAT_DEF,
  kernel: (inputs, op) => [tfc.scalar(formatInputs(op, inputs), "string")],
  inferShapes: (op) => [
    stringFormatShape(
      op.name,
      op.attrs as { template: string; placeholder: string },
      op.inputs.map((t) => t.shape),
    ),
  ],
});
// TF 1.15 declares no gradient for StringFormat (string_ops.py leaves it out).
noGradient(false, "StringFormat");

/** `inputs` of `strings.format`: a tensor (wrapped in a list, as TF does) or a list of them. */
const formatInputsKind = kind<TensorLike | readonly TensorLike[]>(
  "a Tensor or a list of Tensors",
  (v) => v instanceof Tensor || isTensorConvertible(v) || Array.isArray(v),
);

/** TF 1.15's `strings.format(template, inputs, placeholder="{}", summarize=3, name=None)`. */
const FORMAT_PARAMS = [
  req("template", stringKind),
  req("inputs", formatInputsKind),
  opt("placeholder", stringKind),
  opt("summarize", intKind),
  opt("name", stringKind),
] as const;

/** Python's `str.count`: non-overlapping occurrences (one more than the length when empty). */
function countOccurrences(text: string, sub: string): number {
  if (sub === "") return text.length + 1;
  return text.split(sub).length - 1;
}

/**
 * Builds a `StringFormat` op: `template` with each `placeholder` replaced by the next of
 * `inputs`, written as `tf.print` writes tensors (`tf.strings.format`). `summarize` entries
 * are shown from each end of every dimension (`-1` for all).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const s = tf.strings.format("x = {}, y = {}", [tf.range(10), tf.constant([[true, false]])]);
 * sess.run(s).item(); // ==> x = [0 1 2 ... 7 8 9], y = [[1 0]]
 * ```
 */
export const format = tfFunction("strings.format", FORMAT_PARAMS, (a) => {
  const inputs: readonly TensorLike[] =
    a.inputs instanceof Tensor || isTensorConvertible(a.inputs)
      ? [a.inputs as Tensor | TensorConvertible]
      : (a.inputs as readonly TensorLike[]);
  const placeholder = a.placeholder ?? "{}";
  const found = countOccurrences(a.template, placeholder);
  if (found !== inputs.length) {
    throw new ValueError(
      `${found} placeholder(s) in template does not match ${inputs.length} tensor(s) provided as input`,
    );
  }
  return stringFormat(inputs, a.template, placeholder, a.summarize ?? 3, a.name);
});

/**
 * A `StringFormat` op (`gen_string_ops.string_format`): its inputs converted (constants
 * named `inputs_0`, `inputs_1`, … inside the op's scope, as op_def_library names them).
 */
export function stringFormat(
  inputs: readonly TensorLike[],
  template: string,
  placeholder: string,
  summarize: number,
  name: string | undefined,
): Tensor {
  return inOpScope(name, "StringFormat", inputs, (scope, graph) => {
    const tensors = inputs.map((x, i) => convertToTensor(x, { name: `inputs_${i}` }));
    const shape = stringFormatShape(
      opNameOf(scope),
      { template, placeholder },
      tensors.map((t) => t.shape),
    );
    return makeOp(graph, "StringFormat", scope, tensors, [{ dtype: "string", shape }], {
      T: tensors.map((t) => t.dtype),
      template,
      placeholder,
      summarize,
    }).outputs[0] as Tensor;
  });
}
