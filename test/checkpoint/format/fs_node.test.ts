import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeBundle, type BundleTensorInput } from "../../../src/checkpoint/format/bundle.js";
import {
  crc32c,
  crc32cBackend,
  crc32cExtend,
  crc32cExtendPortable,
} from "../../../src/checkpoint/format/crc32c.js";
import { CheckpointFormatError } from "../../../src/checkpoint/format/errors.js";
import {
  latestCheckpoint,
  readBundleFiles,
  readCheckpointState,
  writeBundleFiles,
  writeCheckpointState,
} from "../../../src/checkpoint/format/fs_node.js";
import { fixturePath, hex } from "./helpers.js";

const root = mkdtempSync(path.join(tmpdir(), "scopeflow-ckpt-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const tensors: BundleTensorInput[] = [
  {
    name: "dense/kernel",
    dtype: "float32",
    shape: [3, 2],
    values: Float32Array.of(1, 2, 3, 4, 5, 6),
  },
  { name: "dense/bias", dtype: "float32", shape: [2], values: [0.5, -0.5] },
  { name: "global_step", dtype: "int64", shape: [], values: [100] },
  {
    name: "big",
    dtype: "float32",
    shape: [300000],
    values: Float32Array.from({ length: 300000 }, (_, i) => i),
  },
  { name: "names", dtype: "string", shape: [2], values: ["a", "b"] },
];

describe("writeBundleFiles/readBundleFiles", () => {
  it("writes the same bytes as writeBundle, under TF's file names, and reads them back", async () => {
    const prefix = path.join(root, "run1", "model.ckpt-100");
    const written = await writeBundleFiles(prefix, tensors);
    expect(written.indexFile).toBe(`${prefix}.index`);
    expect(written.dataFile).toBe(`${prefix}.data-00000-of-00001`);
    const mem = writeBundle(tensors);
    expect(hex(readFileSync(written.indexFile))).toBe(hex(mem.index));
    expect(Buffer.compare(readFileSync(written.dataFile), Buffer.from(mem.data))).toBe(0);
    expect(readdirSync(path.dirname(prefix)).sort()).toEqual([
      "model.ckpt-100.data-00000-of-00001",
      "model.ckpt-100.index",
    ]);

    const reader = await readBundleFiles(prefix);
    expect(reader.listEntries().map((e) => e.name)).toEqual([
      "big",
      "dense/bias",
      "dense/kernel",
      "global_step",
      "names",
    ]);
    expect(Array.from(reader.getTensor("dense/kernel").values as ArrayLike<number>)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
    expect(reader.getTensor("big").values[299999]).toBe(299999);
    expect(reader.getTensor("global_step").values).toEqual(BigInt64Array.of(100n));
    expect((await readBundleFiles(`${prefix}.index`)).listEntries().length).toBe(5);
  });

  it("leaves nothing on disk and keeps the previous checkpoint when the input is invalid", async () => {
    const dir = path.join(root, "run2");
    const good = path.join(dir, "model.ckpt-1");
    await writeBundleFiles(good, tensors);
    const before = readFileSync(`${good}.index`);
    await expect(
      writeBundleFiles(path.join(dir, "model.ckpt-2"), [
        { name: "w", dtype: "float32", shape: [2], values: [1] },
      ]),
    ).rejects.toThrow(CheckpointFormatError);
    // Overwriting the same prefix with bad input must not touch it either.
    await expect(
      writeBundleFiles(good, [{ name: "", dtype: "float32", shape: [], values: [1] }]),
    ).rejects.toThrow();
    expect(readdirSync(dir).sort()).toEqual([
      "model.ckpt-1.data-00000-of-00001",
      "model.ckpt-1.index",
    ]);
    expect(Buffer.compare(readFileSync(`${good}.index`), before)).toBe(0);
  });

  it("cleans up its temp files when a write fails midway", async () => {
    const dir = path.join(root, "run3");
    const prefix = path.join(dir, "model.ckpt");
    // A directory where the final index file should go makes the last rename fail.
    await writeBundleFiles(path.join(dir, "warmup"), tensors.slice(0, 1));
    const { mkdirSync } = await import("node:fs");
    mkdirSync(`${prefix}.index`);
    await expect(writeBundleFiles(prefix, tensors)).rejects.toThrow();
    expect(readdirSync(dir).filter((f) => f.includes("tempstate"))).toEqual([]);
  });

  it("refuses the V1 fixture with a clear message", async () => {
    const prefix = fixturePath("serving-bad-half-plus-two-v1-format", "export");
    await expect(readBundleFiles(prefix)).rejects.toThrow(
      `${prefix} is a V1 (legacy) checkpoint; scopeflow reads only the V2 format (prefix.index + prefix.data-*)`,
    );
  });

  it("reads real fixtures from disk", async () => {
    const reader = await readBundleFiles(fixturePath("tf-intro-iris-tf1.0-saver", "model.ckpt"));
    expect(reader.getTensor("nn/output/biases").values.length).toBe(3);
  });

  it("explains a missing checkpoint and a missing data file", async () => {
    await expect(readBundleFiles(path.join(root, "nothing", "here"))).rejects.toThrow(
      /No V2 checkpoint at prefix .*here\.index does not exist/,
    );
    const dir = path.join(root, "run4");
    const prefix = path.join(dir, "m");
    await writeBundleFiles(prefix, tensors.slice(0, 1));
    rmSync(`${prefix}.data-00000-of-00001`);
    await expect(readBundleFiles(prefix)).rejects.toThrow(
      /missing its data file .*m\.data-00000-of-00001/,
    );
    writeFileSync(path.join(dir, "notckpt"), "hello");
    await expect(readBundleFiles(path.join(dir, "notckpt"))).rejects.toThrow(
      /exists but is not a TensorFlow checkpoint/,
    );
  });

  it("names file and key when a data file on disk is corrupted", async () => {
    const prefix = path.join(root, "run5", "model.ckpt");
    await writeBundleFiles(prefix, tensors);
    const dataFile = `${prefix}.data-00000-of-00001`;
    const bytes = readFileSync(dataFile);
    bytes[8] ^= 0xff; // inside "big" (first in key order)
    writeFileSync(dataFile, bytes);
    const reader = await readBundleFiles(prefix);
    expect(() => reader.getTensor("big")).toThrow(
      new RegExp(
        `Checksum mismatch for key 'big' in ${dataFile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`,
      ),
    );
    expect(Array.from(reader.getTensor("dense/bias").values as ArrayLike<number>)).toEqual([
      0.5, -0.5,
    ]);
  });
});

describe("native CRC32C accelerator", () => {
  it("is loaded by the fs functions where @node-rs/crc32 ships a binary, and gives the same CRCs", async () => {
    await readBundleFiles(fixturePath("tf-intro-iris-tf1.0-saver", "model.ckpt"));
    if (process.platform === "linux" && process.arch === "x64")
      expect(crc32cBackend()).toBe("native");
    const big = Uint8Array.from({ length: 200_003 }, (_, i) => (i * 31) & 0xff).subarray(1);
    expect(crc32c(big)).toBe(crc32cExtendPortable(0, big));
    expect(crc32cExtend(7, big)).toBe(crc32cExtendPortable(7, big));
  });
});

describe("checkpoint state file", () => {
  it("writes TF's format atomically with paths relative to the directory, and reads them resolved", async () => {
    const dir = path.join(root, "state");
    await writeCheckpointState(dir, {
      modelCheckpointPath: path.join(dir, "model.ckpt-200"),
      allModelCheckpointPaths: [path.join(dir, "model.ckpt-100")],
      allModelCheckpointTimestamps: [],
      lastPreservedTimestamp: 0,
    });
    expect(readFileSync(path.join(dir, "checkpoint"), "utf8")).toBe(
      'model_checkpoint_path: "model.ckpt-200"\nall_model_checkpoint_paths: "model.ckpt-100"\nall_model_checkpoint_paths: "model.ckpt-200"\n',
    );
    expect(readdirSync(dir)).toEqual(["checkpoint"]);
    const s = await readCheckpointState(dir);
    expect(s?.modelCheckpointPath).toBe(path.join(dir, "model.ckpt-200"));
    expect(s?.allModelCheckpointPaths).toEqual([
      path.join(dir, "model.ckpt-100"),
      path.join(dir, "model.ckpt-200"),
    ]);
  });

  it("reads TF's own state files", async () => {
    const iris = await readCheckpointState(fixturePath("tf-intro-iris-tf1.0-saver", ""));
    expect(iris?.modelCheckpointPath).toBe(fixturePath("tf-intro-iris-tf1.0-saver", "model.ckpt"));
    expect(await latestCheckpoint(fixturePath("tf-intro-iris-tf1.0-saver", ""))).toBe(
      fixturePath("tf-intro-iris-tf1.0-saver", "model.ckpt"),
    );
    const v1 = await readCheckpointState(fixturePath("serving-bad-half-plus-two-v1-format", ""));
    expect(v1?.modelCheckpointPath).toBe("/tmp/bad_half_plus_two/00000123/export");
    expect(await readCheckpointState(path.join(root, "no-such-dir"))).toBeNull();
  });

  it("finds the latest checkpoint only when its files exist", async () => {
    const dir = path.join(root, "latest");
    await writeBundleFiles(path.join(dir, "model.ckpt-5"), tensors.slice(0, 1));
    await writeCheckpointState(dir, {
      modelCheckpointPath: "model.ckpt-5",
      allModelCheckpointPaths: [],
      allModelCheckpointTimestamps: [],
      lastPreservedTimestamp: 0,
    });
    expect(await latestCheckpoint(dir)).toBe(path.join(dir, "model.ckpt-5"));
    await writeCheckpointState(dir, {
      modelCheckpointPath: "model.ckpt-9",
      allModelCheckpointPaths: [],
      allModelCheckpointTimestamps: [],
      lastPreservedTimestamp: 0,
    });
    expect(await latestCheckpoint(dir)).toBeNull();
  });

  it("refuses a save path that is the state file itself", async () => {
    const dir = path.join(root, "conflict");
    await expect(
      writeCheckpointState(dir, {
        modelCheckpointPath: "checkpoint",
        allModelCheckpointPaths: [],
        allModelCheckpointTimestamps: [],
        lastPreservedTimestamp: 0,
      }),
    ).rejects.toThrow(/conflicts/);
  });
});
