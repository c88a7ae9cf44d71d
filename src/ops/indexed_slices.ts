import { ValueError } from "../errors.js";
import {
  declare,
  defineParams,
  kind,
  optNullable,
  req,
  type CallArgs,
} from "../graph/call_args.js";
import type { DType } from "../graph/dtypes.js";
import type { Graph } from "../graph/graph.js";
import type { Operation } from "../graph/operation.js";
import { Tensor, toTensorSymbol, type TensorConvertible } from "../graph/tensor.js";
import { TensorShape } from "../graph/tensor_shape.js";
import { unsortedSegmentSum } from "./math/segment.js";
import { neg } from "./math/operators.js";
import { constantInts } from "./tensor_util.js";

/** A graph tensor (not converted: an `IndexedSlices` holds tensors as given). */
const graphTensorKind = kind<Tensor>("a Tensor", (v) => v instanceof Tensor);

/** TF 1.15's `IndexedSlices(values, indices, dense_shape=None)`. */
const INDEXED_SLICES_P = defineParams("IndexedSlices", [
  req("values", graphTensorKind),
  req("indices", graphTensorKind),
  optNullable("denseShape", graphTensorKind),
] as const);

/**
 * A sparse representation of slices of a tensor (`tf.IndexedSlices`): row
 * `indices[i]` of the dense tensor of shape `denseShape` is `values[i]` (rows named twice
 * add up). The gradient of `tf.gather` and `tf.nn.embeddingLookup` for their params is
 * one, so that optimizers update only the rows looked up (`ScatterSub`, `SparseApply*`).
 * Anywhere a tensor is expected it is made dense, as TensorFlow's conversion does: an
 * `UnsortedSegmentSum` of the values into `denseShape[0]` rows.
 *
 * @example
 * ```ts
 * const table = tf.getVariable("table", [4, 2], { initializer: tf.onesInitializer() });
 * const [g] = tf.gradients(tf.gather(table, [3, 1, 3]), [table]);
 * g instanceof tf.IndexedSlices; // ==> true
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * sess.run(g).indices; // ==> [3 1 3]
 * sess.run(tf.convertToTensor(g)); // ==> [[0. 0.]
 *                                  //      [1. 1.]
 *                                  //      [0. 0.]
 *                                  //      [2. 2.]]
 * ```
 */
export class IndexedSlices implements TensorConvertible {
  /** The slices, `[n, ...]`. */
  readonly values: Tensor;
  /** The row of each slice in the dense tensor: a 1-D int32 or int64 tensor. */
  readonly indices: Tensor;
  /** The shape of the dense tensor, a 1-D int tensor, or `null` when unknown. */
  readonly denseShape: Tensor | null;

  /** TF's `IndexedSlices(values, indices, dense_shape=None)`. */
  constructor(...args: CallArgs<typeof INDEXED_SLICES_P.params>) {
    const a = INDEXED_SLICES_P.parse(args);
    this.values = a.values;
    this.indices = a.indices;
    this.denseShape = a.denseShape ?? null;
  }

  /** The name of `values`. */
  get name(): string {
    return this.values.name;
  }

  /** The dtype of the elements (that of `values`). */
  get dtype(): DType {
    return this.values.dtype;
  }

  /** The op producing `values`. */
  get op(): Operation {
    return this.values.op;
  }

  /** The graph of the three tensors. */
  get graph(): Graph {
    return this.values.graph;
  }

  /** The device of `values`. */
  get device(): string {
    return this.values.device;
  }

  /** `-slices` (`__neg__`): the values negated, the same indices. */
  neg(): IndexedSlices {
    return new IndexedSlices(neg(this.values), this.indices, this.denseShape);
  }

  /** As TensorFlow prints it: `IndexedSlices(indices=..., values=..., dense_shape=...)`. */
  toString(): string {
    const shape = this.denseShape === null ? "" : `, dense_shape=${this.denseShape.toString()}`;
    return `IndexedSlices(indices=${this.indices.toString()}, values=${this.values.toString()}${shape})`;
  }

  [toTensorSymbol](): Tensor {
    return indexedSlicesToTensor(this);
  }
}

declare(IndexedSlices, INDEXED_SLICES_P);

/** TF's `_LARGE_SPARSE_NUM_ELEMENTS`: converting this many elements or more is warned of. */
const LARGE_SPARSE_NUM_ELEMENTS = 100000000;

/**
 * TF's `_indexed_slices_to_tensor`: `unsorted_segment_sum(values, indices,
 * dense_shape[0])`, with the dense shape as static shape when it is known.
 */
export function indexedSlicesToTensor(value: IndexedSlices, name?: string): Tensor {
  const denseShape = value.denseShape;
  if (denseShape === null) {
    throw new ValueError(
      `Tensor conversion requested for IndexedSlices without dense_shape: ${value.toString()}`,
    );
  }
  const known = constantInts(denseShape);
  // TF's `warnings.warn` of the same cases: an unknown or a very large dense shape.
  if (known === null) {
    console.warn(
      "Converting sparse IndexedSlices to a dense Tensor of unknown shape. This may consume a large amount of memory.",
    );
  } else {
    const elements = known.reduce((a, b) => a * b, 1);
    if (elements >= LARGE_SPARSE_NUM_ELEMENTS) {
      console.warn(
        `Converting sparse IndexedSlices to a dense Tensor with ${elements} elements. This may consume a large amount of memory.`,
      );
    }
  }
  // All or nothing: `dense_shape[0]` is built before UnsortedSegmentSum checks its inputs.
  return value.values.graph.atomically(() => {
    const rows = denseShape.get(0);
    const dense = unsortedSegmentSum(value.values, value.indices, rows, name);
    if (known !== null) dense.setShape(new TensorShape(known));
    return dense;
  });
}

/** The dense form of a gradient: a tensor as is, an `IndexedSlices` summed into one. */
export function denseOf(g: Tensor | IndexedSlices): Tensor {
  return g instanceof IndexedSlices ? indexedSlicesToTensor(g) : g;
}
