/**
 * `tf.train.exportMetaGraph`, the `.meta` file `Saver.save` writes, and
 * `tf.train.importMetaGraph` over scopeflow's own meta graphs and TF-written ones
 * (test/fixtures/tf-graphs, test/fixtures/tf-checkpoints: see each SOURCE.md).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as tf from "../../src/index.js";
import { getOpDef } from "../../src/ops/registry.js";
import type { WhileContext } from "../../src/ops/control/while_v1.js";
import {
  AttrValue,
  MetaGraphDef,
  OpDef,
  CondContextDef,
  SaverDef,
  VariableDef,
  WhileContextDef,
  type tensorflow,
} from "../../src/proto/index.js";
import { filesIn, tempDir, thrown } from "../checkpoint/helpers.js";
import { graphPicture } from "../api/helpers.js";

const FIXTURES = path.join(__dirname, "..", "fixtures");
const PROFILER = path.join(FIXTURES, "tf-graphs", "tf-profiler-metagraph-ckpt-tf1.2");
const IRIS = path.join(FIXTURES, "tf-checkpoints", "tf-intro-iris-tf1.0-saver");
const HALF_PLUS_TWO = path.join(FIXTURES, "tf-checkpoints", "serving-half-plus-two-tf0.12-saver");

beforeEach(() => {
  tf.resetDefaultGraph();
});
afterEach(() => {
  vi.restoreAllMocks();
});

type Meta = tensorflow.MetaGraphDef;

function variableDefs(meta: Meta, key: string): tensorflow.VariableDef[] {
  return (meta.collectionDef[key]?.bytesList?.value ?? []).map((b) => VariableDef.fromBinary(b));
}

/** A decoded message as plain JSON (its set fields only). */
function plain(m: unknown): unknown {
  return JSON.parse(JSON.stringify(m)) as unknown;
}

function attrBytes(v: tensorflow.AttrValue.$Properties | null | undefined): number[] {
  return Array.from(AttrValue.toBinary(v ?? {}));
}

function floats(a: tf.NDArray): number[] {
  return Array.from(a.data as Float32Array);
}

/** A small MLP trained with Adam, with a global step, as a scopeflow user writes it. */
function mlp(): { x: tf.Tensor; y: tf.Tensor; loss: tf.Tensor; train: tf.Operation } {
  tf.setRandomSeed(7);
  const x = tf.placeholder(tf.float32, [null, 3], { name: "x" });
  const y = tf.placeholder(tf.float32, [null, 1], { name: "y" });
  const h = tf.layers.dense(x, 4, { activation: tf.nn.relu, name: "hidden" });
  const out = tf.layers.dense(h, 1, { name: "out" });
  const loss = tf.reduceMean(tf.square(tf.subtract(out, y)), { name: "loss" });
  const step = tf.train.getOrCreateGlobalStep();
  const train = new tf.train.AdamOptimizer(0.05).minimize(loss, { globalStep: step });
  tf.addToCollection("losses", loss);
  return { x, y, loss, train };
}

const X = [
  [1, 0, 2],
  [0, 1, -1],
  [2, 2, 0],
  [-1, 0.5, 1],
];
const Y = [[1], [-1], [2], [0.5]];

/**
 * Inputs as TF 1.15 writes them: data inputs, then control inputs sorted by name (TF 1.0
 * and 0.12 wrote them in the order they were added).
 */
function tf115Inputs(inputs: readonly string[] | null | undefined): string[] {
  const all = inputs ?? [];
  const control = all.filter((i) => i.startsWith("^")).sort((a, b) => (a < b ? -1 : 1));
  return [...all.filter((i) => !i.startsWith("^")), ...control];
}

describe("tf.train.exportMetaGraph", () => {
  it("writes meta_info_def, graph_def, saver_def and collection_def as TF 1.15 does", () => {
    mlp();
    tf.addToCollection("my_ints", 3);
    tf.addToCollection("my_floats", 0.25);
    tf.addToCollection("my_strings", "hello");
    const saver = new tf.train.Saver();
    const meta = tf.train.exportMetaGraph({ saverDef: saver.saverDef });
    const info = meta.metaInfoDef as tensorflow.MetaGraphDef.MetaInfoDef;
    expect(info.tensorflowVersion).toBe("1.15.0");
    expect(info.tensorflowGitVersion).toBe("v1.15.0-rc3-22-g590d6ee");
    expect(info.anyInfo ?? null).toBeNull();
    // The OpDefs of the ops used, sorted, exactly as the registry declares them.
    const used = [...new Set(meta.graphDef?.node?.map((n) => n.op))].sort();
    const stripped = info.strippedOpList?.op ?? [];
    expect(stripped.map((o) => o.name)).toEqual(used);
    for (const o of stripped) {
      expect(OpDef.toText(o)).toBe(OpDef.toText(getOpDef(o.name ?? "") as tensorflow.OpDef));
    }
    // as_graph_def(add_shapes=True): every op with outputs records their shapes.
    const nodes = new Map(meta.graphDef?.node?.map((n) => [n.name, n]));
    expect(nodes.get("x")?.attr?._output_shapes?.list?.shape?.[0]?.dim?.map((d) => d.size)).toEqual(
      [-1, 3],
    );
    expect(nodes.get("save/restore_all")?.attr?._output_shapes).toBeUndefined();
    expect(meta.saverDef).toMatchObject({
      filenameTensorName: "save/Const:0",
      saveTensorName: "save/control_dependency:0",
      restoreOpName: "save/restore_all",
      maxToKeep: 5,
      keepCheckpointEveryNHours: 10000,
      version: 2,
    });
    expect(Object.keys(meta.collectionDef)).toEqual([
      "global_step",
      "losses",
      "my_floats",
      "my_ints",
      "my_strings",
      "train_op",
      "trainable_variables",
      "variables",
    ]);
    expect(variableDefs(meta, "trainable_variables").map(plain)).toEqual([
      {
        variableName: "hidden/kernel:0",
        initialValueName: "hidden/kernel/Initializer/random_uniform:0",
        initializerName: "hidden/kernel/Assign",
        snapshotName: "hidden/kernel/read:0",
        trainable: true,
      },
      {
        variableName: "hidden/bias:0",
        initialValueName: "hidden/bias/Initializer/zeros:0",
        initializerName: "hidden/bias/Assign",
        snapshotName: "hidden/bias/read:0",
        trainable: true,
      },
      expect.objectContaining({ variableName: "out/kernel:0" }),
      expect.objectContaining({ variableName: "out/bias:0" }),
    ]);
    const globals = variableDefs(meta, "variables").map((d) => d.variableName);
    expect(globals).toEqual(tf.globalVariables().map((v) => v.name));
    expect(globals).toContain("hidden/kernel/Adam_1:0");
    // Not trainable: `trainable` false is proto3's default, absent from the bytes.
    expect(plain(variableDefs(meta, "global_step")[0])).toEqual({
      variableName: "global_step:0",
      initialValueName: "global_step/Initializer/zeros:0",
      initializerName: "global_step/Assign",
      snapshotName: "global_step/read:0",
    });
    expect(meta.collectionDef.train_op?.nodeList?.value).toEqual(["Adam"]);
    expect(meta.collectionDef.losses?.nodeList?.value).toEqual(["loss:0"]);
    expect(meta.collectionDef.my_ints?.int64List?.value).toEqual([3]);
    expect(meta.collectionDef.my_floats?.floatList?.value).toEqual([0.25]);
    const strings = meta.collectionDef.my_strings?.bytesList?.value ?? [];
    expect(strings.map((b) => new TextDecoder().decode(b))).toEqual(["hello"]);
  });

  it("skips a collection it cannot serialize, with TF's warning", () => {
    tf.getVariable("w", [1]);
    tf.addToCollection("objects", { some: "thing" });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const meta = tf.train.exportMetaGraph();
    expect(Object.keys(meta.collectionDef)).toEqual(["trainable_variables", "variables"]);
    expect(warn).toHaveBeenCalledOnce();
    expect(String(warn.mock.calls[0]?.[0])).toMatch(
      /^WARNING:tensorflow:Issue encountered when serializing objects\.\nType is unsupported/,
    );
    // collectionList picks the collections; savers are written as SaverDefs.
    const saver = new tf.train.Saver();
    tf.addToCollection(tf.GraphKeys.SAVERS, saver);
    const only = tf.train.exportMetaGraph({ collectionList: ["savers"] });
    expect(Object.keys(only.collectionDef)).toEqual(["savers"]);
    const def = SaverDef.fromBinary(only.collectionDef.savers?.bytesList?.value?.[0] as Uint8Array);
    expect(def.restoreOpName).toBe("save/restore_all");
  });

  it("writes the while_context and cond_context collections as TF's context defs, kept through import", () => {
    const x = tf.placeholder(tf.float32, [], "x");
    const [, y] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 3),
      (i: tf.Tensor, a: tf.Tensor) => [
        tf.add(i, 1),
        tf.cond(
          tf.less(a, 10),
          () => a.mul(2),
          () => a,
        ),
      ],
      [tf.constant(0), x],
    ) as tf.Tensor[];
    const meta = tf.train.exportMetaGraph();
    const whiles = (m: Meta) =>
      (m.collectionDef.while_context?.bytesList?.value ?? []).map((b) =>
        WhileContextDef.fromBinary(b),
      );
    const [loop] = whiles(meta);
    expect(loop?.contextName).toBe("while/while_context");
    expect(loop?.loopExitNames).toEqual(["while/Exit:0", "while/Exit_1:0"]);
    expect(loop?.pivotName).toBe("while/LoopCond:0");
    // The cond inside the loop is a nested context, not a top-level cond_context item.
    expect(loop?.nestedContexts.map((c) => c.condCtxt?.contextName)).toEqual([
      "while/cond/cond_text",
      "while/cond/cond_text_1",
    ]);
    expect(meta.collectionDef.cond_context).toBeUndefined();
    tf.cond(
      tf.less(x, 0),
      () => x,
      () => tf.negative(x),
    );
    const both = tf.train.exportMetaGraph();
    const conds = (both.collectionDef.cond_context?.bytesList?.value ?? []).map((b) =>
      CondContextDef.fromBinary(b),
    );
    expect(conds.map((c) => [c.contextName, c.predName, c.branch])).toEqual([
      ["cond/cond_text", "cond/pred_id:0", 1],
      ["cond/cond_text_1", "cond/pred_id:0", 0],
    ]);
    const run = (out: tf.Tensor, input: tf.Tensor): number => {
      using sess = new tf.Session();
      return Number(sess.run(out, new Map([[input, 1.5]])).item());
    };
    expect(run(y as tf.Tensor, x)).toBe(12);
    // Imported contexts are rebuilt over the imported ops and written back the same.
    const yName = (y as tf.Tensor).name;
    tf.resetDefaultGraph();
    tf.train.importMetaGraph(both);
    const again = tf.train.exportMetaGraph();
    expect(again.collectionDef.while_context).toEqual(both.collectionDef.while_context);
    expect(again.collectionDef.cond_context).toEqual(both.collectionDef.cond_context);
    const graph = tf.getDefaultGraph();
    expect(run(graph.getTensorByName(yName), graph.getTensorByName("x:0"))).toBe(12);
    // Under an import scope, the names in the defs move with the nodes.
    tf.train.importMetaGraph(both, { importScope: "imp" });
    const scoped = (
      graph.getCollection<WhileContext>("while_context")[1] as WhileContext
    ).toProto();
    expect([scoped?.contextName, scoped?.pivotName, scoped?.loopExitNames?.[1]]).toEqual([
      "imp/while/while_context",
      "imp/while/LoopCond:0",
      "imp/while/Exit_1:0",
    ]);
    expect(scoped?.nestedContexts?.[0]?.condCtxt?.predName).toBe("imp/while/cond/pred_id:0");
    expect(run(graph.getTensorByName(`imp/${yName}`), graph.getTensorByName("imp/x:0"))).toBe(12);
  });

  it("exportScope keeps the scope's nodes, strips it, and records unbound inputs", () => {
    const x = tf.placeholder(tf.float32, [2], { name: "x" });
    tf.variableScope("model", () => {
      const w = tf.getVariable("w", [2], { initializer: tf.onesInitializer() });
      tf.multiply(x, w, { name: "y" });
    });
    tf.getVariable("outside", [1]);
    const meta = tf.train.exportMetaGraph({ exportScope: "model" });
    const names = meta.graphDef?.node?.map((n) => n.name) ?? [];
    expect(names).toContain("w");
    expect(names).toContain("y");
    expect(names).not.toContain("x");
    expect(names.some((n) => n?.startsWith("model/") || n?.startsWith("outside"))).toBe(false);
    const y = meta.graphDef?.node?.find((n) => n.name === "y");
    expect(y?.input).toEqual(["$unbound_inputs_x", "w/read"]);
    expect(variableDefs(meta, "variables").map((d) => d.variableName)).toEqual(["w:0"]);
    expect(
      meta.collectionDef.unbound_inputs?.bytesList?.value?.map((b) => new TextDecoder().decode(b)),
    ).toEqual(["$unbound_inputs_x"]);
    // Imported elsewhere, the unbound input must be given.
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(thrown(() => tf.train.importMetaGraph(meta, { importScope: "copy" })).message).toBe(
        "Graph contains unbound inputs: $unbound_inputs_x. Must provide these inputs through input_map.",
      );
      expect(g.opCount).toBe(0);
      const feed = tf.constant([3, 4], { name: "feed" });
      tf.train.importMetaGraph(meta, {
        importScope: "copy",
        inputMap: { $unbound_inputs_x: feed },
      });
      expect(tf.globalVariables().map((v) => v.name)).toEqual(["copy/w:0"]);
      using sess = new tf.Session();
      sess.run(tf.globalVariablesInitializer());
      expect(floats(sess.run("copy/y:0") as tf.NDArray)).toEqual([3, 4]);
    });
  });

  it("clearDevices, stripDefaultAttrs, and files written binary or text, atomically", () => {
    tf.device("/cpu:0", () => tf.getVariable("w", [2]));
    expect(tf.train.exportMetaGraph().graphDef?.node?.find((n) => n.name === "w")?.device).toBe(
      "/device:CPU:0",
    );
    const cleared = tf.train.exportMetaGraph({ clearDevices: true });
    expect(cleared.graphDef?.node?.every((n) => !n.device)).toBe(true);
    const stripped = tf.train.exportMetaGraph({ stripDefaultAttrs: true });
    expect(stripped.metaInfoDef?.strippedDefaultAttrs).toBe(true);
    const w = stripped.graphDef?.node?.find((n) => n.name === "w");
    // `_class: loc:@w`: a variable made from an initializer function is colocated with
    // itself (variables.py's attr scope), as TF writes it.
    expect(Object.keys(w?.attr ?? {}).sort()).toEqual([
      "_class",
      "_output_shapes",
      "dtype",
      "shape",
    ]);
    const dir = tempDir();
    const binary = path.join(dir, "sub", "m.meta");
    const returned = tf.train.exportMetaGraph(binary);
    expect(new Uint8Array(readFileSync(binary))).toEqual(
      new Uint8Array(MetaGraphDef.toBinary(returned)),
    );
    const text = path.join(dir, "m.pbtxt");
    tf.train.exportMetaGraph(text, { asText: true });
    const fromText = MetaGraphDef.fromText(readFileSync(text, "utf8"));
    expect(MetaGraphDef.toText(fromText)).toBe(MetaGraphDef.toText(returned));
    expect(readFileSync(text, "utf8")).toContain('tensorflow_version: "1.15.0"');
    // importMetaGraph reads the text form too (binary first, then text, as TF).
    const names = new tf.Graph().asDefault(() => {
      tf.train.importMetaGraph(text);
      return tf.globalVariables().map((v) => `${v.name} ${v.device}`);
    });
    expect(names).toEqual(["w:0 /device:CPU:0"]);
    expect(filesIn(dir)).toEqual(["m.pbtxt", "sub"]);
    expectRefusedNoFile(dir);
  });
});

function expectRefusedNoFile(dir: string): void {
  const target = path.join(dir, "bad.meta");
  expect(() => tf.train.exportMetaGraph(target, { saveDebugInfo: true })).toThrow(
    /save_debug_info=True is not supported/,
  );
  expect(existsSync(target)).toBe(false);
}

describe("Saver.save writes the meta graph", () => {
  it("writes <prefix>.meta with the saver's SaverDef on every save; old ones go with their checkpoint", () => {
    const { x, y, train } = mlp();
    const saver = new tf.train.Saver(null, { maxToKeep: 2 });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const dir = tempDir();
    for (let s = 1; s <= 3; s++) {
      sess.run(
        train,
        new Map([
          [x, X],
          [y, Y],
        ]),
      );
      saver.save(sess, path.join(dir, "model.ckpt"), { globalStep: s });
    }
    expect(filesIn(dir).filter((f) => f.endsWith(".meta"))).toEqual([
      "model.ckpt-2.meta",
      "model.ckpt-3.meta",
    ]);
    const meta = MetaGraphDef.fromBinary(readFileSync(path.join(dir, "model.ckpt-3.meta")));
    expect(meta.saverDef?.restoreOpName).toBe("save/restore_all");
    expect(meta.saverDef?.maxToKeep).toBe(2);
    expect(meta.graphDef?.node?.length).toBe(tf.getDefaultGraph().opCount);
    saver.save(sess, path.join(dir, "plain"), { writeMetaGraph: false });
    expect(existsSync(path.join(dir, "plain.meta"))).toBe(false);
    saver.save(sess, path.join(dir, "other"), { metaGraphSuffix: "mg" });
    expect(existsSync(path.join(dir, "other.mg"))).toBe(true);
  });

  it("saveAsync writes the meta graph through the URI's file system", async () => {
    tf.getVariable("w", [2], { initializer: tf.onesInitializer() });
    const saver = new tf.train.Saver();
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const prefix = await saver.saveAsync(sess, "ram://metagraph/model", { globalStep: 5 });
    expect(prefix).toBe("ram://metagraph/model-5");
    const fs = tf.io.getFileSystem("ram://metagraph");
    const bytes = await fs.readFile("ram://metagraph/model-5.meta");
    const meta = MetaGraphDef.fromBinary(bytes);
    expect(meta.saverDef?.saveTensorName).toBe("save/control_dependency:0");
    // importMetaGraph of the message, restored from the same file system.
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const restorer = tf.train.importMetaGraph(meta) as tf.train.Saver;
      using s2 = new tf.Session();
      await restorer.restoreAsync(s2, "ram://metagraph/model-5");
      expect(floats(s2.run("w:0") as tf.NDArray)).toEqual([1, 1]);
    });
  });
});

describe("tf.train.importMetaGraph over TF-written meta graphs", () => {
  it("TF 1.2 conv weights (profiler test data): import, restore, run", () => {
    const saver = tf.train.importMetaGraph(path.join(PROFILER, "ckpt.meta")) as tf.train.Saver;
    expect(saver.saverDef).toEqual({
      filenameTensorName: "save/Const:0",
      saveTensorName: "save/control_dependency:0",
      restoreOpName: "save/restore_all",
      maxToKeep: 5,
      keepCheckpointEveryNHours: 10000,
      sharded: false,
      version: "V2",
    });
    const vars = tf.globalVariables();
    expect(vars.map((v) => `${v.name} ${v.shape.toString()}`)).toEqual([
      "ScalarW:0 ()",
      "DW:0 (3, 3, 3, 6)",
      "DW2:0 (2, 2, 6, 12)",
    ]);
    expect(tf.trainableVariables()).toEqual(vars);
    // TF 1.2 wrote no `trainable`: membership of trainable_variables decides.
    expect(vars.every((v) => v.trainable)).toBe(true);
    // One Variable per VariableDef, shared by both collections.
    expect(tf.trainableVariables()[1]).toBe(vars[1]);
    expect(vars[1]?.op).toBe(tf.getDefaultGraph().getOperationByName("DW"));
    expect(vars[1]?.initializer.name).toBe("DW/Assign");
    // No initial_value_name before TF 1.3: the initializer's value stands for it.
    expect(vars[1]?.initialValue.name).toBe("DW/Initializer/random_normal:0");
    using sess = new tf.Session();
    saver.restore(sess, path.join(PROFILER, "ckpt"));
    const reader = tf.train.loadCheckpoint(path.join(PROFILER, "ckpt"));
    for (const v of vars) {
      const name = v.op.name;
      expect(floats(sess.run(v))).toEqual(floats(reader.getTensor(name)));
    }
    // The conv graph runs on the restored filters (zeros in, zeros out).
    const out = sess.run("Conv2D_1:0") as tf.NDArray;
    expect(out.shape).toEqual([2, 2, 2, 12]);
    expect(floats(out).every((v) => v === 0)).toBe(true);
  });

  it("TF 1.0 iris training graph: restore, evaluate, and train on with its own gradient ops", () => {
    const saver = tf.train.importMetaGraph(path.join(IRIS, "model.ckpt.meta")) as tf.train.Saver;
    expect(tf.trainableVariables().map((v) => v.name)).toEqual([
      "nn/hidden1/weights:0",
      "nn/hidden1/biases:0",
      "nn/output/weights:0",
      "nn/output/biases:0",
    ]);
    const trainOp = tf.getCollection<tf.Operation>("train_op")[0] as tf.Operation;
    expect(trainOp.name).toBe("train/GradientDescent");
    using sess = new tf.Session();
    saver.restore(sess, path.join(IRIS, "model.ckpt"));
    // Three iris flowers, one of each species (setosa, versicolor, virginica).
    const features = [
      [5.1, 3.5, 1.4, 0.2],
      [7.0, 3.2, 4.7, 1.4],
      [6.3, 3.3, 6.0, 2.5],
      [4.9, 3.0, 1.4, 0.2],
      [6.4, 3.2, 4.5, 1.5],
      [5.8, 2.7, 5.1, 1.9],
    ];
    const labels = [0, 1, 2, 0, 1, 2];
    const feed = { "X:0": features, "y:0": labels };
    const [loss, accuracy] = sess.run(["loss/loss:0", "eval/Mean:0"], feed) as tf.NDArray[];
    // The same forward pass in plain JavaScript, on the checkpoint's weights.
    const reader = tf.train.loadCheckpoint(path.join(IRIS, "model.ckpt"));
    const get = (k: string) => floats(reader.getTensor(k));
    const w1 = get("nn/hidden1/weights");
    const b1 = get("nn/hidden1/biases");
    const w2 = get("nn/output/weights");
    const b2 = get("nn/output/biases");
    let expectedLoss = 0;
    let correct = 0;
    features.forEach((f, n) => {
      const h = b1.map((b, j) =>
        Math.max(0, b + f.reduce((s, xv, i) => s + xv * (w1[i * 50 + j] as number), 0)),
      );
      const logits = b2.map(
        (b, k) => b + h.reduce((s, hv, j) => s + hv * (w2[j * 3 + k] as number), 0),
      );
      const max = Math.max(...logits);
      const logSum = Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0)) + max;
      expectedLoss += logSum - (logits[labels[n] as number] as number);
      if (logits.indexOf(max) === labels[n]) correct += 1;
    });
    expect(loss?.item()).toBeCloseTo(expectedLoss / features.length, 4);
    expect(accuracy?.item()).toBeCloseTo(correct / features.length, 6);
    // Training goes on: TF's gradient ops (BroadcastGradientArgs, Tile, FloorDiv,
    // ZerosLike, PreventGradient, ReluGrad, ...) run and the loss goes down.
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) {
      sess.run(trainOp, feed);
      losses.push((sess.run("loss/loss:0", feed) as tf.NDArray).item() as number);
    }
    expect(losses[29]).toBeLessThan(losses[0] as number);
    expect(losses[29]).toBeLessThan(loss?.item() as number);
  });

  it("an imported saver restores and saves asynchronously through the graph's own ops", async () => {
    // TF 1.0 wrote one RestoreV2 per variable: each is fed what its kernel would read.
    const saver = tf.train.importMetaGraph(path.join(IRIS, "model.ckpt.meta")) as tf.train.Saver;
    using sess = new tf.Session();
    await saver.restoreAsync(sess, path.join(IRIS, "model.ckpt"));
    const reader = tf.train.loadCheckpoint(path.join(IRIS, "model.ckpt"));
    for (const v of tf.globalVariables()) {
      expect(floats(sess.run(v)), v.name).toEqual(floats(reader.getTensor(v.op.name)));
    }
    const written = await saver.saveAsync(sess, "ram://iris/model.ckpt", { globalStep: 1 });
    expect(written).toBe("ram://iris/model.ckpt-1");
    const fs = tf.io.getFileSystem("ram://iris");
    expect(await fs.list("ram://iris")).toEqual([
      "checkpoint",
      "model.ckpt-1.data-00000-of-00001",
      "model.ckpt-1.index",
      "model.ckpt-1.meta",
    ]);
    using fresh = new tf.Session();
    await saver.restoreAsync(fresh, "ram://iris/model.ckpt-1");
    expect(floats(fresh.run("nn/output/biases:0") as tf.NDArray)).toEqual(
      floats(reader.getTensor("nn/output/biases")),
    );
  });

  it("TF 0.12 half_plus_two (legacy Variable ops, max_to_keep 0)", () => {
    const saver = tf.train.importMetaGraph(
      path.join(HALF_PLUS_TWO, "export.meta"),
    ) as tf.train.Saver;
    expect(saver.saverDef?.maxToKeep).toBe(0);
    expect(tf.globalVariables().map((v) => v.op.type)).toEqual(["Variable", "Variable"]);
    using sess = new tf.Session();
    saver.restore(sess, path.join(HALF_PLUS_TWO, "export"));
    const y = sess.run("Add:0", { "Placeholder:0": [0, 1, 4] }) as tf.NDArray;
    expect(floats(y)).toEqual([2, 2.5, 4]);
  });

  it("re-exports a TF meta graph as TF 1.15 would write it", () => {
    const original = MetaGraphDef.fromBinary(readFileSync(path.join(PROFILER, "ckpt.meta")));
    const saver = tf.train.importMetaGraph(original) as tf.train.Saver;
    const again = tf.train.exportMetaGraph({ saverDef: saver.saverDef });
    const pick = (m: Meta) =>
      m.graphDef?.node?.map((n) => [n.name, n.op, tf115Inputs(n.input).join(",")].join(" "));
    expect(pick(again)).toEqual(pick(original));
    // Attrs as written, plus those TF 1.15's OpDefs added since, with their defaults
    // (TF's import adds them too: Conv2D's dilations and explicit_paddings).
    for (const node of original.graphDef?.node ?? []) {
      const mine = again.graphDef?.node?.find((n) => n.name === node.name);
      const added = Object.keys(mine?.attr ?? {}).filter((k) => !(k in (node.attr ?? {})));
      const defaults = (getOpDef(node.op ?? "")?.attr ?? []).filter((a) => a.defaultValue);
      for (const k of added) {
        const d = defaults.find((a) => a.name === k);
        expect(d, `${node.name ?? ""} ${k}`).toBeDefined();
        expect(attrBytes(mine?.attr?.[k])).toEqual(attrBytes(d?.defaultValue));
      }
      for (const [k, v] of Object.entries(node.attr ?? {})) {
        expect(attrBytes(mine?.attr?.[k]), `${node.name ?? ""} ${k}`).toEqual(attrBytes(v));
      }
    }
    expect(plain(again.saverDef)).toEqual(plain(original.saverDef));
    expect(again.metaInfoDef?.strippedOpList?.op?.map((o) => o.name)).toEqual(
      original.metaInfoDef?.strippedOpList?.op?.map((o) => o.name),
    );
    // TF 1.15 writes initial_value_name only when it knows it, and `trainable`.
    expect(variableDefs(again, "variables").map(plain)).toEqual(
      variableDefs(original, "variables").map((d) => ({
        ...(plain(d) as object),
        trainable: true,
      })),
    );
  });

  it("re-exports TF 1.0 and 0.12 meta graphs with their nodes and collections", () => {
    for (const file of [
      path.join(IRIS, "model.ckpt.meta"),
      path.join(HALF_PLUS_TWO, "export.meta"),
    ]) {
      const g = new tf.Graph();
      g.asDefault(() => {
        const original = MetaGraphDef.fromBinary(readFileSync(file));
        const saver = tf.train.importMetaGraph(original) as tf.train.Saver;
        const again = tf.train.exportMetaGraph({ saverDef: saver.saverDef });
        const pick = (m: Meta) =>
          m.graphDef?.node?.map((n) => [n.name, n.op, tf115Inputs(n.input).join(",")].join(" "));
        expect(pick(again)).toEqual(pick(original));
        expect(Object.keys(again.collectionDef)).toEqual(
          Object.keys(original.collectionDef).sort(),
        );
        for (const [key, col] of Object.entries(original.collectionDef)) {
          if (key.endsWith("variables")) {
            expect(variableDefs(again, key).map(plain)).toEqual(
              variableDefs(original, key).map((d) => ({
                ...(plain(d) as object),
                trainable: true,
              })),
            );
          } else {
            expect(plain(again.collectionDef[key])).toEqual(plain(col));
          }
        }
      });
    }
  });

  it("a failed import leaves the graph unchanged", () => {
    tf.getVariable("existing", [1]);
    const before = graphPicture(tf.getDefaultGraph());
    const meta = MetaGraphDef.fromBinary(readFileSync(path.join(PROFILER, "ckpt.meta")));
    // A collection naming a node the graph does not have fails after the nodes went in.
    const broken = MetaGraphDef.fromBinary(MetaGraphDef.toBinary(meta));
    broken.collectionDef.train_op = { nodeList: { value: ["no_such_op"] } } as never;
    expect(() => tf.train.importMetaGraph(broken)).toThrow(/no_such_op/);
    expect(graphPicture(tf.getDefaultGraph())).toEqual(before);
    const dir = tempDir();
    const bad = path.join(dir, "bad.meta");
    writeFileSync(bad, "not a meta graph {");
    expect(thrown(() => tf.train.importMetaGraph(bad))).toMatchObject({ name: "OSError" });
    expect(thrown(() => tf.train.importMetaGraph(path.join(dir, "missing.meta")))).toMatchObject({
      name: "OSError",
      message: `File ${path.join(dir, "missing.meta")} does not exist.`,
    });
    expect(graphPicture(tf.getDefaultGraph())).toEqual(before);
  });
});

describe("round trip: scopeflow model -> meta graph -> importMetaGraph", () => {
  it("restores and trains on with the same losses as the original (Adam slots restored)", () => {
    const dir = tempDir();
    const original = new tf.Graph();
    const continued: number[] = [];
    let outputs: number[] = [];
    let prefix = "";
    original.asDefault(() => {
      const { x, y, loss, train } = mlp();
      const saver = new tf.train.Saver();
      using sess = new tf.Session();
      sess.run(tf.globalVariablesInitializer());
      const feed = new Map([
        [x, X],
        [y, Y],
      ]);
      for (let i = 0; i < 5; i++) sess.run(train, feed);
      prefix = saver.save(sess, path.join(dir, "model.ckpt"), { globalStep: 5 }) as string;
      outputs = floats(sess.run(loss, feed));
      for (let i = 0; i < 5; i++) {
        sess.run(train, feed);
        continued.push((sess.run(loss, feed) as tf.NDArray).item() as number);
      }
    });
    const fresh = new tf.Graph();
    fresh.asDefault(() => {
      const saver = tf.train.importMetaGraph(`${prefix}.meta`) as tf.train.Saver;
      const train = tf.getCollection<tf.Operation>("train_op")[0] as tf.Operation;
      const loss = tf.getCollection<tf.Tensor>("losses")[0] as tf.Tensor;
      expect(train.name).toBe("Adam");
      expect(loss.name).toBe("loss:0");
      expect(tf.train.getGlobalStep()?.name).toBe("global_step:0");
      expect(tf.globalVariables().map((v) => v.name)).toEqual(
        original.getCollection<tf.Variable>("variables").map((v) => v.name),
      );
      using sess = new tf.Session();
      saver.restore(sess, prefix);
      const feed = { "x:0": X, "y:0": Y };
      expect(floats(sess.run(loss, feed) as tf.NDArray)).toEqual(outputs);
      expect((sess.run("global_step:0") as tf.NDArray).item()).toBe(5);
      const mine: number[] = [];
      for (let i = 0; i < 5; i++) {
        sess.run(train, feed);
        mine.push((sess.run(loss, feed) as tf.NDArray).item() as number);
      }
      expect(mine).toEqual(continued);
      // A new optimizer over the imported variables trains them too.
      const sgd = new tf.train.GradientDescentOptimizer(0.01).minimize(loss);
      const before = (sess.run(loss, feed) as tf.NDArray).item() as number;
      sess.run(sgd, feed);
      expect((sess.run(loss, feed) as tf.NDArray).item()).toBeLessThan(before);
      // The imported Saver saves again, through the graph's own save ops.
      const again = saver.save(sess, path.join(dir, "again"), { writeMetaGraph: false });
      expect(tf.train.listVariables(again as string).map(([k]) => k)).toContain(
        "hidden/kernel/Adam",
      );
    });
  });

  it("imports under importScope, and new variables of the same name follow TF's rules", () => {
    const meta = new tf.Graph().asDefault(() => {
      tf.getVariable("w", [2], { initializer: tf.onesInitializer() });
      return tf.train.exportMetaGraph({ saverDef: new tf.train.Saver().saverDef });
    });
    const saver = tf.train.importMetaGraph(meta, { importScope: "imported" }) as tf.train.Saver;
    expect(saver.saverDef?.restoreOpName).toBe("imported/save/restore_all");
    expect(tf.globalVariables().map((v) => v.name)).toEqual(["imported/w:0"]);
    // Imported twice: the second scope is made unique, as a name scope.
    tf.train.importMetaGraph(meta, { importScope: "imported" });
    expect(tf.globalVariables().map((v) => v.name)).toEqual(["imported/w:0", "imported_1/w:0"]);
    // The variable store knows nothing of imported variables: getVariable makes a new
    // one, whose op name is made unique against the imported op.
    tf.train.importMetaGraph(meta);
    const w = tf.getVariable("w", [2]);
    expect(w.name).toBe("w_1:0");
  });
});

describe("the Saver importMetaGraph returns", () => {
  it("is built over all variables without a SaverDef, and is null without variables", () => {
    const withVars = new tf.Graph().asDefault(() => {
      tf.getVariable("w", [1]);
      return tf.train.exportMetaGraph();
    });
    expect(withVars.saverDef ?? null).toBeNull();
    const saver = tf.train.importMetaGraph(withVars) as tf.train.Saver;
    expect(saver.keys).toEqual(["w"]);
    expect(saver.saverDef?.restoreOpName).toBe("save/restore_all");
    const none = new tf.Graph().asDefault(() => {
      tf.constant(1, { name: "c" });
      return tf.train.exportMetaGraph();
    });
    new tf.Graph().asDefault(() => {
      expect(tf.train.importMetaGraph(none)).toBeNull();
      expect(tf.getDefaultGraph().getOperationByName("c").type).toBe("Const");
    });
  });
});

describe("Variable.fromProto / toProto", () => {
  it("wraps the imported ops without adding anything to the graph", () => {
    const w = tf.getVariable("w", [2], { trainable: false });
    const def = w.toProto() as tensorflow.VariableDef.$Properties;
    expect(def.trainable).toBe(false);
    const count = tf.getDefaultGraph().opCount;
    const same = tf.Variable.fromProto(def);
    expect(tf.getDefaultGraph().opCount).toBe(count);
    expect(same.trainable).toBe(false);
    expect(same.snapshot).toBe(w.snapshot);
    expect(tf.globalVariables()).toEqual([w]);
    expect(() => new tf.Variable({ initialValue: 1, variableDef: def })).toThrow(
      "variable_def and initial_value are mutually exclusive.",
    );
    expect(() => tf.Variable.fromProto({ ...def, snapshotName: "nope:0" })).toThrow(/nope/);
  });
});
