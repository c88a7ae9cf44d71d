import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { writeBundleSync } from "../../src/checkpoint/file_io.js";
import { readBundle } from "../../src/checkpoint/format/index.js";
import { fixturesDir, rejected, tempDir, thrown } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const minigo = path.join(fixturesDir, "swift-models-index-only", "minigo");

/** The raw bytes of one entry of a single-shard checkpoint, as the index locates them. */
function entryBytes(prefix: string, key: string): Uint8Array {
  const data = readFileSync(`${prefix}.data-00000-of-00001`);
  const reader = readBundle(readFileSync(`${prefix}.index`), () => data, { prefix });
  const info = reader.listEntries().find((e) => e.name === key);
  if (info === undefined) throw new Error(`no entry ${key}`);
  return new Uint8Array(data.subarray(info.offset, info.offset + info.size));
}

describe("int64 variables in checkpoints", () => {
  it("are written as DT_INT64, 8 little-endian bytes each, and read back as int64", async () => {
    const count = tf.getVariable("count", [3], { dtype: tf.int64 });
    const step = tf.train.getOrCreateGlobalStep();
    const saver = new tf.train.Saver();
    const dir = tempDir();
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    count.load([7, -3, 2 ** 31 - 1], sess);
    step.load(42, sess);
    const p = saver.save(sess, path.join(dir, "model.ckpt"), { globalStep: step }) as string;
    expect(path.basename(p)).toBe("model.ckpt-42");

    const dtypes = tf.train.loadCheckpoint(p).getVariableToDtypeMap();
    expect(dtypes.get("count")).toBe("DT_INT64");
    expect(dtypes.get("global_step")).toBe("DT_INT64");
    expect(
      Array.from(entryBytes(p, "count"), (b) => b.toString(16).padStart(2, "0")).join(" "),
    ).toBe("07 00 00 00 00 00 00 00 fd ff ff ff ff ff ff ff ff ff ff 7f 00 00 00 00");
    expect(tf.train.listVariables(p)).toEqual([
      ["count", [3]],
      ["global_step", []],
    ]);
    const loaded = tf.train.loadVariable(p, "count");
    expect(loaded.dtype).toBe("int64");
    expect(loaded.data).toEqual(BigInt64Array.of(7n, -3n, 2n ** 31n - 1n));
    expect(String(loaded)).toBe("[         7         -3 2147483647]");

    using sess2 = new tf.Session();
    saver.restore(sess2, p);
    expect(sess2.run(count).data).toEqual(BigInt64Array.of(7n, -3n, 2n ** 31n - 1n));
    expect(sess2.run(step).item()).toBe(42);
    using sess3 = new tf.Session();
    await saver.restoreAsync(sess3, p);
    expect(sess3.run(count).dtype).toBe("int64");
    expect(sess3.run(step).item()).toBe(42);
    // An asynchronous save writes the same bytes.
    const q = (await saver.saveAsync(sess, path.join(dir, "async"))) as string;
    expect(entryBytes(q, "count")).toEqual(entryBytes(p, "count"));
  });

  it("keep TensorFlow's int64 values exactly when read, beyond int32 too", () => {
    const p = path.join(tempDir(), "tf");
    const values = BigInt64Array.of(2n ** 40n, -(2n ** 63n), 5n);
    writeBundleSync(p, [{ name: "ids", dtype: "int64", shape: [3], values }]);
    const loaded = tf.train.loadVariable(p, "ids");
    expect(loaded.dtype).toBe("int64");
    expect(loaded.data).toEqual(values);
    expect(loaded.get(2)).toBe(5);
    expect(tf.train.loadCheckpoint(p).getTensor("ids").data).toEqual(values);
  });

  it("refuse to restore a value scopeflow cannot compute with, naming the key, changing nothing", async () => {
    const p = path.join(tempDir(), "big");
    writeBundleSync(p, [
      { name: "a", dtype: "int64", shape: [2], values: BigInt64Array.of(1n, 2n) },
      { name: "b", dtype: "int64", shape: [2], values: BigInt64Array.of(3n, 2n ** 40n) },
    ]);
    const a = tf.getVariable("a", [2], { dtype: tf.int64 });
    tf.getVariable("b", [2], { dtype: tf.int64 });
    const saver = new tf.train.Saver();
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const e = thrown(() => saver.restore(sess, p));
    expect(e).toBeInstanceOf(tf.errors.UnimplementedError);
    expect(e.message).toContain(
      `Key 'b' in ${p}.index: int64 value 1099511627776 (element 1) is outside the int32 range`,
    );
    expect(sess.run(a).data).toEqual(BigInt64Array.of(0n, 0n));
    const async = await rejected(saver.restoreAsync(sess, p));
    expect(async).toBeInstanceOf(tf.errors.UnimplementedError);
    expect(async.message).toContain(`Key 'b' in ${p}.index: int64 value 1099511627776`);
    expect(sess.run(a).data).toEqual(BigInt64Array.of(0n, 0n));
  });

  it("restore only into int64 variables, as TensorFlow's RestoreV2 requires", () => {
    const p = path.join(tempDir(), "step");
    writeBundleSync(p, [
      { name: "global_step", dtype: "int64", shape: [], values: BigInt64Array.of(9n) },
    ]);
    tf.getVariable("global_step", [], { dtype: tf.int32 });
    using sess = new tf.Session();
    const e = thrown(() => new tf.train.Saver().restore(sess, p));
    expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(e.message).toContain(
      "tensor_name = global_step; expected dtype int32 does not equal restored dtype int64",
    );
  });
});

describe("TensorFlow's int64 global_step (MiniGo index)", () => {
  it("is listed as DT_INT64 and restores into the int64 global step", () => {
    const reader = tf.train.loadCheckpoint(minigo);
    expect(reader.getVariableToDtypeMap().get("global_step")).toBe("DT_INT64");
    expect(reader.getVariableToShapeMap().get("global_step")).toEqual([]);
    expect(reader.bundle.listEntries().find((e) => e.name === "global_step")?.dtype).toBe("int64");

    // The dtypes agree, so the restore gets as far as reading data, which this index-only
    // fixture does not have.
    const step = tf.train.getOrCreateGlobalStep();
    using sess = new tf.Session();
    const e = thrown(() => new tf.train.Saver({ global_step: step }).restore(sess, minigo));
    expect(e).toBeInstanceOf(tf.errors.NotFoundError);
    expect(e.message).toContain(`${minigo}.data-00000-of-00001`);

    tf.resetDefaultGraph();
    const narrow = tf.getVariable("global_step", [], { dtype: tf.int32 });
    using sess2 = new tf.Session();
    const wrong = thrown(() => new tf.train.Saver({ global_step: narrow }).restore(sess2, minigo));
    expect(wrong).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(wrong.message).toContain("expected dtype int32 does not equal restored dtype int64");
  });
});
