import type * as tfc from "@tensorflow/tfjs-core";
import { InternalError, InvalidArgumentError, OpError } from "../errors.js";
import type { ControlFlowContext } from "../graph/control_flow.js";
import type { Graph } from "../graph/graph.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import type { KernelRuntime, Stashable, SubgraphPlan } from "../ops/registry.js";
import { shareTensor } from "../ops/tfjs_internals.js";
import { makePlan, type InputSource, type Plan, type Step } from "./plan.js";
import { VariableState } from "./variable_state.js";

/** A loop body's plan, as handed to the kernel that runs it. */
interface PreparedSubgraph extends SubgraphPlan {
  readonly plan: Plan;
  /** The slot of each feed, in order. */
  readonly feedSlots: readonly number[];
  /** Slots whose values the run does not own: feeds, session constants, the prelude's. */
  readonly borrowed: ReadonlySet<number>;
  /** The slots of the invariant feeds. */
  readonly invariantSlots: readonly number[];
  /** The prelude's values and the invariant feed values they were computed from. */
  prelude: { from: tfc.Tensor[]; values: Map<number, tfc.Tensor> } | null;
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
  private readonly stashes = new Map<number, Stashable>();
  private nextStash = 1;
  private readonly resources = new Map<Operation, Stashable>();

  /** The plan for these fetches, targets and feeds, made once and kept. */
  planFor(
    fetches: readonly Tensor[],
    targets: readonly Operation[],
    fed: readonly Tensor[],
    context: ControlFlowContext | null = null,
    invariant: readonly Tensor[] = [],
  ): Plan {
    // Op ids count per graph: a function body's plans must not meet the outer graph's.
    const graph = (fetches[0] ?? fed[0])?.graph ?? targets[0]?.graph;
    const key = `${graph === undefined ? 0 : graphKey(graph)}|${fetches.map(tensorKey).join(",")}|${targets.map((o) => o.id).join(",")}|${fed.map(tensorKey).join(",")}|${invariant.map(tensorKey).join(",")}`;
    let plan = this.plans.get(key);
    if (plan === undefined) {
      plan = makePlan(fetches, targets, fed, context, invariant);
      this.plans.set(key, plan);
    }
    return plan;
  }

  /** Runs every step of `plan`, reading and writing `values` (indexed by slot). */
  runSteps(plan: Plan, values: (tfc.Tensor | undefined)[]): void {
    const saved = this.currentStep;
    try {
      for (const step of plan.steps) this.runStep(plan, step, values);
    } finally {
      this.currentStep = saved;
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
      if (v !== undefined && !plan.constantSlots.has(s) && !plan.preludeSlots.has(s)) {
        v.dispose();
        values[s] = undefined;
      }
    }
  }

  /** The value an input reads: a slot's value, or the variable's current value. */
  inputValue(
    source: InputSource,
    values: (tfc.Tensor | undefined)[],
    reader: Operation,
  ): tfc.Tensor {
    if (source.variable !== null) {
      return this.state.readVariable(source.variable, source.via ?? reader);
    }
    const v = values[source.slot];
    if (v === undefined)
      throw new InternalError(`Value for ${reader.name} was freed or never computed.`, reader.name);
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

  outputWanted(index: number): boolean {
    const step = this.currentStep;
    if (step === null) return true;
    const slot = step.outputs[index];
    if (slot === undefined) return false;
    // An output nobody reads (and nobody fetches) is freed by the step that makes it.
    return !step.release.includes(slot);
  }

  prepareSubgraph(
    fetches: readonly Tensor[],
    feeds: readonly Tensor[],
    invariant: readonly Tensor[] = [],
  ): SubgraphPlan {
    const context = feeds[0]?.op.controlFlowContext ?? null;
    const plan = this.planFor(fetches, [], feeds, context, invariant);
    const feedSlots = feeds.map((t) => plan.feedSlots.get(t) as number);
    const borrowed = new Set<number>([...feedSlots, ...plan.constantSlots, ...plan.preludeSlots]);
    const invariantSlots = invariant.map((t) => plan.feedSlots.get(t) as number);
    const prepared: PreparedSubgraph = {
      fetchCount: fetches.length,
      plan,
      feedSlots,
      borrowed,
      invariantSlots,
      prelude: null,
    };
    return prepared;
  }

  finishSubgraph(prepared: SubgraphPlan): void {
    const p = prepared as PreparedSubgraph;
    for (const v of p.prelude?.values.values() ?? []) v.dispose();
    p.prelude = null;
  }

  /** Computes the prelude of a series of runs, unless done for these invariant values. */
  private runPrelude(prepared: PreparedSubgraph, values: (tfc.Tensor | undefined)[]): void {
    const { plan, invariantSlots } = prepared;
    const from = invariantSlots.map((s) => values[s] as tfc.Tensor);
    const current = prepared.prelude;
    if (current === null || current.from.some((t, i) => t !== from[i])) {
      this.finishSubgraph(prepared);
      const computed = new Map<number, tfc.Tensor>();
      prepared.prelude = { from, values: computed };
      for (const step of plan.prelude) {
        const inputs = step.inputs.map((source) => this.inputValue(source, values, step.op));
        let outputs: tfc.Tensor[];
        try {
          outputs = step.kernel(inputs, step.op, this);
        } catch (e) {
          throw asOpError(e, step.op);
        }
        step.outputs.forEach((s, i) => computed.set(s, outputs[i] as tfc.Tensor));
      }
    }
    for (const [s, v] of (prepared.prelude as { values: Map<number, tfc.Tensor> }).values) {
      values[s] = v;
    }
  }

  runSubgraph(prepared: SubgraphPlan, feedValues: readonly tfc.Tensor[]): tfc.Tensor[] {
    const p = prepared as PreparedSubgraph;
    const { plan, feedSlots, borrowed } = p;
    const values: (tfc.Tensor | undefined)[] = new Array(plan.slotCount);
    for (let i = 0; i < feedSlots.length; i++) values[feedSlots[i] as number] = feedValues[i];
    try {
      if (plan.prelude.length > 0) this.runPrelude(p, values);
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
  }

  /** Frees constants and variable values. */
  dispose(): void {
    this.endRun();
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
