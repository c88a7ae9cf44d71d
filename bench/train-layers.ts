/** tfjs-layers training: a Sequential model and `trainOnBatch`. */
import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
// What tfjs-layers users import: the umbrella package also registers tensor method
// chaining (x.flatten()), which tfjs-layers relies on for its orthogonal initializer.
import "@tensorflow/tfjs";
import type { Spec } from "./train-worker.js";

export function layersStep(
  spec: Spec,
  weights: Float32Array[],
  shapes: number[][],
  xData: Float32Array,
  xShape: number[],
  yData: Float32Array,
): () => Promise<number> {
  const model = tfl.sequential();
  if (spec.kind === "mlp") {
    model.add(tfl.layers.dense({ inputShape: [784], units: 256, activation: "relu" }));
    model.add(tfl.layers.dense({ units: 256, activation: "relu" }));
    model.add(tfl.layers.dense({ units: 10 }));
  } else if (spec.kind === "cnn") {
    model.add(
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 32,
        kernelSize: 5,
        padding: "same",
        activation: "relu",
      }),
    );
    model.add(tfl.layers.maxPooling2d({ poolSize: 2, padding: "same" }));
    model.add(
      tfl.layers.conv2d({ filters: 64, kernelSize: 5, padding: "same", activation: "relu" }),
    );
    model.add(tfl.layers.maxPooling2d({ poolSize: 2, padding: "same" }));
    model.add(tfl.layers.flatten());
    model.add(tfl.layers.dense({ units: 10 }));
  } else {
    model.add(tfl.layers.simpleRNN({ inputShape: [20, 64], units: 128, activation: "tanh" }));
    model.add(tfl.layers.dense({ units: 10 }));
  }
  model.setWeights(weights.map((d, i) => tfc.tensor(d, shapes[i] as number[])));
  const optimizer = spec.optimizer === "sgd" ? tfc.train.sgd(0.05) : tfc.train.adam(0.001);
  model.compile({
    optimizer,
    loss: (yTrue: tfc.Tensor, yPred: tfc.Tensor) => tfc.losses.softmaxCrossEntropy(yTrue, yPred),
  });
  const x = tfc.tensor(xData, xShape);
  const y = tfc.tensor2d(yData, [spec.batch, 10]);
  return async () => {
    const loss = await model.trainOnBatch(x, y);
    return Array.isArray(loss) ? (loss[0] as number) : loss;
  };
}
