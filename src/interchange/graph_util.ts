/**
 * `tf.graphUtil` (TF 1.15's `graph_util_impl.py`): GraphDef surgery for deployment — the
 * subgraph some outputs need, a "frozen" graph whose variables are constants holding a
 * session's values, and the removal of nodes only training needs.
 */
import {
  anyKind,
  booleanKind,
  kind,
  listKind,
  opt,
  req,
  stringKind,
  tfFunction,
} from "../graph/call_args.js";
import { ValueError } from "../errors.js";
import { Graph } from "../graph/graph.js";
import { Operation } from "../graph/operation.js";
import type { TensorShape } from "../graph/tensor_shape.js";
import type { NDArray } from "../ndarray/ndarray.js";
import { toDataType } from "../ops/op_def.js";
import { GraphDef, type tensorflow } from "../proto/index.js";
import { sessionKind } from "../session/session.js";
import { hookLogging } from "../train/basic_session_run_hooks.js";
import {
  nodeDefOf,
  tensorProtoOf,
  type GraphDefMessage,
  type NodeDefMessage,
} from "./graph_def.js";

type GraphDefView = tensorflow.GraphDef;
type NodeDefView = NodeDefMessage;

/** Python's `AssertionError`: what TF's `assert d in name_to_node` raises. */
export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

/** A decoded GraphDef or a plain object of its shape (`{ node: [...] }`). */
const graphDefKind = kind<GraphDefMessage>(
  "a GraphDef",
  (v) => typeof v === "object" && v !== null && Array.isArray((v as { node?: unknown }).node),
  (v) => Array.isArray(v.node),
);

/** TF checks `isinstance(dest_nodes, six.string_types)` before anything else. */
const nodeNamesKind = anyKind<readonly string[]>("a list of node names", false);

function checkGraphDef(v: unknown): GraphDefView {
  if (!graphDefKind.check(v)) throw new TypeError("graph_def must be a graph_pb2.GraphDef proto.");
  // A decoded copy: the caller's message is never changed, as TF deep-copies each node.
  return GraphDef.fromBinary(GraphDef.toBinary(v as GraphDefMessage));
}

function checkNames(v: unknown, what: string): readonly string[] {
  if (typeof v === "string") throw new TypeError(`${what} must be a list.`);
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string"))
    throw new TypeError(`${what} must be a list of node names (strings).`);
  return v as string[];
}

/** `_node_name`: `^name` and `name:1` both name the node `name`. */
function nodeName(input: string): string {
  return input.startsWith("^") ? input.slice(1) : (input.split(":")[0] as string);
}

const decoder = new TextDecoder();

interface GraphSummary {
  inputsOf: Map<string, string[]>;
  nodes: Map<string, NodeDefView>;
  order: Map<string, number>;
}

/**
 * `_extract_graph_summary`: each node's inputs, counting the nodes it is colocated with
 * (`_class: loc:@name`) as inputs, so that a subgraph never loses a colocation target.
 */
function summarize(def: GraphDefView): GraphSummary {
  const inputsOf = new Map<string, string[]>();
  const nodes = new Map<string, NodeDefView>();
  const order = new Map<string, number>();
  def.node.forEach((node, seq) => {
    const n = nodeName(node.name ?? "");
    nodes.set(n, node);
    const inputs = (node.input ?? []).map(nodeName);
    for (const s of node.attr?._class?.list?.s ?? []) {
      const group = decoder.decode(s);
      inputs.push(group.startsWith("loc:@") ? group.slice(5) : group);
    }
    inputsOf.set(n, inputs);
    order.set(n, seq);
  });
  return { inputsOf, nodes, order };
}

/** The nodes `targets` reach through inputs, breadth first (`_bfs_for_reachable_nodes`). */
function reachable(targets: readonly string[], inputsOf: Map<string, string[]>): Set<string> {
  const keep = new Set<string>();
  const queue = [...targets];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] as string;
    if (keep.has(node)) continue;
    keep.add(node);
    queue.push(...(inputsOf.get(node) ?? []));
  }
  return keep;
}

function subGraph(def: GraphDefView, destNodes: readonly string[]): GraphDefMessage {
  const { inputsOf, nodes, order } = summarize(def);
  for (const d of destNodes) if (!nodes.has(d)) throw new AssertionError(`${d} is not in graph`);
  const keep = [...reachable(destNodes, inputsOf)]
    .filter((n) => nodes.has(n))
    .sort((a, b) => (order.get(a) as number) - (order.get(b) as number));
  const out: GraphDefMessage = { node: keep.map((n) => nodes.get(n) as NodeDefView) };
  if (def.library) out.library = def.library;
  if (def.versions) out.versions = def.versions;
  return out;
}

function decoded(def: GraphDefMessage): GraphDefView {
  return GraphDef.fromBinary(GraphDef.toBinary(def));
}

/**
 * The part of `graphDef` that can reach any of `destNodes` (by data, control or
 * colocation edges), nodes in their original order, with the graph's `library` and
 * `versions` (TF's `extract_sub_graph`). A name that is not a node throws TF's
 * `AssertionError: <name> is not in graph`.
 *
 * @example
 * ```ts
 * const g = new tf.Graph();
 * g.asDefault(() => {
 *   const a = tf.constant(1, { name: "a" });
 *   tf.add(a, 2, { name: "out" });
 *   tf.multiply(a, 3, { name: "unused" });
 * });
 * tf.graphUtil.extractSubGraph(g.asGraphDef(), ["out"]).node.map((n) => n.name).join(" "); // ==> a out/y out
 * ```
 */
export const extractSubGraph = tfFunction(
  "graphUtil.extractSubGraph",
  [req("graphDef", graphDefKind), req("destNodes", nodeNamesKind)] as const,
  (args): GraphDefView => {
    const def = checkGraphDef(args.graphDef);
    const dest = checkNames(args.destNodes, "dest_nodes");
    return decoded(subGraph(def, dest));
  },
);

/** The variable ops `convert_variables_to_constants` freezes. */
const VARIABLE_OPS: ReadonlySet<string> = new Set(["Variable", "VariableV2", "VarHandleOp"]);

/**
 * A node's value as `make_tensor_proto(data, dtype, shape)` writes a NumPy array: every
 * element written, as bytes when there are several numbers.
 */
function frozenConst(node: NodeDefView, value: NDArray): NodeDefMessage {
  const values =
    value.dtype === "string" ? Array.from(value.data as readonly string[]) : value.data;
  const tensor = tensorProtoOf(
    { dtype: value.dtype, shape: value.shape.slice(), values } as Parameters<
      typeof tensorProtoOf
    >[0],
    false,
  );
  // TF keeps the variable's own dtype attr (a `_ref` type never reaches a VariableV2's attr).
  const dtype = node.attr?.dtype ?? { type: toDataType(value.dtype) };
  return { name: node.name, op: "Const", attr: { dtype, value: { tensor } } };
}

/**
 * A frozen graph (TF's `convert_variables_to_constants`): the subgraph `outputNodeNames`
 * need ({@link extractSubGraph}), each of its `VariableV2` (and legacy `Variable`) nodes
 * replaced by a `Const` of the same name holding the variable's current value in `sess`,
 * so the graph runs with no checkpoint. Reads (`w/read`) stay `Identity` nodes; the
 * `Assign`s, initializers and savers fall away with the rest of the training graph.
 * `variableNamesWhitelist` limits the variables converted, `variableNamesBlacklist`
 * excludes some. Logs TF's `Froze N variables.` and `Converted N variables to const ops.`;
 * the result has no `versions`, as TF 1.15's.
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 2], { name: "x" });
 * const w = tf.getVariable("w", { initializer: tf.constant([[1], [2]]) });
 * tf.matmul(x, w, { name: "y" });
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * const frozen = tf.graphUtil.convertVariablesToConstants(sess, tf.getDefaultGraph().asGraphDef(), ["y"]);
 * frozen.node.map((n) => `${n.name}:${n.op}`).join(" "); // ==> x:Placeholder w:Const w/read:Identity y:MatMul
 * ```
 */
export const convertVariablesToConstants = tfFunction(
  "graphUtil.convertVariablesToConstants",
  [
    req("sess", sessionKind),
    req("inputGraphDef", graphDefKind),
    req("outputNodeNames", nodeNamesKind),
    opt("variableNamesWhitelist", listKind(stringKind)),
    opt("variableNamesBlacklist", listKind(stringKind)),
  ] as const,
  (args): GraphDefView => {
    const def = checkGraphDef(args.inputGraphDef);
    const outputs = checkNames(args.outputNodeNames, "dest_nodes");
    const inference = subGraph(def, outputs);
    const white = args.variableNamesWhitelist;
    const black = args.variableNamesBlacklist;
    const frozen: NodeDefView[] = [];
    const byNodeName = new Map((inference.node as NodeDefView[]).map((n) => [n.name ?? "", n]));
    // Identity nodes between a read and its VarHandleOp pass a resource: frozen, they pass
    // the value, of the read's dtype.
    const resourceIdentityTypes = new Map<string, NodeDefMessage["attr"]>();
    const inputName = (n: NodeDefView): string =>
      (n.input?.[0] ?? "").replace(/^\^/, "").split(":")[0] ?? "";
    for (const node of inference.node as NodeDefView[]) {
      const name = node.name ?? "";
      if (node.op === "ReadVariableOp") {
        let source = inputName(node);
        while (byNodeName.get(source)?.op === "Identity") {
          resourceIdentityTypes.set(source, { T: node.attr?.dtype ?? {} });
          source = inputName(byNodeName.get(source) as NodeDefView);
        }
        if (byNodeName.get(source)?.op !== "VarHandleOp") {
          throw new ValueError("Cannot find the variable that is an input to the ReadVariableOp.");
        }
        continue;
      }
      if (!VARIABLE_OPS.has(node.op ?? "")) continue;
      if (white !== undefined && !white.includes(name)) continue;
      if (black !== undefined && black.includes(name)) continue;
      frozen.push(node);
    }
    // One run for every value, as TF's `sess.run(variable_names)`; a resource variable's
    // value is read through its `Read/ReadVariableOp`.
    const values =
      frozen.length > 0
        ? (args.sess.run(
            frozen.map((n) =>
              n.op === "VarHandleOp" ? `${n.name}/Read/ReadVariableOp:0` : `${n.name}:0`,
            ),
          ) as NDArray[])
        : [];
    hookLogging.info(`Froze ${values.length} variables.`);
    const byName = new Map(frozen.map((n, i) => [n.name ?? "", values[i] as NDArray]));
    let converted = 0;
    const node = (inference.node as NodeDefView[]).map((n): NodeDefMessage => {
      const value = byName.get(n.name ?? "");
      if (value !== undefined) {
        converted++;
        return frozenConst(n, value);
      }
      const identityType = resourceIdentityTypes.get(n.name ?? "");
      if (identityType !== undefined) return { ...n, attr: { ...n.attr, ...identityType } };
      if (n.op === "ReadVariableOp") {
        // Its VarHandleOp is now a Const: the read becomes an Identity of it.
        const attr: NonNullable<NodeDefMessage["attr"]> = { T: n.attr?.dtype ?? {} };
        if (n.attr?._class !== undefined) attr._class = n.attr._class;
        return { name: n.name, op: "Identity", input: [n.input?.[0] ?? ""], attr };
      }
      return n;
    });
    const out: GraphDefMessage = { node };
    if (inference.library) out.library = inference.library;
    hookLogging.info(`Converted ${converted} variables to const ops.`);
    return decoded(out);
  },
);

/**
 * A graph for inference only (TF's `remove_training_nodes`): `CheckNumerics` nodes
 * removed, and `Identity` nodes spliced out (their consumers read the Identity's input)
 * unless they have or are control inputs; `protectedNodes` stay as they are. The result
 * holds only the nodes, as TF's.
 *
 * @example
 * ```ts
 * const def = tf.GraphDef.fromText(`
 *   node { name: "a" op: "Const" }
 *   node { name: "check" op: "CheckNumerics" input: "a" }
 *   node { name: "id" op: "Identity" input: "a" input: "^check" }
 *   node { name: "out" op: "Square" input: "id" }`);
 * const pruned = tf.graphUtil.removeTrainingNodes(def);
 * pruned.node.map((n) => `${n.name}(${(n.input ?? []).join(",")})`).join(" "); // ==> a() out(a)
 * ```
 */
export const removeTrainingNodes = tfFunction(
  "graphUtil.removeTrainingNodes",
  [req("inputGraph", graphDefKind), opt("protectedNodes", listKind(stringKind))] as const,
  (args): GraphDefView => {
    const def = checkGraphDef(args.inputGraph);
    const protectedNodes = new Set(args.protectedNodes ?? []);
    const unhat = (s: string): string => s.replace(/^\^/, "");

    const nodes = def.node.map((n) => ({ ...n, name: n.name ?? "", input: n.input ?? [] }));
    const removed = new Set(
      nodes
        .filter((n) => n.op === "CheckNumerics" && !protectedNodes.has(n.name))
        .map((n) => n.name),
    );
    const afterRemoval = nodes
      .filter((n) => !removed.has(n.name))
      .map((n) => ({ node: n, input: n.input.filter((i) => !removed.has(unhat(i))) }));

    const controlInputNames = new Set<string>();
    const withControlInput = new Set<string>();
    for (const { node, input } of afterRemoval) {
      for (const i of input) {
        // TF tests `"^" in node_input` and strips every `^`: the same for valid names.
        if (i.includes("^")) {
          controlInputNames.add(i.replaceAll("^", ""));
          withControlInput.add(node.name);
        }
      }
    }
    const splice = new Map<string, string>();
    for (const { node, input } of afterRemoval) {
      if (node.op !== "Identity" || protectedNodes.has(node.name)) continue;
      // Control edges may carry ordering that splicing would lose.
      if (withControlInput.has(node.name) || controlInputNames.has(node.name)) continue;
      // An Identity whose only input was a removed CheckNumerics has nothing to splice to
      // (TF fails there with an IndexError): it stays.
      if (input[0] !== undefined) splice.set(node.name, input[0]);
    }

    const node = afterRemoval
      .filter(({ node }) => !splice.has(node.name))
      .map(({ node, input }): NodeDefMessage => {
        const spliced = input.map((full) => {
          let name = unhat(full);
          while (splice.has(name)) {
            full = splice.get(name) as string;
            name = unhat(full);
          }
          return full;
        });
        return { ...node, input: spliced };
      });
    return decoded({ node });
  },
);

/**
 * The static shape of the tensor a NodeDef input string names in `graph` (`"Mul"` means
 * `"Mul:0"`), as TF's `tensor_shape_from_node_def_name`.
 *
 * @example
 * ```ts
 * const g = new tf.Graph();
 * g.asDefault(() => tf.placeholder(tf.float32, [null, 3], { name: "x" }));
 * tf.graphUtil.tensorShapeFromNodeDefName(g, "x").toString(); // ==> (?, 3)
 * ```
 */
export const tensorShapeFromNodeDefName = tfFunction(
  "graphUtil.tensorShapeFromNodeDefName",
  [
    req(
      "graph",
      kind<Graph>("a tf.Graph", (v) => v instanceof Graph),
    ),
    req("inputName", stringKind),
  ] as const,
  (args): TensorShape => {
    const name = args.inputName.includes(":") ? args.inputName : `${args.inputName}:0`;
    return args.graph.getTensorByName(name).shape;
  },
);

const DT_INT32 = toDataType("int32");
const DT_STRING = toDataType("string");

/**
 * Whether a node must run on the CPU (TF's `must_run_on_cpu`): `int32` and string
 * constants, `int32` `DynamicStitch` and `Cast` from `int32`; with `pinVariablesOnCpu`,
 * variable ops too. `node` is an `Operation` or a `NodeDef`.
 *
 * @example
 * ```ts
 * const g = new tf.Graph();
 * const c = g.asDefault(() => tf.constant(1, { dtype: tf.int32 }));
 * tf.graphUtil.mustRunOnCpu(c.op); // ==> true
 * ```
 */
export const mustRunOnCpu = tfFunction(
  "graphUtil.mustRunOnCpu",
  [
    req(
      "node",
      kind<Operation | NodeDefMessage>(
        "an Operation or a NodeDef",
        (v) => v instanceof Operation || (typeof v === "object" && v !== null && "op" in v),
        (v) => typeof v.op === "string",
      ),
    ),
    opt("pinVariablesOnCpu", booleanKind),
  ] as const,
  (args): boolean => {
    const node = args.node instanceof Operation ? nodeDefOf(args.node) : args.node;
    const attr = node.attr ?? {};
    const op = node.op ?? "";
    if (
      args.pinVariablesOnCpu === true &&
      [
        "Assign",
        "AssignAdd",
        "AssignSub",
        "Queue",
        "ScatterAdd",
        "ScatterSub",
        "ScatterUpdate",
        "TruncatedNormal",
        "Variable",
        "VariableV2",
      ].includes(op)
    )
      return true;
    if (op === "Const") {
      const t = attr.dtype?.type;
      return t === DT_STRING || t === DT_INT32;
    }
    if (op === "DynamicStitch" || op === "ParallelDynamicStitch") return attr.T?.type === DT_INT32;
    if (op === "Cast") return attr.SrcT?.type === DT_INT32;
    return false;
  },
);
