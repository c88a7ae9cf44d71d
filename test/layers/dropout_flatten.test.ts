/** `tf.layers.dropout` and `tf.layers.flatten`. */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, test } from "vitest";
import * as tf from "../../src/index.js";
import { direct, opsUnder, runInitialized, wave } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

describe("tf.layers.dropout", () => {
  test("training false (the default): dropout/Identity, the input unchanged", () => {
    const x = tf.placeholder(tf.float32, [null, 4]);
    const y = tf.layers.dropout(x);
    expect(y.op.name).toBe("dropout/Identity");
    expect(y.op.type).toBe("Identity");
    const out = runInitialized(y, new Map([[x, [[1, 2, 3, 4]]]]));
    expect(out.toArray()).toEqual([[1, 2, 3, 4]]);
  });

  test("training true: tf.nn.dropout under dropout/dropout/, kept values scaled by 1/(1-rate)", () => {
    const x = tf.placeholder(tf.float32, [50, 40]);
    const y = tf.layers.dropout(x, { rate: 0.25, training: true, seed: 7 });
    expect(y.op.name).toBe("dropout/dropout/mul_1");
    expect(opsUnder("dropout/dropout/random_uniform").length).toBeGreaterThan(0);
    const ones = Array.from({ length: 50 }, () => new Array<number>(40).fill(1));
    const values = Array.from(runInitialized(y, new Map([[x, ones]])).data as Float32Array);
    expect(values.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    const dropped = values.filter((v) => v === 0).length / values.length;
    expect(dropped).toBeGreaterThan(0.18);
    expect(dropped).toBeLessThan(0.32);
  });

  test("names: dropout, dropout_1; a given name is made unique too", () => {
    const x = tf.placeholder(tf.float32, [null, 4]);
    const names = [
      tf.layers.dropout(x),
      tf.layers.dropout(x),
      tf.layers.dropout(x, { name: "drop" }),
      tf.layers.dropout(x, { name: "drop" }),
    ].map((t) => t.op.name);
    expect(names).toEqual([
      "dropout/Identity",
      "dropout_1/Identity",
      "drop/Identity",
      "drop_1/Identity",
    ]);
  });

  test("reuse: by name on the dropout/flatten functions (API.md) and classes; not on pooling (as TF)", () => {
    const x = tf.placeholder(tf.float32, [null, 4]);
    expect(() => tf.layers.dropout(x, 0.5, null, null, false, "d", true as never)).toThrow(
      /^layers\.dropout\(\) takes at most 6 positional arguments/,
    );
    expect(tf.layers.dropout(x, { name: "dd", reuse: true }).op.name).toBe("dd/Identity");
    expect(tf.layers.flatten(x, { name: "ff", reuse: true }).op.name).toBe("ff/Reshape");
    expect(() =>
      tf.layers.maxPooling2d(tf.zeros([1, 2, 2, 1]), 2, 2, { reuse: true } as never),
    ).toThrow(TypeError);
    const a = new tf.layers.Dropout({ name: "drop", reuse: true }).apply(x);
    const b = tf.variableScope("outer", { reuse: true }, () =>
      new tf.layers.Dropout({ name: "drop", reuse: true }).apply(x),
    );
    const c = new tf.layers.Flatten({ name: "flat", reuse: tf.AUTO_REUSE }).apply(x);
    const d = new tf.layers.MaxPooling2D(2, 2, { name: "pool", reuse: true }).apply(
      tf.zeros([1, 2, 2, 1]),
    );
    expect([a, b, c, d].map((t) => t.op.name)).toEqual([
      "drop/Identity",
      "outer/drop/Identity",
      "flat/Reshape",
      "pool/MaxPool",
    ]);
    expect(tf.globalVariables()).toEqual([]);
  });

  test("a bool placeholder decides when the graph runs", () => {
    const x = tf.placeholder(tf.float32, [20, 20]);
    const training = tf.placeholder(tf.bool, [], { name: "training" });
    const y = tf.layers.dropout(x, { rate: 0.5, training });
    const ones = Array.from({ length: 20 }, () => new Array<number>(20).fill(1));
    const sess = new tf.Session();
    try {
      const off = sess.run(
        y,
        new Map<tf.Tensor, unknown>([
          [x, ones],
          [training, false],
        ]),
      ) as tf.NDArray;
      expect(Array.from(off.data as Float32Array).every((v) => v === 1)).toBe(true);
      const on = sess.run(
        y,
        new Map<tf.Tensor, unknown>([
          [x, ones],
          [training, true],
        ]),
      ) as tf.NDArray;
      const values = Array.from(on.data as Float32Array);
      expect(values.every((v) => v === 0 || v === 2)).toBe(true);
      expect(values.some((v) => v === 0)).toBe(true);
    } finally {
      sess.close();
    }
  });

  test("a constant bool tensor is decided when building", () => {
    const x = tf.placeholder(tf.float32, [null, 4]);
    expect(tf.layers.dropout(x, { training: tf.constant(false) }).op.type).toBe("Identity");
    expect(tf.layers.dropout(x, { training: tf.constant(true) }).op.name).toBe(
      "dropout_1/dropout/mul_1",
    );
  });

  test("noiseShape broadcasts one decision along a dimension", () => {
    const x = tf.placeholder(tf.float32, [30, 8]);
    const y = tf.layers.dropout(x, { rate: 0.5, noiseShape: [30, 1], training: true, seed: 3 });
    const ones = Array.from({ length: 30 }, () => new Array<number>(8).fill(1));
    const rows = runInitialized(y, new Map([[x, ones]])).toArray() as number[][];
    for (const row of rows) expect(new Set(row).size).toBe(1);
  });

  test("rate outside [0, 1] is a ValueError", () => {
    expect(() => tf.layers.dropout(tf.zeros([2, 2]), { rate: 1.5 })).toThrow(tf.errors.ValueError);
  });

  test("Dropout class: apply with training", () => {
    const layer = new tf.layers.Dropout({ rate: 0.1 });
    expect(layer.apply(tf.zeros([2, 2])).op.type).toBe("Identity");
    expect(layer.apply(tf.zeros([2, 2]), { training: true }).op.name).toBe("dropout/dropout/mul_1");
  });
});

describe("tf.layers.flatten", () => {
  test("unknown batch: (?, 7, 7, 64) → (?, 3136) by flatten/Reshape with a packed shape", () => {
    const x = tf.placeholder(tf.float32, [null, 7, 7, 64]);
    const y = tf.layers.flatten(x);
    expect(y.shape.toString()).toBe("(?, 3136)");
    expect(y.op.name).toBe("flatten/Reshape");
    expect(tf.getDefaultGraph().getOperationByName("flatten/Reshape/shape").type).toBe("Pack");
  });

  test("known batch: a constant shape", () => {
    const y = tf.layers.flatten(tf.zeros([2, 3, 4]));
    expect(y.shape.toString()).toBe("(2, 12)");
    expect(tf.getDefaultGraph().getOperationByName("flatten/Reshape/shape").type).toBe("Const");
    const z = tf.layers.flatten(tf.zeros([5, 3]));
    expect(z.op.name).toBe("flatten_1/Reshape");
  });

  test("values keep row-major order; channels_first moves channels last first", () => {
    const data = wave(2 * 2 * 3 * 2);
    const x = tf.placeholder(tf.float32, [null, 2, 3, 2]);
    const last = tf.layers.flatten(x);
    const first = tf.layers.flatten(x, { dataFormat: "channels_first" });
    expect(first.shape.toString()).toBe("(?, 12)");
    const input = tfc.tensor4d(data, [2, 2, 3, 2]).arraySync();
    const [a, b] = runInitialized<tf.NDArray[]>([last, first], new Map([[x, input]]));
    expect(a?.shape).toEqual([2, 12]);
    expect(Array.from(a?.data as Float32Array)).toEqual(Array.from(Float32Array.from(data)));
    expect(Array.from(b?.data as Float32Array)).toEqual(
      direct(() => tfc.transpose(tfc.tensor4d(data, [2, 2, 3, 2]), [0, 2, 3, 1])),
    );
  });

  test("unknown inner dims: (?, ?) statically, right at run time", () => {
    const x = tf.placeholder(tf.float32, [null, null, 3]);
    const y = tf.layers.flatten(x);
    expect(y.shape.toString()).toBe("(?, ?)");
    const out = runInitialized(
      y,
      new Map([
        [
          x,
          [
            [
              [1, 2, 3],
              [4, 5, 6],
            ],
          ],
        ],
      ]),
    );
    expect(out.toArray()).toEqual([[1, 2, 3, 4, 5, 6]]);
  });
});
