import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../../src/index.js";

beforeEach(() => tf.resetDefaultGraph());

/**
 * Checks `tf.gradients(sum(f(x)), x)` against central differences of the same graph,
 * evaluated with float64 arithmetic on the float32 results.
 */
function checkGradient(
  f: (x: tf.Tensor) => tf.Tensor,
  x0: number[],
  feeds: Map<tf.Tensor, unknown> = new Map(),
  tol = 2e-2,
): { analytic: number[]; numeric: number[] } {
  const x = tf.placeholder(tf.float32, [x0.length], { name: "x" });
  const y = tf.reduceSum(f(x));
  const [g] = tf.gradients(y, x);
  using sess = new tf.Session();
  const feed = (v: number[]) => new Map<tf.Tensor, unknown>([...feeds, [x, v]]);
  const analytic = Array.from(sess.run(g as tf.Tensor, feed(x0)).toArray() as number[]);
  const eps = 1e-2;
  const numeric = x0.map((_, i) => {
    const up = x0.slice();
    const down = x0.slice();
    up[i] = (up[i] as number) + eps;
    down[i] = (down[i] as number) - eps;
    const yu = Number(sess.run(y, feed(up)).item());
    const yd = Number(sess.run(y, feed(down)).item());
    return (yu - yd) / (2 * eps);
  });
  analytic.forEach((a, i) => {
    const n = numeric[i] as number;
    expect(Math.abs(a - n)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(n)));
  });
  return { analytic, numeric };
}

describe("gradients through tf.cond", () => {
  it("flow through the taken branch only", () => {
    const p = tf.placeholder(tf.bool, [], { name: "p" });
    for (const taken of [true, false]) {
      tf.resetDefaultGraph();
      const pp = tf.placeholder(tf.bool, [], { name: "p" });
      const { analytic } = checkGradient(
        (x) =>
          tf.cond(
            pp,
            () => tf.multiply(x, x),
            () => tf.multiply(x, 3),
          ) as tf.Tensor,
        [1, -2, 0.5],
        new Map([[pp, taken]]),
      );
      expect(analytic).toEqual(taken ? [2, -4, 1] : [3, 3, 3]);
    }
    expect(p.dtype).toBe("bool");
  });

  it("builds TF's names: cond_grad Merge/Switch", () => {
    const x = tf.placeholder(tf.float32, [], { name: "x" });
    const p = tf.placeholder(tf.bool, [], { name: "p" });
    const y = tf.cond(
      p,
      () => tf.square(x),
      () => tf.negative(x),
    ) as tf.Tensor;
    tf.gradients(y, x);
    const names = tf
      .getDefaultGraph()
      .getOperations()
      .map((o) => o.name);
    expect(names).toContain("gradients/cond/Merge_grad/cond_grad");
    expect(names).toContain("gradients/cond/Square/Switch_grad/cond_grad");
  });
});

describe("gradients through tf.whileLoop", () => {
  it("x * 2^n over a loop of n iterations", () => {
    const n = tf.placeholder(tf.int32, [], { name: "n" });
    for (const iterations of [0, 1, 3]) {
      tf.resetDefaultGraph();
      const nn = tf.placeholder(tf.int32, [], { name: "n" });
      const { analytic } = checkGradient(
        (x) => {
          const [, out] = tf.whileLoop(
            (i: tf.Tensor) => tf.less(i, nn),
            (i: tf.Tensor, v: tf.Tensor) => [tf.add(i, 1), tf.multiply(v, 2)],
            [tf.constant(0, { dtype: tf.int32 }), x],
          ) as tf.Tensor[];
          return out as tf.Tensor;
        },
        [1, 2],
        new Map([[nn, iterations]]),
      );
      expect(analytic).toEqual([2 ** iterations, 2 ** iterations]);
    }
    expect(n.dtype).toBe("int32");
  });

  it("a body reading its own value and a loop invariant (x^4 * w sums)", () => {
    checkGradient(
      (x) => {
        const w = tf.multiply(x, 0.5);
        const [, out] = tf.whileLoop(
          (i: tf.Tensor) => tf.less(i, 3),
          (i: tf.Tensor, v: tf.Tensor) => [tf.add(i, 1), tf.add(tf.multiply(v, v), w)],
          [tf.constant(0, { dtype: tf.int32 }), tf.multiply(x, 0.3)],
        ) as tf.Tensor[];
        return out as tf.Tensor;
      },
      [0.7, -0.4, 1.1],
    );
  });

  it("nested loops", () => {
    checkGradient(
      (x) => {
        const [, out] = tf.whileLoop(
          (i: tf.Tensor) => tf.less(i, 2),
          (i: tf.Tensor, v: tf.Tensor) => {
            const [, inner] = tf.whileLoop(
              (j: tf.Tensor) => tf.less(j, 3),
              (j: tf.Tensor, u: tf.Tensor) => [tf.add(j, 1), tf.multiply(tf.sin(u), x)],
              [tf.constant(0, { dtype: tf.int32 }), v],
            ) as tf.Tensor[];
            return [tf.add(i, 1), inner as tf.Tensor];
          },
          [tf.constant(0, { dtype: tf.int32 }), x],
        ) as tf.Tensor[];
        return out as tf.Tensor;
      },
      [0.7, -0.4, 1.1],
    );
  });

  it("a cond inside a loop", () => {
    checkGradient(
      (x) => {
        const [, out] = tf.whileLoop(
          (i: tf.Tensor) => tf.less(i, 4),
          (i: tf.Tensor, v: tf.Tensor) => [
            tf.add(i, 1),
            tf.cond(
              tf.equal(tf.floormod(i, 2), 0),
              () => tf.multiply(v, v),
              () => tf.add(v, x),
            ) as tf.Tensor,
          ],
          [tf.constant(0, { dtype: tf.int32 }), x],
        ) as tf.Tensor[];
        return out as tf.Tensor;
      },
      [0.7, -0.4, 1.1],
    );
  });

  it("backProp: false gives no gradient", () => {
    const x = tf.placeholder(tf.float32, [], { name: "x" });
    const [, out] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 3),
      (i: tf.Tensor, v: tf.Tensor) => [tf.add(i, 1), tf.multiply(v, 2)],
      [tf.constant(0, { dtype: tf.int32 }), x],
      { backProp: false },
    ) as tf.Tensor[];
    expect(tf.gradients(out as tf.Tensor, x)).toEqual([null]);
  });
});

describe("gradients through tf.whileLoop: more", () => {
  it("maximumIterations bounds the gradient loop too", () => {
    const { analytic } = checkGradient(
      (x) => {
        const out = tf.whileLoop(
          (v: tf.Tensor) => tf.less(tf.reduceSum(v), 1e6),
          (v: tf.Tensor) => tf.multiply(v, 3),
          [x],
          { maximumIterations: 2 },
        );
        return out as tf.Tensor;
      },
      [1, 2],
    );
    expect(analytic).toEqual([9, 9]);
  });

  it("TF's names: gradients/while/..., b_count, f_acc stacks", () => {
    const x = tf.placeholder(tf.float32, [], { name: "x" });
    const [, y] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 3),
      (i: tf.Tensor, v: tf.Tensor) => [tf.add(i, 1), tf.multiply(v, v)],
      [tf.constant(0, { dtype: tf.int32 }), x],
    ) as tf.Tensor[];
    tf.gradients(y as tf.Tensor, x);
    const ops = tf.getDefaultGraph().getOperations();
    const types = new Set(ops.map((o) => o.type));
    for (const t of ["StackV2", "StackPushV2", "StackPopV2", "Enter", "Exit", "LoopCond"]) {
      expect(types.has(t)).toBe(true);
    }
    const names = ops.map((o) => o.name);
    expect(names).toContain("gradients/while/Exit_1_grad/b_exit");
    expect(names).toContain("gradients/while/Switch_1_grad/b_switch");
    expect(names).toContain("gradients/while/Enter_1_grad/Exit");
    expect(names).toContain("gradients/b_count_2");
    const gradEnter = tf.getDefaultGraph().getOperationByName("gradients/b_count_1");
    expect(gradEnter.attrs.frame_name).toBe("gradients/while/while_context");
  });

  it("second-order gradients of a loop are TF's TypeError", () => {
    const x = tf.placeholder(tf.float32, [], { name: "x" });
    const y = tf.whileLoop(
      (v: tf.Tensor) => tf.less(v, 10),
      (v: tf.Tensor) => tf.multiply(v, v),
      [x],
    ) as tf.Tensor;
    // The first gradient reads the loop's Exit (the Mul gradient multiplies by y), so the
    // second traversal reaches the forward loop, whose Exit gradient refuses, as TF's
    // _ExitGrad does.
    const [g] = tf.gradients(tf.multiply(y, y), x);
    expect(() => tf.gradients(g as tf.Tensor, x)).toThrow(
      "Second-order gradient for while loops not supported.",
    );
  });
});

describe("second-order gradients through a gradient loop's accumulators", () => {
  it("tf.scan with an outer theta: the gradient of theta's gradient is TF's TypeError", () => {
    const theta = tf.constant(2, { dtype: tf.float32, name: "theta" });
    const r = tf.scan(
      (a: tf.Tensor, x: tf.Tensor) => tf.multiply(tf.add(a, x), theta),
      tf.constant([1, 2, 3], { dtype: tf.float32 }),
      { initializer: tf.constant(0, { dtype: tf.float32 }) },
    ) as tf.Tensor;
    const [g] = tf.gradients(r, [theta]);
    // theta's gradient is the gradient loop's accumulator (`b_acc`), one of its exits.
    expect(g?.name).toBe("gradients/scan/while/Mul/Enter_grad/b_acc_3:0");
    const before = tf.getDefaultGraph().getOperations().length;
    expect(() => tf.gradients(g as tf.Tensor, [theta])).toThrow(
      new TypeError("Second-order gradient for while loops not supported."),
    );
    expect(tf.getDefaultGraph().getOperations()).toHaveLength(before);
  });

  it("a tf.whileLoop reading an outer tensor: the same", () => {
    const theta = tf.constant(3, { dtype: tf.float32 });
    const [, y] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 3),
      (i: tf.Tensor, v: tf.Tensor) => [tf.add(i, 1), tf.multiply(v, theta)],
      [tf.constant(0, { dtype: tf.int32 }), tf.constant(1, { dtype: tf.float32 })],
    ) as tf.Tensor[];
    const [g] = tf.gradients(y as tf.Tensor, [theta]);
    expect(() => tf.gradients(g as tf.Tensor, [theta])).toThrow(TypeError);
  });
});

describe("gradients through nested loops of varying length", () => {
  it("an inner loop running i times at outer iteration i", () => {
    checkGradient(
      (x) => {
        const [, out] = tf.whileLoop(
          (i: tf.Tensor) => tf.less(i, 4),
          (i: tf.Tensor, v: tf.Tensor) => {
            const [, inner] = tf.whileLoop(
              (j: tf.Tensor) => tf.less(j, i),
              (j: tf.Tensor, u: tf.Tensor) => [tf.add(j, 1), tf.add(tf.multiply(u, 0.9), x)],
              [tf.constant(0, { dtype: tf.int32 }), v],
            ) as tf.Tensor[];
            return [tf.add(i, 1), tf.tanh(inner as tf.Tensor)];
          },
          [tf.constant(0, { dtype: tf.int32 }), x],
        ) as tf.Tensor[];
        return out as tf.Tensor;
      },
      [0.3, -0.2],
    );
  });
});

describe("a failing kernel inside a loop", () => {
  it("frees the loop's values and leaves the session usable", () => {
    const n = tf.placeholder(tf.int32, [], { name: "n" });
    const x = tf.placeholder(tf.float32, [2], { name: "x" });
    const [, y] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 3),
      (i: tf.Tensor, v: tf.Tensor) => [tf.add(i, 1), tf.reshape(v, tf.stack([n]))],
      [tf.constant(0, { dtype: tf.int32 }), x],
      { shapeInvariants: [new tf.TensorShape([]), new tf.TensorShape([null])] },
    ) as tf.Tensor[];
    using sess = new tf.Session();
    const feed = (k: number) =>
      new Map<tf.Tensor, unknown>([
        [n, k],
        [x, [1, 2]],
      ]);
    sess.run(y as tf.Tensor, feed(2));
    const before = tfc.memory().numTensors;
    expect(() => sess.run(y as tf.Tensor, feed(3))).toThrow();
    expect(tfc.memory().numTensors).toBe(before);
    expect(sess.run(y as tf.Tensor, feed(2)).shape).toEqual([2]);
  });
});
