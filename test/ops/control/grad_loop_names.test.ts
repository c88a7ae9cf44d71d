/*
 * The names TF 1.15 gives the ops of a while loop's gradient, derived from its
 * control_flow_state.py / control_flow_ops.py / control_flow_grad.py (`GradLoopState`:
 * `AddForwardLoopCounter`, `AddBackpropLoopCounter`, `AddForwardAccumulator`,
 * `AddBackpropAccumulatedValue`, `grad_sync`; `_ExitGrad`, `_SwitchGrad` and its
 * `switch_map`, `_MergeGrad`, `_EnterGrad`, `AddBackpropAccumulator`): ops made while an
 * op of the body is differentiated are in that op's gradient scope, and a forward value the
 * gradient reads enters through the name scope of the op reading it.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../../src/index.js";

beforeEach(() => tf.resetDefaultGraph());

function opLines(prefix: string): string[] {
  return tf
    .getDefaultGraph()
    .getOperations()
    .filter((o) => o.name.startsWith(prefix))
    .map((o) => {
      const controls = o.controlInputs.map((c) => `^${c.name}`);
      return `${o.name} = ${o.type}(${[...o.inputs.map((t) => t.name), ...controls].join(", ")})`;
    });
}

describe("a while loop's gradient: TF 1.15's names", () => {
  it("counters, b_exit, b_switch and its back edge, stacks, b_sync, b_acc", () => {
    const x = tf.constant(2.0, { name: "x" });
    const [, v] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 3),
      (i: tf.Tensor, w: tf.Tensor) => [tf.add(i, 1), tf.multiply(w, x)],
      [tf.constant(0, { dtype: tf.int32, name: "i0" }), tf.constant(1.0, { name: "v0" })],
    ) as tf.Tensor[];
    const [g] = tf.gradients(v as tf.Tensor, [x]) as tf.Tensor[];
    expect(opLines("gradients/")).toEqual([
      "gradients/Shape = Const()",
      "gradients/grad_ys_0 = Const()",
      "gradients/Fill = Fill(gradients/Shape:0, gradients/grad_ys_0:0)",
      // AddForwardLoopCounter, in the forward loop.
      "gradients/f_count = Const()",
      "gradients/f_count_1 = Enter(gradients/f_count:0)",
      "gradients/Merge = Merge(gradients/f_count_1:0, gradients/NextIteration:0)",
      "gradients/Switch = Switch(gradients/Merge:0, while/LoopCond:0)",
      "gradients/Add/y = Const(^while/Identity)",
      "gradients/Add = Add(gradients/Switch:1, gradients/Add/y:0)",
      "gradients/NextIteration = NextIteration(gradients/Add:0, ^gradients/while/Mul_grad/Mul_1/StackPushV2)",
      "gradients/f_count_2 = Exit(gradients/Switch:0)",
      // AddBackpropLoopCounter: the gradient loop counts down.
      "gradients/b_count = Const()",
      "gradients/b_count_1 = Enter(gradients/f_count_2:0)",
      "gradients/Merge_1 = Merge(gradients/b_count_1:0, gradients/NextIteration_1:0)",
      "gradients/GreaterEqual/Enter = Enter(gradients/b_count:0)",
      "gradients/GreaterEqual = GreaterEqual(gradients/Merge_1:0, gradients/GreaterEqual/Enter:0)",
      "gradients/b_count_2 = LoopCond(gradients/GreaterEqual:0)",
      "gradients/Switch_1 = Switch(gradients/Merge_1:0, gradients/b_count_2:0)",
      "gradients/Sub = Sub(gradients/Switch_1:1, gradients/GreaterEqual/Enter:0)",
      "gradients/NextIteration_1 = NextIteration(gradients/Sub:0, ^gradients/while/Mul_grad/Mul_1/b_sync)",
      "gradients/b_count_3 = Exit(gradients/Switch_1:0)",
      // _ExitGrad, _SwitchGrad (first visit: b_switch, kept in switch_map), _MergeGrad,
      // _EnterGrad of a loop variable.
      "gradients/while/Exit_1_grad/b_exit = Enter(gradients/Fill:0)",
      "gradients/while/Switch_1_grad/b_switch = Merge(gradients/while/Exit_1_grad/b_exit:0, gradients/while/Switch_1_grad_1/NextIteration:0)",
      "gradients/while/Merge_1_grad/Switch = Switch(gradients/while/Switch_1_grad/b_switch:0, gradients/b_count_2:0)",
      "gradients/while/Enter_1_grad/Exit = Exit(gradients/while/Merge_1_grad/Switch:0)",
      // The body's gradient: a loop invariant enters directly, a forward value is pushed
      // and popped (GetRealValue), in the name scope of the op reading it.
      "gradients/while/Mul_grad/Mul/Enter = Enter(x:0)",
      "gradients/while/Mul_grad/Mul = Mul(gradients/while/Merge_1_grad/Switch:1, gradients/while/Mul_grad/Mul/Enter:0)",
      "gradients/while/Mul_grad/Mul_1/Const = Const()",
      "gradients/while/Mul_grad/Mul_1/f_acc = StackV2(gradients/while/Mul_grad/Mul_1/Const:0)",
      "gradients/while/Mul_grad/Mul_1/Enter = Enter(gradients/while/Mul_grad/Mul_1/f_acc:0)",
      "gradients/while/Mul_grad/Mul_1/StackPushV2 = StackPushV2(gradients/while/Mul_grad/Mul_1/Enter:0, while/Identity_1:0, ^gradients/Add)",
      "gradients/while/Mul_grad/Mul_1/StackPopV2/Enter = Enter(gradients/while/Mul_grad/Mul_1/f_acc:0)",
      "gradients/while/Mul_grad/Mul_1/StackPopV2 = StackPopV2(gradients/while/Mul_grad/Mul_1/StackPopV2/Enter:0, ^gradients/Sub)",
      "gradients/while/Mul_grad/Mul_1/b_sync = ControlTrigger(^gradients/while/Mul_grad/Mul_1/StackPopV2)",
      "gradients/while/Mul_grad/Mul_1 = Mul(gradients/while/Merge_1_grad/Switch:1, gradients/while/Mul_grad/Mul_1/StackPopV2:0)",
      // _SwitchGrad's second visit: the back edge (_AddNextAndBackEdge).
      "gradients/while/Switch_1_grad_1/NextIteration = NextIteration(gradients/while/Mul_grad/Mul:0)",
      // AddBackpropAccumulator for the loop invariant x.
      "gradients/while/Mul/Enter_grad/b_acc = Const()",
      "gradients/while/Mul/Enter_grad/b_acc_1 = Enter(gradients/while/Mul/Enter_grad/b_acc:0)",
      "gradients/while/Mul/Enter_grad/b_acc_2 = Merge(gradients/while/Mul/Enter_grad/b_acc_1:0, gradients/while/Mul/Enter_grad/NextIteration:0)",
      "gradients/while/Mul/Enter_grad/Switch = Switch(gradients/while/Mul/Enter_grad/b_acc_2:0, gradients/b_count_2:0)",
      "gradients/while/Mul/Enter_grad/Add = Add(gradients/while/Mul/Enter_grad/Switch:1, gradients/while/Mul_grad/Mul_1:0)",
      "gradients/while/Mul/Enter_grad/NextIteration = NextIteration(gradients/while/Mul/Enter_grad/Add:0)",
      "gradients/while/Mul/Enter_grad/b_acc_3 = Exit(gradients/while/Mul/Enter_grad/Switch:0)",
    ]);
    const graph = tf.getDefaultGraph();
    // The stack ops' frames: the forward loop's for the push, the gradient loop's for the pop.
    const frame = (name: string): unknown => graph.getOperationByName(name).attrs.frame_name;
    expect(frame("gradients/while/Mul_grad/Mul_1/Enter")).toBe("while/while_context");
    expect(frame("gradients/while/Mul_grad/Mul_1/StackPopV2/Enter")).toBe(
      "gradients/while/while_context",
    );
    using sess = new tf.Session();
    expect(sess.run(g as tf.Tensor).data[0]).toBeCloseTo(12);
  });

  it("under tf.controlDependencies: what waits on the dependencies, as in TF except the forward counter", () => {
    const x = tf.constant(2.0, { name: "x" });
    const [, v] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 3),
      (i: tf.Tensor, w: tf.Tensor) => [tf.add(i, 1), tf.multiply(w, x)],
      [tf.constant(0, { dtype: tf.int32, name: "i0" }), tf.constant(1.0, { name: "v0" })],
    ) as tf.Tensor[];
    // An op reading the loop's result, as UPDATE_OPS of a batch norm after a dynamic_rnn.
    const dep = tf.identity(v as tf.Tensor, "dep");
    const [g] = tf.controlDependencies([dep.op], () =>
      tf.gradients(v as tf.Tensor, [x]),
    ) as tf.Tensor[];
    expect(opLines("gradients/")).toEqual([
      // grad_ys: made in the dependency's block, they wait on it; all the gradients do.
      "gradients/Shape = Const(^dep)",
      "gradients/grad_ys_0 = Const(^dep)",
      "gradients/Fill = Fill(gradients/Shape:0, gradients/grad_ys_0:0)",
      // The forward counter: TF's gradients/f_count waits on dep and gradients/Add/y on an
      // Identity of it pulled into the forward loop; both made the forward loop wait on its own
      // result, and are left out (control_flow_v1_grad.ts, addForwardLoopCounter).
      "gradients/f_count = Const()",
      "gradients/f_count_1 = Enter(gradients/f_count:0)",
      "gradients/Merge = Merge(gradients/f_count_1:0, gradients/NextIteration:0)",
      "gradients/Switch = Switch(gradients/Merge:0, while/LoopCond:0)",
      "gradients/Add/y = Const(^while/Identity)",
      "gradients/Add = Add(gradients/Switch:1, gradients/Add/y:0)",
      "gradients/NextIteration = NextIteration(gradients/Add:0, ^gradients/while/Mul_grad/Mul_1/StackPushV2)",
      "gradients/f_count_2 = Exit(gradients/Switch:0)",
      // The backward counter: its 1 waits on dep, as in TF; so does its Enter, which in TF
      // waits through the forward counter instead.
      "gradients/b_count = Const(^dep)",
      "gradients/b_count_1 = Enter(gradients/f_count_2:0, ^dep)",
      "gradients/Merge_1 = Merge(gradients/b_count_1:0, gradients/NextIteration_1:0)",
      "gradients/GreaterEqual/Enter = Enter(gradients/b_count:0)",
      "gradients/GreaterEqual = GreaterEqual(gradients/Merge_1:0, gradients/GreaterEqual/Enter:0)",
      "gradients/b_count_2 = LoopCond(gradients/GreaterEqual:0)",
      "gradients/Switch_1 = Switch(gradients/Merge_1:0, gradients/b_count_2:0)",
      "gradients/Sub = Sub(gradients/Switch_1:1, gradients/GreaterEqual/Enter:0)",
      "gradients/NextIteration_1 = NextIteration(gradients/Sub:0, ^gradients/while/Mul_grad/Mul_1/b_sync)",
      "gradients/b_count_3 = Exit(gradients/Switch_1:0)",
      // The gradient loop's variables: made in the block after ops made there, they take no
      // control input (TF's dominated ops).
      "gradients/while/Exit_1_grad/b_exit = Enter(gradients/Fill:0)",
      "gradients/while/Switch_1_grad/b_switch = Merge(gradients/while/Exit_1_grad/b_exit:0, gradients/while/Switch_1_grad_1/NextIteration:0)",
      "gradients/while/Merge_1_grad/Switch = Switch(gradients/while/Switch_1_grad/b_switch:0, gradients/b_count_2:0)",
      "gradients/while/Enter_1_grad/Exit = Exit(gradients/while/Merge_1_grad/Switch:0)",
      "gradients/while/Mul_grad/Mul/Enter = Enter(x:0)",
      "gradients/while/Mul_grad/Mul = Mul(gradients/while/Merge_1_grad/Switch:1, gradients/while/Mul_grad/Mul/Enter:0)",
      // Stacks, made under control_dependencies(None) as in TF.
      "gradients/while/Mul_grad/Mul_1/Const = Const()",
      "gradients/while/Mul_grad/Mul_1/f_acc = StackV2(gradients/while/Mul_grad/Mul_1/Const:0)",
      "gradients/while/Mul_grad/Mul_1/Enter = Enter(gradients/while/Mul_grad/Mul_1/f_acc:0)",
      "gradients/while/Mul_grad/Mul_1/StackPushV2 = StackPushV2(gradients/while/Mul_grad/Mul_1/Enter:0, while/Identity_1:0, ^gradients/Add)",
      "gradients/while/Mul_grad/Mul_1/StackPopV2/Enter = Enter(gradients/while/Mul_grad/Mul_1/f_acc:0)",
      "gradients/while/Mul_grad/Mul_1/StackPopV2 = StackPopV2(gradients/while/Mul_grad/Mul_1/StackPopV2/Enter:0, ^gradients/Sub)",
      "gradients/while/Mul_grad/Mul_1/b_sync = ControlTrigger(^gradients/while/Mul_grad/Mul_1/StackPopV2)",
      "gradients/while/Mul_grad/Mul_1 = Mul(gradients/while/Merge_1_grad/Switch:1, gradients/while/Mul_grad/Mul_1/StackPopV2:0)",
      "gradients/while/Switch_1_grad_1/NextIteration = NextIteration(gradients/while/Mul_grad/Mul:0)",
      // The invariant's accumulator: its zeros wait on dep, as in TF.
      "gradients/while/Mul/Enter_grad/b_acc = Const(^dep)",
      "gradients/while/Mul/Enter_grad/b_acc_1 = Enter(gradients/while/Mul/Enter_grad/b_acc:0)",
      "gradients/while/Mul/Enter_grad/b_acc_2 = Merge(gradients/while/Mul/Enter_grad/b_acc_1:0, gradients/while/Mul/Enter_grad/NextIteration:0)",
      "gradients/while/Mul/Enter_grad/Switch = Switch(gradients/while/Mul/Enter_grad/b_acc_2:0, gradients/b_count_2:0)",
      "gradients/while/Mul/Enter_grad/Add = Add(gradients/while/Mul/Enter_grad/Switch:1, gradients/while/Mul_grad/Mul_1:0)",
      "gradients/while/Mul/Enter_grad/NextIteration = NextIteration(gradients/while/Mul/Enter_grad/Add:0)",
      "gradients/while/Mul/Enter_grad/b_acc_3 = Exit(gradients/while/Mul/Enter_grad/Switch:0)",
    ]);
    using sess = new tf.Session();
    expect(sess.run(g as tf.Tensor).data[0]).toBeCloseTo(12);
  });

  it("parallelIterations 1: no b_sync (TF makes it only for parallel iterations)", () => {
    const x = tf.constant(2.0, { name: "x" });
    const v = tf.whileLoop(
      (w: tf.Tensor) => tf.less(w, 10),
      (w: tf.Tensor) => tf.multiply(w, x),
      [tf.constant(1.0)],
      { parallelIterations: 1 },
    ) as tf.Tensor;
    const [g] = tf.gradients(v, [x]) as tf.Tensor[];
    expect(opLines("gradients/").filter((l) => l.includes("ControlTrigger"))).toEqual([]);
    expect(
      tf.getDefaultGraph().getOperationByName("gradients/while/Mul_grad/Mul_1/StackPopV2/Enter")
        .attrs.parallel_iterations,
    ).toBe(1);
    using sess = new tf.Session();
    // 1 → 2 → 4 → 8 → 16: v = x^4, dv/dx = 4 x^3.
    expect(sess.run(g as tf.Tensor).data[0]).toBeCloseTo(32);
  });

  it("an invariant of unknown shape: its b_acc zeros are shaped at run time (Shape, zeros)", () => {
    const x = tf.placeholder(tf.float32, [null], { name: "x" });
    const [, w] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 2),
      (i: tf.Tensor, y: tf.Tensor) => [tf.add(i, 1), tf.multiply(y, x)],
      [tf.constant(0, { dtype: tf.int32 }), tf.ones([3])],
      { name: "w" },
    ) as tf.Tensor[];
    const [g] = tf.gradients(tf.reduceSum(w as tf.Tensor), [x]) as tf.Tensor[];
    const acc = opLines("gradients/w/Mul/Enter_grad/").map(
      (l) => l.split(" = ")[0] + " " + l.split(" = ")[1]?.split("(")[0],
    );
    expect(acc).toEqual([
      "gradients/w/Mul/Enter_grad/Shape Shape",
      "gradients/w/Mul/Enter_grad/zeros/Const Const",
      "gradients/w/Mul/Enter_grad/zeros Fill",
      "gradients/w/Mul/Enter_grad/b_acc Enter",
      "gradients/w/Mul/Enter_grad/b_acc_1 Merge",
      "gradients/w/Mul/Enter_grad/Switch Switch",
      "gradients/w/Mul/Enter_grad/Add Add",
      "gradients/w/Mul/Enter_grad/NextIteration NextIteration",
      "gradients/w/Mul/Enter_grad/b_acc_2 Exit",
    ]);
    using sess = new tf.Session();
    // w = x^2 elementwise: dw/dx = 2x.
    const out = sess.run(g as tf.Tensor, new Map([[x, [1, 2, 3]]]));
    expect(Array.from(out.data as Float32Array)).toEqual([2, 4, 6]);
  });
});

describe("zeros for a branch's untaken side: TF 1.15's names", () => {
  it("outside loops (ZerosLikeOutsideLoop): Switch, Identity, Shape, zeros under the Identity", () => {
    const x = tf.placeholder(tf.float32, [2], { name: "x" });
    const p = tf.placeholder(tf.bool, [], { name: "p" });
    const y = tf.cond(
      p,
      () => tf.square(x),
      () => tf.constant([1.0, 1.0]),
    ) as tf.Tensor;
    const [g] = tf.gradients(y, [x]) as tf.Tensor[];
    expect(opLines("gradients/Switch").concat(opLines("gradients/Identity"))).toEqual([
      "gradients/Switch = Switch(x:0, cond/pred_id:0)",
      "gradients/Identity = Identity(gradients/Switch:0)",
    ]);
    expect(opLines("gradients/Shape_1")).toEqual(["gradients/Shape_1 = Shape(gradients/Switch:0)"]);
    expect(opLines("gradients/zeros")).toEqual([
      "gradients/zeros/Const = Const(^gradients/Identity)",
      "gradients/zeros = Fill(gradients/Shape_1:0, gradients/zeros/Const:0)",
    ]);
    using sess = new tf.Session();
    const run = (pv: boolean): number[] =>
      Array.from(
        sess.run(
          g as tf.Tensor,
          new Map<tf.Tensor, unknown>([
            [x, [1.5, -2]],
            [p, pv],
          ]),
        ).data as Float32Array,
      );
    expect(run(true)).toEqual([3, -4]);
    expect(run(false)).toEqual([0, 0]);
  });

  it("in a gradient loop (ControlFlowState.ZerosLike): Const switched on the popped predicate", () => {
    const x = tf.constant(2.0, { name: "x" });
    const [, v] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 3),
      (i: tf.Tensor, w: tf.Tensor) => [
        tf.add(i, 1),
        tf.cond(
          tf.less(i, 1),
          () => tf.multiply(w, x),
          () => tf.add(w, x),
        ),
      ],
      [tf.constant(0, { dtype: tf.int32 }), tf.constant(1.0)],
    ) as tf.Tensor[];
    const [g] = tf.gradients(v as tf.Tensor, [x]) as tf.Tensor[];
    const zeros = opLines("gradients/").filter((l) => /^gradients\/(Const|Switch_[2-9])/.test(l));
    expect(zeros).toEqual([
      "gradients/Const = Const(^gradients/Sub)",
      "gradients/Switch_2 = Switch(gradients/Const:0, gradients/while/cond/Merge_grad/StackPopV2:0)",
      "gradients/Const_1 = Const(^gradients/Sub)",
      "gradients/Switch_3 = Switch(gradients/Const_1:0, gradients/while/cond/Merge_grad/StackPopV2:0)",
      "gradients/Const_2 = Const(^gradients/Sub)",
      "gradients/Switch_4 = Switch(gradients/Const_2:0, gradients/while/cond/Merge_grad/StackPopV2:0)",
      "gradients/Const_3 = Const(^gradients/Sub)",
      "gradients/Switch_5 = Switch(gradients/Const_3:0, gradients/while/cond/Merge_grad/StackPopV2:0)",
    ]);
    // The predicate is pushed once and popped once (TF's history_map), in _MergeGrad's scope.
    expect(opLines("gradients/").filter((l) => l.includes("= StackPopV2("))).toHaveLength(3);
    using sess = new tf.Session();
    // v = x, then v + x twice: 3x.
    expect(sess.run(g as tf.Tensor).data[0]).toBeCloseTo(3);
  });
});
