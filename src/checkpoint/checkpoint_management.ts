/**
 * Finding checkpoints on disk (TensorFlow's checkpoint_management.py): the `checkpoint`
 * state file and the newest checkpoint it names. Synchronous, as in TensorFlow; the
 * `…Async` forms also reach the file systems of URI paths (IndexedDB, HTTP).
 */
import type { CheckpointState } from "./format/checkpoint_state.js";
import { indexFileName } from "./format/bundle.js";
import {
  checkpointExistsAsync,
  checkpointExistsSync,
  nodeFs,
  readCheckpointStateAsync,
  readCheckpointStateSync,
} from "./file_io.js";
import { listKind, opt, req, stringKind, tfFunction } from "../graph/call_args.js";

/** TF 1.15's `(checkpoint_dir, latest_filename=None)`. */
const STATE_PARAMS = [req("checkpointDir", stringKind), opt("latestFilename", stringKind)] as const;

/**
 * The `checkpoint` state file of `checkpointDir` (`tf.train.get_checkpoint_state`): the
 * newest checkpoint and those kept, with relative paths joined onto the directory; `null`
 * when there is no state file (or it cannot be parsed, with a warning).
 *
 * @example
 * ```ts
 * const saver = new tf.train.Saver([tf.getVariable("w", [1])]);
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * for (const step of [100, 200]) saver.save(sess, "run/model.ckpt", { globalStep: step });
 * tf.train.getCheckpointState("run")?.allModelCheckpointPaths.join(", "); // ==> run/model.ckpt-100, run/model.ckpt-200
 * ```
 */
export const getCheckpointState = tfFunction(
  "train.getCheckpointState",
  STATE_PARAMS,
  (a): CheckpointState | null => stateOf(a.checkpointDir, a.latestFilename),
);

function stateOf(
  checkpointDir: string,
  latestFilename: string | undefined,
): CheckpointState | null {
  return readCheckpointStateSync(checkpointDir, latestFilename ?? "checkpoint");
}

/**
 * The prefix of the newest checkpoint in `checkpointDir` (`tf.train.latest_checkpoint`),
 * or `null` when there is none or its files are gone. Pass the result to
 * `saver.restore`.
 *
 * @example
 * ```ts
 * const saver = new tf.train.Saver([tf.getVariable("w", [1])]);
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * saver.save(sess, "ckpt/model.ckpt", { globalStep: 300 });
 * tf.train.latestCheckpoint("ckpt"); // ==> ckpt/model.ckpt-300
 * ```
 */
export const latestCheckpoint = tfFunction(
  "train.latestCheckpoint",
  STATE_PARAMS,
  (a): string | null => latestIn(a.checkpointDir, a.latestFilename),
);

function latestIn(checkpointDir: string, latestFilename: string | undefined): string | null {
  const state = stateOf(checkpointDir, latestFilename);
  if (state === null || state.modelCheckpointPath === "") return null;
  const prefix = state.modelCheckpointPath;
  if (checkpointExistsSync(prefix)) return prefix;
  console.error(`Couldn't match files for checkpoint ${prefix}`);
  return null;
}

/**
 * {@link getCheckpointState} for any file system: a directory with a URI scheme
 * (`indexeddb://run`, `https://host/run`, `ram://run`) is read from its registered file
 * system, a local one as `getCheckpointState` reads it.
 *
 * @example
 * ```ts
 * const saver = new tf.train.Saver([tf.getVariable("w", [1])]);
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * await saver.saveAsync(sess, "ram://state/model.ckpt", { globalStep: 5 });
 * (await tf.train.getCheckpointStateAsync("ram://state"))?.modelCheckpointPath; // ==> ram://state/model.ckpt-5
 * ```
 */
export const getCheckpointStateAsync = tfFunction(
  "train.getCheckpointStateAsync",
  STATE_PARAMS,
  (a): Promise<CheckpointState | null> =>
    readCheckpointStateAsync(a.checkpointDir, a.latestFilename ?? "checkpoint"),
);

/**
 * {@link latestCheckpoint} for any file system (see {@link getCheckpointStateAsync}):
 * the newest checkpoint a page saved to IndexedDB before a reload, or the one a server
 * publishes.
 *
 * @example
 * ```ts
 * const saver = new tf.train.Saver([tf.getVariable("w", [1])]);
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * await saver.saveAsync(sess, "ram://latest/model.ckpt", { globalStep: 300 });
 * await tf.train.latestCheckpointAsync("ram://latest"); // ==> ram://latest/model.ckpt-300
 * await tf.train.latestCheckpointAsync("ram://nowhere"); // ==> null
 * ```
 */
export const latestCheckpointAsync = tfFunction(
  "train.latestCheckpointAsync",
  STATE_PARAMS,
  async (a): Promise<string | null> => {
    const state = await readCheckpointStateAsync(a.checkpointDir, a.latestFilename ?? "checkpoint");
    if (state === null || state.modelCheckpointPath === "") return null;
    const prefix = state.modelCheckpointPath;
    if (await checkpointExistsAsync(prefix)) return prefix;
    console.error(`Couldn't match files for checkpoint ${prefix}`);
    return null;
  },
);

/**
 * Whether a V2 (`prefix.index`) or V1 checkpoint exists at `prefix`
 * (`tf.train.checkpoint_exists`).
 *
 * @example
 * ```ts
 * const saver = new tf.train.Saver([tf.getVariable("w", [1])]);
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * saver.save(sess, "ckpt/model.ckpt", { globalStep: 300 });
 * tf.train.checkpointExists("ckpt/model.ckpt-300"); // ==> true
 * tf.train.checkpointExists("ckpt/model.ckpt-400"); // ==> false
 * ```
 */
export const checkpointExists = tfFunction(
  "train.checkpointExists",
  [req("checkpointPrefix", stringKind)] as const,
  (a) => checkpointExistsSync(a.checkpointPrefix),
);

/**
 * Modification times (seconds since the epoch) of the checkpoints that exist among
 * `prefixes` (`tf.train.get_checkpoint_mtimes`), from their `.index` files.
 *
 * @example
 * ```ts
 * import { utimesSync } from "node:fs";
 * const saver = new tf.train.Saver([tf.getVariable("w", [1])]);
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * utimesSync(saver.save(sess, "model.ckpt") + ".index", 1717171717.5, 1717171717.5);
 * tf.train.getCheckpointMtimes(["model.ckpt"]); // ==> 1717171717.5
 * ```
 */
export const getCheckpointMtimes = tfFunction(
  "train.getCheckpointMtimes",
  [req("checkpointPrefixes", listKind(stringKind))] as const,
  (a) => mtimesOf(a.checkpointPrefixes),
);

function mtimesOf(prefixes: readonly string[]): number[] {
  const fs = nodeFs();
  const out: number[] = [];
  for (const p of prefixes) {
    for (const f of [indexFileName(p), p]) {
      try {
        const st = fs.statSync(f);
        if (st.isFile()) {
          out.push(st.mtimeMs / 1000);
          break;
        }
      } catch {
        // not this one
      }
    }
  }
  return out;
}
