/**
 * TensorFlow's counter-based generator (`random::PhiloxRandom`, Philox4x32-10 of Salmon et
 * al. 2011) and the conversions its distributions apply to the 32-bit words it yields, so
 * that the stateless random ops give TF's own numbers for a seed.
 */

const W32A = 0x9e3779b9;
const W32B = 0xbb67ae85;
const M4x32A = 0xd2511f53;
const M4x32B = 0xcd9e8d57;

/**
 * The high word of the 64-bit product of two uint32s, given its low word: the double
 * product is within 2¹² of the exact one, so the quotient rounds to the exact high word.
 */
function mulHi(a: number, b: number, lo: number): number {
  return Math.round((a * b - lo) / 4294967296);
}

/** A Philox4x32-10 stream: a 128-bit counter under a 64-bit key, four words per step. */
export class Philox {
  readonly counter: Uint32Array;
  readonly key: Uint32Array;

  constructor(counter: ArrayLike<number>, key: ArrayLike<number>) {
    this.counter = Uint32Array.from(counter);
    this.key = Uint32Array.from(key);
  }

  /** The block for the current counter, then the counter moves on by one. */
  next(): Uint32Array {
    const out = new Uint32Array(4);
    this.fill(out, 0, 1);
    return out;
  }

  /**
   * Writes the next `blocks` blocks to `out` from index `at` on and moves the counter past
   * them: the kernels fill whole outputs this way, the counter kept in locals.
   */
  fill(out: Uint32Array, at: number, blocks: number): void {
    const k0Start = this.key[0] as number;
    const k1Start = this.key[1] as number;
    const counter = this.counter;
    let n0 = counter[0] as number;
    let n1 = counter[1] as number;
    let n2 = counter[2] as number;
    let n3 = counter[3] as number;
    for (let b = 0; b < blocks; b++) {
      let c0 = n0;
      let c1 = n1;
      let c2 = n2;
      let c3 = n3;
      let k0 = k0Start;
      let k1 = k1Start;
      for (let round = 0; round < 10; round++) {
        const lo0 = Math.imul(M4x32A, c0) >>> 0;
        const hi0 = mulHi(M4x32A, c0, lo0);
        const lo1 = Math.imul(M4x32B, c2) >>> 0;
        const hi1 = mulHi(M4x32B, c2, lo1);
        c0 = (hi1 ^ c1 ^ k0) >>> 0;
        c1 = lo1;
        c2 = (hi0 ^ c3 ^ k1) >>> 0;
        c3 = lo0;
        k0 = (k0 + W32A) >>> 0;
        k1 = (k1 + W32B) >>> 0;
      }
      const o = at + 4 * b;
      out[o] = c0;
      out[o + 1] = c1;
      out[o + 2] = c2;
      out[o + 3] = c3;
      // `SkipOne`: the carry runs on only when a word wraps to zero.
      n0 = (n0 + 1) >>> 0;
      if (n0 === 0) {
        n1 = (n1 + 1) >>> 0;
        if (n1 === 0) {
          n2 = (n2 + 1) >>> 0;
          if (n2 === 0) n3 = (n3 + 1) >>> 0;
        }
      }
    }
    counter[0] = n0;
    counter[1] = n1;
    counter[2] = n2;
    counter[3] = n3;
  }

  /** Moves the counter on by `count` blocks (`PhiloxRandom::Skip`). */
  skip(count: number): void {
    const c = this.counter;
    const lo = count >>> 0;
    let hi = Math.floor(count / 2 ** 32) >>> 0;
    c[0] = ((c[0] as number) + lo) >>> 0;
    if ((c[0] as number) < lo) hi = (hi + 1) >>> 0;
    c[1] = ((c[1] as number) + hi) >>> 0;
    if ((c[1] as number) < hi) {
      c[2] = ((c[2] as number) + 1) >>> 0;
      if (c[2] === 0) c[3] = ((c[3] as number) + 1) >>> 0;
    }
  }
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** `Uint32ToFloat`: 23 random mantissa bits under exponent 0, minus one: [0, 1). */
export function uint32ToFloat(x: number): number {
  u32[0] = (0x3f800000 | (x & 0x7fffff)) >>> 0;
  return (f32[0] as number) - 1;
}

const f64 = new Float64Array(1);
const u32x2 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** `Uint64ToDouble`: 52 random mantissa bits (20 from `x0`, 32 from `x1`), minus one: [0, 1). */
export function uint64ToDouble(x0: number, x1: number): number {
  const hi = ((1023 << 20) | (x0 & 0xfffff)) >>> 0;
  u32x2[LITTLE_ENDIAN ? 1 : 0] = hi;
  u32x2[LITTLE_ENDIAN ? 0 : 1] = x1 >>> 0;
  return (f64[0] as number) - 1;
}

/** `BoxMullerDouble`: two standard normals (the sine one first) from one block. */
export function boxMullerDouble(block: Uint32Array): [number, number] {
  let u1 = uint64ToDouble(block[0] as number, block[1] as number);
  if (u1 < 1e-7) u1 = 1e-7;
  const v1 = 2 * Math.PI * uint64ToDouble(block[2] as number, block[3] as number);
  const u2 = Math.sqrt(-2 * Math.log(u1));
  return [Math.sin(v1) * u2, Math.cos(v1) * u2];
}

/**
 * The float64 uniforms and normals one output of TF's gamma and Poisson kernels draws
 * (their `UNIFORM` and normal macros): each a fresh block when the last one is used up,
 * its values taken last first.
 */
export function doubleStreams(gen: Philox): { uniform: () => number; normal: () => number } {
  let uniforms: number[] = [];
  let normals: number[] = [];
  return {
    uniform: () => {
      if (uniforms.length === 0) {
        const b = gen.next();
        uniforms = [
          uint64ToDouble(b[0] as number, b[1] as number),
          uint64ToDouble(b[2] as number, b[3] as number),
        ];
      }
      return uniforms.pop() as number;
    },
    normal: () => {
      if (normals.length === 0) normals = boxMullerDouble(gen.next());
      return normals.pop() as number;
    },
  };
}

/**
 * The generator of a stateful random op (`GuardedPhiloxRandom`): `PhiloxRandom(seed,
 * seed2)`, or random words for an unseeded op.
 */
export function statefulGenerator(seed: number | null, seed2: number | null): Philox {
  if (seed === null || seed2 === null) {
    const word = (): number => Math.floor(Math.random() * 2 ** 32);
    return new Philox([0, 0, word(), word()], [word(), word()]);
  }
  const [k0, k1] = words(seed);
  const [c2, c3] = words(seed2);
  return new Philox([0, 0, c2, c3], [k0, k1]);
}

/** A 64-bit seed value (an int32 or int64 element, sign-extended as C++ does) as two words. */
function words(seed: number): [number, number] {
  return [seed >>> 0, seed < 0 ? Math.floor(seed / 2 ** 32) >>> 0 : Math.floor(seed / 2 ** 32)];
}

/**
 * The generator of a stateless random op for its `[2]` seed (`GenerateKey`): the seeds,
 * scrambled by one Philox block under a fixed key, become its key and counter.
 */
export function statelessGenerator(seed0: number, seed1: number): Philox {
  const [a, b] = words(seed0);
  const [c, d] = words(seed1);
  const mix = new Philox([a, b, c, d], [0x3ec8f720, 0x02461e29]).next();
  return new Philox(
    [0, 0, mix[2] as number, mix[3] as number],
    [mix[0] as number, mix[1] as number],
  );
}
