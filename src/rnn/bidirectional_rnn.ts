import { ValueError } from "../errors.js";
import { withDefaultGraph } from "../graph/graph.js";
import type { Tensor, TensorLike } from "../graph/tensor.js";
import { reverse, reverseSequence } from "../ops/array/reverse.js";
import { convertToTensor } from "../ops/convert.js";
import { graphFromValues } from "../scope/name_scope.js";
import { variableScope } from "../scope/variable_scope.js";
import { dynamicRnn, type DynamicRnnOptions } from "./dynamic_rnn.js";
import { flatten, mapStructure, type Structure } from "./nest.js";
import type { RNNCell } from "./rnn_cell.js";
import { assertLikeRnnCell, type CellLike } from "./static_rnn.js";

/** Options of {@link bidirectionalDynamicRnn}. */
export interface BidirectionalDynamicRnnOptions<SF, SB> extends Omit<
  DynamicRnnOptions<SF>,
  "initialState"
> {
  /** The forward cell's initial state; default its zero state. */
  initialStateFw?: SF | null;
  /** The backward cell's initial state; default its zero state. */
  initialStateBw?: SB | null;
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
  options: BidirectionalDynamicRnnOptions<SF, SB> = {},
): [[Tensor, Tensor], [SF, SB]] {
  assertLikeRnnCell("cell_fw", cellFw);
  assertLikeRnnCell("cell_bw", cellBw);
  const flat = flatten<TensorLike>(inputs);
  if (flat.length === 0) throw new ValueError("inputs must not be empty");
  const graph = graphFromValues(flat);
  return withDefaultGraph(graph, () =>
    graph.atomically(() => build(cellFw, cellBw, inputs, options)),
  );
}

function build<SF, SB>(
  cellFw: RNNCell<SF> | CellLike<SF>,
  cellBw: RNNCell<SB> | CellLike<SB>,
  inputs: TensorLike | Structure<TensorLike>,
  options: BidirectionalDynamicRnnOptions<SF, SB>,
): [[Tensor, Tensor], [SF, SB]] {
  const { initialStateFw, initialStateBw, scope, ...shared } = options;
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
