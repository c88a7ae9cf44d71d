import * as tfc from "@tensorflow/tfjs-core";
import type { DType } from "../../graph/dtypes.js";
import type { Graph } from "../../graph/graph.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf, type NameOption } from "../op_scope.js";
import { registerOp, type KernelRuntime } from "../registry.js";
import { shareTensor } from "../share.js";
import { mergeErrorDetail, shapeError } from "../shape_utils.js";

/**
 * The `VariableV2` op behind a ref tensor: a variable's own output, or the output of an
 * assignment to it (which TensorFlow lets one chain).
 */
export function variableOpOf(ref: Tensor): Operation {
  let op = ref.op;
  while (op.type !== "VariableV2") {
    const source = op.inputs[0];
    if (!REF_FORWARDING.has(op.type) || source === undefined || !source.isRef) {
      throw new TypeError(`'${ref.name}' is not a reference to a variable.`);
    }
    op = source.op;
  }
  return op;
}

const REF_FORWARDING = new Set(["Assign", "AssignAdd", "AssignSub", "RefIdentity"]);

registerOp({
  type: "VariableV2",
  stateful: true,
  kernel: () => {
    throw new Error("VariableV2 is read through its ref output, never run as a kernel.");
  },
  refOutput: (op) => op,
});

registerOp({
  type: "Assign",
  stateful: true,
  refInputs: [0],
  refOutput: (op) => variableOpOf(op.inputs[0] as Tensor),
  kernel: ([value], op, runtime) => {
    const variable = variableOpOf(op.inputs[0] as Tensor);
    runtime.writeVariable(variable, shareTensor(value as tfc.Tensor));
    return [];
  },
});

function updateKernel(update: (a: tfc.Tensor, b: tfc.Tensor) => tfc.Tensor) {
  return (inputs: readonly tfc.Tensor[], op: Operation, runtime: KernelRuntime) => {
    const variable = variableOpOf(op.inputs[0] as Tensor);
    const current = runtime.readVariable(variable, op);
    runtime.writeVariable(variable, update(current, inputs[0] as tfc.Tensor));
    return [];
  };
}

registerOp({
  type: "AssignAdd",
  stateful: true,
  refInputs: [0],
  refOutput: (op) => variableOpOf(op.inputs[0] as Tensor),
  kernel: updateKernel(tfc.add),
});

registerOp({
  type: "AssignSub",
  stateful: true,
  refInputs: [0],
  refOutput: (op) => variableOpOf(op.inputs[0] as Tensor),
  kernel: updateKernel(tfc.sub),
});

registerOp({
  type: "IsVariableInitialized",
  stateful: true,
  refInputs: [0],
  kernel: (_inputs, op, runtime) => [
    tfc.scalar(runtime.isVariableInitialized(variableOpOf(op.inputs[0] as Tensor)), "bool"),
  ],
});

/** Adds a `VariableV2` op: storage whose value lives in each session. */
export function variableOp(
  graph: Graph,
  scope: string,
  shape: TensorShape,
  dtype: DType,
  definedAt: Error | null,
): Tensor {
  return makeOp(
    graph,
    "VariableV2",
    scope,
    [],
    [{ dtype, shape, isRef: true }],
    { shape, dtype, container: "", shared_name: "" },
    definedAt,
  ).outputs[0] as Tensor;
}

/** Options of {@link assign}. */
export interface AssignOptions extends NameOption {
  /** Whether the value's shape must match the variable's (default `true`). */
  validateShape?: boolean;
}

function refOf(ref: TensorLike, opType: string): Tensor {
  const t = convertToTensor(ref, { asRef: true });
  if (!t.isRef) {
    throw new TypeError(
      `'${opType}' Op requires that input 'ref' be a mutable tensor (e.g.: a tf.Variable)`,
    );
  }
  return t;
}

function assignLike(
  type: string,
  ref: TensorLike,
  value: TensorLike,
  options: AssignOptions,
): Tensor {
  return inOpScope(options.name, type, [ref, value], (scope, graph) => {
    const r = refOf(ref, type);
    const v = convertToTensor(value, { name: "value", dtype: r.dtype });
    const validate = options.validateShape ?? true;
    let shape = r.shape;
    if (type === "Assign" && !validate) shape = v.shape;
    else if (!r.shape.isCompatibleWith(v.shape)) {
      throw shapeError(mergeErrorDetail(r.shape, v.shape), opNameOf(scope), type, [
        r.shape,
        v.shape,
      ]);
    }
    return makeOp(graph, type, scope, [r, v], [{ dtype: r.dtype, shape, isRef: true }], {
      T: r.dtype,
      validate_shape: validate,
      use_locking: true,
    }).outputs[0] as Tensor;
  });
}

/**
 * Sets a variable to `value` (`tf.assign`); the result, when run, is the new value.
 *
 * @example
 * ```ts
 * const tax = tf.getVariable("tax", [], { initializer: tf.constantInitializer(0.05) });
 * const doubleTax = tf.assign(tax, tax.mul(2));
 * using sess = new tf.Session();
 * sess.run(tax.initializer);
 * sess.run(doubleTax); // ==> 0.1
 * ```
 */
export function assign(ref: TensorLike, value: TensorLike, options: AssignOptions = {}): Tensor {
  return assignLike("Assign", ref, value, options);
}

/**
 * Adds `value` to a variable (`tf.assign_add`).
 *
 * @example
 * ```ts
 * const counter = tf.getVariable("counter", [], { dtype: tf.int32, initializer: tf.zerosInitializer() });
 * const step = tf.assignAdd(counter, 1);
 * using sess = new tf.Session();
 * sess.run(counter.initializer);
 * sess.run(step); // ==> 1
 * sess.run(step); // ==> 2
 * ```
 */
export function assignAdd(ref: TensorLike, value: TensorLike, options: NameOption = {}): Tensor {
  return assignLike("AssignAdd", ref, value, options);
}

/**
 * Subtracts `value` from a variable (`tf.assign_sub`).
 *
 * @example
 * ```ts
 * const counter = tf.getVariable("counter", [], { dtype: tf.int32, initializer: tf.zerosInitializer() });
 * const down = tf.assignSub(counter, 1);
 * using sess = new tf.Session();
 * sess.run(counter.initializer);
 * sess.run(down); // ==> -1
 * ```
 */
export function assignSub(ref: TensorLike, value: TensorLike, options: NameOption = {}): Tensor {
  return assignLike("AssignSub", ref, value, options);
}

/** Whether a variable has been initialized in the session (`tf.is_variable_initialized`). */
export function isVariableInitialized(ref: TensorLike, options: NameOption = {}): Tensor {
  return inOpScope(options.name, "IsVariableInitialized", [ref], (scope, graph) => {
    const r = refOf(ref, "IsVariableInitialized");
    return makeOp(
      graph,
      "IsVariableInitialized",
      scope,
      [r],
      [{ dtype: "bool", shape: TensorShape.scalar() }],
      {
        dtype: r.dtype,
      },
    ).outputs[0] as Tensor;
  });
}
