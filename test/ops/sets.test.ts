/**
 * `tf.sets` over dense tensors and SparseTensors: the ops DenseToDenseSetOperation,
 * DenseToSparseSetOperation, SparseToSparseSetOperation and SetSize, with TF 1.15's
 * results (sorted rows, empty rows left out), kernel checks and shape-function errors.
 * Cases follow TF's sets_test.py.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

/** `_dense_to_sparse`: each row's values (ragged), as a SparseTensor of the given dtype. */
function sparse(rows: (number | string)[][], dtype: tf.DType = tf.int32, width?: number) {
  const indices: number[][] = [];
  const values: (number | string)[] = [];
  rows.forEach((row, r) =>
    row.forEach((v, c) => {
      indices.push([r, c]);
      values.push(v);
    }),
  );
  const w = width ?? Math.max(0, ...rows.map((r) => r.length));
  return new tf.SparseTensor(
    tf.constant(indices.length === 0 ? tf.zeros([0, 2], tf.int64) : indices, tf.int64),
    tf.constant(values, dtype),
    tf.constant([rows.length, w], tf.int64),
  );
}

function run(st: tf.SparseTensor): [unknown, unknown, unknown] {
  using sess = new tf.Session();
  const [i, v, s] = sess.run([st.indices, st.values, st.denseShape]);
  return [i!.toArray(), v!.toArray(), s!.toArray()];
}

describe("tf.sets.setIntersection", () => {
  it("dense a with a sparse b (DenseToSparseSetOperation); rows without a result are left out", () => {
    const a = tf.constant(
      [
        [9, 1, 5],
        [2, 4, 3],
      ],
      tf.int32,
    );
    const r = tf.sets.setIntersection(a, sparse([[1, 9], [1]]));
    expect(r.indices.op.type).toBe("DenseToSparseSetOperation");
    expect(r.indices.op.name).toBe("DenseToSparseSetOperation");
    expect(r.indices.shape.toString()).toBe("(?, 2)");
    expect(r.denseShape.shape.toString()).toBe("(2,)");
    expect(run(r)).toEqual([
      [
        [0, 0],
        [0, 1],
      ],
      [1, 9],
      [2, 2],
    ]);
  });

  it("a sparse a and a dense b are swapped", () => {
    const r = tf.sets.setIntersection(sparse([[1, 9], [1]]), [
      [9, 1, 5],
      [2, 4, 3],
    ]);
    expect(r.indices.op.type).toBe("DenseToSparseSetOperation");
    expect(r.indices.op.inputs[0]!.op.name).toBe("b");
    expect(run(r)[1]).toEqual([1, 9]);
  });

  it("two sparse sets (SparseToSparseSetOperation), groups one side lacks meet the empty set", () => {
    const a = sparse([[1, 3], [], [4, 4, 7]], tf.int64, 3);
    const b = sparse([[3], [2], [7, 1]], tf.int64, 3);
    const r = tf.sets.setIntersection(a, b);
    expect(r.indices.op.type).toBe("SparseToSparseSetOperation");
    expect(r.values.dtype).toBe("int64");
    expect(run(r)).toEqual([
      [
        [0, 0],
        [2, 0],
      ],
      [3, 7],
      [3, 1],
    ]);
    const u = tf.sets.setUnion(a, b);
    expect(run(u)).toEqual([
      [
        [0, 0],
        [0, 1],
        [1, 0],
        [2, 0],
        [2, 1],
        [2, 2],
      ],
      [1, 3, 2, 1, 4, 7],
      [3, 3],
    ]);
  });

  it("rank 3 sets: a row per [i, j]", () => {
    const a = tf.constant(
      [
        [
          [1, 2],
          [3, 4],
        ],
        [
          [5, 6],
          [7, 8],
        ],
      ],
      tf.int32,
    );
    const b = new tf.SparseTensor(
      tf.constant(
        [
          [0, 1, 0],
          [1, 0, 0],
          [1, 0, 1],
        ],
        tf.int64,
      ),
      tf.constant([4, 6, 5], tf.int32),
      tf.constant([2, 2, 2], tf.int64),
    );
    expect(run(tf.sets.setIntersection(a, b))).toEqual([
      [
        [0, 1, 0],
        [1, 0, 0],
        [1, 0, 1],
      ],
      [4, 5, 6],
      [2, 2, 2],
    ]);
  });

  it("strings, sorted by their bytes", () => {
    const r = tf.sets.setUnion(tf.constant([["b", "a", "é"]]), sparse([["c", "a"]], tf.string));
    expect(run(r)[1]).toEqual(["a", "b", "c", "é"]);
  });
});

describe("tf.sets.setDifference", () => {
  const a = () =>
    tf.constant(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      tf.int32,
    );
  const b = () =>
    sparse([
      [2, 7],
      [4, 5, 6],
    ]);

  it("a - b and b - a", () => {
    const ab = tf.sets.setDifference(a(), b());
    expect(ab.indices.op.attrs.set_operation).toBe("a-b");
    expect(run(ab)).toEqual([
      [
        [0, 0],
        [0, 1],
      ],
      [1, 3],
      [2, 2],
    ]);
    const ba = tf.sets.setDifference(a(), b(), false);
    expect(run(ba)).toEqual([[[0, 0]], [7], [2, 1]]);
  });

  it("a sparse a with a dense b: swapped, and the operation turned round", () => {
    const r = tf.sets.setDifference(b(), a());
    expect(r.indices.op.type).toBe("DenseToSparseSetOperation");
    expect(r.indices.op.attrs.set_operation).toBe("b-a");
    expect(run(r)).toEqual([[[0, 0]], [7], [2, 1]]);
  });

  it("no element left: an empty sparse tensor whose last dim is 0", () => {
    const r = tf.sets.setDifference(b(), b());
    expect(r.indices.op.type).toBe("SparseToSparseSetOperation");
    expect(run(r)).toEqual([[], [], [2, 0]]);
  });
});

describe("tf.sets.setSize", () => {
  it("counts each row's distinct values", () => {
    const st = new tf.SparseTensor(
      tf.constant(
        [
          [0, 0],
          [0, 1],
          [0, 2],
          [2, 0],
        ],
        tf.int64,
      ),
      tf.constant([7, 7, 3, 1], tf.int32),
      tf.constant([3, 3], tf.int64),
    );
    const size = tf.sets.setSize(st);
    expect(size.op.type).toBe("SetSize");
    expect(size.dtype).toBe("int32");
    using sess = new tf.Session();
    expect(sess.run(size).toArray()).toEqual([2, 0, 1]);
  });

  it("of a set operation's result", () => {
    const r = tf.sets.setIntersection(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      sparse([[2, 3, 9], [9]]),
    );
    using sess = new tf.Session();
    expect(sess.run(tf.sets.setSize(r)).toArray()).toEqual([2, 0]);
  });

  it("refuses a dense tensor and a float SparseTensor", () => {
    const dense = tf.constant([[1, 2]], tf.int32);
    expectThrowsAndUnchanged(
      () => tf.sets.setSize(dense),
      TypeError,
      /^Expected `SparseTensor`, got Tensor\("Const:0", shape=\(1, 2\), dtype=int32\)\.$/,
    );
    const f = new tf.SparseTensor(
      tf.constant([[0, 0]], tf.int64),
      tf.constant([1.5]),
      tf.constant([1, 1], tf.int64),
    );
    expectThrowsAndUnchanged(
      () => tf.sets.setSize(f),
      TypeError,
      "Invalid dtype <dtype: 'float32'>.",
    );
  });
});

describe("checks", () => {
  it("dtypes: a set dtype, the same for both", () => {
    expectThrowsAndUnchanged(
      () => tf.sets.setUnion([[1.5]], [[1]]),
      TypeError,
      "'a' invalid dtype <dtype: 'float32'>.",
    );
    const a = tf.constant([[1]], tf.int64);
    const flags = tf.constant([[true]]);
    expectThrowsAndUnchanged(
      () => tf.sets.setUnion(a, flags),
      TypeError,
      "'b' invalid dtype <dtype: 'bool'>.",
    );
    const ints = tf.constant([[1]], tf.int32);
    expectThrowsAndUnchanged(
      () => tf.sets.setUnion(a, ints),
      TypeError,
      "Types don't match, <dtype: 'int64'> vs <dtype: 'int32'>.",
    );
  });

  it("shape functions refuse what TF refuses when building, the graph unchanged", () => {
    const a = tf.constant([1, 2], tf.int32);
    const b = tf.constant([[1, 2]], tf.int32);
    expectThrowsAndUnchanged(
      () => tf.sets.setIntersection(a, b),
      tf.errors.ValueError,
      "Shape must be at least rank 2 but is rank 1 for 'DenseToDenseSetOperation' (op: 'DenseToDenseSetOperation') with input shapes: [2], [1,2].",
    );
    const c = tf.constant([[1], [2]], tf.int32);
    const d = tf.constant([[1]], tf.int32);
    expectThrowsAndUnchanged(
      () => tf.sets.setIntersection(c, d),
      tf.errors.ValueError,
      /^Dimension 0 in both shapes must be equal, but are 2 and 1\./,
    );
    const rank3 = new tf.SparseTensor(
      tf.constant([[0, 0, 0]], tf.int64),
      tf.constant([1], tf.int32),
      tf.constant([1, 1, 1], tf.int64),
    );
    expectThrowsAndUnchanged(
      () => tf.sets.setIntersection(b, rank3),
      tf.errors.ValueError,
      "Dimension must be 2 but is 3 for 'DenseToSparseSetOperation' (op: 'DenseToSparseSetOperation') with input shapes: [1,2], [1,3], [1], [3].",
    );
    const badIndices = new tf.SparseTensor(
      tf.constant([[0, 0]], tf.int64),
      tf.constant([1, 2], tf.int32),
      tf.constant([1, 2], tf.int64),
    );
    expectThrowsAndUnchanged(
      () => tf.sets.setIntersection(b, badIndices),
      tf.errors.ValueError,
      /^Number of elements in index \(1\) and values \(2\) do not match\. for 'DenseToSparseSetOperation'/,
    );
    const rank1 = new tf.SparseTensor(
      tf.constant([[0]], tf.int64),
      tf.constant([1], tf.int32),
      tf.constant([1], tf.int64),
    );
    expectThrowsAndUnchanged(
      () => tf.sets.setIntersection(rank1, rank1),
      tf.errors.ValueError,
      /^Input 0, expected rank >= 2, got 1\. for 'SparseToSparseSetOperation'/,
    );
  });

  function runError(fn: () => tf.SparseTensor, message: string | RegExp): void {
    const r = fn();
    using sess = new tf.Session();
    expect(() => sess.run(r.values)).toThrow(message);
    try {
      sess.run(r.values);
    } catch (e) {
      expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
    }
  }

  it("the kernels check the sparse indices as TF's IndicesValid", () => {
    const dense = () =>
      tf.placeholderWithDefault(
        tf.constant(
          [
            [1, 2],
            [3, 4],
          ],
          tf.int32,
        ),
        [null, null],
      );
    const st = (indices: number[][], shape = [2, 2]) =>
      new tf.SparseTensor(
        tf.constant(indices, tf.int64),
        tf.constant(
          indices.map((_, i) => i),
          tf.int32,
        ),
        tf.constant(shape, tf.int64),
      );
    runError(
      () =>
        tf.sets.setIntersection(
          dense(),
          st([
            [1, 0],
            [0, 1],
          ]),
        ),
      "indices[1] = [0,1] is out of order",
    );
    runError(
      () =>
        tf.sets.setIntersection(
          dense(),
          st([
            [0, 1],
            [0, 1],
          ]),
        ),
      "indices[1] = [0,1] is repeated",
    );
    runError(
      () =>
        tf.sets.setIntersection(
          dense(),
          st([
            [0, 0],
            [0, 2],
          ]),
        ),
      "indices[1] = [0,2] is out of bounds: need 0 <= index < [2,2]",
    );
    runError(
      () => tf.sets.setIntersection(dense(), st([[0, 0]], [3, 2])),
      "Mismatched shapes [2] vs [3]",
    );
    // SparseToSparse validates its first set only.
    runError(
      () =>
        tf.sets.setUnion(
          st([
            [1, 0],
            [0, 0],
          ]),
          st([[0, 0]]),
        ),
      "indices[1] = [0,0] is out of order",
    );
    using sess = new tf.Session();
    const unvalidated = tf.sets.setUnion(
      st([[0, 0]]),
      st([
        [0, 1],
        [0, 0],
      ]),
    );
    expect(sess.run(unvalidated.values).toArray()).toEqual([0, 1]);
  });

  it("SetSize checks its set as the set operations do", () => {
    const st = new tf.SparseTensor(
      tf.constant([[0, 0]], tf.int64),
      tf.constant([1], tf.int32),
      tf.placeholder(tf.int64, [null]),
    );
    const size = tf.sets.setSize(st);
    using sess = new tf.Session();
    expect(() => sess.run(size, new Map([[st.denseShape, [2]]]))).toThrow("Invalid rank 1.");
  });
});

describe("graph import", () => {
  it("the set ops, SparseReshape and SparseConcat run from an imported GraphDef, shapes inferred", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const labels = new tf.SparseTensor(
        tf.constant(
          [
            [0, 0],
            [1, 0],
            [1, 1],
          ],
          tf.int64,
        ),
        tf.constant([1, 0, 2], tf.int64),
        tf.constant([2, 2], tf.int64),
      );
      const predictions = tf.constant([
        [0.1, 0.8, 0.1],
        [0.2, 0.3, 0.5],
      ]);
      tf.metrics.averagePrecisionAtK(labels, predictions, 2, null, null, null, "ap");
      tf.metrics.precisionAtK(labels, predictions, 2, 2, null, null, null, "p");
    });
    const imported = new tf.Graph();
    imported.asDefault(() => tf.importGraphDef(g.asGraphDef(), { name: "" }));
    const types = new Set(imported.getOperations().map((o) => o.type));
    for (const t of [
      "DenseToSparseSetOperation",
      "SparseToSparseSetOperation",
      "SparseReshape",
      "SparseConcat",
      "SetSize",
    ]) {
      expect(types.has(t), t).toBe(true);
    }
    const concat = imported.getOperationByName("ap/average_precision/labels_per_k");
    // TF's shape function: 3 entries twice; the new shape's length is known only when running.
    expect(concat.outputs.map((t) => t.shape.toString())).toEqual(["(6, ?)", "(6,)", "(?,)"]);
    imported.asDefault(() => {
      using sess = new tf.Session();
      // The GraphDef holds no collections: the variables' Assign ops initialize them.
      for (const op of imported.getOperations().filter((o) => o.type === "Assign")) sess.run(op);
      const ap = imported.getTensorByName("ap:0");
      const p = imported.getTensorByName("p/update:0");
      // Row 0: {1} first; row 1: ids [2, 1] vs {0, 2}: 2 first, so 1 / min(2, 2).
      expect(sess.run(ap).item()).toBeCloseTo((1 + 1 / 2) / 2, 6);
      expect(sess.run(p).item()).toBe(1);
    });
  });
});
