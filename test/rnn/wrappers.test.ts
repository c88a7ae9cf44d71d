import { createHash } from "node:crypto";
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

const { BasicLSTMCell, BasicRNNCell, DropoutWrapper, ResidualWrapper, MultiRNNCell } =
  tf.nn.rnnCell;

beforeEach(() => tf.resetDefaultGraph());

const BATCH = 4;
const UNITS = 3;

function input(seed: number, depth = 2) {
  const x = tf.placeholder(tf.float32, [BATCH, depth], { name: "x" });
  const value = randomMatrix(BATCH, depth, rng(seed));
  return { x, value, feed: new Map<tf.Tensor, unknown>([[x, value]]) };
}

function opNames(): string[] {
  return tf
    .getDefaultGraph()
    .getOperations()
    .map((op) => op.name);
}

describe("DropoutWrapper", () => {
  it("keeps the wrapped cell's variable names and adds no dropout at keep probability 1", () => {
    const { x } = input(1);
    const cell = new DropoutWrapper(new BasicLSTMCell(UNITS));
    const [outputs] = tf.nn.staticRnn(cell, [x, x], { dtype: tf.float32 });
    expect(tf.globalVariables().map((v) => v.name)).toEqual([
      "rnn/basic_lstm_cell/kernel:0",
      "rnn/basic_lstm_cell/bias:0",
    ]);
    expect(opNames().filter((n) => n.startsWith("DropoutWrapperInit/"))).toEqual([
      "DropoutWrapperInit/Const",
      "DropoutWrapperInit/Const_1",
      "DropoutWrapperInit/Const_2",
    ]);
    expect(opNames().some((n) => n.includes("dropout"))).toBe(false);
    expect(outputs[1]?.op.name).toBe("rnn/basic_lstm_cell/Mul_5");
    expect(cell.trainableWeights.map((v) => v.name)).toEqual([
      "rnn/basic_lstm_cell/kernel:0",
      "rnn/basic_lstm_cell/bias:0",
    ]);
    const { c } = cell.zeroState(BATCH, tf.float32);
    expect(c.op.name).toBe("DropoutWrapperZeroState/BasicLSTMCellZeroState/zeros");
  });

  it("drops outputs and the state's h, never its c, scaling kept values by 1/keep", () => {
    const { x, value, feed } = input(2);
    const inner = new BasicLSTMCell(UNITS);
    const cell = new DropoutWrapper(inner, { outputKeepProb: 0.5, stateKeepProb: 0.25 });
    const [out, state] = cell.call(x, inner.zeroState(BATCH, tf.float32));
    expect(out.op.name).toBe("dropout_1/mul_1");
    expect(state.h.op.name).toBe("dropout/mul_1");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const [kernel, bias] = inner.trainableWeights as [tf.Variable, tf.Variable];
    randomize(sess, bias, rng(3));
    const want = basicLstmStep(
      tfc.tensor2d(value),
      { c: tfc.zeros([BATCH, UNITS]), h: tfc.zeros([BATCH, UNITS]) },
      valueOf(sess, kernel),
      valueOf(sess, bias),
    );
    const h = flat(want.h);
    for (let trial = 0; trial < 3; trial++) {
      const got = sess.run([out, state] as const, feed);
      expectAllClose(flat(got[1].c), flat(want.c));
      flat(got[0]).forEach((v, i) => {
        if (v !== 0) expect(v).toBeCloseTo(h[i]! * 2, 5);
      });
      flat(got[1].h).forEach((v, i) => {
        if (v !== 0) expect(v).toBeCloseTo(h[i]! * 4, 5);
      });
    }
  });

  it("takes keep probabilities as tensors: fed 1, the values are the unwrapped cell's", () => {
    const { x, feed } = input(4);
    const keep = tf.placeholderWithDefault(1.0, []);
    const wrapped = new DropoutWrapper(new BasicRNNCell(UNITS), keep, keep, keep);
    const [outW, stateW] = tf.nn.staticRnn(wrapped, [x, x, x], { dtype: tf.float32, scope: "a" });
    expect(opNames()).toContain("a/dropout/random_uniform/RandomUniform");
    const plain = new BasicRNNCell(UNITS);
    const [outP, stateP] = tf.nn.staticRnn(plain, [x, x, x], { dtype: tf.float32, scope: "b" });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const next = rng(5);
    const [wk, wb] = tf.globalVariables().slice(0, 2) as [tf.Variable, tf.Variable];
    const [pk, pb] = tf.globalVariables().slice(2, 4) as [tf.Variable, tf.Variable];
    randomize(sess, wk, next);
    randomize(sess, wb, next);
    pk.load(valueOf(sess, wk).arraySync(), sess);
    pb.load(valueOf(sess, wb).arraySync(), sess);
    const got = sess.run([outW, stateW, outP, stateP] as const, feed);
    got[0].forEach((o, t) => expectAllClose(flat(o), flat(got[2][t]!)));
    expectAllClose(flat(got[1]), flat(got[3]));
  });

  it("lets gradients reach the wrapped cell's weights", () => {
    const { x, feed } = input(6);
    const cell = new MultiRNNCell([
      new DropoutWrapper(new BasicLSTMCell(UNITS), { inputKeepProb: 0.9, outputKeepProb: 0.8 }),
      new BasicRNNCell(2),
    ]);
    const [outputs] = tf.nn.staticRnn(cell, [x, x], { dtype: tf.float32 });
    const loss = tf.addN(outputs.map((o) => tf.reduceSum(tf.square(o))));
    const vars = tf.trainableVariables();
    expect(vars.map((v) => v.name)[0]).toBe("rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel:0");
    const grads = tf.gradients(loss, vars);
    expect(grads.every((g) => g !== null)).toBe(true);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    for (const g of sess.run(grads as tf.Tensor[], feed)) {
      expect(flat(g).every(Number.isFinite)).toBe(true);
    }
  });

  it("derives each dropout's op seed from `seed` as TF's _gen_seed does", () => {
    const { x } = input(7);
    tf.setRandomSeed(1);
    const cell = new DropoutWrapper(new BasicRNNCell(UNITS), { inputKeepProb: 0.5, seed: 12 });
    cell.call(x, cell.zeroState(BATCH, tf.float32));
    const op = tf.getDefaultGraph().getOperationByName("dropout/random_uniform/RandomUniform");
    const expected =
      parseInt(createHash("md5").update("12input_0").digest("hex").slice(0, 8), 16) & 0x7fffffff;
    expect(op.getAttr("seed2")).toBe(expected);
  });

  it("refuses bad keep probabilities and variationalRecurrent, leaving the graph unchanged", () => {
    const before = opNames().length;
    expect(() => new DropoutWrapper(new BasicRNNCell(2), { outputKeepProb: 1.5 })).toThrow(
      "Parameter output_keep_prob must be between 0 and 1: 1",
    );
    expect(() => new DropoutWrapper(new BasicRNNCell(2), { variationalRecurrent: true })).toThrow(
      "variational_recurrent=True is not implemented",
    );
    expect(() => new DropoutWrapper("cell" as unknown as tf.nn.rnnCell.RNNCell)).toThrow(
      "is not an RNNCell",
    );
    expect(opNames().length).toBe(before);
  });
});

describe("ResidualWrapper", () => {
  it("adds the inputs to the cell's outputs (an add op), variables named as unwrapped", () => {
    const { x, value, feed } = input(8, UNITS);
    const inner = new BasicLSTMCell(UNITS);
    const cell = new ResidualWrapper(inner);
    const [outputs, state] = tf.nn.staticRnn(cell, [x], { dtype: tf.float32 });
    expect(outputs[0]?.op.name).toBe("rnn/add");
    expect(tf.globalVariables().map((v) => v.name)[0]).toBe("rnn/basic_lstm_cell/kernel:0");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const [kernel, bias] = inner.trainableWeights as [tf.Variable, tf.Variable];
    randomize(sess, bias, rng(9));
    const want = basicLstmStep(
      tfc.tensor2d(value),
      { c: tfc.zeros([BATCH, UNITS]), h: tfc.zeros([BATCH, UNITS]) },
      valueOf(sess, kernel),
      valueOf(sess, bias),
    );
    const got = sess.run([outputs[0]!, state] as const, feed);
    expectAllClose(flat(got[0]), flat(tfc.add(want.h, tfc.tensor2d(value))));
    expectAllClose(flat(got[1].h), flat(want.h));
    const grads = tf.gradients(tf.reduceSum(outputs[0]!), [x, ...tf.trainableVariables()]);
    expect(grads.every((g) => g !== null)).toBe(true);
  });

  it("uses residualFn when given and refuses incompatible shapes", () => {
    const { x } = input(10, UNITS);
    const cell = new ResidualWrapper(new BasicRNNCell(UNITS), (i, o) => tf.subtract(o, i));
    const [out] = cell.call(x, cell.zeroState(BATCH, tf.float32));
    expect(out.op.type).toBe("Sub");
    const y = tf.placeholder(tf.float32, [BATCH, 2]);
    const bad = new ResidualWrapper(new BasicRNNCell(UNITS));
    expect(() => bad.call(y, bad.zeroState(BATCH, tf.float32))).toThrow(
      "Shapes (4, 2) and (4, 3) are incompatible",
    );
  });
});

describe("DeviceWrapper", () => {
  const { DeviceWrapper } = tf.nn.rnnCell;

  it("records the device on every op of the step and of zeroState; names as unwrapped", () => {
    const { x, value, feed } = input(11, UNITS);
    const inner = new BasicLSTMCell(UNITS);
    const cell = new DeviceWrapper(inner, "/job:worker/gpu:1");
    const [outputs, state] = tf.nn.staticRnn(cell, [x], { dtype: tf.float32 });
    expect(tf.globalVariables().map((v) => v.name)).toEqual([
      "rnn/basic_lstm_cell/kernel:0",
      "rnn/basic_lstm_cell/bias:0",
    ]);
    const graph = tf.getDefaultGraph();
    const zero = graph
      .getOperations()
      .filter((o) => o.name.startsWith("rnn/DeviceWrapperZeroState/"));
    expect(zero.length).toBeGreaterThan(0);
    expect(zero[0]?.name).toMatch(/^rnn\/DeviceWrapperZeroState\/BasicLSTMCellZeroState\//);
    const step = graph
      .getOperations()
      .filter((o) => o.name.startsWith("rnn/basic_lstm_cell/") && !o.name.includes("Initializer"));
    expect(step.length).toBeGreaterThan(5);
    for (const op of [
      ...zero,
      ...step.filter(
        (o) => o.type !== "VariableV2" && !o.name.endsWith("/Assign") && !o.name.endsWith("/read"),
      ),
    ]) {
      expect(op.device, op.name).toBe("/job:worker/device:GPU:1");
    }
    expect(outputs[0]?.device).toBe("/job:worker/device:GPU:1");
    // Built inside the device scope, the variables are placed there too, as in TF.
    expect(tf.globalVariables()[0]?.op.device).toBe("/job:worker/device:GPU:1");
    // The same numbers as the unwrapped cell.
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const [kernel, bias] = inner.trainableWeights as [tf.Variable, tf.Variable];
    randomize(sess, bias, rng(12));
    const want = basicLstmStep(
      tfc.tensor2d(value),
      { c: tfc.zeros([BATCH, UNITS]), h: tfc.zeros([BATCH, UNITS]) },
      valueOf(sess, kernel),
      valueOf(sess, bias),
    );
    const got = sess.run([outputs[0]!, state] as const, feed);
    expectAllClose(flat(got[0]), flat(want.h));
    expectAllClose(flat(got[1].c), flat(want.c));
  });

  it("merges with an enclosing device scope; a device function and null are accepted", () => {
    const { x } = input(13, 2);
    const outer = tf.device("/job:ps/task:2", () => {
      const cell = new DeviceWrapper(new BasicRNNCell(UNITS), "/cpu:0");
      return cell.call(x, cell.zeroState(BATCH, tf.float32))[0];
    });
    expect(outer.device).toBe("/job:ps/task:2/device:CPU:0");
    const byFn = new DeviceWrapper({
      cell: new BasicRNNCell(UNITS, { name: "f" }),
      device: () => "/gpu:3",
    });
    const [y] = byFn.call(x, byFn.zeroState(BATCH, tf.float32));
    expect(y.device).toBe("/gpu:3");
    const none = tf.device("/cpu:0", () => {
      const cell = new DeviceWrapper(new BasicRNNCell(UNITS, { name: "n" }), null);
      return cell.call(x, cell.zeroState(BATCH, tf.float32))[0];
    });
    expect(none.device).toBe("");
  });

  it("refuses a missing device or a bad one, graph unchanged", () => {
    const before = tf.getDefaultGraph().getOperations().length;
    expect(
      () => new (DeviceWrapper as unknown as new (c: unknown) => unknown)(new BasicRNNCell(2)),
    ).toThrow("nn.rnnCell.DeviceWrapper() missing 1 required positional argument: 'device'");
    expect(() => new DeviceWrapper(new BasicRNNCell(2), 3 as never)).toThrow(TypeError);
    expect(tf.getDefaultGraph().getOperations().length).toBe(before);
  });
});
