/**
 * Deterministic numbers in [-scale, scale) from a linear congruential generator: the same
 * weights and data for scopeflow and the code it is compared with, run after run.
 */
export function seeded(n: number, seed: number, scale: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}
