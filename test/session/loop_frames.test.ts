import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

/*
 * Loop frames pass a value from slot to slot as the same tensor (counted shares, not new
 * tensor handles): what a loop hands out, and what it read from outside, must outlive it
 * exactly as before.
 */

beforeEach(() => tf.resetDefaultGraph());

const int = (v: number): tf.Tensor => tf.constant(v, { dtype: tf.int32 });

describe("loop frames' shared values", () => {
  it("a constant, a feed and a variable carried through unchanged stay valid over runs", () => {
    const n = tf.placeholder(tf.int32, [], { name: "n" });
    const fed = tf.placeholder(tf.float32, [2], { name: "fed" });
    const c = tf.constant([1, 2], { name: "c" });
    const v = tf.getVariable("v", [2], {
      initializer: tf.constantInitializer([5, 6]),
    });
    const outs = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, n),
      (i: tf.Tensor, a: tf.Tensor, b: tf.Tensor, r: tf.Tensor) => [tf.add(i, 1), a, b, r],
      [int(0), c, fed, v.value()],
    ) as tf.Tensor[];
    using sess = new tf.Session();
    sess.run(v.initializer);
    for (const k of [0, 1, 4, 2]) {
      const got = sess.run(
        outs,
        new Map<tf.Tensor, unknown>([
          [n, k],
          [fed, [3, 4]],
        ]),
      );
      expect(got.map((t) => t.toArray())).toEqual([k, [1, 2], [3, 4], [5, 6]]);
    }
    // The session's constant and the variable's value were never freed by the loop.
    expect(sess.run(tf.add(c, v.value())).toArray()).toEqual([6, 8]);
  });

  it("a loop invariant read at every iteration, and a value both carried and read", () => {
    const n = tf.placeholder(tf.int32, [], { name: "n" });
    const w = tf.constant([2, 3], { name: "w" });
    const [, acc, same] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, n),
      (i: tf.Tensor, a: tf.Tensor, s: tf.Tensor) => [tf.add(i, 1), tf.add(a, tf.multiply(w, s)), s],
      [int(0), tf.constant([0, 0]), tf.constant([1, 1])],
    ) as tf.Tensor[];
    using sess = new tf.Session();
    const feed = (k: number) => new Map<tf.Tensor, unknown>([[n, k]]);
    expect(
      sess.run([acc as tf.Tensor, same as tf.Tensor], feed(4)).map((t) => t.toArray()),
    ).toEqual([
      [8, 12],
      [1, 1],
    ]);
    const before = tfc.memory().numTensors;
    for (let k = 0; k < 8; k++) sess.run([acc as tf.Tensor, same as tf.Tensor], feed(k));
    expect(tfc.memory().numTensors).toBe(before);
    expect(sess.run(w).toArray()).toEqual([2, 3]);
  });

  it("nested loops and a cond in the body: values and flat memory", () => {
    const n = tf.placeholder(tf.int32, [], { name: "n" });
    const [, total] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, n),
      (i: tf.Tensor, t: tf.Tensor) => {
        const [, inner] = tf.whileLoop(
          (j: tf.Tensor) => tf.less(j, i),
          (j: tf.Tensor, u: tf.Tensor) => [tf.add(j, 1), tf.add(u, 1)],
          [int(0), t],
        ) as tf.Tensor[];
        const odd = tf.equal(tf.floormod(i, 2), 1);
        const next = tf.cond(
          odd,
          () => tf.multiply(inner as tf.Tensor, 2),
          () => inner as tf.Tensor,
        ) as tf.Tensor;
        return [tf.add(i, 1), next];
      },
      [int(0), int(1)],
    ) as tf.Tensor[];
    // t: 1 → i=0: +0 → 1; i=1: (1+1)*2 = 4; i=2: 4+2 = 6; i=3: (6+3)*2 = 18; i=4: 22.
    using sess = new tf.Session();
    const feed = (k: number) => new Map<tf.Tensor, unknown>([[n, k]]);
    expect(sess.run(total as tf.Tensor, feed(5)).item()).toBe(22);
    const before = tfc.memory().numTensors;
    for (let k = 0; k < 6; k++) sess.run(total as tf.Tensor, feed(k));
    expect(tfc.memory().numTensors).toBe(before);
    expect(sess.run(total as tf.Tensor, feed(4)).item()).toBe(18);
  });

  it("counters share their scalars within a run: two loops counting the same values", () => {
    const n = tf.placeholder(tf.int32, [], { name: "n" });
    const count = (start: number) =>
      (
        tf.whileLoop(
          (i: tf.Tensor) => tf.less(i, n),
          (i: tf.Tensor, s: tf.Tensor) => [tf.add(i, 1), tf.add(s, i)],
          [int(start), int(0)],
        ) as tf.Tensor[]
      )[1] as tf.Tensor;
    const a = count(0);
    const b = count(3);
    using sess = new tf.Session();
    const feed = (k: number) => new Map<tf.Tensor, unknown>([[n, k]]);
    expect(sess.run([a, b], feed(100)).map((t) => t.item())).toEqual([4950, 4947]);
    const before = tfc.memory().numTensors;
    expect(sess.run([a, b], feed(7)).map((t) => t.item())).toEqual([21, 18]);
    expect(sess.run([a, b], feed(300)).map((t) => t.item())).toEqual([44850, 44847]);
    expect(tfc.memory().numTensors).toBe(before);
  });
});

describe("a loop waiting on its own result", () => {
  it("TF 1.15's gradient graph under control dependencies on the loop's result: a clear error", () => {
    const x = tf.constant(2.0, { name: "x" });
    const [, v] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 3),
      (i: tf.Tensor, w: tf.Tensor) => [tf.add(i, 1), tf.multiply(w, x)],
      [int(0), tf.constant(1.0, { name: "v0" })],
    ) as tf.Tensor[];
    const dep = tf.identity(v as tf.Tensor, "dep");
    tf.controlDependencies([dep.op], () => tf.gradients(v as tf.Tensor, [x]));
    // As TensorFlow writes the graph: its forward counter's 0 made in the dependency's block.
    const def = tf.getDefaultGraph().asGraphDef();
    const fCount = (def.node ?? []).find((n) => n.name === "gradients/f_count");
    expect(fCount?.input).toEqual([]);
    fCount?.input?.push("^dep");
    const g = new tf.Graph();
    g.asDefault(() => {
      tf.importGraphDef(def, { name: "" });
      using sess = new tf.Session({ graph: g });
      const grad = g.getTensorByName("gradients/while/Mul/Enter_grad/b_acc_3:0");
      expect(() => sess.run(grad)).toThrow(tf.errors.InvalidArgumentError);
      expect(() => sess.run(grad)).toThrow(
        /^The loop 'while\/while_context' waits on 'gradients\/f_count', which needs the loop's own result/,
      );
      // The forward loop alone runs.
      expect(sess.run(g.getTensorByName("dep:0")).item()).toBe(8);
    });
  });
});
