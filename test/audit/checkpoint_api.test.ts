/**
 * Checkpoint claims of README and API.md on [3,4] variables: a Saver with an object var
 * list and maxToKeep, latestCheckpoint, listVariables/loadVariable/initFromCheckpoint, and
 * `scopeflow ckpt list|show` on a checkpoint scopeflow wrote.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { filesIn, repoRoot, tempDir } from "../checkpoint/helpers.js";
import { map2, matrix } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

function model() {
  const w = tf.variableScope("net", () =>
    tf.getVariable("w", [3, 4], { initializer: tf.constantInitializer(matrix(3, 4)) }),
  );
  const b = tf.variableScope("net", { reuse: tf.AUTO_REUSE }, () =>
    tf.getVariable("b", [4], { initializer: tf.constantInitializer([1, 2, 3, 4]) }),
  );
  return { w, b };
}

describe("Saver with an object var list and maxToKeep", () => {
  it("saves under the given keys, keeps the newest two, restores into other names", () => {
    const dir = tempDir();
    const { w, b } = model();
    const saver = new tf.train.Saver({ weights: w, "extra/bias": b }, { maxToKeep: 2 });
    const prefix = path.join(dir, "model.ckpt");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const paths: string[] = [];
    for (let step = 1; step <= 3; step++) {
      sess.run(
        tf.assignAdd(
          w,
          map2(matrix(3, 4), () => 1),
        ),
      );
      paths.push(saver.save(sess, prefix, { globalStep: step * 10 }) as string);
    }
    expect(paths).toEqual([`${prefix}-10`, `${prefix}-20`, `${prefix}-30`]);
    expect(filesIn(dir)).toEqual([
      "checkpoint",
      "model.ckpt-20.data-00000-of-00001",
      "model.ckpt-20.index",
      "model.ckpt-20.meta",
      "model.ckpt-30.data-00000-of-00001",
      "model.ckpt-30.index",
      "model.ckpt-30.meta",
    ]);
    expect(readFileSync(path.join(dir, "checkpoint"), "utf8")).toBe(
      `model_checkpoint_path: "${prefix}-30"\n` +
        `all_model_checkpoint_paths: "${prefix}-20"\n` +
        `all_model_checkpoint_paths: "${prefix}-30"\n`,
    );
    expect(tf.train.latestCheckpoint(dir)).toBe(`${prefix}-30`);
    expect(tf.train.listVariables(dir)).toEqual([
      ["extra/bias", [4]],
      ["weights", [3, 4]],
    ]);
    const saved = tf.train.loadVariable(dir, "weights");
    expect(saved.shape).toEqual([3, 4]);
    expect(saved.toArray()).toEqual(map2(matrix(3, 4), (x) => x + 3));
    expect(tf.train.loadVariable(`${prefix}-20`, "weights").toArray()).toEqual(
      map2(matrix(3, 4), (x) => x + 2),
    );

    // A new graph with other names restores by key.
    tf.resetDefaultGraph();
    const w2 = tf.variableScope("other", () => tf.getVariable("kernel", [3, 4]));
    const b2 = tf.getVariable("bias", [4]);
    const restorer = new tf.train.Saver({ weights: w2, "extra/bias": b2 });
    using s2 = new tf.Session();
    restorer.restore(s2, tf.train.latestCheckpoint(dir) as string);
    expect(s2.run(w2).toArray()).toEqual(map2(matrix(3, 4), (x) => x + 3));
    expect(s2.run(b2).toArray()).toEqual([1, 2, 3, 4]);
    // A key the checkpoint lacks: NotFoundError with TF's words.
    const bad = new tf.train.Saver({ nope: w2 });
    const e = (() => {
      try {
        bad.restore(s2, `${prefix}-30`);
      } catch (err) {
        return err as Error;
      }
      throw new Error("expected a throw");
    })();
    expect(e).toBeInstanceOf(tf.errors.NotFoundError);
    expect(e.message).toContain("Key nope not found in checkpoint");
  });

  it("initFromCheckpoint maps a checkpoint scope onto another scope's [3,4] initializers", () => {
    const dir = tempDir();
    const { w } = model();
    const saver = new tf.train.Saver();
    using s1 = new tf.Session();
    s1.run(tf.globalVariablesInitializer());
    s1.run(
      tf.assign(
        w,
        map2(matrix(3, 4), (x) => -x),
      ),
    );
    saver.save(s1, path.join(dir, "m"));
    tf.resetDefaultGraph();
    const w2 = tf.variableScope("fresh", () => tf.getVariable("w", [3, 4]));
    const keep = tf.variableScope("fresh", { reuse: tf.AUTO_REUSE }, () =>
      tf.getVariable("b", [4], { initializer: tf.onesInitializer() }),
    );
    tf.train.initFromCheckpoint(dir, { "net/w": "fresh/w" });
    using s2 = new tf.Session();
    s2.run(tf.globalVariablesInitializer());
    expect(s2.run(w2).toArray()).toEqual(map2(matrix(3, 4), (x) => -x));
    expect(s2.run(keep).toArray()).toEqual([1, 1, 1, 1]);
  });
});

describe("scopeflow ckpt", () => {
  const tsxCli = path.join(repoRoot, "node_modules", "tsx", "dist", "cli.mjs");
  const cli = path.join(repoRoot, "src", "checkpoint", "cli.ts");
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [tsxCli, cli, ...args], { cwd: repoRoot, encoding: "utf8" });

  it("list and show a checkpoint scopeflow wrote", () => {
    const dir = tempDir();
    model();
    tf.train.getOrCreateGlobalStep();
    const saver = new tf.train.Saver();
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    saver.save(sess, path.join(dir, "model"), { globalStep: 5 });
    const list = run("ckpt", "list", dir);
    expect(list.stderr).toBe("");
    expect(list.status).toBe(0);
    expect(list.stdout).toBe(
      "global_step (DT_INT64) []\n" +
        "net/b (DT_FLOAT) [4]\n" +
        "net/w (DT_FLOAT) [3,4]\n" +
        "\n" +
        "# Total number of params: 17\n",
    );
    const show = run("ckpt", "show", path.join(dir, "model-5"), "net/w");
    expect(show.status).toBe(0);
    expect(show.stdout).toBe(
      "tensor_name:  net/w\n" +
        "[[ 0.   1.5  3.   3. ]\n [ 4.5  6.   6.   7.5]\n [ 9.   9.  10.5 12. ]]\n" +
        "# Total number of params: 17\n",
    );
  });
});
