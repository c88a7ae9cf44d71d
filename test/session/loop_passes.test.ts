import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { biasAddGrad } from "../../src/ops/nn/bias_add.js";
import { getOpDefinition } from "../../src/ops/registry.js";
import { makePlan, type Step } from "../../src/session/plan.js";

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
    // The kernel's gradient is the gradient loop's accumulator (`AddBackpropAccumulator`).
    const scope = "gradients/m/rnn/while/basic_lstm_cell/MatMul/Enter_grad/";
    expect(grads[0]?.name).toBe(`${scope}b_acc_3:0`);
    const add = tf.getDefaultGraph().getOperationByName(`${scope}Add`);
    expect(add.inputs.map((t) => t.name)).toEqual([
      `${scope}Switch:1`,
      "gradients/m/rnn/while/basic_lstm_cell/MatMul_grad/MatMul_1:0",
    ]);
  });

  it("keep the terms of the weights' sums, sum them at the Exit, transpose the weight once", () => {
    const { grads, x } = lstmGradients(true);
    const plan = makePlan(grads, [], [x]);
    const steps = new Map<string, Step>();
    const visit = (list: readonly Step[]): void => {
      for (const s of list) {
        steps.set(s.op.name, s);
        if (s.frame !== undefined) visit(s.frame.steps);
      }
    };
    visit(plan.steps);
    const registered = (type: string) => getOpDefinition(type)?.kernel;
    const grad = "gradients/m/rnn/while/basic_lstm_cell/";
    // The kernel's and the bias's terms are kept, not computed: they write nothing.
    const term = steps.get(`${grad}MatMul_grad/MatMul_1`);
    expect(term?.outputs).toEqual([]);
    expect(term?.kernel).not.toBe(registered("MatMul"));
    expect(steps.get(`${grad}BiasAdd_grad/BiasAddGrad`)?.outputs).toEqual([]);
    // The adds only carry the accumulator; the Exits compute the sums.
    const add = steps.get(`${grad}MatMul/Enter_grad/Add`);
    expect(add?.inputs).toHaveLength(1);
    const exit = steps.get(`${grad}MatMul/Enter_grad/b_acc_3`);
    expect(exit?.flow).toBeUndefined();
    // Other loop variables leave as they are (the forward loop's output TensorArray).
    expect(steps.get("m/rnn/while/Exit_2")?.flow).toBe("exit");
    // The product with the transposed weight reads it transposed once per loop run.
    expect(steps.get(`${grad}MatMul_grad/MatMul`)?.kernel).not.toBe(registered("MatMul"));
    // The forget bias's gradient (`x + 1.0`: a sum over no axes, a reshape to the same
    // shape) hands its value on without a kernel.
    expect(steps.get(`${grad}Add_grad/Sum`)?.kernel).not.toBe(registered("Sum"));
    expect(steps.get(`${grad}Add_grad/Reshape`)?.kernel).not.toBe(registered("Reshape"));
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

/** `Σ_{t<n} a_tᵀ·b_t` of `[T, r, k]` and `[T, r, m]` values. */
function expectedSum(a: number[][][], b: number[][][], n: number): number[][] {
  const k = a[0]?.[0]?.length ?? 0;
  const m = b[0]?.[0]?.length ?? 0;
  const out = Array.from({ length: k }, () => new Array<number>(m).fill(0));
  for (let t = 0; t < n; t++) {
    (a[t] as number[][]).forEach((row, r) => {
      row.forEach((av, i) => {
        for (let j = 0; j < m; j++) (out[i] as number[])[j] += av * (b[t]?.[r]?.[j] as number);
      });
    });
  }
  return out;
}

describe("pass-through Sum and Reshape in a loop", () => {
  it("keep the values, and die with the branch they are in", () => {
    const n = tf.placeholder(tf.int32, [], { name: "n" });
    const x = tf.placeholder(tf.float32, [2, 3], { name: "x" });
    const [, out] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, n),
      (i: tf.Tensor, v: tf.Tensor) => {
        const even = tf.equal(tf.floormod(i, 2), 0);
        const next = tf.cond(
          even,
          () => tf.reshape(tf.reduceSum(tf.multiply(v, 2), { axis: [], keepdims: false }), [2, 3]),
          () => tf.add(v, 1),
        ) as tf.Tensor;
        return [tf.add(i, 1), next];
      },
      [tf.constant(0, { dtype: tf.int32 }), x],
    ) as tf.Tensor[];
    const plan = makePlan([out as tf.Tensor], [], [n, x]);
    const inLoop: Step[] = [];
    const visit = (list: readonly Step[], deep: boolean): void => {
      for (const s of list) {
        if (deep) inLoop.push(s);
        if (s.frame !== undefined) visit(s.frame.steps, true);
      }
    };
    visit(plan.steps, false);
    const sum = inLoop.find((s) => s.op.type === "Sum");
    expect(sum?.kernel).not.toBe(getOpDefinition("Sum")?.kernel);
    expect(inLoop.find((s) => s.op.type === "Reshape")?.kernel).not.toBe(
      getOpDefinition("Reshape")?.kernel,
    );
    using sess = new tf.Session();
    const got = sess.run(
      out as tf.Tensor,
      new Map<tf.Tensor, unknown>([
        [n, 3],
        [
          x,
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
        ],
      ]),
    );
    // i = 0: ×2, i = 1: +1, i = 2: ×2.
    expect(got.toArray()).toEqual([
      [6, 10, 14],
      [18, 22, 26],
    ]);
  });
});

describe("deferred accumulators of a tf.whileLoop (recognized from the ops)", () => {
  const T = 3;
  const values = (seed: number, cols: number): number[][][] =>
    Array.from({ length: T }, (_, t) =>
      Array.from({ length: 2 }, (_, r) =>
        Array.from({ length: cols }, (_, j) => Math.sin(seed + t * 5 + r * 3 + j)),
      ),
    );

  /** `acc + matmul(a_t, b_t, transposeA) + biasAddGrad(c_t)` for `t < n`, as a loop. */
  function accumulate() {
    const a = tf.placeholder(tf.float32, [T, 2, 3], { name: "a" });
    const b = tf.placeholder(tf.float32, [T, 2, 4], { name: "b" });
    const c = tf.placeholder(tf.float32, [T, 2, 4], { name: "c" });
    const n = tf.placeholder(tf.int32, [], { name: "n" });
    const arrays = [a, b, c].map((v) => new tf.TensorArray(tf.float32, { size: T }).unstack(v));
    const [, acc, bias] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, n),
      (i: tf.Tensor, acc: tf.Tensor, bias: tf.Tensor) => {
        const [at, bt, ct] = arrays.map((ta) => ta.read(i)) as [tf.Tensor, tf.Tensor, tf.Tensor];
        const product = tf.matmul(at, bt, { transposeA: true });
        return [
          tf.add(i, 1),
          tf.add(acc, product),
          tf.add(bias, tf.addN([biasAddGrad(ct, "NHWC"), biasAddGrad(bt, "NHWC")])),
        ];
      },
      [tf.constant(0, { dtype: tf.int32 }), tf.zeros([3, 4]), tf.zeros([4])],
    ) as tf.Tensor[];
    return { a, b, c, n, acc: acc as tf.Tensor, bias: bias as tf.Tensor };
  }

  it("give the loop's sums for 0, 1 and 3 iterations; a failing run frees what it kept", () => {
    const { a, b, c, n, acc, bias } = accumulate();
    const plan = makePlan([acc, bias], [], [a, b, c, n]);
    const exits = plan.steps.filter((s) => s.frame !== undefined).flatMap((s) => s.frame!.steps);
    const names = exits.filter((s) => s.op.type === "Exit" && s.flow === undefined);
    expect(names.map((s) => s.op.name)).toEqual(["while/Exit_1", "while/Exit_2"]);
    const av = values(1, 3);
    const bv = values(2, 4);
    const cv = values(3, 4);
    using sess = new tf.Session();
    const feed = (count: number) =>
      new Map<tf.Tensor, unknown>([
        [a, av],
        [b, bv],
        [c, cv],
        [n, count],
      ]);
    for (const count of [0, 1, 3]) {
      const [got, gotBias] = sess.run([acc, bias], feed(count)) as tf.NDArray[];
      const want = expectedSum(av, bv, count);
      (got!.toArray() as number[][]).flat().forEach((v, i) => {
        expect(v).toBeCloseTo(want.flat()[i] as number, 5);
      });
      const wantBias = [0, 1, 2, 3].map((j) => {
        let s = 0;
        for (let t = 0; t < count; t++)
          for (let r = 0; r < 2; r++) s += cv[t]![r]![j]! + bv[t]![r]![j]!;
        return s;
      });
      (gotBias!.toArray() as number[]).forEach((v, j) => expect(v).toBeCloseTo(wantBias[j]!, 5));
    }
    // Reading past the arrays fails at the 4th iteration, after 3 iterations' terms were kept.
    const before = tfc.memory().numTensors;
    expect(() => sess.run(acc, feed(4))).toThrow(/index 3/);
    expect(tfc.memory().numTensors).toBe(before);
  });
});

describe("scalar counters computed in JavaScript", () => {
  it("int32 and bool scalar ops of a loop: TF's values (int32 wraps), without kernel calls", () => {
    const start = tf.placeholder(tf.int32, [], { name: "start" });
    const n = tf.placeholder(tf.int32, [], { name: "n" });
    // A counter counting from near the int32 maximum: `i + 1` wraps to the minimum.
    const [i, steps, sum] = tf.whileLoop(
      (_i: tf.Tensor, steps: tf.Tensor) => tf.less(steps, n),
      (i: tf.Tensor, steps: tf.Tensor, sum: tf.Tensor) => [
        tf.add(i, 1),
        tf.add(steps, 1),
        tf.add(sum, tf.maximum(tf.subtract(i, steps), tf.minimum(i, 3))),
      ],
      [start, tf.constant(0, { dtype: tf.int32 }), tf.constant(0, { dtype: tf.int32 })],
      { maximumIterations: 50 },
    ) as tf.Tensor[];
    const plan = makePlan([i!, steps!, sum!], [], [start, n]);
    const body = plan.steps.flatMap((s) => s.frame?.steps ?? []);
    const registered = (s: Step) => getOpDefinition(s.op.type)?.kernel;
    const scalarSteps = body.filter((s) =>
      ["Add", "AddV2", "Sub", "Less", "LogicalAnd", "Maximum", "Minimum"].includes(s.op.type),
    );
    // `maximumIterations` adds its counter, a Less and the LogicalAnd of both conditions.
    expect(scalarSteps.length).toBe(10);
    for (const s of scalarSteps) expect(s.kernel, s.op.name).not.toBe(registered(s));
    using sess = new tf.Session();
    const run = (startValue: number, count: number) =>
      (
        sess.run(
          [i!, steps!, sum!],
          new Map([
            [start, startValue],
            [n, count],
          ]),
        ) as tf.NDArray[]
      ).map((v) => v.item());
    const expected = (startValue: number, count: number): number[] => {
      let iv = startValue;
      let s = 0;
      let total = 0;
      for (let k = 0; k < 50 && s < count; k++) {
        total = (total + Math.max((iv - s) | 0, Math.min(iv, 3))) | 0;
        iv = (iv + 1) | 0;
        s += 1;
      }
      return [iv, s, total];
    };
    expect(run(2147483646, 4)).toEqual(expected(2147483646, 4));
    expect(run(2147483646, 4)[0]).toBe(-2147483646);
    expect(run(1, 100)).toEqual(expected(1, 100));
    expect(run(-60, 100)).toEqual(expected(-60, 100));
    expect(run(0, 0)).toEqual([0, 0, 0]);
  });
});
