/**
 * Savers over every kind of variable: TF 0.12's legacy `Variable` ops (TF Serving's
 * half_plus_two, written by TF 0.12's Saver) save, restore and rotate checkpoints as
 * `VariableV2` ones do, through the imported saver and through a new one; a function body
 * refuses every kind of variable op.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { FuncGraph } from "../../src/graph/func_graph.js";
import { makeOp } from "../../src/ops/op_scope.js";
import { fixturesDir, tempDir } from "./helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

const HALF_PLUS_TWO = path.join(fixturesDir, "serving-half-plus-two-tf0.12-saver");

function importHalfPlusTwo(): tf.train.Saver {
  return tf.train.importMetaGraph(path.join(HALF_PLUS_TWO, "export.meta")) as tf.train.Saver;
}

function y(sess: tf.Session): number[] {
  return sess.run("Add:0", { "Placeholder:0": [0, 2] }).toArray() as number[];
}

describe("Savers over TF 0.12's legacy Variable ops (half_plus_two)", () => {
  it("the imported saver saves its Variable ops and restores them into a new session", () => {
    const saver = importHalfPlusTwo();
    const [a, b] = tf.globalVariables() as [tf.Variable, tf.Variable];
    expect([a.op.type, b.op.type]).toEqual(["Variable", "Variable"]);
    const dir = tempDir();
    using sess = new tf.Session();
    saver.restore(sess, path.join(HALF_PLUS_TWO, "export"));
    sess.run([a.assign(3), b.assign(-1)]);
    const saved = saver.save(sess, path.join(dir, "model")) as string;
    expect(tf.train.listVariables(saved)).toEqual([
      ["Variable", []],
      ["Variable_1", []],
    ]);
    using fresh = new tf.Session();
    saver.restore(fresh, saved);
    expect(y(fresh)).toEqual([-1, 5]);
  });

  it("a new Saver over them keeps maxToKeep checkpoints and restores the newest", () => {
    importHalfPlusTwo();
    const [a] = tf.globalVariables() as [tf.Variable];
    const saver = new tf.train.Saver(undefined, { maxToKeep: 2 });
    // As in TF, the imported ops' names do not reserve the scope `save`: the new saver's
    // ops go there, made unique one by one.
    expect(saver.saverDef?.saveTensorName).toBe("save/control_dependency_1:0");
    const dir = tempDir();
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const paths: string[] = [];
    for (let step = 1; step <= 3; step++) {
      sess.run(a.assign(step));
      paths.push(saver.save(sess, path.join(dir, "model"), { globalStep: step }) as string);
    }
    expect(saver.lastCheckpoints).toEqual(paths.slice(1));
    expect(existsSync(`${paths[0] as string}.index`)).toBe(false);
    expect(tf.train.latestCheckpoint(dir)).toBe(paths[2]);
    using fresh = new tf.Session();
    saver.restore(fresh, tf.train.latestCheckpoint(dir) as string);
    // a = 3, b = 2 (its initial value): 3 * [0, 2] + 2.
    expect(y(fresh)).toEqual([2, 8]);
  });
});

describe("a function body refuses every kind of variable op", () => {
  for (const type of ["VariableV2", "Variable", "VarHandleOp"]) {
    it(type, () => {
      const body = new FuncGraph("f", tf.getDefaultGraph());
      const output =
        type === "VarHandleOp"
          ? { dtype: "resource" as const, shape: tf.TensorShape.scalar() }
          : { dtype: "float32" as const, shape: tf.TensorShape.scalar(), isRef: true };
      expect(() =>
        makeOp(body, type, "v", [], [output], {
          shape: tf.TensorShape.scalar(),
          dtype: "float32",
          container: "",
          shared_name: "",
        }),
      ).toThrow("Creating variables inside a function (f) is not supported");
      expect(body.getOperations()).toEqual([]);
    });
  }
});
