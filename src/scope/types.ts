import type { DType } from "../graph/dtypes.js";
import type { Tensor, TensorConvertible, TensorLike } from "../graph/tensor.js";

/** Where a slice sits in a partitioned variable (TensorFlow's `_PartitionInfo`). */
export interface PartitionInfo {
  fullShape: number[];
  varOffset: number[];
}

/**
 * An initializer object (`tf.zerosInitializer()`, `tf.glorotUniformInitializer()`, …):
 * builds the ops that compute a variable's first value.
 */
export interface Initializer {
  call(shape: number[], dtype: DType, partitionInfo?: PartitionInfo | null): Tensor;
}

/** A plain function used as an initializer, as TensorFlow accepts any callable. */
export type InitializerFunction = (
  shape: number[],
  dtype: DType,
  partitionInfo?: PartitionInfo | null,
) => TensorLike;

/**
 * What a variable scope may carry as its default initializer: anything `getVariable`
 * accepts as `initializer`, a value (a `Tensor`, a number, nested arrays) included, as
 * TensorFlow 1.15 passes the scope's initializer to `get_variable` unchanged
 * (`variable_scope_test.py`, `testInitializeFromValue`).
 */
export type ScopeInitializer = Initializer | InitializerFunction | TensorLike;

/** A weight penalty: returns a scalar loss tensor, or `null` to add no loss. */
export type Regularizer = (weights: TensorConvertible) => Tensor | null;

/** Decides how many parts each dimension of a variable is split into. */
export type Partitioner = (shape: number[], dtype: DType) => number[];

/** A projection applied after optimizer updates. */
export type Constraint = (value: Tensor) => Tensor;

/**
 * Intercepts `getVariable` (`custom_getter`): receives the underlying getter, the full
 * name and the options, and returns the variable (or whatever it chooses).
 */
export type CustomGetter = (
  getter: (name: string, options: Record<string, unknown>) => TensorConvertible,
  name: string,
  options: Record<string, unknown>,
) => TensorConvertible;
