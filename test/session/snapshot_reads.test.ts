/**
 * A variable's read snapshot (`v/read`) shows updates made earlier in the same run, as
 * TensorFlow's buffer-forwarding snapshot does: the `tf.identity` after
 * `tf.control_dependencies([update])` idiom, and constraints applied after an update.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tfc from "@tensorflow/tfjs-core";
import * as tf from "../../src/index.js";

beforeEach(() => tf.resetDefaultGraph());

describe("reads through v/read", () => {
  it("tf.identity(v) after an update in controlDependencies gives the updated value", () => {
    const x = tf.getVariable("x", [2, 3], { initializer: tf.zerosInitializer() });
    const update = tf.assignAdd(x, tf.ones([2, 3]));
    const read = tf.controlDependencies([update], () => tf.identity(x));
    expect(read.op.inputs[0]?.name).toBe("x/read:0");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect(String(sess.run(read))).toBe("[[1. 1. 1.]\n [1. 1. 1.]]");
    expect(String(sess.run(read))).toBe("[[2. 2. 2.]\n [2. 2. 2.]]");
  });

  it("a reader ordered before the update sees the old value; fetching v/read gives the run's end", () => {
    const x = tf.getVariable("x", [3], { initializer: tf.constantInitializer([1, 2, 3]) });
    const before = tf.multiply(x, 10);
    const update = tf.controlDependencies([before], () => tf.assignAdd(x, [1, 1, 1]));
    const after = tf.controlDependencies([update], () => tf.multiply(x, 10));
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const [b, a, v] = sess.run([before, after, x.value()]) as tf.NDArray[];
    expect(String(b)).toBe("[10. 20. 30.]");
    expect(String(a)).toBe("[20. 30. 40.]");
    expect(String(v)).toBe("[2. 3. 4.]");
  });

  it("an uninitialized read names the v/read node, as TensorFlow's message does", () => {
    const x = tf.getVariable("x", [2], { initializer: tf.zerosInitializer() });
    const y = tf.multiply(x, 2);
    using sess = new tf.Session();
    expect(() => sess.run(y)).toThrow(
      "Attempting to use uninitialized value x\n\t [[{{node x/read}}]]",
    );
  });

  it("a constraint after the optimizer's update uses the updated value (TF's graph: c(v/read))", () => {
    const clip = (v: tf.TensorLike): tf.Tensor => tf.minimum(tf.maximum(v, -1), 1);
    const w = tf.getVariable("w", [3, 4], { initializer: tf.zerosInitializer(), constraint: clip });
    const train = new tf.train.GradientDescentOptimizer(0.25).minimize(
      tf.reduceSum(tf.multiply(-3, w)),
    );
    const reads = tf
      .getDefaultGraph()
      .getOperations()
      .filter((o) => o.type === "Identity" && o.inputs[0]?.name === "w:0");
    expect(reads.map((o) => o.name)).toEqual(["w/read"]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run(train);
    expect(String(sess.run(w))).toBe(
      "[[0.75 0.75 0.75 0.75]\n [0.75 0.75 0.75 0.75]\n [0.75 0.75 0.75 0.75]]",
    );
    sess.run(train);
    expect(String(sess.run(w))).toBe("[[1. 1. 1. 1.]\n [1. 1. 1. 1.]\n [1. 1. 1. 1.]]");
  });

  it("memory stays flat over many runs that read through snapshots", () => {
    const x = tf.getVariable("x", [4, 4], { initializer: tf.onesInitializer() });
    const update = tf.assignAdd(x, tf.ones([4, 4]));
    const read = tf.controlDependencies([update], () => tf.reduceSum(tf.identity(x)));
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run(read);
    const start = tfc.memory().numTensors;
    for (let i = 0; i < 200; i++) sess.run(read);
    expect(tfc.memory().numTensors).toBe(start);
    sess.close();
  });
});

describe("GATE_OP orders weight updates after the gradients that read the weights", () => {
  /*
   * The tuple of each op's gradients is an order-only gate: it pulls nothing into a run,
   * but a weight's update must still wait for the gradient ops that read the weight (the
   * backprop through the dense layer reads its kernel). Ignored, the update ran first and
   * the RNN's gradient used the updated dense kernel: 8e-2 off on the RNN kernel.
   */
  function trainedAgainstGradients(rnn: "static" | "dynamic", gate: 0 | 1 | 2): number[] {
    tf.setRandomSeed(3);
    const values = Array.from({ length: 2 * 5 * 3 }, (_, i) => Math.sin(i));
    const x = tf.reshape(tf.constant(values), [2, 5, 3]);
    const cell = new tf.nn.rnnCell.BasicRNNCell(4);
    const outputs =
      rnn === "dynamic"
        ? tf.nn.dynamicRnn(cell, x, { dtype: tf.float32 })[0]
        : tf.stack(tf.nn.staticRnn(cell, tf.unstack(x, 5, 1), { dtype: tf.float32 })[0], 1);
    const y = tf.layers.dense(tf.reduceSum(outputs, 1), 2);
    const loss = tf.reduceSum(tf.square(y));
    const vars = tf.trainableVariables();
    const grads = tf.gradients(loss, vars) as tf.Tensor[];
    const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss, {
      gateGradients: gate,
    });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const before = sess.run(vars.map((v) => v.value()));
    const g = sess.run(grads);
    sess.run(train);
    const after = sess.run(vars.map((v) => v.value()));
    return vars.map((_, i) => {
      const [b, a, d] = [before[i], after[i], g[i]].map((n) => n?.data as Float32Array);
      let worst = 0;
      for (let k = 0; k < (a as Float32Array).length; k++) {
        const expected = (b as Float32Array)[k]! - 0.1 * (d as Float32Array)[k]!;
        worst = Math.max(worst, Math.abs((a as Float32Array)[k]! - expected));
      }
      return worst;
    });
  }

  for (const rnn of ["static", "dynamic"] as const) {
    for (const gate of [1, 2] as const) {
      it(`${rnn} RNN + dense, gateGradients ${gate}: every update is w - lr * g`, () => {
        for (const worst of trainedAgainstGradients(rnn, gate)) expect(worst).toBeLessThan(1e-6);
      });
    }
  }
});
