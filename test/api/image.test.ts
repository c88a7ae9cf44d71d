/**
 * The calling convention on `tf.image`: TF 1.15's positional form and the options form
 * build the same graph; unknown keys and wrong kinds are refused with the graph unchanged.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectRefused, expectSameGraphs } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const img3 = () => tf.placeholder(tf.float32, [6, 8, 3], { name: "img" });
const img4 = () => tf.placeholder(tf.float32, [2, 6, 8, 3], { name: "img" });

describe("tf.image", () => {
  it("resize_bilinear / resize_nearest_neighbor / resize_bicubic(images, size, align_corners, half_pixel_centers, name)", () => {
    for (const fn of [
      tf.image.resizeBilinear,
      tf.image.resizeNearestNeighbor,
      tf.image.resizeBicubic,
    ]) {
      expectSameGraphs(
        () => fn(img4(), [3, 4], true, false, "r"),
        () => fn(img4(), [3, 4], { alignCorners: true, name: "r" }),
        () =>
          fn({
            images: img4(),
            size: [3, 4],
            alignCorners: true,
            halfPixelCenters: false,
            name: "r",
          }),
      );
    }
    {
      const x = img4();
      expectRefused(() => tf.image.resizeBilinear(x, [3, 4], { align: true } as never), /align/);
    }
  });

  it("TF 1.15's second names: image.resize, image.resize_with_crop_or_pad, image.transpose", () => {
    expect(tf.image.resize).toBe(tf.image.resizeImages);
    expect(tf.image.resizeWithCropOrPad).toBe(tf.image.resizeImageWithCropOrPad);
    expectSameGraphs(
      () => tf.image.transpose(img3()),
      () => tf.image.transposeImage(img3()),
    );
  });

  it("resize_area(images, size, align_corners, name)", () => {
    expectSameGraphs(
      () => tf.image.resizeArea(img4(), [3, 4], true, "r"),
      () => tf.image.resizeArea(img4(), [3, 4], { alignCorners: true, name: "r" }),
      () => tf.image.resizeArea({ images: img4(), size: [3, 4], alignCorners: true, name: "r" }),
    );
    {
      const x = img4();
      expectRefused(
        () => tf.image.resizeArea(x, [3, 4], { halfPixelCenters: true } as never),
        /halfPixelCenters/,
      );
    }
  });

  it("resize_images(images, size, method, align_corners, preserve_aspect_ratio, name)", () => {
    const pic = expectSameGraphs(
      () => tf.image.resizeImages(img3(), [3, 4], 1, true, false, "r"),
      () => tf.image.resizeImages(img3(), [3, 4], { method: 1, alignCorners: true, name: "r" }),
      () =>
        tf.image.resizeImages({
          images: img3(),
          size: [3, 4],
          method: tf.image.ResizeMethod.NEAREST_NEIGHBOR,
          alignCorners: true,
          name: "r",
        }),
    );
    expect(pic.some((l) => l.startsWith("r/ResizeNearestNeighbor = ResizeNearestNeighbor"))).toBe(
      true,
    );
    {
      const x = img3();
      expectRefused(
        () => tf.image.resizeImages(x, [3, 4], { method: "lanczos3" } as never),
        /method/,
      );
    }
  });

  it("crop_and_resize(image, boxes, box_ind, crop_size, method, extrapolation_value, name)", () => {
    expectSameGraphs(
      () => tf.image.cropAndResize(img4(), [[0, 0, 1, 1]], [1], [2, 2], "nearest", 0.5, "c"),
      () =>
        tf.image.cropAndResize(img4(), [[0, 0, 1, 1]], [1], [2, 2], {
          method: "nearest",
          extrapolationValue: 0.5,
          name: "c",
        }),
      () =>
        tf.image.cropAndResize({
          image: img4(),
          boxes: [[0, 0, 1, 1]],
          boxInd: [1],
          cropSize: [2, 2],
          method: "nearest",
          extrapolationValue: 0.5,
          name: "c",
        }),
    );
  });

  it("the functions of one image argument", () => {
    for (const fn of [
      tf.image.flipLeftRight,
      tf.image.flipUpDown,
      tf.image.perImageStandardization,
    ]) {
      expectSameGraphs(
        () => fn(img3()),
        () => fn({ image: img3() }),
      );
    }
    expectSameGraphs(
      () => tf.image.transposeImage(img3(), "t"),
      () => tf.image.transposeImage(img3(), { name: "t" }),
      () => tf.image.transpose({ image: img3(), name: "t" }),
    );
    expectSameGraphs(
      () => tf.image.rot90(img4(), 3, "r"),
      () => tf.image.rot90(img4(), { k: 3, name: "r" }),
    );
    expectSameGraphs(
      () => tf.image.imageGradients(img4()),
      () => tf.image.imageGradients({ image: img4() }),
    );
    {
      const x = img3();
      expectRefused(() => tf.image.flipLeftRight(x, { seed: 1 } as never), /seed/);
    }
  });

  it("random_flip_*(image, seed), random_brightness(image, max_delta, seed), random_contrast(image, lower, upper, seed), random_crop(value, size, seed, name)", () => {
    expectSameGraphs(
      () => tf.image.randomFlipLeftRight(img3(), 5),
      () => tf.image.randomFlipLeftRight(img3(), { seed: 5 }),
      () => tf.image.randomFlipLeftRight({ image: img3(), seed: 5 }),
    );
    expectSameGraphs(
      () => tf.image.randomFlipUpDown(img4(), 5),
      () => tf.image.randomFlipUpDown(img4(), { seed: 5 }),
    );
    expectSameGraphs(
      () => tf.image.randomBrightness(img3(), 0.3, 5),
      () => tf.image.randomBrightness(img3(), 0.3, { seed: 5 }),
      () => tf.image.randomBrightness({ image: img3(), maxDelta: 0.3, seed: 5 }),
    );
    expectSameGraphs(
      () => tf.image.randomContrast(img3(), 0.2, 1.8, 5),
      () => tf.image.randomContrast(img3(), { lower: 0.2, upper: 1.8, seed: 5 }),
    );
    expectSameGraphs(
      () => tf.image.randomCrop(img3(), [4, 4, 3], 5, "c"),
      () => tf.randomCrop(img3(), [4, 4, 3], { seed: 5, name: "c" }),
      () => tf.randomCrop({ value: img3(), size: [4, 4, 3], seed: 5, name: "c" }),
    );
  });

  it("bounding boxes: pad_to_bounding_box / crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width), resize_image_with_crop_or_pad, central_crop", () => {
    for (const fn of [tf.image.padToBoundingBox, tf.image.cropToBoundingBox]) {
      const args = fn === tf.image.padToBoundingBox ? [1, 1, 8, 9] : [1, 1, 4, 5];
      const [oh, ow, th, tw] = args as [number, number, number, number];
      expectSameGraphs(
        () => fn(img3(), oh, ow, th, tw),
        () => fn(img3(), { offsetHeight: oh, offsetWidth: ow, targetHeight: th, targetWidth: tw }),
      );
    }
    expectSameGraphs(
      () => tf.image.resizeImageWithCropOrPad(img3(), 4, 10),
      () => tf.image.resizeImageWithCropOrPad(img3(), { targetHeight: 4, targetWidth: 10 }),
    );
    expectSameGraphs(
      () => tf.image.centralCrop(img3(), 0.5),
      () => tf.image.centralCrop({ image: img3(), centralFraction: 0.5 }),
    );
  });

  it("color: adjust_brightness(image, delta), adjust_contrast(images, contrast_factor), adjust_gamma(image, gamma, gain), convert_image_dtype(image, dtype, saturate, name), grayscale_to_rgb(images, name), total_variation(images, name)", () => {
    expectSameGraphs(
      () => tf.image.adjustBrightness(img3(), 0.1),
      () => tf.image.adjustBrightness({ image: img3(), delta: 0.1 }),
    );
    expectSameGraphs(
      () => tf.image.adjustContrast(img3(), 2),
      () => tf.image.adjustContrast({ images: img3(), contrastFactor: 2 }),
    );
    expectSameGraphs(
      () => tf.image.adjustGamma(img3(), 2, 0.5),
      () => tf.image.adjustGamma(img3(), { gamma: 2, gain: 0.5 }),
    );
    expectSameGraphs(
      () => tf.image.convertImageDtype(img3(), tf.int32, true, "c"),
      () => tf.image.convertImageDtype(img3(), tf.int32, { saturate: true, name: "c" }),
    );
    const gray = () => tf.placeholder(tf.float32, [6, 8, 1], { name: "g" });
    expectSameGraphs(
      () => tf.image.grayscaleToRgb(gray(), "g2"),
      () => tf.image.grayscaleToRgb(gray(), { name: "g2" }),
    );
    expectSameGraphs(
      () => tf.image.rgbToGrayscale(img4(), "g"),
      () => tf.image.rgbToGrayscale(img4(), { name: "g" }),
      () => tf.image.rgbToGrayscale({ images: img4(), name: "g" }),
    );
    expectSameGraphs(
      () => tf.image.totalVariation(img4(), "tv"),
      () => tf.image.totalVariation({ images: img4(), name: "tv" }),
    );
    {
      const x = img3();
      expectRefused(() => tf.image.adjustGamma(x, { gama: 2 } as never), /gama/);
    }
  });

  it("hue and saturation: rgb_to_hsv / hsv_to_rgb(images, name), adjust_hue(image, delta, name), adjust_saturation(image, saturation_factor, name), random_hue(image, max_delta, seed), random_saturation(image, lower, upper, seed)", () => {
    for (const fn of [tf.image.rgbToHsv, tf.image.hsvToRgb]) {
      expectSameGraphs(
        () => fn(img3(), "c"),
        () => fn(img3(), { name: "c" }),
        () => fn({ images: img3(), name: "c" }),
      );
    }
    expectSameGraphs(
      () => tf.image.adjustHue(img3(), 0.1, "h"),
      () => tf.image.adjustHue(img3(), 0.1, { name: "h" }),
      () => tf.image.adjustHue({ image: img3(), delta: 0.1, name: "h" }),
    );
    expectSameGraphs(
      () => tf.image.adjustSaturation(img3(), 2, "s"),
      () => tf.image.adjustSaturation({ image: img3(), saturationFactor: 2, name: "s" }),
    );
    expectSameGraphs(
      () => tf.image.randomHue(img3(), 0.2, 4),
      () => tf.image.randomHue(img3(), 0.2, { seed: 4 }),
    );
    expectSameGraphs(
      () => tf.image.randomSaturation(img3(), 0.5, 1.5, 4),
      () => tf.image.randomSaturation(img3(), { lower: 0.5, upper: 1.5, seed: 4 }),
    );
  });
});
