import { ValueError } from "../errors.js";
import { withDefaultGraph, type Graph, type OutputSpec } from "../graph/graph.js";
import { VALID_OP_NAME, VALID_SCOPE_NAME } from "../graph/names.js";
import type { AttrValue, Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { graphFromValues, withNameScope } from "../scope/name_scope.js";
import { checkOpInputs } from "./input_types.js";

/** The `name` option every op-building function accepts. */
export interface NameOption {
  name?: string;
}

/**
 * The frame every op-building function runs in (TensorFlow's `name_scope(name,
 * default_name, values)` plus our all-or-nothing rule): the graph of `values` is the
 * default, a name scope named `name ?? defaultName` is open, and if building throws, the
 * graph is put back as it was.
 */
export function inOpScope<T>(
  name: string | null | undefined,
  defaultName: string,
  values: readonly unknown[],
  build: (scope: string, graph: Graph) => T,
): T {
  if (name !== undefined && name !== null && typeof name !== "string") {
    throw new TypeError(`An op name must be a string, got ${typeof name}.`);
  }
  const graph = graphFromValues(values);
  const chosen = name ?? defaultName;
  if (chosen !== "") {
    const valid = graph.nameStack ? VALID_SCOPE_NAME : VALID_OP_NAME;
    if (!valid.test(chosen)) throw new ValueError(`'${chosen}' is not a valid scope name`);
  }
  return withDefaultGraph(graph, () =>
    graph.atomically(() => withNameScope(graph, chosen, (scope) => build(scope, graph))),
  );
}

/**
 * {@link inOpScope} for an op TensorFlow makes by `create_op` alone, in no name scope of
 * its own (`constant`): `build` gets the name to give `createOp` (`name ?? defaultName`,
 * made unique in the current scope, or exact when it ends with `/`), so that ops made along
 * with it (the `Identity` a loop pulls an outer control input in through) are named in the
 * scope around it, as TF names them.
 */
export function inCreateOp<T>(
  name: string | null | undefined,
  defaultName: string,
  build: (name: string, graph: Graph) => T,
): T {
  const chosen = name ?? defaultName;
  // An empty name: TF's root scope, which only a name scope gives.
  if (chosen === "") return inOpScope(chosen, defaultName, [], build);
  if (typeof chosen !== "string") {
    throw new TypeError(`An op name must be a string, got ${typeof chosen}.`);
  }
  const graph = graphFromValues([]);
  const valid = graph.nameStack ? VALID_SCOPE_NAME : VALID_OP_NAME;
  if (!valid.test(chosen)) throw new ValueError(`'${chosen}' is not a valid scope name`);
  return withDefaultGraph(graph, () => graph.atomically(() => build(chosen, graph)));
}

/** The op name a scope string stands for (`"foo/add/"` → `"foo/add"`). */
export function opNameOf(scope: string): string {
  return scope.endsWith("/") ? scope.slice(0, -1) : scope;
}

/**
 * Adds the op to `graph` under exactly the name `scope` names, once its inputs pass its
 * OpDef's checks (op_def_library's): a node TensorFlow refuses is never built.
 */
export function makeOp(
  graph: Graph,
  type: string,
  scope: string,
  inputs: readonly Tensor[],
  outputs: readonly OutputSpec[],
  attrs: Readonly<Record<string, AttrValue>> = {},
  definedAt: Error | null = null,
): Operation {
  checkOpInputs(type, inputs, attrs);
  return graph.createOp({ type, name: scope, inputs, outputs, attrs, definedAt });
}

/**
 * Builds one op of `type` named `name ?? type` in the current name scope: what
 * TensorFlow's generated `gen_*_ops` wrappers do for ops without a public builder.
 */
export function buildOp(
  type: string,
  inputs: readonly Tensor[],
  outputs: readonly OutputSpec[],
  attrs: Readonly<Record<string, AttrValue>>,
  name?: string,
): Operation {
  return inOpScope(name, type, inputs, (scope, graph) =>
    makeOp(graph, type, scope, inputs, outputs, attrs),
  );
}
