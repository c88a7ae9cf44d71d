import * as tfc from "@tensorflow/tfjs-core";
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { matMulKernel } from "../ops/math/matmul.js";
import { sumKernel } from "../ops/math/reduce.js";
import type { KernelRuntime, Stashable } from "../ops/registry.js";
import { shareTensor } from "../ops/tfjs_internals.js";
import { runScalar, scalarOf } from "../ops/control/scalars.js";
import { pushOnlyKernel } from "../ops/control/stack_ops.js";
import type { InputSource, Step } from "./plan.js";

/*
 * Plan passes for loops: rewrites of what runs, chosen when a plan is made, that leave the
 * graph as TensorFlow builds it (the gradient functions build TensorFlow's ops; these
 * passes only change how they are computed), recognized from the ops alone so that they
 * apply to any graph of TensorFlow's v1 loops (`tf.whileLoop`, the gradient loops
 * `tf.gradients` builds for them, TensorFlow-written graphs):
 *
 * - Deferred accumulators: a loop variable `acc` carried as
 *   `Enter → Merge → Switch → Add(Switch:1, g) → NextIteration → Merge`, leaving through
 *   `Exit(Switch:0)`, where `g` is a sum of `MatMul(a_t, b_t, transpose_a)` and
 *   `BiasAddGrad(x_t)` terms read by nothing else. This is how a gradient loop sums a
 *   shared weight's per-iteration gradients (`b_acc`). `Σt MatMul(a_t, b_t, transpose_a)`
 *   is one `MatMul(A, B, transpose_a)` over the iterations' rows concatenated, and
 *   `Σt BiasAddGrad(x_t)` one `BiasAddGrad(X)`: the terms' inputs are kept at each
 *   iteration instead of multiplied, the `Exit` computes the sum at once, and the `Add` only
 *   carries `acc` on — one large product after the loop instead of a small product and a
 *   weight-sized add per iteration.
 * - Hoisted transposes: a `MatMul` taking a loop invariant (a constant `Enter`'s value, a
 *   weight) transposed transposes it once per run of the loop, not at each iteration
 *   (tfjs-wasm multiplies fast only untransposed operands).
 * - Fewer steps per iteration: the `Identity` a loop body reads each loop variable through
 *   is skipped (its readers read the `Switch`), and a `StackPushV2` whose output nothing
 *   reads does not make one.
 * - Pass-throughs: a `Sum` or `Reshape` that keeps its input's (known) shape hands the
 *   input on instead of calling a kernel (the gradient of `x + 1.0` in an LSTM cell).
 * - Scalar counters: the int32 and bool scalar arithmetic and comparisons of loop counters
 *   and conditions (`i + 1`, `i < n`, `LogicalAnd`) are computed in JavaScript from the
 *   values the loop machinery already knows (`ops/control/scalars.ts`), not by a backend
 *   kernel call each.
 */

/** The rows one deferred accumulator keeps during a run of its loop. */
class KeptRows implements Stashable {
  /** By input of the terms: the value at each iteration, flattened to `[-1, lastDim]`. */
  readonly rows: tfc.Tensor[][];
  private stashed = false;

  constructor(inputs: number) {
    this.rows = Array.from({ length: inputs }, () => []);
  }

  /** Keeps `values` (one iteration's) as the rows of inputs `from`, `from + 1`, …. */
  keep(runtime: KernelRuntime, from: number, values: readonly tfc.Tensor[]): void {
    // Kept values outlive the step: the run frees them if it fails before the `Exit`.
    if (!this.stashed) {
      runtime.stash(this);
      this.stashed = true;
    }
    values.forEach((v, i) => {
      const last = v.shape[v.rank - 1] as number;
      (this.rows[from + i] as tfc.Tensor[]).push(
        v.rank === 2 ? shareTensor(v) : tfc.reshape(v, [-1, last]),
      );
    });
  }

  /** The rows of input `i` of every iteration, concatenated. */
  concatenated(i: number): tfc.Tensor {
    const parts = this.rows[i] as tfc.Tensor[];
    return parts.length === 1 ? (parts[0] as tfc.Tensor) : tfc.concat(parts, 0);
  }

  get empty(): boolean {
    return (this.rows[0]?.length ?? 0) === 0;
  }

  dispose(): void {
    for (const parts of this.rows) {
      for (const t of parts) t.dispose();
      parts.length = 0;
    }
    this.stashed = false;
  }
}

/** A term of a deferred accumulator: the ops computing it and the inputs it reads. */
interface V1Term {
  kind: "matmul" | "biasAdd";
  op: Operation;
}

/**
 * `g` as a sum of deferrable terms, each op read only by the sum; `null` if some part is
 * not. `inner` collects the `AddN`s that only sum terms.
 */
function v1Terms(
  g: Tensor,
  stepOf: ReadonlyMap<Operation, Step>,
  inner: Operation[],
): V1Term[] | null {
  const op = g.op;
  if (g.consumers.length !== 1 || op.controlInputs.length > 0) return null;
  const step = stepOf.get(op);
  if (step === undefined || step.constant || step.inputs.some((i) => i.slot < 0)) return null;
  if (op.type === "MatMul") {
    const [a, b] = op.inputs as [Tensor, Tensor];
    const plain = op.attrs.transpose_a === true && op.attrs.transpose_b !== true;
    if (!plain || a.shape.rank !== 2 || b.shape.rank !== 2) return null;
    return [{ kind: "matmul", op }];
  }
  if (op.type === "BiasAddGrad") {
    if ((op.attrs.data_format ?? "NHWC") !== "NHWC") return null;
    return [{ kind: "biasAdd", op }];
  }
  if (op.type === "AddN") {
    const terms: V1Term[] = [];
    for (const input of op.inputs) {
      const part = v1Terms(input, stepOf, inner);
      if (part === null) return null;
      terms.push(...part);
    }
    inner.push(op);
    return terms;
  }
  return null;
}

/** The only consumer of `t`, if it has exactly one. */
function soleConsumer(t: Tensor | undefined): Operation | null {
  return t !== undefined && t.consumers.length === 1 ? (t.consumers[0] as Operation) : null;
}

/**
 * Rewrites, in a plan's steps (all frames, before they are split), the v1 loops'
 * accumulators of matmul terms and their per-iteration transposes of loop invariants (see
 * above). The steps keep their ops and order; replaced steps get other kernels and inputs.
 */
export function rewriteV1Loops(steps: Step[]): void {
  forwardIdentities(steps);
  const stepOf = new Map<Operation, Step>();
  const indexOf = new Map<Operation, number>();
  steps.forEach((s, i) => {
    stepOf.set(s.op, s);
    indexOf.set(s.op, i);
  });
  const replace = (op: Operation, step: Step): void => {
    steps[indexOf.get(op) as number] = step;
    stepOf.set(op, step);
  };
  for (const exitStep of steps.slice()) {
    if (exitStep.op.type === "Exit") deferAccumulator(exitStep, stepOf, replace);
  }
  for (const step of steps.slice()) {
    if (stepOf.get(step.op) !== step) continue;
    const rewritten =
      step.op.type === "MatMul"
        ? hoistInvariantTranspose(step)
        : step.op.type === "StackPushV2"
          ? pushOnly(step)
          : step.op.type === "Sum" || step.op.type === "Reshape"
            ? sameShapePassThrough(step)
            : scalarArithmetic(step);
    if (rewritten !== null) replace(step.op, rewritten);
  }
}

/**
 * A `Sum` or `Reshape` step whose value has its input's shape, fully known (a gradient's
 * `Reshape(Sum(dy, axes), shape)` for an operand that was not broadcast: `Sum` over no
 * axes, or only over kept size-1 ones), as one handing its input on, not a backend kernel
 * call. It keeps its inputs, so it is dead exactly when the kernel step would be.
 */
function sameShapePassThrough(step: Step): Step | null {
  const op = step.op;
  const x = op.inputs[0] as Tensor;
  const y = op.outputs[0] as Tensor;
  if (step.constant || op.outputs.length !== 1 || x.dtype !== y.dtype) return null;
  if ((step.inputs[0] as InputSource | undefined)?.slot === undefined) return null;
  if (!x.shape.isFullyDefined() || !y.shape.isFullyDefined()) return null;
  const [a, b] = [x.shape.dims as number[], y.shape.dims as number[]];
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) return null;
  return { ...step, kernel: ([value]) => [shareTensor(value as tfc.Tensor)] };
}

/** A `StackPushV2` step whose output nothing reads, as one that only pushes. */
function pushOnly(step: Step): Step | null {
  if ((step.op.outputs[0] as Tensor).consumers.length > 0) return null;
  return { ...step, outputs: [], kernel: pushOnlyKernel };
}

/**
 * Removes, from the steps, the `Identity` steps of a loop's `Switch` outputs (what a
 * `tf.whileLoop` body reads of its loop variables) that nothing waits on: their readers
 * read the `Switch`'s value itself, which is dead exactly when the `Identity` would be.
 */
function forwardIdentities(steps: Step[]): void {
  const waitedOn = new Set<Operation>();
  for (const s of steps) for (const c of s.op.controlInputs) waitedOn.add(c);
  const forwarded = new Map<number, InputSource>();
  const removed = new Set<Step>();
  for (const step of steps) {
    const op = step.op;
    if (op.type !== "Identity" || op.controlInputs.length > 0 || waitedOn.has(op)) continue;
    const source = step.inputs[0];
    const out = step.outputs[0];
    // Only a loop's `Switch` (on its `LoopCond`): a loop body's values are never fetched.
    const sw = (op.inputs[0] as Tensor).op;
    if (sw.type !== "Switch" || (sw.inputs[1] as Tensor).op.type !== "LoopCond") continue;
    if (source === undefined) continue;
    if (source.slot < 0 || out === undefined || out < 0) continue;
    forwarded.set(out, forwarded.get(source.slot) ?? source);
    removed.add(step);
  }
  if (removed.size === 0) return;
  const kept = steps.filter((s) => !removed.has(s));
  for (const step of kept) {
    if (step.inputs.some((i) => forwarded.has(i.slot))) {
      step.inputs = step.inputs.map((i) => forwarded.get(i.slot) ?? i);
    }
  }
  steps.length = 0;
  steps.push(...kept);
}

/** The int32 scalar operations computed in JavaScript (int32 arithmetic wraps). */
const INT_SCALAR_OPS: Readonly<Record<string, (a: number, b: number) => number>> = {
  Add: (a, b) => (a + b) | 0,
  AddV2: (a, b) => (a + b) | 0,
  Sub: (a, b) => (a - b) | 0,
  Maximum: (a, b) => Math.max(a, b),
  Minimum: (a, b) => Math.min(a, b),
  Less: (a, b) => (a < b ? 1 : 0),
  LessEqual: (a, b) => (a <= b ? 1 : 0),
  Greater: (a, b) => (a > b ? 1 : 0),
  GreaterEqual: (a, b) => (a >= b ? 1 : 0),
  Equal: (a, b) => (a === b ? 1 : 0),
  NotEqual: (a, b) => (a !== b ? 1 : 0),
};
const BOOL_SCALAR_OPS: Readonly<Record<string, (a: number, b: number) => number>> = {
  LogicalAnd: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  LogicalOr: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
};

/** A step of an int32 or bool scalar binary op as one computed in JavaScript; else `null`. */
function scalarArithmetic(step: Step): Step | null {
  const op = step.op;
  if (step.constant || op.inputs.length !== 2 || op.outputs.length !== 1) return null;
  const [x, y] = op.inputs as [Tensor, Tensor];
  const out = op.outputs[0] as Tensor;
  if (x.shape.rank !== 0 || y.shape.rank !== 0 || x.dtype !== y.dtype) return null;
  if (step.inputs.some((i) => i.slot < 0)) return null;
  const fn =
    x.dtype === "int32"
      ? INT_SCALAR_OPS[op.type]
      : x.dtype === "bool"
        ? BOOL_SCALAR_OPS[op.type]
        : undefined;
  if (fn === undefined || (out.dtype !== "int32" && out.dtype !== "bool")) return null;
  const dtype = out.dtype;
  return {
    ...step,
    kernel: ([a, b], _op, runtime) => [
      runScalar(fn(scalarOf(a as tfc.Tensor), scalarOf(b as tfc.Tensor)), dtype, runtime),
    ],
  };
}

function deferAccumulator(
  exitStep: Step,
  stepOf: ReadonlyMap<Operation, Step>,
  replace: (op: Operation, step: Step) => void,
): void {
  const exit = exitStep.op;
  const switchOut = exit.inputs[0] as Tensor;
  const sw = switchOut.op;
  if (sw.type !== "Switch" || switchOut.valueIndex !== 0) return;
  const merge = sw.inputs[0] as Tensor;
  if (merge.op.type !== "Merge" || merge.op.inputs.length !== 2) return;
  const [enter, next] = merge.op.inputs as [Tensor, Tensor];
  if (enter.op.type !== "Enter" || enter.op.attrs.is_constant === true) return;
  if (next.op.type !== "NextIteration") return;
  const sum = next.op.inputs[0] as Tensor;
  const add = sum.op;
  if (add.type !== "Add" && add.type !== "AddV2") return;
  // What the body reads: the `Switch`'s true side, through the `Identity` of a
  // `tf.whileLoop` (a gradient loop's accumulator has none).
  let body = sw.outputs[1] as Tensor;
  const identity = soleConsumer(body);
  if (identity?.type === "Identity" && identity.controlInputs.length === 0) {
    body = identity.outputs[0] as Tensor;
  }
  // The running sum is read by the add alone, the add only carried on, the merge only
  // switched, and only the `Exit` reads the final value.
  if (soleConsumer(body) !== add || soleConsumer(sum) !== next.op) return;
  if (soleConsumer(merge) !== sw || soleConsumer(switchOut) !== exit) return;
  if (add.controlInputs.length > 0) return;
  const [x, y] = add.inputs as [Tensor, Tensor];
  const g = x === body ? y : y === body ? x : null;
  if (g === null || g === body) return;
  const addStep = stepOf.get(add);
  if (addStep === undefined || stepOf.get(next.op) === undefined) return;
  const sums: Operation[] = [];
  const terms = v1Terms(g, stepOf, sums);
  if (terms === null || terms.length === 0) return;
  const removed = new Set<Operation>([...sums, ...terms.map((t) => t.op)]);
  // An op waiting on a term would no longer wait on anything: leave such loops alone.
  for (const s of stepOf.values()) {
    if (s.op.controlInputs.some((c) => removed.has(c))) return;
  }

  // Each term's inputs, as columns of the kept rows.
  const firstColumn: number[] = [];
  let columns = 0;
  for (const t of terms) {
    firstColumn.push(columns);
    columns += t.kind === "matmul" ? 2 : 1;
  }
  const kept = new KeptRows(columns);
  terms.forEach((t, k) => {
    const step = stepOf.get(t.op) as Step;
    const from = firstColumn[k] as number;
    replace(t.op, {
      ...step,
      outputs: [],
      release: [],
      kernel: (inputs, _op, runtime) => {
        kept.keep(runtime, from, inputs);
        return [];
      },
    });
  });
  for (const op of sums) {
    const step = stepOf.get(op) as Step;
    replace(op, { ...step, inputs: [], outputs: [], release: [], kernel: () => [] });
  }
  replace(add, {
    ...addStep,
    inputs: [addStep.inputs[add.inputs.indexOf(body)] as InputSource],
    kernel: ([acc]) => [shareTensor(acc as tfc.Tensor)],
  });
  const { flow: _flow, ...plainExit } = exitStep;
  replace(exit, {
    ...plainExit,
    kernel: ([initial]) => {
      const acc = initial as tfc.Tensor;
      if (kept.empty) return [shareTensor(acc)];
      try {
        return [
          tfc.tidy(() => {
            let total = acc;
            terms.forEach((t, k) => {
              const from = firstColumn[k] as number;
              const term =
                t.kind === "matmul"
                  ? matMulKernel(kept.concatenated(from), kept.concatenated(from + 1), true, false)
                  : sumKernel(kept.concatenated(from), [0], false);
              total = tfc.add(total, term);
            });
            return total;
          }),
        ];
      } finally {
        kept.dispose();
      }
    },
  });
}

/**
 * A `MatMul` step that takes a constant `Enter`'s value (a loop invariant) transposed, as
 * a step that transposes it once per run of the loop (the value `Enter` gives is the same
 * object at every iteration of a run) and multiplies untransposed; `null` if none.
 */
function hoistInvariantTranspose(step: Step): Step | null {
  const op = step.op;
  if (step.constant || step.inputs.length !== 2) return null;
  const flags = [op.attrs.transpose_a === true, op.attrs.transpose_b === true];
  const hoisted = [0, 1].filter((i) => {
    const t = op.inputs[i] as Tensor;
    return (
      flags[i] === true &&
      (step.inputs[i] as InputSource).slot >= 0 &&
      t.shape.rank === 2 &&
      t.op.type === "Enter" &&
      t.op.attrs.is_constant === true
    );
  });
  if (hoisted.length === 0) return null;
  const cache = hoisted.map(() => new TransposeCache());
  const [ta, tb] = flags.map((f, i) => f && !hoisted.includes(i)) as [boolean, boolean];
  return {
    ...step,
    kernel: (inputs, _op, runtime) => {
      const operands = inputs.slice() as [tfc.Tensor, tfc.Tensor];
      hoisted.forEach((i, k) => {
        operands[i] = (cache[k] as TransposeCache).of(operands[i], runtime);
      });
      return [matMulKernel(operands[0], operands[1], ta, tb)];
    },
  };
}

/** The transpose of the last value asked for, kept until the run ends. */
class TransposeCache implements Stashable {
  private source: tfc.Tensor | null = null;
  private transposed: tfc.Tensor | null = null;

  of(value: tfc.Tensor, runtime: KernelRuntime): tfc.Tensor {
    if (value !== this.source || this.transposed === null) {
      if (this.transposed === null) runtime.stash(this);
      else this.transposed.dispose();
      this.transposed = tfc.transpose(value);
      this.source = value;
    }
    return this.transposed;
  }

  dispose(): void {
    this.transposed?.dispose();
    this.transposed = null;
    this.source = null;
  }
}
