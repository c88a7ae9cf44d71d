import * as tfc from "@tensorflow/tfjs-core";
import { InternalError, InvalidArgumentError } from "../../errors.js";
import type { DType } from "../../graph/dtypes.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp, type ShapeInferenceOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";

/*
 * TF 1.15's set operations over the last dimension (`set_kernels.cc`), which
 * `tf.sets.set_intersection`/`set_difference`/`set_union` build, which Keras graphs hold
 * (the `assert_broadcastable` check of sample weights) and which the at-k metrics count
 * with. Each row of the batch is a set: its values without repeats; the result is a sparse
 * tensor of each row's result set, sorted, rows without elements left out. Sets come as
 * dense rows or as a sparse tensor (the rows given by all indices but the last).
 */

/** The set operations of `set_operation` (TF reads the attr lowercased). */
export type SetOperationName = "a-b" | "b-a" | "intersection" | "union";

type SetValue = number | string;

/** UTF-8 byte order of strings (std::set<tstring>), which is code point order. */
function compareStrings(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done === true) return cb.done === true ? 0 : -1;
    if (cb.done === true) return 1;
    const d = (ca.value.codePointAt(0) as number) - (cb.value.codePointAt(0) as number);
    if (d !== 0) return d;
  }
}

function compareValues(a: SetValue, b: SetValue): number {
  return typeof a === "string" ? compareStrings(a, b as string) : a - (b as number);
}

const OPERATIONS: Record<SetOperationName, (a: Set<SetValue>, b: Set<SetValue>) => SetValue[]> = {
  "a-b": (a, b) => [...a].filter((x) => !b.has(x)),
  "b-a": (a, b) => [...b].filter((x) => !a.has(x)),
  intersection: (a, b) => [...a].filter((x) => b.has(x)),
  union: (a, b) => [...new Set([...a, ...b])],
};

function setOperationOf(op: Operation): (a: Set<SetValue>, b: Set<SetValue>) => SetValue[] {
  const attr = op.attrs.set_operation;
  const name = typeof attr === "string" ? attr.toLowerCase() : "";
  if (!(name in OPERATIONS)) {
    throw new InvalidArgumentError(`Invalid set_operation ${String(attr)}.`, op.name);
  }
  return OPERATIONS[name as SetOperationName];
}

/** TensorShape::DebugString of a runtime shape: `[2,3]`. */
function debugShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/** A tensor's elements as set values: numbers, or strings for string tensors. */
function elementsOf(t: tfc.Tensor): SetValue[] {
  return Array.from(t.dataSync() as ArrayLike<SetValue>);
}

/** One input set tensor, read: its group (all dims but the last) and its rows. */
export interface SetInput {
  /** The full shape (a sparse tensor's dense shape). */
  readonly shape: readonly number[];
  /** The rows in row-major group order, each its group key and its values. */
  readonly rows: Iterable<{ readonly key: readonly number[]; readonly values: SetValue[] }>;
}

/** `PopulateGroupIndices`: a flat group index as one index per group dim. */
function groupIndices(flat: number, groupShape: readonly number[]): number[] {
  const out = new Array<number>(groupShape.length);
  let rest = flat;
  for (let d = groupShape.length - 1; d >= 0; d--) {
    const dim = groupShape[d] as number;
    out[d] = rest % dim;
    rest = Math.floor(rest / dim);
  }
  return out;
}

/** A dense set tensor: every row of its group shape, in row-major order. */
function denseInput(t: tfc.Tensor): SetInput & { readonly values: SetValue[] } {
  const shape = t.shape;
  const values = elementsOf(t);
  const width = shape[shape.length - 1] ?? 1;
  const groupShape = shape.slice(0, -1);
  const n = groupShape.reduce((a, b) => a * b, 1);
  return {
    shape,
    values,
    rows: (function* () {
      for (let r = 0; r < n; r++) {
        yield {
          key: groupIndices(r, groupShape),
          values: values.slice(r * width, (r + 1) * width),
        };
      }
    })(),
  };
}

/**
 * `SparseTensorFromContext` and `SparseTensor::Create`: a sparse set tensor's parts
 * checked (rank at least 2, indices a matrix matching the values and the shape), and, when
 * `validate`, `IndicesValid` (each index in bounds, in row-major order, not repeated).
 */
export function sparseInput(
  indicesT: tfc.Tensor,
  valuesT: tfc.Tensor,
  shapeT: tfc.Tensor,
  validate: boolean,
  op: Operation,
): SetInput {
  const fail = (msg: string): never => {
    throw new InvalidArgumentError(msg, op.name);
  };
  const shape = Array.from(shapeT.dataSync());
  for (const d of shape) if (d < 0) fail(`Dimension ${d} must be >= 0`);
  if (shape.length < 2) fail(`Invalid rank ${shape.length}.`);
  if (indicesT.rank !== 2) {
    fail(`indices must be a matrix, but got: ${debugShape(indicesT.shape)}`);
  }
  if (valuesT.rank !== 1) fail(`vals must be a vec, but got: ${debugShape(valuesT.shape)}`);
  const n = indicesT.shape[0] as number;
  if (n !== valuesT.shape[0]) {
    fail(
      `indices and values rows (indexing dimension) must match. (indices = ${n}, values = ${valuesT.shape[0]})`,
    );
  }
  const rank = indicesT.shape[1] as number;
  if (rank !== shape.length) fail("Shape rank must be SparseTensor rank.");
  const ix = indicesT.dataSync();
  const values = elementsOf(valuesT);
  const at = (e: number, d: number): number => ix[e * rank + d] as number;
  if (validate) {
    for (let e = 0; e < n; e++) {
      let valid = true;
      let different = e === 0;
      let increasing = true;
      for (let d = 0; d < rank; d++) {
        const v = at(e, d);
        if (v < 0 || v >= (shape[d] as number)) valid = false;
        if (e > 0) {
          const diff = v - at(e - 1, d);
          if (diff > 0) different = true;
          if (!different && diff < 0) increasing = false;
        }
      }
      if (!valid || !increasing || !different) {
        const index = `indices[${e}] = [${Array.from({ length: rank }, (_, d) => at(e, d)).join(",")}]`;
        if (!valid) fail(`${index} is out of bounds: need 0 <= index < [${shape.join(",")}]`);
        if (!increasing) fail(`${index} is out of order`);
        fail(`${index} is repeated`);
      }
    }
  }
  return {
    shape,
    // `SparseTensor::group`: runs of entries with equal group indices, in their order.
    rows: (function* () {
      let e = 0;
      while (e < n) {
        const key = Array.from({ length: rank - 1 }, (_, d) => at(e, d));
        const start = e;
        e++;
        while (e < n && key.every((k, d) => at(e, d) === k)) e++;
        checkGroup(start, e, rank, shape, at, op);
        yield { key, values: values.slice(start, e) };
      }
    })(),
  };
}

/** `CheckGroup`: the sanity check of a sparse group's indices (TF's Internal errors). */
function checkGroup(
  start: number,
  end: number,
  rank: number,
  shape: readonly number[],
  at: (e: number, d: number) => number,
  op: Operation,
): void {
  for (let d = 0; d < rank; d++) {
    const dim = shape[d] as number;
    if (dim <= 0) throw new InternalError(`Invalid dim_size[${d}] = ${dim}.`, op.name);
    for (let e = start; e < end; e++) {
      const index = at(e, d);
      if (index >= dim) {
        throw new InternalError(
          `indices[${e - start}, ${d}] expected < ${dim}, got ${index}.`,
          op.name,
        );
      }
    }
  }
}

/** `GroupShape`: all dims but the last, of a shape of rank 2 or more. */
export function groupShapeOf(shape: readonly number[], op: Operation): number[] {
  if (shape.length < 2) {
    throw new InvalidArgumentError(
      `Shape ${debugShape(shape)} has rank ${shape.length} < 2`,
      op.name,
    );
  }
  return shape.slice(0, -1);
}

/** `GroupShapeFromInputs`: both inputs' group shapes, which must be equal. */
function groupShapeFromInputs(
  shape1: readonly number[],
  shape2: readonly number[],
  op: Operation,
): number[] {
  const g1 = groupShapeOf(shape1, op);
  const g2 = groupShapeOf(shape2, op);
  if (g1.length !== g2.length || g1.some((d, i) => d !== g2[i])) {
    throw new InvalidArgumentError(
      `Mismatched shapes ${debugShape(g1)} vs ${debugShape(g2)}`,
      op.name,
    );
  }
  return g1;
}

/** Lexicographic order of group keys (std::map<std::vector<int64>, …>). */
function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * `OutputSparseTensor`: the non-empty result sets, by group key, as a sparse tensor of the
 * group shape plus the largest set's size.
 */
function outputSparseTensor(
  groupShape: readonly number[],
  sets: Map<string, { key: readonly number[]; values: SetValue[] }>,
  dtype: DType,
): tfc.Tensor[] {
  const groups = [...sets.values()].sort((x, y) => compareKeys(x.key, y.key));
  const rank = groupShape.length + 1;
  const indices: number[] = [];
  const values: SetValue[] = [];
  let maxSize = 0;
  for (const { key, values: set } of groups) {
    maxSize = Math.max(maxSize, set.length);
    set.forEach((v, k) => {
      indices.push(...key, k);
      values.push(v);
    });
  }
  const valuesT =
    dtype === "string"
      ? tfc.tensor1d(values as string[], "string")
      : tfc.tensor1d(values as number[], "int32");
  return [
    tfc.tensor2d(indices, [values.length, rank], "int32"),
    valuesT,
    tfc.tensor1d([...groupShape, maxSize], "int32"),
  ];
}

/** The operation on two rows, sorted as std::set keeps it; `null` when empty. */
function applyToRows(
  operation: (a: Set<SetValue>, b: Set<SetValue>) => SetValue[],
  a: readonly SetValue[],
  b: readonly SetValue[],
): SetValue[] | null {
  const result = operation(new Set(a), new Set(b)).sort(compareValues);
  return result.length === 0 ? null : result;
}

function keyString(key: readonly number[]): string {
  return key.join(",");
}

/** `ComputeDenseToDense`. */
function denseToDense(set1: tfc.Tensor, set2: tfc.Tensor, op: Operation): tfc.Tensor[] {
  const operation = setOperationOf(op);
  for (const t of [set1, set2]) {
    if (t.rank < 2) throw new InvalidArgumentError(`Invalid rank ${t.rank}.`, op.name);
  }
  const groupShape = groupShapeFromInputs(set1.shape, set2.shape, op);
  const rows2 = denseInput(set2).rows[Symbol.iterator]();
  const sets = new Map<string, { key: readonly number[]; values: SetValue[] }>();
  for (const row of denseInput(set1).rows) {
    const other = rows2.next().value as { values: SetValue[] };
    const result = applyToRows(operation, row.values, other.values);
    if (result !== null) sets.set(keyString(row.key), { key: row.key, values: result });
  }
  return outputSparseTensor(groupShape, sets, set1.dtype as DType);
}

/**
 * `ComputeDenseToSparse`: every row of the dense `set1`, against `set2`'s group of the same
 * key when the next one has it (TF walks the sparse groups in step with the dense rows).
 */
function denseToSparse(inputs: readonly tfc.Tensor[], op: Operation): tfc.Tensor[] {
  const operation = setOperationOf(op);
  const [set1, i2, v2, s2] = inputs as [tfc.Tensor, tfc.Tensor, tfc.Tensor, tfc.Tensor];
  const sparse = sparseInput(i2, v2, s2, true, op);
  const groupShape = groupShapeFromInputs(set1.shape, sparse.shape, op);
  const groups2 = sparse.rows[Symbol.iterator]();
  let next2 = groups2.next();
  const sets = new Map<string, { key: readonly number[]; values: SetValue[] }>();
  for (const row of denseInput(set1).rows) {
    let values2: SetValue[] = [];
    if (next2.done !== true && compareKeys(next2.value.key, row.key) === 0) {
      values2 = next2.value.values;
      next2 = groups2.next();
    }
    const result = applyToRows(operation, row.values, values2);
    if (result !== null) sets.set(keyString(row.key), { key: row.key, values: result });
  }
  return outputSparseTensor(groupShape, sets, set1.dtype as DType);
}

/**
 * `ComputeSparseToSparse`: the groups of both sparse sets merged by key (a group only one
 * side has meets an empty set). As in TF, only `set1`'s indices are validated.
 */
function sparseToSparse(inputs: readonly tfc.Tensor[], op: Operation): tfc.Tensor[] {
  const operation = setOperationOf(op);
  const t = inputs as [tfc.Tensor, tfc.Tensor, tfc.Tensor, tfc.Tensor, tfc.Tensor, tfc.Tensor];
  const sparse1 = sparseInput(t[0], t[1], t[2], true, op);
  const sparse2 = sparseInput(t[3], t[4], t[5], false, op);
  const groupShape = groupShapeFromInputs(sparse1.shape, sparse2.shape, op);
  const it1 = sparse1.rows[Symbol.iterator]();
  const it2 = sparse2.rows[Symbol.iterator]();
  let g1 = it1.next();
  let g2 = it2.next();
  const sets = new Map<string, { key: readonly number[]; values: SetValue[] }>();
  while (g1.done !== true || g2.done !== true) {
    // An exhausted side compares as larger than any group.
    const cmp =
      g1.done === true ? 1 : g2.done === true ? -1 : compareKeys(g1.value.key, g2.value.key);
    let key: readonly number[] = [];
    let values1: SetValue[] = [];
    let values2: SetValue[] = [];
    if (cmp <= 0 && g1.done !== true) {
      key = g1.value.key;
      values1 = g1.value.values;
      g1 = it1.next();
    }
    if (cmp >= 0 && g2.done !== true) {
      key = g2.value.key;
      values2 = g2.value.values;
      g2 = it2.next();
    }
    const result = applyToRows(operation, values1, values2);
    if (result !== null) sets.set(keyString(key), { key, values: result });
  }
  return outputSparseTensor(groupShape, sets, t[1].dtype as DType);
}

const SET_ATTRS = [
  "set_operation: string",
  "validate_indices: bool = true",
  "T: {int8, int16, int32, int64, uint8, uint16, string}",
] as const;
const SET_OUTPUTS = ["result_indices: int64", "result_values: T", "result_shape: int64"];

/** The three outputs' shapes: `[?, rank]`, `[?]`, `[rank]`. */
function resultShapes(rank: Dim): TensorShape[] {
  return [new TensorShape([null, rank]), new TensorShape([null]), new TensorShape([rank])];
}

/**
 * `ValidateSparseTensor` of the shape functions: indices a matrix, values and shape
 * vectors, as many values as indices, as many index columns as shape entries.
 */
function validateSparseTensor(
  c: ShapeInference,
  indices: TensorShape,
  values: TensorShape,
  shape: TensorShape,
): Dim {
  const ix = c.withRank(indices, 2);
  const v = c.withRank(values, 1);
  const s = c.withRank(shape, 1);
  const [n, indexRank] = [ix[0] ?? null, ix[1] ?? null];
  const numValues = v[0] ?? null;
  if (n !== null && numValues !== null && n !== numValues) {
    c.fail(`Number of elements in index (${n}) and values (${numValues}) do not match.`);
  }
  const shapeRank = s[0] ?? null;
  if (indexRank !== null && shapeRank !== null && indexRank !== shapeRank) {
    c.fail(`Index rank (${indexRank}) and shape rank (${shapeRank}) do not match.`);
  }
  return shapeRank;
}

function inference(op: ShapeInferenceOp): ShapeInference {
  return new ShapeInference(
    op.name,
    op.type,
    op.inputs.map((t) => t.shape),
  );
}

/** `DenseToDenseSetOperation`'s shape function. */
function denseToDenseShapes(c: ShapeInference, s0: TensorShape, s1: TensorShape): TensorShape[] {
  const d0 = c.withRankAtLeast(s0, 2);
  const d1 = c.withRankAtLeast(s1, 2);
  let rank: Dim = null;
  if (d0 !== null) {
    rank = d0.length;
    if (d1 !== null) {
      // TF takes both group shapes as the first rank(set2) - 1 dims (`Subshape` clamps).
      const end = d1.length - 1;
      c.mergeShape(new TensorShape(d0.slice(0, end)), new TensorShape(d1.slice(0, end)));
    }
  } else if (d1 !== null) {
    rank = d1.length;
  }
  return resultShapes(rank);
}

/** `DenseToSparseSetOperation`'s shape function. */
function denseToSparseShapes(c: ShapeInference, s: readonly TensorShape[]): TensorShape[] {
  const rank1 = validateSparseTensor(
    c,
    s[1] as TensorShape,
    s[2] as TensorShape,
    s[3] as TensorShape,
  );
  const d0 = c.withRankAtLeast(s[0] as TensorShape, 2);
  let rank: Dim = rank1;
  if (d0 !== null) rank = c.withValue(rank1, d0.length);
  return resultShapes(rank);
}

/** `SparseToSparseSetOperation`'s shape function. */
function sparseToSparseShapes(c: ShapeInference, s: readonly TensorShape[]): TensorShape[] {
  const r0 = validateSparseTensor(c, s[0] as TensorShape, s[1] as TensorShape, s[2] as TensorShape);
  const r1 = validateSparseTensor(c, s[3] as TensorShape, s[4] as TensorShape, s[5] as TensorShape);
  let rank: Dim = null;
  if (r0 !== null) {
    if (r0 < 2) c.fail(`Input 0, expected rank >= 2, got ${r0}.`);
    rank = c.withValue(r1, r0);
  } else if (r1 !== null) {
    if (r1 < 2) c.fail(`Input 1, expected rank >= 2, got ${r1}.`);
    rank = r1;
  }
  return resultShapes(rank);
}

registerOp({
  type: "DenseToDenseSetOperation",
  opDef: { inputs: ["set1: T", "set2: T"], outputs: SET_OUTPUTS, attrs: SET_ATTRS },
  kernel: ([set1, set2], op) => denseToDense(set1 as tfc.Tensor, set2 as tfc.Tensor, op),
  inferShapes: (op) => {
    const c = inference(op);
    return denseToDenseShapes(c, c.inputShapes[0] as TensorShape, c.inputShapes[1] as TensorShape);
  },
});

registerOp({
  type: "DenseToSparseSetOperation",
  opDef: {
    inputs: ["set1: T", "set2_indices: int64", "set2_values: T", "set2_shape: int64"],
    outputs: SET_OUTPUTS,
    attrs: SET_ATTRS,
  },
  kernel: (inputs, op) => denseToSparse(inputs as tfc.Tensor[], op),
  inferShapes: (op) => {
    const c = inference(op);
    return denseToSparseShapes(c, c.inputShapes);
  },
});

registerOp({
  type: "SparseToSparseSetOperation",
  opDef: {
    inputs: [
      "set1_indices: int64",
      "set1_values: T",
      "set1_shape: int64",
      "set2_indices: int64",
      "set2_values: T",
      "set2_shape: int64",
    ],
    outputs: SET_OUTPUTS,
    attrs: SET_ATTRS,
  },
  kernel: (inputs, op) => sparseToSparse(inputs as tfc.Tensor[], op),
  inferShapes: (op) => {
    const c = inference(op);
    return sparseToSparseShapes(c, c.inputShapes);
  },
});

type SetResult = [indices: Tensor, values: Tensor, shape: Tensor];

/** Builds one of the three set operation ops, its output shapes from its shape function. */
function buildSetOp(
  type: string,
  inputs: readonly Tensor[],
  valuesDType: DType,
  setOperation: SetOperationName,
  validateIndices: boolean,
  shapes: (c: ShapeInference) => TensorShape[],
  name: string | undefined,
): SetResult {
  return inOpScope(name, type, inputs, (scope, graph) => {
    // The shape function runs first: inputs it refuses never make a node.
    const c = new ShapeInference(
      opNameOf(scope),
      type,
      inputs.map((t) => t.shape),
    );
    const [indices, values, shape] = shapes(c) as [TensorShape, TensorShape, TensorShape];
    const op = makeOp(
      graph,
      type,
      scope,
      inputs,
      [
        { dtype: "int64", shape: indices },
        { dtype: valuesDType, shape: values },
        { dtype: "int64", shape },
      ],
      { set_operation: setOperation, validate_indices: validateIndices, T: valuesDType },
    );
    return [op.outputs[0] as Tensor, op.outputs[1] as Tensor, op.outputs[2] as Tensor];
  });
}

/**
 * `gen_set_ops.dense_to_dense_set_operation`: the op over two dense tensors of the same
 * group dims, as `tf.sets.set_difference`/`set_intersection`/`set_union` build it for
 * dense inputs; its outputs are the result's sparse indices, values and dense shape.
 */
export function denseToDenseSetOperation(
  set1: Tensor,
  set2: Tensor,
  setOperation: SetOperationName,
  validateIndices = true,
  name?: string,
): SetResult {
  return buildSetOp(
    "DenseToDenseSetOperation",
    [set1, set2],
    set1.dtype,
    setOperation,
    validateIndices,
    (c) => denseToDenseShapes(c, c.inputShapes[0] as TensorShape, c.inputShapes[1] as TensorShape),
    name,
  );
}

/** `gen_set_ops.dense_to_sparse_set_operation`: a dense `set1` against a sparse `set2`. */
export function denseToSparseSetOperation(
  set1: Tensor,
  set2Indices: Tensor,
  set2Values: Tensor,
  set2Shape: Tensor,
  setOperation: SetOperationName,
  validateIndices = true,
  name?: string,
): SetResult {
  return buildSetOp(
    "DenseToSparseSetOperation",
    [set1, set2Indices, set2Values, set2Shape],
    set1.dtype,
    setOperation,
    validateIndices,
    (c) => denseToSparseShapes(c, c.inputShapes),
    name,
  );
}

/** `gen_set_ops.sparse_to_sparse_set_operation`: two sparse sets. */
export function sparseToSparseSetOperation(
  set1: readonly [indices: Tensor, values: Tensor, shape: Tensor],
  set2: readonly [indices: Tensor, values: Tensor, shape: Tensor],
  setOperation: SetOperationName,
  validateIndices = true,
  name?: string,
): SetResult {
  return buildSetOp(
    "SparseToSparseSetOperation",
    [...set1, ...set2],
    set1[1].dtype,
    setOperation,
    validateIndices,
    (c) => sparseToSparseShapes(c, c.inputShapes),
    name,
  );
}
