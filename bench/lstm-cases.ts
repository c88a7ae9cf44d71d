/**
 * The LSTM benchmarks' cases, weights and data, shared by the worker and the A/B script so
 * that every implementation and every tree starts from the same numbers.
 */
import { seeded } from "./seeded.js";

export interface LstmSpec {
  kind: "regression" | "char";
  batch: number;
  time: number;
  /** Input depth of the bottom LSTM layer (the embedding size for `char`). */
  depth: number;
  units: number;
  layers: number;
  /** Vocabulary size (`char` only). */
  vocab: number;
  lr: number;
}

export const SPECS: Record<string, LstmSpec> = {
  "lstm2-256": {
    kind: "regression",
    batch: 32,
    time: 50,
    depth: 64,
    units: 256,
    layers: 2,
    vocab: 0,
    lr: 1e-3,
  },
  "char-lstm": {
    kind: "char",
    batch: 32,
    time: 50,
    depth: 32,
    units: 128,
    layers: 2,
    vocab: 65,
    lr: 2e-3,
  },
};

/** The data of one case: `x` floats `[batch, time, depth]` or ids `[batch, time]`. */
export interface LstmData {
  /** `regression`: inputs `[batch, time, depth]`. */
  x: Float32Array;
  /** `regression`: targets `[batch, time, units]`. */
  y: Float32Array;
  /** `char`: input character ids `[batch, time]`. */
  ids: Int32Array;
  /** `char`: target ids `[batch, time]` (the next character). */
  targets: Int32Array;
}

/** What an implementation hands back: one training step, and how it was built. */
export interface StepFn {
  step: () => number | Promise<number>;
  info: Record<string, string>;
}

/**
 * Weight shapes, in one fixed order shared by the three implementations (TF layout):
 * `[embedding]`, then per layer `kernel, bias`, then `[softmax w, softmax b]` for `char`.
 */
export function weightShapes(spec: LstmSpec): number[][] {
  const shapes: number[][] = [];
  if (spec.kind === "char") shapes.push([spec.vocab, spec.depth]);
  for (let l = 0; l < spec.layers; l++) {
    const inDepth = l === 0 ? spec.depth : spec.units;
    shapes.push([inDepth + spec.units, 4 * spec.units], [4 * spec.units]);
  }
  if (spec.kind === "char") shapes.push([spec.units, spec.vocab], [spec.vocab]);
  return shapes;
}

/** Glorot-uniform matrices (TF's default for `get_variable`), zero biases. */
export function initialWeights(spec: LstmSpec): Float32Array[] {
  return weightShapes(spec).map((shape, i) => {
    const n = shape.reduce((a, b) => a * b, 1);
    if (shape.length === 1) return new Float32Array(n);
    const [rows, cols] = shape as [number, number];
    return seeded(n, 100 + i, Math.sqrt(6 / (rows + cols)));
  });
}

export function data(spec: LstmSpec): LstmData {
  const { batch, time } = spec;
  if (spec.kind === "regression") {
    return {
      x: seeded(batch * time * spec.depth, 7, 1),
      y: seeded(batch * time * spec.units, 8, 0.5),
      ids: new Int32Array(0),
      targets: new Int32Array(0),
    };
  }
  // One random character stream per batch row; the target is the next character.
  const stream = seeded(batch * (time + 1), 9, 1);
  const ids = new Int32Array(batch * time);
  const targets = new Int32Array(batch * time);
  const charAt = (b: number, t: number) =>
    Math.min(
      spec.vocab - 1,
      Math.floor(((stream[b * (time + 1) + t] as number) + 1) * 0.5 * spec.vocab),
    );
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < time; t++) {
      ids[b * time + t] = charAt(b, t);
      targets[b * time + t] = charAt(b, t + 1);
    }
  }
  return { x: new Float32Array(0), y: new Float32Array(0), ids, targets };
}
