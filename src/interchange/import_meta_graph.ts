/**
 * `tf.train.importMetaGraph` (TF 1.15's `saver.import_meta_graph` over
 * `meta_graph.import_scoped_meta_graph_with_return_elements`): a `MetaGraphDef`'s graph
 * imported into the default graph, its collections rebuilt (variables as `Variable`
 * objects over the imported ops), and a `Saver` over its own save and restore ops.
 */
import { ValueError } from "../errors.js";
import { Saver } from "../checkpoint/saver.js";
import { nodeFs } from "../checkpoint/file_io.js";
import { hasUriScheme } from "../checkpoint/file_systems.js";
import {
  booleanKind,
  kind,
  opt,
  optNullable,
  req,
  stringKind,
  tfFunction,
} from "../graph/call_args.js";
import { getDefaultGraph, GraphKeys, type Graph } from "../graph/graph.js";
import { prependNameScope, stripNameScope } from "../graph/name_scopes.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import {
  CondContextDef,
  MetaGraphDef,
  ProtoDecodeError,
  VariableDef,
  WhileContextDef,
  type tensorflow,
} from "../proto/index.js";
import { Variable } from "../variables/variable.js";
import { importGraphDef, type InputMap } from "./import_graph_def.js";
import { getProtoFunctions, tfWarning, type MetaGraphDefMessage } from "./meta_graph.js";

/** Python's `IOError` (`OSError`): a meta graph file missing or unreadable. */
export class OSError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OSError";
  }
}

/** `ops.GraphKeys._VARIABLE_COLLECTIONS`: one Variable per VariableDef across these. */
const VARIABLE_COLLECTIONS: ReadonlySet<string> = new Set([
  GraphKeys.GLOBAL_VARIABLES,
  GraphKeys.LOCAL_VARIABLES,
  "metric_variables",
  GraphKeys.MODEL_VARIABLES,
  GraphKeys.TRAINABLE_VARIABLES,
  GraphKeys.MOVING_AVERAGE_VARIABLES,
  "concatenated_variables",
  "trainable_resource_variables",
]);

/** Collections older TF wrote as node lists (`_COMPAT_COLLECTION_LIST`). */
const COMPAT_COLLECTIONS: ReadonlySet<string> = new Set([
  GraphKeys.LOCAL_VARIABLES,
  GraphKeys.MODEL_VARIABLES,
  "metric_variables",
]);

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** `read_meta_graph_file`: binary first, then text, as TF reads it. */
export function readMetaGraphFile(filename: string): tensorflow.MetaGraphDef {
  if (hasUriScheme(filename)) {
    throw new OSError(
      `File ${filename} names a file system by URI scheme, which importMetaGraph cannot read synchronously: read the bytes with tf.io.getFileSystem(path).readFile and pass tf.MetaGraphDef.fromBinary(bytes)`,
    );
  }
  const fs = nodeFs();
  if (!fs.existsSync(filename)) throw new OSError(`File ${filename} does not exist.`);
  const bytes = new Uint8Array(fs.readFileSync(filename));
  try {
    return MetaGraphDef.fromBinary(bytes);
  } catch (e) {
    if (!(e instanceof ProtoDecodeError)) throw e;
  }
  try {
    return MetaGraphDef.fromText(decoder.decode(bytes));
  } catch (e) {
    throw new OSError(`Cannot parse file ${filename}: ${(e as Error).message}.`);
  }
}

/**
 * Under an import scope, `WhileContext.from_proto` renames each loop's frame to the
 * context's scoped name by resetting the `frame_name` of the `Enter`s among its values
 * (nested loops after theirs, so an `Enter` gets its own loop's). Done here on the
 * GraphDef, before the nodes are imported, with the same result.
 */
function scopedFrameNames(
  def: tensorflow.GraphDef.$Properties,
  meta: tensorflow.MetaGraphDef,
  scope: string,
  restored: (key: string) => boolean,
): tensorflow.GraphDef.$Properties {
  if (scope === "") return def;
  const frameOf = new Map<string, string>();
  const visit = (ctx: tensorflow.ControlFlowContextDef.$Properties): void => {
    const w = ctx.whileCtxt;
    if (w) {
      const frame = prependNameScope(w.contextName ?? "", scope);
      for (const v of w.valuesDef?.values ?? []) frameOf.set(v.split(":")[0] as string, frame);
    }
    for (const nested of (w ?? ctx.condCtxt)?.nestedContexts ?? []) visit(nested);
  };
  for (const [key, codec, field] of [
    [GraphKeys.COND_CONTEXT, CondContextDef, "condCtxt"],
    [GraphKeys.WHILE_CONTEXT, WhileContextDef, "whileCtxt"],
  ] as const) {
    const values = meta.collectionDef[key]?.bytesList?.value ?? [];
    if (values.length === 0 || !restored(key)) continue;
    for (const bytes of values) visit({ [field]: codec.fromBinary(bytes) });
  }
  if (frameOf.size === 0) return def;
  const node = (def.node ?? []).map((n) => {
    const frame = frameOf.get(n.name ?? "");
    if (frame === undefined || (n.op !== "Enter" && n.op !== "RefEnter")) return n;
    return { ...n, attr: { ...n.attr, frame_name: { s: encoder.encode(frame) } } };
  });
  return { ...def, node };
}

/** `graph.as_graph_element(name)`: a tensor (`op:0`) or an op. */
function graphElement(graph: Graph, name: string): Tensor | Operation {
  return name.includes(":") ? graph.getTensorByName(name) : graph.getOperationByName(name);
}

/** Python's `LooseVersion(v) >= LooseVersion("1.9")` for TF's version strings. */
function versionAtLeast(version: string, major: number, minor: number): boolean {
  const parts = version.split(/[^0-9]+/).filter((p) => p !== "");
  const a = Number(parts[0] ?? 0);
  const b = Number(parts[1] ?? 0);
  return a > major || (a === major && b >= minor);
}

function keyOfBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

interface ImportRequest {
  clearDevices: boolean;
  importScope: string | null;
  inputMap: InputMap | null;
  unboundInputsColName: string | null;
  restoreCollectionsPredicate: (key: string) => boolean;
}

/** `import_scoped_meta_graph_with_return_elements`: the imported variables by name. */
function importScoped(
  graph: Graph,
  meta: tensorflow.MetaGraphDef,
  r: ImportRequest,
): Map<string, Variable> {
  const unboundName = r.unboundInputsColName;
  if (unboundName) {
    const col = meta.collectionDef[unboundName];
    if (col !== undefined) {
      const values = (col.nodeList?.value ?? col.bytesList?.value ?? []).map((v) =>
        typeof v === "string" ? v : decoder.decode(v),
      );
      const given =
        r.inputMap === null
          ? []
          : r.inputMap instanceof Map
            ? [...(r.inputMap as ReadonlyMap<string, unknown>).keys()]
            : Object.keys(r.inputMap);
      if (values.length > 0 && [...values].sort().join("\0") !== [...given].sort().join("\0")) {
        throw new ValueError(
          `Graph contains unbound inputs: ${values.filter((v) => !given.includes(v)).join(",")}. Must provide these inputs through input_map.`,
        );
      }
    }
  }
  const scope = graph.uniqueName(r.importScope ?? "", false);
  const source = scopedFrameNames(
    meta.graphDef ?? { node: [] },
    meta,
    scope,
    (key) => key !== unboundName && r.restoreCollectionsPredicate(key),
  );
  const graphDef: tensorflow.GraphDef.$Properties = r.clearDevices
    ? { ...source, node: (source.node ?? []).map((n) => ({ ...n, device: "" })) }
    : source;
  const producerOpList = meta.metaInfoDef?.strippedOpList ?? null;
  importGraphDef(graphDef, {
    inputMap: r.inputMap,
    name: r.importScope || scope,
    producerOpList,
  });
  // TF before 1.9 wrote VariableDefs without `trainable`: membership of
  // trainable_variables decides, so that collection is read first.
  const tfVersion = meta.metaInfoDef?.tensorflowVersion ?? "";
  const haveTrainable = tfVersion === "" || versionAtLeast(tfVersion, 1, 9);
  const keys = Object.keys(meta.collectionDef).sort();
  const ordered = keys.includes(GraphKeys.TRAINABLE_VARIABLES)
    ? [GraphKeys.TRAINABLE_VARIABLES, ...keys.filter((k) => k !== GraphKeys.TRAINABLE_VARIABLES)]
    : keys;
  const variables = new Map<string, Variable>();
  for (const key of ordered) {
    if (key === unboundName || !r.restoreCollectionsPredicate(key)) continue;
    const col = meta.collectionDef[key] as tensorflow.CollectionDef;
    const kind = col.kind;
    if (kind === undefined) {
      console.error(`ERROR:tensorflow:Cannot identify data type for collection ${key}. Skipping.`);
      continue;
    }
    const fns = getProtoFunctions(key === "metric_variables" ? GraphKeys.GLOBAL_VARIABLES : key);
    if (fns?.fromProto !== undefined && kind === "bytesList") {
      const values = col.bytesList?.value ?? [];
      if (VARIABLE_COLLECTIONS.has(key)) {
        for (const value of values) {
          const cacheKey = keyOfBytes(value);
          let v = variables.get(cacheKey);
          if (v === undefined) {
            const def = VariableDef.fromBinary(value);
            if (!haveTrainable) def.trainable = key === GraphKeys.TRAINABLE_VARIABLES;
            v = Variable.fromProto(def, scope);
            variables.set(cacheKey, v);
          }
          graph.addItem(key, v);
        }
      } else {
        for (const value of values) graph.addItem(key, fns.fromProto(value, scope));
      }
      continue;
    }
    if (COMPAT_COLLECTIONS.has(key)) {
      tfWarning(
        `The saved meta_graph is possibly from an older release:\n'${key}' collection should be of type 'byte_list', but instead is of type '${snake(kind)}'.`,
      );
    }
    switch (kind) {
      case "nodeList":
        for (const value of col.nodeList?.value ?? []) {
          graph.addItem(key, graphElement(graph, prependNameScope(value, scope)));
        }
        break;
      case "int64List":
        for (const value of col.int64List?.value ?? []) graph.addItem(key, Number(value));
        break;
      case "bytesList":
        for (const value of col.bytesList?.value ?? []) {
          graph.addItem(key, prependNameScope(decoder.decode(value), scope));
        }
        break;
      case "floatList":
        for (const value of col.floatList?.value ?? []) graph.addItem(key, value);
        break;
      case "anyList":
        for (const value of col.anyList?.value ?? []) graph.addItem(key, value);
        break;
    }
  }
  const varList = new Map<string, Variable>();
  for (const v of graph.collectionItems<Variable>(GraphKeys.GLOBAL_VARIABLES, scope || null)) {
    varList.set(stripNameScope(v.name, scope), v);
  }
  return varList;
}

function snake(kind: string): string {
  return kind.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `_create_saver_from_imported_meta_graph`. */
function saverFor(
  graph: Graph,
  meta: tensorflow.MetaGraphDef,
  importScope: string | null,
  imported: Map<string, Variable>,
): Saver | null {
  if (meta.saverDef !== null && meta.saverDef !== undefined) {
    // The scope the import prepended, read off an imported variable's name.
    let scope = importScope;
    const first = imported.entries().next();
    if (!first.done) {
      const [key, v] = first.value;
      scope = v.name.slice(0, v.name.length - key.length);
    }
    return new Saver(null, { saverDef: meta.saverDef, name: scope || null });
  }
  if (graph.collectionItems(GraphKeys.GLOBAL_VARIABLES, importScope || null).length > 0) {
    return new Saver();
  }
  return null;
}

const metaGraphOrFileKind = kind<string | MetaGraphDefMessage>(
  "a MetaGraphDef or a file name",
  (v) => typeof v === "string" || (typeof v === "object" && v !== null && !Array.isArray(v)),
  (o) => "graphDef" in o || "metaInfoDef" in o || "collectionDef" in o || "saverDef" in o,
);
const inputMapKind = kind<InputMap>(
  "a dict mapping tensor names to Tensors",
  (v) => v instanceof Map || (typeof v === "object" && v !== null && !Array.isArray(v)),
  (o) =>
    !Object.keys(o).every((k) =>
      [
        "clearDevices",
        "importScope",
        "inputMap",
        "unboundInputsColName",
        "restoreCollectionsPredicate",
      ].includes(k),
    ),
);
const predicateKind = kind<(key: string) => boolean>(
  "a function of a collection name",
  (v) => typeof v === "function",
);

/**
 * Imports a meta graph (a `MetaGraphDef`, or the path of a `.meta` file, binary or text)
 * into the default graph (`tf.train.import_meta_graph(meta_graph_or_file, clear_devices,
 * import_scope, **kwargs)`) and returns a `Saver` over its own save and restore ops, or
 * `null` when it has no SaverDef and no variables.
 *
 * The graph is imported with `tf.importGraphDef` under `importScope` (none by default);
 * then the collections are rebuilt: VariableDefs become `Variable`s over the imported
 * `VariableV2`, `Assign` and `read` ops (`tf.globalVariables()`, `tf.trainableVariables()`,
 * optimizers and `Saver`s use them), node lists become the imported ops and tensors
 * (`tf.getCollection("train_op")[0]`), the `savers` collection becomes `Saver`s, and the
 * `while_context`/`cond_context` collections become the loops' and conds' contexts again,
 * with their ops in them, so `tf.gradients` differentiates through imported `tf.whileLoop`s
 * and `tf.cond`s (under an import scope, loop frames are renamed with it, as TF does). The
 * returned saver's `restore(sess, path)` runs the graph's `save/restore_all` with the path
 * fed. Keyword arguments: `inputMap` (as `importGraphDef`'s: inputs from outside an export
 * scope must be given), `unboundInputsColName`, `restoreCollectionsPredicate` (which
 * collections to rebuild). A failed import leaves the graph unchanged.
 *
 * @example
 * ```ts
 * const g = new tf.Graph();
 * const meta = g.asDefault(() => {
 *   const w = tf.getVariable("w", [2], { initializer: tf.onesInitializer() });
 *   tf.addToCollection("train_op", tf.assignAdd(w, [1, 1]).op);
 *   return tf.train.exportMetaGraph({ saverDef: new tf.train.Saver().saverDef });
 * });
 * const saver = tf.train.importMetaGraph(meta);
 * saver?.saverDef?.restoreOpName; // ==> save/restore_all
 * tf.globalVariables().map((v) => v.name).join(); // ==> w:0
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * sess.run(tf.getCollection<tf.Operation>("train_op")[0]);
 * sess.run("w:0"); // ==> [2. 2.]
 * ```
 */
export const importMetaGraph = tfFunction(
  "train.importMetaGraph",
  [
    req("metaGraphOrFile", metaGraphOrFileKind),
    opt("clearDevices", booleanKind),
    opt("importScope", stringKind),
    optNullable("inputMap", inputMapKind),
    optNullable("unboundInputsColName", stringKind),
    opt("restoreCollectionsPredicate", predicateKind),
  ] as const,
  (a): Saver | null => {
    const given = a.metaGraphOrFile;
    const meta =
      typeof given === "string"
        ? readMetaGraphFile(given)
        : MetaGraphDef.fromBinary(MetaGraphDef.toBinary(given));
    const graph = getDefaultGraph();
    const importScope = a.importScope ?? null;
    return graph.atomically(() => {
      const imported = importScoped(graph, meta, {
        clearDevices: a.clearDevices ?? false,
        importScope,
        inputMap: a.inputMap ?? null,
        unboundInputsColName:
          a.unboundInputsColName === undefined ? "unbound_inputs" : a.unboundInputsColName,
        restoreCollectionsPredicate: a.restoreCollectionsPredicate ?? (() => true),
      });
      return saverFor(graph, meta, importScope, imported);
    });
  },
);
