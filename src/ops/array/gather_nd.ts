import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import type { Graph } from "../../graph/graph.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { convertToTensor, type Packable } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { intKind, opt, req, stringKind, tensorKind, tfFunction } from "../../graph/call_args.js";
import { registerOp, type ShapeInferenceOp } from "../registry.js";
import { checkLeadingInputs, checkOpInputs, convertBound } from "../input_types.js";
import { ShapeInference, sizeOf } from "../shape_utils.js";
import { constantValue, constantValueAsShape, readInts } from "../tensor_util.js";
import { batchGatherNd } from "./batch_gather_nd.js";

/** TensorFlow's `TensorShape::DebugString`: `[3,2]`. */
function debugShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/**
 * Checks every index tuple of `indices` (last axis `r`) against `bounds` (`shape[:r]`),
 * with TF's kernel message, and returns the flat row offsets they name.
 */
function flatOffsets(
  indices: tfc.Tensor,
  bounds: readonly number[],
  what: string,
  whole: readonly number[],
  op: Operation,
): Int32Array {
  const r = indices.shape[indices.rank - 1] as number;
  const idx = readInts(indices);
  const n = idx.length / Math.max(r, 1);
  const out = new Int32Array(r === 0 ? sizeOf(indices.shape.slice(0, -1)) : n);
  for (let i = 0; i < out.length && r > 0; i++) {
    let flat = 0;
    for (let j = 0; j < r; j++) {
      const v = idx[i * r + j] as number;
      const bound = bounds[j] as number;
      if (v < 0 || v >= bound) {
        const at = unravel(i, indices.shape.slice(0, -1));
        throw new InvalidArgumentError(
          `indices${debugShape(at)} = ${debugShape(idx.slice(i * r, i * r + r))} does not index into ${what} ${debugShape(whole)}\n\t [[{{node ${op.name}}}]]`,
          op.name,
        );
      }
      flat = flat * bound + v;
    }
    out[i] = flat;
  }
  return out;
}

/** The multi-index of flat position `i` in `shape` (for error messages). */
function unravel(i: number, shape: readonly number[]): number[] {
  const out: number[] = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d] as number;
    out[d] = i % n;
    i = Math.floor(i / n);
  }
  return out;
}

/** `GatherNd`'s shape function: `indices.shape[:-1] + params.shape[indices.shape[-1]:]`. */
function gatherNdShape(si: ShapeInference, params: TensorShape, indices: TensorShape): TensorShape {
  si.withRankAtLeast(params, 1);
  const ind = si.withRankAtLeast(indices, 1);
  if (ind === null) return TensorShape.unknown();
  const r = ind[ind.length - 1] as Dim;
  if (r === null || params.dims === null) return TensorShape.unknown();
  if (r > params.dims.length) {
    si.fail(
      `indices.shape[-1] must be <= params.rank, but saw indices shape: ${indices.toRuntimeString()} and params shape: ${params.toRuntimeString()}`,
    );
  }
  return new TensorShape([...ind.slice(0, -1), ...params.dims.slice(r)]);
}

registerOp({
  type: "GatherNd",
  opDef: {
    inputs: ["params: Tparams", "indices: Tindices"],
    outputs: ["output: Tparams"],
    attrs: ["Tparams: type", "Tindices: {int32, int64}"],
  },
  kernel: ([params, indices], op) => {
    const p = params as tfc.Tensor;
    const ind = indices as tfc.Tensor;
    const r = ind.shape[ind.rank - 1] as number;
    const rows = flatOffsets(ind, p.shape.slice(0, r), "param shape", p.shape, op);
    const inner = p.shape.slice(r);
    const outShape = [...ind.shape.slice(0, -1), ...inner];
    // Gathering rows of a [prod(shape[:r]), ...inner] view is GatherNd with bounds checked.
    return [
      tfc.tidy(() => {
        const flat = tfc.reshape(p, [sizeOf(p.shape.slice(0, r)), ...inner]);
        return tfc.reshape(tfc.gather(flat, tfc.tensor1d(rows, "int32")), outShape);
      }),
    ];
  },
  inferShapes: (op: ShapeInferenceOp) => {
    const [p, i] = op.inputs as [Tensor, Tensor];
    return [
      gatherNdShape(new ShapeInference(op.name, op.type, [p.shape, i.shape]), p.shape, i.shape),
    ];
  },
});

/** `ScatterNd`'s shape checks (TF's `ScatterNdShapeHelper`): the output shape. */
function scatterNdShape(
  si: ShapeInference,
  indices: TensorShape,
  updates: TensorShape,
  output: TensorShape,
): TensorShape {
  si.withRankAtLeast(indices, 1);
  si.withRankAtLeast(updates, 1);
  if (indices.dims === null || updates.dims === null || output.dims === null) return output;
  const outer = indices.dims.length - 1;
  const ix = indices.dims[outer] as Dim;
  const prefixI = new TensorShape(indices.dims.slice(0, outer));
  const prefixU = new TensorShape(updates.dims.slice(0, outer));
  if (updates.dims.length < outer || !prefixI.isCompatibleWith(prefixU)) {
    si.fail(
      `The outer ${outer} dimensions of indices.shape=${indices.toRuntimeString()} must match the outer ${outer} dimensions of updates.shape=${updates.toRuntimeString()}`,
    );
  }
  if (ix !== null) {
    const suffixO = new TensorShape(output.dims.slice(ix));
    const suffixU = new TensorShape(updates.dims.slice(outer));
    if (!suffixO.isCompatibleWith(suffixU)) {
      const inner = output.dims.length - ix;
      si.fail(
        `The inner ${inner} dimensions of output.shape=${output.toRuntimeString()} must match the inner ${updates.dims.length - outer} dimensions of updates.shape=${updates.toRuntimeString()}`,
      );
    }
  }
  return output;
}

registerOp({
  type: "ScatterNd",
  opDef: {
    inputs: ["indices: Tindices", "updates: T", "shape: Tindices"],
    outputs: ["output: T"],
    attrs: ["T: type", "Tindices: {int32, int64}"],
  },
  kernel: ([indices, updates, shape], op) => {
    const ind = indices as tfc.Tensor;
    const u = updates as tfc.Tensor;
    const out = readInts(shape as tfc.Tensor);
    const r = ind.shape[ind.rank - 1] as number;
    const rows = flatOffsets(ind, out.slice(0, r), "shape", out, op);
    const inner = sizeOf(out.slice(r));
    // Duplicate indices add up, as TF's ScatterNd does.
    const values = u.dataSync() as ArrayLike<number>;
    const result =
      u.dtype === "float32" ? new Float32Array(sizeOf(out)) : new Int32Array(sizeOf(out));
    rows.forEach((row, i) => {
      for (let j = 0; j < inner; j++)
        (result[row * inner + j] as number) += values[i * inner + j] as number;
    });
    return [tfc.tensor(result, out, u.dtype)];
  },
  inferShapes: (op: ShapeInferenceOp) => {
    const [i, u, s] = op.inputs as [Tensor, Tensor, Tensor];
    return [
      scatterNdShape(
        new ShapeInference(op.name, op.type, [i.shape, u.shape, s.shape]),
        i.shape,
        u.shape,
        constantValueAsShape(s),
      ),
    ];
  },
});

/** TF 1.15's v1 `gather_nd(params, indices, name=None, batch_dims=0)`. */
const GATHER_ND_PARAMS = [
  req("params", tensorKind),
  req("indices", tensorKind),
  opt("name", stringKind),
  opt("batchDims", intKind),
] as const;

/** Builds `GatherNd` named exactly by `scope` on converted inputs. */
function gatherNdIn(graph: Graph, scope: string, params: Tensor, indices: Tensor): Tensor {
  checkOpInputs("GatherNd", [params, indices], {});
  const si = new ShapeInference(opNameOf(scope), "GatherNd", [params.shape, indices.shape]);
  const out = gatherNdShape(si, params.shape, indices.shape);
  return makeOp(
    graph,
    "GatherNd",
    scope,
    [params, indices],
    [{ dtype: params.dtype, shape: out }],
    {
      Tparams: params.dtype,
      Tindices: indices.dtype,
    },
  ).outputs[0] as Tensor;
}

/** `gen_array_ops.gather_nd(params, indices, name)` on converted inputs. */
export function gatherNdOp(params: Tensor, indices: Tensor, name?: string): Tensor {
  return inOpScope(name, "GatherNd", [params, indices], (scope, graph) =>
    gatherNdIn(graph, scope, params, indices),
  );
}

/**
 * Gathers slices of `params` at the index tuples of `indices`' last axis (`tf.gather_nd`,
 * op `GatherNd`): the result has shape `indices.shape[:-1] + params.shape[indices.shape[-1]:]`.
 * With `batchDims` = B, the first B dimensions of `params` and `indices` are batch
 * dimensions: each batch entry's index tuples index into that entry of `params` (TF's
 * `batch_gather_nd` graph, in a `BatchGatherND` name scope).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.gatherNd(tf.constant([[1, 2], [3, 4]]), [[1, 0], [0, 1]])); // ==> [3. 2.]
 * sess.run(tf.gatherNd(tf.constant([[1, 2], [3, 4]]), [[1], [0]], { batchDims: 1 })); // ==> [2. 3.]
 * ```
 */
export const gatherNd = tfFunction("gatherNd", GATHER_ND_PARAMS, (a) => {
  // conv3d: TF 1.15's batch_dims path.
  if ((a.batchDims ?? 0) !== 0) return batchGatherNd(a.params, a.indices, a.batchDims ?? 0, a.name);
  return inOpScope(a.name, "GatherNd", [a.params, a.indices], (scope, graph) => {
    const params = convertToTensor(a.params, { name: "params" });
    const indices = convertToTensor(a.indices, { name: "indices", preferredDtype: "int32" });
    return gatherNdIn(graph, scope, params, indices);
  });
});

/** Builds `ScatterNd` named exactly by `scope` on converted inputs. */
function scatterNdIn(
  graph: Graph,
  scope: string,
  indices: Tensor,
  updates: Tensor,
  shape: Tensor,
): Tensor {
  checkOpInputs("ScatterNd", [indices, updates, shape], {});
  const shapeValue = constantValue(shape);
  const si = new ShapeInference(
    opNameOf(scope),
    "ScatterNd",
    [indices.shape, updates.shape, shape.shape],
    shapeValue === null ? {} : { tensors: [[2, shapeValue]] },
  );
  si.withRank(shape.shape, 1);
  const out = scatterNdShape(si, indices.shape, updates.shape, constantValueAsShape(shape));
  return makeOp(
    graph,
    "ScatterNd",
    scope,
    [indices, updates, shape],
    [{ dtype: updates.dtype, shape: out }],
    { T: updates.dtype, Tindices: indices.dtype },
  ).outputs[0] as Tensor;
}

/**
 * `gen_array_ops.scatter_nd(indices, updates, shape, name)` on converted indices and
 * updates; a `shape` list holding tensors is packed inside the op's scope, as TF's
 * op builder converts it.
 */
export function scatterNdOp(
  indices: Tensor,
  updates: Tensor,
  shape: Packable,
  name?: string,
): Tensor {
  return inOpScope(name, "ScatterNd", [indices, updates, shape], (scope, graph) => {
    // op_def_library checks each input as it converts it: `indices` binds Tindices first.
    checkLeadingInputs("ScatterNd", [indices, updates]);
    const s = convertBound(shape, indices.dtype, "shape", "ScatterNd");
    return scatterNdIn(graph, scope, indices, updates, s);
  });
}

/** TF 1.15's `scatter_nd(indices, updates, shape, name=None)`. */
const SCATTER_ND_PARAMS = [
  req("indices", tensorKind),
  req("updates", tensorKind),
  req("shape", tensorKind),
  opt("name", stringKind),
] as const;

/**
 * A zero tensor of `shape` with `updates` added at the index tuples of `indices`
 * (`tf.scatter_nd`, op `ScatterNd`); updates of the same index add up.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.scatterNd([[1], [3], [1]], [9, 10, 2], [5])); // ==> [ 0. 11.  0. 10.  0.]
 * ```
 */
export const scatterNd = tfFunction("scatterNd", SCATTER_ND_PARAMS, (a) =>
  inOpScope(a.name, "ScatterNd", [a.indices, a.updates, a.shape], (scope, graph) => {
    const indices = convertToTensor(a.indices, { name: "indices", preferredDtype: "int32" });
    const updates = convertToTensor(a.updates, { name: "updates" });
    // TF's op builder checks `Tindices` when `indices` sets it, before `shape` converts.
    checkLeadingInputs("ScatterNd", [indices, updates]);
    const shape = convertBound(a.shape, indices.dtype, "shape", "ScatterNd");
    return scatterNdIn(graph, scope, indices, updates, shape);
  }),
);
