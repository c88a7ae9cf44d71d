/**
 * Two scopeflow trees' char-LSTM training steps (bench/lstm.ts's `char-lstm` case, built by
 * each tree's bench/lstm-scopeflow.ts) in one process, steps alternating A B, B A, … so that
 * a loaded machine's noise falls on both alike:
 *
 *   npx tsx bench/ab-lstm-inproc.ts <treeA> <treeB> [pairs]
 *
 * (trees: paths of scopeflow checkouts sharing one node_modules, e.g. a `git worktree` of a
 * baseline commit). Prints one JSON line: each tree's median wall-clock and CPU ms per step,
 * the medians of the per-pair ratios B/A, and whether both trees computed the same losses.
 */
import { pathToFileURL } from "node:url";
import {
  data as caseData,
  initialWeights,
  SPECS,
  weightShapes,
  type LstmSpec,
} from "./lstm-cases.js";

const [treeA, treeB, pairsArg = "30"] = process.argv.slice(2);
if (treeA === undefined || treeB === undefined) {
  throw new Error("usage: npx tsx bench/ab-lstm-inproc.ts <treeA> <treeB> [pairs]");
}
const PAIRS = Number(pairsArg);

const spec = SPECS["char-lstm"] as LstmSpec;
const shapes = weightShapes(spec);
const weights = initialWeights(spec);
const data = caseData(spec);

type Step = () => number;
async function load(tree: string): Promise<Step> {
  const mod = (await import(pathToFileURL(`${tree}/bench/lstm-scopeflow.ts`).href)) as {
    scopeflowStep: (...args: unknown[]) => Promise<{ step: () => number | Promise<number> }>;
  };
  const fn = await mod.scopeflowStep(spec, weights, shapes, data, false);
  return () => fn.step() as number;
}

const a = await load(treeA);
const b = await load(treeB);
const lossesA: number[] = [];
const lossesB: number[] = [];
for (let i = 0; i < 4; i++) {
  lossesA.push(a());
  lossesB.push(b());
}
/** Wall-clock and CPU ms of one step. */
function timed(step: Step, losses: number[]): [number, number] {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  losses.push(step());
  const wall = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return [wall, (used.user + used.system) / 1000];
}
const wallA: number[] = [];
const wallB: number[] = [];
const cpuA: number[] = [];
const cpuB: number[] = [];
for (let i = 0; i < PAIRS; i++) {
  const first = i % 2 === 0;
  const [ra, rb] = first
    ? [timed(a, lossesA), timed(b, lossesB)]
    : (([y, x]) => [x, y])([timed(b, lossesB), timed(a, lossesA)]);
  wallA.push(ra[0]);
  cpuA.push(ra[1]);
  wallB.push(rb[0]);
  cpuB.push(rb[1]);
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)] as number;
};
const ratios = (bs: number[], as: number[]) => median(bs.map((v, i) => v / (as[i] as number)));
console.log(
  JSON.stringify({
    wallMsA: median(wallA),
    wallMsB: median(wallB),
    cpuMsA: median(cpuA),
    cpuMsB: median(cpuB),
    wallRatioBA: ratios(wallB, wallA),
    cpuRatioBA: ratios(cpuB, cpuA),
    sameLosses: lossesA.every((v, i) => Object.is(v, lossesB[i])),
  }),
);
