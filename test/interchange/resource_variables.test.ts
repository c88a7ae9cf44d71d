/**
 * Resource variables as TF-written graphs hold them (TF 1.15's resource_variable_ops):
 * `VarHandleOp`, `ReadVariableOp`, `AssignVariableOp` and the others imported and run on
 * the session's state (a handle per session, keyed by container and shared name), their
 * gradients, the `ResourceApply*` training ops, Savers over them, and a Keras TF 1.13
 * training graph imported from its event file, initialized, trained, saved and restored.
 */
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { Event } from "../../src/proto/index.js";
import { applyOp } from "../../src/ops/state/training_ops.js";
import { fixturesDir, tempDir, thrown } from "../checkpoint/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

type GraphDefMessage = ReturnType<typeof tf.GraphDef.fromText>;

function gdef(text: string): GraphDefMessage {
  return tf.GraphDef.fromText(`versions { producer: 134 }\n${text}`);
}

const shapeText = (dims: readonly number[]): string =>
  dims.map((d) => `dim { size: ${d} }`).join(" ");

/** A `VarHandleOp` as TF 1.15's `ResourceVariable` writes it (shared_name = its name). */
const handle = (
  name: string,
  dims: readonly number[],
  shared = name,
  dtype = "DT_FLOAT",
): string => `
  node { name: '${name}' op: 'VarHandleOp'
    attr { key: 'container' value { s: '' } }
    attr { key: 'shared_name' value { s: '${shared}' } }
    attr { key: 'dtype' value { type: ${dtype} } }
    attr { key: 'shape' value { shape { ${shapeText(dims)} } } } }`;

const floats = (name: string, dims: readonly number[], values: readonly number[]): string => `
  node { name: '${name}' op: 'Const'
    attr { key: 'dtype' value { type: DT_FLOAT } }
    attr { key: 'value' value { tensor { dtype: DT_FLOAT tensor_shape { ${shapeText(dims)} }
      ${values.map((v) => `float_val: ${v}`).join(" ")} } } } }`;

const read = (name: string, h: string): string => `
  node { name: '${name}' op: 'ReadVariableOp' input: '${h}'
    attr { key: 'dtype' value { type: DT_FLOAT } } }`;

const assignLike = (name: string, type: string, h: string, v: string): string => `
  node { name: '${name}' op: '${type}' input: '${h}' input: '${v}'
    attr { key: 'dtype' value { type: DT_FLOAT } } }`;

/** A float variable `name` with `init`, its `Assign` and `Read/ReadVariableOp`. */
const variable = (name: string, dims: readonly number[], init: readonly number[]): string =>
  handle(name, dims) +
  floats(`${name}/Initializer/value`, dims, init) +
  assignLike(`${name}/Assign`, "AssignVariableOp", name, `${name}/Initializer/value`) +
  read(`${name}/Read/ReadVariableOp`, name);

function importText(text: string): void {
  tf.importGraphDef(gdef(text), { name: "" });
}

const t = (name: string): tf.Tensor => tf.getDefaultGraph().getTensorByName(name);
const op = (name: string): tf.Operation => tf.getDefaultGraph().getOperationByName(name);

describe("resource variable ops", () => {
  it("initialize, read, assign, add and subtract through the handle", () => {
    importText(
      variable("v", [2], [1, 2]) +
        floats("d", [2], [10, 20]) +
        assignLike("add", "AssignAddVariableOp", "v", "d") +
        assignLike("sub", "AssignSubVariableOp", "v", "d") +
        assignLike("set", "AssignVariableOp", "v", "d") +
        `node { name: 'inited' op: 'VarIsInitializedOp' input: 'v' }`,
    );
    expect(t("v:0").dtype).toBe("resource");
    expect(t("v:0").shape.toString()).toBe("()");
    // The read's static shape is the handle's variable's, as TF's handle shape data gives.
    expect(t("v/Read/ReadVariableOp:0").shape.toString()).toBe("(2,)");
    using sess = new tf.Session();
    expect(sess.run(t("inited:0")).item()).toBe(false);
    sess.run(op("v/Assign"));
    expect(sess.run(t("inited:0")).item()).toBe(true);
    expect(sess.run(t("v/Read/ReadVariableOp:0")).toArray()).toEqual([1, 2]);
    sess.run(op("add"));
    expect(sess.run(t("v/Read/ReadVariableOp:0")).toArray()).toEqual([11, 22]);
    sess.run(op("sub"));
    sess.run(op("sub"));
    expect(sess.run(t("v/Read/ReadVariableOp:0")).toArray()).toEqual([-9, -18]);
    sess.run(op("set"));
    expect(sess.run(t("v/Read/ReadVariableOp:0")).toArray()).toEqual([10, 20]);
  });

  it("reading an uninitialized variable is TF's FailedPreconditionError naming container and name", () => {
    importText(variable("layer/w", [2], [1, 2]));
    using sess = new tf.Session();
    const e = thrown(() => sess.run(t("layer/w/Read/ReadVariableOp:0")));
    expect(e).toBeInstanceOf(tf.errors.FailedPreconditionError);
    expect(e.message).toContain(
      "Error while reading resource variable layer/w from Container: localhost. This could mean that the variable was uninitialized. Not found: Resource localhost/layer/w/N10tensorflow3VarE does not exist.",
    );
    expect(e.message).toContain("[[{{node layer/w/Read/ReadVariableOp}}]]");
  });

  it("handles are per session and shared by shared_name within one", () => {
    importText(
      variable("a", [1], [5]) +
        handle("alias", [1], "a") +
        read("alias_read", "alias") +
        floats("one", [1], [1]) +
        assignLike("bump", "AssignAddVariableOp", "alias", "one"),
    );
    using s1 = new tf.Session();
    using s2 = new tf.Session();
    s1.run(op("a/Assign"));
    s1.run(op("bump"));
    // `alias` names the variable `a` (same container and shared name).
    expect(s1.run(t("a/Read/ReadVariableOp:0")).toArray()).toEqual([6]);
    expect(s1.run(t("alias_read:0")).toArray()).toEqual([6]);
    expect(() => s2.run(t("a/Read/ReadVariableOp:0"))).toThrow(tf.errors.FailedPreconditionError);
  });

  it("a failed run leaves resource variables as they were", () => {
    importText(
      variable("v", [2], [1, 2]) +
        floats("wrong", [3], [1, 1, 1]) +
        floats("d", [2], [1, 1]) +
        assignLike("ok", "AssignAddVariableOp", "v", "d") +
        assignLike("bad", "AssignAddVariableOp", "v", "wrong") +
        `node { name: 'both' op: 'NoOp' input: '^ok' input: '^bad' }`,
    );
    using sess = new tf.Session();
    sess.run(op("v/Assign"));
    const e = thrown(() => sess.run(op("both")));
    expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(e.message).toContain(
      "Cannot update variable with shape [2] using a Tensor with shape [3], shapes must be equal.",
    );
    expect(sess.run(t("v/Read/ReadVariableOp:0")).toArray()).toEqual([1, 2]);
  });

  it("DestroyResourceOp drops the value; with ignore_lookup_error false a missing one is NotFound", () => {
    importText(
      variable("v", [1], [3]) +
        `node { name: 'destroy' op: 'DestroyResourceOp' input: 'v' }
         node { name: 'destroy_strict' op: 'DestroyResourceOp' input: 'v'
           attr { key: 'ignore_lookup_error' value { b: false } } }
         node { name: 'inited' op: 'VarIsInitializedOp' input: 'v' }`,
    );
    using sess = new tf.Session();
    sess.run(op("v/Assign"));
    sess.run(op("destroy"));
    expect(sess.run(t("inited:0")).item()).toBe(false);
    sess.run(op("destroy"));
    const e = thrown(() => sess.run(op("destroy_strict")));
    expect(e).toBeInstanceOf(tf.errors.NotFoundError);
    expect(e.message).toContain("Resource localhost/v/N10tensorflow3VarE does not exist.");
  });

  it("ResourceGather reads rows; out-of-range indices are TF's error; VariableShape gives the shape", () => {
    importText(
      variable("emb", [3, 2], [1, 2, 3, 4, 5, 6]) +
        `node { name: 'idx' op: 'Const' attr { key: 'dtype' value { type: DT_INT32 } }
           attr { key: 'value' value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 2 } } int_val: 2 int_val: 0 } } } }
         node { name: 'bad_idx' op: 'Const' attr { key: 'dtype' value { type: DT_INT32 } }
           attr { key: 'value' value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 1 } } int_val: 3 } } } }
         node { name: 'g' op: 'ResourceGather' input: 'emb' input: 'idx'
           attr { key: 'dtype' value { type: DT_FLOAT } } attr { key: 'Tindices' value { type: DT_INT32 } } }
         node { name: 'g_bad' op: 'ResourceGather' input: 'emb' input: 'bad_idx'
           attr { key: 'dtype' value { type: DT_FLOAT } } attr { key: 'Tindices' value { type: DT_INT32 } } }
         node { name: 'shape' op: 'VariableShape' input: 'emb' }`,
    );
    expect(t("g:0").shape.toString()).toBe("(2, 2)");
    using sess = new tf.Session();
    sess.run(op("emb/Assign"));
    expect(sess.run(t("g:0")).toArray()).toEqual([
      [5, 6],
      [1, 2],
    ]);
    expect(sess.run(t("shape:0")).toArray()).toEqual([3, 2]);
    const e = thrown(() => sess.run(t("g_bad:0")));
    expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(e.message).toContain("indices[0] = 3 is not in [0, 3)");
  });

  it("gradients: a read passes its gradient to the handle; a gather gives IndexedSlices", () => {
    importText(
      variable("v", [3], [1, 2, 3]) +
        `node { name: 'idx' op: 'Const' attr { key: 'dtype' value { type: DT_INT32 } }
           attr { key: 'value' value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 2 } } int_val: 2 int_val: 2 } } } }
         node { name: 'g' op: 'ResourceGather' input: 'v' input: 'idx'
           attr { key: 'dtype' value { type: DT_FLOAT } } attr { key: 'Tindices' value { type: DT_INT32 } } }`,
    );
    const r = t("v/Read/ReadVariableOp:0");
    const [dv] = tf.gradients(tf.reduceSum(tf.square(r)), t("v:0"));
    const [dg] = tf.gradients(tf.reduceSum(t("g:0")), t("v:0"));
    expect(dg).toBeInstanceOf(tf.IndexedSlices);
    using sess = new tf.Session();
    sess.run(op("v/Assign"));
    expect(sess.run(dv as tf.Tensor).toArray()).toEqual([2, 4, 6]);
    const slices = sess.run(dg as tf.IndexedSlices);
    expect(slices.indices.toArray()).toEqual([2, 2]);
    expect(slices.values.toArray()).toEqual([1, 1]);
    expect(slices.denseShape?.toArray()).toEqual([3]);
  });
});

describe("ResourceApply* ops", () => {
  /** Runs `type` on ref variables and its `Resource` twin on resource variables, 3 steps. */
  function bothWays(
    type: string,
    slots: number,
    args: readonly number[],
    gradAt: number,
    attrs = "",
  ): [number[][], number[][]] {
    const init = [
      [0.5, -1, 2],
      [0.1, 0.2, 0.3],
      [0.05, 0.01, 0.02],
      [0, 0.1, 0],
    ];
    const grad = [0.3, -0.7, 1.1];
    const names = ["var", ...Array.from({ length: slots }, (_, i) => `slot${i}`)];
    let text = "";
    names.forEach((n, i) => (text += variable(n, [3], init[i] as number[])));
    const inputs = args.map((a, i) => {
      const name = i === gradAt ? "grad" : `arg${i}`;
      text += i === gradAt ? floats(name, [3], grad) : floats(name, [], [a]);
      return name;
    });
    text += `node { name: 'update' op: 'Resource${type}' ${[...names, ...inputs]
      .map((n) => `input: '${n}'`)
      .join(" ")} attr { key: 'T' value { type: DT_FLOAT } } ${attrs} }`;
    importText(text);
    const refs = names.map((n, i) =>
      tf.getVariable(`ref_${n}`, [3], { initializer: tf.constantInitializer(init[i]) }),
    );
    const refUpdate = applyOp(
      type,
      refs,
      args.map((a, i) => (i === gradAt ? tf.constant(grad) : tf.constant(a))),
      attrs.includes("use_nesterov") ? { use_nesterov: true } : {},
    );
    using sess = new tf.Session();
    sess.run(names.map((n) => op(`${n}/Assign`)));
    sess.run(refs.map((r) => r.initializer));
    for (let step = 0; step < 3; step++) sess.run([op("update"), refUpdate.op]);
    const resourceValues = names.map(
      (n) => sess.run(t(`${n}/Read/ReadVariableOp:0`)).toArray() as number[],
    );
    const refValues = refs.map((r) => sess.run(r).toArray() as number[]);
    return [resourceValues, refValues];
  }

  const cases: [string, number, number[], number, string?][] = [
    ["ApplyGradientDescent", 0, [0.1, 0], 1],
    ["ApplyMomentum", 1, [0.1, 0, 0.9], 1],
    ["ApplyMomentum", 1, [0.1, 0, 0.9], 1, "attr { key: 'use_nesterov' value { b: true } }"],
    ["ApplyAdam", 2, [0.9, 0.999, 0.01, 0.9, 0.999, 1e-7, 0], 6],
    ["ApplyAdagrad", 1, [0.1, 0], 1],
    ["ApplyRMSProp", 2, [0.01, 0.9, 0.5, 1e-7, 0], 4],
    ["ApplyCenteredRMSProp", 3, [0.01, 0.9, 0.5, 1e-7, 0], 4],
  ];
  for (const [type, slots, args, gradAt, attrs] of cases) {
    it(`Resource${type}${attrs ? " (nesterov)" : ""} updates as ${type} does, bit for bit`, () => {
      const [resource, ref] = bothWays(type, slots, args, gradAt, attrs);
      expect(resource).toEqual(ref);
      // And the variable moved.
      expect(resource[0]).not.toEqual([0.5, -1, 2]);
    });
  }

  it("ResourceApplyGradientDescent matches the update by hand", () => {
    importText(
      variable("w", [2], [1, 2]) +
        floats("lr", [], [0.5]) +
        floats("g", [2], [2, -4]) +
        `node { name: 'sgd' op: 'ResourceApplyGradientDescent' input: 'w' input: 'lr' input: 'g'
           attr { key: 'T' value { type: DT_FLOAT } } }`,
    );
    expect(op("sgd").outputs.length).toBe(0);
    using sess = new tf.Session();
    sess.run(op("w/Assign"));
    sess.run(op("sgd"));
    expect(sess.run(t("w/Read/ReadVariableOp:0")).toArray()).toEqual([0, 4]);
  });
});

describe("Savers over resource variables", () => {
  it("save by the VarHandleOp's name and restore through AssignVariableOp", () => {
    importText(
      variable("dense/kernel", [2, 2], [1, 2, 3, 4]) + variable("dense/bias", [2], [5, 6]),
    );
    const reads = [t("dense/kernel/Read/ReadVariableOp:0"), t("dense/bias/Read/ReadVariableOp:0")];
    const saver = new tf.train.Saver(reads);
    // TF's ResourceVariableSaveable: the read saved, an Identity assigned on restore.
    expect(
      op("save/SaveV2")
        .inputs.slice(3)
        .map((x) => x.name),
    ).toEqual(["dense/bias/Read/ReadVariableOp:0", "dense/kernel/Read/ReadVariableOp:0"]);
    expect(op("save/AssignVariableOp").inputs.map((x) => x.name)).toEqual([
      "dense/bias:0",
      "save/Identity:0",
    ]);
    const dir = tempDir();
    using sess = new tf.Session();
    sess.run([op("dense/kernel/Assign"), op("dense/bias/Assign")]);
    const path = saver.save(sess, join(dir, "model")) as string;
    const reader = tf.train.loadCheckpoint(path);
    expect([...reader.getVariableToShapeMap().keys()].sort()).toEqual([
      "dense/bias",
      "dense/kernel",
    ]);
    using fresh = new tf.Session();
    saver.restore(fresh, path);
    expect(fresh.run(reads[0] as tf.Tensor).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(fresh.run(reads[1] as tf.Tensor).toArray()).toEqual([5, 6]);
  });

  it("restores the TF 1.12 conv2d kernels saved by VarHandleOp name (serving half_plus_two mkl)", () => {
    const prefix = join(fixturesDir, "serving-half-plus-two-mkl-tf1.12/variables/variables");
    let text = "";
    for (const layer of ["conv2d", "conv2d_1", "conv2d_2"]) {
      text += variable(`${layer}/kernel`, [1, 1, 1, 1], [0]) + variable(`${layer}/bias`, [1], [7]);
    }
    importText(text);
    const a = tf.getVariable("a", [], { initializer: tf.zerosInitializer() });
    const reads = ["conv2d", "conv2d_1", "conv2d_2"].flatMap((l) => [
      t(`${l}/kernel/Read/ReadVariableOp:0`),
      t(`${l}/bias/Read/ReadVariableOp:0`),
    ]);
    const saver = new tf.train.Saver([a, ...reads]);
    using sess = new tf.Session();
    saver.restore(sess, prefix);
    expect(sess.run(a).item()).toBe(0.5);
    const values = reads.map((r) => (sess.run(r).toArray() as number[]).flat(3)[0]);
    expect(values).toEqual([
      Math.fround(-0.52239597),
      0,
      Math.fround(-1.04511201),
      0,
      Math.fround(1.57794321),
      0,
    ]);
  });
});

describe("a Keras TF 1.13 training graph with resource variables (wandb event file)", () => {
  function kerasMetaGraph(): ReturnType<typeof tf.MetaGraphDef.fromBinary> {
    const file = join(
      fixturesDir,
      "../tf-events/events-wandb-keras-graph-tf1.13/events.out.tfevents.111.test.localdomain",
    );
    const records = [...tf.io.tfRecordIterator(file)];
    return tf.MetaGraphDef.fromBinary(
      Event.fromBinary(records[2] as Uint8Array).metaGraphDef as Uint8Array,
    );
  }

  /** A batch of 8 images whose class is told by which row band is bright. */
  function batch(): [number[][][][], number[][]] {
    const images: number[][][][] = [];
    const labels: number[][] = [];
    for (let i = 0; i < 8; i++) {
      const label = i % 2;
      labels.push([label]);
      images.push(
        Array.from({ length: 28 }, (_, r) =>
          Array.from({ length: 28 }, (_, c) => [
            (label === 0 ? r < 14 : r >= 14) ? 1 : ((r * 7 + c * 3 + i) % 5) / 10,
          ]),
        ),
      );
    }
    return [images, labels];
  }

  it("imports with its VariableDefs as resource Variables, initializes, trains, saves and restores", () => {
    const meta = kerasMetaGraph();
    const saver = tf.train.importMetaGraph(meta);
    const trainable = tf.trainableVariables();
    expect(trainable.map((v) => v.name)).toEqual([
      "conv2d/kernel:0",
      "conv2d/bias:0",
      "dense/kernel:0",
      "dense/bias:0",
      "SGD/iterations:0",
      "SGD/lr:0",
      "SGD/momentum:0",
      "SGD/decay:0",
      "training/SGD/Variable:0",
      "training/SGD/Variable_1:0",
      "training/SGD/Variable_2:0",
      "training/SGD/Variable_3:0",
    ]);
    const kernel = trainable[0] as tf.Variable;
    // tf.assign/assignAdd on a resource variable go through its own AssignVariableOp.
    const iterations = trainable[4] as tf.Variable;
    const bump = tf.assignAdd(iterations, 0);
    expect(bump.op.type).toBe("ReadVariableOp");
    expect(bump.op.controlInputs[0]?.type).toBe("AssignAddVariableOp");
    expect(kernel.op.type).toBe("VarHandleOp");
    expect(kernel.dtype).toBe("float32");
    expect(kernel.shape.toString()).toBe("(3, 3, 1, 3)");
    expect(String(kernel)).toBe("<tf.Variable 'conv2d/kernel:0' shape=(3, 3, 1, 3) dtype=float32>");
    expect(kernel.toProto()?.isResource).toBe(true);
    expect(saver).not.toBeNull();

    const [images, labels] = batch();
    const feeds = new Map<tf.Tensor, unknown>([
      [t("conv2d_input:0"), images],
      [t("dense_target:0"), labels],
    ]);
    const loss = t("loss/mul:0");
    const softmax = t("dense/Softmax:0");
    using sess = new tf.Session();
    sess.run(op("init"));
    expect(sess.run(tf.reportUninitializedVariables()).toArray()).toEqual([]);
    // The graph's initializers are unseeded: load fixed kernels (through the resource
    // variables' initializers) so that the losses below are the same on every run.
    const fixed = (n: number): number[] =>
      Array.from({ length: n }, (_, i) => (((i * 7919) % 101) - 50) / 1000);
    kernel.load(
      tf.NDArray.fromTypedArray(new Float32Array(fixed(27)), [3, 3, 1, 3], "float32"),
      sess,
    );
    const dense = trainable[2] as tf.Variable;
    const denseShape = dense.shape.asList() as number[];
    dense.load(
      tf.NDArray.fromTypedArray(
        new Float32Array(fixed(denseShape.reduce((a, b) => a * b, 1))),
        denseShape,
        "float32",
      ),
      sess,
    );
    // The loss is the mean cross-entropy of the softmax the graph computes.
    const [loss0, probs] = sess.run([loss, softmax], feeds);
    const p = probs.toArray() as number[][];
    const expected =
      labels.reduce(
        (s, [label], i) => s - Math.log((p[i] as number[])[label as number] as number),
        0,
      ) / labels.length;
    expect(loss0.item() as number).toBeCloseTo(expected, 5);

    const kernel0 = sess.run(kernel).toArray();
    const losses: number[] = [];
    for (let step = 0; step < 8; step++) {
      const [l] = sess.run([loss, op("training_1/group_deps")], feeds);
      losses.push(l?.item() as number);
    }
    // The TF-written SGD (momentum) updates lower the loss at every step.
    losses.slice(1).forEach((l, i) => expect(l).toBeLessThan(losses[i] as number));
    expect(losses[0] as number).toBeCloseTo(loss0.item() as number, 5);
    expect(sess.run(t("SGD/iterations/Read/ReadVariableOp:0")).item()).toBe(8);
    expect(sess.run(kernel).toArray()).not.toEqual(kernel0);

    // The Saver the import returned saves every variable by its VarHandleOp's name.
    const path = (saver as tf.train.Saver).save(sess, join(tempDir(), "keras")) as string;
    const names = tf.train.listVariables(path).map(([n]) => n);
    expect(names).toContain("conv2d/kernel");
    expect(names).toContain("SGD/iterations");
    const trained = sess.run(kernel).toArray();
    using other = new tf.Session();
    (saver as tf.train.Saver).restore(other, path);
    expect(other.run(kernel).toArray()).toEqual(trained);
    expect(other.run(t("SGD/iterations/Read/ReadVariableOp:0")).item()).toBe(8);
  });
});

describe("freezing resource variables (convertVariablesToConstants)", () => {
  it("VarHandleOps become Consts of their values, reads Identities; the frozen graph computes the same", () => {
    importText(
      variable("w", [2], [3, 4]) +
        `node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } }
           attr { key: 'shape' value { shape { dim { size: 2 } } } } }
         node { name: 'w_id' op: 'Identity' input: 'w' attr { key: 'T' value { type: DT_RESOURCE } } }
         node { name: 'read_w' op: 'ReadVariableOp' input: 'w_id'
           attr { key: 'dtype' value { type: DT_FLOAT } } }
         node { name: 'y' op: 'Mul' input: 'x' input: 'read_w' attr { key: 'T' value { type: DT_FLOAT } } }`,
    );
    using sess = new tf.Session();
    sess.run(op("w/Assign"));
    const frozen = tf.graphUtil.convertVariablesToConstants(
      sess,
      tf.getDefaultGraph().asGraphDef(),
      ["y"],
    );
    const byName = new Map(frozen.node.map((n) => [n.name, n]));
    expect(byName.get("w")?.op).toBe("Const");
    // The Identity that passed the handle now passes the value; the read is an Identity.
    expect(byName.get("w_id")?.attr?.T?.type).toBe(1); // DT_FLOAT
    expect(byName.get("read_w")?.op).toBe("Identity");
    expect(byName.get("read_w")?.attr?.T?.type).toBe(1);
    const g = new tf.Graph();
    g.asDefault(() => tf.importGraphDef(frozen, { name: "" }));
    using frozenSess = new tf.Session({ graph: g });
    const y = frozenSess.run(
      g.getTensorByName("y:0"),
      new Map([[g.getTensorByName("x:0"), [1, 2]]]),
    );
    expect(y.toArray()).toEqual([3, 8]);
  });
});
