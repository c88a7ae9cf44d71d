/**
 * The `checkpoint` state file: a tensorflow.CheckpointState (src/proto/tensorflow/python/training/checkpoint_state.proto)
 * in protobuf *text* format, as Python's `text_format.MessageToString` writes it
 * from `update_checkpoint_state_internal` (tensorflow/python/checkpoint/checkpoint_management.py):
 *
 *   model_checkpoint_path: "model.ckpt-200"
 *   all_model_checkpoint_paths: "model.ckpt-100"
 *   all_model_checkpoint_paths: "model.ckpt-200"
 *   all_model_checkpoint_timestamps: 1568832812.2891152
 *   last_preserved_timestamp: 1568832700.0
 *
 * Pure string handling over the project's text format (src/proto/); ../file_io.ts reads
 * and writes the file.
 */
import { CheckpointState as StateCodec, TextFormatError, formatDouble } from "../../proto/index.js";
import { CheckpointFormatError } from "./errors.js";

/** Decoded CheckpointState; paths are exactly as stored (relative to the directory or absolute). */
export interface CheckpointState {
  /** Prefix of the newest checkpoint; "" when unset. */
  modelCheckpointPath: string;
  /** Prefixes of kept checkpoints, oldest first. */
  allModelCheckpointPaths: string[];
  /** Seconds since the epoch for each kept checkpoint (TF 1.13+; may be empty). */
  allModelCheckpointTimestamps: number[];
  /** 0 when unset. */
  lastPreservedTimestamp: number;
}

/**
 * Formats a double as Python's `str(float)` does (shortest round-trip digits,
 * exponent form below 1e-4 or from 1e16, always a decimal point otherwise),
 * so files match TF's byte for byte.
 *
 * @example
 * ```ts
 * formatPythonFloat(1568832900); // ==> 1568832900.0
 * formatPythonFloat(1e-5); // ==> 1e-05
 * ```
 */
export function formatPythonFloat(x: number): string {
  return formatDouble(x);
}

/**
 * Serializes a CheckpointState exactly as TF's Python writes the `checkpoint` file.
 *
 * @example
 * ```ts
 * const text = formatCheckpointState({ modelCheckpointPath: "model.ckpt", allModelCheckpointPaths: ["model.ckpt"],
 *   allModelCheckpointTimestamps: [], lastPreservedTimestamp: 0 });
 * text; // ==> model_checkpoint_path: "model.ckpt"
 *       //     all_model_checkpoint_paths: "model.ckpt"
 *       //
 * ```
 */
export function formatCheckpointState(state: CheckpointState): string {
  return StateCodec.toText(state);
}

/**
 * Parses a `checkpoint` state file (protobuf text format). Throws a
 * CheckpointFormatError naming `file` on malformed text or unknown fields,
 * like TF's `text_format.Merge`.
 *
 * @example
 * ```ts
 * parseCheckpointState('model_checkpoint_path: "model.ckpt-100"\n').modelCheckpointPath; // ==> model.ckpt-100
 * ```
 */
export function parseCheckpointState(text: string, file = "checkpoint"): CheckpointState {
  let s: ReturnType<typeof StateCodec.fromText>;
  try {
    s = StateCodec.fromText(text);
  } catch (e) {
    if (!(e instanceof TextFormatError)) throw e;
    throw new CheckpointFormatError(
      "corrupt",
      `${file}: cannot parse checkpoint state: ${e.message}`,
      { file },
    );
  }
  return {
    modelCheckpointPath: s.modelCheckpointPath,
    allModelCheckpointPaths: [...s.allModelCheckpointPaths],
    allModelCheckpointTimestamps: [...s.allModelCheckpointTimestamps],
    lastPreservedTimestamp: s.lastPreservedTimestamp,
  };
}
