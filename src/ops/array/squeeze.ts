import * as tfc from "@tensorflow/tfjs-core";
import type { Graph } from "../../graph/graph.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import {
  alias,
  eitherKind,
  intKind,
  listKind,
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

/** TF's `Squeeze` signature; its kernel reads the attrs it types. */
const SQUEEZE_DEF = declareOpDef({
  inputs: ["input: T"],
  outputs: ["output: T"],
  attrs: ["T: type", "squeeze_dims: list(int) >= 0 = []"],
});

registerOp({
  type: "Squeeze",
  opDef: SQUEEZE_DEF,
  kernel: ([x], op) => {
    const input = x as tfc.Tensor;
    const dims = attrsOf(op, SQUEEZE_DEF).squeeze_dims;
    if (dims.length === 0) return [tfc.squeeze(input)];
    return [
      tfc.squeeze(
        input,
        dims.map((d) => (d < 0 ? d + input.rank : d)),
      ),
    ];
  },
});

/** Builds `Squeeze` named exactly by `scope`, with TensorFlow's shape function. */
function squeezeIn(graph: Graph, scope: string, x: Tensor, axes: readonly number[]): Tensor {
  const si = new ShapeInference(opNameOf(scope), "Squeeze", [x.shape]);
  let out = TensorShape.unknown();
  if (x.shape.dims !== null) {
    const rank = x.shape.dims.length;
    const wanted = axes.map((d, i) => {
      if (d < -rank || d >= rank) si.fail(`squeeze_dims[${i}] not in [${-rank},${rank}).`);
      return d < 0 ? d + rank : d;
    });
    const dims: Dim[] = [];
    let unknown = false;
    x.shape.dims.forEach((d, i) => {
      const explicit = wanted.includes(i);
      if (d === null) {
        if (explicit) return;
        if (wanted.length === 0) unknown = true;
      } else if (d === 1) {
        if (explicit || wanted.length === 0) return;
      } else if (explicit) {
        si.fail(`Can not squeeze dim[${i}], expected a dimension of 1, got ${d}`);
      }
      dims.push(d);
    });
    if (!unknown) out = new TensorShape(dims);
  }
  return makeOp(graph, "Squeeze", scope, [x], [{ dtype: x.dtype, shape: out }], {
    T: x.dtype,
    squeeze_dims: axes.slice(),
  }).outputs[0] as Tensor;
}

/** One axis or a list of axes, as ints. */
const squeezeAxisKind = eitherKind(intKind, listKind(intKind));

/** TF 1.15's `squeeze(input, axis=None, name=None, squeeze_dims=None)`. */
const SQUEEZE_PARAMS = [
  req("input", tensorKind),
  opt("axis", squeezeAxisKind),
  opt("name", stringKind),
  alias("squeezeDims", "axis", squeezeAxisKind),
] as const;

/** The options object of {@link squeeze} (any parameter by name). */
export type SqueezeOptions = OptionsOf<typeof SQUEEZE_PARAMS>;

/**
 * Removes dimensions of size 1 (`tf.squeeze(input, axis, name, squeeze_dims)`, op
 * `Squeeze`): all of them, or only those in `axis` (each must have size 1).
 *
 * @example
 * ```ts
 * tf.squeeze(tf.zeros([1, 2, 1, 3])).shape.toString(); // ==> (2, 3)
 * tf.squeeze(tf.zeros([1, 2, 1, 3]), [2]).shape.toString(); // ==> (1, 2, 3)
 * ```
 */
export const squeeze = tfFunction("squeeze", SQUEEZE_PARAMS, (a) => {
  const axes = a.axis;
  const list: readonly number[] =
    axes === undefined ? [] : typeof axes === "number" ? [axes] : axes;
  return inOpScope(a.name, "Squeeze", [a.input], (scope, graph) =>
    squeezeIn(graph, scope, convertToTensor(a.input, { name: "input" }), list),
  );
});
