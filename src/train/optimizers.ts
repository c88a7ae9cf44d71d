import { ValueError } from "../errors.js";
import type { Operation } from "../graph/operation.js";
import {
  isTensorConvertible,
  Tensor,
  type TensorConvertible,
  type TensorLike,
} from "../graph/tensor.js";
import {
  booleanKind,
  declare,
  defineParams,
  kind,
  numberKind,
  opt,
  req,
  stringKind,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";
import { controlDependencies, group } from "../ops/control/group.js";
import { convertToTensor } from "../ops/convert.js";
import { constantInitializer, onesInitializer } from "../ops/init_ops.js";
import { applyOp } from "../ops/state/training_ops.js";
import type { IndexedSlices } from "../ops/indexed_slices.js";
import { neg, pythonOperator } from "../ops/math/operators.js";
import { sqrt } from "../ops/math/unary.js";
import {
  resourceApplyOp,
  resourceScatterOp,
  resourceSparseApplyOp,
} from "../ops/state/resource_variable_ops.js";
import { scatterOp } from "../ops/state/scatter_ops.js";
import { sparseApplyOp } from "../ops/state/sparse_training_ops.js";
import { assign, assignSub } from "../ops/state/variable_ops.js";
import type { Variable } from "../variables/variable.js";
import { Optimizer } from "./optimizer.js";

/**
 * A hyper-parameter: a number, a tensor (a variable too), or a function giving one (TF's
 * callables).
 */
export type HyperParameter =
  number | Tensor | TensorConvertible | (() => number | Tensor | TensorConvertible);

/** A hyper-parameter value: TF takes a float, a tensor, or a callable returning one. */
const hyperKind = kind<HyperParameter>(
  "a number, a Tensor or a function returning one",
  (v) =>
    typeof v === "number" ||
    typeof v === "function" ||
    v instanceof Tensor ||
    isTensorConvertible(v),
);

function resolve(value: HyperParameter): number | Tensor | TensorConvertible {
  return typeof value === "function" ? value() : value;
}

/** Converts a hyper-parameter to a float32 tensor named `name` in the current scope. */
function hyper(value: HyperParameter, name: string): Tensor {
  return convertToTensor(resolve(value), { name, dtype: "float32" });
}

/**
 * A fused update: `Apply*` on reference variables (`_apply_dense`), `ResourceApply*` on
 * resource variables (`_resource_apply_dense`), the same inputs taken by handle.
 */
function fusedApply(
  type: string,
  vars: readonly Variable[],
  args: readonly TensorLike[],
  attrs: Record<string, boolean>,
): Operation {
  if ((vars[0] as Variable).isResource) {
    const handles = vars.map((v) => v.refTensor);
    return resourceApplyOp(`Resource${type}`, handles, args, attrs);
  }
  return applyOp(type, vars, args, attrs).op;
}

/** A sparse fused update: `SparseApply*`, or `ResourceSparseApply*` on resource variables. */
function fusedSparseApply(
  type: string,
  vars: readonly Variable[],
  scalarsBefore: readonly TensorLike[],
  grad: IndexedSlices,
  scalarsAfter: readonly TensorLike[],
  attrs: Record<string, boolean>,
): Operation {
  if ((vars[0] as Variable).isResource) {
    const handles = vars.map((v) => v.refTensor);
    return resourceSparseApplyOp(
      `Resource${type}`,
      handles,
      scalarsBefore,
      grad.values,
      grad.indices,
      scalarsAfter,
      attrs,
    );
  }
  return sparseApplyOp(type, vars, scalarsBefore, grad.values, grad.indices, scalarsAfter, attrs)
    .op;
}

/** TF 1.15's `GradientDescentOptimizer(learning_rate, use_locking, name)`. */
const GRADIENT_DESCENT_PARAMS = [
  req("learningRate", hyperKind),
  opt("useLocking", booleanKind),
  opt("name", stringKind),
] as const;
const GRADIENT_DESCENT_P = defineParams("train.GradientDescentOptimizer", GRADIENT_DESCENT_PARAMS);

/** Options of {@link GradientDescentOptimizer}. */
export type GradientDescentOptions = OptionsOf<typeof GRADIENT_DESCENT_PARAMS>;

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
  readonly learningRate: HyperParameter;
  private lrTensor: Tensor | null = null;
  constructor(...args: CallArgs<typeof GRADIENT_DESCENT_PARAMS>) {
    const a = GRADIENT_DESCENT_P.parse(args);
    super(a.useLocking ?? false, a.name ?? "GradientDescent");
    this.learningRate = a.learningRate;
  }
  protected override prepare(): void {
    this.lrTensor = hyper(this.learningRate, "learning_rate");
  }
  protected applyDense(grad: Tensor, variable: Variable): Operation {
    return fusedApply("ApplyGradientDescent", [variable], [this.lrTensor as Tensor, grad], {
      use_locking: this.useLocking,
    });
  }
  /**
   * `ScatterSub` of `lr * values`, on a resource variable `ResourceScatterAdd` of
   * `-values * lr`: rows named twice get both steps, so no `Unique`.
   */
  protected override applySparseDuplicateIndices(
    grad: IndexedSlices,
    variable: Variable,
  ): Operation {
    if (variable.isResource) {
      const delta = pythonOperator("mul", neg(grad.values), resolve(this.learningRate));
      return resourceScatterOp("ResourceScatterAdd", variable.refTensor, grad.indices, delta);
    }
    const delta = pythonOperator("mul", grad.values, this.lrTensor as Tensor);
    return scatterOp("ScatterSub", variable, grad.indices, delta, this.useLocking).op;
  }
}

/**
 * TF 1.15's `MomentumOptimizer(learning_rate, momentum, use_locking, name, use_nesterov)`:
 * `momentum` is required, as in TF.
 */
const MOMENTUM_PARAMS = [
  req("learningRate", hyperKind),
  req("momentum", hyperKind),
  opt("useLocking", booleanKind),
  opt("name", stringKind),
  opt("useNesterov", booleanKind),
] as const;
const MOMENTUM_P = defineParams("train.MomentumOptimizer", MOMENTUM_PARAMS);

/** Options of {@link MomentumOptimizer}. */
export type MomentumOptions = OptionsOf<typeof MOMENTUM_PARAMS>;

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
  readonly learningRate: HyperParameter;
  readonly momentum: HyperParameter;
  readonly useNesterov: boolean;
  constructor(...args: CallArgs<typeof MOMENTUM_PARAMS>) {
    const a = MOMENTUM_P.parse(args);
    super(a.useLocking ?? false, a.name ?? "Momentum");
    this.learningRate = a.learningRate;
    this.momentum = a.momentum;
    this.useNesterov = a.useNesterov ?? false;
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
    return fusedApply(
      "ApplyMomentum",
      [variable, mom],
      [this.lrTensor as Tensor, grad, this.momentumTensor as Tensor],
      { use_locking: this.useLocking, use_nesterov: this.useNesterov },
    );
  }
  protected override applySparse(grad: IndexedSlices, variable: Variable): Operation {
    const mom = this.getSlot(variable, "momentum") as Variable;
    return fusedSparseApply(
      "SparseApplyMomentum",
      [variable, mom],
      [this.lrTensor as Tensor],
      grad,
      [this.momentumTensor as Tensor],
      { use_locking: this.useLocking, use_nesterov: this.useNesterov },
    );
  }
}

/** TF 1.15's `AdamOptimizer(learning_rate, beta1, beta2, epsilon, use_locking, name)`. */
const ADAM_PARAMS = [
  opt("learningRate", hyperKind),
  opt("beta1", hyperKind),
  opt("beta2", hyperKind),
  opt("epsilon", hyperKind),
  opt("useLocking", booleanKind),
  opt("name", stringKind),
] as const;
const ADAM_P = defineParams("train.AdamOptimizer", ADAM_PARAMS);

/** Options of {@link AdamOptimizer}. */
export type AdamOptions = OptionsOf<typeof ADAM_PARAMS>;

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
  readonly learningRate: HyperParameter;
  readonly beta1: HyperParameter;
  readonly beta2: HyperParameter;
  readonly epsilon: HyperParameter;
  private tensors: { lr: Tensor; beta1: Tensor; beta2: Tensor; epsilon: Tensor } | null = null;
  constructor(...args: CallArgs<typeof ADAM_PARAMS>) {
    const a = ADAM_P.parse(args);
    super(a.useLocking ?? false, a.name ?? "Adam");
    this.learningRate = a.learningRate ?? 0.001;
    this.beta1 = a.beta1 ?? 0.9;
    this.beta2 = a.beta2 ?? 0.999;
    this.epsilon = a.epsilon ?? 1e-8;
  }
  protected override createSlots(varList: readonly Variable[]): void {
    // `first_var = min(var_list, key=lambda x: x.name)`.
    const first = varList.reduce((a, b) => (b.name < a.name ? b : a));
    this.nonSlotVariable(this.beta1, "beta1_power", first);
    this.nonSlotVariable(this.beta2, "beta2_power", first);
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
    return fusedApply(
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
    );
  }
  /**
   * TF's `_apply_sparse_shared` with `ScatterAdd`: the moments decay everywhere (`Assign`),
   * the gradient's rows are added to them, and the whole variable takes the step.
   */
  protected override applySparse(grad: IndexedSlices, variable: Variable): Operation {
    const t = this.tensors as NonNullable<AdamOptimizer["tensors"]>;
    const beta1Power = this.getNonSlot("beta1_power").value();
    const beta2Power = this.getNonSlot("beta2_power").value();
    const mul = (x: TensorLike, y: TensorLike) => pythonOperator("mul", x, y);
    const sub = (x: TensorLike, y: TensorLike) => pythonOperator("sub", x, y);
    const lr = pythonOperator("truediv", mul(t.lr, sqrt(sub(1, beta2Power))), sub(1, beta1Power));
    const m = this.getSlot(variable, "m") as Variable;
    const mScaled = mul(grad.values, sub(1, t.beta1));
    // `_resource_scatter_add` on resource variables: the scatter, then a read after it.
    const scatterAdd = (x: Variable, updates: Tensor): Tensor =>
      x.isResource
        ? controlDependencies(
            [resourceScatterOp("ResourceScatterAdd", x.refTensor, grad.indices, updates)],
            () => x.value(),
          )
        : scatterOp("ScatterAdd", x, grad.indices, updates, this.useLocking);
    const mDecayed = assign(m, mul(m, t.beta1), { useLocking: this.useLocking });
    const mT = controlDependencies([mDecayed], () => scatterAdd(m, mScaled));
    const v = this.getSlot(variable, "v") as Variable;
    const vScaled = mul(mul(grad.values, grad.values), sub(1, t.beta2));
    const vDecayed = assign(v, mul(v, t.beta2), { useLocking: this.useLocking });
    const vT = controlDependencies([vDecayed], () => scatterAdd(v, vScaled));
    const vSqrt = sqrt(vT);
    const step = pythonOperator("truediv", mul(lr, mT), pythonOperator("add", vSqrt, t.epsilon));
    const varUpdate = assignSub(variable, step, { useLocking: this.useLocking });
    return group([varUpdate.op, mT.op, vT.op]);
  }
  protected override finish(updates: Operation[], name: string): Operation {
    const t = this.tensors as NonNullable<AdamOptimizer["tensors"]>;
    const beta1Power = this.getNonSlot("beta1_power");
    const beta2Power = this.getNonSlot("beta2_power");
    const [u1, u2] = controlDependencies(updates, () =>
      beta1Power.graph.colocateWith(beta1Power.op, () => [
        beta1Power.assign(beta1Power.mul(t.beta1)).op,
        beta2Power.assign(beta2Power.mul(t.beta2)).op,
      ]),
    );
    return group([...updates, u1 as Operation, u2 as Operation], { name });
  }
}

/**
 * TF 1.15's `RMSPropOptimizer(learning_rate, decay, momentum, epsilon, use_locking,
 * centered, name)`.
 */
const RMSPROP_PARAMS = [
  req("learningRate", hyperKind),
  opt("decay", hyperKind),
  opt("momentum", hyperKind),
  opt("epsilon", hyperKind),
  opt("useLocking", booleanKind),
  opt("centered", booleanKind),
  opt("name", stringKind),
] as const;
const RMSPROP_P = defineParams("train.RMSPropOptimizer", RMSPROP_PARAMS);

/** Options of {@link RMSPropOptimizer}. */
export type RMSPropOptions = OptionsOf<typeof RMSPROP_PARAMS>;

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
  readonly learningRate: HyperParameter;
  readonly decay: HyperParameter;
  readonly momentum: HyperParameter;
  readonly epsilon: HyperParameter;
  readonly centered: boolean;
  private tensors: { lr: Tensor; decay: Tensor; momentum: Tensor; epsilon: Tensor } | null = null;
  constructor(...args: CallArgs<typeof RMSPROP_PARAMS>) {
    const a = RMSPROP_P.parse(args);
    super(a.useLocking ?? false, a.name ?? "RMSProp");
    this.learningRate = a.learningRate;
    this.decay = a.decay ?? 0.9;
    this.momentum = a.momentum ?? 0;
    this.epsilon = a.epsilon ?? 1e-10;
    this.centered = a.centered ?? false;
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
      return fusedApply("ApplyCenteredRMSProp", [variable, mg, rms, mom], args, {
        use_locking: this.useLocking,
      });
    }
    return fusedApply("ApplyRMSProp", [variable, rms, mom], args, {
      use_locking: this.useLocking,
    });
  }
  protected override applySparse(grad: IndexedSlices, variable: Variable): Operation {
    const t = this.tensors as NonNullable<RMSPropOptimizer["tensors"]>;
    const rms = this.getSlot(variable, "rms") as Variable;
    const mom = this.getSlot(variable, "momentum") as Variable;
    const scalars = [t.lr, t.decay, t.momentum, t.epsilon];
    const attrs = { use_locking: this.useLocking };
    if (this.centered) {
      const mg = this.getSlot(variable, "mg") as Variable;
      return fusedSparseApply(
        "SparseApplyCenteredRMSProp",
        [variable, mg, rms, mom],
        scalars,
        grad,
        [],
        attrs,
      );
    }
    return fusedSparseApply("SparseApplyRMSProp", [variable, rms, mom], scalars, grad, [], attrs);
  }
}

/** TF 1.15's `AdagradOptimizer(learning_rate, initial_accumulator_value, use_locking, name)`. */
const ADAGRAD_PARAMS = [
  req("learningRate", hyperKind),
  opt("initialAccumulatorValue", numberKind),
  opt("useLocking", booleanKind),
  opt("name", stringKind),
] as const;
const ADAGRAD_P = defineParams("train.AdagradOptimizer", ADAGRAD_PARAMS);

/** Options of {@link AdagradOptimizer}. */
export type AdagradOptions = OptionsOf<typeof ADAGRAD_PARAMS>;

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
  readonly learningRate: HyperParameter;
  readonly initialAccumulatorValue: number;
  private lrTensor: Tensor | null = null;
  constructor(...args: CallArgs<typeof ADAGRAD_PARAMS>) {
    const a = ADAGRAD_P.parse(args);
    super(a.useLocking ?? false, a.name ?? "Adagrad");
    this.learningRate = a.learningRate;
    this.initialAccumulatorValue = a.initialAccumulatorValue ?? 0.1;
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
    return fusedApply("ApplyAdagrad", [variable, acc], [this.lrTensor as Tensor, grad], {
      use_locking: this.useLocking,
      update_slots: true,
    });
  }
  protected override applySparse(grad: IndexedSlices, variable: Variable): Operation {
    const acc = this.getSlot(variable, "accumulator") as Variable;
    return fusedSparseApply(
      "SparseApplyAdagrad",
      [variable, acc],
      [this.lrTensor as Tensor],
      grad,
      [],
      { use_locking: this.useLocking, update_slots: true },
    );
  }
}

declare(GradientDescentOptimizer, GRADIENT_DESCENT_P);
declare(MomentumOptimizer, MOMENTUM_P);
declare(AdamOptimizer, ADAM_P);
declare(RMSPropOptimizer, RMSPROP_P);
declare(AdagradOptimizer, ADAGRAD_P);
