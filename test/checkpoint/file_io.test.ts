/**
 * file_io.ts writes each operation once, as a generator of file steps, run by a sync and an
 * async driver: the two must write the same bytes, read the same values and fail the same way.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  openBundleAsync,
  openBundleSync,
  readTensorsDirectAsync,
  readTensorsDirectSync,
  writeBundleAsync,
  writeBundleSync,
} from "../../src/checkpoint/file_io.js";
import { writeBundle, type BundleTensorInput } from "../../src/checkpoint/format/bundle.js";
import { filesIn, fixturesDir, rejected, tempDir, thrown } from "./helpers.js";

/** Small tensors (batched into one write), one over the batch size, one over a 4 MiB chunk. */
function entries(): BundleTensorInput[] {
  const ramp = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i));
  return [
    { name: "a/small", dtype: "float32", shape: [3], values: ramp(3) },
    { name: "b/int", dtype: "int32", shape: [2, 2], values: Int32Array.of(1, -2, 3, -4) },
    { name: "c/words", dtype: "string", shape: [2], values: ["x", "yz"] },
    { name: "d/mid", dtype: "float32", shape: [100_000], values: ramp(100_000) },
    { name: "e/big", dtype: "float32", shape: [1_300_001], values: ramp(1_300_001) },
    { name: "f/flag", dtype: "bool", shape: [3], values: Uint8Array.of(1, 0, 1) },
  ];
}

/** Byte equality without vitest's element-wise diff, which is slow on megabytes. */
function sameBytes(a: ArrayBufferView | undefined, b: ArrayBufferView | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const view = (v: ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return view(a).equals(view(b));
}

describe("the sync and async drivers", () => {
  it("write the bytes the in-memory BundleWriter produces, atomically", async () => {
    const dir = tempDir();
    const want = writeBundle(entries());
    const sync = writeBundleSync(path.join(dir, "s"), entries());
    const async = await writeBundleAsync(path.join(dir, "a"), entries());
    for (const w of [sync, async]) {
      expect(sameBytes(readFileSync(w.indexFile), want.index)).toBe(true);
      expect(sameBytes(readFileSync(w.dataFile), want.data)).toBe(true);
    }
    expect(filesIn(dir)).toEqual([
      "a.data-00000-of-00001",
      "a.index",
      "s.data-00000-of-00001",
      "s.index",
    ]);
  });

  it("read the same tensors, directly and through the reader", async () => {
    const dir = tempDir();
    const prefix = path.join(dir, "m");
    writeBundleSync(prefix, entries());
    const keys = ["a/small", "b/int", "c/words", "e/big", "f/flag"];
    const direct = readTensorsDirectSync(openBundleSync(prefix), keys);
    const directAsync = await readTensorsDirectAsync(
      await openBundleAsync(prefix, { indexOnly: true }),
      keys,
    );
    expect([...direct.keys()]).toEqual(["a/small", "b/int", "e/big", "f/flag"]);
    for (const [key, values] of direct) {
      expect(sameBytes(directAsync.get(key), values), key).toBe(true);
    }
    expect(direct.get("b/int")).toEqual(Int32Array.of(1, -2, 3, -4));
    expect(directAsync.get("e/big")).toBeInstanceOf(Float32Array);
    const eager = await openBundleAsync(`${prefix}.index`);
    expect(eager.getTensor("c/words").values).toEqual(["x", "yz"]);
    expect(sameBytes(eager.getTensor("e/big").values as Float32Array, direct.get("e/big"))).toBe(
      true,
    );
  });

  it("leave no temporary file behind when a step fails, and throw the step's error", async () => {
    const dir = tempDir();
    // A directory where the index goes makes the last rename fail.
    mkdirSync(path.join(dir, "s.index"));
    mkdirSync(path.join(dir, "a.index"));
    const syncError = thrown(() => writeBundleSync(path.join(dir, "s"), entries()));
    const asyncError = await rejected(writeBundleAsync(path.join(dir, "a"), entries()));
    expect((syncError as NodeJS.ErrnoException).code).toMatch(/^E/);
    expect((asyncError as NodeJS.ErrnoException).code).toBe(
      (syncError as NodeJS.ErrnoException).code,
    );
    expect(filesIn(dir).filter((f) => f.includes(".tempstate"))).toEqual([]);
  });

  it("refuse a missing checkpoint with the same errors; read a V1 file named by the prefix", async () => {
    const dir = tempDir();
    const missing = path.join(dir, "nothing");
    const message = `Unsuccessful TensorSliceReader constructor: Failed to find any matching files for ${missing}`;
    expect(thrown(() => openBundleSync(missing)).message).toBe(message);
    expect((await rejected(openBundleAsync(missing))).message).toBe(message);
    // A V1 checkpoint is a single table file named by the prefix: read, as TF's RestoreV2 does.
    const v1 = path.join(dir, "v1");
    copyFileSync(path.join(fixturesDir, "serving-bad-half-plus-two-v1-format", "export"), v1);
    expect(openBundleSync(v1).getTensor("Variable_1").values).toEqual(new Float32Array([2]));
    expect((await openBundleAsync(v1)).getTensor("Variable").values).toEqual(
      new Float32Array([0.5]),
    );
    // A table that is no V1 checkpoint (a V2 index under the prefix's name) is corrupt.
    const notV1 = path.join(dir, "not_v1");
    writeFileSync(notV1, writeBundle(entries().slice(0, 1)).index);
    const e = thrown(() => openBundleSync(notV1));
    expect(e).toMatchObject({ code: "corrupt" });
    expect(await rejected(openBundleAsync(notV1))).toMatchObject({
      code: "corrupt",
      message: e.message,
    });
  });
});
