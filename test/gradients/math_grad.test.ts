import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { checkGradients, gradientOpNames, randn, uniform, type InputSpec } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const f = (
  shape: number[],
  placeholder?: (number | null)[] | null,
  values?: Float32Array,
): InputSpec => ({
  shape,
  placeholder,
  values,
});
const positive = (
  shape: number[],
  lo = 0.5,
  hi = 2,
  placeholder?: (number | null)[],
): InputSpec => ({
  shape,
  placeholder,
  values: uniform(
    shape.reduce((a, b) => a * b, 1),
    lo,
    hi,
  ),
});
/** Values at least `gap` away from zero (for kinks at 0). */
const awayFromZero = (shape: number[], gap = 0.2): InputSpec => ({
  shape,
  values: Float32Array.from(randn(shape.reduce((a, b) => a * b, 1)), (v) =>
    v >= 0 ? v + gap : v - gap,
  ),
});

/** Multiples of 1/4 plus `offset`. */
const grid = (shape: number[], offset: number): Float32Array =>
  Float32Array.from(
    uniform(
      shape.reduce((a, b) => a * b, 1),
      -8,
      8,
    ),
    (v) => Math.floor(v) / 4 + offset,
  );

function explicitBroadcast(fn: (a: tfc.Tensor, b: tfc.Tensor) => tfc.Tensor) {
  return (a: tfc.Tensor, b: tfc.Tensor) => {
    const shape = tfc.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
    return fn(tfc.broadcastTo(a, shape), tfc.broadcastTo(b, shape));
  };
}

type Binary = [
  string,
  (a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
  (a: tfc.Tensor, b: tfc.Tensor) => tfc.Tensor,
];

const BINARY: Binary[] = [
  ["Add", (a, b) => tf.add(a, b), tfc.add],
  ["AddV2", (a, b) => a.add(b), tfc.add],
  ["Sub", (a, b) => tf.subtract(a, b), tfc.sub],
  ["Mul", (a, b) => tf.multiply(a, b), tfc.mul],
  [
    "SquaredDifference",
    (a, b) => tf.squaredDifference(a, b),
    explicitBroadcast(tfc.squaredDifference),
  ],
  // tfjs's own Maximum/Minimum gradients ignore broadcasting: broadcast explicitly.
  ["Maximum", (a, b) => tf.maximum(a, b), explicitBroadcast(tfc.maximum)],
  ["Minimum", (a, b) => tf.minimum(a, b), explicitBroadcast(tfc.minimum)],
];

/** Shapes of (x, y, and their placeholders): equal, broadcast both ways, unknown batch. */
const BROADCASTS: [string, InputSpec, InputSpec][] = [
  ["equal shapes", f([3, 4]), f([3, 4])],
  ["y broadcast", f([2, 3, 4]), f([4])],
  ["x broadcast", f([1, 4]), f([3, 1, 4])],
  ["both broadcast", f([3, 1]), f([1, 4])],
  ["scalar y", f([2, 3]), f([])],
  ["unknown batch", f([5, 3], [null, 3]), f([3])],
  ["unknown batch both", f([5, 3], [null, 3]), f([5, 1], [null, 1])],
  ["unknown rank", f([2, 3], null), f([3])],
];

describe("binary op gradients (broadcasting)", () => {
  for (const [name, g, t] of BINARY) {
    for (const [label, x, y] of BROADCASTS) {
      it(`${name}, ${label}`, async () => {
        // Maximum and Minimum have kinks where x == y: keep the operands on two grids.
        const kinked = name === "Maximum" || name === "Minimum";
        const xx = kinked ? { ...x, values: grid(x.shape, 0) } : x;
        const yy = kinked ? { ...y, values: grid(y.shape, 0.125) } : y;
        await checkGradients({ inputs: [xx, yy], graph: g, tfjs: t });
      });
    }
  }

  it("RealDiv and Div with broadcasting and an unknown batch", async () => {
    await checkGradients({
      inputs: [f([4, 3], [null, 3]), positive([3])],
      graph: (a, b) => tf.divide(a, b),
      tfjs: tfc.div,
    });
    await checkGradients({
      inputs: [f([2, 3]), positive([2, 1])],
      graph: (a, b) => a.div(b),
      tfjs: tfc.div,
    });
  });

  it("Pow with both operands differentiated", async () => {
    await checkGradients({
      inputs: [positive([3, 2]), f([2])],
      graph: (a, b) => tf.pow(a, b),
      tfjs: tfc.pow,
      step: 1e-3,
    });
  });

  it("FloorMod's gradient w.r.t. x is the gradient", async () => {
    await checkGradients({
      inputs: [
        { shape: [6], values: uniform(6, 0.1, 0.9) },
        { shape: [6], values: uniform(6, 1.2, 2), constant: true },
      ],
      graph: (a, b) => a.mod(b),
      step: 1e-3,
    });
  });
});

type Unary = [string, (x: tf.Tensor) => tf.Tensor, (x: tfc.Tensor) => tfc.Tensor, InputSpec];

const UNARY: Unary[] = [
  ["Neg", tf.negative, tfc.neg, f([3, 4])],
  ["Square", tf.square, tfc.square, f([3, 4])],
  ["Sqrt", tf.sqrt, tfc.sqrt, positive([3, 4])],
  ["Rsqrt", tf.rsqrt, tfc.rsqrt, positive([3, 4])],
  ["Reciprocal", tf.reciprocal, tfc.reciprocal, positive([3, 4])],
  ["Exp", tf.exp, tfc.exp, f([3, 4])],
  ["Log", tf.log, tfc.log, positive([3, 4])],
  ["Log1p", tf.log1p, tfc.log1p, positive([3, 4], -0.5, 2)],
  ["Abs", tf.abs, tfc.abs, awayFromZero([3, 4])],
  ["Sin", tf.sin, tfc.sin, f([3, 4])],
  ["Cos", tf.cos, tfc.cos, f([3, 4])],
  ["Tanh", tf.tanh, tfc.tanh, f([3, 4])],
  ["Sigmoid", tf.sigmoid, tfc.sigmoid, f([3, 4])],
  ["Relu", tf.nn.relu, tfc.relu, awayFromZero([3, 4])],
  [
    "Relu6",
    tf.nn.relu6,
    tfc.relu6,
    { shape: [3, 4], values: Float32Array.from([-2, -1, 0.5, 1, 2, 3, 4, 5, 5.5, 7, 8, -0.3]) },
  ],
  ["Elu", tf.nn.elu, tfc.elu, awayFromZero([3, 4])],
  ["Selu", tf.nn.selu, tfc.selu, awayFromZero([3, 4])],
  ["Softplus", tf.nn.softplus, tfc.softplus, f([3, 4])],
  ["Identity", tf.identity, (x) => tfc.mul(x, 1), f([3, 4])],
];

describe("unary op gradients", () => {
  for (const [name, g, t, input] of UNARY) {
    it(name, async () => {
      await checkGradients({ inputs: [input], graph: g, tfjs: t, step: 1e-3 });
      // Also with an unknown batch dimension.
      await checkGradients({
        inputs: [{ ...input, placeholder: [null, 4] }],
        graph: g,
        tfjs: t,
        step: 1e-3,
      });
    });
  }

  it("Sign, Floor, Ceil and Round: zeros or no gradient, as in TensorFlow", () => {
    const x = tf.placeholder(tf.float32, [3]);
    const [ds] = tf.gradients(tf.sign(x), [x]);
    expect(ds).not.toBeNull();
    expect(ds?.op.name).toBe("gradients/Sign_grad/zeros");
    expect(tf.gradients(tf.floor(x), [x])).toEqual([null]);
    expect(tf.gradients(tf.ceil(x), [x])).toEqual([null]);
    expect(tf.gradients(tf.round(x), [x])).toEqual([null]);
    using s = new tf.Session();
    expect(
      Array.from(s.run(ds as tf.Tensor, new Map([[x, [1, -2, 3]]])).data as Float32Array),
    ).toEqual([0, 0, 0]);
  });

  it("comparisons, argmax and shape ops pass no gradient", () => {
    const x = tf.placeholder(tf.float32, [3]);
    const y = tf.add(tf.cast(tf.less(x, 1), tf.float32), tf.cast(tf.argmax(x), tf.float32));
    expect(tf.gradients(y, [x])).toEqual([null]);
  });
});

describe("reduction gradients", () => {
  const cases: [string, (x: tf.Tensor) => tf.Tensor, (x: tfc.Tensor) => tfc.Tensor][] = [
    ["Sum all", (x) => tf.reduceSum(x), (x) => tfc.sum(x)],
    ["Sum axis 1", (x) => tf.reduceSum(x, { axis: 1 }), (x) => tfc.sum(x, 1)],
    [
      "Sum axes [0, 2] keepdims",
      (x) => tf.reduceSum(x, { axis: [0, 2], keepdims: true }),
      (x) => tfc.sum(x, [0, 2], true),
    ],
    ["Sum axis -1", (x) => tf.reduceSum(x, { axis: -1 }), (x) => tfc.sum(x, -1)],
    ["Mean all", (x) => tf.reduceMean(x), (x) => tfc.mean(x)],
    ["Mean axis 0", (x) => tf.reduceMean(x, { axis: 0 }), (x) => tfc.mean(x, 0)],
    [
      "Mean axes [1, 2] keepdims",
      (x) => tf.reduceMean(x, { axis: [1, 2], keepdims: true }),
      (x) => tfc.mean(x, [1, 2], true),
    ],
    ["Max axis 1", (x) => tf.reduceMax(x, { axis: 1 }), (x) => tfc.max(x, 1)],
    ["Max all", (x) => tf.reduceMax(x), (x) => tfc.max(x)],
    [
      "Min axis 2 keepdims",
      (x) => tf.reduceMin(x, { axis: 2, keepdims: true }),
      (x) => tfc.min(x, 2, true),
    ],
  ];
  for (const [name, g, t] of cases) {
    it(name, async () => {
      await checkGradients({ inputs: [f([2, 3, 4])], graph: g, tfjs: t, step: 1e-3 });
      await checkGradients({ inputs: [f([2, 3, 4], [null, 3, 4])], graph: g, tfjs: t, step: 1e-3 });
      await checkGradients({
        inputs: [f([2, 3, 4], [null, null, null])],
        graph: g,
        tfjs: t,
        step: 1e-3,
      });
    });
  }

  it("Max divides the gradient among ties, as TensorFlow does", () => {
    const x = tf.constant([
      [1, 3, 3],
      [2, 0, 1],
    ]);
    const [dx] = tf.gradients(tf.reduceMax(x, { axis: 1 }), [x]);
    using s = new tf.Session();
    expect(Array.from(s.run(dx as tf.Tensor).data as Float32Array)).toEqual([0, 0.5, 0.5, 1, 0, 0]);
  });

  it("Prod", async () => {
    await checkGradients({
      inputs: [positive([2, 3, 4], 0.5, 1.5)],
      graph: (x) => tf.reduceProd(x, { axis: [0, 2] }),
      tfjs: (x) => tfc.prod(x, [0, 2]),
      step: 1e-3,
    });
  });
});

describe("matrix product gradients", () => {
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    it(`MatMul transposeA=${ta} transposeB=${tb}`, async () => {
      const a = ta ? f([3, 4], [3, null]) : f([4, 3], [null, 3]);
      const b = tb ? f([2, 3]) : f([3, 2]);
      await checkGradients({
        inputs: [a, b],
        graph: (x, y) => tf.matmul(x, y, { transposeA: ta, transposeB: tb }),
        tfjs: (x, y) => tfc.matMul(x, y, ta, tb),
      });
    });
  }

  it("BatchMatMulV2 with broadcast batch dimensions", async () => {
    await checkGradients({
      inputs: [f([2, 3, 4]), f([4, 5])],
      graph: (x, y) => tf.matmul(x, y),
      tfjs: (x, y) => tfc.matMul(x, tfc.broadcastTo(y, [2, 4, 5])),
    });
    await checkGradients({
      inputs: [f([3, 3, 4], [null, 3, 4]), f([1, 5, 4], [1, null, 4])],
      graph: (x, y) => tf.matmul(x, y, { transposeB: true }),
      tfjs: (x, y) => tfc.matMul(x, tfc.broadcastTo(y, [3, 5, 4]), false, true),
    });
  });
});

describe("gradient op names", () => {
  it("Add with broadcasting: Shape, BroadcastGradientArgs, Sum, Reshape", () => {
    const x = tf.placeholder(tf.float32, [2, 3], { name: "x" });
    const y = tf.placeholder(tf.float32, [3], { name: "y" });
    tf.gradients(tf.add(x, y, { name: "add" }), [x, y]);
    const names = gradientOpNames();
    for (const n of [
      "gradients/add_grad/Shape",
      "gradients/add_grad/Shape_1",
      "gradients/add_grad/BroadcastGradientArgs",
      "gradients/add_grad/Sum",
      "gradients/add_grad/Reshape",
      "gradients/add_grad/Sum_1",
      "gradients/add_grad/Reshape_1",
    ]) {
      expect(names).toContain(n);
    }
    expect(
      tf.getDefaultGraph().getOperationByName("gradients/add_grad/BroadcastGradientArgs").type,
    ).toBe("BroadcastGradientArgs");
  });

  it("Add of equal static shapes passes the gradient through", () => {
    const x = tf.placeholder(tf.float32, [2, 3]);
    const y = tf.placeholder(tf.float32, [2, 3]);
    const z = x.add(y);
    const [dx, dy] = tf.gradients(z, [x, y]);
    expect(dx).toBe(dy);
    expect(gradientOpNames().filter((n) => n.startsWith("gradients/add_grad"))).toEqual([]);
  });

  it("MatMul, Mul, Sub, RealDiv, Sum and Mean", () => {
    const x = tf.placeholder(tf.float32, [null, 3], { name: "x" });
    const w = tf.placeholder(tf.float32, [3, 2], { name: "w" });
    const h = tf.matmul(x, w);
    const m = tf.multiply(h, 2);
    const d = tf.divide(tf.subtract(m, 1), 3);
    const loss = tf.reduceMean(tf.reduceSum(d, { axis: 1 }));
    tf.gradients(loss, [x, w]);
    const names = gradientOpNames();
    for (const n of [
      "gradients/MatMul_grad/MatMul",
      "gradients/MatMul_grad/MatMul_1",
      "gradients/Mul_grad/Mul",
      "gradients/Mul_grad/Sum",
      "gradients/Mul_grad/Reshape",
      "gradients/Sub_grad/Sum",
      "gradients/Sub_grad/Reshape",
      "gradients/truediv_grad/RealDiv",
      "gradients/truediv_grad/Neg",
      "gradients/truediv_grad/mul",
      "gradients/Sum_grad/Tile",
      "gradients/Mean_grad/Tile",
      "gradients/Mean_grad/truediv",
    ]) {
      expect(names).toContain(n);
    }
  });

  it("unary ops: Square, Exp, Log, Relu", () => {
    const x = tf.placeholder(tf.float32, [3], { name: "x" });
    const y = tf.add(tf.add(tf.square(x), tf.exp(x)), tf.add(tf.log(x), tf.nn.relu(x)));
    tf.gradients(y, [x]);
    const names = gradientOpNames();
    for (const n of [
      "gradients/Square_grad/Const",
      "gradients/Square_grad/Mul",
      "gradients/Square_grad/Mul_1",
      "gradients/Exp_grad/mul",
      "gradients/Log_grad/Reciprocal",
      "gradients/Log_grad/mul",
      "gradients/Relu_grad/ReluGrad",
      "gradients/AddN",
    ]) {
      expect(names).toContain(n);
    }
    // TensorFlow builds 2 * x after the incoming gradient is known.
    const two = tf.getDefaultGraph().getOperationByName("gradients/Square_grad/Const");
    expect(two.controlInputs.map((o) => o.name)).toEqual(["gradients/Fill"]);
  });
});
