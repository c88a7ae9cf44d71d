import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import {
  basicLstmStep,
  expectAllClose,
  flat,
  gruStep,
  randomMatrix,
  randomize,
  rng,
  valueOf,
} from "./helpers.js";

const { BasicRNNCell, BasicLSTMCell, LSTMCell, GRUCell, MultiRNNCell } = tf.nn.rnnCell;

beforeEach(() => tf.resetDefaultGraph());

const BATCH = 3;
const STEPS = 5;
const DEPTH = 2;

/** `[batch][time][depth]` pseudo-random values. */
function sequenceValues(seed: number, batch = BATCH, steps = STEPS, depth = DEPTH): number[][][] {
  const next = rng(seed);
  return Array.from({ length: batch }, () => randomMatrix(steps, depth, next));
}

/** `[time][batch][depth]` from `[batch][time][depth]`. */
function timeMajorOf(values: number[][][]): number[][][] {
  const steps = values[0]?.length ?? 0;
  return Array.from({ length: steps }, (_, t) => values.map((row) => row[t] as number[]));
}

/** The tensors of a (nested) state or result, in a fixed order. */
function leaves<T>(value: unknown, isLeaf: (v: unknown) => v is T): T[] {
  if (isLeaf(value)) return [value];
  if (Array.isArray(value)) return value.flatMap((v) => leaves(v, isLeaf));
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    return Object.keys(record)
      .sort()
      .flatMap((k) => leaves(record[k], isLeaf));
  }
  return [];
}
const isTensor = (v: unknown): v is tf.Tensor => v instanceof tf.Tensor;
const tensorsOf = (v: unknown): tf.Tensor[] => leaves(v, isTensor);

function opsNamed(prefix: string, type?: string): string[] {
  return tf
    .getDefaultGraph()
    .getOperations()
    .filter((o) => o.name.startsWith(prefix) && (type === undefined || o.type === type))
    .map((o) => o.name);
}

/** Gives every trainable variable pseudo-random values (biases start at zeros). */
function randomizeAll(sess: tf.Session, seed: number, scale = 0.5): void {
  const next = rng(seed);
  for (const v of tf.trainableVariables()) randomize(sess, v, next, scale);
}

/**
 * How many iterations the loop of a dynamicRnn ran: the exit of TensorFlow's
 * `maximum_iterations` counter (`rnn/while/Exit`, the first loop variable).
 */
function iterationsOf(loopScope: string): tf.Tensor {
  const exit = tf.getDefaultGraph().getTensorByName(`${loopScope}/while/Exit:0`);
  expect(exit.op.type).toBe("Exit");
  expect(exit.op.inputs[0]?.op.inputs[0]?.op.inputs[0]?.op.inputs[0]?.name).toBe(
    `${loopScope}/while/iteration_counter:0`,
  );
  return exit;
}

/** Expects `fn` to throw a ValueError with `error` and to leave the graph and variables as they were. */
function expectUnchanged(fn: () => unknown, error: RegExp | string): void {
  const graph = tf.getDefaultGraph();
  const before = graph.getOperations().map((o) => o.name);
  const variables = tf.globalVariables().length;
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(tf.errors.ValueError);
  if (typeof error === "string") expect((caught as Error).message).toBe(error);
  else expect((caught as Error).message).toMatch(error);
  expect(graph.getOperations().map((o) => o.name)).toEqual(before);
  expect(tf.globalVariables()).toHaveLength(variables);
}

describe("names and static shapes (TensorFlow's)", () => {
  it("BasicLSTMCell: rnn/basic_lstm_cell/kernel, rnn/transpose_1, {c, h} from Exit_3/Exit_4", () => {
    const x = tf.placeholder(tf.float32, [BATCH, null, DEPTH], { name: "x" });
    const [outputs, state] = tf.nn.dynamicRnn(new BasicLSTMCell(4), x, { dtype: tf.float32 });
    expect(tf.globalVariables().map((v) => [v.name, v.shape.toString()])).toEqual([
      ["rnn/basic_lstm_cell/kernel:0", "(6, 16)"],
      ["rnn/basic_lstm_cell/bias:0", "(16,)"],
    ]);
    expect(outputs.name).toBe("rnn/transpose_1:0");
    expect(outputs.shape.toString()).toBe("(3, ?, 4)");
    expect(outputs.op.type).toBe("Transpose");
    expect(state.c.name).toBe("rnn/while/Exit_3:0");
    expect(state.h.name).toBe("rnn/while/Exit_4:0");
    expect(state.c.shape.toString()).toBe("(3, 4)");
    expect(state.h.shape.toString()).toBe("(3, 4)");
    // The input is transposed to time-major first.
    expect(tf.getDefaultGraph().getTensorByName("rnn/transpose:0").shape.toString()).toBe(
      "(?, 3, 2)",
    );
    // The cell's ops are built once, in the loop body, under the cell's own scope.
    expect(opsNamed("rnn/while/", "MatMul")).toEqual(["rnn/while/basic_lstm_cell/MatMul"]);
    expect(opsNamed("rnn/while/", "BiasAdd")).toEqual(["rnn/while/basic_lstm_cell/BiasAdd"]);
    const enter = tf.getDefaultGraph().getOperationByName("rnn/while/basic_lstm_cell/MatMul/Enter");
    expect(enter.inputs.map((t) => t.name)).toEqual(["rnn/basic_lstm_cell/kernel/read:0"]);
    expect(opsNamed("rnn/basic_lstm_cell/MatMul")).toEqual([]);
  });

  it("a fully known input keeps its time dimension in the outputs", () => {
    const x = tf.placeholder(tf.float32, [BATCH, STEPS, DEPTH]);
    const [outputs, state] = tf.nn.dynamicRnn(new BasicRNNCell(4), x, { dtype: tf.float32 });
    expect(outputs.shape.toString()).toBe("(3, 5, 4)");
    expect(state.name).toBe("rnn/while/Exit_3:0");
    expect(state.shape.toString()).toBe("(3, 4)");
    expect(tf.globalVariables().map((v) => v.name)).toEqual([
      "rnn/basic_rnn_cell/kernel:0",
      "rnn/basic_rnn_cell/bias:0",
    ]);
  });

  it("unknown batch and time: (?, ?, units)", () => {
    const x = tf.placeholder(tf.float32, [null, null, DEPTH]);
    const [outputs, state] = tf.nn.dynamicRnn(new GRUCell(3), x, { dtype: tf.float32 });
    expect(outputs.shape.toString()).toBe("(?, ?, 3)");
    expect(state.shape.toString()).toBe("(?, 3)");
    expect(tf.globalVariables().map((v) => v.name)).toEqual([
      "rnn/gru_cell/gates/kernel:0",
      "rnn/gru_cell/gates/bias:0",
      "rnn/gru_cell/candidate/kernel:0",
      "rnn/gru_cell/candidate/bias:0",
    ]);
    expect(opsNamed("rnn/while/", "MatMul")).toEqual([
      "rnn/while/gru_cell/MatMul",
      "rnn/while/gru_cell/MatMul_1",
    ]);
  });

  it("MultiRNNCell: cell_i variables, body ops under rnn/while/rnn/multi_rnn_cell/", () => {
    const x = tf.placeholder(tf.float32, [BATCH, null, DEPTH]);
    const cell = new MultiRNNCell([new BasicLSTMCell(4), new BasicLSTMCell(3)]);
    const [outputs, state] = tf.nn.dynamicRnn(cell, x, { dtype: tf.float32 });
    expect(tf.globalVariables().map((v) => [v.name, v.shape.toString()])).toEqual([
      ["rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel:0", "(6, 16)"],
      ["rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias:0", "(16,)"],
      ["rnn/multi_rnn_cell/cell_1/basic_lstm_cell/kernel:0", "(7, 12)"],
      ["rnn/multi_rnn_cell/cell_1/basic_lstm_cell/bias:0", "(12,)"],
    ]);
    expect(outputs.name).toBe("rnn/transpose_1:0");
    expect(outputs.shape.toString()).toBe("(3, ?, 3)");
    const [s0, s1] = state as unknown as { c: tf.Tensor; h: tf.Tensor }[];
    expect([s0?.c.name, s0?.h.name, s1?.c.name, s1?.h.name]).toEqual([
      "rnn/while/Exit_3:0",
      "rnn/while/Exit_4:0",
      "rnn/while/Exit_5:0",
      "rnn/while/Exit_6:0",
    ]);
    expect(s1?.h.shape.toString()).toBe("(3, 3)");
    expect(opsNamed("rnn/while/", "MatMul")).toEqual([
      "rnn/while/rnn/multi_rnn_cell/cell_0/basic_lstm_cell/MatMul",
      "rnn/while/rnn/multi_rnn_cell/cell_1/basic_lstm_cell/MatMul",
    ]);
  });

  it("LSTMCell with a projection: outputs and h have numProj units", () => {
    const x = tf.placeholder(tf.float32, [BATCH, null, DEPTH]);
    const cell = new LSTMCell(4, { numProj: 2, usePeepholes: true });
    const [outputs, state] = tf.nn.dynamicRnn(cell, x, { dtype: tf.float32 });
    expect(outputs.shape.toString()).toBe("(3, ?, 2)");
    expect(state.c.shape.toString()).toBe("(3, 4)");
    expect(state.h.shape.toString()).toBe("(3, 2)");
    expect(tf.globalVariables().map((v) => v.name)).toEqual([
      "rnn/lstm_cell/kernel:0",
      "rnn/lstm_cell/bias:0",
      "rnn/lstm_cell/w_f_diag:0",
      "rnn/lstm_cell/w_i_diag:0",
      "rnn/lstm_cell/w_o_diag:0",
      "rnn/lstm_cell/projection/kernel:0",
    ]);
  });

  it("timeMajor: no transposes, outputs from TensorArrayStack", () => {
    const x = tf.placeholder(tf.float32, [null, BATCH, DEPTH]);
    const [outputs] = tf.nn.dynamicRnn(new BasicRNNCell(4), x, {
      dtype: tf.float32,
      timeMajor: true,
    });
    expect(outputs.name).toBe("rnn/TensorArrayStack/TensorArrayGatherV3:0");
    expect(outputs.shape.toString()).toBe("(?, 3, 4)");
    expect(opsNamed("rnn/", "Transpose")).toEqual([]);
  });

  it("sequenceLength: rnn/sequence_length and rnn/CheckSeqLen", () => {
    const x = tf.placeholder(tf.float32, [BATCH, null, DEPTH]);
    const [outputs] = tf.nn.dynamicRnn(new BasicRNNCell(4), x, {
      dtype: tf.float32,
      sequenceLength: [1, 2, 3],
    });
    const graph = tf.getDefaultGraph();
    expect(graph.getTensorByName("rnn/sequence_length:0").dtype).toBe("int32");
    expect(graph.getTensorByName("rnn/CheckSeqLen:0").shape.toString()).toBe("(3,)");
    expect(outputs.shape.toString()).toBe("(3, ?, 4)");
    expect(opsNamed("rnn/while/", "Select").length).toBeGreaterThan(0);
  });

  it("CheckSeqLen: TF's _assert_has_shape ops, run before the loop reads the lengths", () => {
    const x = tf.placeholder(tf.float32, [null, null, DEPTH]);
    const lengths = tf.placeholder(tf.int32, [null]);
    const [outputs] = tf.nn.dynamicRnn(new BasicRNNCell(4), x, {
      dtype: tf.float32,
      sequenceLength: lengths,
    });
    const graph = tf.getDefaultGraph();
    const check = graph.getOperationByName("rnn/CheckSeqLen");
    expect(check.inputs.map((t) => t.name)).toEqual(["rnn/sequence_length:0"]);
    expect(check.controlInputs.map((o) => o.name)).toEqual(["rnn/Assert/Assert"]);
    const assert = graph.getOperationByName("rnn/Assert/Assert");
    expect(assert.type).toBe("Assert");
    // The batch size is read from the inputs (`rnn/strided_slice`), so the shape is packed.
    expect(assert.inputs.map((t) => t.name)).toEqual([
      "rnn/All:0",
      "rnn/Assert/Assert/data_0:0",
      "rnn/stack:0",
      "rnn/Assert/Assert/data_2:0",
      "rnn/Shape_1:0",
    ]);
    // `convert_n_to_tensor(data)`'s constants, which TensorFlow leaves unread.
    expect(opsNamed("rnn/Assert/", "Const")).toEqual([
      "rnn/Assert/Const",
      "rnn/Assert/Const_1",
      "rnn/Assert/Assert/data_0",
      "rnn/Assert/Assert/data_2",
    ]);
    expect(graph.getOperationByName("rnn/stack").type).toBe("Pack");
    expect(graph.getOperationByName("rnn/Equal").type).toBe("Equal");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const xs = sequenceValues(3, 2, STEPS, DEPTH);
    // Two rows, two lengths: runs.
    expect(
      sess.run(
        outputs,
        new Map<tf.Tensor, unknown>([
          [x, xs],
          [lengths, [2, 5]],
        ]),
      ).shape,
    ).toEqual([2, STEPS, 4]);
    // Three lengths for two rows: TF's assertion, at run time.
    expect(() =>
      sess.run(
        outputs,
        new Map<tf.Tensor, unknown>([
          [x, xs],
          [lengths, [2, 5, 1]],
        ]),
      ),
    ).toThrow(
      "assertion failed: [Expected shape for Tensor rnn/sequence_length:0 is ] [2] [ but saw shape: ] [3]",
    );
    try {
      sess.run(
        outputs,
        new Map<tf.Tensor, unknown>([
          [x, xs],
          [lengths, [1]],
        ]),
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
      expect((e as tf.errors.InvalidArgumentError).opName).toBe("rnn/Assert/Assert");
    }
  });

  it("CheckSeqLen with a static batch size: the expected shape is a constant", () => {
    const x = tf.placeholder(tf.float32, [BATCH, null, DEPTH]);
    const lengths = tf.placeholder(tf.int32, [null]);
    const [outputs] = tf.nn.dynamicRnn(new BasicRNNCell(4), x, {
      dtype: tf.float32,
      sequenceLength: lengths,
    });
    const graph = tf.getDefaultGraph();
    expect(graph.getOperationByName("rnn/stack").type).toBe("Const");
    using sess = new tf.Session();
    expect(() =>
      sess.run(
        outputs,
        new Map<tf.Tensor, unknown>([
          [x, sequenceValues(4)],
          [lengths, [1, 2]],
        ]),
      ),
    ).toThrow(
      "assertion failed: [Expected shape for Tensor rnn/sequence_length:0 is ] [3] [ but saw shape: ] [2]",
    );
  });

  it("a second call: its own scope (new name), or rnn_1/ ops with the default one", () => {
    const x = tf.placeholder(tf.float32, [BATCH, null, DEPTH]);
    tf.nn.dynamicRnn(new BasicLSTMCell(4), x, { dtype: tf.float32 });
    const [outputs, state] = tf.nn.dynamicRnn(new BasicLSTMCell(2), x, {
      dtype: tf.float32,
      scope: "decoder",
    });
    expect(outputs.name).toBe("decoder/transpose_1:0");
    expect([state.c.name, state.h.name]).toEqual([
      "decoder/while/Exit_3:0",
      "decoder/while/Exit_4:0",
    ]);
    expect(opsNamed("decoder/while/", "MatMul")).toEqual(["decoder/while/basic_lstm_cell/MatMul"]);
    // The default scope again, with another kind of cell: variables rnn/gru_cell/…, ops rnn_1/.
    const [out3, state3] = tf.nn.dynamicRnn(new GRUCell(2), x, { dtype: tf.float32 });
    expect(out3.name).toBe("rnn_1/transpose_1:0");
    expect(state3.name).toBe("rnn_1/while/Exit_3:0");
    expect(tf.globalVariables().map((v) => v.name)).toEqual([
      "rnn/basic_lstm_cell/kernel:0",
      "rnn/basic_lstm_cell/bias:0",
      "decoder/basic_lstm_cell/kernel:0",
      "decoder/basic_lstm_cell/bias:0",
      "rnn/gru_cell/gates/kernel:0",
      "rnn/gru_cell/gates/bias:0",
      "rnn/gru_cell/candidate/kernel:0",
      "rnn/gru_cell/candidate/bias:0",
    ]);
    expect(opsNamed("rnn_1/while/", "MatMul")).toEqual([
      "rnn_1/while/gru_cell/MatMul",
      "rnn_1/while/gru_cell/MatMul_1",
    ]);
  });

  it("a new cell of the same kind in the default scope: Variable … already exists, graph unchanged", () => {
    const x = tf.placeholder(tf.float32, [BATCH, null, DEPTH]);
    tf.nn.dynamicRnn(new BasicLSTMCell(4), x, { dtype: tf.float32 });
    expectUnchanged(
      () => tf.nn.dynamicRnn(new BasicLSTMCell(4), x, { dtype: tf.float32 }),
      /^Variable rnn\/basic_lstm_cell\/kernel already exists, disallowed\. Did you mean to set reuse=True or reuse=tf\.AUTO_REUSE in VarScope\?/,
    );
    // The failed call consumed no name: the next call in the default scope gets rnn_1/.
    const [outputs] = tf.nn.dynamicRnn(new GRUCell(2), x, { dtype: tf.float32 });
    expect(outputs.name).toBe("rnn_1/transpose_1:0");
  });

  it("scope reuse: a new cell in tf.variableScope('rnn', {reuse: true}) shares the weights", () => {
    const x = tf.placeholder(tf.float32, [BATCH, null, DEPTH]);
    const [first, firstState] = tf.nn.dynamicRnn(new BasicLSTMCell(4), x, { dtype: tf.float32 });
    const [again, againState] = tf.variableScope("rnn", { reuse: true }, (scope) =>
      tf.nn.dynamicRnn(new BasicLSTMCell(4), x, { dtype: tf.float32, scope }),
    );
    expect(tf.globalVariables().map((v) => v.name)).toEqual([
      "rnn/basic_lstm_cell/kernel:0",
      "rnn/basic_lstm_cell/bias:0",
    ]);
    // Ops: the outer scope opened rnn_1/, the captured scope adds its own name (rnn/).
    expect(again.name).toBe("rnn_1/rnn/transpose_1:0");
    expect(againState.h.name).toBe("rnn_1/rnn/while/Exit_4:0");
    expect(opsNamed("rnn_1/rnn/while/", "MatMul")).toEqual([
      "rnn_1/rnn/while/basic_lstm_cell/MatMul",
    ]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    randomizeAll(sess, 5);
    const feed = new Map([[x, sequenceValues(6, BATCH, 4)]]);
    const [a, b, c, d] = sess.run([first, again, firstState.h, againState.h], feed);
    expect(a?.shape).toEqual([3, 4, 4]);
    expectAllClose(flat(b as tf.NDArray), flat(a as tf.NDArray));
    expectAllClose(flat(d as tf.NDArray), flat(c as tf.NDArray));
  });
});

/**
 * Builds dynamicRnn and then staticRnn over the same input with the same cell object (so
 * the same weights), runs both with random weights and returns the values.
 */
function versusStatic<S>(
  makeCell: () => tf.nn.rnnCell.RNNCell<S>,
  options: {
    sequenceLength?: number[];
    timeMajor?: boolean;
    initialState?: (cell: tf.nn.rnnCell.RNNCell<S>) => { state: S; feed: [tf.Tensor, unknown][] };
  } = {},
) {
  const timeMajor = options.timeMajor ?? false;
  const values = sequenceValues(11);
  const x = tf.placeholder(tf.float32, timeMajor ? [STEPS, BATCH, DEPTH] : [BATCH, STEPS, DEPTH]);
  const cell = makeCell();
  const init = options.initialState?.(cell) ?? null;
  const common = {
    dtype: init === null ? tf.float32 : null,
    initialState: init === null ? null : init.state,
    sequenceLength: options.sequenceLength ?? null,
  };
  const [dOut, dState] = tf.nn.dynamicRnn(cell, x, { ...common, timeMajor });
  const nVars = tf.trainableVariables().length;
  const [sOuts, sState] = tf.nn.staticRnn(cell, tf.unstack(x, { axis: timeMajor ? 0 : 1 }), {
    ...common,
    scope: "static",
  });
  // The static unrolling reused the dynamic one's weights.
  expect(tf.trainableVariables()).toHaveLength(nVars);
  const sOut = tf.stack(sOuts, { axis: timeMajor ? 0 : 1 });
  const sess = new tf.Session();
  try {
    sess.run(tf.globalVariablesInitializer());
    randomizeAll(sess, 12);
    const feed = new Map<tf.Tensor, unknown>([[x, timeMajor ? timeMajorOf(values) : values]]);
    for (const [t, v] of init?.feed ?? []) feed.set(t, v);
    const dState_ = tensorsOf(dState);
    const sState_ = tensorsOf(sState);
    const got = sess.run([dOut, ...dState_, sOut, ...sState_], feed) as tf.NDArray[];
    const n = dState_.length;
    return {
      dynamic: { outputs: got[0] as tf.NDArray, state: got.slice(1, 1 + n) },
      static: { outputs: got[1 + n] as tf.NDArray, state: got.slice(2 + n) },
      dOut,
      dState,
    };
  } finally {
    sess.close();
  }
}

function expectSameAsStatic(r: ReturnType<typeof versusStatic>, tol = 1e-5): void {
  expect(r.dynamic.outputs.shape).toEqual(r.static.outputs.shape);
  expectAllClose(flat(r.dynamic.outputs), flat(r.static.outputs), tol);
  expect(r.dynamic.state).toHaveLength(r.static.state.length);
  r.dynamic.state.forEach((s, i) => {
    expect(s.shape).toEqual(r.static.state[i]?.shape);
    expectAllClose(flat(s), flat(r.static.state[i] as tf.NDArray), tol);
  });
  // Not all zeros: the comparison means something.
  expect(flat(r.dynamic.outputs).some((v) => Math.abs(v) > 1e-3)).toBe(true);
}

describe("values: dynamicRnn equals staticRnn with the same weights", () => {
  it("BasicRNNCell", () => {
    const r = versusStatic(() => new BasicRNNCell(4));
    expect(r.dynamic.outputs.shape).toEqual([BATCH, STEPS, 4]);
    expectSameAsStatic(r);
  });

  it("BasicLSTMCell", () => {
    const r = versusStatic(() => new BasicLSTMCell(4));
    expectSameAsStatic(r);
    expect(r.dynamic.state).toHaveLength(2);
  });

  it("LSTMCell with peepholes, cell clipping and a projection", () => {
    const r = versusStatic(
      () => new LSTMCell(4, { numProj: 3, usePeepholes: true, cellClip: 0.8, projClip: 0.7 }),
    );
    expect(r.dynamic.outputs.shape).toEqual([BATCH, STEPS, 3]);
    expectSameAsStatic(r);
  });

  it("GRUCell", () => {
    expectSameAsStatic(versusStatic(() => new GRUCell(3)));
  });

  it("MultiRNNCell of LSTM and GRU layers", () => {
    const r = versusStatic(() => new MultiRNNCell([new BasicLSTMCell(4), new GRUCell(3)]));
    expect(r.dynamic.outputs.shape).toEqual([BATCH, STEPS, 3]);
    expect(r.dynamic.state).toHaveLength(3);
    expectSameAsStatic(r);
  });

  it("timeMajor: [time, batch, depth] in and out", () => {
    const r = versusStatic(() => new BasicLSTMCell(4), { timeMajor: true });
    expect(r.dynamic.outputs.shape).toEqual([STEPS, BATCH, 4]);
    expectSameAsStatic(r);
  });

  it("with sequenceLength: LSTM and a MultiRNNCell", () => {
    const lstm = versusStatic(() => new BasicLSTMCell(4), { sequenceLength: [5, 2, 3] });
    expectSameAsStatic(lstm);
    tf.resetDefaultGraph();
    const multi = versusStatic(() => new MultiRNNCell([new GRUCell(3), new BasicLSTMCell(2)]), {
      sequenceLength: [1, 4, 2],
      timeMajor: true,
    });
    expectSameAsStatic(multi);
  });

  it("with an initial state given (no dtype)", () => {
    const next = rng(21);
    const c0 = randomMatrix(BATCH, 4, next);
    const h0 = randomMatrix(BATCH, 4, next);
    const r = versusStatic(() => new BasicLSTMCell(4), {
      sequenceLength: [0, 5, 3],
      initialState: () => {
        const c = tf.placeholder(tf.float32, [BATCH, 4], { name: "c0" });
        const h = tf.placeholder(tf.float32, [BATCH, 4], { name: "h0" });
        return {
          state: tf.nn.rnnCell.LSTMStateTuple(c, h),
          feed: [
            [c, c0],
            [h, h0],
          ],
        };
      },
    });
    expectSameAsStatic(r);
    // Row 0 has length 0: it keeps the initial state and outputs zeros.
    const [c, h] = r.dynamic.state as [tf.NDArray, tf.NDArray];
    expectAllClose(flat(c).slice(0, 4), c0[0] as number[]);
    expectAllClose(flat(h).slice(0, 4), h0[0] as number[]);
    expect(flat(r.dynamic.outputs).slice(0, STEPS * 4)).toEqual(new Array(STEPS * 4).fill(0));
  });
});

describe("values: sequence lengths and unknown time", () => {
  it("rows past their length output zeros and keep their state; the loop stops at the max", () => {
    const x = tf.placeholder(tf.float32, [BATCH, null, DEPTH]);
    const lengths = tf.placeholder(tf.int32, [BATCH], { name: "len" });
    const cell = new BasicLSTMCell(4);
    const [outputs, state] = tf.nn.dynamicRnn(cell, x, {
      dtype: tf.float32,
      sequenceLength: lengths,
    });
    const iterations = iterationsOf("rnn");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    randomizeAll(sess, 31);
    const [kernel, bias] = cell.trainableWeights as [tf.Variable, tf.Variable];
    const [k, b] = [valueOf(sess, kernel), valueOf(sess, bias)];
    const values = sequenceValues(32, BATCH, 6);
    for (const lens of [
      [6, 2, 0],
      [3, 1, 2],
      [0, 0, 0],
      [9, 2, 7], // lengths past T: the loop stops at T
    ]) {
      const [outs, c, h, n] = sess.run(
        [outputs, state.c, state.h, iterations],
        new Map<tf.Tensor, unknown>([
          [x, values],
          [lengths, lens],
        ]),
      ) as tf.NDArray[];
      expect(outs?.shape).toEqual([BATCH, 6, 4]);
      // At least one step runs, as in TensorFlow.
      expect(n?.item()).toBe(Math.min(6, Math.max(1, ...lens)));
      const o = flat(outs as tf.NDArray);
      lens.forEach((len, row) => {
        let s = { c: tfc.zeros([1, 4]), h: tfc.zeros([1, 4]) };
        for (let t = 0; t < 6; t++) {
          const got = o.slice((row * 6 + t) * 4, (row * 6 + t + 1) * 4);
          if (t < len) {
            s = basicLstmStep(tfc.tensor2d([values[row]?.[t] as number[]]), s, k, b);
            expectAllClose(got, flat(s.h));
          } else {
            expect(got).toEqual([0, 0, 0, 0]);
          }
        }
        expectAllClose(flat(c as tf.NDArray).slice(row * 4, row * 4 + 4), flat(s.c));
        expectAllClose(flat(h as tf.NDArray).slice(row * 4, row * 4 + 4), flat(s.h));
      });
    }
  });

  it("one graph, sequences of different lengths: [batch, null, depth] fed T=3 then T=7", () => {
    const x = tf.placeholder(tf.float32, [BATCH, null, DEPTH]);
    const cell = new GRUCell(3);
    const [outputs, state] = tf.nn.dynamicRnn(cell, x, { dtype: tf.float32 });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    randomizeAll(sess, 41);
    const [gk, gb, ck, cb] = (cell.trainableWeights as tf.Variable[]).map((v) => valueOf(sess, v));
    const w = {
      gk: gk as tfc.Tensor,
      gb: gb as tfc.Tensor,
      ck: ck as tfc.Tensor,
      cb: cb as tfc.Tensor,
    };
    for (const steps of [3, 7, 1]) {
      const values = sequenceValues(40 + steps, BATCH, steps);
      const [outs, s] = sess.run([outputs, state], new Map([[x, values]])) as tf.NDArray[];
      expect(outs?.shape).toEqual([BATCH, steps, 3]);
      let h = tfc.zeros([BATCH, 3]);
      const expected: number[][][] = Array.from({ length: BATCH }, () => []);
      for (let t = 0; t < steps; t++) {
        h = gruStep(tfc.tensor2d(values.map((row) => row[t] as number[])), h, w);
        (h.arraySync() as number[][]).forEach((r, i) => expected[i]?.push(r));
      }
      expectAllClose(flat(outs as tf.NDArray), expected.flat(2));
      expectAllClose(flat(s as tf.NDArray), flat(h));
    }
  });

  it("a batch known only at run time, with lengths fed", () => {
    const x = tf.placeholder(tf.float32, [null, null, DEPTH]);
    const lengths = tf.placeholder(tf.int32, [null]);
    const [outputs, state] = tf.nn.dynamicRnn(new BasicRNNCell(2), x, {
      dtype: tf.float32,
      sequenceLength: lengths,
    });
    expect(outputs.shape.toString()).toBe("(?, ?, 2)");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    randomizeAll(sess, 51);
    const [outs, s] = sess.run(
      [outputs, state],
      new Map<tf.Tensor, unknown>([
        [x, sequenceValues(52, 4, 3)],
        [lengths, [3, 0, 1, 2]],
      ]),
    ) as tf.NDArray[];
    expect(outs?.shape).toEqual([4, 3, 2]);
    const o = flat(outs as tf.NDArray);
    // Row 1 (length 0): zeros everywhere, zero state; row 2 (length 1): its step-0 output.
    expect(o.slice(6, 12)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(flat(s as tf.NDArray).slice(2, 4)).toEqual([0, 0]);
    expectAllClose(flat(s as tf.NDArray).slice(4, 6), o.slice(12, 14));
    expect(o.slice(14, 18)).toEqual([0, 0, 0, 0]);
  });
});

describe("zero time steps", () => {
  const empty = (batch: number) =>
    tf.NDArray.fromTypedArray(new Float32Array(0), [batch, 0, DEPTH], "float32");

  it("T = 0: outputs [batch, 0, units], the final state is the initial state", () => {
    const x = tf.placeholder(tf.float32, [BATCH, null, DEPTH]);
    const h0 = tf.placeholder(tf.float32, [BATCH, 4]);
    const [outputs, state] = tf.nn.dynamicRnn(new GRUCell(4), x, { initialState: h0 });
    const [outZero, stateZero] = tf.nn.dynamicRnn(new BasicLSTMCell(2), x, {
      dtype: tf.float32,
      sequenceLength: [0, 0, 0],
      scope: "masked",
    });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const h0v = randomMatrix(BATCH, 4, rng(111));
    const [o, s, o2, c2] = sess.run(
      [outputs, state, outZero, stateZero.c],
      new Map<tf.Tensor, unknown>([
        [x, empty(BATCH)],
        [h0, h0v],
      ]),
    ) as tf.NDArray[];
    expect(o?.shape).toEqual([BATCH, 0, 4]);
    expectAllClose(flat(s as tf.NDArray), h0v.flat());
    expect(o2?.shape).toEqual([BATCH, 0, 2]);
    expect(flat(c2 as tf.NDArray)).toEqual(new Array(BATCH * 2).fill(0));
  });

  // The loop's gradient sums a shared weight's per-step gradients after the loop as one
  // MatMul over the stacked [T * batch, k] values (and one BiasAddGrad): with T = 0 they
  // are sums over nothing, which must be zeros (tfjs-wasm's kernels alone give garbage).
  it("T = 0: the gradients w.r.t. the weights are zeros", () => {
    const x = tf.placeholder(tf.float32, [BATCH, null, DEPTH]);
    const h0 = tf.placeholder(tf.float32, [BATCH, 4]);
    const [outputs, state] = tf.nn.dynamicRnn(new BasicRNNCell(4), x, { initialState: h0 });
    const loss = tf.add(tf.reduceSum(outputs), tf.reduceSum(state));
    const [gk, gb, gh] = tf.gradients(loss, [...tf.trainableVariables(), h0]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const [k, b, h] = sess.run(
      [gk, gb, gh] as tf.Tensor[],
      new Map<tf.Tensor, unknown>([
        [x, empty(BATCH)],
        [h0, randomMatrix(BATCH, 4, rng(112))],
      ]),
    ) as tf.NDArray[];
    expect(flat(h as tf.NDArray)).toEqual(new Array(BATCH * 4).fill(1));
    expect(flat(k as tf.NDArray)).toEqual(new Array(6 * 4).fill(0));
    expect(flat(b as tf.NDArray)).toEqual(new Array(4).fill(0));
  });
});

/**
 * The same loss through dynamicRnn and staticRnn (same cell, so the same weights), and
 * its gradients w.r.t. the weights, the input and the initial state.
 */
function gradientsVersusStatic(
  makeCell: () => object,
  units: number,
  loss: (outputs: tf.Tensor, state: tf.Tensor) => tf.Tensor,
  sequenceLength: number[] | null = null,
) {
  const x = tf.placeholder(tf.float32, [BATCH, STEPS, DEPTH], { name: "x" });
  const h0 = tf.placeholder(tf.float32, [BATCH, units], { name: "h0" });
  const cell = makeCell() as tf.nn.rnnCell.RNNCell<unknown>;
  const isLstm = cell instanceof BasicLSTMCell;
  const c0 = tf.placeholder(tf.float32, [BATCH, units], { name: "c0" });
  const initialState = isLstm ? tf.nn.rnnCell.LSTMStateTuple(c0, h0) : h0;
  const last = (s: unknown): tf.Tensor => (isLstm ? (s as { h: tf.Tensor }).h : (s as tf.Tensor));
  const [dOut, dState] = tf.nn.dynamicRnn(cell, x, { initialState, sequenceLength });
  const [sOuts, sState] = tf.nn.staticRnn(cell, tf.unstack(x, { axis: 1 }), {
    initialState,
    sequenceLength,
    scope: "static",
  });
  const dLoss = loss(dOut, last(dState));
  const sLoss = loss(tf.stack(sOuts, { axis: 1 }), last(sState));
  const xs = [...tf.trainableVariables(), x, h0, ...(isLstm ? [c0] : [])];
  const dGrads = tf.gradients(dLoss, xs) as (tf.Tensor | null)[];
  const sGrads = tf.gradients(sLoss, xs) as (tf.Tensor | null)[];
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  randomizeAll(sess, 61);
  const next = rng(62);
  const feed = new Map<tf.Tensor, unknown>([
    [x, sequenceValues(63)],
    [h0, randomMatrix(BATCH, units, next)],
    [c0, randomMatrix(BATCH, units, next)],
  ]);
  const names = xs.map((t) => t.name);
  const present = (gs: (tf.Tensor | null)[]) => gs.map((g) => g !== null);
  expect(present(dGrads)).toEqual(present(sGrads));
  const dv = sess.run(dGrads.filter((g) => g !== null) as tf.Tensor[], feed) as tf.NDArray[];
  const sv = sess.run(sGrads.filter((g) => g !== null) as tf.Tensor[], feed) as tf.NDArray[];
  const [dl, sl] = sess.run([dLoss, sLoss], feed) as tf.NDArray[];
  expectAllClose([dl?.item() as number], [sl?.item() as number]);
  dv.forEach((g, i) => {
    expect(g.shape).toEqual(sv[i]?.shape);
    expectAllClose(flat(g), flat(sv[i] as tf.NDArray), 1e-4);
  });
  return { names, present: present(dGrads), values: dv };
}

const outputsAndState = (outputs: tf.Tensor, state: tf.Tensor): tf.Tensor =>
  tf.add(
    tf.reduceSum(tf.square(tf.subtract(outputs, 0.3))),
    tf.reduceSum(tf.multiply(tf.square(state), 1.5)),
  );

describe("gradients through dynamicRnn equal those through staticRnn", () => {
  it("BasicRNNCell: kernel, bias, inputs, initial state", () => {
    const r = gradientsVersusStatic(() => new BasicRNNCell(4), 4, outputsAndState);
    expect(r.names).toEqual([
      "rnn/basic_rnn_cell/kernel:0",
      "rnn/basic_rnn_cell/bias:0",
      "x:0",
      "h0:0",
    ]);
    expect(r.present).toEqual([true, true, true, true]);
    expect(r.values.map((g) => g.shape)).toEqual([[6, 4], [4], [BATCH, STEPS, DEPTH], [BATCH, 4]]);
  });

  it("BasicLSTMCell, with the loss on the outputs and the final h", () => {
    const r = gradientsVersusStatic(() => new BasicLSTMCell(3), 3, outputsAndState);
    expect(r.present).toEqual([true, true, true, true, true]);
  });

  it("GRUCell with sequenceLength", () => {
    const r = gradientsVersusStatic(() => new GRUCell(3), 3, outputsAndState, [5, 1, 3]);
    expect(r.present.every(Boolean)).toBe(true);
    // The input gradient is zero past each row's length.
    const gx = flat(r.values[4] as tf.NDArray);
    expect(gx.slice(STEPS * DEPTH + DEPTH, 2 * STEPS * DEPTH)).toEqual(new Array(8).fill(0));
    expect(gx.slice(2 * STEPS * DEPTH + 3 * DEPTH)).toEqual(new Array(4).fill(0));
  });

  it("a loss on the final state only", () => {
    const r = gradientsVersusStatic(
      () => new BasicLSTMCell(3),
      3,
      (_outputs, state) => tf.reduceSum(tf.square(state)),
      [2, 5, 4],
    );
    expect(r.present).toEqual([true, true, true, true, true]);
  });

  it("a loss on the outputs only", () => {
    const r = gradientsVersusStatic(
      () => new BasicRNNCell(3),
      3,
      (outputs) => tf.reduceMean(tf.square(outputs)),
    );
    expect(r.present).toEqual([true, true, true, true]);
  });

  it("LSTMCell with peepholes, clipping and a projection, with sequenceLength", () => {
    const x = tf.placeholder(tf.float32, [BATCH, STEPS, DEPTH]);
    const cell = new LSTMCell(4, { numProj: 3, usePeepholes: true, cellClip: 0.8, projClip: 0.7 });
    const sequenceLength = [5, 3, 1];
    const [dOut, dState] = tf.nn.dynamicRnn(cell, x, { dtype: tf.float32, sequenceLength });
    const [sOuts, sState] = tf.nn.staticRnn(cell, tf.unstack(x, { axis: 1 }), {
      dtype: tf.float32,
      sequenceLength,
      scope: "static",
    });
    const vars = tf.trainableVariables();
    expect(vars).toHaveLength(6);
    const loss = (outputs: tf.Tensor, c: tf.Tensor) =>
      tf.add(tf.reduceSum(tf.square(outputs)), tf.reduceSum(tf.multiply(c, 0.5)));
    const dGrads = tf.gradients(loss(dOut, dState.c), [...vars, x]);
    const sGrads = tf.gradients(loss(tf.stack(sOuts, { axis: 1 }), sState.c), [...vars, x]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    randomizeAll(sess, 75);
    const feed = new Map([[x, sequenceValues(76)]]);
    const dv = sess.run(dGrads as tf.Tensor[], feed) as tf.NDArray[];
    const sv = sess.run(sGrads as tf.Tensor[], feed) as tf.NDArray[];
    dv.forEach((g, i) => {
      expect(flat(g).some((v) => v !== 0)).toBe(true);
      expectAllClose(flat(g), flat(sv[i] as tf.NDArray), 1e-4);
    });
  });

  it("a cell that uses one weight in two matmuls and elsewhere", () => {
    const w = tf.getVariable("w", [DEPTH, DEPTH]);
    const u = tf.getVariable("u", [DEPTH, DEPTH]);
    const cell = {
      stateSize: DEPTH,
      outputSize: DEPTH,
      zeroState(batchSize: number | tf.Tensor, dtype: tf.DType): tf.Tensor {
        return tf.zeros([batchSize as number, DEPTH], { dtype });
      },
      call(x: tf.Tensor, h: tf.Tensor): [tf.Tensor, tf.Tensor] {
        // w: matmul terms only; u: matmul terms plus a non-matmul use.
        const pre = tf.add(
          tf.add(tf.matmul(x, w), tf.matmul(h, w)),
          tf.add(tf.matmul(h, u), tf.reduceSum(tf.multiply(u, 0.1))),
        );
        const out = tf.tanh(pre);
        return [out, out];
      },
    };
    const x = tf.placeholder(tf.float32, [BATCH, STEPS, DEPTH]);
    const [dOut, dState] = tf.nn.dynamicRnn(cell, x, {
      dtype: tf.float32,
      sequenceLength: [5, 2, 4],
    });
    const [sOuts, sState] = tf.nn.staticRnn(cell, tf.unstack(x, { axis: 1 }), {
      dtype: tf.float32,
      sequenceLength: [5, 2, 4],
    });
    const dLoss = tf.add(tf.reduceSum(tf.square(dOut)), tf.reduceSum(dState));
    const sLoss = tf.add(
      tf.reduceSum(tf.square(tf.stack(sOuts, { axis: 1 }))),
      tf.reduceSum(sState),
    );
    const dGrads = tf.gradients(dLoss, [w, u, x]);
    const sGrads = tf.gradients(sLoss, [w, u, x]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const feed = new Map([[x, sequenceValues(77)]]);
    const dv = sess.run(dGrads as tf.Tensor[], feed) as tf.NDArray[];
    const sv = sess.run(sGrads as tf.Tensor[], feed) as tf.NDArray[];
    dv.forEach((g, i) => expectAllClose(flat(g), flat(sv[i] as tf.NDArray), 1e-4));
  });

  it("all lengths 0: the state's gradient passes to the initial state, the weights get 0", () => {
    const x = tf.placeholder(tf.float32, [BATCH, STEPS, DEPTH]);
    const h0 = tf.placeholder(tf.float32, [BATCH, 3]);
    const [outputs, state] = tf.nn.dynamicRnn(new GRUCell(3), x, {
      initialState: h0,
      sequenceLength: [0, 0, 0],
    });
    const loss = tf.add(tf.reduceSum(tf.multiply(state, 2)), tf.reduceSum(outputs));
    const grads = tf.gradients(loss, [...tf.trainableVariables(), x, h0]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    randomizeAll(sess, 78);
    const values = sess.run(
      grads as tf.Tensor[],
      new Map<tf.Tensor, unknown>([
        [x, sequenceValues(79)],
        [h0, randomMatrix(BATCH, 3, rng(80))],
      ]),
    ) as tf.NDArray[];
    const gh = values.pop() as tf.NDArray;
    expect(flat(gh)).toEqual(new Array(BATCH * 3).fill(2));
    for (const g of values) expect(flat(g).every((v) => v === 0)).toBe(true);
  });

  it("a MultiRNNCell reaches every layer's weights", () => {
    const x = tf.placeholder(tf.float32, [BATCH, STEPS, DEPTH]);
    const cell = new MultiRNNCell([new BasicLSTMCell(3), new GRUCell(2)]);
    const [dOut] = tf.nn.dynamicRnn(cell, x, { dtype: tf.float32, sequenceLength: [5, 3, 1] });
    const [sOuts] = tf.nn.staticRnn(cell, tf.unstack(x, { axis: 1 }), {
      dtype: tf.float32,
      sequenceLength: [5, 3, 1],
      scope: "static",
    });
    const vars = tf.trainableVariables();
    expect(vars).toHaveLength(6);
    const dGrads = tf.gradients(tf.reduceSum(tf.square(dOut)), vars);
    const sGrads = tf.gradients(tf.reduceSum(tf.square(tf.stack(sOuts, { axis: 1 }))), vars);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    randomizeAll(sess, 71);
    const feed = new Map([[x, sequenceValues(72)]]);
    const dv = sess.run(dGrads as tf.Tensor[], feed) as tf.NDArray[];
    const sv = sess.run(sGrads as tf.Tensor[], feed) as tf.NDArray[];
    dv.forEach((g, i) => expectAllClose(flat(g), flat(sv[i] as tf.NDArray), 1e-4));
  });

  it("agree with central finite differences (a tiny GRU)", () => {
    const x = tf.placeholder(tf.float32, [2, 3, 2]);
    const cell = new GRUCell(2);
    const [outputs, state] = tf.nn.dynamicRnn(cell, x, {
      dtype: tf.float32,
      sequenceLength: [3, 2],
    });
    const target = tf.constant([
      [0.5, -0.5],
      [0.2, 0.1],
    ]);
    const loss = tf.add(
      tf.reduceSum(tf.square(tf.subtract(state, target))),
      tf.reduceSum(tf.multiply(outputs, 0.7)),
    );
    const vars = tf.trainableVariables();
    const grads = tf.gradients(loss, [...vars, x]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    randomizeAll(sess, 81);
    const xv = sequenceValues(82, 2, 3, 2);
    const feedWith = (value: number[][][]) => new Map([[x, value]]);
    const analytic = (sess.run(grads as tf.Tensor[], feedWith(xv)) as tf.NDArray[]).map(flat);
    const lossAt = (value = xv): number =>
      (sess.run(loss, feedWith(value)) as tf.NDArray).item() as number;
    const eps = 1e-2;
    const check = (a: number, plus: number, minus: number) => {
      const numeric = (plus - minus) / (2 * eps);
      expect(Math.abs(a - numeric)).toBeLessThanOrEqual(2e-2 * Math.max(1, Math.abs(numeric)));
    };
    vars.forEach((v, vi) => {
      const base = flat(sess.run(v) as tf.NDArray);
      const dims = v.shape.asList() as number[];
      for (const index of [0, Math.floor(base.length / 2), base.length - 1]) {
        const at = (delta: number): number => {
          const changed = base.slice();
          changed[index] = (changed[index] as number) + delta;
          v.load(tfc.tensor(changed, dims).arraySync(), sess);
          return lossAt();
        };
        check((analytic[vi] as number[])[index] as number, at(eps), at(-eps));
        v.load(tfc.tensor(base, dims).arraySync(), sess);
      }
    });
    const gx = analytic[vars.length] as number[];
    for (const [b, t, d] of [
      [0, 0, 0],
      [0, 2, 1],
      [1, 1, 0],
      [1, 2, 1],
    ] as const) {
      const at = (delta: number): number => {
        const changed = xv.map((row) => row.map((col) => col.slice()));
        (changed[b]?.[t] as number[])[d] = (xv[b]?.[t]?.[d] as number) + delta;
        return lossAt(changed);
      };
      check(gx[(b * 3 + t) * 2 + d] as number, at(eps), at(-eps));
    }
    // Row 1 has length 2: its last input does not matter.
    expect(gx.slice(10, 12)).toEqual([0, 0]);
  });
});

describe("a tf.cond inside the cell", () => {
  it("differentiates through the branch each step took: finite differences and staticRnn agree", () => {
    const w = tf.getVariable("w", [DEPTH, 3]);
    const u = tf.getVariable("u", [3, 3]);
    // The step's input decides the branch: tanh when its sum is positive, else 0.5·sigmoid.
    const cell = {
      stateSize: 3,
      outputSize: 3,
      zeroState(batchSize: number | tf.Tensor, dtype: tf.DType): tf.Tensor {
        return tf.zeros([batchSize as number, 3], { dtype });
      },
      call(x: tf.Tensor, h: tf.Tensor): [tf.Tensor, tf.Tensor] {
        const pre = tf.add(tf.matmul(x, w), tf.matmul(h, u));
        const out = tf.cond(
          tf.greater(tf.reduceSum(x), 0),
          () => tf.tanh(pre),
          () => tf.multiply(tf.sigmoid(pre), 0.5),
        ) as tf.Tensor;
        return [out, out];
      },
    };
    const x = tf.placeholder(tf.float32, [2, 4, DEPTH]);
    const [outputs, state] = tf.nn.dynamicRnn(cell, x, { dtype: tf.float32 });
    expect(opsNamed("rnn/while/cond/", "Merge")).toEqual(["rnn/while/cond/Merge"]);
    const [sOuts, sState] = tf.nn.staticRnn(cell, tf.unstack(x, { axis: 1 }), {
      dtype: tf.float32,
      scope: "static",
    });
    const lossOf = (o: tf.Tensor, s: tf.Tensor): tf.Tensor =>
      tf.add(tf.reduceSum(tf.square(o)), tf.reduceSum(tf.multiply(s, 0.3)));
    const loss = lossOf(outputs, state);
    const sLoss = lossOf(tf.stack(sOuts, { axis: 1 }), sState);
    const grads = tf.gradients(loss, [w, u, x]) as tf.Tensor[];
    const sGrads = tf.gradients(sLoss, [w, u, x]) as tf.Tensor[];
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    randomizeAll(sess, 91);
    // Step sums (over the batch) 1.5, -0.6, 0.4, -1: a small change keeps the branch.
    const xv = [
      [
        [0.9, 0.4],
        [-0.8, -0.3],
        [0.5, 0.7],
        [-0.6, -0.9],
      ],
      [
        [-0.4, 0.6],
        [0.3, 0.2],
        [-0.9, 0.1],
        [0.7, -0.2],
      ],
    ];
    const feed = (value: number[][][]) => new Map([[x, value]]);
    const analytic = (sess.run(grads, feed(xv)) as tf.NDArray[]).map(flat);
    const unrolled = (sess.run(sGrads, feed(xv)) as tf.NDArray[]).map(flat);
    analytic.forEach((g, i) => expectAllClose(g, unrolled[i] as number[], 1e-4));
    const lossAt = (value = xv): number =>
      (sess.run(loss, feed(value)) as tf.NDArray).item() as number;
    const eps = 1e-2;
    const check = (a: number, plus: number, minus: number) => {
      const numeric = (plus - minus) / (2 * eps);
      expect(Math.abs(a - numeric)).toBeLessThanOrEqual(2e-2 * Math.max(1, Math.abs(numeric)));
    };
    [w, u].forEach((v, vi) => {
      const base = flat(sess.run(v) as tf.NDArray);
      const dims = v.shape.asList() as number[];
      for (let index = 0; index < base.length; index++) {
        const at = (delta: number): number => {
          const changed = base.slice();
          changed[index] = (changed[index] as number) + delta;
          v.load(tfc.tensor(changed, dims).arraySync(), sess);
          return lossAt();
        };
        check((analytic[vi] as number[])[index] as number, at(eps), at(-eps));
        v.load(tfc.tensor(base, dims).arraySync(), sess);
      }
    });
    const gx = analytic[2] as number[];
    xv.forEach((row, b) =>
      row.forEach((col, t) =>
        col.forEach((_, d) => {
          const at = (delta: number): number => {
            const changed = xv.map((r) => r.map((c) => c.slice()));
            (changed[b]?.[t] as number[])[d] = (col[d] as number) + delta;
            return lossAt(changed);
          };
          check(gx[(b * 4 + t) * DEPTH + d] as number, at(eps), at(-eps));
        }),
      ),
    );
  });
});

describe("training through dynamicRnn", () => {
  it("AdamOptimizer.minimize reduces the loss", () => {
    tf.setRandomSeed(7);
    const x = tf.placeholder(tf.float32, [8, null, 2]);
    const lengths = tf.placeholder(tf.int32, [8]);
    const y = tf.placeholder(tf.float32, [8, 1]);
    const [, state] = tf.nn.dynamicRnn(new BasicLSTMCell(8), x, {
      dtype: tf.float32,
      sequenceLength: lengths,
    });
    const pred = tf.layers.dense(state.h, 1);
    const loss = tf.reduceMean(tf.square(tf.subtract(pred, y)));
    const train = new tf.train.AdamOptimizer(0.05).minimize(loss);
    expect(tf.trainableVariables()).toHaveLength(4);
    // Target: the mean of the first feature over each row's own length.
    const xs = sequenceValues(90, 8, 4, 2);
    const lens = [4, 3, 2, 1, 4, 3, 2, 1];
    const ys = xs.map((row, r) => [
      row.slice(0, lens[r]).reduce((s, v) => s + (v[0] as number), 0) / (lens[r] as number),
    ]);
    const feed = new Map<tf.Tensor, unknown>([
      [x, xs],
      [lengths, lens],
      [y, ys],
    ]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const first = (sess.run(loss, feed) as tf.NDArray).item() as number;
    for (let i = 0; i < 60; i++) sess.run(train, feed);
    const last = (sess.run(loss, feed) as tf.NDArray).item() as number;
    expect(last).toBeLessThan(first * 0.3);
  });
});

describe("errors: TensorFlow's wording, the graph unchanged", () => {
  it("no dtype and no initial state", () => {
    const x = tf.placeholder(tf.float32, [BATCH, STEPS, DEPTH]);
    const cell = new BasicLSTMCell(4);
    expectUnchanged(
      () => tf.nn.dynamicRnn(cell, x),
      "If there is no initial_state, you must give a dtype.",
    );
    // The cell was not built by the failed call: it works afterwards.
    const [outputs] = tf.nn.dynamicRnn(cell, x, { dtype: tf.float32 });
    expect(outputs.name).toBe("rnn/transpose_1:0");
  });

  it("inputs of rank 2", () => {
    const x = tf.placeholder(tf.float32, [BATCH, STEPS]);
    expectUnchanged(
      () => tf.nn.dynamicRnn(new BasicRNNCell(4), x, { dtype: tf.float32 }),
      "Shape (5, 3) must have rank at least 3",
    );
  });

  it("inputs of rank 1", () => {
    const x = tf.placeholder(tf.float32, [STEPS], { name: "x" });
    expectUnchanged(
      () => tf.nn.dynamicRnn(new BasicRNNCell(4), x, { dtype: tf.float32 }),
      'Expected input tensor Tensor("x:0", shape=(5,), dtype=float32) to have rank at least 2',
    );
  });

  it("an unknown depth", () => {
    const x = tf.placeholder(tf.float32, [BATCH, STEPS, null]);
    expectUnchanged(
      () => tf.nn.dynamicRnn(new BasicRNNCell(4), x, { dtype: tf.float32 }),
      "Input size (depth of inputs) must be accessible via shape inference, but saw value None.",
    );
  });

  it("sequence_length of rank 2", () => {
    const x = tf.placeholder(tf.float32, [BATCH, STEPS, DEPTH]);
    const lengths = tf.placeholder(tf.int32, [BATCH, 1]);
    expectUnchanged(
      () =>
        tf.nn.dynamicRnn(new BasicRNNCell(4), x, { dtype: tf.float32, sequenceLength: lengths }),
      "sequence_length must be a vector of length batch_size, but saw shape: (3, 1)",
    );
  });

  // TensorFlow checks this at run time with an Assert; scopeflow, knowing both sizes
  // while building, reports it then, with the same words.
  it("sequence_length of another batch size names the tensor rnn/sequence_length:0", () => {
    const x = tf.placeholder(tf.float32, [BATCH, STEPS, DEPTH]);
    expectUnchanged(
      () => tf.nn.dynamicRnn(new BasicRNNCell(4), x, { dtype: tf.float32, sequenceLength: [1, 2] }),
      "Expected shape for Tensor rnn/sequence_length:0 is [3] but saw shape: [2]",
    );
  });

  it("nested inputs: inconsistent time steps or batch sizes", () => {
    // A cell-like object that takes a pair of inputs.
    const pairCell = {
      stateSize: 2,
      outputSize: 2,
      zeroState(batchSize: number | tf.Tensor, dtype: tf.DType): tf.Tensor {
        return tf.zeros([batchSize as number, 2], { dtype });
      },
      call(inputs: tf.Tensor, h: tf.Tensor): [tf.Tensor, tf.Tensor] {
        const [a, b] = inputs as unknown as [tf.Tensor, tf.Tensor];
        const out = tf.tanh(tf.add(tf.concat([a, b], 1), tf.multiply(h, 0.5)));
        return [out, out];
      },
    };
    const a = tf.placeholder(tf.float32, [BATCH, STEPS, 1]);
    const shortB = tf.placeholder(tf.float32, [BATCH, STEPS - 1, 1]);
    const otherBatch = tf.placeholder(tf.float32, [BATCH + 1, STEPS, 1]);
    expectUnchanged(
      () => tf.nn.dynamicRnn(pairCell, [a, shortB], { dtype: tf.float32 }),
      "Time steps is not the same for all the elements in the input in a batch.",
    );
    expectUnchanged(
      () => tf.nn.dynamicRnn(pairCell, [a, otherBatch], { dtype: tf.float32 }),
      "Batch_size is not the same for all the elements in the input.",
    );
    // Consistent nested inputs work: each step gets the pair.
    const b = tf.placeholder(tf.float32, [BATCH, STEPS, 1]);
    const [outputs, state] = tf.nn.dynamicRnn(pairCell, [a, b], { dtype: tf.float32 });
    expect((outputs as unknown as tf.Tensor).shape.toString()).toBe("(3, 5, 2)");
    using sess = new tf.Session();
    const values = sequenceValues(95, BATCH, STEPS, 2);
    const [outs, s] = sess.run(
      [outputs as unknown as tf.Tensor, state],
      new Map<tf.Tensor, unknown>([
        [a, values.map((row) => row.map((v) => [v[0]]))],
        [b, values.map((row) => row.map((v) => [v[1]]))],
      ]),
    ) as tf.NDArray[];
    let h = tfc.zeros([BATCH, 2]);
    for (let t = 0; t < STEPS; t++) {
      const xt = tfc.tensor2d(values.map((row) => row[t] as number[]));
      h = tfc.tanh(tfc.add(xt, tfc.mul(h, 0.5)));
    }
    expectAllClose(flat(s as tf.NDArray), flat(h));
    expectAllClose(flat(outs as tf.NDArray).slice(-2), flat(h).slice(-2));
  });

  it("a loop-body tensor used outside the loop", () => {
    const x = tf.placeholder(tf.float32, [BATCH, null, DEPTH]);
    tf.nn.dynamicRnn(new BasicLSTMCell(4), x, { dtype: tf.float32 });
    const body = tf.getDefaultGraph().getTensorByName("rnn/while/basic_lstm_cell/Mul_2:0");
    expectUnchanged(
      () => tf.add(body, 1),
      "Cannot use 'rnn/while/basic_lstm_cell/Mul_2' as input to 'Add' because 'rnn/while/basic_lstm_cell/Mul_2' is in a while loop. See info log for more details.",
    );
    // The failed call consumed no name.
    expect(tf.add(x, 1).name).toBe("Add:0");
    expectUnchanged(
      () => tf.gradients(tf.reduceSum(body), [x]),
      /^Cannot use 'rnn\/while\/basic_lstm_cell\/Mul_2' as input to '[^']+' because 'rnn\/while\/basic_lstm_cell\/Mul_2' is in a while loop\. See info log for more details\.$/,
    );
  });

  it("sess.run of a loop-body tensor: not fetchable, as in TensorFlow", () => {
    const x = tf.placeholder(tf.float32, [BATCH, null, DEPTH]);
    const [outputs] = tf.nn.dynamicRnn(new BasicLSTMCell(4), x, { dtype: tf.float32 });
    const body = tf.getDefaultGraph().getTensorByName("rnn/while/basic_lstm_cell/Mul_2:0");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const feed = new Map([[x, sequenceValues(99)]]);
    expect(() => sess.run(body, feed)).toThrow(tf.errors.ValueError);
    expect(() => sess.run(body, feed)).toThrow(
      "Operation 'rnn/while/basic_lstm_cell/Mul_2' has been marked as not fetchable.",
    );
    expect(() => sess.run([outputs, body], feed)).toThrow(tf.errors.ValueError);
    // The session still works.
    expect((sess.run(outputs, feed) as tf.NDArray).shape).toEqual([BATCH, STEPS, 4]);
  });
});

describe("memory", () => {
  it("no tfjs tensor leaks over training steps, a failing run, and after close", () => {
    const x = tf.placeholder(tf.float32, [null, null, DEPTH]);
    const lengths = tf.placeholder(tf.int32, [null]);
    const cell = new MultiRNNCell([new BasicLSTMCell(4), new GRUCell(3)]);
    const [outputs, state] = tf.nn.dynamicRnn(cell, x, {
      dtype: tf.float32,
      sequenceLength: lengths,
    });
    const loss = tf.add(
      tf.reduceMean(tf.square(outputs)),
      tf.reduceMean(tf.square((state as unknown as [unknown, tf.Tensor])[1])),
    );
    const train = new tf.train.AdamOptimizer(0.01).minimize(loss);
    const feed = new Map<tf.Tensor, unknown>([
      [x, sequenceValues(101, 4, 6)],
      [lengths, [6, 3, 0, 5]],
    ]);
    const start = tfc.memory().numTensors;
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run([train, loss], feed); // warm-up: session constants are cached on first use
    const warm = tfc.memory().numTensors;
    const first = (sess.run(loss, feed) as tf.NDArray).item() as number;
    for (let i = 0; i < 20; i++) sess.run([train, loss], feed);
    expect(tfc.memory().numTensors).toBe(warm);
    // Lengths for another batch size: Select fails inside the loop body.
    const bad = new Map<tf.Tensor, unknown>([
      [x, sequenceValues(102, 4, 6)],
      [lengths, [6, 3]],
    ]);
    expect(() => sess.run([train, loss], bad)).toThrow(tf.errors.OpError);
    expect(tfc.memory().numTensors).toBe(warm);
    // Another sequence length, and fetches of outputs and state.
    sess.run(
      [outputs, state],
      new Map<tf.Tensor, unknown>([
        [x, sequenceValues(103, 2, 9)],
        [lengths, [9, 4]],
      ]),
    );
    expect(tfc.memory().numTensors).toBe(warm);
    const last = (sess.run(loss, feed) as tf.NDArray).item() as number;
    expect(last).toBeLessThan(first);
    sess.close();
    expect(tfc.memory().numTensors).toBe(start);
  });
});
