/*
 * Gradients of while loops built under `tf.controlDependencies` (control_flow_v1_grad.ts):
 * TF 1.x's standard
 *
 *     with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
 *       train_op = optimizer.minimize(loss)
 *
 * after a `dynamic_rnn` whose output an update op reads. The dependency only orders: every
 * value is the one of the same graph built without it, where the update ops are run
 * alongside the training op.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectAllClose, flat, randomMatrix, randomize, rng } from "../rnn/helpers.js";

const { BasicRNNCell, BasicLSTMCell, GRUCell } = tf.nn.rnnCell;

beforeEach(() => tf.resetDefaultGraph());

const BATCH = 4;
const STEPS = 5;
const DEPTH = 3;

/** `[batch][time][depth]` pseudo-random values. */
function sequences(seed: number, steps = STEPS): number[][][] {
  const next = rng(seed);
  return Array.from({ length: BATCH }, () => randomMatrix(steps, DEPTH, next));
}

function updateOps(): tf.Operation[] {
  return tf.getCollection<tf.Operation>(tf.GraphKeys.UPDATE_OPS);
}

type CellKind = "rnn" | "lstm" | "gru";

function cellOf(kind: CellKind, units: number): tf.nn.rnnCell.RNNCell {
  if (kind === "lstm") return new BasicLSTMCell(units);
  if (kind === "gru") return new GRUCell(units);
  return new BasicRNNCell(units);
}

interface Model {
  x: tf.Tensor;
  y: tf.Tensor;
  loss: tf.Tensor;
  train: tf.Operation;
}

type Variables = "ref" | "resource";

/**
 * dynamicRnn → batch normalization of its outputs (training mode, so `UPDATE_OPS` read the
 * loop's result) → dense → squared error, trained by `optimizer`. With `underUpdates`, the
 * training op is built under `tf.controlDependencies(UPDATE_OPS)`. With resource variables
 * the updates are `ReadVariableOp`s of the moving averages after their assignment (TF's
 * `assign_sub(..., read_value=True)`).
 */
function buildModel(
  kind: CellKind,
  underUpdates: boolean,
  optimizer: tf.train.Optimizer,
  shapes: "static" | "dynamic",
  variables: Variables = "resource",
): Model {
  return tf.variableScope("model", { useResource: variables === "resource" }, () =>
    buildModelInScope(kind, underUpdates, optimizer, shapes),
  );
}

function buildModelInScope(
  kind: CellKind,
  underUpdates: boolean,
  optimizer: tf.train.Optimizer,
  shapes: "static" | "dynamic",
): Model {
  const x = tf.placeholder(
    tf.float32,
    shapes === "static" ? [BATCH, STEPS, DEPTH] : [null, null, DEPTH],
  );
  const y = tf.placeholder(tf.float32, shapes === "static" ? [BATCH, 1] : [null, 1]);
  const [outputs, state] = tf.nn.dynamicRnn(cellOf(kind, 4), x, { dtype: tf.float32 });
  const normed = tf.layers.batchNormalization(outputs, { training: true });
  const last = tf.reduceMean(normed, 1);
  const pred = tf.layers.dense(last, 1, { name: "out" });
  const h = kind === "lstm" ? (state as unknown as { h: tf.Tensor }).h : (state as tf.Tensor);
  const loss = tf.add(
    tf.reduceMean(tf.square(tf.subtract(pred, y))),
    tf.multiply(0.01, tf.reduceMean(tf.square(h))),
  );
  expect(updateOps()).toHaveLength(2);
  const minimize = (): tf.Operation => optimizer.minimize(loss);
  const train = underUpdates ? tf.controlDependencies(updateOps(), minimize) : minimize();
  return { x, y, loss, train };
}

interface Trace {
  losses: number[];
  variables: number[][];
}

/**
 * Trains `steps` steps from the same pseudo-random start: fetching only the training op
 * when it waits on the updates, the training op and the updates together otherwise.
 */
function trainTrace(
  kind: CellKind,
  underUpdates: boolean,
  makeOptimizer: () => tf.train.Optimizer,
  shapes: "static" | "dynamic",
  variables: Variables,
  steps: number,
): Trace {
  tf.resetDefaultGraph();
  const m = buildModel(kind, underUpdates, makeOptimizer(), shapes, variables);
  const xs = sequences(11);
  const ys = xs.map((row) => [
    row.reduce((s, v) => s + (v[0] as number) - (v[2] as number), 0) / STEPS,
  ]);
  const feed = new Map<tf.Tensor, unknown>([
    [m.x, xs],
    [m.y, ys],
  ]);
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  const next = rng(5);
  for (const v of tf.trainableVariables()) randomize(sess, v, next, 0.5);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    losses.push((sess.run(m.loss, feed) as tf.NDArray).item() as number);
    if (underUpdates) sess.run(m.train, feed);
    else sess.run([m.train, ...updateOps()], feed);
  }
  losses.push((sess.run(m.loss, feed) as tf.NDArray).item() as number);
  const values = tf
    .globalVariables()
    .map((v) => flat(sess.run(v as unknown as tf.Tensor) as tf.NDArray));
  return { losses, variables: values };
}

describe("dynamicRnn trained under tf.controlDependencies(UPDATE_OPS)", () => {
  const cases: [CellKind, "static" | "dynamic", Variables, () => tf.train.Optimizer][] = [
    ["rnn", "dynamic", "resource", () => new tf.train.GradientDescentOptimizer(0.05)],
    ["lstm", "dynamic", "resource", () => new tf.train.AdamOptimizer(0.02)],
    ["gru", "dynamic", "resource", () => new tf.train.AdamOptimizer(0.02)],
    ["gru", "dynamic", "ref", () => new tf.train.AdamOptimizer(0.02)],
    ["lstm", "static", "resource", () => new tf.train.MomentumOptimizer(0.05, 0.9)],
  ];
  for (const [kind, shapes, variables, makeOptimizer] of cases) {
    it(`${kind}, ${shapes} shapes, ${variables} variables: trains, and every value is that of the graph without the dependency`, () => {
      const steps = 8;
      const withDeps = trainTrace(kind, true, makeOptimizer, shapes, variables, steps);
      const without = trainTrace(kind, false, makeOptimizer, shapes, variables, steps);
      expect(withDeps.losses[steps] as number).toBeLessThan((withDeps.losses[0] as number) * 0.9);
      expectAllClose(withDeps.losses, without.losses, 1e-5);
      // Trainable variables, the optimizer's slots and the moving averages: the updates ran
      // at each step although only the training op was fetched.
      expect(withDeps.variables.length).toBe(without.variables.length);
      withDeps.variables.forEach((v, i) =>
        expectAllClose(v, without.variables[i] as number[], 1e-5),
      );
    });
  }

  it("the training op waits for the update ops: a step moves the moving mean", () => {
    const m = buildModel("gru", true, new tf.train.GradientDescentOptimizer(0.1), "dynamic");
    const movingMean = tf
      .globalVariables()
      .find((v) => v.name.endsWith("moving_mean:0")) as tf.Variable;
    const feed = new Map<tf.Tensor, unknown>([
      [m.x, sequences(3)],
      [m.y, [[0.5], [-0.5], [0.25], [0]]],
    ]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const before = flat(sess.run(movingMean as unknown as tf.Tensor) as tf.NDArray);
    sess.run(m.train, feed);
    const after = flat(sess.run(movingMean as unknown as tf.Tensor) as tf.NDArray);
    expect(after.some((v, i) => Math.abs(v - (before[i] as number)) > 1e-6)).toBe(true);
  });

  it("a sequence longer than parallel_iterations (where TF 1.15 hangs) trains as a short one does", () => {
    const m = buildModel("lstm", true, new tf.train.AdamOptimizer(0.02), "dynamic");
    const xs = sequences(21, 40);
    const feed = new Map<tf.Tensor, unknown>([
      [m.x, xs],
      [m.y, [[0.5], [-0.5], [0.25], [0]]],
    ]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const first = (sess.run(m.loss, feed) as tf.NDArray).item() as number;
    for (let i = 0; i < 10; i++) sess.run(m.train, feed);
    const last = (sess.run(m.loss, feed) as tf.NDArray).item() as number;
    expect(last).toBeLessThan(first);
  });

  it("exported as a meta graph and imported, the training op still trains", () => {
    const m = buildModel("gru", true, new tf.train.GradientDescentOptimizer(0.1), "dynamic");
    const names = { x: m.x.name, y: m.y.name, loss: m.loss.name, train: m.train.name };
    tf.group([tf.globalVariablesInitializer()], { name: "init_all" });
    const meta = tf.train.exportMetaGraph();
    tf.resetDefaultGraph();
    tf.train.importMetaGraph(meta);
    const g = tf.getDefaultGraph();
    const feed = new Map<tf.Tensor, unknown>([
      [g.getTensorByName(names.x), sequences(6)],
      [g.getTensorByName(names.y), [[0.5], [-0.5], [0.25], [0]]],
    ]);
    using sess = new tf.Session();
    sess.run(g.getOperationByName("init_all"));
    const loss = g.getTensorByName(names.loss);
    const first = (sess.run(loss, feed) as tf.NDArray).item() as number;
    for (let i = 0; i < 5; i++) sess.run(g.getOperationByName(names.train), feed);
    expect((sess.run(loss, feed) as tf.NDArray).item() as number).toBeLessThan(first);
  });

  it("no tfjs tensor leaks over training steps", () => {
    const m = buildModel("lstm", true, new tf.train.AdamOptimizer(0.01), "dynamic");
    const feed = new Map<tf.Tensor, unknown>([
      [m.x, sequences(4)],
      [m.y, [[0.5], [-0.5], [0.25], [0]]],
    ]);
    const start = tfc.memory().numTensors;
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run(m.train, feed); // warm-up: session constants are cached on first use
    const warm = tfc.memory().numTensors;
    for (let i = 0; i < 10; i++) {
      sess.run(m.train, feed);
      expect(tfc.memory().numTensors).toBe(warm);
    }
    // Another plan: its own folded constants are cached on its first run.
    sess.run([m.loss, m.train], feed);
    const warm2 = tfc.memory().numTensors;
    for (let i = 0; i < 5; i++) sess.run([m.loss, m.train], feed);
    expect(tfc.memory().numTensors).toBe(warm2);
    sess.close();
    expect(tfc.memory().numTensors).toBe(start);
  });
});

describe("tf.whileLoop's gradient under tf.controlDependencies", () => {
  /**
   * v ← v·x three times, from v0 = 1 + x; the gradient built under an assignment of the
   * loop's result to `seen` and an op reading the result (`dep`).
   */
  function loopUnderDependency(): {
    x: tf.Tensor;
    grad: tf.Tensor;
    seen: tf.Variable;
  } {
    const x = tf.placeholder(tf.float32, [2], "x");
    const [, r] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 3),
      (i: tf.Tensor, v: tf.Tensor) => [tf.add(i, 1), tf.multiply(v, x)],
      [tf.constant(0, { name: "i0" }), tf.add(x, 1)],
    ) as tf.Tensor[];
    const y = tf.reduceSum(tf.square(r as tf.Tensor));
    const seen = tf.getVariable("seen", [2], { initializer: tf.zerosInitializer() });
    const assign = tf.assign(seen, r as tf.Tensor);
    const dep = tf.identity(r as tf.Tensor, "dep");
    const build = (): tf.Tensor => (tf.gradients(y, [x]) as tf.Tensor[])[0] as tf.Tensor;
    const grad = tf.controlDependencies([assign.op, dep.op], build);
    return { x, grad, seen };
  }

  it("has the loop's gradient, and runs the dependencies first", () => {
    const { x, grad, seen } = loopUnderDependency();
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const xv = [0.5, -2];
    const got = flat(sess.run(grad, new Map([[x, xv]])) as tf.NDArray);
    // r = (1 + x) x³, y = Σ r², dy/dx = 2 r (x³ + 3 (1 + x) x²).
    const expected = xv.map((a) => {
      const r = (1 + a) * a ** 3;
      return 2 * r * (a ** 3 + 3 * (1 + a) * a ** 2);
    });
    expectAllClose(got, expected, 1e-5);
    expectAllClose(
      flat(sess.run(seen as unknown as tf.Tensor) as tf.NDArray),
      xv.map((a) => (1 + a) * a ** 3),
      1e-6,
    );
  });

  it("the gradient loop's bookkeeping takes the control inputs TF's does", () => {
    loopUnderDependency();
    const graph = tf.getDefaultGraph();
    const controls = (name: string): string[] =>
      graph.getOperationByName(name).controlInputs.map((c) => c.name);
    // Outside the loops: TF's `grad_ys` and the backward counter's 1 wait on the dependency.
    expect(controls("gradients/Shape")).toEqual(["Assign", "dep"]);
    expect(controls("gradients/grad_ys_0")).toEqual(["Assign", "dep"]);
    expect(controls("gradients/b_count")).toEqual(["Assign", "dep"]);
    // The forward loop's counter does not (TF's gradients/f_count does: see the report of
    // control_flow_v1_grad.ts), nor does anything else the forward loop runs.
    expect(controls("gradients/f_count")).toEqual([]);
    expect(controls("gradients/Add/y")).toEqual(["while/Identity"]);
    for (const op of graph.getOperations()) {
      if (op.controlFlowContext === null || !op.controlFlowContext.name.startsWith("while/"))
        continue;
      for (const c of op.controlInputs)
        expect(c.controlFlowContext?.name ?? "").toMatch(/^while\//);
    }
    // The gradient loop's variables: their Merges take no outer control input, as in TF
    // (their Enters are made in the dependency's block and count as seen by it).
    expect(controls("gradients/b_count_1")).toEqual(["Assign", "dep"]);
    expect(controls("gradients/Merge_1")).toEqual([]);
    expect(controls("gradients/while/Exit_1_grad/b_exit")).toEqual([]);
    expect(controls("gradients/while/Switch_1_grad/b_switch")).toEqual([]);
    expect(controls("gradients/while/Mul/Enter_grad/b_acc_1")).toEqual([]);
    expect(controls("gradients/while/Mul/Enter_grad/b_acc_2")).toEqual([]);
  });

  it("no tfjs tensor leaks over runs", () => {
    const { x, grad } = loopUnderDependency();
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const feed = new Map([[x, [0.5, -2]]]);
    sess.run(grad, feed);
    const warm = tfc.memory().numTensors;
    for (let i = 0; i < 5; i++) sess.run(grad, feed);
    expect(tfc.memory().numTensors).toBe(warm);
    sess.close();
  });
});

describe("other loops' gradients under control dependencies on their results", () => {
  const xs = [
    [
      [1, 2, 3],
      [1, 0, 1],
      [0, 0, 1],
    ],
    [
      [0, 1, 0],
      [2, 1, 1],
      [1, 1, 1],
    ],
  ];

  interface Built {
    loss: tf.Tensor;
    feed: Map<tf.Tensor, unknown>;
    deps: tf.Operation[];
  }

  /**
   * The losses of 4 gradient descent steps, with the training op built under
   * `tf.controlDependencies(deps)` (run alone) and without (run with `deps`).
   */
  function losses(build: () => Built, underDeps: boolean): number[] {
    tf.resetDefaultGraph();
    const { loss, feed, deps } = build();
    const opt = new tf.train.GradientDescentOptimizer(0.05);
    const train = underDeps
      ? tf.controlDependencies(deps, () => opt.minimize(loss))
      : opt.minimize(loss);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const next = rng(9);
    for (const v of tf.trainableVariables()) randomize(sess, v, next, 0.5);
    const result: number[] = [];
    for (let i = 0; i < 4; i++) {
      result.push((sess.run(loss, feed) as tf.NDArray).item() as number);
      sess.run(underDeps ? train : [train, ...deps], feed);
    }
    result.push((sess.run(loss, feed) as tf.NDArray).item() as number);
    return result;
  }

  const cases: [string, () => Built][] = [
    [
      "bidirectionalDynamicRnn",
      () => {
        const x = tf.placeholder(tf.float32, [null, null, 3]);
        const [outs] = tf.nn.bidirectionalDynamicRnn(new GRUCell(3), new BasicLSTMCell(2), x, {
          dtype: tf.float32,
        }) as unknown as [tf.Tensor[]];
        const o = tf.concat(outs, 2);
        const dep = tf.identity(tf.reduceSum(o), "dep");
        return { loss: tf.reduceMean(tf.square(o)), feed: new Map([[x, xs]]), deps: [dep.op] };
      },
    ],
    [
      "dynamicRnn with sequence lengths (a cond in the loop), dependency through tf.group",
      () => {
        const x = tf.placeholder(tf.float32, [null, null, 3]);
        const lengths = tf.placeholder(tf.int32, [null]);
        const [o] = tf.nn.dynamicRnn(new BasicLSTMCell(2), x, {
          dtype: tf.float32,
          sequenceLength: lengths,
        }) as unknown as [tf.Tensor];
        const dep = tf.group([tf.identity(tf.reduceSum(o), "dep")]);
        const feed = new Map<tf.Tensor, unknown>([
          [x, xs],
          [lengths, [3, 1]],
        ]);
        return { loss: tf.reduceMean(tf.square(o)), feed, deps: [dep] };
      },
    ],
    [
      "nested loops (mapFn in mapFn)",
      () => {
        const w = tf.getVariable("w", [3]);
        const x = tf.placeholder(tf.float32, [2, 3, 3]);
        const y = tf.mapFn(
          (row: tf.Tensor) => tf.mapFn((r: tf.Tensor) => tf.reduceSum(tf.multiply(r, w)), row),
          x,
        ) as tf.Tensor;
        const dep = tf.identity(tf.reduceSum(y), "dep");
        return { loss: tf.reduceSum(tf.square(y)), feed: new Map([[x, xs]]), deps: [dep.op] };
      },
    ],
    [
      "a tf.cond in a tf.whileLoop, an invariant of unknown shape",
      () => {
        const w = tf.getVariable("w", [3]);
        const x = tf.placeholder(tf.float32, [null]);
        const [, r] = tf.whileLoop(
          (i: tf.Tensor) => tf.less(i, 4),
          (i: tf.Tensor, v: tf.Tensor) => [
            tf.add(i, 1),
            tf.cond(
              tf.less(i, 2),
              () => tf.multiply(v, tf.slice(x, [0], [3])),
              () => tf.add(v, w),
            ),
          ],
          [tf.constant(0), tf.multiply(tf.reduceSum(x), w)],
        ) as tf.Tensor[];
        const dep = tf.identity(r as tf.Tensor, "dep");
        const feed = new Map([[x, [0.9, 1.1, 0.8]]]);
        const loss = tf.multiply(0.01, tf.reduceSum(tf.square(r as tf.Tensor)));
        return { loss, feed, deps: [dep.op] };
      },
    ],
  ];
  for (const [name, build] of cases) {
    it(`${name}: the losses of the graph without them`, () => {
      const withDeps = losses(build, true);
      const without = losses(build, false);
      expect(withDeps[4] as number).toBeLessThan(withDeps[0] as number);
      expectAllClose(withDeps, without, 1e-5);
    });
  }
});
