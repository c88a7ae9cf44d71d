/**
 * The calling convention (API.md's argument rule) on `tf.nn`, `tf.layers` and `tf.losses`:
 * TF 1.15's positional form and the options form build the same graph; the TF call shapes
 * that used to mean something else compute what TF computes; keyword-only functions refuse
 * positional use; unknown keys and wrong kinds are refused with the graph unchanged; the
 * composite ops are named as TF 1.15 names them.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";
import { expectRefused, expectSameGraphs } from "./helpers.js";

const X = [
  [1, -2, 3],
  [-4, 5, -6],
];
const X3 = [
  [
    [1, 2, 3, 4],
    [5, 6, 7, 8],
    [9, 10, 11, 12],
  ],
  [
    [-1, -2, -3, -4],
    [-5, -6, -7, -8],
    [-9, -10, -11, -12],
  ],
];

beforeEach(() => {
  tf.resetDefaultGraph();
});

function value(t: tf.Tensor): number[] {
  using sess = new tf.Session();
  const v = sess.run(t).toArray() as unknown;
  return Array.isArray(v) ? (v.flat(4) as number[]) : [v as number];
}

/** The line of a graph picture for op `name`. */
function line(pic: string[], name: string): string {
  const found = pic.find((l) => l.startsWith(`${name} = `));
  expect(found, `no op ${name}`).toBeDefined();
  return found as string;
}

function image(shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.reshape(tf.constant(Array.from({ length: size }, (_, i) => (i % 7) - 3)), shape);
}

describe("tf.nn", () => {
  it("conv2d(input, filter, strides, padding, use_cudnn_on_gpu, data_format, dilations, name, filters)", () => {
    const x = () => image([2, 5, 5, 3]);
    const w = () => tf.ones([3, 3, 3, 4]);
    const pic = expectSameGraphs(
      () => tf.nn.conv2d(x(), w(), [1, 2, 2, 1], "SAME", true, "NHWC", [1, 1, 1, 1], "c"),
      () => tf.nn.conv2d(x(), w(), { strides: [1, 2, 2, 1], padding: "SAME", name: "c" }),
      () => tf.nn.conv2d(x(), w(), 2, "SAME", { name: "c" }),
      () => tf.nn.conv2d({ input: x(), filters: w(), strides: 2, padding: "SAME", name: "c" }),
    );
    expect(line(pic, "c")).toMatch(/^c = Conv2D\(.*-> float32\(2, 3, 3, 4\)$/);
    expect(() => tf.nn.conv2d(x(), w(), 1, "SAME", { filters: w() })).toThrow(
      new tf.errors.ValueError("Cannot specify both 'filter' and 'filters'"),
    );
  });

  it("maxPool/avgPool(value, ksize, strides, padding, data_format, name, input)", () => {
    for (const [f, type] of [
      [tf.nn.maxPool, "MaxPool"],
      [tf.nn.avgPool, "AvgPool"],
    ] as const) {
      tf.resetDefaultGraph();
      const pic = expectSameGraphs(
        () => f(image([2, 4, 4, 3]), [1, 2, 2, 1], [1, 2, 2, 1], "VALID", "NHWC", "p"),
        () => f(image([2, 4, 4, 3]), { ksize: 2, strides: 2, padding: "VALID", name: "p" }),
        () => f({ value: image([2, 4, 4, 3]), ksize: 2, strides: 2, padding: "VALID", name: "p" }),
        () =>
          (f as (...a: unknown[]) => tf.Tensor)({
            input: image([2, 4, 4, 3]),
            ksize: 2,
            strides: 2,
            padding: "VALID",
            name: "p",
          }),
      );
      expect(line(pic, "p")).toMatch(new RegExp(`^p = ${type}\\(.*-> float32\\(2, 2, 2, 3\\)$`));
    }
    expect(
      value(tf.nn.maxPool(tf.reshape(tf.constant([1, 5, 2, 3]), [1, 2, 2, 1]), 2, 2, "VALID")),
    ).toEqual([5]);
  });

  it("relu, relu6, elu, selu, softplus (features, name); sigmoid, tanh (x, name)", () => {
    const fns = [
      [tf.nn.relu, "Relu"],
      [tf.nn.relu6, "Relu6"],
      [tf.nn.elu, "Elu"],
      [tf.nn.selu, "Selu"],
      [tf.nn.softplus, "Softplus"],
    ] as const;
    for (const [f, type] of fns) {
      const pic = expectSameGraphs(
        () => f(tf.constant(X), "a"),
        () => f(tf.constant(X), { name: "a" }),
        () => f({ features: tf.constant(X), name: "a" }),
      );
      expect(line(pic, "a")).toBe(`a = ${type}(Const:0) [T="float32"] -> float32(2, 3)`);
    }
    for (const [f, type] of [
      [tf.nn.sigmoid, "Sigmoid"],
      [tf.nn.tanh, "Tanh"],
    ] as const) {
      const pic = expectSameGraphs(
        () => f(tf.constant(X), "a"),
        () => f({ x: tf.constant(X), name: "a" }),
      );
      expect(line(pic, "a")).toBe(`a = ${type}(Const:0) [T="float32"] -> float32(2, 3)`);
    }
    expect(tf.nn.relu([-1, 2]).op.inputs[0]?.name).toBe("Relu/features:0");
    expect(value(tf.nn.relu(tf.constant(X)))).toEqual([1, 0, 3, 0, 5, 0]);
    expectRefused(
      () => tf.nn.relu(X, { x: 1 } as never),
      "nn.relu() got an unexpected keyword argument 'x'",
    );
  });

  it("biasAdd(value, bias, data_format, name)", () => {
    const pic = expectSameGraphs(
      () => tf.nn.biasAdd(tf.constant(X), tf.constant([1, 2, 3]), "NHWC", "b"),
      () => tf.nn.biasAdd(tf.constant(X), tf.constant([1, 2, 3]), { name: "b" }),
      () => tf.nn.biasAdd({ value: tf.constant(X), bias: tf.constant([1, 2, 3]), name: "b" }),
    );
    expect(line(pic, "b")).toMatch(/^b = BiasAdd\(Const:0,Const_1:0\).*-> float32\(2, 3\)$/);
    expectRefused(
      () => tf.nn.biasAdd(X, [1, 2, 3], { data_format: "NHWC" } as never),
      "nn.biasAdd() got an unexpected keyword argument 'data_format' (did you mean 'dataFormat'?)",
    );
  });

  it("softmax/logSoftmax(logits, axis, name, dim): tf.nn.softmax(x, 0) normalizes axis 0", () => {
    for (const f of [tf.nn.softmax, tf.nn.logSoftmax]) {
      const pic = expectSameGraphs(
        () => f(tf.constant(X3), 1, "s"),
        () => f(tf.constant(X3), { axis: 1, name: "s" }),
        () => f(tf.constant(X3), { dim: 1, name: "s" }),
        () => f(tf.constant(X3), null, "s", 1),
      );
      expect(line(pic, "s")).toMatch(/^s = Transpose\(.*-> float32\(2, 3, 4\)$/);
    }
    const s = value(tf.nn.softmax(tf.constant(X), 0));
    // Each column sums to 1 (axis 0), not each row.
    expect(s[0]! + s[3]!).toBeCloseTo(1, 6);
    expect(s[1]! + s[4]!).toBeCloseTo(1, 6);
    expect(s[0]! + s[1]! + s[2]!).not.toBeCloseTo(1, 2);
    expect(tf.nn.softmax(tf.constant(X), { name: "sm" }).name).toBe("sm:0");
    expectRefused(
      () => tf.nn.softmax(X, "0" as never),
      "nn.softmax() argument 'axis' (position 2) must be an int, not str '0'",
    );
  });

  it("dropout(x, keep_prob, noise_shape, seed, name, rate): tf.nn.dropout(x, 0.75) keeps 3/4", () => {
    const pic = expectSameGraphs(
      () => tf.nn.dropout(tf.constant(X3), 0.75, null, 3, "d"),
      () => tf.nn.dropout(tf.constant(X3), { keepProb: 0.75, seed: 3, name: "d" }),
      () => tf.nn.dropout(tf.constant(X3), { rate: 0.25, seed: 3, name: "d" }),
      () => tf.nn.dropout(tf.constant(X3), null, null, 3, "d", 0.25),
    );
    expect(line(pic, "d/mul_1")).toMatch(/-> float32\(2, 3, 4\)$/);
    const x = tf.constant(X3);
    const y = tf.nn.dropout(x, 0.75, null, 5);
    const xs = value(x);
    const ys = value(y);
    ys.forEach((v, i) => {
      if (v !== 0) expect(v).toBeCloseTo(xs[i]! / 0.75, 5);
    });
    expect(y.name).toBe("dropout/mul_1:0");
    expect(() => tf.nn.dropout(x, 0.5, { rate: 0.5 })).toThrow(
      "Cannot specify both 'keep_prob' and 'rate'.",
    );
    expectRefused(
      () => tf.nn.dropout(x, { keep_prob: 0.5 } as never),
      "nn.dropout() got an unexpected keyword argument 'keep_prob' (did you mean 'keepProb'?)",
    );
  });

  it("l2Loss(t, name): the op is named `name`", () => {
    const pic = expectSameGraphs(
      () => tf.nn.l2Loss(tf.constant(X), "l2"),
      () => tf.nn.l2Loss({ t: tf.constant(X), name: "l2" }),
    );
    expect(line(pic, "l2")).toBe('l2 = L2Loss(Const:0) [T="float32"] -> float32()');
    expect(value(tf.nn.l2Loss(tf.constant(X)))).toEqual([45.5]);
  });

  it("inTopK(predictions, targets, k, name): InTopKV2 under the in_top_k scope", () => {
    const pic = expectSameGraphs(
      () => tf.nn.inTopK(tf.constant(X), [2, 1], 1, "top"),
      () => tf.nn.inTopK(tf.constant(X), [2, 1], 1, { name: "top" }),
      () => tf.nn.inTopK({ predictions: tf.constant(X), targets: [2, 1], k: 1, name: "top" }),
    );
    expect(line(pic, "top/top")).toBe(
      'top/top = InTopKV2(Const:0,top/top/targets:0,top/top/k:0) [T="int32"] -> bool(2,)',
    );
    expect(value(tf.nn.inTopK(tf.constant(X), [2, 1], 1))).toEqual([true, true]);
  });

  it("logUniformCandidateSampler / uniformCandidateSampler(true_classes, num_true, num_sampled, unique, range_max, seed, name)", () => {
    for (const [fn, type] of [
      [tf.nn.logUniformCandidateSampler, "LogUniformCandidateSampler"],
      [tf.nn.uniformCandidateSampler, "UniformCandidateSampler"],
    ] as const) {
      tf.resetDefaultGraph();
      const classes = () => tf.constant([[1], [2]], { dtype: tf.int64 });
      const pic = expectSameGraphs(
        () => fn(classes(), 1, 3, true, 10, 7, "s"),
        () => fn(classes(), 1, 3, true, 10, { seed: 7, name: "s" }),
        () =>
          fn({
            trueClasses: classes(),
            numTrue: 1,
            numSampled: 3,
            unique: true,
            rangeMax: 10,
            seed: 7,
            name: "s",
          }),
      );
      expect(line(pic, "s")).toContain(`= ${type}(Const:0)`);
      const c = classes();
      expectRefused(
        () => fn(c, 1, 3, "yes" as never, 10),
        `nn.${type === "UniformCandidateSampler" ? "uniform" : "logUniform"}CandidateSampler() argument 'unique' (position 4) must be a bool, not str 'yes'`,
      );
    }
  });

  it("computeAccidentalHits(true_classes, sampled_candidates, num_true, seed, name)", () => {
    const classes = () => tf.constant([[1], [2]], { dtype: tf.int64 });
    const sampled = () => tf.constant([2, 5], { dtype: tf.int64 });
    const pic = expectSameGraphs(
      () => tf.nn.computeAccidentalHits(classes(), sampled(), 1, 3, "hits"),
      () => tf.nn.computeAccidentalHits(classes(), sampled(), 1, { seed: 3, name: "hits" }),
      () =>
        tf.nn.computeAccidentalHits({
          trueClasses: classes(),
          sampledCandidates: sampled(),
          numTrue: 1,
          seed: 3,
          name: "hits",
        }),
    );
    expect(line(pic, "hits")).toContain("= ComputeAccidentalHits(Const:0,Const_1:0)");
  });

  it("nceLoss / sampledSoftmaxLoss(weights, biases, labels, inputs, num_sampled, num_classes, num_true, sampled_values, remove_accidental_hits, partition_strategy, name[, seed])", () => {
    const w = () =>
      tf.constant([
        [1, 0],
        [0, 1],
        [1, 1],
        [2, 0],
      ]);
    const b = () => tf.constant([0, 0.5, 1, 0]);
    const x = () => tf.constant([[1, 2]]);
    const sv = () =>
      [
        tf.constant([2, 3], { dtype: tf.int64 }),
        tf.constant([[0.5]]),
        tf.constant([0.5, 0.25]),
      ] as const;
    const pic = expectSameGraphs(
      () => tf.nn.nceLoss(w(), b(), [[1]], x(), 2, 4, 1, sv(), true, "div", "nce"),
      () =>
        tf.nn.nceLoss(w(), b(), [[1]], x(), 2, 4, {
          sampledValues: sv(),
          removeAccidentalHits: true,
          partitionStrategy: "div",
          name: "nce",
        }),
    );
    expect(line(pic, "sampled_losses")).toMatch(/^sampled_losses = Add\(/);
    const pic2 = expectSameGraphs(
      () => tf.nn.sampledSoftmaxLoss(w(), b(), [[1]], x(), 2, 4, 1, sv(), false, "mod", "ssl", 5),
      () =>
        tf.nn.sampledSoftmaxLoss({
          weights: w(),
          biases: b(),
          labels: [[1]],
          inputs: x(),
          numSampled: 2,
          numClasses: 4,
          sampledValues: sv(),
          removeAccidentalHits: false,
          name: "ssl",
          seed: 5,
        }),
    );
    expect(line(pic2, "softmax_cross_entropy_with_logits")).toContain(
      "SoftmaxCrossEntropyWithLogits",
    );
    const [W, B, X] = [w(), b(), x()];
    expectRefused(
      () => tf.nn.nceLoss(W, B, [[1]], X, 2, 4, { seed: 1 } as never),
      "nn.nceLoss() got an unexpected keyword argument 'seed'",
    );
  });

  it("embeddingLookup(params, ids, partition_strategy, name, validate_indices, max_norm)", () => {
    const table = () => tf.constant(X3[0]!);
    const pic = expectSameGraphs(
      () => tf.nn.embeddingLookup(table(), [2, 0], "mod", "emb", true),
      () => tf.nn.embeddingLookup(table(), [2, 0], { name: "emb" }),
      () => tf.nn.embeddingLookup({ params: [table()], ids: [2, 0], name: "emb" }),
    );
    expect(line(pic, "emb")).toMatch(/^emb = GatherV2\(.*-> float32\(2, 4\)$/);
    expect(line(pic, "emb/Identity")).toMatch(/-> float32\(2, 4\)$/);
    expect(value(tf.nn.embeddingLookup(table(), [2, 0]))).toEqual([9, 10, 11, 12, 1, 2, 3, 4]);
    const pic2 = expectSameGraphs(
      () => tf.nn.embeddingLookup([table(), table()], [2, 0], "div", "emb", true, 1),
      () =>
        tf.nn.embeddingLookup([table(), table()], [2, 0], {
          partitionStrategy: "div",
          name: "emb",
          maxNorm: 1,
        }),
    );
    expect(line(pic2, "emb")).toMatch(/^emb = ParallelDynamicStitch\(/);
    expectRefused(
      () => tf.nn.embeddingLookup(X3[0]!, [0], "range" as never),
      "nn.embeddingLookup() argument 'partitionStrategy' (position 3) must be one of 'mod', 'div', not str 'range'",
    );
  });

  it("moments(x, axes, shift, name, keep_dims, keepdims): moments/mean, moments/variance", () => {
    const pic = expectSameGraphs(
      () => tf.nn.moments(tf.constant(X3), [0, 1], null, "m", null, true),
      () => tf.nn.moments(tf.constant(X3), [0, 1], { name: "m", keepdims: true }),
      () => tf.nn.moments(tf.constant(X3), [0, 1], { name: "m", keepDims: true }),
      () => tf.nn.moments({ x: tf.constant(X3), axes: [0, 1], name: "m", keepdims: true }),
    );
    expect(line(pic, "m/mean")).toMatch(/-> float32\(1, 1, 4\)$/);
    expect(line(pic, "m/variance")).toMatch(/-> float32\(1, 1, 4\)$/);
    const [mean, variance] = tf.nn.moments(tf.constant(X), 0);
    expect(mean.name).toBe("moments/Squeeze:0");
    expect(variance.name).toBe("moments/Squeeze_1:0");
    expect(value(mean)).toEqual([-1.5, 1.5, -1.5]);
    expect(value(variance)).toEqual([6.25, 12.25, 20.25]);
  });

  it("the xent functions take keywords only, refusing positional use as TF's _sentinel does", () => {
    const labels = tf.constant([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const logits = tf.constant(X);
    for (const [f, tfName] of [
      [tf.nn.softmaxCrossEntropyWithLogits, "softmax_cross_entropy_with_logits"],
      [tf.nn.sparseSoftmaxCrossEntropyWithLogits, "sparse_softmax_cross_entropy_with_logits"],
      [tf.nn.sigmoidCrossEntropyWithLogits, "sigmoid_cross_entropy_with_logits"],
    ] as const) {
      expectThrowsAndUnchanged(
        () => (f as (...a: unknown[]) => tf.Tensor)(labels, logits),
        tf.errors.ValueError,
        `Only call \`${tfName}\` with named arguments (labels=..., logits=..., ...)`,
      );
      expectThrowsAndUnchanged(
        () => (f as (...a: unknown[]) => tf.Tensor)({ logits }),
        tf.errors.ValueError,
        "Both labels and logits must be provided.",
      );
    }
    expectRefused(
      () => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: [1, 0], logits, dim: 1 } as never),
      "nn.sparseSoftmaxCrossEntropyWithLogits() got an unexpected keyword argument 'dim'",
    );
  });

  it("xent op names as TF 1.15 gives them: xent/xent for the sparse one, the scope for the others", () => {
    const logits = tf.constant(X);
    const sparse = tf.nn.sparseSoftmaxCrossEntropyWithLogits({
      labels: [1, 0],
      logits,
      name: "xent",
    });
    expect(sparse.name).toBe("xent/xent:0");
    expect(tf.getDefaultGraph().getTensorByName("xent/xent:0")).toBe(sparse);
    const plain = tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: [1, 0], logits });
    expect(plain.name).toBe(
      "SparseSoftmaxCrossEntropyWithLogits/SparseSoftmaxCrossEntropyWithLogits:0",
    );
    const rank3 = tf.nn.sparseSoftmaxCrossEntropyWithLogits({
      labels: [
        [1, 0, 2],
        [0, 0, 3],
      ],
      logits: tf.constant(X3),
      name: "x3",
    });
    expect(tf.getDefaultGraph().getOperationByName("x3/x3").type).toBe(
      "SparseSoftmaxCrossEntropyWithLogits",
    );
    expect(rank3.shape.toString()).toBe("(2, 3)");
    const soft = tf.nn.softmaxCrossEntropyWithLogits({
      labels: [
        [0, 1, 0],
        [1, 0, 0],
      ],
      logits,
      name: "sx",
    });
    expect(soft.name).toBe("sx:0");
    expect(tf.getDefaultGraph().getOperationByName("sx/labels_stop_gradient").type).toBe(
      "StopGradient",
    );
    const sig = tf.nn.sigmoidCrossEntropyWithLogits({
      labels: X.map((r) => r.map(() => 1)),
      logits,
      name: "lg",
    });
    expect(sig.name).toBe("lg:0");
    expect(sig.op.type).toBe("Add");
    expect(tf.losses.sparseSoftmaxCrossEntropy([1, 0], logits).op.inputs.length).toBeGreaterThan(0);
    expect(
      tf.getDefaultGraph().getOperationByName("sparse_softmax_cross_entropy_loss/xentropy/xentropy")
        .type,
    ).toBe("SparseSoftmaxCrossEntropyWithLogits");
  });

  it("softmaxCrossEntropyWithLogits (keywords; dim or axis) and ...V2(labels, logits, axis, name, dim)", () => {
    const labels = () =>
      tf.constant([
        [0, 1, 0],
        [1, 0, 0],
      ]);
    const pic = expectSameGraphs(
      () =>
        tf.nn.softmaxCrossEntropyWithLogits({ labels: labels(), logits: tf.constant(X), dim: 0 }),
      () =>
        tf.nn.softmaxCrossEntropyWithLogits({ labels: labels(), logits: tf.constant(X), axis: 0 }),
    );
    expect(line(pic, "softmax_cross_entropy_with_logits_sg/Reshape_2")).toMatch(
      /-> float32\(3,\)$/,
    );
    const v2 = expectSameGraphs(
      () => tf.nn.softmaxCrossEntropyWithLogitsV2(labels(), tf.constant(X), -1, "v"),
      () => tf.nn.softmaxCrossEntropyWithLogitsV2(labels(), tf.constant(X), { name: "v" }),
      () =>
        tf.nn.softmaxCrossEntropyWithLogitsV2({
          labels: labels(),
          logits: tf.constant(X),
          dim: -1,
          name: "v",
        }),
    );
    expect(line(v2, "v")).toMatch(
      /^v = SoftmaxCrossEntropyWithLogits\(.*-> float32\(2,\),float32\(2, 3\)$/,
    );
    expect(v2.some((l) => l.includes("StopGradient"))).toBe(false);
    const dflt = tf.nn.softmaxCrossEntropyWithLogitsV2(labels(), tf.constant(X));
    expect(dflt.name).toBe("softmax_cross_entropy_with_logits:0");
  });
});

describe("tf.layers", () => {
  it("dense(inputs, units, activation, …): tf.layers.dense(x, 4, tf.nn.relu) applies ReLU", () => {
    const x = () => tf.constant(X);
    const pic = expectSameGraphs(
      () =>
        tf.layers.dense(
          x(),
          4,
          tf.nn.relu,
          false,
          tf.onesInitializer(),
          null,
          null,
          null,
          null,
          null,
          null,
          true,
          "fc",
        ),
      () =>
        tf.layers.dense(x(), 4, {
          activation: tf.nn.relu,
          useBias: false,
          kernelInitializer: tf.onesInitializer(),
          name: "fc",
        }),
      () =>
        tf.layers.dense({
          inputs: x(),
          units: 4,
          activation: "relu",
          useBias: false,
          kernelInitializer: tf.onesInitializer(),
          name: "fc",
        }),
    );
    expect(line(pic, "fc/Relu")).toMatch(/^fc\/Relu = Relu\(fc\/MatMul:0\).*-> float32\(2, 4\)$/);
    const y = tf.layers.dense(x(), 4, tf.nn.relu, false, tf.onesInitializer());
    expect(y.op.type).toBe("Relu");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect((sess.run(y).toArray() as number[][]).flat()).toEqual([2, 2, 2, 2, 0, 0, 0, 0]);
  });

  it("Dense(units, activation, …, trainable, name, **kwargs)", () => {
    const pic = expectSameGraphs(
      () =>
        new tf.layers.Dense(
          3,
          "tanh",
          true,
          null,
          undefined, // not null: a None bias_initializer is the scope's initializer
          null,
          null,
          null,
          null,
          null,
          true,
          "d",
        ).apply(tf.constant(X)),
      () => new tf.layers.Dense(3, { activation: "tanh", name: "d" }).apply(tf.constant(X)),
      () => new tf.layers.Dense({ units: 3, activation: "tanh", name: "d" }).apply(tf.constant(X)),
    );
    expect(line(pic, "d/Tanh")).toMatch(/-> float32\(2, 3\)$/);
    expectRefused(
      () =>
        new tf.layers.Dense(
          3,
          null,
          true,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          true,
          "d",
          "float32" as never,
        ),
      "layers.Dense() takes at most 12 positional arguments but 13 were given",
    );
    expectRefused(
      () => new tf.layers.Dense(3, { kernel_initializer: tf.zerosInitializer() } as never),
      "layers.Dense() got an unexpected keyword argument 'kernel_initializer' (did you mean 'kernelInitializer'?)",
    );
    expectRefused(
      () => tf.layers.dense(X, 3, { activation: 1 } as never),
      "layers.dense() argument 'activation' must be a function or an activation name, not int 1",
    );
  });

  it("conv2d(inputs, filters, kernel_size, strides, …): tf.layers.conv2d(x, 4, 3, 2) strides 2", () => {
    const pic = expectSameGraphs(
      () =>
        tf.layers.conv2d(
          image([1, 7, 7, 2]),
          4,
          3,
          2,
          "valid",
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
      () => tf.layers.conv2d(image([1, 7, 7, 2]), 4, 3, { strides: 2, name: "cv" }),
      () => tf.layers.conv2d(image([1, 7, 7, 2]), 4, [3, 3], [2, 2], { name: "cv" }),
      () =>
        tf.layers.conv2d({
          inputs: image([1, 7, 7, 2]),
          filters: 4,
          kernelSize: 3,
          strides: 2,
          name: "cv",
        }),
    );
    expect(line(pic, "cv/Conv2D")).toMatch(/strides=\[1,2,2,1\].*-> float32\(1, 3, 3, 4\)$/);
    expect(tf.layers.conv2d(image([1, 7, 7, 2]), 4, 3, 2).shape.toString()).toBe("(1, 3, 3, 4)");
    const layer = new tf.layers.Conv2D(4, 3, 2, "same");
    expect(layer.strides).toEqual([2, 2]);
    expect(layer.padding).toBe("same");
    expectRefused(
      () => tf.layers.conv2d([[[[1]]]], 4, 3, { kernel_size: 3 } as never),
      "layers.conv2d() got an unexpected keyword argument 'kernel_size' (did you mean 'kernelSize'?)",
    );
  });

  it("maxPooling2d/averagePooling2d(inputs, pool_size, strides, padding, data_format, name) and the classes", () => {
    for (const [f, Cls, type] of [
      [tf.layers.maxPooling2d, tf.layers.MaxPooling2D, "MaxPool"],
      [tf.layers.averagePooling2d, tf.layers.AveragePooling2D, "AvgPool"],
    ] as const) {
      tf.resetDefaultGraph();
      const pic = expectSameGraphs(
        () => f(image([2, 4, 4, 3]), 2, 1, "same", "channels_last", "p"),
        () => f(image([2, 4, 4, 3]), 2, 1, { padding: "same", name: "p" }),
        () =>
          f({ inputs: image([2, 4, 4, 3]), poolSize: 2, strides: 1, padding: "same", name: "p" }),
        () => new Cls(2, 1, "same", "channels_last", "p").apply(image([2, 4, 4, 3])),
        () =>
          new Cls({ poolSize: 2, strides: 1, padding: "same", name: "p" }).apply(
            image([2, 4, 4, 3]),
          ),
      );
      expect(line(pic, `p/${type}`)).toMatch(/-> float32\(2, 4, 4, 3\)$/);
    }
  });

  it("batchNormalization(inputs, axis, momentum, epsilon, …, training, trainable, name, reuse, …)", () => {
    const x = () => tf.constant(X3);
    const pic = expectSameGraphs(
      () =>
        tf.layers.batchNormalization(
          x(),
          -1,
          0.9,
          0.01,
          true,
          true,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          true,
          true,
          "bn",
        ),
      () =>
        tf.layers.batchNormalization(x(), {
          momentum: 0.9,
          epsilon: 0.01,
          training: true,
          name: "bn",
        }),
      () =>
        tf.layers.batchNormalization({
          inputs: x(),
          momentum: 0.9,
          epsilon: 0.01,
          training: true,
          name: "bn",
        }),
      () =>
        new tf.layers.BatchNormalization(-1, 0.9, 0.01, { name: "bn", scope: "bn" }).apply(x(), {
          training: true,
        }),
    );
    expect(pic.some((l) => l.startsWith("bn/AssignMovingAvg = AssignSub"))).toBe(true);
    expectRefused(
      () => tf.layers.batchNormalization(X3, { is_training: true } as never),
      "layers.batchNormalization() got an unexpected keyword argument 'is_training'",
    );
    for (const [opts, what] of [
      [{ renorm: true }, "renorm=True (batch renormalization)"],
      [{ virtualBatchSize: 2 }, "virtual_batch_size (ghost batch normalization)"],
    ] as const) {
      expectThrowsAndUnchanged(
        () => tf.layers.batchNormalization(X3, opts),
        tf.errors.ValueError,
        `layers.batchNormalization(): ${what} is not supported by scopeflow.`,
      );
    }
    // TF ignores renorm_momentum and renorm_clipping without renorm.
    expect(tf.layers.batchNormalization(x(), { renormMomentum: 0.5 }).shape.toString()).toBe(
      "(2, 3, 4)",
    );
  });

  it("dropout(inputs, rate, noise_shape, seed, training, name) and Dropout(rate, noise_shape, seed, name)", () => {
    const pic = expectSameGraphs(
      () => tf.layers.dropout(tf.constant(X3), 0.3, null, 4, true, "dr"),
      () => tf.layers.dropout(tf.constant(X3), { rate: 0.3, seed: 4, training: true, name: "dr" }),
      () => new tf.layers.Dropout(0.3, null, 4, "dr").apply(tf.constant(X3), { training: true }),
      () =>
        new tf.layers.Dropout({ rate: 0.3, seed: 4, name: "dr" }).apply(tf.constant(X3), {
          training: true,
        }),
    );
    expect(line(pic, "dr/dropout/mul_1")).toMatch(/-> float32\(2, 3, 4\)$/);
    // training defaults to false: the input passes through.
    const off = tf.layers.dropout(tf.constant(X), 0.9);
    expect(off.op.type).toBe("Identity");
    expect(value(off)).toEqual(X.flat());
  });

  it("flatten(inputs, name, data_format) and Flatten(data_format, **kwargs)", () => {
    const pic = expectSameGraphs(
      () => tf.layers.flatten(tf.constant(X3), "fl", "channels_last"),
      () => tf.layers.flatten(tf.constant(X3), { name: "fl" }),
      () => new tf.layers.Flatten("channels_last", { name: "fl" }).apply(tf.constant(X3)),
    );
    expect(line(pic, "fl/Reshape")).toMatch(/-> float32\(2, 12\)$/);
    const first = tf.layers.flatten(tf.constant(X3), null, "channels_first");
    expect(value(first).slice(0, 4)).toEqual([1, 5, 9, 2]);
    expectRefused(
      () => new tf.layers.Flatten("channels_last", "fl" as never),
      "layers.Flatten() takes at most 1 positional argument but 2 were given",
    );
  });
});

describe("tf.losses", () => {
  const L = [
    [1, 0, 2],
    [0, 3, 1],
  ];
  const P = [
    [1.5, 0, 1],
    [1, 2, 1],
  ];

  it("mean_squared_error(labels, predictions, weights, scope, loss_collection, reduction) and the regression losses", () => {
    const cases = [
      ["meanSquaredError", tf.losses.meanSquaredError],
      ["absoluteDifference", tf.losses.absoluteDifference],
    ] as const;
    for (const [, f] of cases) {
      tf.resetDefaultGraph();
      const pic = expectSameGraphs(
        () =>
          f(tf.constant(L), tf.constant(P), 2.0, "l", tf.GraphKeys.LOSSES, tf.losses.Reduction.SUM),
        () =>
          f(tf.constant(L), tf.constant(P), {
            weights: 2.0,
            scope: "l",
            reduction: tf.losses.Reduction.SUM,
          }),
        () =>
          f({
            labels: tf.constant(L),
            predictions: tf.constant(P),
            weights: 2.0,
            scope: "l",
            reduction: "weighted_sum",
          }),
      );
      expect(line(pic, "l/Sum")).toMatch(/-> float32\(\)$/);
    }
    tf.resetDefaultGraph();
    expect(
      value(
        tf.losses.meanSquaredError(
          tf.constant(L),
          tf.constant(P),
          2.0,
          null,
          null,
          tf.losses.Reduction.SUM,
        ),
      ),
    ).toEqual([2 * (0.25 + 1 + 1 + 1 + 0)]);
    expect(tf.losses.getLosses()).toEqual([]);
    expect(value(tf.losses.absoluteDifference(L, P))[0]).toBeCloseTo((0.5 + 1 + 1 + 1) / 6, 6);
    // delta 0.5 (positionally after weights): 0.125 for |x| = 0.5, 0.375 for each |x| = 1.
    expect(value(tf.losses.huberLoss(L, P, 1.0, 0.5))[0]).toBeCloseTo(1.25 / 6, 6);
    const pic = expectSameGraphs(
      () => tf.losses.huberLoss(tf.constant(L), tf.constant(P), 1.0, 0.5, "h"),
      () => tf.losses.huberLoss(tf.constant(L), tf.constant(P), { delta: 0.5, scope: "h" }),
    );
    expect(line(pic, "h/value")).toMatch(/-> float32\(\)$/);
    const log = expectSameGraphs(
      () => tf.losses.logLoss([[1, 0]], [[0.9, 0.2]], 1.0, 1e-3, "g"),
      () => tf.losses.logLoss([[1, 0]], [[0.9, 0.2]], { epsilon: 1e-3, scope: "g" }),
    );
    expect(line(log, "g/value")).toMatch(/-> float32\(\)$/);
  });

  it("cosine_distance(labels, predictions, axis, weights, …, dim) and hinge_loss(labels, logits, …)", () => {
    const pic = expectSameGraphs(
      () => tf.losses.cosineDistance([[1, 0]], [[0.6, 0.8]], 1),
      () => tf.losses.cosineDistance([[1, 0]], [[0.6, 0.8]], { axis: 1 }),
      () => tf.losses.cosineDistance([[1, 0]], [[0.6, 0.8]], { dim: 1 }),
    );
    expect(line(pic, "cosine_distance_loss/value")).toMatch(/-> float32\(\)$/);
    tf.resetDefaultGraph();
    expect(value(tf.losses.cosineDistance([[1, 0]], [[0.6, 0.8]], 1))[0]).toBeCloseTo(0.4, 6);
    const hinge = expectSameGraphs(
      () => tf.losses.hingeLoss([1, 0], [0.3, -2], [1, 2], "hl"),
      () =>
        tf.losses.hingeLoss({ labels: [1, 0], logits: [0.3, -2], weights: [1, 2], scope: "hl" }),
    );
    expect(line(hinge, "hl/value")).toMatch(/-> float32\(\)$/);
  });

  it("mean_pairwise_squared_error(labels, predictions, weights, scope, loss_collection): no reduction", () => {
    const pic = expectSameGraphs(
      () => tf.losses.meanPairwiseSquaredError([[0, 1, 2]], [[0, 2, 2]], 1.0, "mp"),
      () => tf.losses.meanPairwiseSquaredError([[0, 1, 2]], [[0, 2, 2]], { scope: "mp" }),
    );
    expect(line(pic, "mp/value_2")).toMatch(/-> float32\(\)$/);
    expectRefused(
      () => tf.losses.meanPairwiseSquaredError([[0]], [[0]], { reduction: "none" } as never),
      "losses.meanPairwiseSquaredError() got an unexpected keyword argument 'reduction'",
    );
  });

  it("softmax_cross_entropy(onehot_labels, logits, weights, label_smoothing, …) and the other xent losses", () => {
    const onehot = [
      [0, 1, 0],
      [1, 0, 0],
    ];
    const pic = expectSameGraphs(
      () => tf.losses.softmaxCrossEntropy(onehot, tf.constant(X), 1.0, 0.1, "sx"),
      () =>
        tf.losses.softmaxCrossEntropy(onehot, tf.constant(X), { labelSmoothing: 0.1, scope: "sx" }),
      () =>
        tf.losses.softmaxCrossEntropy({
          onehotLabels: onehot,
          logits: tf.constant(X),
          labelSmoothing: 0.1,
          scope: "sx",
        }),
    );
    expect(line(pic, "sx/xentropy")).toMatch(/^sx\/xentropy = SoftmaxCrossEntropyWithLogits/);
    const sig = expectSameGraphs(
      () => tf.losses.sigmoidCrossEntropy(onehot, tf.constant(X), 1.0, 0.2),
      () => tf.losses.sigmoidCrossEntropy(onehot, tf.constant(X), { labelSmoothing: 0.2 }),
    );
    expect(line(sig, "sigmoid_cross_entropy_loss/xentropy")).toMatch(/= Add\(/);
    const sparse = expectSameGraphs(
      () => tf.losses.sparseSoftmaxCrossEntropy([1, 0], tf.constant(X), [1, 2], "sp"),
      () =>
        tf.losses.sparseSoftmaxCrossEntropy({
          labels: [1, 0],
          logits: tf.constant(X),
          weights: [1, 2],
          scope: "sp",
        }),
    );
    expect(line(sparse, "sp/xentropy/xentropy")).toMatch(/= SparseSoftmaxCrossEntropyWithLogits\(/);
    expectRefused(
      () => tf.losses.softmaxCrossEntropy(onehot, X, { label_smoothing: 0.1 } as never),
      "losses.softmaxCrossEntropy() got an unexpected keyword argument 'label_smoothing' (did you mean 'labelSmoothing'?)",
    );
  });

  it("compute_weighted_loss(losses, weights, scope, loss_collection, reduction); loss_collection=None", () => {
    const pic = expectSameGraphs(
      () => tf.losses.computeWeightedLoss(tf.constant(X), 0.5, "w", null, "weighted_mean"),
      () =>
        tf.losses.computeWeightedLoss(tf.constant(X), {
          weights: 0.5,
          scope: "w",
          lossCollection: null,
          reduction: "weighted_mean",
        }),
      () =>
        tf.losses.computeWeightedLoss({
          losses: tf.constant(X),
          weights: 0.5,
          scope: "w",
          lossCollection: null,
          reduction: "weighted_mean",
        }),
    );
    expect(line(pic, "w/value")).toMatch(/-> float32\(\)$/);
    tf.resetDefaultGraph();
    const kept = tf.losses.computeWeightedLoss(tf.constant(X), 0.5, null, null);
    expect(tf.losses.getLosses()).toEqual([]);
    const listed = tf.losses.computeWeightedLoss(tf.constant(X), 0.5, null, "mine");
    expect(tf.losses.getLosses(null, "mine")).toEqual([listed]);
    expect(tf.losses.getLosses({ lossCollection: "mine" })).toEqual([listed]);
    expect(value(kept)).toEqual([(0.5 * (1 - 2 + 3 - 4 + 5 - 6)) / 6]);
    expectRefused(
      () => tf.losses.computeWeightedLoss(X, { weight: 2 } as never),
      "losses.computeWeightedLoss() got an unexpected keyword argument 'weight' (did you mean 'weights'?)",
    );
  });

  it("add_loss(loss, loss_collection), get_regularization_loss(scope, name), get_total_loss(add_regularization_losses, name, scope)", () => {
    const a = tf.constant(2.0);
    tf.losses.addLoss(a);
    tf.losses.addLoss(tf.constant(5.0), null);
    tf.losses.addLoss(tf.constant(7.0), { lossCollection: "other" });
    expect(tf.losses.getLosses()).toEqual([a]);
    expect(tf.losses.getLosses(null, "other").length).toBe(1);
    tf.getDefaultGraph().addToCollection(tf.GraphKeys.REGULARIZATION_LOSSES, tf.constant(0.5));
    expect(tf.losses.getRegularizationLosses().length).toBe(1);
    expect(tf.losses.getRegularizationLoss(null, "reg").name).toBe("reg:0");
    const total = tf.losses.getTotalLoss(true, "tot");
    expect(total.name).toBe("tot:0");
    expect(value(total)).toEqual([2.5]);
    expect(value(tf.losses.getTotalLoss({ addRegularizationLosses: false }))).toEqual([2]);
    expectRefused(
      () => tf.losses.getTotalLoss({ add_regularization_losses: false } as never),
      "losses.getTotalLoss() got an unexpected keyword argument 'add_regularization_losses' (did you mean 'addRegularizationLosses'?)",
    );
  });
});

describe("tf.nn normalization", () => {
  it("lrn/localResponseNormalization(input, depth_radius, bias, alpha, beta, name)", () => {
    const x = () => image([1, 2, 2, 6]);
    const pic = expectSameGraphs(
      () => tf.nn.lrn(x(), 2, 1.5, 0.5, 0.75, "n"),
      () => tf.nn.lrn(x(), { depthRadius: 2, bias: 1.5, alpha: 0.5, beta: 0.75, name: "n" }),
      () =>
        tf.nn.localResponseNormalization(x(), 2, { bias: 1.5, alpha: 0.5, beta: 0.75, name: "n" }),
      () => tf.nn.lrn({ input: x(), depthRadius: 2, bias: 1.5, alpha: 0.5, beta: 0.75, name: "n" }),
    );
    expect(line(pic, "n")).toContain("= LRN(");
    const input = x();
    expectRefused(
      () => tf.nn.lrn(input, { depth_radius: 2 } as never),
      /did you mean 'depthRadius'/,
    );
  });

  it("batchNormalization(x, mean, variance, offset, scale, variance_epsilon, name)", () => {
    const pic = expectSameGraphs(
      () => tf.nn.batchNormalization(X, [1, 2, 3], [1, 1, 1], [0, 0, 0], [2, 2, 2], 0.001, "bn"),
      () =>
        tf.nn.batchNormalization(X, [1, 2, 3], [1, 1, 1], {
          offset: [0, 0, 0],
          scale: [2, 2, 2],
          varianceEpsilon: 0.001,
          name: "bn",
        }),
    );
    expect(line(pic, "bn/add_1")).toContain("= AddV2(bn/mul_1:0,bn/sub:0)");
    expect(value(tf.nn.batchNormalization([[3]], [1], [4], null, null, 0))).toEqual([1]);
  });

  it("fusedBatchNorm(x, scale, offset, mean, variance, epsilon, data_format, is_training, name)", () => {
    const x = () => image([2, 2, 2, 3]);
    const pic = expectSameGraphs(
      () =>
        tf.nn.fusedBatchNorm(
          x(),
          [1, 1, 1],
          [0, 0, 0],
          [0, 0, 0],
          [1, 1, 1],
          0.01,
          "NHWC",
          false,
          "f",
        ),
      () =>
        tf.nn.fusedBatchNorm(x(), [1, 1, 1], [0, 0, 0], {
          mean: [0, 0, 0],
          variance: [1, 1, 1],
          epsilon: 0.01,
          isTraining: false,
          name: "f",
        }),
    );
    expect(line(pic, "f")).toContain("= FusedBatchNormV3(");
    const input = x();
    expectRefused(
      () => tf.nn.fusedBatchNorm(input, [1, 1, 1], [0, 0, 0], { training: false } as never),
      /is_training|isTraining/,
    );
  });
});

describe("tf.nn.zeroFraction", () => {
  it("zeroFraction(value, name)", () => {
    const pic = expectSameGraphs(
      () => tf.nn.zeroFraction(X, "zf"),
      () => tf.nn.zeroFraction(X, { name: "zf" }),
      () => tf.nn.zeroFraction({ value: X, name: "zf" }),
    );
    expect(line(pic, "zf/fraction")).toContain("= Identity(zf/counts_to_fraction/truediv:0)");
    expect(
      value(
        tf.nn.zeroFraction([
          [0, 1],
          [2, 0],
        ]),
      ),
    ).toEqual([0.5]);
    expectRefused(() => tf.nn.zeroFraction(X, { nme: "zf" } as never), /nme/);
  });
});
