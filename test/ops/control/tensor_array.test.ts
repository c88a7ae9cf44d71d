/**
 * `tf.TensorArray` on TF 1.15's ops: values, graph names and attrs, shapes, the runtime
 * errors (TF's text), gradients (TF's tensor_array_ops_test.py cases that apply, and
 * finite differences), and memory over runs. TF's test names are given where ported.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../../src/index.js";
import { checkGradients } from "../../gradients/helpers.js";

beforeEach(() => tf.resetDefaultGraph());

type Fetch = tf.Tensor | tf.Operation;

function run(fetch: Fetch, feeds?: Map<tf.Tensor, unknown>): unknown {
  using sess = new tf.Session();
  const out = sess.run(fetch as tf.Tensor, feeds as never) as unknown as tf.NDArray | null;
  return out === null || out === undefined ? null : out.toArray();
}

function runAll(fetches: tf.Tensor[], feeds?: Map<tf.Tensor, unknown>): unknown[] {
  using sess = new tf.Session();
  const out = sess.run(fetches, feeds as never) as unknown as tf.NDArray[];
  return out.map((o) => o.toArray());
}

const f32 = (size: number, options: Partial<tf.TensorArrayOptions> = {}) =>
  new tf.TensorArray(tf.float32, { size, tensorArrayName: "foo", ...options });

describe("the graph TF 1.15 builds", () => {
  it("TensorArrayV3 with TF's attrs; handle (2,) resource and flow () float32", () => {
    const ta = new tf.TensorArray(tf.float32, {
      size: 3,
      elementShape: [null, 2],
      dynamicSize: true,
      clearAfterRead: false,
      tensorArrayName: "foo",
    });
    expect(String(ta.handle)).toBe('Tensor("TensorArray:0", shape=(2,), dtype=resource)');
    expect(String(ta.flow)).toBe('Tensor("TensorArray:1", shape=(), dtype=float32)');
    const op = ta.handle.op;
    expect(op.type).toBe("TensorArrayV3");
    expect(op.inputs.map((t) => t.name)).toEqual(["TensorArray/size:0"]);
    expect(op.attrs.dtype).toBe("float32");
    expect(String(op.attrs.element_shape)).toBe("(?, 2)");
    expect(op.attrs.dynamic_size).toBe(true);
    expect(op.attrs.clear_after_read).toBe(false);
    expect(op.attrs.identical_element_shapes).toBe(true);
    expect(op.attrs.tensor_array_name).toBe("foo");
    expect(ta.dtype).toBe("float32");
    expect(ta.elementShape.toString()).toBe("(?, 2)");
    expect(ta.dynamicSize).toBe(true);
    expect(ta.inferShape).toBe(true);
  });

  it("names every method's ops as TF does", () => {
    const ta = new tf.TensorArray(tf.float32, { size: 2 });
    const w = ta.write(0, [1, 2]).write(1, [3, 4]);
    const r = w.read(1);
    const s = w.stack();
    const c = w.concat();
    const g = w.gather([0, 1]);
    const n = w.size();
    const cl = w.close();
    const u = new tf.TensorArray(tf.float32, { size: 2 }).unstack([[1], [2]]);
    const sp = new tf.TensorArray(tf.float32, { size: 2 }).split([1, 2, 3], [1, 2]);
    const sc = new tf.TensorArray(tf.float32, { size: 2 }).scatter([1, 0], [[1], [2]]);
    const id = w.identity();
    expect(w.flow.name).toBe("TensorArrayWrite_1/TensorArrayWriteV3:0");
    expect(w.flow.op.inputs.map((t) => t.name)).toEqual([
      "TensorArray:0",
      "TensorArrayWrite_1/TensorArrayWriteV3/index:0",
      "TensorArrayWrite_1/value:0",
      "TensorArrayWrite/TensorArrayWriteV3:0",
    ]);
    expect(w.flow.op.attrs.T).toBe("float32");
    expect(r.name).toBe("TensorArrayReadV3:0");
    expect(r.op.inputs.map((t) => t.name)[1]).toBe("TensorArrayReadV3/index:0");
    expect(s.name).toBe("TensorArrayStack/TensorArrayGatherV3:0");
    expect(s.op.inputs.map((t) => t.name)).toEqual([
      "TensorArray:0",
      "TensorArrayStack/range:0",
      "TensorArrayWrite_1/TensorArrayWriteV3:0",
    ]);
    expect(s.op.inputs[1]?.op.inputs[1]?.name).toBe("TensorArrayStack/TensorArraySizeV3:0");
    expect(c.name).toBe("TensorArrayConcatV3:0");
    expect(c.op.outputs[1]?.dtype).toBe("int64");
    expect(g.name).toBe("TensorArrayGatherV3:0");
    expect(n.name).toBe("TensorArraySizeV3:0");
    expect(cl.name).toBe("TensorArrayCloseV3");
    expect(cl.outputs.length).toBe(0);
    expect(u.flow.name).toBe("TensorArrayUnstack/TensorArrayScatter/TensorArrayScatterV3:0");
    expect(u.flow.op.inputs[1]?.name).toBe("TensorArrayUnstack/range:0");
    expect(sp.flow.name).toBe("TensorArraySplit/TensorArraySplitV3:0");
    expect(sp.flow.op.inputs[2]?.name).toBe("TensorArraySplit/Cast:0");
    expect(sp.flow.op.inputs[2]?.dtype).toBe("int64");
    expect(sc.flow.name).toBe("TensorArrayScatter/TensorArrayScatterV3:0");
    expect(id.flow.name).toBe("Identity:0");
    expect(id.handle).toBe(w.handle);
  });

  it("names given to methods name their scopes and ops", () => {
    const ta = new tf.TensorArray(tf.float32, { size: 1, name: "arr" });
    expect(ta.handle.name).toBe("arr:0");
    const w = ta.write(0, 1, { name: "w" });
    expect(w.flow.name).toBe("w/w:0");
    expect(w.read(0, { name: "r" }).name).toBe("r:0");
    expect(w.stack({ name: "s" }).name).toBe("s/s:0");
  });

  it("colocateWithFirstWriteCall: the array has no device; writes go where the first value is", () => {
    const ta = tf.device("/job:ps", () => new tf.TensorArray(tf.float32, { size: 2 }));
    expect(ta.handle.op.device).toBe("");
    const x = tf.device("/cpu:0", () => tf.constant([1]));
    const w = tf.device("/job:worker", () => ta.write(0, x));
    expect(w.flow.op.device).toBe(x.op.device);
    const y = tf.device("/job:worker", () => tf.constant([2]));
    expect(w.write(1, y).flow.op.device).toBe(x.op.device);
    const fixed = tf.device(
      "/job:ps",
      () => new tf.TensorArray(tf.float32, { size: 1, colocateWithFirstWriteCall: false }),
    );
    expect(fixed.handle.op.device).toBe("/job:ps");
  });

  it("grad(source) builds TensorArrayGrad/TensorArrayGradV3 and a gradient_flow after it", () => {
    const ta = f32(3);
    const g = ta.grad("grad");
    expect(g.handle.name).toBe("TensorArrayGrad/TensorArrayGradV3:0");
    expect(g.handle.op.attrs.source).toBe("grad");
    expect(g.flow.name).toBe("TensorArrayGrad/gradient_flow:0");
    expect(g.flow.op.controlInputs.map((o) => o.name)).toEqual([
      "TensorArrayGrad/TensorArrayGradV3",
    ]);
  });

  it("infers the element shape from writes: reads, stack, gather and concat get it", () => {
    const ta = new tf.TensorArray(tf.float32, { size: 3 });
    expect(ta.read(0).shape.toString()).toBe("<unknown>");
    const w = ta.write(0, tf.placeholder(tf.float32, [null, 3]));
    const w2 = w.write(1, tf.placeholder(tf.float32, [2, null]));
    // TF shares the inferred shape between the arrays of one flow.
    expect(ta.elementShape.toString()).toBe("(2, 3)");
    expect(w2.read(0).shape.toString()).toBe("(2, 3)");
    expect(w2.stack().shape.toString()).toBe("(?, 2, 3)");
    expect(w2.gather([0, 2]).shape.toString()).toBe("(2, 2, 3)");
    expect(w2.concat().shape.toString()).toBe("(?, 3)");
    expect(w2.concat().op.attrs.element_shape_except0?.toString()).toBe("(3,)");
  });

  it("an inconsistent shape is TF's ValueError, and the graph is left as it was", () => {
    const ta = new tf.TensorArray(tf.float32, { size: 3, elementShape: [3] });
    const before = tf.getDefaultGraph().getOperations().length;
    expect(() => ta.write(0, [1, 2])).toThrow(
      new tf.errors.ValueError("Inconsistent shapes: saw (2,) but expected (3,) "),
    );
    expect(tf.getDefaultGraph().getOperations().length).toBe(before);
    expect(() => ta.scatter([0], [[1, 2]])).toThrow("Inconsistent shapes: saw (2,)");
    expect(() => ta.split([1, 2, 3, 4], [2, 2])).toThrow("Inconsistent shapes: saw (2,)");
    expect(tf.getDefaultGraph().getOperations().length).toBe(before);
    const inferred = new tf.TensorArray(tf.float32, { size: 3 });
    inferred.write(0, [1, 2]);
    expect(() => inferred.write(1, [1, 2, 3])).toThrow("Inconsistent shapes: saw (3,) but");
    expect(inferred.elementShape.toString()).toBe("(2,)");
  });

  it("refuses TF's bad constructions", () => {
    expect(() => new tf.TensorArray(tf.float32)).toThrow(
      "Size must be provided if handle is not provided",
    );
    const ta = f32(1);
    expect(() => new tf.TensorArray(tf.float32, { handle: ta.handle, size: 1 })).toThrow(
      "Cannot provide both a handle and size at the same time",
    );
    expect(
      () => new tf.TensorArray(tf.float32, { handle: ta.handle, tensorArrayName: "x" }),
    ).toThrow("Cannot construct with both handle and tensor_array_name");
    expect(() => new tf.TensorArray(tf.float32, { handle: ta.handle })).toThrow(
      "flow must not be None if handle is not None.",
    );
    expect(() => f32(1).read(tf.constant(0.5))).toThrow(
      "Input 'index' of 'TensorArrayReadV3' Op has type float32 that does not match expected type of int32.",
    );
    expect(() => f32(1).read([0, 1])).toThrow(
      "Shape must be rank 0 but is rank 1 for 'TensorArrayReadV3' (op: 'TensorArrayReadV3') with input shapes: [2], [2], [].",
    );
  });
});

describe("values (tensor_array_ops_test.py)", () => {
  it("testTensorArrayWriteRead and testTensorArrayWritePack", () => {
    const ta = f32(3, { inferShape: false });
    const w = ta
      .write(0, [[4, 5]])
      .write(1, [[1]])
      .write(2, -3);
    expect(runAll([w.read(0), w.read(1), w.read(2)])).toEqual([[[4, 5]], [[1]], -3]);
    const p = f32(3)
      .write(0, [[4, 5]])
      .write(1, [[6, 7]])
      .write(2, [[8, 9]]);
    expect(run(p.stack())).toEqual([[[4, 5]], [[6, 7]], [[8, 9]]]);
  });

  it("int32 arrays; multiple arrays in one run (testMultiTensorArray)", () => {
    const a = new tf.TensorArray(tf.int32, { size: 1, tensorArrayName: "foo" }).write(0, 4);
    const b = new tf.TensorArray(tf.int32, { size: 1, tensorArrayName: "bar" }).write(0, 5);
    expect(run(tf.add(a.read(0), b.read(0)))).toBe(9);
  });

  it("string, bool and int64 arrays (TF's tests run every dtype)", () => {
    const cases: [tf.DType, unknown[]][] = [
      ["string", ["a", "bc", "d"]],
      ["bool", [true, false, true]],
      ["int64", [1, 2, 3]],
    ];
    for (const [dtype, vals] of cases) {
      const c = (v: unknown) => tf.constant(v as never, { dtype });
      const ta = new tf.TensorArray(dtype, { size: 3, clearAfterRead: false }).unstack(c(vals));
      const w = new tf.TensorArray(dtype, { size: 2, inferShape: false })
        .write(0, c([vals[0]]))
        .write(1, c([vals[1], vals[2]]));
      const s = new tf.TensorArray(dtype, { size: 2, inferShape: false }).split(c(vals), [1, 2]);
      using sess = new tf.Session();
      const [stacked, gathered, concat, piece] = sess
        .run([ta.stack(), ta.gather([2, 0]), w.concat(), s.read(1)])
        .map((a) => a.toArray());
      const expected = vals;
      expect([stacked, gathered, concat, piece]).toEqual([
        expected,
        [expected[2], expected[0]],
        expected,
        expected.slice(1),
      ]);
    }
  });

  it("testTensorArrayWriteConcat", () => {
    const w = f32(3, { inferShape: false })
      .write(0, [
        [4, 5],
        [104, 105],
        [204, 205],
      ])
      .write(1, [
        [6, 7],
        [106, 107],
      ])
      .write(2, [[8, 9]]);
    expect(run(w.concat())).toEqual([
      [4, 5],
      [104, 105],
      [204, 205],
      [6, 7],
      [106, 107],
      [8, 9],
    ]);
  });

  it("testTensorArrayReadOrPackNotAllValuesAvailableFillsZeros (and with inferred shapes)", () => {
    const ta = f32(3, { elementShape: [1, 2] });
    expect(run(ta.read(0))).toEqual([[0, 0]]);
    expect(run(ta.write(1, [[4, 5]]).stack())).toEqual([[[0, 0]], [[4, 5]], [[0, 0]]]);
    expect(run(ta.write(1, [[4, 5]]).concat())).toEqual([
      [0, 0],
      [4, 5],
      [0, 0],
    ]);
    const inferred = f32(3);
    const val = tf.placeholder(tf.float32);
    expect(run(inferred.write(1, val).read(0), new Map([[val, [[4, 5]]]]))).toEqual([[0, 0]]);
  });

  it("testTensorArrayUnpackRead and testTensorArraySplitRead", () => {
    // TF's `_make_ta` arrays do not infer shapes.
    const ta = f32(3, { inferShape: false });
    const w0 = ta.unstack([1, 2, 3]);
    expect(runAll([w0.read(0), w0.read(1), w0.read(2)])).toEqual([1, 2, 3]);
    const w1 = f32(3, { inferShape: false }).unstack([
      [1, 1.5],
      [2, 2.5],
      [3, 3.5],
    ]);
    expect(runAll([w1.read(0), w1.read(2)])).toEqual([
      [1, 1.5],
      [3, 3.5],
    ]);
    const s = f32(3, { inferShape: false }).split(
      [
        [1, 101],
        [2, 201],
        [3, 301],
      ],
      tf.constant([2, 0, 1]),
    );
    const got = runAll([s.read(0), s.read(1), s.read(2)]);
    expect(got[0]).toEqual([
      [1, 101],
      [2, 201],
    ]);
    expect(got[1]).toEqual([]);
    expect(got[2]).toEqual([[3, 301]]);
  });

  it("scatter and gather at given indices; size; dynamic size grows", () => {
    const w = f32(4).scatter([3, 1], [[10], [30]]);
    expect(run(w.gather([1, 3]))).toEqual([[30], [10]]);
    const d = new tf.TensorArray(tf.float32, { size: 0, dynamicSize: true }).write(4, [1]);
    const [stacked, size] = runAll([d.stack(), d.size()]);
    expect(size).toBe(5);
    expect(stacked).toEqual([[0], [0], [0], [0], [1]]);
    expect(run(f32(3).size())).toBe(3);
  });

  it("clearAfterRead: false reads an index twice (testTensorArrayReadTwice)", () => {
    const value = tf.constant([
      [1, -1],
      [10, -10],
    ]);
    const w = f32(2, { clearAfterRead: false }).unstack(value);
    const r0 = w.read(0);
    const r1 = tf.controlDependencies([r0], () => w.read(0));
    expect(run(r1)).toEqual([1, -1]);
  });

  it("an empty array stacks to [0, ...element_shape]", () => {
    expect(run(f32(0, { elementShape: [2] }).stack())).toEqual([]);
    using sess = new tf.Session();
    expect(sess.run(f32(0, { elementShape: [2] }).stack()).shape).toEqual([0, 2]);
  });

  it("writes inside a flow are ordered by it: identity passes the flow on", () => {
    const ta = f32(2).write(0, 1);
    const later = ta.identity().write(1, 2);
    expect(run(later.stack())).toEqual([1, 2]);
  });

  it("close() runs, and ops after it fail with TF's message", () => {
    const w = f32(3, { inferShape: false })
      .write(0, [[4, 5]])
      .write(1, [3]);
    expect(run(w.close())).toBeNull();
    const closed = tf.controlDependencies([w.close()], () => w.size());
    expect(() => run(closed)).toThrow(/TensorArray foo_\d+ has already been closed\./);
  });
});

describe("runtime errors with TF's text", () => {
  it("testTensorArrayWriteWrongIndexOrDataTypeFails", () => {
    const ta = f32(3);
    expect(() => run(ta.write(-1, 3).flow)).toThrow(
      /TensorArray foo_\d+: Tried to write to index -1 but array is not resizeable and size is: 3/,
    );
    expect(() => run(ta.write(3, 3).flow)).toThrow(
      /TensorArray foo_\d+: Tried to write to index 3 but array is not resizeable and size is: 3\n\t \[\[\{\{node TensorArrayWrite_1\/TensorArrayWriteV3\}\}\]\]/,
    );
    expect(() => run(ta.write(0, tf.constant(1, { dtype: tf.int32 })).flow)).toThrow(
      "TensorArray dtype is float but Op is trying to write dtype int32.",
    );
  });

  it("testTensorArrayReadWrongIndexOrDataTypeFails", () => {
    const w = f32(3).write(0, [[4, 5]]);
    expect(() => run(w.read(-1))).toThrow("Tried to read from index -1 but array size is: 3");
    expect(() => run(w.read(3))).toThrow("Tried to read from index 3 but array size is: 3");
  });

  it("testSkipEagerTensorArrayWriteMultipleFails; a write after a read", () => {
    expect(() => run(f32(3).write(2, 3).write(2, 3).flow)).toThrow(
      /TensorArray foo_\d+: Could not write to TensorArray index 2 because it has already been written to\./,
    );
    const w = f32(3, { clearAfterRead: false }).write(0, 1);
    const r = w.read(0);
    const again = tf.controlDependencies([r], () => w.write(0, 2));
    expect(() => run(again.flow)).toThrow(
      "Could not write to TensorArray index 0 because it has already been read.",
    );
  });

  it("a second read of a cleared index (testTensorArrayReadTwice)", () => {
    const w = f32(2).unstack([
      [1, -1],
      [10, -10],
    ]);
    const r0 = w.read(0);
    const r1 = tf.controlDependencies([r0], () => w.read(0));
    expect(() => run(r1)).toThrow(
      /TensorArray foo_\d+: Could not read index 0 twice because it was cleared after a previous read \(perhaps try setting clear_after_read = false\?\)\./,
    );
  });

  it("reading an unwritten index whose shape is not known", () => {
    expect(() => run(f32(3).read(1))).toThrow(
      /TensorArray foo_\d+: Could not read from TensorArray index 1\. {2}Furthermore, the element shape is not fully defined: <unknown>\./,
    );
  });

  it("a runtime element shape that does not fit", () => {
    const x = tf.placeholder(tf.float32, [null]);
    const ta = f32(2, { elementShape: [3] });
    expect(() => run(ta.write(0, x).flow, new Map([[x, [1, 2]]]))).toThrow(
      /Could not write to TensorArray index 0 because the value shape is \[2\] which is incompatible with the TensorArray's inferred element shape: \[3\] \(consider setting infer_shape=False\)\./,
    );
    const y = tf.placeholder(tf.float32, [null]);
    const w = f32(2).write(0, x).write(1, y);
    expect(() =>
      run(
        w.flow,
        new Map([
          [x, [1, 2]],
          [y, [1, 2, 3]],
        ]),
      ),
    ).toThrow(
      "because the value shape is [3] which is incompatible with the TensorArray's inferred element shape: [2]",
    );
  });

  it("testTensorArraySplitIncompatibleShapesFails; scatter beyond the size", () => {
    const lengths = tf.placeholder(tf.int64);
    expect(() =>
      run(
        f32(3).split([1, 2, 3], lengths).flow,
        new Map([[lengths, new tf.NDArray(new BigInt64Array([1n]), [], "int64")]]),
      ),
    ).toThrow("Expected lengths to be a vector, received shape: []");
    expect(() => run(f32(3).split([1, 2, 3], [1]).flow)).toThrow(
      "Expected sum of lengths to be equal to values.shape[0], but sum of lengths is 1 and value's shape is: [3]",
    );
    expect(() => run(f32(1).split(1, [1]).flow)).toThrow(
      "Expected value to be at least a vector, but received shape: []",
    );
    expect(() => run(f32(2).split([1], [1]).flow)).toThrow(
      "TensorArray's size is not equal to the size of lengths (2 vs. 1), and the TensorArray is not marked as dynamically resizeable",
    );
    expect(() => run(f32(2).unstack([1, 2, 3]).flow)).toThrow(
      "Max scatter index must be < array size (2 vs. 2)",
    );
  });

  it("testTensorArrayConcatIncompatibleShapesFails; stack of differing shapes", () => {
    const w = f32(3, { inferShape: false }).write(0, 3).write(1, 4).write(2, [3]);
    expect(() => run(w.concat())).toThrow(
      "Concat saw a scalar shape at index 0 but requires at least vectors.  Did you mean to call pack?",
    );
    const v = f32(2, { inferShape: false }).write(0, [1]).write(1, [1, 2]);
    expect(() => run(v.stack())).toThrow(
      "TensorArray has inconsistent shapes.  Index 0 has shape: [1] but index 1 has shape: [2]",
    );
  });

  it("stacking an empty array of unknown element shape is Unimplemented", () => {
    let error: unknown = null;
    try {
      run(f32(0).stack());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(tf.errors.UnimplementedError);
    expect((error as tf.errors.OpError).opName).toBe("TensorArrayStack/TensorArrayGatherV3");
    expect((error as Error).message).toBe(
      "TensorArray has size zero, but element shape <unknown> is not fully defined. Currently only static shapes are supported when packing zero-size TensorArrays.\n\t [[{{node TensorArrayStack/TensorArrayGatherV3}}]]",
    );
  });

  it("gradient arrays aggregate writes (testSkipEagerTensorArrayWriteGradientAddMultipleAdds)", () => {
    const ta = f32(3, { inferShape: false });
    const g = ta.grad("grad");
    const g3 = g.write(2, 3).write(2, 4).write(2, 5);
    expect(run(g3.read(2))).toBe(12);
    const bad = ta.grad("grad").write(1, 1).write(1, [1]);
    expect(() => run(bad.flow)).toThrow(
      "Could not aggregate to TensorArray index 1 because the existing shape is [] but the new input shape is [1].",
    );
  });

  it("one gradient array per source (testSkipEagerTensorGradAccessTwiceReceiveSameObject)", () => {
    const ta = f32(3);
    const g0 = ta.grad("grad");
    const g1 = ta.grad("grad");
    const r = tf.controlDependencies([g0.write(0, [[4, 5]]).flow], () => g1.read(0));
    expect(run(r)).toEqual([[4, 5]]);
  });

  it("a dynamic array's gradient array has its final size (testSkipEagerTensorGradArrayDynamicWriteRead)", () => {
    const w = new tf.TensorArray(tf.float32, { size: 0, dynamicSize: true, inferShape: false })
      .write(0, [[4, 5]])
      .write(1, [[1]])
      .write(2, -3);
    const g = w.grad("grad");
    const gw = g
      .write(0, [[5, 6]])
      .write(1, [[2]])
      .write(2, -2);
    expect(runAll([w.size(), g.size(), gw.read(1)])).toEqual([3, 3, [[2]]]);
  });
});

describe("gradients (tensor_array_grad.py)", () => {
  it("testSkipEagerTensorArrayGradientWriteRead: reads of one index sum their grads", () => {
    const ta = f32(3, { inferShape: false });
    const v0 = tf.constant([[4, 5]]);
    const v1 = tf.constant(3);
    const w = ta.write(0, v0).write(1, v1);
    const r0 = w.read(0);
    const r1 = w.read(1);
    const r02 = w.read(0);
    const [g0] = tf.gradients([r0], [v0], [[[2, 3]]]);
    expect(run(g0 as tf.Tensor)).toEqual([[2, 3]]);
    const both = tf.gradients([r0, r02, r1], [v0, v1], [[[2, 3]], [[1, -1]], -2]);
    expect(runAll(both as tf.Tensor[])).toEqual([[[3, 2]], -2]);
  });

  it("testSkipEagerTensorArrayGradientWritePackConcatAndRead", () => {
    const ta = f32(2, { clearAfterRead: false });
    const v0 = tf.constant([-1, 1]);
    const v1 = tf.constant([-10, 10]);
    const w = ta.write(0, v0).write(1, v1);
    const p0 = w.stack();
    const r0 = w.read(0);
    const s0 = w.concat();
    const grads = tf.controlDependencies([p0, r0, s0], () =>
      tf.gradients(
        [p0, r0, s0],
        [v0, v1],
        [
          [
            [2, 3],
            [4, 5],
          ],
          [-0.5, 1.5],
          [20, 30, 40, 50],
        ],
      ),
    );
    expect(runAll(grads as tf.Tensor[])).toEqual([
      [2 - 0.5 + 20, 3 + 1.5 + 30],
      [4 + 40, 5 + 50],
    ]);
  });

  it("testSkipEagerTensorArrayGradientUnpackRead and the dynamic case", () => {
    const value = tf.constant([
      [1, -1],
      [10, -10],
    ]);
    const w = f32(2, { clearAfterRead: false }).unstack(value);
    const [g] = tf.gradients(
      [w.read(0), w.read(0), w.read(1)],
      [value],
      [
        [2, 3],
        [-1.5, 1.5],
        [4, 5],
      ],
    );
    expect(run(g as tf.Tensor)).toEqual([
      [0.5, 4.5],
      [4, 5],
    ]);
    const d = new tf.TensorArray(tf.float32, { size: 0, dynamicSize: true }).unstack(value);
    const [gd] = tf.gradients(
      [d.read(0), d.read(1)],
      [value],
      [
        [2, 3],
        [4, 5],
      ],
    );
    expect(run(gd as tf.Tensor)).toEqual([
      [2, 3],
      [4, 5],
    ]);
  });

  it("testSkipEagerTensorArrayGradientSplitConcat, with TF's gradient op names", () => {
    const value = tf.constant([
      [1, -1],
      [10, -10],
      [100, -100],
    ]);
    const r = f32(2, { inferShape: false }).split(value, [2, 1]).concat();
    const gy = [
      [2, -2],
      [20, -20],
      [200, -200],
    ];
    const [g] = tf.gradients([r], [value], [gy]);
    expect(run(g as tf.Tensor)).toEqual(gy);
    const names = tf
      .getDefaultGraph()
      .getOperations()
      .map((o) => o.name)
      .filter((n) => n.startsWith("gradients/"));
    expect(names).toEqual([
      "gradients/grad_ys_0",
      "gradients/TensorArrayConcatV3_grad/TensorArrayGrad/TensorArrayGradV3",
      "gradients/TensorArrayConcatV3_grad/TensorArrayGrad/gradient_flow",
      "gradients/TensorArrayConcatV3_grad/TensorArraySplit/TensorArraySplitV3",
      "gradients/TensorArraySplit/TensorArraySplitV3_grad/flow_out",
      "gradients/TensorArraySplit/TensorArraySplitV3_grad/write_barrier",
      "gradients/TensorArraySplit/TensorArraySplitV3_grad/TensorArrayGrad/TensorArrayGradV3",
      "gradients/TensorArraySplit/TensorArraySplitV3_grad/TensorArrayGrad/gradient_flow",
      "gradients/TensorArraySplit/TensorArraySplitV3_grad/TensorArrayConcatV3",
    ]);
    const gradOp = tf
      .getDefaultGraph()
      .getOperationByName("gradients/TensorArrayConcatV3_grad/TensorArrayGrad/TensorArrayGradV3");
    expect(gradOp.attrs.source).toBe("gradients");
  });

  it("each tf.gradients call gets its own gradient array (source)", () => {
    const x = tf.constant([1, 2]);
    const w = f32(1).write(0, x);
    const y = tf.reduceSum(tf.square(w.read(0)));
    const [g1] = tf.gradients(y, [x]);
    const [g2] = tf.gradients(y, [x]);
    const sources = tf
      .getDefaultGraph()
      .getOperations()
      .filter((o) => o.type === "TensorArrayGradV3")
      .map((o) => o.attrs.source);
    expect(sources).toEqual(["gradients", "gradients", "gradients_1", "gradients_1"]);
    expect(runAll([g1 as tf.Tensor, g2 as tf.Tensor])).toEqual([
      [2, 4],
      [2, 4],
    ]);
  });

  it("gradients built under a scope not named gradients* are TF's ValueError", () => {
    const x = tf.constant([1, 2]);
    const r = f32(1).write(0, x).read(0);
    expect(() => tf.gradients(r, [x], undefined, { name: "grads" })).toThrow(
      /^Expected op\/tensor name to start with gradients \(excluding scope\), got: grads\//,
    );
    expect(
      tf
        .getDefaultGraph()
        .getOperations()
        .some((o) => o.name.startsWith("grads")),
    ).toBe(false);
  });

  it("an optimizer trains a variable written into an array", () => {
    const v = tf.getVariable("v", [2], { initializer: tf.onesInitializer() });
    const ta = new tf.TensorArray(tf.float32, { size: 2 }).write(0, v).write(1, tf.multiply(v, 2));
    const loss = tf.reduceSum(tf.square(ta.stack()));
    const train = new tf.train.GradientDescentOptimizer(0.01).minimize(loss);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect(sess.run(loss).toArray()).toBeCloseTo(10, 5);
    sess.run(train);
    // d loss / dv = 2v + 8v = 10v: v goes from 1 to 0.9.
    expect(sess.run(loss).toArray()).toBeCloseTo(8.1, 5);
  });

  it("unstack → read(i) → loss, by finite differences", async () => {
    await checkGradients({
      inputs: [{ shape: [3, 2] }],
      graph: (x) => {
        const ta = new tf.TensorArray(tf.float32, { size: 3 }).unstack(x);
        return tf.add(tf.multiply(ta.read(0), ta.read(2)), tf.square(ta.read(1)));
      },
    });
  });

  it("write → stack, by finite differences", async () => {
    await checkGradients({
      inputs: [{ shape: [2] }, { shape: [2] }],
      graph: (a, b) => {
        const ta = new tf.TensorArray(tf.float32, { size: 3 })
          .write(0, tf.sin(a as tf.Tensor))
          .write(2, tf.multiply(a as tf.Tensor, b as tf.Tensor));
        return ta.stack();
      },
    });
  });

  it("scatter → gather and split → concat, by finite differences", async () => {
    await checkGradients({
      inputs: [{ shape: [3, 2] }],
      graph: (x) => {
        const ta = new tf.TensorArray(tf.float32, { size: 4 }).scatter([3, 0, 1], x);
        return tf.tanh(ta.gather([1, 3, 3 - 3]));
      },
    });
    await checkGradients({
      inputs: [{ shape: [5, 2] }],
      graph: (x) => {
        const ta = new tf.TensorArray(tf.float32, { size: 3, inferShape: false }).split(
          x,
          [2, 0, 3],
        );
        return tf.square(ta.concat());
      },
    });
  });

  it("a gradient through an array read twice (clearAfterRead: false), by finite differences", async () => {
    await checkGradients({
      inputs: [{ shape: [2, 3] }],
      graph: (x) => {
        const w = new tf.TensorArray(tf.float32, { size: 2, clearAfterRead: false }).unstack(x);
        return tf.add(tf.multiply(w.read(0), w.read(1)), tf.multiply(w.stack(), 2));
      },
    });
  });
});

describe("in a loop body, the flow is the loop variable (as TF's while_loop carries it)", () => {
  it("reads an unstacked input and writes an output at each iteration", () => {
    const xs = tf.placeholder(tf.float32, [null, 2]);
    const steps = tf.shape(xs, { outType: tf.int32 });
    const input = new tf.TensorArray(tf.float32, { size: sliceFirst(steps) }).unstack(xs);
    const output = new tf.TensorArray(tf.float32, { size: sliceFirst(steps) });
    const [, written] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, sliceFirst(steps)),
      (i: tf.Tensor, ta: tf.TensorArray, acc: tf.Tensor) => {
        const sum = tf.add(acc, input.read(i));
        return [tf.add(i, 1), ta.write(i, tf.multiply(sum, 2)), sum];
      },
      [tf.constant(0, { dtype: tf.int32 }), output, tf.zeros([2])],
    ) as [tf.Tensor, tf.TensorArray, tf.Tensor];
    // The array leaves the loop as one: its flow is the loop's `Exit`.
    expect(written.flow.op.type).toBe("Exit");
    const stacked = written.stack();
    const feeds = new Map([
      [
        xs,
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
      ],
    ]);
    expect(run(stacked, feeds)).toEqual([
      [2, 4],
      [8, 12],
      [18, 24],
    ]);
    using sess = new tf.Session();
    sess.run(stacked, feeds);
    const before = tfc.memory().numTensors;
    for (let i = 0; i < 3; i++) sess.run(stacked, feeds);
    expect(tfc.memory().numTensors).toBe(before);
  });
});

describe("gradients through TensorArrays used in a loop body", () => {
  it("read an unstacked input, write an output carried as the flow, stack: finite differences", async () => {
    await checkGradients({
      inputs: [{ shape: [3, 2] }],
      graph: (xs) => {
        const input = new tf.TensorArray(tf.float32, { size: 3 }).unstack(xs);
        const output = new tf.TensorArray(tf.float32, { size: 3 });
        const [, written] = tf.whileLoop(
          (i: tf.Tensor) => tf.less(i, 3),
          (i: tf.Tensor, ta: tf.TensorArray, acc: tf.Tensor) => {
            const s = tf.add(acc, tf.square(input.read(i)));
            return [tf.add(i, 1), ta.write(i, tf.sin(s)), s];
          },
          [tf.constant(0, { dtype: tf.int32 }), output, tf.zeros([2])],
        ) as [tf.Tensor, tf.TensorArray, tf.Tensor];
        return written.stack();
      },
    });
  });
});

/** `t[0]`. */
function sliceFirst(t: tf.Tensor): tf.Tensor {
  return tf.stridedSlice(t, [0], [1], [1], { shrinkAxisMask: 1 });
}

describe("resources", () => {
  it("every array and value is freed when the run ends (memory flat over runs)", () => {
    const x = tf.placeholder(tf.float32, [3, 2]);
    const w = new tf.TensorArray(tf.float32, { size: 3, clearAfterRead: false }).unstack(x);
    const loss = tf.reduceSum(tf.multiply(w.read(0), w.stack()));
    const [g] = tf.gradients(loss, [x]);
    using sess = new tf.Session();
    const feeds = new Map([
      [
        x,
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
      ],
    ]);
    sess.run([loss, g as tf.Tensor], feeds);
    const before = tfc.memory().numTensors;
    for (let i = 0; i < 5; i++) sess.run([loss, g as tf.Tensor], feeds);
    expect(tfc.memory().numTensors).toBe(before);
    // A failing run frees its arrays too (the first run keeps the new index constant).
    const bad = w.read(7);
    expect(() => sess.run(bad, feeds)).toThrow("Tried to read from index 7");
    const kept = tfc.memory().numTensors;
    expect(kept).toBe(before + 1);
    expect(() => sess.run(bad, feeds)).toThrow("Tried to read from index 7");
    expect(tfc.memory().numTensors).toBe(kept);
  });

  it("an array lives for one run: each run starts from a new one", () => {
    const w = f32(1).write(0, 5);
    using sess = new tf.Session();
    expect(sess.run(w.read(0)).toArray()).toBe(5);
    expect(sess.run(w.read(0)).toArray()).toBe(5);
  });
});
