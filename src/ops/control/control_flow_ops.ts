import { ValueError } from "../../errors.js";
import type { ControlFlowContext } from "../../graph/control_flow.js";
import { checkOpInputs } from "../input_types.js";
import type { Graph } from "../../graph/graph.js";
import type { AttrValue, Operation } from "../../graph/operation.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { registerOp, type Kernel } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { shareTensor } from "../tfjs_internals.js";
import { variableOpOf } from "../state/variable_ops.js";

/*
 * TensorFlow 1.x's control flow primitives (`control_flow_ops.py`'s `switch`, `merge`,
 * `_Enter`, `exit`, `_NextIteration`, `loop_cond`), with TensorFlow's op types, attrs and
 * shape functions. `tf.cond` and `tf.whileLoop` build graphs of them; the session runs them
 * as TensorFlow's executor does (dead branches, one frame per loop execution): their
 * kernels below only forward values, the executor gives them their meaning
 * (`OpDefinition.flow`).
 */

/** How one of these ops is created: in which context, and whether its inputs are captured. */
export interface FlowOpOptions {
  /** The op's name (made unique in the current name scope); a name ending in `/` is exact. */
  name: string;
  /** The context the op belongs to (`op._set_control_flow_context`); default: current. */
  context?: ControlFlowContext | null;
  /**
   * Take the inputs as they are, not through the context's captures, and without the
   * current control dependencies (`ops.control_dependencies(None)`): for the ops that make
   * an outer value available inside a context (`Switch`, `Enter`).
   */
  asIs?: boolean;
  /**
   * With `asIs`: keep the current control dependencies (TF's `_Enter` called directly, as
   * the gradient loops' counters and accumulators call it, not through `AddValue`). The op
   * then counts as created in the enclosing `tf.controlDependencies` blocks, so that the
   * ops reading it do not take their control inputs again.
   */
  keepControlDependencies?: boolean;
}

function createFlowOp(
  graph: Graph,
  type: string,
  inputs: readonly Tensor[],
  outputs: { dtype: Tensor["dtype"]; shape: TensorShape; isRef?: boolean }[],
  attrs: Record<string, AttrValue>,
  options: FlowOpOptions,
): Operation {
  checkOpInputs(type, inputs, attrs);
  const make = (): Operation =>
    graph.createOp({
      type,
      name: options.name,
      inputs,
      outputs,
      attrs,
      loopEntry: options.asIs === true,
    });
  const inContext = (): Operation =>
    options.context === undefined ? make() : graph.withControlFlowContext(options.context, make);
  return options.asIs === true && options.keepControlDependencies !== true
    ? graph.controlDependencies(null, inContext)
    : inContext();
}

/**
 * `Switch(data, pred)`: forwards `data` to output 1 when `pred` is true, to output 0
 * otherwise; the other output is dead. A reference (a variable an op of a branch assigns
 * to) goes through a `RefSwitch`, whose outputs are references (`_SwitchRefOrTensor`).
 */
export function switchOp(data: Tensor, pred: Tensor, options: FlowOpOptions): [Tensor, Tensor] {
  const graph = data.graph;
  if (pred.dtype !== "bool") {
    throw new TypeError(
      `Input 'pred' of 'Switch' Op has type ${pred.dtype} that does not match expected type of bool.`,
    );
  }
  const opName = options.name.endsWith("/")
    ? options.name.slice(0, -1)
    : graph.uniqueName(options.name, false);
  const type = data.isRef ? "RefSwitch" : "Switch";
  new ShapeInference(opName, type, [data.shape, pred.shape]).withRank(pred.shape, 0);
  const op = createFlowOp(
    graph,
    type,
    [data, pred],
    [
      { dtype: data.dtype, shape: data.shape, isRef: data.isRef },
      { dtype: data.dtype, shape: data.shape, isRef: data.isRef },
    ],
    { T: data.dtype },
    options,
  );
  return [op.outputs[0] as Tensor, op.outputs[1] as Tensor];
}

/** TensorFlow's `Merge` shape function: dims the inputs disagree on become unknown. */
function mergedShape(inputs: readonly Tensor[]): TensorShape {
  const first = (inputs[0] as Tensor).shape;
  if (first.dims === null) return TensorShape.unknown();
  const dims: Dim[] = first.dims.slice();
  for (const t of inputs.slice(1)) {
    const d = t.shape.dims;
    if (d === null || d.length !== dims.length) return TensorShape.unknown();
    d.forEach((v, i) => {
      if (v !== dims[i]) dims[i] = null;
    });
  }
  return new TensorShape(dims);
}

/**
 * `Merge(inputs)`: forwards the input that is alive (output 0) and its index (output 1,
 * int32); dead only when every input is dead. A `RefMerge` when every input is a
 * reference, as TensorFlow's `merge` makes it.
 */
export function mergeOp(inputs: readonly Tensor[], options: FlowOpOptions): [Tensor, Tensor] {
  const first = inputs[0];
  if (first === undefined) throw new ValueError("Merge needs at least one input.");
  for (const t of inputs) {
    if (t.dtype !== first.dtype) {
      throw new TypeError(
        `Tensors in list passed to 'inputs' of 'Merge' Op have types [${inputs.map((x) => x.dtype).join(", ")}] that don't all match.`,
      );
    }
  }
  const refs = inputs.every((t) => t.isRef);
  const op = createFlowOp(
    first.graph,
    refs ? "RefMerge" : "Merge",
    inputs,
    [
      { dtype: first.dtype, shape: mergedShape(inputs), isRef: refs },
      { dtype: "int32", shape: TensorShape.scalar() },
    ],
    { T: first.dtype, N: inputs.length },
    options,
  );
  return [op.outputs[0] as Tensor, op.outputs[1] as Tensor];
}

/** The attrs of an `Enter`. */
export interface EnterAttrs {
  frameName: string;
  isConstant: boolean;
  parallelIterations: number;
}

/**
 * `Enter(data)`: makes `data` available in the loop frame `frameName` (at its first
 * iteration, or at every iteration when `isConstant`). The output's static shape is the
 * input's when `useInputShape`, unknown otherwise (TensorFlow's shape function says
 * unknown for a variable entering a loop; `_Enter` sets the input's shape). A reference
 * enters as a reference (`RefEnter`), which the ops of the loop assign to or read.
 */
export function enterOp(
  data: Tensor,
  attrs: EnterAttrs,
  options: FlowOpOptions & { useInputShape?: boolean },
): Tensor {
  const shape =
    attrs.isConstant || options.useInputShape !== false ? data.shape : TensorShape.unknown();
  const op = createFlowOp(
    data.graph,
    data.isRef ? "RefEnter" : "Enter",
    [data],
    [{ dtype: data.dtype, shape, isRef: data.isRef }],
    {
      T: data.dtype,
      frame_name: attrs.frameName,
      is_constant: attrs.isConstant,
      parallel_iterations: attrs.parallelIterations,
    },
    options,
  );
  return op.outputs[0] as Tensor;
}

/**
 * `Exit(data)`: hands the value of the loop's last iteration to the frame around it
 * (`RefExit` for a reference).
 */
export function exitOp(data: Tensor, options: FlowOpOptions): Tensor {
  return createFlowOp(
    data.graph,
    data.isRef ? "RefExit" : "Exit",
    [data],
    [{ dtype: data.dtype, shape: data.shape, isRef: data.isRef }],
    { T: data.dtype },
    options,
  ).outputs[0] as Tensor;
}

/**
 * `NextIteration(data)`: makes `data` the value of the loop's next iteration
 * (`RefNextIteration` for a reference).
 */
export function nextIterationOp(data: Tensor, options: FlowOpOptions): Tensor {
  return createFlowOp(
    data.graph,
    data.isRef ? "RefNextIteration" : "NextIteration",
    [data],
    [{ dtype: data.dtype, shape: data.shape, isRef: data.isRef }],
    { T: data.dtype },
    options,
  ).outputs[0] as Tensor;
}

/** `LoopCond(input)`: the loop's predicate (a bool scalar), which its `Switch`es read. */
export function loopCondOp(input: Tensor, options: FlowOpOptions): Tensor {
  const graph = input.graph;
  if (input.dtype !== "bool") {
    throw new TypeError(
      `Input 'input' of 'LoopCond' Op has type ${input.dtype} that does not match expected type of bool.`,
    );
  }
  const opName = options.name.endsWith("/")
    ? options.name.slice(0, -1)
    : graph.uniqueName(options.name, false);
  new ShapeInference(opName, "LoopCond", [input.shape]).withRank(input.shape, 0);
  return createFlowOp(
    graph,
    "LoopCond",
    [input],
    [{ dtype: "bool", shape: TensorShape.scalar() }],
    {},
    options,
  ).outputs[0] as Tensor;
}

/**
 * `RefIdentity(input)`: the same reference (what TensorFlow's `_Identity` makes of a
 * reference: a reference loop variable as the body sees it, `while/Identity`).
 */
export function refIdentityOp(data: Tensor, options: FlowOpOptions): Tensor {
  return createFlowOp(
    data.graph,
    "RefIdentity",
    [data],
    [{ dtype: data.dtype, shape: data.shape, isRef: true }],
    { T: data.dtype },
    options,
  ).outputs[0] as Tensor;
}

/** The kernel of a forwarding op run outside a frame-aware executor: its first input. */
const forward: Kernel = (inputs) => [shareTensor(inputs[0] as never)];

registerOp({
  type: "Switch",
  opDef: {
    inputs: ["data: T", "pred: bool"],
    outputs: ["output_false: T", "output_true: T"],
    attrs: ["T: type"],
  },
  kernel: forward,
  flow: "switch",
});
registerOp({
  type: "Merge",
  opDef: {
    inputs: ["inputs: N * T"],
    outputs: ["output: T", "value_index: int32"],
    attrs: ["T: type", "N: int >= 1"],
  },
  kernel: forward,
  flow: "merge",
});
registerOp({
  type: "Enter",
  opDef: {
    inputs: ["data: T"],
    outputs: ["output: T"],
    attrs: [
      "T: type",
      "frame_name: string",
      "is_constant: bool = false",
      "parallel_iterations: int = 10",
    ],
  },
  kernel: forward,
  flow: "enter",
});
registerOp({
  type: "Exit",
  opDef: { inputs: ["data: T"], outputs: ["output: T"], attrs: ["T: type"] },
  kernel: forward,
  flow: "exit",
});
registerOp({
  type: "NextIteration",
  opDef: { inputs: ["data: T"], outputs: ["output: T"], attrs: ["T: type"] },
  kernel: forward,
  flow: "nextIteration",
});
registerOp({
  type: "LoopCond",
  opDef: { inputs: ["input: bool"], outputs: ["output: bool"] },
  kernel: forward,
});

/*
 * The reference forms (`RefSwitch`, `RefMerge`, `RefEnter`, `RefExit`, `RefNextIteration`),
 * which TensorFlow makes when the data is a variable's reference. A reference is resolved to
 * its variable when the plan is made; what these ops carry at run time is whether the
 * reference is alive here (the session's plan reads only that of their reference inputs,
 * so an uninitialized variable may be switched, as `allows_uninitialized_input` says).
 * `RefMerge` forwards the value of the reference that is alive.
 */
registerOp({
  type: "RefSwitch",
  opDef: {
    inputs: ["data: Ref(T)", "pred: bool"],
    outputs: ["output_false: Ref(T)", "output_true: Ref(T)"],
    attrs: ["T: type"],
    allowsUninitializedInput: true,
  },
  kernel: forward,
  flow: "switch",
});
registerOp({
  type: "RefMerge",
  opDef: {
    inputs: ["inputs: Ref(N * T)"],
    outputs: ["output: Ref(T)", "value_index: int32"],
    attrs: ["T: type", "N: int >= 1"],
  },
  kernel: forward,
  flow: "merge",
});
registerOp({
  type: "RefEnter",
  opDef: {
    inputs: ["data: Ref(T)"],
    outputs: ["output: Ref(T)"],
    attrs: [
      "T: type",
      "frame_name: string",
      "is_constant: bool = false",
      "parallel_iterations: int = 10",
    ],
  },
  kernel: forward,
  flow: "enter",
});
registerOp({
  type: "RefExit",
  opDef: { inputs: ["data: Ref(T)"], outputs: ["output: Ref(T)"], attrs: ["T: type"] },
  kernel: forward,
  flow: "exit",
});
registerOp({
  type: "RefNextIteration",
  opDef: { inputs: ["data: Ref(T)"], outputs: ["output: Ref(T)"], attrs: ["T: type"] },
  kernel: forward,
  flow: "nextIteration",
});
registerOp({
  type: "RefIdentity",
  opDef: {
    inputs: ["input: Ref(T)"],
    outputs: ["output: Ref(T)"],
    attrs: ["T: type"],
    allowsUninitializedInput: true,
  },
  // The reference is resolved to its variable when the plan is made: nothing to compute.
  refInputs: [0],
  refOutput: (op) => variableOpOf(op.inputs[0] as Tensor),
  kernel: () => [],
});
