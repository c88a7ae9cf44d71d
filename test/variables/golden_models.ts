/**
 * Models whose graphs pin down what building variables produces: every op, name, attr,
 * input, device and `_class`, and the collections, as exported. `golden.test.ts` compares
 * them with the bytes written by `golden_write.ts` before variable building took its
 * direct path; rerun that script only when a change to the graph is meant.
 */
import * as tf from "../../src/index.js";

/** A model: builds its graph into the default graph. */
export type GoldenModel = () => void;

const { BasicLSTMCell, LSTMCell, GRUCell, MultiRNNCell } = tf.nn.rnnCell;

function mlpWithAdam(): void {
  const x = tf.placeholder(tf.float32, [null, 6], "x");
  const y = tf.placeholder(tf.float32, [null, 3], "y");
  const h = tf.layers.dense(x, 8, {
    activation: "relu",
    kernelRegularizer: (w) => tf.multiply(0.01, tf.nn.l2Loss(w)),
    name: "hidden",
  });
  const logits = tf.layers.dense(h, 3, { name: "logits" });
  const loss = tf.reduceMean(tf.square(tf.subtract(logits, y)));
  const step = tf.train.getOrCreateGlobalStep();
  new tf.train.AdamOptimizer(0.01).minimize(loss, { globalStep: step });
  tf.globalVariablesInitializer();
}

function recurrent(): void {
  const x = tf.placeholder(tf.float32, [2, 5, 3], "x");
  tf.nn.dynamicRnn(new BasicLSTMCell(4), x, { dtype: tf.float32, scope: "basic" });
  tf.nn.dynamicRnn(new LSTMCell(3, { usePeepholes: true, numProj: 2 }), x, {
    dtype: tf.float32,
    scope: "peep",
  });
  const cell = new MultiRNNCell([new GRUCell(3), new BasicLSTMCell(2)]);
  tf.nn.staticRnn(cell, tf.unstack(x, { axis: 1 }), { dtype: tf.float32, scope: "multi" });
}

function initializers(): void {
  tf.variableScope("init", () => {
    tf.getVariable("zeros", [2, 3], { initializer: tf.zerosInitializer() });
    tf.getVariable("ones", [3], { initializer: tf.onesInitializer() });
    tf.getVariable("const", [2], { initializer: tf.constantInitializer(0.5) });
    tf.getVariable("const_list", [2], { initializer: tf.constantInitializer([1, 2]) });
    tf.getVariable("normal", [2, 2], { initializer: tf.randomNormalInitializer(0, 2, 1) });
    tf.getVariable("truncated", [2, 2], { initializer: tf.truncatedNormalInitializer(0, 1, 2) });
    tf.getVariable("uniform", [2, 2], { initializer: tf.randomUniformInitializer(-1, 1, 3) });
    tf.getVariable("scaling", [3, 2], { initializer: tf.varianceScalingInitializer() });
    tf.getVariable("glorot_normal", [3, 2], { initializer: tf.glorotNormalInitializer(4) });
    tf.getVariable("orthogonal", [3, 3], { initializer: tf.orthogonalInitializer() });
    tf.getVariable("default_float", [4, 2]);
    tf.getVariable("default_int", [2], { dtype: tf.int32 });
    tf.getVariable("from_value", undefined, { initializer: tf.constant([1, 2, 3]) });
    tf.getVariable("from_array", undefined, { initializer: [[1, 2]], dtype: tf.float32 });
    tf.getVariable("from_fn", undefined, { initializer: () => tf.constant(7) });
    tf.getVariable("func", [2], {
      initializer: (shape, dtype) => tf.fill(shape, tf.cast(3, dtype)),
    });
    tf.getVariable("not_validated", [2], {
      initializer: tf.zerosInitializer(),
      validateShape: false,
    });
    tf.getVariable("scalar_partitioned", [], { partitioner: () => [1] });
    tf.getVariable("int_ones", [2], { dtype: tf.int32, initializer: tf.onesInitializer() });
  });
}

function scopes(): void {
  tf.nameScope("outer_name", () => {
    tf.variableScope("a", () => {
      tf.getVariable("v", [1]);
      tf.nameScope("inner", () => tf.getVariable("w", [2]));
      tf.variableScope("b", () => tf.getVariable("v", [1]));
    });
  });
  tf.variableScope("a", { reuse: true }, () => tf.getVariable("v", [1]));
  tf.variableScope("auto", { reuse: tf.AUTO_REUSE }, () => {
    tf.getVariable("v", [2]);
    tf.getVariable("v", [2]);
  });
  // A name taken by an op first: the variable's ops get the next free name scope.
  tf.constant(1, { name: "taken/v" });
  tf.variableScope("taken", () => tf.getVariable("v", [1]));
  tf.constant(1, { name: "c/v/Assign" });
  tf.variableScope("c", () => tf.getVariable("v", [1]));
  tf.variableScope("Upper", () => tf.getVariable("V", [1]));
  tf.variableScope("upper", () => tf.getVariable("v2", [1]));
  const getter: tf.CustomGetter = (next, name, options) => next(`${name}_got`, options);
  tf.variableScope("custom", { customGetter: getter }, () => tf.getVariable("v", [2]));
  tf.variableScope("reg", { regularizer: (v) => tf.nn.l2Loss(v) }, () => tf.getVariable("v", [2]));
  tf.variableScope("typed", { dtype: tf.int32, initializer: tf.onesInitializer() }, () =>
    tf.getVariable("v", [2]),
  );
  tf.getLocalVariable("local", [3], { initializer: tf.zerosInitializer() });
  tf.getVariable("not_trainable", [1], { trainable: false, collections: ["mine", "mine"] });
  const t = tf.makeTemplate("tmpl", (x: tf.Tensor) =>
    tf.multiply(x, tf.getVariable("scale", [], { initializer: tf.onesInitializer() })),
  );
  t(tf.constant(2));
  t(tf.constant(3));
}

function contexts(): void {
  const c = tf.constant(1, { name: "dep" });
  tf.controlDependencies([c.op], () => tf.getVariable("under_deps", [2]));
  tf.device("/cpu:0", () => tf.getVariable("on_cpu", [2]));
  tf.device("/cpu:0", () =>
    tf.getVariable("on_cpu_fn", undefined, { initializer: () => tf.constant([1, 2]) }),
  );
  const anchor = tf.constant(0, { name: "anchor" });
  tf.getDefaultGraph().colocateWith(anchor.op, () => tf.getVariable("colocated", [1]));
  tf.whileLoop(
    (i: tf.Tensor) => tf.less(i, 3),
    (i: tf.Tensor) => tf.add(i, tf.reduceSum(tf.getVariable("in_loop", [2]))),
    [tf.constant(0, { dtype: tf.float32 })],
  );
  const p = tf.placeholder(tf.bool, [], "p");
  tf.cond(
    p,
    () => tf.add(tf.getVariable("in_cond", [1]), 1),
    () => tf.constant([0]),
  );
}

function plainVariables(): void {
  new tf.Variable(tf.randomNormal([2, 2]), { name: "w" });
  new tf.Variable(tf.zeros([2]), { name: "w" });
  new tf.Variable(() => tf.ones([3]), { name: "from_fn" });
  new tf.Variable(1.5);
  new tf.Variable([1, 2], { dtype: tf.int32, trainable: false, name: "ints" });
  new tf.Variable(tf.placeholder(tf.float32, [null]), { validateShape: false, name: "loose" });
  new tf.Variable(tf.zeros([2, 2]), { name: "shaped", shape: [null, 2] });
  tf.nameScope("ns", () => new tf.Variable(3, { name: "v", collections: ["only_mine"] }));
  tf.nameScope("ns", () => new tf.Variable(4, { name: "v" }));
  const v = tf.getVariable("base", [2]);
  new tf.Variable(tf.add(v, 1), { name: "copy" });
}

/** Every model, by the name of its golden file. */
export const GOLDEN_MODELS: Readonly<Record<string, GoldenModel>> = {
  mlp_adam: mlpWithAdam,
  recurrent,
  initializers,
  scopes,
  contexts,
  plain_variables: plainVariables,
};

/** What the goldens hold of a graph beyond its `GraphDef`: the collections, by item name. */
export function collectionsText(graph: tf.Graph): string {
  const lines: string[] = [];
  for (const key of graph.getAllCollectionKeys().sort()) {
    const names = graph.getCollection(key).map((item) => {
      const named = item as { name?: unknown; toString(): string };
      return typeof named.name === "string" ? named.name : String(item);
    });
    lines.push(`${key}: ${names.join(", ")}`);
  }
  const ops = graph.getOperations();
  lines.push(
    `definedAt: ${ops
      .filter((op) => op.definedAt !== null)
      .map((op) => op.name)
      .join(", ")}`,
  );
  lines.push(
    `contexts: ${ops
      .filter((op) => op.controlFlowContext !== null)
      .map((op) => op.name)
      .join(", ")}`,
  );
  lines.push(`ids: ${ops.every((op, i) => op.id === i + 1) ? "in order" : "out of order"}`);
  return `${lines.join("\n")}\n`;
}

/** Builds `model` in a fresh graph, with a fixed seed; returns the graph. */
export function buildGolden(model: GoldenModel): tf.Graph {
  const graph = new tf.Graph();
  graph.seed = 7;
  graph.asDefault(() => model());
  return graph;
}
