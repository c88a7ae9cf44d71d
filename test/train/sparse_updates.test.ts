/**
 * Sparse gradients: `tf.gather`/`embeddingLookup` give an `IndexedSlices` for their params
 * (TF 1.15's `_GatherV2Grad`), `tf.gradients` aggregates them as TF does, a session fetches
 * them as an `IndexedSlicesValue`, and the optimizers update only the rows they name
 * (`ScatterSub`, `SparseApply*`, Adam's `ScatterAdd`s).
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as tf from "../../src/index.js";

beforeEach(() => tf.resetDefaultGraph());

const ROWS = 5;
const DIM = 2;
const INIT = Array.from({ length: ROWS * DIM }, (_, i) => 0.1 * (i + 1));

function table(name = "emb"): tf.Variable {
  return tf.getVariable(name, [ROWS, DIM], { initializer: tf.constantInitializer(INIT) });
}

function rowsOf(a: tf.NDArray): number[][] {
  return a.toArray() as number[][];
}

function close(a: number[][], b: number[][], tol = 1e-5): void {
  expect(a.length).toBe(b.length);
  a.forEach((r, i) =>
    r.forEach((x, j) => expect(Math.abs(x - (b[i]?.[j] as number))).toBeLessThan(tol)),
  );
}

describe("IndexedSlices", () => {
  it("is the gradient of an embedding lookup, through the variable's read", () => {
    const emb = table();
    const e = tf.nn.embeddingLookup(emb, [3, 1, 3]);
    const [g] = tf.gradients(tf.reduceSum(tf.multiply(e, [[1, 2]])), [emb]);
    expect(g).toBeInstanceOf(tf.IndexedSlices);
    const s = g as tf.IndexedSlices;
    expect(s.dtype).toBe("float32");
    expect(s.name).toBe(s.values.name);
    expect(s.op).toBe(s.values.op);
    expect(s.graph).toBe(tf.getDefaultGraph());
    expect(String(s)).toMatch(
      /^IndexedSlices\(indices=Tensor\(.*, values=Tensor\(.*, dense_shape=Tensor\(/,
    );
    using sess = new tf.Session();
    sess.run(emb.initializer);
    const v = sess.run(s);
    expect(v.indices.toArray()).toEqual([3, 1, 3]);
    expect(v.values.toArray()).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    expect(v.denseShape?.toArray()).toEqual([5, 2]);
    // Made dense as TF does: rows named twice add up.
    const dense = tf.convertToTensor(s);
    expect(dense.op.type).toBe("UnsortedSegmentSum");
    expect(dense.shape.toString()).toBe("(5, 2)");
    expect(sess.run(dense).toArray()).toEqual([
      [0, 0],
      [1, 2],
      [0, 0],
      [2, 4],
      [0, 0],
    ]);
    expect(sess.run(s.neg()).values.toArray()).toEqual([
      [-1, -2],
      [-1, -2],
      [-1, -2],
    ]);
  });

  it("several lookups: values and indices concatenated, a dense use joining as all its rows", () => {
    const emb = table();
    const a = tf.nn.embeddingLookup(emb, [0]);
    const b = tf.nn.embeddingLookup(emb, [4, 0]);
    const [g] = tf.gradients(tf.add(tf.reduceSum(a), tf.reduceSum(b)), [emb]);
    expect(g).toBeInstanceOf(tf.IndexedSlices);
    const s = g as tf.IndexedSlices;
    expect(s.values.op.type).toBe("ConcatV2");
    expect(s.indices.op.type).toBe("ConcatV2");
    using sess = new tf.Session();
    sess.run(emb.initializer);
    expect(sess.run(s.indices).toArray()).toEqual([0, 4, 0]);
    // TF 1.15's _AggregatedGrads: any IndexedSlices among the summands makes the sum one.
    const [d] = tf.gradients(tf.add(tf.reduceSum(a), tf.reduceSum(emb)), [emb]);
    expect(d).toBeInstanceOf(tf.IndexedSlices);
    const mixed = d as tf.IndexedSlices;
    expect((sess.run(mixed.indices).toArray() as number[]).sort()).toEqual([0, 0, 1, 2, 3, 4]);
    expect(sess.run(tf.convertToTensor(mixed)).toArray()).toEqual([
      [2, 2],
      [1, 1],
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
  });

  it("is made dense for a gradient function that needs a tensor", () => {
    const x = tf.placeholder(tf.float32, [3, 2], { name: "x" });
    const y = tf.multiply(x, 3);
    const [g] = tf.gradients(tf.reduceSum(tf.gather(y, [2, 2])), [x]);
    expect(g).toBeInstanceOf(tf.Tensor);
    using sess = new tf.Session();
    const v = sess.run(
      g as tf.Tensor,
      new Map([
        [
          x,
          [
            [0, 0],
            [0, 0],
            [0, 0],
          ],
        ],
      ]),
    );
    expect(v.toArray()).toEqual([
      [0, 0],
      [0, 0],
      [6, 6],
    ]);
  });

  it("warns, as TF, when made dense with an unknown dense shape", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const values = tf.constant([[1, 2]]);
      const indices = tf.constant([0], { dtype: tf.int32 });
      const known = new tf.IndexedSlices(values, indices, tf.constant([2, 2], { dtype: tf.int32 }));
      tf.convertToTensor(known);
      expect(warn).not.toHaveBeenCalled();
      const shape = tf.placeholder(tf.int32, [2]);
      const dense = tf.convertToTensor(new tf.IndexedSlices(values, indices, shape));
      expect(warn).toHaveBeenCalledWith(
        "Converting sparse IndexedSlices to a dense Tensor of unknown shape. This may consume a large amount of memory.",
      );
      using sess = new tf.Session();
      expect(sess.run(dense, new Map([[shape, [3, 2]]])).toArray()).toEqual([
        [1, 2],
        [0, 0],
        [0, 0],
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it("takes TF's constructor parameters; converting one without a dense shape fails", () => {
    const values = tf.constant([[1, 2]]);
    const indices = tf.constant([1]);
    const s = new tf.IndexedSlices({ values, indices });
    expect(s.denseShape).toBeNull();
    expect(() => tf.convertToTensor(s)).toThrow(
      "Tensor conversion requested for IndexedSlices without dense_shape: IndexedSlices(indices=",
    );
    expect(() => new tf.IndexedSlices([[1]] as never, indices)).toThrow(
      "IndexedSlices() argument 'values' (position 1) must be a Tensor",
    );
  });

  it("clipByNorm clips the values and keeps an IndexedSlices, as TF's clip_by_norm", () => {
    const emb = table();
    const loss = tf.reduceSum(tf.multiply(tf.nn.embeddingLookup(emb, [1, 1]), [[3, 4]]));
    const [g] = tf.gradients(loss, [emb]);
    const clipped: tf.IndexedSlices = tf.clipByNorm(g as tf.IndexedSlices, 5);
    expect(clipped.values.op.name).toBe("clip_by_norm");
    using sess = new tf.Session();
    sess.run(emb.initializer);
    const v = sess.run(clipped);
    expect(v.indices.toArray()).toEqual([1, 1]);
    // The norm of the values (not of the summed dense rows): sqrt(2) * 5.
    close(v.values.toArray() as number[][], [
      [3 / Math.SQRT2, 4 / Math.SQRT2],
      [3 / Math.SQRT2, 4 / Math.SQRT2],
    ]);
  });

  it("clipByGlobalNorm clips the values and keeps an IndexedSlices", () => {
    const emb = table();
    const loss = tf.reduceSum(tf.multiply(tf.nn.embeddingLookup(emb, [1]), [[3, 4]]));
    const [g] = tf.gradients(loss, [emb]);
    const [[clipped], norm] = tf.clipByGlobalNorm([g], 1);
    expect(clipped).toBeInstanceOf(tf.IndexedSlices);
    using sess = new tf.Session();
    sess.run(emb.initializer);
    expect(sess.run(norm).item()).toBeCloseTo(5, 5);
    const v = sess.run(clipped as tf.IndexedSlices);
    expect(v.indices.toArray()).toEqual([1]);
    close(v.values.toArray() as number[][], [[0.6, 0.8]]);
  });
});

describe("sparse updates by the optimizers", () => {
  /** A loss whose gradient for `emb` is `IndexedSlices(values=[[1,2],[3,4],[1,2]], indices=[3,0,3])`. */
  function lookupLoss(emb: tf.Variable): tf.Tensor {
    const e = tf.nn.embeddingLookup(emb, [3, 0, 3]);
    return tf.reduceSum(
      tf.multiply(e, [
        [1, 2],
        [3, 4],
        [1, 2],
      ]),
    );
  }
  /** The gradient's rows, duplicates summed (`_apply_sparse_duplicate_indices`). */
  const G = new Map<number, number[]>([
    [3, [2, 4]],
    [0, [3, 4]],
  ]);
  const initRows = (): number[][] =>
    Array.from({ length: ROWS }, (_, r) => INIT.slice(r * DIM, r * DIM + DIM));

  it("GradientDescent: a ScatterSub of lr * values, as TF builds it", () => {
    const emb = table();
    const train = new tf.train.GradientDescentOptimizer(0.5).minimize(lookupLoss(emb));
    const ops = tf
      .getDefaultGraph()
      .getOperations()
      .filter((o) => o.name.startsWith("GradientDescent/"))
      .map((o) => `${o.name}:${o.type}`);
    expect(ops).toEqual([
      "GradientDescent/learning_rate:Const",
      "GradientDescent/update_emb/mul:Mul",
      "GradientDescent/update_emb/ScatterSub:ScatterSub",
    ]);
    using sess = new tf.Session();
    sess.run(emb.initializer);
    sess.run(train);
    const want = initRows().map((row, r) => row.map((x, j) => x - 0.5 * (G.get(r)?.[j] ?? 0)));
    close(rowsOf(sess.run(emb)), want);
  });

  it("Momentum, Adagrad, RMSProp (plain and centered): SparseApply* on the rows named", () => {
    const cases: [
      string,
      () => tf.train.Optimizer,
      string,
      (n: number[][], steps: number) => number[][],
    ][] = [
      [
        "Momentum",
        () => new tf.train.MomentumOptimizer(0.1, 0.9),
        "SparseApplyMomentum",
        (rows, steps) => {
          const acc = rows.map((r) => r.map(() => 0));
          for (let s = 0; s < steps; s++)
            for (const [r, g] of G) {
              g.forEach((gj, j) => {
                acc[r]![j] = acc[r]![j]! * 0.9 + gj;
                rows[r]![j] = rows[r]![j]! - 0.1 * acc[r]![j]!;
              });
            }
          return rows;
        },
      ],
      [
        "Adagrad",
        () => new tf.train.AdagradOptimizer(0.1),
        "SparseApplyAdagrad",
        (rows, steps) => {
          const acc = rows.map((r) => r.map(() => 0.1));
          for (let s = 0; s < steps; s++)
            for (const [r, g] of G) {
              g.forEach((gj, j) => {
                acc[r]![j] = acc[r]![j]! + gj * gj;
                rows[r]![j] = rows[r]![j]! - (0.1 * gj) / Math.sqrt(acc[r]![j]!);
              });
            }
          return rows;
        },
      ],
      [
        "RMSProp",
        () => new tf.train.RMSPropOptimizer(0.01, { momentum: 0.5 }),
        "SparseApplyRMSProp",
        (rows, steps) => {
          const ms = rows.map((r) => r.map(() => 1));
          const mom = rows.map((r) => r.map(() => 0));
          for (let s = 0; s < steps; s++)
            for (const [r, g] of G) {
              g.forEach((gj, j) => {
                ms[r]![j] = ms[r]![j]! + (gj * gj - ms[r]![j]!) * 0.1;
                mom[r]![j] = mom[r]![j]! * 0.5 + (0.01 * gj) / Math.sqrt(ms[r]![j]! + 1e-10);
                rows[r]![j] = rows[r]![j]! - mom[r]![j]!;
              });
            }
          return rows;
        },
      ],
      [
        "RMSProp",
        () => new tf.train.RMSPropOptimizer(0.01, { momentum: 0.5, centered: true }),
        "SparseApplyCenteredRMSProp",
        (rows, steps) => {
          const ms = rows.map((r) => r.map(() => 1));
          const mg = rows.map((r) => r.map(() => 0));
          const mom = rows.map((r) => r.map(() => 0));
          for (let s = 0; s < steps; s++)
            for (const [r, g] of G) {
              g.forEach((gj, j) => {
                ms[r]![j] = ms[r]![j]! + (gj * gj - ms[r]![j]!) * 0.1;
                mg[r]![j] = mg[r]![j]! + (gj - mg[r]![j]!) * 0.1;
                const denom = ms[r]![j]! - mg[r]![j]! ** 2 + 1e-10;
                mom[r]![j] = mom[r]![j]! * 0.5 + (0.01 * gj) / Math.sqrt(denom);
                rows[r]![j] = rows[r]![j]! - mom[r]![j]!;
              });
            }
          return rows;
        },
      ],
    ];
    for (const [name, make, type, reference] of cases) {
      tf.resetDefaultGraph();
      const emb = table();
      const train = make().minimize(lookupLoss(emb));
      const names = tf
        .getDefaultGraph()
        .getOperations()
        .map((o) => `${o.name}:${o.type}`);
      expect(names).toContain(`${name}/update_emb/Unique:Unique`);
      expect(names).toContain(`${name}/update_emb/UnsortedSegmentSum:UnsortedSegmentSum`);
      expect(names).toContain(`${name}/update_emb/${type}:${type}`);
      using sess = new tf.Session();
      sess.run(tf.globalVariablesInitializer());
      sess.run(train);
      sess.run(train);
      const got = rowsOf(sess.run(emb));
      close(got, reference(initRows(), 2), 1e-5);
      // Rows never looked up keep their values.
      for (const r of [1, 2, 4]) expect(got[r]).toEqual(initRows()[r]!.map((x) => Math.fround(x)));
    }
  });

  it("Adam: TF's _apply_sparse_shared (decay everywhere, ScatterAdd of the rows)", () => {
    const emb = table();
    const train = new tf.train.AdamOptimizer(0.1).minimize(lookupLoss(emb));
    const types = tf
      .getDefaultGraph()
      .getOperations()
      .filter((o) => o.name.startsWith("Adam/update_emb/"))
      .map((o) => o.type);
    expect(types.filter((t) => t === "ScatterAdd").length).toBe(2);
    expect(types).toContain("AssignSub");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const rows = initRows();
    const m = rows.map((r) => r.map(() => 0));
    const v = rows.map((r) => r.map(() => 0));
    let b1p = 0.9;
    let b2p = 0.999;
    for (let step = 0; step < 2; step++) {
      sess.run(train);
      const lr = (0.1 * Math.sqrt(1 - b2p)) / (1 - b1p);
      for (let r = 0; r < ROWS; r++)
        for (let j = 0; j < DIM; j++) {
          const g = G.get(r)?.[j] ?? 0;
          m[r]![j] = m[r]![j]! * 0.9 + g * 0.1;
          v[r]![j] = v[r]![j]! * 0.999 + g * g * 0.001;
          rows[r]![j] = rows[r]![j]! - (lr * m[r]![j]!) / (Math.sqrt(v[r]![j]!) + 1e-8);
        }
      b1p *= 0.9;
      b2p *= 0.999;
    }
    close(rowsOf(sess.run(emb)), rows, 1e-5);
  });

  it("refuses a sparse gradient for a variable with a constraint, as TF", () => {
    const emb = tf.getVariable("c", [ROWS, DIM], { constraint: (x: tf.Tensor) => x });
    expect(() => new tf.train.GradientDescentOptimizer(0.1).minimize(lookupLoss(emb))).toThrow(
      "Cannot use a constraint function on a sparse variable.",
    );
  });

  it("sharded embeddings: each shard gets its own IndexedSlices and only its rows change", () => {
    const shards = [0, 1].map((p) =>
      tf.getVariable(`shard_${p}`, [3, 1], {
        initializer: tf.constantInitializer([p, p + 10, p + 20]),
      }),
    );
    const e = tf.nn.embeddingLookup(shards, [1, 4]);
    const grads = tf.gradients(tf.reduceSum(e), shards);
    for (const g of grads) expect(g).toBeInstanceOf(tf.IndexedSlices);
    const train = new tf.train.GradientDescentOptimizer(1).minimize(tf.reduceSum(e));
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run(train);
    // mod over 2 shards: id 1 is row 0 of shard 1, id 4 row 2 of shard 0.
    expect(sess.run(shards[0]!).toArray()).toEqual([[0], [10], [19]]);
    expect(sess.run(shards[1]!).toArray()).toEqual([[0], [11], [21]]);
  });
});

describe("tf.scatterAdd / scatterSub / scatterUpdate", () => {
  it("update the rows named, with TF's index check", () => {
    const v = tf.getVariable("v", [3, 2], { initializer: tf.zerosInitializer() });
    using sess = new tf.Session();
    sess.run(v.initializer);
    sess.run(
      tf.scatterAdd(
        v,
        [0, 2, 0],
        [
          [1, 1],
          [2, 2],
          [3, 3],
        ],
      ),
    );
    expect(sess.run(v).toArray()).toEqual([
      [4, 4],
      [0, 0],
      [2, 2],
    ]);
    sess.run(tf.scatterSub(v, [2], [[1, 2]]));
    sess.run(tf.scatterUpdate(v, [1], [[7, 8]]));
    expect(sess.run(v).toArray()).toEqual([
      [4, 4],
      [7, 8],
      [1, 0],
    ]);
    expect(() => sess.run(tf.scatterAdd(v, [3], [[1, 1]]))).toThrow(
      "indices[0] = 3 is not in [0, 3)",
    );
    expect(() => tf.scatterAdd(v, [0, 1], [[1, 1]])).toThrow(
      "Dimension 0 in both shapes must be equal",
    );
    const i = tf.getVariable("i", [2], { dtype: tf.int32, initializer: tf.zerosInitializer() });
    sess.run(i.initializer);
    expect(sess.run(tf.scatterUpdate(i, [1], [5])).toArray()).toEqual([0, 5]);
  });
});
