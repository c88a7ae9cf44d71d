import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { concat } from "../array/concat.js";
import { gather } from "../array/gather.js";
import { reshape } from "../array/reshape.js";
import { shape as shapeOf } from "../array/shape.js";
import { stack } from "../array/stack.js";
import { transpose } from "../array/transpose.js";
import { convertToTensor } from "../convert.js";
import { matmul } from "./matmul.js";
import { reduceProd } from "./reduce.js";
import { nameScope } from "../../scope/name_scope.js";

/*
 * `math_ops.tensordot(a, b, [[rank(a) - 1], [0]])`, the contraction `Dense` uses for inputs
 * of rank > 2 (and `rgb_to_grayscale`, whose `[-1, -1]` on 1-D weights is the same), built from the same ops as TensorFlow 1.15 under `Tensordot/`: the input is
 * reshaped to a matrix (statically when its shape is fully known, else through `Shape`,
 * `GatherV2`, `Prod`, `concat`, `stack`, `transpose`), multiplied (`MatMul`), and reshaped
 * back by the op named `Tensordot` itself.
 */

function product(values: readonly number[]): number {
  return values.reduce((a, b) => a * b, 1);
}

/** `a`'s last axis contracted with `b`'s first; `b` must have a fully known shape. */
export function tensordotLastFirst(aLike: TensorLike, bLike: TensorLike): Tensor {
  return nameScope("Tensordot", (scope) => {
    const a = convertToTensor(aLike, { name: "a" });
    const b = convertToTensor(bLike, { name: "b" });
    const aDims = a.shape.dims as (number | null)[];
    const rank = aDims.length;
    const bDims = b.shape.asList() as number[];
    const bFree = bDims.slice(1);
    // `b`'s axes [0] come first already: TensorFlow reshapes it only when it is not 2-D,
    // after reshaping `a`.
    const bMatrix = (): Tensor =>
      bDims.length === 2 ? b : reshape(b, [bDims[0] as number, product(bFree)]);
    const freeStatic = aDims.slice(0, rank - 1);
    if (a.shape.isFullyDefined()) {
      const free = freeStatic as number[];
      const newShape = [product(free), aDims[rank - 1] as number];
      const aMatrix = rank === 2 ? a : reshape(a, newShape);
      const ab = matmul(aMatrix, bMatrix());
      return reshape(ab, [...free, ...bFree], { name: scope });
    }
    const axes = convertToTensor([rank - 1], { dtype: "int32", name: "axes" });
    const free = convertToTensor(
      Array.from({ length: rank - 1 }, (_, i) => i),
      { dtype: "int32", name: "free" },
    );
    const shapeA = shapeOf(a);
    const freeDims = gather(shapeA, free);
    const axesDims = gather(shapeA, axes);
    const prodFree = reduceProd(freeDims);
    const prodAxes = reduceProd(axesDims);
    const perm = concat([free, axes], 0);
    const newShape = stack([prodFree, prodAxes]);
    const aMatrix = reshape(transpose(a, { perm }), newShape);
    const ab = matmul(aMatrix, bMatrix());
    const bFreeT = convertToTensor(bFree, { dtype: "int32" });
    const out = reshape(ab, concat([freeDims, bFreeT], 0), { name: scope });
    out.setShape([...freeStatic, ...bFree]);
    return out;
  });
}
