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
import { seeded } from "./seeded.js";

const [impl, caseName, stepsArg] = process.argv.slice(2) as [string, string, string];
const STEPS = Number(stepsArg ?? 30);

interface Spec {
  kind: "mlp" | "cnn" | "rnn";
  batch: number;
  optimizer: "sgd" | "adam";
}

const SPECS: Record<string, Spec> = {
  "mlp-sgd-32": { kind: "mlp", batch: 32, optimizer: "sgd" },
  "mlp-sgd-256": { kind: "mlp", batch: 256, optimizer: "sgd" },
  "mlp-adam-32": { kind: "mlp", batch: 32, optimizer: "adam" },
  "mlp-adam-256": { kind: "mlp", batch: 256, optimizer: "adam" },
  "cnn-adam-32": { kind: "cnn", batch: 32, optimizer: "adam" },
  "rnn-adam-16": { kind: "rnn", batch: 16, optimizer: "adam" },
};

/** Weight shapes per model, in one fixed order shared by the three implementations. */
function weightShapes(kind: Spec["kind"]): number[][] {
  if (kind === "mlp") return [[784, 256], [256], [256, 256], [256], [256, 10], [10]];
  if (kind === "cnn") return [[5, 5, 1, 32], [32], [5, 5, 32, 64], [64], [7 * 7 * 64, 10], [10]];
  return [[64, 128], [128, 128], [128], [128, 10], [10]];
}

function initialWeights(kind: Spec["kind"]): Float32Array[] {
  return weightShapes(kind).map((shape, i) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const fanIn = shape.length > 1 ? n / (shape[shape.length - 1] as number) : 1;
    return shape.length === 1 ? new Float32Array(n) : seeded(n, 100 + i, Math.sqrt(3 / fanIn));
  });
}

function inputShape(spec: Spec): number[] {
  if (spec.kind === "mlp") return [spec.batch, 784];
  if (spec.kind === "cnn") return [spec.batch, 28, 28, 1];
  return [spec.batch, 20, 64];
}

function data(spec: Spec): { x: Float32Array; y: Float32Array } {
  const xShape = inputShape(spec);
  const x = seeded(
    xShape.reduce((a, b) => a * b, 1),
    7,
    1,
  );
  const y = new Float32Array(spec.batch * 10);
  for (let i = 0; i < spec.batch; i++) y[i * 10 + (i % 10)] = 1;
  return { x, y };
}

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
