import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectAllClose, flat, randomMatrix, randomize, rng, valueOf } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

describe("tf.contrib.rnn.LSTMBlockCell", () => {
  it("names its variables lstm_cell/kernel and lstm_cell/bias, with TF's shapes", () => {
    const x = tf.placeholder(tf.float32, [2, 3]);
    const cell = new tf.contrib.rnn.LSTMBlockCell(4, { usePeephole: true });
    const state = cell.zeroState(2, tf.float32);
    expect(state.c.op.name).toBe("LSTMBlockCellZeroState/zeros");
    cell.call(x, state);
    const vars = tf.globalVariables();
    expect(vars.map((v) => v.name).sort()).toEqual([
      "lstm_cell/bias:0",
      "lstm_cell/kernel:0",
      "lstm_cell/w_f_diag:0",
      "lstm_cell/w_i_diag:0",
      "lstm_cell/w_o_diag:0",
    ]);
    const byName = new Map(vars.map((v) => [v.name, v.shape.toString()]));
    expect(byName.get("lstm_cell/kernel:0")).toBe("(7, 16)");
    expect(byName.get("lstm_cell/bias:0")).toBe("(16,)");
  });

  it("computes what LSTMCell computes with the same weights (peepholes, clip, forget bias)", () => {
    const x = tf.placeholder(tf.float32, [3, 2]);
    const value = randomMatrix(3, 2, rng(1));
    const block = new tf.contrib.rnn.LSTMBlockCell(4, 0.5, 0.3, true);
    const plain = new tf.nn.rnnCell.LSTMCell(4, {
      usePeepholes: true,
      cellClip: 0.3,
      forgetBias: 0.5,
      name: "plain",
    });
    const [outB, stateB] = tf.nn.staticRnn(block, [x, x], { dtype: tf.float32, scope: "a" });
    const [outP, stateP] = tf.nn.staticRnn(plain, [x, x], { dtype: tf.float32, scope: "b" });
    expect(tf.globalVariables()[0]?.name).toBe("a/lstm_cell/kernel:0");
    const loss = tf.reduceSum(tf.square(outB[1]!));
    const grads = tf.gradients(loss, block.trainableWeights as tf.Variable[]);
    expect(grads.every((g) => g !== null)).toBe(true);

    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const next = rng(2);
    for (const v of block.trainableWeights as tf.Variable[]) {
      randomize(sess, v, next);
      const suffix = v.name.slice(v.name.lastIndexOf("/"));
      const twin = (plain.trainableWeights as tf.Variable[]).find((p) => p.name.endsWith(suffix));
      twin!.load(valueOf(sess, v).arraySync(), sess);
    }
    const feed = new Map<tf.Tensor, unknown>([[x, value]]);
    const got = sess.run([outB, stateB, outP, stateP] as const, feed);
    got[0].forEach((o, t) => expectAllClose(flat(o), flat(got[2][t]!)));
    expectAllClose(flat(got[1].c), flat(got[3].c));
    expect(flat(got[1].c).every((c) => Math.abs(c) <= 0.3 + 1e-6)).toBe(true);
    for (const g of sess.run(grads as tf.Tensor[], feed)) {
      expect(flat(g).some((v) => v !== 0)).toBe(true);
    }
  });
});
