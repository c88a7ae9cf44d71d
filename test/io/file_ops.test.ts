/**
 * `tf.io.readFile`, `tf.io.writeFile`, `tf.io.matchingFiles` (ReadFile, WriteFile,
 * MatchingFiles): TF's ops and shape functions, kernels reading through Node's `fs` as
 * TFRecordDataset does, TF's glob rules (sorted, `./` for a pattern without a directory)
 * and TF's file system errors naming the file and the node.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tfc from "@tensorflow/tfjs-core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

let dir = "";
beforeEach(() => {
  tf.resetDefaultGraph();
  dir = mkdtempSync(join(tmpdir(), "file-ops-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("tf.io.readFile / tf.io.writeFile", () => {
  it("builds ReadFile and WriteFile with TF's names and shapes", () => {
    const read = tf.io.readFile(join(dir, "a"));
    expect(read.name).toBe("ReadFile:0");
    expect(read.op.inputs[0]!.name).toBe("ReadFile/filename:0");
    expect(read.shape.toString()).toBe("()");
    const write = tf.writeFile(join(dir, "b"), "x", "save_it");
    expect(write.name).toBe("save_it");
    expect(write.type).toBe("WriteFile");
    expect(write.outputs).toEqual([]);
    expect(write.inputs.map((t) => t.name)).toEqual(["save_it/filename:0", "save_it/contents:0"]);
    expect(tf.readFile).toBe(tf.io.readFile);
    expectThrowsAndUnchanged(
      () => tf.io.readFile([join(dir, "a"), join(dir, "b")]),
      tf.errors.ValueError,
      "Shape must be rank 0 but is rank 1 for 'ReadFile_1' (op: 'ReadFile') with input shapes: [2].",
    );
    expectThrowsAndUnchanged(
      () => tf.io.writeFile("f", ["a", "b"]),
      tf.errors.ValueError,
      "Shape must be rank 0 but is rank 1 for 'WriteFile' (op: 'WriteFile') with input shapes: [], [2].",
    );
  });

  it("writes bytes (creating directories) and reads them back, at every run", () => {
    const path = join(dir, "sub/dir/data.bin");
    const contents = tf.placeholder(tf.string, []);
    const write = tf.io.writeFile(path, contents);
    const read = tf.io.readFile(path);
    using sess = new tf.Session();
    const bytes = Uint8Array.of(0, 255, 10, 13);
    sess.run(write, new Map([[contents, tf.NDArray.fromTypedArray([bytes], [], "string")]]));
    expect(new Uint8Array(readFileSync(path))).toEqual(bytes);
    expect(sess.run(tf.io.decodeRaw(read, tf.int32)).shape).toEqual([1]);
    writeFileSync(path, "changed");
    // A file is read when the op runs, never kept as a constant.
    expect(String(sess.run(read))).toBe("b'changed'");
  });

  it("fails as TF's file system does, naming the file and the node", () => {
    using sess = new tf.Session();
    const missing = join(dir, "nope.txt");
    const read = tf.io.readFile(missing, { name: "load" });
    expect(() => sess.run(read)).toThrow(tf.errors.NotFoundError);
    expect(() => sess.run(read)).toThrow(
      `${missing}; No such file or directory\n\t [[{{node load}}]]`,
    );
    expect(() => sess.run(tf.io.readFile(dir))).toThrow(tf.errors.FailedPreconditionError);
    const fed = tf.placeholder(tf.string);
    expect(() =>
      sess.run(
        tf.io.readFile(fed),
        new Map([[fed, tf.NDArray.fromTypedArray(["a", "b"], [2], "string")]]),
      ),
    ).toThrow("Input filename tensor must be scalar, but had shape: [2]");
  });
});

describe("tf.io.matchingFiles", () => {
  function layout(): void {
    mkdirSync(join(dir, "data/train"), { recursive: true });
    mkdirSync(join(dir, "data/eval"), { recursive: true });
    for (const f of ["part-2.csv", "part-10.csv", "part-1.csv", ".hidden.csv", "notes.txt"]) {
      writeFileSync(join(dir, "data/train", f), "");
    }
    writeFileSync(join(dir, "data/eval/part-1.csv"), "");
  }

  it("matches TF's fnmatch globs, one path component at a time, sorted", () => {
    layout();
    const d = join(dir, "data");
    using sess = new tf.Session();
    const match = (p: string | string[]): string[] =>
      sess.run(tf.io.matchingFiles(p)).toArray() as unknown as string[];
    expect(match(`${d}/train/part-*.csv`)).toEqual(
      ["part-1.csv", "part-10.csv", "part-2.csv"].map((f) => `${d}/train/${f}`),
    );
    expect(match(`${d}/*/part-1.csv`)).toEqual([`${d}/eval/part-1.csv`, `${d}/train/part-1.csv`]);
    expect(match(`${d}/train/*.csv`)).toContain(`${d}/train/.hidden.csv`);
    expect(match(`${d}/train/part-?.csv`)).toEqual([
      `${d}/train/part-1.csv`,
      `${d}/train/part-2.csv`,
    ]);
    expect(match(`${d}/train/part-[!1].csv`)).toEqual([`${d}/train/part-2.csv`]);
    expect(match(`${d}/*`)).toEqual([`${d}/eval`, `${d}/train`]);
    // `*` stops at '/': nothing two levels down.
    expect(match(`${d}/*.csv`)).toEqual([]);
    // Several patterns: all their matches, sorted together.
    expect(match([`${d}/train/*.txt`, `${d}/eval/*`])).toEqual([
      `${d}/eval/part-1.csv`,
      `${d}/train/notes.txt`,
    ]);
    expect(match(`${d}/train/notes.txt`)).toEqual([`${d}/train/notes.txt`]);
  });

  it("gives ./name for a pattern without a directory, as TF's GetMatchingPaths", () => {
    layout();
    const cwd = process.cwd();
    process.chdir(join(dir, "data/train"));
    try {
      using sess = new tf.Session();
      expect(sess.run(tf.io.matchingFiles("*.txt")).toArray()).toEqual(["./notes.txt"]);
    } finally {
      process.chdir(cwd);
    }
  });

  it("builds MatchingFiles ([?] out, a scalar or vector in) and fails on a missing directory", () => {
    const m = tf.matchingFiles(join(dir, "missing/*.csv"));
    expect(m.op.type).toBe("MatchingFiles");
    expect(m.shape.toString()).toBe("(?,)");
    expect(m.op.inputs[0]!.name).toBe("MatchingFiles/pattern:0");
    using sess = new tf.Session();
    expect(() => sess.run(m)).toThrow(tf.errors.NotFoundError);
    expect(() => sess.run(m)).toThrow(`${join(dir, "missing")}; No such file or directory`);
    expectThrowsAndUnchanged(
      () => tf.io.matchingFiles([["a"]]),
      tf.errors.ValueError,
      "Shape must be at most rank 1 but is rank 2 for 'MatchingFiles_1' (op: 'MatchingFiles') with input shapes: [1,1].",
    );
  });

  it("frees every tensor it makes but its outputs", () => {
    layout();
    const m = tf.io.matchingFiles(join(dir, "data/*/*.csv"));
    const r = tf.io.readFile(join(dir, "data/train/notes.txt"));
    using sess = new tf.Session();
    sess.run([m, r]);
    const before = tfc.memory().numTensors;
    for (let i = 0; i < 10; i++) sess.run([m, r]);
    expect(tfc.memory().numTensors).toBe(before);
  });
});
