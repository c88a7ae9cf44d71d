/**
 * `StringToNumber` (TF's core/kernels/string_to_number_op.cc) and TF 1.15's
 * `tf.strings.to_number` / `tf.string_to_number`: each string parsed whole, as TF's
 * `SafeStringToNumeric` parses it, or the op fails naming the string.
 */
import * as tfc from "@tensorflow/tfjs-core";
import {
  alias,
  dtypeKind,
  opt,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import type { DType } from "../../graph/dtypes.js";
import { narrowInt64 } from "../../graph/int64.js";
import type { Tensor } from "../../graph/tensor.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { noGradient, registerOp } from "../registry.js";
import { bytesOf, kernelError, requireInput } from "./string_common.js";

/** double-conversion's whitespace, which TF's float parser allows around the number. */
const FLOAT_SPACE = "[ \\t\\n\\v\\f\\r]*";
const FLOAT_SPECIAL = new RegExp(`^${FLOAT_SPACE}([+-]?)(inf|nan)${FLOAT_SPACE}$`, "i");
const FLOAT_HEX = new RegExp(`^${FLOAT_SPACE}([+-]?)0x([0-9a-f]+)${FLOAT_SPACE}$`, "i");
const FLOAT_DECIMAL = new RegExp(
  `^${FLOAT_SPACE}([+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:e[+-]?[0-9]+)?)${FLOAT_SPACE}$`,
  "i",
);

/**
 * TF's `safe_strtof`/`safe_strtod` (double-conversion with leading and trailing spaces,
 * hex integers, and case-insensitive `inf`/`nan` allowed): the value, or `null`.
 */
export function parseFloatAsTF(text: string): number | null {
  const special = FLOAT_SPECIAL.exec(text);
  if (special) {
    const sign = special[1] === "-" ? -1 : 1;
    return (special[2] as string).toLowerCase() === "inf" ? sign * Infinity : NaN;
  }
  const hex = FLOAT_HEX.exec(text);
  if (hex) return (hex[1] === "-" ? -1 : 1) * Number(`0x${hex[2] as string}`);
  const decimal = FLOAT_DECIMAL.exec(text);
  return decimal ? Number(decimal[1]) : null;
}

/** C's `isspace`, which TF's integer parsers skip around the digits. */
const INT_PATTERN = /^[ \t\n\v\f\r]*(-?[0-9]+)[ \t\n\v\f\r]*$/;

/**
 * TF's `safe_strto32`/`safe_strto64`: optional spaces, an optional `-` (no `+`), decimal
 * digits, optional spaces; `null` when the text is anything else or out of range.
 */
export function parseIntAsTF(text: string, bits: 32 | 64): bigint | null {
  const m = INT_PATTERN.exec(text);
  if (!m) return null;
  const v = BigInt(m[1] as string);
  const limit = 1n << BigInt(bits - 1);
  return v >= -limit && v < limit ? v : null;
}

const STRING_TO_NUMBER_ERROR = "StringToNumberOp could not correctly convert string: ";

registerOp({
  type: "StringToNumber",
  opDef: {
    inputs: ["string_tensor: string"],
    outputs: ["output: out_type"],
    attrs: ["out_type: {float, double, int32, int64} = DT_FLOAT"],
  },
  inferShapes: (op) => [(op.inputs[0] as Tensor).shape],
  kernel: (inputs, op) => {
    const input = inputs[0] as tfc.Tensor;
    const outType = (op.attrs.out_type ?? "float32") as DType;
    const texts = bytesOf(input).map((b) => new TextDecoder().decode(b));
    const fail = (text: string): never => {
      throw kernelError(op, STRING_TO_NUMBER_ERROR + text);
    };
    if (outType === "float32") {
      const out = new Float32Array(texts.length);
      texts.forEach((t, i) => {
        out[i] = parseFloatAsTF(t) ?? fail(t);
      });
      return [tfc.tensor(out, input.shape, "float32")];
    }
    const bits = outType === "int32" ? 32 : 64;
    const values = BigInt64Array.from(texts, (t) => parseIntAsTF(t, bits) ?? fail(t));
    return [tfc.tensor(narrowInt64(values, "output", op.name), input.shape, "int32")];
  },
});
// TF 1.15 registers no gradient for StringToNumber.
noGradient(false, "StringToNumber");

/**
 * TF 1.15's `strings.to_number(string_tensor=None, out_type=tf.float32, name=None,
 * input=None)`.
 */
const TO_NUMBER_PARAMS = [
  opt("stringTensor", tensorKind),
  opt("outType", dtypeKind),
  opt("name", stringKind),
  alias("input", "stringTensor", tensorKind, true),
] as const;

/**
 * Parses each string as a number of `outType` (`float32` by default, or `int32`, `int64`)
 * (`tf.strings.toNumber`, `tf.stringToNumber`; op `StringToNumber`). Spaces around the
 * number are allowed; floats take `inf`, `nan` and hex integers, and overflow to infinity;
 * an integer out of range, or any other text, fails the run with TF's
 * `StringToNumberOp could not correctly convert string: ...`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.strings.toNumber(["1.5", " -3", "0xF"])).toArray(); // ==> 1.5,-3,15
 * sess.run(tf.strings.toNumber(["7"], tf.int32)).dtype; // ==> int32
 * ```
 */
export const toNumber = tfFunction("strings.toNumber", TO_NUMBER_PARAMS, (a) =>
  inOpScope(a.name, "StringToNumber", [a.stringTensor], (scope, graph) => {
    const input = convertToTensor(requireInput("strings.toNumber", a.stringTensor), {
      name: "string_tensor",
      dtype: "string",
    });
    const outType = a.outType ?? "float32";
    return makeOp(
      graph,
      "StringToNumber",
      scope,
      [input],
      [{ dtype: outType, shape: input.shape }],
      {
        out_type: outType,
      },
    ).outputs[0] as Tensor;
  }),
);
