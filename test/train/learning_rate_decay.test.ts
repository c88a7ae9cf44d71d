/**
 * The TF 1.x learning-rate schedules against their formulas (written out below in plain
 * JS), with TF 1.15's op names, errors and calling convention, and an end-to-end training
 * run where the learning rate decays.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectRefused, expectSameGraphs } from "../api/helpers.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const f = Math.fround;

function expectClose(got: number, want: number, what: string): void {
  const err = Math.abs(got - want);
  if (!(err <= 2e-6 * Math.abs(want) + 1e-7)) {
    expect.fail(`${what}: got ${got}, want ${want} (error ${err})`);
  }
}

/** Runs `lr` with the global step set to each of `steps`, returning the values. */
function valuesAt(lr: tf.Tensor, step: tf.Variable, steps: readonly number[]): number[] {
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  return steps.map((s) => {
    step.load(s, sess);
    return Number((sess.run(lr) as tf.NDArray).item());
  });
}

function expectSchedule(
  lr: tf.Tensor,
  step: tf.Variable,
  steps: readonly number[],
  formula: (s: number) => number,
): void {
  valuesAt(lr, step, steps).forEach((got, i) =>
    expectClose(got, formula(steps[i] as number), `step ${steps[i]}`),
  );
}

/** `name = Type(inputs)` for every op added by `build`. */
function opsAddedBy(build: () => unknown): string[] {
  const g = tf.getDefaultGraph();
  const before = g.getOperations().length;
  build();
  return g
    .getOperations()
    .slice(before)
    .map((o) => `${o.name} = ${o.type}(${o.inputs.map((t) => t.name).join(", ")})`);
}

const STEPS = [0, 1, 4, 5, 9, 10, 11, 25, 100];

describe("exponentialDecay(learning_rate, global_step, decay_steps, decay_rate, staircase, name)", () => {
  it("is lr * rate ^ (step / decay_steps), floored with staircase", () => {
    const step = tf.train.getOrCreateGlobalStep();
    const smooth = tf.train.exponentialDecay(0.1, step, 10, 0.96);
    const stairs = tf.train.exponentialDecay(0.1, step, 10, 0.5, true);
    expectSchedule(smooth, step, STEPS, (s) => 0.1 * 0.96 ** (s / 10));
    expectSchedule(stairs, step, STEPS, (s) => 0.1 * 0.5 ** Math.floor(s / 10));
  });

  it("builds TF 1.15's ops: the int64 step cast to float32, the result named ExponentialDecay", () => {
    const step = tf.train.getOrCreateGlobalStep();
    expect(step.dtype).toBe("int64");
    let lr: tf.Tensor | null = null;
    const ops = opsAddedBy(() => (lr = tf.train.exponentialDecay(0.1, step, 100, 0.96, true)));
    expect(ops).toEqual([
      "ExponentialDecay/initial_learning_rate = Const()",
      "ExponentialDecay/Cast/x = Const()",
      "ExponentialDecay/Cast = Cast(ExponentialDecay/Cast/x:0)",
      "ExponentialDecay/Cast_1/x = Const()",
      "ExponentialDecay/Cast_2 = Cast(global_step/read:0)",
      "ExponentialDecay/truediv = RealDiv(ExponentialDecay/Cast_2:0, ExponentialDecay/Cast:0)",
      "ExponentialDecay/Floor = Floor(ExponentialDecay/truediv:0)",
      "ExponentialDecay/Pow = Pow(ExponentialDecay/Cast_1/x:0, ExponentialDecay/Floor:0)",
      "ExponentialDecay = Mul(ExponentialDecay/initial_learning_rate:0, ExponentialDecay/Pow:0)",
    ]);
    const out = lr as unknown as tf.Tensor;
    expect(out.name).toBe("ExponentialDecay:0");
    expect(out.dtype).toBe("float32");
    expect(out.shape.toString()).toBe("()");
    const g = tf.getDefaultGraph();
    expect(g.getOperationByName("ExponentialDecay/Cast").attrs.SrcT).toBe("int32");
    expect(g.getOperationByName("ExponentialDecay/Cast_2").attrs.SrcT).toBe("int64");
    expect(tf.train.exponentialDecay(0.1, step, 100, 0.96).name).toBe("ExponentialDecay_1:0");
    expect(tf.train.exponentialDecay(0.1, step, 100, 0.96, false, "lr").name).toBe("lr:0");
  });

  it("takes tensors: a float learning rate, an int32 placeholder as the step", () => {
    const step = tf.placeholder(tf.int32, [], { name: "step" });
    const lr = tf.train.exponentialDecay(tf.constant(0.2), step, tf.constant(4), 0.5);
    using sess = new tf.Session();
    for (const s of [0, 2, 8]) {
      const got = Number((sess.run(lr, new Map([[step, s]])) as tf.NDArray).item());
      expectClose(got, 0.2 * 0.5 ** (s / 4), `step ${s}`);
    }
  });

  it("positional and options forms build the same graph", () => {
    expectSameGraphs(
      () => tf.train.exponentialDecay(0.1, tf.train.getOrCreateGlobalStep(), 10, 0.5, true, "lr"),
      () =>
        tf.train.exponentialDecay({
          learningRate: 0.1,
          globalStep: tf.train.getOrCreateGlobalStep(),
          decaySteps: 10,
          decayRate: 0.5,
          staircase: true,
          name: "lr",
        }),
      () =>
        tf.train.exponentialDecay(0.1, tf.train.getOrCreateGlobalStep(), 10, 0.5, {
          staircase: true,
          name: "lr",
        }),
    );
  });

  it("refuses a missing global step with TF's ValueError, the graph unchanged", () => {
    expectThrowsAndUnchanged(
      () => tf.train.exponentialDecay(0.1, null, 10, 0.5),
      tf.errors.ValueError,
      "global_step is required for exponential_decay.",
    );
    expectThrowsAndUnchanged(
      () => tf.train.polynomialDecay({ learningRate: 0.1, decaySteps: 10 }),
      tf.errors.ValueError,
      "global_step is required for polynomial_decay.",
    );
  });

  it("refuses unknown keys and wrong kinds with the graph unchanged", () => {
    const step = tf.train.getOrCreateGlobalStep();
    expectRefused(
      () => tf.train.exponentialDecay(0.1, step, 10, 0.5, { decay_rate: 0.5 } as never),
      "train.exponentialDecay() got an unexpected keyword argument 'decay_rate' (did you mean 'decayRate'?)",
    );
    expectRefused(
      () => tf.train.exponentialDecay(0.1, step, 10, 0.5, "yes" as never),
      "train.exponentialDecay() argument 'staircase' (position 5) must be a bool, not str 'yes'",
    );
    expectRefused(
      () => tf.train.exponentialDecay(0.1, step, 10 as never),
      "train.exponentialDecay() missing 1 required positional argument: 'decayRate'",
    );
  });
});

describe("naturalExpDecay, inverseTimeDecay", () => {
  it("naturalExpDecay is lr * exp(-rate * step / decay_steps), named ExponentialDecay as in TF 1.15", () => {
    const step = tf.train.getOrCreateGlobalStep();
    let lr: tf.Tensor | null = null;
    const ops = opsAddedBy(() => (lr = tf.train.naturalExpDecay(0.1, step, 5, 0.5)));
    expect(ops.slice(0, 3)).toEqual(["Neg/x = Const()", "Neg = Neg(Neg/x:0)", "Exp = Exp(Neg:0)"]);
    expect(ops).toContain("ExponentialDecay/Pow = Pow(Exp:0, ExponentialDecay/truediv:0)");
    const smooth = lr as unknown as tf.Tensor;
    expect(smooth.name).toBe("ExponentialDecay:0");
    const stairs = tf.train.naturalExpDecay(0.1, step, 5, 0.5, true, "nat");
    expect(stairs.name).toBe("nat:0");
    expectSchedule(smooth, step, STEPS, (s) => 0.1 * Math.exp((-0.5 * s) / 5));
    expectSchedule(stairs, step, STEPS, (s) => 0.1 * Math.exp(-0.5 * Math.floor(s / 5)));
  });

  it("inverseTimeDecay is lr / (1 + rate * step / decay_steps), named InverseTimeDecay", () => {
    const step = tf.train.getOrCreateGlobalStep();
    const smooth = tf.train.inverseTimeDecay(0.1, step, 2, 0.5);
    const stairs = tf.train.inverseTimeDecay({
      learningRate: 0.1,
      globalStep: step,
      decaySteps: 2,
      decayRate: 0.5,
      staircase: true,
    });
    expect(smooth.name).toBe("InverseTimeDecay:0");
    expect(smooth.op.type).toBe("RealDiv");
    expect(stairs.name).toBe("InverseTimeDecay_1:0");
    const g = tf.getDefaultGraph();
    expect(g.getOperationByName("InverseTimeDecay/Add").type).toBe("Add");
    expect(g.getOperationByName("InverseTimeDecay/Cast_3").inputs[0]?.name).toBe(
      "InverseTimeDecay/Const:0",
    );
    expectSchedule(smooth, step, STEPS, (s) => 0.1 / (1 + (0.5 * s) / 2));
    expectSchedule(stairs, step, STEPS, (s) => 0.1 / (1 + 0.5 * Math.floor(s / 2)));
  });
});

describe("polynomialDecay(learning_rate, global_step, decay_steps, end_learning_rate, power, cycle, name)", () => {
  const poly = (s: number, steps: number, end: number, power: number) =>
    (0.1 - end) * (1 - s / steps) ** power + end;

  it("decays to end_learning_rate over decay_steps, then stays", () => {
    const step = tf.train.getOrCreateGlobalStep();
    const linear = tf.train.polynomialDecay(0.1, step, 10);
    const sqrt = tf.train.polynomialDecay(0.1, step, 10, 0.01, 0.5);
    expect(linear.name).toBe("PolynomialDecay:0");
    expect(linear.op.type).toBe("Add");
    expect(sqrt.name).toBe("PolynomialDecay_1:0");
    expectSchedule(linear, step, STEPS, (s) => poly(Math.min(s, 10), 10, 0.0001, 1));
    expectSchedule(sqrt, step, STEPS, (s) => poly(Math.min(s, 10), 10, 0.01, 0.5));
  });

  it("with cycle, decay_steps grows to the first multiple above the step (1 at step 0)", () => {
    const step = tf.train.getOrCreateGlobalStep();
    const lr = tf.train.polynomialDecay(0.1, step, 10, 0.01, 2.0, true);
    const g = tf.getDefaultGraph();
    expect(g.getOperationByName("PolynomialDecay/Equal").type).toBe("Equal");
    expect(g.getOperationByName("PolynomialDecay/cond/Ceil").type).toBe("Ceil");
    expectSchedule(lr, step, STEPS, (s) => {
      const steps = 10 * (s === 0 ? 1 : Math.ceil(s / 10));
      return poly(s, steps, 0.01, 2);
    });
    // Right after a multiple of decay_steps the rate jumps back up.
    const [at10, at11] = valuesAt(lr, step, [10, 11]);
    expect(at11 as number).toBeGreaterThan(at10 as number);
  });

  it("positional and options forms build the same graph", () => {
    expectSameGraphs(
      () => tf.train.polynomialDecay(0.1, tf.train.getOrCreateGlobalStep(), 10, 0.01, 2, true),
      () =>
        tf.train.polynomialDecay(0.1, tf.train.getOrCreateGlobalStep(), 10, {
          endLearningRate: 0.01,
          power: 2,
          cycle: true,
        }),
    );
  });
});

describe("cosineDecay(learning_rate, global_step, decay_steps, alpha, name)", () => {
  it("is lr * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) / decay_steps)) + alpha)", () => {
    const step = tf.train.getOrCreateGlobalStep();
    const plain = tf.train.cosineDecay(0.1, step, 10);
    const floor = tf.train.cosineDecay(0.1, step, 10, 0.2, "cos");
    const cosine = (s: number, alpha: number) =>
      0.1 * ((1 - alpha) * 0.5 * (1 + Math.cos((Math.PI * Math.min(s, 10)) / 10)) + alpha);
    expectSchedule(plain, step, STEPS, (s) => cosine(s, 0));
    expectSchedule(floor, step, STEPS, (s) => cosine(s, 0.2));
    // TF 1.15 leaves the final Mul unnamed in the scope.
    expect(plain.name).toBe("CosineDecay/Mul_3:0");
    expect(floor.name).toBe("cos/Mul_3:0");
  });

  it("takes alpha as a tensor (then 1 - alpha is an op, as in TF)", () => {
    const step = tf.train.getOrCreateGlobalStep();
    const lr = tf.train.cosineDecay(0.1, step, 10, { alpha: tf.constant(0.5) });
    expect(tf.getDefaultGraph().getOperationByName("CosineDecay/sub").type).toBe("Sub");
    expectSchedule(lr, step, [0, 5, 20], (s) => {
      const c = 0.5 * (1 + Math.cos((Math.PI * Math.min(s, 10)) / 10));
      return 0.1 * (0.5 * c + 0.5);
    });
  });
});

describe("piecewiseConstant(x, boundaries, values, name)", () => {
  it("is values[i] on each interval, boundaries inclusive on the left interval", () => {
    const step = tf.train.getOrCreateGlobalStep();
    const lr = tf.train.piecewiseConstant(step, [3, 6], [1.0, 0.5, 0.1]);
    expect(lr.dtype).toBe("float32");
    const want = (s: number) => (s <= 3 ? 1.0 : s <= 6 ? 0.5 : 0.1);
    expectSchedule(lr, step, [0, 2, 3, 4, 6, 7, 100], (s) => f(want(s)));
  });

  it("casts int32 boundaries to the int64 step and names the predicates as TF does", () => {
    const step = tf.train.getOrCreateGlobalStep();
    const ops = opsAddedBy(() => tf.train.piecewiseConstant(step, [3, 6], [1.0, 0.5, 0.1]));
    expect(ops.slice(0, 12)).toEqual([
      "PiecewiseConstant/Const = Const()",
      "PiecewiseConstant/Const_1 = Const()",
      "PiecewiseConstant/Const_2 = Const()",
      "PiecewiseConstant/Const_3 = Const()",
      "PiecewiseConstant/Const_4 = Const()",
      "PiecewiseConstant/Cast = Cast(PiecewiseConstant/Const:0)",
      "PiecewiseConstant/Cast_1 = Cast(PiecewiseConstant/Const_1:0)",
      "PiecewiseConstant/LessEqual = LessEqual(global_step/read:0, PiecewiseConstant/Cast:0)",
      "PiecewiseConstant/Greater = Greater(global_step/read:0, PiecewiseConstant/Cast_1:0)",
      "PiecewiseConstant/Greater_1 = Greater(global_step/read:0, PiecewiseConstant/Cast:0)",
      "PiecewiseConstant/LessEqual_1 = LessEqual(global_step/read:0, PiecewiseConstant/Cast_1:0)",
      "PiecewiseConstant/and = LogicalAnd(PiecewiseConstant/Greater_1:0, PiecewiseConstant/LessEqual_1:0)",
    ]);
    expect(ops.slice(12).every((o) => o.startsWith("PiecewiseConstant/case/Select"))).toBe(true);
    const g = tf.getDefaultGraph();
    expect(g.getOperationByName("PiecewiseConstant/Cast").attrs.DstT).toBe("int64");
  });

  it("works on a float x with fractional boundaries and int values given as tensors", () => {
    const x = tf.placeholder(tf.float32, [], { name: "x" });
    const y = tf.train.piecewiseConstantDecay(
      x,
      [0.5, 1.5, 2.5],
      [tf.constant(10, { dtype: tf.int32 }), 20, 30, 40],
    );
    expect(y.dtype).toBe("int32");
    using sess = new tf.Session();
    const at = (v: number) => Number((sess.run(y, new Map([[x, v]])) as tf.NDArray).item());
    expect([0, 0.5, 0.6, 1.5, 2, 2.5, 3].map(at)).toEqual([10, 10, 20, 20, 30, 30, 40]);
  });

  it("refuses mismatched lengths and dtypes with TF's ValueErrors, the graph unchanged", () => {
    const step = tf.train.getOrCreateGlobalStep();
    expectThrowsAndUnchanged(
      () => tf.train.piecewiseConstant(step, [3, 6], [1.0, 0.5]),
      tf.errors.ValueError,
      "The length of boundaries should be 1 less than the length of values",
    );
    const [one, two] = [tf.constant(1.0), tf.constant(2, { dtype: "int32" })];
    expectThrowsAndUnchanged(
      () => tf.train.piecewiseConstant(step, [3], [one, two]),
      tf.errors.ValueError,
      "Values must have elements all with the same dtype (float32 vs int32).",
    );
    expectThrowsAndUnchanged(
      () => tf.train.piecewiseConstant(step, [2.5], [1.0, 0.5]),
      tf.errors.ValueError,
      "Boundaries (float32) must have the same dtype as x (int64).",
    );
  });

  it("positional and options forms build the same graph; unknown keys are refused", () => {
    expectSameGraphs(
      () => tf.train.piecewiseConstant(tf.train.getOrCreateGlobalStep(), [3], [1.0, 0.1], "pc"),
      () =>
        tf.train.piecewiseConstant({
          x: tf.train.getOrCreateGlobalStep(),
          boundaries: [3],
          values: [1.0, 0.1],
          name: "pc",
        }),
    );
    const step = tf.train.getOrCreateGlobalStep();
    expectRefused(
      () => tf.train.piecewiseConstant(step, [3], [1, 0.1], { boundries: [3] } as never),
      "train.piecewiseConstant() got an unexpected keyword argument 'boundries' (did you mean 'boundaries'?)",
    );
  });
});

describe("end to end: minimize(loss, { globalStep }) with a decaying learning rate", () => {
  it("each step moves the weight by the rate of the step before the increment", () => {
    // loss = 3 * w: the gradient is 3 at every step, so w moves by exactly 3 * lr(step).
    const w = tf.getVariable("w", [], { initializer: tf.constantInitializer(1) });
    const step = tf.train.getOrCreateGlobalStep();
    const lr = tf.train.exponentialDecay(0.1, step, 2, 0.5, true);
    const train = new tf.train.GradientDescentOptimizer(lr).minimize(tf.multiply(3, w), {
      globalStep: step,
    });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    let want = f(1);
    const rates: number[] = [];
    for (let t = 0; t < 6; t++) {
      rates.push(Number((sess.run(lr) as tf.NDArray).item()));
      sess.run(train);
      want = f(want - f(f(0.1 * 0.5 ** Math.floor(t / 2)) * 3));
      expectClose(Number((sess.run(w) as tf.NDArray).item()), want, `w after step ${t + 1}`);
      expect(Number((sess.run(step) as tf.NDArray).item())).toBe(t + 1);
    }
    rates.forEach((r, t) => expectClose(r, 0.1 * 0.5 ** Math.floor(t / 2), `lr at step ${t}`));
    expect(rates[5]).toBeLessThan(rates[0] as number);
  });
});
