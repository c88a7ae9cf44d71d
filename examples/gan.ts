/**
 * A small generative adversarial network, written as TensorFlow 1.x GANs share their
 * discriminator: `tf.make_template("discriminator", fn)` makes one set of discriminator weights
 * on its first call (on the real samples) and reuses it on the second (on the generator's
 * samples); the generator lives in its own `variable_scope("generator")`; and each player has
 * its own optimizer, restricted to its own weights with `var_list=tf.trainable_variables(...)`.
 *
 * Python (the model):
 *   discriminator = tf.make_template("discriminator", discriminator_fn)
 *   with tf.variable_scope("generator"):
 *       fake = generator_fn(z)
 *   d_real, d_fake = discriminator(real), discriminator(fake)
 *   d_train = tf.train.AdamOptimizer(1e-3, beta1=0.5).minimize(
 *       d_loss, var_list=tf.trainable_variables("discriminator"))
 *   g_train = tf.train.AdamOptimizer(1e-3, beta1=0.5).minimize(
 *       g_loss, var_list=tf.trainable_variables("generator"))
 *
 * The data is one-dimensional: samples of a Gaussian with mean 4 and standard deviation 0.5,
 * which the generator learns to imitate from uniform noise. The samples and the noise are drawn
 * in the graph on every run; `tf.setRandomSeed` makes every run print the same numbers.
 *
 * Run: npx tsx examples/gan.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

const BATCH_SIZE = 64;
const HIDDEN = 16;
const STEPS = 600;
const DATA_MEAN = 4;
const DATA_STDDEV = 0.5;

tf.setRandomSeed(11);

function linear(x: tf.Tensor, units: number, name: string): tf.Tensor {
  return tf.variableScope(name, () => {
    const inputs = x.shape.asList()[1] as number;
    const w = tf.getVariable("w", [inputs, units], {
      initializer: tf.randomNormalInitializer({ stddev: 1 / Math.sqrt(inputs) }),
    });
    const b = tf.getVariable("b", [units], { initializer: tf.zerosInitializer() });
    return tf.matmul(x, w).add(b);
  });
}

function generatorFn(z: tf.Tensor): tf.Tensor {
  const h0 = tf.nn.softplus(linear(z, HIDDEN, "g0"));
  return linear(h0, 1, "g1");
}

/** The discriminator's logit that `x` is a real sample. */
function discriminatorFn(x: tf.Tensor): tf.Tensor {
  const h0 = tf.tanh(linear(x, HIDDEN, "d0"));
  const h1 = tf.tanh(linear(h0, HIDDEN, "d1"));
  return linear(h1, 1, "d2");
}

const discriminator = tf.makeTemplate("discriminator", discriminatorFn);

const real = tf.randomNormal([BATCH_SIZE, 1], {
  mean: DATA_MEAN,
  stddev: DATA_STDDEV,
  name: "real",
});
const z = tf.randomUniform([BATCH_SIZE, 1], { minval: -1, maxval: 1, name: "z" });
const fake = tf.variableScope("generator", () => generatorFn(z));
const dReal = discriminator(real);
const dFake = discriminator(fake);

// The non-saturating losses: D tells real from fake; G wants D to call its samples real.
const xent = (logits: tf.Tensor, label: number): tf.Tensor =>
  tf.reduceMean(
    tf.nn.sigmoidCrossEntropyWithLogits({ labels: tf.fill([BATCH_SIZE, 1], label), logits }),
  );
const dLoss = tf.add(xent(dReal, 1), xent(dFake, 0), { name: "d_loss" });
const gLoss = tf.identity(xent(dFake, 1), { name: "g_loss" });

const dVars = tf.trainableVariables("discriminator");
const gVars = tf.trainableVariables("generator");
const dTrain = new tf.train.AdamOptimizer(1e-3, { beta1: 0.5 }).minimize(dLoss, {
  varList: dVars,
});
const gTrain = new tf.train.AdamOptimizer(1e-3, { beta1: 0.5 }).minimize(gLoss, {
  varList: gVars,
});
const [fakeMean, fakeVariance] = tf.nn.moments(fake, [0, 1]);

// ---- one set of discriminator weights --------------------------------------------------------
console.log(`discriminator template scope: ${discriminator.variableScopeName}`);
console.log(`real logits: ${dReal.name}, fake logits: ${dFake.name}`);
for (const [player, vars] of [
  ["discriminator", dVars],
  ["generator", gVars],
] as const) {
  console.log(`${player} variables:`);
  for (const v of vars) console.log(`  ${v.name.padEnd(22)} ${v.shape.toString()}`);
}
console.log(`trainable variables in all: ${tf.trainableVariables().length}`);

// ---- training: one discriminator step, then one generator step --------------------------------
using sess = new tf.Session();
sess.run(tf.globalVariablesInitializer());
const fixed = (x: tf.NDArray): string => Number(x.item()).toFixed(4);
for (let step = 1; step <= STEPS; step++) {
  const [dLossValue] = sess.run([dLoss, dTrain] as const);
  const [gLossValue] = sess.run([gLoss, gTrain] as const);
  if (step === 1 || step % 100 === 0) {
    const [mean, variance] = sess.run([fakeMean, fakeVariance] as const);
    const stddev = Math.sqrt(Number(variance.item())).toFixed(4);
    console.log(
      `step ${step}: d_loss ${fixed(dLossValue)}, g_loss ${fixed(gLossValue)}, fake mean ${fixed(mean)}, stddev ${stddev}`,
    );
  }
}
console.log(`data: mean ${DATA_MEAN.toFixed(4)}, stddev ${DATA_STDDEV.toFixed(4)}`);
