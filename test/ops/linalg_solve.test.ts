/**
 * The Cholesky/solve/decomposition family (tf.cholesky, tf.matrixSolve,
 * tf.matrixTriangularSolve, tf.choleskySolve, tf.linalg.slogdet/logdet, tf.svd, tf.qr's
 * gradient): values against NumPy/LAPACK results of small cases, names and shapes (with
 * unknown batch dims), TF's errors, gradients (linalg_grad.py's) checked numerically, and
 * a GraphDef with these ops imported and run.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { checkGradients } from "../gradients/helpers.js";

beforeEach(() => tf.resetDefaultGraph());

function run(t: tf.Tensor, feeds?: ReadonlyMap<tf.Tensor, unknown>): number[] {
  using sess = new tf.Session();
  const v = (sess.run(t, feeds) as tf.NDArray).toArray() as unknown;
  return typeof v === "number" ? [v] : ((v as unknown[]).flat(4) as number[]);
}

function close(a: number[], b: number[], tol = 1e-5): void {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => {
    const w = b[i] as number;
    if (!Number.isFinite(w)) expect(v).toBe(w);
    else expect(Math.abs(v - w)).toBeLessThan(tol * Math.max(1, Math.abs(w)));
  });
}

const SPD = [
  [4, 2, 0.4],
  [2, 5, 1],
  [0.4, 1, 3],
];

describe("tf.cholesky", () => {
  it("factors each matrix of a batch (numpy.linalg.cholesky)", () => {
    const l = tf.cholesky(
      tf.constant([
        SPD,
        [
          [1, 0, 0],
          [0, 4, 0],
          [0, 0, 9],
        ],
      ]),
    );
    expect(l.op.type).toBe("Cholesky");
    expect(l.name).toBe("Cholesky:0");
    expect(l.shape.toString()).toBe("(2, 3, 3)");
    close(run(l), [2, 0, 0, 1, 2, 0, 0.2, 0.4, 1.67332, 1, 0, 0, 0, 2, 0, 0, 0, 3]);
    expect(tf.linalg.cholesky).toBe(tf.cholesky);
  });

  it("reads only the lower triangle, and takes unknown batch dims", () => {
    const x = tf.placeholder(tf.float32, [null, 2, 2]);
    const l = tf.cholesky(x, "chol");
    expect(l.name).toBe("chol:0");
    expect(l.shape.toString()).toBe("(?, 2, 2)");
    const upperIgnored = [
      [
        [4, 99],
        [2, 5],
      ],
    ];
    close(run(l, new Map([[x, upperIgnored]])), [2, 0, 1, 2]);
  });

  it("refuses non-square matrices when built and non-positive-definite ones when run", () => {
    expect(() => tf.cholesky(tf.zeros([2, 3]))).toThrow(
      "Dimensions must be equal, but are 2 and 3 for 'Cholesky' (op: 'Cholesky') with input shapes: [2,3].",
    );
    expect(() => tf.cholesky(tf.zeros([3]))).toThrow("Shape must be at least rank 2 but is rank 1");
    expect(() => tf.cholesky(tf.constant([[1, 2]], tf.int32))).toThrow(
      "Value passed to parameter 'input' has DataType int32 not in list of allowed values: float64, float32, complex64, complex128",
    );
    const bad = tf.cholesky(
      tf.constant([
        [1, 2],
        [2, 1],
      ]),
    );
    let caught: unknown;
    try {
      run(bad);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect((caught as Error).message).toContain(
      "Cholesky decomposition was not successful. The input might not be valid.",
    );
  });

  it("has TF's gradient with unknown batch dims (shape read at run time)", async () => {
    await checkGradients({
      inputs: [
        {
          shape: [2, 2, 2],
          placeholder: [null, null, null],
          values: [1, 0.2, 0.5, 1, 2, 1, 0, 1],
        },
      ],
      graph: (x) => tf.cholesky(tf.add(tf.matmul(x, x, { adjointB: true }), tf.eye(2))),
      step: 1e-3,
    });
  });

  it("has TF's gradient (through A = X Xᵀ + I, as TF's cholesky_op_test builds SPD inputs)", async () => {
    await checkGradients({
      inputs: [
        {
          shape: [2, 3, 3],
          values: [1, 0.2, 0, 0.5, 1, 0.3, 0.1, -0.4, 1, 2, 1, 0, 0, 1, 1, 1, 0, 1],
        },
      ],
      graph: (x) => {
        const a = tf.add(tf.matmul(x, x, { adjointB: true }), tf.eye(3, { batchShape: [2] }));
        return tf.cholesky(a);
      },
      step: 1e-3,
    });
  });
});

describe("tf.matrixSolve", () => {
  // numpy.linalg.solve(A, B): the first pivot is zero, so rows must be swapped.
  const A = [
    [0, 2, 1],
    [1, 1, 1],
    [2, 1, 3],
  ];
  const B = [
    [1, 0],
    [2, 1],
    [3, -1],
  ];

  it("solves with partial pivoting, or with the adjoint", () => {
    const x = tf.matrixSolve(tf.constant(A), tf.constant(B));
    expect(x.op.type).toBe("MatrixSolve");
    expect(x.shape.toString()).toBe("(3, 2)");
    close(run(x), [1.6666667, 2, 0.6666667, 1, -0.3333333, -2]);
    const xt = tf.linalg.solve(tf.constant(A), tf.constant(B), true);
    expect(xt.op.attrs.adjoint).toBe(true);
    close(run(xt), [1, 0, -1, 2, 1, -1]);
  });

  it("infers [..., N, K] from partly known shapes and refuses mismatches", () => {
    const m = tf.placeholder(tf.float32, [null, 3, null]);
    const r = tf.placeholder(tf.float32, [4, null, 2]);
    expect(tf.matrixSolve(m, r).shape.toString()).toBe("(4, 3, 2)");
    expect(() => tf.matrixSolve(tf.zeros([3, 3]), tf.zeros([2, 1]))).toThrow(
      "Dimensions must be equal, but are 3 and 2 for 'MatrixSolve_1' (op: 'MatrixSolve') with input shapes: [3,3], [2,1].",
    );
    expect(() => tf.matrixSolve(tf.zeros([2, 3, 3]), tf.zeros([3, 3, 1]))).toThrow(
      "Dimension 0 in both shapes must be equal, but are 2 and 3. Shapes are [2] and [3].",
    );
  });

  it("fails the run on a singular matrix or mismatched run-time shapes", () => {
    const singular = tf.matrixSolve(
      tf.constant([
        [1, 2],
        [2, 4],
      ]),
      tf.constant([[1], [1]]),
    );
    expect(() => run(singular)).toThrow("Input matrix is not invertible.");
    const m = tf.placeholder(tf.float32, null);
    const r = tf.placeholder(tf.float32, null);
    const x = tf.matrixSolve(m, r);
    expect(() =>
      run(
        x,
        new Map([
          [
            m,
            [
              [1, 0],
              [0, 1],
            ],
          ],
          [r, [[1], [2], [3]]],
        ]),
      ),
    ).toThrow("Input matrix and right-hand side must have the same number of rows.");
  });

  for (const adjoint of [false, true]) {
    it(`has TF's gradient (adjoint ${adjoint})`, async () => {
      await checkGradients({
        inputs: [
          { shape: [2, 3, 3], values: [4, 1, 0, 1, 3, 1, 0, 1, 2, 5, 2, 1, 0, 4, 1, 1, 0, 3] },
          { shape: [2, 3, 2] },
        ],
        graph: (a, b) => tf.matrixSolve(a, b, adjoint),
        step: 1e-3,
      });
    });
  }
});

describe("tf.matrixTriangularSolve", () => {
  const T = [
    [2, 7, 8],
    [1, 4, 9],
    [3, -1, 5],
  ];
  const B = [[2], [9], [1]];

  it("reads one triangle, with or without the adjoint (scipy.linalg.solve_triangular)", () => {
    const lower = tf.matrixTriangularSolve(tf.constant(T), tf.constant(B));
    expect(lower.op.type).toBe("MatrixTriangularSolve");
    expect(lower.op.attrs.lower).toBe(true);
    close(run(lower), [1, 2, 0]);
    close(run(tf.matrixTriangularSolve(tf.constant(T), tf.constant(B), false)), [-6.1, 1.8, 0.2]);
    close(
      run(tf.matrixTriangularSolve(tf.constant(T), tf.constant(B), true, true)),
      [-0.45, 2.3, 0.2],
    );
    close(
      run(
        tf.linalg.triangularSolve(tf.constant(T), tf.constant(B), { lower: false, adjoint: true }),
      ),
      [1, 0.5, -2.3],
    );
  });

  for (const [lower, adjoint] of [
    [true, false],
    [false, true],
  ] as const) {
    it(`has TF's gradient (lower ${lower}, adjoint ${adjoint})`, async () => {
      await checkGradients({
        inputs: [{ shape: [3, 3], values: [3, 0.5, -1, 1, 4, 2, 0.3, -1, 2.5] }, { shape: [3, 2] }],
        graph: (a, b) => tf.matrixTriangularSolve(a, b, { lower, adjoint }),
        step: 1e-3,
      });
    });
  }
});

describe("tf.choleskySolve", () => {
  it("is two triangular solves under cholesky_solve", () => {
    const chol = tf.cholesky(tf.constant(SPD));
    const x = tf.choleskySolve(chol, tf.constant([[1], [2], [3]]));
    expect(x.name).toBe("cholesky_solve/MatrixTriangularSolve_1:0");
    const ops = tf
      .getDefaultGraph()
      .getOperations()
      .filter((o) => o.name.startsWith("cholesky_solve/"))
      .map((o) => `${o.name}:${String(o.attrs.adjoint)}`);
    expect(ops).toEqual([
      "cholesky_solve/MatrixTriangularSolve:false",
      "cholesky_solve/MatrixTriangularSolve_1:true",
    ]);
    // numpy.linalg.solve(SPD, [1, 2, 3])
    close(run(x), [0.0625, 0.18928571, 0.92857143]);
    expect(tf.linalg.choleskySolve).toBe(tf.choleskySolve);
  });
});

describe("tf.linalg.slogdet and tf.linalg.logdet", () => {
  it("give the sign and log|det| of each matrix (numpy.linalg.slogdet)", () => {
    const [sign, logAbs] = tf.linalg.slogdet(
      tf.constant([
        [
          [1, 2],
          [3, 4],
        ],
        [
          [2, 0],
          [0, 3],
        ],
        [
          [1, 2],
          [2, 4],
        ],
      ]),
    );
    expect(sign.name).toBe("LogMatrixDeterminant:0");
    expect(logAbs.name).toBe("LogMatrixDeterminant:1");
    expect(logAbs.shape.toString()).toBe("(3,)");
    close(run(sign), [-1, 1, 0]);
    close(run(logAbs), [Math.log(2), Math.log(6), -Infinity]);
    expect(tf.logMatrixDeterminant).toBe(tf.linalg.slogdet);
    expect(() => tf.linalg.slogdet(tf.zeros([2, 3]))).toThrow(
      "Dimensions must be equal, but are 3 and 2",
    );
    // Each op's type list, in its OpDef's order.
    const ints = tf.constant([[1]], tf.int32);
    expect(() => tf.linalg.slogdet(ints)).toThrow(
      "has DataType int32 not in list of allowed values: float32, float64, complex64, complex128",
    );
    expect(() => tf.matrixInverse(ints)).toThrow(
      "has DataType int32 not in list of allowed values: float64, float32, complex64, complex128",
    );
    expect(() => tf.matrixDeterminant(ints)).toThrow(
      "has DataType int32 not in list of allowed values: float32, float64, complex64, complex128",
    );
  });

  it("logdet is 2·Σ log diag(cholesky) under logdet", () => {
    const d = tf.linalg.logdet(tf.constant(SPD));
    expect(d.name).toBe("logdet/mul:0");
    expect(
      tf
        .getDefaultGraph()
        .getOperations()
        .map((o) => `${o.name}:${o.type}`),
    ).toEqual([
      "Const:Const",
      "logdet/Cholesky:Cholesky",
      "logdet/diag_part:MatrixDiagPart",
      "logdet/Log:Log",
      "logdet/Sum/reduction_indices:Const",
      "logdet/Sum:Sum",
      "logdet/mul/x:Const",
      "logdet/mul:Mul",
    ]);
    close(run(d), [Math.log(44.8)]);
  });

  it("slogdet has TF's gradient", async () => {
    await checkGradients({
      inputs: [
        { shape: [2, 3, 3], values: [4, 1, 0, 1, -3, 1, 0, 1, 2, 5, 2, 1, 0, 4, 1, 1, 0, 3] },
      ],
      graph: (x) => tf.linalg.slogdet(x)[1],
      step: 1e-3,
    });
  });
});

describe("tf.svd", () => {
  const M = [
    [3, 1, 1],
    [-1, 3, 1],
  ];

  it("gives descending singular values and factors that rebuild the matrix", () => {
    const s = tf.svd(tf.constant(M), { computeUv: false }) as tf.Tensor;
    expect(s.op.type).toBe("Svd");
    expect(s.shape.toString()).toBe("(2,)");
    // numpy.linalg.svd(M, compute_uv=False)
    close(run(s), [Math.sqrt(12), Math.sqrt(10)]);
    const [s2, u, v] = tf.linalg.svd(tf.constant(M)) as [tf.Tensor, tf.Tensor, tf.Tensor];
    expect([s2.shape, u.shape, v.shape].map(String)).toEqual(["(2,)", "(2, 2)", "(3, 2)"]);
    const rebuilt = tf.matmul(tf.multiply(u, s2), v, { adjointB: true });
    close(run(rebuilt), M.flat());
    close(run(tf.matmul(v, v, { adjointA: true })), [1, 0, 0, 1]);
    const [, uf, vf] = tf.svd(tf.constant(M), true) as [tf.Tensor, tf.Tensor, tf.Tensor];
    expect([uf.shape, vf.shape].map(String)).toEqual(["(2, 2)", "(3, 3)"]);
    close(run(tf.matmul(vf, vf, { adjointA: true })), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it("factors tall, rank-deficient and batched matrices, unknown dims kept", () => {
    const x = tf.placeholder(tf.float32, [null, 3, 2]);
    const [s, u, v] = tf.svd(x, { fullMatrices: true }) as [tf.Tensor, tf.Tensor, tf.Tensor];
    expect([s.shape, u.shape, v.shape].map(String)).toEqual(["(?, 2)", "(?, 3, 3)", "(?, 2, 2)"]);
    const feed = [
      [
        [1, 2],
        [2, 4],
        [3, 6],
      ],
      [
        [1, 0],
        [0, 2],
        [0, 0],
      ],
    ];
    using sess = new tf.Session();
    const [sv, uv] = sess.run(
      [s, tf.matmul(u, u, { adjointA: true })],
      new Map([[x, feed]]),
    ) as tf.NDArray[];
    close((sv!.toArray() as number[][]).flat(), [Math.sqrt(70), 0, 2, 1]);
    close(
      (uv!.toArray() as number[][][]).flat(2),
      [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1],
    );
  });

  it("has TF's gradient for s alone, and for thin and full U, V", async () => {
    await checkGradients({
      inputs: [{ shape: [3, 2], values: [3, 1, -1, 2, 0.5, 1.5] }],
      graph: (x) => tf.svd(x, { computeUv: false }) as tf.Tensor,
      step: 1e-3,
    });
    for (const [shape, full] of [
      [[3, 2], false],
      [[2, 3], false],
      [[3, 3], false],
      [[2, 3], true],
    ] as const) {
      await checkGradients({
        inputs: [
          {
            shape: [...shape],
            values: [3, 1, -1, 2, 0.5, 1.5, 0.2, -0.7, 1.1].slice(0, shape[0] * shape[1]),
          },
        ],
        // Squares and the rebuilt matrix do not depend on the singular vectors' signs.
        graph: (x) => {
          const [s, u, v] = tf.svd(x, { fullMatrices: full }) as [tf.Tensor, tf.Tensor, tf.Tensor];
          return tf.concat(
            [tf.reshape(tf.square(u), [-1]), tf.reshape(tf.square(v), [-1]), tf.reshape(s, [-1])],
            0,
          );
        },
        step: 1e-3,
      });
    }
  });
});

describe("tf.qr's gradient", () => {
  it("is TF 1.15's QrGrad for square R", async () => {
    for (const shape of [
      [3, 3],
      [4, 2],
    ]) {
      await checkGradients({
        inputs: [
          {
            shape,
            values: [3, 1, -1, 2, 0.5, 1.5, 0.2, -0.7, 1.1, 0.4, 2, -1].slice(
              0,
              shape[0]! * shape[1]!,
            ),
          },
        ],
        graph: (x) => {
          const [q, r] = tf.qr(x);
          return tf.concat([tf.reshape(tf.square(q), [-1]), tf.reshape(tf.square(r), [-1])], 0);
        },
        step: 1e-3,
      });
    }
  });

  it("is not implemented for wide matrices, as in TF 1.15", () => {
    const x = tf.zeros([2, 3]);
    const [, r] = tf.qr(x);
    expect(() => tf.gradients(r, x)).toThrow(
      "QrGrad not implemented when ncols > nrows or full_matrices is true and ncols != nrows.",
    );
  });
});

describe("an imported GraphDef with the linalg ops", () => {
  it("runs and keeps its shapes", () => {
    const source = new tf.Graph();
    const names: string[] = [];
    source.asDefault(() => {
      const a = tf.constant([SPD, SPD]);
      const b = tf.constant([
        [[1], [2], [3]],
        [[3], [2], [1]],
      ]);
      const outs = [
        tf.cholesky(a),
        tf.matrixSolve(a, b, true),
        tf.matrixTriangularSolve(a, b, false, true),
        ...tf.linalg.slogdet(a),
        tf.linalg.logdet(a),
        tf.choleskySolve(tf.cholesky(a), b),
        tf.svd(a, { computeUv: false }) as tf.Tensor,
        tf.einsum("bij,bjk->bik", a, b),
      ];
      for (const t of outs) names.push(t.name);
    });
    using before = new tf.Session({ graph: source });
    const expected = names.map((n) => ({
      shape: source.getTensorByName(n).shape.toString(),
      value: (before.run(source.getTensorByName(n)) as tf.NDArray).toArray(),
    }));
    const bytes = tf.GraphDef.toBinary(source.asGraphDef());
    const g = new tf.Graph();
    g.asDefault(() => tf.importGraphDef(tf.GraphDef.fromBinary(bytes), { name: "" }));
    using after = new tf.Session({ graph: g });
    const got = names.map((n) => ({
      shape: g.getTensorByName(n).shape.toString(),
      value: (after.run(g.getTensorByName(n)) as tf.NDArray).toArray(),
    }));
    expect(got.map((x, i) => `${names[i]} ${x.shape}`)).toEqual(
      expected.map((x, i) => `${names[i]} ${x.shape}`),
    );
    expect(got).toEqual(expected);
  });
});

describe("tf.norm(ord=2) of matrices", () => {
  it("is the largest singular value, over any two axes, built as TF 1.15 builds it", () => {
    const b = tf.reshape(tf.range(-7, 17, 1, { dtype: tf.float32 }), [2, 3, 4]);
    const n = tf.norm(b, 2, [2, 0]);
    // The permutations are map_fn results, so (as in TF) only the rank is known.
    expect(n.shape.toString()).toBe("(?,)");
    // numpy.linalg.norm(b, 2, axis=(2, 0))
    close(run(n), [17.03148292, 21.29909657, 29.54149449]);
    close(run(tf.norm(b, 2, [-1, 0], true)), [17.03148292, 21.29909657, 29.54149449]);
    const types = new Set(
      tf
        .getDefaultGraph()
        .getOperations()
        .filter((o) => o.name.startsWith("norm/"))
        .map((o) => o.type),
    );
    for (const t of ["ListDiff", "Where", "Svd", "Max", "Transpose", "Enter", "Switch"]) {
      expect(types.has(t), t).toBe(true);
    }
    expect(tf.norm(b, 2, [-1, 0], true).shape.toString()).toBe("(?, ?, ?)");
  });
});
