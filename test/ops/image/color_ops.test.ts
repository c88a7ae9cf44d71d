/**
 * `RGBToHSV`, `HSVToRGB`, `AdjustHue`, `AdjustSaturation` and their functions: TF 1.15's
 * image_ops_test.py cases (uint8 images emulated as TF converts them: `x * (1/255)` in
 * float32 on the way in, `x * 255.5` truncated on the way out), round trips, names.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../../src/index.js";
import { expectClose, expectValueError, opList, run } from "../helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const f = Math.fround;
const X_DATA = [0, 5, 13, 54, 135, 226, 37, 8, 234, 90, 255, 1];

/** A uint8 image as `convert_image_dtype(image, tf.float32)` gives it. */
function fromUint8(values: number[], shape: number[]): tf.Tensor {
  return tf.constant(
    values.map((v) => f(v * f(1 / 255))),
    { shape },
  );
}

/** `convert_image_dtype(x, tf.uint8)`: scaled by 255.5 in float32, truncated. */
function toUint8(t: tf.Tensor): number[] {
  return Array.from(run(t).data as Float32Array).map((v) => Math.trunc(f(v * 255.5)));
}

describe("hue and saturation (AdjustHueTest, AdjustSaturationTest)", () => {
  it("adjust_hue by +0.25 and -0.25", () => {
    const x = fromUint8(X_DATA, [2, 2, 3]);
    expect(toUint8(tf.image.adjustHue(x, 0.25))).toEqual([
      13, 0, 11, 226, 54, 221, 234, 8, 92, 1, 217, 255,
    ]);
    expect(toUint8(tf.image.adjustHue(x, -0.25))).toEqual([
      0, 13, 1, 54, 226, 59, 8, 234, 150, 255, 39, 1,
    ]);
  });

  it("adjust_saturation by 0.5 and 2", () => {
    const x = fromUint8(X_DATA, [2, 2, 3]);
    expect(toUint8(tf.image.adjustSaturation(x, 0.5))).toEqual([
      6, 9, 13, 140, 180, 226, 135, 121, 234, 172, 255, 128,
    ]);
    expect(toUint8(tf.image.adjustSaturation(x, 2.0))).toEqual([
      0, 5, 13, 0, 106, 226, 30, 0, 234, 89, 255, 0,
    ]);
  });

  it("names the ops as TF and refuses bad ranges", () => {
    const x = tf.placeholder(tf.float32, [2, 2, 3], { name: "x" });
    const y = tf.image.adjustHue(x, 0.1);
    expect(y.op.name).toBe("adjust_hue/Identity");
    expect(opList()).toEqual([
      "x:Placeholder",
      "adjust_hue/AdjustHue/delta:Const",
      "adjust_hue/AdjustHue:AdjustHue",
      "adjust_hue/Identity:Identity",
    ]);
    expect(tf.image.adjustSaturation(x, 2).op.inputs[0]?.op.name).toBe(
      "adjust_saturation/AdjustSaturation",
    );
    expectValueError(() => tf.image.randomHue(x, 0.6), "max_delta must be <= 0.5.");
    expectValueError(() => tf.image.randomHue(x, -0.1), "max_delta must be non-negative.");
    expectValueError(() => tf.image.randomSaturation(x, 1, 0.5), "upper must be > lower.");
    expectValueError(() => tf.image.randomSaturation(x, -1, 0.5), "lower must be non-negative.");
    expect(() => tf.image.adjustHue(tf.ones([2, 3]), 0.1)).toThrow(
      "Shape must be at least rank 3 but is rank 2",
    );
  });

  it("random_hue and random_saturation keep the value (max channel) of each pixel", () => {
    const values = Array.from({ length: 4 * 4 * 3 }, (_, i) => ((i * 37) % 101) / 100);
    const x = tf.constant(values, { shape: [4, 4, 3] });
    const maxOf = (v: ArrayLike<number>) =>
      Array.from({ length: v.length / 3 }, (_, p) =>
        Math.max(v[3 * p] as number, v[3 * p + 1] as number, v[3 * p + 2] as number),
      );
    const want = maxOf(values);
    using sess = new tf.Session();
    const hue = tf.image.randomHue(x, 0.5, 3);
    const sat = tf.image.randomSaturation(x, 0.1, 3, 3);
    for (let i = 0; i < 5; i++) {
      expectClose(maxOf((sess.run(hue) as tf.NDArray).data as Float32Array), want, 1e-6);
      expectClose(maxOf((sess.run(sat) as tf.NDArray).data as Float32Array), want, 1e-6);
    }
  });
});

describe("RGBToHSV and HSVToRGB", () => {
  it("known values and round trips (RGBToHSVTest)", () => {
    const rgb = tf.constant([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0.5, 0.5, 0.5],
      [0, 0, 0],
    ]);
    const hsv = tf.image.rgbToHsv(rgb);
    expectClose(flat(hsv), [0, 1, 1, 1 / 3, 1, 1, 2 / 3, 1, 1, 0, 0, 0.5, 0, 0, 0], 1e-6);
    const values = Array.from({ length: 2 * 5 * 3 }, (_, i) => ((i * 53) % 97) / 96);
    const x = tf.constant(values, { shape: [2, 5, 3] });
    expectClose(flat(tf.image.hsvToRgb(tf.image.rgbToHsv(x))), values, 1e-5);
    expect(hsv.op.name).toBe("RGBToHSV");
    expect(() => tf.image.rgbToHsv(tf.ones([2, 4]))).toThrow("Dimension must be 3 but is 4");
  });
});

function flat(t: tf.Tensor): number[] {
  return Array.from(run(t).data as Float32Array);
}
