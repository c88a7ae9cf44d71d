import { describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { gradientEntry, registeredOpTypes, registerOp } from "../../src/ops/registry.js";

/*
 * Every op type the library registers says how it is differentiated: a gradient function,
 * TensorFlow's `ops.NotDifferentiable`, or an explicit "no gradient". The op types declared
 * not differentiable are exactly those TensorFlow 1.15 declares so.
 */

/** `ops.NotDifferentiable(...)` in TF 1.15, for the op types scopeflow has. */
const TF_NOT_DIFFERENTIABLE = [
  // array_grad.py
  "BroadcastGradientArgs",
  "ConcatOffset",
  "Const",
  "InvertPermutation",
  "OneHot",
  "OnesLike",
  "Rank",
  "Shape",
  "ShapeN",
  "Size",
  "StopGradient",
  "ZerosLike",
  // math_grad.py
  "Equal",
  "Greater",
  "GreaterEqual",
  "Less",
  "LessEqual",
  "LogicalAnd",
  "LogicalNot",
  "LogicalOr",
  "NotEqual",
  "Range",
  // random_ops.py
  "RandomStandardNormal",
  "RandomUniform",
  "TruncatedNormal",
  "Multinomial",
  // stateless_random_ops.py
  "StatelessRandomNormal",
  "StatelessRandomUniform",
  "StatelessRandomUniformInt",
  "StatelessTruncatedNormal",
  // data_flow_grad.py
  "StackV2",
  "StackPushV2",
  "StackPopV2",
  // sparse_grad.py
  "SparseConcat",
  "SparseToDense",
  // image_ops_impl.py
  "HSVToRGB",
  // string_ops.py
  "StringJoin",
  "StringSplit",
  "AsString",
  "ReduceJoin",
  "RegexReplace",
  "EncodeBase64",
  "DecodeBase64",
  "StringToHashBucket",
  "StringToHashBucketFast",
  "StringToHashBucketStrong",
  // parsing_ops.py
  "DecodeRaw",
  // logging_ops.py
  "AudioSummaryV2",
  "HistogramSummary",
  "ImageSummary",
  "MergeSummary",
  "ScalarSummary",
  "TensorSummaryV2",
  // resource_variable_ops.py
  "VarIsInitializedOp",
  "VariableShape",
  // sets_impl.py
  "DenseToDenseSetOperation",
  "DenseToSparseSetOperation",
  "SparseToSparseSetOperation",
  "SetSize",
  // state_grad.py
  "Assign",
  "AssignAdd",
  "AssignSub",
  // tensor_array_grad.py
  "TensorArrayCloseV3",
  "TensorArrayGradV3",
  "TensorArraySizeV3",
  "TensorArrayV3",
  "ScatterAdd",
  "ScatterSub",
];

describe("gradient declarations", () => {
  it("every registered op type has a gradient or an explicit no-gradient", () => {
    const undeclared = registeredOpTypes().filter((t) => gradientEntry(t) === undefined);
    expect(undeclared).toEqual([]);
  });

  it("declares not differentiable exactly what TensorFlow does", () => {
    const declared = registeredOpTypes()
      .filter((t) => gradientEntry(t)?.kind === "notDifferentiable")
      .sort();
    expect(declared).toEqual([...TF_NOT_DIFFERENTIABLE].sort());
  });

  it("names an op type TensorFlow differentiates but scopeflow does not", () => {
    const x = tf.placeholder(tf.float32, [2, 2]);
    const p = tf.cumprod(x);
    expect(() => tf.gradients(p, [x])).toThrow(
      "No gradient defined for operation 'Cumprod' (op type: Cumprod) (TensorFlow 1.15 defines this gradient; scopeflow does not implement it)",
    );
  });

  it("a second registration of an op type is an error", () => {
    expect(() => registerOp({ type: "MatMul", kernel: () => [] })).toThrow(
      "Op type MatMul is already registered.",
    );
  });
});
