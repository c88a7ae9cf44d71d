/**
 * `tf.graphUtil`: frozen graphs as TF 1.15's `convert_variables_to_constants` writes them
 * (graph_util_test.py's cases), `extract_sub_graph`, `remove_training_nodes`.
 */
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as tf from "../../src/index.js";
import { GraphDef, type tensorflow } from "../../src/proto/index.js";
import { tempDir } from "../checkpoint/helpers.js";

const DT_FLOAT = 1;
const DT_INT32 = 3;
const DT_BOOL = 10;

let logged: string[] = [];
beforeEach(() => {
  tf.resetDefaultGraph();
  logged = [];
  vi.spyOn(console, "info").mockImplementation((m: unknown) => {
    logged.push(String(m));
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

type NodeDef = tensorflow.NodeDef;

function node(def: tensorflow.GraphDef, name: string): NodeDef {
  const n = def.node.find((x) => x.name === name);
  if (n === undefined) throw new Error(`no node ${name}`);
  return n as NodeDef;
}

function floats(n: NodeDef): number[] {
  const t = n.attr.value?.tensor;
  const content = t?.tensorContent;
  if (content && content.length > 0)
    return Array.from(new Float32Array(new Uint8Array(content).buffer));
  return t?.floatVal ?? [];
}

/** A two-layer MLP trained a few steps, so its variables hold values no initializer gave. */
function trainedMlp(sess: tf.Session): { x: tf.Tensor; y: tf.Tensor } {
  const x = tf.placeholder(tf.float32, [null, 3], { name: "x" });
  const h = tf.layers.dense(x, 4, { activation: tf.nn.relu, name: "hidden" });
  const y = tf.identity(tf.layers.dense(h, 2, { name: "logits" }), { name: "output" });
  const loss = tf.reduceMean(tf.square(y));
  const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
  sess.run(tf.globalVariablesInitializer());
  for (let i = 0; i < 3; i++)
    sess.run(
      train,
      new Map([
        [
          x,
          [
            [1, 2, 3],
            [-1, 0.5, 2],
          ],
        ],
      ]),
    );
  return { x, y };
}

describe("tf.graphUtil.convertVariablesToConstants", () => {
  it("freezes an MLP: variables become Consts of their session values, training falls away", () => {
    using sess = new tf.Session();
    trainedMlp(sess);
    const graphDef = tf.getDefaultGraph().asGraphDef();
    const frozen = tf.graphUtil.convertVariablesToConstants(sess, graphDef, ["output"]);
    expect(frozen.node.map((n) => `${n.name}:${n.op}`)).toEqual([
      "x:Placeholder",
      "hidden/kernel:Const",
      "hidden/kernel/read:Identity",
      "hidden/bias:Const",
      "hidden/bias/read:Identity",
      "hidden/MatMul:MatMul",
      "hidden/BiasAdd:BiasAdd",
      "hidden/Relu:Relu",
      "logits/kernel:Const",
      "logits/kernel/read:Identity",
      "logits/bias:Const",
      "logits/bias/read:Identity",
      "logits/MatMul:MatMul",
      "logits/BiasAdd:BiasAdd",
      "output:Identity",
    ]);
    const [kernel, bias] = sess.run(["hidden/kernel:0", "logits/bias:0"]) as tf.NDArray[];
    const k = node(frozen, "hidden/kernel");
    expect(Object.keys(k.attr).sort()).toEqual(["dtype", "value"]);
    expect(k.attr.dtype?.type).toBe(DT_FLOAT);
    expect(k.input).toEqual([]);
    expect(k.attr.value?.tensor?.tensorShape?.dim?.map((d) => Number(d.size))).toEqual([3, 4]);
    expect(floats(k)).toEqual(Array.from(kernel?.data as Float32Array));
    expect(floats(node(frozen, "logits/bias"))).toEqual(Array.from(bias?.data as Float32Array));
    // The read keeps its input and TF's colocation with the variable.
    expect(node(frozen, "hidden/kernel/read").input).toEqual(["hidden/kernel"]);
    // TF 1.15 returns a GraphDef without versions.
    expect(frozen.versions).toBeNull();
    expect(logged).toEqual([
      "INFO:tensorflow:Froze 4 variables.",
      "INFO:tensorflow:Converted 4 variables to const ops.",
    ]);
    // The input GraphDef is left as it was.
    expect(node(graphDef, "hidden/kernel").op).toBe("VariableV2");
  });

  it("the frozen MLP runs in a fresh graph with no variables, giving the session's outputs", () => {
    using sess = new tf.Session();
    const { x, y } = trainedMlp(sess);
    const batch = [
      [0.5, -1, 2],
      [3, 0, -0.25],
    ];
    const expected = sess.run(y, new Map([[x, batch]])) as tf.NDArray;
    const frozen = tf.graphUtil.convertVariablesToConstants(
      sess,
      tf.getDefaultGraph().asGraphDef(),
      ["output"],
    );
    const g = new tf.Graph();
    const [out, input] = g.asDefault(
      () =>
        tf.importGraphDef(frozen, { returnElements: ["output:0", "x:0"], name: "" }) as tf.Tensor[],
    );
    expect(g.getOperations().filter((op) => op.type === "VariableV2")).toEqual([]);
    using fresh = new tf.Session({ graph: g });
    const got = fresh.run(out as tf.Tensor, new Map([[input as tf.Tensor, batch]])) as tf.NDArray;
    expect(Array.from(got.data as Float32Array)).toEqual(Array.from(expected.data as Float32Array));
  });

  it("writes every element, as make_tensor_proto writes a NumPy array; scalars as *_val", () => {
    const z = tf.getVariable("z", [2, 2], { initializer: tf.zerosInitializer() });
    const s = tf.getVariable("s", [], { initializer: tf.constantInitializer(3) });
    const n = tf.getVariable("n", { initializer: tf.constant([4, 5], { dtype: tf.int32 }) });
    const b = new tf.Variable(tf.constant([true, true]), { name: "flag" });
    tf.group([tf.identity(z), tf.identity(s), tf.identity(n), tf.identity(b)], { name: "out" });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const frozen = tf.graphUtil.convertVariablesToConstants(
      sess,
      tf.getDefaultGraph().asGraphDef(),
      ["out"],
    );
    const zt = node(frozen, "z").attr.value?.tensor;
    expect(Array.from(zt?.tensorContent ?? [])).toEqual(new Array(16).fill(0));
    expect(node(frozen, "s").attr.value?.tensor?.floatVal).toEqual([3]);
    const nt = node(frozen, "n").attr.value?.tensor;
    expect(nt?.dtype).toBe(DT_INT32);
    expect(Array.from(nt?.tensorContent ?? [])).toEqual([4, 0, 0, 0, 5, 0, 0, 0]);
    const bt = node(frozen, "flag").attr.value?.tensor;
    expect(bt?.dtype).toBe(DT_BOOL);
    expect(bt?.boolVal).toEqual([true, true]);
  });

  it("whitelist and blacklist choose the variables converted", () => {
    const a = tf.getVariable("a", [1]);
    const b = tf.getVariable("b", [1]);
    const c = tf.getVariable("c", [1]);
    tf.addN([a, b, c], { name: "sum" });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const def = tf.getDefaultGraph().asGraphDef();
    const ops = (g: tensorflow.GraphDef): string =>
      ["a", "b", "c"].map((v) => node(g, v).op).join(" ");
    const white = tf.graphUtil.convertVariablesToConstants(sess, def, ["sum"], {
      variableNamesWhitelist: ["a", "c"],
    });
    expect(ops(white)).toBe("Const VariableV2 Const");
    const black = tf.graphUtil.convertVariablesToConstants(sess, def, ["sum"], {
      variableNamesBlacklist: ["a"],
    });
    expect(ops(black)).toBe("VariableV2 Const Const");
    const both = tf.graphUtil.convertVariablesToConstants(sess, def, ["sum"], ["a", "b"], ["b"]);
    expect(ops(both)).toBe("Const VariableV2 VariableV2");
    expect(logged.slice(-2)).toEqual([
      "INFO:tensorflow:Froze 1 variables.",
      "INFO:tensorflow:Converted 1 variables to const ops.",
    ]);
  });

  it("raises TF's errors: a missing output, a string for the names, not a GraphDef", () => {
    const v = tf.getVariable("v", [1]);
    tf.identity(v, { name: "out" });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const def = tf.getDefaultGraph().asGraphDef();
    expect(() => tf.graphUtil.convertVariablesToConstants(sess, def, ["nope"])).toThrow(
      "nope is not in graph",
    );
    expect(() =>
      tf.graphUtil.convertVariablesToConstants(sess, def, "out" as unknown as string[]),
    ).toThrow("dest_nodes must be a list.");
    expect(() =>
      tf.graphUtil.extractSubGraph(42 as unknown as tensorflow.GraphDef, ["out"]),
    ).toThrow("a GraphDef");
    // Nothing ran: no log line for a refused call.
    expect(logged).toEqual([]);
  });

  it("a frozen CNN written with tf.io.writeGraph as a .pb imports and runs as the session did", () => {
    const images = tf.placeholder(tf.float32, [null, 6, 6, 1], { name: "images" });
    const conv = tf.layers.conv2d(images, 2, 3, { activation: tf.nn.relu, name: "conv" });
    const pool = tf.layers.maxPooling2d(conv, 2, 2);
    const flat = tf.layers.flatten(pool);
    tf.nn.softmax(tf.layers.dense(flat, 3, { name: "fc" }), { name: "probs" });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const frozen = tf.graphUtil.convertVariablesToConstants(
      sess,
      tf.getDefaultGraph().asGraphDef(),
      ["probs"],
    );
    const file = tf.io.writeGraph(frozen, tempDir(), "frozen.pb", false);
    const back = GraphDef.fromBinary(new Uint8Array(readFileSync(file)));
    expect(back.node.map((n) => n.name)).toEqual(frozen.node.map((n) => n.name));
    expect(back.node.filter((n) => n.op === "VariableV2")).toEqual([]);
    expect(back.node.filter((n) => n.op === "Const").map((n) => n.name)).toContain("conv/kernel");
    const kernel = sess.run("conv/kernel:0") as tf.NDArray;
    expect(floats(node(back, "conv/kernel"))).toEqual(Array.from(kernel.data as Float32Array));
    // The file's graph, imported, classifies as the session did.
    const batch = Array.from({ length: 2 }, (_, n) =>
      Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => [(n + i * j) % 5])),
    );
    const expected = sess.run("probs:0", new Map([[images, batch]])) as tf.NDArray;
    const g = new tf.Graph();
    const [probs, input] = g.asDefault(
      () =>
        tf.importGraphDef(new Uint8Array(readFileSync(file)), {
          returnElements: ["probs:0", "images:0"],
        }) as tf.Tensor[],
    );
    expect(probs?.name).toBe("import/probs:0");
    using fresh = new tf.Session({ graph: g });
    const got = fresh.run(probs as tf.Tensor, new Map([[input as tf.Tensor, batch]])) as tf.NDArray;
    expect(Array.from(got.data as Float32Array)).toEqual(Array.from(expected.data as Float32Array));
  });
});

describe("tf.graphUtil.extractSubGraph", () => {
  it("keeps what the destinations reach by data, control and colocation edges, in order", () => {
    const def = GraphDef.fromText(`
      node { name: "a" op: "Const" }
      node { name: "b" op: "Const" }
      node { name: "unused" op: "Const" }
      node { name: "colo" op: "NoOp" }
      node { name: "c" op: "Add" input: "a:0" input: "^b"
             attr { key: "_class" value { list { s: "loc:@colo" } } } }
      node { name: "d" op: "Identity" input: "c" }
      library { function { signature { name: "f" } } }
      versions { producer: 134 }
    `);
    const sub = tf.graphUtil.extractSubGraph(def, ["d"]);
    expect(sub.node.map((n) => n.name)).toEqual(["a", "b", "colo", "c", "d"]);
    expect(sub.library?.function?.[0]?.signature?.name).toBe("f");
    expect(sub.versions?.producer).toBe(134);
    expect(() => tf.graphUtil.extractSubGraph(def, "d" as unknown as string[])).toThrow(
      "dest_nodes must be a list.",
    );
    expect(() => tf.graphUtil.extractSubGraph(def, ["d", "zz"])).toThrow("zz is not in graph");
  });
});

describe("tf.graphUtil.removeTrainingNodes", () => {
  it("drops CheckNumerics and splices Identity, as graph_util_test's case", () => {
    const def = GraphDef.fromText(`
      node { name: "a_constant" op: "Const" }
      node { name: "a_check" op: "CheckNumerics" input: "a_constant" }
      node { name: "a_identity" op: "Identity" input: "a_constant" input: "^a_check" }
      node { name: "b_constant" op: "Const" }
      node { name: "b_check" op: "CheckNumerics" input: "b_constant" }
      node { name: "b_identity" op: "Identity" input: "b_constant" input: "^b_check" }
      node { name: "add" op: "Add" input: "a_identity" input: "b_identity" }
    `);
    const pruned = tf.graphUtil.removeTrainingNodes(def);
    expect(pruned.node.map((n) => `${n.name}(${(n.input ?? []).join(",")})`)).toEqual([
      "a_constant()",
      "b_constant()",
      "add(a_constant,b_constant)",
    ]);
    expect(pruned.versions).toBeNull();
  });

  it("keeps Identity nodes with or used as control inputs, and protected ones", () => {
    const def = GraphDef.fromText(`
      node { name: "a" op: "Const" }
      node { name: "id1" op: "Identity" input: "a" }
      node { name: "id2" op: "Identity" input: "id1" }
      node { name: "b" op: "Const" input: "^id3" }
      node { name: "id3" op: "Identity" input: "a" }
      node { name: "id4" op: "Identity" input: "a" input: "^b" }
      node { name: "out" op: "Add" input: "id2" input: "id4" }
      node { name: "kept" op: "Identity" input: "a" }
    `);
    const pruned = tf.graphUtil.removeTrainingNodes(def, ["kept"]);
    expect(pruned.node.map((n) => `${n.name}(${(n.input ?? []).join(",")})`)).toEqual([
      "a()",
      "b(^id3)",
      "id3(a)",
      "id4(a,^b)",
      "out(a,id4)",
      "kept(a)",
    ]);
  });
});

describe("tf.graphUtil.tensorShapeFromNodeDefName and mustRunOnCpu", () => {
  it("read a static shape; tell CPU-only nodes", () => {
    const x = tf.placeholder(tf.float32, [null, 3], { name: "x" });
    const [a, b] = tf.split(x, [1, 2], 1);
    void a;
    const g = tf.getDefaultGraph();
    expect(tf.graphUtil.tensorShapeFromNodeDefName(g, "x").toString()).toBe("(?, 3)");
    expect(tf.graphUtil.tensorShapeFromNodeDefName(g, `${b?.op.name}:1`).toString()).toBe("(?, 2)");
    const i = tf.constant(1, { dtype: tf.int32 });
    const f = tf.constant(1);
    expect(tf.graphUtil.mustRunOnCpu(i.op)).toBe(true);
    expect(tf.graphUtil.mustRunOnCpu(f.op)).toBe(false);
    const cast = tf.cast(i, tf.float32);
    expect(tf.graphUtil.mustRunOnCpu(cast.op)).toBe(true);
    const v = tf.getVariable("v", [1]);
    expect(tf.graphUtil.mustRunOnCpu(v.op)).toBe(false);
    expect(tf.graphUtil.mustRunOnCpu(v.op, true)).toBe(true);
    expect(tf.graphUtil.mustRunOnCpu({ node: v.op, pinVariablesOnCpu: true })).toBe(true);
  });
});
