/**
 * Op declarations in TensorFlow's own notation (`REGISTER_OP(...).Input("x: T")
 * .Attr("T: {float, int32}")`, see TF's op_def_builder), turned into `tensorflow.OpDef`
 * messages for graph export and checked against TF's `ops.pbtxt` by a test.
 *
 * Argument specs: `"name: T"` (a type attr), `"name: float"` (a fixed dtype),
 * `"name: N * T"` (a number attr), `"name: Tlist"` (a `list(type)` attr), `"name: Ref(T)"`.
 * Attr specs: `"name: type"`, `"name: {float, int32} = int32"`, `"name: {'SAME', 'VALID'}"`,
 * `"name: int >= 1"`, `"name: bool = false"`, `"name: list(int) = [1, 1, 1, 1]"`,
 * `"name: shape = ?"` (unknown rank), `"name: string = 'NHWC'"`,
 * `"name: tensor = { dtype: DT_UINT8 int_val: 255 }"` (a TensorProto in text format).
 */
import type { DType } from "../graph/dtypes.js";
import type { Operation } from "../graph/operation.js";
import type { TensorShape } from "../graph/tensor_shape.js";
import { TensorProto, tensorflow } from "../proto/index.js";
import type { ConstValue } from "./const_value.js";

/** One op type's TensorFlow signature, in TF's `REGISTER_OP` notation. */
export interface OpDefSpec {
  readonly inputs?: readonly string[];
  readonly outputs?: readonly string[];
  readonly attrs?: readonly string[];
  readonly stateful?: boolean;
  readonly commutative?: boolean;
  readonly aggregate?: boolean;
  readonly allowsUninitializedInput?: boolean;
  readonly deprecation?: { readonly version: number; readonly explanation: string };
}

/**
 * An op type TensorFlow does not have (scopeflow's own loop machinery): never exported.
 * `why` says what it is and what TensorFlow uses instead.
 */
export interface ScopeflowOnlyOp {
  readonly scopeflowOnly: string;
}

export type OpDeclaration = OpDefSpec | ScopeflowOnlyOp;

export function isScopeflowOnly(decl: OpDeclaration): decl is ScopeflowOnlyOp {
  return "scopeflowOnly" in decl;
}

export type OpDefMessage = tensorflow.OpDef.$Properties;
export type AttrDefMessage = tensorflow.OpDef.AttrDef.$Properties;
export type ArgDefMessage = tensorflow.OpDef.ArgDef.$Properties;
export type AttrValueMessage = tensorflow.AttrValue.$Properties;

const DataType = tensorflow.DataType;

/** TF's dtype spelling in op specs (`float`, `int32`, …) → the DataType enum. */
export function dataTypeOf(name: string): tensorflow.DataType | undefined {
  const key = `DT_${(name.startsWith("DT_") ? name.slice(3) : name).toUpperCase()}`;
  const value = (DataType as unknown as Record<string, unknown>)[key];
  return typeof value === "number" && value > 0 && value < 100 ? value : undefined;
}

/** The spelling of a DataType enum in op specs. */
export function dataTypeSpelling(type: tensorflow.DataType): string {
  const name = DataType[type];
  if (name === undefined) throw new Error(`Unknown DataType enum value ${type}`);
  return name.slice(3).toLowerCase();
}

const SCOPEFLOW_TO_TF: Record<DType, tensorflow.DataType> = {
  float32: DataType.DT_FLOAT,
  int32: DataType.DT_INT32,
  int64: DataType.DT_INT64,
  bool: DataType.DT_BOOL,
  string: DataType.DT_STRING,
  resource: DataType.DT_RESOURCE,
  variant: DataType.DT_VARIANT,
};

/** A scopeflow dtype as TensorFlow's DataType enum. */
export function toDataType(dtype: DType): tensorflow.DataType {
  return SCOPEFLOW_TO_TF[dtype];
}

class SpecError extends Error {
  constructor(opName: string, spec: string, why: string) {
    super(`Op ${opName}: bad declaration '${spec}': ${why}`);
    this.name = "SpecError";
  }
}

/** Splits on `sep` outside quotes, brackets and braces. */
function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote !== null) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (depth === 0 && text.startsWith(sep, i)) {
      parts.push(text.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

const encoder = new TextEncoder();

function unquote(opName: string, spec: string, text: string): string {
  const t = text.trim();
  const q = t[0];
  if ((q !== "'" && q !== '"') || t[t.length - 1] !== q)
    throw new SpecError(opName, spec, `expected a quoted string, got ${t}`);
  return t.slice(1, -1).replace(/\\(.)/g, "$1");
}

function listItems(text: string): string[] {
  const inner = text.trim().slice(1, -1).trim();
  return inner === "" ? [] : splitTopLevel(inner, ",").map((s) => s.trim());
}

function typeEnum(opName: string, spec: string, name: string): tensorflow.DataType {
  const t = dataTypeOf(name.trim());
  if (t === undefined) throw new SpecError(opName, spec, `unknown type ${name}`);
  return t;
}

function parseNumber(opName: string, spec: string, text: string): number {
  const n = Number(text);
  if (text.trim() === "" || Number.isNaN(n))
    throw new SpecError(opName, spec, `expected a number, got ${text}`);
  return n;
}

/** A value of attr type `type` (not a list) in spec notation, as an AttrValue. */
function scalarValue(opName: string, spec: string, type: string, text: string): AttrValueMessage {
  switch (type) {
    case "string":
      return { s: encoder.encode(unquote(opName, spec, text)) };
    case "int":
      return { i: parseNumber(opName, spec, text) };
    case "float":
      return { f: parseNumber(opName, spec, text) };
    case "bool":
      if (text !== "true" && text !== "false")
        throw new SpecError(opName, spec, `expected true or false, got ${text}`);
      return { b: text === "true" };
    case "type":
      return { type: typeEnum(opName, spec, text) };
    case "shape":
      return { shape: parseShape(opName, spec, text) };
    case "tensor":
      // TF spells a tensor default as a TensorProto in text format, in braces.
      if (!text.startsWith("{") || !text.endsWith("}"))
        throw new SpecError(opName, spec, `expected a {TensorProto}, got ${text}`);
      return { tensor: TensorProto.fromText(text.slice(1, -1)) };
    default:
      throw new SpecError(opName, spec, `no default values for attrs of type ${type}`);
  }
}

function parseShape(
  opName: string,
  spec: string,
  text: string,
): tensorflow.TensorShapeProto.$Properties {
  if (text === "?") return { unknownRank: true };
  if (!text.startsWith("[")) throw new SpecError(opName, spec, `bad shape ${text}`);
  return {
    dim: listItems(text).map((d) => ({ size: d === "?" ? -1 : parseNumber(opName, spec, d) })),
  };
}

const LIST_FIELDS: Record<string, keyof tensorflow.AttrValue.ListValue.$Properties> = {
  string: "s",
  int: "i",
  float: "f",
  bool: "b",
  type: "type",
  shape: "shape",
};

function parseValue(opName: string, spec: string, type: string, text: string): AttrValueMessage {
  const inner = /^list\((.*)\)$/.exec(type)?.[1];
  if (inner === undefined) return scalarValue(opName, spec, type, text);
  const field = LIST_FIELDS[inner];
  if (field === undefined || !text.startsWith("["))
    throw new SpecError(opName, spec, `bad default for ${type}: ${text}`);
  const values = listItems(text).map(
    (item) => scalarValue(opName, spec, inner, item)[field as keyof AttrValueMessage],
  );
  return { list: { [field]: values } };
}

function parseAttr(opName: string, spec: string): AttrDefMessage {
  const colon = spec.indexOf(":");
  if (colon < 0) throw new SpecError(opName, spec, "expected 'name: type'");
  const name = spec.slice(0, colon).trim();
  const [typeAndMin = "", defaultText, ...extra] = splitTopLevel(spec.slice(colon + 1), " = ");
  if (extra.length > 0) throw new SpecError(opName, spec, "more than one '='");
  const [typeText = "", minText, ...extraMin] = typeAndMin.split(">");
  if (extraMin.length > 0) throw new SpecError(opName, spec, "more than one '>='");
  const attr: AttrDefMessage = { name };
  let typeSpec = typeText.trim();
  let listOf = false;
  const listMatch = /^list\((.*)\)$/.exec(typeSpec);
  if (listMatch?.[1]?.startsWith("{")) {
    listOf = true;
    typeSpec = listMatch[1];
  }
  if (typeSpec.startsWith("{")) {
    const items = listItems(typeSpec);
    const strings = items.length > 0 && /^['"]/.test(items[0] as string);
    attr.type = `${listOf ? "list(" : ""}${strings ? "string" : "type"}${listOf ? ")" : ""}`;
    attr.allowedValues = strings
      ? { list: { s: items.map((s) => encoder.encode(unquote(opName, spec, s))) } }
      : { list: { type: items.map((t) => typeEnum(opName, spec, t)) } };
  } else {
    attr.type = typeSpec;
  }
  if (minText !== undefined) {
    if (!minText.startsWith("=")) throw new SpecError(opName, spec, "expected '>='");
    attr.hasMinimum = true;
    attr.minimum = parseNumber(opName, spec, minText.slice(1).trim());
  }
  if (defaultText !== undefined)
    attr.defaultValue = parseValue(opName, spec, attr.type, defaultText.trim());
  return attr;
}

function parseArg(opName: string, spec: string, attrs: readonly AttrDefMessage[]): ArgDefMessage {
  const colon = spec.indexOf(":");
  if (colon < 0) throw new SpecError(opName, spec, "expected 'name: type'");
  const arg: ArgDefMessage = { name: spec.slice(0, colon).trim() };
  let type = spec.slice(colon + 1).trim();
  const ref = /^Ref\((.*)\)$/.exec(type);
  if (ref) {
    arg.isRef = true;
    type = (ref[1] as string).trim();
  }
  const star = type.split("*");
  if (star.length === 2) {
    arg.numberAttr = (star[0] as string).trim();
    type = (star[1] as string).trim();
    if (!attrs.some((a) => a.name === arg.numberAttr && a.type === "int"))
      throw new SpecError(opName, spec, `no int attr ${arg.numberAttr}`);
  }
  const attr = attrs.find((a) => a.name === type);
  if (attr === undefined) arg.type = typeEnum(opName, spec, type);
  else if (attr.type === "type") arg.typeAttr = type;
  else if (attr.type === "list(type)" && arg.numberAttr === undefined) arg.typeListAttr = type;
  else throw new SpecError(opName, spec, `attr ${type} is not a type`);
  return arg;
}

/** The `tensorflow.OpDef` a declaration stands for (fields TF's `ops.pbtxt` holds). */
export function buildOpDef(name: string, spec: OpDefSpec): OpDefMessage {
  const attr = (spec.attrs ?? []).map((a) => parseAttr(name, a));
  const def: OpDefMessage = {
    name,
    inputArg: (spec.inputs ?? []).map((a) => parseArg(name, a, attr)),
    outputArg: (spec.outputs ?? []).map((a) => parseArg(name, a, attr)),
    attr,
  };
  if (spec.stateful) def.isStateful = true;
  if (spec.commutative) def.isCommutative = true;
  if (spec.aggregate) def.isAggregate = true;
  if (spec.allowsUninitializedInput) def.allowsUninitializedInput = true;
  if (spec.deprecation) def.deprecation = { ...spec.deprecation };
  return def;
}

// Attr values as scopeflow ops hold them in `op.attrs`, by declared attr type: what
// `attrsOf` types them as, and what graph export converts to AttrValue messages.
type AttrTsType<T extends string> = T extends `${infer Type} = ${string}`
  ? AttrTsType<Type>
  : T extends `${infer Type} >= ${string}`
    ? AttrTsType<Type>
    : AttrTypeTs<T>;

type AttrTypeTs<T extends string> = T extends `list(${infer Inner})`
  ? AttrTypeTs<Inner>[]
  : T extends `{'${string}` | `{"${string}` | `string${string}`
    ? string
    : T extends `{${string}` | `type${string}`
      ? DType
      : T extends `int${string}` | `float${string}`
        ? number
        : T extends `bool${string}`
          ? boolean
          : T extends `shape${string}`
            ? TensorShape
            : T extends `tensor${string}`
              ? ConstValue
              : unknown;

type AttrEntry<S extends string> = S extends `${infer N}: ${infer R}` ? [N, AttrTsType<R>] : never;

/** The attrs of an op declared by `S`, typed from the declaration. */
export type AttrsOf<S extends OpDefSpec> = S["attrs"] extends readonly string[]
  ? { readonly [E in AttrEntry<S["attrs"][number]> as E[0]]: E[1] }
  : Record<string, never>;

/** Declares an op's TF signature keeping its literal attr specs, so `attrsOf` can type them. */
export function declareOpDef<const S extends OpDefSpec>(spec: S): S {
  return spec;
}

/** An op's attrs, typed by its declaration (`op.attrs` is untyped). */
export function attrsOf<S extends OpDefSpec>(op: Operation, _spec: S): AttrsOf<S> {
  return op.attrs as AttrsOf<S>;
}

const decoder = new TextDecoder();

function quote(bytes: Uint8Array): string {
  return `'${decoder.decode(bytes).replace(/['\\]/g, "\\$&")}'`;
}

/** The shortest decimal that reads back as the same float32 (how TF's specs spell floats). */
function float32Spelling(f: number): string {
  for (let p = 1; p <= 9; p++) {
    const t = Number(f.toPrecision(p));
    if (Math.fround(t) === Math.fround(f)) return String(t);
  }
  return String(f);
}

function valueSpelling(opName: string, type: string, v: AttrValueMessage): string {
  const inner = /^list\((.*)\)$/.exec(type)?.[1];
  if (inner !== undefined) {
    const field = LIST_FIELDS[inner];
    if (field === undefined) throw new Error(`Op ${opName}: no spelling for ${type} values`);
    const items = (v.list?.[field] ?? []) as unknown[];
    return `[${items.map((x) => valueSpelling(opName, inner, { [field]: x })).join(", ")}]`;
  }
  switch (type) {
    case "string":
      return quote(v.s ?? new Uint8Array());
    case "int":
      return String(Number(v.i ?? 0));
    case "float":
      return float32Spelling(v.f ?? 0);
    case "bool":
      return String(v.b ?? false);
    case "type":
      return dataTypeSpelling(v.type ?? 0);
    case "shape": {
      const s = v.shape ?? {};
      if (s.unknownRank) return "?";
      const dims = (s.dim ?? []).map((d) => (Number(d.size) === -1 ? "?" : String(d.size)));
      return `[${dims.join(", ")}]`;
    }
    case "tensor":
      return `{ ${TensorProto.toText(v.tensor ?? {})
        .trim()
        .replace(/\s*\n\s*/g, " ")} }`;
    default:
      throw new Error(`Op ${opName}: no spelling for ${type} values`);
  }
}

function attrSpelling(opName: string, a: AttrDefMessage): string {
  const type = a.type ?? "";
  let t = type;
  const allowed = a.allowedValues?.list;
  const types = allowed?.type ?? [];
  const strings = allowed?.s ?? [];
  if (types.length > 0 || strings.length > 0) {
    const set = `{${types.length > 0 ? types.map(dataTypeSpelling).join(", ") : strings.map(quote).join(", ")}}`;
    t = type.startsWith("list(") ? `list(${set})` : set;
  }
  let spec = `${a.name}: ${t}`;
  if (a.hasMinimum) spec += ` >= ${Number(a.minimum ?? 0)}`;
  if (a.defaultValue) spec += ` = ${valueSpelling(opName, type, a.defaultValue)}`;
  return spec;
}

function argSpelling(a: ArgDefMessage): string {
  let t = a.typeAttr || a.typeListAttr || dataTypeSpelling(a.type ?? 0);
  if (a.numberAttr) t = `${a.numberAttr} * ${t}`;
  if (a.isRef) t = `Ref(${t})`;
  return `${a.name}: ${t}`;
}

/**
 * The declaration of an OpDef (the inverse of {@link buildOpDef}): how a new op's
 * declaration is written from TF's `ops.pbtxt`.
 */
export function specOf(def: OpDefMessage): OpDefSpec {
  const name = def.name ?? "";
  const spec: {
    -readonly [K in keyof OpDefSpec]: OpDefSpec[K];
  } = {};
  if (def.inputArg?.length) spec.inputs = def.inputArg.map(argSpelling);
  if (def.outputArg?.length) spec.outputs = def.outputArg.map(argSpelling);
  if (def.attr?.length) spec.attrs = def.attr.map((a) => attrSpelling(name, a));
  if (def.isStateful) spec.stateful = true;
  if (def.isCommutative) spec.commutative = true;
  if (def.isAggregate) spec.aggregate = true;
  if (def.allowsUninitializedInput) spec.allowsUninitializedInput = true;
  if (def.deprecation)
    spec.deprecation = {
      version: def.deprecation.version ?? 0,
      explanation: def.deprecation.explanation ?? "",
    };
  return spec;
}
