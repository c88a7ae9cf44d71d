import { InvalidArgumentError } from "../errors.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import type { InputSource, Step } from "./plan.js";

/*
 * Loop frames, as TensorFlow's executor finds them: from the ops themselves, so that a
 * graph TensorFlow wrote runs as well as one scopeflow built. An `Enter` starts (or joins)
 * the child frame its `frame_name` attr names, an `Exit` hands its value back to the parent
 * frame, and every other op runs in the frame of its inputs. A loop's `Merge` reads its
 * `NextIteration` (the back edge) from the previous iteration.
 *
 * Each frame is compiled once per plan into a sub-plan (`FramePlan`) that the executor runs
 * once per iteration over the same value slots, so an iteration costs its kernels and a
 * few slot moves; in the parent frame the whole loop is one step.
 */

/** A loop frame's compiled body. */
export interface FramePlan {
  /** The frame's name (`while/while_context`). */
  readonly name: string;
  /** The body, in order; nested loops are single steps. */
  readonly steps: Step[];
  /** For each `Enter`: the parent's slot it reads, the frame's slot, and `is_constant`. */
  readonly enters: { source: InputSource; slot: number; constant: boolean; op: Operation }[];
  /** The `NextIteration` outputs: the loop goes on while one of them is alive. */
  readonly nextSlots: number[];
  /** The `Exit` outputs, read by the parent frame. */
  readonly exitSlots: number[];
  /** Every slot the frame writes except its exits: freed when the loop ends. */
  readonly ownSlots: number[];
}

interface Frame {
  readonly name: string;
  readonly parent: Frame | null;
  readonly children: Map<string, Frame>;
  /** The ops running in this frame (not in nested frames). */
  readonly ops: Operation[];
}

/** Whether a `Merge` input is the loop's back edge. */
export function isBackEdge(consumer: Operation, t: Tensor): boolean {
  return (
    (consumer.type === "Merge" || consumer.type === "RefMerge") &&
    (t.op.type === "NextIteration" || t.op.type === "RefNextIteration")
  );
}

function framePath(f: Frame): string {
  return f.name;
}

/**
 * Splits the plan's steps (in a topological order that ignores back edges) into frames and
 * returns the root frame's steps, each loop one step running its {@link FramePlan}.
 * `stepOf` gives the step of an op (ops without one were fused into another's step, or are
 * `readWhereUsed`: variables and their snapshots, read in whatever frame reads them).
 */
export function buildFrames(
  order: readonly Operation[],
  stepOf: ReadonlyMap<Operation, Step>,
  fed: ReadonlySet<Tensor>,
  readWhereUsed: ReadonlySet<Operation>,
  newStep: (frame: FramePlan, inputs: InputSource[], outputs: number[], op: Operation) => Step,
): Step[] {
  const root: Frame = { name: "", parent: null, children: new Map(), ops: [] };
  const frameOf = new Map<Operation, Frame>();
  const outFrame = (op: Operation): Frame | undefined => {
    const f = frameOf.get(op);
    if (f === undefined) return undefined;
    return op.type === "Exit" || op.type === "RefExit" ? (f.parent ?? root) : f;
  };
  for (const op of order) {
    let base: Frame | undefined;
    let witness: Tensor | undefined;
    for (const t of op.inputs) {
      // Variables and their snapshots are read where they are used, in any frame.
      if (fed.has(t) || isBackEdge(op, t) || readWhereUsed.has(t.op)) continue;
      const f = outFrame(t.op);
      if (f === undefined) continue;
      if (base === undefined) {
        base = f;
        witness = t;
      } else if (f !== base && witness !== undefined) {
        throw new InvalidArgumentError(
          `{{node ${op.name}}} has inputs from different frames. The input {{node ${witness.op.name}}} is in frame '${framePath(base)}'. The input {{node ${t.op.name}}} is in frame '${framePath(f)}'.`,
          op.name,
        );
      }
    }
    if (base === undefined) {
      for (const c of op.controlInputs) {
        const f = outFrame(c);
        if (f !== undefined && (base === undefined || depth(f) > depth(base))) base = f;
      }
    }
    base ??= root;
    let frame = base;
    if (op.type === "Enter" || op.type === "RefEnter") {
      const name = String(op.attrs.frame_name ?? "");
      let child = base.children.get(name);
      if (child === undefined) {
        child = { name, parent: base, children: new Map(), ops: [] };
        base.children.set(name, child);
      }
      frame = child;
    }
    frameOf.set(op, frame);
    if (stepOf.has(op)) frame.ops.push(op);
  }

  const producerOf = new Map<number, Operation>();
  for (const [op, step] of stepOf)
    for (const slot of step.outputs) if (slot >= 0) producerOf.set(slot, op);
  const compile = (frame: Frame): { steps: Step[]; plan: FramePlan | null } => {
    // The units of this frame: its own ops, and one per child frame.
    const childOf = new Map<Operation, Frame>();
    const members = new Map<Frame, Operation[]>();
    const collect = (f: Frame, top: Frame): void => {
      for (const op of f.ops) {
        childOf.set(op, top);
        members.get(top)?.push(op);
      }
      for (const c of f.children.values()) collect(c, top);
    };
    for (const c of frame.children.values()) {
      members.set(c, []);
      collect(c, c);
    }
    type Unit = Operation | Frame;
    const unitOf = (op: Operation): Unit | null => {
      if (frameOf.get(op) === frame) return stepOf.has(op) ? op : null;
      return childOf.get(op) ?? null;
    };
    const depsOf = (u: Unit): Unit[] => {
      const ops = isFrame(u) ? (members.get(u) as Operation[]) : [u];
      const deps: Unit[] = [];
      for (const op of ops) {
        // Data dependencies as the step reads them (a fused step reads its chain's inputs).
        const step = stepOf.get(op) as Step;
        const slots = [...step.inputs.map((i) => i.slot), ...(step.guards ?? [])];
        for (const slot of slots) {
          const producer = slot >= 0 ? producerOf.get(slot) : undefined;
          if (producer === undefined) continue;
          if (!isFrame(u) && isBackEdge(op, producer.outputs[0] as Tensor)) continue;
          const d = unitOf(producer);
          if (d !== null && d !== u) deps.push(d);
        }
        for (const c of op.controlInputs) {
          const d = unitOf(c);
          if (d !== null && d !== u) deps.push(d);
        }
      }
      return deps;
    };
    const units: Unit[] = [...frame.ops, ...frame.children.values()];
    const sorted: Unit[] = [];
    const state = new Map<Unit, 1 | 2>();
    for (const start of units) {
      if (state.has(start)) continue;
      const stack: [Unit, Unit[], number][] = [[start, depsOf(start), 0]];
      state.set(start, 1);
      while (stack.length > 0) {
        const top = stack[stack.length - 1] as [Unit, Unit[], number];
        if (top[2] < top[1].length) {
          const d = top[1][top[2]++] as Unit;
          if (!state.has(d)) {
            state.set(d, 1);
            stack.push([d, depsOf(d), 0]);
          } else if (state.get(d) === 1) {
            throw cycleError(
              stack.map((e) => e[0]),
              d,
            );
          }
          continue;
        }
        stack.pop();
        state.set(top[0], 2);
        sorted.push(top[0]);
      }
    }
    const steps: Step[] = [];
    const enters: FramePlan["enters"] = [];
    const nextSlots: number[] = [];
    const exitSlots: number[] = [];
    const ownSlots: number[] = [];
    for (const u of sorted) {
      if (isFrame(u)) {
        const inner = compile(u).plan as FramePlan;
        const inputs = inner.enters.map((e) => e.source);
        const outputs = inner.exitSlots;
        const anchor = (members.get(u) as Operation[])[0] as Operation;
        const step = newStep(inner, inputs, outputs, anchor);
        steps.push(step);
        ownSlots.push(...inner.ownSlots, ...inner.exitSlots);
        continue;
      }
      const step = stepOf.get(u) as Step;
      if (u.type === "Enter" || u.type === "RefEnter") {
        enters.push({
          source: step.inputs[0] as InputSource,
          slot: step.outputs[0] as number,
          constant: u.attrs.is_constant === true,
          op: u,
        });
        ownSlots.push(step.outputs[0] as number);
        continue;
      }
      steps.push(step);
      for (const s of step.outputs) if (s >= 0) ownSlots.push(s);
      if (u.type === "NextIteration" || u.type === "RefNextIteration") {
        nextSlots.push(step.outputs[0] as number);
      }
      if (u.type === "Exit" || u.type === "RefExit") exitSlots.push(step.outputs[0] as number);
    }
    if (frame.parent === null) return { steps, plan: null };
    return {
      steps,
      plan: {
        name: frame.name,
        steps,
        enters,
        nextSlots,
        exitSlots,
        ownSlots: ownSlots.filter((s) => !exitSlots.includes(s)),
      },
    };
  };
  return compile(root).steps;
}

/**
 * The error for units that wait on each other: `path` is the depth-first path, its part
 * from `back` on a cycle. With a loop on it, the loop waits (through an op it reads, or a
 * control input of one of its ops) on an op that needs the loop's result. TensorFlow's
 * executor may get through such a graph, overlapping the loop's iterations (up to
 * `parallel_iterations`) with the ops outside; a loop runs here as one step, before which
 * all it waits on must be done.
 */
function cycleError(path: readonly (Operation | Frame)[], back: Operation | Frame): Error {
  const cycle = path.slice(path.indexOf(back));
  const nameOf = (u: Operation | Frame): string =>
    isFrame(u) ? `the loop '${u.name}'` : `'${u.name}'`;
  const at = cycle.findIndex(isFrame);
  if (at < 0) {
    return new InvalidArgumentError(
      `Graph is invalid, contains a cycle with ${cycle.length} nodes, including: ${cycle
        .map((u) => (u as Operation).name)
        .join(", ")}`,
    );
  }
  const loop = cycle[at] as Frame;
  const waitedOn = cycle[(at + 1) % cycle.length] as Operation | Frame;
  return new InvalidArgumentError(
    `The loop '${loop.name}' waits on ${nameOf(waitedOn)}, which needs the loop's own result ` +
      `(through ${cycle.length} ops and loops): a loop runs as one step, after all it waits on. ` +
      "TensorFlow's executor may get through such a graph by overlapping the loop's iterations " +
      "with the ops outside it, while the loop runs fewer iterations than its parallel_iterations.",
  );
}

function isFrame(u: Operation | Frame): u is Frame {
  return "children" in u;
}

function depth(f: Frame): number {
  let d = 0;
  for (let c = f.parent; c !== null; c = c.parent) d++;
  return d;
}
