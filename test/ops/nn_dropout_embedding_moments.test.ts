import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectClose, expectValueError, opList, run } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

describe("tf.nn.dropout", () => {
  it("builds TensorFlow 1.15's graph under dropout/", () => {
    const x = tf.placeholder(tf.float32, [null, 4], { name: "x" });
    const y = tf.nn.dropout(x, { rate: 0.5, seed: 3 });
    expect(y.op.name).toBe("dropout/mul_1");
    expect(y.shape.toString()).toBe("(?, 4)");
    expect(opList().slice(1)).toEqual([
      "dropout/rate:Const",
      "dropout/Shape:Shape",
      "dropout/random_uniform/min:Const",
      "dropout/random_uniform/max:Const",
      "dropout/random_uniform/RandomUniform:RandomUniform",
      "dropout/random_uniform/sub:Sub",
      "dropout/random_uniform/mul:Mul",
      "dropout/random_uniform:Add",
      "dropout/sub/x:Const",
      "dropout/sub:Sub",
      "dropout/truediv/x:Const",
      "dropout/truediv:RealDiv",
      "dropout/GreaterEqual:GreaterEqual",
      "dropout/mul:Mul",
      "dropout/Cast:Cast",
      "dropout/mul_1:Mul",
    ]);
  });

  it("zeroes elements and scales the rest by 1 / (1 - rate)", () => {
    const x = tf.placeholder(tf.float32, [null, 100]);
    const y = tf.nn.dropout(x, { rate: 0.25, seed: 1 });
    const ones = Array.from({ length: 20 }, () => new Array<number>(100).fill(1));
    const out = run(y, new Map([[x, ones]]));
    expect(out.shape).toEqual([20, 100]);
    const values = Array.from(out.data as Float32Array);
    const kept = values.filter((v) => v !== 0);
    for (const v of kept) expect(v).toBeCloseTo(1 / 0.75, 5);
    const fraction = kept.length / values.length;
    expect(fraction).toBeGreaterThan(0.68);
    expect(fraction).toBeLessThan(0.82);
  });

  it("takes keepProb (TensorFlow 1.x's argument), a number or a tensor", () => {
    const x = tf.ones([1000]);
    const y = tf.nn.dropout(x, { keepProb: 0.5 });
    const mean = run(tf.reduceMean(y)).toArray() as number;
    expect(mean).toBeGreaterThan(0.8);
    expect(mean).toBeLessThan(1.2);
    const keep = tf.placeholderWithDefault(1.0, [], { name: "keep" });
    const z = tf.nn.dropout(x, { keepProb: keep });
    expect(opList()).toContain("sub/x:Const");
    expect(run(z).toArray()).toEqual(new Array<number>(1000).fill(1));
  });

  it("is the identity for a constant rate of 0", () => {
    const x = tf.constant([1, 2]);
    expect(tf.nn.dropout(x, { rate: 0 })).toBe(x);
    expect(tf.nn.dropout(x, { keepProb: 1 })).toBe(x);
  });

  it("raises TensorFlow's errors", () => {
    const x = tf.constant([1, 2]);
    expectValueError(() => tf.nn.dropout(x), "You must provide a rate to dropout.");
    expectValueError(
      () => tf.nn.dropout(x, { rate: 1 }),
      "rate must be a scalar tensor or a float in the range [0, 1), got 1",
    );
    expectValueError(
      () => tf.nn.dropout(x, { rate: 0.5, keepProb: 0.5 }),
      "Cannot specify both 'keep_prob' and 'rate'.",
    );
    expectValueError(
      () => tf.nn.dropout(tf.constant([1], { dtype: tf.int32 }), { rate: 0.5 }),
      "x has to be a floating point tensor since it's going to be scaled. Got a int32 tensor instead.",
    );
  });

  it("is repeatable with a graph seed", () => {
    tf.setRandomSeed(7);
    const y = tf.nn.dropout(tf.ones([50]), { rate: 0.5 });
    expect(run(y).toArray()).toEqual(run(y).toArray());
  });
});

describe("tf.nn.embeddingLookup", () => {
  it("gathers rows as embedding_lookup, returning its Identity", () => {
    const table = tf.getVariable("embeddings", [4, 2], {
      initializer: tf.constantInitializer([0, 1, 10, 11, 20, 21, 30, 31]),
    });
    const ids = tf.placeholder(tf.int32, [null, 2], { name: "ids" });
    const e = tf.nn.embeddingLookup(table, ids);
    expect(e.op.type).toBe("Identity");
    expect(e.op.name).toBe("embedding_lookup/Identity");
    const gather = e.op.inputs[0]?.op;
    expect(gather?.type).toBe("GatherV2");
    expect(gather?.name).toBe("embedding_lookup");
    expect(gather?.inputs[0]?.name).toBe("embeddings/read:0");
    expect(gather?.inputs[2]?.op.name).toBe("embedding_lookup/axis");
    expect(e.shape.toString()).toBe("(?, 2, 2)");
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const out = sess.run(e, new Map([[ids, [[3, 0]]]])) as tf.NDArray;
    expect(out.toArray()).toEqual([
      [
        [30, 31],
        [0, 1],
      ],
    ]);
    sess.close();
  });

  it("accepts a one-element list and JS ids", () => {
    const e = tf.nn.embeddingLookup([tf.constant([[1], [2], [3]])], [2, 2]);
    expect(opList()).toContain("embedding_lookup/ids:Const");
    expect(run(e).toArray()).toEqual([[3], [3]]);
    expect(() => tf.nn.embeddingLookup([], [0])).toThrow("Need at least one param");
  });
});

describe("tf.nn.moments", () => {
  const X = [
    [1, 2],
    [3, 6],
    [5, 10],
  ];

  it("builds TensorFlow's ops under moments/ and returns [mean, variance]", () => {
    const x = tf.constant(X);
    const [mean, variance] = tf.nn.moments(x, [0]);
    expect(mean.op.name).toBe("moments/Squeeze");
    expect(variance.op.name).toBe("moments/Squeeze_1");
    expect(opList().slice(1)).toEqual([
      "moments/mean/reduction_indices:Const",
      "moments/mean:Mean",
      "moments/StopGradient:StopGradient",
      "moments/SquaredDifference:SquaredDifference",
      "moments/variance/reduction_indices:Const",
      "moments/variance:Mean",
      "moments/Squeeze:Squeeze",
      "moments/Squeeze_1:Squeeze",
    ]);
    expect(mean.shape.toString()).toBe("(2,)");
    const sess = new tf.Session();
    const [m, v] = sess.run([mean, variance]) as tf.NDArray[];
    expectClose(m?.toArray(), [3, 6]);
    expectClose(v?.toArray(), [8 / 3, 32 / 3]);
    sess.close();
  });

  it("keeps dims on request, with unknown dims", () => {
    const x = tf.placeholder(tf.float32, [null, 2]);
    const [mean, variance] = tf.nn.moments(x, [0], { keepdims: true });
    expect(mean.op.name).toBe("moments/mean");
    expect(variance.shape.toString()).toBe("(1, 2)");
    expectClose(run(variance, new Map([[x, X]])).toArray(), [[8 / 3, 32 / 3]]);
  });
});

describe("tf.orthogonalInitializer", () => {
  function matmulT(a: number[][], b: number[][]): number[][] {
    return a.map((row) => b.map((col) => row.reduce((s, v, k) => s + v * (col[k] as number), 0)));
  }

  it("builds random_normal, Qr, DiagPart, Sign as TensorFlow does", () => {
    tf.getVariable("w", [4, 3], { initializer: tf.orthogonalInitializer({ seed: 1 }) });
    const types = opList()
      .filter((o) => o.startsWith("w/Initializer/"))
      .map((o) => o.slice("w/Initializer/".length));
    expect(types).toEqual([
      "random_normal/shape:Const",
      "random_normal/mean:Const",
      "random_normal/stddev:Const",
      "random_normal/RandomStandardNormal:RandomStandardNormal",
      "random_normal/mul:Mul",
      "random_normal:Add",
      "Qr:Qr",
      "DiagPart:DiagPart",
      "Sign:Sign",
      "mul:Mul",
      "Reshape/shape:Const",
      "Reshape:Reshape",
      "mul_1/x:Const",
      "mul_1:Mul",
    ]);
  });

  it("gives orthonormal columns (tall) or rows (wide), scaled by gain", () => {
    const tall = tf.getVariable("tall", [5, 3], {
      initializer: tf.orthogonalInitializer({ seed: 2 }),
    });
    const wide = tf.getVariable("wide", [2, 6], {
      initializer: tf.orthogonalInitializer({ gain: 2, seed: 3 }),
    });
    expect(opList()).toContain("wide/Initializer/matrix_transpose/transpose:Transpose");
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const t = (sess.run(tall) as tf.NDArray).toArray() as number[][];
    const w = (sess.run(wide) as tf.NDArray).toArray() as number[][];
    sess.close();
    const tT = (t[0] as number[]).map((_, j) => t.map((row) => row[j] as number));
    expectClose(
      matmulT(tT, tT),
      [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
      1e-4,
    );
    expectClose(
      matmulT(w, w),
      [
        [4, 0],
        [0, 4],
      ],
      1e-4,
    );
  });

  it("flattens conv kernels and needs rank >= 2", () => {
    const k = tf.getVariable("k", [3, 3, 4, 8], {
      initializer: tf.orthogonalInitializer({ seed: 4 }),
    });
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const flat = ((sess.run(k) as tf.NDArray).data as Float32Array).slice();
    sess.close();
    const rows: number[][] = [];
    for (let i = 0; i < 36; i++) rows.push(Array.from(flat.slice(i * 8, i * 8 + 8)));
    const cols = Array.from({ length: 8 }, (_, j) => rows.map((r) => r[j] as number));
    const eye = Array.from({ length: 8 }, (_, i) =>
      Array.from({ length: 8 }, (_, j) => (i === j ? 1 : 0)),
    );
    expectClose(matmulT(cols, cols), eye, 1e-4);
    expectValueError(
      () => tf.getVariable("v", [3], { initializer: tf.orthogonalInitializer() }),
      "The tensor to initialize must be at least two-dimensional",
    );
  });

  it("is repeatable with a seed", () => {
    const a = tf.getVariable("a", [3, 3], { initializer: tf.orthogonalInitializer({ seed: 5 }) });
    const s1 = new tf.Session();
    const s2 = new tf.Session();
    s1.run(tf.globalVariablesInitializer());
    s2.run(tf.globalVariablesInitializer());
    expect((s1.run(a) as tf.NDArray).toArray()).toEqual((s2.run(a) as tf.NDArray).toArray());
    s1.close();
    s2.close();
  });
});
