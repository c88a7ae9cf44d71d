/*
 * `parallel_iterations` and `swap_memory` as TF 1.15 records them: every `Enter` of a loop and
 * of its gradient loop carries the loop's `parallel_iterations`; the gradient's stack pushes
 * carry `swap_memory`. scopeflow's executor runs iterations one after another, so values do
 * not depend on either (TF's `testWhileWithParallelIterations`-style checks).
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../../src/index.js";

beforeEach(() => tf.resetDefaultGraph());

function build(parallelIterations: number, swapMemory: boolean): tf.Tensor {
  const x = tf.constant([0.5, 1.5], { name: "x" });
  const [, v] = tf.whileLoop(
    (i: tf.Tensor) => tf.less(i, 4),
    (i: tf.Tensor, w: tf.Tensor) => [tf.add(i, 1), tf.tanh(tf.multiply(w, x))],
    [tf.constant(0, { dtype: tf.int32 }), tf.ones([2])],
    { parallelIterations, swapMemory },
  ) as tf.Tensor[];
  return (tf.gradients(tf.reduceSum(v as tf.Tensor), [x]) as tf.Tensor[])[0] as tf.Tensor;
}

describe("parallelIterations and swapMemory", () => {
  it("every Enter of the loop and of its gradient loop holds parallel_iterations", () => {
    build(7, true);
    const enters = tf
      .getDefaultGraph()
      .getOperations()
      .filter((o) => o.type === "Enter");
    // Loop variables, the captured x, the forward counter, the gradient loop's counter,
    // b_exit, b_acc, the stacks' two Enters, the pop's invariant.
    expect(enters.length).toBeGreaterThanOrEqual(8);
    for (const e of enters) expect([e.name, e.attrs.parallel_iterations]).toEqual([e.name, 7]);
    const pushes = tf
      .getDefaultGraph()
      .getOperations()
      .filter((o) => o.type === "StackPushV2");
    expect(pushes.length).toBeGreaterThan(0);
    for (const p of pushes) expect(p.attrs.swap_memory).toBe(true);
  });

  it("the default is 10, swap_memory false; dynamicRnn's default is 32", () => {
    build(10, false);
    const graph = tf.getDefaultGraph();
    expect(graph.getOperationByName("while/Enter").attrs.parallel_iterations).toBe(10);
    for (const o of graph.getOperations().filter((p) => p.type === "StackPushV2")) {
      expect(o.attrs.swap_memory).toBe(false);
    }
    const inputs = tf.placeholder(tf.float32, [2, 3, 4]);
    tf.nn.dynamicRnn(new tf.nn.rnnCell.BasicRNNCell(3), inputs, { dtype: tf.float32 });
    const rnnEnters = graph
      .getOperations()
      .filter((o) => o.type === "Enter" && o.name.startsWith("rnn/"));
    expect(rnnEnters.length).toBeGreaterThan(0);
    for (const e of rnnEnters) expect(e.attrs.parallel_iterations).toBe(32);
  });

  it("the values do not depend on them", () => {
    const results: number[][] = [];
    for (const [p, s] of [
      [1, false],
      [10, false],
      [32, true],
    ] as const) {
      tf.resetDefaultGraph();
      const g = build(p, s);
      using sess = new tf.Session();
      results.push(Array.from(sess.run(g).data as Float32Array));
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    expect(results[0]?.every((v) => Number.isFinite(v) && v !== 0)).toBe(true);
  });
});
