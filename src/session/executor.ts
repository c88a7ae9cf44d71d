import * as tfc from "@tensorflow/tfjs-core";
import { InternalError, InvalidArgumentError, OpError } from "../errors.js";
import type { ControlFlowContext } from "../graph/control_flow.js";
import type { Graph } from "../graph/graph.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import type { KernelRuntime, OutputSink, Stashable, SubgraphPlan } from "../ops/registry.js";
import { shareTensor } from "../ops/tfjs_internals.js";
import { scalarOf } from "../ops/control/scalars.js";
import { makePlan, type InputSource, type Plan, type Step } from "./plan.js";
import type { FramePlan } from "./frames.js";
import { defaultOutput } from "./output.js";

/** A plan's values by slot. */
type Values = (tfc.Tensor | undefined)[];

/**
 * The value of a dead tensor (TensorFlow's `is_dead`): one computed on the untaken side of
 * a `Switch`, or by an op with a dead input. Never given to a kernel; freeing it is a no-op.
 */
export const DEAD: tfc.Tensor = Object.freeze({
  dispose: () => undefined,
}) as unknown as tfc.Tensor;
import { VariableState } from "./variable_state.js";

/** A function body's plan (`tf.data`), as handed to the kernel that runs it. */
interface PreparedSubgraph extends SubgraphPlan {
  readonly plan: Plan;
  /** The slot of each feed, in order. */
  readonly feedSlots: readonly number[];
  /** Slots whose values the run does not own: feeds and session constants. */
  readonly borrowed: ReadonlySet<number>;
}

/**
 * Runs plans for one session: variable values, cached constants, plans by key, and the
 * runtime services kernels call (variables, random seeds, loop bodies).
 */
export class Executor implements KernelRuntime {
  readonly state = new VariableState();
  private readonly plans = new Map<string, Plan>();
  private readonly constants = new Map<Operation, tfc.Tensor[]>();
  private currentStep: Step | null = null;
  private lastPred: tfc.Tensor | null = null;
  /** What a `RefSwitch` or `RefEnter` forwards: that its reference is alive. */
  private liveRef: tfc.Tensor | undefined;
  private lastPredValue = 0;
  private readonly stashes = new Map<number, Stashable>();
  private nextStash = 1;
  private readonly resources = new Map<Operation, Stashable>();
  /** Where printing kernels write (the session's `output`). */
  output: OutputSink = defaultOutput;
  /**
   * Loop frames pass values on without new tensor handles: a value an `Enter`, `Merge`,
   * `Switch` or `NextIteration` forwards inside a frame is the same tensor in both slots,
   * and this counts the slots beyond the first that hold it (freeing a slot drops one;
   * the last frees the tensor). A frame's slots never leave it (its `Exit`s hand out new
   * handles), so these counts are back to zero when a loop ends.
   */
  private readonly shares = new Map<tfc.Tensor, number>();

  /** The plan for these fetches, targets and feeds, made once and kept. */
  planFor(
    fetches: readonly Tensor[],
    targets: readonly Operation[],
    fed: readonly Tensor[],
    context: ControlFlowContext | null = null,
  ): Plan {
    // Op ids count per graph: a function body's plans must not meet the outer graph's.
    const graph = (fetches[0] ?? fed[0])?.graph ?? targets[0]?.graph;
    const key = `${graph === undefined ? 0 : graphKey(graph)}|${fetches.map(tensorKey).join(",")}|${targets.map((o) => o.id).join(",")}|${fed.map(tensorKey).join(",")}`;
    let plan = this.plans.get(key);
    if (plan === undefined) {
      plan = makePlan(fetches, targets, fed, context);
      this.plans.set(key, plan);
    }
    return plan;
  }

  /** Runs every step of `plan`, reading and writing `values` (indexed by slot). */
  runSteps(plan: Plan, values: (tfc.Tensor | undefined)[]): void {
    const saved = this.currentStep;
    try {
      if (plan.deadness) this.runFlowSteps(plan, plan.steps, values, false);
      else for (const step of plan.steps) this.runStep(plan, step, values);
    } finally {
      this.currentStep = saved;
    }
  }

  /** `steps` of a plan with control flow: TensorFlow's dead values and loop frames. */
  private runFlowSteps(plan: Plan, steps: readonly Step[], values: Values, inFrame: boolean): void {
    for (const step of steps) {
      switch (step.flow) {
        case "frame":
          this.runFrame(plan, step, values);
          break;
        case "switch":
          this.runSwitch(plan, step, values, inFrame);
          break;
        case "merge":
          this.runMerge(plan, step, values, inFrame);
          break;
        case "exit":
        case "nextIteration":
          this.runForward(plan, step, values);
          break;
        case "controlTrigger":
          plan.deadSteps[step.index as number] = 0;
          break;
        default:
          // A loop body's `Const` without control inputs keeps its slot through the loop.
          if (inFrame && step.constant && step.inputs.length === 0) {
            if (step.guards === undefined && step.controls === undefined) {
              const out = step.outputs[0];
              if (out !== undefined && values[out] !== undefined) continue;
            }
          }
          if (this.isDead(plan, step, values)) {
            this.markDead(plan, step, values);
          } else {
            plan.deadSteps[step.index as number] = 0;
            this.runStep(plan, step, values);
            // A constant step skips `runStep`'s releases: its guards may be last readers.
            if (!step.constant) continue;
          }
      }
      this.release(plan, step, values);
    }
  }

  /** Whether an input, a guard or a control input of `step` is dead. */
  private isDead(plan: Plan, step: Step, values: Values): boolean {
    for (const input of step.inputs)
      if (input.slot >= 0 && values[input.slot] === DEAD) return true;
    if (step.guards !== undefined) for (const s of step.guards) if (values[s] === DEAD) return true;
    if (step.controls !== undefined) {
      for (const c of step.controls) if (plan.deadSteps[c] === 1) return true;
    }
    return false;
  }

  private markDead(plan: Plan, step: Step, values: Values): void {
    plan.deadSteps[step.index as number] = 1;
    for (const s of step.outputs) if (s >= 0) values[s] = DEAD;
  }

  private release(plan: Plan, step: Step, values: Values): void {
    for (const s of step.release) {
      const v = values[s];
      if (v === undefined || plan.constantSlots.has(s)) continue;
      this.free(v);
      values[s] = undefined;
    }
  }

  /**
   * A slot's value for another slot: inside a loop frame the same tensor, counted (see
   * {@link shares}); else a new handle, as a value the run hands out must be its own. A
   * variable's value is always a new handle: the variable may be assigned meanwhile.
   */
  private pass(v: tfc.Tensor, source: InputSource, inFrame: boolean): tfc.Tensor {
    if (!inFrame || source.variable !== null) return shareTensor(v);
    this.shares.set(v, (this.shares.get(v) ?? 0) + 1);
    return v;
  }

  /** Frees a slot's value: drops the slot's share of it (see {@link shares}). */
  private free(v: tfc.Tensor): void {
    if (v === DEAD) return;
    const n = this.shares.get(v);
    if (n === undefined) v.dispose();
    else if (n === 1) this.shares.delete(v);
    else this.shares.set(v, n - 1);
  }

  /** `Switch`: the data goes to output 1 if the predicate is true, else to output 0. */
  private runSwitch(plan: Plan, step: Step, values: Values, inFrame: boolean): void {
    if (this.isDead(plan, step, values)) return this.markDead(plan, step, values);
    plan.deadSteps[step.index as number] = 0;
    const source = step.inputs[0] as InputSource;
    const data = this.inputValue(source, values, step.op);
    const pred = this.inputValue(step.inputs[1] as InputSource, values, step.op);
    // A loop's `Switch`es all read its `LoopCond`: read the predicate once.
    if (pred !== this.lastPred) {
      this.lastPred = pred;
      this.lastPredValue = scalarOf(pred) ? 1 : 0;
    }
    const taken = this.lastPredValue;
    const live = step.outputs[taken] as number;
    const dead = step.outputs[1 - taken] as number;
    if (live >= 0) values[live] = this.pass(data, source, inFrame);
    if (dead >= 0) values[dead] = DEAD;
  }

  /** `Merge`: forwards its first live input and that input's index; dead if none is. */
  private runMerge(plan: Plan, step: Step, values: Values, inFrame: boolean): void {
    let chosen = -1;
    let value: tfc.Tensor | undefined;
    const controlDead = step.controls?.some((c) => plan.deadSteps[c] === 1) === true;
    for (let i = 0; !controlDead && i < step.inputs.length; i++) {
      const v = this.inputValue(step.inputs[i] as InputSource, values, step.op, true);
      if (v !== DEAD) {
        chosen = i;
        value = v;
        break;
      }
    }
    if (value === undefined) return this.markDead(plan, step, values);
    plan.deadSteps[step.index as number] = 0;
    const [out, index] = step.outputs as [number, number];
    if (out >= 0) values[out] = this.pass(value, step.inputs[chosen] as InputSource, inFrame);
    if (index >= 0 && !step.release.includes(index)) values[index] = tfc.scalar(chosen, "int32");
  }

  /**
   * `Exit` and `NextIteration`: forward a live value. A dead `Exit` leaves its slot alone:
   * the loop's last iteration is the one whose `Exit` is alive.
   */
  private runForward(plan: Plan, step: Step, values: Values): void {
    const out = step.outputs[0] as number;
    if (this.isDead(plan, step, values)) {
      plan.deadSteps[step.index as number] = 1;
      if (step.flow === "nextIteration" && out >= 0) values[out] = DEAD;
      return;
    }
    plan.deadSteps[step.index as number] = 0;
    const source = step.inputs[0] as InputSource;
    const v = this.inputValue(source, values, step.op);
    if (out < 0) return;
    const previous = values[out];
    if (previous !== undefined) this.free(previous);
    // An `Exit`'s value leaves the frame: a handle of its own.
    values[out] = step.flow === "exit" ? shareTensor(v) : this.pass(v, source, true);
  }

  /**
   * Runs a loop frame: its entries, then its body once per iteration over the same slots,
   * while a `NextIteration` is alive; its exits keep the values of the last iteration.
   */
  private runFrame(plan: Plan, step: Step, values: Values): void {
    const frame = step.frame as FramePlan;
    const entered: tfc.Tensor[] = [];
    for (const e of frame.enters) {
      const v = this.inputValue(e.source, values, e.op, true);
      if (v === DEAD) break;
      entered.push(v);
    }
    const controlDead = step.controls?.some((c) => plan.deadSteps[c] === 1) === true;
    if (entered.length < frame.enters.length || controlDead) {
      // A loop in an untaken branch: its exits are dead.
      return this.markDead(plan, step, values);
    }
    plan.deadSteps[step.index as number] = 0;
    frame.enters.forEach((e, i) => {
      values[e.slot] = this.pass(entered[i] as tfc.Tensor, e.source, true);
    });
    for (const s of frame.nextSlots) values[s] = DEAD;
    for (const s of frame.exitSlots) values[s] = DEAD;
    try {
      for (let iteration = 0; ; iteration++) {
        if (iteration > 0) {
          // A loop variable's `Enter` feeds the first iteration only.
          for (const e of frame.enters) {
            if (e.constant) continue;
            const v = values[e.slot];
            if (v !== undefined) this.free(v);
            values[e.slot] = DEAD;
          }
        }
        this.runFlowSteps(plan, frame.steps, values, true);
        let more = false;
        for (const s of frame.nextSlots) {
          const v = values[s];
          if (v !== undefined && v !== DEAD) more = true;
        }
        if (!more) break;
      }
    } finally {
      for (const s of frame.ownSlots) {
        if (plan.constantSlots.has(s)) continue;
        const v = values[s];
        if (v !== undefined) this.free(v);
        values[s] = undefined;
      }
    }
  }

  private runStep(plan: Plan, step: Step, values: (tfc.Tensor | undefined)[]): void {
    if (step.constant) {
      let cached = this.constants.get(step.op);
      if (cached === undefined) {
        const inputs = step.inputs.map((source) => this.inputValue(source, values, step.op));
        try {
          cached = step.kernel(inputs, step.op, this);
        } catch (e) {
          throw asOpError(e, step.op);
        }
        this.constants.set(step.op, cached);
      }
      for (let i = 0; i < step.outputs.length; i++) {
        values[step.outputs[i] as number] = cached[i];
      }
      return;
    }
    const inputs = new Array<tfc.Tensor>(step.inputs.length);
    for (let i = 0; i < step.inputs.length; i++) {
      inputs[i] = this.inputValue(step.inputs[i] as InputSource, values, step.op);
    }
    let outputs: tfc.Tensor[];
    this.currentStep = step;
    try {
      outputs = step.kernel(inputs, step.op, this);
    } catch (e) {
      throw asOpError(e, step.op);
    }
    for (let i = 0; i < step.outputs.length; i++) {
      const out = outputs[i];
      if (out !== undefined) values[step.outputs[i] as number] = out;
    }
    for (const s of step.release) {
      const v = values[s];
      if (v !== undefined && !plan.constantSlots.has(s)) {
        this.free(v);
        values[s] = undefined;
      }
    }
  }

  /**
   * The value an input reads: a slot's value, or the variable's current value. A dead value
   * (an untaken branch's) is an error unless `deadOk`, when {@link DEAD} is returned.
   */
  inputValue(
    source: InputSource,
    values: (tfc.Tensor | undefined)[],
    reader: Operation,
    deadOk = false,
  ): tfc.Tensor {
    if (source.variable !== null) {
      const guard = source.guard === undefined ? undefined : values[source.guard];
      if (guard !== DEAD) {
        if (source.livenessOnly === true) return (this.liveRef ??= tfc.scalar(true, "bool"));
        return this.state.readVariable(source.variable, source.via ?? reader);
      }
    }
    const v = source.variable === null ? values[source.slot] : DEAD;
    if (v === undefined)
      throw new InternalError(`Value for ${reader.name} was freed or never computed.`, reader.name);
    if (v === DEAD && !deadOk) {
      throw new InvalidArgumentError(
        `Retval of ${reader.name} does not have value: it was computed in a branch of a conditional that was not taken.`,
        reader.name,
      );
    }
    return v;
  }

  readVariable(variableOp: Operation, reader: Operation): tfc.Tensor {
    return this.state.readVariable(variableOp, reader);
  }

  writeVariable(variableOp: Operation, value: tfc.Tensor): void {
    this.state.writeVariable(variableOp, value);
  }

  isVariableInitialized(variableOp: Operation): boolean {
    return this.state.isVariableInitialized(variableOp);
  }

  nextRandomSeed(op: Operation): number | undefined {
    return this.state.nextRandomSeed(op);
  }

  reservePhiloxBlocks(op: Operation, blocks: number): number | undefined {
    return this.state.reservePhiloxBlocks(op, blocks);
  }

  get resourceVariables(): VariableState {
    return this.state;
  }

  prepareSubgraph(
    fetches: readonly Tensor[],
    feeds: readonly Tensor[],
    targets: readonly Operation[] = [],
  ): SubgraphPlan {
    const context = feeds[0]?.op.controlFlowContext ?? null;
    const plan = this.planFor(fetches, targets, feeds, context);
    const feedSlots = feeds.map((t) => plan.feedSlots.get(t) as number);
    const borrowed = new Set<number>([...feedSlots, ...plan.constantSlots]);
    const prepared: PreparedSubgraph = { fetchCount: fetches.length, plan, feedSlots, borrowed };
    return prepared;
  }

  runSubgraph(prepared: SubgraphPlan, feedValues: readonly tfc.Tensor[]): tfc.Tensor[] {
    const p = prepared as PreparedSubgraph;
    const { plan, feedSlots, borrowed } = p;
    const values: (tfc.Tensor | undefined)[] = new Array(plan.slotCount);
    for (let i = 0; i < feedSlots.length; i++) values[feedSlots[i] as number] = feedValues[i];
    try {
      this.runSteps(plan, values);
      const taken = new Set<number>();
      // Fetched values become the caller's; the rest were freed by their last reader.
      return plan.fetchSources.map((source) => {
        if (source.variable !== null) {
          const reader = source.via ?? source.variable;
          return shareTensor(this.state.readVariable(source.variable, reader));
        }
        if (borrowed.has(source.slot) || taken.has(source.slot)) {
          return shareTensor(values[source.slot] as tfc.Tensor);
        }
        taken.add(source.slot);
        return values[source.slot] as tfc.Tensor;
      });
    } catch (e) {
      for (let s = 0; s < values.length; s++) {
        if (!borrowed.has(s)) values[s]?.dispose();
      }
      throw e;
    }
  }

  stash(value: Stashable): number {
    const handle = this.nextStash++;
    this.stashes.set(handle, value);
    return handle;
  }

  stashed(handle: number): Stashable {
    const value = this.stashes.get(handle);
    if (value === undefined) throw new InternalError(`No stashed value ${handle} in this run.`);
    return value;
  }

  resource<T extends Stashable>(op: Operation, create: () => T): T {
    let value = this.resources.get(op);
    if (value === undefined) {
      value = create();
      this.resources.set(op, value);
    }
    return value as T;
  }

  /** Frees what kernels stashed during the run that just ended. */
  endRun(): void {
    for (const value of this.stashes.values()) value.dispose();
    this.stashes.clear();
    // Counts a failed loop left (its slots were freed when it stopped).
    this.shares.clear();
  }

  /** Frees constants and variable values. */
  dispose(): void {
    this.endRun();
    this.liveRef?.dispose();
    this.liveRef = undefined;
    for (const value of this.resources.values()) value.dispose();
    this.resources.clear();
    this.state.dispose();
    for (const list of this.constants.values()) for (const t of list) t.dispose();
    this.constants.clear();
    this.plans.clear();
  }
}

const graphKeys = new WeakMap<Graph, number>();
let nextGraphKey = 1;

function graphKey(graph: Graph): number {
  let key = graphKeys.get(graph);
  if (key === undefined) {
    key = nextGraphKey++;
    graphKeys.set(graph, key);
  }
  return key;
}

function tensorKey(t: Tensor): string {
  return `${t.op.id}:${t.valueIndex}`;
}

/** Wraps a kernel failure as TensorFlow's runtime errors do, naming the node. */
function asOpError(e: unknown, op: Operation): Error {
  if (e instanceof OpError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new InvalidArgumentError(`${message}\n\t [[{{node ${op.name}}}]]`, op.name);
}
