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
 * try {
 *   reader.getTensor("w");
 * } catch (e) {
 *   if (e instanceof CheckpointFormatError && e.code === "corrupt") console.error(e.file, e.key);
 * }
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
 * describeError(new RangeError("truncated varint")); // "truncated varint"
 * ```
 */
export function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
