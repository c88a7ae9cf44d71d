/**
 * TF 1.15's `tf.saved_model.utils.build_tensor_info` and `signature_def_utils`: the
 * `TensorInfo` and `SignatureDef` messages that name a SavedModel's inputs and outputs.
 */
import { ValueError } from "../errors.js";
import { kind, opt, optNullable, req, stringKind, tfFunction } from "../graph/call_args.js";
import { Tensor } from "../graph/tensor.js";
import type { TensorShape } from "../graph/tensor_shape.js";
import { toDataType } from "../ops/op_def.js";
import { SparseTensor } from "../ops/sparse_tensor.js";
import { tensorflow } from "../proto/index.js";
import { signatureConstants as C } from "./constants.js";

/** A `TensorInfo` message as a plain object (`{ name, dtype, tensorShape }`). */
export type TensorInfoMessage = tensorflow.TensorInfo.$Properties;
/** A `SignatureDef` message as a plain object (`{ inputs, outputs, methodName }`). */
export type SignatureDefMessage = tensorflow.SignatureDef.$Properties;

const DT_STRING = tensorflow.DataType.DT_STRING;
const DT_FLOAT = tensorflow.DataType.DT_FLOAT;

function shapeProto(shape: TensorShape): tensorflow.TensorShapeProto.$Properties {
  if (shape.dims === null) return { unknownRank: true };
  return { dim: shape.dims.map((d) => ({ size: d ?? -1 })) };
}

const tensorOrSparseKind = kind<Tensor | SparseTensor>(
  "a Tensor or SparseTensor",
  (v) => v instanceof Tensor || v instanceof SparseTensor,
);

const isTensorMap = (v: unknown): boolean =>
  typeof v === "object" &&
  v !== null &&
  Object.values(v).every((t) => t instanceof Tensor || t instanceof SparseTensor);
const tensorMapKind = kind<Readonly<Record<string, Tensor | SparseTensor>>>(
  "an object of Tensors by key",
  isTensorMap,
  isTensorMap,
);

const isTensorInfoMap = (v: unknown): boolean =>
  typeof v === "object" &&
  v !== null &&
  Object.values(v).every((t) => typeof t === "object" && t !== null && !(t instanceof Tensor));
const tensorInfoMapKind = kind<Readonly<Record<string, TensorInfoMessage>>>(
  "an object of TensorInfo messages by key",
  isTensorInfoMap,
  (o) => isTensorInfoMap(o) && !("inputs" in o || "outputs" in o || "methodName" in o),
);

function tensorInfoOf(t: Tensor | SparseTensor): TensorInfoMessage {
  if (t instanceof SparseTensor) {
    return {
      cooSparse: {
        valuesTensorName: t.values.name,
        indicesTensorName: t.indices.name,
        denseShapeTensorName: t.denseShape.name,
      },
      dtype: toDataType(t.dtype),
      tensorShape: { unknownRank: true },
    };
  }
  return { name: t.name, dtype: toDataType(t.dtype), tensorShape: shapeProto(t.shape) };
}

/**
 * The `TensorInfo` of a tensor (TF 1.15's `tf.saved_model.utils.build_tensor_info`): its
 * name, dtype and static shape; a `SparseTensor`'s three tensor names as `cooSparse`.
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 1], "x");
 * const info = tf.savedModel.utils.buildTensorInfo(x);
 * info.name; // ==> x:0
 * info.tensorShape?.dim?.map((d) => d.size).join(","); // ==> -1,1
 * ```
 */
export const buildTensorInfo = tfFunction(
  "savedModel.utils.buildTensorInfo",
  [req("tensor", tensorOrSparseKind)] as const,
  (a) => tensorInfoOf(a.tensor),
);

/**
 * A `SignatureDef` from `TensorInfo`s (TF 1.15's `build_signature_def(inputs, outputs,
 * method_name)`).
 *
 * @example
 * ```ts
 * const x = tf.savedModel.utils.buildTensorInfo(tf.placeholder(tf.float32, [], "x"));
 * const sig = tf.savedModel.signatureDefUtils.buildSignatureDef({ x }, { y: x }, "tensorflow/serving/predict");
 * sig.methodName; // ==> tensorflow/serving/predict
 * ```
 */
export const buildSignatureDef = tfFunction(
  "savedModel.signatureDefUtils.buildSignatureDef",
  [
    opt("inputs", tensorInfoMapKind),
    opt("outputs", tensorInfoMapKind),
    opt("methodName", stringKind),
  ] as const,
  (a): SignatureDefMessage => {
    const sig: SignatureDefMessage = { inputs: {}, outputs: {} };
    for (const [k, v] of Object.entries(a.inputs ?? {})) (sig.inputs ?? {})[k] = v;
    for (const [k, v] of Object.entries(a.outputs ?? {})) (sig.outputs ?? {})[k] = v;
    if (a.methodName !== undefined) sig.methodName = a.methodName;
    return sig;
  },
);

/**
 * The Predict signature of named inputs and outputs (TF 1.15's
 * `predict_signature_def(inputs, outputs)`), what `simpleSave` exports as `serving_default`.
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null], "x");
 * const sig = tf.savedModel.signatureDefUtils.predictSignatureDef({ x }, { y: tf.multiply(x, 2) });
 * sig.outputs?.y?.name; // ==> Mul:0
 * ```
 */
export const predictSignatureDef = tfFunction(
  "savedModel.signatureDefUtils.predictSignatureDef",
  [req("inputs", tensorMapKind), req("outputs", tensorMapKind)] as const,
  (a): SignatureDefMessage => {
    if (Object.keys(a.inputs).length === 0)
      throw new ValueError("Prediction inputs cannot be None or empty.");
    if (Object.keys(a.outputs).length === 0)
      throw new ValueError("Prediction outputs cannot be None or empty.");
    const map = (m: Readonly<Record<string, Tensor | SparseTensor>>) =>
      Object.fromEntries(Object.entries(m).map(([k, t]) => [k, tensorInfoOf(t)]));
    return {
      inputs: map(a.inputs),
      outputs: map(a.outputs),
      methodName: C.PREDICT_METHOD_NAME,
    };
  },
);

const maybeTensorKind = kind<Tensor>("a Tensor", (v) => v instanceof Tensor);

/**
 * The Classify signature (TF 1.15's `classification_signature_def(examples, classes,
 * scores)`): serialized `tf.train.Example`s in, string `classes` and/or float `scores` out.
 *
 * @example
 * ```ts
 * const examples = tf.placeholder(tf.string, [null], "examples");
 * const scores = tf.placeholder(tf.float32, [null, 3], "scores");
 * const sig = tf.savedModel.signatureDefUtils.classificationSignatureDef(examples, null, scores);
 * Object.keys(sig.outputs ?? {}).join(); // ==> scores
 * ```
 */
export const classificationSignatureDef = tfFunction(
  "savedModel.signatureDefUtils.classificationSignatureDef",
  [
    optNullable("examples", maybeTensorKind),
    optNullable("classes", maybeTensorKind),
    optNullable("scores", maybeTensorKind),
  ] as const,
  (a): SignatureDefMessage => {
    if (a.examples === null || a.examples === undefined)
      throw new ValueError("Classification examples cannot be None.");
    if ((a.classes ?? null) === null && (a.scores ?? null) === null)
      throw new ValueError("Classification classes and scores cannot both be None.");
    const input = tensorInfoOf(a.examples);
    if (input.dtype !== DT_STRING)
      throw new ValueError("Classification examples must be a string Tensor.");
    const outputs: Record<string, TensorInfoMessage> = {};
    if (a.classes !== null && a.classes !== undefined) {
      const info = tensorInfoOf(a.classes);
      if (info.dtype !== DT_STRING)
        throw new ValueError("Classification classes must be a string Tensor.");
      outputs[C.CLASSIFY_OUTPUT_CLASSES] = info;
    }
    if (a.scores !== null && a.scores !== undefined) {
      const info = tensorInfoOf(a.scores);
      if (info.dtype !== DT_FLOAT)
        throw new ValueError("Classification scores must be a float Tensor.");
      outputs[C.CLASSIFY_OUTPUT_SCORES] = info;
    }
    return {
      inputs: { [C.CLASSIFY_INPUTS]: input },
      outputs,
      methodName: C.CLASSIFY_METHOD_NAME,
    };
  },
);

/**
 * The Regress signature (TF 1.15's `regression_signature_def(examples, predictions)`):
 * serialized `tf.train.Example`s in, float predictions out.
 *
 * @example
 * ```ts
 * const examples = tf.placeholder(tf.string, [null], "examples");
 * const sig = tf.savedModel.signatureDefUtils.regressionSignatureDef(examples, tf.placeholder(tf.float32, [null, 1], "y"));
 * sig.methodName; // ==> tensorflow/serving/regress
 * ```
 */
export const regressionSignatureDef = tfFunction(
  "savedModel.signatureDefUtils.regressionSignatureDef",
  [optNullable("examples", maybeTensorKind), optNullable("predictions", maybeTensorKind)] as const,
  (a): SignatureDefMessage => {
    if (a.examples === null || a.examples === undefined)
      throw new ValueError("Regression examples cannot be None.");
    if (a.predictions === null || a.predictions === undefined)
      throw new ValueError("Regression predictions cannot be None.");
    const input = tensorInfoOf(a.examples);
    if (input.dtype !== DT_STRING)
      throw new ValueError("Regression examples must be a string Tensor.");
    const output = tensorInfoOf(a.predictions);
    if (output.dtype !== DT_FLOAT)
      throw new ValueError("Regression output must be a float Tensor.");
    return {
      inputs: { [C.REGRESS_INPUTS]: input },
      outputs: { [C.REGRESS_OUTPUTS]: output },
      methodName: C.REGRESS_METHOD_NAME,
    };
  },
);

function keysOf(m: Record<string, unknown> | null | undefined): string[] {
  return Object.keys(m ?? {});
}

/**
 * Whether a `SignatureDef` is a valid Predict, Classify or Regress signature, as TF
 * Serving requires (TF 1.15's `is_valid_signature`).
 *
 * @example
 * ```ts
 * const examples = tf.placeholder(tf.string, [null]);
 * const sig = tf.savedModel.signatureDefUtils.regressionSignatureDef(examples, tf.placeholder(tf.float32, [null]));
 * tf.savedModel.signatureDefUtils.isValidSignature(sig); // ==> true
 * tf.savedModel.signatureDefUtils.isValidSignature({ methodName: "tensorflow/serving/predict" }); // ==> false
 * ```
 */
export const isValidSignature = tfFunction(
  "savedModel.signatureDefUtils.isValidSignature",
  [
    req(
      "signatureDef",
      kind<SignatureDefMessage | null>(
        "a SignatureDef message",
        (v) => v === null || typeof v === "object",
        (o) => !("signatureDef" in o),
      ),
    ),
  ] as const,
  (a): boolean => {
    const s = a.signatureDef;
    if (s === null) return false;
    const inputs = s.inputs ?? {};
    const outputs = s.outputs ?? {};
    const only = (m: Record<string, unknown>, key: string) =>
      keysOf(m).length === 1 && keysOf(m)[0] === key;
    switch (s.methodName) {
      case C.PREDICT_METHOD_NAME:
        return keysOf(inputs).length > 0 && keysOf(outputs).length > 0;
      case C.REGRESS_METHOD_NAME:
        return (
          only(inputs, C.REGRESS_INPUTS) &&
          inputs[C.REGRESS_INPUTS]?.dtype === DT_STRING &&
          only(outputs, C.REGRESS_OUTPUTS) &&
          outputs[C.REGRESS_OUTPUTS]?.dtype === DT_FLOAT
        );
      case C.CLASSIFY_METHOD_NAME: {
        if (!only(inputs, C.CLASSIFY_INPUTS)) return false;
        if (inputs[C.CLASSIFY_INPUTS]?.dtype !== DT_STRING) return false;
        const keys = keysOf(outputs);
        const allowed: string[] = [C.CLASSIFY_OUTPUT_CLASSES, C.CLASSIFY_OUTPUT_SCORES];
        if (keys.length === 0 || keys.some((k) => !allowed.includes(k))) return false;
        const classes = outputs[C.CLASSIFY_OUTPUT_CLASSES];
        if (classes !== undefined && classes.dtype !== DT_STRING) return false;
        const scores = outputs[C.CLASSIFY_OUTPUT_SCORES];
        return scores === undefined || scores.dtype === DT_FLOAT;
      }
      default:
        return false;
    }
  },
);
