/**
 * tf.randomGamma / tf.randomPoisson: the graphs TF 1.15's random_gamma and random_poisson
 * build (names, shapes, dtypes, errors), seeds as TF's, the distributions' moments, the
 * implicit reparameterization gradient of RandomGamma (RandomGammaGrad checked against a
 * finite difference of the inverse CDF), and an imported RandomGamma.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { lgamma } from "../../src/ops/math/special.js";
import { Philox, uint64ToDouble } from "../../src/ops/random/philox.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
  tf.setRandomSeed(null);
});

function values(t: tf.Tensor, sess?: tf.Session): number[] {
  const run = (s: tf.Session): number[] =>
    Array.from((s.run(t) as tf.NDArray).data as ArrayLike<number>, Number);
  if (sess !== undefined) return run(sess);
  using s = new tf.Session();
  return run(s);
}

/** Mean and variance of column `j` of a row-major [n, m] sample matrix. */
function moments(xs: number[], m: number, j: number): [number, number] {
  const col = xs.filter((_, i) => i % m === j);
  const mean = col.reduce((a, b) => a + b, 0) / col.length;
  const variance = col.reduce((a, b) => a + (b - mean) ** 2, 0) / (col.length - 1);
  return [mean, variance];
}

const opsOf = (): string[] =>
  tf
    .getDefaultGraph()
    .getOperations()
    .map((o) => `${o.name} ${o.type}`);

describe("tf.randomGamma", () => {
  it("builds TF 1.15's graph: alpha + zeros_like(beta), RandomGamma, / beta, Maximum", () => {
    const g = tf.randomGamma([10], [0.5, 1.5], { seed: 1 });
    expect(opsOf()).toEqual([
      "random_gamma/shape Const",
      "random_gamma/alpha Const",
      "random_gamma/beta Const",
      "random_gamma/zeros_like Const",
      "random_gamma/add AddV2",
      "random_gamma/RandomGamma RandomGamma",
      "random_gamma/truediv RealDiv",
      "random_gamma/Maximum/x Const",
      "random_gamma/Maximum Maximum",
    ]);
    expect(g.name).toBe("random_gamma/Maximum:0");
    expect(g.dtype).toBe("float32");
    expect(g.shape.toString()).toBe("(10, 2)");
    const op = tf.getDefaultGraph().getOperationByName("random_gamma/RandomGamma");
    expect(op.attrs.S).toBe("int32");
    expect(op.attrs.T).toBe("float32");
    expect([op.attrs.seed, op.attrs.seed2]).toEqual([87654321, 1]);
    expect(tf.random.gamma).toBe(tf.randomGamma);
  });

  it("has shape `shape + broadcast(alpha, beta)`, statically and when run", () => {
    const alpha = tf.constant([[1], [3], [5]], tf.float32);
    const beta = tf.constant([[3, 4]], tf.float32);
    const g = tf.randomGamma([30], alpha, beta);
    expect(g.shape.toString()).toBe("(30, 3, 2)");
    expect(tf.randomGamma([7, 5], [0.5, 1.5]).shape.toString()).toBe("(7, 5, 2)");
    expect(tf.randomGamma([], 2).shape.toString()).toBe("()");
    // A shape tensor: its length gives the rank, its value the dims when run.
    const sh = tf.placeholder(tf.int32, [2]);
    const d = tf.randomGamma(sh, [1, 2]);
    expect(d.shape.toString()).toBe("(?, ?, 2)");
    expect(tf.randomGamma(tf.placeholder(tf.int32, [null]), [1]).shape.toString()).toBe(
      "<unknown>",
    );
    expect(tf.randomGamma([3], tf.placeholder(tf.float32)).shape.toString()).toBe("<unknown>");
    using sess = new tf.Session();
    expect((sess.run(g) as tf.NDArray).shape).toEqual([30, 3, 2]);
    expect((sess.run(d, new Map([[sh, [4, 3]]])) as tf.NDArray).shape).toEqual([4, 3, 2]);
    expect((sess.run(tf.randomGamma([0], [1, 2])) as tf.NDArray).shape).toEqual([0, 2]);
  });

  it("refuses bad dtypes and shapes with TF's errors, the graph unchanged", () => {
    tf.constant(1, tf.float32, [], "c");
    expectThrowsAndUnchanged(
      () => tf.randomGamma([2], 2, { dtype: tf.int32 }),
      TypeError,
      "Value passed to parameter 'alpha' has DataType int32 not in list of allowed values: float16, float32, float64",
    );
    expectThrowsAndUnchanged(
      () => tf.randomGamma([[1, 2]], 2),
      tf.errors.ValueError,
      "Shape must be rank 1 but is rank 2 for 'random_gamma/RandomGamma' (op: 'RandomGamma') with input shapes: [1,2], [].",
    );
    const int64Shape = tf.constant([1, 2], tf.int64);
    expectThrowsAndUnchanged(
      () => tf.randomGamma(int64Shape, 2),
      tf.errors.ValueError,
      `Tensor conversion requested dtype int32 for Tensor with dtype int64: 'Tensor("Const:0", shape=(2,), dtype=int64)'`,
    );
    expectThrowsAndUnchanged(
      () => tf.randomGamma([2], [1, 2], [1, 2, 3]),
      tf.errors.ValueError,
      "Dimensions must be equal, but are 2 and 3 for 'random_gamma/add' (op: 'AddV2') with input shapes: [2], [3].",
    );
    using sess = new tf.Session();
    expect(() => sess.run(tf.randomGamma([3], tf.zeros([0])))).toThrow(
      "Input alpha should have non-zero element count, got: 0",
    );
  });

  it("has Gamma(alpha, beta)'s mean alpha/beta and variance alpha/beta²", () => {
    const alphas = [0.3, 1, 2.5, 10];
    const g = tf.randomGamma([20000], alphas, 2, { seed: 4 });
    const xs = values(g);
    expect(xs.every((x) => x > 0)).toBe(true);
    alphas.forEach((a, j) => {
      const [mean, variance] = moments(xs, alphas.length, j);
      const sd = Math.sqrt(a) / 2;
      // Five standard errors of the mean; 10% on the variance.
      expect(Math.abs(mean - a / 2)).toBeLessThan((5 * sd) / Math.sqrt(20000));
      expect(Math.abs(variance / (a / 4) - 1)).toBeLessThan(0.1);
    });
  });

  it("is repeatable for a seed in each new session, and varies from run to run", () => {
    const g = tf.randomGamma([5], [0.5, 3], { seed: 7 });
    using a = new tf.Session();
    using b = new tf.Session();
    const first = values(g, a);
    expect(values(g, b)).toEqual(first);
    expect(values(g, a)).not.toEqual(first);
    // The graph seed and the op's id: two unseeded ops under a graph seed differ.
    tf.resetDefaultGraph();
    tf.setRandomSeed(3);
    const x = tf.randomGamma([4], 2);
    const y = tf.randomGamma([4], 2);
    const gammaOp = tf.getDefaultGraph().getOperationByName("random_gamma/RandomGamma");
    // get_seed runs after alpha + zeros_like(beta): the op seed is that `add`'s id.
    const add = tf.getDefaultGraph().getOperationByName("random_gamma/add");
    expect([gammaOp.attrs.seed, gammaOp.attrs.seed2]).toEqual([3, add.id]);
    using c = new tf.Session();
    expect(values(x, c)).not.toEqual(values(y, c));
  });
});

describe("the Philox stream of RandomGamma and RandomPoissonV2", () => {
  /**
   * Output `index` of a run starting `at` blocks into `PhiloxRandom(seed, seed2)`: its
   * first float64 uniform (the second of its first block, as TF's UNIFORM macro takes them).
   */
  function firstUniform(seed: number, seed2: number, at: number, index: number): number {
    const gen = new Philox([0, 0, seed2, 0], [seed, 0]);
    gen.skip(at + 256 * index);
    const b = gen.next();
    return uint64ToDouble(b[2] as number, b[3] as number);
  }

  it("draws each output from its own 256 blocks, run after run, as TF's kernels do", () => {
    // alpha = 1 is one exponential per output: -log(1 - u).
    const g = tf.randomGamma([3], 1, { seed: 5 });
    const op = tf.getDefaultGraph().getOperationByName("random_gamma/RandomGamma");
    const [seed, seed2] = [op.attrs.seed as number, op.attrs.seed2 as number];
    using sess = new tf.Session();
    for (const run of [0, 1]) {
      const expected = [0, 1, 2].map((i) =>
        Math.fround(-Math.log(1 - firstUniform(seed, seed2, run * 3 * 256, i))),
      );
      expect(values(g, sess)).toEqual(expected);
    }
    // Poisson below rate 10 (Knuth): 0 exactly when the first uniform is already ≤ e^-rate.
    tf.resetDefaultGraph();
    const p = tf.randomPoisson([0.01], [50], { seed: 9 });
    const [ps, ps2] = [p.op.attrs.seed as number, p.op.attrs.seed2 as number];
    const zeros = Array.from(
      { length: 50 },
      (_, i) => firstUniform(ps, ps2, 0, i) <= Math.exp(-0.01),
    );
    expect(values(p).map((k) => k === 0)).toEqual(zeros);
  });
});

/** The regularized lower incomplete gamma function P(a, x), by its power series. */
function igamma(a: number, x: number): number {
  let term = Math.exp(a * Math.log(x) - x - lgamma(a + 1));
  let sum = term;
  for (let n = 1; n < 2000 && term > 1e-17 * sum; n++) {
    term *= x / (a + n);
    sum += term;
  }
  return sum;
}

/** The x with P(a, x) = u, by bisection. */
function igammaInv(a: number, u: number): number {
  let lo = 0;
  let hi = 200;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (igamma(a, mid) < u) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

describe("the gradient of tf.randomGamma", () => {
  it("is d sample / d alpha with the sample's quantile fixed (RandomGammaGrad)", () => {
    const a = [0.4, 0.9, 1, 2, 5.5, 30];
    const alpha = tf.constant(a);
    const g = tf.randomGamma([], alpha, { seed: 11 });
    const [d] = tf.gradients(g, [alpha]) as [tf.Tensor];
    using sess = new tf.Session();
    const [xs, ds] = (sess.run([g, d]) as tf.NDArray[]).map((v) =>
      Array.from(v.data as ArrayLike<number>),
    );
    a.forEach((ai, j) => {
      const x = xs?.[j] as number;
      const u = igamma(ai, x);
      const h = 1e-4 * ai;
      const fd = (igammaInv(ai + h, u) - igammaInv(ai - h, u)) / (2 * h);
      expect(ds?.[j]).toBeCloseTo(fd, 3);
    });
  });

  it("builds TF's ops and gives unbiased derivatives of E[x] and E[x²]", () => {
    const alpha = tf.constant([2, 5], tf.float32, [2], "alpha");
    const beta = tf.constant(2, tf.float32, [], "beta");
    const g = tf.randomGamma([40000], alpha, beta, { seed: 5 });
    const [da, db] = tf.gradients(tf.reduceMean(g, 0), [alpha, beta]) as [tf.Tensor, tf.Tensor];
    const grad = "gradients/random_gamma/RandomGamma_grad/";
    expect(opsOf().filter((n) => n.startsWith(grad))).toEqual([
      `${grad}Shape Const`,
      `${grad}strided_slice/stack Const`,
      `${grad}strided_slice/stack_1 Const`,
      `${grad}strided_slice/stack_2 Const`,
      `${grad}strided_slice StridedSlice`,
      `${grad}ones/packed Pack`,
      `${grad}ones/Const Const`,
      `${grad}ones Fill`,
      `${grad}Shape_1 Const`,
      `${grad}concat/axis Const`,
      `${grad}concat ConcatV2`,
      `${grad}Reshape Reshape`,
      `${grad}RandomGammaGrad RandomGammaGrad`,
      `${grad}mul Mul`,
      `${grad}range/start Const`,
      `${grad}range/delta Const`,
      `${grad}range Range`,
      `${grad}Sum Sum`,
    ]);
    expect(da.shape.toString()).toBe("(2,)");
    // E[x] = alpha / beta: d/dalpha = 1/beta, d/dbeta = -alpha/beta².
    const [d1, d2] = values(da);
    expect(d1).toBeCloseTo(0.5, 1);
    expect(d2).toBeCloseTo(0.5, 1);
    expect(values(db)[0]).toBeCloseTo(-(2 + 5) / 4, 1);
    // E[x²] = alpha (alpha + 1) for beta = 1: d/dalpha = 2 alpha + 1.
    tf.resetDefaultGraph();
    const a = tf.constant(3);
    const sq = tf.reduceMean(tf.square(tf.randomGamma([40000], a, { seed: 6 })));
    const [dsq] = tf.gradients(sq, [a]) as [tf.Tensor];
    expect(Math.abs((values(dsq)[0] as number) / 7 - 1)).toBeLessThan(0.05);
  });

  it("is defined at the edges as Eigen's: 0 at sample 0, NaN for alpha ≤ 0", () => {
    const alpha = tf.placeholder(tf.float32, [3]);
    const g = tf.randomGamma([], alpha);
    const [d] = tf.gradients(g, [alpha], null) as [tf.Tensor];
    const rgg = d.graph.getOperations().find((o) => o.type === "RandomGammaGrad") as tf.Operation;
    using sess = new tf.Session();
    const out = sess.run(
      rgg.outputs[0] as tf.Tensor,
      new Map<tf.Tensor, unknown>([
        [alpha, [1, -1, 2]],
        [rgg.inputs[1] as tf.Tensor, [0, 1, 3]],
      ]),
    ) as tf.NDArray;
    const [zero, nan, pos] = Array.from(out.data as ArrayLike<number>);
    expect(zero).toBe(0);
    expect(nan).toBeNaN();
    expect(pos).toBeGreaterThan(0);
  });
});

describe("tf.randomPoisson", () => {
  it("takes (lam, shape) as TF 1.15 and builds RandomPoissonV2 under random_poisson", () => {
    const p = tf.randomPoisson([0.5, 1.5], [10], { seed: 2 });
    expect(opsOf()).toEqual([
      "random_poisson/shape Const",
      "random_poisson/RandomPoissonV2/rate Const",
      "random_poisson/RandomPoissonV2 RandomPoissonV2",
    ]);
    expect(p.name).toBe("random_poisson/RandomPoissonV2:0");
    expect(p.shape.toString()).toBe("(10, 2)");
    expect(p.dtype).toBe("float32");
    expect(p.op.attrs.R).toBe("float32");
    expect(p.op.attrs.S).toBe("int32");
    expect(tf.random.poisson).toBe(tf.randomPoisson);
    expect(tf.randomPoisson([12.2, 3.3], [7, 5]).shape.toString()).toBe("(7, 5, 2)");
    const i = tf.randomPoisson(tf.constant([[1, 2]]), [3], tf.int64, 1, "p");
    expect(`${i.name} ${i.dtype} ${i.shape.toString()}`).toBe(
      "p/RandomPoissonV2:0 int64 (3, 1, 2)",
    );
  });

  it("has Poisson(lam)'s mean and variance lam, in every output dtype", () => {
    const lams = [0.5, 4, 25, 300];
    for (const dtype of [tf.float32, tf.int32, tf.int64]) {
      const xs = values(tf.randomPoisson(lams, [20000], dtype, 9));
      expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
      lams.forEach((lam, j) => {
        const [mean, variance] = moments(xs, lams.length, j);
        expect(Math.abs(mean - lam)).toBeLessThan((5 * Math.sqrt(lam)) / Math.sqrt(20000));
        expect(Math.abs(variance / lam - 1)).toBeLessThan(0.1);
      });
    }
    // A rate ≤ 0 gives 0, as the kernel's product of uniforms stops at once.
    expect(values(tf.randomPoisson([0, -3], [4]))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("is repeatable for a seed in each new session", () => {
    const p = tf.randomPoisson([3, 40], [6], { seed: 8 });
    using a = new tf.Session();
    using b = new tf.Session();
    expect(values(p, b)).toEqual(values(p, a));
  });

  it("refuses what TF refuses, the graph unchanged; has no gradient", () => {
    tf.constant(1, tf.float32, [], "c");
    expectThrowsAndUnchanged(
      () => tf.randomPoisson([1], [2], { dtype: tf.bool }),
      TypeError,
      "Value passed to parameter 'dtype' has DataType bool not in list of allowed values: float16, float32, float64, int32, int64",
    );
    expectThrowsAndUnchanged(
      () => tf.randomPoisson(["a"], [2]),
      TypeError,
      "Value passed to parameter 'rate' has DataType string not in list of allowed values: float16, float32, float64, int32, int64",
    );
    const lam = tf.constant([1, 2], tf.float32);
    const p = tf.randomPoisson(lam, [3]);
    expect(() => tf.gradients(p, [lam])).toThrow(
      "No gradient defined for operation 'random_poisson/RandomPoissonV2' (op type: RandomPoissonV2)",
    );
  });
});

describe("an imported RandomGamma", () => {
  it("gets its shape from the shape function and samples when run", () => {
    const def = tf.GraphDef.fromText(`versions { producer: 27 }
      node { name: 's' op: 'Const' attr { key: 'dtype' value { type: DT_INT32 } }
        attr { key: 'value' value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 1 } } int_val: 20000 } } } }
      node { name: 'a' op: 'Const' attr { key: 'dtype' value { type: DT_FLOAT } }
        attr { key: 'value' value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 2 } } float_val: 2 float_val: 0.5 } } } }
      node { name: 'g' op: 'RandomGamma' input: 's' input: 'a'
        attr { key: 'S' value { type: DT_INT32 } } attr { key: 'T' value { type: DT_FLOAT } }
        attr { key: 'seed' value { i: 1 } } attr { key: 'seed2' value { i: 2 } } }`);
    const [g] = tf.importGraphDef(def, { returnElements: ["g:0"] }) as [tf.Tensor];
    expect(g.name).toBe("import/g:0");
    expect(g.shape.toString()).toBe("(20000, 2)");
    using a = new tf.Session();
    using b = new tf.Session();
    const xs = values(g, a);
    expect(values(g, b)).toEqual(xs);
    const [m0] = moments(xs, 2, 0);
    const [m1] = moments(xs, 2, 1);
    expect(m0).toBeCloseTo(2, 1);
    expect(m1).toBeCloseTo(0.5, 1);
  });
});
