/** `tf.errors`: TensorFlow's error classes. */
export {
  ValueError,
  LookupError,
  IOError,
  RuntimeError,
  NotImplementedError,
  AssertionError,
  OpError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  OutOfRangeError,
  UnimplementedError,
  InternalError,
  DataLossError,
  ErrorCode,
} from "../errors.js";
