import { ValueError } from "../errors.js";
import { withDefaultGraph } from "../graph/graph.js";
import type { Tensor, TensorLike } from "../graph/tensor.js";
import { reverse, reverseSequence } from "../ops/array/reverse.js";
import { convertToTensor } from "../ops/convert.js";
import { graphFromValues } from "../scope/name_scope.js";
import { variableScope } from "../scope/variable_scope.js";
import type { DType } from "../graph/dtypes.js";
import type { VariableScope } from "../scope/variable_scope.js";
import { checkLoopOptions, dynamicRnn, rnnInputsKind } from "./dynamic_rnn.js";
import { flatten, mapStructure, type Structure } from "../graph/nest.js";
import { scopeKind, stateKind, type RNNCell } from "./rnn_cell.js";
import { assertLikeRnnCell, cellKind, type CellLike } from "./static_rnn.js";
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

const BIDIRECTIONAL_NAMES = [
  "cellFw",
  "cellBw",
  "inputs",
  "sequenceLength",
  "initialStateFw",
  "initialStateBw",
  "dtype",
  "parallelIterations",
  "swapMemory",
  "timeMajor",
  "scope",
] as const;

/**
 * TF 1.15's `bidirectional_dynamic_rnn(cell_fw, cell_bw, inputs, sequence_length,
 * initial_state_fw, initial_state_bw, dtype, parallel_iterations, swap_memory, time_major,
 * scope)`, after `inputs`.
 */
function bidirectionalRest<SF, SB>() {
  return [
    opt("sequenceLength", tensorKind),
    opt("initialStateFw", stateKind<SF>(BIDIRECTIONAL_NAMES)),
    opt("initialStateBw", stateKind<SB>(BIDIRECTIONAL_NAMES)),
    opt("dtype", dtypeKind),
    opt("parallelIterations", intKind),
    opt("swapMemory", booleanKind),
    opt("timeMajor", booleanKind),
    opt("scope", scopeKind),
  ] as const;
}

const BIDIRECTIONAL_P = defineParams("nn.bidirectionalDynamicRnn", [
  req("cellFw", cellKind<unknown>()),
  req("cellBw", cellKind<unknown>()),
  req("inputs", rnnInputsKind(BIDIRECTIONAL_NAMES)),
  ...bidirectionalRest<unknown, unknown>(),
] as const);

/**
 * Options of {@link bidirectionalDynamicRnn} after the cells and `inputs`: those of
 * `dynamicRnn`, with `initialStateFw` and `initialStateBw` (default: each cell's zero
 * state) for `initialState`.
 */
export type BidirectionalDynamicRnnOptions<SF, SB> = OptionsOf<
  ReturnType<typeof bidirectionalRest<SF, SB>>
>;

/** Parsed arguments of {@link bidirectionalDynamicRnn}. */
interface BidirectionalArgs<SF, SB> {
  cellFw: RNNCell<SF> | CellLike<SF>;
  cellBw: RNNCell<SB> | CellLike<SB>;
  inputs: TensorLike | Structure<TensorLike>;
  sequenceLength: TensorLike | undefined;
  initialStateFw: SF | undefined;
  initialStateBw: SB | undefined;
  dtype: DType | undefined;
  parallelIterations: number | undefined;
  swapMemory: boolean | undefined;
  timeMajor: boolean | undefined;
  scope: string | VariableScope | undefined;
}

/**
 * Runs `cellFw` over the inputs and `cellBw` over them reversed in time
 * (`tf.nn.bidirectional_dynamic_rnn`), each by `dynamicRnn`, in the variable scopes
 * `bidirectional_rnn/fw` and `bidirectional_rnn/bw`. With `sequenceLength`, each row is
 * reversed over its own length only (`ReverseSequence`), so padding stays at the end.
 * Returns `[[outputFw, outputBw], [stateFw, stateBw]]`, the backward outputs put back in
 * forward time order.
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, null, 8]);
 * const [[fw, bw]] = tf.nn.bidirectionalDynamicRnn(
 *   new tf.nn.rnnCell.GRUCell(16), new tf.nn.rnnCell.GRUCell(16), x, { dtype: tf.float32 });
 * const outputs = tf.concat([fw, bw], 2);
 * outputs.shape.toString(); // ==> (?, ?, 32)
 * ```
 */
export function bidirectionalDynamicRnn<SF, SB>(
  cellFw: RNNCell<SF> | CellLike<SF>,
  cellBw: RNNCell<SB> | CellLike<SB>,
  inputs: TensorLike | Structure<TensorLike>,
  ...rest: CallArgs<ReturnType<typeof bidirectionalRest<SF, SB>>>
): [[Tensor, Tensor], [SF, SB]];
export function bidirectionalDynamicRnn<SF, SB>(
  options: {
    cellFw: RNNCell<SF> | CellLike<SF>;
    cellBw: RNNCell<SB> | CellLike<SB>;
    inputs: TensorLike | Structure<TensorLike>;
  } & BidirectionalDynamicRnnOptions<SF, SB>,
): [[Tensor, Tensor], [SF, SB]];
export function bidirectionalDynamicRnn<SF, SB>(...args: unknown[]): [[Tensor, Tensor], [SF, SB]] {
  const options = BIDIRECTIONAL_P.parse(args) as BidirectionalArgs<SF, SB>;
  const { cellFw, cellBw, inputs } = options;
  assertLikeRnnCell("cell_fw", cellFw);
  assertLikeRnnCell("cell_bw", cellBw);
  checkLoopOptions(options.parallelIterations);
  const flat = flatten<TensorLike>(inputs);
  if (flat.length === 0) throw new ValueError("inputs must not be empty");
  const graph = graphFromValues(flat);
  return withDefaultGraph(graph, () =>
    graph.atomically(() => build(cellFw, cellBw, inputs, options)),
  );
}

declare(bidirectionalDynamicRnn, BIDIRECTIONAL_P);

function build<SF, SB>(
  cellFw: RNNCell<SF> | CellLike<SF>,
  cellBw: RNNCell<SB> | CellLike<SB>,
  inputs: TensorLike | Structure<TensorLike>,
  options: BidirectionalArgs<SF, SB>,
): [[Tensor, Tensor], [SF, SB]] {
  const { sequenceLength, dtype, parallelIterations, swapMemory } = options;
  const shared = {
    sequenceLength,
    dtype,
    parallelIterations,
    swapMemory,
    timeMajor: options.timeMajor,
  };
  const { initialStateFw, initialStateBw, scope } = options;
  const timeMajor = options.timeMajor ?? false;
  const timeAxis = timeMajor ? 0 : 1;
  const batchAxis = timeMajor ? 1 : 0;
  const lengths = options.sequenceLength ?? null;
  const reverseTime = (x: Tensor): Tensor =>
    lengths !== null
      ? reverseSequence(x, lengths, { seqAxis: timeAxis, batchAxis })
      : reverse(x, [timeAxis]);

  const [[outputFw, stateFw], [reversedBw, stateBw]] = variableScope(
    scope || "bidirectional_rnn",
    () => {
      const fw = variableScope("fw", (fwScope) =>
        dynamicRnn(cellFw, inputs, { ...shared, initialState: initialStateFw, scope: fwScope }),
      );
      const bw = variableScope("bw", (bwScope) => {
        const reversed = mapStructure<TensorLike, Tensor>(
          (x) => reverseTime(convertToTensor(x)),
          inputs,
        );
        return dynamicRnn(cellBw, reversed, {
          ...shared,
          initialState: initialStateBw,
          scope: bwScope,
        });
      });
      return [fw, bw] as const;
    },
  );
  return [
    [outputFw, reverseTime(reversedBw)],
    [stateFw, stateBw],
  ];
}
