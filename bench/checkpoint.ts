/**
 * Checkpoint throughput: save and restore 100 MiB of float32 variables through
 * `tf.train.Saver` (sync and async), against plain `fs` writes and reads of the same
 * number of bytes to the same directory.
 *
 *   npx tsx bench/checkpoint.ts [dir] [rounds]   # default: a fresh directory under os.tmpdir(), 7
 *   npx tsx bench/checkpoint.ts --json           # also one JSON line of rows for bench/all.ts
 *   SCOPEFLOW_BACKEND=cpu npx tsx bench/checkpoint.ts
 *
 * Each round runs the Saver call and its plain-fs counterpart back to back, so both see
 * the same machine load; the medians are printed in MB/s (1 MB = 2^20 bytes) with the
 * ratio of the Saver's median time to plain fs's. Both sides write a new file per round
 * and delete the one from two rounds earlier (the Saver with maxToKeep 2 and a global
 * step; plain fs by hand): overwriting one file in place would let the kernel drop dirty
 * pages that a checkpoint series has to write back, flattering the baseline.
 */
import {
  mkdtempSync,
  promises as fsp,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as tf from "../src/index.js";
import { crc32cBackend } from "../src/checkpoint/format/crc32c.js";
import { preloadNativeCrc32c } from "../src/checkpoint/file_io.js";

await tf.ready();
await preloadNativeCrc32c();

const TOTAL_MB = 100;
const VARIABLES = 25;
const floatsPerVar = (TOTAL_MB * 2 ** 20) / 4 / VARIABLES;
const bytes = TOTAL_MB * 2 ** 20;
const positional = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const dir = positional[0] ?? mkdtempSync(path.join(tmpdir(), "scopeflow-bench-ckpt-"));
const ownDir = positional[0] === undefined;
const rounds = Number(positional[1] ?? 7);

const vars = tf.variableScope("bench", () =>
  Array.from({ length: VARIABLES }, (_, i) =>
    tf.getVariable(`w${i}`, [floatsPerVar], {
      initializer: tf.randomUniformInitializer({ minval: -1, maxval: 1, seed: i + 1 }),
    }),
  ),
);
const saver = new tf.train.Saver(vars, { maxToKeep: 2 });
const sess = new tf.Session();
sess.run(tf.globalVariablesInitializer());

const payload = new Uint8Array(bytes);
for (let i = 0; i < payload.length; i += 4096) payload[i] = i & 0xff;
const prefix = path.join(dir, "model.ckpt");
const plain = (step: number) => path.join(dir, `plain-${step}.bin`);
const dropPlain = (step: number) => rmSync(plain(step - 2), { force: true });

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function timed(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Runs `a` and `b` alternately (after one warm-up each) and returns their median times. */
async function pair(
  a: (step: number) => unknown,
  b: (step: number) => unknown,
): Promise<[number, number]> {
  let step = 0;
  await a(++step);
  await b(step);
  const ta: number[] = [];
  const tb: number[] = [];
  for (let r = 0; r < rounds; r++) {
    step++;
    ta.push(await timed(() => a(step)));
    tb.push(await timed(() => b(step)));
  }
  return [median(ta), median(tb)];
}

let stepBase = 0;
const [saveSync, fsWriteSync] = await pair(
  (s) => saver.save(sess, prefix, { globalStep: stepBase + s }),
  (s) => {
    writeFileSync(plain(s), payload);
    dropPlain(s);
  },
);
stepBase += 1000;
const [saveAsync, fsWrite] = await pair(
  (s) => saver.saveAsync(sess, prefix, { globalStep: stepBase + s }),
  async (s) => {
    await fsp.writeFile(plain(stepBase + s), payload);
    dropPlain(stepBase + s);
  },
);
const latest = tf.train.latestCheckpoint(dir) as string;
const lastPlain = plain(stepBase + rounds + 1);
const [restoreSync, fsReadSync] = await pair(
  () => saver.restore(sess, latest),
  () => readFileSync(lastPlain),
);
const [restoreAsync, fsRead] = await pair(
  () => saver.restoreAsync(sess, latest),
  () => fsp.readFile(lastPlain),
);

const mbps = (ms: number) => (TOTAL_MB / (ms / 1000)).toFixed(0).padStart(6);
const row = (name: string, ms: number, base: number, baseName: string) =>
  console.log(
    `${name.padEnd(22)} ${ms.toFixed(1).padStart(8)} ms ${mbps(ms)} MB/s   ` +
      `${baseName.padEnd(22)} ${base.toFixed(1).padStart(8)} ms ${mbps(base)} MB/s   x${(ms / base).toFixed(2)}`,
  );
console.log(
  `${TOTAL_MB} MiB in ${VARIABLES} float32 variables; backend ${tf.getBackend()}, crc32c ${crc32cBackend()}; ` +
    `median of ${rounds} interleaved rounds; dir ${dir}`,
);
row("Saver.save", saveSync, fsWriteSync, "fs.writeFileSync");
row("Saver.saveAsync", saveAsync, fsWrite, "fs.promises.writeFile");
row("Saver.restore", restoreSync, fsReadSync, "fs.readFileSync");
row("Saver.restoreAsync", restoreAsync, fsRead, "fs.promises.readFile");
console.log("(xN: the Saver's time over plain fs's for the same bytes)");
if (process.argv.includes("--json")) {
  const x = (a: number, b: number) => (a / b).toFixed(2);
  console.log(
    JSON.stringify({
      rows: [
        {
          measure: `Checkpoint ${TOTAL_MB} MiB: Saver time ÷ plain fs time, save / restore (sync; async)`,
          value: `${x(saveSync, fsWriteSync)} / ${x(restoreSync, fsReadSync)}; ${x(saveAsync, fsWrite)} / ${x(restoreAsync, fsRead)}`,
          aim: "-",
        },
      ],
    }),
  );
}

sess.close();
try {
  unlinkSync(lastPlain);
} catch {
  // already gone
}
if (ownDir) rmSync(dir, { recursive: true, force: true });
