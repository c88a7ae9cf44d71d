import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectClose, opList, run } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

/** TF's test inputs: 1, 2, 3, … (times `scale`) in the given shape. */
function ramp(shape: number[], scale = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.constant(
    Array.from({ length: n }, (_, i) => (i + 1) * scale),
    { shape, dtype: tf.float32 },
  );
}

function flat(a: tf.NDArray): number[] {
  return Array.from(a.data as ArrayLike<number>);
}

describe("tf.nn.depthwiseConv2dNative", () => {
  it("depthwise_conv_op_test.py testConv2D2x2Filter", () => {
    const y = tf.nn.depthwiseConv2dNative(ramp([1, 2, 3, 2]), ramp([2, 2, 2, 2]), [1, 1, 1, 1], "VALID");
    expect(y.op.type).toBe("DepthwiseConv2dNative");
    expect(y.name).toBe("DepthwiseConv2dNative:0");
    expect(y.shape.toString()).toBe("(1, 1, 2, 4)");
    expect(flat(run(y))).toEqual([196, 216, 272, 296, 252, 280, 344, 376]);
  });
});

describe("tf.nn.separableConv2d", () => {
  it("conv_ops_test.py testSeparableConv2D", () => {
    const y = tf.nn.separableConv2d(
      ramp([1, 4, 4, 2], 0.5),
      ramp([2, 2, 2, 3], 0.5),
      ramp([1, 1, 6, 7], 0.5),
      [1, 1, 1, 1],
      "SAME",
    );
    const expected = [
      6644.5, 6971.5, 7298.5, 7625.5, 7952.5, 8279.5, 8606.5, 8154.5, 8556.5, 8958.5, 9360.5,
      9762.5, 10164.5, 10566.5, 9664.5, 10141.5, 10618.5, 11095.5, 11572.5, 12049.5, 12526.5,
      4145.5, 4346.5, 4547.5, 4748.5, 4949.5, 5150.5, 5351.5, 12684.5, 13311.5, 13938.5, 14565.5,
      15192.5, 15819.5, 16446.5, 14194.5, 14896.5, 15598.5, 16300.5, 17002.5, 17704.5, 18406.5,
      15704.5, 16481.5, 17258.5, 18035.5, 18812.5, 19589.5, 20366.5, 6499.5, 6814.5, 7129.5,
      7444.5, 7759.5, 8074.5, 8389.5, 18724.5, 19651.5, 20578.5, 21505.5, 22432.5, 23359.5,
      24286.5, 20234.5, 21236.5, 22238.5, 23240.5, 24242.5, 25244.5, 26246.5, 21744.5, 22821.5,
      23898.5, 24975.5, 26052.5, 27129.5, 28206.5, 8853.5, 9282.5, 9711.5, 10140.5, 10569.5,
      10998.5, 11427.5, 5746.75, 6010.75, 6274.75, 6538.75, 6802.75, 7066.75, 7330.75, 6168.75,
      6452.25, 6735.75, 7019.25, 7302.75, 7586.25, 7869.75, 6590.75, 6893.75, 7196.75, 7499.75,
      7802.75, 8105.75, 8408.75, 2036.25, 2119.5, 2202.75, 2286.0, 2369.25, 2452.5, 2535.75,
    ];
    expect(y.shape.toString()).toBe("(1, 4, 4, 7)");
    expectClose(flat(run(y)), expected, 1e-6);
    expect(opList().filter((o) => !o.includes("Const"))).toEqual([
      "separable_conv2d/Shape:Const",
      "separable_conv2d/dilation_rate:Const",
      "separable_conv2d/depthwise:DepthwiseConv2dNative",
      "separable_conv2d:Conv2D",
    ].filter((o) => !o.includes("Const")));
  });
});

describe("tf.nn.conv1d", () => {
  it("conv1d_test.py testBasic", () => {
    // conv1d_test.py: x [2, 4, 1] = 1..4 per batch, filter [2, 1, 1] = [2, 1], stride 2, VALID.
    const x = tf.constant([1, 2, 3, 4, 1, 2, 3, 4], { shape: [2, 4, 1], dtype: tf.float32 });
    const w = tf.constant([2, 1], { shape: [2, 1, 1], dtype: tf.float32 });
    const y = tf.nn.conv1d(x, w, 2, "VALID");
    expect(y.shape.toString()).toBe("(2, 2, 1)");
    expect(flat(run(y))).toEqual([2 + 2, 6 + 4, 2 + 2, 6 + 4]);
  });
});
