import { ValueError } from "../errors.js";
import { pyList } from "../graph/pyformat.js";
import type { Tensor, TensorLike } from "../graph/tensor.js";
import type { TensorShape } from "../graph/tensor_shape.js";
import { constant } from "../ops/array/constant.js";
import { reshape } from "../ops/array/reshape.js";
import { convertToTensor } from "../ops/convert.js";
import { onesInitializer, zerosInitializer } from "../ops/init_ops.js";
import { pythonOperator, neg } from "../ops/math/operators.js";
import { rsqrt } from "../ops/math/unary.js";
import { moments } from "../ops/nn/moments.js";
import { assignSub } from "../ops/state/variable_ops.js";
import { nameScope } from "../scope/name_scope.js";
import type { Constraint, Initializer, InitializerFunction, Regularizer } from "../scope/types.js";
import type { Variable } from "../variables/variable.js";
import {
  applyFunctional,
  constraintKind,
  initializerKind,
  InputSpec,
  intOrIntsKind,
  Layer,
  LAYER_KWARGS,
  layerNameKind,
  regularizerKind,
  reuseKind,
  trainingKind,
  type ApplyOptions,
} from "./base.js";
import {
  anyKind,
  booleanKind,
  declare,
  defineParams,
  functionKind,
  intKind,
  keywordOnlyAfter,
  numberKind,
  opt,
  req,
  tensorKind,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";
import { fusedBatchNorm } from "../ops/nn/fused_batch_norm.js";
import { constantBool, smartCond } from "./smart_cond.js";

type Init = Initializer | InitializerFunction | null;

/** The normalization arguments of TF 1.15's `BatchNormalization` and `batch_normalization`. */
const BN_HEAD = [
  opt("axis", intOrIntsKind),
  opt("momentum", numberKind),
  opt("epsilon", numberKind),
  opt("center", booleanKind),
  opt("scale", booleanKind),
  opt("betaInitializer", initializerKind),
  opt("gammaInitializer", initializerKind),
  opt("movingMeanInitializer", initializerKind),
  opt("movingVarianceInitializer", initializerKind),
  opt("betaRegularizer", regularizerKind),
  opt("gammaRegularizer", regularizerKind),
  opt("betaConstraint", constraintKind),
  opt("gammaConstraint", constraintKind),
] as const;

/** Batch renormalization's arguments: scopeflow refuses `renorm: true` (see `checkUnsupported`). */
const RENORM = [
  opt("renorm", booleanKind),
  opt("renormClipping", anyKind<Record<string, unknown>>("a dict of 'rmax', 'rmin', 'dmax'")),
  opt("renormMomentum", numberKind),
] as const;

/**
 * TF 1.15's `BatchNormalization(axis, momentum, epsilon, center, scale, beta_initializer,
 * gamma_initializer, moving_mean_initializer, moving_variance_initializer,
 * beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint, renorm,
 * renorm_clipping, renorm_momentum, fused, trainable, virtual_batch_size, adjustment, name,
 * **kwargs)`. Normalization is over the last axis by default, with momentum 0.99 and
 * epsilon 0.001; `fused` (`null`/`true` by default) uses the fused kernel
 * (`FusedBatchNormV3`) for 4-D inputs normalized over axis 1 or 3, `false` builds the
 * composed ops (`moments`, `batchnorm/…`).
 */
const BN_PARAMS = [
  ...BN_HEAD,
  ...RENORM,
  opt("fused", booleanKind),
  opt("trainable", booleanKind),
  opt("virtualBatchSize", intKind),
  opt("adjustment", functionKind),
  opt("name", layerNameKind),
  ...LAYER_KWARGS,
  opt("activityRegularizer", regularizerKind),
] as const;
const BN_P = keywordOnlyAfter(
  defineParams("layers.BatchNormalization", BN_PARAMS),
  BN_HEAD.length + RENORM.length + 5,
);

/**
 * TF 1.15's `batch_normalization(inputs, axis, …, gamma_constraint, training, trainable,
 * name, reuse, renorm, renorm_clipping, renorm_momentum, fused, virtual_batch_size,
 * adjustment)`: `training` is `false` by default (normalize with the moving averages); a
 * bool scalar tensor decides at run time.
 */
const BN_FN_PARAMS = [
  req("inputs", tensorKind),
  ...BN_HEAD,
  opt("training", trainingKind),
  opt("trainable", booleanKind),
  opt("name", layerNameKind),
  opt("reuse", reuseKind),
  ...RENORM,
  opt("fused", booleanKind),
  opt("virtualBatchSize", intKind),
  opt("adjustment", functionKind),
] as const;
const BN_FN_P = defineParams("layers.batchNormalization", BN_FN_PARAMS);

/** The options object of {@link BatchNormalization}. */
export type BatchNormalizationOptions = OptionsOf<typeof BN_PARAMS>;

/** The options object of {@link batchNormalization}. */
export type BatchNormalizationFunctionalOptions = OptionsOf<typeof BN_FN_PARAMS>;

/** What scopeflow cannot build is refused, never ignored. */
function checkUnsupported(
  fn: string,
  a: { renorm?: boolean; virtualBatchSize?: number; adjustment?: unknown },
): void {
  const refuse = (what: string) => {
    throw new ValueError(`${fn}(): ${what} is not supported by scopeflow.`);
  };
  if (a.renorm === true) refuse("renorm=True (batch renormalization)");
  if (a.virtualBatchSize !== undefined) refuse("virtual_batch_size (ghost batch normalization)");
  if (a.adjustment !== undefined) refuse("adjustment");
}

/**
 * Batch normalization (`tf.layers.BatchNormalization`): variables `gamma`, `beta`
 * (trainable) and `moving_mean`, `moving_variance` (not trainable, in `GLOBAL_VARIABLES`).
 * In training mode the output uses the batch's mean and variance, and the moving averages
 * are updated by `AssignMovingAvg` and `AssignMovingAvg_1` (`moving -= (moving - batch) *
 * (1 - momentum)`), which go into `UPDATE_OPS`: run them with each training step.
 *
 * @example
 * ```ts
 * const bn = new tf.layers.BatchNormalization();
 * const y = bn.apply(tf.placeholder(tf.float32, [null, 3]), { training: true });
 * const updates = tf.getDefaultGraph().getCollection<tf.Operation>(tf.GraphKeys.UPDATE_OPS);
 * updates.map((op) => op.name).join(", "); // ==> batch_normalization/AssignMovingAvg, batch_normalization/AssignMovingAvg_1
 * ```
 */
export class BatchNormalization extends Layer {
  static override readonly className: string | undefined = "BatchNormalization";
  axis: number[];
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly betaInitializer: Init;
  readonly gammaInitializer: Init;
  readonly movingMeanInitializer: Init;
  readonly movingVarianceInitializer: Init;
  readonly betaRegularizer: Regularizer | null;
  readonly gammaRegularizer: Regularizer | null;
  readonly betaConstraint: Constraint | null;
  readonly gammaConstraint: Constraint | null;
  /** Whether the fused kernel is used (decided when built). */
  fused: boolean;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  movingMean: Variable | null = null;
  movingVariance: Variable | null = null;
  private gammaConst: Tensor | null = null;
  private betaConst: Tensor | null = null;
  private dataFormat: "NHWC" | "NCHW" = "NHWC";

  constructor(...args: CallArgs<typeof BN_PARAMS>) {
    const options = BN_P.parse(args);
    checkUnsupported(BN_P.fn, options);
    super({
      trainable: options.trainable,
      name: options.name,
      dtype: options.dtype,
      activityRegularizer: options.activityRegularizer,
      scope: options.scope,
      reuse: options.reuse,
    });
    const axis = options.axis ?? -1;
    if (typeof axis === "number") this.axis = [axis];
    else if (Array.isArray(axis)) this.axis = axis.slice();
    else throw new TypeError(`axis must be int or list, type given: ${typeof axis}`);
    this.momentum = options.momentum ?? 0.99;
    this.epsilon = options.epsilon ?? 1e-3;
    this.center = options.center ?? true;
    this.scale = options.scale ?? true;
    this.betaInitializer = options.betaInitializer ?? zerosInitializer();
    this.gammaInitializer = options.gammaInitializer ?? onesInitializer();
    this.movingMeanInitializer = options.movingMeanInitializer ?? zerosInitializer();
    this.movingVarianceInitializer = options.movingVarianceInitializer ?? onesInitializer();
    this.betaRegularizer = options.betaRegularizer ?? null;
    this.gammaRegularizer = options.gammaRegularizer ?? null;
    this.betaConstraint = options.betaConstraint ?? null;
    this.gammaConstraint = options.gammaConstraint ?? null;
    // TensorFlow 1.x's `BatchNormalization` (V1): `fused=None` means "if it can be".
    this.fused = options.fused ?? true;
  }

  /** `_fused_can_be_used`: one feature axis, 1 or 3. */
  private fusedCanBeUsed(): boolean {
    return this.axis.length === 1 && [-3, -1, 1, 3].includes(this.axis[0] as number);
  }

  protected override build(inputShape: TensorShape): void {
    const dims = inputShape.dims;
    if (dims === null || dims.length === 0) throw new ValueError("Input has undefined rank.");
    const ndims = dims.length;
    this.axis = this.axis.map((x) => (x < 0 ? ndims + x : x));
    for (const x of this.axis) {
      if (x < 0 || x >= ndims) throw new ValueError(`Invalid axis: ${pyList(this.axis)}`);
    }
    if (new Set(this.axis).size !== this.axis.length) {
      throw new ValueError(`Duplicate axis: ${pyList(this.axis)}`);
    }
    if (this.fused) this.fused = ndims === 4 && this.fusedCanBeUsed();
    if (this.fused) this.dataFormat = this.axis[0] === 1 ? "NCHW" : "NHWC";
    const axisDims = new Map<number, number>();
    for (const x of this.axis) {
      const d = dims[x] ?? null;
      if (d === null) {
        throw new ValueError(
          `Input has undefined \`axis\` dimension. Input shape: ${inputShape.toString()}`,
        );
      }
      axisDims.set(x, d);
    }
    this.inputSpec = new InputSpec({ ndim: ndims, axes: axisDims });
    const paramShape =
      this.axis.length === 1
        ? [axisDims.get(this.axis[0] as number) as number]
        : Array.from({ length: ndims }, (_, i) => axisDims.get(i) ?? 1);
    const dtype = this.dtype ?? "float32";
    if (this.scale) {
      this.gamma = this.addWeight("gamma", paramShape, {
        dtype,
        initializer: this.gammaInitializer,
        regularizer: this.gammaRegularizer,
        constraint: this.gammaConstraint,
      });
    } else if (this.fused) {
      this.gammaConst = constant(1.0, { dtype, shape: paramShape });
    }
    if (this.center) {
      this.beta = this.addWeight("beta", paramShape, {
        dtype,
        initializer: this.betaInitializer,
        regularizer: this.betaRegularizer,
        constraint: this.betaConstraint,
      });
    } else if (this.fused) {
      this.betaConst = constant(0.0, { dtype, shape: paramShape });
    }
    this.movingMean = this.addWeight("moving_mean", paramShape, {
      dtype,
      initializer: this.movingMeanInitializer,
      trainable: false,
    });
    this.movingVariance = this.addWeight("moving_variance", paramShape, {
      dtype,
      initializer: this.movingVarianceInitializer,
      trainable: false,
    });
  }

  /**
   * `_assign_moving_average`: under `AssignMovingAvg/`, `decay = 1 - momentum`, then
   * `AssignSub(variable, (variable - value) * decay)` named `AssignMovingAvg` itself, all
   * colocated with the variable.
   */
  private assignMovingAverage(
    variable: Variable,
    value: Tensor,
    momentum: number | Tensor,
  ): Tensor {
    return nameScope("AssignMovingAvg", (scope) =>
      variable.graph.colocateWith(variable.op, () => {
        const decay =
          typeof momentum === "number"
            ? convertToTensor(1.0 - momentum, { name: "decay", dtype: variable.dtype })
            : pythonOperator("sub", 1.0, momentum);
        const delta = pythonOperator("mul", pythonOperator("sub", variable, value), decay);
        return assignSub(variable, delta, { name: scope });
      }),
    );
  }

  private fusedCall(inputs: Tensor, training: boolean | TensorLike): Tensor {
    const gamma = (this.scale ? this.gamma : this.gammaConst) as Tensor | Variable;
    const beta = (this.center ? this.beta : this.betaConst) as Tensor | Variable;
    const [output, mean, variance] = smartCond(
      training,
      () =>
        fusedBatchNorm(inputs, gamma, beta, {
          epsilon: this.epsilon,
          dataFormat: this.dataFormat,
        }),
      () =>
        fusedBatchNorm(inputs, gamma, beta, {
          mean: this.movingMean as Variable,
          variance: this.movingVariance as Variable,
          epsilon: this.epsilon,
          isTraining: false,
          dataFormat: this.dataFormat,
        }),
    ) as [Tensor, Tensor, Tensor];
    const trainingValue = constantBool(training);
    if (trainingValue !== false) {
      const momentum =
        trainingValue === null
          ? smartCond(
              training,
              () => constant(this.momentum),
              () => constant(1.0),
            )
          : convertToTensor(this.momentum);
      this.addUpdate(this.assignMovingAverage(this.movingMean as Variable, mean, momentum));
      this.addUpdate(this.assignMovingAverage(this.movingVariance as Variable, variance, momentum));
    }
    return output;
  }

  protected call(inputs: Tensor, options: ApplyOptions): Tensor {
    const training = options.training ?? false;
    if (this.fused) return this.fusedCall(inputs, training);

    const inputShape = inputs.shape;
    const ndims = inputShape.rank as number;
    const reductionAxes = Array.from({ length: ndims }, (_, i) => i).filter(
      (i) => !this.axis.includes(i),
    );
    const broadcastShape = new Array<number>(ndims).fill(1);
    const first = this.axis[0] as number;
    broadcastShape[first] = inputShape.dims?.[first] as number;
    const lastOnly = reductionAxes.length === ndims - 1 && reductionAxes.every((a, i) => a === i);
    const broadcast = (v: Tensor | Variable | null): Tensor | Variable | null => {
      if (v !== null && v.shape.rank !== ndims && !lastOnly) return reshape(v, broadcastShape);
      return v;
    };
    const scale = broadcast(this.gamma);
    const offset = broadcast(this.beta);

    const trainingValue = constantBool(training);
    let mean: Tensor | Variable;
    let variance: Tensor | Variable;
    if (trainingValue === false) {
      mean = this.movingMean as Variable;
      variance = this.movingVariance as Variable;
    } else {
      const keepdims = this.axis.length > 1;
      const [batchMean, batchVariance] = moments(inputs, reductionAxes, { keepdims });
      const movingMean = this.movingMean as Variable;
      const movingVariance = this.movingVariance as Variable;
      const m = smartCond(
        training,
        () => batchMean,
        () => convertToTensor(movingMean),
      );
      const v = smartCond(
        training,
        () => batchVariance,
        () => convertToTensor(movingVariance),
      );
      // Under a run-time `training` the update subtracts 0 when not training (the mean
      // and variance are then the moving ones), where TensorFlow's `cond` skips it.
      this.addUpdate(this.assignMovingAverage(movingMean, m, this.momentum));
      this.addUpdate(this.assignMovingAverage(movingVariance, v, this.momentum));
      mean = m;
      variance = v;
    }
    const outputs = batchNormalizationOps(
      inputs,
      broadcast(mean) as Tensor | Variable,
      broadcast(variance) as Tensor | Variable,
      offset,
      scale,
      this.epsilon,
    );
    outputs.setShape(inputShape);
    return outputs;
  }
}

declare(BatchNormalization, BN_P);

/**
 * `tf.nn.batch_normalization` (TensorFlow 1.15's op order, under `batchnorm/`):
 * `inv = rsqrt(variance + epsilon) * scale; x * inv + (offset - mean * inv)`.
 */
function batchNormalizationOps(
  x: Tensor,
  mean: Tensor | Variable,
  variance: Tensor | Variable,
  offset: Tensor | Variable | null,
  scale: Tensor | Variable | null,
  epsilon: number,
): Tensor {
  return nameScope("batchnorm", () => {
    let inv = rsqrt(pythonOperator("add", variance, epsilon));
    if (scale !== null) inv = pythonOperator("mul", inv, scale);
    const scaled = pythonOperator("mul", x, inv);
    const shift =
      offset !== null
        ? pythonOperator("sub", offset, pythonOperator("mul", mean, inv))
        : pythonOperator("mul", neg(mean), inv);
    return pythonOperator("add", scaled, shift);
  });
}

/**
 * Batch normalization (`tf.layers.batch_normalization`). With `training: true` the output
 * is normalized by the batch's statistics and two update ops are added to `UPDATE_OPS`;
 * run them with the training op (for example under `tf.controlDependencies`). `name`
 * names the variable scope (`batch_normalization`, `batch_normalization_1`, … without one),
 * and `reuse` shares the variables of an earlier layer of that name.
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 3]);
 * const y = tf.layers.batchNormalization(x, { training: true });
 * const loss = tf.reduceMean(tf.square(y));
 * const updateOps = tf.getDefaultGraph().getCollection<tf.Operation>(tf.GraphKeys.UPDATE_OPS);
 * const trainOp = tf.controlDependencies(updateOps, () => new tf.train.AdamOptimizer().minimize(loss));
 * trainOp.name; // ==> Adam
 * ```
 */
export const batchNormalization = declare((...args: CallArgs<typeof BN_FN_PARAMS>): Tensor => {
  const { inputs, training, reuse, ...layerOptions } = BN_FN_P.parse(args);
  checkUnsupported(BN_FN_P.fn, layerOptions);
  return applyFunctional(
    inputs,
    () => new BatchNormalization({ ...layerOptions, scope: layerOptions.name ?? null, reuse }),
    { training: training ?? false },
  );
}, BN_FN_P);
