/**
 * A character-level LSTM language model, small and deterministic: the demo's model (see
 * examples/demo.ts, `npm start`) at a smaller size, trained for 50 steps on
 * data/shakespeare.txt with a fixed random seed, then sampled with a seeded generator.
 * Fifty steps teach it little more than letters, spaces and line breaks; `npm start`
 * trains the full-size model long enough for words.
 *
 *   npx tsx examples/char-lstm.ts
 *
 * Shows TF 1.x weight sharing between two models in one graph: the training model (batch
 * 32, 20 steps unrolled) creates the variables in the variable scope `char_lstm`; the
 * sampling model (batch 1, one character at a time, its LSTM state fed back) is built in
 * the same scope with `reuse: true` and adds no variable.
 */
import { readFileSync } from "node:fs";
import * as tf from "../src/index.js";

await tf.ready();

const BATCH = 32;
const SEQ = 20;
const EMBED = 16;
const UNITS = 64;
const STEPS = 50;
/** Sampling sharpens the model's distribution: softmax(logits / TEMPERATURE). */
const TEMPERATURE = 0.6;

// ---- data: character ids, cut into BATCH contiguous streams -------------------------------
const text = readFileSync(new URL("../data/shakespeare.txt", import.meta.url), "utf8");
const chars = [...new Set(text)].sort();
const VOCAB = chars.length;
const idOf = new Map(chars.map((c, i) => [c, i]));
const ids = Int32Array.from(text, (c) => idOf.get(c) as number);
const STREAM = Math.floor((ids.length - 1) / BATCH);

function batchAt(k: number): { x: tf.NDArray; y: tf.NDArray } {
  const x = new Int32Array(BATCH * SEQ);
  const y = new Int32Array(BATCH * SEQ);
  for (let b = 0; b < BATCH; b++) {
    const start = b * STREAM + k * SEQ;
    x.set(ids.subarray(start, start + SEQ), b * SEQ);
    y.set(ids.subarray(start + 1, start + SEQ + 1), b * SEQ);
  }
  return {
    x: tf.NDArray.fromTypedArray(x, [BATCH, SEQ], "int32"),
    y: tf.NDArray.fromTypedArray(y, [BATCH, SEQ], "int32"),
  };
}

// ---- model ----------------------------------------------------------------------------
type State = tf.nn.rnnCell.LSTMStateTuple[];

/** `[outputs [batch, time, units], finalState]` of `cell` over `inputs` `[batch, time, depth]`. */
function rnn(
  cell: tf.nn.rnnCell.MultiRNNCell<State>,
  inputs: tf.Tensor,
  initialState: State,
): [tf.Tensor, State] {
  return tf.nn.dynamicRnn(cell, inputs, { initialState });
}

function charLstm(batch: number, steps: number, reuse: boolean) {
  return tf.variableScope("char_lstm", { reuse }, () => {
    const inputs = tf.placeholder(tf.int32, [batch, steps], { name: "inputs" });
    const embedding = tf.getVariable("embedding", [VOCAB, EMBED]);
    const cell = new tf.nn.rnnCell.MultiRNNCell<State>([
      new tf.nn.rnnCell.BasicLSTMCell(UNITS),
      new tf.nn.rnnCell.BasicLSTMCell(UNITS),
    ]);
    const initialState = cell.zeroState(batch, tf.float32);
    const [outputs, finalState] = rnn(cell, tf.nn.embeddingLookup(embedding, inputs), initialState);
    const logits = tf.layers.dense(tf.reshape(outputs, [-1, UNITS]), VOCAB, { name: "softmax" });
    return { inputs, initialState, logits, finalState };
  });
}

tf.setRandomSeed(42);
const train = tf.nameScope("train", () => charLstm(BATCH, SEQ, false));
const targets = tf.placeholder(tf.int32, [BATCH, SEQ], { name: "targets" });
const loss = tf.reduceMean(
  tf.nn.sparseSoftmaxCrossEntropyWithLogits({
    labels: tf.reshape(targets, [-1]),
    logits: train.logits,
  }),
);
const optimizer = new tf.train.AdamOptimizer(2e-2);
const gradsAndVars = optimizer.computeGradients(loss);
const [clipped] = tf.clipByGlobalNorm(
  gradsAndVars.map(([g]) => g),
  5,
);
const trainOp = optimizer.applyGradients(
  gradsAndVars.map(([, v], i) => [clipped[i] ?? null, v] as tf.train.GradAndVar),
);

const before = tf.trainableVariables().length;
const sampler = tf.nameScope("sample", () => charLstm(1, 1, true));
const probs = tf.nn.softmax(sampler.logits.div(TEMPERATURE));

console.log(`vocabulary: ${VOCAB} characters`);
for (const v of tf.trainableVariables()) {
  console.log(`${v.name.padEnd(58)} ${v.shape.toString()}`);
}
console.log(`the sampler added ${tf.trainableVariables().length - before} variables`);

// ---- training ---------------------------------------------------------------------------
using sess = new tf.Session();
sess.run(tf.globalVariablesInitializer());
const stateOf = (s: State): tf.Tensor[] => s.flatMap(({ c, h }) => [c, h]);
let state: tf.NDArray[] | null = null;
for (let step = 1; step <= STEPS; step++) {
  const { x, y } = batchAt(step - 1);
  const feeds = new Map<tf.Tensor, tf.NDArray>([
    [train.inputs, x],
    [targets, y],
  ]);
  const previous = state;
  if (previous !== null) {
    stateOf(train.initialState).forEach((t, i) => feeds.set(t, previous[i] as tf.NDArray));
  }
  const out = sess.run({ loss, trainOp, state: stateOf(train.finalState) }, feeds);
  state = out.state;
  if (step === 1 || step % 10 === 0) {
    console.log(`step ${String(step).padStart(2)}  loss ${Number(out.loss.item()).toFixed(4)}`);
  }
}

// ---- sampling: draw each character with a seeded generator, feed it and the state back --
/** mulberry32: a small seeded generator, so that the sample is the same on every run. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(7);
let sampleState: tf.NDArray[] | null = null;
let p: Float32Array = new Float32Array(VOCAB);
function feed(id: number): void {
  const feeds = new Map<tf.Tensor, tf.NDArray>([
    [sampler.inputs, tf.NDArray.fromTypedArray(Int32Array.of(id), [1, 1], "int32")],
  ]);
  const previous = sampleState;
  if (previous !== null) {
    stateOf(sampler.initialState).forEach((t, i) => feeds.set(t, previous[i] as tf.NDArray));
  }
  const out = sess.run({ probs, state: stateOf(sampler.finalState) }, feeds);
  sampleState = out.state;
  p = out.probs.data as Float32Array;
}
const prime = "First Citizen:\n";
for (const c of prime) feed(idOf.get(c) as number);
let sample = prime;
for (let i = 0; i < 160; i++) {
  let r = random();
  let next = 0;
  while (next < VOCAB - 1 && (r -= p[next] as number) > 0) next++;
  sample += chars[next];
  feed(next);
}
console.log(`\nsample (temperature ${TEMPERATURE}, seeded):`);
console.log(sample);
