/**
 * `CropAndResize` and its gradient ops: values (bilinear, nearest, extrapolation, a box of
 * one row), tfjs's own crop-and-resize as a second reference, TF's shape function and run
 * time errors, and the gradients to the image and to the boxes against finite differences.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../../src/index.js";
import { checkGradients } from "../../gradients/helpers.js";
import { expectClose, run } from "../helpers.js";

beforeEach(() => tf.resetDefaultGraph());

function flat(t: tf.Tensor): number[] {
  return Array.from(run(t).data as ArrayLike<number>);
}

const IMAGE = [1, 2, 3, 4, 5, 6, 7, 8, 9];

describe("CropAndResize", () => {
  it("bilinear crops, boxes past the border extrapolated", () => {
    const image = tf.constant(IMAGE, { shape: [1, 3, 3, 1] });
    const boxes = [
      [0, 0, 1, 1],
      [0.5, 0.5, 1.5, 1.5],
      [0, 0, 0.5, 0.5],
    ];
    const y = tf.image.cropAndResize(image, boxes, [0, 0, 0], [3, 3], {
      extrapolationValue: -1,
    });
    expect(y.shape.toString()).toBe("(3, 3, 3, 1)");
    expect(y.op.name).toBe("CropAndResize");
    expect(flat(y)).toEqual([
      ...IMAGE,
      ...[5, 6, -1, 8, 9, -1, -1, -1, -1],
      ...[1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5],
    ]);
  });

  it("nearest and a crop of height 1 (the box's center)", () => {
    const image = tf.constant(IMAGE, { shape: [1, 3, 3, 1] });
    const near = tf.image.cropAndResize(image, [[0, 0, 0.6, 0.6]], [0], [2, 2], "nearest");
    // Coordinates 0 and 1.2 round to pixels 0 and 1.
    expect(flat(near)).toEqual([1, 2, 4, 5]);
    const row = tf.image.cropAndResize(image, [[0, 0, 1, 1]], [0], [1, 3]);
    expect(flat(row)).toEqual([4, 5, 6]);
  });

  it("agrees with tfjs's cropAndResize on random boxes", () => {
    const values = Array.from({ length: 2 * 6 * 7 * 3 }, (_, i) => Math.cos(i * 0.7) * 5);
    const boxes = [
      [0.1, 0.2, 0.8, 0.9],
      [-0.2, 0.3, 0.6, 1.3],
      [0.9, 0.9, 0.1, 0.2],
    ];
    const ind = [1, 0, 1];
    const image = tf.constant(values, { shape: [2, 6, 7, 3] });
    const t = tfc.tensor4d(values, [2, 6, 7, 3]);
    for (const method of ["bilinear", "nearest"] as const) {
      const got = flat(tf.image.cropAndResize(image, boxes, ind, [4, 5], method, 0.5));
      const want = tfc.image.cropAndResize(
        t,
        tfc.tensor2d(boxes),
        tfc.tensor1d(ind, "int32"),
        [4, 5],
        method,
        0.5,
      );
      expectClose(got, Array.from(want.dataSync()), 1e-5);
      want.dispose();
    }
    t.dispose();
  });

  it("TF's shape function and run-time errors", () => {
    const image = tf.placeholder(tf.float32, [2, null, null, 3]);
    const boxes = tf.placeholder(tf.float32, [null, 4]);
    const ind = tf.placeholder(tf.int32, [5]);
    expect(tf.image.cropAndResize(image, boxes, ind, [7, 8]).shape.toString()).toBe("(5, 7, 8, 3)");
    expect(() =>
      tf.image.cropAndResize(image, tf.placeholder(tf.float32, [5, 3]), ind, [7, 8]),
    ).toThrow("Dimension must be 4 but is 3");
    const y = tf.image.cropAndResize(tf.ones([1, 2, 2, 1]), [[0, 0, 1, 1]], [1], [2, 2]);
    expect(() => run(y)).toThrow("box_index has values outside [0, batch_size)");
  });
});

describe("CropAndResize gradients", () => {
  it("to the image (bilinear and nearest) and to the boxes", async () => {
    for (const method of ["bilinear", "nearest"] as const) {
      await checkGradients({
        inputs: [
          { shape: [2, 4, 5, 2] },
          // Boxes away from pixel boundaries, where the function is smooth in them.
          {
            shape: [3, 4],
            values: [0.13, 0.21, 0.71, 0.83, 0.05, 0.11, 0.37, 0.52, -0.1, 0.33, 0.61, 1.17],
            constant: method === "nearest",
          },
        ],
        graph: (image, boxes) =>
          tf.image.cropAndResize(
            image,
            boxes,
            tf.constant([0, 1, 1], { dtype: "int32" }),
            [3, 4],
            method,
          ),
        step: 1e-3,
        fdTol: 2e-2,
        fdSamples: 40,
      });
    }
  });

  it("names the gradient ops as TF and sends none to box_ind and crop_size", () => {
    const image = tf.placeholder(tf.float32, [1, 4, 4, 1]);
    const boxes = tf.placeholder(tf.float32, [2, 4]);
    const ind = tf.constant([0, 0], { dtype: "int32" });
    const y = tf.image.cropAndResize(image, boxes, ind, [2, 2]);
    const [gi, gb, gind] = tf.gradients(y, [image, boxes, ind]);
    expect((gi as tf.Tensor).op.name).toBe("gradients/CropAndResize_grad/CropAndResizeGradImage");
    expect((gi as tf.Tensor).op.inputs[3]?.op.name).toBe(
      "gradients/CropAndResize_grad/CropAndResizeGradImage/image_size",
    );
    expect((gb as tf.Tensor).op.name).toBe("gradients/CropAndResize_grad/CropAndResizeGradBoxes");
    expect(gind).toBeNull();
    // An image of unknown shape takes its size from shape(image); int images get no gradient.
    const dyn = tf.placeholder(tf.float32, [null, null, null, 1]);
    const [g] = tf.gradients(tf.image.cropAndResize(dyn, boxes, ind, [2, 2]), [dyn]);
    expect((g as tf.Tensor).op.inputs[3]?.op.type).toBe("Shape");
    const ints = tf.placeholder(tf.int32, [1, 4, 4, 1]);
    const [none, forBoxes] = tf.gradients(tf.image.cropAndResize(ints, boxes, ind, [2, 2]), [
      ints,
      boxes,
    ]);
    expect(none).toBeNull();
    expect((forBoxes as tf.Tensor).op.type).toBe("CropAndResizeGradBoxes");
  });
});

describe("the image ops through GraphDef export and import", () => {
  it("imported ops get TF's shapes from the shape functions and compute the same values", () => {
    const g = new tf.Graph();
    const names = g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [2, 5, 6, 3], { name: "x" });
      const boxes = tf.constant([
        [0, 0, 1, 1],
        [0.2, 0.1, 0.7, 0.9],
      ]);
      const ys = [
        tf.image.resizeBilinear(x, [7, 4], true),
        tf.image.resizeNearestNeighbor(x, [3, 9], false, true),
        tf.image.resizeBicubic(x, [4, 4]),
        tf.image.resizeArea(x, [2, 3]),
        tf.image.cropAndResize(x, boxes, tf.constant([1, 0], { dtype: "int32" }), [3, 3]),
        tf.image.adjustContrast(x, 1.5),
        tf.image.adjustHue(x, 0.2),
        tf.image.adjustSaturation(x, 0.5),
        tf.image.rgbToHsv(x),
      ];
      // Every op but ResizeArea (no gradient in TF 1.15) differentiated.
      const differentiable = [ys[0], ys[1], ys[2], ys[4]] as tf.Tensor[];
      const [grad] = tf.gradients(tf.addN(differentiable.map((y) => tf.reduceSum(y))), [x]);
      return [...ys, grad as tf.Tensor].map((t) => [t.name, t.shape.toString()] as const);
    });
    const graphDef = g.asGraphDef();
    const imported = new tf.Graph();
    imported.asDefault(() => tf.importGraphDef(graphDef, { name: "" }));
    const values = Array.from({ length: 180 }, (_, i) => ((i * 29) % 61) / 60);
    const feed = (graph: tf.Graph) =>
      new Map([
        [
          graph.getTensorByName("x:0"),
          new tf.NDArray(Float32Array.from(values), [2, 5, 6, 3], "float32"),
        ],
      ]);
    using before = new tf.Session({ graph: g });
    using after = new tf.Session({ graph: imported });
    for (const [name, shape] of names) {
      const t = imported.getTensorByName(name);
      expect(t.shape.toString(), name).toBe(shape);
      const want = before.run(g.getTensorByName(name), feed(g) as never) as tf.NDArray;
      const got = after.run(t, feed(imported) as never) as tf.NDArray;
      expect(Array.from(got.data as Float32Array), name).toEqual(
        Array.from(want.data as Float32Array),
      );
    }
  });
});
