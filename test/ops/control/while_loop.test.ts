import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../../src/index.js";
import { scanLoop } from "../../../src/ops/control/while_loop.js";
import { expectClose, expectValueError } from "../helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const ROWS = [
  [1, 2, 3],
  [4, 5, 6],
  [7, 8, 9],
  [10, 11, 12],
];

function cumsumOf(rows: number[][], upTo = rows.length): number[][] {
  const acc = [0, 0, 0];
  return rows.map((row, t) => {
    if (t >= upTo) return [0, 0, 0];
    row.forEach((v, i) => (acc[i] = (acc[i] as number) + v));
    return acc.slice();
  });
}

/** A cumulative sum over the rows of `xs`: carries the running sum and stacks it. */
function cumsum(xs: tf.Tensor, bound: tf.Tensor | null = null) {
  return scanLoop({
    carried: [tf.zeros([3])],
    sliced: [xs],
    bound,
    body: ({ carried: [acc], sliced: [x] }) => {
      const next = tf.add(acc as tf.Tensor, x as tf.Tensor);
      return { carried: [next], stacked: [next] };
    },
  });
}

describe("scanLoop: forward values", () => {
  it("a cumulative sum: the carried value, the stacked rows and the iteration count", () => {
    const xs = tf.placeholder(tf.float32, [null, 3], { name: "xs" });
    const loop = cumsum(xs);
    expect(loop.op.type).toBe("While");
    expect(loop.scope).toBe("while/");
    expect(loop.carried[0]?.shape.toString()).toBe("(3,)");
    expect(loop.stacked[0]?.shape.toString()).toBe("(?, 3)");
    using sess = new tf.Session();
    const [total, stacked, n] = sess.run(
      [loop.carried[0], loop.stacked[0], loop.iterations] as tf.Tensor[],
      new Map([[xs, ROWS]]),
    ) as tf.NDArray[];
    expectClose(total?.toArray(), [22, 26, 30]);
    expectClose(stacked?.toArray(), cumsumOf(ROWS));
    expect(n?.item()).toBe(4);
    // The same graph takes another length.
    const [total2, stacked2] = sess.run(
      [loop.carried[0], loop.stacked[0]] as tf.Tensor[],
      new Map([[xs, ROWS.slice(0, 2)]]),
    ) as tf.NDArray[];
    expectClose(total2?.toArray(), [5, 7, 9]);
    expectClose(stacked2?.toArray(), cumsumOf(ROWS.slice(0, 2)));
  });

  it("a static T gives the stacked output a static time dimension", () => {
    const loop = cumsum(tf.constant(ROWS));
    expect(loop.stacked[0]?.shape.toString()).toBe("(4, 3)");
    using sess = new tf.Session();
    expectClose((sess.run(loop.stacked[0] as tf.Tensor) as tf.NDArray).toArray(), cumsumOf(ROWS));
  });

  it("reads an outer tensor through one Enter op, whatever the number of uses", () => {
    const xs = tf.placeholder(tf.float32, [null, 3]);
    const w = tf.constant([1, 10, 100], { name: "w" });
    const loop = scanLoop({
      carried: [tf.zeros([3])],
      sliced: [xs],
      body: ({ carried: [acc], sliced: [x] }) => {
        const next = tf.add(acc as tf.Tensor, tf.multiply(x as tf.Tensor, w));
        return { carried: [tf.add(next, tf.multiply(w, 0))], stacked: [] };
      },
    });
    const enters = tf
      .getDefaultGraph()
      .getOperations()
      .filter((o) => o.type === "Enter");
    expect(enters.map((o) => [o.name, o.inputs[0]?.name])).toEqual([["while/Mul/Enter", "w:0"]]);
    expect(loop.op.inputs.map((t) => t.name)).toContain("w:0");
    using sess = new tf.Session();
    const total = sess.run(loop.carried[0] as tf.Tensor, new Map([[xs, ROWS]])) as tf.NDArray;
    expectClose(total.toArray(), [22, 260, 3000]);
  });

  it("a bound stops the loop early: stacked rows past it are zeros", () => {
    const xs = tf.placeholder(tf.float32, [null, 3]);
    const bound = tf.placeholder(tf.int32, [], { name: "bound" });
    const loop = cumsum(xs, bound);
    using sess = new tf.Session();
    const fetches = [loop.carried[0], loop.stacked[0], loop.iterations] as tf.Tensor[];
    for (const b of [2, 0, 9]) {
      const [total, stacked, n] = sess.run(
        fetches,
        new Map<tf.Tensor, unknown>([
          [xs, ROWS],
          [bound, b],
        ]),
      ) as tf.NDArray[];
      const ran = Math.min(b, ROWS.length);
      expect(n?.item()).toBe(ran);
      const rows = cumsumOf(ROWS, ran);
      expectClose(stacked?.toArray(), rows);
      expectClose(total?.toArray(), ran === 0 ? [0, 0, 0] : rows[ran - 1]);
    }
  });

  it("a loop without sliced inputs runs `bound` times", () => {
    const bound = tf.placeholder(tf.int32, []);
    const loop = scanLoop({
      carried: [tf.constant(1), tf.constant(0, { dtype: tf.int32 })],
      bound,
      body: ({ time, carried: [p, s] }) => ({
        carried: [tf.multiply(p as tf.Tensor, 2), tf.add(s as tf.Tensor, time)],
        stacked: [time],
      }),
    });
    using sess = new tf.Session();
    const [p, s, times] = sess.run(
      [...loop.carried, loop.stacked[0]] as tf.Tensor[],
      new Map([[bound, 5]]),
    ) as tf.NDArray[];
    expect(p?.item()).toBe(32);
    expect(s?.item()).toBe(0 + 1 + 2 + 3 + 4);
    expect(times?.toArray()).toEqual([0, 1, 2, 3, 4]);
  });
});

describe("scanLoop: gradients", () => {
  /** The same recurrence as a loop and unrolled: `acc = acc * w + x_t`. */
  function recurrence() {
    const xs = tf.placeholder(tf.float32, [4, 3], { name: "xs" });
    const w = tf.placeholder(tf.float32, [3], { name: "w" });
    const init = tf.placeholder(tf.float32, [3], { name: "init" });
    const step = (acc: tf.Tensor, x: tf.Tensor): tf.Tensor => tf.add(tf.multiply(acc, w), x);
    const loop = scanLoop({
      carried: [init],
      sliced: [xs],
      body: ({ carried: [acc], sliced: [x] }) => {
        const next = step(acc as tf.Tensor, x as tf.Tensor);
        return { carried: [next], stacked: [tf.square(next)] };
      },
    });
    let acc: tf.Tensor = init;
    const squares: tf.Tensor[] = [];
    for (const x of tf.unstack(xs)) {
      acc = step(acc, x);
      squares.push(tf.square(acc));
    }
    const feed = new Map<tf.Tensor, unknown>([
      [xs, ROWS.map((r) => r.map((v) => v / 10))],
      [w, [0.5, -0.8, 1.2]],
      [init, [0.3, -0.2, 0.1]],
    ]);
    return { xs, w, init, loop, unrolled: { final: acc, stacked: tf.stack(squares) }, feed };
  }

  it("w.r.t. a captured outer tensor (summed over iterations) and the initial value", () => {
    const { xs, w, init, loop, unrolled, feed } = recurrence();
    // A loss on the final carried value only.
    const loopLoss = tf.reduceSum(tf.multiply(loop.carried[0] as tf.Tensor, [1, 2, 3]));
    const refLoss = tf.reduceSum(tf.multiply(unrolled.final, [1, 2, 3]));
    const got = tf.gradients(loopLoss, [w, init, xs]);
    const want = tf.gradients(refLoss, [w, init, xs]);
    expect(got.every((g) => g !== null)).toBe(true);
    using sess = new tf.Session();
    const a = sess.run(got as tf.Tensor[], feed) as tf.NDArray[];
    const b = sess.run(want as tf.Tensor[], feed) as tf.NDArray[];
    a.forEach((g, i) => expectClose(g.toArray(), b[i]?.toArray(), 1e-5));
    // By hand: d acc_T / d init = w^T, element-wise.
    expectClose(a[1]?.toArray(), [1 * 0.5 ** 4, 2 * (-0.8) ** 4, 3 * 1.2 ** 4], 1e-5);
  });

  it("w.r.t. everything, from a loss on the stacked outputs and the final value", () => {
    const { xs, w, init, loop, unrolled, feed } = recurrence();
    const loopLoss = tf.add(
      tf.reduceSum(loop.stacked[0] as tf.Tensor),
      tf.reduceSum(loop.carried[0] as tf.Tensor),
    );
    const refLoss = tf.add(tf.reduceSum(unrolled.stacked), tf.reduceSum(unrolled.final));
    const got = tf.gradients(loopLoss, [w, init, xs]);
    const want = tf.gradients(refLoss, [w, init, xs]);
    using sess = new tf.Session();
    const a = sess.run(got as tf.Tensor[], feed) as tf.NDArray[];
    const b = sess.run(want as tf.Tensor[], feed) as tf.NDArray[];
    expect(a.map((g) => g.shape)).toEqual([[3], [3], [4, 3]]);
    a.forEach((g, i) => expectClose(g.toArray(), b[i]?.toArray(), 1e-5));
  });

  it("of a captured weight with a bound: only the iterations that ran count", () => {
    const xs = tf.placeholder(tf.float32, [null, 3]);
    const w = tf.placeholder(tf.float32, [3]);
    const bound = tf.placeholder(tf.int32, []);
    const loop = scanLoop({
      carried: [tf.zeros([3])],
      sliced: [xs],
      bound,
      body: ({ carried: [acc], sliced: [x] }) => {
        const next = tf.add(acc as tf.Tensor, tf.multiply(x as tf.Tensor, w));
        return { carried: [next], stacked: [] };
      },
    });
    const [gw, gx] = tf.gradients(tf.reduceSum(loop.carried[0] as tf.Tensor), [w, xs]);
    using sess = new tf.Session();
    const [vw, vx] = sess.run([gw, gx] as tf.Tensor[], {
      [xs.name]: ROWS,
      [w.name]: [1, 2, 3],
      [bound.name]: 3,
    }) as tf.NDArray[];
    // d/dw = the sum of the rows that were read; d/dx = w on those rows, 0 after.
    expectClose(vw?.toArray(), [12, 15, 18]);
    expectClose(vx?.toArray(), [
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
      [0, 0, 0],
    ]);
  });
});

describe("scanLoop: matmul weights (gradient summed after the loop), nesting", () => {
  /** Pseudo-random values of a shape, as nested arrays. */
  function values(shape: number[], seed: number): unknown {
    let s = seed >>> 0;
    const size = shape.reduce((a, b) => a * b, 1);
    const data = Array.from({ length: size }, () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return (s / 2 ** 32) * 2 - 1;
    });
    return tfc.tidy(() => tfc.tensor(data, shape).arraySync());
  }

  it("two gradient graphs of one loop, with a bound, equal the unrolled ones", () => {
    const xs = tf.placeholder(tf.float32, [4, 2, 3]);
    const w = tf.placeholder(tf.float32, [3, 3]);
    const bound = tf.placeholder(tf.int32, []);
    const step = (h: tf.Tensor, x: tf.Tensor) => tf.tanh(tf.add(tf.matmul(x, w), h));
    const loop = scanLoop({
      carried: [tf.zeros([2, 3])],
      sliced: [xs],
      bound,
      body: ({ carried: [h], sliced: [x] }) => {
        const next = step(h as tf.Tensor, x as tf.Tensor);
        return { carried: [next], stacked: [next] };
      },
    });
    const gA = tf.gradients(tf.reduceSum(tf.square(loop.carried[0] as tf.Tensor)), [w, xs]);
    const [gB] = tf.gradients(tf.reduceSum(loop.stacked[0] as tf.Tensor), [w]);
    using sess = new tf.Session();
    const xv = values([4, 2, 3], 1);
    const wv = values([3, 3], 2);
    for (const k of [2, 4, 0]) {
      const feed = new Map<tf.Tensor, unknown>([
        [xs, xv],
        [w, wv],
        [bound, k],
      ]);
      const [a0, a1, b0] = sess.run([gA[0], gA[1], gB] as tf.Tensor[], feed) as tf.NDArray[];
      const alone = sess.run(gB as tf.Tensor, feed) as tf.NDArray;
      expectClose(alone.toArray(), b0?.toArray());
      if (k === 0) {
        expect(a0?.toArray()).toEqual(new Array(3).fill(new Array(3).fill(0)));
        expect(b0?.toArray()).toEqual(new Array(3).fill(new Array(3).fill(0)));
        continue;
      }
      // The same k steps unrolled.
      let h: tf.Tensor = tf.zeros([2, 3]);
      const outs: tf.Tensor[] = [];
      for (const x of tf.unstack(xs).slice(0, k)) {
        h = step(h, x);
        outs.push(h);
      }
      const rA = tf.gradients(tf.reduceSum(tf.square(h)), [w, xs]);
      const [rB] = tf.gradients(tf.addN(outs.map((o) => tf.reduceSum(o))), [w]);
      const [r0, r1, r2] = sess.run([rA[0], rA[1], rB] as tf.Tensor[], feed) as tf.NDArray[];
      expectClose(a0?.toArray(), r0?.toArray());
      expectClose(a1?.toArray(), r1?.toArray());
      expectClose(b0?.toArray(), r2?.toArray());
      expect(flatten(a0?.toArray()).some((v) => v !== 0)).toBe(true);
    }
  });

  it("a loop in a loop: values and gradients equal the unrolled ones", () => {
    const x = tf.placeholder(tf.float32, [3, 2, 2]); // outer T = 3, inner T = 2
    const w = tf.placeholder(tf.float32, [2]);
    const innerStep = (a: tf.Tensor, r: tf.Tensor) => tf.add(tf.multiply(a, w), r);
    const loop = scanLoop({
      carried: [tf.zeros([2])],
      sliced: [x],
      body: ({ carried: [acc], sliced: [row] }) => {
        const inner = scanLoop({
          name: "inner",
          carried: [acc as tf.Tensor],
          sliced: [row as tf.Tensor],
          body: ({ carried: [a], sliced: [r] }) => ({
            carried: [innerStep(a as tf.Tensor, r as tf.Tensor)],
            stacked: [],
          }),
        });
        const s = inner.carried[0] as tf.Tensor;
        return { carried: [tf.tanh(s)], stacked: [s] };
      },
    });
    expect(loop.op.name).toBe("while/Loop");
    expect(tf.getDefaultGraph().getOperationByName("while/inner/Loop").type).toBe("While");
    let acc: tf.Tensor = tf.zeros([2]);
    const outs: tf.Tensor[] = [];
    for (const row of tf.unstack(x)) {
      let a = acc;
      for (const r of tf.unstack(row)) a = innerStep(a, r);
      outs.push(a);
      acc = tf.tanh(a);
    }
    const loopLoss = tf.add(
      tf.reduceSum(tf.square(loop.stacked[0] as tf.Tensor)),
      tf.reduceSum(loop.carried[0] as tf.Tensor),
    );
    const refLoss = tf.add(tf.reduceSum(tf.square(tf.stack(outs))), tf.reduceSum(acc));
    const got = [loopLoss, ...tf.gradients(loopLoss, [w, x])] as tf.Tensor[];
    const want = [refLoss, ...tf.gradients(refLoss, [w, x])] as tf.Tensor[];
    using sess = new tf.Session();
    const feed = new Map<tf.Tensor, unknown>([
      [x, values([3, 2, 2], 3)],
      [w, [0.7, -0.5]],
    ]);
    const a = sess.run(got, feed) as tf.NDArray[];
    const b = sess.run(want, feed) as tf.NDArray[];
    a.forEach((v, i) => expectClose(v.toArray(), b[i]?.toArray()));
  });

  it("a loop built under control dependencies runs after them", () => {
    const v = tf.getVariable("v", [], { initializer: tf.zerosInitializer() });
    const xs = tf.placeholder(tf.float32, [null]);
    const bump = tf.assignAdd(v, 1);
    const loop = tf.controlDependencies([bump.op], () =>
      scanLoop({
        carried: [tf.zeros([])],
        sliced: [xs],
        body: ({ carried: [a], sliced: [x] }) => ({
          carried: [tf.add(a as tf.Tensor, x as tf.Tensor)],
          stacked: [],
        }),
      }),
    );
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const feed = new Map([[xs, [1, 2, 3]]]);
    expect((sess.run(loop.carried[0] as tf.Tensor, feed) as tf.NDArray).item()).toBe(6);
    expect((sess.run(loop.carried[0] as tf.Tensor, feed) as tf.NDArray).item()).toBe(6);
    expect((sess.run(v) as tf.NDArray).item()).toBe(2);
  });
});

function flatten(v: unknown): number[] {
  return [v].flat(Infinity as 1) as number[];
}

describe("scanLoop: errors", () => {
  it("a body output whose shape does not fit the loop variable, with TF's wording", () => {
    const xs = tf.placeholder(tf.float32, [null, 3]);
    const zeros = tf.zeros([3]);
    const before = tf.getDefaultGraph().getOperations().length;
    let error: unknown = null;
    try {
      scanLoop({
        carried: [zeros],
        sliced: [xs],
        body: ({ carried: [acc], sliced: [x] }) => ({
          carried: [tf.concat([acc as tf.Tensor, x as tf.Tensor], 0)],
          stacked: [],
        }),
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(tf.errors.ValueError);
    expect((error as Error).message).toMatch(
      /^Input tensor '[^']+' enters the loop with shape \(3,\), but has shape \(6,\) after one iteration\. To allow the shape to vary across iterations, use the `shape_invariants` argument of tf\.while_loop to specify a less-specific shape\.$/,
    );
    expect(tf.getDefaultGraph().getOperations().length).toBe(before);
    // A less specific shape after one iteration is an error too; a more specific one is not.
    const unknown = tf.placeholder(tf.float32, [null]);
    expect(() =>
      scanLoop({
        carried: [tf.zeros([3])],
        sliced: [xs],
        body: () => ({ carried: [unknown], stacked: [] }),
      }),
    ).toThrow(/enters the loop with shape \(3,\), but has shape \(\?,\) after one iteration/);
    const loose = tf.placeholder(tf.float32, [null]);
    const loop = scanLoop({
      carried: [loose],
      sliced: [xs],
      body: ({ carried: [acc], sliced: [x] }) => ({
        carried: [tf.add(acc as tf.Tensor, x as tf.Tensor)],
        stacked: [],
      }),
    });
    using sess = new tf.Session();
    const total = sess.run(loop.carried[0] as tf.Tensor, {
      [xs.name]: ROWS,
      [loose.name]: [0, 0, 1],
    }) as tf.NDArray;
    expectClose(total.toArray(), [22, 26, 31]);
  });

  it("a body output of another dtype", () => {
    const xs = tf.placeholder(tf.float32, [null, 3]);
    expect(() =>
      scanLoop({
        carried: [tf.zeros([3], { dtype: tf.int32 })],
        sliced: [xs],
        body: ({ sliced: [x] }) => ({ carried: [x as tf.Tensor], stacked: [] }),
      }),
    ).toThrow(tf.errors.ValueError);
  });

  it("a body tensor used outside the loop, and a fetch of one", () => {
    const xs = tf.placeholder(tf.float32, [null, 3]);
    let inBody: tf.Tensor | null = null;
    const loop = scanLoop({
      carried: [tf.zeros([3])],
      sliced: [xs],
      body: ({ carried: [acc], sliced: [x] }) => {
        inBody = tf.add(acc as tf.Tensor, x as tf.Tensor, { name: "next" });
        return { carried: [inBody], stacked: [] };
      },
    });
    const body = inBody as unknown as tf.Tensor;
    expect(body.name).toBe("while/next:0");
    const before = tf.getDefaultGraph().getOperations().length;
    expectValueError(
      () => tf.multiply(body, 2, { name: "outside" }),
      "Cannot use 'while/next' as input to 'outside' because 'while/next' is in a while loop. See info log for more details.",
    );
    expect(tf.getDefaultGraph().getOperations().length).toBe(before);
    // The failed call consumed no name.
    expect(tf.multiply(loop.carried[0] as tf.Tensor, 2, { name: "outside" }).name).toBe(
      "outside:0",
    );
    using sess = new tf.Session();
    expect(() => sess.run(body, new Map([[xs, ROWS]]))).toThrow(
      /^Operation '.*' has been marked as not fetchable\.$/,
    );
  });

  it("a run that fails in the gradient loop frees the values kept for it", () => {
    const xs = tf.placeholder(tf.float32, [null, 3]);
    const w = tf.placeholder(tf.float32, [3]);
    const loop = scanLoop({
      carried: [tf.zeros([3])],
      sliced: [xs],
      body: ({ carried: [a], sliced: [x] }) => {
        const next = tf.add(tf.multiply(a as tf.Tensor, w), x as tf.Tensor);
        return { carried: [next], stacked: [tf.square(next)] };
      },
    });
    // A gradient fed for the stacked output: a wrong width fails inside the gradient loop.
    const gy = tf.placeholder(tf.float32, [null, null]);
    const [gw] = tf.gradients(loop.stacked[0] as tf.Tensor, [w], gy);
    using sess = new tf.Session();
    const feed = (width: number) =>
      new Map<tf.Tensor, unknown>([
        [xs, ROWS.slice(0, 2)],
        [w, [1, 2, 3]],
        [gy, [new Array(width).fill(1), new Array(width).fill(1)]],
      ]);
    // d/dw Σ (a1 w + x2)², a1 = x1 (from 0): 2 (x1 w + x2) x1.
    expectClose((sess.run(gw as tf.Tensor, feed(3)) as tf.NDArray).toArray(), [10, 36, 90]);
    const start = tfc.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      expect(() => sess.run(gw as tf.Tensor, feed(4))).toThrow(tf.errors.InvalidArgumentError);
    }
    expect(tfc.memory().numTensors).toBe(start);
    sess.run(gw as tf.Tensor, feed(3));
    expect(tfc.memory().numTensors).toBe(start);
  });

  it("a run that fails in a later iteration frees what the loop held", () => {
    // The carried value doubles in length each iteration; adding w (4,) breaks at t = 1.
    const init = tf.placeholder(tf.float32, [null]);
    const w = tf.placeholder(tf.float32, [4]);
    const loop = scanLoop({
      carried: [init],
      sliced: [tf.constant([[1], [2], [3]])],
      body: ({ carried: [c] }) => ({
        carried: [tf.add(tf.concat([c as tf.Tensor, c as tf.Tensor], 0), w)],
        stacked: [],
      }),
    });
    using sess = new tf.Session();
    const ok = new Map<tf.Tensor, unknown>([
      [init, [1, 2]],
      [w, [1, 1, 1, 1]],
    ]);
    // Warm-up: session constants are cached on first use.
    expect(() => sess.run(loop.carried[0] as tf.Tensor, ok)).toThrow(
      tf.errors.InvalidArgumentError,
    );
    const start = tfc.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      expect(() => sess.run(loop.carried[0] as tf.Tensor, ok)).toThrow(
        tf.errors.InvalidArgumentError,
      );
    }
    expect(tfc.memory().numTensors).toBe(start);
  });
});
