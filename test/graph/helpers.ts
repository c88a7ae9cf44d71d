/**
 * Helpers shared by the graph, scope and variable tests: a comparable picture of a graph's
 * building state, and reading values through a Session.
 */
import { expect } from "vitest";
import * as tf from "../../src/index.js";
import { variableScopeStore, variableStore } from "../../src/variables/get_variable.js";

/** Everything a failed building call must leave as it was. */
export interface GraphState {
  opCount: number;
  opNames: string[];
  global: string[];
  trainable: string[];
  local: string[];
  regularizationLosses: string[];
  storeSize: number;
  nameScope: string;
  variableScope: string;
}

function names(items: unknown[]): string[] {
  return items.map((item) => String((item as { name?: unknown }).name));
}

/** The building state of `graph` (the default graph unless given). */
export function graphState(graph: tf.Graph = tf.getDefaultGraph()): GraphState {
  return {
    opCount: graph.opCount,
    opNames: graph.getOperations().map((o) => o.name),
    global: names(graph.getCollection(tf.GraphKeys.GLOBAL_VARIABLES)),
    trainable: names(graph.getCollection(tf.GraphKeys.TRAINABLE_VARIABLES)),
    local: names(graph.getCollection(tf.GraphKeys.LOCAL_VARIABLES)),
    regularizationLosses: names(graph.getCollection(tf.GraphKeys.REGULARIZATION_LOSSES)),
    storeSize: variableStore(graph).size,
    nameScope: graph.nameStack,
    variableScope: variableScopeStore(graph).current.name,
  };
}

/**
 * Runs `fn`, expects it to throw `errorClass` (with `message` when given), and expects the
 * graph to be exactly as before.
 */
export function expectThrowsAndUnchanged(
  fn: () => unknown,
  errorClass: new (...args: never[]) => Error,
  message?: string | RegExp,
  graph: tf.Graph = tf.getDefaultGraph(),
): void {
  const before = graphState(graph);
  let thrown: unknown = null;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(errorClass);
  if (message !== undefined) {
    const text = (thrown as Error).message;
    if (typeof message === "string") expect(text).toBe(message);
    else expect(text).toMatch(message);
  }
  expect(graphState(graph)).toEqual(before);
}

/** The message of the error `fn` throws (fails the test if it does not throw). */
export function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    if (e instanceof Error) return e;
    throw new Error(`threw a non-Error: ${String(e)}`);
  }
  throw new Error("expected an error, but none was thrown");
}

/** Runs `fetch` in `sess` and returns the value as nested JS arrays. */
export function runValue(sess: tf.Session, fetch: unknown): unknown {
  return (sess.run(fetch) as tf.NDArray).toArray();
}

/** Initializes every global variable in a new session over the default graph and reads `fetch`. */
export function initializedValue(fetch: unknown): unknown {
  const sess = new tf.Session();
  try {
    sess.run(tf.globalVariablesInitializer());
    return runValue(sess, fetch);
  } finally {
    sess.close();
  }
}

/** Flattens nested arrays of numbers. */
export function flat(value: unknown): number[] {
  if (Array.isArray(value)) return value.flatMap((v) => flat(v));
  return [value as number];
}

/** The op names of the default graph. */
export function opNames(graph: tf.Graph = tf.getDefaultGraph()): string[] {
  return graph.getOperations().map((o) => o.name);
}

function label(item: unknown): string {
  if (typeof item === "object" && item !== null && "name" in item) {
    return `${(item as { constructor: { name: string } }).constructor.name}(${String((item as { name: unknown }).name)})`;
  }
  return String(item);
}

/**
 * Expects `actual` to hold exactly the objects of `expected` (`===`, in order). Graph objects
 * are cyclic and huge, so vitest's deep equality (which `toEqual` and a failing or negated
 * `toBe` fall back to) must never see them.
 */
export function expectSameItems(actual: readonly unknown[], expected: readonly unknown[]): void {
  expect(actual.map(label)).toEqual(expected.map(label));
  actual.forEach((item, i) => {
    if (item !== expected[i]) throw new Error(`item ${i} is not the same object: ${label(item)}`);
  });
}

/** Expects `a === b` without letting vitest deep-compare graph objects. */
export function expectSame(a: unknown, b: unknown): void {
  if (a !== b) throw new Error(`expected the same object: ${label(a)} vs ${label(b)}`);
}

/** Expects `a !== b` without letting vitest deep-compare graph objects. */
export function expectDistinct(a: unknown, b: unknown): void {
  if (a === b) throw new Error(`expected different objects, got ${label(a)} twice`);
}
