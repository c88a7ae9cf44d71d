/**
 * `GraphDef.library` on import, as TensorFlow 1.15 reads it (`Graph::AddFunctionLibrary`,
 * `function_def_to_graph.py`): each `FunctionDef` joins the graph's function library, and
 * its body becomes a `FuncGraph` built through the same node import as top-level nodes
 * (OpDef checks, attr defaults, shape functions):
 *
 * - each input arg is a `Placeholder` named after it (a list arg, one per element);
 * - a node input names an input arg (`x`, or `x:k` for a list arg's element), an op's
 *   output as `op:out_arg:k` (the `k`th tensor of its OpDef's output arg `out_arg`, whose
 *   flat index follows from the OpDef and the node's attrs; `op:out_arg` is the whole
 *   arg), or `^op`;
 * - `ret` names the source of each output arg in the same spelling.
 *
 * A function with signature attrs (`T: type`) is polymorphic: its node attrs hold
 * placeholders (`$T`), bound by each call, so its body is built once per binding. The
 * others are built at import, so that a bad body is refused with the rest of the import.
 * The FunctionDefs are kept as read and written back unchanged on export.
 */
import { InvalidArgumentError, ValueError } from "../errors.js";
import type { FuncGraph } from "../graph/func_graph.js";
import { FuncGraph as FuncGraphClass, functionLibrary } from "../graph/func_graph.js";
import type { Graph } from "../graph/graph.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { TensorShape } from "../graph/tensor_shape.js";
import {
  addLibraryFunction,
  findLibraryFunction,
  libraryGradients,
  setLibraryGradient,
  type FunctionAttrBinding,
  type LibraryFunction,
} from "../ops/control/function_call_ops.js";
import type { ArgDefMessage, AttrValueMessage, OpDefMessage } from "../ops/op_def.js";
import { getOpDefinition, opDefIn } from "../ops/registry.js";
import { FunctionDef, type tensorflow } from "../proto/index.js";
import { unregisteredOp } from "./attr_value.js";

type FunctionDefMessage = tensorflow.FunctionDef.$Properties;
type GraphDefMessage = tensorflow.GraphDef.$Properties;
type NodeDefMessage = tensorflow.NodeDef.$Properties;
type LibraryMessage = tensorflow.FunctionDefLibrary.$Properties;

/** Builds a GraphDef's nodes into a graph without prefix (import_graph_def.ts's node import). */
export type BodyBuilder = (body: FuncGraph, graphDef: GraphDefMessage) => Map<string, Operation>;

/** The FunctionDefs of library functions, as imported, for export. */
const definitions = new WeakMap<LibraryFunction, FunctionDefMessage>();

/** The FunctionDef a library function was imported from, or `undefined` for a traced one. */
export function importedFunctionDef(fn: LibraryFunction): FunctionDefMessage | undefined {
  return definitions.get(fn);
}

function sameBytes(a: FunctionDefMessage, b: FunctionDefMessage): boolean {
  const x = FunctionDef.toBinary(a);
  const y = FunctionDef.toBinary(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** An attr's value bound for one instantiation: the call's, else the signature's default. */
function boundAttrs(fdef: FunctionDefMessage, binding: FunctionAttrBinding): FunctionAttrBinding {
  const name = fdef.signature?.name ?? "";
  const out: Record<string, AttrValueMessage> = {};
  for (const a of fdef.signature?.attr ?? []) {
    const key = a.name ?? "";
    const v = binding[key] ?? a.defaultValue ?? undefined;
    if (v === undefined || v === null)
      throw new InvalidArgumentError(`Attr ${key} is not found from function ${name}`);
    out[key] = v;
  }
  return out;
}

/** `value` with its `$T` placeholders (also inside a func attr's attrs) replaced by `attrs`. */
function substitute(
  value: AttrValueMessage,
  attrs: FunctionAttrBinding,
  where: string,
): AttrValueMessage {
  if (value.placeholder) {
    const v = attrs[value.placeholder];
    if (v === undefined)
      throw new InvalidArgumentError(
        `${where}: attr placeholder $${value.placeholder} is not bound`,
      );
    return v;
  }
  if (value.func?.attr) {
    const inner = Object.fromEntries(
      Object.entries(value.func.attr).map(([k, v]) => [k, substitute(v, attrs, where)]),
    );
    return { func: { ...value.func, attr: inner } };
  }
  return value;
}

/** The dtypes an arg stands for, given the attrs (a list arg, several). */
function argTypes(arg: ArgDefMessage, attrs: FunctionAttrBinding): number[] {
  if (arg.typeListAttr) return attrs[arg.typeListAttr]?.list?.type?.slice() ?? [];
  const type = arg.typeAttr ? (attrs[arg.typeAttr]?.type ?? 0) : (arg.type ?? 0);
  if (arg.numberAttr) return new Array<number>(Number(attrs[arg.numberAttr]?.i ?? 0)).fill(type);
  return [type];
}

/** How many tensors an arg of a node's OpDef stands for, from the node's attrs (or defaults). */
function argCount(arg: ArgDefMessage, node: NodeDefMessage, opDef: OpDefMessage): number {
  const attr = (key: string): AttrValueMessage | undefined =>
    node.attr?.[key] ?? (opDef.attr ?? []).find((a) => a.name === key)?.defaultValue ?? undefined;
  if (arg.numberAttr) return Number(attr(arg.numberAttr)?.i ?? 0);
  if (arg.typeListAttr) return attr(arg.typeListAttr)?.list?.type?.length ?? 0;
  return 1;
}

/** The body of `fdef` under `attrs` as a GraphDef, and the tensors its outputs name. */
function bodyGraphDef(
  graph: Graph,
  fdef: FunctionDefMessage,
  attrs: FunctionAttrBinding,
  producer: number,
  shapes: readonly TensorShape[] | null,
): { graphDef: GraphDefMessage; inputs: string[]; outputs: string[] } {
  const fname = fdef.signature?.name ?? "";
  const nodes: NodeDefMessage[] = [];
  // A nested name (`x`, `x:0`, `op:out:0`, `op:out`) → the flat tensor names it stands for.
  const flat = new Map<string, string[]>();
  const inputs: string[] = [];
  (fdef.signature?.inputArg ?? []).forEach((arg, argIndex) => {
    const name = arg.name ?? "";
    const types = argTypes(arg, attrs);
    const single = !arg.numberAttr && !arg.typeListAttr;
    const shape = (single ? shapes?.[argIndex] : undefined) ?? TensorShape.unknown();
    const names = types.map((type, k) => {
      const node = single ? name : `${name}/_${k}`;
      nodes.push({
        name: node,
        op: "Placeholder",
        attr: { dtype: { type }, shape: { shape: shapeProto(shape) } },
      });
      if (!single) flat.set(`${name}:${k}`, [`${node}:0`]);
      return `${node}:0`;
    });
    flat.set(name, names);
    inputs.push(...names);
  });
  for (const node of fdef.nodeDef ?? []) {
    const name = node.name ?? "";
    const where = `Function ${fname}, node ${name}`;
    const attr = Object.fromEntries(
      Object.entries(node.attr ?? {}).map(([k, v]) => [k, substitute(v, attrs, where)]),
    );
    const bound: NodeDefMessage = { ...node, attr };
    const opDef = opDefIn(graph, node.op ?? "");
    if (opDef === undefined) throw unregisteredOp(node.op ?? "", name);
    {
      let at = 0;
      for (const arg of opDef.outputArg ?? []) {
        const count = argCount(arg, bound, opDef);
        const whole: string[] = [];
        for (let k = 0; k < count; k++) {
          const t = `${name}:${at + k}`;
          flat.set(`${name}:${arg.name ?? ""}:${k}`, [t]);
          whole.push(t);
        }
        flat.set(`${name}:${arg.name ?? ""}`, whole);
        at += count;
      }
    }
    nodes.push(bound);
  }
  for (const node of nodes.slice((fdef.signature?.inputArg ?? []).length)) {
    const rewritten: string[] = [];
    for (const input of node.input ?? []) {
      if (input.startsWith("^")) {
        rewritten.push(input);
        continue;
      }
      const names = flat.get(input);
      if (names === undefined) {
        throw new ValueError(
          `Function ${fname}: input '${input}' of node '${node.name ?? ""}' is not found`,
        );
      }
      rewritten.push(...names);
    }
    node.input = rewritten;
  }
  const outputs: string[] = [];
  for (const arg of fdef.signature?.outputArg ?? []) {
    const key = arg.name ?? "";
    const ref = fdef.ret?.[key];
    if (ref === undefined)
      throw new ValueError(`Function ${fname}: return value ${key} is not given in ret`);
    const names = flat.get(ref);
    if (names === undefined)
      throw new ValueError(
        `Function ${fname}: return value ${key} names '${ref}', which is not found`,
      );
    outputs.push(...names);
  }
  return { graphDef: { node: nodes, versions: { producer } }, inputs, outputs };
}

function shapeProto(shape: TensorShape): tensorflow.TensorShapeProto.$Properties {
  if (shape.dims === null) return { unknownRank: true };
  return { dim: shape.dims.map((d) => ({ size: d ?? -1 })) };
}

function bindingKey(binding: FunctionAttrBinding, shapes: readonly TensorShape[] | null): string {
  const attrs = Object.keys(binding)
    .sort()
    .map((k) => [k, binding[k]]);
  return JSON.stringify([attrs, shapes?.map((s) => s.toString()) ?? null]);
}

function tensorNamed(byName: Map<string, Operation>, name: string): Tensor {
  const [node, index] = name.split(":") as [string, string];
  return (byName.get(node) as Operation).outputs[Number(index)] as Tensor;
}

/** A library function defined by `fdef`, whose bodies `build` makes. */
function libraryFunction(
  graph: Graph,
  fdef: FunctionDefMessage,
  producer: number,
  build: BodyBuilder,
): LibraryFunction {
  const name = fdef.signature?.name ?? "";
  const bodies = new Map<string, FuncGraph>();
  const building = new Set<string>();
  const fn: LibraryFunction = {
    name,
    signature: fdef.signature ?? { name },
    instantiate(binding) {
      return instantiate(binding, null);
    },
    outputShapes(binding, inputShapes) {
      // A body for these shapes (as TF's shape refiner instantiates one per call) only
      // when some are known: the unknown-shape body is the one calls run.
      const known = inputShapes.some((s) => s.dims !== null);
      return instantiate(binding, known ? inputShapes : null).outputs.map((t) => t.shape);
    },
  };
  function instantiate(
    binding: FunctionAttrBinding,
    shapes: readonly TensorShape[] | null,
  ): FuncGraph {
    {
      const attrs = boundAttrs(fdef, binding);
      const key = bindingKey(attrs, shapes);
      const known = bodies.get(key);
      if (known !== undefined) return known;
      if (building.has(key))
        throw new ValueError(
          `Function ${name} calls itself: recursive functions are not supported`,
        );
      building.add(key);
      try {
        const body = new FuncGraphClass(name, graph);
        let built: { byName: Map<string, Operation>; inputs: string[]; outputs: string[] };
        try {
          const { graphDef, inputs, outputs } = bodyGraphDef(graph, fdef, attrs, producer, shapes);
          built = { byName: build(body, graphDef), inputs, outputs };
        } catch (e) {
          if (e instanceof ValueError && !e.message.startsWith(`In function ${name}:`))
            throw new ValueError(`In function ${name}: ${e.message}`);
          throw e;
        }
        const { byName, inputs, outputs } = built;
        body.arguments.push(...inputs.map((t) => tensorNamed(byName, t)));
        body.outputs = outputs.map((t) => tensorNamed(byName, t));
        bodies.set(key, body);
        return body;
      } finally {
        building.delete(key);
      }
    }
  }
  definitions.set(fn, fdef);
  return fn;
}

/**
 * Adds a GraphDef's `library` to `graph`'s (TF's `Graph::AddFunctionLibrary`): a function
 * already there with equal bytes is skipped, a different one (or an op's name) refused
 * with TF's errors; `GradientDef`s the same. Bodies without attrs are built now. Changes
 * are undone with the import that makes them.
 */
export function importLibrary(
  graph: Graph,
  library: LibraryMessage | null | undefined,
  producer: number,
  build: BodyBuilder,
): void {
  const added: LibraryFunction[] = [];
  for (const fdef of library?.function ?? []) {
    const name = fdef.signature?.name ?? "";
    if (name === "") throw new ValueError("A FunctionDef of the library has no name");
    const existing = findLibraryFunction(graph, name);
    if (existing !== undefined) {
      const def = definitions.get(existing);
      if (def !== undefined && sameBytes(def, fdef)) continue;
      throw new ValueError(
        `Cannot add function '${name}' because a different function with the same name already exists.`,
      );
    }
    if (functionLibrary(graph).has(name))
      throw new ValueError(
        `Cannot add function '${name}' because a different function with the same name already exists.`,
      );
    if (getOpDefinition(name) !== undefined)
      throw new ValueError(
        `Cannot add function '${name}' because an op with the same name already exists.`,
      );
    const fn = libraryFunction(graph, fdef, producer, build);
    addLibraryFunction(graph, fn);
    added.push(fn);
  }
  for (const grad of library?.gradient ?? []) {
    const fn = grad.functionName ?? "";
    const g = grad.gradientFunc ?? "";
    const known = libraryGradients(graph).get(fn);
    if (known !== undefined) {
      if (known !== g)
        throw new ValueError(
          `Cannot assign gradient function '${g}' to '${fn}' because it already has gradient function '${known}'`,
        );
      continue;
    }
    setLibraryGradient(graph, fn, g);
  }
  for (const fn of added) {
    if ((fn.signature.attr ?? []).length === 0) fn.instantiate({});
  }
}
