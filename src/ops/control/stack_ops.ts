import type * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import type { DType } from "../../graph/dtypes.js";
import type { Graph } from "../../graph/graph.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { registerOp, type Kernel, type Stashable } from "../registry.js";
import { shareTensor } from "../tfjs_internals.js";
import { knownScalar, scalarOf } from "./scalars.js";

/*
 * TensorFlow's stacks (`StackV2`, `StackPushV2`, `StackPopV2`): a while loop's gradient
 * reads the forward loop's values from them, pushed at each forward iteration and popped
 * backwards. A stack lives for one run (TensorFlow's per-step resource); its handle, a
 * `resource` as in TensorFlow, is carried by an int32 scalar naming it in the run.
 */

class Stack implements Stashable {
  readonly items: tfc.Tensor[] = [];
  constructor(readonly name: string) {}
  dispose(): void {
    for (const t of this.items) t.dispose();
    this.items.length = 0;
  }
}

/** `StackV2(max_size, elem_type, stack_name)`: a new stack; returns its handle. */
export function stackV2(graph: Graph, maxSize: Tensor, elemType: DType, name: string): Tensor {
  return graph.createOp({
    type: "StackV2",
    name,
    inputs: [maxSize],
    outputs: [{ dtype: "resource", shape: TensorShape.scalar() }],
    attrs: { elem_type: elemType, stack_name: "" },
  }).outputs[0] as Tensor;
}

/** `StackPushV2(handle, elem, swap_memory)`: pushes `elem`, returns it. */
export function stackPushV2(
  graph: Graph,
  handle: Tensor,
  elem: Tensor,
  swapMemory: boolean,
  name: string,
): Tensor {
  return graph.createOp({
    type: "StackPushV2",
    name,
    inputs: [handle, elem],
    outputs: [{ dtype: elem.dtype, shape: elem.shape }],
    attrs: { T: elem.dtype, swap_memory: swapMemory },
  }).outputs[0] as Tensor;
}

/** `StackPopV2(handle, elem_type)`: pops the last value pushed. */
export function stackPopV2(
  graph: Graph,
  handle: Tensor,
  elemType: DType,
  shape: TensorShape,
  name: string,
): Tensor {
  return graph.createOp({
    type: "StackPopV2",
    name,
    inputs: [handle],
    outputs: [{ dtype: elemType, shape }],
    attrs: { elem_type: elemType },
  }).outputs[0] as Tensor;
}

registerOp({
  type: "StackV2",
  opDef: {
    inputs: ["max_size: int32"],
    outputs: ["handle: resource"],
    attrs: ["elem_type: type", "stack_name: string = ''"],
    stateful: true,
  },
  stateful: true,
  kernel: (_inputs, op, runtime) => [knownScalar(runtime.stash(new Stack(op.name)), "int32")],
});

function stackOf(handle: tfc.Tensor, runtime: { stashed(h: number): Stashable }): Stack {
  const stack = runtime.stashed(scalarOf(handle));
  if (!(stack instanceof Stack)) throw new InvalidArgumentError("Not a stack handle.");
  return stack;
}

/**
 * `StackPushV2`'s kernel when nothing reads its output (a loop's pushes are only waited
 * on): pushes, returns nothing.
 */
export const pushOnlyKernel: Kernel = ([handle, elem], _op, runtime) => {
  stackOf(handle as tfc.Tensor, runtime).items.push(shareTensor(elem as tfc.Tensor));
  return [];
};

registerOp({
  type: "StackPushV2",
  opDef: {
    inputs: ["handle: resource", "elem: T"],
    outputs: ["output: T"],
    attrs: ["T: type", "swap_memory: bool = false"],
    stateful: true,
  },
  stateful: true,
  kernel: ([handle, elem], _op, runtime) => {
    const stack = stackOf(handle as tfc.Tensor, runtime);
    stack.items.push(shareTensor(elem as tfc.Tensor));
    return [shareTensor(elem as tfc.Tensor)];
  },
});

registerOp({
  type: "StackPopV2",
  opDef: {
    inputs: ["handle: resource"],
    outputs: ["elem: elem_type"],
    attrs: ["elem_type: type"],
    stateful: true,
  },
  stateful: true,
  kernel: ([handle], op, runtime) => {
    const stack = stackOf(handle as tfc.Tensor, runtime);
    const value = stack.items.pop();
    if (value === undefined) {
      throw new InvalidArgumentError(`Stack[${stack.name}] is empty.`, op.name);
    }
    return [value];
  },
});

/** `ControlTrigger`: a no-op that runs even when its control inputs are dead. */
registerOp({ type: "ControlTrigger", opDef: {}, kernel: () => [], flow: "controlTrigger" });
