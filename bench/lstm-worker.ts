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
import { seeded } from "./seeded.js";

const [impl, caseName, stepsArg, warmupArg] = process.argv.slice(2) as [
  string,
  string,
  string | undefined,
  string | undefined,
];
const STEPS = Number(stepsArg ?? 20);
const WARMUP = Number(warmupArg ?? 5);

export interface LstmSpec {
  kind: "regression" | "char";
  batch: number;
  time: number;
  /** Input depth of the bottom LSTM layer (the embedding size for `char`). */
  depth: number;
  units: number;
  layers: number;
  /** Vocabulary size (`char` only). */
  vocab: number;
  lr: number;
}

const SPECS: Record<string, LstmSpec> = {
  "lstm2-256": {
    kind: "regression",
    batch: 32,
    time: 50,
    depth: 64,
    units: 256,
    layers: 2,
    vocab: 0,
    lr: 1e-3,
  },
  "char-lstm": {
    kind: "char",
    batch: 32,
    time: 50,
    depth: 32,
    units: 128,
    layers: 2,
    vocab: 65,
    lr: 2e-3,
  },
};

/** The data of one case: `x` floats `[batch, time, depth]` or ids `[batch, time]`. */
export interface LstmData {
  /** `regression`: inputs `[batch, time, depth]`. */
  x: Float32Array;
  /** `regression`: targets `[batch, time, units]`. */
  y: Float32Array;
  /** `char`: input character ids `[batch, time]`. */
  ids: Int32Array;
  /** `char`: target ids `[batch, time]` (the next character). */
  targets: Int32Array;
}

/** What an implementation hands back: one training step, and how it was built. */
export interface StepFn {
  step: () => number | Promise<number>;
  info: Record<string, string>;
}

/**
 * Weight shapes, in one fixed order shared by the three implementations (TF layout):
 * `[embedding]`, then per layer `kernel, bias`, then `[softmax w, softmax b]` for `char`.
 */
export function weightShapes(spec: LstmSpec): number[][] {
  const shapes: number[][] = [];
  if (spec.kind === "char") shapes.push([spec.vocab, spec.depth]);
  for (let l = 0; l < spec.layers; l++) {
    const inDepth = l === 0 ? spec.depth : spec.units;
    shapes.push([inDepth + spec.units, 4 * spec.units], [4 * spec.units]);
  }
  if (spec.kind === "char") shapes.push([spec.units, spec.vocab], [spec.vocab]);
  return shapes;
}

/** Glorot-uniform matrices (TF's default for `get_variable`), zero biases. */
function initialWeights(spec: LstmSpec): Float32Array[] {
  return weightShapes(spec).map((shape, i) => {
    const n = shape.reduce((a, b) => a * b, 1);
    if (shape.length === 1) return new Float32Array(n);
    const [rows, cols] = shape as [number, number];
    return seeded(n, 100 + i, Math.sqrt(6 / (rows + cols)));
  });
}

function data(spec: LstmSpec): LstmData {
  const { batch, time } = spec;
  if (spec.kind === "regression") {
    return {
      x: seeded(batch * time * spec.depth, 7, 1),
      y: seeded(batch * time * spec.units, 8, 0.5),
      ids: new Int32Array(0),
      targets: new Int32Array(0),
    };
  }
  // One random character stream per batch row; the target is the next character.
  const stream = seeded(batch * (time + 1), 9, 1);
  const ids = new Int32Array(batch * time);
  const targets = new Int32Array(batch * time);
  const charAt = (b: number, t: number) =>
    Math.min(
      spec.vocab - 1,
      Math.floor(((stream[b * (time + 1) + t] as number) + 1) * 0.5 * spec.vocab),
    );
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < time; t++) {
      ids[b * time + t] = charAt(b, t);
      targets[b * time + t] = charAt(b, t + 1);
    }
  }
  return { x: new Float32Array(0), y: new Float32Array(0), ids, targets };
}

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
