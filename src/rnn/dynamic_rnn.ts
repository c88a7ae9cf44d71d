import { ValueError } from "../errors.js";
import { asDType, type DType } from "../graph/dtypes.js";
import { withDefaultGraph } from "../graph/graph.js";
import { Tensor, type TensorLike } from "../graph/tensor.js";
import { TensorShape, type Dim } from "../graph/tensor_shape.js";
import { cast } from "../ops/array/cast.js";
import { shape } from "../ops/array/shape.js";
import { constant } from "../ops/array/constant.js";
import { sliceHelper } from "../ops/array/strided_slice.js";
import { transpose } from "../ops/array/transpose.js";
import { TensorArray } from "../ops/control/tensor_array.js";
import { assertOp } from "../ops/control/case.js";
import { stack } from "../ops/array/stack.js";
import type { Operation } from "../graph/operation.js";
import { whileLoop } from "../ops/control/while_v1.js";
import { convertToTensor } from "../ops/convert.js";
import { equal, less, maximum, minimum } from "../ops/math/binary.js";
import { pythonOperator } from "../ops/math/operators.js";
import { reduceAll, reduceMax, reduceMin } from "../ops/math/reduce.js";
import { identity } from "../ops/math/unary.js";
import { graphFromValues, nameScope } from "../scope/name_scope.js";
import { variableScope, type VariableScope } from "../scope/variable_scope.js";
import { flatten, mapStructure, packSequenceAs, type Structure } from "../graph/nest.js";
import {
  scopeKind,
  sizeDims,
  stateKind,
  zerosWithBatch,
  type RNNCell,
  type StateSize,
} from "./rnn_cell.js";
import {
  booleanKind,
  declare,
  defineParams,
  dtypeKind,
  intKind,
  opt,
  req,
  tensorKind,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";
import {
  assertLikeRnnCell,
  cellKind,
  inferStateDType,
  rnnStep,
  withRankAtLeast,
  type CellLike,
} from "./static_rnn.js";

const DYNAMIC_RNN_NAMES = [
  "cell",
  "inputs",
  "sequenceLength",
  "initialState",
  "dtype",
  "parallelIterations",
  "swapMemory",
  "timeMajor",
  "scope",
] as const;

/**
 * TF 1.15's `dynamic_rnn(cell, inputs, sequence_length, initial_state, dtype,
 * parallel_iterations, swap_memory, time_major, scope)`, after `inputs`.
 */
function dynamicRnnRest<S>() {
  return [
    opt("sequenceLength", tensorKind),
    opt("initialState", stateKind<S>(DYNAMIC_RNN_NAMES)),
    opt("dtype", dtypeKind),
    opt("parallelIterations", intKind),
    opt("swapMemory", booleanKind),
    opt("timeMajor", booleanKind),
    opt("scope", scopeKind),
  ] as const;
}

/** The `inputs` of `dynamicRnn`: a tensor or a structure of them (a plain object too). */
export function rnnInputsKind(paramNames: readonly string[]) {
  return stateKind<TensorLike | Structure<TensorLike>>(
    paramNames,
    "a Tensor or a structure of Tensors",
  );
}

const DYNAMIC_RNN_P = defineParams("nn.dynamicRnn", [
  req("cell", cellKind<unknown>()),
  req("inputs", rnnInputsKind(DYNAMIC_RNN_NAMES)),
  ...dynamicRnnRest<unknown>(),
] as const);

/**
 * Options of {@link dynamicRnn} after `cell` and `inputs`: `sequenceLength` (int vector
 * `[batch]`: past its length a row's output is zeros and its state is carried through;
 * the loop stops after the longest sequence), `initialState` (default: the cell's zero
 * state, then `dtype` is required), `dtype`, `parallelIterations` (default 32, recorded on
 * the loop's `Enter`s: iterations run one after another, with the same values),
 * `swapMemory` (recorded: there is no GPU memory to swap), `timeMajor` (inputs and outputs
 * `[time, batch, depth]`), `scope` (a name or a captured scope; default `"rnn"`).
 */
export type DynamicRnnOptions<S> = OptionsOf<ReturnType<typeof dynamicRnnRest<S>>>;

/** Parsed arguments of {@link dynamicRnn}. */
interface DynamicRnnArgs<S> {
  cell: RNNCell<S> | CellLike<S>;
  inputs: TensorLike | Structure<TensorLike>;
  sequenceLength: TensorLike | undefined;
  initialState: S | undefined;
  dtype: DType | undefined;
  parallelIterations: number | undefined;
  swapMemory: boolean | undefined;
  timeMajor: boolean | undefined;
  scope: string | VariableScope | undefined;
}

/**
 * `parallel_iterations` as `dynamic_rnn` takes it: `0` or none is 32; a negative count is
 * `while_loop`'s error, raised before anything is built.
 */
export function checkLoopOptions(parallelIterations: number | undefined): number {
  const n = parallelIterations || 32;
  if (n < 1) throw new TypeError("parallel_iterations must be a positive integer.");
  return n;
}

/**
 * Runs `cell` over the time dimension of `inputs` in a loop (`tf.nn.dynamic_rnn`): the
 * cell is built once, inside the loop body, and its weights (`rnn/basic_lstm_cell/kernel`)
 * are shared by every time step. The number of steps is read at run time, so one graph
 * takes sequences of any length; with `sequenceLength`, rows stop at their own length.
 * Gradients flow back through the loop. Returns `[outputs, finalState]`: outputs
 * `[batch, time, units]` (`rnn/transpose_1:0`), the state as the cell shapes it
 * (`{c, h}` for LSTM cells: `rnn/while/Exit_3:0`, `rnn/while/Exit_4:0`).
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, null, 3]); // any batch, any length
 * const cell = new tf.nn.rnnCell.BasicLSTMCell(8);
 * const [outputs] = tf.nn.dynamicRnn(cell, x, { dtype: tf.float32 });
 * outputs.shape.toString(); // ==> (?, ?, 8)
 * ```
 */
export function dynamicRnn<S>(
  cell: RNNCell<S> | CellLike<S>,
  inputs: TensorLike | Structure<TensorLike>,
  ...rest: CallArgs<ReturnType<typeof dynamicRnnRest<S>>>
): [Tensor, S];
export function dynamicRnn<S>(
  options: {
    cell: RNNCell<S> | CellLike<S>;
    inputs: TensorLike | Structure<TensorLike>;
  } & DynamicRnnOptions<S>,
): [Tensor, S];
export function dynamicRnn<S>(...args: unknown[]): [Tensor, S] {
  const options = DYNAMIC_RNN_P.parse(args) as DynamicRnnArgs<S>;
  const { cell, inputs } = options;
  assertLikeRnnCell("cell", cell);
  const parallelIterations = checkLoopOptions(options.parallelIterations);
  const flatInputs = flatten<unknown>(inputs).map((x) => convertToTensor(x as TensorLike));
  if (flatInputs.length === 0) throw new ValueError("inputs must not be empty");
  const dtype = options.dtype === undefined ? null : asDType(options.dtype);
  const graph = graphFromValues(flatInputs);
  return withDefaultGraph(graph, () =>
    graph.atomically(() =>
      variableScope(options.scope || "rnn", () =>
        build(cell as CellLike<S>, inputs, flatInputs, dtype, { ...options, parallelIterations }),
      ),
    ),
  );
}

declare(dynamicRnn, DYNAMIC_RNN_P);

function build<S>(
  cell: CellLike<S>,
  inputs: unknown,
  flatBatchMajor: Tensor[],
  dtype: DType | null,
  options: DynamicRnnArgs<S>,
): [Tensor, S] {
  const timeMajor = options.timeMajor ?? false;
  const flatInput = timeMajor ? flatBatchMajor : flatBatchMajor.map(transposeBatchTime);

  let sequenceLength: Tensor | null = null;
  if (options.sequenceLength !== undefined) {
    const given = convertToTensor(options.sequenceLength, { preferredDtype: "int32" });
    const cast32 = cast(given, "int32");
    const rank = cast32.shape.rank;
    if (rank !== null && rank !== 1) {
      throw new ValueError(
        `sequence_length must be a vector of length batch_size, but saw shape: ${cast32.shape.toString()}`,
      );
    }
    sequenceLength = identity(cast32, { name: "sequence_length" });
  }

  const batchSize = bestEffortBatchSize(flatInput);
  let state: S;
  if (options.initialState !== undefined) {
    state = options.initialState;
  } else {
    if (dtype === null)
      throw new ValueError("If there is no initial_state, you must give a dtype.");
    state =
      typeof cell.getInitialState === "function"
        ? cell.getInitialState({ batchSize, dtype })
        : (cell as Required<CellLike<S>>).zeroState(batchSize, dtype);
  }
  if (sequenceLength !== null) {
    const staticBatch = typeof batchSize === "number" ? batchSize : null;
    const lengthDims = sequenceLength.shape.dims;
    const given = lengthDims === null ? null : (lengthDims[0] ?? null);
    // TensorFlow finds this only when the Assert below runs; both sizes are known here, so
    // the same words come while building, before anything is added.
    if (staticBatch !== null && given !== null && staticBatch !== given) {
      throw new ValueError(
        `Expected shape for Tensor ${sequenceLength.name} is [${staticBatch}] but saw shape: [${given}]`,
      );
    }
    const check = assertHasShape(sequenceLength, batchSize);
    const checked = sequenceLength;
    sequenceLength = checked.graph.controlDependencies([check], () =>
      identity(checked, { name: "CheckSeqLen" }),
    );
  }

  const [outputs, finalState] = dynamicRnnLoop(
    cell,
    inputs,
    flatInput,
    state,
    sequenceLength,
    dtype,
    options.parallelIterations ?? 32,
    options.swapMemory ?? false,
  );
  const flatOutputs = flatten<Tensor>(outputs).map((o) => (timeMajor ? o : transposeBatchTime(o)));
  return [packSequenceAs<Tensor>(cell.outputSize, flatOutputs), finalState];
}

/**
 * `_assert_has_shape(x, [batchSize])`: an `Assert` (`rnn/Assert/Assert`) failing the run
 * when `x`'s shape is not `[batchSize]`, with TensorFlow's message.
 */
function assertHasShape(x: Tensor, batchSize: number | Tensor): Operation {
  const xShape = shape(x);
  // A known batch size is Python's int there: an int32 constant (`stack` of constants).
  const packedShape =
    typeof batchSize === "number"
      ? constant([batchSize], { dtype: "int32", name: "stack" })
      : stack([batchSize]);
  return assertOp(
    reduceAll(equal(xShape, packedShape)),
    [`Expected shape for Tensor ${x.name} is `, packedShape, " but saw shape: ", xShape],
    3,
  );
}

/** `_transpose_batch_time`: swaps the first two dimensions (`rnn/transpose`). */
function transposeBatchTime(x: Tensor): Tensor {
  const dims = x.shape.dims;
  // As in TensorFlow, a rank below 2 passes through; the batch-size check reports it.
  if (dims !== null && dims.length < 2) return x;
  const rank = dims === null ? null : dims.length;
  if (rank === null) {
    throw new ValueError(`dynamicRnn needs inputs of known rank, got ${x.toString()}`);
  }
  const perm = [1, 0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
  return transpose(x, { perm });
}

/** `_best_effort_input_batch_size`: the static batch size, else `shape(input)[1]`. */
function bestEffortBatchSize(flatInput: Tensor[]): number | Tensor {
  for (const input of flatInput) {
    const dims = input.shape.dims;
    if (dims === null) continue;
    if (dims.length < 2) {
      throw new ValueError(`Expected input tensor ${input.toString()} to have rank at least 2`);
    }
    const batch = dims[1] ?? null;
    if (batch !== null) return batch;
  }
  // A [time, batch, ...] input: the batch is its second dimension.
  return sliceHelper(shape(flatInput[0] as Tensor), [1]);
}

function dynamicRnnLoop<S>(
  cell: CellLike<S>,
  inputs: unknown,
  flatInput: Tensor[],
  initialState: S,
  sequenceLength: Tensor | null,
  dtype: DType | null,
  parallelIterations: number,
  swapMemory: boolean,
): [unknown, S] {
  const flatOutputSize = flatten<StateSize>(cell.outputSize);
  const timeSteps = sliceHelper(shape(flatInput[0] as Tensor), [0]);
  const batchSize = bestEffortBatchSize(flatInput);
  const gotShapes = flatInput.map((input) => withRankAtLeast(input.shape, 3));
  const first = gotShapes[0] ?? null;
  const constTime: Dim = first === null ? null : (first[0] ?? null);
  const constBatch: Dim = first === null ? null : (first[1] ?? null);
  for (const dims of gotShapes) {
    if (dims === null || dims.slice(2).some((d) => d === null)) {
      throw new ValueError(
        "Input size (depth of inputs) must be accessible via shape inference, but saw value None.",
      );
    }
    if ((dims[0] ?? null) !== constTime) {
      throw new ValueError(
        "Time steps is not the same for all the elements in the input in a batch.",
      );
    }
    if ((dims[1] ?? null) !== constBatch) {
      throw new ValueError("Batch_size is not the same for all the elements in the input.");
    }
  }

  const outputDType = inferStateDType(dtype, initialState);
  let zeroOutput: unknown = null;
  let maxSequenceLength: Tensor = timeSteps;
  if (sequenceLength !== null) {
    zeroOutput = mapStructure<unknown, Tensor>((size) => {
      const dims = sizeDims(size as StateSize);
      const output = zerosWithBatch(batchSize, dims, outputDType);
      output.setShape([constBatch, ...dims]);
      return output;
    }, cell.outputSize);
    reduceMin(sequenceLength);
    maxSequenceLength = reduceMax(sequenceLength);
  }
  const time = constant(0, { dtype: "int32", name: "time" });
  const baseName = nameScope("dynamic_rnn", (scope) => scope);
  const createTa = (name: string, elementShape: TensorShape, taDType: DType): TensorArray =>
    new TensorArray(taDType, {
      size: timeSteps,
      elementShape,
      tensorArrayName: baseName + name,
    });
  const outputTa = flatOutputSize.map((size, i) =>
    createTa(`output_${i}`, new TensorShape([constBatch, ...sizeDims(size)]), outputDType),
  );
  const inputTa = flatInput
    .map((x, i) => {
      const dims = x.shape.dims;
      return createTa(
        `input_${i}`,
        dims === null ? TensorShape.unknown() : new TensorShape(dims.slice(1)),
        x.dtype,
      );
    })
    .map((ta, i) => ta.unstack(flatInput[i] as Tensor));

  const stateStructure = initialState;
  const timeStep = (t: Tensor, outputTaT: TensorArray[], state: S): unknown[] => {
    const inputT = inputTa.map((ta, i) => {
      const x = ta.read(t);
      x.setShape((gotShapes[i] as Dim[]).slice(1));
      return x;
    });
    const packedInput = packSequenceAs<Tensor>(inputs, inputT);
    const callCell = (): [Tensor, S] => cell.call(packedInput, state);
    const [output, newState] =
      sequenceLength !== null
        ? rnnStep(t, sequenceLength, zeroOutput, state, callCell)
        : callCell();
    const flatOutput = flatten<Tensor>(output);
    const written = outputTaT.map((ta, i) => ta.write(t, flatOutput[i] as Tensor));
    return [pythonOperator("add", t, 1), written, newState];
  };
  // Run at least one step, as TensorFlow does, so that the TensorArrays get their shape.
  const loopBound = minimum(timeSteps, maximum(1, maxSequenceLength));
  const [, finalTa, finalState] = whileLoop(
    (t: Tensor) => less(t, loopBound),
    timeStep as (...args: never[]) => unknown,
    [time, outputTa, stateStructure],
    { parallelIterations, maximumIterations: timeSteps, swapMemory },
  ) as [Tensor, TensorArray[], S];

  const finalOutputs = finalTa.map((ta, i) => {
    const out = ta.stack();
    out.setShape([constTime, constBatch, ...sizeDims(flatOutputSize[i] as StateSize)]);
    return out;
  });
  return [packSequenceAs<unknown>(cell.outputSize, finalOutputs), finalState];
}
