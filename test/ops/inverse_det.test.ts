/**
 * tf.matrixInverse / tf.matrixDeterminant (tf.linalg.inv / det): values from TF's
 * matrix_inverse_op_test.py and determinant_op_test.py, batches, adjoint, errors,
 * gradients (linalg_grad.py's) checked numerically.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { checkGradients } from "../gradients/helpers.js";

beforeEach(() => tf.resetDefaultGraph());

function run(t: tf.Tensor): number[] {
  using sess = new tf.Session();
  const v = (sess.run(t) as tf.NDArray).toArray() as unknown;
  return typeof v === "number" ? [v] : ((v as unknown[]).flat(3) as number[]);
}

function close(a: number[], b: number[], tol = 1e-5): void {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(Math.abs(v - (b[i] as number))).toBeLessThan(tol));
}

describe("tf.matrixInverse", () => {
  it("inverts each matrix of a batch, or its adjoint (matrix_inverse_op_test)", () => {
    const m = tf.constant([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [2, 0],
        [0, 4],
      ],
    ]);
    const inv = tf.matrixInverse(m);
    expect(inv.op.type).toBe("MatrixInverse");
    expect(inv.shape.toString()).toBe("(2, 2, 2)");
    close(run(inv), [-2, 1, 1.5, -0.5, 0.5, 0, 0, 0.25]);
    close(run(tf.matrixInverse(m, true)), [-2, 1.5, 1, -0.5, 0.5, 0, 0, 0.25]);
    close(run(tf.matmul(m, inv)), [1, 0, 0, 1, 1, 0, 0, 1]);
    expect(tf.linalg.inv).toBe(tf.matrixInverse);
  });

  it("refuses non-square and singular matrices", () => {
    const r = tf.zeros([2, 3]);
    expect(() => tf.matrixInverse(r)).toThrow("Dimensions must be equal, but are 2 and 3");
    const singular = tf.matrixInverse(
      tf.constant([
        [1, 2],
        [2, 4],
      ]),
    );
    expect(() => run(singular)).toThrow("Input is not invertible.");
  });

  it("has TF's gradient", async () => {
    await checkGradients({
      inputs: [
        { shape: [2, 3, 3], values: [4, 1, 0, 1, 3, 1, 0, 1, 2, 5, 2, 1, 0, 4, 1, 1, 0, 3] },
      ],
      graph: (x) => tf.matrixInverse(x),
      step: 1e-3,
    });
  });
});

describe("tf.matrixDeterminant", () => {
  it("gives each matrix's determinant (determinant_op_test)", () => {
    const d = tf.matrixDeterminant(
      tf.constant([
        [
          [1, 2],
          [3, 4],
        ],
        [
          [2, 0],
          [0, 4],
        ],
      ]),
    );
    expect(d.op.type).toBe("MatrixDeterminant");
    expect(d.shape.toString()).toBe("(2,)");
    close(run(d), [-2, 8]);
    close(
      run(
        tf.linalg.det(
          tf.constant([
            [0, 1, 2],
            [1, 0, 3],
            [4, -3, 8],
          ]),
        ),
      ),
      [-2],
    );
    close(
      run(
        tf.matrixDeterminant(
          tf.constant([
            [1, 2],
            [2, 4],
          ]),
        ),
      ),
      [0],
    );
  });

  it("has TF's gradient", async () => {
    await checkGradients({
      inputs: [
        { shape: [2, 3, 3], values: [4, 1, 0, 1, 3, 1, 0, 1, 2, 5, 2, 1, 0, 4, 1, 1, 0, 3] },
      ],
      graph: (x) => tf.matrixDeterminant(x),
      step: 1e-3,
    });
  });
});
