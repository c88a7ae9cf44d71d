/**
 * Every benchmark, each in its own process, and one table of the figures issue 15 tracks
 * (the README's figures come from it). Each benchmark stays runnable alone; given `--json`
 * it ends its output with one line `{"rows": [{"measure", "value", "aim"}]}`, which this
 * runner collects.
 *
 *   npm run bench                              # all, wasm, one thread
 *   npx tsx bench/all.ts --only=cnn,build-graph
 *   npx tsx bench/all.ts --threads=1,2         # each benchmark with 1 and 2 wasm threads
 *   SCOPEFLOW_BACKEND=cpu npx tsx bench/all.ts
 *
 * A benchmark file that does not exist yet (bench/while-loop.ts) shows as "not present".
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

interface Row {
  measure: string;
  value: string;
  aim: string;
}

interface Bench {
  name: string;
  file: string;
  args: string[];
}

const BENCHES: Bench[] = [
  {
    name: "train",
    file: "train.ts",
    args: ["--impls=scopeflow,tfjs", "--rounds=3", "mlp-sgd-32", "mlp-sgd-256", "rnn-adam-16"],
  },
  { name: "lstm", file: "lstm.ts", args: ["--impls=scopeflow,tfjs", "--rounds=1", "char-lstm"] },
  { name: "cnn", file: "cnn.ts", args: [] },
  { name: "forward", file: "run.ts", args: [] },
  { name: "while-loop", file: "while-loop.ts", args: [] },
  { name: "build-graph", file: "build-graph.ts", args: [] },
  { name: "checkpoint", file: "checkpoint.ts", args: [] },
  { name: "import-graph", file: "import-graph.ts", args: [] },
];

const args = process.argv.slice(2);
const option = (name: string): string | null =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? null;
const only = option("only")?.split(",") ?? null;
const threadCounts = (option("threads") ?? "1").split(",").map(Number);
const tsx = fileURLToPath(new URL("../node_modules/tsx/dist/cli.mjs", import.meta.url));

/** Runs one benchmark and returns its rows, or why it gave none. */
function runBench(b: Bench, threads: number): Row[] | string {
  const file = fileURLToPath(new URL(`./${b.file}`, import.meta.url));
  if (!existsSync(file)) return "not present";
  const env = { ...process.env, SCOPEFLOW_WASM_THREADS: String(threads) };
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [tsx, file, ...b.args, "--json"], {
    encoding: "utf8",
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = ((performance.now() - t0) / 1000).toFixed(0);
  const lines = (r.stdout ?? "").trim().split("\n");
  // The benchmark's own report, for the record, without its JSON line.
  console.error(`\n## ${b.name} (${threads} thread${threads > 1 ? "s" : ""}, ${seconds} s)`);
  console.error(lines.slice(0, -1).join("\n"));
  try {
    const parsed = JSON.parse(lines[lines.length - 1] ?? "") as { rows?: Row[] };
    if (Array.isArray(parsed.rows)) return parsed.rows;
  } catch {
    // reported below
  }
  const why =
    (r.stderr ?? "").split("\n").find((l) => /Error/.test(l) && l.length < 300) ??
    `exit ${r.status}`;
  return `failed: ${why}`;
}

const table = new Map<string, { aim: string; values: string[] }>();
const failures: string[] = [];
for (const b of BENCHES) {
  if (only !== null && !only.includes(b.name)) continue;
  threadCounts.forEach((threads, column) => {
    const rows = runBench(b, threads);
    if (typeof rows === "string") {
      failures.push(`${b.name} (${threads} thread${threads > 1 ? "s" : ""}): ${rows}`);
      return;
    }
    for (const row of rows) {
      const entry = table.get(row.measure) ?? {
        aim: row.aim,
        values: threadCounts.map(() => "-"),
      };
      entry.values[column] = row.value;
      table.set(row.measure, entry);
    }
  });
}

const backend = process.env.SCOPEFLOW_BACKEND ?? "wasm";
console.log(`\nbackend: ${backend}; ${new Date().toISOString()}\n`);
const heads = threadCounts.map((t) => (threadCounts.length > 1 ? `${t} thread(s)` : "now"));
console.log(`| measure | ${heads.join(" | ")} | aim |`);
console.log(`| --- | ${heads.map(() => "---").join(" | ")} | --- |`);
for (const [measure, { aim, values }] of table) {
  console.log(`| ${measure} | ${values.join(" | ")} | ${aim} |`);
}
for (const f of failures) console.log(`\n- ${f}`);
