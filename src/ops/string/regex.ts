/**
 * `RegexReplace`, `StaticRegexReplace`, `RegexFullMatch` and `StaticRegexFullMatch` (TF's
 * core/kernels/regex_*_op.cc, on RE2) and `tf.strings.regexReplace` /
 * `tf.strings.regexFullMatch`. RE2 patterns run as JavaScript regular expressions only
 * where the two read a pattern the same way; any other construct is refused.
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
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { noGradient, notDifferentiable, registerOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { bytesOf, debugShape, kernelError, stringTensor, utf8 } from "./string_common.js";

/**
 * An RE2 pattern as the JavaScript source that matches the same strings (with the `u`
 * flag), or the reason it cannot be translated. RE2's `.` excludes only `\n`, its `\s` is
 * `[\t\n\f\r ]`; inline flags, `\A`, `\z`, `\pN`, `\Q…\E`, `\C`, POSIX classes and named
 * groups are RE2's own; backreferences and lookaround are refused by RE2 itself.
 */
export function re2ToJs(pattern: string): { source: string; groups: number } | { error: string } {
  let out = "";
  let groups = 0;
  let inClass = false;
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === "\\") {
      const n = chars[i + 1];
      if (n === undefined) return { error: "trailing \\" };
      i++;
      if (/[1-9]/.test(n)) return { error: `invalid escape sequence: \\${n}` };
      if (n === "s") {
        out += inClass ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]";
        continue;
      }
      if (n === "S") {
        if (inClass) return { error: "scopeflow: \\S inside a character class is not translated" };
        out += "[^\\t\\n\\f\\r ]";
        continue;
      }
      if (n === "0") return { error: "scopeflow: octal escapes are not translated" };
      if ((n === "b" || n === "B") && inClass) {
        return { error: "scopeflow: \\b in a class is not translated" };
      }
      if (n === "x" && chars[i + 1] === "{") {
        return { error: "scopeflow: \\x{...} escapes are not translated" };
      }
      if ("dDwWbBtnfrvx".includes(n) || "^$\\.*+?()[]{}|/".includes(n) || (inClass && n === "-")) {
        out += `\\${n}`;
        continue;
      }
      if (/[a-zA-Z]/.test(n)) {
        return { error: `scopeflow: the RE2 escape \\${n} is not translated to JavaScript` };
      }
      // Other escaped punctuation is that character; JavaScript's u mode takes it bare.
      out += n;
      continue;
    }
    if (inClass) {
      if (c === "[" && chars[i + 1] === ":") {
        return { error: "scopeflow: POSIX character classes ([:alpha:]) are not translated" };
      }
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      if (chars[i + 1] === "^") {
        out += "^";
        i++;
      }
      // A `]` first in a class is a literal in RE2, but closes an empty class in JavaScript.
      if (chars[i + 1] === "]") {
        out += "\\]";
        i++;
      }
      continue;
    }
    if (c === "(") {
      if (chars[i + 1] === "?") {
        if (chars[i + 2] === ":") {
          out += "(?:";
          i += 2;
          continue;
        }
        return {
          error: `scopeflow: the group syntax (?${chars[i + 2] ?? ""} (inline flags, named groups, lookaround) is not translated`,
        };
      }
      groups++;
      out += c;
      continue;
    }
    if (c === ".") {
      out += "[^\\n]";
      continue;
    }
    out += c;
  }
  if (inClass) return { error: `missing ]: ${pattern}` };
  return { source: out, groups };
}

/** The compiled pattern, or TF's "Invalid pattern" error for the op. */
function compile(
  op: Operation,
  pattern: string,
  anchored: boolean,
): { re: RegExp; groups: number } {
  const t = re2ToJs(pattern);
  let error = "error" in t ? t.error : null;
  let re: RegExp | null = null;
  if (!("error" in t)) {
    try {
      re = new RegExp(anchored ? `^(?:${t.source})$` : t.source, "gu");
    } catch (e) {
      error = (e as Error).message;
    }
  }
  if (re === null) throw kernelError(op, `Invalid pattern: ${pattern}, error: ${error}`);
  return { re, groups: (t as { groups: number }).groups };
}

/**
 * RE2's rewrite string applied to one match: `\0`–`\9` insert groups, `\\` a backslash;
 * `null` when RE2 would refuse it (another escape, or a group the pattern lacks), in which
 * case RE2::Replace leaves the string unchanged.
 */
function rewriteFor(rewrite: string, groups: number): ((m: RegExpExecArray) => string) | null {
  const parts: (string | number)[] = [];
  let lit = "";
  for (let i = 0; i < rewrite.length; i++) {
    const c = rewrite[i] as string;
    if (c !== "\\") {
      lit += c;
      continue;
    }
    const n = rewrite[++i];
    if (n === "\\") lit += "\\";
    else if (n !== undefined && /[0-9]/.test(n) && Number(n) <= groups) {
      parts.push(lit, Number(n));
      lit = "";
    } else return null;
  }
  parts.push(lit);
  return (m) => parts.map((p) => (typeof p === "number" ? (m[p] ?? "") : p)).join("");
}

/**
 * RE2::Replace / RE2::GlobalReplace: non-overlapping matches left to right; an empty match
 * right where the previous match ended is skipped (RE2's rule, which JavaScript's `replace`
 * does not have).
 */
function replaceRE2(
  text: string,
  re: RegExp,
  rewrite: (m: RegExpExecArray) => string,
  global: boolean,
): string {
  let out = "";
  let at = 0;
  let lastEnd = -1;
  re.lastIndex = 0;
  while (at <= text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (m === null) break;
    const end = m.index + m[0].length;
    if (m[0].length === 0 && m.index === lastEnd) {
      // Skip one character (a whole code point) and look again.
      if (m.index >= text.length) break;
      const step = (text.codePointAt(m.index) as number) > 0xffff ? 2 : 1;
      out += text.slice(at, m.index + step);
      at = m.index + step;
      continue;
    }
    out += text.slice(at, m.index) + rewrite(m);
    at = end;
    lastEnd = end;
    if (!global) break;
    if (m[0].length === 0) {
      if (at >= text.length) break;
      const step = (text.codePointAt(at) as number) > 0xffff ? 2 : 1;
      out += text.slice(at, at + step);
      at += step;
    }
  }
  return out + text.slice(at);
}

const decode = (b: Uint8Array): string => new TextDecoder().decode(b);

function replaceKernel(
  op: Operation,
  input: tfc.Tensor,
  pattern: string,
  rewrite: string,
  global: boolean,
): tfc.Tensor[] {
  const { re, groups } = compile(op, pattern, false);
  const apply = rewriteFor(rewrite, groups);
  const out = bytesOf(input).map((s) =>
    apply === null ? s : utf8(replaceRE2(decode(s), re, apply, global)),
  );
  return [stringTensor(out, input.shape)];
}

function matchKernel(op: Operation, input: tfc.Tensor, pattern: string): tfc.Tensor[] {
  const { re } = compile(op, pattern, true);
  const out = Uint8Array.from(bytesOf(input), (s) => {
    re.lastIndex = 0;
    return re.test(decode(s)) ? 1 : 0;
  });
  return [tfc.tensor(out, input.shape, "bool")];
}

/** A scalar string input's value, or TF's "must be scalar" error. */
function scalarString(op: Operation, t: tfc.Tensor, what: string): string {
  if (t.rank !== 0) {
    throw kernelError(op, `${what} must be scalar, but received ${debugShape(t.shape)}`);
  }
  return decode(bytesOf(t)[0] as Uint8Array);
}

/** TF's shape functions: scalar pattern (and rewrite), output shaped as the input. */
function scalarInputsShape(
  opName: string,
  type: string,
  shapes: readonly TensorShape[],
): TensorShape {
  const c = new ShapeInference(opName, type, shapes);
  shapes.slice(1).forEach((s) => c.withRank(s, 0));
  return shapes[0] as TensorShape;
}

registerOp({
  type: "RegexReplace",
  opDef: {
    inputs: ["input: string", "pattern: string", "rewrite: string"],
    outputs: ["output: string"],
    attrs: ["replace_global: bool = true"],
  },
  inferShapes: (op) => [
    scalarInputsShape(
      op.name,
      op.type,
      op.inputs.map((t) => t.shape),
    ),
  ],
  kernel: (inputs, op) => {
    const [input, p, r] = inputs as [tfc.Tensor, tfc.Tensor, tfc.Tensor];
    const pattern = scalarString(op, p, "Pattern");
    const rewrite = scalarString(op, r, "Rewrite");
    return replaceKernel(op, input, pattern, rewrite, op.attrs.replace_global !== false);
  },
});

registerOp({
  type: "StaticRegexReplace",
  opDef: {
    inputs: ["input: string"],
    outputs: ["output: string"],
    attrs: ["pattern: string", "rewrite: string", "replace_global: bool = true"],
  },
  inferShapes: (op) => [(op.inputs[0] as Tensor).shape],
  kernel: (inputs, op) =>
    replaceKernel(
      op,
      inputs[0] as tfc.Tensor,
      op.attrs.pattern as string,
      op.attrs.rewrite as string,
      op.attrs.replace_global !== false,
    ),
});

registerOp({
  type: "RegexFullMatch",
  opDef: { inputs: ["input: string", "pattern: string"], outputs: ["output: bool"] },
  inferShapes: (op) => [
    scalarInputsShape(
      op.name,
      op.type,
      op.inputs.map((t) => t.shape),
    ),
  ],
  kernel: (inputs, op) => {
    const [input, p] = inputs as [tfc.Tensor, tfc.Tensor];
    return matchKernel(op, input, scalarString(op, p, "Pattern"));
  },
});

registerOp({
  type: "StaticRegexFullMatch",
  opDef: { inputs: ["input: string"], outputs: ["output: bool"], attrs: ["pattern: string"] },
  inferShapes: (op) => [(op.inputs[0] as Tensor).shape],
  kernel: (inputs, op) => matchKernel(op, inputs[0] as tfc.Tensor, op.attrs.pattern as string),
});
// string_ops.py declares RegexReplace not differentiable; the others it leaves out.
notDifferentiable("RegexReplace");
noGradient(false, "StaticRegexReplace", "RegexFullMatch", "StaticRegexFullMatch");

/** Builds one of the regex ops over converted string inputs, named as gen_string_ops does. */
function regexOp(
  type: string,
  inputs: readonly [string, TensorLike][],
  outDtype: "string" | "bool",
  attrs: Record<string, string | boolean>,
  name: string | undefined,
): Tensor {
  return inOpScope(
    name,
    type,
    inputs.map(([, v]) => v),
    (scope, graph) => {
      const ts = inputs.map(([n, v]) => convertToTensor(v, { name: n, dtype: "string" }));
      const shape = scalarInputsShape(
        opNameOf(scope),
        type,
        ts.map((t) => t.shape),
      );
      return makeOp(graph, type, scope, ts, [{ dtype: outDtype, shape }], attrs)
        .outputs[0] as Tensor;
    },
  );
}

/** TF 1.15's `strings.regex_replace(input, pattern, rewrite, replace_global=True, name=None)`. */
const REPLACE_PARAMS = [
  req("input", tensorKind),
  req("pattern", tensorKind),
  req("rewrite", tensorKind),
  opt("replaceGlobal", booleanKind),
  opt("name", stringKind),
] as const;

/**
 * Replaces the matches of the RE2 `pattern` in each string with `rewrite`, whose `\1`–`\9`
 * insert groups (`tf.strings.regexReplace`, `tf.regexReplace`): all matches, or the first
 * with `replaceGlobal: false`. Static strings build `StaticRegexReplace`, tensors
 * `RegexReplace`, as TF does. Patterns that JavaScript would read differently from RE2
 * (inline flags, `\pN`, POSIX classes, …) fail the run.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.strings.regexReplace(["a1b22", "c"], "[0-9]+", "#")).toArray(); // ==> a#b#,c
 * sess.run(tf.strings.regexReplace("John Smith", "(\\w+) (\\w+)", "\\2, \\1")).item(); // ==> Smith, John
 * ```
 */
export const regexReplace = tfFunction("strings.regexReplace", REPLACE_PARAMS, (a) => {
  const replaceGlobal = a.replaceGlobal ?? true;
  if (typeof a.pattern === "string" && typeof a.rewrite === "string") {
    return regexOp(
      "StaticRegexReplace",
      [["input", a.input]],
      "string",
      { pattern: a.pattern, rewrite: a.rewrite, replace_global: replaceGlobal },
      a.name,
    );
  }
  return regexOp(
    "RegexReplace",
    [
      ["input", a.input],
      ["pattern", a.pattern],
      ["rewrite", a.rewrite],
    ],
    "string",
    { replace_global: replaceGlobal },
    a.name,
  );
});

/** TF 1.15's `strings.regex_full_match(input, pattern, name=None)`. */
const FULL_MATCH_PARAMS = [
  req("input", tensorKind),
  req("pattern", tensorKind),
  opt("name", stringKind),
] as const;

/**
 * Whether each whole string matches the RE2 `pattern` (`tf.strings.regexFullMatch`): a
 * static string builds `StaticRegexFullMatch`, a tensor `RegexFullMatch`, as TF does.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.strings.regexFullMatch(["TF lib", "lib TF"], "TF.*")).toArray(); // ==> true,false
 * ```
 */
export const regexFullMatch = tfFunction("strings.regexFullMatch", FULL_MATCH_PARAMS, (a) => {
  if (typeof a.pattern === "string") {
    return regexOp(
      "StaticRegexFullMatch",
      [["input", a.input]],
      "bool",
      { pattern: a.pattern },
      a.name,
    );
  }
  return regexOp(
    "RegexFullMatch",
    [
      ["input", a.input],
      ["pattern", a.pattern],
    ],
    "bool",
    {},
    a.name,
  );
});
