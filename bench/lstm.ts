/**
 * LSTM training-step speed: scopeflow (`BasicLSTMCell`s in a `MultiRNNCell` run by
 * `tf.nn.dynamicRnn`, and again unrolled by `tf.nn.staticRnn`: one table row each) vs stock
 * hand-written tfjs-core (`tf.basicLSTMCell` + `tf.multiRNNCell` per step inside
 * `optimizer.minimize`) vs tfjs-layers (`tf.layers.lstm`, `trainOnBatch`). Same initial
 * weights (TF's BasicLSTMCell layout, converted for tfjs-layers: see bench/lstm-layers.ts) and
 * data, so the first losses agree; each implementation runs in its own process, processes
 * alternating (A B C D A B C D …) so that machine noise spreads evenly; the table gives the
 * median over rounds of each process's median step time (after warm-up steps).
 *
 * Cases:
 * - `lstm2-256`: 2-layer LSTM, 256 units, batch 32, 50 steps, input depth 64, mean squared
 *   error of the top layer's outputs at every step against random targets, Adam 1e-3.
 * - `char-lstm`: the char-level language model step: vocabulary 65, a trainable 65×32
 *   embedding gathered per character, 2-layer LSTM with 128 units, 50 steps, batch 32, a dense
 *   projection to 65 logits at every step, softmax cross entropy averaged over batch and
 *   time, Adam 2e-3.
 *
 *   npx tsx bench/lstm.ts                        # both cases, wasm, 3 rounds
 *   npx tsx bench/lstm.ts char-lstm              # one case
 *   npx tsx bench/lstm.ts --rounds=5 --steps=20 --warmup=5
 *   npx tsx bench/lstm.ts --impls=scopeflow,tfjs --json char-lstm   # a JSON line of rows
 *   SCOPEFLOW_BACKEND=cpu npx tsx bench/lstm.ts   # seconds per step: use --rounds=1
 *
 * On wasm a full run takes about 25 minutes on 2 cores (hand-written tfjs and tfjs-layers take
 * 7 s per lstm2-256 step).
 *
 * Expected loss differences: the last losses of scopeflow and tfjs/layers differ in the 3rd
 * or 4th digit because TF's Adam adds its epsilon (1e-8) to the uncorrected sqrt(v) while
 * tfjs adds its default 1e-7 after bias correction (with SGD, or epsilon ~0 in both, the
 * losses agree to 1e-6). The lstm2-256 first loss of tfjs-layers differs in the 5th digit:
 * its MSE is a mean of per-step means, the others one float32 `Mean` over 409 600 elements,
 * which wasm sums less accurately.
 *
 * One worker alone: `npx tsx bench/lstm-worker.ts scopeflow char-lstm 15 3` (JSON line).
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const option = (name: string): number | null => {
  const arg = args.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? null : Number(arg.slice(name.length + 3));
};
const positional = args.filter((a) => !a.startsWith("--"));
const cases = positional.length > 0 ? positional : ["lstm2-256", "char-lstm"];
const implsArg = args.find((a) => a.startsWith("--impls="));
const impls = implsArg?.slice("--impls=".length).split(",") ?? [
  "scopeflow",
  "scopeflow-static",
  "tfjs",
  "layers",
];
const JSON_OUT = args.includes("--json");
const jsonRows: { measure: string; value: string; aim: string }[] = [];
const ROUNDS = option("rounds") ?? 3;
/** Measured and warm-up steps per process: tfjs takes seconds per lstm2-256 step on wasm. */
const STEPS: Record<string, [number, number]> = { "lstm2-256": [8, 2], "char-lstm": [15, 3] };
const tsx = fileURLToPath(new URL("../node_modules/tsx/dist/cli.mjs", import.meta.url));
const worker = fileURLToPath(new URL("./lstm-worker.ts", import.meta.url));

interface Result {
  ms: number;
  setupMs: number;
  firstLoss: number;
  lastLoss: number;
  steps: number;
  rnn?: string;
  embedding?: string;
}

function runOnce(impl: string, name: string): Result | string {
  const [steps, warmup] = STEPS[name] ?? [15, 3];
  const argv = [String(option("steps") ?? steps), String(option("warmup") ?? warmup)];
  try {
    const out = execFileSync(process.execPath, [tsx, worker, impl, name, ...argv], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 1_200_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const line = out.trim().split("\n").pop() as string;
    return JSON.parse(line) as Result;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    // The wasm loader prints its minified source on a crash: keep one short error line.
    const lines = (err.stderr ?? err.message)
      .split("\n")
      .filter((l) => !l.startsWith("var Module") && l.length < 400);
    const text = lines.find((l) => /Error/.test(l)) ?? lines.slice(-1)[0] ?? err.message;
    return text.slice(0, 160);
  }
}

const median = (xs: number[]): number | null => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : (s[Math.floor(s.length / 2)] as number);
};
const fmtMs = (v: number | null) => (v === null ? "-" : v.toFixed(1));
const ratio = (a: number | null, b: number | null) =>
  a === null || b === null ? "-" : (a / b).toFixed(2);

const row = (cells: string[]) => console.log(`| ${cells.join(" | ")} |`);
const backend = process.env.SCOPEFLOW_BACKEND ?? "wasm";
console.log(`backend: ${backend}; ms per training step: median over ${ROUNDS} alternating`);
console.log("processes of each process's median step time\n");
row(
  ["case", "scopeflow via", "scopeflow", "tfjs", "layers", "sf/tfjs", "sf/layers"].concat([
    "first loss (sf / tfjs / layers)",
    "last loss (sf / tfjs / layers)",
  ]),
);
row(["---", "---", "---:", "---:", "---:", "---:", "---:", "---", "---"]);
const notes: string[] = [];
for (const name of cases) {
  const times = new Map<string, number[]>(impls.map((i) => [i, []]));
  const setups = new Map<string, number[]>(impls.map((i) => [i, []]));
  const rnns = new Map<string, Set<string>>(impls.map((i) => [i, new Set()]));
  const last = new Map<string, Result>();
  const failures = new Map<string, string>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const impl of impls) {
      if (failures.has(impl)) continue;
      const res = runOnce(impl, name);
      if (typeof res === "string") failures.set(impl, res);
      else {
        times.get(impl)?.push(res.ms);
        setups.get(impl)?.push(res.setupMs);
        if (res.rnn !== undefined) rnns.get(impl)?.add(res.rnn);
        last.set(impl, res);
      }
    }
  }
  const tj = median(times.get("tfjs") ?? []);
  const ly = median(times.get("layers") ?? []);
  for (const sfImpl of ["scopeflow", "scopeflow-static"]) {
    if (!last.has(sfImpl) && !failures.has(sfImpl)) continue;
    const sf = median(times.get(sfImpl) ?? []);
    // Mixed only if src/ changed under a running benchmark.
    const via = [...(rnns.get(sfImpl) ?? [])].join(" + ") || "-";
    const losses = (key: "firstLoss" | "lastLoss") =>
      [sfImpl, "tfjs", "layers"].map((i) => last.get(i)?.[key].toFixed(5) ?? "-").join(" / ");
    row(
      [name, via, fmtMs(sf), fmtMs(tj), fmtMs(ly), ratio(sf, tj), ratio(sf, ly)].concat([
        losses("firstLoss"),
        losses("lastLoss"),
      ]),
    );
    jsonRows.push({
      measure: `\`bench/lstm\` ${name} via ${via}, scopeflow / stock tfjs`,
      value: ratio(sf, tj),
      aim: "-",
    });
  }
  const steps = last.get("scopeflow")?.steps ?? last.get("tfjs")?.steps;
  const setup = impls
    .filter((i) => setups.get(i)?.length)
    .map((i) => `${i} ${fmtMs(median(setups.get(i) ?? []))}`)
    .join(", ");
  notes.push(
    `${name}: last loss after ${steps ?? "?"} steps; setup ms (graph/model building): ${setup}`,
  );
  for (const impl of ["tfjs", "layers"]) {
    const emb = last.get(impl)?.embedding;
    if (emb !== undefined && emb !== "-") notes.push(`${name}: ${impl} embedding: ${emb}`);
  }
  for (const [impl, why] of failures) notes.push(`${name}: ${impl} fails: ${why}`);
}
console.log("");
for (const note of notes) console.log(`- ${note}`);
if (JSON_OUT) console.log(JSON.stringify({ rows: jsonRows }));
