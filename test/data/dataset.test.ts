/**
 * tf.data as graph ops: datasets and iterators are ops a Session runs, with TF 1.15's op
 * types and names, element values, end-of-data errors and per-session iterator state.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { functionLibrary } from "../../src/graph/func_graph.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

/** Every element a one-run fetch of `next` gives until the end, as nested JS values. */
function drain(sess: tf.Session, next: unknown, limit = 1000): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < limit; i++) {
    try {
      out.push(toJs(sess.run(next as tf.Tensor)));
    } catch (e) {
      expect(e).toBeInstanceOf(tf.errors.OutOfRangeError);
      return out;
    }
  }
  throw new Error("the iterator did not end");
}

function toJs(v: unknown): unknown {
  if (v instanceof tf.NDArray) {
    const a = v.toArray();
    return typeof a === "bigint" ? Number(a) : bigintsToNumbers(a);
  }
  if (Array.isArray(v)) return v.map(toJs);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJs(x)]));
  }
  return v;
}

function bigintsToNumbers(a: unknown): unknown {
  if (Array.isArray(a)) return a.map(bigintsToNumbers);
  return typeof a === "bigint" ? Number(a) : a;
}

function opTypes(): string[] {
  return tf
    .getDefaultGraph()
    .getOperations()
    .map((o) => `${o.name}:${o.type}`);
}

describe("sources", () => {
  it("fromTensorSlices gives one row per run, named as TensorFlow names its ops", () => {
    const ds = tf.data.Dataset.fromTensorSlices([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(ds.outputTypes).toBe("float32");
    expect(ds.outputShapes.toString()).toBe("(2,)");
    expect(ds.outputClasses).toBe(tf.Tensor);
    expect(ds.variantTensor.dtype).toBe("variant");
    expect(ds.variantTensor.toString()).toBe(
      'Tensor("TensorSliceDataset:0", shape=(), dtype=variant)',
    );
    const it = ds.makeOneShotIterator();
    expect(it.iteratorResource.dtype).toBe("resource");
    // The factory applies TF 1.15's default options in a function of the library.
    const factory = it.iteratorResource.op.attrs.dataset_factory as string;
    expect(factory).toMatch(/^_make_dataset_\d+$/);
    const body = functionLibrary(tf.getDefaultGraph()).get(factory) as tf.Graph;
    expect(body.getOperations().map((o) => `${o.name}:${o.type}`)).toEqual([
      "optimizations:Const",
      "TensorSliceDataset:Placeholder",
      "OptimizeDataset:OptimizeDataset",
      "ModelDataset:ModelDataset",
    ]);
    const next = it.getNext() as tf.Tensor;
    expect(next.name).toBe("IteratorGetNext:0");
    expect(next.shape.toString()).toBe("(2,)");
    expect(opTypes()).toEqual([
      "normalize_element/component_0:Const",
      "TensorSliceDataset:TensorSliceDataset",
      "OneShotIterator:OneShotIterator",
      "IteratorGetNext:IteratorGetNext",
    ]);
    using sess = new tf.Session();
    expect(drain(sess, next)).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  it("tuples and dicts are element structures; dict components are ordered by key", () => {
    const labels = tf.constant([0, 1, 2], { dtype: tf.int32 });
    const ds = tf.data.Dataset.fromTensorSlices({ y: labels, x: [[1], [2], [3]] });
    expect(ds.outputTypes).toEqual({ x: "float32", y: "int32" });
    const n = ds.variantTensor.op.inputs.map((t) => t.name);
    expect(n).toEqual(["normalize_element/component_0:0", "Const:0"]);
    const tuple = tf.data.Dataset.fromTensorSlices([labels, tf.constant([[1], [2], [3]])]);
    expect(tuple.outputTypes).toEqual(["int32", "float32"]);
    expect((tuple.outputShapes as tf.TensorShape[]).map(String)).toEqual(["()", "(1,)"]);
    const next = tuple.makeOneShotIterator().getNext() as tf.Tensor[];
    using sess = new tf.Session();
    expect(drain(sess, next)).toEqual([
      [0, [1]],
      [1, [2]],
      [2, [3]],
    ]);
    const dictNext = ds.makeOneShotIterator().getNext() as { x: tf.Tensor; y: tf.Tensor };
    expect(Object.keys(dictNext).sort()).toEqual(["x", "y"]);
    expect(toJs(sess.run(dictNext))).toEqual({ x: [1], y: 0 });
  });

  it("refuses slices of different lengths, leaving the graph unchanged", () => {
    const three = tf.constant([1, 2, 3]);
    const two = tf.constant([1, 2]);
    const scalar = tf.constant(1);
    expectThrowsAndUnchanged(
      () => tf.data.Dataset.fromTensorSlices([three, two]),
      tf.errors.ValueError,
      "Dimensions 3 and 2 are not compatible",
    );
    expectThrowsAndUnchanged(
      () => tf.data.Dataset.fromTensorSlices(scalar),
      tf.errors.ValueError,
      "Unbatching a tensor is only supported for rank >= 1",
    );
  });

  it("slices and batches strings", () => {
    const ds = tf.data.Dataset.fromTensorSlices(["a", "bb", "ccc"]);
    expect(ds.outputTypes).toBe("string");
    using sess = new tf.Session();
    expect(drain(sess, ds.makeOneShotIterator().getNext())).toEqual(["a", "bb", "ccc"]);
    expect(drain(sess, ds.batch(2).makeOneShotIterator().getNext())).toEqual([
      ["a", "bb"],
      ["ccc"],
    ]);
  });

  it("fromTensors is one element", () => {
    const ds = tf.data.Dataset.fromTensors([[1, 2]]);
    expect(ds.variantTensor.op.type).toBe("TensorDataset");
    expect(ds.outputShapes.toString()).toBe("(1, 2)");
    const next = ds.repeat(2).makeOneShotIterator().getNext();
    using sess = new tf.Session();
    expect(drain(sess, next)).toEqual([[[1, 2]], [[1, 2]]]);
  });

  it("range counts in int64 like Python's range", () => {
    const ds = tf.data.Dataset.range(2, 9, 3);
    expect(ds.outputTypes).toBe("int64");
    expect(opTypes()).toEqual([
      "start:Const",
      "stop:Const",
      "step:Const",
      "RangeDataset:RangeDataset",
    ]);
    using sess = new tf.Session();
    expect(drain(sess, ds.makeOneShotIterator().getNext())).toEqual([2, 5, 8]);
    expect(drain(sess, tf.data.Dataset.range(3).makeOneShotIterator().getNext())).toEqual([
      0, 1, 2,
    ]);
    expect(drain(sess, tf.data.Dataset.range(3, 0, -1).makeOneShotIterator().getNext())).toEqual([
      3, 2, 1,
    ]);
  });
});

describe("map traces its function once into a function of the graph's library", () => {
  it("computes per element; the body's ops stay out of the outer graph", () => {
    let calls = 0;
    const ds = tf.data.Dataset.range(4).map(function double(x) {
      calls++;
      return tf.multiply(tf.cast(x, tf.float32), 2, { name: "twice" });
    });
    expect(calls).toBe(1);
    expect(ds.outputTypes).toBe("float32");
    const op = ds.variantTensor.op;
    expect(op.type).toBe("MapDataset");
    const f = op.attrs.f as string;
    expect(f).toMatch(/^__inference_Dataset_map_double_\d+$/);
    const body = functionLibrary(tf.getDefaultGraph()).get(f) as tf.Graph;
    expect(body.getOperations().map((o) => o.name)).toEqual(["args_0", "Cast", "twice/y", "twice"]);
    expect(opTypes().some((n) => n.includes("twice"))).toBe(false);
    using sess = new tf.Session();
    expect(drain(sess, ds.makeOneShotIterator().getNext())).toEqual([0, 2, 4, 6]);
  });

  it("passes a tuple's components as arguments and returns structures", () => {
    const ds = tf.data.Dataset.fromTensorSlices([tf.constant([1, 2]), tf.constant([10, 20])]).map(
      (a, b) => ({ sum: tf.add(a as tf.Tensor, b as tf.Tensor), a }),
    );
    expect(ds.outputTypes).toEqual({ a: "float32", sum: "float32" });
    using sess = new tf.Session();
    expect(drain(sess, ds.makeOneShotIterator().getNext())).toEqual([
      { a: 1, sum: 11 },
      { a: 2, sum: 22 },
    ]);
  });

  it("a returned array is a tuple, as TF makes a returned list one", () => {
    const ds = tf.data.Dataset.range(2).map((x) => [x, 7, [1, 2]]);
    expect(ds.outputTypes).toEqual(["int64", "float32", "float32"]);
    expect((ds.outputShapes as tf.TensorShape[]).map(String)).toEqual(["()", "()", "(2,)"]);
    using sess = new tf.Session();
    expect(drain(sess, ds.makeOneShotIterator().getNext())).toEqual([
      [0, 7, [1, 2]],
      [1, 7, [1, 2]],
    ]);
  });

  it("captures outer tensors as inputs of the dataset op, read when it runs", () => {
    const scale = tf.placeholder(tf.float32, [], { name: "scale" });
    const ds = tf.data.Dataset.fromTensorSlices([1, 2, 3]).map((x) => tf.multiply(x, scale), 2);
    const op = ds.variantTensor.op;
    expect(op.type).toBe("ParallelMapDataset");
    expect(op.inputs.map((t) => t.name)).toEqual([
      "TensorSliceDataset:0",
      "scale:0",
      "num_parallel_calls:0",
    ]);
    expect(op.attrs.Targuments).toEqual(["float32"]);
    const it = ds.makeInitializableIterator();
    const next = it.getNext();
    using sess = new tf.Session();
    sess.run(it.initializer, new Map([[scale, 10]]));
    expect(drain(sess, next)).toEqual([10, 20, 30]);
    sess.run(it.initializer, new Map([[scale, -1]]));
    expect(drain(sess, next)).toEqual([-1, -2, -3]);
  });

  it("captures a variable's value when the dataset op runs", () => {
    const v = tf.getVariable("v", [], { initializer: tf.constantInitializer(3) });
    const ds = tf.data.Dataset.fromTensorSlices([1, 2]).map((x) => tf.add(x, v));
    const it = ds.makeInitializableIterator();
    const next = it.getNext();
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run(it.initializer);
    expect(drain(sess, next)).toEqual([4, 5]);
  });

  it("random ops in the function draw per element, repeatably with a graph seed", () => {
    tf.setRandomSeed(1);
    const next = tf.data.Dataset.range(3)
      .map((x) => tf.add(tf.cast(x, tf.float32), tf.randomUniform([])))
      .makeOneShotIterator()
      .getNext();
    const run = (): number[] => {
      using sess = new tf.Session();
      return drain(sess, next) as number[];
    };
    const first = run();
    first.forEach((v, i) => {
      expect(v).toBeGreaterThanOrEqual(i);
      expect(v).toBeLessThan(i + 1);
    });
    expect(new Set(first.map((v, i) => v - i)).size).toBe(3);
    expect(run()).toEqual(first);
  });

  it("refuses variables made inside the function", () => {
    const ds = tf.data.Dataset.range(3);
    expectThrowsAndUnchanged(
      () => ds.map((x) => tf.add(tf.cast(x, tf.float32), tf.getVariable("w", []))),
      tf.errors.ValueError,
      /^Creating variables inside a function \(__inference_Dataset_map_lambda_\d+\) is not supported/,
    );
  });

  it("a failing function leaves the graph and its library as they were", () => {
    const ds = tf.data.Dataset.range(3);
    const before = functionLibrary(tf.getDefaultGraph()).size;
    expectThrowsAndUnchanged(
      () =>
        ds.map(() => {
          throw new tf.errors.ValueError("bad map");
        }),
      tf.errors.ValueError,
      "bad map",
    );
    expect(functionLibrary(tf.getDefaultGraph()).size).toBe(before);
  });
});

describe("transformations", () => {
  it("batch: [?, ...] shapes, a smaller last batch, exact shapes with dropRemainder", () => {
    const base = tf.data.Dataset.fromTensorSlices([[1], [2], [3], [4], [5]]);
    const ds = base.batch(2);
    expect(ds.outputShapes.toString()).toBe("(?, 1)");
    expect(ds.variantTensor.op.type).toBe("BatchDatasetV2");
    expect(ds.variantTensor.op.inputs.map((t) => t.name)).toEqual([
      "TensorSliceDataset:0",
      "batch_size:0",
      "drop_remainder:0",
    ]);
    using sess = new tf.Session();
    expect(drain(sess, ds.makeOneShotIterator().getNext())).toEqual([
      [[1], [2]],
      [[3], [4]],
      [[5]],
    ]);
    const exact = base.batch(2, true);
    expect(exact.outputShapes.toString()).toBe("(2, 1)");
    expect(drain(sess, exact.makeOneShotIterator().getNext())).toEqual([
      [[1], [2]],
      [[3], [4]],
    ]);
  });

  it("batch refuses elements of different shapes at run time", () => {
    const ds = tf.data.Dataset.range(1, 3)
      .map((n) => tf.fill(tf.expandDims(n, 0), 1))
      .batch(2);
    const next = ds.makeOneShotIterator().getNext();
    using sess = new tf.Session();
    expect(() => sess.run(next as tf.Tensor)).toThrow(
      "Cannot batch tensors with different shapes in component 0. First element had shape [1] and element 1 had shape [2].",
    );
  });

  it("paddedBatch pads to the longest element or to the given shape", () => {
    const ds = tf.data.Dataset.range(1, 4).map((n) => tf.fill(tf.expandDims(n, 0), n));
    using sess = new tf.Session();
    expect(drain(sess, ds.paddedBatch(2, [-1]).makeOneShotIterator().getNext())).toEqual([
      [
        [1, 0],
        [2, 2],
      ],
      [[3, 3, 3]],
    ]);
    const fixed = ds.paddedBatch(3, [4], -1);
    expect(fixed.outputShapes.toString()).toBe("(?, 4)");
    expect(drain(sess, fixed.makeOneShotIterator().getNext())).toEqual([
      [
        [1, -1, -1, -1],
        [2, 2, -1, -1],
        [3, 3, 3, -1],
      ],
    ]);
  });

  it("repeat, take, skip, prefetch, concatenate, zip, filter", () => {
    const r = tf.data.Dataset.range;
    using sess = new tf.Session();
    const all = (ds: tf.data.Dataset): unknown[] => drain(sess, ds.makeOneShotIterator().getNext());
    expect(all(r(3).repeat(2))).toEqual([0, 1, 2, 0, 1, 2]);
    expect(all(r(3).repeat().take(7))).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(all(r(0).repeat())).toEqual([]);
    expect(all(r(10).skip(7))).toEqual([7, 8, 9]);
    expect(all(r(10).take(-1).skip(-1))).toEqual([]);
    expect(all(r(3).prefetch(tf.data.experimental.AUTOTUNE))).toEqual([0, 1, 2]);
    expect(all(r(2).concatenate(r(5, 7)))).toEqual([0, 1, 5, 6]);
    expect(all(tf.data.Dataset.zip({ a: r(3), b: r(10, 12) }))).toEqual([
      { a: 0, b: 10 },
      { a: 1, b: 11 },
    ]);
    expect(all(r(7).filter((x) => tf.equal(tf.floormod(x, 3), 0)))).toEqual([0, 3, 6]);
    expect(() => r(3).concatenate(tf.data.Dataset.fromTensorSlices([1]))).toThrow(
      "Two datasets to concatenate have different types tf.int64 and tf.float32",
    );
    expect(() => r(3).filter((x) => x)).toThrow(
      "`predicate` return type must be convertible to a scalar boolean tensor. Was tf.int64.",
    );
  });
});

describe("cache, shard, apply", () => {
  it("cache replays the first complete pass; a pass left unfinished caches nothing", () => {
    tf.setRandomSeed(5);
    const noisy = tf.data.Dataset.range(3).map((x) =>
      tf.add(tf.cast(x, tf.float32), tf.randomUniform([])),
    );
    const cached = noisy.cache();
    expect(cached.variantTensor.op.type).toBe("CacheDataset");
    expect(cached.variantTensor.op.inputs[1]?.name).toBe("filename:0");
    using sess = new tf.Session();
    const epochs = drain(sess, cached.repeat(3).batch(3).makeOneShotIterator().getNext());
    expect(epochs[1]).toEqual(epochs[0]);
    expect(epochs[2]).toEqual(epochs[0]);
    const uncached = drain(sess, noisy.repeat(2).batch(3).makeOneShotIterator().getNext());
    expect(uncached[1]).not.toEqual(uncached[0]);
    // take(2) ends each pass early: nothing is cached, so each pass computes anew.
    const partial = drain(
      sess,
      noisy.cache().take(2).repeat(2).batch(2).makeOneShotIterator().getNext(),
    );
    expect(partial.length).toBe(2);
    expect(partial[1]).not.toEqual(partial[0]);
  });

  it("cache frees what it kept when the session closes", () => {
    const next = tf.data.Dataset.range(5).cache().repeat().makeOneShotIterator().getNext();
    const start = tfc.memory().numTensors;
    const sess = new tf.Session();
    for (let i = 0; i < 12; i++) sess.run(next as tf.Tensor);
    sess.close();
    expect(tfc.memory().numTensors).toBe(start);
    const withFile = tf.data.Dataset.range(2).cache("/tmp/x").makeOneShotIterator().getNext();
    using s2 = new tf.Session();
    expect(() => s2.run(withFile as tf.Tensor)).toThrow(tf.errors.UnimplementedError);
  });

  it("shard takes every n-th element; apply calls the transformation", () => {
    using sess = new tf.Session();
    const all = (ds: tf.data.Dataset): unknown[] => drain(sess, ds.makeOneShotIterator().getNext());
    expect(all(tf.data.Dataset.range(10).shard(3, 0))).toEqual([0, 3, 6, 9]);
    expect(all(tf.data.Dataset.range(10).shard(3, 2))).toEqual([2, 5, 8]);
    expect(() => tf.data.Dataset.range(10).shard(3, 3)).toThrow(
      "index must be >= 0 and < num_shards",
    );
    expect(all(tf.data.Dataset.range(2).apply((ds) => ds.repeat(2)))).toEqual([0, 1, 0, 1]);
    expect(() => tf.data.Dataset.range(2).apply((() => 3) as never)).toThrow(
      "`transformation_func` must return a Dataset.",
    );
  });
});

describe("shuffle", () => {
  function epochs(seeded: { graph?: number; op?: number }, reshuffle?: boolean): number[][] {
    const g = new tf.Graph();
    return g.asDefault(() => {
      if (seeded.graph !== undefined) tf.setRandomSeed(seeded.graph);
      const ds = tf.data.Dataset.range(20).shuffle(5, seeded.op, reshuffle).repeat(2).batch(20);
      const next = ds.makeOneShotIterator().getNext();
      using sess = new tf.Session();
      return drain(sess, next) as number[][];
    });
  }

  it("is a permutation, repeatable in every session with a graph or op seed", () => {
    const a = epochs({ graph: 1 });
    expect(a.length).toBe(2);
    for (const e of a) expect([...e].sort((x, y) => x - y)).toEqual([...Array(20).keys()]);
    expect(a[0]).not.toEqual([...Array(20).keys()]);
    expect(epochs({ graph: 1 })).toEqual(a);
    expect(epochs({ op: 5 })).toEqual(epochs({ op: 5 }));
    expect(epochs({ graph: 2 })).not.toEqual(a);
    // Each epoch gets its own order, unless told to keep one.
    expect(a[1]).not.toEqual(a[0]);
    const same = epochs({ graph: 1 }, false);
    expect(same[1]).toEqual(same[0]);
  });

  it("builds TensorFlow's inputs; a small buffer keeps elements near their place", () => {
    tf.setRandomSeed(3);
    const ds = tf.data.Dataset.range(50).shuffle(2);
    expect(ds.variantTensor.op.inputs.map((t) => t.name)).toEqual([
      "RangeDataset:0",
      "buffer_size:0",
      "seed:0",
      "seed2:0",
    ]);
    expect(ds.variantTensor.op.attrs.reshuffle_each_iteration).toBe(true);
    using sess = new tf.Session();
    const order = drain(sess, ds.makeOneShotIterator().getNext()) as number[];
    // With a buffer of two, element i comes out at position i - 1 at the earliest.
    order.forEach((v, i) => expect(v).toBeLessThanOrEqual(i + 1));
  });
});

describe("iterators", () => {
  it("ends with OutOfRangeError 'End of sequence', and stays at the end", () => {
    const next = tf.data.Dataset.range(1).makeOneShotIterator().getNext() as tf.Tensor;
    using sess = new tf.Session();
    expect(Number(sess.run(next).item())).toBe(0);
    for (let i = 0; i < 2; i++) {
      try {
        sess.run(next);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(tf.errors.OutOfRangeError);
        expect((e as Error).message).toBe("End of sequence\n\t [[{{node IteratorGetNext}}]]");
      }
    }
  });

  it("keeps its state per session", () => {
    const next = tf.data.Dataset.range(3).makeOneShotIterator().getNext() as tf.Tensor;
    using a = new tf.Session();
    using b = new tf.Session();
    expect(Number(a.run(next).item())).toBe(0);
    expect(Number(a.run(next).item())).toBe(1);
    expect(Number(b.run(next).item())).toBe(0);
    expect(Number(a.run(next).item())).toBe(2);
  });

  it("initializable iterators start over at each run of their initializer, with new feeds", () => {
    const features = tf.placeholder(tf.float32, [null, 2], { name: "features" });
    const labels = tf.placeholder(tf.int32, [null], { name: "labels" });
    const ds = tf.data.Dataset.fromTensorSlices([features, labels]).batch(2);
    const it = ds.makeInitializableIterator();
    expect(it.initializer.type).toBe("MakeIterator");
    expect(it.initializer.name).toBe("MakeIterator");
    expect(opTypes().slice(-5)).toEqual([
      "optimizations:Const",
      "OptimizeDataset:OptimizeDataset",
      "ModelDataset:ModelDataset",
      "IteratorV2:IteratorV2",
      "MakeIterator:MakeIterator",
    ]);
    expect(it.initializer.inputs.map((t) => t.name)).toEqual(["ModelDataset:0", "IteratorV2:0"]);
    expect(it.iteratorResource.op.type).toBe("IteratorV2");
    expect(it.iteratorResource.op.attrs.shared_name).toBe("");
    const [x, y] = it.getNext() as [tf.Tensor, tf.Tensor];
    expect(x.shape.toString()).toBe("(?, 2)");
    using sess = new tf.Session();
    expect(() => sess.run(x)).toThrow(tf.errors.FailedPreconditionError);
    expect(() => sess.run(x)).toThrow(
      "GetNext() failed because the iterator has not been initialized.",
    );
    const feed = (n: number) =>
      new Map<tf.Tensor, unknown>([
        [features, Array.from({ length: n }, (_, i) => [i, -i])],
        [labels, Array.from({ length: n }, (_, i) => i)],
      ]);
    sess.run(it.initializer, feed(3));
    expect(drain(sess, [x, y])).toEqual([
      [
        [
          [0, -0],
          [1, -1],
        ],
        [0, 1],
      ],
      [[[2, -2]], [2]],
    ]);
    sess.run(it.initializer, feed(1));
    expect(drain(sess, y)).toEqual([[0]]);
    expect(() => tf.data.Dataset.range(3).makeOneShotIterator().initializer).toThrow(
      "Iterator does not have an initializer.",
    );
  });

  it("fromStructure iterators switch between datasets of one structure", () => {
    const it = tf.data.Iterator.fromStructure(tf.int64, []);
    const next = it.getNext() as tf.Tensor;
    const train = it.makeInitializer(tf.data.Dataset.range(3));
    const valid = it.makeInitializer(tf.data.Dataset.range(10, 12));
    expect(train.name).toBe("make_initializer");
    expect(valid.name).toBe("make_initializer_1");
    using sess = new tf.Session();
    sess.run(train);
    expect(Number(sess.run(next).item())).toBe(0);
    sess.run(valid);
    expect(drain(sess, next)).toEqual([10, 11]);
    sess.run(train);
    expect(drain(sess, next)).toEqual([0, 1, 2]);
    expect(() => it.makeInitializer(tf.data.Dataset.fromTensorSlices([1.5]))).toThrow(
      "Expected output types tf.int64 but got dataset with output types tf.float32.",
    );
    expect(() => it.makeInitializer(tf.data.Dataset.range(3).batch(2))).toThrow(
      "Expected output shapes compatible with () but got dataset with output shapes (?,).",
    );
  });

  it("feedable iterators read the iterator whose string handle is fed", () => {
    const handle = tf.placeholder(tf.string, [], { name: "handle" });
    const train = tf.data.Dataset.range(100).repeat().makeOneShotIterator();
    const validDs = tf.data.Dataset.range(50, 52);
    const valid = validDs.makeInitializableIterator();
    const feedable = tf.data.Iterator.fromStringHandle(
      handle,
      validDs.outputTypes,
      validDs.outputShapes,
    );
    expect(feedable.iteratorResource.op.type).toBe("IteratorFromStringHandleV2");
    expect(feedable.iteratorResource.op.inputs[0]).toBe(handle);
    const next = feedable.getNext() as tf.Tensor;
    const trainHandle = train.stringHandle();
    expect(trainHandle.op.type).toBe("IteratorToStringHandle");
    expect(trainHandle.dtype).toBe("string");
    using sess = new tf.Session();
    const [t, v] = sess.run([trainHandle, valid.stringHandle()]);
    const on = (h: tf.NDArray) => new Map([[handle, h]]);
    expect(Number(sess.run(next, on(t)).item())).toBe(0);
    expect(Number(sess.run(next, on(t)).item())).toBe(1);
    sess.run(valid.initializer);
    expect(Number(sess.run(next, on(v)).item())).toBe(50);
    expect(Number(sess.run(next, on(t)).item())).toBe(2);
    expect(Number(sess.run(next, on(v)).item())).toBe(51);
    expect(() => sess.run(next, on(v))).toThrow(tf.errors.OutOfRangeError);
    expect(() => sess.run(next, new Map([[handle, "nonsense"]]))).toThrow(
      "Could not parse string handle as a valid iterator handle: 'nonsense'",
    );
    const floats = tf.data.Dataset.fromTensorSlices([1.5]).makeOneShotIterator();
    const f = sess.run(floats.stringHandle());
    expect(() => sess.run(next, on(f))).toThrow(tf.errors.InvalidArgumentError);
  });

  it("a one-shot iterator refuses datasets that read placeholders", () => {
    const n = tf.placeholder(tf.int64, [], { name: "n" });
    const ds = tf.data.Dataset.range(n);
    expectThrowsAndUnchanged(
      () => ds.makeOneShotIterator(),
      tf.errors.ValueError,
      "Cannot capture a placeholder (name:n, type:Placeholder) by value.",
    );
  });

  it("frees what the iterators hold when the session closes", () => {
    const ds = tf.data.Dataset.fromTensorSlices([[1, 2, 3, 4, 5, 6]])
      .repeat()
      .map((x) => tf.multiply(x, 2))
      .shuffle(10, 1)
      .batch(3);
    const it = ds.makeInitializableIterator();
    const next = it.getNext() as tf.Tensor;
    const one = tf.data.Dataset.range(5).shuffle(3, 2).makeOneShotIterator().getNext() as tf.Tensor;
    const start = tfc.memory().numTensors;
    const sess = new tf.Session();
    sess.run(it.initializer);
    for (let i = 0; i < 4; i++) sess.run([next, one]);
    sess.run(it.initializer);
    sess.run(next);
    expect(tfc.memory().numTensors).toBeGreaterThan(start);
    sess.close();
    expect(tfc.memory().numTensors).toBe(start);
  });

  it("holds no more tensors from one run to the next", () => {
    const ds = tf.data.Dataset.range(1000)
      .map((x) => [tf.cast(x, tf.float32), tf.fill([3], x)])
      .filter((a) => tf.greater(a as tf.Tensor, -1))
      .shuffle(8, 4)
      .paddedBatch(4, [[], [-1]])
      .repeat();
    const it = ds.makeInitializableIterator();
    const next = it.getNext() as tf.Tensor[];
    const one = tf.data.Dataset.zip([tf.data.Dataset.range(1000), tf.data.Dataset.range(1000)])
      .batch(3)
      .makeOneShotIterator()
      .getNext() as tf.Tensor[];
    using sess = new tf.Session();
    sess.run(it.initializer);
    sess.run([next, one]);
    const held = tfc.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      sess.run([next, one]);
      expect(tfc.memory().numTensors).toBe(held);
    }
  });

  it("feeds a training loop", () => {
    // y = 3x - 1 on 16 points, learned by SGD from mini-batches of a shuffled dataset.
    const xs = Array.from({ length: 16 }, (_, i) => i / 8 - 1);
    const ys = xs.map((x) => 3 * x - 1);
    tf.setRandomSeed(0);
    // A JS array of number arrays is one tensor; tensors in an array make a tuple.
    const ds = tf.data.Dataset.fromTensorSlices([tf.constant(xs), tf.constant(ys)])
      .shuffle(16)
      .repeat()
      .batch(4);
    const [x, y] = ds.makeOneShotIterator().getNext() as [tf.Tensor, tf.Tensor];
    const w = tf.getVariable("w", [], { initializer: tf.zerosInitializer() });
    const b = tf.getVariable("b", [], { initializer: tf.zerosInitializer() });
    const loss = tf.reduceMean(tf.square(tf.subtract(tf.add(tf.multiply(x, w), b), y)));
    const train = new tf.train.GradientDescentOptimizer(0.3).minimize(loss);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const first = Number(sess.run(loss).item());
    for (let i = 0; i < 300; i++) sess.run(train);
    const [wv, bv] = sess.run([w, b]).map((v) => Number(v.item()));
    expect(wv).toBeCloseTo(3, 3);
    expect(bv).toBeCloseTo(-1, 3);
    expect(Number(sess.run(loss).item())).toBeLessThan(first / 1000);
  });
});
