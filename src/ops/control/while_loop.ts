import * as tfc from "@tensorflow/tfjs-core";
import { InternalError, InvalidArgumentError, ValueError } from "../../errors.js";
import {
  isWithinContext,
  loopValueMessage,
  outputContext,
  type ControlFlowContext,
} from "../../graph/control_flow.js";
import type { DType } from "../../graph/dtypes.js";
import { withDefaultGraph, type Graph } from "../../graph/graph.js";
import { GraphTable } from "../../graph/graph_table.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { graphFromValues, withNameScope } from "../../scope/name_scope.js";
import { identity } from "../math/unary.js";
import { registerOp, type KernelRuntime, type Stashable } from "../registry.js";
import { shareTensor } from "../tfjs_internals.js";
// `Enter` (the type of a loop body's captures) is registered with the other primitives.
import "./control_flow_ops.js";

/**
 * Loops over time as one op (TensorFlow 2's functional `While`, with the per-step
 * `TensorArray` reads and writes of `dynamic_rnn` built in). The body is ordinary ops of
 * the graph, created in a {@link LoopContext}; the `While` op runs them once per
 * iteration through the session (`KernelRuntime.runSubgraph`), feeding:
 *
 * - `time`: the iteration's time index (int32 scalar),
 * - `carried`: the loop variables (their initial values are the op's first inputs),
 * - `sliced`: row `time` of each `[T, ...]` input,
 * - captures: outer tensors the body reads (one `Enter` op each, fed the outer value),
 * - forward reads (gradient loops only): a forward loop's values at iteration `time`.
 *
 * and collecting the next `carried` values and, per iteration, the `stacked` outputs
 * (stacked into `[T, ...]`, zeros at times the loop did not reach, as a `TensorArray`
 * gives). A forward loop keeps the per-iteration values its gradient loops read
 * ({@link keptForGradients}), only in runs that compute a gradient.
 *
 * The spec is fixed when the `While` op is made, and kept beside the graph (not in the
 * op's attrs, which are TensorFlow's): {@link loopSpecOf}.
 */
export interface LoopSpec {
  readonly context: LoopContext;
  readonly time: Tensor;
  readonly carriedIn: readonly Tensor[];
  readonly carriedOut: readonly Tensor[];
  readonly slicedIn: readonly Tensor[];
  readonly stackedOut: readonly Tensor[];
  /** `Enter` outputs, in the order of the op's capture inputs. */
  readonly captureEntries: readonly Tensor[];
  /** Placeholders fed with the forward loop's kept values (gradient loops). */
  readonly forwardReads: readonly Tensor[];
  /** For each forward read: its index in the forward loop's {@link keptForGradients}. */
  readonly forwardReadIndex: readonly number[];
  /** Iterate from the last time index down to 0 (gradient loops). */
  readonly reverse: boolean;
  /** Whether the op has a `bound` input: stop once `time` reaches it. */
  readonly hasBound: boolean;
  /** The forward loop whose kept values this gradient loop reads, or `null`. */
  readonly forward: Operation | null;
}

/**
 * The body of a loop being built (TensorFlow's `WhileContext`): knows its outer tensors
 * (captured once each through an `Enter` op) and, for a gradient loop, turns reads of
 * the forward body's tensors into per-iteration reads of the values the forward loop
 * kept (TensorFlow pushes them on a stack; `StackPopV2` is what the names recall).
 */
export class LoopContext implements ControlFlowContext {
  readonly name: string;
  readonly outer: ControlFlowContext | null;
  readonly kind = "while" as const;
  readonly runsAsOneOp = true;
  /** Outer tensor → the `Enter` output standing for it in the body. */
  readonly captures = new Map<Tensor, Tensor>();
  readonly externalControls: Operation[] = [];
  /** Forward body tensor → the placeholder fed its value at each iteration. */
  readonly forwardReads = new Map<Tensor, { value: Tensor; index: number }>();
  /** Forward body constant → this body's copy of it. */
  private readonly constants = new Map<Tensor, Tensor>();

  constructor(
    private readonly graph: Graph,
    name: string,
    outer: ControlFlowContext | null,
    private readonly forwardOp: Operation | null,
  ) {
    this.name = name;
    this.outer = outer;
  }

  captureInput(t: Tensor, consumerName: string): Tensor {
    const own = outputContext(t.op);
    if (isWithinContext(this, own)) return this.enter(t, consumerName);
    const forwardOp = this.forwardOp;
    const forward = forwardOp === null ? null : loopSpecOf(forwardOp);
    if (forwardOp !== null && forward !== null && own === forward.context) {
      // A loop invariant is the same at every iteration: read the outer value itself.
      const entryIndex = forward.captureEntries.indexOf(t);
      if (entryIndex >= 0) {
        const source = [...forward.context.captures.keys()][entryIndex] as Tensor;
        return this.captureInput(source, consumerName);
      }
      // A constant is the same at every iteration too: this body gets its own copy.
      if (t.op.type === "Const") return this.copyConstant(t, consumerName);
      return this.readForward(forwardOp, t, consumerName);
    }
    throw new ValueError(loopValueMessage(t, consumerName));
  }

  addExternalControl(ops: readonly Operation[]): Operation[] {
    for (const op of ops) {
      if (!this.externalControls.includes(op)) this.externalControls.push(op);
    }
    return [];
  }

  private enter(t: Tensor, consumerName: string): Tensor {
    const existing = this.captures.get(t);
    if (existing !== undefined) return existing;
    const entry = this.placeholder("Enter", `${consumerName}/Enter`, t.dtype, t.shape, [t]);
    this.captures.set(t, entry);
    this.graph.onUndo(() => this.captures.delete(t));
    return entry;
  }

  private copyConstant(t: Tensor, consumerName: string): Tensor {
    const existing = this.constants.get(t);
    if (existing !== undefined) return existing;
    const graph = this.graph;
    const copy = graph.withControlFlowContext(this, () =>
      graph.createOp({
        type: "Const",
        name: `${uniqueAtRoot(graph, `${consumerName}/Const`)}/`,
        inputs: [],
        outputs: [{ dtype: t.dtype, shape: t.shape }],
        attrs: t.op.attrs,
      }),
    ).outputs[0] as Tensor;
    this.constants.set(t, copy);
    graph.onUndo(() => this.constants.delete(t));
    return copy;
  }

  private readForward(forwardOp: Operation, t: Tensor, consumerName: string): Tensor {
    const existing = this.forwardReads.get(t);
    if (existing !== undefined) return existing.value;
    const index = keepForGradients(forwardOp, t);
    const value = this.placeholder("LoopValue", `${consumerName}/StackPopV2`, t.dtype, t.shape, []);
    this.forwardReads.set(t, { value, index });
    this.graph.onUndo(() => this.forwardReads.delete(t));
    return value;
  }

  /** An op of this body whose value the loop feeds (never computed by a kernel). */
  placeholder(
    type: string,
    name: string,
    dtype: DType,
    shape: TensorShape,
    inputs: readonly Tensor[],
  ): Tensor {
    const graph = this.graph;
    const unique = uniqueAtRoot(graph, name);
    return graph.withControlFlowContext(this, () =>
      graph.createOp({
        type,
        name: `${unique}/`,
        inputs,
        outputs: [{ dtype, shape }],
        loopEntry: true,
      }),
    ).outputs[0] as Tensor;
  }
}

/** `name` (a full name, not relative to the current name scope) made unique. */
function uniqueAtRoot(graph: Graph, name: string): string {
  const saved = graph.nameStack;
  graph.setNameStack("");
  try {
    return graph.uniqueName(name);
  } finally {
    graph.setNameStack(saved);
  }
}

/** What a loop body receives. */
export interface LoopBodyArgs {
  /** The time index (int32 scalar). */
  time: Tensor;
  /** The loop variables' values at this iteration. */
  carried: Tensor[];
  /** Row `time` of each sliced input. */
  sliced: Tensor[];
}

/** What a loop body returns. */
export interface LoopBodyResult {
  /** The loop variables' next values: same dtypes and compatible shapes. */
  carried: readonly Tensor[];
  /** Values to stack over time into `[T, ...]` outputs. */
  stacked: readonly Tensor[];
}

/** Options of {@link scanLoop}. */
export interface ScanLoopOptions {
  /** The loop's name scope (default `"while"`). */
  name?: string;
  /** The loop variables' initial values. */
  carried: readonly Tensor[];
  /** `[T, ...]` inputs read one row per iteration; T is the loop's length. */
  sliced?: readonly Tensor[];
  /** An int32 scalar: the loop stops once `time` reaches it (and at T in any case). */
  bound?: Tensor | null;
  body: (args: LoopBodyArgs) => LoopBodyResult;
  /** Names of the body's inputs (TensorFlow's: `Identity_1`, `TensorArrayReadV3`). */
  argNames?: { time?: string; carried?: readonly string[]; sliced?: readonly string[] };
  /** Internal: the forward loop a gradient loop runs backwards over. */
  forward?: Operation | null;
}

/** What {@link scanLoop} returns: outer tensors. */
export interface ScanLoopResult {
  /** The loop variables' final values. */
  carried: Tensor[];
  /** The stacked outputs, `[T, ...]`. */
  stacked: Tensor[];
  /** How many iterations ran (int32 scalar). */
  iterations: Tensor;
  /** The `While` op. */
  op: Operation;
  /** The loop's name scope (`"rnn/while/"`). */
  scope: string;
}

/**
 * Builds a loop over time: the body is built once, as ops that run once per iteration,
 * sharing every variable it reads across iterations; gradients flow through it (a
 * gradient loop runs the body's gradient backwards over the values kept per iteration).
 * Internal building block of `dynamicRnn`.
 *
 * @example
 * ```ts
 * const xs = tf.placeholder(tf.float32, [null, 3]); // T rows
 * const { carried: [sum] } = scanLoop({
 *   carried: [tf.zeros([3])],
 *   sliced: [xs],
 *   body: ({ carried: [acc], sliced: [x] }) => ({ carried: [tf.add(acc, x)], stacked: [] }),
 * });
 * using sess = new tf.Session();
 * sess.run(sum, new Map([[xs, [[1, 2, 3], [4, 5, 6]]]])); // ==> [5. 7. 9.]
 * ```
 */
export function scanLoop(options: ScanLoopOptions): ScanLoopResult {
  const sliced = options.sliced ?? [];
  const graph = graphFromValues([...options.carried, ...sliced, options.bound ?? null]);
  return withDefaultGraph(graph, () =>
    graph.atomically(() =>
      withNameScope(graph, options.name ?? "while", (scope) =>
        buildLoop(graph, scope, options, sliced),
      ),
    ),
  );
}

function buildLoop(
  graph: Graph,
  scope: string,
  options: ScanLoopOptions,
  sliced: readonly Tensor[],
): ScanLoopResult {
  const forwardOp = options.forward ?? null;
  const forward = forwardOp === null ? null : loopSpecOf(forwardOp);
  const ctx = new LoopContext(graph, scope, graph.controlFlowContext, forwardOp);
  const names = options.argNames ?? {};
  const steps = loopLength(sliced);

  const time = ctx.placeholder(
    "LoopArg",
    scope + (names.time ?? "time"),
    "int32",
    TensorShape.scalar(),
    [],
  );
  const carriedIn = options.carried.map((init, i) =>
    ctx.placeholder(
      "LoopArg",
      scope + (names.carried?.[i] ?? "carried"),
      init.dtype,
      init.shape,
      [],
    ),
  );
  const slicedIn = sliced.map((x, i) => {
    const dims = x.shape.dims;
    const shape = dims === null ? TensorShape.unknown() : new TensorShape(dims.slice(1));
    return ctx.placeholder("LoopArg", scope + (names.sliced?.[i] ?? "sliced"), x.dtype, shape, []);
  });

  const result = graph.withControlFlowContext(ctx, () => {
    const out = options.body({ time, carried: carriedIn, sliced: slicedIn });
    // A body output computed outside the body still has to be produced by it.
    const inBody = (t: Tensor): Tensor => (t.op.controlFlowContext === ctx ? t : identity(t));
    return { carried: out.carried.map(inBody), stacked: out.stacked.map(inBody) };
  });
  checkCarried(options.carried, carriedIn, result.carried);

  const captureSources = [...ctx.captures.keys()];
  const reads = [...ctx.forwardReads.values()];
  const spec: LoopSpec = {
    context: ctx,
    time,
    carriedIn,
    carriedOut: result.carried,
    slicedIn,
    stackedOut: result.stacked,
    captureEntries: [...ctx.captures.values()],
    forwardReads: reads.map((r) => r.value),
    forwardReadIndex: reads.map((r) => r.index),
    reverse: forward !== null,
    hasBound: options.bound !== undefined && options.bound !== null,
    forward: forwardOp,
  };
  const inputs = [
    ...options.carried,
    ...sliced,
    ...(spec.hasBound ? [options.bound as Tensor] : []),
    ...(forwardOp !== null ? [forwardOp.outputs[forwardOp.outputs.length - 1] as Tensor] : []),
    ...captureSources,
  ];
  const length = forward !== null ? forwardLength(forwardOp as Operation) : steps;
  const op = graph.createOp({
    type: "While",
    name: `${graph.uniqueName("Loop")}/`,
    inputs,
    outputs: [
      ...carriedIn.map((t) => ({ dtype: t.dtype, shape: t.shape })),
      ...result.stacked.map((t) => ({ dtype: t.dtype, shape: stackedShape(length, t.shape) })),
      { dtype: "int32" as const, shape: TensorShape.scalar() },
      // A handle to the values kept for gradient loops (TensorFlow's accumulators).
      { dtype: "int32" as const, shape: TensorShape.scalar() },
    ],
  });
  LOOP_SPECS.set(graph, op, spec);
  for (const c of ctx.externalControls) {
    if (!op.controlInputs.includes(c)) op.controlInputs.push(c);
  }
  const outs = op.outputs;
  const nc = carriedIn.length;
  const ns = result.stacked.length;
  return {
    carried: outs.slice(0, nc),
    stacked: outs.slice(nc, nc + ns),
    iterations: outs[nc + ns] as Tensor,
    op,
    scope,
  };
}

/** The static T of the sliced inputs; they must agree. */
function loopLength(sliced: readonly Tensor[]): Dim {
  let length: Dim = null;
  for (const x of sliced) {
    const dims = x.shape.dims;
    if (dims !== null && dims.length === 0) {
      throw new ValueError(`Shape ${x.shape.toString()} must have rank at least 1`);
    }
    const d = dims === null ? null : (dims[0] ?? null);
    if (d !== null && length !== null && d !== length) {
      throw new ValueError(
        "Time steps is not the same for all the elements in the input in a batch.",
      );
    }
    length = length ?? d;
  }
  return length;
}

function forwardLength(forwardOp: Operation): Dim {
  const spec = loopSpecOf(forwardOp);
  const stacked = forwardOp.outputs[spec.carriedIn.length];
  if (stacked !== undefined && spec.stackedOut.length > 0) return stacked.shape.dims?.[0] ?? null;
  const sliced = forwardOp.inputs[spec.carriedIn.length];
  return spec.slicedIn.length > 0 ? (sliced?.shape.dims?.[0] ?? null) : null;
}

function stackedShape(length: Dim, element: TensorShape): TensorShape {
  return element.dims === null ? TensorShape.unknown() : new TensorShape([length, ...element.dims]);
}

/** TensorFlow's checks that a loop variable keeps its dtype and shape across iterations. */
function checkCarried(
  init: readonly Tensor[],
  carriedIn: readonly Tensor[],
  next: readonly Tensor[],
): void {
  if (next.length !== init.length) {
    throw new ValueError(
      `The two structures don't have the same number of elements. First structure: ${init.length} elements, second structure: ${next.length} elements.`,
    );
  }
  next.forEach((n, i) => {
    const entered = carriedIn[i] as Tensor;
    if (n.dtype !== entered.dtype) {
      throw new ValueError(
        `Input '${entered.name}' has type ${entered.dtype}, but the body returns type ${n.dtype} for it.`,
      );
    }
    const a = entered.shape;
    if (
      a.dims !== null &&
      !(n.shape.dims !== null && a.isCompatibleWith(n.shape) && moreSpecific(n.shape, a))
    ) {
      throw new ValueError(
        `Input tensor '${entered.name}' enters the loop with shape ${a.toString()}, but has shape ${n.shape.toString()} after one iteration. To allow the shape to vary across iterations, use the \`shape_invariants\` argument of tf.while_loop to specify a less-specific shape.`,
      );
    }
  });
}

/** Whether every dimension `b` knows, `a` knows too (TF's `_ShapeLessThanOrEqual`). */
function moreSpecific(a: TensorShape, b: TensorShape): boolean {
  const ad = a.dims as Dim[];
  const bd = b.dims as Dim[];
  if (ad.length !== bd.length) return false;
  return bd.every((d, i) => d === null || d === ad[i]);
}

const LOOP_SPECS = new GraphTable<Operation, LoopSpec>("loop specs");

/** The spec of a `While` op. */
export function loopSpecOf(op: Operation): LoopSpec {
  const spec = op.type === "While" ? LOOP_SPECS.get(op.graph, op) : undefined;
  if (spec === undefined) throw new InternalError(`${op.name} is not a loop.`);
  return spec;
}

const KEPT_FOR_GRADIENTS = new GraphTable<Operation, readonly Tensor[]>("loop values kept");

/**
 * The body tensors of a forward loop whose value at each iteration the loop keeps for its
 * gradient loops (TensorFlow pushes them on stacks). Grows while gradients are built.
 */
export function keptForGradients(forwardOp: Operation): readonly Tensor[] {
  return KEPT_FOR_GRADIENTS.get(forwardOp.graph, forwardOp) ?? [];
}

/** Makes a forward loop keep `t` for its gradient loops; returns its index among the kept. */
function keepForGradients(forwardOp: Operation, t: Tensor): number {
  const kept = keptForGradients(forwardOp);
  const index = kept.indexOf(t);
  if (index >= 0) return index;
  KEPT_FOR_GRADIENTS.set(forwardOp.graph, forwardOp, [...kept, t]);
  return kept.length;
}

/** The per-iteration values a forward loop kept: `values[time][accumulateIndex]`. */
class KeptValues implements Stashable {
  constructor(
    readonly values: tfc.Tensor[][],
    readonly iterations: number,
    readonly length: number,
  ) {}

  dispose(): void {
    for (const row of this.values) for (const t of row ?? []) t.dispose();
    this.values.length = 0;
  }
}

/**
 * A loop-carried value that the runtime computes after the loop instead of at every
 * iteration (a session plan pass finds them: see `session/loop_passes.ts`); its body
 * computation is then not run.
 */
export interface DeferredSum {
  /** The index of the carried value. */
  readonly carried: number;
  /**
   * The final value, from the initial one and `rows(k)`: the values of the rewrite's
   * `perIteration[k]` at every iteration run, each flattened to a matrix
   * `[-1, lastDim]`, concatenated. Must not dispose its arguments or what `rows` gives.
   */
  readonly finish: (initial: tfc.Tensor, rows: (k: number) => tfc.Tensor) => tfc.Tensor;
}

/** How a plan pass asks a `While` op to run (see {@link runWhile}). */
export interface LoopRewrite {
  /** Body tensors whose value at each iteration the deferred sums need. */
  readonly perIteration: readonly Tensor[];
  readonly deferredSums: readonly DeferredSum[];
}

/**
 * Runs a `While` op: the op's kernel, with the rewrite a session plan pass chose (`null`:
 * none). The outputs are the same either way.
 */
export function runWhile(
  inputs: readonly tfc.Tensor[],
  op: Operation,
  runtime: KernelRuntime,
  rewrite: LoopRewrite | null,
): tfc.Tensor[] {
  const spec = loopSpecOf(op);
  const nc = spec.carriedIn.length;
  const nsl = spec.slicedIn.length;
  const nst = spec.stackedOut.length;
  let k = 0;
  const carriedInit = inputs.slice(k, (k += nc));
  const sliced = inputs.slice(k, (k += nsl));
  const bound = spec.hasBound ? (inputs[k++] as tfc.Tensor).dataSync()[0] : Infinity;
  const kept =
    spec.forward !== null
      ? (runtime.stashed((inputs[k++] as tfc.Tensor).dataSync()[0] as number) as KeptValues)
      : null;
  const captures = inputs.slice(k);

  let length: number;
  let iterations: number;
  if (kept !== null) {
    length = kept.length;
    iterations = kept.iterations;
  } else {
    length = nsl > 0 ? ((sliced[0] as tfc.Tensor).shape[0] as number) : (bound as number);
    if (!Number.isFinite(length)) {
      throw new InvalidArgumentError("A loop needs sliced inputs or a bound.");
    }
    iterations = Math.max(0, Math.min(length, bound as number));
  }
  for (const x of sliced) {
    if (x.shape[0] !== length) {
      throw new InvalidArgumentError(
        "Time steps is not the same for all the elements in the input in a batch.",
      );
    }
  }

  const toKeep = keptForGradients(op);
  const keep = toKeep.length > 0 && runtime.outputWanted(nc + nst + 1);
  const accumulate = keep ? toKeep.slice() : [];
  // A sum whose per-iteration value is kept for a gradient loop must be computed as is.
  const deferred = (rewrite?.deferredSums ?? []).filter(
    (d) => !accumulate.includes(spec.carriedOut[d.carried] as Tensor),
  );
  const deferredAt = new Set(deferred.map((d) => d.carried));
  const live = Array.from({ length: nc }, (_, i) => i).filter((i) => !deferredAt.has(i));
  const extra = deferred.length > 0 ? (rewrite?.perIteration ?? []) : [];
  const plan = runtime.prepareSubgraph(
    [...live.map((i) => spec.carriedOut[i] as Tensor), ...spec.stackedOut, ...accumulate, ...extra],
    [spec.time, ...spec.carriedIn, ...spec.slicedIn, ...spec.captureEntries, ...spec.forwardReads],
    spec.captureEntries,
  );
  const nl = live.length;
  const rows = sliced.map((x) => (iterations > 0 ? tfc.unstack(x) : []));
  const stacked: tfc.Tensor[][] = spec.stackedOut.map(() => []);
  const keptRows: tfc.Tensor[][] = [];
  const extraRows: tfc.Tensor[][] = [];
  // The carried values: the initial ones (the caller's) until the first iteration ends.
  const carried: tfc.Tensor[] = carriedInit.slice();
  let ownsCarried = false;
  const disposeLive = (): void => {
    if (ownsCarried) for (const i of live) (carried[i] as tfc.Tensor).dispose();
  };
  try {
    for (let i = 0; i < iterations; i++) {
      const t = spec.reverse ? iterations - 1 - i : i;
      const time = tfc.scalar(t, "int32");
      const feeds: tfc.Tensor[] = [time, ...carried];
      for (const r of rows) feeds.push(r[t] as tfc.Tensor);
      feeds.push(...captures);
      if (kept !== null) {
        const row = kept.values[t] as tfc.Tensor[];
        for (const j of spec.forwardReadIndex) feeds.push(row[j] as tfc.Tensor);
      }
      let outs: tfc.Tensor[];
      try {
        outs = runtime.runSubgraph(plan, feeds);
      } finally {
        time.dispose();
      }
      disposeLive();
      live.forEach((c, j) => {
        carried[c] = outs[j] as tfc.Tensor;
      });
      ownsCarried = true;
      for (let j = 0; j < nst; j++) (stacked[j] as tfc.Tensor[])[t] = outs[nl + j] as tfc.Tensor;
      if (keep) keptRows[t] = outs.slice(nl + nst, nl + nst + accumulate.length);
      extraRows.push(outs.slice(nl + nst + accumulate.length));
    }
    const finalCarried = carried.map((c, i) =>
      ownsCarried && !deferredAt.has(i) ? c : shareTensor(c),
    );
    ownsCarried = false;
    // Without iterations a deferred sum keeps its initial value, as the loop would.
    if (deferred.length > 0 && extraRows.length > 0) {
      const concatenated = new Map<number, tfc.Tensor>();
      const rowsOf = (k: number): tfc.Tensor => {
        let m = concatenated.get(k);
        if (m === undefined) {
          // Kept: `finish` may first ask inside its own `tidy`, and later sums reuse it.
          m = tfc.tidy(() => {
            const parts = extraRows.map((r) => {
              const v = r[k] as tfc.Tensor;
              return tfc.reshape(v, [-1, v.shape[v.rank - 1] as number]);
            });
            return tfc.keep(
              parts.length === 1 ? tfc.clone(parts[0] as tfc.Tensor) : tfc.concat(parts, 0),
            );
          });
          concatenated.set(k, m);
        }
        return m;
      };
      try {
        for (const d of deferred) {
          const own = finalCarried[d.carried] as tfc.Tensor;
          finalCarried[d.carried] = d.finish(own, rowsOf);
          own.dispose();
        }
      } finally {
        for (const m of concatenated.values()) m.dispose();
      }
    }
    const stackedValues = stacked.map((parts, j) =>
      stackOverTime(parts, length, spec.stackedOut[j] as Tensor),
    );
    const handle = runtime.stash(new KeptValues(keptRows, iterations, length));
    return [
      ...finalCarried,
      ...stackedValues,
      tfc.scalar(iterations, "int32"),
      tfc.scalar(handle, "int32"),
    ];
  } catch (e) {
    disposeLive();
    for (const parts of stacked) for (const p of parts) p?.dispose();
    for (const row of keptRows) for (const p of row ?? []) p.dispose();
    throw e;
  } finally {
    for (const r of rows) for (const x of r) x.dispose();
    for (const row of extraRows) for (const x of row) x.dispose();
    runtime.finishSubgraph(plan);
  }
}

/** `TensorArray.stack()`: rows the loop did not write are zeros. Frees `parts`. */
function stackOverTime(parts: tfc.Tensor[], length: number, element: Tensor): tfc.Tensor {
  const written = parts.find((p) => p !== undefined);
  let shape: number[];
  if (written !== undefined) {
    shape = written.shape;
  } else {
    if (!element.shape.isFullyDefined()) {
      throw new InvalidArgumentError(
        `TensorArray has size zero, but element shape ${element.shape.toRuntimeString()} is not fully defined. Currently only static shapes are supported when packing zero-size TensorArrays.`,
      );
    }
    shape = element.shape.dims as number[];
  }
  if (length === 0) return tfc.zeros([0, ...shape], element.dtype as tfc.DataType);
  const zeros: tfc.Tensor[] = [];
  const rows = new Array<tfc.Tensor>(length);
  for (let t = 0; t < length; t++) {
    let p = parts[t];
    if (p === undefined) {
      p = tfc.zeros(shape, element.dtype as tfc.DataType);
      zeros.push(p);
    }
    rows[t] = p;
  }
  try {
    return tfc.stack(rows);
  } finally {
    for (const p of parts) p?.dispose();
    for (const z of zeros) z.dispose();
  }
}

function fedByLoop(_inputs: readonly tfc.Tensor[], op: Operation): tfc.Tensor[] {
  throw new InternalError(`${op.name} is fed by its loop and never computed on its own.`);
}

// scopeflow's own loop machinery: TensorFlow's functional `While` takes `cond`/`body`
// functions from a FunctionDefLibrary; this one and its LoopArg/LoopValue feeds take ops
// of the graph itself, so they have no TensorFlow form and graph export refuses them.
const LOOP_OP =
  "scopeflow's dynamic_rnn loop (body ops in the graph, run by the loop op); TensorFlow " +
  "builds the same loop from Enter/Merge/Switch/NextIteration/Exit ops";
registerOp({
  type: "While",
  opDef: { scopeflowOnly: LOOP_OP },
  kernel: (inputs, op, runtime) => runWhile(inputs, op, runtime, null),
  stateful: true,
});
registerOp({ type: "LoopArg", opDef: { scopeflowOnly: LOOP_OP }, kernel: fedByLoop });
registerOp({ type: "LoopValue", opDef: { scopeflowOnly: LOOP_OP }, kernel: fedByLoop });
