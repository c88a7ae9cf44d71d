/**
 * The calling convention on the RNN cells (constructors, zeroState, getInitialState,
 * calling a cell, addWeight) and on staticRnn, dynamicRnn and bidirectionalDynamicRnn:
 * TF 1.15's positional form and the options form build the same graph; an LSTM state
 * `{ c, h }` is a value, not options; what TF refuses is refused with the graph unchanged.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";
import { expectRefused, expectSameGraphs } from "./helpers.js";

const { BasicRNNCell, BasicLSTMCell, LSTMCell, GRUCell, MultiRNNCell } = tf.nn.rnnCell;

beforeEach(() => {
  tf.resetDefaultGraph();
});

/** A [2, 3] input. */
function x2(): tf.Tensor {
  return tf.constant(
    [
      [0.5, -1, 2],
      [1, 0.25, -0.5],
    ],
    { name: "x" },
  );
}

/** A [2, 4, 3] batch-major sequence. */
function x3(): tf.Tensor {
  const values = Array.from({ length: 2 }, (_, b) =>
    Array.from({ length: 4 }, (_, t) => [0.1 * (b + 1), -0.2 * t, 0.3]),
  );
  return tf.constant(values, { name: "seq" });
}

function run(fetch: tf.Tensor): tf.NDArray {
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  return sess.run(fetch);
}

describe("cell constructors take TF 1.15's parameters in TF's order", () => {
  it("BasicRNNCell(num_units, activation, reuse, name, dtype)", () => {
    const pic = expectSameGraphs(
      () => new BasicRNNCell(4, tf.nn.relu, null, "rnn_a", tf.float32).call(x2(), tf.zeros([2, 4])),
      () =>
        new BasicRNNCell(4, { activation: tf.nn.relu, name: "rnn_a", dtype: tf.float32 }).call(
          x2(),
          tf.zeros([2, 4]),
        ),
      () =>
        new BasicRNNCell({ numUnits: 4, activation: "relu", name: "rnn_a" }).call(
          x2(),
          tf.zeros([2, 4]),
        ),
    );
    // The positional activation is used (the `tf.layers.dense(x, 4, tf.nn.relu)` lesson).
    expect(pic.some((l) => l.startsWith("rnn_a/Relu = Relu("))).toBe(true);
    expect(pic.some((l) => l.startsWith("rnn_a/kernel = VariableV2") && l.includes("(7, 4)"))).toBe(
      true,
    );
  });

  it("BasicLSTMCell(num_units, forget_bias, state_is_tuple, activation, reuse, name, dtype)", () => {
    const build = (cell: () => tf.nn.rnnCell.BasicLSTMCell<tf.Tensor>) => () =>
      cell().call(x2(), tf.zeros([2, 8]));
    const pic = expectSameGraphs(
      build(() => new BasicLSTMCell<tf.Tensor>(4, 0.5, false, "sigmoid", null, "lstm")),
      build(
        () =>
          new BasicLSTMCell<tf.Tensor>(4, {
            forgetBias: 0.5,
            stateIsTuple: false,
            activation: "sigmoid",
            name: "lstm",
          }),
      ),
      build(
        () => new BasicLSTMCell<tf.Tensor>(4, 0.5, false, { activation: "sigmoid", name: "lstm" }),
      ),
    );
    expect(pic.some((l) => l.startsWith("lstm/concat_1 = ConcatV2"))).toBe(true);
    const cell = new BasicLSTMCell<tf.Tensor>(4, 0.5, false);
    const [h, state] = cell.call(x2(), tf.zeros([2, 8]));
    // state_is_tuple=False in position 3: one concatenated state.
    expect(state.shape.toString()).toBe("(2, 8)");
    expect(h.shape.toString()).toBe("(2, 4)");
    // forget_bias 0.5 in position 2: the constant added to the forget gate.
    const add = h.graph.getOperationByName("basic_lstm_cell/Add");
    expect(run(add.inputs[1] as tf.Tensor).item()).toBe(0.5);
  });

  it("LSTMCell(num_units, use_peepholes, cell_clip, initializer, num_proj, proj_clip, …)", () => {
    const init = tf.constantInitializer(0.1);
    const build = (cell: () => tf.nn.rnnCell.LSTMCell) => () => {
      const c = cell();
      return c.call(x2(), c.zeroState(2, tf.float32));
    };
    const pic = expectSameGraphs(
      build(() => new LSTMCell(4, true, 0.5, init, 2, 0.25)),
      build(
        () =>
          new LSTMCell(4, {
            usePeepholes: true,
            cellClip: 0.5,
            initializer: init,
            numProj: 2,
            projClip: 0.25,
          }),
      ),
      build(
        () =>
          new LSTMCell({
            numUnits: 4,
            usePeepholes: true,
            cellClip: 0.5,
            initializer: init,
            numProj: 2,
            projClip: 0.25,
          }),
      ),
    );
    for (const name of ["w_f_diag", "w_i_diag", "w_o_diag", "projection/kernel"]) {
      expect(pic.some((l) => l.startsWith(`lstm_cell/${name} = VariableV2`))).toBe(true);
    }
    const cell = new LSTMCell(4, true, 0.5, init, 2, 0.25);
    const [m, state] = cell.call(x2(), cell.zeroState(2, tf.float32));
    expect(m.shape.toString()).toBe("(2, 2)");
    // proj_clip and cell_clip bound the values.
    expect(Array.from(run(m).data as Float32Array).every((v) => Math.abs(v) <= 0.25)).toBe(true);
    expect(Array.from(run(state.c).data as Float32Array).every((v) => Math.abs(v) <= 0.5)).toBe(
      true,
    );
  });

  it("LSTMCell refuses num_unit_shards / num_proj_shards (no partitioned variables)", () => {
    expectThrowsAndUnchanged(
      () => new LSTMCell(4, false, null, null, null, null, 2),
      tf.errors.ValueError,
      "LSTMCell: num_unit_shards=2 is not supported: scopeflow has no partitioned variables; leave it None.",
    );
    expectThrowsAndUnchanged(
      () => new LSTMCell(4, { numProjShards: 2 }),
      tf.errors.ValueError,
      /^LSTMCell: num_proj_shards=2 is not supported/,
    );
  });

  it("GRUCell(num_units, activation, reuse, kernel_initializer, bias_initializer, name, dtype)", () => {
    const k = tf.constantInitializer(0.2);
    const b = tf.constantInitializer(-0.1);
    const build = (cell: () => tf.nn.rnnCell.GRUCell) => () => cell().call(x2(), tf.zeros([2, 4]));
    const pic = expectSameGraphs(
      build(() => new GRUCell(4, null, null, k, b, "gru")),
      build(() => new GRUCell(4, { kernelInitializer: k, biasInitializer: b, name: "gru" })),
    );
    expect(pic.some((l) => l.startsWith("gru/gates/kernel/Initializer"))).toBe(true);
    const [h] = new GRUCell(4, null, null, k, b).call(x2(), tf.zeros([2, 4]));
    // Every weight 0.2 and bias -0.1: each unit of a row agrees.
    const v = run(h).toArray() as number[][];
    expect(v[0]!.every((u) => Math.abs(u - v[0]![0]!) < 1e-6)).toBe(true);
    expect(Math.abs(v[0]![0]!)).toBeGreaterThan(0);
  });

  it("MultiRNNCell(cells, state_is_tuple)", () => {
    const build =
      (make: (cells: tf.nn.rnnCell.BasicRNNCell[]) => tf.nn.rnnCell.MultiRNNCell<tf.Tensor>) =>
      () => {
        const m = make([new BasicRNNCell(3), new BasicRNNCell(2)]);
        return m.call(x2(), m.zeroState(2, tf.float32));
      };
    const pic = expectSameGraphs(
      build((cells) => new MultiRNNCell<tf.Tensor>(cells, false)),
      build((cells) => new MultiRNNCell<tf.Tensor>(cells, { stateIsTuple: false })),
      build((cells) => new MultiRNNCell<tf.Tensor>({ cells, stateIsTuple: false })),
    );
    expect(pic.some((l) => l.startsWith("multi_rnn_cell/concat = ConcatV2"))).toBe(true);
  });

  it("refuses unknown keys, wrong kinds and surplus arguments", () => {
    expectRefused(
      () => new BasicLSTMCell(4, { forget_bias: 0.5 } as never),
      "nn.rnnCell.BasicLSTMCell() got an unexpected keyword argument 'forget_bias' (did you mean 'forgetBias'?)",
    );
    expectRefused(
      () => new GRUCell(4, { kernel_initializer: null } as never),
      "nn.rnnCell.GRUCell() got an unexpected keyword argument 'kernel_initializer' (did you mean 'kernelInitializer'?)",
    );
    expectRefused(
      () => new BasicRNNCell("4" as never),
      "nn.rnnCell.BasicRNNCell() argument 'numUnits' (position 1) must be an int, not str '4'",
    );
    expectRefused(
      () => new BasicRNNCell(4, 1 as never),
      "nn.rnnCell.BasicRNNCell() argument 'activation' (position 2) must be a function or an activation name, not int 1",
    );
    // A name Keras's `activations.get` does not know is its ValueError, as in TF 1.15.
    expectThrowsAndUnchanged(
      () => new BasicRNNCell(4, "swish" as never),
      tf.errors.ValueError,
      "Unknown activation function:swish",
    );
    expectRefused(
      () => new BasicLSTMCell(4, true as never),
      "nn.rnnCell.BasicLSTMCell() argument 'forgetBias' (position 2) must be a number, not bool true",
    );
    expectRefused(
      () => new MultiRNNCell([new BasicRNNCell(2)], true, 1 as never),
      "nn.rnnCell.MultiRNNCell() takes from 1 to 2 positional arguments but 3 were given",
    );
  });
});

describe("cell methods", () => {
  it("zeroState(batch_size, dtype): dtype is required, as in TF", () => {
    const pic = expectSameGraphs(
      () => new BasicLSTMCell(4).zeroState(3, tf.float32),
      () => new BasicLSTMCell(4).zeroState(3, { dtype: tf.float32 }),
      () => new BasicLSTMCell(4).zeroState({ batchSize: 3, dtype: tf.float32 }),
    );
    expect(
      pic.some((l) => l.startsWith("BasicLSTMCellZeroState/zeros = ") && l.endsWith("(3, 4)")),
    ).toBe(true);
    const cell = new GRUCell(4);
    expectRefused(
      () => (cell.zeroState as unknown as (b: number) => unknown)(3),
      "RNNCell.zeroState() missing 1 required positional argument: 'dtype'",
    );
    expectRefused(
      () => cell.zeroState(3, { dtyp: tf.float32 } as never),
      "RNNCell.zeroState() got an unexpected keyword argument 'dtyp' (did you mean 'dtype'?)",
    );
    expectRefused(
      () => cell.zeroState(2.5 as never, tf.float32),
      "RNNCell.zeroState() argument 'batchSize' (position 1) must be an int or an int Tensor, not float 2.5",
    );
  });

  it("getInitialState(inputs, batch_size, dtype)", () => {
    const fromInputs = expectSameGraphs(
      () => new GRUCell(4).getInitialState(x2()),
      () => new GRUCell(4).getInitialState({ inputs: x2() }),
    );
    const fromSize = expectSameGraphs(
      () => new GRUCell(4).getInitialState(null, 2, tf.float32),
      () => new GRUCell(4).getInitialState({ batchSize: 2, dtype: tf.float32 }),
      () => new GRUCell(4).getInitialState(undefined, 2, { dtype: tf.float32 }),
    );
    for (const pic of [fromInputs, fromSize]) {
      expect(
        pic.some((l) => l.startsWith("GRUCellZeroState/zeros = ") && l.endsWith("(2, 4)")),
      ).toBe(true);
    }
  });

  it("calling a cell: (inputs, state, scope), the state { c, h } a value", () => {
    const call =
      (
        f: (
          cell: tf.nn.rnnCell.BasicLSTMCell,
          x: tf.Tensor,
          s: tf.nn.rnnCell.LSTMStateTuple,
        ) => unknown,
      ) =>
      () => {
        const cell = new BasicLSTMCell(4);
        return f(cell, x2(), cell.zeroState(2, tf.float32));
      };
    const pic = expectSameGraphs(
      call((cell, x, s) => (cell.call as (...a: unknown[]) => unknown)(x, s, "my_scope")),
      call((cell, x, s) => cell.apply(x, { c: s.c, h: s.h }, "my_scope")),
      call((cell, x, s) => cell.apply(x, s, "my_scope")),
      call((cell, x, s) => cell.apply({ inputs: x, state: s, scope: "my_scope" })),
      call((cell, x, s) =>
        (cell.call as (...a: unknown[]) => unknown)(x, s, { scope: "my_scope" }),
      ),
    );
    expect(pic.some((l) => l.startsWith("my_scope/kernel = VariableV2"))).toBe(true);
    // The state given last, as a plain object: a value, not the options.
    const cell = new BasicLSTMCell(4);
    const s = cell.zeroState(2, tf.float32);
    const x = x2();
    const [h, next] = cell.call(x, { c: s.c, h: s.h });
    expect(h.shape.toString()).toBe("(2, 4)");
    expect(next.c.shape.toString()).toBe("(2, 4)");
    expectRefused(
      () => (cell.call as (...a: unknown[]) => unknown)(x, s, { scpe: "a" }),
      "RNNCell.call() got an unexpected keyword argument 'scpe' (did you mean 'scope'?)",
    );
  });

  it("addWeight(name, shape, dtype, initializer, regularizer, trainable, constraint, use_resource)", () => {
    class Scale extends tf.nn.rnnCell.LayerRNNCell<tf.Tensor> {
      constructor(
        private readonly positional: boolean,
        private readonly useResource: boolean | undefined = undefined,
      ) {
        super({ name: "scale" });
      }
      get stateSize(): number {
        return 3;
      }
      get outputSize(): number {
        return 3;
      }
      private w: tf.Variable | null = null;
      override build(): void {
        const init = tf.onesInitializer();
        this.w = this.positional
          ? this.addWeight("w", [3], tf.float32, init, null, false, null, this.useResource)
          : this.addWeight("w", {
              shape: [3],
              dtype: tf.float32,
              initializer: init,
              trainable: false,
              useResource: this.useResource,
            });
      }
      call(inputs: tf.Tensor, state: tf.Tensor): [tf.Tensor, tf.Tensor] {
        const out = tf.add(tf.multiply(inputs, this.w as tf.Variable), state);
        return [out, out];
      }
    }
    const pic = expectSameGraphs(
      () => new Scale(true).call(x2(), tf.zeros([2, 3])),
      () => new Scale(false).call(x2(), tf.zeros([2, 3])),
    );
    expect(pic.some((l) => l.startsWith("scale/w = VariableV2"))).toBe(true);
    const resourcePic = expectSameGraphs(
      () => new Scale(true, true).call(x2(), tf.zeros([2, 3])),
      () => new Scale(false, true).call(x2(), tf.zeros([2, 3])),
    );
    expect(resourcePic.some((l) => l.startsWith("scale/w = VarHandleOp"))).toBe(true);
    new Scale(true).call(x2(), tf.zeros([2, 3]));
    // trainable=False in position 6.
    expect(tf.trainableVariables()).toHaveLength(0);
    expect(tf.globalVariables().map((v) => v.name)).toEqual(["scale/w:0"]);
  });
});

describe("staticRnn(cell, inputs, initial_state, dtype, sequence_length, scope)", () => {
  const inputs = () => tf.unstack(x3(), { num: 4, axis: 1 });

  it("positional, options and keywords-only forms agree", () => {
    const pic = expectSameGraphs(
      () => tf.nn.staticRnn(new GRUCell(4), inputs(), null, tf.float32, [4, 2], "s"),
      () =>
        tf.nn.staticRnn(new GRUCell(4), inputs(), {
          dtype: tf.float32,
          sequenceLength: [4, 2],
          scope: "s",
        }),
      () =>
        tf.nn.staticRnn({
          cell: new GRUCell(4),
          inputs: inputs(),
          dtype: tf.float32,
          sequenceLength: [4, 2],
          scope: "s",
        }),
    );
    expect(pic.some((l) => l.startsWith("s/gru_cell/gates/kernel = VariableV2"))).toBe(true);
    expect(pic.some((l) => l.startsWith("s/sequence_length = Const"))).toBe(true);
  });

  it("an initial LSTM state { c, h } given last is the state", () => {
    const cell = new BasicLSTMCell(4);
    const c = tf.ones([2, 4]);
    const h = tf.zeros([2, 4]);
    const [outputs, state] = tf.nn.staticRnn(cell, inputs(), { c, h });
    expect(outputs).toHaveLength(4);
    expect(state.c.shape.toString()).toBe("(2, 4)");
    const withState = run(state.c);
    tf.resetDefaultGraph();
    const cell2 = new BasicLSTMCell(4);
    const [, zeroState] = tf.nn.staticRnn(cell2, inputs(), { dtype: tf.float32 });
    // Different initial memory, different final memory.
    expect(Array.from(run(zeroState.c).data as Float32Array)).not.toEqual(
      Array.from(withState.data as Float32Array),
    );
  });

  it("refuses unknown keys and non-list inputs", () => {
    const xs = inputs();
    expectRefused(
      () =>
        tf.nn.staticRnn(new GRUCell(4), xs, { dtype: tf.float32, initial_state: null } as never),
      "nn.staticRnn() got an unexpected keyword argument 'initial_state' (did you mean 'initialState'?)",
    );
    expectRefused(
      () => tf.nn.staticRnn(new GRUCell(4), xs, null, "float" as never),
      /^nn\.staticRnn\(\) argument 'dtype' \(position 4\) must be a dtype/,
    );
  });
});

describe("dynamicRnn(cell, inputs, sequence_length, initial_state, dtype, parallel_iterations, swap_memory, time_major, scope)", () => {
  it("positional, options and keywords-only forms agree", () => {
    const pic = expectSameGraphs(
      () => tf.nn.dynamicRnn(new GRUCell(4), x3(), [4, 2], null, tf.float32, 32, false, false, "d"),
      () =>
        tf.nn.dynamicRnn(new GRUCell(4), x3(), {
          sequenceLength: [4, 2],
          dtype: tf.float32,
          parallelIterations: 32,
          swapMemory: false,
          timeMajor: false,
          scope: "d",
        }),
      () =>
        tf.nn.dynamicRnn(new GRUCell(4), x3(), [4, 2], {
          dtype: tf.float32,
          scope: "d",
        }),
      () =>
        tf.nn.dynamicRnn({
          cell: new GRUCell(4),
          inputs: x3(),
          sequenceLength: [4, 2],
          dtype: tf.float32,
          scope: "d",
        }),
    );
    expect(pic.some((l) => l.startsWith("d/gru_cell/gates/kernel = VariableV2"))).toBe(true);
    expect(pic.some((l) => l.startsWith("d/sequence_length = Identity"))).toBe(true);
  });

  it("time_major in position 8 reads [time, batch, depth]", () => {
    const timeMajor = tf.transpose(x3(), { perm: [1, 0, 2] }); // (4, 2, 3)
    const [outputs, state] = tf.nn.dynamicRnn(
      new BasicRNNCell(5),
      timeMajor,
      null,
      null,
      tf.float32,
      null,
      false,
      true,
    );
    expect(outputs.shape.toString()).toBe("(4, 2, 5)");
    expect(state.shape.toString()).toBe("(2, 5)");
    const got = run(outputs);
    expect(got.shape).toEqual([4, 2, 5]);
  });

  it("sequence_length is position 3: a state there is refused, never read as options", () => {
    const cell = new BasicLSTMCell(4);
    const s = cell.zeroState(2, tf.float32);
    const x = x3();
    expectRefused(
      () => tf.nn.dynamicRnn(cell, x, { c: s.c, h: s.h } as never),
      "nn.dynamicRnn() got an unexpected keyword argument 'c'",
    );
    // TF's own position for it works.
    const [, state] = tf.nn.dynamicRnn(cell, x, null, s);
    expect(state.h.shape.toString()).toBe("(2, 4)");
  });

  it("records parallel_iterations (0: 32) and swap_memory; refuses a negative count", () => {
    const x = x3();
    tf.nn.dynamicRnn(new GRUCell(4), x, { dtype: tf.float32, swapMemory: true, scope: "a" });
    tf.nn.dynamicRnn(new GRUCell(4), x, null, null, tf.float32, 0, false, false, "b");
    tf.nn.dynamicRnn(new GRUCell(4), x, { dtype: tf.float32, parallelIterations: 5, scope: "c" });
    const enter = (name: string) => tf.getDefaultGraph().getOperationByName(name).attrs;
    expect(enter("a/while/Enter").parallel_iterations).toBe(32);
    expect(enter("b/while/Enter").parallel_iterations).toBe(32);
    expect(enter("c/while/Enter").parallel_iterations).toBe(5);
    expectThrowsAndUnchanged(
      () => tf.nn.dynamicRnn(new GRUCell(4), x, null, null, tf.float32, -1),
      TypeError,
      "parallel_iterations must be a positive integer.",
    );
    expectRefused(
      () => tf.nn.dynamicRnn(new GRUCell(4), x, { dtype: tf.float32, time_major: true } as never),
      "nn.dynamicRnn() got an unexpected keyword argument 'time_major' (did you mean 'timeMajor'?)",
    );
  });
});

describe("bidirectionalDynamicRnn(cell_fw, cell_bw, inputs, sequence_length, initial_state_fw, initial_state_bw, dtype, …)", () => {
  it("positional, options and keywords-only forms agree", () => {
    const pic = expectSameGraphs(
      () =>
        tf.nn.bidirectionalDynamicRnn(
          new GRUCell(3),
          new GRUCell(2),
          x3(),
          [4, 1],
          null,
          null,
          tf.float32,
        ),
      () =>
        tf.nn.bidirectionalDynamicRnn(new GRUCell(3), new GRUCell(2), x3(), {
          sequenceLength: [4, 1],
          dtype: tf.float32,
        }),
      () =>
        tf.nn.bidirectionalDynamicRnn({
          cellFw: new GRUCell(3),
          cellBw: new GRUCell(2),
          inputs: x3(),
          sequenceLength: [4, 1],
          dtype: tf.float32,
        }),
    );
    expect(pic.some((l) => l.startsWith("bidirectional_rnn/bw/ReverseSequence = "))).toBe(true);
  });

  it("initial states in positions 5 and 6", () => {
    const x = x3();
    const fw = new BasicLSTMCell(3);
    const bw = new GRUCell(2);
    const s0 = fw.zeroState(2, tf.float32);
    const b0 = tf.ones([2, 2]);
    const [[outFw, outBw], [sFw, sBw]] = tf.nn.bidirectionalDynamicRnn(fw, bw, x, null, s0, b0);
    expect(outFw.shape.toString()).toBe("(2, 4, 3)");
    expect(outBw.shape.toString()).toBe("(2, 4, 2)");
    expect(sFw.c.shape.toString()).toBe("(2, 3)");
    expect(sBw.shape.toString()).toBe("(2, 2)");
    expectThrowsAndUnchanged(
      () => tf.nn.bidirectionalDynamicRnn(fw, bw, x, { dtype: tf.float32, parallelIterations: -2 }),
      TypeError,
      "parallel_iterations must be a positive integer.",
    );
    expectRefused(
      () =>
        tf.nn.bidirectionalDynamicRnn(fw, bw, x, {
          initial_state_fw: s0,
        } as never),
      "nn.bidirectionalDynamicRnn() got an unexpected keyword argument 'initial_state_fw' (did you mean 'initialStateFw'?)",
    );
  });
});
