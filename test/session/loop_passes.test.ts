import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { loopSpecOf } from "../../src/ops/control/while_loop.js";
import { getOpDefinition } from "../../src/ops/registry.js";
import { deferLoopSums, preTransposeInvariants } from "../../src/session/loop_passes.js";
import { makePlan } from "../../src/session/plan.js";

/*
 * The loop plan passes change how a gradient loop is computed, never the graph: the
 * gradient functions build TensorFlow's ops, and the values are those of the same model
 * unrolled (`staticRnn`, no loop at all).
 */

beforeEach(() => tf.resetDefaultGraph());

const T = 4;
const BATCH = 3;
const DEPTH = 2;

function inputs(): number[][][] {
  return Array.from({ length: T }, (_, t) =>
    Array.from({ length: BATCH }, (_, b) =>
      Array.from({ length: DEPTH }, (_, d) => Math.sin(1 + t * 7 + b * 3 + d)),
    ),
  );
}

/** The gradients of an LSTM's weights, built with `dynamicRnn` or `staticRnn`. */
function lstmGradients(dynamic: boolean): { grads: tf.Tensor[]; x: tf.Tensor } {
  const x = tf.placeholder(tf.float32, [T, BATCH, DEPTH]);
  const cell = new tf.nn.rnnCell.BasicLSTMCell(5);
  const init = tf.constantInitializer(0.1);
  let out: tf.Tensor;
  tf.variableScope("m", { initializer: init }, () => {
    if (dynamic) {
      [out] = tf.nn.dynamicRnn(cell, x, { dtype: tf.float32, timeMajor: true });
    } else {
      const [outs] = tf.nn.staticRnn(cell, tf.unstack(x), { dtype: tf.float32 });
      out = tf.stack(outs);
    }
  });
  const loss = tf.reduceSum(tf.square(out!));
  return { grads: tf.gradients(loss, tf.trainableVariables()) as tf.Tensor[], x };
}

function run(dynamic: boolean): number[][] {
  const { grads, x } = lstmGradients(dynamic);
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  const values = sess.run(grads, new Map([[x, inputs()]])) as unknown as { toArray(): unknown }[];
  return values.map((v) => (v.toArray() as unknown[]).flat(2) as number[]);
}

describe("loop plan passes", () => {
  it("leave TensorFlow's gradient graph: the weights' sums and transposed products in the loop", () => {
    const { grads } = lstmGradients(true);
    const ops = tf.getDefaultGraph().getOperations();
    // No transpose of a shared weight outside the loop: the product takes it transposed.
    const product = ops.find(
      (o) => o.name === "gradients/m/rnn/while/basic_lstm_cell/MatMul_grad/MatMul",
    );
    expect(product?.attrs.transpose_b).toBe(true);
    expect(product?.inputs[1]?.op.type).toBe("Enter");
    expect(ops.filter((o) => o.type === "Transpose").map((o) => o.name)).toEqual([]);
    // The kernel's gradient is the loop's carried sum.
    const gradLoop = grads[0]?.op as tf.Operation;
    expect(gradLoop.type).toBe("While");
  });

  it("defer the gradient loop's weight sums and transpose the invariant weight once", () => {
    const { grads, x } = lstmGradients(true);
    const plan = makePlan(grads, [], [x]);
    const loopStep = plan.steps.find(
      (s) => s.op.type === "While" && loopSpecOf(s.op).forward !== null,
    );
    expect(loopStep).toBeDefined();
    const registered = getOpDefinition("While")?.kernel;
    // The plan made the step run through the rewrite; a plain plan step keeps the kernel.
    expect(loopStep?.kernel).not.toBe(registered);
    expect(deferLoopSums([{ ...loopStep!, kernel: registered! }])[0]?.kernel).not.toBe(registered);

    const spec = loopSpecOf(loopStep!.op);
    const feeds = [
      spec.time,
      ...spec.carriedIn,
      ...spec.slicedIn,
      ...spec.captureEntries,
      ...spec.forwardReads,
    ];
    const body = makePlan(
      spec.carriedOut.slice(0, 2),
      [],
      feeds,
      spec.context,
      spec.captureEntries,
    );
    expect(body.prelude.map((s) => s.op.name)).toEqual([
      "gradients/m/rnn/while/basic_lstm_cell/MatMul_grad/MatMul",
    ]);
    // Without invariant feeds, nothing is pre-transposed.
    const steps = makePlan(spec.carriedOut.slice(0, 2), [], feeds, spec.context).steps;
    expect(preTransposeInvariants(steps, new Set(), () => -1)).toEqual([]);
  });

  it("compute the values of the unrolled model", () => {
    const dynamic = run(true);
    tf.resetDefaultGraph();
    const unrolled = run(false);
    expect(dynamic.length).toBe(unrolled.length);
    dynamic.forEach((g, i) => {
      const want = unrolled[i] as number[];
      expect(g.length).toBe(want.length);
      g.forEach((v, j) => expect(v).toBeCloseTo(want[j] as number, 4));
    });
  });
});
