/**
 * `tf.train.Saver` (TensorFlow 1.15's python/training/saver.py): builds TensorFlow's save
 * and restore graph under `save/` and runs it in a session, writing checkpoints in
 * TensorFlow's own V2 format.
 */
import {
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  OpError,
  ValueError,
} from "../errors.js";
import { GraphKeys, getDefaultGraph, type Graph } from "../graph/graph.js";
import { narrowInt64 } from "../graph/int64.js";
import { pyStr } from "../graph/pyformat.js";
import type { Operation } from "../graph/operation.js";
import { Tensor, isTensorConvertible, toTensorSymbol } from "../graph/tensor.js";
import type { DType } from "../graph/dtypes.js";
import { NDArray } from "../ndarray/index.js";
import { placeholderWithDefault } from "../ops/array/placeholder.js";
import { group } from "../ops/control/group.js";
import { identity } from "../ops/math/unary.js";
import { inOpScope } from "../ops/op_scope.js";
import { assign } from "../ops/state/variable_ops.js";
import { Session } from "../session/session.js";
import { constantValue } from "../ops/tensor_util.js";
import { Variable } from "../variables/variable.js";
import { checkpointOpError, graphDTypeOf, readAsNDArray } from "./checkpoint_reader.js";
import { getCheckpointMtimes } from "./checkpoint_management.js";
import {
  checkpointExistsAsync,
  checkpointExistsSync,
  isDirectorySync,
  nodePath,
  openBundleAsync,
  preloadNativeCrc32c,
  readTensorsDirectAsync,
  refuseUriSync,
  removeCheckpointAsync,
  removeCheckpointSync,
  updateCheckpointStateAsync,
  updateCheckpointStateSync,
  writeBundleAsync,
} from "./file_io.js";
import { hasUriScheme, uriBasename, uriDirname } from "./file_systems.js";
import type { BundleEntryInfo, BundleReader, BundleTensorInput } from "./format/bundle.js";
import { CheckpointFormatError, describeError } from "./format/errors.js";
import {
  checkRestorable,
  int64KeyWhat,
  restoreSpecsOf,
  restoreV2,
  saveV2,
  withDeferredSave,
} from "./io_ops.js";
import {
  createMetaGraphDef,
  exportMetaGraph,
  registerProtoFunctions,
  saverDefMessage,
  saverDefOf,
  tfWarning,
  writeMetaGraphFileAsync,
  writeMetaGraphFileSync,
  type MetaGraphDefMessage,
  type SaverDef,
  type SaverDefLike,
} from "../interchange/meta_graph.js";
import { prependNameScope, stripNameScope } from "../graph/name_scopes.js";
import { SaverDef as SaverDefCodec, type tensorflow } from "../proto/index.js";
import { REF_VARIABLE_OPS, RESOURCE_VARIABLE_OPS } from "../variables/variable_def.js";
import { assignVariableOp, readVariableOp } from "../ops/state/resource_variable_ops.js";
import { withNameScope } from "../scope/name_scope.js";
import {
  anyKind,
  booleanKind,
  declare,
  defineParams,
  intKind,
  isPlainObject,
  kind,
  listKind,
  numberKind,
  opt,
  req,
  stringKind,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";

/** What a Saver may save: a variable, or the reference tensor of a `VariableV2` op. */
export type Saveable = Variable | Tensor;

/**
 * The variables a Saver handles: an array (keyed by their op names, `w/Adam`) or an
 * object / Map from checkpoint key to variable (to restore `old_scope/w` into
 * `new_scope/w`).
 */
export type SaverVarList =
  readonly Saveable[] | Readonly<Record<string, Saveable>> | ReadonlyMap<string, Saveable>;

/**
 * TF 1.15's `Saver(var_list, reshape, sharded, max_to_keep, keep_checkpoint_every_n_hours,
 * name, restore_sequentially, saver_def, builder, defer_build, allow_empty, write_version,
 * pad_step_number, save_relative_paths, filename)`. A plain object first is a var_list
 * (checkpoint key to variable), never the options; the var_list is checked by the
 * constructor, with TF's messages.
 */
const SAVER_PARAMS = [
  opt("varList", anyKind<SaverVarList>("a list or a dict of variables")),
  opt("reshape", booleanKind),
  opt("sharded", booleanKind),
  opt("maxToKeep", intKind),
  opt("keepCheckpointEveryNHours", numberKind),
  opt("name", stringKind),
  opt("restoreSequentially", booleanKind),
  opt(
    "saverDef",
    kind<SaverDefLike>(
      "a SaverDef",
      (v) => typeof v === "object" && v !== null,
      (o) => "saveTensorName" in o || "restoreOpName" in o || "filenameTensorName" in o,
    ),
  ),
  opt("builder", anyKind<never>("None", false)),
  opt("deferBuild", booleanKind),
  opt("allowEmpty", booleanKind),
  opt(
    "writeVersion",
    kind<1 | 2 | "V1" | "V2">(
      "tf.train.SaverDef.V1 (1) or V2 (2)",
      (v) => v === 2 || v === "V2" || v === 1 || v === "V1",
    ),
  ),
  opt("padStepNumber", booleanKind),
  opt("saveRelativePaths", booleanKind),
  opt("filename", stringKind),
] as const;
const SAVER_P = defineParams("train.Saver", SAVER_PARAMS);

/**
 * Options of `new tf.train.Saver`: TF's parameters by name. `maxToKeep` (default 5; `0`
 * or `null` deletes none and records only the newest in the state file),
 * `keepCheckpointEveryNHours` (default 10000: none), `name` (the ops' name scope, default
 * `"save"`), `allowEmpty` (a Saver with no variables: `save` returns `null`, `restore`
 * does nothing), `padStepNumber` (`model-00000100`), `saveRelativePaths`, `filename`
 * (default of the filename tensor `save/Const`, `"model"`). `saverDef` (a SaverDef, as
 * `importMetaGraph` gives one) makes a saver over save and restore ops already in the
 * graph, building nothing: its names (with `name` prepended, an import scope),
 * `maxToKeep` and `keepCheckpointEveryNHours` come from the def, the var list is ignored.
 * `restoreSequentially` is accepted (TF's bulk V2 restore ignores it too); `reshape`,
 * `sharded`, `builder`, `deferBuild` and V1 checkpoints are refused.
 */
export type SaverOptions = OptionsOf<typeof SAVER_PARAMS>;

const sessionKind = kind<Session>("a Session", (v) => v instanceof Session);

/** A global step for a file name: a number, or a variable, tensor or tensor name to read. */
const globalStepKind = kind<number | Variable | Tensor | string>(
  "an int, a Variable, a Tensor or a tensor name",
  (v) =>
    typeof v === "number" || typeof v === "string" || v instanceof Variable || v instanceof Tensor,
);

/**
 * TF 1.15's `save(sess, save_path, global_step, latest_filename, meta_graph_suffix,
 * write_meta_graph, write_state, strip_default_attrs, save_debug_info)`.
 */
const SAVE_PARAMS = [
  req("sess", sessionKind),
  req("savePath", stringKind),
  opt("globalStep", globalStepKind),
  opt("latestFilename", stringKind),
  opt("metaGraphSuffix", stringKind),
  opt("writeMetaGraph", booleanKind),
  opt("writeState", booleanKind),
  opt("stripDefaultAttrs", booleanKind),
  opt("saveDebugInfo", booleanKind),
] as const;
const SAVE_P = defineParams("Saver.save", SAVE_PARAMS);
const SAVE_ASYNC_P = defineParams("Saver.saveAsync", SAVE_PARAMS);

/**
 * Options of {@link Saver.save}: `globalStep` (appended to the prefix, `model.ckpt-100`:
 * a number, or the global step variable, any scalar tensor or its name, read from the
 * session), `latestFilename` (the state file, default `"checkpoint"`), `metaGraphSuffix`
 * (of meta graph files deleted with old checkpoints, default `"meta"`), `writeState`
 * (update the state file and delete old checkpoints, default `true`), `writeMetaGraph`
 * (write `<checkpoint>.meta`, the graph's `MetaGraphDef` with this saver's SaverDef, on
 * every save, as TF; default `true`), `stripDefaultAttrs` (of that meta graph).
 * `saveDebugInfo` is refused.
 */
export type SaveOptions = OptionsOf<typeof SAVE_PARAMS>;

/**
 * TF 1.15's `restore(sess, save_path)`. `savePath` may be `null`, as TF's may be `None`,
 * which the method refuses with TF's ValueError.
 */
const RESTORE_PARAMS = [req("sess", sessionKind), opt("savePath", stringKind)] as const;
const RESTORE_P = defineParams("Saver.restore", RESTORE_PARAMS);
const RESTORE_ASYNC_P = defineParams("Saver.restoreAsync", RESTORE_PARAMS);

const TO_PROTO_P = defineParams("Saver.toProto", [opt("exportScope", stringKind)] as const);
const saverDefKind = kind<SaverDefLike>(
  "a SaverDef",
  (v) => typeof v === "object" && v !== null && "saveTensorName" in v,
  (o) => "saveTensorName" in o,
);
const FROM_PROTO_P = defineParams("Saver.fromProto", [
  req("saverDef", saverDefKind),
  opt("importScope", stringKind),
] as const);
/**
 * `Saver.export_meta_graph(filename, collection_list, as_text, export_scope,
 * clear_devices, clear_extraneous_savers, strip_default_attrs, save_debug_info)`.
 */
const EXPORT_META_GRAPH_PARAMS = [
  opt("filename", stringKind),
  opt("collectionList", listKind(stringKind)),
  opt("asText", booleanKind),
  opt("exportScope", stringKind),
  opt("clearDevices", booleanKind),
  opt("clearExtraneousSavers", booleanKind),
  opt("stripDefaultAttrs", booleanKind),
  opt("saveDebugInfo", booleanKind),
] as const;
const EXPORT_META_GRAPH_P = defineParams("Saver.exportMetaGraph", EXPORT_META_GRAPH_PARAMS);

const SET_LAST_P = defineParams("Saver.setLastCheckpoints", [
  req("lastCheckpoints", listKind(stringKind)),
] as const);
const RECOVER_LAST_P = defineParams("Saver.recoverLastCheckpoints", [
  req("checkpointPaths", listKind(stringKind)),
] as const);

/** Refuses the Saver parameters scopeflow cannot honour (values other than TF's defaults). */
function checkUnsupported(a: ReturnType<typeof SAVER_P.parse>): void {
  const refuse = (param: string, value: unknown, why: string): never => {
    throw new ValueError(`Saver: ${param}=${String(value)} is not supported: ${why}.`);
  };
  if (a.reshape === true) refuse("reshape", "True", "variables restore with their saved shapes");
  if (a.sharded === true) refuse("sharded", "True", "scopeflow writes one shard");
  if (a.builder !== undefined) refuse("builder", "a builder", "scopeflow has one saver builder");
  if (a.deferBuild === true) refuse("defer_build", "True", "the Saver builds its ops when made");
  if (a.writeVersion === 1 || a.writeVersion === "V1") {
    refuse("write_version", "V1", "scopeflow writes V2 checkpoints");
  }
}

/** `_check_saver_def`: a copy of the def, which must name the save tensor and restore op. */
function checkSaverDef(given: SaverDefLike): SaverDef {
  const def = saverDefOf(given);
  const text = (): string => SaverDefCodec.toText(saverDefMessage(def));
  if (!def.saveTensorName) {
    throw new ValueError(`saver_def must specify the save_tensor_name: ${text()}`);
  }
  if (!def.restoreOpName) {
    throw new ValueError(`saver_def must specify the restore_op_name: ${text()}`);
  }
  return def;
}

/** The `SaveV2` op a save tensor waits for (`save/control_dependency`'s control input). */
function saveV2OpOf(saveTensor: Tensor): Operation {
  const seen = new Set<Operation>();
  const stack = [saveTensor.op];
  for (let op = stack.pop(); op !== undefined; op = stack.pop()) {
    if (op.type === "SaveV2") return op;
    if (seen.has(op)) continue;
    seen.add(op);
    stack.push(...op.controlInputs, ...op.inputs.map((t) => t.op));
  }
  throw new ValueError(
    `${saveTensor.name} does not depend on a SaveV2 op: saveAsync writes V2 checkpoints only; use save`,
  );
}

/** The `RestoreV2` ops a restore op depends on, in graph order. */
function restoreV2OpsOf(restore: Operation): Operation[] {
  const seen = new Set<Operation>();
  const found: Operation[] = [];
  const stack = [restore];
  for (let op = stack.pop(); op !== undefined; op = stack.pop()) {
    if (seen.has(op)) continue;
    seen.add(op);
    if (op.type === "RestoreV2") {
      found.push(op);
      continue;
    }
    stack.push(...op.controlInputs, ...op.inputs.map((t) => t.op));
  }
  return found.sort((a, b) => a.id - b.id);
}

/** The checkpoint keys a `RestoreV2` op reads: its constant `tensor_names` input. */
function restoreKeysOf(op: Operation): string[] {
  const names = constantValue(op.inputs[1] as Tensor);
  if (names === null || names.dtype !== "string") {
    throw new ValueError(
      `${op.name}: restoreAsync needs the tensor names of this RestoreV2 to be a constant; run restore instead`,
    );
  }
  return Array.from(names.values as ArrayLike<string>, String);
}

/** `max_to_keep=None` keeps every checkpoint; the parser reads `null` as "not given". */
function maxToKeepIsNone(args: ArrayLike<unknown>): boolean {
  if (args[3] === null) return true;
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  const last = args[n - 1];
  return n > 1 && isPlainObject(last) && "maxToKeep" in last && last.maxToKeep === null;
}

export type { SaverDef } from "../interchange/meta_graph.js";

interface SaveableSpec {
  key: string;
  ref: Tensor;
  /**
   * A resource `Variable` (not a read tensor given as is): TF's saveable reads it anew
   * under the saver's scope (`save/Read/ReadVariableOp`, then two `Identity`s).
   */
  readAnew: boolean;
}

/** A saved name, the tensor saved for it, and whether a resource `Variable` gave it. */
type Entry = [key: string, ref: Tensor, resourceVariable?: boolean];

interface Built {
  graph: Graph;
  specs: SaveableSpec[];
  filenameTensor: Tensor;
  saveTensor: Tensor;
  /** The `SaveV2` op, whose write `saveAsync` defers. */
  saveOp: Operation;
  restoreOp: Operation;
  restoreV2Op: Operation;
  restored: Tensor[];
}

/** A checkpoint kept by the saver and when it was written (seconds). */
type Kept = [path: string, time: number];

/**
 * The tensor a Saver saves for a variable (`op_list_to_dict`'s conversion): the ref of a
 * reference variable; a resource variable's graph element, its `ReadVariableOp` snapshot.
 */
function refOfVariable(value: unknown): Tensor | null {
  if (value instanceof Variable) return value.isResource ? value.snapshot : value.refTensor;
  const t =
    value instanceof Tensor
      ? value
      : isTensorConvertible(value)
        ? value[toTensorSymbol](true)
        : null;
  if (t === null) return null;
  if (REF_VARIABLE_OPS.has(t.op.type)) return t;
  return handleOfRead(t) === null ? null : t;
}

/** The `VarHandleOp` output a `ReadVariableOp` reads, or `null` for any other tensor. */
function handleOfRead(t: Tensor): Tensor | null {
  if (t.op.type !== "ReadVariableOp") return null;
  const handle = t.op.inputs[0] as Tensor;
  return RESOURCE_VARIABLE_OPS.has(handle.op.type) ? handle : null;
}

/** The op whose name keys a saved variable: the variable op, or the read's `VarHandleOp`. */
function variableOpOfSaved(t: Tensor): Operation {
  return (handleOfRead(t) ?? t).op;
}

/** `op_list_to_dict`: a list keyed by variable op names, sorted by name. */
function listToEntries(list: readonly unknown[]): Entry[] {
  const named = list.map((v) => {
    const ref = refOfVariable(v);
    if (ref === null) throw new TypeError(`Variable to save is not a Variable: ${pyStr(v)}`);
    return [ref, v instanceof Variable && v.isResource] as const;
  });
  named.sort(([a], [b]) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const seen = new Map<string, Entry>();
  for (const [ref, resource] of named) {
    const name = variableOpOfSaved(ref).name;
    if (seen.has(name)) throw new ValueError(`At least two variables have the same name: ${name}`);
    seen.set(name, [name, ref, resource]);
  }
  // validate_and_slice_inputs then orders by key: `w` before `w/Adam`, though `w/Adam:0` < `w:0`.
  return [...seen.values()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** `validate_and_slice_inputs` for a dict: sorted by key, each variable under one key. */
function dictToEntries(entries: Iterable<[unknown, unknown]>): Entry[] {
  const list = [...entries];
  for (const [key] of list) {
    if (typeof key !== "string") {
      throw new TypeError(
        `names_to_saveables must be a dict mapping string names to trackable operations. Name is not a string: ${pyStr(key)}`,
      );
    }
  }
  list.sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : a[0] === b[0] ? 0 : 1));
  const seenOps = new Set<Operation>();
  return list.map(([key, value]) => {
    const ref = refOfVariable(value);
    if (ref === null) {
      throw new TypeError(
        `names_to_saveables must be a dict mapping string names to Tensors/Variables. Not a variable: ${pyStr(value)}`,
      );
    }
    const op = variableOpOfSaved(ref);
    if (seenOps.has(op)) {
      throw new ValueError(`The same saveable will be restored with two names: ${key as string}`);
    }
    seenOps.add(op);
    return [key as string, ref, value instanceof Variable && value.isResource];
  });
}

function toEntries(varList: SaverVarList): Entry[] {
  if (Array.isArray(varList)) return listToEntries(varList);
  if (varList instanceof Map) return dictToEntries(varList.entries());
  if (
    typeof varList === "object" &&
    varList !== null &&
    !(varList instanceof Variable) &&
    !(varList instanceof Tensor)
  ) {
    return dictToEntries(Object.entries(varList));
  }
  throw new TypeError(`Variables to save should be passed in a dict or a list: ${pyStr(varList)}`);
}

/** `_wrap_restore_error_with_msg`: TensorFlow's hint around a failed restore. */
function wrapRestoreError(e: unknown): unknown {
  const wrap = (extra: string, err: OpError) =>
    `Restoring from checkpoint failed. This is most likely due to ${extra} from the checkpoint. ` +
    `Please ensure that you have not altered the graph expected based on the checkpoint. ` +
    `Original error:\n\n${err.message}`;
  if (e instanceof NotFoundError) {
    return new NotFoundError(
      wrap("a Variable name or other graph key that is missing", e),
      e.opName,
    );
  }
  if (e instanceof InvalidArgumentError) {
    return new InvalidArgumentError(
      wrap("a mismatch between the current graph and the graph", e),
      e.opName,
    );
  }
  return e;
}

function nodeErrorToOpError(e: unknown, opName: string | null): unknown {
  if (e instanceof OpError || e instanceof CheckpointFormatError || !(e instanceof Error)) {
    return checkpointOpError(e, opName);
  }
  if (typeof (e as { code?: unknown }).code === "string")
    return new NotFoundError(e.message, opName);
  return e;
}

/**
 * Saves and restores variables in TensorFlow's checkpoint format V2 (`tf.train.Saver`).
 *
 * The constructor builds TensorFlow's graph under `save/`: `save/filename` and the
 * filename tensor `save/Const`, `save/SaveV2` (with `save/SaveV2/tensor_names` and
 * `save/SaveV2/shape_and_slices`), `save/control_dependency` (the save tensor),
 * `save/RestoreV2`, one `save/Assign`, `save/Assign_1`, … per variable in key order, and
 * `save/restore_all`. Checkpoint keys are variable op names (`dense/kernel`, `w/Adam`) or
 * the keys of an object var list.
 *
 * In the browser, checkpoints live on file systems named by the path's URI scheme
 * (`ram://`, `indexeddb://`, read-only `https://`; see `tf.io`), which the async methods
 * reach and the synchronous ones refuse.
 *
 * **Synchronous by design.** TensorFlow's `save` and `restore` block, and scopeflow's
 * `Session.run` is synchronous, so the `SaveV2` and `RestoreV2` kernels use Node's
 * synchronous file calls and `save`/`restore` return only when the files are written or
 * the variables loaded. {@link Saver.saveAsync} and {@link Saver.restoreAsync} do the bulk
 * file I/O asynchronously instead (values are read from the session when called); the
 * small state-file update and deletions stay synchronous.
 *
 * Saves are atomic: each file is written under a temporary name and renamed into place,
 * so a process killed mid-save leaves earlier checkpoints intact. A restore checks every
 * key, dtype and shape before reading data, and runs as one session step, so a failing
 * restore leaves every variable as it was.
 *
 * Variables are written in their dtype (an int64 global step as DT_INT64, as TensorFlow
 * writes it); float64 entries restore into float32 variables (with a warning), since
 * scopeflow has no float64. An int64 value outside the int32 range, which scopeflow cannot
 * compute with, is refused by the restore, naming the key.
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [1]);
 * const saver = new tf.train.Saver(null, { maxToKeep: 3 });
 * using sess = new tf.Session();
 * const last = tf.train.latestCheckpoint("ckpt");
 * if (last) saver.restore(sess, last);
 * else sess.run(tf.globalVariablesInitializer());
 * saver.save(sess, "ckpt/model.ckpt", { globalStep: 100 }); // ==> ckpt/model.ckpt-100
 * ```
 */
export class Saver {
  /** The graph holding the saver's ops. */
  readonly graph: Graph;
  private readonly built: Built | null;
  /** The SaverDef the saver was made from (`Saver(saver_def=...)`), names scoped. */
  private readonly givenDef: SaverDef | null = null;
  private readonly maxToKeep: number;
  private readonly keepEveryNHours: number;
  private readonly padStepNumber: boolean;
  private readonly saveRelativePaths: boolean;
  private nextCheckpointTime: number;
  private lastKept: Kept[] = [];
  private toBeDeleted: Kept[] = [];
  private asyncQueue: Promise<unknown> = Promise.resolve();

  constructor(...args: CallArgs<typeof SAVER_PARAMS>) {
    const options = SAVER_P.parse(args);
    checkUnsupported(options);
    const varList = options.varList;
    this.padStepNumber = options.padStepNumber ?? false;
    this.saveRelativePaths = options.saveRelativePaths ?? false;
    if (options.saverDef !== undefined && options.saverDef !== null) {
      // A saver over save and restore ops already in the graph (an imported meta graph's):
      // TF builds nothing, and reads the names, `max_to_keep` and the rest from the def.
      const def = checkSaverDef(options.saverDef);
      if (options.name) {
        def.filenameTensorName = prependNameScope(def.filenameTensorName, options.name);
        def.saveTensorName = prependNameScope(def.saveTensorName, options.name);
        def.restoreOpName = prependNameScope(def.restoreOpName, options.name);
      }
      this.givenDef = def;
      this.graph = getDefaultGraph();
      this.built = null;
      this.maxToKeep = def.maxToKeep;
      this.keepEveryNHours = def.keepCheckpointEveryNHours;
      this.nextCheckpointTime = Date.now() / 1000 + this.keepEveryNHours * 3600;
      void preloadNativeCrc32c();
      return;
    }
    this.maxToKeep = maxToKeepIsNone(args) ? 0 : (options.maxToKeep ?? 5);
    this.keepEveryNHours = options.keepCheckpointEveryNHours ?? 10000;
    let entries: Entry[];
    let graph: Graph;
    if (varList === undefined || varList === null) {
      graph = getDefaultGraph();
      entries = listToEntries(graph.getCollection<Variable>(GraphKeys.GLOBAL_VARIABLES));
    } else {
      entries = toEntries(varList);
      graph = entries[0]?.[1].graph ?? getDefaultGraph();
    }
    this.graph = graph;
    if (entries.length === 0) {
      if (options.allowEmpty !== true) throw new ValueError("No variables to save");
      this.built = null;
    } else {
      this.built = build(graph, entries, options.name, options.filename);
    }
    this.nextCheckpointTime = Date.now() / 1000 + this.keepEveryNHours * 3600;
    void preloadNativeCrc32c();
  }

  /**
   * The names TensorFlow stores for this saver (`as_saver_def()`), or `null` for an empty
   * saver.
   *
   * @example
   * ```ts
   * const saver = new tf.train.Saver([tf.getVariable("w", [1])]);
   * saver.saverDef?.restoreOpName; // ==> save/restore_all
   * ```
   */
  get saverDef(): SaverDef | null {
    if (this.givenDef !== null) return { ...this.givenDef };
    const b = this.built;
    if (b === null) return null;
    return {
      filenameTensorName: b.filenameTensor.name,
      saveTensorName: b.saveTensor.name,
      restoreOpName: b.restoreOp.name,
      maxToKeep: this.maxToKeep,
      keepCheckpointEveryNHours: this.keepEveryNHours,
      sharded: false,
      version: "V2",
    };
  }

  /**
   * The SaverDef (`as_saver_def()`): the same as {@link Saver.saverDef}.
   *
   * @example
   * ```ts
   * const saver = new tf.train.Saver([tf.getVariable("w", [1])]);
   * saver.asSaverDef()?.filenameTensorName; // ==> save/Const:0
   * ```
   */
  asSaverDef(): SaverDef | null {
    return this.saverDef;
  }

  /**
   * The SaverDef with `exportScope` stripped from its names, or `null` when they are
   * outside it (`to_proto(export_scope=None)`, how the `savers` collection is exported).
   *
   * @example
   * ```ts
   * const w = tf.getVariable("w", [1]);
   * const saver = tf.nameScope("model", () => new tf.train.Saver([w]));
   * saver.toProto("model")?.restoreOpName; // ==> save/restore_all
   * saver.toProto("other"); // ==> null
   * ```
   */
  toProto(...args: CallArgs<typeof TO_PROTO_P.params>): SaverDef | null {
    const { exportScope } = TO_PROTO_P.parse(args);
    const def = this.saverDef;
    if (def === null || !exportScope) return def;
    if (
      !def.filenameTensorName.startsWith(exportScope) ||
      !def.saveTensorName.startsWith(exportScope) ||
      !def.restoreOpName.startsWith(exportScope)
    ) {
      return null;
    }
    return {
      ...def,
      filenameTensorName: stripNameScope(def.filenameTensorName, exportScope),
      saveTensorName: stripNameScope(def.saveTensorName, exportScope),
      restoreOpName: stripNameScope(def.restoreOpName, exportScope),
    };
  }

  /**
   * A saver over the save and restore ops a SaverDef names, `importScope` prepended
   * (`Saver.from_proto(saver_def, import_scope=None)`, as `new Saver(null, { saverDef, name })`).
   *
   * @example
   * ```ts
   * const saver = new tf.train.Saver([tf.getVariable("w", [1])]);
   * const again = tf.train.Saver.fromProto(saver.saverDef);
   * again.saverDef?.saveTensorName; // ==> save/control_dependency:0
   * ```
   */
  static fromProto(...args: CallArgs<typeof FROM_PROTO_P.params>): Saver {
    const a = FROM_PROTO_P.parse(args);
    return new Saver(null, { saverDef: a.saverDef, name: a.importScope });
  }

  /**
   * The meta graph of the default graph with this saver's SaverDef
   * (`Saver.export_meta_graph`), written to `filename` when given: see
   * `tf.train.exportMetaGraph`.
   *
   * @example
   * ```ts
   * const saver = new tf.train.Saver([tf.getVariable("w", [1])]);
   * saver.exportMetaGraph("out/w.meta").saverDef.restoreOpName; // ==> save/restore_all
   * ```
   */
  exportMetaGraph(...args: CallArgs<typeof EXPORT_META_GRAPH_PARAMS>): tensorflow.MetaGraphDef {
    const a = EXPORT_META_GRAPH_P.parse(args);
    const graph = getDefaultGraph();
    return exportMetaGraph({
      filename: a.filename,
      graphDef: graph.asGraphDef({ addShapes: true }),
      saverDef: this.saverDef,
      collectionList: a.collectionList,
      asText: a.asText,
      exportScope: a.exportScope,
      clearDevices: a.clearDevices,
      clearExtraneousSavers: a.clearExtraneousSavers,
      stripDefaultAttrs: a.stripDefaultAttrs,
      saveDebugInfo: a.saveDebugInfo,
    });
  }

  /**
   * The checkpoint keys, sorted (the order of `save/SaveV2/tensor_names`).
   *
   * @example
   * ```ts
   * const w = tf.getVariable("w", [1]);
   * tf.train.createGlobalStep();
   * const saver = new tf.train.Saver();
   * saver.keys; // ==> global_step,w
   * ```
   */
  get keys(): string[] {
    return this.built?.specs.map((s) => s.key) ?? [];
  }

  /**
   * Checkpoints this saver kept and has not deleted, oldest first (`last_checkpoints`).
   *
   * @example
   * ```ts
   * const saver = new tf.train.Saver([tf.getVariable("w", [1])], { maxToKeep: 2 });
   * using sess = new tf.Session();
   * sess.run(tf.globalVariablesInitializer());
   * for (const step of [3, 4, 5]) saver.save(sess, "ckpt/model", { globalStep: step });
   * saver.lastCheckpoints; // ==> ckpt/model-4,ckpt/model-5
   * ```
   */
  get lastCheckpoints(): string[] {
    return this.lastKept.map(([p]) => p);
  }

  /**
   * Replaces the list of kept checkpoints (`set_last_checkpoints`); they are never
   * deleted for age.
   *
   * @example
   * ```ts
   * const saver = new tf.train.Saver([tf.getVariable("w", [1])]);
   * saver.setLastCheckpoints(["ckpt/model-1", "ckpt/model-2"]);
   * saver.lastCheckpoints; // ==> ckpt/model-1,ckpt/model-2
   * ```
   */
  setLastCheckpoints(...args: CallArgs<typeof SET_LAST_P.params>): void {
    const paths = SET_LAST_P.parse(args).lastCheckpoints;
    this.lastKept = paths.map((p) => [p, Infinity]);
  }

  /**
   * Takes over the checkpoints a previous run kept, with their file times as save times,
   * so `maxToKeep` keeps counting after a restart (`recover_last_checkpoints`).
   *
   * @example
   * ```ts
   * const w = tf.getVariable("w", [1]);
   * const saver = new tf.train.Saver([w]);
   * using sess = new tf.Session();
   * sess.run(tf.globalVariablesInitializer());
   * saver.save(sess, "ckpt/model", { globalStep: 1 });
   * const restarted = new tf.train.Saver([w]);
   * restarted.recoverLastCheckpoints(tf.train.getCheckpointState("ckpt")?.allModelCheckpointPaths ?? []);
   * restarted.lastCheckpoints; // ==> ckpt/model-1
   * ```
   */
  recoverLastCheckpoints(...args: CallArgs<typeof RECOVER_LAST_P.params>): void {
    const paths = RECOVER_LAST_P.parse(args).checkpointPaths;
    const kept: Kept[] = [];
    for (const p of paths) {
      const [mtime] = getCheckpointMtimes([p]);
      if (mtime !== undefined) kept.push([p, mtime]);
    }
    this.lastKept = kept;
  }

  /**
   * Saves the variables' values in `sess` to `savePath` (a prefix: files
   * `<prefix>.index` and `<prefix>.data-00000-of-00001`) and returns the prefix written,
   * `model.ckpt-100` with `globalStep`. Then records it in the `checkpoint` state file,
   * deletes checkpoints beyond `maxToKeep` (their `.meta` too), and writes the meta graph
   * `<prefix>.meta` (`tf.train.importMetaGraph` reads it back; a graph holding one of
   * scopeflow's own ops, which TensorFlow could not read, gets a warning instead).
   * Synchronous (see the class notes).
   *
   * @example
   * ```ts
   * const step = tf.train.createGlobalStep();
   * const saver = new tf.train.Saver();
   * using sess = new tf.Session();
   * sess.run(tf.assign(step, 300));
   * saver.save(sess, "ckpt/model.ckpt", { globalStep: step }); // ==> ckpt/model.ckpt-300
   * ```
   */
  save(...args: CallArgs<typeof SAVE_PARAMS>): string | null {
    const options = SAVE_P.parse(args);
    const { sess, savePath } = options;
    if (typeof savePath === "string") refuseUriSync(savePath);
    const plan = this.prepareSave(sess, savePath, options);
    let written: string | null = null;
    const ends = this.saveEnds(sess);
    if (ends !== null) {
      try {
        const out = sess.run(ends.save, new Map([[ends.filename, plan.checkpointFile]]));
        written = String(out.item());
        if (plan.writeState) this.afterSave(written, plan);
      } catch (e) {
        throw this.saveError(e, savePath, plan.parent);
      }
    }
    if (plan.writeMetaGraph) {
      const meta = this.metaGraphForSave(sess, plan);
      if (meta !== null) writeMetaGraphFileSync(meta, plan.metaGraphFile, false);
    }
    return written;
  }

  /**
   * The meta graph `save` writes beside the checkpoint (`export_meta_graph` on the
   * session's graph, with this saver's SaverDef), or `null`, with a warning, when the
   * graph holds what TensorFlow cannot read (a scopeflow-only op): the checkpoint itself
   * is written either way.
   */
  private metaGraphForSave(sess: Session, plan: SavePlan): MetaGraphDefMessage | null {
    const graph = sess.graph;
    try {
      return graph.atomically(() =>
        createMetaGraphDef({
          graph,
          graphDef: graph.asGraphDef({ addShapes: true }),
          saverDef: this.saverDef,
          stripDefaultAttrs: plan.stripDefaultAttrs,
        }),
      );
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      tfWarning(
        `Saver.save: no meta graph written to ${plan.metaGraphFile}: ${e.message} ` +
          "(pass writeMetaGraph: false to skip it)",
      );
      return null;
    }
  }

  /** The filename feed and the save fetch: the saver's own, or its SaverDef's in `sess.graph`. */
  private saveEnds(sess: Session): { filename: Tensor; save: Tensor } | null {
    const def = this.givenDef;
    if (def !== null) {
      return {
        filename: sess.graph.getTensorByName(def.filenameTensorName),
        save: sess.graph.getTensorByName(def.saveTensorName),
      };
    }
    const b = this.built;
    return b === null ? null : { filename: b.filenameTensor, save: b.saveTensor };
  }

  /** The filename feed and the restore op, as {@link Saver.saveEnds}. */
  private restoreEnds(sess: Session): { filename: Tensor; restore: Operation } | null {
    const def = this.givenDef;
    if (def !== null) {
      return {
        filename: sess.graph.getTensorByName(def.filenameTensorName),
        restore: sess.graph.getOperationByName(def.restoreOpName),
      };
    }
    const b = this.built;
    return b === null ? null : { filename: b.filenameTensor, restore: b.restoreOp };
  }

  /**
   * `save`, with the file writes done asynchronously (checksums overlap the kernel's
   * writes). The values are read from `sess` when this is called, so training may go on
   * while the files are written; concurrent calls are applied in call order (await them
   * before a synchronous `save` with the same saver, whose bookkeeping would otherwise run
   * first). `savePath` may carry a URI scheme: `ram://` (memory), `indexeddb://` (the
   * browser's IndexedDB) or one registered with `tf.io.registerFileSystem`; the state file
   * and deletions then go there too.
   *
   * @example
   * ```ts
   * const saver = new tf.train.Saver([tf.getVariable("w", [1])]);
   * using sess = new tf.Session();
   * sess.run(tf.globalVariablesInitializer());
   * await saver.saveAsync(sess, "ckpt/model.ckpt", { globalStep: 100 }); // ==> ckpt/model.ckpt-100
   * ```
   */
  saveAsync(...args: CallArgs<typeof SAVE_PARAMS>): Promise<string | null> {
    let plan: SavePlan;
    let captured: { prefix: string; entries: BundleTensorInput[] } | null = null;
    let savePath: unknown = args[1];
    let meta: MetaGraphDefMessage | null = null;
    try {
      const options = SAVE_ASYNC_P.parse(args);
      const sess = options.sess;
      savePath = options.savePath;
      plan = this.prepareSave(sess, options.savePath, options);
      const ends = this.saveEnds(sess);
      if (ends !== null) {
        // The save graph runs now, on the values as of this call; its SaveV2 kernel hands
        // the tensors over instead of writing them.
        withDeferredSave(
          this.built?.saveOp ?? saveV2OpOf(ends.save),
          (prefix, entries) => (captured = { prefix, entries }),
          () => sess.run(ends.save, new Map([[ends.filename, plan.checkpointFile]])),
        );
      }
      // Exported now too, so the meta graph is the graph as of this call.
      if (plan.writeMetaGraph) meta = this.metaGraphForSave(sess, plan);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(describeError(e));
      return Promise.reject(
        typeof savePath === "string"
          ? this.saveError(err, savePath, pathOf(savePath).dirname(savePath))
          : err,
      );
    }
    const bundle = captured as { prefix: string; entries: BundleTensorInput[] } | null;
    const metaGraph = meta as MetaGraphDefMessage | null;
    if (bundle === null && metaGraph === null) return Promise.resolve(null);
    const run = async (): Promise<string | null> => {
      if (bundle !== null) {
        await preloadNativeCrc32c();
        try {
          await writeBundleAsync(bundle.prefix, bundle.entries);
          if (plan.writeState) await this.afterSaveAsync(bundle.prefix, plan);
        } catch (e) {
          throw this.saveError(nodeErrorToOpError(e, null), savePath as string, plan.parent);
        }
      }
      if (metaGraph !== null) await writeMetaGraphFileAsync(metaGraph, plan.metaGraphFile, false);
      return bundle === null ? null : bundle.prefix;
    };
    const result = this.asyncQueue.then(run, run);
    this.asyncQueue = result.catch(() => undefined);
    return result;
  }

  /**
   * Loads the variables' values from the checkpoint `savePath` into `sess` (variables need
   * not be initialized). Every key, dtype and shape is checked before anything is read;
   * on any failure no variable changes. Errors follow TensorFlow: a missing key is a
   * `NotFoundError` (`Key foo/v not found in checkpoint`), a shape or dtype mismatch an
   * `InvalidArgumentError`, a damaged file a `DataLossError` naming file and key.
   *
   * @example
   * ```ts
   * const w = tf.getVariable("w", [2], { initializer: tf.onesInitializer() });
   * const saver = new tf.train.Saver();
   * using sess = new tf.Session();
   * sess.run(w.initializer);
   * saver.save(sess, "ckpt/model.ckpt");
   * sess.run(tf.assign(w, [5, 5]));
   * saver.restore(sess, tf.train.latestCheckpoint("ckpt"));
   * sess.run(w); // ==> [1. 1.]
   * ```
   */
  restore(...args: CallArgs<typeof RESTORE_PARAMS>): void {
    const { sess, savePath } = RESTORE_P.parse(args);
    if (!this.prepareRestore(sess, savePath)) return;
    const ends = this.restoreEnds(sess);
    if (ends === null) return;
    try {
      sess.run(ends.restore, new Map([[ends.filename, savePath as string]]));
    } catch (e) {
      throw wrapRestoreError(e);
    }
  }

  /**
   * `restore`, with the files read asynchronously; the variables are then loaded in one
   * session step (the `RestoreV2` outputs are fed), with the same checks and errors.
   * `savePath` may carry a URI scheme, `http://` and `https://` (read with `fetch`)
   * included: a checkpoint TensorFlow wrote, served by a web server, restores in a page.
   *
   * @example
   * ```ts
   * const w = tf.getVariable("w", [2], { initializer: tf.onesInitializer() });
   * const saver = new tf.train.Saver();
   * using sess = new tf.Session();
   * sess.run(w.initializer);
   * const path = saver.save(sess, "ckpt/model.ckpt", { globalStep: 300 });
   * using fresh = new tf.Session();
   * await saver.restoreAsync(fresh, path);
   * fresh.run(w); // ==> [1. 1.]
   * ```
   */
  async restoreAsync(...args: CallArgs<typeof RESTORE_PARAMS>): Promise<void> {
    const { sess, savePath } = RESTORE_ASYNC_P.parse(args);
    if (!this.prepareRestore(sess, savePath, false)) return;
    const ends = this.restoreEnds(sess);
    if (ends === null) return;
    if (!(await checkpointExistsAsync(savePath as string))) {
      throw new ValueError(`The passed save_path is not a valid checkpoint: ${savePath}`);
    }
    await preloadNativeCrc32c();
    // The RestoreV2 ops the restore op runs (one for a scopeflow saver, one per variable
    // in TF 1.0's graphs): their outputs are fed with what their kernels would read.
    const restores = this.built === null ? restoreV2OpsOf(ends.restore) : [this.built.restoreV2Op];
    try {
      const feeds = new Map<Tensor, NDArray>();
      let index: BundleReader | null = null;
      let full: BundleReader | null = null;
      for (const op of restores) {
        try {
          const keys = this.built === null ? restoreKeysOf(op) : this.built.specs.map((s) => s.key);
          index ??= await openBundleAsync(savePath as string, { indexOnly: true });
          checkRestorable(index, restoreSpecsOf(op, keys), op.name);
          const direct = await readTensorsDirectAsync(index, keys);
          const infos = new Map(index.listEntries().map((e) => [e.name, e]));
          // Other dtypes, and tensors whose direct read failed, go through a fully loaded
          // reader, which reads them or raises the error naming file and key.
          const rest = keys.filter((k) => !direct.has(k));
          if (rest.length > 0) full ??= await openBundleAsync(savePath as string);
          const reader = rest.length > 0 ? (full as BundleReader) : index;
          keys.forEach((key, i) => {
            const values = direct.get(key);
            const info = infos.get(key) as BundleEntryInfo;
            const value =
              values === undefined
                ? readAsNDArray(reader, key)
                : new NDArray(values, info.shape, graphDTypeOf(info.dtype) as DType);
            // Refused here, by key, rather than by the feed of the RestoreV2 output.
            if (value.dtype === "int64") {
              narrowInt64(value.data as BigInt64Array, int64KeyWhat(reader, key), op.name);
            }
            feeds.set(op.outputs[i] as Tensor, value as NDArray);
          });
        } catch (e) {
          throw nodeErrorToOpError(e, op.name);
        }
      }
      sess.run(ends.restore, feeds);
    } catch (e) {
      throw wrapRestoreError(e);
    }
  }

  /** TF's checks before a restore; `false` for an empty saver, which restores nothing. */
  private prepareRestore(sess: Session, savePath: string | undefined, checkExists = true): boolean {
    if (!(sess instanceof Session)) throw new TypeError(`'sess' must be a Session; ${pyStr(sess)}`);
    if (this.built === null && this.givenDef === null) return false;
    if (savePath === null || savePath === undefined) {
      throw new ValueError("Can't load save_path when it is None.");
    }
    if (checkExists && !checkpointExistsSync(savePath)) {
      throw new ValueError(`The passed save_path is not a valid checkpoint: ${savePath}`);
    }
    return true;
  }

  private prepareSave(
    sess: Session,
    savePath: string,
    options: ReturnType<typeof SAVE_P.parse>,
  ): SavePlan {
    if (options.saveDebugInfo === true) {
      throw new ValueError(
        "Saver.save: save_debug_info=True is not supported: scopeflow writes no graph debug info; leave it False.",
      );
    }
    const latestFilename = options.latestFilename ?? "checkpoint";
    if (typeof savePath !== "string") {
      throw new TypeError(`save_path must be a string, got ${pyStr(savePath)}`);
    }
    const path = pathOf(savePath);
    if (latestFilename.includes("/") || latestFilename.includes(path.sep)) {
      throw new ValueError("'latest_filename' must not contain path components");
    }
    let checkpointFile: string;
    const step = options.globalStep;
    if (step !== undefined && step !== null) {
      const n = typeof step === "number" ? step : this.readGlobalStep(sess, step);
      const int = Math.trunc(n);
      const digits = this.padStepNumber
        ? (int < 0 ? "-" : "") + String(Math.abs(int)).padStart(int < 0 ? 7 : 8, "0")
        : String(int);
      checkpointFile = `${savePath}-${digits}`;
    } else {
      checkpointFile = savePath;
      if (path.basename(savePath) === latestFilename) {
        throw new ValueError(
          `'latest_filename' collides with 'save_path': '${latestFilename}' and '${savePath}'`,
        );
      }
    }
    if (!(sess instanceof Session)) throw new TypeError(`'sess' must be a Session; ${pyStr(sess)}`);
    return {
      checkpointFile,
      latestFilename,
      parent: path.dirname(savePath),
      writeState: options.writeState ?? true,
      metaGraphSuffix: options.metaGraphSuffix ?? "meta",
      writeMetaGraph: options.writeMetaGraph ?? true,
      // A sharded name's `-?????-of-NNNNN` is not part of the meta graph's name.
      metaGraphFile: `${checkpointFile.replace(/-[\d?]+-of-\d+$/, "")}.${options.metaGraphSuffix ?? "meta"}`,
      stripDefaultAttrs: options.stripDefaultAttrs ?? false,
    };
  }

  /** `training_util.global_step`: the step's value in the session. */
  private readGlobalStep(sess: Session, step: Variable | Tensor | string): number {
    if (!(sess instanceof Session)) throw new TypeError(`'sess' must be a Session; ${pyStr(sess)}`);
    const value = sess.run(step) as NDArray;
    return Number(value.item());
  }

  private afterSave(written: string, plan: SavePlan): void {
    this.recordLastCheckpoint(written);
    updateCheckpointStateSync(plan.parent, written, this.lastCheckpoints, {
      latestFilename: plan.latestFilename,
      saveRelativePaths: this.saveRelativePaths,
    });
    this.maybeDeleteOldCheckpoints(plan.metaGraphSuffix);
  }

  /** `afterSave` on any file system (the state file and deletions awaited). */
  private async afterSaveAsync(written: string, plan: SavePlan): Promise<void> {
    this.recordLastCheckpoint(written);
    await updateCheckpointStateAsync(plan.parent, written, this.lastCheckpoints, {
      latestFilename: plan.latestFilename,
      saveRelativePaths: this.saveRelativePaths,
    });
    const p = this.toBeDeleted.shift();
    if (p === undefined) return;
    if (p[1] > this.nextCheckpointTime) {
      this.nextCheckpointTime += this.keepEveryNHours * 3600;
      return;
    }
    await removeCheckpointAsync(p[0], plan.metaGraphSuffix);
  }

  private saveError(e: unknown, savePath: string, parent: string): unknown {
    // A registered file system has no directories to be missing.
    if (hasUriScheme(savePath)) return e;
    if (
      (e instanceof FailedPreconditionError || e instanceof NotFoundError) &&
      !isDirectorySync(parent)
    ) {
      return new ValueError(`Parent directory of ${savePath} doesn't exist, can't save.`);
    }
    return e;
  }

  /** `_RecordLastCheckpoint`. */
  private recordLastCheckpoint(path: string): void {
    if (!this.maxToKeep) return;
    this.lastKept = this.lastKept.filter(([p]) => p !== path);
    this.lastKept.push([path, Date.now() / 1000]);
    if (this.lastKept.length > this.maxToKeep) this.toBeDeleted.push(this.lastKept.shift() as Kept);
  }

  /** `_MaybeDeleteOldCheckpoints`: one per save, as TensorFlow does. */
  private maybeDeleteOldCheckpoints(metaGraphSuffix: string): void {
    const p = this.toBeDeleted.shift();
    if (p === undefined) return;
    if (p[1] > this.nextCheckpointTime) {
      this.nextCheckpointTime += this.keepEveryNHours * 3600;
      return;
    }
    removeCheckpointSync(p[0], metaGraphSuffix);
  }
}

/** `os.path` for `savePath`: Node's, or POSIX rules for a path with a URI scheme. */
function pathOf(savePath: string): {
  sep: string;
  dirname(p: string): string;
  basename(p: string): string;
} {
  if (hasUriScheme(savePath)) {
    return { sep: "/", dirname: uriDirname, basename: uriBasename };
  }
  return nodePath();
}

interface SavePlan {
  checkpointFile: string;
  latestFilename: string;
  parent: string;
  writeState: boolean;
  metaGraphSuffix: string;
  writeMetaGraph: boolean;
  /** `meta_graph_filename(checkpoint_file, meta_graph_suffix)`. */
  metaGraphFile: string;
  stripDefaultAttrs: boolean;
}

declare(Saver, SAVER_P);
declare(Saver.prototype.save, SAVE_P);
declare(Saver.prototype.saveAsync, SAVE_ASYNC_P);
declare(Saver.prototype.restore, RESTORE_P);
declare(Saver.prototype.restoreAsync, RESTORE_ASYNC_P);
declare(Saver.prototype.setLastCheckpoints, SET_LAST_P);
declare(Saver.prototype.toProto, TO_PROTO_P);
declare(Saver.fromProto, FROM_PROTO_P);
declare(Saver.prototype.exportMetaGraph, EXPORT_META_GRAPH_P);

// saver.py registers the `savers` collection's SaverDef converters.
registerProtoFunctions(GraphKeys.SAVERS, {
  toProto(item, exportScope) {
    // `clear_extraneous_savers` exports the given SaverDef in place of the collection.
    const def =
      item instanceof Saver
        ? item.toProto(exportScope)
        : isPlainObject(item) && "saveTensorName" in item
          ? saverDefOf(item as SaverDefLike)
          : undefined;
    if (def === undefined) {
      throw new TypeError(`'${pyStr(item)}' object has no attribute 'to_proto'`);
    }
    return def === null ? null : SaverDefCodec.toBinary(saverDefMessage(def));
  },
  fromProto: (bytes, importScope) =>
    new Saver(null, { saverDef: SaverDefCodec.fromBinary(bytes), name: importScope }),
});
declare(Saver.prototype.recoverLastCheckpoints, RECOVER_LAST_P);

/** `BaseSaverBuilder._build_internal` with `BulkSaverBuilder`'s single `RestoreV2`. */
function build(
  graph: Graph,
  entries: Entry[],
  name: string | undefined,
  filename: string | undefined,
): Built {
  const specs: SaveableSpec[] = entries.map(([key, ref, resource]) => ({
    key,
    ref,
    readAnew: resource === true,
  }));
  const refs = specs.map((s) => s.ref);
  for (const r of refs) {
    if (r.graph !== graph) {
      throw new ValueError(`${r.toString()} must be from the same graph as the other variables.`);
    }
  }
  return inOpScope(name, "save", refs, () => {
    const input = placeholderWithDefault(filename ?? "model", [], { name: "filename" });
    // TensorFlow keeps the name "Const" for backwards compatibility.
    const filenameTensor = placeholderWithDefault(input, [], { name: "Const" });
    const keys = specs.map((s) => s.key);
    const slices = keys.map(() => "");
    // `ResourceVariableSaveable`'s read: `read_value()` (a `Read/ReadVariableOp` and an
    // `Identity`), then the copy TF places on the CPU.
    const saved = specs.map((s) => {
      const handle = s.readAnew ? handleOfRead(s.ref) : null;
      if (handle === null) return s.ref;
      const read = withNameScope(graph, "Read", () => readVariableOp(handle, s.ref.dtype));
      return identity(identity(read));
    });
    const saveOp = saveV2(filenameTensor, keys, slices, saved);
    // `with_dependencies` colocates the gated copy with the value it passes on.
    const saveTensor = graph.colocateWith(filenameTensor.op, () =>
      graph.controlDependencies([saveOp], () =>
        identity(filenameTensor, { name: "control_dependency" }),
      ),
    );
    const restored = restoreV2(
      filenameTensor,
      keys,
      slices,
      refs.map((r) => r.dtype),
    );
    // A resource variable's restore (`ResourceVariableSaveable.restore`): a copy of the
    // restored value assigned through the handle, its shape checked against the variable's.
    const assigns = specs.map((s, i) => {
      const handle = handleOfRead(s.ref);
      if (handle === null) {
        return assign(s.ref, restored[i] as Tensor, {
          validateShape: s.ref.shape.isFullyDefined(),
        }).op;
      }
      return assignVariableOp(handle, identity(restored[i] as Tensor));
    });
    const restoreOp = group(assigns, { name: "restore_all" });
    return {
      graph,
      specs,
      filenameTensor,
      saveTensor,
      saveOp,
      restoreOp,
      restoreV2Op: (restored[0] as Tensor).op,
      restored,
    };
  });
}
