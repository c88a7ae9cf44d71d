import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { checkOpArgs, checkOpInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import { readInts } from "../tensor_util.js";
import { dynamicStitchKernel } from "./dynamic_stitch.js";

/*
 * `DynamicPartition` and `ParallelDynamicStitch` (`data_flow_ops`), which
 * `embedding_lookup` builds to look ids up in several shards and put the rows back in order.
 */

registerOp({
  type: "DynamicPartition",
  opDef: {
    inputs: ["data: T", "partitions: int32"],
    outputs: ["outputs: num_partitions * T"],
    attrs: ["num_partitions: int >= 1", "T: type"],
  },
  kernel: ([data, partitions], op) => {
    const d = data as tfc.Tensor;
    const p = partitions as tfc.Tensor;
    const n = op.attrs.num_partitions as number;
    const parts = readInts(p);
    const inner = d.shape.slice(p.rank);
    const width = inner.reduce((a, b) => a * b, 1);
    const buckets: number[][] = Array.from({ length: n }, () => []);
    parts.forEach((k, i) => {
      if (k < 0 || k >= n) {
        const where = p.rank === 0 ? "" : `[${i}]`;
        throw new InvalidArgumentError(`partitions${where} = ${k} is not in [0, ${n})`, op.name);
      }
      (buckets[k] as number[]).push(i);
    });
    return tfc.tidy(() => {
      const flat = tfc.reshape(d, [parts.length, width]);
      return buckets.map((rows) =>
        tfc.reshape(tfc.gather(flat, tfc.tensor1d(rows, "int32")), [rows.length, ...inner]),
      );
    });
  },
});

registerOp({
  type: "ParallelDynamicStitch",
  opDef: {
    inputs: ["indices: N * int32", "data: N * T"],
    outputs: ["merged: T"],
    attrs: ["N: int >= 1", "T: type"],
  },
  kernel: (inputs, op) => [dynamicStitchKernel(inputs, op.attrs.N as number)],
});

/**
 * `gen_data_flow_ops.dynamic_partition(data, partitions, num_partitions, name)` (op
 * `DynamicPartition`): output `k` holds the slices of `data` whose `partitions` entry is
 * `k`, in order.
 */
export function dynamicPartition(
  data: Tensor,
  partitions: Tensor,
  numPartitions: number,
  name?: string,
): Tensor[] {
  return inOpScope(name, "DynamicPartition", [data, partitions], (scope, graph) => {
    checkOpInputs("DynamicPartition", [data, partitions], { num_partitions: numPartitions });
    const si = new ShapeInference(opNameOf(scope), "DynamicPartition", [
      data.shape,
      partitions.shape,
    ]);
    let inner: TensorShape = TensorShape.unknown();
    const pDims = partitions.shape.dims;
    const dDims = data.shape.dims;
    if (pDims !== null) {
      const dims = si.withRankAtLeast(data.shape, pDims.length);
      if (dims !== null) {
        si.mergeShape(new TensorShape(dims.slice(0, pDims.length)), partitions.shape);
        inner = new TensorShape(dims.slice(pDims.length));
      }
    } else if (dDims !== null) inner = TensorShape.unknown();
    const shape =
      inner.dims === null ? TensorShape.unknown() : new TensorShape([null, ...inner.dims]);
    const outputs = Array.from({ length: numPartitions }, () => ({ dtype: data.dtype, shape }));
    return makeOp(graph, "DynamicPartition", scope, [data, partitions], outputs, {
      num_partitions: numPartitions,
      T: data.dtype,
    }).outputs as Tensor[];
  });
}

/**
 * `data_flow_ops.parallel_dynamic_stitch(indices, data, name)` (op
 * `ParallelDynamicStitch`): row `indices[k][i]` of the result is `data[k][i]`.
 */
export function parallelDynamicStitch(
  indices: readonly Tensor[],
  data: readonly Tensor[],
  name?: string,
): Tensor {
  return inOpScope(name, "ParallelDynamicStitch", [...indices, ...data], (scope, graph) => {
    // `indices: N * int32`: int64 indices are refused too, as in TF.
    checkOpArgs("ParallelDynamicStitch", [indices, data]);
    const first = data[0] as Tensor;
    const lead = (indices[0] as Tensor).shape.rank;
    let inner: TensorShape | null = null;
    if (lead !== null && first.shape.dims !== null) {
      inner = new TensorShape(first.shape.dims.slice(lead));
      data.forEach((d, k) => {
        const r = (indices[k] as Tensor).shape.rank;
        if (d.shape.dims !== null && r !== null) {
          inner = (inner as TensorShape).mergeWith(new TensorShape(d.shape.dims.slice(r)));
        }
      });
    }
    const shape =
      inner === null || (inner as TensorShape).dims === null
        ? TensorShape.unknown()
        : new TensorShape([null, ...((inner as TensorShape).dims as (number | null)[])]);
    return makeOp(
      graph,
      "ParallelDynamicStitch",
      scope,
      [...indices, ...data],
      [{ dtype: first.dtype, shape }],
      { N: indices.length, T: first.dtype },
    ).outputs[0] as Tensor;
  });
}
