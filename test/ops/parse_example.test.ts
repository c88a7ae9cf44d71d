/**
 * `tf.io.parseExample` and the `ParseExample` op as TF 1.15 builds and runs them: the
 * graph TF's `_parse_example_raw` builds (defaults as `key_<name>` + `Reshape`, an empty
 * `Const` for a required feature, the op under `ParseExample/ParseExample`), dense and
 * sparse outputs, and TF's errors naming the key and the example.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { ValueError } from "../../src/errors.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

type Features = Readonly<
  Record<string, { floatList: number[] } | { int64List: number[] } | { bytesList: string[] }>
>;
const ex = (features: Features): Uint8Array =>
  tf.train.Example.toBinary(tf.train.Example.fromFeatures(features));
/** Serialized protos as a string feed (their bytes are not UTF-8). */
const bytesFeed = (items: Uint8Array[]): tf.NDArray =>
  tf.NDArray.fromTypedArray(items, [items.length], "string");

describe("tf.io.parseExample", () => {
  it("builds the graph TF 1.15 builds (as in TF Serving's half_plus_two)", () => {
    const tfExample = tf.placeholder(tf.string, null, "tf_example");
    const parsed = tf.io.parseExample(tfExample, {
      x: tf.io.FixedLenFeature([1], tf.float32),
      x2: tf.io.FixedLenFeature([1], tf.float32, [0]),
    });
    const g = tf.getDefaultGraph();
    expect(g.getOperations().map((o) => `${o.name}:${o.type}`)).toEqual([
      "tf_example:Placeholder",
      "ParseExample/Const:Const",
      "ParseExample/key_x2:Const",
      "ParseExample/Reshape/shape:Const",
      "ParseExample/Reshape:Reshape",
      "ParseExample/ParseExample/names:Const",
      "ParseExample/ParseExample/dense_keys_0:Const",
      "ParseExample/ParseExample/dense_keys_1:Const",
      "ParseExample/ParseExample:ParseExample",
    ]);
    const op = g.getOperationByName("ParseExample/ParseExample");
    expect(op.inputs.map((t) => t.name)).toEqual([
      "tf_example:0",
      "ParseExample/ParseExample/names:0",
      "ParseExample/ParseExample/dense_keys_0:0",
      "ParseExample/ParseExample/dense_keys_1:0",
      "ParseExample/Const:0",
      "ParseExample/Reshape:0",
    ]);
    expect(op.attrs).toMatchObject({ Nsparse: 0, Ndense: 2, sparse_types: [] });
    expect((parsed.x as tf.Tensor).name).toBe("ParseExample/ParseExample:0");
    expect((parsed.x2 as tf.Tensor).shape.toString()).toBe("(?, 1)");
    const graphDef = g.asGraphDef();
    const node = graphDef.node.find((n) => n.name === "ParseExample/ParseExample");
    expect(node?.attr?.dense_shapes?.list?.shape?.length).toBe(2);
  });

  it("parses dense features, filling defaults, and sparse features as a SparseTensor", () => {
    const serialized = tf.placeholder(tf.string, [null]);
    const parsed = tf.io.parseExample(serialized, {
      age: tf.io.FixedLenFeature([], tf.int64, -1),
      xy: tf.io.FixedLenFeature([2], tf.float32),
      word: tf.io.FixedLenFeature([1], tf.string, ["none"]),
      tags: tf.io.VarLenFeature(tf.string),
      ids: tf.io.VarLenFeature(tf.int64),
    });
    const batch = [
      ex({ age: { int64List: [30] }, xy: { floatList: [1, 2] }, tags: { bytesList: ["a", "b"] } }),
      ex({ xy: { floatList: [3, 4] }, word: { bytesList: ["hi"] }, ids: { int64List: [7, 8, 9] } }),
    ];
    const ids = parsed.ids as tf.SparseTensor;
    const tags = parsed.tags as tf.SparseTensor;
    expect(ids.dtype).toBe("int64");
    using sess = new tf.Session();
    const [age, xy, word, tagIx, tagValues, tagShape, idIx, idValues, idShape] = sess.run(
      [
        parsed.age as tf.Tensor,
        parsed.xy as tf.Tensor,
        parsed.word as tf.Tensor,
        tags.indices,
        tags.values,
        tags.denseShape,
        ids.indices,
        ids.values,
        ids.denseShape,
      ],
      new Map([[serialized, bytesFeed(batch)]]),
    ) as tf.NDArray[];
    expect(age?.toArray()).toEqual([30, -1]);
    expect(xy?.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(word?.toArray()).toEqual([["none"], ["hi"]]);
    expect(tagIx?.toArray()).toEqual([
      [0, 0],
      [0, 1],
    ]);
    expect(tagValues?.toArray()).toEqual(["a", "b"]);
    expect(tagShape?.toArray()).toEqual([2, 2]);
    expect(idIx?.toArray()).toEqual([
      [1, 0],
      [1, 1],
      [1, 2],
    ]);
    expect(idValues?.toArray()).toEqual([7, 8, 9]);
    expect(idShape?.toArray()).toEqual([2, 3]);
  });

  it("TF's errors: a missing required feature, a wrong length, a wrong type, bad bytes", () => {
    const serialized = tf.placeholder(tf.string, [null]);
    const names = tf.placeholder(tf.string, [null]);
    const parsed = tf.io.parseExample(
      serialized,
      { x: tf.io.FixedLenFeature([2], tf.float32) },
      "p",
      names,
    );
    const x = parsed.x as tf.Tensor;
    expect(x.name).toBe("p/p:0");
    using sess = new tf.Session();
    const run = (batch: Uint8Array[], exampleNames: string[] = []) =>
      sess.run(
        x,
        new Map<tf.Tensor, unknown>([
          [serialized, bytesFeed(batch)],
          [names, exampleNames],
        ]),
      );
    expect(() => run([ex({ x: { floatList: [1, 2] } }), ex({ y: { floatList: [1] } })])).toThrow(
      "Name: <unknown>, Feature: x is required but could not be found.\n\t [[{{node p/p}}]]",
    );
    expect(() => run([ex({ x: { floatList: [1, 2, 3] } })], ["first"])).toThrow(
      "Name: first, Key: x, Index: 0.  Number of float values != expected.  Values size: 3 but output shape: [2]",
    );
    expect(() => run([ex({ x: { int64List: [1, 2] } })])).toThrow(
      "Name: <unknown>, Feature: x.  Data types don't match. Data type: int64 but expected type: float",
    );
    expect(() => run([new Uint8Array([0xff, 0xff])])).toThrow(
      "Could not parse example input, value: ",
    );
    expect(() => run([ex({ x: { floatList: [1, 2] } })], ["a", "b"])).toThrow(
      "Expected len(names) == len(serialized), but got: 2 vs. 1",
    );
  });

  it("refuses bad features while building, leaving the graph unchanged", () => {
    const serialized = tf.placeholder(tf.string, [null]);
    expectThrowsAndUnchanged(
      () => tf.io.parseExample(serialized, {}),
      tf.errors.ValueError,
      "Missing: features was {}.",
    );
    expectThrowsAndUnchanged(
      () => tf.io.parseExample(serialized, { x: tf.io.FixedLenFeature([2, null], tf.float32) }),
      tf.errors.ValueError,
      "All dimensions of shape for feature x need to be known but received (2, ?).",
    );
    expectThrowsAndUnchanged(
      () =>
        tf.io.parseExample(serialized, { x: tf.io.FixedLenFeature([2], tf.float32, [1, 2, 3]) }),
      tf.errors.ValueError,
      /Cannot reshape a tensor with 3 elements to shape \[2\]/,
    );
    expect(() => tf.io.VarLenFeature(tf.bool)).toThrow(
      "VarLenFeature: dtype must be one of float32, int64 or string, got bool",
    );
  });
});

describe("tf.io.FixedLenSequenceFeature in parseExample (TF's parsing_ops_test cases)", () => {
  // testSerializedContainingVarLenDense: four Examples with 0, 2, 4 and 0 values of `a`.
  const examples = [
    ex({ c: { int64List: [2] } }),
    ex({ a: { floatList: [1, 1] }, b: { bytesList: ["b0_str", "b1_str"] } }),
    ex({ a: { floatList: [-1, -1, 2, 2] }, b: { bytesList: ["b1"] } }),
    ex({ a: { floatList: [] }, c: { int64List: [3] } }),
  ];
  const names = ["in1", "in2", "in3", "in4"];

  function parse(features: Readonly<Record<string, tf.io.FeatureSpec>>) {
    const serialized = tf.placeholder(tf.string, [null]);
    const parsed = tf.io.parseExample(serialized, features, "parse", tf.constant(names));
    return { serialized, parsed };
  }

  it("pads each feature to the longest Example, with 0 or '' or the given padding", () => {
    const { serialized, parsed } = parse({
      a: tf.io.FixedLenSequenceFeature([2, 1], tf.float32, true),
      b: tf.io.FixedLenSequenceFeature([1, 1, 1], tf.string, true),
      c: tf.io.FixedLenSequenceFeature([], tf.int64, true),
      d: tf.io.FixedLenSequenceFeature([], tf.string, true),
    });
    const op = (parsed.a as tf.Tensor).op;
    expect(op.type).toBe("ParseExample");
    // `_prepend_none_dimension`: the sequence's shape with an unknown first dimension.
    expect((op.attrs.dense_shapes as tf.TensorShape[]).map(String)).toEqual([
      "(?, 2, 1)",
      "(?, 1, 1, 1)",
      "(?,)",
      "(?,)",
    ]);
    expect((parsed.a as tf.Tensor).shape.toString()).toBe("(?, ?, 2, 1)");
    // Padding defaults: a scalar 0 or "" Const each.
    expect(op.inputs.slice(6).map((t) => `${t.op.name} ${t.shape.toString()}`)).toEqual([
      "parse/Const ()",
      "parse/Const_1 ()",
      "parse/Const_2 ()",
      "parse/Const_3 ()",
    ]);
    using sess = new tf.Session();
    const feed = new Map([[serialized, bytesFeed(examples)]]);
    const [a, b, c, d] = sess.run(
      ["a", "b", "c", "d"].map((k) => parsed[k] as tf.Tensor),
      feed,
    );
    expect(a?.shape).toEqual([4, 2, 2, 1]);
    expect((a?.toArray() as number[][][][]).flat(3)).toEqual([
      0, 0, 0, 0, 1, 1, 0, 0, -1, -1, 2, 2, 0, 0, 0, 0,
    ]);
    expect(b?.shape).toEqual([4, 2, 1, 1, 1]);
    expect(String(b)).toContain("b'b0_str'");
    expect((b?.toArray() as unknown as string[][][][][]).flat(4)).toEqual([
      "",
      "",
      "b0_str",
      "b1_str",
      "b1",
      "",
      "",
      "",
    ]);
    expect(c?.toArray()).toEqual([[2], [0], [0], [3]]);
    expect(d?.shape).toEqual([4, 0]);
    // A given padding value, reshaped to a scalar (`padding_a` then `Reshape`).
    const custom = parse({ a: tf.io.FixedLenSequenceFeature([2, 1], tf.float32, true, -2) });
    const padding = (custom.parsed.a as tf.Tensor).op.inputs[3] as tf.Tensor;
    expect([padding.op.name, padding.op.inputs[0]?.op.name]).toEqual([
      "parse_1/Reshape",
      "parse_1/padding_a",
    ]);
    const e = sess.run(
      custom.parsed.a as tf.Tensor,
      new Map([[custom.serialized, bytesFeed(examples)]]),
    );
    expect((e.toArray() as number[][][][]).flat(3)).toEqual([
      -2, -2, -2, -2, 1, 1, -2, -2, -1, -1, 2, 2, -2, -2, -2, -2,
    ]);
  });

  it("a count that is not a multiple of the step size is TF's error naming example and key", () => {
    const { serialized, parsed } = parse({
      a: tf.io.FixedLenSequenceFeature([2, 1], tf.float32, true),
      b: tf.io.FixedLenSequenceFeature([2, 1, 1], tf.string, true),
    });
    using sess = new tf.Session();
    expect(() =>
      sess.run(parsed.b as tf.Tensor, new Map([[serialized, bytesFeed(examples)]])),
    ).toThrow(
      "Name: in3, Key: b, Index: 2.  Number of bytes values is not a multiple of stride length. Saw 1 values but output shape is: [?,2,1,1]",
    );
  });

  it("FixedLenFeature with an unknown first dimension is TF's ValueError; a padding of 0 values fails to reshape", () => {
    const serialized = tf.placeholder(tf.string, [null]);
    expectThrowsAndUnchanged(
      () =>
        tf.io.parseExample(serialized, {
          a: tf.io.FixedLenFeature([null, 2, 1], tf.float32),
        }),
      ValueError,
      "First dimension of shape for feature a unknown. Consider using FixedLenSequenceFeature.",
    );
    expectThrowsAndUnchanged(
      () =>
        tf.io.parseExample(serialized, {
          a: tf.io.FixedLenSequenceFeature([2, 1], tf.float32, true, []),
        }),
      ValueError,
      /^Cannot reshape a tensor with 0 elements to shape \[\] \(1 elements\) for 'ParseExample\/Reshape'/,
    );
  });
});

describe("tf.io.SparseFeature in parseExample (sparse_merge of index and value features)", () => {
  // testSerializedContainingSparseFeature: sorted, empty, missing and unsorted Examples.
  const examples = [
    ex({ val: { floatList: [3, 4] }, idx: { int64List: [5, 10] } }),
    ex({ val: { floatList: [] }, idx: { int64List: [] } }),
    ex({ val: { floatList: [] } }),
    ex({ val: { floatList: [1, 2, -1] }, idx: { int64List: [0, 9, 3] } }),
  ];

  it("gives TF's SparseTensor, sorted by SparseReorder, of dense shape [batch, size]", () => {
    const serialized = tf.placeholder(tf.string, [null]);
    const parsed = tf.io.parseExample(serialized, {
      sp: tf.io.SparseFeature(["idx"], "val", tf.float32, [13]),
    });
    expect(Object.keys(parsed)).toEqual(["sp"]);
    const sp = parsed.sp as tf.SparseTensor;
    expect(sp.values.op.type).toBe("SparseReorder");
    expect(sp.values.op.name).toBe("SparseMerge/SparseReorder");
    expect(sp.indices.op.inputs[0]?.op.name).toBe("SparseMerge/concat");
    using sess = new tf.Session();
    const feed = new Map([[serialized, bytesFeed(examples)]]);
    const [indices, values, shape] = sess.run([sp.indices, sp.values, sp.denseShape], feed);
    expect(indices.toArray()).toEqual([
      [0, 5],
      [0, 10],
      [3, 0],
      [3, 3],
      [3, 9],
    ]);
    expect(values.toArray()).toEqual([3, 4, 1, -1, 2]);
    expect(shape.toArray()).toEqual([4, 13]);
  });

  it("alreadySorted keeps the parsed order (no SparseReorder); a VarLenFeature of the same key shares it", () => {
    const serialized = tf.placeholder(tf.string, [null]);
    const parsed = tf.io.parseExample(serialized, {
      idx: tf.io.VarLenFeature(tf.int64),
      sp: tf.io.SparseFeature("idx", "val", tf.float32, 13, true),
    });
    expect(Object.keys(parsed).sort()).toEqual(["idx", "sp"]);
    const sp = parsed.sp as tf.SparseTensor;
    expect(sp.values.op.type).toBe("ParseExample");
    using sess = new tf.Session();
    const feed = new Map([[serialized, bytesFeed(examples)]]);
    expect(sess.run(sp.values, feed).toArray()).toEqual([3, 4, 1, 2, -1]);
    expect(sess.run(sp.indices, feed).toArray()).toEqual([
      [0, 5],
      [0, 10],
      [3, 0],
      [3, 9],
      [3, 3],
    ]);
  });

  it("conflicting types for a shared key are TF's ValueError", () => {
    const serialized = tf.placeholder(tf.string, [null]);
    expectThrowsAndUnchanged(
      () =>
        tf.io.parseExample(serialized, {
          a: tf.io.SparseFeature("idx", "val", tf.float32, 3),
          b: tf.io.SparseFeature("val", "other", tf.float32, 3),
        }),
      ValueError,
      "Conflicting type <dtype: 'float'> vs <dtype: 'int64'> for feature val.",
    );
  });

  it("SparseReorder's gradient takes each value's gradient back to its place", () => {
    const indices = tf.constant([[2], [0], [1]], tf.int64);
    const values = tf.constant([10, 20, 30]);
    const op = tf.getDefaultGraph().createOp({
      type: "SparseReorder",
      inputs: [indices, values, tf.constant([3], tf.int64)],
      outputs: [
        { dtype: "int64", shape: new tf.TensorShape([3, 1]) },
        { dtype: "float32", shape: new tf.TensorShape([3]) },
      ],
      attrs: { T: "float32" },
      definedAt: null,
    });
    const sorted = op.outputs[1] as tf.Tensor;
    const [grad] = tf.gradients(tf.reduceSum(tf.multiply(sorted, [1, 2, 3])), values);
    using sess = new tf.Session();
    expect(sess.run(sorted).toArray()).toEqual([20, 30, 10]);
    // Sorted order takes entries 1, 2, 0: entry 0 got weight 3, entry 1 weight 1, entry 2 weight 2.
    expect(sess.run(grad as tf.Tensor).toArray()).toEqual([3, 1, 2]);
  });
});
