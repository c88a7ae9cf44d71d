import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectClose, opList, run } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

/** Row-major values 0..n-1 mapped through `f`, as a nested [rows][cols] array. */
function grid(rows: number, cols: number, f: (i: number) => number): number[][] {
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => f(r * cols + c)),
  );
}

const floorDivJs = (a: number, b: number) => Math.floor(a / b);
// `|| 0`: C++ gives 0, not -0, for a zero quotient.
const truncDivJs = (a: number, b: number) => Math.trunc(a / b) || 0;
const floorModJs = (a: number, b: number) => a - Math.floor(a / b) * b;

// Mixed signs and magnitudes, broadcast against a row of divisors with both signs.
const X = grid(4, 5, (i) => ((i * 37) % 41) - 20);
const Y = [3, -4, 7, -2, 5];

describe("tf.floordiv / tf.truncatediv / tf.floormod", () => {
  it("build FloorDiv named floordiv, TruncateDiv and FloorMod, with broadcasting", () => {
    const x = tf.constant(X, { dtype: "int32", name: "x" });
    const y = tf.constant(Y, { dtype: "int32", name: "y" });
    const f = tf.floordiv(x, y);
    const t = tf.truncatediv(x, y);
    const m = tf.floormod(x, y);
    expect([f.op.name, f.op.type, t.op.name, t.op.type, m.op.name, m.op.type]).toEqual([
      "floordiv",
      "FloorDiv",
      "TruncateDiv",
      "TruncateDiv",
      "FloorMod",
      "FloorMod",
    ]);
    expect(f.shape.toString()).toBe("(4, 5)");
    expect(f.dtype).toBe("int32");
    const expected = (op: (a: number, b: number) => number) =>
      X.map((row) => row.map((v, j) => op(v, Y[j] as number)));
    expect(run(f).toArray()).toEqual(expected(floorDivJs));
    expect(run(t).toArray()).toEqual(expected(truncDivJs));
    expect(run(m).toArray()).toEqual(expected(floorModJs));
    // floordiv * y + floormod gives x back.
    expect(run(tf.add(tf.multiply(f, y), m)).toArray()).toEqual(X);
  });

  it("floors float quotients and gives float remainders the divisor's sign", () => {
    const xs = grid(3, 4, (i) => (i - 6) * 1.75);
    const ys = [2.5, -1.5, 0.75, -3];
    const x = tf.constant(xs);
    const y = tf.constant(ys);
    const want = (op: (a: number, b: number) => number) =>
      xs.map((row) => row.map((v, j) => op(v, ys[j] as number)));
    const fd = run(tf.floordiv(x, y, { name: "fd" }));
    expect(fd.dtype).toBe("float32");
    expect(fd.toArray()).toEqual(want(floorDivJs));
    expectClose(run(tf.floormod(x, y)).toArray(), want(floorModJs));
    expect(opList()).toContain("fd:FloorDiv");
  });

  it("refuses integer division by zero when run, as TF's kernels do", () => {
    using sess = new tf.Session();
    const x = tf.constant([5, -5], { dtype: "int32" });
    const zero = tf.constant([1, 0], { dtype: "int32" });
    for (const t of [tf.floordiv(x, zero), tf.truncatediv(x, zero), tf.floormod(x, zero)]) {
      expect(() => sess.run(t)).toThrow(tf.errors.InvalidArgumentError);
      expect(() => sess.run(t)).toThrow("Integer division by zero");
    }
    // Float division by zero follows IEEE.
    const inf = sess.run(tf.floordiv(tf.constant([1, -1]), tf.constant([0, 0]))) as tf.NDArray;
    expect(inf.toArray()).toEqual([Infinity, -Infinity]);
  });

  it("TruncateDiv has only integer kernels: a float one builds but cannot run", () => {
    const t = tf.truncatediv(tf.constant([1.5]), tf.constant([2]));
    expect(t.dtype).toBe("float32");
    using sess = new tf.Session();
    expect(() => sess.run(t)).toThrow(
      "No OpKernel was registered to support Op 'TruncateDiv' used by {{node TruncateDiv}}with these attrs: [T=DT_FLOAT]",
    );
  });

  it("refuses bool operands and mismatched dtypes with TF's errors, building nothing", () => {
    expect(() => tf.floordiv([true], [false])).toThrow(
      "Value passed to parameter 'x' has DataType bool not in list of allowed values: bfloat16, float16, float32, float64, uint8, int8, uint16, int16, int32, int64, complex64, complex128",
    );
    expect(() => tf.floormod([true], [false])).toThrow(
      "not in list of allowed values: int32, int64, bfloat16, float16, float32, float64",
    );
    expect(() => tf.floormod(tf.constant([1], { dtype: "int32" }), tf.constant([1.5]))).toThrow(
      TypeError,
    );
    expect(
      tf
        .getDefaultGraph()
        .getOperations()
        .map((o) => o.name),
    ).toEqual(["Const", "Const_1"]);
  });

  it("gradients: FloorDiv and TruncateDiv have none; FloorMod's are TF's", () => {
    const x = tf.constant(grid(2, 3, (i) => i * 1.3 - 2.9));
    const y = tf.constant([1.7, -2.2, 0.9]);
    expect(tf.gradients(tf.floordiv(x, y), [x, y])).toEqual([null, null]);
    const xi = tf.cast(x, "int32");
    const yi = tf.constant([2, -3, 4], { dtype: "int32" });
    // An int target needs grad_ys, as in TF.
    const q = tf.truncatediv(xi, yi);
    expect(tf.gradients(q, [xi, yi], tf.onesLike(q))).toEqual([null, null]);
    const m = tf.floormod(x, y);
    const [gx, gy] = tf.gradients(tf.reduceSum(tf.multiply(m, m)), [x, y]) as tf.Tensor[];
    const xs = grid(2, 3, (i) => i * 1.3 - 2.9);
    const ys = [1.7, -2.2, 0.9];
    // d/dx sum(mod^2) = 2 mod; d/dy = sum over rows of 2 mod * -floor(x / y).
    const modv = xs.map((row) => row.map((v, j) => floorModJs(v, ys[j] as number)));
    expectClose(
      run(gx as tf.Tensor).toArray(),
      modv.map((row) => row.map((v) => 2 * v)),
      1e-4,
    );
    const wantGy = ys.map((yv, j) =>
      xs.reduce(
        (s, row, r) => s + 2 * (modv[r]?.[j] as number) * -Math.floor((row[j] as number) / yv),
        0,
      ),
    );
    expectClose(run(gy as tf.Tensor).toArray(), wantGy, 1e-4);
  });
});

describe("tf.nn.xwPlusB", () => {
  it("builds xw_plus_b/MatMul and the BiasAdd named xw_plus_b, computing x·w + b", () => {
    const xs = grid(3, 4, (i) => Math.sin(i + 1));
    const ws = grid(4, 2, (i) => (i - 3) / 4);
    const bs = [0.5, -1.25];
    const y = tf.nn.xwPlusB(tf.constant(xs), tf.constant(ws), tf.constant(bs));
    expect(y.op.name).toBe("xw_plus_b");
    expect(y.op.type).toBe("BiasAdd");
    expect(y.op.inputs[0]?.op.name).toBe("xw_plus_b/MatMul");
    expect(y.shape.toString()).toBe("(3, 2)");
    const want = xs.map((row) =>
      bs.map((b, j) => row.reduce((s, v, k) => s + v * (ws[k]?.[j] as number), b)),
    );
    expectClose(run(y).toArray(), want);
    const named = tf.nn.xwPlusB({ x: xs, weights: ws, biases: bs, name: "logits" });
    expect(opList().filter((o) => o.startsWith("logits"))).toEqual([
      "logits/x:Const",
      "logits/weights:Const",
      "logits/biases:Const",
      "logits/MatMul:MatMul",
      "logits:BiasAdd",
    ]);
    expectClose(run(named).toArray(), want);
  });

  it("has BiasAdd's and MatMul's gradients", () => {
    const x = tf.constant(grid(2, 3, (i) => i + 1));
    const w = tf.constant(grid(3, 2, (i) => i - 2));
    const b = tf.constant([1, 2]);
    const [gx, gw, gb] = tf.gradients(tf.nn.xwPlusB(x, w, b), [x, w, b]) as tf.Tensor[];
    // With dy = ones: dx = ones · wᵀ, dw = xᵀ · ones, db = column sums of ones.
    expect(run(gx as tf.Tensor).toArray()).toEqual([
      [-3, 1, 5],
      [-3, 1, 5],
    ]);
    expect(run(gw as tf.Tensor).toArray()).toEqual([
      [5, 5],
      [7, 7],
      [9, 9],
    ]);
    expect(run(gb as tf.Tensor).toArray()).toEqual([2, 2]);
  });

  it("reports MatMul's shape error and leaves the graph unchanged", () => {
    expect(() => tf.nn.xwPlusB(tf.zeros([2, 3]), tf.zeros([4, 2]), tf.zeros([2]))).toThrow(
      "Dimensions must be equal",
    );
    expect(
      tf
        .getDefaultGraph()
        .getOperations()
        .map((o) => o.type),
    ).toEqual(["Const", "Const", "Const"]);
  });
});

describe("Operation.run and tf.initializeAllVariables", () => {
  it("initializeAllVariables is an init NoOp over the global variables", () => {
    const w = tf.getVariable("w", [2, 3], { initializer: tf.constantInitializer(1.5) });
    const v = tf.getVariable("v", [3], { initializer: tf.onesInitializer() });
    const init = tf.initializeAllVariables();
    expect(init.name).toBe("init");
    expect(init.type).toBe("NoOp");
    expect(init.controlInputs.map((o) => o.name).sort()).toEqual(["v/Assign", "w/Assign"]);
    using sess = new tf.Session();
    init.run(undefined, sess);
    expect((sess.run(w) as tf.NDArray).toArray()).toEqual(grid(2, 3, () => 1.5));
    expect((sess.run(v) as tf.NDArray).toArray()).toEqual([1, 1, 1]);
    expect(tf.initializeAllVariables().name).toBe("init_1");
  });

  it("runs the op in the default or given session, with a feed", () => {
    const acc = tf.getVariable("acc", [2], { initializer: tf.zerosInitializer() });
    const p = tf.placeholder("float32", [2]);
    const add = tf.assignAdd(acc, p).op;
    using sess = new tf.Session();
    sess.asDefault(() => {
      tf.globalVariablesInitializer().run();
      expect(add.run(new Map([[p, [1, 2]]]))).toBeUndefined();
    });
    add.run(new Map([[p, [10, 20]]]), sess);
    expect((sess.run(acc) as tf.NDArray).toArray()).toEqual([11, 22]);
  });

  it("raises TF's errors without a session, or with another graph's session", () => {
    const op = tf.noOp();
    expect(() => op.run()).toThrow(
      "Cannot execute operation using `run()`: No default session is registered.",
    );
    const other = new tf.Graph();
    using sess = new tf.Session({ graph: other });
    expect(() => op.run(undefined, sess)).toThrow(
      "Cannot use the given session to execute operation: the operation's graph is different from the session's graph.",
    );
    expect(() => sess.asDefault(() => op.run())).toThrow("Cannot use the default session");
    expect(() => op.run(undefined, 3 as never)).toThrow(TypeError);
  });
});

describe("element-wise unary ops check x's dtype against their OpDef, as TF's op builder does", () => {
  beforeEach(() => tf.resetDefaultGraph());

  it("refuses tf.sqrt and tf.tanh of int32 before building anything; tf.square takes it", () => {
    const i = tf.constant([4, 9], { dtype: tf.int32 });
    const before = opList().length;
    expect(() => tf.sqrt(i)).toThrow(
      new TypeError(
        "Value passed to parameter 'x' has DataType int32 not in list of allowed values: bfloat16, float16, float32, float64, complex64, complex128",
      ),
    );
    expect(() => tf.tanh(i)).toThrow("has DataType int32 not in list of allowed values");
    expect(opList().length).toBe(before);
    expect(run(tf.square(i)).toArray()).toEqual([16, 81]);
    expect(run(tf.sqrt(tf.cast(i, tf.float32))).toArray()).toEqual([2, 3]);
  });
});
