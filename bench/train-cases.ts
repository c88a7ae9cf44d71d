/**
 * The training benchmarks' cases, weights and data, shared by the worker and the A/B
 * scripts so that every implementation and every tree starts from the same numbers.
 */
import { seeded } from "./seeded.js";

export interface Spec {
  kind: "mlp" | "cnn" | "rnn";
  batch: number;
  optimizer: "sgd" | "adam";
}

export const SPECS: Record<string, Spec> = {
  "mlp-sgd-32": { kind: "mlp", batch: 32, optimizer: "sgd" },
  "mlp-sgd-256": { kind: "mlp", batch: 256, optimizer: "sgd" },
  "mlp-adam-32": { kind: "mlp", batch: 32, optimizer: "adam" },
  "mlp-adam-256": { kind: "mlp", batch: 256, optimizer: "adam" },
  "cnn-adam-32": { kind: "cnn", batch: 32, optimizer: "adam" },
  "rnn-adam-16": { kind: "rnn", batch: 16, optimizer: "adam" },
};

/** Weight shapes per model, in one fixed order shared by the three implementations. */
export function weightShapes(kind: Spec["kind"]): number[][] {
  if (kind === "mlp") return [[784, 256], [256], [256, 256], [256], [256, 10], [10]];
  if (kind === "cnn") return [[5, 5, 1, 32], [32], [5, 5, 32, 64], [64], [7 * 7 * 64, 10], [10]];
  return [[64, 128], [128, 128], [128], [128, 10], [10]];
}

export function initialWeights(kind: Spec["kind"]): Float32Array[] {
  return weightShapes(kind).map((shape, i) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const fanIn = shape.length > 1 ? n / (shape[shape.length - 1] as number) : 1;
    return shape.length === 1 ? new Float32Array(n) : seeded(n, 100 + i, Math.sqrt(3 / fanIn));
  });
}

export function inputShape(spec: Spec): number[] {
  if (spec.kind === "mlp") return [spec.batch, 784];
  if (spec.kind === "cnn") return [spec.batch, 28, 28, 1];
  return [spec.batch, 20, 64];
}

export function data(spec: Spec): { x: Float32Array; y: Float32Array } {
  const xShape = inputShape(spec);
  const x = seeded(
    xShape.reduce((a, b) => a * b, 1),
    7,
    1,
  );
  const y = new Float32Array(spec.batch * 10);
  for (let i = 0; i < spec.batch; i++) y[i * 10 + (i % 10)] = 1;
  return { x, y };
}
