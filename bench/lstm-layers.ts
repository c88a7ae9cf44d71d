/**
 * tfjs-layers LSTM training: a Sequential model of `tf.layers.lstm` layers
 * (`returnSequences: true`) and `trainOnBatch`.
 *
 * What differs from TF's BasicLSTMCell, and how the shared weights are converted so that the
 * model computes the same function (identical first loss) and trains the same way:
 * - Keras splits the kernel into `kernel [inputDepth, 4u]` and `recurrentKernel [u, 4u]`
 *   (TF: one `[inputDepth + u, 4u]` applied to `concat([x, h])`): the TF kernel's first
 *   `inputDepth` rows become `kernel`, the rest `recurrentKernel`.
 * - Keras orders the gates i, f, c, o (TF: i, j, f, o with j = c): column blocks reordered.
 * - Keras has no constant forget bias; its `unitForgetBias` initializes the (trainable)
 *   forget-gate bias to 1 instead. Here the converted bias gets +1 on its f block: the same
 *   pre-activation at every step and the same gradient, so Adam makes the same updates.
 * - tfjs-layers' default recurrent activation is `hardSigmoid`; set to `sigmoid` here.
 * - `tf.layers.embedding` trains only where tfjs can differentiate `gather` (not on wasm, which
 *   lacks `UnsortedSegmentSum`); there the model takes one-hot characters and embeds them with
 *   a bias-free `dense` layer holding the embedding matrix (the result's `embedding` field).
 * - The per-step projection is a `dense` layer on the `[batch, time, units]` sequence; the
 *   loss is `tf.losses.softmaxCrossEntropy` on one-hot targets (tfjs-layers' sparse loss
 *   expects probabilities, not logits), averaged over batch and time.
 */
import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
// What tfjs-layers users import: the umbrella package also registers tensor method
// chaining (x.flatten()), which tfjs-layers relies on for its orthogonal initializer.
import "@tensorflow/tfjs";
import { gatherTrainable } from "./lstm-tfjs.js";
import type { LstmData, LstmSpec, StepFn } from "./lstm-worker.js";

/**
 * TF BasicLSTMCell `kernel [inDepth + u, 4u]`, `bias [4u]` (gates i, j, f, o, forget bias
 * added at run time) → Keras `kernel [inDepth, 4u]`, `recurrentKernel [u, 4u]`, `bias [4u]`
 * (gates i, f, c, o, forget bias in the variable).
 */
function toKeras(kernel: Float32Array, bias: Float32Array, inDepth: number, u: number) {
  const blocks = [0, 2, 1, 3]; // Keras block k comes from TF block blocks[k]
  const cols = 4 * u;
  const reorderRow = (src: Float32Array, row: number, dst: Float32Array, dstRow: number) => {
    for (let k = 0; k < 4; k++) {
      const from = row * cols + (blocks[k] as number) * u;
      dst.set(src.subarray(from, from + u), dstRow * cols + k * u);
    }
  };
  const k = new Float32Array(inDepth * cols);
  const r = new Float32Array(u * cols);
  for (let row = 0; row < inDepth; row++) reorderRow(kernel, row, k, row);
  for (let row = 0; row < u; row++) reorderRow(kernel, inDepth + row, r, row);
  const b = new Float32Array(cols);
  reorderRow(bias, 0, b, 0);
  for (let i = u; i < 2 * u; i++) b[i] = (b[i] as number) + 1; // forget bias 1.0
  return [
    tfc.tensor2d(k, [inDepth, cols]),
    tfc.tensor2d(r, [u, cols]),
    tfc.tensor1d(b),
  ] as tfc.Tensor[];
}

export function layersStep(
  spec: LstmSpec,
  weights: Float32Array[],
  shapes: number[][],
  d: LstmData,
): StepFn {
  const { batch, time, units, depth } = spec;
  const model = tfl.sequential();
  const modelWeights: tfc.Tensor[] = [];
  let embedding = "-";
  let x: tfc.Tensor;
  let y: tfc.Tensor;
  if (spec.kind === "char") {
    const table = tfc.tensor2d(weights[0] as Float32Array, shapes[0] as [number, number]);
    if (gatherTrainable()) {
      embedding = "gather";
      model.add(
        tfl.layers.embedding({ inputShape: [time], inputDim: spec.vocab, outputDim: depth }),
      );
      x = tfc.tensor2d(Float32Array.from(d.ids), [batch, time]);
    } else {
      embedding = "oneHot-matMul";
      model.add(tfl.layers.dense({ inputShape: [time, spec.vocab], units: depth, useBias: false }));
      x = tfc.cast(tfc.oneHot(tfc.tensor2d(d.ids, [batch, time], "int32"), spec.vocab), "float32");
    }
    modelWeights.push(table);
    y = tfc.cast(
      tfc.oneHot(tfc.tensor2d(d.targets, [batch, time], "int32"), spec.vocab),
      "float32",
    );
  } else {
    x = tfc.tensor3d(d.x, [batch, time, depth]);
    y = tfc.tensor3d(d.y, [batch, time, units]);
  }
  const offset = spec.kind === "char" ? 1 : 0;
  for (let l = 0; l < spec.layers; l++) {
    const first = l === 0 && spec.kind === "regression";
    model.add(
      tfl.layers.lstm({
        ...(first ? { inputShape: [time, depth] } : {}),
        units,
        returnSequences: true,
        recurrentActivation: "sigmoid",
        unitForgetBias: false,
      }),
    );
    const inDepth = l === 0 ? depth : units;
    modelWeights.push(
      ...toKeras(
        weights[offset + 2 * l] as Float32Array,
        weights[offset + 2 * l + 1] as Float32Array,
        inDepth,
        units,
      ),
    );
  }
  if (spec.kind === "char") {
    model.add(tfl.layers.dense({ units: spec.vocab }));
    const n = weights.length;
    modelWeights.push(
      tfc.tensor(weights[n - 2] as Float32Array, shapes[n - 2] as number[]),
      tfc.tensor(weights[n - 1] as Float32Array, shapes[n - 1] as number[]),
    );
  }
  model.setWeights(modelWeights);
  model.compile({
    optimizer: tfc.train.adam(spec.lr),
    loss:
      spec.kind === "char"
        ? (yTrue: tfc.Tensor, yPred: tfc.Tensor) => tfc.losses.softmaxCrossEntropy(yTrue, yPred)
        : "meanSquaredError",
  });
  return {
    step: async () => {
      const loss = await model.trainOnBatch(x, y);
      return Array.isArray(loss) ? (loss[0] as number) : loss;
    },
    info: { embedding },
  };
}
