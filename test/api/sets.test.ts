/**
 * The calling convention on `tf.sets`: TF 1.15's positional form and the options form
 * build the same graph; wrong kinds are refused with the graph unchanged.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectRefused, expectSameGraphs } from "./helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

const A = () => tf.constant([[1, 2, 3]], tf.int32);
const B = () =>
  new tf.SparseTensor(
    tf.constant([[0, 0]], tf.int64),
    tf.constant([2], tf.int32),
    tf.constant([1, 1], tf.int64),
  );

describe("tf.sets", () => {
  it("set_intersection/set_union(a, b, validate_indices)", () => {
    for (const f of [tf.sets.setIntersection, tf.sets.setUnion]) {
      expectSameGraphs(
        () => f(A(), B(), false),
        () => f(A(), B(), { validateIndices: false }),
        () => f({ a: A(), b: B(), validateIndices: false }),
      );
    }
  });

  it("set_difference(a, b, aminusb, validate_indices)", () => {
    const picture = expectSameGraphs(
      () => tf.sets.setDifference(A(), B(), false, false),
      () => tf.sets.setDifference(A(), B(), { aminusb: false, validateIndices: false }),
      () => tf.sets.setDifference({ a: A(), b: B(), aminusb: false, validateIndices: false }),
    );
    expect(picture.join("\n")).toContain('set_operation="b-a"');
  });

  it("set_size(a, validate_indices)", () => {
    expectSameGraphs(
      () => tf.sets.setSize(B(), false),
      () => tf.sets.setSize(B(), { validateIndices: false }),
      () => tf.sets.setSize({ a: B(), validateIndices: false }),
    );
  });

  it("the v1 aliases are the same functions", () => {
    expect(tf.sets.intersection).toBe(tf.sets.setIntersection);
    expect(tf.sets.difference).toBe(tf.sets.setDifference);
    expect(tf.sets.union).toBe(tf.sets.setUnion);
    expect(tf.sets.size).toBe(tf.sets.setSize);
  });

  it("refuses a non-bool aminusb", () => {
    const a = A();
    const b = B();
    expectRefused(
      () => tf.sets.setDifference(a, b, { aminusb: 1 as unknown as boolean }),
      /aminusb/,
    );
  });
});
