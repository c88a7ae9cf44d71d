import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../../src/index.js";
import { expectThrowsAndUnchanged } from "../../graph/helpers.js";

beforeEach(() => tf.resetDefaultGraph());

function opLines(): string[] {
  return tf
    .getDefaultGraph()
    .getOperations()
    .map((o) => {
      const controls = o.controlInputs.map((c) => `^${c.name}`);
      return `${o.name} = ${o.type}(${[...o.inputs.map((t) => t.name), ...controls].join(", ")})`;
    });
}

function feedPred(p: tf.Tensor, value: boolean): Map<tf.Tensor, unknown> {
  return new Map([[p, value]]);
}

describe("tf.cond: the graph TF 1.15 builds", () => {
  it("Switch, pivots, pred_id, one Switch per captured tensor, Merge (false input first)", () => {
    const x = tf.constant(2, { name: "x" });
    const y = tf.constant(5, { name: "y" });
    const p = tf.placeholder(tf.bool, [], { name: "p" });
    tf.cond(
      p,
      () => tf.add(x, y),
      () => tf.square(y),
    );
    expect(opLines()).toEqual([
      "x = Const()",
      "y = Const()",
      "p = Placeholder()",
      "cond/Switch = Switch(p:0, p:0)",
      "cond/switch_t = Identity(cond/Switch:1)",
      "cond/switch_f = Identity(cond/Switch:0)",
      "cond/pred_id = Identity(p:0)",
      "cond/Add/Switch = Switch(x:0, cond/pred_id:0)",
      "cond/Add/Switch_1 = Switch(y:0, cond/pred_id:0)",
      "cond/Add = Add(cond/Add/Switch:1, cond/Add/Switch_1:1)",
      "cond/Square/Switch = Switch(y:0, cond/pred_id:0)",
      "cond/Square = Square(cond/Square/Switch:0)",
      "cond/Merge = Merge(cond/Square:0, cond/Add:0)",
    ]);
  });

  it("a branch returning an outer tensor gets cond/Switch_1; constants wait on the pivot", () => {
    const x = tf.constant(2, { name: "x" });
    const p = tf.placeholder(tf.bool, [], { name: "p" });
    const r = tf.cond(
      p,
      () => x,
      () => tf.constant(7),
    ) as tf.Tensor;
    expect(opLines().slice(6)).toEqual([
      "cond/Switch_1 = Switch(x:0, cond/pred_id:0)",
      "cond/Const = Const(^cond/switch_f)",
      "cond/Merge = Merge(cond/Const:0, cond/Switch_1:1)",
    ]);
    using sess = new tf.Session();
    expect(sess.run(r, feedPred(p, true)).item()).toBe(2);
    expect(sess.run(r, feedPred(p, false)).item()).toBe(7);
  });

  it("cond(pred, true_fn, false_fn, strict, name): the name scope and the output's shape", () => {
    const p = tf.placeholder(tf.bool, [], { name: "p" });
    const a = tf.placeholder(tf.float32, [2, 3], { name: "a" });
    const b = tf.placeholder(tf.float32, [2, null], { name: "b" });
    const r = tf.cond(
      p,
      () => a,
      () => b,
      false,
      "choose",
    ) as tf.Tensor;
    expect(r.name).toBe("choose/Merge:0");
    expect(r.shape.toString()).toBe("(2, ?)");
  });
});

describe("tf.cond: values", () => {
  it("only the taken branch runs: its side effects happen, the other's do not", () => {
    const v = tf.getVariable("v", [], { initializer: tf.zerosInitializer() });
    const p = tf.placeholder(tf.bool, [], { name: "p" });
    const r = tf.cond(
      p,
      () => tf.assignAdd(v, 1),
      () => tf.assignAdd(v, 10),
    ) as tf.Tensor;
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect(sess.run(r, feedPred(p, true)).item()).toBe(1);
    expect(sess.run(r, feedPred(p, true)).item()).toBe(2);
    expect(sess.run(r, feedPred(p, false)).item()).toBe(12);
    expect(sess.run(v).item()).toBe(12);
  });

  it("nested structures of outputs, and strict keeps a one-element list", () => {
    const p = tf.placeholder(tf.bool, [], { name: "p" });
    const x = tf.constant(3, { name: "x" });
    const r = tf.cond(
      p,
      () => ({ a: [tf.add(x, 1), tf.multiply(x, 2)], b: x }),
      () => ({ a: [tf.constant(0), tf.constant(1)], b: tf.negative(x) }),
    ) as { a: tf.Tensor[]; b: tf.Tensor };
    using sess = new tf.Session();
    const fetched = sess.run([r.a[0], r.a[1], r.b] as tf.Tensor[], feedPred(p, true));
    expect(fetched.map((v) => (v as tf.NDArray).item())).toEqual([4, 6, 3]);
    const loose = tf.cond(
      p,
      () => [x],
      () => [x],
    );
    expect(loose).toBeInstanceOf(tf.Tensor);
    const strict = tf.cond(
      p,
      () => [x],
      () => [x],
      { strict: true },
    );
    expect(Array.isArray(strict)).toBe(true);
  });

  it("nested conds", () => {
    const p = tf.placeholder(tf.bool, [], { name: "p" });
    const q = tf.placeholder(tf.bool, [], { name: "q" });
    const x = tf.constant(1, { name: "x" });
    const r = tf.cond(
      p,
      () =>
        tf.cond(
          q,
          () => tf.add(x, 10),
          () => tf.add(x, 20),
        ),
      () => tf.add(x, 30),
    ) as tf.Tensor;
    using sess = new tf.Session();
    const at = (a: boolean, b: boolean): number =>
      sess
        .run(
          r,
          new Map([
            [p, a],
            [q, b],
          ]),
        )
        .item() as number;
    expect([at(true, true), at(true, false), at(false, true), at(false, false)]).toEqual([
      11, 21, 31, 31,
    ]);
  });

  it("fn1 and fn2, TF 1.15's deprecated names", () => {
    const r = tf.cond(tf.less(1, 2), { fn1: () => tf.constant(1), fn2: () => tf.constant(2) });
    using sess = new tf.Session();
    expect(sess.run(r as tf.Tensor).item()).toBe(1);
  });

  it("an op of a branch is not fetchable", () => {
    const p = tf.placeholder(tf.bool, [], { name: "p" });
    tf.cond(
      p,
      () => tf.square(tf.constant(2)),
      () => tf.constant(1),
    );
    using sess = new tf.Session();
    const sq = tf.getDefaultGraph().getTensorByName("cond/Square:0");
    expect(() => sess.run(sq, feedPred(p, true))).toThrow(
      "Operation 'cond/Square' has been marked as not fetchable.",
    );
  });

  it("memory stays flat over many runs", () => {
    const p = tf.placeholder(tf.bool, [], { name: "p" });
    const x = tf.placeholder(tf.float32, [3], { name: "x" });
    const r = tf.cond(
      p,
      () => tf.multiply(x, tf.add(x, 1)),
      () => tf.tanh(x),
    ) as tf.Tensor;
    using sess = new tf.Session();
    const feed = (b: boolean) =>
      new Map<tf.Tensor, unknown>([
        [p, b],
        [x, [1, 2, 3]],
      ]);
    sess.run(r, feed(true));
    sess.run(r, feed(false));
    const start = tfc.memory().numTensors;
    for (let i = 0; i < 50; i++) sess.run(r, feed(i % 2 === 0));
    expect(tfc.memory().numTensors).toBe(start);
  });
});

describe("tf.cond: TF's errors, the graph unchanged", () => {
  const p = (): tf.Tensor => tf.placeholder(tf.bool, [], { name: "p" });

  it("pred must not be a Python bool, must be bool, must be a scalar", () => {
    expect(() =>
      tf.cond(
        true as never,
        () => 1,
        () => 2,
      ),
    ).toThrow("pred must not be a Python bool");
    const f = tf.constant(1, { name: "f" });
    expectThrowsAndUnchanged(
      () =>
        tf.cond(
          f,
          () => f,
          () => f,
        ),
      TypeError,
      "Input 'pred' of 'Switch' Op has type float32 that does not match expected type of bool.",
    );
    const v = tf.placeholder(tf.bool, [2], { name: "v" });
    expectThrowsAndUnchanged(
      () =>
        tf.cond(
          v,
          () => v,
          () => v,
        ),
      tf.errors.ValueError,
      "Shape must be rank 0 but is rank 1 for 'cond/Switch' (op: 'Switch') with input shapes: [2], [2].",
    );
  });

  it("callables, aliases, return values", () => {
    const pred = p();
    expect(() => tf.cond(pred, 1 as never, () => 1)).toThrow("true_fn must be callable.");
    expect(() => tf.cond(pred, () => 1)).toThrow("cond(): false_fn argument required");
    expect(() => tf.cond(pred, { trueFn: () => 1, fn1: () => 1, falseFn: () => 1 })).toThrow(
      "cond(): true_fn and fn1 may not be set simultaneously.",
    );
    expectThrowsAndUnchanged(
      () =>
        tf.cond(
          pred,
          () => undefined,
          () => 1,
        ),
      tf.errors.ValueError,
      "true_fn must have a return value.",
    );
  });

  it("branches returning different structures or dtypes", () => {
    const pred = p();
    expectThrowsAndUnchanged(
      () =>
        tf.cond(
          pred,
          () => [tf.constant(1), tf.constant(2)],
          () => tf.constant(1),
        ),
      tf.errors.ValueError,
      /^Incompatible return values of true_fn and false_fn: The two structures don't have the same nested structure\./,
    );
    expectThrowsAndUnchanged(
      () =>
        tf.cond(
          pred,
          () => tf.constant(1),
          () => tf.constant(1, { dtype: tf.int32 }),
        ),
      tf.errors.ValueError,
      "Outputs of true_fn and false_fn must have the same type: int32, float32",
    );
  });
});

describe("tf.case", () => {
  function build(exclusive = false, withDefault = true): [tf.Tensor, tf.Tensor] {
    const x = tf.placeholder(tf.int32, [], { name: "x" });
    const r = tf.case(
      [
        [tf.less(x, 2), () => tf.constant(10)],
        [tf.less(x, 5), () => tf.constant(20)],
      ],
      withDefault ? { default: () => tf.constant(30), exclusive } : { exclusive },
    ) as tf.Tensor;
    return [x, r];
  }
  const at = (x: tf.Tensor, r: tf.Tensor, v: number): number => {
    using sess = new tf.Session();
    return sess.run(r, new Map([[x, v]])).item() as number;
  };

  it("the first true predicate's function, else the default; nested conds in case/", () => {
    const [x, r] = build();
    expect([at(x, r, 1), at(x, r, 3), at(x, r, 9)]).toEqual([10, 20, 30]);
    expect(r.name).toBe("case/cond/Merge:0");
  });

  it("exclusive: more than one true predicate fails the run", () => {
    const [x, r] = build(true);
    expect(at(x, r, 3)).toBe(20);
    expect(() => at(x, r, 1)).toThrow(
      /assertion failed: \[Input error: exclusive=True: more than 1 conditions \(Less:0, Less_1:0\) evaluated as True:\] \[1 1\]/,
    );
  });

  it("without a default, the last function runs when only its predicate holds", () => {
    const [x, r] = build(false, false);
    expect([at(x, r, 1), at(x, r, 3)]).toEqual([10, 20]);
    expect(() => at(x, r, 9)).toThrow(
      /assertion failed: \[Input error: None of conditions evaluated as True:\] \[0 0\]/,
    );
  });

  it("TF's errors", () => {
    expect(() => tf.case([[tf.constant(1), () => 1]])).toThrow(
      "pred must be Tensor of type bool: Const:0",
    );
    expect(() => tf.case([[tf.less(1, 2)]] as never)).toThrow(
      "Each entry in pred_fn_pairs must be a 2-tuple",
    );
  });
});

describe("tf.cond: an op as a branch output", () => {
  it("stands for the pivot, run after the op (cond/control_dependency)", () => {
    const v = tf.getVariable("v", [], { initializer: tf.zerosInitializer() });
    const p = tf.placeholder(tf.bool, [], { name: "p" });
    const r = tf.cond(
      p,
      () => tf.group(tf.assignAdd(v, 1)),
      () => tf.noOp(),
    ) as tf.Tensor;
    expect(r.dtype).toBe("bool");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect(sess.run(r, feedPred(p, true)).item()).toBe(true);
    expect(sess.run(r, feedPred(p, false)).item()).toBe(false);
    expect(sess.run(v).item()).toBe(1);
  });
});
