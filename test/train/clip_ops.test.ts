import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

beforeEach(() => tf.resetDefaultGraph());

function values(t: tf.Tensor, s: tf.Session, feeds?: Map<tf.Tensor, unknown>): number[] {
  return Array.from(s.run(t, feeds).data as Float32Array);
}

function expectClose(got: number[], want: number[], digits = 5): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(g).toBeCloseTo(want[i] as number, digits));
}

function opNames(prefix: string): string[] {
  return tf
    .getDefaultGraph()
    .getOperations()
    .map((o) => o.name)
    .filter((n) => n.startsWith(prefix));
}

/** Central finite differences of a scalar function of x (a placeholder of `shape`). */
function numericGradient(
  s: tf.Session,
  y: tf.Tensor,
  x: tf.Tensor,
  x0: number[],
  h = 1e-2,
): number[] {
  const at = (v: number[]) => s.run(y, new Map([[x, v]])).item() as number;
  return x0.map((_, i) => {
    const up = x0.slice();
    const down = x0.slice();
    up[i] = (up[i] as number) + h;
    down[i] = (down[i] as number) - h;
    return (at(up) - at(down)) / (2 * h);
  });
}

describe("tf.clipByGlobalNorm and tf.globalNorm", () => {
  it("builds TensorFlow's ops: global_norm/..., clip_by_global_norm/clip_by_global_norm/_i", () => {
    const a = tf.constant([3, 4], { name: "a" });
    const b = tf.constant([12], { name: "b" });
    const [clipped, norm] = tf.clipByGlobalNorm([a, null, b], 6.5);
    expect(norm.name).toBe("global_norm/global_norm:0");
    expect(norm.op.type).toBe("Sqrt");
    expect(clipped.length).toBe(3);
    expect(clipped[1]).toBeNull();
    expect(clipped[0]?.name).toBe("clip_by_global_norm/clip_by_global_norm/_0:0");
    expect(clipped[2]?.name).toBe("clip_by_global_norm/clip_by_global_norm/_2:0");
    expect(clipped[0]?.op.type).toBe("Identity");
    expect((clipped[0] as tf.Tensor).shape.toString()).toBe("(2,)");
    expect(opNames("global_norm/")).toEqual([
      "global_norm/L2Loss",
      "global_norm/L2Loss_1",
      "global_norm/stack",
      "global_norm/Const",
      "global_norm/Sum",
      "global_norm/Const_1",
      "global_norm/mul",
      "global_norm/global_norm",
    ]);
    expect(opNames("clip_by_global_norm/")).toEqual([
      "clip_by_global_norm/truediv/x",
      "clip_by_global_norm/truediv",
      "clip_by_global_norm/Const",
      "clip_by_global_norm/truediv_1/y",
      "clip_by_global_norm/truediv_1",
      "clip_by_global_norm/Minimum",
      "clip_by_global_norm/mul/x",
      "clip_by_global_norm/mul",
      "clip_by_global_norm/IsFinite",
      "clip_by_global_norm/Const_1",
      "clip_by_global_norm/Select",
      "clip_by_global_norm/mul_1",
      "clip_by_global_norm/clip_by_global_norm/_0",
      "clip_by_global_norm/mul_2",
      "clip_by_global_norm/clip_by_global_norm/_2",
    ]);
    using s = new tf.Session();
    // sqrt(9 + 16 + 144) = 13 → every entry scaled by 6.5 / 13.
    expect(s.run(norm).item()).toBeCloseTo(13, 5);
    expectClose(values(clipped[0] as tf.Tensor, s), [1.5, 2]);
    expectClose(values(clipped[2] as tf.Tensor, s), [6]);
  });

  it("leaves the tensors as they are under the clip norm; takes useNorm and a name", () => {
    const a = tf.constant([
      [1, 2],
      [2, 0],
    ]);
    const [[same], norm] = tf.clipByGlobalNorm([a], 10);
    using s = new tf.Session();
    expect(s.run(norm).item()).toBeCloseTo(3, 5);
    expectClose(values(same as tf.Tensor, s), [1, 2, 2, 0]);

    const given = tf.constant(20, { name: "given" });
    const [[half], used] = tf.clipByGlobalNorm([a], 10, { useNorm: given, name: "clip" });
    expect(used).toBe(given);
    expect(half?.name).toBe("clip/clip/_0:0");
    expect(opNames("global_norm_1")).toEqual([]);
    expectClose(values(half as tf.Tensor, s), [0.5, 1, 1, 0]);
  });

  it("returns NaN everywhere when the global norm is not finite", () => {
    const [[c0, c1], norm] = tf.clipByGlobalNorm([tf.constant([Infinity, 1]), tf.constant([2])], 1);
    using s = new tf.Session();
    expect(s.run(norm).item()).toBe(Infinity);
    expect(values(c0 as tf.Tensor, s).every(Number.isNaN)).toBe(true);
    expect(values(c1 as tf.Tensor, s).every(Number.isNaN)).toBe(true);
  });

  it("globalNorm skips null entries; a non-array is a TypeError", () => {
    const n = tf.globalNorm([tf.constant([3]), null, [[4]]]);
    expect(n.name).toBe("global_norm/global_norm:0");
    expect(opNames("global_norm/")).toContain("global_norm/t_2");
    using s = new tf.Session();
    expect(s.run(n).item()).toBeCloseTo(5, 5);
    expect(() => tf.globalNorm(tf.constant([1]) as unknown as tf.Tensor[])).toThrow(
      new TypeError("t_list should be a sequence"),
    );
    expect(() => tf.clipByGlobalNorm("ab" as unknown as tf.Tensor[], 1)).toThrow(TypeError);
  });

  it("clips the gradients an optimizer computes", () => {
    const w = tf.getVariable("w", [2], { initializer: tf.constantInitializer([3, 4]) });
    const loss = tf.multiply(0.5, tf.reduceSum(tf.square(w)));
    const opt = new tf.train.GradientDescentOptimizer(1);
    const gradsAndVars = opt.computeGradients(loss);
    const [clipped, norm] = tf.clipByGlobalNorm(
      gradsAndVars.map(([g]) => g),
      1,
    );
    const train = opt.applyGradients(
      clipped.map((g, i) => [g, gradsAndVars[i]?.[1]] as tf.train.GradAndVar),
    );
    using s = new tf.Session();
    s.run(tf.globalVariablesInitializer());
    expect(s.run(norm).item()).toBeCloseTo(5, 5);
    s.run(train);
    // grad = w = [3, 4], clipped to unit norm [0.6, 0.8].
    expectClose(values(w as unknown as tf.Tensor, s), [2.4, 3.2]);
  });

  it("gradient through clipByGlobalNorm matches finite differences", () => {
    const x = tf.placeholder(tf.float32, [3], { name: "x" });
    const [[c]] = tf.clipByGlobalNorm([x, null], 1);
    const y = tf.reduceSum(tf.multiply(c as tf.Tensor, tf.constant([1, 2, 3])));
    const [g] = tf.gradients(y, [x]);
    const x0 = [0.3, -2, 0.6];
    using s = new tf.Session();
    const analytic = values(g as tf.Tensor, s, new Map([[x, x0]]));
    expectClose(analytic, numericGradient(s, y, x, x0), 2);
  });
});

describe("tf.clipByValue", () => {
  it("clips to the bounds with Minimum then a Maximum named clip_by_value", () => {
    const t = tf.constant([-2, 0.5, 3], { name: "t" });
    const c = tf.clipByValue(t, -1, 1);
    expect(c.name).toBe("clip_by_value:0");
    expect(c.op.type).toBe("Maximum");
    expect(opNames("clip_by_value")).toEqual([
      "clip_by_value/Minimum/y",
      "clip_by_value/Minimum",
      "clip_by_value/y",
      "clip_by_value",
    ]);
    const perElement = tf.clipByValue(
      [
        [1, 5],
        [-3, 0],
      ],
      [
        [0, 0],
        [0, 0],
      ],
      [
        [2, 2],
        [2, 2],
      ],
      {
        name: "clip",
      },
    );
    expect(perElement.name).toBe("clip:0");
    using s = new tf.Session();
    expectClose(values(c, s), [-1, 0.5, 1]);
    expectClose(values(perElement, s), [1, 2, 0, 0]);
  });

  it("refuses bounds that would broadcast t to a larger shape", () => {
    expect(() =>
      tf.clipByValue(
        tf.constant([1, 2]),
        [
          [0, 0],
          [0, 0],
        ],
        1,
      ),
    ).toThrow(new tf.errors.ValueError("Shapes (2,) and (2, 2) are not compatible"));
  });

  it("gradient flows where t is inside the bounds", () => {
    const x = tf.placeholder(tf.float32, [3], { name: "x" });
    const y = tf.reduceSum(tf.multiply(tf.clipByValue(x, -1, 0.5), tf.constant([1, 2, 3])));
    const [g] = tf.gradients(y, [x]);
    using s = new tf.Session();
    expectClose(values(g as tf.Tensor, s, new Map([[x, [0.3, -2, 0.6]]])), [1, 0, 0]);
  });
});

describe("tf.clipByNorm", () => {
  it("rescales to the clip norm, an Identity named clip_by_norm", () => {
    const c = tf.clipByNorm(tf.constant([3, 4]), 1);
    expect(c.name).toBe("clip_by_norm:0");
    expect(c.op.type).toBe("Identity");
    const names = opNames("clip_by_norm/");
    expect(names).toEqual(
      expect.arrayContaining([
        "clip_by_norm/mul",
        "clip_by_norm/Sum",
        "clip_by_norm/Greater",
        "clip_by_norm/ones_like",
        "clip_by_norm/Select",
        "clip_by_norm/Sqrt",
        "clip_by_norm/Select_1",
        "clip_by_norm/mul_1",
        "clip_by_norm/Maximum",
        "clip_by_norm/truediv",
      ]),
    );
    using s = new tf.Session();
    expectClose(values(c, s), [0.6, 0.8]);
  });

  it("leaves small and zero tensors alone; clips rows with axes", () => {
    const small = tf.clipByNorm(tf.constant([0.3, 0.4]), 1);
    const zero = tf.clipByNorm(tf.constant([0, 0]), 1);
    const rows = tf.clipByNorm(
      tf.constant([
        [3, 4],
        [0.3, 0.4],
      ]),
      1,
      { axes: [1], name: "rows" },
    );
    expect(rows.name).toBe("rows:0");
    using s = new tf.Session();
    expectClose(values(small, s), [0.3, 0.4]);
    expectClose(values(zero, s), [0, 0]);
    expectClose(values(rows, s), [0.6, 0.8, 0.3, 0.4]);
  });

  it("gradient matches finite differences, and is finite at zero", () => {
    const x = tf.placeholder(tf.float32, [3], { name: "x" });
    const y = tf.reduceSum(tf.multiply(tf.clipByNorm(x, 1), tf.constant([1, 2, 3])));
    const [g] = tf.gradients(y, [x]);
    const x0 = [0.3, -2, 0.6];
    using s = new tf.Session();
    expectClose(values(g as tf.Tensor, s, new Map([[x, x0]])), numericGradient(s, y, x, x0), 2);
    expect(values(g as tf.Tensor, s, new Map([[x, [0, 0, 0]]]))).toEqual([1, 2, 3]);
  });
});
