/**
 * API.md "tf.gradients(ys, xs, gradYs?)" on [3,4]: the gradYs argument, several ys summed,
 * and a Variable among the xs.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectClose, map2, matmul, matrix } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

describe("tf.gradients", () => {
  it("gradYs weights the incoming gradient; a list of ys sums their gradients", () => {
    const xv = map2(matrix(3, 4), (v) => v / 5);
    const wv = map2(matrix(4, 2), (v) => v / 7 - 0.5);
    const x = tf.constant(xv, { name: "x" });
    const w = tf.getVariable("w", [4, 2], { initializer: tf.constantInitializer(wv) });
    const y = tf.matmul(x, w);
    const gy = map2(matrix(3, 2), (v, i, j) => (i + 1) * (j === 0 ? 1 : -2) + v / 10);
    const [gw, gx] = tf.gradients(y, [w, x], [tf.constant(gy)]) as tf.Tensor[];
    expect(gw?.op.name).toBe("gradients/MatMul_grad/MatMul_1");
    expect(gx?.op.name).toBe("gradients/MatMul_grad/MatMul");
    expect(gw?.shape.asList()).toEqual([4, 2]);
    const z = tf.reduceSum(tf.square(x));
    const [both] = tf.gradients([y, z], [x]) as tf.Tensor[];
    using sess = new tf.Session();
    sess.run(w.initializer);
    const t = (m: number[][]) => (m[0] as number[]).map((_, j) => m.map((r) => r[j] as number));
    expectClose(sess.run(gw as tf.Tensor).toArray(), matmul(t(xv), gy));
    expectClose(sess.run(gx as tf.Tensor).toArray(), matmul(gy, t(wv)));
    // d/dx of sum(y) + sum(x^2) = ones · w^T + 2x.
    const ones = map2(matrix(3, 2), () => 1);
    expectClose(
      sess.run(both as tf.Tensor).toArray(),
      map2(matmul(ones, t(wv)), (v, i, j) => v + 2 * ((xv[i] as number[])[j] as number)),
    );
  });
});
