/**
 * The demo (`npm start`): a character-level LSTM language model, written the way a
 * TensorFlow 1.x user writes char-rnn, trained on data/shakespeare.txt (the opening of
 * Coriolanus, public domain; see data/README.md).
 *
 * The model lives in one variable scope, `char_lstm`: an embedding, two stacked
 * `BasicLSTMCell(128)`s run over 50 characters, and a softmax projection at every step.
 * The training model (batch 32) creates the variables; the sampling model (batch 1, one
 * character at a time, its state fed back) is built in the same scope with `reuse: true`,
 * so both read the very same weights: the variable table shows each weight used by both.
 *
 *   npm start                          # ~1.5 minutes here; resumes from the last checkpoint
 *   npm start -- --epochs 30           # train 30 epochs (more epochs, better text)
 *   npm start -- --minutes 10          # train for 10 minutes
 *   npm start -- --fresh               # ignore existing checkpoints, start from scratch
 *   npm start -- --steps 5 --out /tmp/x   # a quick run of 5 steps, files under /tmp/x
 *
 * Prints a progress bar (on stderr), the variable table, and a sampled paragraph; writes
 * the loss curve to out/char-lstm-loss.csv, TensorBoard logs to out/logs (`tensorboard --logdir
 * out/logs`: the graph, loss and `lr` every step, weight histograms each epoch) and a
 * checkpoint each epoch (and at the end) to out/char-lstm/model.ckpt-<step>. Run again, it
 * restores the latest checkpoint and goes on.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "../src/index.js";

await tf.ready();

// ---- flags ----------------------------------------------------------------------------
const USAGE = "usage: npm start -- [--epochs N | --minutes M | --steps N] [--fresh] [--out DIR]";
const args = process.argv.slice(2);
const KNOWN = ["--epochs", "--minutes", "--steps", "--out", "--fresh"];
for (const a of args.filter((a) => a.startsWith("--") && !KNOWN.includes(a))) {
  console.error(`unknown flag ${a}\n${USAGE}`);
  process.exit(2);
}
function flag(name: string): number | null {
  const i = args.indexOf(name);
  if (i < 0) return null;
  const value = Number(args[i + 1]);
  if (!(value > 0)) {
    console.error(`${name} needs a positive number\n${USAGE}`);
    process.exit(2);
  }
  return value;
}
const EPOCHS = flag("--epochs");
const STEPS = flag("--steps");
/** The default run trains for 1.5 minutes (under two minutes in all, here). */
const MINUTES = flag("--minutes") ?? (EPOCHS === null && STEPS === null ? 1.5 : null);
const FRESH = args.includes("--fresh");
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const outFlag = args.indexOf("--out") >= 0 ? args[args.indexOf("--out") + 1] : undefined;
const OUT = outFlag ?? join(ROOT, "out");
const CKPT_DIR = join(OUT, "char-lstm");
const CSV = join(OUT, "char-lstm-loss.csv");
const LOGDIR = join(OUT, "logs");

/** A path as printed: relative to the working directory when inside it. */
function display(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel === "" || rel.startsWith("..") ? resolve(path) : rel;
}

// ---- data -----------------------------------------------------------------------------
const BATCH = 32;
const SEQ = 50;
const EMBED = 32;
const UNITS = 128;
/** Adam's learning rate, times DECAY after each epoch (`exponential_decay`, staircase). */
const LEARNING_RATE = 1e-2;
const DECAY = 0.95;
const CLIP_NORM = 5;

const text = readFileSync(join(ROOT, "data/shakespeare.txt"), "utf8");
const chars = [...new Set(text)].sort();
const VOCAB = chars.length;
const idOf = new Map(chars.map((c, i) => [c, i]));
const ids = Int32Array.from(text, (c) => idOf.get(c) as number);

// As char-rnn does: the text is cut into BATCH contiguous streams, and batch k holds the
// k-th window of SEQ characters of each stream, so one epoch is one pass over the text.
const STEPS_PER_EPOCH = Math.floor((ids.length - 1) / (BATCH * SEQ));
const STREAM = STEPS_PER_EPOCH * SEQ;

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

/**
 * Runs `cell` over `inputs` `[batch, time, depth]`: `[outputs [batch, time, units], state]`,
 * in a While loop whose body holds one copy of the cell, its weights shared by every step.
 * (Unrolled instead: `tf.nn.staticRnn(cell, tf.unstack(inputs, { axis: 1 }), …)`.)
 */
function rnn(
  cell: tf.nn.rnnCell.MultiRNNCell<State>,
  inputs: tf.Tensor,
  initialState: State,
): [tf.Tensor, State] {
  return tf.nn.dynamicRnn(cell, inputs, { initialState });
}

interface Model {
  inputs: tf.Tensor;
  initialState: State;
  logits: tf.Tensor;
  finalState: State;
}

/**
 * The char-LSTM over `[batch, steps]` character ids, in the variable scope `char_lstm`:
 * logits `[batch * steps, VOCAB]`. The first call creates the variables; a call with
 * `reuse: true` builds another model on the very same variables.
 */
function charLstm(batch: number, steps: number, reuse: boolean): Model {
  return tf.variableScope("char_lstm", { reuse }, () => {
    const inputs = tf.placeholder(tf.int32, [batch, steps], { name: "inputs" });
    const embedding = tf.getVariable("embedding", [VOCAB, EMBED]);
    const embedded = tf.nn.embeddingLookup(embedding, inputs);
    const cell = new tf.nn.rnnCell.MultiRNNCell<State>([
      new tf.nn.rnnCell.BasicLSTMCell(UNITS),
      new tf.nn.rnnCell.BasicLSTMCell(UNITS),
    ]);
    // Fed with the previous window's final state (any tensor can be fed), else zeros.
    const initialState = cell.zeroState(batch, tf.float32);
    const [outputs, finalState] = rnn(cell, embedded, initialState);
    const logits = tf.layers.dense(tf.reshape(outputs, [-1, UNITS]), VOCAB, { name: "softmax" });
    return { inputs, initialState, logits, finalState };
  });
}

tf.setRandomSeed(1);
// Name scopes group the ops (train/…, sample/…); variable names ignore them.
const train = tf.nameScope("train", () => charLstm(BATCH, SEQ, false));
const targets = tf.placeholder(tf.int32, [BATCH, SEQ], { name: "targets" });
const loss = tf.reduceMean(
  tf.nn.sparseSoftmaxCrossEntropyWithLogits({
    labels: tf.reshape(targets, [-1]),
    logits: train.logits,
  }),
);
const globalStep = tf.train.getOrCreateGlobalStep();
const learningRate = tf.nameScope("learning_rate", () => {
  const epoch = tf.floor(tf.cast(globalStep, tf.float32).div(STEPS_PER_EPOCH));
  return tf.multiply(LEARNING_RATE, tf.pow(DECAY, epoch));
});
const optimizer = new tf.train.AdamOptimizer(learningRate);
const gradsAndVars = optimizer.computeGradients(loss);
const [clipped] = tf.clipByGlobalNorm(
  gradsAndVars.map(([g]) => g),
  CLIP_NORM,
);
const trainOp = optimizer.applyGradients(
  gradsAndVars.map(([, v], i) => [clipped[i] ?? null, v] as tf.train.GradAndVar),
  { globalStep },
);

// The sampler: batch 1, one character per run, built again in `char_lstm` with reuse.
const sampler = tf.nameScope("sample", () => charLstm(1, 1, true));
const temperature = tf.placeholderWithDefault(tf.constant(1.0), [], { name: "temperature" });
const probs = tf.nn.softmax(sampler.logits.div(temperature));

const saver = new tf.train.Saver(undefined, { maxToKeep: 3 });

// TensorBoard: scalars every step, the weights' histograms once an epoch.
const stepSummaries = tf.summary.merge([
  tf.summary.scalar("loss", loss),
  tf.summary.scalar("lr", learningRate),
]);
const epochSummaries = tf.summary.merge(
  tf.trainableVariables().map((v) => tf.summary.histogram(`weights/${v.op.name}`, v)),
);

// ---- the variable table: who uses each variable -----------------------------------------
/** The top-level name scopes of the ops that read `v` (gradients, saver, summaries left out). */
function usedBy(v: tf.Variable): string {
  const scopes = new Set<string>();
  for (const consumer of v.snapshot.consumers) {
    const top = consumer.name.split("/")[0] as string;
    if (!["gradients", "save", "weights"].includes(top)) scopes.add(top);
  }
  return [...scopes].join(", ");
}
const count = (vs: tf.Variable[]) => vs.reduce((n, v) => n + (v.shape.numElements() ?? 0), 0);
const modelVars = [...tf.trainableVariables(), globalStep];
const width = Math.max(...modelVars.map((v) => v.name.length)) + 2;
console.log(
  `${"variable".padEnd(width)}${"shape".padEnd(12)}${"params".padStart(7)}  trainable  used by`,
);
for (const v of modelVars) {
  const params = String(v.shape.numElements() ?? 0).padStart(7);
  console.log(
    `${v.name.padEnd(width)}${v.shape.toString().padEnd(12)}${params}  ${String(v.trainable).padEnd(9)}  ${usedBy(v)}`,
  );
}
const slots = tf.globalVariables().filter((v) => !modelVars.includes(v));
console.log(
  `trainable parameters: ${count(tf.trainableVariables())}, one set for the training model ` +
    `(train/, batch ${BATCH} x ${SEQ}) and the sampler (sample/, batch 1 x 1)`,
);
console.log(
  `Adam's state: ${slots.length} more variables (${slots[0]?.name}, ${slots[2]?.name}, ...), ` +
    `${count(slots)} values\n`,
);

// ---- restore the latest checkpoint, or initialize -----------------------------------------
using sess = new tf.Session();
const latest = FRESH ? null : tf.train.latestCheckpoint(CKPT_DIR);
if (latest !== null) {
  try {
    saver.restore(sess, latest);
  } catch (e) {
    console.error(`Cannot restore ${display(latest)}: ${(e as Error).message.split("\n")[0]}`);
    console.error("(a checkpoint of another model or text?) Run with --fresh to start over.");
    process.exit(1);
  }
  // The new saver takes over the older checkpoints, to keep only the last 3 of all runs.
  saver.recoverLastCheckpoints(
    tf.train.getCheckpointState(CKPT_DIR)?.allModelCheckpointPaths ?? [],
  );
  console.log(`Resumed from ${display(latest)}`);
} else {
  sess.run(tf.globalVariablesInitializer());
}
mkdirSync(CKPT_DIR, { recursive: true });
if (latest === null || !existsSync(CSV)) writeFileSync(CSV, "step,epoch,loss,seconds\n");

// ---- training ---------------------------------------------------------------------------
const startStep = Number(sess.run(globalStep).item());
const steps = STEPS ?? (EPOCHS !== null ? EPOCHS * STEPS_PER_EPOCH : Infinity);
const budget = MINUTES !== null && STEPS === null && EPOCHS === null ? MINUTES * 60 : Infinity;
const epochOf = (step: number) => (step / STEPS_PER_EPOCH).toFixed(1);
console.log(
  `training on ${ids.length} characters (${VOCAB} different), batch ${BATCH} x ${SEQ}, ` +
    `${STEPS_PER_EPOCH} steps per epoch, from step ${startStep} (epoch ${epochOf(startStep)}), ` +
    (Number.isFinite(steps) ? `for ${steps} steps` : `for ${MINUTES} minutes`),
);

const stateTensors = (s: State): tf.Tensor[] => s.flatMap(({ c, h }) => [c, h]);
const fetches = { loss, trainOp, summary: stepSummaries, state: stateTensors(train.finalState) };
const writer = new tf.summary.FileWriter(LOGDIR, { graph: tf.getDefaultGraph() });
const tty = process.stderr.isTTY === true;
const started = performance.now();
const elapsed = () => (performance.now() - started) / 1000;
let state: tf.NDArray[] | null = null;
let lastLoss = NaN;
let lastSaved = startStep;
let done = 0;

/** The progress bar: `[#####.....] step 98  epoch 2.0  loss 2.153  2.1 steps/s  40 s left`. */
function progress(step: number): string {
  const rate = done / elapsed();
  const fraction = Number.isFinite(steps) ? done / steps : elapsed() / budget;
  const left = Number.isFinite(steps) ? (steps - done) / rate : budget - elapsed();
  const filled = Math.min(24, Math.round(24 * fraction));
  return (
    `[${"#".repeat(filled)}${".".repeat(24 - filled)}] step ${step}  epoch ${epochOf(step)}  ` +
    `loss ${lastLoss.toFixed(3)}  ${rate.toFixed(2)} steps/s  ${Math.max(0, Math.ceil(left))} s left`
  );
}

function save(step: number): void {
  saver.save(sess, join(CKPT_DIR, "model.ckpt"), { globalStep: step });
  writer.addSummary(sess.run(epochSummaries), step);
  lastSaved = step;
}

while (done < steps && elapsed() < budget) {
  const step = startStep + done; // the global step about to run: it picks the batch
  const k = step % STEPS_PER_EPOCH;
  if (k === 0) state = null; // each epoch starts from the zero state
  const { x, y } = batchAt(k);
  const feeds = new Map<tf.Tensor, tf.NDArray>([
    [train.inputs, x],
    [targets, y],
  ]);
  // Truncated backpropagation through time: the state flows on from the previous window.
  const previous = state;
  if (previous !== null) {
    stateTensors(train.initialState).forEach((t, i) => feeds.set(t, previous[i] as tf.NDArray));
  }
  const out = sess.run(fetches, feeds);
  state = out.state;
  lastLoss = Number(out.loss.item());
  done++;
  writer.addSummary(out.summary, step + 1);
  appendFileSync(
    CSV,
    `${step + 1},${((step + 1) / STEPS_PER_EPOCH).toFixed(3)},${lastLoss},${elapsed().toFixed(2)}\n`,
  );
  const endOfEpoch = (step + 1) % STEPS_PER_EPOCH === 0;
  if (endOfEpoch) save(step + 1);
  if (tty) process.stderr.write(`\r${progress(step + 1)}\x1b[K${endOfEpoch ? "\n" : ""}`);
  else if (endOfEpoch) process.stderr.write(`${progress(step + 1)}\n`);
}
const finalStep = startStep + done;
if (finalStep % STEPS_PER_EPOCH !== 0 && done > 0) {
  process.stderr.write(tty ? "\n" : `${progress(finalStep)}\n`);
}
if (finalStep !== lastSaved) save(finalStep);
console.log(
  `trained ${done} steps in ${elapsed().toFixed(1)} s (${(done / elapsed()).toFixed(2)} steps/s): ` +
    `step ${finalStep}, epoch ${epochOf(finalStep)}, loss ${lastLoss.toFixed(3)}`,
);
writer.close();
console.log(`loss curve: ${display(CSV)}`);
console.log(`TensorBoard: tensorboard --logdir ${display(LOGDIR)}`);
console.log(`checkpoint: ${display(join(CKPT_DIR, `model.ckpt-${finalStep}`))}`);

// ---- sampling ---------------------------------------------------------------------------
/** A small seeded generator (mulberry32): a checkpoint always samples the same text. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `prime`, then `length` characters drawn one at a time, the LSTM state fed back. */
function sample(prime: string, length: number, temp: number, seed: number): string {
  const random = mulberry32(seed);
  let sampleState: tf.NDArray[] | null = null;
  let p: Float32Array = new Float32Array(VOCAB);
  const feed = (id: number) => {
    const feeds = new Map<tf.Tensor, tf.NDArray | number>([
      [sampler.inputs, tf.NDArray.fromTypedArray(Int32Array.of(id), [1, 1], "int32")],
      [temperature, temp],
    ]);
    const previous = sampleState;
    if (previous !== null) {
      stateTensors(sampler.initialState).forEach((t, i) => feeds.set(t, previous[i] as tf.NDArray));
    }
    const out = sess.run({ probs, state: stateTensors(sampler.finalState) }, feeds);
    sampleState = out.state;
    p = out.probs.data as Float32Array;
  };
  for (const c of prime) feed(idOf.get(c) ?? 0);
  let result = prime;
  for (let i = 0; i < length; i++) {
    let r = random();
    let next = 0;
    while (next < VOCAB - 1 && (r -= p[next] as number) > 0) next++;
    result += chars[next];
    feed(next);
  }
  return result;
}

console.log(`\n---- sampled text (temperature 0.7) ----`);
console.log(sample("MENENIUS:\n", 600, 0.7, finalStep));
