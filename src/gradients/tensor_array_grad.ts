import { ValueError } from "../errors.js";
import type { DType } from "../graph/dtypes.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { TensorArray } from "../ops/control/tensor_array.js";
import { identity } from "../ops/math/unary.js";
import { notDifferentiable, registerGradient } from "../ops/registry.js";

/*
 * The gradients of TensorArray ops, as TF 1.15's tensor_array_grad.py builds them: the
 * gradient of a read is a write into the forward array's gradient array (created at run
 * time by `TensorArrayGradV3`, one per `tf.gradients` call, found by its `source`), and
 * the gradient of a write is a read from it; gather/scatter and concat/split likewise.
 * Only flows connect these ops in the graph, so the gradient ops are ordered by flows too.
 */

notDifferentiable("TensorArrayV3", "TensorArrayGradV3", "TensorArraySizeV3", "TensorArrayCloseV3");

/**
 * `_GetGradSource`: the `tf.gradients` call a gradient tensor belongs to, from its name
 * (`gradients_1/...` → `gradients_1`), so that each call gets its own gradient array.
 */
function gradSource(t: Tensor): string {
  const tokens = t.name.split("/");
  let last = -1;
  tokens.forEach((x, i) => {
    if (x.startsWith("gradients")) last = i;
  });
  if (last < 0) {
    throw new ValueError(
      `Expected op/tensor name to start with gradients (excluding scope), got: ${t.name}`,
    );
  }
  return tokens.slice(0, last + 1).join("/");
}

/** The gradient array of the forward array `handle`, read or written after `flow`. */
function gradArray(handle: Tensor, flow: Tensor, dtype: DType, source: string): TensorArray {
  return new TensorArray(dtype, {
    handle,
    flow,
    colocateWithFirstWriteCall: false,
  }).grad(source, flow);
}

/** For the gradient of a write: a flow that follows the forward write's flow out. */
function writeBarrier(op: Operation, flow: Tensor): Tensor {
  const flowOut = identity(op.outputs[0] as Tensor, { name: "flow_out" });
  return op.graph.controlDependencies([flowOut.op], () =>
    identity(flow, { name: "write_barrier" }),
  );
}

registerGradient("TensorArrayReadV3", (op, [grad]) => {
  const [handle, index, flow] = op.inputs as [Tensor, Tensor, Tensor];
  const g = grad as Tensor;
  const ta = gradArray(handle, flow, op.attrs.dtype as DType, gradSource(g));
  return [null, null, ta.write(index, g).flow];
});

registerGradient("TensorArrayWriteV3", (op, [flowGrad]) => {
  const [handle, index] = op.inputs as [Tensor, Tensor];
  const source = gradSource(flowGrad as Tensor);
  const flow = writeBarrier(op, flowGrad as Tensor);
  const ta = gradArray(handle, flow, op.attrs.T as DType, source);
  return [null, null, ta.read(index), flow];
});

registerGradient("TensorArrayGatherV3", (op, [grad]) => {
  const [handle, indices, flow] = op.inputs as [Tensor, Tensor, Tensor];
  const g = grad as Tensor;
  const ta = gradArray(handle, flow, op.attrs.dtype as DType, gradSource(g));
  return [null, null, ta.scatter(indices, g).flow];
});

registerGradient("TensorArrayScatterV3", (op, [flowGrad]) => {
  const [handle, indices] = op.inputs as [Tensor, Tensor];
  const source = gradSource(flowGrad as Tensor);
  const flow = writeBarrier(op, flowGrad as Tensor);
  const ta = gradArray(handle, flow, op.attrs.T as DType, source);
  return [null, null, ta.gather(indices), flow];
});

registerGradient("TensorArrayConcatV3", (op, [grad]) => {
  const [handle, flow] = op.inputs as [Tensor, Tensor];
  const lengths = op.outputs[1] as Tensor;
  const g = grad as Tensor;
  const ta = gradArray(handle, flow, op.attrs.dtype as DType, gradSource(g));
  return [null, ta.split(g, lengths).flow];
});

registerGradient("TensorArraySplitV3", (op, [flowGrad]) => {
  const [handle] = op.inputs as [Tensor];
  const source = gradSource(flowGrad as Tensor);
  const flow = writeBarrier(op, flowGrad as Tensor);
  const ta = gradArray(handle, flow, op.attrs.T as DType, source);
  return [null, ta.concat(), null, flow];
});
