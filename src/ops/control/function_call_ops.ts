/**
 * Calling a function of a graph's library, as TensorFlow 1.15 runs them
 * (`core/kernels/functional_ops.cc`, `core/common_runtime/function.cc`):
 *
 * - a node whose op type is a library function's name (TF's direct call: the function's
 *   signature is the node's OpDef, its attrs bind the signature's attrs);
 * - `PartitionedCall` / `StatefulPartitionedCall` (the function named by `f`);
 * - the functional `If` / `StatelessIf` (`then_branch`, `else_branch`) and `While` /
 *   `StatelessWhile` (`cond`, `body`).
 *
 * Each kernel runs the function's body (a `FuncGraph`) as a sub-plan of the session,
 * prepared once per body and session and reused at every call. Bodies of imported
 * `FunctionDef`s are built by the importer, which adds each function to the graph's
 * library here ({@link addLibraryFunction}); this layer only looks them up.
 */
import type * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, NotFoundError, ValueError } from "../../errors.js";
import type { DType } from "../../graph/dtypes.js";
import { FuncGraph, functionLibrary, reserveFunctionName } from "../../graph/func_graph.js";
import type { Graph } from "../../graph/graph.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import {
  dataTypeSpelling,
  specOf,
  toDataType,
  type AttrValueMessage,
  type OpDefMessage,
  type OpDefSpec,
} from "../op_def.js";
import {
  installFunctionCallResolver,
  opDefIn,
  registerOp,
  type FunctionCallOp,
  type GradientEntry,
  type GradientFunction,
  type Kernel,
  type KernelRuntime,
  type ShapeInferenceOp,
  type SubgraphPlan,
} from "../registry.js";
import { stringTensorBytes } from "../tfjs_internals.js";

/** A `func` attr: a function name, with the attrs its `NameAttrList` binds when it has any. */
export type FunctionAttr = string | { readonly name: string; readonly attr: FunctionAttrBinding };

/** The attrs a call binds for a polymorphic function, as `AttrValue` messages. */
export type FunctionAttrBinding = Readonly<Record<string, AttrValueMessage>>;

/** The function name a `func` attr holds. */
export function functionAttrName(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "object" && v !== null && typeof (v as { name?: unknown }).name === "string")
    return (v as { name: string }).name;
  throw new TypeError(`expected a function attr, got ${String(v)}`);
}

function functionAttrBinding(v: unknown): FunctionAttrBinding {
  return typeof v === "object" && v !== null ? (v as { attr: FunctionAttrBinding }).attr : {};
}

/** A function of a graph's library that was defined by a `FunctionDef` (an imported one). */
export interface LibraryFunction {
  readonly name: string;
  /** The function's signature: the OpDef of a direct call. */
  readonly signature: OpDefMessage;
  /**
   * The body for one binding of the signature's attrs (none for a function without
   * attrs), built on first use and kept.
   */
  instantiate(binding: FunctionAttrBinding): FuncGraph;
  /**
   * The shapes of a call's outputs given its inputs' shapes (TF's shape refiner infers a
   * call's shapes through the function's body).
   */
  outputShapes(binding: FunctionAttrBinding, inputShapes: readonly TensorShape[]): TensorShape[];
}

const LIBRARY_FUNCTIONS = Symbol("libraryFunctions");

/** The `FunctionDef`-defined functions of `graph`'s library, by name, in the order added. */
export function libraryFunctions(graph: Graph): ReadonlyMap<string, LibraryFunction> {
  return graph.getExtension(LIBRARY_FUNCTIONS, () => new Map<string, LibraryFunction>());
}

/** Adds a function to `graph`'s library; undone with the building call that adds it. */
export function addLibraryFunction(graph: Graph, fn: LibraryFunction): void {
  const map = libraryFunctions(graph) as Map<string, LibraryFunction>;
  map.set(fn.name, fn);
  graph.onUndo(() => map.delete(fn.name));
  reserveFunctionName(graph, fn.name);
}

const LIBRARY_GRADIENTS = Symbol("libraryGradients");

/** TF's `GradientDef`s of `graph`'s library: a function's name → its gradient function's. */
export function libraryGradients(graph: Graph): ReadonlyMap<string, string> {
  return graph.getExtension(LIBRARY_GRADIENTS, () => new Map<string, string>());
}

/** Records a `GradientDef`; undone with the building call that adds it. */
export function setLibraryGradient(graph: Graph, fn: string, gradient: string): void {
  const map = libraryGradients(graph) as Map<string, string>;
  map.set(fn, gradient);
  graph.onUndo(() => map.delete(fn));
}

/** The library function `name`, looked up from `graph` outwards through enclosing bodies. */
export function findLibraryFunction(graph: Graph, name: string): LibraryFunction | undefined {
  for (let g: Graph | null = graph; g !== null;) {
    const fn = libraryFunctions(g).get(name);
    if (fn !== undefined) return fn;
    g = g instanceof FuncGraph ? g.outerGraph : null;
  }
  return undefined;
}

/** Whether `name` is a function of `graph`'s library (defined or traced). */
export function isLibraryFunction(graph: Graph, name: string): boolean {
  for (let g: Graph | null = graph; g !== null;) {
    if (libraryFunctions(g).has(name) || functionLibrary(g).has(name)) return true;
    g = g instanceof FuncGraph ? g.outerGraph : null;
  }
  return false;
}

/**
 * The body a call runs: a defined function instantiated for `binding`, or a traced one.
 * `NotFoundError` (TF's "Function ... is not defined.") when the library lacks it.
 */
export function functionBody(
  graph: Graph,
  name: string,
  binding: FunctionAttrBinding = {},
): FuncGraph {
  const defined = findLibraryFunction(graph, name);
  if (defined !== undefined) return defined.instantiate(binding);
  for (let g: Graph | null = graph; g !== null;) {
    const traced = functionLibrary(g).get(name);
    if (traced !== undefined) return traced;
    g = g instanceof FuncGraph ? g.outerGraph : null;
  }
  throw new NotFoundError(`Function ${name} is not defined.`);
}

/** The attrs of a direct call that bind its function's signature attrs, as messages. */
function callBinding(
  attrs: Readonly<Record<string, unknown>>,
  signature: OpDefMessage,
): FunctionAttrBinding {
  const binding: Record<string, AttrValueMessage> = {};
  for (const a of signature.attr ?? []) {
    const name = a.name ?? "";
    const v = attrs[name];
    if (v !== undefined) binding[name] = attrMessage(a.type ?? "", v);
  }
  return binding;
}

/** A bound attr value as an `AttrValue` (the kinds a signature attr may have). */
export function attrMessage(type: string, v: unknown): AttrValueMessage {
  switch (type) {
    case "type":
      return { type: toDataType(v as DType) };
    case "list(type)":
      return { list: { type: (v as DType[]).map(toDataType) } };
    case "int":
      return { i: v as number };
    case "bool":
      return { b: v as boolean };
    case "float":
      return { f: v as number };
    case "string":
      return { s: new TextEncoder().encode(v as string) };
    default:
      throw new TypeError(`a function attr of type ${type} cannot be bound`);
  }
}

/** The bodies ops call, found once per op. */
const bodiesOf = new WeakMap<Operation, Map<string, FuncGraph>>();

/** The body `op` calls through its func attr `attr` (or, for a direct call, its type). */
function calledBody(op: Operation, attr: string | null): FuncGraph {
  const key = attr ?? "";
  let known = bodiesOf.get(op);
  if (known === undefined) {
    known = new Map();
    bodiesOf.set(op, known);
  }
  let body = known.get(key);
  if (body === undefined) {
    if (attr === null) {
      const fn = findLibraryFunction(op.graph, op.type);
      if (fn === undefined) throw new NotFoundError(`Function ${op.type} is not defined.`, op.name);
      body = fn.instantiate(callBinding(op.attrs, fn.signature));
    } else {
      const value = op.attrs[attr];
      body = functionBody(op.graph, functionAttrName(value), functionAttrBinding(value));
    }
    known.set(key, body);
  }
  return body;
}

/**
 * The ops of a body that run at every call whether or not a result needs them: TF's
 * `PruneFunctionBody` keeps the stateful ones (an `Assert`, an assignment) but not the
 * arguments.
 */
function statefulOps(body: FuncGraph): Operation[] {
  return body
    .getOperations()
    .filter((op) => op.type !== "Placeholder" && opDefIn(body, op.type)?.isStateful === true);
}

const plansOf = new WeakMap<KernelRuntime, WeakMap<FuncGraph, SubgraphPlan>>();

function typeName(dtype: DType): string {
  return dataTypeSpelling(toDataType(dtype));
}

/**
 * Runs `body` on `args` in the session of `rt`; `argTypes` are the dtypes the caller
 * passes (checked as TF's `_Arg` checks them). Returns the caller's tensors.
 */
function callBody(
  rt: KernelRuntime,
  op: Operation,
  body: FuncGraph,
  args: readonly tfc.Tensor[],
  argTypes: readonly DType[],
): tfc.Tensor[] {
  const params = [...body.arguments, ...body.captures.map(([, inner]) => inner)];
  if (params.length !== args.length)
    throw new InvalidArgumentError(
      `Function ${body.name} expects ${params.length} arguments, but ${args.length} were given\n\t [[{{node ${op.name}}}]]`,
      op.name,
    );
  params.forEach((p, i) => {
    const given = argTypes[i] as DType;
    if (p.dtype !== given)
      throw new InvalidArgumentError(
        `Type mismatch: actual ${typeName(given)} vs. expect ${typeName(p.dtype)} (argument ${i} of function ${body.name})\n\t [[{{node ${op.name}}}]]`,
        op.name,
      );
  });
  let plans = plansOf.get(rt);
  if (plans === undefined) {
    plans = new WeakMap();
    plansOf.set(rt, plans);
  }
  let plan = plans.get(body);
  if (plan === undefined) {
    plan = rt.prepareSubgraph(body.outputs, params, statefulOps(body));
    plans.set(body, plan);
  }
  return rt.runSubgraph(plan, args);
}

function disposeAll(ts: readonly tfc.Tensor[]): void {
  for (const t of ts) t.dispose();
}

/** Checks a body's results against the dtypes the calling op declares for its outputs. */
function checkResults(
  op: Operation,
  body: FuncGraph,
  expected: readonly DType[],
  what: string,
): void {
  if (body.outputs.length !== expected.length)
    throw new InvalidArgumentError(
      `${what} ${body.name} returns ${body.outputs.length} values, but node ${op.name} expects ${expected.length}\n\t [[{{node ${op.name}}}]]`,
      op.name,
    );
  body.outputs.forEach((t, i) => {
    const want = expected[i] as DType;
    if (t.dtype !== want)
      throw new InvalidArgumentError(
        `${what} ${body.name} returns ${typeName(t.dtype)} for output ${i}, but node ${op.name} expects ${typeName(want)}\n\t [[{{node ${op.name}}}]]`,
        op.name,
      );
  });
}

/** TF's `ToBool` of a predicate: a scalar is true when non-zero (non-empty string); a tensor when non-empty. */
function toBool(t: tfc.Tensor): boolean {
  if (t.rank > 0) return t.size > 0;
  if (t.dtype === "string") return (stringTensorBytes(t)[0]?.length ?? 0) > 0;
  return t.dataSync()[0] !== 0;
}

const callKernel =
  (attr: string): Kernel =>
  (inputs, op, rt) => {
    const body = calledBody(op, attr);
    checkResults(
      op,
      body,
      op.outputs.map((t) => t.dtype),
      "Function",
    );
    return callBody(
      rt,
      op,
      body,
      inputs,
      op.inputs.map((t) => t.dtype),
    );
  };

const directCallKernel: Kernel = (inputs, op, rt) => {
  const body = calledBody(op, null);
  return callBody(
    rt,
    op,
    body,
    inputs,
    op.inputs.map((t) => t.dtype),
  );
};

const ifKernel: Kernel = (inputs, op, rt) => {
  const [pred, ...args] = inputs;
  const branch = toBool(pred as tfc.Tensor) ? "then_branch" : "else_branch";
  const body = calledBody(op, branch);
  checkResults(
    op,
    body,
    op.outputs.map((t) => t.dtype),
    "Branch function",
  );
  return callBody(
    rt,
    op,
    body,
    args,
    op.inputs.slice(1).map((t) => t.dtype),
  );
};

const whileKernel: Kernel = (inputs, op, rt) => {
  const types = op.inputs.map((t) => t.dtype);
  const cond = calledBody(op, "cond");
  const body = calledBody(op, "body");
  if (cond.outputs.length !== 1)
    throw new InvalidArgumentError(
      `Expected a single scalar return value from WhileOp cond function ${cond.name}, got ${cond.outputs.length} values\n\t [[{{node ${op.name}}}]]`,
      op.name,
    );
  checkResults(op, body, types, "Body function");
  // The loop owns its variables: the first are views of the inputs, the caller's.
  let vars = inputs.map((t) => t.clone());
  try {
    for (;;) {
      const [c] = callBody(rt, op, cond, vars, types);
      const go = toBool(c as tfc.Tensor);
      c?.dispose();
      if (!go) return vars;
      const next = callBody(rt, op, body, vars, types);
      disposeAll(vars);
      vars = next;
    }
  } catch (e) {
    disposeAll(vars);
    throw e;
  }
};

/** `output_shapes` when set (TF's `If`/`While` shape functions), else `fallback`. */
function declaredShapes(
  op: ShapeInferenceOp,
  fallback: () => readonly TensorShape[],
): readonly TensorShape[] {
  const shapes = (op.attrs.output_shapes ?? []) as TensorShape[];
  if (shapes.length === 0) return fallback();
  if (shapes.length !== op.outputDTypes.length)
    throw new InvalidArgumentError(
      `\`output_shapes\` must be the same length as num outputs (${shapes.length} vs. ${op.outputDTypes.length})`,
    );
  return shapes;
}

/** A called function's output shapes, as the body infers them; unknown without the graph. */
function bodyShapes(op: ShapeInferenceOp, attr: string): readonly TensorShape[] {
  if (op.graph === undefined) return [];
  const v = op.attrs[attr];
  const name = functionAttrName(v);
  const defined = findLibraryFunction(op.graph, name);
  if (defined !== undefined)
    return defined.outputShapes(
      functionAttrBinding(v),
      op.inputs.map((t) => t.shape),
    );
  if (!isLibraryFunction(op.graph, name))
    throw new ValueError(
      `Node '${op.name}' (op ${op.type}) calls function ${name}, which is not in the graph's function library`,
    );
  return functionBody(op.graph, name, functionAttrBinding(v)).outputs.map((t) => t.shape);
}

const callOpDef = (stateful: boolean): OpDefSpec => ({
  inputs: ["args: Tin"],
  outputs: ["output: Tout"],
  attrs: [
    "Tin: list(type) >= 0",
    "Tout: list(type) >= 0",
    "f: func",
    "config: string = ''",
    "config_proto: string = ''",
    "executor_type: string = ''",
  ],
  ...(stateful ? { stateful: true } : {}),
});

for (const [type, stateful] of [
  ["PartitionedCall", false],
  ["StatefulPartitionedCall", true],
] as const) {
  registerOp({
    type,
    opDef: callOpDef(stateful),
    kernel: callKernel("f"),
    // Even the "stateless" forms are never folded into constants by the session: the
    // ops of the body they call are not checked for state.
    stateful: true,
    inferShapes: (op) => bodyShapes(op, "f"),
  });
}

const ifOpDef = (stateful: boolean): OpDefSpec => ({
  inputs: ["cond: Tcond", "input: Tin"],
  outputs: ["output: Tout"],
  attrs: [
    "Tcond: type",
    "Tin: list(type) >= 0",
    "Tout: list(type) >= 0",
    "then_branch: func",
    "else_branch: func",
    "output_shapes: list(shape) = []",
  ],
  ...(stateful ? { stateful: true } : {}),
});

for (const [type, stateful] of [
  ["If", true],
  ["StatelessIf", false],
] as const) {
  registerOp({
    type,
    opDef: ifOpDef(stateful),
    kernel: ifKernel,
    stateful: true,
    inferShapes: (op) => declaredShapes(op, () => []),
  });
}

const whileOpDef = (stateful: boolean): OpDefSpec => ({
  inputs: ["input: T"],
  outputs: ["output: T"],
  attrs: [
    "T: list(type) >= 0",
    "cond: func",
    "body: func",
    "output_shapes: list(shape) = []",
    "parallel_iterations: int = 10",
  ],
  ...(stateful ? { stateful: true } : {}),
});

for (const [type, stateful] of [
  ["While", true],
  ["StatelessWhile", false],
] as const) {
  registerOp({
    type,
    opDef: whileOpDef(stateful),
    kernel: whileKernel,
    stateful: true,
    inferShapes: (op) => declaredShapes(op, () => op.inputs.map((t) => t.shape)),
  });
}

/** A function's gradient body (TF's `SymbolicGradient` of it): outputs' gradients in, inputs' out. */
export interface GradientBody {
  /** The function's arguments, then a placeholder per output's gradient. */
  readonly feeds: readonly Tensor[];
  /** The gradient of each argument. */
  readonly fetches: readonly Tensor[];
}

type GradientBodyBuilder = (body: FuncGraph) => GradientBody;

let gradientBodyBuilder: GradientBodyBuilder | null = null;

/** Installs how a function's gradient body is built (by the gradients layer). */
export function installGradientBodyBuilder(fn: GradientBodyBuilder): void {
  gradientBodyBuilder = fn;
}

const gradientBodies = new WeakMap<FuncGraph, GradientBody>();

/** The gradient body of `body`, built into it on first use and kept. */
export function gradientBodyOf(body: FuncGraph): GradientBody {
  let known = gradientBodies.get(body);
  if (known === undefined) {
    if (gradientBodyBuilder === null)
      throw new Error("SymbolicGradient needs the gradients module to be loaded");
    known = gradientBodyBuilder(body);
    gradientBodies.set(body, known);
  }
  return known;
}

/** The gradient function TF's `GradientDef` gives library function `name`, if any. */
export function libraryGradientOf(graph: Graph, name: string): string | undefined {
  for (let g: Graph | null = graph; g !== null;) {
    const grad = libraryGradients(g).get(name);
    if (grad !== undefined) return grad;
    g = g instanceof FuncGraph ? g.outerGraph : null;
  }
  return undefined;
}

const gradientPlans = new WeakMap<KernelRuntime, WeakMap<GradientBody, SubgraphPlan>>();

/**
 * `SymbolicGradient`: the gradient of the function `f` names at the given inputs and
 * output gradients: its `GradientDef`'s function when the library has one, else the
 * gradient body built from the gradients of the body's ops.
 */
const symbolicGradientKernel: Kernel = (inputs, op, rt) => {
  const f = op.attrs.f;
  const name = functionAttrName(f);
  const custom = libraryGradientOf(op.graph, name);
  if (custom !== undefined) {
    const body = functionBody(op.graph, custom, functionAttrBinding(f));
    return callBody(
      rt,
      op,
      body,
      inputs,
      op.inputs.map((t) => t.dtype),
    );
  }
  const grad = gradientBodyOf(calledBody(op, "f"));
  if (grad.feeds.length !== inputs.length)
    throw new InvalidArgumentError(
      `SymbolicGradient of ${name} expects ${grad.feeds.length} inputs, but ${inputs.length} were given\n\t [[{{node ${op.name}}}]]`,
      op.name,
    );
  let plans = gradientPlans.get(rt);
  if (plans === undefined) {
    plans = new WeakMap();
    gradientPlans.set(rt, plans);
  }
  let plan = plans.get(grad);
  if (plan === undefined) {
    plan = rt.prepareSubgraph(grad.fetches, grad.feeds);
    plans.set(grad, plan);
  }
  return rt.runSubgraph(plan, inputs);
};

registerOp({
  type: "SymbolicGradient",
  opDef: {
    inputs: ["input: Tin"],
    outputs: ["output: Tout"],
    attrs: ["Tin: list(type) >= 1", "Tout: list(type) >= 1", "f: func"],
  },
  kernel: symbolicGradientKernel,
  stateful: true,
  // The gradient of each input has the input's shape.
  inferShapes: (op) => op.outputDTypes.map((_, i) => op.inputs[i]?.shape ?? TensorShape.unknown()),
});

/**
 * How `tf.gradients` differentiates a direct call, installed by the gradients layer
 * (TF's `SymbolicGradient` of the function); without it, no gradient.
 */
let callGradient: GradientEntry = { kind: "none", implementedByTensorFlow: true };

/** Installs the gradient of direct function calls. */
export function installFunctionCallGradient(fn: GradientFunction): void {
  callGradient = { kind: "function", fn };
}

const resolved = new WeakMap<LibraryFunction, FunctionCallOp>();

installFunctionCallResolver((graph, type) => {
  const fn = findLibraryFunction(graph, type);
  if (fn === undefined) return undefined;
  let call = resolved.get(fn);
  if (call === undefined) {
    call = {
      definition: {
        type,
        opDef: specOf(fn.signature),
        kernel: directCallKernel,
        // Never folded into a constant: a body may hold stateful ops.
        stateful: true,
        inferShapes: (op) =>
          fn.outputShapes(
            callBinding(op.attrs, fn.signature),
            op.inputs.map((t) => t.shape),
          ),
      },
      opDef: fn.signature,
      get gradient() {
        return callGradient;
      },
    };
    resolved.set(fn, call);
  }
  return call;
});
