/**
 * TF 1.15's `tf.saved_model.Builder` (`SavedModelBuilder`, saved_model/builder_impl.py)
 * and `simple_save`: a `saved_model.pb` (or `.pbtxt`) of tagged meta graphs with their
 * signatures, `variables/variables.{index,data-00000-of-00001}` written by a sharded V2
 * saver as TF's, and `assets/`: a SavedModel TensorFlow Serving loads.
 */
import { AssertionError, ValueError } from "../errors.js";
import {
  anyKind,
  booleanKind,
  declare,
  defineParams,
  kind,
  listKind,
  opt,
  optNullable,
  req,
  stringKind,
  type CallArgs,
} from "../graph/call_args.js";
import { Operation } from "../graph/operation.js";
import { Tensor } from "../graph/tensor.js";
import { getDefaultGraph, type Graph } from "../graph/graph.js";
import type { ConstValue } from "../ops/const_value.js";
import { createMetaGraphDef, type MetaGraphDefMessage } from "../interchange/meta_graph.js";
import { AssetFileDef, SavedModel, tensorflow } from "../proto/index.js";
import { Session, sessionKind } from "../session/session.js";
import { nodeFs, nodePath, refuseUriSync } from "../checkpoint/file_io.js";
import {
  ASSETS_DIRECTORY,
  ASSETS_KEY,
  ASSET_FILEPATHS_KEY,
  ASSET_FILE_DEF_TYPE_URL,
  INIT_OP_SIGNATURE_KEY,
  LEGACY_INIT_OP_KEY,
  MAIN_OP_KEY,
  SAVED_MODEL_FILENAME_PB,
  SAVED_MODEL_FILENAME_PBTXT,
  SAVED_MODEL_SCHEMA_VERSION,
  TRAIN_OP_SIGNATURE_KEY,
  VARIABLES_DIRECTORY,
  tagConstants,
  signatureConstants,
} from "./constants.js";
import { variablesPath } from "./loader.js";
import { buildShardedSaver } from "./sharded_saver.js";
import { predictSignatureDef, type SignatureDefMessage } from "./signature_def_utils.js";
import { SparseTensor } from "../ops/sparse_tensor.js";

const DT_INVALID = tensorflow.DataType.DT_INVALID;

function listDir(dir: string): string[] | null {
  try {
    return nodeFs().readdirSync(dir);
  } catch {
    return null;
  }
}

/** `_validate_tensor_info`. */
function validateTensorInfo(info: tensorflow.TensorInfo.$Properties | undefined): void {
  if (info === undefined || info === null) {
    throw new AssertionError(
      "All TensorInfo protos used in the SignatureDefs must have the name and dtype fields set.",
    );
  }
  if (!info.name && !info.cooSparse) {
    throw new AssertionError(
      `All TensorInfo protos used in the SignatureDefs must have one of the 'encoding' fields (e.g., name or coo_sparse) set: ${JSON.stringify(info)}`,
    );
  }
  if ((info.dtype ?? DT_INVALID) === DT_INVALID) {
    throw new AssertionError(
      `All TensorInfo protos used in the SignatureDefs must have the dtype field set: ${JSON.stringify(info)}`,
    );
  }
}

/** `_validate_signature_def_map`: TensorInfos complete, reserved keys unused. */
function validateSignatureDefMap(map: Readonly<Record<string, SignatureDefMessage>>): void {
  for (const sig of Object.values(map)) {
    for (const info of Object.values(sig.inputs ?? {})) validateTensorInfo(info);
    for (const info of Object.values(sig.outputs ?? {})) validateTensorInfo(info);
  }
  for (const key of [INIT_OP_SIGNATURE_KEY, TRAIN_OP_SIGNATURE_KEY]) {
    if (key in map) {
      const what = key === INIT_OP_SIGNATURE_KEY ? "initialization" : "the train op";
      throw new ValueError(
        `SignatureDef map key "${key}" is reserved for ${what}. Please use a different key.`,
      );
    }
  }
}

/** `_asset_path_from_tensor`: the path a string scalar `Const` holds. */
function assetPathOf(t: unknown): string {
  if (!(t instanceof Tensor)) throw new TypeError("Asset path tensor must be a Tensor.");
  if (t.op.type !== "Const") throw new TypeError("Asset path tensor must be of type constant.");
  if (t.dtype !== "string") throw new TypeError("Asset path tensor must be of dtype string.");
  const value = t.op.attrs.value as ConstValue;
  if (value.values.length !== 1) throw new TypeError("Asset path tensor must be a scalar.");
  const v = value.values[0];
  return typeof v === "string" ? v : new TextDecoder().decode(v as unknown as Uint8Array);
}

/** Whether two files hold the same bytes (`file_io.filecmp`). */
function sameFile(a: string, b: string): boolean {
  const fs = nodeFs();
  return Buffer.compare(fs.readFileSync(a), fs.readFileSync(b)) === 0;
}

/** `get_asset_filename_to_add`: the basename, made unique when another file has it. */
function assetFilenameToAdd(path: string, map: ReadonlyMap<string, string>): string {
  const base = nodePath().basename(path);
  const other = map.get(base);
  if (other === undefined || other === path || sameFile(path, other)) return base;
  let i = 1;
  let unique = base;
  while (map.has(unique)) unique = `${base}_${i++}`;
  return unique;
}

const isTensorInfoRecord = (v: unknown): boolean =>
  typeof v === "object" && v !== null && !(v instanceof Tensor);
const signatureMapKind = kind<Readonly<Record<string, SignatureDefMessage>>>(
  "an object of SignatureDef messages by key",
  (v) => isTensorInfoRecord(v) && Object.values(v as object).every(isTensorInfoRecord),
);
const opKind = kind<Operation>("an Operation", (v) => v instanceof Operation);
const tensorListKind = listKind(kind<Tensor>("a Tensor", (v) => v instanceof Tensor));

/** The TF 1.15 parameters shared by `add_meta_graph_and_variables` and `add_meta_graph`. */
const META_GRAPH_OPTIONS = [
  optNullable("signatureDefMap", signatureMapKind),
  optNullable("assetsCollection", tensorListKind),
  optNullable("legacyInitOp", opKind),
  opt("clearDevices", booleanKind),
  optNullable("mainOp", opKind),
  opt("stripDefaultAttrs", booleanKind),
  optNullable("saver", anyKind<never>("None (scopeflow's Builder makes TF's sharded saver)")),
] as const;

const CONSTRUCTOR = defineParams("savedModel.Builder", [req("exportDir", stringKind)] as const);
const ADD_WITH_VARIABLES = defineParams("savedModel.Builder.addMetaGraphAndVariables", [
  req("sess", sessionKind),
  req("tags", listKind(stringKind)),
  ...META_GRAPH_OPTIONS,
] as const);
const ADD = defineParams("savedModel.Builder.addMetaGraph", [
  req("tags", listKind(stringKind)),
  ...META_GRAPH_OPTIONS,
] as const);
const SAVE = defineParams("savedModel.Builder.save", [opt("asText", booleanKind)] as const);

/** The options of {@link Builder.addMetaGraph} and {@link Builder.addMetaGraphAndVariables}. */
interface MetaGraphOptions {
  signatureDefMap?: Readonly<Record<string, SignatureDefMessage>> | null;
  assetsCollection?: readonly Tensor[] | null;
  legacyInitOp?: Operation | null;
  clearDevices?: boolean;
  mainOp?: Operation | null;
  stripDefaultAttrs?: boolean;
  saver?: null;
}

/**
 * Builds a SavedModel (TF 1.15's `tf.saved_model.Builder(export_dir)`): the first meta
 * graph is added with its variables (`addMetaGraphAndVariables`), later ones without
 * (`addMetaGraph`); `save()` writes `saved_model.pb` (or `.pbtxt` with `{ asText: true }`).
 * An export directory that exists and is not empty is refused, as TF refuses it.
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null], "x");
 * const w = tf.getVariable("w", [], { initializer: tf.constantInitializer(3) });
 * const y = tf.multiply(w, x, { name: "y" });
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * const builder = new tf.savedModel.Builder("export/1");
 * builder.addMetaGraphAndVariables(sess, [tf.savedModel.tagConstants.SERVING], {
 *   signatureDefMap: { serving_default: tf.savedModel.signatureDefUtils.predictSignatureDef({ x }, { y }) },
 * });
 * builder.save(); // ==> export/1/saved_model.pb
 * ```
 */
export class Builder {
  readonly exportDir: string;
  private readonly savedModel: {
    savedModelSchemaVersion: number;
    metaGraphs: MetaGraphDefMessage[];
  };
  private hasSavedVariables = false;

  constructor(...args: CallArgs<typeof CONSTRUCTOR.params>) {
    const { exportDir } = CONSTRUCTOR.parse(args);
    refuseUriSync(exportDir);
    const entries = listDir(exportDir);
    if (entries !== null && entries.length > 0) {
      throw new AssertionError(
        `Export directory already exists, and isn't empty. Please choose a different export directory, or delete all the contents of the specified directory: ${exportDir}`,
      );
    }
    if (entries === null) nodeFs().mkdirSync(exportDir, { recursive: true });
    this.exportDir = exportDir;
    this.savedModel = { savedModelSchemaVersion: SAVED_MODEL_SCHEMA_VERSION, metaGraphs: [] };
  }

  /**
   * TF 1.15's `add_meta_graph_and_variables(sess, tags, signature_def_map, assets_collection,
   * legacy_init_op, clear_devices, main_op, strip_default_attrs, saver)`: saves the
   * session's variables to `variables/` with TF's sharded saver and adds the graph.
   */
  addMetaGraphAndVariables(
    sess: Session,
    tags: readonly string[],
    options?: MetaGraphOptions,
  ): void;
  addMetaGraphAndVariables(
    args: { sess: Session; tags: readonly string[] } & MetaGraphOptions,
  ): void;
  addMetaGraphAndVariables(...args: unknown[]): void {
    const a = ADD_WITH_VARIABLES.parse(args as CallArgs<typeof ADD_WITH_VARIABLES.params>);
    if (this.hasSavedVariables) {
      throw new AssertionError(
        "Graph state including variables and assets has already been saved. Please invoke `add_meta_graph()` instead.",
      );
    }
    const signatureDefMap = a.signatureDefMap ?? {};
    validateSignatureDefMap(signatureDefMap);
    const graph = a.sess.graph;
    this.addCollections(graph, a.assetsCollection ?? null, a.mainOp ?? a.legacyInitOp ?? null);
    const variablesDir = nodePath().join(this.exportDir, VARIABLES_DIRECTORY);
    nodeFs().mkdirSync(variablesDir, { recursive: true });
    const saver = buildShardedSaver(graph);
    if (saver !== null) {
      a.sess.run(
        saver.saveTensor,
        new Map([[saver.filenameTensor, variablesPath(this.exportDir)]]),
      );
    }
    this.addMetaGraphDef(graph, a.tags, signatureDefMap, saver?.saverDef ?? null, {
      clearDevices: a.clearDevices === true,
      stripDefaultAttrs: a.stripDefaultAttrs === true,
    });
    this.hasSavedVariables = true;
  }

  /**
   * TF 1.15's `add_meta_graph(tags, signature_def_map, assets_collection, legacy_init_op,
   * clear_devices, main_op, strip_default_attrs, saver)`: another meta graph over the
   * variables already saved.
   */
  addMetaGraph(tags: readonly string[], options?: MetaGraphOptions): void;
  addMetaGraph(args: { tags: readonly string[] } & MetaGraphOptions): void;
  addMetaGraph(...args: unknown[]): void {
    const a = ADD.parse(args as CallArgs<typeof ADD.params>);
    if (!this.hasSavedVariables) {
      throw new AssertionError(
        "Graph state including variables and assets has not been saved yet. Please invoke `add_meta_graph_and_variables()` first.",
      );
    }
    const signatureDefMap = a.signatureDefMap ?? {};
    validateSignatureDefMap(signatureDefMap);
    const graph = getDefaultGraph();
    this.addCollections(graph, a.assetsCollection ?? null, a.mainOp ?? a.legacyInitOp ?? null);
    const saver = buildShardedSaver(graph);
    this.addMetaGraphDef(graph, a.tags, signatureDefMap, saver?.saverDef ?? null, {
      clearDevices: a.clearDevices === true,
      stripDefaultAttrs: a.stripDefaultAttrs === true,
    });
  }

  /** TF 1.15's `save(as_text=False)`: writes the SavedModel; returns its path. */
  save(asText?: boolean): string;
  save(args: { asText?: boolean }): string;
  save(...args: unknown[]): string {
    const { asText } = SAVE.parse(args as CallArgs<typeof SAVE.params>);
    const fs = nodeFs();
    if (listDir(this.exportDir) === null) fs.mkdirSync(this.exportDir, { recursive: true });
    const name = asText ? SAVED_MODEL_FILENAME_PBTXT : SAVED_MODEL_FILENAME_PB;
    const path = nodePath().join(this.exportDir, name);
    const message = this.savedModel as tensorflow.SavedModel.$Properties;
    fs.writeFileSync(path, asText ? SavedModel.toText(message) : SavedModel.toBinary(message));
    return path;
  }

  /**
   * `_add_collections`: the assets (AssetFileDefs in the graph's `saved_model_assets`
   * collection, files copied into `assets/`) and the main op (`saved_model_main_op`).
   */
  private addCollections(
    graph: Graph,
    assetsCollection: readonly Tensor[] | null,
    mainOp: Operation | null,
  ): void {
    const byName = new Map<string, string>();
    for (const t of assetsCollection ?? []) {
      const source = assetPathOf(t);
      if (!source) throw new ValueError(`Invalid asset filepath tensor ${t.toString()}`);
      const filename = assetFilenameToAdd(source, byName);
      // `_add_asset_to_collection`: an AssetFileDef packed in an `Any`, in the graph.
      const asset = { filename, tensorInfo: { name: t.name } };
      graph.addItem(ASSETS_KEY, {
        type_url: ASSET_FILE_DEF_TYPE_URL,
        value: AssetFileDef.toBinary(asset),
      });
      byName.set(filename, source);
    }
    if (byName.size > 0) {
      const dir = nodePath().join(this.exportDir, ASSETS_DIRECTORY);
      nodeFs().mkdirSync(dir, { recursive: true });
      for (const [filename, source] of byName) {
        const dest = nodePath().join(dir, filename);
        // Copied the first time only: graphs added later may name the same asset.
        if (!nodeFs().existsSync(dest)) nodeFs().copyFileSync(source, dest);
      }
    }
    if (mainOp !== null) {
      for (const key of [MAIN_OP_KEY, LEGACY_INIT_OP_KEY]) {
        if (graph.collectionItems(key).length > 0) {
          throw new ValueError(
            `Graph already contains one or more main ops under the collection ${key}.`,
          );
        }
      }
      graph.addItem(MAIN_OP_KEY, mainOp);
    }
  }

  /** `saver.export_meta_graph` + `_tag_and_add_meta_graph`. */
  private addMetaGraphDef(
    graph: Graph,
    tags: readonly string[],
    signatureDefMap: Readonly<Record<string, SignatureDefMessage>>,
    saverDef: MetaGraphDefMessage["saverDef"] | null,
    options: { clearDevices: boolean; stripDefaultAttrs: boolean },
  ): void {
    const meta = createMetaGraphDef({
      graph,
      saverDef: saverDef ?? null,
      clearDevices: options.clearDevices,
      stripDefaultAttrs: options.stripDefaultAttrs,
    });
    meta.metaInfoDef = { ...meta.metaInfoDef, tags: [...tags] };
    meta.signatureDef = { ...signatureDefMap };
    this.savedModel.metaGraphs.push(meta);
  }
}
declare(Builder, CONSTRUCTOR);
declare(Builder.prototype.addMetaGraphAndVariables, ADD_WITH_VARIABLES);
declare(Builder.prototype.addMetaGraph, ADD);
declare(Builder.prototype.save, SAVE);

const isTensorRecord = (v: unknown): boolean =>
  typeof v === "object" &&
  v !== null &&
  Object.values(v).every((t) => t instanceof Tensor || t instanceof SparseTensor);
const tensorRecordKind = kind<Readonly<Record<string, Tensor | SparseTensor>>>(
  "an object of Tensors by key",
  isTensorRecord,
  isTensorRecord,
);

/** TF 1.15's `simple_save(session, export_dir, inputs, outputs, legacy_init_op=None)`. */
const SIMPLE_SAVE = defineParams("savedModel.simpleSave", [
  req("session", sessionKind),
  req("exportDir", stringKind),
  req("inputs", tensorRecordKind),
  req("outputs", tensorRecordKind),
  optNullable("legacyInitOp", opKind),
] as const);

/**
 * Writes a SavedModel TensorFlow Serving loads, in one call (TF 1.15's
 * `tf.saved_model.simple_save`): the session's graph tagged `serve`, its variables, and a
 * Predict signature `serving_default` of `inputs` and `outputs`; devices cleared, the
 * graph's `asset_filepaths` collection saved as assets, `legacyInitOp` as the main op.
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 1], "x");
 * const y = tf.layers.dense(x, 1, { name: "dense" });
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * tf.savedModel.simpleSave(sess, "model/1", { x }, { y });
 * tf.savedModel.maybeSavedModelDirectory("model/1"); // ==> true
 * ```
 */
export function simpleSave(...args: CallArgs<typeof SIMPLE_SAVE.params>): void {
  const a = SIMPLE_SAVE.parse(args);
  const signatureDefMap = {
    [signatureConstants.DEFAULT_SERVING_SIGNATURE_DEF_KEY]: predictSignatureDef(
      a.inputs,
      a.outputs,
    ),
  };
  const builder = new Builder(a.exportDir);
  const assets = a.session.graph.collectionItems(ASSET_FILEPATHS_KEY) as Tensor[];
  builder.addMetaGraphAndVariables(a.session, [tagConstants.SERVING], {
    signatureDefMap,
    assetsCollection: assets,
    mainOp: a.legacyInitOp ?? null,
    clearDevices: true,
  });
  builder.save();
}
declare(simpleSave, SIMPLE_SAVE);
