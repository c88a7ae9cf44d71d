/**
 * The calling convention on the convolutions of the convs work: TF 1.15's positional form
 * and the options form build the same graph; deprecated names (`rate`/`dilations`,
 * `value`/`input`) stand for each other; wrong keys are refused with the graph unchanged.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectRefused, expectSameGraphs } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

function image(shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.reshape(tf.constant(Array.from({ length: size }, (_, i) => (i % 7) - 3)), shape);
}

function line(pic: string[], name: string): string {
  const found = pic.find((l) => l.startsWith(`${name} = `));
  expect(found, `no op ${name}`).toBeDefined();
  return found as string;
}

describe("tf.nn", () => {
  it("depthwiseConv2dNative(input, filter, strides, padding, data_format, dilations, name)", () => {
    const x = () => image([1, 5, 5, 2]);
    const w = () => tf.ones([3, 3, 2, 2]);
    const pic = expectSameGraphs(
      () => tf.nn.depthwiseConv2dNative(x(), w(), [1, 2, 2, 1], "SAME", "NHWC", [1, 1, 1, 1], "d"),
      () => tf.nn.depthwiseConv2dNative(x(), w(), [1, 2, 2, 1], "SAME", { name: "d" }),
      () =>
        tf.nn.depthwiseConv2dNative({
          input: x(),
          filter: w(),
          strides: [1, 2, 2, 1],
          padding: "SAME",
          name: "d",
        }),
    );
    expect(line(pic, "d")).toMatch(/^d = DepthwiseConv2dNative\(.*-> float32\(1, 3, 3, 4\)$/);
    const [xt, wt] = [x(), w()];
    expectRefused(
      () => tf.nn.depthwiseConv2dNative(xt, wt, [1, 1, 1, 1], "SAME", { rate: [1, 1] } as never),
      /unexpected keyword argument 'rate'/,
    );
  });

  it("depthwiseConv2d(input, filter, strides, padding, rate, name, data_format, dilations)", () => {
    const x = () => image([1, 6, 6, 2]);
    const w = () => tf.ones([3, 3, 2, 1]);
    const pic = expectSameGraphs(
      () => tf.nn.depthwiseConv2d(x(), w(), [1, 1, 1, 1], "SAME", [2, 2], "dw", "NHWC"),
      () => tf.nn.depthwiseConv2d(x(), w(), [1, 1, 1, 1], "SAME", { rate: [2, 2], name: "dw" }),
      () =>
        tf.nn.depthwiseConv2d(x(), w(), [1, 1, 1, 1], "SAME", { dilations: [2, 2], name: "dw" }),
      () =>
        tf.nn.depthwiseConv2d({
          input: x(),
          filter: w(),
          strides: [1, 1, 1, 1],
          padding: "SAME",
          rate: [2, 2],
          name: "dw",
        }),
    );
    expect(line(pic, "dw")).toMatch(/^dw = DepthwiseConv2dNative\(.*padding="VALID"/);
    expect(line(pic, "dw/BatchToSpaceND")).toMatch(/-> float32\(1, 6, 6, 2\)$/);
  });

  it("separableConv2d(input, depthwise_filter, pointwise_filter, strides, padding, rate, name, data_format, dilations)", () => {
    const x = () => image([1, 6, 6, 2]);
    const dw = () => tf.ones([3, 3, 2, 2]);
    const pw = () => tf.ones([1, 1, 4, 3]);
    const pic = expectSameGraphs(
      () => tf.nn.separableConv2d(x(), dw(), pw(), [1, 1, 1, 1], "VALID", null, "s", "NHWC"),
      () => tf.nn.separableConv2d(x(), dw(), pw(), [1, 1, 1, 1], "VALID", { name: "s" }),
      () =>
        tf.nn.separableConv2d({
          input: x(),
          depthwiseFilter: dw(),
          pointwiseFilter: pw(),
          strides: [1, 1, 1, 1],
          padding: "VALID",
          name: "s",
        }),
    );
    expect(line(pic, "s")).toMatch(/^s = Conv2D\(.*-> float32\(1, 4, 4, 3\)$/);
    expect(line(pic, "s/depthwise")).toMatch(/^s\/depthwise = DepthwiseConv2dNative\(/);
  });

  it("conv1d(value, filters, stride, padding, use_cudnn_on_gpu, data_format, name, input, dilations)", () => {
    const x = () => image([2, 9, 3]);
    const w = () => tf.ones([3, 3, 4]);
    const pic = expectSameGraphs(
      () => tf.nn.conv1d(x(), w(), 2, "SAME", true, "NWC", "c", undefined, 1),
      () => tf.nn.conv1d(x(), w(), 2, "SAME", { name: "c" }),
      () => tf.nn.conv1d({ input: x(), filters: w(), stride: 2, padding: "SAME", name: "c" }),
      () =>
        tf.nn.conv1d({ value: x(), filters: w(), stride: [1, 2, 1], padding: "SAME", name: "c" }),
    );
    expect(line(pic, "c/Squeeze")).toMatch(/-> float32\(2, 5, 4\)$/);
    expect(() => tf.nn.conv1d(x(), w(), 1, "SAME", { input: x() })).toThrow(
      new tf.errors.ValueError("Cannot specify both 'value' and 'input'"),
    );
  });
});

describe("tf.layers", () => {
  it("conv1d(inputs, filters, kernel_size, strides, padding, …) and Conv1D", () => {
    const pic = expectSameGraphs(
      () =>
        tf.layers.conv1d(
          image([1, 9, 2]),
          4,
          3,
          2,
          "same",
          "channels_last",
          1,
          null,
          true,
          null,
          undefined,
          null,
          null,
          null,
          null,
          null,
          true,
          "cv",
        ),
      () => tf.layers.conv1d(image([1, 9, 2]), 4, 3, { strides: 2, padding: "same", name: "cv" }),
      () =>
        tf.layers.conv1d({
          inputs: image([1, 9, 2]),
          filters: 4,
          kernelSize: [3],
          strides: [2],
          padding: "same",
          name: "cv",
        }),
      () => new tf.layers.Conv1D(4, 3, 2, "same", { name: "cv" }).apply(image([1, 9, 2])),
    );
    expect(line(pic, "cv/BiasAdd")).toMatch(/-> float32\(1, 5, 4\)$/);
    const seq = image([1, 9, 2]);
    expectRefused(
      () => tf.layers.conv1d(seq, 4, 3, { kernel_size: 3 } as never),
      "layers.conv1d() got an unexpected keyword argument 'kernel_size' (did you mean 'kernelSize'?)",
    );
  });

  it("separableConv2d/separableConv1d(inputs, filters, kernel_size, strides, …, depth_multiplier, …) and the classes", () => {
    const pic = expectSameGraphs(
      () =>
        tf.layers.separableConv2d(
          image([1, 6, 6, 2]),
          4,
          3,
          1,
          "valid",
          "channels_last",
          1,
          2,
          null,
          true,
          null,
          null,
          undefined,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          true,
          "sc",
        ),
      () =>
        tf.layers.separableConv2d(image([1, 6, 6, 2]), 4, 3, { depthMultiplier: 2, name: "sc" }),
      () =>
        new tf.layers.SeparableConv2D(4, [3, 3], { depthMultiplier: 2, name: "sc" }).apply(
          image([1, 6, 6, 2]),
        ),
    );
    expect(line(pic, "sc/BiasAdd")).toMatch(/-> float32\(1, 4, 4, 4\)$/);
    const pic1 = expectSameGraphs(
      () => tf.layers.separableConv1d(image([1, 8, 2]), 3, 2, 2, "same", { name: "s1" }),
      () =>
        tf.layers.separableConv1d({
          inputs: image([1, 8, 2]),
          filters: 3,
          kernelSize: 2,
          strides: 2,
          padding: "same",
          name: "s1",
        }),
      () => new tf.layers.SeparableConv1D(3, 2, 2, "same", { name: "s1" }).apply(image([1, 8, 2])),
    );
    expect(line(pic1, "s1/Squeeze")).toMatch(/-> float32\(1, 4, 3\)$/);
    const img = image([1, 6, 6, 2]);
    expectRefused(
      () => tf.layers.separableConv2d(img, 4, 3, { depth_multiplier: 2 } as never),
      "layers.separable_conv2d() got an unexpected keyword argument 'depth_multiplier' (did you mean 'depthMultiplier'?)",
    );
  });
});

describe("tf.nn.convolution, tf.nn.atrousConv2d, tf.image.sobelEdges", () => {
  it("convolution(input, filter, padding, strides, dilation_rate, name, data_format, filters, dilations)", () => {
    const x = () => image([1, 7, 7, 2]);
    const w = () => tf.ones([3, 3, 2, 3]);
    const pic = expectSameGraphs(
      () => tf.nn.convolution(x(), w(), "SAME", null, [2, 2], "cv", "NHWC"),
      () =>
        tf.nn.convolution(x(), w(), "SAME", {
          dilationRate: [2, 2],
          name: "cv",
          dataFormat: "NHWC",
        }),
      () => tf.nn.convolution(x(), w(), "SAME", { dilations: 2, name: "cv", dataFormat: "NHWC" }),
      () =>
        tf.nn.convolution({
          input: x(),
          filters: w(),
          padding: "SAME",
          dilations: [2, 2],
          name: "cv",
          dataFormat: "NHWC",
        }),
    );
    expect(line(pic, "cv")).toMatch(/^cv = Conv2D\(/);
    expect(line(pic, "cv/BatchToSpaceND")).toMatch(/-> float32\(1, 7, 7, 3\)$/);
  });

  it("atrousConv2d(value, filters, rate, padding, name) and sobelEdges(image)", () => {
    const x = () => image([1, 7, 7, 2]);
    const w = () => tf.ones([3, 3, 2, 3]);
    const pic = expectSameGraphs(
      () => tf.nn.atrousConv2d(x(), w(), 2, "VALID", "a"),
      () => tf.nn.atrousConv2d(x(), w(), 2, "VALID", { name: "a" }),
      () =>
        tf.nn.atrousConv2d({ value: x(), filters: w(), rate: [2, 2], padding: "VALID", name: "a" }),
    );
    expect(line(pic, "a/BatchToSpaceND")).toMatch(/-> float32\(1, 3, 3, 3\)$/);
    const pic2 = expectSameGraphs(
      () => tf.image.sobelEdges(x()),
      () => tf.image.sobelEdges({ image: x() }),
    );
    expect(line(pic2, "Reshape_1")).toMatch(/-> float32\(1, 7, 7, 2, 2\)$/);
  });
});

describe("the depthwise backprop functions", () => {
  it("depthwiseConv2dNativeBackpropInput/Filter(…, strides, padding, data_format, dilations, name), and their v1 aliases", () => {
    const w = () => tf.ones([2, 2, 2, 1]);
    const dy = () => tf.ones([1, 2, 2, 2]);
    const pic = expectSameGraphs(
      () =>
        tf.nn.depthwiseConv2dNativeBackpropInput(
          [1, 3, 3, 2],
          w(),
          dy(),
          [1, 1, 1, 1],
          "VALID",
          "NHWC",
          [1, 1, 1, 1],
          "bi",
        ),
      () =>
        tf.nn.depthwiseConv2dBackpropInput([1, 3, 3, 2], w(), dy(), [1, 1, 1, 1], "VALID", {
          name: "bi",
        }),
      () =>
        tf.nn.depthwiseConv2dNativeBackpropInput({
          inputSizes: [1, 3, 3, 2],
          filter: w(),
          outBackprop: dy(),
          strides: [1, 1, 1, 1],
          padding: "VALID",
          name: "bi",
        }),
    );
    expect(line(pic, "bi")).toMatch(
      /^bi = DepthwiseConv2dNativeBackpropInput\(.*-> float32\(1, 3, 3, 2\)$/,
    );
    const x = () => image([1, 3, 3, 2]);
    const pic2 = expectSameGraphs(
      () =>
        tf.nn.depthwiseConv2dNativeBackpropFilter(
          tf.cast(x(), tf.float32),
          [2, 2, 2, 1],
          dy(),
          [1, 1, 1, 1],
          "VALID",
          { name: "bf" },
        ),
      () =>
        tf.nn.depthwiseConv2dBackpropFilter({
          input: tf.cast(x(), tf.float32),
          filterSizes: [2, 2, 2, 1],
          outBackprop: dy(),
          strides: [1, 1, 1, 1],
          padding: "VALID",
          name: "bf",
        }),
    );
    expect(line(pic2, "bf")).toMatch(
      /^bf = DepthwiseConv2dNativeBackpropFilter\(.*-> float32\(2, 2, 2, 1\)$/,
    );
  });

  it("refuses what TF refuses, with the graph unchanged", () => {
    const w = tf.ones([2, 2, 2, 1]);
    const dy = tf.ones([1, 2, 2, 2]);
    const intDy = tf.ones([1, 2, 2, 2], tf.int32);
    expectRefused(
      () => tf.nn.depthwiseConv2dNativeBackpropInput([1, 3, 3, 2], w, intDy, [1, 1, 1, 1], "VALID"),
      "Input 'out_backprop' of 'DepthwiseConv2dNativeBackpropInput' Op has type int32 that does not match type float32 of argument 'filter'.",
    );
    expect(() =>
      tf.nn.depthwiseConv2dNativeBackpropInput([1, 3, 3, 2], w, dy, [1, 1, 1, 1], "FULL"),
    ).toThrow(
      `Attr 'padding' of 'DepthwiseConv2dNativeBackpropInput' Op passed string 'FULL' not in: "SAME", "VALID".`,
    );
  });

  it("a wrong out_backprop size is the kernel's error", () => {
    const dx = tf.nn.depthwiseConv2dNativeBackpropInput(
      [1, 4, 4, 2],
      tf.ones([2, 2, 2, 1]),
      tf.ones([1, 2, 2, 2]),
      [1, 1, 1, 1],
      "VALID",
    );
    using sess = new tf.Session();
    expect(() => sess.run(dx)).toThrow(
      "DepthwiseConv2DBackpropInput: Number of rows of out_backprop doesn't match computed: actual = 2, computed = 3",
    );
  });
});

// conv3d: the 3-D convolutions and pooling.
describe("tf.nn 3-D convolutions and pooling", () => {
  it("conv3d(input, filter, strides, padding, data_format, dilations, name, filters)", () => {
    const x = () => image([1, 4, 5, 6, 2]);
    const w = () => tf.ones([2, 2, 2, 2, 3]);
    const s = [1, 2, 2, 2, 1];
    const pic = expectSameGraphs(
      () => tf.nn.conv3d(x(), w(), s, "SAME", "NDHWC", [1, 1, 1, 1, 1], "c"),
      () => tf.nn.conv3d(x(), w(), s, "SAME", { name: "c" }),
      () => tf.nn.conv3d({ input: x(), filters: w(), strides: s, padding: "SAME", name: "c" }),
    );
    expect(line(pic, "c")).toMatch(/^c = Conv3D\(.*-> float32\(1, 2, 3, 3, 3\)$/);
    const [xt, wt] = [x(), w()];
    expectRefused(
      () => tf.nn.conv3d(xt, wt, s, "SAME", { rate: 2 } as never),
      /unexpected keyword argument 'rate'/,
    );
  });

  it("conv3dTranspose(value, filter, output_shape, strides, padding, data_format, name, input, filters, dilations)", () => {
    const x = () => image([1, 2, 2, 2, 3]);
    const w = () => tf.ones([2, 2, 2, 4, 3]);
    const out = [1, 4, 4, 4, 4];
    const pic = expectSameGraphs(
      () => tf.nn.conv3dTranspose(x(), w(), out, [1, 2, 2, 2, 1], "SAME", "NDHWC", "t"),
      () => tf.nn.conv3dTranspose(x(), w(), out, 2, { name: "t" }),
      () =>
        tf.nn.conv3dTranspose({
          input: x(),
          filters: w(),
          outputShape: out,
          strides: [2, 2, 2],
          name: "t",
        }),
    );
    expect(line(pic, "t")).toMatch(/^t = Conv3DBackpropInputV2\(.*-> float32\(1, 4, 4, 4, 4\)$/);
  });

  it("maxPool3d and avgPool3d(input, ksize, strides, padding, data_format, name)", () => {
    const x = () => image([1, 4, 4, 4, 2]);
    for (const [fn, type] of [
      [tf.nn.maxPool3d, "MaxPool3D"],
      [tf.nn.avgPool3d, "AvgPool3D"],
    ] as const) {
      tf.resetDefaultGraph();
      const pic = expectSameGraphs(
        () => fn(x(), [1, 2, 2, 2, 1], [1, 2, 2, 2, 1], "VALID", "NDHWC", "p"),
        () => fn(x(), 2, 2, "VALID", { name: "p" }),
        () => fn({ input: x(), ksize: [2, 2, 2], strides: 2, padding: "VALID", name: "p" }),
      );
      expect(line(pic, "p")).toMatch(new RegExp(`^p = ${type}\\(.*-> float32\\(1, 2, 2, 2, 2\\)$`));
    }
  });
});

// conv3d: the 3-D layers.
describe("tf.layers 3-D convolutions and pooling", () => {
  it("conv3d(inputs, filters, kernel_size, strides, padding, …) and Conv3D", () => {
    const x = () => image([1, 4, 5, 5, 2]);
    const pic = expectSameGraphs(
      () => tf.layers.conv3d(x(), 3, 2, 1, "same", "channels_last", 1, null, true, null),
      () => tf.layers.conv3d(x(), 3, 2, { padding: "same" }),
      () => tf.layers.conv3d({ inputs: x(), filters: 3, kernelSize: [2, 2, 2], padding: "same" }),
      () => new tf.layers.Conv3D(3, 2, 1, "same").apply(x()),
    );
    expect(line(pic, "conv3d/BiasAdd")).toMatch(/-> float32\(1, 4, 5, 5, 3\)$/);
  });

  it("conv3dTranspose(inputs, filters, kernel_size, strides, padding, …) and Conv3DTranspose", () => {
    const x = () => image([1, 2, 2, 2, 3]);
    const pic = expectSameGraphs(
      () => tf.layers.conv3dTranspose(x(), 2, 3, 2, "same"),
      () => tf.layers.conv3dTranspose(x(), 2, 3, { strides: 2, padding: "same" }),
      () => new tf.layers.Conv3DTranspose(2, 3, { strides: [2, 2, 2], padding: "same" }).apply(x()),
    );
    expect(line(pic, "conv3d_transpose/BiasAdd")).toMatch(/-> float32\(1, 4, 4, 4, 2\)$/);
    const z = x();
    expectRefused(
      () => tf.layers.conv3dTranspose(z, 2, 3, { dilationRate: 2 } as never),
      /unexpected keyword argument 'dilationRate'/,
    );
  });

  it("maxPooling3d/averagePooling3d(inputs, pool_size, strides, padding, data_format, name) and the classes", () => {
    const x = () => image([1, 4, 4, 4, 2]);
    for (const [fn, Cls, type] of [
      [tf.layers.maxPooling3d, tf.layers.MaxPooling3D, "MaxPool3D"],
      [tf.layers.averagePooling3d, tf.layers.AveragePooling3D, "AvgPool3D"],
    ] as const) {
      tf.resetDefaultGraph();
      const pic = expectSameGraphs(
        () => fn(x(), 2, 2, "valid", "channels_last", "p"),
        () => fn(x(), [2, 2, 2], 2, { name: "p" }),
        () => fn({ inputs: x(), poolSize: 2, strides: 2, name: "p" }),
        () => new Cls(2, 2, { name: "p" }).apply(x()),
      );
      expect(line(pic, `p/${type}`)).toMatch(/-> float32\(1, 2, 2, 2, 2\)$/);
    }
  });
});
