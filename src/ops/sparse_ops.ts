import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, ValueError } from "../errors.js";
import type { Tensor, TensorLike } from "../graph/tensor.js";
import { TensorShape, type Dim } from "../graph/tensor_shape.js";
import { cast } from "./array/cast.js";
import { gather } from "./array/gather.js";
import { reshape } from "./array/reshape.js";
import { where } from "./array/where.js";
import { convertToTensor } from "./convert.js";
import { identity } from "./math/unary.js";
import { inOpScope, makeOp, opNameOf } from "./op_scope.js";
import { registerOp } from "./registry.js";
import { ShapeInference } from "./shape_utils.js";
import { SparseTensor } from "./sparse_tensor.js";

/*
 * The sparse ops the at-k metrics need for SparseTensor labels (TF 1.15's sparse_ops.py):
 * `sparse_reshape` (op `SparseReshape`), `sparse_concat` (op `SparseConcat`) and
 * `sparse_retain` (made of `Where` and `GatherV2`).
 */

/** TensorShape::DebugString of a runtime shape: `[2,3]`. */
function debugShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/** Row-major strides of a shape. */
function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let product = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = product;
    product *= shape[d] as number;
  }
  return out;
}

/** reshape_util.cc's `Reshape`: each entry's row-major position, in the new shape. */
function sparseReshapeKernel(
  indicesT: tfc.Tensor,
  shapeT: tfc.Tensor,
  targetT: tfc.Tensor,
  opName: string,
): tfc.Tensor[] {
  const fail = (msg: string): never => {
    throw new InvalidArgumentError(msg, opName);
  };
  if (indicesT.rank !== 2) {
    fail(`Input indices should be a matrix but received shape ${debugShape(indicesT.shape)}`);
  }
  if (shapeT.rank !== 1) {
    fail(`Input shape should be a vector but received shape ${debugShape(shapeT.shape)}`);
  }
  if (targetT.rank !== 1) {
    fail(`Target shape should be a vector but received shape ${debugShape(targetT.shape)}`);
  }
  const inputShape = Array.from(shapeT.dataSync());
  const target = Array.from(targetT.dataSync());
  const denseSize = inputShape.reduce((a, b) => a * b, 1);
  const outputShape: number[] = [];
  let product = 1;
  let unknown = -1;
  target.forEach((size, d) => {
    if (size === -1) {
      if (unknown !== -1) {
        fail(`only one output dimension may be -1, not both ${unknown} and ${d}`);
      }
      unknown = d;
      outputShape.push(1);
    } else {
      if (size < 0) fail(`size ${d} must be non-negative, not ${size}`);
      product *= size;
      outputShape.push(size);
    }
  });
  if (unknown !== -1) {
    if (product <= 0) {
      fail(
        "reshape cannot infer the missing input size for an empty tensor unless all specified input sizes are non-zero",
      );
    }
    const missing = Math.floor(denseSize / product);
    if (product * missing !== denseSize) {
      fail(
        `Input to reshape is a SparseTensor with ${denseSize} dense values, but the requested shape requires a multiple of ${product}. inputShape=${debugShape(inputShape)} outputShape=${debugShape(outputShape)}`,
      );
    }
    outputShape[unknown] = missing;
  }
  const outputSize = outputShape.reduce((a, b) => a * b, 1);
  if (outputSize !== denseSize) {
    fail(
      `Input to reshape is a tensor with ${denseSize} dense values, but the requested shape has ${outputSize}. inputShape=${debugShape(inputShape)} outputShape=${debugShape(outputShape)}`,
    );
  }
  const n = indicesT.shape[0] as number;
  const inRank = inputShape.length;
  const outRank = outputShape.length;
  const inStrides = strides(inputShape);
  const outStrides = strides(outputShape);
  const ix = indicesT.dataSync();
  const out = new Int32Array(n * outRank);
  for (let e = 0; e < n; e++) {
    let id = 0;
    for (let d = 0; d < inRank; d++)
      id += (ix[e * inRank + d] as number) * (inStrides[d] as number);
    for (let d = 0; d < outRank; d++) {
      const s = outStrides[d] as number;
      out[e * outRank + d] = Math.floor(id / s);
      id %= s;
    }
  }
  return [tfc.tensor2d(out, [n, outRank], "int32"), tfc.tensor1d(outputShape, "int32")];
}

/** `SparseReshape`'s shape function. */
function sparseReshapeShapes(c: ShapeInference): TensorShape[] {
  const [indices, shape, newShape] = c.inputShapes as [TensorShape, TensorShape, TensorShape];
  const ix = c.withRank(indices, 2);
  c.withRank(shape, 1);
  const target = c.withRank(newShape, 1);
  return [new TensorShape([ix[0] ?? null, target[0] ?? null]), new TensorShape(target)];
}

registerOp({
  type: "SparseReshape",
  opDef: {
    inputs: ["input_indices: int64", "input_shape: int64", "new_shape: int64"],
    outputs: ["output_indices: int64", "output_shape: int64"],
  },
  kernel: ([indices, shape, target], op) =>
    sparseReshapeKernel(indices as tfc.Tensor, shape as tfc.Tensor, target as tfc.Tensor, op.name),
  inferShapes: (op) =>
    sparseReshapeShapes(
      new ShapeInference(
        op.name,
        op.type,
        op.inputs.map((t) => t.shape),
      ),
    ),
});

/**
 * TF 1.15's `sparse_reshape(sp_input, shape, name=None)`: the same entries in a dense shape
 * of as many elements (one dim may be -1); the values go through an `Identity`.
 */
export function sparseReshape(sp: SparseTensor, shape: TensorLike, name?: string): SparseTensor {
  return inOpScope(
    name,
    "SparseReshape",
    [sp.indices, sp.values, sp.denseShape],
    (scope, graph) => {
      let newShape = convertToTensor(shape, { preferredDtype: "int64" });
      if (newShape.dtype !== "int64") newShape = cast(newShape, "int64");
      const inputs = [sp.indices, sp.denseShape, newShape];
      const c = new ShapeInference(
        opNameOf(scope),
        "SparseReshape",
        inputs.map((t) => t.shape),
      );
      const [indicesShape, outShape] = sparseReshapeShapes(c) as [TensorShape, TensorShape];
      const op = makeOp(graph, "SparseReshape", scope, inputs, [
        { dtype: "int64", shape: indicesShape },
        { dtype: "int64", shape: outShape },
      ]);
      return new SparseTensor(
        op.outputs[0] as Tensor,
        identity(sp.values),
        op.outputs[1] as Tensor,
      );
    },
  );
}

/**
 * sparse_concat_op.cc: the inputs' entries, each input's moved along `concat_dim` past the
 * inputs before it, all in row-major order.
 */
function sparseConcatKernel(
  inputs: readonly tfc.Tensor[],
  concatDimAttr: number,
  opName: string,
): tfc.Tensor[] {
  const fail = (msg: string): never => {
    throw new InvalidArgumentError(msg, opName);
  };
  const n = inputs.length / 3;
  const inds = inputs.slice(0, n);
  const vals = inputs.slice(n, 2 * n);
  const shapes = inputs.slice(2 * n);
  inds.forEach((t, i) => {
    if (t.rank !== 2) {
      fail(
        `Input indices should be a matrix but received shape ${debugShape(t.shape)} at position ${i}`,
      );
    }
  });
  vals.forEach((t, i) => {
    if (t.rank !== 1) {
      fail(
        `Input values should be a vector but received shape ${debugShape(t.shape)} at position ${i}`,
      );
    }
  });
  shapes.forEach((t, i) => {
    if (t.rank !== 1) {
      fail(
        `Input shapes should be a vector but received shape ${debugShape(t.shape)} at position ${i}`,
      );
    }
  });
  const dims = shapes.map((t) => Array.from(t.dataSync()));
  const inputShape = dims[0] as number[];
  const rank = inputShape.length;
  const concatDim = concatDimAttr < 0 ? rank + concatDimAttr : concatDimAttr;
  if (concatDim < 0 || concatDim >= rank) {
    fail(`Concat dimension must be in range [${-rank}, ${rank}), got ${concatDimAttr}`);
  }
  for (let i = 1; i < n; i++) {
    const current = dims[i] as number[];
    if (current.length !== rank) {
      fail(
        `Ranks of all input tensors must match: expected ${rank} but got ${current.length} at position ${i}`,
      );
    }
    for (let j = 0; j < rank; j++) {
      if (j !== concatDim && inputShape[j] !== current[j]) {
        fail(
          `Input shapes must match: expected ${inputShape[j]} for dimension ${j} but got ${current[j]} at position ${i}`,
        );
      }
    }
  }
  const entries: { index: number[]; value: number | string }[] = [];
  let offset = 0;
  for (let i = 0; i < n; i++) {
    const ix = (inds[i] as tfc.Tensor).dataSync();
    const v = Array.from((vals[i] as tfc.Tensor).dataSync() as ArrayLike<number | string>);
    v.forEach((value, e) => {
      const index = Array.from(ix.subarray(e * rank, (e + 1) * rank));
      index[concatDim] = (index[concatDim] as number) + offset;
      entries.push({ index, value });
    });
    offset += (dims[i] as number[])[concatDim] as number;
  }
  entries.sort((a, b) => {
    for (let d = 0; d < rank; d++) {
      const diff = (a.index[d] as number) - (b.index[d] as number);
      if (diff !== 0) return diff;
    }
    return 0;
  });
  const outShape = inputShape.slice();
  outShape[concatDim] = offset;
  const dtype = (vals[0] as tfc.Tensor).dtype;
  const values = entries.map((e) => e.value);
  return [
    tfc.tensor2d(
      entries.flatMap((e) => e.index),
      [entries.length, rank],
      "int32",
    ),
    dtype === "string"
      ? tfc.tensor1d(values as string[], "string")
      : tfc.tensor1d(values as number[], dtype),
    tfc.tensor1d(outShape, "int32"),
  ];
}

/** `SparseConcat`'s shape function. */
function sparseConcatShapes(c: ShapeInference): TensorShape[] {
  const n = c.inputShapes.length / 3;
  let rows: Dim = 0;
  let cols: Dim = null;
  let shape = TensorShape.unknown();
  for (let i = 0; i < n; i++) {
    const ind = c.withRank(c.inputShapes[i] as TensorShape, 2);
    const val = c.withRank(c.inputShapes[i + n] as TensorShape, 1);
    const shp = new TensorShape(c.withRank(c.inputShapes[i + 2 * n] as TensorShape, 1));
    const num = c.mergeDim(ind[0] ?? null, val[0] ?? null);
    rows = rows === null || num === null ? null : rows + num;
    cols = c.mergeDim(cols, ind[1] ?? null);
    shape = c.mergeShape(shape, shp);
  }
  return [new TensorShape([rows, cols]), new TensorShape([rows]), shape];
}

registerOp({
  type: "SparseConcat",
  opDef: {
    inputs: ["indices: N * int64", "values: N * T", "shapes: N * int64"],
    outputs: ["output_indices: int64", "output_values: T", "output_shape: int64"],
    attrs: ["concat_dim: int", "N: int >= 2", "T: type"],
  },
  kernel: (inputs, op) =>
    sparseConcatKernel(inputs as tfc.Tensor[], op.attrs.concat_dim as number, op.name),
  inferShapes: (op) =>
    sparseConcatShapes(
      new ShapeInference(
        op.name,
        op.type,
        op.inputs.map((t) => t.shape),
      ),
    ),
});

/**
 * TF 1.15's `sparse_concat(axis, sp_inputs, name=None)` (without `expand_nonconcat_dim`):
 * one input is returned as it is.
 */
export function sparseConcat(
  axis: number,
  spInputs: readonly SparseTensor[],
  name?: string,
): SparseTensor {
  if (spInputs.length === 1) return spInputs[0] as SparseTensor;
  const inputs = [
    ...spInputs.map((s) => s.indices),
    ...spInputs.map((s) => s.values),
    ...spInputs.map((s) => s.denseShape),
  ];
  return inOpScope(name, "SparseConcat", inputs, (scope, graph) => {
    const c = new ShapeInference(
      opNameOf(scope),
      "SparseConcat",
      inputs.map((t) => t.shape),
    );
    const [indices, values, shape] = sparseConcatShapes(c) as [
      TensorShape,
      TensorShape,
      TensorShape,
    ];
    const dtype = (spInputs[0] as SparseTensor).dtype;
    const op = makeOp(
      graph,
      "SparseConcat",
      scope,
      inputs,
      [
        { dtype: "int64", shape: indices },
        { dtype, shape: values },
        { dtype: "int64", shape },
      ],
      { concat_dim: axis, N: spInputs.length, T: dtype },
    );
    return new SparseTensor(
      op.outputs[0] as Tensor,
      op.outputs[1] as Tensor,
      op.outputs[2] as Tensor,
    );
  });
}

/**
 * TF 1.15's `sparse_retain(sp_input, to_retain)`: the entries where the bool vector
 * `to_retain` is true (`Where`, then `GatherV2` of indices and values), the dense shape
 * through an `Identity`. No name scope of its own, as in TF.
 */
export function sparseRetain(sp: SparseTensor, toRetain: Tensor): SparseTensor {
  const retainShape = toRetain.shape;
  if (retainShape.rank !== 1) {
    throw new ValueError(`Shape ${retainShape.toString()} must have rank 1`);
  }
  const valuesDim = sp.values.shape.dims?.[0] ?? null;
  const retainDim = retainShape.dims?.[0] ?? null;
  if (valuesDim !== null && retainDim !== null && valuesDim !== retainDim) {
    throw new ValueError(`Dimensions ${valuesDim} and ${retainDim} are not compatible`);
  }
  const whereTrue = reshape(where(toRetain), [-1]);
  const newIndices = gather(sp.indices, whereTrue);
  const newValues = gather(sp.values, whereTrue);
  return new SparseTensor(newIndices, newValues, identity(sp.denseShape));
}
