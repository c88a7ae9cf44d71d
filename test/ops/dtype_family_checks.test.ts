/**
 * Wrong dtypes in the array, math, nn, linalg, summary and state families: refused by the
 * OpDef check as TF 1.15's op_def_library refuses them (its messages, its order: inputs in
 * OpDef order, after the Python wrapper's own checks and before the shape function), or by
 * the wrapper where TF's wrapper checks first. Each refusal leaves the graph as it was.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { AssertionError, ValueError } from "../../src/errors.js";
import { parallelDynamicStitch } from "../../src/ops/array/dynamic_partition.js";
import { sparseToDense } from "../../src/ops/array/sparse_to_dense.js";
import { IndexedSlices, indexedSlicesToTensor } from "../../src/ops/indexed_slices.js";
import { buildOp } from "../../src/ops/op_scope.js";
import { TensorShape } from "../../src/graph/tensor_shape.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const f32 = (): tf.Tensor => tf.constant([1, 2]);
const i32 = (): tf.Tensor => tf.constant([1, 2], tf.int32);
const i64 = (): tf.Tensor => tf.constant([1, 2], tf.int64);
const bools = (): tf.Tensor => tf.constant([true, false]);
const matrix = (): tf.Tensor =>
  tf.constant([
    [1, 2],
    [3, 4],
  ]);

/** TF 1.15's allowed lists, as `dtypes.as_dtype(t).name` prints them. */
const INDEX = "int32, int64";
const REAL =
  "float32, float64, int32, uint8, int16, int8, int64, bfloat16, uint16, float16, uint32, uint64";
const NUMBER =
  "float32, float64, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, float16, uint32, uint64";
const XENT = "float16, bfloat16, float32, float64";
const HALF_BF16_FLOAT = "float16, bfloat16, float32";
const DIAG = "bfloat16, float16, float32, float64, int32, int64, complex64, complex128";

const notAllowed = (param: string, dtype: string, list: string): string =>
  `Value passed to parameter '${param}' has DataType ${dtype} not in list of allowed values: ${list}`;
const mismatch = (input: string, op: string, dtype: string, bound: string, from: string): string =>
  `Input '${input}' of '${op}' Op has type ${dtype} that does not match type ${bound} of argument '${from}'.`;
const notFixed = (input: string, op: string, dtype: string, fixed: string): string =>
  `Input '${input}' of '${op}' Op has type ${dtype} that does not match expected type of ${fixed}.`;

// [what, inputs built before the call, the refused call, error class, TF's message]
type Case = [
  string,
  () => tf.Tensor[],
  (xs: tf.Tensor[]) => unknown,
  new (...a: never[]) => Error,
  string | RegExp,
];

function table(cases: Case[]): void {
  for (const [what, inputs, call, errorClass, message] of cases) {
    it(`refuses ${what}, leaving the graph unchanged`, () => {
      const xs = inputs();
      expectThrowsAndUnchanged(() => call(xs), errorClass, message);
    });
  }
}

describe("array ops", () => {
  table([
    [
      "gather with float indices",
      () => [matrix(), f32()],
      ([p, i]) => tf.gather(p!, i!),
      TypeError,
      notAllowed("indices", "float32", INDEX),
    ],
    [
      "gather with a float axis",
      () => [matrix(), i32(), tf.constant(0)],
      ([p, i, a]) => tf.gather(p!, i!, { axis: a! }),
      TypeError,
      notAllowed("axis", "float32", INDEX),
    ],
    [
      "gather from a scalar with float indices (dtypes before the shape function)",
      () => [tf.constant(1), f32()],
      ([p, i]) => tf.gather(p!, i!),
      TypeError,
      notAllowed("indices", "float32", INDEX),
    ],
    [
      "stridedSlice with a float begin",
      () => [f32(), tf.constant([0]), tf.constant([1], tf.int32), tf.constant([1], tf.int32)],
      ([x, b, e, s]) => tf.stridedSlice(x!, b!, e!, s!),
      TypeError,
      notAllowed("begin", "float32", INDEX),
    ],
    [
      "stridedSlice with int32 begin and int64 end",
      () => [
        f32(),
        tf.constant([0], tf.int32),
        tf.constant([1], tf.int64),
        tf.constant([1], tf.int32),
      ],
      ([x, b, e, s]) => tf.stridedSlice(x!, b!, e!, s!),
      TypeError,
      mismatch("end", "StridedSlice", "int64", "int32", "begin"),
    ],
    [
      "slice with int64 begin and int32 size",
      () => [f32(), tf.constant([0], tf.int64), tf.constant([1], tf.int32)],
      ([x, b, s]) => tf.slice(x!, b!, s!),
      TypeError,
      mismatch("size", "Slice", "int32", "int64", "begin"),
    ],
    [
      "reshape to a float shape",
      () => [f32(), tf.constant([2])],
      ([x, s]) => tf.reshape(x!, s!),
      TypeError,
      notAllowed("shape", "float32", INDEX),
    ],
    [
      "pad with float paddings",
      () => [f32(), tf.constant([[1, 1]])],
      ([x, p]) => tf.pad(x!, p!),
      TypeError,
      notAllowed("paddings", "float32", INDEX),
    ],
    [
      "pad (reflect) with float paddings",
      () => [f32(), tf.constant([[1, 1]])],
      ([x, p]) => tf.pad(x!, p!, { mode: "REFLECT" }),
      TypeError,
      notAllowed("paddings", "float32", INDEX),
    ],
    [
      "pad with int32 constant values for a float tensor",
      () => [f32(), tf.constant(7, tf.int32)],
      ([x, c]) => tf.pad(x!, [[1, 1]], { constantValues: c! }),
      TypeError,
      mismatch("constant_values", "PadV2", "int32", "float32", "input"),
    ],
    [
      "split by float size_splits",
      () => [tf.constant([1, 2, 3]), tf.constant([1, 2])],
      ([x, s]) => tf.split(x!, s!),
      TypeError,
      notAllowed("size_splits", "float32", INDEX),
    ],
    [
      "split by float size_splits of unknown length (num is inferred first)",
      () => [tf.constant([1, 2, 3]), tf.placeholder(tf.float32, [null])],
      ([x, s]) => tf.split(x!, s!),
      ValueError,
      /^Cannot infer num from shape/,
    ],
    [
      "split along a float axis (split_dim is a fixed int32)",
      () => [tf.constant([1, 2]), tf.constant(0)],
      ([x, a]) => tf.split(x!, 2, { axis: a! }),
      TypeError,
      notFixed("split_dim", "Split", "float32", "int32"),
    ],
    [
      "split into 0 pieces",
      () => [f32()],
      ([x]) => tf.split(x!, 0),
      ValueError,
      "Attr 'num_split' of 'Split' Op passed 0 less than minimum 1.",
    ],
    [
      "split into 0 pieces along a float axis (the inputs before the attr)",
      () => [f32(), tf.constant(0)],
      ([x, a]) => tf.split(x!, 0, { axis: a! }),
      TypeError,
      notFixed("split_dim", "Split", "float32", "int32"),
    ],
    [
      "transpose by a float perm",
      () => [matrix(), tf.constant([1, 0])],
      ([x, p]) => tf.transpose(x!, p!),
      TypeError,
      notAllowed("perm", "float32", INDEX),
    ],
    [
      "reverse along a float axis",
      () => [f32(), tf.constant([0])],
      ([x, a]) => tf.reverse(x!, a!),
      TypeError,
      notAllowed("axis", "float32", INDEX),
    ],
    [
      "reverseSequence with float lengths",
      () => [matrix(), tf.constant([1, 2])],
      ([x, l]) => tf.reverseSequence(x!, l!, { seqAxis: 1 }),
      TypeError,
      notAllowed("seq_lengths", "float32", INDEX),
    ],
    [
      "fill to float dims",
      () => [tf.constant([2])],
      ([d]) => tf.fill(d!, 1),
      TypeError,
      notAllowed("dims", "float32", INDEX),
    ],
    [
      "expandDims at a float axis",
      () => [f32(), tf.constant(0)],
      ([x, a]) => tf.expandDims(x!, a!),
      TypeError,
      notAllowed("dim", "float32", INDEX),
    ],
    [
      "topK of bools",
      () => [bools()],
      ([x]) => tf.nn.topK(x!, 1),
      TypeError,
      notAllowed("input", "bool", REAL),
    ],
    [
      "topK with an int64 k (k is a fixed int32)",
      () => [f32(), tf.constant(1, tf.int64)],
      ([x, k]) => tf.nn.topK(x!, k!),
      TypeError,
      notFixed("k", "TopKV2", "int64", "int32"),
    ],
    [
      "spaceToBatchNd with a float block shape",
      () => [
        tf.zeros([1, 2, 2, 1]),
        tf.constant([2, 2]),
        tf.constant(
          [
            [0, 0],
            [0, 0],
          ],
          tf.int32,
        ),
      ],
      ([x, b, p]) => tf.spaceToBatchNd(x!, b!, p!),
      TypeError,
      notAllowed("block_shape", "float32", INDEX),
    ],
    [
      "spaceToBatchNd with float paddings",
      () => [
        tf.zeros([1, 2, 2, 1]),
        tf.constant([2, 2], tf.int32),
        tf.constant([
          [0, 0],
          [0, 0],
        ]),
      ],
      ([x, b, p]) => tf.spaceToBatchNd(x!, b!, p!),
      TypeError,
      notAllowed("paddings", "float32", INDEX),
    ],
    [
      "batchToSpaceNd with float crops",
      () => [
        tf.zeros([4, 1, 1, 1]),
        tf.constant([2, 2], tf.int32),
        tf.constant([
          [0, 0],
          [0, 0],
        ]),
      ],
      ([x, b, c]) => tf.batchToSpaceNd(x!, b!, c!),
      TypeError,
      notAllowed("crops", "float32", INDEX),
    ],
    [
      "broadcastTo a float shape",
      () => [f32(), tf.constant([2, 2])],
      ([x, s]) => tf.broadcastTo(x!, s!),
      TypeError,
      notAllowed("shape", "float32", INDEX),
    ],
    [
      "roll by a float shift",
      () => [f32(), tf.constant(1)],
      ([x, s]) => tf.roll(x!, s!, 0),
      TypeError,
      notAllowed("shift", "float32", INDEX),
    ],
    [
      "roll along a float axis",
      () => [f32(), tf.constant(0)],
      ([x, a]) => tf.roll(x!, 1, a!),
      TypeError,
      notAllowed("axis", "float32", INDEX),
    ],
    [
      "linspace from an int32 start",
      () => [tf.constant(0, tf.int32), tf.constant(1, tf.int32)],
      ([a, b]) => tf.linspace(a!, b!, 3),
      TypeError,
      notAllowed("start", "int32", "bfloat16, float32, float64"),
    ],
    [
      "linspace with a float num",
      () => [tf.constant(0), tf.constant(1), tf.constant(3)],
      ([a, b, n]) => tf.linspace(a!, b!, n!),
      TypeError,
      notAllowed("num", "float32", INDEX),
    ],
    [
      "linspace from float32 to int32",
      () => [tf.constant(0), tf.constant(1, tf.int32)],
      ([a, b]) => tf.linspace(a!, b!, 3),
      TypeError,
      mismatch("stop", "LinSpace", "int32", "float32", "start"),
    ],
    [
      "setdiff1d of float32 and int32",
      () => [f32(), i32()],
      ([x, y]) => tf.setdiff1d(x!, y!),
      TypeError,
      mismatch("y", "ListDiff", "int32", "float32", "x"),
    ],
    [
      "setdiff1d with float32 indices (an attr, checked after the inputs and before shapes)",
      () => [matrix(), matrix()],
      ([x, y]) => tf.setdiff1d(x!, y!, tf.float32),
      TypeError,
      notAllowed("out_idx", "float32", INDEX),
    ],
    [
      "unique to float32 indices (the attr before the rank check)",
      () => [matrix()],
      ([x]) => tf.unique(x!, tf.float32),
      TypeError,
      notAllowed("out_idx", "float32", INDEX),
    ],
    [
      "oneHot of float indices",
      () => [f32()],
      ([i]) => tf.oneHot(i!, 3),
      TypeError,
      notAllowed("indices", "float32", "uint8, int32, int64"),
    ],
    [
      "where with an int32 condition",
      () => [i32(), f32(), f32()],
      ([c, x, y]) => tf.where(c!, x!, y!),
      TypeError,
      notFixed("condition", "Select", "int32", "bool"),
    ],
    [
      "where choosing between float32 and int32",
      () => [bools(), f32(), i32()],
      ([c, x, y]) => tf.where(c!, x!, y!),
      TypeError,
      mismatch("e", "Select", "int32", "float32", "t"),
    ],
    [
      "dynamicPartition by int64 partitions (partitions: int32)",
      () => [f32(), tf.constant([0, 1], tf.int64)],
      ([d, p]) => tf.dynamicPartition(d!, p!, 2),
      TypeError,
      notFixed("partitions", "DynamicPartition", "int64", "int32"),
    ],
    [
      "parallel_dynamic_stitch with int64 indices (indices: N * int32)",
      () => [i64(), f32()],
      ([i, d]) => parallelDynamicStitch([i!], [d!]),
      TypeError,
      "Tensors in list passed to 'indices' of 'ParallelDynamicStitch' Op have types [int64] that do not match expected type int32.",
    ],
    [
      "sparse_to_dense with float indices",
      () => [tf.constant([0]), tf.constant([2], tf.int32), tf.constant([1])],
      ([i, s, v]) => sparseToDense(i!, s!, v!, 0, true),
      TypeError,
      notAllowed("sparse_indices", "float32", INDEX),
    ],
    [
      "sparse_to_dense with int64 indices and an int32 shape",
      () => [tf.constant([0], tf.int64), tf.constant([2], tf.int32), tf.constant([1])],
      ([i, s, v]) => sparseToDense(i!, s!, v!, 0, true),
      TypeError,
      mismatch("output_shape", "SparseToDense", "int32", "int64", "sparse_indices"),
    ],
  ]);
});

describe("math ops", () => {
  table([
    [
      "argmax of bools",
      () => [bools()],
      ([x]) => tf.argmax(x!, 0),
      TypeError,
      notAllowed("input", "bool", NUMBER),
    ],
    [
      "argmin along a float axis",
      () => [f32(), tf.constant(0)],
      ([x, a]) => tf.argmin(x!, a!),
      TypeError,
      notAllowed("dimension", "float32", INDEX),
    ],
    [
      "cumsum of bools along a float axis (x first)",
      () => [bools(), tf.constant(0)],
      ([x, a]) => tf.cumsum(x!, a!),
      TypeError,
      notAllowed("x", "bool", NUMBER),
    ],
    [
      "cumprod along a float axis",
      () => [f32(), tf.constant(0)],
      ([x, a]) => tf.cumprod(x!, a!),
      TypeError,
      notAllowed("axis", "float32", INDEX),
    ],
    [
      "range of a bool limit (TF's bare `assert` on the dtype hierarchy)",
      () => [tf.constant(true)],
      ([l]) => tf.range(l!),
      AssertionError,
      "",
    ],
    ["range of strings", () => [tf.constant("a")], ([l]) => tf.range(0, l!), AssertionError, ""],
  ]);
});

describe("nn ops", () => {
  table([
    [
      "softmax cross-entropy of int32 logits",
      () => [tf.constant([[0, 1]], tf.int32), tf.constant([[1, 2]], tf.int32)],
      ([labels, logits]) => tf.nn.softmaxCrossEntropyWithLogitsV2({ labels, logits }),
      TypeError,
      notAllowed("features", "int32", XENT),
    ],
    [
      "softmax cross-entropy of rank-3 int32 logits",
      () => [tf.zeros([1, 2, 2], tf.int32), tf.zeros([1, 2, 2], tf.int32)],
      ([labels, logits]) => tf.nn.softmaxCrossEntropyWithLogitsV2({ labels, logits }),
      TypeError,
      notAllowed("features", "int32", XENT),
    ],
    [
      "sparse softmax cross-entropy of int32 logits and float labels (features first)",
      () => [
        tf.constant([0, 1]),
        tf.constant(
          [
            [1, 2],
            [3, 4],
          ],
          tf.int32,
        ),
      ],
      ([labels, logits]) => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits }),
      TypeError,
      notAllowed("features", "int32", XENT),
    ],
    [
      "sparse softmax cross-entropy with float labels",
      () => [tf.constant([0, 1]), matrix()],
      ([labels, logits]) => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits }),
      TypeError,
      notAllowed("labels", "float32", INDEX),
    ],
    [
      "sparse softmax cross-entropy with float labels of the wrong rank (rank first)",
      () => [tf.constant([[0, 1]]), matrix()],
      ([labels, logits]) => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits }),
      ValueError,
      "Rank mismatch: Rank of labels (received 2) should equal rank of logits minus 1 (received 2).",
    ],
    [
      "inTopK of int32 predictions (predictions is a fixed float)",
      () => [tf.constant([[1, 2]], tf.int32), tf.constant([0], tf.int32)],
      ([p, t]) => tf.nn.inTopK(p!, t!, 1),
      TypeError,
      notFixed("predictions", "InTopKV2", "int32", "float32"),
    ],
    [
      "inTopK with float targets",
      () => [tf.constant([[1, 2]]), tf.constant([0])],
      ([p, t]) => tf.nn.inTopK(p!, t!, 1),
      TypeError,
      notAllowed("targets", "float32", INDEX),
    ],
    [
      "inTopK with int32 targets and an int64 k",
      () => [tf.constant([[1, 2]]), tf.constant([0], tf.int32), tf.constant(1, tf.int64)],
      ([p, t, k]) => tf.nn.inTopK(p!, t!, k!),
      TypeError,
      mismatch("k", "InTopKV2", "int64", "int32", "targets"),
    ],
    [
      "lrn of int32",
      () => [tf.zeros([1, 1, 1, 2], tf.int32)],
      ([x]) => tf.nn.lrn(x!),
      TypeError,
      notAllowed("input", "int32", HALF_BF16_FLOAT),
    ],
    [
      "fusedBatchNorm of int32",
      () => [tf.zeros([1, 1, 1, 2], tf.int32), tf.ones([2]), tf.zeros([2])],
      ([x, scale, offset]) => tf.nn.fusedBatchNorm(x!, scale!, offset!),
      TypeError,
      notAllowed("x", "int32", HALF_BF16_FLOAT),
    ],
    [
      "fusedBatchNorm with an int32 scale",
      () => [tf.zeros([1, 1, 1, 2]), tf.ones([2], tf.int32), tf.zeros([2])],
      ([x, scale, offset]) => tf.nn.fusedBatchNorm(x!, scale!, offset!),
      TypeError,
      notAllowed("scale", "int32", "float32"),
    ],
    [
      "fusedBatchNorm with an int32 offset (U is bound by scale)",
      () => [tf.zeros([1, 1, 1, 2]), tf.ones([2]), tf.zeros([2], tf.int32)],
      ([x, scale, offset]) => tf.nn.fusedBatchNorm(x!, scale!, offset!),
      TypeError,
      mismatch("offset", "FusedBatchNormV3", "int32", "float32", "scale"),
    ],
  ]);
});

describe("linalg ops", () => {
  table([
    [
      "diagPart of bools",
      () => [
        tf.constant([
          [true, false],
          [false, true],
        ]),
      ],
      ([x]) => tf.diagPart(x!),
      TypeError,
      notAllowed("input", "bool", DIAG),
    ],
    [
      "diag of bools",
      () => [bools()],
      ([x]) => tf.diag(x!),
      TypeError,
      notAllowed("diagonal", "bool", DIAG),
    ],
    [
      "matrixInverse of int32",
      () => [
        tf.constant(
          [
            [1, 0],
            [0, 1],
          ],
          tf.int32,
        ),
      ],
      ([x]) => tf.matrixInverse(x!),
      TypeError,
      notAllowed("input", "int32", "float64, float32, complex64, complex128"),
    ],
    [
      "matrixDeterminant of int32",
      () => [
        tf.constant(
          [
            [1, 0],
            [0, 1],
          ],
          tf.int32,
        ),
      ],
      ([x]) => tf.matrixDeterminant(x!),
      TypeError,
      notAllowed("input", "int32", "float32, float64, complex64, complex128"),
    ],
    [
      "matrixSolve with an int32 rhs",
      () => [matrix(), tf.constant([[1], [2]], tf.int32)],
      ([m, r]) => tf.matrixSolve(m!, r!),
      TypeError,
      mismatch("rhs", "MatrixSolve", "int32", "float32", "matrix"),
    ],
    [
      "matrixSetDiag with an int32 diagonal",
      () => [matrix(), tf.constant([1, 2], tf.int32)],
      ([m, d]) => tf.matrixSetDiag(m!, d!),
      TypeError,
      mismatch("diagonal", "MatrixSetDiag", "int32", "float32", "input"),
    ],
    [
      "matrixBandPart with a float num_lower",
      () => [matrix(), tf.constant(0)],
      ([x, lo]) => tf.matrixBandPart(x!, lo!, -1),
      TypeError,
      notAllowed("num_lower", "float32", INDEX),
    ],
    [
      "matrixBandPart with int64 num_lower and int32 num_upper",
      () => [matrix(), tf.constant(0, tf.int64), tf.constant(-1, tf.int32)],
      ([x, lo, hi]) => tf.matrixBandPart(x!, lo!, hi!),
      TypeError,
      mismatch("num_upper", "MatrixBandPart", "int32", "int64", "num_lower"),
    ],
  ]);
});

describe("summary ops", () => {
  table([
    [
      "a scalar summary of a bool",
      () => [tf.constant(true)],
      ([x]) => tf.summary.scalar("b", x!),
      TypeError,
      notAllowed("values", "bool", REAL),
    ],
    [
      "an image summary of int32 with max_images 0 (the input before the attr)",
      () => [tf.zeros([1, 2, 2, 1], tf.int32)],
      ([x]) => tf.summary.image("i", x!, 0),
      TypeError,
      notAllowed("tensor", "int32", "uint8, float32, float16, float64"),
    ],
    [
      "an image summary with max_images 0",
      () => [tf.zeros([1, 2, 2, 1])],
      ([x]) => tf.summary.image("i", x!, 0),
      ValueError,
      "Attr 'max_images' of 'ImageSummary' Op passed 0 less than minimum 1.",
    ],
    [
      "a histogram of strings",
      () => [tf.constant(["a"])],
      ([x]) => tf.summary.histogram("s", x!),
      TypeError,
      notAllowed("values", "string", REAL),
    ],
  ]);
});

describe("state ops and IndexedSlices", () => {
  it("refuses scatterUpdate with float indices, leaving the graph unchanged", () => {
    const v = tf.getVariable("v", [2], { initializer: tf.zerosInitializer() });
    const indices = tf.constant([0]);
    const updates = tf.constant([1]);
    expectThrowsAndUnchanged(
      () => tf.scatterUpdate(v, indices, updates),
      TypeError,
      notAllowed("indices", "float32", INDEX),
    );
  });

  it("refuses scatterUpdate with int32 updates for a float variable, in op_def_library's words", () => {
    const v = tf.getVariable("v", [2], { initializer: tf.zerosInitializer() });
    const [indices, updates] = [tf.constant([0], tf.int32), tf.constant([1], tf.int32)];
    expectThrowsAndUnchanged(
      () => tf.scatterUpdate(v, indices, updates),
      TypeError,
      mismatch("updates", "ScatterUpdate", "int32", "float32", "ref"),
    );
    // The indices are checked before the updates are converted.
    const floatIndices = tf.constant([0]);
    expectThrowsAndUnchanged(
      () => tf.scatterUpdate(v, floatIndices, updates),
      TypeError,
      notAllowed("indices", "float32", INDEX),
    );
    const vi = tf.getVariable("vi", [2], { initializer: tf.zerosInitializer(), dtype: tf.int32 });
    expectThrowsAndUnchanged(
      () => tf.scatterUpdate(vi, [0], [1.5]),
      TypeError,
      "Expected int32 passed to parameter 'updates' of op 'ScatterUpdate', got [1.5] of type 'list' instead. Error: Expected int32, got 1.5 of type 'float' instead.",
    );
  });

  it("refuses a resource variable's gather with float indices", () => {
    const v = tf.getVariable("r", [2, 2], {
      initializer: tf.zerosInitializer(),
      useResource: true,
    });
    const indices = tf.constant([0]);
    expectThrowsAndUnchanged(
      () => tf.gather(v, indices),
      TypeError,
      notAllowed("indices", "float32", INDEX),
    );
  });

  it("refuses to densify IndexedSlices with float indices (UnsortedSegmentSum's segment_ids)", () => {
    const slices = new IndexedSlices(
      tf.constant([[1, 2]]),
      tf.constant([0]),
      tf.constant([2, 2], tf.int32),
    );
    expectThrowsAndUnchanged(
      () => indexedSlicesToTensor(slices),
      TypeError,
      notAllowed("segment_ids", "float32", INDEX),
    );
  });

  it("still builds what TF builds: int64 indices, int64 shapes, float32 summaries", () => {
    const x = matrix();
    expect(tf.gather(x, tf.constant([1, 0], tf.int64)).shape.toString()).toBe("(2, 2)");
    expect(tf.reshape(x, tf.constant([4], tf.int64)).shape.toString()).toBe("(4,)");
    expect(tf.nn.topK(f32(), 1)[1].dtype).toBe("int32");
    expect(tf.nn.inTopK(tf.constant([[1, 2]]), tf.constant([0], tf.int64), 1).dtype).toBe("bool");
    expect(tf.split(tf.constant([1, 2, 3]), tf.constant([1, 2], tf.int64)).length).toBe(2);
    expect(tf.range(tf.constant(3, tf.int64)).dtype).toBe("int64");
    expect(tf.summary.scalar("s", tf.constant(1, tf.int32)).op.type).toBe("ScalarSummary");
  });
});

describe("op_def_library's checks of the attrs a builder gives", () => {
  const out = (shape: number[]) => [{ dtype: "float32" as const, shape: new TensorShape(shape) }];

  it("checks an attr after every input: argmax of bools to float32 names the input", () => {
    const x = bools();
    expectThrowsAndUnchanged(
      () => tf.argmax(x, 0, { outputType: tf.float32 }),
      TypeError,
      notAllowed("input", "bool", NUMBER),
    );
  });

  it("refuses a dtype attr outside its allowed values: argmax to float32", () => {
    const x = f32();
    expectThrowsAndUnchanged(
      () => tf.argmax(x, 0, { outputType: tf.float32 }),
      TypeError,
      notAllowed("output_type", "float32", INDEX),
    );
  });

  it("refuses a string attr outside its allowed values", () => {
    const [x, b] = [matrix(), f32()];
    expectThrowsAndUnchanged(
      () => buildOp("BiasAdd", [x, b], out([2, 2]), { T: "float32", data_format: "NCW" }),
      ValueError,
      `Attr 'data_format' of 'BiasAdd' Op passed string 'NCW' not in: "NHWC", "NCHW".`,
    );
  });

  it("refuses an int attr under its minimum", () => {
    const [axis, x] = [tf.constant(0, tf.int32), f32()];
    expectThrowsAndUnchanged(
      () => buildOp("Split", [axis, x], [], { T: "float32", num_split: 0 }),
      ValueError,
      "Attr 'num_split' of 'Split' Op passed 0 less than minimum 1.",
    );
  });

  it("refuses a list attr shorter than its minimum, and checks attrs in OpDef order", () => {
    const x = tf.zeros([1, 2, 2, 1]);
    const attrs = { T: "float32", ksize: [1, 2, 2], strides: [1, 1, 1, 1], padding: "SAME" };
    expectThrowsAndUnchanged(
      () => buildOp("MaxPool", [x], out([1, 1, 1, 1]), attrs),
      ValueError,
      "Attr 'ksize' of 'MaxPool' Op passed list of length 3 less than minimum 4.",
    );
    expectThrowsAndUnchanged(
      () =>
        buildOp("MaxPool", [x], out([1, 1, 1, 1]), {
          ...attrs,
          ksize: [1, 2, 2, 1],
          padding: "same",
        }),
      ValueError,
      `Attr 'padding' of 'MaxPool' Op passed string 'same' not in: "SAME", "VALID".`,
    );
  });
});

describe("conv, pooling, gather_nd, random and debug ops", () => {
  const FLOATS = "float16, bfloat16, float32, float64";
  const MAX_POOL =
    "float16, bfloat16, float32, float64, int32, int64, uint8, int16, int8, uint16, qint8";
  const CHECK_NUMERICS = "bfloat16, float16, float32, float64";
  const image = (dtype: tf.DType = tf.float32): tf.Tensor => tf.zeros([1, 4, 4, 1], dtype);
  const kernel = (dtype: tf.DType = tf.float32): tf.Tensor => tf.zeros([2, 2, 1, 1], dtype);
  const same = { strides: 1, padding: "SAME" } as const;
  table([
    [
      "conv2d of int32",
      () => [image(tf.int32), kernel(tf.int32)],
      ([x, f]) => tf.nn.conv2d(x!, f!, same),
      TypeError,
      notAllowed("input", "int32", FLOATS),
    ],
    [
      "conv2d of a rank-3 int32 input (dtype before shape)",
      () => [tf.zeros([4, 4, 1], tf.int32), kernel(tf.int32)],
      ([x, f]) => tf.nn.conv2d(x!, f!, same),
      TypeError,
      notAllowed("input", "int32", FLOATS),
    ],
    [
      "conv2d with an int32 filter",
      () => [image(), kernel(tf.int32)],
      ([x, f]) => tf.nn.conv2d(x!, f!, same),
      TypeError,
      mismatch("filter", "Conv2D", "int32", "float32", "input"),
    ],
    [
      "conv2dTranspose of int32 (filter comes before out_backprop in the OpDef)",
      () => [image(tf.int32), kernel(tf.int32)],
      ([x, f]) => tf.nn.conv2dTranspose(x!, f!, [1, 4, 4, 1], same),
      TypeError,
      notAllowed("filter", "int32", FLOATS),
    ],
    [
      "conv2dTranspose of an int32 value with a float filter",
      () => [image(tf.int32), kernel()],
      ([x, f]) => tf.nn.conv2dTranspose(x!, f!, [1, 4, 4, 1], same),
      TypeError,
      mismatch("out_backprop", "Conv2DBackpropInput", "int32", "float32", "filter"),
    ],
    [
      "conv2dTranspose with an int64 output shape and an int32 filter (input_sizes first)",
      () => [image(), kernel(tf.int32), tf.constant([1, 4, 4, 1], tf.int64)],
      ([x, f, s]) => tf.nn.conv2dTranspose(x!, f!, s!, same),
      TypeError,
      notFixed("input_sizes", "Conv2DBackpropInput", "int64", "int32"),
    ],
    [
      "maxPool of bools",
      () => [image(tf.bool)],
      ([x]) => tf.nn.maxPool(x!, { ksize: 2, strides: 2, padding: "SAME" }),
      TypeError,
      notAllowed("input", "bool", MAX_POOL),
    ],
    [
      "avgPool of int32",
      () => [image(tf.int32)],
      ([x]) => tf.nn.avgPool(x!, { ksize: 2, strides: 2, padding: "SAME" }),
      TypeError,
      notAllowed("value", "int32", FLOATS),
    ],
    [
      "depthwiseConv2d of int32",
      () => [image(tf.int32), kernel(tf.int32)],
      ([x, f]) => tf.nn.depthwiseConv2d(x!, f!, [1, 1, 1, 1], "SAME"),
      TypeError,
      notAllowed("input", "int32", FLOATS),
    ],
    [
      "depthwiseConv2dNative with an int32 filter",
      () => [image(), kernel(tf.int32)],
      ([x, f]) => tf.nn.depthwiseConv2dNative(x!, f!, [1, 1, 1, 1], "SAME"),
      TypeError,
      mismatch("filter", "DepthwiseConv2dNative", "int32", "float32", "input"),
    ],
    [
      "depthwiseConv2dNativeBackpropInput with float input sizes",
      () => [tf.constant([1, 4, 4, 1]), kernel(tf.int32), image(tf.int32)],
      ([s, f, dy]) => tf.nn.depthwiseConv2dNativeBackpropInput(s!, f!, dy!, [1, 1, 1, 1], "SAME"),
      TypeError,
      notFixed("input_sizes", "DepthwiseConv2dNativeBackpropInput", "float32", "int32"),
    ],
    [
      "depthwiseConv2dNativeBackpropFilter of int32 (input comes before filter_sizes)",
      () => [image(tf.int32), tf.constant([2, 2, 1, 1]), image(tf.int32)],
      ([x, s, dy]) => tf.nn.depthwiseConv2dNativeBackpropFilter(x!, s!, dy!, [1, 1, 1, 1], "SAME"),
      TypeError,
      notAllowed("input", "int32", FLOATS),
    ],
    [
      "depthwiseConv2dNativeBackpropFilter with float filter sizes",
      () => [image(), tf.constant([2, 2, 1, 1]), image()],
      ([x, s, dy]) => tf.nn.depthwiseConv2dNativeBackpropFilter(x!, s!, dy!, [1, 1, 1, 1], "SAME"),
      TypeError,
      notFixed("filter_sizes", "DepthwiseConv2dNativeBackpropFilter", "float32", "int32"),
    ],
    [
      "gatherNd with float indices",
      () => [matrix(), tf.constant([[0, 1]])],
      ([p, i]) => tf.gatherNd(p!, i!),
      TypeError,
      notAllowed("indices", "float32", INDEX),
    ],
    [
      "scatterNd with float indices",
      () => [tf.constant([[1]]), tf.constant([1])],
      ([i, u]) => tf.scatterNd(i!, u!, [3]),
      TypeError,
      notAllowed("indices", "float32", INDEX),
    ],
    [
      "scatterNd with an int64 shape for int32 indices",
      () => [tf.constant([[1]], tf.int32), tf.constant([1]), tf.constant([3], tf.int64)],
      ([i, u, s]) => tf.scatterNd(i!, u!, s!),
      TypeError,
      mismatch("shape", "ScatterNd", "int64", "int32", "indices"),
    ],
    [
      "scatterNd with a shape of 1.5 for int32 indices",
      () => [tf.constant([[1]], tf.int32), tf.constant([1])],
      ([i, u]) => tf.scatterNd(i!, u!, [1.5]),
      TypeError,
      "Expected int32 passed to parameter 'shape' of op 'ScatterNd', got [1.5] of type 'list' instead. Error: Expected int32, got 1.5 of type 'float' instead.",
    ],
    [
      "randomUniform of a float shape tensor",
      () => [tf.constant([2, 2])],
      ([s]) => tf.randomUniform(s!),
      TypeError,
      notAllowed("shape", "float32", INDEX),
    ],
    [
      "randomNormal of a float shape tensor",
      () => [tf.constant([2, 2])],
      ([s]) => tf.randomNormal(s!),
      TypeError,
      notAllowed("shape", "float32", INDEX),
    ],
    [
      "integer randomUniform of a float shape tensor",
      () => [tf.constant([2, 2])],
      ([s]) => tf.randomUniform(s!, { maxval: 3, dtype: tf.int32 }),
      TypeError,
      notAllowed("shape", "float32", INDEX),
    ],
    [
      "multinomial of bool logits",
      () => [tf.constant([[true, false]])],
      ([l]) => tf.multinomial(l!, 2),
      TypeError,
      notAllowed("logits", "bool", REAL),
    ],
    [
      "multinomial with int64 num_samples (a fixed int32)",
      () => [tf.constant([[1, 2]]), tf.constant(2, tf.int64)],
      ([l, n]) => tf.multinomial(l!, n!),
      TypeError,
      notFixed("num_samples", "Multinomial", "int64", "int32"),
    ],
    [
      "multinomial to float32 (the attr after the inputs)",
      () => [tf.constant([[1, 2]])],
      ([l]) => tf.multinomial(l!, 2, { outputDtype: tf.float32 }),
      TypeError,
      notAllowed("output_dtype", "float32", INDEX),
    ],
    [
      "multinomial of bool logits to float32 (logits first)",
      () => [tf.constant([[true, false]])],
      ([l]) => tf.multinomial(l!, 2, { outputDtype: tf.float32 }),
      TypeError,
      notAllowed("logits", "bool", REAL),
    ],
    [
      "checkNumerics of int32",
      () => [i32()],
      ([x]) => tf.checkNumerics(x!, "m"),
      TypeError,
      notAllowed("tensor", "int32", CHECK_NUMERICS),
    ],
  ]);

  it("builds what TF 1.15 builds: int32 maxPool, int64 gatherNd indices and random shapes", () => {
    const x = tf.constant(
      [
        [
          [[1], [5]],
          [[4], [0]],
        ],
      ],
      tf.int32,
    );
    const p = tf.nn.maxPool(x, { ksize: 2, strides: 2, padding: "VALID" });
    expect(p.dtype).toBe("int32");
    const idx = tf.constant([[1, 0]], tf.int64);
    const g = tf.gatherNd(matrix(), idx);
    const r = tf.randomUniform(tf.constant([2, 3], tf.int64));
    expect(r.shape.toString()).toBe("(2, 3)");
    using sess = new tf.Session();
    expect(Array.from(sess.run(p).data as Int32Array)).toEqual([5]);
    expect(Array.from(sess.run(g).data as Float32Array)).toEqual([3]);
  });

  it("runs int32 maxPool exactly, past float32's integers, with SAME windows and NCHW", () => {
    const big = 16777217; // 2^24 + 1: float32 would round it to 2^24.
    const rows = [
      [1, -7, 3],
      [big, 0, -2],
      [-5, 6, big - 1],
    ];
    const same = tf.nn.maxPool(tf.constant([rows.map((r) => r.map((v) => [v]))], tf.int32), {
      ksize: 2,
      strides: 2,
      padding: "SAME",
    });
    const nchw = tf.nn.maxPool(tf.constant([[rows]], tf.int32), {
      ksize: [1, 1, 2, 2],
      strides: [1, 1, 1, 1],
      padding: "VALID",
      dataFormat: "NCHW",
    });
    using sess = new tf.Session();
    expect(Array.from(sess.run(same).data as Int32Array)).toEqual([big, 3, 6, big - 1]);
    expect(Array.from(sess.run(nchw).data as Int32Array)).toEqual([big, 3, big, big - 1]);
  });
});
