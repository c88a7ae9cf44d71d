import type { Tensor } from "../graph/tensor.js";
import type { TensorShape } from "../graph/tensor_shape.js";
import { concat } from "../ops/array/concat.js";
import { constant } from "../ops/array/constant.js";
import { split } from "../ops/array/split.js";
import { zerosInitializer } from "../ops/init_ops.js";
import { add, multiply } from "../ops/math/binary.js";
import { matmul } from "../ops/math/matmul.js";
import { sigmoid } from "../ops/math/unary.js";
import { biasAdd } from "../ops/nn/bias_add.js";
import type { Variable } from "../variables/variable.js";
import { activationKind } from "../layers/activations.js";
import { InputSpec } from "../layers/base.js";
import { checkNumUnits } from "./basic_rnn_cell.js";
import {
  checkRnnCellInputDTypes,
  cellActivation,
  inputDepth,
  LayerRNNCell,
  reuseKind,
  type LSTMStateTuple,
} from "./rnn_cell.js";
import {
  booleanKind,
  declare,
  defineParams,
  dtypeKind,
  intKind,
  numberKind,
  opt,
  req,
  stringKind,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";

/**
 * TF 1.15's `BasicLSTMCell(num_units, forget_bias, state_is_tuple, activation, reuse, name,
 * dtype, **kwargs)`; of the keyword arguments, the layers' `trainable`.
 */
const BASIC_LSTM_CELL_PARAMS = [
  req("numUnits", intKind),
  opt("forgetBias", numberKind),
  opt("stateIsTuple", booleanKind),
  opt("activation", activationKind),
  opt("reuse", reuseKind),
  opt("name", stringKind),
  opt("dtype", dtypeKind),
  opt("trainable", booleanKind),
] as const;
const BASIC_LSTM_CELL_P = defineParams("nn.rnnCell.BasicLSTMCell", BASIC_LSTM_CELL_PARAMS);

/**
 * Options of {@link BasicLSTMCell}: `forgetBias` (added to the forget gate's
 * pre-activation, default `1.0`), `stateIsTuple` (`true`, default: the state is `{ c, h }`;
 * `false`: one `[batch, 2 * numUnits]` tensor, then type the cell as
 * `BasicLSTMCell<tf.Tensor>`), `activation` (default `tanh`) and the layer's.
 */
export type BasicLSTMCellOptions = OptionsOf<typeof BASIC_LSTM_CELL_PARAMS>;

/**
 * The basic LSTM cell (`tf.nn.rnn_cell.BasicLSTMCell`): one `kernel` of shape
 * `[inputDepth + numUnits, 4 * numUnits]` for the gates `i, j, f, o` (in that order) and
 * one zero-initialized `bias`; `forgetBias` is added to `f` when computing, not stored.
 * Variables `<scope>/basic_lstm_cell/kernel` and `…/bias`.
 *
 * @example
 * ```ts
 * const inputs = tf.unstack(tf.placeholder(tf.float32, [null, 5, 3]), { axis: 1 });
 * const cell = new tf.nn.rnnCell.BasicLSTMCell(32);
 * const [outputs, { c, h }] = tf.nn.staticRnn(cell, inputs, { dtype: tf.float32 });
 * outputs.length; // ==> 5
 * c.shape.toString(); // ==> (?, 32)
 * ```
 */
export class BasicLSTMCell<
  S extends LSTMStateTuple | Tensor = LSTMStateTuple,
> extends LayerRNNCell<S> {
  static override readonly className: string | undefined = "BasicLSTMCell";
  private readonly numUnits: number;
  private readonly forgetBias: number;
  private readonly stateIsTuple: boolean;
  private readonly activation: (x: Tensor) => Tensor;
  private kernel: Variable | null = null;
  private bias: Variable | null = null;

  constructor(...args: CallArgs<typeof BASIC_LSTM_CELL_PARAMS>) {
    const options = BASIC_LSTM_CELL_P.parse(args);
    const numUnits = options.numUnits;
    // Before the layer takes its name, so that a bad activation leaves the graph as it was.
    const activation = cellActivation(options.activation);
    super({
      reuse: options.reuse,
      name: options.name,
      dtype: options.dtype,
      trainable: options.trainable,
    });
    checkNumUnits(numUnits);
    this.inputSpec = new InputSpec({ ndim: 2 });
    this.numUnits = numUnits;
    this.forgetBias = options.forgetBias ?? 1.0;
    this.stateIsTuple = options.stateIsTuple ?? true;
    this.activation = activation;
  }

  get stateSize(): LSTMStateTuple<number> | number {
    return this.stateIsTuple ? { c: this.numUnits, h: this.numUnits } : 2 * this.numUnits;
  }

  get outputSize(): number {
    return this.numUnits;
  }

  override build(inputsShape: TensorShape): void {
    const depth = inputDepth(inputsShape);
    const hDepth = this.numUnits;
    this.kernel = this.addWeight("kernel", [depth + hDepth, 4 * this.numUnits]);
    this.bias = this.addWeight("bias", [4 * this.numUnits], {
      initializer: zerosInitializer({ dtype: this.dtype ?? "float32" }),
    });
    this.built = true;
  }

  /** One LSTM step: `[newH, { c: newC, h: newH }]`. */
  call(inputs: Tensor, state: S): [Tensor, S] {
    checkRnnCellInputDTypes([inputs, state]);
    const one = constant(1, { dtype: "int32" });
    let c: Tensor;
    let h: Tensor;
    if (this.stateIsTuple) {
      ({ c, h } = state as LSTMStateTuple);
    } else {
      [c, h] = split(state as Tensor, 2, { axis: one }) as [Tensor, Tensor];
    }
    let gateInputs = matmul(concat([inputs, h], 1), this.kernel as Variable);
    gateInputs = biasAdd(gateInputs, this.bias as Variable);
    // i = input_gate, j = new_input, f = forget_gate, o = output_gate
    const [i, j, f, o] = split(gateInputs, 4, { axis: one }) as [Tensor, Tensor, Tensor, Tensor];
    const forgetBiasTensor = constant(this.forgetBias, { dtype: f.dtype });
    const newC = add(
      multiply(c, sigmoid(add(f, forgetBiasTensor))),
      multiply(sigmoid(i), this.activation(j)),
    );
    const newH = multiply(this.activation(newC), sigmoid(o));
    const newState = this.stateIsTuple ? { c: newC, h: newH } : concat([newC, newH], 1);
    return [newH, newState as S];
  }
}

declare(BasicLSTMCell, BASIC_LSTM_CELL_P);
