import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import {
  dtypeKind,
  intKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { asDType, runtimeDType, type DType } from "../../graph/dtypes.js";
import type { Graph } from "../../graph/graph.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { zerosLike } from "../array/like.js";
import { constantOp } from "../array/constant.js";
import { convertToTensor, shapeArgKind } from "../convert.js";
import { checkAllowed } from "../math/allowed_types.js";
import { maximum } from "../math/binary.js";
import type { OpDefSpec } from "../op_def.js";
import { digamma, lgamma } from "../math/special.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp, type KernelRuntime, type ShapeInferenceOp } from "../registry.js";
import { broadcastShapes, ShapeInference } from "../shape_utils.js";
import { constantValueAsShape, readInts } from "../tensor_util.js";
import { getSeed } from "./seed.js";
import { doubleStreams, Philox } from "./philox.js";
import { RESERVED_BLOCKS_PER_OUTPUT, reservedGenerator } from "./philox_fill.js";

/*
 * TF 1.15's `random_gamma` and `random_poisson`: ops RandomGamma (with RandomGammaGrad, the
 * implicit reparameterization derivative its gradient uses) and RandomPoissonV2. The
 * samplers are TF's algorithms (Marsaglia–Tsang for gamma; Knuth's product of uniforms
 * below rate 10, Hörmann's transformed rejection above, for Poisson) on TF's Philox stream,
 * each output from its own stretch of 256 blocks, as TF's CPU kernels draw them: a seeded op
 * gives TensorFlow's numbers, run after run in a session.
 */

/**
 * One Gamma(alpha, 1) draw as random_gamma_op.cc makes it: an exponential for alpha = 1,
 * else Marsaglia–Tsang (alpha < 1 boosted by one and scaled by u^(1/alpha)). A negative or
 * NaN alpha gives NaN (TF's kernel would not terminate on those).
 */
function gammaSample(alpha: number, uniform: () => number, normal: () => number): number {
  if (!(alpha >= 0)) return NaN;
  if (alpha === 1) return -Math.log(1 - uniform());
  const lessThanOne = alpha < 1;
  const d = alpha + (lessThanOne ? 2 / 3 : -1 / 3);
  const c = 1 / 3 / Math.sqrt(d);
  for (;;) {
    const x = normal();
    let v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const u = uniform();
    // The squeeze test first, to skip the two logs most of the time.
    if (
      u < 1 - 0.0331 * (x * x) * (x * x) ||
      Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))
    ) {
      let res = d * v;
      if (lessThanOne) res *= Math.pow(uniform(), 1 / alpha);
      return res;
    }
  }
}

/**
 * One Poisson(rate) draw as random_poisson_op.cc makes it. A rate ≤ 0 gives 0; NaN gives NaN
 * and +inf gives +inf (an int output gets 0 and the largest int32 for those).
 */
function poissonSample(rate: number, uniform: () => number): number {
  if (Number.isNaN(rate)) return NaN;
  if (rate === Infinity) return Infinity;
  if (rate < 10) {
    // Knuth: count uniforms until their product falls to e^-rate.
    const expNegRate = Math.exp(-rate);
    let prod = 1;
    let x = 0;
    for (;;) {
      prod *= uniform();
      if (prod <= expNegRate) return x;
      x += 1;
    }
  }
  // Hörmann's transformed rejection (PTRS), with the constants of his paper.
  const logRate = Math.log(rate);
  const b = 0.931 + 2.53 * Math.sqrt(rate);
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vR = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = uniform() - 0.5;
    const v = uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + rate + 0.43);
    if (us >= 0.07 && v <= vR) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    const s = Math.log((v * invAlpha) / (a / (us * us) + b));
    const t = -rate + k * logRate - lgamma(k + 1);
    if (s <= t) return k;
  }
}

const MACHEP = 2 ** -53;
const BIG = 2 ** 52;
const BIGINV = 2 ** -52;
const MAX_ITERATIONS = 500;

/**
 * `d sample / d alpha` for `sample ~ Gamma(alpha, 1)` (Eigen's `gamma_sample_der_alpha`, the
 * RandomGammaGrad kernel): implicit differentiation of the regularized incomplete gamma
 * function, `-(∂P/∂alpha) / pdf(sample)`, with ∂P/∂alpha by forward differentiation of its
 * power series (`x ≤ 1` or `x ≤ alpha`) or of the continued fraction of `1 - P`. Computed
 * in float64.
 */
export function gammaSampleDerAlpha(a: number, x: number): number {
  if (x === 0) return 0;
  if (x < 0 || a <= 0 || Number.isNaN(a) || Number.isNaN(x)) return NaN;
  if (x > 1 && x > a) {
    if (x === Infinity) return 0;
    // Continued fraction for Q = 1 - P, with the derivative of each convergent in a.
    let y = 1 - a;
    let z = x + y + 1;
    let c = 0;
    let pkm2 = 1;
    let qkm2 = x;
    let pkm1 = x + 1;
    let qkm1 = z * x;
    let ans = pkm1 / qkm1;
    let dpkm2 = 0;
    let dqkm2 = 0;
    let dpkm1 = 0;
    let dqkm1 = -x;
    let dans = (dpkm1 - ans * dqkm1) / qkm1;
    for (let i = 0; i < MAX_ITERATIONS; i++) {
      c += 1;
      y += 1;
      z += 2;
      const yc = y * c;
      const pk = pkm1 * z - pkm2 * yc;
      const qk = qkm1 * z - qkm2 * yc;
      const dpk = dpkm1 * z - pkm1 - dpkm2 * yc + pkm2 * c;
      const dqk = dqkm1 * z - qkm1 - dqkm2 * yc + qkm2 * c;
      if (qk !== 0) {
        ans = pk / qk;
        const prev = dans;
        dans = (dpk - ans * dqk) / qk;
        if (Math.abs(dans - prev) <= MACHEP) break;
      }
      pkm2 = pkm1;
      pkm1 = pk;
      qkm2 = qkm1;
      qkm1 = qk;
      dpkm2 = dpkm1;
      dpkm1 = dpk;
      dqkm2 = dqkm1;
      dqkm1 = dqk;
      if (Math.abs(pk) > BIG) {
        pkm2 *= BIGINV;
        pkm1 *= BIGINV;
        qkm2 *= BIGINV;
        qkm1 *= BIGINV;
        dpkm2 *= BIGINV;
        dpkm1 *= BIGINV;
        dqkm2 *= BIGINV;
        dqkm1 *= BIGINV;
      }
    }
    // Q = ans · x^a e^-x / Γ(a) and pdf = x^(a-1) e^-x / Γ(a): the prefactor cancels.
    const dlogaxDa = Math.log(x) - digamma(a);
    return (dans + ans * dlogaxDa) * x;
  }
  // Power series for P = ans · x^a e^-x / Γ(a + 1).
  let r = a;
  let c = 1;
  let ans = 1;
  let dc = 0;
  let dans = 0;
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    r += 1;
    const term = x / r;
    const dterm = -x / (r * r);
    dc = term * dc + dterm * c;
    dans += dc;
    c *= term;
    ans += c;
    if (Math.abs(dc) <= MACHEP * Math.abs(dans)) break;
  }
  const dlogaxDa = Math.log(x) - digamma(a + 1);
  return (-(dans + ans * dlogaxDa) * x) / a;
}

/** `MakeShapeFromShapeTensor(0)` concatenated with input 1's shape (RandomGamma, RandomPoissonV2). */
function samplesShape(op: ShapeInferenceOp): TensorShape {
  const [shape, param] = op.inputs as [Tensor, Tensor];
  new ShapeInference(op.name, op.type, [shape.shape, param.shape]).withRank(shape.shape, 1);
  const samples = constantValueAsShape(shape);
  if (samples.dims === null || param.shape.dims === null) return TensorShape.unknown();
  return new TensorShape([...samples.dims, ...param.shape.dims]);
}

/**
 * The sample count and output dims of a RandomGamma/RandomPoissonV2 run, with the kernel's
 * checks of its `shape` input.
 */
function runShape(op: Operation, shape: tfc.Tensor, param: tfc.Tensor): [number, number[]] {
  if (shape.rank !== 1) {
    throw new InvalidArgumentError(
      `shape must be a vector of {int32,int64}, got shape: Tensor<type: int32 shape: [${shape.shape.join(",")}]>\n\t [[{{node ${op.name}}}]]`,
      op.name,
    );
  }
  const dims = readInts(shape);
  const n = dims.reduce((p, d) => p * d, 1);
  return [n, [...dims, ...param.shape]];
}

/**
 * The generator of output `index` of a run of `count` outputs (`ReserveRandomOutputs`, then
 * a skip of 256 blocks per output before it), as TF's gamma and Poisson kernels derive it.
 */
function runGenerators(
  op: Operation,
  runtime: KernelRuntime,
  count: number,
): (index: number) => Philox {
  const base = reservedGenerator(op, runtime, count);
  return (index) => {
    const gen = new Philox(base.counter, base.key);
    gen.skip(RESERVED_BLOCKS_PER_OUTPUT * index);
    return gen;
  };
}

registerOp({
  type: "RandomGamma",
  opDef: {
    inputs: ["shape: S", "alpha: T"],
    outputs: ["output: T"],
    attrs: ["seed: int = 0", "seed2: int = 0", "S: {int32, int64}", "T: {half, float, double}"],
    stateful: true,
  },
  stateful: true,
  kernel: ([s, a], op, runtime) => {
    const alphaT = a as tfc.Tensor;
    const [n, outShape] = runShape(op, s as tfc.Tensor, alphaT);
    if (n === 0) return [tfc.zeros(outShape, "float32")];
    const alphas = alphaT.dataSync() as Float32Array;
    const m = alphas.length;
    if (m === 0) {
      throw new InvalidArgumentError(
        `Input alpha should have non-zero element count, got: 0\n\t [[{{node ${op.name}}}]]`,
        op.name,
      );
    }
    const generatorOf = runGenerators(op, runtime, n * m);
    const out = new Float32Array(n * m);
    // Output j * n + i (alpha-major) draws sample i of alpha j, stored at i * m + j.
    for (let j = 0; j < m; j++) {
      const alpha = alphas[j] as number;
      for (let i = 0; i < n; i++) {
        const { uniform, normal } = doubleStreams(generatorOf(j * n + i));
        out[i * m + j] = gammaSample(alpha, uniform, normal);
      }
    }
    return [tfc.tensor(out, outShape, "float32")];
  },
  inferShapes: (op) => [samplesShape(op)],
});

registerOp({
  type: "RandomGammaGrad",
  opDef: {
    inputs: ["alpha: T", "sample: T"],
    outputs: ["output: T"],
    attrs: ["T: {float, double}"],
  },
  kernel: ([a, x]) => {
    const alpha = a as tfc.Tensor;
    const sample = x as tfc.Tensor;
    const shape = tfc.broadcast_util.assertAndGetBroadcastShape(alpha.shape, sample.shape);
    return [
      tfc.tidy(() => {
        const xa = tfc.broadcastTo(alpha, shape).dataSync();
        const xs = tfc.broadcastTo(sample, shape).dataSync();
        const out = new Float32Array(xa.length);
        for (let i = 0; i < out.length; i++) {
          out[i] = gammaSampleDerAlpha(xa[i] as number, xs[i] as number);
        }
        return tfc.tensor(out, shape, "float32");
      }),
    ];
  },
  inferShapes: (op) => [
    broadcastShapes(
      (op.inputs[0] as Tensor).shape,
      (op.inputs[1] as Tensor).shape,
      op.name,
      op.type,
    ),
  ],
});

const POISSON_TYPES = "{half, float, double, int32, int64}";

const POISSON_DEF: OpDefSpec = {
  inputs: ["shape: S", "rate: R"],
  outputs: ["output: dtype"],
  attrs: [
    "seed: int = 0",
    "seed2: int = 0",
    "S: {int32, int64}",
    `R: ${POISSON_TYPES} = double`,
    `dtype: ${POISSON_TYPES} = int64`,
  ],
  stateful: true,
};

registerOp({
  type: "RandomPoissonV2",
  opDef: POISSON_DEF,
  stateful: true,
  kernel: ([s, r], op, runtime) => {
    const rateT = r as tfc.Tensor;
    const dtype = op.attrs.dtype as DType;
    const rt = runtimeDType(dtype) as "float32" | "int32";
    const [n, outShape] = runShape(op, s as tfc.Tensor, rateT);
    const rates = rateT.dataSync() as ArrayLike<number>;
    const m = rates.length;
    const out = rt === "int32" ? new Int32Array(n * m) : new Float32Array(n * m);
    if (n > 0) {
      const generatorOf = runGenerators(op, runtime, n * m);
      const isInt = rt === "int32";
      for (let j = 0; j < m; j++) {
        const rate = rates[j] as number;
        for (let i = 0; i < n; i++) {
          const k = poissonSample(rate, doubleStreams(generatorOf(j * n + i)).uniform);
          out[i * m + j] = isInt ? (Number.isNaN(k) ? 0 : Math.min(k, 2147483647)) : k;
        }
      }
    }
    return [tfc.tensor(out, outShape, rt)];
  },
  inferShapes: (op) => [samplesShape(op)],
});

/**
 * A `shape` argument as TF converts it (`convert_to_tensor(shape, name="shape",
 * dtype=int32)`): a list of ints becomes a `shape` Const.
 */
function shapeTensor(graph: Graph, shape: unknown): Tensor {
  if (Array.isArray(shape) && shape.every((d) => typeof d === "number")) {
    const dims = shape as number[];
    return constantOp(graph, graph.uniqueName("shape") + "/", {
      dtype: "int32",
      shape: [dims.length],
      values: Int32Array.from(dims),
    });
  }
  if (shape instanceof TensorShape) return shapeTensor(graph, shape.asList());
  return convertToTensor(shape, { name: "shape", dtype: "int32" });
}

/** TF 1.15's `random_gamma(shape, alpha, beta=None, dtype=tf.float32, seed=None, name=None)`. */
const GAMMA_PARAMS = [
  req("shape", shapeArgKind),
  req("alpha", tensorKind),
  opt("beta", tensorKind),
  opt("dtype", dtypeKind),
  opt("seed", intKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link randomGamma} (any parameter by name). */
export type RandomGammaOptions = OptionsOf<typeof GAMMA_PARAMS>;

/**
 * `shape` samples from each Gamma(alpha, beta) distribution, beta the inverse scale
 * (`tf.random_gamma`, `tf.random.gamma`): the result has shape `shape + broadcast(alpha,
 * beta)`. As TF 1.15 builds it: `alpha + zeros_like(beta)`, op `RandomGamma`, divided by
 * `beta` and floored at float32's smallest normal (`Maximum`). Differentiable w.r.t.
 * `alpha` (implicit reparameterization, op `RandomGammaGrad`) and `beta`. A seeded op draws
 * TF's Philox stream as TF's CPU kernel does (Marsaglia–Tsang in float64), so it gives
 * TensorFlow's samples up to the last bit of float64 `log`/`sin`/`cos`/`pow`.
 *
 * @example
 * ```ts
 * const g = tf.randomGamma([10], [0.5, 1.5], { seed: 1 });
 * g.shape.toString(); // ==> (10, 2)
 * ```
 */
export const randomGamma = tfFunction("randomGamma", GAMMA_PARAMS, (a) => {
  const dtype = asDType(a.dtype ?? "float32");
  return inOpScope(a.name, "random_gamma", [a.shape, a.alpha, a.beta], (_scope, graph) => {
    const shape = shapeTensor(graph, a.shape);
    const alpha = convertToTensor(a.alpha, { name: "alpha", dtype });
    const beta = convertToTensor(a.beta ?? 1, { name: "beta", dtype });
    const alphaBroadcast = alpha.add(zerosLike(beta));
    const [seed1, seed2] = getSeed(a.seed);
    const opScope = graph.uniqueName("RandomGamma") + "/";
    const inferred = samplesShape({
      name: opNameOf(opScope),
      type: "RandomGamma",
      inputs: [shape, alphaBroadcast],
      attrs: {},
      outputDTypes: [dtype],
      graphDefVersion: Infinity,
    });
    const samples = makeOp(
      graph,
      "RandomGamma",
      opScope,
      [shape, alphaBroadcast],
      [{ dtype, shape: inferred }],
      {
        seed: seed1 ?? 0,
        seed2: seed2 ?? 0,
        _seeded: seed1 !== null,
        S: "int32",
        T: alpha.dtype,
      },
    ).outputs[0] as Tensor;
    // np.finfo(float32).tiny: the division can round a tiny sample to 0.
    return maximum(1.1754943508222875e-38, samples.div(beta));
  });
});

/** TF 1.15's `random_poisson(lam, shape, dtype=tf.float32, seed=None, name=None)`. */
const POISSON_PARAMS = [
  req("lam", tensorKind),
  req("shape", shapeArgKind),
  opt("dtype", dtypeKind),
  opt("seed", intKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link randomPoisson} (any parameter by name). */
export type RandomPoissonOptions = OptionsOf<typeof POISSON_PARAMS>;

/**
 * `shape` samples from each Poisson(lam) distribution (`tf.random_poisson`,
 * `tf.random.poisson` — in TF 1.15 both take `lam` first; TF 2's `tf.random.poisson` takes
 * `shape` first): the result has shape `shape + lam.shape` and dtype `dtype` (float32, int32
 * or int64), op `RandomPoissonV2` under `random_poisson`. Not differentiable (TF registers no
 * gradient). A seeded op draws TF's Philox stream as TF's CPU kernel does (Knuth below rate
 * 10, Hörmann's rejection above), so it gives TensorFlow's samples up to the last bit of
 * float64 `log`/`exp`.
 *
 * @example
 * ```ts
 * const p = tf.randomPoisson([0.5, 1.5], [10], { seed: 2 });
 * p.op.type; // ==> RandomPoissonV2
 * p.shape.toString(); // ==> (10, 2)
 * ```
 */
export const randomPoisson = tfFunction("randomPoisson", POISSON_PARAMS, (a) => {
  const dtype = asDType(a.dtype ?? "float32");
  checkAllowed(POISSON_DEF, "dtype", dtype, "dtype");
  return inOpScope(a.name, "random_poisson", [a.lam, a.shape], (_scope, graph) => {
    const shape = shapeTensor(graph, a.shape);
    const [seed1, seed2] = getSeed(a.seed);
    // gen_random_ops converts `lam` inside the op's own name scope, as input `rate`.
    return inOpScope(undefined, "RandomPoissonV2", [a.lam], (opScope) => {
      const rate = convertToTensor(a.lam, { name: "rate", preferredDtype: "float32" });
      const inferred = samplesShape({
        name: opNameOf(opScope),
        type: "RandomPoissonV2",
        inputs: [shape, rate],
        attrs: {},
        outputDTypes: [dtype],
        graphDefVersion: Infinity,
      });
      return makeOp(
        graph,
        "RandomPoissonV2",
        opScope,
        [shape, rate],
        [{ dtype, shape: inferred }],
        {
          seed: seed1 ?? 0,
          seed2: seed2 ?? 0,
          _seeded: seed1 !== null,
          S: "int32",
          R: rate.dtype,
          dtype,
        },
      ).outputs[0] as Tensor;
    });
  });
});
