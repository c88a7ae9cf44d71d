/** `tf.errors`: TensorFlow's error classes. */
export {
  ValueError,
  OpError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  OutOfRangeError,
  UnimplementedError,
  InternalError,
  ErrorCode,
} from "../errors.js";
