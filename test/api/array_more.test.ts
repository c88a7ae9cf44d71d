/**
 * The calling convention (API.md's argument rule) on the array, linalg, random and
 * debugging functions of the ops-array set: TF 1.15's positional form, the options form
 * and the keywords-only form build the same graph.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectSameGraphs } from "./helpers.js";

const X23 = [
  [1, 2, 3],
  [4, 5, 6],
];

beforeEach(() => {
  tf.resetDefaultGraph();
});

/** Builds every form with `expectSameGraphs` and returns the first form's result. */
function same<T>(...forms: (() => T)[]): T {
  expectSameGraphs(...forms);
  return (forms[0] as () => T)();
}

describe("positional, options and keywords-only forms build the same graph", () => {
  it("gatherNd(params, indices, name, batch_dims)", () => {
    const t = same(
      () => tf.gatherNd(tf.constant(X23), [[1, 2]], "g", 0),
      () => tf.gatherNd(tf.constant(X23), [[1, 2]], { name: "g", batchDims: 0 }),
      () => tf.gatherNd({ params: tf.constant(X23), indices: [[1, 2]], name: "g" }),
    );
    expect(t.name).toBe("g:0");
  });

  it("scatterNd(indices, updates, shape, name)", () => {
    const t = same(
      () => tf.scatterNd([[1]], [5], [3], "s"),
      () => tf.scatterNd([[1]], [5], [3], { name: "s" }),
      () => tf.scatterNd({ indices: [[1]], updates: [5], shape: [3], name: "s" }),
    );
    expect(t.name).toBe("s:0");
  });

  it("nn.topK(input, k, sorted, name)", () => {
    const [v] = same(
      () => tf.nn.topK(tf.constant(X23), 2, false, "t"),
      () => tf.nn.topK(tf.constant(X23), { k: 2, sorted: false, name: "t" }),
      () => tf.nn.topK({ input: tf.constant(X23), k: 2, sorted: false, name: "t" }),
    );
    expect(v.op.attrs.sorted).toBe(false);
  });

  it("sort(values, axis, direction, name), argsort(values, axis, direction, stable, name)", () => {
    same(
      () => tf.sort(tf.constant(X23), 0, "DESCENDING", "s"),
      () => tf.sort(tf.constant(X23), { axis: 0, direction: "DESCENDING", name: "s" }),
      () => tf.sort({ values: tf.constant(X23), axis: 0, direction: "DESCENDING", name: "s" }),
    );
    const a = same(
      () => tf.argsort(tf.constant(X23), 1, "ASCENDING", true, "a"),
      () => tf.argsort(tf.constant(X23), { axis: 1, stable: true, name: "a" }),
      () => tf.argsort({ values: tf.constant(X23), axis: 1, name: "a" }),
    );
    expect(a.name).toBe("a/TopKV2:1");
  });
});
