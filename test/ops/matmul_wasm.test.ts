import * as tfc from "@tensorflow/tfjs-core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { compiledProduct, gemmFunction, packFunction } from "../../src/ops/math/matmul_wasm.js";
import { moduleBytes, setWasmKernelsEnabled } from "../../src/ops/wasm_kernels.js";
import { expectBitIdentical, values } from "./helpers.js";

/*
 * The compiled matrix product adds each output's terms in k order from the bias (or +0),
 * as XNNPACK does: its values must be bit-identical to tfjs-wasm's for every way the
 * output splits into tiles (rows left after the 5-row tiles, columns after the 12-column
 * strips, in 4-lane groups and single columns), the k blocks (256) and column blocks.
 */

beforeEach(() => tf.resetDefaultGraph());
afterEach(() => setWasmKernelsEnabled(true));

function tensor(shape: [number, number], seed: number, scale = 1): tfc.Tensor2D {
  return tfc.tensor2d(values(shape[0] * shape[1], seed, scale), shape);
}

/** XNNPACK's product of untransposed operands (the compiled kernels turned off). */
function xnnpack(
  a: tfc.Tensor2D,
  b: tfc.Tensor2D,
  bias: tfc.Tensor1D | null,
  activation: "none" | "relu" | "relu6",
): Float32Array {
  const was = setWasmKernelsEnabled(false);
  try {
    const out =
      bias === null && activation === "none"
        ? tfc.matMul(a, b)
        : tfc.fused.matMul({
            a,
            b,
            bias: bias ?? undefined,
            activation: activation === "none" ? "linear" : activation,
          });
    return out.dataSync() as Float32Array;
  } finally {
    setWasmKernelsEnabled(was);
  }
}

describe("compiledProduct", () => {
  it("emits modules WebAssembly validates", () => {
    const layout = {
      mr: 5,
      vecs: 3,
      scalars: 0,
      aRow: 64,
      aK: 4,
      bK: 48,
      bStrip: 4096,
      cRow: 64,
      init: "bias",
      activation: "relu6",
    } as const;
    expect(WebAssembly.validate(moduleBytes([gemmFunction("g", layout)], false))).toBe(true);
    const scalar = { ...layout, vecs: 0, scalars: 3, init: "output" } as const;
    expect(WebAssembly.validate(moduleBytes([gemmFunction("g", scalar)], true))).toBe(true);
    expect(WebAssembly.validate(moduleBytes([packFunction("p", 4096, 44, 9000)], false))).toBe(
      true,
    );
  });

  const shapes: [string, number, number, number][] = [
    ["one tile", 5, 12, 12],
    ["rows left after the tiles, odd k", 7, 37, 12],
    ["columns in 4-lane groups and single columns", 11, 9, 19],
    ["single columns only", 3, 5, 3],
    ["several k blocks", 12, 600, 24],
    ["several column blocks", 6, 300, 260],
    ["a dense layer", 32, 784, 100],
  ];
  for (const [name, m, k, n] of shapes) {
    for (const activation of ["none", "relu", "relu6"] as const) {
      it(`${name} (${m}×${k}·${k}×${n}, ${activation}) equals XNNPACK's bit for bit`, () => {
        expect(tfc.getBackend()).toBe("wasm");
        const a = tensor([m, k], 1, 2);
        const b = tensor([k, n], 2, 2);
        const bias = tfc.tensor1d(values(n, 3, 4));
        const got = compiledProduct(a, b, false, bias, activation);
        expect(got).not.toBeNull();
        expect((got as tfc.Tensor).shape).toEqual([m, n]);
        expectBitIdentical(
          (got as tfc.Tensor).dataSync(),
          xnnpack(a, b, bias, activation),
          "with bias",
        );
        const b2 = tensor([k, n], 4, 2);
        const plain = compiledProduct(a, b2, false, null, "none");
        expectBitIdentical(
          (plain as tfc.Tensor).dataSync(),
          xnnpack(a, b2, null, "none"),
          "no bias",
        );
      });
    }
  }

  it("reads a transposed left operand where it lies", () => {
    const at = tensor([300, 9], 5);
    const b = tensor([300, 14], 6);
    const got = compiledProduct(at, b, true, null, "none");
    const a = tfc.transpose(at) as tfc.Tensor2D;
    expectBitIdentical((got as tfc.Tensor).dataSync(), xnnpack(a, b, null, "none"), "aᵀ·b");
  });

  it("passes NaN and −0 through relu as TensorFlow's Relu does", () => {
    const a = tfc.tensor2d([NaN, 1, 0, 0, -1, 0], [3, 2]);
    const b = tfc.tensor2d([1, -1, 1, -1, 1, -1, 1, -1], [2, 4]);
    const bias = tfc.tensor1d([0, -0, -0, 1]);
    const got = compiledProduct(a, b, false, bias, "relu") as tfc.Tensor;
    const v = got.dataSync();
    expect(Array.from(v.slice(0, 4)).every((x) => Number.isNaN(x))).toBe(true);
    // −0 + 0·1 + 0·1 = +0, −0 + 0·(−1) + 0·(−1) = −0: relu keeps both, as `x < 0 ? 0 : x`.
    expectBitIdentical(v.slice(4, 8), [0, -0, 0, 1], "zeros");
    expectBitIdentical(v.slice(8, 12), [0, 1, 0, 2], "negatives");
    const b2 = tfc.tensor2d([1, 2, 3, -1, 1, 2, 3, -1], [2, 4]);
    const six = compiledProduct(tfc.tensor2d([1, 2], [1, 2]), b2, false, null, "relu6");
    expectBitIdentical((six as tfc.Tensor).dataSync(), [3, 6, 6, 0], "relu6");
  });

  it("leaves a right operand it multiplied before to XNNPACK, which keeps its pack", () => {
    const a = tensor([4, 8], 7);
    const b = tensor([8, 8], 8);
    expect(compiledProduct(a, b, false, null, "none")).not.toBeNull();
    expect(compiledProduct(a, b, false, null, "none")).toBeNull();
  });

  it("declines many rows, other dtypes, mismatched shapes, and when turned off", () => {
    const b = tensor([8, 8], 9);
    expect(compiledProduct(tensor([257, 8], 10), b, false, null, "none")).toBeNull();
    expect(compiledProduct(tfc.ones([4, 8], "int32"), b, false, null, "none")).toBeNull();
    expect(compiledProduct(tensor([4, 7], 11), b, false, null, "none")).toBeNull();
    expect(compiledProduct(tensor([4, 8], 12), b, false, tfc.tensor1d([1, 2]), "none")).toBeNull();
    setWasmKernelsEnabled(false);
    expect(compiledProduct(tensor([4, 8], 13), tensor([8, 8], 14), false, null, "none")).toBeNull();
  });

  it("gives a dense layer's forward values in a session as the unfused ops do", () => {
    const x = tf.placeholder(tf.float32, [16, 300]);
    const w = tf.constant(tf.NDArray.fromTypedArray(values(300 * 40, 15), [300, 40], "float32"));
    const b = tf.constant(tf.NDArray.fromTypedArray(values(40, 16), [40], "float32"));
    const pre = tf.nn.biasAdd(tf.matmul(x, w), b);
    const y = tf.nn.relu(pre);
    const feed = new Map([
      [x, tf.NDArray.fromTypedArray(values(16 * 300, 17), [16, 300], "float32")],
    ]);
    using sess = new tf.Session();
    const fused = (sess.run(y, feed) as tf.NDArray).data as Float32Array;
    // Fetching the pre-activation too keeps the chain unfused: MatMul, BiasAdd, Relu.
    const [, unfused] = sess.run([pre, y], feed) as [tf.NDArray, tf.NDArray];
    const plain = unfused.data as Float32Array;
    for (let i = 0; i < plain.length; i++) expect(fused[i]).toBeCloseTo(plain[i] as number, 4);
  });
});
