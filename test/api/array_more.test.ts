/**
 * The calling convention (API.md's argument rule) on the array, linalg, random and
 * debugging functions of the ops-array set: TF 1.15's positional form, the options form
 * and the keywords-only form build the same graph.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectSameGraphs } from "./helpers.js";

const X23 = [
  [1, 2, 3],
  [4, 5, 6],
];

beforeEach(() => {
  tf.resetDefaultGraph();
});

/** Builds every form with `expectSameGraphs` and returns the first form's result. */
function same<T>(...forms: (() => T)[]): T {
  expectSameGraphs(...forms);
  return (forms[0] as () => T)();
}

describe("positional, options and keywords-only forms build the same graph", () => {
  it("gatherNd(params, indices, name, batch_dims)", () => {
    const t = same(
      () => tf.gatherNd(tf.constant(X23), [[1, 2]], "g", 0),
      () => tf.gatherNd(tf.constant(X23), [[1, 2]], { name: "g", batchDims: 0 }),
      () => tf.gatherNd({ params: tf.constant(X23), indices: [[1, 2]], name: "g" }),
    );
    expect(t.name).toBe("g:0");
  });

  it("scatterNd(indices, updates, shape, name)", () => {
    const t = same(
      () => tf.scatterNd([[1]], [5], [3], "s"),
      () => tf.scatterNd([[1]], [5], [3], { name: "s" }),
      () => tf.scatterNd({ indices: [[1]], updates: [5], shape: [3], name: "s" }),
    );
    expect(t.name).toBe("s:0");
  });

  it("nn.topK(input, k, sorted, name)", () => {
    const [v] = same(
      () => tf.nn.topK(tf.constant(X23), 2, false, "t"),
      () => tf.nn.topK(tf.constant(X23), { k: 2, sorted: false, name: "t" }),
      () => tf.nn.topK({ input: tf.constant(X23), k: 2, sorted: false, name: "t" }),
    );
    expect(v.op.attrs.sorted).toBe(false);
  });

  it("sort(values, axis, direction, name), argsort(values, axis, direction, stable, name)", () => {
    same(
      () => tf.sort(tf.constant(X23), 0, "DESCENDING", "s"),
      () => tf.sort(tf.constant(X23), { axis: 0, direction: "DESCENDING", name: "s" }),
      () => tf.sort({ values: tf.constant(X23), axis: 0, direction: "DESCENDING", name: "s" }),
    );
    const a = same(
      () => tf.argsort(tf.constant(X23), 1, "ASCENDING", true, "a"),
      () => tf.argsort(tf.constant(X23), { axis: 1, stable: true, name: "a" }),
      () => tf.argsort({ values: tf.constant(X23), axis: 1, name: "a" }),
    );
    expect(a.name).toBe("a/TopKV2:1");
  });
});

describe("the matrix diagonal family and its composites", () => {
  it("matrixDiag(diagonal, name, k, num_rows, num_cols, padding_value)", () => {
    const t = same(
      () => tf.matrixDiag(tf.constant([1, 2]), "d", 0),
      () => tf.matrixDiag(tf.constant([1, 2]), { name: "d", k: 0 }),
      () => tf.matrixDiag({ diagonal: tf.constant([1, 2]), name: "d" }),
    );
    expect(t.name).toBe("d:0");
  });

  it("matrixDiagPart(input, name, k, padding_value), matrixSetDiag(input, diagonal, name, k)", () => {
    same(
      () => tf.matrixDiagPart(tf.constant(X23), "p"),
      () => tf.matrixDiagPart(tf.constant(X23), { name: "p" }),
      () => tf.matrixDiagPart({ input: tf.constant(X23), name: "p" }),
    );
    same(
      () => tf.matrixSetDiag(tf.constant(X23), [0, 0], "s"),
      () => tf.matrixSetDiag(tf.constant(X23), [0, 0], { name: "s" }),
      () => tf.matrixSetDiag({ input: tf.constant(X23), diagonal: [0, 0], name: "s" }),
    );
  });

  it("matrixBandPart(input, num_lower, num_upper, name)", () => {
    same(
      () => tf.matrixBandPart(tf.constant(X23), 1, 0, "b"),
      () => tf.matrixBandPart(tf.constant(X23), 1, 0, { name: "b" }),
      () => tf.matrixBandPart({ input: tf.constant(X23), numLower: 1, numUpper: 0, name: "b" }),
    );
  });

  it("diag(diagonal, name), diagPart(input, name), trace(x, name)", () => {
    same(
      () => tf.diag([1, 2], "d"),
      () => tf.diag([1, 2], { name: "d" }),
      () => tf.diag({ diagonal: [1, 2], name: "d" }),
    );
    same(
      () =>
        tf.diagPart(
          tf.constant([
            [1, 2],
            [3, 4],
          ]),
          "p",
        ),
      () =>
        tf.diagPart(
          tf.constant([
            [1, 2],
            [3, 4],
          ]),
          { name: "p" },
        ),
      () =>
        tf.diagPart({
          input: tf.constant([
            [1, 2],
            [3, 4],
          ]),
          name: "p",
        }),
    );
    const t = same(
      () => tf.trace(tf.constant(X23), "tr"),
      () => tf.trace(tf.constant(X23), { name: "tr" }),
      () => tf.trace({ x: tf.constant(X23), name: "tr" }),
    );
    expect(t.name).toBe("tr:0");
  });

  it("eye(num_rows, num_columns, batch_shape, dtype, name)", () => {
    const t = same(
      () => tf.eye(2, 3, [4], tf.int32, "e"),
      () => tf.eye(2, { numColumns: 3, batchShape: [4], dtype: tf.int32, name: "e" }),
      () => tf.eye({ numRows: 2, numColumns: 3, batchShape: [4], dtype: tf.int32, name: "e" }),
    );
    expect(t.shape.toString()).toBe("(4, 2, 3)");
  });

  it("matrixTranspose(a, name, conjugate)", () => {
    const t = same(
      () => tf.matrixTranspose(tf.constant(X23), "mt", false),
      () => tf.matrixTranspose(tf.constant(X23), { name: "mt", conjugate: false }),
      () => tf.matrixTranspose({ a: tf.constant(X23), name: "mt" }),
    );
    expect(t.name).toBe("mt/transpose:0");
  });
});

describe("array composites", () => {
  it("broadcastTo(input, shape, name), linspace(start, stop, num, name)", () => {
    same(
      () => tf.broadcastTo(tf.constant([1, 2]), [3, 2], "b"),
      () => tf.broadcastTo(tf.constant([1, 2]), [3, 2], { name: "b" }),
      () => tf.broadcastTo({ input: tf.constant([1, 2]), shape: [3, 2], name: "b" }),
    );
    same(
      () => tf.linspace(0, 1, 5, "l"),
      () => tf.linspace(0, 1, 5, { name: "l" }),
      () => tf.linspace({ start: 0, stop: 1, num: 5, name: "l" }),
    );
  });

  it("sequenceMask(lengths, maxlen, dtype, name)", () => {
    same(
      () => tf.sequenceMask([1, 2], 3, tf.float32, "m"),
      () => tf.sequenceMask([1, 2], { maxlen: 3, dtype: tf.float32, name: "m" }),
      () => tf.sequenceMask({ lengths: [1, 2], maxlen: 3, dtype: tf.float32, name: "m" }),
    );
  });

  it("booleanMask(tensor, mask, name, axis)", () => {
    same(
      () => tf.booleanMask(tf.constant(X23), [true, false], "bm", 0),
      () => tf.booleanMask(tf.constant(X23), [true, false], { name: "bm", axis: 0 }),
      () => tf.booleanMask({ tensor: tf.constant(X23), mask: [true, false], name: "bm" }),
    );
  });

  it("meshgrid(*args, indexing, name)", () => {
    same(
      () => tf.meshgrid([1, 2], [3, 4, 5], { indexing: "ij", name: "g" }),
      () => tf.meshgrid([1, 2], [3, 4, 5], { name: "g", indexing: "ij" }),
    );
    expect(() => tf.meshgrid([1], { index: "ij" } as never)).toThrow(
      "meshgrid() got an unexpected keyword argument 'index'",
    );
  });

  it("tensordot(a, b, axes, name)", () => {
    same(
      () => tf.tensordot(tf.constant(X23), tf.constant(X23), [[1], [1]], "td"),
      () => tf.tensordot(tf.constant(X23), tf.constant(X23), [[1], [1]], { name: "td" }),
      () =>
        tf.tensordot({ a: tf.constant(X23), b: tf.constant(X23), axes: [[1], [1]], name: "td" }),
    );
  });
});

describe("debugging", () => {
  it("Assert(condition, data, summarize, name)", () => {
    const c = () => tf.constant(true);
    same(
      () => tf.Assert(c(), ["m"], 4, "a"),
      () => tf.Assert(c(), ["m"], { summarize: 4, name: "a" }),
      () => tf.Assert({ condition: c(), data: ["m"], summarize: 4, name: "a" }),
    );
  });

  it("assert_*(x, y, data, summarize, message, name)", () => {
    const x = () => tf.constant([1, 2], tf.int32);
    for (const f of [
      tf.assertEqual,
      tf.assertNoneEqual,
      tf.assertLess,
      tf.assertLessEqual,
      tf.assertGreater,
      tf.assertGreaterEqual,
    ]) {
      same(
        () => f(x(), x(), null as never, 2, "msg", "chk"),
        () => f(x(), x(), { summarize: 2, message: "msg", name: "chk" }),
        () => f({ x: x(), y: x(), summarize: 2, message: "msg", name: "chk" }),
      );
    }
    same(
      () => tf.assertNear(tf.constant(1), tf.constant(1), 0.1, 0.1, null as never, 2, "m", "n"),
      () =>
        tf.assertNear(tf.constant(1), tf.constant(1), {
          rtol: 0.1,
          atol: 0.1,
          summarize: 2,
          message: "m",
          name: "n",
        }),
    );
  });

  it("assert_positive etc.(x, data, summarize, message, name)", () => {
    const x = () => tf.constant([1, 2], tf.int32);
    for (const f of [
      tf.assertPositive,
      tf.assertNegative,
      tf.assertNonNegative,
      tf.assertNonPositive,
    ]) {
      same(
        () => f(x(), null as never, 2, "msg", "chk"),
        () => f(x(), { summarize: 2, message: "msg", name: "chk" }),
        () => f({ x: x(), summarize: 2, message: "msg", name: "chk" }),
      );
    }
  });
});

describe("namespaces hold TF 1.15's v1 names", () => {
  it("tf.linalg, tf.random, tf.debugging", () => {
    expect(tf.linalg.bandPart).toBe(tf.matrixBandPart);
    expect(tf.linalg.transpose).toBe(tf.matrixTranspose);
    expect(tf.linalg.diag).toBe(tf.matrixDiag);
    expect(tf.linalg.diagPart).toBe(tf.matrixDiagPart);
    expect(tf.linalg.setDiag).toBe(tf.matrixSetDiag);
    expect(tf.linalg.eye).toBe(tf.eye);
    expect(tf.linalg.matmul).toBe(tf.matmul);
    expect(tf.random.normal).toBe(tf.randomNormal);
    expect(tf.random.uniform).toBe(tf.randomUniform);
    expect(tf.random.truncatedNormal).toBe(tf.truncatedNormal);
    expect(tf.random.setRandomSeed).toBe(tf.setRandomSeed);
    expect(tf.debugging.assertEqual).toBe(tf.assertEqual);
  });
});

describe("logging ops", () => {
  it("checkNumerics(tensor, message, name), verifyTensorAllFinite(t, msg, name, x, message)", () => {
    same(
      () => tf.checkNumerics(tf.constant([1]), "m", "c"),
      () => tf.checkNumerics(tf.constant([1]), "m", { name: "c" }),
      () => tf.checkNumerics({ tensor: tf.constant([1]), message: "m", name: "c" }),
    );
    same(
      () => tf.verifyTensorAllFinite(tf.constant([1]), "m", "v"),
      () => tf.verifyTensorAllFinite(tf.constant([1]), { msg: "m", name: "v" }),
      () => tf.verifyTensorAllFinite({ x: tf.constant([1]), message: "m", name: "v" }),
    );
  });

  it("print(*inputs, output_stream, summarize, sep, end, name), strings.format(template, inputs, placeholder, summarize, name)", () => {
    same(
      () => tf.print("x", tf.constant([1]), { summarize: 2, sep: ",", end: "", name: "p" }),
      () =>
        tf.print("x", tf.constant([1]), {
          outputStream: "stderr",
          summarize: 2,
          sep: ",",
          end: "",
          name: "p",
        }),
    );
    same(
      () => tf.strings.format("<%s>", [tf.constant([1])], "%s", 2, "f"),
      () =>
        tf.strings.format("<%s>", [tf.constant([1])], {
          placeholder: "%s",
          summarize: 2,
          name: "f",
        }),
      () =>
        tf.strings.format({
          template: "<%s>",
          inputs: [tf.constant([1])],
          placeholder: "%s",
          summarize: 2,
          name: "f",
        }),
    );
  });

  it("Print(input_, data, message, first_n, summarize, name)", () => {
    same(
      () => tf.Print(tf.constant([1]), [], "m", 2, 4, "p"),
      () => tf.Print(tf.constant([1]), [], { message: "m", firstN: 2, summarize: 4, name: "p" }),
      () =>
        tf.Print({
          input_: tf.constant([1]),
          data: [],
          message: "m",
          firstN: 2,
          summarize: 4,
          name: "p",
        }),
    );
  });
});

describe("random", () => {
  it("randomShuffle(value, seed, name)", () => {
    same(
      () => tf.randomShuffle(tf.constant([1, 2]), 3, "s"),
      () => tf.randomShuffle(tf.constant([1, 2]), { seed: 3, name: "s" }),
      () => tf.randomShuffle({ value: tf.constant([1, 2]), seed: 3, name: "s" }),
    );
  });

  it("multinomial(logits, num_samples, seed, name, output_dtype), random.categorical(logits, num_samples, dtype, seed, name)", () => {
    same(
      () => tf.multinomial([[1, 2]], 3, 4, "m", tf.int32),
      () => tf.multinomial([[1, 2]], 3, { seed: 4, name: "m", outputDtype: tf.int32 }),
      () =>
        tf.multinomial({
          logits: [[1, 2]],
          numSamples: 3,
          seed: 4,
          name: "m",
          outputDtype: tf.int32,
        }),
    );
    same(
      () => tf.random.categorical([[1, 2]], 3, tf.int32, 4, "c"),
      () => tf.random.categorical([[1, 2]], 3, { dtype: tf.int32, seed: 4, name: "c" }),
      () =>
        tf.random.categorical({
          logits: [[1, 2]],
          numSamples: 3,
          dtype: tf.int32,
          seed: 4,
          name: "c",
        }),
    );
  });
});

describe("data flow and set functions", () => {
  it("dynamicPartition(data, partitions, num_partitions, name), dynamicStitch(indices, data, name)", () => {
    const p = () => tf.constant([0, 1], tf.int32);
    same(
      () => tf.dynamicPartition([1, 2], p(), 2, "dp"),
      () => tf.dynamicPartition([1, 2], p(), 2, { name: "dp" }),
      () => tf.dynamicPartition({ data: [1, 2], partitions: p(), numPartitions: 2, name: "dp" }),
    );
    same(
      () => tf.dynamicStitch([p()], [tf.constant([1, 2])], "ds"),
      () => tf.dynamicStitch([p()], [tf.constant([1, 2])], { name: "ds" }),
      () => tf.dynamicStitch({ indices: [p()], data: [tf.constant([1, 2])], name: "ds" }),
    );
  });

  it("shapeN(input, out_type, name), unique(x, out_idx, name), setdiff1d(x, y, index_dtype, name)", () => {
    same(
      () => tf.shapeN([tf.constant([1])], tf.int32, "s"),
      () => tf.shapeN([tf.constant([1])], { outType: tf.int32, name: "s" }),
      () => tf.shapeN({ input: [tf.constant([1])], outType: tf.int32, name: "s" }),
    );
    same(
      () => tf.unique(tf.constant([1, 1]), tf.int64, "u"),
      () => tf.unique(tf.constant([1, 1]), { outIdx: tf.int64, name: "u" }),
      () => tf.unique({ x: tf.constant([1, 1]), outIdx: tf.int64, name: "u" }),
    );
    same(
      () => tf.setdiff1d(tf.constant([1, 2]), tf.constant([1]), tf.int64, "d"),
      () =>
        tf.setdiff1d(tf.constant([1, 2]), tf.constant([1]), { indexDtype: tf.int64, name: "d" }),
      () =>
        tf.setdiff1d({
          x: tf.constant([1, 2]),
          y: tf.constant([1]),
          indexDtype: tf.int64,
          name: "d",
        }),
    );
  });

  it("roll(input, shift, axis, name)", () => {
    same(
      () => tf.roll(tf.constant([1, 2]), 1, 0, "r"),
      () => tf.roll(tf.constant([1, 2]), 1, 0, { name: "r" }),
      () => tf.roll({ input: tf.constant([1, 2]), shift: 1, axis: 0, name: "r" }),
    );
  });
});

describe("static asserts", () => {
  it("assertType(tensor, tf_type, message, name), assertInteger(x, message, name), assertScalar(tensor, name, message)", () => {
    const i = () => tf.constant([1], tf.int32);
    same(
      () => tf.assertType(i(), tf.int32, "m", "t"),
      () => tf.assertType(i(), tf.int32, { message: "m", name: "t" }),
      () => tf.assertType({ tensor: i(), tfType: tf.int32, message: "m", name: "t" }),
    );
    same(
      () => tf.assertInteger(i(), "m", "t"),
      () => tf.assertInteger(i(), { message: "m", name: "t" }),
      () => tf.assertInteger({ x: i(), message: "m", name: "t" }),
    );
    same(
      () => tf.assertScalar(tf.constant(1), "s", "m"),
      () => tf.assertScalar(tf.constant(1), { name: "s", message: "m" }),
      () => tf.assertScalar({ tensor: tf.constant(1), name: "s", message: "m" }),
    );
  });

  it("assertRank / assertRankAtLeast(x, rank, data, summarize, message, name)", () => {
    for (const f of [tf.assertRank, tf.assertRankAtLeast]) {
      same(
        () => f(tf.placeholder(tf.float32), 2, null as never, 2, "m", "r"),
        () => f(tf.placeholder(tf.float32), 2, { summarize: 2, message: "m", name: "r" }),
        () => f({ x: tf.placeholder(tf.float32), rank: 2, summarize: 2, message: "m", name: "r" }),
      );
    }
  });
});

describe("depth and space", () => {
  it("depthToSpace / spaceToDepth(input, block_size, name, data_format)", () => {
    same(
      () => tf.depthToSpace(tf.zeros([1, 1, 1, 4]), 2, "d", "NHWC"),
      () => tf.depthToSpace(tf.zeros([1, 1, 1, 4]), 2, { name: "d", dataFormat: "NHWC" }),
      () => tf.depthToSpace({ input: tf.zeros([1, 1, 1, 4]), blockSize: 2, name: "d" }),
    );
    same(
      () => tf.spaceToDepth(tf.zeros([1, 2, 2, 1]), 2, "s", "NHWC"),
      () => tf.spaceToDepth(tf.zeros([1, 2, 2, 1]), 2, { name: "s", dataFormat: "NHWC" }),
      () => tf.spaceToDepth({ input: tf.zeros([1, 2, 2, 1]), blockSize: 2, name: "s" }),
    );
  });
});

describe("space and batch", () => {
  it("spaceToBatchNd(input, block_shape, paddings, name), batchToSpaceNd(input, block_shape, crops, name)", () => {
    same(
      () =>
        tf.spaceToBatchNd(
          tf.zeros([1, 2, 2, 1]),
          [2, 2],
          [
            [0, 0],
            [0, 0],
          ],
          "s",
        ),
      () =>
        tf.spaceToBatchNd(
          tf.zeros([1, 2, 2, 1]),
          [2, 2],
          [
            [0, 0],
            [0, 0],
          ],
          { name: "s" },
        ),
      () =>
        tf.spaceToBatchNd({
          input: tf.zeros([1, 2, 2, 1]),
          blockShape: [2, 2],
          paddings: [
            [0, 0],
            [0, 0],
          ],
          name: "s",
        }),
    );
    same(
      () =>
        tf.batchToSpaceNd(
          tf.zeros([4, 1, 1, 1]),
          [2, 2],
          [
            [0, 0],
            [0, 0],
          ],
          "b",
        ),
      () =>
        tf.batchToSpaceNd(
          tf.zeros([4, 1, 1, 1]),
          [2, 2],
          [
            [0, 0],
            [0, 0],
          ],
          { name: "b" },
        ),
      () =>
        tf.batchToSpaceNd({
          input: tf.zeros([4, 1, 1, 1]),
          blockShape: [2, 2],
          crops: [
            [0, 0],
            [0, 0],
          ],
          name: "b",
        }),
    );
  });
});

describe("inverse and determinant", () => {
  it("matrixInverse(input, adjoint, name), matrixDeterminant(input, name)", () => {
    const m = () =>
      tf.constant([
        [1, 2],
        [3, 4],
      ]);
    same(
      () => tf.matrixInverse(m(), true, "i"),
      () => tf.matrixInverse(m(), { adjoint: true, name: "i" }),
      () => tf.matrixInverse({ input: m(), adjoint: true, name: "i" }),
    );
    same(
      () => tf.matrixDeterminant(m(), "d"),
      () => tf.matrixDeterminant(m(), { name: "d" }),
      () => tf.matrixDeterminant({ input: m(), name: "d" }),
    );
  });
});

describe("linalg.qr", () => {
  it("linalg.qr(input, full_matrices, name)", () => {
    const m = () =>
      tf.constant([
        [1, 2],
        [3, 4],
        [5, 6],
      ]);
    const [q] = same(
      () => tf.linalg.qr(m(), true, "q"),
      () => tf.linalg.qr(m(), { fullMatrices: true, name: "q" }),
      () => tf.linalg.qr({ input: m(), fullMatrices: true, name: "q" }),
    );
    expect(q.shape.toString()).toBe("(3, 3)");
  });
});

describe("isNumericTensor(tensor)", () => {
  it("takes the tensor positionally or by name", () => {
    expect(tf.isNumericTensor(tf.constant(1))).toBe(true);
    expect(tf.isNumericTensor({ tensor: tf.constant(true) })).toBe(false);
    expect(tf.debugging.isNumericTensor).toBe(tf.isNumericTensor);
  });
});

describe("TF 1.15's other spellings", () => {
  it("reverseV2, linSpace, manip.roll are the same functions", () => {
    expect(tf.reverseV2).toBe(tf.reverse);
    expect(tf.linSpace).toBe(tf.linspace);
    expect(tf.manip.roll).toBe(tf.roll);
  });
});
