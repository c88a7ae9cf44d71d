import * as tfc from "@tensorflow/tfjs-core";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as tf from "../../src/index.js";
import { readBundle } from "../../src/checkpoint/format/index.js";
import { writeBundleSync } from "../../src/checkpoint/file_io.js";
import { withDeferredSave } from "../../src/checkpoint/io_ops.js";
import { bits, filesIn, rejected, tempDir, thrown } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

function opNames(prefix: string): string[] {
  return tf
    .getDefaultGraph()
    .getOperations()
    .map((o) => o.name)
    .filter((n) => n.startsWith(prefix));
}

function twoVariables() {
  const w = tf.variableScope("foo", () =>
    tf.getVariable("w", [2, 3], { initializer: tf.constantInitializer(1) }),
  );
  const b = tf.variableScope("foo", { reuse: tf.AUTO_REUSE }, () =>
    tf.getVariable("b", [3], { initializer: tf.zerosInitializer() }),
  );
  return { w, b };
}

describe("Saver graph", () => {
  it("builds TensorFlow's ops under save/, with TensorFlow's names", () => {
    twoVariables();
    const saver = new tf.train.Saver();
    expect(opNames("save")).toEqual([
      "save/filename/input",
      "save/filename",
      "save/Const",
      "save/SaveV2/tensor_names",
      "save/SaveV2/shape_and_slices",
      "save/SaveV2",
      "save/control_dependency",
      "save/RestoreV2/tensor_names",
      "save/RestoreV2/shape_and_slices",
      "save/RestoreV2",
      "save/Assign",
      "save/Assign_1",
      "save/restore_all",
    ]);
    expect(saver.saverDef).toEqual({
      filenameTensorName: "save/Const:0",
      saveTensorName: "save/control_dependency:0",
      restoreOpName: "save/restore_all",
      maxToKeep: 5,
      keepCheckpointEveryNHours: 10000,
      sharded: false,
      version: "V2",
    });
    const g = tf.getDefaultGraph();
    expect(g.getOperationByName("save/SaveV2").type).toBe("SaveV2");
    expect(g.getOperationByName("save/RestoreV2").type).toBe("RestoreV2");
    expect(g.getOperationByName("save/Const").type).toBe("PlaceholderWithDefault");
    expect(g.getOperationByName("save/restore_all").type).toBe("NoOp");
    // Keys sorted; each Assign writes the variable of the key at its index.
    expect(saver.keys).toEqual(["foo/b", "foo/w"]);
    const assign0 = g.getOperationByName("save/Assign");
    expect(assign0.inputs.map((t) => t.name)).toEqual(["foo/b:0", "save/RestoreV2:0"]);
    expect(
      g.getOperationByName("save/control_dependency").controlInputs.map((o) => o.name),
    ).toEqual(["save/SaveV2"]);
    new tf.train.Saver();
    expect(g.getOperationByName("save_1/restore_all").type).toBe("NoOp");
    const named = new tf.train.Saver(undefined, { name: "my_saver" });
    expect(named.saverDef?.saveTensorName).toBe("my_saver/control_dependency:0");
  });

  it("saves all global variables by default, slots and global_step included", () => {
    const x = tf.placeholder(tf.float32, [2, 1], { name: "x" });
    const w = tf.getVariable("w", [2, 1], { initializer: tf.onesInitializer() });
    const step = tf.train.getOrCreateGlobalStep();
    // A fed gradient: the test is about the variables the optimizer creates.
    new tf.train.AdamOptimizer(0.1).applyGradients([[x, w]], { globalStep: step });
    tf.getLocalVariable("counter", [], { dtype: tf.int32 });
    const saver = new tf.train.Saver();
    expect(saver.keys).toEqual([
      "beta1_power",
      "beta2_power",
      "global_step",
      "w",
      "w/Adam",
      "w/Adam_1",
    ]);
    const dir = tempDir();
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run(tf.getDefaultGraph().getOperationByName("Adam"), new Map([[x, [[1], [2]]]]));
    const p = saver.save(sess, path.join(dir, "model.ckpt"), { globalStep: step }) as string;
    expect(path.basename(p)).toBe("model.ckpt-1");
    // global_step is int64 in the file, as TensorFlow writes (and reads) it.
    expect(tf.train.loadCheckpoint(p).getVariableToDtypeMap().get("global_step")).toBe("DT_INT64");
    expect(tf.train.loadVariable(p, "global_step").dtype).toBe("int64");
    expect(tf.train.loadVariable(p, "global_step").data).toEqual(BigInt64Array.of(1n));
    expect(tf.train.loadVariable(p, "global_step").item()).toBe(1);
    using sess2 = new tf.Session();
    saver.restore(sess2, p);
    expect(sess2.run(step).item()).toBe(1);
    expect(Array.from(sess2.run(w).data as Float32Array)).toEqual(
      Array.from(sess.run(w).data as Float32Array),
    );
  });

  it("rejects bad variable lists with TensorFlow's errors", () => {
    const { w, b } = twoVariables();
    expect(thrown(() => new tf.train.Saver([w, w]))).toMatchObject({
      name: "ValueError",
      message: "At least two variables have the same name: foo/w",
    });
    expect(thrown(() => new tf.train.Saver({ a: w, z: w }))).toMatchObject({
      name: "ValueError",
      message: "The same saveable will be restored with two names: z",
    });
    const c = tf.constant(1, { name: "c" });
    expect(thrown(() => new tf.train.Saver([w, c]))).toMatchObject({
      name: "TypeError",
      message: 'Variable to save is not a Variable: Tensor("c:0", shape=(), dtype=float32)',
    });
    expect(thrown(() => new tf.train.Saver({ x: b.value() }))).toMatchObject({
      name: "TypeError",
      message:
        'names_to_saveables must be a dict mapping string names to Tensors/Variables. Not a variable: Tensor("foo/b/read:0", shape=(3,), dtype=float32)',
    });
    tf.resetDefaultGraph();
    expect(thrown(() => new tf.train.Saver())).toMatchObject({
      name: "ValueError",
      message: "No variables to save",
    });
    expect(thrown(() => new tf.train.Saver([]))).toMatchObject({ message: "No variables to save" });
    const empty = new tf.train.Saver(undefined, { allowEmpty: true });
    using sess = new tf.Session();
    expect(empty.save(sess, path.join(tempDir(), "m"))).toBeNull();
    expect(empty.saverDef).toBeNull();
    empty.restore(sess, "nowhere");
  });

  it("builds nothing when construction fails", () => {
    twoVariables();
    const before = tf.getDefaultGraph().getOperations().length;
    expect(() => new tf.train.Saver({ a: tf.constant(1) })).toThrow(TypeError);
    // The constant above was created by the caller; the saver added nothing.
    expect(tf.getDefaultGraph().getOperations().length).toBe(before + 1);
  });
});

/** One variable per dtype and rank, with awkward values. */
function awkwardValues(): { v: tf.Variable; value: tf.NDArray }[] {
  const shapes = [[], [3], [2, 3], [2, 1, 3], [1, 2, 2, 2], [2, 0]];
  const out: { v: tf.Variable; value: tf.NDArray }[] = [];
  const special = [NaN, -0, 1.4e-45, 3.4028234663852886e38, -Infinity, Infinity, 0.1, -2.5];
  shapes.forEach((shape, r) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const f = new Float32Array(n).map((_, i) => special[i % special.length] as number);
    if (n > 0) new Uint32Array(f.buffer)[0] = 0x7fc01234; // a NaN with a payload
    const ints = new Int32Array(n).map(
      (_, i) => [-2147483648, 2147483647, 0, -1, 7][i % 5] as number,
    );
    const bools = new Uint8Array(n).map((_, i) => i % 2);
    const strs = Array.from(
      { length: n },
      (_, i) => ["", "héllo", "日本語 🎉", "a\u0000b", "x"][i % 5] as string,
    );
    const scope = `r${r}`;
    tf.variableScope(scope, () => {
      out.push(
        {
          v: tf.getVariable("f", shape, { dtype: tf.float32 }),
          value: new tf.NDArray(f, shape, "float32"),
        },
        {
          v: tf.getVariable("i", shape, { dtype: tf.int32 }),
          value: new tf.NDArray(ints, shape, "int32"),
        },
        {
          v: tf.getVariable("b", shape, { dtype: tf.bool }),
          value: new tf.NDArray(bools, shape, "bool"),
        },
        {
          v: tf.getVariable("s", shape, { dtype: tf.string }),
          value: new tf.NDArray(strs, shape, "string"),
        },
      );
    });
  });
  return out;
}

function expectSameValue(actual: tf.NDArray, expected: tf.NDArray, what: string): void {
  expect(actual.dtype, what).toBe(expected.dtype);
  expect(actual.shape, what).toEqual(expected.shape);
  if (expected.dtype === "float32") {
    expect(bits(actual.data as Float32Array), what).toEqual(bits(expected.data as Float32Array));
  } else {
    expect(Array.from(actual.data as ArrayLike<unknown>), what).toEqual(
      Array.from(expected.data as ArrayLike<unknown>),
    );
  }
}

describe("Saver round trip", () => {
  it("saves and restores every dtype and rank 0-4 bit-exactly", () => {
    const vars = awkwardValues();
    const saver = new tf.train.Saver();
    const dir = tempDir();
    using s1 = new tf.Session();
    for (const { v, value } of vars) v.load(value, s1);
    const p = saver.save(s1, path.join(dir, "all")) as string;
    expect(p).toBe(path.join(dir, "all"));
    using s2 = new tf.Session();
    saver.restore(s2, p);
    for (const { v, value } of vars) expectSameValue(s2.run(v), value, v.name);
    // And the same through the async paths.
    return (async () => {
      const q = (await saver.saveAsync(s1, path.join(dir, "async"))) as string;
      expect(readFileSync(`${q}.index`)).toEqual(readFileSync(`${p}.index`));
      expect(readFileSync(`${q}.data-00000-of-00001`)).toEqual(
        readFileSync(`${p}.data-00000-of-00001`),
      );
      using s3 = new tf.Session();
      await saver.restoreAsync(s3, q);
      for (const { v, value } of vars) expectSameValue(s3.run(v), value, v.name);
    })();
  });

  it("saveAsync saves the values of the moment it is called, in call order", async () => {
    const dir = tempDir();
    const v = tf.getVariable("v", [3], { initializer: tf.constantInitializer(1) });
    const bump = tf.assignAdd(v, [1, 1, 1]);
    const saver = new tf.train.Saver(undefined, { maxToKeep: 2 });
    using sess = new tf.Session();
    const uninitialized = await rejected(saver.saveAsync(sess, path.join(dir, "m")));
    expect(uninitialized).toBeInstanceOf(tf.errors.FailedPreconditionError);
    sess.run(tf.globalVariablesInitializer());
    const pending = [1, 2, 3].map((step) => {
      const p = saver.saveAsync(sess, path.join(dir, "m"), { globalStep: step });
      sess.run(bump); // training goes on while the files are written
      return p;
    });
    expect(await Promise.all(pending)).toEqual([1, 2, 3].map((s) => path.join(dir, `m-${s}`)));
    const valueIn = (p: string) => Array.from(tf.train.loadVariable(p, "v").data as Float32Array);
    expect(valueIn(path.join(dir, "m-2"))).toEqual([2, 2, 2]);
    expect(valueIn(path.join(dir, "m-3"))).toEqual([3, 3, 3]);
    // Each save writes its meta graph too; the oldest checkpoint went with its .meta.
    expect(filesIn(dir)).toEqual([
      "checkpoint",
      "m-2.data-00000-of-00001",
      "m-2.index",
      "m-2.meta",
      "m-3.data-00000-of-00001",
      "m-3.index",
      "m-3.meta",
    ]);
    expect(tf.train.latestCheckpoint(dir)).toBe(path.join(dir, "m-3"));
  });

  it("saveAsync defers only its own SaveV2 op; others in the same run still write", async () => {
    const dir = tempDir();
    tf.getVariable("v", [2], { initializer: tf.constantInitializer(4) });
    const mine = new tf.train.Saver();
    new tf.train.Saver(); // a second saver, under save_1/
    const graph = tf.getDefaultGraph();
    const [mineOp, otherOp] = ["save/SaveV2", "save_1/SaveV2"].map((n) =>
      graph.getOperationByName(n),
    );
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const captured: string[] = [];
    withDeferredSave(
      mineOp as tf.Operation,
      (prefix, entries) => captured.push(`${prefix}: ${entries.map((e) => e.name).join()}`),
      () =>
        sess.run(
          [mineOp as tf.Operation, otherOp as tf.Operation],
          new Map([
            [graph.getTensorByName("save/Const:0"), path.join(dir, "mine")],
            [graph.getTensorByName("save_1/Const:0"), path.join(dir, "other")],
          ]),
        ),
    );
    expect(captured).toEqual([`${path.join(dir, "mine")}: v`]);
    expect(filesIn(dir)).toEqual(["other.data-00000-of-00001", "other.index"]);
    // Once the call returns, the op writes again.
    expect(await mine.saveAsync(sess, path.join(dir, "later"))).toBe(path.join(dir, "later"));
    sess.run(
      mineOp as tf.Operation,
      new Map([[graph.getTensorByName("save/Const:0"), path.join(dir, "sync")]]),
    );
    expect(filesIn(dir)).toContain("sync.index");
    expect(
      thrown(() =>
        withDeferredSave(
          graph.getOperationByName("save/RestoreV2"),
          () => {},
          () => 0,
        ),
      ).message,
    ).toBe("withDeferredSave needs a SaveV2 op, got RestoreV2 'save/RestoreV2'");
  });

  it("restores by checkpoint key into differently named variables (object var list)", () => {
    const dir = tempDir();
    const old = tf.variableScope("old_scope", () =>
      tf.getVariable("w", [2], { initializer: tf.constantInitializer(3) }),
    );
    const saver = new tf.train.Saver([old]);
    using s1 = new tf.Session();
    s1.run(tf.globalVariablesInitializer());
    const p = saver.save(s1, path.join(dir, "m")) as string;
    tf.resetDefaultGraph();
    const neu = tf.variableScope("new_scope", () => tf.getVariable("w", [2]));
    const other = tf.getVariable("other", [], { initializer: tf.constantInitializer(9) });
    const restorer = new tf.train.Saver({ "old_scope/w": neu });
    using s2 = new tf.Session();
    s2.run(other.initializer);
    restorer.restore(s2, p);
    expect(Array.from(s2.run(neu).data as Float32Array)).toEqual([3, 3]);
    expect(s2.run(other).item()).toBe(9);
    const viaMap = new tf.train.Saver(new Map([["old_scope/w", neu]]));
    viaMap.restore(s2, p);
  });

  it("names files with the global step, read from the session when it is a variable", () => {
    const dir = tempDir();
    twoVariables();
    const step = tf.train.getOrCreateGlobalStep();
    const bump = tf.assignAdd(step, 41);
    const saver = new tf.train.Saver();
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run(bump);
    const prefix = path.join(dir, "model.ckpt");
    expect(saver.save(sess, prefix, { globalStep: 100 })).toBe(`${prefix}-100`);
    expect(saver.save(sess, prefix, { globalStep: step })).toBe(`${prefix}-41`);
    expect(saver.save(sess, prefix, { globalStep: "global_step:0" })).toBe(`${prefix}-41`);
    const padded = new tf.train.Saver(undefined, { padStepNumber: true });
    expect(padded.save(sess, prefix, { globalStep: 7 })).toBe(`${prefix}-00000007`);
  });

  it("keeps maxToKeep checkpoints and writes TensorFlow's state file", () => {
    const dir = tempDir();
    twoVariables();
    const saver = new tf.train.Saver(undefined, { maxToKeep: 2 });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const prefix = path.join(dir, "model");
    for (let step = 1; step <= 4; step++) saver.save(sess, prefix, { globalStep: step });
    expect(filesIn(dir)).toEqual([
      "checkpoint",
      "model-3.data-00000-of-00001",
      "model-3.index",
      "model-3.meta",
      "model-4.data-00000-of-00001",
      "model-4.index",
      "model-4.meta",
    ]);
    // Absolute save paths stay absolute, as TensorFlow's Saver writes them.
    expect(readFileSync(path.join(dir, "checkpoint"), "utf8")).toBe(
      `model_checkpoint_path: "${prefix}-4"\n` +
        `all_model_checkpoint_paths: "${prefix}-3"\n` +
        `all_model_checkpoint_paths: "${prefix}-4"\n`,
    );
    expect(saver.lastCheckpoints).toEqual([`${prefix}-3`, `${prefix}-4`]);
    expect(tf.train.latestCheckpoint(dir)).toBe(`${prefix}-4`);
    expect(tf.train.getCheckpointState(dir)?.allModelCheckpointPaths).toEqual([
      `${prefix}-3`,
      `${prefix}-4`,
    ]);
    // Relative save directories give paths relative to it.
    const rel = path.relative(process.cwd(), dir);
    saver.save(sess, path.join(rel, "model"), { globalStep: 5 });
    expect(readFileSync(path.join(dir, "checkpoint"), "utf8")).toBe(
      `model_checkpoint_path: "model-5"\n` +
        `all_model_checkpoint_paths: "${prefix}-4"\n` +
        `all_model_checkpoint_paths: "model-5"\n`,
    );
    expect(tf.train.latestCheckpoint(dir)).toBe(path.join(dir, "model-5"));
  });

  it("maxToKeep 0 keeps every file and records only the newest; writeState false skips both", () => {
    const dir = tempDir();
    twoVariables();
    const saver = new tf.train.Saver(undefined, { maxToKeep: 0 });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    for (let step = 1; step <= 3; step++)
      saver.save(sess, path.join(dir, "m"), { globalStep: step });
    expect(filesIn(dir).filter((f) => f.endsWith(".index"))).toEqual([
      "m-1.index",
      "m-2.index",
      "m-3.index",
    ]);
    expect(readFileSync(path.join(dir, "checkpoint"), "utf8")).toBe(
      `model_checkpoint_path: "${dir}/m-3"\nall_model_checkpoint_paths: "${dir}/m-3"\n`,
    );
    const dir2 = tempDir();
    new tf.train.Saver().save(sess, path.join(dir2, "m"), { writeState: false });
    new tf.train.Saver().save(sess, path.join(dir2, "n"), {
      writeState: false,
      writeMetaGraph: false,
    });
    expect(filesIn(dir2)).toEqual([
      "m.data-00000-of-00001",
      "m.index",
      "m.meta",
      "n.data-00000-of-00001",
      "n.index",
    ]);
    expect(tf.train.latestCheckpoint(dir2)).toBeNull();
  });

  it("recovers kept checkpoints after a restart so maxToKeep keeps counting", () => {
    const dir = tempDir();
    twoVariables();
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const first = new tf.train.Saver(undefined, { maxToKeep: 2 });
    for (let s = 1; s <= 2; s++) first.save(sess, path.join(dir, "m"), { globalStep: s });
    const second = new tf.train.Saver(undefined, { maxToKeep: 2 });
    second.recoverLastCheckpoints(tf.train.getCheckpointState(dir)?.allModelCheckpointPaths ?? []);
    second.save(sess, path.join(dir, "m"), { globalStep: 3 });
    expect(filesIn(dir).filter((f) => f.endsWith(".index"))).toEqual(["m-2.index", "m-3.index"]);
  });

  it("reports save errors as TensorFlow does", () => {
    const dir = tempDir();
    twoVariables();
    const saver = new tf.train.Saver();
    using sess = new tf.Session();
    // Uninitialized variables: the SaveV2 kernel's read fails.
    expect(thrown(() => saver.save(sess, path.join(dir, "m")))).toMatchObject({
      name: "FailedPreconditionError",
    });
    expect(filesIn(dir)).toEqual([]);
    sess.run(tf.globalVariablesInitializer());
    expect(thrown(() => saver.save(sess, path.join(dir, "no", "such", "m")))).toMatchObject({
      name: "ValueError",
      message: `Parent directory of ${path.join(dir, "no", "such", "m")} doesn't exist, can't save.`,
    });
    // One missing level is created, as TensorFlow's BundleWriter does.
    expect(saver.save(sess, path.join(dir, "sub", "m"))).toBe(path.join(dir, "sub", "m"));
    expect(thrown(() => saver.save(sess, path.join(dir, "checkpoint")))).toMatchObject({
      name: "ValueError",
      message: `'latest_filename' collides with 'save_path': 'checkpoint' and '${path.join(dir, "checkpoint")}'`,
    });
    expect(
      thrown(() => saver.save(sess, path.join(dir, "m"), { latestFilename: "a/b" })),
    ).toMatchObject({
      message: "'latest_filename' must not contain path components",
    });
    expect(thrown(() => saver.save({} as tf.Session, path.join(dir, "m")))).toBeInstanceOf(
      TypeError,
    );
  });
});

describe("Saver.restore failures", () => {
  function savedModel() {
    const dir = tempDir();
    const { w, b } = twoVariables();
    const saver = new tf.train.Saver();
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const p = saver.save(sess, path.join(dir, "model")) as string;
    sess.close();
    return { dir, p, w, b };
  }

  /** Sets the variables to known values, so a failed restore can be seen to change nothing. */
  function primed(vars: tf.Variable[]) {
    const sess = new tf.Session();
    for (const v of vars) {
      const shape = v.shape.asList() as number[];
      v.load(
        new tf.NDArray(
          new Float32Array(shape.reduce((a, c) => a * c, 1)).fill(7),
          shape,
          "float32",
        ),
        sess,
      );
    }
    return sess;
  }

  function expectSevens(sess: tf.Session, vars: tf.Variable[]) {
    for (const v of vars) expect(new Set(sess.run(v).data as Float32Array)).toEqual(new Set([7]));
  }

  it("a missing key is NotFoundError with TensorFlow's wording, and nothing changes", () => {
    const { p } = savedModel();
    tf.resetDefaultGraph();
    const { w, b } = twoVariables();
    const extra = tf.variableScope("foo", () => tf.getVariable("v", [1]));
    const saver = new tf.train.Saver();
    const numTensors = tfc.memory().numTensors;
    const sess = primed([w, b, extra]);
    const e = thrown(() => saver.restore(sess, p));
    expect(e).toBeInstanceOf(tf.errors.NotFoundError);
    expect(e.message).toBe(
      "Restoring from checkpoint failed. This is most likely due to a Variable name or other graph key " +
        "that is missing from the checkpoint. Please ensure that you have not altered the graph expected " +
        "based on the checkpoint. Original error:\n\nKey foo/v not found in checkpoint\n\t [[{{node save/RestoreV2}}]]",
    );
    expectSevens(sess, [w, b, extra]);
    // Session-owned values (variables, cached constants) go with the session; nothing else stays.
    sess.close();
    expect(tfc.memory().numTensors).toBe(numTensors);
  });

  it("a shape mismatch is InvalidArgumentError naming the key, and nothing changes", () => {
    const { p } = savedModel();
    tf.resetDefaultGraph();
    const w = tf.variableScope("foo", () => tf.getVariable("w", [3, 2]));
    const b = tf.variableScope("foo", () => tf.getVariable("b", [3]));
    const saver = new tf.train.Saver();
    const numTensors = tfc.memory().numTensors;
    const sess = primed([w, b]);
    const e = thrown(() => saver.restore(sess, p));
    expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(e.message).toContain(
      "This is most likely due to a mismatch between the current graph and the graph from the checkpoint.",
    );
    expect(e.message).toContain(
      "Assign requires shapes of both tensors to match. lhs shape= [3,2] rhs shape= [2,3] (checkpoint key foo/w)\n\t [[{{node save/Assign_1}}]]",
    );
    expectSevens(sess, [w, b]);
    sess.close();
    expect(tfc.memory().numTensors).toBe(numTensors);
  });

  it("a dtype mismatch is InvalidArgumentError with TensorFlow's wording", () => {
    const { p } = savedModel();
    tf.resetDefaultGraph();
    const w = tf.variableScope("foo", () => tf.getVariable("w", [2, 3], { dtype: tf.int32 }));
    const saver = new tf.train.Saver([w]);
    using sess = new tf.Session();
    const e = thrown(() => saver.restore(sess, p));
    expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(e.message).toContain(
      "tensor_name = foo/w; expected dtype int32 does not equal restored dtype float\n\t [[{{node save/RestoreV2}}]]",
    );
    expect(thrown(() => sess.run(w)).name).toBe("FailedPreconditionError");
  });

  it("a corrupted data file is DataLossError naming file and key, and nothing changes", () => {
    const { p, w, b } = savedModel();
    const dataFile = `${p}.data-00000-of-00001`;
    const bytes = readFileSync(dataFile);
    bytes[bytes.length - 1] ^= 0x40; // inside foo/w, the last key
    writeFileSync(dataFile, bytes);
    const saver = new tf.train.Saver();
    const numTensors = tfc.memory().numTensors;
    const sess = primed([w, b]);
    const e = thrown(() => saver.restore(sess, p));
    expect(e).toBeInstanceOf(tf.errors.DataLossError);
    expect(e.message).toContain(`Checksum mismatch for key 'foo/w' in ${dataFile}`);
    expectSevens(sess, [w, b]);
    return rejected(saver.restoreAsync(sess, p)).then((err) => {
      expect(err).toBeInstanceOf(tf.errors.DataLossError);
      expect(err.message).toContain(`key 'foo/w' in ${dataFile}`);
      expectSevens(sess, [w, b]);
      sess.close();
      expect(tfc.memory().numTensors).toBe(numTensors);
    });
  });

  it("a truncated data file names the file and the key", () => {
    const { p, w, b } = savedModel();
    const dataFile = `${p}.data-00000-of-00001`;
    writeFileSync(dataFile, readFileSync(dataFile).subarray(0, 10));
    const saver = new tf.train.Saver();
    using sess = primed([w, b]);
    const e = thrown(() => saver.restore(sess, p));
    expect(e).toBeInstanceOf(tf.errors.DataLossError);
    expect(e.message).toContain(`${dataFile} is truncated: key 'foo/b'`);
    expectSevens(sess, [w, b]);
  });

  it("a path that holds no checkpoint is ValueError; null is ValueError", () => {
    const { dir } = savedModel();
    const saver = new tf.train.Saver();
    using sess = new tf.Session();
    expect(thrown(() => saver.restore(sess, path.join(dir, "nope")))).toMatchObject({
      name: "ValueError",
      message: `The passed save_path is not a valid checkpoint: ${path.join(dir, "nope")}`,
    });
    expect(thrown(() => saver.restore(sess, null))).toMatchObject({
      message: "Can't load save_path when it is None.",
    });
  });

  it("mismatch errors come through restoreAsync too", async () => {
    const { p } = savedModel();
    tf.resetDefaultGraph();
    const w = tf.variableScope("foo", () => tf.getVariable("w", [3, 2]));
    const saver = new tf.train.Saver([w]);
    using sess = new tf.Session();
    const e = await rejected(saver.restoreAsync(sess, p));
    expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(e.message).toContain("lhs shape= [3,2] rhs shape= [2,3] (checkpoint key foo/w)");
    tf.resetDefaultGraph();
    const v = tf.variableScope("foo", () => tf.getVariable("v", [3, 2]));
    const e2 = await rejected(new tf.train.Saver([v]).restoreAsync(new tf.Session(), p));
    expect(e2).toBeInstanceOf(tf.errors.NotFoundError);
    expect(e2.message).toContain("Key foo/v not found in checkpoint");
  });

  it("does not leak tensors over many restores", () => {
    const { p, w, b } = savedModel();
    const saver = new tf.train.Saver();
    using sess = new tf.Session();
    saver.restore(sess, p);
    const n = tfc.memory().numTensors;
    for (let i = 0; i < 5; i++) saver.restore(sess, p);
    expect(tfc.memory().numTensors).toBe(n);
    expect(sess.run(w).shape).toEqual([2, 3]);
    expect(sess.run(b).shape).toEqual([3]);
  });
});

describe("dtypes TensorFlow writes that scopeflow narrows", () => {
  it("restores int64 into the int64 global step and float64 into float32 (with a warning)", () => {
    const dir = tempDir();
    const p = path.join(dir, "wide");
    writeBundleSync(p, [
      { name: "global_step", dtype: "int64", shape: [], values: new BigInt64Array([123456n]) },
      { name: "d", dtype: "float64", shape: [2], values: new Float64Array([0.1, -1e300]) },
    ]);
    const step = tf.train.getOrCreateGlobalStep();
    const d = tf.getVariable("d", [2]);
    const saver = new tf.train.Saver();
    using sess = new tf.Session();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      saver.restore(sess, p);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining("Key 'd'"));
    } finally {
      warn.mockRestore();
    }
    expect(sess.run(step).item()).toBe(123456);
    expect(Array.from(sess.run(d).data as Float32Array)).toEqual([Math.fround(0.1), -Infinity]);
  });

  it("reports an int64 outside the int32 range clearly", () => {
    const dir = tempDir();
    const p = path.join(dir, "big");
    writeBundleSync(p, [
      { name: "global_step", dtype: "int64", shape: [], values: new BigInt64Array([2n ** 40n]) },
    ]);
    tf.train.getOrCreateGlobalStep();
    using sess = new tf.Session();
    const e = thrown(() => new tf.train.Saver().restore(sess, p));
    expect(e).toBeInstanceOf(tf.errors.OpError);
    expect(e).toBeInstanceOf(tf.errors.UnimplementedError);
    expect(e.message).toContain(
      "Key 'global_step' in " + p + ".index: int64 value 1099511627776 is outside the int32 range",
    );
    expect(e.message).toContain("[[{{node save/RestoreV2}}]]");
  });

  it("writes the bytes TensorFlow's BundleWriter writes for the same tensors", () => {
    const dir = tempDir();
    const w = new tf.Variable(
      tf.constant([
        [1, 2],
        [3, 4],
      ]),
      { name: "w" },
    );
    const saver = new tf.train.Saver([w]);
    using sess = new tf.Session();
    sess.run(w.initializer);
    const p = saver.save(sess, path.join(dir, "m")) as string;
    const reader = readBundle(readFileSync(`${p}.index`), readFileSync(`${p}.data-00000-of-00001`));
    expect(reader.listEntries().map((e) => [e.name, e.tfDtype, e.shape, e.offset, e.size])).toEqual(
      [["w", "DT_FLOAT", [2, 2], 0, 16]],
    );
    expect(existsSync(`${p}.index`)).toBe(true);
    // No temporary files are left behind.
    expect(filesIn(dir)).toEqual(["checkpoint", "m.data-00000-of-00001", "m.index", "m.meta"]);
  });
});
