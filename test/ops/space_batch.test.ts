/**
 * tf.spaceToBatchNd / tf.batchToSpaceNd: values from TF's spacetobatch_op_test.py and
 * batchtospace_op_test.py, static shapes, gradients (each other), errors.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { checkGradients } from "../gradients/helpers.js";

beforeEach(() => tf.resetDefaultGraph());

function run(t: tf.Tensor): unknown {
  using sess = new tf.Session();
  return (sess.run(t) as tf.NDArray).toArray();
}

describe("tf.spaceToBatchNd / tf.batchToSpaceNd", () => {
  it("moves padded spatial blocks into the batch and back", () => {
    const x = tf.constant(
      [
        [
          [[1], [2]],
          [[3], [4]],
        ],
      ],
      tf.int32,
    );
    const s = tf.spaceToBatchNd(
      x,
      [2, 2],
      [
        [0, 0],
        [0, 0],
      ],
    );
    expect(s.op.type).toBe("SpaceToBatchND");
    expect(s.shape.toString()).toBe("(4, 1, 1, 1)");
    expect(run(s)).toEqual([[[[1]]], [[[2]]], [[[3]]], [[[4]]]]);
    const back = tf.batchToSpaceNd(
      s,
      [2, 2],
      [
        [0, 0],
        [0, 0],
      ],
    );
    expect(back.op.type).toBe("BatchToSpaceND");
    expect(run(back)).toEqual([
      [
        [[1], [2]],
        [[3], [4]],
      ],
    ]);
    // Padding then cropping the same amounts is the identity.
    const y = tf.reshape(tf.range(1, 13), [1, 3, 4, 1]);
    const padded = tf.spaceToBatchNd(
      y,
      [2, 2],
      [
        [1, 0],
        [0, 0],
      ],
    );
    expect(padded.shape.toString()).toBe("(4, 2, 2, 1)");
    expect(
      run(
        tf.batchToSpaceNd(
          padded,
          [2, 2],
          [
            [1, 0],
            [0, 0],
          ],
        ),
      ),
    ).toEqual(run(y));
  });

  it("checks divisibility with TF's words", () => {
    const x = tf.zeros([1, 3, 4, 1]);
    expect(() =>
      tf.spaceToBatchNd(
        x,
        [2, 2],
        [
          [0, 0],
          [0, 0],
        ],
      ),
    ).toThrow("padded_shape[0]=3 is not divisible by block_shape[0]=2");
    const b = tf.zeros([3, 1, 1, 1]);
    expect(() =>
      tf.batchToSpaceNd(
        b,
        [2, 2],
        [
          [0, 0],
          [0, 0],
        ],
      ),
    ).toThrow(
      "batch is not divisible by product of block sizes, batch = 3, product of block sizes = 4",
    );
  });

  it("have each other as gradient", async () => {
    await checkGradients({
      inputs: [{ shape: [2, 4, 2, 3] }],
      graph: (t) =>
        tf.spaceToBatchNd(
          t,
          [2, 2],
          [
            [0, 0],
            [1, 1],
          ],
        ),
    });
    await checkGradients({
      inputs: [{ shape: [8, 2, 2, 1] }],
      graph: (t) =>
        tf.batchToSpaceNd(
          t,
          [2, 2],
          [
            [1, 0],
            [0, 1],
          ],
        ),
    });
  });
});
