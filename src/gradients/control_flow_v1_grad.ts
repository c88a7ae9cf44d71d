import { ValueError } from "../errors.js";
import { denseOf, IndexedSlices } from "../ops/indexed_slices.js";
import { isFloating, type DType } from "../graph/dtypes.js";
import { outputContext, whileContextOf } from "../graph/control_flow.js";
import type { Graph } from "../graph/graph.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { constant } from "../ops/array/constant.js";
import { zerosLike } from "../ops/array/like.js";
import { zeros } from "../ops/array/fill.js";
import { identity } from "../ops/math/unary.js";
import { inOpScope, makeOp } from "../ops/op_scope.js";
import { TensorShape } from "../graph/tensor_shape.js";
import { CondContext } from "../ops/control/cond.js";
import {
  exitOp,
  loopCondOp,
  mergeOp,
  nextIterationOp,
  switchOp,
} from "../ops/control/control_flow_ops.js";
import { stackPopV2, stackPushV2, stackV2 } from "../ops/control/stack_ops.js";
import { variableShape, varHandleOpOf } from "../ops/state/resource_variable_ops.js";
import { WhileContext, type GradLoopState } from "../ops/control/while_v1.js";
import { add, equal, greaterEqual, subtract } from "../ops/math/binary.js";
import {
  noGradient,
  notDifferentiable,
  registerGradient,
  type GradientFunction,
} from "../ops/registry.js";
import { withNameScope } from "../scope/name_scope.js";
import { bodyGradients, registerLoopGradient, registerSwitchZeros } from "./gradients.js";

/*
 * Gradients of TensorFlow 1.x control flow (`control_flow_grad.py`, `control_flow_state.py`):
 *
 * - a branch's `Switch` gets a `Merge` of its two sides' gradients (`cond_grad`), a cond's
 *   `Merge` a `Switch` of its gradient on the predicate, so the backward pass of a cond is
 *   a cond;
 * - a loop gets a gradient loop running its body's gradient backwards
 *   (`gradients/while/...`), as many times as the forward loop ran (a counter the forward
 *   loop gets, `f_count`, and one counting down, `b_count`). The values of the forward body
 *   the gradient body reads are pushed on stacks at each forward iteration (`StackPushV2`)
 *   and popped backwards (`StackPopV2`); loop invariants enter the gradient loop directly,
 *   constants are copied. A loop invariant's gradient is the sum of its per-iteration
 *   gradients, carried by the gradient loop (`b_acc`).
 */

/** `_SwitchGrad`, also `RefSwitch`'s as TensorFlow registers it. */
const switchGrad: GradientFunction = (op, grads) => {
  const ctx = op.controlFlowContext;
  if (ctx instanceof CondContext) {
    if ((grads[1 - ctx.branch] ?? null) === null) {
      // A resource variable's handle gets no gradient on the branch not taken: the
      // taken branch's passes on alone (TF's `cond_resource_grad`).
      const taken = grads[ctx.branch] ?? null;
      if ((op.inputs[0] as Tensor).dtype === "resource" && taken !== null) {
        const g = taken instanceof IndexedSlices ? denseOf(taken) : taken;
        return [mergeOp([g, g], { name: "cond_resource_grad" })[0], null];
      }
      return [null, null];
    }
    return [mergeOp(grads as Tensor[], { name: "cond_grad" })[0], null];
  }
  const pred = op.inputs[1] as Tensor;
  const falseGrad = switchOp(grads[0] as Tensor, pred, { name: "Switch" })[0];
  const trueGrad = switchOp(grads[1] as Tensor, pred, { name: "Switch_1" })[1];
  return [mergeOp([falseGrad, trueGrad], { name: "Merge" })[0], null];
};
registerGradient("Switch", switchGrad);
registerGradient("RefSwitch", switchGrad);

/** `_MergeGrad`, also `RefMerge`'s. */
const mergeGrad: GradientFunction = (op, [grad]) => {
  const g = grad as Tensor;
  const ctx = outputContext((op.inputs[0] as Tensor).op);
  if (ctx instanceof CondContext) {
    const [f, t] = switchOp(g, ctx.pred, { name: "cond_grad" });
    return [f, t];
  }
  return op.inputs.map((_, i) => {
    const selected = equal(op.outputs[1] as Tensor, constant(i, { dtype: "int32" }));
    return switchOp(g, selected, { name: "cond_grad" })[1];
  });
};
registerGradient("Merge", mergeGrad);
registerGradient("RefMerge", mergeGrad);

// Outside a gradient loop, a loop's entry and back edge pass their gradient through
// (TensorFlow's `_EnterGrad` without a gradient loop state, `_NextIterationGrad`); loops are
// differentiated as a whole (`whileLoopGradient`).
const passThrough: GradientFunction = (_op, [grad]) => [grad ?? null];
registerGradient("Enter", passThrough);
registerGradient("RefEnter", passThrough);
registerGradient("NextIteration", passThrough);
registerGradient("RefNextIteration", passThrough);
// array_grad.py's `_RefIdGrad`.
registerGradient("RefIdentity", passThrough);
const exitGrad: GradientFunction = (op, [grad]) => {
  // An Exit reached on its own has no WhileContext: its loop came from a GraphDef alone
  // (no while_context collection) or from the primitives. TF 1.15 fails on it too, with an
  // AttributeError deep in control_flow_state.
  if (whileContextOf(op.controlFlowContext) === null) {
    throw new ValueError(
      `Cannot differentiate through the loop exit '${op.name}': its loop has no ` +
        "WhileContext (a GraphDef imported with tf.importGraphDef keeps none), so no gradient " +
        "loop can be built for it. Import the model's meta graph with tf.train.importMetaGraph, " +
        "which rebuilds its loops from the while_context collection, or build the loop with " +
        "tf.whileLoop.",
    );
  }
  return [grad ?? null];
};
registerGradient("Exit", exitGrad);
registerGradient("RefExit", exitGrad);
registerGradient("LoopCond", () => [null]);
// data_flow_grad.py
notDifferentiable("StackV2", "StackPushV2", "StackPopV2");
// Ops without outputs: nothing is differentiated through them.
noGradient(false, "Assert", "ControlTrigger");

/**
 * The zeros for the untaken side of a branch's `Switch`: zeros of a `Switch` of its input,
 * alive exactly when the branch is not taken (`ZerosLikeOutsideLoop`).
 */
registerSwitchZeros((op, index) => {
  const ctx = op.controlFlowContext;
  if (!(ctx instanceof CondContext) || index !== 1 - ctx.branch) return null;
  const graph = op.graph;
  const val = op.outputs[index] as Tensor;
  // A resource variable's handle: zeros of the variable's dtype and shape.
  const handleOp = val.dtype === "resource" ? varHandleOpOf(val) : null;
  const zerosDType = handleOp === null ? val.dtype : (handleOp.attrs.dtype as DType);
  const valShape = handleOp === null ? val.shape : (handleOp.attrs.shape as TensorShape);
  // In the gradient loop of the loop the cond is in (`ControlFlowState.ZerosLike`): zeros
  // of the known shape, switched on the predicate as the gradient loop pops it.
  const loop = whileContextOf(graph.controlFlowContext);
  const gradState = loop instanceof WhileContext ? loop.gradState : null;
  if (
    gradState !== null &&
    gradState.forward === whileContextOf(ctx) &&
    valShape.isFullyDefined()
  ) {
    const zeros = constant(0, { dtype: zerosDType, shape: valShape.dims as number[] });
    const pred = gradState.realValue(ctx.pred, op.name);
    return switchOp(zeros, pred, { name: "Switch" })[1 - ctx.branch] as Tensor;
  }
  // `ZerosLikeOutsideLoop`: zeros shaped at run time after the input, alive exactly when
  // the branch is not taken.
  const side = switchOp(op.inputs[0] as Tensor, ctx.pred, { name: "Switch" })[
    1 - ctx.branch
  ] as Tensor;
  const pivot = identity(side);
  // TF reads a handle's variable shape under the pivot, a tensor's shape before it.
  const zerosShape = handleOp === null ? shapeOp(side) : null;
  return graph.controlDependencies([pivot.op], () =>
    zeros(zerosShape ?? variableShape(side), { dtype: zerosDType }),
  );
});

/** `shape_internal(x, optimize=False)`: a `Shape` op even when the shape is known. */
function shapeOp(x: Tensor): Tensor {
  return inOpScope(undefined, "Shape", [x], (s, g) =>
    makeOp(g, "Shape", s, [x], [{ dtype: "int32", shape: new TensorShape([x.shape.rank]) }], {
      T: x.dtype,
      out_type: "int32",
    }),
  ).outputs[0] as Tensor;
}

/** `t` as the context current in `graph` reads it. */
function inCurrent(graph: Graph, t: Tensor, consumerName: string): Tensor {
  const ctx = graph.controlFlowContext;
  if (ctx === null || outputContext(t.op) === ctx) return t;
  return ctx.captureInput(t, consumerName);
}

/** The forward loop's iteration counter (`AddForwardLoopCounter`). */
interface ForwardCounter {
  /** The number of iterations run (the counter's `Exit`). */
  readonly total: Tensor;
  /** The counter's `NextIteration`: what the stack pushes are ordered before. */
  readonly next: Tensor;
  /** The counter's increment: what the stack pushes are ordered after. */
  readonly add: Operation;
}

/**
 * The forward loop's counter, built without the control dependencies `tf.gradients` is
 * called under. TF 1.15 builds it under them: with the standard
 * `with tf.control_dependencies(update_ops): train_op = opt.minimize(loss)` and an update
 * op reading the loop's result (batch norm on an RNN's output), `gradients/f_count` waits
 * for that op, and so the forward loop's counter and stack pushes wait for the loop's own
 * exits. TensorFlow's executor gets through while the loop runs fewer iterations than
 * `parallel_iterations` (32 for `dynamic_rnn`) and hangs or fails from then on (its issues
 * 15874, 19568); scopeflow runs a loop as one step, where that wait is a cycle. Without it the
 * gradients are the same: what reads them still waits for the dependencies (`grad_ys`
 * does), and the backward counter's `Enter` waits for them too.
 */
function addForwardLoopCounter(graph: Graph, forward: WhileContext): ForwardCounter {
  return graph.controlDependencies(null, () => buildForwardLoopCounter(graph, forward));
}

function buildForwardLoopCounter(graph: Graph, forward: WhileContext): ForwardCounter {
  const n = graph.withControlFlowContext(forward.outer, () =>
    constant(0, { dtype: "int32", name: "f_count" }),
  );
  const stack = graph.nameStack;
  const enter = forward.enter(n, stack === "" ? "f_count" : `${stack}/f_count`, false);
  return graph.withControlFlowContext(forward, () => {
    const merge = mergeOp([enter, enter], { name: "Merge" })[0];
    const sw = switchOp(merge, forward.pivot as Tensor, { name: "Switch" });
    // `math_ops.add(switch_n[1], 1)`: the 1 is `gradients/Add/y`.
    const index = add(sw[1], 1);
    const next = nextIterationOp(index, { name: "NextIteration" });
    graph._updateInput(merge.op, 1, next);
    const total = exitOp(sw[0], { name: "f_count" });
    return { total, next, add: index.op };
  });
}

/** TensorFlow's `GradLoopState`: how a gradient loop reads its forward loop's values. */
class GradState implements GradLoopState {
  grad: WhileContext | null = null;
  private readonly history = new Map<Tensor, Tensor>();
  private sync: Operation | null = null;
  private gradSync: Operation | null = null;
  /** The backward counter's `NextIteration` (TF's `_grad_index`). */
  gradIndex: Tensor | null = null;

  constructor(
    private readonly graph: Graph,
    readonly forward: WhileContext,
    private readonly counter: ForwardCounter,
  ) {}

  realValue(value: Tensor, consumerName: string): Tensor {
    const known = this.history.get(value);
    if (known !== undefined) return known;
    const graph = this.graph;
    const grad = this.grad as WhileContext;
    let real: Tensor;
    if (
      (value.op.type === "Enter" || value.op.type === "RefEnter") &&
      value.op.attrs.is_constant === true &&
      value.op.controlFlowContext === this.forward
    ) {
      // A loop invariant: the gradient loop reads the outer value itself.
      real = grad.captureInput(value.op.inputs[0] as Tensor, consumerName);
    } else if (value.op.type === "Const") {
      real = graph.withControlFlowContext(grad, () =>
        graph.createOp({
          type: "Const",
          name: "Const",
          inputs: [],
          outputs: [{ dtype: value.dtype, shape: value.shape }],
          attrs: value.op.attrs,
        }),
      ).outputs[0] as Tensor;
    } else {
      const handle = this.addForwardAccumulator(value);
      real = this.addBackpropAccumulatedValue(handle, value);
    }
    this.history.set(value, real);
    graph.onUndo(() => this.history.delete(value));
    return real;
  }

  /** A stack the forward loop pushes `value` on at each iteration it is alive. */
  private addForwardAccumulator(value: Tensor): Tensor {
    const graph = this.graph;
    const forward = this.forward;
    const handle = graph.withControlFlowContext(null, () =>
      graph.controlDependencies(null, () =>
        stackV2(graph, constant(-1, { dtype: "int32" }), value.dtype, "f_acc"),
      ),
    );
    // Entered as the reader being built would capture it (`…/Mul_1/Enter`, TF's
    // `forward_context.AddValue(acc)` in that op's name scope).
    const entered = forward.captureInput(handle, graph.nameStack);
    const valueCtx = outputContext(value.op);
    const push = graph.withControlFlowContext(valueCtx, () =>
      graph.controlDependencies(null, () =>
        stackPushV2(graph, entered, value, forward.swapMemory, "StackPushV2"),
      ),
    );
    graph._addControlInput(push.op, this.counter.add);
    if (valueCtx === forward) {
      graph._addControlInput(this.counter.next.op, push.op);
    } else {
      // A push in a branch is dead when the branch is not taken: the counter waits on a
      // trigger that runs anyway (TensorFlow's `forward_sync`).
      if (this.sync === null) {
        // Made outside the loop and moved in (TF's `forward_sync`): no pivot.
        const sync = graph.withControlFlowContext(forward, () =>
          graph.controlDependencies(null, () =>
            graph.createOp({
              type: "ControlTrigger",
              name: "f_sync",
              inputs: [],
              outputs: [],
              loopEntry: true,
            }),
          ),
        );
        graph._addControlInput(this.counter.next.op, sync);
        this.sync = sync;
      }
      graph._addControlInput(this.sync, push.op);
    }
    return handle;
  }

  /** The pop, in the gradient loop, of the values pushed on `handle`. */
  private addBackpropAccumulatedValue(handle: Tensor, value: Tensor): Tensor {
    const graph = this.graph;
    const grad = this.grad as WhileContext;
    let cond: CondContext | null = null;
    for (let c = value.op.controlFlowContext; c !== null && c !== this.forward; c = c.outer) {
      if (c instanceof CondContext) {
        cond = c;
        break;
      }
    }
    const pop = graph.controlDependencies(null, () =>
      graph.withControlFlowContext(grad, () => {
        let h: Tensor;
        // The handle enters as the first op reading it captures it: the guarding `Switch`
        // (`…/Switch/Enter`) or the pop (`…/StackPopV2/Enter`).
        const reader = graph.uniqueName(cond === null ? "StackPopV2" : "Switch");
        if (cond !== null) {
          // Only iterations that took the branch pushed: pop when the branch was taken.
          const pred = this.realValue(cond.pred, value.op.name);
          const entered = grad.captureInput(handle, reader);
          h = switchOp(entered, pred, { name: `${reader}/` })[cond.branch];
          return stackPopV2(graph, h, value.dtype, value.shape, "StackPopV2");
        }
        h = grad.captureInput(handle, reader);
        return stackPopV2(graph, h, value.dtype, value.shape, `${reader}/`);
      }),
    );
    // TF's `grad_sync` (`b_sync`): the backward counter's next value waits for the pops.
    if (grad.parallelIterations > 1) {
      if (this.gradSync === null) {
        this.gradSync = graph.withControlFlowContext(grad, () =>
          graph.controlDependencies(null, () =>
            graph.createOp({
              type: "ControlTrigger",
              name: "b_sync",
              inputs: [],
              outputs: [],
              loopEntry: true,
            }),
          ),
        );
        graph._addControlInput((this.gradIndex as Tensor).op, this.gradSync);
      }
      graph._addControlInput(this.gradSync, pop.op);
    }
    return pop;
  }
}

/**
 * The gradient of a forward loop `forward`: the gradients of its loop variables' initial
 * values and of the outer tensors it reads (`captured`: their `Enter`s in the body), given
 * the gradients of its exits.
 */
function whileLoopGradient(
  forward: WhileContext,
  exitGrads: (Tensor | null)[],
  captured: readonly Tensor[],
): (Tensor | null)[] {
  const nv = forward.enters.length;
  const none = (): (Tensor | null)[] => new Array<Tensor | null>(nv + captured.length).fill(null);
  if (forward.gradState !== null) {
    throw new TypeError("Second-order gradient for while loops not supported.");
  }
  if (!forward.backProp) return none();
  if (forward.merges.length !== forward.enters.length || forward.pivot === null) {
    // A loop rebuilt from a meta graph whose Enter → Merge → Switch → Identity chain and
    // back edges are not those tf.while_loop builds.
    throw new ValueError(
      `Cannot differentiate through the loop '${forward.frameName}': its loop variables' ` +
        "Merge, Switch, Identity and NextIteration ops were not found as tf.while_loop builds them.",
    );
  }
  const graph = (forward.enters[0] as Tensor).graph;
  const root = graph.nameStack;
  const at = (name: string): string => (root === "" ? name : `${root}/${name}`);
  const counter = addForwardLoopCounter(graph, forward);
  const state = new GradState(graph, forward, counter);

  // The gradient loop's context, named after the forward loop (`gradients/while/`).
  const forwardScope = forward.name.endsWith("/") ? forward.name.slice(0, -1) : forward.name;
  const grad = withNameScope(graph, forwardScope, (scope) => {
    const ctx = new WhileContext(
      graph,
      scope,
      forward.parallelIterations,
      forward.backProp,
      forward.swapMemory,
      state,
    );
    return ctx;
  });
  state.grad = grad;

  // The backward counter (`AddBackpropLoopCounter`): runs as many iterations as forward.
  // Made in the blocks `tf.gradients` is called in, as TF makes them: `b_count` waits for
  // their control inputs, and so does the `Enter` of the forward count (which TF makes
  // after a forward counter waiting for them: see `addForwardLoopCounter`).
  const one = constant(1, { dtype: "int32", name: "b_count" });
  const count = inCurrent(graph, counter.total, at("b_count"));
  const enterCount = grad.enter(count, at("b_count"), false, true, true);
  graph.withControlFlowContext(grad, () => {
    const merge = mergeOp([enterCount, enterCount], { name: "Merge" })[0];
    grad.pivotForPred = merge;
    const pred = greaterEqual(merge, one);
    const pivot = loopCondOp(pred, { name: "b_count" });
    grad.pivot = pivot;
    const sw = switchOp(merge, pivot, { name: "Switch" });
    const index = subtract(sw[1], one);
    grad.pivotForBody = index;
    const next = nextIterationOp(index, { name: "NextIteration" });
    graph._updateInput(merge.op, 1, next);
    state.gradIndex = next;
    const exit = exitOp(sw[0], { name: "b_count" });
    // The counter and the accumulators are the gradient loop's variables too: a gradient
    // through any of its exits is a second-order gradient (TensorFlow's `loop_enters`).
    grad.enters.push(enterCount);
    grad.exits.push(exit);
  });

  // Each float loop variable: its exit's gradient enters, is switched on the backward
  // counter, runs through the body's gradient, and leaves as its initial value's gradient.
  const vars = forward.enters.flatMap((e, i) => (isFloating(e.dtype) ? [i] : []));
  const merges: Tensor[] = [];
  const bodyGrads: Tensor[] = [];
  const initGrads: Tensor[] = [];
  for (const i of vars) {
    const exit = forward.exits[i] as Tensor;
    const g = exitGrads[i] ?? zerosLike(exit, { optimize: false });
    const gOuter = inCurrent(graph, g, exit.op.name);
    const entered = grad.enter(gOuter, at(`${exit.op.name}_grad/b_exit`), false, true, true);
    graph.withControlFlowContext(grad, () => {
      const sw0 = (forward.switches[i] as [Tensor, Tensor])[0];
      const merge = withNameScope(graph, `${sw0.op.name}_grad`, () =>
        mergeOp([entered, entered], { name: "b_switch" }),
      )[0];
      const m = forward.merges[i] as Tensor;
      const sw = withNameScope(graph, `${m.op.name}_grad`, () =>
        switchOp(merge, grad.pivot as Tensor, { name: "Switch" }),
      );
      const e = forward.enters[i] as Tensor;
      initGrads.push(
        withNameScope(graph, `${e.op.name}_grad`, () => exitOp(sw[0], { name: "Exit" })),
      );
      merges.push(merge);
      bodyGrads.push(sw[1]);
      // The gradient loop's own variables: a gradient of it is a second-order gradient.
      grad.enters.push(entered);
      grad.exits.push(initGrads[initGrads.length - 1] as Tensor);
    });
  }
  // A resource variable's handle read in the body is an invariant too: the gradients of
  // its reads are summed as a float invariant's are.
  const invariants = captured.flatMap((c, k) =>
    isFloating(c.dtype) || (c.dtype === "resource" && varHandleOpOf(c) !== null) ? [k] : [],
  );
  const ys = vars.map((i) => (forward.nextIterations[i] as Tensor).op.inputs[0] as Tensor);
  const xs = [
    ...vars.map((i) => forward.identities[i] as Tensor),
    ...invariants.map((k) => captured[k] as Tensor),
  ];
  // Rows of a gradient (`IndexedSlices`) are made dense in the loop: the accumulators and
  // `NextIteration`s carry whole tensors.
  const gs = graph.withControlFlowContext(grad, () =>
    (ys.length === 0 ? [] : bodyGradients(ys, xs, bodyGrads)).map((g) =>
      g instanceof IndexedSlices ? denseOf(g) : g,
    ),
  );
  graph.withControlFlowContext(grad, () => {
    vars.forEach((i, a) => {
      // Made when TF's `_SwitchGrad` visits the loop's Switch a second time (from the
      // body): in its gradient scope again, `while/Switch_1_grad_1/NextIteration`.
      const sw0 = (forward.switches[i] as [Tensor, Tensor])[0];
      const next = withNameScope(graph, `${sw0.op.name}_grad`, () =>
        nextIterationOp(gs[a] ?? zerosLike(bodyGrads[a] as Tensor, { optimize: false }), {
          name: "NextIteration",
        }),
      );
      graph._updateInput((merges[a] as Tensor).op, 1, next);
    });
  });

  // Each loop invariant: the sum of its per-iteration gradients (`b_acc`).
  const invariantGrads = new Map<number, Tensor>();
  invariants.forEach((k, b) => {
    const gk = gs[vars.length + b] ?? null;
    if (gk === null) return;
    const enterOpOf = (captured[k] as Tensor).op;
    const source = enterOpOf.inputs[0] as Tensor;
    // One name scope for all of it (`AddBackpropAccumulator`): `…/Enter_grad/b_acc`, its
    // `Enter` `b_acc_1`, `Merge` `b_acc_2`, `Switch`, `Add`, `NextIteration`, `Exit` `b_acc_3`.
    // When the gradient's shape is not known, the zeros are shaped at run time after the
    // invariant (`Shape`, `zeros/Const`, `zeros`) and the `Enter` is the first `b_acc`.
    let scope = "";
    const acc = withNameScope(graph, `${enterOpOf.name}_grad`, (s) => {
      scope = s;
      const value = inCurrent(graph, source, enterOpOf.name);
      return gk.shape.isFullyDefined()
        ? constant(0, { dtype: gk.dtype, shape: gk.shape.dims as number[], name: "b_acc" })
        : zeros(value.dtype === "resource" ? variableShape(value) : shapeOp(value), {
            dtype: gk.dtype,
          });
    });
    const entered = grad.enter(acc, `${scope}b_acc`, false, true, true);
    const result = graph.withControlFlowContext(grad, () =>
      withNameScope(graph, scope, () => {
        const merge = mergeOp([entered, entered], { name: "b_acc" })[0];
        const sw = switchOp(merge, grad.pivot as Tensor, { name: "Switch" });
        const sum = add(sw[1], gk);
        const next = nextIterationOp(sum, { name: "NextIteration" });
        graph._updateInput(merge.op, 1, next);
        const exit = exitOp(sw[0], { name: "b_acc" });
        grad.enters.push(entered);
        grad.exits.push(exit);
        return exit;
      }),
    );
    invariantGrads.set(k, result);
  });
  const result = none();
  vars.forEach((i, a) => {
    result[i] = initGrads[a] as Tensor;
  });
  for (const [k, g] of invariantGrads) result[nv + k] = g;
  return result;
}

registerLoopGradient(whileLoopGradient);
