import { beforeEach, describe, expect, test } from "vitest";
import * as tf from "../../src/index.js";
import { errorOf } from "../graph/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

// Variables are built on a direct path; these are the public path's errors, kept as they
// were (messages and an unchanged graph), where the direct path skips the public checks.
describe("the direct path keeps the public path's errors", () => {
  test("an initial value from another graph: the op scope's message, nothing built", () => {
    const other = new tf.Graph().asDefault(() => tf.constant([1, 2]));
    const e = errorOf(() => new tf.Variable(other, { name: "x" }));
    expect(e.message).toBe(
      'Tensor("Const:0", shape=(2,), dtype=float32) must be from the same graph as the other values.',
    );
    expect(tf.getDefaultGraph().opCount).toBe(0);
  });

  test("a custom getter's options are checked as the Variable constructor checks them", () => {
    const bad =
      (change: Record<string, unknown>): tf.CustomGetter =>
      (next, name, options) =>
        next(name, { ...options, ...change });
    const e1 = errorOf(() =>
      tf.variableScope("g", { customGetter: bad({ trainable: "yes" }) }, () =>
        tf.getVariable("v", [1]),
      ),
    );
    expect(e1).toBeInstanceOf(TypeError);
    expect(e1.message).toBe("Variable() argument 'trainable' must be a bool, not str 'yes'");
    const e2 = errorOf(() =>
      tf.variableScope("g2", { customGetter: bad({ collections: "c" }) }, () =>
        tf.getVariable("v", [1]),
      ),
    );
    expect(e2.message).toBe(
      "collections argument to Variable constructor must be a list, tuple, or set. Got c of type string",
    );
    expect(tf.getDefaultGraph().opCount).toBe(0);
  });

  test("a shape the initial value does not fit: Assign's shape error, the variable undone", () => {
    const value = tf.zeros([2, 3]);
    const e = errorOf(() => new tf.Variable(value, { name: "bad", shape: [3, 3] }));
    expect(e.message).toBe(
      "Dimension 0 in both shapes must be equal, but are 3 and 2. Shapes are [3,3] and [2,3]. for 'bad/Assign' (op: 'Assign') with input shapes: [3,3], [2,3].",
    );
    expect(tf.getDefaultGraph().getOperations()).toEqual([value.op]);
    // The names are free again.
    expect(new tf.Variable(value, { name: "bad" }).initializer.name).toBe("bad/Assign");
  });

  test("an empty name builds at the root, made unique as an op name", () => {
    expect(new tf.Variable(tf.zeros([2]), { name: "" }).op.name).toBe("");
    expect(new tf.Variable(tf.zeros([2]), { name: "" }).op.name).toBe("_1");
  });

  test("an initializer that throws leaves no op, name or collection entry", () => {
    const before = tf.getDefaultGraph().opCount;
    const e = errorOf(() =>
      tf.getVariable("w", [2], {
        initializer: () => {
          throw new Error("boom");
        },
      }),
    );
    expect(e.message).toBe("boom");
    expect(tf.getDefaultGraph().opCount).toBe(before);
    expect(tf.globalVariables()).toEqual([]);
    expect(tf.getVariable("w", [2]).op.name).toBe("w");
  });
});

describe("zeros and ones initializers build what tf.zeros and tf.ones build", () => {
  const cases: [string, number[], tf.DType][] = [
    ["zeros", [4, 4], "float32"],
    ["ones", [3], "int32"],
    ["zeros", [], "bool"],
    ["ones", [2, 0], "float32"],
    ["zeros", [2], "string"],
    ["ones", [2], "int64"],
    // 1,000 elements and more: a `Fill` from the public path.
    ["zeros", [10, 100], "float32"],
  ];
  for (const [kind, shape, dtype] of cases) {
    test(`${kind} ${JSON.stringify(shape)} ${dtype}`, () => {
      const build = (useInitializer: boolean): string => {
        const g = new tf.Graph();
        g.asDefault(() =>
          tf.nameScope("s", () => {
            if (useInitializer) {
              const init = kind === "zeros" ? tf.zerosInitializer() : tf.onesInitializer();
              init.call(shape, dtype);
              init.call(shape, dtype);
            } else {
              const f = kind === "zeros" ? tf.zeros : tf.ones;
              f(shape, { dtype });
              f(shape, { dtype });
            }
          }),
        );
        return tf.GraphDef.toText(g.asGraphDef({ addShapes: true }));
      };
      expect(build(true)).toBe(build(false));
    });
  }

  test("on a finalized graph: the public path's error, the name left unused", () => {
    const g = new tf.Graph();
    g.finalize();
    const e = errorOf(() => g.asDefault(() => tf.zerosInitializer().call([2], tf.float32)));
    expect(e.message).toBe("Graph is finalized and cannot be modified.");
    g.unsafeUnfinalize();
    expect(g.asDefault(() => tf.zerosInitializer().call([2], tf.float32)).op.name).toBe("zeros");
  });
});
