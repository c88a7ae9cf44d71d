import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { GraphTable } from "../../src/graph/graph_table.js";
import { recordKnownInts, constantInts } from "../../src/ops/tensor_util.js";

beforeEach(() => tf.resetDefaultGraph());

describe("GraphTable", () => {
  it("keeps facts per graph, undone with a failing building call", () => {
    const table = new GraphTable<object, number>("test");
    const g = tf.getDefaultGraph();
    const other = new tf.Graph();
    const key = {};
    table.set(g, key, 1);
    expect(table.get(g, key)).toBe(1);
    expect(table.has(other, key)).toBe(false);
    expect(() =>
      g.atomically(() => {
        table.set(g, key, 2);
        table.set(g, g, 3);
        throw new Error("no");
      }),
    ).toThrow("no");
    expect(table.get(g, key)).toBe(1);
    expect(table.has(g, g)).toBe(false);
  });

  it("known values: a builder sees them as constants; a failed call forgets them", () => {
    const shape = tf.placeholder(tf.int32, [2]);
    recordKnownInts(shape, [3, 2]);
    expect(constantInts(shape)).toEqual([3, 2]);
    expect(tf.reshape(tf.zeros([6]), shape).shape.toString()).toBe("(3, 2)");
    const other = tf.placeholder(tf.int32, [2]);
    expect(() =>
      tf.getDefaultGraph().atomically(() => {
        recordKnownInts(other, [1, 6]);
        throw new Error("no");
      }),
    ).toThrow("no");
    expect(constantInts(other)).toBeNull();
  });
});
