/** `tf.layers.dense` / `tf.layers.Dense`: variables, ops and values. */
import { beforeEach, describe, expect, test } from "vitest";
import * as tf from "../../src/index.js";
import { expectSameItems } from "../graph/helpers.js";
import {
  collectionNames,
  expectClose,
  opsUnder,
  runInitialized,
  variableSummary,
} from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const KERNEL = [
  [1, -1],
  [0.5, 2],
  [-2, 0.25],
];
const BIAS = [0.1, -0.2];
const INPUT = [
  [1, 2, 3],
  [-4, 5, -6],
];

/** inputs · KERNEL + BIAS, by hand. */
function affine(rows: number[][]): number[] {
  return rows.flatMap((row) =>
    [0, 1].map(
      (j) => row.reduce((s, v, i) => s + v * (KERNEL[i]?.[j] as number), 0) + (BIAS[j] as number),
    ),
  );
}

const fixed = { kernelInitializer: () => KERNEL, biasInitializer: () => BIAS };

describe("tf.layers.dense", () => {
  test("creates dense/kernel (in, units) and dense/bias (units,), trainable and global", () => {
    tf.layers.dense(tf.placeholder(tf.float32, [null, 3]), 2);
    expect(variableSummary()).toEqual(["dense/kernel (3, 2)", "dense/bias (2,)"]);
    expect(collectionNames(tf.GraphKeys.TRAINABLE_VARIABLES)).toEqual([
      "dense/kernel:0",
      "dense/bias:0",
    ]);
    const kernel = tf.globalVariables()[0] as tf.Variable;
    expect(kernel.op.type).toBe("VariableV2");
    expect(String(kernel)).toBe("<tf.Variable 'dense/kernel:0' shape=(3, 2) dtype=float32_ref>");
  });

  test("ops: dense/MatMul, dense/BiasAdd, then the activation (dense/Relu)", () => {
    const inputs = tf.placeholder(tf.float32, [null, 3]);
    const y = tf.layers.dense(inputs, 2, { activation: tf.nn.relu });
    expect(y.op.name).toBe("dense/Relu");
    expect(y.shape.toString()).toBe("(?, 2)");
    const ops = tf
      .getDefaultGraph()
      .getOperations()
      .filter((o) => /^dense\/[A-Z]/.test(o.name));
    expect(ops.map((o) => `${o.name}:${o.type}`)).toEqual([
      "dense/MatMul:MatMul",
      "dense/BiasAdd:BiasAdd",
      "dense/Relu:Relu",
    ]);
    const matmul = tf.getDefaultGraph().getOperationByName("dense/MatMul");
    expect(matmul.inputs.map((t) => t.name)).toEqual([inputs.name, "dense/kernel/read:0"]);
  });

  test("computes inputs · kernel + bias", () => {
    const inputs = tf.placeholder(tf.float32, [null, 3]);
    const y = tf.layers.dense(inputs, 2, fixed);
    const out = runInitialized(y, new Map([[inputs, INPUT]]));
    expectClose(out.data as Float32Array, affine(INPUT));
  });

  test("activations by function and by Keras name", () => {
    const inputs = tf.placeholder(tf.float32, [null, 3]);
    const byName = (["relu", "tanh", "sigmoid", "softplus", "elu", "softmax"] as const).map((a) =>
      tf.layers.dense(inputs, 2, { ...fixed, activation: a }),
    );
    expect(byName.map((t) => t.op.type)).toEqual([
      "Relu",
      "Tanh",
      "Sigmoid",
      "Softplus",
      "Elu",
      "Softmax",
    ]);
    const linear = tf.layers.dense(inputs, 2, { ...fixed, activation: "linear" });
    expect(linear.op.type).toBe("BiasAdd");
    const z = affine(INPUT);
    const [relu, tanh, sigmoid] = runInitialized<tf.NDArray[]>(
      byName.slice(0, 3),
      new Map([[inputs, INPUT]]),
    );
    expectClose(
      relu?.data as Float32Array,
      z.map((v) => Math.max(v, 0)),
    );
    expectClose(tanh?.data as Float32Array, z.map(Math.tanh));
    expectClose(
      sigmoid?.data as Float32Array,
      z.map((v) => 1 / (1 + Math.exp(-v))),
    );
    expect(() =>
      tf.layers.dense(inputs, 2, { activation: "swish" as unknown as tf.layers.ActivationName }),
    ).toThrow("Unknown activation function:swish");
  });

  test("useBias: false: only the kernel, output of MatMul", () => {
    const y = tf.layers.dense(tf.placeholder(tf.float32, [null, 3]), 2, { useBias: false });
    expect(variableSummary()).toEqual(["dense/kernel (3, 2)"]);
    expect(y.op.name).toBe("dense/MatMul");
  });

  test("the default kernel is Glorot uniform, the bias zeros", () => {
    tf.layers.dense(tf.placeholder(tf.float32, [null, 30]), 20);
    const [kernel, bias] = runInitialized<tf.NDArray[]>(tf.globalVariables());
    const limit = Math.sqrt(6 / (30 + 20));
    const values = Array.from(kernel?.data as Float32Array);
    expect(values.every((v) => Math.abs(v) <= limit)).toBe(true);
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(limit * 0.8);
    expect(Array.from(bias?.data as Float32Array)).toEqual(new Array(20).fill(0));
    expect(
      tf.getDefaultGraph().getOperationByName("dense/kernel/Initializer/random_uniform").type,
    ).toBe("Add");
  });

  test("rank-3 inputs of fully known shape: Tensordot by static reshapes", () => {
    const inputs = tf.placeholder(tf.float32, [2, 2, 3]);
    const y = tf.layers.dense(inputs, 2, fixed);
    expect(y.shape.toString()).toBe("(2, 2, 2)");
    expect(opsUnder("dense/Tensordot")).toEqual([
      "dense/Tensordot/Reshape/shape",
      "dense/Tensordot/Reshape",
      "dense/Tensordot/MatMul",
      "dense/Tensordot/shape",
      "dense/Tensordot",
    ]);
    const rows = [INPUT, INPUT.map((r) => r.map((v) => v * 2))];
    const out = runInitialized(y, new Map([[inputs, rows]]));
    expectClose(out.data as Float32Array, affine(rows.flat()));
  });

  test("rank-3 inputs with an unknown batch: TensorFlow's dynamic Tensordot", () => {
    const inputs = tf.placeholder(tf.float32, [null, 2, 3]);
    const y = tf.layers.dense(inputs, 2, fixed);
    expect(y.shape.toString()).toBe("(?, 2, 2)");
    const tensordot = tf.getDefaultGraph().getOperationByName("dense/Tensordot");
    expect(tensordot.type).toBe("Reshape");
    for (const name of [
      "Shape",
      "GatherV2",
      "GatherV2_1",
      "Prod",
      "Prod_1",
      "concat",
      "stack",
      "transpose",
      "Reshape",
      "MatMul",
      "concat_1",
    ]) {
      expect(tf.getDefaultGraph().findOperation(`dense/Tensordot/${name}`), name).toBeDefined();
    }
    const rows = [INPUT, INPUT.map((r) => r.map((v) => -v))];
    const out = runInitialized(y, new Map([[inputs, rows]]));
    expect(out.shape).toEqual([2, 2, 2]);
    expectClose(out.data as Float32Array, affine(rows.flat()));
  });

  test("Dense class: properties and computeOutputShape", () => {
    const layer = new tf.layers.Dense(7, { activation: tf.nn.relu, name: "my_dense" });
    expect(layer.units).toBe(7);
    expect(layer.useBias).toBe(true);
    expect(layer.computeOutputShape([null, 3]).toString()).toBe("(?, 7)");
    expect(layer.computeOutputShape([null, 4, 3]).toString()).toBe("(?, 4, 7)");
    expect(() => layer.computeOutputShape([1])).toThrow(tf.errors.ValueError);
    expect(() => layer.computeOutputShape([null, null])).toThrow(tf.errors.ValueError);
    const out = layer.apply(tf.randomUniform([1, 2, 4, 3], { seed: 1 }));
    expect(out.shape.asList()).toEqual([1, 2, 4, 7]);
    expectSameItems(layer.variables, [layer.kernel, layer.bias]);
  });

  test("a non-integer or non-positive unit count is a ValueError", () => {
    expect(() => new tf.layers.Dense(0)).toThrow(tf.errors.ValueError);
    expect(() => new tf.layers.Dense(1.5)).toThrow(tf.errors.ValueError);
    // Refused before the layer takes a name: the next one is still `dense`.
    expect(tf.layers.dense(tf.zeros([1, 2]), 3).name).toBe("dense/BiasAdd:0");
  });
});
