import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import {
  basicLstmStep,
  basicRnnStep,
  expectAllClose,
  flat,
  gruStep,
  lstmStep,
  randomMatrix,
  randomize,
  rng,
  valueOf,
} from "./helpers.js";

const { BasicRNNCell, BasicLSTMCell, LSTMCell, GRUCell, MultiRNNCell } = tf.nn.rnnCell;

beforeEach(() => tf.resetDefaultGraph());

const BATCH = 3;
const DEPTH = 4;
const STEPS = 5;

/** `STEPS` placeholders `[BATCH, DEPTH]` and a feed of pseudo-random values for them. */
function sequence(seed = 1, batch: number | null = BATCH) {
  const next = rng(seed);
  const inputs = Array.from({ length: STEPS }, (_, t) =>
    tf.placeholder(tf.float32, [batch, DEPTH], { name: `x${t}` }),
  );
  const values = inputs.map(() => randomMatrix(BATCH, DEPTH, next));
  const feed = new Map<tf.Tensor, unknown>(inputs.map((x, t) => [x, values[t]]));
  return { inputs, values: values.map((v) => tfc.tensor2d(v)), feed };
}

function variableTable(): [string, string][] {
  return tf.globalVariables().map((v) => [v.name, v.shape.toString()]);
}

describe("variable names and shapes (TensorFlow's)", () => {
  it("BasicRNNCell: rnn/basic_rnn_cell/kernel and bias", () => {
    const { inputs } = sequence();
    tf.nn.staticRnn(new BasicRNNCell(6), inputs, { dtype: tf.float32 });
    expect(variableTable()).toEqual([
      ["rnn/basic_rnn_cell/kernel:0", "(10, 6)"],
      ["rnn/basic_rnn_cell/bias:0", "(6,)"],
    ]);
  });

  it("BasicLSTMCell: one kernel [input + units, 4 * units]", () => {
    const { inputs } = sequence();
    tf.nn.staticRnn(new BasicLSTMCell(6), inputs, { dtype: tf.float32 });
    expect(variableTable()).toEqual([
      ["rnn/basic_lstm_cell/kernel:0", "(10, 24)"],
      ["rnn/basic_lstm_cell/bias:0", "(24,)"],
    ]);
  });

  it("LSTMCell: kernel sized by the projection, peepholes, projection/kernel", () => {
    const { inputs } = sequence();
    tf.nn.staticRnn(new LSTMCell(6, { numProj: 3, usePeepholes: true }), inputs, {
      dtype: tf.float32,
    });
    expect(variableTable()).toEqual([
      ["rnn/lstm_cell/kernel:0", "(7, 24)"],
      ["rnn/lstm_cell/bias:0", "(24,)"],
      ["rnn/lstm_cell/w_f_diag:0", "(6,)"],
      ["rnn/lstm_cell/w_i_diag:0", "(6,)"],
      ["rnn/lstm_cell/w_o_diag:0", "(6,)"],
      ["rnn/lstm_cell/projection/kernel:0", "(6, 3)"],
    ]);
  });

  it("GRUCell: gates/ and candidate/ kernels and biases, gate bias starting at 1", () => {
    const { inputs } = sequence();
    tf.nn.staticRnn(new GRUCell(6), inputs, { dtype: tf.float32 });
    expect(variableTable()).toEqual([
      ["rnn/gru_cell/gates/kernel:0", "(10, 12)"],
      ["rnn/gru_cell/gates/bias:0", "(12,)"],
      ["rnn/gru_cell/candidate/kernel:0", "(10, 6)"],
      ["rnn/gru_cell/candidate/bias:0", "(6,)"],
    ]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const [gb, cb] = [
      tf.getDefaultGraph().getTensorByName("rnn/gru_cell/gates/bias:0"),
      tf.getDefaultGraph().getTensorByName("rnn/gru_cell/candidate/bias:0"),
    ];
    expect(flat(sess.run(gb))).toEqual(new Array(12).fill(1));
    expect(flat(sess.run(cb))).toEqual(new Array(6).fill(0));
  });

  it("MultiRNNCell: rnn/multi_rnn_cell/cell_<i>/<cell>/…", () => {
    const { inputs } = sequence();
    const cell = new MultiRNNCell([new BasicLSTMCell(6), new BasicLSTMCell(5), new GRUCell(2)]);
    tf.nn.staticRnn(cell, inputs, { dtype: tf.float32 });
    expect(variableTable()).toEqual([
      ["rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel:0", "(10, 24)"],
      ["rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias:0", "(24,)"],
      ["rnn/multi_rnn_cell/cell_1/basic_lstm_cell/kernel:0", "(11, 20)"],
      ["rnn/multi_rnn_cell/cell_1/basic_lstm_cell/bias:0", "(20,)"],
      ["rnn/multi_rnn_cell/cell_2/gru_cell/gates/kernel:0", "(7, 4)"],
      ["rnn/multi_rnn_cell/cell_2/gru_cell/gates/bias:0", "(4,)"],
      ["rnn/multi_rnn_cell/cell_2/gru_cell/candidate/kernel:0", "(7, 2)"],
      ["rnn/multi_rnn_cell/cell_2/gru_cell/candidate/bias:0", "(2,)"],
    ]);
    expect(cell.trainableWeights.map((v) => v.name)).toEqual(
      tf.trainableVariables().map((v) => v.name),
    );
    expect(cell.scopeName).toBe("rnn/multi_rnn_cell");
  });

  it("a scope option and a cell name choose the prefixes", () => {
    const { inputs } = sequence();
    tf.variableScope("encoder", () =>
      tf.nn.staticRnn(new BasicLSTMCell(3, { name: "lstm" }), inputs, {
        dtype: tf.float32,
        scope: "enc_rnn",
      }),
    );
    expect(variableTable().map(([n]) => n)).toEqual([
      "encoder/enc_rnn/lstm/kernel:0",
      "encoder/enc_rnn/lstm/bias:0",
    ]);
  });

  it("a cell called on its own lives in <cell name>/ under the current scope", () => {
    const x = tf.placeholder(tf.float32, [2, DEPTH]);
    const cell = new BasicLSTMCell(3);
    const [out, state] = cell.call(x, cell.zeroState(2, tf.float32));
    expect(variableTable().map(([n]) => n)).toEqual([
      "basic_lstm_cell/kernel:0",
      "basic_lstm_cell/bias:0",
    ]);
    expect(out.op.name).toBe("basic_lstm_cell/Mul_2");
    expect(state.c.op.name).toBe("basic_lstm_cell/Add_1");
    // A second cell of the same class gets the next scope; apply() is call().
    const other = new BasicLSTMCell(3);
    other.apply(x, other.zeroState(2, tf.float32));
    expect(tf.trainableVariables().map((v) => v.name)).toContain("basic_lstm_cell_1/kernel:0");
  });
});

describe("one set of weights for every time step", () => {
  it("creates the weights at step 0 and reuses them, naming ops as TensorFlow does", () => {
    const { inputs } = sequence();
    const cell = new BasicLSTMCell(6);
    const [outputs, state] = tf.nn.staticRnn(cell, inputs, { dtype: tf.float32 });
    expect(tf.trainableVariables()).toHaveLength(2);
    expect(cell.trainableWeights).toHaveLength(2);
    expect(outputs).toHaveLength(STEPS);
    const ops = tf
      .getDefaultGraph()
      .getOperations()
      .map((o) => o.name);
    expect(ops).toContain("rnn/basic_lstm_cell/MatMul");
    expect(ops).toContain("rnn/basic_lstm_cell/MatMul_1");
    expect(ops).toContain("rnn/basic_lstm_cell/MatMul_4");
    expect(ops).not.toContain("rnn/basic_lstm_cell/MatMul_5");
    expect(ops).toContain("rnn/basic_lstm_cell/concat");
    expect(ops).toContain("rnn/basic_lstm_cell/BiasAdd_1");
    expect(ops).toContain("rnn/basic_lstm_cell/split");
    expect(outputs[0]?.op.name).toBe("rnn/basic_lstm_cell/Mul_2");
    expect(outputs[1]?.op.name).toBe("rnn/basic_lstm_cell/Mul_5");
    expect(state.h).toBe(outputs[STEPS - 1]);
    expect(outputs[0]?.shape.toString()).toBe(`(${BATCH}, 6)`);
    // Every MatMul reads the same kernel.
    const kernelRead = tf.getDefaultGraph().getTensorByName("rnn/basic_lstm_cell/kernel/read:0");
    const matmuls = tf
      .getDefaultGraph()
      .getOperations()
      .filter((o) => o.type === "MatMul");
    expect(matmuls).toHaveLength(STEPS);
    for (const m of matmuls) expect(m.inputs[1]).toBe(kernelRead);
  });

  it("MultiRNNCell ops sit under rnn/rnn/multi_rnn_cell/ (the cell's captured scope)", () => {
    const { inputs } = sequence();
    const cell = new MultiRNNCell([new BasicLSTMCell(3), new BasicLSTMCell(3)]);
    tf.nn.staticRnn(cell, inputs, { dtype: tf.float32 });
    const ops = tf
      .getDefaultGraph()
      .getOperations()
      .map((o) => o.name);
    expect(ops).toContain("rnn/rnn/multi_rnn_cell/cell_0/basic_lstm_cell/MatMul");
    expect(ops).toContain("rnn/rnn/multi_rnn_cell/cell_1/basic_lstm_cell/MatMul_4");
    expect(tf.trainableVariables()).toHaveLength(4);
  });

  it("a second staticRnn in the same scope is refused, as in TensorFlow, unless reusing", () => {
    const { inputs } = sequence();
    tf.nn.staticRnn(new BasicLSTMCell(3), inputs, { dtype: tf.float32 });
    expect(() => tf.nn.staticRnn(new BasicLSTMCell(3), inputs, { dtype: tf.float32 })).toThrow(
      /Variable rnn\/basic_lstm_cell\/kernel already exists, disallowed/,
    );
    tf.variableScope("rnn", { reuse: true }, (scope) =>
      tf.nn.staticRnn(new BasicLSTMCell(3), inputs, { dtype: tf.float32, scope }),
    );
    expect(tf.trainableVariables()).toHaveLength(2);
  });

  it("the same cell object run twice shares its weights", () => {
    const { inputs } = sequence();
    const cell = new GRUCell(4);
    tf.nn.staticRnn(cell, inputs, { dtype: tf.float32, scope: "first" });
    tf.nn.staticRnn(cell, inputs, { dtype: tf.float32, scope: "second" });
    expect(tf.trainableVariables().map((v) => v.name)).toEqual([
      "first/gru_cell/gates/kernel:0",
      "first/gru_cell/gates/bias:0",
      "first/gru_cell/candidate/kernel:0",
      "first/gru_cell/candidate/bias:0",
    ]);
  });

  it("a TF-style cell creating its weights with getVariable in call() is reused too", () => {
    class MyCell extends tf.nn.rnnCell.RNNCell<tf.Tensor> {
      get stateSize(): number {
        return 3;
      }
      get outputSize(): number {
        return 3;
      }
      call(inputs: tf.Tensor, state: tf.Tensor): [tf.Tensor, tf.Tensor] {
        const w = tf.getVariable("w", [DEPTH + 3, 3]);
        const out = tf.tanh(tf.matmul(tf.concat([inputs, state], 1), w));
        return [out, out];
      }
    }
    const { inputs } = sequence();
    const cell = new MyCell();
    tf.nn.staticRnn(cell, inputs, { dtype: tf.float32 });
    expect(tf.trainableVariables().map((v) => v.name)).toEqual(["rnn/my_cell/w:0"]);
    expect(cell.trainableWeights.map((v) => v.name)).toEqual(["rnn/my_cell/w:0"]);
  });
});

describe("zeroState", () => {
  it("has the state's structure and shapes, under <Class>ZeroState/", () => {
    const lstm = new BasicLSTMCell(4);
    const s = lstm.zeroState(3, tf.float32);
    expect(s.c.shape.toString()).toBe("(3, 4)");
    expect(s.h.shape.toString()).toBe("(3, 4)");
    expect(s.c.op.name).toBe("BasicLSTMCellZeroState/zeros");
    expect(s.h.op.name).toBe("BasicLSTMCellZeroState/zeros_1");
    expect(new LSTMCell(4, { numProj: 2 }).zeroState(3, tf.float32).h.shape.toString()).toBe(
      "(3, 2)",
    );
    expect(new GRUCell(5).zeroState(2, tf.float32).shape.toString()).toBe("(2, 5)");
    const notTuple = new BasicLSTMCell<tf.Tensor>(4, { stateIsTuple: false });
    expect(notTuple.zeroState(3, tf.float32).shape.toString()).toBe("(3, 8)");
    const multi = new MultiRNNCell([new BasicLSTMCell(4), new BasicRNNCell(2)]);
    const ms = multi.zeroState(3, tf.float32) as [{ c: tf.Tensor; h: tf.Tensor }, tf.Tensor];
    expect(ms).toHaveLength(2);
    expect(ms[0].c.op.name).toBe("MultiRNNCellZeroState/BasicLSTMCellZeroState/zeros");
    expect(ms[1].shape.toString()).toBe("(3, 2)");
    using sess = new tf.Session();
    expect(sess.run(s.c).toArray()).toEqual(new Array(3).fill(new Array(4).fill(0)));
  });

  it("follows a batch size known only at run time", () => {
    const x = tf.placeholder(tf.float32, [null, DEPTH]);
    const cell = new BasicLSTMCell(4);
    const s = cell.getInitialState({ inputs: x });
    expect(s.c.shape.toString()).toBe("(?, 4)");
    using sess = new tf.Session();
    const value = sess.run(s, new Map([[x, randomMatrix(7, DEPTH, rng(3))]]));
    expect(value.c.shape).toEqual([7, 4]);
    expect(flat(value.h).every((v) => v === 0)).toBe(true);
    // The same through staticRnn with unknown batch.
    const { inputs, feed } = sequence(2, null);
    const [outputs, state] = tf.nn.staticRnn(new BasicLSTMCell(4), inputs, {
      dtype: tf.float32,
    });
    expect(outputs[0]?.shape.toString()).toBe("(?, 4)");
    sess.run(tf.globalVariablesInitializer());
    const r = sess.run([outputs, state] as const, feed);
    expect(r[1].c.shape).toEqual([BATCH, 4]);
  });
});

describe("numbers: each cell equals the same cell written in tfjs-core", () => {
  it("BasicRNNCell", () => {
    const { inputs, values, feed } = sequence(11);
    const cell = new BasicRNNCell(5);
    const [outputs, state] = tf.nn.staticRnn(cell, inputs, { dtype: tf.float32 });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const [kernel, bias] = cell.trainableWeights as [tf.Variable, tf.Variable];
    randomize(sess, bias, rng(5));
    const [k, b] = [valueOf(sess, kernel), valueOf(sess, bias)];
    const got = sess.run([outputs, state] as const, feed);
    let h = tfc.zeros([BATCH, 5]);
    values.forEach((x, t) => {
      h = basicRnnStep(x, h, k, b);
      expectAllClose(flat(got[0][t] as tf.NDArray), flat(h));
    });
    expectAllClose(flat(got[1]), flat(h));
  });

  it("BasicLSTMCell (tuple state and concatenated state agree)", () => {
    const { inputs, values, feed } = sequence(12);
    const cell = new BasicLSTMCell(5, { forgetBias: 0.7 });
    const [outputs, state] = tf.nn.staticRnn(cell, inputs, { dtype: tf.float32 });
    const flatCell = new BasicLSTMCell<tf.Tensor>(5, { forgetBias: 0.7, stateIsTuple: false });
    const [outputs2, state2] = tf.nn.staticRnn(flatCell, inputs, {
      dtype: tf.float32,
      scope: "flat",
    });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const [kernel, bias] = cell.trainableWeights as [tf.Variable, tf.Variable];
    randomize(sess, bias, rng(6));
    const [k, b] = [valueOf(sess, kernel), valueOf(sess, bias)];
    const [kernel2, bias2] = flatCell.trainableWeights as [tf.Variable, tf.Variable];
    kernel2.load(k.arraySync(), sess);
    bias2.load(b.arraySync(), sess);
    const got = sess.run([outputs, state, outputs2, state2] as const, feed);
    let s = { c: tfc.zeros([BATCH, 5]), h: tfc.zeros([BATCH, 5]) };
    values.forEach((x, t) => {
      s = basicLstmStep(x, s, k, b, 0.7);
      expectAllClose(flat(got[0][t] as tf.NDArray), flat(s.h));
      expectAllClose(flat(got[2][t] as tf.NDArray), flat(s.h));
    });
    expectAllClose(flat(got[1].c), flat(s.c));
    expectAllClose(flat(got[1].h), flat(s.h));
    expectAllClose(flat(got[3]), flat(tfc.concat([s.c, s.h], 1)));
  });

  it("LSTMCell with peepholes, cell clipping and a clipped projection", () => {
    const { inputs, values, feed } = sequence(13);
    const cell = new LSTMCell(6, { usePeepholes: true, cellClip: 0.4, numProj: 3, projClip: 0.2 });
    const [outputs, state] = tf.nn.staticRnn(cell, inputs, { dtype: tf.float32 });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const [kernel, bias, wf, wi, wo, proj] = cell.trainableWeights as tf.Variable[];
    const next = rng(7);
    for (const v of [bias, wf, wi, wo] as tf.Variable[]) randomize(sess, v, next);
    const w = {
      kernel: valueOf(sess, kernel as tf.Variable),
      bias: valueOf(sess, bias as tf.Variable),
      wf: valueOf(sess, wf as tf.Variable),
      wi: valueOf(sess, wi as tf.Variable),
      wo: valueOf(sess, wo as tf.Variable),
      proj: valueOf(sess, proj as tf.Variable),
    };
    const got = sess.run([outputs, state] as const, feed);
    let s = { c: tfc.zeros([BATCH, 6]), h: tfc.zeros([BATCH, 3]) };
    values.forEach((x, t) => {
      s = lstmStep(x, s, w, { cellClip: 0.4, projClip: 0.2 });
      expectAllClose(flat(got[0][t] as tf.NDArray), flat(s.h));
    });
    expectAllClose(flat(got[1].c), flat(s.c));
    expect(Math.max(...flat(got[1].c).map(Math.abs))).toBeLessThanOrEqual(0.4 + 1e-6);
  });

  it("LSTMCell without extras matches BasicLSTMCell's formula", () => {
    const { inputs, values, feed } = sequence(14);
    const cell = new LSTMCell(4);
    const [outputs] = tf.nn.staticRnn(cell, inputs, { dtype: tf.float32 });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const [kernel, bias] = cell.trainableWeights as [tf.Variable, tf.Variable];
    randomize(sess, bias, rng(8));
    const [k, b] = [valueOf(sess, kernel), valueOf(sess, bias)];
    const got = sess.run(outputs, feed);
    let s = { c: tfc.zeros([BATCH, 4]), h: tfc.zeros([BATCH, 4]) };
    values.forEach((x, t) => {
      s = basicLstmStep(x, s, k, b);
      expectAllClose(flat(got[t] as tf.NDArray), flat(s.h));
    });
  });

  it("GRUCell", () => {
    const { inputs, values, feed } = sequence(15);
    const cell = new GRUCell(5);
    const [outputs, state] = tf.nn.staticRnn(cell, inputs, { dtype: tf.float32 });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const [gk, gb, ck, cb] = cell.trainableWeights as tf.Variable[];
    randomize(sess, gb as tf.Variable, rng(9));
    randomize(sess, cb as tf.Variable, rng(10));
    const w = {
      gk: valueOf(sess, gk as tf.Variable),
      gb: valueOf(sess, gb as tf.Variable),
      ck: valueOf(sess, ck as tf.Variable),
      cb: valueOf(sess, cb as tf.Variable),
    };
    const got = sess.run([outputs, state] as const, feed);
    let h = tfc.zeros([BATCH, 5]);
    values.forEach((x, t) => {
      h = gruStep(x, h, w);
      expectAllClose(flat(got[0][t] as tf.NDArray), flat(h));
    });
    expectAllClose(flat(got[1]), flat(h));
  });

  it("MultiRNNCell feeds each layer's output to the next", () => {
    const { inputs, values, feed } = sequence(16);
    const cell = new MultiRNNCell([new BasicLSTMCell(5), new BasicRNNCell(3)]);
    const [outputs, state] = tf.nn.staticRnn(cell, inputs, { dtype: tf.float32 });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const [k0, b0, k1, b1] = cell.trainableWeights as tf.Variable[];
    randomize(sess, b0 as tf.Variable, rng(11));
    randomize(sess, b1 as tf.Variable, rng(12));
    const [K0, B0, K1, B1] = [k0, b0, k1, b1].map((v) =>
      valueOf(sess, v as tf.Variable),
    ) as tfc.Tensor[];
    const got = sess.run([outputs, state] as const, feed);
    let s0 = { c: tfc.zeros([BATCH, 5]), h: tfc.zeros([BATCH, 5]) };
    let s1 = tfc.zeros([BATCH, 3]);
    values.forEach((x, t) => {
      s0 = basicLstmStep(x, s0, K0 as tfc.Tensor, B0 as tfc.Tensor);
      s1 = basicRnnStep(s0.h, s1, K1 as tfc.Tensor, B1 as tfc.Tensor);
      expectAllClose(flat(got[0][t] as tf.NDArray), flat(s1));
    });
    const [gs0, gs1] = got[1] as unknown as [{ c: tf.NDArray; h: tf.NDArray }, tf.NDArray];
    expectAllClose(flat(gs0.c), flat(s0.c));
    expectAllClose(flat(gs1), flat(s1));
  });

  it("LSTMCell with a concatenated state equals the tuple-state cell", () => {
    const { inputs, feed } = sequence(18);
    const a = new LSTMCell(4, { numProj: 2 });
    const b = new LSTMCell<tf.Tensor>(4, { numProj: 2, stateIsTuple: false });
    const [outA, stateA] = tf.nn.staticRnn(a, inputs, { dtype: tf.float32, scope: "a" });
    const [outB, stateB] = tf.nn.staticRnn(b, inputs, { dtype: tf.float32, scope: "b" });
    expect(stateB.shape.toString()).toBe(`(${BATCH}, 6)`);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    a.trainableWeights.forEach((v, i) => {
      (b.trainableWeights[i] as tf.Variable).load(valueOf(sess, v).arraySync(), sess);
    });
    const got = sess.run([outA, stateA, outB, stateB] as const, feed);
    got[0].forEach((o, t) => expectAllClose(flat(got[2][t] as tf.NDArray), flat(o)));
    expectAllClose(flat(got[3]), [
      ...Array.from({ length: BATCH }, (_, r) => [
        ...flat(got[1].c).slice(r * 4, r * 4 + 4),
        ...flat(got[1].h).slice(r * 2, r * 2 + 2),
      ]).flat(),
    ]);
  });

  it("a given initialState is where the recurrence starts", () => {
    const { inputs, values, feed } = sequence(17);
    const c0 = tf.constant(randomMatrix(BATCH, 4, rng(20)));
    const h0 = tf.constant(randomMatrix(BATCH, 4, rng(21)));
    const cell = new BasicLSTMCell(4);
    const [outputs] = tf.nn.staticRnn(cell, inputs, {
      initialState: tf.nn.rnnCell.LSTMStateTuple(c0, h0),
    });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const [kernel, bias] = cell.trainableWeights as [tf.Variable, tf.Variable];
    const [k, b] = [valueOf(sess, kernel), valueOf(sess, bias)];
    const got = sess.run(outputs, feed);
    let s = { c: valueOf(sess, c0), h: valueOf(sess, h0) };
    values.forEach((x, t) => {
      s = basicLstmStep(x, s, k, b);
      expectAllClose(flat(got[t] as tf.NDArray), flat(s.h));
    });
  });
});

describe("all or nothing", () => {
  it("a staticRnn that fails at a later step leaves the graph and the cell as they were", () => {
    const { inputs } = sequence();
    const bad = [...inputs.slice(0, 2), tf.placeholder(tf.float32, [BATCH, DEPTH + 1])];
    const cell = new BasicLSTMCell(3);
    const graph = tf.getDefaultGraph();
    const before = graph.opCount;
    expect(() => tf.nn.staticRnn(cell, bad, { dtype: tf.float32 })).toThrow(tf.errors.ValueError);
    expect(graph.opCount).toBe(before);
    expect(tf.globalVariables()).toHaveLength(0);
    expect(cell.built).toBe(false);
    expect(cell.trainableWeights).toHaveLength(0);
    expect(() => cell.scopeName).toThrow(/has not been used yet/);
    // The same cell then builds normally, with the names a first attempt would have had.
    const [outputs] = tf.nn.staticRnn(cell, inputs, { dtype: tf.float32 });
    expect(tf.globalVariables().map((v) => v.name)).toEqual([
      "rnn/basic_lstm_cell/kernel:0",
      "rnn/basic_lstm_cell/bias:0",
    ]);
    expect(outputs[0]?.op.name).toBe("rnn/basic_lstm_cell/Mul_2");
  });
});

describe("errors as TensorFlow raises them", () => {
  it("staticRnn argument checks", () => {
    const { inputs } = sequence();
    const cell = new BasicRNNCell(2);
    expect(() => tf.nn.staticRnn(cell, inputs)).toThrow(
      new tf.errors.ValueError("If no initial_state is provided, dtype must be specified"),
    );
    expect(() => tf.nn.staticRnn(cell, [], { dtype: tf.float32 })).toThrow(
      "inputs must not be empty",
    );
    expect(() =>
      tf.nn.staticRnn(cell, inputs[0] as unknown as tf.Tensor[], { dtype: tf.float32 }),
    ).toThrow(new TypeError("inputs must be a sequence"));
    expect(() =>
      tf.nn.staticRnn({} as unknown as tf.nn.rnnCell.RNNCell, inputs, { dtype: tf.float32 }),
    ).toThrow(/The argument 'cell' .* is not an RNNCell: 'output_size' property is missing/);
    const unknownDepth = tf.placeholder(tf.float32, [2, null]);
    expect(() => tf.nn.staticRnn(cell, [unknownDepth], { dtype: tf.float32 })).toThrow(
      "Input size (dimension 0 of inputs) must be accessible via shape inference, but saw value None.",
    );
    expect(() =>
      tf.nn.staticRnn(cell, inputs, { dtype: tf.float32, sequenceLength: [[1]], scope: "s" }),
    ).toThrow("sequence_length must be a vector of length batch_size");
  });

  it("cells check the input rank and dtype", () => {
    const cell = new BasicLSTMCell(2);
    const x3 = tf.placeholder(tf.float32, [null, 3, 4]);
    expect(() => cell.call(x3, cell.zeroState(1, tf.float32))).toThrow(
      /^Input 0 of layer basic_lstm_cell_\d+ is incompatible with the layer: expected ndim=2, found ndim=3\. Full shape received: \[None, 3, 4\]$/,
    );
    expect(() => new GRUCell(2, { dtype: tf.int32 })).toThrow(
      "RNN cell only supports floating point inputs, but saw dtype: <dtype: 'int32'>",
    );
    expect(() => new BasicRNNCell(0)).toThrow(TypeError);
    expect(() => new MultiRNNCell([])).toThrow("Must specify at least one cell for MultiRNNCell.");
    expect(() => new MultiRNNCell([new BasicLSTMCell(2)], { stateIsTuple: false })).toThrow(
      /Some cells return tuples of states, but the flag state_is_tuple is not set/,
    );
    expect(() => new BasicRNNCell(2).scopeName).toThrow(/has not been used yet/);
  });
});
