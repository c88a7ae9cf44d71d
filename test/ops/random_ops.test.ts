/**
 * The stateful random ops (`RandomUniform`, `RandomStandardNormal`, `TruncatedNormal`,
 * `RandomUniformInt`) draw TensorFlow's numbers: the values TF 1.x prints for a seed (from
 * the Stanford CS 20 course's `05_randomization.py`), each run continuing the op's Philox
 * stream 256 blocks per value on, each session starting it again, and TF's seed rules.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { Philox, uint32ToFloat } from "../../src/ops/random/philox.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

function runs(t: tf.Tensor, times: number): number[][] {
  using s = new tf.Session();
  const out: number[][] = [];
  for (let i = 0; i < times; i++) {
    out.push(Array.from((s.run(t) as tf.NDArray).data as ArrayLike<number>, Number));
  }
  return out;
}

const DEFAULT_GRAPH_SEED = 87654321;

/** The words TF's `PhiloxRandom(seed, seed2)` yields from block `skip` on. */
function words(seed: number, seed2: number, skip: number, count: number): number[] {
  const gen = new Philox([0, 0, seed2, 0], [seed, 0]);
  gen.skip(skip);
  const out: number[] = [];
  while (out.length < count) out.push(...gen.next());
  return out.slice(0, count);
}

/** TF's `BoxMullerFloat` from two uniforms in [0, 1), written out independently. */
function boxMuller(u0: number, u1: number): [number, number] {
  const f = Math.fround;
  const u = u0 < f(1e-7) ? f(1e-7) : u0;
  const v = f(2 * Math.PI * u1);
  const r = f(Math.sqrt(f(-2 * f(Math.log(u)))));
  return [f(f(Math.sin(v)) * r), f(f(Math.cos(v)) * r)];
}

describe("stateful random ops", () => {
  it("give the values TF prints for an op seed, run after run, and again in a new session", () => {
    const c = tf.randomUniform([], { minval: -10, maxval: 10, seed: 2 });
    const [first, second] = runs(c, 2);
    expect(first![0]).toBeCloseTo(3.57493, 5);
    expect(second![0]).toBeCloseTo(-5.97319, 5);
    expect(runs(c, 1)[0]).toEqual(first);
    // Two ops with the same seed draw the same stream.
    const d = tf.randomUniform([], { minval: -10, maxval: 10, seed: 2 });
    expect(runs(d, 1)[0]).toEqual(first);
  });

  it("take the graph's last op id as the op seed under a graph seed", () => {
    tf.setRandomSeed(2);
    const c = tf.randomUniform([], { minval: -10, maxval: 10 });
    const d = tf.randomUniform([], { minval: -10, maxval: 10 });
    expect(c.op.inputs[0]!.op.inputs[0]!.op.attrs).toMatchObject({ seed: 2, seed2: 3 });
    expect(d.op.inputs[0]!.op.inputs[0]!.op.attrs).toMatchObject({ seed: 2, seed2: 10 });
    expect(runs(c, 1)[0]![0]).toBeCloseTo(-4.00752, 5);
    expect(runs(d, 1)[0]![0]).toBeCloseTo(-2.98339, 5);
  });

  it("fill uniforms word by word, each run 256 blocks per value on", () => {
    const u = tf.randomUniform([2, 3], { seed: 7 });
    const [a, b] = runs(u, 2);
    expect(a).toEqual(words(DEFAULT_GRAPH_SEED, 7, 0, 6).map(uint32ToFloat));
    expect(b).toEqual(words(DEFAULT_GRAPH_SEED, 7, 6 * 256, 6).map(uint32ToFloat));
  });

  it("fill normals by Box–Muller over the same words, truncated normals keeping |x| < 2", () => {
    const u = tf.randomUniform([4000], { seed: 5 });
    const n = tf.randomNormal([4000], { seed: 5 });
    const t = tf.truncatedNormal([5], { seed: 5 });
    const [uv] = runs(u, 1);
    const expected = [];
    for (let i = 0; i < 4000; i += 2) expected.push(...boxMuller(uv![i]!, uv![i + 1]!));
    const [nv] = runs(n, 1);
    expect(nv).toEqual(expected);
    // A group of four truncated normals: the first normals of the stream inside (-2, 2);
    // the fifth value's group starts 256 blocks (1,024 words) on.
    const [tv] = runs(t, 1);
    expect(tv!.slice(0, 4)).toEqual(expected.filter((x) => Math.abs(x) < 2).slice(0, 4));
    const later = uv!.slice(1024);
    const laterNormals = [];
    for (let i = 0; i < later.length; i += 2)
      laterNormals.push(...boxMuller(later[i]!, later[i + 1]!));
    expect(tv![4]).toBe(laterNormals.find((x) => Math.abs(x) < 2));
    // The distributions hold over many values.
    const mean = nv!.reduce((s, x) => s + x, 0) / nv!.length;
    const variance = nv!.reduce((s, x) => s + x * x, 0) / nv!.length - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(0.06);
    expect(variance).toBeCloseTo(1, 1);
  });

  it("fill ints as the word modulo the range, int64 from two words, the low one first", () => {
    const i32 = tf.randomUniform([6], { minval: -3, maxval: 1000, dtype: tf.int32, seed: 9 });
    expect(runs(i32, 1)[0]).toEqual(words(DEFAULT_GRAPH_SEED, 9, 0, 6).map((w) => -3 + (w % 1003)));
    const i64 = tf.randomUniform([3], { minval: 5, maxval: 1e9, dtype: tf.int64, seed: 9 });
    const w = words(DEFAULT_GRAPH_SEED, 9, 0, 6);
    const expected = [0, 1, 2].map((k) => {
      const bits = (BigInt(w[2 * k + 1]!) << 32n) | BigInt(w[2 * k]!);
      return 5 + Number(bits % BigInt(1e9 - 5));
    });
    expect(runs(i64, 1)[0]).toEqual(expected);
  });

  it("truncate seeds modulo 2³¹−1 and never make (0, 0)", () => {
    const big = tf.randomUniform([1], { seed: 2 ** 31 + 4 });
    expect(big.op.inputs[0]!.op.inputs[0]!.op.attrs).toMatchObject({
      seed: DEFAULT_GRAPH_SEED,
      seed2: 5,
    });
    tf.setRandomSeed(0);
    const zero = tf.randomNormal([1], { seed: 0 });
    expect(zero.op.inputs[0]!.op.inputs[0]!.op.attrs).toMatchObject({
      seed: 0,
      seed2: 2 ** 31 - 1,
    });
    const [a] = runs(zero, 1);
    expect(runs(zero, 1)[0]).toEqual(a);
  });

  it("check an int range as TF's kernel, after an empty output returns", () => {
    const empty = tf.randomUniform([0], { minval: 5, maxval: 5, dtype: tf.int32, seed: 1 });
    expect(runs(empty, 1)[0]).toEqual([]);
    const lo = tf.placeholder(tf.int32, []);
    const r = tf.randomUniform([2], { minval: lo, maxval: 5, dtype: tf.int32, seed: 1 });
    using s = new tf.Session();
    expect(() => s.run(r, new Map([[lo, 5]]))).toThrow(/Need minval < maxval: 5 >= 5/);
    expect(s.run(r, new Map([[lo, 4]])).data).toEqual(Int32Array.of(4, 4));
  });

  it("give unseeded ops fresh values, and free what they make", () => {
    const u = tf.randomUniform([64]);
    using s = new tf.Session();
    const first = Array.from(s.run(u).data as Float32Array);
    expect(Array.from(s.run(u).data as Float32Array)).not.toEqual(first);
    const before = tfc.memory().numTensors;
    for (let i = 0; i < 20; i++)
      s.run([u, tf.getDefaultGraph().getTensorByName("random_uniform:0")]);
    expect(tfc.memory().numTensors).toBe(before);
  });
});
