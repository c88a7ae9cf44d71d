import { ValueError } from "../errors.js";
import { isFloating } from "../graph/dtypes.js";
import type { Tensor, TensorLike } from "../graph/tensor.js";
import { TensorShape, type ShapeLike } from "../graph/tensor_shape.js";
import { zerosInitializer } from "../ops/init_ops.js";
import { matmul } from "../ops/math/matmul.js";
import { elu, relu, sigmoid, softplus, tanh } from "../ops/math/unary.js";
import { biasAdd } from "../ops/nn/bias_add.js";
import { softmax } from "../ops/nn/softmax.js";
import type { Constraint, Initializer, InitializerFunction, Regularizer } from "../scope/types.js";
import type { Variable } from "../variables/variable.js";
import {
  applyFunctional,
  dimAt,
  InputSpec,
  Layer,
  resolveActivation,
  type Activation,
  type ApplyOptions,
  type LayerOptions,
} from "./base.js";
import { tensordotLastFirst } from "./tensordot.js";

/** The ops Keras's activation names stand for. */
export const ACTIVATIONS = {
  relu: (x: Tensor) => relu(x),
  tanh: (x: Tensor) => tanh(x),
  sigmoid: (x: Tensor) => sigmoid(x),
  softmax: (x: Tensor) => softmax(x),
  softplus: (x: Tensor) => softplus(x),
  elu: (x: Tensor) => elu(x),
};

/** Options of {@link Dense} and {@link dense}. */
export interface DenseOptions extends LayerOptions {
  /** Applied to the output: a function (`tf.nn.relu`) or a name (`"relu"`); none by default. */
  activation?: Activation;
  /** Add a bias vector (default `true`). */
  useBias?: boolean;
  /** The kernel's initializer; the variable scope's, else Glorot uniform. */
  kernelInitializer?: Initializer | InitializerFunction | null;
  /** The bias's initializer; zeros by default. */
  biasInitializer?: Initializer | InitializerFunction | null;
  kernelRegularizer?: Regularizer | null;
  biasRegularizer?: Regularizer | null;
  kernelConstraint?: Constraint | null;
  biasConstraint?: Constraint | null;
}

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
  static override readonly layerName: string | undefined = "dense";
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

  constructor(units: number, options: DenseOptions = {}) {
    super(options);
    if (!Number.isInteger(units) || units <= 0) {
      throw new ValueError(`units must be a positive integer, got ${String(units)}`);
    }
    this.units = units;
    this.activation = resolveActivation(options.activation, ACTIVATIONS);
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = options.kernelInitializer ?? null;
    this.biasInitializer =
      options.biasInitializer === undefined ? zerosInitializer() : options.biasInitializer;
    this.kernelRegularizer = options.kernelRegularizer ?? null;
    this.biasRegularizer = options.biasRegularizer ?? null;
    this.kernelConstraint = options.kernelConstraint ?? null;
    this.biasConstraint = options.biasConstraint ?? null;
    this.inputSpec = new InputSpec({ minNdim: 2 });
  }

  protected override build(inputShape: TensorShape): void {
    const dtype = this.dtype ?? "float32";
    if (!isFloating(dtype)) {
      throw new TypeError(
        `Unable to build \`Dense\` layer with non-floating point dtype <dtype: '${dtype}'>`,
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
export function dense(
  inputs: TensorLike,
  units: number,
  options: Omit<DenseOptions, "scope"> = {},
): Tensor {
  return applyFunctional(
    inputs,
    () => new Dense(units, { ...options, scope: options.name ?? null }),
  );
}
