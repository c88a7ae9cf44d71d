/**
 * The calling convention (API.md's argument rule) on the math ops, variable updates,
 * group/noOp/controlDependencies, the initializers, the clipping functions and
 * tf.gradients: TF 1.15's positional form and the options form build the same graph; the
 * literal TF calls compute what they compute in TF; what TF refuses is refused, the graph
 * unchanged.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";
import { expectRefused, expectSameGraphs } from "./helpers.js";

const X = [
  [1, -9, 3],
  [7, 2, -5],
];
const Y = [
  [2, 1, 3],
  [1, 4, 2],
];
const X3 = [
  [
    [1, 2, 3, 4],
    [5, 6, 7, 8],
    [9, 10, 11, 12],
  ],
  [
    [-1, -2, -3, -4],
    [-5, -6, -7, -8],
    [-9, -10, -11, -12],
  ],
];

beforeEach(() => {
  tf.resetDefaultGraph();
});

function run(fetch: tf.Tensor | tf.Operation): string {
  using sess = new tf.Session();
  return String(sess.run(fetch as tf.Tensor));
}

/** The line of `pic` for the op named `name`. */
function line(pic: string[], name: string): string {
  const found = pic.find((l) => l.startsWith(`${name} = `));
  expect(found, `no op ${name} in\n${pic.join("\n")}`).toBeDefined();
  return found as string;
}

describe("binary ops: (x, y, name)", () => {
  const binary = [
    ["add", tf.add, "Add"],
    ["subtract", tf.subtract, "Sub"],
    ["multiply", tf.multiply, "Mul"],
    ["divide", tf.divide, "RealDiv"],
    ["maximum", tf.maximum, "Maximum"],
    ["minimum", tf.minimum, "Minimum"],
    ["pow", tf.pow, "Pow"],
    ["squaredDifference", tf.squaredDifference, "SquaredDifference"],
    ["equal", tf.equal, "Equal"],
    ["notEqual", tf.notEqual, "NotEqual"],
    ["less", tf.less, "Less"],
    ["lessEqual", tf.lessEqual, "LessEqual"],
    ["greater", tf.greater, "Greater"],
    ["greaterEqual", tf.greaterEqual, "GreaterEqual"],
  ] as const;

  it.each(binary)("%s: positional, options and keyword forms agree", (_, f, type) => {
    const pic = expectSameGraphs(
      () => f(tf.constant(X3), tf.constant(2), "op"),
      () => f(tf.constant(X3), tf.constant(2), { name: "op" }),
      () => f({ x: tf.constant(X3), y: tf.constant(2), name: "op" }),
      () => f(tf.constant(X3), { y: tf.constant(2), name: "op" }),
    );
    const dtype = ["Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual"].includes(
      type,
    )
      ? "bool"
      : "float32";
    expect(line(pic, "op")).toMatch(
      new RegExp(`^op = ${type}\\(Const:0,Const_1:0\\) .* -> ${dtype}\\(2, 3, 4\\)$`),
    );
  });

  it("computes on [2,3] operands", () => {
    expect(run(tf.subtract(tf.constant(X), tf.constant(Y)))).toBe(
      run(
        tf.constant([
          [-1, -10, 0],
          [6, -2, -7],
        ]),
      ),
    );
    expect(run(tf.maximum(tf.constant(X), 0))).toBe(
      run(
        tf.constant([
          [1, 0, 3],
          [7, 2, 0],
        ]),
      ),
    );
  });

  it("refuses unknown keys, wrong kinds, a missing operand and surplus", () => {
    const x = tf.constant(X);
    expectRefused(
      () => tf.add(x, 1, { nme: "a" } as never),
      "add() got an unexpected keyword argument 'nme' (did you mean 'name'?)",
    );
    expectRefused(
      () => tf.multiply(x, 2, 3 as never),
      "multiply() argument 'name' (position 3) must be a str, not int 3",
    );
    expectRefused(
      () => tf.add(x, undefined as never),
      "add() missing 1 required positional argument: 'y'",
    );
    expectRefused(
      () => tf.add(x, 1, "a", "b" as never),
      "add() takes from 2 to 3 positional arguments but 4 were given",
    );
    expectRefused(
      () => tf.add(x, (() => 1) as never),
      /^add\(\) argument 'y' \(position 2\) must be a Tensor or a value convertible to one, not a function/,
    );
  });
});

describe("unary ops: (x, name); identity/stopGradient: (input, name); nn activations: (features, name)", () => {
  const unary = [
    ["negative", tf.negative, "Neg"],
    ["square", tf.square, "Square"],
    ["sqrt", tf.sqrt, "Sqrt"],
    ["rsqrt", tf.rsqrt, "Rsqrt"],
    ["exp", tf.exp, "Exp"],
    ["log", tf.log, "Log"],
    ["log1p", tf.log1p, "Log1p"],
    ["abs", tf.abs, "Abs"],
    ["sign", tf.sign, "Sign"],
    ["floor", tf.floor, "Floor"],
    ["ceil", tf.ceil, "Ceil"],
    ["round", tf.round, "Round"],
    ["reciprocal", tf.reciprocal, "Reciprocal"],
    ["sin", tf.sin, "Sin"],
    ["cos", tf.cos, "Cos"],
    ["tanh", tf.tanh, "Tanh"],
    ["sigmoid", tf.sigmoid, "Sigmoid"],
  ] as const;

  it.each(unary)("%s: positional, options and keyword forms agree", (_, f, type) => {
    const pic = expectSameGraphs(
      () => f(tf.constant(X3), "u"),
      () => f(tf.constant(X3), { name: "u" }),
      () => f({ x: tf.constant(X3), name: "u" }),
    );
    expect(line(pic, "u")).toBe(`u = ${type}(Const:0) [T="float32"] -> float32(2, 3, 4)`);
  });

  const byInput = [
    ["identity", tf.identity, "Identity"],
    ["stopGradient", tf.stopGradient, "StopGradient"],
  ] as const;
  it.each(byInput)("%s takes TF's `input`", (_, f, type) => {
    const pic = expectSameGraphs(
      () => f(tf.constant(X), "i"),
      () => f({ input: tf.constant(X), name: "i" }),
    );
    expect(line(pic, "i")).toBe(`i = ${type}(Const:0) [T="float32"] -> float32(2, 3)`);
    const x = tf.constant(X);
    expectRefused(() => f({ x } as never), `${_}() got an unexpected keyword argument 'x'`);
  });

  const activations = [
    ["relu", tf.nn.relu, "Relu"],
    ["relu6", tf.nn.relu6, "Relu6"],
    ["elu", tf.nn.elu, "Elu"],
    ["selu", tf.nn.selu, "Selu"],
    ["softplus", tf.nn.softplus, "Softplus"],
  ] as const;
  it.each(activations)("nn.%s takes TF's `features`", (_, f, type) => {
    const pic = expectSameGraphs(
      () => f(tf.constant(X), "a"),
      () => f({ features: tf.constant(X), name: "a" }),
      () => f(tf.constant(X), { name: "a" }),
    );
    expect(line(pic, "a")).toBe(`a = ${type}(Const:0) [T="float32"] -> float32(2, 3)`);
  });

  it("logicalNot on bool", () => {
    const pic = expectSameGraphs(
      () => tf.logicalNot(tf.constant([true, false]), "n"),
      () => tf.logicalNot({ x: tf.constant([true, false]), name: "n" }),
    );
    expect(line(pic, "n")).toBe(`n = LogicalNot(Const:0) [] -> bool(2,)`);
    expect(run(tf.logicalNot(tf.constant([true, false])))).toBe("[False  True]");
  });

  it("computes tf.abs(x) and tf.nn.relu(x) on [2,3]", () => {
    expect(run(tf.abs(tf.constant(X)))).toBe(run(tf.constant(X.map((r) => r.map(Math.abs)))));
    expect(run(tf.nn.relu(tf.constant(X)))).toBe(
      run(tf.constant(X.map((r) => r.map((v) => Math.max(v, 0))))),
    );
  });

  it("refuses a name given as a number and an unknown key", () => {
    const x = tf.constant(X);
    expectRefused(
      () => tf.square(x, 1 as never),
      "square() argument 'name' (position 2) must be a str, not int 1",
    );
    expectRefused(
      () => tf.nn.relu(x, { alpha: 0.2 } as never),
      "nn.relu() got an unexpected keyword argument 'alpha'",
    );
  });
});

describe("matmul(a, b, transpose_a, transpose_b, adjoint_a, adjoint_b, a_is_sparse, b_is_sparse, name)", () => {
  const A = [
    [1, 2, 3],
    [4, 5, 6],
  ];
  const B = [
    [1, 0, 2],
    [0, 1, 3],
  ];

  it("positional flags, options and keywords build one graph", () => {
    const pic = expectSameGraphs(
      () => tf.matmul(tf.constant(A), tf.constant(B), false, true, false, false, false, false, "m"),
      () => tf.matmul(tf.constant(A), tf.constant(B), { transposeB: true, name: "m" }),
      () => tf.matmul(tf.constant(A), tf.constant(B), false, { transposeB: true, name: "m" }),
      () => tf.matmul(tf.constant(A), tf.constant(B), { adjointB: true, name: "m" }),
      () => tf.matmul({ a: tf.constant(A), b: tf.constant(B), transposeB: true, name: "m" }),
    );
    expect(line(pic, "m")).toBe(
      'm = MatMul(Const:0,Const_1:0) [T="float32",transpose_a=false,transpose_b=true] -> float32(2, 2)',
    );
  });

  it("tf.matmul(a, b, True) transposes a (the third positional is transpose_a)", () => {
    expect(run(tf.matmul(tf.constant(A), tf.constant(B), true))).toBe(
      run(
        tf.constant([
          [1, 4, 14],
          [2, 5, 19],
          [3, 6, 24],
        ]),
      ),
    );
    expect(run(tf.matmul(tf.constant(A), tf.constant(B), false, true))).toBe(
      run(
        tf.constant([
          [7, 11],
          [16, 23],
        ]),
      ),
    );
  });

  it("batches rank 3 with adjoint flags (BatchMatMulV2, adj_x)", () => {
    const pic = expectSameGraphs(
      () =>
        tf.matmul(tf.constant(X3), tf.constant(X3), false, false, true, false, false, false, "bm"),
      () => tf.matmul(tf.constant(X3), tf.constant(X3), { adjointA: true, name: "bm" }),
      () => tf.matmul(tf.constant(X3), tf.constant(X3), { transposeA: true, name: "bm" }),
    );
    expect(line(pic, "bm")).toBe(
      'bm = BatchMatMulV2(Const:0,Const_1:0) [T="float32",adj_x=true,adj_y=false] -> float32(2, 4, 4)',
    );
  });

  it("names literal operands a and b, as TF converts them", () => {
    const pic = expectSameGraphs(() => tf.matmul(A, tf.constant(B), false, true));
    expect(line(pic, "MatMul/a")).toMatch(/^MatMul\/a = Const\(\)/);
  });

  it("int32 with a sparsity hint is an ordinary MatMul (TF only builds SparseMatMul for floats)", () => {
    const int = (v: number[][]) => tf.constant(v, { dtype: tf.int32 });
    const pic = expectSameGraphs(
      () => tf.matmul(int(A), int(B), false, true, false, false, true, false, "m"),
      () => tf.matmul(int(A), int(B), { transposeB: true, name: "m" }),
    );
    expect(line(pic, "m")).toBe(
      'm = MatMul(Const:0,Const_1:0) [T="int32",transpose_a=false,transpose_b=true] -> int32(2, 2)',
    );
  });

  it("refuses transpose with adjoint, float sparsity hints, unknown keys and wrong kinds", () => {
    const a = tf.constant(A);
    const b = tf.constant(B);
    expectThrowsAndUnchanged(
      () => tf.matmul(a, b, true, false, true),
      tf.errors.ValueError,
      "Only one of transpose_a and adjoint_a can be True.",
    );
    expectThrowsAndUnchanged(
      () => tf.matmul(a, b, { transposeB: true, aIsSparse: true }),
      tf.errors.ValueError,
      /SparseMatMul/,
    );
    expectRefused(
      () => tf.matmul(a, b, { transpose_b: true } as never),
      "matmul() got an unexpected keyword argument 'transpose_b' (did you mean 'transposeB'?)",
    );
    expectRefused(
      () => tf.matmul(a, b, "m" as never),
      "matmul() argument 'transposeA' (position 3) must be a bool, not str 'm'",
    );
  });
});

describe("range(start, limit, delta, dtype, name)", () => {
  it("positional and options forms agree", () => {
    const pic = expectSameGraphs(
      () => tf.range(1, 7, 2, tf.float32, "r"),
      () => tf.range(1, { limit: 7, delta: 2, dtype: tf.float32, name: "r" }),
      () => tf.range({ start: 1, limit: 7, delta: 2, dtype: tf.float32, name: "r" }),
    );
    expect(line(pic, "r")).toMatch(
      /^r = Range\(r\/start:0,r\/limit:0,r\/delta:0\) .* -> float32\(3,\)$/,
    );
  });

  it("tf.range(5) is the limit; tf.range(2, 8, 3); a float delta", () => {
    expect(run(tf.range(5))).toBe("[0 1 2 3 4]");
    expect(run(tf.range(2, 8, 3))).toBe("[2 5]");
    expect(run(tf.range(1, 2, 0.5))).toBe("[1.  1.5]");
    expect(tf.range(5).dtype).toBe("int32");
  });

  it("refuses unknown keys and a string limit", () => {
    expectRefused(
      () => tf.range(5, { step: 2 } as never),
      "range() got an unexpected keyword argument 'step'",
    );
    expectRefused(
      () => tf.range(0, "5" as never),
      "range() argument 'limit' (position 2) must be a number or a Tensor, not str '5'",
    );
  });
});

describe("addN(inputs, name)", () => {
  it("positional and options forms agree", () => {
    const pic = expectSameGraphs(
      () => tf.addN([tf.constant(X), tf.constant(Y), tf.constant(X)], "s"),
      () => tf.addN([tf.constant(X), tf.constant(Y), tf.constant(X)], { name: "s" }),
      () => tf.addN({ inputs: [tf.constant(X), tf.constant(Y), tf.constant(X)], name: "s" }),
    );
    expect(line(pic, "s")).toBe(
      's = AddN(Const:0,Const_1:0,Const_2:0) [N=3,T="float32"] -> float32(2, 3)',
    );
  });

  it("sums; a single tensor (not a list) is TF's ValueError", () => {
    expect(run(tf.addN([tf.constant(X), tf.constant(Y)]))).toBe(
      run(
        tf.constant([
          [3, -8, 6],
          [8, 6, -3],
        ]),
      ),
    );
    const x = tf.constant(X);
    expectThrowsAndUnchanged(
      () => tf.addN(x as never),
      tf.errors.ValueError,
      "inputs must be a list of at least one Tensor/IndexedSlices with the same dtype and shape",
    );
    expectRefused(
      () => tf.addN([x], { Name: "s" } as never),
      "addN() got an unexpected keyword argument 'Name' (did you mean 'name'?)",
    );
  });
});

describe("assign(ref, value, validate_shape, use_locking, name), assignAdd/assignSub(ref, value, use_locking, name)", () => {
  function variable(): tf.Variable {
    return new tf.Variable(tf.constant(X), { name: "v" });
  }

  it("assign: positional and options forms agree, with TF's attrs", () => {
    const pic = expectSameGraphs(
      () => tf.assign(variable(), tf.constant(Y), true, false, "a"),
      () =>
        tf.assign(variable(), tf.constant(Y), {
          validateShape: true,
          useLocking: false,
          name: "a",
        }),
      () => tf.assign({ ref: variable(), value: tf.constant(Y), useLocking: false, name: "a" }),
    );
    expect(line(pic, "a")).toBe(
      'a = Assign(v:0,Const_1:0) [T="float32",_class=["loc:@v"],use_locking=false,validate_shape=true] -> float32(2, 3)',
    );
    const defaults = expectSameGraphs(() => tf.assign(variable(), tf.constant(Y)));
    expect(line(defaults, "Assign")).toContain("use_locking=true,validate_shape=true");
  });

  it("validate_shape=False positionally lets the shape change", () => {
    const pic = expectSameGraphs(
      () => tf.assign(variable(), tf.constant([1, 2]), false),
      () => tf.assign(variable(), tf.constant([1, 2]), { validateShape: false }),
    );
    expect(line(pic, "Assign")).toMatch(/validate_shape=false\] -> float32\(2,\)$/);
  });

  const updates = [
    ["assignAdd", tf.assignAdd, "AssignAdd"],
    ["assignSub", tf.assignSub, "AssignSub"],
  ] as const;
  it.each(updates)(
    "%s: positional and options forms agree; use_locking defaults to false",
    (_, f, type) => {
      const pic = expectSameGraphs(
        () => f(variable(), tf.constant(Y), true, "u"),
        () => f(variable(), tf.constant(Y), { useLocking: true, name: "u" }),
      );
      expect(line(pic, "u")).toBe(
        `u = ${type}(v:0,Const_1:0) [T="float32",_class=["loc:@v"],use_locking=true] -> float32(2, 3)`,
      );
      const defaults = expectSameGraphs(() => f(variable(), tf.constant(Y)));
      expect(line(defaults, type)).toContain("use_locking=false]");
    },
  );

  const scatters = [
    ["scatterAdd", tf.scatterAdd, "ScatterAdd", false],
    ["scatterSub", tf.scatterSub, "ScatterSub", false],
    ["scatterUpdate", tf.scatterUpdate, "ScatterUpdate", true],
  ] as const;
  it.each(scatters)(
    "%s(ref, indices, updates, use_locking, name): positional and options forms agree",
    (_, f, type, locking) => {
      const rows = () => tf.constant([[1, 2, 3]]);
      const pic = expectSameGraphs(
        () => f(variable(), [1], rows(), true, "s"),
        () => f(variable(), [1], rows(), { useLocking: true, name: "s" }),
        () => f({ ref: variable(), indices: [1], updates: rows(), useLocking: true, name: "s" }),
      );
      expect(line(pic, "s")).toBe(
        `s = ${type}(v:0,s/indices:0,Const_1:0) [T="float32",Tindices="int32",_class=["loc:@v"],use_locking=true] -> float32(2, 3)`,
      );
      const defaults = expectSameGraphs(() => f(variable(), [1], rows()));
      expect(line(defaults, type)).toContain(`use_locking=${String(locking)}]`);
    },
  );

  it("runs assign, assignAdd and assignSub", () => {
    const v = variable();
    using sess = new tf.Session();
    sess.run(v.initializer);
    sess.run(tf.assignAdd(v, tf.constant(Y)));
    sess.run(tf.assignSub(v, tf.constant(X), { name: "down" }));
    expect(String(sess.run(v.value()))).toBe(String(sess.run(tf.constant(Y))));
    sess.run(tf.assign(v, tf.constant(X), true, true));
    expect(String(sess.run(v.value()))).toBe(String(sess.run(tf.constant(X))));
  });

  it("isVariableInitialized(variable): positional and keyword forms; TF takes no name", () => {
    const pic = expectSameGraphs(
      () => tf.isVariableInitialized(variable()),
      () => tf.isVariableInitialized({ variable: variable() }),
    );
    expect(line(pic, "IsVariableInitialized")).toBe(
      'IsVariableInitialized = IsVariableInitialized(v:0) [_class=["loc:@v"],dtype="float32"] -> bool()',
    );
    const v = variable();
    expectRefused(
      () => tf.isVariableInitialized(v, { name: "init" } as never),
      "isVariableInitialized() got an unexpected keyword argument 'name'",
    );
    expect(run(tf.isVariableInitialized(v))).toBe("False");
  });

  it("refuses snake_case keys and wrong kinds", () => {
    const v = variable();
    const y = tf.constant(Y);
    expectRefused(
      () => tf.assign(v, y, { validate_shape: false } as never),
      "assign() got an unexpected keyword argument 'validate_shape' (did you mean 'validateShape'?)",
    );
    expectRefused(
      () => tf.assignAdd(v, y, "u" as never),
      "assignAdd() argument 'useLocking' (position 3) must be a bool, not str 'u'",
    );
    expectRefused(
      () => tf.assignSub(v, y, { validateShape: true } as never),
      "assignSub() got an unexpected keyword argument 'validateShape'",
    );
  });
});

describe("group(*inputs, name), noOp(name), controlDependencies(control_inputs, fn)", () => {
  function updates(): [tf.Tensor, tf.Tensor] {
    const a = new tf.Variable(tf.constant(X), { name: "a" });
    const b = new tf.Variable(tf.constant(Y), { name: "b" });
    return [tf.assignAdd(a, tf.constant(Y)), tf.assignSub(b, tf.constant(X))];
  }

  it("varargs, a list and nested lists group the same inputs", () => {
    const pic = expectSameGraphs(
      () => {
        const [u, w] = updates();
        tf.group(u, w, { name: "step" });
      },
      () => {
        const [u, w] = updates();
        tf.group([u, w], { name: "step" });
      },
      () => {
        const [u, w] = updates();
        tf.group(u, [[w]], { name: "step" });
      },
    );
    expect(line(pic, "step")).toBe("step = NoOp(;^AssignAdd,^AssignSub) [] -> ");
  });

  it("runs every input: tf.group(a, b)", () => {
    const a = new tf.Variable(tf.constant(X), { name: "a" });
    const b = new tf.Variable(tf.constant(Y), { name: "b" });
    const step = tf.group(tf.assignAdd(a, tf.constant(Y)), tf.assignSub(b, tf.constant(Y)));
    expect(step.name).toBe("group_deps");
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run(step);
    expect(String(sess.run(b.value()))).toBe(String(sess.run(tf.zeros([2, 3]))));
  });

  it("no inputs is a NoOp named group_deps; noOp(name) positional and options agree", () => {
    expect(tf.group().name).toBe("group_deps");
    const pic = expectSameGraphs(
      () => tf.noOp("done"),
      () => tf.noOp({ name: "done" }),
    );
    expect(pic).toEqual(["done = NoOp() [] -> "]);
  });

  it("group refuses a positional name (it would be an input in TF) and unknown keywords", () => {
    const [u] = updates();
    expectRefused(
      () => tf.group(u, "step" as never),
      /^group\(\) expected Tensor arguments not 'step' with type str/,
    );
    expectRefused(
      () => tf.group(u, { nam: "step" } as never),
      "group() got an unexpected keyword argument 'nam' (did you mean 'name'?)",
    );
    expectRefused(
      () => tf.group(u, { name: 3 } as never),
      "group() argument 'name' must be a str, not int 3",
    );
    expectRefused(
      () => tf.noOp({ name: "x", extra: 1 } as never),
      "noOp() got an unexpected keyword argument 'extra'",
    );
  });

  it("tuple(tensors, name, control_inputs): positional and options forms build one graph", () => {
    const pic = expectSameGraphs(
      () => {
        const [u, w] = updates();
        tf.tuple([u, w], "t", [tf.noOp({ name: "pre" })]);
      },
      () => {
        const [u, w] = updates();
        tf.tuple([u, w], { name: "t", controlInputs: [tf.noOp({ name: "pre" })] });
      },
      () => {
        const [u, w] = updates();
        tf.tuple({ tensors: [u, w], name: "t", controlInputs: [tf.noOp({ name: "pre" })] });
      },
    );
    expect(line(pic, "t/group_deps")).toBe(
      "t/group_deps = NoOp(;^AssignAdd,^AssignSub,^pre) [] -> ",
    );
    expect(line(pic, "t/control_dependency_1")).toBe(
      "t/control_dependency_1 = Identity(AssignSub:0;^t/group_deps) " +
        '[T="float32",_class=["loc:@b"]] -> float32(2, 3)',
    );
    expectThrowsAndUnchanged(
      () => tf.tuple([null]),
      tf.errors.ValueError,
      "Must have at least one Tensor: [None]",
    );
    const one = tf.constant(1);
    expectRefused(
      () => tf.tuple([one], { nam: "t" } as never),
      "tuple() got an unexpected keyword argument 'nam' (did you mean 'name'?)",
    );
    expectRefused(
      () => tf.tuple([3] as never),
      /^tuple\(\) argument 'tensors' \(position 1\) must be a list of Tensor, IndexedSlices, Operation or nulls/,
    );
  });

  it("controlDependencies: positional, options and null (clear) forms", () => {
    const pic = expectSameGraphs(
      () => {
        const [u] = updates();
        const c = tf.constant(1);
        tf.controlDependencies([u], () => tf.identity(c, "read"));
      },
      () => {
        const [u] = updates();
        const c = tf.constant(1);
        tf.controlDependencies({ controlInputs: [u] }, () => tf.identity(c, "read"));
      },
    );
    expect(line(pic, "read")).toContain(";^AssignAdd)");
    const [u] = updates();
    const cleared = tf.controlDependencies([u], () =>
      tf.controlDependencies(null, () => tf.noOp("free")),
    );
    expect(cleared.controlInputs).toEqual([]);
    const clearedByKey = tf.controlDependencies([u], () =>
      tf.controlDependencies({ controlInputs: null }, () => tf.noOp("free2")),
    );
    expect(clearedByKey.controlInputs).toEqual([]);
  });

  it("controlDependencies refuses a missing callback, an unknown key and a wrong kind", () => {
    const [u] = updates();
    expectRefused(
      () => tf.controlDependencies([u], 3 as never),
      /^controlDependencies\(\) needs a callback as its last argument/,
    );
    expectRefused(
      () => tf.controlDependencies({ control_inputs: [u] } as never, () => 1),
      "controlDependencies() got an unexpected keyword argument 'control_inputs' (did you mean 'controlInputs'?)",
    );
    expectRefused(
      () => tf.controlDependencies(u as never, () => 1),
      /^controlDependencies\(\) argument 'controlInputs' \(position 1\) must be a list of Operations or Tensors, or null/,
    );
  });
});

describe("initializers: TF 1.15's constructor parameters", () => {
  /** The graph an initializer builds for a [2, 3] variable. */
  function build(init: () => tf.Initializer): () => void {
    return () => {
      tf.getVariable("w", [2, 3], { initializer: init() });
    };
  }

  it("zeros/ones(dtype)", () => {
    const z = expectSameGraphs(
      build(() => tf.zerosInitializer(tf.float32)),
      build(() => tf.zerosInitializer({ dtype: tf.float32 })),
      build(() => tf.zerosInitializer()),
    );
    expect(line(z, "w")).toMatch(/-> float32\(2, 3\)$/);
    expectSameGraphs(
      build(() => tf.onesInitializer(tf.float32)),
      build(() => tf.onesInitializer({ dtype: tf.float32 })),
    );
  });

  it("constant_initializer(value, dtype, verify_shape)", () => {
    const pic = expectSameGraphs(
      build(() => tf.constantInitializer(0.5, tf.float32, false)),
      build(() => tf.constantInitializer(0.5, { dtype: tf.float32 })),
      build(() => tf.constantInitializer({ value: 0.5, dtype: tf.float32, verifyShape: false })),
    );
    expect(line(pic, "w/Initializer/Const")).toMatch(/-> float32\(2, 3\)$/);
    const ok = tf.getVariable("ok", [2, 3], {
      initializer: tf.constantInitializer(X, tf.float32, true),
    });
    using sess = new tf.Session();
    sess.run(ok.initializer);
    expect(String(sess.run(ok.value()))).toBe(String(sess.run(tf.constant(X))));
  });

  it("verify_shape=True refuses a value of another shape, as make_tensor_proto does", () => {
    expectRefused(
      () =>
        tf.getVariable("bad", [2, 3], {
          initializer: tf.constantInitializer([1, 2, 3], tf.float32, true),
        }),
      "Expected Tensor's shape: (2, 3), got (3,).",
    );
  });

  it("random_normal_initializer(mean, stddev, seed, dtype) and truncated_normal's", () => {
    expectSameGraphs(
      build(() => tf.randomNormalInitializer(1, 0.1, 3, tf.float32)),
      build(() => tf.randomNormalInitializer({ mean: 1, stddev: 0.1, seed: 3, dtype: tf.float32 })),
      build(() => tf.randomNormalInitializer(1, { stddev: 0.1, seed: 3 })),
    );
    const pic = expectSameGraphs(
      build(() => tf.truncatedNormalInitializer(0, 0.05, 3)),
      build(() => tf.truncatedNormalInitializer({ stddev: 0.05, seed: 3 })),
    );
    expect(line(pic, "w/Initializer/truncated_normal/TruncatedNormal")).toContain("seed2=3");
  });

  it("the { stdev } typo is a TypeError suggesting stddev; a positional stddev is the stddev", () => {
    expectRefused(
      () => tf.randomNormalInitializer({ stdev: 0 } as never),
      "randomNormalInitializer() got an unexpected keyword argument 'stdev' (did you mean 'stddev'?)",
    );
    expectRefused(
      () => tf.truncatedNormalInitializer({ stdev: 0 } as never),
      "truncatedNormalInitializer() got an unexpected keyword argument 'stdev' (did you mean 'stddev'?)",
    );
    // tf.random_normal_initializer(3.0, 0.0): every value is the mean.
    const v = tf.getVariable("c", [2, 3], { initializer: tf.randomNormalInitializer(3, 0) });
    using sess = new tf.Session();
    sess.run(v.initializer);
    expect(String(sess.run(v.value()))).toBe(String(sess.run(tf.fill([2, 3], 3))));
  });

  it("random_uniform_initializer(minval, maxval, seed, dtype): tf.random_uniform_initializer(-1, 1)", () => {
    expectSameGraphs(
      build(() => tf.randomUniformInitializer(-1, 1, 5)),
      build(() => tf.randomUniformInitializer({ minval: -1, maxval: 1, seed: 5 })),
    );
    const v = tf.getVariable("u", [50, 40], {
      initializer: tf.randomUniformInitializer(-1, -0.5, 11),
    });
    using sess = new tf.Session();
    sess.run(v.initializer);
    const values = Array.from(sess.run(v.value()).data as Float32Array);
    expect(values.every((x) => x >= -1 && x < -0.5)).toBe(true);
  });

  it("variance_scaling(scale, mode, distribution, seed, dtype), glorot (seed, dtype), orthogonal (gain, seed, dtype)", () => {
    expectSameGraphs(
      build(() => tf.varianceScalingInitializer(2, "fan_out", "uniform", 1, tf.float32)),
      build(() =>
        tf.varianceScalingInitializer({
          scale: 2,
          mode: "fan_out",
          distribution: "uniform",
          seed: 1,
        }),
      ),
      build(() =>
        tf.varianceScalingInitializer(2, "fan_out", { distribution: "UNIFORM", seed: 1 }),
      ),
    );
    expectSameGraphs(
      build(() => tf.glorotUniformInitializer(4, tf.float32)),
      build(() => tf.glorotUniformInitializer({ seed: 4 })),
      build(() => tf.varianceScalingInitializer(1, "fan_avg", "uniform", 4)),
    );
    expectSameGraphs(
      build(() => tf.glorotNormalInitializer(4)),
      build(() => tf.glorotNormalInitializer({ seed: 4, dtype: tf.float32 })),
    );
    const pic = expectSameGraphs(
      build(() => tf.orthogonalInitializer(2, 9, tf.float32)),
      build(() => tf.orthogonalInitializer({ gain: 2, seed: 9 })),
    );
    expect(pic.some((l) => l.includes("= Qr("))).toBe(true);
  });

  it("refuses TF's invalid values, snake_case keys and wrong kinds", () => {
    expectThrowsAndUnchanged(
      () => tf.varianceScalingInitializer(2, "fan_sideways"),
      tf.errors.ValueError,
      "Invalid `mode` argument: fan_sideways",
    );
    expectThrowsAndUnchanged(
      () => tf.varianceScalingInitializer(0),
      tf.errors.ValueError,
      "`scale` must be positive float.",
    );
    expectThrowsAndUnchanged(
      () => tf.glorotUniformInitializer(1, tf.int32),
      tf.errors.ValueError,
      "Expected floating point type, got int32.",
    );
    expectRefused(
      () => tf.randomUniformInitializer({ min_val: 0 } as never),
      "randomUniformInitializer() got an unexpected keyword argument 'min_val' (did you mean 'minval'?)",
    );
    expectRefused(
      () => tf.constantInitializer(0.5, { verify_shape: true } as never),
      "constantInitializer() got an unexpected keyword argument 'verify_shape' (did you mean 'verifyShape'?)",
    );
    expectRefused(
      () => tf.glorotUniformInitializer(0.5 as never),
      "glorotUniformInitializer() argument 'seed' (position 1) must be an int, not float 0.5",
    );
    expectRefused(
      () => tf.orthogonalInitializer("1" as never),
      "orthogonalInitializer() argument 'gain' (position 1) must be a number, not str '1'",
    );
    const one = tf.constant(1);
    expectRefused(
      () => tf.constantInitializer(one as never),
      /^constantInitializer\(\) argument 'value' \(position 1\) must be a scalar, a list of values or a typed array, not Tensor/,
    );
  });
});

describe("clip ops", () => {
  it("clipByValue(t, clip_value_min, clip_value_max, name)", () => {
    const pic = expectSameGraphs(
      () => tf.clipByValue(tf.constant(X), -1, 1, "c"),
      () => tf.clipByValue(tf.constant(X), -1, 1, { name: "c" }),
      () => tf.clipByValue({ t: tf.constant(X), clipValueMin: -1, clipValueMax: 1, name: "c" }),
    );
    expect(line(pic, "c")).toMatch(/^c = Maximum\(c\/Minimum:0,c\/y:0\) .* -> float32\(2, 3\)$/);
    expect(run(tf.clipByValue(tf.constant(X), -1, 1))).toBe(
      run(
        tf.constant([
          [1, -1, 1],
          [1, 1, -1],
        ]),
      ),
    );
  });

  it("clipByNorm(t, clip_norm, axes, name): tf.clip_by_norm(t, 1.0, [1]) clips each row", () => {
    const pic = expectSameGraphs(
      () => tf.clipByNorm(tf.constant(X), 1, [1], "n"),
      () => tf.clipByNorm(tf.constant(X), 1, { axes: [1], name: "n" }),
      () => tf.clipByNorm({ t: tf.constant(X), clipNorm: 1, axes: [1], name: "n" }),
    );
    expect(line(pic, "n")).toMatch(/^n = Identity\(.*\) .* -> float32\(2, 3\)$/);
    const rows = tf.clipByNorm(
      tf.constant([
        [3, 4],
        [0.3, 0.4],
      ]),
      1,
      [1],
    );
    expect(run(rows)).toBe(
      run(
        tf.constant([
          [0.6, 0.8],
          [0.3, 0.4],
        ]),
      ),
    );
  });

  it("globalNorm(t_list, name) and clipByGlobalNorm(t_list, clip_norm, use_norm, name)", () => {
    const pic = expectSameGraphs(
      () => tf.globalNorm([tf.constant(X), null, tf.constant(Y)], "g"),
      () => tf.globalNorm([tf.constant(X), null, tf.constant(Y)], { name: "g" }),
      () => tf.globalNorm({ tList: [tf.constant(X), null, tf.constant(Y)], name: "g" }),
    );
    expect(line(pic, "g/global_norm")).toMatch(/-> float32\(\)$/);
    const gpic = expectSameGraphs(
      () => tf.clipByGlobalNorm([tf.constant(X), tf.constant(Y)], 5, null, "cg"),
      () => tf.clipByGlobalNorm([tf.constant(X), tf.constant(Y)], 5, { name: "cg" }),
      () =>
        tf.clipByGlobalNorm({ tList: [tf.constant(X), tf.constant(Y)], clipNorm: 5, name: "cg" }),
    );
    // As in TF: global_norm opens `cg` first, so the clipping scope is `cg_1`.
    expect(line(gpic, "cg_1/cg_1/_1")).toMatch(/-> float32\(2, 3\)$/);
    const withNorm = expectSameGraphs(
      () => tf.clipByGlobalNorm([tf.constant([3, 4])], 1, tf.constant(10)),
      () => tf.clipByGlobalNorm([tf.constant([3, 4])], 1, { useNorm: tf.constant(10) }),
    );
    expect(withNorm.some((l) => l.startsWith("global_norm"))).toBe(false);
    const [[clipped], norm] = tf.clipByGlobalNorm([tf.constant([3, 4])], 1, tf.constant(10));
    expect(run(clipped as tf.Tensor)).toBe("[0.3 0.4]");
    expect(run(norm)).toBe("10.0");
  });

  it("refuses unknown keys and wrong kinds; a non-list t_list is TF's TypeError", () => {
    const x = tf.constant(X);
    expectRefused(
      () => tf.clipByValue(x, -1, 1, { clip_value_max: 2 } as never),
      "clipByValue() got an unexpected keyword argument 'clip_value_max' (did you mean 'clipValueMax'?)",
    );
    expectRefused(
      () => tf.clipByNorm(x, 1, "rows" as never),
      /^clipByNorm\(\) argument 'axes' \(position 3\) must be an int, a list of ints or an int Tensor, not str 'rows'/,
    );
    expectRefused(() => tf.globalNorm(x as never), "t_list should be a sequence");
    expectRefused(
      () => tf.clipByGlobalNorm([x], 1, { use_norm: 2 } as never),
      "clipByGlobalNorm() got an unexpected keyword argument 'use_norm' (did you mean 'useNorm'?)",
    );
  });
});

describe("gradients(ys, xs, grad_ys, name, colocate_gradients_with_ops, gate_gradients, aggregation_method, stop_gradients, unconnected_gradients)", () => {
  function model(): { y: tf.Tensor; w: tf.Tensor; b: tf.Tensor } {
    const w = tf.constant(X, { name: "w" });
    const b = tf.constant(Y, { name: "b" });
    const y = tf.reduceSum(tf.multiply(tf.square(w), b, "prod"));
    return { y, w, b };
  }

  it("positional and options forms build one graph", () => {
    const pic = expectSameGraphs(
      () => {
        const { y, w, b } = model();
        tf.gradients(y, [w, b], null, "g", false, true, 0, null, "none");
      },
      () => {
        const { y, w, b } = model();
        tf.gradients(y, [w, b], { name: "g", gateGradients: true, aggregationMethod: 0 });
      },
      () => {
        const { y, w, b } = model();
        tf.gradients({
          ys: y,
          xs: [w, b],
          name: "g",
          gateGradients: true,
          unconnectedGradients: "none",
        });
      },
    );
    expect(line(pic, "g/prod_grad/tuple/control_dependency")).toMatch(/-> float32\(2, 3\)$/);
  });

  it("tf.gradients(y, x, grad_ys) scales by grad_ys; stop_gradients and unconnected_gradients positionally", () => {
    const x = tf.constant(X);
    const y = tf.multiply(x, 3);
    const [dx] = tf.gradients(y, x, tf.constant(Y));
    expect(run(dx as tf.Tensor)).toBe(run(tf.multiply(tf.constant(Y), 3)));
    const a = tf.constant(X);
    const h = tf.multiply(a, 2);
    const z = tf.add(tf.multiply(h, 5), a);
    const [da] = tf.gradients(z, a, null, "gradients", false, false, null, [h]);
    expect(run(da as tf.Tensor)).toBe(run(tf.ones([2, 3])));
    const lone = tf.constant(Y);
    const [dl] = tf.gradients(z, lone, null, "gradients", false, false, null, null, "zero");
    expect(run(dl as tf.Tensor)).toBe(run(tf.zeros([2, 3])));
    expect(tf.gradients(z, lone)).toEqual([null]);
  });

  it("accepts colocate_gradients_with_ops (one device) and aggregation_method ADD_N", () => {
    expectSameGraphs(
      () => {
        const { y, w } = model();
        tf.gradients(y, w, null, "gradients", true);
      },
      () => {
        const { y, w } = model();
        tf.gradients(y, w, { colocateGradientsWithOps: true, aggregationMethod: 0 });
      },
    );
  });

  it("refuses experimental aggregation methods, unknown keys and wrong kinds", () => {
    const { y, w } = model();
    expectThrowsAndUnchanged(
      () => tf.gradients(y, w, { aggregationMethod: 1 }),
      tf.errors.ValueError,
      /aggregation_method=1 .* not supported/,
    );
    expectThrowsAndUnchanged(
      () => tf.gradients(y, w, { aggregationMethod: 7 }),
      tf.errors.ValueError,
      "Invalid aggregation_method specified 7.",
    );
    expectRefused(
      () => tf.gradients(y, w, { grad_ys: null } as never),
      "gradients() got an unexpected keyword argument 'grad_ys' (did you mean 'gradYs'?)",
    );
    expectRefused(
      () => tf.gradients(y, w, null, "g", false, false, null, null, "zeros" as never),
      "gradients() argument 'unconnectedGradients' (position 9) must be one of 'none', 'zero', not str 'zeros'",
    );
    expectRefused(
      () => tf.gradients(y, w, null, "g", "yes" as never),
      "gradients() argument 'colocateGradientsWithOps' (position 5) must be a bool, not str 'yes'",
    );
  });
});

describe("cond(pred, true_fn, false_fn, strict, name), case(...), while_loop(...)", () => {
  it("cond: positional, options and the fn1/fn2 aliases build the same graph", () => {
    const build = (form: number) => (): void => {
      const p = tf.placeholder(tf.bool, [], { name: "p" });
      const x = tf.constant(X, { name: "x" });
      const t = (): tf.Tensor => tf.square(x);
      const f = (): tf.Tensor => tf.negative(x);
      if (form === 0) tf.cond(p, t, f, false, "choose");
      else if (form === 1) tf.cond(p, { trueFn: t, falseFn: f, strict: false, name: "choose" });
      else if (form === 2) tf.cond({ pred: p, trueFn: t, falseFn: f, name: "choose" });
      else tf.cond(p, { fn1: t, fn2: f, name: "choose" });
    };
    const pic = expectSameGraphs(build(0), build(1), build(2), build(3));
    expect(line(pic, "choose/Merge")).toBe(
      'choose/Merge = Merge(choose/Neg:0,choose/Square:0) [N=2,T="float32"] -> float32(2, 3),int32()',
    );
  });

  it("case: positional and options build the same graph", () => {
    const build = (form: number) => (): void => {
      const x = tf.placeholder(tf.float32, [], { name: "x" });
      const pairs: [tf.Tensor, () => tf.Tensor][] = [
        [tf.less(x, 1), () => tf.constant(1)],
        [tf.less(x, 2), () => tf.constant(2)],
      ];
      const d = (): tf.Tensor => tf.constant(3);
      if (form === 0) tf.case(pairs, d, false, false, "pick");
      else tf.case({ predFnPairs: pairs, default: d, exclusive: false, name: "pick" });
    };
    expectSameGraphs(build(0), build(1));
  });

  it("whileLoop: positional and options build the same graph", () => {
    const build = (form: number) => (): void => {
      const n = tf.placeholder(tf.int32, [], { name: "n" });
      const c = (i: tf.Tensor): tf.Tensor => tf.less(i, n);
      const b = (i: tf.Tensor): tf.Tensor => tf.add(i, 1);
      const vars = [tf.constant(0, { dtype: tf.int32 })];
      if (form === 0) tf.whileLoop(c, b, vars, null as never, 4, true, false, "loop");
      else tf.whileLoop(c, b, vars, { parallelIterations: 4, name: "loop" });
    };
    const pic = expectSameGraphs(build(0), build(1));
    expect(line(pic, "loop/Enter")).toContain("parallel_iterations=4");
  });
});

describe("IndexedSlices(values, indices, dense_shape)", () => {
  it("positional and options forms agree; tensors only", () => {
    const values = tf.constant([[1, 2]]);
    const indices = tf.constant([3]);
    const shape = tf.constant([5, 2]);
    for (const s of [
      new tf.IndexedSlices(values, indices, shape),
      new tf.IndexedSlices(values, indices, { denseShape: shape }),
      new tf.IndexedSlices({ values, indices, denseShape: shape }),
    ]) {
      expect([s.values, s.indices, s.denseShape]).toEqual([values, indices, shape]);
    }
    expect(new tf.IndexedSlices(values, indices, null).denseShape).toBeNull();
    expectRefused(
      () => new tf.IndexedSlices(values, [3] as never),
      "IndexedSlices() argument 'indices' (position 2) must be a Tensor, not a list of length 1",
    );
  });
});
