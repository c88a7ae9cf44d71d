/**
 * Dilated conv layers as TF 1.15's Keras `Conv` builds them: `nn_ops.Convolution` made in
 * `build` (a `dilation_rate` const, and with SAME padding `filter_shape` and `stack`), and in
 * `call` `_WithSpaceToBatch`'s `SpaceToBatchND` → conv op (dilations 1) → `BatchToSpaceND`.
 * Their values are the direct dilated convolution's, and they train.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

beforeEach(() => tf.resetDefaultGraph());

/** The layer's own ops (not its variables'), as `name:type`. */
function layerOps(prefix: string): string[] {
  return tf
    .getDefaultGraph()
    .getOperations()
    .filter((o) => o.name.startsWith(prefix) && !/\/(kernel|bias)(\/|$)/.test(o.name))
    .map((o) => `${o.name}:${o.type}`);
}

function ramp(shape: number[], scale = 0.1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.constant(
    Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) * scale * (1 + (i % 5))),
    tf.float32,
    shape,
  );
}

function values(t: tf.Tensor, sess: tf.Session): number[] {
  return Array.from(sess.run(t).data as Float32Array);
}

function expectClose(a: number[], b: number[]): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i] as number, 5);
}

describe("tf.layers.conv2d with a dilation rate", () => {
  it("builds TF's graph: dilation_rate, filter_shape, stack, then SpaceToBatchND → Conv2D → BatchToSpaceND", () => {
    tf.layers.conv2d(tf.placeholder(tf.float32, [1, 8, 8, 2]), 3, 3, {
      padding: "same",
      dilationRate: 2,
    });
    expect(layerOps("conv2d/")).toEqual([
      "conv2d/dilation_rate:Const",
      "conv2d/filter_shape:Const",
      "conv2d/stack:Const",
      "conv2d/required_space_to_batch_paddings/input_shape:Const",
      "conv2d/required_space_to_batch_paddings/paddings:Const",
      "conv2d/required_space_to_batch_paddings/crops:Const",
      "conv2d/SpaceToBatchND/block_shape:Const",
      "conv2d/SpaceToBatchND/paddings:Const",
      "conv2d/SpaceToBatchND:SpaceToBatchND",
      "conv2d/Conv2D:Conv2D",
      "conv2d/BatchToSpaceND/block_shape:Const",
      "conv2d/BatchToSpaceND/crops:Const",
      "conv2d/BatchToSpaceND:BatchToSpaceND",
      "conv2d/BiasAdd:BiasAdd",
    ]);
    const conv = tf.getDefaultGraph().getOperationByName("conv2d/Conv2D");
    expect(conv.attrs.dilations).toEqual([1, 1, 1, 1]);
    expect(conv.attrs.padding).toBe("VALID");
  });

  it("makes its dilation_rate const without dilation too, as TF's layers do", () => {
    tf.layers.conv2d(tf.placeholder(tf.float32, [1, 8, 8, 2]), 3, 3);
    expect(layerOps("conv2d/")).toEqual([
      "conv2d/dilation_rate:Const",
      "conv2d/Conv2D:Conv2D",
      "conv2d/BiasAdd:BiasAdd",
    ]);
  });

  for (const padding of ["same", "valid"] as const) {
    for (const dataFormat of ["channels_last", "channels_first"] as const) {
      it(`computes the direct dilated conv's values (${padding}, ${dataFormat})`, () => {
        const first = dataFormat === "channels_first";
        const x = ramp(first ? [2, 2, 9, 7] : [2, 9, 7, 2]);
        const y = tf.layers.conv2d(x, 3, [3, 2], {
          padding,
          dilationRate: [2, 3],
          dataFormat,
          kernelInitializer: tf.randomNormalInitializer({ seed: 3 }),
          biasInitializer: tf.constantInitializer(0.5),
        });
        const kernel = tf.getDefaultGraph().getTensorByName("conv2d/kernel:0");
        const direct = tf.nn.biasAdd(
          tf.nn.conv2d(x, kernel, {
            strides: 1,
            padding: padding === "same" ? "SAME" : "VALID",
            dilations: first ? [1, 1, 2, 3] : [1, 2, 3, 1],
            dataFormat: first ? "NCHW" : "NHWC",
          }),
          tf.getDefaultGraph().getTensorByName("conv2d/bias:0"),
          { dataFormat: first ? "NCHW" : "NHWC" },
        );
        expect(y.shape.toString()).toBe(direct.shape.toString());
        using sess = new tf.Session();
        sess.run(tf.globalVariablesInitializer());
        expectClose(values(y, sess), values(direct, sess));
      });
    }
  }

  it("takes inputs of unknown spatial size (paddings computed in the graph)", () => {
    const x = tf.placeholder(tf.float32, [null, null, null, 1]);
    const y = tf.layers.conv2d(x, 1, 3, {
      dilationRate: 2,
      kernelInitializer: tf.onesInitializer(),
      useBias: false,
    });
    expect(layerOps("conv2d/")).toContain("conv2d/SpaceToBatchND:SpaceToBatchND");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const feed = [
      Array.from({ length: 5 }, (_, r) => Array.from({ length: 5 }, (_, c) => [r * 5 + c])),
    ];
    const out = sess.run(y, new Map([[x, feed]]));
    // The taps at rows and columns 0, 2, 4: the nine corners, edges and centre of 5×5.
    expect(Array.from(out.data as Float32Array)).toEqual([0 + 2 + 4 + 10 + 12 + 14 + 20 + 22 + 24]);
  });

  it("makes its Convolution anew for a call of another known size (_recreate_conv_op)", () => {
    const layer = new tf.layers.Conv2D(2, 3, {
      padding: "same",
      dilationRate: 2,
      kernelInitializer: tf.randomNormalInitializer({ seed: 5 }),
    });
    const small = ramp([1, 6, 6, 1]);
    const large = ramp([1, 9, 7, 1]);
    const ys = [layer.apply(small), layer.apply(large)];
    const direct = [small, large].map((x) =>
      tf.nn.biasAdd(
        tf.nn.conv2d(x, layer.kernel as tf.Variable, {
          strides: 1,
          padding: "SAME",
          dilations: [1, 2, 2, 1],
        }),
        layer.bias as tf.Variable,
      ),
    );
    expect(layerOps("conv2d/")).toContain("conv2d/dilation_rate_1:Const");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expectClose(values(ys[0] as tf.Tensor, sess), values(direct[0] as tf.Tensor, sess));
    expectClose(values(ys[1] as tf.Tensor, sess), values(direct[1] as tf.Tensor, sess));
  });

  it("trains: gradients reach kernel and bias and a step lowers the loss", () => {
    const x = ramp([4, 8, 8, 2]);
    const target = ramp([4, 8, 8, 3], 0.05);
    const y = tf.layers.conv2d(x, 3, 3, {
      padding: "same",
      dilationRate: 2,
      kernelInitializer: tf.randomNormalInitializer({ seed: 1, stddev: 0.3 }),
    });
    const loss = tf.reduceMean(tf.square(tf.subtract(y, target)));
    const vars = tf.trainableVariables();
    const grads = tf.gradients(loss, vars);
    expect(grads.every((g) => g !== null)).toBe(true);
    const step = new tf.train.GradientDescentOptimizer(0.5).minimize(loss);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const before = sess.run(loss).item() as number;
    for (let i = 0; i < 5; i++) sess.run(step);
    expect(sess.run(loss).item() as number).toBeLessThan(before);
  });
});

describe("tf.layers.conv1d and conv3d with a dilation rate", () => {
  it("conv1d: SpaceToBatchND around conv1d's ExpandDims → Conv2D → Squeeze, after the causal Pad", () => {
    const x = ramp([2, 10, 2]);
    const y = tf.layers.conv1d(x, 3, 3, {
      padding: "causal",
      dilationRate: 2,
      kernelInitializer: tf.randomNormalInitializer({ seed: 2 }),
    });
    const ops = layerOps("conv1d/");
    expect(ops.slice(0, 3)).toEqual([
      "conv1d/dilation_rate:Const",
      "conv1d/Pad/paddings:Const",
      "conv1d/Pad:Pad",
    ]);
    const body = ops.filter((o) => !o.includes("/Const") && !o.endsWith(":Const"));
    expect(body).toEqual([
      "conv1d/Pad:Pad",
      "conv1d/SpaceToBatchND:SpaceToBatchND",
      "conv1d/conv1d/ExpandDims:ExpandDims",
      "conv1d/conv1d/ExpandDims_1:ExpandDims",
      "conv1d/conv1d:Conv2D",
      "conv1d/conv1d/Squeeze:Squeeze",
      "conv1d/BatchToSpaceND:BatchToSpaceND",
      "conv1d/BiasAdd:BiasAdd",
    ]);
    const kernel = tf.getDefaultGraph().getTensorByName("conv1d/kernel:0");
    const padded = tf.pad(x, [
      [0, 0],
      [4, 0],
      [0, 0],
    ]);
    const direct = tf.nn.conv1d(padded, kernel, { stride: 1, padding: "VALID", dilations: 2 });
    expect(y.shape.toString()).toBe("(2, 10, 3)");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expectClose(values(y, sess), values(direct, sess));
  });

  it("conv3d: SpaceToBatchND → Conv3D → BatchToSpaceND, the direct dilated conv's values", () => {
    const x = ramp([1, 6, 7, 5, 2]);
    const y = tf.layers.conv3d(x, 2, 2, {
      padding: "same",
      dilationRate: [2, 1, 2],
      kernelInitializer: tf.randomNormalInitializer({ seed: 4 }),
      useBias: false,
    });
    expect(layerOps("conv3d/").filter((o) => !o.endsWith(":Const"))).toEqual([
      "conv3d/SpaceToBatchND:SpaceToBatchND",
      "conv3d/Conv3D:Conv3D",
      "conv3d/BatchToSpaceND:BatchToSpaceND",
    ]);
    const kernel = tf.getDefaultGraph().getTensorByName("conv3d/kernel:0");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    // The direct dilated Conv3D has no CPU kernel (in TF either): the sum, taken here.
    const xs = values(x, sess);
    const ks = values(kernel, sess);
    const [D, H, W, C, F] = [6, 7, 5, 2, 2];
    const rate = [2, 1, 2];
    // SAME with a dilated 2-tap window: pad (extent - 1) / 2 before, floored.
    const before = rate.map((r) => Math.floor(r / 2));
    const want: number[] = [];
    for (let d = 0; d < D; d++)
      for (let h = 0; h < H; h++)
        for (let w = 0; w < W; w++)
          for (let f = 0; f < F; f++) {
            let sum = 0;
            for (let a = 0; a < 2; a++)
              for (let b = 0; b < 2; b++)
                for (let e = 0; e < 2; e++) {
                  const zd = d - (before[0] as number) + a * 2;
                  const zh = h - (before[1] as number) + b;
                  const zw = w - (before[2] as number) + e * 2;
                  if (zd < 0 || zd >= D || zh < 0 || zh >= H || zw < 0 || zw >= W) continue;
                  for (let c = 0; c < C; c++)
                    sum +=
                      (xs[((zd * H + zh) * W + zw) * C + c] as number) *
                      (ks[(((a * 2 + b) * 2 + e) * C + c) * F + f] as number);
                }
            want.push(sum);
          }
    expectClose(values(y, sess), want);
  });
});
