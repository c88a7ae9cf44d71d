import * as tfc from "@tensorflow/tfjs-core";
import { asDType, isInteger, type DType } from "../../graph/dtypes.js";
import type { Graph } from "../../graph/graph.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { checkOpInputs } from "../input_types.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import {
  dtypeKind,
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
import { attrsOf, declareOpDef } from "../op_def.js";
import { ShapeInference } from "../shape_utils.js";
import { constantScalar, constantValue, readScalar } from "../tensor_util.js";

/**
 * One-hot rows in `dtype` with values `on` and `off`. tfjs-backend-wasm's `OneHot` kernel
 * ignores its dtype and writes int32 (truncating on/off values), so this takes the 0/1
 * int32 result and casts and scales it instead.
 */
export function oneHotTensor(
  indices: tfc.Tensor,
  depth: number,
  on: number,
  off: number,
  dtype: DType,
): tfc.Tensor {
  return tfc.tidy(() => {
    const hot = tfc.oneHot(indices, depth);
    if (dtype === "bool") {
      if (Boolean(on) === Boolean(off)) return tfc.fill(hot.shape, on ? 1 : 0, "bool");
      return on ? tfc.cast(hot, "bool") : tfc.logicalNot(tfc.cast(hot, "bool"));
    }
    const typed = isInteger(dtype) ? hot : tfc.cast(hot, "float32");
    if (on === 1 && off === 0) return typed;
    return tfc.add(tfc.mul(typed, on - off), off);
  });
}

/** TF's `OneHot` signature; its kernel reads the attrs it types. */
const ONE_HOT_DEF = declareOpDef({
  inputs: ["indices: TI", "depth: int32", "on_value: T", "off_value: T"],
  outputs: ["output: T"],
  attrs: ["axis: int = -1", "T: type", "TI: {uint8, int32, int64} = int64"],
});

registerOp({
  type: "OneHot",
  opDef: ONE_HOT_DEF,
  kernel: ([indices, depth, on, off], op) => {
    const idx = indices as tfc.Tensor;
    const d = (op.buildData._depth as number | null) ?? readScalar(depth as tfc.Tensor);
    const onV = (op.buildData._on as number | null) ?? readScalar(on as tfc.Tensor);
    const offV = (op.buildData._off as number | null) ?? readScalar(off as tfc.Tensor);
    const { axis, T } = attrsOf(op, ONE_HOT_DEF);
    const r = oneHotTensor(idx, d, onV, offV, T);
    if (axis === -1 || axis === idx.rank) return [r];
    const perm: number[] = [];
    for (let i = 0; i < idx.rank; i++) perm.push(i);
    perm.splice(axis, 0, idx.rank);
    try {
      return [tfc.transpose(r, perm)];
    } finally {
      r.dispose();
    }
  },
});

/** Builds `OneHot` named exactly by `scope`, with TensorFlow's shape function. */
function oneHotIn(
  graph: Graph,
  scope: string,
  indices: Tensor,
  depth: Tensor,
  on: Tensor,
  off: Tensor,
  axis: number,
): Tensor {
  checkOpInputs("OneHot", [indices, depth, on, off], {});
  const depthValue = constantValue(depth);
  const si = new ShapeInference(
    opNameOf(scope),
    "OneHot",
    [indices.shape, depth.shape, on.shape, off.shape],
    depthValue === null ? {} : { tensors: [[1, depthValue]] },
  );
  if (axis < -1) si.fail("axis must be >= -1");
  si.withRank(depth.shape, 0);
  si.withRank(on.shape, 0);
  si.withRank(off.shape, 0);
  const d = constantScalar(depth);
  if (d !== null && d < 0) {
    si.fail(`Dimension size, given by scalar input 1, must be non-negative but is ${d}`);
  }
  let out = TensorShape.unknown();
  if (indices.shape.dims !== null) {
    const dims: Dim[] = indices.shape.dims.slice();
    const newRank = dims.length + 1;
    dims.splice((axis + newRank) % newRank, 0, d);
    out = new TensorShape(dims);
  }
  return makeOp(
    graph,
    "OneHot",
    scope,
    [indices, depth, on, off],
    [{ dtype: on.dtype, shape: out }],
    {
      axis,
      T: on.dtype,
      TI: indices.dtype,
      _depth: d,
      _on: constantScalar(on),
      _off: constantScalar(off),
    },
  ).outputs[0] as Tensor;
}

/** TF 1.15's `one_hot(indices, depth, on_value, off_value, axis, dtype, name)`. */
const ONE_HOT_PARAMS = [
  req("indices", tensorKind),
  req("depth", intOrTensorKind),
  /** The value at the index; 1 by default. */
  opt("onValue", tensorKind),
  /** The value elsewhere; 0 by default. */
  opt("offValue", tensorKind),
  /** Where the new dimension goes; last (-1) by default. */
  opt("axis", intKind),
  /** The result's dtype: from `onValue`/`offValue`, else float32. */
  opt("dtype", dtypeKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link oneHot} (any parameter by name). */
export type OneHotOptions = OptionsOf<typeof ONE_HOT_PARAMS>;

/**
 * One-hot vectors of length `depth` for integer `indices` (`tf.one_hot(indices, depth,
 * on_value, off_value, axis, dtype, name)`, op `OneHot` named `one_hot`). Indices outside
 * `[0, depth)` give all-`offValue` rows.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.oneHot([0, 2], 3)); // ==> [[1. 0. 0.]
 *                                 //      [0. 0. 1.]]
 * sess.run(tf.oneHot([1], 3, { onValue: 5, offValue: -1 })); // ==> [[-1.  5. -1.]]
 * ```
 */
export const oneHot = tfFunction("oneHot", ONE_HOT_PARAMS, (options) => {
  const { indices, depth } = options;
  const onValue = options.onValue ?? null;
  const offValue = options.offValue ?? null;
  return inOpScope(options.name, "one_hot", [indices, depth, onValue, offValue], (scope, graph) => {
    let dtype =
      options.dtype === undefined || options.dtype === null ? null : asDType(options.dtype);
    // As TensorFlow does, each given value is first converted once just to read its dtype.
    const onDType =
      onValue === null ? null : convertToTensor(onValue, { preferredDtype: dtype }).dtype;
    const offDType =
      offValue === null ? null : convertToTensor(offValue, { preferredDtype: dtype }).dtype;
    if (onDType !== null || offDType !== null) {
      if (dtype !== null) {
        if (onDType !== null && onDType !== dtype)
          throw new TypeError(
            `dtype ${onDType} of on_value does not match dtype parameter ${dtype}`,
          );
        if (offDType !== null && offDType !== dtype)
          throw new TypeError(
            `dtype ${offDType} of off_value does not match dtype parameter ${dtype}`,
          );
      } else dtype = (onDType ?? offDType) as DType;
    } else if (dtype === null) dtype = "float32";
    const dt = dtype;
    const idx = convertToTensor(indices, { name: "indices", preferredDtype: "int32" });
    const depthT = convertToTensor(depth, { name: "depth", dtype: "int32" });
    const on =
      onValue === null
        ? convertToTensor(1, { name: "on_value", dtype: dt })
        : convertToTensor(onValue, { name: "on_value", preferredDtype: dt });
    const off =
      offValue === null
        ? convertToTensor(0, { name: "off_value", dtype: dt })
        : convertToTensor(offValue, { name: "off_value", preferredDtype: dt });
    if (on.dtype !== off.dtype) {
      throw new TypeError(
        `dtype ${on.dtype} of on_value does not match dtype ${off.dtype} of off_value`,
      );
    }
    return oneHotIn(graph, scope, idx, depthT, on, off, options.axis ?? -1);
  });
});
