import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import {
  alias,
  axisKind,
  intKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { registerOp } from "../registry.js";
import { attrsOf, declareOpDef } from "../op_def.js";
import { checkOpInputs } from "../input_types.js";
import { normalizeAxis, ShapeInference } from "../shape_utils.js";
import { constantInts, readInts } from "../tensor_util.js";

registerOp({
  type: "ReverseV2",
  opDef: {
    inputs: ["tensor: T", "axis: Tidx"],
    outputs: ["output: T"],
    attrs: [
      "Tidx: {int32, int64} = int32",
      "T: {uint8, int8, uint16, int16, int32, int64, bool, bfloat16, half, float, double, complex64, complex128, string}",
    ],
  },
  kernel: ([x, axis], op) => {
    const input = x as tfc.Tensor;
    const axes = (op.buildData._axis as number[] | null) ?? readInts(axis as tfc.Tensor);
    const dims = axes.map((a) => (a < 0 ? a + input.rank : a));
    return [dims.length === 0 ? tfc.clone(input) : tfc.reverse(input, dims)];
  },
});

/** TF 1.15's `reverse(tensor, axis, name=None)` (`reverse_v2`). */
const REVERSE_PARAMS = [
  req("tensor", tensorKind),
  req("axis", axisKind),
  opt("name", stringKind),
] as const;

/**
 * Reverses `tensor` along each axis of `axis` (`tf.reverse(tensor, axis, name)`, op
 * `ReverseV2` with the const `ReverseV2/axis`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.reverse(tf.constant([[1, 2, 3]]), [1])); // ==> [[3. 2. 1.]]
 * ```
 */
export const reverse = tfFunction("reverse", REVERSE_PARAMS, (args) =>
  inOpScope(args.name, "ReverseV2", [args.tensor, args.axis], (scope, graph) => {
    const x = convertToTensor(args.tensor, { name: "tensor" });
    const a = convertToTensor(args.axis, { name: "axis", preferredDtype: "int32" });
    checkOpInputs("ReverseV2", [x, a], {});
    const name = opNameOf(scope);
    const si = new ShapeInference(name, "ReverseV2", [x.shape, a.shape]);
    si.withRankAtMost(a.shape, 1);
    const axes = constantInts(a);
    if (axes !== null && x.shape.rank !== null) {
      const rank = x.shape.rank;
      const seen = new Set<number>();
      for (const given of axes) {
        const d = normalizeAxis(given, rank, name, "ReverseV2", [x.shape, a.shape]);
        if (seen.has(d)) si.fail(`axis ${d} specified more than once.`);
        seen.add(d);
      }
    }
    return makeOp(graph, "ReverseV2", scope, [x, a], [{ dtype: x.dtype, shape: x.shape }], {
      T: x.dtype,
      Tidx: a.dtype,
      _axis: axes,
    }).outputs[0] as Tensor;
  }),
);

/** TF's `ReverseSequence` signature; its kernel reads the attrs it types. */
const REVERSE_SEQUENCE_DEF = declareOpDef({
  inputs: ["input: T", "seq_lengths: Tlen"],
  outputs: ["output: T"],
  attrs: ["seq_dim: int", "batch_dim: int = 0", "T: type", "Tlen: {int32, int64} = int64"],
});

registerOp({
  type: "ReverseSequence",
  opDef: REVERSE_SEQUENCE_DEF,
  kernel: ([x, lengths], op) => {
    const input = x as tfc.Tensor;
    const { seq_dim: seqDim, batch_dim: batchDim } = attrsOf(op, REVERSE_SEQUENCE_DEF);
    const seqLengths = readInts(lengths as tfc.Tensor);
    const batch = input.shape[batchDim] as number;
    const steps = input.shape[seqDim] as number;
    if (seqLengths.length !== batch) {
      throw new Error(
        `Length of seq_lengths != input.dims(${batchDim}), (${seqLengths.length} vs. ${batch})`,
      );
    }
    seqLengths.forEach((len, b) => {
      if (len < 0) throw new Error(`seq_lengths(${b}): ${len} < 0`);
      if (len > steps) {
        throw new Error(`seq_lengths(${b}) > input.dims(${seqDim}), (${len} vs. ${steps})`);
      }
    });
    // One gather along the sequence axis per batch row would be B kernels; instead gather
    // all rows at once from a [batch, seq, rest] view with per-row reversed indices.
    if (input.size === 0) return [tfc.clone(input)];
    return [
      tfc.tidy(() => {
        const perm = [batchDim, seqDim, ...input.shape.keys()].filter(
          (d, i, all) => all.indexOf(d) === i,
        );
        const moved = tfc.transpose(input, perm);
        const indices = new Int32Array(batch * steps);
        seqLengths.forEach((len, b) => {
          for (let t = 0; t < steps; t++)
            indices[b * steps + t] = b * steps + (t < len ? len - 1 - t : t);
        });
        const flat = tfc.reshape(moved, [batch * steps, -1]);
        const gathered = tfc.gather(flat, tfc.tensor1d(indices, "int32"));
        const back = tfc.reshape(gathered, moved.shape);
        const inverse = perm.map((_, i) => perm.indexOf(i));
        return tfc.transpose(back, inverse);
      }),
    ];
  },
});

/**
 * TF 1.15's `reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None,
 * name=None, seq_dim=None, batch_dim=None)`.
 */
const REVERSE_SEQUENCE_PARAMS = [
  req("input", tensorKind),
  req("seqLengths", tensorKind),
  opt("seqAxis", intKind),
  opt("batchAxis", intKind),
  opt("name", stringKind),
  alias("seqDim", "seqAxis", intKind),
  alias("batchDim", "batchAxis", intKind),
] as const;

/** The options object of {@link reverseSequence} (any parameter by name). */
export type ReverseSequenceOptions = OptionsOf<typeof REVERSE_SEQUENCE_PARAMS>;

/**
 * Reverses the first `seqLengths[b]` elements along `seqAxis` of each slice `b` along
 * `batchAxis`, leaving the rest in place (`tf.reverse_sequence`, op `ReverseSequence`):
 * how `bidirectionalDynamicRnn` runs its backward direction over padded batches.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const x = tf.constant([[1, 2, 3], [4, 5, 6]]);
 * sess.run(tf.reverseSequence(x, [2, 3], { seqAxis: 1 })); // ==> [[2. 1. 3.]
 *                                                          //      [6. 5. 4.]]
 * ```
 */
export const reverseSequence = tfFunction(
  "reverseSequence",
  REVERSE_SEQUENCE_PARAMS,
  ({ input, seqLengths, ...options }) =>
    inOpScope(options.name, "ReverseSequence", [input, seqLengths], (scope, graph) => {
      const x = convertToTensor(input, { name: "input" });
      const lengths = convertToTensor(seqLengths, { name: "seq_lengths", preferredDtype: "int32" });
      checkOpInputs("ReverseSequence", [x, lengths], {});
      const seqDim = options.seqAxis;
      if (seqDim === undefined)
        throw new TypeError("Expected int for argument 'seq_dim' not None.");
      const batchDim = options.batchAxis ?? 0;
      const name = opNameOf(scope);
      const si = new ShapeInference(name, "ReverseSequence", [x.shape, lengths.shape]);
      const lengthDims = si.withRank(lengths.shape, 1);
      let out: TensorShape = x.shape;
      if (x.shape.dims !== null) {
        const rank = x.shape.dims.length;
        if (batchDim === seqDim) si.fail(`batch_dim == seq_dim == ${seqDim}`);
        if (seqDim >= rank) si.fail(`seq_dim must be < input rank: ${seqDim} vs. ${rank}`);
        if (batchDim >= rank) si.fail(`batch_dim must be < input rank: ${batchDim} vs. ${rank}`);
        const dims = x.shape.dims.slice();
        dims[batchDim] = si.mergeDim(dims[batchDim] as Dim, lengthDims[0] as Dim);
        out = new TensorShape(dims);
      }
      return makeOp(
        graph,
        "ReverseSequence",
        scope,
        [x, lengths],
        [{ dtype: x.dtype, shape: out }],
        {
          T: x.dtype,
          Tlen: lengths.dtype,
          seq_dim: seqDim,
          batch_dim: batchDim,
        },
      ).outputs[0] as Tensor;
    }),
);
