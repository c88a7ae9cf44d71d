/**
 * `StringSplit` and `StringSplitV2` (TF's core/kernels/string_split_op.cc) and their TF 1.15
 * wrappers `tf.string_split` and `tf.compat.v1.strings.split`, which return a
 * `SparseTensor` of the tokens: row `i` of the dense shape holds the tokens of `source[i]`.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { ValueError } from "../../errors.js";
import {
  alias,
  booleanKind,
  intKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import { narrowInt64 } from "../../graph/int64.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { noGradient, notDifferentiable, registerOp, type ShapeInferenceOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { SparseTensor } from "../sparse_tensor.js";
import { bytesOf, debugShape, kernelError, stringTensor, requireInput } from "./string_common.js";

/** Both ops' shape function: a vector in, a scalar separator; `[?,2]`, `[?]`, `[2]` out. */
function splitShapes(
  opName: string,
  opType: string,
  shapes: readonly TensorShape[],
): TensorShape[] {
  const c = new ShapeInference(opName, opType, shapes);
  c.withRank(shapes[0] as TensorShape, 1);
  c.withRank(shapes[1] as TensorShape, 0);
  return [new TensorShape([null, 2]), new TensorShape([null]), new TensorShape([2])];
}

const inferSplit = (op: ShapeInferenceOp): TensorShape[] =>
  splitShapes(
    op.name,
    op.type,
    op.inputs.map((t) => t.shape),
  );

/** Where `b` occurs in `text` at or after `from`, or -1 (`std::search`). */
function indexOfBytes(text: Uint8Array, b: Uint8Array, from: number): number {
  outer: for (let i = from; i + b.length <= text.length; i++) {
    for (let j = 0; j < b.length; j++) if (text[i + j] !== b[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * `StringSplit`'s tokens: every byte of `delimiter` splits (str_util::Split with any of the
 * delimiters); an empty delimiter splits into single bytes; an empty string has no tokens.
 */
function splitV1(text: Uint8Array, delimiter: Uint8Array, skipEmpty: boolean): Uint8Array[] {
  if (delimiter.length === 0) return Array.from(text, (_, i) => text.subarray(i, i + 1));
  const out: Uint8Array[] = [];
  if (text.length === 0) return out;
  const isDelimiter = new Set(delimiter);
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || isDelimiter.has(text[i] as number)) {
      if (!skipEmpty || i > start) out.push(text.subarray(start, i));
      start = i + 1;
    }
  }
  return out;
}

/** C's `isspace` in the "C" locale, which str_util's whitespace helpers use. */
const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);

/**
 * `StringSplitV2`'s tokens, Python's `str.split` (TF's `SplitV2`): a non-empty `sep` splits
 * at each occurrence, keeping empty tokens; an empty one splits at runs of whitespace. After
 * `maxsplit` splits (when positive) the rest of the string is the last token; TF appends
 * it even when whitespace splitting has nothing left (`"a b"` with maxsplit 2: `a`, `b`, ``).
 */
function splitV2(text: Uint8Array, sep: Uint8Array, maxsplit: number): Uint8Array[] {
  if (maxsplit === 0) return [text];
  const out: Uint8Array[] = [];
  let at = 0;
  if (sep.length === 0) {
    const skipSpace = (): void => {
      while (at < text.length && isSpace(text[at] as number)) at++;
    };
    skipSpace();
    let splits = 0;
    while (at < text.length) {
      const start = at;
      while (at < text.length && !isSpace(text[at] as number)) at++;
      out.push(text.subarray(start, at));
      skipSpace();
      splits++;
      if (maxsplit > 0 && splits === maxsplit) {
        out.push(text.subarray(at));
        return out;
      }
    }
    return out;
  }
  let splits = 0;
  let p = indexOfBytes(text, sep, at);
  while (p !== -1) {
    out.push(text.subarray(at, p));
    at = p + sep.length;
    splits++;
    if (maxsplit > 0 && splits === maxsplit) break;
    p = indexOfBytes(text, sep, at);
  }
  out.push(text.subarray(at));
  return out;
}

/** The kernels' common part: checks, the tokens of each row, the three outputs. */
function splitKernel(
  inputs: readonly tfc.Tensor[],
  op: Operation,
  sepName: string,
  split: (text: Uint8Array, sep: Uint8Array) => Uint8Array[],
): tfc.Tensor[] {
  const [input, sep] = inputs as [tfc.Tensor, tfc.Tensor];
  if (input.rank !== 1) {
    throw kernelError(op, `input must be a vector, got shape: ${debugShape(input.shape)}`);
  }
  if (sep.rank !== 0) {
    throw kernelError(op, `${sepName} must be a scalar, got shape: ${debugShape(sep.shape)}`);
  }
  const separator = bytesOf(sep)[0] as Uint8Array;
  const rows = bytesOf(input).map((text) => split(text, separator));
  const count = rows.reduce((n, r) => n + r.length, 0);
  const indices = new BigInt64Array(count * 2);
  const tokens: Uint8Array[] = [];
  let width = 0;
  rows.forEach((row, i) => {
    width = Math.max(width, row.length);
    row.forEach((token, j) => {
      indices[tokens.length * 2] = BigInt(i);
      indices[tokens.length * 2 + 1] = BigInt(j);
      tokens.push(token);
    });
  });
  return [
    tfc.tensor(narrowInt64(indices, "indices", op.name), [count, 2], "int32"),
    stringTensor(tokens, [count]),
    tfc.tensor(Int32Array.of(rows.length, width), [2], "int32"),
  ];
}

registerOp({
  type: "StringSplit",
  opDef: {
    inputs: ["input: string", "delimiter: string"],
    outputs: ["indices: int64", "values: string", "shape: int64"],
    attrs: ["skip_empty: bool = true"],
  },
  inferShapes: inferSplit,
  kernel: (inputs, op) =>
    splitKernel(inputs, op, "delimiter", (text, d) =>
      splitV1(text, d, (op.attrs.skip_empty ?? true) as boolean),
    ),
});

registerOp({
  type: "StringSplitV2",
  opDef: {
    inputs: ["input: string", "sep: string"],
    outputs: ["indices: int64", "values: string", "shape: int64"],
    attrs: ["maxsplit: int = -1"],
  },
  inferShapes: inferSplit,
  kernel: (inputs, op) =>
    splitKernel(inputs, op, "sep", (text, s) =>
      splitV2(text, s, (op.attrs.maxsplit ?? -1) as number),
    ),
});
// string_ops.py declares StringSplit not differentiable, and says nothing of StringSplitV2.
notDifferentiable("StringSplit");
noGradient(false, "StringSplitV2");

/** The three outputs of a split op as the `SparseTensor` the wrappers return. */
function splitOp(
  type: "StringSplit" | "StringSplitV2",
  source: TensorLike,
  sep: TensorLike,
  attrs: { skip_empty: boolean } | { maxsplit: number },
): SparseTensor {
  // string_ops' order: the separator is converted first, so it is `Const` and source `Const_1`.
  const sepT = convertToTensor(sep, { dtype: "string" });
  const sourceT = convertToTensor(source, { dtype: "string" });
  return inOpScope(undefined, type, [sourceT, sepT], (scope, graph) => {
    const shapes = splitShapes(scope.slice(0, -1), type, [sourceT.shape, sepT.shape]);
    const op = makeOp(
      graph,
      type,
      scope,
      [sourceT, sepT],
      [
        { dtype: "int64", shape: shapes[0] as TensorShape },
        { dtype: "string", shape: shapes[1] as TensorShape },
        { dtype: "int64", shape: shapes[2] as TensorShape },
      ],
      attrs,
    );
    const [indices, values, shape] = op.outputs as [Tensor, Tensor, Tensor];
    return new SparseTensor(indices, values, shape);
  });
}

/** TF 1.15 refuses `result_type` other than its two; scopeflow has no `RaggedTensor`. */
function checkResultType(resultType: string | undefined): void {
  if (resultType === undefined || resultType === "SparseTensor") return;
  if (resultType === "RaggedTensor") {
    throw new ValueError(
      "result_type='RaggedTensor' is not supported: scopeflow has no RaggedTensor; use the default 'SparseTensor'.",
    );
  }
  throw new ValueError("result_type must be 'RaggedTensor' or 'SparseTensor'.");
}

/**
 * TF 1.15's `string_split(source, sep=None, skip_empty=True, delimiter=None,
 * result_type="SparseTensor", name=None)`.
 */
const STRING_SPLIT_PARAMS = [
  req("source", tensorKind),
  opt("sep", tensorKind),
  opt("skipEmpty", booleanKind),
  alias("delimiter", "sep", tensorKind),
  opt("resultType", stringKind),
  opt("name", stringKind),
] as const;

/**
 * Splits each string of the vector `source` at every byte of `sep` (default `" "`; an
 * empty `sep` splits into bytes), dropping empty tokens unless `skipEmpty` is false
 * (`tf.string_split`, op `StringSplit`). The tokens come back as a `SparseTensor` of shape
 * `[len(source), most tokens in a row]`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const st = tf.stringSplit(["a b", "c"]);
 * sess.run(st.values).toArray(); // ==> a,b,c
 * sess.run(st.denseShape).toArray(); // ==> 2,2
 * ```
 */
export const stringSplit = tfFunction("stringSplit", STRING_SPLIT_PARAMS, (a) =>
  inOpScope(a.name, "StringSplit", [a.source], () => {
    const st = splitOp("StringSplit", a.source, a.sep ?? " ", {
      skip_empty: a.skipEmpty ?? true,
    });
    checkResultType(a.resultType);
    return st;
  }),
);

/**
 * TF 1.15's `tf.compat.v1.strings.split(input=None, sep=None, maxsplit=-1,
 * result_type="SparseTensor", source=None, name=None)`.
 */
const STRINGS_SPLIT_PARAMS = [
  opt("input", tensorKind),
  opt("sep", tensorKind),
  opt("maxsplit", intKind),
  opt("resultType", stringKind),
  alias("source", "input", tensorKind),
  opt("name", stringKind),
] as const;

/**
 * Splits each string of the vector `input` as Python's `str.split` does (`tf.strings.split`,
 * op `StringSplitV2`): at each occurrence of `sep`, keeping empty tokens, or with no `sep` at
 * runs of whitespace; at most `maxsplit` splits when it is positive. A `SparseTensor` of the
 * tokens; `resultType: "RaggedTensor"` is refused (scopeflow has no RaggedTensor).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const st = tf.strings.split(["1,2,,3"], ",");
 * sess.run(st.values).toArray(); // ==> 1,2,,3
 * sess.run(st.indices).toArray(); // ==> 0,0,0,1,0,2,0,3
 * ```
 */
export const split = tfFunction("strings.split", STRINGS_SPLIT_PARAMS, (a) =>
  inOpScope(a.name, "StringSplit", [a.input], () => {
    const input = requireInput("strings.split", a.input);
    const st = splitOp("StringSplitV2", input, a.sep ?? "", { maxsplit: a.maxsplit ?? -1 });
    checkResultType(a.resultType);
    return st;
  }),
);
