import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import {
  basicLstmStep,
  expectAllClose,
  flat,
  randomMatrix,
  randomize,
  rng,
  valueOf,
} from "./helpers.js";

const { BasicLSTMCell, GRUCell, MultiRNNCell, BasicRNNCell } = tf.nn.rnnCell;

beforeEach(() => tf.resetDefaultGraph());

const BATCH = 4;
const DEPTH = 3;
const STEPS = 5;

function sequence(seed: number) {
  const next = rng(seed);
  const inputs = Array.from({ length: STEPS }, (_, t) =>
    tf.placeholder(tf.float32, [BATCH, DEPTH], { name: `x${t}` }),
  );
  const values = inputs.map(() => randomMatrix(BATCH, DEPTH, next));
  const feed = new Map<tf.Tensor, unknown>(inputs.map((x, t) => [x, values[t]]));
  return { inputs, values: values.map((v) => tfc.tensor2d(v)), feed };
}

describe("sequenceLength", () => {
  it("outputs zeros past each row's length and carries its state through", () => {
    const { inputs, values, feed } = sequence(31);
    const lengths = [5, 2, 0, 3];
    const cell = new BasicLSTMCell(4);
    const [outputs, state] = tf.nn.staticRnn(cell, inputs, {
      dtype: tf.float32,
      sequenceLength: lengths,
    });
    expect(outputs[0]?.op.type).toBe("Select");
    expect(outputs[0]?.shape.toString()).toBe("(4, 4)");
    expect(state.c.shape.toString()).toBe("(4, 4)");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const [kernel, bias] = cell.trainableWeights as [tf.Variable, tf.Variable];
    randomize(sess, bias, rng(4));
    const [k, b] = [valueOf(sess, kernel), valueOf(sess, bias)];
    const got = sess.run([outputs, state] as const, feed);

    // By hand: each row runs alone for its own number of steps.
    lengths.forEach((len, row) => {
      let s = { c: tfc.zeros([1, 4]), h: tfc.zeros([1, 4]) };
      values.forEach((x, t) => {
        const out = flat(got[0][t] as tf.NDArray).slice(row * 4, row * 4 + 4);
        if (t < len) {
          s = basicLstmStep(tfc.slice(x, [row, 0], [1, DEPTH]), s, k, b);
          expectAllClose(out, flat(s.h));
        } else {
          expect(out).toEqual([0, 0, 0, 0]);
        }
      });
      expectAllClose(flat(got[1].c).slice(row * 4, row * 4 + 4), flat(s.c));
      expectAllClose(flat(got[1].h).slice(row * 4, row * 4 + 4), flat(s.h));
    });
  });

  it("works with a length tensor fed at run time and a nested (multi-cell) state", () => {
    const { inputs, feed } = sequence(32);
    const lengths = tf.placeholder(tf.int32, [BATCH]);
    const cell = new MultiRNNCell([new GRUCell(3), new BasicLSTMCell(2)]);
    const [outputs, state] = tf.nn.staticRnn(cell, inputs, {
      dtype: tf.float32,
      sequenceLength: lengths,
    });
    const [unmaskedOut, unmaskedState] = tf.nn.staticRnn(cell, inputs, {
      dtype: tf.float32,
      scope: "unmasked",
    });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    feed.set(lengths, [STEPS, STEPS, 1, 4]);
    const [masked, full, ms, fs] = sess.run(
      [outputs, unmaskedOut, state, unmaskedState] as const,
      feed,
    );
    // A full-length row equals the unmasked run; a row of length 1 is zero from step 1.
    for (let t = 0; t < STEPS; t++) {
      const m = flat(masked[t] as tf.NDArray);
      const f = flat(full[t] as tf.NDArray);
      expectAllClose(m.slice(0, 4), f.slice(0, 4));
      if (t >= 1) expect(m.slice(4, 6)).toEqual([0, 0]);
      else expectAllClose(m.slice(4, 6), f.slice(4, 6));
    }
    const [gru, lstm] = ms as unknown as [tf.NDArray, { c: tf.NDArray; h: tf.NDArray }];
    const [fgru, flstm] = fs as unknown as [tf.NDArray, { c: tf.NDArray; h: tf.NDArray }];
    expectAllClose(flat(gru).slice(0, 6), flat(fgru).slice(0, 6));
    expectAllClose(flat(lstm.h).slice(0, 4), flat(flstm.h).slice(0, 4));
    // Row 2 stopped after step 0: its final state is its state at step 0.
    expectAllClose(flat(lstm.h).slice(4, 6), flat(masked[0] as tf.NDArray).slice(4, 6));
  });
});

describe("batch size known only at run time", () => {
  it("builds the zero state and the zero output from the fed batch", () => {
    const inputs = Array.from({ length: 3 }, () => tf.placeholder(tf.float32, [null, DEPTH]));
    const cell = new GRUCell(2);
    const [outputs, state] = tf.nn.staticRnn(cell, inputs, {
      dtype: tf.float32,
      sequenceLength: tf.placeholder(tf.int32, [null], { name: "len" }),
    });
    expect(outputs[0]?.shape.toString()).toBe("(?, 2)");
    expect(state.shape.toString()).toBe("(?, 2)");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const next = rng(60);
    const feed = new Map<tf.Tensor | string, unknown>(
      inputs.map((x) => [x, randomMatrix(6, DEPTH, next)] as const),
    );
    feed.set("len:0", [0, 1, 2, 3, 3, 1]);
    const [outs, s] = sess.run([outputs, state] as const, feed as Map<tf.Tensor, unknown>);
    expect(s.shape).toEqual([6, 2]);
    expect(flat(outs[0] as tf.NDArray).slice(0, 2)).toEqual([0, 0]);
    expect(flat(s).slice(0, 2)).toEqual([0, 0]);
    expect(flat(outs[2] as tf.NDArray).slice(2, 4)).toEqual([0, 0]);
    expectAllClose(flat(s).slice(2, 4), flat(outs[0] as tf.NDArray).slice(2, 4));
  });
});

describe("gradients through staticRnn", () => {
  it("reach every weight and agree with finite differences", () => {
    const { inputs, feed } = sequence(41);
    const cell = new MultiRNNCell([new BasicLSTMCell(3), new GRUCell(2)]);
    const [outputs] = tf.nn.staticRnn(cell, inputs, { dtype: tf.float32 });
    const target = tf.constant(randomMatrix(BATCH, 2, rng(42)));
    const loss = tf.addN(outputs.map((o) => tf.reduceSum(tf.square(tf.subtract(o, target)))));
    const vars = tf.trainableVariables();
    const grads = tf.gradients(loss, vars);
    expect(grads.every((g) => g !== null)).toBe(true);

    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const next = rng(43);
    for (const v of vars) if (v.name.includes("bias")) randomize(sess, v, next, 0.3);
    const analytic = sess.run(grads as tf.Tensor[], feed).map((g) => flat(g));
    const lossAt = (): number => sess.run(loss, feed).item() as number;
    const eps = 1e-2;
    vars.forEach((v, vi) => {
      const base = flat(sess.run(v));
      const dims = v.shape.asList() as number[];
      for (const index of [0, Math.floor(base.length / 2), base.length - 1]) {
        const plus = base.slice();
        plus[index] = (plus[index] as number) + eps;
        v.load(tfc.tensor(plus, dims).arraySync(), sess);
        const lp = lossAt();
        const minus = base.slice();
        minus[index] = (minus[index] as number) - eps;
        v.load(tfc.tensor(minus, dims).arraySync(), sess);
        const lm = lossAt();
        v.load(tfc.tensor(base, dims).arraySync(), sess);
        const numeric = (lp - lm) / (2 * eps);
        const a = (analytic[vi] as number[])[index] as number;
        expect(Math.abs(a - numeric)).toBeLessThanOrEqual(2e-2 * Math.max(1, Math.abs(numeric)));
      }
    });
  });

  it("flow through the sequenceLength selects", () => {
    const { inputs, feed } = sequence(44);
    const cell = new BasicRNNCell(3);
    const [, state] = tf.nn.staticRnn(cell, inputs, {
      dtype: tf.float32,
      sequenceLength: [1, 2, 3, 5],
    });
    const loss = tf.reduceSum(tf.square(state));
    const grads = tf.gradients(loss, tf.trainableVariables());
    expect(grads.every((g) => g !== null)).toBe(true);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const values = sess.run(grads as tf.Tensor[], feed);
    expect(values.every((g) => flat(g).every(Number.isFinite))).toBe(true);
  });

  it("train: a tiny LSTM model's loss goes down", () => {
    tf.setRandomSeed(7);
    const steps = 4;
    const inputs = Array.from({ length: steps }, (_, t) =>
      tf.placeholder(tf.float32, [8, 2], { name: `in${t}` }),
    );
    const y = tf.placeholder(tf.float32, [8, 1]);
    const cell = new BasicLSTMCell(8);
    const [outputs] = tf.nn.staticRnn(cell, inputs, { dtype: tf.float32 });
    const w = tf.getVariable("out/w", [8, 1]);
    const b = tf.getVariable("out/b", [1], { initializer: tf.zerosInitializer() });
    const pred = tf.add(tf.matmul(outputs[steps - 1] as tf.Tensor, w), b);
    const loss = tf.reduceMean(tf.square(tf.subtract(pred, y)));
    const train = new tf.train.AdamOptimizer(0.05).minimize(loss);
    // Target: the mean of the first input feature over time.
    const next = rng(50);
    const xs = Array.from({ length: steps }, () => randomMatrix(8, 2, next));
    const ys = Array.from({ length: 8 }, (_, r) => [
      xs.reduce((s, x) => s + (x[r]?.[0] as number), 0) / steps,
    ]);
    const feed = new Map<tf.Tensor, unknown>([
      ...inputs.map((x, t) => [x, xs[t]] as const),
      [y, ys],
    ]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const first = sess.run(loss, feed).item() as number;
    for (let i = 0; i < 60; i++) sess.run(train, feed);
    const last = sess.run(loss, feed).item() as number;
    expect(last).toBeLessThan(first * 0.3);
    expect(tf.trainableVariables()).toHaveLength(4);
  });
});

describe("any object shaped like a cell", () => {
  it("is unrolled too (TensorFlow checks the shape of the object, not its class)", () => {
    const w = tf.getVariable("w", [DEPTH + 2, 2]);
    const cell = {
      stateSize: 2,
      outputSize: 2,
      zeroState(batchSize: number | tf.Tensor, dtype: tf.DType): tf.Tensor {
        expect(this).toBe(cell);
        return tf.zeros([batchSize as number, 2], { dtype });
      },
      call(x: tf.Tensor, h: tf.Tensor): [tf.Tensor, tf.Tensor] {
        const out = tf.tanh(tf.matmul(tf.concat([x, h], 1), w));
        return [out, out];
      },
    };
    const { inputs } = sequence(70);
    const [outputs, state] = tf.nn.staticRnn(cell, inputs, { dtype: tf.float32 });
    expect(outputs).toHaveLength(STEPS);
    expect(state.shape.toString()).toBe(`(${BATCH}, 2)`);
    expect(tf.trainableVariables()).toHaveLength(1);
  });
});
