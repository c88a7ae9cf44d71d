import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { applyOp } from "../../src/ops/state/training_ops.js";
import { expectValueError } from "../ops/helpers.js";

/*
 * Every optimizer against TensorFlow 1.15's update formulas (the kernels of
 * `training_ops.cc`), written out below in plain JS, on variables of rank 0, 1, 2 and 4.
 *
 * The loss is sum(c * w) + 0.5 * sum(w * w) over all variables, so the gradient of each
 * element is c + w: known, and different at every step.
 */

beforeEach(() => tf.resetDefaultGraph());

/** float32 rounding: TF holds hyper-parameters and variables in float32. */
const f = Math.fround;

/** Relative closeness for float32 results: |got - want| <= 1e-5 |want| (+1e-6 near zero). */
function expectRel(got: ArrayLike<number>, want: readonly number[], what: string): void {
  expect(got.length, what).toBe(want.length);
  want.forEach((w, i) => {
    const g = got[i] as number;
    const err = Math.abs(g - w);
    if (!(err <= 1e-5 * Math.abs(w) + 1e-6)) {
      expect.fail(`${what}[${i}]: got ${g}, want ${w} (error ${err})`);
    }
  });
}

/** The variables under test: scope-qualified name, shape. */
const VARS: readonly { name: string; shape: number[] }[] = [
  { name: "s", shape: [] },
  { name: "v", shape: [3] },
  { name: "layer/kernel", shape: [3, 2] },
  { name: "t4", shape: [2, 1, 3, 2] },
];

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Deterministic starting values in [-0.25, 0.25] and coefficients with |c| in [1, 2.2]. */
function startValues(k: number, n: number): { w0: number[]; c: number[] } {
  const w0: number[] = [];
  const c: number[] = [];
  for (let i = 0; i < n; i++) {
    const j = i + 5 * k;
    w0.push(f(((j * 7) % 11) / 20 - 0.25));
    c.push(f((j % 2 === 0 ? 1 : -1) * (1 + (j % 5) * 0.3)));
  }
  return { w0, c };
}

interface Built {
  vars: tf.Variable[];
  starts: { w0: number[]; c: number[] }[];
  loss: tf.Tensor;
}

function buildProblem(): Built {
  const vars: tf.Variable[] = [];
  const starts: { w0: number[]; c: number[] }[] = [];
  const terms: tf.Tensor[] = [];
  VARS.forEach(({ name, shape }, k) => {
    const st = startValues(k, sizeOf(shape));
    const parts = name.split("/");
    const make = () =>
      tf.getVariable(parts[parts.length - 1] as string, shape, {
        initializer: tf.constantInitializer(shape.length === 0 ? st.w0[0] : st.w0),
      });
    const w = parts.length === 2 ? tf.variableScope(parts[0] as string, make) : make();
    const c = tf.constant(shape.length === 0 ? st.c[0] : st.c, { shape });
    terms.push(tf.reduceSum(tf.multiply(c, w)), tf.multiply(0.5, tf.reduceSum(tf.square(w))));
    vars.push(w);
    starts.push(st);
  });
  return { vars, starts, loss: tf.addN(terms) };
}

/** One element's state: the weight and the optimizer's slots. */
type Elem = Record<string, number>;

/** The numeric hyper-parameters of one step, already rounded to float32. */
type Hypers = Record<string, number>;

interface OptCase {
  title: string;
  /** The optimizer's default name (the slot suffix). */
  defaultName: string;
  opType: string;
  /** Hyper-parameters other than the learning rate, as the test passes them. */
  hypers: Hypers;
  make: (
    lr: tf.train.HyperParameter,
    hp: Record<string, tf.train.HyperParameter>,
    name?: string,
  ) => tf.train.Optimizer;
  /** Slot name -> the suffix TF gives the slot variable after `<var>/`. */
  slots: Record<string, string>;
  /** Initial slot values of an element. */
  init: (hp: Hypers) => Elem;
  /** TF 1.15's update of one element at step t (1-based). */
  step: (e: Elem, g: number, lr: number, hp: Hypers, t: number) => void;
}

/** beta^t as TF accumulates it: a float32 variable multiplied by beta once per step. */
function power(beta: number, t: number): number {
  let p = f(beta);
  for (let i = 1; i < t; i++) p = f(p * f(beta));
  return p;
}

const momentumStep =
  (nesterov: boolean) =>
  (e: Elem, g: number, lr: number, hp: Hypers): void => {
    const m = hp.momentum as number;
    e.momentum = (e.momentum as number) * m + g;
    e.w = nesterov
      ? (e.w as number) - (g * lr + (e.momentum as number) * m * lr)
      : (e.w as number) - lr * (e.momentum as number);
  };

const rmsStep = (centered: boolean) => (e: Elem, g: number, lr: number, hp: Hypers) => {
  const rho = hp.decay as number;
  const eps = hp.epsilon as number;
  e.rms = (e.rms as number) + (g * g - (e.rms as number)) * (1 - rho);
  let denom = (e.rms as number) + eps;
  if (centered) {
    e.mg = (e.mg as number) + (g - (e.mg as number)) * (1 - rho);
    denom = (e.rms as number) - (e.mg as number) * (e.mg as number) + eps;
  }
  e.momentum = (e.momentum as number) * (hp.momentum as number) + (lr * g) / Math.sqrt(denom);
  e.w = (e.w as number) - (e.momentum as number);
};

const CASES: OptCase[] = [
  {
    title: "GradientDescent",
    defaultName: "GradientDescent",
    opType: "ApplyGradientDescent",
    hypers: {},
    make: (lr, _hp, name) => new tf.train.GradientDescentOptimizer(lr, { name }),
    slots: {},
    init: () => ({}),
    step: (e, g, lr) => {
      e.w = (e.w as number) - lr * g;
    },
  },
  {
    title: "Momentum",
    defaultName: "Momentum",
    opType: "ApplyMomentum",
    hypers: { momentum: 0.9 },
    make: (lr, hp, name) =>
      new tf.train.MomentumOptimizer(lr, hp.momentum as tf.train.HyperParameter, { name }),
    slots: { momentum: "Momentum" },
    init: () => ({ momentum: 0 }),
    step: momentumStep(false),
  },
  {
    title: "Momentum (useNesterov)",
    defaultName: "Momentum",
    opType: "ApplyMomentum",
    hypers: { momentum: 0.7 },
    make: (lr, hp, name) =>
      new tf.train.MomentumOptimizer(lr, hp.momentum as tf.train.HyperParameter, {
        name,
        useNesterov: true,
      }),
    slots: { momentum: "Momentum" },
    init: () => ({ momentum: 0 }),
    step: momentumStep(true),
  },
  {
    title: "Adam (defaults 0.9, 0.999, 1e-8)",
    defaultName: "Adam",
    opType: "ApplyAdam",
    hypers: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
    make: (lr, hp, name) =>
      // Numbers exercise the defaults; tensors are passed explicitly.
      typeof hp.beta1 === "number"
        ? new tf.train.AdamOptimizer(lr, { name })
        : new tf.train.AdamOptimizer(lr, {
            beta1: hp.beta1,
            beta2: hp.beta2,
            epsilon: hp.epsilon,
            name,
          }),
    slots: { m: "Adam", v: "Adam_1" },
    init: () => ({ m: 0, v: 0 }),
    step: (e, g, lr, hp, t) => {
      const b1 = hp.beta1 as number;
      const b2 = hp.beta2 as number;
      const lrT = (lr * Math.sqrt(1 - power(b2, t))) / (1 - power(b1, t));
      e.m = (e.m as number) + (g - (e.m as number)) * (1 - b1);
      e.v = (e.v as number) + (g * g - (e.v as number)) * (1 - b2);
      e.w =
        (e.w as number) -
        (lrT * (e.m as number)) / (Math.sqrt(e.v as number) + (hp.epsilon as number));
    },
  },
  {
    title: "Adam (beta1 0.8, beta2 0.99, epsilon 1e-3)",
    defaultName: "Adam",
    opType: "ApplyAdam",
    hypers: { beta1: 0.8, beta2: 0.99, epsilon: 1e-3 },
    make: (lr, hp, name) =>
      new tf.train.AdamOptimizer(lr, {
        beta1: hp.beta1,
        beta2: hp.beta2,
        epsilon: hp.epsilon,
        name,
      }),
    slots: { m: "Adam", v: "Adam_1" },
    init: () => ({ m: 0, v: 0 }),
    step: (e, g, lr, hp, t) => {
      const b1 = hp.beta1 as number;
      const b2 = hp.beta2 as number;
      const lrT = (lr * Math.sqrt(1 - power(b2, t))) / (1 - power(b1, t));
      e.m = (e.m as number) + (g - (e.m as number)) * (1 - b1);
      e.v = (e.v as number) + (g * g - (e.v as number)) * (1 - b2);
      e.w =
        (e.w as number) -
        (lrT * (e.m as number)) / (Math.sqrt(e.v as number) + (hp.epsilon as number));
    },
  },
  {
    title: "RMSProp (defaults: decay 0.9, momentum 0, epsilon 1e-10)",
    defaultName: "RMSProp",
    opType: "ApplyRMSProp",
    hypers: { decay: 0.9, momentum: 0, epsilon: 1e-10 },
    make: (lr, hp, name) =>
      typeof hp.decay === "number"
        ? new tf.train.RMSPropOptimizer(lr, { name })
        : new tf.train.RMSPropOptimizer(lr, { ...hp, name }),
    slots: { rms: "RMSProp", momentum: "RMSProp_1" },
    init: () => ({ rms: 1, momentum: 0 }),
    step: rmsStep(false),
  },
  {
    title: "RMSProp (momentum 0.6, decay 0.8, epsilon 1e-6)",
    defaultName: "RMSProp",
    opType: "ApplyRMSProp",
    hypers: { decay: 0.8, momentum: 0.6, epsilon: 1e-6 },
    make: (lr, hp, name) => new tf.train.RMSPropOptimizer(lr, { ...hp, name }),
    slots: { rms: "RMSProp", momentum: "RMSProp_1" },
    init: () => ({ rms: 1, momentum: 0 }),
    step: rmsStep(false),
  },
  {
    title: "RMSProp (centered, momentum 0.5)",
    defaultName: "RMSProp",
    opType: "ApplyCenteredRMSProp",
    hypers: { decay: 0.9, momentum: 0.5, epsilon: 1e-10 },
    make: (lr, hp, name) => new tf.train.RMSPropOptimizer(lr, { ...hp, centered: true, name }),
    slots: { rms: "RMSProp", mg: "RMSProp_1", momentum: "RMSProp_2" },
    init: () => ({ rms: 1, mg: 0, momentum: 0 }),
    step: rmsStep(true),
  },
  {
    title: "Adagrad (initial accumulator 0.1 by default)",
    defaultName: "Adagrad",
    opType: "ApplyAdagrad",
    hypers: {},
    make: (lr, _hp, name) => new tf.train.AdagradOptimizer(lr, { name }),
    slots: { accumulator: "Adagrad" },
    init: () => ({ accumulator: 0.1 }),
    step: (e, g, lr) => {
      e.accumulator = (e.accumulator as number) + g * g;
      e.w = (e.w as number) - (lr * g) / Math.sqrt(e.accumulator as number);
    },
  },
  {
    title: "Adagrad (initial accumulator 0.5)",
    defaultName: "Adagrad",
    opType: "ApplyAdagrad",
    hypers: {},
    make: (lr, _hp, name) =>
      new tf.train.AdagradOptimizer(lr, { initialAccumulatorValue: 0.5, name }),
    slots: { accumulator: "Adagrad" },
    init: () => ({ accumulator: 0.5 }),
    step: (e, g, lr) => {
      e.accumulator = (e.accumulator as number) + g * g;
      e.w = (e.w as number) - (lr * g) / Math.sqrt(e.accumulator as number);
    },
  },
];

/** How the learning rate (and the other hyper-parameters) reach the optimizer. */
type Mode = "numbers" | "placeholder lr, constant hypers" | "callables";

/** Learning rate of each step: fixed for numbers and callables, varied when fed. */
const LRS: Record<Mode, readonly number[]> = {
  numbers: [0.1, 0.1, 0.1],
  "placeholder lr, constant hypers": [0.1, 0.05, 0.2],
  callables: [0.03, 0.03, 0.03],
};

function runCase(oc: OptCase, mode: Mode): void {
  const { vars, starts, loss } = buildProblem();
  let lr: tf.train.HyperParameter;
  let lrFeed: tf.Tensor | null = null;
  let hp: Record<string, tf.train.HyperParameter> = { ...oc.hypers };
  if (mode === "numbers") {
    lr = LRS.numbers[0] as number;
  } else if (mode === "callables") {
    lr = () => LRS.callables[0] as number;
    hp = Object.fromEntries(Object.entries(oc.hypers).map(([k, v]) => [k, () => v]));
  } else {
    lrFeed = tf.placeholder(tf.float32, [], { name: "lr" });
    lr = lrFeed;
    hp = Object.fromEntries(
      Object.entries(oc.hypers).map(([k, v]) => [k, tf.constant(v, { name: `${k}_value` })]),
    );
  }
  const opt = oc.make(lr, hp);
  const train = opt.minimize(loss);
  expect(train.name).toBe(oc.defaultName);

  // Slots as TF names them, reachable by getSlot and listed by getSlotNames.
  expect(opt.getSlotNames()).toEqual(Object.keys(oc.slots).sort());
  vars.forEach((w) => {
    expect(
      tf
        .getDefaultGraph()
        .getOperations()
        .map((o) => `${o.name}:${o.type}`),
    ).toContain(`${oc.defaultName}/update_${w.op.name}/${oc.opType}:${oc.opType}`);
    for (const [slot, suffix] of Object.entries(oc.slots)) {
      const sv = opt.getSlot(w, slot);
      expect(sv?.name).toBe(`${w.op.name}/${suffix}:0`);
      expect(sv?.shape.asList()).toEqual(w.shape.asList());
      expect(tf.trainableVariables()).not.toContain(sv);
    }
  });

  const hypers: Hypers = Object.fromEntries(Object.entries(oc.hypers).map(([k, v]) => [k, f(v)]));
  const state: Elem[][] = starts.map(({ w0 }) => w0.map((w) => ({ w, ...oc.init(hypers) })));
  for (const e of state.flat()) for (const k of Object.keys(e)) e[k] = f(e[k] as number);

  using s = new tf.Session();
  s.run(tf.globalVariablesInitializer());
  for (let t = 1; t <= 3; t++) {
    const stepLr = f(LRS[mode][t - 1] as number);
    s.run(train, lrFeed === null ? undefined : new Map([[lrFeed, stepLr]]));
    state.forEach((elems, k) =>
      elems.forEach((e, i) => {
        const g = (starts[k]?.c[i] as number) + (e.w as number);
        oc.step(e, g, stepLr, hypers, t);
      }),
    );
    vars.forEach((w, k) => {
      const elems = state[k] as Elem[];
      expectRel(
        s.run(w).data as Float32Array,
        elems.map((e) => e.w as number),
        `step ${t} ${w.name}`,
      );
      for (const slot of Object.keys(oc.slots)) {
        expectRel(
          s.run(opt.getSlot(w, slot) as tf.Variable).data as Float32Array,
          elems.map((e) => e[slot] as number),
          `step ${t} ${w.name} slot ${slot}`,
        );
      }
    });
    if (oc.opType === "ApplyAdam") {
      const byName = new Map(opt.variables().map((v) => [v.name, v]));
      expect(s.run(byName.get("beta1_power:0") as tf.Variable).item()).toBe(
        power(hypers.beta1 as number, t + 1),
      );
      expect(s.run(byName.get("beta2_power:0") as tf.Variable).item()).toBe(
        power(hypers.beta2 as number, t + 1),
      );
    }
  }
}

describe("optimizer updates match TF 1.15's formulas on variables of rank 0, 1, 2 and 4", () => {
  for (const oc of CASES) {
    for (const mode of ["numbers", "placeholder lr, constant hypers", "callables"] as const) {
      it(`${oc.title}, hyper-parameters as ${mode}`, () => runCase(oc, mode));
    }
  }
});

describe("optimizer slots and names", () => {
  it("an optimizer named other than the default names its slots and ops after that name", () => {
    const w = tf.getVariable("w", [3, 2], { initializer: tf.onesInitializer() });
    const loss = tf.reduceSum(tf.square(w));
    const mom = new tf.train.MomentumOptimizer(0.1, 0.9, { name: "Fast" });
    const adam = new tf.train.AdamOptimizer(0.1, { name: "MyAdam" });
    const rms = new tf.train.RMSPropOptimizer(0.1, { centered: true, name: "R" });
    const ada = new tf.train.AdagradOptimizer(0.1, { name: "Acc" });
    const trains = [mom, adam, rms, ada].map((o) => o.minimize(loss));
    expect(trains.map((t) => t.name)).toEqual(["Fast", "MyAdam", "R", "Acc"]);
    expect(mom.getSlot(w, "momentum")?.name).toBe("w/Fast:0");
    expect(adam.getSlot(w, "m")?.name).toBe("w/MyAdam:0");
    expect(adam.getSlot(w, "v")?.name).toBe("w/MyAdam_1:0");
    expect(rms.getSlot(w, "rms")?.name).toBe("w/R:0");
    expect(rms.getSlot(w, "mg")?.name).toBe("w/R_1:0");
    expect(rms.getSlot(w, "momentum")?.name).toBe("w/R_2:0");
    expect(ada.getSlot(w, "accumulator")?.name).toBe("w/Acc:0");
    const names = tf
      .getDefaultGraph()
      .getOperations()
      .map((o) => o.name);
    expect(names).toContain("Fast/update_w/ApplyMomentum");
    expect(names).toContain("MyAdam/update_w/ApplyAdam");
    expect(names).toContain("R/update_w/ApplyCenteredRMSProp");
    expect(names).toContain("Acc/update_w/ApplyAdagrad");
    // Unknown slot names and variables the optimizer never saw have no slot.
    const other = tf.getVariable("other", [2]);
    expect(mom.getSlot(w, "m")).toBeNull();
    expect(mom.getSlot(other, "momentum")).toBeNull();
    expect(new tf.train.GradientDescentOptimizer(0.1).getSlotNames()).toEqual([]);
  });

  it("two optimizers of the same name on one variable get uniquified slot variables", () => {
    const w = tf.getVariable("w", [2], { initializer: tf.onesInitializer() });
    const a = new tf.train.MomentumOptimizer(0.1, 0.9);
    const b = new tf.train.MomentumOptimizer(0.1, 0.9);
    a.minimize(tf.reduceSum(w));
    b.minimize(tf.reduceSum(w));
    expect(a.getSlot(w, "momentum")?.name).toBe("w/Momentum:0");
    expect(b.getSlot(w, "momentum")?.name).toBe("w/Momentum_1:0");
  });

  it("Adam's beta powers start at beta1 and beta2 given as tensors", () => {
    const w = tf.getVariable("w", [2], { initializer: tf.onesInitializer() });
    const opt = new tf.train.AdamOptimizer(0.1, {
      beta1: tf.constant(0.5),
      beta2: tf.constant(0.75),
    });
    const train = opt.minimize(tf.reduceSum(w));
    expect(opt.variables().map((v) => v.name)).toEqual([
      "beta1_power:0",
      "beta2_power:0",
      "w/Adam:0",
      "w/Adam_1:0",
    ]);
    using s = new tf.Session();
    s.run(tf.globalVariablesInitializer());
    const [b1, b2] = opt.variables();
    expect([s.run(b1 as tf.Variable).item(), s.run(b2 as tf.Variable).item()]).toEqual([0.5, 0.75]);
    s.run(train);
    expect([s.run(b1 as tf.Variable).item(), s.run(b2 as tf.Variable).item()]).toEqual([
      0.25, 0.5625,
    ]);
  });
});

describe("Apply* shape checks follow TF's shape functions", () => {
  it("a gradient of the wrong shape fails with TF's Merge error and leaves the graph unchanged", () => {
    const w = tf.getVariable("w", [3, 2]);
    const opt = new tf.train.MomentumOptimizer(0.1, 0.9);
    const before = tf.getDefaultGraph().opCount;
    expectValueError(
      () => opt.applyGradients([[tf.zeros([3]), w]]),
      "Shapes must be equal rank, but are 2 and 1 for 'Momentum/update_w/ApplyMomentum' (op: 'ApplyMomentum') with input shapes: [3,2], [3,2], [], [3], [].",
    );
    // zeros([3]) was built by the test before the call; nothing else was added.
    expect(tf.getDefaultGraph().opCount).toBe(before + 1);
  });

  it("a non-scalar learning rate fails with TF's WithRank error", () => {
    const w = tf.getVariable("w", [3]);
    const lr = tf.constant([0.1], { name: "lr" });
    const opt = new tf.train.GradientDescentOptimizer(lr);
    expectValueError(
      () => opt.minimize(tf.reduceSum(w)),
      "Shape must be rank 0 but is rank 1 for 'GradientDescent/update_w/ApplyGradientDescent' (op: 'ApplyGradientDescent') with input shapes: [3], [1], [3].",
    );
  });

  it("a non-scalar momentum fails on the momentum input, after lr and grad", () => {
    const w = tf.getVariable("w", [2, 2]);
    const opt = new tf.train.MomentumOptimizer(0.1, tf.constant([0.9, 0.9]));
    expectValueError(
      () => opt.minimize(tf.reduceSum(w)),
      "Shape must be rank 0 but is rank 1 for 'Momentum/update_w/ApplyMomentum' (op: 'ApplyMomentum') with input shapes: [2,2], [2,2], [], [2,2], [2].",
    );
  });

  it("Adagrad rejects a non-positive initial accumulator with TF's ValueError", () => {
    expectValueError(
      () => new tf.train.AdagradOptimizer(0.1, { initialAccumulatorValue: 0 }),
      "initial_accumulator_value must be positive: 0",
    );
  });

  it("ApplyAdagrad with update_slots=false divides by the accumulator without adding to it", () => {
    const w = tf.getVariable("w", [2], { initializer: tf.constantInitializer([1, 2]) });
    const acc = tf.getVariable("acc", [2], { initializer: tf.constantInitializer([4, 16]) });
    const upd = applyOp("ApplyAdagrad", [w, acc], [0.5, tf.constant([2, -4])], {
      update_slots: false,
    });
    using s = new tf.Session();
    s.run(tf.globalVariablesInitializer());
    s.run(upd.op);
    // w -= lr * g / sqrt(acc): 1 - 0.5 * 2 / 2, 2 + 0.5 * 4 / 4; acc stays.
    expect(Array.from(s.run(w).data as Float32Array)).toEqual([0.5, 2.5]);
    expect(Array.from(s.run(acc).data as Float32Array)).toEqual([4, 16]);
  });
});
