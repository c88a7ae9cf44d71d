import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor } from "../graph/tensor.js";
import { matMulKernel } from "../ops/math/matmul.js";
import type { InputSource, Step } from "./plan.js";

/*
 * Graph-level kernel choices the executor makes because it sees the whole plan:
 * `MatMul → BiasAdd/Add(bias) → Relu` becomes one `tf.fused.matMul`, when nothing else
 * reads the intermediate values (they are neither fetched nor used by another op, e.g.
 * by a gradient). Hand-written tfjs code rarely does this.
 */

const BIAS_TYPES = new Set(["BiasAdd", "Add", "AddV2"]);
const ACTIVATIONS: Record<string, "relu" | "relu6" | "sigmoid" | "elu"> = {
  Relu: "relu",
  Relu6: "relu6",
  Sigmoid: "sigmoid",
  Elu: "elu",
};

type Activation = "linear" | "relu" | "relu6" | "sigmoid" | "elu";

/** How often each slot is read by the plan's steps; fetched and fed slots count as extra reads. */
function readCounts(steps: readonly Step[], pinned: ReadonlySet<number>): Map<number, number> {
  const counts = new Map<number, number>();
  for (const step of steps) {
    for (const input of step.inputs) {
      if (input.slot >= 0) counts.set(input.slot, (counts.get(input.slot) ?? 0) + 1);
    }
  }
  for (const s of pinned) counts.set(s, (counts.get(s) ?? 0) + 1);
  return counts;
}

/** The single step that reads `slot`, if exactly one does. */
function soleReader(
  steps: readonly Step[],
  slot: number,
  counts: Map<number, number>,
): Step | null {
  if (counts.get(slot) !== 1) return null;
  for (const step of steps) {
    if (step.inputs.some((i) => i.slot === slot)) return step;
  }
  return null;
}

function isVectorBias(op: Step["op"]): boolean {
  const x = op.inputs[0] as Tensor;
  const b = op.inputs[1] as Tensor;
  const n = x.shape.dims?.[1];
  return (
    x.shape.rank === 2 &&
    b.shape.rank === 1 &&
    n !== null &&
    n !== undefined &&
    b.shape.dims?.[0] === n
  );
}

/**
 * Rewrites matmul-bias-activation chains in `steps` into fused steps. `pinned` holds the
 * slots whose values must exist (fetched, fed).
 */
export function fuseMatMulChains(steps: Step[], pinned: ReadonlySet<number>): Step[] {
  const counts = readCounts(steps, pinned);
  const removed = new Set<Step>();
  const replacement = new Map<Step, Step>();
  for (const mm of steps) {
    if (mm.op.type !== "MatMul" || mm.constant || removed.has(mm) || mm.outputs.length !== 1)
      continue;
    const biasStep = soleReader(steps, mm.outputs[0] as number, counts);
    if (biasStep === null || !BIAS_TYPES.has(biasStep.op.type) || !isVectorBias(biasStep.op))
      continue;
    if (biasStep.inputs[0]?.slot !== mm.outputs[0]) continue;
    let last = biasStep;
    let activation: Activation = "linear";
    const actStep = soleReader(steps, biasStep.outputs[0] as number, counts);
    if (actStep !== null && ACTIVATIONS[actStep.op.type] !== undefined) {
      activation = ACTIVATIONS[actStep.op.type] as Activation;
      last = actStep;
    }
    const transposeA = mm.op.attrs.transpose_a === true;
    const transposeB = mm.op.attrs.transpose_b === true;
    const fused: Step = {
      op: last.op,
      kernel: ([a, b, bias]) => [
        fusedMatMul(
          a as tfc.Tensor,
          b as tfc.Tensor,
          bias as tfc.Tensor,
          transposeA,
          transposeB,
          activation,
        ),
      ],
      inputs: [mm.inputs[0], mm.inputs[1], biasStep.inputs[1]].map(
        (i) => i as Step["inputs"][number],
      ),
      outputs: [last.outputs[0] as number],
      release: [],
      constant: false,
    };
    removed.add(mm);
    removed.add(biasStep);
    if (last !== biasStep) removed.add(last);
    replacement.set(last, fused);
  }
  return removed.size === 0 ? steps : spliced(steps, replacement, removed);
}

function fusedMatMul(
  a: tfc.Tensor,
  b: tfc.Tensor,
  bias: tfc.Tensor,
  transposeA: boolean,
  transposeB: boolean,
  activation: Activation,
): tfc.Tensor {
  // On wasm the fused kernel is fast only for untransposed operands (see MatMul).
  if ((transposeA || transposeB) && tfc.getBackend() === "wasm") {
    const at = transposeA ? tfc.transpose(a) : a;
    const bt = transposeB ? tfc.transpose(b) : b;
    const out = tfc.fused.matMul({ a: at, b: bt, bias, activation });
    if (at !== a) at.dispose();
    if (bt !== b) bt.dispose();
    return out;
  }
  return tfc.fused.matMul({ a, b, transposeA, transposeB, bias, activation });
}

/**
 * A weight's gradient in an unrolled loop (a `staticRnn`, a hand-unrolled RNN) is
 * `AddN(MatMul(a_1, b_1, transpose_a), …, MatMul(a_n, b_n, transpose_a))`, each term reached
 * through the `Identity`s of the gradients' `tuple`: `Σ a_iᵀ·b_i` is `Aᵀ·B` with the `a_i`
 * and `b_i` concatenated by rows, one large product instead of n small ones (each a few
 * kernel calls) and their sum (20 steps of a 128-unit RNN: 1.7x faster). The sum's
 * rounding differs from the n products' (as TensorFlow's own accumulation order would). The
 * intermediate products and `Identity`s must be read by nothing else; `pinned` holds
 * the slots whose values must exist (fetched, fed).
 */
export function fuseSummedMatMuls(steps: Step[], pinned: ReadonlySet<number>): Step[] {
  const counts = readCounts(steps, pinned);
  const producer = new Map<number, Step>();
  for (const step of steps) for (const s of step.outputs) if (s >= 0) producer.set(s, step);
  const removed = new Set<Step>();
  const replacement = new Map<Step, Step>();
  for (const sum of steps) {
    if (sum.op.type !== "AddN" || sum.constant || sum.inputs.length < 2) continue;
    if (sum.outputs.length !== 1) continue;
    const terms: Step[] = [];
    const through: Step[] = [];
    for (const input of sum.inputs) {
      const term = productBehind(input.slot, producer, counts, through);
      if (term === null || removed.has(term)) break;
      terms.push(term);
    }
    if (terms.length !== sum.inputs.length) continue;
    const as = terms.map((t) => t.inputs[0] as InputSource);
    const bs = terms.map((t) => t.inputs[1] as InputSource);
    const n = terms.length;
    replacement.set(sum, {
      op: sum.op,
      kernel: (values) => {
        const a = tfc.concat(values.slice(0, n), 0);
        const b = tfc.concat(values.slice(n), 0);
        try {
          return [matMulKernel(a, b, true, false)];
        } finally {
          a.dispose();
          b.dispose();
        }
      },
      inputs: [...as, ...bs],
      outputs: sum.outputs.slice(),
      release: [],
      constant: false,
    });
    for (const t of terms) removed.add(t);
    for (const t of through) removed.add(t);
  }
  return replacement.size === 0 ? steps : spliced(steps, replacement, removed);
}

/** `steps` with each replaced step swapped for its fused step and the removed ones left out. */
function spliced(
  steps: readonly Step[],
  replacement: ReadonlyMap<Step, Step>,
  removed: ReadonlySet<Step>,
): Step[] {
  const out: Step[] = [];
  for (const step of steps) {
    const r = replacement.get(step);
    if (r !== undefined) out.push(r);
    else if (!removed.has(step)) out.push(step);
  }
  return out;
}

/**
 * The `MatMul(a, b, transpose_a)` step whose value reaches `slot` through nothing but
 * `Identity` steps, each value on the way read once; those `Identity`s are added to
 * `through`. `null` if there is none.
 */
function productBehind(
  slot: number,
  producer: ReadonlyMap<number, Step>,
  counts: ReadonlyMap<number, number>,
  through: Step[],
): Step | null {
  const identities: Step[] = [];
  for (let s = slot; ;) {
    if (s < 0 || counts.get(s) !== 1) return null;
    const step = producer.get(s);
    if (step === undefined || step.constant || step.outputs.length !== 1) return null;
    if (step.op.type === "Identity" && step.inputs.length === 1) {
      identities.push(step);
      s = (step.inputs[0] as InputSource).slot;
      continue;
    }
    const attrs = step.op.attrs;
    if (step.op.type !== "MatMul" || attrs.transpose_a !== true || attrs.transpose_b === true) {
      return null;
    }
    through.push(...identities);
    return step;
  }
}
