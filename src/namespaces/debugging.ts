/** `tf.debugging`: TF 1.15's v1 names of the asserts scopeflow has. */
export {
  Assert,
  assertEqual,
  assertNoneEqual,
  assertLess,
  assertLessEqual,
  assertGreater,
  assertGreaterEqual,
  assertPositive,
  assertNegative,
  assertNonNegative,
  assertNonPositive,
  assertNear,
  assertType,
  assertInteger,
  assertScalar,
  assertRank,
  assertRankAtLeast,
  isNumericTensor,
} from "../ops/debug/check_ops.js";
export { checkNumerics } from "../ops/debug/logging_ops.js";
