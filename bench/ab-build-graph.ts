/**
 * `bench/build-graph.ts` of two source trees in alternating processes (A B A B …), with the
 * median of each figure per tree: on a shared machine, runs far apart in time see different
 * loads, and alternating puts both trees under the same ones.
 *
 *   npx tsx bench/ab-build-graph.ts <tree A> <tree B> [pairs=5]
 *
 * A tree is a directory holding `bench/build-graph.ts` and the `src/` it imports (a copy of
 * an older commit: `git archive <commit> src bench | tar -x -C <dir>`, with `node_modules`
 * linked in).
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

const [treeA, treeB, pairsArg] = process.argv.slice(2);
if (treeA === undefined || treeB === undefined) {
  console.error("usage: npx tsx bench/ab-build-graph.ts <tree A> <tree B> [pairs]");
  process.exit(2);
}
const pairs = Number(pairsArg ?? 5);

/** Per number of variables: create, create CPU, reuse, reuse CPU (µs per `getVariable`). */
type Figures = Map<number, number[]>;

function runOnce(tree: string): Figures {
  const out = execFileSync(process.execPath, ["--import", "tsx", "bench/build-graph.ts"], {
    cwd: resolve(tree),
    encoding: "utf8",
  });
  const figures: Figures = new Map();
  for (const line of out.split("\n")) {
    const m = /^\s*(\d+)\s+\d+\s+([\d.]+) \(\s*([\d.]+)\)\s+([\d.]+) \(\s*([\d.]+)\)/.exec(line);
    if (m === null) continue;
    figures.set(Number(m[1]), [m[2], m[3], m[4], m[5]].map(Number));
  }
  return figures;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const runs: [Figures[], Figures[]] = [[], []];
for (let p = 0; p < pairs; p++) {
  // Alternate which tree goes first, so neither always runs right after the other.
  const order = p % 2 === 0 ? [0, 1] : [1, 0];
  for (const i of order) runs[i as 0 | 1].push(runOnce(i === 0 ? treeA : treeB));
  console.error(`pair ${p + 1}/${pairs} done`);
}

const sizes = [...(runs[0][0]?.keys() ?? [])];
console.log(
  "variables   create A → B µs (CPU A → B)            reuse A → B µs (CPU A → B)      medians of",
  pairs,
);
for (const n of sizes) {
  const med = (i: 0 | 1, k: number) =>
    median(runs[i].map((f) => (f.get(n) as number[])[k] as number));
  const cell = (k: number) => `${med(0, k).toFixed(2)} → ${med(1, k).toFixed(2)}`;
  console.log(
    `${String(n).padStart(9)}   ${cell(0).padEnd(15)} (${cell(1).padEnd(15)})   ${cell(2).padEnd(13)} (${cell(3)})`,
  );
}
