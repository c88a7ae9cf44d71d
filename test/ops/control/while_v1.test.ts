import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../../src/index.js";
import {
  enterOp,
  exitOp,
  loopCondOp,
  mergeOp,
  nextIterationOp,
  switchOp,
} from "../../../src/ops/control/control_flow_ops.js";
import { expectThrowsAndUnchanged } from "../../graph/helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const int = (v: number, name?: string): tf.Tensor =>
  tf.constant(v, { dtype: tf.int32, ...(name === undefined ? {} : { name }) });

function opLines(): string[] {
  return tf
    .getDefaultGraph()
    .getOperations()
    .map((o) => {
      const controls = o.controlInputs.map((c) => `^${c.name}`);
      return `${o.name} = ${o.type}(${[...o.inputs.map((t) => t.name), ...controls].join(", ")})`;
    });
}

describe("tf.whileLoop: the graph TF 1.15 builds", () => {
  it("Enter, Merge, LoopCond, Switch, Identity, NextIteration, Exit; captures enter once", () => {
    const n = tf.placeholder(tf.int32, [], { name: "n" });
    tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, n),
      (i: tf.Tensor) => tf.add(i, 1),
      [int(0, "i0")],
    );
    expect(opLines()).toEqual([
      "n = Placeholder()",
      "i0 = Const()",
      "while/Enter = Enter(i0:0)",
      "while/Merge = Merge(while/Enter:0, while/NextIteration:0)",
      "while/Less/Enter = Enter(n:0)",
      "while/Less = Less(while/Merge:0, while/Less/Enter:0)",
      "while/LoopCond = LoopCond(while/Less:0)",
      "while/Switch = Switch(while/Merge:0, while/LoopCond:0)",
      "while/Identity = Identity(while/Switch:1)",
      "while/Add/y = Const(^while/Identity)",
      "while/Add = Add(while/Identity:0, while/Add/y:0)",
      "while/NextIteration = NextIteration(while/Add:0)",
      "while/Exit = Exit(while/Switch:0)",
    ]);
    const g = tf.getDefaultGraph();
    const enter = g.getOperationByName("while/Enter");
    expect(enter.attrs).toEqual({
      T: "int32",
      frame_name: "while/while_context",
      is_constant: false,
      parallel_iterations: 10,
    });
    expect(g.getOperationByName("while/Less/Enter").attrs.is_constant).toBe(true);
  });

  it("an op of the body is not fetchable; a loop value read outside is TF's error", () => {
    const r = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 3),
      (i: tf.Tensor) => tf.add(i, 1),
      [int(0)],
    ) as tf.Tensor;
    const inner = tf.getDefaultGraph().getTensorByName("while/Add:0");
    using sess = new tf.Session();
    expect(sess.run(r).item()).toBe(3);
    expect(() => sess.run(inner)).toThrow(
      "Operation 'while/Add' has been marked as not fetchable.",
    );
    expectThrowsAndUnchanged(
      () => tf.add(inner, 1, { name: "outside" }),
      tf.errors.ValueError,
      "Cannot use 'while/Add' as input to 'outside' because 'while/Add' is in a while loop. See info log for more details.",
    );
  });
  it("built under tf.controlDependencies: an op waits on the pivot, then on the outer ops pulled in", () => {
    const v = tf.getVariable("seen", [], { initializer: tf.zerosInitializer() });
    const outer = tf.assignAdd(v, 1, { name: "outer" });
    const r = tf.controlDependencies([outer.op], () =>
      tf.whileLoop(
        (i: tf.Tensor) => tf.less(i, 3),
        (i: tf.Tensor) => tf.add(i, 1),
        [int(0)],
      ),
    ) as tf.Tensor;
    const g = tf.getDefaultGraph();
    // TF's _AddOpInternal: the outer control input removed, the pivot added (an op without
    // inputs, or reading loop invariants only), then an Identity of the outer op's output
    // pulled into the loop through an Enter.
    const pulledIn = (name: string): void => {
      const op = g.getOperationByName(name);
      expect(op.type).toBe("Identity");
      expect(op.inputs[0]?.op.type).toBe("RefEnter");
      expect(op.inputs[0]?.op.inputs[0]?.name).toBe("outer:0");
    };
    const controls = (name: string): string[] =>
      g.getOperationByName(name).controlInputs.map((c) => c.name);
    // Named in the scope the Const is made in: TF's `constant` has no name scope of its own.
    expect(controls("while/Less/y")).toEqual(["while/Merge", "while/Less/Identity"]);
    pulledIn("while/Less/Identity");
    expect(controls("while/Add/y")).toEqual(["while/Identity_1", "while/Add/Identity"]);
    pulledIn("while/Add/Identity");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect(sess.run(r).item()).toBe(3);
    expect(sess.run(v).item()).toBe(1);
  });
  it("tf.controlDependencies(null) in the body makes its ops outside the loop, as TF does", () => {
    let made: tf.Tensor | null = null;
    const r = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 3),
      (i: tf.Tensor) => {
        made = tf.controlDependencies(null, () => tf.constant(2, { dtype: tf.int32, name: "two" }));
        return tf.add(i, made);
      },
      [int(0)],
    ) as tf.Tensor;
    const g = tf.getDefaultGraph();
    const two = made as unknown as tf.Tensor;
    expect(two.name).toBe("while/two:0");
    expect(two.op.controlFlowContext).toBeNull();
    expect(two.op.controlInputs).toEqual([]);
    // Read in the body through an Enter, as any outer value.
    expect(g.getOperationByName("while/Add").inputs[1]?.op.name).toBe("while/Add/Enter");
    using sess = new tf.Session();
    expect(sess.run(r).item()).toBe(4);
  });
});

describe("tf.whileLoop: values", () => {
  it("several loop variables, nested structures, a single variable unpacked", () => {
    const n = tf.placeholder(tf.int32, [], { name: "n" });
    const out = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, n),
      (i: tf.Tensor, s: { a: tf.Tensor; b: tf.Tensor[] }) => [
        tf.add(i, 1),
        { a: tf.add(s.a, tf.cast(i, tf.float32)), b: [tf.multiply(s.b[0] as tf.Tensor, 2)] },
      ],
      [int(0), { a: tf.constant(0), b: [tf.constant(1)] }],
    ) as [tf.Tensor, { a: tf.Tensor; b: tf.Tensor[] }];
    using sess = new tf.Session();
    const got = sess.run([out[0], out[1].a, out[1].b[0] as tf.Tensor], new Map([[n, 4]]));
    expect(got.map((v) => (v as tf.NDArray).item())).toEqual([4, 6, 16]);
    const single = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 3),
      (i: tf.Tensor) => tf.add(i, 1),
      [int(0)],
    );
    expect(single).toBeInstanceOf(tf.Tensor);
    const same = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 3),
      (i: tf.Tensor) => [tf.add(i, 1)],
      [int(0)],
      { returnSameStructure: true },
    );
    expect(Array.isArray(same)).toBe(true);
  });

  it("maximumIterations stops the loop (iteration_counter, LogicalAnd)", () => {
    const r = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 100),
      (i: tf.Tensor) => tf.add(i, 1),
      [int(0)],
      { maximumIterations: 7 },
    ) as tf.Tensor;
    using sess = new tf.Session();
    expect(sess.run(r).item()).toBe(7);
    const names = tf
      .getDefaultGraph()
      .getOperations()
      .map((o) => o.name);
    expect(names).toContain("while/iteration_counter");
    expect(names).toContain("while/LogicalAnd");
  });

  it("shape invariants let a loop variable grow", () => {
    const r = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 3),
      (i: tf.Tensor, x: tf.Tensor) => [tf.add(i, 1), tf.concat([x, x], 0)],
      [int(0), tf.ones([1, 2])],
      { shapeInvariants: [new tf.TensorShape([]), new tf.TensorShape([null, 2])] },
    ) as tf.Tensor[];
    expect((r[1] as tf.Tensor).shape.toString()).toBe("(?, 2)");
    using sess = new tf.Session();
    expect(sess.run(r[1] as tf.Tensor).shape).toEqual([8, 2]);
  });

  it("nested loops, a cond in a loop, a loop in a branch", () => {
    const n = tf.placeholder(tf.int32, [], { name: "n" });
    const p = tf.placeholder(tf.bool, [], { name: "p" });
    const [, total] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, n),
      (i: tf.Tensor, t: tf.Tensor) => {
        const [, inner] = tf.whileLoop(
          (j: tf.Tensor) => tf.less(j, i),
          (j: tf.Tensor, u: tf.Tensor) => [tf.add(j, 1), tf.add(u, 1)],
          [int(0), t],
        ) as tf.Tensor[];
        const bumped = tf.cond(
          tf.equal(tf.floormod(i, 2), 0),
          () => tf.add(inner as tf.Tensor, 100),
          () => inner as tf.Tensor,
        ) as tf.Tensor;
        return [tf.add(i, 1), bumped];
      },
      [int(0), int(0)],
    ) as tf.Tensor[];
    const gated = tf.cond(
      p,
      () =>
        tf.whileLoop(
          (k: tf.Tensor) => tf.less(k, 5),
          (k: tf.Tensor) => tf.add(k, 2),
          [int(0)],
        ),
      () => int(-1),
    ) as tf.Tensor;
    using sess = new tf.Session();
    // i = 0..4: adds i each time (0+1+2+3+4 = 10) and 100 at i = 0, 2, 4.
    expect(sess.run(total as tf.Tensor, new Map([[n, 5]])).item()).toBe(310);
    expect(sess.run(gated, new Map([[p, true]])).item()).toBe(6);
    expect(sess.run(gated, new Map([[p, false]])).item()).toBe(-1);
  });

  it("a loop made of the primitives alone (as an imported graph has it) runs from its ops", () => {
    const g = tf.getDefaultGraph();
    const frame = { frameName: "loop", isConstant: false, parallelIterations: 10 };
    const limit = int(4, "limit");
    const start = int(0, "start");
    const i = enterOp(start, frame, { name: "i/Enter" });
    const m = mergeOp([i, i], { name: "i/Merge" })[0];
    const lim = enterOp(limit, { ...frame, isConstant: true }, { name: "limit/Enter" });
    const c = loopCondOp(tf.less(m, lim), { name: "cond" });
    const [out, body] = switchOp(m, c, { name: "i/Switch" });
    const one = enterOp(int(1, "one"), { ...frame, isConstant: true }, { name: "one/Enter" });
    const next = nextIterationOp(tf.add(body, one), { name: "i/Next" });
    g._updateInput(m.op, 1, next);
    const result = exitOp(out, { name: "i/Exit" });
    using sess = new tf.Session();
    expect(sess.run(result).item()).toBe(4);
  });

  it("memory stays flat over many runs of loops", () => {
    const n = tf.placeholder(tf.int32, [], { name: "n" });
    const x = tf.placeholder(tf.float32, [3], { name: "x" });
    const [, y] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, n),
      (i: tf.Tensor, v: tf.Tensor) => [tf.add(i, 1), tf.tanh(tf.multiply(v, x))],
      [int(0), x],
    ) as tf.Tensor[];
    const [g] = tf.gradients(y as tf.Tensor, x);
    using sess = new tf.Session();
    const feed = (k: number) =>
      new Map<tf.Tensor, unknown>([
        [n, k],
        [x, [0.1, 0.2, 0.3]],
      ]);
    sess.run([y as tf.Tensor, g as tf.Tensor], feed(3));
    const before = tfc.memory().numTensors;
    for (let k = 0; k < 30; k++) sess.run([y as tf.Tensor, g as tf.Tensor], feed(k % 5));
    for (let k = 0; k < 10; k++) sess.run(y as tf.Tensor, feed(k));
    expect(tfc.memory().numTensors).toBe(before);
  });
});

describe("tf.whileLoop: TF's errors, the graph unchanged", () => {
  it("arguments", () => {
    expect(() =>
      tf.whileLoop(
        (i: tf.Tensor) => i,
        (i: tf.Tensor) => i,
        [],
      ),
    ).toThrow("No loop variables provided");
    expect(() => tf.whileLoop(1 as never, (i: tf.Tensor) => i, [int(0)])).toThrow(
      "cond must be callable.",
    );
    expect(() =>
      tf.whileLoop(
        (i: tf.Tensor) => i,
        (i: tf.Tensor) => i,
        [int(0)],
        {
          parallelIterations: 0,
        },
      ),
    ).toThrow("parallel_iterations must be a positive integer.");
  });

  it("a shape that changes without an invariant", () => {
    const start = int(0);
    const ones = tf.ones([1, 2], { name: "ones" });
    expectThrowsAndUnchanged(
      () =>
        tf.whileLoop(
          (i: tf.Tensor) => tf.less(i, 3),
          (i: tf.Tensor, x: tf.Tensor) => [tf.add(i, 1), tf.concat([x, x], 0)],
          [start, ones],
        ),
      tf.errors.ValueError,
      "Input tensor 'ones:0' enters the loop with shape (1, 2), but has shape (2, 2) after one iteration. To allow the shape to vary across iterations, use the `shape_invariants` argument of tf.while_loop to specify a less-specific shape.",
    );
  });

  it("an invariant the initial value does not satisfy; a body of another structure", () => {
    const x = tf.ones([1, 2], { name: "x" });
    const start = int(0);
    expectThrowsAndUnchanged(
      () =>
        tf.whileLoop(
          (v: tf.Tensor) => tf.less(tf.reduceSum(v), 3),
          (v: tf.Tensor) => v,
          [x],
          {
            shapeInvariants: [new tf.TensorShape([3, 2])],
          },
        ),
      tf.errors.ValueError,
      "The shape invariant specified for x:0 is not compatible with the initial shape of the loop variable. It enters the loop with shape (1, 2), but the specified shape invariant is (3, 2).",
    );
    expectThrowsAndUnchanged(
      () =>
        tf.whileLoop(
          (i: tf.Tensor) => tf.less(i, 3),
          (i: tf.Tensor) => [i, i],
          [start],
        ),
      tf.errors.ValueError,
      /^The two structures don't have the same nested structure\./,
    );
  });
});

describe("tf.whileLoop with variables", () => {
  it("a variable updated at each iteration (its update ordered before the next value)", () => {
    const v = tf.getVariable("counter", [], { initializer: tf.zerosInitializer() });
    const r = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 4),
      (i: tf.Tensor) => tf.controlDependencies([tf.assignAdd(v, 2)], () => tf.add(i, 1)),
      [int(0)],
    ) as tf.Tensor;
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect(sess.run(r).item()).toBe(4);
    expect(sess.run(v).item()).toBe(8);
  });

  it("gradient descent on a weight read in the body", () => {
    const w = tf.getVariable("w", [], { initializer: tf.constantInitializer(0.5) });
    const x = tf.placeholder(tf.float32, [], { name: "x" });
    const [, y] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 3),
      (i: tf.Tensor, h: tf.Tensor) => [tf.add(i, 1), tf.multiply(h, w)],
      [int(0), x],
    ) as tf.Tensor[];
    // y = x * w^3, d/dw = 3 x w^2.
    const loss = tf.square(tf.subtract(y as tf.Tensor, 1));
    const [dw] = tf.gradients(loss, w);
    const step = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const feed = new Map<tf.Tensor, unknown>([[x, 2]]);
    const g = sess.run(dw as tf.Tensor, feed).item() as number;
    // 2 (y - 1) * 3 x w^2 with y = 0.25, x = 2, w = 0.5
    expect(g).toBeCloseTo(2 * (0.25 - 1) * 3 * 2 * 0.25, 5);
    sess.run(step, feed);
    expect(sess.run(w).item() as number).toBeCloseTo(0.5 - 0.1 * g, 5);
  });
});

describe("fused matmul-bias-activation chains in loops and branches", () => {
  it("compute what the ops compute", () => {
    const w = tf.constant(
      [
        [0.5, -1],
        [2, 0.25],
      ],
      { name: "w" },
    );
    const b = tf.constant([0.1, -0.2], { name: "b" });
    const h0 = tf.placeholder(tf.float32, [1, 2], { name: "h0" });
    const p = tf.placeholder(tf.bool, [], { name: "p" });
    const dense = (h: tf.Tensor): tf.Tensor => tf.nn.relu(tf.nn.biasAdd(tf.matmul(h, w), b));
    const [, h] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 3),
      (i: tf.Tensor, x: tf.Tensor) => [
        tf.add(i, 1),
        tf.cond(
          p,
          () => dense(x),
          () => tf.multiply(dense(x), 2),
        ) as tf.Tensor,
      ],
      [int(0), h0],
    ) as tf.Tensor[];
    const ref = (x: number[], twice: boolean): number[] => {
      let v = x;
      for (let k = 0; k < 3; k++) {
        const o = [0, 1].map((j) =>
          Math.max(
            0,
            (v[0] as number) * [0.5, -1][j]! + (v[1] as number) * [2, 0.25][j]! + [0.1, -0.2][j]!,
          ),
        );
        v = twice ? o.map((y) => 2 * y) : o;
      }
      return v;
    };
    using sess = new tf.Session();
    for (const taken of [true, false]) {
      const got = sess.run(
        h as tf.Tensor,
        new Map<tf.Tensor, unknown>([
          [h0, [[1, 0.5]]],
          [p, taken],
        ]),
      );
      const want = ref([1, 0.5], !taken);
      (got.toArray() as number[][])[0]!.forEach((v, j) => expect(v).toBeCloseTo(want[j]!, 5));
    }
  });
});
