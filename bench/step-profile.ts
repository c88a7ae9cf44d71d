/**
 * Where a small training step's time goes: `npx tsx bench/step-profile.ts <case> [--ops]`
 * (cases as bench/train-worker.ts: mlp-sgd-32, rnn-adam-16, …). Prints the median step
 * time; with --ops, each plan step's kernel time summed by op type over the timed steps.
 */
import { Executor } from "../src/session/executor.js";
import type { Plan } from "../src/session/plan.js";
import { data, initialWeights, inputShape, weightShapes } from "./train-cases.js";

const [caseName = "rnn-adam-16", ...rest] = process.argv.slice(2);
const perOp = rest.includes("--ops") || rest.includes("--plan");
const STEPS = Number(rest.find((a) => a.startsWith("--steps="))?.slice(8) ?? 200);

let kernelMs = 0;
let stepIndex = 0;
const byType = new Map<string, { n: number; ms: number; perStep: number[] }>();
if (perOp) {
  const planFor = Executor.prototype.planFor;
  const wrapped = new WeakSet<Plan>();
  Executor.prototype.planFor = function (...args: Parameters<typeof planFor>): Plan {
    const plan = planFor.apply(this, args);
    if (!wrapped.has(plan)) {
      wrapped.add(plan);
      if (rest.includes("--plan") && plan.steps.length > 10)
        for (const step of plan.steps)
          console.log(
            `${step.op.type.padEnd(20)} ${step.op.name.padEnd(60)} in=${step.inputs.map((i) => i.slot).join(",")} out=${step.outputs.join(",")} rel=${step.release.join(",")}${step.constant ? " const" : ""}`,
          );
      for (const step of plan.steps) {
        const kernel = step.kernel;
        const key = step.fused === undefined ? step.op.type : `${step.op.type}:${step.fused}`;
        step.kernel = (inputs, op, rt) => {
          const t0 = performance.now();
          const out = kernel(inputs, op, rt);
          kernelMs += performance.now() - t0;
          const entry = byType.get(key) ?? { n: 0, ms: 0, perStep: [] };
          entry.n++;
          entry.ms += performance.now() - t0;
          entry.perStep[stepIndex] = (entry.perStep[stepIndex] ?? 0) + performance.now() - t0;
          byType.set(key, entry);
          return out;
        };
      }
    }
    return plan;
  };
}

const { scopeflowStep } = await import("./train-scopeflow.js");
const kind = caseName.startsWith("mlp") ? "mlp" : "rnn";
const batch = Number(caseName.split("-").pop());
const spec = { kind, batch, optimizer: caseName.includes("sgd") ? "sgd" : "adam" } as const;
const shapes = weightShapes(kind);
const weights = initialWeights(kind);
const xShape = inputShape(spec);
const { x, y } = data(spec);
const step = await scopeflowStep(spec, weights, shapes, x, xShape, y);
const first = step();
// Every loss bit by bit: a change meant to keep values bit-identical keeps this checksum.
let checksum = 0;
const lossBits = new Float64Array(1);
const lossWords = new Uint32Array(lossBits.buffer);
const keep = (loss: number): number => {
  lossBits[0] = loss;
  checksum = (Math.imul(checksum, 31) + (lossWords[0] as number) + (lossWords[1] as number)) >>> 0;
  return loss;
};
keep(first);
for (let i = 0; i < 20; i++) keep(step());
byType.clear();
const times: number[] = [];
const kernelTimes: number[] = [];
let last = first;
for (let i = 0; i < STEPS; i++) {
  kernelMs = 0;
  stepIndex = i;
  const t0 = performance.now();
  last = keep(step());
  times.push(performance.now() - t0);
  kernelTimes.push(kernelMs);
}
kernelTimes.sort((a, b) => a - b);
times.sort((a, b) => a - b);
console.log(
  `${caseName}: median ${(times[Math.floor(STEPS / 2)] as number).toFixed(3)} ms/step, loss ${first.toFixed(6)} → ${last.toFixed(6)}, checksum ${checksum.toString(16)}`,
);
if (perOp) {
  const rows = [...byType].sort((a, b) => b[1].ms - a[1].ms);
  let total = 0;
  for (const [, e] of rows) total += e.ms;
  console.log(
    `kernels: mean ${(total / STEPS).toFixed(3)} ms/step, median ${(kernelTimes[Math.floor(STEPS / 2)] as number).toFixed(3)}`,
  );
  for (const [k, e] of rows) {
    const med = e.perStep.filter((v) => v !== undefined).sort((a, b) => a - b);
    console.log(
      `${k.padEnd(28)} ${(e.n / STEPS).toFixed(0).padStart(4)}/step ${((e.ms / STEPS) * 1000).toFixed(0).padStart(6)} µs/step mean ${((med[Math.floor(med.length / 2)] ?? 0) * 1000).toFixed(0).padStart(6)} median ${((e.ms / e.n) * 1000).toFixed(1).padStart(7)} µs/call`,
    );
  }
}
