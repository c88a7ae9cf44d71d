import { describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

describe("tf.getCollection / tf.addToCollection", () => {
  it("read and write the default graph's collections, filtered by scope", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const a = tf.constant(1, { name: "a" });
      const b = tf.variableScope("tower", () => tf.constant(2, { name: "b" }));
      tf.addToCollection("losses", a);
      tf.addToCollections(["losses", "extra"], b);
      expect(tf.getCollection("losses")).toEqual([a, b]);
      expect(tf.getCollection("losses", "tower")).toEqual([b]);
      expect(tf.getCollection("extra")).toEqual([b]);
      expect(g.getCollection("losses")).toEqual([a, b]);
      expect(tf.getCollection("none")).toEqual([]);
    });
  });
});
