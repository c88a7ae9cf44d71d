/** The same models as graphs: `getVariable` with the shared initial values, TF 1.x optimizers. */
import * as tf from "../src/index.js";
import type { Spec } from "./train-worker.js";

function forward(spec: Spec, w: tf.Variable[], x: tf.Tensor): tf.Tensor {
  const v = (i: number) => w[i] as tf.Variable;
  if (spec.kind === "mlp") {
    const h1 = tf.nn.relu(tf.matmul(x, v(0)).add(v(1)));
    const h2 = tf.nn.relu(tf.matmul(h1, v(2)).add(v(3)));
    return tf.matmul(h2, v(4)).add(v(5));
  }
  if (spec.kind === "cnn") {
    const pool = (t: tf.Tensor) =>
      tf.nn.maxPool(t, { ksize: [1, 2, 2, 1], strides: [1, 2, 2, 1], padding: "SAME" });
    const conv = (t: tf.Tensor, f: tf.Variable) =>
      tf.nn.conv2d(t, f, { strides: [1, 1, 1, 1], padding: "SAME" });
    const c1 = pool(tf.nn.relu(conv(x, v(0)).add(v(1))));
    const c2 = pool(tf.nn.relu(conv(c1, v(2)).add(v(3))));
    return tf.matmul(tf.reshape(c2, [spec.batch, 7 * 7 * 64]), v(4)).add(v(5));
  }
  const steps = tf.unstack(x, { axis: 1 });
  let h: tf.Tensor = tf.zeros([spec.batch, 128]);
  for (const xt of steps)
    h = tf.tanh(
      tf
        .matmul(xt, v(0))
        .add(tf.matmul(h, v(1)))
        .add(v(2)),
    );
  return tf.matmul(h, v(3)).add(v(4));
}

export async function scopeflowStep(
  spec: Spec,
  weights: Float32Array[],
  shapes: number[][],
  xData: Float32Array,
  xShape: number[],
  yData: Float32Array,
): Promise<() => number> {
  await tf.ready();
  const w = weights.map((d, i) =>
    tf.getVariable(`w${i}`, shapes[i] as number[], { initializer: tf.constantInitializer(d) }),
  );
  const x = tf.placeholder(tf.float32, xShape, { name: "x" });
  const y = tf.placeholder(tf.float32, [spec.batch, 10], { name: "y" });
  const logits = forward(spec, w, x);
  const loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels: y, logits }));
  const opt =
    spec.optimizer === "sgd"
      ? new tf.train.GradientDescentOptimizer(0.05)
      : new tf.train.AdamOptimizer(0.001);
  const train = opt.minimize(loss);
  const sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  const feeds = new Map([
    [x, tf.NDArray.fromTypedArray(xData, xShape, "float32")],
    [y, tf.NDArray.fromTypedArray(yData, [spec.batch, 10], "float32")],
  ]);
  const fetches = [loss, train] as const;
  return () => Number(sess.run(fetches, feeds)[0].item());
}
