/**
 * The calling convention (API.md's argument rule) on ops-math's functions: TF 1.15's
 * positional form, the options form and the keyword form build the same graph; unknown
 * keys are refused; `tf.math` names are the top-level function objects.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectRefused, expectSameGraphs } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const X = [
  [0.1, -0.2, 0.3],
  [0.4, 0.5, -0.6],
];
const B = [
  [true, false],
  [false, true],
];

function line(pic: string[], name: string): string {
  const found = pic.find((l) => l.startsWith(`${name} = `));
  expect(found, `no op ${name} in\n${pic.join("\n")}`).toBeDefined();
  return found as string;
}

describe("unary functions: (x, name)", () => {
  const unary = [
    ["tan", tf.tan, "Tan"],
    ["atan", tf.atan, "Atan"],
    ["asin", tf.asin, "Asin"],
    ["acos", tf.acos, "Acos"],
    ["sinh", tf.sinh, "Sinh"],
    ["cosh", tf.cosh, "Cosh"],
    ["asinh", tf.asinh, "Asinh"],
    ["acosh", tf.acosh, "Acosh"],
    ["atanh", tf.atanh, "Atanh"],
    ["expm1", tf.expm1, "Expm1"],
    ["erf", tf.erf, "Erf"],
    ["erfc", tf.erfc, "Erfc"],
    ["lgamma", tf.lgamma, "Lgamma"],
    ["digamma", tf.digamma, "Digamma"],
    ["rint", tf.rint, "Rint"],
    ["isNan", tf.isNan, "IsNan"],
    ["isInf", tf.isInf, "IsInf"],
    ["isFinite", tf.isFinite, "IsFinite"],
  ] as const;
  it.each(unary)("%s: positional, options and keyword forms agree", (fn, f, type) => {
    const pic = expectSameGraphs(
      () => f(tf.constant(X), "u"),
      () => f(tf.constant(X), { name: "u" }),
      () => f({ x: tf.constant(X), name: "u" }),
    );
    const out = type.startsWith("Is") ? "bool" : "float32";
    expect(line(pic, "u")).toBe(`u = ${type}(Const:0) [T="float32"] -> ${out}(2, 3)`);
    const x = tf.constant(X);
    expectRefused(
      () => f(x, { nme: "u" } as never),
      `${fn}() got an unexpected keyword argument 'nme' (did you mean 'name'?)`,
    );
  });

  const casts = [
    ["toFloat", tf.toFloat, "float32", "int32"],
    ["toInt32", tf.toInt32, "int32", "float32"],
    ["toInt64", tf.toInt64, "int64", "float32"],
  ] as const;
  it.each(casts)("%s: (x, name)", (_, f, to, from) => {
    const pic = expectSameGraphs(
      () => f(tf.constant([1, 2], { dtype: from }), "c"),
      () => f(tf.constant([1, 2], { dtype: from }), { name: "c" }),
      () => f({ x: tf.constant([1, 2], { dtype: from }), name: "c" }),
    );
    expect(line(pic, "c")).toBe(
      `c = Cast(Const:0) [DstT="${to}",SrcT="${from}",Truncate=false] -> ${to}(2,)`,
    );
  });
});

describe("binary functions: (x, y, name)", () => {
  const binary = [
    ["div", tf.div, "RealDiv"],
    ["truediv", tf.truediv, "RealDiv"],
    ["realdiv", tf.realdiv, "RealDiv"],
    ["divNoNan", tf.divNoNan, "DivNoNan"],
    ["mod", tf.mod, "FloorMod"],
    ["truncatemod", tf.truncatemod, "TruncateMod"],
    ["xlogy", tf.math.xlogy, "Xlogy"],
    ["xdivy", tf.math.xdivy, "Xdivy"],
  ] as const;
  it.each(binary)("%s: positional, options and keyword forms agree", (_, f, type) => {
    const pic = expectSameGraphs(
      () => f(tf.constant(X), tf.constant(2), "b"),
      () => f(tf.constant(X), tf.constant(2), { name: "b" }),
      () => f({ x: tf.constant(X), y: tf.constant(2), name: "b" }),
      () => f(tf.constant(X), { y: tf.constant(2), name: "b" }),
    );
    expect(line(pic, "b")).toMatch(new RegExp(`^b = ${type}\\(Const:0,Const_1:0\\) `));
  });

  const logical = [
    ["logicalAnd", tf.logicalAnd],
    ["logicalOr", tf.logicalOr],
    ["logicalXor", tf.logicalXor],
  ] as const;
  it.each(logical)("%s: positional, options and keyword forms agree", (_, f) => {
    const pic = expectSameGraphs(
      () => f(tf.constant(B), tf.constant(true), "l"),
      () => f(tf.constant(B), tf.constant(true), { name: "l" }),
      () => f({ x: tf.constant(B), y: tf.constant(true), name: "l" }),
    );
    expect(line(pic, "l")).toMatch(/-> bool\(2, 2\)$/);
  });

  it("polygamma takes (a, x, name); zeta (x, q, name)", () => {
    expectSameGraphs(
      () => tf.polygamma(tf.constant(1), tf.constant(X), "p"),
      () => tf.polygamma(tf.constant(1), tf.constant(X), { name: "p" }),
      () => tf.polygamma({ a: tf.constant(1), x: tf.constant(X), name: "p" }),
    );
    expectSameGraphs(
      () => tf.zeta(tf.constant(2), tf.constant(X), "z"),
      () => tf.zeta({ x: tf.constant(2), q: tf.constant(X), name: "z" }),
    );
    expect(tf.math.polygamma).toBe(tf.polygamma);
    expect(tf.math.zeta).toBe(tf.zeta);
  });

  it("atan2 takes (y, x, name)", () => {
    const pic = expectSameGraphs(
      () => tf.atan2(tf.constant(X), tf.constant(1), "a"),
      () => tf.atan2({ y: tf.constant(X), x: tf.constant(1), name: "a" }),
      () => tf.atan2(tf.constant(X), { x: tf.constant(1), name: "a" }),
    );
    expect(line(pic, "a")).toBe(`a = Atan2(Const:0,Const_1:0) [T="float32"] -> float32(2, 3)`);
  });

  it("scalarMul takes (scalar, x, name); saturateCast (value, dtype, name)", () => {
    expectSameGraphs(
      () => tf.scalarMul(2, tf.constant(X), "m"),
      () => tf.scalarMul(2, tf.constant(X), { name: "m" }),
      () => tf.scalarMul({ scalar: 2, x: tf.constant(X), name: "m" }),
    );
    expectSameGraphs(
      () => tf.saturateCast(tf.constant(X), tf.int32, "s"),
      () => tf.saturateCast(tf.constant(X), tf.int32, { name: "s" }),
      () => tf.saturateCast({ value: tf.constant(X), dtype: tf.int32, name: "s" }),
    );
  });
});

describe("scans and activations", () => {
  it("cumsum/cumprod take (x, axis=0, exclusive=False, reverse=False, name)", () => {
    for (const f of [tf.cumsum, tf.cumprod]) {
      const pic = expectSameGraphs(
        () => f(tf.constant(X), 1, true, false, "c"),
        () => f(tf.constant(X), 1, { exclusive: true, name: "c" }),
        () => f({ x: tf.constant(X), axis: 1, exclusive: true, reverse: false, name: "c" }),
      );
      expect(line(pic, "c")).toMatch(/exclusive=true,reverse=false\] -> float32\(2, 3\)$/);
    }
    const x = tf.constant(X);
    expectRefused(
      () => tf.cumsum(x, { keepdims: true } as never),
      "cumsum() got an unexpected keyword argument 'keepdims'",
    );
  });

  it("nn.leakyRelu (features, alpha=0.2, name); nn.crelu (features, name, axis=-1)", () => {
    const pic = expectSameGraphs(
      () => tf.nn.leakyRelu(tf.constant(X), 0.3, "l"),
      () => tf.nn.leakyRelu(tf.constant(X), { alpha: 0.3, name: "l" }),
      () => tf.nn.leakyRelu({ features: tf.constant(X), alpha: 0.3, name: "l" }),
    );
    expect(line(pic, "l")).toBe(`l = LeakyRelu(Const:0) [T="float32",alpha=0.3] -> float32(2, 3)`);
    const c = expectSameGraphs(
      () => tf.nn.crelu(tf.constant(X), "c", 0),
      () => tf.nn.crelu(tf.constant(X), { axis: 0, name: "c" }),
      () => tf.nn.crelu({ features: tf.constant(X), name: "c", axis: 0 }),
    );
    expect(line(c, "c/Relu")).toMatch(/-> float32\(4, 3\)$/);
    expectSameGraphs(
      () => tf.nn.softsign(tf.constant(X), "s"),
      () => tf.nn.softsign({ features: tf.constant(X), name: "s" }),
    );
    expectSameGraphs(
      () => tf.logSigmoid(tf.constant(X), "s"),
      () => tf.logSigmoid({ x: tf.constant(X), name: "s" }),
    );
  });
});

describe("tf.math", () => {
  it("holds the top-level functions themselves", () => {
    const same: [unknown, unknown][] = [
      [tf.math.reduceSum, tf.reduceSum],
      [tf.math.argmax, tf.argmax],
      [tf.math.log, tf.log],
      [tf.math.erf, tf.erf],
      [tf.math.cumsum, tf.cumsum],
      [tf.math.divNoNan, tf.divNoNan],
      [tf.math.divideNoNan, tf.divNoNan],
      [tf.math.mod, tf.floormod],
      [tf.math.softmax, tf.nn.softmax],
      [tf.math.logSoftmax, tf.nn.logSoftmax],
      [tf.math.inTopK, tf.nn.inTopK],
      [tf.math.softplus, tf.nn.softplus],
      [tf.math.softsign, tf.nn.softsign],
      [tf.math.logSigmoid, tf.logSigmoid],
      [tf.math.logicalXor, tf.logicalXor],
    ];
    for (const [a, b] of same) expect(a).toBe(b);
  });
});

describe("composite reductions", () => {
  it("reduceLogsumexp: (input_tensor, axis, keepdims, name, reduction_indices, keep_dims)", () => {
    expectSameGraphs(
      () => tf.reduceLogsumexp(tf.constant(X), 1, true, "r"),
      () => tf.reduceLogsumexp(tf.constant(X), 1, { keepdims: true, name: "r" }),
      () => tf.reduceLogsumexp(tf.constant(X), { reductionIndices: 1, keepDims: true, name: "r" }),
      () => tf.reduceLogsumexp({ inputTensor: tf.constant(X), axis: 1, keepdims: true, name: "r" }),
    );
  });

  it("countNonzero: (input_tensor, axis, keepdims, dtype, name, …, input)", () => {
    expectSameGraphs(
      () => tf.countNonzero(tf.constant(X), 1, false, tf.int32, "c"),
      () => tf.countNonzero(tf.constant(X), 1, { dtype: tf.int32, name: "c" }),
      () =>
        tf.countNonzero({ input: tf.constant(X), reductionIndices: 1, dtype: tf.int32, name: "c" }),
    );
  });

  it("reduceStd/reduceVariance: (input_tensor, axis, keepdims, name)", () => {
    for (const f of [tf.math.reduceStd, tf.math.reduceVariance]) {
      expectSameGraphs(
        () => f(tf.constant(X), 0, true, "v"),
        () => f(tf.constant(X), 0, { keepdims: true, name: "v" }),
        () => f({ inputTensor: tf.constant(X), axis: 0, keepdims: true, name: "v" }),
      );
    }
    const x = tf.constant(X);
    expectRefused(
      () => tf.math.reduceStd(x, { keepDims: true } as never),
      "reduceStd() got an unexpected keyword argument 'keepDims' (did you mean 'keepdims'?)",
    );
  });

  it("nn.l2Normalize: (x, axis, epsilon, name, dim); norm: (tensor, ord, axis, keepdims, name, keep_dims)", () => {
    expectSameGraphs(
      () => tf.nn.l2Normalize(tf.constant(X), 1, 1e-6, "n"),
      () => tf.nn.l2Normalize(tf.constant(X), { dim: 1, epsilon: 1e-6, name: "n" }),
      () => tf.nn.l2Normalize({ x: tf.constant(X), axis: 1, epsilon: 1e-6, name: "n" }),
    );
    expectSameGraphs(
      () => tf.norm(tf.constant(X), 1, 1, true, "n"),
      () => tf.norm(tf.constant(X), 1, { axis: 1, keepDims: true, name: "n" }),
      () => tf.norm({ tensor: tf.constant(X), ord: 1, axis: 1, keepdims: true, name: "n" }),
    );
  });
});

describe("segment reductions", () => {
  it("sorted: (data, segment_ids, name); unsorted: (data, segment_ids, num_segments, name)", () => {
    for (const f of [tf.segmentSum, tf.segmentMean, tf.segmentMax, tf.segmentMin, tf.segmentProd]) {
      expectSameGraphs(
        () => f(tf.constant(X), [0, 1], "s"),
        () => f(tf.constant(X), [0, 1], { name: "s" }),
        () => f({ data: tf.constant(X), segmentIds: [0, 1], name: "s" }),
      );
    }
    for (const f of [
      tf.unsortedSegmentSum,
      tf.unsortedSegmentMax,
      tf.unsortedSegmentMin,
      tf.unsortedSegmentProd,
      tf.unsortedSegmentMean,
      tf.unsortedSegmentSqrtN,
    ]) {
      expectSameGraphs(
        () => f(tf.constant(X), [1, 0], 2, "u"),
        () => f(tf.constant(X), [1, 0], 2, { name: "u" }),
        () => f({ data: tf.constant(X), segmentIds: [1, 0], numSegments: 2, name: "u" }),
      );
    }
    expect(tf.math.segmentSum).toBe(tf.segmentSum);
    expect(tf.math.unsortedSegmentProd).toBe(tf.unsortedSegmentProd);
  });
});

describe("bincount and clipByAverageNorm", () => {
  it("bincount: (arr, weights, minlength, maxlength, dtype)", () => {
    const arr = () => tf.constant([1, 2], { dtype: "int32" });
    expectSameGraphs(
      () => tf.bincount(arr(), null, 4, 8, tf.float32),
      () => tf.bincount(arr(), { minlength: 4, maxlength: 8, dtype: tf.float32 }),
      () => tf.bincount({ arr: arr(), minlength: 4, maxlength: 8, dtype: tf.float32 }),
    );
    const a = arr();
    expectRefused(
      () => tf.bincount(a, { name: "b" } as never),
      "bincount() got an unexpected keyword argument 'name'",
    );
  });

  it("clipByAverageNorm: (t, clip_norm, name)", () => {
    expectSameGraphs(
      () => tf.clipByAverageNorm(tf.constant(X), 0.5, "c"),
      () => tf.clipByAverageNorm(tf.constant(X), 0.5, { name: "c" }),
      () => tf.clipByAverageNorm({ t: tf.constant(X), clipNorm: 0.5, name: "c" }),
    );
  });
});

describe("accumulateN", () => {
  it("(inputs, shape, tensor_dtype, name)", () => {
    const pic = expectSameGraphs(
      () => tf.accumulateN([tf.constant(X), tf.constant(X)], [2, 3], tf.float32, "a"),
      () => tf.accumulateN([tf.constant(X), tf.constant(X)], { shape: [2, 3], name: "a" }),
      () =>
        tf.accumulateN({
          inputs: [tf.constant(X), tf.constant(X)],
          tensorDtype: tf.float32,
          name: "a",
        }),
    );
    expect(line(pic, "a")).toMatch(/^a = AccumulateNV2\(Const:0,Const_1:0\)/);
    expect(tf.math.accumulateN).toBe(tf.accumulateN);
  });
});
