/**
 * tf.broadcastTo, tf.linspace, tf.sequenceMask, tf.booleanMask, tf.meshgrid and
 * tf.tensordot: values from TF's broadcast_to_ops_test.py, linspace tests in
 * math_ops_test.py, array_ops_test.py (sequence_mask, boolean_mask, meshgrid) and
 * tensordot_op_test.py; names as TF 1.15's python builds them; gradients; errors.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { checkGradients } from "../gradients/helpers.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

beforeEach(() => tf.resetDefaultGraph());

function run(t: tf.Tensor, feed?: Map<tf.Tensor, unknown>): unknown {
  using sess = new tf.Session();
  return (sess.run(t, feed as never) as tf.NDArray).toArray();
}

function refused(fn: () => unknown, message: string): void {
  expectThrowsAndUnchanged(fn, Error, new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
}

function opNames(prefix: string): string[] {
  return tf
    .getDefaultGraph()
    .getOperations()
    .map((o) => o.name)
    .filter((n) => n.startsWith(prefix));
}

describe("tf.broadcastTo", () => {
  it("broadcasts by NumPy's rules (op BroadcastTo)", () => {
    const b = tf.broadcastTo(tf.constant([1, 2, 3], tf.int32), [3, 3]);
    expect(b.op.type).toBe("BroadcastTo");
    expect(b.shape.toString()).toBe("(3, 3)");
    expect(run(b)).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    const s = tf.placeholder(tf.int32, [3]);
    const d = tf.broadcastTo(tf.constant([[1], [2]]), s);
    expect(d.shape.toString()).toBe("(?, ?, ?)");
    expect(run(d, new Map([[s, [2, 2, 3]]]))).toEqual([
      [
        [1, 1, 1],
        [2, 2, 2],
      ],
      [
        [1, 1, 1],
        [2, 2, 2],
      ],
    ]);
    expect(() => run(d, new Map([[s, [1, 3, 3]]]))).toThrow(
      "Incompatible shapes: [2,1] vs. [1,3,3]",
    );
    const c = tf.constant([1, 2, 3]);
    refused(() => tf.broadcastTo(c, [2, 2]), "Dimensions must be equal, but are 3 and 2");
  });

  it("has TF's gradient: summed over the broadcast axes", async () => {
    await checkGradients({
      inputs: [{ shape: [2, 1] }],
      graph: (x) => tf.broadcastTo(x, [3, 2, 4]),
    });
    await checkGradients({ inputs: [{ shape: [3] }], graph: (x) => tf.broadcastTo(x, [2, 3]) });
  });
});

describe("tf.linspace", () => {
  it("spaces num values evenly, ends included (op LinSpace)", () => {
    const l = tf.linspace(3, 5, 3);
    expect(l.name).toBe("LinSpace:0");
    expect(l.shape.toString()).toBe("(3,)");
    expect(run(l)).toEqual([3, 4, 5]);
    expect(run(tf.linspace(-5, 5, 5))).toEqual([-5, -2.5, 0, 2.5, 5]);
    expect(run(tf.linspace(7, 9, 1))).toEqual([7]);
    const n = tf.placeholder(tf.int32, []);
    const dyn = tf.linspace(0, 1, n);
    expect(dyn.shape.toString()).toBe("(?,)");
    expect(run(dyn, new Map([[n, 3]]))).toEqual([0, 0.5, 1]);
    expect(() => run(dyn, new Map([[n, 0]]))).toThrow("Requires num > 0: 0");
    refused(() => tf.linspace(0, 1, 0), "Requires num > 0: 0");
  });
});

describe("tf.sequenceMask", () => {
  it("masks the first lengths[i] positions, as TF 1.15 builds it", () => {
    const m = tf.sequenceMask([1, 3, 2], 5);
    expect(m.name).toBe("SequenceMask/Less:0");
    expect(m.dtype).toBe("bool");
    expect(run(m)).toEqual([
      [true, false, false, false, false],
      [true, true, true, false, false],
      [true, true, false, false, false],
    ]);
    const f = tf.sequenceMask(
      tf.constant(
        [
          [0, 1],
          [2, 3],
        ],
        tf.int32,
      ),
      { dtype: tf.float32 },
    );
    expect(f.name).toBe("SequenceMask_1/Cast:0");
    expect(opNames("SequenceMask_1/")).toContain("SequenceMask_1/Maximum");
    expect(run(f)).toEqual([
      [
        [0, 0, 0],
        [1, 0, 0],
      ],
      [
        [1, 1, 0],
        [1, 1, 1],
      ],
    ]);
    const v = tf.constant([1]);
    refused(() => tf.sequenceMask(v, v), "maxlen must be scalar for sequence_mask");
  });
});

describe("tf.booleanMask", () => {
  it("keeps the masked elements or slices, along axis", () => {
    const t = tf.booleanMask(
      tf.constant([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      [true, false, true],
    );
    expect(t.name).toBe("boolean_mask/GatherV2:0");
    expect(t.shape.toString()).toBe("(?, 2)");
    expect(run(t)).toEqual([
      [1, 2],
      [5, 6],
    ]);
    const m2 = tf.booleanMask(
      tf.constant([
        [1, 2],
        [3, 4],
      ]),
      [
        [true, false],
        [false, true],
      ],
    );
    expect(run(m2)).toEqual([1, 4]);
    const ax = tf.booleanMask(tf.zeros([2, 3, 4]), [true, false, true], { axis: 1 });
    expect(ax.shape.toString()).toBe("(2, ?, 4)");
    const x = tf.zeros([2, 3]);
    refused(() => tf.booleanMask(x, true), "mask cannot be scalar.");
    const p = tf.placeholder(tf.bool);
    refused(() => tf.booleanMask(x, p), "Number of mask dimensions must be specified");
    refused(() => tf.booleanMask(x, [true, false, true]), "Shapes (2,) and (3,) are incompatible");
  });

  it("has a gradient through GatherV2 and Reshape", async () => {
    await checkGradients({
      inputs: [{ shape: [3, 2] }],
      graph: (x) => tf.booleanMask(x, [true, false, true]),
    });
  });
});

describe("tf.meshgrid", () => {
  it("builds xy and ij grids as TF 1.15 (array_ops_test MeshgridTest)", () => {
    const [X, Y] = tf.meshgrid([1, 2, 3], [4, 5]);
    expect((X as tf.Tensor).name).toBe("meshgrid/mul:0");
    expect((Y as tf.Tensor).name).toBe("meshgrid/mul_1:0");
    expect(run(X as tf.Tensor)).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(run(Y as tf.Tensor)).toEqual([
      [4, 4, 4],
      [5, 5, 5],
    ]);
    const [I, J, K] = tf.meshgrid([1, 2], [3], [4, 5, 6], { indexing: "ij", name: "g" });
    expect((I as tf.Tensor).shape.toString()).toBe("(2, 1, 3)");
    expect(run(J as tf.Tensor)).toEqual([[[3, 3, 3]], [[3, 3, 3]]]);
    expect(run(K as tf.Tensor)).toEqual([[[4, 5, 6]], [[4, 5, 6]]]);
    refused(() => tf.meshgrid([1], { indexing: "yx" as never }), "indexing");
  });

  it("takes tensors, as TF's stack(x) of a tensor is the tensor", () => {
    const [X, Y] = tf.meshgrid(tf.constant([1, 2], tf.int32), tf.constant([3, 4, 5], tf.int32));
    expect((X as tf.Tensor).dtype).toBe("int32");
    expect(run(Y as tf.Tensor)).toEqual([
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
  });
});

describe("tf.tensordot", () => {
  it("contracts axes as TF 1.15 builds it (tensordot_op_test)", () => {
    const a = tf.constant([
      [1, 2],
      [3, 4],
    ]);
    const t = tf.tensordot(a, a, 1);
    expect(t.name).toBe("Tensordot:0");
    expect(opNames("Tensordot/")).toEqual(["Tensordot/MatMul", "Tensordot/shape"]);
    expect(run(t)).toEqual([
      [7, 10],
      [15, 22],
    ]);
    expect(
      run(
        tf.tensordot(a, a, [
          [0, 1],
          [0, 1],
        ]),
      ),
    ).toEqual(30);
    expect(run(tf.tensordot(a, a, 0))).toEqual([
      [
        [
          [1, 2],
          [3, 4],
        ],
        [
          [2, 4],
          [6, 8],
        ],
      ],
      [
        [
          [3, 6],
          [9, 12],
        ],
        [
          [4, 8],
          [12, 16],
        ],
      ],
    ]);
    const b = tf.tensordot(tf.ones([2, 3, 4]), tf.ones([4, 3, 5]), [
      [1, 2],
      [1, 0],
    ]);
    expect(b.shape.toString()).toBe("(2, 5)");
    expect(run(b)).toEqual([
      [12, 12, 12, 12, 12],
      [12, 12, 12, 12, 12],
    ]);
    refused(() => tf.tensordot(a, a, 3), "'axes' must not be larger than the number of dimensions");
    refused(
      () => tf.tensordot(a, a, [[0], [0, 1]]),
      "Different number of contraction axes 'a' and 'b', 1 != 2.",
    );
    refused(() => tf.tensordot(a, a, -1), "'axes' must be at least 0.");
  });

  it("with a batch known only at run time builds TF's Shape/GatherV2/Prod path", () => {
    const x = tf.placeholder(tf.float32, [null, 2, 3], { name: "x" });
    const w = tf.ones([3, 4]);
    const t = tf.tensordot(x, w, 1);
    expect(t.shape.toString()).toBe("(?, 2, 4)");
    expect(opNames("Tensordot/")).toEqual([
      "Tensordot/axes",
      "Tensordot/free",
      "Tensordot/Shape",
      "Tensordot/GatherV2/axis",
      "Tensordot/GatherV2",
      "Tensordot/GatherV2_1/axis",
      "Tensordot/GatherV2_1",
      "Tensordot/Const",
      "Tensordot/Prod",
      "Tensordot/Const_1",
      "Tensordot/Prod_1",
      "Tensordot/concat/axis",
      "Tensordot/concat",
      "Tensordot/stack",
      "Tensordot/transpose",
      "Tensordot/Reshape",
      "Tensordot/MatMul",
      "Tensordot/Const_2",
      "Tensordot/concat_1/axis",
      "Tensordot/concat_1",
    ]);
    const feed = new Map<tf.Tensor, unknown>([
      [
        x,
        [
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
        ],
      ],
    ]);
    expect(run(t, feed)).toEqual([
      [
        [6, 6, 6, 6],
        [15, 15, 15, 15],
      ],
    ]);
    const anyRank = tf.placeholder(tf.float32, null);
    refused(
      () => tf.tensordot(anyRank, w, 1),
      "tensordot needs the rank of 'a' when 'axes' is an int.",
    );
  });

  it("has the gradient of its transposes, reshapes and MatMul", async () => {
    await checkGradients({
      inputs: [{ shape: [2, 3, 4] }, { shape: [4, 3, 2] }],
      graph: (x, y) =>
        tf.tensordot(x, y, [
          [1, 2],
          [1, 0],
        ]),
    });
  });
});
