/**
 * What a variable created by `getVariable` keeps alive: retained heap bytes per variable,
 * and from a heap snapshot, which objects hold them. The variables are made as
 * `bench/build-graph.ts` makes them (chains of 10 nested `variableScope`s, 10 `[4, 4]`
 * zeros-initialized variables in each), into the default graph.
 *
 *   node --expose-gc --import tsx bench/variable-heap.ts [variables=20000] [--no-snapshot]
 *
 * The breakdown compares a snapshot of the heap holding the variables with one after
 * `resetDefaultGraph()` dropped them: the difference per object kind, divided by the number
 * of variables. Backing stores (elements, out-of-object properties) and V8's internal
 * objects are counted under the object that holds them (`Tensor[] (elements)`,
 * `Error (stack frames)`), so that each row says what to make smaller.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeHeapSnapshot } from "node:v8";
import * as tf from "../src/index.js";

const VARS_PER_SCOPE = 10;
const DEPTH = 10;

const gcFn = (globalThis as { gc?: () => void }).gc;
if (gcFn === undefined) {
  console.error("run with: node --expose-gc --import tsx bench/variable-heap.ts");
  process.exit(2);
}
const gc: () => void = gcFn;

function build(chains: number): number {
  let calls = 0;
  for (let c = 0; c < chains; c++) {
    const nest = (level: number): void => {
      tf.variableScope(`block${c}_${level}`, () => {
        for (let i = 0; i < VARS_PER_SCOPE; i++) {
          tf.getVariable(`w${i}`, [4, 4], { initializer: tf.zerosInitializer() });
          calls++;
        }
        if (level + 1 < DEPTH) nest(level + 1);
      });
    };
    nest(0);
  }
  return calls;
}

function settledHeap(): number {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
}

interface Snapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** The heap now, parsed. */
function readSnapshot(): Snapshot {
  settledHeap();
  const file = writeHeapSnapshot(join(tmpdir(), `variable-heap-${process.pid}.heapsnapshot`));
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  } finally {
    rmSync(file);
  }
}

/**
 * {@link bytesByKind} of a new snapshot. A function of its own, so that the parsed snapshot
 * dies with its frame: a temporary of the module's top level stays in a register of that
 * frame, alive during the next snapshot, and counted there.
 */
function heapByKind(): Kinds {
  return bytesByKind(readSnapshot());
}

/** Self bytes and object count per kind of object (see the file comment). */
function bytesByKind(s: Snapshot): Kinds {
  const meta = s.snapshot.meta;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const nType = meta.node_fields.indexOf("type");
  const nName = meta.node_fields.indexOf("name");
  const nSize = meta.node_fields.indexOf("self_size");
  const nEdges = meta.node_fields.indexOf("edge_count");
  const eType = meta.edge_fields.indexOf("type");
  const eName = meta.edge_fields.indexOf("name_or_index");
  const eTo = meta.edge_fields.indexOf("to_node");
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const { nodes, edges, strings } = s;
  const count = nodes.length / nf;
  // The first retainer of each node (an owner through a property or element edge, or an
  // internal one), for naming backing stores and V8's internal objects by their holder.
  const owner = new Int32Array(count).fill(-1);
  const ownerEdge = new Array<string>(count);
  let e = 0;
  for (let n = 0; n < count; n++) {
    const edgeCount = nodes[n * nf + nEdges] as number;
    for (let k = 0; k < edgeCount; k++, e += ef) {
      const to = (edges[e + eTo] as number) / nf;
      const type = edgeTypes[edges[e + eType] as number] as string;
      if (type === "weak" || type === "shortcut") continue;
      if (owner[to] !== -1) continue;
      owner[to] = n;
      // Elements by position would make a kind per index: one name for them all.
      const name =
        type === "element" || type === "hidden"
          ? ""
          : (strings[edges[e + eName] as number] as string);
      ownerEdge[to] = name === "" || /^\d+$/.test(name) ? "[]" : name;
    }
  }
  const nameOf = (n: number): string => {
    const type = nodeTypes[nodes[n * nf + nType] as number] as string;
    const name = strings[nodes[n * nf + nName] as number] as string;
    if (type === "object" || type === "closure" || type === "regexp") return name;
    if (type === "string" || type === "concatenated string" || type === "sliced string") {
      return "(string)";
    }
    return `(${type}) ${name}`;
  };
  // A node is named by the nearest holder that is an instance of a class (or a function),
  // through at most four hops of plain objects, arrays, strings (the parts of a string
  // built by concatenation) and V8's internal objects, with the path taken:
  // `Operation.attrs._class.[] → (string)`.
  const isClassInstance = (n: number): boolean => {
    const type = nodeTypes[nodes[n * nf + nType] as number] as string;
    const name = strings[nodes[n * nf + nName] as number] as string;
    return (type === "object" && name !== "Object" && name !== "Array") || type === "closure";
  };
  const result = new Map<string, { bytes: number; count: number }>();
  for (let n = 0; n < count; n++) {
    const size = nodes[n * nf + nSize] as number;
    let kind = nameOf(n);
    if (!isClassInstance(n)) {
      let path = "";
      let o = n;
      for (let hop = 0; hop < 4 && owner[o] !== -1; hop++) {
        path = `.${ownerEdge[o] ?? "?"}${path}`;
        o = owner[o] as number;
        if (isClassInstance(o)) break;
      }
      if (o !== n) kind = `${nameOf(o)}${path} → ${kind}`;
    }
    const entry = result.get(kind) ?? { bytes: 0, count: 0 };
    entry.bytes += size;
    entry.count += 1;
    result.set(kind, entry);
  }
  // Fresh flat strings for the keys, which were built by concatenation: the trees of their
  // parts would otherwise stay alive with the map, into the next snapshot.
  return new Map(
    JSON.parse(JSON.stringify([...result])) as [string, { bytes: number; count: number }][],
  );
}

const args = process.argv.slice(2);
const wanted = Number(args.find((a) => /^\d+$/.test(a)) ?? 20000);
const chains = Math.max(1, Math.round(wanted / (VARS_PER_SCOPE * DEPTH)));

// Warm up, so that what stays is the graph, not code compiled on first use.
build(5);
tf.resetDefaultGraph();
settledHeap();

type Kinds = Map<string, { bytes: number; count: number }>;

const baselineAt = args.indexOf("--baseline");
if (baselineAt >= 0) {
  // The child's part: the same process history, the graph then dropped.
  build(chains);
  tf.resetDefaultGraph();
  writeFileSync(args[baselineAt + 1] as string, JSON.stringify([...heapByKind()]));
  process.exit(0);
}

const before = settledHeap();
const vars = build(chains);
const after = settledHeap();
const ops = tf.getDefaultGraph().opCount;
console.log(
  `${vars} variables, ${ops} ops: ${((after - before) / vars).toFixed(0)} bytes per variable retained (heapUsed)`,
);

if (!args.includes("--no-snapshot")) {
  const full = heapByKind();
  // The heap without the graph, from a child that did the same: taken here, it would count
  // this process's map of `full`, a few megabytes of strings and objects.
  const out = join(tmpdir(), `variable-heap-${process.pid}.json`);
  execFileSync(process.execPath, [
    ...process.execArgv,
    fileURLToPath(import.meta.url),
    String(wanted),
    "--baseline",
    out,
  ]);
  const empty: Kinds = new Map(
    JSON.parse(readFileSync(out, "utf8")) as [string, { bytes: number; count: number }][],
  );
  rmSync(out);
  const rows: [string, number, number][] = [];
  let total = 0;
  for (const [kind, { bytes, count }] of full) {
    const base = empty.get(kind) ?? { bytes: 0, count: 0 };
    const d = bytes - base.bytes;
    total += d;
    if (Math.abs(d) / vars >= 1) rows.push([kind, d / vars, (count - base.count) / vars]);
  }
  for (const [kind, { bytes, count }] of empty) {
    if (!full.has(kind) && bytes / vars >= 1) rows.push([kind, -bytes / vars, -count / vars]);
    if (!full.has(kind)) total -= bytes;
  }
  rows.sort((a, b) => b[1] - a[1]);
  console.log(`snapshot difference: ${(total / vars).toFixed(0)} bytes per variable`);
  // By holder: the class a row's path starts from. Code, module sources and source maps
  // differ between this process and the child by what each happened to load: noise.
  const isNoise = (kind: string): boolean =>
    /script_or_debug_info|source_map|Module|\(code\)|system \/ Context/.test(kind);
  const byHolder = new Map<string, number>();
  for (const [kind, bytes] of rows) {
    const noise = isNoise(kind);
    const holder = noise ? "(code, modules: noise)" : (/^[^.→]*/.exec(kind)?.[0] ?? kind).trim();
    byHolder.set(holder, (byHolder.get(holder) ?? 0) + bytes);
  }
  console.log("by holder (rows of at least 1 byte/var):");
  for (const [holder, bytes] of [...byHolder].sort((a, b) => b[1] - a[1])) {
    if (Math.abs(bytes) >= 1) console.log(`${bytes.toFixed(1).padStart(9)}  ${holder}`);
  }
  console.log("bytes/var  objects/var  kind");
  for (const [kind, bytes, count] of rows) {
    if (isNoise(kind)) continue;
    console.log(`${bytes.toFixed(1).padStart(9)}  ${count.toFixed(2).padStart(11)}  ${kind}`);
  }
}
