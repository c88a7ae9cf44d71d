/** `tf.image`: image ops (resizing, cropping, flipping, color adjustments). */
export {
  resizeBilinear,
  resizeNearestNeighbor,
  resizeBicubic,
  resizeArea,
  type ResizeOpOptions,
} from "../ops/image/resize_ops.js";
export { cropAndResize, type CropAndResizeOptions } from "../ops/image/crop_and_resize.js";
export {
  flipLeftRight,
  flipUpDown,
  randomFlipLeftRight,
  randomFlipUpDown,
  transposeImage,
  transpose,
  rot90,
  padToBoundingBox,
  cropToBoundingBox,
  resizeImageWithCropOrPad,
  // TF 1.15 exports it under both names.
  resizeImageWithCropOrPad as resizeWithCropOrPad,
  centralCrop,
  ResizeMethod,
  resizeImages,
  // `tf.image.resize` is `resize_images` in TF 1.15 (v1 export).
  resizeImages as resize,
  type ResizeImagesOptions,
  randomCrop,
  convertImageDtype,
  adjustBrightness,
  randomBrightness,
  adjustContrast,
  randomContrast,
  perImageStandardization,
  adjustGamma,
  grayscaleToRgb,
  rgbToGrayscale,
  totalVariation,
  imageGradients,
} from "../ops/image/image_ops.js";
export {
  rgbToHsv,
  hsvToRgb,
  adjustHue,
  adjustSaturation,
  randomHue,
  randomSaturation,
} from "../ops/image/color_ops.js";
// convs: Sobel edge maps (a depthwise convolution).
export { sobelEdges } from "../ops/image/sobel.js";
