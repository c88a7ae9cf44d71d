/**
 * Error classes with TensorFlow's names, so that ported `except ValueError` code maps to
 * `catch (e) { if (e instanceof tf.errors.ValueError) ... }`.
 *
 * Graph-building misuse raises {@link ValueError} (TensorFlow raises Python's `ValueError`
 * or `KeyError`); failures while a session runs raise subclasses of {@link OpError}.
 */

/**
 * Raised while a graph is built, where TensorFlow raises Python's `ValueError`.
 *
 * @example
 * ```ts
 * tf.getVariable("v", [1]);
 * tf.getVariable("v", [1]); // throws ValueError: Variable v already exists, disallowed.
 * ```
 */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ValueError";
  }
}

/**
 * Python's `LookupError`, which TensorFlow raises while building gradients: no gradient
 * for an op type, or a gradient a graph disabled on purpose (`PreventGradient`).
 */
export class LookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LookupError";
  }
}

/**
 * Python's `IOError`, which TensorFlow's SavedModel loader raises for a missing or
 * unparseable `saved_model.pb`.
 */
export class IOError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IOError";
  }
}

/**
 * Python's `RuntimeError`, which TensorFlow's SavedModel loader raises when no meta graph
 * has the tags asked for.
 */
export class RuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RuntimeError";
  }
}

/**
 * Python's `NotImplementedError` (a `RuntimeError`), which TensorFlow's gradient functions
 * raise for cases they do not cover (`QrGrad` of a wide matrix).
 */
export class NotImplementedError extends RuntimeError {
  constructor(message: string) {
    super(message);
    this.name = "NotImplementedError";
  }
}

/**
 * Python's `AssertionError`, which TensorFlow's SavedModel builder raises when it is
 * misused (an export directory that is not empty, variables saved twice).
 */
export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

/** TensorFlow's error codes (`tensorflow/core/protobuf/error_codes.proto`). */
export const ErrorCode = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  FAILED_PRECONDITION: 9,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  DATA_LOSS: 15,
} as const;

/**
 * Base of the errors a `Session.run` raises, as `tf.errors.OpError`.
 *
 * `opName` names the operation that failed, when one did.
 */
export class OpError extends Error {
  readonly errorCode: number;
  readonly opName: string | null;
  constructor(
    message: string,
    opName: string | null = null,
    errorCode: number = ErrorCode.UNKNOWN,
  ) {
    super(message);
    this.name = "OpError";
    this.opName = opName;
    this.errorCode = errorCode;
  }
}

/**
 * A run needed something that was not there yet, e.g. an uninitialized variable.
 *
 * @example
 * ```ts
 * const v = tf.getVariable("v", [1]);
 * using sess = new tf.Session();
 * sess.run(v); // throws FailedPreconditionError: Attempting to use uninitialized value v
 * ```
 */
export class FailedPreconditionError extends OpError {
  constructor(message: string, opName: string | null = null) {
    super(message, opName, ErrorCode.FAILED_PRECONDITION);
    this.name = "FailedPreconditionError";
  }
}

/** A run received a bad value: a missing feed, a feed of the wrong shape or dtype. */
export class InvalidArgumentError extends OpError {
  constructor(message: string, opName: string | null = null) {
    super(message, opName, ErrorCode.INVALID_ARGUMENT);
    this.name = "InvalidArgumentError";
  }
}

/** Something named does not exist (a checkpoint key, a file). */
export class NotFoundError extends OpError {
  constructor(message: string, opName: string | null = null) {
    super(message, opName, ErrorCode.NOT_FOUND);
    this.name = "NotFoundError";
  }
}

/** A value went past the end of its range (e.g. an int64 that does not fit int32). */
export class OutOfRangeError extends OpError {
  constructor(message: string, opName: string | null = null) {
    super(message, opName, ErrorCode.OUT_OF_RANGE);
    this.name = "OutOfRangeError";
  }
}

/** An operation has no kernel on this backend, or a feature is not available. */
export class UnimplementedError extends OpError {
  constructor(message: string, opName: string | null = null) {
    super(message, opName, ErrorCode.UNIMPLEMENTED);
    this.name = "UnimplementedError";
  }
}

/** Something that should never happen did: a bug in scopeflow. */
export class InternalError extends OpError {
  constructor(message: string, opName: string | null = null) {
    super(message, opName, ErrorCode.INTERNAL);
    this.name = "InternalError";
  }
}

/**
 * Stored data is unreadable or damaged, e.g. a checkpoint file whose checksum does not
 * match (TensorFlow's `tf.errors.DataLossError`).
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs";
 * const saver = new tf.train.Saver([tf.getVariable("v", [1])]);
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * writeFileSync(saver.save(sess, "model.ckpt") + ".index", "not a table");
 * saver.restore(sess, "model.ckpt"); // throws DataLossError
 * ```
 */
export class DataLossError extends OpError {
  constructor(message: string, opName: string | null = null) {
    super(message, opName, ErrorCode.DATA_LOSS);
    this.name = "DataLossError";
  }
}
