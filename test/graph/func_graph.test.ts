/**
 * Function bodies (`FuncGraph`): ops built while one is the default go into it; tensors of
 * the graphs it is traced in become captures (a placeholder each, made once).
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { FuncGraph } from "../../src/graph/func_graph.js";
import { TensorShape } from "../../src/graph/tensor_shape.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

describe("FuncGraph", () => {
  it("captures outer tensors once, as placeholders named after them", () => {
    const outer = tf.getDefaultGraph();
    const c = tf.constant([1, 2], { name: "c" });
    const before = outer.opCount;
    const body = new FuncGraph("f", outer);
    const built = body.asDefault(() => {
      const x = body.addArgument("float32", new TensorShape([2]), "args_0");
      return [tf.add(x, c), tf.multiply(x, c)];
    });
    expect(outer.opCount).toBe(before);
    expect(body.captures.map(([o, i]) => [o.name, i.name])).toEqual([["c:0", "c:0"]]);
    expect(built.map((t) => t.op.inputs.map((i) => i.name))).toEqual([
      ["args_0:0", "c:0"],
      ["args_0:0", "c:0"],
    ]);
    expect(built.every((t) => t.graph === body)).toBe(true);
  });

  it("a body inside a body captures through the enclosing one", () => {
    const outer = tf.getDefaultGraph();
    const c = tf.constant(3, { name: "c" });
    const middle = new FuncGraph("middle", outer);
    const inner = new FuncGraph("inner", middle);
    const t = inner.asDefault(() => tf.add(c, 1));
    expect(t.graph).toBe(inner);
    expect(middle.captures.map(([o]) => o.name)).toEqual(["c:0"]);
    const [[fromMiddle]] = inner.captures;
    expect(fromMiddle?.graph).toBe(middle);
  });

  it("a plain graph still refuses tensors of another graph", () => {
    const c = tf.constant(1);
    const g = new tf.Graph();
    expect(() => g.asDefault(() => tf.add(c, tf.constant(2)))).toThrow(
      "must be from the same graph",
    );
  });
});
