import * as tfc from "@tensorflow/tfjs-core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { applyOp } from "../../src/ops/state/training_ops.js";
import {
  ElementwiseKernels,
  elementwiseFunction,
  moduleBytes,
  setWasmKernelsEnabled,
  type Expr,
} from "../../src/ops/wasm_kernels.js";
import { expectBitIdentical, values } from "./helpers.js";

/*
 * Elementwise kernels compiled to WebAssembly SIMD over the wasm backend's memory: the
 * optimizers' `Apply*` updates must be bit-identical to the paths taken without them (the
 * kernel chains, or one JS pass for small tensors), at sizes with and without a tail of
 * fewer than 4 elements after the SIMD groups.
 */

beforeEach(() => tf.resetDefaultGraph());
afterEach(() => setWasmKernelsEnabled(true));

describe("ElementwiseKernels", () => {
  const kernels = new ElementwiseKernels([
    {
      name: "axpy",
      arrays: 2,
      scalars: 1,
      // out0 = a·x + y, out1 = √|…| via x·x, out2 = x / (y + 1)
      body: (k) => {
        const [x, y] = k.arrays as [Expr, Expr];
        const a = k.scalars[0] as Expr;
        return [k.add(k.mul(a, x), y), k.sqrt(k.mul(x, x)), k.div(x, k.add(y, k.constant(1)))];
      },
    },
  ]);

  it("emits a module WebAssembly validates, plain or with shared memory", () => {
    const spec = { name: "f", arrays: 1, scalars: 0, body: (k: { arrays: Expr[] }) => k.arrays };
    expect(WebAssembly.validate(moduleBytes([elementwiseFunction(spec)], false))).toBe(true);
    expect(WebAssembly.validate(moduleBytes([elementwiseFunction(spec)], true))).toBe(true);
  });

  it.each([0, 1, 3, 4, 5, 1027])("computes every element of %i on the wasm backend", (n) => {
    expect(tfc.getBackend()).toBe("wasm");
    const xs = values(n, 1, 3);
    const ys = values(n, 2);
    const x = tfc.tensor1d(xs);
    const y = tfc.tensor1d(ys);
    const a = tfc.scalar(0.7);
    const out = kernels.run("axpy", [x, y], [a], 3);
    expect(out).not.toBeNull();
    const [o0, o1, o2] = out as [tfc.Tensor, tfc.Tensor, tfc.Tensor];
    const f = Math.fround;
    const a32 = f(0.7);
    expectBitIdentical(
      o0.dataSync(),
      xs.map((v, i) => f(f(a32 * v) + (ys[i] as number))),
      "a·x + y",
    );
    expectBitIdentical(
      o1.dataSync(),
      xs.map((v) => f(Math.sqrt(f(v * v)))),
      "√(x·x)",
    );
    expectBitIdentical(
      o2.dataSync(),
      xs.map((v, i) => f(v / f((ys[i] as number) + 1))),
      "x / (y + 1)",
    );
    // The inputs are read, not written.
    expectBitIdentical(x.dataSync(), xs, "x");
    tfc.dispose([x, y, a, o0, o1, o2]);
  });

  it("declines when turned off, and on a backend without a wasm heap", async () => {
    const x = tfc.tensor1d([1, 2]);
    const a = tfc.scalar(2);
    setWasmKernelsEnabled(false);
    expect(kernels.run("axpy", [x, x], [a], 3)).toBeNull();
    setWasmKernelsEnabled(true);
    const previous = tfc.getBackend();
    await tfc.setBackend("cpu");
    try {
      const xc = tfc.tensor1d([1, 2]);
      const ac = tfc.scalar(2);
      expect(kernels.run("axpy", [xc, xc], [ac], 3)).toBeNull();
      tfc.dispose([xc, ac]);
    } finally {
      await tfc.setBackend(previous);
    }
    tfc.dispose([x, a]);
  });

  it("declines int32 inputs", () => {
    const x = tfc.tensor1d([1, 2], "int32");
    const a = tfc.scalar(2, "int32");
    expect(kernels.run("axpy", [x, x], [a], 3)).toBeNull();
    tfc.dispose([x, a]);
  });
});

describe("compiled Apply* updates are bit-identical to the paths without them", () => {
  /** Two updates of `type` on variables starting at `init`; the variables' final values. */
  function runUpdates(
    type: string,
    init: Float32Array[],
    shape: number[],
    hyper: number[],
    gradAt: number,
    attrs: Record<string, unknown>,
  ): Float32Array[] {
    tf.resetDefaultGraph();
    const n = shape.reduce((a, b) => a * b, 1);
    const refs = init.map((v, i) =>
      tf.getVariable(`v${i}`, { initializer: tf.constant(v, { shape }) }),
    );
    const grad = tf.placeholder(tf.float32, shape);
    const args: (number | tf.Tensor)[] = [...hyper];
    args.splice(gradAt, 0, grad);
    const update = applyOp(type, refs, args, attrs);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    for (const seed of [20, 21]) {
      const g = values(n, seed, 2);
      sess.run(update.op, new Map([[grad, tf.NDArray.fromTypedArray(g, shape, "float32")]]));
    }
    return (sess.run(refs) as tf.NDArray[]).map((a) => Float32Array.from(a.data as Float32Array));
  }

  const cases: [string, number, number[], number, Record<string, unknown>][] = [
    ["ApplyGradientDescent", 1, [0.37], 1, {}],
    ["ApplyMomentum", 2, [0.1, 0.9], 1, {}],
    ["ApplyMomentum", 2, [0.1, 0.9], 1, { use_nesterov: true }],
    ["ApplyAdam", 3, [0.81, 0.998, 0.01, 0.9, 0.999, 1e-7], 6, {}],
    ["ApplyRMSProp", 3, [0.01, 0.9, 0.5, 1e-6], 4, {}],
    ["ApplyCenteredRMSProp", 4, [0.01, 0.9, 0.5, 1e-6], 4, {}],
    ["ApplyAdagrad", 2, [0.05], 1, {}],
    ["ApplyAdagrad", 2, [0.05], 1, { update_slots: false }],
  ];
  for (const [type, refs, hyper, gradAt, attrs] of cases) {
    it.each([[[]], [[7]], [[10, 13]], [[100, 101]]])(
      `${type} ${JSON.stringify(attrs)} on shape %j`,
      (shape) => {
        const n = shape.reduce((a, b) => a * b, 1);
        // Slots positive (accumulators of squares must be), the variable of either sign.
        const init = Array.from({ length: refs }, (_, i) =>
          i === 0 ? values(n, 3) : Float32Array.from(values(n, 4 + i, 0.1), Math.abs),
        );
        const fast = runUpdates(type, init, shape, hyper, gradAt, attrs);
        setWasmKernelsEnabled(false);
        const plain = runUpdates(type, init, shape, hyper, gradAt, attrs);
        fast.forEach((f, i) => expectBitIdentical(f, plain[i] as Float32Array, `ref ${i}`));
        // The update did something.
        expect(fast[0]).not.toEqual(init[0]);
      },
    );
  }
});
