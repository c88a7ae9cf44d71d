/**
 * TF 1.15's SavedModel constants: `tf.saved_model.tag_constants`,
 * `tf.saved_model.signature_constants` and the file, directory and collection names of
 * `saved_model/constants.py`.
 */

/**
 * The standard meta graph tags (`tf.saved_model.tag_constants`).
 *
 * @example
 * ```ts
 * tf.savedModel.tagConstants.SERVING; // ==> serve
 * ```
 */
export const tagConstants = Object.freeze({
  SERVING: "serve",
  TRAINING: "train",
  EVAL: "eval",
  GPU: "gpu",
  TPU: "tpu",
});

/**
 * The standard signature keys and method names (`tf.saved_model.signature_constants`),
 * which TensorFlow Serving's Predict, Classify and Regress APIs look for.
 *
 * @example
 * ```ts
 * tf.savedModel.signatureConstants.DEFAULT_SERVING_SIGNATURE_DEF_KEY; // ==> serving_default
 * tf.savedModel.signatureConstants.PREDICT_METHOD_NAME; // ==> tensorflow/serving/predict
 * ```
 */
export const signatureConstants = Object.freeze({
  DEFAULT_SERVING_SIGNATURE_DEF_KEY: "serving_default",
  CLASSIFY_INPUTS: "inputs",
  CLASSIFY_METHOD_NAME: "tensorflow/serving/classify",
  CLASSIFY_OUTPUT_CLASSES: "classes",
  CLASSIFY_OUTPUT_SCORES: "scores",
  PREDICT_INPUTS: "inputs",
  PREDICT_METHOD_NAME: "tensorflow/serving/predict",
  PREDICT_OUTPUTS: "outputs",
  REGRESS_INPUTS: "inputs",
  REGRESS_METHOD_NAME: "tensorflow/serving/regress",
  REGRESS_OUTPUTS: "outputs",
  SUPERVISED_TRAIN_METHOD_NAME: "tensorflow/supervised/training",
  SUPERVISED_EVAL_METHOD_NAME: "tensorflow/supervised/eval",
});

/** `saved_model/constants.py`: where a SavedModel keeps what, and its collections. */
export const ASSETS_DIRECTORY = "assets";
export const ASSETS_KEY = "saved_model_assets";
export const ASSET_FILEPATHS_KEY = "asset_filepaths";
export const LEGACY_INIT_OP_KEY = "legacy_init_op";
export const MAIN_OP_KEY = "saved_model_main_op";
export const TRAIN_OP_KEY = "saved_model_train_op";
export const INIT_OP_SIGNATURE_KEY = "__saved_model_init_op";
export const TRAIN_OP_SIGNATURE_KEY = "__saved_model_train_op";
export const SAVED_MODEL_SCHEMA_VERSION = 1;
export const SAVED_MODEL_FILENAME_PB = "saved_model.pb";
export const SAVED_MODEL_FILENAME_PBTXT = "saved_model.pbtxt";
export const VARIABLES_DIRECTORY = "variables";
export const VARIABLES_FILENAME = "variables";
/** The type URL of an `AssetFileDef` packed in a `google.protobuf.Any`. */
export const ASSET_FILE_DEF_TYPE_URL = "type.googleapis.com/tensorflow.AssetFileDef";
