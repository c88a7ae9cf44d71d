import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { GRAPH_DEF_VERSION, tensorProtoOf } from "../../src/interchange/graph_def.js";
import { getOpDef } from "../../src/ops/registry.js";
import { GraphDef, SavedModel, TensorProto, type tensorflow } from "../../src/proto/index.js";
import { filesIn, tempDir } from "../checkpoint/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

const DT = {
  float: 1,
  int32: 3,
  string: 7,
  int64: 9,
  bool: 10,
} as const;

/** The model of the brief: placeholder, two variables, matmul, loss, gradients, Adam. */
function smallModel(): void {
  const x = tf.placeholder(tf.float32, [null, 3], { name: "x" });
  const w = tf.getVariable("w", [3, 2]);
  const b = tf.getVariable("b", [2], { initializer: tf.zerosInitializer() });
  const y = tf.add(tf.matmul(x, w), b);
  const loss = tf.reduceMean(tf.square(y));
  new tf.train.AdamOptimizer(0.01).minimize(loss);
}

function node(def: tensorflow.GraphDef, name: string): tensorflow.NodeDef {
  const n = def.node.find((x) => x.name === name);
  if (n === undefined) throw new Error(`no node ${name}`);
  return n as tensorflow.NodeDef;
}

describe("graph.asGraphDef", () => {
  it("writes every op in creation order, with TF's names, op types and inputs", () => {
    smallModel();
    const def = tf.getDefaultGraph().asGraphDef();
    expect(def.node.map((n) => `${n.name} ${n.op}`)).toEqual(
      tf
        .getDefaultGraph()
        .getOperations()
        .map((op) => `${op.name} ${op.type}`),
    );
    // The ops TF 1.15 builds for this program (variables.py, init_ops.py, math_grad.py,
    // adam.py): each variable's initializer, Assign and read, and Adam's slots and powers.
    const ops = new Map(def.node.map((n) => [n.name, n.op]));
    for (const [name, op] of [
      ["x", "Placeholder"],
      ["w/Initializer/random_uniform/RandomUniform", "RandomUniform"],
      ["w", "VariableV2"],
      ["w/Assign", "Assign"],
      ["w/read", "Identity"],
      ["b/Initializer/zeros", "Const"],
      ["MatMul", "MatMul"],
      ["Mean", "Mean"],
      ["gradients/Add_grad/BroadcastGradientArgs", "BroadcastGradientArgs"],
      ["gradients/MatMul_grad/MatMul_1", "MatMul"],
      ["beta1_power", "VariableV2"],
      ["w/Adam", "VariableV2"],
      ["w/Adam_1", "VariableV2"],
      ["Adam/update_w/ApplyAdam", "ApplyAdam"],
      ["Adam/Assign", "Assign"],
      ["Adam", "NoOp"],
    ])
      expect(ops.get(name), name).toBe(op);
    // Output 1 is `name:1`, control inputs `^name`, after the data inputs.
    expect(node(def, "gradients/Add_grad/Sum_1").input).toEqual([
      "gradients/Square_grad/Mul_1",
      "gradients/Add_grad/BroadcastGradientArgs:1",
    ]);
    expect(node(def, "gradients/Add_grad/tuple/control_dependency").input).toEqual([
      "gradients/Add_grad/Reshape",
      "^gradients/Add_grad/tuple/group_deps",
    ]);
    expect(node(def, "Adam").input).toEqual([
      "^Adam/Assign",
      "^Adam/Assign_1",
      "^Adam/update_b/ApplyAdam",
      "^Adam/update_w/ApplyAdam",
    ]);
    expect(def.versions?.producer).toBe(GRAPH_DEF_VERSION);
  });

  it("writes attrs with TF's types, defaults filled in as TF's op_def_library does", () => {
    smallModel();
    const def = tf.getDefaultGraph().asGraphDef();
    const x = node(def, "x");
    expect(Object.keys(x.attr)).toEqual(["dtype", "shape"]);
    expect(x.attr.dtype?.type).toBe(DT.float);
    expect(x.attr.shape?.shape?.dim?.map((d) => Number(d.size))).toEqual([-1, 3]);
    const w = node(def, "w");
    // TF writes attr map entries in key order: "_" sorts after uppercase, before lowercase.
    expect(Object.keys(w.attr)).toEqual(["_class", "container", "dtype", "shape", "shared_name"]);
    expect(new TextDecoder().decode(w.attr.container?.s ?? undefined)).toBe("");
    expect(w.attr.shape?.shape?.dim?.map((d) => Number(d.size))).toEqual([3, 2]);
    const assign = node(def, "w/Assign");
    expect(assign.attr.use_locking?.b).toBe(true);
    expect(assign.attr.validate_shape?.b).toBe(true);
    expect(assign.attr.T?.type).toBe(DT.float);
    const adam = node(def, "Adam/update_w/ApplyAdam");
    expect(Object.keys(adam.attr)).toEqual(["T", "_class", "use_locking", "use_nesterov"]);
    expect(adam.input).toHaveLength(10);
    const mean = node(def, "Mean");
    expect(Object.keys(mean.attr)).toEqual(["T", "Tidx", "keep_dims"]);
    expect(mean.attr.Tidx?.type).toBe(DT.int32);
    const rnd = node(def, "w/Initializer/random_uniform/RandomUniform");
    expect(Object.keys(rnd.attr)).toEqual(["T", "_class", "dtype", "seed", "seed2"]);
    // Every node has exactly its OpDef's attrs (and TF's colocation attr `_class`):
    // nothing scopeflow-internal leaks out.
    for (const n of def.node) {
      const opDef = getOpDef(n.op ?? "");
      const attrs = Object.keys(n.attr ?? {}).filter((k) => k !== "_class");
      expect(attrs.sort(), n.name ?? "").toEqual(
        (opDef?.attr ?? []).map((a) => a.name ?? "").sort(),
      );
    }
  });

  it("writes constants as TF's make_tensor_proto does", () => {
    smallModel();
    const def = tf.getDefaultGraph().asGraphDef();
    const shape = node(def, "w/Initializer/random_uniform/shape").attr.value?.tensor;
    expect(shape?.dtype).toBe(DT.int32);
    expect(Array.from(shape?.tensorContent ?? [])).toEqual([3, 0, 0, 0, 2, 0, 0, 0]);
    const lr = node(def, "Adam/learning_rate").attr.value?.tensor;
    expect(lr?.floatVal).toEqual([Math.fround(0.01)]);
    expect(lr?.tensorShape?.dim).toEqual([]);
    // A broadcast fill keeps one value (tf.zeros → constant(0, shape=[2])).
    const zeros = node(def, "b/Initializer/zeros").attr.value?.tensor;
    expect(zeros?.floatVal).toEqual([0]);
    expect(zeros?.tensorShape?.dim?.map((d) => Number(d.size))).toEqual([2]);
  });

  it("tensorProtoOf: tensor_content above one element, *_val lists for bool and string", () => {
    const f = tensorProtoOf({ dtype: "float32", shape: [2], values: new Float32Array([1, -2]) });
    expect(Array.from(f.tensorContent ?? [])).toEqual([0, 0, 128, 63, 0, 0, 0, 192]);
    const i64 = tensorProtoOf({ dtype: "int64", shape: [], values: new BigInt64Array([-5n]) });
    expect(i64.int64Val).toEqual([-5]);
    const huge = tensorProtoOf({
      dtype: "int64",
      shape: [],
      values: new BigInt64Array([-(2n ** 62n) - 1n]),
    });
    const back = TensorProto.fromBinary(TensorProto.toBinary(huge));
    expect(String(back.int64Val[0])).toBe(String(-(2n ** 62n) - 1n));
    const big = tensorProtoOf({ dtype: "int64", shape: [2], values: new BigInt64Array([1n, 2n]) });
    expect(Array.from(big.tensorContent ?? [])).toEqual([
      1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0,
    ]);
    const b = tensorProtoOf({ dtype: "bool", shape: [3], values: new Uint8Array([1, 0, 1]) });
    expect(b.boolVal).toEqual([true, false, true]);
    const s = tensorProtoOf({ dtype: "string", shape: [2], values: ["a", "bc"] });
    expect(s.stringVal?.map((x) => new TextDecoder().decode(x))).toEqual(["a", "bc"]);
    const empty = tensorProtoOf({ dtype: "float32", shape: [0], values: new Float32Array(0) });
    expect(empty.floatVal).toEqual([]);
    expect(empty.tensorContent).toBeUndefined();
  });

  it("addShapes adds _output_shapes; fromVersion keeps the ops created after that id", () => {
    const a = tf.placeholder(tf.float32, [null, 2], { name: "a" });
    const version = tf.getDefaultGraph().lastId;
    tf.matmul(a, tf.constant([[1], [2]], { name: "k" }), { name: "mm" });
    const def = tf.getDefaultGraph().asGraphDef({ addShapes: true });
    const shapes = node(def, "mm").attr._output_shapes?.list?.shape ?? [];
    expect(shapes.map((s) => s.dim?.map((d) => Number(d.size)))).toEqual([[-1, 1]]);
    expect(node(def, "a").attr._output_shapes?.list?.shape?.[0]?.dim).toHaveLength(2);
    const later = tf.getDefaultGraph().asGraphDef(version);
    expect(later.node.map((n) => n.name)).toEqual(["k", "mm"]);
    expect(later.node[1]?.attr?._output_shapes).toBeUndefined();
  });

  it("records devices", () => {
    tf.device("/cpu:0", () => tf.constant(1, { name: "c" }));
    expect(tf.getDefaultGraph().asGraphDef().node[0]?.device).toBe("/device:CPU:0");
  });

  it("prints as text that parses back to the same message", () => {
    smallModel();
    const def = tf.getDefaultGraph().asGraphDef({ addShapes: true });
    const text = GraphDef.toText(def);
    expect(text.startsWith('node {\n  name: "x"\n  op: "Placeholder"\n')).toBe(true);
    expect(GraphDef.toBinary(GraphDef.fromText(text))).toEqual(GraphDef.toBinary(def));
  });
});

describe("a graph using most of scopeflow's ops exports, every node valid", () => {
  it("layers, losses, optimizers, their gradients and a Saver", () => {
    const x = tf.placeholder(tf.float32, [null, 8, 8, 3], { name: "img" });
    const labels = tf.placeholder(tf.int32, [null], { name: "labels" });
    let h = tf.layers.conv2d(x, 4, 3, { padding: "same", activation: tf.nn.relu });
    h = tf.layers.maxPooling2d(h, 2, 2);
    h = tf.layers.batchNormalization(h, { training: true });
    h = tf.layers.conv2dTranspose(h, 2, 3, { strides: 2 });
    h = tf.layers.averagePooling2d(h, 2, 2);
    h = tf.layers.flatten(h);
    h = tf.layers.dropout(h, { rate: 0.5, training: true });
    const logits = tf.layers.dense(h, 5, { activation: tf.nn.elu });
    const loss = tf.add(
      tf.losses.sparseSoftmaxCrossEntropy(labels, logits),
      tf.nn.l2Loss(tf.nn.sigmoid(logits)),
    );
    new tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss);
    new tf.train.RMSPropOptimizer(0.1, { centered: true }).minimize(loss);
    new tf.train.AdagradOptimizer(0.1).minimize(loss);
    const s = tf.stridedSlice(logits, [0, 1], [2, 3], [1, 1]);
    tf.argmax(tf.transpose(tf.concat([s, s], 1)), 0);
    tf.stack(tf.split(tf.oneHot(labels, 5), 5, 1));
    new tf.train.Saver();
    const graph = tf.getDefaultGraph();
    const def = graph.asGraphDef({ addShapes: true });
    expect(def.node).toHaveLength(graph.opCount);
    const types = new Set(def.node.map((n) => n.op));
    expect(types.size).toBeGreaterThan(60);
    for (const t of ["Conv2D", "Conv2DBackpropFilter", "FusedBatchNormV3", "SaveV2"])
      expect(types.has(t), t).toBe(true);
    const conv = def.node.find((n) => n.op === "Conv2D");
    expect(new TextDecoder().decode(conv?.attr?.padding?.s ?? undefined)).toBe("SAME");
    expect(conv?.attr?.explicit_paddings?.list?.i).toEqual([]);
    const save = def.node.find((n) => n.op === "SaveV2");
    expect(save?.attr?.dtypes?.list?.type?.length).toBe((save?.input?.length ?? 0) - 3);
    // Text and binary agree.
    expect(GraphDef.toBinary(GraphDef.fromText(GraphDef.toText(def)))).toEqual(
      GraphDef.toBinary(def),
    );
  });
});

describe("sparse updates and sampled losses export", () => {
  it("embedding lookup, nce_loss and the sparse optimizer paths", () => {
    const emb = tf.getVariable("emb", [10, 4]);
    const ids = tf.placeholder(tf.int32, [null], { name: "ids" });
    const labels = tf.placeholder(tf.int64, [null, 1], { name: "labels" });
    const w = tf.getVariable("nce_w", [10, 4]);
    const b = tf.getVariable("nce_b", [10], { initializer: tf.zerosInitializer() });
    const e = tf.nn.embeddingLookup(emb, ids);
    const loss = tf.reduceMean(tf.nn.nceLoss(w, b, labels, e, 3, 10));
    new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
    new tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss);
    new tf.train.AdagradOptimizer(0.1).minimize(loss);
    const def = tf.getDefaultGraph().asGraphDef();
    const types = new Set(def.node.map((n) => n.op));
    for (const t of [
      "LogUniformCandidateSampler",
      "ScatterSub",
      "Unique",
      "SparseApplyMomentum",
      "SparseApplyAdagrad",
    ])
      expect(types.has(t), t).toBe(true);
    const sampler = def.node.find((n) => n.op === "LogUniformCandidateSampler");
    expect(Object.keys(sampler?.attr ?? {})).toEqual([
      "num_sampled",
      "num_true",
      "range_max",
      "seed",
      "seed2",
      "unique",
    ]);
  });
});

describe("summary ops export", () => {
  it("scalar, histogram, image (bad_color defaulted from the OpDef's tensor), text, merged", () => {
    const x = tf.placeholder(tf.float32, [2, 4, 4, 3], { name: "x" });
    tf.summary.scalar("loss", tf.reduceMean(x));
    tf.summary.histogram("h", x);
    tf.summary.image("img", x);
    tf.summary.text("t", tf.constant("hi"));
    tf.summary.mergeAll();
    const def = tf.getDefaultGraph().asGraphDef();
    const image = def.node.find((n) => n.op === "ImageSummary");
    expect(image?.attr?.bad_color?.tensor?.intVal).toEqual([255, 0, 0, 255]);
    expect(image?.attr?.max_images?.i).toBe(3);
    const merged = def.node.find((n) => n.op === "MergeSummary");
    expect(merged?.attr?.N?.i).toBe(4);
  });
});

describe("control flow exports as TF's own ops", () => {
  it("while_loop and cond, with the cond's gradient", () => {
    const i0 = tf.constant(0, { name: "i" });
    tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 10),
      (i: tf.Tensor) => [tf.add(i, 1)],
      [i0],
    );
    const x = tf.placeholder(tf.float32, [], { name: "x" });
    const c = tf.cond(
      tf.greater(x, 0),
      () => tf.multiply(x, 2),
      () => tf.negative(x),
    );
    tf.gradients(c as tf.Tensor, [x]);
    const def = tf.getDefaultGraph().asGraphDef();
    const types = new Set(def.node.map((n) => n.op));
    for (const t of ["Enter", "Merge", "Switch", "LoopCond", "NextIteration", "Exit"])
      expect(types.has(t), t).toBe(true);
    const enter = def.node.find((n) => n.op === "Enter");
    expect(Object.keys(enter?.attr ?? {})).toEqual([
      "T",
      "frame_name",
      "is_constant",
      "parallel_iterations",
    ]);
    expect(new TextDecoder().decode(enter?.attr?.frame_name?.s ?? undefined)).toBe(
      "while/while_context",
    );
    const next = def.node.find((n) => n.op === "NextIteration");
    const merge = def.node.find((n) => n.op === "Merge" && n.input?.[1] === next?.name);
    expect(merge).toBeDefined();
  });
});

describe("dynamicRnn exports: a tf.whileLoop over TensorArrays, as dynamic_rnn builds it", () => {
  it("forward loop, gradient loop and Adam, every node valid", () => {
    const x = tf.placeholder(tf.float32, [2, null, 3], { name: "x" });
    const [outputs] = tf.nn.dynamicRnn(new tf.nn.rnnCell.BasicLSTMCell(4), x, {
      dtype: tf.float32,
    });
    new tf.train.AdamOptimizer(0.01).minimize(tf.reduceSum(outputs));
    const def = tf.getDefaultGraph().asGraphDef();
    const text = (n: tensorflow.NodeDef, attr: string): string =>
      new TextDecoder().decode(n.attr?.[attr]?.s ?? undefined);
    expect(node(def, "rnn/TensorArray").op).toBe("TensorArrayV3");
    expect(text(node(def, "rnn/TensorArray"), "tensor_array_name")).toBe(
      "rnn/dynamic_rnn/output_0",
    );
    expect(text(node(def, "rnn/TensorArray_1"), "tensor_array_name")).toBe(
      "rnn/dynamic_rnn/input_0",
    );
    expect(
      node(def, "rnn/TensorArrayUnstack/TensorArrayScatter/TensorArrayScatterV3").input,
    ).toEqual([
      "rnn/TensorArray_1",
      "rnn/TensorArrayUnstack/range",
      "rnn/transpose",
      "rnn/TensorArray_1:1",
    ]);
    expect(node(def, "rnn/time").op).toBe("Const");
    const enter = node(def, "rnn/while/Enter");
    expect(text(enter, "frame_name")).toBe("rnn/while/while_context");
    expect(enter.attr?.parallel_iterations?.i).toBe(32);
    expect(node(def, "rnn/while/TensorArrayReadV3").op).toBe("TensorArrayReadV3");
    expect(node(def, "rnn/while/basic_lstm_cell/MatMul").input).toEqual([
      "rnn/while/basic_lstm_cell/concat",
      "rnn/while/basic_lstm_cell/MatMul/Enter",
    ]);
    expect(node(def, "rnn/TensorArrayStack/TensorArrayGatherV3").op).toBe("TensorArrayGatherV3");
    // The gradient loop: stacks of forward values, the weight's accumulator.
    const types = new Set(def.node.map((n) => n.op));
    for (const t of ["StackV2", "StackPushV2", "StackPopV2", "TensorArrayGradV3"])
      expect(types.has(t), t).toBe(true);
    const acc = "gradients/rnn/while/basic_lstm_cell/MatMul/Enter_grad/";
    expect(node(def, `${acc}b_acc_3`).op).toBe("Exit");
    expect(node(def, `${acc}b_acc_2`).input).toEqual([`${acc}b_acc_1`, `${acc}NextIteration`]);
    const back = GraphDef.fromBinary(GraphDef.toBinary(def));
    expect(back.node.length).toBe(def.node.length);
  });
});

describe("TensorArray and LRN ops export with TF's attrs", () => {
  it("TensorArrayV3 with its handle and flow, LRN and LRNGrad", () => {
    const ta = new tf.TensorArray(tf.float32, 3).write(0, tf.constant([1, 2]));
    tf.gradients(tf.reduceSum(ta.stack()), []);
    const x = tf.constant([
      [1, 2],
      [3, 4],
    ]);
    const lrn = tf.nn.localResponseNormalization(tf.reshape(x, [1, 1, 2, 2]));
    tf.gradients(tf.reduceSum(lrn), [x]);
    const def = tf.getDefaultGraph().asGraphDef();
    const taNode = def.node.find((n) => n.op === "TensorArrayV3");
    expect(Object.keys(taNode?.attr ?? {})).toEqual([
      "clear_after_read",
      "dtype",
      "dynamic_size",
      "element_shape",
      "identical_element_shapes",
      "tensor_array_name",
    ]);
    const write = def.node.find((n) => n.op === "TensorArrayWriteV3");
    expect(write?.input?.[0]).toBe(taNode?.name);
    expect(write?.input?.[3]).toBe(`${taNode?.name}:1`);
    const grad = def.node.find((n) => n.op === "LRNGrad");
    expect(grad?.attr?.depth_radius?.i).toBe(5);
  });
});

describe("export refuses what TensorFlow could not import, naming node and attr", () => {
  function makeOp(type: string, attrs: Record<string, unknown>, inputs: tf.Tensor[] = []) {
    return tf.getDefaultGraph().createOp({
      type,
      name: "bad",
      inputs,
      outputs: [{ dtype: "float32", shape: tf.TensorShape.scalar() }],
      attrs,
    });
  }

  it("a missing required attr", () => {
    makeOp("Const", { dtype: "float32" });
    expect(() => tf.getDefaultGraph().asGraphDef()).toThrow(
      "Cannot export node 'bad' (op Const): the required attr 'value' (tensor) is not set",
    );
  });

  it("an attr of the wrong type, an unknown attr, a type TF does not allow", () => {
    const x = tf.constant([[1]], { name: "x" });
    makeOp("MatMul", { T: "float32", transpose_a: "yes" }, [x, x]);
    expect(() => tf.getDefaultGraph().asGraphDef()).toThrow(
      "Cannot export node 'bad' (op MatMul): attr 'transpose_a': expected a boolean",
    );
    tf.resetDefaultGraph();
    const y = tf.constant([[1]], { name: "y" });
    makeOp("MatMul", { T: "float32", colour: "red" }, [y, y]);
    expect(() => tf.getDefaultGraph().asGraphDef()).toThrow(
      "Cannot export node 'bad' (op MatMul): attr 'colour' is not in the OpDef of MatMul",
    );
    tf.resetDefaultGraph();
    const s = tf.constant("s", { name: "s" });
    makeOp("Neg", {}, [s]);
    expect(() => tf.getDefaultGraph().asGraphDef()).toThrow(
      "Cannot export node 'bad' (op Neg): attr 'T': string is not in the allowed types {bfloat16, half, float, double, int32, int64, complex64, complex128}",
    );
  });

  it("inputs that do not match the OpDef", () => {
    const x = tf.constant([[1]], { name: "x" });
    makeOp("MatMul", { T: "float32" }, [x]);
    expect(() => tf.getDefaultGraph().asGraphDef()).toThrow(
      "Cannot export node 'bad' (op MatMul): it has 1 inputs, its OpDef 2",
    );
    tf.resetDefaultGraph();
    const f = tf.constant([[1]], { name: "f" });
    const i = tf.constant([[1]], { dtype: tf.int32, name: "i" });
    makeOp("MatMul", { T: "float32" }, [f, i]);
    expect(() => tf.getDefaultGraph().asGraphDef()).toThrow(
      "Cannot export node 'bad' (op MatMul): input 'b' (i:0) is int32, its OpDef wants float",
    );
  });

  it("a func attr naming no traced function", () => {
    const g = tf.getDefaultGraph();
    const ds = tf.data.Dataset.range(3);
    g.createOp({
      type: "MapDataset",
      name: "bad",
      inputs: [ds.variantTensor],
      outputs: [{ dtype: "variant", shape: tf.TensorShape.scalar() }],
      attrs: {
        f: "nowhere",
        Targuments: [],
        output_types: ["int64"],
        output_shapes: [tf.TensorShape.scalar()],
      },
    });
    expect(() => g.asGraphDef()).toThrow(
      "Cannot export node 'bad' (op MapDataset): function nowhere is not defined",
    );
  });
});

describe("tf.io.writeGraph", () => {
  it("writes text by default, as write_graph prints floats, and returns the path", () => {
    smallModel();
    const dir = path.join(tempDir(), "logs", "run1");
    const file = tf.io.writeGraph(tf.getDefaultGraph(), dir, "graph.pbtxt");
    expect(file).toBe(path.join(dir, "graph.pbtxt"));
    expect(filesIn(dir)).toEqual(["graph.pbtxt"]);
    const text = readFileSync(file, "utf8");
    // write_graph passes float_format='': a float32 field printed as its double's repr.
    expect(text).toContain("float_val: 0.009999999776482582\n");
    expect(text).toContain("float_val: 0.8999999761581421\n");
    const back = GraphDef.fromText(text);
    expect(GraphDef.toBinary(back)).toEqual(GraphDef.toBinary(tf.getDefaultGraph().asGraphDef()));
  });

  it("writes binary with asText false; a GraphDef is written as given", () => {
    smallModel();
    const dir = tempDir();
    const def = tf.getDefaultGraph().asGraphDef();
    const file = tf.io.writeGraph(def, dir, "graph.pb", { asText: false });
    const bytes = new Uint8Array(readFileSync(file));
    expect(bytes).toEqual(new Uint8Array(GraphDef.toBinary(def)));
    expect(GraphDef.fromBinary(bytes).node).toHaveLength(def.node.length);
    // Positionally, as TF's write_graph(graph_or_graph_def, logdir, name, as_text).
    const again = tf.io.writeGraph(def, dir, "again.pb", false);
    expect(new Uint8Array(readFileSync(again))).toEqual(bytes);
  });

  it("sorts attr map entries in binary output (deterministic serialization)", () => {
    const def = GraphDef.fromText(
      'node { name: "c" op: "NoOp" attr { key: "b" value { i: 1 } } attr { key: "a" value { i: 2 } } }',
    );
    const dir = tempDir();
    const file = tf.io.writeGraph(def, dir, "g.pb", { asText: false });
    const back = GraphDef.fromBinary(new Uint8Array(readFileSync(file)));
    expect(Object.keys(back.node[0]?.attr ?? {})).toEqual(["a", "b"]);
  });

  it("refuses a URI file system path, which only asynchronous writes reach", () => {
    expect(() => tf.io.writeGraph(tf.getDefaultGraph(), "ram://logs", "g.pbtxt")).toThrow(
      "tf.io.writeGraph writes local files; 'ram://logs' names a file system by URI scheme",
    );
  });

  it("writes nothing when the graph cannot be exported", () => {
    tf.getDefaultGraph().createOp({
      type: "Const",
      name: "bad",
      inputs: [],
      outputs: [{ dtype: "float32", shape: tf.TensorShape.scalar() }],
      attrs: { dtype: "float32" },
    });
    const dir = path.join(tempDir(), "out");
    expect(() => tf.io.writeGraph(tf.getDefaultGraph(), dir, "g.pbtxt")).toThrow(
      "required attr 'value'",
    );
    expect(existsSync(dir)).toBe(false);
  });
});

describe("TensorFlow's version numbers", () => {
  it("the producer version is TF 1.15.0's, 134", () => {
    // TF's version.h moves TF_GRAPH_DEF_VERSION daily; the r1.15 branch froze it at 134.
    // The half_plus_two SavedModel says 1.14.0 but was written by a build from Google's
    // tree in September 2019 (git version "unknown"), whose producer was already 149.
    expect(GRAPH_DEF_VERSION).toBe(134);
    const file = path.join(
      import.meta.dirname,
      "../fixtures/tf-checkpoints/serving-half-plus-two-tf1.14/saved_model.pb",
    );
    const sm = SavedModel.fromBinary(new Uint8Array(readFileSync(file)));
    const meta = sm.metaGraphs[0];
    expect(meta?.metaInfoDef?.tensorflowGitVersion).toBe("unknown");
    expect(Number(meta?.graphDef?.versions?.producer)).toBe(149);
  });
});
