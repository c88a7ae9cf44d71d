import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { direct, expectValueError, opList, run } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

describe("tf.cast", () => {
  it("builds a Cast op with TensorFlow's attrs and truncates toward zero", () => {
    const x = tf.constant([1.7, -1.7, 2.5]);
    const y = tf.cast(x, tf.int32);
    expect(y.op.type).toBe("Cast");
    expect(y.op.name).toBe("Cast");
    expect(y.dtype).toBe("int32");
    expect(y.op.attrs).toMatchObject({ SrcT: "float32", DstT: "int32", Truncate: false });
    expect(run(y).toArray()).toEqual(direct(() => tfc.cast(tfc.tensor([1.7, -1.7, 2.5]), "int32")));
    expect(run(y).toArray()).toEqual([1, -1, 2]);
  });

  it("returns a tensor of the same dtype unchanged, with no op", () => {
    const x = tf.placeholder(tf.float32, [null, 2]);
    const before = tf.getDefaultGraph().opCount;
    expect(tf.cast(x, tf.float32)).toBe(x);
    expect(tf.getDefaultGraph().opCount).toBe(before);
  });

  it("keeps the static shape, unknown dims included", () => {
    const x = tf.placeholder(tf.int32, [null, 3]);
    expect(tf.cast(x, tf.float32).shape.toString()).toBe("(?, 3)");
  });

  it("casts to and from bool", () => {
    const b = tf.cast(tf.constant([0, 2, -1]), tf.bool);
    expect(b.dtype).toBe("bool");
    expect(run(b).toArray()).toEqual([false, true, true]);
    expect(run(tf.cast(b, tf.float32)).toArray()).toEqual([0, 1, 1]);
  });

  it("converts a JS value to the target dtype when it can, as a Const", () => {
    const y = tf.cast([1, 2], tf.int32, { name: "ints" });
    expect(y.op.type).toBe("Const");
    expect(y.op.name).toBe("ints/x");
    expect(y.dtype).toBe("int32");
  });

  it("fails at run time for strings, as TensorFlow's missing kernel does", () => {
    const y = tf.cast(tf.constant(["a"]), tf.float32);
    expect(() => run(y)).toThrow(tf.errors.UnimplementedError);
    expect(() => run(y)).toThrow("Cast string to float is not supported");
  });
});

describe("tf.reshape", () => {
  it("builds Reshape with the const Reshape/shape", () => {
    const x = tf.constant([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const y = tf.reshape(x, [3, 2]);
    expect(y.op.type).toBe("Reshape");
    expect(y.op.name).toBe("Reshape");
    expect(y.op.inputs[1]?.op.name).toBe("Reshape/shape");
    expect(y.op.inputs[1]?.dtype).toBe("int32");
    expect(y.op.attrs).toMatchObject({ T: "float32", Tshape: "int32" });
    expect(y.shape.toString()).toBe("(3, 2)");
    expect(run(y).toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  it("infers a -1 dim at build time", () => {
    const x = tf.placeholder(tf.float32, [null, 28, 28]);
    expect(tf.reshape(x, [-1, 784]).shape.toString()).toBe("(?, 784)");
    const y = tf.placeholder(tf.float32, [4, 6]);
    expect(tf.reshape(y, [-1, 3]).shape.toString()).toBe("(8, 3)");
    expect(tf.reshape(y, [-1]).shape.toString()).toBe("(24,)");
    expect(tf.reshape(tf.constant([[7]]), []).shape.toString()).toBe("()");
  });

  it("passes an unknown input dim through when the known parts match", () => {
    const x = tf.placeholder(tf.float32, [null, 6]);
    expect(tf.reshape(x, [-1, 6]).shape.toString()).toBe("(?, 6)");
    expect(tf.reshape(x, [-1, 2, 3]).shape.toString()).toBe("(?, 2, 3)");
  });

  it("computes -1 and values at run time", () => {
    const x = tf.placeholder(tf.float32, [null, 2]);
    const y = tf.reshape(x, [-1]);
    const out = run(
      y,
      new Map([
        [
          x,
          [
            [1, 2],
            [3, 4],
            [5, 6],
          ],
        ],
      ]),
    );
    expect(out.shape).toEqual([6]);
    expect(out.toArray()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("raises TensorFlow's build-time errors", () => {
    const x = tf.constant([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectValueError(
      () => tf.reshape(x, [4]),
      "Cannot reshape a tensor with 6 elements to shape [4] (4 elements) for 'Reshape' (op: 'Reshape') with input shapes: [2,3], [1] and with input tensors computed as partial shapes: input[1] = [4].",
    );
    expectValueError(
      () => tf.reshape(x, [-1, 4]),
      "Dimension size must be evenly divisible by 4 but is 6 for 'Reshape' (op: 'Reshape') with input shapes: [2,3], [2] and with input tensors computed as partial shapes: input[1] = [?,4].",
    );
    expect(() => tf.reshape(x, [1.5, 4])).toThrow(TypeError);
  });

  it("leaves nothing behind when building fails", () => {
    const x = tf.constant([1, 2, 3]);
    const ops = opList();
    expect(() => tf.reshape(x, [2])).toThrow(tf.errors.ValueError);
    expect(opList()).toEqual(ops);
  });

  it("raises TensorFlow's run-time error for a fed shape that does not fit", () => {
    const x = tf.placeholder(tf.float32, [null]);
    const y = tf.reshape(x, [2, 2]);
    expect(() => run(y, new Map([[x, [1, 2, 3]]]))).toThrow(
      "Input to reshape is a tensor with 3 values, but the requested shape has 4",
    );
    const z = tf.reshape(x, [-1, 2]);
    expect(() => run(z, new Map([[x, [1, 2, 3]]]))).toThrow(
      "Input to reshape is a tensor with 3 values, but the requested shape requires a multiple of 2",
    );
  });

  it("accepts a shape tensor, and packs a list holding tensors (autopacking)", () => {
    const x = tf.placeholder(tf.float32, [null, 4]);
    const n = tf.size(x);
    const y = tf.reshape(x, [n, 1]);
    const packed = y.op.inputs[1] as tf.Tensor;
    expect(packed.op.type).toBe("Pack");
    expect(packed.op.name).toBe("Reshape/shape");
    expect(packed.op.inputs[1]?.op.name).toBe("Reshape/shape/1");
    expect(y.shape.toString()).toBe("(?, 1)");
    const out = run(y, new Map([[x, [[1, 2, 3, 4]]]]));
    expect(out.shape).toEqual([4, 1]);

    const z = tf.reshape(x, tf.shape(x));
    expect(z.shape.toString()).toBe("(?, 4)");
    expect(run(z, new Map([[x, [[1, 2, 3, 4]]]])).shape).toEqual([1, 4]);
  });

  it("accepts a Variable", () => {
    const v = tf.getVariable("v", [2, 3], { initializer: tf.onesInitializer() });
    const y = tf.reshape(v, [6]);
    expect(y.op.inputs[0]?.name).toBe("v/read:0");
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect((sess.run(y) as tf.NDArray).toArray()).toEqual([1, 1, 1, 1, 1, 1]);
    sess.close();
  });
});

describe("tf.shape, tf.size, tf.rank", () => {
  it("are Consts when the static shape is known, as TensorFlow's graph mode builds them", () => {
    const x = tf.zeros([2, 3]);
    const s = tf.shape(x);
    expect(s.op.type).toBe("Const");
    expect(s.op.name).toBe("Shape");
    expect(run(s).toArray()).toEqual([2, 3]);
    expect(tf.size(x).op.type).toBe("Const");
    expect(run(tf.size(x)).toArray()).toBe(6);
    expect(tf.rank(x).op.name).toBe("Rank");
    expect(run(tf.rank(x)).toArray()).toBe(2);
  });

  it("are ops computed at run time otherwise", () => {
    const x = tf.placeholder(tf.float32, [null, 3]);
    const s = tf.shape(x);
    expect(s.op.type).toBe("Shape");
    expect(s.shape.toString()).toBe("(2,)");
    expect(s.dtype).toBe("int32");
    const feed = new Map([
      [
        x,
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
      ],
    ]);
    expect(run(s, feed).toArray()).toEqual([2, 3]);
    const n = tf.size(x);
    expect(n.op.type).toBe("Size");
    expect(run(n, feed).toArray()).toBe(6);
    const u = tf.placeholder(tf.float32);
    expect(tf.rank(u).op.type).toBe("Rank");
    expect(tf.shape(u).shape.toString()).toBe("(?,)");
    expect(run(tf.rank(u), new Map([[u, [[[1]]]]])).toArray()).toBe(3);
  });

  it("reject an outType other than int32 and int64", () => {
    expect(() => tf.shape(tf.zeros([1]), { outType: "float32" })).toThrow(TypeError);
    expect(tf.size(tf.zeros([1]), { outType: "int64" }).dtype).toBe("int64");
  });
});
