/**
 * `tf.train.exportMetaGraph` (TF 1.15's python/framework/meta_graph.py and
 * `saver.export_meta_graph`): a graph, its saver and its collections as TensorFlow's
 * `MetaGraphDef`, which TensorFlow's `import_meta_graph` reads back.
 */
import { UnimplementedError, ValueError } from "../errors.js";
import { nodeFs, nodePath } from "../checkpoint/file_io.js";
import { fileSystemOf, hasUriScheme } from "../checkpoint/file_systems.js";
import {
  booleanKind,
  kind,
  listKind,
  opt,
  stringKind,
  tfFunction,
  type Kind,
} from "../graph/call_args.js";
import { getDefaultGraph, Graph, GraphKeys } from "../graph/graph.js";
import { stripNameScope } from "../graph/name_scopes.js";
import { Operation } from "../graph/operation.js";
import { Tensor } from "../graph/tensor.js";
import { getOpDef } from "../ops/registry.js";
import {
  AttrValue,
  CondContextDef,
  MetaGraphDef,
  VariableDef,
  WhileContextDef,
  type tensorflow,
} from "../proto/index.js";
import { CondContext } from "../ops/control/cond.js";
import { WhileContext } from "../ops/control/while_v1.js";
import { condContextFromProto, whileContextFromProto } from "../ops/control/context_from_proto.js";
import { Variable } from "../variables/variable.js";
import {
  GRAPH_DEF_VERSION,
  nodeDefOf,
  type GraphDefMessage,
  type NodeDefMessage,
} from "./graph_def.js";

export type MetaGraphDefMessage = tensorflow.MetaGraphDef.$Properties;
export type MetaInfoDefMessage = tensorflow.MetaGraphDef.MetaInfoDef.$Properties;
export type CollectionDefMessage = tensorflow.CollectionDef.$Properties;
export type SaverDefMessage = tensorflow.SaverDef.$Properties;
type OpDefMessage = tensorflow.OpDef.$Properties;

/** `versions.__version__` of the TensorFlow whose behaviour scopeflow follows. */
export const TENSORFLOW_VERSION = "1.15.0";
/** `versions.__git_version__` of the TF 1.15.0 release packages. */
export const TENSORFLOW_GIT_VERSION = "v1.15.0-rc3-22-g590d6ee";

/** Prefix TF gives inputs from outside the export scope (`$unbound_inputs_`). */
const UNBOUND_INPUT_PREFIX = "$unbound_inputs_";
const UNBOUND_INPUTS_COLLECTION = "unbound_inputs";

/** The names TensorFlow records in a `SaverDef`, as `Saver.saverDef` gives them. */
export interface SaverDef {
  filenameTensorName: string;
  saveTensorName: string;
  restoreOpName: string;
  maxToKeep: number;
  keepCheckpointEveryNHours: number;
  sharded: boolean;
  version: "LEGACY" | "V1" | "V2";
}

const VERSION_NUMBER = { LEGACY: 0, V1: 1, V2: 2 } as const;
const VERSION_NAME = ["LEGACY", "V1", "V2"] as const;

/** A `SaverDef` as scopeflow spells it (`version: "V2"`) or as a decoded message (`version: 2`). */
export type SaverDefLike = SaverDef | SaverDefMessage;

/** The `SaverDef` message of either spelling. */
export function saverDefMessage(def: SaverDefLike): SaverDefMessage {
  const v = def.version;
  return {
    filenameTensorName: def.filenameTensorName ?? "",
    saveTensorName: def.saveTensorName ?? "",
    restoreOpName: def.restoreOpName ?? "",
    maxToKeep: def.maxToKeep ?? 0,
    sharded: def.sharded ?? false,
    keepCheckpointEveryNHours: def.keepCheckpointEveryNHours ?? 0,
    version: typeof v === "string" ? VERSION_NUMBER[v] : (v ?? 0),
  };
}

/** scopeflow's spelling of a `SaverDef` message. */
export function saverDefOf(def: SaverDefLike): SaverDef {
  const m = saverDefMessage(def);
  return {
    filenameTensorName: m.filenameTensorName ?? "",
    saveTensorName: m.saveTensorName ?? "",
    restoreOpName: m.restoreOpName ?? "",
    maxToKeep: m.maxToKeep ?? 0,
    keepCheckpointEveryNHours: m.keepCheckpointEveryNHours ?? 0,
    sharded: m.sharded ?? false,
    version: VERSION_NAME[m.version ?? 0] ?? "V2",
  };
}

/**
 * How the items of one collection become `bytes_list` entries and back (TF's
 * `ops.register_proto_function`): `toProto` gives the serialized message, or `null` for
 * an item outside the export scope, and throws for an item it cannot serialize.
 */
export interface CollectionProtoFunctions {
  toProto(item: unknown, exportScope: string | null): Uint8Array | null;
  fromProto?(bytes: Uint8Array, importScope: string | null): unknown;
}

const protoFunctions = new Map<string, CollectionProtoFunctions>();

/** `ops.register_proto_function(key, proto_type, to_proto, from_proto)`. */
export function registerProtoFunctions(key: string, fns: CollectionProtoFunctions): void {
  protoFunctions.set(key, fns);
}

/** The functions registered for a collection, or `undefined`. */
export function getProtoFunctions(key: string): CollectionProtoFunctions | undefined {
  return protoFunctions.get(key);
}

/** TF's `logging.warning`. */
export function tfWarning(message: string): void {
  console.warn(`WARNING:tensorflow:${message}`);
}

// variables.py registers one VariableDef converter for each variable collection.
const VARIABLE_COLLECTIONS = [
  GraphKeys.GLOBAL_VARIABLES,
  GraphKeys.TRAINABLE_VARIABLES,
  GraphKeys.MOVING_AVERAGE_VARIABLES,
  GraphKeys.LOCAL_VARIABLES,
  GraphKeys.MODEL_VARIABLES,
  GraphKeys.GLOBAL_STEP,
  "metric_variables",
];
for (const key of VARIABLE_COLLECTIONS) {
  registerProtoFunctions(key, {
    toProto(item, exportScope) {
      if (!(item instanceof Variable)) {
        throw new TypeError(`'${typeName(item)}' object has no attribute 'to_proto'`);
      }
      const def = item.toProto(exportScope);
      return def === null ? null : VariableDef.toBinary(def);
    },
    fromProto: (bytes, importScope) =>
      Variable.fromProto(VariableDef.fromBinary(bytes), importScope),
  });
}

// control_flow_ops.py registers the loop and branch contexts' converters: `to_proto` on
// export, `from_proto` on import, which rebuilds the context over the imported ops.
registerProtoFunctions(GraphKeys.WHILE_CONTEXT, {
  toProto(item, exportScope) {
    if (!(item instanceof WhileContext)) {
      throw new TypeError(`'${typeName(item)}' object has no attribute 'to_proto'`);
    }
    const def = item.toProto(exportScope);
    return def === null ? null : WhileContextDef.toBinary(def);
  },
  fromProto: (bytes, importScope) =>
    whileContextFromProto(getDefaultGraph(), WhileContextDef.fromBinary(bytes), importScope),
});
registerProtoFunctions(GraphKeys.COND_CONTEXT, {
  toProto(item, exportScope) {
    if (!(item instanceof CondContext)) {
      throw new TypeError(`'${typeName(item)}' object has no attribute 'to_proto'`);
    }
    const def = item.toProto(exportScope);
    return def === null ? null : CondContextDef.toBinary(def);
  },
  fromProto: (bytes, importScope) =>
    condContextFromProto(getDefaultGraph(), CondContextDef.fromBinary(bytes), importScope),
});

function typeName(v: unknown): string {
  if (v === null) return "NoneType";
  if (typeof v === "object") return (v as object).constructor?.name ?? "object";
  return typeof v;
}

/** `_get_kind_name`: the CollectionDef field for a collection, by its first item. */
function kindName(item: unknown): "bytesList" | "int64List" | "floatList" | "anyList" | "nodeList" {
  if (typeof item === "string" || item instanceof Uint8Array) return "bytesList";
  if (isAny(item)) return "anyList";
  // Python's bool is an int; a JavaScript number with no fraction is taken for one.
  if (typeof item === "boolean" || typeof item === "bigint") return "int64List";
  if (typeof item === "number") return Number.isInteger(item) ? "int64List" : "floatList";
  return "nodeList";
}

type AnyMessage = { type_url: string; value: Uint8Array };

/** A `google.protobuf.Any` (as an imported meta graph's `any_list` gives them back). */
function isAny(item: unknown): item is AnyMessage {
  return (
    typeof item === "object" &&
    item !== null &&
    typeof (item as { type_url?: unknown }).type_url === "string" &&
    (item as { value?: unknown }).value instanceof Uint8Array
  );
}

function nameOf(item: unknown): string | undefined {
  if (typeof item === "string") return item;
  if (typeof item === "object" && item !== null && "name" in item) {
    const n = (item as { name: unknown }).name;
    return typeof n === "string" ? n : undefined;
  }
  return undefined;
}

/** `_should_include_node`. */
function shouldInclude(
  item: unknown,
  exportScope: string | null,
  excludeNodes: ReadonlySet<string> | null,
): boolean {
  const name = nameOf(item);
  // An object with no name is kept, to be judged by its collection's serializer.
  if (name === undefined) return true;
  if (excludeNodes !== null && excludeNodes.has(name)) return false;
  return name.startsWith(UNBOUND_INPUT_PREFIX) || !exportScope || name.startsWith(exportScope);
}

const encoder = new TextEncoder();

/** The CollectionDef of one collection's items, or why it cannot be written. */
function collectionDefOf(
  key: string,
  items: readonly unknown[],
  exportScope: string | null,
): CollectionDefMessage {
  const fns = protoFunctions.get(key);
  if (fns !== undefined) {
    const values: Uint8Array[] = [];
    for (const x of items) {
      const bytes = fns.toProto(x, exportScope);
      if (bytes !== null) values.push(bytes);
    }
    return values.length > 0 ? { bytesList: { value: values } } : {};
  }
  switch (kindName(items[0])) {
    case "nodeList": {
      const value: string[] = [];
      for (const x of items) {
        const name =
          x instanceof Tensor || x instanceof Operation || x instanceof Variable
            ? x.name
            : nameOf(x);
        if (name === undefined) {
          throw new TypeError(`'${typeName(x)}' object has no attribute 'name'`);
        }
        if (!exportScope || name.startsWith(exportScope)) {
          value.push(stripNameScope(name, exportScope));
        }
      }
      return { nodeList: { value } };
    }
    case "bytesList":
      return {
        bytesList: {
          value: items.map((x) => {
            if (typeof x === "string") return encoder.encode(x);
            if (x instanceof Uint8Array) return x;
            throw new TypeError(`Expected binary or unicode string, got ${typeName(x)}`);
          }),
        },
      };
    case "int64List":
      return {
        int64List: {
          value: items.map((x) => {
            if (typeof x === "boolean") return x ? 1 : 0;
            if (typeof x === "bigint") return Number(x);
            if (typeof x === "number" && Number.isInteger(x)) return x;
            throw new TypeError(`${String(x)} has type ${typeName(x)}, but expected one of: int`);
          }),
        },
      };
    case "anyList":
      return {
        anyList: {
          value: items.map((x) => {
            if (isAny(x)) return { type_url: x.type_url, value: x.value };
            throw new TypeError(
              `Parameter to MergeFrom() must be instance of same class: expected Any got ${typeName(x)}.`,
            );
          }),
        },
      };
    case "floatList":
      return {
        floatList: {
          value: items.map((x) => {
            if (typeof x === "number") return x;
            throw new TypeError(
              `${String(x)} has type ${typeName(x)}, but expected one of: int, float`,
            );
          }),
        },
      };
  }
}

/** `add_collection_def`: a collection it cannot serialize is left out, with TF's warning. */
function addCollectionDef(
  out: Record<string, CollectionDefMessage>,
  key: string,
  graph: Graph,
  exportScope: string | null,
  excludeNodes: ReadonlySet<string> | null,
  overrideContents: readonly unknown[] | null,
): void {
  const all = overrideContents ?? graph.collectionItems(key);
  const items = all.filter((x) => shouldInclude(x, exportScope, excludeNodes));
  if (items.length === 0) return;
  try {
    out[key] = collectionDefOf(key, items, exportScope);
  } catch (e) {
    tfWarning(
      `Issue encountered when serializing ${key}.\n` +
        "Type is unsupported, or the types of the items don't match field type in CollectionDef. " +
        `Note this is a warning and probably safe to ignore.\n${(e as Error).message}`,
    );
  }
}

/** The op types named by a GraphDef's nodes and the functions they call (`ops_used_by_graph_def`). */
function opsUsedByGraphDef(def: GraphDefMessage): string[] {
  const functions = new Map(
    (def.library?.function ?? []).map((f) => [f.signature?.name ?? "", f] as const),
  );
  const used = new Set<string>();
  const pending: (typeof functions extends Map<string, infer F> ? F : never)[] = [];
  const mark = (op: string): void => {
    const f = functions.get(op);
    if (!used.has(op) && f !== undefined) pending.push(f);
    used.add(op);
  };
  for (const n of def.node ?? []) mark(n.op ?? "");
  for (let f = pending.pop(); f !== undefined; f = pending.pop()) {
    for (const n of f.nodeDef ?? []) mark(n.op ?? "");
  }
  return [...used].filter((op) => !functions.has(op));
}

const FUNCTION_INTERNAL_OPS = new Set(["_Arg", "_Retval", "_ListToArray", "_ArrayToList"]);

/**
 * `stripped_op_list_for_graph`: the OpDefs of the ops a GraphDef uses, sorted by name;
 * an op scopeflow does not declare is refused, as TF refuses an unregistered one.
 */
export function strippedOpListForGraph(def: GraphDefMessage): { op: OpDefMessage[] } {
  const used = opsUsedByGraphDef(def).sort();
  const op: OpDefMessage[] = [];
  for (const name of used) {
    const opDef = getOpDef(name);
    if (opDef === undefined) {
      if (FUNCTION_INTERNAL_OPS.has(name)) continue;
      throw new ValueError(`Op ${name} is used by the graph, but is not registered`);
    }
    op.push(opDef as OpDefMessage);
  }
  return { op };
}

const attrBytes = (v: tensorflow.AttrValue.$Properties): string =>
  Array.from(AttrValue.toBinary(v)).join(",");

/** `strip_graph_default_valued_attrs`: drops attrs equal to their OpDef default. */
function stripDefaultValuedAttrs(def: GraphDefMessage): GraphDefMessage {
  const functionOps = new Set((def.library?.function ?? []).map((f) => f.signature?.name ?? ""));
  const strip = (node: NodeDefMessage): NodeDefMessage => {
    const op = node.op ?? "";
    const opDef = functionOps.has(op) ? undefined : getOpDef(op);
    if (opDef === undefined) return node;
    const defaults = new Map(
      (opDef.attr ?? [])
        .filter((a) => a.defaultValue !== undefined && a.defaultValue !== null)
        .map((a) => [a.name ?? "", attrBytes(a.defaultValue as tensorflow.AttrValue.$Properties)]),
    );
    const attr = Object.fromEntries(
      Object.entries(node.attr ?? {}).filter(([k, v]) => defaults.get(k) !== attrBytes(v)),
    );
    return { ...node, attr };
  };
  const library = def.library
    ? {
        ...def.library,
        function: (def.library.function ?? []).map((f) => ({
          ...f,
          nodeDef: (f.nodeDef ?? []).map(strip),
        })),
      }
    : def.library;
  return { ...def, node: (def.node ?? []).map(strip), ...(library ? { library } : {}) };
}

/** `_op_name`. */
function opNameOf(tensorName: string): string {
  const name = tensorName.startsWith("^") ? tensorName.slice(1) : tensorName;
  return name.split(":")[0] as string;
}

/** `_get_scope`. */
function scopeOf(nodeName: string): string {
  const name = nodeName.startsWith("^") ? nodeName.slice(1) : nodeName;
  const at = name.lastIndexOf("/");
  return at < 0 ? "" : name.slice(0, at);
}

const SAVE_AND_RESTORE_OPS = new Set([
  "SaveV2",
  "Save",
  "SaveSlice",
  "LegacySave",
  "LegacySaveSlice",
  "RestoreV2",
  "Restore",
  "RestoreSlice",
  "LegacyRestore",
  "LegacyRestoreSlice",
]);

/** `_find_extraneous_saver_nodes`: the nodes of every saver scope but `saverDef`'s. */
function findExtraneousSaverNodes(
  def: GraphDefMessage,
  saverDef: SaverDefMessage | null,
): Set<string> {
  const retain = new Set<string>();
  if (saverDef !== null) {
    retain.add(`${scopeOf(opNameOf(saverDef.restoreOpName ?? ""))}/`);
    retain.add(`${scopeOf(opNameOf(saverDef.saveTensorName ?? ""))}/`);
  }
  const saverNodes = new Set(
    (def.node ?? []).filter((n) => SAVE_AND_RESTORE_OPS.has(n.op ?? "")).map((n) => n.name ?? ""),
  );
  const scopes = new Set<string>();
  for (const n of saverNodes) {
    const s = scopeOf(n);
    if (!saverNodes.has(s)) scopes.add(`${s}/`);
  }
  const extraneous = [...scopes].filter((s) => !retain.has(s));
  const out = new Set<string>();
  for (const n of def.node ?? []) {
    const name = n.name ?? "";
    if (extraneous.some((s) => name.startsWith(s))) out.add(name);
  }
  return out;
}

/** `_node_def`: a NodeDef with the export scope stripped from its names. */
function scopedNodeDef(
  from: NodeDefMessage,
  exportScope: string | null,
  unboundInputs: string[],
  clearDevices: boolean,
): NodeDefMessage {
  const input = (from.input ?? []).map((v) => {
    if (exportScope && !v.replace(/^\^+/, "").startsWith(exportScope)) {
      const unbound = v.startsWith("^")
        ? `^${UNBOUND_INPUT_PREFIX}${v.slice(1)}`
        : `${UNBOUND_INPUT_PREFIX}${v}`;
      unboundInputs.push(unbound);
      return unbound;
    }
    return stripNameScope(v, exportScope);
  });
  const attr: Record<string, tensorflow.AttrValue.$Properties> = {};
  for (const [k, v] of Object.entries(from.attr ?? {})) {
    if (k === "_class") {
      const decoder = new TextDecoder();
      const s = (v.list?.s ?? [])
        .map((b) => decoder.decode(b))
        .filter((s) => !exportScope || (s.split("@")[1] ?? "").startsWith(exportScope))
        .map((s) => encoder.encode(stripNameScope(s, exportScope)));
      attr[k] = { list: { s } };
    } else if ((from.op === "Enter" || from.op === "RefEnter") && k === "frame_name") {
      const frame = new TextDecoder().decode(v.s ?? new Uint8Array());
      // TF keeps the last stripped name when the frame is outside the scope (an unset
      // variable in Python there); the frame name is then the empty string.
      const s =
        !exportScope || frame.startsWith(exportScope) ? stripNameScope(frame, exportScope) : "";
      attr[k] = { s: encoder.encode(s) };
    } else {
      attr[k] = v;
    }
  }
  const node: NodeDefMessage = {
    ...from,
    name: stripNameScope(from.name ?? "", exportScope),
    input,
    attr,
  };
  if (clearDevices) node.device = "";
  return node;
}

/** What `exportScopedMetaGraph` takes: TF 1.15's `export_scoped_meta_graph` arguments. */
export interface MetaGraphExportRequest {
  metaInfoDef?: MetaInfoDefMessage | null;
  graphDef?: GraphDefMessage | null;
  saverDef?: SaverDefLike | null;
  collectionList?: readonly string[] | null;
  graph?: Graph | null;
  exportScope?: string | null;
  clearDevices?: boolean | null;
  clearExtraneousSavers?: boolean | null;
  stripDefaultAttrs?: boolean | null;
}

/** `_nodes_by_id` as NodeDefs with `_output_shapes` (`export_scoped_meta_graph`'s loop). */
function graphNodes(graph: Graph): NodeDefMessage[] {
  return graph.getOperations().map((op) => nodeDefOf(op, true));
}

/**
 * `export_scoped_meta_graph` followed by `create_meta_graph_def`: the MetaGraphDef of a
 * graph (the default graph when none is given), as a message.
 */
export function createMetaGraphDef(request: MetaGraphExportRequest): MetaGraphDefMessage {
  const graph = request.graph ?? getDefaultGraph();
  const exportScope = request.exportScope || null;
  const clearDevices = request.clearDevices === true;
  const clearExtraneous = request.clearExtraneousSavers === true;
  const saverDef = request.saverDef ? saverDefMessage(request.saverDef) : null;
  let graphDef = request.graphDef ?? null;
  let excludeNodes: Set<string> | null = null;
  if (exportScope || clearExtraneous || clearDevices) {
    const unbound: string[] = [];
    const source = graphDef ?? null;
    const nodes = source?.node ?? graphNodes(graph);
    if (clearExtraneous) {
      excludeNodes = findExtraneousSaverNodes(source ?? graph.asGraphDef(), saverDef);
    }
    const kept = nodes.filter((n) => shouldInclude(n.name ?? "", exportScope, excludeNodes));
    const scoped: GraphDefMessage = {
      node: kept.map((n) => scopedNodeDef(n, exportScope, unbound, clearDevices)),
      versions: source?.versions ?? { producer: GRAPH_DEF_VERSION },
    };
    if (source?.library) scoped.library = source.library;
    graphDef = scoped;
    // TF records the inputs from outside the scope in the graph itself.
    graph.clearCollection(UNBOUND_INPUTS_COLLECTION);
    for (const k of unbound) graph.addItem(UNBOUND_INPUTS_COLLECTION, k);
  }
  const metaInfoDef: MetaInfoDefMessage = {
    ...(request.metaInfoDef ?? {}),
    tensorflowVersion: TENSORFLOW_VERSION,
    tensorflowGitVersion: TENSORFLOW_GIT_VERSION,
  };
  let def: GraphDefMessage = graphDef ?? graph.asGraphDef({ addShapes: true });
  if ((metaInfoDef.strippedOpList?.op ?? []).length === 0) {
    metaInfoDef.strippedOpList = strippedOpListForGraph(def);
  }
  if (request.stripDefaultAttrs === true) {
    def = stripDefaultValuedAttrs(def);
    metaInfoDef.strippedDefaultAttrs = true;
  }
  const meta: MetaGraphDefMessage = { metaInfoDef, graphDef: def };
  if (saverDef !== null) meta.saverDef = saverDef;
  const keys = request.collectionList ?? graph.getAllCollectionKeys();
  const collections: Record<string, CollectionDefMessage> = {};
  for (const key of keys) {
    const override =
      clearExtraneous && key === GraphKeys.SAVERS ? (saverDef ? [saverDef] : []) : null;
    addCollectionDef(collections, key, graph, exportScope, excludeNodes, override);
  }
  // Keys in order: TF's deterministic serialization of a map.
  meta.collectionDef = Object.fromEntries(
    Object.keys(collections)
      .sort()
      .map((k) => [k, collections[k] as CollectionDefMessage]),
  );
  return meta;
}

/** A copy whose map fields are in key order: protobuf's deterministic serialization. */
function deterministic(meta: MetaGraphDefMessage): MetaGraphDefMessage {
  const sorted = <T>(m: Record<string, T> | null | undefined): Record<string, T> =>
    Object.fromEntries(Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const graphDef = meta.graphDef
    ? {
        ...meta.graphDef,
        node: (meta.graphDef.node ?? []).map((n) => ({ ...n, attr: sorted(n.attr) })),
      }
    : meta.graphDef;
  return {
    ...meta,
    graphDef,
    collectionDef: sorted(meta.collectionDef),
    signatureDef: sorted(meta.signatureDef),
  };
}

/** The bytes (or text) `graph_io.write_graph` writes for a MetaGraphDef. */
export function metaGraphFileContents(meta: MetaGraphDefMessage, asText: boolean): Uint8Array {
  return asText
    ? encoder.encode(MetaGraphDef.toText(meta, { floatStyle: "python-exact" }))
    : MetaGraphDef.toBinary(deterministic(meta));
}

function tempName(target: string): string {
  const random = new Uint8Array(16);
  globalThis.crypto.getRandomValues(random);
  return `${target}.tmp${Array.from(random, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * `graph_io.write_graph(meta_graph_def, dirname, basename, as_text)`: creates the
 * directory, writes to a temporary name and renames into place. Local paths only.
 */
export function writeMetaGraphFileSync(
  meta: MetaGraphDefMessage,
  filename: string,
  asText: boolean,
): void {
  if (hasUriScheme(filename)) {
    throw new UnimplementedError(
      `writing a meta graph to '${filename}' needs the asynchronous file systems: use saver.saveAsync, or write tf.MetaGraphDef.toBinary(tf.train.exportMetaGraph()) with tf.io.getFileSystem(path).writeFile`,
    );
  }
  // Encoded before anything touches the disk, so a bad message leaves no file behind.
  const bytes = metaGraphFileContents(meta, asText);
  const fs = nodeFs();
  const dir = nodePath().dirname(filename);
  if (dir !== "") fs.mkdirSync(dir, { recursive: true });
  const temp = tempName(filename);
  try {
    fs.writeFileSync(temp, bytes, { flag: "wx" });
    fs.renameSync(temp, filename);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw e;
  }
}

/** {@link writeMetaGraphFileSync} on any file system (`ram://`, `indexeddb://`, local). */
export async function writeMetaGraphFileAsync(
  meta: MetaGraphDefMessage,
  filename: string,
  asText: boolean,
): Promise<void> {
  const fs = fileSystemOf(filename);
  if (fs === null) {
    writeMetaGraphFileSync(meta, filename, asText);
    return;
  }
  const bytes = metaGraphFileContents(meta, asText);
  const temp = tempName(filename);
  try {
    await fs.writeFile(temp, bytes);
    await fs.rename(temp, filename);
  } catch (e) {
    await fs.remove(temp).catch(() => undefined);
    throw e;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A message argument; an object whose keys are all parameter names is the options. */
function messageKind<T>(what: string, fields: readonly string[]): Kind<T> {
  return kind<T>(what, isObject, (o) => Object.keys(o).some((k) => fields.includes(k)));
}

const metaInfoDefKind = messageKind<MetaInfoDefMessage>("a MetaInfoDef", [
  "metaGraphVersion",
  "strippedOpList",
  "anyInfo",
  "tags",
  "tensorflowVersion",
  "tensorflowGitVersion",
  "strippedDefaultAttrs",
]);
const graphDefKind = messageKind<GraphDefMessage>("a GraphDef", [
  "node",
  "versions",
  "library",
  "version",
]);
const saverDefKind = messageKind<SaverDefLike>("a SaverDef", [
  "filenameTensorName",
  "saveTensorName",
  "restoreOpName",
  "maxToKeep",
  "sharded",
  "keepCheckpointEveryNHours",
  "version",
]);
const graphKind = kind<Graph>("a tf.Graph", (v) => v instanceof Graph);

/**
 * Exports a graph, its saver and its collections as TensorFlow's `MetaGraphDef`
 * (`tf.train.export_meta_graph(filename, meta_info_def, graph_def, saver_def,
 * collection_list, as_text, graph, export_scope, clear_devices, clear_extraneous_savers,
 * strip_default_attrs, save_debug_info)`) and returns it; with `filename`, also writes it
 * (binary, or text with `asText`), atomically.
 *
 * As TensorFlow writes it: `meta_info_def` with the OpDefs of the ops used
 * (`stripped_op_list`) and TF 1.15.0's version strings; `graph_def` with `_output_shapes`;
 * `saver_def` when given; a `collection_def` per collection (all, or `collectionList`):
 * variable collections (`variables`, `trainable_variables`, `local_variables`,
 * `model_variables`, `moving_average_variables`, `global_step`) as serialized
 * `VariableDef`s, `savers` as `SaverDef`s, tensors and ops (`train_op`, `losses`,
 * `summaries`, …) as names, strings, integers and floats as lists. A collection holding
 * anything else is left out with TF's warning. `exportScope` keeps the nodes under that
 * scope and strips it from their names (inputs from outside it become
 * `$unbound_inputs_…`); `clearDevices` empties the devices; `clearExtraneousSavers` drops
 * other savers' nodes; `stripDefaultAttrs` drops attrs equal to their defaults.
 * `saveDebugInfo` is refused: scopeflow records no GraphDebugInfo.
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [2]);
 * tf.addToCollection("train_op", tf.assignAdd(w, [1, 1]).op);
 * const meta = tf.train.exportMetaGraph();
 * meta.metaInfoDef.tensorflowVersion; // ==> 1.15.0
 * meta.metaInfoDef.strippedOpList.op.map((o) => o.name).join(" ");
 * // ==> Add Assign AssignAdd Const Identity Mul RandomUniform Sub VariableV2
 * Object.keys(meta.collectionDef).join(" "); // ==> train_op trainable_variables variables
 * meta.collectionDef.train_op.nodeList.value[0]; // ==> AssignAdd
 * tf.train.exportMetaGraph("out/model.meta").graphDef.node.length; // ==> 12
 * ```
 */
export const exportMetaGraph = tfFunction(
  "train.exportMetaGraph",
  [
    opt("filename", stringKind),
    opt("metaInfoDef", metaInfoDefKind),
    opt("graphDef", graphDefKind),
    opt("saverDef", saverDefKind),
    opt("collectionList", listKind(stringKind)),
    opt("asText", booleanKind),
    opt("graph", graphKind),
    opt("exportScope", stringKind),
    opt("clearDevices", booleanKind),
    opt("clearExtraneousSavers", booleanKind),
    opt("stripDefaultAttrs", booleanKind),
    opt("saveDebugInfo", booleanKind),
  ] as const,
  (a): tensorflow.MetaGraphDef => {
    if (a.saveDebugInfo === true) {
      throw new ValueError(
        "export_meta_graph: save_debug_info=True is not supported: scopeflow records no GraphDebugInfo; leave it False.",
      );
    }
    const graph = a.graph ?? getDefaultGraph();
    const meta = graph.atomically(() =>
      createMetaGraphDef({
        metaInfoDef: a.metaInfoDef,
        graphDef: a.graphDef,
        saverDef: a.saverDef,
        collectionList: a.collectionList,
        graph,
        exportScope: a.exportScope,
        clearDevices: a.clearDevices,
        clearExtraneousSavers: a.clearExtraneousSavers,
        stripDefaultAttrs: a.stripDefaultAttrs,
      }),
    );
    if (a.filename) writeMetaGraphFileSync(meta, a.filename, a.asText ?? false);
    return MetaGraphDef.fromBinary(MetaGraphDef.toBinary(meta));
  },
);
