import type { Tensor } from "../graph/tensor.js";
import type { TensorShape } from "../graph/tensor_shape.js";
import { concat } from "../ops/array/concat.js";
import { split } from "../ops/array/split.js";
import { constantInitializer, zerosInitializer } from "../ops/init_ops.js";
import { matmul } from "../ops/math/matmul.js";
import { pythonOperator } from "../ops/math/operators.js";
import { sigmoid } from "../ops/math/unary.js";
import { biasAdd } from "../ops/nn/bias_add.js";
import type { Initializer, InitializerFunction } from "../scope/types.js";
import type { Variable } from "../variables/variable.js";
import { activationKind } from "../layers/activations.js";
import { initializerKind, InputSpec } from "../layers/base.js";
import { checkNumUnits } from "./basic_rnn_cell.js";
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
 * TF 1.15's `GRUCell(num_units, activation, reuse, kernel_initializer, bias_initializer,
 * name, dtype, **kwargs)`; of the keyword arguments, the layers' `trainable`.
 */
const GRU_CELL_PARAMS = [
  req("numUnits", intKind),
  opt("activation", activationKind),
  opt("reuse", reuseKind),
  opt("kernelInitializer", initializerKind),
  opt("biasInitializer", initializerKind),
  opt("name", stringKind),
  opt("dtype", dtypeKind),
  opt("trainable", booleanKind),
] as const;
const GRU_CELL_P = defineParams("nn.rnnCell.GRUCell", GRU_CELL_PARAMS);

/**
 * Options of {@link GRUCell}: `activation` (the candidate's, default `tanh`),
 * `kernelInitializer` (both kernels; default the scope's, else Glorot uniform),
 * `biasInitializer` (both biases; default ones for the gates, zeros for the candidate) and
 * the layer's.
 */
export type GRUCellOptions = OptionsOf<typeof GRU_CELL_PARAMS>;

/**
 * The gated recurrent unit (`tf.nn.rnn_cell.GRUCell`). Weights `<scope>/gru_cell/gates/kernel`
 * (`[inputDepth + numUnits, 2 * numUnits]`, reset gate `r` then update gate `u`),
 * `…/gates/bias` (initialized to 1.0), `…/candidate/kernel` (`[inputDepth + numUnits,
 * numUnits]`) and `…/candidate/bias` (zeros). `newH = u * h + (1 - u) * act(candidate)`.
 *
 * @example
 * ```ts
 * const cell = new tf.nn.rnnCell.GRUCell(16);
 * cell.stateSize; // ==> 16
 * ```
 */
export class GRUCell extends LayerRNNCell<Tensor> {
  static override readonly className: string | undefined = "GRUCell";
  private readonly numUnits: number;
  private readonly activation: (x: Tensor) => Tensor;
  private readonly kernelInitializer: Initializer | InitializerFunction | null;
  private readonly biasInitializer: Initializer | InitializerFunction | null;
  private gateKernel: Variable | null = null;
  private gateBias: Variable | null = null;
  private candidateKernel: Variable | null = null;
  private candidateBias: Variable | null = null;

  constructor(...args: CallArgs<typeof GRU_CELL_PARAMS>) {
    const options = GRU_CELL_P.parse(args);
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
    this.activation = activation;
    this.kernelInitializer = options.kernelInitializer ?? null;
    this.biasInitializer = options.biasInitializer ?? null;
  }

  get stateSize(): number {
    return this.numUnits;
  }

  get outputSize(): number {
    return this.numUnits;
  }

  override build(inputsShape: TensorShape): void {
    const depth = inputDepth(inputsShape);
    const dtype = this.dtype ?? "float32";
    const n = this.numUnits;
    this.gateKernel = this.addWeight("gates/kernel", [depth + n, 2 * n], {
      initializer: this.kernelInitializer,
    });
    this.gateBias = this.addWeight("gates/bias", [2 * n], {
      initializer: this.biasInitializer ?? constantInitializer(1.0, { dtype }),
    });
    this.candidateKernel = this.addWeight("candidate/kernel", [depth + n, n], {
      initializer: this.kernelInitializer,
    });
    this.candidateBias = this.addWeight("candidate/bias", [n], {
      initializer: this.biasInitializer ?? zerosInitializer({ dtype }),
    });
    this.built = true;
  }

  /** One GRU step: `[newH, newH]`. */
  call(inputs: Tensor, state: Tensor): [Tensor, Tensor] {
    checkRnnCellInputDTypes([inputs, state]);
    let gateInputs = matmul(concat([inputs, state], 1), this.gateKernel as Variable);
    gateInputs = biasAdd(gateInputs, this.gateBias as Variable);
    const value = sigmoid(gateInputs);
    const [r, u] = split(value, 2, { axis: 1 }) as [Tensor, Tensor];
    const rState = r.mul(state);
    let candidate = matmul(concat([inputs, rState], 1), this.candidateKernel as Variable);
    candidate = biasAdd(candidate, this.candidateBias as Variable);
    const c = this.activation(candidate);
    // `u * state + (1 - u) * c`, in Python's evaluation order.
    const newH = u.mul(state).add(pythonOperator("sub", 1, u).mul(c));
    return [newH, newH];
  }
}

declare(GRUCell, GRU_CELL_P);
