import { ValueError } from "../../errors.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { convertToTensor } from "../convert.js";
import { pythonOperator } from "../math/operators.js";
import { rangeIn } from "../math/range.js";
import { reduceProd } from "../math/reduce.js";
import { inOpScope } from "../op_scope.js";
import { castIn } from "./cast.js";
import { concat } from "./concat.js";
import { expandDims } from "./expand_dims.js";
import { ones } from "./fill.js";
import { gatherNdOp } from "./gather_nd.js";
import { meshgrid } from "./meshgrid.js";
import { reshape } from "./reshape.js";
import { rank, shape } from "./shape.js";
import { squeeze } from "./squeeze.js";
import { stack, unstack } from "./stack.js";
import { sliceHelper } from "./strided_slice.js";
import { tile } from "./tile.js";
import { transpose } from "./transpose.js";

/**
 * TF 1.15's `array_ops.batch_gather_nd(params, indices, batch_dims, name)`, the graph
 * `gather_nd(…, batch_dims≠0)` builds (in a `BatchGatherND` name scope): the batch
 * dimensions of `params` are flattened into one of size D, each index tuple gets its batch
 * coordinates (a `meshgrid` of `range`s) prepended, one `GatherNd` gathers, and the result
 * is reshaped back to the batch shape. Differentiable through the ops it is made of.
 */
export function batchGatherNd(
  paramsArg: TensorLike,
  indicesArg: TensorLike,
  batchDimsArg: number,
  name?: string,
): Tensor {
  return inOpScope(name, "BatchGatherND", [paramsArg, indicesArg], () => {
    let indices = convertToTensor(indicesArg, { name: "indices", preferredDtype: "int32" });
    let params = convertToTensor(paramsArg, { name: "params" });
    let batchDims = batchDimsArg;
    if (batchDims < 0) throw new ValueError("tf.gather_nd does not allow negative batch_dims.");
    const paramsNdims = params.shape.rank;
    const indicesNdims = indices.shape.rank;
    if (indicesNdims !== null && batchDims >= indicesNdims) {
      throw new ValueError(
        `batch_dims = ${batchDims} must be less than rank(indices) = ${indicesNdims}`,
      );
    }
    if (paramsNdims !== null && batchDims >= paramsNdims) {
      throw new ValueError(
        `batch_dims = ${batchDims} must be less than rank(params) = ${paramsNdims}`,
      );
    }
    // TF adds a dummy batch dimension when called with batch_dims = 0.
    const expand = batchDims === 0;
    if (expand) {
      params = expandDims(params, 0);
      indices = expandDims(indices, 0);
      batchDims = 1;
    }
    const paramsShape = shape(params);
    const indicesShape = shape(indices);
    const batchShape = sliceHelper(paramsShape, [`:${batchDims}`]);
    const batchSize = reduceProd(batchShape, [0]);
    const indexInternalNdims = pythonOperator(
      "sub",
      pythonOperator("sub", rank(indices), batchDims),
      1,
    );
    const indicesInternalShape = sliceHelper(indicesShape, [`${batchDims}:-1`]);

    // [b1, …, bM] batch coordinates of every batch entry: a [D, M] grid.
    const batchDimList = unstack(batchShape, { axis: 0 });
    const dimRanges = batchDimList.map((x) => {
      const r = inOpScope(undefined, "Range", [x], (scope, g) =>
        rangeIn(
          g,
          scope,
          convertToTensor(0, { name: "start", dtype: x.dtype }),
          x,
          convertToTensor(1, { name: "delta", dtype: x.dtype }),
        ),
      );
      return inOpScope(undefined, "Cast", [r], (scope, g) => castIn(g, scope, r, indices.dtype));
    });
    const meshList = dimRanges.length > 0 ? meshgrid(...dimRanges, { indexing: "ij" }) : [];
    const flatList = meshList.map((x) => reshape(x, [-1]));
    let indexGrid = transpose(stack(flatList, { axis: 0 }));
    // Reshaped to [D, 1, …, 1, M] and tiled to [D, i1, …, iK, M].
    const indexGridShape = shape(indexGrid);
    indexGrid = reshape(
      indexGrid,
      concat(
        [
          sliceHelper(indexGridShape, [":1"]),
          ones(indexInternalNdims, { dtype: "int32" }),
          sliceHelper(indexGridShape, ["1:"]),
        ],
        0,
      ),
    );
    const tileShape = concat([[1], indicesInternalShape, [1]], 0);
    indexGrid = tile(indexGrid, tileShape);
    const flatShape = concat(
      [[batchSize] as never, sliceHelper(indicesShape, [`${batchDims}:`])],
      0,
    );
    const flatIndices = reshape(indices, flatShape);
    // [D, i1, …, iK, M + C] against params of shape [b1, …, bM, g1, …, gN].
    const fullIndices = concat([indexGrid, flatIndices], -1);
    let out = gatherNdOp(params, fullIndices);
    const outShape = shape(out);
    out = reshape(out, concat([batchShape, sliceHelper(outShape, ["1:"])], 0));
    if (expand) out = squeeze(out, { axis: [0] });
    // TF's shape refiner folds the constant shape arithmetic above (Unpack, Range,
    // meshgrid) and infers params.shape[:B] + indices.shape[B:-1] + params.shape[B + C:];
    // scopeflow's constant evaluation stops at Unpack, so the same static shape is set here.
    const p = params.shape.dims;
    const i = indices.shape.dims;
    const c = i?.[i.length - 1];
    if (p !== null && i !== null && c !== null && c !== undefined) {
      const b = expand ? 0 : batchDims;
      const src = expand ? p.slice(1) : p;
      const idx = expand ? i.slice(1) : i;
      out.setShape([...src.slice(0, b), ...idx.slice(b, -1), ...src.slice(b + c)]);
    }
    return out;
  });
}
