/**
 * `tf.savedModel.loader.load` over SavedModels TensorFlow wrote: TF Serving's test models
 * (TF 1.0 half_plus_three with assets, TF 1.5 counter, TF 1.14 half_plus_two twice), TF
 * 1.1's text SavedModel; predictions through the signatures' tensor names, Classify and
 * Regress fed serialized `tf.train.Example`s (ParseExample), TF's errors, and a graph left
 * unchanged when loading fails.
 */
import { copyFileSync, cpSync, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { tempDir } from "../checkpoint/helpers.js";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures");
const SERVING = path.join(FIXTURES, "tf-graphs/tf-serving-savedmodels-tf1");
const HALF_PLUS_TWO = path.join(SERVING, "saved_model_half_plus_two_cpu/00000123");
const HALF_PLUS_THREE = path.join(SERVING, "saved_model_half_plus_three/00000123");
const COUNTER = path.join(SERVING, "saved_model_counter/00000123");
const PBTXT = path.join(FIXTURES, "tf-graphs/tf-saved-model-pbtxt-tf1.1/00000123");
const TF114 = path.join(FIXTURES, "tf-checkpoints/serving-half-plus-two-tf1.14");

const { SERVING: SERVE } = tf.savedModel.tagConstants;

function examples(values: number[], key = "x"): tf.NDArray {
  const bytes = values.map((v) =>
    tf.train.Example.toBinary(tf.train.Example.fromFeatures({ [key]: { floatList: [v] } })),
  );
  return tf.NDArray.fromTypedArray(bytes, [bytes.length], "string");
}

function loaded(dir: string, importScope?: string) {
  const graph = new tf.Graph();
  const sess = new tf.Session({ graph });
  const mg = tf.savedModel.loader.load(sess, [SERVE], dir, { importScope });
  const tensor = (name: string) =>
    graph.getTensorByName(importScope ? `${importScope}/${name}` : name);
  const signature = (key: string) => {
    const sig = mg.signatureDef?.[key];
    if (sig === undefined) throw new Error(`no signature ${key}`);
    return sig;
  };
  /** Runs signature `key` with its only input fed `value`, returning output `out`. */
  const run = (key: string, value: unknown, out: string) => {
    const sig = signature(key);
    const [input] = Object.values(sig.inputs ?? {});
    const output = sig.outputs?.[out];
    if (!input?.name || !output?.name) throw new Error(`bad signature ${key}`);
    const y = sess.run(tensor(output.name), new Map([[tensor(input.name), value]]));
    return (y.toArray() as number[][]).flat();
  };
  return { graph, sess, mg, tensor, signature, run };
}

describe("loading TF-written SavedModels", () => {
  for (const [label, dir] of [
    ["TF Serving's half_plus_two (TF 1.14)", HALF_PLUS_TWO],
    ["the TF 1.14 half_plus_two checkpoint fixture", TF114],
    ["TF 1.1's text saved_model.pbtxt", PBTXT],
  ] as const) {
    it(`${label}: predict, classify and regress compute y = 0.5x + 2`, () => {
      const m = loaded(dir);
      try {
        expect(m.mg.metaInfoDef?.tags).toEqual(["serve"]);
        expect(m.signature("serving_default").methodName).toBe("tensorflow/serving/predict");
        expect(m.run("serving_default", [[1], [2], [5]], "y")).toEqual([2.5, 3, 4.5]);
        expect(m.run("classify_x_to_y", examples([0, 4]), "scores")).toEqual([2, 4]);
        expect(m.run("regress_x_to_y", examples([2]), "outputs")).toEqual([3]);
        // y2 = 0.5x + 3; y3 = 0.5 x2 + 3 (x2 defaults to 0 in the Example).
        expect(m.run("regress_x_to_y2", examples([2]), "outputs")).toEqual([4]);
        expect(m.run("regress_x2_to_y3", [[4]], "outputs")).toEqual([5]);
        // The main op (legacy_init_op / saved_model_main_op) ran: it sets filename_tensor.
        expect(m.sess.run(m.tensor("filename_tensor:0")).toArray()).toBe("foo.txt");
      } finally {
        m.sess.close();
      }
    });
  }

  it("TF 1.0's half_plus_three, with its assets, under an import scope", () => {
    const m = loaded(HALF_PLUS_THREE, "hp3");
    try {
      expect(m.graph.getOperationByName("hp3/save/restore_all").type).toBe("NoOp");
      expect(m.run("serving_default", [[0], [2]], "y")).toEqual([3, 4]);
      expect(m.run("tensorflow/serving/regress", examples([4]), "outputs")).toEqual([5]);
    } finally {
      m.sess.close();
    }
  });

  it("TF 1.5's counter: its signatures' ops update the restored variable", () => {
    const m = loaded(COUNTER);
    try {
      const get = () => m.sess.run(m.tensor("counter:0")).toArray();
      const start = get() as number;
      m.sess.run(m.tensor("incr_counter_op/AssignAdd:0"));
      m.sess.run(m.tensor("incr_counter_op/AssignAdd:0"));
      expect(get()).toBe(start + 2);
      m.sess.run(m.tensor("incr_counter_by_op/AssignAdd:0"), new Map([[m.tensor("delta:0"), 10]]));
      expect(get()).toBe(start + 12);
      m.sess.run(m.tensor("reset_counter_op/Assign:0"));
      expect(get()).toBe(0);
    } finally {
      m.sess.close();
    }
  });

  it("maybeSavedModelDirectory sees saved_model.pb or .pbtxt", () => {
    expect(tf.savedModel.maybeSavedModelDirectory(HALF_PLUS_TWO)).toBe(true);
    expect(tf.savedModel.loader.maybeSavedModelDirectory(PBTXT)).toBe(true);
    expect(tf.savedModel.maybeSavedModelDirectory(SERVING)).toBe(false);
  });
});

describe("loading failures: TF's errors, the graph unchanged", () => {
  function expectLoadFails(
    dir: string,
    tags: string[],
    error: new (m: string) => Error,
    message: string | RegExp,
  ) {
    const graph = new tf.Graph();
    graph.asDefault(() => tf.constant(1, tf.float32, undefined, "existing"));
    using sess = new tf.Session({ graph });
    const before = graph.getOperations().map((o) => o.name);
    expect(() => tf.savedModel.loader.load(sess, tags, dir)).toThrow(error);
    expect(() => tf.savedModel.loader.load(sess, tags, dir)).toThrow(message);
    expect(graph.getOperations().map((o) => o.name)).toEqual(before);
  }

  it("no meta graph with the tags", () => {
    expectLoadFails(
      HALF_PLUS_TWO,
      ["serve", "gpu"],
      tf.errors.RuntimeError,
      "MetaGraphDef associated with tags 'serve', 'gpu' could not be found in SavedModel. To inspect available tag-sets in the SavedModel, please use the SavedModel CLI: `saved_model_cli`\navailable_tags: [{'serve'}]",
    );
  });

  it("no SavedModel, corrupt bytes, a missing checkpoint", () => {
    const dir = tempDir();
    expectLoadFails(
      dir,
      ["serve"],
      tf.errors.IOError,
      `SavedModel file does not exist at: ${dir}/{saved_model.pbtxt|saved_model.pb}`,
    );
    writeFileSync(path.join(dir, "saved_model.pb"), Uint8Array.of(0x0a, 0xff, 0xff, 0x01));
    expectLoadFails(dir, ["serve"], tf.errors.IOError, /^Cannot parse file .*saved_model\.pb: /);
    copyFileSync(path.join(HALF_PLUS_TWO, "saved_model.pb"), path.join(dir, "saved_model.pb"));
    expectLoadFails(
      dir,
      ["serve"],
      tf.errors.ValueError,
      `The passed save_path is not a valid checkpoint: ${path.join(dir, "variables/variables")}`,
    );
  });

  it("a corrupt variables data file fails the restore and rolls the import back", () => {
    const dir = tempDir();
    cpSync(HALF_PLUS_TWO, dir, { recursive: true });
    mkdirSync(path.join(dir, "variables"), { recursive: true });
    writeFileSync(path.join(dir, "variables/variables.data-00000-of-00001"), new Uint8Array(20));
    expectLoadFails(dir, ["serve"], tf.errors.DataLossError, /Checksum|checksum/);
  });
});
