/**
 * tf.gatherNd, tf.scatterNd, tf.nn.topK, tf.sort and tf.argsort: values from TF's
 * gather_nd_op_test.py, scatter_nd_ops_test.py, topk_op_test.py and sort_ops_test.py,
 * graph names as TF 1.15 builds them, gradients, and TF's errors.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { checkGradients } from "../gradients/helpers.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

/** `fn` throws an error containing `message` and leaves the default graph unchanged. */
function refused(fn: () => unknown, message: string): void {
  expectThrowsAndUnchanged(fn, Error, new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
}

/** Builds a graph, exports it, imports it into a new graph and runs `name` there. */
function runImported(build: () => void, name: string): { shape: string; value: unknown } {
  const source = new tf.Graph();
  source.asDefault(build);
  const bytes = tf.GraphDef.toBinary(source.asGraphDef());
  const g = new tf.Graph();
  return g.asDefault(() => {
    tf.importGraphDef(tf.GraphDef.fromBinary(bytes), { name: "" });
    const out = g.getTensorByName(name);
    using sess = new tf.Session({ graph: g });
    return { shape: out.shape.toString(), value: (sess.run(out) as tf.NDArray).toArray() };
  });
}

beforeEach(() => tf.resetDefaultGraph());

function run(t: tf.Tensor, feed?: Map<tf.Tensor, unknown>): unknown {
  using sess = new tf.Session();
  return (sess.run(t, feed as never) as tf.NDArray).toArray();
}

describe("tf.gatherNd", () => {
  it("gathers elements and slices (gather_nd_op_test)", () => {
    const params = tf.constant([
      [-8, -1, -2, -3, -7, -5],
      [-4, -6, -7, -8, -9, -1],
    ]);
    const g = tf.gatherNd(
      params,
      tf.constant(
        [
          [0, 2],
          [1, 5],
          [1, 0],
        ],
        tf.int32,
      ),
    );
    expect(g.op.type).toBe("GatherNd");
    expect(g.name).toBe("GatherNd:0");
    expect(g.shape.toString()).toBe("(3,)");
    expect(run(g)).toEqual([-2, -1, -4]);
    const rows = tf.gatherNd(params, tf.constant([[1], [0]], tf.int32));
    expect(rows.shape.toString()).toBe("(2, 6)");
    expect(run(rows)).toEqual([
      [-4, -6, -7, -8, -9, -1],
      [-8, -1, -2, -3, -7, -5],
    ]);
    // An empty index tuple takes the whole tensor.
    const whole = tf.gatherNd(tf.constant([1, 2, 3]), tf.zeros([2, 0], { dtype: tf.int32 }));
    expect(whole.shape.toString()).toBe("(2, 3)");
    expect(run(whole)).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  it("keeps unknown dims unknown and refuses a too long index tuple", () => {
    const p = tf.placeholder(tf.float32, [null, 4, 5]);
    const i = tf.placeholder(tf.int32, [null, 2]);
    expect(tf.gatherNd(p, i).shape.toString()).toBe("(?, 5)");
    expect(tf.gatherNd(p, tf.placeholder(tf.int32, [3, null])).shape.toString()).toBe("<unknown>");
    const c = tf.constant([[1, 2]]);
    refused(
      () => tf.gatherNd(c, [[0, 0, 0]], "g"),
      "indices.shape[-1] must be <= params.rank, but saw indices shape: [1,3] and params shape: [1,2] for 'g' (op: 'GatherNd') with input shapes: [1,2], [1,3].",
    );
    expect(() => tf.gatherNd(tf.constant([1]), tf.constant([0.5]))).toThrow(
      "Value passed to parameter 'indices' has DataType float32 not in list of allowed values: int32, int64",
    );
  });

  it("refuses an index out of range when run, with TF's message", () => {
    const g = tf.gatherNd(tf.constant([0, 1, 2]), tf.constant([[[0], [7]]], tf.int32));
    expect(() => run(g)).toThrow("indices[0,1] = [7] does not index into param shape [3]");
  });

  it("has TF's gradient: IndexedSlices for [n, 1] indices, else ScatterNd", async () => {
    const p = tf.constant([
      [1, 2],
      [3, 4],
    ]);
    const [dense] = tf.gradients(
      tf.gatherNd(p, [
        [1, 1],
        [0, 1],
        [1, 1],
      ]),
      [p],
    );
    expect((dense as tf.Tensor).op.type).toBe("ScatterNd");
    expect(run(dense as tf.Tensor)).toEqual([
      [0, 1],
      [0, 2],
    ]);
    const [rows] = tf.gradients(tf.gatherNd(p, [[1], [1]]), [p]);
    expect(rows).toBeInstanceOf(tf.IndexedSlices);
    expect(run(tf.convertToTensor(rows as tf.IndexedSlices))).toEqual([
      [0, 0],
      [2, 2],
    ]);
    await checkGradients({
      inputs: [{ shape: [3, 4, 2] }],
      graph: (x) =>
        tf.gatherNd(x, [
          [
            [0, 1],
            [2, 3],
          ],
          [
            [1, 0],
            [0, 1],
          ],
        ]),
    });
  });

  it("runs when imported from a GraphDef", () => {
    const r = runImported(
      () =>
        tf.gatherNd(
          tf.constant([
            [1, 2],
            [3, 4],
          ]),
          [[1, 0]],
          "g",
        ),
      "g:0",
    );
    expect(r).toEqual({ shape: "(1,)", value: [3] });
  });
});

describe("tf.scatterNd", () => {
  it("adds updates into zeros, duplicates summed (scatter_nd_ops_test)", () => {
    const s = tf.scatterNd(
      tf.constant([[4], [3], [1], [7]], tf.int32),
      tf.constant([9, 10, 11, 12]),
      [8],
    );
    expect(s.op.type).toBe("ScatterNd");
    expect(s.shape.toString()).toBe("(8,)");
    expect(run(s)).toEqual([0, 11, 0, 10, 9, 0, 0, 12]);
    const dup = tf.scatterNd([[0], [0], [2]], [1, 2, 3], [3]);
    expect(run(dup)).toEqual([3, 0, 3]);
    const slices = tf.scatterNd(
      [[0], [2]],
      [
        [5, 5, 5, 5],
        [6, 6, 6, 6],
      ],
      [4, 4],
    );
    expect(run(slices)).toEqual([
      [5, 5, 5, 5],
      [0, 0, 0, 0],
      [6, 6, 6, 6],
      [0, 0, 0, 0],
    ]);
  });

  it("checks shapes when building and indices when running", () => {
    refused(
      () => tf.scatterNd([[0], [1]], [1, 2, 3], [4]),
      "The outer 1 dimensions of indices.shape=[2,1] must match the outer 1 dimensions of updates.shape=[3]",
    );
    refused(
      () =>
        tf.scatterNd(
          [[0], [1]],
          [
            [1, 2],
            [3, 4],
          ],
          [4, 3],
        ),
      "The inner 1 dimensions of output.shape=[4,3] must match the inner 1 dimensions of updates.shape=[2,2]",
    );
    expect(() => run(tf.scatterNd([[0], [4]], [1, 2], [4]))).toThrow(
      "indices[1] = [4] does not index into shape [4]",
    );
  });

  it("has the GatherNd gradient for updates", async () => {
    const u = tf.constant([1.5, 2]);
    const [g] = tf.gradients(tf.multiply(tf.scatterNd([[1], [3]], u, [5]), [1, 2, 3, 4, 5]), [u]);
    expect((g as tf.Tensor).op.type).toBe("GatherNd");
    expect(run(g as tf.Tensor)).toEqual([2, 4]);
    await checkGradients({
      inputs: [{ shape: [3, 2] }],
      graph: (x) =>
        tf.scatterNd(
          [
            [0, 1],
            [2, 2],
            [0, 1],
          ],
          x,
          [3, 3, 2],
        ),
    });
  });
});

describe("tf.nn.topK", () => {
  it("takes the k largest of each row, sorted (topk_op_test)", () => {
    const x = tf.constant([
      [0.1, 0.3, 0.2, 0.4],
      [0.1, 0.3, 0.4, 0.2],
    ]);
    const [v, i] = tf.nn.topK(x, 2);
    expect(v.op.type).toBe("TopKV2");
    expect(v.name).toBe("TopKV2:0");
    expect(i.name).toBe("TopKV2:1");
    expect(v.op.attrs.sorted).toBe(true);
    expect(v.shape.toString()).toBe("(2, 2)");
    expect(i.dtype).toBe("int32");
    expect((run(v) as number[][]).map((r) => r.map((e) => Math.round(e * 10) / 10))).toEqual([
      [0.4, 0.3],
      [0.4, 0.3],
    ]);
    expect(run(i)).toEqual([
      [3, 1],
      [2, 1],
    ]);
    // k defaults to 1.
    expect(run(tf.nn.topK(x)[1])).toEqual([[3], [2]]);
  });

  it("puts the lower index first among equal values", () => {
    const [v, i] = tf.nn.topK(tf.constant([[3, 1, 3, 3, 2]], tf.int32), 4);
    expect(run(v)).toEqual([[3, 3, 3, 2]]);
    expect(run(i)).toEqual([[0, 2, 3, 4]]);
  });

  it("takes k as a tensor, and checks it", () => {
    const k = tf.placeholder(tf.int32, []);
    const x = tf.placeholder(tf.float32, [null, 5]);
    const [v, i] = tf.nn.topK(x, k);
    expect(v.shape.toString()).toBe("(?, ?)");
    using sess = new tf.Session();
    const feed = new Map<tf.Tensor, unknown>([
      [x, [[1, 5, 2, 4, 3]]],
      [k, 3],
    ]);
    expect((sess.run(i, feed as never) as tf.NDArray).toArray()).toEqual([[1, 3, 4]]);
    const big = new Map<tf.Tensor, unknown>([
      [x, [[1, 5, 2, 4, 3]]],
      [k, 6],
    ]);
    expect(() => sess.run(i, big as never)).toThrow(
      "input must have at least k columns. Had 5, needed 6",
    );
    const c = tf.constant([[1, 2]]);
    const scalar = tf.zeros([]);
    refused(
      () => tf.nn.topK(c, 3),
      "input must have last dimension >= k = 3 but is 2 for 'TopKV2_1' (op: 'TopKV2') with input shapes: [1,2], [] and with computed input tensors: input[1] = <3>.",
    );
    refused(() => tf.nn.topK(c, -1), "Need k >= 0, got -1");
    refused(() => tf.nn.topK(scalar, 1), "Shape must be at least rank 1 but is rank 0");
  });

  it("has TF's gradient (scatter back to the chosen positions)", async () => {
    const x = tf.constant([
      [1, 5, 2],
      [7, 3, 4],
    ]);
    const [v] = tf.nn.topK(x, 2);
    const [g] = tf.gradients(
      tf.reduceSum(
        tf.multiply(v, [
          [1, 10],
          [100, 1000],
        ]),
      ),
      [x],
    );
    const names = tf
      .getDefaultGraph()
      .getOperations()
      .map((o) => o.name)
      .filter((n) => n.startsWith("gradients/TopKV2_grad/"));
    expect(names).toContain("gradients/TopKV2_grad/ScatterNd");
    expect(names).toContain("gradients/TopKV2_grad/zeros");
    expect(run(g as tf.Tensor)).toEqual([
      [0, 1, 10],
      [100, 0, 1000],
    ]);
    await checkGradients({
      inputs: [{ shape: [3, 5] }],
      graph: (x) => tf.nn.topK(x, 3)[0],
    });
  });

  it("runs when imported from a GraphDef", () => {
    const r = runImported(() => tf.nn.topK(tf.constant([[1, 3, 2]]), 2, true, "t"), "t:1");
    expect(r).toEqual({ shape: "(1, 2)", value: [[1, 2]] });
  });
});

describe("tf.sort and tf.argsort", () => {
  it("sorts as TF 1.15 builds it: top_k under sort/, negated for ascending", () => {
    const s = tf.sort(tf.constant([3, 1, 2], tf.int32));
    expect(s.name).toBe("sort/Neg_1:0");
    const types = tf
      .getDefaultGraph()
      .getOperations()
      .filter((o) => o.name.startsWith("sort/"))
      .map((o) => `${o.name}:${o.type}`);
    expect(types).toEqual([
      "sort/axis:Const",
      "sort/Neg:Neg",
      "sort/Shape:Const",
      "sort/strided_slice/stack:Const",
      "sort/strided_slice/stack_1:Const",
      "sort/strided_slice/stack_2:Const",
      "sort/strided_slice:StridedSlice",
      "sort/TopKV2:TopKV2",
      "sort/Neg_1:Neg",
    ]);
    expect(run(s)).toEqual([1, 2, 3]);
    const d = tf.sort(tf.constant([3, 1, 2], tf.int32), { direction: "DESCENDING" });
    expect(d.name).toBe("sort_1/TopKV2:0");
    expect(run(d)).toEqual([3, 2, 1]);
  });

  it("sorts along another axis through a transposition (sort_ops_test)", () => {
    const x = tf.constant([
      [
        [5, 1],
        [2, 8],
      ],
      [
        [3, 4],
        [9, 0],
      ],
    ]);
    const s = tf.sort(x, 0);
    expect(
      tf
        .getDefaultGraph()
        .getOperations()
        .map((o) => o.name)
        .filter((n) => n.includes("transpos")),
    ).toEqual(["sort/transposition", "sort/transpose", "sort/transpose_1"]);
    expect(run(s)).toEqual([
      [
        [3, 1],
        [2, 0],
      ],
      [
        [5, 4],
        [9, 8],
      ],
    ]);
    expect(run(tf.argsort(x, { axis: 1, direction: "DESCENDING" }))).toEqual([
      [
        [0, 1],
        [1, 0],
      ],
      [
        [1, 0],
        [0, 1],
      ],
    ]);
  });

  it("argsort keeps equal values in order", () => {
    const a = tf.argsort(tf.constant([3, 1, 2, 1]));
    expect(a.name).toBe("argsort/TopKV2:1");
    expect(run(a)).toEqual([1, 3, 2, 0]);
    expect(run(tf.argsort(tf.constant([3, 1, 2, 1]), -1, "DESCENDING"))).toEqual([0, 2, 1, 3]);
  });

  it("refuses a bad direction or a non-constant axis, building nothing", () => {
    const p = tf.placeholder(tf.int32, []);
    refused(
      () => tf.sort([1], { direction: "UP" as never }),
      "must be one of 'ASCENDING', 'DESCENDING', not str 'UP'",
    );
    refused(() => tf.sort([1], p), "axis must be a constant scalar");
  });
});
