import type { Tensor } from "../graph/tensor.js";
import type { TensorShape } from "../graph/tensor_shape.js";
import { concat } from "../ops/array/concat.js";
import { zerosInitializer } from "../ops/init_ops.js";
import { matmul } from "../ops/math/matmul.js";
import { biasAdd } from "../ops/nn/bias_add.js";
import type { Variable } from "../variables/variable.js";
import { activationKind } from "../layers/activations.js";
import { InputSpec } from "../layers/base.js";
import {
  checkRnnCellInputDTypes,
  cellActivation,
  inputDepth,
  LayerRNNCell,
  reuseKind,
} from "./rnn_cell.js";
import {
  booleanKind,
  declare,
  defineParams,
  dtypeKind,
  intKind,
  opt,
  req,
  stringKind,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";

/**
 * TF 1.15's `BasicRNNCell(num_units, activation, reuse, name, dtype, **kwargs)`; of the
 * keyword arguments, the layers' `trainable`.
 */
const BASIC_RNN_CELL_PARAMS = [
  req("numUnits", intKind),
  opt("activation", activationKind),
  opt("reuse", reuseKind),
  opt("name", stringKind),
  opt("dtype", dtypeKind),
  opt("trainable", booleanKind),
] as const;
const BASIC_RNN_CELL_P = defineParams("nn.rnnCell.BasicRNNCell", BASIC_RNN_CELL_PARAMS);

/** Options of {@link BasicRNNCell}: `activation` (default `tanh`) and the layer's. */
export type BasicRNNCellOptions = OptionsOf<typeof BASIC_RNN_CELL_PARAMS>;

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
  static override readonly className: string | undefined = "BasicRNNCell";
  private readonly numUnits: number;
  private readonly activation: (x: Tensor) => Tensor;
  private kernel: Variable | null = null;
  private bias: Variable | null = null;

  constructor(...args: CallArgs<typeof BASIC_RNN_CELL_PARAMS>) {
    const a = BASIC_RNN_CELL_P.parse(args);
    const numUnits = a.numUnits;
    // Before the layer takes its name, so that a bad activation leaves the graph as it was.
    const activation = cellActivation(a.activation);
    super({ reuse: a.reuse, name: a.name, dtype: a.dtype, trainable: a.trainable });
    checkNumUnits(numUnits);
    this.inputSpec = new InputSpec({ ndim: 2 });
    this.numUnits = numUnits;
    this.activation = activation;
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

declare(BasicRNNCell, BASIC_RNN_CELL_P);

/** Cells take a positive integer `numUnits`. */
export function checkNumUnits(numUnits: unknown): void {
  if (typeof numUnits !== "number" || !Number.isInteger(numUnits) || numUnits <= 0) {
    throw new TypeError(`num_units must be a positive integer, got ${String(numUnits)}.`);
  }
}
