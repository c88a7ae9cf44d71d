/** Helpers of the `tf.layers` tests. */
import * as tfc from "@tensorflow/tfjs-core";
import { expect } from "vitest";
import * as tf from "../../src/index.js";
import { getGradientFunction } from "../../src/ops/registry.js";

/** `name shape` of every global variable, in creation order. */
export function variableSummary(scope?: string): string[] {
  return tf.globalVariables(scope).map((v) => `${v.op.name} ${v.shape.toString()}`);
}

/** Names of a collection's items. */
export function collectionNames(key: string): string[] {
  return tf
    .getDefaultGraph()
    .getCollection(key)
    .map((item) => String((item as { name: string }).name));
}

/** The op names of the default graph that start with `prefix`. */
export function opsUnder(prefix: string): string[] {
  return tf
    .getDefaultGraph()
    .getOperations()
    .map((o) => o.name)
    .filter((n) => n.startsWith(prefix));
}

/** Runs `fetches` after initializing the global variables, in a fresh session. */
export function runInitialized<T = tf.NDArray>(
  fetches: unknown,
  feed?: Map<tf.Tensor, unknown>,
): T {
  const sess = new tf.Session();
  try {
    sess.run(tf.globalVariablesInitializer());
    return sess.run(fetches as never, feed as never) as T;
  } finally {
    sess.close();
  }
}

/** A deterministic float array of `n` values in about [-1, 1]. */
export function wave(n: number, phase = 0): number[] {
  return Array.from({ length: n }, (_, i) => Math.round(Math.sin(i * 0.7 + phase) * 1000) / 1000);
}

/** Nested values of a tfjs-core computation. */
export function direct(fn: () => tfc.Tensor): number[] {
  const t = tfc.tidy(fn);
  try {
    return Array.from(t.dataSync());
  } finally {
    t.dispose();
  }
}

/** Element-wise closeness of flat number arrays. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol = 1e-4,
): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i] as number;
    const a = actual[i] as number;
    if (Math.abs(a - e) > tol * Math.max(1, Math.abs(e))) {
      throw new Error(`element ${i}: ${a} is not close to ${e}`);
    }
  }
}

/** Op types between `loss` and the trainable variables that have no registered gradient. */
export function missingGradients(loss: tf.Tensor): string[] {
  const seen = new Set<tf.Operation>();
  const missing = new Set<string>();
  const stack = [loss.op];
  while (stack.length > 0) {
    const op = stack.pop() as tf.Operation;
    if (seen.has(op)) continue;
    seen.add(op);
    if (["VariableV2", "Placeholder", "Const", "PlaceholderWithDefault"].includes(op.type))
      continue;
    if (getGradientFunction(op.type) === undefined) missing.add(op.type);
    for (const t of op.inputs) if (t.dtype === "float32") stack.push(t.op);
  }
  return [...missing].sort();
}
