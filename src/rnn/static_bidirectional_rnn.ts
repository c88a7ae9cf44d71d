import { ValueError } from "../errors.js";
import { withDefaultGraph } from "../graph/graph.js";
import type { DType } from "../graph/dtypes.js";
import { Tensor, type TensorLike } from "../graph/tensor.js";
import { TensorShape } from "../graph/tensor_shape.js";
import { concat } from "../ops/array/concat.js";
import { reverseSequence } from "../ops/array/reverse.js";
import { stack, unstack } from "../ops/array/stack.js";
import { graphFromValues } from "../scope/name_scope.js";
import { variableScope, type VariableScope } from "../scope/variable_scope.js";
import { flatten, packSequenceAs } from "../graph/nest.js";
import { scopeKind, stateKind, type RNNCell } from "./rnn_cell.js";
import { assertLikeRnnCell, cellKind, staticRnn, type CellLike } from "./static_rnn.js";
import {
  anyKind,
  declare,
  defineParams,
  dtypeKind,
  opt,
  req,
  tensorKind,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";

const NAMES = [
  "cellFw",
  "cellBw",
  "inputs",
  "initialStateFw",
  "initialStateBw",
  "dtype",
  "sequenceLength",
  "scope",
] as const;

/**
 * TF 1.15's `static_bidirectional_rnn(cell_fw, cell_bw, inputs, initial_state_fw,
 * initial_state_bw, dtype, sequence_length, scope)`, after `inputs`.
 */
function staticBidirectionalRest<SF, SB>() {
  return [
    opt("initialStateFw", stateKind<SF>(NAMES)),
    opt("initialStateBw", stateKind<SB>(NAMES)),
    opt("dtype", dtypeKind),
    opt("sequenceLength", tensorKind),
    opt("scope", scopeKind),
  ] as const;
}

const STATIC_BIDIRECTIONAL_P = defineParams("nn.staticBidirectionalRnn", [
  req("cellFw", cellKind<unknown>()),
  req("cellBw", cellKind<unknown>()),
  req("inputs", anyKind<readonly Tensor[]>("a list of Tensors", false)),
  ...staticBidirectionalRest<unknown, unknown>(),
] as const);

/**
 * Options of {@link staticBidirectionalRnn} after the cells and `inputs`: those of
 * `staticRnn`, with `initialStateFw` and `initialStateBw` (default: each cell's zero state,
 * then `dtype` is required) for `initialState`.
 */
export type StaticBidirectionalRnnOptions<SF, SB> = OptionsOf<
  ReturnType<typeof staticBidirectionalRest<SF, SB>>
>;

/** Parsed arguments of {@link staticBidirectionalRnn}. */
interface Args<SF, SB> {
  cellFw: RNNCell<SF> | CellLike<SF>;
  cellBw: RNNCell<SB> | CellLike<SB>;
  inputs: readonly Tensor[];
  initialStateFw: SF | undefined;
  initialStateBw: SB | undefined;
  dtype: DType | undefined;
  sequenceLength: TensorLike | undefined;
  scope: string | VariableScope | undefined;
}

/**
 * `_reverse_seq`: the list reversed; with `lengths`, each row reversed over its own length
 * only (the steps stacked, `ReverseSequence` on axis 0, unstacked), so padding stays last.
 */
function reverseSeq(inputs: readonly Tensor[], lengths: TensorLike | undefined): Tensor[] {
  if (lengths === undefined) return inputs.slice().reverse();
  const flatInputs = inputs.map((x) => flatten<Tensor>(x));
  const flatResults: Tensor[][] = inputs.map(() => []);
  const leaves = (flatInputs[0] as Tensor[]).length;
  for (let j = 0; j < leaves; j++) {
    const sequence = flatInputs.map((f) => f[j] as Tensor);
    // Every step gets the shape all steps agree on, as TF merges them before stacking.
    const rank = (sequence[0] as Tensor).shape.rank;
    let merged = rank === null ? TensorShape.unknown() : TensorShape.unknownOfRank(rank);
    for (const x of sequence) {
      merged = merged.mergeWith(x.shape);
      x.setShape(merged);
    }
    const reversed = reverseSequence(stack(sequence), lengths, { seqAxis: 0, batchAxis: 1 });
    unstack(reversed).forEach((r, t) => {
      r.setShape(merged);
      (flatResults[t] as Tensor[]).push(r);
    });
  }
  return inputs.map((x, t) => packSequenceAs<Tensor>(x, flatResults[t] as Tensor[]));
}

/**
 * Runs `cellFw` over a list of inputs and `cellBw` over it reversed
 * (`tf.nn.static_bidirectional_rnn`), each by `staticRnn`, in the variable scopes
 * `bidirectional_rnn/fw` and `bidirectional_rnn/bw`. With `sequenceLength`, each row is
 * reversed over its own length only (`ReverseSequence`). Returns `[outputs, stateFw,
 * stateBw]`, each output the forward and backward outputs of its step concatenated on the
 * last axis (depth `fw + bw`).
 *
 * @example
 * ```ts
 * const inputs = tf.unstack(tf.placeholder(tf.float32, [null, 5, 3]), { axis: 1 });
 * const [outputs, stateFw] = tf.nn.staticBidirectionalRnn(
 *   new tf.nn.rnnCell.GRUCell(4), new tf.nn.rnnCell.GRUCell(6), inputs, { dtype: tf.float32 });
 * outputs[0].shape.toString(); // ==> (?, 10)
 * stateFw.shape.toString(); // ==> (?, 4)
 * ```
 */
export function staticBidirectionalRnn<SF, SB>(
  cellFw: RNNCell<SF> | CellLike<SF>,
  cellBw: RNNCell<SB> | CellLike<SB>,
  inputs: readonly Tensor[],
  ...rest: CallArgs<ReturnType<typeof staticBidirectionalRest<SF, SB>>>
): [Tensor[], SF, SB];
export function staticBidirectionalRnn<SF, SB>(
  options: {
    cellFw: RNNCell<SF> | CellLike<SF>;
    cellBw: RNNCell<SB> | CellLike<SB>;
    inputs: readonly Tensor[];
  } & StaticBidirectionalRnnOptions<SF, SB>,
): [Tensor[], SF, SB];
export function staticBidirectionalRnn<SF, SB>(...args: unknown[]): [Tensor[], SF, SB] {
  const options = STATIC_BIDIRECTIONAL_P.parse(args) as Args<SF, SB>;
  const { cellFw, cellBw, inputs } = options;
  assertLikeRnnCell("cell_fw", cellFw);
  assertLikeRnnCell("cell_bw", cellBw);
  if (!Array.isArray(inputs)) throw new TypeError("inputs must be a sequence");
  if (inputs.length === 0) throw new ValueError("inputs must not be empty");
  const graph = graphFromValues(flatten<unknown>(inputs));
  return withDefaultGraph(graph, () => graph.atomically(() => build(options)));
}

declare(staticBidirectionalRnn, STATIC_BIDIRECTIONAL_P);

function build<SF, SB>(options: Args<SF, SB>): [Tensor[], SF, SB] {
  const { cellFw, cellBw, inputs, dtype, sequenceLength } = options;
  const [[outputFw, stateFw], [tmp, stateBw]] = variableScope(
    options.scope || "bidirectional_rnn",
    () => {
      const fw = variableScope("fw", (fwScope) =>
        staticRnn(cellFw, inputs, {
          initialState: options.initialStateFw,
          dtype,
          sequenceLength,
          scope: fwScope,
        }),
      );
      const bw = variableScope("bw", (bwScope) =>
        staticRnn(cellBw, reverseSeq(inputs, sequenceLength), {
          initialState: options.initialStateBw,
          dtype,
          sequenceLength,
          scope: bwScope,
        }),
      );
      return [fw, bw] as const;
    },
  );
  // The reversal back and the concatenations sit outside `bidirectional_rnn`, as in TF.
  const outputBw = reverseSeq(tmp, sequenceLength);
  const flatFw = flatten<Tensor>(outputFw);
  const flatBw = flatten<Tensor>(outputBw);
  const flatOutputs = flatFw.map((fw, i) => concat([fw, flatBw[i] as Tensor], 1));
  return [packSequenceAs<Tensor[]>(outputFw, flatOutputs), stateFw, stateBw];
}
