import * as tfc from "@tensorflow/tfjs-core";
import { opDefinitionIn, type Kernel } from "../ops/registry.js";
import { InternalError, InvalidArgumentError, UnimplementedError, ValueError } from "../errors.js";
import type { ControlFlowContext } from "../graph/control_flow.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { isVariableOpType, variableOpOf } from "../ops/state/variable_ops.js";
import { missingFeedMessage } from "../ops/array/placeholder.js";
import {
  batchUnpackedMatMuls,
  fuseMatMulChains,
  useCompiledKernels,
  fuseSummedBiasGrads,
  fuseSummedMatMuls,
  hoistTransposedOperands,
  skipPassThroughs,
} from "./fusion.js";
import { rewriteV1Loops } from "./loop_passes.js";
import { isOrderOnlyGate } from "../ops/control/group.js";
import { outputContext } from "../graph/control_flow.js";
import { buildFrames, isBackEdge, type FramePlan } from "./frames.js";

/** Where a step takes one input value from. */
export interface InputSource {
  /** The slot holding the value, or -1 to read the variable. */
  slot: number;
  /** The variable to read when the input is an unfed reference or a snapshot of one. */
  variable: Operation | null;
  /** The snapshot op (`v/read`) read through, which errors name as TensorFlow does. */
  via?: Operation;
  /**
   * A reference that went through control flow (`RefSwitch`, `RefEnter`, …): the slot of
   * that op's output, dead when the reference is (in an untaken branch).
   */
  guard?: number;
  /** Only whether the reference is alive is read, not its variable (`RefSwitch`'s data). */
  livenessOnly?: boolean;
}

/** The reference forms of the control flow primitives. */
const REF_FLOW = new Set(["RefSwitch", "RefMerge", "RefEnter", "RefExit", "RefNextIteration"]);

/** One op to run, with everything resolved when the plan was made. */
export interface Step {
  op: Operation;
  kernel: Kernel;
  inputs: InputSource[];
  /** Slots for the kernel's outputs (-1: produced but not needed). */
  outputs: number[];
  /** Slots whose last reader is this step: freed right after it. */
  release: number[];
  /** A `Const`: computed once per session and kept. */
  constant: boolean;
  /**
   * Plans with control flow: the step's position in the plan's dead flags, the positions of
   * its control inputs (a dead control input makes the step dead), slots it no longer
   * reads but whose death still kills it (a folded `Shape` of a branch value), and what the
   * executor does itself instead of calling the kernel.
   */
  index?: number;
  controls?: number[];
  guards?: number[];
  flow?: "switch" | "merge" | "exit" | "nextIteration" | "controlTrigger" | "frame";
  /** A loop (`flow: "frame"`): its compiled body. */
  frame?: FramePlan;
  /** A step a plan pass made (`fusion.ts`): which one, for tools and tests. */
  fused?: string;
}

/** The pruned, ordered work for one combination of fetches, targets and feeds. */
export interface Plan {
  steps: Step[];
  slotCount: number;
  /** Slot of each fed tensor. */
  feedSlots: Map<Tensor, number>;
  /** For each fetched tensor: its slot, or a variable to read at the end. */
  fetchSources: InputSource[];
  /** Slots that hold session-owned constants (never freed by a run). */
  constantSlots: Set<number>;
  /**
   * Whether the plan has control flow primitives: values can be dead (an untaken branch's),
   * the executor tracks dead values and ops (`deadSteps`, indexed by `Step.index`) and
   * runs loop frames.
   */
  deadness: boolean;
  deadSteps: Uint8Array;
}

/**
 * Makes the plan: keeps only the ops the fetches and targets need (a fed tensor's
 * producer is not needed for it), orders them so inputs and control inputs come first,
 * and computes when each intermediate value can be freed. `context` is the loop whose
 * body this plan runs (`null`: a `Session.run`); every op must belong to it.
 *
 * The plan passes then choose how to compute (the graph stays as built): constant folding,
 * matmul-bias-activation fusion (`fusion.ts`), and the loop passes (`loop_passes.ts`).
 */
export function makePlan(
  fetches: readonly Tensor[],
  targets: readonly Operation[],
  feeds: readonly Tensor[],
  context: ControlFlowContext | null = null,
): Plan {
  const fed = new Set(feeds);
  for (const t of fetches) {
    if (outputContext(t.op) !== context) throw outsideContextError(t.op, context);
  }
  for (const op of targets) {
    if (op.controlFlowContext !== context) throw outsideContextError(op, context);
  }
  const order = topologicalOrder(fetches, targets, fed);
  const slotOf = new Map<Tensor, number>();
  let slotCount = 0;
  const slot = (t: Tensor): number => {
    let s = slotOf.get(t);
    if (s === undefined) {
      s = slotCount++;
      slotOf.set(t, s);
    }
    return s;
  };
  const feedSlots = new Map<Tensor, number>();
  for (const t of feeds) feedSlots.set(t, slot(t));

  // The output of the nearest reference control flow op `ref` was forwarded through.
  const refGuard = (ref: Tensor): number | undefined => {
    for (let x: Tensor | undefined = ref; x !== undefined && x.isRef && !fed.has(x);) {
      if (REF_FLOW.has(x.op.type)) return slot(x);
      x = x.op.inputs[0];
    }
    return undefined;
  };
  const guarded = (source: InputSource, ref: Tensor): InputSource => {
    const guard = refGuard(ref);
    return guard === undefined ? source : { ...source, guard };
  };
  const sourceOf = (t: Tensor): InputSource => {
    // A `RefMerge` forwards the value of its live reference.
    if (t.isRef && !fed.has(t) && t.op.type === "RefMerge")
      return { slot: slot(t), variable: null };
    if (t.isRef && !fed.has(t)) return guarded({ slot: -1, variable: variableOpOf(t) }, t);
    if (isSnapshot(t, fed)) {
      const ref = t.op.inputs[0] as Tensor;
      return guarded({ slot: -1, variable: variableOpOf(ref), via: t.op }, ref);
    }
    return { slot: slot(t), variable: null };
  };

  const steps: Step[] = [];
  const constantSlots = new Set<number>();
  const stepOf = new Map<Operation, Step>();
  const readWhereUsed = new Set<Operation>();
  let hasFlow = false;
  for (const op of order) {
    if (!runsInPlanOf(op, context)) throw outsideContextError(op, context);
    const def = opDefinitionIn(op.graph, op.type);
    if (def === undefined) {
      throw new UnimplementedError(
        `No kernel registered for op type ${op.type} (node ${op.name}).`,
        op.name,
      );
    }
    if (op.type === "Placeholder") {
      throw new InvalidArgumentError(missingFeedMessage(op.outputs[0] as Tensor), op.name);
    }
    if (
      isVariableOpType(op.type) ||
      (op.outputs.length === 1 && isSnapshot(op.outputs[0] as Tensor, fed))
    ) {
      readWhereUsed.add(op);
      continue;
    }
    const refInputs = new Set(def.refInputs ?? []);
    const inputs: InputSource[] = [];
    const guards: number[] = [];
    const livenessOnly = REF_FLOW.has(op.type) && op.type !== "RefMerge";
    op.inputs.forEach((t, i) => {
      if (refInputs.has(i)) {
        const guard = refGuard(t);
        if (guard !== undefined) guards.push(guard);
        return;
      }
      let source = sourceOf(t);
      if (source.guard !== undefined) guards.push(source.guard);
      if (livenessOnly && source.variable !== null) source = { ...source, livenessOnly: true };
      inputs.push(source);
    });
    // A fed output keeps the fed value: its producer runs for its other outputs only.
    const outputs = def.refOutput ? [] : op.outputs.map((t) => (fed.has(t) ? -1 : slot(t)));
    const constant = def.constant === true;
    if (constant) outputs.forEach((s) => constantSlots.add(s));
    const step: Step = { op, kernel: def.kernel, inputs, outputs, release: [], constant };
    if (guards.length > 0) step.guards = guards;
    if (def.flow !== undefined) {
      hasFlow = true;
      if (def.flow !== "enter") step.flow = def.flow;
    }
    stepOf.set(op, step);
    steps.push(step);
  }

  foldConstants(steps, constantSlots);
  if (hasFlow) {
    rewriteV1Loops(steps);
    stepOf.clear();
    for (const step of steps) stepOf.set(step.op, step);
    return controlFlowPlan(
      steps,
      stepOf,
      order,
      fed,
      readWhereUsed,
      fetches,
      feedSlots,
      constantSlots,
      {
        slotCount: () => slotCount,
        sourceOf,
      },
    );
  }
  const fetchSources = fetches.map(sourceOf);
  const pinned = new Set<number>([
    ...feedSlots.values(),
    ...fetchSources.filter((f) => f.slot >= 0).map((f) => f.slot),
  ]);
  const fused = skipPassThroughs(
    hoistTransposedOperands(
      batchUnpackedMatMuls(
        fuseSummedBiasGrads(
          fuseSummedMatMuls(fuseMatMulChains(useCompiledKernels(steps), pinned), pinned),
          pinned,
        ),
        pinned,
      ),
      () => slotCount++,
    ),
    pinned,
  );
  scheduleReleases(fused, fetchSources, feedSlots, constantSlots);
  return {
    steps: fused,
    slotCount,
    feedSlots,
    fetchSources,
    constantSlots,
    deadness: false,
    deadSteps: new Uint8Array(0),
  };
}

/**
 * A plan with control flow primitives: loop frames compiled into sub-plans (`frames.ts`),
 * each step told which control inputs can make it dead, releases scheduled per frame.
 * Matmul-bias-activation chains are fused where no link has control inputs.
 */
function controlFlowPlan(
  planSteps: Step[],
  stepOf: Map<Operation, Step>,
  order: readonly Operation[],
  fed: ReadonlySet<Tensor>,
  readWhereUsed: ReadonlySet<Operation>,
  fetches: readonly Tensor[],
  feedSlots: Map<Tensor, number>,
  constantSlots: Set<number>,
  ctx: { slotCount: () => number; sourceOf: (t: Tensor) => InputSource },
): Plan {
  let steps = planSteps;
  const fetchSources = fetches.map(ctx.sourceOf);
  // Fusion, where no link of a chain has control inputs (which a fused step would lose).
  const pinned = new Set<number>([...feedSlots.values()]);
  for (const f of fetchSources) if (f.slot >= 0) pinned.add(f.slot);
  for (const step of steps) {
    if (step.op.controlInputs.length === 0) continue;
    for (const s of step.outputs) pinned.add(s);
    for (const i of step.inputs) if (i.slot >= 0) pinned.add(i.slot);
  }
  const fusedSteps = fuseMatMulChains(useCompiledKernels(steps), pinned);
  if (fusedSteps !== steps) {
    stepOf.clear();
    for (const step of fusedSteps) stepOf.set(step.op, step);
    steps = fusedSteps;
  }
  let count = 0;
  for (const step of steps) step.index = count++;
  for (const step of steps) {
    const controls: number[] = [];
    for (const c of step.op.controlInputs) {
      const cs = stepOf.get(c);
      if (cs !== undefined && cs.index !== undefined) controls.push(cs.index);
    }
    if (controls.length > 0) step.controls = controls;
  }
  const frameSteps: Step[] = [];
  const root = buildFrames(order, stepOf, fed, readWhereUsed, (frame, inputs, outputs, op) => {
    const step: Step = {
      op,
      kernel: () => [],
      inputs,
      outputs,
      release: [],
      constant: false,
      flow: "frame",
      frame,
      index: count++,
    };
    frameSteps.push(step);
    return step;
  });
  const keep = new Set<number>([...constantSlots, ...feedSlots.values()]);
  for (const f of fetchSources) if (f.slot >= 0) keep.add(f.slot);
  scheduleFrameReleases(root, keep);
  return {
    steps: root,
    slotCount: ctx.slotCount(),
    feedSlots,
    fetchSources,
    constantSlots,
    deadness: true,
    deadSteps: new Uint8Array(count),
  };
}

/**
 * Releases for a frame's steps and, recursively, its loops': a value is freed after its
 * last reader in its own frame. A loop's invariants (constant `Enter`s) and exits are
 * kept through the loop; the values of a `NextIteration` are read by its `Merge` at the
 * next iteration, which comes earlier in the body.
 */
function scheduleFrameReleases(steps: Step[], keep: ReadonlySet<number>): void {
  const lastUse = new Map<number, number>();
  const read = (step: Step, i: number): void => {
    for (const input of step.inputs) if (input.slot >= 0) lastUse.set(input.slot, i);
    for (const s of step.guards ?? []) lastUse.set(s, i);
  };
  steps.forEach(read);
  for (const step of steps) {
    for (const s of step.outputs)
      if (s >= 0 && !keep.has(s) && !lastUse.has(s)) step.release.push(s);
  }
  for (const [s, i] of lastUse) if (!keep.has(s)) (steps[i] as Step).release.push(s);
  for (const step of steps) {
    const frame = step.frame;
    if (frame === undefined) continue;
    const inner = new Set(keep);
    for (const e of frame.enters) if (e.constant) inner.add(e.slot);
    for (const s of frame.exitSlots) inner.add(s);
    scheduleFrameReleases(frame.steps, inner);
  }
}

/**
 * Whether `op` runs as a step of a plan for `context`: it belongs to `context` or to a
 * conditional or loop nested in it.
 */
function runsInPlanOf(op: Operation, context: ControlFlowContext | null): boolean {
  for (let c = op.controlFlowContext; c !== context; c = c.outer) {
    if (c === null) return false;
  }
  return true;
}

/**
 * Whether `t` is a variable's read snapshot (`v/read`: an `Identity` of the unfed ref).
 * TensorFlow's snapshot forwards the variable's buffer, so in-place updates (`AssignAdd`,
 * the optimizers' `Apply*`) show through to every reader that runs after them, which TF 1.x
 * code relies on (`with tf.control_dependencies([update]): tf.identity(v)`, constraints
 * applied after an update). tfjs tensors are immutable, so a snapshot is not computed as a
 * step: each of its readers reads the variable when it runs.
 */
function isSnapshot(t: Tensor, fed: ReadonlySet<Tensor>): boolean {
  if (t.op.type !== "Identity" || fed.has(t)) return false;
  const source = t.op.inputs[0] as Tensor;
  return source.isRef && !fed.has(source);
}

function outsideContextError(op: Operation, context: ControlFlowContext | null): Error {
  if (context === null && op.controlFlowContext !== null) {
    // TensorFlow's words for an op that only runs inside its while loop.
    return new ValueError(`Operation '${op.name}' has been marked as not fetchable.`);
  }
  return new InternalError(`The body of '${context?.name ?? ""}' reads '${op.name}' directly.`);
}

/** Folded values larger than this many elements are computed at every run instead. */
const MAX_FOLDED_ELEMENTS = 1 << 20;

/**
 * Constant folding (as TensorFlow's grappler does): a deterministic op whose inputs are
 * all constants, and `Shape`/`Size`/`Rank` of a value whose static shape is fully known,
 * are computed once per session and kept, like `Const`. Gradients are full of them
 * (`BroadcastGradientArgs` of two known shapes, `ConcatOffset`, axis arithmetic); inside a
 * loop body they would otherwise run at every iteration.
 */
function foldConstants(steps: Step[], constantSlots: Set<number>): void {
  for (const step of steps) {
    if (step.constant) continue;
    const op = step.op;
    const def = opDefinitionIn(op.graph, op.type);
    if (def === undefined || def.stateful === true || def.refOutput !== undefined) continue;
    // Control flow primitives forward values that differ by iteration or branch.
    if (def.flow !== undefined) continue;
    if (step.outputs.length === 0) continue;
    const small = op.outputs.every((t) => {
      const n = t.shape.numElements();
      return n !== null && n <= MAX_FOLDED_ELEMENTS;
    });
    if (!small) continue;
    const staticKernel = staticShapeKernel(op);
    const foldable =
      staticKernel !== null ||
      (step.inputs.length > 0 &&
        step.inputs.every((i) => i.slot >= 0 && constantSlots.has(i.slot)));
    if (!foldable) continue;
    step.constant = true;
    if (staticKernel !== null) {
      step.kernel = staticKernel;
      const guards = step.inputs.filter((i) => i.slot >= 0).map((i) => i.slot);
      if (guards.length > 0) step.guards = [...(step.guards ?? []), ...guards];
      step.inputs = [];
    }
    for (const s of step.outputs) constantSlots.add(s);
  }
}

/** For `Shape`, `Size` and `Rank` of a fully known static shape: a kernel giving it. */
function staticShapeKernel(op: Operation): Kernel | null {
  if (op.type !== "Shape" && op.type !== "Size" && op.type !== "Rank") return null;
  const input = op.inputs[0] as Tensor;
  if (!input.shape.isFullyDefined()) return null;
  const dims = input.shape.dims as number[];
  if (op.type === "Shape") return () => [tfc.tensor1d(dims, "int32")];
  if (op.type === "Size")
    return () => [
      tfc.scalar(
        dims.reduce((a, b) => a * b, 1),
        "int32",
      ),
    ];
  return () => [tfc.scalar(dims.length, "int32")];
}

/** Frees each value after its last reader; values nobody reads are freed at once. */
function scheduleReleases(
  steps: Step[],
  fetchSources: InputSource[],
  feedSlots: Map<Tensor, number>,
  constantSlots: Set<number>,
): void {
  const keep = new Set<number>();
  for (const f of fetchSources) if (f.slot >= 0) keep.add(f.slot);
  for (const s of feedSlots.values()) keep.add(s);
  for (const s of constantSlots) keep.add(s);
  const lastUse = new Map<number, number>();
  steps.forEach((step, i) => {
    for (const input of step.inputs) if (input.slot >= 0) lastUse.set(input.slot, i);
  });
  steps.forEach((step) => {
    for (const s of step.outputs) {
      if (!keep.has(s) && !lastUse.has(s)) step.release.push(s);
    }
  });
  for (const [s, i] of lastUse) {
    if (!keep.has(s)) (steps[i] as Step).release.push(s);
  }
}

/**
 * The ops needed for `fetches` and `targets`, inputs before consumers (iterative
 * depth-first post-order, so deep graphs such as unrolled RNNs cannot overflow the stack).
 *
 * An order-only gate (the `GATE_OP` tuple of `tf.gradients`) pulls in nothing, but still
 * orders what is needed anyway: its gated ops that the run computes come before the ops
 * waiting on it. A variable read where it is used (`v/read`) sees the variable as it is
 * when its reader runs, as TensorFlow's aliasing `Identity` does, so a weight update gated
 * on the gradient ops that read the weight must not run before them.
 */
function topologicalOrder(
  fetches: readonly Tensor[],
  targets: readonly Operation[],
  fed: ReadonlySet<Tensor>,
): Operation[] {
  const gates: Operation[] = [];
  const needed = depthFirstOrder(fetches, targets, fed, null, gates);
  if (gates.length === 0) return needed;
  const neededSet = new Set(needed);
  // Only a gate whose gated ops are partly needed can change the order.
  if (!gates.some((g) => g.controlInputs.some((c) => neededSet.has(c)))) return needed;
  return depthFirstOrder(fetches, targets, fed, neededSet, null);
}

/**
 * One depth-first pass. Without `needed`, order-only gates are skipped (and collected in
 * `gates`); with it, a gate is visited for its control inputs that are in `needed`, and
 * only ops in `needed` are emitted.
 */
function depthFirstOrder(
  fetches: readonly Tensor[],
  targets: readonly Operation[],
  fed: ReadonlySet<Tensor>,
  needed: ReadonlySet<Operation> | null,
  gates: Operation[] | null,
): Operation[] {
  const order: Operation[] = [];
  const state = new Map<Operation, 1 | 2>();
  const stack: [Operation, number][] = [];
  const deferred: Operation[] = [];
  const visit = (root: Operation): void => {
    if (state.has(root)) return;
    state.set(root, 1);
    stack.push([root, 0]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as [Operation, number];
      const [op, next] = top;
      const deps = op.inputs.length + op.controlInputs.length;
      if (next < deps) {
        top[1] = next + 1;
        let dep: Operation | null;
        if (next < op.inputs.length) {
          const t = op.inputs[next] as Tensor;
          dep = fed.has(t) ? null : t.op;
          // A loop's back edge: the `NextIteration` runs after the `Merge` reading it.
          if (dep !== null && isBackEdge(op, t)) {
            deferred.push(dep);
            dep = null;
          }
        } else {
          dep = op.controlInputs[next - op.inputs.length] as Operation;
          // A fed op counts as run, as in TensorFlow, where the feed replaces it.
          if (dep.outputs.length > 0 && dep.outputs.every((t) => fed.has(t))) dep = null;
          else if (needed === null && isOrderOnlyGate(dep)) {
            gates?.push(dep);
            dep = null;
          }
        }
        // The second pass walks needed ops, and gates for the needed ops they order.
        if (dep !== null && needed !== null && !needed.has(dep) && !isOrderOnlyGate(dep)) {
          dep = null;
        }
        if (dep !== null && !state.has(dep)) {
          state.set(dep, 1);
          stack.push([dep, 0]);
        }
        continue;
      }
      stack.pop();
      state.set(op, 2);
      if (needed === null || needed.has(op)) order.push(op);
    }
  };
  for (const t of fetches) if (!fed.has(t)) visit(t.op);
  for (const op of targets) visit(op);
  for (let i = 0; i < deferred.length; i++) visit(deferred[i] as Operation);
  return order;
}
