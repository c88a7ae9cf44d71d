import type { Tensor } from "../graph/tensor.js";
import type { TensorShape } from "../graph/tensor_shape.js";
import { concat } from "../ops/array/concat.js";
import { zerosInitializer } from "../ops/init_ops.js";
import { matmul } from "../ops/math/matmul.js";
import { biasAdd } from "../ops/nn/bias_add.js";
import type { Variable } from "../variables/variable.js";
import {
  checkRnnCellInputDTypes,
  getActivation,
  inputDepth,
  LayerRNNCell,
  type Activation,
  type RNNCellOptions,
} from "./rnn_cell.js";

/** Options of {@link BasicRNNCell}. */
export interface BasicRNNCellOptions extends RNNCellOptions {
  /** The nonlinearity (default `tanh`). */
  activation?: Activation | null;
}

/**
 * The most basic RNN cell (`tf.nn.rnn_cell.BasicRNNCell`): `output = newState =
 * act([inputs, state] · kernel + bias)`, with `kernel` of shape `[inputDepth + numUnits,
 * numUnits]` and `bias` (zeros) of `[numUnits]`, named `<scope>/basic_rnn_cell/kernel` and
 * `…/bias`.
 *
 * @example
 * ```ts
 * const inputs = tf.unstack(tf.placeholder(tf.float32, [null, 5, 3]), { axis: 1 });
 * const cell = new tf.nn.rnnCell.BasicRNNCell(16);
 * tf.nn.staticRnn(cell, inputs, { dtype: tf.float32 });
 * tf.globalVariables().map((v) => v.name).join(", "); // ==> rnn/basic_rnn_cell/kernel:0, rnn/basic_rnn_cell/bias:0
 * ```
 */
export class BasicRNNCell extends LayerRNNCell<Tensor> {
  private readonly numUnits: number;
  private readonly activation: (x: Tensor) => Tensor;
  private kernel: Variable | null = null;
  private bias: Variable | null = null;

  constructor(numUnits: number, options: BasicRNNCellOptions = {}) {
    super(options);
    checkNumUnits(numUnits);
    this.inputNdim = 2;
    this.numUnits = numUnits;
    this.activation = getActivation(options.activation);
  }

  protected override get className(): string {
    return "BasicRNNCell";
  }

  get stateSize(): number {
    return this.numUnits;
  }

  get outputSize(): number {
    return this.numUnits;
  }

  override build(inputsShape: TensorShape): void {
    const depth = inputDepth(inputsShape);
    this.kernel = this.addWeight("kernel", [depth + this.numUnits, this.numUnits]);
    this.bias = this.addWeight("bias", [this.numUnits], {
      initializer: zerosInitializer({ dtype: this.dtype ?? "float32" }),
    });
    this.built = true;
  }

  /** `output = new_state = act(W * input + U * state + B)`. */
  call(inputs: Tensor, state: Tensor): [Tensor, Tensor] {
    checkRnnCellInputDTypes([inputs, state]);
    let gateInputs = matmul(concat([inputs, state], 1), this.kernel as Variable);
    gateInputs = biasAdd(gateInputs, this.bias as Variable);
    const output = this.activation(gateInputs);
    return [output, output];
  }
}

/** Cells take a positive integer `numUnits`. */
export function checkNumUnits(numUnits: unknown): void {
  if (typeof numUnits !== "number" || !Number.isInteger(numUnits) || numUnits <= 0) {
    throw new TypeError(`num_units must be a positive integer, got ${String(numUnits)}.`);
  }
}
