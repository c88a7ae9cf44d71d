import { readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (this file is test/checkpoint/format/helpers.ts). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** Real TensorFlow-written checkpoints, copied into the repo with their SOURCE.md and licences. */
export const fixturesDir = path.resolve(repoRoot, "test/fixtures/tf-checkpoints");

/** Path of a file inside one fixture folder. */
export function fixturePath(folder: string, file: string): string {
  return path.join(fixturesDir, folder, file);
}

/** A fixture file's bytes as a plain Uint8Array (never a pooled Buffer view). */
export function fixtureBytes(folder: string, file: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(folder, file)));
}

/** Hex of bytes, for readable byte-layout assertions. */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** Parses "08 01 1a" into bytes. */
export function fromHex(text: string): Uint8Array {
  return Uint8Array.from(text.trim().split(/\s+/), (h) => parseInt(h, 16));
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
