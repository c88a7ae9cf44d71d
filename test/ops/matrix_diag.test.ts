/**
 * The matrix diagonal family (tf.matrixDiag, matrixDiagPart, matrixSetDiag, matrixBandPart,
 * diag, diagPart) and the functions TF 1.15 builds on it (eye, trace, matrixTranspose):
 * values from TF's diag_op_test.py, matrix_band_part_op_test.py and linalg_ops_test.py,
 * names as TF builds them, gradients, errors.
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

/** Builds a graph, exports it, imports it into a new graph and runs `name` there. */
function runImported(build: () => void, name: string): unknown {
  const source = new tf.Graph();
  source.asDefault(build);
  const bytes = tf.GraphDef.toBinary(source.asGraphDef());
  const g = new tf.Graph();
  return g.asDefault(() => {
    tf.importGraphDef(tf.GraphDef.fromBinary(bytes), { name: "" });
    using sess = new tf.Session({ graph: g });
    return (sess.run(g.getTensorByName(name)) as tf.NDArray).toArray();
  });
}

const M234 = [
  [
    [1, 2, 3, 4],
    [5, 6, 7, 8],
    [9, 10, 11, 12],
  ],
  [
    [13, 14, 15, 16],
    [17, 18, 19, 20],
    [21, 22, 23, 24],
  ],
];

describe("tf.matrixDiag / matrixDiagPart / matrixSetDiag (diag_op_test)", () => {
  it("builds and reads batched diagonals, named as TF 1.15's v1 functions", () => {
    const d = tf.matrixDiag(
      tf.constant(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        tf.int32,
      ),
    );
    expect(d.name).toBe("diag:0");
    expect(d.op.type).toBe("MatrixDiag");
    expect(d.shape.toString()).toBe("(2, 3, 3)");
    expect(run(d)).toEqual([
      [
        [1, 0, 0],
        [0, 2, 0],
        [0, 0, 3],
      ],
      [
        [4, 0, 0],
        [0, 5, 0],
        [0, 0, 6],
      ],
    ]);
    const p = tf.matrixDiagPart(tf.constant(M234, tf.int32));
    expect(p.name).toBe("diag_part:0");
    expect(p.shape.toString()).toBe("(2, 3)");
    expect(run(p)).toEqual([
      [1, 6, 11],
      [13, 18, 23],
    ]);
    const s = tf.matrixSetDiag(tf.constant(M234, tf.int32), [
      [0, 0, 0],
      [-1, -1, -1],
    ]);
    expect(s.name).toBe("set_diag:0");
    expect(run(s)).toEqual([
      [
        [0, 2, 3, 4],
        [5, 0, 7, 8],
        [9, 10, 0, 12],
      ],
      [
        [-1, 14, 15, 16],
        [17, -1, 19, 20],
        [21, 22, -1, 24],
      ],
    ]);
  });

  it("infers shapes with unknown dims and refuses mismatches", () => {
    const x = tf.placeholder(tf.float32, [null, 3, 5]);
    expect(tf.matrixDiagPart(x).shape.toString()).toBe("(?, 3)");
    expect(tf.matrixDiag(tf.placeholder(tf.float32, [null, 4])).shape.toString()).toBe("(?, 4, 4)");
    expect(tf.matrixSetDiag(x, tf.placeholder(tf.float32, [7, null])).shape.toString()).toBe(
      "(7, 3, 5)",
    );
    const z24 = tf.zeros([2, 4]);
    const z3 = tf.zeros([3]);
    const z0 = tf.zeros([]);
    const z2 = tf.zeros([2]);
    refused(() => tf.matrixSetDiag(x, z24), "Dimensions must be equal, but are 4 and 3");
    refused(() => tf.matrixDiagPart(z3), "Shape must be at least rank 2 but is rank 1");
    refused(() => tf.matrixDiag(z0), "Shape must be at least rank 1 but is rank 0");
    refused(() => tf.matrixDiag(z2, { k: 1 }), "'k' other than 0");
  });

  it("has TF's gradients", async () => {
    await checkGradients({ inputs: [{ shape: [2, 3] }], graph: (x) => tf.matrixDiag(x) });
    await checkGradients({ inputs: [{ shape: [2, 3, 4] }], graph: (x) => tf.matrixDiagPart(x) });
    await checkGradients({ inputs: [{ shape: [3, 3] }], graph: (x) => tf.matrixDiagPart(x) });
    await checkGradients({
      inputs: [{ shape: [2, 3, 4] }, { shape: [2, 3] }],
      graph: (x, d) => tf.matrixSetDiag(x, d),
    });
    await checkGradients({
      inputs: [
        { shape: [2, 3, 4], placeholder: [null, 3, 4] },
        { shape: [2, 3], placeholder: [null, 3] },
      ],
      graph: (x, d) => tf.matrixSetDiag(x, d),
    });
    const x = tf.constant([
      [1, 2],
      [3, 4],
    ]);
    const [g] = tf.gradients(tf.matrixDiagPart(x), [x]);
    expect((g as tf.Tensor).name).toBe("gradients/diag_part_grad/diag:0");
  });

  it("runs when imported from a GraphDef", () => {
    expect(
      runImported(
        () => tf.matrixSetDiag(tf.zeros([2, 2]), tf.matrixDiagPart(tf.ones([2, 2]))),
        "set_diag:0",
      ),
    ).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });
});

describe("tf.matrixBandPart (matrix_band_part_op_test)", () => {
  const x = tf.constant([
    [1, 2, 3, 4],
    [5, 6, 7, 8],
    [9, 10, 11, 12],
    [13, 14, 15, 16],
  ]);
  it("keeps the band, a negative count keeping the whole triangle", () => {
    tf.resetDefaultGraph();
    const m = tf.constant(
      [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
        [9, 10, 11, 12],
      ],
      tf.int32,
    );
    const b = tf.matrixBandPart(m, 1, 0);
    expect(b.op.type).toBe("MatrixBandPart");
    expect(b.op.attrs.Tindex).toBe("int64");
    expect(run(b)).toEqual([
      [1, 0, 0, 0],
      [5, 6, 0, 0],
      [0, 10, 11, 0],
    ]);
    expect(run(tf.matrixBandPart(m, -1, 0))).toEqual([
      [1, 0, 0, 0],
      [5, 6, 0, 0],
      [9, 10, 11, 0],
    ]);
    expect(run(tf.matrixBandPart(m, 0, -1))).toEqual([
      [1, 2, 3, 4],
      [0, 6, 7, 8],
      [0, 0, 11, 12],
    ]);
    expect(run(tf.matrixBandPart(m, 0, 0))).toEqual([
      [1, 0, 0, 0],
      [0, 6, 0, 0],
      [0, 0, 11, 0],
    ]);
  });

  it("refuses counts beyond the matrix when run, and has TF's gradient", async () => {
    tf.resetDefaultGraph();
    void x;
    const lo = tf.placeholder(tf.int64, []);
    const b = tf.matrixBandPart(tf.zeros([2, 3]), lo, -1);
    expect(() => run(b, new Map([[lo, 3]]))).toThrow(
      "num_lower must be negative or less or equal to number of rows (2) got: 3",
    );
    await checkGradients({
      inputs: [{ shape: [2, 3, 4] }],
      graph: (t) => tf.matrixBandPart(t, 1, 2),
    });
  });
});

describe("tf.diag / tf.diagPart", () => {
  it("places a tensor on the diagonal of a rank-2k tensor and reads it back", () => {
    const v = tf.constant([
      [1, 2],
      [3, 4],
    ]);
    const d = tf.diag(v);
    expect(d.op.type).toBe("Diag");
    expect(d.shape.toString()).toBe("(2, 2, 2, 2)");
    const back = tf.diagPart(d);
    expect(back.op.type).toBe("DiagPart");
    expect(back.shape.toString()).toBe("(2, 2)");
    expect(run(back)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(run(tf.diag([1, 2, 3]))).toEqual([
      [1, 0, 0],
      [0, 2, 0],
      [0, 0, 3],
    ]);
    const z23 = tf.zeros([2, 3]);
    const z2 = tf.zeros([2]);
    refused(() => tf.diagPart(z23), "Dimensions must be equal, but are 2 and 3");
    refused(() => tf.diagPart(z2), "Input must have even and non-zero rank");
  });

  it("have each other as gradient", async () => {
    await checkGradients({ inputs: [{ shape: [3] }], graph: (x) => tf.diag(x) });
    await checkGradients({ inputs: [{ shape: [2, 3, 2, 3] }], graph: (x) => tf.diagPart(x) });
  });
});

describe("tf.eye, tf.trace, tf.matrixTranspose", () => {
  it("eye builds ones into matrix_diag or matrix_set_diag as TF 1.15 (linalg_ops_test)", () => {
    const sq = tf.eye(3);
    expect(sq.name).toBe("eye/diag:0");
    expect(run(sq)).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const rect = tf.eye(2, 3, { dtype: tf.int32 });
    expect(rect.name).toBe("eye_1/set_diag:0");
    expect(rect.dtype).toBe("int32");
    expect(
      tf
        .getDefaultGraph()
        .getOperations()
        .filter((o) => o.name.startsWith("eye_1/"))
        .map((o) => o.name),
    ).toEqual(["eye_1/ones", "eye_1/zeros", "eye_1/set_diag"]);
    expect(run(rect)).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    const batch = tf.eye(2, { batchShape: [3] });
    expect(batch.shape.toString()).toBe("(3, 2, 2)");
    const n = tf.placeholder(tf.int32, []);
    const dyn = tf.eye(n);
    expect(run(dyn, new Map([[n, 2]]))).toEqual([
      [1, 0],
      [0, 1],
    ]);
    refused(() => tf.eye(2.5), "eye() argument 'numRows'");
  });

  it("trace is the sum of matrix_diag_part named Trace", async () => {
    const t = tf.trace(tf.constant(M234));
    expect(t.name).toBe("Trace:0");
    expect(run(t)).toEqual([18, 54]);
    await checkGradients({ inputs: [{ shape: [2, 3, 3] }], graph: (x) => tf.trace(x) });
  });

  it("matrixTranspose swaps the last two axes, statically or at run time", () => {
    const t = tf.matrixTranspose(tf.zeros([5, 2, 3]));
    expect(t.name).toBe("matrix_transpose/transpose:0");
    expect(t.shape.toString()).toBe("(5, 3, 2)");
    const p = tf.placeholder(tf.float32);
    const u = tf.matrixTranspose(p);
    expect(run(u, new Map([[p, [[[1, 2, 3]]]]]))).toEqual([[[1], [2], [3]]]);
    const v = tf.placeholder(tf.float32, [3]);
    refused(
      () => tf.matrixTranspose(v),
      "Argument 'a' should be a (batch) matrix, with rank >= 2.  Found: (3,)",
    );
  });
});
