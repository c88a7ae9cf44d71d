/**
 * README/API.md "Training": RMSProp and Adagrad (untested elsewhere), slot names and
 * getSlotNames, computeGradients/applyGradients, minimize with varList and globalStep —
 * on [3,4] variables, against the update rules of TF's kernels computed in plain JS.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectClose, map2, matrix } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

/** loss = sum((w - target)^2) / 2, so the gradient is w - target. */
function problem() {
  const w0 = map2(matrix(3, 4), (x) => x / 10);
  const target = map2(matrix(3, 4), (x, i, j) => (i - j) / 3 + x / 20);
  const w = tf.getVariable("w", [3, 4], { initializer: tf.constantInitializer(w0) });
  const loss = tf.multiply(0.5, tf.reduceSum(tf.square(tf.subtract(w, tf.constant(target)))));
  return { w, loss, w0, target };
}

describe("RMSPropOptimizer", () => {
  it("slots w/RMSProp (rms, ones) and w/RMSProp_1 (momentum); three steps match ApplyRMSProp", () => {
    const { w, loss, w0, target } = problem();
    const opt = new tf.train.RMSPropOptimizer(0.01, { decay: 0.9, momentum: 0.5, epsilon: 1e-6 });
    const train = opt.minimize(loss);
    expect(train.name).toBe("RMSProp");
    expect(opt.getSlot(w, "rms")?.name).toBe("w/RMSProp:0");
    expect(opt.getSlot(w, "momentum")?.name).toBe("w/RMSProp_1:0");
    expect(opt.getSlotNames()).toEqual(["momentum", "rms"]);
    expect(tf.trainableVariables().map((v) => v.name)).toEqual(["w:0"]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    let wv = w0.map((r) => r.slice());
    let ms = map2(w0, () => 1);
    let mom = map2(w0, () => 0);
    for (let step = 0; step < 3; step++) {
      sess.run(train);
      const g = map2(wv, (x, i, j) => x - ((target[i] as number[])[j] as number));
      ms = map2(ms, (m, i, j) => 0.9 * m + 0.1 * ((g[i] as number[])[j] as number) ** 2);
      mom = map2(
        mom,
        (m, i, j) =>
          0.5 * m +
          (0.01 * ((g[i] as number[])[j] as number)) /
            Math.sqrt(((ms[i] as number[])[j] as number) + 1e-6),
      );
      wv = map2(wv, (x, i, j) => x - ((mom[i] as number[])[j] as number));
    }
    expectClose(sess.run(w).toArray(), wv, 5);
    expectClose(sess.run(opt.getSlot(w, "rms") as tf.Variable).toArray(), ms, 5);
  });
});

describe("AdagradOptimizer", () => {
  it("slot w/Adagrad starting at 0.1; three steps match ApplyAdagrad", () => {
    const { w, loss, w0, target } = problem();
    const opt = new tf.train.AdagradOptimizer(0.3);
    const train = opt.minimize(loss);
    expect(opt.getSlot(w, "accumulator")?.name).toBe("w/Adagrad:0");
    expect(opt.getSlotNames()).toEqual(["accumulator"]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect(sess.run(opt.getSlot(w, "accumulator") as tf.Variable).toArray()).toEqual(
      map2(w0, () => 0.1).map((r) => r.map((x) => Math.fround(x))),
    );
    let wv = w0.map((r) => r.slice());
    let acc = map2(w0, () => 0.1);
    for (let step = 0; step < 3; step++) {
      sess.run(train);
      const g = map2(wv, (x, i, j) => x - ((target[i] as number[])[j] as number));
      acc = map2(acc, (a, i, j) => a + ((g[i] as number[])[j] as number) ** 2);
      wv = map2(
        wv,
        (x, i, j) =>
          x -
          (0.3 * ((g[i] as number[])[j] as number)) / Math.sqrt((acc[i] as number[])[j] as number),
      );
    }
    expectClose(sess.run(w).toArray(), wv, 5);
  });
});

describe("Optimizer API", () => {
  it("computeGradients gives [grad, var] pairs; applyGradients with globalStep bumps it", () => {
    const { w, loss, w0, target } = problem();
    const other = tf.getVariable("other", [2, 3], { initializer: tf.onesInitializer() });
    const step = tf.train.getOrCreateGlobalStep();
    expect(step.name).toBe("global_step:0");
    expect(tf.getCollection(tf.GraphKeys.GLOBAL_STEP)).toEqual([step]);
    expect(tf.train.getOrCreateGlobalStep()).toBe(step);
    const opt = new tf.train.GradientDescentOptimizer(0.5);
    const pairs = opt.computeGradients(loss);
    // `other` does not feed the loss: its gradient is null.
    expect(
      pairs.map(([g, v]) => [g === null ? null : (g as tf.Tensor).shape.toString(), v.name]),
    ).toEqual([
      ["(3, 4)", "w:0"],
      [null, "other:0"],
    ]);
    const train = opt.applyGradients(pairs, { globalStep: step });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expectClose(
      sess.run(pairs[0]?.[0] as tf.Tensor).toArray(),
      map2(w0, (x, i, j) => x - ((target[i] as number[])[j] as number)),
      5,
    );
    sess.run(train);
    sess.run(train);
    expect(sess.run(step).item()).toBe(2);
    // Two steps of w <- w - 0.5 (w - t): the distance to t shrinks by 4.
    expectClose(
      sess.run(w).toArray(),
      map2(w0, (x, i, j) => {
        const t = (target[i] as number[])[j] as number;
        return t + (x - t) / 4;
      }),
      5,
    );
    expect(sess.run(other).toArray()).toEqual(map2(matrix(2, 3), () => 1));
  });

  it("minimize with a varList trains only those variables", () => {
    const a = tf.getVariable("a", [3, 4], { initializer: tf.onesInitializer() });
    const b = tf.getVariable("b", [3, 4], { initializer: tf.onesInitializer() });
    const loss = tf.reduceSum(tf.multiply(a, b));
    const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss, { varList: [b] });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run(train);
    expect(sess.run(a).toArray()).toEqual(map2(matrix(3, 4), () => 1));
    expectClose(
      sess.run(b).toArray(),
      map2(matrix(3, 4), () => 0.9),
      6,
    );
  });
});
