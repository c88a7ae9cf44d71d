import { ValueError } from "../errors.js";
import { isFloating } from "../graph/dtypes.js";
import { pyDType } from "../graph/pyformat.js";
import type { Tensor } from "../graph/tensor.js";
import { TensorShape, type ShapeLike } from "../graph/tensor_shape.js";
import { zerosInitializer } from "../ops/init_ops.js";
import { matmul } from "../ops/math/matmul.js";
import { biasAdd } from "../ops/nn/bias_add.js";
import type { Constraint, Initializer, InitializerFunction, Regularizer } from "../scope/types.js";
import {
  declare,
  defineParams,
  keywordOnlyAfter,
  numberKind,
  opt,
  req,
  tensorKind,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";
import type { Variable } from "../variables/variable.js";
import {
  applyFunctional,
  dimAt,
  InputSpec,
  Layer,
  KERNEL_LAYER_ARGS,
  LAYER_KWARGS,
  reuseKind,
  type ApplyOptions,
} from "./base.js";
import { getActivation } from "./activations.js";
import { tensordotLastFirst } from "../ops/linalg/tensordot.js";

/**
 * What `tf.layers.Dense` and `tf.layers.dense` share, in TF 1.15's order: `units`, then
 * `activation` (a function such as `tf.nn.relu`, or a name such as `"relu"`; none by
 * default), `useBias` (`true`), the kernel's and bias's initializers (the variable scope's,
 * else Glorot uniform; zeros for the bias), regularizers and constraints.
 */
const DENSE_ARGS = [req("units", numberKind), ...KERNEL_LAYER_ARGS] as const;

/** TF 1.15's `Dense(units, activation, …, trainable, name, **kwargs)`. */
const DENSE_PARAMS = [...DENSE_ARGS, ...LAYER_KWARGS] as const;
const DENSE_P = keywordOnlyAfter(defineParams("layers.Dense", DENSE_PARAMS), DENSE_ARGS.length);

/** TF 1.15's `dense(inputs, units, activation, …, trainable, name, reuse)`. */
const DENSE_FN_PARAMS = [
  req("inputs", tensorKind),
  ...DENSE_ARGS,
  opt("reuse", reuseKind),
] as const;
const DENSE_FN_P = defineParams("layers.dense", DENSE_FN_PARAMS);

/** The options object of {@link Dense}. */
export type DenseOptions = OptionsOf<typeof DENSE_PARAMS>;

/**
 * A densely-connected layer (`tf.layers.Dense`): `activation(inputs · kernel + bias)`,
 * with variables `kernel` (`[inputDim, units]`) and `bias` (`[units]`) and ops `MatMul`,
 * `BiasAdd` and the activation's in the layer's name scope. Inputs of rank > 2 are
 * contracted on their last axis (`Tensordot`).
 *
 * @example
 * ```ts
 * const layer = new tf.layers.Dense(10, { activation: tf.nn.relu });
 * const y = layer.apply(tf.placeholder(tf.float32, [null, 4]));
 * y.name; // ==> dense/Relu:0
 * layer.kernel.name; // ==> dense/kernel:0
 * ```
 */
export class Dense extends Layer {
  static override readonly className: string | undefined = "Dense";
  readonly units: number;
  readonly activation: ((x: Tensor) => Tensor) | null;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer | InitializerFunction | null;
  readonly biasInitializer: Initializer | InitializerFunction | null;
  readonly kernelRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  readonly kernelConstraint: Constraint | null;
  readonly biasConstraint: Constraint | null;
  /** The weight matrix, once built. */
  kernel: Variable | null = null;
  /** The bias vector, once built (`null` without `useBias`). */
  bias: Variable | null = null;

  constructor(...args: CallArgs<typeof DENSE_PARAMS>) {
    const a = DENSE_P.parse(args);
    // Before the layer takes its name, so that a bad activation or `units` leaves the graph
    // as it was.
    const activation = getActivation(a.activation);
    const units = a.units;
    if (!Number.isInteger(units) || units <= 0) {
      throw new ValueError(`units must be a positive integer, got ${String(units)}`);
    }
    super({
      trainable: a.trainable,
      name: a.name,
      dtype: a.dtype,
      activityRegularizer: a.activityRegularizer,
      scope: a.scope,
      reuse: a.reuse,
    });
    this.units = units;
    this.activation = activation;
    this.useBias = a.useBias ?? true;
    this.kernelInitializer = a.kernelInitializer ?? null;
    // `biasInitializer: null` (Python's None) is the variable scope's initializer.
    this.biasInitializer = a.biasInitializer === undefined ? zerosInitializer() : a.biasInitializer;
    this.kernelRegularizer = a.kernelRegularizer ?? null;
    this.biasRegularizer = a.biasRegularizer ?? null;
    this.kernelConstraint = a.kernelConstraint ?? null;
    this.biasConstraint = a.biasConstraint ?? null;
    this.inputSpec = new InputSpec({ minNdim: 2 });
  }

  protected override build(inputShape: TensorShape): void {
    const dtype = this.dtype ?? "float32";
    if (!isFloating(dtype)) {
      throw new TypeError(
        `Unable to build \`Dense\` layer with non-floating point dtype ${pyDType(dtype)}`,
      );
    }
    const last = dimAt(inputShape, -1);
    if (last === null) {
      throw new ValueError(
        "The last dimension of the inputs to `Dense` should be defined. Found `None`.",
      );
    }
    this.inputSpec = new InputSpec({ minNdim: 2, axes: { [-1]: last } });
    this.kernel = this.addWeight("kernel", [last, this.units], {
      initializer: this.kernelInitializer,
      regularizer: this.kernelRegularizer,
      constraint: this.kernelConstraint,
      dtype,
    });
    if (this.useBias) {
      this.bias = this.addWeight("bias", [this.units], {
        initializer: this.biasInitializer,
        regularizer: this.biasRegularizer,
        constraint: this.biasConstraint,
        dtype,
      });
    }
  }

  protected call(inputs: Tensor, _options: ApplyOptions): Tensor {
    const kernel = this.kernel as Variable;
    const rank = inputs.shape.rank as number;
    let outputs = rank > 2 ? tensordotLastFirst(inputs, kernel) : matmul(inputs, kernel);
    if (this.bias !== null) outputs = biasAdd(outputs, this.bias);
    return this.activation === null ? outputs : this.activation(outputs);
  }

  override computeOutputShape(inputShape: ShapeLike): TensorShape {
    const shape = TensorShape.from(inputShape);
    if (shape.rank === null || shape.rank < 2) {
      throw new ValueError(`Shape ${shape.toString()} must have rank at least 2`);
    }
    if (dimAt(shape, -1) === null) {
      throw new ValueError(
        `The innermost dimension of input_shape must be defined, but saw: ${shape.toString()}`,
      );
    }
    return new TensorShape([...(shape.dims ?? []).slice(0, -1), this.units]);
  }
}

declare(Dense, DENSE_P);

/**
 * The functional form of {@link Dense} (`tf.layers.dense`): `name` also names the
 * variable scope, so `tf.layers.dense(x, 3, { name: "fc", reuse: true })` shares `fc/kernel`
 * and `fc/bias` with an earlier `fc`. Without a name, variables go under `dense`, `dense_1`,
 * … (numbered per enclosing variable scope).
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 4]);
 * const h = tf.layers.dense(x, 8, { activation: tf.nn.relu });
 * const y = tf.layers.dense(h, 2);
 * h.name; // ==> dense/Relu:0
 * y.name; // ==> dense_1/BiasAdd:0
 * ```
 */
export const dense = declare((...args: CallArgs<typeof DENSE_FN_PARAMS>): Tensor => {
  const { inputs, reuse, ...a } = DENSE_FN_P.parse(args);
  return applyFunctional(inputs, () => new Dense({ ...a, scope: a.name ?? null, reuse }));
}, DENSE_FN_P);
