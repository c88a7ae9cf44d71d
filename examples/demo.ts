/**
 * The demo (`npm start`): a siamese network. One tower, built by `tf.makeTemplate`, embeds
 * both points of a pair with the same weights; the head learns whether the two points come
 * from the same cluster. Data: data/pairs.csv (shipped in the repo).
 *
 *   npm start                      # 4 epochs, well under a minute
 *   npm start -- --epochs 20       # longer
 *
 * Prints a progress bar, the variable table (who shares what), the held-out accuracy, and
 * writes the loss curve to out/demo-loss.csv.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as tf from "../src/index.js";

await tf.ready();

const args = process.argv.slice(2);
const epochs = Number(args[args.indexOf("--epochs") + 1] ?? 4) || 4;
const BATCH = 64;

// ---- data -----------------------------------------------------------------------------
const rows = readFileSync(new URL("../data/pairs.csv", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((line) => line.split(",").map(Number));
const split = Math.floor(rows.length * 0.8);
const train = rows.slice(0, split);
const test = rows.slice(split);

function batchOf(part: number[][]): { a: tf.NDArray; b: tf.NDArray; same: tf.NDArray } {
  const n = part.length;
  const a = new Float32Array(n * 2);
  const b = new Float32Array(n * 2);
  const same = new Float32Array(n);
  part.forEach((r, i) => {
    a.set([r[0] as number, r[1] as number], i * 2);
    b.set([r[2] as number, r[3] as number], i * 2);
    same[i] = r[4] as number;
  });
  return {
    a: tf.NDArray.fromTypedArray(a, [n, 2], "float32"),
    b: tf.NDArray.fromTypedArray(b, [n, 2], "float32"),
    same: tf.NDArray.fromTypedArray(same, [n], "float32"),
  };
}

// ---- model ----------------------------------------------------------------------------
tf.setRandomSeed(7);

function dense(
  x: tf.Tensor,
  units: number,
  name: string,
  activation?: (t: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  return tf.variableScope(name, () => {
    const inputs = x.shape.asList()[1] as number;
    const w = tf.getVariable("w", [inputs, units]);
    const b = tf.getVariable("b", [units], { initializer: tf.zerosInitializer() });
    const z = tf.matmul(x, w).add(b);
    return activation ? activation(z) : z;
  });
}

// Variables are created on the first call and reused on the second: one set of weights.
const tower = tf.makeTemplate("tower", (x: tf.Tensor) =>
  dense(dense(x, 32, "hidden", tf.nn.relu), 8, "embedding"),
);

const a = tf.placeholder(tf.float32, [null, 2], { name: "a" });
const b = tf.placeholder(tf.float32, [null, 2], { name: "b" });
const same = tf.placeholder(tf.float32, [null], { name: "same" });
const distance = tf.reduceSum(tf.square(tower(a).sub(tower(b))), { axis: 1 });
const logits = tf.variableScope("head", () => {
  const scale = tf.getVariable("scale", [], { initializer: tf.constantInitializer(1) });
  const bias = tf.getVariable("bias", [], { initializer: tf.constantInitializer(1) });
  return bias.sub(scale.mul(distance));
});
const loss = tf.reduceMean(tf.nn.sigmoidCrossEntropyWithLogits({ labels: same, logits }));
const accuracy = tf.reduceMean(
  tf.cast(tf.equal(tf.greater(logits, 0), tf.greater(same, 0.5)), tf.float32),
);
const globalStep = tf.train.getOrCreateGlobalStep();
const trainOp = new tf.train.AdamOptimizer(0.01).minimize(loss, { globalStep });

// ---- the variable table: who shares each variable --------------------------------------
function sharedBy(v: tf.Variable): string {
  const scopes = new Set<string>();
  for (const consumer of v.snapshot.consumers) {
    const top = consumer.name.split("/")[0] as string;
    if (!consumer.name.startsWith("gradients/")) scopes.add(top);
  }
  return [...scopes].join(", ");
}
console.log("variable                         shape      params  trainable  used by");
for (const v of tf.globalVariables()) {
  const shape = v.shape.toString();
  const params = v.shape.numElements() ?? 0;
  console.log(
    `${v.name.padEnd(32)} ${shape.padEnd(10)} ${String(params).padStart(6)}  ${String(v.trainable).padEnd(9)}  ${sharedBy(v)}`,
  );
}
const trainable = tf.trainableVariables().reduce((n, v) => n + (v.shape.numElements() ?? 0), 0);
console.log(`trainable parameters: ${trainable} (the two towers share one set)\n`);

// ---- training ---------------------------------------------------------------------------
using sess = new tf.Session();
sess.run(tf.globalVariablesInitializer());
const stepsPerEpoch = Math.ceil(train.length / BATCH);
const totalSteps = epochs * stepsPerEpoch;
const curve: string[] = ["step,loss"];
const started = performance.now();
const tty = process.stdout.isTTY === true;
let lastLine = "";
for (let epoch = 0; epoch < epochs; epoch++) {
  for (let s = 0; s < stepsPerEpoch; s++) {
    const batch = batchOf(train.slice(s * BATCH, (s + 1) * BATCH));
    const feeds = new Map([
      [a, batch.a],
      [b, batch.b],
      [same, batch.same],
    ]);
    const [lossValue] = sess.run([loss, trainOp] as const, feeds);
    const step = epoch * stepsPerEpoch + s + 1;
    curve.push(`${step},${Number(lossValue.item())}`);
    const elapsed = (performance.now() - started) / 1000;
    const rate = step / elapsed;
    const filled = Math.round((30 * step) / totalSteps);
    lastLine = `[${"#".repeat(filled)}${".".repeat(30 - filled)}] step ${step}/${totalSteps}  loss ${Number(lossValue.item()).toFixed(4)}  ${rate.toFixed(0)} steps/s  ${((totalSteps - step) / rate).toFixed(1)} s left`;
    if (tty) process.stdout.write(`\r${lastLine}`);
  }
  if (!tty) console.log(`epoch ${epoch + 1}/${epochs}: ${lastLine}`);
}
if (tty) process.stdout.write("\n");

const held = batchOf(test);
const testAccuracy = Number(
  sess
    .run(
      accuracy,
      new Map([
        [a, held.a],
        [b, held.b],
        [same, held.same],
      ]),
    )
    .item(),
);
console.log(`\nheld-out accuracy: ${(testAccuracy * 100).toFixed(1)}% on ${test.length} pairs`);
console.log(`global step: ${sess.run(globalStep).item()}`);
mkdirSync(new URL("../out/", import.meta.url), { recursive: true });
writeFileSync(new URL("../out/demo-loss.csv", import.meta.url), curve.join("\n") + "\n");
console.log("loss curve written to out/demo-loss.csv");
