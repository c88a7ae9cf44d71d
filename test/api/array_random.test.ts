/**
 * The calling convention (API.md's argument rule) on the array ops, the random ops and
 * `convertToTensor`: TF 1.15's positional form, the options form and the keywords-only
 * form build the same graph; the literal TF 1.x calls mean what they meant; unknown keys
 * and wrong kinds are refused with the graph unchanged.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectRefused, expectSameGraphs } from "./helpers.js";

const X23 = [
  [1, 2, 3],
  [4, 5, 6],
];
const X234 = Array.from({ length: 2 }, (_, i) =>
  Array.from({ length: 3 }, (_, j) => Array.from({ length: 4 }, (_, k) => i * 12 + j * 4 + k)),
);

beforeEach(() => {
  tf.resetDefaultGraph();
});

function run(t: tf.Tensor | tf.Tensor[], feeds?: Map<tf.Tensor, unknown>): unknown {
  using sess = new tf.Session();
  const out = sess.run(t as tf.Tensor, feeds as never) as unknown as
    tf.NDArray | readonly tf.NDArray[];
  return Array.isArray(out)
    ? out.map((o: tf.NDArray) => o.toArray())
    : (out as tf.NDArray).toArray();
}

/**
 * Builds every form with `expectSameGraphs` and returns the first form's result, rebuilt
 * in the default graph for inspection.
 */
function same<T>(...forms: (() => T)[]): T {
  expectSameGraphs(...forms);
  return (forms[0] as () => T)();
}

function desc(t: tf.Tensor): string {
  return `${t.name} ${t.dtype}${t.shape.toString()}`;
}

describe("positional, options and keywords-only forms build the same graph", () => {
  it("cast(x, dtype, name)", () => {
    const t = same(
      () => tf.cast(tf.constant(X23), tf.int32, "c"),
      () => tf.cast(tf.constant(X23), { dtype: tf.int32, name: "c" }),
      () => tf.cast({ x: tf.constant(X23), dtype: tf.int32, name: "c" }),
    );
    expect(desc(t)).toBe("c:0 int32(2, 3)");
  });

  it("concat(values, axis, name)", () => {
    const t = same(
      () => tf.concat([tf.constant(X23), tf.constant(X23)], 1, "cc"),
      () => tf.concat([tf.constant(X23), tf.constant(X23)], { axis: 1, name: "cc" }),
      () => tf.concat({ values: [tf.constant(X23), tf.constant(X23)], axis: 1, name: "cc" }),
    );
    expect(desc(t)).toBe("cc:0 float32(2, 6)");
  });

  it("constant(value, dtype, shape, name, verify_shape)", () => {
    const t = same(
      () => tf.constant(7, tf.int32, [2, 3], "k", false),
      () => tf.constant(7, { dtype: tf.int32, shape: [2, 3], name: "k", verifyShape: false }),
      () => tf.constant({ value: 7, dtype: tf.int32, shape: [2, 3], name: "k" }),
    );
    expect(desc(t)).toBe("k:0 int32(2, 3)");
    expect(run(t)).toEqual([
      [7, 7, 7],
      [7, 7, 7],
    ]);
  });

  it("convertToTensor(value, dtype, name, preferred_dtype, dtype_hint)", () => {
    const t = same(
      () => tf.convertToTensor(X23, null, "v", tf.int32),
      () => tf.convertToTensor(X23, { name: "v", preferredDtype: tf.int32 }),
      () => tf.convertToTensor(X23, { name: "v", dtypeHint: tf.int32 }),
      () => tf.convertToTensor({ value: X23, name: "v", preferredDtype: tf.int32 }),
    );
    expect(desc(t)).toBe("v:0 int32(2, 3)");
    // A preferred dtype the value does not fit is no error (`[0.5]` stays float32).
    expect(tf.convertToTensor([0.5], null, null, tf.int32).dtype).toBe("float32");
    expect(tf.convertToTensor(X23, tf.int32).dtype).toBe("int32");
  });

  it("expandDims(input, axis, name, dim)", () => {
    const t = same(
      () => tf.expandDims(tf.constant(X23), 1, "e"),
      () => tf.expandDims(tf.constant(X23), { axis: 1, name: "e" }),
      () => tf.expandDims(tf.constant(X23), null, "e", 1),
      () => tf.expandDims(tf.constant(X23), { dim: 1, name: "e" }),
      () => tf.expandDims({ input: tf.constant(X23), axis: 1, name: "e" }),
    );
    expect(desc(t)).toBe("e:0 float32(2, 1, 3)");
  });

  it("fill(dims, value, name)", () => {
    const t = same(
      () => tf.fill([2, 3], 9, "f"),
      () => tf.fill([2, 3], { value: 9, name: "f" }),
      () => tf.fill({ dims: [2, 3], value: 9, name: "f" }),
    );
    expect(desc(t)).toBe("f:0 float32(2, 3)");
  });

  it("gather(params, indices, validate_indices, name, axis, batch_dims)", () => {
    const t = same(
      () => tf.gather(tf.constant(X234), [2, 0], null, "g", 2, 0),
      () => tf.gather(tf.constant(X234), [2, 0], { name: "g", axis: 2, batchDims: 0 }),
      () => tf.gather(tf.constant(X234), [2, 0], true, { name: "g", axis: 2 }),
      () => tf.gather({ params: tf.constant(X234), indices: [2, 0], name: "g", axis: 2 }),
    );
    expect(desc(t)).toBe("g:0 float32(2, 3, 2)");
    expect(run(tf.gather(tf.constant(X23), [2, 0], null, null, 1))).toEqual([
      [3, 1],
      [6, 4],
    ]);
  });

  it("oneHot(indices, depth, on_value, off_value, axis, dtype, name)", () => {
    const t = same(
      () =>
        tf.oneHot(
          [
            [0, 2, 1],
            [1, 1, 0],
          ],
          4,
          5,
          -1,
          1,
          tf.float32,
          "oh",
        ),
      () =>
        tf.oneHot(
          [
            [0, 2, 1],
            [1, 1, 0],
          ],
          4,
          {
            onValue: 5,
            offValue: -1,
            axis: 1,
            dtype: tf.float32,
            name: "oh",
          },
        ),
      () =>
        tf.oneHot({
          indices: [
            [0, 2, 1],
            [1, 1, 0],
          ],
          depth: 4,
          onValue: 5,
          offValue: -1,
          axis: 1,
          name: "oh",
        }),
    );
    expect(desc(t)).toBe("oh:0 float32(2, 4, 3)");
    expect(run(tf.oneHot([0, 2], 3, 5, -1))).toEqual([
      [5, -1, -1],
      [-1, -1, 5],
    ]);
  });

  it("zeros / ones(shape, dtype, name)", () => {
    for (const f of [tf.zeros, tf.ones]) {
      const t = same(
        () => f([2, 3], tf.int32, "z"),
        () => f([2, 3], { dtype: tf.int32, name: "z" }),
        () => f({ shape: [2, 3], dtype: tf.int32, name: "z" }),
      );
      expect(desc(t)).toBe("z:0 int32(2, 3)");
      tf.resetDefaultGraph();
    }
  });

  it("zeros / ones take a shape tensor (tf.zeros(tf.shape(x))), as a Fill", () => {
    const x = tf.placeholder(tf.float32, [null, 3]);
    const z = tf.zeros(tf.shape(x), tf.int32);
    expect(desc(z)).toBe("zeros:0 int32(?, 3)");
    expect(z.op.type).toBe("Fill");
    const o = tf.ones([tf.rank(x), 3]);
    expect(o.op.type).toBe("Fill");
    expect(run(o)).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expect(run(z, new Map([[x, [[1, 2, 3]]]]))).toEqual([[0, 0, 0]]);
    expect(() => tf.zeros([null, 3])).toThrow(
      "Cannot convert a partially known TensorShape to a Tensor: (?, 3)",
    );
  });

  it("zerosLike / onesLike(tensor, dtype, name, optimize)", () => {
    for (const f of [tf.zerosLike, tf.onesLike]) {
      const t = same(
        () => f(tf.constant(X23), null, "zl", true),
        () => f(tf.constant(X23), { name: "zl", optimize: true }),
        () => f({ tensor: tf.constant(X23), name: "zl" }),
      );
      expect(desc(t)).toBe("zl:0 float32(2, 3)");
      tf.resetDefaultGraph();
    }
    // A different dtype is `zeros(shape, dtype)` under the same name, as TF builds it.
    const x = tf.placeholder(tf.float32, [null, 3]);
    const z = tf.onesLike(x, tf.int32);
    expect(desc(z)).toBe("ones_like:0 int32(?, 3)");
    expect(run(z, new Map([[x, [[1, 2, 3]]]]))).toEqual([[1, 1, 1]]);
    expect(desc(tf.zerosLike(tf.constant(X23), tf.int32))).toBe("zeros_like:0 int32(2, 3)");
  });

  it("pad(tensor, paddings, mode, name, constant_values)", () => {
    const t = same(
      () =>
        tf.pad(
          tf.constant(X23),
          [
            [1, 0],
            [0, 2],
          ],
          "CONSTANT",
          "p",
          7,
        ),
      () =>
        tf.pad(
          tf.constant(X23),
          [
            [1, 0],
            [0, 2],
          ],
          {
            mode: "CONSTANT",
            name: "p",
            constantValues: 7,
          },
        ),
      () =>
        tf.pad({
          tensor: tf.constant(X23),
          paddings: [
            [1, 0],
            [0, 2],
          ],
          name: "p",
          constantValues: 7,
        }),
    );
    expect(desc(t)).toBe("p:0 float32(3, 5)");
    expect(t.op.type).toBe("PadV2");
    expect(run(tf.pad(tf.constant([1, 2, 3]), [[2, 2]], "REFLECT"))).toEqual([3, 2, 1, 2, 3, 2, 1]);
  });

  it("placeholder(dtype, shape, name) keeps the name given positionally", () => {
    const t = same(
      () => tf.placeholder(tf.float32, [null, 784], "x"),
      () => tf.placeholder(tf.float32, { shape: [null, 784], name: "x" }),
      () => tf.placeholder({ dtype: tf.float32, shape: [null, 784], name: "x" }),
    );
    expect(desc(t)).toBe("x:0 float32(?, 784)");
  });

  it("placeholderWithDefault(input, shape, name)", () => {
    const t = same(
      () => tf.placeholderWithDefault(X23, [null, 3], "d"),
      () => tf.placeholderWithDefault(X23, { shape: [null, 3], name: "d" }),
      () => tf.placeholderWithDefault({ input: X23, shape: [null, 3], name: "d" }),
    );
    expect(desc(t)).toBe("d:0 float32(?, 3)");
  });

  it("rank(input, name), shape / size(input, name, out_type)", () => {
    const x = () => tf.placeholder(tf.float32, [null, 3, 4]);
    expect(
      desc(
        same(
          () => tf.rank(x(), "r"),
          () => tf.rank(x(), { name: "r" }),
          () => tf.rank({ input: x(), name: "r" }),
        ),
      ),
    ).toBe("r:0 int32()");
    tf.resetDefaultGraph();
    for (const f of [tf.shape, tf.size]) {
      const t = same(
        () => f(x(), "s", tf.int32),
        () => f(x(), { name: "s", outType: tf.int32 }),
        () => f({ input: x(), name: "s" }),
      );
      expect(t.name).toBe("s:0");
      tf.resetDefaultGraph();
    }
  });

  it("reshape(tensor, shape, name)", () => {
    const t = same(
      () => tf.reshape(tf.constant(X234), [4, -1], "rs"),
      () => tf.reshape(tf.constant(X234), { shape: [4, -1], name: "rs" }),
      () => tf.reshape({ tensor: tf.constant(X234), shape: [4, -1], name: "rs" }),
    );
    expect(desc(t)).toBe("rs:0 float32(4, 6)");
  });

  it("reverse(tensor, axis, name)", () => {
    const t = same(
      () => tf.reverse(tf.constant(X23), [1], "rv"),
      () => tf.reverse(tf.constant(X23), { axis: [1], name: "rv" }),
      () => tf.reverse({ tensor: tf.constant(X23), axis: [1], name: "rv" }),
    );
    expect(desc(t)).toBe("rv:0 float32(2, 3)");
    expect(run(t)).toEqual([
      [3, 2, 1],
      [6, 5, 4],
    ]);
  });

  it("reverseSequence(input, seq_lengths, seq_axis, batch_axis, name, seq_dim, batch_dim)", () => {
    const t = same(
      () => tf.reverseSequence(tf.constant(X23), [2, 3], 1, 0, "rq"),
      () => tf.reverseSequence(tf.constant(X23), [2, 3], { seqAxis: 1, batchAxis: 0, name: "rq" }),
      () => tf.reverseSequence(tf.constant(X23), [2, 3], null, null, "rq", 1, 0),
      () => tf.reverseSequence(tf.constant(X23), [2, 3], { seqDim: 1, batchDim: 0, name: "rq" }),
      () =>
        tf.reverseSequence({ input: tf.constant(X23), seqLengths: [2, 3], seqAxis: 1, name: "rq" }),
    );
    expect(desc(t)).toBe("rq:0 float32(2, 3)");
    expect(run(t)).toEqual([
      [2, 1, 3],
      [6, 5, 4],
    ]);
    const x = tf.constant(X23);
    expectRefused(
      () => tf.reverseSequence(x, [2, 3]),
      "Expected int for argument 'seq_dim' not None.",
    );
  });

  it("slice(input_, begin, size, name)", () => {
    const t = same(
      () => tf.slice(tf.constant(X234), [1, 0, 1], [1, 2, -1], "sl"),
      () => tf.slice(tf.constant(X234), [1, 0, 1], { size: [1, 2, -1], name: "sl" }),
      () => tf.slice({ input: tf.constant(X234), begin: [1, 0, 1], size: [1, 2, -1], name: "sl" }),
    );
    expect(desc(t)).toBe("sl:0 float32(1, 2, 3)");
  });

  it("split(value, num_or_size_splits, axis, num, name)", () => {
    const parts = same(
      () => tf.split(tf.constant(X234), [1, 3], 2, 2, "sp"),
      () => tf.split(tf.constant(X234), [1, 3], { axis: 2, num: 2, name: "sp" }),
      () => tf.split({ value: tf.constant(X234), numOrSizeSplits: [1, 3], axis: 2, name: "sp" }),
    );
    expect(parts.map(desc)).toEqual(["sp:0 float32(2, 3, 1)", "sp:1 float32(2, 3, 3)"]);
    const halves = tf.split(tf.constant(X23), 3, 1);
    expect(halves.map((h) => h.shape.toString())).toEqual(["(2, 1)", "(2, 1)", "(2, 1)"]);
    expect(run(halves[2] as tf.Tensor)).toEqual([[3], [6]]);
  });

  it("squeeze(input, axis, name, squeeze_dims)", () => {
    const x = () => tf.zeros([1, 2, 1, 3]);
    const t = same(
      () => tf.squeeze(x(), [2], "sq"),
      () => tf.squeeze(x(), { axis: [2], name: "sq" }),
      () => tf.squeeze(x(), null, "sq", [2]),
      () => tf.squeeze(x(), { squeezeDims: [2], name: "sq" }),
      () => tf.squeeze({ input: x(), axis: 2, name: "sq" }),
    );
    expect(desc(t)).toBe("sq:0 float32(1, 2, 3)");
  });

  it("stack(values, axis, name) stacks along the positional axis", () => {
    const a = () => tf.constant(X23);
    const t = same(
      () => tf.stack([a(), a()], 1, "st"),
      () => tf.stack([a(), a()], { axis: 1, name: "st" }),
      () => tf.stack({ values: [a(), a()], axis: 1, name: "st" }),
    );
    expect(desc(t)).toBe("st:0 float32(2, 2, 3)");
    expect(run(tf.stack([tf.constant([1, 2]), tf.constant([3, 4])], 1))).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });

  it("unstack(value, num, axis, name): tf.unstack(x, 3, 1) splits along axis 1", () => {
    const parts = same(
      () => tf.unstack(tf.constant(X234), 3, 1, "us"),
      () => tf.unstack(tf.constant(X234), { num: 3, axis: 1, name: "us" }),
      () => tf.unstack({ value: tf.constant(X234), axis: 1, name: "us" }),
    );
    expect(parts.map(desc)).toEqual([
      "us:0 float32(2, 4)",
      "us:1 float32(2, 4)",
      "us:2 float32(2, 4)",
    ]);
    const rows = tf.unstack(tf.constant(X23), 3, 1);
    expect(run(rows)).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });

  it("tile(input, multiples, name)", () => {
    const t = same(
      () => tf.tile(tf.constant(X23), [2, 1], "tl"),
      () => tf.tile(tf.constant(X23), { multiples: [2, 1], name: "tl" }),
      () => tf.tile({ input: tf.constant(X23), multiples: [2, 1], name: "tl" }),
    );
    expect(desc(t)).toBe("tl:0 float32(4, 3)");
  });

  it("transpose(a, perm, name, conjugate)", () => {
    const t = same(
      () => tf.transpose(tf.constant(X234), [0, 2, 1], "tr", false),
      () => tf.transpose(tf.constant(X234), { perm: [0, 2, 1], name: "tr" }),
      () => tf.transpose({ a: tf.constant(X234), perm: [0, 2, 1], name: "tr", conjugate: false }),
    );
    expect(desc(t)).toBe("tr:0 float32(2, 4, 3)");
    expect(run(tf.transpose(tf.constant(X23), [1, 0]))).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });

  it("where(condition, x, y, name)", () => {
    const c = () =>
      tf.constant([
        [true, false, true],
        [false, true, false],
      ]);
    const t = same(
      () => tf.where(c(), tf.constant(X23), tf.zeros([2, 3]), "w"),
      () => tf.where(c(), { x: tf.constant(X23), y: tf.zeros([2, 3]), name: "w" }),
      () => tf.where({ condition: c(), x: tf.constant(X23), y: tf.zeros([2, 3]), name: "w" }),
    );
    expect(desc(t)).toBe("w:0 float32(2, 3)");
    expect(run(t)).toEqual([
      [1, 0, 3],
      [0, 5, 0],
    ]);
    const idx = tf.where(c(), null, null, "wi");
    expect(desc(idx)).toBe("wi:0 int64(?, 2)");
  });

  it("randomNormal / truncatedNormal(shape, mean, stddev, dtype, seed, name)", () => {
    for (const f of [tf.randomNormal, tf.truncatedNormal]) {
      const t = same(
        () => f([2, 3], 5, 0.5, tf.float32, 3, "rn"),
        () => f([2, 3], { mean: 5, stddev: 0.5, dtype: tf.float32, seed: 3, name: "rn" }),
        () => f({ shape: [2, 3], mean: 5, stddev: 0.5, seed: 3, name: "rn" }),
      );
      expect(desc(t)).toBe("rn:0 float32(2, 3)");
      tf.resetDefaultGraph();
    }
  });

  it("randomUniform(shape, minval, maxval, dtype, seed, name)", () => {
    const t = same(
      () => tf.randomUniform([2, 3], -1, 1, tf.float32, 3, "ru"),
      () => tf.randomUniform([2, 3], { minval: -1, maxval: 1, seed: 3, name: "ru" }),
      () => tf.randomUniform({ shape: [2, 3], minval: -1, maxval: 1, seed: 3, name: "ru" }),
    );
    expect(desc(t)).toBe("ru:0 float32(2, 3)");
  });

  // random (gamma/poisson)
  it("randomGamma(shape, alpha, beta, dtype, seed, name)", () => {
    const t = same(
      () => tf.randomGamma([4], [1, 2], 3, tf.float32, 5, "rg"),
      () => tf.randomGamma([4], [1, 2], { beta: 3, dtype: tf.float32, seed: 5, name: "rg" }),
      () => tf.randomGamma({ shape: [4], alpha: [1, 2], beta: 3, seed: 5, name: "rg" }),
    );
    expect(desc(t)).toBe("rg/Maximum:0 float32(4, 2)");
  });

  it("randomPoisson(lam, shape, dtype, seed, name): TF 1.15's order, lam first", () => {
    const t = same(
      () => tf.randomPoisson([1, 2], [4], tf.int32, 5, "rp"),
      () => tf.randomPoisson([1, 2], [4], { dtype: tf.int32, seed: 5, name: "rp" }),
      () => tf.randomPoisson({ lam: [1, 2], shape: [4], dtype: tf.int32, seed: 5, name: "rp" }),
    );
    expect(desc(t)).toBe("rp/RandomPoissonV2:0 int32(4, 2)");
    expectRefused(
      () => tf.randomPoisson({ shape: [4], lam: [1], rate: 2 } as never),
      "randomPoisson() got an unexpected keyword argument 'rate' (did you mean 'name'?)",
    );
  });

  it("random.statelessUniform(shape, seed, minval, maxval, dtype, name)", () => {
    const t = same(
      () => tf.random.statelessUniform([3], [1, 2], 0, 10, tf.int32, "su"),
      () => tf.random.statelessUniform([3], [1, 2], { maxval: 10, dtype: tf.int32, name: "su" }),
      () =>
        tf.random.statelessUniform({
          shape: [3],
          seed: [1, 2],
          maxval: 10,
          dtype: "int32",
          name: "su",
        }),
    );
    expect(desc(t)).toBe("su:0 int32(3,)");
  });

  it("random.statelessNormal / statelessTruncatedNormal(shape, seed, mean, stddev, dtype, name)", () => {
    for (const f of [tf.random.statelessNormal, tf.random.statelessTruncatedNormal]) {
      const t = same(
        () => f([2], [3, 4], 1, 2, tf.float32, "sn"),
        () => f([2], [3, 4], { mean: 1, stddev: 2, name: "sn" }),
        () => f({ shape: [2], seed: [3, 4], mean: 1, stddev: 2, name: "sn" }),
      );
      expect(desc(t)).toBe("sn:0 float32(2,)");
      tf.resetDefaultGraph();
    }
  });

  it("setRandomSeed(seed), positionally or by name; null clears it", () => {
    tf.setRandomSeed(5);
    expect(tf.getDefaultGraph().seed).toBe(5);
    tf.setRandomSeed({ seed: 6 });
    expect(tf.getDefaultGraph().seed).toBe(6);
    tf.setRandomSeed(null);
    expect(tf.getDefaultGraph().seed).toBe(null);
    expect(() => (tf.setRandomSeed as (...a: unknown[]) => void)()).toThrow(
      "setRandomSeed() missing 1 required positional argument: 'seed'",
    );
    expect(() => tf.setRandomSeed(1.5)).toThrow(
      "setRandomSeed() argument 'seed' (position 1) must be an int, not float 1.5",
    );
  });
});

describe("TF 1.x calls mean what they meant", () => {
  it("tf.random_uniform(shape, -1.0, 1.0) draws from U(-1, 1), not U(0, 1)", () => {
    tf.setRandomSeed(1);
    const values = (run(tf.randomUniform([2000], -1.0, 1.0)) as number[]).slice();
    expect(Math.min(...values)).toBeLessThan(-0.9);
    expect(Math.max(...values)).toBeGreaterThan(0.9);
    expect(values.every((v) => v >= -1 && v < 1)).toBe(true);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.1);
  });

  it("tf.random_normal(shape, 10.0, 0.0) is the mean everywhere", () => {
    expect(run(tf.randomNormal([2, 3], 10.0, 0.0))).toEqual([
      [10, 10, 10],
      [10, 10, 10],
    ]);
    expect(run(tf.truncatedNormal([2], -3, 0))).toEqual([-3, -3]);
  });

  it("tf.unstack(x, timesteps, 1) gives the time steps", () => {
    const x = tf.placeholder(tf.float32, [null, 3, 4]);
    const steps = tf.unstack(x, 3, 1);
    expect(steps.map((s) => s.shape.toString())).toEqual(["(?, 4)", "(?, 4)", "(?, 4)"]);
    const out = run(steps[1] as tf.Tensor, new Map([[x, X234]])) as number[][];
    expect(out).toEqual([
      [4, 5, 6, 7],
      [16, 17, 18, 19],
    ]);
  });

  it("tf.expand_dims(x, 1), tf.squeeze(x, [1]) and tf.concat(v, 1) use the axis given", () => {
    const x = tf.constant(X23);
    expect(tf.expandDims(x, 1).shape.toString()).toBe("(2, 1, 3)");
    expect(tf.squeeze(tf.expandDims(x, 1), [1]).shape.toString()).toBe("(2, 3)");
    expect(tf.concat([x, x], 1).shape.toString()).toBe("(2, 6)");
  });
});

describe("number literals take the dtype the op needs", () => {
  it("tf.placeholderWithDefault(0, []) as a slice begin (and size) works, fed or not", () => {
    const x = tf.constant(X234);
    const start = tf.placeholderWithDefault(0, []);
    expect(start.dtype).toBe("float32");
    const s = tf.slice(x, [start, 1, 0], [1, -1, 2]);
    expect(desc(s)).toBe("Slice:0 float32(1, 2, 2)");
    expect(run(s)).toEqual([
      [
        [4, 5],
        [8, 9],
      ],
    ]);
    expect(run(s, new Map([[start, 1]]))).toEqual([
      [
        [16, 17],
        [20, 21],
      ],
    ]);
    const begin = tf.placeholderWithDefault([1, 0, 2], [3]);
    expect(run(tf.slice(x, begin, [1, 1, 2]))).toEqual([[[14, 15]]]);
  });

  it("the same default reads as an index elsewhere (gather, reshape, expandDims)", () => {
    const i = tf.placeholderWithDefault(2, []);
    expect(run(tf.gather(tf.constant([10, 20, 30]), i))).toBe(30);
    const n = tf.placeholderWithDefault(3, []);
    expect(tf.reshape(tf.constant(X23), [n, -1]).dtype).toBe("float32");
    expect(run(tf.reshape(tf.constant(X23), [n, -1]))).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  it("a float default stays float where a float is needed (keep_prob)", () => {
    const keep = tf.placeholderWithDefault(1.0, []);
    expect(run(tf.multiply(tf.constant([2, 3]), keep))).toEqual([2, 3]);
    // A non-integral default is no index: TF refuses it as a slice begin too.
    const half = tf.placeholderWithDefault(0.5, []);
    const x = tf.constant(X23);
    expectRefused(
      () => tf.slice(x, [half, 0], [1, 1]),
      "Value passed to parameter 'begin' has DataType float32 not in list of allowed values: int32, int64",
    );
  });

  it("number literals in a shape, an index, a slice begin are int32 consts", () => {
    const s = tf.slice(tf.constant(X23), [0, 1], [2, 2]);
    expect(s.op.inputs.map((t) => t.dtype)).toEqual(["float32", "int32", "int32"]);
    const g = tf.gather(tf.constant(X23), [1]);
    expect(g.op.inputs[1]?.dtype).toBe("int32");
    const r = tf.reshape(tf.constant(X23), [3, 2]);
    expect(r.op.inputs[1]?.dtype).toBe("int32");
    expect(tf.convertToTensor(3, { preferredDtype: tf.int32 }).dtype).toBe("int32");
    expect(tf.convertToTensor(3).dtype).toBe("float32");
  });
});

describe("refused: unknown keys, wrong kinds, surplus", () => {
  it("a snake_case key names the camelCase one", () => {
    const x = tf.constant(X23);
    const cases: [() => unknown, string][] = [
      [
        () => tf.gather(x, [0], { batch_dims: 0 } as never),
        "gather() got an unexpected keyword argument 'batch_dims' (did you mean 'batchDims'?)",
      ],
      [
        () => tf.oneHot([0], 3, { on_value: 2 } as never),
        "oneHot() got an unexpected keyword argument 'on_value' (did you mean 'onValue'?)",
      ],
      [
        () =>
          tf.pad(
            x,
            [
              [0, 0],
              [1, 1],
            ],
            { constant_values: 2 } as never,
          ),
        "pad() got an unexpected keyword argument 'constant_values' (did you mean 'constantValues'?)",
      ],
      [
        () => tf.reverseSequence(x, [1, 1], { seq_axis: 1 } as never),
        "reverseSequence() got an unexpected keyword argument 'seq_axis' (did you mean 'seqAxis'?)",
      ],
      [
        () => tf.squeeze(x, { squeeze_dims: [0] } as never),
        "squeeze() got an unexpected keyword argument 'squeeze_dims' (did you mean 'squeezeDims'?)",
      ],
      [
        () => tf.split(x, 3, { num_or_size_splits: 3 } as never),
        "split() got an unexpected keyword argument 'num_or_size_splits' (did you mean 'numOrSizeSplits'?)",
      ],
      [
        () => tf.shape(x, { out_type: tf.int32 } as never),
        "shape() got an unexpected keyword argument 'out_type' (did you mean 'outType'?)",
      ],
      [
        () => tf.constant(1, { verify_shape: true } as never),
        "constant() got an unexpected keyword argument 'verify_shape' (did you mean 'verifyShape'?)",
      ],
      [
        () => tf.convertToTensor(1, { preferred_dtype: tf.int32 } as never),
        "convertToTensor() got an unexpected keyword argument 'preferred_dtype' (did you mean 'preferredDtype'?)",
      ],
      [
        () => tf.convertToTensor(1, { asRef: true } as never),
        "convertToTensor() got an unexpected keyword argument 'asRef'",
      ],
      [
        () => tf.randomUniform([2], { min_val: -1 } as never),
        "randomUniform() got an unexpected keyword argument 'min_val' (did you mean 'minval'?)",
      ],
      [
        () => tf.zerosLike(x, { out_type: tf.int32 } as never),
        "zerosLike() got an unexpected keyword argument 'out_type'",
      ],
    ];
    for (const [f, message] of cases) expectRefused(f, message);
  });

  it("a typo'd key ({ stdev: 0 }) is refused, not ignored", () => {
    expectRefused(
      () => tf.randomNormal([2, 3], { stdev: 0 } as never),
      "randomNormal() got an unexpected keyword argument 'stdev' (did you mean 'stddev'?)",
    );
    expectRefused(
      () => tf.truncatedNormal([2, 3], { stdev: 0 } as never),
      "truncatedNormal() got an unexpected keyword argument 'stdev' (did you mean 'stddev'?)",
    );
    expectRefused(
      () => tf.placeholder(tf.float32, { shap: [2] } as never),
      "placeholder() got an unexpected keyword argument 'shap' (did you mean 'shape'?)",
    );
    const x = tf.constant(X23);
    expectRefused(
      () => tf.transpose(x, { perms: [1, 0] } as never),
      "transpose() got an unexpected keyword argument 'perms' (did you mean 'perm'?)",
    );
  });

  it("wrong kinds in a position", () => {
    const x = tf.constant(X23);
    expectRefused(
      () => tf.placeholder(tf.float32, "x" as never),
      "placeholder() argument 'shape' (position 2) must be a shape (a list of ints and nulls, or a TensorShape), not str 'x'",
    );
    expectRefused(
      () => tf.placeholder("float" as never),
      /^placeholder\(\) argument 'dtype' \(position 1\) must be a dtype/,
    );
    expectRefused(
      () => tf.unstack(x, 3, 0.5 as never),
      "unstack() argument 'axis' (position 3) must be an int, not float 0.5",
    );
    expectRefused(
      () => tf.stack([x, x], "1" as never),
      "stack() argument 'axis' (position 2) must be an int, not str '1'",
    );
    expectRefused(
      () => tf.squeeze(x, [0.5] as never),
      /^squeeze\(\) argument 'axis' \(position 2\) must be an int or a list of ints/,
    );
    expectRefused(
      () => tf.randomUniform([2, 3], "-1" as never),
      "randomUniform() argument 'minval' (position 2) must be a number or a Tensor, not str '-1'",
    );
    expectRefused(
      () => tf.cast(x, tf.int32, 3 as never),
      "cast() argument 'name' (position 3) must be a str, not int 3",
    );
    expectRefused(
      // TF converts the string, then refuses its dtype.
      () => tf.reshape(x, "2, 3" as never),
      "Value passed to parameter 'shape' has DataType string not in list of allowed values: int32, int64",
    );
    expectRefused(
      () => tf.concat([x, x], 1, "c", 4 as never),
      "concat() takes from 2 to 3 positional arguments but 4 were given",
    );
    expectRefused(
      () => (tf.cast as (...a: unknown[]) => unknown)(x),
      "cast() missing 1 required positional argument: 'dtype'",
    );
    expectRefused(
      () => tf.transpose(x, [1, 0], { perm: [0, 1] } as never),
      "transpose() got multiple values for argument 'perm'",
    );
  });

  it("a deprecated spelling with its new one is a ValueError, as TF's lookup", () => {
    const x = tf.constant(X23);
    for (const f of [
      () => tf.expandDims(x, 0, { dim: 1 }),
      () => tf.squeeze(x, [0], { squeezeDims: [0] }),
      () => tf.reverseSequence(x, [1, 1], 1, { seqDim: 1 }),
    ]) {
      const before = tf.getDefaultGraph().getOperations().length;
      expect(f).toThrow(tf.errors.ValueError);
      expect(tf.getDefaultGraph().getOperations().length).toBe(before);
    }
    expect(() => tf.expandDims(x)).toThrow("Must specify an axis argument to tf.expand_dims()");
  });

  it("a refused split leaves no stray num_or_size_splits Const", () => {
    const x = tf.constant(X23);
    const before = tf.getDefaultGraph().getOperations().length;
    expect(() => tf.split(x, [1, 2], 5)).toThrow(tf.errors.ValueError);
    expect(() => tf.split(x, 2, 1)).toThrow(tf.errors.ValueError);
    expect(tf.getDefaultGraph().getOperations().length).toBe(before);
  });

  it("verifyShape refuses a value of another shape (TF's constant_v1)", () => {
    expectRefused(
      () => tf.constant([1, 2], tf.float32, [3], "k", true),
      "Expected Tensor's shape: (3,), got (2,).",
    );
    expect(tf.constant([1, 2, 3], null, [3], "k", true).shape.toString()).toBe("(3,)");
  });
});
