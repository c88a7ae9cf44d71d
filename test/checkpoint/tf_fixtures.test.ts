/**
 * Checkpoints real TensorFlow wrote, read end to end through the Saver and the
 * checkpoint utilities (fixtures: test/fixtures/tf-checkpoints, see each SOURCE.md).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { fixturesDir, tempDir, thrown } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const iris = path.join(fixturesDir, "tf-intro-iris-tf1.0-saver");
const irisPrefix = path.join(iris, "model.ckpt");

/** SOURCE.md prints values rounded to about 8 significant digits. */
function expectClose(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i] as number, 8));
}

/** The variables of iris_train.py: tf.name_scope("nn") → ("hidden1" | "output") → tf.Variable. */
function irisModel() {
  return tf.nameScope("nn", () => {
    const [w1, b1] = tf.nameScope("hidden1", () => [
      new tf.Variable(tf.zeros([4, 50]), { name: "weights" }),
      new tf.Variable(tf.zeros([50]), { name: "biases" }),
    ]);
    const [w2, b2] = tf.nameScope("output", () => [
      new tf.Variable(tf.zeros([50, 3]), { name: "weights" }),
      new tf.Variable(tf.zeros([3]), { name: "biases" }),
    ]);
    return { w1, b1, w2, b2 } as Record<string, tf.Variable>;
  });
}

describe("TensorFlow 1.0 Saver checkpoint (tf-intro iris)", () => {
  it("restores into variables of the same names, with SOURCE.md's values", () => {
    const { w1, b1, w2, b2 } = irisModel();
    const saver = new tf.train.Saver();
    expect(saver.keys).toEqual([
      "nn/hidden1/biases",
      "nn/hidden1/weights",
      "nn/output/biases",
      "nn/output/weights",
    ]);
    expect(tf.train.latestCheckpoint(iris)).toBe(irisPrefix);
    using sess = new tf.Session();
    saver.restore(sess, tf.train.latestCheckpoint(iris) as string);
    const v = (x: tf.Variable) => Array.from(sess.run(x).data as Float32Array);
    expectClose(v(b1 as tf.Variable).slice(0, 4), [-0.006607019, 0, 0, -0.00610634]);
    expectClose(v(w1 as tf.Variable).slice(0, 2), [0.66874576, -0.92246032]);
    expectClose(v(b2 as tf.Variable), [0.0233848, 0.00334916, -0.02673397]);
    expectClose(v(w2 as tf.Variable).slice(0, 2), [-0.14225875, 0.10478961]);
    expect(sess.run(w1 as tf.Variable).shape).toEqual([4, 50]);
    expect(sess.run(w2 as tf.Variable).shape).toEqual([50, 3]);
  });

  it("saves the restored values back byte for byte as TensorFlow wrote them", () => {
    irisModel();
    const saver = new tf.train.Saver();
    using sess = new tf.Session();
    saver.restore(sess, irisPrefix);
    const dir = tempDir();
    // TensorFlow's script saved "./model.ckpt": a relative directory, so relative paths.
    const rel = path.relative(process.cwd(), path.join(dir, "model.ckpt"));
    const written = saver.save(sess, rel) as string;
    expect(written).toBe(rel);
    for (const suffix of [".index", ".data-00000-of-00001"]) {
      expect(readFileSync(path.join(dir, `model.ckpt${suffix}`))).toEqual(
        readFileSync(`${irisPrefix}${suffix}`),
      );
    }
    expect(readFileSync(path.join(dir, "checkpoint"), "utf8")).toBe(
      readFileSync(path.join(iris, "checkpoint"), "utf8"),
    );
  });

  it("lists and loads variables as tf.train.list_variables / load_variable do", () => {
    expect(tf.train.listVariables(iris)).toEqual([
      ["nn/hidden1/biases", [50]],
      ["nn/hidden1/weights", [4, 50]],
      ["nn/output/biases", [3]],
      ["nn/output/weights", [50, 3]],
    ]);
    expect(tf.train.listVariables(irisPrefix)).toEqual(tf.train.listVariables(iris));
    const b2 = tf.train.loadVariable(irisPrefix, "nn/output/biases:0");
    expect(b2.dtype).toBe("float32");
    expect(String(b2)).toBe("[ 0.0233848   0.00334916 -0.02673397]");
    expect(thrown(() => tf.train.loadVariable(irisPrefix, "nope"))).toMatchObject({
      name: "NotFoundError",
      message: "Key nope not found in checkpoint",
    });
  });

  it("restores under a new scope with an object var list", () => {
    const b = tf.variableScope("restored", () => tf.getVariable("b", [3]));
    const saver = new tf.train.Saver({ "nn/output/biases": b });
    using sess = new tf.Session();
    saver.restore(sess, irisPrefix);
    expectClose(Array.from(sess.run(b).data as Float32Array), [0.0233848, 0.00334916, -0.02673397]);
  });
});

describe("other TensorFlow checkpoints", () => {
  it("restores a SavedModel variables bundle with Snappy blocks (TF 1.14)", () => {
    const prefix = path.join(fixturesDir, "serving-half-plus-two-tf1.14", "variables", "variables");
    const names = tf.train.listVariables(prefix).map(([n]) => n);
    expect(names).toEqual(["a", "a2", "b", "c", "c2"]);
    const vars = names.map((n) => tf.getVariable(n, [], { initializer: tf.zerosInitializer() }));
    const saver = new tf.train.Saver(vars);
    using sess = new tf.Session();
    saver.restore(sess, prefix);
    const values = vars.map((v) => sess.run(v).item());
    expect(values.slice(0, 3)).toEqual([0.5, 0.5, 2]);
  });

  it("reads the TF 2.14 object-based bundle by its keys, string tensor included", () => {
    const prefix = path.join(
      fixturesDir,
      "serving-half-plus-two-tf2.14-object-based",
      "variables",
      "variables",
    );
    const reader = tf.train.loadCheckpoint(prefix);
    expect(reader.getVariableToDtypeMap().get("_CHECKPOINTABLE_OBJECT_GRAPH")).toBe("DT_STRING");
    const a = tf.getVariable("a", [], { initializer: tf.zerosInitializer() });
    using sess = new tf.Session();
    new tf.train.Saver({ "a/.ATTRIBUTES/VARIABLE_VALUE": a }).restore(sess, prefix);
    expect(sess.run(a).item()).toBe(0.5);
  });

  it("reads a legacy V1 checkpoint as TF 1.15 does (bad_half_plus_two, TF ~0.10)", () => {
    const dir = path.join(fixturesDir, "serving-bad-half-plus-two-v1-format");
    const prefix = path.join(dir, "export");
    expect(tf.train.listVariables(prefix)).toEqual([
      ["Variable", []],
      ["Variable_1", []],
    ]);
    expect(tf.train.loadVariable(prefix, "Variable_1").item()).toBe(2);
    const reader = tf.train.loadCheckpoint(prefix);
    expect(reader.getVariableToDtypeMap().get("Variable")).toBe("DT_FLOAT");
    expect(reader.getTensor("Variable").item()).toBe(0.5);
    // Its own export.meta (legacy Variable ops) restored through the graph's saver.
    const saver = tf.train.importMetaGraph(path.join(dir, "export.meta")) as tf.train.Saver;
    using sess = new tf.Session();
    saver.restore(sess, prefix);
    const g = tf.getDefaultGraph();
    const y = sess.run(
      g.getTensorByName("Add:0"),
      new Map([[g.getTensorByName("Placeholder:0"), [0, 2]]]),
    );
    expect(y.toArray()).toEqual([2, 3]);
  });

  it("lists an int64 global_step from a TF1 index (MiniGo)", () => {
    const prefix = path.join(fixturesDir, "swift-models-index-only", "minigo");
    const reader = tf.train.loadCheckpoint(prefix);
    expect(reader.getVariableToDtypeMap().get("global_step")).toBe("DT_INT64");
    expect(tf.train.listVariables(prefix).length).toBe(333);
    // Index only: reading a value names the missing data file.
    const e = thrown(() => tf.train.loadVariable(prefix, "global_step"));
    expect(e.name).toBe("NotFoundError");
    expect(e.message).toContain(`${prefix}.data-00000-of-00001`);
  });
});
