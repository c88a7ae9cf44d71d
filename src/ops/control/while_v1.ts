import { InvalidArgumentError, ValueError } from "../../errors.js";
import {
  isWithinContext,
  outputContext,
  whileContextOf,
  type ControlFlowContext,
} from "../../graph/control_flow.js";
import { GraphKeys, type Graph } from "../../graph/graph.js";
import type { Operation } from "../../graph/operation.js";
import { Tensor, type TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim, type ShapeLike } from "../../graph/tensor_shape.js";
import {
  anyKind,
  booleanKind,
  intKind,
  opt,
  req,
  stringKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { constant } from "../array/constant.js";
import { binaryOp } from "../math/binary.js";
import { pythonOperator } from "../math/operators.js";
import { identity } from "../math/unary.js";
import { inOpScope } from "../op_scope.js";
import {
  enterOp,
  exitOp,
  loopCondOp,
  mergeOp,
  nextIterationOp,
  refIdentityOp,
  switchOp,
} from "./control_flow_ops.js";
import { uniqueAtRoot } from "./cond.js";
import { flowOf, withArraysOf } from "./tensor_array.js";
import { stripNameScope } from "../../graph/name_scopes.js";
import { registerNested, valuesDef, type ContextWithDef } from "./context_def.js";
import type { tensorflow } from "../../proto/index.js";
import {
  flatten,
  isSequence,
  packSequenceAs,
  sameStructure,
  structureMismatch,
} from "../../graph/nest.js";

/**
 * What a gradient loop knows of the forward loop it runs backwards over (TensorFlow's
 * `GradLoopState`): reads of the forward body's values become pops of stacks the forward
 * loop pushes them on.
 */
export interface GradLoopState {
  /** The forward loop. */
  readonly forward: WhileContext;
  /** `value` (a tensor of the forward loop) as the gradient loop reads it. */
  realValue(value: Tensor, consumerName: string): Tensor;
}

/**
 * The body of a `tf.whileLoop` being built (TensorFlow's `WhileContext`): its ops run once
 * per iteration in the frame `frameName`. An outer tensor the body or the condition reads
 * enters through an `Enter` with `is_constant` (made once per tensor, named after the first
 * reader: `while/add/Enter`; a `RefEnter` for a variable an op assigns to); an op that would otherwise run regardless of the iteration
 * (no inputs, or only loop invariants) waits on the loop's pivot.
 */
export class WhileContext implements ContextWithDef {
  readonly kind = "while" as const;
  readonly outer: ControlFlowContext | null;
  /** The frame's name (`while/while_context`), the `frame_name` of its `Enter`s. */
  readonly frameName: string;
  /** Outer tensor → the `Enter` output standing for it. */
  readonly external = new Map<Tensor, Tensor>();
  /** The loop's parts, filled while it is built. */
  readonly enters: Tensor[] = [];
  readonly merges: Tensor[] = [];
  readonly switches: [Tensor, Tensor][] = [];
  readonly identities: Tensor[] = [];
  readonly nextIterations: Tensor[] = [];
  readonly exits: Tensor[] = [];
  pivot: Tensor | null = null;
  pivotForPred: Tensor | null = null;
  pivotForBody: Tensor | null = null;
  /** The `maximum_iterations` tensor the loop was given, if any. */
  maximumIterations: Tensor | null = null;
  readonly nested: ContextWithDef[] = [];

  constructor(
    private readonly graph: Graph,
    /** The loop's name scope (`while/`). */
    readonly name: string,
    readonly parallelIterations: number,
    readonly backProp: boolean,
    readonly swapMemory: boolean,
    /** For a gradient loop: the forward loop's state. */
    readonly gradState: GradLoopState | null = null,
    /** The frame's name as a meta graph recorded it (a loop rebuilt on import). */
    frameName: string | null = null,
  ) {
    this.outer = graph.controlFlowContext;
    this.frameName = frameName ?? graph.uniqueName("while_context");
    registerNested(graph, this);
  }

  /**
   * TF's `WhileContext.to_proto(export_scope)`: the loop as a `WhileContextDef` (names
   * without `exportScope/`), or `null` if the loop is outside `exportScope`.
   */
  toProto(exportScope: string | null = null): tensorflow.WhileContextDef.$Shape | null {
    if (exportScope !== null && exportScope !== "" && !this.frameName.startsWith(exportScope)) {
      return null;
    }
    const strip = (t: Tensor | null): string =>
      t === null ? "" : stripNameScope(t.name, exportScope);
    return {
      contextName: stripNameScope(this.frameName, exportScope),
      parallelIterations: this.parallelIterations,
      backProp: this.backProp,
      swapMemory: this.swapMemory,
      pivotName: strip(this.pivot),
      pivotForPredName: strip(this.pivotForPred),
      pivotForBodyName: strip(this.pivotForBody),
      loopExitNames: this.exits.map((t) => strip(t)),
      loopEnterNames: this.enters.map((t) => strip(t)),
      valuesDef: valuesDef(this.graph, this, this.external, [], exportScope),
      ...(this.maximumIterations === null
        ? {}
        : { maximumIterationsName: strip(this.maximumIterations) }),
      nestedContexts: this.nested.map((c) => c.toControlFlowContextDef(exportScope)),
    };
  }

  /** `to_control_flow_context_def`: this loop as a nested context. */
  toControlFlowContextDef(exportScope: string | null): tensorflow.ControlFlowContextDef.$Shape {
    return { whileCtxt: this.toProto(exportScope) ?? {} };
  }

  /** The op that ops without other inputs wait on (`GetControlPivot`). */
  controlPivot(): Tensor | null {
    return this.pivotForBody ?? this.pivotForPred;
  }

  captureInput(t: Tensor, consumerName: string): Tensor {
    const own = outputContext(t.op);
    if (own !== null && isWithinContext(own, this)) {
      if (whileContextOf(own) !== this) throw differentLoops(t, consumerName);
      return t;
    }
    const known = this.external.get(t);
    if (known !== undefined) return known;
    const gradState = this.gradState;
    if (gradState !== null) {
      const forward = whileContextOf(own);
      if (forward !== null && isWithinContext(forward, gradState.forward)) {
        const real = gradState.realValue(t, consumerName);
        this.remember(t, real);
        return real;
      }
    }
    let value = t;
    if (this.outer !== null && own !== this.outer) {
      value = this.outer.captureInput(t, consumerName);
    } else if (this.outer === null && whileContextOf(own) !== null) {
      throw differentLoops(t, consumerName);
    }
    // A variable's reference enters as a reference (`RefEnter`), read where it is used.
    const entered = this.enter(value, `${consumerName}/Enter`, true);
    this.remember(t, entered);
    return entered;
  }

  private remember(t: Tensor, value: Tensor): void {
    this.external.set(t, value);
    this.graph.onUndo(() => this.external.delete(t));
  }

  /**
   * An `Enter` of `value` into this loop's frame (`_Enter`), named `name` (made unique);
   * without `useInputShape` its shape is unknown until set (a shape invariant). The `Enter`
   * takes no control dependencies (`ops.control_dependencies(None)`, as `AddValue` and
   * `BuildLoop` make theirs) unless `keepControlDependencies` (the `_Enter`s of gradient
   * loops, which TensorFlow makes in the `tf.gradients` call's own blocks).
   */
  enter(
    value: Tensor,
    name: string,
    isConstant: boolean,
    useInputShape = true,
    keepControlDependencies = false,
  ): Tensor {
    return enterOp(
      value,
      {
        frameName: this.frameName,
        isConstant,
        parallelIterations: this.parallelIterations,
      },
      {
        name: `${uniqueAtRoot(this.graph, name)}/`,
        context: this,
        asIs: true,
        useInputShape,
        keepControlDependencies,
      },
    );
  }

  addExternalControl(ops: readonly Operation[]): Operation[] {
    // TensorFlow pulls an outer control input in as data through an `Enter` (ops without
    // outputs are dropped, as there).
    const pulled = this.graph.controlDependencies(null, () =>
      ops
        .filter((c) => c.outputs.length > 0)
        .map((c) =>
          this.graph.withControlFlowContext(this, () => identity(c.outputs[0] as Tensor).op),
        ),
    );
    for (const p of pulled) this.externalControls.add(p);
    return pulled;
  }

  /** The `Identity`s {@link addExternalControl} made: outer control inputs, pulled in. */
  private readonly externalControls = new WeakSet<Operation>();

  opCreated(op: Operation): void {
    const pivot = this.controlPivot();
    if (pivot === null) return;
    // TF's `_AddOpInternal` decides on the pivot with the outer control inputs removed,
    // then adds their `Identity`s after it: a constant of a loop built under
    // `tf.controlDependencies` waits on both.
    const own = op.controlInputs.filter((c) => !this.externalControls.has(c));
    if (op.inputs.length === 0) {
      if (own.some((c) => isWithinContext(c.controlFlowContext, this))) return;
    } else {
      if (own.length > 0) return;
      if (!op.inputs.every((x) => isLoopConstantEnter(x.op))) return;
    }
    this.graph._addControlInput(op, pivot.op);
    const list = op.controlInputs;
    if (list.length > 1) list.unshift(list.pop() as Operation);
  }
}

function differentLoops(t: Tensor, consumerName: string): ValueError {
  return new ValueError(
    `Cannot use '${t.op.name}' as input to '${consumerName}' because they are in different while loops. See info log for more details.`,
  );
}

/** Whether `op` is an `Enter` (or `RefEnter`) of a loop invariant. */
export function isLoopConstantEnter(op: Operation): boolean {
  return (
    (op.type === "Enter" || op.type === "RefEnter") &&
    op.attrs.is_constant === true &&
    op.attrs.frame_name !== undefined
  );
}

/** A loop function: takes the loop variables, returns the condition or their next values. */
export type LoopFn = (...args: never[]) => unknown;

const fnKind = anyKind<LoopFn>("a callable", false);

/**
 * TF 1.15's `while_loop(cond, body, loop_vars, shape_invariants=None,
 * parallel_iterations=10, back_prop=True, swap_memory=False, name=None,
 * maximum_iterations=None, return_same_structure=False)`.
 */
const WHILE_LOOP_PARAMS = [
  req("cond", fnKind),
  req("body", fnKind),
  req("loopVars", anyKind<unknown>("a list of loop variables", false)),
  opt("shapeInvariants", anyKind<unknown>("shapes", false)),
  opt("parallelIterations", intKind),
  opt("backProp", booleanKind),
  opt("swapMemory", booleanKind),
  opt("name", stringKind),
  opt("maximumIterations", anyKind<TensorLike>("a Tensor")),
  opt("returnSameStructure", booleanKind),
] as const;

/** The options object of {@link whileLoop}. */
export type WhileLoopOptions = OptionsOf<typeof WHILE_LOOP_PARAMS>;

/**
 * Repeats `body` while `cond` is true (`tf.while_loop`), as TensorFlow 1.15 builds it: per
 * loop variable `while/Enter`, `while/Merge`, `while/Switch` on `while/LoopCond`,
 * `while/Identity` (what the body sees), `while/NextIteration` and `while/Exit`; outer
 * tensors the functions read enter once each (`Enter` with `is_constant`). `loopVars` is a
 * list (of tensors, or nested arrays/objects of them); `cond` and `body` take its elements
 * as arguments and `body` returns their next values in the same structure. Shapes must stay
 * as they entered unless `shapeInvariants` allows them to vary; `maximumIterations` bounds
 * the iterations. The result has the structure of `loopVars` (a single variable unpacked,
 * unless `returnSameStructure`).
 *
 * @example
 * ```ts
 * const [i, total] = tf.whileLoop(
 *   (i: tf.Tensor) => tf.less(i, 5),
 *   (i: tf.Tensor, total: tf.Tensor) => [tf.add(i, 1), tf.add(total, i)],
 *   [tf.constant(0), tf.constant(0)],
 * ) as tf.Tensor[];
 * using sess = new tf.Session();
 * sess.run(total); // ==> 10.0
 * ```
 */
export const whileLoop = tfFunction("whileLoop", WHILE_LOOP_PARAMS, (a) => {
  const loopVars = a.loopVars;
  if (!Array.isArray(loopVars)) {
    throw new TypeError("loop_vars must be a list (or tuple) of loop variables.");
  }
  if (loopVars.length === 0) throw new ValueError("No loop variables provided");
  if (typeof a.cond !== "function") throw new TypeError("cond must be callable.");
  if (typeof a.body !== "function") throw new TypeError("body must be callable.");
  const parallelIterations = a.parallelIterations ?? 10;
  if (parallelIterations < 1) {
    throw new TypeError("parallel_iterations must be a positive integer.");
  }
  return inOpScope(a.name, "while", flatten<unknown>(loopVars), (scope, graph) => {
    let vars: unknown[] = loopVars as unknown[];
    let condFn = a.cond as (...args: unknown[]) => unknown;
    let bodyFn = a.body as (...args: unknown[]) => unknown;
    let invariants = a.shapeInvariants;
    const returnSameStructure = a.returnSameStructure ?? false;
    const bounded = a.maximumIterations !== undefined && a.maximumIterations !== null;
    let maximumIterations: Tensor | null = null;
    if (bounded) {
      // A whole JS number is Python's int: an int32 count, as TF converts it.
      const given = a.maximumIterations;
      const maxIter = convertToTensor(given, {
        name: "maximum_iterations",
        ...(typeof given === "number" && Number.isInteger(given) ? { dtype: "int32" } : {}),
      });
      if (maxIter.shape.rank !== 0) {
        throw new ValueError(
          `maximum_iterations must be a scalar, saw shape: ${maxIter.shape.toString()}`,
        );
      }
      const counter = constant(0, { dtype: maxIter.dtype, name: "iteration_counter" });
      const pack = vars.length === 1 && !returnSameStructure;
      const origCond = condFn;
      const origBody = bodyFn;
      const inner = pack ? vars[0] : vars;
      const spread = (lv: unknown): unknown[] => (pack ? [lv] : (lv as unknown[]));
      vars = [counter, inner];
      condFn = (i, lv) =>
        binaryOp(
          "LogicalAnd",
          "LogicalAnd",
          binaryOp("Less", "Less", i as Tensor, maxIter),
          convertToTensor(origCond(...spread(lv)) as TensorLike),
        );
      bodyFn = (i, lv) => [pythonOperator("add", i as Tensor, 1), origBody(...spread(lv))];
      if (invariants !== undefined) invariants = [TensorShape.scalar(), invariants];
      maximumIterations = maxIter;
    }
    const result = buildLoop(graph, scope, {
      cond: condFn,
      body: bodyFn,
      loopVars: vars,
      shapeInvariants: invariants,
      parallelIterations,
      backProp: a.backProp ?? true,
      swapMemory: a.swapMemory ?? false,
      returnSameStructure: returnSameStructure || bounded,
      maximumIterations,
    });
    return bounded ? (result as unknown[])[1] : result;
  });
});

interface LoopArgs {
  cond: (...args: unknown[]) => unknown;
  body: (...args: unknown[]) => unknown;
  loopVars: unknown[];
  shapeInvariants: unknown;
  parallelIterations: number;
  backProp: boolean;
  swapMemory: boolean;
  returnSameStructure: boolean;
  maximumIterations: Tensor | null;
}

/** The while context of the loop `op` (an op of its frame) belongs to, if one. */
export function whileContextOfOp(op: Operation): WhileContext | null {
  const ctx = whileContextOf(op.controlFlowContext);
  return ctx instanceof WhileContext ? ctx : null;
}

/** `BuildLoop`: the loop's ops, from the loop variables' tensors. */
function buildLoop(graph: Graph, scope: string, args: LoopArgs): unknown {
  // A TensorArray loop variable is carried as its flow (`_convert_tensorarray_to_flow`).
  const origFlat = flatten<unknown>(args.loopVars);
  const flatVars = origFlat.map(flowOf);
  const shapes =
    args.shapeInvariants === undefined || args.shapeInvariants === null
      ? null
      : shapeLeaves(args.loopVars, args.shapeInvariants);
  const ctx = new WhileContext(
    graph,
    scope,
    args.parallelIterations,
    args.backProp,
    args.swapMemory,
  );
  ctx.maximumIterations = args.maximumIterations;
  // Only top-level loops: a nested one is described inside the context around it.
  if (ctx.outer === null) graph.addItem(GraphKeys.WHILE_CONTEXT, ctx);
  const outer = ctx.outer;
  const opScope = scope.endsWith("/") ? scope.slice(0, -1) : scope;
  const realVars = flatVars.map((x) =>
    outer !== null && outputContext(x.op) !== outer ? outer.captureInput(x, opScope) : x,
  );
  const enters = realVars.map((x) => ctx.enter(x, `${opScope}/Enter`, false, shapes === null));
  // Loop invariants of an enclosing loop enter after its pivot.
  let outerPivot: Tensor | null = null;
  for (let c = outer; c !== null && outerPivot === null; c = c.outer) {
    if (c instanceof WhileContext) outerPivot = c.controlPivot();
    else if ("pivot" in c && c.pivot instanceof Tensor) outerPivot = c.pivot;
  }
  if (outerPivot !== null) {
    enters.forEach((e) => {
      if (isLoopConstantEnter((e.op.inputs[0] as Tensor).op)) {
        graph._addControlInput(e.op, (outerPivot as Tensor).op);
      }
    });
  }
  realVars.forEach((x, i) => {
    const shape = shapes?.[i] ?? x.shape;
    if (shapes !== null && !shapeLessThanOrEqual(x.shape, shape)) {
      throw new ValueError(
        `The shape invariant specified for ${x.name} is not compatible with the initial shape of the loop variable. It enters the loop with shape ${x.shape.toString()}, but the specified shape invariant is ${shape.toString()}.`,
      );
    }
    (enters[i] as Tensor).setShape(shape);
  });
  ctx.enters.push(...enters);
  return graph.withControlFlowContext(ctx, () => {
    const merges = enters.map((e) => mergeOp([e, e], { name: "Merge" })[0]);
    ctx.merges.push(...merges);
    ctx.pivotForPred = merges[0] as Tensor;
    const packed = packSequenceAs<unknown[]>(args.loopVars, withArraysOf(origFlat, merges));
    const c = convertToTensor(args.cond(...packed) as TensorLike);
    const pivot = loopCondOp(c, { name: "LoopCond" });
    ctx.pivot = pivot;
    const switches = merges.map((m) => switchOp(m, pivot, { name: "Switch" }));
    ctx.switches.push(...switches);
    // `_Identity`: a reference loop variable stays a reference in the body.
    const forBody = switches.map(([, t]) =>
      t.isRef ? refIdentityOp(t, { name: "Identity" }) : identity(t, { name: "Identity" }),
    );
    ctx.identities.push(...forBody);
    ctx.pivotForBody = forBody[0] as Tensor;
    const packedForBody = packSequenceAs<unknown[]>(args.loopVars, withArraysOf(origFlat, forBody));
    let bodyResult = args.body(...packedForBody);
    if (!isSequence(bodyResult)) bodyResult = [bodyResult];
    if (!sameStructure(packedForBody, bodyResult)) {
      throw new ValueError(structureMismatch(packedForBody, bodyResult));
    }
    const bodyFlat = flatten<unknown>(bodyResult);
    const next = bodyFlat.map(flowOf);
    if (next.length !== merges.length) {
      throw new ValueError(
        `Number of inputs and outputs of body must match loop_vars: ${merges.length}, ${next.length}`,
      );
    }
    merges.forEach((m, i) => {
      const v = next[i] as Tensor;
      const n = nextIterationOp(v, { name: "NextIteration" });
      ctx.nextIterations.push(n);
      if (!shapeLessThanOrEqual(n.shape, m.shape)) {
        const input = (m.op.inputs[0] as Tensor).op.inputs[0] as Tensor;
        throw new ValueError(
          `Input tensor '${input.name}' enters the loop with shape ${input.shape.toString()}, but has shape ${n.shape.toString()} after one iteration. To allow the shape to vary across iterations, use the \`shape_invariants\` argument of tf.while_loop to specify a less-specific shape.`,
        );
      }
      // A reference loop variable (a `RefMerge`) needs a reference as its next value.
      if (n.dtype !== m.dtype || (m.isRef && !n.isRef)) {
        throw new InvalidArgumentError(
          `Input 1 of node ${m.op.name} was passed ${n.dtypeName} from ${n.name} incompatible with expected ${m.dtypeName}.`,
        );
      }
      graph._updateInput(m.op, 1, n);
    });
    const exits = switches.map(([f]) => exitOp(f, { name: "Exit" }));
    ctx.exits.push(...exits);
    // What the body returned as a TensorArray leaves the loop as one.
    const packedExits = packSequenceAs<unknown>(bodyResult, withArraysOf(bodyFlat, exits));
    if (args.returnSameStructure) return packedExits;
    return exits.length === 1 ? withArraysOf(bodyFlat, exits)[0] : packedExits;
  });
}

/** The shape invariant of each loop variable, following `loopVars`' structure. */
function shapeLeaves(loopVars: unknown, invariants: unknown): TensorShape[] {
  const out: TensorShape[] = [];
  const visit = (v: unknown, s: unknown): void => {
    if (isSequence(v)) {
      if (!isSequence(s) || Array.isArray(v) !== Array.isArray(s) || isShapeLike(s)) {
        if (!(Array.isArray(v) && isShapeLike(s) && !v.every((x) => isSequence(x)))) {
          throw new ValueError(structureMismatch(loopVars, invariants));
        }
      }
      if (Array.isArray(v)) {
        const list = s as unknown[];
        if (list.length !== v.length) throw new ValueError(structureMismatch(loopVars, invariants));
        v.forEach((x, i) => visit(x, list[i]));
      } else {
        const obj = v as Record<string, unknown>;
        const sobj = s as Record<string, unknown>;
        const keys = Object.keys(obj).sort();
        const skeys = Object.keys(sobj).sort();
        if (keys.join("\u0000") !== skeys.join("\u0000")) {
          throw new ValueError(structureMismatch(loopVars, invariants));
        }
        for (const k of keys) visit(obj[k], sobj[k]);
      }
      return;
    }
    if (!isShapeLike(s)) {
      throw new ValueError("`shapes` must be a (possibly nested) list of shapes.");
    }
    out.push(s instanceof TensorShape ? s : new TensorShape(s as Dim[]));
  };
  visit(loopVars, invariants);
  return out;
}

function isShapeLike(s: unknown): s is ShapeLike {
  return (
    s instanceof TensorShape ||
    (Array.isArray(s) && s.every((d) => d === null || (typeof d === "number" && d >= 0)))
  );
}

/** `_ShapeLessThanOrEqual`: every dim `b` knows, `a` knows equally. */
export function shapeLessThanOrEqual(a: TensorShape, b: TensorShape): boolean {
  if (b.dims === null) return true;
  if (a.dims === null || a.dims.length !== b.dims.length) return false;
  return b.dims.every((d, i) => d === null || d === (a.dims as Dim[])[i]);
}
