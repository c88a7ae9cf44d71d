/** tf.nn depthwise, separable and 1-D convolutions: TF's test values, graphs, names, errors. */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { direct, expectClose, expectValueError, opList, run, values } from "./helpers.js";

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

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

describe("tf.nn.depthwiseConv2dNative", () => {
  it("depthwise_conv_op_test.py testConv2D2x2Filter", () => {
    const y = tf.nn.depthwiseConv2dNative(
      ramp([1, 2, 3, 2]),
      ramp([2, 2, 2, 2]),
      [1, 1, 1, 1],
      "VALID",
    );
    expect(y.op.type).toBe("DepthwiseConv2dNative");
    expect(y.name).toBe("DepthwiseConv2dNative:0");
    expect(y.shape.toString()).toBe("(1, 1, 2, 4)");
    expect(y.op.attrs).toMatchObject({
      T: "float32",
      strides: [1, 1, 1, 1],
      padding: "VALID",
      data_format: "NHWC",
      dilations: [1, 1, 1, 1],
    });
    expect(flat(run(y))).toEqual([196, 216, 272, 296, 252, 280, 344, 376]);
  });

  it("strides, SAME padding and multipliers agree with tfjs", () => {
    const xs = values(2 * 7 * 6 * 3, 1);
    const ws = values(3 * 2 * 3 * 2, 2);
    for (const [s, padding, shape] of [
      [1, "SAME", "(2, 7, 6, 6)"],
      [2, "SAME", "(2, 4, 3, 6)"],
      [3, "VALID", "(2, 2, 2, 6)"],
    ] as const) {
      const y = tf.nn.depthwiseConv2dNative(
        tf.constant(xs, { shape: [2, 7, 6, 3] }),
        tf.constant(ws, { shape: [3, 2, 3, 2] }),
        [1, s, s, 1],
        padding,
      );
      const want = direct(() =>
        tfc.depthwiseConv2d(
          tfc.tensor4d(xs, [2, 7, 6, 3]),
          tfc.tensor4d(ws, [3, 2, 3, 2]),
          s,
          padding === "SAME" ? "same" : "valid",
        ),
      );
      expect(y.shape.toString()).toBe(shape);
      expectClose(run(y).toArray(), want);
    }
  });

  it("shape function errors name the op", () => {
    const x = tf.placeholder(tf.float32, [1, 4, 4, 3]);
    expect(() =>
      tf.nn.depthwiseConv2dNative(x, tf.zeros([2, 2, 2, 1]), [1, 1, 1, 1], "SAME"),
    ).toThrow("Dimensions must be equal, but are 3 and 2");
    expect(() =>
      tf.nn.depthwiseConv2dNative(x, tf.zeros([5, 5, 3, 1]), [1, 1, 1, 1], "VALID"),
    ).toThrow("Negative dimension size caused by subtracting 5 from 4");
    expect(() => tf.nn.depthwiseConv2dNative(x, tf.zeros([2, 2, 3, 1]), [1, 1, 1], "SAME")).toThrow(
      "DepthwiseConv2D requires the stride attribute to contain 4 values, but got: 3",
    );
    expectValueError(
      () => tf.nn.depthwiseConv2dNative(x, tf.zeros([2, 2, 3, 1]), [1, 1, 1, 1], "FULL"),
      `Attr 'padding' of 'DepthwiseConv2dNative' Op passed string 'FULL' not in: "SAME", "VALID".`,
    );
    expect(() =>
      tf.nn.depthwiseConv2dNative(x, tf.zeros([2, 2, 3, 1]), 1 as never, "SAME"),
    ).toThrow("Expected list for 'strides' argument to 'depthwise_conv2d_native' Op, not 1.");
    expect(() =>
      tf.nn.depthwiseConv2dNative(
        tf.zeros([1, 4, 4, 3], tf.int32),
        tf.zeros([2, 2, 3, 1], tf.int32),
        [1, 1, 1, 1],
        "SAME",
      ),
    ).toThrow(TypeError);
    // Nothing was added by the failed calls.
    expect(opList().filter((o) => o.includes("DepthwiseConv2dNative"))).toEqual([]);
  });

  it("kernel errors as TF's CPU kernel gives them", () => {
    const x = tf.constant(values(2 * 3 * 4 * 4, 3), { shape: [2, 3, 4, 4] });
    const w = tf.zeros([2, 2, 3, 1]);
    const unequal = tf.nn.depthwiseConv2dNative(tf.zeros([1, 4, 4, 3]), w, [1, 1, 2, 1], "SAME");
    const e1 = thrown(() => run(unequal));
    expect(e1).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(e1.message).toContain(
      "Current implementation only supports equal length strides in the row and column dimensions.",
    );
    const nchw = tf.nn.depthwiseConv2dNative(x, tf.zeros([2, 2, 3, 1]), [1, 1, 1, 1], "SAME", {
      dataFormat: "NCHW",
    });
    expect(nchw.shape.toString()).toBe("(2, 3, 4, 4)");
    const e2 = thrown(() => run(nchw));
    expect(e2).toBeInstanceOf(tf.errors.UnimplementedError);
    expect(e2.message).toContain("Depthwise convolution on CPU is only supported for NHWC format");
    const p = tf.placeholder(tf.float32, [null, null, null, null]);
    const y = tf.nn.depthwiseConv2dNative(p, w, [1, 1, 1, 1], "SAME");
    const e3 = thrown(() => run(y, new Map([[p, tfc.zeros([1, 4, 4, 2]).arraySync()]])));
    expect(e3).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(e3.message).toContain("input and filter must have the same depth: 2 vs 3");
  });
});

describe("tf.nn.depthwiseConv2d", () => {
  it("rate 1: the filter's Shape, dilation_rate and the op named depthwise", () => {
    const x = tf.placeholder(tf.float32, [null, 6, 6, 2], { name: "x" });
    const w = tf.placeholder(tf.float32, [3, 3, 2, 2], { name: "w" });
    const y = tf.nn.depthwiseConv2d(x, w, [1, 1, 1, 1], "SAME");
    expect(y.name).toBe("depthwise:0");
    expect(opList()).toEqual([
      "x:Placeholder",
      "w:Placeholder",
      "depthwise/Shape:Const",
      "depthwise/dilation_rate:Const",
      "depthwise:DepthwiseConv2dNative",
    ]);
  });

  it("rate 2: SpaceToBatchND, the op, BatchToSpaceND; values of an atrous convolution", () => {
    const xs = values(2 * 9 * 8 * 2, 4);
    const ws = values(3 * 3 * 2 * 2, 5);
    const x = tf.constant(xs, { shape: [2, 9, 8, 2], name: "x" });
    const w = tf.constant(ws, { shape: [3, 3, 2, 2], name: "w" });
    const same = tf.nn.depthwiseConv2d(x, w, [1, 1, 1, 1], "SAME", { rate: [2, 2] });
    expect(opList()).toEqual([
      "x:Const",
      "w:Const",
      "depthwise/Shape:Const",
      "depthwise/dilation_rate:Const",
      "depthwise/stack:Const",
      "depthwise/required_space_to_batch_paddings/input_shape:Const",
      "depthwise/required_space_to_batch_paddings/paddings:Const",
      "depthwise/required_space_to_batch_paddings/crops:Const",
      "depthwise/SpaceToBatchND/block_shape:Const",
      "depthwise/SpaceToBatchND/paddings:Const",
      "depthwise/SpaceToBatchND:SpaceToBatchND",
      "depthwise:DepthwiseConv2dNative",
      "depthwise/BatchToSpaceND/block_shape:Const",
      "depthwise/BatchToSpaceND/crops:Const",
      "depthwise/BatchToSpaceND:BatchToSpaceND",
    ]);
    expect(same.shape.toString()).toBe("(2, 9, 8, 4)");
    const valid = tf.nn.depthwiseConv2d(x, w, [1, 1, 1, 1], "VALID", { dilations: [3, 2] });
    expect(valid.shape.toString()).toBe("(2, 3, 4, 4)");
    const ref = (pad: "same" | "valid", d: [number, number]): unknown =>
      direct(() =>
        tfc.depthwiseConv2d(
          tfc.tensor4d(xs, [2, 9, 8, 2]),
          tfc.tensor4d(ws, [3, 3, 2, 2]),
          1,
          pad,
          "NHWC",
          d,
        ),
      );
    expectClose(run(same).toArray(), ref("same", [2, 2]));
    expectClose(run(valid).toArray(), ref("valid", [3, 2]));
  });

  it("rate 2 with spatial dims unknown until run time", () => {
    const xs = values(1 * 7 * 10 * 3, 6);
    const ws = values(2 * 3 * 3 * 1, 7);
    const x = tf.placeholder(tf.float32, [null, null, null, 3]);
    const y = tf.nn.depthwiseConv2d(
      x,
      tf.constant(ws, { shape: [2, 3, 3, 1] }),
      [1, 1, 1, 1],
      "SAME",
      {
        rate: [3, 2],
      },
    );
    const got = run(y, new Map([[x, tfc.tensor4d(xs, [1, 7, 10, 3]).arraySync()]]));
    expect(got.shape).toEqual([1, 7, 10, 3]);
    expectClose(
      got.toArray(),
      direct(() =>
        tfc.depthwiseConv2d(
          tfc.tensor4d(xs, [1, 7, 10, 3]),
          tfc.tensor4d(ws, [2, 3, 3, 1]),
          1,
          "same",
          "NHWC",
          [3, 2],
        ),
      ),
    );
  });

  it("errors: rate's rank, rate and dilations both given, padding", () => {
    const x = tf.placeholder(tf.float32, [1, 6, 6, 2]);
    const w = tf.zeros([3, 3, 2, 1]);
    expectValueError(
      () => tf.nn.depthwiseConv2d(x, w, [1, 1, 1, 1], "SAME", { rate: 2 }),
      "rate must be rank 1",
    );
    expectValueError(
      () => tf.nn.depthwiseConv2d(x, w, [1, 1, 1, 1], "SAME", { rate: [0, 1] }),
      "dilation_rate must be positive",
    );
    expectValueError(
      () => tf.nn.depthwiseConv2d(x, w, [1, 1, 1, 1], "FULL", { rate: [2, 2] }),
      "Invalid padding method 'FULL'",
    );
    expect(() =>
      tf.nn.depthwiseConv2d(x, w, [1, 1, 1, 1], "SAME", { rate: [2, 2], dilations: [2, 2] }),
    ).toThrow();
  });
});

describe("tf.nn.separableConv2d", () => {
  const SEPARABLE = [
    6644.5, 6971.5, 7298.5, 7625.5, 7952.5, 8279.5, 8606.5, 8154.5, 8556.5, 8958.5, 9360.5, 9762.5,
    10164.5, 10566.5, 9664.5, 10141.5, 10618.5, 11095.5, 11572.5, 12049.5, 12526.5, 4145.5, 4346.5,
    4547.5, 4748.5, 4949.5, 5150.5, 5351.5, 12684.5, 13311.5, 13938.5, 14565.5, 15192.5, 15819.5,
    16446.5, 14194.5, 14896.5, 15598.5, 16300.5, 17002.5, 17704.5, 18406.5, 15704.5, 16481.5,
    17258.5, 18035.5, 18812.5, 19589.5, 20366.5, 6499.5, 6814.5, 7129.5, 7444.5, 7759.5, 8074.5,
    8389.5, 18724.5, 19651.5, 20578.5, 21505.5, 22432.5, 23359.5, 24286.5, 20234.5, 21236.5,
    22238.5, 23240.5, 24242.5, 25244.5, 26246.5, 21744.5, 22821.5, 23898.5, 24975.5, 26052.5,
    27129.5, 28206.5, 8853.5, 9282.5, 9711.5, 10140.5, 10569.5, 10998.5, 11427.5, 5746.75, 6010.75,
    6274.75, 6538.75, 6802.75, 7066.75, 7330.75, 6168.75, 6452.25, 6735.75, 7019.25, 7302.75,
    7586.25, 7869.75, 6590.75, 6893.75, 7196.75, 7499.75, 7802.75, 8105.75, 8408.75, 2036.25,
    2119.5, 2202.75, 2286.0, 2369.25, 2452.5, 2535.75,
  ];

  it("conv_ops_test.py testSeparableConv2D, and its graph", () => {
    const y = tf.nn.separableConv2d(
      ramp([1, 4, 4, 2], 0.5),
      ramp([2, 2, 2, 3], 0.5),
      ramp([1, 1, 6, 7], 0.5),
      [1, 1, 1, 1],
      "SAME",
    );
    expect(y.shape.toString()).toBe("(1, 4, 4, 7)");
    expectClose(flat(run(y)), SEPARABLE, 1e-6);
    expect(opList().filter((o) => o.startsWith("separable_conv2d"))).toEqual([
      "separable_conv2d/Shape:Const",
      "separable_conv2d/dilation_rate:Const",
      "separable_conv2d/depthwise:DepthwiseConv2dNative",
      "separable_conv2d:Conv2D",
    ]);
    expect(y.op.attrs).toMatchObject({ strides: [1, 1, 1, 1], padding: "VALID" });
  });

  it("conv_ops_test.py testSeparableConv2DEqualInputOutputDepth", () => {
    const y = tf.nn.separableConv2d(
      ramp([1, 4, 4, 2], 0.5),
      ramp([2, 2, 2, 3], 0.5),
      ramp([1, 1, 6, 6], 0.5),
      [1, 1, 1, 1],
      "SAME",
    );
    const expected = [
      5742.0, 6069.0, 6396.0, 6723.0, 7050.0, 7377.0, 7047.0, 7449.0, 7851.0, 8253.0, 8655.0,
      9057.0, 8352.0, 8829.0, 9306.0, 9783.0, 10260.0, 10737.0, 3582.0, 3783.0, 3984.0, 4185.0,
      4386.0, 4587.0, 10962.0, 11589.0, 12216.0, 12843.0, 13470.0, 14097.0, 12267.0, 12969.0,
      13671.0, 14373.0, 15075.0, 15777.0, 13572.0, 14349.0, 15126.0, 15903.0, 16680.0, 17457.0,
      5616.0, 5931.0, 6246.0, 6561.0, 6876.0, 7191.0, 16182.0, 17109.0, 18036.0, 18963.0, 19890.0,
      20817.0, 17487.0, 18489.0, 19491.0, 20493.0, 21495.0, 22497.0, 18792.0, 19869.0, 20946.0,
      22023.0, 23100.0, 24177.0, 7650.0, 8079.0, 8508.0, 8937.0, 9366.0, 9795.0, 4963.5, 5227.5,
      5491.5, 5755.5, 6019.5, 6283.5, 5328.0, 5611.5, 5895.0, 6178.5, 6462.0, 6745.5, 5692.5,
      5995.5, 6298.5, 6601.5, 6904.5, 7207.5, 1757.25, 1840.5, 1923.75, 2007.0, 2090.25, 2173.5,
    ];
    expectClose(flat(run(y)), expected, 1e-6);
  });

  it("the pointwise filter must be [1, 1, in, out]", () => {
    const x = tf.placeholder(tf.float32, [1, 4, 4, 2]);
    const dw = tf.zeros([2, 2, 2, 1]);
    expectValueError(
      () => tf.nn.separableConv2d(x, dw, tf.zeros([2, 1, 2, 3]), [1, 1, 1, 1], "SAME"),
      "Dimensions 2 and 1 are not compatible",
    );
    expectValueError(
      () => tf.nn.separableConv2d(x, dw, tf.zeros([2, 3]), [1, 1, 1, 1], "SAME"),
      "Shape (2, 3) must have rank 4",
    );
  });
});

describe("tf.nn.conv1d", () => {
  it("conv1d_test.py testBasic: strides 1 and 2", () => {
    const x = tf.expandDims(tf.expandDims(tf.constant([1, 2, 3, 4], { dtype: tf.float32 }), 0), 2);
    const w = tf.expandDims(tf.expandDims(tf.constant([2, 1], { dtype: tf.float32 }), 1), 2);
    const s1 = tf.squeeze(tf.nn.conv1d(x, w, 1, "VALID"));
    const s2 = tf.squeeze(tf.nn.conv1d(x, w, 2, "VALID"));
    expect(flat(run(s1))).toEqual([2 * 1 + 1 * 2, 2 * 2 + 1 * 3, 2 * 3 + 1 * 4]);
    expect(flat(run(s2))).toEqual([2 * 1 + 1 * 2, 2 * 3 + 1 * 4]);
  });

  it("ExpandDims → Conv2D → Squeeze under conv1d, NWC and NCW", () => {
    const x = tf.placeholder(tf.float32, [null, 10, 3], { name: "x" });
    const w = tf.placeholder(tf.float32, [3, 3, 5], { name: "w" });
    const y = tf.nn.conv1d(x, w, 1, "SAME");
    expect(opList()).toEqual([
      "x:Placeholder",
      "w:Placeholder",
      "conv1d/ExpandDims/dim:Const",
      "conv1d/ExpandDims:ExpandDims",
      "conv1d/ExpandDims_1/dim:Const",
      "conv1d/ExpandDims_1:ExpandDims",
      "conv1d:Conv2D",
      "conv1d/Squeeze:Squeeze",
    ]);
    expect(y.shape.toString()).toBe("(?, 10, 5)");
    expect(tf.getDefaultGraph().getOperationByName("conv1d").attrs).toMatchObject({
      strides: [1, 1, 1, 1],
      data_format: "NHWC",
    });
    expect(tf.getDefaultGraph().getOperationByName("conv1d/Squeeze").attrs.squeeze_dims).toEqual([
      1,
    ]);
    const xc = tf.placeholder(tf.float32, [null, 3, 10]);
    const yc = tf.nn.conv1d(xc, w, { stride: 2, padding: "VALID", dataFormat: "NCW", name: "c" });
    expect(yc.shape.toString()).toBe("(?, 5, 4)");
    expect(tf.getDefaultGraph().getOperationByName("c").attrs).toMatchObject({
      strides: [1, 1, 1, 2],
      data_format: "NCHW",
      dilations: [1, 1, 1, 1],
    });
    expect(tf.getDefaultGraph().getOperationByName("c/Squeeze").attrs.squeeze_dims).toEqual([2]);
  });

  it("dilations, input= and errors", () => {
    const xs = values(2 * 12 * 2, 8);
    const ws = values(3 * 2 * 4, 9);
    const y = tf.nn.conv1d({
      input: tf.constant(xs, { shape: [2, 12, 2] }),
      filters: tf.constant(ws, { shape: [3, 2, 4] }),
      stride: 1,
      padding: "VALID",
      dilations: 3,
    });
    expect(y.shape.toString()).toBe("(2, 6, 4)");
    expectClose(
      run(y).toArray(),
      direct(() =>
        tfc.conv1d(tfc.tensor3d(xs, [2, 12, 2]), tfc.tensor3d(ws, [3, 2, 4]), 1, "valid", "NWC", 3),
      ),
    );
    const x = tf.placeholder(tf.float32, [1, 10, 3]);
    const w = tf.zeros([3, 3, 5]);
    expectValueError(
      () => tf.nn.conv1d(x, w, [1, 2], "SAME"),
      "stride should be of length 1, 1 or 3 but was 2",
    );
    expectValueError(
      () => tf.nn.conv1d(x, w, 1, "SAME", { dataFormat: "NHCW" }),
      'data_format must be "NWC" or "NCW".',
    );
  });
});

describe("import", () => {
  it("a training graph (depthwise, separable and their gradients) exports and imports with equal values", () => {
    const source = new tf.Graph();
    const names: string[] = [];
    source.asDefault(() => {
      const x = tf.constant(values(2 * 7 * 7 * 3, 21), { shape: [2, 7, 7, 3], name: "x" });
      const dw = tf.constant(values(3 * 3 * 3 * 2, 22), { shape: [3, 3, 3, 2], name: "dw" });
      const pw = tf.constant(values(6 * 4, 23), { shape: [1, 1, 6, 4], name: "pw" });
      const y = tf.nn.separableConv2d(x, dw, pw, [1, 2, 2, 1], "SAME");
      const z = tf.nn.depthwiseConv2d(x, dw, [1, 1, 1, 1], "VALID", { rate: [2, 2] });
      const loss = tf.add(tf.reduceSum(tf.square(y)), tf.reduceSum(z));
      const grads = tf.gradients(loss, [x, dw, pw]) as tf.Tensor[];
      for (const t of [y, z, ...grads]) names.push(t.name);
    });
    using before = new tf.Session({ graph: source });
    const expected = names.map((n) => ({
      shape: source.getTensorByName(n).shape.toString(),
      value: (before.run(source.getTensorByName(n)) as tf.NDArray).toArray(),
    }));
    const bytes = tf.GraphDef.toBinary(source.asGraphDef());
    const g = new tf.Graph();
    g.asDefault(() => tf.importGraphDef(tf.GraphDef.fromBinary(bytes), { name: "" }));
    using after = new tf.Session({ graph: g });
    const got = names.map((n) => ({
      shape: g.getTensorByName(n).shape.toString(),
      value: (after.run(g.getTensorByName(n)) as tf.NDArray).toArray(),
    }));
    expect(got).toEqual(expected);
    expect(
      g.getOperationByName(
        "gradients/separable_conv2d/depthwise_grad/DepthwiseConv2dNativeBackpropFilter",
      ).type,
    ).toBe("DepthwiseConv2dNativeBackpropFilter");
  });

  it("a GraphDef with DepthwiseConv2dNative as TF 1.15 writes it imports and runs", () => {
    const text = `
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } }
  attr { key: "shape" value { shape { dim { size: -1 } dim { size: 2 } dim { size: 3 } dim { size: 2 } } } } }
node { name: "w" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }
  attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 2 } dim { size: 2 } dim { size: 2 } dim { size: 2 } }
    tensor_content: "\\000\\000\\200?\\000\\000\\000@\\000\\000@@\\000\\000\\200@\\000\\000\\240@\\000\\000\\300@\\000\\000\\340@\\000\\000\\000A\\000\\000\\020A\\000\\000 A\\000\\0000A\\000\\000@A\\000\\000PA\\000\\000\`A\\000\\000pA\\000\\000\\200A" } } } }
node { name: "depthwise" op: "DepthwiseConv2dNative" input: "x" input: "w"
  attr { key: "T" value { type: DT_FLOAT } }
  attr { key: "data_format" value { s: "NHWC" } }
  attr { key: "dilations" value { list { i: 1 i: 1 i: 1 i: 1 } } }
  attr { key: "padding" value { s: "VALID" } }
  attr { key: "strides" value { list { i: 1 i: 1 i: 1 i: 1 } } } }
versions { producer: 134 }
`;
    const g = new tf.Graph();
    g.asDefault(() => tf.importGraphDef(tf.GraphDef.fromText(text), { name: "" }));
    const y = g.getTensorByName("depthwise:0");
    expect(y.shape.toString()).toBe("(?, 1, 2, 4)");
    using sess = new tf.Session({ graph: g });
    const input = [
      [
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        [
          [7, 8],
          [9, 10],
          [11, 12],
        ],
      ],
    ];
    const got = sess.run(y, new Map([[g.getTensorByName("x:0"), input]])) as tf.NDArray;
    expect(flat(got)).toEqual([196, 216, 272, 296, 252, 280, 344, 376]);
    // The graph exports back with TF's attrs and no others.
    const back = tf.GraphDef.toText(g.asGraphDef());
    expect(back).toContain('op: "DepthwiseConv2dNative"');
    expect(back).not.toContain("explicit_paddings");
  });
});

describe("tf.image.sobelEdges", () => {
  it("image_ops_test.py testSobelEdges1x2x3x1", () => {
    const img = tf.constant([1, 3, 6, 4, 1, 5], { shape: [1, 2, 3, 1], dtype: tf.float32 });
    const sobel = tf.image.sobelEdges(img);
    expect(sobel.shape.toString()).toBe("(1, 2, 3, 1, 2)");
    expect(flat(run(sobel))).toEqual([0, 0, 0, 12, 0, 0, 0, 0, 0, 12, 0, 0]);
  });

  it("image_ops_test.py testSobelEdges5x3x4x2, with the image's shape known at run time only", () => {
    const plane = [
      [1, 3, 6, 2],
      [4, 1, 5, 7],
      [2, 5, 1, 4],
    ];
    const batch = Array.from({ length: 5 }, () => plane.map((row) => row.map((v) => [v, v])));
    const expectedPlane = [
      [
        [0, 0],
        [0, 12],
        [0, 10],
        [0, 0],
      ],
      [
        [6, 0],
        [0, 6],
        [-6, 10],
        [-6, 0],
      ],
      [
        [0, 0],
        [0, 0],
        [0, 10],
        [0, 0],
      ],
    ];
    const expected = Array.from({ length: 5 }, () =>
      expectedPlane.map((row) => row.map((pair) => [pair, pair])),
    );
    const img = tf.placeholder(tf.float32, [null, null, null, 2]);
    const sobel = tf.image.sobelEdges(img);
    expect(sobel.shape.toString()).toBe("(?, ?, ?, 2, 2)");
    expect(run(sobel, new Map([[img, batch]])).toArray()).toEqual(expected);
    expect(opList()).toContain("sobel_filters:Tile");
    expect(opList()).toContain("depthwise:DepthwiseConv2dNative");
    expect(opList()).toContain("MirrorPad:MirrorPad");
  });
});

describe("tf.nn.convolution and tf.nn.atrousConv2d", () => {
  it("no dilation: the conv op itself, named convolution", () => {
    const x = tf.placeholder(tf.float32, [null, 8, 8, 3], { name: "x" });
    const w = tf.placeholder(tf.float32, [3, 3, 3, 4], { name: "w" });
    const y = tf.nn.convolution(x, w, "SAME", { strides: [2, 2] });
    expect(y.name).toBe("convolution:0");
    expect(y.op.attrs).toMatchObject({ strides: [1, 2, 2, 1], dilations: [1, 1, 1, 1] });
    expect(y.shape.toString()).toBe("(?, 4, 4, 4)");
    const s = tf.placeholder(tf.float32, [null, 10, 3], { name: "s" });
    const k = tf.placeholder(tf.float32, [3, 3, 5], { name: "k" });
    const z = tf.nn.convolution(s, k, "VALID");
    expect(z.name).toBe("convolution_1/Squeeze:0");
    expect(z.shape.toString()).toBe("(?, 8, 5)");
  });

  it("atrous_conv2d: SpaceToBatchND → Conv2D → BatchToSpaceND under convolution, values of a dilated conv2d", () => {
    const xs = values(2 * 11 * 10 * 3, 11);
    const ws = values(3 * 3 * 3 * 4, 12);
    const x = tf.constant(xs, { shape: [2, 11, 10, 3], name: "x" });
    const w = tf.constant(ws, { shape: [3, 3, 3, 4], name: "w" });
    for (const [rate, padding] of [
      [2, "SAME"],
      [3, "VALID"],
    ] as const) {
      tf.resetDefaultGraph();
      const xg = tf.constant(xs, { shape: [2, 11, 10, 3], name: "x" });
      const wg = tf.constant(ws, { shape: [3, 3, 3, 4], name: "w" });
      const y = tf.nn.atrousConv2d(xg, wg, rate, padding);
      expect(y.op.name).toBe("convolution/BatchToSpaceND");
      expect(tf.getDefaultGraph().getOperationByName("convolution").type).toBe("Conv2D");
      const want = direct(() =>
        tfc.conv2d(
          tfc.tensor4d(xs, [2, 11, 10, 3]),
          tfc.tensor4d(ws, [3, 3, 3, 4]),
          1,
          padding === "SAME" ? "same" : "valid",
          "NHWC",
          rate,
        ),
      );
      expectClose(run(y).toArray(), want, 1e-4);
    }
    expect(x.shape.toString()).toBe("(2, 11, 10, 3)");
    expect(w.shape.toString()).toBe("(3, 3, 3, 4)");
    tf.resetDefaultGraph();
    const p = tf.placeholder(tf.float32, [1, 9, 9, 2]);
    tf.nn.atrousConv2d(p, tf.zeros([3, 3, 2, 1]), 2, "SAME");
    expect(opList().filter((o) => o.startsWith("convolution"))).toEqual([
      "convolution/dilation_rate:Const",
      "convolution/filter_shape:Const",
      "convolution/stack:Const",
      "convolution/required_space_to_batch_paddings/input_shape:Const",
      "convolution/required_space_to_batch_paddings/paddings:Const",
      "convolution/required_space_to_batch_paddings/crops:Const",
      "convolution/SpaceToBatchND/block_shape:Const",
      "convolution/SpaceToBatchND/paddings:Const",
      "convolution/SpaceToBatchND:SpaceToBatchND",
      "convolution:Conv2D",
      "convolution/BatchToSpaceND/block_shape:Const",
      "convolution/BatchToSpaceND/crops:Const",
      "convolution/BatchToSpaceND:BatchToSpaceND",
    ]);
  });

  it("a dilated 1-D convolution, and errors", () => {
    const xs = values(1 * 15 * 2, 13);
    const ws = values(3 * 2 * 3, 14);
    const y = tf.nn.convolution(
      tf.constant(xs, { shape: [1, 15, 2] }),
      tf.constant(ws, { shape: [3, 2, 3] }),
      "SAME",
      { dilations: [3] },
    );
    expect(y.shape.toString()).toBe("(1, 15, 3)");
    expectClose(
      run(y).toArray(),
      direct(() =>
        tfc.conv1d(tfc.tensor3d(xs, [1, 15, 2]), tfc.tensor3d(ws, [3, 2, 3]), 1, "same", "NWC", 3),
      ),
      1e-4,
    );
    const x = tf.placeholder(tf.float32, [1, 8, 8, 2]);
    expectValueError(
      () => tf.nn.convolution(x, tf.zeros([3, 3, 2, 1]), "SAME", { strides: 2, dilationRate: 2 }),
      "strides > 1 not supported in conjunction with dilation_rate > 1",
    );
    expectValueError(
      () => tf.nn.convolution(x, tf.zeros([3, 3, 3, 1]), "SAME", { dilationRate: 2 }),
      "number of input channels does not match corresponding dimension of filter, 2 != 3",
    );
    expectValueError(
      () => tf.nn.convolution(tf.placeholder(tf.float32, [2, 3]), tf.zeros([3, 3]), "SAME"),
      "Input tensor must be of rank 3, 4 or 5 but was 2.",
    );
  });
});

describe("the composite convolutions check the op's attrs", () => {
  it("a padding the op does not take is op_def_library's error, with the graph unchanged", () => {
    const x = tf.placeholder(tf.float32, [1, 6, 6, 2]);
    const before = opList();
    expectValueError(
      () => tf.nn.depthwiseConv2d(x, tf.zeros([3, 3, 2, 1]), [1, 1, 1, 1], "FULL"),
      `Attr 'padding' of 'DepthwiseConv2dNative' Op passed string 'FULL' not in: "SAME", "VALID".`,
    );
    expectValueError(
      () =>
        tf.nn.separableConv2d(
          x,
          tf.zeros([3, 3, 2, 1]),
          tf.zeros([1, 1, 2, 4]),
          [1, 1, 1, 1],
          "full",
        ),
      `Attr 'padding' of 'DepthwiseConv2dNative' Op passed string 'full' not in: "SAME", "VALID".`,
    );
    expectValueError(
      () =>
        tf.nn.depthwiseConv2d(x, tf.zeros([3, 3, 2, 1]), [1, 1, 1, 1], "SAME", {
          dataFormat: "NWHC",
        }),
      'data_format must be "NHWC" or "NCHW".',
    );
    expect(opList().filter((o) => !before.includes(o) && !o.startsWith("zeros"))).toEqual([]);
  });
});
