import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import {
  dtypeKind,
  intKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tensorListKind,
  tfFunction,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { checkOpArgs } from "../input_types.js";
import { firstTensorDType } from "../math/binary.js";
import { buildOp, inOpScope } from "../op_scope.js";
import { dynamicPartition as dynamicPartitionOp } from "./dynamic_partition.js";
import { dynamicStitch as dynamicStitchOp } from "./dynamic_stitch.js";

/*
 * The public functions of ops scopeflow already had for its own use (TF's generated
 * wrappers: the op named as its type by default).
 */

/** TF 1.15's `dynamic_partition(data, partitions, num_partitions, name=None)`. */
const DYNAMIC_PARTITION_PARAMS = [
  req("data", tensorKind),
  req("partitions", tensorKind),
  req("numPartitions", intKind),
  opt("name", stringKind),
] as const;

/**
 * Splits the slices of `data` into `numPartitions` outputs by the index `partitions` gives
 * each (`tf.dynamic_partition`, op `DynamicPartition`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const [a, b] = tf.dynamicPartition([10, 20, 30, 40], tf.constant([0, 1, 1, 0], tf.int32), 2);
 * sess.run(b); // ==> [20. 30.]
 * ```
 */
export const dynamicPartition = tfFunction("dynamicPartition", DYNAMIC_PARTITION_PARAMS, (a) =>
  inOpScope(a.name, "DynamicPartition", [a.data, a.partitions], (scope) => {
    const data = convertToTensor(a.data, { name: "data" });
    // `partitions: int32` is fixed: a tensor of another dtype is the OpDef check's to refuse.
    const partitions = convertToTensor(a.partitions, {
      name: "partitions",
      preferredDtype: "int32",
    });
    return dynamicPartitionOp(data, partitions, a.numPartitions, scope);
  }),
);

/** TF 1.15's `dynamic_stitch(indices, data, name=None)`. */
const DYNAMIC_STITCH_PARAMS = [
  req("indices", tensorListKind),
  req("data", tensorListKind),
  opt("name", stringKind),
] as const;

/**
 * Interleaves the slices of `data` into one tensor: row `indices[m][i]` of the result is
 * `data[m][i]`, later entries winning (`tf.dynamic_stitch`, op `DynamicStitch`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const i = [tf.constant([0, 2], tf.int32), tf.constant([1], tf.int32)];
 * sess.run(tf.dynamicStitch(i, [tf.constant([1, 3]), tf.constant([2])])); // ==> [1. 2. 3.]
 * ```
 */
export const dynamicStitch = tfFunction("dynamicStitch", DYNAMIC_STITCH_PARAMS, (a) =>
  inOpScope(a.name, "DynamicStitch", [...a.indices, ...a.data], (scope) => {
    const indices = a.indices.map((t) =>
      convertToTensor(t, { name: "indices", preferredDtype: "int32" }),
    );
    const dtype = firstTensorDType(a.data);
    const data = a.data.map((t) => convertToTensor(t, { name: "data", preferredDtype: dtype }));
    // op_def_library's checks, with its messages: `indices` int32, `data` of one dtype,
    // both lists of one length of at least 1.
    checkOpArgs("DynamicStitch", [indices, data]);
    return dynamicStitchOp(indices, data, scope);
  }),
);

/** TF 1.15's `shape_n(input, out_type=tf.int32, name=None)`. */
const SHAPE_N_PARAMS = [
  req("input", tensorListKind),
  opt("outType", dtypeKind),
  opt("name", stringKind),
] as const;

/**
 * The shapes of several tensors, from one op (`tf.shape_n`, op `ShapeN`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const [s0, s1] = tf.shapeN([tf.zeros([2, 3]), tf.zeros([4])]);
 * sess.run(s1); // ==> [4]
 * ```
 */
export const shapeN = tfFunction("shapeN", SHAPE_N_PARAMS, (a) => {
  const outType = a.outType ?? "int32";
  if (outType !== "int32" && outType !== "int64") {
    throw new TypeError(
      `Value passed to parameter 'out_type' has DataType ${outType} not in list of allowed values: int32, int64`,
    );
  }
  const xs = a.input.map((t) => convertToTensor(t, { name: "input" }));
  const op = buildOp(
    "ShapeN",
    xs,
    xs.map((x) => ({ dtype: outType, shape: new TensorShape([x.shape.rank]) })),
    { N: xs.length, T: xs[0]?.dtype ?? "float32", out_type: outType },
    a.name,
  );
  return op.outputs.slice() as Tensor[];
});
