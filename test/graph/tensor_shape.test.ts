import { beforeEach, describe, expect, test } from "vitest";
import * as tf from "../../src/index.js";
import { errorOf } from "./helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

describe("TensorShape", () => {
  test("prints as TensorFlow does", () => {
    expect(new tf.TensorShape([2]).toString()).toBe("(2,)");
    expect(new tf.TensorShape([null, 784]).toString()).toBe("(?, 784)");
    expect(new tf.TensorShape([]).toString()).toBe("()");
    expect(new tf.TensorShape(null).toString()).toBe("<unknown>");
    expect(new tf.TensorShape([2, 3, 4]).toString()).toBe("(2, 3, 4)");
  });

  test("dims, rank, asList, isFullyDefined", () => {
    const s = new tf.TensorShape([null, 3]);
    expect(s.dims).toEqual([null, 3]);
    expect(s.rank).toBe(2);
    expect(s.asList()).toEqual([null, 3]);
    expect(s.isFullyDefined()).toBe(false);
    expect(new tf.TensorShape([1, 3]).isFullyDefined()).toBe(true);
    expect(new tf.TensorShape(null).rank).toBeNull();
  });

  test("asList on an unknown shape is a ValueError", () => {
    const e = errorOf(() => new tf.TensorShape(null).asList());
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe("as_list() is not defined on an unknown TensorShape.");
  });

  test("dims are frozen copies", () => {
    const dims = [1, 2];
    const s = new tf.TensorShape(dims);
    dims[0] = 9;
    expect(s.dims).toEqual([1, 2]);
    expect(Object.isFrozen(s.dims)).toBe(true);
  });

  test("from() takes arrays, TensorShapes, -1 as unknown, and rejects bad dims", () => {
    expect(tf.TensorShape.from([2, -1]).toString()).toBe("(2, ?)");
    const s = new tf.TensorShape([1]);
    expect(tf.TensorShape.from(s) === s).toBe(true);
    expect(tf.TensorShape.from(null).rank).toBeNull();
    expect(() => tf.TensorShape.from([1.5])).toThrow(TypeError);
    expect(() => tf.TensorShape.from([-2])).toThrow(TypeError);
  });

  test("compatibility and merging", () => {
    const a = new tf.TensorShape([null, 3]);
    expect(a.isCompatibleWith([2, 3])).toBe(true);
    expect(a.isCompatibleWith([2, 4])).toBe(false);
    expect(a.isCompatibleWith([3])).toBe(false);
    expect(a.isCompatibleWith(new tf.TensorShape(null))).toBe(true);
    expect(a.mergeWith([2, null]).toString()).toBe("(2, 3)");
    const e = errorOf(() => a.mergeWith([2, 4]));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe("Shapes (?, 3) and (2, 4) are not compatible");
  });

  test("numElements and equals", () => {
    expect(new tf.TensorShape([2, 3]).numElements()).toBe(6);
    expect(new tf.TensorShape([null, 3]).numElements()).toBeNull();
    expect(new tf.TensorShape([2, 3]).equals([2, 3])).toBe(true);
    expect(new tf.TensorShape([null]).equals([null])).toBe(true);
    expect(new tf.TensorShape([2]).equals([3])).toBe(false);
  });

  test("a tensor's shape is a TensorShape", () => {
    const x = tf.placeholder(tf.float32, [null, 784]);
    expect(x.shape).toBeInstanceOf(tf.TensorShape);
    expect(x.shape.toString()).toBe("(?, 784)");
    x.setShape([5, 784]);
    expect(x.shape.toString()).toBe("(5, 784)");
    expect(() => x.setShape([4, 784])).toThrow(tf.errors.ValueError);
  });
});
