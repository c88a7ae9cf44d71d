/**
 * Field-level reflection over the generated JSON descriptor. The generated
 * static codecs (generated/tf.js) carry no field metadata; the text format and
 * the int64 normalisation walk messages with this instead. It reads the JSON
 * only — no protobufjs reflection, whose codecs are compiled with
 * `new Function` and would break under a Content-Security-Policy.
 */
import type { ProtoField, ProtoNamespace } from "./descriptor_types.js";
import { TF_DESCRIPTOR } from "./generated/descriptor.js";

export type ScalarType =
  | "double"
  | "float"
  | "int32"
  | "uint32"
  | "sint32"
  | "fixed32"
  | "sfixed32"
  | "int64"
  | "uint64"
  | "sint64"
  | "fixed64"
  | "sfixed64"
  | "bool"
  | "string"
  | "bytes";

const SCALARS: ReadonlySet<string> = new Set<ScalarType>([
  "double",
  "float",
  "int32",
  "uint32",
  "sint32",
  "fixed32",
  "sfixed32",
  "int64",
  "uint64",
  "sint64",
  "fixed64",
  "sfixed64",
  "bool",
  "string",
  "bytes",
]);

/** 64-bit integer scalar types: decoded as Long by protobufjs. */
export const INT64_TYPES: ReadonlySet<string> = new Set([
  "int64",
  "uint64",
  "sint64",
  "fixed64",
  "sfixed64",
]);

export interface EnumInfo {
  readonly fullName: string;
  readonly byName: ReadonlyMap<string, number>;
  /** The first name declared for each number (aliases share numbers). */
  readonly byNumber: ReadonlyMap<number, string>;
}

export type FieldValueType =
  | { readonly kind: "scalar"; readonly scalar: ScalarType }
  | { readonly kind: "enum"; readonly enumInfo: EnumInfo }
  | { readonly kind: "message"; readonly message: () => MessageInfo };

export interface FieldInfo {
  /** The .proto name (snake_case), as the text format spells it. */
  readonly name: string;
  /** The property name on decoded objects (protobufjs's camelCase). */
  readonly jsName: string;
  readonly id: number;
  readonly repeated: boolean;
  /** Set for map fields: the key's scalar type. */
  readonly mapKey: ScalarType | undefined;
  readonly value: FieldValueType;
  /** The oneof this field belongs to, if any (such a field has presence). */
  readonly oneof: string | undefined;
}

export interface MessageInfo {
  readonly fullName: string;
  /** Fields in field-number order (the order TF's text and binary writers use). */
  readonly fields: readonly FieldInfo[];
  readonly byName: ReadonlyMap<string, FieldInfo>;
}

const camelRe = /_([a-z])/g;

/** protobufjs's property name for a field (its `util.camelCase`). */
export function jsFieldName(name: string): string {
  return (
    name.substring(0, 1) + name.substring(1).replace(camelRe, (_m, c: string) => c.toUpperCase())
  );
}

const nodes = new Map<string, ProtoNamespace>();
(function flatten(ns: ProtoNamespace, prefix: string): void {
  for (const [name, child] of Object.entries(ns.nested ?? {})) {
    const full = prefix ? `${prefix}.${name}` : name;
    nodes.set(full, child);
    flatten(child, full);
  }
})(TF_DESCRIPTOR, "");

/** Resolves a type reference as protoc does: innermost enclosing scope first. */
function resolveName(ref: string, scope: string): string {
  if (ref.startsWith(".")) return ref.slice(1);
  const parts = scope.split(".");
  for (let i = parts.length; i >= 0; i--) {
    const candidate = [...parts.slice(0, i), ref].join(".");
    if (nodes.has(candidate)) return candidate;
  }
  throw new Error(`protobuf descriptor: type ${ref} (referenced from ${scope}) is not defined`);
}

const enumCache = new Map<string, EnumInfo>();
function enumInfo(fullName: string): EnumInfo {
  let info = enumCache.get(fullName);
  if (info) return info;
  const node = nodes.get(fullName);
  if (!node?.values) throw new Error(`protobuf descriptor: ${fullName} is not an enum`);
  const byName = new Map(Object.entries(node.values));
  const byNumber = new Map<number, string>();
  for (const [name, n] of byName) if (!byNumber.has(n)) byNumber.set(n, name);
  info = { fullName, byName, byNumber };
  enumCache.set(fullName, info);
  return info;
}

const messageCache = new Map<string, MessageInfo>();

/** Field metadata of a message type by its full name, e.g. `"tensorflow.GraphDef"`. */
export function messageInfo(fullName: string): MessageInfo {
  const cached = messageCache.get(fullName);
  if (cached) return cached;
  const node = nodes.get(fullName);
  if (!node?.fields) throw new Error(`protobuf descriptor: ${fullName} is not a message type`);
  const oneofOf = new Map<string, string>();
  for (const [oneofName, o] of Object.entries(node.oneofs ?? {}))
    for (const f of o.oneof) oneofOf.set(f, oneofName);
  const fields = Object.entries(node.fields)
    .map(([name, f]) => fieldInfo(name, f, fullName, oneofOf.get(name)))
    .sort((a, b) => a.id - b.id);
  const info: MessageInfo = { fullName, fields, byName: new Map(fields.map((f) => [f.name, f])) };
  messageCache.set(fullName, info);
  return info;
}

function fieldInfo(
  name: string,
  f: ProtoField,
  scope: string,
  oneof: string | undefined,
): FieldInfo {
  let value: FieldValueType;
  if (SCALARS.has(f.type)) value = { kind: "scalar", scalar: f.type as ScalarType };
  else {
    const target = resolveName(f.type, scope);
    const node = nodes.get(target);
    if (node?.values) value = { kind: "enum", enumInfo: enumInfo(target) };
    else value = { kind: "message", message: () => messageInfo(target) };
  }
  if (f.keyType !== undefined && !SCALARS.has(f.keyType))
    throw new Error(
      `protobuf descriptor: map key type ${f.keyType} of ${scope}.${name} is not a scalar`,
    );
  return {
    name,
    // protobufjs defines its bundled google.protobuf types with their .proto names.
    jsName: scope.startsWith("google.protobuf.") ? name : jsFieldName(name),
    id: f.id,
    repeated: f.rule === "repeated",
    mapKey: f.keyType as ScalarType | undefined,
    value,
    oneof,
  };
}

/** Whether a message type is defined (by full name). */
export function hasMessageType(fullName: string): boolean {
  return nodes.get(fullName)?.fields !== undefined;
}

const int64Cache = new Map<string, boolean>();

/** Whether values of this message type can hold 64-bit integers anywhere inside. */
export function containsInt64(fullName: string): boolean {
  const cached = int64Cache.get(fullName);
  if (cached !== undefined) return cached;
  int64Cache.set(fullName, false); // recursion guard: a cycle adds nothing new
  let result = false;
  for (const f of messageInfo(fullName).fields) {
    if (f.mapKey && INT64_TYPES.has(f.mapKey)) result = true;
    else if (f.value.kind === "scalar" && INT64_TYPES.has(f.value.scalar)) result = true;
    else if (f.value.kind === "message" && containsInt64(f.value.message().fullName)) result = true;
    if (result) break;
  }
  int64Cache.set(fullName, result);
  return result;
}
