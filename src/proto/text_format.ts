/**
 * Protocol-buffer text format (`.pbtxt`), printed the way TensorFlow's Python
 * writes it (`text_format.MessageToString`, what `tf.io.write_graph(as_text=True)`
 * and `SavedModelBuilder.save(as_text=True)` call) and parsed the way
 * `text_format.Merge` accepts it. protobufjs has no TF-compatible text format,
 * so this walks messages with the field metadata in reflect.ts.
 *
 * What "as TF prints it" means here:
 * - fields in field-number order; proto3 scalars only when not the default,
 *   oneof members whenever set (an AttrValue `s: ""` is printed);
 * - `name: value` for scalars, `name {` … `}` with two-space indents for messages,
 *   one line per element for repeated fields (never `[a, b]` lists);
 * - map fields as repeated `name { key: … value … }` entries sorted by key;
 * - enums by value name (a number when the value has no name);
 * - strings and bytes with CEscape: `\n \r \t \" \' \\`, other bytes outside
 *   32..126 as three-digit octal; string fields are UTF-8 encoded first;
 * - float fields as the shortest decimal (of at least 6 significant digits) that
 *   reads back as the same float32, and doubles as the shortest that reads back as
 *   the same double, both spelled as Python's `repr` spells floats (`2.0`, `1e-05`,
 *   `inf`, `nan`);
 * - google.protobuf.Any as its `type_url` and `value` bytes (TF passes no
 *   descriptor pool, so Python does not expand it); the parser also reads the
 *   expanded `[type.googleapis.com/Name] { … }` form.
 */
import protobuf from "protobufjs/minimal.js";
import {
  type FieldInfo,
  type MessageInfo,
  type ScalarType,
  INT64_TYPES,
  hasMessageType,
  messageInfo,
} from "./reflect.js";

/** A decoded or parsed message: fields by their camelCase names. */
export type ProtoObject = { [field: string]: unknown };

/** A malformed `.pbtxt`: the message says where (`line:column`) and what. */
export class TextFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TextFormatError";
  }
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

// ---------------------------------------------------------------- printing

/** CEscape as TF (C++ strings::CEscape and Python text_encoding.CEscape) spells it. */
export function cEscape(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) {
    switch (b) {
      case 0x0a:
        out += "\\n";
        break;
      case 0x0d:
        out += "\\r";
        break;
      case 0x09:
        out += "\\t";
        break;
      case 0x22:
        out += '\\"';
        break;
      case 0x27:
        out += "\\'";
        break;
      case 0x5c:
        out += "\\\\";
        break;
      default:
        out +=
          b < 0x20 || b >= 0x7f ? "\\" + b.toString(8).padStart(3, "0") : String.fromCharCode(b);
    }
  }
  return out;
}

/** Python's `repr` spelling of a double given its shortest round-trip digits. */
function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  // toExponential() with no argument gives the shortest round-trip digits.
  const [mant, expStr] = Math.abs(x).toExponential().split("e");
  const digits = mant.replace(".", "");
  const exp = Number(expStr);
  // Python repr uses exponent notation when the decimal exponent is < -4 or >= 16.
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, "0");
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${e}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${"0".repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/**
 * A float32 value as TF's Python prints float fields: the value rounded to the
 * fewest significant digits (at least 6) that read back as the same float32,
 * spelled as Python spells that double.
 */
export function formatFloat32(x: number): string {
  if (!Number.isFinite(x) || x === 0) return pythonFloatRepr(x);
  const f = Math.fround(x);
  for (let p = 6; p < 17; p++) {
    const v = Number(f.toPrecision(p));
    if (Math.fround(v) === f) return pythonFloatRepr(v);
  }
  return pythonFloatRepr(f);
}

/** A double as Python's repr prints it (shortest round-trip digits). */
export function formatDouble(x: number): string {
  return pythonFloatRepr(x);
}

/** C's `%.{precision}g`, as C++'s SimpleFtoa/SimpleDtoa produce it. */
function cFormatG(x: number, precision: number): string {
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const a = Math.abs(x);
  if (a === 0) return `${sign}0`;
  const [mant, expStr] = a.toExponential(precision - 1).split("e");
  const exp = Number(expStr);
  const strip = (m: string): string =>
    m.includes(".") ? m.replace(/0+$/, "").replace(/\.$/, "") : m;
  if (exp < -4 || exp >= precision) {
    return `${sign}${strip(mant)}e${exp < 0 ? "-" : "+"}${Math.abs(exp).toString().padStart(2, "0")}`;
  }
  return sign + strip(a.toFixed(Math.max(0, precision - 1 - exp)));
}

function cppFloat(
  x: number,
  digits: number,
  maxDigits: number,
  same: (v: number) => boolean,
): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const short = cFormatG(x, digits);
  return same(Number(short)) ? short : cFormatG(x, maxDigits);
}

/**
 * A float32 (`double` false) or float64 value as TF's C++ `StrCat` spells it (`%.6g` or
 * `%.15g`, with more digits only when those do not read back as the same value).
 */
export function cppFloatString(x: number, double: boolean): string {
  if (double) return cppFloat(x, 15, 17, (y) => y === x);
  const f = Math.fround(x);
  return cppFloat(f, 6, 9, (y) => Math.fround(y) === f);
}

/**
 * How floating-point fields are spelled: `"python"` as TF's Python writes
 * `.pbtxt` files (graphs, SavedModels), `"cpp"` as TF's C++ does (SimpleFtoa /
 * SimpleDtoa: `%.6g`/`%.15g`, more digits only when needed, e.g. `ops.pbtxt`),
 * `"python-exact"` as TF's `write_graph` does (`float_format=''`: a float field's
 * value as the double it widens to, `0.10000000149011612`).
 */
export type FloatStyle = "python" | "cpp" | "python-exact";

/** Options of `toText`. */
export interface TextFormatOptions {
  /** Default `"python"`. */
  floatStyle?: FloatStyle;
}

let floatStyle: FloatStyle = "python";

function int64String(v: unknown): string {
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "string") return String(v);
  if (v !== null && typeof v === "object" && "low" in v && "high" in v) {
    const { low, high, unsigned } = v as { low: number; high: number; unsigned?: boolean };
    const big = (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
    return (unsigned ? big : BigInt.asIntN(64, big)).toString();
  }
  throw new TypeError(`not a 64-bit integer value: ${String(v)}`);
}

function formatScalar(type: ScalarType, v: unknown): string {
  switch (type) {
    case "string":
      return `"${cEscape(utf8Encoder.encode(String(v)))}"`;
    case "bytes":
      return `"${cEscape(toBytes(v))}"`;
    case "bool":
      return v ? "true" : "false";
    case "float": {
      const x = Math.fround(Number(v));
      if (floatStyle === "python-exact") return formatDouble(x);
      return floatStyle === "cpp"
        ? cppFloat(x, 6, 9, (y) => Math.fround(y) === x)
        : formatFloat32(x);
    }
    case "double": {
      const x = Number(v);
      return floatStyle === "cpp" ? cppFloat(x, 15, 17, (y) => y === x) : formatDouble(x);
    }
    default:
      return INT64_TYPES.has(type) ? int64String(v) : String(v);
  }
}

function toBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === "string") return utf8Encoder.encode(v);
  throw new TypeError("bytes field holds neither a Uint8Array nor a string");
}

function isDefaultScalar(type: ScalarType, v: unknown): boolean {
  switch (type) {
    case "string":
      return v === "";
    case "bytes":
      return toBytes(v).length === 0;
    case "bool":
      return v === false;
    default:
      if (INT64_TYPES.has(type)) return int64String(v) === "0";
      // -0.0 is not the default in proto3's eyes (its bits differ), as in C++.
      return v === 0 && !Object.is(v, -0);
  }
}

function compareKeys(type: ScalarType, a: string, b: string): number {
  if (type === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (type === "bool") return (a === "true" ? 1 : 0) - (b === "true" ? 1 : 0);
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function printValue(f: FieldInfo, v: unknown, name: string, indent: string, out: string[]): void {
  const value = f.value;
  if (value.kind === "message") {
    const info = value.message();
    out.push(`${indent}${name} {\n`);
    printFields(info, v as ProtoObject, indent + "  ", out);
    out.push(`${indent}}\n`);
  } else if (value.kind === "enum") {
    const n = Number(v);
    out.push(`${indent}${name}: ${value.enumInfo.byNumber.get(n) ?? String(n)}\n`);
  } else {
    out.push(`${indent}${name}: ${formatScalar(value.scalar, v)}\n`);
  }
}

function printFields(info: MessageInfo, msg: ProtoObject, indent: string, out: string[]): void {
  for (const f of info.fields) {
    const v = msg[f.jsName];
    if (v === undefined || v === null) continue;
    if (f.mapKey) {
      const keyType = f.mapKey;
      const entries = v as Record<string, unknown>;
      const keys = Object.keys(entries).sort((a, b) => compareKeys(keyType, a, b));
      for (const k of keys) {
        out.push(`${indent}${f.name} {\n`);
        const inner = indent + "  ";
        const key = keyType === "bool" ? k === "true" : k;
        out.push(`${inner}key: ${formatScalar(keyType, key)}\n`);
        printValue(f, entries[k], "value", inner, out);
        out.push(`${indent}}\n`);
      }
    } else if (f.repeated) {
      for (const item of v as unknown[]) printValue(f, item, f.name, indent, out);
    } else {
      if (f.oneof === undefined) {
        if (f.value.kind === "scalar" && isDefaultScalar(f.value.scalar, v)) continue;
        if (f.value.kind === "enum" && Number(v) === 0) continue;
      }
      printValue(f, v, f.name, indent, out);
    }
  }
}

/** Prints a message of type `fullName` in TF's text format. */
export function printTextMessage(
  fullName: string,
  msg: ProtoObject,
  options: TextFormatOptions = {},
): string {
  const style = options.floatStyle ?? "python";
  if (style !== "python" && style !== "cpp" && style !== "python-exact")
    throw new TypeError(
      `floatStyle must be "python", "cpp" or "python-exact", got ${JSON.stringify(style)}`,
    );
  const out: string[] = [];
  const saved = floatStyle;
  floatStyle = style;
  try {
    printFields(messageInfo(fullName), msg, "", out);
  } finally {
    floatStyle = saved;
  }
  return out.join("");
}

// ----------------------------------------------------------------- parsing

type Token =
  | { kind: "ident"; text: string; line: number; col: number }
  | { kind: "number"; text: string; line: number; col: number }
  | { kind: "string"; bytes: Uint8Array; line: number; col: number }
  | { kind: "symbol"; text: string; line: number; col: number }
  | { kind: "eof"; line: number; col: number };

/** Escapes that stand for one byte. */
const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  n: 10,
  r: 13,
  t: 9,
  '"': 34,
  "'": 39,
  "\\": 92,
  a: 7,
  b: 8,
  f: 12,
  v: 11,
  "?": 63,
};

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentStart = (c: number): boolean =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c);

class Tokenizer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  private peeked: Token | undefined;

  constructor(private readonly src: string) {}

  error(at: { line: number; col: number }, message: string): TextFormatError {
    return new TextFormatError(`${at.line}:${at.col} : ${message}`);
  }

  peek(): Token {
    this.peeked ??= this.read();
    return this.peeked;
  }

  next(): Token {
    const t = this.peek();
    this.peeked = undefined;
    return t;
  }

  private skipSpace(): void {
    const s = this.src;
    while (this.pos < s.length) {
      const c = s[this.pos];
      if (c === "\n") {
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
      } else if (c === " " || c === "\t" || c === "\r" || c === "\f" || c === "\v") this.pos++;
      else if (c === "#") {
        while (this.pos < s.length && s[this.pos] !== "\n") this.pos++;
      } else break;
    }
  }

  private read(): Token {
    this.skipSpace();
    const s = this.src;
    const line = this.line;
    const col = this.pos - this.lineStart + 1;
    if (this.pos >= s.length) return { kind: "eof", line, col };
    const c = s[this.pos];
    const code = s.charCodeAt(this.pos);
    if (isIdentStart(code)) {
      let end = this.pos + 1;
      while (end < s.length && isIdentPart(s.charCodeAt(end))) end++;
      const text = s.slice(this.pos, end);
      this.pos = end;
      return { kind: "ident", text, line, col };
    }
    if (
      isDigit(code) ||
      c === "-" ||
      c === "+" ||
      (c === "." && isDigit(s.charCodeAt(this.pos + 1)))
    ) {
      let end = this.pos;
      if (s[end] === "-" || s[end] === "+") end++;
      const hex = s[end] === "0" && (s[end + 1] === "x" || s[end + 1] === "X");
      while (end < s.length && (isIdentPart(s.charCodeAt(end)) || s[end] === ".")) {
        // An exponent sign belongs to the number: 1e-05, 2.5E+10.
        if (
          !hex &&
          (s[end] === "e" || s[end] === "E") &&
          (s[end + 1] === "-" || s[end + 1] === "+")
        )
          end += 2;
        else end++;
      }
      const text = s.slice(this.pos, end);
      this.pos = end;
      return { kind: "number", text, line, col };
    }
    if (c === '"' || c === "'")
      return { kind: "string", bytes: this.readString(c, line, col), line, col };
    this.pos++;
    if ("{}<>[]:,;/.".includes(c)) return { kind: "symbol", text: c, line, col };
    throw this.error({ line, col }, `Unexpected character '${c}'.`);
  }

  private readString(quote: string, line: number, col: number): Uint8Array {
    const s = this.src;
    const bytes: number[] = [];
    this.pos++;
    for (;;) {
      if (this.pos >= s.length || s[this.pos] === "\n")
        throw this.error({ line, col }, "String literal not closed.");
      const c = s[this.pos];
      if (c === quote) {
        this.pos++;
        return Uint8Array.from(bytes);
      }
      if (c !== "\\") {
        const code = s.charCodeAt(this.pos);
        if (code < 0x80) {
          bytes.push(code);
          this.pos++;
          continue;
        }
        // Other characters go in as their UTF-8 bytes.
        const cp = s.codePointAt(this.pos) as number;
        const ch = String.fromCodePoint(cp);
        for (const b of utf8Encoder.encode(ch)) bytes.push(b);
        this.pos += ch.length;
        continue;
      }
      const e = s[this.pos + 1];
      this.pos += 2;

      if (e !== undefined && e in SIMPLE_ESCAPES) bytes.push(SIMPLE_ESCAPES[e]);
      else if (e !== undefined && /[0-7]/.test(e)) {
        let v = Number(e);
        for (let i = 0; i < 2 && /[0-7]/.test(s[this.pos] ?? ""); i++)
          v = v * 8 + Number(s[this.pos++]);
        if (v > 255) throw this.error({ line, col }, "Octal escape out of range.");
        bytes.push(v);
      } else if (e === "x" || e === "X") {
        let hex = "";
        while (hex.length < 2 && /[0-9a-fA-F]/.test(s[this.pos] ?? "")) hex += s[this.pos++];
        if (hex === "") throw this.error({ line, col }, "Expected hex digits for escape sequence.");
        bytes.push(parseInt(hex, 16));
      } else if (e === "u" || e === "U") {
        const n = e === "u" ? 4 : 8;
        const hex = s.slice(this.pos, this.pos + n);
        if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex))
          throw this.error({ line, col }, "Invalid unicode escape.");
        this.pos += n;
        for (const b of utf8Encoder.encode(String.fromCodePoint(parseInt(hex, 16)))) bytes.push(b);
      } else
        throw this.error({ line, col }, `Invalid escape sequence in string literal: \\${e ?? ""}.`);
    }
  }
}

const INT_RANGES: Partial<Record<ScalarType, [bigint, bigint]>> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

function parseIntegerText(text: string): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const body = m[2];
  let v: bigint;
  if (/^0[xX]/.test(body)) v = BigInt(body);
  else if (body.length > 1 && body[0] === "0") v = BigInt("0o" + body.slice(1));
  else v = BigInt(body);
  return m[1] === "-" ? -v : v;
}

/** An int64 as protobufjs's writer takes it: a number when exact, else a Long. */
export function int64Value(v: bigint, unsigned: boolean): number | protobuf.Long {
  const n = Number(v);
  if (Number.isSafeInteger(n)) return n;
  const Long = protobuf.util.Long as unknown as
    { fromString(s: string, unsigned: boolean): protobuf.Long } | null | undefined;
  if (!Long)
    throw new RangeError(`64-bit integer ${v} needs long.js, which protobufjs did not find`);
  return Long.fromString(v.toString(), unsigned);
}

class Parser {
  constructor(private readonly tok: Tokenizer) {}

  parseMessage(info: MessageInfo, end: string | undefined): ProtoObject {
    const obj: ProtoObject = {};
    const seen = new Set<string>();
    const oneofSet = new Map<string, string>();
    for (;;) {
      const t = this.tok.peek();
      if (end === undefined && t.kind === "eof") break;
      if (end !== undefined && t.kind === "symbol" && t.text === end) {
        this.tok.next();
        break;
      }
      if (t.kind === "eof") throw this.tok.error(t, `Expected "${end}".`);
      if (t.kind === "symbol" && t.text === "[" && info.fullName === "google.protobuf.Any") {
        this.parseAnyBody(obj);
      } else {
        this.parseField(info, obj, seen, oneofSet);
      }
      const sep = this.tok.peek();
      if (sep.kind === "symbol" && (sep.text === "," || sep.text === ";")) this.tok.next();
    }
    return obj;
  }

  private parseAnyBody(obj: ProtoObject): void {
    const open = this.tok.next();
    let url = "";
    for (;;) {
      const t = this.tok.next();
      if (t.kind === "symbol" && t.text === "]") break;
      if (t.kind === "ident" || (t.kind === "symbol" && (t.text === "/" || t.text === ".")))
        url += t.text;
      else if (t.kind === "number")
        url += t.text; // e.g. ".googleapis" lexes as a number-like run
      else throw this.tok.error(t, "Expected a type URL in [...].");
    }
    const typeName = url.slice(url.lastIndexOf("/") + 1);
    if (!hasMessageType(typeName))
      throw this.tok.error(open, `Type "${typeName}" of the Any is not known.`);
    const colon = this.tok.peek();
    if (colon.kind === "symbol" && colon.text === ":") this.tok.next();
    const brace = this.tok.next();
    if (brace.kind !== "symbol" || (brace.text !== "{" && brace.text !== "<"))
      throw this.tok.error(brace, 'Expected "{".');
    const inner = this.parseMessage(messageInfo(typeName), brace.text === "{" ? "}" : ">");
    obj.type_url = url; // protobufjs's bundled Any keeps the .proto field name
    obj.value = encodeMessage(typeName, inner);
  }

  private parseField(
    info: MessageInfo,
    obj: ProtoObject,
    seen: Set<string>,
    oneofSet: Map<string, string>,
  ): void {
    const nameTok = this.tok.next();
    if (nameTok.kind !== "ident")
      throw this.tok.error(
        nameTok,
        "Expected identifier or number, got " + describe(nameTok) + ".",
      );
    const f = info.byName.get(nameTok.text);
    if (!f)
      throw this.tok.error(
        nameTok,
        `Message type "${info.fullName}" has no field named "${nameTok.text}".`,
      );
    if (!f.repeated && !f.mapKey) {
      if (seen.has(f.name))
        throw this.tok.error(
          nameTok,
          `Message type "${info.fullName}" should not have multiple "${f.name}" fields.`,
        );
      if (f.oneof !== undefined) {
        const other = oneofSet.get(f.oneof);
        if (other !== undefined)
          throw this.tok.error(
            nameTok,
            `Field "${info.fullName}.${f.name}" is specified along with field "${info.fullName}.${other}", another member of oneof "${f.oneof}".`,
          );
        oneofSet.set(f.oneof, f.name);
      }
      seen.add(f.name);
    }
    const isMessage = f.value.kind === "message" || f.mapKey !== undefined;
    const colon = this.tok.peek();
    if (colon.kind === "symbol" && colon.text === ":") this.tok.next();
    else if (!isMessage) throw this.tok.error(colon, `Expected ":", got ${describe(colon)}.`);
    const list = this.tok.peek();
    if (list.kind === "symbol" && list.text === "[") {
      if (!f.repeated && !f.mapKey)
        throw this.tok.error(
          list,
          `Field "${f.name}" is not repeated; a [...] list is not allowed.`,
        );
      this.tok.next();
      const close = this.tok.peek();
      if (close.kind === "symbol" && close.text === "]") {
        this.tok.next();
        return;
      }
      for (;;) {
        this.parseOneValue(f, obj);
        const t = this.tok.next();
        if (t.kind === "symbol" && t.text === "]") break;
        if (!(t.kind === "symbol" && t.text === ","))
          throw this.tok.error(t, `Expected "," or "]", got ${describe(t)}.`);
      }
      return;
    }
    this.parseOneValue(f, obj);
  }

  private parseOneValue(f: FieldInfo, obj: ProtoObject): void {
    if (f.mapKey) {
      const entry = this.parseMapEntry(f);
      const map = (obj[f.jsName] ??= {}) as Record<string, unknown>;
      map[entry.key] = entry.value;
      return;
    }
    const value = this.parseValue(f);
    if (f.repeated) ((obj[f.jsName] ??= []) as unknown[]).push(value);
    else obj[f.jsName] = value;
  }

  private parseMapEntry(f: FieldInfo): { key: string; value: unknown } {
    const brace = this.tok.next();
    if (brace.kind !== "symbol" || (brace.text !== "{" && brace.text !== "<"))
      throw this.tok.error(brace, `Expected "{", got ${describe(brace)}.`);
    const end = brace.text === "{" ? "}" : ">";
    let key: unknown;
    let value: unknown;
    const keyField: FieldInfo = {
      ...f,
      name: "key",
      mapKey: undefined,
      repeated: false,
      value: { kind: "scalar", scalar: f.mapKey as ScalarType },
    };
    const valueField: FieldInfo = { ...f, name: "value", mapKey: undefined, repeated: false };
    for (;;) {
      const t = this.tok.next();
      if (t.kind === "symbol" && t.text === end) break;
      if (t.kind === "eof") throw this.tok.error(t, `Expected "${end}".`);
      if (t.kind !== "ident" || (t.text !== "key" && t.text !== "value"))
        throw this.tok.error(
          t,
          `Map entry of "${f.name}" has only "key" and "value" fields, got ${describe(t)}.`,
        );
      const target = t.text === "key" ? keyField : valueField;
      const colon = this.tok.peek();
      if (colon.kind === "symbol" && colon.text === ":") this.tok.next();
      else if (target.value.kind !== "message")
        throw this.tok.error(colon, `Expected ":", got ${describe(colon)}.`);
      const v = this.parseValue(target);
      if (t.text === "key") key = v;
      else value = v;
      const sep = this.tok.peek();
      if (sep.kind === "symbol" && (sep.text === "," || sep.text === ";")) this.tok.next();
    }
    if (value === undefined) value = defaultValue(valueField);
    return { key: key === undefined ? defaultKey(f.mapKey as ScalarType) : String(key), value };
  }

  private parseValue(f: FieldInfo): unknown {
    const value = f.value;
    if (value.kind === "message") {
      const brace = this.tok.next();
      if (brace.kind !== "symbol" || (brace.text !== "{" && brace.text !== "<"))
        throw this.tok.error(brace, `Expected "{", got ${describe(brace)}.`);
      return this.parseMessage(value.message(), brace.text === "{" ? "}" : ">");
    }
    const t = this.tok.next();
    if (value.kind === "enum") {
      if (t.kind === "ident") {
        const n = value.enumInfo.byName.get(t.text);
        if (n === undefined)
          throw this.tok.error(
            t,
            `Enum type "${value.enumInfo.fullName}" has no value named ${t.text}.`,
          );
        return n;
      }
      if (t.kind === "number") {
        const n = parseIntegerText(t.text);
        if (n === undefined || n < -(2n ** 31n) || n >= 2n ** 31n)
          throw this.tok.error(t, `Invalid enum value ${t.text}.`);
        return Number(n);
      }
      throw this.tok.error(t, `Expected an enum value, got ${describe(t)}.`);
    }
    return this.parseScalar(value.scalar, t, f);
  }

  private parseScalar(type: ScalarType, t: Token, f: FieldInfo): unknown {
    switch (type) {
      case "string":
      case "bytes": {
        if (t.kind !== "string") throw this.tok.error(t, `Expected string, got ${describe(t)}.`);
        const parts = [t.bytes];
        for (let n = this.tok.peek(); n.kind === "string"; n = this.tok.peek())
          parts.push((this.tok.next() as { bytes: Uint8Array }).bytes);
        const bytes = concat(parts);
        if (type === "bytes") return bytes;
        try {
          return utf8Decoder.decode(bytes);
        } catch {
          throw this.tok.error(t, `String field "${f.name}" is not valid UTF-8.`);
        }
      }
      case "bool": {
        const text = t.kind === "ident" || t.kind === "number" ? t.text : "";
        if (["true", "True", "t", "1"].includes(text)) return true;
        if (["false", "False", "f", "0"].includes(text)) return false;
        throw this.tok.error(t, `Expected "true" or "false", got ${describe(t)}.`);
      }
      case "float":
      case "double": {
        const text = t.kind === "ident" || t.kind === "number" ? t.text : "";
        const v = parseFloatText(text);
        if (v === undefined) throw this.tok.error(t, `Expected double, got ${describe(t)}.`);
        return type === "float" ? Math.fround(v) : v;
      }
      default: {
        const v = t.kind === "number" ? parseIntegerText(t.text) : undefined;
        if (v === undefined) throw this.tok.error(t, `Expected integer, got ${describe(t)}.`);
        const [lo, hi] = INT_RANGES[type] as [bigint, bigint];
        if (v < lo || v > hi)
          throw this.tok.error(t, `Integer out of range for ${type} field "${f.name}".`);
        return INT64_TYPES.has(type)
          ? int64Value(v, type === "uint64" || type === "fixed64")
          : Number(v);
      }
    }
  }
}

function parseFloatText(text: string): number | undefined {
  const m = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
  if (m) return m[2].toLowerCase() === "nan" ? NaN : m[1] === "-" ? -Infinity : Infinity;
  const int = parseIntegerText(text);
  if (int !== undefined) return Number(int);
  const f = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fF]?$/.exec(text);
  if (!f) return undefined;
  return Number(text.replace(/[fF]$/, ""));
}

function defaultValue(f: FieldInfo): unknown {
  const v = f.value;
  if (v.kind === "message") return {};
  if (v.kind === "enum") return 0;
  return defaultKey(v.scalar);
}

function defaultKey(type: ScalarType): string {
  if (type === "string") return "";
  if (type === "bool") return "false";
  return "0";
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function describe(t: Token): string {
  switch (t.kind) {
    case "eof":
      return "end of input";
    case "string":
      return "a string";
    case "ident":
    case "number":
    case "symbol":
      return `"${t.text}"`;
  }
}

/**
 * Parses text of message type `fullName` into a plain object (fields by camelCase
 * name, int64 as number or Long, bytes as Uint8Array, enums as numbers).
 */
export function parseTextMessage(fullName: string, text: string): ProtoObject {
  return new Parser(new Tokenizer(text)).parseMessage(messageInfo(fullName), undefined);
}

// The codec registry (codec.ts) registers the binary encoder here, so that an
// expanded Any can be packed without this module importing the generated code.
let encodeMessage: (fullName: string, msg: ProtoObject) => Uint8Array = () => {
  throw new Error("protobuf codecs are not registered");
};

/** @internal Called once by codec.ts. */
export function registerBinaryEncoder(
  encode: (fullName: string, msg: ProtoObject) => Uint8Array,
): void {
  encodeMessage = encode;
}
