/**
 * Two scopeflow trees' training steps in one process, steps alternating A B A B …, so that
 * a loaded machine's noise falls on both alike: `npx tsx bench/ab-inproc.ts <treeA> <treeB>
 * <case> [steps]` (trees: paths of scopeflow checkouts sharing one node_modules). Prints
 * each one's median and the fastest tenth's mean per step, and their ratios B/A.
 */
import { pathToFileURL } from "node:url";
import { data, initialWeights, inputShape, weightShapes } from "./train-cases.js";

const [treeA, treeB, caseName = "rnn-adam-16", stepsArg = "300"] = process.argv.slice(2);
const STEPS = Number(stepsArg);
type StepFn = () => number;
type Builder = (
  spec: { kind: "mlp" | "rnn" | "cnn"; batch: number; optimizer: "sgd" | "adam" },
  weights: Float32Array[],
  shapes: number[][],
  x: Float32Array,
  xShape: number[],
  y: Float32Array,
) => Promise<StepFn>;

const kind = caseName.startsWith("mlp") ? "mlp" : "rnn";
const batch = Number(caseName.split("-").pop());
const spec = { kind, batch, optimizer: caseName.includes("sgd") ? "sgd" : "adam" } as const;
const shapes = weightShapes(kind);
const weights = initialWeights(kind);
const xShape = inputShape(spec);
const { x, y } = data(spec);

async function load(tree: string): Promise<StepFn> {
  const mod = (await import(pathToFileURL(`${tree}/bench/train-scopeflow.ts`).href)) as {
    scopeflowStep: Builder;
  };
  return mod.scopeflowStep(spec, weights, shapes, x, xShape, y);
}
const a = await load(treeA as string);
const b = await load(treeB as string);
const la: number[] = [];
const lb: number[] = [];
for (let i = 0; i < 30; i++) {
  la.push(a());
  lb.push(b());
}
const ta: number[] = [];
const tb: number[] = [];
for (let i = 0; i < STEPS; i++) {
  let t0 = performance.now();
  la.push(a());
  ta.push(performance.now() - t0);
  t0 = performance.now();
  lb.push(b());
  tb.push(performance.now() - t0);
}
const same = la.every((v, i) => Object.is(v, lb[i]));
const stats = (xs: number[]) => {
  const s = [...xs].sort((p, q) => p - q);
  const tenth = s.slice(0, Math.max(1, Math.floor(s.length / 10)));
  return {
    med: s[Math.floor(s.length / 2)] as number,
    fast: tenth.reduce((p, q) => p + q, 0) / tenth.length,
  };
};
const sa = stats(ta);
const sb = stats(tb);
console.log(
  `${caseName}: A median ${sa.med.toFixed(3)} fast ${sa.fast.toFixed(3)} | B median ${sb.med.toFixed(3)} fast ${sb.fast.toFixed(3)} | B/A median ${(sb.med / sa.med).toFixed(3)} fast ${(sb.fast / sa.fast).toFixed(3)} | losses ${same ? "identical" : "DIFFER"}`,
);
