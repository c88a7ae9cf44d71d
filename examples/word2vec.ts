/**
 * Skip-gram word2vec with the NCE loss, as TensorFlow 1.x's `word2vec_basic.py` builds it:
 * an embedding table looked up with `tf.nn.embedding_lookup`, `tf.nn.nce_loss` drawing its
 * negative classes with the log-uniform (Zipfian) candidate sampler, and plain gradient
 * descent — whose update of the embedding table is sparse: the gradient of the lookup is an
 * `IndexedSlices`, applied with a `ScatterSub` to the rows looked up.
 *
 * Python (the model):
 *   embeddings = tf.Variable(tf.random_uniform([vocabulary_size, embedding_size], -1.0, 1.0))
 *   embed = tf.nn.embedding_lookup(embeddings, train_inputs)
 *   nce_weights = tf.Variable(tf.truncated_normal([vocabulary_size, embedding_size],
 *                                                 stddev=1.0 / math.sqrt(embedding_size)))
 *   nce_biases = tf.Variable(tf.zeros([vocabulary_size]))
 *   loss = tf.reduce_mean(tf.nn.nce_loss(weights=nce_weights, biases=nce_biases,
 *                                        labels=train_labels, inputs=embed,
 *                                        num_sampled=num_sampled, num_classes=vocabulary_size))
 *   optimizer = tf.train.GradientDescentOptimizer(1.0).minimize(loss)
 *
 * The corpus is made up: two families of words ("cat", "dog", … and "one", "two", …) that only
 * ever appear next to words of their own family, so that after training each word's nearest
 * neighbours (by cosine similarity) are words of its family. `tf.setRandomSeed` makes every
 * run print the same numbers.
 *
 * Run: npx tsx examples/word2vec.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

const ANIMALS = ["cat", "dog", "cow", "pig", "hen", "fox"];
const NUMBERS = ["one", "two", "six", "ten", "nine", "four"];
const VOCAB = [...ANIMALS, ...NUMBERS];
const EMBEDDING_SIZE = 8;
const NUM_SAMPLED = 4;
const BATCH_SIZE = 32;
const STEPS = 300;

tf.setRandomSeed(7);

// A deterministic corpus: sentences of six words of one family, in a shuffled order.
let state = 12345;
const random = (): number => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
};
const corpus: number[] = [];
for (let s = 0; s < 200; s++) {
  const family = s % 2 === 0 ? 0 : ANIMALS.length;
  for (let w = 0; w < 6; w++) corpus.push(family + Math.floor(random() * 6));
}

/** Skip-gram pairs (center word, a word within one position of it, in the same sentence). */
function batch(): [number[], number[][]] {
  const inputs: number[] = [];
  const labels: number[][] = [];
  while (inputs.length < BATCH_SIZE) {
    const i = Math.floor(random() * corpus.length);
    const j = i + (random() < 0.5 ? -1 : 1);
    if (j < 0 || j >= corpus.length || Math.floor(i / 6) !== Math.floor(j / 6)) continue;
    inputs.push(corpus[i] as number);
    labels.push([corpus[j] as number]);
  }
  return [inputs, labels];
}

const trainInputs = tf.placeholder(tf.int32, [BATCH_SIZE], { name: "train_inputs" });
const trainLabels = tf.placeholder(tf.int32, [BATCH_SIZE, 1], { name: "train_labels" });
const embeddings = new tf.Variable(tf.randomUniform([VOCAB.length, EMBEDDING_SIZE], -1, 1), {
  name: "embeddings",
});
const embed = tf.nn.embeddingLookup(embeddings, trainInputs);
const nceWeights = new tf.Variable(
  tf.truncatedNormal([VOCAB.length, EMBEDDING_SIZE], { stddev: 1 / Math.sqrt(EMBEDDING_SIZE) }),
  { name: "nce_weights" },
);
const nceBiases = new tf.Variable(tf.zeros([VOCAB.length]), { name: "nce_biases" });
const loss = tf.reduceMean(
  tf.nn.nceLoss({
    weights: nceWeights,
    biases: nceBiases,
    labels: trainLabels,
    inputs: embed,
    numSampled: NUM_SAMPLED,
    numClasses: VOCAB.length,
  }),
);
const optimizer = new tf.train.GradientDescentOptimizer(1.0);
const gradsAndVars = optimizer.computeGradients(loss);
const train = optimizer.applyGradients(gradsAndVars);

for (const [g, v] of gradsAndVars) {
  const kind = g instanceof tf.IndexedSlices ? "IndexedSlices" : "Tensor";
  console.log(`gradient of ${v.name}: ${kind}`);
}
const updates = tf
  .getDefaultGraph()
  .getOperations()
  .filter((op) => op.name.startsWith("GradientDescent/update_"))
  .filter((op) => op.type.startsWith("Scatter") || op.type.startsWith("Apply"))
  .map((op) => `${op.name} (${op.type})`);
console.log(`updates: ${updates.join(", ")}`);
const sampler = tf.getDefaultGraph().getOperationByName("nce_loss/LogUniformCandidateSampler");
console.log(`sampler: ${sampler.type}, num_sampled=${String(sampler.attrs.num_sampled)}`);

// Cosine similarity of every pair of embeddings.
const norm = tf.sqrt(tf.reduceSum(tf.square(embeddings), { axis: 1, keepdims: true }));
const normalized = tf.divide(embeddings, norm);
const similarity = tf.matmul(normalized, normalized, { transposeB: true });

using sess = new tf.Session();
sess.run(tf.globalVariablesInitializer());
let average = 0;
for (let step = 1; step <= STEPS; step++) {
  const [inputs, labels] = batch();
  const feed = new Map<tf.Tensor, unknown>([
    [trainInputs, inputs],
    [trainLabels, labels],
  ]);
  const [, lossValue] = sess.run([train, loss] as const, feed);
  average += lossValue.item() as number;
  if (step % 100 === 0) {
    console.log(`step ${step}: average loss ${(average / 100).toFixed(3)}`);
    average = 0;
  }
}

const sim = sess.run(similarity).toArray() as number[][];
let sameFamily = 0;
for (const [i, word] of VOCAB.entries()) {
  const nearest = (sim[i] as number[])
    .map((s, j) => [s, j] as const)
    .filter(([, j]) => j !== i)
    .sort((a, b) => b[0] - a[0])
    .slice(0, 2)
    .map(([, j]) => j);
  const family = (j: number) => (j < ANIMALS.length ? 0 : 1);
  sameFamily += nearest.filter((j) => family(j) === family(i)).length;
  console.log(`nearest to ${word}: ${nearest.map((j) => VOCAB[j]).join(", ")}`);
}
console.log(`neighbours of the same family: ${sameFamily} of ${2 * VOCAB.length}`);
