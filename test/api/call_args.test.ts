/**
 * The calling convention (API.md's argument rule) on the reductions and argmax: TF's
 * positional form and the options form build the same graph; TF's deprecated spellings
 * work; what TF refuses is refused with the graph unchanged.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectSameGraphs, expectRefused } from "./helpers.js";

const X = [
  [1, 9, 3],
  [7, 2, 5],
];

beforeEach(() => {
  tf.resetDefaultGraph();
});

function run(t: tf.Tensor): string {
  using sess = new tf.Session();
  return String(sess.run(t));
}

describe("reductions: reduce_sum_v1(input_tensor, axis, keepdims, name, reduction_indices, keep_dims)", () => {
  const reductions = [
    ["reduceSum", tf.reduceSum],
    ["reduceMean", tf.reduceMean],
    ["reduceMax", tf.reduceMax],
    ["reduceMin", tf.reduceMin],
    ["reduceProd", tf.reduceProd],
  ] as const;

  it.each(reductions)(
    "%s: positional, options, keywords-only and deprecated forms agree",
    (_, f) => {
      const pic = expectSameGraphs(
        () => f(tf.constant(X), 1, true, "r"),
        () => f(tf.constant(X), { axis: 1, keepdims: true, name: "r" }),
        () => f(tf.constant(X), 1, { keepdims: true, name: "r" }),
        () => f({ inputTensor: tf.constant(X), axis: 1, keepdims: true, name: "r" }),
        () => f(tf.constant(X), { reductionIndices: 1, keepDims: true, name: "r" }),
        () => f(tf.constant(X), null, null, "r", 1, true),
      );
      expect(pic.some((l) => l.startsWith("r = ") && l.endsWith("-> float32(2, 1)"))).toBe(true);
    },
  );

  it("reduces the axis given positionally (the tf.reduce_sum(x, 1) bug)", () => {
    expect(run(tf.reduceSum(tf.constant(X), 1))).toBe("[13. 14.]");
    expect(run(tf.reduceMean(tf.constant(X), 0))).toBe("[4.  5.5 4. ]");
    expect(run(tf.reduceSum(tf.constant(X), { reductionIndices: 1 }))).toBe("[13. 14.]");
    expect(run(tf.reduceMax(tf.constant(X), [0, 1]))).toBe("9.0");
    expect(run(tf.reduceSum(tf.constant(X)))).toBe("27.0");
  });

  it("refuses unknown keys (naming the camelCase key), wrong kinds, repeats and surplus", () => {
    const x = tf.constant(X);
    expectRefused(
      () => tf.reduceSum(x, { reduction_indices: 1 } as never),
      "reduceSum() got an unexpected keyword argument 'reduction_indices' (did you mean 'reductionIndices'?)",
    );
    expectRefused(
      () => tf.reduceSum(x, { keep_dims: true } as never),
      "reduceSum() got an unexpected keyword argument 'keep_dims' (did you mean 'keepDims'?)",
    );
    expectRefused(
      () => tf.reduceSum(x, { axes: 1 } as never),
      "reduceSum() got an unexpected keyword argument 'axes' (did you mean 'axis'?)",
    );
    expectRefused(
      () => tf.reduceSum(x, "1" as never),
      "reduceSum() argument 'axis' (position 2) must be an int, a list of ints or an int Tensor, not str '1'",
    );
    expectRefused(
      () => tf.reduceSum(x, 0.5 as never),
      "reduceSum() argument 'axis' (position 2) must be an int, a list of ints or an int Tensor, not float 0.5",
    );
    expectRefused(
      () => tf.reduceSum(x, 1, { axis: 0 } as never),
      "reduceSum() got multiple values for argument 'axis'",
    );
    expectRefused(
      () => tf.reduceSum(x, 1, true, "n", null, null, 3 as never),
      "reduceSum() takes from 1 to 6 positional arguments but 7 were given",
    );
    expectRefused(
      () => (tf.reduceSum as (...a: unknown[]) => tf.Tensor)(),
      "reduceSum() missing 1 required positional argument: 'inputTensor'",
    );
  });

  it("refuses axis given twice under its two spellings, as TF's deprecated_argument_lookup", () => {
    const x = tf.constant(X);
    const before = tf.getDefaultGraph().getOperations().length;
    expect(() => tf.reduceSum(x, 1, { reductionIndices: 0 })).toThrow(
      new tf.errors.ValueError("Cannot specify both 'reductionIndices' and 'axis'"),
    );
    expect(tf.getDefaultGraph().getOperations().length).toBe(before);
  });
});

describe("argmax(input, axis, name, dimension, output_type)", () => {
  it("positional axis, options, and the deprecated dimension build one graph", () => {
    const pic = expectSameGraphs(
      () => tf.argmax(tf.constant(X), 1, "am"),
      () => tf.argmax(tf.constant(X), { axis: 1, name: "am" }),
      () => tf.argmax(tf.constant(X), { dimension: 1, name: "am" }),
      () => tf.argmax(tf.constant(X), null, "am", 1),
    );
    expect(pic.some((l) => l.startsWith("am = ArgMax(Const:0,am/dimension:0)"))).toBe(true);
  });

  it("tf.argmax(x, 1) is row-wise; the axis defaults to 0", () => {
    expect(run(tf.argmax(tf.constant(X), 1))).toBe("[1 0]");
    expect(run(tf.argmax(tf.constant(X)))).toBe("[1 0 1]");
    expect(run(tf.argmin(tf.constant(X), 1))).toBe("[0 1]");
  });

  it("refuses a typo'd key and a string axis", () => {
    const x = tf.constant(X);
    expectRefused(
      () => tf.argmax(x, { output_type: tf.int32 } as never),
      "argmax() got an unexpected keyword argument 'output_type' (did you mean 'outputType'?)",
    );
    expectRefused(
      () => tf.argmax(x, "1" as never),
      /^argmax\(\) argument 'axis' \(position 2\) must be an int/,
    );
  });
});

describe("a parameter whose None is not its default (optNullable)", () => {
  it("biasInitializer: null is the variable scope's initializer, left out it is zeros", () => {
    const x = tf.ones([2, 3]);
    const [given, left, positional] = tf.variableScope(
      "s",
      { initializer: tf.constantInitializer(0.5) },
      () => [
        new tf.layers.Dense(4, { biasInitializer: null, name: "given" }),
        new tf.layers.Dense(4, { name: "left" }),
        new tf.layers.Conv2D(2, 1, { biasInitializer: null, name: "conv" }),
      ],
    ) as [tf.layers.Dense, tf.layers.Dense, tf.layers.Conv2D];
    tf.variableScope("s", { initializer: tf.constantInitializer(0.5) }, () => {
      given.apply(x);
      left.apply(x);
      positional.apply(tf.ones([1, 2, 2, 3]));
    });
    const fn = tf.variableScope("f", { initializer: tf.constantInitializer(0.25) }, () =>
      tf.layers.dense(x, 4, { biasInitializer: null, name: "fn" }),
    );
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect(String(sess.run(given.bias as tf.Variable))).toBe("[0.5 0.5 0.5 0.5]");
    expect(String(sess.run(left.bias as tf.Variable))).toBe("[0. 0. 0. 0.]");
    expect(String(sess.run(positional.bias as tf.Variable))).toBe("[0.5 0.5]");
    expect(fn.op.name).toBe("f/fn/BiasAdd");
    expect(String(sess.run("f/fn/bias:0"))).toBe("[0.25 0.25 0.25 0.25]");
  });
});
