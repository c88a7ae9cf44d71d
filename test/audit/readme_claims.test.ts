/**
 * README: the opening example verbatim (output and error), and every row of the
 * "TensorFlow 1.x → scopeflow" table as a working call.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectClose, map2, matmul, matrix, thrownBy } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

describe("README example", () => {
  it("prints 20.5 31.0 and then raises TF's already-exists ValueError", () => {
    function addTaxAndShipping(price: number, reuse = false) {
      return tf.variableScope("other_charge", { reuse }, () => {
        const tax = tf.getVariable("tax", [], { initializer: tf.constantInitializer(0.05) });
        const shipping = tf.getVariable("shipping", [], {
          initializer: tf.constantInitializer(10),
        });
        return tax.add(1).mul(price).add(shipping);
      });
    }
    const book = addTaxAndShipping(10);
    const sketchpad = addTaxAndShipping(20, true);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect(`${sess.run(book)} ${sess.run(sketchpad)}`).toBe("20.5 31.0");
    expect(tf.globalVariables().map((v) => v.name)).toEqual([
      "other_charge/tax:0",
      "other_charge/shipping:0",
    ]);
    const e = thrownBy(() => addTaxAndShipping(30));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(String(e).split("\n")[0]).toBe(
      "ValueError: Variable other_charge/tax already exists, disallowed. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope? Originally defined at:",
    );
  });
});

describe("TensorFlow 1.x → scopeflow table", () => {
  it("scopes, variables, collections, initializers", () => {
    const w = tf.variableScope("foo", () =>
      tf.getVariable("w", [2, 3], { initializer: tf.constantInitializer(matrix(2, 3)) }),
    );
    const same = tf.variableScope("foo", { reuse: true }, (scope) => {
      expect(scope.name).toBe("foo");
      expect(tf.getVariableScope()).toBe(scope);
      return tf.getVariable("w", [2, 3]);
    });
    expect(same).toBe(w);
    const conv = tf.variableScope(null, { defaultName: "conv" }, (s) => s.name);
    const conv1 = tf.variableScope(null, { defaultName: "conv" }, (s) => s.name);
    expect([conv, conv1]).toEqual(["conv", "conv_1"]);
    const auto = tf.variableScope("foo", { reuse: tf.AUTO_REUSE }, () => tf.getVariable("w"));
    expect(auto).toBe(w);
    tf.variableScope("foo", (scope) => {
      scope.reuseVariables();
      expect(tf.getVariable("w")).toBe(w);
    });
    expect(tf.nameScope("a", (sc) => sc)).toBe("a/");
    const v = new tf.Variable(matrix(3, 4), { name: "w" });
    expect(v.name).toBe("w:0");
    const loc = tf.getLocalVariable("l", [3], { initializer: tf.zerosInitializer() });
    expect(tf.globalVariables()).toEqual([w, v]);
    expect(tf.trainableVariables()).toEqual([w, v]);
    expect(tf.localVariables()).toEqual([loc]);
    tf.addToCollection("losses", tf.reduceSum(v));
    expect(tf.getCollection("losses")).toHaveLength(1);
    const tmpl = tf.makeTemplate("name", () => tf.getVariable("t", [3, 4]));
    expect(tmpl()).toBe(tmpl());
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect(sess.run(w).toArray()).toEqual(matrix(2, 3));
    expect(sess.run(v).toArray()).toEqual(matrix(3, 4));
  });

  it("placeholders, operators, feeds, control dependencies, eval, gradients, Adam, errors", () => {
    const x = tf.placeholder(tf.float32, [null, 4], { name: "x" });
    const w = tf.getVariable("w", [4, 2], { initializer: tf.constantInitializer(matrix(4, 2)) });
    const y = x.matmul(w).add(1).mul(2).sub(x.matmul(w).neg());
    const counter = tf.getVariable("n", [], { initializer: tf.zerosInitializer() });
    const bump = tf.assignAdd(counter, 1);
    const read = tf.controlDependencies([bump], () => counter.readValue());
    const xv = matrix(3, 4);
    const expected = map2(matmul(xv, matrix(4, 2)), (v) => 2 * (v + 1) + v);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expectClose(sess.run(y, new Map([[x, xv]])).toArray(), expected);
    expectClose(sess.run(y, { "x:0": xv }).toArray(), expected);
    expectClose(sess.asDefault(() => y.eval({ "x:0": xv })).toArray(), expected);
    expect(sess.run(read).item()).toBe(1);
    const loss = tf.reduceSum(tf.square(y));
    const [g] = tf.gradients(loss, [w]);
    expect((g as tf.Tensor).shape.asList()).toEqual([4, 2]);
    // d/dw sum((3 x w + 2)^2) = 3 x^T 2 (3 x w + 2).
    const dy = map2(expected, (v) => 2 * v);
    const xt = (xv[0] as number[]).map((_, j) => xv.map((row) => row[j] as number));
    expectClose(
      sess.run(g as tf.Tensor, { "x:0": xv }).toArray(),
      map2(matmul(xt, dy), (v) => 3 * v),
      1,
    );
    const train = new tf.train.AdamOptimizer(1e-3).minimize(loss);
    sess.run(
      tf.variablesInitializer(
        tf.globalVariables().filter((v) => v.name.includes("Adam") || v.name.includes("power")),
      ),
    );
    const before = sess.run(loss, { "x:0": xv }).item();
    sess.run(train, { "x:0": xv });
    expect(sess.run(loss, { "x:0": xv }).item()).toBeLessThan(before);
    try {
      tf.getVariable("w", [4, 2]);
      expect.unreachable();
    } catch (e) {
      expect(e instanceof tf.errors.ValueError).toBe(true);
    }
  });

  it("async callbacks are a TypeError saying scopes are synchronous", () => {
    const e = thrownBy(() => tf.variableScope("s", async () => 1));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(/synchronous/);
    expect(() => tf.nameScope("n", async () => 1)).toThrow(TypeError);
  });
});
