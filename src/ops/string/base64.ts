/**
 * `EncodeBase64` and `DecodeBase64` (TF's core/kernels/base64_ops.cc on
 * core/lib/strings/base64.cc) and `tf.io.encodeBase64` / `tf.io.decodeBase64`: the web-safe
 * alphabet (`-` and `_`), padding optional when decoding.
 */
import * as tfc from "@tensorflow/tfjs-core";
import {
  booleanKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor } from "../../graph/tensor.js";
import { notDifferentiable, registerOp } from "../registry.js";
import { bytesOf, kernelError, stringTensor, unaryStringOp } from "./string_common.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const CODES = new Int16Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) CODES[ALPHABET.charCodeAt(i)] = i;
const PAD = 0x3d; // '='

/** TF's `Base64Encode` with the web-safe alphabet. */
function encode(s: Uint8Array, pad: boolean): Uint8Array {
  let out = "";
  for (let i = 0; i < s.length; i += 3) {
    const n = s.length - i;
    const v =
      ((s[i] as number) << 16) |
      ((n > 1 ? (s[i + 1] as number) : 0) << 8) |
      (n > 2 ? (s[i + 2] as number) : 0);
    out += ALPHABET[(v >> 18) & 63]! + ALPHABET[(v >> 12) & 63]!;
    out += n > 1 ? ALPHABET[(v >> 6) & 63]! : pad ? "=" : "";
    out += n > 2 ? ALPHABET[v & 63]! : pad ? "=" : "";
  }
  return new TextEncoder().encode(out);
}

/**
 * TF's `Base64Decode`, in its order: every group of four but the last decoded first (a
 * character outside the web-safe alphabet, `=` included, is an error there); then up to two
 * `=` dropped from a last group of four; a last group of one is refused.
 */
function decode(s: Uint8Array): Uint8Array | string {
  if (s.length === 0) return new Uint8Array();
  const out: number[] = [];
  const group = (at: number, count: number): boolean => {
    let v = 0;
    for (let j = 0; j < 4; j++) {
      const c = j < count ? (CODES[s[at + j] as number] as number) : 0;
      if (c < 0) return false;
      v = (v << 6) | c;
    }
    out.push((v >> 16) & 255, (v >> 8) & 255, v & 255);
    return true;
  };
  let at = 0;
  while (s.length - at > 4) {
    if (!group(at, 4)) return "Invalid character found in base64.";
    at += 4;
  }
  let end = s.length;
  if (end - at === 4) {
    if (s[at + 2] === PAD && s[at + 3] === PAD) end -= 2;
    else if (s[at + 3] === PAD) end -= 1;
  }
  const remain = end - at;
  if (remain === 1) return "Base64 string length cannot be 1 modulo 4.";
  if (!group(at, remain)) return "Invalid character found in base64.";
  out.length -= 4 - remain;
  return Uint8Array.from(out);
}

registerOp({
  type: "EncodeBase64",
  opDef: { inputs: ["input: string"], outputs: ["output: string"], attrs: ["pad: bool = false"] },
  inferShapes: (op) => [(op.inputs[0] as Tensor).shape],
  kernel: (inputs, op) => {
    const input = inputs[0] as tfc.Tensor;
    const pad = op.attrs.pad === true;
    return [
      stringTensor(
        bytesOf(input).map((s) => encode(s, pad)),
        input.shape,
      ),
    ];
  },
});

registerOp({
  type: "DecodeBase64",
  opDef: { inputs: ["input: string"], outputs: ["output: string"] },
  inferShapes: (op) => [(op.inputs[0] as Tensor).shape],
  kernel: (inputs, op: Operation) => {
    const input = inputs[0] as tfc.Tensor;
    const out = bytesOf(input).map((s) => {
      const d = decode(s);
      if (typeof d === "string") throw kernelError(op, d);
      return d;
    });
    return [stringTensor(out, input.shape)];
  },
});
notDifferentiable("EncodeBase64", "DecodeBase64");

/** TF 1.15's `io.encode_base64(input, pad=False, name=None)`. */
const ENCODE_PARAMS = [
  req("input", tensorKind),
  opt("pad", booleanKind),
  opt("name", stringKind),
] as const;

/**
 * Encodes each string in web-safe base64 (`-` and `_` for `+` and `/`), padded with `=`
 * only when `pad` is true (`tf.io.encodeBase64`, `tf.encodeBase64`; op `EncodeBase64`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.io.encodeBase64(["hello", "\u00ff\u00fe"])).toArray(); // ==> aGVsbG8,w7_Dvg
 * sess.run(tf.io.encodeBase64(["hello"], true)).toArray(); // ==> aGVsbG8=
 * ```
 */
export const encodeBase64 = tfFunction("io.encodeBase64", ENCODE_PARAMS, (a) =>
  unaryStringOp("EncodeBase64", a.input, "string", { pad: a.pad ?? false }, a.name),
);

/** TF 1.15's `io.decode_base64(input, name=None)`. */
const DECODE_PARAMS = [req("input", tensorKind), opt("name", stringKind)] as const;

/**
 * Decodes web-safe base64 strings, padded or not (`tf.io.decodeBase64`, `tf.decodeBase64`;
 * op `DecodeBase64`); a character outside the web-safe alphabet, or a length of 1 modulo 4,
 * fails the run with TF's message.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.io.decodeBase64(["aGVsbG8", "aGVsbG8="])).toArray(); // ==> hello,hello
 * ```
 */
export const decodeBase64 = tfFunction("io.decodeBase64", DECODE_PARAMS, (a) =>
  unaryStringOp("DecodeBase64", a.input, "string", {}, a.name),
);
