/**
 * The PTB word-level language model (TensorFlow's `ptb_word_lm.py`), small enough to train in
 * seconds: words of data/shakespeare.txt stand in for the Penn Treebank.
 *
 *   npx tsx examples/ptb-lm.ts
 *
 * Shows the TF 1.x idioms of that program end to end:
 * - one `PTBModel` builder called three times, under `tf.nameScope("Train" | "Valid" | "Test")`
 *   and `tf.variableScope("Model", { reuse, initializer })`: the training model creates the
 *   variables (reuse null), the validation and test models (the test one with batch 1 and one
 *   step) reuse them and add none;
 * - a `MultiRNNCell` of `BasicLSTMCell`s, wrapped in `DropoutWrapper`s when training, run by
 *   `tf.nn.staticRnn` over the unstacked steps; `tf.contrib.seq2seq.sequenceLoss`;
 * - gradients clipped by `tf.clipByGlobalNorm`, plain SGD with a learning rate from
 *   `tf.train.exponentialDecay` on the global step;
 * - an `ExponentialMovingAverage` of the weights, applied after each step; evaluation restores
 *   the averages into the model's variables (`variablesToRestore` + a `Saver`) in a second
 *   session;
 * - input from `tf.data`: `Dataset.fromTensorSlices(windows).batch(batch, true)` with an
 *   initializable iterator, re-initialized each epoch and read until `OutOfRangeError`.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../src/index.js";

await tf.ready();

interface Config {
  batchSize: number;
  numSteps: number;
}
const HIDDEN = 32;
const LAYERS = 2;
const KEEP_PROB = 0.9;
const INIT_SCALE = 0.1;
const MAX_GRAD_NORM = 5;
const EPOCHS = 3;
const TRAIN: Config = { batchSize: 10, numSteps: 8 };
const EVAL: Config = { batchSize: 10, numSteps: 8 };
const TEST: Config = { batchSize: 1, numSteps: 1 };

// ---- data: PTB-style word ids (lower-case words, "<eos>" at each line end, rare words "<unk>")
const text = readFileSync(new URL("../data/shakespeare.txt", import.meta.url), "utf8");
const words = text
  .toLowerCase()
  .split("\n")
  .filter((line) => line.trim() !== "")
  .flatMap((line) => [...(line.match(/[a-z']+/g) ?? []), "<eos>"]);
const counts = new Map<string, number>();
for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
// The 99 most frequent words (ties by spelling) and "<unk>".
const vocab = [...counts.entries()]
  .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  .slice(0, 99)
  .map(([w]) => w)
  .concat("<unk>")
  .sort();
const VOCAB = vocab.length;
const idOf = new Map(vocab.map((w, i) => [w, i]));
const ids = words.map((w) => idOf.get(w) ?? (idOf.get("<unk>") as number));
const trainIds = ids.slice(0, 4000);
const validIds = ids.slice(4000, 4800);
const testIds = ids.slice(4800, 5200);

/**
 * `ptb_producer`'s windows: the ids cut into `batchSize` streams, each read `numSteps` at a
 * time. Window k of stream b is element `k * batchSize + b`, so that batching `batchSize`
 * elements gives window k of every stream, and the LSTM state carries from one to the next.
 */
function windows(data: number[], c: Config): { x: tf.NDArray; y: tf.NDArray; epochSize: number } {
  const batchLen = Math.floor(data.length / c.batchSize);
  const epochSize = Math.floor((batchLen - 1) / c.numSteps);
  const x = new Int32Array(epochSize * c.batchSize * c.numSteps);
  const y = new Int32Array(x.length);
  for (let k = 0; k < epochSize; k++) {
    for (let b = 0; b < c.batchSize; b++) {
      const at = (k * c.batchSize + b) * c.numSteps;
      const start = b * batchLen + k * c.numSteps;
      x.set(data.slice(start, start + c.numSteps), at);
      y.set(data.slice(start + 1, start + 1 + c.numSteps), at);
    }
  }
  const shape = [epochSize * c.batchSize, c.numSteps];
  return {
    x: tf.NDArray.fromTypedArray(x, shape, "int32"),
    y: tf.NDArray.fromTypedArray(y, shape, "int32"),
    epochSize,
  };
}

/** `PTBInput`: an initializable iterator over the windows of `data`. */
class PTBInput {
  readonly inputData: tf.Tensor;
  readonly targets: tf.Tensor;
  readonly initializer: tf.Operation;
  readonly epochSize: number;

  constructor(
    readonly config: Config,
    data: number[],
  ) {
    const { x, y, epochSize } = windows(data, config);
    this.epochSize = epochSize;
    const ds = tf.data.Dataset.fromTensorSlices([tf.constant(x), tf.constant(y)]).batch(
      config.batchSize,
      true,
    );
    const it = ds.makeInitializableIterator();
    this.initializer = it.initializer as tf.Operation;
    [this.inputData, this.targets] = it.getNext() as [tf.Tensor, tf.Tensor];
  }
}

type State = tf.nn.rnnCell.LSTMStateTuple[];

/** `PTBModel`: the graph of one model; variables through `tf.getVariable`, so shareable. */
class PTBModel {
  readonly initialState: State;
  readonly finalState: State;
  readonly cost: tf.Tensor;
  readonly trainOp: tf.Operation | null = null;
  readonly lr: tf.Tensor | null = null;

  constructor(
    isTraining: boolean,
    readonly input: PTBInput,
  ) {
    const { batchSize, numSteps } = input.config;
    const embedding = tf.getVariable("embedding", [VOCAB, HIDDEN]);
    let inputs = tf.nn.embeddingLookup(embedding, input.inputData);
    if (isTraining) inputs = tf.nn.dropout(inputs, KEEP_PROB);

    const makeCell = (): tf.nn.rnnCell.RNNCell<tf.nn.rnnCell.LSTMStateTuple> => {
      const cell = new tf.nn.rnnCell.BasicLSTMCell(HIDDEN, { forgetBias: 0, reuse: !isTraining });
      return isTraining
        ? new tf.nn.rnnCell.DropoutWrapper(cell, { outputKeepProb: KEEP_PROB })
        : cell;
    };
    const cell = new tf.nn.rnnCell.MultiRNNCell<State>(Array.from({ length: LAYERS }, makeCell));
    this.initialState = cell.zeroState(batchSize, tf.float32);
    const steps = tf.unstack(inputs, { num: numSteps, axis: 1 });
    const [outputs, state] = tf.nn.staticRnn(cell, steps, { initialState: this.initialState });
    const output = tf.reshape(tf.concat(outputs, 1), [-1, HIDDEN]);
    const softmaxW = tf.getVariable("softmax_w", [HIDDEN, VOCAB]);
    const softmaxB = tf.getVariable("softmax_b", [VOCAB]);
    const logits = tf.reshape(tf.nn.xwPlusB(output, softmaxW, softmaxB), [
      batchSize,
      numSteps,
      VOCAB,
    ]);
    const loss = tf.contrib.seq2seq.sequenceLoss(
      logits,
      input.targets,
      tf.ones([batchSize, numSteps]),
      { averageAcrossTimesteps: false, averageAcrossBatch: true },
    );
    this.cost = tf.reduceSum(loss);
    this.finalState = state;
    if (!isTraining) return;

    const globalStep = tf.train.getOrCreateGlobalStep();
    this.lr = tf.train.exponentialDecay(1.0, globalStep, input.epochSize, 0.5, true);
    const tvars = tf.trainableVariables();
    const [grads] = tf.clipByGlobalNorm(tf.gradients(this.cost, tvars), MAX_GRAD_NORM);
    const optimizer = new tf.train.GradientDescentOptimizer(this.lr);
    this.trainOp = optimizer.applyGradients(
      tvars.map((v, i) => [grads[i] ?? null, v] as tf.train.GradAndVar),
      { globalStep },
    );
  }
}

// ---- the three models, sharing one set of variables --------------------------------------
tf.setRandomSeed(1234);
const initializer = tf.randomUniformInitializer(-INIT_SCALE, INIT_SCALE);
const m = tf.nameScope("Train", () => {
  const input = new PTBInput(TRAIN, trainIds);
  return tf.variableScope("Model", { reuse: null, initializer }, () => new PTBModel(true, input));
});
// The moving averages of the weights follow each training step: TF's idiom, `ema.apply` under
// the step's control. Shadow variables are `<variable>/ExponentialMovingAverage`.
const ema = new tf.train.ExponentialMovingAverage(0.9, {
  numUpdates: tf.train.getGlobalStep() as tf.Variable,
});
const trainOp = tf.controlDependencies([m.trainOp as tf.Operation], () =>
  ema.apply(tf.trainableVariables()),
);
const modelVariables = tf.globalVariables().length;
const mvalid = tf.nameScope("Valid", () => {
  const input = new PTBInput(EVAL, validIds);
  return tf.variableScope("Model", { reuse: true, initializer }, () => new PTBModel(false, input));
});
const mtest = tf.nameScope("Test", () => {
  const input = new PTBInput(TEST, testIds);
  return tf.variableScope("Model", { reuse: true, initializer }, () => new PTBModel(false, input));
});

console.log(
  `vocabulary: ${VOCAB} words; train ${trainIds.length}, valid ${validIds.length}, test ${testIds.length} words`,
);
console.log("trainable variables (created by the Train model, reused by Valid and Test):");
for (const v of tf.trainableVariables())
  console.log(`  ${v.name.padEnd(58)} ${v.shape.toString()}`);
console.log(`variables added by Valid and Test: ${tf.globalVariables().length - modelVariables}`);
console.log(
  `weights averaged as e.g. ${ema.averageName(tf.trainableVariables()[0] as tf.Variable)}`,
);

// ---- training and evaluation ---------------------------------------------------------------
const stateTensors = (s: State): tf.Tensor[] => s.flatMap(({ c, h }) => [c, h]);

/** `run_epoch`: one pass over the model's data; the perplexity exp(cost / words). */
function runEpoch(sess: tf.Session, model: PTBModel, train: boolean): number {
  sess.run(model.input.initializer);
  let costs = 0;
  let iters = 0;
  let state: tf.NDArray[] | null = null;
  for (;;) {
    const feeds = new Map<tf.Tensor, tf.NDArray>();
    const previous = state;
    if (previous !== null) {
      stateTensors(model.initialState).forEach((t, i) => feeds.set(t, previous[i] as tf.NDArray));
    }
    let out;
    try {
      out = train
        ? sess.run({ cost: model.cost, state: stateTensors(model.finalState), trainOp }, feeds)
        : sess.run({ cost: model.cost, state: stateTensors(model.finalState) }, feeds);
    } catch (e) {
      if (e instanceof tf.errors.OutOfRangeError) break;
      throw e;
    }
    costs += Number(out.cost.item());
    iters += model.input.config.numSteps;
    state = out.state;
  }
  return Math.exp(costs / iters);
}

const dir = mkdtempSync(join(tmpdir(), "ptb-lm-"));
const saver = new tf.train.Saver();
// Restores each model variable from its moving average's checkpoint entry.
const averagesSaver = new tf.train.Saver(ema.variablesToRestore());
using sess = new tf.Session();
using evalSess = new tf.Session();
sess.run(tf.globalVariablesInitializer());
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  const lr = Number(sess.run(m.lr as tf.Tensor).item());
  const trainPpl = runEpoch(sess, m, true);
  const validPpl = runEpoch(sess, mvalid, false);
  const path = saver.save(sess, join(dir, "model.ckpt")) as string;
  averagesSaver.restore(evalSess, path);
  const validEmaPpl = runEpoch(evalSess, mvalid, false);
  console.log(
    `epoch ${epoch}  lr ${lr.toFixed(3)}  train ppl ${trainPpl.toFixed(3)}  valid ppl ${validPpl.toFixed(3)}  valid ppl (averaged weights) ${validEmaPpl.toFixed(3)}`,
  );
}
console.log(
  `test ppl (averaged weights, batch 1, 1 step) ${runEpoch(evalSess, mtest, false).toFixed(3)}`,
);
rmSync(dir, { recursive: true, force: true });
