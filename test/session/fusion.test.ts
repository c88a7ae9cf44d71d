import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { makePlan } from "../../src/session/plan.js";

/*
 * Plan fusions choose how to compute, never what: the graph stays TensorFlow's, and the
 * fused plan's values match the unfused ones (a value that is fetched cannot be fused away,
 * which gives the unfused plan to compare with).
 */

beforeEach(() => tf.resetDefaultGraph());

const T = 5;
const BATCH = 3;
const IN = 4;
const HIDDEN = 6;

/** A hand-unrolled tanh RNN and the gradients of its loss with respect to its weights. */
function unrolledRnn(): { grads: tf.Tensor[]; x: tf.Tensor } {
  const x = tf.placeholder(tf.float32, [BATCH, T, IN]);
  const w = tf.getVariable("w", [IN, HIDDEN], {
    initializer: tf.randomUniformInitializer(-1, 1, 1),
  });
  const u = tf.getVariable("u", [HIDDEN, HIDDEN], {
    initializer: tf.randomUniformInitializer(-1, 1, 2),
  });
  const b = tf.getVariable("b", [HIDDEN], { initializer: tf.constantInitializer(0.1) });
  let h: tf.Tensor = tf.zeros([BATCH, HIDDEN]);
  for (const xt of tf.unstack(x, { axis: 1 })) {
    h = tf.tanh(tf.add(tf.add(tf.matmul(xt, w), tf.matmul(h, u)), b));
  }
  const loss = tf.reduceSum(tf.square(h));
  return { grads: tf.gradients(loss, [w, u, b]) as tf.Tensor[], x };
}

function xValues(): number[][][] {
  return Array.from({ length: BATCH }, (_, i) =>
    Array.from({ length: T }, (_, t) =>
      Array.from({ length: IN }, (_, d) => Math.sin(i * 5 + t * 3 + d)),
    ),
  );
}

/** The `MatMul(a, b, transpose_a)` terms the weight gradients' `AddN`s sum. */
function summedProducts(grads: readonly tf.Tensor[]): tf.Tensor[] {
  const terms: tf.Tensor[] = [];
  for (const g of grads) {
    if (g.op.type !== "AddN") continue;
    for (let t of g.op.inputs) {
      while (t.op.type === "Identity") t = t.op.inputs[0] as tf.Tensor;
      if (t.op.type === "MatMul") terms.push(t);
    }
  }
  return terms;
}

const matMulSteps = (plan: ReturnType<typeof makePlan>) =>
  plan.steps.filter((s) => s.op.type === "MatMul").length;

describe("summed products of an unrolled loop's weight gradient", () => {
  it("run as one product, with the values of the separate products", () => {
    const { grads, x } = unrolledRnn();
    const terms = summedProducts(grads);
    // w's and u's gradients: one product per step each (u's first step multiplies zeros).
    expect(terms.length).toBe(2 * T);
    const fused = makePlan(grads, [], [x]);
    const unfused = makePlan([...grads, ...terms], [], [x]);
    expect(matMulSteps(unfused) - matMulSteps(fused)).toBe(2 * T);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const feeds = new Map([[x, xValues()]]);
    const got = sess.run(grads, feeds) as tf.NDArray[];
    const want = (sess.run([...grads, ...terms], feeds) as tf.NDArray[]).slice(0, grads.length);
    got.forEach((g, i) => {
      expect(g.shape).toEqual(want[i]!.shape);
      expect(g.allClose(want[i]!, 1e-5, 1e-6)).toBe(true);
    });
  });

  it("leave a sum alone when one of its products is read elsewhere", () => {
    const { grads, x } = unrolledRnn();
    const terms = summedProducts(grads);
    const plan = makePlan([...grads, terms[0]!], [], [x]);
    // The sum that reads the fetched product keeps its T products; the other is fused.
    expect(matMulSteps(plan)).toBe(matMulSteps(makePlan(grads, [], [x])) + T);
  });
});

/** The unrolled RNN's gradients computed in float64 from the variables' values. */
function referenceGrads(w: number[][], u: number[][], b: number[], xs: number[][][]): number[][][] {
  const zeros = (r: number, c: number) =>
    Array.from({ length: r }, () => new Array<number>(c).fill(0));
  const hs: number[][][] = [zeros(BATCH, HIDDEN)];
  for (let t = 0; t < T; t++) {
    const prev = hs[t]!;
    hs.push(
      Array.from({ length: BATCH }, (_, i) =>
        Array.from({ length: HIDDEN }, (_, j) => {
          let z = b[j]!;
          for (let d = 0; d < IN; d++) z += xs[i]![t]![d]! * w[d]![j]!;
          for (let k = 0; k < HIDDEN; k++) z += prev[i]![k]! * u[k]![j]!;
          return Math.tanh(z);
        }),
      ),
    );
  }
  const dw = zeros(IN, HIDDEN);
  const du = zeros(HIDDEN, HIDDEN);
  const db = [new Array<number>(HIDDEN).fill(0)];
  let dh = hs[T]!.map((row) => row.map((v) => 2 * v));
  for (let t = T; t >= 1; t--) {
    const h = hs[t]!;
    const prev = hs[t - 1]!;
    const dz = dh.map((row, i) => row.map((g, j) => g * (1 - h[i]![j]! ** 2)));
    for (let i = 0; i < BATCH; i++) {
      for (let j = 0; j < HIDDEN; j++) {
        db[0]![j]! += dz[i]![j]!;
        for (let d = 0; d < IN; d++) dw[d]![j]! += xs[i]![t - 1]![d]! * dz[i]![j]!;
        for (let k = 0; k < HIDDEN; k++) du[k]![j]! += prev[i]![k]! * dz[i]![j]!;
      }
    }
    dh = dz.map((row) =>
      Array.from({ length: HIDDEN }, (_, k) => row.reduce((s, g, j) => s + g * u[k]![j]!, 0)),
    );
  }
  return [dw, du, db];
}

const fusedSteps = (plan: ReturnType<typeof makePlan>, kind: string) =>
  plan.steps.filter((s) => s.fused === kind);

describe("an unrolled loop's per-step products and bias sums", () => {
  it("run as one input product, one transpose of the recurrent weight, one bias sum", () => {
    const { grads, x } = unrolledRnn();
    const plan = makePlan(grads, [], [x]);
    const batched = fusedSteps(plan, "batchedMatMul");
    expect(batched.length).toBe(1);
    expect(batched[0]!.outputs.length).toBe(T);
    // dh·uᵀ at each step but the first (whose input gradient nothing reads).
    expect(fusedSteps(plan, "hoistedTranspose").length).toBe(1);
    expect(fusedSteps(plan, "pretransposedMatMul").length).toBe(T - 1);
    expect(fusedSteps(plan, "summedBiasGrads").length).toBe(1);
    const rowSums = plan.steps.filter(
      (s) => s.op.type === "Sum" && (s.op.buildData._axes as number[]).join() === "0",
    );
    expect(rowSums.length).toBe(0);
  });

  it("give the gradients' values", () => {
    const { grads, x } = unrolledRnn();
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const vars = tf.globalVariables();
    const [w, u, b] = sess.run(vars) as tf.NDArray[];
    const want = referenceGrads(
      w!.toArray() as number[][],
      u!.toArray() as number[][],
      b!.toArray() as number[],
      xValues(),
    );
    const got = sess.run(grads, new Map([[x, xValues()]])) as tf.NDArray[];
    got.forEach((g, i) => {
      const flat = (g.toArray() as number[] | number[][]).flat();
      const expected = want[i]!.flat();
      expect(flat.length).toBe(expected.length);
      flat.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 4));
    });
  });

  it("sum the bias gradient bit for bit as the separate sums and their AddN", () => {
    const { grads, x } = unrolledRnn();
    const db = grads[2]!;
    // Fetching one term's sum keeps the AddN of separate sums: the unfused plan.
    let term = db.op.inputs[0]!;
    while (term.op.type !== "Sum") term = term.op.inputs[0]!;
    expect(fusedSteps(makePlan([db, term], [], [x]), "summedBiasGrads").length).toBe(0);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const feeds = new Map([[x, xValues()]]);
    const fused = (sess.run(db, feeds) as tf.NDArray).toArray();
    const separate = (sess.run([db, term], feeds) as tf.NDArray[])[0]!.toArray();
    expect(fused).toEqual(separate);
  });

  it("keep a weight's reads apart when the weight is assigned between them", () => {
    const a = tf.constant([[1, 2]]);
    const v = tf.getVariable("v", [2, 2], { initializer: tf.constantInitializer([1, 2, 3, 4]) });
    const before = tf.matmul(a, v, { transposeB: true });
    const assign = tf.controlDependencies([before], () =>
      tf.assign(
        v,
        tf.constant([
          [10, 20],
          [30, 40],
        ]),
      ),
    );
    const after = tf.controlDependencies([assign], () => tf.matmul(a, v, { transposeB: true }));
    expect(fusedSteps(makePlan([before, after], [], []), "hoistedTranspose").length).toBe(0);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const [r1, r2] = sess.run([before, after]) as tf.NDArray[];
    expect(r1!.toArray()).toEqual([[5, 11]]);
    expect(r2!.toArray()).toEqual([[50, 110]]);
  });
});

describe("steps that pass a value on unchanged", () => {
  it("are dropped, their readers reading the value itself, unless their value is fetched", () => {
    const x = tf.placeholder(tf.float32, [2, 3]);
    const passed = tf.identity(tf.multiply(x, 2));
    const reshaped = tf.reshape(passed, [2, 3]);
    const summed = tf.reduceSum(reshaped, { axis: [] });
    const out = tf.add(tf.stopGradient(summed), 1);
    const types = (fetches: tf.Tensor[]) =>
      makePlan(fetches, [], [x])
        .steps.filter((s) => !s.constant)
        .map((s) => s.op.type);
    expect(types([out])).toEqual(["Mul", "Add"]);
    expect(types([out, passed])).toEqual(["Mul", "Identity", "Add"]);
    using sess = new tf.Session();
    const feeds = new Map([
      [
        x,
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
      ],
    ]);
    const [alone] = sess.run([out], feeds) as tf.NDArray[];
    const [withPassed, value] = sess.run([out, passed], feeds) as tf.NDArray[];
    expect(alone!.toArray()).toEqual([
      [3, 5, 7],
      [9, 11, 13],
    ]);
    expect(withPassed!.toArray()).toEqual(alone!.toArray());
    expect(value!.toArray()).toEqual([
      [2, 4, 6],
      [8, 10, 12],
    ]);
  });
});

describe("an Unpack's products with one weight", () => {
  it("use a fed output's value, not the Unpack's", () => {
    const x = tf.placeholder(tf.float32, [2, 3, 2]);
    const w = tf.constant([
      [1, 2],
      [3, 4],
    ]);
    const parts = tf.unstack(x, { axis: 1 });
    const products = parts.map((p) => tf.matmul(p, w));
    const ones = Array.from({ length: 2 }, () => Array.from({ length: 3 }, () => [1, 1]));
    using sess = new tf.Session();
    const fed = new Map<tf.Tensor, unknown>([
      [x, ones],
      [
        parts[1]!,
        [
          [0, 1],
          [1, 0],
        ],
      ],
    ]);
    const got = (sess.run(products, fed) as tf.NDArray[]).map((p) => p.toArray());
    expect(got).toEqual([
      [
        [4, 6],
        [4, 6],
      ],
      [
        [3, 4],
        [1, 2],
      ],
      [
        [4, 6],
        [4, 6],
      ],
    ]);
    const plan = makePlan(products, [], [x]);
    expect(fusedSteps(plan, "batchedMatMul").length).toBe(1);
    expect(
      (sess.run(products, new Map([[x, ones]])) as tf.NDArray[]).map((p) => p.toArray()),
    ).toEqual([got[0], got[0], got[0]]);
  });
});
