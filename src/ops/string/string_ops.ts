/**
 * TF 1.15's element-wise and reducing string ops: `StringLength`, `StringStrip`,
 * `StringLower`/`StringUpper` and `ReduceJoin` (TF's core/kernels/string_length_op.cc,
 * string_strip_op.cc, string_lower_op.cc, string_upper_op.cc, reduce_join_op.cc).
 */
import * as tfc from "@tensorflow/tfjs-core";
import { OutOfRangeError } from "../../errors.js";
import {
  alias,
  axisKind,
  booleanKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor } from "../../graph/tensor.js";
import { reductionShape } from "../math/reduce.js";
import { range } from "../math/range.js";
import { rank } from "../array/shape.js";
import { subtract } from "../math/binary.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { noGradient, notDifferentiable, registerOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { constantInts } from "../tensor_util.js";
import { bytesOf, kernelError, stringTensor, unaryStringOp, utf8 } from "./string_common.js";

/** An element-wise string-to-string kernel. */
function mapStrings(input: tfc.Tensor, f: (s: Uint8Array) => Uint8Array): tfc.Tensor[] {
  return [stringTensor(bytesOf(input).map(f), input.shape)];
}

const sameShape = (op: { inputs: readonly Tensor[] }) => [(op.inputs[0] as Tensor).shape];

// ---------------------------------------------------------------------------------------
// StringLength

registerOp({
  type: "StringLength",
  opDef: {
    inputs: ["input: string"],
    outputs: ["output: int32"],
    attrs: ["unit: {'BYTE', 'UTF8_CHAR'} = 'BYTE'"],
  },
  inferShapes: sameShape,
  kernel: (inputs, op) => {
    const input = inputs[0] as tfc.Tensor;
    const chars = op.attrs.unit === "UTF8_CHAR";
    // A UTF-8 character is every byte that is not a continuation byte (TF's UTF8StrLen).
    const count = (s: Uint8Array): number =>
      chars ? s.reduce((n, b) => n + ((b & 0xc0) === 0x80 ? 0 : 1), 0) : s.length;
    return [tfc.tensor(Int32Array.from(bytesOf(input), count), input.shape, "int32")];
  },
});
noGradient(false, "StringLength");

/** TF 1.15's `strings.length(input, name=None, unit="BYTE")`. */
const LENGTH_PARAMS = [
  req("input", tensorKind),
  opt("name", stringKind),
  opt("unit", stringKind),
] as const;

/**
 * The length of each string in bytes, or with `unit: "UTF8_CHAR"` in UTF-8 characters
 * (`tf.strings.length`; op `StringLength`), int32.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.strings.length(["hello", "héllo"])).toArray(); // ==> 5,6
 * sess.run(tf.strings.length(["héllo"], { unit: "UTF8_CHAR" })).toArray(); // ==> 5
 * ```
 */
export const length = tfFunction("strings.length", LENGTH_PARAMS, (a) =>
  unaryStringOp("StringLength", a.input, "int32", { unit: a.unit ?? "BYTE" }, a.name),
);

// ---------------------------------------------------------------------------------------
// StringStrip

/** C's `isspace`: what TF's `StripWhitespace` strips. */
const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);

registerOp({
  type: "StringStrip",
  opDef: { inputs: ["input: string"], outputs: ["output: string"] },
  inferShapes: sameShape,
  kernel: (inputs) =>
    mapStrings(inputs[0] as tfc.Tensor, (s) => {
      let start = 0;
      let end = s.length;
      while (start < end && isSpace(s[start] as number)) start++;
      while (end > start && isSpace(s[end - 1] as number)) end--;
      return s.subarray(start, end);
    }),
});
noGradient(false, "StringStrip");

/** TF 1.15's `strings.strip(input, name=None)`. */
const STRIP_PARAMS = [req("input", tensorKind), opt("name", stringKind)] as const;

/**
 * Strips leading and trailing ASCII whitespace from each string (`tf.strings.strip`,
 * `tf.stringStrip`; op `StringStrip`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.strings.strip(["  a b\n", "\tc"])).toArray(); // ==> a b,c
 * ```
 */
export const strip = tfFunction("strings.strip", STRIP_PARAMS, (a) =>
  unaryStringOp("StringStrip", a.input, "string", {}, a.name),
);

// ---------------------------------------------------------------------------------------
// StringLower, StringUpper

/**
 * TF's case kernels: with no encoding only ASCII letters change (`std::tolower` in the C
 * locale); with `utf-8`, ICU's full Unicode case mapping, which JavaScript's
 * `toLowerCase`/`toUpperCase` (root locale) also implement.
 */
function caseKernel(upper: boolean) {
  return (inputs: readonly tfc.Tensor[], op: Operation): tfc.Tensor[] => {
    const encoding = (op.attrs.encoding ?? "") as string;
    if (encoding !== "" && encoding !== "utf-8") {
      throw kernelError(op, `encoding must be '' or 'utf-8', got '${encoding}'`);
    }
    return mapStrings(inputs[0] as tfc.Tensor, (s) => {
      if (encoding === "utf-8") {
        const text = new TextDecoder().decode(s);
        return utf8(upper ? text.toUpperCase() : text.toLowerCase());
      }
      return s.map((c) =>
        upper ? (c >= 0x61 && c <= 0x7a ? c - 32 : c) : c >= 0x41 && c <= 0x5a ? c + 32 : c,
      );
    });
  };
}

for (const [type, upper] of [
  ["StringLower", false],
  ["StringUpper", true],
] as const) {
  registerOp({
    type,
    opDef: {
      inputs: ["input: string"],
      outputs: ["output: string"],
      attrs: ["encoding: string = ''"],
    },
    inferShapes: sameShape,
    kernel: caseKernel(upper),
  });
}
noGradient(false, "StringLower", "StringUpper");

/** TF 1.15's `strings.lower(input, encoding="", name=None)` (and `upper`). */
const CASE_PARAMS = [
  req("input", tensorKind),
  opt("encoding", stringKind),
  opt("name", stringKind),
] as const;

/**
 * Lower-cases each string (`tf.strings.lower`; op `StringLower`): ASCII letters only, or
 * every Unicode letter with `encoding: "utf-8"`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.strings.lower("CamelCase string and ALL CAPS")).item(); // ==> camelcase string and all caps
 * ```
 */
export const lower = tfFunction("strings.lower", CASE_PARAMS, (a) =>
  unaryStringOp("StringLower", a.input, "string", { encoding: a.encoding ?? "" }, a.name),
);

/**
 * Upper-cases each string (`tf.strings.upper`; op `StringUpper`): ASCII letters only, or
 * every Unicode letter with `encoding: "utf-8"`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.strings.upper(["abc", "éa"], { encoding: "utf-8" })).toArray(); // ==> ABC,ÉA
 * ```
 */
export const upper = tfFunction("strings.upper", CASE_PARAMS, (a) =>
  unaryStringOp("StringUpper", a.input, "string", { encoding: a.encoding ?? "" }, a.name),
);

// ---------------------------------------------------------------------------------------
// ReduceJoin

registerOp({
  type: "ReduceJoin",
  opDef: {
    inputs: ["inputs: string", "reduction_indices: int32"],
    outputs: ["output: string"],
    attrs: ["keep_dims: bool = false", "separator: string = ''"],
  },
  inferShapes: (op) => [
    reductionShape(
      new ShapeInference(
        op.name,
        op.type,
        op.inputs.map((t) => t.shape),
      ),
      (op.inputs[0] as Tensor).shape,
      constantInts(op.inputs[1] as Tensor),
      op.attrs.keep_dims === true,
    )[0],
  ],
  kernel: (inputs, op) => {
    const [input, indicesT] = inputs as [tfc.Tensor, tfc.Tensor];
    const rankIn = input.rank;
    const listed = Array.from(indicesT.dataSync() as Int32Array);
    const reduced: number[] = [];
    for (const d of listed) {
      if (d < -rankIn || d >= rankIn) {
        throw new OutOfRangeError(
          `Invalid reduction dimension ${d} for input with ${rankIn} dimension(s)\n\t [[{{node ${op.name}}}]]`,
          op.name,
        );
      }
      const dim = d < 0 ? d + rankIn : d;
      if (reduced.includes(dim)) throw kernelError(op, `Duplicate reduction dimension ${d}`);
      reduced.push(dim);
    }
    const keepDims = op.attrs.keep_dims === true;
    const separator = utf8((op.attrs.separator ?? "") as string);
    const shape = input.shape;
    const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
    const kept = shape.map((_, i) => i).filter((i) => !reduced.includes(i));
    const outShape = keepDims
      ? shape.map((n, i) => (reduced.includes(i) ? 1 : n))
      : kept.map((i) => shape[i] as number);
    // The first listed dimension varies fastest (TF: reduce_join(a, [0, 1]) is "acbd").
    const joinCount = reduced.reduce((n, d) => n * (shape[d] as number), 1);
    const outCount = kept.reduce((n, d) => n * (shape[d] as number), 1);
    const strings = bytesOf(input);
    const out: Uint8Array[] = [];
    for (let o = 0; o < outCount; o++) {
      let base = 0;
      let rest = o;
      for (let k = kept.length - 1; k >= 0; k--) {
        const d = kept[k] as number;
        base += (rest % (shape[d] as number)) * (strides[d] as number);
        rest = Math.floor(rest / (shape[d] as number));
      }
      const parts: Uint8Array[] = [];
      for (let r = 0; r < joinCount; r++) {
        let at = base;
        let left = r;
        for (const d of reduced) {
          at += (left % (shape[d] as number)) * (strides[d] as number);
          left = Math.floor(left / (shape[d] as number));
        }
        parts.push(strings[at] as Uint8Array);
      }
      const total =
        parts.reduce((n, p) => n + p.length, 0) + separator.length * Math.max(0, parts.length - 1);
      const joined = new Uint8Array(total);
      let w = 0;
      parts.forEach((p, i) => {
        if (i > 0) {
          joined.set(separator, w);
          w += separator.length;
        }
        joined.set(p, w);
        w += p.length;
      });
      out.push(joined);
    }
    return [stringTensor(out, outShape)];
  },
});
notDifferentiable("ReduceJoin");

/**
 * TF 1.15's `reduce_join(inputs, axis=None, keep_dims=None, separator="", name=None,
 * reduction_indices=None, keepdims=None)`.
 */
const REDUCE_JOIN_PARAMS = [
  req("inputs", tensorKind),
  opt("axis", axisKind),
  alias("keepDims", "keepdims", booleanKind),
  opt("separator", stringKind),
  opt("name", stringKind),
  alias("reductionIndices", "axis", axisKind),
  opt("keepdims", booleanKind),
] as const;

/**
 * Joins the strings along `axis` with `separator` (`tf.strings.reduceJoin`,
 * `tf.reduceJoin`; op `ReduceJoin`): all of them, in row-major order, when no axis is
 * given; the first listed axis varies fastest. `keepdims` keeps reduced axes as 1.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const a = [["a", "b"], ["c", "d"]];
 * sess.run(tf.strings.reduceJoin(a)).item(); // ==> abcd
 * sess.run(tf.strings.reduceJoin(a, 0, { separator: "." })).toArray(); // ==> a.c,b.d
 * sess.run(tf.strings.reduceJoin(a, [0, 1])).item(); // ==> acbd
 * ```
 */
export const reduceJoin = tfFunction("strings.reduceJoin", REDUCE_JOIN_PARAMS, (a) =>
  // reduce_join_v2 opens a ReduceJoin scope of its own and names the op inside it.
  inOpScope(undefined, "ReduceJoin", [a.inputs, a.axis], () => {
    const inputs = convertToTensor(a.inputs, { dtype: "string" });
    let axis: Tensor;
    if (a.axis !== undefined && a.axis !== null) {
      axis = a.axis as Tensor;
    } else if (inputs.shape.dims !== null) {
      const r = inputs.shape.dims.length;
      axis = convertToTensor(
        Int32Array.from({ length: r }, (_, i) => r - 1 - i),
        { dtype: "int32" },
      );
    } else {
      axis = range(subtract(rank(inputs), 1), -1, -1);
    }
    return inOpScope(a.name, "ReduceJoin", [inputs], (scope, graph) => {
      const indices = convertToTensor(axis, { name: "reduction_indices", dtype: "int32" });
      const keepDims = a.keepdims ?? false;
      const [shape] = reductionShape(
        new ShapeInference(opNameOf(scope), "ReduceJoin", [inputs.shape, indices.shape]),
        inputs.shape,
        constantInts(indices),
        keepDims,
      );
      return makeOp(graph, "ReduceJoin", scope, [inputs, indices], [{ dtype: "string", shape }], {
        keep_dims: keepDims,
        separator: a.separator ?? "",
      }).outputs[0] as Tensor;
    });
  }),
);
