/**
 * The ops of the ops-array set, written to a GraphDef and imported back: each imported
 * node gets the static shape its shape function infers and runs to the value the built
 * graph gives.
 */
import { describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

describe("imported ops-array ops run and keep their shapes", () => {
  it("round-trips through a binary GraphDef", () => {
    const source = new tf.Graph();
    const names: string[] = [];
    source.asDefault(() => {
      const m = tf.constant([
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 10],
      ]);
      const outs = [
        tf.broadcastTo(tf.constant([1, 2, 3]), [2, 3]),
        tf.linspace(0, 1, 5),
        tf.matrixBandPart(m, 0, 1),
        tf.matrixDiag(tf.constant([1, 2])),
        tf.matrixDiagPart(m),
        tf.diag(tf.constant([1, 2])),
        tf.diagPart(m),
        tf.roll(m, 1, 1),
        tf.setdiff1d(tf.constant([1, 2, 3]), tf.constant([2]))[0],
        tf.depthToSpace(tf.ones([1, 1, 1, 4]), 2),
        tf.spaceToDepth(tf.ones([1, 2, 2, 1]), 2),
        tf.spaceToBatchNd(
          tf.ones([1, 2, 2, 1]),
          [2, 2],
          [
            [0, 0],
            [0, 0],
          ],
        ),
        tf.batchToSpaceNd(
          tf.ones([4, 1, 1, 1]),
          [2, 2],
          [
            [0, 0],
            [0, 0],
          ],
        ),
        tf.matrixInverse(m),
        tf.matrixDeterminant(m),
        tf.checkNumerics(m, "m"),
        tf.scatterNd([[1]], [5], [3]),
        tf.unique(tf.constant([3, 3, 1]))[0],
      ];
      for (const t of outs) names.push(t.name);
    });
    using before = new tf.Session({ graph: source });
    const expected = names.map((n) => ({
      shape: source.getTensorByName(n).shape.toString(),
      value: (before.run(source.getTensorByName(n)) as tf.NDArray).toArray(),
    }));
    const bytes = tf.GraphDef.toBinary(source.asGraphDef());
    const g = new tf.Graph();
    g.asDefault(() => tf.importGraphDef(tf.GraphDef.fromBinary(bytes), { name: "" }));
    using after = new tf.Session({ graph: g });
    const got = names.map((n) => ({
      shape: g.getTensorByName(n).shape.toString(),
      value: (after.run(g.getTensorByName(n)) as tf.NDArray).toArray(),
    }));
    expect(got).toEqual(expected);
  });
});
