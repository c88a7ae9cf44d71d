import type { Graph } from "../../graph/graph.js";
import { prependNameScope } from "../../graph/name_scopes.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor } from "../../graph/tensor.js";
import type { tensorflow } from "../../proto/index.js";
import { CondContext } from "./cond.js";
import { WhileContext } from "./while_v1.js";

/*
 * TF 1.15's `WhileContext.from_proto` / `CondContext.from_proto` (control_flow_ops.py): the
 * contexts of an imported meta graph rebuilt over its imported ops, so that `tf.gradients`
 * differentiates through its loops and conds as through ones built here. As in TF, every
 * op whose output the context's `values` name (but not the outer tensors it reads) joins
 * the context, and nested contexts are rebuilt inside theirs, so an op ends up in its
 * innermost context. The loop parts scopeflow's gradient loop needs and a `WhileContextDef`
 * does not name (each loop variable's `Merge`, `Switch`, `Identity`, `NextIteration`) are
 * found from the `Enter`s by the edges `tf.whileLoop` builds.
 */

type WhileDef = tensorflow.WhileContextDef.$Properties;
type CondDef = tensorflow.CondContextDef.$Properties;
type NestedDef = tensorflow.ControlFlowContextDef.$Properties;

/** The context a nested `ControlFlowContextDef` describes, rebuilt (`from_control_flow_context_def`). */
export function contextFromControlFlowContextDef(
  graph: Graph,
  def: NestedDef,
  importScope: string | null,
): WhileContext | CondContext {
  if (def.whileCtxt) return whileContextFromProto(graph, def.whileCtxt, importScope);
  if (def.condCtxt) return condContextFromProto(graph, def.condCtxt, importScope);
  throw new TypeError("Unknown ControlFlowContextDef field: ");
}

/** `WhileContext.from_proto(context_def, import_scope)`, in the graph's current context. */
export function whileContextFromProto(
  graph: Graph,
  def: WhileDef,
  importScope: string | null,
): WhileContext {
  const scoped = (n: string): string => prependNameScope(n, importScope);
  const tensor = (n: string): Tensor => graph.getTensorByName(scoped(n));
  const name = scoped(def.contextName ?? "");
  const ctx = new WhileContext(
    graph,
    nameScopeOf(name),
    def.parallelIterations ?? 0,
    def.backProp ?? false,
    def.swapMemory ?? false,
    null,
    name,
  );
  ctx.maximumIterations = def.maximumIterationsName ? tensor(def.maximumIterationsName) : null;
  ctx.pivotForPred = tensor(def.pivotForPredName ?? "");
  ctx.pivotForBody = tensor(def.pivotForBodyName ?? "");
  ctx.pivot = tensor(def.pivotName ?? "");
  ctx.exits.push(...(def.loopExitNames ?? []).map(tensor));
  ctx.enters.push(...(def.loopEnterNames ?? []).map(tensor));
  findLoopParts(ctx);
  initValues(graph, ctx, ctx.external, def.valuesDef, importScope);
  buildNested(graph, ctx, def.nestedContexts, importScope);
  return ctx;
}

/** `CondContext.from_proto(context_def, import_scope)`, in the graph's current context. */
export function condContextFromProto(
  graph: Graph,
  def: CondDef,
  importScope: string | null,
): CondContext {
  const scoped = (n: string): string => prependNameScope(n, importScope);
  const name = scoped(def.contextName ?? "");
  const ctx = new CondContext(
    graph,
    nameScopeOf(name),
    graph.getTensorByName(scoped(def.predName ?? "")),
    graph.getTensorByName(scoped(def.pivotName ?? "")),
    def.branch === 1 ? 1 : 0,
    name,
  );
  initValues(graph, ctx, ctx.external, def.valuesDef, importScope);
  buildNested(graph, ctx, def.nestedContexts, importScope);
  return ctx;
}

/**
 * `_init_values_from_proto`: the context's outer tensors and their stand-ins, and its ops.
 * An outer tensor missing from the graph (outside an export scope) is dropped from the
 * map: no tensor of this graph can be looked up by it.
 */
function initValues(
  graph: Graph,
  ctx: WhileContext | CondContext,
  external: Map<Tensor, Tensor>,
  def: tensorflow.ValuesDef.$Properties | null | undefined,
  importScope: string | null,
): void {
  const scoped = (n: string): string => prependNameScope(n, importScope);
  const outerNames = new Set<string>();
  for (const [k, v] of Object.entries(def?.externalValues ?? {})) {
    const outerName = scoped(k);
    outerNames.add(outerName);
    const inner = graph.getTensorByName(scoped(v));
    const outer = findTensor(graph, outerName);
    // A branch's predicate stands for itself; `toProto` writes that entry on its own.
    if (outer === null || outer === inner) continue;
    external.set(outer, inner);
    graph.onUndo(() => external.delete(outer));
  }
  const opNames = new Set<string>();
  for (const value of def?.values ?? []) {
    const n = scoped(value);
    if (!outerNames.has(n)) opNames.add(n.split(":")[0] as string);
  }
  for (const n of opNames) graph.getOperationByName(n)._setControlFlowContext(ctx);
}

/** The nested contexts, rebuilt with `ctx` current (`ret.Enter()` … `ret.Exit()`). */
function buildNested(
  graph: Graph,
  ctx: WhileContext | CondContext,
  nested: readonly NestedDef[] | null | undefined,
  importScope: string | null,
): void {
  graph.withControlFlowContext(ctx, () => {
    for (const def of nested ?? []) contextFromControlFlowContextDef(graph, def, importScope);
  });
}

function findTensor(graph: Graph, name: string): Tensor | null {
  const [opName, index] = name.split(":");
  return graph.findOperation(opName ?? "")?.outputs[Number(index ?? 0)] ?? null;
}

/** `"imp/while/while_context"` → `"imp/while/"`: the name scope the context was built in. */
function nameScopeOf(contextName: string): string {
  const at = contextName.lastIndexOf("/");
  return at < 0 ? "" : contextName.slice(0, at + 1);
}

/**
 * Each loop variable's `Merge` (the `Enter`'s consumer in the loop), its `NextIteration`
 * (the `Merge`'s back edge), `Switch` (on the pivot) and `Identity` (what the body reads).
 * A loop whose parts are not all found keeps none of them: its gradient is refused.
 */
function findLoopParts(ctx: WhileContext): void {
  const pivot = ctx.pivot;
  const merges: Tensor[] = [];
  const nexts: Tensor[] = [];
  const switches: [Tensor, Tensor][] = [];
  const identities: Tensor[] = [];
  for (const enter of ctx.enters) {
    const merge = consumerOf(enter, (op) => op.type === "Merge" || op.type === "RefMerge");
    const next = merge?.inputs.find((t) => t.op.type === "NextIteration" && t !== enter);
    const sw = merge
      ? consumerOf(
          merge.outputs[0] as Tensor,
          (op) => op.type === "Switch" && op.inputs[1] === pivot,
        )
      : undefined;
    const identity = sw
      ? consumerOf(sw.outputs[1] as Tensor, (op) => op.type === "Identity")
      : undefined;
    if (!merge || !next || !sw || !identity) return;
    merges.push(merge.outputs[0] as Tensor);
    nexts.push(next);
    switches.push([sw.outputs[0] as Tensor, sw.outputs[1] as Tensor]);
    identities.push(identity.outputs[0] as Tensor);
  }
  ctx.merges.push(...merges);
  ctx.nextIterations.push(...nexts);
  ctx.switches.push(...switches);
  ctx.identities.push(...identities);
}

function consumerOf(t: Tensor, test: (op: Operation) => boolean): Operation | undefined {
  return t.consumers.find(test);
}
