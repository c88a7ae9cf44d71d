/**
 * `tf.importGraphDef` on small GraphDefs written here in TF's text format, following TF
 * 1.15's importer_test.py: names and prefixes, inputs and control inputs, `inputMap`,
 * `returnElements`, attrs read by the OpDef (defaults filled), every TensorProto form,
 * shapes inferred or taken from `_output_shapes`, and TF's errors, each leaving the graph
 * exactly as it was.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { getShapeFunction } from "../../src/ops/registry.js";
import { GraphDef } from "../../src/proto/index.js";
import { errorOf, expectThrowsAndUnchanged, graphState } from "../graph/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

type GraphDefMessage = ReturnType<typeof tf.GraphDef.fromText>;

function gdef(text: string, producer = 27): GraphDefMessage {
  return tf.GraphDef.fromText(`versions { producer: ${producer} }\n${text}`);
}

const floatConst = (name: string, v: number, extra = ""): string => `
  node { name: '${name}' op: 'Const' ${extra}
    attr { key: 'dtype' value { type: DT_FLOAT } }
    attr { key: 'value' value { tensor { dtype: DT_FLOAT tensor_shape {} float_val: ${v} } } } }`;

const placeholder = (name: string, dims = "dim { size: -1 } dim { size: 2 }"): string => `
  node { name: '${name}' op: 'Placeholder'
    attr { key: 'dtype' value { type: DT_FLOAT } }
    attr { key: 'shape' value { shape { ${dims} } } } }`;

const binary = (name: string, type: string, x: string, y: string): string => `
  node { name: '${name}' op: '${type}' input: '${x}' input: '${y}'
    attr { key: 'T' value { type: DT_FLOAT } } }`;

function opNames(): string[] {
  return tf
    .getDefaultGraph()
    .getOperations()
    .map((o) => o.name);
}

function flat(v: tf.NDArray): unknown[] {
  return Array.from(v.data as ArrayLike<unknown>);
}

function run<T = tf.NDArray>(fetch: unknown, feeds?: Map<tf.Tensor, unknown>): T {
  using sess = new tf.Session();
  return sess.run(fetch as tf.Tensor, feeds as never) as T;
}

describe("tf.importGraphDef: names", () => {
  it("imports nodes under import/, wires inputs and computes the values", () => {
    const def = gdef(`${floatConst("a", 2)}${floatConst("b", 3)}
      ${binary("c", "Mul", "a", "b:0")}
      node { name: 'd' op: 'NoOp' input: '^c' }`);
    const [c, d, cOp] = tf.importGraphDef(def, { returnElements: ["c:0", "d", "c"] }) as [
      tf.Tensor,
      tf.Operation,
      tf.Operation,
    ];
    expect(c.name).toBe("import/c:0");
    expect(c.dtype).toBe("float32");
    expect(c.shape.toString()).toBe("()");
    expect(d.controlInputs).toEqual([cOp]);
    expect(cOp.inputs.map((t) => t.name)).toEqual(["import/a:0", "import/b:0"]);
    expect(run(c).data[0]).toBe(6);
  });

  it("returns null without returnElements; prefixes are unique like name scopes", () => {
    const def = gdef(floatConst("a", 1));
    expect(tf.importGraphDef(def)).toBeNull();
    tf.importGraphDef(def);
    tf.importGraphDef(def, { name: "imported" });
    tf.nameScope("outer", () => tf.importGraphDef(def, { name: "inner" }));
    expect(opNames()).toEqual(["import/a", "import_1/a", "imported/a", "outer/inner/a"]);
    // The prefix is a used name: a later op asking for it is renamed, as after a name scope.
    expect(tf.constant(1, { name: "import" }).op.name).toBe("import_2");
  });

  it('with name "", renames nodes whose names are taken, as TF 1.15 does', () => {
    const def = gdef(`${floatConst("A", 1)}${binary("B", "Add", "A", "A")}`);
    const [a, b] = tf.importGraphDef(def, { name: "", returnElements: ["A", "B"] }) as [
      tf.Operation,
      tf.Operation,
    ];
    const [a1, b1] = tf.importGraphDef(def, { name: "", returnElements: ["A", "B"] }) as [
      tf.Operation,
      tf.Operation,
    ];
    expect([a.name, b.name, a1.name, b1.name]).toEqual(["A", "B", "A_1", "B_1"]);
    expect(b1.inputs.map((t) => t.op)).toEqual([a1, a1]);
    // A node named like an existing name scope is renamed; one named like an inner scope is not.
    tf.nameScope("outer", () => tf.nameScope("inner", () => tf.constant(1, { name: "c" })));
    const [outer, inner, outerInner] = tf.importGraphDef(
      gdef(`${floatConst("outer", 1)}${floatConst("inner", 1)}${floatConst("outer/inner", 1)}`),
      { name: "", returnElements: ["outer", "inner", "outer/inner"] },
    ) as tf.Operation[];
    expect([outer?.name, inner?.name, outerInner?.name]).toEqual([
      "outer_1",
      "inner",
      "outer/inner_1",
    ]);
    // An imported name is in use afterwards.
    expect(tf.constant(1, { name: "B" }).op.name).toBe("B_2");
  });

  it("an absolute prefix (ending in /) is used as is; taken names in it are renamed", () => {
    const def = gdef(floatConst("A", 1));
    const [a] = tf.importGraphDef(def, { name: "A/", returnElements: ["A"] }) as [tf.Operation];
    const [a1] = tf.importGraphDef(def, { name: "A/", returnElements: ["A"] }) as [tf.Operation];
    expect([a.name, a1.name]).toEqual(["A/A", "A/A_1"]);
  });

  it("prefixes colocation groups (_class) and places colocated ops with their op's device", () => {
    const def = gdef(`
      ${floatConst("A", 1, "device: '/device:CPU:0'")}
      node { name: 'B' op: 'Identity' input: 'A' device: '/device:GPU:0'
        attr { key: 'T' value { type: DT_FLOAT } }
        attr { key: '_class' value { list { s: 'loc:@A' } } } }`);
    const [a, b] = tf.importGraphDef(def, { name: "imp", returnElements: ["A", "B"] }) as [
      tf.Operation,
      tf.Operation,
    ];
    expect(b.attrs._class).toEqual(["loc:@imp/A"]);
    expect(a.device).toBe("/device:CPU:0");
    expect(b.device).toBe("/device:CPU:0");
    expect(tf.getDefaultGraph().asGraphDef().node[1]?.attr?._class?.list?.s?.length).toBe(1);
  });

  it("keeps devices, merged with enclosing device scopes", () => {
    const def = gdef(`${floatConst("a", 1)}${floatConst("b", 1, "device: '/cpu:0'")}`);
    const [a, b] = tf.importGraphDef(def, { returnElements: ["a", "b"] }) as tf.Operation[];
    expect([a?.device, b?.device]).toEqual(["", "/cpu:0"]);
    const [a2, b2] = tf.device("/task:0", () =>
      tf.importGraphDef(def, { returnElements: ["a", "b"] }),
    ) as tf.Operation[];
    expect([a2?.device, b2?.device]).toEqual(["/task:0", "/task:0/device:CPU:0"]);
  });

  it("ignores enclosing control dependencies, as TF 1.15's importer does", () => {
    const c = tf.constant(0);
    const [a] = tf.controlDependencies([c.op], () =>
      tf.importGraphDef(gdef(floatConst("a", 1)), { returnElements: ["a"] }),
    ) as [tf.Operation];
    expect(a.controlInputs).toEqual([]);
  });
});

describe("tf.importGraphDef: inputMap and returnElements", () => {
  const def = gdef(`${placeholder("x")}${floatConst("k", 10)}
    ${binary("y", "Mul", "x:0", "k")}
    node { name: 'z' op: 'NoOp' input: '^y' }`);

  it("replaces tensors named x:0 or x, and control inputs ^x", () => {
    const x = tf.constant([[1, 2]]);
    const [y, yOp] = tf.importGraphDef(def, {
      inputMap: { x },
      returnElements: ["y:0", "y"],
    }) as [tf.Tensor, tf.Operation];
    expect(yOp.inputs[0]).toBe(x);
    expect(y.shape.toString()).toBe("(1, 2)");
    expect(flat(run(y))).toEqual([10, 20]);
    const other = tf.noOp();
    const [z] = tf.importGraphDef(def, {
      inputMap: new Map<string, unknown>([
        ["x:0", x],
        ["^y", other],
      ]),
      returnElements: ["z"],
    }) as [tf.Operation];
    expect(z.controlInputs).toEqual([other]);
  });

  it("converts values that are not tensors inside <prefix>/_inputs", () => {
    const [y] = tf.importGraphDef(def, {
      inputMap: { "x:0": [[3, 4]] },
      returnElements: ["y:0"],
    }) as [tf.Tensor];
    expect(((y as tf.Tensor).op.inputs[0] as tf.Tensor).op.name).toBe("import/_inputs/Const");
    expect(flat(run(y))).toEqual([30, 40]);
    expectThrowsAndUnchanged(
      () => tf.importGraphDef(def, { inputMap: { "x:0": [[3, 4]] }, name: "" }),
      tf.errors.ValueError,
      /^tf.import_graph_def\(\) requires a non-empty `name` if `input_map` contains non-Tensor values/,
    );
  });

  it("returns a mapped tensor for its name, ops and tensors in the order asked", () => {
    const x = tf.constant([[1, 2]]);
    const r = tf.importGraphDef(def, { inputMap: { x }, returnElements: ["x:0", "k", "y:0"] });
    expect(r?.[0]).toBe(x);
    expect(r?.[1]).toBeInstanceOf(tf.Operation);
    expect((r?.[2] as tf.Tensor).name).toBe("import/y:0");
  });

  it("refuses keys not in the GraphDef, and missing return elements, with TF's errors", () => {
    const x = tf.constant([[1, 2]]);
    expectThrowsAndUnchanged(
      () => tf.importGraphDef(def, { inputMap: { "x:0": x, "q:0": x, "y:3": x } }),
      tf.errors.ValueError,
      "Attempted to map inputs that were not found in graph_def: [q:0, y:3]",
    );
    // Mapping an existing output nothing reads is fine.
    tf.importGraphDef(def, { inputMap: { "y:0": x } });
    const before = graphState();
    const cases: [string[], string][] = [
      [["B"], "Requested return node 'B' not found in graph def"],
      [["B:0"], "Requested return tensor 'B:0' not found in graph def"],
      [["y:1"], "Invalid return output 1 of node 'y', which has 1 output(s)"],
      [["A:B:0"], "Cannot convert 'A:B:0' to a tensor name."],
    ];
    for (const [names, message] of cases) {
      expectThrowsAndUnchanged(
        () => tf.importGraphDef(def, { returnElements: names }),
        tf.errors.ValueError,
        message,
      );
    }
    expect(graphState()).toEqual(before);
  });

  it("refuses a mapped tensor of the wrong dtype with TF's message", () => {
    const ints = tf.constant([[1, 2]], tf.int32);
    expectThrowsAndUnchanged(
      () => tf.importGraphDef(def, { inputMap: { "x:0": ints } }),
      tf.errors.ValueError,
      "Input 0 of node import/y was passed int32 from Const:0 incompatible with expected float.",
    );
  });
});

describe("tf.importGraphDef: attrs and constants", () => {
  it("fills attrs the NodeDef leaves out with the OpDef's defaults", () => {
    const [m] = tf.importGraphDef(
      gdef(`${placeholder("a")}${placeholder("b", "dim { size: 2 } dim { size: 3 }")}
        ${binary("m", "MatMul", "a", "b")}`),
      { returnElements: ["m"] },
    ) as [tf.Operation];
    expect(m.attrs.transpose_a).toBe(false);
    expect(m.attrs.transpose_b).toBe(false);
    expect(m.outputs[0]?.shape.toString()).toBe("(?, 3)");
    const node = tf.getDefaultGraph().asGraphDef().node[2];
    expect(Object.keys(node?.attr ?? {}).sort()).toEqual(["T", "transpose_a", "transpose_b"]);
  });

  it("reads every TensorProto form: tensor_content, *_val lists, the compact form, zeros", () => {
    const le = (values: number[], bytes: number): string => {
      const out = new Uint8Array(values.length * bytes);
      const view = new DataView(out.buffer);
      values.forEach((v, i) =>
        bytes === 8 ? view.setBigInt64(i * 8, BigInt(v), true) : view.setInt32(i * 4, v, true),
      );
      return Array.from(out, (b) => `\\${b.toString(8).padStart(3, "0")}`).join("");
    };
    const f32 = new Uint8Array(new Float32Array([1.5, -2, 3.25]).buffer);
    const cases: [string, string, string, unknown[]][] = [
      [
        "DT_FLOAT",
        "dim { size: 3 }",
        `tensor_content: "${Array.from(f32, (b) => `\\${b.toString(8).padStart(3, "0")}`).join("")}"`,
        [1.5, -2, 3.25],
      ],
      ["DT_FLOAT", "dim { size: 2 } dim { size: 2 }", "float_val: 7", [7, 7, 7, 7]],
      ["DT_FLOAT", "dim { size: 3 }", "float_val: 1 float_val: 2", [1, 2, 2]],
      ["DT_FLOAT", "dim { size: 2 }", "", [0, 0]],
      [
        "DT_INT32",
        "dim { size: 3 }",
        `tensor_content: "${le([1, -2, 300000], 4)}"`,
        [1, -2, 300000],
      ],
      ["DT_INT32", "", "int_val: -5", [-5]],
      ["DT_INT64", "dim { size: 2 }", `tensor_content: "${le([4, -9], 8)}"`, [4n, -9n]],
      ["DT_INT64", "dim { size: 3 }", "int64_val: 12", [12n, 12n, 12n]],
      ["DT_BOOL", "dim { size: 3 }", "bool_val: true bool_val: false", [true, false, false]],
      ["DT_STRING", "dim { size: 2 }", "string_val: 'ab' string_val: 'c'", ["ab", "c"]],
    ];
    const nodes = cases
      .map(
        ([dtype, dims, values], i) => `node { name: 'c${i}' op: 'Const'
          attr { key: 'dtype' value { type: ${dtype} } }
          attr { key: 'value' value { tensor { dtype: ${dtype} tensor_shape { ${dims} } ${values} } } } }`,
      )
      .join("\n");
    const outs = tf.importGraphDef(gdef(nodes), {
      returnElements: cases.map((_, i) => `c${i}:0`),
    }) as tf.Tensor[];
    const values = run<tf.NDArray[]>(outs);
    cases.forEach(([, , , expected], i) => {
      const v = values[i] as tf.NDArray;
      const data = Array.from(v.data as ArrayLike<unknown>).map((x) =>
        v.dtype === "bool" ? x === 1 || x === true : x,
      );
      expect(data, `case ${i}`).toEqual(expected);
      expect(outs[i]?.shape.numElements(), `case ${i}`).toBe(expected.length);
    });
  });

  it("keeps internal attrs (_-prefixed) for export, as TF keeps them", () => {
    tf.importGraphDef(
      gdef(floatConst("a", 1, "attr { key: '_user_specified_name' value { s: 'a' } }")),
    );
    const node = tf.getDefaultGraph().asGraphDef().node[0];
    expect(tf.NodeDef.toText({ attr: { k: node?.attr?._user_specified_name ?? {} } })).toContain(
      's: "a"',
    );
  });

  it("refuses unknown attrs, wrong attr types, disallowed values and missing attrs", () => {
    const cases: [string, RegExp][] = [
      [
        `${floatConst("a", 1)} node { name: 'b' op: 'Identity' input: 'a'
          attr { key: 'T' value { type: DT_FLOAT } } attr { key: 'bogus' value { i: 1 } } }`,
        /^NodeDef mentions attr 'bogus' not in Op<name=Identity>; NodeDef: \{\{node b\}\}$/,
      ],
      [
        `${floatConst("a", 1)} node { name: 'b' op: 'Identity' input: 'a'
          attr { key: 'T' value { i: 1 } } }`,
        /^AttrValue had value with type 'int' when 'type' expected\n\t for attr 'T'; NodeDef: \{\{node b\}\}$/,
      ],
      [
        `${placeholder("a")} node { name: 'b' op: 'MaxPool' input: 'a'
          attr { key: 'T' value { type: DT_FLOAT } } attr { key: 'padding' value { s: 'FULL' } }
          attr { key: 'ksize' value { list { i: [1, 2, 2, 1] } } }
          attr { key: 'strides' value { list { i: [1, 2, 2, 1] } } } }`,
        /^Value for attr 'padding' of "FULL" is not in the list of allowed values: "SAME", "VALID"; NodeDef: \{\{node b\}\}$/,
      ],
      [
        `${floatConst("a", 1)} node { name: 'b' op: 'Identity' input: 'a' }`,
        /^NodeDef missing attr 'T' from Op<name=Identity>; NodeDef: \{\{node b\}\}$/,
      ],
      [
        `${floatConst("a", 1)} node { name: 'b' op: 'MatMul' input: 'a'
          attr { key: 'T' value { type: DT_FLOAT } } }`,
        /^NodeDef expected inputs 'float, float' do not match 1 inputs specified; Op<name=MatMul>; NodeDef: \{\{node b\}\}$/,
      ],
      [
        `node { name: 'd' op: 'Const' attr { key: 'dtype' value { type: DT_DOUBLE } }
          attr { key: 'value' value { tensor { dtype: DT_DOUBLE tensor_shape {} double_val: 1 } } } }`,
        /dtype double is not supported by scopeflow.*for attr 'dtype'; NodeDef: \{\{node d\}\}$/s,
      ],
      [
        `node { name: 'c' op: 'Const' attr { key: 'dtype' value { type: DT_FLOAT } }
          attr { key: 'value' value { tensor { dtype: DT_INT32 tensor_shape {} int_val: 1 } } } }`,
        /^Type mismatch between value \(int32\) and dtype \(float\); NodeDef: \{\{node c\}\}$/,
      ],
    ];
    for (const [text, message] of cases)
      expectThrowsAndUnchanged(() => tf.importGraphDef(gdef(text)), tf.errors.ValueError, message);
  });

  it("drops attrs a newer producer added with their default value (producerOpList)", () => {
    const def = gdef(`${floatConst("a", 1)} node { name: 'b' op: 'Identity' input: 'a'
      attr { key: 'T' value { type: DT_FLOAT } } attr { key: 'future' value { i: 456 } } }`);
    const opList = {
      op: [{ name: "Identity", attr: [{ name: "future", type: "int", defaultValue: { i: 456 } }] }],
    };
    const [b] = tf.importGraphDef(def, { producerOpList: opList, returnElements: ["b"] }) as [
      tf.Operation,
    ];
    expect("future" in b.attrs).toBe(false);
    expect(() => tf.importGraphDef(def)).toThrow(/NodeDef mentions attr 'future'/);
  });
});

describe("tf.importGraphDef: shapes", () => {
  it("infers output shapes with the op types' shape functions", () => {
    const def =
      gdef(`${placeholder("x", "dim { size: -1 } dim { size: 8 } dim { size: 8 } dim { size: 3 }")}
      ${placeholder("w", "dim { size: 3 } dim { size: 3 } dim { size: 3 } dim { size: 16 }")}
      node { name: 'conv' op: 'Conv2D' input: 'x' input: 'w'
        attr { key: 'T' value { type: DT_FLOAT } } attr { key: 'padding' value { s: 'VALID' } }
        attr { key: 'strides' value { list { i: [1, 2, 2, 1] } } } }
      node { name: 'pool' op: 'MaxPool' input: 'conv'
        attr { key: 'T' value { type: DT_FLOAT } } attr { key: 'padding' value { s: 'SAME' } }
        attr { key: 'ksize' value { list { i: [1, 2, 2, 1] } } }
        attr { key: 'strides' value { list { i: [1, 2, 2, 1] } } } }
      node { name: 'shape' op: 'Const' attr { key: 'dtype' value { type: DT_INT32 } }
        attr { key: 'value' value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 2 } } int_val: [-1, 64] } } } }
      node { name: 'flat' op: 'Reshape' input: 'pool' input: 'shape'
        attr { key: 'T' value { type: DT_FLOAT } } }
      node { name: 'axis' op: 'Const' attr { key: 'dtype' value { type: DT_INT32 } }
        attr { key: 'value' value { tensor { dtype: DT_INT32 tensor_shape {} int_val: 1 } } } }
      node { name: 'sum' op: 'Sum' input: 'flat' input: 'axis'
        attr { key: 'T' value { type: DT_FLOAT } } attr { key: 'keep_dims' value { b: true } } }
      ${binary("bcast", "Add", "sum", "flat")}`);
    const shapes = (
      tf.importGraphDef(def, {
        returnElements: ["conv:0", "pool:0", "flat:0", "sum:0", "bcast:0"],
      }) as tf.Tensor[]
    ).map((t) => t.shape.toString());
    expect(shapes).toEqual(["(?, 3, 3, 16)", "(?, 2, 2, 16)", "(?, 64)", "(?, 1)", "(?, 64)"]);
  });

  it("takes _output_shapes where no shape function is known, and checks it against one", () => {
    const [r] = tf.importGraphDef(
      gdef(`node { name: 's' op: 'Const' attr { key: 'dtype' value { type: DT_INT32 } }
          attr { key: 'value' value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 1 } } int_val: 4 } } } }
        node { name: 'r' op: 'RandomStandardNormal' input: 's'
          attr { key: 'T' value { type: DT_INT32 } } attr { key: 'dtype' value { type: DT_FLOAT } }
          attr { key: '_output_shapes' value { list { shape { dim { size: 4 } } } } } }`),
      { returnElements: ["r:0"] },
    ) as [tf.Tensor];
    expect(r.shape.toString()).toBe("(4,)");
    expect("_output_shapes" in r.op.attrs).toBe(false);
    tf.resetDefaultGraph();
    expectThrowsAndUnchanged(
      () =>
        tf.importGraphDef(
          gdef(`${floatConst("a", 1)} node { name: 'b' op: 'L2Loss' input: 'a'
            attr { key: 'T' value { type: DT_FLOAT } }
            attr { key: '_output_shapes' value { list { shape { dim { size: 43 } } } } } }`),
        ),
      tf.errors.ValueError,
      "Node 'import/b' has an _output_shapes attribute inconsistent with the GraphDef for output #0: Shapes () and (43,) are not compatible",
    );
  });

  it("reports shape errors of the shape functions with TF's text", () => {
    const e = errorOf(() =>
      tf.importGraphDef(
        gdef(`${placeholder("a", "dim { size: 2 } dim { size: 3 }")}
          ${placeholder("b", "dim { size: 4 } dim { size: 5 }")}${binary("m", "MatMul", "a", "b")}`),
      ),
    );
    expect(e.message).toMatch(
      /Dimensions must be equal, but are 3 and 4 for 'import\/m' \(op: 'MatMul'\)/,
    );
    expect(opNames()).toEqual([]);
  });
});

describe("tf.importGraphDef: refusals leave the graph as it was", () => {
  function expectRefusedImport(def: GraphDefMessage | Uint8Array, message: string | RegExp): void {
    tf.constant(1, { name: "existing" });
    tf.getVariable("v", [1]);
    expectThrowsAndUnchanged(() => tf.importGraphDef(def), tf.errors.ValueError, message);
    // Names the failed import had taken are free again.
    const [a] = tf.importGraphDef(gdef(floatConst("a", 1)), { returnElements: ["a"] }) as [
      tf.Operation,
    ];
    expect(a.name).toBe("import/a");
    tf.resetDefaultGraph();
  }

  it("an op type scopeflow does not register, naming the op type and the node", () => {
    for (const type of ["MyMadeUpOp", "LookupTableFindV2", "EncodePng", "LoopArg"]) {
      expectRefusedImport(
        gdef(`${floatConst("a", 1)} node { name: 'odd/node' op: '${type}' input: '^a' }`),
        `Op type not registered '${type}' in binary running on scopeflow. Make sure the Op and Kernel are registered in the binary running in this process. (node 'odd/node')`,
      );
    }
  });

  it("a node calling a function of the GraphDef's library with inputs it does not take", () => {
    const def = gdef(`library { function { signature { name: 'MyFn' } } }
      ${floatConst("a", 1)} node { name: 'call' op: 'MyFn' input: 'a' }`);
    expectRefusedImport(
      def,
      "NodeDef expected inputs '' do not match 1 inputs specified; Op<name=MyFn>; NodeDef: {{node call}}",
    );
  });

  it("inputs naming missing nodes or outputs, dtype mismatches, duplicates, cycles", () => {
    const cases: [string, string][] = [
      [binary("b", "Add", "a:0", "a:0"), "Node 'b': Unknown input node 'a:0'"],
      [`node { name: 'b' op: 'NoOp' input: '^a' }`, "Node 'b': Unknown input node '^a'"],
      [`node { name: 'b' op: 'NoOp' input: 'a:b:0' }`, "Node 'b': Unknown input node 'a:b:0'"],
      [
        `${floatConst("a", 1)}${binary("b", "Add", "a:1", "a")}`,
        "Node 'import/b': Connecting to invalid output 1 of source node a which has 1 outputs",
      ],
      [
        `node { name: 'a' op: 'Const' attr { key: 'dtype' value { type: DT_INT32 } }
           attr { key: 'value' value { tensor { dtype: DT_INT32 tensor_shape {} int_val: 1 } } } }
         ${binary("b", "Add", "a", "a")}`,
        "Input 0 of node import/b was passed int32 from import/a:0 incompatible with expected float.",
      ],
      [`${floatConst("a", 1)}${floatConst("a", 2)}`, "Node 'a' is not unique"],
      [`${binary("a", "Add", "b", "b")}${binary("b", "Add", "a", "a")}`, "2 nodes in a cycle"],
      [
        `${floatConst("a", 1)} node { name: 'b' op: 'Identity' input: '^a' input: 'a'
          attr { key: 'T' value { type: DT_FLOAT } } }`,
        "Node 'b': Control dependencies must come after regular dependencies",
      ],
      [floatConst("_bad", 1), "Node '_bad': Node name contains invalid characters"],
      [`node { name: 'a' }`, "Node 'a' does not specify an operation"],
      [
        `${floatConst("a", 1)} node { name: 'b' op: 'NoOp' input: '^a'
          attr { key: '_class' value { list { s: 'loc:@zzz' } } } }`,
        "Node 'b' expects to be colocated with unknown node 'zzz'",
      ],
    ];
    for (const [text, message] of cases) expectRefusedImport(gdef(text), message);
  });

  it("malformed or truncated bytes, and GraphDef versions TF 1.15 refuses", () => {
    const g = new tf.Graph();
    g.asDefault(() => tf.add(tf.constant([1, 2, 3]), 1));
    const bytes = GraphDef.toBinary(g.asGraphDef());
    expectRefusedImport(bytes.slice(0, bytes.length >> 1), /^Error parsing message: /);
    expectRefusedImport(
      new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 1]),
      /^Error parsing message: /,
    );
    expectRefusedImport(
      gdef("", -1),
      "GraphDef producer version -1 below min producer 0 supported by TensorFlow 1.15.0.  Please regenerate your graph.",
    );
    expectRefusedImport(
      tf.GraphDef.fromText("versions { producer: 27 min_consumer: 1073741824 }"),
      "GraphDef min consumer version 1073741824 above current version 134 for TensorFlow 1.15.0.  Please upgrade TensorFlow.",
    );
  });

  it("an op deprecated before the GraphDef's producer version", () => {
    expectRefusedImport(
      gdef(placeholder("p").replace("'Placeholder'", "'PlaceholderV2'"), 175),
      "Op PlaceholderV2 is not available in GraphDef version 175. It has been removed in version 23. Placeholder now behaves the same as PlaceholderV2.. (node 'p')",
    );
  });

  it("refuses to import inside a while loop's body", () => {
    const def = gdef(floatConst("a", 1));
    expect(() =>
      tf.whileLoop(
        (i: tf.Tensor) => tf.less(i, 2),
        (i: tf.Tensor) =>
          tf.add(i, tf.importGraphDef(def, { returnElements: ["a:0"] })?.[0] as tf.Tensor),
        [tf.constant(0)],
      ),
    ).toThrow(/inside a tf.whileLoop body is not supported by scopeflow/);
  });
});

describe("tf.importGraphDef: shape functions agree with the builders", () => {
  it("every imported op with a shape function gets the shapes its builder inferred", () => {
    const source = new tf.Graph();
    source.asDefault(() => {
      const x = tf.placeholder(tf.float32, [null, 6, 6, 3], { name: "x" });
      const m = tf.placeholder(tf.float32, [null, 4], { name: "m" });
      const w = tf.getVariable("w", [4, 5]);
      const idx = tf.placeholder(tf.int32, [7], { name: "idx" });
      const h = tf.nn.relu(tf.nn.biasAdd(tf.matmul(m, w), tf.zeros([5])));
      tf.nn.softmax(h);
      tf.reduceMean(h, { axis: 1, keepdims: true });
      tf.reduceSum(h, { axis: [0, 1] });
      tf.argmax(h, 1);
      tf.concat([h, h], 1);
      tf.stack([h, h, h], { axis: 1 });
      tf.unstack(tf.reshape(h, [-1, 5, 1]), { axis: 1 });
      tf.expandDims(h, -1);
      tf.squeeze(tf.expandDims(h, 1), [1]);
      tf.transpose(h);
      tf.tile(h, [2, 3]);
      tf.reshape(x, [-1, 27]);
      tf.pad(x, [
        [0, 0],
        [1, 1],
        [2, 2],
        [0, 0],
      ]);
      tf.slice(h, [0, 1], [-1, 3]);
      tf.stridedSlice(x, [0, 1, 0, 0], [0, 5, 6, 3], [1, 2, 1, 1], { beginMask: 1, endMask: 1 });
      tf.gather(h, idx, { axis: 1 });
      tf.oneHot(idx, 10);
      tf.split(h, 5, { axis: 1 });
      tf.where(tf.greater(h, 0), h, tf.zerosLike(h));
      tf.nn.conv2d(x, tf.getVariable("f", [3, 3, 3, 8]), { strides: 2, padding: "SAME" });
      tf.nn.maxPool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID");
      tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: idx, logits: tf.zeros([7, 3]) });
      tf.shape(x);
      tf.fill(tf.shape(h), 1);
      tf.addN([h, h, h]);
      tf.cast(h, tf.int32);
      tf.gradients(tf.reduceSum(h), [w]);
    });
    const target = new tf.Graph();
    target.asDefault(() => tf.importGraphDef(source.asGraphDef(), { name: "" }));
    let compared = 0;
    const differ: string[] = [];
    for (const op of source.getOperations()) {
      if (getShapeFunction(op.type) === undefined) continue;
      const imported = target.getOperationByName(op.name).outputs;
      const got = imported.map((t) => t.shape.toString()).join(" ");
      const want = op.outputs.map((t) => t.shape.toString()).join(" ");
      // Gradient graphs size some values through shape arithmetic that TF's builders (and
      // scopeflow's) evaluate while building; import infers them less precisely, never
      // wrongly.
      const ok = op.name.startsWith("gradients/")
        ? imported.every((t, i) => t.shape.isCompatibleWith(op.outputs[i]?.shape ?? t.shape))
        : got === want;
      if (!ok) differ.push(`${op.name} (${op.type}): ${got}, built ${want}`);
      compared++;
    }
    expect(differ).toEqual([]);
    expect(compared).toBeGreaterThan(60);
  });
});

describe("tf.importGraphDef inside tf.cond", () => {
  it("an imported while loop runs in the branch taken (TF's testImportWhileLoopInCond)", () => {
    const g = new tf.Graph();
    const r = g.asDefault(
      () =>
        tf.whileLoop(
          (i: tf.Tensor) => tf.less(i, 10),
          (i: tf.Tensor) => tf.add(i, 1),
          [tf.constant(0)],
        ) as tf.Tensor,
    );
    const def = g.asGraphDef();
    const pred = tf.placeholder(tf.bool, []);
    const out = tf.cond(
      pred,
      () => (tf.importGraphDef(def, { returnElements: [r.name] }) as tf.Tensor[])[0] as tf.Tensor,
      () => tf.constant(1),
    ) as tf.Tensor;
    using sess = new tf.Session();
    expect(sess.run(out, new Map([[pred, true]])).data[0]).toBe(10);
    expect(sess.run(out, new Map([[pred, false]])).data[0]).toBe(1);
  });
});

describe("tf.importGraphDef: gradients through imported ops", () => {
  it("tf.gradients differentiates an imported graph as the source graph (TF's testGradient)", () => {
    const source = new tf.Graph();
    const wValue = Array.from({ length: 4 }, (_, i) => Array.from({ length: 3 }, (_, j) => i - j));
    const xValue = [
      [1, -2, 0.5, 3],
      [0, 1, 1, -1],
    ];
    const imgValue = Array.from({ length: 1 }, () =>
      Array.from({ length: 4 }, (_, r) => Array.from({ length: 4 }, (_, c) => [r - c, r * c])),
    );
    const expected = source.asDefault(() => {
      const x = tf.placeholder(tf.float32, [null, 4], { name: "input" });
      const w = tf.placeholder(tf.float32, [4, 3], { name: "weights" });
      const img = tf.placeholder(tf.float32, [1, 4, 4, 2], { name: "img" });
      const act = tf.nn.relu(tf.add(tf.matmul(x, w), tf.constant([0.5, -1, 2])));
      const conv = tf.nn.conv2d(img, tf.ones([2, 2, 2, 3]), { strides: 2, padding: "SAME" });
      const pooled = tf.nn.maxPool(conv, [1, 2, 2, 1], [1, 1, 1, 1], "VALID");
      const loss = tf.add(
        tf.reduceMean(act, { name: "loss" }),
        tf.reduceSum(
          tf.concat([tf.reshape(pooled, [-1]), tf.pad(tf.reshape(pooled, [-1]), [[1, 1]])], 0),
        ),
        { name: "total" },
      );
      const grads = tf.gradients(loss, [w, img]) as tf.Tensor[];
      using sess = new tf.Session();
      return (
        sess.run(
          grads,
          new Map<tf.Tensor, unknown>([
            [x, xValue],
            [w, wValue],
            [img, imgValue],
          ]),
        ) as tf.NDArray[]
      ).map((v) => Array.from(v.data as Float32Array));
    });
    const def = source.asGraphDef();
    const w = tf.constant(wValue);
    const img = tf.constant(imgValue);
    const [total] = tf.importGraphDef(def, {
      inputMap: { "input:0": tf.constant(xValue), "weights:0": w, "img:0": img },
      returnElements: ["total:0"],
    }) as [tf.Tensor];
    // Only the forward ops are needed: the source graph's own gradient ops are imported
    // too, but tf.gradients builds new ones over the imported forward ops.
    const grads = tf.gradients(total, [w, img]) as tf.Tensor[];
    const got = run<tf.NDArray[]>(grads).map((v) => Array.from(v.data as Float32Array));
    expect(got).toEqual(expected);
  });

  it("an imported cond is differentiated by TF's Switch/Merge rule; an imported loop is refused", () => {
    const source = new tf.Graph();
    source.asDefault(() => {
      const x = tf.placeholder(tf.float32, [], { name: "x" });
      tf.identity(
        tf.cond(
          tf.greater(x, 0),
          () => tf.square(x),
          () => tf.multiply(x, 3),
        ) as tf.Tensor,
        { name: "branchy" },
      );
      tf.whileLoop(
        (i: tf.Tensor) => tf.less(i, 3),
        (i: tf.Tensor, a: tf.Tensor) => [tf.add(i, 1), tf.multiply(a, x)],
        [tf.constant(0), x],
        { name: "loop" },
      );
    });
    const x = tf.placeholder(tf.float32, [], { name: "feed" });
    const [branchy, looped] = tf.importGraphDef(source.asGraphDef(), {
      inputMap: { x },
      returnElements: ["branchy:0", "loop/Exit_1:0"],
    }) as [tf.Tensor, tf.Tensor];
    const [dx] = tf.gradients(branchy, x) as [tf.Tensor];
    const at = (v: number) => {
      using sess = new tf.Session();
      return Number(sess.run(dx, new Map([[x, v]])).item());
    };
    expect([at(2.5), at(-1)]).toEqual([5, 3]);
    expectThrowsAndUnchanged(
      () => tf.gradients(looped, x),
      tf.errors.ValueError,
      /^Cannot differentiate through the loop exit 'import\/loop\/Exit_1': its loop has no WhileContext \(a GraphDef imported with tf\.importGraphDef keeps none\)/,
    );
  });
});
