import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import {
  basicRnnStep,
  expectAllClose,
  flat,
  randomMatrix,
  randomize,
  rng,
  valueOf,
} from "./helpers.js";

const { BasicRNNCell } = tf.nn.rnnCell;

beforeEach(() => tf.resetDefaultGraph());

const BATCH = 3;
const DEPTH = 2;
const STEPS = 4;

function sequence(seed: number) {
  const next = rng(seed);
  const inputs = Array.from({ length: STEPS }, (_, t) =>
    tf.placeholder(tf.float32, [BATCH, DEPTH], { name: `x${t}` }),
  );
  const values = inputs.map(() => randomMatrix(BATCH, DEPTH, next));
  const feed = new Map<tf.Tensor, unknown>(inputs.map((x, t) => [x, values[t]]));
  return { inputs, values: values.map((v) => tfc.tensor2d(v)), feed };
}

/** One row's outputs by hand: forward over its first `len` steps, backward over them reversed. */
function byHand(
  values: tfc.Tensor[],
  row: number,
  len: number,
  fw: [tfc.Tensor, tfc.Tensor],
  bw: [tfc.Tensor, tfc.Tensor],
  units: [number, number],
) {
  const xs = values.slice(0, len).map((x) => tfc.slice(x, [row, 0], [1, DEPTH]));
  let h = tfc.zeros([1, units[0]]);
  const outFw = xs.map((x) => (h = basicRnnStep(x, h, ...fw)));
  const stateFw = h;
  h = tfc.zeros([1, units[1]]);
  const outBw = xs
    .slice()
    .reverse()
    .map((x) => (h = basicRnnStep(x, h, ...bw)))
    .reverse();
  return { outFw, outBw, stateFw, stateBw: h };
}

describe("tf.nn.staticBidirectionalRnn", () => {
  it("names the variables and ops as TF 1.15 and concatenates fw and bw per step", () => {
    const { inputs, values, feed } = sequence(3);
    const cellFw = new BasicRNNCell(3);
    const cellBw = new BasicRNNCell(2);
    const [outputs, stateFw, stateBw] = tf.nn.staticBidirectionalRnn(cellFw, cellBw, inputs, {
      dtype: tf.float32,
    });
    expect(tf.globalVariables().map((v) => v.name)).toEqual([
      "bidirectional_rnn/fw/basic_rnn_cell/kernel:0",
      "bidirectional_rnn/fw/basic_rnn_cell/bias:0",
      "bidirectional_rnn/bw/basic_rnn_cell/kernel:0",
      "bidirectional_rnn/bw/basic_rnn_cell/bias:0",
    ]);
    expect(outputs.map((o) => o.name)).toEqual([
      "concat:0",
      "concat_1:0",
      "concat_2:0",
      "concat_3:0",
    ]);
    expect(outputs[0]?.shape.toString()).toBe("(3, 5)");
    expect(stateFw.shape.toString()).toBe("(3, 3)");
    expect(stateBw.shape.toString()).toBe("(3, 2)");

    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const next = rng(5);
    const vars = tf.globalVariables();
    vars.forEach((v) => randomize(sess, v, next));
    const [kf, bf, kb, bb] = vars.map((v) => valueOf(sess, v)) as tfc.Tensor[];
    const got = sess.run([outputs, stateFw, stateBw] as const, feed);
    for (let row = 0; row < BATCH; row++) {
      const want = byHand(values, row, STEPS, [kf!, bf!], [kb!, bb!], [3, 2]);
      for (let t = 0; t < STEPS; t++) {
        const out = flat(got[0][t] as tf.NDArray).slice(row * 5, row * 5 + 5);
        expectAllClose(out, [...flat(want.outFw[t]!), ...flat(want.outBw[t]!)]);
      }
      expectAllClose(flat(got[1]).slice(row * 3, row * 3 + 3), flat(want.stateFw));
      expectAllClose(flat(got[2]).slice(row * 2, row * 2 + 2), flat(want.stateBw));
    }
  });

  it("reverses each row over its own length with sequenceLength (ReverseSequence)", () => {
    const { inputs, values, feed } = sequence(7);
    const lengths = [4, 2, 0];
    const [outputs, stateFw, stateBw] = tf.nn.staticBidirectionalRnn(
      new BasicRNNCell(2),
      new BasicRNNCell(2),
      inputs,
      { dtype: tf.float32, sequenceLength: lengths },
    );
    const g = tf.getDefaultGraph();
    expect(g.getOperationByName("bidirectional_rnn/bw/ReverseSequence").type).toBe(
      "ReverseSequence",
    );
    expect(g.getOperationByName("bidirectional_rnn/bw/stack").type).toBe("Pack");
    expect(g.getOperationByName("ReverseSequence").type).toBe("ReverseSequence");

    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const next = rng(8);
    const vars = tf.globalVariables();
    vars.forEach((v) => randomize(sess, v, next));
    const [kf, bf, kb, bb] = vars.map((v) => valueOf(sess, v)) as tfc.Tensor[];
    const got = sess.run([outputs, stateFw, stateBw] as const, feed);
    lengths.forEach((len, row) => {
      const want = byHand(values, row, len, [kf!, bf!], [kb!, bb!], [2, 2]);
      for (let t = 0; t < STEPS; t++) {
        const out = flat(got[0][t] as tf.NDArray).slice(row * 4, row * 4 + 4);
        if (t < len) expectAllClose(out, [...flat(want.outFw[t]!), ...flat(want.outBw[t]!)]);
        else expect(out).toEqual([0, 0, 0, 0]);
      }
      expectAllClose(flat(got[1]).slice(row * 2, row * 2 + 2), flat(want.stateFw));
      expectAllClose(flat(got[2]).slice(row * 2, row * 2 + 2), flat(want.stateBw));
    });
  });

  it("lets gradients reach both cells' weights", () => {
    const { inputs, feed } = sequence(9);
    const [outputs] = tf.nn.staticBidirectionalRnn(
      new BasicRNNCell(2),
      new BasicRNNCell(2),
      inputs,
      {
        dtype: tf.float32,
        sequenceLength: [4, 3, 1],
      },
    );
    const loss = tf.addN(outputs.map((o) => tf.reduceSum(tf.square(o))));
    const grads = tf.gradients(loss, tf.trainableVariables());
    expect(grads.every((gr) => gr !== null)).toBe(true);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const values = sess.run(grads as tf.Tensor[], feed);
    for (const v of values) expect(flat(v).some((x) => x !== 0)).toBe(true);
  });

  it("refuses an empty input list and a non-cell, leaving the graph unchanged", () => {
    const before = tf.getDefaultGraph().getOperations().length;
    expect(() =>
      tf.nn.staticBidirectionalRnn(new BasicRNNCell(2), new BasicRNNCell(2), [], {
        dtype: tf.float32,
      }),
    ).toThrow("inputs must not be empty");
    const x = tf.placeholder(tf.float32, [1, 2]);
    expect(() =>
      tf.nn.staticBidirectionalRnn(new BasicRNNCell(2), new BasicRNNCell(2), [x]),
    ).toThrow("If no initial_state is provided, dtype must be specified");
    expect(tf.getDefaultGraph().getOperations().length).toBe(before + 1);
  });
});
