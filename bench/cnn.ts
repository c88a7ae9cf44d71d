/**
 * Convolution efficiency: one training step of the TensorFlow tutorial CNN (conv 5×5×32,
 * max-pool, conv 5×5×64, max-pool, fc 1024, fc 10; batch 32 of 28×28×1; Adam), its
 * arithmetic (FLOPs of the matrix products and convolutions, forward and backward) divided
 * by its time, as a fraction of the rate a 1024×1024 matrix product reaches in the same
 * process on the same backend. Then the same for a DCGAN-style generator step built on
 * `conv2dTranspose`.
 *
 *   npx tsx bench/cnn.ts              # efficiency table
 *   npx tsx bench/cnn.ts --profile    # also the time per op type of each step (plan steps,
 *                                     # fused ones by kind); --by-name: per op
 *   npx tsx bench/cnn.ts --json       # one JSON line of rows (for bench/all.ts)
 *   npx tsx bench/cnn.ts --cpu        # time by the process's CPU time, not the wall clock
 *                                     # (steadier on a machine other processes share)
 *   SCOPEFLOW_BACKEND=cpu npx tsx bench/cnn.ts
 */
import * as tfc from "@tensorflow/tfjs-core";
import * as tf from "../src/index.js";
import { Executor } from "../src/session/executor.js";
import type { Plan } from "../src/session/plan.js";
import { seeded } from "./seeded.js";

const PROFILE = process.argv.includes("--profile");
const JSON_OUT = process.argv.includes("--json");
const CPU = process.argv.includes("--cpu");

/** Milliseconds of the clock the figures use: wall time, or with --cpu this process's CPU time. */
function now(): number {
  if (!CPU) return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

await tf.ready();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** FLOPs/s of a 1024×1024 by 1024×1024 product on the active backend: best of a few. */
function gemmRate(): number {
  const a = tfc.tensor2d(seeded(1024 * 1024, 1, 1), [1024, 1024]);
  const b = tfc.tensor2d(seeded(1024 * 1024, 2, 1), [1024, 1024]);
  let best = Infinity;
  for (let i = 0; i < 8; i++) {
    const t0 = now();
    const c = tfc.matMul(a, b);
    c.dataSync();
    best = Math.min(best, now() - t0);
    c.dispose();
  }
  a.dispose();
  b.dispose();
  return (2 * 1024 ** 3) / (best / 1000);
}

/** Per op type (or fused step kind), or per op name with --by-name: calls and milliseconds. */
const opTimes = new Map<string, { calls: number; ms: number }>();
let profiling = false;
const BY_NAME = process.argv.includes("--by-name");

/**
 * Times every step of every plan (wasm and cpu run synchronously, so wall time is the
 * kernel's), fused steps included under their kind, e.g. `Relu:matMulBiasActivation`.
 */
function instrumentPlans(): void {
  const planFor = Executor.prototype.planFor;
  const wrapped = new WeakSet<Plan>();
  Executor.prototype.planFor = function (...args: Parameters<typeof planFor>): Plan {
    const plan = planFor.apply(this, args);
    if (wrapped.has(plan)) return plan;
    wrapped.add(plan);
    for (const step of plan.steps) {
      const inner = step.kernel;
      const type = step.fused === undefined ? step.op.type : `${step.op.type}:${step.fused}`;
      const key = BY_NAME ? `${type} ${step.op.name}` : type;
      step.kernel = (inputs, op, runtime) => {
        if (!profiling) return inner(inputs, op, runtime);
        const t0 = now();
        const out = inner(inputs, op, runtime);
        const e = opTimes.get(key) ?? { calls: 0, ms: 0 };
        e.calls += 1;
        e.ms += now() - t0;
        opTimes.set(key, e);
        return out;
      };
    }
    return plan;
  };
}

interface Model {
  name: string;
  flops: number;
  step: () => void;
  close: () => void;
}

/** The tutorial CNN (`layers` API, as in TF's mnist tutorial), batch 32, Adam. */
function tutorialCnn(batch: number): Model {
  tf.resetDefaultGraph();
  tf.setRandomSeed(1);
  const x = tf.placeholder(tf.float32, [batch, 28, 28, 1], { name: "x" });
  const y = tf.placeholder(tf.float32, [batch, 10], { name: "y" });
  const c1 = tf.layers.conv2d(x, 32, [5, 5], { padding: "same", activation: tf.nn.relu });
  const p1 = tf.layers.maxPooling2d(c1, [2, 2], 2);
  const c2 = tf.layers.conv2d(p1, 64, [5, 5], { padding: "same", activation: tf.nn.relu });
  const p2 = tf.layers.maxPooling2d(c2, [2, 2], 2);
  const flat = tf.reshape(p2, [-1, 7 * 7 * 64]);
  const d1 = tf.layers.dense(flat, 1024, { activation: tf.nn.relu });
  const logits = tf.layers.dense(d1, 10);
  const loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels: y, logits }));
  const train = new tf.train.AdamOptimizer(1e-4).minimize(loss);
  const sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  const labels = new Float32Array(batch * 10);
  for (let i = 0; i < batch; i++) labels[i * 10 + (i % 10)] = 1;
  const feeds = new Map([
    [x, tf.NDArray.fromTypedArray(seeded(batch * 784, 7, 1), [batch, 28, 28, 1], "float32")],
    [y, tf.NDArray.fromTypedArray(labels, [batch, 10], "float32")],
  ]);
  const fetches = [loss, train] as const;
  // Multiply-adds of the forward products; backward is twice that, less conv1's input
  // gradient (x is fed, nothing asks for its gradient).
  const conv1 = 28 * 28 * 32 * 5 * 5 * 1;
  const conv2 = 14 * 14 * 64 * 5 * 5 * 32;
  const fc = 7 * 7 * 64 * 1024 + 1024 * 10;
  const macs = batch * (3 * (conv1 + conv2 + fc) - conv1);
  return {
    name: `tutorial CNN step, batch ${batch}`,
    flops: 2 * macs,
    step: () => {
      sess.run(fetches, feeds);
    },
    close: () => sess.close(),
  };
}

/**
 * A DCGAN-style generator trained alone: dense 100 → 7×7×128, then transposed
 * convolutions 5×5 stride 2 to 14×14×64 and 28×28×1; batch 32, Adam on a squared error.
 */
function dcganGenerator(batch: number): Model {
  tf.resetDefaultGraph();
  tf.setRandomSeed(2);
  const z = tf.placeholder(tf.float32, [batch, 100], { name: "z" });
  const target = tf.placeholder(tf.float32, [batch, 28, 28, 1], { name: "target" });
  const h = tf.reshape(
    tf.layers.dense(z, 7 * 7 * 128, { activation: tf.nn.relu }),
    [-1, 7, 7, 128],
  );
  const t1 = tf.layers.conv2dTranspose(h, 64, [5, 5], {
    strides: 2,
    padding: "same",
    activation: tf.nn.relu,
  });
  const img = tf.layers.conv2dTranspose(t1, 1, [5, 5], { strides: 2, padding: "same" });
  const loss = tf.reduceMean(tf.square(tf.tanh(img).sub(target)));
  const train = new tf.train.AdamOptimizer(2e-4).minimize(loss);
  const sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  const feeds = new Map([
    [z, tf.NDArray.fromTypedArray(seeded(batch * 100, 8, 1), [batch, 100], "float32")],
    [target, tf.NDArray.fromTypedArray(seeded(batch * 784, 9, 1), [batch, 28, 28, 1], "float32")],
  ]);
  const fetches = [loss, train] as const;
  // A transposed convolution costs what the convolution it transposes does.
  const dense = 100 * 7 * 7 * 128;
  const tconv1 = 7 * 7 * 128 * 5 * 5 * 64;
  const tconv2 = 14 * 14 * 64 * 5 * 5 * 1;
  const macs = batch * (3 * (dense + tconv1 + tconv2) - dense);
  return {
    name: `DCGAN generator step, batch ${batch}`,
    flops: 2 * macs,
    step: () => {
      sess.run(fetches, feeds);
    },
    close: () => sess.close(),
  };
}

/**
 * Best and median ms per step after a warm-up. The best is what the efficiency uses, as
 * for the GEMM rate: on a shared machine it is the figure least moved by other load.
 */
function timeSteps(m: Model, steps: number): { best: number; median: number } {
  for (let i = 0; i < 3; i++) m.step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = now();
    m.step();
    times.push(now() - t0);
  }
  return { best: Math.min(...times), median: median(times) };
}

if (PROFILE) instrumentPlans();
const gemm = gemmRate();
const rows: {
  name: string;
  ms: number;
  medianMs: number;
  gflops: number;
  fraction: number;
}[] = [];
const profiles = new Map<string, Map<string, { calls: number; ms: number }>>();
/** Per model, ms per step of the profiled steps (kernels and what runs outside them). */
const profiledStep = new Map<string, number>();
for (const make of [tutorialCnn, dcganGenerator]) {
  const m = make(32);
  const { best, median: medianMs } = timeSteps(m, 15);
  const rate = m.flops / (best / 1000);
  // The GEMM rate again after the model: the better of the two is the backend's rate.
  const gemmNow = Math.max(gemm, gemmRate());
  rows.push({ name: m.name, ms: best, medianMs, gflops: rate / 1e9, fraction: rate / gemmNow });
  if (PROFILE) {
    opTimes.clear();
    profiling = true;
    const t0 = now();
    for (let i = 0; i < 10; i++) m.step();
    profiledStep.set(m.name, (now() - t0) / 10);
    profiling = false;
    profiles.set(m.name, new Map(opTimes));
  }
  m.close();
}

if (JSON_OUT) {
  const [cnn, dcgan] = rows as [(typeof rows)[0], (typeof rows)[0]];
  console.log(
    JSON.stringify({
      rows: [
        {
          measure:
            "CNN training step (tutorial CNN, batch 32, Adam): FLOPs ÷ time, of the 1024² GEMM rate",
          value: `${cnn.fraction.toFixed(2)} (${cnn.ms.toFixed(0)} ms, ${cnn.gflops.toFixed(1)} of ${(gemm / 1e9).toFixed(1)} GFLOP/s)`,
          aim: "≥ 0.8",
        },
        {
          measure: "DCGAN generator step (transposed convs, batch 32, Adam), of the GEMM rate",
          value: `${dcgan.fraction.toFixed(2)} (${dcgan.ms.toFixed(0)} ms, ${dcgan.gflops.toFixed(1)} of ${(gemm / 1e9).toFixed(1)} GFLOP/s)`,
          aim: "≥ 0.8",
        },
      ],
    }),
  );
} else {
  console.log(
    `backend: ${tf.getBackend()}; 1024² matmul: ${(gemm / 1e9).toFixed(1)} GFLOP/s (best of 8)`,
  );
  console.log(
    `${"model".padEnd(34)} ${"best ms".padStart(8)} ${"median".padStart(8)} ${"GFLOP".padStart(6)} ${"GFLOP/s".padStart(8)} ${"of GEMM".padStart(8)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(34)} ${r.ms.toFixed(1).padStart(8)} ${r.medianMs.toFixed(1).padStart(8)} ${((r.gflops * r.ms) / 1000).toFixed(2).padStart(6)} ${r.gflops.toFixed(1).padStart(8)} ${r.fraction.toFixed(2).padStart(8)}`,
    );
  }
}
for (const [name, times] of profiles) {
  const total = [...times.values()].reduce((s, e) => s + e.ms, 0);
  const step = profiledStep.get(name) ?? 0;
  console.log(
    `\n${name}, per op type (ms per step over 10 steps; step ${step.toFixed(1)}, kernels ${(total / 10).toFixed(1)}):`,
  );
  console.log(
    `  ${"(outside plan steps: executor)".padEnd(44)} ${(step - total / 10).toFixed(2).padStart(8)} ms`,
  );
  for (const [type, e] of [...times]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, BY_NAME ? 40 : 14)) {
    console.log(
      `  ${type.padEnd(BY_NAME ? 60 : 34)} ${(e.ms / 10).toFixed(2).padStart(8)} ms  ${String(e.calls / 10).padStart(4)} calls  ${((100 * e.ms) / total).toFixed(1).padStart(5)}%`,
    );
  }
}
