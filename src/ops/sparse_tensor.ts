import { declare, defineParams, kind, req, tensorKind, type CallArgs } from "../graph/call_args.js";
import type { DType } from "../graph/dtypes.js";
import type { Graph } from "../graph/graph.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor, TensorLike } from "../graph/tensor.js";
import { convertToTensor } from "./convert.js";

/** TF 1.15's `SparseTensor(indices, values, dense_shape)`. */
const SPARSE_TENSOR_PARAMS = defineParams("SparseTensor", [
  req("indices", tensorKind),
  req("values", tensorKind),
  req("denseShape", tensorKind),
] as const);

/**
 * A sparse tensor as three dense ones (TF's `tf.SparseTensor`): `indices` (int64
 * `[N, rank]`), `values` (`[N]`) and `denseShape` (int64 `[rank]`); what
 * `tf.io.parseExample` returns for a `VarLenFeature`. Fetch its parts with `Session.run`.
 *
 * @example
 * ```ts
 * const st = new tf.SparseTensor(tf.constant([[0, 1]], tf.int64), tf.constant([5]), tf.constant([2, 3], tf.int64));
 * st.dtype; // ==> float32
 * using sess = new tf.Session();
 * sess.run(st.denseShape).toArray(); // ==> 2,3
 * ```
 */
export class SparseTensor {
  readonly indices: Tensor;
  readonly values: Tensor;
  readonly denseShape: Tensor;

  constructor(...args: CallArgs<typeof SPARSE_TENSOR_PARAMS.params>) {
    const a = SPARSE_TENSOR_PARAMS.parse(args);
    this.indices = convertToTensor(a.indices, { name: "indices", dtype: "int64" });
    this.values = convertToTensor(a.values, { name: "values" });
    this.denseShape = convertToTensor(a.denseShape, { name: "dense_shape", dtype: "int64" });
  }

  /** The dtype of the values. */
  get dtype(): DType {
    return this.values.dtype;
  }

  /** The op that makes the values. */
  get op(): Operation {
    return this.values.op;
  }

  get graph(): Graph {
    return this.values.graph;
  }
}
declare(SparseTensor, SPARSE_TENSOR_PARAMS);

/**
 * A parameter that takes a `SparseTensor` or a dense value (TF's
 * `convert_to_tensor_or_sparse_tensor` arguments: `tf.sets`' sets, the at-k metrics' labels).
 */
export const sparseOrTensorKind = kind<SparseTensor | TensorLike>(
  "a SparseTensor, a Tensor or a value convertible to one",
  tensorKind.check,
);

/** `convert_to_tensor_or_sparse_tensor(value, name=…)`: a `SparseTensor` as it is. */
export function convertToTensorOrSparseTensor(
  value: SparseTensor | TensorLike,
  options: { readonly name?: string; readonly preferredDtype?: DType } = {},
): SparseTensor | Tensor {
  if (value instanceof SparseTensor) return value;
  return convertToTensor(value, options);
}
