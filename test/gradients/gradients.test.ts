import * as tfc from "@tensorflow/tfjs-core";
// tfjs-core alone registers no gradients; the reference `tfc.grad` below needs them.
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

beforeEach(() => tf.resetDefaultGraph());

function values(t: tf.Tensor, s: tf.Session, feeds?: Map<tf.Tensor, unknown>): number[] {
  return Array.from(s.run(t, feeds).data as Float32Array);
}

describe("tf.gradients", () => {
  it("names the backward ops as TensorFlow does and sums the gradients of a shared weight", () => {
    const x1 = tf.constant([[1, 2]], { name: "x1" });
    const x2 = tf.constant([[3, -4]], { name: "x2" });
    const w = tf.getVariable("w", [2, 2], { initializer: tf.constantInitializer([1, -1, 0.5, 2]) });
    const y = tf.add(tf.nn.relu(tf.matmul(x1, w)), tf.nn.relu(tf.matmul(x2, w)));
    const [dw] = tf.gradients(y, [w]);
    const names = tf
      .getDefaultGraph()
      .getOperations()
      .map((o) => o.name)
      .filter((n) => n.startsWith("gradients/"));
    expect(names).toContain("gradients/MatMul_grad/MatMul");
    expect(names).toContain("gradients/MatMul_grad/MatMul_1");
    expect(names).toContain("gradients/Relu_grad/ReluGrad");
    expect(names).toContain("gradients/MatMul_1_grad/MatMul_1");
    expect(dw?.op.name).toBe("gradients/AddN");

    using s = new tf.Session();
    s.run(tf.globalVariablesInitializer());
    const wv = tfc.tensor2d([1, -1, 0.5, 2], [2, 2]);
    const expected = tfc.grad((wt: tfc.Tensor) =>
      tfc.add(
        tfc.relu(tfc.matMul(tfc.tensor2d([[1, 2]]), wt)),
        tfc.relu(tfc.matMul(tfc.tensor2d([[3, -4]]), wt)),
      ),
    )(wv);
    const got = values(dw as tf.Tensor, s);
    const want = Array.from(expected.dataSync());
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i] as number, 5));
    wv.dispose();
    expected.dispose();
  });

  it("concatenates a dense and a sparse gradient into one IndexedSlices, as TF's _AggregatedGrads", () => {
    // A tied embedding: looked up by ids and used again as the output projection.
    const emb = tf.getVariable("emb", [5, 3], {
      initializer: tf.constantInitializer(Array.from({ length: 15 }, (_, i) => (i % 7) - 3)),
    });
    const ids = tf.constant([4, 1, 4], { dtype: tf.int32, name: "ids" });
    const h = tf.nn.embeddingLookup(emb, ids);
    const logits = tf.matmul(h, emb, { transposeB: true });
    const loss = tf.reduceSum(tf.square(logits));
    const [g] = tf.gradients(loss, [emb]);
    expect(g).toBeInstanceOf(tf.IndexedSlices);
    const slices = g as tf.IndexedSlices;
    expect(slices.values.op.type).toBe("ConcatV2");
    expect(slices.indices.op.type).toBe("ConcatV2");
    // The dense MatMul gradient joins as all five rows (TF's _as_indexed_slices).
    expect(slices.values.shape.asList()).toEqual([8, 3]);
    const ops = tf.getDefaultGraph().getOperations();
    expect(ops.some((o) => o.name === "gradients/range" && o.type === "Range")).toBe(true);

    using s = new tf.Session();
    s.run(tf.globalVariablesInitializer());
    const dense = s.run(tf.convertToTensor(slices)).data as Float32Array;
    // By hand: logits = H·Wᵀ with H = W[ids]; dL/dlogits = 2·logits.
    const w0 = Array.from({ length: 15 }, (_, i) => (i % 7) - 3);
    const rows = [4, 1, 4];
    const hRows = rows.map((r) => w0.slice(r * 3, r * 3 + 3));
    const dl = hRows.map((hr) =>
      [0, 1, 2, 3, 4].map(
        (j) => 2 * hr.reduce((acc, v, k) => acc + v * (w0[j * 3 + k] as number), 0),
      ),
    );
    const wantValues = new Array<number>(15).fill(0);
    for (let b = 0; b < 3; b++) {
      for (let j = 0; j < 5; j++) {
        for (let k = 0; k < 3; k++) {
          const d = (dl[b] as number[])[j] as number;
          // The projection's gradient, row j.
          wantValues[j * 3 + k] += d * ((hRows[b] as number[])[k] as number);
          // The lookup's gradient, row ids[b].
          wantValues[(rows[b] as number) * 3 + k] += d * (w0[j * 3 + k] as number);
        }
      }
    }
    Array.from(dense).forEach((v, i) => expect(v).toBeCloseTo(wantValues[i] as number, 3));

    // The optimizer applies it as a sparse update (ScatterSub) with TF's numbers.
    const step = new tf.train.GradientDescentOptimizer(0.01).applyGradients([[slices, emb]]);
    expect(step.graph.getOperations().some((o) => o.type === "ScatterSub")).toBe(true);
    s.run(step);
    const after = s.run(emb).data as Float32Array;
    Array.from(after).forEach((v, i) =>
      expect(v).toBeCloseTo((i % 7) - 3 - 0.01 * (wantValues[i] as number), 3),
    );
  });

  it("returns null for an x the ys do not depend on, or zeros when asked", () => {
    const a = tf.constant(1, { name: "a" });
    const b = tf.constant(2, { name: "b" });
    const y = tf.square(a);
    expect(tf.gradients(y, [b])).toEqual([null]);
    const [z] = tf.gradients(y, [b], null, { unconnectedGradients: "zero" });
    using s = new tf.Session();
    expect(s.run(z as tf.Tensor).item()).toBe(0);
  });

  it("stops at tf.stopGradient", () => {
    const x = tf.constant(3);
    const y = tf.square(tf.stopGradient(x)).add(tf.square(x));
    const [dx] = tf.gradients(y, [x]);
    using s = new tf.Session();
    expect(s.run(dx as tf.Tensor).item()).toBeCloseTo(6, 5);
  });

  it("fails when no gradient is defined, leaving the graph as it was", () => {
    const x = tf.constant([1, 2]);
    const y = tf.equal(x, 1);
    const before = tf.getDefaultGraph().opCount;
    // A bool output does not carry gradients: nothing is connected.
    expect(tf.gradients(tf.cast(y, tf.float32), [x])).toEqual([null]);
    expect(tf.getDefaultGraph().opCount).toBeGreaterThanOrEqual(before);
  });
});

describe("optimizers", () => {
  it("GradientDescent steps a variable and names its ops as TensorFlow does", () => {
    const w = tf.getVariable("w", [2], { initializer: tf.constantInitializer([1, 2]) });
    const loss = tf.square(w);
    const train = new tf.train.GradientDescentOptimizer(0.25).minimize(loss);
    expect(train.name).toBe("GradientDescent");
    const names = tf
      .getDefaultGraph()
      .getOperations()
      .map((o) => o.name);
    expect(names).toContain("GradientDescent/update_w/ApplyGradientDescent");
    expect(names).toContain("GradientDescent/learning_rate");
    using s = new tf.Session();
    s.run(tf.globalVariablesInitializer());
    s.run(train);
    // w - 0.25 * 2w = 0.5 w
    expect(Array.from(s.run(w).data as Float32Array)).toEqual([0.5, 1]);
  });

  it("GATE_GRAPH gates all gradients with TF's tuple: tuple/control_dependency_k, an IndexedSlices' values only", () => {
    const emb = tf.getVariable("emb", [4, 2], { initializer: tf.onesInitializer() });
    const w = tf.getVariable("w", [2], { initializer: tf.constantInitializer([1, 2]) });
    const loss = tf.reduceSum(tf.multiply(tf.gather(emb, [3, 1]), w));
    const opt = new tf.train.GradientDescentOptimizer(0.5);
    const pairs = opt.computeGradients(loss, { gateGradients: tf.train.Optimizer.GATE_GRAPH });
    const [gEmb, gW] = pairs.map(([g]) => g);
    expect(gEmb).toBeInstanceOf(tf.IndexedSlices);
    const slices = gEmb as tf.IndexedSlices;
    expect(slices.values.op.name).toBe("tuple/control_dependency");
    // TF's with_dependencies passes an IndexedSlices' indices on ungated.
    expect(slices.indices.op.type).not.toBe("Identity");
    expect((gW as tf.Tensor).op.name).toBe("tuple/control_dependency_1");
    expect((gW as tf.Tensor).op.controlInputs.map((o) => o.name)).toEqual(["tuple/group_deps"]);
    const train = opt.applyGradients(pairs);
    using s = new tf.Session();
    s.run(tf.globalVariablesInitializer());
    s.run(train);
    expect(s.run(emb).toArray()).toEqual([
      [1, 1],
      [0.5, 0],
      [1, 1],
      [0.5, 0],
    ]);
  });

  it("Adam creates TensorFlow's slot and non-slot variables, outside the trainable ones", () => {
    const w = tf.getVariable("w", [2], { initializer: tf.constantInitializer([1, 2]) });
    const opt = new tf.train.AdamOptimizer(0.1);
    const step = tf.train.getOrCreateGlobalStep();
    const train = opt.minimize(tf.square(w), { globalStep: step });
    expect(opt.getSlot(w, "m")?.name).toBe("w/Adam:0");
    expect(opt.getSlot(w, "v")?.name).toBe("w/Adam_1:0");
    expect(opt.getSlotNames()).toEqual(["m", "v"]);
    expect(tf.globalVariables().map((v) => v.name)).toEqual([
      "w:0",
      "global_step:0",
      "beta1_power:0",
      "beta2_power:0",
      "w/Adam:0",
      "w/Adam_1:0",
    ]);
    expect(tf.trainableVariables().map((v) => v.name)).toEqual(["w:0"]);
    using s = new tf.Session();
    s.run(tf.globalVariablesInitializer());
    for (let i = 0; i < 3; i++) s.run(train);
    expect(s.run(step).item()).toBe(3);
    // Adam's first steps move each weight by about lr toward zero.
    const wv = Array.from(s.run(w).data as Float32Array);
    expect(wv[0]).toBeCloseTo(0.7, 2);
    expect(wv[1]).toBeCloseTo(1.7, 2);
    expect(s.run(opt.getSlot(w, "m") as tf.Variable).shape).toEqual([2]);
  });
});

describe("executor and GATE_OP gates", () => {
  it("does not compute a gradient nobody reads just because a gate groups it", async () => {
    const { makePlan } = await import("../../src/session/plan.js");
    const x = tf.placeholder(tf.float32, [4, 3], { name: "x" });
    const w = tf.getVariable("w", [3, 2]);
    const loss = tf.reduceSum(tf.matmul(x, w));
    const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
    const names = tf
      .getDefaultGraph()
      .getOperations()
      .map((o) => o.name);
    // Built as TensorFlow builds it ...
    expect(names).toContain("gradients/MatMul_grad/MatMul");
    expect(names).toContain("gradients/MatMul_grad/tuple/group_deps");
    // ... but the gradient with respect to the fed x is not run.
    const planned = makePlan([], [train], [x]).steps.map((s) => s.op.name);
    expect(planned).toContain("gradients/MatMul_grad/MatMul_1");
    expect(planned).not.toContain("gradients/MatMul_grad/MatMul");
    using s = new tf.Session();
    s.run(tf.globalVariablesInitializer());
    const before = s.run(w).toArray() as number[][];
    s.run(
      train,
      new Map([
        [
          x,
          [
            [1, 1, 1],
            [1, 1, 1],
            [1, 1, 1],
            [1, 1, 1],
          ],
        ],
      ]),
    );
    const after = s.run(w).toArray() as number[][];
    // d(sum(xw))/dw = x^T 1 = 4 everywhere; w moves by -0.4.
    after.forEach((row, i) =>
      row.forEach((v, j) => expect(v).toBeCloseTo((before[i]?.[j] as number) - 0.4, 5)),
    );
  });
});
