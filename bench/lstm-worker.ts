/**
 * One LSTM training benchmark in its own process (so that nothing scopeflow registers can
 * affect the baselines): `npx tsx bench/lstm-worker.ts <impl> <case> <steps> <warmup>`, where
 * impl is scopeflow | scopeflow-static | tfjs | layers (scopeflow uses `tf.nn.dynamicRnn`,
 * scopeflow-static `tf.nn.staticRnn`) and case is lstm2-256 | char-lstm.
 * Prints one JSON line:
 * the median step time, the first and last loss, and how the implementation was built
 * (`rnn`: dynamicRnn | staticRnn for scopeflow; `embedding`: gather | oneHot-matMul).
 *
 * Initial weights are generated here in TensorFlow's BasicLSTMCell layout (one kernel
 * `[inputDepth + units, 4 * units]` with the gates i, j, f, o, one zero bias `[4 * units]`)
 * and handed to each implementation, which converts them if its layout differs; the data
 * come from a fixed-seed generator, so all three start from the same function and data.
 */
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-wasm";
import "@tensorflow/tfjs-backend-cpu";
import {
  SPECS,
  data,
  initialWeights,
  weightShapes,
  type LstmData,
  type LstmSpec,
  type StepFn,
} from "./lstm-cases.js";

export type { LstmData, LstmSpec, StepFn };

const [impl, caseName, stepsArg, warmupArg] = process.argv.slice(2) as [
  string,
  string,
  string | undefined,
  string | undefined,
];
const STEPS = Number(stepsArg ?? 20);
const WARMUP = Number(warmupArg ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function main(): Promise<void> {
  const spec = SPECS[caseName];
  if (spec === undefined) throw new Error(`unknown case ${caseName}`);
  const backend = process.env.SCOPEFLOW_BACKEND ?? "wasm";
  const weights = initialWeights(spec);
  const d = data(spec);
  const t0 = performance.now();
  let fn: StepFn;
  if (impl === "scopeflow" || impl === "scopeflow-static") {
    const { scopeflowStep } = await import("./lstm-scopeflow.js");
    fn = await scopeflowStep(spec, weights, weightShapes(spec), d, impl === "scopeflow-static");
  } else if (impl === "tfjs") {
    await tfc.setBackend(backend);
    const { tfjsStep } = await import("./lstm-tfjs.js");
    fn = tfjsStep(spec, weights, weightShapes(spec), d);
  } else if (impl === "layers") {
    await tfc.setBackend(backend);
    const { layersStep } = await import("./lstm-layers.js");
    fn = layersStep(spec, weights, weightShapes(spec), d);
  } else {
    throw new Error(`unknown implementation ${impl}`);
  }
  const setupMs = performance.now() - t0;
  const t1 = performance.now();
  const firstLoss = await fn.step();
  const firstStepMs = performance.now() - t1;
  // Warm-up: plan building, JIT and kernel caches settle over the first steps.
  for (let i = 0; i < WARMUP; i++) await fn.step();
  const times: number[] = [];
  // CPU time of this process per step: on a machine shared with other work, it moves far
  // less than the wall-clock time (the kernels run on this process's one thread).
  const cpuTimes: number[] = [];
  let lastLoss = firstLoss;
  for (let i = 0; i < STEPS; i++) {
    const t = performance.now();
    const cpu = process.cpuUsage();
    lastLoss = await fn.step();
    const used = process.cpuUsage(cpu);
    times.push(performance.now() - t);
    cpuTimes.push((used.user + used.system) / 1000);
  }
  console.log(
    JSON.stringify({
      impl,
      case: caseName,
      backend: tfc.getBackend(),
      ...fn.info,
      ms: median(times),
      cpuMs: median(cpuTimes),
      setupMs,
      firstStepMs,
      firstLoss,
      lastLoss,
      steps: 1 + WARMUP + STEPS,
    }),
  );
}

await main();
