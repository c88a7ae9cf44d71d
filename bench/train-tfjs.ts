/** Stock hand-written tfjs-core training: `optimizer.minimize` on the gradient tape. */
import * as tfc from "@tensorflow/tfjs-core";
// Stock tfjs registers the kernel gradients in its umbrella package (@tensorflow/tfjs);
// tfjs-layers' Node bundle does the same on import, which is all it is used for here.
import "@tensorflow/tfjs-layers";
import type { Spec } from "./train-worker.js";

export function forward(spec: Spec, w: tfc.Tensor[], x: tfc.Tensor): tfc.Tensor {
  const v = (i: number) => w[i] as tfc.Tensor;
  if (spec.kind === "mlp") {
    const h1 = tfc.relu(tfc.add(tfc.matMul(x, v(0)), v(1)));
    const h2 = tfc.relu(tfc.add(tfc.matMul(h1, v(2)), v(3)));
    return tfc.add(tfc.matMul(h2, v(4)), v(5));
  }
  if (spec.kind === "cnn") {
    const c1 = tfc.maxPool(
      tfc.relu(
        tfc.add(tfc.conv2d(x as tfc.Tensor4D, v(0) as tfc.Tensor4D, 1, "same"), v(1)),
      ) as tfc.Tensor4D,
      2,
      2,
      "same",
    );
    const c2 = tfc.maxPool(
      tfc.relu(tfc.add(tfc.conv2d(c1, v(2) as tfc.Tensor4D, 1, "same"), v(3))) as tfc.Tensor4D,
      2,
      2,
      "same",
    );
    return tfc.add(tfc.matMul(tfc.reshape(c2, [spec.batch, 7 * 7 * 64]), v(4)), v(5));
  }
  const steps = tfc.unstack(x, 1);
  let h: tfc.Tensor = tfc.zeros([spec.batch, 128]);
  for (const xt of steps)
    h = tfc.tanh(tfc.add(tfc.add(tfc.matMul(xt, v(0)), tfc.matMul(h, v(1))), v(2)));
  return tfc.add(tfc.matMul(h, v(3)), v(4));
}

export function tfjsStep(
  spec: Spec,
  weights: Float32Array[],
  shapes: number[][],
  xData: Float32Array,
  xShape: number[],
  yData: Float32Array,
): () => number {
  const w = weights.map((d, i) => tfc.variable(tfc.tensor(d, shapes[i] as number[])));
  const x = tfc.tensor(xData, xShape);
  const y = tfc.tensor2d(yData, [spec.batch, 10]);
  const opt = spec.optimizer === "sgd" ? tfc.train.sgd(0.05) : tfc.train.adam(0.001);
  return () => {
    const loss = opt.minimize(
      () => tfc.losses.softmaxCrossEntropy(y, forward(spec, w, x)) as tfc.Scalar,
      true,
    ) as tfc.Scalar;
    const value = loss.dataSync()[0] as number;
    loss.dispose();
    return value;
  };
}
