/**
 * README/API.md: every recurrent cell's variables named as TensorFlow names them, under
 * tf.nn.dynamicRnn (the loop) as under staticRnn, on a [3,5,4] batch, with the output and
 * state shapes TF infers and each cell's body ops under rnn/while/<cell>/.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

const { BasicRNNCell, BasicLSTMCell, LSTMCell, GRUCell, MultiRNNCell } = tf.nn.rnnCell;

beforeEach(() => tf.resetDefaultGraph());

function table(): string[] {
  return tf.globalVariables().map((v) => `${v.name} ${v.shape.toString()}`);
}

function bodyOps(type: string): string[] {
  return tf
    .getDefaultGraph()
    .getOperations()
    .filter((o) => o.name.startsWith("rnn/while/") && o.type === type)
    .map((o) => o.name);
}

describe("dynamicRnn variable names for every cell type, input [3,5,4]", () => {
  const x = () => tf.placeholder(tf.float32, [3, 5, 4], { name: "x" });

  it("BasicRNNCell(6)", () => {
    const [out, state] = tf.nn.dynamicRnn(new BasicRNNCell(6), x(), { dtype: tf.float32 });
    expect(table()).toEqual([
      "rnn/basic_rnn_cell/kernel:0 (10, 6)",
      "rnn/basic_rnn_cell/bias:0 (6,)",
    ]);
    expect(out.shape.toString()).toBe("(3, 5, 6)");
    expect((state as tf.Tensor).shape.toString()).toBe("(3, 6)");
    expect(bodyOps("MatMul")).toEqual(["rnn/while/basic_rnn_cell/MatMul"]);
  });

  it("GRUCell(6)", () => {
    const [out, state] = tf.nn.dynamicRnn(new GRUCell(6), x(), { dtype: tf.float32 });
    expect(table()).toEqual([
      "rnn/gru_cell/gates/kernel:0 (10, 12)",
      "rnn/gru_cell/gates/bias:0 (12,)",
      "rnn/gru_cell/candidate/kernel:0 (10, 6)",
      "rnn/gru_cell/candidate/bias:0 (6,)",
    ]);
    expect(out.shape.toString()).toBe("(3, 5, 6)");
    expect((state as tf.Tensor).shape.toString()).toBe("(3, 6)");
    expect(bodyOps("MatMul")).toEqual(["rnn/while/gru_cell/MatMul", "rnn/while/gru_cell/MatMul_1"]);
  });

  it("BasicLSTMCell(6) and LSTMCell(6): tuple states {c, h}", () => {
    const [out, state] = tf.nn.dynamicRnn(new LSTMCell(6), x(), { dtype: tf.float32 });
    expect(table()).toEqual(["rnn/lstm_cell/kernel:0 (10, 24)", "rnn/lstm_cell/bias:0 (24,)"]);
    expect(out.shape.toString()).toBe("(3, 5, 6)");
    const s = state as { c: tf.Tensor; h: tf.Tensor };
    expect([s.c.shape.toString(), s.h.shape.toString()]).toEqual(["(3, 6)", "(3, 6)"]);
    expect(bodyOps("MatMul")).toEqual(["rnn/while/lstm_cell/MatMul"]);
    tf.variableScope("second", () =>
      tf.nn.dynamicRnn(new BasicLSTMCell(6), x(), { dtype: tf.float32 }),
    );
    expect(table().slice(2)).toEqual([
      "second/rnn/basic_lstm_cell/kernel:0 (10, 24)",
      "second/rnn/basic_lstm_cell/bias:0 (24,)",
    ]);
  });

  it("LSTMCell with peepholes and a projection", () => {
    const cell = new LSTMCell(6, { usePeepholes: true, numProj: 2 });
    const [out, state] = tf.nn.dynamicRnn(cell, x(), { dtype: tf.float32 });
    expect(table()).toEqual([
      "rnn/lstm_cell/kernel:0 (6, 24)",
      "rnn/lstm_cell/bias:0 (24,)",
      "rnn/lstm_cell/w_f_diag:0 (6,)",
      "rnn/lstm_cell/w_i_diag:0 (6,)",
      "rnn/lstm_cell/w_o_diag:0 (6,)",
      "rnn/lstm_cell/projection/kernel:0 (6, 2)",
    ]);
    expect(out.shape.toString()).toBe("(3, 5, 2)");
    const s = state as { c: tf.Tensor; h: tf.Tensor };
    expect([s.c.shape.toString(), s.h.shape.toString()]).toEqual(["(3, 6)", "(3, 2)"]);
  });

  it("MultiRNNCell of every kind: cell_<i>/<cell>/…", () => {
    const cell = new MultiRNNCell([
      new BasicRNNCell(3),
      new GRUCell(5),
      new LSTMCell(4),
      new BasicLSTMCell(2),
    ]);
    const [out, state] = tf.nn.dynamicRnn(cell, x(), { dtype: tf.float32 });
    expect(table()).toEqual([
      "rnn/multi_rnn_cell/cell_0/basic_rnn_cell/kernel:0 (7, 3)",
      "rnn/multi_rnn_cell/cell_0/basic_rnn_cell/bias:0 (3,)",
      "rnn/multi_rnn_cell/cell_1/gru_cell/gates/kernel:0 (8, 10)",
      "rnn/multi_rnn_cell/cell_1/gru_cell/gates/bias:0 (10,)",
      "rnn/multi_rnn_cell/cell_1/gru_cell/candidate/kernel:0 (8, 5)",
      "rnn/multi_rnn_cell/cell_1/gru_cell/candidate/bias:0 (5,)",
      "rnn/multi_rnn_cell/cell_2/lstm_cell/kernel:0 (9, 16)",
      "rnn/multi_rnn_cell/cell_2/lstm_cell/bias:0 (16,)",
      "rnn/multi_rnn_cell/cell_3/basic_lstm_cell/kernel:0 (6, 8)",
      "rnn/multi_rnn_cell/cell_3/basic_lstm_cell/bias:0 (8,)",
    ]);
    expect(out.shape.toString()).toBe("(3, 5, 2)");
    const states = state as unknown as [tf.Tensor, tf.Tensor, { c: tf.Tensor }, { h: tf.Tensor }];
    expect(states).toHaveLength(4);
    expect(states[0].shape.toString()).toBe("(3, 3)");
    expect(states[1].shape.toString()).toBe("(3, 5)");
    expect(states[2].c.shape.toString()).toBe("(3, 4)");
    expect(states[3].h.shape.toString()).toBe("(3, 2)");
    expect(bodyOps("MatMul")[0]).toBe("rnn/while/rnn/multi_rnn_cell/cell_0/basic_rnn_cell/MatMul");
  });
});
