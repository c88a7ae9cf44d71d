/**
 * The `checkpoint` state file: a tensorflow.CheckpointState (src/proto/tensorflow/python/training/checkpoint_state.proto)
 * in protobuf *text* format, as Python's `text_format.MessageToString` writes it
 * from `update_checkpoint_state_internal` (tensorflow/python/checkpoint/checkpoint_management.py):
 *
 *   model_checkpoint_path: "model.ckpt-200"
 *   all_model_checkpoint_paths: "model.ckpt-100"
 *   all_model_checkpoint_paths: "model.ckpt-200"
 *   all_model_checkpoint_timestamps: 1568832812.2891152
 *   last_preserved_timestamp: 1568832700.0
 *
 * Pure string handling; ../file_io.ts reads and writes the file.
 */
import { CheckpointFormatError } from "./errors.js";

/** Decoded CheckpointState; paths are exactly as stored (relative to the directory or absolute). */
export interface CheckpointState {
  /** Prefix of the newest checkpoint; "" when unset. */
  modelCheckpointPath: string;
  /** Prefixes of kept checkpoints, oldest first. */
  allModelCheckpointPaths: string[];
  /** Seconds since the epoch for each kept checkpoint (TF 1.13+; may be empty). */
  allModelCheckpointTimestamps: number[];
  /** 0 when unset. */
  lastPreservedTimestamp: number;
}

// Python's CEscape(as_utf8=False): named escapes for these, octal for other non-printables
// and for every byte of a non-ASCII character's UTF-8 encoding.
const NAMED_ESCAPES: Readonly<Record<number, string>> = {
  9: "\\t",
  10: "\\n",
  13: "\\r",
  34: '\\"',
  39: "\\'",
  92: "\\\\",
};

function escapeTextFormatString(s: string): string {
  let out = "";
  for (const b of new TextEncoder().encode(s)) {
    const named = NAMED_ESCAPES[b];
    if (named !== undefined) out += named;
    else if (b < 32 || b >= 127) out += "\\" + b.toString(8).padStart(3, "0");
    else out += String.fromCharCode(b);
  }
  return `"${out}"`;
}

/**
 * Formats a double as Python's `str(float)` does (shortest round-trip digits,
 * exponent form below 1e-4 or from 1e16, always a decimal point otherwise),
 * so files match TF's byte for byte.
 *
 * @example
 * ```ts
 * formatPythonFloat(1568832900); // ==> 1568832900.0
 * formatPythonFloat(1e-5); // ==> 1e-05
 * ```
 */
export function formatPythonFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = x.toExponential().split("e");
  const exp = Number(expText);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = negative ? "-" : "";
  if (exp < -4 || exp >= 16) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : "";
    const e = Math.abs(exp).toString().padStart(2, "0");
    return `${sign}${digits[0]}${frac}e${exp < 0 ? "-" : "+"}${e}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const fracPart = digits.slice(exp + 1);
  return `${sign}${intPart}.${fracPart === "" ? "0" : fracPart}`;
}

/**
 * Serializes a CheckpointState exactly as TF's Python writes the `checkpoint` file.
 *
 * @example
 * ```ts
 * const text = formatCheckpointState({ modelCheckpointPath: "model.ckpt", allModelCheckpointPaths: ["model.ckpt"],
 *   allModelCheckpointTimestamps: [], lastPreservedTimestamp: 0 });
 * text; // ==> model_checkpoint_path: "model.ckpt"
 *       //     all_model_checkpoint_paths: "model.ckpt"
 *       //
 * ```
 */
export function formatCheckpointState(state: CheckpointState): string {
  const lines: string[] = [];
  if (state.modelCheckpointPath !== "")
    lines.push(`model_checkpoint_path: ${escapeTextFormatString(state.modelCheckpointPath)}`);
  for (const p of state.allModelCheckpointPaths)
    lines.push(`all_model_checkpoint_paths: ${escapeTextFormatString(p)}`);
  for (const t of state.allModelCheckpointTimestamps)
    lines.push(`all_model_checkpoint_timestamps: ${formatPythonFloat(t)}`);
  if (state.lastPreservedTimestamp !== 0)
    lines.push(`last_preserved_timestamp: ${formatPythonFloat(state.lastPreservedTimestamp)}`);
  return lines.map((l) => l + "\n").join("");
}

type Token = {
  kind: "ident" | "string" | "number" | "punct";
  text: string;
  bytes?: Uint8Array;
  line: number;
};

class TextFormatError extends Error {}

/** Appends the bytes one escape sequence stands for; returns the index after it. */
function unescapeAt(src: string, i: number, out: number[], line: number): number {
  const c = src[i];
  const simple: Readonly<Record<string, number>> = {
    n: 10,
    r: 13,
    t: 9,
    a: 7,
    b: 8,
    f: 12,
    v: 11,
    "\\": 92,
    "'": 39,
    '"': 34,
    "?": 63,
  };
  if (c in simple) {
    out.push(simple[c]);
    return i + 1;
  }
  if (/[0-7]/.test(c)) {
    let j = i;
    while (j < i + 3 && /[0-7]/.test(src[j] ?? "")) j++;
    out.push(parseInt(src.slice(i, j), 8) & 0xff);
    return j;
  }
  if (c === "x" || c === "X") {
    let j = i + 1;
    while (j < i + 3 && /[0-9a-fA-F]/.test(src[j] ?? "")) j++;
    if (j === i + 1) throw new TextFormatError(`line ${line}: \\x without hex digits`);
    out.push(parseInt(src.slice(i + 1, j), 16));
    return j;
  }
  if (c === "u" || c === "U") {
    const n = c === "u" ? 4 : 8;
    const hex = src.slice(i + 1, i + 1 + n);
    if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n)
      throw new TextFormatError(`line ${line}: bad \\${c} escape`);
    out.push(...new TextEncoder().encode(String.fromCodePoint(parseInt(hex, 16))));
    return i + 1 + n;
  }
  throw new TextFormatError(`line ${line}: unknown escape \\${c ?? ""}`);
}

function readQuoted(src: string, start: number, line: number): { bytes: number[]; end: number } {
  const quote = src[start];
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  let i = start + 1;
  while (i < src.length && src[i] !== quote) {
    if (src[i] === "\n") throw new TextFormatError(`line ${line}: unterminated string`);
    if (src[i] === "\\") {
      i = unescapeAt(src, i + 1, bytes, line);
    } else {
      const cp = src.codePointAt(i) ?? 0;
      const ch = String.fromCodePoint(cp);
      bytes.push(...encoder.encode(ch));
      i += ch.length;
    }
  }
  if (i >= src.length) throw new TextFormatError(`line ${line}: unterminated string`);
  return { bytes, end: i + 1 };
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === "\n") {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === "#") {
      while (i < src.length && src[i] !== "\n") i++;
    } else if (c === '"' || c === "'") {
      const { bytes, end } = readQuoted(src, i, line);
      tokens.push({ kind: "string", text: src.slice(i, end), bytes: Uint8Array.from(bytes), line });
      i = end;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i)) as RegExpExecArray;
      tokens.push({ kind: "ident", text: m[0], line });
      i += m[0].length;
    } else if (/[-+0-9.]/.test(c)) {
      const m = /^[-+]?(?:inf(?:inity)?|nan|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?[fF]?)/i.exec(
        src.slice(i),
      );
      if (m === null) throw new TextFormatError(`line ${line}: bad number`);
      tokens.push({ kind: "number", text: m[0], line });
      i += m[0].length;
    } else if (":,;[]".includes(c)) {
      tokens.push({ kind: "punct", text: c, line });
      i++;
    } else {
      throw new TextFormatError(`line ${line}: unexpected character '${c}'`);
    }
  }
  return tokens;
}

function parseNumber(tok: Token | undefined, field: string): number {
  if (tok === undefined) throw new TextFormatError(`missing value for ${field}`);
  if (tok.kind === "ident" && /^-?(inf|infinity|nan)$/i.test(tok.text))
    tok = { ...tok, kind: "number" };
  if (tok.kind !== "number")
    throw new TextFormatError(`line ${tok.line}: ${field} needs a number, got ${tok.text}`);
  const t = tok.text.toLowerCase().replace(/(?<=[\d.])f$/, ""); // C-style float suffix, not the f of "inf"
  if (/nan$/.test(t)) return NaN;
  if (/inf(inity)?$/.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  return Number(t);
}

/** Reads one string value: adjacent quoted pieces concatenate, as in C++. */
function parseString(tokens: Token[], pos: number, field: string): { value: string; next: number } {
  const parts: Uint8Array[] = [];
  let i = pos;
  while (tokens[i]?.kind === "string") parts.push(tokens[i++].bytes as Uint8Array);
  if (parts.length === 0) throw new TextFormatError(`${field} needs a quoted string`);
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    joined.set(p, off);
    off += p.length;
  }
  return { value: new TextDecoder().decode(joined), next: i };
}

/** Reads `[a, b, c]` or a single value, calling `one` for each element. */
function parseValues(tokens: Token[], pos: number, one: (pos: number) => number): number {
  if (tokens[pos]?.text !== "[") return one(pos);
  let i = pos + 1;
  while (tokens[i]?.text !== "]") {
    if (tokens[i] === undefined) throw new TextFormatError("unterminated list");
    i = one(i);
    if (tokens[i]?.text === ",") i++;
  }
  return i + 1;
}

const FIELDS = [
  "model_checkpoint_path",
  "all_model_checkpoint_paths",
  "all_model_checkpoint_timestamps",
  "last_preserved_timestamp",
] as const;

function parseField(tokens: Token[], pos: number, state: CheckpointState): number {
  const name = tokens[pos];
  if (name.kind !== "ident" || !(FIELDS as readonly string[]).includes(name.text)) {
    throw new TextFormatError(`line ${name.line}: unknown field '${name.text}' in CheckpointState`);
  }
  let i = pos + 1;
  if (tokens[i]?.text !== ":")
    throw new TextFormatError(`line ${name.line}: expected ':' after ${name.text}`);
  i++;
  const stringValue = (p: number) => {
    const s = parseString(tokens, p, name.text);
    if (name.text === "model_checkpoint_path") state.modelCheckpointPath = s.value;
    else state.allModelCheckpointPaths.push(s.value);
    return s.next;
  };
  const numberValue = (p: number) => {
    const n = parseNumber(tokens[p], name.text);
    if (name.text === "last_preserved_timestamp") state.lastPreservedTimestamp = n;
    else state.allModelCheckpointTimestamps.push(n);
    return p + 1;
  };
  const isRepeated = name.text.startsWith("all_");
  const isString = name.text.endsWith("_path") || name.text.endsWith("_paths");
  const one = isString ? stringValue : numberValue;
  i = isRepeated ? parseValues(tokens, i, one) : one(i);
  if (tokens[i]?.text === "," || tokens[i]?.text === ";") i++;
  return i;
}

/**
 * Parses a `checkpoint` state file (protobuf text format). Throws a
 * CheckpointFormatError naming `file` on malformed text or unknown fields,
 * like TF's `text_format.Merge`.
 *
 * @example
 * ```ts
 * parseCheckpointState('model_checkpoint_path: "model.ckpt-100"\n').modelCheckpointPath; // ==> model.ckpt-100
 * ```
 */
export function parseCheckpointState(text: string, file = "checkpoint"): CheckpointState {
  const state: CheckpointState = {
    modelCheckpointPath: "",
    allModelCheckpointPaths: [],
    allModelCheckpointTimestamps: [],
    lastPreservedTimestamp: 0,
  };
  try {
    const tokens = tokenize(text);
    let i = 0;
    while (i < tokens.length) i = parseField(tokens, i, state);
  } catch (e) {
    if (!(e instanceof TextFormatError)) throw e;
    throw new CheckpointFormatError(
      "corrupt",
      `${file}: cannot parse checkpoint state: ${e.message}`,
      { file },
    );
  }
  return state;
}
