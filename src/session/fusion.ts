import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor } from "../graph/tensor.js";
import { matMulKernel } from "../ops/math/matmul.js";
import { compiledProduct } from "../ops/math/matmul_wasm.js";
import { reluGradCompiled } from "../ops/nn/wasm_nn_kernels.js";
import { sumKernel } from "../ops/math/reduce.js";
import type { InputSource, Step } from "./plan.js";
import { variableOpOf } from "../ops/state/variable_ops.js";

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
      fused: "matMulBiasActivation",
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
  if (!transposeB && tfc.getBackend() === "wasm") {
    const compiled =
      activation === "linear" || activation === "relu" || activation === "relu6"
        ? compiledProduct(a, b, transposeA, bias, activation === "linear" ? "none" : activation)
        : null;
    if (compiled !== null) return compiled;
  }
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
  return fuseSumsOfTerms(steps, pinned, productBehind, (sum, terms) => {
    const as = terms.map((t) => t.inputs[0] as InputSource);
    const bs = terms.map((t) => t.inputs[1] as InputSource);
    const n = terms.length;
    return {
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
      fused: "summedMatMuls",
    };
  });
}

/**
 * The skeleton both sum fusions share: each `AddN` whose every input traces back (through
 * `behind`, which collects the pass-through steps on the way) to a term read only by it
 * may be replaced by the step `fuse` builds from the terms (`null`: left as it is); the
 * terms and the steps passed through are then dropped.
 */
function fuseSumsOfTerms(
  steps: Step[],
  pinned: ReadonlySet<number>,
  behind: (
    slot: number,
    producer: ReadonlyMap<number, Step>,
    counts: ReadonlyMap<number, number>,
    through: Step[],
  ) => Step | null,
  fuse: (sum: Step, terms: Step[]) => Step | null,
): Step[] {
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
      const term = behind(input.slot, producer, counts, through);
      if (term === null || removed.has(term)) break;
      terms.push(term);
    }
    if (terms.length !== sum.inputs.length) continue;
    const fused = fuse(sum, terms);
    if (fused === null) continue;
    replacement.set(sum, fused);
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

/** A key naming where an input comes from: its slot, or the variable it reads. */
function sourceKey(source: InputSource): string | null {
  if (source.variable !== null) return `v${source.variable.id}`;
  return source.slot >= 0 ? `s${source.slot}` : null;
}

/**
 * Whether a step from `from` to `to` (exclusive) may change what `source` reads: a variable
 * written by an `Assign` or an optimizer's `Apply*` in between. Slot values never change.
 */
function writtenBetween(steps: readonly Step[], source: InputSource, from: number, to: number) {
  const variable = source.variable;
  if (variable === null) return false;
  for (let i = from; i < to; i++) {
    for (const t of (steps[i] as Step).op.inputs) {
      if (t.isRef && variableOpOf(t) === variable) return true;
    }
  }
  return false;
}

/**
 * `MatMul(a_i, b, transpose_b=True)` for several `a_i` and one `b` (an unrolled RNN's input
 * gradients, `dh·Wᵀ` at every step): `bᵀ` once, before the first of them, and untransposed
 * products. On wasm a transposed operand costs one or two transposes per product (its
 * product kernel is fast only untransposed); the values are the same. `newSlot` allocates
 * the slot of `bᵀ`.
 */
export function hoistTransposedOperands(steps: Step[], newSlot: () => number): Step[] {
  const groups = new Map<string, number[]>();
  steps.forEach((step, i) => {
    if (step.op.type !== "MatMul" || step.constant || step.fused !== undefined) return;
    if (step.op.attrs.transpose_b !== true) return;
    const key = sourceKey(step.inputs[1] as InputSource);
    if (key === null) return;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [i]);
    else group.push(i);
  });
  const before = new Map<number, Step>();
  const replaced = new Map<Step, Step>();
  for (const positions of groups.values()) {
    if (positions.length < 2) continue;
    const first = positions[0] as number;
    const last = positions[positions.length - 1] as number;
    const b = (steps[first] as Step).inputs[1] as InputSource;
    if (writtenBetween(steps, b, first, last)) continue;
    const slot = newSlot();
    before.set(first, {
      op: (steps[first] as Step).op,
      kernel: ([x]) => [tfc.transpose(x as tfc.Tensor)],
      inputs: [b],
      outputs: [slot],
      release: [],
      constant: false,
      fused: "hoistedTranspose",
    });
    for (const i of positions) {
      const mm = steps[i] as Step;
      const transposeA = mm.op.attrs.transpose_a === true;
      replaced.set(mm, {
        ...mm,
        kernel: ([x, bt]) => [matMulKernel(x as tfc.Tensor, bt as tfc.Tensor, transposeA, false)],
        inputs: [mm.inputs[0] as InputSource, { slot, variable: null }],
        release: [],
        fused: "pretransposedMatMul",
      });
    }
  }
  if (before.size === 0) return steps;
  const out: Step[] = [];
  steps.forEach((step, i) => {
    const hoisted = before.get(i);
    if (hoisted !== undefined) out.push(hoisted);
    out.push(replaced.get(step) ?? step);
  });
  return out;
}

/**
 * `MatMul(unstack(x)[i], w)` for every step `i` of an `Unpack` (an unrolled RNN's input
 * projections): one product of `x` with its leading dimensions flattened, unstacked as the
 * `Unpack` does, in place of the first of those products. The rows of a product do not
 * depend on each other, so the values are the same. The `Unpack` stays for its other readers.
 */
export function batchUnpackedMatMuls(steps: Step[], pinned: ReadonlySet<number>): Step[] {
  const producer = new Map<number, [Step, number]>();
  for (const step of steps) {
    if (step.op.type !== "Unpack" || step.constant) continue;
    step.outputs.forEach((s, i) => {
      if (s >= 0) producer.set(s, [step, i]);
    });
  }
  if (producer.size === 0) return steps;
  // By Unpack and weight: the product step of each output, and where they are.
  const groups = new Map<string, { unpack: Step; products: (Step | undefined)[]; at: number[] }>();
  steps.forEach((step, position) => {
    if (step.op.type !== "MatMul" || step.constant || step.fused !== undefined) return;
    if (step.op.attrs.transpose_a === true) return;
    const from = producer.get((step.inputs[0] as InputSource).slot);
    const wKey = sourceKey(step.inputs[1] as InputSource);
    if (from === undefined || wKey === null) return;
    const [unpack, index] = from;
    const key = `${unpack.op.id}|${wKey}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { unpack, products: new Array<Step | undefined>(unpack.outputs.length), at: [] };
      groups.set(key, group);
    }
    if (group.products[index] !== undefined) return;
    group.products[index] = step;
    group.at.push(position);
  });
  const removed = new Set<Step>();
  const replacement = new Map<Step, Step>();
  for (const { unpack, products, at } of groups.values()) {
    const x = unpack.inputs[0] as InputSource;
    const xShape = (unpack.op.inputs[0] as Tensor).shape;
    // As the Unpack kernel reads it: an imported op has TF's attr only.
    const given =
      (unpack.op.buildData._axis as number | undefined) ?? (unpack.op.attrs.axis as number);
    const axis = given < 0 ? given + 3 : given;
    const complete = products.length > 1 && products.every((p) => p !== undefined);
    if (!complete || x.slot < 0 || xShape.rank !== 3 || (axis !== 0 && axis !== 1)) continue;
    // A fed output is not the Unpack's value.
    if (unpack.outputs.some((s) => pinned.has(s))) continue;
    const firstAt = Math.min(...at);
    const lastAt = Math.max(...at);
    const first = steps[firstAt] as Step;
    const w = first.inputs[1] as InputSource;
    if (writtenBetween(steps, w, firstAt, lastAt)) continue;
    const ps = products as Step[];
    const transposeB = first.op.attrs.transpose_b === true;
    replacement.set(first, {
      op: first.op,
      kernel: ([xv, wv], _op, runtime) => {
        const value = xv as tfc.Tensor;
        const [d0, d1, depth] = value.shape as [number, number, number];
        const flat = tfc.reshape(value, [d0 * d1, depth]);
        const product = matMulKernel(flat, wv as tfc.Tensor, false, transposeB);
        const shaped = tfc.reshape(product, [d0, d1, product.shape[1] as number]);
        try {
          return unpack.kernel([shaped], unpack.op, runtime);
        } finally {
          flat.dispose();
          product.dispose();
          shaped.dispose();
        }
      },
      inputs: [x, w],
      outputs: ps.map((p) => p.outputs[0] as number),
      release: [],
      constant: false,
      fused: "batchedMatMul",
    });
    for (const p of ps) if (p !== first) removed.add(p);
  }
  return replacement.size === 0 ? steps : spliced(steps, replacement, removed);
}

/**
 * The `Sum` over leading axes whose value reaches `slot` through nothing but `Identity`s
 * and `Reshape`s to its own shape, each value on the way read once (a bias gradient as
 * `tuple` passes it on); those steps are added to `through`. `null` if there is none.
 */
function leadingSumBehind(
  slot: number,
  producer: ReadonlyMap<number, Step>,
  counts: ReadonlyMap<number, number>,
  through: Step[],
): Step | null {
  const passed: Step[] = [];
  for (let s = slot; ;) {
    if (s < 0 || counts.get(s) !== 1) return null;
    const step = producer.get(s);
    if (step === undefined || step.constant || step.outputs.length !== 1) return null;
    const type = step.op.type;
    if (type === "Identity" || type === "Reshape") {
      const from = step.op.inputs[0] as Tensor;
      const to = step.op.outputs[0] as Tensor;
      if (type === "Reshape" && !sameStaticShape(from, to)) return null;
      passed.push(step);
      s = (step.inputs[0] as InputSource).slot;
      continue;
    }
    if (type !== "Sum") return null;
    const axes = step.op.buildData._axes as number[] | null | undefined;
    const x = step.op.inputs[0] as Tensor;
    const rank = x.shape.rank;
    if (axes === null || axes === undefined || rank === null || x.dtype !== "float32") return null;
    if (axes.length === 0 || axes.length >= rank || axes.some((a, i) => a !== i)) return null;
    if (!x.shape.isFullyDefined()) return null;
    through.push(...passed);
    return step;
  }
}

function sameStaticShape(a: Tensor, b: Tensor): boolean {
  const da = a.shape.dims;
  const db = b.shape.dims;
  return (
    da !== null &&
    db !== null &&
    a.shape.isFullyDefined() &&
    da.length === db.length &&
    da.every((d, i) => d === db[i])
  );
}

/**
 * A bias's gradient in an unrolled loop is `AddN(Sum(g_1, leading axes), …, Sum(g_n, …))`
 * (each through the gradients' `tuple`): on wasm, all the sums as one batched product with
 * rows of ones and their total as one more, a handful of kernel calls instead of several
 * per term. Each sum adds its rows in order from zero and the total adds the sums in
 * order, as the wasm `Sum` (a product with ones, see `sumKernel`) and `AddN` do, so the
 * values are bit-identical. Other backends run the terms' own kernels.
 */
export function fuseSummedBiasGrads(steps: Step[], pinned: ReadonlySet<number>): Step[] {
  return fuseSumsOfTerms(steps, pinned, leadingSumBehind, (sum, terms) => {
    const shape = ((terms[0] as Step).op.inputs[0] as Tensor).shape.dims as number[];
    const k = ((terms[0] as Step).op.buildData._axes as number[]).length;
    const same = terms.every((t) => {
      const dims = (t.op.inputs[0] as Tensor).shape.dims as number[];
      const axes = t.op.buildData._axes as number[];
      return (
        axes.length === k && dims.length === shape.length && dims.every((d, i) => d === shape[i])
      );
    });
    if (!same || shape.some((d) => d === 0)) return null;
    const n = terms.length;
    const rows = shape.slice(0, k).reduce((a, b) => a * b, 1);
    const cols = shape.slice(k).reduce((a, b) => a * b, 1);
    const sumShape = ((terms[0] as Step).op.outputs[0] as Tensor).shape;
    if (!sumShape.isFullyDefined()) return null;
    const outShape = sumShape.dims as number[];
    const axes = Array.from({ length: k }, (_, i) => i);
    const sumOps = terms.map((t) => t.op);
    const addN = sum.kernel;
    return {
      op: sum.op,
      kernel: (values, op, runtime) => {
        if (tfc.getBackend() !== "wasm") {
          const parts: tfc.Tensor[] = [];
          try {
            values.forEach((g, i) => {
              parts.push(sumKernel(g, axes, (sumOps[i] as Step["op"]).attrs.keep_dims === true));
            });
            return addN(parts, op, runtime);
          } finally {
            for (const p of parts) p.dispose();
          }
        }
        return [
          tfc.tidy(() => {
            const stacked = tfc.reshape(tfc.concat(values as tfc.Tensor[], 0), [n, rows, cols]);
            const sums = tfc.matMul(tfc.ones([n, 1, rows]), stacked);
            const total = tfc.matMul(tfc.ones([1, n]), tfc.reshape(sums, [n, cols]));
            return tfc.reshape(total, outShape);
          }),
        ];
      },
      inputs: terms.map((t) => t.inputs[0] as InputSource),
      outputs: sum.outputs.slice(),
      release: [],
      constant: false,
      fused: "summedBiasGrads",
    };
  });
}

/** Whether `step` passes its one input on unchanged: an `Identity`, a `Reshape` to the same shape, a `Sum` over no axes. */
function passesThrough(step: Step): boolean {
  if (step.constant || step.outputs.length !== 1 || step.fused !== undefined) return false;
  const op = step.op;
  if (op.type === "Identity" || op.type === "StopGradient") return step.inputs.length === 1;
  if (op.type === "Reshape") {
    return sameStaticShape(op.inputs[0] as Tensor, op.outputs[0] as Tensor);
  }
  if (op.type === "Sum") {
    const axes = op.buildData._axes as number[] | null | undefined;
    return (
      Array.isArray(axes) &&
      axes.length === 0 &&
      sameStaticShape(op.inputs[0] as Tensor, op.outputs[0] as Tensor)
    );
  }
  return false;
}

/**
 * Steps that pass a value on unchanged (the gradients' `tuple` `Identity`s, the `Reshape`
 * and empty `Sum` of a broadcasting gradient whose shapes match) are dropped, their readers
 * reading the value they pass on: each cost a tensor handle and the engine's bookkeeping
 * (an unrolled 20-step RNN has ~130 of them). Only for values held in slots, whose
 * content never changes; a pinned (fetched) output keeps its step.
 */
export function skipPassThroughs(steps: Step[], pinned: ReadonlySet<number>): Step[] {
  const alias = new Map<number, number>();
  const removed = new Set<Step>();
  const resolve = (s: number): number => {
    let r = s;
    for (let next = alias.get(r); next !== undefined; next = alias.get(r)) r = next;
    return r;
  };
  for (const step of steps) {
    if (!passesThrough(step)) continue;
    const input = step.inputs[0] as InputSource;
    const out = step.outputs[0] as number;
    if (input.slot < 0 || out < 0 || pinned.has(out)) continue;
    alias.set(out, resolve(input.slot));
    removed.add(step);
  }
  if (removed.size === 0) return steps;
  const out: Step[] = [];
  for (const step of steps) {
    if (removed.has(step)) continue;
    if (step.inputs.some((i) => i.slot >= 0 && alias.has(i.slot))) {
      out.push({
        ...step,
        inputs: step.inputs.map((i) =>
          i.slot >= 0 && alias.has(i.slot) ? { ...i, slot: resolve(i.slot) } : i,
        ),
      });
    } else out.push(step);
  }
  return out;
}

/** From this many elements a compiled kernel beats tfjs's kernel chain (measured). */
const COMPILED_ELEMENTS = 4096;

/**
 * Steps whose kernel has a compiled form on wasm get it, falling back to their own kernel
 * elsewhere: `ReluGrad` as one pass (tfjs: `step` then `mul`, two passes and a temporary;
 * 0.41 → 0.1 ms on the tutorial CNN's first layer), bit-identical.
 */
export function useCompiledKernels(steps: Step[]): Step[] {
  let changed = false;
  const out = steps.map((step) => {
    if (step.op.type !== "ReluGrad" || step.constant || step.fused !== undefined) return step;
    changed = true;
    const own = step.kernel;
    const swapped: Step = {
      ...step,
      kernel: (inputs, op, runtime) => {
        const [dy, x] = inputs as [tfc.Tensor, tfc.Tensor];
        const compiled = dy.size >= COMPILED_ELEMENTS ? reluGradCompiled(dy, x) : null;
        return compiled !== null ? [compiled] : own(inputs, op, runtime);
      },
    };
    return swapped;
  });
  return changed ? out : steps;
}
