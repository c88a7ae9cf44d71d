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
  centralCrop,
  ResizeMethod,
  resizeImages,
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
