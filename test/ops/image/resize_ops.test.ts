/**
 * The resize ops (`ResizeBilinear`, `ResizeNearestNeighbor`, `ResizeBicubic`) and
 * `tf.image.resizeImages`: values from TF 1.15's image_ops_test.py (ResizeImagesTest),
 * TF's corner and half-pixel conventions, static shapes, names, and gradients checked
 * against finite differences.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../../src/index.js";
import { checkGradients, gradientOpNames } from "../../gradients/helpers.js";
import { expectClose, expectValueError, opList, run } from "../helpers.js";

beforeEach(() => tf.resetDefaultGraph());

function image(data: number[], shape: number[], dtype: tf.DType = "float32"): tf.Tensor {
  return tf.constant(data, { shape, dtype });
}

function flat(t: tf.Tensor): number[] {
  return Array.from(run(t).data as ArrayLike<number>);
}

describe("resizeImages (TF's ResizeImagesTest cases)", () => {
  const UP = [64, 32, 32, 64, 50, 100];

  it("upsizes without align_corners (testResizeUpAlignCornersFalse)", () => {
    const x = image(UP, [1, 3, 2, 1]);
    expect(flat(tf.image.resizeImages(x, [6, 4], tf.image.ResizeMethod.BILINEAR))).toEqual([
      64, 48, 32, 32, 48, 48, 48, 48, 32, 48, 64, 64, 41, 61.5, 82, 82, 50, 75, 100, 100, 50, 75,
      100, 100,
    ]);
    expect(flat(tf.image.resizeImages(x, [6, 4], tf.image.ResizeMethod.NEAREST_NEIGHBOR))).toEqual([
      64, 64, 32, 32, 64, 64, 32, 32, 32, 32, 64, 64, 32, 32, 64, 64, 50, 50, 100, 100, 50, 50, 100,
      100,
    ]);
  });

  it("upsizes with align_corners (testResizeUpAlignCornersTrue)", () => {
    const x = image([6, 3, 3, 6, 6, 9], [1, 3, 2, 1]);
    expect(flat(tf.image.resizeImages(x, [5, 4], 0, true))).toEqual([
      6, 5, 4, 3, 4.5, 4.5, 4.5, 4.5, 3, 4, 5, 6, 4.5, 5.5, 6.5, 7.5, 6, 7, 8, 9,
    ]);
    expect(flat(tf.image.resizeImages(x, [5, 4], 1, true))).toEqual([
      6, 6, 3, 3, 3, 3, 6, 6, 3, 3, 6, 6, 6, 6, 9, 9, 6, 6, 9, 9,
    ]);
  });

  it("upsizes bicubically (testResizeUpBicubic, atol 1)", () => {
    const data = [
      128, 128, 64, 64, 128, 128, 64, 64, 64, 64, 128, 128, 64, 64, 128, 128, 50, 50, 100, 100, 50,
      50, 100, 100, 50, 50, 100, 100, 50, 50, 100, 100, 50, 50, 100, 100,
    ];
    const want = [
      128, 135, 96, 55, 64, 114, 134, 128, 78, 81, 68, 52, 57, 118, 144, 136, 55, 49, 79, 109, 103,
      89, 83, 84, 74, 70, 95, 122, 115, 69, 49, 55, 100, 105, 75, 43, 50, 89, 105, 100, 57, 54, 74,
      96, 91, 65, 55, 58, 70, 69, 75, 81, 80, 72, 69, 70, 105, 112, 75, 36, 45, 92, 111, 105,
    ];
    const got = flat(tf.image.resizeImages(image(data, [1, 6, 6, 1], "int32"), [8, 8], 2));
    got.forEach((v, i) => expect(Math.abs(v - (want[i] as number))).toBeLessThanOrEqual(1));
  });

  it("area: TF's testResizeDownArea (atol 1) and the AREA cases of the upsizing tests", () => {
    const data = [
      128, 64, 32, 16, 8, 4, 4, 8, 16, 32, 64, 128, 128, 64, 32, 16, 8, 4, 5, 10, 15, 20, 25, 30,
      30, 25, 20, 15, 10, 5, 5, 10, 15, 20, 25, 30,
    ];
    const want = [73, 33, 23, 39, 73, 33, 23, 39, 14, 16, 19, 21, 14, 16, 19, 21];
    const got = flat(
      tf.image.resizeImages(image(data, [1, 6, 6, 1], "int32"), [4, 4], tf.image.ResizeMethod.AREA),
    );
    got.forEach((v, i) => expect(Math.abs(v - (want[i] as number))).toBeLessThanOrEqual(1));
    expect(flat(tf.image.resizeImages(image(UP, [1, 3, 2, 1]), [6, 4], 3))).toEqual([
      64, 64, 32, 32, 64, 64, 32, 32, 32, 32, 64, 64, 32, 32, 64, 64, 50, 50, 100, 100, 50, 50, 100,
      100,
    ]);
    const x = image([6, 3, 3, 6, 6, 9], [1, 3, 2, 1]);
    expectClose(
      flat(tf.image.resizeImages(x, [5, 4], 3, true)),
      [6, 6, 6, 3, 6, 6, 6, 3, 3, 3, 3, 6, 3, 3, 3, 6, 6, 6, 6, 9],
    );
    // Downsizing by a non-integer factor weighs the partly covered cells.
    expectClose(
      flat(tf.image.resizeArea(image([1, 2, 3], [1, 1, 3, 1]), [1, 2])),
      [1.3333334, 2.6666667],
      1e-6,
    );
    expect(tf.image.resizeArea(image([1, 2, 3], [1, 1, 3, 1]), [1, 2]).op.attrs).toEqual({
      T: "float32",
      align_corners: false,
    });
  });

  it("downsizes 3-D and 4-D images (testResizeDown)", () => {
    const data = [
      127, 127, 64, 64, 127, 127, 64, 64, 64, 64, 127, 127, 64, 64, 127, 127, 50, 50, 100, 100, 50,
      50, 100, 100,
    ];
    for (const method of [0, 1, 2, 3]) {
      const y4 = tf.image.resizeImages(image(data, [1, 6, 4, 1]), [3, 2], method);
      const y3 = tf.image.resizeImages(image(data, [6, 4, 1]), [3, 2], method);
      expect(y4.shape.toString()).toBe("(1, 3, 2, 1)");
      expect(y3.shape.toString()).toBe("(3, 2, 1)");
      expectClose(flat(y4), [127, 64, 64, 127, 50, 100]);
      expectClose(flat(y3), [127, 64, 64, 127, 50, 100]);
    }
  });

  it("returns the images themselves when the size is statically the same", () => {
    const x = tf.placeholder(tf.int32, [1, 6, 4, 1]);
    expect(tf.image.resizeImages(x, [6, 4])).toBe(x);
    expect(tf.image.resizeImages(x, [3, 2]).dtype).toBe("float32");
    expect(tf.image.resizeImages(x, [3, 2], 1).dtype).toBe("int32");
  });

  it("resizes to a size fed at run time (testTensorArguments)", () => {
    const size = tf.placeholder(tf.int32, [2]);
    const x = image([1, 2, 3, 4, 5, 6], [1, 3, 2, 1]);
    const y = tf.image.resizeImages(x, size);
    expect(y.shape.toString()).toBe("(1, ?, ?, 1)");
    using sess = new tf.Session();
    const out = sess.run(y, new Map([[size, [3, 2]]]) as never) as tf.NDArray;
    expect(Array.from(out.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("infers shapes as TF (testShapeInference)", () => {
    const cases: [(number | null)[], (number | null)[]][] = [
      [
        [50, 60, 3],
        [55, 66, 3],
      ],
      [
        [null, 60, 3],
        [55, 66, 3],
      ],
      [
        [null, null, 3],
        [55, 66, 3],
      ],
      [
        [50, 60, null],
        [55, 66, null],
      ],
      [
        [null, null, null],
        [55, 66, null],
      ],
    ];
    for (const [input, want] of cases) {
      const x = tf.placeholder(tf.float32, input);
      expect(tf.image.resizeImages(x, [55, 66]).shape.asList()).toEqual(want);
    }
  });

  it("refuses bad sizes and ranks with TF's ValueErrors", () => {
    const x = tf.placeholder(tf.float32, [6, 4, 1]);
    const msg = "'size' must be a 1-D Tensor of 2 elements: new_height, new_width";
    expectValueError(() => tf.image.resizeImages(x, tf.constant(4, { dtype: "int32" })), msg);
    expectValueError(
      () => tf.image.resizeImages(x, tf.constant([6.5, 4])),
      "'size' must be a 1-D int32 Tensor",
    );
    expectValueError(() => tf.image.resizeImages(x, [1, 2, 3]), msg);
    expectValueError(
      () => tf.image.resizeImages(tf.placeholder(tf.float32), [2, 2]),
      "'images' contains no shape.",
    );
    expectValueError(
      () => tf.image.resizeImages(tf.placeholder(tf.float32, [2, 2]), [2, 2]),
      "'images' must have either 3 or 4 dimensions.",
    );
  });

  it("preserves the aspect ratio, fitting inside the size", () => {
    const y = tf.image.resizeImages(tf.ones([4, 6, 3]), [4, 4], { preserveAspectRatio: true });
    using sess = new tf.Session();
    expect((sess.run(y) as tf.NDArray).shape).toEqual([3, 4, 3]);
  });

  it("names its ops as TF 1.15 (resize/ResizeBilinear, resize/Squeeze)", () => {
    tf.image.resizeImages(tf.placeholder(tf.float32, [50, 60, 3], { name: "x" }), [55, 66]);
    expect(opList()).toEqual([
      "x:Placeholder",
      "resize/ExpandDims/dim:Const",
      "resize/ExpandDims:ExpandDims",
      "resize/size:Const",
      "resize/ResizeBilinear:ResizeBilinear",
      "resize/Squeeze:Squeeze",
    ]);
  });
});

describe("the resize ops", () => {
  it("half_pixel_centers samples at pixel centers (bilinear, nearest)", () => {
    const x = image([0, 1, 2, 3], [1, 1, 4, 1]);
    expect(flat(tf.image.resizeBilinear(x, [1, 2], { halfPixelCenters: true }))).toEqual([
      0.5, 2.5,
    ]);
    expect(flat(tf.image.resizeBilinear(x, [1, 8], false, true))).toEqual([
      0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3,
    ]);
    expect(flat(tf.image.resizeNearestNeighbor(x, [1, 2], false, true))).toEqual([1, 3]);
    expect(flat(tf.image.resizeNearestNeighbor(x, [1, 2]))).toEqual([0, 2]);
    expect(flat(tf.image.resizeNearestNeighbor(x, [1, 3], true))).toEqual([0, 2, 3]);
  });

  it("bicubic with half-pixel centers uses Keys' kernel, exact on a linear ramp", () => {
    const x = image([0, 1, 2, 3, 4, 5, 6, 7], [1, 1, 8, 1]);
    const y = flat(tf.image.resizeBicubic(x, [1, 16], { halfPixelCenters: true }));
    // Keys' cubic reproduces linear functions away from the border.
    expectClose(y.slice(4, 12), [1.75, 2.25, 2.75, 3.25, 3.75, 4.25, 4.75, 5.25], 1e-6);
  });

  it("the op's static shape and TF's shape errors", () => {
    const x = tf.placeholder(tf.float32, [2, null, null, 3]);
    expect(tf.image.resizeBilinear(x, [5, 7]).shape.toString()).toBe("(2, 5, 7, 3)");
    const size = tf.placeholder(tf.int32, [2]);
    expect(tf.image.resizeNearestNeighbor(x, size).shape.toString()).toBe("(2, ?, ?, 3)");
    tf.resetDefaultGraph();
    expect(() => tf.image.resizeBilinear(tf.placeholder(tf.float32, [2, 3, 3]), [5, 7])).toThrow(
      "Shape must be rank 4 but is rank 3 for 'ResizeBilinear' (op: 'ResizeBilinear') with input shapes: [2,3,3], [2].",
    );
    expect(tf.image.resizeBilinear(x, [5, 7]).op.attrs).toMatchObject({
      T: "float32",
      align_corners: false,
      half_pixel_centers: false,
    });
  });

  it("matches tfjs where tfjs follows TF (align_corners, half-pixel bilinear)", () => {
    const values = Array.from({ length: 2 * 5 * 7 * 3 }, (_, i) => Math.sin(i) * 10);
    const x = image(values, [2, 5, 7, 3]);
    const t = tfc.tensor4d(values, [2, 5, 7, 3]);
    for (const [align, half] of [
      [true, false],
      [false, true],
      [false, false],
    ] as const) {
      const got = flat(tf.image.resizeBilinear(x, [9, 4], align, half));
      const want = Array.from(tfc.image.resizeBilinear(t, [9, 4], align, half).dataSync());
      expectClose(got, want, 1e-5);
    }
    t.dispose();
  });

  it("refuses align_corners with half_pixel_centers at run time, as TF's kernels", () => {
    const y = tf.image.resizeBilinear(tf.ones([1, 2, 2, 1]), [3, 3], true, true);
    expect(() => run(y)).toThrow("If half_pixel_centers is True, align_corners must be False.");
  });

  it("fails at run time on a non-positive size, as TF's kernel", () => {
    const size = tf.placeholder(tf.int32, [2]);
    const y = tf.image.resizeBilinear(tf.ones([1, 2, 2, 1]), size);
    using sess = new tf.Session();
    expect(() => sess.run(y, new Map([[size, [0, 2]]]) as never)).toThrow(
      "output dimensions must be positive",
    );
  });
});

describe("resize gradients", () => {
  const f = (shape: number[]) => ({ shape });

  it("ResizeBilinearGrad (all corner conventions)", async () => {
    for (const [align, half] of [
      [false, false],
      [true, false],
      [false, true],
    ] as const) {
      await checkGradients({
        inputs: [f([2, 3, 4, 2])],
        graph: (x) => tf.image.resizeBilinear(x, [5, 3], align, half),
        fdSamples: 48,
      });
    }
    const x = tf.placeholder(tf.float32, [1, 2, 2, 1]);
    tf.gradients(tf.image.resizeBilinear(x, [3, 3]), [x]);
    expect(gradientOpNames()).toContain("gradients/ResizeBilinear_grad/ResizeBilinearGrad");
  });

  it("ResizeNearestNeighborGrad, with the size a constant or shape(image)[1:3]", async () => {
    for (const [align, half] of [
      [false, false],
      [true, false],
      [false, true],
    ] as const) {
      await checkGradients({
        inputs: [f([1, 4, 3, 2])],
        graph: (x) => tf.image.resizeNearestNeighbor(x, [7, 5], align, half),
        fdSamples: 24,
      });
    }
    const x = tf.placeholder(tf.float32, [1, null, null, 1]);
    const [g] = tf.gradients(tf.image.resizeNearestNeighbor(x, [4, 4]), [x]);
    expect((g as tf.Tensor).op.type).toBe("ResizeNearestNeighborGrad");
    expect((g as tf.Tensor).op.inputs[1]?.op.type).toBe("StridedSlice");
    const known = tf.placeholder(tf.float32, [1, 2, 2, 1]);
    const [g2] = tf.gradients(tf.image.resizeNearestNeighbor(known, [4, 4]), [known]);
    expect((g2 as tf.Tensor).op.inputs[1]?.op.name).toBe(
      "gradients_1/ResizeNearestNeighbor_1_grad/ResizeNearestNeighborGrad/size",
    );
    using sess = new tf.Session();
    const out = sess.run(
      g2 as tf.Tensor,
      new Map([
        [
          known,
          [
            [
              [[1], [2]],
              [[3], [4]],
            ],
          ],
        ],
      ]) as never,
    ) as tf.NDArray;
    expect(Array.from(out.data as Float32Array)).toEqual([4, 4, 4, 4]);
  });

  it("ResizeBicubicGrad (legacy and half-pixel)", async () => {
    for (const half of [false, true]) {
      await checkGradients({
        inputs: [f([1, 4, 5, 1])],
        graph: (x) => tf.image.resizeBicubic(x, [6, 3], false, half),
        fdSamples: 20,
      });
    }
  });

  it("integer images get no bicubic gradient, as TF", () => {
    const x = tf.placeholder(tf.int32, [1, 2, 2, 1]);
    expect(tf.gradients(tf.image.resizeBicubic(x, [3, 3]), [x])).toEqual([null]);
  });
});

describe("memory", () => {
  it("repeated runs of the image kernels and their gradients hold no tensors", () => {
    const x = tf.placeholder(tf.float32, [2, 5, 6, 3]);
    const boxes = tf.constant([
      [0.1, 0.1, 0.9, 0.8],
      [0, 0, 1, 1],
    ]);
    const ind = tf.constant([0, 1], { dtype: "int32" });
    const ys = [
      tf.image.resizeBilinear(x, [7, 4]),
      tf.image.resizeNearestNeighbor(x, [3, 9], true),
      tf.image.resizeBicubic(x, [4, 4], false, true),
      tf.image.cropAndResize(x, boxes, ind, [3, 3]),
      tf.image.adjustContrast(x, 1.5),
      tf.image.perImageStandardization(tf.image.randomFlipLeftRight(x, 1)),
    ];
    const grads = tf.gradients(tf.addN(ys.slice(0, 4).map((y) => tf.reduceSum(y))), [
      x,
      boxes,
    ]) as tf.Tensor[];
    const feed = new Map([
      [x, new tf.NDArray(new Float32Array(180).fill(0.5), [2, 5, 6, 3], "float32")],
    ]);
    using sess = new tf.Session();
    sess.run([...ys, ...grads], feed as never);
    const before = tfc.memory().numTensors;
    for (let i = 0; i < 5; i++) sess.run([...ys, ...grads], feed as never);
    expect(tfc.memory().numTensors).toBe(before);
  });
});
