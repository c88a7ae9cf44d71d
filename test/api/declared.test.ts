/**
 * Every public function and class takes its arguments through a declared TF parameter list
 * (src/graph/call_args.ts), so none can silently ignore an argument it does not know.
 */
import { describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { declaredParams } from "../../src/graph/call_args.js";

/**
 * Public values that are not TF functions taking arguments: value types users get from the
 * library rather than construct with TF arguments, and the errors namespace.
 */
const NOT_FUNCTIONS = new Set([
  "tf.Graph", // new tf.Graph() takes nothing; its methods are declared
  "tf.Tensor",
  "tf.TensorShape",
  "tf.Operation",
  "tf.NDArray",
  "tf.VariableScope",
  "tf.layers.Layer", // the base class; each concrete layer is declared
  "tf.layers.InputSpec",
  "tf.train.Optimizer", // the base class; each optimizer is declared
  "tf.nn.rnnCell.LayerRNNCell", // the base class; each cell is declared
  "tf.losses.Reduction", // TF's class of constants, never called
  "tf.SliceSpec", // the value `tf.sliceSpec(start, stop, step)` (declared) makes
  "tf.data.Dataset", // made by its static methods and transformations (declared)
  "tf.summary.FileWriterCache", // TF's class of static methods (get, clear: declared), never constructed
  "tf.data.Iterator", // made by datasets and `Iterator.fromStructure` (declared)
]);

function publicFunctions(): [string, object][] {
  const out: [string, object][] = [];
  const walk = (ns: Record<string, unknown>, prefix: string, depth: number): void => {
    for (const [k, v] of Object.entries(ns)) {
      const path = `${prefix}${k}`;
      if (typeof v === "function") out.push([path, v]);
      else if (
        depth < 3 &&
        v !== null &&
        typeof v === "object" &&
        !Array.isArray(v) &&
        k !== "errors" &&
        k !== "GraphKeys"
      ) {
        walk(v as Record<string, unknown>, `${path}.`, depth + 1);
      }
    }
  };
  walk(tf as unknown as Record<string, unknown>, "tf.", 1);
  return out;
}

describe("the calling convention covers the public API", () => {
  it("finds the namespaces", () => {
    const names = publicFunctions().map(([n]) => n);
    for (const n of ["tf.argmax", "tf.nn.conv2d", "tf.layers.dense", "tf.train.AdamOptimizer"]) {
      expect(names).toContain(n);
    }
  });

  it("every public function and class declares its TF parameters", () => {
    const undeclared = publicFunctions()
      .filter(([name, f]) => !NOT_FUNCTIONS.has(name) && declaredParams(f) === undefined)
      .map(([name]) => name);
    expect(undeclared).toEqual([]);
  });
});
