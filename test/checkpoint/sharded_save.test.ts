/**
 * The ops of TensorFlow's sharded save, which the savers of TF-written SavedModels and
 * meta graphs hold: `StringJoin` (the temporary prefix), `ShardedFilename` (each shard's
 * prefix), `SaveV2` into it, and `MergeV2Checkpoints` (one index, data files renamed, the
 * temporary directory removed), as TF 1.15 runs them.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import {
  mergeV2Checkpoints,
  restoreV2,
  saveV2,
  shardedFilename,
} from "../../src/checkpoint/io_ops.js";
import { openBundleSync, writeBundleSync } from "../../src/checkpoint/file_io.js";
import { readTable } from "../../src/checkpoint/format/table.js";
import {
  decodeBundleEntry,
  decodeBundleHeader,
} from "../../src/checkpoint/format/proto/messages.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";
import { filesIn, tempDir } from "./helpers.js";

const text = (v: unknown): string =>
  typeof v === "string" ? v : new TextDecoder().decode(v as Uint8Array);

beforeEach(() => {
  tf.resetDefaultGraph();
});

describe("tf.strings.join (StringJoin)", () => {
  it("joins element-wise, scalars repeated, with TF's names and shape", () => {
    const j = tf.strings.join([tf.constant(["a", "b"]), "x", tf.constant(["1", "2"])], "-");
    expect(j.op.type).toBe("StringJoin");
    expect(j.op.inputs.map((t) => t.name)).toEqual([
      "Const:0",
      "StringJoin/inputs_1:0",
      "Const_1:0",
    ]);
    expect(j.op.attrs).toMatchObject({ N: 3, separator: "-" });
    expect(j.shape.toString()).toBe("(2,)");
    using sess = new tf.Session();
    expect((sess.run(j).toArray() as unknown as string[]).map(text)).toEqual(["a-x-1", "b-x-2"]);
    const scalar = tf.strings.join({ inputs: ["model", "_temp/part"], name: "join" });
    expect(scalar.name).toBe("join:0");
    expect(scalar.shape.toString()).toBe("()");
    expect(text(sess.run(scalar).toArray())).toBe("model_temp/part");
  });

  it("refuses mismatched shapes at build time and at run time, as TF", () => {
    const a = tf.constant(["a", "b"]);
    const b = tf.constant(["a", "b", "c"]);
    expectThrowsAndUnchanged(
      () => tf.strings.join([a, b]),
      tf.errors.ValueError,
      "Dimension 0 in both shapes must be equal, but are 2 and 3. Shapes are [2] and [3]. for 'StringJoin' (op: 'StringJoin') with input shapes: [2], [3].",
    );
    const p = tf.placeholder(tf.string, [null]);
    const j = tf.strings.join([a, p]);
    using sess = new tf.Session();
    expect(() => sess.run(j, new Map([[p, ["x", "y", "z"]]]))).toThrow(
      "Input shapes do not match: [2] vs. [3]",
    );
  });
});

describe("ShardedFilename", () => {
  it("names a shard as TF: basename-00002-of-00010", () => {
    using sess = new tf.Session();
    const f = shardedFilename(tf.constant("dir/part"), 2, 10);
    expect(f.name).toBe("ShardedFilename:0");
    expect(text(sess.run(f).toArray())).toBe("dir/part-00002-of-00010");
    const bad = shardedFilename(tf.constant(["a", "b"]), 0, 1);
    expect(() => sess.run(bad)).toThrow("basename must be a scalar, got shape [2]");
  });
});

describe("a sharded save as TF's Saver(sharded=True) builds it", () => {
  function shardedSave(prefix: tf.Tensor, tensors: Record<string, tf.Tensor>) {
    // TF 1.15's _AddShardedSaveOpsForV2 with one device.
    const tmp = tf.strings.join([prefix, "_temp_0123abcd/part"]);
    const numShards = tf.constant(1, tf.int32, undefined, "num_shards");
    const shard = shardedFilename(tmp, 0, numShards);
    const names = Object.keys(tensors);
    const save = saveV2(
      shard,
      names,
      names.map(() => ""),
      Object.values(tensors),
    );
    const merge = tf.controlDependencies([save], () =>
      mergeV2Checkpoints(tf.stack([shard]), prefix),
    );
    return tf.controlDependencies([merge], () => tf.identity(prefix));
  }

  it("writes one bundle at the prefix and removes the temporary shard directory", () => {
    const dir = tempDir();
    const prefix = tf.placeholder(tf.string, []);
    const w = tf.constant([1.5, -2], tf.float32);
    const n = tf.constant(7, tf.int32);
    const done = shardedSave(prefix, { w, n });
    using sess = new tf.Session();
    const out = path.join(dir, "variables");
    expect(text(sess.run(done, new Map([[prefix, out]])).toArray())).toBe(out);
    expect(filesIn(dir)).toEqual(["variables.data-00000-of-00001", "variables.index"]);
    const reader = openBundleSync(out);
    expect(Array.from(reader.getTensor("w").values as Float32Array)).toEqual([1.5, -2]);
    expect(reader.getTensor("n").values).toEqual(new Int32Array([7]));
    const [w0] = restoreV2(out, ["w"], [""], [tf.float32]);
    expect(Array.from(sess.run(w0 as tf.Tensor).toArray() as number[])).toEqual([1.5, -2]);
  });

  it("merging two shards renumbers their entries and renames their data files", () => {
    const dir = tempDir();
    const a = path.join(dir, "m_temp_x", "part-00000-of-00002");
    const b = path.join(dir, "m_temp_x", "part-00001-of-00002");
    mkdirSync(path.join(dir, "m_temp_x"));
    writeBundleSync(a, [{ name: "b", dtype: "float32", shape: [], values: [1] }]);
    writeBundleSync(b, [{ name: "a", dtype: "int32", shape: [2], values: [3, 4] }]);
    const merge = mergeV2Checkpoints(tf.constant([a, b]), path.join(dir, "m"));
    using sess = new tf.Session();
    sess.run(merge);
    expect(filesIn(dir)).toEqual(["m.data-00000-of-00002", "m.data-00001-of-00002", "m.index"]);
    const reader = openBundleSync(path.join(dir, "m"));
    expect(reader.header.numShards).toBe(2);
    expect(reader.listEntries().map((e) => e.name)).toEqual(["a", "b"]);
    expect(reader.getTensor("a").values).toEqual(new Int32Array([3, 4]));
    expect(reader.getTensor("b").values).toEqual(new Float32Array([1]));
  });

  it("merging the single shard TF wrote gives back TF's index entries", () => {
    const dir = tempDir();
    const src = path.resolve(
      import.meta.dirname,
      "../fixtures/tf-graphs/tf-serving-savedmodels-tf1/saved_model_half_plus_two_cpu/00000123/variables",
    );
    mkdirSync(path.join(dir, "variables_temp"));
    const part = path.join(dir, "variables_temp", "part-00000-of-00001");
    copyFileSync(path.join(src, "variables.index"), `${part}.index`);
    copyFileSync(path.join(src, "variables.data-00000-of-00001"), `${part}.data-00000-of-00001`);
    using sess = new tf.Session();
    sess.run(mergeV2Checkpoints(tf.constant([part]), path.join(dir, "variables")));
    // TF's table blocks are Snappy-compressed and scopeflow writes them raw: the entries
    // (header, keys, dtypes, shapes, offsets, checksums) are what must be the same.
    const entries = (file: string) =>
      readTable(new Uint8Array(readFileSync(file))).entries.map((e, i) => [
        text(e.key),
        i === 0 ? decodeBundleHeader(e.value) : decodeBundleEntry(e.value),
      ]);
    expect(entries(path.join(dir, "variables.index"))).toEqual(
      entries(path.join(src, "variables.index")),
    );
    expect(readFileSync(path.join(dir, "variables.data-00000-of-00001"))).toEqual(
      readFileSync(path.join(src, "variables.data-00000-of-00001")),
    );
    expect(existsSync(path.join(dir, "variables_temp"))).toBe(false);
  });

  it("a duplicate key or a missing shard is TF's error, naming the node", () => {
    const dir = tempDir();
    const a = path.join(dir, "a");
    const b = path.join(dir, "b");
    writeBundleSync(a, [{ name: "w", dtype: "float32", shape: [], values: [1] }]);
    writeBundleSync(b, [{ name: "w", dtype: "float32", shape: [], values: [2] }]);
    using sess = new tf.Session();
    const dup = mergeV2Checkpoints(tf.constant([a, b]), path.join(dir, "m"));
    expect(() => sess.run(dup)).toThrow(
      new RegExp(
        `Duplicate tensor keyed by w encountered, when merging prefix: ${b}\\n\\t \\[\\[\\{\\{node MergeV2Checkpoints\\}\\}\\]\\]`,
      ),
    );
    const missing = mergeV2Checkpoints(tf.constant([path.join(dir, "nope")]), path.join(dir, "m"));
    let error: unknown;
    try {
      sess.run(missing);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(tf.errors.NotFoundError);
    expect(String(error)).toContain(`${path.join(dir, "nope")}.index; No such file or directory`);
  });
});
