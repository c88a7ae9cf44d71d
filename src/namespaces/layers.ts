/**
 * `tf.layers`: TensorFlow 1.x's layers, as functions (`tf.layers.dense(x, 10)`) and as
 * classes (`new tf.layers.Dense(10).apply(x)`), with TensorFlow's variable names, reuse and
 * collections.
 */
export {
  Layer,
  InputSpec,
  type LayerOptions,
  type AddWeightOptions,
  type ApplyOptions,
} from "../layers/base.js";
export { type Activation, type ActivationName } from "../layers/activations.js";
export { Dense, dense, type DenseOptions } from "../layers/dense.js";
export { Conv2D, conv2d, type Conv2DLayerOptions } from "../layers/conv2d.js";
export {
  MaxPooling2D,
  AveragePooling2D,
  maxPooling2d,
  averagePooling2d,
  type Pooling2DOptions,
} from "../layers/pooling.js";
export {
  BatchNormalization,
  batchNormalization,
  type BatchNormalizationOptions,
  type BatchNormalizationFunctionalOptions,
} from "../layers/batch_normalization.js";
export {
  Dropout,
  dropout,
  type DropoutLayerOptions,
  type DropoutFunctionalOptions,
} from "../layers/dropout.js";
export { Flatten, flatten, type FlattenOptions } from "../layers/flatten.js";
export {
  Conv2DTranspose,
  conv2dTranspose,
  type Conv2DTransposeLayerOptions,
} from "../layers/conv2d_transpose.js";
// convs: 1-D and separable convolutions.
export { Conv1D, conv1d, type Conv1DLayerOptions } from "../layers/conv1d.js";
export {
  SeparableConv2D,
  SeparableConv1D,
  separableConv2d,
  separableConv1d,
  type SeparableConvLayerOptions,
} from "../layers/separable_conv.js";
// conv3d: 3-D convolution and pooling layers.
export {
  Conv3D,
  conv3d,
  Conv3DTranspose,
  conv3dTranspose,
  type Conv3DLayerOptions,
  type Conv3DTransposeLayerOptions,
} from "../layers/conv3d.js";
export {
  MaxPooling3D,
  AveragePooling3D,
  maxPooling3d,
  averagePooling3d,
} from "../layers/pooling.js";
