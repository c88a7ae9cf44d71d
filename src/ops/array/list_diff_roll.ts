import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import type { DType } from "../../graph/dtypes.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import {
  axisKind,
  dtypeKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp, type ShapeInferenceOp } from "../registry.js";
import { checkOpInputs, convertBound } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import { readInts } from "../tensor_util.js";

registerOp({
  type: "ListDiff",
  opDef: {
    inputs: ["x: T", "y: T"],
    outputs: ["out: T", "idx: out_idx"],
    attrs: ["T: type", "out_idx: {int32, int64} = int32"],
  },
  kernel: ([xt, yt], op) => {
    const x = xt as tfc.Tensor;
    const y = yt as tfc.Tensor;
    const at = `\n\t [[{{node ${op.name}}}]]`;
    if (x.rank !== 1) throw new InvalidArgumentError(`x should be a 1D vector.${at}`, op.name);
    if (y.rank !== 1) throw new InvalidArgumentError(`y should be a 1D vector.${at}`, op.name);
    const xs = Array.from(x.dataSync() as ArrayLike<number>);
    const ys = new Set(Array.from(y.dataSync() as ArrayLike<number>));
    const out: number[] = [];
    const idx: number[] = [];
    xs.forEach((v, i) => {
      if (!ys.has(v)) {
        out.push(v);
        idx.push(i);
      }
    });
    return [tfc.tensor1d(out, x.dtype as "float32"), tfc.tensor1d(idx, "int32")];
  },
  inferShapes: () => [TensorShape.unknownOfRank(1), TensorShape.unknownOfRank(1)],
});

/** TF 1.15's `setdiff1d(x, y, index_dtype=tf.int32, name=None)`. */
const SETDIFF_PARAMS = [
  req("x", tensorKind),
  req("y", tensorKind),
  opt("indexDtype", dtypeKind),
  opt("name", stringKind),
] as const;

/**
 * The values of `x` not in `y`, in `x`'s order, and their positions in `x`
 * (`tf.setdiff1d`, op `ListDiff`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const [out, idx] = tf.setdiff1d(tf.constant([1, 2, 3, 4, 5, 6], tf.int32), tf.constant([1, 3, 5], tf.int32));
 * sess.run(out); // ==> [2 4 6]
 * sess.run(idx); // ==> [1 3 5]
 * ```
 */
export const setdiff1d = tfFunction("setdiff1d", SETDIFF_PARAMS, (a): [Tensor, Tensor] =>
  inOpScope(a.name, "ListDiff", [a.x, a.y], (scope, graph) => {
    const x = convertToTensor(a.x, { name: "x" });
    const y = convertBound(a.y, x.dtype, "y", "ListDiff");
    const outIdx: DType = a.indexDtype ?? "int32";
    // op_def_library: the inputs, then the `out_idx` attr, before the shape function.
    checkOpInputs("ListDiff", [x, y], { out_idx: outIdx });
    const si = new ShapeInference(opNameOf(scope), "ListDiff", [x.shape, y.shape]);
    si.withRank(x.shape, 1);
    si.withRank(y.shape, 1);
    return makeOp(
      graph,
      "ListDiff",
      scope,
      [x, y],
      [
        { dtype: x.dtype, shape: TensorShape.unknownOfRank(1) },
        { dtype: outIdx, shape: TensorShape.unknownOfRank(1) },
      ],
      { T: x.dtype, out_idx: outIdx },
    ).outputs as [Tensor, Tensor];
  }),
);

/** `Roll`'s shape function: the input's shape; `shift` and `axis` scalars or equal vectors. */
function rollShape(si: ShapeInference, x: TensorShape, shift: TensorShape, axis: TensorShape) {
  si.withRankAtLeast(x, 1);
  const s = si.withRankAtMost(shift, 1);
  const a = si.withRankAtMost(axis, 1);
  if (s !== null && a !== null && s.length === 1 && a.length === 1) {
    if (s[0] !== null && a[0] !== null && s[0] !== a[0]) {
      si.fail("shift and axis must have the same size");
    }
  }
  if (s !== null && a !== null && s.length !== a.length) {
    si.fail("shift and axis must have the same size");
  }
  return x;
}

registerOp({
  type: "Roll",
  opDef: {
    inputs: ["input: T", "shift: Tshift", "axis: Taxis"],
    outputs: ["output: T"],
    attrs: ["T: type", "Tshift: {int32, int64}", "Taxis: {int32, int64}"],
  },
  kernel: ([x, s, a], op) => {
    const input = x as tfc.Tensor;
    const shifts = readInts(s as tfc.Tensor);
    const axes = readInts(a as tfc.Tensor);
    const at = `\n\t [[{{node ${op.name}}}]]`;
    if (shifts.length !== axes.length) {
      throw new InvalidArgumentError(`shift and axis must have the same size${at}`, op.name);
    }
    const rank = input.rank;
    const total = new Array<number>(rank).fill(0);
    axes.forEach((ax, i) => {
      const d = ax < 0 ? ax + rank : ax;
      if (d < 0 || d >= rank) {
        throw new InvalidArgumentError(`axis ${ax} is out of range${at}`, op.name);
      }
      total[d] = (total[d] as number) + (shifts[i] as number);
    });
    // Each rolled axis is two slices swapped: [n - s, n) then [0, n - s).
    return [
      tfc.tidy(() => {
        let out = input;
        total.forEach((shift, d) => {
          const n = input.shape[d] as number;
          if (n === 0) return;
          const k = ((shift % n) + n) % n;
          if (k === 0) return;
          const [head, tail] = tfc.split(out, [n - k, k], d) as [tfc.Tensor, tfc.Tensor];
          out = tfc.concat([tail, head], d);
        });
        return out === input ? tfc.clone(input) : out;
      }),
    ];
  },
  inferShapes: (op: ShapeInferenceOp) => {
    const [x, s, a] = op.inputs as [Tensor, Tensor, Tensor];
    return [
      rollShape(
        new ShapeInference(op.name, op.type, [x.shape, s.shape, a.shape]),
        x.shape,
        s.shape,
        a.shape,
      ),
    ];
  },
});

/** TF 1.15's `roll(input, shift, axis, name=None)` (`manip_ops.roll`). */
const ROLL_PARAMS = [
  req("input", tensorKind),
  req("shift", axisKind),
  req("axis", axisKind),
  opt("name", stringKind),
] as const;

/**
 * `input` rolled by `shift` positions along each `axis`, elements leaving one end coming
 * back at the other (`tf.roll`, `tf.manip.roll`, op `Roll`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.roll(tf.constant([0, 1, 2, 3, 4], tf.int32), 2, 0)); // ==> [3 4 0 1 2]
 * ```
 */
export const roll = tfFunction("roll", ROLL_PARAMS, (a) =>
  inOpScope(a.name, "Roll", [a.input, a.shift, a.axis], (scope, graph) => {
    const x = convertToTensor(a.input, { name: "input" });
    const shift = convertToTensor(a.shift, { name: "shift", preferredDtype: "int32" });
    const axis = convertToTensor(a.axis, { name: "axis", preferredDtype: "int32" });
    checkOpInputs("Roll", [x, shift, axis], {});
    const si = new ShapeInference(opNameOf(scope), "Roll", [x.shape, shift.shape, axis.shape]);
    const out = rollShape(si, x.shape, shift.shape, axis.shape);
    return makeOp(graph, "Roll", scope, [x, shift, axis], [{ dtype: x.dtype, shape: out }], {
      T: x.dtype,
      Tshift: shift.dtype,
      Taxis: axis.dtype,
    }).outputs[0] as Tensor;
  }),
);
