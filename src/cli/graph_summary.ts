/**
 * `scopeflow graph PATH`: what a TensorFlow graph file holds — a GraphDef (`.pb`, `.pbtxt`),
 * a MetaGraphDef (`.meta`) or a SavedModel (its directory, `saved_model.pb`/`.pbtxt`): ops
 * by name scope, variables, placeholders, signatures, and the op types scopeflow cannot
 * run, with the nodes using them. Node-only (reads files).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import "../index.js";
import { isScopeflowOnly } from "../ops/op_def.js";
import { getOpDefinition } from "../ops/registry.js";
import { GraphDef, MetaGraphDef, SavedModel, tensorflow } from "../proto/index.js";

type GraphDefMessage = tensorflow.GraphDef.$Properties;
type NodeDefMessage = tensorflow.NodeDef.$Properties;
type MetaGraphMessage = tensorflow.MetaGraphDef.$Properties;
type ShapeMessage = tensorflow.TensorShapeProto.$Properties;
type TensorInfoMessage = tensorflow.TensorInfo.$Properties;

/** One name scope: how many ops it holds (nested ones included), by type, and its scopes. */
export interface ScopeSummary {
  name: string;
  ops: number;
  types: Record<string, number>;
  scopes: ScopeSummary[];
}

export interface TensorSummary {
  name: string;
  dtype: string;
  shape: string;
}

export interface VariableSummary extends TensorSummary {
  op: string;
  trainable: boolean | null;
}

export interface SignatureSummary {
  key: string;
  methodName: string;
  inputs: (TensorSummary & { key: string })[];
  outputs: (TensorSummary & { key: string })[];
}

/** A function of the graph's library: its signature, size and `GradientDef`. */
export interface FunctionSummary {
  name: string;
  /** `name: DT_FLOAT` per input arg (a type attr's name for a polymorphic one). */
  inputs: string[];
  outputs: string[];
  /** The signature's attrs (`T: type`), set by each call. */
  attrs: string[];
  nodes: number;
  gradient: string | null;
}

export interface UnsupportedOp {
  type: string;
  why: "not registered" | "scopeflow-only";
  nodes: string[];
}

/** One graph: a GraphDef's, or a MetaGraphDef's (with its tags and signatures). */
export interface GraphSummary {
  tags: string[] | null;
  tensorflowVersion: string | null;
  producer: number | null;
  nodes: number;
  functions: string[];
  functionDetails: FunctionSummary[];
  opTypes: Record<string, number>;
  scopes: ScopeSummary;
  variables: VariableSummary[];
  placeholders: TensorSummary[];
  signatures: SignatureSummary[];
  unsupported: UnsupportedOp[];
}

export interface FileSummary {
  path: string;
  format: "GraphDef" | "MetaGraphDef" | "SavedModel";
  encoding: "binary" | "text";
  graphs: GraphSummary[];
}

/** A file that cannot be read as a graph: the message names the file and the cause. */
export class GraphFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GraphFileError";
  }
}

const decoder = new TextDecoder();

/** `DT_FLOAT`, as saved_model_cli prints dtypes. */
function dtypeName(type: number | null | undefined): string {
  return tensorflow.DataType[type ?? 0] ?? `DataType(${type})`;
}

/** `(-1, 3)`, `()`, `unknown_rank`, as saved_model_cli prints shapes. */
function shapeText(shape: ShapeMessage | null | undefined): string {
  if (shape === null || shape === undefined || shape.unknownRank) return "unknown_rank";
  const dims = (shape.dim ?? []).map((d) => String(Number(d.size ?? 0)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(", ")})`;
}

function scopeTree(nodes: readonly NodeDefMessage[], depth: number): ScopeSummary {
  const root: ScopeSummary = { name: "", ops: 0, types: {}, scopes: [] };
  for (const node of nodes) {
    const parts = (node.name ?? "").split("/").slice(0, -1).slice(0, depth);
    const type = node.op ?? "";
    let at = root;
    const visit = (s: ScopeSummary): void => {
      s.ops++;
      s.types[type] = (s.types[type] ?? 0) + 1;
    };
    visit(at);
    for (const part of parts) {
      let next = at.scopes.find((s) => s.name === part);
      if (next === undefined) {
        next = { name: part, ops: 0, types: {}, scopes: [] };
        at.scopes.push(next);
      }
      at = next;
      visit(at);
    }
  }
  return root;
}

const VARIABLE_OPS = new Set(["VariableV2", "Variable", "VarHandleOp"]);

function unsupportedOps(
  nodes: readonly NodeDefMessage[],
  functions: readonly tensorflow.FunctionDef.$Properties[],
): UnsupportedOp[] {
  const byType = new Map<string, UnsupportedOp>();
  const check = (type: string, where: string): void => {
    const def = getOpDefinition(type);
    const why =
      def === undefined
        ? "not registered"
        : def.opDef !== undefined && isScopeflowOnly(def.opDef)
          ? "scopeflow-only"
          : null;
    if (why === null) return;
    let entry = byType.get(type);
    if (entry === undefined) {
      entry = { type, why, nodes: [] };
      byType.set(type, entry);
    }
    entry.nodes.push(where);
  };
  const library = new Set(functions.map((f) => f.signature?.name ?? ""));
  for (const n of nodes) if (!library.has(n.op ?? "")) check(n.op ?? "", n.name ?? "");
  for (const f of functions) {
    const fname = f.signature?.name ?? "";
    for (const n of f.nodeDef ?? [])
      if (!library.has(n.op ?? "")) check(n.op ?? "", `${fname}:${n.name ?? ""}`);
  }
  return [...byType.values()].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

type ArgMessage = tensorflow.OpDef.ArgDef.$Properties;

function argText(a: ArgMessage): string {
  const type = a.typeAttr || a.typeListAttr || dtypeName(a.type);
  return `${a.name ?? ""}: ${a.numberAttr ? `${a.numberAttr} * ${type}` : type}`;
}

function functionSummary(
  f: tensorflow.FunctionDef.$Properties,
  gradients: readonly tensorflow.GradientDef.$Properties[],
): FunctionSummary {
  const name = f.signature?.name ?? "";
  return {
    name,
    inputs: (f.signature?.inputArg ?? []).map(argText),
    outputs: (f.signature?.outputArg ?? []).map(argText),
    attrs: (f.signature?.attr ?? []).map((a) => `${a.name ?? ""}: ${a.type ?? ""}`),
    nodes: (f.nodeDef ?? []).length,
    gradient: gradients.find((g) => g.functionName === name)?.gradientFunc ?? null,
  };
}

function tensorInfo(key: string, info: TensorInfoMessage): TensorSummary & { key: string } {
  return {
    key,
    name: info.name ?? (info.cooSparse ? "(sparse)" : ""),
    dtype: dtypeName(info.dtype),
    shape: shapeText(info.tensorShape),
  };
}

/** The `variables`/`trainable_variables` collections' VariableDef names, when present. */
function collectionVariables(meta: MetaGraphMessage | null, key: string): Set<string> | null {
  const bytes = meta?.collectionDef?.[key]?.bytesList?.value;
  if (bytes === undefined || bytes === null) return null;
  return new Set(bytes.map((b) => tensorflow.VariableDef.decode(b).variableName));
}

function summarizeGraph(
  def: GraphDefMessage,
  meta: MetaGraphMessage | null,
  depth: number,
): GraphSummary {
  const nodes = def.node ?? [];
  const opTypes: Record<string, number> = {};
  for (const n of nodes) opTypes[n.op ?? ""] = (opTypes[n.op ?? ""] ?? 0) + 1;
  const trainable = collectionVariables(meta, "trainable_variables");
  const variables: VariableSummary[] = nodes
    .filter((n) => VARIABLE_OPS.has(n.op ?? ""))
    .map((n) => ({
      name: n.name ?? "",
      op: n.op ?? "",
      dtype: dtypeName(n.attr?.dtype?.type),
      shape: shapeText(n.attr?.shape?.shape),
      trainable: trainable === null ? null : trainable.has(`${n.name ?? ""}:0`),
    }));
  const producer = def.versions?.producer;
  // TF's Placeholder shape function: in GraphDefs up to version 21 a scalar `shape` attr
  // meant "unknown"; the `_output_shapes` TF wrote, when there, say what it inferred.
  const placeholderShape = (n: NodeDefMessage): ShapeMessage | null | undefined => {
    const inferred = n.attr?._output_shapes?.list?.shape?.[0];
    if (inferred !== undefined) return inferred;
    const shape = n.attr?.shape?.shape;
    const scalar = shape && !shape.unknownRank && (shape.dim ?? []).length === 0;
    return scalar && Number(producer ?? 0) <= 21 ? null : shape;
  };
  const placeholders = nodes
    .filter((n) => ["Placeholder", "PlaceholderV2", "PlaceholderWithDefault"].includes(n.op ?? ""))
    .map((n) => ({
      name: n.name ?? "",
      dtype: dtypeName(n.attr?.dtype?.type),
      shape: shapeText(placeholderShape(n)),
    }));
  const signatures = Object.entries(meta?.signatureDef ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, sig]) => ({
      key,
      methodName: sig.methodName ?? "",
      inputs: Object.entries(sig.inputs ?? {}).map(([k, v]) => tensorInfo(k, v)),
      outputs: Object.entries(sig.outputs ?? {}).map(([k, v]) => tensorInfo(k, v)),
    }));
  const functions = def.library?.function ?? [];
  return {
    tags: meta === null ? null : (meta.metaInfoDef?.tags ?? []),
    tensorflowVersion: meta?.metaInfoDef?.tensorflowVersion || null,
    producer: producer === undefined || producer === null ? null : Number(producer),
    nodes: nodes.length,
    functions: functions.map((f) => f.signature?.name ?? ""),
    functionDetails: functions.map((f) => functionSummary(f, def.library?.gradient ?? [])),
    opTypes,
    scopes: scopeTree(nodes, depth),
    variables,
    placeholders,
    signatures,
    unsupported: unsupportedOps(nodes, functions),
  };
}

function parse<T>(what: string, file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new GraphFileError(
      `${file}: not a valid ${what}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/**
 * Reads a graph file, or a SavedModel directory, and summarizes it (ops grouped by name
 * scope to `depth` levels). Throws {@link GraphFileError} for a missing or corrupt file.
 */
export function summarizeGraphFile(file: string, depth = 2): FileSummary {
  let target = file;
  if (!fs.existsSync(target)) throw new GraphFileError(`${file}: no such file or directory`);
  if (fs.statSync(target).isDirectory()) {
    const found = ["saved_model.pb", "saved_model.pbtxt"]
      .map((n) => path.join(target, n))
      .find((p) => fs.existsSync(p));
    if (found === undefined)
      throw new GraphFileError(
        `${file}: a directory without saved_model.pb or saved_model.pbtxt (not a SavedModel)`,
      );
    target = found;
  }
  const base = path.basename(target);
  const text = base.endsWith(".pbtxt") || base.endsWith(".txt");
  const bytes = new Uint8Array(fs.readFileSync(target));
  const content = text ? decoder.decode(bytes) : "";
  if (base === "saved_model.pb" || base === "saved_model.pbtxt") {
    const sm = parse("SavedModel", target, () =>
      text ? SavedModel.fromText(content) : SavedModel.fromBinary(bytes),
    );
    if (sm.metaGraphs.length === 0)
      throw new GraphFileError(`${target}: a SavedModel with no meta graphs`);
    return {
      path: target,
      format: "SavedModel",
      encoding: text ? "text" : "binary",
      graphs: sm.metaGraphs.map((m) => summarizeGraph(m.graphDef ?? {}, m, depth)),
    };
  }
  if (base.endsWith(".meta")) {
    const meta = parse("MetaGraphDef", target, () =>
      text ? MetaGraphDef.fromText(content) : MetaGraphDef.fromBinary(bytes),
    );
    return {
      path: target,
      format: "MetaGraphDef",
      encoding: text ? "text" : "binary",
      graphs: [summarizeGraph(meta.graphDef ?? {}, meta, depth)],
    };
  }
  const def = parse("GraphDef", target, () =>
    text ? GraphDef.fromText(content) : GraphDef.fromBinary(bytes),
  );
  return {
    path: target,
    format: "GraphDef",
    encoding: text ? "text" : "binary",
    graphs: [summarizeGraph(def, null, depth)],
  };
}

function typeCounts(types: Record<string, number>, limit: number): string {
  const sorted = Object.entries(types).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  const shown = sorted.slice(0, limit).map(([t, n]) => (n > 1 ? `${t}×${n}` : t));
  const more = sorted.length - limit;
  if (more > 0) shown.push(`… ${more} more type${more === 1 ? "" : "s"}`);
  return shown.join(", ");
}

function table(rows: string[][], indent: string): string[] {
  const widths = rows.reduce<number[]>(
    (w, r) => r.map((c, i) => Math.max(w[i] ?? 0, c.length)),
    [],
  );
  return rows.map(
    (r) =>
      indent +
      r
        .map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i] ?? 0) : c))
        .join("  ")
        .trimEnd(),
  );
}

function scopeLines(scope: ScopeSummary): string[] {
  const rows: string[][] = [];
  const direct = (s: ScopeSummary): Record<string, number> => {
    const out = { ...s.types };
    for (const c of s.scopes)
      for (const [t, n] of Object.entries(c.types)) {
        out[t] = (out[t] ?? 0) - n;
        if (out[t] === 0) delete out[t];
      }
    return out;
  };
  const topLevel = direct(scope);
  const count = Object.values(topLevel).reduce((a, b) => a + b, 0);
  if (count > 0) rows.push(["(top level)", String(count), typeCounts(topLevel, 4)]);
  const walk = (s: ScopeSummary, level: number): void => {
    for (const c of s.scopes) {
      rows.push([`${"  ".repeat(level)}${c.name}/`, String(c.ops), typeCounts(c.types, 4)]);
      walk(c, level + 1);
    }
  };
  walk(scope, 0);
  return table(rows, "    ");
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

/** The summary as text: one section per graph. */
export function formatSummary(summary: FileSummary): string {
  const lines: string[] = [];
  const n = summary.graphs.length;
  lines.push(
    `${summary.path}: ${summary.format} (${summary.encoding})` +
      (summary.format === "SavedModel" ? `, ${n} meta graph${n === 1 ? "" : "s"}` : ""),
  );
  summary.graphs.forEach((g, i) => {
    lines.push("");
    const about = [
      g.tensorflowVersion !== null ? `TensorFlow ${g.tensorflowVersion}` : null,
      g.producer !== null ? `producer ${g.producer}` : null,
    ].filter((x) => x !== null);
    const title = g.tags !== null ? `MetaGraph #${i}: tags [${g.tags.join(", ")}]` : "GraphDef";
    lines.push(`${title}${about.length > 0 ? ` (${about.join(", ")})` : ""}`);
    const types = Object.keys(g.opTypes).length;
    lines.push(
      `  Ops: ${plural(g.nodes, "node")}, ${plural(types, "op type")}` +
        (g.functions.length > 0 ? `, ${plural(g.functions.length, "library function")}` : ""),
    );
    lines.push(...scopeLines(g.scopes));
    lines.push(`  Variables (${g.variables.length}):`);
    lines.push(
      ...table(
        g.variables.map((v) => [
          v.name,
          v.dtype,
          v.shape,
          v.trainable === null ? v.op : v.trainable ? "trainable" : "not trainable",
        ]),
        "    ",
      ),
    );
    lines.push(`  Placeholders (${g.placeholders.length}):`);
    lines.push(
      ...table(
        g.placeholders.map((p) => [p.name, p.dtype, p.shape]),
        "    ",
      ),
    );
    if (g.functionDetails.length > 0) {
      lines.push(`  Library functions (${g.functionDetails.length}):`);
      for (const f of g.functionDetails) {
        const attrs = f.attrs.length > 0 ? `[${f.attrs.join(", ")}]` : "";
        const grad = f.gradient !== null ? `, gradient ${f.gradient}` : "";
        lines.push(
          `    ${f.name}${attrs}(${f.inputs.join(", ")}) -> (${f.outputs.join(", ")}): ${plural(f.nodes, "node")}${grad}`,
        );
      }
    }
    if (g.tags !== null) {
      lines.push(`  Signatures (${g.signatures.length}):`);
      for (const s of g.signatures) {
        lines.push(`    ${s.key} (${s.methodName})`);
        const io = (label: string, ts: SignatureSummary["inputs"]): string[][] =>
          ts.map((t, k) => [k === 0 ? label : "", t.key, t.name, t.dtype, t.shape]);
        lines.push(...table([...io("inputs:", s.inputs), ...io("outputs:", s.outputs)], "      "));
      }
    }
    if (g.unsupported.length === 0) {
      lines.push("  Ops scopeflow cannot run: none");
    } else {
      lines.push(`  Ops scopeflow cannot run (${g.unsupported.length}):`);
      for (const u of g.unsupported) {
        const shown = u.nodes.slice(0, 5).join(", ");
        const more = u.nodes.length > 5 ? `, … ${u.nodes.length - 5} more` : "";
        lines.push(`    ${u.type} (${u.why}): ${shown}${more}`);
      }
    }
  });
  return `${lines.join("\n")}\n`;
}
