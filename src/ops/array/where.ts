import * as tfc from "@tensorflow/tfjs-core";
import { ValueError } from "../../errors.js";
import type { DType } from "../../graph/dtypes.js";
import type { Graph } from "../../graph/graph.js";
import { isTensorConvertible, Tensor, type TensorLike } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { checkOpInputs } from "../input_types.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { opt, req, stringKind, tensorKind, tfFunction } from "../../graph/call_args.js";
import { registerOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";

registerOp({
  type: "Select",
  opDef: {
    inputs: ["condition: bool", "t: T", "e: T"],
    outputs: ["output: T"],
    attrs: ["T: type"],
  },
  kernel: ([condition, t, e]) => {
    let c = condition as tfc.Tensor;
    const x = t as tfc.Tensor;
    // TensorFlow's rank-1 condition picks rows (first dim), where tfjs would broadcast it
    // against the last dim.
    if (c.rank === 1 && x.rank > 1) {
      const shape = new Array<number>(x.rank).fill(1);
      shape[0] = c.shape[0] as number;
      c = tfc.reshape(c, shape);
      try {
        return [tfc.where(c, x, e as tfc.Tensor)];
      } finally {
        c.dispose();
      }
    }
    return [tfc.where(c, x, e as tfc.Tensor)];
  },
});

registerOp({
  type: "Where",
  opDef: {
    inputs: ["input: T"],
    outputs: ["index: int64"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64, bool} = bool",
    ],
  },
  // The number of true elements is data-dependent: reading the condition is unavoidable.
  kernel: ([condition]) => {
    const c = condition as tfc.Tensor;
    const values = c.dataSync() as ArrayLike<number>;
    const shape = c.shape;
    const rank = shape.length;
    const strides = new Array<number>(rank).fill(1);
    for (let i = rank - 2; i >= 0; i--)
      strides[i] = (strides[i + 1] as number) * (shape[i + 1] as number);
    const coords: number[] = [];
    let count = 0;
    for (let flat = 0; flat < values.length; flat++) {
      if (!values[flat]) continue;
      count++;
      let rest = flat;
      for (let d = 0; d < rank; d++) {
        const s = strides[d] as number;
        coords.push(Math.floor(rest / s));
        rest %= s;
      }
    }
    return [tfc.tensor2d(Int32Array.from(coords), [count, rank], "int32")];
  },
});

/** Builds `Select` named exactly by `scope`, with TensorFlow 1.x's shape function. */
export function selectIn(
  graph: Graph,
  scope: string,
  condition: Tensor,
  t: Tensor,
  e: Tensor,
): Tensor {
  checkOpInputs("Select", [condition, t, e], {});
  const si = new ShapeInference(opNameOf(scope), "Select", [condition.shape, t.shape, e.shape]);
  let data = si.mergeShape(t.shape, e.shape);
  const cond = condition.shape;
  if (cond.dims !== null && data.dims !== null) {
    const condRank = cond.dims.length;
    const dataRank = data.dims.length;
    if (condRank !== 0) {
      if (condRank !== 1 || dataRank === 0) data = si.mergeShape(data, cond);
      else si.mergeShape(cond, new TensorShape([data.dims[0] ?? null]));
    }
  }
  return makeOp(graph, "Select", scope, [condition, t, e], [{ dtype: t.dtype, shape: data }], {
    T: t.dtype,
  }).outputs[0] as Tensor;
}

function dtypeOfTensor(v: unknown): DType | null {
  if (v instanceof Tensor) return v.dtype;
  if (isTensorConvertible(v)) return convertToTensor(v).dtype;
  return null;
}

/** TF 1.15's `where(condition, x=None, y=None, name=None)`. */
const WHERE_PARAMS = [
  req("condition", tensorKind),
  opt("x", tensorKind),
  opt("y", tensorKind),
  opt("name", stringKind),
] as const;

/**
 * `tf.where(condition, x, y, name)` (TensorFlow 1.x): with `x` and `y`, picks elements of `x` where `condition`
 * is true and of `y` elsewhere (op `Select`; a rank-1 condition picks rows). With the
 * condition only, the coordinates of its true elements (op `Where`, int64 of shape
 * `(?, rank)`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.where(tf.constant([true, false]), tf.constant([1, 2]), tf.constant([9, 9]))); // ==> [1. 9.]
 * sess.run(tf.where(tf.constant([[true, false], [false, true]]))); // ==> [[0 0]
 *                                                                  //      [1 1]]
 * ```
 */
export const where = tfFunction("where", WHERE_PARAMS, (a) =>
  whereImpl(a.condition, a.x ?? null, a.y ?? null, a.name),
);

function whereImpl(
  condition: TensorLike,
  x: TensorLike | null,
  y: TensorLike | null,
  name: string | undefined,
): Tensor {
  if (x === null && y === null) {
    return inOpScope(name, "Where", [condition], (scope, graph) => {
      const c = convertToTensor(condition, { name: "condition", preferredDtype: "bool" });
      if (c.dtype === "string") {
        throw new TypeError(
          "Value passed to parameter 'input' has DataType string not in list of allowed values: float32, float64, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, float16, uint32, uint64, bool",
        );
      }
      const rank = c.shape.rank;
      return makeOp(
        graph,
        "Where",
        scope,
        [c],
        [{ dtype: "int64", shape: new TensorShape([null, rank]) }],
        { T: c.dtype },
      ).outputs[0] as Tensor;
    });
  }
  if (x === null || y === null) {
    throw new ValueError("x and y must both be non-None or both be None.");
  }
  return inOpScope(name, "Select", [condition, x, y], (scope, graph) => {
    const c = convertToTensor(condition, { name: "condition", preferredDtype: "bool" });
    const preferred = dtypeOfTensor(x) ?? dtypeOfTensor(y);
    const t = convertToTensor(x, { name: "t", preferredDtype: preferred });
    const e = convertToTensor(y, { name: "e", preferredDtype: t.dtype });
    return selectIn(graph, scope, c, t, e);
  });
}
