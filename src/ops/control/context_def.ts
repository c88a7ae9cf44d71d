import { isWithinContext, type ControlFlowContext } from "../../graph/control_flow.js";
import type { Graph } from "../../graph/graph.js";
import { stripNameScope } from "../../graph/name_scopes.js";
import type { Tensor } from "../../graph/tensor.js";
import type { tensorflow } from "../../proto/index.js";

/*
 * What `WhileContext.to_proto` and `CondContext.to_proto` write of a context
 * (`control_flow_pb2.ValuesDef` and the nested contexts), shared by both kinds. The
 * `while_context` and `cond_context` collections hold the top-level contexts, as TF's
 * `while_loop` and `cond` add them; a meta graph serializes each with `toProto`.
 */

/** A context that can describe itself as TF's `ControlFlowContextDef`. */
export interface ContextWithDef extends ControlFlowContext {
  /** The contexts created inside this one, in creation order (`_nested_contexts`). */
  readonly nested: ContextWithDef[];
  toControlFlowContextDef(exportScope: string | null): tensorflow.ControlFlowContextDef.$Shape;
}

/** Records `ctx` among the nested contexts of the context it is created in. */
export function registerNested(graph: Graph, ctx: ContextWithDef): void {
  const outer = ctx.outer as Partial<ContextWithDef> | null;
  const list = outer?.nested;
  if (list === undefined) return;
  list.push(ctx);
  graph.onUndo(() => {
    const i = list.indexOf(ctx);
    if (i >= 0) list.splice(i, 1);
  });
}

/**
 * `_to_values_def`: the names of the tensors the context has seen (the outputs of its ops
 * and of the contexts nested in it, the outer tensors it reads, and `extra`), sorted, and
 * for each outer tensor the tensor standing for it inside.
 */
export function valuesDef(
  graph: Graph,
  ctx: ControlFlowContext,
  external: ReadonlyMap<Tensor, Tensor>,
  extra: readonly Tensor[],
  exportScope: string | null,
): tensorflow.ValuesDef.$Shape {
  const names = new Set<string>();
  // Of the op making an outer tensor's stand-in (a branch's `Switch`), only that output.
  const standIns = new Set([...external.values()].map((t) => t.op));
  for (const op of graph.getOperations()) {
    if (op.controlFlowContext === null || !isWithinContext(op.controlFlowContext, ctx)) continue;
    if (standIns.has(op)) continue;
    for (const t of op.outputs) names.add(t.name);
  }
  for (const t of [...external.keys(), ...external.values(), ...extra]) names.add(t.name);
  const externalValues: Record<string, string> = {};
  for (const [outer, inner] of external) {
    externalValues[stripNameScope(outer.name, exportScope)] = stripNameScope(
      inner.name,
      exportScope,
    );
  }
  return {
    values: [...names].map((n) => stripNameScope(n, exportScope)).sort(),
    externalValues,
  };
}
