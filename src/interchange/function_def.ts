/**
 * Traced functions (tf.data's `map`/`filter`/`interleave`/`flat_map` bodies, a one-shot
 * iterator's dataset factory) as TensorFlow's `FunctionDef`s in `GraphDef.library`, as TF's
 * `graph_to_function_def` writes a function body:
 *
 * - `signature`: the function's name, an `input_arg` per argument placeholder then per
 *   captured tensor (the op passes captures as its `other_arguments`), an `output_arg` per
 *   result, typed by dtype;
 * - `node_def`: every other op of the body as a NodeDef whose inputs name an argument by
 *   its name (`args_0`) and an op's output as `op:output_arg:index` — the OpDef's output
 *   arg name and the position within that arg, not the flat output index;
 * - `ret`: each output arg's source, in the same spelling.
 *
 * An importer inverts it: input args become placeholders, `op:arg:k` maps back to a flat
 * output index through the producing op's OpDef (the arg's position plus `k`), and `ret`
 * names the outputs.
 */
import { ValueError } from "../errors.js";
import type { Graph } from "../graph/graph.js";
import { FuncGraph, functionLibrary } from "../graph/func_graph.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { toDataType, type OpDefMessage } from "../ops/op_def.js";
import {
  findLibraryFunction,
  functionAttrName,
  libraryFunctions,
  libraryGradients,
} from "../ops/control/function_call_ops.js";
import { getOpDef, opDefIn } from "../ops/registry.js";
import { importedFunctionDef } from "./import_function_def.js";
import type { tensorflow } from "../proto/index.js";

type NodeDefMessage = tensorflow.NodeDef.$Properties;
type FunctionDefMessage = tensorflow.FunctionDef.$Properties;
type AttrValueMessage = tensorflow.AttrValue.$Properties;

/** The exporter of one op as a NodeDef (graph_def.ts's `nodeDefOf`). */
export type NodeDefWriter = (op: Operation) => NodeDefMessage;

/**
 * TF's `NormalizeName` for argument names: lowercase letters, digits and `_`, anything
 * else `_`, never starting with a digit.
 */
function normalizeName(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

function uniqueArgName(base: string, used: Set<string>): string {
  let name = normalizeName(base);
  for (let n = 1; used.has(name); n++) name = `${normalizeName(base)}_${n}`;
  used.add(name);
  return name;
}

/** How many tensors an output arg stands for, from the node's exported attrs. */
function argCount(
  arg: tensorflow.OpDef.ArgDef.$Properties,
  attr: Record<string, AttrValueMessage>,
): number {
  if (arg.numberAttr) return Number(attr[arg.numberAttr]?.i ?? 0);
  if (arg.typeListAttr) return attr[arg.typeListAttr]?.list?.type?.length ?? 0;
  return 1;
}

/** `op:output_arg:k` for output `index` of a node, from its OpDef's output args. */
function outputRef(node: NodeDefMessage, opDef: OpDefMessage, index: number): string {
  const attr = node.attr ?? {};
  let at = 0;
  for (const arg of opDef.outputArg ?? []) {
    const count = argCount(arg, attr);
    if (index < at + count) return `${node.name}:${arg.name}:${index - at}`;
    at += count;
  }
  throw new Error(`${node.name} has no output ${index} in its OpDef ${opDef.name}`);
}

/** The outer ops `roots` depend on (inputs and control inputs), in creation order. */
function dependencies(roots: readonly Operation[]): Operation[] {
  const seen = new Set<Operation>();
  const stack = [...roots];
  while (stack.length > 0) {
    const op = stack.pop() as Operation;
    if (seen.has(op)) continue;
    seen.add(op);
    stack.push(...op.inputs.map((t) => t.op), ...op.controlInputs);
  }
  return [...seen].sort((a, b) => a.id - b.id);
}

/**
 * The FunctionDef of a traced body: nested func attrs of its ops are left to the caller,
 * which collects the functions they name ({@link librarySection}). With `captureByValue`
 * (TF's `Defun(capture_by_value=True)`, a one-shot iterator's dataset factory, whose op
 * passes no arguments), the outer ops computing the captured tensors are copied into the
 * body instead of becoming input args; a copy whose name a body op has takes `_1`, … .
 */
export function functionDefOf(
  body: FuncGraph,
  nodeDefOf: NodeDefWriter,
  captureByValue = false,
): FunctionDefMessage {
  const used = new Set<string>();
  const argNames = new Map<Operation, string>();
  const inputArg: tensorflow.OpDef.ArgDef.$Properties[] = [];
  const byValue = new Map<Operation, Tensor>();
  const params: Tensor[] = [...body.arguments];
  for (const [outer, inner] of body.captures) {
    if (captureByValue) byValue.set(inner.op, outer);
    else params.push(inner);
  }
  for (const t of params) {
    const name = uniqueArgName(t.op.name, used);
    argNames.set(t.op, name);
    inputArg.push({ name, type: toDataType(t.dtype) });
  }
  const nodes = new Map<Operation, NodeDefMessage>();
  const names = new Map<Operation, string>();
  const taken = new Set(
    body
      .getOperations()
      .filter((op) => !byValue.has(op))
      .map((op) => op.name),
  );
  for (const op of dependencies([...byValue.values()].map((t) => t.op))) {
    let name = op.name;
    for (let n = 1; taken.has(name); n++) name = `${op.name}_${n}`;
    taken.add(name);
    names.set(op, name);
    nodes.set(op, { ...nodeDefOf(op), name });
  }
  for (const op of body.getOperations()) {
    if (argNames.has(op) || byValue.has(op)) continue;
    names.set(op, op.name);
    nodes.set(op, nodeDefOf(op));
  }
  const refOf = (given: Tensor): string => {
    const t = byValue.get(given.op) ?? given;
    const arg = argNames.get(t.op);
    if (arg !== undefined) return arg;
    const node = nodes.get(t.op) as NodeDefMessage;
    return outputRef(node, getOpDef(t.op.type) as OpDefMessage, t.valueIndex);
  };
  const nodeDef: NodeDefMessage[] = [];
  for (const [op, node] of nodes) {
    nodeDef.push({
      ...node,
      input: [
        ...op.inputs.map(refOf),
        ...op.controlInputs.map((c) => `^${names.get(c) ?? c.name}`),
      ],
    });
  }
  const outputArg: tensorflow.OpDef.ArgDef.$Properties[] = [];
  const ret: Record<string, string> = {};
  for (const t of body.outputs) {
    const name = uniqueArgName(t.op.name, used);
    outputArg.push({ name, type: toDataType(t.dtype) });
    ret[name] = refOf(t);
  }
  return { signature: { name: body.name, inputArg, outputArg }, nodeDef, ret };
}

/** The function a func attr names, looked up from the op's graph outwards. */
function findFunction(graph: Graph, name: string): FuncGraph | undefined {
  for (let g: Graph | null = graph; g !== null;) {
    const fn = functionLibrary(g).get(name);
    if (fn !== undefined) return fn;
    g = g instanceof FuncGraph ? g.outerGraph : null;
  }
  return undefined;
}

/** Ops whose function takes no arguments for its captures: the body holds them by value. */
const CAPTURE_BY_VALUE: ReadonlySet<string> = new Set(["OneShotIterator"]);

/** The functions an op names: its func attrs', and its type's when it is a direct call. */
function calledNames(op: Operation): string[] {
  const opDef = opDefIn(op.graph, op.type);
  const names: string[] = [];
  for (const a of opDef?.attr ?? []) {
    const v = op.attrs[a.name ?? ""];
    if (a.type === "func" && v !== undefined) names.push(functionAttrName(v));
    if (a.type === "list(func)" && Array.isArray(v)) names.push(...v.map(functionAttrName));
  }
  if (findLibraryFunction(op.graph, op.type) !== undefined) names.push(op.type);
  return names;
}

/** The functions an imported FunctionDef's nodes name (func attrs and direct calls). */
function namesInDef(def: FunctionDefMessage): string[] {
  const names: string[] = [];
  const fromValue = (v: AttrValueMessage): void => {
    if (v.func?.name) names.push(v.func.name);
    for (const f of v.list?.func ?? []) if (f.name) names.push(f.name);
  };
  for (const node of def.nodeDef ?? []) {
    names.push(node.op ?? "");
    for (const v of Object.values(node.attr ?? {})) fromValue(v);
  }
  return names;
}

/**
 * The `FunctionDefLibrary` of `graph` for `ops`: the functions imported into the graph's
 * library, as they were read (TF writes a graph's whole library); then every traced
 * function the ops' func attrs name, and the functions those bodies name in turn, each
 * once, callers before callees; the `GradientDef`s of the functions written; `null` when
 * there are none.
 */
export function librarySection(
  graph: Graph,
  ops: readonly Operation[],
  nodeDefOf: NodeDefWriter,
): tensorflow.FunctionDefLibrary.$Properties | null {
  const done = new Map<string, FunctionDefMessage>();
  const visitName = (name: string, caller: Operation | null): void => {
    if (done.has(name)) return;
    const imported = findLibraryFunction(graph, name);
    if (imported !== undefined) {
      const def = importedFunctionDef(imported);
      if (def === undefined) return;
      done.set(name, def);
      for (const inner of namesInDef(def)) visitName(inner, null);
      return;
    }
    if (caller === null) return;
    const body = findFunction(caller.graph, name);
    if (body === undefined)
      throw new ValueError(
        `Cannot export node '${caller.name}' (op ${caller.type}): function ${name} is not defined`,
      );
    const byValue = CAPTURE_BY_VALUE.has(caller.type);
    done.set(name, functionDefOf(body, nodeDefOf, byValue));
    for (const inner of body.getOperations()) visit(inner);
    if (byValue) for (const dep of dependencies(body.captures.map(([o]) => o.op))) visit(dep);
  };
  const visit = (op: Operation): void => {
    for (const name of calledNames(op)) visitName(name, op);
  };
  for (const name of libraryFunctions(graph).keys()) visitName(name, null);
  for (const op of ops) visit(op);
  if (done.size === 0) return null;
  const gradients = libraryGradients(graph);
  const gradient = [...done.keys()]
    .filter((name) => gradients.has(name))
    .map((name) => ({ functionName: name, gradientFunc: gradients.get(name) as string }));
  return gradient.length > 0
    ? { function: [...done.values()], gradient }
    : { function: [...done.values()] };
}
