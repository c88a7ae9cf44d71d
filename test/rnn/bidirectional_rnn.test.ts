import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectAllClose, flat, randomize, rng } from "./helpers.js";

const { BasicLSTMCell, GRUCell } = tf.nn.rnnCell;

beforeEach(() => tf.resetDefaultGraph());

const BATCH = 3;
const STEPS = 4;
const DEPTH = 2;

function values(seed: number): number[][][] {
  const next = rng(seed);
  return Array.from({ length: BATCH }, () =>
    Array.from({ length: STEPS }, () => Array.from({ length: DEPTH }, () => next())),
  );
}

/** `x` reversed over each row's first `len` steps, in plain JS. */
function reverseRows(x: number[][][], lengths: number[]): number[][][] {
  return x.map((row, b) => {
    const len = lengths[b] as number;
    return row.map((_, t) => row[t < len ? len - 1 - t : t] as number[]);
  });
}

describe("tf.nn.bidirectionalDynamicRnn", () => {
  it("names the variables bidirectional_rnn/fw/... and bidirectional_rnn/bw/...", () => {
    const x = tf.placeholder(tf.float32, [BATCH, null, DEPTH]);
    const [[fw, bw], [sf, sb]] = tf.nn.bidirectionalDynamicRnn(
      new BasicLSTMCell(4),
      new GRUCell(3),
      x,
      { dtype: tf.float32 },
    );
    expect(tf.globalVariables().map((v) => v.name)).toEqual([
      "bidirectional_rnn/fw/basic_lstm_cell/kernel:0",
      "bidirectional_rnn/fw/basic_lstm_cell/bias:0",
      "bidirectional_rnn/bw/gru_cell/gates/kernel:0",
      "bidirectional_rnn/bw/gru_cell/gates/bias:0",
      "bidirectional_rnn/bw/gru_cell/candidate/kernel:0",
      "bidirectional_rnn/bw/gru_cell/candidate/bias:0",
    ]);
    expect(fw.name).toBe("bidirectional_rnn/fw/fw/transpose_1:0");
    expect(bw.name).toBe("ReverseV2:0");
    expect(fw.shape.toString()).toBe("(3, ?, 4)");
    expect(bw.shape.toString()).toBe("(3, ?, 3)");
    expect((sf as { c: tf.Tensor }).c.name).toBe("bidirectional_rnn/fw/fw/while/Exit_3:0");
    expect((sb as tf.Tensor).name).toBe("bidirectional_rnn/bw/bw/while/Exit_3:0");
  });

  it("equals a forward dynamicRnn and a dynamicRnn over the rows reversed to their lengths", () => {
    const lengths = [4, 2, 3];
    const xv = values(3);
    const x = tf.placeholder(tf.float32, [BATCH, STEPS, DEPTH]);
    const cellFw = new GRUCell(3);
    const cellBw = new GRUCell(3);
    const [[fw, bw], [sf, sb]] = tf.nn.bidirectionalDynamicRnn(cellFw, cellBw, x, {
      dtype: tf.float32,
      sequenceLength: lengths,
    });
    // The same cells again, on the reversed input, reusing the weights.
    const xr = tf.placeholder(tf.float32, [BATCH, STEPS, DEPTH]);
    const [refFw, refSf] = tf.variableScope("bidirectional_rnn/fw", { reuse: true }, (s) =>
      tf.nn.dynamicRnn(cellFw, x, { dtype: tf.float32, sequenceLength: lengths, scope: s }),
    );
    const [refBwReversed, refSb] = tf.variableScope("bidirectional_rnn/bw", { reuse: true }, (s) =>
      tf.nn.dynamicRnn(cellBw, xr, { dtype: tf.float32, sequenceLength: lengths, scope: s }),
    );
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const next = rng(11);
    for (const v of tf.trainableVariables()) randomize(sess, v, next);
    const feed = new Map<tf.Tensor, unknown>([
      [x, xv],
      [xr, reverseRows(xv, lengths)],
    ]);
    const [a, b, c, d, e, f] = sess.run(
      [fw, bw, sf, sb, refFw, refBwReversed],
      feed,
    ) as tf.NDArray[];
    const [g, h] = sess.run([refSf, refSb], feed) as tf.NDArray[];
    expectAllClose(flat(a as tf.NDArray), flat(e as tf.NDArray));
    expectAllClose(flat(c as tf.NDArray), flat(g as tf.NDArray));
    expectAllClose(flat(d as tf.NDArray), flat(h as tf.NDArray));
    // The backward outputs come back in forward time order.
    const reversedBack = reverseRows((f as tf.NDArray).toArray() as number[][][], lengths);
    expectAllClose(flat(b as tf.NDArray), reversedBack.flat(2));
  });

  it("trains: gradients flow into both directions' weights", () => {
    const x = tf.placeholder(tf.float32, [BATCH, STEPS, DEPTH]);
    const [[fw, bw]] = tf.nn.bidirectionalDynamicRnn(new GRUCell(3), new GRUCell(3), x, {
      dtype: tf.float32,
    });
    const loss = tf.reduceMean(tf.square(tf.subtract(tf.concat([fw, bw], 2), 0.5)));
    const grads = tf.gradients(loss, tf.trainableVariables());
    expect(grads.every((g) => g !== null)).toBe(true);
    const train = new tf.train.AdamOptimizer(0.05).minimize(loss);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const feed = new Map<tf.Tensor, unknown>([[x, values(5)]]);
    const first = Number((sess.run(loss, feed) as tf.NDArray).item());
    for (let i = 0; i < 30; i++) sess.run(train, feed);
    expect(Number((sess.run(loss, feed) as tf.NDArray).item())).toBeLessThan(first * 0.5);
  });

  it("time-major inputs, and TF's error for a missing dtype, building nothing", () => {
    const x = tf.placeholder(tf.float32, [STEPS, BATCH, DEPTH]);
    const [[fw, bw]] = tf.nn.bidirectionalDynamicRnn(new GRUCell(2), new GRUCell(2), x, {
      dtype: tf.float32,
      timeMajor: true,
    });
    expect(fw.shape.toString()).toBe("(4, 3, 2)");
    expect(bw.shape.toString()).toBe("(4, 3, 2)");
    const before = tf.getDefaultGraph().getOperations().length;
    const variables = tf.globalVariables().length;
    expect(() =>
      tf.nn.bidirectionalDynamicRnn(new GRUCell(2), new GRUCell(2), x, { timeMajor: true }),
    ).toThrow("If there is no initial_state, you must give a dtype.");
    expect(tf.getDefaultGraph().getOperations().length).toBe(before);
    expect(tf.globalVariables().length).toBe(variables);
  });
});
