/**
 * TF 1.15's everyday math functions added by ops-math: values against references (scipy in
 * float64, rounded to float32; TF's math_ops_test cases), the graphs TF's Python builds,
 * TF's refusals, gradients, and the ops run from an imported GraphDef.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { checkGradients, uniform } from "../gradients/helpers.js";
import { opList, run } from "./helpers.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

beforeEach(() => tf.resetDefaultGraph());

function nums(t: tf.Tensor): number[] {
  return Array.from(run(t).data as ArrayLike<number>);
}

function nums2(t: tf.Tensor, feed: tf.Tensor, value: number[]): number[] {
  return Array.from(run(t, new Map([[feed, value]])).data as ArrayLike<number>);
}

/** Within `ulps` float32 ulps of the reference (relative 2^-23 each), inf and NaN exact. */
function expectUlps(got: number[], want: number[], ulps = 4): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i] as number;
    if (!Number.isFinite(w)) return expect(g).toBe(w);
    expect(Math.abs(g - w), `element ${i}: ${g} vs ${w}`).toBeLessThanOrEqual(
      ulps * 2 ** -23 * Math.max(Math.abs(w), 1e-30),
    );
  });
}

const X = [-2.5, -0.75, -1e-4, 1e-4, 0.3, 1.5, 4.0];
const T = [-0.9, -0.25, 1e-5, 0.5, 0.99];

describe("element-wise special and trigonometric functions", () => {
  it("match scipy to a few ulps, erf and expm1 near 0 included", () => {
    const x = tf.constant(X);
    expectUlps(
      nums(tf.erf(x)),
      [
        -0.9995930194854736, -0.7111556529998779, -0.00011283791536698118, 0.00011283791536698118,
        0.3286267817020416, 0.9661051630973816, 1.0,
      ],
    );
    expectUlps(
      nums(tf.erfc(x)),
      [
        1.9995930194854736, 1.711155652999878, 1.0001128911972046, 0.9998871684074402,
        0.6713732481002808, 0.0338948518037796, 1.5417258580896487e-8,
      ],
    );
    expectUlps(
      nums(tf.lgamma(x)),
      [
        -0.056243717670440674, 1.575704574584961, 9.210397720336914, 9.210282325744629,
        1.0957978963851929, -0.12078224122524261, 1.7917594909667969,
      ],
    );
    expectUlps(
      nums(tf.digamma(x)),
      [
        1.1031566858291626, -2.894120216369629, 9999.4228515625, -10000.5771484375,
        -3.5025241374969482, 0.036489974707365036, 1.2561177015304565,
      ],
    );
    expectUlps(
      nums(tf.expm1(x)),
      [
        -0.9179149866104126, -0.5276334285736084, -9.999499889090657e-5, 0.00010000499605666846,
        0.349858820438385, 3.481688976287842, 53.598148345947266,
      ],
    );
  });

  it("erfc keeps its tail where 1 - erf is 0", () => {
    expectUlps(nums(tf.erfc(tf.constant([5, 9.5, 10.5]))), [1.5374598295869735e-12, 3.7692e-41, 0]);
  });

  it("poles and domains: lgamma +inf, digamma NaN, asin/acos/acosh NaN outside", () => {
    expect(nums(tf.lgamma(tf.constant([0, -1, -2])))).toEqual([Infinity, Infinity, Infinity]);
    expect(nums(tf.digamma(tf.constant([0, -3]))).every(Number.isNaN)).toBe(true);
    expect(nums(tf.asin(tf.constant([2]))).every(Number.isNaN)).toBe(true);
    expect(nums(tf.acosh(tf.constant([0.5]))).every(Number.isNaN)).toBe(true);
    expect(nums(tf.atanh(tf.constant([1, -1])))).toEqual([Infinity, -Infinity]);
  });

  it("trigonometric and hyperbolic functions", () => {
    const t = tf.constant(T);
    const cases: [(x: tf.Tensor) => tf.Tensor, number[]][] = [
      [
        tf.tan,
        [
          -1.2601581811904907, -0.25534191727638245, 9.999999747378752e-6, 0.5463024973869324,
          1.5236767530441284,
        ],
      ],
      [
        tf.atan,
        [
          -0.7328150868415833, -0.244978666305542, 9.999999747378752e-6, 0.46364760398864746,
          0.7803730964660645,
        ],
      ],
      [
        tf.asin,
        [
          -1.1197694540023804, -0.252680242061615, 9.999999747378752e-6, 0.5235987901687622,
          1.4292569160461426,
        ],
      ],
      [
        tf.acos,
        [
          2.690565824508667, 1.8234765529632568, 1.5707863569259644, 1.0471975803375244,
          0.14153940975666046,
        ],
      ],
      [tf.sinh, [-1.0265166759490967, -0.25261232256889343, 1e-5, 0.52109528, 1.1598289012908936]],
      [
        tf.cosh,
        [1.4330863952636719, 1.0314130783081055, 1.0, 1.1276259422302246, 1.5314055681228638],
      ],
      [
        tf.asinh,
        [
          -0.8088669180870056, -0.24746645987033844, 9.999999747378752e-6, 0.4812118113040924,
          0.8742848038673401,
        ],
      ],
      [
        tf.atanh,
        [
          -1.4722193479537964, -0.2554128170013428, 9.999999747378752e-6, 0.5493061542510986,
          2.646652936935425,
        ],
      ],
    ];
    for (const [f, want] of cases) expectUlps(nums(f(t)), want);
    expectUlps(
      nums(tf.acosh(tf.constant([1, 1.5, 10]))),
      [0, 0.9624236226081848, 2.993222951889038],
    );
  });

  it("rint rounds halves to even (TF's testRint cases)", () => {
    expect(
      nums(tf.rint(tf.constant([-1.7, -1.5, -0.2, 0.2, 0.5, 1.2, 1.5, 1.7, 2.0, 2.5]))),
    ).toEqual([-2, -2, -0, 0, 0, 1, 2, 2, 2, 2]);
  });

  it("isNan / isInf / isFinite", () => {
    const x = tf.constant([1, NaN, Infinity, -Infinity]);
    expect(nums(tf.isNan(x)).map(Boolean)).toEqual([false, true, false, false]);
    expect(nums(tf.isInf(x)).map(Boolean)).toEqual([false, false, true, true]);
    expect(nums(tf.isFinite(x)).map(Boolean)).toEqual([true, false, false, false]);
    expect(tf.isNan(x).dtype).toBe("bool");
  });

  it("atan2 covers the four quadrants, with broadcasting", () => {
    const y = tf.constant([[1], [-1]]);
    const x = tf.constant([1, -1]);
    const a = tf.atan2(y, x);
    expect(a.shape.toString()).toBe("(2, 2)");
    expectUlps(nums(a), [Math.PI / 4, (3 * Math.PI) / 4, -Math.PI / 4, (-3 * Math.PI) / 4]);
  });

  it("xlogy and xdivy are 0 where x is 0, even at y = 0 (TF's XlogyTest/XdivyTest)", () => {
    const x = tf.constant([0, 0, 2, 3]);
    const y = tf.constant([0, NaN, 0.5, 0]);
    expectUlps(nums(tf.math.xlogy(x, y)), [0, 0, 2 * Math.log(0.5), -Infinity]);
    expect(nums(tf.math.xdivy(x, y))).toEqual([0, 0, 4, Infinity]);
  });

  it("builds each op under its TF name, refusing the types TF refuses", () => {
    tf.erf(tf.constant(1));
    tf.atan2(tf.constant(1), tf.constant(2), "angle");
    expect(opList().filter((o) => !o.endsWith(":Const"))).toEqual(["Erf:Erf", "angle:Atan2"]);
    const i = tf.constant([1], { dtype: "int32" });
    expectThrowsAndUnchanged(
      () => tf.erf(i),
      TypeError,
      "Value passed to parameter 'x' has DataType int32 not in list of allowed values: bfloat16, float16, float32, float64",
    );
    expectThrowsAndUnchanged(
      () => tf.math.xlogy(i, i),
      TypeError,
      "Value passed to parameter 'x' has DataType int32 not in list of allowed values: float16, float32, float64, complex64, complex128",
    );
    // Tan's OpDef takes int32, but TF has float kernels only: it builds, and fails to run.
    expect(() => run(tf.tan(i))).toThrow(/No OpKernel was registered to support Op 'Tan'/);
  });
});

describe("divisions", () => {
  // TF's math_ops_test DivAndModTest: nums -10..9 against odd divisors of both signs.
  const N = Array.from({ length: 20 }, (_, i) => [i - 10]);
  const D = [[-3, -1, 1, 3]];
  const grid = (f: (a: number, b: number) => number) =>
    N.flatMap(([a]) => (D[0] as number[]).map((b) => f(a as number, b)));

  it("truncatemod is C's fmod on ints and floats; truncatediv its quotient", () => {
    const n = tf.constant(N, { dtype: "int32" });
    const d = tf.constant(D, { dtype: "int32" });
    expect(nums(tf.truncatemod(n, d))).toEqual(grid((a, b) => a % b || 0));
    expect(nums(tf.add(tf.multiply(tf.truncatediv(n, d), d), tf.truncatemod(n, d)))).toEqual(
      grid((a) => a),
    );
    const f = tf.truncatemod(tf.constant(N), tf.constant(D));
    expect(nums(f)).toEqual(grid((a, b) => a % b));
    expect(f.op.name).toBe("TruncateMod_2");
    expect(() => run(tf.truncatemod(n, tf.constant(0, { dtype: "int32" })))).toThrow(
      "Integer division by zero",
    );
  });

  it("div is Python 2's: RealDiv for floats, FloorDiv for ints, named div", () => {
    const i = tf.div(tf.constant([7, -7], { dtype: "int32" }), 2);
    const f = tf.div(tf.constant([7, -7]), 2);
    expect(nums(i)).toEqual([3, -4]);
    expect(nums(f)).toEqual([3.5, -3.5]);
    expect([i.op.name, i.op.type, f.op.name, f.op.type]).toEqual([
      "div",
      "FloorDiv",
      "div_1",
      "RealDiv",
    ]);
    // y is converted to x's dtype: a float tensor against an int x is refused.
    const one = tf.constant(1, { dtype: "int32" });
    const two = tf.constant(2);
    expectThrowsAndUnchanged(
      () => tf.div(one, two),
      tf.errors.ValueError,
      /Tensor conversion requested dtype int32 for Tensor with dtype float32/,
    );
  });

  it("truediv is a RealDiv named truediv; ints (TF: float64) are refused", () => {
    const q = tf.truediv(tf.constant([1, 3]), 2);
    expect(nums(q)).toEqual([0.5, 1.5]);
    expect([q.op.name, q.op.type]).toEqual(["truediv", "RealDiv"]);
    expect(tf.realdiv(tf.constant(1), 4).op.name).toBe("RealDiv");
    const i = tf.constant([1], { dtype: "int32" });
    const f = tf.constant([1]);
    expectThrowsAndUnchanged(() => tf.truediv(i, i), TypeError, /float64/);
    expectThrowsAndUnchanged(
      () => tf.truediv(f, i),
      TypeError,
      "x and y must have the same dtype, got tf.float32 != tf.int32",
    );
  });

  it("divide is Python's x / y: a RealDiv named truediv; ints (TF: float64) are refused", () => {
    const q = tf.divide(tf.constant([-7, 7]), 2);
    expect(nums(q)).toEqual([-3.5, 3.5]);
    expect([q.op.name, q.op.type]).toEqual(["truediv", "RealDiv"]);
    const i = tf.constant([-7, 7], { dtype: "int32" });
    // A RealDiv of int32 would floor (-7 / 2 = -4): refused, with the graph unchanged.
    expectThrowsAndUnchanged(() => tf.divide(i, 2), TypeError, /float64/);
  });

  it("divNoNan, mod and scalarMul", () => {
    expect(nums(tf.divNoNan(tf.constant([1, 2]), tf.constant([2, 0])))).toEqual([0.5, 0]);
    expect(tf.mod).toBe(tf.floormod);
    expect(nums(tf.mod(tf.constant([5, -5], { dtype: "int32" }), 3))).toEqual([2, 1]);
    const s = tf.scalarMul(2, tf.constant([1, 2]));
    expect(nums(s)).toEqual([2, 4]);
    expect(opList()).toContain("scalar:Const");
    expect(s.op.name).toBe("Mul");
    const slices = new tf.IndexedSlices(
      tf.constant([[1, 2]]),
      tf.constant([1], { dtype: "int32" }),
    );
    const scaled = tf.scalarMul(3, slices);
    expect(scaled).toBeInstanceOf(tf.IndexedSlices);
    expect(nums(scaled.values)).toEqual([3, 6]);
    const v = tf.constant([1, 2]);
    expectThrowsAndUnchanged(
      () => tf.scalarMul([1, 2], v),
      tf.errors.ValueError,
      "Only scalar multiply works, got shape (2,)",
    );
  });
});

describe("casts", () => {
  it("toFloat/toInt32/toInt64 are Casts named ToFloat/ToInt32/ToInt64", () => {
    const i = tf.constant([1.7, -1.7]);
    const a = tf.toInt32(i);
    const b = tf.toFloat(a);
    const c = tf.toInt64(a);
    expect([a.op.name, b.op.name, c.op.name]).toEqual(["ToInt32", "ToFloat", "ToInt64"]);
    expect(nums(a)).toEqual([1, -1]);
    expect(c.dtype).toBe("int64");
    // Already float32: no op at all, as tf.cast.
    expect(tf.toFloat(i)).toBe(i);
  });

  it("saturateCast clamps to the target range under saturate_cast", () => {
    const s = tf.saturateCast(tf.constant([1e9, -3e9, -7.9]), tf.int32);
    expect(nums(s)).toEqual([1000000000, -2147483648, -7]);
    expect(opList().filter((o) => !o.startsWith("Const"))).toEqual([
      "saturate_cast/min:Const",
      "saturate_cast/Maximum:Maximum",
      "saturate_cast/max:Const",
      "saturate_cast/Minimum:Minimum",
      "saturate_cast:Cast",
    ]);
    // int32 fits in float32's range: no clamp, only the Cast.
    tf.saturateCast(tf.constant([1], { dtype: "int32" }), tf.float32, "f");
    expect(opList().at(-1)).toBe("f:Cast");
    const one = tf.constant([1]);
    expectThrowsAndUnchanged(
      () => tf.saturateCast(one, tf.bool),
      TypeError,
      "Cannot find minimum value of <dtype: 'bool'>.",
    );
  });
});

describe("logic", () => {
  it("logicalXor is TF's composite, its outer LogicalAnd named LogicalXor", () => {
    const x = tf.constant([true, true, false, false]);
    const y = tf.constant([true, false, true, false]);
    const z = tf.logicalXor(x, y);
    expect(nums(z).map(Boolean)).toEqual([false, true, true, false]);
    expect(opList().slice(2)).toEqual([
      "LogicalOr:LogicalOr",
      "LogicalAnd:LogicalAnd",
      "LogicalNot:LogicalNot",
      "LogicalXor:LogicalAnd",
    ]);
    expect(nums(tf.logicalAnd(x, y)).map(Boolean)).toEqual([true, false, false, false]);
    expect(nums(tf.logicalOr(x, y)).map(Boolean)).toEqual([true, true, true, false]);
    const one = tf.constant([1]);
    expectThrowsAndUnchanged(
      () => tf.logicalAnd(one, y),
      TypeError,
      "Input 'x' of 'LogicalAnd' Op has type float32 that does not match expected type of bool.",
    );
  });
});

describe("cumsum / cumprod", () => {
  // TF's scan_ops_test: every combination of exclusive and reverse along each axis.
  const x = [
    [1, 2, 3],
    [4, 5, 6],
  ];
  const want = (axis: number, exclusive: boolean, reverse: boolean, prod = false) => {
    const out = x.map((r) => r.slice());
    const n = axis === 0 ? 2 : 3;
    for (let o = 0; o < (axis === 0 ? 3 : 2); o++) {
      let acc = prod ? 1 : 0;
      for (let k = 0; k < n; k++) {
        const j = reverse ? n - 1 - k : k;
        const [r, c] = axis === 0 ? [j, o] : [o, j];
        const v = (x[r] as number[])[c] as number;
        if (exclusive) {
          (out[r] as number[])[c] = acc;
          acc = prod ? acc * v : acc + v;
        } else {
          acc = prod ? acc * v : acc + v;
          (out[r] as number[])[c] = acc;
        }
      }
    }
    return out.flat();
  };
  for (const axis of [0, 1, -1])
    for (const exclusive of [false, true])
      for (const reverse of [false, true]) {
        it(`axis ${axis}, exclusive ${exclusive}, reverse ${reverse}`, () => {
          const a = axis < 0 ? axis + 2 : axis;
          for (const dtype of ["float32", "int32"] as const) {
            const t = tf.constant(x, { dtype });
            expect(nums(tf.cumsum(t, axis, exclusive, reverse))).toEqual(
              want(a, exclusive, reverse),
            );
            expect(nums(tf.cumprod(t, axis, exclusive, reverse))).toEqual(
              want(a, exclusive, reverse, true),
            );
          }
        });
      }

  it("builds Cumsum named Cumsum with its axis Const inside; bad axes fail the run", () => {
    const c = tf.cumsum(tf.constant([1, 2]), { reverse: true });
    expect(opList()).toEqual(["Const:Const", "Cumsum/axis:Const", "Cumsum:Cumsum"]);
    expect(c.op.attrs).toMatchObject({ exclusive: false, reverse: true });
    expect(() => run(tf.cumsum(tf.constant([1, 2]), 1))).toThrow(
      "ScanOp: Expected scan axis in the range [-1, 1), but got 1",
    );
  });
});

describe("activations", () => {
  it("leakyRelu is one LeakyRelu op with its alpha; ints are cast first", () => {
    const y = tf.nn.leakyRelu(tf.constant([-2, 3]), 0.1);
    expect(nums(y)).toEqual([Math.fround(-0.2), 3]);
    expect(y.op.attrs.alpha).toBe(0.1);
    const z = tf.nn.leakyRelu(tf.constant([-2], { dtype: "int32" }));
    expect(z.dtype).toBe("float32");
    expect(opList().slice(-2)).toEqual(["LeakyRelu_1/Cast:Cast", "LeakyRelu_1:LeakyRelu"]);
    expect(nums(z)).toEqual([Math.fround(-0.4)]);
  });

  it("crelu, softsign and logSigmoid build TF's ops", () => {
    expect(nums(tf.nn.crelu(tf.constant([[1, -2]])))).toEqual([1, 0, 0, 2]);
    expect(nums(tf.nn.softsign(tf.constant([-3, 1])))).toEqual([-0.75, 0.5]);
    expectUlps(nums(tf.math.logSigmoid(tf.constant([0, -30, 30]))), [
      -Math.log(2),
      -30 - Math.log1p(Math.exp(-30)),
      -Math.log1p(Math.exp(-30)),
    ]);
    expect(opList().filter((o) => !o.startsWith("Const"))).toEqual([
      "CRelu/Neg:Neg",
      "CRelu/concat/axis:Const",
      "CRelu/concat:ConcatV2",
      "CRelu/Relu:Relu",
      "Softsign:Softsign",
      "LogSigmoid/Neg:Neg",
      "LogSigmoid/Softplus:Softplus",
      "LogSigmoid:Neg",
    ]);
  });
});

describe("gradients", () => {
  const unit = (n: number) => ({ shape: [n], values: uniform(n, -0.8, 0.8) });
  const above1 = (n: number) => ({ shape: [n], values: uniform(n, 1.2, 3) });
  const unary: [string, (x: tf.Tensor) => tf.Tensor, { shape: number[]; values: Float32Array }][] =
    [
      ["tan", tf.tan, unit(6)],
      ["atan", tf.atan, unit(6)],
      ["asin", tf.asin, unit(6)],
      ["acos", tf.acos, unit(6)],
      ["sinh", tf.sinh, unit(6)],
      ["cosh", tf.cosh, unit(6)],
      ["asinh", tf.asinh, unit(6)],
      ["acosh", tf.acosh, above1(6)],
      ["atanh", tf.atanh, unit(6)],
      ["expm1", tf.expm1, unit(6)],
      ["erf", tf.erf, unit(6)],
      ["erfc", tf.erfc, unit(6)],
      ["lgamma", tf.lgamma, above1(6)],
      ["softsign", tf.nn.softsign, unit(6)],
      ["leakyRelu", (x) => tf.nn.leakyRelu(x, 0.3), unit(6)],
      ["logSigmoid", tf.math.logSigmoid, unit(6)],
      ["cumsum", (x) => tf.cumsum(tf.reshape(x, [2, 3]), 1, true, false), unit(6)],
      ["cumsum reverse", (x) => tf.cumsum(tf.reshape(x, [2, 3]), 0, false, true), unit(6)],
    ];
  it.each(unary)("%s matches finite differences", async (_, f, input) => {
    await checkGradients({ inputs: [input], graph: f, step: 1e-3, fdTol: 2e-2 });
  });

  it("atan2, xlogy and xdivy (with broadcasting) match finite differences", async () => {
    const pos = (shape: number[]) => ({
      shape,
      values: uniform(shape[0] * (shape[1] ?? 1), 0.5, 2),
    });
    await checkGradients({
      inputs: [pos([4]), pos([4])],
      graph: (y, x) => tf.atan2(y, tf.negative(x)),
      step: 1e-3,
    });
    await checkGradients({
      inputs: [pos([2, 3]), pos([3])],
      graph: (a, b) => tf.math.xlogy(a, b),
      step: 1e-3,
    });
    await checkGradients({
      inputs: [pos([3]), pos([2, 3])],
      graph: (a, b) => tf.math.xdivy(a, b),
      step: 1e-3,
    });
  });

  it("Rint has no gradient (None); SegmentProd has none in TF 1.15 either", () => {
    const x = tf.placeholder(tf.float32, [2]);
    expect(tf.gradients(tf.rint(x), [x])).toEqual([null]);
    const p = tf.segmentProd(x, [0, 0]);
    expect(() => tf.gradients(p, [x])).toThrow(/No gradient defined for operation/);
  });
});

describe("imported GraphDefs", () => {
  it("run the new ops, shapes inferred", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [null, 2], "x");
      tf.erf(x, "e");
      tf.atan2(x, tf.constant([1, -1]), "a");
      tf.cumsum(x, 1, { name: "c" });
      tf.nn.leakyRelu(x, 0.5, "l");
      tf.math.xlogy(x, x, "xl");
      tf.truncatemod(x, tf.constant(0.75), "tm");
    });
    const def = g.asGraphDef();
    const names = ["e", "a", "c", "l", "xl", "tm"].map((n) => `${n}:0`);
    const [x, ...outs] = tf.importGraphDef(def, {
      name: "",
      returnElements: ["x:0", ...names],
    }) as tf.Tensor[];
    expect(outs.map((t) => t.shape.toString())).toEqual(Array(6).fill("(?, 2)"));
    using sess = new tf.Session();
    const got = sess.run(outs, new Map([[x as tf.Tensor, [[0.5, 2]]]])) as tf.NDArray[];
    const v = got.map((a) => Array.from(a.data as Float32Array));
    expectUlps(v[0] as number[], [0.5204998778130465, 0.9953222650189527]);
    expectUlps(v[1] as number[], [Math.atan2(0.5, 1), Math.atan2(2, -1)]);
    expect(v[2]).toEqual([0.5, 2.5]);
    expect(v[3]).toEqual([0.5, 2]);
    expectUlps(v[4] as number[], [0.5 * Math.log(0.5), 2 * Math.log(2)]);
    expect(v[5]).toEqual([0.5, 0.5]);
  });
});

describe("composite reductions", () => {
  const M = [
    [1, 2, 3],
    [4, 5, 6],
  ];
  const lse = (xs: number[]) => Math.log(xs.reduce((s, v) => s + Math.exp(v), 0));

  it("reduceLogsumexp: TF's ops under ReduceLogSumExp, stable for large and -inf inputs", () => {
    const x = tf.constant(M);
    const all = tf.reduceLogsumexp(x);
    expect(all.shape.toString()).toBe("()");
    expectUlps(nums(all), [lse(M.flat())]);
    expectUlps(nums(tf.reduceLogsumexp(x, 1)), [lse([1, 2, 3]), lse([4, 5, 6])]);
    const kept = tf.reduceLogsumexp(x, { reductionIndices: 0, keepDims: true });
    expect(kept.shape.toString()).toBe("(1, 3)");
    expect(opList().slice(0, 15)).toEqual([
      "Const:Const",
      "ReduceLogSumExp/Const:Const",
      "ReduceLogSumExp/Max:Max",
      "ReduceLogSumExp/IsFinite:IsFinite",
      "ReduceLogSumExp/zeros_like:Const",
      "ReduceLogSumExp/Select:Select",
      "ReduceLogSumExp/StopGradient:StopGradient",
      "ReduceLogSumExp/Sub:Sub",
      "ReduceLogSumExp/Exp:Exp",
      "ReduceLogSumExp/Const_1:Const",
      "ReduceLogSumExp/Sum:Sum",
      "ReduceLogSumExp/Log:Log",
      "ReduceLogSumExp/Shape:Const",
      "ReduceLogSumExp/Reshape:Reshape",
      "ReduceLogSumExp/Add:Add",
    ]);
    // TF's testInfinity / testOverflow: a large max is subtracted first; all -inf gives -inf.
    expectUlps(nums(tf.reduceLogsumexp(tf.constant([1000, 1000]))), [1000 + Math.log(2)]);
    expect(nums(tf.reduceLogsumexp(tf.constant([-Infinity, -Infinity])))).toEqual([-Infinity]);
  });

  it("countNonzero: NotEqual, Cast to int64, Sum, Cast to dtype under count_nonzero", () => {
    const c = tf.countNonzero(
      tf.constant([
        [0, 1, 2],
        [0, 0, 3],
      ]),
      1,
    );
    expect(c.dtype).toBe("int64");
    expect(nums(c).map(Number)).toEqual([2, 1]);
    const d = tf.countNonzero({ input: tf.constant([0, 1.5, -2]), dtype: tf.int32 });
    expect(nums(d)).toEqual([2]);
    expect(opList().filter((o) => o.includes("count_nonzero_1/"))).toEqual([
      "count_nonzero_1/zeros:Const",
      "count_nonzero_1/NotEqual:NotEqual",
      "count_nonzero_1/Cast:Cast",
      "count_nonzero_1/Const:Const",
      "count_nonzero_1/Sum:Sum",
      "count_nonzero_1/Cast_1:Cast",
    ]);
  });

  it("reduceVariance / reduceStd (TF's math_ops_test values)", () => {
    const x = tf.constant([
      [1, 2],
      [3, 4],
    ]);
    expect(nums(tf.math.reduceVariance(x, 0))).toEqual([1, 1]);
    expectUlps(nums(tf.math.reduceStd(x)), [Math.sqrt(1.25)]);
    expect(nums(tf.math.reduceStd(x, 1, true))).toEqual([0.5, 0.5]);
    expect(opList()).toContain("reduce_std/reduce_variance/sub:Sub");
    expect(opList()).toContain("reduce_std/Sqrt:Sqrt");
  });

  it("l2Normalize (with the dim alias): Square/Sum/Maximum/Rsqrt, the Mul named l2_normalize", () => {
    const y = tf.nn.l2Normalize(
      tf.constant([
        [3, 4],
        [0, 0],
      ]),
      { dim: 1 },
    );
    expect(nums(y)).toEqual([0.6, 0.8, 0, 0].map(Math.fround));
    expect(opList().slice(1)).toEqual([
      "l2_normalize/Square:Square",
      "l2_normalize/Sum/reduction_indices:Const",
      "l2_normalize/Sum:Sum",
      "l2_normalize/Maximum/y:Const",
      "l2_normalize/Maximum:Maximum",
      "l2_normalize/Rsqrt:Rsqrt",
      "l2_normalize:Mul",
    ]);
    expect(tf.math.l2Normalize).toBe(tf.nn.l2Normalize);
  });

  it("norm: vector and matrix norms as TF builds them; unsupported orders refused", () => {
    const v = tf.constant([
      [3, -4],
      [1, 2],
    ]);
    expectUlps(nums(tf.norm(v)), [Math.sqrt(30)]);
    expect(nums(tf.norm(v, 1))).toEqual([10]);
    expect(nums(tf.norm(v, Infinity))).toEqual([4]);
    expectUlps(nums(tf.norm(v, 3)), [Math.cbrt(27 + 64 + 1 + 8)]);
    expectUlps(nums(tf.norm(v, "euclidean", 1)), [5, Math.sqrt(5)]);
    expect(tf.norm(v, "euclidean", 1, true).shape.toString()).toBe("(2, 1)");
    expectUlps(nums(tf.norm(v, "fro", [0, 1])), [Math.sqrt(30)]);
    expect(nums(tf.norm(v, 1, [0, 1]))).toEqual([6]);
    expect(nums(tf.norm(v, Infinity, [0, 1]))).toEqual([7]);
    expectThrowsAndUnchanged(
      () => tf.norm(v, -1),
      tf.errors.ValueError,
      "'ord' must be a supported vector norm, got -1",
    );
    expectThrowsAndUnchanged(
      () => tf.norm(v, "fro"),
      tf.errors.ValueError,
      "'ord' must be a supported vector norm, got fro",
    );
    expectThrowsAndUnchanged(
      () => tf.norm(v, 1, [1, 1]),
      tf.errors.ValueError,
      "'axis' must be None, an integer, or a tuple of 2 unique integers",
    );
    // The matrix 2-norm: the largest singular value (numpy.linalg.norm(v, 2)).
    expectUlps(nums(tf.norm(v, 2, [0, 1])), [5.116672736016928]);
  });

  it("gradients of reduceLogsumexp, l2Normalize, norm and reduceStd", async () => {
    const input = { shape: [2, 3], values: uniform(6, -2, 2) };
    await checkGradients({ inputs: [input], graph: (x) => tf.reduceLogsumexp(x, 1), step: 1e-3 });
    await checkGradients({ inputs: [input], graph: (x) => tf.nn.l2Normalize(x, 1), step: 1e-3 });
    await checkGradients({ inputs: [input], graph: (x) => tf.norm(x, 3), step: 1e-3 });
    await checkGradients({ inputs: [input], graph: (x) => tf.math.reduceStd(x, 0), step: 1e-3 });
  });
});

describe("segment reductions", () => {
  // TF's segment_reduction_ops_test: rows reduced by sorted ids with a gap.
  const data = [
    [1, 2],
    [3, 4],
    [5, 6],
    [7, -8],
  ];
  const ids = [0, 0, 2, 2];

  it("sorted: Sum/Mean/Max/Min/Prod, absent ids 0 (1 for Prod), output rows = last id + 1", () => {
    const d = tf.constant(data);
    const s = tf.constant(ids, { dtype: "int32" });
    const sum = tf.segmentSum(d, s);
    expect(sum.shape.toString()).toBe("(?, 2)");
    expect(run(sum).toArray()).toEqual([
      [4, 6],
      [0, 0],
      [12, -2],
    ]);
    expect(nums(tf.segmentMean(d, s))).toEqual([2, 3, 0, 0, 6, -1]);
    expect(nums(tf.segmentMax(d, s))).toEqual([3, 4, 0, 0, 7, 6]);
    expect(nums(tf.segmentMin(d, s))).toEqual([1, 2, 0, 0, 5, -8]);
    expect(nums(tf.segmentProd(d, s))).toEqual([3, 8, 1, 1, 35, -48]);
    const ints = tf.segmentMean(tf.constant([1, 2, 7], { dtype: "int32" }), [0, 0, 1]);
    expect(nums(ints)).toEqual([1, 7]);
    expect(sum.op.name).toBe("SegmentSum");
  });

  it("sorted ids are checked at run time", () => {
    const d = tf.constant([1, 2, 3]);
    expect(() => run(tf.segmentSum(d, tf.constant([0, 2, 1], { dtype: "int32" })))).toThrow(
      "segment ids are not increasing: 2 > 1",
    );
    expect(() => run(tf.segmentSum(d, tf.constant([-1, 0, 0], { dtype: "int32" })))).toThrow(
      "segment ids must be >= 0",
    );
    const m = tf.constant([[1]]);
    expectThrowsAndUnchanged(
      () => tf.segmentSum(m, m),
      TypeError,
      "Value passed to parameter 'segment_ids' has DataType float32 not in list of allowed values: int32, int64",
    );
  });

  it("unsorted: Sum/Max/Min/Prod, negative ids dropped, empty segments the identity", () => {
    const d = tf.constant(data);
    const s = tf.constant([2, -1, 0, 2], { dtype: "int32" });
    const sum = tf.unsortedSegmentSum(d, s, 3);
    expect(sum.shape.toString()).toBe("(3, 2)");
    expect(nums(sum)).toEqual([5, 6, 0, 0, 8, -6]);
    const f = 3.4028234663852886e38;
    expect(nums(tf.unsortedSegmentMax(d, s, 3))).toEqual([5, 6, -f, -f, 7, 2]);
    expect(nums(tf.unsortedSegmentMin(d, s, 3))).toEqual([5, 6, f, f, 1, -8]);
    expect(nums(tf.unsortedSegmentProd(d, s, 3))).toEqual([5, 6, 1, 1, 7, -16]);
    expect(() => run(tf.unsortedSegmentMax(d, s, 2))).toThrow(
      "segment_ids[0] = 2 is out of range [0, 2)",
    );
  });

  it("UnsortedSegmentProd's gradient with zeros in a segment (one zero, two zeros)", async () => {
    const data = tf.placeholder(tf.float32, [5]);
    const prod = tf.unsortedSegmentProd(data, [0, 0, 1, 1, 1], 2);
    const [g] = tf.gradients(prod, [data]);
    expect(nums2(g as tf.Tensor, data, [2, 0, 0, 0, 3])).toEqual([0, 2, 0, 0, 0]);
    expect(nums2(g as tf.Tensor, data, [2, 3, 4, 0, 5])).toEqual([3, 2, 0, 20, 0]);
  });

  it("gradients of the segment reductions", async () => {
    const ints = (values: number[]) => ({
      shape: [values.length],
      values,
      dtype: "int32" as const,
      constant: true,
    });
    const input = { shape: [5, 2], values: uniform(10, -2, 2) };
    const sorted = [0, 0, 1, 3, 3];
    for (const f of [tf.segmentSum, tf.segmentMean, tf.segmentMax, tf.segmentMin]) {
      await checkGradients({ inputs: [input, ints(sorted)], graph: (d, s) => f(d, s), step: 1e-3 });
    }
    // No empty segment: its ±FLT_MAX would swamp the finite differences.
    const unsorted = [2, -1, 0, 2, 1];
    for (const f of [
      tf.unsortedSegmentSum,
      tf.unsortedSegmentMax,
      tf.unsortedSegmentMin,
      tf.unsortedSegmentProd,
    ]) {
      await checkGradients({
        inputs: [input, ints(unsorted)],
        graph: (d, s) => f(d, s, 3),
        step: 1e-3,
      });
    }
  });
});

describe("bincount and clipByAverageNorm", () => {
  it("bincount: sizes from max(arr)+1, minlength, maxlength; weights via UnsortedSegmentSum", () => {
    const arr = tf.constant([1, 1, 3], { dtype: "int32" });
    expect(nums(tf.bincount(arr))).toEqual([0, 2, 0, 1]);
    expect(nums(tf.bincount(arr, null, 6))).toEqual([0, 2, 0, 1, 0, 0]);
    expect(nums(tf.bincount(arr, null, null, 2))).toEqual([0, 2]);
    expect(nums(tf.bincount(arr, tf.constant([0.5, 1, 2])))).toEqual([0, 1.5, 0, 2]);
    expect(nums(tf.bincount(tf.constant([], { dtype: "int32" })))).toEqual([]);
    const f = tf.bincount(arr, { dtype: tf.float32 });
    expect(f.dtype).toBe("float32");
    expect(opList().filter((o) => o.startsWith("bincount/"))).toEqual([
      "bincount/Shape:Const",
      "bincount/Const:Const",
      "bincount/Prod:Prod",
      "bincount/Greater/y:Const",
      "bincount/Greater:Greater",
      "bincount/Cast:Cast",
      "bincount/Const_1:Const",
      "bincount/Max:Max",
      "bincount/add/y:Const",
      "bincount/add:AddV2",
      "bincount/mul:Mul",
      "bincount/Const_2:Const",
      "bincount/Bincount:Bincount",
    ]);
    expect(() => run(tf.bincount(tf.constant([-1, 2], { dtype: "int32" }), null, 3))).toThrow(
      "Input arr must be non-negative!",
    );
    const floats = tf.constant([1.5]);
    expectThrowsAndUnchanged(
      () => tf.bincount(floats),
      tf.errors.ValueError,
      /Tensor conversion requested dtype int32 for Tensor with dtype float32/,
    );
  });

  it("clipByAverageNorm scales down only above the average norm, as TF builds it", () => {
    expectUlps(nums(tf.clipByAverageNorm(tf.constant([3, 4]), 1)), [1.2, 1.6]);
    expectUlps(nums(tf.clipByAverageNorm(tf.constant([0.3, 0.4]), 1)), [0.3, 0.4]);
    expect(opList()).toContain("clip_by_average_norm:Identity");
    expect(opList()).toContain("clip_by_average_norm/Minimum:Minimum");
  });
});

describe("polygamma and zeta", () => {
  it("match scipy; NaN for a non-integer order, +inf at the poles", () => {
    const n = tf.constant([1, 1, 2, 3, 1, 1]);
    const x = tf.constant([0.5, 3, 1.5, -0.5, 100, 1e-3]);
    expectUlps(
      nums(tf.polygamma(n, x)),
      [
        4.93480220054468, 0.39493406684822646, -0.8287966442343201, 193.40909103400242,
        0.010050166663333573, 1000001.6425331959,
      ],
      8,
    );
    expectUlps(
      nums(tf.zeta(tf.constant([2, 3, 1.5, 4]), tf.constant([1, 0.5, 2, -0.5]))),
      [1.6449340668482266, 8.414398322117158, 1.6123753486854886, 32.23484850566707],
      8,
    );
    expect(nums(tf.polygamma(tf.constant([0.5]), tf.constant([1]))).every(Number.isNaN)).toBe(true);
    expect(nums(tf.zeta(tf.constant([2, 1]), tf.constant([0, 3])))).toEqual([Infinity, Infinity]);
    // Order 0 is digamma.
    expectUlps(nums(tf.polygamma(tf.constant([0]), tf.constant([1]))), [-0.5772156649015329]);
  });

  it("digamma's gradient is polygamma(1, x); polygamma's and zeta's only for x and q", async () => {
    const pos = { shape: [5], values: uniform(5, 0.5, 3) };
    await checkGradients({ inputs: [pos], graph: (v) => tf.digamma(v), step: 1e-3 });
    await checkGradients({ inputs: [pos], graph: (v) => tf.lgamma(v), step: 1e-3 });
    const n = tf.placeholder(tf.float32, [3]);
    const x = tf.placeholder(tf.float32, [3]);
    const [dn, dx] = tf.gradients(tf.polygamma(n, x), [n, x]);
    expect(dn).toBeNull();
    expect(dx).toBeInstanceOf(tf.Tensor);
    await checkGradients({
      inputs: [pos],
      graph: (q) => tf.zeta(tf.constant([2, 3, 2.5, 4, 2]), q),
      step: 1e-3,
    });
    await checkGradients({
      inputs: [pos],
      graph: (v) => tf.polygamma(tf.constant([1, 2, 1, 3, 0]), v),
      step: 1e-3,
    });
  });

  it("LeakyReluGrad is differentiable (second order)", async () => {
    const input = { shape: [6], values: Float32Array.from([-2, -1, -0.5, 0.5, 1, 2]) };
    await checkGradients({
      inputs: [input],
      graph: (x) => {
        const [g] = tf.gradients(tf.reduceSum(tf.square(tf.nn.leakyRelu(x, 0.2))), [x]);
        return g as tf.Tensor;
      },
      step: 1e-3,
    });
  });
});

describe("accumulateN", () => {
  it("one AccumulateNV2 op with the merged shape; one input passes through", async () => {
    const a = tf.placeholder(tf.float32, [null, 2]);
    const b = tf.constant([[1, 2]]);
    const s = tf.accumulateN([a, b, b]);
    expect(s.op.type).toBe("AccumulateNV2");
    expect(s.op.name).toBe("AccumulateNV2");
    expect(s.op.attrs.N).toBe(3);
    expect(s.shape.toString()).toBe("(1, 2)");
    expect(Array.from(run(s, new Map([[a, [[10, 20]]]])).data as Float32Array)).toEqual([12, 24]);
    expect(tf.accumulateN([b])).toBe(b);
    expect(tf.accumulateN([b], null, null, "one").op.type).toBe("Identity");
    const c = tf.constant([1, 2, 3]);
    expectThrowsAndUnchanged(() => tf.accumulateN([b, c]), tf.errors.ValueError, /not compatible/);
    expectThrowsAndUnchanged(
      () => tf.accumulateN([]),
      tf.errors.ValueError,
      "inputs must be a list of at least one Tensor with the same dtype and shape",
    );
    expectThrowsAndUnchanged(
      () => tf.accumulateN([b, b], null, tf.int32),
      TypeError,
      "tensor_dtype is <dtype: 'int32'>, but input is of type <dtype: 'float32'>",
    );
    await checkGradients({
      inputs: [{ shape: [3] }, { shape: [3] }],
      graph: (x, y) => tf.accumulateN([x, y, x]),
    });
  });

  it("runs from an imported GraphDef", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [2], "x");
      tf.accumulateN([x, x], null, null, "acc");
      tf.segmentSum(x, [0, 0], "seg");
      tf.unsortedSegmentMax(x, [1, 0], 2, "umax");
      tf.polygamma(tf.constant([1, 1]), x, "pg");
      tf.cumprod(x, 0, true, false, "cp");
      tf.nn.softsign(x, "ss");
      tf.bincount(tf.constant([0, 2], { dtype: "int32" }));
    });
    const names = ["acc", "seg", "umax", "pg", "cp", "ss", "bincount/Bincount"].map(
      (n) => `${n}:0`,
    );
    const [x, ...outs] = tf.importGraphDef(g.asGraphDef(), {
      name: "",
      returnElements: ["x:0", ...names],
    }) as tf.Tensor[];
    expect(outs.map((t) => t.shape.toString())).toEqual([
      "(2,)",
      "(?,)",
      "(2,)",
      "(2,)",
      "(2,)",
      "(2,)",
      "(?,)",
    ]);
    using sess = new tf.Session();
    const got = (sess.run(outs, new Map([[x as tf.Tensor, [1, 3]]])) as tf.NDArray[]).map((v) =>
      Array.from(v.data as ArrayLike<number>),
    );
    expect(got.slice(0, 3)).toEqual([[2, 6], [4], [3, 1]]);
    expectUlps(got[3] as number[], [Math.PI ** 2 / 6, Math.PI ** 2 / 6 - 1 - 1 / 4]);
    expect(got.slice(4)).toEqual([
      [1, 1],
      [0.5, 0.75],
      [1, 0, 1],
    ]);
  });
});

describe("unsortedSegmentMean / unsortedSegmentSqrtN", () => {
  it("divide each segment's sum by its count (or its root), empty segments 0", async () => {
    const ids = tf.constant([1, 0, 1, -1], { dtype: "int32" });
    const data = tf.constant([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
    expect(nums(tf.unsortedSegmentMean(data, ids, 3))).toEqual([3, 4, 3, 4, 0, 0]);
    expectUlps(nums(tf.unsortedSegmentSqrtN(data, ids, 3)), [
      3,
      4,
      6 / Math.SQRT2,
      8 / Math.SQRT2,
      0,
      0,
    ]);
    expect(opList()).toContain("UnsortedSegmentMean/truediv:RealDiv");
    expect(opList()).toContain("UnsortedSegmentSqrtN/Sqrt:Sqrt");
    const n = tf.placeholder(tf.int32, []);
    const m = tf.unsortedSegmentMean(data, ids, n);
    expect(m.shape.toString()).toBe("(?, 2)");
    expect(Array.from(run(m, new Map([[n, 2]])).data as Float32Array)).toEqual([3, 4, 3, 4]);
    await checkGradients({
      inputs: [
        { shape: [4, 2] },
        { shape: [4], values: [1, 0, 1, -1], dtype: "int32", constant: true },
      ],
      graph: (d, s) => tf.unsortedSegmentMean(d, s, 3),
    });
  });
});
