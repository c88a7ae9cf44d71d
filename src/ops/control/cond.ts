import { ValueError } from "../../errors.js";
import {
  isWithinContext,
  loopValueMessage,
  outputContext,
  whileContextOf,
  type ControlFlowContext,
} from "../../graph/control_flow.js";
import { GraphKeys, type Graph } from "../../graph/graph.js";
import { Operation } from "../../graph/operation.js";
import { Tensor, type TensorLike } from "../../graph/tensor.js";
import {
  anyKind,
  booleanKind,
  opt,
  req,
  stringKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { identity } from "../math/unary.js";
import { inOpScope } from "../op_scope.js";
import { mergeOp, switchOp } from "./control_flow_ops.js";
import { flowOf, withArraysOf } from "./tensor_array.js";
import { stripNameScope } from "../../graph/name_scopes.js";
import { registerNested, valuesDef, type ContextWithDef } from "./context_def.js";
import type { tensorflow } from "../../proto/index.js";
import { flatten, packSequenceAs, sameStructure, structureMismatch } from "../../graph/nest.js";

/**
 * One branch of a `tf.cond` being built (TensorFlow's `CondContext`): its ops run only when
 * the predicate selects the branch. An outer tensor an op of the branch reads goes through
 * a `Switch` on the predicate (made once per tensor, named after the first reader:
 * `cond/Add/Switch`; a `RefSwitch` for a variable an op assigns to: `cond/Assign/Switch`); an op without inputs waits on the branch's pivot (`cond/switch_t`),
 * so that it is dead, with everything after it, when the other branch is taken.
 */
export class CondContext implements ContextWithDef {
  readonly kind = "cond" as const;
  readonly outer: ControlFlowContext | null;
  /** Outer tensor → the `Switch` output standing for it in this branch. */
  readonly external = new Map<Tensor, Tensor>();
  /** TF's name of the context (`cond/cond_text`, the false branch's `cond/cond_text_1`). */
  readonly contextName: string;
  readonly nested: ContextWithDef[] = [];

  constructor(
    private readonly graph: Graph,
    /** The cond's name scope, e.g. `"cond/"`. */
    readonly name: string,
    /** The predicate as the branches see it (`cond/pred_id`). */
    readonly pred: Tensor,
    /** Alive exactly when this branch is taken (`cond/switch_t` or `cond/switch_f`). */
    readonly pivot: Tensor,
    /** 1 for the true branch, 0 for the false one. */
    readonly branch: 0 | 1,
    /** The context's name as a meta graph recorded it (a branch rebuilt on import). */
    contextName: string | null = null,
  ) {
    this.outer = graph.controlFlowContext;
    this.contextName = contextName ?? graph.uniqueName("cond_text");
    registerNested(graph, this);
  }

  /**
   * TF's `CondContext.to_proto(export_scope)`: the branch as a `CondContextDef` (names
   * without `exportScope/`), or `null` if it is outside `exportScope`.
   */
  toProto(exportScope: string | null = null): tensorflow.CondContextDef.$Shape | null {
    if (exportScope !== null && exportScope !== "" && !this.contextName.startsWith(exportScope)) {
      return null;
    }
    const external = new Map<Tensor, Tensor>([[this.pred, this.pred], ...this.external]);
    return {
      contextName: stripNameScope(this.contextName, exportScope),
      predName: stripNameScope(this.pred.name, exportScope),
      pivotName: stripNameScope(this.pivot.name, exportScope),
      branch: this.branch,
      valuesDef: valuesDef(this.graph, this, external, [this.pivot], exportScope),
      nestedContexts: this.nested.map((c) => c.toControlFlowContextDef(exportScope)),
    };
  }

  /** `to_control_flow_context_def`: this branch as a nested context. */
  toControlFlowContextDef(exportScope: string | null): tensorflow.ControlFlowContextDef.$Shape {
    return { condCtxt: this.toProto(exportScope) ?? {} };
  }

  captureInput(t: Tensor, consumerName: string): Tensor {
    return this.addValue(t, `${consumerName}/Switch`, consumerName);
  }

  /**
   * `AddValue`: `t` as this branch sees it. `switchName` is the full name to give a new
   * `Switch` (made unique).
   */
  addValue(t: Tensor, switchName: string, consumerName: string): Tensor {
    if (t === this.pred || t === this.pivot) return t;
    const own = outputContext(t.op);
    if (own !== null && isWithinContext(own, this)) {
      if (whileContextOf(own) !== whileContextOf(this)) {
        throw new ValueError(loopValueMessage(t, consumerName));
      }
      return t;
    }
    const known = this.external.get(t);
    if (known !== undefined) return known;
    let value = t;
    if (this.outer !== null && own !== this.outer) {
      value = this.outer.captureInput(t, consumerName);
    } else if (this.outer === null && whileContextOf(own) !== null) {
      throw new ValueError(loopValueMessage(t, consumerName));
    }
    // A variable's reference goes through a `RefSwitch` (`_SwitchRefOrTensor`).
    const graph = this.graph;
    const name = `${uniqueAtRoot(graph, switchName)}/`;
    const [whenFalse, whenTrue] = switchOp(value, this.pred, { name, context: this, asIs: true });
    const result = this.branch === 1 ? whenTrue : whenFalse;
    this.external.set(t, result);
    graph.onUndo(() => this.external.delete(t));
    return result;
  }

  addExternalControl(ops: readonly Operation[]): Operation[] {
    const loop = whileContextOf(this);
    if (loop === null) return [...ops];
    const inLoop = ops.filter((c) => isWithinContext(c.controlFlowContext, loop));
    return [...inLoop, ...loop.addExternalControl(ops.filter((c) => !inLoop.includes(c)))];
  }

  opCreated(op: Operation): void {
    if (op.inputs.length > 0) return;
    if (op.controlInputs.some((c) => isWithinContext(c.controlFlowContext, this))) return;
    this.graph._addControlInput(op, this.pivot.op);
  }

  /** `_BuildCondTensor`: a branch output as a tensor of this branch. */
  output(value: unknown): Tensor {
    const graph = this.graph;
    if (value instanceof Operation) {
      // `with_dependencies([op], pivot)`, colocated with the pivot.
      return graph.colocateWith(this.pivot.op, () =>
        graph.controlDependencies([value], () =>
          identity(this.pivot, { name: "control_dependency" }),
        ),
      );
    }
    // A TensorArray leaves a branch as its flow (`_convert_tensorarray_to_flow`).
    const t = flowOf(value);
    const stack = graph.nameStack;
    return this.addValue(t, stack === "" ? "Switch" : `${stack}/Switch`, t.op.name);
  }
}

/** `name` (a full name, not relative to the current name scope) made unique. */
export function uniqueAtRoot(graph: Graph, name: string): string {
  const saved = graph.nameStack;
  graph.setNameStack("");
  try {
    return graph.uniqueName(name);
  } finally {
    graph.setNameStack(saved);
  }
}

/** A branch function: returns a tensor, an op, or a nested array/object of them. */
export type BranchFn = () => unknown;

const fnKind = anyKind<BranchFn>("a callable", false);
const predKind = anyKind<TensorLike | boolean>("a Tensor", false);

/**
 * TF 1.15's `cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None,
 * fn2=None)` (`fn1`/`fn2`: the deprecated names of `true_fn`/`false_fn`).
 */
const COND_PARAMS = [
  req("pred", predKind),
  opt("trueFn", fnKind),
  opt("falseFn", fnKind),
  opt("strict", booleanKind),
  opt("name", stringKind),
  opt("fn1", fnKind),
  opt("fn2", fnKind),
] as const;

/** The options object of {@link cond}. */
export type CondOptions = OptionsOf<typeof COND_PARAMS>;

/**
 * `trueFn()` if `pred` is true, else `falseFn()` (`tf.cond`), as TensorFlow 1.15 builds it:
 * both branches are built (`cond/Switch`, the pivots `cond/switch_t`/`cond/switch_f`,
 * `cond/pred_id`, each outer tensor a branch reads through a `Switch`), and each output is
 * a `cond/Merge` of the two branches' values. Only the taken branch runs: its side effects
 * happen, the other's do not. The branches return the same nested structure of tensors,
 * with the same dtypes; a single-element list is unpacked unless `strict`.
 *
 * @example
 * ```ts
 * const x = tf.constant(2);
 * const y = tf.cond(tf.less(x, 3), () => tf.multiply(x, 10), () => tf.add(x, 1));
 * using sess = new tf.Session();
 * sess.run(y); // ==> 20.0
 * ```
 */
export const cond = tfFunction("cond", COND_PARAMS, (a) => {
  let trueFn = a.trueFn;
  let falseFn = a.falseFn;
  if (a.fn1 !== undefined) {
    if (trueFn !== undefined) {
      throw new TypeError("cond(): true_fn and fn1 may not be set simultaneously.");
    }
    trueFn = a.fn1;
  } else if (trueFn === undefined) {
    throw new TypeError("cond(): true_fn argument required");
  }
  if (a.fn2 !== undefined) {
    if (falseFn !== undefined) {
      throw new TypeError("cond(): false_fn and fn2 may not be set simultaneously.");
    }
    falseFn = a.fn2;
  } else if (falseFn === undefined) {
    throw new TypeError("cond(): false_fn argument required");
  }
  if (typeof trueFn !== "function") throw new TypeError("true_fn must be callable.");
  if (typeof falseFn !== "function") throw new TypeError("false_fn must be callable.");
  return buildCond(a.pred, trueFn, falseFn, a.strict ?? false, a.name);
});

/** `tf.cond` with its arguments checked (also `tf.case`'s building block). */
export function buildCond(
  pred: TensorLike | boolean,
  trueFn: BranchFn,
  falseFn: BranchFn,
  strict: boolean,
  name: string | undefined,
): unknown {
  if (typeof pred === "boolean") throw new TypeError("pred must not be a Python bool");
  return inOpScope(name, "cond", [pred], (scope, graph) => {
    const p = convertToTensor(pred);
    const [p2, p1] = switchOp(p, p, { name: "Switch" });
    const pivotT = identity(p1, { name: "switch_t" });
    const pivotF = identity(p2, { name: "switch_f" });
    const predId = identity(p, { name: "pred_id" });
    const branch = (ctx: CondContext, fn: BranchFn, what: string): [unknown, Tensor[]] =>
      graph.withControlFlowContext(ctx, () => {
        const orig = fn();
        if (orig === undefined || orig === null) {
          throw new ValueError(`${what} must have a return value.`);
        }
        return [orig, flatten<unknown>(orig).map((leaf) => ctx.output(leaf))];
      });
    const ctxT = new CondContext(graph, scope, predId, pivotT, 1);
    const [builtT, resT] = branch(ctxT, trueFn, "true_fn");
    const ctxF = new CondContext(graph, scope, predId, pivotF, 0);
    const [builtF, resF] = branch(ctxF, falseFn, "false_fn");
    let origT = builtT;
    let origF = builtF;
    if (!strict) {
      origT = unpackSingleton(origT);
      origF = unpackSingleton(origF);
    }
    if (!sameStructure(origT, origF)) {
      throw new ValueError(
        `Incompatible return values of true_fn and false_fn: ${structureMismatch(origT, origF)}`,
      );
    }
    if (resT.length === 0) {
      throw new ValueError("true_fn and false_fn must return at least one result.");
    }
    resF.forEach((f, i) => {
      const t = resT[i] as Tensor;
      if (f.dtype !== t.dtype) {
        throw new ValueError(
          `Outputs of true_fn and false_fn must have the same type: ${f.dtype}, ${t.dtype}`,
        );
      }
    });
    // Only top-level conds: a nested one is described inside the context around it.
    if (ctxT.outer === null) {
      graph.addItem(GraphKeys.COND_CONTEXT, ctxT);
      graph.addItem(GraphKeys.COND_CONTEXT, ctxF);
    }
    const merges = resF.map((f, i) => mergeOp([f, resT[i] as Tensor], { name: "Merge" })[0]);
    const packed = packSequenceAs<unknown>(origT, withArraysOf(flatten<unknown>(origT), merges));
    return strict ? packed : unpackSingleton(packed);
  });
}

/** `_UnpackIfSingleton`: a one-element list stands for its element. */
function unpackSingleton(value: unknown): unknown {
  return Array.isArray(value) && value.length === 1 ? (value[0] as unknown) : value;
}
