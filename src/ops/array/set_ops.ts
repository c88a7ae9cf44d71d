import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, UnimplementedError } from "../../errors.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { buildOp } from "../op_scope.js";
import { registerOp } from "../registry.js";

/*
 * TF 1.15's set operations over the last dimension of dense tensors (`set_ops.cc`), which
 * `tf.sets.set_intersection`/`set_difference`/`set_union` build and which Keras graphs hold
 * (the `assert_broadcastable` check of sample weights). Each row of the batch is a set: its
 * values without repeats; the result is a sparse tensor of each row's result set, sorted.
 */

type SetOperation = (a: ReadonlySet<number>, b: ReadonlySet<number>) => number[];

const OPERATIONS: Record<string, SetOperation> = {
  "a-b": (a, b) => [...a].filter((x) => !b.has(x)),
  "b-a": (a, b) => [...b].filter((x) => !a.has(x)),
  intersection: (a, b) => [...a].filter((x) => b.has(x)),
  union: (a, b) => [...new Set([...a, ...b])],
};

registerOp({
  type: "DenseToDenseSetOperation",
  opDef: {
    inputs: ["set1: T", "set2: T"],
    outputs: ["result_indices: int64", "result_values: T", "result_shape: int64"],
    attrs: [
      "set_operation: string",
      "validate_indices: bool = true",
      "T: {int8, int16, int32, int64, uint8, uint16, string}",
    ],
  },
  kernel: ([set1, set2], op) => {
    const a = set1 as tfc.Tensor;
    const b = set2 as tfc.Tensor;
    const operation = OPERATIONS[op.attrs.set_operation as string];
    if (operation === undefined) {
      throw new InvalidArgumentError(
        `Invalid set_operation ${String(op.attrs.set_operation)}.`,
        op.name,
      );
    }
    if (a.dtype === "string") {
      throw new UnimplementedError("DenseToDenseSetOperation on strings is not supported", op.name);
    }
    for (const t of [a, b]) {
      if (t.rank < 2) throw new InvalidArgumentError(`Invalid rank ${t.rank}.`, op.name);
    }
    const batch = a.shape.slice(0, -1);
    if (b.rank !== a.rank || !batch.every((d, i) => d === b.shape[i])) {
      throw new InvalidArgumentError(
        `Shapes [${a.shape.join(",")}] and [${b.shape.join(",")}] have mismatched group dimensions.`,
        op.name,
      );
    }
    const widthA = a.shape[a.rank - 1] as number;
    const widthB = b.shape[b.rank - 1] as number;
    const rows = batch.reduce((x, y) => x * y, 1);
    const va = a.dataSync();
    const vb = b.dataSync();
    const indices: number[] = [];
    const values: number[] = [];
    let maxSize = 0;
    for (let r = 0; r < rows; r++) {
      const sa = new Set<number>(Array.from(va.subarray(r * widthA, (r + 1) * widthA)));
      const sb = new Set<number>(Array.from(vb.subarray(r * widthB, (r + 1) * widthB)));
      const result = operation(sa, sb).sort((x, y) => x - y);
      maxSize = Math.max(maxSize, result.length);
      // The row's position in the batch, then the element's position in its set.
      const position: number[] = [];
      let rest = r;
      for (let d = batch.length - 1; d >= 0; d--) {
        const dim = batch[d] as number;
        position[d] = rest % dim;
        rest = Math.floor(rest / dim);
      }
      result.forEach((v, k) => {
        indices.push(...position, k);
        values.push(v);
      });
    }
    return [
      tfc.tensor2d(indices, [values.length, a.rank], "int32"),
      tfc.tensor1d(values, a.dtype as "int32"),
      tfc.tensor1d([...batch, maxSize], "int32"),
    ];
  },
  inferShapes: (op) => {
    const rank = op.inputs[0]?.shape.rank ?? null;
    return [new TensorShape([null, rank]), new TensorShape([null]), new TensorShape([rank])];
  },
});

/**
 * `gen_set_ops.dense_to_dense_set_operation`: the op over two dense tensors of the same
 * group dims, as `tf.sets.set_difference`/`set_intersection`/`set_union` build it for
 * dense inputs; its outputs are the result's sparse indices, values and dense shape.
 */
export function denseToDenseSetOperation(
  set1: Tensor,
  set2: Tensor,
  setOperation: keyof typeof OPERATIONS,
  validateIndices = true,
  name?: string,
): [indices: Tensor, values: Tensor, shape: Tensor] {
  const rank = set1.shape.rank;
  const op = buildOp(
    "DenseToDenseSetOperation",
    [set1, set2],
    [
      { dtype: "int64", shape: new TensorShape([null, rank]) },
      { dtype: set1.dtype, shape: new TensorShape([null]) },
      { dtype: "int64", shape: new TensorShape([rank]) },
    ],
    { set_operation: setOperation, validate_indices: validateIndices, T: set1.dtype },
    name,
  );
  return [op.outputs[0] as Tensor, op.outputs[1] as Tensor, op.outputs[2] as Tensor];
}
