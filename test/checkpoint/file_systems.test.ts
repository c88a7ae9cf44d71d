/**
 * Checkpoints on file systems chosen by URI scheme: `ram://` and registered ones through
 * Saver.saveAsync/restoreAsync (state file, max_to_keep deletions, cleanup of a failed
 * save), a TensorFlow-written checkpoint restored over `http://` from a local server, and
 * the synchronous calls refusing such paths. IndexedDB needs a browser: it is tested in
 * test/browser/.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { readCheckpointStateAsync } from "../../src/checkpoint/file_io.js";

const fixtures = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../fixtures/tf-checkpoints",
);

beforeEach(() => {
  tf.resetDefaultGraph();
});

function decode(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

function model(): { w: tf.Variable; b: tf.Variable } {
  const w = tf.getVariable("w", { initializer: tf.constant([[1, 2, 3]]) });
  const b = tf.getVariable("b", [2], { dtype: tf.int32, initializer: tf.onesInitializer() });
  return { w, b };
}

describe("ram:// checkpoints", () => {
  it("round-trip through saveAsync and restoreAsync, with the state file", async () => {
    const { w, b } = model();
    const saver = new tf.train.Saver();
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const written = await saver.saveAsync(sess, "ram://rt/model.ckpt", { globalStep: 3 });
    expect(written).toBe("ram://rt/model.ckpt-3");
    const fs = tf.io.getFileSystem("ram://rt");
    expect(await fs.list("ram://rt")).toEqual([
      "checkpoint",
      "model.ckpt-3.data-00000-of-00001",
      "model.ckpt-3.index",
      "model.ckpt-3.meta",
    ]);
    expect(decode(await fs.readFile("ram://rt/checkpoint"))).toBe(
      'model_checkpoint_path: "model.ckpt-3"\nall_model_checkpoint_paths: "model.ckpt-3"\n',
    );
    expect((await readCheckpointStateAsync("ram://rt"))?.modelCheckpointPath).toBe(written);

    sess.run([tf.assign(w, [[9, 9, 9]]), tf.assign(b, [5, 5])]);
    await saver.restoreAsync(sess, written);
    expect(Array.from(sess.run(w).data as Float32Array)).toEqual([1, 2, 3]);
    expect(Array.from(sess.run(b).data as Int32Array)).toEqual([1, 1]);
  });

  it("writes the same bytes as a checkpoint on disk", async () => {
    model();
    const saver = new tf.train.Saver();
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const dir = path.join(process.cwd(), `.scratch-fs-${process.pid}`);
    const { mkdtempSync, readFileSync, rmSync } = await import("node:fs");
    const tmp = mkdtempSync(dir);
    try {
      const onDisk = saver.save(sess, path.join(tmp, "m")) as string;
      const inRam = (await saver.saveAsync(sess, "ram://same/m")) as string;
      const fs = tf.io.getFileSystem(inRam);
      for (const suffix of [".index", ".data-00000-of-00001"]) {
        expect(await fs.readFile(inRam + suffix)).toEqual(
          new Uint8Array(readFileSync(onDisk + suffix)),
        );
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("keeps maxToKeep checkpoints, deleting older ones from the file system", async () => {
    model();
    const saver = new tf.train.Saver(null, { maxToKeep: 2 });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    for (const step of [1, 2, 3]) await saver.saveAsync(sess, "ram://keep/m", step);
    expect(saver.lastCheckpoints).toEqual(["ram://keep/m-2", "ram://keep/m-3"]);
    const fs = tf.io.getFileSystem("ram://keep");
    expect((await fs.list("ram://keep")).filter((n) => n.endsWith(".index"))).toEqual([
      "m-2.index",
      "m-3.index",
    ]);
    expect(decode(await fs.readFile("ram://keep/checkpoint"))).toBe(
      'model_checkpoint_path: "m-3"\nall_model_checkpoint_paths: "m-2"\nall_model_checkpoint_paths: "m-3"\n',
    );
  });

  it("refuses the synchronous save and restore, leaving no file", () => {
    model();
    const saver = new tf.train.Saver();
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect(() => saver.save(sess, "ram://sync/m")).toThrow(
      /ram:\/\/sync\/m: a path with a URI scheme is read and written asynchronously: use Saver.saveAsync/,
    );
    expect(() => saver.restore(sess, "ram://sync/m")).toThrow(tf.errors.UnimplementedError);
    expect(() => tf.train.latestCheckpoint("ram://sync")).toThrow(tf.errors.UnimplementedError);
  });

  it("restoring a missing checkpoint is TF's ValueError", async () => {
    model();
    const saver = new tf.train.Saver();
    using sess = new tf.Session();
    await expect(saver.restoreAsync(sess, "ram://none/m")).rejects.toThrow(
      "The passed save_path is not a valid checkpoint: ram://none/m",
    );
  });

  it("an unknown scheme is TF's UnimplementedError", async () => {
    model();
    const saver = new tf.train.Saver();
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    await expect(saver.saveAsync(sess, "gs://bucket/m")).rejects.toThrow(
      "File system scheme 'gs' not implemented (file: 'gs://bucket/m')",
    );
  });
});

describe("registered file systems", () => {
  it("a failed write leaves no temporary file and no state file", async () => {
    const inner = tf.io.memoryFileSystem();
    const failing: tf.io.FileSystem = {
      readFile: (p) => inner.readFile(p),
      writeFile: (p, bytes) =>
        p.includes(".index") ? Promise.reject(new Error("disk full")) : inner.writeFile(p, bytes),
      rename: (a, b) => inner.rename(a, b),
      remove: (p) => inner.remove(p),
      exists: (p) => inner.exists(p),
      list: (d) => inner.list(d),
    };
    tf.io.registerFileSystem("failing", failing);
    model();
    const saver = new tf.train.Saver();
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    await expect(saver.saveAsync(sess, "failing://d/m")).rejects.toThrow("disk full");
    expect(await inner.list("failing://d")).toEqual([]);
    expect(saver.lastCheckpoints).toEqual([]);
  });

  it("registerFileSystem checks its arguments, positional or by name", () => {
    const mem = tf.io.memoryFileSystem();
    tf.io.registerFileSystem({ scheme: "named", fileSystem: mem });
    expect(tf.io.getFileSystem({ path: "named://x" })).toBe(mem);
    tf.io.registerFileSystem("positional", mem);
    expect(tf.io.getFileSystem("positional://x")).toBe(mem);
    expect(() => tf.io.registerFileSystem("bad scheme", mem)).toThrow(
      "Invalid file system scheme 'bad scheme'",
    );
    expect(() => tf.io.registerFileSystem("x", {} as tf.io.FileSystem)).toThrow(TypeError);
    expect(() => tf.io.getFileSystem("local/path")).toThrow(tf.errors.ValueError);
  });
});

describe("http:// checkpoints (read-only, fetch)", () => {
  let server: Server;
  let base = "";
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      const file = path.join(fixtures, decodeURIComponent((req.url ?? "/").split("?")[0] ?? ""));
      if (!file.startsWith(fixtures) || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-length": statSync(file).size });
      if (req.method === "HEAD") res.end();
      else createReadStream(file).pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("restores TensorFlow 1.0's iris checkpoint, found through its state file", async () => {
    const vars = tf.nameScope("nn", () => [
      tf.nameScope("hidden1", () => new tf.Variable(tf.zeros([50]), { name: "biases" })),
      tf.nameScope("output", () => new tf.Variable(tf.zeros([3]), { name: "biases" })),
    ]);
    const saver = new tf.train.Saver(vars);
    using sess = new tf.Session();
    const dir = `${base}/tf-intro-iris-tf1.0-saver`;
    const state = await readCheckpointStateAsync(dir);
    expect(state?.modelCheckpointPath).toBe(`${dir}/model.ckpt`);
    await saver.restoreAsync(sess, state?.modelCheckpointPath as string);
    const b2 = Array.from(sess.run(vars[1] as tf.Variable).data as Float32Array);
    [0.0233848, 0.00334916, -0.02673397].forEach((v, i) => expect(b2[i]).toBeCloseTo(v, 7));
    expect(requests).toContain("GET /tf-intro-iris-tf1.0-saver/model.ckpt.data-00000-of-00001");
  });

  it("a missing checkpoint is TF's ValueError; saving there is refused", async () => {
    const v = tf.getVariable("v", [1]);
    const saver = new tf.train.Saver([v]);
    using sess = new tf.Session();
    sess.run(v.initializer);
    await expect(saver.restoreAsync(sess, `${base}/nothing/model.ckpt`)).rejects.toThrow(
      `The passed save_path is not a valid checkpoint: ${base}/nothing/model.ckpt`,
    );
    await expect(saver.saveAsync(sess, `${base}/out/model.ckpt`)).rejects.toThrow(
      "http:// and https:// paths are read-only.",
    );
  });
});
