/**
 * The calling convention on `tf.mapFn`, `tf.scan`, `tf.foldl` and `tf.foldr`: TF 1.15's
 * positional parameters and the options form build the same graph; unknown keys and wrong
 * kinds are refused with the graph unchanged.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectRefused, expectSameGraphs } from "./helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

const square = (x: tf.Tensor): tf.Tensor => tf.multiply(x, x);
const add = (a: tf.Tensor, x: tf.Tensor): tf.Tensor => tf.add(a, x);
const elems = (): tf.Tensor => tf.constant([1, 2, 3], { name: "elems" });
const init = (): tf.Tensor => tf.constant(0, { name: "init" });

/** The line of `picture` describing op `name`. */
function line(picture: string[], name: string): string {
  return picture.find((l) => l.startsWith(`${name} = `)) ?? "";
}

describe("positional and options forms build the same graph", () => {
  it("mapFn(fn, elems, dtype, parallel_iterations, back_prop, swap_memory, infer_shape, name)", () => {
    const picture = expectSameGraphs(
      () => tf.mapFn(square, elems(), tf.float32, 4, false, false, false, "m"),
      () =>
        tf.mapFn(square, elems(), {
          dtype: tf.float32,
          parallelIterations: 4,
          backProp: false,
          swapMemory: false,
          inferShape: false,
          name: "m",
        }),
      () =>
        tf.mapFn({
          fn: square,
          elems: elems(),
          dtype: tf.float32,
          parallelIterations: 4,
          backProp: false,
          inferShape: false,
          name: "m",
        }),
    );
    expect(line(picture, "m/while/Enter")).toContain("parallel_iterations=4");
    expect(line(picture, "m/TensorArray_1")).toContain("identical_element_shapes=false");
  });

  it("scan(fn, elems, initializer, parallel_iterations, back_prop, swap_memory, infer_shape, reverse, name)", () => {
    const picture = expectSameGraphs(
      () => tf.scan(add, elems(), init(), 3, true, false, true, true, "s"),
      () =>
        tf.scan(add, elems(), {
          initializer: init(),
          parallelIterations: 3,
          backProp: true,
          swapMemory: false,
          inferShape: true,
          reverse: true,
          name: "s",
        }),
    );
    expect(line(picture, "s/while/Enter")).toContain("parallel_iterations=3");
    expect(line(picture, "s/while/GreaterEqual")).not.toBe("");
  });

  it("foldl and foldr(fn, elems, initializer, parallel_iterations, back_prop, swap_memory, name)", () => {
    for (const fold of [tf.foldl, tf.foldr]) {
      const picture = expectSameGraphs(
        () => fold(add, elems(), init(), 2, true, false, "f"),
        () =>
          fold(add, elems(), {
            initializer: init(),
            parallelIterations: 2,
            backProp: true,
            swapMemory: false,
            name: "f",
          }),
        () =>
          fold({ fn: add, elems: elems(), initializer: init(), parallelIterations: 2, name: "f" }),
      );
      expect(line(picture, "f/while/Enter")).toContain("parallel_iterations=2");
    }
  });
});

describe("refused calls leave the graph unchanged", () => {
  it("unknown keys and wrong kinds", () => {
    const x = elems();
    expectRefused(
      () => tf.mapFn(square, x, { back_prop: false } as never),
      "mapFn() got an unexpected keyword argument 'back_prop' (did you mean 'backProp'?)",
    );
    expectRefused(
      () => tf.scan(add, x, { reverse: 1 } as never),
      /^scan\(\) argument 'reverse' must be/,
    );
    expectRefused(
      () => tf.foldl(add, x, { parallelIterations: "4" } as never),
      /^foldl\(\) argument 'parallelIterations' must be/,
    );
  });
});
