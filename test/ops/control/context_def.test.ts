import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../../src/index.js";
import type { CondContext } from "../../../src/ops/control/cond.js";
import type { WhileContext } from "../../../src/ops/control/while_v1.js";
import { CondContextDef, WhileContextDef, type tensorflow } from "../../../src/proto/index.js";

/*
 * The `while_context` and `cond_context` collections, filled as TF 1.15's `while_loop` and
 * `cond` fill them (top-level contexts only), and what `to_proto` writes of each.
 */

beforeEach(() => tf.resetDefaultGraph());

const whiles = () => tf.getDefaultGraph().getCollection("while_context") as WhileContext[];
const conds = () => tf.getDefaultGraph().getCollection("cond_context") as CondContext[];

describe("while_context", () => {
  it("a top-level loop: its WhileContextDef, as TF's to_proto writes it", () => {
    const x = tf.placeholder(tf.float32, [], { name: "x" });
    tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 10),
      (i: tf.Tensor, v: tf.Tensor) => [tf.add(i, 1), tf.multiply(v, x)],
      [tf.constant(0, { dtype: tf.int32 }), tf.constant(1, { dtype: tf.float32 })],
      { maximumIterations: 5 },
    );
    expect(tf.GraphKeys.WHILE_CONTEXT).toBe("while_context");
    expect(whiles()).toHaveLength(1);
    const def = (whiles()[0] as WhileContext).toProto();
    expect(def).toMatchObject({
      contextName: "while/while_context",
      parallelIterations: 10,
      backProp: true,
      swapMemory: false,
      pivotName: "while/LoopCond:0",
      pivotForPredName: "while/Merge:0",
      pivotForBodyName: "while/Identity:0",
      loopEnterNames: ["while/Enter:0", "while/Enter_1:0", "while/Enter_2:0"],
      loopExitNames: ["while/Exit:0", "while/Exit_1:0", "while/Exit_2:0"],
      maximumIterationsName: "while/maximum_iterations:0",
      nestedContexts: [],
    });
    const values = def?.valuesDef?.values ?? [];
    expect(values).toEqual([...values].sort());
    for (const v of ["while/Mul:0", "while/NextIteration_2:0", "while/Exit_1:0", "x:0"]) {
      expect(values).toContain(v);
    }
    expect(def?.valuesDef?.externalValues).toEqual({
      "while/maximum_iterations:0": "while/Less/Enter:0",
      "x:0": "while/Mul/Enter:0",
    });
    // It encodes as TF's message.
    const back = WhileContextDef.fromBinary(WhileContextDef.toBinary(def!));
    expect(back.pivotName).toBe("while/LoopCond:0");
  });

  it("a nested loop is described inside the outer one; export scopes strip names", () => {
    tf.nameScope("model", () =>
      tf.whileLoop(
        (i: tf.Tensor) => tf.less(i, 3),
        (i: tf.Tensor) => [
          tf.whileLoop(
            (j: tf.Tensor) => tf.less(j, 2),
            (j: tf.Tensor) => [tf.add(j, 1)],
            [i],
          ) as tf.Tensor,
        ],
        [tf.constant(0, { dtype: tf.int32 })],
      ),
    );
    expect(whiles()).toHaveLength(1);
    const outer = whiles()[0] as WhileContext;
    expect(outer.toProto("other")).toBeNull();
    const def = outer.toProto("model");
    expect(def?.contextName).toBe("while/while_context");
    expect(def?.nestedContexts?.map((c) => c.whileCtxt?.contextName)).toEqual([
      "while/while/while_context",
    ]);
    expect(def?.nestedContexts?.[0]?.whileCtxt?.pivotName).toBe("while/while/LoopCond:0");
  });

  it("dynamicRnn's loop; gradient loops are not added; a failed loop adds nothing", () => {
    const x = tf.placeholder(tf.float32, [2, null, 3]);
    const [outputs] = tf.nn.dynamicRnn(new tf.nn.rnnCell.GRUCell(2), x, { dtype: tf.float32 });
    tf.gradients(tf.reduceSum(outputs), tf.trainableVariables());
    expect(whiles().map((c) => c.toProto()?.contextName)).toEqual(["rnn/while/while_context"]);
    expect(whiles()[0]?.toProto()?.maximumIterationsName).toBe("rnn/strided_slice:0");
    expect(whiles()[0]?.toProto()?.parallelIterations).toBe(32);
    expect(() =>
      tf.whileLoop(
        (i: tf.Tensor) => tf.less(i, 3),
        () => [tf.constant(1, { dtype: tf.float32 })],
        [tf.constant(0, { dtype: tf.int32 })],
      ),
    ).toThrow();
    expect(whiles()).toHaveLength(1);
  });
});

describe("cond_context", () => {
  it("both branches of a top-level cond, as TF's to_proto writes them", () => {
    const x = tf.placeholder(tf.float32, [], { name: "x" });
    const y = tf.placeholder(tf.float32, [], { name: "y" });
    tf.cond(
      tf.greater(x, 0),
      () => tf.multiply(x, 2),
      () =>
        tf.cond(
          tf.less(y, 0),
          () => tf.negative(y),
          () => tf.identity(x),
        ),
    );
    expect(tf.GraphKeys.COND_CONTEXT).toBe("cond_context");
    expect(conds()).toHaveLength(2);
    const [t, f] = conds().map((c) => c.toProto()) as tensorflow.CondContextDef.$Shape[];
    expect(t).toMatchObject({
      contextName: "cond/cond_text",
      predName: "cond/pred_id:0",
      pivotName: "cond/switch_t:0",
      branch: 1,
      nestedContexts: [],
    });
    expect(t?.valuesDef?.externalValues).toEqual({
      "cond/pred_id:0": "cond/pred_id:0",
      "x:0": "cond/Mul/Switch:1",
    });
    expect(t?.valuesDef?.values).toEqual(
      [
        "cond/Mul/Switch:1",
        "cond/Mul/y:0",
        "cond/Mul:0",
        "cond/pred_id:0",
        "cond/switch_t:0",
        "x:0",
      ].sort(),
    );
    expect(f).toMatchObject({
      contextName: "cond/cond_text_1",
      pivotName: "cond/switch_f:0",
      branch: 0,
    });
    // The inner cond is nested in the false branch, not in the collection.
    expect(f?.nestedContexts?.map((c) => c.condCtxt?.contextName)).toEqual([
      "cond/cond/cond_text",
      "cond/cond/cond_text_1",
    ]);
    expect(CondContextDef.fromBinary(CondContextDef.toBinary(f!)).branch).toBe(0);
  });
});
