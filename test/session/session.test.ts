import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

beforeEach(() => tf.resetDefaultGraph());

function taxAndShipping(price: number) {
  return tf.variableScope("other_charge", { reuse: tf.AUTO_REUSE }, () => {
    const tax = tf.getVariable("tax", [], { initializer: tf.constantInitializer(0.05) });
    const shipping = tf.getVariable("shipping", [], { initializer: tf.constantInitializer(10) });
    return tax.add(1).mul(price).add(shipping);
  });
}

describe("Session.run", () => {
  it("computes the seed 000 prices and keeps variable state per session", () => {
    const book = taxAndShipping(10);
    const pad = taxAndShipping(20);
    const init = tf.globalVariablesInitializer();
    const s1 = new tf.Session();
    s1.run(init);
    expect(s1.run(book).item()).toBeCloseTo(20.5, 5);
    expect(s1.run(pad).item()).toBeCloseTo(31, 5);
    const tax = tf.getDefaultGraph().getTensorByName("other_charge/tax:0");
    const double = tf.assign(tax, tax.mul(2));
    s1.run(double);
    expect(s1.run(book).item()).toBeCloseTo(21, 5);
    const s2 = new tf.Session();
    s2.run(init);
    expect(s2.run(book).item()).toBeCloseTo(20.5, 5);
    s1.close();
    s2.close();
  });

  it("returns nested structures, null for operations, and accepts names", () => {
    const a = tf.constant([1, 2], { name: "a" });
    const b = a.mul(3);
    const op = tf.noOp({ name: "nothing" });
    using s = new tf.Session();
    const r = s.run({ a, pair: [b, op], byName: "a:0", opByName: "nothing" }) as unknown as {
      a: tf.NDArray;
      pair: [tf.NDArray, null];
      byName: tf.NDArray;
      opByName: null;
    };
    expect(r.a.toArray()).toEqual([1, 2]);
    expect(r.pair[0].toArray()).toEqual([3, 6]);
    expect(r.pair[1]).toBeNull();
    expect(r.byName.toArray()).toEqual([1, 2]);
    expect(r.opByName).toBeNull();
  });

  it("feeds placeholders and any other tensor", () => {
    const x = tf.placeholder(tf.float32, [null, 2], { name: "x" });
    const y = x.mul(2);
    const z = y.add(1);
    using s = new tf.Session();
    expect((s.run(y, new Map([[x, [[1, 2]]]])) as tf.NDArray).toArray()).toEqual([[2, 4]]);
    expect(
      (
        s.run(z, {
          "x:0": [
            [1, 2],
            [3, 4],
          ],
        }) as tf.NDArray
      ).toArray(),
    ).toEqual([
      [3, 5],
      [7, 9],
    ]);
    // Feeding an intermediate tensor: its producer does not run.
    expect((s.run(z, new Map([[y, [[10, 10]]]])) as tf.NDArray).toArray()).toEqual([[11, 11]]);
  });

  it("reports a missing feed and a bad feed shape with TensorFlow's wording", () => {
    const x = tf.placeholder(tf.float32, [null, 2], { name: "x" });
    const y = x.mul(2);
    using s = new tf.Session();
    expect(() => s.run(y)).toThrow(tf.errors.InvalidArgumentError);
    expect(() => s.run(y)).toThrow(
      "You must feed a value for placeholder tensor 'x' with dtype float and shape [?,2]",
    );
    expect(() => s.run(y, new Map([[x, [1, 2, 3]]]))).toThrow(
      "Cannot feed value of shape (3,) for Tensor 'x:0', which has shape '(?, 2)'",
    );
  });

  it("raises FailedPreconditionError for an uninitialized variable and keeps state after a failed run", () => {
    const v = tf.variableScope("foo", () =>
      tf.getVariable("v", [], { initializer: tf.constantInitializer(1) }),
    );
    const x = tf.placeholder(tf.float32, [], { name: "x" });
    using s = new tf.Session();
    expect(() => s.run(v)).toThrow(tf.errors.FailedPreconditionError);
    expect(() => s.run(v)).toThrow("Attempting to use uninitialized value foo/v");
    s.run(tf.globalVariablesInitializer());
    // The add runs, then the placeholder fails: the assignment must not stick.
    const bump = tf.assignAdd(v, 5);
    const both = tf.group([bump.op, x.op]);
    expect(() => s.run(both)).toThrow(tf.errors.InvalidArgumentError);
    expect((s.run(v) as tf.NDArray).item()).toBe(1);
    s.run(bump);
    expect((s.run(v) as tf.NDArray).item()).toBe(6);
  });

  it("honours control dependencies", () => {
    const v = tf.getVariable("counter", [], { initializer: tf.zerosInitializer() });
    const inc = tf.assignAdd(v, 1);
    // As in TF 1.x, `tf.identity(v)` would read the `v/read` snapshot, which need not wait:
    // `readValue()` reads the variable itself, after the dependency.
    const read = tf.controlDependencies([inc], () => v.readValue());
    using s = new tf.Session();
    s.run(tf.globalVariablesInitializer());
    expect((s.run(read) as tf.NDArray).item()).toBe(1);
    expect((s.run(read) as tf.NDArray).item()).toBe(2);
  });

  it("refuses fetches from another graph and runs on a closed session", () => {
    const other = new tf.Graph();
    const c = other.asDefault(() => tf.constant(1));
    const s = new tf.Session();
    expect(() => s.run(c)).toThrow(tf.errors.ValueError);
    expect(() => s.run(c)).toThrow("is not an element of this graph");
    s.close();
    expect(() => s.run(tf.constant(1))).toThrow("Attempted to use a closed Session.");
  });

  it("evaluates with eval() and asDefault, and load() sets a value", () => {
    const v = tf.getVariable("v", [2], { initializer: tf.onesInitializer() });
    using s = new tf.Session();
    s.run(tf.globalVariablesInitializer());
    s.asDefault(() => {
      expect(String(v.eval())).toBe("[1. 1.]");
      expect(String(v.add(1).eval())).toBe("[2. 2.]");
      v.load([3, 4]);
    });
    expect((s.run(v) as tf.NDArray).toArray()).toEqual([3, 4]);
    expect(() => v.eval()).toThrow("No default session is registered");
  });

  it("runs asynchronously", async () => {
    const c = tf.constant(2).mul(3);
    using s = new tf.Session();
    expect(((await s.runAsync(c)) as tf.NDArray).item()).toBe(6);
  });

  it("repeats seeded random values in each new session", () => {
    tf.setRandomSeed(7);
    const r = tf.randomNormal([3]);
    const s1 = new tf.Session();
    const s2 = new tf.Session();
    const a1 = (s1.run(r) as tf.NDArray).toArray();
    const a2 = (s1.run(r) as tf.NDArray).toArray();
    const b1 = (s2.run(r) as tf.NDArray).toArray();
    expect(b1).toEqual(a1);
    expect(a2).not.toEqual(a1);
    s1.close();
    s2.close();
  });
});

describe("memory", () => {
  it("keeps tfjs's tensor count flat over many runs and back to the start after close", () => {
    const start = tfc.memory().numTensors;
    const x = tf.placeholder(tf.float32, [null, 3], { name: "x" });
    const w = tf.getVariable("w", [3, 2]);
    const b = tf.getVariable("b", [2], { initializer: tf.zerosInitializer() });
    const y = tf.nn.relu(tf.matmul(x, w).add(b));
    const update = tf.assignAdd(b, tf.constant([0.1, 0.1]));
    const s = new tf.Session();
    s.run(tf.globalVariablesInitializer());
    s.run([y, update], new Map([[x, [[1, 2, 3]]]]));
    const afterFirst = tfc.memory().numTensors;
    for (let i = 0; i < 1000; i++) s.run([y, update], new Map([[x, [[1, 2, 3]]]]));
    expect(tfc.memory().numTensors).toBe(afterFirst);
    try {
      s.run(y);
    } catch {
      // A failed run must not leak either.
    }
    expect(tfc.memory().numTensors).toBe(afterFirst);
    s.close();
    expect(tfc.memory().numTensors).toBe(start);
  });
});

describe("backend", () => {
  it("leaves no process-wide error handlers from the wasm loader behind", async () => {
    await tf.ready();
    const handlers = [
      ...process.listeners("uncaughtException"),
      ...process.listeners("unhandledRejection"),
    ];
    expect(handlers.some((h) => String(h).includes("ExitStatus"))).toBe(false);
  });
});
