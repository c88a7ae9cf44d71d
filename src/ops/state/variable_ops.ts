import * as tfc from "@tensorflow/tfjs-core";
import type { DType } from "../../graph/dtypes.js";
import type { Graph } from "../../graph/graph.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import {
  booleanKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { registerOp, type KernelRuntime } from "../registry.js";
import { graphFromValues } from "../../scope/name_scope.js";
import { shareTensor } from "../tfjs_internals.js";
import { mergeErrorDetail, shapeError } from "../shape_utils.js";

/**
 * The `VariableV2` op behind a ref tensor: a variable's own output, or the output of an
 * assignment to it (which TensorFlow lets one chain).
 */
export function variableOpOf(ref: Tensor): Operation {
  let op = ref.op;
  while (!isVariableOpType(op.type)) {
    const source = op.inputs[0];
    if (!REF_FORWARDING.has(op.type) || source === undefined || !source.isRef) {
      throw new TypeError(`'${ref.name}' is not a reference to a variable.`);
    }
    op = source.op;
  }
  return op;
}

const REF_FORWARDING = new Set([
  "Assign",
  "AssignAdd",
  "AssignSub",
  "RefIdentity",
  // Control flow forwards a reference (to the ops of a branch or a loop); a `RefMerge`
  // stands for its first input's variable.
  "RefSwitch",
  "RefEnter",
  "RefExit",
  "RefNextIteration",
  "RefMerge",
  "ScatterAdd",
  "ScatterSub",
  "ScatterUpdate",
]);

/**
 * The op types that hold a ref variable: `VariableV2`, and `Variable`, its older form
 * (same signature), which graphs written by TensorFlow before 1.0 hold.
 */
export function isVariableOpType(type: string): boolean {
  return type === "VariableV2" || type === "Variable";
}

for (const type of ["VariableV2", "Variable"]) {
  registerOp({
    type,
    opDef: {
      outputs: ["ref: Ref(dtype)"],
      attrs: ["shape: shape", "dtype: type", "container: string = ''", "shared_name: string = ''"],
      stateful: true,
    },
    stateful: true,
    kernel: () => {
      throw new Error(`${type} is read through its ref output, never run as a kernel.`);
    },
    refOutput: (op) => op,
    // VariableV2's shape function is registered with the other sources (shape_fns.ts).
    ...(type === "Variable" ? { inferShapes: (op) => [op.attrs.shape as TensorShape] } : {}),
  });
}

registerOp({
  type: "Assign",
  opDef: {
    inputs: ["ref: Ref(T)", "value: T"],
    outputs: ["output_ref: Ref(T)"],
    attrs: ["T: type", "validate_shape: bool = true", "use_locking: bool = true"],
    allowsUninitializedInput: true,
  },
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
  opDef: {
    inputs: ["ref: Ref(T)", "value: T"],
    outputs: ["output_ref: Ref(T)"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "use_locking: bool = false",
    ],
  },
  stateful: true,
  refInputs: [0],
  refOutput: (op) => variableOpOf(op.inputs[0] as Tensor),
  kernel: updateKernel(tfc.add),
});

registerOp({
  type: "AssignSub",
  opDef: {
    inputs: ["ref: Ref(T)", "value: T"],
    outputs: ["output_ref: Ref(T)"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "use_locking: bool = false",
    ],
  },
  stateful: true,
  refInputs: [0],
  refOutput: (op) => variableOpOf(op.inputs[0] as Tensor),
  kernel: updateKernel(tfc.sub),
});

registerOp({
  type: "IsVariableInitialized",
  opDef: {
    inputs: ["ref: Ref(dtype)"],
    outputs: ["is_initialized: bool"],
    attrs: ["dtype: type"],
    allowsUninitializedInput: true,
  },
  stateful: true,
  refInputs: [0],
  kernel: (_inputs, op, runtime) => [
    tfc.scalar(runtime.isVariableInitialized(variableOpOf(op.inputs[0] as Tensor)), "bool"),
  ],
});

/**
 * Adds a `VariableV2` op: storage whose value lives in each session. `cls` is the `_class`
 * the attr scope it is built in gives it (a variable with an initializer function), put in
 * its attrs here: the graph then keeps this object, sized for the five, instead of a copy
 * that the scope's attr overflows.
 */
export function variableOp(
  graph: Graph,
  scope: string,
  shape: TensorShape,
  dtype: DType,
  definedAt: Error | null,
  cls: readonly string[] | null = null,
): Tensor {
  // Inside its own name scope `scope`, the variable is named as the scope is (the name
  // stack, kept as is: a slice of `scope` would hold both strings).
  const named = scope !== "" && graph.nameStack === opNameOf(scope);
  return graph
    .createOp({
      type: "VariableV2",
      name: named ? graph.nameStack : scope,
      nameIsUnique: named,
      inputs: [],
      outputs: [{ dtype, shape, isRef: true }],
      attrs:
        cls === null
          ? { shape, dtype, container: "", shared_name: "" }
          : { shape, dtype, container: "", shared_name: "", _class: cls },
      attrsOwned: true,
      definedAt,
    })
    ._output(0) as Tensor;
}

/**
 * A new variable's initializer: the op `tf.assign(ref, value, { name: "Assign",
 * validateShape })` builds in the variable's name scope, built directly (no argument
 * parsing, op scope or savepoint of its own: building the variable has them).
 */
export function initialAssign(
  graph: Graph,
  ref: Tensor,
  value: Tensor,
  validateShape: boolean,
): Operation {
  // The public path's graph check, with its message, for a value from another graph.
  if (value.graph !== graph) graphFromValues([ref, value]);
  const name = graph.uniqueName("Assign");
  let shape = ref.shape;
  if (!validateShape) shape = value.shape;
  else if (!ref.shape.isCompatibleWith(value.shape)) {
    throw shapeError(mergeErrorDetail(ref.shape, value.shape), name, "Assign", [
      ref.shape,
      value.shape,
    ]);
  }
  return graph.createOp({
    type: "Assign",
    name,
    nameIsUnique: true,
    inputs: [ref, value],
    outputs: [{ dtype: ref.dtype, shape, isRef: true }],
    attrs: { T: ref.dtype, validate_shape: validateShape, use_locking: true },
    attrsOwned: true,
  });
}

/**
 * A new variable's snapshot, `<name>/read`: the `Identity` that `tf.identity(ref, { name:
 * "read" })` builds, colocated with the variable, built directly as {@link initialAssign}.
 */
export function variableRead(graph: Graph, ref: Tensor): Tensor {
  return graph
    .createOp({
      type: "Identity",
      name: graph.uniqueName("read"),
      nameIsUnique: true,
      inputs: [ref],
      outputs: [{ dtype: ref.dtype, shape: ref.shape }],
      attrs: { T: ref.dtype },
      attrsOwned: true,
      colocateWith: ref.op,
    })
    ._output(0) as Tensor;
}

/** TF 1.15's `assign(ref, value, validate_shape=None, use_locking=None, name=None)`. */
const ASSIGN_PARAMS = [
  req("ref", tensorKind),
  req("value", tensorKind),
  opt("validateShape", booleanKind),
  opt("useLocking", booleanKind),
  opt("name", stringKind),
] as const;

/** TF 1.15's `assign_add(ref, value, use_locking=None, name=None)` (and `assign_sub`'s). */
const UPDATE_PARAMS = [
  req("ref", tensorKind),
  req("value", tensorKind),
  opt("useLocking", booleanKind),
  opt("name", stringKind),
] as const;

/** TF 1.15's `is_variable_initialized(variable)`. */
const IS_INITIALIZED_PARAMS = [req("variable", tensorKind)] as const;

/** The options object of {@link assign}. */
export type AssignOptions = OptionsOf<typeof ASSIGN_PARAMS>;
/** The options object of {@link assignAdd} and {@link assignSub}. */
export type AssignUpdateOptions = OptionsOf<typeof UPDATE_PARAMS>;

export function refOf(ref: TensorLike, opType: string): Tensor {
  const t = convertToTensor(ref, { asRef: true });
  if (!t.isRef) {
    throw new TypeError(
      `'${opType}' Op requires that input 'ref' be a mutable tensor (e.g.: a tf.Variable)`,
    );
  }
  return t;
}

/** What `assign` needs of a resource variable (the class lives in `variables/`, above). */
interface ResourceAssignable {
  assign(value: TensorLike, useLocking: undefined, name: string | undefined): Tensor;
  assignAdd(delta: TensorLike): Tensor;
  assignSub(delta: TensorLike): Tensor;
}

/** `ref` when it is a resource variable (its ref form is a `resource` handle), else `null`. */
function resourceVariableOf(ref: TensorLike): ResourceAssignable | null {
  if (ref instanceof Object && "assign" in ref && "assignAdd" in ref) {
    const handle = convertToTensor(ref, { asRef: true });
    if (handle.dtype === "resource") return ref as unknown as ResourceAssignable;
  }
  return null;
}

/**
 * Builds `Assign`, `AssignAdd` or `AssignSub` with the op's own attrs and defaults:
 * `Assign` has `validate_shape` and locks by default; the updates have only `use_locking`,
 * false by default.
 */
function assignLike(
  type: "Assign" | "AssignAdd" | "AssignSub",
  ref: TensorLike,
  value: TensorLike,
  validateShape: boolean | undefined,
  useLocking: boolean | undefined,
  name: string | undefined,
): Tensor {
  // TF's state_ops: a resource variable is not a ref; it assigns through its own method.
  const resource = resourceVariableOf(ref);
  if (resource !== null) {
    if (type === "Assign") return resource.assign(value, undefined, name);
    return type === "AssignAdd" ? resource.assignAdd(value) : resource.assignSub(value);
  }
  return inOpScope(name, type, [ref, value], (scope, graph) => {
    const r = refOf(ref, type);
    const v = convertToTensor(value, { name: "value", dtype: r.dtype });
    const validate = validateShape ?? true;
    let shape = r.shape;
    if (type === "Assign" && !validate) shape = v.shape;
    else if (!r.shape.isCompatibleWith(v.shape)) {
      throw shapeError(mergeErrorDetail(r.shape, v.shape), opNameOf(scope), type, [
        r.shape,
        v.shape,
      ]);
    }
    const attrs =
      type === "Assign"
        ? { T: r.dtype, validate_shape: validate, use_locking: useLocking ?? true }
        : { T: r.dtype, use_locking: useLocking ?? false };
    return makeOp(graph, type, scope, [r, v], [{ dtype: r.dtype, shape, isRef: true }], attrs)
      .outputs[0] as Tensor;
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
export const assign = tfFunction("assign", ASSIGN_PARAMS, (a) =>
  assignLike("Assign", a.ref, a.value, a.validateShape, a.useLocking, a.name),
);

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
export const assignAdd = tfFunction("assignAdd", UPDATE_PARAMS, (a) =>
  assignLike("AssignAdd", a.ref, a.value, undefined, a.useLocking, a.name),
);

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
export const assignSub = tfFunction("assignSub", UPDATE_PARAMS, (a) =>
  assignLike("AssignSub", a.ref, a.value, undefined, a.useLocking, a.name),
);

/**
 * Whether a variable has been initialized in the session (`tf.is_variable_initialized`,
 * which takes only the variable: the op is named `IsVariableInitialized`).
 */
export const isVariableInitialized = tfFunction(
  "isVariableInitialized",
  IS_INITIALIZED_PARAMS,
  (a) => {
    // A resource variable answers with `VarIsInitializedOp` on its handle (TF's
    // `ResourceVariable.is_initialized`).
    const handle = convertToTensor(a.variable, { asRef: true });
    if (handle.dtype === "resource") {
      return inOpScope(undefined, "VarIsInitializedOp", [handle], (scope, graph) =>
        makeOp(
          graph,
          "VarIsInitializedOp",
          scope,
          [handle],
          [{ dtype: "bool", shape: TensorShape.scalar() }],
        ),
      ).outputs[0] as Tensor;
    }
    return inOpScope(undefined, "IsVariableInitialized", [a.variable], (scope, graph) => {
      const r = refOf(a.variable, "IsVariableInitialized");
      return makeOp(
        graph,
        "IsVariableInitialized",
        scope,
        [r],
        [{ dtype: "bool", shape: TensorShape.scalar() }],
        { dtype: r.dtype },
      ).outputs[0] as Tensor;
    });
  },
);
