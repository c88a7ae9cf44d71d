import { booleanKind, opt, req, tfFunction } from "../graph/call_args.js";
import type { DType } from "../graph/dtypes.js";
import { withDefaultGraph } from "../graph/graph.js";
import type { Tensor, TensorLike } from "../graph/tensor.js";
import {
  denseToDenseSetOperation,
  denseToSparseSetOperation,
  sparseToSparseSetOperation,
  type SetOperationName,
} from "./array/set_ops.js";
import { setSize as setSizeOp } from "./array/set_size.js";
import {
  convertToTensorOrSparseTensor,
  SparseTensor,
  sparseOrTensorKind,
} from "./sparse_tensor.js";
import { graphFromValues } from "../scope/name_scope.js";

/*
 * TF 1.15's sets_impl.py: `tf.sets.set_intersection`, `set_difference`, `set_union` and
 * `set_size` over the last dimension of dense tensors or `SparseTensor`s.
 */

/** sets_impl's `_VALID_DTYPES`, of the dtypes scopeflow has. */
const VALID_DTYPES: ReadonlySet<DType> = new Set<DType>(["int32", "int64", "string"]);

/**
 * Runs `fn` in the graph of `values` (a SparseTensor's by its values), all or nothing: the
 * constants converted before a refusal go with it.
 */
function atomicallyIn<T>(values: readonly unknown[], fn: () => T): T {
  const graph = graphFromValues(values.map((v) => (v instanceof SparseTensor ? v.values : v)));
  return withDefaultGraph(graph, () => graph.atomically(fn));
}

/** Python's `str(dtype)`. */
function dtypeRepr(dtype: DType): string {
  return `<dtype: '${dtype}'>`;
}

/**
 * `_convert_to_tensors_or_sparse_tensors(a, b)`: both converted (constants named `a` and
 * `b`), of a set dtype and the same one; a sparse `a` with a dense `b` are swapped
 * (`flipped`), since the ops take a dense set first.
 */
function convertPair(
  aIn: SparseTensor | TensorLike,
  bIn: SparseTensor | TensorLike,
): [a: SparseTensor | Tensor, b: SparseTensor | Tensor, flipped: boolean] {
  const a = convertToTensorOrSparseTensor(aIn, { name: "a", preferredDtype: "int32" });
  if (!VALID_DTYPES.has(a.dtype)) throw new TypeError(`'a' invalid dtype ${dtypeRepr(a.dtype)}.`);
  const b = convertToTensorOrSparseTensor(bIn, { name: "b", preferredDtype: "int32" });
  if (!VALID_DTYPES.has(b.dtype)) throw new TypeError(`'b' invalid dtype ${dtypeRepr(b.dtype)}.`);
  if (a.dtype !== b.dtype) {
    throw new TypeError(`Types don't match, ${dtypeRepr(a.dtype)} vs ${dtypeRepr(b.dtype)}.`);
  }
  if (a instanceof SparseTensor && !(b instanceof SparseTensor)) return [b, a, true];
  return [a, b, false];
}

/** `_set_operation(a, b, set_operation, validate_indices)`: the op for the input kinds. */
function setOperation(
  a: SparseTensor | Tensor,
  b: SparseTensor | Tensor,
  operation: SetOperationName,
  validateIndices: boolean,
): SparseTensor {
  let parts: [Tensor, Tensor, Tensor];
  if (a instanceof SparseTensor) {
    // `_convert_to_tensors_or_sparse_tensors` has put a dense `b` first already.
    const sb = b as SparseTensor;
    parts = sparseToSparseSetOperation(
      [a.indices, a.values, a.denseShape],
      [sb.indices, sb.values, sb.denseShape],
      operation,
      validateIndices,
    );
  } else if (b instanceof SparseTensor) {
    parts = denseToSparseSetOperation(
      a,
      b.indices,
      b.values,
      b.denseShape,
      operation,
      validateIndices,
    );
  } else {
    parts = denseToDenseSetOperation(a, b, operation, validateIndices);
  }
  return new SparseTensor(...parts);
}

const SET_PAIR_PARAMS = [
  req("a", sparseOrTensorKind),
  req("b", sparseOrTensorKind),
  opt("validateIndices", booleanKind),
] as const;

/**
 * The intersection of `a` and `b` along their last dimension (`tf.sets.set_intersection`,
 * also `tf.sets.intersection`): per row of the leading dims, the values in both sets, sorted.
 * `a` and `b` are dense tensors or `SparseTensor`s of int32, int64 or string, with the
 * same leading dims; the result is a `SparseTensor` whose last dim is the largest result
 * set. Ops `DenseToDenseSetOperation`, `DenseToSparseSetOperation` (a sparse `a` with a
 * dense `b` are swapped) or `SparseToSparseSetOperation`.
 *
 * @example
 * ```ts
 * const b = new tf.SparseTensor(tf.constant([[0, 0], [1, 0], [1, 1]], tf.int64), tf.constant([2, 5, 6], tf.int32), tf.constant([2, 2], tf.int64));
 * const r = tf.sets.setIntersection([[1, 2], [3, 5]], b);
 * using sess = new tf.Session();
 * sess.run(r.values).toArray(); // ==> 2,5
 * sess.run(r.indices).toArray(); // ==> 0,0,1,0
 * ```
 */
export const setIntersection = tfFunction("sets.setIntersection", SET_PAIR_PARAMS, (args) =>
  atomicallyIn([args.a, args.b], () => {
    const [a, b] = convertPair(args.a, args.b);
    return setOperation(a, b, "intersection", args.validateIndices ?? true);
  }),
);

/**
 * The union of `a` and `b` along their last dimension (`tf.sets.set_union`, also
 * `tf.sets.union`); see {@link setIntersection}.
 *
 * @example
 * ```ts
 * const r = tf.sets.setUnion([[1, 2], [3, 3]], [[2, 4], [1, 3]]);
 * using sess = new tf.Session();
 * sess.run(r.values).toArray(); // ==> 1,2,4,1,3
 * sess.run(r.denseShape).toArray(); // ==> 2,3
 * ```
 */
export const setUnion = tfFunction("sets.setUnion", SET_PAIR_PARAMS, (args) =>
  atomicallyIn([args.a, args.b], () => {
    const [a, b] = convertPair(args.a, args.b);
    return setOperation(a, b, "union", args.validateIndices ?? true);
  }),
);

const SET_DIFFERENCE_PARAMS = [
  req("a", sparseOrTensorKind),
  req("b", sparseOrTensorKind),
  opt("aminusb", booleanKind),
  opt("validateIndices", booleanKind),
] as const;

/**
 * `a - b` (or `b - a` when `aminusb` is false) along the last dimension
 * (`tf.sets.set_difference`, also `tf.sets.difference`); see {@link setIntersection}.
 *
 * @example
 * ```ts
 * const r = tf.sets.setDifference([[1, 2, 3]], [[2, 5, 5]]);
 * using sess = new tf.Session();
 * sess.run(r.values).toArray(); // ==> 1,3
 * sess.run(tf.sets.setDifference([[1, 2, 3]], [[2, 5, 5]], false).values).toArray(); // ==> 5
 * ```
 */
export const setDifference = tfFunction("sets.setDifference", SET_DIFFERENCE_PARAMS, (args) =>
  atomicallyIn([args.a, args.b], () => {
    const [a, b, flipped] = convertPair(args.a, args.b);
    let aminusb = args.aminusb ?? true;
    if (flipped) aminusb = !aminusb;
    return setOperation(a, b, aminusb ? "a-b" : "b-a", args.validateIndices ?? true);
  }),
);

/**
 * The number of distinct values in each set of a `SparseTensor`, its last dimension
 * (`tf.sets.set_size`, also `tf.sets.size`; op `SetSize`): int32 of the leading dims.
 *
 * @example
 * ```ts
 * const r = tf.sets.setIntersection([[1, 2], [3, 5]], [[2, 1], [4, 4]]);
 * using sess = new tf.Session();
 * sess.run(tf.sets.setSize(r)); // ==> [2 0]
 * ```
 */
export const setSize = tfFunction(
  "sets.setSize",
  [req("a", sparseOrTensorKind), opt("validateIndices", booleanKind)] as const,
  (args) =>
    atomicallyIn([args.a], () => {
      const a = convertToTensorOrSparseTensor(args.a, { name: "a", preferredDtype: "int32" });
      if (!(a instanceof SparseTensor)) {
        throw new TypeError(`Expected \`SparseTensor\`, got ${a.toString()}.`);
      }
      if (!VALID_DTYPES.has(a.values.dtype)) {
        throw new TypeError(`Invalid dtype ${dtypeRepr(a.values.dtype)}.`);
      }
      return setSizeOp(a.indices, a.values, a.denseShape, undefined, args.validateIndices ?? true);
    }),
);
