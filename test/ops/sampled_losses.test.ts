/**
 * word2vec's APIs: the candidate samplers, `computeAccidentalHits`, `embeddingLookup` on
 * shards, `nceLoss` and `sampledSoftmaxLoss` (values against TF 1.15's formulas with fixed
 * sampled values, gradients by finite differences).
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { dynamicPartition } from "../../src/ops/array/dynamic_partition.js";
import { dynamicStitch } from "../../src/ops/array/dynamic_stitch.js";
import { checkGradients } from "../gradients/helpers.js";
import { expectClose, opList, run } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const int64 = (v: number[] | number[][]) => tf.constant(v, { dtype: tf.int64 });

function numbers(t: tf.Tensor, feed?: Map<tf.Tensor, unknown>): number[] {
  return Array.from(run(t, feed).data as ArrayLike<number>, Number);
}

describe("candidate samplers", () => {
  it("build TF's ops: int64 candidates, float expected counts, seeds as attrs", () => {
    const [s, t, e] = tf.nn.logUniformCandidateSampler(int64([[0], [3]]), 1, 5, true, 10, {
      seed: 4,
    });
    expect(s.op.name).toBe("LogUniformCandidateSampler");
    expect(s.op.outputs.map((o) => `${o.dtype}${o.shape.toString()}`)).toEqual([
      "int64(5,)",
      "float32(2, 1)",
      "float32(5,)",
    ]);
    expect(t).toBe(s.op.outputs[1]);
    expect(e).toBe(s.op.outputs[2]);
    expect(s.op.attrs.seed2).toBe(4);
    expect(s.op.attrs.range_max).toBe(10);
  });

  it("non-unique: expected counts are p(class) * num_sampled (range_sampler.cc)", () => {
    const range = 20;
    const [, t, e] = tf.nn.logUniformCandidateSampler(int64([[0, 7]]), 2, 6, false, range, {
      seed: 1,
    });
    const [s] = [t.op.outputs[0] as tf.Tensor];
    const sess = new tf.Session();
    const [sv, tv, ev] = sess.run([s, t, e]) as tf.NDArray[];
    sess.close();
    const p = (c: number) => Math.log((c + 2) / (c + 1)) / Math.log(range + 1);
    expectClose(Array.from(tv!.data as Float32Array), [p(0) * 6, p(7) * 6]);
    const sampled = Array.from(sv!.data as Int32Array, Number);
    expectClose(
      Array.from(ev!.data as Float32Array),
      sampled.map((c) => p(c) * 6),
    );
    for (const c of sampled) expect(c >= 0 && c < range).toBe(true);
  });

  it("unique: distinct classes, counts 1 - (1 - p)^tries with one number of tries", () => {
    const [s, t, e] = tf.nn.uniformCandidateSampler(int64([[2]]), 1, 8, true, 10, { seed: 9 });
    const sess = new tf.Session();
    const [sv, tv, ev] = sess.run([s, t, e]) as tf.NDArray[];
    sess.close();
    const sampled = Array.from(sv!.data as Int32Array, Number);
    expect(new Set(sampled).size).toBe(8);
    const counts = Array.from(ev!.data as Float32Array);
    const tries = Math.log(1 - (counts[0] as number)) / Math.log(1 - 0.1);
    expect(tries).toBeGreaterThanOrEqual(8);
    expect(Math.abs(tries - Math.round(tries))).toBeLessThan(1e-3);
    for (const c of [...counts, (tv!.data as Float32Array)[0] as number]) {
      expect(c).toBeCloseTo(-Math.expm1(Math.round(tries) * Math.log1p(-0.1)), 5);
    }
  });

  it("draws log-uniformly (Zipf) and repeats with a seed", () => {
    const [s] = tf.nn.logUniformCandidateSampler(int64([[0]]), 1, 4000, false, 9, { seed: 3 });
    const a = numbers(s);
    const b = numbers(s);
    expect(a).toEqual(b);
    const freq0 = a.filter((c) => c === 0).length / a.length;
    expect(freq0).toBeCloseTo(Math.log(2) / Math.log(10), 1);
    const freq8 = a.filter((c) => c === 8).length / a.length;
    expect(freq8).toBeCloseTo(Math.log(10 / 9) / Math.log(10), 1);
    const sess = new tf.Session();
    const first = String(sess.run(s));
    expect(String(sess.run(s))).not.toBe(first);
    sess.close();
  });

  it("gives TF's errors", () => {
    const before = tf.getDefaultGraph().getOperations().length;
    expect(() => tf.nn.uniformCandidateSampler(int64([1, 2]), 1, 2, true, 5)).toThrow(
      "Shape must be rank 2 but is rank 1 for 'UniformCandidateSampler' (op: 'UniformCandidateSampler') with input shapes: [2].",
    );
    expect(() => tf.nn.uniformCandidateSampler(int64([[1, 2]]), 1, 2, true, 5)).toThrow(
      "Dimension must be 1 but is 2 for 'UniformCandidateSampler'",
    );
    expect(() => tf.nn.uniformCandidateSampler([[1]], 1, 0, true, 5)).toThrow(
      "Attr 'num_sampled' of 'UniformCandidateSampler' Op passed 0 less than minimum 1.",
    );
    expect(() =>
      tf.nn.uniformCandidateSampler(tf.constant([[1]], { dtype: tf.int32 }), 1, 1, true, 5),
    ).toThrow(tf.errors.ValueError);
    expect(tf.getDefaultGraph().getOperations().length).toBe(before + 3);
    const [s] = tf.nn.uniformCandidateSampler(int64([[1]]), 1, 6, true, 5);
    expect(() => run(s)).toThrow("Sampler's range is too small.");
  });
});

describe("tf.nn.computeAccidentalHits", () => {
  it("finds each example's true classes among the sampled ones", () => {
    const [i, ids, w] = tf.nn.computeAccidentalHits(
      int64([
        [1, 4],
        [5, 2],
        [0, 3],
      ]),
      int64([5, 1, 4, 9]),
      2,
    );
    expect(i.dtype).toBe("int32");
    expect(ids.dtype).toBe("int64");
    expect(numbers(i)).toEqual([0, 0, 1]);
    expect(numbers(ids)).toEqual([1, 2, 0]);
    expect(numbers(w)).toEqual([
      -3.4028234663852886e38, -3.4028234663852886e38, -3.4028234663852886e38,
    ]);
  });
});

describe("tf.nn.embeddingLookup on shards", () => {
  const rows = 7;
  const table = Array.from({ length: rows }, (_, r) => [r, 10 * r]);
  /** TF's assignment of ids to (shard, row) for 3 shards of a 7-row table. */
  function shardsOf(strategy: "mod" | "div"): number[][][] {
    const n = 3;
    const out: number[][][] = [[], [], []];
    for (let id = 0; id < rows; id++) {
      let p: number;
      if (strategy === "mod") p = id % n;
      else {
        const per = Math.floor(rows / n);
        const extras = rows % n;
        p = Math.max(Math.floor(id / (per + 1)), Math.floor((id - extras) / per));
      }
      (out[p] as number[][]).push(table[id] as number[]);
    }
    return out;
  }

  for (const strategy of ["mod", "div"] as const) {
    it(`looks every id up in its shard ("${strategy}")`, () => {
      const shards = shardsOf(strategy).map((s) => tf.constant(s));
      const ids = [
        [6, 0, 3],
        [1, 5, 2],
      ];
      const e = tf.nn.embeddingLookup(shards, ids, { partitionStrategy: strategy });
      expect(e.shape.toString()).toBe("(2, 3, 2)");
      expect(run(e).toArray()).toEqual(ids.map((r) => r.map((id) => table[id])));
    });
  }

  it("builds TF's ops: DynamicPartition, one GatherV2 per shard, ParallelDynamicStitch", () => {
    const ids = tf.placeholder(tf.int32, [null], { name: "ids" });
    const a = tf.constant([[1, 1]], { name: "a" });
    const b = tf.constant([[2, 2]], { name: "b" });
    const e = tf.nn.embeddingLookup([a, b], ids);
    expect(e.op.name).toBe("embedding_lookup/Reshape_1");
    expect(e.shape.toString()).toBe("(?, 2)");
    expect(opList().filter((o) => o.startsWith("embedding_lookup"))).toEqual([
      "embedding_lookup/Reshape/shape:Const",
      "embedding_lookup/Reshape:Reshape",
      "embedding_lookup/Size:Size",
      "embedding_lookup/range/start:Const",
      "embedding_lookup/range/delta:Const",
      "embedding_lookup/range:Range",
      "embedding_lookup/mod/y:Const",
      "embedding_lookup/mod:FloorMod",
      "embedding_lookup/floordiv/y:Const",
      "embedding_lookup/floordiv:FloorDiv",
      "embedding_lookup/DynamicPartition:DynamicPartition",
      "embedding_lookup/DynamicPartition_1:DynamicPartition",
      "embedding_lookup/GatherV2/axis:Const",
      "embedding_lookup/GatherV2:GatherV2",
      "embedding_lookup/GatherV2_1/axis:Const",
      "embedding_lookup/GatherV2_1:GatherV2",
      "embedding_lookup:ParallelDynamicStitch",
      "embedding_lookup/Shape:Shape",
      "embedding_lookup/concat/values_1:Const",
      "embedding_lookup/concat/axis:Const",
      "embedding_lookup/concat:ConcatV2",
      "embedding_lookup/Reshape_1:Reshape",
    ]);
    expect(run(e, new Map([[ids, [1, 1, 0]]])).toArray()).toEqual([
      [2, 2],
      [2, 2],
      [1, 1],
    ]);
  });

  it("'div' with a shard of unknown size reads the sizes at run time", () => {
    const a = tf.placeholder(tf.float32, [null, 1], { name: "a" });
    const b = tf.constant([[5], [6]]);
    const e = tf.nn.embeddingLookup([a, b], [0, 1, 2, 3, 4], { partitionStrategy: "div" });
    expect(e.shape.toString()).toBe("(5, 1)");
    // 5 ids over 2 shards: 3 in the first, 2 in the second.
    expect(numbers(e, new Map([[a, [[1], [2], [3]]]]))).toEqual([1, 2, 3, 5, 6]);
  });

  it("maxNorm clips each embedding to that L2 norm (clip_by_norm over the embedding dims)", () => {
    const t = tf.constant([
      [3, 4],
      [0.3, 0.4],
      [0, 0],
    ]);
    const e = tf.nn.embeddingLookup(t, [[0, 1, 2]], { maxNorm: 1 });
    expect(opList()).toContain("embedding_lookup/clip_by_norm:Identity");
    expectClose(numbers(e), [0.6, 0.8, 0.3, 0.4, 0, 0]);
    const sharded = tf.nn.embeddingLookup([t, tf.constant([[0, 2]])], [0, 1], { maxNorm: 1 });
    expectClose(numbers(sharded), [0.6, 0.8, 0, 1]);
  });

  it("has TF's gradient: per-shard row sums of the output gradient", async () => {
    for (const strategy of ["mod", "div"] as const) {
      await checkGradients({
        inputs: [{ shape: [3, 2] }, { shape: [2, 2] }],
        graph: (a, b) =>
          tf.nn.embeddingLookup(
            [a!, b!],
            [
              [4, 0],
              [1, 1],
              [2, 3],
            ],
            {
              partitionStrategy: strategy,
            },
          ),
      });
    }
  });
});

// ---- nce_loss and sampled_softmax_loss against TF 1.15's formulas -------------------------

const FLT_MAX = 3.4028234663852886e38;

interface Case {
  w: number[][];
  b: number[];
  x: number[][];
  labels: number[][];
  sampled: number[];
  trueCount: number[][];
  sampledCount: number[];
}

const CASE: Case = {
  w: [
    [0.1, -0.2, 0.3],
    [0.5, 0.1, -0.4],
    [-0.3, 0.2, 0.2],
    [0.7, -0.1, 0.05],
    [0.2, 0.6, -0.2],
    [-0.5, -0.3, 0.4],
  ],
  b: [0.1, -0.2, 0.05, 0.3, -0.1, 0],
  x: [
    [1, 0.5, -1],
    [-0.5, 2, 0.3],
  ],
  labels: [
    [1, 4],
    [3, 0],
  ],
  sampled: [4, 2, 5],
  trueCount: [
    [0.4, 0.2],
    [0.3, 0.9],
  ],
  sampledCount: [0.2, 0.5, 0.1],
};

/** `_compute_sampled_logits` in plain arithmetic. */
function referenceLogits(c: Case, removeHits: boolean): { logits: number[][]; numTrue: number } {
  const numTrue = c.labels[0]!.length;
  const dot = (u: number[], v: number[]) => u.reduce((s, ui, k) => s + ui * v[k]!, 0);
  const logits = c.x.map((xi, i) => {
    const trueL = c.labels[i]!.map(
      (l, j) => dot(xi, c.w[l]!) + c.b[l]! - Math.log(c.trueCount[i]![j]!),
    );
    const sampledL = c.sampled.map((s, k) => {
      const hit = removeHits && c.labels[i]!.includes(s) ? -FLT_MAX : 0;
      return dot(xi, c.w[s]!) + c.b[s]! + hit - Math.log(c.sampledCount[k]!);
    });
    return [...trueL, ...sampledL];
  });
  return { logits, numTrue };
}

function referenceNce(c: Case, removeHits: boolean): number[] {
  const { logits, numTrue } = referenceLogits(c, removeHits);
  const xent = (x: number, z: number) =>
    Math.max(x, 0) - x * z + Math.log1p(Math.exp(-Math.abs(x)));
  return logits.map((row) =>
    row.reduce((s, x, j) => s + xent(x, j < numTrue ? 1 / numTrue : 0), 0),
  );
}

function referenceSampledSoftmax(c: Case, removeHits: boolean): number[] {
  const { logits, numTrue } = referenceLogits(c, removeHits);
  return logits.map((row) => {
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, x) => s + Math.exp(x - m), 0));
    return row.slice(0, numTrue).reduce((s, x) => s - (x - lse) / numTrue, 0);
  });
}

function sampledValues(c: Case): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return [int64(c.sampled), tf.constant(c.trueCount), tf.constant(c.sampledCount)];
}

describe("tf.nn.nceLoss and tf.nn.sampledSoftmaxLoss", () => {
  for (const removeHits of [false, true]) {
    it(`nceLoss equals TF's formula (numTrue 2, removeAccidentalHits ${removeHits})`, () => {
      const loss = tf.nn.nceLoss(
        tf.constant(CASE.w),
        tf.constant(CASE.b),
        int64(CASE.labels),
        tf.constant(CASE.x),
        3,
        6,
        {
          numTrue: 2,
          sampledValues: sampledValues(CASE),
          removeAccidentalHits: removeHits,
        },
      );
      expect(loss.shape.toString()).toBe("(2,)");
      expectClose(numbers(loss), referenceNce(CASE, removeHits), 1e-5);
    });

    it(`sampledSoftmaxLoss equals TF's formula (removeAccidentalHits ${removeHits})`, () => {
      const loss = tf.nn.sampledSoftmaxLoss(
        tf.constant(CASE.w),
        tf.constant(CASE.b),
        int64(CASE.labels),
        tf.constant(CASE.x),
        3,
        6,
        {
          numTrue: 2,
          sampledValues: sampledValues(CASE),
          removeAccidentalHits: removeHits,
        },
      );
      expectClose(numbers(loss), referenceSampledSoftmax(CASE, removeHits), 1e-5);
    });
  }

  it("takes sharded weights and biases with either partition strategy", () => {
    const want = referenceSampledSoftmax(CASE, true);
    const mod = [0, 1].map((p) => tf.constant(CASE.w.filter((_, r) => r % 2 === p)));
    const modB = [0, 1].map((p) => tf.constant(CASE.b.filter((_, r) => r % 2 === p)));
    const l1 = tf.nn.sampledSoftmaxLoss(mod, modB, int64(CASE.labels), tf.constant(CASE.x), 3, 6, {
      numTrue: 2,
      sampledValues: sampledValues(CASE),
    });
    expectClose(numbers(l1), want, 1e-5);
    const div = [tf.constant(CASE.w.slice(0, 3)), tf.constant(CASE.w.slice(3))];
    const divB = [tf.constant(CASE.b.slice(0, 3)), tf.constant(CASE.b.slice(3))];
    const l2 = tf.nn.sampledSoftmaxLoss(div, divB, int64(CASE.labels), tf.constant(CASE.x), 3, 6, {
      numTrue: 2,
      sampledValues: sampledValues(CASE),
      partitionStrategy: "div",
    });
    expectClose(numbers(l2), want, 1e-5);
  });

  it("builds TF's graph: ops under the loss's scope, the sampler by default", () => {
    const w = tf.placeholder(tf.float32, [6, 3], { name: "w" });
    const b = tf.placeholder(tf.float32, [6], { name: "b" });
    const labels = tf.placeholder(tf.int32, [null, 1], { name: "labels" });
    const x = tf.placeholder(tf.float32, [null, 3], { name: "x" });
    const loss = tf.nn.nceLoss(w, b, labels, x, 4, 6);
    expect(loss.op.name).toBe("Reshape");
    const ops = opList();
    expect(ops).toContain("nce_loss/Cast:Cast");
    expect(ops).toContain("nce_loss/LogUniformCandidateSampler:LogUniformCandidateSampler");
    expect(ops).toContain("nce_loss/embedding_lookup:GatherV2");
    expect(ops).toContain("nce_loss/embedding_lookup_1:GatherV2");
    expect(ops).not.toContain("nce_loss/ComputeAccidentalHits:ComputeAccidentalHits");
    expect(ops).toContain("sampled_losses:Add");
    const sampler = tf.getDefaultGraph().getOperationByName("nce_loss/LogUniformCandidateSampler");
    expect(sampler.attrs.unique).toBe(true);
    expect(sampler.attrs.range_max).toBe(6);
    const ssl = tf.nn.sampledSoftmaxLoss(w, b, labels, x, 4, 6, { seed: 2 });
    expect(ssl.op.name).toBe("softmax_cross_entropy_with_logits");
    expect(opList()).toContain("sampled_softmax_loss/ComputeAccidentalHits:ComputeAccidentalHits");
    expect(opList()).toContain("sampled_softmax_loss/SparseToDense:SparseToDense");
    expect(opList()).toContain("labels_stop_gradient:StopGradient");
  });

  for (const [name, fn] of [
    ["nceLoss", tf.nn.nceLoss],
    ["sampledSoftmaxLoss", tf.nn.sampledSoftmaxLoss],
  ] as const) {
    it(`${name}'s gradients match finite differences (weights, biases, inputs)`, async () => {
      await checkGradients({
        inputs: [
          { shape: [6, 3], values: CASE.w.flat() },
          { shape: [6], values: CASE.b },
          { shape: [2, 3], values: CASE.x.flat() },
        ],
        graph: (w, b, x) =>
          fn(w!, b!, int64(CASE.labels), x!, 3, 6, {
            numTrue: 2,
            sampledValues: sampledValues(CASE),
            removeAccidentalHits: true,
          }),
        step: 1e-2,
        fdTol: 2e-2,
      });
    });
  }
});

describe("word2vec-style training", () => {
  it("lowers the NCE loss and changes only the looked-up embedding rows", () => {
    const vocab = 50;
    const dim = 4;
    tf.setRandomSeed(5);
    const embeddings = tf.getVariable("embeddings", [vocab, dim], {
      initializer: tf.randomUniformInitializer(-1, 1),
    });
    const nceW = tf.getVariable("nce_w", [vocab, dim], {
      initializer: tf.truncatedNormalInitializer({ stddev: 0.5 }),
    });
    const nceB = tf.getVariable("nce_b", [vocab], { initializer: tf.zerosInitializer() });
    const inputs = tf.placeholder(tf.int32, [null], { name: "inputs" });
    const labels = tf.placeholder(tf.int64, [null, 1], { name: "labels" });
    const embed = tf.nn.embeddingLookup(embeddings, inputs);
    const loss = tf.reduceMean(tf.nn.nceLoss(nceW, nceB, labels, embed, 8, vocab));
    const train = new tf.train.GradientDescentOptimizer(0.5).minimize(loss);
    // A tiny "corpus" of context → target pairs among the first 10 words.
    const centers = [0, 1, 2, 3, 4, 5, 6, 7];
    const targets = [[1], [2], [3], [4], [5], [6], [7], [8]];
    const feed = new Map<tf.Tensor, unknown>([
      [inputs, centers],
      [labels, targets],
    ]);
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const before = (sess.run(embeddings) as tf.NDArray).toArray() as number[][];
    let first = 0;
    let last = 0;
    const avg = (k: number) => {
      let s = 0;
      for (let i = 0; i < k; i++) s += (sess.run(loss, feed) as tf.NDArray).toArray() as number;
      return s / k;
    };
    first = avg(20);
    for (let step = 0; step < 60; step++) sess.run(train, feed);
    last = avg(20);
    expect(last).toBeLessThan(first * 0.7);
    const after = (sess.run(embeddings) as tf.NDArray).toArray() as number[][];
    for (let r = 0; r < vocab; r++) {
      if (centers.includes(r)) expect(after[r]).not.toEqual(before[r]);
      else expect(after[r]).toEqual(before[r]);
    }
    sess.close();
  });
});

describe("DynamicPartition / DynamicStitch gradients (data_flow_grad.py)", () => {
  it("partition: the partitioned gradients stitched back; stitch: gathered at the indices", async () => {
    await checkGradients({
      inputs: [{ shape: [5, 2] }],
      graph: (x) => {
        const parts = dynamicPartition(x!, tf.constant([1, 0, 1, 1, 0], { dtype: tf.int32 }), 2);
        return tf.concat([tf.multiply(parts[0]!, 2), parts[1]!], 0);
      },
    });
    await checkGradients({
      inputs: [{ shape: [2, 3] }, { shape: [1, 3] }],
      graph: (a, b) =>
        dynamicStitch(
          [tf.constant([0, 2], { dtype: tf.int32 }), tf.constant([1], { dtype: tf.int32 })],
          [a!, b!],
        ),
    });
  });

  it("partition: values, and TF's error for a partition out of range", () => {
    const [p0, p1] = dynamicPartition(
      tf.constant([10, 20, 30]),
      tf.constant([1, 0, 1], { dtype: tf.int32 }),
      2,
    );
    expect(numbers(p0!)).toEqual([20]);
    expect(numbers(p1!)).toEqual([10, 30]);
    const [bad] = dynamicPartition(tf.constant([1]), tf.constant([2], { dtype: tf.int32 }), 2);
    expect(() => run(bad!)).toThrow("partitions[0] = 2 is not in [0, 2)");
  });
});
