/**
 * Variable claims of API.md ("Variable scopes and variables", initializers) on matrices:
 * load, toString of a uniquified variable, collection listings and their initializers,
 * reportUninitializedVariables, makeTemplate on later calls, VariableScope setters,
 * customGetter and constraint.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectClose, map2, matmul, matrix, thrownBy } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

describe("Variable", () => {
  it("load() writes a [3,4] value into the given or the default session only", () => {
    const v = tf.getVariable("v", [3, 4], { initializer: tf.zerosInitializer() });
    const double = v.mul(2);
    const s1 = new tf.Session();
    const s2 = new tf.Session();
    s1.run(v.initializer);
    s2.run(v.initializer);
    v.load(matrix(3, 4), s1);
    s2.asDefault(() => v.load(matrix(3, 4, 10)));
    expect(v.eval(s1).toArray()).toEqual(matrix(3, 4));
    expect(s1.run(double).toArray()).toEqual(map2(matrix(3, 4), (x) => 2 * x));
    expect(v.eval(s2).toArray()).toEqual(matrix(3, 4, 10));
    const e = thrownBy(() => v.load(matrix(4, 3), s1));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe(
      "Cannot feed value of shape (4, 3) for Tensor 'v/Initializer/zeros:0', which has shape '(3, 4)'",
    );
    expect(v.eval(s1).toArray()).toEqual(matrix(3, 4));
    s1.close();
    s2.close();
  });

  it("toString() of a getVariable whose op was uniquified shows the op's name", () => {
    const taken = tf.variableScope("layer1", () => new tf.Variable(matrix(2, 3), { name: "w" }));
    const v = tf.variableScope("layer1", () => tf.getVariable("w", [3, 4]));
    expect(taken.name).toBe("layer1/w:0");
    expect(v.name).toBe("layer1/w_1:0");
    expect(v.op.name).toBe("layer1/w_1");
    expect(String(v)).toBe("<tf.Variable 'layer1/w_1:0' shape=(3, 4) dtype=float32_ref>");
    expect(v.initializer.name).toBe("layer1/w_1/Assign");
    expect(v.value().name).toBe("layer1/w_1/read:0");
    // The store is keyed by the requested name: reuse finds the same object.
    const again = tf.variableScope("layer1", { reuse: true }, () => tf.getVariable("w"));
    expect(again).toBe(v);
    const i = new tf.Variable([[1, 2, 3]], { name: "w", dtype: tf.int32 });
    expect(String(i)).toBe("<tf.Variable 'w:0' shape=(1, 3) dtype=int32_ref>");
    expect(i.dtype).toBe("int32");
  });

  it("value(), readValue(), assign/assignAdd/assignSub on [2,3], and a Variable passed where a Tensor goes", () => {
    const v = new tf.Variable(matrix(2, 3), { name: "v" });
    const y = tf.matmul(v, tf.constant(matrix(3, 2)));
    using sess = new tf.Session();
    sess.run(v.initializer);
    expectClose(sess.run(y).toArray(), matmul(matrix(2, 3), matrix(3, 2)));
    expect(sess.run(v.assignAdd(matrix(2, 3))).toArray()).toEqual(map2(matrix(2, 3), (x) => 2 * x));
    expect(sess.run(v.assignSub(matrix(2, 3))).toArray()).toEqual(matrix(2, 3));
    expect(sess.run(v.assign(matrix(2, 3, 7))).toArray()).toEqual(matrix(2, 3, 7));
    expect(sess.run(v.readValue()).toArray()).toEqual(matrix(2, 3, 7));
    expect(v.initialValue.shape.asList()).toEqual([2, 3]);
    expect(sess.run(v.initialValue).toArray()).toEqual(matrix(2, 3));
    expect(v.trainable).toBe(true);
    expect(v.graph).toBe(tf.getDefaultGraph());
  });
});

describe("collections and their initializers", () => {
  it("modelVariables, localVariables and localVariablesInitializer on [3,4] variables", () => {
    const m = tf.variableScope("net", () =>
      tf.getVariable("m", [3, 4], {
        initializer: tf.onesInitializer(),
        collections: [tf.GraphKeys.GLOBAL_VARIABLES, tf.GraphKeys.MODEL_VARIABLES],
      }),
    );
    const other = tf.variableScope("net_2", () =>
      tf.getVariable("m", [2], {
        collections: [tf.GraphKeys.MODEL_VARIABLES],
        initializer: tf.zerosInitializer(),
      }),
    );
    const l = tf.variableScope("net", () =>
      tf.getLocalVariable("count", [3, 4], { initializer: tf.constantInitializer(matrix(3, 4)) }),
    );
    const g = tf.getVariable("g", [3, 4], { initializer: tf.zerosInitializer() });
    expect(tf.modelVariables()).toEqual([m, other]);
    expect(tf.modelVariables("net/")).toEqual([m]);
    expect(tf.modelVariables("net")).toEqual([m, other]);
    expect(tf.localVariables()).toEqual([l]);
    expect(tf.localVariables("net")).toEqual([l]);
    expect(tf.localVariables("other")).toEqual([]);
    expect(tf.globalVariables()).toEqual([m, g]);
    expect(tf.trainableVariables()).toEqual([m, other, g]);
    const localInit = tf.localVariablesInitializer();
    expect(localInit.name).toBe("init");
    expect(localInit.type).toBe("NoOp");
    expect(localInit.controlInputs.map((o) => o.name)).toEqual(["net/count/Assign"]);
    using sess = new tf.Session();
    sess.run(localInit);
    expect(sess.run(l).toArray()).toEqual(matrix(3, 4));
    const e = thrownBy(() => sess.run(g));
    expect(e).toBeInstanceOf(tf.errors.FailedPreconditionError);
    expect(e.message).toContain("Attempting to use uninitialized value g");
  });

  it("reportUninitializedVariables: all variables, or a given list, as the session stands", () => {
    const a = tf.variableScope("a", () => tf.getVariable("w", [3, 4]));
    const b = tf.getVariable("b", [4], { initializer: tf.zerosInitializer() });
    const l = tf.getLocalVariable("l", [2, 3], { initializer: tf.onesInitializer() });
    const all = tf.reportUninitializedVariables();
    const some = tf.reportUninitializedVariables([b, l], { name: "some" });
    expect(some.op.name).toBe("some/boolean_mask/GatherV2");
    expect(all.dtype).toBe("string");
    using sess = new tf.Session();
    expect(sess.run(all).toArray()).toEqual(["a/w", "b", "l"]);
    expect(sess.run(some).toArray()).toEqual(["b", "l"]);
    sess.run(tf.localVariablesInitializer());
    expect(sess.run(all).toArray()).toEqual(["a/w", "b"]);
    sess.run(a.initializer);
    expect(sess.run(all).toArray()).toEqual(["b"]);
    expect(sess.run(some).toArray()).toEqual(["b"]);
    sess.run(tf.globalVariablesInitializer());
    expect(sess.run(all).shape).toEqual([0]);
  });
});

describe("makeTemplate", () => {
  it("a linear layer: variables once, ops under linear/, then linear_1/, same weights", () => {
    const linear = tf.makeTemplate("linear", (x: tf.Tensor) => {
      const w = tf.getVariable("w", [4, 2], { initializer: tf.constantInitializer(matrix(4, 2)) });
      const b = tf.getVariable("b", [2], { initializer: tf.constantInitializer([1, -1]) });
      return tf.matmul(x, w).add(b);
    });
    const x1 = tf.constant(matrix(3, 4), { name: "x1" });
    const x2 = tf.constant(matrix(3, 4, 5), { name: "x2" });
    const y1 = linear(x1);
    const y2 = linear(x2);
    const y3 = linear(x1);
    expect(tf.globalVariables().map((v) => v.name)).toEqual(["linear/w:0", "linear/b:0"]);
    expect(y1.op.name).toBe("linear/add");
    expect(y1.op.inputs[0]?.op.name).toBe("linear/MatMul");
    expect(y2.op.name).toBe("linear_1/add");
    expect(y2.op.inputs[0]?.op.name).toBe("linear_1/MatMul");
    expect(y3.op.name).toBe("linear_2/add");
    expect(y2.op.inputs[0]?.op.inputs[1]?.name).toBe("linear/w/read:0");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const ref = (xv: number[][]) =>
      map2(matmul(xv, matrix(4, 2)), (v, _i, j) => v + (j === 0 ? 1 : -1));
    expectClose(sess.run(y1).toArray(), ref(matrix(3, 4)));
    expectClose(sess.run(y2).toArray(), ref(matrix(3, 4, 5)));
  });
});

describe("VariableScope setters affect later getVariable calls", () => {
  it("setInitializer, setRegularizer, setDtype on [3,4] variables", () => {
    const [before, after, reg, ints] = tf.variableScope("s", (scope) => {
      const before = tf.getVariable("before", [3, 4], { initializer: tf.zerosInitializer() });
      scope.setInitializer(tf.constantInitializer(matrix(3, 4)));
      const after = tf.getVariable("after", [3, 4]);
      scope.setRegularizer((w) => tf.multiply(0.5, tf.reduceSum(tf.square(w))));
      const reg = tf.getVariable("reg", [3, 4]);
      scope.setRegularizer(null);
      scope.setDtype(tf.int32);
      scope.setInitializer(null);
      const ints = tf.getVariable("ints", [3, 4]);
      return [before, after, reg, ints];
    });
    expect(after.initialValue.op.name).toBe("s/after/Initializer/Const");
    const losses = tf.getCollection(tf.GraphKeys.REGULARIZATION_LOSSES) as tf.Tensor[];
    expect(losses.map((t) => t.op.name)).toEqual(["s/reg/Regularizer/Mul"]);
    expect(ints.dtype).toBe("int32");
    expect(tf.getVariableScope().dtype).toBe("float32");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect(sess.run(before).toArray()).toEqual(map2(matrix(3, 4), () => 0));
    expect(sess.run(after).toArray()).toEqual(matrix(3, 4));
    expect(sess.run(reg).toArray()).toEqual(matrix(3, 4));
    const half =
      0.5 *
      matrix(3, 4)
        .flat()
        .reduce((s, x) => s + x * x, 0);
    expect(sess.run(losses[0] as tf.Tensor).item()).toBeCloseTo(half, 2);
    const iv = sess.run(ints);
    expect(iv.dtype).toBe("int32");
    expect(iv.toArray()).toEqual(map2(matrix(3, 4), () => 0));
  });
});

describe("customGetter and constraint", () => {
  it("a custom getter that rescales every variable of a scope; the variables stay plain", () => {
    const scaled: tf.CustomGetter = (getter, name, options) =>
      tf.multiply(getter(name, options) as unknown as tf.Tensor, 2, { name: "scaled" });
    const y = tf.variableScope("net", { customGetter: scaled }, () => {
      const w = tf.getVariable("w", [4, 2], { initializer: tf.constantInitializer(matrix(4, 2)) });
      expect(w).toBeInstanceOf(tf.Tensor);
      return tf.matmul(tf.constant(matrix(3, 4)), w as unknown as tf.Tensor);
    });
    expect(tf.globalVariables().map((v) => v.name)).toEqual(["net/w:0"]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expectClose(
      sess.run(y).toArray(),
      map2(matmul(matrix(3, 4), matrix(4, 2)), (v) => 2 * v),
    );
    expect(sess.run("net/w:0").toArray()).toEqual(matrix(4, 2));
  });

  it("a getVariable constraint (and a scope's) is applied after each optimizer update", () => {
    const clip: tf.Constraint = (v) => tf.minimum(tf.maximum(v, -1), 1);
    const w = tf.getVariable("w", [3, 4], { initializer: tf.zerosInitializer(), constraint: clip });
    const u = tf.variableScope("s", { constraint: clip }, () =>
      tf.getVariable("u", [2, 3], { initializer: tf.zerosInitializer() }),
    );
    expect(w.constraint).toBe(clip);
    expect(u.constraint).toBe(clip);
    const target = tf.constant(map2(matrix(3, 4), (x, i) => (i === 1 ? -x : x) / 4));
    const loss = tf.add(
      tf.reduceSum(tf.square(tf.subtract(w, target))),
      tf.reduceSum(tf.multiply(-3, u)),
    );
    const train = new tf.train.GradientDescentOptimizer(0.25).minimize(loss);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run(train);
    // w <- clip(0 - 0.25 * 2 * (0 - t)) = clip(t / 2); u <- clip(0.75).
    const t = map2(matrix(3, 4), (x, i) => (i === 1 ? -x : x) / 4);
    expectClose(
      sess.run(w).toArray(),
      map2(t, (x) => Math.max(-1, Math.min(1, x / 2))),
      5,
    );
    expectClose(
      sess.run(u).toArray(),
      map2(matrix(2, 3), () => 0.75),
      5,
    );
    sess.run(train);
    expectClose(
      sess.run(u).toArray(),
      map2(matrix(2, 3), () => 1),
      5,
    );
  });
});
