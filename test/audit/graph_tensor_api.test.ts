/**
 * Graph, Operation and Tensor claims of API.md ("Graph, operations, tensors") on matrices:
 * operator methods (names, types, values), properties, look-ups, finalize, collections.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectClose, map2, matmul, matrix, thrownBy } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

describe("Tensor operator methods", () => {
  it("build the ops Python's operators build, named as TF names them, with the right values", () => {
    const av = matrix(3, 4, 1);
    const bv = map2(matrix(3, 4), (v) => v / 4 + 1);
    const a = tf.constant(av, { name: "a" });
    const b = tf.constant(bv, { name: "b" });
    const cases: [tf.Tensor, string, string, (x: number, y: number) => number][] = [
      [a.add(b), "add", "AddV2", (x, y) => x + y],
      [a.sub(b), "sub", "Sub", (x, y) => x - y],
      [a.mul(b), "mul", "Mul", (x, y) => x * y],
      [a.div(b), "truediv", "RealDiv", (x, y) => x / y],
      [a.pow(2), "pow", "Pow", (x) => x ** 2],
      [a.mod(3), "mod", "FloorMod", (x) => x - 3 * Math.floor(x / 3)],
      [a.neg(), "Neg", "Neg", (x) => -x],
    ];
    using sess = new tf.Session();
    for (const [t, name, type, f] of cases) {
      expect(t.op.name).toBe(name);
      expect(t.op.type).toBe(type);
      expect(t.shape.toString()).toBe("(3, 4)");
      expectClose(
        sess.run(t).toArray(),
        map2(av, (x, i, j) => f(x, (bv[i] as number[])[j] as number)),
      );
    }
    // `a @ w` opens a name scope `matmul` (TF's binary_op_wrapper), the op type is MatMul.
    const w = tf.constant(matrix(4, 2), { name: "w" });
    const y = a.matmul(w);
    expect(y.op.name).toBe("matmul");
    expect(y.op.type).toBe("MatMul");
    expect(y.shape.asList()).toEqual([3, 2]);
    expectClose(sess.run(y).toArray(), matmul(av, matrix(4, 2)));
    expect(a.add(b).op.name).toBe("add_1");
  });

  it("a shape mismatch is a ValueError when building, and adds nothing", () => {
    const a = tf.constant(matrix(3, 4));
    const b32 = tf.constant(matrix(3, 2));
    const b24 = tf.constant(matrix(2, 4));
    const before = tf.getDefaultGraph().getOperations().length;
    const e = thrownBy(() => a.matmul(b32));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toContain("Dimensions must be equal, but are 4 and 3");
    expect(thrownBy(() => a.add(b24))).toBeInstanceOf(tf.errors.ValueError);
    expect(tf.getDefaultGraph().getOperations().length).toBe(before);
    expect(a.matmul(tf.constant(matrix(4, 1))).op.name).toBe("matmul");
  });
});

describe("Operation and Tensor properties", () => {
  it("name, type, inputs, outputs, controlInputs, graph; valueIndex, shape, dtype", () => {
    const g = tf.getDefaultGraph();
    const x = tf.placeholder(tf.float32, [null, 4], { name: "x" });
    const parts = tf.split(x, 2, { axis: 1, name: "parts" }) as tf.Tensor[];
    const dep = tf.noOp({ name: "dep" });
    const s = tf.controlDependencies([dep], () =>
      tf.add(parts[0] as tf.Tensor, parts[1] as tf.Tensor, { name: "s" }),
    );
    expect(s.op.name).toBe("s");
    expect(s.op.type).toBe("Add");
    expect(s.op.inputs.map((t) => t.name)).toEqual(["parts:0", "parts:1"]);
    expect(s.op.controlInputs.map((o) => o.name)).toEqual(["dep"]);
    expect(s.op.outputs.map((t) => t.name)).toEqual(["s:0"]);
    expect(s.op.graph).toBe(g);
    const second = parts[1] as tf.Tensor;
    expect(second.valueIndex).toBe(1);
    expect(second.op.name).toBe("parts");
    expect(second.op.outputs).toHaveLength(2);
    expect(second.dtype).toBe("float32");
    expect(second.shape.dims).toEqual([null, 2]);
    expect(second.shape.rank).toBe(2);
    expect(second.shape.isFullyDefined()).toBe(false);
    expect(second.shape.toString()).toBe("(?, 2)");
    expect(second.graph).toBe(g);
    expect(tf.constant(1).shape.toString()).toBe("()");
    expect(tf.constant([1, 2]).shape.toString()).toBe("(2,)");
    using sess = new tf.Session();
    const r = sess.run([parts[0] as tf.Tensor, second, s], { "x:0": matrix(3, 4) });
    expect(r[0].toArray()).toEqual(matrix(3, 4).map((row) => row.slice(0, 2)));
    expect(r[1].toArray()).toEqual(matrix(3, 4).map((row) => row.slice(2)));
    expectClose(
      r[2].toArray(),
      matrix(3, 4).map((row) => [
        (row[0] as number) + (row[2] as number),
        (row[1] as number) + (row[3] as number),
      ]),
    );
  });

  it("getOperations lists every op in creation order; getTensorByName finds a second output", () => {
    const g = tf.getDefaultGraph();
    const x = tf.constant(matrix(2, 6), { name: "x" });
    tf.split(x, 3, { axis: 1, name: "sp" });
    tf.nameScope("scope", () => tf.identity(x, { name: "id" }));
    expect(g.getOperations().map((o) => o.name)).toEqual([
      "x",
      "Const",
      "sp/split_dim",
      "sp",
      "scope/id",
    ]);
    const t = g.getTensorByName("sp:2");
    expect(t.valueIndex).toBe(2);
    expect(t.shape.asList()).toEqual([2, 2]);
    expect(g.getOperationByName("scope/id").type).toBe("Identity");
    expect(thrownBy(() => g.getTensorByName("sp:3")).message).toBe(
      "The name 'sp:3' refers to a Tensor which does not exist. The operation, 'sp', exists but only has 3 outputs.",
    );
    expect(thrownBy(() => g.getTensorByName("scope/nope:0")).message).toBe(
      "The name 'scope/nope:0' refers to a Tensor which does not exist. The operation, 'scope/nope', does not exist in the graph.",
    );
  });
});

describe("graph.finalize()", () => {
  it("refuses every new op (constants, math, variables, savers) and consumes no name", () => {
    const g = tf.getDefaultGraph();
    const a = tf.constant(matrix(3, 4), { name: "a" });
    const v = tf.getVariable("v", [3, 4], { initializer: tf.onesInitializer() });
    const y = a.mul(v);
    g.finalize();
    const count = g.getOperations().length;
    for (const build of [
      () => tf.constant(1),
      () => a.add(1),
      () => tf.matmul(a, tf.transpose(a)),
      () => tf.getVariable("w", [2]),
      () => tf.globalVariablesInitializer(),
      () => new tf.train.Saver(),
    ]) {
      const e = thrownBy(build);
      expect(e.message).toBe("Graph is finalized and cannot be modified.");
    }
    expect(g.getOperations().length).toBe(count);
    using sess = new tf.Session();
    sess.run(v.initializer);
    expect(sess.run(y).toArray()).toEqual(matrix(3, 4));
  });
});

describe("GraphKeys and collections", () => {
  it("GraphKeys has TensorFlow's values; getCollection filters by scope", () => {
    expect(tf.GraphKeys.GLOBAL_VARIABLES).toBe("variables");
    expect(tf.GraphKeys.TRAINABLE_VARIABLES).toBe("trainable_variables");
    expect(tf.GraphKeys.LOCAL_VARIABLES).toBe("local_variables");
    expect(tf.GraphKeys.MODEL_VARIABLES).toBe("model_variables");
    expect(tf.GraphKeys.REGULARIZATION_LOSSES).toBe("regularization_losses");
    expect(tf.GraphKeys.UPDATE_OPS).toBe("update_ops");
    expect(tf.GraphKeys.GLOBAL_STEP).toBe("global_step");
    expect(tf.GraphKeys.SUMMARIES).toBe("summaries");
    const g = tf.getDefaultGraph();
    const a = tf.variableScope("tower", () => tf.getVariable("w", [3, 4]));
    const b = tf.variableScope("tower_2", () => tf.getVariable("w", [3, 4]));
    g.addToCollection("mine", a);
    g.addToCollection("mine", b);
    expect(g.getCollection("mine").map((v) => (v as tf.Variable).name)).toEqual([
      "tower/w:0",
      "tower_2/w:0",
    ]);
    expect(g.getCollection("mine", "tower_2").map((v) => (v as tf.Variable).name)).toEqual([
      "tower_2/w:0",
    ]);
    // A prefix regex: "tower" also matches tower_2/.
    expect(g.getCollection("mine", "tower")).toHaveLength(2);
  });
});

describe("tf.errors", () => {
  it("the runtime errors extend OpError; ValueError is its own class", () => {
    for (const E of [
      tf.errors.FailedPreconditionError,
      tf.errors.InvalidArgumentError,
      tf.errors.NotFoundError,
      tf.errors.OutOfRangeError,
    ]) {
      const e = new E("boom", "some/op");
      expect(e).toBeInstanceOf(tf.errors.OpError);
      expect(e).toBeInstanceOf(Error);
      expect(e.message).toBe("boom");
      expect(e.opName).toBe("some/op");
      expect(e.name).toBe(E.name);
    }
    expect(new tf.errors.ValueError("v")).not.toBeInstanceOf(tf.errors.OpError);
  });
});
