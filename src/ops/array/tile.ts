import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { convertToTensor, packableKind } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { opt, req, stringKind, tensorKind, tfFunction } from "../../graph/call_args.js";
import { registerOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { checkOpInputs } from "../input_types.js";
import { constantInts, constantValueAsShape, readInts } from "../tensor_util.js";

registerOp({
  type: "Tile",
  opDef: {
    inputs: ["input: T", "multiples: Tmultiples"],
    outputs: ["output: T"],
    attrs: ["T: type", "Tmultiples: {int32, int64} = int32"],
  },
  kernel: ([x, multiples], op) => [
    tfc.tile(
      x as tfc.Tensor,
      (op.buildData._multiples as number[] | null) ?? readInts(multiples as tfc.Tensor),
    ),
  ],
});

/** TF 1.15's `tile(input, multiples, name=None)`. */
const TILE_PARAMS = [
  req("input", tensorKind),
  req("multiples", packableKind),
  opt("name", stringKind),
] as const;

/**
 * Repeats `input` `multiples[i]` times along each dimension `i` (`tf.tile(input,
 * multiples, name)`, op `Tile`
 * with the const `Tile/multiples`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.tile(tf.constant([[1, 2]]), [2, 2])); // ==> [[1. 2. 1. 2.]
 *                                                   //      [1. 2. 1. 2.]]
 * ```
 */
export const tile = tfFunction("tile", TILE_PARAMS, ({ input, multiples, ...options }) =>
  inOpScope(options.name, "Tile", [input, multiples], (scope, graph) => {
    const x = convertToTensor(input, { name: "input" });
    const m = convertToTensor(multiples, { name: "multiples", preferredDtype: "int32" });
    checkOpInputs("Tile", [x, m], {});
    const partial = constantValueAsShape(m);
    const si = new ShapeInference(opNameOf(scope), "Tile", [x.shape, m.shape], {
      partialShapes: partial.dims === null ? [] : [[1, partial]],
    });
    let reps: TensorShape = partial;
    if (x.shape.rank !== null) {
      reps = new TensorShape(si.withRank(partial, x.shape.rank));
      si.mergeShape(m.shape, new TensorShape([x.shape.rank]));
    }
    let out = TensorShape.unknown();
    if (reps.dims !== null) {
      const inDims = si.withRank(x.shape, reps.dims.length);
      out = new TensorShape(
        reps.dims.map((r, i) => {
          const d = inDims[i] as Dim;
          if (r === 0 || d === 0) return 0;
          return r === null || d === null ? null : r * d;
        }),
      );
    }
    return makeOp(graph, "Tile", scope, [x, m], [{ dtype: x.dtype, shape: out }], {
      T: x.dtype,
      Tmultiples: m.dtype,
      _multiples: constantInts(m),
    }).outputs[0] as Tensor;
  }),
);
