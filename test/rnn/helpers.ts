import * as tfc from "@tensorflow/tfjs-core";
import { expect } from "vitest";
import * as tf from "../../src/index.js";

/** A repeatable pseudo-random stream in [-1, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

/** A nested `[rows][cols]` array of pseudo-random values. */
export function randomMatrix(rows: number, cols: number, next: () => number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => next()));
}

/** A variable's value in `sess` as a tfjs-core tensor. */
export function valueOf(sess: tf.Session, v: tf.Variable | tf.Tensor): tfc.Tensor {
  const nd = sess.run(v as tf.Tensor) as tf.NDArray;
  return tfc.tensor(nd.data as Float32Array, nd.shape as number[], "float32");
}

/** Gives a variable fresh pseudo-random values (biases start at zeros, which tests less). */
export function randomize(sess: tf.Session, v: tf.Variable, next: () => number, scale = 0.5): void {
  const dims = v.shape.asList() as number[];
  const size = dims.reduce((a, b) => a * b, 1);
  const flat = Array.from({ length: size }, () => next() * scale);
  v.load(tfc.tensor(flat, dims).arraySync(), sess);
}

/** The values of a result as a flat number array. */
export function flat(nd: tf.NDArray | tfc.Tensor): number[] {
  return Array.from((nd instanceof tfc.Tensor ? nd.dataSync() : nd.data) as Float32Array);
}

/** Element-wise closeness. */
export function expectAllClose(actual: number[], expected: number[], tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i] as number;
    expect(Math.abs(a - e)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e)));
  });
}

const sig = tfc.sigmoid;

/** `BasicRNNCell` by hand. */
export function basicRnnStep(
  x: tfc.Tensor,
  h: tfc.Tensor,
  k: tfc.Tensor,
  b: tfc.Tensor,
): tfc.Tensor {
  return tfc.tanh(tfc.add(tfc.matMul(tfc.concat([x, h], 1), k), b));
}

/** `BasicLSTMCell` by hand: gates i, j, f, o; forget bias added to f. */
export function basicLstmStep(
  x: tfc.Tensor,
  state: { c: tfc.Tensor; h: tfc.Tensor },
  k: tfc.Tensor,
  b: tfc.Tensor,
  forgetBias = 1,
): { c: tfc.Tensor; h: tfc.Tensor } {
  const gates = tfc.add(tfc.matMul(tfc.concat([x, state.h], 1), k), b);
  const [i, j, f, o] = tfc.split(gates, 4, 1) as [tfc.Tensor, tfc.Tensor, tfc.Tensor, tfc.Tensor];
  const c = tfc.add(tfc.mul(state.c, sig(tfc.add(f, forgetBias))), tfc.mul(sig(i), tfc.tanh(j)));
  const h = tfc.mul(tfc.tanh(c), sig(o));
  return { c, h };
}

/** `LSTMCell` by hand, with peepholes, cell clipping and projection. */
export function lstmStep(
  x: tfc.Tensor,
  state: { c: tfc.Tensor; h: tfc.Tensor },
  w: {
    kernel: tfc.Tensor;
    bias: tfc.Tensor;
    wf?: tfc.Tensor;
    wi?: tfc.Tensor;
    wo?: tfc.Tensor;
    proj?: tfc.Tensor;
  },
  opts: { cellClip?: number; projClip?: number; forgetBias?: number } = {},
): { c: tfc.Tensor; h: tfc.Tensor } {
  const fb = opts.forgetBias ?? 1;
  const m = tfc.add(tfc.matMul(tfc.concat([x, state.h], 1), w.kernel), w.bias);
  const [i, j, f, o] = tfc.split(m, 4, 1) as [tfc.Tensor, tfc.Tensor, tfc.Tensor, tfc.Tensor];
  let c: tfc.Tensor;
  if (w.wf && w.wi) {
    c = tfc.add(
      tfc.mul(sig(tfc.add(tfc.add(f, fb), tfc.mul(w.wf, state.c))), state.c),
      tfc.mul(sig(tfc.add(i, tfc.mul(w.wi, state.c))), tfc.tanh(j)),
    );
  } else {
    c = tfc.add(tfc.mul(sig(tfc.add(f, fb)), state.c), tfc.mul(sig(i), tfc.tanh(j)));
  }
  if (opts.cellClip !== undefined) c = tfc.clipByValue(c, -opts.cellClip, opts.cellClip);
  let h = w.wo
    ? tfc.mul(sig(tfc.add(o, tfc.mul(w.wo, c))), tfc.tanh(c))
    : tfc.mul(sig(o), tfc.tanh(c));
  if (w.proj) {
    h = tfc.matMul(h, w.proj);
    if (opts.projClip !== undefined) h = tfc.clipByValue(h, -opts.projClip, opts.projClip);
  }
  return { c, h };
}

/** `GRUCell` by hand. */
export function gruStep(
  x: tfc.Tensor,
  h: tfc.Tensor,
  w: { gk: tfc.Tensor; gb: tfc.Tensor; ck: tfc.Tensor; cb: tfc.Tensor },
): tfc.Tensor {
  const value = sig(tfc.add(tfc.matMul(tfc.concat([x, h], 1), w.gk), w.gb));
  const [r, u] = tfc.split(value, 2, 1) as [tfc.Tensor, tfc.Tensor];
  const cand = tfc.tanh(tfc.add(tfc.matMul(tfc.concat([x, tfc.mul(r, h)], 1), w.ck), w.cb));
  return tfc.add(tfc.mul(u, h), tfc.mul(tfc.sub(1, u), cand));
}
