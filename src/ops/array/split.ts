import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, ValueError } from "../../errors.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { withDefaultGraph } from "../../graph/graph.js";
import { graphFromValues } from "../../scope/name_scope.js";
import {
  intKind,
  intOrTensorKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { registerOp } from "../registry.js";
import { checkOpInputs } from "../input_types.js";
import { ShapeInference, type ShapeErrorContext } from "../shape_utils.js";
import { constantInts, constantValue, readInts, readScalar } from "../tensor_util.js";
import type { ConstValue } from "../const_value.js";
import { heapSlices } from "../tfjs_internals.js";

function axisOf(
  op: { buildData: Readonly<Record<string, unknown>> },
  axis: tfc.Tensor,
  rank: number,
) {
  const a = (op.buildData._axis as number | null) ?? readScalar(axis);
  return a < 0 ? a + rank : a;
}

registerOp({
  type: "Split",
  opDef: {
    inputs: ["split_dim: int32", "value: T"],
    outputs: ["output: num_split * T"],
    attrs: ["num_split: int >= 1", "T: type"],
  },
  kernel: ([splitDim, value], op) => {
    const x = value as tfc.Tensor;
    const axis = axisOf(op, splitDim as tfc.Tensor, x.rank);
    const n = op.attrs.num_split as number;
    const parts = Array.from({ length: n }, () => (x.shape[axis] as number) / n);
    return (Number.isInteger(parts[0]) ? heapSplit(x, parts, axis) : null) ?? tfc.split(x, n, axis);
  },
});

registerOp({
  type: "SplitV",
  opDef: {
    inputs: ["value: T", "size_splits: Tlen", "split_dim: int32"],
    outputs: ["output: num_split * T"],
    attrs: ["num_split: int >= 1", "T: type", "Tlen: {int32, int64} = int64"],
  },
  kernel: ([value, sizeSplits, splitDim], op) => {
    const x = value as tfc.Tensor;
    const axis = axisOf(op, splitDim as tfc.Tensor, x.rank);
    const sizes = (
      (op.buildData._sizes as number[] | null) ?? readInts(sizeSplits as tfc.Tensor)
    ).slice();
    const unknown = sizes.indexOf(-1);
    const dim = x.shape[axis] as number;
    if (unknown >= 0) sizes[unknown] = dim - sizes.reduce((a, b) => (b === -1 ? a : a + b), 0);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== dim || sizes.some((s) => s < 0)) {
      throw new InvalidArgumentError(
        `Determined shape must either match input shape along split_dim exactly if fully specified, or be less than the size of the input along split_dim if not fully specified.  Got: ${total}`,
        op.name,
      );
    }
    return heapSplit(x, sizes, axis) ?? tfc.split(x, sizes, axis);
  },
});

/** `x` cut along `axis` into parts of `sizes`, from the wasm heap (`null` elsewhere). */
function heapSplit(x: tfc.Tensor, sizes: readonly number[], axis: number): tfc.Tensor[] | null {
  let start = 0;
  return heapSlices(
    x,
    sizes.map((len) => {
      const begin = x.shape.map(() => 0);
      begin[axis] = start;
      const size = x.shape.slice();
      size[axis] = len;
      start += len;
      return { begin, size };
    }),
  );
}

/** `MakeDimForScalarInputWithNegativeIndexing`: the split axis, normalized when the rank is known. */
function splitAxis(
  si: ShapeInference,
  value: ConstValue | null,
  rank: number | null,
): number | null {
  if (value === null) return null;
  const v = Number(value.values[0]);
  const fail = () =>
    si.fail(`Dimension size, given by scalar input ${v} must be in range [-${rank}, ${rank})`);
  if (v < 0) {
    if (rank === null) return null;
    if (v + rank < 0) fail();
    return v + rank;
  }
  if (rank !== null && rank > 0 && v >= rank) fail();
  return v;
}

function evenSplit(
  name: string,
  value: Tensor,
  axisT: Tensor,
  num: number,
): { outShape: TensorShape; axis: number | null } {
  const axisValue = constantValue(axisT);
  const context: ShapeErrorContext = axisValue === null ? {} : { tensors: [[0, axisValue]] };
  const si = new ShapeInference(name, "Split", [axisT.shape, value.shape], context);
  const rank = value.shape.rank;
  const axis = splitAxis(si, axisValue, rank);
  if (axis === null) {
    return {
      outShape: rank === null ? TensorShape.unknown() : TensorShape.unknownOfRank(rank),
      axis,
    };
  }
  const dims = si.withRankAtLeast(value.shape, axis + 1);
  if (dims === null) return { outShape: TensorShape.unknown(), axis };
  const d = dims[axis] as Dim;
  if (d !== null && d % num !== 0) {
    si.fail(
      `Dimension size must be evenly divisible by ${num} but is ${d}\n\tNumber of ways to split should evenly divide the split dimension`,
    );
  }
  dims[axis] = d === null ? null : d / num;
  return { outShape: new TensorShape(dims), axis };
}

function sizedSplit(
  name: string,
  value: Tensor,
  sizeSplits: Tensor,
  axisT: Tensor,
  num: number,
): { outShapes: TensorShape[]; axis: number | null; sizes: number[] | null } {
  const axisValue = constantValue(axisT);
  const sizesValue = constantValue(sizeSplits);
  const tensors: [number, ConstValue][] = [];
  if (sizesValue !== null) tensors.push([1, sizesValue]);
  if (axisValue !== null) tensors.push([2, axisValue]);
  const si = new ShapeInference(name, "SplitV", [value.shape, sizeSplits.shape, axisT.shape], {
    tensors,
  });
  const rank = value.shape.rank;
  const axis = splitAxis(si, axisValue, rank);
  const sizes = constantInts(sizeSplits);
  const repeat = (s: TensorShape) => new Array<TensorShape>(num).fill(s);
  if (rank === null) return { outShapes: repeat(TensorShape.unknown()), axis, sizes };
  if (rank === 0) si.fail("Can't split scalars");
  if (axis === null) return { outShapes: repeat(TensorShape.unknownOfRank(rank)), axis, sizes };
  const dims = si.withRankAtLeast(value.shape, axis + 1) as Dim[];
  if (sizes === null) {
    const d = dims.slice();
    d[axis] = null;
    return { outShapes: repeat(new TensorShape(d)), axis, sizes };
  }
  if (sizes.length !== num) si.fail("Length of size_splits should be equal to num_outputs");
  let total = 0;
  let hasNegOne = false;
  for (const s of sizes) {
    if (s === -1) {
      if (hasNegOne) si.fail("size_splits can only have one -1");
      hasNegOne = true;
    } else total += s;
  }
  const dimSize = dims[axis] as Dim;
  const outShapes = sizes.map((s) => {
    const d = dims.slice();
    d[axis] = s === -1 ? (dimSize === null ? null : dimSize - total) : s;
    return new TensorShape(d);
  });
  if (dimSize !== null && (hasNegOne ? total > dimSize : total !== dimSize)) {
    si.fail(`can't split axis of size ${dimSize} into pieces of size [${sizes.join(",")}]`);
  }
  return { outShapes, axis, sizes };
}

/** TF 1.15's `split(value, num_or_size_splits, axis=0, num=None, name="split")`. */
const SPLIT_PARAMS = [
  req("value", tensorKind),
  req("numOrSizeSplits", tensorKind),
  opt("axis", intOrTensorKind),
  /** The number of outputs, when it cannot be inferred from `numOrSizeSplits`. */
  opt("num", intKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link split} (any parameter by name). */
export type SplitOptions = OptionsOf<typeof SPLIT_PARAMS>;

/**
 * Splits `value` along `axis` (`tf.split(value, num_or_size_splits, axis, num, name)`,
 * named `split`): into `numOrSizeSplits` equal
 * parts (op `Split`), or into parts of the listed sizes, one of which may be `-1` (op
 * `SplitV`). As in TensorFlow 1.15, `numOrSizeSplits` is first converted to a tensor,
 * which leaves a `Const` in the graph.
 *
 * @example
 * ```ts
 * const [a] = tf.split(tf.zeros([4, 6]), 2, { axis: 1 });
 * a.shape.toString(); // ==> (4, 3)
 * const [c, d] = tf.split(tf.zeros([5]), [2, -1]);
 * d.shape.toString(); // ==> (3,)
 * ```
 */
export const split = tfFunction("split", SPLIT_PARAMS, (a) => {
  // `numOrSizeSplits` becomes a `Const` before the `split` scope opens (as in TF): a
  // refused split must take it back too.
  const graph = graphFromValues([a.value, a.numOrSizeSplits]);
  return withDefaultGraph(graph, () =>
    graph.atomically(() => splitImpl(a.value, a.numOrSizeSplits, a.axis ?? 0, a.num, a.name)),
  );
});

function splitImpl(
  value: TensorLike,
  numOrSizeSplits: TensorLike,
  axis: TensorLike,
  numOption: number | undefined,
  name: string | undefined,
): Tensor[] {
  const sizeSplits = convertToTensor(numOrSizeSplits, { preferredDtype: "int32" });
  if (typeof numOrSizeSplits === "number") {
    const num = numOrSizeSplits;
    if (!Number.isInteger(num))
      throw new TypeError(`Expected int for argument 'num_split' not ${num}.`);
    return inOpScope(name, "split", [value], (scope, graph) => {
      // An axis tensor of another dtype is the OpDef check's to refuse (`split_dim: int32`).
      const axisT = convertToTensor(axis, { name: "split_dim", preferredDtype: "int32" });
      const v = convertToTensor(value, { name: "value" });
      // `num_split >= 1` is checked as op_def_library checks attrs: after the inputs.
      checkOpInputs("Split", [axisT, v], { num_split: num });
      const { outShape, axis: a } = evenSplit(opNameOf(scope), v, axisT, num);
      const outputs = new Array(num).fill(null).map(() => ({ dtype: v.dtype, shape: outShape }));
      return makeOp(graph, "Split", scope, [axisT, v], outputs, {
        num_split: num,
        T: v.dtype,
        _axis: a,
      }).outputs.slice();
    });
  }
  if (sizeSplits.shape.rank === 0) {
    throw new ValueError(
      `Rank-0 tensors are not supported as the num_or_size_splits argument to split. Argument provided: ${String(numOrSizeSplits)}`,
    );
  }
  let num = numOption ?? null;
  if (num === null) {
    num = sizeSplits.shape.dims === null ? null : (sizeSplits.shape.dims[0] ?? null);
    if (num === null)
      throw new ValueError(`Cannot infer num from shape ${sizeSplits.shape.toString()}`);
  }
  const count = num;
  return inOpScope(name, "split", [value, sizeSplits], (scope, graph) => {
    const v = convertToTensor(value, { name: "value" });
    const axisT = convertToTensor(axis, { name: "split_dim", preferredDtype: "int32" });
    // TF's `split` infers `num` before `split_v`'s op builder checks `size_splits`'s dtype.
    checkOpInputs("SplitV", [v, sizeSplits, axisT], {});
    const { outShapes, axis: a, sizes } = sizedSplit(opNameOf(scope), v, sizeSplits, axisT, count);
    return makeOp(
      graph,
      "SplitV",
      scope,
      [v, sizeSplits, axisT],
      outShapes.map((shape) => ({ dtype: v.dtype, shape })),
      { num_split: count, T: v.dtype, Tlen: sizeSplits.dtype, _axis: a, _sizes: sizes },
    ).outputs.slice();
  });
}
