/**
 * The calling convention (API.md's argument rule) on tf.train's optimizers, their methods
 * and the global step: TF 1.15's positional form and the options form build the same
 * graph; positional values mean what they mean in TF; what TF refuses is refused with the
 * graph unchanged.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";
import { expectRefused, expectSameGraphs } from "./helpers.js";

const W0 = [
  [1, -2, 3],
  [-4, 5, -6],
];

beforeEach(() => {
  tf.resetDefaultGraph();
});

/** A [2, 3] variable `w` and the loss `sum(w * w)`. */
function model(): { w: tf.Variable; loss: tf.Tensor } {
  const w = tf.getVariable("w", { initializer: tf.constant(W0) });
  return { w, loss: tf.reduceSum(tf.multiply(w, w)) };
}

/** The value of `name` after one run of `train` from fresh variables. */
function afterStep(train: tf.Operation, name: string): number[] {
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  sess.run(train);
  const t = tf.getDefaultGraph().getTensorByName(name);
  return Array.from(sess.run(t).data as Float32Array);
}

function scalarOf(name: string): number {
  using sess = new tf.Session();
  return Number(sess.run(tf.getDefaultGraph().getTensorByName(name)).item());
}

describe("optimizer constructors take TF 1.15's parameters in TF's order", () => {
  it("GradientDescentOptimizer(learning_rate, use_locking, name)", () => {
    const pic = expectSameGraphs(
      () => new tf.train.GradientDescentOptimizer(0.1, true, "GD").minimize(model().loss),
      () =>
        new tf.train.GradientDescentOptimizer(0.1, { useLocking: true, name: "GD" }).minimize(
          model().loss,
        ),
      () =>
        new tf.train.GradientDescentOptimizer({
          learningRate: 0.1,
          useLocking: true,
          name: "GD",
        }).minimize(model().loss),
    );
    expect(pic.some((l) => l.startsWith("GD/update_w/ApplyGradientDescent = "))).toBe(true);
    expect(pic.some((l) => l.includes("use_locking=true"))).toBe(true);
    const { loss } = model();
    const train = new tf.train.GradientDescentOptimizer(0.25, false, "GD").minimize(loss);
    // w -= 0.25 * 2w
    expect(afterStep(train, "w:0")).toEqual([0.5, -1, 1.5, -2, 2.5, -3]);
  });

  it("MomentumOptimizer(learning_rate, momentum, use_locking, name, use_nesterov)", () => {
    const pic = expectSameGraphs(
      () => new tf.train.MomentumOptimizer(0.1, 0.9, false, "Mom", true).minimize(model().loss),
      () =>
        new tf.train.MomentumOptimizer(0.1, 0.9, { name: "Mom", useNesterov: true }).minimize(
          model().loss,
        ),
      () =>
        new tf.train.MomentumOptimizer({
          learningRate: 0.1,
          momentum: 0.9,
          name: "Mom",
          useNesterov: true,
        }).minimize(model().loss),
    );
    const apply = pic.find((l) => l.startsWith("Mom/update_w/ApplyMomentum = ")) as string;
    expect(apply).toContain("use_nesterov=true");
    expect(pic.some((l) => l.startsWith("w/Mom = VariableV2"))).toBe(true);
  });

  it("MomentumOptimizer without momentum is a TypeError, as in TF", () => {
    expectRefused(
      () => new (tf.train.MomentumOptimizer as unknown as new (lr: number) => unknown)(0.1),
      "train.MomentumOptimizer() missing 1 required positional argument: 'momentum'",
    );
  });

  it("AdamOptimizer(learning_rate, beta1, beta2, epsilon, use_locking, name)", () => {
    const pic = expectSameGraphs(
      () => new tf.train.AdamOptimizer(0.01, 0.8, 0.99, 1e-6, false, "A").minimize(model().loss),
      () =>
        new tf.train.AdamOptimizer(0.01, {
          beta1: 0.8,
          beta2: 0.99,
          epsilon: 1e-6,
          name: "A",
        }).minimize(model().loss),
      () =>
        new tf.train.AdamOptimizer({
          learningRate: 0.01,
          beta1: 0.8,
          beta2: 0.99,
          epsilon: 1e-6,
          name: "A",
        }).minimize(model().loss),
    );
    expect(pic.some((l) => l.startsWith("w/A = VariableV2"))).toBe(true);
    expect(pic.some((l) => l.startsWith("w/A_1 = VariableV2"))).toBe(true);
    new tf.train.AdamOptimizer(0.01, 0.8, 0.99, 1e-6, false, "A").minimize(model().loss);
    // The positional beta1 and epsilon are the ones in the graph.
    expect(scalarOf("A/beta1:0")).toBeCloseTo(0.8, 6);
    expect(scalarOf("A/beta2:0")).toBeCloseTo(0.99, 6);
    expect(scalarOf("A/epsilon:0")).toBeCloseTo(1e-6, 12);
    // learning_rate defaults to 0.001.
    new tf.train.AdamOptimizer().minimize(tf.getDefaultGraph().getTensorByName("Sum:0"));
    expect(scalarOf("Adam/learning_rate:0")).toBeCloseTo(0.001, 9);
  });

  it("RMSPropOptimizer(learning_rate, decay, momentum, epsilon, use_locking, centered, name)", () => {
    const pic = expectSameGraphs(
      () =>
        new tf.train.RMSPropOptimizer(0.01, 0.8, 0.5, 1e-6, false, true, "R").minimize(
          model().loss,
        ),
      () =>
        new tf.train.RMSPropOptimizer(0.01, {
          decay: 0.8,
          momentum: 0.5,
          epsilon: 1e-6,
          centered: true,
          name: "R",
        }).minimize(model().loss),
    );
    expect(pic.some((l) => l.startsWith("R/update_w/ApplyCenteredRMSProp = "))).toBe(true);
    new tf.train.RMSPropOptimizer(0.01, 0.8, 0.5, 1e-6, false, true, "R").minimize(model().loss);
    expect(scalarOf("R/decay:0")).toBeCloseTo(0.8, 6);
    expect(scalarOf("R/momentum:0")).toBeCloseTo(0.5, 6);
  });

  it("AdagradOptimizer(learning_rate, initial_accumulator_value, use_locking, name)", () => {
    const pic = expectSameGraphs(
      () => new tf.train.AdagradOptimizer(0.1, 0.3, false, "Ada").minimize(model().loss),
      () =>
        new tf.train.AdagradOptimizer(0.1, { initialAccumulatorValue: 0.3, name: "Ada" }).minimize(
          model().loss,
        ),
    );
    expect(pic.some((l) => l.startsWith("w/Ada = VariableV2"))).toBe(true);
    const { loss } = model();
    new tf.train.AdagradOptimizer(0.1, 0.3, false, "Ada").minimize(loss);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const acc = tf.getDefaultGraph().getTensorByName("w/Ada:0");
    expect(Array.from(sess.run(acc).data as Float32Array).map((v) => +v.toFixed(6))).toEqual(
      new Array(6).fill(0.3),
    );
  });

  it("refuses unknown keys (with the camelCase key), wrong kinds and surplus arguments", () => {
    expectRefused(
      () => new tf.train.AdamOptimizer({ learning_rate: 0.1 } as never),
      "train.AdamOptimizer() got an unexpected keyword argument 'learning_rate' (did you mean 'learningRate'?)",
    );
    expectRefused(
      () => new tf.train.MomentumOptimizer(0.1, 0.9, { use_nesterov: true } as never),
      "train.MomentumOptimizer() got an unexpected keyword argument 'use_nesterov' (did you mean 'useNesterov'?)",
    );
    expectRefused(
      () => new tf.train.GradientDescentOptimizer("0.1" as never),
      "train.GradientDescentOptimizer() argument 'learningRate' (position 1) must be a number, a Tensor or a function returning one, not str '0.1'",
    );
    expectRefused(
      () => new tf.train.RMSPropOptimizer(0.1, 0.9, 0, 1e-10, "yes" as never),
      /^train\.RMSPropOptimizer\(\) argument 'useLocking' \(position 5\) must be a bool/,
    );
    expectRefused(
      () => new tf.train.AdagradOptimizer(0.1, 0.1, false, "A", 1 as never),
      "train.AdagradOptimizer() takes from 1 to 4 positional arguments but 5 were given",
    );
  });
});

describe("Optimizer methods", () => {
  it("minimize(loss, global_step, var_list, gate_gradients, aggregation_method, colocate_gradients_with_ops, name, grad_loss)", () => {
    const build = (
      call: (opt: tf.train.Optimizer, loss: tf.Tensor, w: tf.Variable, s: tf.Variable) => unknown,
    ) => {
      const { w, loss } = model();
      tf.getVariable("other", [2]);
      const step = tf.train.getOrCreateGlobalStep();
      return call(new tf.train.GradientDescentOptimizer(0.1), loss, w, step);
    };
    const pic = expectSameGraphs(
      () => build((o, l, w, s) => o.minimize(l, s, [w], 2, 0, true, "train", tf.constant(2))),
      () =>
        build((o, l, w, s) =>
          o.minimize(l, {
            globalStep: s,
            varList: [w],
            gateGradients: tf.train.Optimizer.GATE_GRAPH,
            aggregationMethod: 0,
            colocateGradientsWithOps: true,
            name: "train",
            gradLoss: tf.constant(2),
          }),
        ),
      () =>
        build((o, l, w, s) =>
          o.minimize(l, s, [w], {
            gateGradients: 2,
            colocateGradientsWithOps: true,
            name: "train",
            gradLoss: tf.constant(2),
          }),
        ),
      () =>
        build((o, l, w, s) =>
          o.minimize({
            loss: l,
            globalStep: s,
            varList: [w],
            gateGradients: 2,
            name: "train",
            gradLoss: tf.constant(2),
          }),
        ),
    );
    // The global step in position 2 is incremented by the train op; var_list keeps
    // `other` out.
    expect(pic.some((l) => l.startsWith("train = AssignAdd(global_step"))).toBe(true);
    expect(pic.some((l) => l.includes("update_other"))).toBe(false);
    const { w, loss } = model();
    const step = tf.train.getOrCreateGlobalStep();
    const train = new tf.train.GradientDescentOptimizer(0.25).minimize(loss, step, [w]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run(train);
    expect(sess.run(step).item()).toBe(1);
  });

  it("minimize refuses a var_list in global_step's position, unknown keys and other aggregation methods", () => {
    const { w, loss } = model();
    const opt = new tf.train.GradientDescentOptimizer(0.1);
    expectRefused(
      () => opt.minimize(loss, [w] as never),
      "Optimizer.minimize() argument 'globalStep' (position 2) must be a Variable, not a list of length 1",
    );
    expectRefused(
      () => opt.minimize(loss, { var_list: [w] } as never),
      "Optimizer.minimize() got an unexpected keyword argument 'var_list' (did you mean 'varList'?)",
    );
    expectRefused(
      () => opt.minimize(loss, { globalStep: null, varList: [loss] } as never),
      /^Optimizer\.minimize\(\) argument 'varList' must be a list of Variables/,
    );
    expectThrowsAndUnchanged(
      () => opt.minimize(loss, { aggregationMethod: 1 }),
      tf.errors.ValueError,
      /^Invalid aggregation_method specified 1/,
    );
  });

  it("computeGradients(loss, var_list, gate_gradients, aggregation_method, colocate_gradients_with_ops, grad_loss)", () => {
    const grads = (f: (o: tf.train.Optimizer, l: tf.Tensor, w: tf.Variable) => unknown) => () => {
      const { w, loss } = model();
      tf.getVariable("other", [2]);
      return f(new tf.train.AdamOptimizer(0.1), loss, w);
    };
    expectSameGraphs(
      grads((o, l, w) => o.computeGradients(l, [w], 2, null, false, tf.constant(3))),
      grads((o, l, w) =>
        o.computeGradients(l, { varList: [w], gateGradients: 2, gradLoss: tf.constant(3) }),
      ),
      grads((o, l, w) =>
        o.computeGradients({ loss: l, varList: [w], gateGradients: 2, gradLoss: tf.constant(3) }),
      ),
    );
    const { w, loss } = model();
    tf.getVariable("other", [2]);
    const gv = new tf.train.AdamOptimizer(0.1).computeGradients(loss, [w], 0, 0, false, 3);
    expect(gv).toHaveLength(1);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    // d(sum(w*w))/dw * grad_loss = 2w * 3
    expect(Array.from(sess.run(gv[0]![0] as tf.Tensor).data as Float32Array)).toEqual(
      W0.flat().map((v) => 6 * v),
    );
    expectRefused(
      () => new tf.train.AdamOptimizer(0.1).computeGradients(loss, w as never),
      /^Optimizer\.computeGradients\(\) argument 'varList' \(position 2\) must be a list of Variables/,
    );
  });

  it("applyGradients(grads_and_vars, global_step, name)", () => {
    const apply =
      (f: (o: tf.train.Optimizer, gv: tf.train.GradAndVar[], s: tf.Variable) => unknown) => () => {
        const { w } = model();
        const step = tf.train.getOrCreateGlobalStep();
        const gv: tf.train.GradAndVar[] = [[tf.onesLike(w), w]];
        return f(new tf.train.MomentumOptimizer(0.1, 0.9), gv, step);
      };
    const pic = expectSameGraphs(
      apply((o, gv, s) => o.applyGradients(gv, s, "apply")),
      apply((o, gv, s) => o.applyGradients(gv, { globalStep: s, name: "apply" })),
      apply((o, gv, s) => o.applyGradients({ gradsAndVars: gv, globalStep: s, name: "apply" })),
    );
    expect(pic.some((l) => l.startsWith("apply = AssignAdd(global_step"))).toBe(true);
    const { w } = model();
    const ones = tf.onesLike(w);
    expectRefused(
      () => new tf.train.AdamOptimizer(0.1).applyGradients([[w, ones]] as never),
      /^Optimizer\.applyGradients\(\) argument 'gradsAndVars' \(position 1\) must be a list of \[gradient, variable\] pairs/,
    );
  });

  it("getSlot(var, name) and getSlotNames()", () => {
    const { w, loss } = model();
    const opt = new tf.train.AdamOptimizer(0.1);
    opt.minimize(loss);
    expect(opt.getSlot(w, "m")?.name).toBe("w/Adam:0");
    expect(opt.getSlot({ var: w, name: "v" })?.name).toBe("w/Adam_1:0");
    expect(opt.getSlot(w, { name: "m" })).toBe(opt.getSlot(w, "m"));
    expect(opt.getSlotNames()).toEqual(["m", "v"]);
    expectRefused(
      () => opt.getSlot(w, { slot: "m" } as never),
      "Optimizer.getSlot() got an unexpected keyword argument 'slot'",
    );
    expectRefused(
      () => opt.getSlot("w" as never, "m"),
      "Optimizer.getSlot() argument 'var' (position 1) must be a Variable, not str 'w'",
    );
    expectRefused(
      () => (opt.getSlotNames as (...a: unknown[]) => unknown)(1),
      "Optimizer.getSlotNames() takes 0 positional arguments but 1 was given",
    );
  });
});

describe("global step functions take (graph)", () => {
  it("getGlobalStep / createGlobalStep / getOrCreateGlobalStep in a given graph", () => {
    const g = new tf.Graph();
    expect(tf.train.getGlobalStep(g)).toBeNull();
    const step = tf.train.createGlobalStep(g);
    expect(step.graph).toBe(g);
    expect(step.name).toBe("global_step:0");
    expect(tf.train.getGlobalStep({ graph: g })).toBe(step);
    expect(tf.train.getOrCreateGlobalStep(g)).toBe(step);
    expect(tf.train.getOrCreateGlobalStep({ graph: g })).toBe(step);
    // The default graph is untouched.
    expect(tf.train.getGlobalStep()).toBeNull();
    expectSameGraphs(
      () => tf.train.createGlobalStep(tf.getDefaultGraph()),
      () => tf.train.createGlobalStep({ graph: tf.getDefaultGraph() }),
      () => tf.train.getOrCreateGlobalStep(),
    );
  });

  it("refuses what is not a graph and unknown keys", () => {
    expectRefused(
      () => tf.train.getOrCreateGlobalStep("g" as never),
      "train.getOrCreateGlobalStep() argument 'graph' (position 1) must be a Graph, not str 'g'",
    );
    expectRefused(
      () => tf.train.createGlobalStep({ grph: tf.getDefaultGraph() } as never),
      "train.createGlobalStep() got an unexpected keyword argument 'grph' (did you mean 'graph'?)",
    );
  });
});

describe("monitored sessions and hooks take TF 1.15's parameters in TF's order", () => {
  /** Runs `make()`'s hooks in a MonitoredSession until it stops; returns the run count. */
  function runsUntilStop(make: () => tf.train.SessionRunHook[]): number {
    const g = new tf.Graph();
    return g.asDefault(() => {
      const step = tf.train.getOrCreateGlobalStep();
      const inc = tf.assignAdd(step, 1);
      using sess = new tf.train.MonitoredSession(null, make());
      let runs = 0;
      for (; !sess.shouldStop() && runs < 20; runs++) sess.run(inc);
      return runs;
    });
  }

  it("StopAtStepHook(num_steps, last_step)", () => {
    expect(runsUntilStop(() => [new tf.train.StopAtStepHook(4)])).toBe(4);
    expect(runsUntilStop(() => [new tf.train.StopAtStepHook({ numSteps: 4 })])).toBe(4);
    expect(runsUntilStop(() => [new tf.train.StopAtStepHook(null, 3)])).toBe(3);
    expect(runsUntilStop(() => [new tf.train.StopAtStepHook({ lastStep: 3 })])).toBe(3);
    expect(() => new tf.train.StopAtStepHook({ num_steps: 3 } as never)).toThrow(
      "train.StopAtStepHook() got an unexpected keyword argument 'num_steps' (did you mean 'numSteps'?)",
    );
  });

  it("LoggingTensorHook(tensors, every_n_iter, every_n_secs, at_end, formatter), MonitoredSession(session_creator, hooks, …)", () => {
    expect(() => new tf.train.LoggingTensorHook(["a"], 2, 3)).toThrow(
      "either at_end and/or exactly one of every_n_iter and every_n_secs",
    );
    expect(() => new tf.train.LoggingTensorHook(["a"], null, null, true)).not.toThrow();
    expect(() => new tf.train.LoggingTensorHook({ tensors: ["a"], atEnd: true })).not.toThrow();
    expect(() => new tf.train.MonitoredSession({ hook: [] } as never)).toThrow(
      "train.MonitoredSession() got an unexpected keyword argument 'hook' (did you mean 'hooks'?)",
    );
  });

  it("CheckpointSaverHook(checkpoint_dir, save_secs, save_steps, saver, checkpoint_basename, scaffold, listeners)", () => {
    expect(() => new tf.train.CheckpointSaverHook("d", null, 10, null, "m.ckpt")).not.toThrow();
    expect(
      () => new tf.train.CheckpointSaverHook({ checkpointDir: "d", saveSteps: 10 }),
    ).not.toThrow();
    expectRefused(
      () => new tf.train.CheckpointSaverHook("d", { saveSteps: 1, listeners: [1] } as never),
      /argument 'listeners' must be a list of CheckpointSaverListeners/,
    );
  });

  it("SummarySaverHook(save_steps, save_secs, output_dir, summary_writer, scaffold, summary_op) and StepCounterHook(every_n_steps, every_n_secs, output_dir, summary_writer)", () => {
    const dir = mkdtempSync(join(tmpdir(), "api-hooks-"));
    try {
      /** The steps of the summaries and session logs `make(writer, op)`'s hook writes. */
      const written = (
        make: (w: tf.summary.FileWriter, op: tf.Tensor) => tf.train.SessionRunHook,
      ): unknown[] => {
        const g = new tf.Graph();
        return g.asDefault(() => {
          const step = tf.train.getOrCreateGlobalStep();
          const op = tf.summary.scalar("s", tf.cast(step, tf.float32));
          const inc = tf.assignAdd(step, 1);
          const w = new tf.summary.FileWriter(join(dir, String(Math.random())));
          {
            using sess = new tf.train.MonitoredSession(null, [
              make(w, op),
              new tf.train.StopAtStepHook(null, 6),
            ]);
            while (!sess.shouldStop()) sess.run(inc);
          }
          w.close();
          return [...tf.train.summaryIterator(w.path)]
            .slice(1)
            .map((e) => [Number(e.step), e.summary?.value?.[0]?.tag ?? e.sessionLog?.status]);
        });
      };
      const saver = written((w, op) => new tf.train.SummarySaverHook(2, null, null, w, null, op));
      expect(saver).toEqual([
        [1, 1],
        [1, "s"],
        [3, "s"],
        [5, "s"],
      ]);
      expect(
        written(
          (w, op) =>
            new tf.train.SummarySaverHook({ saveSteps: 2, summaryWriter: w, summaryOp: op }),
        ),
      ).toEqual(saver);
      const counter = written((w) => new tf.train.StepCounterHook(2, null, null, w));
      expect(counter).toEqual([
        [3, "global_step/sec"],
        [5, "global_step/sec"],
      ]);
      expect(
        written((w) => new tf.train.StepCounterHook({ everyNSteps: 2, summaryWriter: w })),
      ).toEqual(counter);
      expect(() => new tf.train.SummarySaverHook({ save_steps: 2 } as never)).toThrow(
        "train.SummarySaverHook() got an unexpected keyword argument 'save_steps' (did you mean 'saveSteps'?)",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("MonitoredTrainingSession options only as TF's keywords; Scaffold(init_op, …)", () => {
    expectRefused(
      () => tf.train.MonitoredTrainingSession({ checkpoint_dir: "d" } as never),
      "train.MonitoredTrainingSession() got an unexpected keyword argument 'checkpoint_dir' (did you mean 'checkpointDir'?)",
    );
    tf.getVariable("w", [1]);
    const init = tf.globalVariablesInitializer();
    expect(new tf.train.Scaffold(init).initOp).toBe(init);
    expect(new tf.train.Scaffold({ initOp: init }).initOp).toBe(init);
  });
});
