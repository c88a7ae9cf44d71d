/**
 * TF 1.15's SavedModel loader (`tf.saved_model.loader.load`, saved_model/loader_impl.py):
 * reads `saved_model.pb` or `saved_model.pbtxt`, picks the meta graph with exactly the
 * tags asked for, imports its graph, restores `variables/variables` by running the meta
 * graph's own restore op, and runs its main op with the asset tensors fed.
 */
import { IOError, RuntimeError, ValueError } from "../errors.js";
import { listKind, opt, req, stringKind, booleanKind, tfFunction } from "../graph/call_args.js";
import type { Tensor } from "../graph/tensor.js";
import { importMetaGraph } from "../interchange/import_meta_graph.js";
import { AssetFileDef, SavedModel, tensorflow } from "../proto/index.js";
import { Session, sessionKind } from "../session/session.js";
import { checkpointExistsSync, nodeFs, nodePath, refuseUriSync } from "../checkpoint/file_io.js";
import {
  ASSETS_DIRECTORY,
  ASSETS_KEY,
  ASSET_FILE_DEF_TYPE_URL,
  INIT_OP_SIGNATURE_KEY,
  LEGACY_INIT_OP_KEY,
  MAIN_OP_KEY,
  SAVED_MODEL_FILENAME_PB,
  SAVED_MODEL_FILENAME_PBTXT,
  VARIABLES_DIRECTORY,
  VARIABLES_FILENAME,
} from "./constants.js";

type SavedModelDecoded = ReturnType<typeof SavedModel.fromBinary>;
/** A `MetaGraphDef` message as `tf.MetaGraphDef.fromBinary` gives it. */
export type MetaGraphDefDecoded = SavedModelDecoded["metaGraphs"][number];

function fileExists(path: string): boolean {
  try {
    return nodeFs().statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `<exportDir>/variables/variables`, the checkpoint prefix of a SavedModel. */
export function variablesPath(exportDir: string): string {
  return nodePath().join(exportDir, VARIABLES_DIRECTORY, VARIABLES_FILENAME);
}

/**
 * Whether `exportDir` holds a `saved_model.pb` or `saved_model.pbtxt` (TF 1.15's
 * `tf.saved_model.maybe_saved_model_directory`); it may still fail to load.
 *
 * @example
 * ```ts
 * tf.savedModel.maybeSavedModelDirectory("no/such/dir"); // ==> false
 * ```
 */
export const maybeSavedModelDirectory = tfFunction(
  "savedModel.maybeSavedModelDirectory",
  [req("exportDir", stringKind)] as const,
  (a): boolean => {
    refuseUriSync(a.exportDir);
    const path = nodePath();
    return (
      fileExists(path.join(a.exportDir, SAVED_MODEL_FILENAME_PBTXT)) ||
      fileExists(path.join(a.exportDir, SAVED_MODEL_FILENAME_PB))
    );
  },
);

/** TF's `parse_saved_model`: the binary file first, then the text one. */
export function parseSavedModel(exportDir: string): SavedModelDecoded {
  refuseUriSync(exportDir);
  const path = nodePath();
  const pb = path.join(exportDir, SAVED_MODEL_FILENAME_PB);
  const pbtxt = path.join(exportDir, SAVED_MODEL_FILENAME_PBTXT);
  if (fileExists(pb)) {
    try {
      return SavedModel.fromBinary(new Uint8Array(nodeFs().readFileSync(pb)));
    } catch (e) {
      throw new IOError(`Cannot parse file ${pb}: ${e instanceof Error ? e.message : String(e)}.`);
    }
  }
  if (fileExists(pbtxt)) {
    try {
      return SavedModel.fromText(nodeFs().readFileSync(pbtxt, "utf8"));
    } catch (e) {
      throw new IOError(
        `Cannot parse file ${pbtxt}: ${e instanceof Error ? e.message : String(e)}.`,
      );
    }
  }
  throw new IOError(
    `SavedModel file does not exist at: ${exportDir}/{${SAVED_MODEL_FILENAME_PBTXT}|${SAVED_MODEL_FILENAME_PB}}`,
  );
}

/** Python's `str()` of a list of strings: `['serve', 'gpu']`. */
const pyList = (xs: readonly string[]): string => `[${xs.map((x) => `'${x}'`).join(", ")}]`;
/** Python's `str()` of a set of strings (`set()` when empty). */
const pySet = (xs: readonly string[]): string =>
  xs.length === 0 ? "set()" : `{${xs.map((x) => `'${x}'`).join(", ")}}`;

/** TF's `get_meta_graph_def_from_tags`: the meta graph whose tag set equals `tags`. */
export function metaGraphFromTags(
  savedModel: SavedModelDecoded,
  tags: readonly string[],
): MetaGraphDefDecoded {
  const wanted = new Set(tags);
  const available: string[] = [];
  for (const mg of savedModel.metaGraphs) {
    const have = [...new Set(mg.metaInfoDef?.tags ?? [])];
    available.push(pySet(have));
    if (have.length === wanted.size && have.every((t) => wanted.has(t))) return mg;
  }
  throw new RuntimeError(
    `MetaGraphDef associated with tags ${pyList(tags).slice(1, -1)} could not be found in SavedModel. To inspect available tag-sets in the SavedModel, please use the SavedModel CLI: \`saved_model_cli\`\navailable_tags: [${available.join(", ")}]`,
  );
}

/** The `AssetFileDef`s of a meta graph: its field, else its `saved_model_assets` collection. */
function assetFileDefs(mg: MetaGraphDefDecoded): tensorflow.AssetFileDef.$Properties[] {
  if ((mg.assetFileDef ?? []).length > 0) return mg.assetFileDef ?? [];
  const anyList = mg.collectionDef?.[ASSETS_KEY]?.anyList?.value ?? [];
  return anyList
    .filter((a) => a.type_url === ASSET_FILE_DEF_TYPE_URL)
    .map((a) => AssetFileDef.fromBinary(a.value ?? new Uint8Array()));
}

/** The name of the meta graph's init op: its init signature, main op, or legacy init op. */
function initOpName(mg: MetaGraphDefDecoded): string | null {
  const sig = mg.signatureDef?.[INIT_OP_SIGNATURE_KEY];
  const fromSig = sig?.outputs?.[INIT_OP_SIGNATURE_KEY]?.name;
  if (fromSig) return fromSig;
  for (const key of [MAIN_OP_KEY, LEGACY_INIT_OP_KEY]) {
    const list = mg.collectionDef?.[key]?.nodeList?.value;
    if (list === undefined || list === null) continue;
    if (list.length !== 1) {
      throw new RuntimeError(`Expected exactly one SavedModel init op. Found: ${pyList(list)}`);
    }
    return list[0] as string;
  }
  return null;
}

/** TF 1.15's `loader.load(sess, tags, export_dir, import_scope=None, **saver_kwargs)`. */
const LOAD_PARAMS = [
  req("sess", sessionKind),
  req("tags", listKind(stringKind)),
  req("exportDir", stringKind),
  opt("importScope", stringKind),
  opt("clearDevices", booleanKind),
] as const;

/**
 * Loads a TF 1.x SavedModel into `sess`'s graph (TF 1.15's `tf.saved_model.loader.load`):
 * the meta graph tagged exactly `tags` is imported (under `importScope/` when given), its
 * variables restored from `exportDir/variables/variables` by its own restore op, and its
 * main op (or legacy init op) run with each asset tensor fed its file in
 * `exportDir/assets/`. Returns the `MetaGraphDef`, whose `signatureDef` names the inputs
 * and outputs. Nothing is added to the graph when loading fails.
 *
 * @example
 * ```ts
 * const g = new tf.Graph();
 * g.asDefault(() => {
 *   const x = tf.placeholder(tf.float32, [null], "x");
 *   const w = tf.getVariable("w", [], { initializer: tf.constantInitializer(0.5) });
 *   using sess = new tf.Session();
 *   sess.run(tf.globalVariablesInitializer());
 *   tf.savedModel.simpleSave(sess, "half", { x }, { y: tf.add(tf.multiply(w, x), 2, { name: "y" }) });
 * });
 * using sess = new tf.Session({ graph: new tf.Graph() });
 * const mg = tf.savedModel.loader.load(sess, [tf.savedModel.tagConstants.SERVING], "half");
 * const sig = mg.signatureDef?.serving_default;
 * const x = sess.graph.getTensorByName(sig?.inputs?.x?.name ?? "");
 * const y = sess.graph.getTensorByName(sig?.outputs?.y?.name ?? "");
 * sess.run(y, new Map([[x, [1, 2, 3]]])); // ==> [2.5 3.  3.5]
 * ```
 */
export const load = tfFunction("savedModel.loader.load", LOAD_PARAMS, (a): MetaGraphDefDecoded => {
  const exportDir = a.exportDir;
  const savedModel = parseSavedModel(exportDir);
  const mg = metaGraphFromTags(savedModel, a.tags);
  const sess: Session = a.sess;
  const saverDef = mg.saverDef;
  const prefix = variablesPath(exportDir);
  const hasSaver = saverDef !== null && saverDef !== undefined && !!saverDef.restoreOpName;
  if (hasSaver && !checkpointExistsSync(prefix)) {
    throw new ValueError(`The passed save_path is not a valid checkpoint: ${prefix}`);
  }
  if (!hasSaver && (mg.collectionDef?.variables?.bytesList?.value ?? []).length > 0) {
    throw new ValueError(
      "The SavedModel's meta graph has variables but no saver_def: scopeflow restores variables through the meta graph's own restore op.",
    );
  }
  const assets = assetFileDefs(mg);
  const initOp = initOpName(mg);
  const scoped = (name: string) => (a.importScope ? `${a.importScope}/${name}` : name);
  const graph = sess.graph;
  graph.asDefault(() =>
    // A restore or main op that fails puts the graph back as it was, import included.
    graph.atomically(() => {
      const saver = importMetaGraph(mg, {
        clearDevices: a.clearDevices ?? false,
        importScope: a.importScope,
      });
      if (saver !== null) saver.restore(sess, prefix);
      const feeds = new Map<Tensor, string>();
      const assetsDir = nodePath().join(exportDir, ASSETS_DIRECTORY);
      for (const asset of assets) {
        const t = graph.getTensorByName(scoped(asset.tensorInfo?.name ?? ""));
        feeds.set(t, nodePath().join(assetsDir, asset.filename ?? ""));
      }
      if (initOp !== null) {
        const target = initOp.includes(":")
          ? graph.getTensorByName(scoped(initOp))
          : graph.getOperationByName(scoped(initOp));
        sess.run([target], feeds);
      }
    }),
  );
  return mg;
});
