/*
 * References in control flow, as TF 1.15 builds them: a variable an op of a `tf.cond` branch
 * assigns to goes through a `RefSwitch` (`_SwitchRefOrTensor`), one a loop body assigns to
 * enters through a `RefEnter` (`_Enter` with a reference), and a reference loop variable
 * makes `RefMerge`, `RefSwitch`, `RefIdentity`, `RefNextIteration` and `RefExit`
 * (control_flow_ops_py_test.py's testCondRef, testCondWithControl-style assignments,
 * testWhileWithRefs).
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../../src/index.js";
import { getGradientFunction, getOpDef } from "../../../src/ops/registry.js";
import { expectThrowsAndUnchanged } from "../../graph/helpers.js";
import { mergeOp, refIdentityOp, switchOp } from "../../../src/ops/control/control_flow_ops.js";

beforeEach(() => tf.resetDefaultGraph());

function opLines(prefix: string): string[] {
  return tf
    .getDefaultGraph()
    .getOperations()
    .filter((o) => o.name.startsWith(prefix))
    .map((o) => {
      const controls = o.controlInputs.map((c) => `^${c.name}`);
      const types = o.outputs.map((t) => t.dtypeName).join(", ");
      return `${o.name} = ${o.type}(${[...o.inputs.map((t) => t.name), ...controls].join(", ")}) -> [${types}]`;
    });
}

const scalar = (v: tf.NDArray): number => Number((v.data as ArrayLike<number>)[0]);

describe("tf.cond: a branch assigning to a variable (RefSwitch)", () => {
  it("the variable goes through cond/Assign/Switch, a RefSwitch on cond/pred_id", () => {
    const v = new tf.Variable(tf.constant(0.0), { name: "v" });
    const p = tf.placeholder(tf.bool, [], { name: "p" });
    tf.cond(
      p,
      () => tf.assign(v, 1.0),
      () => tf.constant(2.0),
    );
    expect(opLines("cond/")).toEqual([
      "cond/Switch = Switch(p:0, p:0) -> [bool, bool]",
      "cond/switch_t = Identity(cond/Switch:1) -> [bool]",
      "cond/switch_f = Identity(cond/Switch:0) -> [bool]",
      "cond/pred_id = Identity(p:0) -> [bool]",
      "cond/Assign/value = Const(^cond/switch_t) -> [float32]",
      "cond/Assign/Switch = RefSwitch(v:0, cond/pred_id:0) -> [float32_ref, float32_ref]",
      "cond/Assign = Assign(cond/Assign/Switch:1, cond/Assign/value:0) -> [float32_ref]",
      "cond/Const = Const(^cond/switch_f) -> [float32]",
      "cond/Merge = Merge(cond/Const:0, cond/Assign:0) -> [float32, int32]",
    ]);
    const sw = tf.getDefaultGraph().getOperationByName("cond/Assign/Switch");
    expect(sw.attrs.T).toBe("float32");
    expect(sw.controlFlowContext).not.toBeNull();
  });

  it("only the taken branch assigns; the merged value is the taken branch's", () => {
    const v = new tf.Variable(tf.constant(0.0), { name: "v" });
    const p = tf.placeholder(tf.bool, []);
    // The assignment is in the false branch: its (reference) output is the Merge's input 0,
    // dead when the true branch is taken.
    const r = tf.cond(
      p,
      () => tf.constant(5.0),
      () => tf.assign(v, 1.0),
    ) as tf.Tensor;
    using sess = new tf.Session();
    sess.run(v.initializer);
    expect(scalar(sess.run(r, new Map([[p, true]])))).toBe(5);
    expect(scalar(sess.run(v.value()))).toBe(0);
    expect(scalar(sess.run(r, new Map([[p, false]])))).toBe(1);
    expect(scalar(sess.run(v.value()))).toBe(1);
  });

  it("both branches assign: a RefMerge; each run assigns once", () => {
    const v = new tf.Variable(tf.constant(0.0), { name: "v" });
    const p = tf.placeholder(tf.bool, []);
    const r = tf.cond(
      p,
      () => tf.assignAdd(v, 10.0),
      () => tf.assignSub(v, 1.0),
    ) as tf.Tensor;
    expect(r.op.type).toBe("RefMerge");
    expect(r.dtypeName).toBe("float32_ref");
    expect(r.op.inputs.map((t) => t.op.type)).toEqual(["AssignSub", "AssignAdd"]);
    using sess = new tf.Session();
    sess.run(v.initializer);
    expect(scalar(sess.run(r, new Map([[p, true]])))).toBe(10);
    expect(scalar(sess.run(r, new Map([[p, false]])))).toBe(9);
    expect(scalar(sess.run(r, new Map([[p, false]])))).toBe(8);
    expect(scalar(sess.run(v.value()))).toBe(8);
  });

  it("RefSwitch allows an uninitialized variable: the taken branch initializes it", () => {
    const v = new tf.Variable(tf.constant(0.0), { name: "v" });
    const p = tf.placeholder(tf.bool, []);
    const init = tf.cond(
      p,
      () => tf.assign(v, 3.0),
      () => tf.constant(-1.0),
    ) as tf.Tensor;
    using sess = new tf.Session();
    expect(scalar(sess.run(init, new Map([[p, false]])))).toBe(-1);
    expect(() => sess.run(v.value())).toThrow(tf.errors.FailedPreconditionError);
    expect(scalar(sess.run(init, new Map([[p, true]])))).toBe(3);
    expect(scalar(sess.run(v.value()))).toBe(3);
  });

  it("an assignment run for its effect (tf.group) in a branch", () => {
    const v = new tf.Variable(tf.constant(0.0), { name: "v" });
    const p = tf.placeholder(tf.bool, []);
    const op = tf.cond(
      p,
      () => tf.group([tf.assignAdd(v, 1.0)]),
      () => tf.noOp(),
    ) as tf.Tensor;
    using sess = new tf.Session();
    sess.run(v.initializer);
    sess.run(op, new Map([[p, true]]));
    sess.run(op, new Map([[p, false]]));
    sess.run(op, new Map([[p, true]]));
    expect(scalar(sess.run(v.value()))).toBe(2);
  });

  it("nested conds: the inner RefSwitch switches the outer one's output", () => {
    const v = new tf.Variable(tf.constant(0.0), { name: "v" });
    const p = tf.placeholder(tf.bool, [], { name: "p" });
    const q = tf.placeholder(tf.bool, [], { name: "q" });
    const r = tf.cond(
      p,
      () =>
        tf.cond(
          q,
          () => tf.assignAdd(v, 1.0),
          () => tf.constant(-1.0),
        ),
      () => tf.constant(-2.0),
    ) as tf.Tensor;
    // The outer branch switches first (`cond/cond/AssignAdd/Switch`, on the outer predicate),
    // then the inner one, on its own.
    const outer = tf.getDefaultGraph().getOperationByName("cond/cond/AssignAdd/Switch");
    const inner = tf.getDefaultGraph().getOperationByName("cond/cond/AssignAdd/Switch_1");
    expect([outer.type, inner.type]).toEqual(["RefSwitch", "RefSwitch"]);
    expect(outer.inputs.map((t) => t.name)).toEqual(["v:0", "cond/pred_id:0"]);
    expect(inner.inputs.map((t) => t.name)).toEqual([
      "cond/cond/AssignAdd/Switch:1",
      "cond/cond/pred_id:0",
    ]);
    using sess = new tf.Session();
    sess.run(v.initializer);
    const run = (pv: boolean, qv: boolean): number =>
      scalar(
        sess.run(
          r,
          new Map([
            [p, pv],
            [q, qv],
          ]),
        ),
      );
    expect([run(true, true), run(true, false), run(false, true), run(true, true)]).toEqual([
      1, -1, -2, 2,
    ]);
    expect(scalar(sess.run(v.value()))).toBe(2);
  });

  it("a differentiable branch value next to an assignment: the gradient flows as TF's", () => {
    const v = new tf.Variable(tf.constant(0.0), { name: "v" });
    const p = tf.placeholder(tf.bool, []);
    const x = tf.placeholder(tf.float32, []);
    const y = tf.cond(
      p,
      () => {
        const a = tf.assign(v, x);
        return tf.getDefaultGraph().controlDependencies([a.op], () => tf.multiply(x, x));
      },
      () => tf.multiply(x, 3.0),
    ) as tf.Tensor;
    const [g] = tf.gradients(y, [x]) as tf.Tensor[];
    using sess = new tf.Session();
    sess.run(v.initializer);
    const feed = (pv: boolean, xv: number): Map<tf.Tensor, unknown> =>
      new Map<tf.Tensor, unknown>([
        [p, pv],
        [x, xv],
      ]);
    expect(scalar(sess.run(g as tf.Tensor, feed(true, 2.5)))).toBeCloseTo(5);
    // The gradient reads x, not y: the assignment runs with y only.
    expect(scalar(sess.run(v.value()))).toBe(0);
    expect(scalar(sess.run(g as tf.Tensor, feed(false, 4)))).toBeCloseTo(3);
    expect(scalar(sess.run(y, feed(true, 2.5)))).toBeCloseTo(6.25);
    expect(scalar(sess.run(v.value()))).toBeCloseTo(2.5);
  });
});

describe("tf.whileLoop: a body assigning to a variable (RefEnter)", () => {
  it("the variable enters once, as a loop invariant RefEnter named after its reader", () => {
    const v = new tf.Variable(tf.constant(0.0), { name: "v" });
    const r = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 4),
      (i: tf.Tensor) => {
        const a = tf.assignAdd(v, 1.0);
        const b = tf.assignAdd(v, 0.5);
        return tf.getDefaultGraph().controlDependencies([a.op, b.op], () => tf.add(i, 1));
      },
      [tf.constant(0, { dtype: tf.int32 })],
      { parallelIterations: 3 },
    ) as tf.Tensor;
    const enter = tf.getDefaultGraph().getOperationByName("while/AssignAdd/Enter");
    expect(enter.type).toBe("RefEnter");
    expect(enter.inputs.map((t) => t.name)).toEqual(["v:0"]);
    expect(enter.outputs[0]?.dtypeName).toBe("float32_ref");
    expect(enter.attrs).toMatchObject({
      T: "float32",
      frame_name: "while/while_context",
      is_constant: true,
      parallel_iterations: 3,
    });
    // The second reader uses the same RefEnter.
    expect(opLines("while/").filter((l) => l.includes("RefEnter"))).toHaveLength(1);
    expect(tf.getDefaultGraph().getOperationByName("while/AssignAdd_1").inputs[0]?.op.name).toBe(
      "while/AssignAdd/Enter",
    );
    using sess = new tf.Session();
    sess.run(v.initializer);
    expect(scalar(sess.run(r))).toBe(4);
    expect(scalar(sess.run(v.value()))).toBe(6);
  });

  it("a cond in the body: RefEnter, then RefSwitch; odd iterations assign", () => {
    const v = new tf.Variable(tf.constant(0, { dtype: tf.int32 }), { name: "v" });
    const r = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 5),
      (i: tf.Tensor) => {
        const odd = tf.equal(tf.floormod(i, 2), 1);
        const c = tf.cond(
          odd,
          () => tf.assignAdd(v, i),
          () => tf.constant(0, { dtype: tf.int32 }),
        ) as tf.Tensor;
        return tf.add(i, tf.sign(tf.add(tf.abs(c), 1)));
      },
      [tf.constant(0, { dtype: tf.int32 })],
    ) as tf.Tensor;
    const sw = tf.getDefaultGraph().getOperationByName("while/cond/AssignAdd/Switch");
    expect(sw.type).toBe("RefSwitch");
    expect(sw.inputs[0]?.op.type).toBe("RefEnter");
    using sess = new tf.Session();
    sess.run(v.initializer);
    expect(scalar(sess.run(r))).toBe(5);
    expect(scalar(sess.run(v.value()))).toBe(1 + 3);
  });

  it("a reference loop variable: RefEnter, RefMerge, RefSwitch, RefIdentity, RefNextIteration, RefExit", () => {
    const v = new tf.Variable(tf.constant(0.0), { name: "v" });
    const r = tf.whileLoop(
      (x: tf.Tensor) => tf.less(x, 3.0),
      (x: tf.Tensor) => tf.assignAdd(x, 1.0),
      [tf.assign(v, 1.0)],
    ) as tf.Tensor;
    expect(opLines("while/").filter((l) => !l.startsWith("while/Less"))).toEqual([
      "while/Enter = RefEnter(Assign:0) -> [float32_ref]",
      "while/Merge = RefMerge(while/Enter:0, while/NextIteration:0) -> [float32_ref, int32]",
      "while/LoopCond = LoopCond(while/Less:0) -> [bool]",
      "while/Switch = RefSwitch(while/Merge:0, while/LoopCond:0) -> [float32_ref, float32_ref]",
      "while/Identity = RefIdentity(while/Switch:1) -> [float32_ref]",
      "while/AssignAdd/value = Const(^while/Identity) -> [float32]",
      "while/AssignAdd = AssignAdd(while/Identity:0, while/AssignAdd/value:0) -> [float32_ref]",
      "while/NextIteration = RefNextIteration(while/AssignAdd:0) -> [float32_ref]",
      "while/Exit = RefExit(while/Switch:0) -> [float32_ref]",
    ]);
    expect(r.dtypeName).toBe("float32_ref");
    using sess = new tf.Session();
    sess.run(v.initializer);
    expect(scalar(sess.run(r))).toBe(3);
    expect(scalar(sess.run(v.value()))).toBe(3);
  });

  it("a reference loop variable whose body returns a value: TF's input type error, graph unchanged", () => {
    const v = new tf.Variable(tf.constant(0.0), { name: "v" });
    const start = tf.assign(v, 1.0);
    expectThrowsAndUnchanged(
      () =>
        tf.whileLoop(
          (x: tf.Tensor) => tf.less(x, 3.0),
          (x: tf.Tensor) => tf.add(x, 1.0),
          [start],
        ),
      tf.errors.InvalidArgumentError,
      "Input 1 of node while/Merge was passed float32 from while/NextIteration:0 incompatible with expected float32_ref.",
    );
  });
});

describe("the Ref ops: OpDefs, gradients, export and import", () => {
  it("OpDefs as TF 1.15 registers them", () => {
    const sw = getOpDef("RefSwitch");
    expect(sw?.inputArg?.map((a) => [a.name, a.isRef === true])).toEqual([
      ["data", true],
      ["pred", false],
    ]);
    expect(sw?.allowsUninitializedInput).toBe(true);
    expect(getOpDef("RefMerge")?.inputArg?.[0]).toMatchObject({
      name: "inputs",
      numberAttr: "N",
      isRef: true,
    });
    expect(getOpDef("RefEnter")?.attr?.map((a) => a.name)).toEqual([
      "T",
      "frame_name",
      "is_constant",
      "parallel_iterations",
    ]);
    for (const type of ["RefExit", "RefNextIteration", "RefIdentity"]) {
      expect(getOpDef(type)?.outputArg?.[0]?.isRef).toBe(true);
    }
  });

  it("gradients registered as TF's control_flow_grad.py does (the non-Ref op's function)", () => {
    for (const [ref, plain] of [
      ["RefSwitch", "Switch"],
      ["RefMerge", "Merge"],
      ["RefExit", "Exit"],
      ["RefEnter", "Enter"],
      ["RefNextIteration", "NextIteration"],
    ] as const) {
      expect(getGradientFunction(ref)).toBe(getGradientFunction(plain));
    }
    expect(typeof getGradientFunction("RefIdentity")).toBe("function");
  });

  it("export and import: the imported cond and loop assign as the built ones", () => {
    const v = new tf.Variable(tf.constant(0.0), { name: "v" });
    const p = tf.placeholder(tf.bool, [], { name: "p" });
    tf.cond(
      p,
      () => tf.assignAdd(v, 1.0),
      () => tf.constant(0.0),
      { name: "c" },
    );
    tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 3),
      (i: tf.Tensor) => {
        const a = tf.assignAdd(v, 10.0);
        return tf.getDefaultGraph().controlDependencies([a.op], () => tf.add(i, 1));
      },
      [tf.constant(0, { dtype: tf.int32 })],
      { name: "w" },
    );
    const def = tf.getDefaultGraph().asGraphDef();
    const nodes = new Map((def.node ?? []).map((n) => [n.name, n]));
    expect(nodes.get("c/AssignAdd/Switch")?.op).toBe("RefSwitch");
    expect(nodes.get("c/AssignAdd/Switch")?.input).toEqual(["v", "c/pred_id"]);
    expect(nodes.get("w/AssignAdd/Enter")?.op).toBe("RefEnter");
    const bytes = tf.GraphDef.toBinary(def);

    const g = new tf.Graph();
    g.asDefault(() => {
      tf.importGraphDef(tf.GraphDef.fromBinary(bytes), { name: "" });
      expect(g.getOperationByName("c/AssignAdd/Switch").outputs[1]?.dtypeName).toBe("float32_ref");
      using sess = new tf.Session({ graph: g });
      sess.run(g.getOperationByName("v/Assign"));
      const read = g.getTensorByName("v/read:0");
      const merged = g.getTensorByName("c/Merge:0");
      const pIn = g.getTensorByName("p:0");
      expect(scalar(sess.run(merged, new Map([[pIn, true]])))).toBe(1);
      expect(scalar(sess.run(merged, new Map([[pIn, false]])))).toBe(0);
      expect(scalar(sess.run(read))).toBe(1);
      sess.run(g.getTensorByName("w/Exit:0"));
      expect(scalar(sess.run(read))).toBe(31);
    });
  });
});

describe("TF's control_flow_ops_py_test.py cases with references", () => {
  it("testCondRef: a branch returning an uninitialized variable's reference, not taken", () => {
    const x = new tf.Variable(tf.zeros([1]), { name: "x" });
    const r = tf.cond(
      tf.constant(false),
      () => x.refTensor,
      () => tf.constant([2.0]),
    ) as tf.Tensor;
    expect(tf.getDefaultGraph().getOperationByName("cond/Switch_1").type).toBe("RefSwitch");
    using sess = new tf.Session();
    expect(Array.from(sess.run(r).data as Float32Array)).toEqual([2]);
  });

  it("testUninitializedRefIdentity: ref_switch on is_variable_initialized, ref_identity as control", () => {
    const graph = tf.getDefaultGraph();
    const v = new tf.Variable(tf.zeros([1]), { name: "v" });
    const inited = tf.isVariableInitialized(v);
    const [vF, vT] = switchOp(v.refTensor, inited, { name: "RefSwitch" });
    expect((vF as tf.Tensor).op.type).toBe("RefSwitch");
    const vFOp = refIdentityOp(vF as tf.Tensor, { name: "RefIdentity" });
    const vTOp = refIdentityOp(vT as tf.Tensor, { name: "RefIdentity" });
    const assignV = graph.controlDependencies([vFOp.op], () => tf.assign(v, [1.0]));
    const origV = graph.controlDependencies([vTOp.op], () => tf.identity(v.refTensor));
    const [merged] = mergeOp([assignV, origV], { name: "Merge" });
    using sess = new tf.Session();
    expect(Array.from(sess.run(merged as tf.Tensor).data as Float32Array)).toEqual([1]);
    // Initialized now: the other side runs, the assignment does not.
    sess.run(tf.assign(v, [7.0]));
    expect(Array.from(sess.run(merged as tf.Tensor).data as Float32Array)).toEqual([7]);
  });

  it("testWhileWithRefs_1: a reference loop variable carried by ref_identity", () => {
    const x = new tf.Variable(tf.constant(0, { dtype: tf.int32 }), { name: "x" });
    const xRef = x.refTensor;
    expect(xRef.dtypeName).toBe("int32_ref");
    const seen: string[] = [];
    const r = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 100),
      (i: tf.Tensor, xi: tf.Tensor) => {
        seen.push(xi.dtypeName);
        return [tf.add(i, 1), refIdentityOp(xi, { name: "RefIdentity" })];
      },
      [tf.constant(0, { dtype: tf.int32 }), xRef],
      { parallelIterations: 5 },
    ) as tf.Tensor[];
    expect(seen).toEqual(["int32_ref"]);
    expect(r.map((t) => t.dtypeName)).toEqual(["int32", "int32_ref"]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const [vi, vx] = sess.run(r) as tf.NDArray[];
    expect([scalar(vi as tf.NDArray), scalar(vx as tf.NDArray)]).toEqual([100, 0]);
  });
});
