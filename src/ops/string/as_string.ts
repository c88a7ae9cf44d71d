/**
 * `AsString` (TF's core/kernels/as_string_op.cc) and `tf.asString` / `tf.strings.asString`:
 * numbers written by the C `printf` format TF's kernel builds from the attrs — `%` then the
 * fill character (a printf flag) and width, `.precision`, and `d`, `lld`, `f`, `e` or `g` —
 * and booleans as `true`/`false`.
 */
import * as tfc from "@tensorflow/tfjs-core";
import {
  booleanKind,
  intKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import type { Tensor } from "../../graph/tensor.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { notDifferentiable, registerOp } from "../registry.js";
import { kernelError, stringTensor, utf8 } from "./string_common.js";

/** A parsed `%[flags][width][.precision]conv` as TF's AsString builds it. */
interface PrintfSpec {
  left: boolean;
  plus: boolean;
  space: boolean;
  alt: boolean;
  zero: boolean;
  width: number;
  precision: number | null;
  conv: "d" | "f" | "e" | "g";
}

/**
 * A finite double's exact decimal expansion: `digits` (no leading zeros, "0" for zero)
 * times 10^-`scale`. Every double is m·2^e, so m·5^-e / 10^-e is exact.
 */
function exactDecimal(x: number): { digits: bigint; scale: number } {
  if (x === 0) return { digits: 0n, scale: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exp: number;
  if (biased === 0) exp = -1074;
  else {
    mantissa |= 1n << 52n;
    exp = biased - 1075;
  }
  if (exp >= 0) return { digits: mantissa << BigInt(exp), scale: 0 };
  return { digits: mantissa * 5n ** BigInt(-exp), scale: -exp };
}

/** `digits`·10^-`scale` rounded to `places` decimals, ties to even (glibc's exact rounding). */
function roundTo(digits: bigint, scale: number, places: number): bigint {
  if (scale <= places) return digits * 10n ** BigInt(places - scale);
  const div = 10n ** BigInt(scale - places);
  const q = digits / div;
  const r = digits % div;
  const twice = r * 2n;
  if (twice > div || (twice === div && q % 2n === 1n)) return q + 1n;
  return q;
}

/** `%.<p>f` of |x|: the digits with a point `p` places from the right. */
function fixed(x: number, p: number, alt: boolean): string {
  const { digits, scale } = exactDecimal(x);
  const s = roundTo(digits, scale, p)
    .toString()
    .padStart(p + 1, "0");
  const int = s.slice(0, s.length - p);
  const frac = s.slice(s.length - p);
  return p > 0 ? `${int}.${frac}` : alt ? `${int}.` : int;
}

/** `%.<p>e` of |x|, and the decimal exponent it used. */
function scientific(x: number, p: number, alt: boolean): [string, number] {
  const { digits, scale } = exactDecimal(x);
  let exp = 0;
  let mant = "0".repeat(p + 1);
  if (digits !== 0n) {
    const len = digits.toString().length;
    exp = len - 1 - scale;
    // Round to p+1 significant digits; a carry (9.99 → 10.0) moves the exponent.
    let r = roundTo(digits, len - 1, p);
    if (r.toString().length > p + 1) {
      r /= 10n;
      exp += 1;
    }
    mant = r.toString();
  }
  const body = p > 0 ? `${mant[0]}.${mant.slice(1)}` : alt ? `${mant}.` : mant;
  const e = Math.abs(exp).toString().padStart(2, "0");
  return [`${body}e${exp < 0 ? "-" : "+"}${e}`, exp];
}

/** `%.<p>g` of |x|: C's choice between `e` and `f`, trailing zeros dropped unless `#`. */
function general(x: number, p: number, alt: boolean): string {
  const precision = p === 0 ? 1 : p;
  const [, exp] = scientific(x, precision - 1, alt);
  const out =
    exp < -4 || exp >= precision
      ? scientific(x, precision - 1, alt)[0]
      : fixed(x, precision - 1 - exp, alt);
  return alt ? out : stripZeros(out);
}

/** `%g`'s removal of trailing fractional zeros (and a bare point) from the mantissa. */
function stripZeros(s: string): string {
  const [mant, exp] = s.split("e") as [string, string | undefined];
  let m = mant;
  if (m.includes(".")) m = m.replace(/0+$/, "").replace(/\.$/, "");
  return exp === undefined ? m : `${m}e${exp}`;
}

/** One number under `spec`, as C's `printf` writes it. */
export function printfNumber(value: number | bigint, spec: PrintfSpec): string {
  let sign = "";
  let body: string;
  let finite = true;
  if (typeof value === "bigint" || spec.conv === "d") {
    const v = BigInt(value);
    if (v < 0n) sign = "-";
    body = (v < 0n ? -v : v).toString();
  } else {
    const x = value;
    if (x < 0 || Object.is(x, -0)) sign = "-";
    const p = spec.precision ?? 6;
    if (!Number.isFinite(x)) {
      finite = false;
      body = Number.isNaN(x) ? "nan" : "inf";
      if (Number.isNaN(x)) sign = "";
    } else if (spec.conv === "f") body = fixed(Math.abs(x), p, spec.alt);
    else if (spec.conv === "e") body = scientific(Math.abs(x), p, spec.alt)[0];
    else body = general(Math.abs(x), p, spec.alt);
  }
  if (sign === "") sign = spec.plus ? "+" : spec.space ? " " : "";
  const pad = spec.width - sign.length - body.length;
  if (pad <= 0) return sign + body;
  if (spec.left) return sign + body + " ".repeat(pad);
  if (spec.zero && finite) return sign + "0".repeat(pad) + body;
  return " ".repeat(pad) + sign + body;
}

/** What TF's AsString kernel checks of its attrs when it is made, for `dtype`. */
function asStringSpec(
  attrs: Readonly<Record<string, unknown>>,
  dtype: string,
): PrintfSpec | string {
  const precision = (attrs.precision ?? -1) as number;
  const sci = (attrs.scientific ?? false) as boolean;
  const shortest = (attrs.shortest ?? false) as boolean;
  const width = (attrs.width ?? -1) as number;
  const fill = utf8((attrs.fill ?? "") as string);
  const isFloat = dtype === "float32";
  const tfName = { float32: "float", int32: "int32", int64: "int64", bool: "bool" }[dtype] ?? dtype;
  if (!isFloat) {
    if (sci || shortest)
      return `scientific and shortest format not supported for datatype ${tfName}`;
    if (precision >= 0) return `precision not supported for datatype ${tfName}`;
  }
  if (fill.length > 1) return "Fill string must be one or fewer characters";
  if (sci && shortest) return "Cannot select both scientific and shortest notation";
  const flag = width > -1 && fill.length === 1 ? String.fromCharCode(fill[0] as number) : "";
  if (flag !== "" && !"-+ #0".includes(flag)) {
    // TF pastes the fill into its printf format, where another character is no flag: the
    // format then means something else (a fill of "x" prints hex), which scopeflow does not copy.
    return `scopeflow: fill '${flag}' is not a printf flag (TF pastes it into its format as is); use one of '0', ' ', '-', '+', '#' or none`;
  }
  return {
    left: flag === "-",
    plus: flag === "+",
    space: flag === " ",
    alt: flag === "#",
    zero: flag === "0",
    width: Math.max(width, 0),
    precision: precision > -1 ? precision : null,
    conv: isFloat ? (shortest ? "g" : sci ? "e" : "f") : "d",
  };
}

registerOp({
  type: "AsString",
  opDef: {
    inputs: ["input: T"],
    outputs: ["output: string"],
    attrs: [
      "T: {int8, int16, int32, int64, complex64, complex128, float, double, bool}",
      "precision: int = -1",
      "scientific: bool = false",
      "shortest: bool = false",
      "width: int = -1",
      "fill: string = ''",
    ],
  },
  inferShapes: (op) => [(op.inputs[0] as Tensor).shape],
  kernel: (inputs, op) => {
    const input = inputs[0] as tfc.Tensor;
    const dtype = op.attrs.T as string;
    const spec = asStringSpec(op.attrs, dtype);
    if (typeof spec === "string") throw kernelError(op, spec);
    const values = input.dataSync() as Float32Array | Int32Array | Uint8Array;
    const out = Array.from(values, (v) =>
      utf8(dtype === "bool" ? (v ? "true" : "false") : printfNumber(v, spec)),
    );
    return [stringTensor(out, input.shape)];
  },
});
notDifferentiable("AsString");

/**
 * TF 1.15's `as_string(input, precision=-1, scientific=False, shortest=False, width=-1,
 * fill="", name=None)`.
 */
const AS_STRING_PARAMS = [
  req("input", tensorKind),
  opt("precision", intKind),
  opt("scientific", booleanKind),
  opt("shortest", booleanKind),
  opt("width", intKind),
  opt("fill", stringKind),
  opt("name", stringKind),
] as const;

/**
 * Writes each number as text (`tf.asString`, `tf.strings.asString`; op `AsString`) with
 * C's `printf`, as TF does: floats `%f` (or `%e` with `scientific`, `%g` with `shortest`)
 * with `precision` digits, integers `%d`, padded to `width` with `fill` (`"0"`, or spaces);
 * booleans as `true`/`false`. Options a dtype does not take fail the run with TF's message.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.asString([0.5, -2])).toArray(); // ==> 0.500000,-2.000000
 * sess.run(tf.asString(tf.constant([7, 42], tf.int32), { width: 4, fill: "0" })).toArray(); // ==> 0007,0042
 * sess.run(tf.strings.asString([1e-5], { shortest: true })).toArray(); // ==> 1e-05
 * ```
 */
export const asString = tfFunction("asString", AS_STRING_PARAMS, (a) =>
  inOpScope(a.name, "AsString", [a.input], (scope, graph) => {
    const input = convertToTensor(a.input, { name: "input" });
    return makeOp(graph, "AsString", scope, [input], [{ dtype: "string", shape: input.shape }], {
      T: input.dtype,
      precision: a.precision ?? -1,
      scientific: a.scientific ?? false,
      shortest: a.shortest ?? false,
      width: a.width ?? -1,
      fill: a.fill ?? "",
    }).outputs[0] as Tensor;
  }),
);
