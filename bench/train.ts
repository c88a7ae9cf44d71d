/**
 * Training-step speed: scopeflow vs stock hand-written tfjs-core (`optimizer.minimize` on
 * the tape) vs tfjs-layers (`trainOnBatch`), same initial weights and data, each run in its
 * own process, processes alternating (A B C A B C …) so that machine noise spreads evenly.
 *
 *   npx tsx bench/train.ts                 # all cases, wasm
 *   npx tsx bench/train.ts mlp-sgd-32      # one case
 *   SCOPEFLOW_BACKEND=cpu npx tsx bench/train.ts
 *   npx tsx bench/train.ts --impls=scopeflow,tfjs --rounds=3 --json mlp-sgd-32
 *                                          # some implementations; a JSON line of rows
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const option = (name: string): string | null =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? null;
const positional = args.filter((a) => !a.startsWith("--"));
const cases =
  positional.length > 0
    ? positional
    : ["mlp-sgd-32", "mlp-sgd-256", "mlp-adam-32", "mlp-adam-256", "cnn-adam-32", "rnn-adam-16"];
const impls = option("impls")?.split(",") ?? ["scopeflow", "tfjs", "layers"];
const ROUNDS = Number(option("rounds") ?? 3);
const JSON_OUT = args.includes("--json");
const sfOverTfjs = new Map<string, string>();
const tsx = fileURLToPath(new URL("../node_modules/tsx/dist/cli.mjs", import.meta.url));
const worker = fileURLToPath(new URL("./train-worker.ts", import.meta.url));

interface Result {
  ms: number;
  firstLoss: number;
  lastLoss: number;
}

function runOnce(impl: string, name: string): Result | string {
  const steps = name.startsWith("cnn") ? "10" : "50";
  try {
    const out = execFileSync(process.execPath, [tsx, worker, impl, name, steps], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 600_000,
    });
    const line = out.trim().split("\n").pop() as string;
    return JSON.parse(line) as Result;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    // The wasm loader prints its minified source on a crash: keep the short error line.
    const text =
      (err.stderr ?? err.message).split("\n").find((l) => /Error/.test(l) && l.length < 400) ??
      err.message;
    return text.slice(0, 120);
  }
}

console.log(
  `backend: ${process.env.SCOPEFLOW_BACKEND ?? "wasm"}; median ms/step over ${ROUNDS} alternating processes each`,
);
console.log(
  `${"case".padEnd(14)} ${"scopeflow".padStart(10)} ${"tfjs".padStart(10)} ${"layers".padStart(10)} ${"sf/tfjs".padStart(8)} ${"sf/layers".padStart(9)}   first loss (sf / tfjs / layers)`,
);
for (const name of cases) {
  const results = new Map<string, number[]>(impls.map((i) => [i, []]));
  const losses = new Map<string, string>();
  const failures = new Map<string, string>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const impl of impls) {
      if (failures.has(impl)) continue;
      const res = runOnce(impl, name);
      if (typeof res === "string") failures.set(impl, res);
      else {
        results.get(impl)?.push(res.ms);
        losses.set(impl, res.firstLoss.toFixed(4));
      }
    }
  }
  const med = (impl: string): number | null => {
    const xs = [...(results.get(impl) ?? [])].sort((a, b) => a - b);
    return xs.length === 0 ? null : (xs[Math.floor(xs.length / 2)] as number);
  };
  // "-" for an implementation not asked for (--impls), "fails" for one that failed.
  const fmt = (impl: string, v: number | null) =>
    (v !== null ? v.toFixed(2) : impls.includes(impl) ? "fails" : "-").padStart(10);
  const sf = med("scopeflow");
  const tj = med("tfjs");
  const ly = med("layers");
  const ratio = (a: number | null, b: number | null) =>
    a === null || b === null ? "-" : (a / b).toFixed(2);
  console.log(
    `${name.padEnd(14)} ${fmt("scopeflow", sf)} ${fmt("tfjs", tj)} ${fmt("layers", ly)} ${ratio(sf, tj).padStart(8)} ${ratio(sf, ly).padStart(9)}   ${impls.map((i) => losses.get(i) ?? "-").join(" / ")}`,
  );
  for (const [impl, why] of failures) console.log(`    ${impl}: ${why}`);
  sfOverTfjs.set(name, ratio(sf, tj));
}
if (JSON_OUT) {
  const label: Record<string, string> = {
    "mlp-sgd-32": "MLP SGD batch 32",
    "mlp-sgd-256": "MLP SGD batch 256",
    "rnn-adam-16": "tanh RNN 20 steps (Adam, batch 16)",
  };
  console.log(
    JSON.stringify({
      rows: [...sfOverTfjs].map(([name, r]) => ({
        measure: `\`bench/train\` ${label[name] ?? name}, scopeflow / stock tfjs`,
        value: r,
        aim: name in label ? "≤ 0.25" : "-",
      })),
    }),
  );
}
