/** `tf.errors`: TensorFlow's error classes. */
export {
  ValueError,
  LookupError,
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
