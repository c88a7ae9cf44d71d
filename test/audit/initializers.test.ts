/**
 * API.md "Initializers": each initializer on a [200,300] variable — TF's defaults, ranges,
 * moments (variance scaling by fans), seeds — and the dtype defaults (Glorot uniform for
 * floats, zeros for ints and bools).
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

beforeEach(() => tf.resetDefaultGraph());

const SHAPE = [200, 300];
const FAN_AVG = (200 + 300) / 2;

function values(init: tf.Initializer | undefined, options: { dtype?: tf.DType } = {}): number[] {
  const v = tf.getVariable(`v${tf.globalVariables().length}`, SHAPE, {
    initializer: init,
    ...options,
  });
  using sess = new tf.Session();
  sess.run(v.initializer);
  return Array.from(sess.run(v).data as ArrayLike<number>);
}

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const std = (v: number[]) => {
  const m = mean(v);
  return Math.sqrt(mean(v.map((x) => (x - m) ** 2)));
};
const maxAbs = (v: number[]) => v.reduce((s, x) => Math.max(s, Math.abs(x)), 0);

describe("initializers on [200,300]", () => {
  it("zeros, ones, constant", () => {
    expect(new Set(values(tf.zerosInitializer()))).toEqual(new Set([0]));
    expect(new Set(values(tf.onesInitializer()))).toEqual(new Set([1]));
    expect(new Set(values(tf.constantInitializer(-2.5)))).toEqual(new Set([-2.5]));
  });

  it("randomNormal (mean, stddev) and truncatedNormal (redrawn beyond 2 stddev)", () => {
    const n = values(tf.randomNormalInitializer({ mean: 1, stddev: 0.5, seed: 1 }));
    expect(mean(n)).toBeCloseTo(1, 1);
    expect(std(n)).toBeCloseTo(0.5, 1);
    const t = values(tf.truncatedNormalInitializer({ stddev: 0.5, seed: 1 }));
    expect(maxAbs(t)).toBeLessThanOrEqual(1);
    expect(std(t)).toBeCloseTo(0.5 * 0.8796, 1);
    const d = values(tf.truncatedNormalInitializer({ seed: 2 }));
    expect(std(d)).toBeCloseTo(0.8796, 1);
  });

  it("randomUniform defaults to [0, 1)", () => {
    const u = values(tf.randomUniformInitializer({ seed: 3 }));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(mean(u)).toBeCloseTo(0.5, 1);
    const r = values(tf.randomUniformInitializer({ minval: -3, maxval: -1, seed: 3 }));
    expect(Math.min(...r)).toBeGreaterThanOrEqual(-3);
    expect(Math.max(...r)).toBeLessThan(-1);
  });

  it("glorotUniform, glorotNormal, varianceScaling by fans", () => {
    const limit = Math.sqrt(6 / (200 + 300));
    const gu = values(tf.glorotUniformInitializer({ seed: 4 }));
    expect(maxAbs(gu)).toBeLessThanOrEqual(limit);
    expect(std(gu)).toBeCloseTo(limit / Math.sqrt(3), 2);
    const gn = values(tf.glorotNormalInitializer({ seed: 4 }));
    // TF divides the stddev by 0.8796 so the truncated draws have variance scale / fan.
    expect(std(gn)).toBeCloseTo(Math.sqrt(1 / FAN_AVG), 2);
    expect(maxAbs(gn)).toBeLessThanOrEqual((2 * Math.sqrt(1 / FAN_AVG)) / 0.87962566103423978);
    // TF 1.15's defaults: scale 1, mode fan_in, truncated normal.
    const vs = values(tf.varianceScalingInitializer({ seed: 5 }));
    expect(std(vs)).toBeCloseTo(Math.sqrt(1 / 200), 2);
    const vo = values(
      tf.varianceScalingInitializer({
        scale: 2,
        mode: "fan_out",
        distribution: "uniform",
        seed: 5,
      }),
    );
    expect(maxAbs(vo)).toBeLessThanOrEqual(Math.sqrt((3 * 2) / 300));
    expect(std(vo)).toBeCloseTo(Math.sqrt(2 / 300), 2);
  });

  it("orthogonal gives orthonormal rows for a wide matrix", () => {
    const v = tf.getVariable("o", [3, 5], { initializer: tf.orthogonalInitializer({ seed: 6 }) });
    using sess = new tf.Session();
    sess.run(v.initializer);
    const m = sess.run(v).toArray() as number[][];
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const dot = (m[i] as number[]).reduce(
          (s, x, k) => s + x * ((m[j] as number[])[k] as number),
          0,
        );
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 4);
      }
  });

  it("defaults: Glorot uniform for float32, zeros for int32 and bool; seeded ones repeat", () => {
    const f = values(undefined);
    const limit = Math.sqrt(6 / (200 + 300));
    expect(maxAbs(f)).toBeLessThanOrEqual(limit);
    expect(std(f)).toBeCloseTo(limit / Math.sqrt(3), 2);
    expect(new Set(values(undefined, { dtype: tf.int32 }))).toEqual(new Set([0]));
    expect(new Set(values(undefined, { dtype: tf.bool }))).toEqual(new Set([0]));
    const a = values(tf.randomNormalInitializer({ seed: 9 }));
    const b = values(tf.randomNormalInitializer({ seed: 9 }));
    expect(b).toEqual(a);
  });
});
