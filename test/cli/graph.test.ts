/**
 * `scopeflow graph PATH`: the CLI run from source through tsx in a child process over the
 * TF-written fixtures (SavedModels binary and text, MetaGraphs, GraphDefs), and its
 * summary function over graphs scopeflow writes.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as tf from "../../src/index.js";
import { formatSummary, summarizeGraphFile } from "../../src/cli/graph_summary.js";
import { repoRoot, tempDir } from "../checkpoint/helpers.js";

const tsxCli = path.join(repoRoot, "node_modules", "tsx", "dist", "cli.mjs");
const cli = path.join(repoRoot, "src", "checkpoint", "cli.ts");
const fixtures = path.join(repoRoot, "test", "fixtures");
const iris = "test/fixtures/tf-checkpoints/tf-intro-iris-tf1.0-saver/model.ckpt.meta";

function scopeflow(...args: string[]) {
  const r = spawnSync(process.execPath, [tsxCli, cli, "graph", ...args], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

beforeEach(() => {
  tf.resetDefaultGraph();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("scopeflow graph (the command)", () => {
  it("prints a MetaGraph's scopes, variables, placeholders and the ops it cannot run", () => {
    const r = scopeflow(iris, "--depth", "1");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      `${iris}: MetaGraphDef (binary)

MetaGraph #0: tags [] (TensorFlow 1.0.0, producer 21)
  Ops: 126 nodes, 33 op types
    (top level)  3   Placeholder×2, NoOp
    nn/          31  Const×8, Add×4, Assign×4, Identity×4, … 5 more types
    loss/        4   Const, Mean, Shape, SparseSoftmaxCrossEntropyWithLogits
    train/       60  Const×11, Identity×8, NoOp×5, Reshape×5, … 17 more types
    eval/        6   Const×2, ArgMax, Cast, InTopK, … 1 more type
    save/        22  Const×11, Assign×4, RestoreV2×4, Identity, … 2 more types
  Variables (4):
    nn/hidden1/weights  DT_FLOAT  (4, 50)  trainable
    nn/hidden1/biases   DT_FLOAT  (50,)    trainable
    nn/output/weights   DT_FLOAT  (50, 3)  trainable
    nn/output/biases    DT_FLOAT  (3,)     trainable
  Placeholders (2):
    X  DT_FLOAT  (-1, 4)
    y  DT_INT64  unknown_rank
  Signatures (0):
  Ops scopeflow cannot run: none
`,
    );
  });

  it("--json gives the same facts as data; a SavedModel directory lists every meta graph", () => {
    const r = scopeflow("test/fixtures/tf-checkpoints/serving-half-plus-two-tf1.14", "--json");
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout) as ReturnType<typeof summarizeGraphFile>;
    expect(s.format).toBe("SavedModel");
    expect(s.path).toBe("test/fixtures/tf-checkpoints/serving-half-plus-two-tf1.14/saved_model.pb");
    const [g] = s.graphs;
    expect(g?.tags).toEqual(["serve"]);
    expect(g?.tensorflowVersion).toBe("1.14.0");
    expect(g?.producer).toBe(149);
    expect(g?.nodes).toBe(74);
    expect(g?.variables.map((v) => `${v.name} ${v.dtype} ${v.shape} ${v.trainable}`)).toEqual([
      "a DT_FLOAT () true",
      "b DT_FLOAT () true",
      "c DT_FLOAT () true",
      "a2 DT_FLOAT () true",
      "c2 DT_FLOAT () true",
      "filename_tensor DT_STRING () false",
    ]);
    const serving = g?.signatures.find((x) => x.key === "serving_default");
    expect(serving).toEqual({
      key: "serving_default",
      methodName: "tensorflow/serving/predict",
      inputs: [{ key: "x", name: "x:0", dtype: "DT_FLOAT", shape: "(-1, 1)" }],
      outputs: [{ key: "y", name: "y:0", dtype: "DT_FLOAT", shape: "(-1, 1)" }],
    });
    expect(g?.signatures.map((x) => x.key)).toEqual([
      "classify_x_to_y",
      "regress_x2_to_y3",
      "regress_x_to_y",
      "regress_x_to_y2",
      "serving_default",
    ]);
    expect(g?.unsupported).toEqual([]);
    expect(g?.scopes.scopes.find((x) => x.name === "save")?.ops).toBe(25);
  });

  it("names the op types scopeflow lacks and the nodes using them", () => {
    const file = path.join(tempDir(), "g.pbtxt");
    writeFileSync(
      file,
      'node { name: "a" op: "Const" }\n' +
        'node { name: "s/x" op: "NoSuchOpInScopeflow" input: "a" }\n' +
        'node { name: "s/y" op: "NoSuchOpInScopeflow" input: "s/x" }\n' +
        "versions { producer: 134 }\n",
    );
    const r = scopeflow(file, "--depth", "0");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      `${file}: GraphDef (text)

GraphDef (producer 134)
  Ops: 3 nodes, 2 op types
    (top level)  3  NoSuchOpInScopeflow×2, Const
  Variables (0):
  Placeholders (0):
  Ops scopeflow cannot run (1):
    NoSuchOpInScopeflow (not registered): s/x, s/y
`,
    );
  });

  it("a missing path, a corrupt file and bad usage fail with a clear message", () => {
    const missing = scopeflow("no/such/model.pb");
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe("scopeflow graph: no/such/model.pb: no such file or directory\n");
    const dir = tempDir();
    const bad = path.join(dir, "broken.pb");
    writeFileSync(bad, new Uint8Array([0x0a, 0xff, 0xff, 0x01]));
    const corrupt = scopeflow(bad);
    expect(corrupt.status).toBe(1);
    expect(corrupt.stderr).toMatch(/^scopeflow graph: .*broken\.pb: not a valid GraphDef: /);
    const usage = scopeflow();
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("scopeflow graph PATH [--json] [--depth N]");
  });
});

describe("summarizeGraphFile", () => {
  it("a text SavedModel (TF 1.1), a text GraphDef with a function library", () => {
    const sm = summarizeGraphFile(
      path.join(fixtures, "tf-graphs/tf-saved-model-pbtxt-tf1.1/00000123"),
    );
    expect(sm.format).toBe("SavedModel");
    expect(sm.encoding).toBe("text");
    expect(sm.graphs[0]?.signatures).toHaveLength(6);
    expect(sm.graphs[0]?.placeholders).toEqual([
      { name: "tf_example", dtype: "DT_STRING", shape: "unknown_rank" },
    ]);
    const fn = summarizeGraphFile(
      path.join(
        fixtures,
        "tf-graphs/tf-grappler-control-flow-pbtxt/function_functional_while.pbtxt",
      ),
    );
    expect(fn.graphs[0]?.functions).toHaveLength(3);
    // TF's functional `While` and the direct call of a library function both run.
    expect(fn.graphs[0]?.unsupported).toEqual([]);
    expect(fn.graphs[0]?.functionDetails[1]).toEqual({
      name: "Body_8GOMGeZeK5c",
      inputs: ["n: DT_FLOAT", "x: DT_FLOAT"],
      outputs: ["sub: DT_FLOAT", "add: DT_FLOAT"],
      attrs: [],
      nodes: 3,
      gradient: null,
    });
    expect(formatSummary(fn)).toContain(
      "  Library functions (3):\n    MyFunc_AenMyWWx1Us() -> (while: DT_INT32, while_0: DT_FLOAT): 3 nodes\n    Body_8GOMGeZeK5c(n: DT_FLOAT, x: DT_FLOAT) -> (sub: DT_FLOAT, add: DT_FLOAT): 3 nodes\n",
    );
    const loop = summarizeGraphFile(
      path.join(fixtures, "tf-graphs/tf-grappler-control-flow-pbtxt/while_loop.pbtxt"),
    );
    expect(loop.graphs[0]?.unsupported).toEqual([]);
    expect(loop.graphs[0]?.placeholders.map((p) => p.name)).toHaveLength(1);
  });

  it("a frozen scopeflow graph: no variables, every op runnable, scopes to the depth asked", () => {
    vi.spyOn(console, "info").mockImplementation(() => {});
    const x = tf.placeholder(tf.float32, [null, 3], { name: "x" });
    tf.layers.dense(tf.layers.dense(x, 4, { name: "l1" }), 2, { name: "l2" });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const frozen = tf.graphUtil.convertVariablesToConstants(
      sess,
      tf.getDefaultGraph().asGraphDef(),
      ["l2/BiasAdd"],
    );
    const file = tf.io.writeGraph(frozen, tempDir(), "frozen.pb", false);
    const s = summarizeGraphFile(file, 1);
    const g = s.graphs[0];
    expect(g?.variables).toEqual([]);
    expect(g?.unsupported).toEqual([]);
    expect(g?.producer).toBeNull();
    expect(g?.scopes.scopes.map((c) => `${c.name} ${c.ops}`)).toEqual(["l1 6", "l2 6"]);
    expect(formatSummary(s)).toContain("    l1/          6  Const×2, Identity×2, BiasAdd, MatMul");
  });
});
