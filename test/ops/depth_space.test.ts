/**
 * tf.depthToSpace / tf.spaceToDepth: values from TF's depthtospace_op_test.py and
 * spacetodepth_op_test.py, NCHW as NHWC transposed, shapes, gradients, errors.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { checkGradients } from "../gradients/helpers.js";

beforeEach(() => tf.resetDefaultGraph());

function run(t: tf.Tensor): unknown {
  using sess = new tf.Session();
  return (sess.run(t) as tf.NDArray).toArray();
}

describe("tf.depthToSpace / tf.spaceToDepth", () => {
  it("moves blocks between space and depth (TF's test values)", () => {
    const x = tf.constant([[[[1, 2, 3, 4]]]], tf.int32);
    const d = tf.depthToSpace(x, 2);
    expect(d.op.type).toBe("DepthToSpace");
    expect(d.shape.toString()).toBe("(1, 2, 2, 1)");
    expect(run(d)).toEqual([
      [
        [[1], [2]],
        [[3], [4]],
      ],
    ]);
    // spacetodepth_op_test's testLargerInput2x2 (one batch): 4x4x1 -> 2x2x4.
    const s = tf.spaceToDepth(
      tf.constant(
        [
          [
            [[1], [2], [5], [6]],
            [[3], [4], [7], [8]],
            [[9], [10], [13], [14]],
            [[11], [12], [15], [16]],
          ],
        ],
        tf.int32,
      ),
      2,
    );
    expect(s.shape.toString()).toBe("(1, 2, 2, 4)");
    expect(run(s)).toEqual([
      [
        [
          [1, 2, 3, 4],
          [5, 6, 7, 8],
        ],
        [
          [9, 10, 11, 12],
          [13, 14, 15, 16],
        ],
      ],
    ]);
    expect(run(tf.depthToSpace(s, 2))).toEqual([
      [
        [[1], [2], [5], [6]],
        [[3], [4], [7], [8]],
        [[9], [10], [13], [14]],
        [[11], [12], [15], [16]],
      ],
    ]);
  });

  it("NCHW equals NHWC transposed; shapes are checked", () => {
    const x = tf.reshape(tf.range(32), [1, 2, 4, 4]);
    const nchw = tf.spaceToDepth(x, 2, { dataFormat: "NCHW" });
    expect(nchw.shape.toString()).toBe("(1, 8, 2, 2)");
    const viaNhwc = tf.transpose(tf.spaceToDepth(tf.transpose(x, [0, 2, 3, 1]), 2), [0, 3, 1, 2]);
    expect(run(nchw)).toEqual(run(viaNhwc));
    const odd = tf.zeros([1, 3, 4, 1]);
    expect(() => tf.spaceToDepth(odd, 2)).toThrow(
      "Dimension size must be evenly divisible by 2 but is 3",
    );
    const c3 = tf.zeros([1, 1, 1, 3]);
    expect(() => tf.depthToSpace(c3, 2)).toThrow(
      "Dimension size must be evenly divisible by 4 but is 3",
    );
    expect(() => tf.depthToSpace(c3, 1)).toThrow("must be at least minimum 2");
  });

  it("each has the other as gradient", async () => {
    await checkGradients({
      inputs: [{ shape: [2, 2, 2, 8] }],
      graph: (x) => tf.depthToSpace(x, 2),
    });
    await checkGradients({
      inputs: [{ shape: [2, 4, 6, 3] }],
      graph: (x) => tf.spaceToDepth(x, 2),
    });
  });
});
