import * as tfc from "@tensorflow/tfjs-core";
import { expect } from "vitest";
import * as tf from "../../src/index.js";

/** Runs `fetch` in a fresh session (with an optional feed) and returns its NDArray. */
export function run(fetch: tf.Tensor, feed?: Map<tf.Tensor, unknown>): tf.NDArray {
  const sess = new tf.Session();
  try {
    return sess.run(fetch, feed as never) as tf.NDArray;
  } finally {
    sess.close();
  }
}

/** The nested values of a tfjs-core computation (disposed afterwards). */
export function direct(fn: () => tfc.Tensor): unknown {
  const t = tfc.tidy(fn);
  try {
    return t.arraySync();
  } finally {
    t.dispose();
  }
}

/** Element-wise closeness of nested number arrays. */
export function expectClose(actual: unknown, expected: unknown, tol = 1e-5): void {
  const a = [actual].flat(Infinity as 1) as number[];
  const e = [expected].flat(Infinity as 1) as number[];
  expect(a.length).toBe(e.length);
  a.forEach((x, i) => {
    const y = e[i] as number;
    if (Number.isNaN(y)) expect(Number.isNaN(x)).toBe(true);
    else expect(Math.abs(x - y)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(y)));
  });
}

/** `name:type` of every op in the default graph, in creation order. */
export function opList(): string[] {
  return tf
    .getDefaultGraph()
    .getOperations()
    .map((o) => `${o.name}:${o.type}`);
}

/** Expects `fn` to throw a `ValueError` whose message is exactly `message`. */
export function expectValueError(fn: () => unknown, message: string): void {
  let error: unknown = null;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(tf.errors.ValueError);
  expect((error as Error).message).toBe(message);
}

/** Deterministic float32 values in [-scale, scale). */
export function values(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

/** Compares bit patterns, so that -0 and 0 or two NaNs are told apart as they should be. */
export function expectBitIdentical(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  what: string,
): void {
  const a = new Uint32Array(Float32Array.from(got).buffer);
  const b = new Uint32Array(Float32Array.from(want).buffer);
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) expect.fail(`${what}[${i}]: got ${got[i]}, want ${want[i]}`);
  }
}
