/**
 * scopeflow: TensorFlow 1.x graph mode for TypeScript — graphs, name and variable scopes,
 * `getVariable` sharing, sessions — computing on TensorFlow.js kernels.
 *
 * @example
 * ```ts
 * import * as tf from "scopeflow";
 * const v = tf.variableScope("foo", () => tf.getVariable("v", [1]));
 * v.name; // ==> foo/v:0
 * ```
 *
 * @packageDocumentation
 */
import { installHooks } from "./session/hooks.js";
import "./gradients/math_grad.js";
import "./gradients/array_grad.js";
import "./gradients/nn_grad.js";
import "./gradients/nn_norm_grad.js";
import "./gradients/control_flow_grad.js";
import "./gradients/state_grad.js";
import "./gradients/tensor_array_grad.js";
import "./gradients/data_flow_grad.js";
import "./gradients/tf_graph_grad.js";
import "./gradients/function_grad.js";
import "./gradients/metrics_ops_grad.js";
import "./gradients/linalg_grad.js";
// random (gamma/poisson)
import "./gradients/random_grad.js";
import "./interchange/graph_def.js";

installHooks();

export * as errors from "./namespaces/errors.js";
export * as nn from "./namespaces/nn.js";
export * as train from "./namespaces/train.js";
export * as io from "./namespaces/io.js";
export * as data from "./namespaces/data.js";
export * as losses from "./namespaces/losses.js";
export * as metrics from "./namespaces/metrics.js";
export * as layers from "./namespaces/layers.js";
export * as summary from "./namespaces/summary.js";
export * as graphUtil from "./namespaces/graph_util.js";
export * as strings from "./namespaces/strings.js";
export * as savedModel from "./namespaces/saved_model.js";
export * as image from "./namespaces/image.js";
export { randomCrop } from "./ops/image/image_ops.js";
export { clipByValue, clipByNorm, globalNorm, clipByGlobalNorm } from "./train/clip_ops.js";
export { gradients, type GradientsOptions, type Gradient } from "./gradients/gradients.js";
export { IndexedSlices } from "./ops/indexed_slices.js";
export { SparseTensor } from "./ops/sparse_tensor.js";
export type { IndexedSlicesValue } from "./session/fetches.js";
export { addN } from "./ops/math/add_n.js";
export { zerosLike, onesLike } from "./ops/array/like.js";

// dtypes
export { float32, int32, int64, bool, string, resource, type DType } from "./graph/dtypes.js";

// graph
export { Graph, GraphKeys, getDefaultGraph, resetDefaultGraph } from "./graph/graph.js";
export { addToCollection, addToCollections, getCollection } from "./graph/collections.js";
export {
  GraphDef,
  MetaGraphDef,
  SavedModel,
  NodeDef,
  Summary,
  Event,
  RunMetadata,
} from "./io/messages.js";
export { Operation } from "./graph/operation.js";
export {
  importGraphDef,
  type InputMap,
  type ImportedElement,
} from "./interchange/import_graph_def.js";
export { Tensor, type TensorLike } from "./graph/tensor.js";
export { TensorShape, type Dim, type ShapeLike } from "./graph/tensor_shape.js";

// scopes
export { nameScope, getNameScope } from "./scope/name_scope.js";
export { AUTO_REUSE, type ReuseMode } from "./scope/reuse.js";
export {
  VariableScope,
  variableScope,
  getVariableScope,
  type VariableScopeOptions,
} from "./scope/variable_scope.js";
export {
  enableResourceVariables,
  disableResourceVariables,
  resourceVariablesEnabled,
} from "./scope/resource_default.js";
export type {
  Initializer,
  Regularizer,
  Partitioner,
  Constraint,
  CustomGetter,
} from "./scope/types.js";

// variables
export { Variable, type VariableOptions } from "./variables/variable.js";
export {
  getVariable,
  getLocalVariable,
  type GetVariableOptions,
} from "./variables/get_variable.js";
export {
  globalVariables,
  trainableVariables,
  localVariables,
  modelVariables,
  globalVariablesInitializer,
  localVariablesInitializer,
  variablesInitializer,
} from "./variables/collections.js";
export { makeTemplate, type Template } from "./variables/template.js";
export { reportUninitializedVariables } from "./variables/report.js";
export {
  zerosInitializer,
  onesInitializer,
  constantInitializer,
  randomNormalInitializer,
  truncatedNormalInitializer,
  randomUniformInitializer,
  varianceScalingInitializer,
  glorotUniformInitializer,
  glorotNormalInitializer,
  orthogonalInitializer,
  type OrthogonalOptions,
} from "./ops/init_ops.js";

// ops
export { constant } from "./ops/array/constant.js";
export { publicConvertToTensor as convertToTensor, type Packable } from "./ops/convert.js";
export { placeholder, placeholderWithDefault } from "./ops/array/placeholder.js";
export { zeros, ones, fill } from "./ops/array/fill.js";
export { randomNormal, randomUniform, truncatedNormal } from "./ops/random/random_ops.js";
export { setRandomSeed } from "./ops/random/seed.js";
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
} from "./ops/math/binary.js";
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
  identity,
  stopGradient,
} from "./ops/math/unary.js";
export { matmul } from "./ops/math/matmul.js";
export { range, type RangeOptions } from "./ops/math/range.js";
export { cast } from "./ops/array/cast.js";
export { reshape } from "./ops/array/reshape.js";
export { shape, size, rank, type ShapeOptions } from "./ops/array/shape.js";
export { concat } from "./ops/array/concat.js";
export { stack, unstack, type StackOptions, type UnstackOptions } from "./ops/array/stack.js";
export { split, type SplitOptions } from "./ops/array/split.js";
export { slice } from "./ops/array/slice.js";
export { stridedSlice, type StridedSliceOptions } from "./ops/array/strided_slice.js";
export { sliceSpec, newaxis, SliceSpec, type SliceItem } from "./graph/slice_spec.js";
export { gather, type GatherOptions } from "./ops/array/gather.js";
export { transpose, type TransposeOptions } from "./ops/array/transpose.js";
export { expandDims } from "./ops/array/expand_dims.js";
export { squeeze, type SqueezeOptions } from "./ops/array/squeeze.js";
export { tile } from "./ops/array/tile.js";
export { reverse, reverseSequence, type ReverseSequenceOptions } from "./ops/array/reverse.js";
export { pad, type PadOptions } from "./ops/array/pad.js";
export { oneHot, type OneHotOptions } from "./ops/array/one_hot.js";
export { where } from "./ops/array/where.js";
export {
  reduceSum,
  reduceMean,
  reduceMax,
  reduceMin,
  reduceProd,
  reduceAll,
  reduceAny,
  type ReduceOptions,
} from "./ops/math/reduce.js";
export { argmax, argmin, type ArgOptions } from "./ops/math/arg_minmax.js";
export { assign, assignAdd, assignSub, isVariableInitialized } from "./ops/state/variable_ops.js";
export {
  scatterAdd,
  scatterSub,
  scatterUpdate,
  type ScatterOptions,
} from "./ops/state/scatter_ops.js";
export { group, noOp, controlDependencies } from "./ops/control/group.js";
export { tuple, type TupleEntry, type TupleOptions } from "./ops/control/tuple.js";
export { cond } from "./ops/control/cond.js";
export { whileLoop } from "./ops/control/while_v1.js";
export { tfCase as case } from "./ops/control/case.js";
export { TensorArray, type TensorArrayOptions } from "./ops/control/tensor_array.js";
export {
  mapFn,
  scan,
  foldl,
  foldr,
  type MapFnOptions,
  type ScanOptions,
  type FoldOptions,
} from "./ops/control/functional_ops.js";

// sessions
export { Session, getDefaultSession, type SessionOptions } from "./session/session.js";
export { ready, setBackend, getBackend } from "./session/backend.js";
export { NDArray } from "./ndarray/index.js";
export * as contrib from "./namespaces/contrib.js";
export {
  colocateWith,
  device,
  type ColocationTarget,
  type DeviceNameOrFunction,
} from "./ops/control/device.js";
export type { DeviceFunction } from "./graph/graph.js";
export { floordiv, truncatediv, floormod } from "./ops/math/integer_div.js";
export { initializeAllVariables } from "./variables/collections.js";

// ops-math: everyday math functions of TF 1.15's top level, and tf.math
export * as math from "./namespaces/math.js";
export {
  toFloat,
  toInt32,
  toInt64,
  saturateCast,
  div,
  truediv,
  realdiv,
  divNoNan,
  mod,
  scalarMul,
  logicalAnd,
  logicalOr,
  logicalXor,
} from "./ops/math/math_ops_v1.js";
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
  truncatemod,
  polygammaOp as polygamma,
  zetaOp as zeta,
} from "./ops/math/cwise_more.js";
export { cumsum, cumprod } from "./ops/math/cumsum.js";
export { reduceLogsumexp, countNonzero, norm } from "./ops/math/reduce_more.js";
export { bincount } from "./ops/math/bincount.js";
export { accumulateN } from "./ops/math/accumulate_n.js";
export { clipByAverageNorm } from "./ops/math/clip_average.js";
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
} from "./ops/math/segment_ops.js";
export { logSigmoid } from "./ops/nn/activations_more.js";
// ops-array: everyday array functions (TF 1.15's array_ops, sort_ops, linalg).
export { gatherNd, scatterNd } from "./ops/array/gather_nd.js";
export { sort, argsort } from "./ops/array/top_k.js";
export {
  diag,
  eye,
  matrixBandPart,
  matrixDiag,
  matrixDiagPart,
  matrixSetDiag,
  matrixTranspose,
  trace,
} from "./ops/linalg/matrix_diag.js";
export { diagPart } from "./ops/linalg/diag_part.js";
export { broadcastTo } from "./ops/array/broadcast_to.js";
export { linspace, linspace as linSpace } from "./ops/array/lin_space.js";
export { reverse as reverseV2 } from "./ops/array/reverse.js";
export { sequenceMask, booleanMask } from "./ops/array/masks.js";
export { meshgrid, type MeshgridOptions } from "./ops/array/meshgrid.js";
export { tensordot } from "./ops/linalg/tensordot.js";
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
} from "./ops/debug/check_ops.js";
export { checkNumerics, verifyTensorAllFinite, Print } from "./ops/debug/logging_ops.js";
export { randomShuffle, multinomial } from "./ops/random/shuffle_multinomial.js";
// random (gamma/poisson): TF 1.15's random_gamma / random_poisson
export {
  randomGamma,
  randomPoisson,
  type RandomGammaOptions,
  type RandomPoissonOptions,
} from "./ops/random/gamma_poisson.js";
export { dynamicPartition, dynamicStitch, shapeN } from "./ops/array/data_flow_public.js";
export { unique } from "./ops/array/unique.js";
export { setdiff1d, roll } from "./ops/array/list_diff_roll.js";
export { depthToSpace, spaceToDepth } from "./ops/array/depth_space.js";
export { spaceToBatchNd, batchToSpaceNd } from "./ops/array/space_batch.js";
export { matrixInverse, matrixDeterminant } from "./ops/linalg/inverse_det.js";
export * as linalg from "./namespaces/linalg.js";
export * as debugging from "./namespaces/debugging.js";
export * as random from "./namespaces/random.js";
export * as manip from "./namespaces/manip.js";
// linalg: einsum and the Cholesky/solve/decomposition family (TF 1.15's v1 names).
export { einsum } from "./ops/linalg/einsum.js";
export {
  cholesky,
  choleskySolve,
  matrixSolve,
  matrixTriangularSolve,
  logMatrixDeterminant,
} from "./ops/linalg/solve.js";
export { qr } from "./ops/linalg/qr.js";
export { svd } from "./ops/linalg/svd.js";
// print (engineer: print): tf.print (PrintV2) and the session output sink types.
export { print, type PrintOptions, type PrintInput } from "./ops/debug/print_v2.js";
export type { OutputSink, OutputStream } from "./ops/registry.js";
// metrics-sparse: tf.sets over dense tensors and SparseTensors.
export * as sets from "./namespaces/sets.js";
// strings: TF 1.15's top-level spellings of the string ops.
export { stringSplit } from "./ops/string/string_split.js";
export { toNumber as stringToNumber } from "./ops/string/string_to_number.js";
export {
  toHashBucketFast as stringToHashBucketFast,
  toHashBucketStrong as stringToHashBucketStrong,
  toHashBucket as stringToHashBucket,
} from "./ops/string/string_to_hash_bucket.js";
export { substr } from "./ops/string/substr.js";
export { asString } from "./ops/string/as_string.js";
export { strip as stringStrip, reduceJoin } from "./ops/string/string_ops.js";
export { regexReplace } from "./ops/string/regex.js";
export { encodeBase64, decodeBase64 } from "./ops/string/base64.js";
// io-text: TF 1.15's top-level v1 aliases of the tf.io file and text-record ops.
export { decodeCsv } from "./ops/parsing/decode_csv.js";
export { decodeRaw } from "./ops/parsing/decode_raw.js";
export { readFile, writeFile, matchingFiles } from "./io/file_ops.js";
// TF 1.15's top-level spellings of the Example parsing API (`tf.parse_example`, `tf.FixedLenFeature`, …).
export {
  parseExample,
  FixedLenFeature,
  VarLenFeature,
  FixedLenSequenceFeature,
  SparseFeature,
} from "./ops/parsing/parse_example.js";
