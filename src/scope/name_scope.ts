import { ValueError } from "../errors.js";
import { getDefaultGraph, Graph, withDefaultGraph } from "../graph/graph.js";
import { nameFromScopeName, VALID_OP_NAME, VALID_SCOPE_NAME } from "../graph/names.js";
import { pyStr } from "../graph/pyformat.js";
import { isTensorConvertible, toTensorSymbol } from "../graph/tensor.js";
import { AsyncScopeError, isPromiseLike } from "./synchronous.js";
import {
  declare,
  defineParams,
  opt,
  parseWithCallback,
  stringKind,
  tfFunction,
  type OptionsOf,
} from "../graph/call_args.js";
import { requireFirst, valuesKind, type CallbackArgs } from "./arg_kinds.js";

/**
 * Enters a name scope on `graph` (TensorFlow's `Graph.name_scope`) and returns the scope
 * string (`"a/b/"`, or `""` at the root) and a function that leaves it.
 *
 * - `null` / `""` resets to the root;
 * - a name ending in `/` re-enters that exact scope;
 * - any other name is made unique (`foo`, `foo_1`).
 */
export function enterNameScope(
  graph: Graph,
  name: string | null | undefined,
): [string, () => void] {
  const old = graph.nameStack;
  return [openNameScope(graph, name), () => graph.setNameStack(old)];
}

/**
 * `enterNameScope` for scopeflow's own hot paths (building a variable): enters the scope
 * and returns its string; the caller saves `graph.nameStack` before and puts it back.
 */
export function openNameScope(graph: Graph, name: string | null | undefined): string {
  let next: string;
  if (name === null || name === undefined || name === "") {
    next = "";
  } else {
    if (typeof name !== "string") {
      throw new TypeError(`A name scope must be a string, got ${typeof name}.`);
    }
    const valid = graph.nameStack ? VALID_SCOPE_NAME : VALID_OP_NAME;
    if (!valid.test(name)) throw new ValueError(`'${name}' is not a valid scope name`);
    next = name.endsWith("/") ? nameFromScopeName(name) : graph.uniqueName(name);
  }
  graph.setNameStack(next);
  return next === "" ? "" : `${next}/`;
}

/** Runs `fn` inside `enterNameScope`, with the same Promise check as every scope. */
export function withNameScope<T>(
  graph: Graph,
  name: string | null | undefined,
  fn: (scope: string) => T,
): T {
  const [scope, exit] = enterNameScope(graph, name);
  try {
    const result = fn(scope);
    if (isPromiseLike(result)) throw new AsyncScopeError("nameScope");
    return result;
  } finally {
    exit();
  }
}

/**
 * The graph the `values` belong to (`_get_graph_from_inputs`), else the default graph.
 * Values of different graphs are an error, as in TensorFlow.
 */
export function graphFromValues(values: readonly unknown[] | undefined): Graph {
  // A function body being traced takes values of the graphs it is traced in as captures.
  const current = getDefaultGraph();
  if (current.buildingFunction) return current;
  let found: Graph | null = null;
  for (const v of values ?? []) {
    if (!isTensorConvertible(v)) continue;
    // An object that knows its graph (an `IndexedSlices`) is not converted: that would
    // build the ops making it dense.
    const own = (v as { graph?: unknown }).graph;
    const g = own instanceof Graph ? own : v[toTensorSymbol](false).graph;
    if (found !== null && g !== found) {
      throw new ValueError(`${String(v)} must be from the same graph as the other values.`);
    }
    found = g;
  }
  return found ?? getDefaultGraph();
}

/** TF 1.15's `name_scope(name, default_name=None, values=None)`. */
const NAME_SCOPE_PARAMS = [
  opt("name", stringKind),
  opt("defaultName", stringKind),
  opt("values", valuesKind),
] as const;
const NAME_SCOPE = defineParams("nameScope", NAME_SCOPE_PARAMS);

/** The options object of {@link nameScope}. */
export type NameScopeOptions = OptionsOf<typeof NAME_SCOPE_PARAMS>;

/**
 * Opens a name scope for ops (`tf.name_scope(name, default_name, values)`). `fn`
 * receives the scope string, as Python's `with tf.name_scope("a") as scope:` binds
 * `"a/"`. With `name` null, `defaultName` is made unique; the graph of `values` becomes
 * the default inside. Variables from `getVariable` ignore name scopes; only variable
 * scopes name them.
 *
 * @example
 * ```ts
 * tf.nameScope("block", (scope) => {
 *   scope; // ==> block/
 *   tf.add(1, 2).op.name; // ==> block/Add
 * });
 * tf.nameScope("block/", () => tf.constant(1).op.name); // ==> block/Const
 * ```
 */
export function nameScope<T>(
  ...args: CallbackArgs<typeof NAME_SCOPE_PARAMS, (scope: string) => T>
): T;
export function nameScope<T>(...args: unknown[]): T {
  const [a, fn] = parseWithCallback<typeof NAME_SCOPE_PARAMS, (scope: string) => T>(
    NAME_SCOPE,
    args,
  );
  requireFirst(NAME_SCOPE, args.slice(0, -1));
  const name = a.name ?? a.defaultName ?? null;
  if (name === null && a.values !== undefined) {
    throw new ValueError(
      `At least one of name (None) and default_name (${pyStr(a.defaultName)}) must be provided.`,
    );
  }
  const graph = graphFromValues(a.values);
  // TensorFlow's name_scope enters `graph.as_default()` too, so that (among other things)
  // resetDefaultGraph() inside it is refused like inside any other nested graph.
  return withDefaultGraph(graph, () =>
    runScopeCallback(graph, () => withNameScope(graph, name, fn)),
  );
}
declare(nameScope, NAME_SCOPE);

/**
 * Runs a scope body so that a body returning a Promise is rejected and everything it
 * built synchronously is undone. A body that throws keeps what it built, as a Python
 * `with` block does.
 */
export function runScopeCallback<T>(graph: Graph, body: () => T): T {
  const sp = graph.savepoint();
  let result: T;
  try {
    result = body();
  } catch (e) {
    if (e instanceof AsyncScopeError) {
      graph.rollbackTo(sp);
    } else {
      graph.release();
    }
    throw e;
  }
  graph.release();
  return result;
}

/** The current name scope string without trailing slash (`tf.get_name_scope()`). */
export const getNameScope = tfFunction(
  "getNameScope",
  [] as const,
  () => getDefaultGraph().nameStack,
);
