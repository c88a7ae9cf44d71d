import { ValueError } from "../errors.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { controlDependencies, group } from "../ops/control/group.js";
import { convertToTensor } from "../ops/convert.js";
import { constantInitializer, onesInitializer } from "../ops/init_ops.js";
import { applyOp } from "../ops/state/training_ops.js";
import type { Variable } from "../variables/variable.js";
import { Optimizer } from "./optimizer.js";

/** A hyper-parameter: a number, a tensor, or a function giving one (TF's callables). */
export type HyperParameter = number | Tensor | (() => number | Tensor);

function resolve(value: HyperParameter): number | Tensor {
  return typeof value === "function" ? value() : value;
}

/** Converts a hyper-parameter to a float32 tensor named `name` in the current scope. */
function hyper(value: HyperParameter, name: string): Tensor {
  return convertToTensor(resolve(value), { name, dtype: "float32" });
}

/**
 * Plain gradient descent (`tf.train.GradientDescentOptimizer`): `w -= lr * grad`, one
 * `ApplyGradientDescent` op per variable, no slots.
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [], { initializer: tf.constantInitializer(3) });
 * const train = new tf.train.GradientDescentOptimizer(0.5).minimize(tf.square(w));
 * using sess = new tf.Session();
 * sess.run(w.initializer);
 * sess.run(train);
 * sess.run(w); // ==> 0.0
 * ```
 */
export class GradientDescentOptimizer extends Optimizer {
  private lrTensor: Tensor | null = null;
  constructor(
    readonly learningRate: HyperParameter,
    options: { useLocking?: boolean; name?: string } = {},
  ) {
    super(options.useLocking ?? false, options.name ?? "GradientDescent");
  }
  protected override prepare(): void {
    this.lrTensor = hyper(this.learningRate, "learning_rate");
  }
  protected applyDense(grad: Tensor, variable: Variable): Operation {
    return applyOp("ApplyGradientDescent", [variable], [this.lrTensor as Tensor, grad], {
      use_locking: this.useLocking,
    }).op;
  }
}

/**
 * Momentum (`tf.train.MomentumOptimizer`), optionally Nesterov: slot `<var>/Momentum`.
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [], { initializer: tf.constantInitializer(3) });
 * new tf.train.MomentumOptimizer(0.01, 0.9, { useNesterov: true }).minimize(tf.square(w));
 * tf.globalVariables().map((v) => v.name).join(", "); // ==> w:0, w/Momentum:0
 * ```
 */
export class MomentumOptimizer extends Optimizer {
  private lrTensor: Tensor | null = null;
  private momentumTensor: Tensor | null = null;
  readonly useNesterov: boolean;
  constructor(
    readonly learningRate: HyperParameter,
    readonly momentum: HyperParameter,
    options: { useLocking?: boolean; name?: string; useNesterov?: boolean } = {},
  ) {
    super(options.useLocking ?? false, options.name ?? "Momentum");
    this.useNesterov = options.useNesterov ?? false;
  }
  protected override createSlots(varList: readonly Variable[]): void {
    for (const v of varList) this.zerosSlot(v, "momentum", this.name);
  }
  protected override prepare(): void {
    this.lrTensor = hyper(this.learningRate, "learning_rate");
    this.momentumTensor = hyper(this.momentum, "momentum");
  }
  protected applyDense(grad: Tensor, variable: Variable): Operation {
    const mom = this.getSlot(variable, "momentum") as Variable;
    return applyOp(
      "ApplyMomentum",
      [variable, mom],
      [this.lrTensor as Tensor, grad, this.momentumTensor as Tensor],
      { use_locking: this.useLocking, use_nesterov: this.useNesterov },
    ).op;
  }
}

/** Options of {@link AdamOptimizer}. */
export interface AdamOptions {
  /** Decay of the first-moment estimate (0.9); a number or a scalar tensor. */
  beta1?: HyperParameter;
  /** Decay of the second-moment estimate (0.999); a number or a scalar tensor. */
  beta2?: HyperParameter;
  /** The stability constant "epsilon hat" (1e-8); a number or a scalar tensor. */
  epsilon?: HyperParameter;
  useLocking?: boolean;
  name?: string;
}

/**
 * Adam (`tf.train.AdamOptimizer`): slots `<var>/Adam` (m) and `<var>/Adam_1` (v), and the
 * non-slot variables `beta1_power`, `beta2_power`, advanced after each step.
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [2]);
 * const opt = new tf.train.AdamOptimizer(0.001);
 * const train = opt.minimize(tf.reduceSum(w));
 * opt.getSlot(w, "m")?.name; // ==> w/Adam:0
 * ```
 */
export class AdamOptimizer extends Optimizer {
  readonly beta1: HyperParameter;
  readonly beta2: HyperParameter;
  readonly epsilon: HyperParameter;
  private tensors: { lr: Tensor; beta1: Tensor; beta2: Tensor; epsilon: Tensor } | null = null;
  constructor(
    readonly learningRate: HyperParameter = 0.001,
    options: AdamOptions = {},
  ) {
    super(options.useLocking ?? false, options.name ?? "Adam");
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
  }
  protected override createSlots(varList: readonly Variable[]): void {
    this.nonSlotVariable(this.beta1, "beta1_power");
    this.nonSlotVariable(this.beta2, "beta2_power");
    for (const v of varList) {
      this.zerosSlot(v, "m", this.name);
      this.zerosSlot(v, "v", this.name);
    }
  }
  protected override prepare(): void {
    this.tensors = {
      lr: hyper(this.learningRate, "learning_rate"),
      beta1: hyper(this.beta1, "beta1"),
      beta2: hyper(this.beta2, "beta2"),
      epsilon: hyper(this.epsilon, "epsilon"),
    };
  }
  protected applyDense(grad: Tensor, variable: Variable): Operation {
    const t = this.tensors as NonNullable<AdamOptimizer["tensors"]>;
    const m = this.getSlot(variable, "m") as Variable;
    const v = this.getSlot(variable, "v") as Variable;
    return applyOp(
      "ApplyAdam",
      [variable, m, v],
      [
        this.getNonSlot("beta1_power"),
        this.getNonSlot("beta2_power"),
        t.lr,
        t.beta1,
        t.beta2,
        t.epsilon,
        grad,
      ],
      { use_locking: this.useLocking, use_nesterov: false },
    ).op;
  }
  protected override finish(updates: Operation[], name: string): Operation {
    const t = this.tensors as NonNullable<AdamOptimizer["tensors"]>;
    const beta1Power = this.getNonSlot("beta1_power");
    const beta2Power = this.getNonSlot("beta2_power");
    const [u1, u2] = controlDependencies(updates, () => [
      beta1Power.assign(beta1Power.mul(t.beta1)).op,
      beta2Power.assign(beta2Power.mul(t.beta2)).op,
    ]);
    return group([...updates, u1 as Operation, u2 as Operation], { name });
  }
}

/** Options of {@link RMSPropOptimizer}. */
export interface RMSPropOptions {
  /** Discount of the running mean square (0.9); a number or a scalar tensor. */
  decay?: HyperParameter;
  /** Momentum of the update (0); a number or a scalar tensor. */
  momentum?: HyperParameter;
  /** Added to the mean square before its root (1e-10); a number or a scalar tensor. */
  epsilon?: HyperParameter;
  centered?: boolean;
  useLocking?: boolean;
  name?: string;
}

/**
 * RMSProp (`tf.train.RMSPropOptimizer`): slots `rms` (`<var>/RMSProp`, starting at ones),
 * `momentum`, and with `centered`, `mg`.
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [], { initializer: tf.constantInitializer(3) });
 * const train = new tf.train.RMSPropOptimizer(0.001, { decay: 0.9 }).minimize(tf.square(w));
 * train.name; // ==> RMSProp
 * ```
 */
export class RMSPropOptimizer extends Optimizer {
  readonly decay: HyperParameter;
  readonly momentum: HyperParameter;
  readonly epsilon: HyperParameter;
  readonly centered: boolean;
  private tensors: { lr: Tensor; decay: Tensor; momentum: Tensor; epsilon: Tensor } | null = null;
  constructor(
    readonly learningRate: HyperParameter,
    options: RMSPropOptions = {},
  ) {
    super(options.useLocking ?? false, options.name ?? "RMSProp");
    this.decay = options.decay ?? 0.9;
    this.momentum = options.momentum ?? 0;
    this.epsilon = options.epsilon ?? 1e-10;
    this.centered = options.centered ?? false;
  }
  protected override createSlots(varList: readonly Variable[]): void {
    for (const v of varList) {
      this.slotWithInitializer(v, onesInitializer({ dtype: v.dtype }), "rms", this.name);
      if (this.centered) this.zerosSlot(v, "mg", this.name);
      this.zerosSlot(v, "momentum", this.name);
    }
  }
  protected override prepare(): void {
    this.tensors = {
      lr: hyper(this.learningRate, "learning_rate"),
      decay: hyper(this.decay, "decay"),
      momentum: hyper(this.momentum, "momentum"),
      epsilon: hyper(this.epsilon, "epsilon"),
    };
  }
  protected applyDense(grad: Tensor, variable: Variable): Operation {
    const t = this.tensors as NonNullable<RMSPropOptimizer["tensors"]>;
    const rms = this.getSlot(variable, "rms") as Variable;
    const mom = this.getSlot(variable, "momentum") as Variable;
    const args = [t.lr, t.decay, t.momentum, t.epsilon, grad];
    if (this.centered) {
      const mg = this.getSlot(variable, "mg") as Variable;
      return applyOp("ApplyCenteredRMSProp", [variable, mg, rms, mom], args, {
        use_locking: this.useLocking,
      }).op;
    }
    return applyOp("ApplyRMSProp", [variable, rms, mom], args, {
      use_locking: this.useLocking,
    }).op;
  }
}

/**
 * Adagrad (`tf.train.AdagradOptimizer`): slot `accumulator` (`<var>/Adagrad`) starting at
 * `initialAccumulatorValue` (0.1).
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [], { initializer: tf.constantInitializer(3) });
 * const train = new tf.train.AdagradOptimizer(0.1).minimize(tf.square(w));
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * sess.run(train);
 * sess.run(w); // ==> 2.9001386
 * ```
 */
export class AdagradOptimizer extends Optimizer {
  readonly initialAccumulatorValue: number;
  private lrTensor: Tensor | null = null;
  constructor(
    readonly learningRate: HyperParameter,
    options: { initialAccumulatorValue?: number; useLocking?: boolean; name?: string } = {},
  ) {
    super(options.useLocking ?? false, options.name ?? "Adagrad");
    this.initialAccumulatorValue = options.initialAccumulatorValue ?? 0.1;
    if (this.initialAccumulatorValue <= 0) {
      throw new ValueError(
        `initial_accumulator_value must be positive: ${this.initialAccumulatorValue}`,
      );
    }
  }
  protected override createSlots(varList: readonly Variable[]): void {
    for (const v of varList) {
      this.slotWithInitializer(
        v,
        constantInitializer(this.initialAccumulatorValue, { dtype: v.dtype }),
        "accumulator",
        this.name,
      );
    }
  }
  protected override prepare(): void {
    this.lrTensor = hyper(this.learningRate, "learning_rate");
  }
  protected applyDense(grad: Tensor, variable: Variable): Operation {
    const acc = this.getSlot(variable, "accumulator") as Variable;
    return applyOp("ApplyAdagrad", [variable, acc], [this.lrTensor as Tensor, grad], {
      use_locking: this.useLocking,
      update_slots: true,
    }).op;
  }
}
