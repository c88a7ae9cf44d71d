import { ValueError } from "../errors.js";
import { asDType, type DType } from "../graph/dtypes.js";
import { Tensor, type TensorLike } from "../graph/tensor.js";
import type { Dim, TensorShape } from "../graph/tensor_shape.js";
import { cast } from "../ops/array/cast.js";
import { where } from "../ops/array/where.js";
import { convertToTensor } from "../ops/convert.js";
import { greaterEqual, lessEqual } from "../ops/math/binary.js";
import { withDefaultGraph } from "../graph/graph.js";
import { graphFromValues } from "../scope/name_scope.js";
import { VariableScope, variableScope } from "../scope/variable_scope.js";
import { assertSameStructure, flatten, mapStructure, packSequenceAs } from "../graph/nest.js";
import {
  batchDimOf,
  RNNCell,
  scopeKind,
  sizeDims,
  stateKind,
  zerosWithBatch,
  type StateSize,
} from "./rnn_cell.js";
import {
  anyKind,
  defineParams,
  dtypeKind,
  opt,
  req,
  tensorKind,
  declare,
  type CallArgs,
  type Kind,
  type OptionsOf,
} from "../graph/call_args.js";

/** A cell argument: checked by `assertLikeRnnCell`, with TF's message. */
export function cellKind<S>(): Kind<RNNCell<S> | CellLike<S>> {
  return anyKind<RNNCell<S> | CellLike<S>>("an RNNCell", false);
}

const STATIC_RNN_NAMES = [
  "cell",
  "inputs",
  "initialState",
  "dtype",
  "sequenceLength",
  "scope",
] as const;

/** TF 1.15's `static_rnn(cell, inputs, initial_state, dtype, sequence_length, scope)`, after `inputs`. */
function staticRnnRest<S>() {
  return [
    opt("initialState", stateKind<S>(STATIC_RNN_NAMES)),
    opt("dtype", dtypeKind),
    opt("sequenceLength", tensorKind),
    opt("scope", scopeKind),
  ] as const;
}

const STATIC_RNN_P = defineParams("nn.staticRnn", [
  req("cell", cellKind<unknown>()),
  req("inputs", anyKind<readonly Tensor[]>("a list of Tensors", false)),
  ...staticRnnRest<unknown>(),
] as const);

/**
 * Options of {@link staticRnn} after `cell` and `inputs`: `initialState` (default: the
 * cell's zero state, then `dtype` is required), `dtype`, `sequenceLength` (int vector
 * `[batch]`: past its length a row's output is zeros and its state is carried through
 * unchanged), `scope` (a name or a captured scope; default `"rnn"`).
 */
export type StaticRnnOptions<S> = OptionsOf<ReturnType<typeof staticRnnRest<S>>>;

/** What `staticRnn` and `dynamicRnn` need of a cell (`assert_like_rnncell`). */
export interface CellLike<S> {
  readonly stateSize: unknown;
  readonly outputSize: unknown;
  zeroState?(batchSize: number | Tensor, dtype: DType): S;
  getInitialState?(options: { batchSize: number | Tensor; dtype: DType }): S;
  call(inputs: Tensor, state: S): [Tensor, S];
}

/** `rnn_cell_impl.assert_like_rnncell`: a `TypeError` naming what the object lacks. */
export function assertLikeRnnCell(cellName: string, cell: unknown): void {
  const c = (typeof cell === "object" && cell !== null ? cell : {}) as Record<string, unknown>;
  const conditions: [boolean, string][] = [
    ["outputSize" in c, "'output_size' property is missing"],
    ["stateSize" in c, "'state_size' property is missing"],
    [
      typeof c.getInitialState === "function" || typeof c.zeroState === "function",
      "either 'zero_state' or 'get_initial_state' method is required",
    ],
    [typeof c.call === "function", "is not callable"],
  ];
  const errors = conditions.filter(([ok]) => !ok).map(([, message]) => message);
  if (errors.length > 0) {
    throw new TypeError(
      `The argument '${cellName}' (${String(cell)}) is not an RNNCell: ${errors.join(", ")}.`,
    );
  }
}

export function withRankAtLeast(shape: TensorShape, rank: number): Dim[] | null {
  if (shape.dims === null) return null;
  if (shape.dims.length < rank) {
    throw new ValueError(`Shape ${shape.toString()} must have rank at least ${rank}`);
  }
  return shape.dims.slice();
}

/** `_infer_state_dtype`: the explicit dtype, else the one dtype of the state's tensors. */
export function inferStateDType(explicit: DType | null, state: unknown): DType {
  if (explicit !== null) return explicit;
  const dtypes = flatten<unknown>(state).map((t) => (t instanceof Tensor ? t.dtype : null));
  if (dtypes.length === 0) throw new ValueError("Unable to infer dtype from empty state.");
  if (dtypes.some((d) => d !== dtypes[0])) {
    throw new ValueError(
      "State has tensors of different inferred_dtypes. Unable to infer a single representative dtype.",
    );
  }
  return (dtypes[0] ?? "float32") as DType;
}

/** The static batch dimension and the batch size to build zeros with. */
function batchOf(inputs: readonly unknown[]): { fixed: Dim; batchSize: number | Tensor } {
  const flat = flatten<unknown>(inputs);
  for (const t of flat) {
    if (!(t instanceof Tensor)) {
      throw new TypeError(`staticRnn: every input must be a Tensor, got ${String(t)}.`);
    }
  }
  const tensors = flat as Tensor[];
  const first = tensors[0] as Tensor;
  let fixed: Dim;
  if (first.shape.rank !== 1) {
    const dims = withRankAtLeast(first.shape, 2);
    fixed = dims === null ? null : (dims[0] ?? null);
    for (const input of tensors) {
      const d = withRankAtLeast(input.shape, 2);
      if (d === null) {
        throw new ValueError(
          "Input size (dimension 0 of inputs) must be accessible via shape inference, but saw value None.",
        );
      }
      const batch = d[0] ?? null;
      if (fixed !== null && batch !== null && fixed !== batch) {
        throw new ValueError(`Dimensions ${fixed} and ${batch} are not compatible`);
      }
      d.slice(1).forEach((size, i) => {
        if (size === null) {
          throw new ValueError(
            `Input size (dimension ${i} of inputs) must be accessible via shape inference, but saw value None.`,
          );
        }
      });
    }
  } else {
    fixed = (first.shape.dims as Dim[])[0] ?? null;
  }
  return { fixed, batchSize: fixed ? fixed : batchDimOf(first) };
}

/**
 * One step with `sequenceLength` (TensorFlow's `_rnn_step`): rows whose sequence has ended
 * (`time >= sequenceLength`) get the zero output and keep their previous state, through
 * `Select` ops. TensorFlow wraps this in `cond`s that skip the cell once every sequence
 * has ended; here the selects run at every step (its `skip_conditionals` form), which
 * gives the same values.
 */
export function rnnStep<S>(
  time: number | Tensor,
  sequenceLength: Tensor,
  zeroOutput: unknown,
  state: S,
  callCell: () => [Tensor, S],
): [Tensor, S] {
  const flatState = flatten<Tensor>(state);
  const flatZeroOutput = flatten<Tensor>(zeroOutput);
  // `time >= sequence_length`, as Python builds it: with a Python int `time` (static),
  // `sequence_length <= time`; with a tensor (dynamic), `GreaterEqual(time, ...)`.
  const copyCond =
    typeof time === "number" ? lessEqual(sequenceLength, time) : greaterEqual(time, sequenceLength);
  const copyOneThrough = (output: Tensor, newOutput: Tensor): Tensor => {
    if (output.shape.rank === 0) return newOutput;
    return where(copyCond, output, newOutput);
  };
  const [newOutput, newState] = callCell();
  assertSameStructure(zeroOutput, newOutput);
  assertSameStructure(state, newState);
  const flatNewOutput = flatten<Tensor>(newOutput);
  const flatNewState = flatten<Tensor>(newState);
  const finalOutput = flatZeroOutput.map((z, i) => copyOneThrough(z, flatNewOutput[i] as Tensor));
  const finalState = flatState.map((s, i) => copyOneThrough(s, flatNewState[i] as Tensor));
  finalOutput.forEach((o, i) => o.setShape((flatZeroOutput[i] as Tensor).shape));
  finalState.forEach((s, i) => s.setShape((flatState[i] as Tensor).shape));
  return [packSequenceAs<Tensor>(zeroOutput, finalOutput), packSequenceAs<S>(state, finalState)];
}

/**
 * Unrolls `cell` over a list of inputs (`tf.nn.static_rnn`): one cell call per time step,
 * in the variable scope `rnn` (or `scope`), creating the cell's weights at step 0 and
 * reusing them at every later step (`rnn/basic_lstm_cell/kernel`, one set for all steps).
 * Returns `[outputs, finalState]`.
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 5, 3]);
 * const inputs = tf.unstack(x, { axis: 1 });
 * inputs[0].shape.toString(); // ==> (?, 3)
 * const cell = new tf.nn.rnnCell.BasicLSTMCell(8);
 * const [outputs] = tf.nn.staticRnn(cell, inputs, { dtype: tf.float32 });
 * outputs.length; // ==> 5
 * ```
 */
export function staticRnn<S>(
  cell: RNNCell<S> | CellLike<S>,
  inputs: readonly Tensor[],
  ...rest: CallArgs<ReturnType<typeof staticRnnRest<S>>>
): [Tensor[], S];
export function staticRnn<S>(
  options: { cell: RNNCell<S> | CellLike<S>; inputs: readonly Tensor[] } & StaticRnnOptions<S>,
): [Tensor[], S];
export function staticRnn<S>(...args: unknown[]): [Tensor[], S] {
  const options = STATIC_RNN_P.parse(args) as StaticRnnArgs<S>;
  const { cell, inputs } = options;
  assertLikeRnnCell("cell", cell);
  if (!Array.isArray(inputs)) throw new TypeError("inputs must be a sequence");
  if (inputs.length === 0) throw new ValueError("inputs must not be empty");
  const c = cell as CellLike<S>;
  const dtype = options.dtype === undefined ? null : asDType(options.dtype);
  const graph = graphFromValues(flatten<unknown>(inputs));
  // All or nothing: a failure at any step leaves the graph (and the cell) as they were.
  return withDefaultGraph(graph, () => graph.atomically(() => unrolled(c, inputs, dtype, options)));
}

declare(staticRnn, STATIC_RNN_P);

/** Parsed arguments of {@link staticRnn}. */
interface StaticRnnArgs<S> {
  cell: RNNCell<S> | CellLike<S>;
  inputs: readonly Tensor[];
  initialState: S | undefined;
  dtype: DType | undefined;
  sequenceLength: TensorLike | undefined;
  scope: string | VariableScope | undefined;
}

function unrolled<S>(
  c: CellLike<S>,
  inputs: readonly Tensor[],
  dtype: DType | null,
  options: StaticRnnArgs<S>,
): [Tensor[], S] {
  return variableScope(options.scope || "rnn", (varscope) => {
    const { fixed, batchSize } = batchOf(inputs);
    let state: S;
    if (options.initialState !== undefined) {
      state = options.initialState;
    } else {
      if (dtype === null) {
        throw new ValueError("If no initial_state is provided, dtype must be specified");
      }
      state =
        typeof c.getInitialState === "function"
          ? c.getInitialState({ batchSize, dtype })
          : (c as Required<CellLike<S>>).zeroState(batchSize, dtype);
    }

    let sequenceLength: Tensor | null = null;
    let zeroOutput: unknown = null;
    if (options.sequenceLength !== undefined) {
      sequenceLength = convertToTensor(options.sequenceLength, {
        name: "sequence_length",
        preferredDtype: "int32",
      });
      const rank = sequenceLength.shape.rank;
      if (rank !== null && rank !== 1) {
        throw new ValueError("sequence_length must be a vector of length batch_size");
      }
      const outputDType = inferStateDType(dtype, state);
      zeroOutput = mapStructure<unknown, Tensor>((size) => {
        const dims = sizeDims(size as StateSize);
        const output = zerosWithBatch(batchSize, dims, outputDType);
        output.setShape([fixed, ...dims]);
        return output;
      }, c.outputSize);
      sequenceLength = cast(sequenceLength, "int32");
    }

    const outputs: Tensor[] = [];
    inputs.forEach((input, time) => {
      if (time > 0) varscope.reuseVariables();
      const callCell = (): [Tensor, S] => c.call(input, state);
      let output: Tensor;
      if (sequenceLength !== null) {
        [output, state] = rnnStep(time, sequenceLength, zeroOutput, state, callCell);
      } else {
        [output, state] = callCell();
      }
      outputs.push(output);
    });
    return [outputs, state] as [Tensor[], S];
  });
}
