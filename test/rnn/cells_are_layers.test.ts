/**
 * RNN cells are layers, as in TF 1.15 (`rnn_cell_impl.RNNCell` extends `tf.layers.Layer`):
 * one naming counter, one weight tracking, one `addWeight`, one activation registry and one
 * undo of a failed building call serve `tf.layers` and `tf.nn.rnnCell` alike.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

const { BasicRNNCell, BasicLSTMCell, GRUCell, MultiRNNCell, RNNCell, LayerRNNCell } = tf.nn.rnnCell;

beforeEach(() => tf.resetDefaultGraph());

const names = (vs: tf.Variable[]): string[] => vs.map((v) => v.name);

function step<S>(cell: tf.nn.rnnCell.RNNCell<S>, depth = 3): [tf.Tensor, S] {
  return cell.call(tf.placeholder(tf.float32, [2, depth]), cell.zeroState(2, tf.float32));
}

describe("a cell is a tf.layers.Layer", () => {
  it("is an instance of tf.layers.Layer, with the layer's weights, variables and losses", () => {
    const cell = new BasicLSTMCell(4);
    expect(cell).toBeInstanceOf(tf.layers.Layer);
    expect(cell.weights).toEqual([]);
    step(cell);
    expect(names(cell.weights)).toEqual(["basic_lstm_cell/kernel:0", "basic_lstm_cell/bias:0"]);
    expect(cell.variables).toEqual(cell.weights);
    expect(cell.trainableWeights).toEqual(cell.weights);
    expect(cell.trainableVariables).toEqual(cell.weights);
    expect(cell.nonTrainableWeights).toEqual([]);
    expect(cell.nonTrainableVariables).toEqual([]);
    expect(cell.updates).toEqual([]);
    expect(cell.losses).toEqual([]);
    expect(cell.scopeName).toBe("basic_lstm_cell");
    expect(cell.variableScope?.name).toBe("basic_lstm_cell");
    expect(cell.dtype).toBe("float32");
  });

  it("trainable: false puts its weights among the non-trainable ones, as for any layer", () => {
    const cell = new GRUCell(2, { trainable: false });
    step(cell);
    expect(cell.trainableWeights).toEqual([]);
    expect(names(cell.nonTrainableWeights)).toEqual([
      "gru_cell/gates/kernel:0",
      "gru_cell/gates/bias:0",
      "gru_cell/candidate/kernel:0",
      "gru_cell/candidate/bias:0",
    ]);
    expect(tf.trainableVariables()).toEqual([]);
  });

  it("a MultiRNNCell's weights are its cells' (the layers it holds), each once", () => {
    const a = new BasicRNNCell(2);
    const b = new GRUCell(2);
    const stack = new MultiRNNCell([a, b]);
    tf.nn.staticRnn(stack, [tf.placeholder(tf.float32, [1, 3])], { dtype: tf.float32 });
    expect(stack.weights).toEqual([...a.weights, ...b.weights]);
    expect(names(stack.trainableWeights)).toEqual(names(tf.trainableVariables()));
    stack.trainable = false;
    expect(stack.trainableWeights).toEqual([]);
    expect(stack.nonTrainableWeights).toEqual([...a.weights, ...b.weights]);
  });

  it("addWeight and addVariable are the layer's, regularizer and all", () => {
    class Scale extends LayerRNNCell<tf.Tensor> {
      w: tf.Variable | null = null;
      get stateSize(): number {
        return 3;
      }
      get outputSize(): number {
        return 3;
      }
      override build(): void {
        const regularizer: tf.Regularizer = (v) => tf.reduceSum(v);
        this.w = this.addVariable("w", [3], { initializer: tf.onesInitializer(), regularizer });
      }
      call(inputs: tf.Tensor, state: tf.Tensor): [tf.Tensor, tf.Tensor] {
        const out = tf.add(tf.multiply(inputs, this.w as tf.Variable), state);
        return [out, out];
      }
    }
    const cell = new Scale();
    step(cell);
    expect(names(cell.weights)).toEqual(["scale/w:0"]);
    expect(cell.losses).toHaveLength(1);
    expect(cell.losses[0]?.op.name).toBe("scale/w/Regularizer/Sum");
    expect(tf.getCollection(tf.GraphKeys.REGULARIZATION_LOSSES)).toEqual(cell.losses);
  });
});

describe("names: one per-graph counter for layers and cells (Keras's unique_object_name)", () => {
  it("numbers unnamed cells per class name, as unnamed layers", () => {
    expect(new BasicLSTMCell(2).name).toBe("basic_lstm_cell_1");
    expect(new BasicLSTMCell(2).name).toBe("basic_lstm_cell_2");
    expect(new GRUCell(2).name).toBe("gru_cell_1");
    expect(new tf.layers.Dense(2).name).toBe("dense_1");
    expect(new BasicLSTMCell(2, { name: "enc" }).name).toBe("enc");
    tf.resetDefaultGraph();
    expect(new BasicLSTMCell(2).name).toBe("basic_lstm_cell_1");
  });

  it("a layer class and a cell class of the same name share the counter", () => {
    const LayerThing = class MyThing extends tf.layers.Layer {
      protected call(inputs: tf.Tensor): tf.Tensor {
        return inputs;
      }
    };
    const CellThing = class MyThing extends RNNCell<tf.Tensor> {
      get stateSize(): number {
        return 3;
      }
      get outputSize(): number {
        return 3;
      }
      call(inputs: tf.Tensor, state: tf.Tensor): [tf.Tensor, tf.Tensor] {
        return [inputs, state];
      }
    };
    expect(new LayerThing().name).toBe("my_thing_1");
    expect(new CellThing().name).toBe("my_thing_2");
    expect(new LayerThing().name).toBe("my_thing_3");
  });

  it("a subclass of a built-in cell is named after its own class, as type(self).__name__", () => {
    class DoubledRNNCell extends BasicRNNCell {
      override call(inputs: tf.Tensor, state: tf.Tensor): [tf.Tensor, tf.Tensor] {
        // `super.call` inside the step is the parent's step, not a second `cell(...)`.
        const [out, next] = super.call(inputs, state);
        return [tf.multiply(out, 2), next];
      }
    }
    const cell = new DoubledRNNCell(2);
    expect(cell.name).toBe("doubled_rnn_cell_1");
    const zero = cell.zeroState(2, tf.float32);
    expect(zero.op.name).toBe("DoubledRNNCellZeroState/zeros");
    const [out] = cell.call(tf.placeholder(tf.float32, [2, 3]), zero);
    expect(names(cell.weights)).toEqual(["doubled_rnn_cell/kernel:0", "doubled_rnn_cell/bias:0"]);
    expect(out.op.name).toBe("doubled_rnn_cell/Mul");
    expect(out.op.inputs[0]?.op.name).toBe("doubled_rnn_cell/Tanh");
  });

  it("a failed constructor leaves the counter as it was", () => {
    expect(() => new BasicRNNCell(2, { activation: "swish" as never })).toThrow(
      new tf.errors.ValueError("Unknown activation function:swish"),
    );
    expect(() => new tf.layers.Dense(2, { activation: "swish" as never })).toThrow(
      "Unknown activation function:swish",
    );
    expect(() => new GRUCell(2, { dtype: tf.int32 })).toThrow(
      "RNN cell only supports floating point inputs, but saw dtype: <dtype: 'int32'>",
    );
    expect(new BasicRNNCell(2).name).toBe("basic_rnn_cell_1");
    expect(new tf.layers.Dense(2).name).toBe("dense_1");
    expect(new GRUCell(2).name).toBe("gru_cell_1");
  });
});

describe("one activation registry (Keras's activations.get) for layers and cells", () => {
  it("a name builds the same op in a Dense layer and in a cell", () => {
    const x = tf.placeholder(tf.float32, [2, 3]);
    for (const name of ["relu", "elu", "selu", "softplus", "sigmoid", "tanh"] as const) {
      tf.resetDefaultGraph();
      const y = tf.layers.dense(tf.placeholder(tf.float32, [2, 3]), 2, { activation: name });
      const [out] = step(new BasicRNNCell(2, { activation: name }));
      expect(out.op.type).toBe(y.op.type);
    }
    expect(x.shape.toString()).toBe("(2, 3)");
  });

  it("linear is the identity in both: no activation op", () => {
    const y = tf.layers.dense(tf.placeholder(tf.float32, [2, 3]), 2, { activation: "linear" });
    expect(y.op.type).toBe("BiasAdd");
    const [out] = step(new BasicRNNCell(2, { activation: "linear" }));
    expect(out.op.type).toBe("BiasAdd");
  });
});

describe("one undo: a failed building call puts layers and cells back", () => {
  it("a layer built inside a staticRnn that fails at a later step is unbuilt again", () => {
    const dense = new tf.layers.Dense(2);
    class Projected extends RNNCell<tf.Tensor> {
      get stateSize(): number {
        return 2;
      }
      get outputSize(): number {
        return 2;
      }
      call(inputs: tf.Tensor, state: tf.Tensor): [tf.Tensor, tf.Tensor] {
        const out = tf.add(dense.apply(inputs), state);
        return [out, out];
      }
    }
    const cell = new Projected();
    const good = [0, 1, 2].map(() => tf.placeholder(tf.float32, [2, 3]));
    const bad = [...good.slice(0, 2), tf.placeholder(tf.float32, [2, 4])];
    const graph = tf.getDefaultGraph();
    const before = graph.opCount;
    // Dense's apply at steps 0 and 1 succeeds; step 2 breaks its input spec.
    expect(() => tf.nn.staticRnn(cell, bad, { dtype: tf.float32 })).toThrow(
      /expected axis -1 of input shape to have value 3/,
    );
    expect(graph.opCount).toBe(before);
    expect(tf.globalVariables()).toEqual([]);
    for (const layer of [dense, cell] as tf.layers.Layer<never[], unknown>[]) {
      expect(layer.built).toBe(false);
      expect(layer.weights).toEqual([]);
      expect(layer.variableScope).toBe(null);
    }
    // Both then build as a first attempt would have.
    const [outputs] = tf.nn.staticRnn(cell, good, { dtype: tf.float32 });
    expect(names(tf.globalVariables())).toEqual([
      "rnn/projected/dense/kernel:0",
      "rnn/projected/dense/bias:0",
    ]);
    expect(cell.weights).toEqual(dense.weights);
    expect(outputs[0]?.op.inputs[0]?.op.name).toBe("rnn/rnn/projected/dense/BiasAdd");
  });
});
