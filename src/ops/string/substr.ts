/**
 * `Substr` (TF's core/kernels/substr_op.cc) and TF 1.15's `tf.substr` / `tf.strings.substr`:
 * substrings by position and length in bytes or UTF-8 characters, `pos` and `len` taken
 * per element or broadcast against the input (up to 2 dimensions, as TF's kernel).
 */
import * as tfc from "@tensorflow/tfjs-core";
import { opt, req, stringKind, tensorKind, tfFunction } from "../../graph/call_args.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { noGradient, registerOp } from "../registry.js";
import { broadcastShapes, shapeError } from "../shape_utils.js";
import { UnimplementedError } from "../../errors.js";
import { bytesOf, debugShape, kernelError, stringTensor } from "./string_common.js";

/**
 * TF's `Substr` shape function: `pos` and `len` of one shape (an unknown dim matches only
 * an unknown one, as TF compares dim values), then the input broadcast with `pos`.
 */
function substrShape(opName: string, shapes: readonly TensorShape[]): TensorShape {
  const [input, pos, len] = shapes as [TensorShape, TensorShape, TensorShape];
  if (pos.dims !== null && len.dims !== null) {
    if (pos.dims.length !== len.dims.length) {
      throw shapeError(
        `Shape must be rank ${len.dims.length} but is rank ${pos.dims.length}`,
        opName,
        "Substr",
        shapes,
      );
    }
    pos.dims.forEach((d, i) => {
      if ((d ?? -1) !== (len.dims![i] ?? -1)) {
        throw shapeError(
          `pos and len shapes must match: ${pos.toRuntimeString()} vs. ${len.toRuntimeString()}`,
          opName,
          "Substr",
          shapes,
        );
      }
    });
  }
  return broadcastShapes(input, pos, opName, "Substr");
}

const isTrailByte = (b: number | undefined): boolean => b !== undefined && b >= 0x80 && b < 0xc0;

/** TF's `ForwardNUTF8CharPositions`: moves `at` forward `n` characters; whether it could. */
function forwardChars(s: Uint8Array, n: number, at: number): [boolean, number] {
  let counted = 0;
  while (counted < n && at < s.length) {
    do at++;
    while (isTrailByte(s[at]) && at < s.length);
    counted++;
  }
  return [counted === n, at];
}

/** TF's `BackNUTF8CharPositions`. */
function backChars(s: Uint8Array, n: number, at: number): [boolean, number] {
  let counted = 0;
  while (counted < n && at > 0) {
    do at--;
    while (isTrailByte(s[at]) && at > 0);
    counted++;
  }
  return [counted === n, at];
}

/**
 * The substring for one element, or `null` when `pos` is out of range. BYTE: a negative
 * `pos` counts from the end, `0 <= pos <= size` after that; a negative `len` (TF casts it
 * to `size_t`) runs to the end. UTF8_CHAR: TF's `UpdatePosAndLenForUtf8`.
 */
function substring(s: Uint8Array, pos: number, len: number, utf8: boolean): Uint8Array | null {
  if (!utf8) {
    const start = pos < 0 ? s.length + pos : pos;
    if (start < 0 || start > s.length) return null;
    return s.subarray(start, len < 0 ? s.length : Math.min(s.length, start + len));
  }
  if (pos >= 0) {
    const [ok, start] = forwardChars(s, pos, 0);
    if (!ok) return null;
    const [, end] = forwardChars(s, len, start);
    return s.subarray(start, end);
  }
  const skip = Math.max(0, -pos - len);
  const [okEnd, end] = backChars(s, skip, s.length);
  if (!okEnd) return null;
  const [okStart, start] = backChars(s, -pos - skip, end);
  if (!okStart) return null;
  return s.subarray(start, end);
}

registerOp({
  type: "Substr",
  opDef: {
    inputs: ["input: string", "pos: T", "len: T"],
    outputs: ["output: string"],
    attrs: ["T: {int32, int64}", "unit: {'BYTE', 'UTF8_CHAR'} = 'BYTE'"],
  },
  inferShapes: (op) => [
    substrShape(
      op.name,
      op.inputs.map((t) => t.shape),
    ),
  ],
  kernel: (inputs, op) => substrKernel(inputs as [tfc.Tensor, tfc.Tensor, tfc.Tensor], op),
});
// TF 1.15 registers no gradient for Substr.
noGradient(false, "Substr");

function substrKernel(
  [inputT, posT, lenT]: [tfc.Tensor, tfc.Tensor, tfc.Tensor],
  op: Operation,
): tfc.Tensor[] {
  if (debugShape(posT.shape) !== debugShape(lenT.shape)) {
    throw kernelError(
      op,
      `pos and len should have the same shape, got: ${debugShape(posT.shape)} vs. ${debugShape(lenT.shape)}`,
    );
  }
  const utf8 = op.attrs.unit === "UTF8_CHAR";
  const strings = bytesOf(inputT);
  const pos = posT.dataSync() as Int32Array;
  const len = lenT.dataSync() as Int32Array;
  const one = (s: Uint8Array, p: number, l: number, where: string): Uint8Array => {
    const out = substring(s, p, l, utf8);
    if (out === null) {
      const what = utf8 ? "string" : `string b'${new TextDecoder().decode(s)}'`;
      throw kernelError(op, `pos ${p} out of range for ${what} at index ${where}`);
    }
    return out;
  };
  const scalar = posT.rank === 0;
  if (scalar || debugShape(inputT.shape) === debugShape(posT.shape)) {
    const out = strings.map((s, i) =>
      one(s, pos[scalar ? 0 : i] as number, len[scalar ? 0 : i] as number, String(i)),
    );
    return [stringTensor(out, inputT.shape)];
  }
  let shape: number[];
  try {
    shape = broadcastShapes(
      new TensorShape(inputT.shape),
      new TensorShape(posT.shape),
      op.name,
      "Substr",
    ).dims as number[];
  } catch {
    throw kernelError(
      op,
      `Incompatible shapes: ${debugShape(inputT.shape)} vs. ${debugShape(posT.shape)}`,
    );
  }
  if (shape.length > 2) {
    throw new UnimplementedError(
      `Substr broadcast not implemented for ${shape.length} dimensions\n\t [[{{node ${op.name}}}]]`,
      op.name,
    );
  }
  // Each operand's flat index for an output position, repeating its size-1 dims.
  const indexIn = (dims: readonly number[], coords: readonly number[]): number => {
    const padded = [...new Array<number>(coords.length - dims.length).fill(1), ...dims];
    return coords.reduce(
      (at, c, d) => at * (padded[d] as number) + ((padded[d] as number) === 1 ? 0 : c),
      0,
    );
  };
  const out: Uint8Array[] = [];
  const rows = shape.length === 2 ? (shape[0] as number) : 1;
  const cols = shape[shape.length - 1] as number;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const coords = shape.length === 2 ? [i, j] : [j];
      const s = strings[indexIn(inputT.shape, coords)] as Uint8Array;
      const k = indexIn(posT.shape, coords);
      const where = shape.length === 2 ? `(${i}, ${j})` : String(j);
      out.push(one(s, pos[k] as number, len[k] as number, where));
    }
  }
  return [stringTensor(out, shape)];
}

/** TF 1.15's `substr(input, pos, len, name=None, unit="BYTE")`. */
const SUBSTR_PARAMS = [
  req("input", tensorKind),
  req("pos", tensorKind),
  req("len", tensorKind),
  opt("name", stringKind),
  opt("unit", stringKind),
] as const;

/**
 * The substring of each string that starts at `pos` and is `len` long (`tf.strings.substr`,
 * `tf.substr`; op `Substr`), in bytes or, with `unit: "UTF8_CHAR"`, in UTF-8 characters. A
 * negative `pos` counts from the end; `len` is cut at the end of the string; a `pos` beyond
 * it fails the run (TF's `pos 7 out of range for string b'Hello' at index 0`). `pos` and
 * `len` have one shape: a scalar, the input's, or one that broadcasts with it.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.strings.substr(["Hello", "World"], 1, 3)).toArray(); // ==> ell,orl
 * sess.run(tf.strings.substr("héllo", 1, 2, { unit: "UTF8_CHAR" })).item(); // ==> él
 * ```
 */
export const substr = tfFunction("strings.substr", SUBSTR_PARAMS, (a) =>
  inOpScope(a.name, "Substr", [a.input, a.pos, a.len], (scope, graph) => {
    const input = convertToTensor(a.input, { name: "input", dtype: "string" });
    const pos = convertToTensor(a.pos, { name: "pos", preferredDtype: "int32" });
    const len = convertToTensor(a.len, { name: "len", preferredDtype: pos.dtype });
    const shape = substrShape(opNameOf(scope), [input.shape, pos.shape, len.shape]);
    return makeOp(graph, "Substr", scope, [input, pos, len], [{ dtype: "string", shape }], {
      T: pos.dtype,
      unit: a.unit ?? "BYTE",
    }).outputs[0] as Tensor;
  }),
);
