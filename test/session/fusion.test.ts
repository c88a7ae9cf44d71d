import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { makePlan } from "../../src/session/plan.js";

/*
 * Plan fusions choose how to compute, never what: the graph stays TensorFlow's, and the
 * fused plan's values match the unfused ones (a value that is fetched cannot be fused away,
 * which gives the unfused plan to compare with).
 */

beforeEach(() => tf.resetDefaultGraph());

const T = 5;
const BATCH = 3;
const IN = 4;
const HIDDEN = 6;

/** A hand-unrolled tanh RNN and the gradients of its loss with respect to its weights. */
function unrolledRnn(): { grads: tf.Tensor[]; x: tf.Tensor } {
  const x = tf.placeholder(tf.float32, [BATCH, T, IN]);
  const w = tf.getVariable("w", [IN, HIDDEN], {
    initializer: tf.randomUniformInitializer(-1, 1, 1),
  });
  const u = tf.getVariable("u", [HIDDEN, HIDDEN], {
    initializer: tf.randomUniformInitializer(-1, 1, 2),
  });
  const b = tf.getVariable("b", [HIDDEN], { initializer: tf.constantInitializer(0.1) });
  let h: tf.Tensor = tf.zeros([BATCH, HIDDEN]);
  for (const xt of tf.unstack(x, { axis: 1 })) {
    h = tf.tanh(tf.add(tf.add(tf.matmul(xt, w), tf.matmul(h, u)), b));
  }
  const loss = tf.reduceSum(tf.square(h));
  return { grads: tf.gradients(loss, [w, u, b]) as tf.Tensor[], x };
}

function xValues(): number[][][] {
  return Array.from({ length: BATCH }, (_, i) =>
    Array.from({ length: T }, (_, t) =>
      Array.from({ length: IN }, (_, d) => Math.sin(i * 5 + t * 3 + d)),
    ),
  );
}

/** The `MatMul(a, b, transpose_a)` terms the weight gradients' `AddN`s sum. */
function summedProducts(grads: readonly tf.Tensor[]): tf.Tensor[] {
  const terms: tf.Tensor[] = [];
  for (const g of grads) {
    if (g.op.type !== "AddN") continue;
    for (let t of g.op.inputs) {
      while (t.op.type === "Identity") t = t.op.inputs[0] as tf.Tensor;
      if (t.op.type === "MatMul") terms.push(t);
    }
  }
  return terms;
}

const matMulSteps = (plan: ReturnType<typeof makePlan>) =>
  plan.steps.filter((s) => s.op.type === "MatMul").length;

describe("summed products of an unrolled loop's weight gradient", () => {
  it("run as one product, with the values of the separate products", () => {
    const { grads, x } = unrolledRnn();
    const terms = summedProducts(grads);
    // w's and u's gradients: one product per step each (u's first step multiplies zeros).
    expect(terms.length).toBe(2 * T);
    const fused = makePlan(grads, [], [x]);
    const unfused = makePlan([...grads, ...terms], [], [x]);
    expect(matMulSteps(unfused) - matMulSteps(fused)).toBe(2 * T);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const feeds = new Map([[x, xValues()]]);
    const got = sess.run(grads, feeds) as tf.NDArray[];
    const want = (sess.run([...grads, ...terms], feeds) as tf.NDArray[]).slice(0, grads.length);
    got.forEach((g, i) => {
      expect(g.shape).toEqual(want[i]!.shape);
      expect(g.allClose(want[i]!, 1e-5, 1e-6)).toBe(true);
    });
  });

  it("leave a sum alone when one of its products is read elsewhere", () => {
    const { grads, x } = unrolledRnn();
    const terms = summedProducts(grads);
    const plan = makePlan([...grads, terms[0]!], [], [x]);
    // The sum that reads the fetched product keeps its T products; the other is fused.
    expect(matMulSteps(plan)).toBe(matMulSteps(makePlan(grads, [], [x])) + T);
  });
});
