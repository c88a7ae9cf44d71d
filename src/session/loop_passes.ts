import * as tfc from "@tensorflow/tfjs-core";
import type { ControlFlowContext } from "../graph/control_flow.js";
import type { Tensor } from "../graph/tensor.js";
import {
  loopSpecOf,
  runWhile,
  type DeferredSum,
  type LoopRewrite,
} from "../ops/control/while_loop.js";
import { matMulKernel } from "../ops/math/matmul.js";
import { sumKernel } from "../ops/math/reduce.js";
import { shareTensor } from "../ops/tfjs_internals.js";
import type { Step } from "./plan.js";

/*
 * Plan passes for loops: rewrites of what runs, chosen when a plan is made, that leave the
 * graph as TensorFlow builds it (the gradient functions build TensorFlow's ops; these
 * passes only change how they are computed).
 *
 * - Deferred loop sums: a gradient loop carries, for each weight its body reads, the sum
 *   of the weight's per-iteration gradients (`sum + MatMul(x_t, dy_t, transpose_a)`, plus
 *   `BiasAddGrad(dy_t)` for a bias). `Σt MatMul(a_t, b_t, transpose_a)` is one
 *   `MatMul(A, B, transpose_a)` with the iterations' rows concatenated, and
 *   `Σt BiasAddGrad(x_t)` one `BiasAddGrad(X)`: one large product after the loop instead
 *   of a small product and a weight-sized add per iteration.
 * - Pre-transposed invariants: in a loop body, a `MatMul` taking a loop invariant (a weight
 *   read through `Enter`) transposed gets it transposed once per loop run, not at each
 *   iteration (tfjs-wasm multiplies fast only untransposed operands).
 */

/** A term of a carried sum that can be summed over iterations after the loop. */
type Term = { kind: "matmul"; a: Tensor; b: Tensor } | { kind: "biasAdd"; x: Tensor };

/** `g` (a body tensor) as a sum of deferrable terms, or null if some part is not. */
function deferrableTerms(g: Tensor, ctx: ControlFlowContext): Term[] | null {
  const op = g.op;
  if (op.controlFlowContext !== ctx) return null;
  if (op.type === "MatMul") {
    const [a, b] = op.inputs as [Tensor, Tensor];
    const plain = op.attrs.transpose_a === true && op.attrs.transpose_b !== true;
    if (!plain || a.shape.rank !== 2 || b.shape.rank !== 2) return null;
    return [{ kind: "matmul", a, b }];
  }
  if (op.type === "BiasAddGrad") {
    if ((op.attrs.data_format ?? "NHWC") !== "NHWC") return null;
    return [{ kind: "biasAdd", x: op.inputs[0] as Tensor }];
  }
  if (op.type === "AddN") {
    const terms: Term[] = [];
    for (const input of op.inputs) {
      const part = deferrableTerms(input, ctx);
      if (part === null) return null;
      terms.push(...part);
    }
    return terms;
  }
  return null;
}

/** The carried sum `carried` of a loop body as a deferred sum, or null. */
function deferredSum(
  carriedIn: Tensor,
  carriedOut: Tensor,
  carried: number,
  ctx: ControlFlowContext,
  stackedOut: readonly Tensor[],
  perIteration: Tensor[],
): DeferredSum | null {
  const add = carriedOut.op;
  if ((add.type !== "Add" && add.type !== "AddV2") || add.controlFlowContext !== ctx) return null;
  // The running sum must be read by the add alone, and the add only carried on.
  if (carriedIn.consumers.length !== 1 || carriedIn.consumers[0] !== add) return null;
  if (carriedOut.consumers.length !== 0 || stackedOut.includes(carriedOut)) return null;
  const [x, y] = add.inputs as [Tensor, Tensor];
  const g = x === carriedIn ? y : y === carriedIn ? x : null;
  if (g === null || g === carriedIn) return null;
  const terms = deferrableTerms(g, ctx);
  if (terms === null || terms.length === 0) return null;
  const index = (t: Tensor): number => {
    const i = perIteration.indexOf(t);
    return i >= 0 ? i : perIteration.push(t) - 1;
  };
  const parts = terms.map((t) =>
    t.kind === "matmul"
      ? { kind: t.kind, a: index(t.a), b: index(t.b) }
      : { kind: t.kind, x: index(t.x) },
  );
  return {
    carried,
    finish: (initial, rows) => {
      const first = parts[0] as (typeof parts)[number];
      if (rows(first.kind === "matmul" ? (first.a as number) : (first.x as number)).size === 0) {
        return shareTensor(initial);
      }
      return tfc.tidy(() => {
        let sum = initial;
        for (const p of parts) {
          const term =
            p.kind === "matmul"
              ? matMulKernel(rows(p.a as number), rows(p.b as number), true, false)
              : sumKernel(rows(p.x as number), [0], false);
          sum = tfc.add(sum, term);
        }
        return sum;
      });
    },
  };
}

/**
 * Gives each gradient loop's `While` step the deferred sums its body allows (the loop
 * runs them through `runWhile`).
 */
export function deferLoopSums(steps: Step[]): Step[] {
  return steps.map((step) => {
    const op = step.op;
    if (op.type !== "While") return step;
    const spec = loopSpecOf(op);
    if (spec.forward === null) return step;
    const deferredSums: DeferredSum[] = [];
    const perIteration: Tensor[] = [];
    spec.carriedIn.forEach((carriedIn, i) => {
      const d = deferredSum(
        carriedIn,
        spec.carriedOut[i] as Tensor,
        i,
        spec.context,
        spec.stackedOut,
        perIteration,
      );
      if (d !== null) deferredSums.push(d);
    });
    if (deferredSums.length === 0) return step;
    const rewrite: LoopRewrite = { perIteration, deferredSums };
    return { ...step, kernel: (inputs, o, runtime) => runWhile(inputs, o, runtime, rewrite) };
  });
}

/**
 * In a loop body's plan: `MatMul` steps that read an invariant slot transposed read a
 * transposed copy instead, made by a prelude step that runs once per loop run. Returns
 * the prelude; `newSlot` allocates the copies' slots.
 */
export function preTransposeInvariants(
  steps: Step[],
  invariantSlots: ReadonlySet<number>,
  newSlot: () => number,
): Step[] {
  const prelude: Step[] = [];
  const copies = new Map<number, number>();
  const transposedSlot = (step: Step, slot: number): number => {
    let copy = copies.get(slot);
    if (copy === undefined) {
      copy = newSlot();
      copies.set(slot, copy);
      prelude.push({
        op: step.op,
        kernel: ([x]) => [tfc.transpose(x as tfc.Tensor)],
        inputs: [{ slot, variable: null }],
        outputs: [copy],
        release: [],
        constant: false,
      });
    }
    return copy;
  };
  steps.forEach((step, n) => {
    const op = step.op;
    if (op.type !== "MatMul" || step.constant || step.inputs.length !== 2) return;
    const flags = [op.attrs.transpose_a === true, op.attrs.transpose_b === true];
    const inputs = step.inputs.slice();
    let changed = false;
    for (const i of [0, 1]) {
      const source = inputs[i];
      if (
        flags[i] !== true ||
        source === undefined ||
        !invariantSlots.has(source.slot) ||
        (op.inputs[i] as Tensor).shape.rank !== 2
      ) {
        continue;
      }
      inputs[i] = { slot: transposedSlot(step, source.slot), variable: null };
      flags[i] = false;
      changed = true;
    }
    if (!changed) return;
    const [ta, tb] = flags as [boolean, boolean];
    steps[n] = {
      ...step,
      inputs,
      kernel: ([a, b]) => [matMulKernel(a as tfc.Tensor, b as tfc.Tensor, ta, tb)],
    };
  });
  return prelude;
}
