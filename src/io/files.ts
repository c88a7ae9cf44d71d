/**
 * Node file access for the file-reading ops and datasets (`ReadFile`, `WriteFile`,
 * `MatchingFiles`, `TextLineDataset`, `FixedLengthRecordDatasetV2`), the way
 * ./tfrecord.ts reaches files: Node built-ins through `process.getBuiltinModule`, so that a
 * browser bundle does not pull in `node:fs` (there these throw `UnimplementedError`).
 * Errors are TF's POSIX file system's: `path; No such file or directory` (`NotFoundError`).
 */
import type * as NodeFs from "node:fs";
import type * as NodeZlib from "node:zlib";
import {
  DataLossError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  OpError,
} from "../errors.js";
import { builtin } from "./tfrecord.js";

export const fsOf = (): typeof NodeFs =>
  builtin<typeof NodeFs>("node:fs", "Reading and writing files");
const zlibOf = (): typeof NodeZlib =>
  builtin<typeof NodeZlib>("node:zlib", "Reading compressed files (ZLIB, GZIP)");

/** `strerror` of the errnos TF's messages name. */
const STRERROR: Record<string, string> = {
  ENOENT: "No such file or directory",
  ENOTDIR: "Not a directory",
  EISDIR: "Is a directory",
  EACCES: "Permission denied",
  EEXIST: "File exists",
};

/**
 * TF's `IOError(path, errno)`: `path; <strerror>`, of the class TF's `ErrnoToCode` gives
 * (`ENOENT` → NotFound, `EISDIR`/`ENOTDIR` → FailedPrecondition).
 */
export function fileError(path: string, e: unknown): OpError {
  const code = typeof e === "object" && e !== null ? (e as { code?: unknown }).code : undefined;
  const text =
    typeof code === "string" && code in STRERROR
      ? (STRERROR[code] as string)
      : e instanceof Error
        ? e.message
        : String(e);
  const message = `${path}; ${text}`;
  if (code === "ENOENT") return new NotFoundError(message);
  if (code === "EISDIR" || code === "ENOTDIR") return new FailedPreconditionError(message);
  return new OpError(message);
}

/** A whole file's bytes (`ReadFileToString`). */
export function readFileBytes(path: string): Uint8Array {
  const fs = fsOf();
  try {
    if (fs.statSync(path).isDirectory()) {
      throw Object.assign(new Error("Is a directory"), { code: "EISDIR" });
    }
    return fs.readFileSync(path);
  } catch (e) {
    throw fileError(path, e);
  }
}

/** Writes a whole file (`WriteStringToFile`), creating its directory first as `WriteFile` does. */
export function writeFileBytes(path: string, contents: Uint8Array): void {
  const fs = fsOf();
  const slash = path.lastIndexOf("/");
  const dir = slash > 0 ? path.slice(0, slash) : "";
  try {
    if (dir !== "") fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path, contents);
  } catch (e) {
    throw fileError(path, e);
  }
}

/**
 * A file's bytes after TF's `ZlibInputStream` for `compression` (`""`, `"ZLIB"`, `"GZIP"`):
 * a damaged stream is a `DataLossError` with zlib's message, as TF's `inflate() failed`.
 */
export function readMaybeCompressed(path: string, compression: "" | "ZLIB" | "GZIP"): Uint8Array {
  const bytes = readFileBytes(path);
  if (compression === "") return bytes;
  const zlib = zlibOf();
  try {
    return compression === "GZIP" ? zlib.gunzipSync(bytes) : zlib.inflateSync(bytes);
  } catch (e) {
    const errno =
      typeof e === "object" && e !== null ? (e as { errno?: unknown }).errno : undefined;
    const msg = e instanceof Error ? e.message : String(e);
    throw new DataLossError(`inflate() failed with error ${String(errno ?? -3)}: ${msg}`);
  }
}

/**
 * `fnmatch(pattern, path, FNM_PATHNAME)`, as TF's `Env::MatchPath`: `*` and `?` never match
 * `/`, `[...]` is a bracket expression (`!` or `^` negates), `\` quotes the next character.
 */
export function matchPath(path: string, pattern: string): boolean {
  const memo = new Map<number, boolean>();
  const go = (p: number, s: number): boolean => {
    const key = p * (path.length + 1) + s;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let result: boolean;
    if (p === pattern.length) result = s === path.length;
    else {
      const c = pattern[p] as string;
      if (c === "*") {
        result = go(p + 1, s) || (s < path.length && path[s] !== "/" && go(p, s + 1));
      } else if (c === "?") {
        result = s < path.length && path[s] !== "/" && go(p + 1, s + 1);
      } else if (c === "[") {
        const bracket = matchBracket(pattern, p, path[s]);
        if (bracket === null) {
          // An unterminated bracket is an ordinary `[`.
          result = s < path.length && path[s] === "[" && go(p + 1, s + 1);
        } else {
          result = s < path.length && path[s] !== "/" && bracket.matched && go(bracket.end, s + 1);
        }
      } else if (c === "\\" && p + 1 < pattern.length) {
        result = s < path.length && path[s] === pattern[p + 1] && go(p + 2, s + 1);
      } else {
        result = s < path.length && path[s] === c && go(p + 1, s + 1);
      }
    }
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

/** A bracket expression at `pattern[start]`: whether `ch` is in it and where it ends. */
function matchBracket(
  pattern: string,
  start: number,
  ch: string | undefined,
): { matched: boolean; end: number } | null {
  let i = start + 1;
  let negate = false;
  if (pattern[i] === "!" || pattern[i] === "^") {
    negate = true;
    i++;
  }
  let matched = false;
  let first = true;
  while (i < pattern.length && (first || pattern[i] !== "]")) {
    first = false;
    let lo = pattern[i] as string;
    if (lo === "\\" && i + 1 < pattern.length) lo = pattern[++i] as string;
    if (pattern[i + 1] === "-" && i + 2 < pattern.length && pattern[i + 2] !== "]") {
      let hi = pattern[i + 2] as string;
      let next = i + 3;
      if (hi === "\\" && i + 3 < pattern.length) {
        hi = pattern[i + 3] as string;
        next = i + 4;
      }
      if (ch !== undefined && lo <= ch && ch <= hi) matched = true;
      i = next;
    } else {
      if (ch === lo) matched = true;
      i++;
    }
  }
  if (i >= pattern.length) return null;
  return { matched: matched !== negate, end: i + 1 };
}

const dirname = (p: string): string => {
  const slash = p.lastIndexOf("/");
  if (slash < 0) return "";
  return slash === 0 ? "/" : p.slice(0, slash);
};
const joinPath = (a: string, b: string): string => (a.endsWith("/") ? a + b : `${a}/${b}`);

/**
 * TF's `GetMatchingPaths`: the paths matching a glob, found level by level from the
 * pattern's fixed directory (`.` when it has none, so results are `./name`); a directory
 * that cannot be listed is TF's error for it (`dir; No such file or directory`).
 */
export function matchingPaths(pattern: string): string[] {
  if (pattern === "") return [];
  const fs = fsOf();
  const wildcard = pattern.search(/[*?[\\]/);
  const fixedPrefix = wildcard < 0 ? pattern : pattern.slice(0, wildcard);
  let dir = dirname(fixedPrefix);
  let evalPattern = pattern;
  if (dir === "") {
    dir = ".";
    evalPattern = joinPath(dir, pattern);
  }
  const isDirectory = pattern.endsWith("/");
  // The pattern's ancestors from `dir` down: each level's children match the next one.
  const levels: string[] = [];
  if (!isDirectory) levels.push(evalPattern);
  for (let d = dirname(evalPattern); d.length > dir.length; d = dirname(d)) levels.push(d);
  levels.push(dir);
  levels.reverse();
  const results: string[] = [];
  let error: OpError | null = null;
  const queue: [string, number][] = [[levels[0] as string, 0]];
  while (queue.length > 0) {
    const [current, index] = queue.shift() as [string, number];
    const level = index + 1;
    let children: string[];
    try {
      children = fs.readdirSync(current);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (code !== "EACCES") error ??= fileError(current, e);
      continue;
    }
    for (const child of children) {
      const path = joinPath(current, child);
      if (!matchPath(path, levels[level] as string)) continue;
      const last = level === levels.length - 1;
      const needsDir = !last || isDirectory;
      if (needsDir) {
        let isDir = false;
        try {
          isDir = fs.statSync(path).isDirectory();
        } catch {
          isDir = false;
        }
        if (!isDir) continue;
      }
      if (last) results.push(path);
      else queue.push([path, level]);
    }
  }
  if (error !== null) throw error;
  return results;
}

/** Opens `path` for reading, with TF's error for a file that is not there. */
function openForRead(path: string): number {
  try {
    return fsOf().openSync(path, "r");
  } catch (e) {
    throw fileError(path, e);
  }
}

/** Chunks of an uncompressed file, `bufferSize` bytes at a time, or the whole decompressed stream. */
function* chunksOf(
  path: string,
  compression: "" | "ZLIB" | "GZIP",
  bufferSize: number,
): Generator<Uint8Array, void, undefined> {
  if (compression !== "") {
    yield readMaybeCompressed(path, compression);
    return;
  }
  const fs = fsOf();
  const fd = openForRead(path);
  try {
    let position = 0;
    for (;;) {
      const chunk = new Uint8Array(bufferSize);
      let n: number;
      try {
        n = fs.readSync(fd, chunk, 0, chunk.length, position);
      } catch (e) {
        throw fileError(path, e);
      }
      if (n === 0) return;
      position += n;
      yield chunk.subarray(0, n);
    }
  } finally {
    fs.closeSync(fd);
  }
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * The lines of a file as TF's `BufferedInputStream::ReadLine` gives them: split at `\n`,
 * every `\r` dropped, and a last line without `\n` kept unless it is empty.
 */
export function* textLines(
  path: string,
  compression: "" | "ZLIB" | "GZIP",
  bufferSize: number,
): Generator<Uint8Array, void, undefined> {
  let line: number[] = [];
  for (const chunk of chunksOf(path, compression, bufferSize)) {
    for (const byte of chunk) {
      if (byte === LF) {
        yield Uint8Array.from(line);
        line = [];
      } else if (byte !== CR) line.push(byte);
    }
  }
  if (line.length > 0) yield Uint8Array.from(line);
}

/** TF's message for a file whose body is not a whole number of records. */
function bodyMessage(
  path: string,
  header: number,
  footer: number,
  body: bigint,
  record: number,
): string {
  return `Excluding the header (${header} bytes) and footer (${footer} bytes), input file "${path}" has body length ${BigInt.asUintN(64, body)} bytes, which is not an exact multiple of the record length (${record} bytes).`;
}

/**
 * The records of `FixedLengthRecordDatasetV2`'s iterator for one file: `header` bytes
 * skipped, `footer` bytes left at the end, `record` bytes each. An uncompressed file's
 * size is checked before its first record (`InvalidArgumentError`); a compressed file's
 * leftover is found at its end (`DataLossError`), as TF's iterator finds them.
 */
export function* fixedLengthRecords(
  path: string,
  header: number,
  record: number,
  footer: number,
  compression: "" | "ZLIB" | "GZIP",
  bufferSize: number,
): Generator<Uint8Array, void, undefined> {
  if (compression !== "") {
    const bytes = readMaybeCompressed(path, compression);
    let at = header + footer;
    while (at + record <= bytes.length) {
      yield bytes.slice(at - footer, at - footer + record);
      at += record;
    }
    if (at < bytes.length) {
      throw new DataLossError(
        bodyMessage(path, header, footer, BigInt(bytes.length - header - footer), record),
      );
    }
    return;
  }
  const fs = fsOf();
  let size: number;
  try {
    size = fs.statSync(path).size;
  } catch (e) {
    throw fileError(path, e);
  }
  const body = BigInt(size) - BigInt(header + footer);
  if (BigInt.asUintN(64, body) % BigInt(record) !== 0n) {
    throw new InvalidArgumentError(bodyMessage(path, header, footer, body, record));
  }
  const limit = size - footer;
  const fd = openForRead(path);
  try {
    let position = header;
    // Reads of at least `bufferSize` bytes, cut into records.
    const per = Math.max(1, Math.floor(bufferSize / record));
    while (position < limit) {
      const count = Math.min(per, Math.floor((limit - position) / record));
      const chunk = new Uint8Array(count * record);
      let got = 0;
      while (got < chunk.length) {
        let n: number;
        try {
          n = fs.readSync(fd, chunk, got, chunk.length - got, position + got);
        } catch (e) {
          throw fileError(path, e);
        }
        if (n === 0) break;
        got += n;
      }
      for (let r = 0; r + record <= got; r += record) yield chunk.slice(r, r + record);
      if (got < chunk.length) return;
      position += got;
    }
  } finally {
    fs.closeSync(fd);
  }
}
