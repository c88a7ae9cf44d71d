/**
 * tf.einsum as TF 1.15 builds it (`_einsum_v1`): values of TF's special_math_ops_test
 * equations against a direct summation, the ops and names it builds, unknown batch dims,
 * ellipses, TF's errors (leaving the graph unchanged), and gradients through the composite.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as tf from "../../src/index.js";
import { checkGradients } from "../gradients/helpers.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";
import { einsumOp } from "../../src/ops/linalg/einsum.js";

beforeEach(() => tf.resetDefaultGraph());

/** A direct summation over every label: the definition of einsum, as the oracle. */
function reference(
  equation: string,
  inputs: { shape: number[]; values: number[] }[],
): { shape: number[]; values: number[] } {
  const eq = equation.replace(/ /g, "");
  const [lhs, given] = eq.split("->") as [string, string | undefined];
  const subs = lhs.split(",");
  const sizes = new Map<string, number>();
  // A size-1 axis broadcasts (as an ellipsis axis does).
  subs.forEach((s, i) =>
    [...s].forEach((c, k) => sizes.set(c, Math.max(sizes.get(c) ?? 0, inputs[i]!.shape[k]!))),
  );
  const counts = new Map<string, number>();
  for (const c of subs.join("")) counts.set(c, (counts.get(c) ?? 0) + 1);
  const out =
    given ??
    [...counts]
      .filter(([, n]) => n === 1)
      .map(([c]) => c)
      .sort()
      .join("");
  const labels = [...sizes.keys()];
  const shape = [...out].map((c) => sizes.get(c)!);
  const values = new Array<number>(shape.reduce((p, d) => p * d, 1)).fill(0);
  const idx = new Map<string, number>(labels.map((c) => [c, 0]));
  const offset = (s: string, dims: number[]) =>
    [...s].reduce((o, c, k) => o * dims[k]! + (dims[k] === 1 ? 0 : idx.get(c)!), 0);
  const total = labels.reduce((p, c) => p * sizes.get(c)!, 1);
  for (let flat = 0; flat < total; flat++) {
    let r = flat;
    for (let k = labels.length - 1; k >= 0; k--) {
      const c = labels[k]!;
      idx.set(c, r % sizes.get(c)!);
      r = Math.floor(r / sizes.get(c)!);
    }
    let prod = 1;
    subs.forEach((s, i) => (prod *= inputs[i]!.values[offset(s, inputs[i]!.shape)]!));
    values[offset(out, shape)]! += prod;
  }
  return { shape, values };
}

/** Deterministic small values for an input of `shape`. */
function valuesFor(shape: number[], seed: number): number[] {
  const n = shape.reduce((p, d) => p * d, 1);
  return Array.from({ length: n }, (_, i) => (((i * 7 + seed * 13) % 11) - 5) / 4);
}

/** Shapes for `equation`'s inputs with each label a size from 2 to 4. */
function shapesFor(equation: string): number[][] {
  const lhs = equation.replace(/ /g, "").split("->")[0]!;
  return lhs.split(",").map((s) => [...s].map((c) => 2 + (c.charCodeAt(0) % 3)));
}

function check(equation: string): void {
  const shapes = shapesFor(equation);
  const inputs = shapes.map((shape, i) => ({ shape, values: valuesFor(shape, i) }));
  const expected = reference(equation, inputs);
  const g = new tf.Graph();
  g.asDefault(() => {
    const y = tf.einsum(equation, ...inputs.map((x) => tf.reshape(tf.constant(x.values), x.shape)));
    expect(y.shape.asList(), equation).toEqual(expected.shape);
    using sess = new tf.Session();
    const got = (sess.run(y) as tf.NDArray).data as Float32Array;
    expect(got.length).toBe(expected.values.length);
    got.forEach((v, i) =>
      expect(Math.abs(v - expected.values[i]!), `${equation} [${i}]`).toBeLessThan(
        1e-4 * Math.max(1, Math.abs(expected.values[i]!)),
      ),
    );
  });
}

// special_math_ops_test.py's EinsumTest cases.
const SIMPLE_CASES = [
  "ij,jk->ik",
  "ijk,jklm->il",
  "ij,jk,kl->il",
  "ijk->i",
  "ijk->kji",
  "ji,kj->ik",
  "ikl,kji->kl",
  "klj,lki->ij",
  "ijk,ilj->kli",
  "kij,mkb->ijmb",
  "ijk,ijl,ikl->i",
  "i,ijk,j->k",
  "ij,ij,jk,kl->il",
  "ij,kj,il,jm->ml",
  "a,ab,abc->abc",
  "a,b,ab->ab",
  "ab,ab,c->",
  "ab,ab,c->c",
  "ab,ab,cd,cd->",
  "ab,ab,cd,cd->ac",
  "ab,ab,cd,cd->cd",
  "ab,ab,cd,cd,ef,ef->",
  "ab,cd,ef->abcdef",
  "ab,cd,ef->acdf",
  "ab,cd,de->abcde",
  "ab,cd,de->be",
  "ab,bcd,cd->abcd",
  "ab,bcd,cd->abd",
  "eb,cb,fb->cef",
  "abcd,ad",
  "bd,db,eac->ace",
  "ba,ac,da->bcd",
  "ab,ab",
  "ab,ba",
  "abc,abc",
  "abc,bac",
  "abc,cba",
  "dba,ead,cad->bce",
  "aef,fbc,dca->bde",
  "iJ,Jk->ik",
  "iJ,Ki->JK",
  "iJk,Jklm->Jk",
  "ij, jk, kl -> il",
  "a, ab, abc -> abc",
  "abc, bac",
];
const LONG_CASES = [
  "bca,cdb,dbf,afc->",
  "efc,dbc,acf,fd->abe",
  "ea,fb,gc,hd,abcd->efgh",
  "ea,fb,abcd,gc,hd->efgh",
  "abhe,hidj,jgba,hiab,gab",
];

describe("tf.einsum values", () => {
  it("computes TF's simple cases", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    for (const eq of SIMPLE_CASES) check(eq);
    warn.mockRestore();
  });

  it("computes TF's long cases (some through the exponential-space fallback)", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    for (const eq of LONG_CASES) check(eq);
    expect(warn).toHaveBeenCalledWith(
      'WARNING:tensorflow:Falling back to exponential-space implementation of einsum() because index "b" is summed over more than two inputs.',
    );
    warn.mockRestore();
  });

  it("takes the trace 'ii' and a transpose", () => {
    const m = tf.constant([
      [1, 2],
      [3, 4],
    ]);
    const t = tf.einsum("ii", m);
    expect(t.name).toBe("einsum/Trace:0");
    using sess = new tf.Session();
    expect(sess.run(t).toString()).toBe("5.0");
    expect(sess.run(tf.linalg.einsum("ij->ji", m)).toString()).toBe(`[[1. 3.]\n [2. 4.]]`);
  });
});

describe("tf.einsum graphs", () => {
  it("builds a MatMul for a matrix product and no op for 'ij->ij'", () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([3, 4]);
    const y = tf.einsum("ij,jk->ik", a, b, { name: "prod" });
    expect(y.name).toBe("prod/MatMul:0");
    expect(tf.einsum("ij->ij", a)).toBe(a);
  });

  it("reshapes shared axes into a batch matmul ('ij,ij->i')", () => {
    tf.einsum("ij,ij->i", tf.zeros([2, 3]), tf.zeros([2, 3]));
    const ops = tf
      .getDefaultGraph()
      .getOperations()
      .filter((o) => o.name.startsWith("einsum/"))
      .map((o) => `${o.name}:${o.type}`);
    expect(ops).toEqual([
      "einsum/Reshape/shape:Const",
      "einsum/Reshape:Reshape",
      "einsum/Reshape_1/shape:Const",
      "einsum/Reshape_1:Reshape",
      "einsum/MatMul:BatchMatMulV2",
      "einsum/Reshape_2/shape:Const",
      "einsum/Reshape_2:Reshape",
    ]);
  });

  it("multiplies with expanded dims when nothing is summed ('i,j->ij')", () => {
    const y = tf.einsum("i,j->ij", tf.zeros([2]), tf.zeros([3]));
    expect(y.name).toBe("einsum/Mul:0");
    expect(y.shape.toString()).toBe("(2, 3)");
    expect(y.op.inputs.map((t) => t.op.type)).toEqual(["ExpandDims", "ExpandDims"]);
  });

  it("reads unknown dims from Shape at run time", () => {
    const x = tf.placeholder(tf.float32, [null, 2, 3]);
    const w = tf.constant(valuesFor([3, 4], 1), { shape: [3, 4] });
    const y = tf.einsum("bij,jk->bik", x, w);
    expect(y.shape.toString()).toBe("(?, 2, 4)");
    const types = new Set(
      tf
        .getDefaultGraph()
        .getOperations()
        .map((o) => o.type),
    );
    for (const t of ["Shape", "StridedSlice", "Pack", "Mul", "MatMul", "Reshape"]) {
      expect(types.has(t), t).toBe(true);
    }
    const xv = valuesFor([5, 2, 3], 0);
    const expected = reference("bij,jk->bik", [
      { shape: [5, 2, 3], values: xv },
      { shape: [3, 4], values: valuesFor([3, 4], 1) },
    ]);
    using sess = new tf.Session();
    const feed = new tf.NDArray(Float32Array.from(xv), [5, 2, 3], "float32");
    const got = (sess.run(y, new Map([[x, feed]])) as tf.NDArray).data as Float32Array;
    got.forEach((v, i) => expect(v).toBeCloseTo(expected.values[i]!, 4));
  });

  it("resolves ellipses with unused letters, broadcasting batch dims", () => {
    const a = tf.constant(valuesFor([2, 3, 4], 0), { shape: [2, 3, 4] });
    const b = tf.constant(valuesFor([2, 4, 5], 1), { shape: [2, 4, 5] });
    const y = tf.einsum("...ij,...jk->...ik", a, b);
    expect(y.shape.toString()).toBe("(2, 3, 5)");
    const expected = reference("Zij,Zjk->Zik", [
      { shape: [2, 3, 4], values: valuesFor([2, 3, 4], 0) },
      { shape: [2, 4, 5], values: valuesFor([2, 4, 5], 1) },
    ]);
    using sess = new tf.Session();
    const got = (sess.run(y) as tf.NDArray).data as Float32Array;
    got.forEach((v, i) => expect(v).toBeCloseTo(expected.values[i]!, 4));
    expect(tf.einsum("...ij->...ji", a).shape.toString()).toBe("(2, 4, 3)");
    // Without an output, the ellipsis axes come first.
    expect(tf.einsum("ij...,jk", tf.zeros([3, 4, 2]), tf.zeros([4, 5])).shape.toString()).toBe(
      "(2, 3, 5)",
    );
  });
});

describe("tf.einsum errors", () => {
  const x = () => tf.zeros([2, 3]);
  const cases: [string, () => tf.Tensor[], string][] = [
    ["", () => [x()], "Indices have incorrect format: "],
    ["ijk ijk", () => [x()], "Subscript not supported: an axis appears more than once: ijkijk"],
    ["ij.jk->ik", () => [x(), x()], 'Got 2 arguments for equation "ij.jk->ik", expecting 1'],
    ["ij,jk->im", () => [x(), tf.zeros([3, 4])], "Invalid equation: ij,jk->im"],
    [
      "ij,jkl->kl",
      () => [x(), tf.zeros([3, 4])],
      "Tensor t1 of rank 2 does not match einsum reduction of length 3",
    ],
    [
      "ijj,jk->ik",
      () => [tf.zeros([2, 3, 3]), tf.zeros([3, 4])],
      "Subscript not supported: an axis appears more than once: ijj",
    ],
    [
      "ijk,jk->ij",
      () => [tf.zeros([2, 3, 4]), tf.zeros([3, 5])],
      "Cannot reshape a tensor with 15 elements to shape [3,4,1] (12 elements)",
    ],
    ["i...j...", () => [x()], "Unable to resolve ellipsis. Excess number found."],
    ["ijk...->i", () => [x()], "Ellipses lengths do not match."],
    ["i.j,...->i", () => [x(), x()], 'period "." found outside of ellipsis'],
    [
      "...ij->i",
      () => [tf.placeholder(tf.float32, null)],
      "Unable to statically infer ellipsis axes.",
    ],
  ];
  for (const [eq, inputs, message] of cases) {
    it(`refuses '${eq}'`, () => {
      const xs = inputs();
      const prefix = new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`);
      expectThrowsAndUnchanged(() => tf.einsum(eq, ...xs), tf.errors.ValueError, prefix);
    });
  }

  it("takes only name as a keyword, with TF's message", () => {
    const a = x();
    expectThrowsAndUnchanged(
      () => tf.einsum("ij", a, { optimize: "greedy" } as never),
      TypeError,
      "invalid keyword arguments for this function: optimize",
    );
  });
});

describe("tf.einsum gradients", () => {
  for (const eq of [
    "ij,jk->ik",
    "bij,bkj->bik",
    "ij,ij->i",
    "i,j->ij",
    "ijk->kj",
    "ij,jk,kl->il",
  ]) {
    it(`flow through '${eq}'`, async () => {
      const shapes = shapesFor(eq);
      await checkGradients({
        inputs: shapes.map((shape) => ({ shape })),
        graph: (...xs) => tf.einsum(eq, ...xs),
        step: 1e-3,
      });
    });
  }
});

describe("binary ops past rank 6 (einsum's outer products)", () => {
  it("broadcast correctly on every backend", () => {
    const a = tf.reshape(tf.range(0, 16, 1, { dtype: tf.float32 }), [2, 1, 2, 1, 2, 1, 2]);
    const b = tf.ones([1, 2, 1, 2, 1, 2, 1]);
    const y = tf.multiply(a, b);
    expect(y.shape.toString()).toBe("(2, 2, 2, 2, 2, 2, 2)");
    using sess = new tf.Session();
    expect(sess.run(tf.reduceSum(y)).toString()).toBe("960.0");
    expect(sess.run(tf.reduceSum(tf.add(a, b))).toString()).toBe("1088.0");
  });
});

describe("the Einsum op of an imported GraphDef", () => {
  /** A GraphDef (text) of two constants and an Einsum node, as TF 2.x graphs hold it. */
  function graphText(equation: string, a: tf.NDArray, b: tf.NDArray): string {
    const constant = (name: string, v: tf.NDArray) => `node {
  name: "${name}" op: "Const"
  attr { key: "dtype" value { type: DT_FLOAT } }
  attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { ${v.shape
    .map((d) => `dim { size: ${d} }`)
    .join(" ")} } ${Array.from(v.data as Float32Array)
    .map((x) => `float_val: ${x}`)
    .join(" ")} } } }
}`;
    return `${constant("a", a)}
${constant("b", b)}
node {
  name: "e" op: "Einsum" input: "a" input: "b"
  attr { key: "N" value { i: 2 } }
  attr { key: "T" value { type: DT_FLOAT } }
  attr { key: "equation" value { s: "${equation}" } }
}
versions { producer: 134 }`;
  }

  for (const [equation, sa, sb] of [
    ["ij,jk->ik", [2, 3], [3, 4]],
    ["...ij,...jk->...ik", [2, 1, 2, 3], [3, 3, 2]],
    ["ii,i->i", [3, 3], [3]],
    ["bij,bkj->bki", [2, 2, 3], [2, 4, 3]],
  ] as const) {
    it(`runs '${equation}' with its inferred shape`, () => {
      const av = valuesFor([...sa], 0);
      const bv = valuesFor([...sb], 1);
      const a = new tf.NDArray(Float32Array.from(av), [...sa], "float32");
      const b = new tf.NDArray(Float32Array.from(bv), [...sb], "float32");
      const g = new tf.Graph();
      g.asDefault(() =>
        tf.importGraphDef(tf.GraphDef.fromText(graphText(equation, a, b)), { name: "" }),
      );
      const e = g.getTensorByName("e:0");
      // The reference spells the ellipsis as the axes Y, Z (b has no Y: it broadcasts).
      const spelled = equation.startsWith("...") ? "YZij,Zjk->YZik" : equation;
      const expected = reference(spelled, [
        { shape: [...sa], values: av },
        { shape: [...sb], values: bv },
      ]);
      expect(e.shape.asList()).toEqual(expected.shape);
      using sess = new tf.Session({ graph: g });
      const got = (sess.run(e) as tf.NDArray).data as Float32Array;
      expect(got.length).toBe(expected.values.length);
      got.forEach((v, i) => expect(v).toBeCloseTo(expected.values[i]!, 4));
    });
  }
});

describe("the Einsum op's gradient (linalg_grad.py's EinsumGrad)", () => {
  for (const [equation, shapes] of [
    [
      "ij,jk->ik",
      [
        [2, 3],
        [3, 4],
      ],
    ],
    ["ij->ji", [[2, 3]]],
    ["ijk->ik", [[2, 3, 2]]],
    ["ii->i", [[3, 3]]],
    ["ii->", [[3, 3]]],
    [
      "ij,jk->i",
      [
        [2, 3],
        [3, 2],
      ],
    ],
    [
      "bij,bkj->bki",
      [
        [2, 2, 3],
        [2, 4, 3],
      ],
    ],
    [
      "...ij,...jk->...ik",
      [
        [2, 1, 2, 3],
        [3, 3, 2],
      ],
    ],
  ] as const) {
    it(`'${equation}'`, async () => {
      await checkGradients({
        inputs: shapes.map((shape) => ({ shape: [...shape] })),
        graph: (...xs) => einsumOp(xs, equation),
        step: 1e-3,
      });
    });
  }
});
