/**
 * Gradient checks shared by the gradient test files: a scopeflow graph's `tf.gradients`
 * against (1) central finite differences of the same graph and (2) TensorFlow.js's own
 * `tfc.grads` of the equivalent tfjs computation.
 */
import * as tfc from "@tensorflow/tfjs-core";
// tfjs-core registers its gradient functions only on request.
import "@tensorflow/tfjs-core/dist/register_all_gradients";
// Some of its gradient functions call chained tensor methods (`x.reshape`).
import "@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops";
import { expect } from "vitest";
import * as tf from "../../src/index.js";

/** One input of a gradient case. */
export interface InputSpec {
  /** The concrete shape fed. */
  shape: number[];
  /** The placeholder's shape (`null` dims are unknown until run time); `shape` by default. */
  placeholder?: (number | null)[] | null;
  /** The values; random normal by default. */
  values?: Float32Array | number[];
  dtype?: "float32" | "int32";
  /** Not differentiated (indices, labels). */
  constant?: boolean;
}

/** A gradient case: a graph function and the tfjs function it should equal. */
export interface GradCase {
  inputs: InputSpec[];
  graph: (...xs: tf.Tensor[]) => tf.Tensor;
  tfjs?: (...xs: tfc.Tensor[]) => tfc.Tensor;
  /** Finite-difference step (default 1e-2) and relative tolerance (default 1e-2). */
  step?: number;
  fdTol?: number;
  /** Relative tolerance against tfjs's gradients (default 1e-4). */
  tfjsTol?: number;
  /** Where tfjs's reference gradients are computed (default: the active backend). */
  refBackend?: string;
  /** How many elements of each input to perturb (default 24). */
  fdSamples?: number;
}

let seed = 1234;
/** A deterministic pseudo-random number in [0, 1). */
export function rand(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

/** Deterministic standard-normal values. */
export function randn(n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.max(rand(), 1e-7);
    const v = rand();
    out[i] = scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return out;
}

/** Deterministic uniform values in [lo, hi). */
export function uniform(n: number, lo: number, hi: number): Float32Array {
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rand());
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function valuesOf(spec: InputSpec): Float32Array | Int32Array {
  const n = sizeOf(spec.shape);
  if (spec.dtype === "int32")
    return Int32Array.from((spec.values ?? new Array<number>(n).fill(0)) as number[]);
  if (spec.values !== undefined) return Float32Array.from(spec.values as ArrayLike<number>);
  return randn(n);
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
}

/** Expects `got` to match `want` within `rtol` relative to the larger of 1 and `want`'s scale. */
export function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  rtol: number,
  what: string,
): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  const scale = Math.max(1, maxAbs(want));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < got.length; i++) {
    const e = Math.abs((got[i] as number) - (want[i] as number));
    if (!(e <= worst)) {
      worst = e;
      at = i;
    }
  }
  if (!(worst <= rtol * scale)) {
    throw new Error(
      `${what}: max error ${worst} at ${at} (got ${String(got[at])}, want ${String(want[at])}) exceeds ${rtol} x ${scale}`,
    );
  }
}

/** The result of {@link checkGradients}: the graph and its gradient tensors, for further checks. */
export interface GradCheck {
  xs: tf.Tensor[];
  y: tf.Tensor;
  grads: (tf.Tensor | tf.IndexedSlices | null)[];
}

/**
 * Builds `graph` on placeholders, differentiates `sum(y * gy)` for a random `gy` with
 * `tf.gradients`, and compares with finite differences and with tfjs.
 */
export async function checkGradients(c: GradCase): Promise<GradCheck> {
  const g = new tf.Graph();
  const values = c.inputs.map(valuesOf);
  const { xs, y } = g.asDefault(() => {
    const xs = c.inputs.map((spec, i) =>
      tf.placeholder(
        spec.dtype ?? "float32",
        spec.placeholder === undefined ? spec.shape : spec.placeholder,
        {
          name: `x${i}`,
        },
      ),
    );
    return { xs, y: c.graph(...xs) };
  });
  const yShape = await shapeOfOutput(g, xs, y, c, values);
  const gyValues = randn(sizeOf(yShape));
  // A constant: ops TensorFlow builds under `control_dependencies([grad])` must not wait
  // for a placeholder.
  const gyT = g.asDefault(() => tf.constant(gyValues, { shape: yShape, name: "gy" }));
  const wrt = c.inputs
    .map((spec, i) => (spec.constant || spec.dtype === "int32" ? -1 : i))
    .filter((i) => i >= 0);
  const grads = g.asDefault(() =>
    tf.gradients(
      y,
      wrt.map((i) => xs[i] as tf.Tensor),
      gyT,
    ),
  );
  // A gathered tensor's gradient is an IndexedSlices: compared in its dense form.
  const denseGrads = g.asDefault(() =>
    grads.map((t) => (t instanceof tf.IndexedSlices ? tf.convertToTensor(t) : t)),
  );

  const feeds = (vals: (Float32Array | Int32Array)[]) => {
    const m = new Map<tf.Tensor, unknown>();
    xs.forEach((x, i) =>
      m.set(x, new tf.NDArray(vals[i] as Float32Array, c.inputs[i]?.shape as number[], x.dtype)),
    );
    return m;
  };

  const session = new tf.Session({ graph: g });
  try {
    const analytic = wrt.map((_, k) => {
      const t = denseGrads[k];
      expect(t, `gradient ${k}`).not.toBeNull();
      return Float32Array.from(session.run(t as tf.Tensor, feeds(values)).data as Float32Array);
    });
    // Gradients have the static shapes of their inputs.
    wrt.forEach((i, k) => {
      const want = xs[i]?.shape as tf.TensorShape;
      expect((denseGrads[k] as tf.Tensor).shape.isCompatibleWith(want)).toBe(true);
    });

    // (1) central finite differences of L = sum(y * gy), computed in float64 from float32 runs.
    const step = c.step ?? 1e-2;
    const lossAt = (vals: (Float32Array | Int32Array)[]) => {
      const out = session.run(y, feeds(vals)).data as Float32Array;
      let s = 0;
      for (let i = 0; i < out.length; i++) s += (out[i] as number) * (gyValues[i] as number);
      return s;
    };
    wrt.forEach((i, k) => {
      const base = values[i] as Float32Array;
      const n = base.length;
      const samples = Math.min(n, c.fdSamples ?? 24);
      const picks =
        samples === n
          ? [...Array(n).keys()]
          : [...Array(samples).keys()].map(() => Math.floor(rand() * n));
      const numeric: number[] = [];
      const want: number[] = [];
      for (const j of picks) {
        const plus = values.slice();
        const minus = values.slice();
        const p = Float32Array.from(base);
        const m = Float32Array.from(base);
        p[j] = (base[j] as number) + step;
        m[j] = (base[j] as number) - step;
        plus[i] = p;
        minus[i] = m;
        const h = (p[j] as number) - (m[j] as number);
        numeric.push((lossAt(plus) - lossAt(minus)) / h);
        want.push(analytic[k]?.[j] as number);
      }
      expectClose(want, numeric, c.fdTol ?? 1e-2, `finite differences for input ${i}`);
    });

    // (2) tfjs's own gradients of the equivalent computation.
    if (c.tfjs !== undefined) {
      const fn = c.tfjs;
      const previous = tfc.getBackend();
      const ref = c.refBackend ?? previous;
      if (ref !== previous) await tfc.setBackend(ref);
      let reference: Float32Array[];
      try {
        reference = tfc.tidy(() => {
          const ts = c.inputs.map((spec, i) =>
            tfc.tensor(values[i] as Float32Array, spec.shape, spec.dtype ?? "float32"),
          );
          const dy = tfc.tensor(gyValues, yShape);
          const f = (...args: tfc.Tensor[]) => {
            const all = ts.slice();
            wrt.forEach((i, k) => {
              all[i] = args[k] as tfc.Tensor;
            });
            return fn(...all);
          };
          const gs = tfc.grads(f)(
            wrt.map((i) => ts[i] as tfc.Tensor),
            dy,
          );
          return gs.map((t) => Float32Array.from(t.dataSync() as Float32Array));
        }) as unknown as Float32Array[];
      } finally {
        if (ref !== previous) await tfc.setBackend(previous);
      }
      wrt.forEach((i, k) => {
        expectClose(
          analytic[k] as Float32Array,
          reference[k] as Float32Array,
          c.tfjsTol ?? 1e-4,
          `tfjs gradient for input ${i}`,
        );
      });
    }
  } finally {
    session.close();
  }
  return { xs, y, grads };
}

async function shapeOfOutput(
  g: tf.Graph,
  xs: tf.Tensor[],
  y: tf.Tensor,
  c: GradCase,
  values: (Float32Array | Int32Array)[],
): Promise<number[]> {
  if (y.shape.isFullyDefined()) return y.shape.asList() as number[];
  const s = new tf.Session({ graph: g });
  try {
    const m = new Map<tf.Tensor, unknown>();
    xs.forEach((x, i) =>
      m.set(x, new tf.NDArray(values[i] as Float32Array, c.inputs[i]?.shape as number[], x.dtype)),
    );
    return s.run(y, m).shape.slice();
  } finally {
    s.close();
  }
}

/** The names of the ops under `gradients/` in a graph. */
export function gradientOpNames(g: tf.Graph = tf.getDefaultGraph()): string[] {
  return g
    .getOperations()
    .map((o) => o.name)
    .filter((n) => n.startsWith("gradients"));
}
