/** What went wrong, so callers can branch without parsing messages. */
export type CheckpointFormatErrorCode =
  | "corrupt" // checksum mismatch, truncated or malformed bytes
  | "v1-format" // a legacy (V1, TensorSliceReader) checkpoint
  | "not-found" // missing file or key
  | "unsupported" // well-formed, but a feature or dtype scopeflow does not read
  | "invalid-argument"; // bad input to a writer

/**
 * Error raised by the checkpoint format reader and writer. The message always
 * names the file and, where one is involved, the tensor key; both are also
 * available as fields.
 *
 * @example
 * ```ts
 * import { readBundle, writeBundle } from "./bundle.js";
 * const { index, data } = writeBundle([{ name: "w", dtype: "float32", shape: [1], values: [1] }]);
 * data[0] ^= 1;
 * let error: unknown;
 * try { readBundle(index, data).getTensor("w"); } catch (e) { error = e; }
 * error instanceof CheckpointFormatError && error.code; // ==> corrupt
 * ```
 */
export class CheckpointFormatError extends Error {
  readonly code: CheckpointFormatErrorCode;
  readonly file: string | undefined;
  readonly key: string | undefined;

  constructor(
    code: CheckpointFormatErrorCode,
    message: string,
    details: { file?: string; key?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "CheckpointFormatError";
    this.code = code;
    this.file = details.file;
    this.key = details.key;
  }
}

/**
 * Message text of an unknown thrown value.
 *
 * @example
 * ```ts
 * describeError(new RangeError("truncated varint")); // ==> truncated varint
 * ```
 */
export function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
