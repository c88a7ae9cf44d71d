/**
 * The demo (`npm start`, examples/demo.ts) runs end to end on the shipped text: a short run
 * (`--steps 2`) into a temporary `--out` directory prints the variable table with TF's
 * names, the training and the sampling model sharing every weight, writes the loss curve,
 * TensorBoard events and a checkpoint, and samples text; a second run resumes from that
 * checkpoint.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const OUT = mkdtempSync(join(tmpdir(), "scopeflow-demo-"));
const CKPT = join(OUT, "char-lstm");

/** Runs the demo with `args` (and `--out OUT`); its stdout. */
function demo(...args: string[]): string {
  const result = spawnSync(
    process.execPath,
    [
      join(ROOT, "node_modules/tsx/dist/cli.mjs"),
      join(ROOT, "examples/demo.ts"),
      ...args,
      "--out",
      OUT,
    ],
    { cwd: ROOT, encoding: "utf8", timeout: 180_000 },
  );
  // The end of stderr, without the wasm loader's minified source lines.
  const stderr = result.stderr
    .split("\n")
    .filter((line) => line.length < 1000 && !line.startsWith("var Module"))
    .slice(-30)
    .join("\n");
  expect(result.status, `exit ${result.status} (${result.signal}); stderr:\n${stderr}`).toBe(0);
  return result.stdout;
}

function csvRows(): string[] {
  return readFileSync(join(OUT, "char-lstm-loss.csv"), "utf8").trim().split("\n");
}

/** The summaries in the event files under out/logs: `step tag` for each value. */
function loggedSummaries(): string[] {
  const dir = join(OUT, "logs");
  return readdirSync(dir)
    .sort()
    .flatMap((file) => [...tf.train.summaryIterator(join(dir, file))])
    .flatMap((event) => (event.summary?.value ?? []).map((v) => `${event.step} ${v.tag}`));
}

afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe("demo", () => {
  it("trains the char-LSTM, shares its weights with the sampler, writes a checkpoint, resumes", () => {
    const first = demo("--steps", "2", "--fresh");
    const row = (name: string, shape: string, params: number) =>
      new RegExp(`${name}:0\\s+\\(${shape}\\)\\s+${params}\\s+true\\s+train, sample\\n`);
    expect(first).toMatch(row("char_lstm/embedding", "61, 32", 1952));
    const lstm = "char_lstm/rnn/multi_rnn_cell";
    expect(first).toMatch(row(`${lstm}/cell_0/basic_lstm_cell/kernel`, "160, 512", 81920));
    expect(first).toMatch(row(`${lstm}/cell_0/basic_lstm_cell/bias`, "512,", 512));
    expect(first).toMatch(row(`${lstm}/cell_1/basic_lstm_cell/kernel`, "256, 512", 131072));
    expect(first).toMatch(row(`${lstm}/cell_1/basic_lstm_cell/bias`, "512,", 512));
    expect(first).toMatch(row("char_lstm/softmax/kernel", "128, 61", 7808));
    expect(first).toMatch(row("char_lstm/softmax/bias", "61,", 61));
    expect(first).toContain("trainable parameters: 223837");
    expect(first).not.toContain("Resumed from");
    expect(first).toMatch(/trained 2 steps in .*: step 2, epoch 0\.0, loss \d\.\d{3}/);
    expect(first).toMatch(/---- sampled text \(temperature 0\.7\) ----\nMENENIUS:\n[^]{600}\n$/);

    const curve = csvRows();
    expect(curve[0]).toBe("step,epoch,loss,seconds");
    expect(curve.slice(1).map((line) => line.split(",")[0])).toEqual(["1", "2"]);
    expect(Number(curve[2]?.split(",")[2])).toBeLessThan(Math.log(61) + 0.5);
    expect(tf.train.latestCheckpoint(CKPT)).toBe(join(CKPT, "model.ckpt-2"));
    const saved = new Map(tf.train.listVariables(join(CKPT, "model.ckpt-2")));
    expect(saved.get(`${lstm}/cell_0/basic_lstm_cell/kernel`)).toEqual([160, 512]);
    expect(saved.has(`${lstm}/cell_0/basic_lstm_cell/kernel/Adam`)).toBe(true);
    expect(Number(tf.train.loadVariable(join(CKPT, "model.ckpt-2"), "global_step").item())).toBe(2);

    const logged = loggedSummaries();
    const dir = join(OUT, "logs");
    const graphs = readdirSync(dir).flatMap((file) =>
      [...tf.train.summaryIterator(join(dir, file))].filter((e) => e.graphDef),
    );
    expect(graphs).toHaveLength(1);
    const graphDef = tf.GraphDef.fromBinary(graphs[0]?.graphDef as Uint8Array);
    expect(graphDef.node.map((n) => n.name)).toContain("train/char_lstm/rnn/while/LoopCond");
    expect(logged.filter((s) => !s.includes("weights/"))).toEqual([
      "1 loss",
      "1 lr",
      "2 loss",
      "2 lr",
    ]);
    expect(logged).toContain(`2 weights/${lstm}/cell_1/basic_lstm_cell/kernel`);
    expect(logged.filter((s) => s.includes("weights/"))).toHaveLength(7);
    expect(first).toContain("TensorBoard: tensorboard --logdir");

    const second = demo("--steps", "1");
    expect(second).toContain(`Resumed from ${join(CKPT, "model.ckpt-2")}\n`);
    expect(second).toMatch(/from step 2 \(epoch 0\.0\), for 1 steps/);
    expect(second).toMatch(/trained 1 steps in .*: step 3,/);
    expect(
      csvRows()
        .slice(1)
        .map((line) => line.split(",")[0]),
    ).toEqual(["1", "2", "3"]);
    expect(tf.train.latestCheckpoint(CKPT)).toBe(join(CKPT, "model.ckpt-3"));
    expect(existsSync(join(CKPT, "model.ckpt-2.index"))).toBe(true); // kept: maxToKeep 3
    expect(loggedSummaries()).toContain("3 loss"); // a second event file in the same logdir
  }, 400_000);
});
