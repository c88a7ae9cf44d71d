/**
 * `tf.savedModel.Builder` and `simpleSave` as TF 1.15's builder writes SavedModels: the
 * files, the sharded saver's graph (as in the TF-written fixtures), signatures, assets and
 * the main op; a trained model loaded into a fresh graph computes the same outputs; TF's
 * errors for misuse. Plus `signatureDefUtils` as TF 1.15's.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { tempDir } from "../checkpoint/helpers.js";

const FIXTURE = path.resolve(
  import.meta.dirname,
  "../fixtures/tf-graphs/tf-serving-savedmodels-tf1/saved_model_half_plus_two_cpu/00000123/saved_model.pb",
);

function trained(graph: tf.Graph) {
  return graph.asDefault(() => {
    tf.setRandomSeed(3);
    const x = tf.placeholder(tf.float32, [null, 3], "x");
    const target = tf.placeholder(tf.float32, [null, 1], "target");
    const hidden = tf.layers.dense(x, 4, { activation: tf.nn.relu, name: "hidden" });
    const y = tf.layers.dense(hidden, 1, { name: "out" });
    const loss = tf.losses.meanSquaredError(target, y);
    const train = new tf.train.GradientDescentOptimizer(0.05).minimize(loss);
    const sess = new tf.Session({ graph });
    sess.run(tf.globalVariablesInitializer());
    const xs = [
      [1, 2, 3],
      [0, -1, 2],
      [3, 1, 0],
    ];
    for (let i = 0; i < 5; i++)
      sess.run(
        train,
        new Map<tf.Tensor, unknown>([
          [x, xs],
          [target, [[1], [0], [2]]],
        ]),
      );
    return { sess, x, y, xs };
  });
}

function files(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}

describe("simpleSave → loader.load", () => {
  it("a trained model computes the same outputs in a fresh graph", () => {
    const dir = path.join(tempDir(), "model");
    const m = trained(new tf.Graph());
    const before = m.sess.run(m.y, new Map([[m.x, m.xs]])).toArray();
    tf.savedModel.simpleSave(m.sess, dir, { x: m.x }, { y: m.y });
    m.sess.close();
    expect(files(dir)).toEqual([
      "saved_model.pb",
      "variables",
      path.join("variables", "variables.data-00000-of-00001"),
      path.join("variables", "variables.index"),
    ]);
    const graph = new tf.Graph();
    using sess = new tf.Session({ graph });
    const mg = tf.savedModel.loader.load(sess, ["serve"], dir);
    const sig = mg.signatureDef?.serving_default;
    expect(sig?.methodName).toBe("tensorflow/serving/predict");
    expect(sig?.inputs?.x?.name).toBe("x:0");
    expect(sig?.outputs?.y?.name).toBe(m.y.name);
    const y = graph.getTensorByName(sig?.outputs?.y?.name ?? "");
    expect(sess.run(y, new Map([[graph.getTensorByName("x:0"), m.xs]])).toArray()).toEqual(before);
    // The variables came back as Variables (importMetaGraph's collections).
    expect(graph.asDefault(() => tf.globalVariables().map((v) => v.name))).toContain(
      "out/kernel:0",
    );
  });

  it("the meta graph holds TF's sharded saver, as the TF-written SavedModels do", () => {
    const dir = path.join(tempDir(), "model");
    const m = trained(new tf.Graph());
    tf.savedModel.simpleSave(m.sess, dir, { x: m.x }, { y: m.y });
    m.sess.close();
    const ours = tf.SavedModel.fromBinary(readFileSync(path.join(dir, "saved_model.pb")));
    const tfs = tf.SavedModel.fromBinary(readFileSync(FIXTURE));
    expect(ours.savedModelSchemaVersion).toBe(1);
    const [meta] = ours.metaGraphs;
    const [tfMeta] = tfs.metaGraphs;
    expect(meta?.metaInfoDef?.tags).toEqual(["serve"]);
    expect(meta?.metaInfoDef?.tensorflowVersion).toBe("1.15.0");
    const { maxToKeep, sharded, version, filenameTensorName, saveTensorName, restoreOpName } =
      meta?.saverDef ?? {};
    expect({
      maxToKeep,
      sharded,
      version,
      filenameTensorName,
      saveTensorName,
      restoreOpName,
    }).toEqual({
      maxToKeep: tfMeta?.saverDef?.maxToKeep,
      sharded: tfMeta?.saverDef?.sharded,
      version: tfMeta?.saverDef?.version,
      filenameTensorName: tfMeta?.saverDef?.filenameTensorName,
      saveTensorName: tfMeta?.saverDef?.saveTensorName,
      restoreOpName: tfMeta?.saverDef?.restoreOpName,
    });
    // The save/ ops: the same names, op types and data inputs as TF's (variables aside).
    const saveOps = (m: typeof meta) =>
      (m?.graphDef?.node ?? [])
        .filter((n) => n.name?.startsWith("save/") && !/Assign/.test(n.name ?? ""))
        .map(
          (n) =>
            `${n.name}:${n.op}(${(n.input ?? []).filter((i) => i.startsWith("save/")).join(",")})`,
        );
    expect(saveOps(meta)).toEqual(saveOps(tfMeta));
    // ...and the same colocation of the non-variable ones (`with_dependencies`).
    const saveClasses = (m: typeof meta) =>
      (m?.graphDef?.node ?? [])
        .filter(
          (n) => n.name?.startsWith("save/") && !/Assign/.test(n.name ?? "") && n.attr?._class,
        )
        .map((n) => `${n.name} ${new TextDecoder().decode(n.attr?._class?.list?.s?.[0])}`);
    expect(saveClasses(meta)).toEqual(["save/control_dependency loc:@save/ShardedFilename"]);
    expect(saveClasses(meta)).toEqual(saveClasses(tfMeta));
    const joinSuffix = meta?.graphDef?.node?.find((n) => n.name === "save/StringJoin/inputs_1");
    expect(new TextDecoder().decode(joinSuffix?.attr?.value?.tensor?.stringVal?.[0])).toMatch(
      /^_temp_[0-9a-f]{32}\/part$/,
    );
    // Every collection of the graph, as TF exports them (minimize adds train_op).
    expect(Object.keys(meta?.collectionDef ?? {})).toEqual([
      "losses",
      "train_op",
      "trainable_variables",
      "variables",
    ]);
  });
});

describe("tf.savedModel.Builder", () => {
  it("text format, assets, a main op, and a second meta graph", () => {
    const root = tempDir();
    const vocab = path.join(root, "vocab.txt");
    writeFileSync(vocab, "a\nb\n");
    const dir = path.join(root, "export");
    const graph = new tf.Graph();
    graph.asDefault(() => {
      const x = tf.placeholder(tf.float32, [null], "x");
      const w = tf.getVariable("w", [], { initializer: tf.constantInitializer(0.5) });
      const y = tf.add(tf.multiply(w, x), 2, { name: "y" });
      const assetPath = tf.constant(vocab, tf.string, undefined, "asset_path");
      const vocabFile = tf.getVariable("vocab_file", [], {
        dtype: tf.string,
        initializer: tf.constantInitializer(""),
        trainable: false,
      });
      const mainOp = tf.group(tf.assign(vocabFile, assetPath), { name: "main_op" });
      using sess = new tf.Session({ graph });
      sess.run(tf.globalVariablesInitializer());
      const builder = new tf.savedModel.Builder(dir);
      const sig = tf.savedModel.signatureDefUtils.predictSignatureDef({ x }, { y });
      builder.addMetaGraphAndVariables(sess, ["serve"], {
        signatureDefMap: { serving_default: sig },
        assetsCollection: [assetPath],
        mainOp,
      });
      builder.addMetaGraph({ tags: ["serve", "gpu"], signatureDefMap: { other: sig } });
      expect(builder.save({ asText: true })).toBe(path.join(dir, "saved_model.pbtxt"));
    });
    expect(files(dir)).toEqual([
      "assets",
      path.join("assets", "vocab.txt"),
      "saved_model.pbtxt",
      "variables",
      path.join("variables", "variables.data-00000-of-00001"),
      path.join("variables", "variables.index"),
    ]);
    const text = readFileSync(path.join(dir, "saved_model.pbtxt"), "utf8");
    expect(text).toContain('type_url: "type.googleapis.com/tensorflow.AssetFileDef"');
    expect(text).toContain('key: "saved_model_main_op"');
    // Loaded: the main op ran with the asset tensor fed its copy under assets/.
    const g2 = new tf.Graph();
    using s2 = new tf.Session({ graph: g2 });
    tf.savedModel.loader.load(s2, ["serve"], dir);
    expect(s2.run(g2.getTensorByName("vocab_file:0")).toArray()).toBe(
      path.join(dir, "assets", "vocab.txt"),
    );
    expect(
      s2.run(g2.getTensorByName("y:0"), new Map([[g2.getTensorByName("x:0"), [4]]])).toArray(),
    ).toEqual([4]);
    const g3 = new tf.Graph();
    using s3 = new tf.Session({ graph: g3 });
    const mg = tf.savedModel.loader.load(s3, ["gpu", "serve"], dir);
    expect(Object.keys(mg.signatureDef ?? {})).toEqual(["other"]);
  });

  it("TF's errors for misuse", () => {
    const root = tempDir();
    writeFileSync(path.join(root, "something"), "x");
    expect(() => new tf.savedModel.Builder(root)).toThrow(tf.errors.AssertionError);
    expect(() => new tf.savedModel.Builder(root)).toThrow(
      `Export directory already exists, and isn't empty. Please choose a different export directory, or delete all the contents of the specified directory: ${root}`,
    );
    const dir = path.join(root, "new", "nested");
    const builder = new tf.savedModel.Builder(dir);
    expect(existsSync(dir)).toBe(true);
    expect(() => builder.addMetaGraph(["serve"])).toThrow(
      "Graph state including variables and assets has not been saved yet. Please invoke `add_meta_graph_and_variables()` first.",
    );
    const graph = new tf.Graph();
    using sess = new tf.Session({ graph });
    graph.asDefault(() => tf.constant(1, tf.float32, undefined, "c"));
    expect(() =>
      builder.addMetaGraphAndVariables(sess, ["serve"], {
        signatureDefMap: { __saved_model_init_op: { inputs: {}, outputs: {} } },
      }),
    ).toThrow(
      'SignatureDef map key "__saved_model_init_op" is reserved for initialization. Please use a different key.',
    );
    expect(() =>
      builder.addMetaGraphAndVariables(sess, ["serve"], {
        signatureDefMap: { s: { inputs: { x: { name: "c:0" } }, outputs: {} } },
      }),
    ).toThrow("All TensorInfo protos used in the SignatureDefs must have the dtype field set");
    builder.addMetaGraphAndVariables(sess, ["serve"]);
    expect(() => builder.addMetaGraphAndVariables(sess, ["serve"])).toThrow(
      "Graph state including variables and assets has already been saved. Please invoke `add_meta_graph()` instead.",
    );
  });
});

describe("tf.savedModel.signatureDefUtils", () => {
  it("builds TF's Classify, Regress and Predict signatures and checks them", () => {
    const u = tf.savedModel.signatureDefUtils;
    const examples = tf.placeholder(tf.string, [null], "examples");
    const scores = tf.placeholder(tf.float32, [null, 2], "scores");
    const classes = tf.placeholder(tf.string, [null, 2], "classes");
    const c = u.classificationSignatureDef(examples, classes, scores);
    expect(c.methodName).toBe("tensorflow/serving/classify");
    expect(Object.keys(c.outputs ?? {})).toEqual(["classes", "scores"]);
    expect(u.isValidSignature(c)).toBe(true);
    const r = u.regressionSignatureDef(examples, scores);
    expect(r.inputs?.inputs?.name).toBe("examples:0");
    expect(u.isValidSignature(r)).toBe(true);
    expect(u.isValidSignature({ ...r, outputs: { wrong: r.outputs?.outputs ?? {} } })).toBe(false);
    expect(() => u.classificationSignatureDef(examples, null, null)).toThrow(
      "Classification classes and scores cannot both be None.",
    );
    expect(() => u.classificationSignatureDef(scores, null, scores)).toThrow(
      "Classification examples must be a string Tensor.",
    );
    expect(() => u.classificationSignatureDef(examples, scores, null)).toThrow(
      "Classification classes must be a string Tensor.",
    );
    expect(() => u.regressionSignatureDef(examples, classes)).toThrow(
      "Regression output must be a float Tensor.",
    );
    expect(() => u.predictSignatureDef({}, { scores })).toThrow(
      "Prediction inputs cannot be None or empty.",
    );
    const info = tf.savedModel.utils.buildTensorInfo(tf.placeholder(tf.int64, null, "ids"));
    expect(info).toEqual({ name: "ids:0", dtype: 9, tensorShape: { unknownRank: true } });
  });
});

describe("a model without variables", () => {
  it("saves no saver and no checkpoint, and loads", () => {
    const dir = path.join(tempDir(), "m");
    const graph = new tf.Graph();
    graph.asDefault(() => {
      const x = tf.placeholder(tf.float32, [null], "x");
      const y = tf.multiply(x, 3, { name: "y" });
      using sess = new tf.Session({ graph });
      tf.savedModel.simpleSave(sess, dir, { x }, { y });
    });
    expect(files(dir)).toEqual(["saved_model.pb", "variables"]);
    const meta = tf.SavedModel.fromBinary(readFileSync(path.join(dir, "saved_model.pb")));
    expect(meta.metaGraphs[0]?.saverDef ?? null).toBe(null);
    const g2 = new tf.Graph();
    using s2 = new tf.Session({ graph: g2 });
    tf.savedModel.loader.load(s2, ["serve"], dir);
    expect(
      s2.run(g2.getTensorByName("y:0"), new Map([[g2.getTensorByName("x:0"), [1, 2]]])).toArray(),
    ).toEqual([3, 6]);
  });
});

describe("the SavedModel's merged .index", () => {
  it("is TF 1.14's half_plus_two index byte for byte (Snappy-compressed block included)", () => {
    // saved_model_half_plus_two.py's variables, saved by the builder's sharded saver, whose
    // MergeV2Checkpoints compresses the merged index's block as TF's MergeBundles does.
    const g = new tf.Graph();
    const dir = path.join(tempDir(), "half_plus_two");
    g.asDefault(() => {
      const vars = (
        [
          ["a", 0.5],
          ["b", 2],
          ["c", 3],
          ["a2", 0.5],
          ["c2", 3],
        ] as const
      ).map(([name, value]) => new tf.Variable(value, { name }));
      using sess = new tf.Session({ graph: g });
      sess.run(vars.map((v) => v.initializer));
      const builder = new tf.savedModel.Builder(dir);
      builder.addMetaGraphAndVariables(sess, [tf.savedModel.tagConstants.SERVING]);
      builder.save();
    });
    const fixture = path.resolve(
      import.meta.dirname,
      "../fixtures/tf-checkpoints/serving-half-plus-two-tf1.14/variables",
    );
    for (const file of ["variables.index", "variables.data-00000-of-00001"]) {
      expect(readFileSync(path.join(dir, "variables", file)), file).toEqual(
        readFileSync(path.join(fixture, file)),
      );
    }
  });
});
