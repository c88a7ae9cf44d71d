import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, ValueError } from "../../errors.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import {
  booleanKind,
  intKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { noGradient, registerOp } from "../registry.js";
import type { OpDefSpec } from "../op_def.js";
import { ShapeInference } from "../shape_utils.js";
import { getSeed } from "./seed.js";

/*
 * TF 1.15's candidate samplers (`candidate_sampling_ops.py`, kernels in
 * `candidate_sampler_ops.cc` and `range_sampler.cc`): one set of sampled classes per
 * batch, with the expected count of each sampled and each true class.
 */

/**
 * A repeatable stream of doubles in [0, 1) from a 32-bit seed (mulberry32, two draws per
 * double). TensorFlow draws from Philox; the distribution is the same, the numbers are not.
 */
function doubleStream(seed: number): () => number {
  let state = seed >>> 0;
  const next32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return () => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
}

/** A `RangeSampler`: draws a class in [0, range) and gives each class's probability. */
interface RangeSampler {
  range: number;
  sample(rnd: () => number): number;
  probability(value: number): number;
}

function uniformSampler(rangeMax: number): RangeSampler {
  return {
    range: rangeMax,
    sample: (rnd) => Math.floor(rnd() * rangeMax),
    probability: () => Math.fround(1 / rangeMax),
  };
}

/** `LogUniformSampler`: P(class) = log((class + 2) / (class + 1)) / log(range_max + 1). */
function logUniformSampler(rangeMax: number): RangeSampler {
  const logRange = Math.log(rangeMax + 1);
  return {
    range: rangeMax,
    sample: (rnd) => Math.floor(Math.exp(rnd() * logRange)) - 1,
    probability: (value) => Math.fround(Math.log((value + 2) / (value + 1)) / logRange),
  };
}

/**
 * `ExpectedCountHelper`: `p * batch_size` when every draw was kept, else the probability
 * that a class was drawn at least once in `numTries` draws, `-expm1(numTries * log1p(-p))`,
 * in float as TensorFlow computes it.
 */
function expectedCount(p: number, batchSize: number, numTries: number): number {
  if (numTries === batchSize) return Math.fround(p * batchSize);
  const f = Math.fround;
  return f(-Math.expm1(f(numTries * f(Math.log1p(-p)))));
}

/**
 * `RangeSampler::SampleBatchGetExpectedCountAvoid` without avoided values: with `unique`,
 * draws until `numSampled` distinct classes are kept, counting every draw as a try.
 */
function sampleBatch(
  sampler: RangeSampler,
  rnd: () => number,
  numSampled: number,
  unique: boolean,
  extras: ArrayLike<number>,
): { batch: number[]; batchCounts: number[]; extraCounts: number[] } {
  const batch: number[] = [];
  let numTries = 0;
  if (unique) {
    const used = new Set<number>();
    while (batch.length < numSampled) {
      numTries++;
      const value = sampler.sample(rnd);
      if (!used.has(value)) {
        used.add(value);
        batch.push(value);
      }
    }
  } else {
    for (let i = 0; i < numSampled; i++) batch.push(sampler.sample(rnd));
    numTries = numSampled;
  }
  const count = (v: number): number => expectedCount(sampler.probability(v), numSampled, numTries);
  return {
    batch,
    batchCounts: batch.map(count),
    extraCounts: Array.from(extras, count),
  };
}

function registerSampler(
  type: string,
  opDef: OpDefSpec,
  make: (rangeMax: number) => RangeSampler,
): void {
  registerOp({
    type,
    opDef,
    stateful: true,
    kernel: ([trueClasses], op, runtime) => {
      const classes = trueClasses as tfc.Tensor;
      const numTrue = op.attrs.num_true as number;
      const numSampled = op.attrs.num_sampled as number;
      const unique = op.attrs.unique as boolean;
      if (classes.rank !== 2) {
        throw new InvalidArgumentError("true_classes must be a matrix", op.name);
      }
      if (classes.shape[1] !== numTrue) {
        throw new InvalidArgumentError(
          `true_classes must have num_true columns, expected: ${String(classes.shape[1])} was: ${numTrue}`,
          op.name,
        );
      }
      const sampler = make(op.attrs.range_max as number);
      if (unique && numSampled > sampler.range) {
        throw new InvalidArgumentError("Sampler's range is too small.", op.name);
      }
      const seed = runtime.nextRandomSeed(op) ?? Math.floor(Math.random() * 4294967296);
      const extras = classes.dataSync() as Int32Array;
      const { batch, batchCounts, extraCounts } = sampleBatch(
        sampler,
        doubleStream(seed),
        numSampled,
        unique,
        extras,
      );
      return [
        tfc.tensor1d(batch, "int32"),
        tfc.tensor2d(extraCounts, [classes.shape[0] as number, numTrue], "float32"),
        tfc.tensor1d(batchCounts, "float32"),
      ];
    },
  });
}

registerSampler(
  "UniformCandidateSampler",
  {
    inputs: ["true_classes: int64"],
    outputs: [
      "sampled_candidates: int64",
      "true_expected_count: float",
      "sampled_expected_count: float",
    ],
    attrs: [
      "num_true: int >= 1",
      "num_sampled: int >= 1",
      "unique: bool",
      "range_max: int >= 1",
      "seed: int = 0",
      "seed2: int = 0",
    ],
    stateful: true,
  },
  uniformSampler,
);
registerSampler(
  "LogUniformCandidateSampler",
  {
    inputs: ["true_classes: int64"],
    outputs: [
      "sampled_candidates: int64",
      "true_expected_count: float",
      "sampled_expected_count: float",
    ],
    attrs: [
      "num_true: int >= 1",
      "num_sampled: int >= 1",
      "unique: bool",
      "range_max: int >= 1",
      "seed: int = 0",
      "seed2: int = 0",
    ],
    stateful: true,
  },
  logUniformSampler,
);

registerOp({
  type: "ComputeAccidentalHits",
  opDef: {
    inputs: ["true_classes: int64", "sampled_candidates: int64"],
    outputs: ["indices: int32", "ids: int64", "weights: float"],
    attrs: ["num_true: int", "seed: int = 0", "seed2: int = 0"],
  },
  kernel: ([trueClasses, sampled], op) => {
    const classes = trueClasses as tfc.Tensor;
    const candidates = sampled as tfc.Tensor;
    const numTrue = op.attrs.num_true as number;
    if (classes.rank !== 2) {
      throw new InvalidArgumentError("true_classes must be a matrix", op.name);
    }
    if (classes.shape[1] !== numTrue) {
      throw new InvalidArgumentError(
        `true_classes must have num_true columns, expected: ${String(classes.shape[1])} was: ${numTrue}`,
        op.name,
      );
    }
    if (candidates.rank !== 1) {
      throw new InvalidArgumentError("sampled_candidates must be a vector", op.name);
    }
    // Later positions win for a class sampled twice, as TensorFlow's hash map keeps them.
    const position = new Map<number, number>();
    Array.from(candidates.dataSync() as Int32Array).forEach((c, j) => position.set(c, j));
    const values = classes.dataSync() as Int32Array;
    const indices: number[] = [];
    const ids: number[] = [];
    for (let k = 0; k < values.length; k++) {
      const j = position.get(values[k] as number);
      if (j === undefined) continue;
      indices.push(Math.floor(k / numTrue));
      ids.push(j);
    }
    return [
      tfc.tensor1d(indices, "int32"),
      tfc.tensor1d(ids, "int32"),
      // `-FLT_MAX`: added to a logit, it removes the class from a softmax.
      tfc.fill([indices.length], -3.4028234663852886e38, "float32"),
    ];
  },
});

// TF 1.15 registers no gradient for these (`_compute_sampled_logits` stops gradients at
// their outputs), so `tf.gradients` reaching one fails, as in TensorFlow.
noGradient(false, "UniformCandidateSampler", "LogUniformCandidateSampler", "ComputeAccidentalHits");

/** `true_classes`: an int64 `[batch_size, num_true]` matrix (the op's input type). */
function trueClassesInput(value: TensorLike): Tensor {
  return convertToTensor(value, { name: "true_classes", dtype: "int64" });
}

/** Checks an int attr's minimum, with TF's op-def wording. */
function checkMin(op: string, attr: string, value: number, min: number): void {
  if (value < min) {
    throw new ValueError(`Attr '${attr}' of '${op}' Op passed ${value} less than minimum ${min}.`);
  }
}

/** The static shape of `true_classes`, checked as the ops' shape function does. */
function trueClassesShape(si: ShapeInference, t: Tensor, numTrue: number): number | null {
  const [batch, cols] = si.withRank(t.shape, 2) as [number | null, number | null];
  si.withValue(cols, numTrue);
  return batch;
}

interface SamplerArgs {
  trueClasses: TensorLike;
  numTrue: number;
  numSampled: number;
  unique: boolean;
  rangeMax: number;
  seed?: number;
  name?: string;
}

function samplerOp(type: string, a: SamplerArgs): [Tensor, Tensor, Tensor] {
  checkMin(type, "num_true", a.numTrue, 1);
  checkMin(type, "num_sampled", a.numSampled, 1);
  checkMin(type, "range_max", a.rangeMax, 1);
  return inOpScope(a.name, type, [a.trueClasses], (scope, graph) => {
    const classes = trueClassesInput(a.trueClasses);
    const si = new ShapeInference(opNameOf(scope), type, [classes.shape]);
    const batch = trueClassesShape(si, classes, a.numTrue);
    const [seed1, seed2] = getSeed(a.seed);
    const op = makeOp(
      graph,
      type,
      scope,
      [classes],
      [
        { dtype: "int64", shape: new TensorShape([a.numSampled]) },
        { dtype: "float32", shape: new TensorShape([batch, a.numTrue]) },
        { dtype: "float32", shape: new TensorShape([a.numSampled]) },
      ],
      {
        num_true: a.numTrue,
        num_sampled: a.numSampled,
        unique: a.unique,
        range_max: a.rangeMax,
        seed: seed1 ?? 0,
        seed2: seed2 ?? 0,
        _seeded: seed1 !== null,
      },
    );
    return op.outputs as [Tensor, Tensor, Tensor];
  });
}

/**
 * TF 1.15's `uniform_candidate_sampler(true_classes, num_true, num_sampled, unique,
 * range_max, seed, name)` and `log_uniform_candidate_sampler` (same parameters).
 */
const SAMPLER_PARAMS = [
  req("trueClasses", tensorKind),
  req("numTrue", intKind),
  req("numSampled", intKind),
  req("unique", booleanKind),
  req("rangeMax", intKind),
  opt("seed", intKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link uniformCandidateSampler} and {@link logUniformCandidateSampler}. */
export type CandidateSamplerOptions = OptionsOf<typeof SAMPLER_PARAMS>;

/**
 * Samples `numSampled` classes uniformly from `[0, rangeMax)` (`tf.nn.uniform_candidate_sampler`,
 * op `UniformCandidateSampler`). Returns `[sampledCandidates, trueExpectedCount,
 * sampledExpectedCount]`: the int64 classes, and how often each true class (shape of
 * `trueClasses`) and each sampled class is expected among the samples. With `unique`, the
 * classes are distinct and the counts are TF's post-rejection probabilities
 * `1 - (1 - p)^tries`. Seeds as the other random ops (`seed`, `tf.setRandomSeed`); the
 * numbers differ from TensorFlow's (a different generator).
 *
 * @example
 * ```ts
 * const [sampled, trueCount] = tf.nn.uniformCandidateSampler([[1], [3]], 1, 4, false, 8, { seed: 1 });
 * sampled.dtype; // ==> int64
 * using sess = new tf.Session();
 * sess.run(trueCount); // ==> [[0.5]
 *                      //      [0.5]]
 * ```
 */
export const uniformCandidateSampler = tfFunction(
  "nn.uniformCandidateSampler",
  SAMPLER_PARAMS,
  (a) => samplerOp("UniformCandidateSampler", a),
);

/**
 * Samples `numSampled` classes from `[0, rangeMax)` with the log-uniform (Zipfian)
 * distribution `P(c) = log((c + 2) / (c + 1)) / log(rangeMax + 1)`
 * (`tf.nn.log_uniform_candidate_sampler`, op `LogUniformCandidateSampler`), which suits
 * classes sorted by decreasing frequency (word2vec's vocabularies). Returns
 * `[sampledCandidates, trueExpectedCount, sampledExpectedCount]` as
 * {@link uniformCandidateSampler}.
 *
 * @example
 * ```ts
 * const [sampled, trueCount] = tf.nn.logUniformCandidateSampler([[0]], 1, 2, false, 3, { seed: 1 });
 * sampled.shape.toString(); // ==> (2,)
 * using sess = new tf.Session();
 * sess.run(trueCount); // ==> [[1.]]
 * ```
 */
export const logUniformCandidateSampler = tfFunction(
  "nn.logUniformCandidateSampler",
  SAMPLER_PARAMS,
  (a) => samplerOp("LogUniformCandidateSampler", a),
);

/** TF 1.15's `compute_accidental_hits(true_classes, sampled_candidates, num_true, seed, name)`. */
const ACCIDENTAL_HITS_PARAMS = [
  req("trueClasses", tensorKind),
  req("sampledCandidates", tensorKind),
  req("numTrue", intKind),
  opt("seed", intKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link computeAccidentalHits}. */
export type ComputeAccidentalHitsOptions = OptionsOf<typeof ACCIDENTAL_HITS_PARAMS>;

/**
 * Finds the sampled classes that are also true classes of an example
 * (`tf.nn.compute_accidental_hits`, op `ComputeAccidentalHits`). Returns `[indices, ids,
 * weights]`: for each hit, the example's row (int32), the position in
 * `sampledCandidates` (int64) and `-FLT_MAX`, to add to that sampled logit.
 *
 * @example
 * ```ts
 * const [indices, ids] = tf.nn.computeAccidentalHits([[1], [5]], tf.constant([5, 2, 1], { dtype: tf.int64 }), 1);
 * using sess = new tf.Session();
 * sess.run(indices); // ==> [0 1]
 * sess.run(ids); // ==> [2 0]
 * ```
 */
export const computeAccidentalHits = tfFunction(
  "nn.computeAccidentalHits",
  ACCIDENTAL_HITS_PARAMS,
  (a): [Tensor, Tensor, Tensor] => {
    checkMin("ComputeAccidentalHits", "num_true", a.numTrue, 1);
    return inOpScope(
      a.name,
      "ComputeAccidentalHits",
      [a.trueClasses, a.sampledCandidates],
      (scope, graph) => {
        const classes = trueClassesInput(a.trueClasses);
        const sampled = convertToTensor(a.sampledCandidates, {
          name: "sampled_candidates",
          dtype: "int64",
        });
        const si = new ShapeInference(opNameOf(scope), "ComputeAccidentalHits", [
          classes.shape,
          sampled.shape,
        ]);
        trueClassesShape(si, classes, a.numTrue);
        si.withRank(sampled.shape, 1);
        const [seed1, seed2] = getSeed(a.seed);
        const hits = new TensorShape([null]);
        return makeOp(
          graph,
          "ComputeAccidentalHits",
          scope,
          [classes, sampled],
          [
            { dtype: "int32", shape: hits },
            { dtype: "int64", shape: hits },
            { dtype: "float32", shape: hits },
          ],
          { num_true: a.numTrue, seed: seed1 ?? 0, seed2: seed2 ?? 0 },
        ).outputs as [Tensor, Tensor, Tensor];
      },
    );
  },
);
