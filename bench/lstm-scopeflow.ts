/**
 * The LSTM models as scopeflow graphs: `BasicLSTMCell`s in a `MultiRNNCell`, run by
 * `tf.nn.dynamicRnn` (for the `scopeflow-static` worker: unrolled by `tf.nn.staticRnn` over
 * `tf.unstack(x, { axis: 1 })`; the result's `rnn` field says which).
 * The cells create their variables (`rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel`, …)
 * with TF's default initializers; the shared initial weights are then written into them with
 * `Variable.load` (a feed of each variable's `Assign` initializer), after
 * `globalVariablesInitializer`.
 */
import * as tf from "../src/index.js";
import type { LstmData, LstmSpec, StepFn } from "./lstm-worker.js";

type MultiCell = tf.nn.rnnCell.MultiRNNCell;

/**
 * `[batch, time, units]` outputs of the top layer, and which unrolling built them:
 * `tf.nn.dynamicRnn` (a `tf.whileLoop`) unless `staticOnly`, else `tf.nn.staticRnn` (one cell
 * call per step in the graph).
 */
function unroll(cell: MultiCell, inputs: tf.Tensor, staticOnly: boolean): [tf.Tensor, string] {
  if (!staticOnly) {
    const [outputs] = tf.nn.dynamicRnn(cell, inputs, { dtype: tf.float32 });
    return [outputs, "dynamicRnn"];
  }
  const [outputs] = tf.nn.staticRnn(cell, tf.unstack(inputs, { axis: 1 }), {
    dtype: tf.float32,
  });
  return [tf.stack(outputs, { axis: 1 }), "staticRnn"];
}

export async function scopeflowStep(
  spec: LstmSpec,
  weights: Float32Array[],
  shapes: number[][],
  d: LstmData,
  staticOnly = false,
): Promise<StepFn> {
  await tf.ready();
  const { batch, time } = spec;
  const cell = new tf.nn.rnnCell.MultiRNNCell(
    Array.from({ length: spec.layers }, () => new tf.nn.rnnCell.BasicLSTMCell(spec.units)),
  );
  // Variable name (without `:0`) → index into `weights`.
  const order = new Map<string, number>();
  let next = 0;
  const feeds = new Map<tf.Tensor, tf.NDArray>();
  let loss: tf.Tensor;
  let rnn: string;
  if (spec.kind === "regression") {
    const x = tf.placeholder(tf.float32, [batch, time, spec.depth], { name: "x" });
    const y = tf.placeholder(tf.float32, [batch, time, spec.units], { name: "y" });
    let outputs: tf.Tensor;
    [outputs, rnn] = unroll(cell, x, staticOnly);
    loss = tf.losses.meanSquaredError(y, outputs);
    feeds.set(x, tf.NDArray.fromTypedArray(d.x, [batch, time, spec.depth], "float32"));
    feeds.set(y, tf.NDArray.fromTypedArray(d.y, [batch, time, spec.units], "float32"));
  } else {
    const ids = tf.placeholder(tf.int32, [batch, time], { name: "ids" });
    const targets = tf.placeholder(tf.int32, [batch, time], { name: "targets" });
    const embedding = tf.getVariable("embedding", [spec.vocab, spec.depth]);
    order.set("embedding", next++);
    let outputs: tf.Tensor;
    [outputs, rnn] = unroll(cell, tf.nn.embeddingLookup(embedding, ids), staticOnly);
    const w = tf.getVariable("softmax/w", [spec.units, spec.vocab]);
    const b = tf.getVariable("softmax/b", [spec.vocab]);
    const logits = tf.nn.biasAdd(tf.matmul(tf.reshape(outputs, [-1, spec.units]), w), b);
    const xent = tf.nn.sparseSoftmaxCrossEntropyWithLogits({
      labels: tf.reshape(targets, [-1]),
      logits,
    });
    loss = tf.reduceMean(xent);
    feeds.set(ids, tf.NDArray.fromTypedArray(d.ids, [batch, time], "int32"));
    feeds.set(targets, tf.NDArray.fromTypedArray(d.targets, [batch, time], "int32"));
  }
  for (let l = 0; l < spec.layers; l++) {
    order.set(`rnn/multi_rnn_cell/cell_${l}/basic_lstm_cell/kernel`, next++);
    order.set(`rnn/multi_rnn_cell/cell_${l}/basic_lstm_cell/bias`, next++);
  }
  if (spec.kind === "char") {
    order.set("softmax/w", next++);
    order.set("softmax/b", next++);
  }
  const train = new tf.train.AdamOptimizer(spec.lr).minimize(loss);
  const sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  const trainable = tf.trainableVariables();
  if (trainable.length !== order.size) {
    throw new Error(`expected ${order.size} variables, got ${trainable.map((v) => v.name)}`);
  }
  for (const v of trainable) {
    const i = order.get(v.name.replace(/:0$/, ""));
    if (i === undefined) throw new Error(`unexpected variable ${v.name}`);
    const shape = shapes[i] as number[];
    if (String(v.shape.asList()) !== String(shape)) {
      throw new Error(`${v.name}: shape ${v.shape.toString()}, weights [${shape}]`);
    }
    v.load(tf.NDArray.fromTypedArray(weights[i] as Float32Array, shape, "float32"), sess);
  }
  const fetches = [loss, train] as const;
  return {
    step: () => Number(sess.run(fetches, feeds)[0].item()),
    info: { rnn },
  };
}
