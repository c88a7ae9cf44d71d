/** `tf.savedModel` (TF 1.15's `tf.saved_model`): SavedModels TensorFlow Serving loads. */
import { load, maybeSavedModelDirectory } from "../saved_model/loader.js";
import { buildTensorInfo } from "../saved_model/signature_def_utils.js";
import {
  buildSignatureDef,
  classificationSignatureDef,
  isValidSignature,
  predictSignatureDef,
  regressionSignatureDef,
} from "../saved_model/signature_def_utils.js";

export { tagConstants, signatureConstants } from "../saved_model/constants.js";
export { Builder, simpleSave } from "../saved_model/builder.js";
export { load, maybeSavedModelDirectory };
export type { MetaGraphDefDecoded } from "../saved_model/loader.js";
export type { TensorInfoMessage, SignatureDefMessage } from "../saved_model/signature_def_utils.js";

/** `tf.saved_model.loader`. */
export const loader = Object.freeze({ load, maybeSavedModelDirectory });
/** `tf.saved_model.utils`. */
export const utils = Object.freeze({ buildTensorInfo });
/** `tf.saved_model.signature_def_utils`. */
export const signatureDefUtils = Object.freeze({
  buildSignatureDef,
  predictSignatureDef,
  classificationSignatureDef,
  regressionSignatureDef,
  isValidSignature,
});
