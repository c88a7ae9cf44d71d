import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectAllClose, flat, rng } from "../rnn/helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const B = 2;
const T = 3;
const C = 4;
const next = rng(17);
const LOGITS = Array.from({ length: B }, () =>
  Array.from({ length: T }, () => Array.from({ length: C }, () => next() * 2)),
);
const TARGETS = [
  [0, 3, 1],
  [2, 2, 0],
];
const WEIGHTS = [
  [1, 0.5, 0],
  [1, 1, 0],
];

/** The weighted cross entropy of each step, by hand. */
function crossent(): number[][] {
  return LOGITS.map((row, b) =>
    row.map((logits, t) => {
      const max = Math.max(...logits);
      const lse = max + Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0));
      return (lse - (logits[TARGETS[b]![t]!] as number)) * WEIGHTS[b]![t]!;
    }),
  );
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

describe("tf.contrib.seq2seq.sequenceLoss", () => {
  it("by default is the weighted mean over all steps, under sequence_loss/", () => {
    const logits = tf.constant(LOGITS);
    const loss = tf.contrib.seq2seq.sequenceLoss(logits, TARGETS, WEIGHTS);
    expect(loss.op.name).toBe("sequence_loss/div_no_nan");
    expect(loss.shape.toString()).toBe("()");
    const names = tf
      .getDefaultGraph()
      .getOperations()
      .map((op) => op.name);
    expect(names).toContain(
      "sequence_loss/SparseSoftmaxCrossEntropyWithLogits/SparseSoftmaxCrossEntropyWithLogits",
    );
    expect(names).toContain("sequence_loss/mul");
    using sess = new tf.Session();
    const want = sum(crossent().flat()) / sum(WEIGHTS.flat());
    expectAllClose([sess.run(loss).item() as number], [want]);
  });

  it("keeps the batch or time axis when not averaged over it", () => {
    const logits = tf.constant(LOGITS);
    const perBatch = tf.contrib.seq2seq.sequenceLoss(logits, TARGETS, WEIGHTS, {
      averageAcrossBatch: false,
    });
    const perStep = tf.contrib.seq2seq.sequenceLoss(logits, TARGETS, WEIGHTS, true, false);
    const raw = tf.contrib.seq2seq.sequenceLoss(logits, TARGETS, WEIGHTS, false, false);
    const sumBatch = tf.contrib.seq2seq.sequenceLoss(logits, TARGETS, WEIGHTS, {
      averageAcrossTimesteps: false,
      sumOverTimesteps: true,
      averageAcrossBatch: false,
      sumOverBatch: true,
    });
    expect(perBatch.shape.toString()).toBe("(2,)");
    expect(raw.shape.toString()).toBe("(2, 3)");
    using sess = new tf.Session();
    const ce = crossent();
    expectAllClose(
      flat(sess.run(perBatch)),
      ce.map((row, b) => sum(row) / sum(WEIGHTS[b]!)),
    );
    expectAllClose(
      flat(sess.run(perStep)),
      ce.map((row, b) => sum(row) / sum(WEIGHTS[b]!)),
    );
    expectAllClose(flat(sess.run(raw)), ce.flat());
    // Summed, divided by the count of nonzero weights (4).
    expectAllClose([sess.run(sumBatch).item() as number], [sum(ce.flat()) / 4]);
    const perTime = tf.contrib.seq2seq.sequenceLoss(logits, TARGETS, WEIGHTS, {
      averageAcrossTimesteps: false,
    });
    expect(perTime.shape.toString()).toBe("(3,)");
    // The last step has all-zero weights: div_no_nan gives 0, not NaN.
    expectAllClose(
      flat(sess.run(perTime)),
      [0, 1, 2].map((t) => {
        const w = WEIGHTS[0]![t]! + WEIGHTS[1]![t]!;
        return w === 0 ? 0 : (ce[0]![t]! + ce[1]![t]!) / w;
      }),
    );
  });

  it("uses softmaxLossFunction with labels and logits, and lets gradients reach the logits", () => {
    const logits = tf.constant(LOGITS);
    let seen: string[] = [];
    const loss = tf.contrib.seq2seq.sequenceLoss(logits, TARGETS, WEIGHTS, {
      softmaxLossFunction: ({ labels, logits: l }) => {
        seen = [labels.shape.toString(), l.shape.toString()];
        return tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits: l });
      },
      name: "seq",
    });
    expect(seen).toEqual(["(6,)", "(6, 4)"]);
    expect(loss.op.name).toBe("seq/div_no_nan");
    const [grad] = tf.gradients(loss, [logits]) as (tf.Tensor | null)[];
    expect(grad).not.toBeNull();
    using sess = new tf.Session();
    const g = flat(sess.run(grad!));
    // Zero weight, zero gradient; each weighted step's gradient sums to zero over classes.
    expect(g.slice(2 * C, 3 * C).map(Math.abs)).toEqual([0, 0, 0, 0]);
    expect(Math.abs(sum(g.slice(0, C)))).toBeLessThan(1e-6);
    expect(g.slice(0, C).some((v) => v !== 0)).toBe(true);
  });

  it("refuses inputs of the wrong rank and clashing flags", () => {
    expect(() => tf.contrib.seq2seq.sequenceLoss([[1, 2]], [[0]], [[1]])).toThrow(
      "Logits must be a [batch_size x sequence_length x logits] tensor",
    );
    expect(() =>
      tf.contrib.seq2seq.sequenceLoss(LOGITS, TARGETS, WEIGHTS, { sumOverBatch: true }),
    ).toThrow("average_across_batch and sum_over_batch cannot be set to True at same time.");
  });
});
