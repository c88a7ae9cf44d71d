/**
 * `tf.math`: TF 1.15's v1 `tf.math.*` names that scopeflow has, each the same function
 * object as its top-level (or `tf.nn`) twin, as in TF where both names export one function.
 */
export { addN } from "../ops/math/add_n.js";
export {
  add,
  subtract,
  multiply,
  divide,
  maximum,
  minimum,
  pow,
  squaredDifference,
  equal,
  notEqual,
  less,
  lessEqual,
  greater,
  greaterEqual,
} from "../ops/math/binary.js";
export {
  negative,
  square,
  sqrt,
  rsqrt,
  exp,
  log,
  log1p,
  abs,
  sign,
  floor,
  ceil,
  round,
  reciprocal,
  sin,
  cos,
  tanh,
  sigmoid,
  logicalNot,
} from "../ops/math/unary.js";
export {
  reduceSum,
  reduceMean,
  reduceMax,
  reduceMin,
  reduceProd,
  reduceAll,
  reduceAny,
} from "../ops/math/reduce.js";
export { argmax, argmin } from "../ops/math/arg_minmax.js";
export { floordiv, floormod, truncatediv } from "../ops/math/integer_div.js";
export {
  divNoNan,
  divNoNan as divideNoNan,
  truediv,
  mod,
  scalarMul,
  logicalAnd,
  logicalOr,
  logicalXor,
} from "../ops/math/math_ops_v1.js";
export {
  tan,
  atan,
  asin,
  acos,
  sinh,
  cosh,
  asinh,
  acosh,
  atanh,
  expm1,
  erfOp as erf,
  erfcOp as erfc,
  lgammaOp as lgamma,
  digammaOp as digamma,
  rintOp as rint,
  isNan,
  isInf,
  isFinite,
  atan2,
  xlogyOp as xlogy,
  xdivyOp as xdivy,
  polygammaOp as polygamma,
  zetaOp as zeta,
  truncatemod,
} from "../ops/math/cwise_more.js";
export { cumsum, cumprod } from "../ops/math/cumsum.js";
export { bincount } from "../ops/math/bincount.js";
export { accumulateN } from "../ops/math/accumulate_n.js";
export {
  segmentSum,
  segmentMean,
  segmentMax,
  segmentMin,
  segmentProd,
  unsortedSegmentSum,
  unsortedSegmentMax,
  unsortedSegmentMin,
  unsortedSegmentProd,
  unsortedSegmentMean,
  unsortedSegmentSqrtN,
} from "../ops/math/segment_ops.js";
export {
  reduceLogsumexp,
  countNonzero,
  reduceVariance,
  reduceStd,
  l2Normalize,
} from "../ops/math/reduce_more.js";
export { logSigmoid, softsign } from "../ops/nn/activations_more.js";
export { softplus } from "../ops/nn/activations.js";
export { softmax, logSoftmax } from "../ops/nn/softmax.js";
export { inTopK } from "../ops/nn/in_top_k.js";
