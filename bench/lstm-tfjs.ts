/**
 * Stock hand-written tfjs-core LSTM training, as a user writes it: `tf.basicLSTMCell`
 * closures stacked by `tf.multiRNNCell`, a loop over `tf.unstack(x, 1)`, everything inside
 * `optimizer.minimize(() => loss)` on the gradient tape. Same weight layout as TF's
 * BasicLSTMCell (gates i, j, f, o; forget bias 1.0 added to f), so no conversion.
 *
 * The embedding is `tf.gather(embedding, ids)` where tfjs can differentiate it; on wasm it
 * cannot (gather's gradient is `UnsortedSegmentSum`, which tfjs-backend-wasm does not
 * register), so there the lookup is `oneHot(ids) · embedding`, the same function and
 * gradient through a matmul (the result's `embedding` field says which).
 */
import * as tfc from "@tensorflow/tfjs-core";
// Stock tfjs registers the kernel gradients in its umbrella package (@tensorflow/tfjs);
// tfjs-layers' Node bundle does the same on import, which is all it is used for here.
import "@tensorflow/tfjs-layers";
import type { LstmData, LstmSpec, StepFn } from "./lstm-worker.js";

/** Whether tfjs can differentiate `gather` on the current backend. */
export function gatherTrainable(): boolean {
  try {
    return tfc.getKernel("UnsortedSegmentSum", tfc.getBackend()) !== undefined;
  } catch {
    return false;
  }
}

export function tfjsStep(
  spec: LstmSpec,
  weights: Float32Array[],
  shapes: number[][],
  d: LstmData,
): StepFn {
  const { batch, time, units } = spec;
  const w = weights.map((data, i) => tfc.variable(tfc.tensor(data, shapes[i] as number[])));
  const at = (i: number) => w[i] as tfc.Variable;
  const lstmOffset = spec.kind === "char" ? 1 : 0;
  const forgetBias = tfc.scalar(1);
  const cells: tfc.LSTMCellFunc[] = Array.from(
    { length: spec.layers },
    (_, l) => (data: tfc.Tensor2D, c: tfc.Tensor2D, h: tfc.Tensor2D) =>
      tfc.basicLSTMCell(
        forgetBias,
        at(lstmOffset + 2 * l) as tfc.Tensor2D,
        at(lstmOffset + 2 * l + 1) as tfc.Tensor1D,
        data,
        c,
        h,
      ),
  );
  const zeros = () => Array.from({ length: spec.layers }, () => tfc.zeros([batch, units]));

  /** `[batch, time, units]`: the top layer's output at every step. */
  function rnn(inputs: tfc.Tensor): tfc.Tensor {
    let c = zeros() as tfc.Tensor2D[];
    let h = zeros() as tfc.Tensor2D[];
    const outputs: tfc.Tensor[] = [];
    for (const xt of tfc.unstack(inputs, 1)) {
      [c, h] = tfc.multiRNNCell(cells, xt as tfc.Tensor2D, c, h);
      outputs.push(h[h.length - 1] as tfc.Tensor2D);
    }
    return tfc.stack(outputs, 1);
  }

  let lossFn: () => tfc.Scalar;
  let embedding = "-";
  if (spec.kind === "regression") {
    const x = tfc.tensor3d(d.x, [batch, time, spec.depth]);
    const y = tfc.tensor3d(d.y, [batch, time, units]);
    lossFn = () => tfc.losses.meanSquaredError(y, rnn(x)) as tfc.Scalar;
  } else {
    const emb = at(0);
    const softmaxW = at(w.length - 2);
    const softmaxB = at(w.length - 1);
    const ids = tfc.tensor2d(d.ids, [batch, time], "int32");
    const labels = tfc.cast(tfc.oneHot(tfc.tensor1d(d.targets, "int32"), spec.vocab), "float32");
    let lookup: () => tfc.Tensor;
    if (gatherTrainable()) {
      embedding = "gather";
      lookup = () => tfc.gather(emb, ids);
    } else {
      embedding = "oneHot-matMul";
      const oneHotIds = tfc.oneHot(tfc.tensor1d(d.ids, "int32"), spec.vocab);
      const oneHotFloat = tfc.cast(oneHotIds, "float32");
      lookup = () => tfc.reshape(tfc.matMul(oneHotFloat, emb), [batch, time, spec.depth]);
    }
    lossFn = () => {
      const outputs = rnn(lookup());
      const logits = tfc.add(tfc.matMul(tfc.reshape(outputs, [-1, units]), softmaxW), softmaxB);
      return tfc.losses.softmaxCrossEntropy(labels, logits) as tfc.Scalar;
    };
  }
  const opt = tfc.train.adam(spec.lr);
  return {
    step: () => {
      const loss = opt.minimize(lossFn, true) as tfc.Scalar;
      const value = loss.dataSync()[0] as number;
      loss.dispose();
      return value;
    },
    info: { embedding },
  };
}
