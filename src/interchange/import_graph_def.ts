/**
 * `tf.importGraphDef` (TF 1.15's `tf.import_graph_def`): a `GraphDef` — written by
 * TensorFlow or by `graph.asGraphDef` — added to the default graph under a name prefix,
 * each node an op of scopeflow's registry with its attrs read by the op's OpDef, its
 * output shapes inferred by the op type's shape function (or taken from
 * `_output_shapes`), loop back edges patched once every node exists.
 *
 * Everything is checked while the graph is being changed inside `graph.atomically`, so
 * that any error (an op scopeflow lacks, a bad attr, a missing input, a cycle) leaves the
 * graph exactly as it was: ops, names, collections.
 */
import { ValueError } from "../errors.js";
import {
  kind,
  listKind,
  optNullable,
  req,
  stringKind,
  tfFunction,
  anyKind,
} from "../graph/call_args.js";
import type { DType } from "../graph/dtypes.js";
import { whileContextOf } from "../graph/control_flow.js";
import { getDefaultGraph, type Graph, type OutputSpec } from "../graph/graph.js";
import { VALID_OP_NAME } from "../graph/names.js";
import { Operation } from "../graph/operation.js";
import { Tensor } from "../graph/tensor.js";
import { TensorShape } from "../graph/tensor_shape.js";
import type { ConstValue } from "../ops/const_value.js";
import { convertToTensor } from "../ops/convert.js";
import {
  dataTypeSpelling,
  isScopeflowOnly,
  toDataType,
  type ArgDefMessage,
  type AttrDefMessage,
  type AttrValueMessage,
  type OpDefMessage,
} from "../ops/op_def.js";
import { getShapeFunction, opDefIn, opDefinitionIn } from "../ops/registry.js";
import { GraphDef, ProtoDecodeError, type tensorflow } from "../proto/index.js";
import { withNameScope } from "../scope/name_scope.js";
import { AttrImportError, attrFromValue, dtypeFromDataType, unregisteredOp } from "./attr_value.js";
import { importLibrary } from "./import_function_def.js";
import "../ops/control/function_call_ops.js";
import { GRAPH_DEF_VERSION, graphDefVersions, keepPrivateAttrs } from "./graph_def.js";
import "../ops/shape_fns.js";

type GraphDefMessage = tensorflow.GraphDef.$Properties;
type NodeDefMessage = tensorflow.NodeDef.$Properties;
type OpListMessage = tensorflow.OpList.$Properties;

/** The oldest GraphDef producer TensorFlow 1.15 reads (`TF_GRAPH_DEF_VERSION_MIN_PRODUCER`). */
const GRAPH_DEF_VERSION_MIN_PRODUCER = 0;
const TF_VERSION = "1.15.0";

/** `_class` entries naming the op a node is placed with. */
const COLOCATION_PREFIX = "loc:@";

/** One input of a NodeDef: the node it names, the output (`-1` for `^control`), as written. */
interface InputRef {
  readonly node: string;
  readonly index: number;
  readonly raw: string;
}

/** TensorFlow's `ParseTensorName`: `"a:1"` → (`a`, 1), `"a"` → (`a`, 0), `"^a"` → (`a`, -1). */
function parseInput(raw: string): InputRef {
  if (raw.startsWith("^")) return { node: raw.slice(1), index: -1, raw };
  const m = /^(.*):(\d+)$/.exec(raw);
  if (m !== null) return { node: m[1] as string, index: Number(m[2]), raw };
  return { node: raw, index: 0, raw };
}

/** `_ParseTensorName` of importer.py, for `inputMap` keys and `returnElements`. */
function parseTensorName(name: string): [string, number] {
  const parts = name.split(":");
  if (parts.length === 2) {
    const text = (parts[1] as string).trim();
    if (!/^[+-]?\d+$/.test(text))
      throw new ValueError(`Cannot convert '${name}' to a tensor name.`);
    return [parts[0] as string, Number(text)];
  }
  if (parts.length === 1) return [name, 0];
  throw new ValueError(`Cannot convert '${name}' to a tensor name.`);
}

/** A node name TensorFlow accepts (`IsValidNodeName` without internal ops). */
const VALID_NODE_NAME = /^[A-Za-z0-9.][A-Za-z0-9_./-]*$/;

/** TF's `DataTypeString`: `float`, `int32`, `float_ref`. */
function typeString(dtype: DType, isRef: boolean): string {
  const base = dataTypeSpelling(toDataType(dtype));
  return isRef ? `${base}_ref` : base;
}

/** An input or output slot an OpDef declares, with its dtype resolved from the attrs. */
interface Slot {
  readonly dtype: DType;
  readonly isRef: boolean;
}

/** The dtypes of an OpDef's input or output args, given the node's attrs. */
function slotsOf(args: readonly ArgDefMessage[], attrs: Readonly<Record<string, unknown>>): Slot[] {
  const slots: Slot[] = [];
  for (const arg of args) {
    const isRef = arg.isRef === true;
    if (arg.typeListAttr) {
      for (const dtype of attrs[arg.typeListAttr] as DType[]) slots.push({ dtype, isRef });
      continue;
    }
    const count = arg.numberAttr ? (attrs[arg.numberAttr] as number) : 1;
    const dtype = arg.typeAttr ? (attrs[arg.typeAttr] as DType) : dtypeFromDataType(arg.type ?? 0);
    for (let k = 0; k < count; k++) slots.push({ dtype, isRef });
  }
  return slots;
}

const decoder = new TextDecoder();

/** Why an attr value is not among the values its AttrDef allows, or `null`. */
function notAllowed(def: AttrDefMessage, value: AttrValueMessage): string | null {
  const allowed = def.allowedValues?.list;
  const inList = value.list !== undefined && value.list !== null;
  if (allowed?.type?.length) {
    const types = inList ? (value.list?.type ?? []) : [value.type ?? 0];
    const bad = types.find((t) => !(allowed.type ?? []).includes(t));
    if (bad !== undefined)
      return `Value for attr '${def.name}' of ${dataTypeSpelling(bad)} is not in the list of allowed values: ${allowed.type.map(dataTypeSpelling).join(", ")}`;
  }
  if (allowed?.s?.length) {
    const names = allowed.s.map((s) => decoder.decode(s));
    const given = inList ? (value.list?.s ?? []) : [value.s ?? new Uint8Array()];
    const bad = given.map((s) => decoder.decode(s)).find((s) => !names.includes(s));
    if (bad !== undefined)
      return `Value for attr '${def.name}' of "${bad}" is not in the list of allowed values: ${names.map((s) => `"${s}"`).join(", ")}`;
  }
  if (def.hasMinimum) {
    const min = Number(def.minimum ?? 0);
    if (inList) {
      const length = Math.max(
        ...Object.values(value.list ?? {}).map((x) => (Array.isArray(x) ? x.length : 0)),
        0,
      );
      if (length < min)
        return `Length for attr '${def.name}' of ${length} must be at least minimum ${min}`;
    } else if (Number(value.i ?? 0) < min) {
      return `Value for attr '${def.name}' of ${Number(value.i ?? 0)} must be at least minimum ${min}`;
    }
  }
  return null;
}

/** A node made ready to create: its op type's definition, attrs, inputs and outputs. */
interface PreparedNode {
  readonly index: number;
  readonly def: NodeDefMessage;
  readonly name: string;
  readonly type: string;
  readonly attrs: Record<string, unknown>;
  readonly inputs: readonly InputRef[];
  readonly inputSlots: readonly Slot[];
  readonly outputSlots: readonly Slot[];
  readonly outputShapes: readonly TensorShape[] | null;
  readonly colocation: readonly string[];
  readonly privateAttrs: ReadonlyMap<string, AttrValueMessage>;
}

/** Reads and checks one NodeDef against its OpDef: the attrs as scopeflow holds them. */
function prepareNode(
  graph: Graph,
  node: NodeDefMessage,
  index: number,
  producerOps: ReadonlyMap<string, OpDefMessage>,
  producer: number,
): PreparedNode {
  const name = node.name ?? "";
  const type = node.op ?? "";
  // A type naming a function of the library is a call, whose OpDef is its signature.
  const definition = opDefinitionIn(graph, type);
  const decl = definition?.opDef;
  if (definition === undefined || decl === undefined || isScopeflowOnly(decl))
    throw unregisteredOp(type, name);
  const opDef = opDefIn(graph, type) as OpDefMessage;
  const deprecation = opDef.deprecation;
  if (deprecation && producer >= Number(deprecation.version ?? 0))
    throw new ValueError(
      `Op ${type} is not available in GraphDef version ${producer}. It has been removed in version ${deprecation.version}. ${deprecation.explanation}. (node '${name}')`,
    );
  const where = `; NodeDef: {{node ${name}}}`;
  const declared = new Map((opDef.attr ?? []).map((a) => [a.name ?? "", a]));
  const given = new Map(Object.entries(node.attr ?? {}));
  // importer.py's _RemoveDefaultAttrs: an attr this registry does not know, set to the
  // default the producer's OpDef gives it, is dropped (written by a newer TensorFlow).
  const producerDef = producerOps.get(type);
  if (producerDef !== undefined) {
    for (const [key, value] of given) {
      if (declared.has(key)) continue;
      const pdef = (producerDef.attr ?? []).find((a) => a.name === key);
      if (pdef?.defaultValue && sameAttrValue(pdef.defaultValue, value)) given.delete(key);
    }
  }
  const attrs: Record<string, unknown> = {};
  let colocation: string[] = [];
  let outputShapes: TensorShape[] | null = null;
  const privateAttrs = new Map<string, AttrValueMessage>();
  for (const [key, value] of given) {
    if (key.startsWith("_")) {
      try {
        if (key === "_class") colocation = attrFromValue("list(string)", value) as string[];
        else if (key === "_output_shapes")
          outputShapes = attrFromValue("list(shape)", value) as TensorShape[];
        // Other internal attrs (`_user_specified_name`, …) only guide TensorFlow's own
        // runtime: kept for export, as TensorFlow keeps them.
        else privateAttrs.set(key, value);
      } catch (e) {
        throw new ValueError(`${attrMessage(e)}\n\t for attr '${key}'${where}`);
      }
      continue;
    }
    const adef = declared.get(key);
    if (adef === undefined)
      throw new ValueError(`NodeDef mentions attr '${key}' not in Op<name=${type}>${where}`);
    const why = notAllowed(adef, value);
    if (why !== null) throw new ValueError(`${why}${where}`);
    try {
      attrs[key] = attrFromValue(adef.type ?? "", value);
    } catch (e) {
      throw new ValueError(`${attrMessage(e)}\n\t for attr '${key}'${where}`);
    }
  }
  for (const adef of opDef.attr ?? []) {
    const key = adef.name ?? "";
    if (key in attrs) continue;
    if (!adef.defaultValue)
      throw new ValueError(`NodeDef missing attr '${key}' from Op<name=${type}>${where}`);
    attrs[key] = attrFromValue(adef.type ?? "", adef.defaultValue);
  }
  if (type === "Const") {
    // TF's Const kernel refuses this when it is built; here it is refused on import.
    const value = attrs.value as ConstValue;
    if (value.dtype !== attrs.dtype)
      throw new ValueError(
        `Type mismatch between value (${typeString(value.dtype, false)}) and dtype (${typeString(attrs.dtype as DType, false)})${where}`,
      );
  }
  const inputs = (node.input ?? []).map(parseInput);
  let slots: { inputs: Slot[]; outputs: Slot[] };
  try {
    slots = {
      inputs: slotsOf(opDef.inputArg ?? [], attrs),
      outputs: slotsOf(opDef.outputArg ?? [], attrs),
    };
  } catch (e) {
    throw new ValueError(`${attrMessage(e)}${where}`);
  }
  const dataCount = inputs.filter((i) => i.index >= 0).length;
  if (dataCount !== slots.inputs.length) {
    const expected = slots.inputs.map((s) => typeString(s.dtype, s.isRef)).join(", ");
    throw new ValueError(
      `NodeDef expected inputs '${expected}' do not match ${dataCount} inputs specified; Op<name=${type}>${where}`,
    );
  }
  return {
    index,
    def: node,
    name,
    type,
    attrs,
    inputs,
    inputSlots: slots.inputs,
    outputSlots: slots.outputs,
    outputShapes,
    privateAttrs,
    colocation: colocation
      .filter((c) => c.startsWith(COLOCATION_PREFIX))
      .map((c) => c.slice(COLOCATION_PREFIX.length)),
  };
}

function attrMessage(e: unknown): string {
  if (e instanceof AttrImportError || e instanceof ValueError) return e.message;
  throw e;
}

function sameAttrValue(a: AttrValueMessage, b: AttrValueMessage): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A binary min-heap of node indices: nodes become ready in GraphDef order when possible. */
class ReadyQueue {
  private readonly items: number[] = [];
  get size(): number {
    return this.items.length;
  }
  push(v: number): void {
    const a = this.items;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if ((a[p] as number) <= v) break;
      a[i] = a[p] as number;
      i = p;
    }
    a[i] = v;
  }
  pop(): number {
    const a = this.items;
    const top = a[0] as number;
    const last = a.pop() as number;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && (a[r] as number) < (a[l] as number) ? r : l;
        if ((a[c] as number) >= last) break;
        a[i] = a[c] as number;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

/** `inputMap` as given: tensor names (and `^op` names) to what replaces them. */
export type InputMap =
  ReadonlyMap<string, Tensor | Operation | unknown> | Readonly<Record<string, unknown>>;

/** What `importGraphDef` returns for one of `returnElements`. */
export type ImportedElement = Operation | Tensor;

function checkVersions(versions: tensorflow.VersionDef.$Properties | null | undefined): void {
  const producer = Number(versions?.producer ?? 0);
  const minConsumer = Number(versions?.minConsumer ?? 0);
  if (producer < GRAPH_DEF_VERSION_MIN_PRODUCER)
    throw new ValueError(
      `GraphDef producer version ${producer} below min producer ${GRAPH_DEF_VERSION_MIN_PRODUCER} supported by TensorFlow ${TF_VERSION}.  Please regenerate your graph.`,
    );
  if (minConsumer > GRAPH_DEF_VERSION)
    throw new ValueError(
      `GraphDef min consumer version ${minConsumer} above current version ${GRAPH_DEF_VERSION} for TensorFlow ${TF_VERSION}.  Please upgrade TensorFlow.`,
    );
  const bad = (versions?.badConsumers ?? []).map(Number);
  if (bad.includes(GRAPH_DEF_VERSION))
    throw new ValueError(
      `GraphDef disallows consumer version ${GRAPH_DEF_VERSION}.  Please upgrade TensorFlow: this version is likely buggy.`,
    );
}

/** TF's `UpdateVersionDef`: the graph's versions cover the imported GraphDef's. */
function updateVersions(
  graph: Graph,
  versions: tensorflow.VersionDef.$Properties | null | undefined,
): void {
  const v = graphDefVersions(graph);
  const saved = { ...v, badConsumers: v.badConsumers.slice() };
  graph.onUndo(() => Object.assign(v, saved));
  v.producer = Math.min(v.producer, Number(versions?.producer ?? 0));
  v.minConsumer = Math.max(v.minConsumer, Number(versions?.minConsumer ?? 0));
  const bad = new Set([...v.badConsumers, ...(versions?.badConsumers ?? []).map(Number)]);
  v.badConsumers = [...bad].sort((a, b) => a - b);
}

function decodeGraphDef(value: GraphDefMessage | Uint8Array): GraphDefMessage {
  if (!(value instanceof Uint8Array)) return value;
  try {
    return GraphDef.fromBinary(value);
  } catch (e) {
    if (e instanceof ProtoDecodeError) throw new ValueError(`Error parsing message: ${e.message}`);
    throw e;
  }
}

/** The existing op names and the name scopes they imply (TF's `existing_prefixes_`). */
function existingNames(graph: Graph): Set<string> {
  const names = new Set<string>();
  for (const op of graph.getOperations()) {
    names.add(op.name);
    let slash = op.name.lastIndexOf("/");
    while (slash > 0) {
      const prefix = op.name.slice(0, slash);
      if (names.has(prefix)) break;
      names.add(prefix);
      slash = prefix.lastIndexOf("/");
    }
  }
  return names;
}

interface ImportArgs {
  graphDef: GraphDefMessage | Uint8Array;
  inputMap?: InputMap | null;
  returnElements?: readonly string[] | null;
  name?: string | null;
  producerOpList?: OpListMessage | null;
}

function importInto(graph: Graph, a: ImportArgs): ImportedElement[] | null {
  const graphDef = decodeGraphDef(a.graphDef);
  checkVersions(graphDef.versions);
  const producer = Number(graphDef.versions?.producer ?? 0);
  const returnElements = a.returnElements ?? null;
  const returnParsed = (returnElements ?? []).map((r) =>
    r.includes(":") ? parseTensorName(r) : ([r, -1] as [string, number]),
  );
  const rawMap: [string, unknown][] =
    a.inputMap === undefined || a.inputMap === null
      ? []
      : a.inputMap instanceof Map
        ? [...(a.inputMap as ReadonlyMap<string, unknown>)]
        : Object.entries(a.inputMap);
  for (const [k] of rawMap) {
    if (typeof k !== "string")
      throw new TypeError("input_map must be a dictionary mapping strings to Tensor objects.");
  }
  if (whileContextOf(graph.controlFlowContext) !== null)
    throw new ValueError(
      "tf.importGraphDef inside a tf.whileLoop body is not supported by scopeflow: import the graph outside the loop.",
    );
  const name = a.name ?? "import";
  return graph.atomically(() =>
    graph.controlDependencies(null, () =>
      withNameScope(graph, name, (scope) => {
        const prefix = scope;
        // Input map values that are not tensors are converted under `<prefix>/_inputs/`.
        const needsConversion = rawMap.some(
          ([k, v]) => !k.startsWith("^") && !(v instanceof Tensor),
        );
        if (needsConversion && name === "")
          throw new ValueError(
            "tf.import_graph_def() requires a non-empty `name` if `input_map` contains non-Tensor values. Try calling tf.convert_to_tensor() on `input_map` values before calling tf.import_graph_def().",
          );
        const tensorMap = new Map<string, Tensor>();
        const controlMap = new Map<string, Operation>();
        const convert = (): void => {
          for (const [k, v] of rawMap) {
            if (k.startsWith("^")) {
              const op = v instanceof Operation ? v : v instanceof Tensor ? v.op : null;
              if (op === null)
                throw new TypeError(
                  `input_map['${k}'] maps a control input: it must be a Tensor or an Operation.`,
                );
              controlMap.set(k.slice(1), op);
              continue;
            }
            const [n, i] = parseTensorName(k);
            tensorMap.set(`${n}:${i}`, v instanceof Tensor ? v : convertToTensor(v));
          }
        };
        if (needsConversion) withNameScope(graph, "_inputs", convert);
        else convert();
        updateVersions(graph, graphDef.versions);
        // Functions first: the nodes may call them, and their bodies each other.
        importLibrary(graph, graphDef.library, producer, (body, def) =>
          buildNodes(body, def, "", producer, null, {
            tensorMap: new Map(),
            controlMap: new Map(),
            usedKeys: new Set(),
          }),
        );
        const usedKeys = new Set<string>();
        const ops = buildNodes(graph, graphDef, prefix, producer, a.producerOpList ?? null, {
          tensorMap,
          controlMap,
          usedKeys,
        });
        // Keys naming nothing the GraphDef has are most likely typos (TF checks the same).
        const missing: string[] = [];
        for (const key of tensorMap.keys()) {
          if (usedKeys.has(key)) continue;
          const [n, i] = parseTensorName(key);
          const op = ops.get(n);
          if (op === undefined || i >= op.outputs.length) missing.push(key);
        }
        for (const key of controlMap.keys()) {
          if (!usedKeys.has(`^${key}`) && !ops.has(key)) missing.push(`^${key}`);
        }
        if (missing.length > 0)
          throw new ValueError(
            `Attempted to map inputs that were not found in graph_def: [${missing.join(", ")}]`,
          );
        if (returnElements === null) return null;
        return returnParsed.map(([n, i], k): ImportedElement => {
          if (i < 0) {
            const op = ops.get(n);
            if (op === undefined)
              throw new ValueError(`Requested return node '${n}' not found in graph def`);
            return op;
          }
          const mapped = tensorMap.get(`${n}:${i}`);
          if (mapped !== undefined) return mapped;
          const op = ops.get(n);
          if (op === undefined)
            throw new ValueError(
              `Requested return tensor '${returnElements[k]}' not found in graph def`,
            );
          const t = op.outputs[i];
          if (t === undefined)
            throw new ValueError(
              `Invalid return output ${i} of node '${n}', which has ${op.outputs.length} output(s)`,
            );
          return t;
        });
      }),
    ),
  );
}

/** An edge from a node to a consumer: a data input or a control input. */
interface Edge {
  readonly node: number;
  readonly data: boolean;
}

function isMerge(p: PreparedNode): boolean {
  return p.type === "Merge" || p.type === "RefMerge";
}

interface Remaps {
  readonly tensorMap: ReadonlyMap<string, Tensor>;
  readonly controlMap: ReadonlyMap<string, Operation>;
  readonly usedKeys: Set<string>;
}

/**
 * Creates the ops of the GraphDef's nodes (names prefixed, made unique against the graph
 * as TensorFlow's importer does) in an order where every input exists, except a loop's
 * `Merge`, created once one input exists and given its back edges at the end.
 * Returns the ops by their GraphDef names.
 */
function buildNodes(
  graph: Graph,
  graphDef: GraphDefMessage,
  scope: string,
  producer: number,
  producerOpList: OpListMessage | null,
  remaps: Remaps,
): Map<string, Operation> {
  const nodes = graphDef.node ?? [];
  const producerOps = new Map((producerOpList?.op ?? []).map((o) => [o.name ?? "", o]));
  // Shape functions see the oldest producer the graph has imported, this GraphDef's
  // included (TF's importer lowers its shape refiner's version so): a Placeholder's
  // `shape {}` before version 22 means an unknown shape.
  const shapeVersion = graphDefVersions(graph).producer;
  const indexOf = new Map<string, number>();
  nodes.forEach((node, i) => {
    const n = node.name ?? "";
    if (!VALID_NODE_NAME.test(n))
      throw new ValueError(`Node '${n}': Node name contains invalid characters`);
    if (indexOf.has(n)) throw new ValueError(`Node '${n}' is not unique`);
    if (!node.op) throw new ValueError(`Node '${n}' does not specify an operation`);
    let control = false;
    for (const input of node.input ?? []) {
      if (input.startsWith("^")) control = true;
      else if (control)
        throw new ValueError(
          `Node '${n}': Control dependencies must come after regular dependencies`,
        );
    }
    indexOf.set(n, i);
  });
  const isRemapped = (ref: InputRef): boolean =>
    ref.index < 0
      ? remaps.controlMap.has(ref.node)
      : remaps.tensorMap.has(`${ref.node}:${ref.index}`);
  // Every input must name a node of the GraphDef (or be replaced by `inputMap`).
  for (const node of nodes) {
    for (const raw of node.input ?? []) {
      const ref = parseInput(raw);
      if (!indexOf.has(ref.node) && !isRemapped(ref))
        throw new ValueError(`Node '${node.name ?? ""}': Unknown input node '${raw}'`);
    }
  }
  const prepared = nodes.map((node, i) => prepareNode(graph, node, i, producerOps, producer));

  // Edges: which nodes wait for which, as TensorFlow's GraphConstructor counts them.
  const consumers: Edge[][] = nodes.map(() => []);
  const pending: number[] = [];
  const mergeSeen: boolean[] = [];
  for (const p of prepared) {
    let count = 0;
    let dataFromGraphDef = 0;
    let dataRemapped = false;
    for (const ref of p.inputs) {
      if (isRemapped(ref)) {
        if (ref.index >= 0) dataRemapped = true;
        continue;
      }
      const src = indexOf.get(ref.node) as number;
      (consumers[src] as Edge[]).push({ node: p.index, data: ref.index >= 0 });
      if (ref.index >= 0) dataFromGraphDef++;
      else count++;
    }
    // A Merge waits for one data input only: the others may be loop back edges.
    if (isMerge(p)) {
      const waits = !dataRemapped && dataFromGraphDef > 0;
      mergeSeen.push(!waits);
      pending.push(count + (waits ? 1 : 0));
    } else {
      mergeSeen.push(false);
      pending.push(count + dataFromGraphDef);
    }
  }
  for (const p of prepared) {
    for (const c of p.colocation) {
      if (!indexOf.has(c))
        throw new ValueError(`Node '${p.name}' expects to be colocated with unknown node '${c}'`);
    }
  }

  // Names: `scope` + node name, made unique against the graph's names and scopes.
  const taken = existingNames(graph);
  const wanted = new Set(nodes.map((n) => scope + (n.name ?? "")));
  const finalName = prepared.map((p) => {
    const full = scope + p.name;
    if (!taken.has(full)) return full;
    for (let k = 1; ; k++) {
      const candidate = `${full}_${k}`;
      if (!taken.has(candidate) && !wanted.has(candidate)) {
        wanted.add(candidate);
        return candidate;
      }
    }
  });

  const created: (Operation | undefined)[] = nodes.map(() => undefined);
  const backEdges: { op: Operation; input: number; ref: InputRef; slot: Slot }[] = [];
  const ready = new ReadyQueue();
  pending.forEach((n, i) => {
    if (n === 0) ready.push(i);
  });
  let processed = 0;
  while (ready.size > 0) {
    const i = ready.pop();
    const p = prepared[i] as PreparedNode;
    processed++;
    const opName = finalName[i] as string;
    const inputs: (Tensor | null)[] = [];
    const controls: Operation[] = [];
    let slotAt = 0;
    for (const ref of p.inputs) {
      if (ref.index < 0) {
        const mapped = remaps.controlMap.get(ref.node);
        if (mapped !== undefined) {
          remaps.usedKeys.add(`^${ref.node}`);
          if (!controls.includes(mapped)) controls.push(mapped);
          continue;
        }
        const op = created[indexOf.get(ref.node) as number] as Operation;
        if (!controls.includes(op)) controls.push(op);
        continue;
      }
      const slot = p.inputSlots[slotAt++] as Slot;
      const key = `${ref.node}:${ref.index}`;
      const mapped = remaps.tensorMap.get(key);
      let t: Tensor | null;
      if (mapped !== undefined) {
        remaps.usedKeys.add(key);
        t = mapped;
      } else {
        const src = created[indexOf.get(ref.node) as number];
        if (src === undefined) {
          t = null;
        } else {
          t = src.outputs[ref.index] ?? null;
          if (t === null)
            throw new ValueError(
              `Node '${opName}': Connecting to invalid output ${ref.index} of source node ${ref.node} which has ${src.outputs.length} outputs`,
            );
        }
      }
      if (t !== null) checkEdge(t, slot, opName, inputs.length);
      inputs.push(t);
    }
    const standIn = inputs.find((t): t is Tensor => t !== null);
    const hasBackEdge = inputs.some((t) => t === null);
    if (hasBackEdge && standIn === undefined)
      throw new ValueError(
        `Node '${opName}' had a back edge, but only Merge nodes can have back edges.`,
      );
    const dtypes = p.outputSlots.map((s) => s.dtype);
    const inputTensors = inputs.map((t) => t ?? (standIn as Tensor));
    const shapes = hasBackEdge
      ? []
      : inferShapes(graph, p, opName, inputTensors, dtypes, shapeVersion);
    const outputs: OutputSpec[] = p.outputSlots.map((s, k) => ({
      dtype: s.dtype,
      isRef: s.isRef,
      shape: mergeShapes(shapes[k] ?? TensorShape.unknown(), p.outputShapes?.[k], opName, k),
    }));
    if (p.outputShapes !== null && p.outputShapes.length !== outputs.length)
      throw new ValueError(
        `Node '${opName}' has ${outputs.length} outputs but the _output_shapes attribute specifies shapes for ${p.outputShapes.length} outputs`,
      );
    const attrs: Record<string, unknown> = { ...p.attrs };
    if (p.def.attr?._class !== undefined) {
      attrs._class = (attrFromValue("list(string)", p.def.attr._class) as string[]).map((c) => {
        if (!c.startsWith(COLOCATION_PREFIX)) return c;
        const target = indexOf.get(c.slice(COLOCATION_PREFIX.length)) as number;
        return COLOCATION_PREFIX + (finalName[target] as string);
      });
    }
    const op = graph.createOp({
      type: p.type,
      name: `${opName}/`,
      inputs: inputTensors,
      outputs,
      attrs,
      device: p.colocation.some((c) => c !== p.name) ? "" : (p.def.device ?? ""),
    });
    for (const c of controls) graph._addControlInput(op, c);
    keepPrivateAttrs(op, p.privateAttrs);
    graph.markNameUsed(opName);
    inputs.forEach((t, k) => {
      if (t === null) {
        const ref = p.inputs.filter((r) => r.index >= 0)[k] as InputRef;
        backEdges.push({ op, input: k, ref, slot: p.inputSlots[k] as Slot });
      }
    });
    created[i] = op;
    for (const { node: c, data } of consumers[i] as Edge[]) {
      // A Merge waits for its first data input only.
      if (data && isMerge(prepared[c] as PreparedNode)) {
        if (mergeSeen[c]) continue;
        mergeSeen[c] = true;
      }
      pending[c] = (pending[c] as number) - 1;
      if (pending[c] === 0) ready.push(c);
    }
  }
  if (processed < nodes.length)
    throw new ValueError(`${nodes.length - processed} nodes in a cycle`);
  for (const e of backEdges) {
    const src = created[indexOf.get(e.ref.node) as number] as Operation;
    const t = src.outputs[e.ref.index];
    if (t === undefined)
      throw new ValueError(
        `Node '${e.op.name}': Connecting to invalid output ${e.ref.index} of source node ${e.ref.node} which has ${src.outputs.length} outputs`,
      );
    checkEdge(t, e.slot, e.op.name, e.input);
    graph._updateInput(e.op, e.input, t);
  }
  // Colocated ops run where the op they are placed with runs (importer.py's _ProcessNewOps).
  prepared.forEach((p, i) => {
    const targets = p.colocation.filter((c) => c !== p.name);
    if (targets.length === 0) return;
    const op = created[i] as Operation;
    const device = targets
      .map((c) => (created[indexOf.get(c) as number] as Operation).device)
      .find((d) => d !== "");
    op._setDevice(device ?? "");
  });
  const byName = new Map<string, Operation>();
  prepared.forEach((p, i) => byName.set(p.name, created[i] as Operation));
  return byName;
}

/** TF's `MakeEdge` check: the producer's dtype must be the one the consumer's arg wants. */
function checkEdge(t: Tensor, slot: Slot, opName: string, input: number): void {
  const compatible = t.dtype === slot.dtype && (t.isRef || !slot.isRef);
  if (!compatible)
    throw new ValueError(
      `Input ${input} of node ${opName} was passed ${typeString(t.dtype, t.isRef)} from ${t.name} incompatible with expected ${typeString(slot.dtype, slot.isRef)}.`,
    );
}

/** The op type's shape function's shapes, or none when it has no shape function. */
function inferShapes(
  graph: Graph,
  p: PreparedNode,
  opName: string,
  inputs: readonly Tensor[],
  dtypes: readonly DType[],
  producer: number,
): readonly TensorShape[] {
  const fn = opDefinitionIn(graph, p.type)?.inferShapes ?? getShapeFunction(p.type);
  if (fn === undefined) return [];
  return fn({
    name: opName,
    type: p.type,
    inputs,
    attrs: p.attrs,
    outputDTypes: dtypes,
    graphDefVersion: producer,
    graph,
  });
}

/** The inferred shape refined by `_output_shapes`, which must agree with it. */
function mergeShapes(
  inferred: TensorShape,
  recorded: TensorShape | undefined,
  opName: string,
  k: number,
): TensorShape {
  if (recorded === undefined) return inferred;
  if (!inferred.isCompatibleWith(recorded))
    throw new ValueError(
      `Node '${opName}' has an _output_shapes attribute inconsistent with the GraphDef for output #${k}: Shapes ${inferred.toString()} and ${recorded.toString()} are not compatible`,
    );
  return inferred.mergeWith(recorded);
}

const graphDefKind = kind<GraphDefMessage | Uint8Array>(
  "a GraphDef (message or bytes)",
  (v) => v instanceof Uint8Array || (typeof v === "object" && v !== null && !Array.isArray(v)),
  (o) => !Object.keys(o).every((k) => IMPORT_PARAM_NAMES.includes(k)),
);
const inputMapKind = kind<InputMap>(
  "a dict mapping tensor names to Tensors",
  (v) => v instanceof Map || (typeof v === "object" && v !== null && !Array.isArray(v)),
  (o) => !Object.keys(o).every((k) => IMPORT_PARAM_NAMES.includes(k)),
);
const opListKind = kind<OpListMessage>(
  "an OpList",
  (v) => typeof v === "object" && v !== null && !Array.isArray(v),
  (o) => "op" in o,
);

/** TF 1.15's `import_graph_def(graph_def, input_map, return_elements, name, op_dict, producer_op_list)`. */
const IMPORT_GRAPH_DEF_PARAMS = [
  req("graphDef", graphDefKind),
  optNullable("inputMap", inputMapKind),
  optNullable("returnElements", listKind(stringKind)),
  optNullable("name", stringKind),
  /** Deprecated in TF 1.15, which ignores it: so does scopeflow. */
  optNullable("opDict", anyKind<unknown>("a dict of OpDefs")),
  optNullable("producerOpList", opListKind),
] as const;

const IMPORT_PARAM_NAMES: readonly string[] = IMPORT_GRAPH_DEF_PARAMS.map((p) => p.name);

/**
 * Imports a `GraphDef` into the default graph (`tf.import_graph_def`): every node becomes
 * an op named `<name>/<node>` (`name` defaults to `"import"`, made unique like a name
 * scope; `""` imports without a prefix, renaming nodes whose names are taken). `graphDef`
 * is a `tf.GraphDef` message or the bytes of a `.pb` file. `inputMap` replaces the
 * GraphDef's tensors (`"x:0"`, or `"x"` for output 0, `"^x"` for a control input) by
 * tensors of the graph; `returnElements` names ops (`"op"`) and tensors (`"op:0"`) to
 * return, in order; without it the result is `null`. `producerOpList` (an `OpList`) drops
 * attrs a newer producer set to their defaults; `opDict` is ignored, as TF 1.15 ignores it.
 * Output shapes come from each op type's shape function, refined by the nodes'
 * `_output_shapes`. Devices and `_class` colocations are kept (prefixed); enclosing control
 * dependencies do not apply, as in TF 1.15; inside a `tf.cond` branch the imported ops run
 * in the branch. The GraphDef's function library joins the graph's (not prefixed, as in
 * TF): nodes calling a function directly, `PartitionedCall`, `If` and `While` run its body,
 * and export writes the library back as read; a different function under a name the
 * graph's library has is refused. Nothing is added when the import fails (an op type
 * scopeflow lacks, a bad attr, a missing input, a cycle, a bad function body): the error
 * names the node.
 *
 * @example
 * ```ts
 * const g = new tf.Graph();
 * g.asDefault(() => tf.add(tf.placeholder(tf.float32, [], { name: "x" }), 1, { name: "y" }));
 * const [y] = tf.importGraphDef(g.asGraphDef(), {
 *   inputMap: { "x:0": tf.constant(2) },
 *   returnElements: ["y:0"],
 * }) as [tf.Tensor];
 * y.name; // ==> import/y:0
 * using sess = new tf.Session();
 * sess.run(y); // ==> 3.0
 * ```
 */
export const importGraphDef = tfFunction(
  "importGraphDef",
  IMPORT_GRAPH_DEF_PARAMS,
  (a): ImportedElement[] | null => {
    if (a.returnElements !== undefined && a.returnElements !== null) {
      for (const r of a.returnElements)
        if (typeof r !== "string")
          throw new TypeError("return_elements must be a list of strings.");
    }
    if (
      a.name !== undefined &&
      a.name !== null &&
      a.name !== "" &&
      !VALID_OP_NAME.test(a.name.endsWith("/") ? a.name.slice(0, -1) : a.name)
    )
      throw new ValueError(`'${a.name}' is not a valid scope name`);
    return importInto(getDefaultGraph(), {
      graphDef: a.graphDef,
      inputMap: a.inputMap ?? null,
      returnElements: a.returnElements ?? null,
      name: a.name,
      producerOpList: a.producerOpList ?? null,
    });
  },
);
