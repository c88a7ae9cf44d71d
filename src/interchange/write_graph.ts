/**
 * `tf.io.writeGraph` (TF's `tf.io.write_graph`, `tf.train.write_graph`): a graph's
 * `GraphDef` written to a file, as text or binary, as TensorFlow writes it.
 */
import { UnimplementedError } from "../errors.js";
import { nodeFs, nodePath } from "../checkpoint/file_io.js";
import { hasUriScheme } from "../checkpoint/file_systems.js";
import { booleanKind, kind, req, opt, stringKind, tfFunction } from "../graph/call_args.js";
import { Graph, type GraphDefView } from "../graph/graph.js";
import { GraphDef, type tensorflow } from "../proto/index.js";
import "./graph_def.js";

type GraphDefMessage = tensorflow.GraphDef.$Properties;

const graphOrGraphDefKind = kind<Graph | GraphDefMessage>(
  "a tf.Graph or a GraphDef",
  (v) => v instanceof Graph || (typeof v === "object" && v !== null && "node" in v),
);

/** A copy whose nodes' attr maps are in key order: protobuf's deterministic serialization. */
function deterministic(def: GraphDefMessage): GraphDefMessage {
  return {
    ...def,
    node: (def.node ?? []).map((n) => ({
      ...n,
      attr: Object.fromEntries(
        Object.entries(n.attr ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      ),
    })),
  };
}

/**
 * Writes a graph (or a `GraphDef`) to `logdir/name`, creating `logdir` if needed, and
 * returns the path: TensorFlow's text format by default (floats spelled as
 * `write_graph` spells them, `0.10000000149011612`), binary with `asText: false` (map
 * entries in key order, as TF's deterministic serialization). The file is written to a
 * temporary name and renamed into place, as TF's `atomic_write_string_to_file`.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * const g = new tf.Graph();
 * g.asDefault(() => tf.constant(0.1, { name: "c" }));
 * tf.io.writeGraph(g, "logs", "graph.pbtxt"); // ==> logs/graph.pbtxt
 * readFileSync("logs/graph.pbtxt", "utf8").includes("float_val: 0.10000000149011612"); // ==> true
 * ```
 */
export const writeGraph = tfFunction(
  "io.writeGraph",
  [
    req("graphOrGraphDef", graphOrGraphDefKind),
    req("logdir", stringKind),
    req("name", stringKind),
    opt("asText", booleanKind),
  ] as const,
  (args): string => {
    // TF writes through its file systems synchronously; scopeflow's URI file systems
    // (ram://, indexeddb://, …) are asynchronous, so only local paths can be written here.
    if (hasUriScheme(args.logdir))
      throw new UnimplementedError(
        `tf.io.writeGraph writes local files; '${args.logdir}' names a file system by URI scheme: ` +
          "write GraphDef.toBinary(graph.asGraphDef()) with tf.io.getFileSystem(path).writeFile",
      );
    const given = args.graphOrGraphDef;
    const def: GraphDefMessage | GraphDefView = given instanceof Graph ? given.asGraphDef() : given;
    const fs = nodeFs();
    const path = nodePath();
    const asText = args.asText ?? true;
    // Encoded before anything touches the disk, so a bad GraphDef leaves no file behind.
    const bytes: Uint8Array | string = asText
      ? GraphDef.toText(def, { floatStyle: "python-exact" })
      : GraphDef.toBinary(deterministic(def));
    fs.mkdirSync(args.logdir, { recursive: true });
    const target = path.join(args.logdir, args.name);
    // atomic_write_string_to_file's temp name: `<target>.tmp<uuid4 hex>`.
    const random = new Uint8Array(16);
    globalThis.crypto.getRandomValues(random);
    const temp = `${target}.tmp${Array.from(random, (b) => b.toString(16).padStart(2, "0")).join("")}`;
    try {
      fs.writeFileSync(temp, bytes, { flag: "wx" });
      fs.renameSync(temp, target);
    } catch (e) {
      fs.rmSync(temp, { force: true });
      throw e;
    }
    return target;
  },
);
