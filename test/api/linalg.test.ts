/**
 * The calling convention of einsum and the Cholesky/solve/decomposition family: TF 1.15's
 * positional order and the options object build the same graph; their namespace names.
 */
import { describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectRefused, expectSameGraphs } from "./helpers.js";

const m = () =>
  tf.constant([
    [4, 2],
    [2, 5],
  ]);
const r = () => tf.constant([[1], [2]]);

describe("linalg solve family", () => {
  it("cholesky(input, name)", () => {
    expectSameGraphs(
      () => tf.cholesky(m(), "c"),
      () => tf.cholesky(m(), { name: "c" }),
      () => tf.cholesky({ input: m(), name: "c" }),
    );
  });

  it("matrixSolve(matrix, rhs, adjoint, name)", () => {
    expectSameGraphs(
      () => tf.matrixSolve(m(), r(), true, "s"),
      () => tf.matrixSolve(m(), r(), { adjoint: true, name: "s" }),
      () => tf.matrixSolve({ matrix: m(), rhs: r(), adjoint: true, name: "s" }),
    );
  });

  it("matrixTriangularSolve(matrix, rhs, lower, adjoint, name)", () => {
    expectSameGraphs(
      () => tf.matrixTriangularSolve(m(), r(), false, true, "t"),
      () => tf.matrixTriangularSolve(m(), r(), { lower: false, adjoint: true, name: "t" }),
      () =>
        tf.matrixTriangularSolve({ matrix: m(), rhs: r(), lower: false, adjoint: true, name: "t" }),
    );
  });

  it("choleskySolve(chol, rhs, name), logMatrixDeterminant(input, name), logdet(matrix, name)", () => {
    expectSameGraphs(
      () => tf.choleskySolve(m(), r(), "cs"),
      () => tf.choleskySolve(m(), r(), { name: "cs" }),
      () => tf.choleskySolve({ chol: m(), rhs: r(), name: "cs" }),
    );
    expectSameGraphs(
      () => tf.logMatrixDeterminant(m(), "d"),
      () => tf.logMatrixDeterminant(m(), { name: "d" }),
      () => tf.logMatrixDeterminant({ input: m(), name: "d" }),
    );
    expectSameGraphs(
      () => tf.linalg.logdet(m(), "l"),
      () => tf.linalg.logdet({ matrix: m(), name: "l" }),
    );
    expectSameGraphs(
      () => tf.linalg.adjoint(m(), "a"),
      () => tf.linalg.adjoint({ matrix: m(), name: "a" }),
    );
  });

  it("svd(tensor, full_matrices, compute_uv, name)", () => {
    expectSameGraphs(
      () => tf.svd(m(), true, false, "s"),
      () => tf.svd(m(), { fullMatrices: true, computeUv: false, name: "s" }),
      () => tf.svd({ tensor: m(), fullMatrices: true, computeUv: false, name: "s" }),
    );
    const x = m();
    expectRefused(
      () => tf.svd(x, { full_matrices: true } as never),
      "svd() got an unexpected keyword argument 'full_matrices' (did you mean 'fullMatrices'?)",
    );
  });

  it("svd and logdet take the name scope of math_ops.real, as TF 1.15", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      tf.svd(m());
      expect(tf.constant(1, { name: "Real" }).name).toBe("Real_1:0");
      tf.linalg.logdet(m());
      expect(tf.constant(1, { name: "logdet/Real" }).name).toBe("logdet/Real_1:0");
    });
  });

  it("einsum(equation, *inputs, name)", () => {
    expectSameGraphs(
      () => tf.einsum("ij,jk->ik", m(), m(), { name: "e" }),
      () => tf.linalg.einsum("ij,jk->ik", m(), m(), { name: "e" }),
    );
  });

  it("has TF 1.15's v1 names", () => {
    expect(tf.linalg.cholesky).toBe(tf.cholesky);
    expect(tf.linalg.solve).toBe(tf.matrixSolve);
    expect(tf.linalg.triangularSolve).toBe(tf.matrixTriangularSolve);
    expect(tf.linalg.choleskySolve).toBe(tf.choleskySolve);
    expect(tf.linalg.slogdet).toBe(tf.logMatrixDeterminant);
    expect(tf.linalg.svd).toBe(tf.svd);
    expect(tf.linalg.qr).toBe(tf.qr);
    expect(tf.linalg.einsum).toBe(tf.einsum);
  });
});
