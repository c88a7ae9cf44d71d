/**
 * `tf.gatherNd(params, indices, { batchDims })`: TF 1.15's `batch_gather_nd` graph, with the
 * cases of TF's array_ops_test.py `BatchGatherNdTest` (shapes, the same values as one
 * `gather_nd` per batch entry, unknown indices, errors) and its gradient.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { checkGradients } from "../gradients/helpers.js";
import { run } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function values(t: tf.Tensor): number[] {
  return [run(t).toArray()].flat(Infinity as 1) as number[];
}

describe("gatherNd with batchDims", () => {
  it("gathers within each batch entry", () => {
    const params = tf.constant([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ]);
    const y = tf.gatherNd(params, [[[0, 1]], [[1, 0]]], { batchDims: 1 });
    expect(y.shape.toString()).toBe("(2, 1)");
    expect(values(y)).toEqual([2, 7]);
    const rows = tf.gatherNd(params, [[1], [0]], { batchDims: 1 });
    expect(rows.shape.toString()).toBe("(2, 2)");
    expect(values(rows)).toEqual([3, 4, 5, 6]);
  });

  it("has TF's static shapes (BatchGatherNdTest.testShapesMatch)", () => {
    const cases: [number[], number[], number, string][] = [
      [[2, 2, 2], [2, 1], 1, "(2, 2)"],
      [[2, 2, 2], [2, 2], 1, "(2,)"],
      [[2, 2, 3, 2], [2, 3], 1, "(2,)"],
      [[2, 2, 3, 2], [2, 2], 1, "(2, 2)"],
      [[2, 2, 3, 2], [2, 1], 1, "(2, 3, 2)"],
      [[2, 2, 3, 2], [2, 1, 3], 1, "(2, 1)"],
      [[2, 2, 3, 2], [2, 2, 2], 1, "(2, 2, 2)"],
      [[2, 2, 3, 2], [2, 3, 1], 1, "(2, 3, 3, 2)"],
      [[3, 2, 2, 3, 4], [3, 2, 3], 2, "(3, 2)"],
      [[3, 2, 2, 3, 4], [3, 2, 2], 2, "(3, 2, 4)"],
      [[3, 2, 2, 3, 4], [3, 2, 1], 2, "(3, 2, 3, 4)"],
      [[3, 2, 2, 3, 4], [3, 2, 1, 3], 2, "(3, 2, 1)"],
      [[3, 2, 2, 3, 4], [3, 2, 2, 2], 2, "(3, 2, 2, 4)"],
      [[3, 2, 2, 3, 4], [3, 2, 3, 1], 2, "(3, 2, 3, 3, 4)"],
    ];
    for (const [p, i, b, want] of cases) {
      const params = tf.fill(p, 1.0);
      const indices = tf.ones(i, { dtype: tf.int32 });
      const out = tf.gatherNd(params, indices, { batchDims: b });
      expect(out.shape.toString(), `${p} ${i} ${b}`).toBe(want);
      expect(run(out).shape).toEqual(out.shape.asList());
    }
  });

  it("equals one gather_nd per batch entry (testSameAsMultipleBatchGatherNDs)", () => {
    const pShape = [3, 2, 2, 3, 4];
    const params = tf.constant(
      Array.from({ length: size(pShape) }, (_, k) => k),
      { shape: pShape },
    );
    const idx = [
      [
        [0, 1, 2],
        [1, 0, 3],
        [1, 1, 0],
      ],
      [
        [0, 0, 0],
        [1, 1, 3],
        [0, 1, 1],
      ],
      [
        [1, 1, 1],
        [0, 1, 2],
        [1, 0, 0],
      ],
      [
        [0, 0, 3],
        [1, 0, 1],
        [0, 1, 2],
      ],
      [
        [1, 1, 3],
        [0, 0, 1],
        [1, 1, 2],
      ],
      [
        [0, 1, 0],
        [1, 1, 1],
        [0, 0, 2],
      ],
    ];
    const indices = tf.constant(idx.flat(2), { shape: [3, 2, 3, 3], dtype: tf.int32 });
    const out = tf.gatherNd(params, indices, { batchDims: 2 });
    expect(out.shape.toString()).toBe("(3, 2, 3)");
    const pieces: tf.Tensor[] = [];
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 2; b++) {
        const entry = tf.gatherNd(tf.gather(tf.gather(params, a), b), idx[a * 2 + b] as number[][]);
        pieces.push(entry);
      }
    }
    expect(values(out)).toEqual(values(tf.stack(pieces)));
  });

  it("builds TF's graph: a BatchGatherND scope with one GatherNd", () => {
    const params = tf.placeholder(tf.float32, [2, 3, 4]);
    const out = tf.gatherNd(params, [[1], [2]], { batchDims: 1 });
    const ops = tf.getDefaultGraph().getOperations();
    expect(ops.filter((o) => o.type === "GatherNd").map((o) => o.name)).toEqual([
      "BatchGatherND/GatherNd",
    ]);
    expect(out.op.name).toBe("BatchGatherND/Reshape_3");
    expect(ops.map((o) => o.name)).toEqual(
      expect.arrayContaining(["BatchGatherND/Prod", "BatchGatherND/unstack", "BatchGatherND/Tile"]),
    );
    expect(tf.gatherNd(params, [[1], [2]], { batchDims: 1, name: "g" }).op.name).toBe(
      "g/Reshape_3",
    );
  });

  it("takes indices of unknown rank (testUnknownIndices)", () => {
    const params = tf.constant([[0, 1, 2]]);
    const indices = tf.placeholder(tf.int32);
    const out = tf.gatherNd(params, indices, { batchDims: 1 });
    expect(out.shape.rank).toBe(null);
    using sess = new tf.Session();
    expect(sess.run(out, new Map([[indices, [[2]]]]) as never).toArray()).toEqual([2]);
  });

  it("refuses what TF refuses", () => {
    const params = tf.zeros([2, 3]);
    expect(() => tf.gatherNd(params, [[1], [2]], { batchDims: -1 })).toThrow(
      "tf.gather_nd does not allow negative batch_dims.",
    );
    expect(() => tf.gatherNd(params, [[1], [2]], { batchDims: 2 })).toThrow(
      "batch_dims = 2 must be less than rank(indices) = 2",
    );
    expect(() => tf.gatherNd(params, [[[1]], [[2]]], { batchDims: 2 })).toThrow(
      "batch_dims = 2 must be less than rank(params) = 2",
    );
  });

  it("is differentiable", async () => {
    await checkGradients({
      inputs: [
        { shape: [3, 2, 4, 2] },
        {
          shape: [3, 2, 5, 1],
          dtype: "int32",
          values: [
            0, 1, 3, 2, 1, 0, 2, 3, 3, 1, 2, 0, 1, 1, 2, 3, 0, 0, 2, 1, 3, 2, 1, 0, 0, 1, 2, 3, 3,
            2,
          ],
        },
      ],
      graph: (p, i) => tf.gatherNd(p, i as tf.Tensor, { batchDims: 2 }),
    });
  });
});

describe("zeros and ones of a scalar shape tensor (as batch_gather_nd builds them)", () => {
  it("reshape the shape to a vector first, as TF 1.15 does", () => {
    const n = tf.placeholderWithDefault(tf.constant(3, { dtype: tf.int32 }), []);
    const y = tf.ones(n, { dtype: tf.int32 });
    expect(y.op.inputs[0]?.op.name).toBe("ones/Reshape");
    expect(y.shape.rank).toBe(1);
    expect(values(y)).toEqual([1, 1, 1]);
    expect(values(tf.zeros(n))).toEqual([0, 0, 0]);
  });
});
