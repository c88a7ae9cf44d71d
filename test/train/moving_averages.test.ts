/**
 * tf.train.ExponentialMovingAverage against TF 1.15's formulas (written out below in
 * plain JS): shadow variables and their names, update ops, num_updates, zero-debiasing of
 * tensors, and evaluating with the averages through variablesToRestore and a Saver.
 */
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectRefused, expectSameGraphs } from "../api/helpers.js";
import { tempDir } from "../checkpoint/helpers.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const f = Math.fround;

function expectClose(got: ArrayLike<number>, want: readonly number[], what: string): void {
  expect(got.length, what).toBe(want.length);
  want.forEach((w, i) => {
    const g = got[i] as number;
    const err = Math.abs(g - w);
    if (!(err <= 2e-6 * Math.abs(w) + 1e-7)) {
      expect.fail(`${what}[${i}]: got ${g}, want ${w} (error ${err})`);
    }
  });
}

function read(sess: tf.Session, t: tf.Tensor | tf.Variable): number[] {
  return Array.from((sess.run(t) as tf.NDArray).data as Float32Array);
}

function names(items: readonly { name: string }[]): string[] {
  return items.map((v) => v.name);
}

describe("ExponentialMovingAverage(decay, num_updates, zero_debias, name).apply(var_list)", () => {
  it("moves each shadow variable as shadow = decay * shadow + (1 - decay) * var", () => {
    const w = tf.getVariable("w", [2], { initializer: tf.constantInitializer([1, -2]) });
    const b = tf.getVariable("b", [], { initializer: tf.constantInitializer(0.5) });
    const ema = new tf.train.ExponentialMovingAverage(0.9);
    const update = ema.apply([w, b]);
    const avgW = ema.average(w) as tf.Variable;
    const avgB = ema.average(b) as tf.Variable;
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    // The shadows start at the variables' initial values.
    expectClose(read(sess, avgW), [1, -2], "initial avg(w)");
    expectClose(read(sess, avgB), [0.5], "initial avg(b)");
    let sw = [1, -2];
    let sb = 0.5;
    const series = [
      [3, 4],
      [-1, 0.25],
      [10, 10],
      [2, -6],
    ];
    series.forEach((value, t) => {
      w.load(value, sess);
      b.load(t, sess);
      sess.run(update);
      const oneMinus = f(1 - f(0.9));
      sw = sw.map((s, i) => f(s - f(f(s - (value[i] as number)) * oneMinus)));
      sb = f(sb - f(f(sb - t) * oneMinus));
      expectClose(read(sess, avgW), sw, `avg(w) after update ${t + 1}`);
      expectClose(read(sess, avgB), [sb], `avg(b) after update ${t + 1}`);
    });
  });

  it("names shadows <var>/ExponentialMovingAverage (not trainable, in GLOBAL_VARIABLES) and the update ops as TF", () => {
    const w = tf.variableScope("layer", () =>
      tf.getVariable("kernel", [2, 3], { initializer: tf.onesInitializer() }),
    );
    const v = tf.getVariable("v", [], { initializer: tf.zerosInitializer() });
    const ema = new tf.train.ExponentialMovingAverage(0.99);
    expect(ema.name).toBe("ExponentialMovingAverage");
    const update = ema.apply([w, v]);
    expect(update.name).toBe("ExponentialMovingAverage");
    expect(update.type).toBe("NoOp");
    expect(update.controlInputs.map((o) => o.name)).toEqual([
      "ExponentialMovingAverage/AssignMovingAvg",
      "ExponentialMovingAverage/AssignMovingAvg_1",
    ]);
    const avgW = ema.average(w) as tf.Variable;
    expect(avgW.name).toBe("layer/kernel/ExponentialMovingAverage:0");
    expect(avgW.shape.toString()).toBe("(2, 3)");
    expect(avgW.trainable).toBe(false);
    expect(ema.average(v)?.name).toBe("v/ExponentialMovingAverage:0");
    expect(names(tf.globalVariables())).toEqual([
      "layer/kernel:0",
      "v:0",
      "layer/kernel/ExponentialMovingAverage:0",
      "v/ExponentialMovingAverage:0",
    ]);
    expect(names(tf.trainableVariables())).toEqual(["layer/kernel:0", "v:0"]);
    expect(names(tf.getCollection<tf.Variable>(tf.GraphKeys.MOVING_AVERAGE_VARIABLES))).toEqual([
      "layer/kernel:0",
      "v:0",
    ]);
    expect(tf.GraphKeys.MOVING_AVERAGE_VARIABLES).toBe("moving_average_variables");

    const g = tf.getDefaultGraph();
    const assign = g.getOperationByName("ExponentialMovingAverage/AssignMovingAvg");
    expect(assign.type).toBe("AssignSub");
    expect(assign.inputs.map((t) => t.name)).toEqual([
      "layer/kernel/ExponentialMovingAverage:0",
      "ExponentialMovingAverage/AssignMovingAvg/mul:0",
    ]);
    expect(g.getOperationByName("ExponentialMovingAverage/decay").type).toBe("Const");
    const sub = g.getOperationByName("ExponentialMovingAverage/AssignMovingAvg/sub_1");
    expect(sub.inputs.map((t) => t.name)).toEqual([
      "layer/kernel/ExponentialMovingAverage/read:0",
      "layer/kernel/read:0",
    ]);
    // The shadow starts at the variable's initial value.
    expect(
      g.getOperationByName("layer/kernel/ExponentialMovingAverage/Assign").inputs[1]?.name,
    ).toBe(w.initialValue.name);

    // A second average of the same variables gets unique names, as TF's slots do.
    const ema2 = new tf.train.ExponentialMovingAverage(0.5);
    expect(ema2.averageName(v)).toBe("v/ExponentialMovingAverage_1");
    const update2 = ema2.apply([v]);
    expect(update2.name).toBe("ExponentialMovingAverage_1");
    expect(ema2.average(v)?.name).toBe("v/ExponentialMovingAverage_1:0");
    expect(ema2.averageName(v)).toBe("v/ExponentialMovingAverage_1");
  });

  it("uses its name for the shadows and the update op; apply again reuses the shadows", () => {
    const w = tf.getVariable("w", [], { initializer: tf.constantInitializer(1) });
    const ema = new tf.train.ExponentialMovingAverage(0.9, { name: "avg" });
    expect(ema.averageName(w)).toBe("w/avg");
    expect(ema.average(w)).toBeNull();
    const u1 = ema.apply([w]);
    const shadow = ema.average(w);
    const u2 = ema.apply([w]);
    expect([u1.name, u2.name]).toEqual(["avg", "avg_1"]);
    expect(ema.average(w)).toBe(shadow);
    expect(names(tf.globalVariables())).toEqual(["w:0", "w/avg:0"]);
  });

  it("apply() without a list averages the trainable variables", () => {
    tf.getVariable("a", [], { initializer: tf.onesInitializer() });
    tf.getVariable("n", [], { initializer: tf.onesInitializer(), trainable: false });
    const ema = new tf.train.ExponentialMovingAverage(0.9);
    ema.apply();
    expect(names(tf.globalVariables())).toEqual(["a:0", "n:0", "a/ExponentialMovingAverage:0"]);
  });

  it("with num_updates the decay is min(decay, (1 + n) / (10 + n))", () => {
    const w = tf.getVariable("w", [], { initializer: tf.constantInitializer(0) });
    const step = tf.train.getOrCreateGlobalStep();
    const ema = new tf.train.ExponentialMovingAverage(0.95, step);
    const update = ema.apply([w]);
    const g = tf.getDefaultGraph();
    const cast = g.getOperationByName("ExponentialMovingAverage/num_updates");
    expect(cast.type).toBe("Cast");
    expect(cast.inputs[0]?.name).toBe("global_step/read:0");
    expect(g.getOperationByName("ExponentialMovingAverage/Minimum").type).toBe("Minimum");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    let shadow = 0;
    for (const n of [0, 3, 50, 200, 1000]) {
      step.load(n, sess);
      w.load(n + 1, sess);
      sess.run(update);
      const decay = Math.min(0.95, (1 + n) / (10 + n));
      shadow = shadow - (1 - decay) * (shadow - (n + 1));
      expectClose(read(sess, ema.average(w) as tf.Variable), [shadow], `avg at n=${n}`);
    }
  });

  it("averages a tensor from zeros and, with zero_debias, divides by 1 - decay^t", () => {
    const x = tf.placeholder(tf.float32, [3], { name: "x" });
    const mean = tf.reduceMean(x);
    const plainEma = new tf.train.ExponentialMovingAverage(0.8, { name: "plain" });
    const plainUpdate = plainEma.apply([mean]);
    const ema = new tf.train.ExponentialMovingAverage(0.8, null, true);
    const update = ema.apply([mean]);
    const avg = ema.average(mean) as tf.Variable;
    expect(avg.name).toBe("Mean/ExponentialMovingAverage:0");
    expect(plainEma.average(mean)?.name).toBe("Mean/plain:0");
    expect(names(tf.globalVariables())).toEqual([
      "Mean/plain:0",
      "Mean/ExponentialMovingAverage:0",
      "Mean/ExponentialMovingAverage/biased:0",
      "Mean/ExponentialMovingAverage/local_step:0",
    ]);
    // Tensors are not moving-average *variables*.
    expect(tf.getCollection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES)).toEqual([]);
    const g = tf.getDefaultGraph();
    const assign = g.getOperationByName("ExponentialMovingAverage/AssignMovingAvg");
    expect(assign.type).toBe("Assign");
    expect(assign.inputs[1]?.name).toBe("ExponentialMovingAverage/AssignMovingAvg/truediv:0");
    expect(g.getOperationByName("ExponentialMovingAverage/AssignMovingAvg/AssignSub").type).toBe(
      "AssignSub",
    );
    expect(g.getOperationByName("ExponentialMovingAverage/AssignMovingAvg/AssignAdd").type).toBe(
      "AssignAdd",
    );
    expect(g.getOperationByName("plain/AssignMovingAvg").type).toBe("AssignSub");

    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    let biased = 0;
    let plain = 0;
    const means = [2, 5, -1, 4];
    means.forEach((m, i) => {
      const t = i + 1;
      sess.run([update, plainUpdate], new Map([[x, [m - 1, m, m + 1]]]));
      biased = biased - (biased - m) * 0.2;
      plain = plain - (plain - m) * 0.2;
      expectClose(read(sess, avg), [biased / (1 - 0.8 ** t)], `debiased avg after ${t}`);
      expectClose(read(sess, plainEma.average(mean) as tf.Variable), [plain], `plain avg ${t}`);
      // Debiased, the first update gives the value itself; the plain average is pulled to 0.
      if (t === 1) {
        expectClose(read(sess, avg), [m], "debiased avg after 1");
        expectClose(read(sess, plainEma.average(mean) as tf.Variable), [0.2 * m], "plain after 1");
      }
    });
  });

  it("updates after the train op when applied under controlDependencies (TF's usual pattern)", () => {
    const w = tf.getVariable("w", [], { initializer: tf.constantInitializer(1) });
    const opt = new tf.train.GradientDescentOptimizer(0.5);
    const trainOp = opt.minimize(tf.multiply(2, w));
    const ema = new tf.train.ExponentialMovingAverage(0.5);
    const step = tf.controlDependencies([trainOp], () => ema.apply([w]));
    // The shadow's initializer does not wait for training.
    expect(
      tf.getDefaultGraph().getOperationByName("w/ExponentialMovingAverage/Assign").controlInputs,
    ).toEqual([]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    let wv = 1;
    let shadow = 1;
    for (let t = 0; t < 3; t++) {
      sess.run(step);
      wv -= 0.5 * 2;
      shadow = 0.5 * shadow + 0.5 * wv;
      expectClose(read(sess, ema.average(w) as tf.Variable), [shadow], `avg after step ${t}`);
    }
  });

  it("refuses non-float variables with TF's TypeError, the graph and averages unchanged", () => {
    const w = tf.getVariable("w", [], { initializer: tf.onesInitializer() });
    const n = tf.getVariable("n", [], { dtype: tf.int32, initializer: tf.zerosInitializer() });
    const ema = new tf.train.ExponentialMovingAverage(0.9);
    expectThrowsAndUnchanged(
      () => ema.apply([w, n]),
      TypeError,
      "The variables must be half, float, or double: n:0",
    );
    expect(ema.average(w)).toBeNull();
  });

  it("takes TF's parameters positionally or by name; refuses unknown keys and wrong kinds", () => {
    const build = (make: () => tf.train.ExponentialMovingAverage) => () => {
      const w = tf.getVariable("w", [], { initializer: tf.onesInitializer() });
      make().apply([w]);
    };
    expectSameGraphs(
      build(() => new tf.train.ExponentialMovingAverage(0.9, 5, false, "ema")),
      build(
        () =>
          new tf.train.ExponentialMovingAverage({
            decay: 0.9,
            numUpdates: 5,
            zeroDebias: false,
            name: "ema",
          }),
      ),
      build(() => new tf.train.ExponentialMovingAverage(0.9, 5, { name: "ema" })),
    );
    tf.resetDefaultGraph();
    const w = tf.getVariable("w", [], { initializer: tf.onesInitializer() });
    expectRefused(
      () => new tf.train.ExponentialMovingAverage(0.9, { num_updates: 3 } as never),
      "train.ExponentialMovingAverage() got an unexpected keyword argument 'num_updates' (did you mean 'numUpdates'?)",
    );
    expectRefused(
      () => new tf.train.ExponentialMovingAverage("0.9" as never),
      "train.ExponentialMovingAverage() argument 'decay' (position 1) must be a number or a Tensor, not str '0.9'",
    );
    const ema = new tf.train.ExponentialMovingAverage(0.9);
    expectRefused(
      () => ema.apply([w, 3] as never),
      "ExponentialMovingAverage.apply() argument 'varList' (position 1) must be a list of Variables or Tensors, not a list of length 2",
    );
    expectRefused(
      () => ema.apply({ var_list: [w] } as never),
      "ExponentialMovingAverage.apply() got an unexpected keyword argument 'var_list' (did you mean 'varList'?)",
    );
    expect(ema.apply({ varList: [w] }).name).toBe("ExponentialMovingAverage");
    expect(ema.averageName({ var: w })).toBe("w/ExponentialMovingAverage");
  });
});

describe("ExponentialMovingAverage.variablesToRestore(moving_avg_variables)", () => {
  it("maps average names to the averaged variables and other globals to their own names", () => {
    const w = tf.getVariable("w", [2], { initializer: tf.onesInitializer() });
    const step = tf.train.getOrCreateGlobalStep();
    const ema = new tf.train.ExponentialMovingAverage(0.9);
    ema.apply([w]);
    const map = ema.variablesToRestore();
    expect(Object.keys(map).sort()).toEqual(["global_step", "w/ExponentialMovingAverage"]);
    expect(map["w/ExponentialMovingAverage"]).toBe(w);
    expect(map.global_step).toBe(step);
    // An explicit list: only those variables are read from their averages.
    const only = ema.variablesToRestore([]);
    expect(Object.keys(only).sort()).toEqual(["global_step", "w", "w/ExponentialMovingAverage"]);
    expect(only["w/ExponentialMovingAverage"]).toBe(ema.average(w));
  });

  it("round trip: save the trained model, restore the averages into plain variables", () => {
    const dir = tempDir();
    const prefix = path.join(dir, "model.ckpt");
    let wantAvg: number[] = [];
    let wantW: number[] = [];
    {
      const g = new tf.Graph();
      g.asDefault(() => {
        const w = tf.variableScope("net", () =>
          tf.getVariable("w", [3], { initializer: tf.constantInitializer([0, 1, 2]) }),
        );
        const ema = new tf.train.ExponentialMovingAverage(0.6);
        const update = ema.apply([w]);
        using sess = new tf.Session();
        sess.run(tf.globalVariablesInitializer());
        let shadow = [0, 1, 2];
        for (const value of [
          [1, 1, 1],
          [4, -2, 0],
          [2, 8, -3],
        ]) {
          w.load(value, sess);
          sess.run(update);
          shadow = shadow.map((s, i) => f(s - f(f(s - (value[i] as number)) * f(1 - f(0.6)))));
        }
        wantAvg = read(sess, ema.average(w) as tf.Variable);
        wantW = read(sess, w);
        expectClose(wantAvg, shadow, "trained average");
        new tf.train.Saver().save(sess, prefix);
      });
    }
    expect(tf.train.listVariables(prefix).map(([name]) => name)).toEqual([
      "net/w",
      "net/w/ExponentialMovingAverage",
    ]);
    // The evaluation graph has the plain variable only; the map reads it from its average.
    const w = tf.variableScope("net", () => tf.getVariable("w", [3]));
    const ema = new tf.train.ExponentialMovingAverage(0.6);
    const map = ema.variablesToRestore();
    expect(Object.keys(map)).toEqual(["net/w/ExponentialMovingAverage"]);
    using sess = new tf.Session();
    new tf.train.Saver(map).restore(sess, prefix);
    expectClose(read(sess, w), wantAvg, "restored w");
    expect(read(sess, w)).not.toEqual(wantW);
  });
});
