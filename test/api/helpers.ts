/**
 * Helpers for the calling-convention tests: a function's TF positional form and its
 * options form must build the same graph, and refused calls must leave the graph as it was.
 */
import { expect } from "vitest";
import * as tf from "../../src/index.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

/** A comparable picture of a graph: every op's name, type, inputs, attrs and output shapes. */
export function graphPicture(graph: tf.Graph): string[] {
  return graph.getOperations().map((op) => {
    const attrs = Object.keys(op.attrs)
      .sort()
      .map((k) => `${k}=${attrText(op.attrs[k])}`)
      .join(",");
    const inputs = op.inputs.map((t) => t.name).join(",");
    const controls = op.controlInputs.map((o) => `^${o.name}`).join(",");
    const outs = op.outputs.map((t) => `${t.dtype}${t.shape.toString()}`).join(",");
    return `${op.name} = ${op.type}(${inputs}${controls ? ";" + controls : ""}) [${attrs}] -> ${outs}`;
  });
}

function attrText(value: unknown): string {
  if (ArrayBuffer.isView(value))
    return `[${Array.from(value as unknown as ArrayLike<number>).join(" ")}]`;
  if (typeof value === "function") return "fn";
  try {
    return JSON.stringify(value, (_, v: unknown) =>
      ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v,
    );
  } catch {
    return String(value);
  }
}

/**
 * Builds each of `forms` in a fresh graph (with the same random seed) and expects every
 * graph to be identical to the first. Returns the first form's picture, non-empty.
 */
export function expectSameGraphs(...forms: (() => unknown)[]): string[] {
  const pictures = forms.map((build) => {
    const g = new tf.Graph();
    g.asDefault(() => {
      tf.setRandomSeed(7);
      build();
    });
    return graphPicture(g);
  });
  const [first, ...rest] = pictures as [string[], ...string[][]];
  expect(first.length).toBeGreaterThan(0);
  rest.forEach((p, i) => expect(p, `form ${i + 2} differs from form 1`).toEqual(first));
  return first;
}

/**
 * Expects `fn` to throw a TypeError whose message matches `message`, leaving the default
 * graph exactly as it was.
 */
export function expectRefused(fn: () => unknown, message: string | RegExp): void {
  expectThrowsAndUnchanged(fn, TypeError, message);
}
