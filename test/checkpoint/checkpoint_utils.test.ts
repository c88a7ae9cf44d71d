import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as tf from "../../src/index.js";
import { writeBundleSync } from "../../src/checkpoint/file_io.js";
import { tempDir, thrown } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

/** The checkpoint of TensorFlow's init_from_checkpoint docstring, with known values. */
function docstringCheckpoint(): string {
  const dir = tempDir();
  const prefix = path.join(dir, "model.ckpt");
  const fill = (n: number, v: number) => new Float32Array(n).fill(v);
  writeBundleSync(prefix, [
    { name: "old_scope_1/var1", dtype: "float32", shape: [20, 2], values: fill(40, 1) },
    { name: "old_scope_1/var2", dtype: "float32", shape: [50, 4], values: fill(200, 2) },
    { name: "old_scope_2/var3", dtype: "float32", shape: [10, 10], values: fill(100, 3) },
    { name: "var4", dtype: "float32", shape: [3], values: fill(3, 4) },
    { name: "count", dtype: "int64", shape: [], values: [5] },
  ]);
  return prefix;
}

function values(sess: tf.Session, v: tf.Variable): Set<number> {
  return new Set(Array.from(sess.run(v).data as Float32Array));
}

describe("latestCheckpoint", () => {
  it("is null without a state file or when the files are gone", () => {
    const dir = tempDir();
    expect(tf.train.latestCheckpoint(dir)).toBeNull();
    expect(tf.train.latestCheckpoint(path.join(dir, "missing"))).toBeNull();
    writeFileSync(path.join(dir, "checkpoint"), 'model_checkpoint_path: "gone"\n');
    const err = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      expect(tf.train.latestCheckpoint(dir)).toBeNull();
      expect(err).toHaveBeenCalledWith(
        `Couldn't match files for checkpoint ${path.join(dir, "gone")}`,
      );
    } finally {
      err.mockRestore();
    }
  });

  it("ignores an unparseable state file with a warning, as TensorFlow does", () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "checkpoint"), "model_checkpoint_path: {{{\n");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      expect(tf.train.latestCheckpoint(dir)).toBeNull();
      expect(warn).toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
    writeFileSync(path.join(dir, "checkpoint"), 'all_model_checkpoint_paths: "x"\n');
    expect(thrown(() => tf.train.latestCheckpoint(dir))).toMatchObject({
      name: "ValueError",
      message: `Invalid checkpoint state loaded from ${dir}`,
    });
  });

  it("uses a custom state file name", () => {
    const dir = tempDir();
    tf.getVariable("v", [1]);
    const saver = new tf.train.Saver();
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    saver.save(sess, path.join(dir, "m"), { latestFilename: "other_state" });
    expect(tf.train.latestCheckpoint(dir)).toBeNull();
    expect(tf.train.latestCheckpoint(dir, "other_state")).toBe(path.join(dir, "m"));
  });
});

describe("initFromCheckpoint", () => {
  function model() {
    const var1 = tf.variableScope("new_scope_1", () =>
      tf.getVariable("var1", [20, 2], { initializer: tf.zerosInitializer() }),
    );
    const [var2, var3] = tf.variableScope("new_scope_2", () => [
      tf.getVariable("var2", [50, 4], { initializer: tf.zerosInitializer() }),
      tf.getVariable("var3", [10, 10], { initializer: tf.zerosInitializer() }),
    ]);
    const untouched = tf.getVariable("untouched", [2], { initializer: tf.constantInitializer(9) });
    return { var1, var2, var3, untouched } as Record<string, tf.Variable>;
  }

  it("maps a scope to a scope, and replaces only those initializers", () => {
    const ckpt = docstringCheckpoint();
    const { var1, var2, var3, untouched } = model() as Record<string, tf.Variable>;
    const oldInit = (var1 as tf.Variable).initializer;
    tf.train.initFromCheckpoint(ckpt, { "old_scope_1/": "new_scope_1/" });
    expect((var1 as tf.Variable).initializer).not.toBe(oldInit);
    expect((var1 as tf.Variable).initializer.name).toBe("Assign");
    expect((var1 as tf.Variable).initializer.type).toBe("Assign");
    const restore = tf.getDefaultGraph().getOperationByName("checkpoint_initializer");
    expect(restore.type).toBe("RestoreV2");
    expect(restore.inputs.map((t) => t.name)).toEqual([
      "checkpoint_initializer/prefix:0",
      "checkpoint_initializer/tensor_names:0",
      "checkpoint_initializer/shape_and_slices:0",
    ]);
    expect((var1 as tf.Variable).initialValue.shape.toString()).toBe("(20, 2)");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect(values(sess, var1 as tf.Variable)).toEqual(new Set([1]));
    expect(values(sess, var2 as tf.Variable)).toEqual(new Set([0]));
    expect(values(sess, var3 as tf.Variable)).toEqual(new Set([0]));
    expect(values(sess, untouched as tf.Variable)).toEqual(new Set([9]));
  });

  it("maps single names, variable objects, and the root", () => {
    const ckpt = docstringCheckpoint();
    const { var1, var2, var3 } = model() as Record<string, tf.Variable>;
    const rooted = tf.variableScope("rooted", () => tf.getVariable("var4", [3]));
    const count = tf.variableScope("rooted", () =>
      tf.getVariable("count", [], { dtype: tf.int64 }),
    );
    tf.train.initFromCheckpoint(ckpt, {
      "old_scope_1/var2": "new_scope_2/var2",
      "old_scope_2/var3": var3 as tf.Variable,
      "old_scope_1/var1": var1 as tf.Variable,
    });
    tf.train.initFromCheckpoint(path.dirname(ckpt) + "/model.ckpt", new Map([["/", "rooted/"]]));
    expect(tf.getDefaultGraph().getOperationByName("checkpoint_initializer_4").type).toBe(
      "RestoreV2",
    );
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect(values(sess, var1 as tf.Variable)).toEqual(new Set([1]));
    expect(values(sess, var2 as tf.Variable)).toEqual(new Set([2]));
    expect(values(sess, var3 as tf.Variable)).toEqual(new Set([3]));
    expect(values(sess, rooted)).toEqual(new Set([4]));
    expect(sess.run(count).item()).toBe(5);
    // load() still works: it feeds the (new) initializer's value.
    rooted.load([7, 7, 7], sess);
    expect(values(sess, rooted)).toEqual(new Set([7]));
  });

  it("resolves a directory to its newest checkpoint", () => {
    const dir = tempDir();
    const w = tf.variableScope("a", () =>
      tf.getVariable("w", [2], { initializer: tf.onesInitializer() }),
    );
    const saver = new tf.train.Saver();
    using s1 = new tf.Session();
    s1.run(tf.globalVariablesInitializer());
    saver.save(s1, path.join(dir, "m"), { globalStep: 1 });
    s1.run(tf.assign(w, [5, 6]));
    saver.save(s1, path.join(dir, "m"), { globalStep: 2 });
    tf.resetDefaultGraph();
    const w2 = tf.variableScope("b", () => tf.getVariable("w", [2]));
    tf.train.initFromCheckpoint(dir, { "a/": "b/" });
    using s2 = new tf.Session();
    s2.run(tf.globalVariablesInitializer());
    expect(Array.from(s2.run(w2).data as Float32Array)).toEqual([5, 6]);
  });

  it("checks everything first and raises TensorFlow's errors", () => {
    const ckpt = docstringCheckpoint();
    const { var1 } = model() as Record<string, tf.Variable>;
    const before = tf.getDefaultGraph().getOperations().length;
    expect(
      thrown(() => tf.train.initFromCheckpoint(ckpt, { "old_scope_1/nope": "new_scope_1/var1" })),
    ).toMatchObject({
      name: "ValueError",
      message:
        `Tensor old_scope_1/nope is not found in ${ckpt} checkpoint {'count': [], 'old_scope_1/var1': [20, 2], ` +
        `'old_scope_1/var2': [50, 4], 'old_scope_2/var3': [10, 10], 'var4': [3]}`,
    });
    expect(
      thrown(() => tf.train.initFromCheckpoint(ckpt, { "old_scope_1/var2": var1 as tf.Variable })),
    ).toMatchObject({
      message:
        "Shape of variable new_scope_1/var1:0 ((20, 2)) doesn't match with shape of tensor old_scope_1/var2 ([50, 4]) from checkpoint reader.",
    });
    expect(
      thrown(() =>
        tf.train.initFromCheckpoint(ckpt, { "old_scope_1/var1": "new_scope_1/missing" }),
      ),
    ).toMatchObject({
      message:
        "Assignment map with scope only name new_scope_1 should map to scope only old_scope_1/var1. Should be 'scope/': 'other_scope/'.",
    });
    expect(
      thrown(() => tf.train.initFromCheckpoint(ckpt, { "old_scope_2/": "new_scope_2/" })),
    ).toMatchObject({
      message: `Tensor old_scope_2/var2 (var2 in old_scope_2/) is not found in ${ckpt} checkpoint`,
    });
    // A valid entry before a failing one changed nothing.
    const oldInit = (var1 as tf.Variable).initializer;
    expect(() =>
      tf.train.initFromCheckpoint(ckpt, {
        "old_scope_1/": "new_scope_1/",
        "old_scope_2/": "new_scope_2/",
      }),
    ).toThrow(/is not found/);
    expect((var1 as tf.Variable).initializer).toBe(oldInit);
    expect(tf.getDefaultGraph().getOperations().length).toBe(before);
    const empty = tempDir();
    expect(thrown(() => tf.train.initFromCheckpoint(empty, {}))).toMatchObject({
      message: `Couldn't find 'checkpoint' file or checkpoints in given directory ${empty}`,
    });
  });

  it("puts the replaced initializers back when an enclosing building call fails", () => {
    const ckpt = docstringCheckpoint();
    const { var1 } = model() as Record<string, tf.Variable>;
    const v = var1 as tf.Variable;
    const before = { initializer: v.initializer, initialValue: v.initialValue };
    const graph = tf.getDefaultGraph();
    expect(() =>
      graph.atomically(() => {
        tf.train.initFromCheckpoint(ckpt, { "old_scope_1/": "new_scope_1/" });
        expect(v.initializer).not.toBe(before.initializer);
        throw new Error("a later step fails");
      }),
    ).toThrow("a later step fails");
    expect(v.initializer).toBe(before.initializer);
    expect(v.initialValue).toBe(before.initialValue);
    expect(() => graph.getOperationByName("checkpoint_initializer")).toThrow();
  });

  it("reports a checkpoint that changed since as a runtime error of the initializer", () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, "sub"));
    const prefix = path.join(dir, "sub", "m");
    writeBundleSync(prefix, [{ name: "w", dtype: "float32", shape: [2], values: [1, 2] }]);
    const w = tf.getVariable("w", [2]);
    tf.train.initFromCheckpoint(prefix, { w: "w" });
    rmSync(`${prefix}.index`);
    using sess = new tf.Session();
    const e = thrown(() => sess.run(tf.globalVariablesInitializer()));
    expect(e).toBeInstanceOf(tf.errors.NotFoundError);
    expect(e.message).toContain(`Failed to find any matching files for ${prefix}`);
    expect(e.message).toContain("[[{{node checkpoint_initializer}}]]");
    expect(thrown(() => sess.run(w)).name).toBe("FailedPreconditionError");
  });
});
