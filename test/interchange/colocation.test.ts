/**
 * `_class` colocation attrs as TF 1.15 writes them (ops.py colocate_with, op_def_library's
 * reference inputs, variables.py, slot_creator.py, optimizer.py, gradients_util.py),
 * checked against the TF-written iris MetaGraph and TF's rules for what it lacks.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { MetaGraphDef, type tensorflow } from "../../src/proto/index.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

const decoder = new TextDecoder();

function classes(def: tensorflow.GraphDef): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of def.node) {
    const s = n.attr?._class?.list?.s;
    if (s) out.set(n.name ?? "", s.map((b) => decoder.decode(b)).join(","));
  }
  return out;
}

describe("_class colocation attrs", () => {
  it("match the TF-written iris graph for the ops scopeflow builds the same way", () => {
    const file = path.join(
      import.meta.dirname,
      "../fixtures/tf-checkpoints/tf-intro-iris-tf1.0-saver/model.ckpt.meta",
    );
    const tfGraph = MetaGraphDef.fromBinary(new Uint8Array(readFileSync(file))).graphDef;
    const expected = classes(tfGraph as tensorflow.GraphDef);

    // The iris program: tf.Variable from tensors, GradientDescent, a Saver.
    const x = tf.placeholder(tf.float32, [null, 4], { name: "X" });
    const y = tf.placeholder(tf.int32, [null], { name: "y" });
    const logits = tf.nameScope("nn", () => {
      const layer = (name: string, input: tf.Tensor, units: number, relu: boolean): tf.Tensor =>
        tf.nameScope(name, () => {
          const inDim = input.shape.dims?.[1] as number;
          const w = new tf.Variable(tf.truncatedNormal([inDim, units], { stddev: 0.1 }), {
            name: "weights",
          });
          const b = new tf.Variable(tf.zeros([units]), { name: "biases" });
          const out = tf.add(tf.matmul(input, w), b, { name: "add" });
          return relu ? tf.nn.relu(out) : out;
        });
      return layer("output", layer("hidden1", x, 50, true), 3, false);
    });
    const loss = tf.nameScope("loss", () =>
      tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits }), {
        name: "loss",
      }),
    );
    tf.nameScope("train", () => new tf.train.GradientDescentOptimizer(0.1).minimize(loss));
    new tf.train.Saver();
    const ours = classes(tf.getDefaultGraph().asGraphDef());

    // The Saver's `save/control_dependency` is `with_dependencies`: colocated with `save/Const`.
    expect(ours.get("save/control_dependency")).toBe("loc:@save/Const");
    expect([...ours].sort()).toEqual([...expected].sort());
  });

  it("getVariable: the initializer ops and the variable are colocated with it (attr scope)", () => {
    const w = tf.getVariable("w", [2], { initializer: tf.onesInitializer() });
    const c = tf.getVariable("c", { initializer: tf.constant([1, 2]) });
    void [w, c];
    const got = classes(tf.getDefaultGraph().asGraphDef());
    expect([...got]).toEqual([
      ["w/Initializer/ones", "loc:@w"],
      ["w", "loc:@w"],
      ["w/Assign", "loc:@w"],
      ["w/read", "loc:@w"],
      // A tensor initial value is not a function: only Assign and read are colocated.
      ["c/Assign", "loc:@c"],
      ["c/read", "loc:@c"],
    ]);
  });

  it("Adam: slots with their variable, beta powers with the first variable by name", () => {
    const x = tf.placeholder(tf.float32, [null, 3], { name: "x" });
    const w = tf.getVariable("w", [3, 2]);
    const b = tf.getVariable("b", [2], { initializer: tf.zerosInitializer() });
    const step = tf.train.getOrCreateGlobalStep();
    new tf.train.AdamOptimizer(0.01).minimize(
      tf.reduceMean(tf.square(tf.add(tf.matmul(x, w), b))),
      {
        globalStep: step,
      },
    );
    const got = classes(tf.getDefaultGraph().asGraphDef());
    for (const [name, cls] of [
      ["beta1_power/initial_value", "loc:@b"],
      ["beta1_power", "loc:@b"],
      ["beta2_power/Assign", "loc:@b"],
      ["w/Adam/Initializer/zeros", "loc:@w"],
      ["w/Adam", "loc:@w"],
      ["w/Adam_1/read", "loc:@w"],
      ["Adam/update_w/ApplyAdam", "loc:@w"],
      ["Adam/mul", "loc:@b"],
      ["Adam/Assign_1", "loc:@b"],
      // The step's increment `1`, converted inside `colocate_with(global_step)` as
      // AssignAdd's input `value`.
      ["Adam/value", "loc:@global_step"],
      ["Adam", "loc:@global_step"],
    ])
      expect(got.get(name as string), name).toBe(cls);
  });

  it("gradient sums are colocated with their first summand; colocate_gradients_with_ops", () => {
    const a = tf.placeholder(tf.float32, [2], { name: "a" });
    const y = tf.add(tf.square(a), tf.sin(a), { name: "y" });
    tf.gradients(y, a);
    const got = classes(tf.getDefaultGraph().asGraphDef());
    const addN = tf
      .getDefaultGraph()
      .getOperations()
      .find((op) => op.type === "AddN");
    expect(got.get(addN?.name ?? "")).toBe(`loc:@${addN?.inputs[0]?.op.name}`);
    tf.resetDefaultGraph();
    const b = tf.placeholder(tf.float32, [2], { name: "b" });
    const s = tf.square(b, { name: "sq" });
    tf.gradients(s, b, { colocateGradientsWithOps: true });
    const g2 = classes(tf.getDefaultGraph().asGraphDef());
    expect(g2.get("gradients/sq_grad/Mul")).toBe("loc:@sq");
    expect(g2.get("gradients/Fill")).toBe("loc:@sq");
  });

  it("batch normalization's moving-average updates are colocated with the moving variables", () => {
    const x = tf.placeholder(tf.float32, [null, 3], { name: "x" });
    tf.layers.batchNormalization(x, { training: true, fused: false });
    const got = classes(tf.getDefaultGraph().asGraphDef());
    const updates = [...got].filter(([name]) => name.includes("AssignMovingAvg"));
    expect(updates.length).toBeGreaterThanOrEqual(6);
    for (const [name, cls] of updates)
      expect(cls, name).toBe(
        name.includes("AssignMovingAvg_1")
          ? "loc:@batch_normalization/moving_variance"
          : "loc:@batch_normalization/moving_mean",
      );
    expect(got.get("batch_normalization/AssignMovingAvg")).toBe(
      "loc:@batch_normalization/moving_mean",
    );
  });

  it("colocateWith: groups of enclosing scopes, ignoreExisting, the device, null", () => {
    const g = tf.getDefaultGraph();
    const a = tf.constant(1, { name: "a" });
    const b = tf.device("/cpu:0", () => tf.constant(2, { name: "b" }));
    g.colocateWith(a.op, () => {
      g.colocateWith(b.op, () => {
        const c = tf.device("/gpu:0", () => tf.constant(3, { name: "c" }));
        expect(c.op.colocationGroups()).toEqual(["loc:@a", "loc:@b"]);
        // The device of the first colocated op that has one; the device scope is set aside.
        expect(c.op.device).toBe("/device:CPU:0");
      });
      const d = g.colocateWith(b.op, () => tf.constant(4, { name: "d" }), true);
      expect(d.op.colocationGroups()).toEqual(["loc:@b"]);
      const e = g.colocateWith(null, () => tf.constant(5, { name: "e" }), true);
      expect(e.op.attrs._class).toBeUndefined();
      expect(e.op.colocationGroups()).toEqual(["loc:@e"]);
    });
    expect(() => g.colocateWith(null, () => 0)).toThrow(
      "Trying to reset colocation (op is None) but ignore_existing is not True",
    );
  });
});

describe("tf.colocateWith(op, ignore_existing)", () => {
  it("colocates with an op, tensor or variable; nests; ignoreExisting and null clear", () => {
    const v = tf.device("/job:ps/task:0", () =>
      tf.getVariable("v", [2], { initializer: tf.onesInitializer() }),
    );
    const w = tf.getVariable("w", [2], { initializer: tf.onesInitializer() });
    const classOf = (t: tf.Tensor) => t.op.getAttr("_class");
    const a = tf.colocateWith(v, () => tf.multiply(v, 2, { name: "a" }));
    expect(classOf(a)).toEqual(["loc:@v"]);
    expect(a.device).toBe("/job:ps/task:0");
    const b = tf.colocateWith(v, () => tf.colocateWith(w.op, () => tf.add(v, w, { name: "b" })));
    expect(classOf(b)).toEqual(["loc:@v", "loc:@w"]);
    const c = tf.colocateWith(v, () =>
      tf.colocateWith({ op: w, ignoreExisting: true }, () => tf.add(v, w, { name: "c" })),
    );
    expect(classOf(c)).toEqual(["loc:@w"]);
    const d = tf.colocateWith(a, () =>
      tf.colocateWith(null, true, () => tf.add(v, w, { name: "d" })),
    );
    expect(() => classOf(d)).toThrow();
    expect(() => tf.colocateWith(null, () => 1)).toThrow(
      "Trying to reset colocation (op is None) but ignore_existing is not True",
    );
    expect(() => tf.colocateWith("v" as never, () => 1)).toThrow(TypeError);
    expect(() =>
      tf.colocateWith({ op: v, ignoreExisting: true, extra: 1 } as never, () => 1),
    ).toThrow("colocateWith() got an unexpected keyword argument 'extra'");
    // The positional ignoreExisting and the options form build the same colocation.
    const e1 = tf.colocateWith(v, () =>
      tf.colocateWith(w, true, () => tf.add(v, w, { name: "e1" })),
    );
    const e2 = tf.colocateWith(v, () =>
      tf.colocateWith({ op: w, ignoreExisting: true }, () => tf.add(v, w, { name: "e2" })),
    );
    expect(classOf(e1)).toEqual(classOf(e2));
  });
});
