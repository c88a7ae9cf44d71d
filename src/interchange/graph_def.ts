/**
 * A graph as TensorFlow's `GraphDef` (`Graph.as_graph_def`): one `NodeDef` per op, its
 * attrs converted to `AttrValue`s by the op's declared OpDef and checked against it, so
 * that TensorFlow imports and runs the result.
 */
import { ValueError } from "../errors.js";
import { isDType, type DType } from "../graph/dtypes.js";
import {
  installGraphDefExporter,
  installRefInputLookup,
  type Graph,
  type GraphDefRequest,
  type GraphDefView,
} from "../graph/graph.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { TensorShape } from "../graph/tensor_shape.js";
import type { ConstValue } from "../ops/const_value.js";
import {
  dataTypeSpelling,
  isScopeflowOnly,
  toDataType,
  type ArgDefMessage,
  type AttrDefMessage,
  type AttrValueMessage,
  type OpDefMessage,
} from "../ops/op_def.js";
import { getOpDef, opDefIn, opDefinitionIn } from "../ops/registry.js";
import { GraphDef, type tensorflow } from "../proto/index.js";
import { librarySection } from "./function_def.js";

export type GraphDefMessage = tensorflow.GraphDef.$Properties;
export type NodeDefMessage = tensorflow.NodeDef.$Properties;
type TensorProtoMessage = tensorflow.TensorProto.$Properties;
type ShapeProtoMessage = tensorflow.TensorShapeProto.$Properties;

/**
 * The GraphDef version TensorFlow 1.15.0 writes (`versions.producer`: `TF_GRAPH_DEF_VERSION`
 * in its core/public/version.h, 134); `min_consumer` 0 accepts every consumer.
 */
export const GRAPH_DEF_VERSION = 134;

/** A graph's GraphDef versions (`graph.graph_def_versions`). */
export interface GraphDefVersions {
  producer: number;
  minConsumer: number;
  badConsumers: number[];
}

const VERSIONS = Symbol("scopeflow.graphDefVersions");

/**
 * The versions a graph's GraphDef declares: TF 1.15's, until a GraphDef written by an
 * older producer is imported into it (TF's importer lowers `producer` to the oldest
 * imported one and raises `min_consumer`), so that an op only valid in old graphs
 * (`PlaceholderV2`) stays valid when the graph is exported and imported again.
 */
export function graphDefVersions(graph: Graph): GraphDefVersions {
  return graph.getExtension(VERSIONS, () => ({
    producer: GRAPH_DEF_VERSION,
    minConsumer: 0,
    badConsumers: [],
  }));
}

/** A node that TensorFlow could not import: names the node, and the attr when one is at fault. */
export class GraphExportError extends ValueError {
  constructor(op: Operation, why: string) {
    super(`Cannot export node '${op.name}' (op ${op.type}): ${why}`);
    this.name = "ValueError";
  }
}

const encoder = new TextEncoder();

function shapeProto(shape: TensorShape): ShapeProtoMessage {
  if (shape.dims === null) return { unknownRank: true };
  return { dim: shape.dims.map((d) => ({ size: d ?? -1 })) };
}

function littleEndianBytes(values: Float32Array | Int32Array | BigInt64Array): Uint8Array {
  const bytes = new Uint8Array(values.length * values.BYTES_PER_ELEMENT);
  const view = new DataView(bytes.buffer);
  values.forEach((v: number | bigint, i: number) => {
    if (values instanceof Float32Array) view.setFloat32(i * 4, v as number, true);
    else if (values instanceof Int32Array) view.setInt32(i * 4, v as number, true);
    else view.setBigInt64(i * 8, v as bigint, true);
  });
  return bytes;
}

/**
 * A constant as TensorFlow's `make_tensor_proto` writes it: numbers of a tensor of more
 * than one element as `tensor_content` (little-endian bytes), one element as `*_val`; a
 * tensor whose elements are all equal (`tf.zeros`, `tf.fill`-like constants) as one
 * `*_val` entry, the compact form TF writes when a scalar is broadcast to the shape.
 * Booleans and strings are always `*_val` lists, as in TF. With `compact` false, an array
 * of equal numbers is still written whole, as `make_tensor_proto` writes a NumPy array
 * (`convert_variables_to_constants` freezing a session's values).
 */
export function tensorProtoOf(value: ConstValue, compact = true): TensorProtoMessage {
  const proto: TensorProtoMessage = {
    dtype: toDataType(value.dtype),
    tensorShape: { dim: value.shape.map((size) => ({ size })) },
  };
  const values = value.values;
  const n = values.length;
  const allEqual =
    compact && n > 1 && Array.prototype.every.call(values, (v: unknown) => v === values[0]);
  // TF writes every string of a list (`_FlattenToStrings`), equal or not.
  const shown = allEqual && value.dtype !== "string" ? values.slice(0, 1) : values;
  switch (value.dtype) {
    case "string":
      proto.stringVal = (shown as string[]).map((s) => encoder.encode(s));
      break;
    case "bool":
      proto.boolVal = Array.from(shown as Uint8Array, (b) => b !== 0);
      break;
    default: {
      const numeric = shown as Float32Array | Int32Array | BigInt64Array;
      if (numeric.length > 1) proto.tensorContent = littleEndianBytes(numeric);
      else if (value.dtype === "float32") proto.floatVal = Array.from(numeric as Float32Array);
      else if (value.dtype === "int32") proto.intVal = Array.from(numeric as Int32Array);
      // Beyond 2^53 a double loses digits: protobufjs takes the decimal string exactly.
      else
        proto.int64Val = Array.from(numeric as BigInt64Array, (v) =>
          Number.isSafeInteger(Number(v)) ? Number(v) : (v.toString() as unknown as number),
        );
    }
  }
  return proto;
}

/** A dtype attr's value: a value dtype, or a handle's (a `TensorArray` entering a loop). */
const isDTypeName = (v: unknown): v is DType => isDType(v) || v === "resource" || v === "variant";

/** One (non-list) attr value as an AttrValue field, or why it cannot be. */
function scalarAttr(type: string, v: unknown): AttrValueMessage | string {
  switch (type) {
    case "string":
      return typeof v === "string" ? { s: encoder.encode(v) } : "expected a string";
    case "int":
      return typeof v === "number" && Number.isInteger(v) ? { i: v } : "expected an integer";
    case "float":
      return typeof v === "number" ? { f: v } : "expected a number";
    case "bool":
      return typeof v === "boolean" ? { b: v } : "expected a boolean";
    case "type":
      return isDTypeName(v) ? { type: toDataType(v) } : "expected a dtype";
    case "shape":
      return v instanceof TensorShape ? { shape: shapeProto(v) } : "expected a TensorShape";
    case "tensor":
      return isConstValue(v) ? { tensor: tensorProtoOf(v) } : "expected a constant value";
    case "func":
      // A NameAttrList naming a function of GraphDef.library (written by graphDefOf), with
      // the attrs it binds when an imported call gave some.
      if (typeof v === "string") return { func: { name: v } };
      if (
        typeof v === "object" &&
        v !== null &&
        typeof (v as { name?: unknown }).name === "string"
      ) {
        const f = v as { name: string; attr: Record<string, AttrValueMessage> };
        return { func: { name: f.name, attr: { ...f.attr } } };
      }
      return "expected a function name";
    default:
      return `attrs of type ${type} cannot be exported`;
  }
}

function isConstValue(v: unknown): v is ConstValue {
  if (typeof v !== "object" || v === null) return false;
  const c = v as Partial<ConstValue>;
  return isDTypeName(c.dtype) && Array.isArray(c.shape) && c.values !== undefined;
}

const LIST_FIELD: Record<string, keyof tensorflow.AttrValue.ListValue.$Properties> = {
  string: "s",
  int: "i",
  float: "f",
  bool: "b",
  type: "type",
  shape: "shape",
  tensor: "tensor",
  func: "func",
};

function attrValue(type: string, v: unknown): AttrValueMessage | string {
  const inner = /^list\((.*)\)$/.exec(type)?.[1];
  if (inner === undefined) return scalarAttr(type, v);
  const field = LIST_FIELD[inner];
  if (field === undefined) return `attrs of type ${type} cannot be exported`;
  if (!Array.isArray(v)) return `expected a list (${type})`;
  const items: unknown[] = [];
  for (const item of v) {
    const one = scalarAttr(inner, item);
    if (typeof one === "string") return `${one} in the list (${type})`;
    items.push(one[field as keyof AttrValueMessage]);
  }
  return { list: { [field]: items } };
}

/** Checks an attr's value against the AttrDef's allowed values and minimum. */
function checkAllowed(def: AttrDefMessage, value: AttrValueMessage): string | null {
  const allowed = def.allowedValues?.list;
  const inList = value.list !== undefined && value.list !== null;
  if (allowed?.type?.length) {
    const types = inList ? (value.list?.type ?? []) : [value.type ?? 0];
    const bad = types.find((t) => !(allowed.type ?? []).includes(t));
    if (bad !== undefined)
      return `${dataTypeSpelling(bad)} is not in the allowed types {${allowed.type.map(dataTypeSpelling).join(", ")}}`;
  }
  if (allowed?.s?.length) {
    const dec = new TextDecoder();
    const names = allowed.s.map((s) => dec.decode(s));
    const given = inList ? (value.list?.s ?? []) : [value.s ?? new Uint8Array()];
    const bad = given.map((s) => dec.decode(s)).find((s) => !names.includes(s));
    if (bad !== undefined) return `"${bad}" is not one of ${names.map((s) => `"${s}"`).join(", ")}`;
  }
  if (def.hasMinimum) {
    const min = Number(def.minimum ?? 0);
    if (inList) {
      const list = value.list ?? {};
      const length = Math.max(
        ...Object.values(list).map((x) => (Array.isArray(x) ? x.length : 0)),
        0,
      );
      if (length < min) return `a list of ${length} values, at least ${min} required`;
    } else if (Number(value.i ?? 0) < min) {
      return `${Number(value.i ?? 0)} is less than the minimum ${min}`;
    }
  }
  return null;
}

function argCount(arg: ArgDefMessage, attrs: Map<string, AttrValueMessage>): number {
  if (arg.numberAttr) return Number(attrs.get(arg.numberAttr)?.i ?? 0);
  if (arg.typeListAttr) return attrs.get(arg.typeListAttr)?.list?.type?.length ?? 0;
  return 1;
}

/**
 * Fills the type, number and type-list attrs an op's builder left implicit from its
 * inputs and outputs, as TensorFlow's op_def_library infers them.
 */
function inferAttrs(op: Operation, def: OpDefMessage, attrs: Map<string, AttrValueMessage>): void {
  const sides: [readonly ArgDefMessage[], readonly Tensor[]][] = [
    [def.inputArg ?? [], op.inputs],
    [def.outputArg ?? [], op.outputs],
  ];
  for (const [args, tensors] of sides) {
    if (args.some((a) => a.typeListAttr && !attrs.has(a.typeListAttr))) {
      if (args.length !== 1) continue;
    }
    let at = 0;
    for (const arg of args) {
      if (arg.numberAttr && !attrs.has(arg.numberAttr)) {
        // Only inferable when every other arg of this side has a known count.
        const others = args.filter((a) => a !== arg).length;
        attrs.set(arg.numberAttr, { i: tensors.length - others });
      }
      if (arg.typeListAttr && !attrs.has(arg.typeListAttr)) {
        const rest = args.length - 1;
        const mine = tensors.slice(at, tensors.length - rest + args.indexOf(arg));
        attrs.set(arg.typeListAttr, { list: { type: mine.map((t) => toDataType(t.dtype)) } });
      }
      const count = argCount(arg, attrs);
      const first = tensors[at];
      if (arg.typeAttr && !attrs.has(arg.typeAttr) && first !== undefined)
        attrs.set(arg.typeAttr, { type: toDataType(first.dtype) });
      at += count;
    }
  }
}

/** Checks the op's inputs (or outputs) against the OpDef's args: count, dtypes, refs. */
function checkArgs(
  op: Operation,
  side: "input" | "output",
  args: readonly ArgDefMessage[],
  tensors: readonly Tensor[],
  attrs: Map<string, AttrValueMessage>,
): void {
  let expected = 0;
  for (const arg of args) expected += argCount(arg, attrs);
  // scopeflow's Apply* ops have no outputs yet (TF's return the variable's ref); nothing
  // reads them, and a GraphDef does not list outputs, so the node is still TF's.
  if (side === "output" && tensors.length === 0) return;
  if (tensors.length !== expected)
    throw new GraphExportError(op, `it has ${tensors.length} ${side}s, its OpDef ${expected}`);
  let at = 0;
  for (const arg of args) {
    const count = argCount(arg, attrs);
    for (let k = 0; k < count; k++, at++) {
      const t = tensors[at] as Tensor;
      const want = arg.type
        ? arg.type
        : arg.typeAttr
          ? attrs.get(arg.typeAttr)?.type
          : attrs.get(arg.typeListAttr ?? "")?.list?.type?.[k];
      if (want !== undefined && want !== null && toDataType(t.dtype) !== want)
        throw new GraphExportError(
          op,
          `${side} '${arg.name}' (${t.name}) is ${dataTypeSpelling(toDataType(t.dtype))}, its OpDef wants ${dataTypeSpelling(want)}`,
        );
      if (side === "input" && arg.isRef && !t.isRef)
        throw new GraphExportError(op, `input '${arg.name}' (${t.name}) must be a reference`);
    }
  }
}

function tensorInputName(t: Tensor): string {
  return t.valueIndex === 0 ? t.op.name : `${t.op.name}:${t.valueIndex}`;
}

/**
 * The internal attrs (`_user_specified_name`, …) of imported nodes that scopeflow has no
 * use for but TensorFlow's runtime may: kept as read, written back on export.
 */
const importedPrivateAttrs = new WeakMap<Operation, ReadonlyMap<string, AttrValueMessage>>();

/** Keeps an imported node's internal attrs, to be exported with it. */
export function keepPrivateAttrs(
  op: Operation,
  attrs: ReadonlyMap<string, AttrValueMessage>,
): void {
  if (attrs.size > 0) importedPrivateAttrs.set(op, attrs);
}

/** The op as a `NodeDef`, validated against its OpDef. */
export function nodeDefOf(op: Operation, addShapes = false): NodeDefMessage {
  const decl = opDefinitionIn(op.graph, op.type)?.opDef;
  if (decl === undefined)
    throw new GraphExportError(op, `scopeflow declares no TensorFlow OpDef for ${op.type}`);
  if (isScopeflowOnly(decl))
    throw new GraphExportError(
      op,
      `${op.type} is scopeflow's own op, not TensorFlow's: ${decl.scopeflowOnly}`,
    );
  const def = opDefIn(op.graph, op.type) as OpDefMessage;
  const attrs = new Map<string, AttrValueMessage>();
  const declared = new Map((def.attr ?? []).map((a) => [a.name ?? "", a]));
  for (const [name, value] of Object.entries(op.attrs)) {
    if (name === "_class") {
      const v = attrValue("list(string)", value);
      if (typeof v === "string") throw new GraphExportError(op, `attr '_class': ${v}`);
      attrs.set(name, v);
      continue;
    }
    const adef = declared.get(name);
    if (adef === undefined)
      throw new GraphExportError(op, `attr '${name}' is not in the OpDef of ${op.type}`);
    const v = attrValue(adef.type ?? "", value);
    if (typeof v === "string") throw new GraphExportError(op, `attr '${name}': ${v}`);
    attrs.set(name, v);
  }
  inferAttrs(op, def, attrs);
  for (const [name, value] of importedPrivateAttrs.get(op) ?? []) attrs.set(name, value);
  for (const adef of def.attr ?? []) {
    const name = adef.name ?? "";
    let v = attrs.get(name);
    if (v === undefined) {
      if (!adef.defaultValue)
        throw new GraphExportError(op, `the required attr '${name}' (${adef.type}) is not set`);
      v = adef.defaultValue;
      attrs.set(name, v);
    }
    const why = checkAllowed(adef, v);
    if (why !== null) throw new GraphExportError(op, `attr '${name}': ${why}`);
  }
  checkArgs(op, "input", def.inputArg ?? [], op.inputs, attrs);
  checkArgs(op, "output", def.outputArg ?? [], op.outputs, attrs);
  // As TF's `as_graph_def(add_shapes=True)`: only ops with outputs get the attr.
  if (addShapes && op.outputs.length > 0)
    attrs.set("_output_shapes", { list: { shape: op.outputs.map((t) => shapeProto(t.shape)) } });
  const node: NodeDefMessage = {
    name: op.name,
    op: op.type,
    // Data inputs, then control inputs sorted by name (TF's `Graph::ToGraphDefSubRange`).
    input: [
      ...op.inputs.map(tensorInputName),
      ...op.controlInputs
        .map((c) => c.name)
        .sort(byCodeUnit)
        .map((n) => `^${n}`),
    ],
    attr: Object.fromEntries([...attrs].sort(([a], [b]) => byCodeUnit(a, b))),
  };
  if (op.device !== "") node.device = op.device;
  return node;
}

/** `std::string`'s `<` on TF's (ASCII) names, unlike `localeCompare`. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The graph's ops as a `GraphDef`, in creation order, as TensorFlow writes it; as decoded
 * from its bytes, so it has the shape of a GraphDef read from a file.
 */
export function graphDefOf(graph: Graph, request: GraphDefRequest): GraphDefView {
  const from = request.fromVersion;
  const ops = graph.getOperations().filter((op) => from === null || op.id > from);
  const def: GraphDefMessage = {
    node: ops.map((op) => nodeDefOf(op, request.addShapes)),
    versions: versionsMessage(graphDefVersions(graph)),
  };
  // TF writes the library between the nodes and the versions; field order is the codec's.
  const library = librarySection(graph, ops, (op) => nodeDefOf(op, request.addShapes));
  if (library !== null) def.library = library;
  return GraphDef.fromBinary(GraphDef.toBinary(def));
}

function versionsMessage(v: GraphDefVersions): tensorflow.VersionDef.$Properties {
  const out: tensorflow.VersionDef.$Properties = { producer: v.producer };
  if (v.minConsumer !== 0) out.minConsumer = v.minConsumer;
  if (v.badConsumers.length > 0) out.badConsumers = v.badConsumers.slice();
  return out;
}

installGraphDefExporter(graphDefOf);

const refInputsByType = new Map<string, readonly boolean[] | null>();

/** Which inputs of an op type its OpDef takes by reference, when it has single-tensor args. */
function refInputs(type: string, inputCount: number): readonly boolean[] | null {
  let refs = refInputsByType.get(type);
  if (refs === undefined) {
    const args = getOpDef(type)?.inputArg ?? [];
    const simple = args.every((a) => !a.numberAttr && !a.typeListAttr);
    refs = simple && args.some((a) => a.isRef) ? args.map((a) => a.isRef === true) : null;
    refInputsByType.set(type, refs);
  }
  return refs !== null && refs.length === inputCount ? refs : null;
}

installRefInputLookup(refInputs);
