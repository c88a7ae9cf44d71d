import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { CondContext } from "../../src/ops/control/cond.js";
import { WhileContext } from "../../src/ops/control/while_v1.js";
import { tempDir } from "../checkpoint/helpers.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";
import { CondContextDef, WhileContextDef, type tensorflow } from "../../src/proto/index.js";

/*
 * TF 1.15's `WhileContext.from_proto` / `CondContext.from_proto` on `import_meta_graph`:
 * the imported ops get their loop and branch contexts back from the `while_context` and
 * `cond_context` collections, so `tf.gradients` differentiates through them as through
 * the graph they were exported from.
 */

beforeEach(() => tf.resetDefaultGraph());

/**
 * A loop over `a` with a branch and a nested loop in its body, reading the outer `w`
 * (an invariant of both loops): y = loop(x, w).
 */
function model(): { x: tf.Tensor; w: tf.Tensor; y: tf.Tensor } {
  const x = tf.placeholder(tf.float32, [], { name: "x" });
  const w = tf.placeholder(tf.float32, [], { name: "w" });
  const [, y] = tf.whileLoop(
    (i: tf.Tensor) => tf.less(i, 3),
    (i: tf.Tensor, a: tf.Tensor) => {
      const b = tf.cond(
        tf.less(a, 2),
        () => tf.multiply(a, w),
        () => tf.add(tf.sin(a), tf.multiply(w, w)),
      ) as tf.Tensor;
      const [, c] = tf.whileLoop(
        (j: tf.Tensor) => tf.less(j, 2),
        (j: tf.Tensor, v: tf.Tensor) => [tf.add(j, 1), tf.add(tf.multiply(v, 0.9), tf.tanh(w))],
        [tf.constant(0), b],
      ) as tf.Tensor[];
      return [tf.add(i, 1), c];
    },
    [tf.constant(0), x],
  ) as tf.Tensor[];
  return { x, w, y: y as tf.Tensor };
}

const POINTS: [number, number][] = [
  [0.3, 1.4],
  [1.7, 0.6],
  [2.5, -0.8],
];

/** y and its gradients with respect to x and w at each point. */
function evaluate(y: tf.Tensor, x: tf.Tensor, w: tf.Tensor): number[][] {
  const [dx, dw] = tf.gradients(y, [x, w]) as tf.Tensor[];
  using sess = new tf.Session();
  return POINTS.map(([xv, wv]) => {
    const out = sess.run(
      [y, dx as tf.Tensor, dw as tf.Tensor],
      new Map([
        [x, xv],
        [w, wv],
      ]),
    ) as tf.NDArray[];
    return out.map((v) => v.item() as number);
  });
}

describe("importMetaGraph rebuilds control-flow contexts", () => {
  it("a loop with a cond and a nested loop: imported gradients equal the original's", () => {
    const original = new tf.Graph();
    const { meta, expected, names } = original.asDefault(() => {
      const { x, w, y } = model();
      const meta = tf.train.exportMetaGraph();
      return { meta, expected: evaluate(y, x, w), names: [x.name, w.name, y.name] };
    });
    // Finite differences check the original's gradients.
    const fresh = new tf.Graph().asDefault(() => {
      const { x, w, y } = model();
      using sess = new tf.Session();
      const f = (xv: number, wv: number): number =>
        (
          sess.run(
            y,
            new Map([
              [x, xv],
              [w, wv],
            ]),
          ) as tf.NDArray
        ).item() as number;
      const h = 1e-2;
      return POINTS.map(([xv, wv]) => [
        (f(xv + h, wv) - f(xv - h, wv)) / (2 * h),
        (f(xv, wv + h) - f(xv, wv - h)) / (2 * h),
      ]);
    });
    expected.forEach(([, dx, dw], k) => {
      const [nx, nw] = fresh[k] as number[];
      expect(dx).toBeCloseTo(nx as number, 1);
      expect(dw).toBeCloseTo(nw as number, 1);
    });

    tf.train.importMetaGraph(meta);
    const graph = tf.getDefaultGraph();
    const [x, w, y] = names.map((n) => graph.getTensorByName(n));
    // The contexts are objects again, nested as built; the ops are back in them.
    const [loop] = graph.getCollection<WhileContext>("while_context");
    expect(loop).toBeInstanceOf(WhileContext);
    expect(loop?.frameName).toBe("while/while_context");
    expect(loop?.nested.map((c) => (c as WhileContext | CondContext).kind)).toEqual([
      "cond",
      "cond",
      "while",
    ]);
    expect(graph.getOperationByName("while/Identity_1").controlFlowContext).toBe(loop);
    const inner = graph.getOperationByName("while/while/Mul").controlFlowContext as WhileContext;
    expect(inner.outer).toBe(loop);
    expect(inner.frameName).toBe("while/while/while_context");
    const branch = graph.getOperationByName("while/cond/Mul").controlFlowContext as CondContext;
    expect([branch.contextName, branch.branch, branch.outer]).toEqual([
      "while/cond/cond_text",
      1,
      loop,
    ]);
    expect(graph.getOperationByName("while/Exit_1").controlFlowContext).toBe(loop);
    expect(graph.getOperationByName("x").controlFlowContext).toBeNull();
    // Re-exported, the contexts are written as they were read.
    const again = tf.train.exportMetaGraph();
    expect(again.collectionDef.while_context).toEqual(meta.collectionDef.while_context);
    expect(evaluate(y as tf.Tensor, x as tf.Tensor, w as tf.Tensor)).toEqual(expected);
  });

  it("under an import scope: frame names follow the contexts' names, gradients run", () => {
    const original = new tf.Graph();
    const { meta, expected } = original.asDefault(() => {
      const { x, w, y } = model();
      return { meta: tf.train.exportMetaGraph(), expected: evaluate(y, x, w) };
    });
    tf.train.importMetaGraph(meta, { importScope: "imp" });
    const graph = tf.getDefaultGraph();
    const frame = (name: string): unknown => graph.getOperationByName(name).attrs.frame_name;
    expect(frame("imp/while/Enter_1")).toBe("imp/while/while_context");
    expect(frame("imp/while/while/Enter_1")).toBe("imp/while/while/while_context");
    // Every Enter (invariants of the inner loop enter both) is in its own loop's frame.
    const enters = graph.getOperations().filter((op) => op.type === "Enter");
    expect(enters.length).toBeGreaterThanOrEqual(6);
    for (const op of enters) {
      expect(op.attrs.frame_name).toBe((op.controlFlowContext as WhileContext).frameName);
    }
    const [loop] = graph.getCollection<WhileContext>("while_context");
    expect(loop?.frameName).toBe("imp/while/while_context");
    const [x, w, y] = ["imp/x:0", "imp/w:0", "imp/while/Exit_1:0"].map((n) =>
      graph.getTensorByName(n),
    );
    const [dx] = tf.gradients(y as tf.Tensor, x as tf.Tensor) as tf.Tensor[];
    expect(dx?.op.name).toBe("gradients/imp/while/Enter_1_grad/Exit");
    expect(evaluate(y as tf.Tensor, x as tf.Tensor, w as tf.Tensor)).toEqual(expected);
    // The same scope again is made unique, and the frames with it.
    tf.train.importMetaGraph(meta, { importScope: "imp" });
    expect(graph.getCollection<WhileContext>("while_context")[1]?.frameName).toBe(
      "imp_1/while/while_context",
    );
    expect(frame("imp_1/while/while/Enter_1")).toBe("imp_1/while/while/while_context");
    const [x1, w1, y1] = ["imp_1/x:0", "imp_1/w:0", "imp_1/while/Exit_1:0"].map((n) =>
      graph.getTensorByName(n),
    );
    expect(evaluate(y1 as tf.Tensor, x1 as tf.Tensor, w1 as tf.Tensor)).toEqual(expected);
  });

  it("a top-level cond: its branches are CondContexts again, differentiated as built", () => {
    const meta = new tf.Graph().asDefault(() => {
      const x = tf.placeholder(tf.float32, [], { name: "x" });
      tf.cond(
        tf.less(x, 1),
        () => tf.square(x),
        () => tf.multiply(x, 3),
        { name: "c" },
      );
      return tf.train.exportMetaGraph();
    });
    tf.train.importMetaGraph(meta);
    const graph = tf.getDefaultGraph();
    const [t, f] = graph.getCollection<CondContext>("cond_context");
    expect([t?.contextName, t?.branch, f?.contextName, f?.branch]).toEqual([
      "c/cond_text",
      1,
      "c/cond_text_1",
      0,
    ]);
    expect(graph.getOperationByName("c/Square").controlFlowContext).toBe(t);
    expect(graph.getOperationByName("c/Mul/Switch").controlFlowContext).toBe(f);
    // TF's from_proto puts the pivot into its branch too (it is among the values).
    expect(graph.getOperationByName("c/switch_t").controlFlowContext).toBe(t);
    const x = graph.getTensorByName("x:0");
    const [dx] = tf.gradients(graph.getTensorByName("c/Merge:0"), x) as tf.Tensor[];
    // Each branch's Switch of x gets cond_grad, a Merge of its two sides (TF's _SwitchGrad in
    // a cond), as in the graph built here.
    expect(dx?.op.inputs.map((t) => t.op.name)).toEqual([
      "gradients/c/Mul/Switch_grad/cond_grad",
      "gradients/c/Square/Switch_grad/cond_grad",
    ]);
    using sess = new tf.Session();
    const at = (v: number): number =>
      (sess.run(dx as tf.Tensor, { "x:0": v }) as tf.NDArray).item() as number;
    expect([at(0.5), at(2)]).toEqual([1, 3]);
    const again = tf.train.exportMetaGraph();
    expect(again.collectionDef.cond_context).toEqual(meta.collectionDef.cond_context);
  });

  it("a loop inside a top-level cond, under an import scope", () => {
    const build = () => {
      const x = tf.placeholder(tf.float32, [], { name: "x" });
      const w = tf.placeholder(tf.float32, [], { name: "w" });
      const y = tf.cond(
        tf.greater(x, 0),
        () =>
          (
            tf.whileLoop(
              (i: tf.Tensor) => tf.less(i, 3),
              (i: tf.Tensor, a: tf.Tensor) => [tf.add(i, 1), tf.multiply(tf.sin(a), w)],
              [tf.constant(0), x],
            ) as tf.Tensor[]
          )[1],
        () => tf.multiply(x, w),
      ) as tf.Tensor;
      return { x, w, y };
    };
    const { meta, expected } = new tf.Graph().asDefault(() => {
      const { x, w, y } = build();
      return { meta: tf.train.exportMetaGraph(), expected: evaluate(y, x, w) };
    });
    tf.train.importMetaGraph(meta, { importScope: "s" });
    const graph = tf.getDefaultGraph();
    const [t] = graph.getCollection<CondContext>("cond_context");
    const loop = t?.nested[0] as WhileContext;
    expect(loop.frameName).toBe("s/cond/while/while_context");
    expect(loop.outer).toBe(t);
    expect(graph.getOperationByName("s/cond/while/Enter_1").attrs.frame_name).toBe(
      "s/cond/while/while_context",
    );
    const [x, w, y] = ["s/x:0", "s/w:0", "s/cond/Merge:0"].map((n) => graph.getTensorByName(n));
    expect(evaluate(y as tf.Tensor, x as tf.Tensor, w as tf.Tensor)).toEqual(expected);
  });

  it("a context naming a missing tensor is an error; the graph is left as it was", () => {
    const meta = new tf.Graph().asDefault(() => {
      model();
      return tf.train.exportMetaGraph();
    });
    const col = meta.collectionDef.while_context?.bytesList?.value as Uint8Array[];
    const def = WhileContextDef.fromBinary(col[0] as Uint8Array);
    def.pivotName = "while/Nope:0";
    col[0] = WhileContextDef.toBinary(def);
    expectThrowsAndUnchanged(
      () => tf.train.importMetaGraph(meta),
      tf.errors.ValueError,
      "The name 'while/Nope:0' refers to a Tensor which does not exist. The operation, 'while/Nope', does not exist in the graph.",
    );
  });
});

describe("a dynamicRnn model through a meta graph", () => {
  it("imported and trained by a new optimizer: the original's losses", () => {
    const dir = tempDir();
    const X = [
      [
        [0.1, -0.4, 0.3],
        [0.5, 0.2, -0.1],
        [-0.3, 0.8, 0.6],
        [0.2, 0.1, 0.9],
      ],
      [
        [0.7, -0.2, 0.0],
        [-0.6, 0.4, 0.2],
        [0.3, 0.3, -0.5],
        [0.9, -0.7, 0.4],
      ],
    ];
    const Y = [
      [1, 0],
      [0, 1],
    ];
    const steps = (loss: tf.Tensor, step: tf.Operation, sess: tf.Session, n: number): number[] => {
      const losses: number[] = [];
      for (let i = 0; i < n; i++) {
        sess.run(step, feed);
        losses.push((sess.run(loss, feed) as tf.NDArray).item() as number);
      }
      return losses;
    };
    const train = (loss: tf.Tensor, sess: tf.Session): number[] => {
      const before = new Set(tf.globalVariables());
      const step = new tf.train.AdamOptimizer(0.05).minimize(loss);
      tf.addToCollection("train_op", step);
      sess.run(tf.variablesInitializer(tf.globalVariables().filter((v) => !before.has(v))));
      return steps(loss, step, sess, 6);
    };
    const feed = { "x:0": X, "y:0": Y };
    let prefix = "";
    let trained = "";
    let continued: number[] = [];
    const original = new tf.Graph().asDefault(() => {
      tf.setRandomSeed(3);
      const x = tf.placeholder(tf.float32, [2, 4, 3], { name: "x" });
      const y = tf.placeholder(tf.float32, [2, 2], { name: "y" });
      const [outputs] = tf.nn.dynamicRnn(new tf.nn.rnnCell.LSTMCell(5), x, { dtype: tf.float32 });
      const last = tf.gather(tf.transpose(outputs as tf.Tensor, [1, 0, 2]), 3);
      const logits = tf.layers.dense(last, 2, { name: "out" });
      const loss = tf.losses.softmaxCrossEntropy(y, logits);
      const saver = new tf.train.Saver();
      using sess = new tf.Session();
      sess.run(tf.globalVariablesInitializer());
      prefix = saver.save(sess, path.join(dir, "rnn.ckpt")) as string;
      const losses = train(loss, sess);
      // The training graph (gradient loop, Adam) saved as it is, then trained on.
      trained = new tf.train.Saver().save(sess, path.join(dir, "trained.ckpt")) as string;
      continued = steps(
        loss,
        tf.getCollection<tf.Operation>("train_op")[0] as tf.Operation,
        sess,
        3,
      );
      return losses;
    });
    const saver = tf.train.importMetaGraph(`${prefix}.meta`) as tf.train.Saver;
    const [loop] = tf.getDefaultGraph().getCollection<WhileContext>("while_context");
    expect(loop?.frameName).toBe("rnn/while/while_context");
    expect(loop?.maximumIterations?.name).toBe("rnn/strided_slice:0");
    const loss = tf.getCollection<tf.Tensor>("losses")[0] as tf.Tensor;
    using sess = new tf.Session();
    saver.restore(sess, prefix);
    const mine = train(loss, sess);
    expect(mine).toEqual(original);
    expect(mine[5] as number).toBeLessThan(mine[0] as number);

    // The training graph imported as a whole: its contexts are rebuilt (the forward loop
    // now holds the gradient's counter and stack pushes), its train_op continues training.
    new tf.Graph().asDefault(() => {
      const meta = tf.MetaGraphDef.fromBinary(readFileSync(`${trained}.meta`));
      const restorer = tf.train.importMetaGraph(`${trained}.meta`) as tf.train.Saver;
      const again = tf.train.exportMetaGraph();
      expect(again.collectionDef.while_context).toEqual(meta.collectionDef.while_context);
      using s2 = new tf.Session();
      restorer.restore(s2, trained);
      const step = tf.getCollection<tf.Operation>("train_op")[0] as tf.Operation;
      const l = tf.getCollection<tf.Tensor>("losses")[0] as tf.Tensor;
      expect(steps(l, step, s2, 3)).toEqual(continued);
    });
  });
});

describe("TF-written CondContextDefs (TF 1.13 Keras, tf.Assert's AssertGuard)", () => {
  /*
   * No fixture holds a TF-written meta graph with a while loop. The Keras event file's meta
   * graph holds four TF-written CondContextDefs; its whole graph needs ops scopeflow lacks
   * (resource variables, DenseToDenseSetOperation), so the AssertGuard cond is imported
   * with the four outer tensors it reads given as placeholders.
   */
  const EVENTS = path.join(
    __dirname,
    "../fixtures/tf-events/events-wandb-keras-graph-tf1.13/events.out.tfevents.111.test.localdomain",
  );
  const SCOPE = "loss/dense_loss/broadcast_weights/assert_broadcastable/";

  function assertGuardMeta(): tensorflow.MetaGraphDef {
    const [, , event] = [...tf.train.summaryIterator(EVENTS)];
    const meta = tf.MetaGraphDef.fromBinary(event?.metaGraphDef as Uint8Array);
    const outer: [string, number][] = [
      ["is_valid_shape/Merge", 10],
      ["weights/shape", 3],
      ["values/shape", 3],
      ["is_scalar", 10],
    ];
    const placeholders = outer.map(([name, type]) => ({
      name: `${SCOPE}${name}`,
      op: "Placeholder",
      attr: { dtype: { type }, shape: { shape: { unknownRank: true } } },
    }));
    const guard = (meta.graphDef?.node ?? []).filter((n) =>
      (n.name ?? "").startsWith(`${SCOPE}AssertGuard/`),
    );
    const conds = meta.collectionDef.cond_context?.bytesList?.value ?? [];
    return tf.MetaGraphDef.fromBinary(
      tf.MetaGraphDef.toBinary({
        metaInfoDef: meta.metaInfoDef,
        graphDef: { node: [...placeholders, ...guard], versions: meta.graphDef?.versions },
        collectionDef: { cond_context: { bytesList: { value: conds.slice(2) } } },
      }),
    );
  }

  it("rebuilt as TF's from_proto does, written back as TF wrote them, and run", () => {
    const meta = assertGuardMeta();
    tf.train.importMetaGraph(meta);
    const graph = tf.getDefaultGraph();
    const [t, f] = graph.getCollection<CondContext>("cond_context");
    expect([t?.contextName, t?.branch, f?.contextName, f?.branch]).toEqual([
      `${SCOPE}AssertGuard/cond_text`,
      1,
      `${SCOPE}AssertGuard/cond_text_1`,
      0,
    ]);
    const ctx = (name: string) => graph.getOperationByName(`${SCOPE}${name}`).controlFlowContext;
    expect(ctx("AssertGuard/control_dependency")).toBe(t);
    expect(ctx("AssertGuard/switch_t")).toBe(t);
    expect(ctx("AssertGuard/Assert/Switch_2")).toBe(f);
    expect(ctx("AssertGuard/Assert/data_0")).toBe(f);
    // Ops without outputs are in no context's values: TF leaves them out too.
    expect(ctx("AssertGuard/Assert")).toBeNull();
    expect(ctx("AssertGuard/Merge")).toBeNull();
    expect(ctx("is_scalar")).toBeNull();
    expect(f?.external.get(graph.getTensorByName(`${SCOPE}values/shape:0`))?.name).toBe(
      `${SCOPE}AssertGuard/Assert/Switch_2:0`,
    );
    // scopeflow's to_proto of the rebuilt contexts gives TF's messages back.
    const again = tf.train.exportMetaGraph();
    const decode = (m: tensorflow.MetaGraphDef) =>
      (m.collectionDef.cond_context?.bytesList?.value ?? []).map((b) =>
        CondContextDef.toText(CondContextDef.fromBinary(b)),
      );
    expect(decode(again)).toEqual(decode(meta));
    using sess = new tf.Session();
    const feed = (valid: boolean) => ({
      [`${SCOPE}is_valid_shape/Merge:0`]: valid,
      [`${SCOPE}weights/shape:0`]: [4, 1],
      [`${SCOPE}values/shape:0`]: [4],
      [`${SCOPE}is_scalar:0`]: false,
    });
    const merge = `${SCOPE}AssertGuard/Merge:0`;
    expect((sess.run(merge, feed(true)) as tf.NDArray).item()).toBe(true);
    expect(() => sess.run(merge, feed(false))).toThrow(/weights can not be broadcast to values/);
  });
});
