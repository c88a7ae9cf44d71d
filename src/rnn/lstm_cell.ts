import { ValueError } from "../errors.js";
import type { Tensor } from "../graph/tensor.js";
import type { TensorShape } from "../graph/tensor_shape.js";
import { concat } from "../ops/array/concat.js";
import { slice } from "../ops/array/slice.js";
import { split } from "../ops/array/split.js";
import { zerosInitializer } from "../ops/init_ops.js";
import { matmul } from "../ops/math/matmul.js";
import { sigmoid } from "../ops/math/unary.js";
import { biasAdd } from "../ops/nn/bias_add.js";
import type { Initializer, InitializerFunction } from "../scope/types.js";
import { clipByValue } from "../train/clip_ops.js";
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
 * TF 1.15's `LSTMCell(num_units, use_peepholes, cell_clip, initializer, num_proj,
 * proj_clip, num_unit_shards, num_proj_shards, forget_bias, state_is_tuple, activation,
 * reuse, name, dtype, **kwargs)`; of the keyword arguments, the layers' `trainable`.
 */
const LSTM_CELL_PARAMS = [
  req("numUnits", intKind),
  opt("usePeepholes", booleanKind),
  opt("cellClip", numberKind),
  opt("initializer", initializerKind),
  opt("numProj", intKind),
  opt("projClip", numberKind),
  opt("numUnitShards", intKind),
  opt("numProjShards", intKind),
  opt("forgetBias", numberKind),
  opt("stateIsTuple", booleanKind),
  opt("activation", activationKind),
  opt("reuse", reuseKind),
  opt("name", stringKind),
  opt("dtype", dtypeKind),
  opt("trainable", booleanKind),
] as const;
const LSTM_CELL_P = defineParams("nn.rnnCell.LSTMCell", LSTM_CELL_PARAMS);

/**
 * Options of {@link LSTMCell}: `usePeepholes` (diagonal connections from the cell state to
 * the gates), `cellClip` (clip the cell state to `[-cellClip, cellClip]` before the output
 * activation), `initializer` (of the kernel, peephole and projection weights), `numProj`
 * (project the output to this many units, a `projection/kernel` weight), `projClip` (clip
 * the projected output), `forgetBias` (default `1.0`), `stateIsTuple` (default `true`:
 * `{ c, h }`), `activation` (default `tanh`) and the layer's.
 */
export type LSTMCellOptions = OptionsOf<typeof LSTM_CELL_PARAMS>;

/**
 * The LSTM cell with optional peepholes, cell clipping and output projection
 * (`tf.nn.rnn_cell.LSTMCell`). Weights `<scope>/lstm_cell/kernel` (`[inputDepth + h,
 * 4 * numUnits]`, `h` = `numProj` or `numUnits`, gates `i, j, f, o`), `…/bias`, with
 * peepholes `…/w_f_diag`, `…/w_i_diag`, `…/w_o_diag`, with a projection
 * `…/projection/kernel` (`[numUnits, numProj]`). The state is `{ c, h }` with `h` of
 * `numProj` units when projecting.
 *
 * @example
 * ```ts
 * const cell = new tf.nn.rnnCell.LSTMCell(64, { numProj: 32, usePeepholes: true });
 * cell.outputSize; // ==> 32
 * ```
 */
export class LSTMCell<S extends LSTMStateTuple | Tensor = LSTMStateTuple> extends LayerRNNCell<S> {
  static override readonly className: string | undefined = "LSTMCell";
  private readonly numUnits: number;
  private readonly usePeepholes: boolean;
  private readonly cellClip: number | null;
  private readonly initializer: Initializer | InitializerFunction | null;
  private readonly numProj: number | null;
  private readonly projClip: number | null;
  private readonly forgetBias: number;
  private readonly stateIsTuple: boolean;
  private readonly activation: (x: Tensor) => Tensor;
  private kernel: Variable | null = null;
  private bias: Variable | null = null;
  private wFDiag: Variable | null = null;
  private wIDiag: Variable | null = null;
  private wODiag: Variable | null = null;
  private projKernel: Variable | null = null;

  constructor(...args: CallArgs<typeof LSTM_CELL_PARAMS>) {
    const options = LSTM_CELL_P.parse(args);
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
    // TF's shards split the weights into partitioned variables, which scopeflow lacks.
    for (const [key, value] of [
      ["num_unit_shards", options.numUnitShards],
      ["num_proj_shards", options.numProjShards],
    ] as const) {
      if (value !== undefined) {
        throw new ValueError(
          `LSTMCell: ${key}=${value} is not supported: scopeflow has no partitioned variables; leave it None.`,
        );
      }
    }
    this.inputSpec = new InputSpec({ ndim: 2 });
    this.numUnits = numUnits;
    this.usePeepholes = options.usePeepholes ?? false;
    this.cellClip = options.cellClip ?? null;
    this.initializer = options.initializer ?? null;
    this.numProj = options.numProj || null;
    if (this.numProj !== null) checkNumUnits(this.numProj);
    this.projClip = options.projClip ?? null;
    this.forgetBias = options.forgetBias ?? 1.0;
    this.stateIsTuple = options.stateIsTuple ?? true;
    this.activation = activation;
  }

  get stateSize(): LSTMStateTuple<number> | number {
    const h = this.numProj ?? this.numUnits;
    return this.stateIsTuple ? { c: this.numUnits, h } : this.numUnits + h;
  }

  get outputSize(): number {
    return this.numProj ?? this.numUnits;
  }

  override build(inputsShape: TensorShape): void {
    const depth = inputDepth(inputsShape);
    const hDepth = this.numProj ?? this.numUnits;
    const init = this.initializer;
    this.kernel = this.addWeight("kernel", [depth + hDepth, 4 * this.numUnits], {
      initializer: init,
    });
    this.bias = this.addWeight("bias", [4 * this.numUnits], {
      initializer: zerosInitializer({ dtype: this.dtype ?? "float32" }),
    });
    if (this.usePeepholes) {
      this.wFDiag = this.addWeight("w_f_diag", [this.numUnits], { initializer: init });
      this.wIDiag = this.addWeight("w_i_diag", [this.numUnits], { initializer: init });
      this.wODiag = this.addWeight("w_o_diag", [this.numUnits], { initializer: init });
    }
    if (this.numProj !== null) {
      this.projKernel = this.addWeight("projection/kernel", [this.numUnits, this.numProj], {
        initializer: init,
      });
    }
    this.built = true;
  }

  /** One LSTM step: `[m, { c, h: m }]`, `m` the (projected) output. */
  call(inputs: Tensor, state: S): [Tensor, S] {
    checkRnnCellInputDTypes([inputs, state]);
    const numProj = this.numProj ?? this.numUnits;
    let cPrev: Tensor;
    let mPrev: Tensor;
    if (this.stateIsTuple) {
      ({ c: cPrev, h: mPrev } = state as LSTMStateTuple);
    } else {
      cPrev = slice(state as Tensor, [0, 0], [-1, this.numUnits]);
      mPrev = slice(state as Tensor, [0, this.numUnits], [-1, numProj]);
    }
    inputs.shape.assertHasRank(2);
    const inputSize = (inputs.shape.dims as (number | null)[])[1] ?? null;
    if (inputSize === null) {
      throw new ValueError("Could not infer input size from inputs.get_shape()[-1]");
    }
    // i = input_gate, j = new_input, f = forget_gate, o = output_gate
    let lstmMatrix = matmul(concat([inputs, mPrev], 1), this.kernel as Variable);
    lstmMatrix = biasAdd(lstmMatrix, this.bias as Variable);
    const [i, j, f, o] = split(lstmMatrix, 4, { axis: 1 }) as [Tensor, Tensor, Tensor, Tensor];
    let c: Tensor;
    if (this.usePeepholes) {
      const wF = this.wFDiag as Variable;
      const wI = this.wIDiag as Variable;
      // Python's left-to-right order, so that ops are numbered as TensorFlow numbers them.
      c = sigmoid(f.add(this.forgetBias).add(wF.mul(cPrev)))
        .mul(cPrev)
        .add(sigmoid(i.add(wI.mul(cPrev))).mul(this.activation(j)));
    } else {
      c = sigmoid(f.add(this.forgetBias))
        .mul(cPrev)
        .add(sigmoid(i).mul(this.activation(j)));
    }
    if (this.cellClip !== null) c = clipByValue(c, -this.cellClip, this.cellClip);
    let m: Tensor;
    if (this.usePeepholes) {
      m = sigmoid(o.add((this.wODiag as Variable).mul(c))).mul(this.activation(c));
    } else {
      m = sigmoid(o).mul(this.activation(c));
    }
    if (this.projKernel !== null) {
      m = matmul(m, this.projKernel);
      if (this.projClip !== null) m = clipByValue(m, -this.projClip, this.projClip);
    }
    const newState = this.stateIsTuple ? { c, h: m } : concat([c, m], 1);
    return [m, newState as S];
  }
}

declare(LSTMCell, LSTM_CELL_P);
