/**
 * The calling convention on tf.train.Saver (constructor, save, restore and their async
 * forms, the kept-checkpoint lists) and on the checkpoint functions: TF 1.15's positional
 * form and the options form do the same; a plain object first in `Saver` and the
 * assignment map of `initFromCheckpoint` are values, never options; what scopeflow cannot
 * honour is refused.
 */
import * as path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { filesIn, tempDir } from "../checkpoint/helpers.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";
import { expectRefused, expectSameGraphs } from "./helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

const W = [
  [1, 2, 3],
  [4, 5, 6],
];

function variables(): { w: tf.Variable; b: tf.Variable } {
  const w = tf.getVariable("w", { initializer: tf.constant(W) });
  const b = tf.getVariable("b", { initializer: tf.constant([[7, 8, 9, 10]]) });
  return { w, b };
}

function values(sess: tf.Session, v: tf.Variable): number[] {
  return Array.from(sess.run(v).data as Float32Array);
}

/** Saves `w` and `b` (initialized) to `<dir>/m` and returns the prefix. */
function saved(dir: string): string {
  const { w, b } = variables();
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  const prefix = new tf.train.Saver([w, b]).save(sess, path.join(dir, "m"));
  tf.resetDefaultGraph();
  return prefix as string;
}

describe("Saver(var_list, reshape, sharded, max_to_keep, keep_checkpoint_every_n_hours, name, …)", () => {
  it("positional and options forms build the same graph", () => {
    const pic = expectSameGraphs(
      () => {
        const { w, b } = variables();
        return new tf.train.Saver(
          [w, b],
          false,
          false,
          2,
          10000,
          "snap",
          false,
          null,
          null,
          false,
          false,
          2,
          false,
          false,
          "f",
        );
      },
      () => {
        const { w, b } = variables();
        return new tf.train.Saver([w, b], { maxToKeep: 2, name: "snap", filename: "f" });
      },
      () => {
        const { w, b } = variables();
        return new tf.train.Saver([w, b], false, false, 2, {
          name: "snap",
          filename: "f",
          writeVersion: "V2",
        });
      },
    );
    expect(pic.some((l) => l.startsWith("snap/SaveV2 = SaveV2("))).toBe(true);
    expect(pic.some((l) => l.startsWith("snap/filename/input = Const") && l.includes('"f"'))).toBe(
      true,
    );
  });

  it("a plain object first is a var_list (checkpoint key to variable), never the options", () => {
    const { w } = variables();
    const saver = new tf.train.Saver({ "old_scope/kernel": w });
    expect(saver.keys).toEqual(["old_scope/kernel"]);
    const withOptions = new tf.train.Saver({ k: w }, { name: "other" });
    expect(withOptions.saverDef?.restoreOpName).toBe("other/restore_all");
    // As in TF, options given first are taken for the var_list and fail there.
    expectThrowsAndUnchanged(
      () => new tf.train.Saver({ maxToKeep: 3 } as never),
      TypeError,
      "names_to_saveables must be a dict mapping string names to Tensors/Variables. Not a variable: 3",
    );
  });

  it("max_to_keep in position 4; null keeps every checkpoint", () => {
    const dir = tempDir();
    const { w } = variables();
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const two = new tf.train.Saver([w], false, false, 2);
    for (const step of [1, 2, 3]) two.save(sess, path.join(dir, "two"), step);
    expect(two.lastCheckpoints.map((p) => path.basename(p))).toEqual(["two-2", "two-3"]);
    for (const saver of [
      new tf.train.Saver([w], null, null, null),
      new tf.train.Saver([w], { maxToKeep: null }),
    ]) {
      const sub = tempDir();
      for (const step of [1, 2, 3, 4, 5, 6]) saver.save(sess, path.join(sub, "all"), step);
      expect(filesIn(sub).filter((f) => f.endsWith(".index"))).toHaveLength(6);
    }
  });

  it("refuses what scopeflow cannot honour, building nothing", () => {
    const { w } = variables();
    expectThrowsAndUnchanged(
      () => new tf.train.Saver([w], false, true),
      tf.errors.ValueError,
      "Saver: sharded=True is not supported: scopeflow writes one shard.",
    );
    expectThrowsAndUnchanged(
      () => new tf.train.Saver([w], { reshape: true }),
      tf.errors.ValueError,
      /^Saver: reshape=True is not supported/,
    );
    expectThrowsAndUnchanged(
      () => new tf.train.Saver([w], { deferBuild: true }),
      tf.errors.ValueError,
      /^Saver: defer_build=True is not supported/,
    );
    expectThrowsAndUnchanged(
      () => new tf.train.Saver([w], { writeVersion: 1 }),
      tf.errors.ValueError,
      "Saver: write_version=V1 is not supported: scopeflow writes V2 checkpoints.",
    );
    // A SaverDef must name the save tensor and the restore op, as TF checks.
    expectThrowsAndUnchanged(
      () => new tf.train.Saver([w], { saverDef: { filenameTensorName: "save/Const:0" } }),
      tf.errors.ValueError,
      /^saver_def must specify the save_tensor_name: filename_tensor_name: "save\/Const:0"/,
    );
    // TF's bulk V2 restore ignores restore_sequentially too.
    expect(new tf.train.Saver([w], { restoreSequentially: true }).keys).toEqual(["w"]);
  });

  it("refuses unknown keys and wrong kinds", () => {
    const { w } = variables();
    expectRefused(
      () => new tf.train.Saver([w], { max_to_keep: 3 } as never),
      "train.Saver() got an unexpected keyword argument 'max_to_keep' (did you mean 'maxToKeep'?)",
    );
    expectRefused(
      () => new tf.train.Saver([w], "3" as never),
      "train.Saver() argument 'reshape' (position 2) must be a bool, not str '3'",
    );
  });
});

describe("Saver methods", () => {
  it("toProto(export_scope), fromProto(saver_def, import_scope), exportMetaGraph(filename, …)", () => {
    const { w } = variables();
    const saver = tf.nameScope("model", () => new tf.train.Saver([w]));
    expect(saver.toProto("model")).toEqual(saver.toProto({ exportScope: "model" }));
    expect(saver.toProto("model")?.saveTensorName).toBe("save/control_dependency:0");
    expect(saver.asSaverDef()).toEqual(saver.saverDef);
    const def = saver.toProto("model") as tf.train.SaverDef;
    const a = tf.train.Saver.fromProto(def, "model");
    const b = tf.train.Saver.fromProto({ saverDef: def, importScope: "model" });
    const c = tf.train.Saver.fromProto(def, { importScope: "model" });
    const d = new tf.train.Saver(null, { saverDef: def, name: "model" });
    for (const s of [a, b, c, d]) expect(s.saverDef).toEqual(saver.saverDef);
    const dir = tempDir();
    const bin = (m: ReturnType<typeof tf.train.exportMetaGraph>): Uint8Array =>
      new Uint8Array(tf.MetaGraphDef.toBinary(m));
    expect(bin(saver.exportMetaGraph(path.join(dir, "a.meta"), ["variables"], true))).toEqual(
      bin(
        saver.exportMetaGraph({
          filename: path.join(dir, "b.meta"),
          collectionList: ["variables"],
          asText: true,
        }),
      ),
    );
    expect(filesIn(dir)).toEqual(["a.meta", "b.meta"]);
    expectRefused(() => saver.toProto(1 as never), /export_scope|exportScope/);
    expectRefused(() => tf.train.Saver.fromProto("x" as never), /saver_def|saverDef/);
    expectRefused(() => saver.exportMetaGraph({ asText: 1 as never }), /as_text|asText/);
  });

  it("save(sess, save_path, global_step, latest_filename, meta_graph_suffix, write_meta_graph, write_state, …)", () => {
    const dir = tempDir();
    const { w } = variables();
    const saver = new tf.train.Saver([w]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    // global_step in position 3, latest_filename in position 4.
    expect(saver.save(sess, path.join(dir, "m"), 7, "state")).toBe(path.join(dir, "m-7"));
    expect(saver.save(sess, path.join(dir, "m"), { globalStep: 8, latestFilename: "state" })).toBe(
      path.join(dir, "m-8"),
    );
    expect(
      saver.save({ sess, savePath: path.join(dir, "m"), globalStep: 9, latestFilename: "state" }),
    ).toBe(path.join(dir, "m-9"));
    expect(tf.train.latestCheckpoint(dir, "state")).toBe(path.join(dir, "m-9"));
    // write_state=False in position 7: the state file is left alone.
    saver.save(sess, path.join(dir, "m"), 10, "state", "meta", true, false);
    expect(tf.train.latestCheckpoint(dir, { latestFilename: "state" })).toBe(path.join(dir, "m-9"));
    expect(filesIn(dir)).toContain("m-10.index");
  });

  it("save refuses save_debug_info, unknown keys and wrong kinds", () => {
    const dir = tempDir();
    const { w } = variables();
    const saver = new tf.train.Saver([w]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expectThrowsAndUnchanged(
      () => saver.save(sess, path.join(dir, "m"), { saveDebugInfo: true }),
      tf.errors.ValueError,
      "Saver.save: save_debug_info=True is not supported: scopeflow writes no graph debug info; leave it False.",
    );
    expectRefused(
      () => saver.save(sess, path.join(dir, "m"), { global_step: 1 } as never),
      "Saver.save() got an unexpected keyword argument 'global_step' (did you mean 'globalStep'?)",
    );
    expectRefused(
      () => saver.save(path.join(dir, "m") as never, sess as never),
      "Saver.save() argument 'sess' (position 1) must be a Session, not str '" +
        path.join(dir, "m").slice(0, 40) +
        (path.join(dir, "m").length > 40 ? "…'" : "'"),
    );
    expect(filesIn(dir)).toEqual([]);
  });

  it("restore(sess, save_path) and the async forms", async () => {
    const dir = tempDir();
    const prefix = saved(dir);
    const { w } = variables();
    const saver = new tf.train.Saver([w]);
    using sess = new tf.Session();
    saver.restore(sess, prefix);
    expect(values(sess, w)).toEqual(W.flat());
    sess.run(w.assign(tf.zerosLike(w)));
    saver.restore({ sess, savePath: prefix });
    expect(values(sess, w)).toEqual(W.flat());
    sess.run(w.assign(tf.zerosLike(w)));
    await saver.restoreAsync(sess, { savePath: prefix });
    expect(values(sess, w)).toEqual(W.flat());
    expect(await saver.saveAsync(sess, path.join(dir, "a"), 3)).toBe(path.join(dir, "a-3"));
    expect(await saver.saveAsync({ sess, savePath: path.join(dir, "a"), globalStep: 4 })).toBe(
      path.join(dir, "a-4"),
    );
    expectRefused(
      () => saver.restore(sess, prefix, { x: 1 } as never),
      "Saver.restore() got an unexpected keyword argument 'x'",
    );
  });

  it("setLastCheckpoints(last_checkpoints) and recoverLastCheckpoints(checkpoint_paths)", () => {
    const dir = tempDir();
    const prefix = saved(dir);
    const { w } = variables();
    const saver = new tf.train.Saver([w]);
    saver.setLastCheckpoints(["a", "b"]);
    expect(saver.lastCheckpoints).toEqual(["a", "b"]);
    saver.setLastCheckpoints({ lastCheckpoints: ["c"] });
    expect(saver.lastCheckpoints).toEqual(["c"]);
    saver.recoverLastCheckpoints({ checkpointPaths: [prefix, path.join(dir, "gone")] });
    expect(saver.lastCheckpoints).toEqual([prefix]);
    expectRefused(
      () => saver.setLastCheckpoints("a" as never),
      "Saver.setLastCheckpoints() argument 'lastCheckpoints' (position 1) must be a list of strs, not str 'a'",
    );
  });
});

describe("checkpoint functions", () => {
  it("latestCheckpoint / getCheckpointState(checkpoint_dir, latest_filename)", () => {
    const dir = tempDir();
    const prefix = saved(dir);
    expect(tf.train.latestCheckpoint(dir)).toBe(prefix);
    expect(tf.train.latestCheckpoint({ checkpointDir: dir })).toBe(prefix);
    expect(tf.train.latestCheckpoint(dir, "checkpoint")).toBe(prefix);
    expect(tf.train.latestCheckpoint(dir, "other")).toBeNull();
    expect(tf.train.getCheckpointState(dir, "checkpoint")?.modelCheckpointPath).toBe(prefix);
    expect(tf.train.getCheckpointState(dir, { latestFilename: "other" })).toBeNull();
    expectRefused(
      () => tf.train.latestCheckpoint(dir, { latest_filename: "x" } as never),
      "train.latestCheckpoint() got an unexpected keyword argument 'latest_filename' (did you mean 'latestFilename'?)",
    );
    expectRefused(
      () => tf.train.getCheckpointState(3 as never),
      "train.getCheckpointState() argument 'checkpointDir' (position 1) must be a str, not int 3",
    );
  });

  it("checkpointExists(checkpoint_prefix) / getCheckpointMtimes(checkpoint_prefixes)", () => {
    const dir = tempDir();
    const prefix = saved(dir);
    expect(tf.train.checkpointExists(prefix)).toBe(true);
    expect(tf.train.checkpointExists({ checkpointPrefix: path.join(dir, "no") })).toBe(false);
    expect(tf.train.getCheckpointMtimes([prefix, path.join(dir, "no")])).toHaveLength(1);
    expect(tf.train.getCheckpointMtimes({ checkpointPrefixes: [prefix] })).toHaveLength(1);
    expectRefused(
      () => tf.train.getCheckpointMtimes(prefix as never),
      /^train\.getCheckpointMtimes\(\) argument 'checkpointPrefixes' \(position 1\) must be a list of strs/,
    );
  });

  it("listVariables(ckpt_dir_or_file) / loadVariable(ckpt_dir_or_file, name) / loadCheckpoint", () => {
    const dir = tempDir();
    const prefix = saved(dir);
    expect(tf.train.listVariables(dir)).toEqual([
      ["b", [1, 4]],
      ["w", [2, 3]],
    ]);
    expect(tf.train.listVariables({ ckptDirOrFile: prefix })).toEqual(tf.train.listVariables(dir));
    expect(tf.train.loadVariable(prefix, "w").toArray()).toEqual(W);
    expect(tf.train.loadVariable({ ckptDirOrFile: dir, name: "w:0" }).toArray()).toEqual(W);
    expect(tf.train.loadVariable(dir, { name: "b" }).shape).toEqual([1, 4]);
    expect(tf.train.loadCheckpoint({ ckptDirOrFile: dir }).prefix).toBe(prefix);
    expectRefused(
      () => tf.train.loadVariable(prefix, { nme: "w" } as never),
      "train.loadVariable() got an unexpected keyword argument 'nme' (did you mean 'name'?)",
    );
  });

  it("CheckpointReader(filename) opens a prefix; its methods take TF's parameters", () => {
    const dir = tempDir();
    const prefix = saved(dir);
    const reader = new tf.train.CheckpointReader(prefix);
    expect(reader.hasTensor("w")).toBe(true);
    expect(reader.hasTensor({ tensorStr: "nope" })).toBe(false);
    expect(reader.getTensor({ tensorStr: "w" }).toArray()).toEqual(W);
    expect(reader.getVariableToShapeMap().get("b")).toEqual([1, 4]);
    expect(reader.getVariableToDtypeMap().get("w")).toBe("DT_FLOAT");
    expect(reader.debugString()).toBe("b (DT_FLOAT) [1,4]\nw (DT_FLOAT) [2,3]\n");
    expect(new tf.train.CheckpointReader({ filename: prefix }).prefix).toBe(prefix);
    expect(() => new tf.train.CheckpointReader(path.join(dir, "no"))).toThrow(
      tf.errors.NotFoundError,
    );
    expectRefused(
      () => reader.getTensor(1 as never),
      "CheckpointReader.getTensor() argument 'tensorStr' (position 1) must be a str, not int 1",
    );
  });

  it("initFromCheckpoint(ckpt_dir_or_file, assignment_map): a plain-object map is the value", () => {
    const dir = tempDir();
    const prefix = saved(dir);
    const run = (init: (v: tf.Variable) => void): number[] => {
      tf.resetDefaultGraph();
      const v = tf.variableScope("new", () => tf.getVariable("v", [2, 3]));
      init(v);
      using sess = new tf.Session();
      sess.run(tf.globalVariablesInitializer());
      return values(sess, v);
    };
    expect(run(() => tf.train.initFromCheckpoint(prefix, { w: "new/v" }))).toEqual(W.flat());
    expect(run((v) => tf.train.initFromCheckpoint(dir, new Map([["w", v]])))).toEqual(W.flat());
    expect(
      run(() =>
        tf.train.initFromCheckpoint({ ckptDirOrFile: prefix, assignmentMap: { w: "new/v" } }),
      ),
    ).toEqual(W.flat());
    expectRefused(
      () => tf.train.initFromCheckpoint(prefix, [["w", "new/v"]] as never),
      /^train\.initFromCheckpoint\(\) argument 'assignmentMap' \(position 2\) must be a dict/,
    );
    expectRefused(
      () => (tf.train.initFromCheckpoint as (...a: unknown[]) => unknown)(prefix),
      "train.initFromCheckpoint() missing 1 required positional argument: 'assignmentMap'",
    );
  });
});

describe("tf.io file systems and the async checkpoint lookups", () => {
  it("registerFileSystem(scheme, fileSystem) / getFileSystem(path): positional and by name", () => {
    const mem = tf.io.memoryFileSystem();
    tf.io.registerFileSystem("apipos", mem);
    tf.io.registerFileSystem({ scheme: "apiopt", fileSystem: mem });
    expect(tf.io.getFileSystem("apipos://a")).toBe(mem);
    expect(tf.io.getFileSystem({ path: "apiopt://a" })).toBe(mem);
    expectRefused(
      () => tf.io.registerFileSystem("apibad", {} as tf.io.FileSystem),
      /^io\.registerFileSystem\(\) argument 'fileSystem' \(position 2\) must be a file system/,
    );
    expectRefused(
      () => (tf.io.getFileSystem as (...a: unknown[]) => unknown)(),
      "io.getFileSystem() missing 1 required positional argument: 'path'",
    );
  });

  it("indexedDBFileSystem(databaseName) and httpFileSystem(requestInit): positional and by name", async () => {
    for (const db of [
      tf.io.indexedDBFileSystem("models"),
      tf.io.indexedDBFileSystem({ databaseName: "models" }),
    ]) {
      await expect(db.exists("indexeddb://x")).rejects.toThrow(
        "IndexedDB is not available here: indexeddb:// paths need a browser (database models).",
      );
    }
    // A RequestInit is a plain object: given alone it is the value, `{ requestInit }` the options.
    for (const web of [
      tf.io.httpFileSystem({ headers: { a: "b" } }),
      tf.io.httpFileSystem({ requestInit: { headers: { a: "b" } } }),
      tf.io.httpFileSystem(),
    ]) {
      await expect(web.remove("https://example.com/x")).rejects.toThrow(
        "https://example.com/x: http:// and https:// paths are read-only.",
      );
    }
    expectRefused(
      () => tf.io.indexedDBFileSystem(3 as never),
      /^io\.indexedDBFileSystem\(\) argument 'databaseName' \(position 1\) must be a str/,
    );
  });

  it("latestCheckpointAsync / getCheckpointStateAsync(checkpoint_dir, latest_filename)", async () => {
    const v = tf.getVariable("v", [1]);
    const saver = new tf.train.Saver([v]);
    using sess = new tf.Session();
    sess.run(v.initializer);
    await saver.saveAsync(sess, "ram://api-latest/m", { globalStep: 4, latestFilename: "state" });
    expect(await tf.train.latestCheckpointAsync("ram://api-latest", "state")).toBe(
      "ram://api-latest/m-4",
    );
    expect(
      await tf.train.latestCheckpointAsync({
        checkpointDir: "ram://api-latest",
        latestFilename: "state",
      }),
    ).toBe("ram://api-latest/m-4");
    expect(await tf.train.latestCheckpointAsync("ram://api-latest")).toBe(null);
    expect(
      (await tf.train.getCheckpointStateAsync("ram://api-latest", { latestFilename: "state" }))
        ?.allModelCheckpointPaths,
    ).toEqual(["ram://api-latest/m-4"]);
    // A local directory is read as latestCheckpoint reads it.
    const dir = tempDir();
    const prefix = saved(dir);
    expect(await tf.train.latestCheckpointAsync(dir)).toBe(prefix);
  });
});
