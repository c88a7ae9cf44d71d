/**
 * A save killed midway (SIGKILL, no chance to clean up) never damages earlier
 * checkpoints: a child process saves a 64 MB checkpoint in a loop, the test kills it
 * while a save's temporary files are being written, then restores the previous
 * checkpoint and checks every value. Then a corrupted byte is reported naming file and key.
 */
import { spawn } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { repoRoot, tempDir, thrown } from "./helpers.js";

const tsxCli = path.join(repoRoot, "node_modules", "tsx", "dist", "cli.mjs");
const child = path.join(repoRoot, "test", "checkpoint", "save_loop_child.ts");

interface Killed {
  /** How the saving process ended (its exit as seen by tsx's wrapper process). */
  signal: string | null;
  code: number | null;
  log: string;
}

/**
 * Starts the child and SIGKILLs the saving process (the pid it prints: tsx runs scripts
 * in a process of its own) once the save of `killAt` has temporary files on disk.
 */
function saveUntilKilled(dir: string, killAt: number): Promise<Killed> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [tsxCli, child, dir], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    let pid: number | null = null;
    let watching = false;
    let killed = false;
    const kill = () => {
      if (pid !== null && !killed) {
        killed = true;
        process.kill(pid, "SIGKILL");
      }
    };
    const watch = () => {
      if (killed || proc.exitCode !== null) return;
      if (readdirSync(dir).some((f) => f.includes(".tempstate"))) {
        kill();
        return;
      }
      setImmediate(watch);
    };
    proc.stdout.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      const m = /^pid (\d+)$/m.exec(log);
      if (m !== null) pid = Number(m[1]);
      if (!watching && log.includes(`saving ${killAt}\n`)) {
        watching = true;
        watch();
      }
    });
    proc.stderr.on("data", (chunk: Buffer) => (log += chunk.toString()));
    proc.on("error", reject);
    proc.on("exit", (code, signal) => {
      // Never leave a saver running, whatever happened.
      if (pid !== null && !killed) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      resolve({ signal, code, log });
    });
  });
}

it("a save killed midway leaves the previous checkpoint restorable", async () => {
  const dir = tempDir();
  const { signal, code, log } = await saveUntilKilled(dir, 3);
  // tsx's wrapper reports its child's SIGKILL by re-raising it or as exit status 137.
  expect(signal === "SIGKILL" || code === 137, `${signal} ${code}\n${log}`).toBe(true);
  expect(log).toContain("saved 2\n");
  expect(log).not.toContain("saved 3\n");
  const files = readdirSync(dir);
  // The interrupted save left only temporary files, never a final name with partial bytes.
  expect(files.some((f) => f.includes(".tempstate"))).toBe(true);
  expect(files).not.toContain("model.ckpt-3.index");

  const latest = tf.train.latestCheckpoint(dir);
  expect(latest).toBe(path.join(dir, "model.ckpt-2"));
  tf.resetDefaultGraph();
  const n = 4 << 20;
  const vars = [0, 1, 2, 3].map((i) => tf.getVariable(`big/w${i}`, [n]));
  const saver = new tf.train.Saver(vars);
  using sess = new tf.Session();
  saver.restore(sess, latest as string);
  for (const v of vars) {
    const data = sess.run(v).data as Float32Array;
    expect(data.length).toBe(n);
    expect(data.every((x) => x === 2)).toBe(true);
  }
  saver.restore(sess, path.join(dir, "model.ckpt-1"));
  expect((sess.run(vars[3] as tf.Variable).data as Float32Array).every((x) => x === 1)).toBe(true);

  // A flipped byte in the middle of big/w2 is caught by its CRC, naming file and key.
  const dataFile = path.join(dir, "model.ckpt-2.data-00000-of-00001");
  const bytes = readFileSync(dataFile);
  bytes[Math.floor(2.5 * n * 4)] ^= 1;
  writeFileSync(dataFile, bytes);
  const e = thrown(() => saver.restore(sess, latest as string));
  expect(e).toBeInstanceOf(tf.errors.DataLossError);
  expect(e.message).toContain(`Checksum mismatch for key 'big/w2' in ${dataFile}`);
  // The failed restore changed nothing: the values of checkpoint 1 are still there.
  expect((sess.run(vars[0] as tf.Variable).data as Float32Array).every((x) => x === 1)).toBe(true);
});
