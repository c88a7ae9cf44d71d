import type { Graph } from "../../graph/graph.js";
import { getDefaultGraph } from "../../graph/graph.js";
import { GraphTable } from "../../graph/graph_table.js";
import { Operation } from "../../graph/operation.js";
import { isTensorConvertible, Tensor, toTensorSymbol } from "../../graph/tensor.js";
import { runScopeCallback } from "../../scope/name_scope.js";
import { AsyncScopeError, isPromiseLike } from "../../scope/synchronous.js";
import { inOpScope, makeOp } from "../op_scope.js";
import {
  declare,
  defineParams,
  isPlainObject,
  kind,
  opt,
  parseWithCallback,
  req,
  stringKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { registerOp } from "../registry.js";

registerOp({ type: "NoOp", opDef: {}, kernel: () => [] });

const ORDER_ONLY_GATES = new GraphTable<Operation, true>("order-only gates");

/**
 * Marks a `group` as a gate whose only effect is the order in which a multi-threaded
 * executor computes the ops waiting on it (the `GATE_OP` tuple of `tf.gradients`). A
 * sequential executor that computes every value once may ignore control edges to it, and
 * so skip computations nobody reads (e.g. the gradient with respect to a fed input, which
 * TF computes anyway). The graph is unchanged: this is a fact for the session's planner.
 */
export function markOrderOnlyGate(gate: Operation): void {
  ORDER_ONLY_GATES.set(gate.graph, gate, true);
}

/** Whether `op` was marked by {@link markOrderOnlyGate}. */
export function isOrderOnlyGate(op: Operation): boolean {
  return ORDER_ONLY_GATES.has(op.graph, op);
}

/** Something that can be waited for: an op, or a tensor / variable (its op). */
export type ControlInput = Operation | Tensor | { [toTensorSymbol](asRef: boolean): Tensor };

/** The operation a control input stands for. */
function asOperation(value: unknown): Operation {
  if (value instanceof Operation) return value;
  if (value instanceof Tensor) return value.op;
  if (isTensorConvertible(value)) return value[toTensorSymbol](true).op;
  throw new TypeError(
    `Can not convert a ${typeof value === "object" && value !== null ? value.constructor.name : typeof value} into an Operation.`,
  );
}

/** TF 1.15's `no_op(name=None)`. */
const NO_OP_PARAMS = [opt("name", stringKind)] as const;

/**
 * An op that does nothing (`tf.no_op`): useful as a target with control inputs.
 *
 * @example
 * ```ts
 * const done = tf.noOp({ name: "done" });
 * using sess = new tf.Session();
 * sess.run(done); // ==> null
 * ```
 */
export const noOp = tfFunction("noOp", NO_OP_PARAMS, (a) =>
  inOpScope(a.name, "NoOp", [], (scope, graph) => makeOp(graph, "NoOp", scope, [], [])),
);

/**
 * TF 1.15's `group(*inputs, **kwargs)`: every positional argument is an input, and `name`
 * is the only keyword. The declared list is the keyword part, parsed from the trailing
 * options object; the inputs are the arguments before it.
 */
const GROUP_KEYWORDS = defineParams("group", [opt("name", stringKind)] as const);

/** The options object of {@link group}: only `name`, as TF's `**kwargs`. */
export type GroupOptions = OptionsOf<typeof GROUP_KEYWORDS.params>;

/** A positional argument of `group`: an input, or a (nested) list of them (`nest.flatten`). */
export type GroupInput = ControlInput | readonly GroupInput[];

function flattenInputs(values: readonly unknown[], out: Operation[]): Operation[] {
  for (const v of values) {
    if (Array.isArray(v)) flattenInputs(v, out);
    else if (v instanceof Operation || v instanceof Tensor || isTensorConvertible(v)) {
      out.push(asOperation(v));
    } else {
      throw new TypeError(
        `group() expected Tensor arguments not ${describeInput(v)}: every positional argument is an input; give the name as { name }.`,
      );
    }
  }
  return out;
}

function describeInput(v: unknown): string {
  if (typeof v === "string") return `'${v}' with type str`;
  if (v === null || v === undefined) return `${String(v)}`;
  return `'${String(v)}' with type ${typeof v === "object" ? (v.constructor?.name ?? "object") : typeof v}`;
}

/**
 * An op that runs all `inputs` (`tf.group(*inputs, name=None)`): a `NoOp` with them as
 * control inputs, named `group_deps` by default. Each argument is an input or a list of
 * them; the name goes in a trailing `{ name }`.
 *
 * @example
 * ```ts
 * const a = tf.getVariable("a", [], { initializer: tf.zerosInitializer() });
 * const b = tf.getVariable("b", [], { initializer: tf.zerosInitializer() });
 * const step = tf.group([tf.assignAdd(a, 1), tf.assignAdd(b, 2)], { name: "step" });
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * sess.run(step); // ==> null
 * ```
 */
export function group(...args: [...inputs: GroupInput[], options: GroupOptions]): Operation;
export function group(...inputs: GroupInput[]): Operation;
export function group(...args: unknown[]): Operation {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  const last = args[n - 1];
  const keywords = isPlainObject(last) ? GROUP_KEYWORDS.parse([last]) : GROUP_KEYWORDS.parse([]);
  if (isPlainObject(last)) n--;
  const ops = flattenInputs(args.slice(0, n), []);
  return inOpScope(
    keywords.name,
    "group_deps",
    ops.map((o) => o.outputs[0] ?? null).filter((t) => t !== null),
    (scope, graph) => groupIn(graph, scope, ops),
  );
}
declare(group, GROUP_KEYWORDS);

function groupIn(graph: Graph, scope: string, ops: Operation[]): Operation {
  const sorted = [...new Set(ops)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return graph.controlDependencies(sorted, () => makeOp(graph, "NoOp", scope, [], []));
}

/** TF 1.15's `control_dependencies(control_inputs)`, whose `with` body is the callback. */
const CONTROL_DEPENDENCIES_PARAMS = defineParams("controlDependencies", [
  req(
    "controlInputs",
    kind<readonly ControlInput[] | null>("a list of Operations or Tensors, or null", (v) =>
      Array.isArray(v),
    ),
  ),
] as const);

/**
 * Ops created inside `fn` run only after `controlInputs` (`tf.control_dependencies`);
 * `null` clears the enclosing dependencies, and makes `fn`'s ops outside any `tf.cond` or
 * `tf.whileLoop` being built, as TensorFlow does.
 *
 * @example
 * ```ts
 * const x = tf.getVariable("x", [], { initializer: tf.zerosInitializer() });
 * const update = tf.assignAdd(x, 1);
 * const read = tf.controlDependencies([update], () => x.readValue());
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * sess.run(read); // ==> 1.0
 * ```
 */
export function controlDependencies<T>(
  controlInputs: readonly ControlInput[] | null,
  fn: () => T,
): T;
export function controlDependencies<T>(
  options: { controlInputs: readonly ControlInput[] | null },
  fn: () => T,
): T;
export function controlDependencies<T>(...args: unknown[]): T {
  // `null` is TF's "clear the dependencies", not "not given": keep it apart from a missing one.
  const first = args[0];
  const asOptions = isPlainObject(first) && args.length === 2;
  const cleared = first === null || (asOptions && first.controlInputs === null);
  const given = cleared
    ? [asOptions ? { ...(first as object), controlInputs: [] } : [], ...args.slice(1)]
    : args;
  const [a, fn] = parseWithCallback<typeof CONTROL_DEPENDENCIES_PARAMS.params, () => T>(
    CONTROL_DEPENDENCIES_PARAMS,
    given,
  );
  const ops = cleared ? null : (a.controlInputs as readonly ControlInput[]).map(asOperation);
  const graph = getDefaultGraph();
  const run = (): T => {
    const result = fn();
    if (isPromiseLike(result)) throw new AsyncScopeError("controlDependencies");
    return result;
  };
  // TF's `control_dependencies(None)` clears the control flow context too: what `fn` makes
  // in a `tf.whileLoop` body or a `tf.cond` branch is made outside them (and entered where
  // read there).
  return runScopeCallback(graph, () =>
    graph.controlDependencies(ops, () =>
      cleared ? graph.withControlFlowContext(null, run) : run(),
    ),
  );
}
declare(controlDependencies, CONTROL_DEPENDENCIES_PARAMS);
