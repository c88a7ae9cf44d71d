/**
 * `tf.image`'s functions from image_ops_impl.py: values from TF 1.15's image_ops_test.py
 * (flips, rot90, pads, crops, brightness, contrast, standardization, ...), TF's ValueErrors,
 * static shapes, and the op names TF gives them.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../../src/index.js";
import { expectClose, expectValueError, opList, run } from "../helpers.js";

beforeEach(() => tf.resetDefaultGraph());

function img(data: number[], shape: number[], dtype: tf.DType = "float32"): tf.Tensor {
  return tf.constant(data, { shape, dtype });
}

function flat(t: tf.Tensor, feed?: Map<tf.Tensor, unknown>): number[] {
  return Array.from(run(t, feed).data as ArrayLike<number>);
}

const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => i + from);

describe("flips, transpose and rot90", () => {
  it("flip_left_right and flip_up_down on images and batches (FlipImageTest)", () => {
    const x = img([1, 2, 3, 1, 2, 3], [2, 3, 1]);
    expect(flat(tf.image.flipLeftRight(x))).toEqual([3, 2, 1, 3, 2, 1]);
    const y = img([1, 2, 3, 4, 5, 6], [2, 3, 1]);
    expect(flat(tf.image.flipUpDown(y))).toEqual([4, 5, 6, 1, 2, 3]);
    const batch = img([1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6], [2, 2, 3, 1]);
    expect(flat(tf.image.flipLeftRight(batch))).toEqual([3, 2, 1, 3, 2, 1, 6, 5, 4, 6, 5, 4]);
    expect(flat(tf.image.flipUpDown(batch))).toEqual([1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6]);
  });

  it("keeps or fixes static shapes, and names the ops as TF", () => {
    // An image of unknown shape is checked at run time before it is flipped.
    const u = tf.image.flipLeftRight(tf.placeholder(tf.float32, undefined, { name: "x" }));
    const gate = u.op.inputs[0]?.op as tf.Operation;
    expect(gate.name).toBe("flip_left_right/control_dependency");
    expect(gate.controlInputs.map((o) => o.type)).toEqual(["Assert", "Assert"]);
    expect(() => flat(u, new Map([[u.op.inputs[0]?.op.inputs[0] as tf.Tensor, [1, 2]]]))).toThrow(
      // Assert writes string data C-escaped, as TF's SummarizeValue does.
      "assertion failed: [\\'image\\' must be at least three-dimensional.]",
    );
    tf.resetDefaultGraph();
    const y = tf.image.flipUpDown(tf.placeholder(tf.float32, [2, 3, 1], { name: "x" }));
    expect(opList()).toEqual([
      "x:Placeholder",
      "flip_up_down/control_dependency:Identity",
      "flip_up_down/ReverseV2/axis:Const",
      "flip_up_down/ReverseV2:ReverseV2",
    ]);
    expect(y.shape.toString()).toBe("(2, 3, 1)");
    expect(tf.image.flipUpDown(tf.placeholder(tf.float32)).shape.toString()).toBe("(?, ?, ?)");
  });

  it("refuses images of rank below 3 or with a zero dim", () => {
    expectValueError(
      () => tf.image.flipLeftRight(tf.ones([2, 3])),
      "'image' must be at least three-dimensional.",
    );
    expectValueError(
      () => tf.image.flipLeftRight(tf.placeholder(tf.float32, [0, 3, 1])),
      "all dims of 'image.shape' must be > 0: (0, 3, 1)",
    );
    expectValueError(
      () => tf.image.flipLeftRight(tf.ones([1, 1, 1, 1, 1])),
      "'image' must have either 3 or 4 dimensions.",
    );
  });

  it("random flips: seeded by the graph, half the time each way (testRandomFlipLeftRight)", () => {
    const x = img([1, 2, 3, 1, 2, 3], [2, 3, 1]);
    tf.setRandomSeed(7);
    const y = tf.image.randomFlipLeftRight(x, 42);
    expect(y.op.type).toBe("Merge");
    expect(y.op.name).toBe("random_flip_left_right/Merge");
    using sess = new tf.Session();
    let flipped = 0;
    for (let i = 0; i < 100; i++) {
      const v = Array.from((sess.run(y) as tf.NDArray).data as Float32Array);
      if (v[0] === 3) {
        flipped++;
        expect(v).toEqual([3, 2, 1, 3, 2, 1]);
      } else expect(v).toEqual([1, 2, 3, 1, 2, 3]);
    }
    expect(flipped).toBeGreaterThan(20);
    expect(flipped).toBeLessThan(80);
    // The same graph seed and op seed repeat the same sequence in a new session.
    const seq = (s: tf.Session) =>
      range(10).map(() => ((s.run(y) as tf.NDArray).data as Float32Array)[0]);
    using a = new tf.Session();
    using b = new tf.Session();
    expect(seq(a)).toEqual(seq(b));
  });

  it("random flips of a batch flip each image on its own draw", () => {
    const x = tf.tile(img([1, 2], [1, 1, 2, 1]), [64, 1, 1, 1]);
    const y = tf.image.randomFlipUpDown(tf.image.transposeImage(x), 3);
    const v = flat(y);
    let flipped = 0;
    for (let b = 0; b < 64; b++) {
      const pair = v.slice(b * 2, b * 2 + 2);
      if (pair[0] === 2) flipped++;
      expect([
        [1, 2],
        [2, 1],
      ]).toContainEqual(pair);
    }
    expect(flipped).toBeGreaterThan(10);
    expect(flipped).toBeLessThan(54);
  });

  it("transpose_image and rot90 (the docstring's example, k = 0..4, batches)", () => {
    const a = img([1, 2, 3, 4], [2, 2, 1]);
    expect(flat(tf.image.rot90(a))).toEqual([2, 4, 1, 3]);
    expect(flat(tf.image.rot90(a, 2))).toEqual([4, 3, 2, 1]);
    expect(flat(tf.image.rot90(a, 3))).toEqual([3, 1, 4, 2]);
    expect(flat(tf.image.rot90(a, 4))).toEqual([1, 2, 3, 4]);
    const k = tf.placeholder(tf.int32, []);
    const r = tf.image.rot90(img(range(6), [1, 2, 3, 1]), k);
    expect(r.shape.toString()).toBe("(1, ?, ?, 1)");
    expect(flat(r, new Map([[k, 1]]))).toEqual([2, 5, 1, 4, 0, 3]);
    expect(flat(tf.image.transposeImage(img(range(6), [2, 3, 1])))).toEqual([0, 3, 1, 4, 2, 5]);
    expect(tf.image.transpose(tf.ones([5, 2, 3, 1])).shape.toString()).toBe("(5, 3, 2, 1)");
    expect(() => tf.image.rot90(a, tf.constant([1, 2], { dtype: "int32" }))).toThrow(
      "Shape (2,) must have rank 0",
    );
  });
});

describe("pads and crops", () => {
  let X: tf.Tensor;
  beforeEach(() => {
    X = img(range(9, 1), [3, 3, 1]);
  });

  it("pad_to_bounding_box (PadToBoundingBoxTest.testPadding)", () => {
    expect(flat(tf.image.padToBoundingBox(X, 1, 0, 4, 3))).toEqual([0, 0, 0, ...range(9, 1)]);
    expect(flat(tf.image.padToBoundingBox(X, 0, 1, 3, 4))).toEqual([
      0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9,
    ]);
    expect(flat(tf.image.padToBoundingBox(X, 0, 0, 4, 3))).toEqual([...range(9, 1), 0, 0, 0]);
    expect(flat(tf.image.padToBoundingBox(X, 0, 0, 3, 4))).toEqual([
      1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0,
    ]);
    expect(tf.image.padToBoundingBox(tf.ones([2, 3, 3, 1]), 1, 1, 5, 5).shape.toString()).toBe(
      "(2, 5, 5, 1)",
    );
  });

  it("pad_to_bounding_box's ValueErrors", () => {
    expectValueError(() => tf.image.padToBoundingBox(X, -1, 0, 4, 4), "offset_height must be >= 0");
    expectValueError(() => tf.image.padToBoundingBox(X, 0, -1, 4, 4), "offset_width must be >= 0");
    expectValueError(
      () => tf.image.padToBoundingBox(X, 0, 2, 4, 4),
      "width must be <= target - offset",
    );
    expectValueError(
      () => tf.image.padToBoundingBox(X, 2, 0, 4, 4),
      "height must be <= target - offset",
    );
  });

  it("crop_to_bounding_box (CropToBoundingBoxTest) and its ValueErrors", () => {
    expect(flat(tf.image.cropToBoundingBox(X, 0, 1, 3, 2))).toEqual([2, 3, 5, 6, 8, 9]);
    expect(flat(tf.image.cropToBoundingBox(X, 1, 0, 2, 3))).toEqual([4, 5, 6, 7, 8, 9]);
    expect(flat(tf.image.cropToBoundingBox(X, 0, 0, 2, 3))).toEqual([1, 2, 3, 4, 5, 6]);
    expectValueError(
      () => tf.image.cropToBoundingBox(X, 2, 0, 2, 3),
      "height must be >= target + offset.",
    );
    expectValueError(() => tf.image.cropToBoundingBox(X, 0, 0, 0, 3), "target_height must be > 0.");
    expectValueError(
      () => tf.image.cropToBoundingBox(X, 0, -1, 1, 1),
      "offset_width must be >= 0.",
    );
  });

  it("crop_to_bounding_box with tensor offsets checks at run time", () => {
    const off = tf.placeholder(tf.int32, []);
    const y = tf.image.cropToBoundingBox(X, off, 0, 2, 2);
    expect(y.shape.toString()).toBe("(2, 2, 1)");
    expect(flat(y, new Map([[off, 1]]))).toEqual([4, 5, 7, 8]);
    expect(() => flat(y, new Map([[off, 2]]))).toThrow("height must be >= target + offset.");
  });

  it("resize_image_with_crop_or_pad (ResizeImageWithCropOrPadTest)", () => {
    const x = img(range(8, 1), [2, 4, 1]);
    expect(flat(tf.image.resizeImageWithCropOrPad(x, 2, 2))).toEqual([2, 3, 6, 7]);
    expect(flat(tf.image.resizeImageWithCropOrPad(x, 2, 6))).toEqual([
      0, 1, 2, 3, 4, 0, 0, 5, 6, 7, 8, 0,
    ]);
    expect(flat(tf.image.resizeImageWithCropOrPad(x, 4, 2))).toEqual([0, 0, 2, 3, 6, 7, 0, 0]);
    expect(tf.image.resizeImageWithCropOrPad(tf.ones([3, 2, 8, 1]), 5, 5).shape.toString()).toBe(
      "(3, 5, 5, 1)",
    );
    expectValueError(
      () => tf.image.resizeImageWithCropOrPad(x, 0, 2),
      "target_height must be > 0.",
    );
  });

  it("resize_image_with_crop_or_pad on unknown dims", () => {
    const p = tf.placeholder(tf.float32, [null, null, 1]);
    const y = tf.image.resizeImageWithCropOrPad(p, 2, 6);
    expect(y.shape.toString()).toBe("(2, 6, 1)");
    const feed = new Map([
      [
        p,
        [
          [[1], [2], [3], [4]],
          [[5], [6], [7], [8]],
        ],
      ],
    ]);
    expect(flat(y, feed)).toEqual([0, 1, 2, 3, 4, 0, 0, 5, 6, 7, 8, 0]);
  });

  it("central_crop (CentralCropTest)", () => {
    const x = img(range(64), [8, 8, 1]);
    const y = tf.image.centralCrop(x, 0.5);
    expect(y.shape.toString()).toBe("(4, 4, 1)");
    expect(flat(y)).toEqual([18, 19, 20, 21, 26, 27, 28, 29, 34, 35, 36, 37, 42, 43, 44, 45]);
    expect(tf.image.centralCrop(x, 1.0)).toBe(x);
    expect(tf.image.centralCrop(tf.ones([2, 8, 8, 3]), 0.5).shape.toString()).toBe("(2, 4, 4, 3)");
    const p = tf.placeholder(tf.float32, [null, null, 1]);
    const dyn = tf.image.centralCrop(p, 0.5);
    expect(dyn.shape.toString()).toBe("(?, ?, 1)");
    const rows = range(8).map((r) => range(8).map((c) => [r * 8 + c]));
    expect(flat(dyn, new Map([[p, rows]]))).toEqual(flat(y));
    expectValueError(() => tf.image.centralCrop(x, 0), "central_fraction must be within (0, 1]");
    expectValueError(() => tf.image.centralCrop(x, 1.5), "central_fraction must be within (0, 1]");
  });

  it("random_crop: a window of the value, checked at run time", () => {
    const x = img(range(25), [5, 5, 1]);
    const y = tf.image.randomCrop(x, [3, 3, 1], 5);
    expect(y.op.name).toBe("random_crop");
    expect(y.shape.toString()).toBe("(3, 3, 1)");
    using sess = new tf.Session();
    const seen = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const v = Array.from((sess.run(y) as tf.NDArray).data as Float32Array);
      const top = v[0] as number;
      seen.add(top);
      expect(v).toEqual([0, 1, 2, 5, 6, 7, 10, 11, 12].map((d) => d + top));
    }
    expect(seen.size).toBeGreaterThan(3);
    const big = tf.randomCrop(x, [6, 3, 1]);
    expect(() => sess.run(big)).toThrow("Need value.shape >= size, got");
  });
});

describe("color adjustments", () => {
  const X = [0, 5, 13, 54, 135, 226, 37, 8, 234, 90, 255, 1];

  it("adjust_brightness (AdjustBrightnessTest.testPositiveDeltaFloat)", () => {
    const x = img(
      X.map((v) => v / 255),
      [2, 2, 3],
    );
    const y = tf.image.adjustBrightness(x, 10 / 255);
    const want = [10, 15, 23, 64, 145, 236, 47, 18, 244, 100, 265, 11].map((v) => v / 255);
    expectClose(flat(y), want, 1e-6);
    expect(opList().filter((n) => n.startsWith("adjust_brightness"))).toEqual([
      "adjust_brightness/Cast/x:Const",
      "adjust_brightness:Add",
      "adjust_brightness/Identity:Identity",
    ]);
  });

  it("adjust_brightness on int32 images converts to float and back, saturating", () => {
    const x = img([0, 1 << 30, 1 << 29], [1, 1, 3], "int32");
    const y = tf.image.adjustBrightness(x, 0.25);
    expect(y.dtype).toBe("int32");
    expect(flat(y)).toEqual([536870912, 1610612736, 1073741824]);
    // Below -1 saturates to int32's minimum (TF's saturate_cast).
    expect(flat(tf.image.adjustBrightness(x, -1.5))[0]).toBe(-2147483648);
  });

  it("adjust_contrast (AdjustContrastTest.testDoubleContrastFloat)", () => {
    const x = img(
      X.map((v) => v / 255),
      [1, 2, 2, 3],
    );
    const want = [
      -45.25, -90.75, -92.5, 62.75, 169.25, 333.5, 28.75, -84.75, 349.5, 134.75, 409.25, -116.5,
    ].map((v) => v / 255);
    const y = tf.image.adjustContrast(x, 2.0);
    expectClose(flat(y), want, 1e-6);
    expect(y.op.name).toBe("adjust_contrast/Identity");
    expect(y.op.inputs[0]?.op.name).toBe("adjust_contrast");
    expect(y.op.inputs[0]?.op.type).toBe("AdjustContrastv2");
    // A batch: each image against its own mean.
    const two = tf.concat([x, x.mul(2)], 0);
    expectClose(
      flat(tf.image.adjustContrast(two, 2.0)),
      [...want, ...want.map((v) => v * 2)],
      1e-6,
    );
  });

  it("random_brightness and random_contrast draw from their ranges", () => {
    const x = tf.zeros([1, 1, 1]);
    const b = tf.image.randomBrightness(x, 0.5, 3);
    const half = img([0, 1], [1, 2, 1]);
    const c = tf.image.randomContrast(half, 0.2, 0.6, 3);
    using sess = new tf.Session();
    for (let i = 0; i < 20; i++) {
      const d = ((sess.run(b) as tf.NDArray).data as Float32Array)[0] as number;
      expect(d).toBeGreaterThanOrEqual(-0.5);
      expect(d).toBeLessThan(0.5);
      const [lo] = (sess.run(c) as tf.NDArray).data as Float32Array;
      // 0.5 - 0.5 * factor for a factor in [0.2, 0.6).
      expect(lo).toBeGreaterThan(0.2 - 1e-6);
      expect(lo).toBeLessThanOrEqual(0.4 + 1e-6);
    }
    expectValueError(() => tf.image.randomBrightness(x, -1), "max_delta must be non-negative.");
    expectValueError(() => tf.image.randomContrast(x, 0.5, 0.5), "upper must be > lower.");
    expectValueError(() => tf.image.randomContrast(x, -0.5, 0.5), "lower must be non-negative.");
  });

  it("per_image_standardization (PerImageStandardizationTest)", () => {
    const values = range(100);
    const mean = 49.5;
    const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / 100);
    const y = tf.image.perImageStandardization(img(values, [10, 10, 1]));
    // TF 1.15 converts the result back to the image's dtype: an Identity for float32.
    expect(y.op.name).toBe("per_image_standardization/Identity");
    expect(y.op.inputs[0]?.op.name).toBe("per_image_standardization");
    expect(y.op.inputs[0]?.op.type).toBe("RealDiv");
    expect(opList()).toContain(
      "per_image_standardization/reduce_std/reduce_variance/Square:Square",
    );
    expect(opList()).toContain("per_image_standardization/reduce_std/Sqrt:Sqrt");
    expectClose(
      flat(y),
      values.map((v) => (v - mean) / std),
      1e-5,
    );
    // A uniform image divides by 1 / sqrt(numElements) instead of a zero stddev.
    expect(flat(tf.image.perImageStandardization(tf.ones([2, 2, 1])))).toEqual([0, 0, 0, 0]);
    // A batch: each image on its own statistics.
    const batch = img([1, 3, 10, 30], [2, 1, 2, 1]);
    expectClose(flat(tf.image.perImageStandardization(batch)), [-1, 1, -1, 1], 1e-6);
    // An int32 image is converted to float32 ([0, 0.5]) and the result (±0.25 / rsqrt(2),
    // the minimum stddev) back to int32, scaled by 2**31.
    const ints = tf.image.perImageStandardization(img([0, 1 << 30], [1, 2, 1], "int32"));
    expect(ints.dtype).toBe("int32");
    expect(flat(ints)).toEqual([-759250112, 759250112]);
  });

  it("adjust_gamma, convert_image_dtype, grayscale_to_rgb", () => {
    const x = img(
      range(64).map((v) => (v * 4) / 255),
      [8, 8],
    );
    expectClose(flat(tf.image.adjustGamma(x, 1)), flat(x), 1e-6);
    expectClose(
      flat(tf.image.adjustGamma(x, 2, 0.5)),
      flat(x).map((v) => 0.5 * v * v),
      1e-6,
    );
    expectValueError(
      () => tf.image.adjustGamma(x, -1),
      "Gamma should be a non-negative real number.",
    );
    const f = img([0, 0.5, 1], [3]);
    const i = tf.image.convertImageDtype(f, tf.int32);
    expect(i.op.name).toBe("convert_image");
    // 1.0 scales to 2**31 in float32, beyond int32, which the cast wraps as TF's CPU cast
    // does on x86; saturate=True clamps to [-2**31, 2**31] in float32, the same value.
    expect(flat(i)).toEqual([0, 1073741824, -2147483648]);
    expect(flat(tf.image.convertImageDtype(img([-0.5], [1]), tf.int32, true))).toEqual([
      -1073741824,
    ]);
    const back = tf.image.convertImageDtype(
      img([0, 1073741824, 2147483647], [3], "int32"),
      "float32",
    );
    expectClose(flat(back), [0, 0.5, 1], 1e-6);
    const rgb = tf.image.grayscaleToRgb(img([1, 2], [1, 1, 2, 1]));
    expect(rgb.shape.toString()).toBe("(1, 1, 2, 3)");
    expect(rgb.op.name).toBe("grayscale_to_rgb");
    expect(flat(rgb)).toEqual([1, 1, 1, 2, 2, 2]);
    expectValueError(
      () => tf.image.grayscaleToRgb(tf.ones([2, 2, 3])),
      "Last dimension of a grayscale image should be size 1.",
    );
  });

  it("rgb_to_grayscale (RGBToGrayscaleTest): a Tensordot over the channels, names as TF", () => {
    const x = img([1, 2, 3, 4, 10, 1], [1, 1, 2, 3]);
    const y = tf.image.rgbToGrayscale(x);
    expect(y.shape.toString()).toBe("(1, 1, 2, 1)");
    expectClose(flat(y), [0.2989 + 2 * 0.587 + 3 * 0.114, 4 * 0.2989 + 10 * 0.587 + 0.114], 1e-6);
    expect(y.op.name).toBe("rgb_to_grayscale");
    expect(y.op.inputs[0]?.op.inputs[0]?.op.name).toBe("rgb_to_grayscale/Tensordot");
    const p = tf.placeholder(tf.float32, [null, null, 3]);
    const g = tf.image.rgbToGrayscale(p);
    expect(g.shape.toString()).toBe("(?, ?, 1)");
    const feed = new Map([[p, [[[1, 2, 3]], [[4, 10, 1]]]]]);
    expectClose(flat(g, feed), flat(y), 1e-6);
    expect(
      tf.image.grayscaleToRgb(tf.image.rgbToGrayscale(tf.ones([2, 2, 3]))).shape.toString(),
    ).toBe("(2, 2, 3)");
  });

  it("total_variation and image_gradients", () => {
    const a = img([1, 2, 4, 8, 16, 32], [2, 3, 1]);
    // Rows [1 2 4], [8 16 32]: |8-1| + |16-2| + |32-4| down, |2-1| + |4-2| + |16-8| + |32-16| across.
    expect(flat(tf.image.totalVariation(a))).toEqual([7 + 14 + 28 + 1 + 2 + 8 + 16]);
    const b = tf.stack([a, a.mul(2)]);
    expect(flat(tf.image.totalVariation(b))).toEqual([76, 152]);
    expectValueError(
      () => tf.image.totalVariation(tf.ones([2, 2])),
      "'images' must be either 3 or 4-dimensional.",
    );
    const image = tf.reshape(tf.range(25), [1, 5, 5, 1]);
    const [dy, dx] = tf.image.imageGradients(image);
    expect(flat(dy)).toEqual([...new Array<number>(20).fill(5), 0, 0, 0, 0, 0]);
    expect(flat(dx)).toEqual(range(25).map((i) => (i % 5 === 4 ? 0 : 1)));
  });
});

describe("gradients through the composite functions", () => {
  it("standardization, flips, crops and pads differentiate as their ops do", async () => {
    const { checkGradients } = await import("../../gradients/helpers.js");
    await checkGradients({
      inputs: [{ shape: [2, 3, 4, 2] }],
      graph: (x) => tf.image.perImageStandardization(x),
      step: 1e-3,
      fdTol: 2e-2,
    });
    await checkGradients({
      inputs: [{ shape: [3, 4, 2] }],
      graph: (x) =>
        tf.image.resizeImageWithCropOrPad(tf.image.flipLeftRight(tf.image.rot90(x, 1)), 3, 5),
    });
    await checkGradients({
      inputs: [{ shape: [5, 5, 1] }],
      graph: (x) => tf.image.padToBoundingBox(tf.image.centralCrop(x, 0.6), 1, 0, 4, 4),
    });
  });
});
