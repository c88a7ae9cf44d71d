/**
 * Resource variables built by scopeflow as TF 1.15's `use_resource=True` builds them
 * (`ResourceVariable._init_from_args`): the graph's names, reads, assignments, the
 * optimizers' `ResourceApply*`/`ResourceSparseApply*` paths (whose values equal the
 * reference-variable path's bit for bit), embeddings, scatter ops, Savers both ways, and
 * meta graphs exported, imported and trained on.
 */
import * as path from "node:path";
import * as tfc from "@tensorflow/tfjs-core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { bits, tempDir, thrown } from "../checkpoint/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});
afterEach(() => {
  tf.disableResourceVariables();
});

const opsOf = (graph: tf.Graph = tf.getDefaultGraph()): string[] =>
  graph.getOperations().map((o) => `${o.name} ${o.type}`);

const f32 = (a: tf.NDArray): Float32Array => Float32Array.from(a.data as ArrayLike<number>);

describe("building a resource variable", () => {
  it("getVariable({useResource: true}) builds TF 1.15's ops, names and attrs", () => {
    const v = tf.variableScope("layer", () => tf.getVariable("w", [2, 3], { useResource: true }));
    expect(v.isResource).toBe(true);
    expect(v.name).toBe("layer/w:0");
    expect(v.shape.toString()).toBe("(2, 3)");
    expect(v.dtype).toBe("float32");
    expect(String(v)).toBe("<tf.Variable 'layer/w:0' shape=(2, 3) dtype=float32>");
    // As a Keras TF 1.13 graph shows them (test/fixtures/tf-events/events-wandb-keras-graph-tf1.13).
    expect(opsOf()).toEqual([
      "layer/w/Initializer/random_uniform/shape Const",
      "layer/w/Initializer/random_uniform/min Const",
      "layer/w/Initializer/random_uniform/max Const",
      "layer/w/Initializer/random_uniform/RandomUniform RandomUniform",
      "layer/w/Initializer/random_uniform/sub Sub",
      "layer/w/Initializer/random_uniform/mul Mul",
      "layer/w/Initializer/random_uniform Add",
      "layer/w VarHandleOp",
      "layer/w/IsInitialized/VarIsInitializedOp VarIsInitializedOp",
      "layer/w/Assign AssignVariableOp",
      "layer/w/Read/ReadVariableOp ReadVariableOp",
    ]);
    const handle = v.op;
    expect(handle.attrs.shared_name).toBe("layer/w");
    expect(handle.attrs.container).toBe("");
    expect(handle.attrs.dtype).toBe("float32");
    expect(handle.attrs._class).toEqual(["loc:@layer/w"]);
    expect(v.initializer.name).toBe("layer/w/Assign");
    expect(v.initializer.inputs.map((t) => t.name)).toEqual([
      "layer/w:0",
      "layer/w/Initializer/random_uniform:0",
    ]);
    expect(v.initialValue.name).toBe("layer/w/Initializer/random_uniform:0");
    expect(v.snapshot.name).toBe("layer/w/Read/ReadVariableOp:0");
    expect(v.snapshot.shape.toString()).toBe("(2, 3)");
    // The initial value's ops are colocated with the handle; the initializer and the read are not.
    const init = tf.getDefaultGraph().getOperationByName("layer/w/Initializer/random_uniform");
    expect(init.attrs._class).toEqual(["loc:@layer/w"]);
    expect(v.initializer.attrs._class).toBeUndefined();
    expect(v.snapshot.op.attrs._class).toBeUndefined();
    expect(tf.globalVariables()).toEqual([v]);
    expect(tf.trainableVariables()).toEqual([v]);
  });

  it("new tf.Variable({useResource: true}) converts its value under Initializer/", () => {
    const v = new tf.Variable([1, 2], { name: "v", useResource: true });
    const u = new tf.Variable(3, { useResource: true });
    expect(opsOf()).toEqual([
      "v/Initializer/initial_value Const",
      "v VarHandleOp",
      "v/IsInitialized/VarIsInitializedOp VarIsInitializedOp",
      "v/Assign AssignVariableOp",
      "v/Read/ReadVariableOp ReadVariableOp",
      "Variable/Initializer/initial_value Const",
      "Variable VarHandleOp",
      "Variable/IsInitialized/VarIsInitializedOp VarIsInitializedOp",
      "Variable/Assign AssignVariableOp",
      "Variable/Read/ReadVariableOp ReadVariableOp",
    ]);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect(sess.run(v).toArray()).toEqual([1, 2]);
    expect(sess.run(u).item()).toBe(3);
    expect(v.toProto()).toEqual({
      variableName: "v:0",
      initialValueName: "v/Initializer/initial_value:0",
      trainable: true,
      isResource: true,
      initializerName: "v/Assign",
      snapshotName: "v/Read/ReadVariableOp:0",
    });
  });

  it("a shape given with the value must be compatible with it, with TF's message", () => {
    const e = thrown(() => new tf.Variable([1, 2], { shape: [3], useResource: true }));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe(
      "The initial value's shape ((2,)) is not compatible with the explicitly supplied `shape` argument ((3,)).",
    );
    expect(tf.getDefaultGraph().getOperations()).toEqual([]);
  });

  it("variableScope({useResource}) is inherited by sub-scopes; an explicit false wins", () => {
    const [a, b, c, d] = tf.variableScope("outer", { useResource: true }, (scope) => {
      expect(scope.useResource).toBe(true);
      const a = tf.getVariable("a", [1]);
      const b = tf.variableScope("inner", () => tf.getVariable("b", [1]));
      const c = tf.getVariable("c", [1], { useResource: false });
      const d = new tf.Variable(1, { name: "d" });
      return [a, b, c, d];
    });
    expect([a, b, c, d].map((v) => v.op.type)).toEqual([
      "VarHandleOp",
      "VarHandleOp",
      "VariableV2",
      "VarHandleOp",
    ]);
    expect(tf.getVariableScope().useResource).toBeNull();
    expect(tf.getVariable("e", [1]).op.type).toBe("VariableV2");
    const f = tf.variableScope("other", { useResource: false }, () => tf.getVariable("f", [1]));
    expect(f.op.type).toBe("VariableV2");
  });

  it("tf.enableResourceVariables makes resource variables the default", () => {
    expect(tf.resourceVariablesEnabled()).toBe(false);
    tf.enableResourceVariables();
    expect(tf.resourceVariablesEnabled()).toBe(true);
    expect(tf.getVariable("a", [1]).op.type).toBe("VarHandleOp");
    expect(new tf.Variable(1).op.type).toBe("VarHandleOp");
    expect(tf.getVariable("b", [1], { useResource: false }).op.type).toBe("VariableV2");
    tf.disableResourceVariables();
    expect(tf.getVariable("c", [1]).op.type).toBe("VariableV2");
  });

  it("reuse returns the same resource variable; a failed creation leaves the graph unchanged", () => {
    const v = tf.variableScope("s", () => tf.getVariable("v", [2], { useResource: true }));
    const again = tf.variableScope("s", { reuse: true }, () => tf.getVariable("v", [2]));
    expect(again).toBe(v);
    const before = opsOf();
    expect(() =>
      tf.getVariable("x", [2], {
        useResource: true,
        initializer: tf.constantInitializer([1, 2, 3]),
      }),
    ).toThrow();
    expect(opsOf()).toEqual(before);
    expect(tf.globalVariables()).toEqual([v]);
  });
});

describe("reading and writing", () => {
  it("each use as a tensor adds a ReadVariableOp where it is used (TF's value())", () => {
    const v = tf.getVariable("v", [2, 2], {
      useResource: true,
      initializer: tf.constantInitializer([
        [1, 2],
        [3, 4],
      ]),
    });
    const y = tf.matmul(tf.constant([[1, 1]]), v);
    expect(y.op.inputs[1]?.name).toBe("MatMul/ReadVariableOp:0");
    expect(y.op.inputs[1]?.op.type).toBe("ReadVariableOp");
    const z = tf.nameScope("layer", () => v.add(1));
    expect(z.op.inputs[0]?.name).toBe("layer/ReadVariableOp:0");
    const r = v.readValue();
    expect(r.op.type).toBe("Identity");
    expect(r.op.inputs[0]?.name).toBe("Read/ReadVariableOp:0");
    using sess = new tf.Session();
    sess.run(v.initializer);
    expect(sess.run(y).toArray()).toEqual([[4, 6]]);
    expect(sess.run(r).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    // Fetching the variable reads its graph element; the graph does not grow.
    const count = tf.getDefaultGraph().getOperations().length;
    expect(sess.run(v).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(tf.getDefaultGraph().getOperations().length).toBe(count);
  });

  it("assign, assignAdd and tf.assign* write through AssignVariableOp and the others", () => {
    const v = tf.getVariable("v", [2], { useResource: true, initializer: tf.zerosInitializer() });
    const set = tf.assign(v, [1, 2]);
    const add = v.assignAdd([10, 10]);
    const sub = tf.assignSub(v, [1, 1]);
    const op = v.assign([5, 5], undefined, undefined, false);
    expect(set.op.type).toBe("ReadVariableOp");
    expect(set.op.controlInputs.map((o) => o.type)).toEqual(["AssignVariableOp"]);
    expect(add.op.controlInputs.map((o) => o.type)).toEqual(["AssignAddVariableOp"]);
    expect(sub.op.controlInputs.map((o) => o.type)).toEqual(["AssignSubVariableOp"]);
    expect(op.type).toBe("AssignVariableOp");
    using sess = new tf.Session();
    expect(sess.run(tf.isVariableInitialized(v)).item()).toBe(false);
    sess.run(v.initializer);
    expect(sess.run(tf.isVariableInitialized(v)).item()).toBe(true);
    expect(sess.run(set).toArray()).toEqual([1, 2]);
    expect(sess.run(add).toArray()).toEqual([11, 12]);
    expect(sess.run(sub).toArray()).toEqual([10, 11]);
    sess.run(op);
    expect(sess.run(v).toArray()).toEqual([5, 5]);
  });

  it("a value of another shape is TF's ValueError, and the graph is unchanged", () => {
    const v = tf.getVariable("v", [2], { useResource: true });
    const before = opsOf();
    for (const bad of [
      () => v.assign([1, 2, 3]),
      () => v.assignAdd([1, 2, 3]),
      () => tf.assign(v, [[1, 2]]),
    ]) {
      const e = thrown(bad);
      expect(e).toBeInstanceOf(tf.errors.ValueError);
      expect(e.message).toMatch(/^Shapes \(2,\) and \((3,|1, 2)\) are incompatible$/);
      expect(opsOf()).toEqual(before);
    }
    expect(v.assign([1, 2]).op.controlInputs[0]?.inputs[1]?.name).toBe("Const:0");
  });

  it("reading before initializing is TF's FailedPreconditionError", () => {
    const v = tf.getVariable("v", [2], { useResource: true });
    using sess = new tf.Session();
    const e = thrown(() => sess.run(v));
    expect(e).toBeInstanceOf(tf.errors.FailedPreconditionError);
    expect(e.message).toContain(
      "Error while reading resource variable v from Container: localhost",
    );
    expect(sess.run(tf.reportUninitializedVariables()).toArray()).toEqual(["v"]);
  });

  it("tf.gather and sparseRead read rows with ResourceGather", () => {
    const v = tf.getVariable("table", [4, 2], {
      useResource: true,
      initializer: tf.constantInitializer([
        [0, 1],
        [2, 3],
        [4, 5],
        [6, 7],
      ]),
    });
    const g = tf.gather(v, [3, 1]);
    expect(g.op.type).toBe("Identity");
    expect(g.op.inputs[0]?.op.name).toBe("Gather");
    expect(g.op.inputs[0]?.op.type).toBe("ResourceGather");
    expect(g.shape.toString()).toBe("(2, 2)");
    const named = v.sparseRead([0], "rows");
    expect(named.op.inputs[0]?.op.name).toBe("rows");
    // Along another axis the variable is read whole.
    const cols = tf.gather(v, [1], { axis: 1 });
    expect(cols.op.type).toBe("GatherV2");
    using sess = new tf.Session();
    sess.run(v.initializer);
    expect(sess.run(g).toArray()).toEqual([
      [6, 7],
      [2, 3],
    ]);
    expect(sess.run(named).toArray()).toEqual([[0, 1]]);
    expect(sess.run(cols).toArray()).toEqual([[1], [3], [5], [7]]);
  });

  it("scatterAdd, scatterSub and scatterUpdate on a resource variable are ResourceScatter* ops", () => {
    const v = tf.getVariable("v", [3, 2], {
      useResource: true,
      initializer: tf.zerosInitializer(),
    });
    const add = tf.scatterAdd(
      v,
      [2, 0, 2],
      [
        [1, 1],
        [5, 5],
        [1, 2],
      ],
    );
    const sub = tf.scatterSub(v, [1], [[1, 2]]);
    const upd = tf.scatterUpdate(v, [0], [[7, 8]], { name: "set_row" });
    expect(add.op.controlInputs.map((o) => `${o.name} ${o.type}`)).toEqual([
      "ResourceScatterAdd ResourceScatterAdd",
    ]);
    expect(sub.op.controlInputs.map((o) => o.type)).toEqual(["ResourceScatterSub"]);
    expect(upd.op.controlInputs.map((o) => o.name)).toEqual(["set_row"]);
    expect(() => tf.scatterAdd(v, [0], [[1, 2, 3]])).toThrow(tf.errors.ValueError);
    using sess = new tf.Session();
    sess.run(v.initializer);
    expect(sess.run(add).toArray()).toEqual([
      [5, 5],
      [0, 0],
      [2, 3],
    ]);
    expect(sess.run(sub).toArray()).toEqual([
      [5, 5],
      [-1, -2],
      [2, 3],
    ]);
    expect(sess.run(upd).toArray()).toEqual([
      [7, 8],
      [-1, -2],
      [2, 3],
    ]);
    const e = thrown(() => sess.run(tf.scatterAdd(v, [5], [[1, 1]])));
    expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(e.message).toContain("indices[0] = 5 is not in [0, 3)");
  });
});

type OptimizerCase = [string, () => tf.train.Optimizer];
const OPTIMIZERS: OptimizerCase[] = [
  ["GradientDescent", () => new tf.train.GradientDescentOptimizer(0.1)],
  ["Momentum", () => new tf.train.MomentumOptimizer(0.05, 0.9)],
  ["Momentum (nesterov)", () => new tf.train.MomentumOptimizer(0.05, 0.9, { useNesterov: true })],
  ["Adam", () => new tf.train.AdamOptimizer(0.05)],
  ["Adagrad", () => new tf.train.AdagradOptimizer(0.1)],
  ["RMSProp", () => new tf.train.RMSPropOptimizer(0.01, { momentum: 0.5 })],
  [
    "RMSProp (centered)",
    () => new tf.train.RMSPropOptimizer(0.01, { momentum: 0.5, centered: true }),
  ],
];

/**
 * A small model trained `steps` times in a graph of its own, its variables resource ones
 * or not: a dense layer over an embedding lookup (a sparse gradient) and a dense weight.
 */
function train(
  useResource: boolean,
  makeOptimizer: () => tf.train.Optimizer,
  steps: number,
): { values: Float32Array[]; ops: string[] } {
  const graph = new tf.Graph();
  return graph.asDefault(() => {
    const table = tf.getVariable("table", [5, 3], {
      useResource,
      initializer: tf.randomUniformInitializer(-1, 1, { seed: 3 }),
    });
    const w = tf.getVariable("w", [3, 2], {
      useResource,
      initializer: tf.randomNormalInitializer(0, 1, { seed: 4 }),
    });
    const b = tf.getVariable("b", [2], { useResource, initializer: tf.zerosInitializer() });
    const ids = tf.placeholder("int32", [null]);
    const target = tf.placeholder("float32", [null, 2]);
    const h = tf.nn.embeddingLookup(table, ids);
    const y = tf.add(tf.matmul(tf.tanh(h), w), b);
    const loss = tf.reduceMean(tf.square(tf.subtract(y, target)));
    const step = tf.train.getOrCreateGlobalStep();
    const opt = makeOptimizer();
    const trainOp = opt.minimize(loss, { globalStep: step });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    for (let i = 0; i < steps; i++) {
      sess.run(
        trainOp,
        new Map<tf.Tensor, unknown>([
          [ids, [i % 5, (i * 2) % 5, 1, 1]],
          [
            target,
            [
              [1, -1],
              [0.5, 0],
              [0, 1],
              [0, 1],
            ],
          ],
        ]),
      );
    }
    const values = [table, w, b, ...opt.variables()].map((v) => f32(sess.run(v)));
    expect(sess.run(step).item()).toBe(steps);
    return { values, ops: opsOf(graph) };
  });
}

describe("training resource variables", () => {
  for (const [name, make] of OPTIMIZERS) {
    it(`${name}: the same values as on reference variables, bit for bit`, () => {
      const ref = train(false, make, 4);
      const res = train(true, make, 4);
      expect(res.values.length).toBe(ref.values.length);
      res.values.forEach((v, i) => expect(bits(v)).toEqual(bits(ref.values[i] as Float32Array)));
      // The updates are the resource twins of the reference ops.
      const types = new Set(res.ops.map((o) => o.split(" ")[1]));
      const refTypes = [...new Set(ref.ops.map((o) => o.split(" ")[1]))];
      for (const t of refTypes) {
        if (/^(Sparse)?Apply/.test(t as string)) expect(types.has(`Resource${t}`)).toBe(true);
      }
      // Only the global step, made by getOrCreateGlobalStep outside any resource scope, is not.
      expect(res.ops.filter((o) => o.endsWith(" VariableV2"))).toEqual(["global_step VariableV2"]);
    });
  }

  it("layers, batch normalization and an LSTM in a useResource scope train as on reference variables", () => {
    const run = (useResource: boolean): { values: Float32Array[]; types: string[] } => {
      const graph = new tf.Graph();
      return graph.asDefault(() => {
        tf.setRandomSeed(11);
        const x = tf.constant(
          Array.from({ length: 4 }, (_, i) =>
            Array.from({ length: 3 }, (_, t) => [Math.sin(i + t), Math.cos(i * t)]),
          ),
        );
        const loss = tf.variableScope("model", { useResource }, () => {
          const [outputs] = tf.nn.dynamicRnn(new tf.nn.rnnCell.LSTMCell(3), x, {
            dtype: tf.float32,
          });
          const last = tf.reshape(outputs, [4, 9]);
          const h = tf.layers.batchNormalization(tf.layers.dense(last, 4), { training: true });
          return tf.reduceMean(tf.square(tf.layers.dense(tf.nn.relu(h), 1)));
        });
        const updates = tf.getCollection<tf.Operation>(tf.GraphKeys.UPDATE_OPS);
        const trainOp = tf.group([new tf.train.AdamOptimizer(0.01).minimize(loss), ...updates]);
        using sess = new tf.Session();
        sess.run(tf.globalVariablesInitializer());
        // Random initial values depend on how many ops the graph holds (TF's op seeds), so
        // both graphs start from the same values set here.
        for (const v of tf.trainableVariables()) {
          const size = v.shape.numElements() as number;
          const values = Float32Array.from(
            { length: size },
            (_, i) => Math.sin(i * 1.7 + size) / 2,
          );
          v.load(new tf.NDArray(values, v.shape.asList() as number[], "float32"), sess);
        }
        for (let i = 0; i < 3; i++) sess.run(trainOp);
        const values = tf.globalVariables().map((v) => f32(sess.run(v)));
        const types = tf.globalVariables().map((v) => `${v.name} ${v.op.type}`);
        return { values, types };
      });
    };
    const ref = run(false);
    const res = run(true);
    expect(res.types.map((t) => t.replace("VarHandleOp", "VariableV2"))).toEqual(ref.types);
    expect(res.types.every((t) => t.endsWith("VarHandleOp"))).toBe(true);
    expect(res.types).toContain("model/batch_normalization/moving_mean:0 VarHandleOp");
    res.values.forEach((v, i) => expect(bits(v)).toEqual(bits(ref.values[i] as Float32Array)));
  });

  it("a resource variable read in both branches of a cond trains as a reference one", () => {
    const run = (useResource: boolean): number[][] => {
      const graph = new tf.Graph();
      return graph.asDefault(() => {
        const v = tf.getVariable("v", [2], { useResource, initializer: tf.onesInitializer() });
        const p = tf.placeholder("bool", []);
        const y = tf.cond(
          p,
          () => tf.multiply(v, 2),
          () => tf.multiply(v, v),
        );
        const train = new tf.train.GradientDescentOptimizer(0.1).minimize(
          tf.reduceSum(y as tf.Tensor),
        );
        using sess = new tf.Session();
        sess.run(v.initializer);
        const seen: number[][] = [];
        for (const taken of [true, false, false]) {
          sess.run(train, new Map([[p, taken]]));
          seen.push(Array.from(f32(sess.run(v))));
        }
        return seen;
      });
    };
    const res = run(true);
    expect(res).toEqual(run(false));
    expect(res[0]).toEqual([0.800000011920929, 0.800000011920929]);
  });

  it("Adam over resource variables: TF 1.15's names for slots, updates and beta powers", () => {
    const w = tf.getVariable("w", [2], { useResource: true, initializer: tf.onesInitializer() });
    const opt = new tf.train.AdamOptimizer(0.1);
    const trainOp = opt.minimize(tf.reduceSum(tf.square(w)));
    const m = opt.getSlot(w, "m") as tf.Variable;
    expect(m.name).toBe("w/Adam:0");
    expect(m.isResource).toBe(true);
    expect(opt.variables().map((v) => `${v.name} ${v.op.type}`)).toEqual([
      "beta1_power:0 VarHandleOp",
      "beta2_power:0 VarHandleOp",
      "w/Adam:0 VarHandleOp",
      "w/Adam_1:0 VarHandleOp",
    ]);
    const apply = tf.getDefaultGraph().getOperationByName("Adam/update_w/ResourceApplyAdam");
    expect(apply.inputs.map((t) => t.name)).toEqual([
      "w:0",
      "w/Adam:0",
      "w/Adam_1:0",
      "Adam/update_w/ResourceApplyAdam/ReadVariableOp:0",
      "Adam/update_w/ResourceApplyAdam/ReadVariableOp_1:0",
      "Adam/learning_rate:0",
      "Adam/beta1:0",
      "Adam/beta2:0",
      "Adam/epsilon:0",
      "gradients/Square_grad/Mul_1:0",
    ]);
    expect(apply.outputs).toEqual([]);
    expect(trainOp.name).toBe("Adam");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run(trainOp);
    // Adam's first step moves each weight by about the learning rate.
    expect(Array.from(f32(sess.run(w))).map((x) => Math.round(x * 1e4) / 1e4)).toEqual([0.9, 0.9]);
  });

  it("GradientDescent's sparse update of a resource variable is a ResourceScatterAdd of -grad * lr", () => {
    const table = tf.getVariable("table", [4, 1], {
      useResource: true,
      initializer: tf.onesInitializer(),
    });
    const loss = tf.reduceSum(tf.nn.embeddingLookup(table, [1, 1, 3]));
    const emb = tf.getDefaultGraph().getOperationByName("embedding_lookup");
    expect(emb.type).toBe("ResourceGather");
    const grads = new tf.train.GradientDescentOptimizer(0.5).computeGradients(loss);
    expect(grads[0]?.[0]).toBeInstanceOf(tf.IndexedSlices);
    const trainOp = new tf.train.GradientDescentOptimizer(0.5).applyGradients(grads);
    const scatter = tf
      .getDefaultGraph()
      .getOperationByName("GradientDescent/update_table/ResourceScatterAdd");
    expect(scatter.inputs[2]?.op.type).toBe("Mul");
    expect(scatter.inputs[2]?.op.inputs[0]?.op.type).toBe("Neg");
    using sess = new tf.Session();
    sess.run(table.initializer);
    sess.run(trainOp);
    expect(sess.run(table).toArray()).toEqual([[1], [0], [1], [0.5]]);
  });

  it("a resource global step is advanced by an AssignAddVariableOp named as the train op", () => {
    const w = tf.getVariable("w", [], { useResource: true, initializer: tf.onesInitializer() });
    const step = tf.getVariable("global_step", [], {
      dtype: "int64",
      useResource: true,
      initializer: tf.zerosInitializer(),
      trainable: false,
      collections: [tf.GraphKeys.GLOBAL_VARIABLES, tf.GraphKeys.GLOBAL_STEP],
    });
    const trainOp = new tf.train.GradientDescentOptimizer(0.1).minimize(tf.square(w), {
      globalStep: step,
    });
    expect(`${trainOp.name} ${trainOp.type}`).toBe("GradientDescent AssignAddVariableOp");
    expect(trainOp.inputs[1]?.name).toBe("GradientDescent/Const:0");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run(trainOp);
    sess.run(trainOp);
    expect(Number(sess.run(step).item())).toBe(2);
  });

  it("ExponentialMovingAverage keeps a resource average of a resource variable", () => {
    const w = tf.getVariable("w", [2], { useResource: true, initializer: tf.onesInitializer() });
    const ema = new tf.train.ExponentialMovingAverage(0.5);
    const update = ema.apply([w]);
    const avg = ema.average(w) as tf.Variable;
    expect(`${avg.name} ${avg.op.type}`).toBe("w/ExponentialMovingAverage:0 VarHandleOp");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run(w.assign([3, 5]));
    sess.run(update);
    expect(sess.run(avg).toArray()).toEqual([2, 3]);
  });

  it("with tf.enableResourceVariables, MonitoredTrainingSession trains to its step and resumes", () => {
    tf.enableResourceVariables();
    const dir = tempDir();
    const build = () => {
      tf.resetDefaultGraph();
      const w = tf.getVariable("w", [1], { initializer: tf.zerosInitializer() });
      const loss = tf.reduceSum(tf.square(tf.subtract(w, 3)));
      const step = tf.train.getOrCreateGlobalStep();
      const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss, {
        globalStep: step,
      });
      return { w, step, train };
    };
    const first = build();
    expect(first.step.op.type).toBe("VarHandleOp");
    {
      using sess = tf.train.MonitoredTrainingSession({
        checkpointDir: dir,
        hooks: [new tf.train.StopAtStepHook({ lastStep: 3 })],
      });
      while (!sess.shouldStop()) sess.run(first.train);
    }
    const second = build();
    let runs = 0;
    {
      using sess = tf.train.MonitoredTrainingSession({
        checkpointDir: dir,
        hooks: [new tf.train.StopAtStepHook({ lastStep: 5 })],
      });
      while (!sess.shouldStop()) {
        sess.run(second.train);
        runs++;
      }
    }
    expect(runs).toBe(2);
    // Saved at the end: w after 5 steps of w -= 0.1 * 2 (w - 3) from 0 is 3 (1 - 0.8^5).
    const reader = tf.train.loadCheckpoint(tf.train.latestCheckpoint(dir) as string);
    expect(Number(reader.getTensor("global_step").item())).toBe(5);
    expect(Number(reader.getTensor("w").item())).toBeCloseTo(3 * (1 - 0.8 ** 5), 5);
  });

  it("memory stays flat over training runs and is released by close", () => {
    const w = tf.getVariable("w", [8, 8], { useResource: true });
    const table = tf.getVariable("t", [10, 8], { useResource: true });
    const loss = tf.reduceSum(tf.matmul(tf.nn.embeddingLookup(table, [1, 2, 2]), w));
    const trainOp = new tf.train.AdamOptimizer(0.01).minimize(loss);
    const start = tfc.memory().numTensors;
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run(trainOp);
    const after1 = tfc.memory().numTensors;
    for (let i = 0; i < 5; i++) sess.run(trainOp);
    expect(tfc.memory().numTensors).toBe(after1);
    sess.close();
    expect(tfc.memory().numTensors).toBe(start);
  });
});

describe("checkpoints and meta graphs", () => {
  /** Variables `w` and `b` of a graph of their own, resource ones or not, set to values. */
  function model(useResource: boolean, values?: [number[][], number[]]) {
    const graph = new tf.Graph();
    const [w, b] = graph.asDefault(() => [
      tf.getVariable("w", [2, 2], { useResource }),
      tf.getVariable("b", [2], { useResource }),
    ]) as [tf.Variable, tf.Variable];
    const saver = graph.asDefault(() => new tf.train.Saver());
    const sess = new tf.Session({ graph });
    sess.run(graph.asDefault(() => tf.globalVariablesInitializer()));
    if (values !== undefined) {
      w.load(values[0], sess);
      b.load(values[1], sess);
    }
    return { graph, w, b, saver, sess };
  }

  it("a Saver reads resource Variables anew under save/, as TF's ResourceVariableSaveable", () => {
    const a = tf.getVariable("a", [2], { useResource: true });
    tf.getVariable("b", [2], { useResource: true });
    const before = tf.getDefaultGraph().getOperations().length;
    new tf.train.Saver();
    const added = opsOf().slice(before);
    expect(added.slice(0, 9)).toEqual([
      "save/filename/input Const",
      "save/filename PlaceholderWithDefault",
      "save/Const PlaceholderWithDefault",
      "save/Read/ReadVariableOp ReadVariableOp",
      "save/Identity Identity",
      "save/Identity_1 Identity",
      "save/Read_1/ReadVariableOp ReadVariableOp",
      "save/Identity_2 Identity",
      "save/Identity_3 Identity",
    ]);
    const g = tf.getDefaultGraph();
    expect(
      g
        .getOperationByName("save/SaveV2")
        .inputs.slice(3)
        .map((t) => t.name),
    ).toEqual(["save/Identity_1:0", "save/Identity_3:0"]);
    expect(g.getOperationByName("save/Read/ReadVariableOp").inputs[0]).toBe(a.refTensor);
    expect(g.getOperationByName("save/AssignVariableOp").inputs.map((t) => t.name)).toEqual([
      "a:0",
      "save/Identity_4:0",
    ]);
  });

  for (const [from, to] of [
    [true, true],
    [true, false],
    [false, true],
  ] as const) {
    it(`saves ${from ? "resource" : "reference"} variables and restores them as ${to ? "resource" : "reference"} ones`, () => {
      const dir = tempDir();
      const a = model(from, [
        [
          [1, 2],
          [3, 4],
        ],
        [5, 6],
      ]);
      const prefix = a.saver.save(a.sess, path.join(dir, "model")) as string;
      a.sess.close();
      const keys = Object.keys(
        tf.train.listVariables(prefix).reduce((o, [k]) => ({ ...o, [k]: 1 }), {}),
      );
      expect(keys.sort()).toEqual(["b", "w"]);
      const b = model(to);
      b.saver.restore(b.sess, prefix);
      expect(b.sess.run(b.w).toArray()).toEqual([
        [1, 2],
        [3, 4],
      ]);
      expect(b.sess.run(b.b).toArray()).toEqual([5, 6]);
      b.sess.close();
    });
  }

  it("initFromCheckpoint sets a resource variable's initializer to an AssignVariableOp of the restored tensor", () => {
    const dir = tempDir();
    const a = model(false, [
      [
        [1, 2],
        [3, 4],
      ],
      [5, 6],
    ]);
    const prefix = a.saver.save(a.sess, path.join(dir, "model")) as string;
    a.sess.close();
    const w = tf.getVariable("w2", [2, 2], { useResource: true });
    tf.train.initFromCheckpoint(prefix, { w: w });
    expect(w.initializer.type).toBe("AssignVariableOp");
    expect(w.initialValue.op.name).toBe("checkpoint_initializer");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect(sess.run(w).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it("exports a meta graph with is_resource VariableDefs, imports it and trains on", () => {
    const w = tf.getVariable("w", [2], { useResource: true, initializer: tf.onesInitializer() });
    const x = tf.placeholder("float32", [2], { name: "x" });
    const loss = tf.reduceSum(tf.square(tf.subtract(w, x)), { name: "loss" });
    new tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss, { name: "train" });
    const meta = tf.train.exportMetaGraph();
    const feed = (graph: tf.Graph) =>
      new Map<tf.Tensor, unknown>([[graph.getTensorByName("x:0"), [3, -1]]]);
    // Two steps in the original graph.
    let expected: Float32Array;
    {
      using sess = new tf.Session();
      sess.run(tf.globalVariablesInitializer());
      const op = tf.getDefaultGraph().getOperationByName("train");
      sess.run(op, feed(tf.getDefaultGraph()));
      sess.run(op, feed(tf.getDefaultGraph()));
      expected = f32(sess.run(w));
    }
    tf.resetDefaultGraph();
    tf.train.importMetaGraph(meta);
    const vars = tf.globalVariables();
    expect(vars.map((v) => `${v.name} ${String(v.isResource)}`)).toEqual([
      "w:0 true",
      "w/Momentum:0 true",
    ]);
    const graph = tf.getDefaultGraph();
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run(graph.getOperationByName("train"), feed(graph));
    sess.run(graph.getOperationByName("train"), feed(graph));
    expect(bits(f32(sess.run(vars[0] as tf.Variable)))).toEqual(bits(expected));
    // And a new optimizer on the imported resource variable builds resource updates.
    const again = new tf.train.AdamOptimizer(0.1).minimize(graph.getTensorByName("loss:0"), {
      varList: [vars[0] as tf.Variable],
    });
    expect(graph.getOperationByName("Adam/update_w/ResourceApplyAdam").type).toBe(
      "ResourceApplyAdam",
    );
    sess.run(tf.variablesInitializer(tf.globalVariables().slice(2)));
    sess.run(again, feed(graph));
  });

  it("simpleSave and loader.load round-trip a model of resource variables", () => {
    const dir = path.join(tempDir(), "model");
    const graph = new tf.Graph();
    const [x, y, sess] = graph.asDefault(() => {
      const x = tf.placeholder(tf.float32, [null, 2], "x");
      const y = tf.variableScope("m", { useResource: true }, () =>
        tf.layers.dense(x, 1, { kernelInitializer: tf.constantInitializer([[2], [3]]) }),
      );
      const sess = new tf.Session({ graph });
      sess.run(tf.globalVariablesInitializer());
      return [x, y, sess] as const;
    });
    tf.savedModel.simpleSave(sess, dir, { x }, { y });
    sess.close();
    const fresh = new tf.Graph();
    using s2 = new tf.Session({ graph: fresh });
    tf.savedModel.loader.load(s2, ["serve"], dir);
    const out = s2.run(
      fresh.getTensorByName(y.name),
      new Map([[fresh.getTensorByName("x:0"), [[1, 1]]]]),
    );
    expect(out.toArray()).toEqual([[5]]);
    expect(fresh.getOperationByName("m/dense/kernel").type).toBe("VarHandleOp");
  });

  it("convertVariablesToConstants freezes resource variables built by scopeflow", () => {
    const w = tf.getVariable("w", [2], {
      useResource: true,
      initializer: tf.constantInitializer([2, 3]),
    });
    const y = tf.identity(tf.multiply(w, 2), { name: "y" });
    using sess = new tf.Session();
    sess.run(w.initializer);
    const frozen = tf.graphUtil.convertVariablesToConstants(
      sess,
      tf.getDefaultGraph().asGraphDef(),
      ["y"],
    );
    expect(frozen.node?.some((n) => n.op === "VarHandleOp")).toBe(false);
    const g = new tf.Graph();
    g.asDefault(() => tf.importGraphDef(frozen, { name: "" }));
    using s2 = new tf.Session({ graph: g });
    expect(s2.run(g.getTensorByName("y:0")).toArray()).toEqual([4, 6]);
    expect(y.name).toBe("y:0");
  });
});
