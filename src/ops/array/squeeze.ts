import * as tfc from "@tensorflow/tfjs-core";
import type { Graph } from "../../graph/graph.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf, type NameOption } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";

registerOp({
  type: "Squeeze",
  kernel: ([x], op) => {
    const input = x as tfc.Tensor;
    const dims = op.attrs.squeeze_dims as number[];
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
export function squeezeIn(graph: Graph, scope: string, x: Tensor, axes: readonly number[]): Tensor {
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

/** Options of {@link squeeze}. */
export interface SqueezeOptions extends NameOption {
  axis?: number | readonly number[] | null;
}

/**
 * Removes dimensions of size 1 (`tf.squeeze`, op `Squeeze`): all of them, or only those in
 * `axis` (each must have size 1). The axes may be given positionally or as `{ axis }`.
 *
 * @example
 * ```ts
 * tf.squeeze(tf.zeros([1, 2, 1, 3])).shape.toString(); // ==> (2, 3)
 * tf.squeeze(tf.zeros([1, 2, 1, 3]), [2]).shape.toString(); // ==> (1, 2, 3)
 * ```
 */
export function squeeze(
  input: TensorLike,
  axis?: number | readonly number[] | SqueezeOptions | null,
  options: NameOption = {},
): Tensor {
  let axes: number | readonly number[] | null | undefined;
  let name = options.name;
  if (typeof axis === "object" && axis !== null && !Array.isArray(axis)) {
    const o = axis as SqueezeOptions;
    axes = o.axis;
    name = o.name ?? name;
  } else {
    axes = axis as number | readonly number[] | null | undefined;
  }
  const list = axes === null || axes === undefined ? [] : typeof axes === "number" ? [axes] : axes;
  for (const d of list) {
    if (!Number.isInteger(d))
      throw new TypeError(`Expected int for argument 'squeeze_dims' not ${d}.`);
  }
  return inOpScope(name, "Squeeze", [input], (scope, graph) =>
    squeezeIn(graph, scope, convertToTensor(input, { name: "input" }), list),
  );
}
