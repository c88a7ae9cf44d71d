/**
 * `scopeflow ckpt list|show`, run from source through tsx in a child process, prints
 * what TensorFlow's inspect_checkpoint prints.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { inspectCheckpoint } from "../../src/checkpoint/inspect.js";
import { fixturesDir, repoRoot, tempDir } from "./helpers.js";

const tsxCli = path.join(repoRoot, "node_modules", "tsx", "dist", "cli.mjs");
const cli = path.join(repoRoot, "src", "checkpoint", "cli.ts");
const iris = path.join(fixturesDir, "tf-intro-iris-tf1.0-saver");

function scopeflow(...args: string[]) {
  const r = spawnSync(process.execPath, [tsxCli, cli, ...args], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe("scopeflow ckpt", () => {
  it("list prints BundleReader::DebugString and the parameter count", () => {
    const r = scopeflow("ckpt", "list", path.join(iris, "model.ckpt"));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      "nn/hidden1/biases (DT_FLOAT) [50]\n" +
        "nn/hidden1/weights (DT_FLOAT) [4,50]\n" +
        "nn/output/biases (DT_FLOAT) [3]\n" +
        "nn/output/weights (DT_FLOAT) [50,3]\n" +
        "\n" +
        "# Total number of params: 403\n",
    );
  });

  it("show prints the tensor as NumPy does; a directory means its newest checkpoint", () => {
    const r = scopeflow("ckpt", "show", iris, "nn/output/biases");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      "tensor_name:  nn/output/biases\n[ 0.0233848   0.00334916 -0.02673397]\n# Total number of params: 403\n",
    );
  });

  it("fails with the reader's message and status 1; bad usage is status 2", () => {
    const r = scopeflow("ckpt", "show", iris, "nope");
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("tensor_name:  nope\nKey nope not found in checkpoint\n");
    const u = scopeflow("ckpt", "frobnicate", iris);
    expect(u.status).toBe(2);
    expect(u.stderr).toContain("Usage:");
  });
});

describe("inspectCheckpoint", () => {
  it("prints every dtype, int64 global step and strings included", () => {
    tf.resetDefaultGraph();
    const dir = tempDir();
    tf.train.getOrCreateGlobalStep();
    const s = new tf.Variable(tf.constant(["a", "bc"], { dtype: tf.string }), { name: "s" });
    const b = new tf.Variable(tf.constant([true, false]), { name: "b" });
    const i = new tf.Variable(tf.constant([[1, 2]], { dtype: tf.int32 }), { name: "i" });
    const saver = new tf.train.Saver();
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const p = saver.save(sess, path.join(dir, "m"), { globalStep: 7 }) as string;
    expect(inspectCheckpoint(p).output).toBe(
      "b (DT_BOOL) [2]\nglobal_step (DT_INT64) []\ni (DT_INT32) [1,2]\ns (DT_STRING) [2]\n\n# Total number of params: 7\n",
    );
    expect(inspectCheckpoint(p, { allTensors: true }).output).toBe(
      "tensor_name:  b\n[ True False]\n" +
        "tensor_name:  global_step\n0\n" +
        "tensor_name:  i\n[[1 2]]\n" +
        "tensor_name:  s\n[b'a' b'bc']\n" +
        "# Total number of params: 7\n",
    );
    void [s, b, i];
  });
});
