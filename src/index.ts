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
