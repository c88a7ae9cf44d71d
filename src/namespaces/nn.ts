/** `tf.nn`: neural-network ops. */
export { relu, relu6, elu, selu, softplus, sigmoid, tanh } from "../ops/nn/activations.js";
export { conv2d, type Conv2DOptions } from "../ops/nn/conv.js";
export { maxPool, avgPool, type PoolOptions } from "../ops/nn/pooling.js";
export { biasAdd, type BiasAddOptions } from "../ops/nn/bias_add.js";
export { softmax, logSoftmax, type SoftmaxOptions } from "../ops/nn/softmax.js";
export { dropout, type DropoutOptions } from "../ops/nn/dropout.js";
export { l2Loss } from "../ops/nn/l2_loss.js";
export { inTopK } from "../ops/nn/in_top_k.js";
export {
  softmaxCrossEntropyWithLogits,
  softmaxCrossEntropyWithLogitsV2,
  sparseSoftmaxCrossEntropyWithLogits,
  type XentArgs,
  type SoftmaxXentArgs,
  type SoftmaxXentV2Options,
} from "../ops/nn/xent.js";
export { sigmoidCrossEntropyWithLogits } from "../ops/nn/sigmoid_xent.js";
export { embeddingLookup, type EmbeddingLookupOptions } from "../ops/nn/embedding.js";
export { moments, type MomentsOptions } from "../ops/nn/moments.js";
export * as rnnCell from "./rnn.js";
export { staticRnn } from "../rnn/static_rnn.js";
export { dynamicRnn, type DynamicRnnOptions } from "../rnn/dynamic_rnn.js";
export {
  bidirectionalDynamicRnn,
  type BidirectionalDynamicRnnOptions,
} from "../rnn/bidirectional_rnn.js";
export { conv2dTranspose, type Conv2DTransposeOptions } from "../ops/nn/conv_transpose.js";
export {
  staticBidirectionalRnn,
  type StaticBidirectionalRnnOptions,
} from "../rnn/static_bidirectional_rnn.js";
export { xwPlusB } from "../ops/nn/xw_plus_b.js";
export { lrn, localResponseNormalization, type LrnOptions } from "../ops/nn/lrn.js";
export { fusedBatchNorm, type FusedBatchNormOptions } from "../ops/nn/fused_batch_norm.js";
export {
  batchNormalization,
  type BatchNormalizationOptions,
} from "../ops/nn/batch_normalization.js";
export {
  uniformCandidateSampler,
  logUniformCandidateSampler,
  computeAccidentalHits,
  type CandidateSamplerOptions,
  type ComputeAccidentalHitsOptions,
} from "../ops/random/candidate_sampling.js";
export {
  nceLoss,
  sampledSoftmaxLoss,
  type NceLossOptions,
  type SampledSoftmaxLossOptions,
} from "../ops/nn/sampled_losses.js";
export { zeroFraction } from "../ops/nn/zero_fraction.js";
// ops-math: activations
export { softsign, leakyRelu, crelu } from "../ops/nn/activations_more.js";
export { l2Normalize } from "../ops/math/reduce_more.js";
// ops-array: top_k.
export { topK } from "../ops/array/top_k.js";
// convs: depthwise, separable and 1-D convolutions.
export {
  depthwiseConv2dNative,
  depthwiseConv2dNativeBackpropInput,
  depthwiseConv2dNativeBackpropFilter,
  // TF 1.15 exports them under both names.
  depthwiseConv2dNativeBackpropInput as depthwiseConv2dBackpropInput,
  depthwiseConv2dNativeBackpropFilter as depthwiseConv2dBackpropFilter,
  type DepthwiseConv2dNativeOptions,
  type DepthwiseBackpropInputOptions,
  type DepthwiseBackpropFilterOptions,
} from "../ops/nn/depthwise_conv.js";
export {
  depthwiseConv2d,
  separableConv2d,
  type DepthwiseConv2dOptions,
  type SeparableConv2dOptions,
} from "../ops/nn/separable_conv.js";
export { conv1d, type Conv1DOptions } from "../ops/nn/conv1d.js";
export {
  convolution,
  atrousConv2d,
  type ConvolutionOptions,
  type AtrousConv2dOptions,
} from "../ops/nn/convolution.js";
// conv3d: 3-D convolutions and pooling.
export {
  conv3d,
  conv3dTranspose,
  type Conv3DOptions,
  type Conv3DTransposeOptions,
} from "../ops/nn/conv3d.js";
export { maxPool3d, avgPool3d, type Pool3DOptions } from "../ops/nn/pooling3d.js";
