import type { Graph } from "../../graph/graph.js";
import { getDefaultGraph } from "../../graph/graph.js";
import { Operation } from "../../graph/operation.js";
import { isTensorConvertible, Tensor, toTensorSymbol } from "../../graph/tensor.js";
import { runScopeCallback } from "../../scope/name_scope.js";
import { AsyncScopeError, isPromiseLike } from "../../scope/synchronous.js";
import { inOpScope, makeOp, type NameOption } from "../op_scope.js";
import { registerOp } from "../registry.js";

registerOp({ type: "NoOp", kernel: () => [] });

/** Something that can be waited for: an op, or a tensor / variable (its op). */
export type ControlInput = Operation | Tensor | { [toTensorSymbol](asRef: boolean): Tensor };

/** The operation a control input stands for. */
export function asOperation(value: unknown): Operation {
  if (value instanceof Operation) return value;
  if (value instanceof Tensor) return value.op;
  if (isTensorConvertible(value)) return value[toTensorSymbol](true).op;
  throw new TypeError(
    `Can not convert a ${typeof value === "object" && value !== null ? value.constructor.name : typeof value} into an Operation.`,
  );
}

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
export function noOp(options: NameOption = {}): Operation {
  return inOpScope(options.name, "NoOp", [], (scope, graph) =>
    makeOp(graph, "NoOp", scope, [], []),
  );
}

/**
 * An op that runs all `inputs` (`tf.group`): a `NoOp` with them as control inputs,
 * named `group_deps` by default.
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
export function group(inputs: readonly ControlInput[], options: NameOption = {}): Operation {
  const ops = inputs.map(asOperation);
  return inOpScope(
    options.name,
    "group_deps",
    ops.map((o) => o.outputs[0] ?? null).filter((t) => t !== null),
    (scope, graph) => groupIn(graph, scope, ops),
  );
}

function groupIn(graph: Graph, scope: string, ops: Operation[]): Operation {
  const sorted = [...new Set(ops)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return graph.controlDependencies(sorted, () => makeOp(graph, "NoOp", scope, [], []));
}

/**
 * Ops created inside `fn` run only after `controlInputs` (`tf.control_dependencies`);
 * `null` clears the enclosing dependencies.
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
): T {
  if (typeof fn !== "function")
    throw new TypeError("controlDependencies(inputs, fn): fn must be a function.");
  const ops = controlInputs === null ? null : controlInputs.map(asOperation);
  const graph = getDefaultGraph();
  return runScopeCallback(graph, () =>
    graph.controlDependencies(ops, () => {
      const result = fn();
      if (isPromiseLike(result)) throw new AsyncScopeError("controlDependencies");
      return result;
    }),
  );
}
