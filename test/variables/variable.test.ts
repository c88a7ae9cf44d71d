import { beforeEach, describe, expect, test } from "vitest";
import * as tf from "../../src/index.js";
import { variableStore } from "../../src/variables/get_variable.js";
import {
  errorOf,
  expectSame,
  expectSameItems,
  expectThrowsAndUnchanged,
  opNames,
  runValue,
} from "../graph/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

describe("new tf.Variable", () => {
  test("builds VariableV2, Assign and read ops under its name", () => {
    const v = new tf.Variable([1, 2], { name: "v" });
    expect(opNames()).toEqual(["v/initial_value", "v", "v/Assign", "v/read"]);
    expect(v.name).toBe("v:0");
    expect(v.op.type).toBe("VariableV2");
    expect(v.initializer.name).toBe("v/Assign");
    expect(v.value().name).toBe("v/read:0");
    expect(v.dtype).toBe("float32");
    expect(v.shape.toString()).toBe("(2,)");
    expectSame(v.graph, tf.getDefaultGraph());
  });

  test("the default name is Variable, made unique", () => {
    const a = new tf.Variable(1);
    const b = new tf.Variable(1);
    expect([a.name, b.name]).toEqual(["Variable:0", "Variable_1:0"]);
  });

  test("a Tensor initial value is used as is", () => {
    const init = tf.zeros([2, 3], { name: "init" });
    const v = new tf.Variable(init, { name: "w" });
    expectSame(v.initialValue, init);
    expect(opNames()).toEqual(["init", "w", "w/Assign", "w/read"]);
  });

  test("a function initial value is built under <name>/Initializer", () => {
    const v = new tf.Variable(() => tf.ones([2]), { name: "f" });
    expect(v.initialValue.op.name).toBe("f/Initializer/ones");
  });

  test("never consults the variable store and is named by the name scope", () => {
    const [w1, w2] = tf.variableScope("layer1", { reuse: true }, () => [
      new tf.Variable(tf.zeros([1]), { name: "w" }),
      new tf.Variable(tf.zeros([1]), { name: "w" }),
    ]);
    expect(w1.name).toBe("layer1/w:0");
    expect(w2.name).toBe("layer1/w_1:0");
    expect(variableStore().size).toBe(0);
  });

  test("a later getVariable of the same name is uniquified (seed 004)", () => {
    const w1 = tf.variableScope("layer1", () => new tf.Variable(tf.zeros([2, 2]), { name: "w" }));
    const w2 = tf.variableScope("layer1", { reuse: tf.AUTO_REUSE }, () =>
      tf.getVariable("w", { initializer: tf.zeros([3, 3]) }),
    );
    expect(w1.name).toBe("layer1/w:0");
    expect(w2.name).toBe("layer1/w_1:0");
    expect(variableStore().get("layer1/w") === w2).toBe(true);
  });

  test("dtype converts a JS value", () => {
    const i = new tf.Variable(3, { dtype: tf.int32 });
    expect(i.dtype).toBe("int32");
    const f = new tf.Variable(3);
    expect(f.dtype).toBe("float32");
  });

  test("collections and trainable", () => {
    const a = new tf.Variable(1, { name: "a" });
    const b = new tf.Variable(1, { name: "b", trainable: false });
    const c = new tf.Variable(1, { name: "c", collections: [tf.GraphKeys.LOCAL_VARIABLES] });
    expectSameItems(tf.globalVariables(), [a, b]);
    expectSameItems(tf.trainableVariables(), [a, c]);
    expectSameItems(tf.localVariables(), [c]);
  });

  test("toString is TensorFlow's repr", () => {
    const v = tf.variableScope("test", () =>
      tf.getVariable("weight_1", [2], { initializer: tf.onesInitializer() }),
    );
    expect(String(v)).toBe("<tf.Variable 'test/weight_1:0' shape=(2,) dtype=float32_ref>");
    expect(v.toString()).toBe("<tf.Variable 'test/weight_1:0' shape=(2,) dtype=float32_ref>");
    const i = new tf.Variable([[1, 2]], { dtype: tf.int32, name: "i" });
    expect(String(i)).toBe("<tf.Variable 'i:0' shape=(1, 2) dtype=int32_ref>");
  });

  test("the ref tensor is float32_ref, the value is float32", () => {
    const v = new tf.Variable([1], { name: "v" });
    expect(v.op.outputs[0]?.dtypeName).toBe("float32_ref");
    expect(v.value().dtypeName).toBe("float32");
  });

  test("an initial value is required", () => {
    const e = errorOf(() => new tf.Variable(null as unknown as number));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe("initial_value must be specified.");
  });

  test("an invalid name changes nothing", () => {
    expectThrowsAndUnchanged(
      () => new tf.Variable(1, { name: "a b" }),
      tf.errors.ValueError,
      "'a b' is not a valid scope name",
    );
    expect(new tf.Variable(1).name).toBe("Variable:0");
  });

  test("a bad constraint or collections changes nothing", () => {
    expectThrowsAndUnchanged(
      () => new tf.Variable(1, { constraint: 3 as unknown as tf.Constraint }),
      tf.errors.ValueError,
      "The `constraint` argument must be a callable.",
    );
    expectThrowsAndUnchanged(
      () => new tf.Variable(1, { collections: "x" as unknown as string[] }),
      tf.errors.ValueError,
    );
  });

  test("is created outside control dependencies", () => {
    const c = tf.noOp({ name: "dep" });
    const v = tf.controlDependencies([c], () => new tf.Variable(1, { name: "v" }));
    expect(v.initializer.controlInputs).toHaveLength(0);
    expect(v.op.controlInputs).toHaveLength(0);
  });
});

describe("using a variable", () => {
  test("passes as a tensor: ops read <name>/read:0", () => {
    const v = new tf.Variable([1, 2], { name: "v" });
    const s = tf.add(v, 1);
    expect(s.op.inputs[0]?.name).toBe("v/read:0");
    const m = v.mul(2);
    expect(m.op.name).toBe("mul");
    expect(m.op.inputs[0]?.name).toBe("v/read:0");
  });

  test("assign, assignAdd and assignSub in a session", () => {
    const v = new tf.Variable([1, 2], { name: "v" });
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect(runValue(sess, v.assign([5, 6]))).toEqual([5, 6]);
    expect(runValue(sess, v.assignAdd([1, 1]))).toEqual([6, 7]);
    expect(runValue(sess, v.assignSub([2, 2]))).toEqual([4, 5]);
    expect(runValue(sess, v)).toEqual([4, 5]);
    sess.close();
  });

  test("readValue builds a new read at the current name scope", () => {
    const v = tf.variableScope("s", () => tf.getVariable("v", [1]));
    expect(v.readValue().op.name).toBe("read");
    expect(tf.nameScope("x", () => v.readValue().op.name)).toBe("x/read");
  });

  test("eval and load use the given session, each holding its own value", () => {
    const v = new tf.Variable([1, 2], { name: "v" });
    const s1 = new tf.Session();
    const s2 = new tf.Session();
    s1.run(v.initializer);
    s2.run(v.initializer);
    v.load([7, 8], s1);
    expect((v.eval(s1) as tf.NDArray).toArray()).toEqual([7, 8]);
    expect((v.eval(s2) as tf.NDArray).toArray()).toEqual([1, 2]);
    s1.close();
    s2.close();
  });

  test("reading before initialization fails with TensorFlow's message", () => {
    const v = tf.variableScope("foo", () => tf.getVariable("v", [1]));
    const sess = new tf.Session();
    const e = errorOf(() => sess.run(v));
    expect(e).toBeInstanceOf(tf.errors.FailedPreconditionError);
    expect(e.message).toContain("Attempting to use uninitialized value foo/v");
    sess.close();
  });

  test("variablesInitializer initializes only the listed variables", () => {
    const a = new tf.Variable(1, { name: "a" });
    const b = new tf.Variable(2, { name: "b" });
    const init = tf.variablesInitializer([a]);
    expect(init.name).toBe("init");
    const sess = new tf.Session();
    sess.run(init);
    expect(runValue(sess, a)).toBe(1);
    expect(() => sess.run(b)).toThrow(tf.errors.FailedPreconditionError);
    sess.close();
  });

  test("initializer ops are named init, init_1", () => {
    new tf.Variable(1);
    expect(tf.globalVariablesInitializer().name).toBe("init");
    expect(tf.localVariablesInitializer().name).toBe("init_1");
  });
});
