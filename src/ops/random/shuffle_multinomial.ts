import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import type { DType } from "../../graph/dtypes.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import {
  dtypeKind,
  intKind,
  intOrTensorKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import { convertToTensor, type Packable } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp, type ShapeInferenceOp } from "../registry.js";
import { checkLeadingInputs, checkOpInputs, convertBound } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import { constantScalar, readScalar } from "../tensor_util.js";
import { getSeed } from "./seed.js";

/**
 * A uniform [0, 1) stream for one run of a random kernel (mulberry32), seeded by the
 * session's seed for the op, or at random for an unseeded graph.
 */
function uniformStream(seed: number | undefined): () => number {
  let s = (seed ?? Math.floor(Math.random() * 2 ** 32)) >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

registerOp({
  type: "RandomShuffle",
  opDef: {
    inputs: ["value: T"],
    outputs: ["output: T"],
    attrs: ["seed: int = 0", "seed2: int = 0", "T: type"],
    stateful: true,
  },
  stateful: true,
  kernel: ([v], op, runtime) => {
    const value = v as tfc.Tensor;
    if (value.rank === 0 || (value.shape[0] as number) <= 1) return [tfc.clone(value)];
    const n = value.shape[0] as number;
    const next = uniformStream(runtime.nextRandomSeed(op));
    // Fisher–Yates over the rows, then one gather.
    const perm = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      const t = perm[i] as number;
      perm[i] = perm[j] as number;
      perm[j] = t;
    }
    return [tfc.tidy(() => tfc.gather(value, tfc.tensor1d(perm, "int32")))];
  },
  inferShapes: (op: ShapeInferenceOp) => [(op.inputs[0] as Tensor).shape],
});

/** TF 1.15's `random_shuffle(value, seed=None, name=None)`. */
const SHUFFLE_PARAMS = [
  req("value", tensorKind),
  opt("seed", intKind),
  opt("name", stringKind),
] as const;

/**
 * `value` with its first dimension shuffled (`tf.random_shuffle`, `tf.random.shuffle`, op
 * `RandomShuffle`), seeded as TF's random ops (graph seed and op seed).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const s = tf.randomShuffle(tf.range(5), { seed: 3 });
 * sess.run(tf.sort(s)); // ==> [0 1 2 3 4]
 * ```
 */
export const randomShuffle = tfFunction("randomShuffle", SHUFFLE_PARAMS, (a) =>
  inOpScope(a.name, "RandomShuffle", [a.value], (scope, graph) => {
    const x = convertToTensor(a.value, { name: "value" });
    const [seed1, seed2] = getSeed(a.seed);
    return makeOp(graph, "RandomShuffle", scope, [x], [{ dtype: x.dtype, shape: x.shape }], {
      seed: seed1 ?? 0,
      seed2: seed2 ?? 0,
      _seeded: seed1 !== null,
      T: x.dtype,
    }).outputs[0] as Tensor;
  }),
);

function multinomialShape(
  si: ShapeInference,
  logits: TensorShape,
  n: TensorShape,
  k: number | null,
) {
  const dims = si.withRank(logits, 2);
  si.withRank(n, 0);
  if (k !== null && k < 0) si.fail(`num_samples should be nonnegative, got ${k}`);
  return new TensorShape([dims[0] ?? null, k]);
}

registerOp({
  type: "Multinomial",
  opDef: {
    inputs: ["logits: T", "num_samples: int32"],
    outputs: ["output: output_dtype"],
    attrs: [
      "seed: int = 0",
      "seed2: int = 0",
      "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64}",
      "output_dtype: {int32, int64} = int64",
    ],
    stateful: true,
  },
  stateful: true,
  kernel: ([l, n], op, runtime) => {
    const logits = l as tfc.Tensor;
    const at = `\n\t [[{{node ${op.name}}}]]`;
    if (logits.rank !== 2) {
      throw new InvalidArgumentError(
        `logits should be a matrix, got shape [${logits.shape.join(",")}]${at}`,
        op.name,
      );
    }
    const k = readScalar(n as tfc.Tensor);
    if (k < 0) {
      throw new InvalidArgumentError(`num_samples should be nonnegative, got ${k}${at}`, op.name);
    }
    const [batch, classes] = logits.shape as [number, number];
    if (classes <= 0 && k > 0) {
      throw new InvalidArgumentError(
        `num_classes should be positive, got ${classes}${at}`,
        op.name,
      );
    }
    const values = logits.dataSync() as ArrayLike<number>;
    const next = uniformStream(runtime.nextRandomSeed(op));
    const out = new Int32Array(batch * k);
    const cdf = new Float64Array(classes);
    for (let b = 0; b < batch; b++) {
      // TF's kernel: exp(logit - max) over the finite logits, a running sum, then a
      // uniform draw scaled by the total searched in it (-inf logits are never drawn).
      let max = -Infinity;
      for (let c = 0; c < classes; c++) {
        const v = values[b * classes + c] as number;
        if (Number.isFinite(v) && v > max) max = v;
      }
      let total = 0;
      for (let c = 0; c < classes; c++) {
        const v = values[b * classes + c] as number;
        total += Number.isFinite(v) ? Math.exp(v - max) : 0;
        cdf[c] = total;
      }
      for (let s = 0; s < k; s++) {
        const u = next() * total;
        let lo = 0;
        let hi = classes - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if ((cdf[mid] as number) <= u) lo = mid + 1;
          else hi = mid;
        }
        out[b * k + s] = lo;
      }
    }
    return [tfc.tensor2d(out, [batch, k], "int32")];
  },
  inferShapes: (op: ShapeInferenceOp) => {
    const [l, n] = op.inputs as [Tensor, Tensor];
    return [
      multinomialShape(
        new ShapeInference(op.name, op.type, [l.shape, n.shape]),
        l.shape,
        n.shape,
        constantScalar(n),
      ),
    ];
  },
});

/** `multinomial_categorical_impl`: the `Multinomial` op under the caller's scope. */
function multinomialImpl(
  logitsLike: unknown,
  numSamples: unknown,
  dtype: DType | undefined,
  seed: number | undefined,
): Tensor {
  const logits = convertToTensor(logitsLike, { name: "logits" });
  const [seed1, seed2] = getSeed(seed);
  const outputDType = dtype ?? "int64";
  return inOpScope(undefined, "Multinomial", [logits, numSamples], (scope, graph) => {
    // op_def_library: `logits`, then `num_samples` (a fixed int32), then the attr `output_dtype`.
    checkLeadingInputs("Multinomial", [logits]);
    const n = convertBound(numSamples as Packable, "int32", "num_samples", "Multinomial");
    checkOpInputs("Multinomial", [logits, n], { output_dtype: outputDType });
    const si = new ShapeInference(opNameOf(scope), "Multinomial", [logits.shape, n.shape]);
    const out = multinomialShape(si, logits.shape, n.shape, constantScalar(n));
    return makeOp(graph, "Multinomial", scope, [logits, n], [{ dtype: outputDType, shape: out }], {
      seed: seed1 ?? 0,
      seed2: seed2 ?? 0,
      _seeded: seed1 !== null,
      T: logits.dtype,
      output_dtype: outputDType,
    }).outputs[0] as Tensor;
  });
}

/** TF 1.15's v1 `multinomial(logits, num_samples, seed=None, name=None, output_dtype=None)`. */
const MULTINOMIAL_PARAMS = [
  req("logits", tensorKind),
  req("numSamples", intOrTensorKind),
  opt("seed", intKind),
  opt("name", stringKind),
  opt("outputDtype", dtypeKind),
] as const;

/**
 * `numSamples` class indices per row of `logits` (unnormalized log-probabilities), drawn
 * independently (`tf.multinomial`, `tf.random.multinomial`): op `Multinomial` under a
 * `multinomial` name scope, int64 unless `outputDtype` says int32.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const s = tf.multinomial(tf.log([[0, 1, 0]]), 4);
 * s.dtype; // ==> int64
 * sess.run(s); // ==> [[1 1 1 1]]
 * ```
 */
export const multinomial = tfFunction("multinomial", MULTINOMIAL_PARAMS, (a) =>
  inOpScope(a.name, "multinomial", [a.logits], () =>
    multinomialImpl(a.logits, a.numSamples, a.outputDtype, a.seed),
  ),
);

/** TF 1.15's `random.categorical(logits, num_samples, dtype=None, seed=None, name=None)`. */
const CATEGORICAL_PARAMS = [
  req("logits", tensorKind),
  req("numSamples", intOrTensorKind),
  opt("dtype", dtypeKind),
  opt("seed", intKind),
  opt("name", stringKind),
] as const;

/**
 * `tf.random.categorical`: {@link multinomial} with TF 2's argument order, under a
 * `categorical` name scope.
 *
 * @example
 * ```ts
 * tf.random.categorical([[1, 2]], 3, tf.int32).shape.toString(); // ==> (1, 3)
 * ```
 */
export const categorical = tfFunction("categorical", CATEGORICAL_PARAMS, (a) =>
  inOpScope(a.name, "categorical", [a.logits], () =>
    multinomialImpl(a.logits, a.numSamples, a.dtype, a.seed),
  ),
);
