/**
 * One training benchmark in its own process (so that nothing scopeflow registers can
 * affect the baselines): `npx tsx bench/train-worker.ts <impl> <case> <steps>`, where impl
 * is scopeflow | tfjs | layers and case is mlp-sgd-32 | mlp-sgd-256 | mlp-adam-32 |
 * mlp-adam-256 | cnn-adam-32 | rnn-adam-16. Prints one JSON line: the median step time, the
 * first and last loss.
 */
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-wasm";
import "@tensorflow/tfjs-backend-cpu";
import { data, initialWeights, inputShape, SPECS, weightShapes, type Spec } from "./train-cases.js";

const [impl, caseName, stepsArg] = process.argv.slice(2) as [string, string, string];
const STEPS = Number(stepsArg ?? 30);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function main(): Promise<void> {
  const spec = SPECS[caseName];
  if (spec === undefined) throw new Error(`unknown case ${caseName}`);
  const backend = process.env.SCOPEFLOW_BACKEND ?? "wasm";
  const weights = initialWeights(spec.kind);
  const { x, y } = data(spec);
  let step: () => number | Promise<number>;
  if (impl === "scopeflow") {
    const { scopeflowStep } = await import("./train-scopeflow.js");
    step = await scopeflowStep(spec, weights, weightShapes(spec.kind), x, inputShape(spec), y);
  } else if (impl === "tfjs") {
    await tfc.setBackend(backend);
    const { tfjsStep } = await import("./train-tfjs.js");
    step = tfjsStep(spec, weights, weightShapes(spec.kind), x, inputShape(spec), y);
  } else {
    await tfc.setBackend(backend);
    const { layersStep } = await import("./train-layers.js");
    step = layersStep(spec, weights, weightShapes(spec.kind), x, inputShape(spec), y);
  }
  const firstLoss = await step();
  // Warm-up: plan building, JIT and kernel caches settle over the first steps.
  for (let i = 0; i < 10; i++) await step();
  const times: number[] = [];
  let lastLoss = firstLoss;
  for (let i = 0; i < STEPS; i++) {
    const t0 = performance.now();
    lastLoss = await step();
    times.push(performance.now() - t0);
  }
  console.log(
    JSON.stringify({
      impl,
      case: caseName,
      backend: tfc.getBackend(),
      ms: median(times),
      firstLoss,
      lastLoss,
    }),
  );
}

export type { Spec };
await main();
