/** Small plain-JS references shared by the audit tests. */
import { expect } from "vitest";

/** A [rows, cols] matrix of distinct, non-round values. */
export function matrix(rows: number, cols: number, offset = 0): number[][] {
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => offset + i * cols + j + 0.5 * ((i + j) % 3)),
  );
}

/** Plain matrix product. */
export function matmul(a: number[][], b: number[][]): number[][] {
  const inner = b.length;
  return a.map((row) =>
    Array.from({ length: (b[0] as number[]).length }, (_, j) => {
      let s = 0;
      for (let k = 0; k < inner; k++) s += (row[k] as number) * ((b[k] as number[])[j] as number);
      return s;
    }),
  );
}

/** Elementwise map over a nested array. */
export function map2(a: number[][], f: (x: number, i: number, j: number) => number): number[][] {
  return a.map((row, i) => row.map((x, j) => f(x, i, j)));
}

/** Flattens any nested numeric array. */
export function flatten(value: unknown): number[] {
  if (Array.isArray(value)) return value.flatMap((v) => flatten(v));
  return [value as number];
}

/** Expects two nested numeric arrays to have the same structure and close values. */
export function expectClose(actual: unknown, expected: unknown, digits = 4): void {
  const a = flatten(actual);
  const e = flatten(expected);
  expect(a.length).toBe(e.length);
  a.forEach((x, i) => expect(x).toBeCloseTo(e[i] as number, digits));
}

/** The error `fn` throws (fails the test when it does not throw). */
export function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw");
}
