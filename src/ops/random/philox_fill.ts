import type { Operation } from "../../graph/operation.js";
import type { KernelRuntime } from "../registry.js";
import { Philox, statefulGenerator, uint32ToFloat } from "./philox.js";

/*
 * How TF's CPU kernels fill an output from a Philox stream (`FillPhiloxRandom` over the
 * distributions of random_distributions.h), shared by the stateful ops (`RandomUniform`,
 * `RandomStandardNormal`, `TruncatedNormal`, `RandomUniformInt`) and the stateless ones,
 * which differ only in the generator they start from.
 */

/** The words of the next `n` values' blocks, four per block, in stream order. */
function words(gen: Philox, n: number): Uint32Array {
  const blocks = Math.ceil(n / 4);
  const out = new Uint32Array(blocks * 4);
  gen.fill(out, 0, blocks);
  return out;
}

/** `UniformDistribution<float>`: one value per word, in [0, 1) (`Uint32ToFloat`). */
export function fillUniform(gen: Philox, n: number): Float32Array {
  const w = words(gen, n);
  // 23 random mantissa bits under exponent 0 make a float in [1, 2); minus one is exact.
  for (let i = 0; i < n; i++) w[i] = 0x3f800000 | ((w[i] as number) & 0x7fffff);
  const out = new Float32Array(w.buffer, 0, n);
  for (let i = 0; i < n; i++) out[i] = (out[i] as number) - 1;
  return w.length === n ? out : out.slice();
}

const EPSILON = Math.fround(1e-7);

/** `BoxMullerFloat` of two words into `out[i]` (the sine one) and `out[i + 1]` if there. */
function boxMullerInto(x0: number, x1: number, out: Float32Array, i: number): void {
  let u1 = uint32ToFloat(x0);
  if (u1 < EPSILON) u1 = EPSILON;
  // 2π is a double in TF's float code too: one rounding, of the product.
  const v1 = Math.fround(2 * Math.PI * uint32ToFloat(x1));
  const u2 = Math.fround(Math.sqrt(Math.fround(-2 * Math.fround(Math.log(u1)))));
  out[i] = Math.fround(Math.sin(v1)) * u2;
  if (i + 1 < out.length) out[i + 1] = Math.fround(Math.cos(v1)) * u2;
}

/** `NormalDistribution<float>`: Box–Muller over each pair of words, the sine one first. */
export function fillNormal(gen: Philox, n: number): Float32Array {
  const w = words(gen, n);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) boxMullerInto(w[i] as number, w[i + 1] as number, out, i);
  return out;
}

/** Blocks reserved per group of four truncated normals (`kReservedSamplesPerOutput`). */
const TRUNCATED_GROUP_SKIP = 256;

/**
 * `TruncatedNormalDistribution<float>` as `FillPhiloxRandomTask` runs a distribution with a
 * variable number of samples: each group of four values starts 256 blocks after the
 * previous group's start, whatever the rejections consumed; words are taken one at a time,
 * and a normal is kept while |x| < 2.
 */
export function fillTruncatedNormal(base: Philox, n: number): Float32Array {
  const out = new Float32Array(n);
  const gen = new Philox(base.counter, base.key);
  const block = new Uint32Array(4);
  const pair = new Float32Array(2);
  for (let g = 0; g * 4 < n; g++) {
    gen.counter.set(base.counter);
    gen.skip(g * TRUNCATED_GROUP_SKIP);
    let used = 4;
    let k = 0;
    while (k < 4) {
      if (used === 4) {
        gen.fill(block, 0, 1);
        used = 0;
      }
      // Four words a block, two a draw: a draw never straddles blocks.
      boxMullerInto(block[used] as number, block[used + 1] as number, pair, 0);
      used += 2;
      for (let j = 0; j < 2 && k < 4; j++) {
        const f = pair[j] as number;
        if (Math.abs(f) < 2) {
          if (g * 4 + k < n) out[g * 4 + k] = f;
          k++;
        }
      }
    }
  }
  return out;
}

/**
 * `UniformDistribution<int32>` / `<int64>`: a word (int64: two words, the first the low
 * one) modulo the range, plus `min`. int64 values are returned as the int32s scopeflow
 * keeps them in, so a range past 2³¹ is the caller's to refuse.
 */
export function fillUniformInt(
  gen: Philox,
  n: number,
  min: number,
  max: number,
  int64: boolean,
): Int32Array {
  const out = new Int32Array(n);
  const range = max - min;
  if (int64) {
    const w = words(gen, 2 * n);
    const r = BigInt(range);
    for (let i = 0; i < n; i++) {
      const bits = (BigInt(w[2 * i + 1] as number) << 32n) | BigInt(w[2 * i] as number);
      out[i] = min + Number(bits % r);
    }
  } else {
    const w = words(gen, n);
    for (let i = 0; i < n; i++) out[i] = min + ((w[i] as number) % range);
  }
  return out;
}

/** Blocks a stateful op reserves per output value (`ReserveRandomOutputs(n, 256)`). */
export const RESERVED_BLOCKS_PER_OUTPUT = 256;

/**
 * The generator a run of a stateful random op draws from (`GuardedPhiloxRandom`):
 * `PhiloxRandom(seed, seed2)` moved past the blocks the op's earlier runs in this session
 * reserved, reserving 256 blocks per output for this one; a random stream for an unseeded
 * op (seed and seed2 both 0).
 */
export function reservedGenerator(op: Operation, runtime: KernelRuntime, outputs: number): Philox {
  const at = runtime.reservePhiloxBlocks(op, outputs * RESERVED_BLOCKS_PER_OUTPUT);
  if (at === undefined) return statefulGenerator(null, null);
  const gen = statefulGenerator(op.attrs.seed as number, op.attrs.seed2 as number);
  gen.skip(at);
  return gen;
}
