/**
 * `GraphDef.library` on import, as TF 1.15 reads and runs it: FunctionDefs become bodies
 * built through the node import (`op:out_arg:k` → flat outputs, `ret`, polymorphic
 * `$T` attrs bound per call), called directly (the node's op is the function's name),
 * through `PartitionedCall`, or by the functional `If`/`While`; their gradient is
 * `SymbolicGradient` (or the library's `GradientDef`); TF's errors for conflicting
 * libraries leave the graph as it was; export writes the library back byte for byte;
 * tf.data graphs round-trip through export → import → iterate.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { FunctionDefLibrary, GraphDef, type tensorflow } from "../../src/proto/index.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

type GraphDefMessage = tensorflow.GraphDef.$Properties;

const FIXTURES = path.join(
  __dirname,
  "..",
  "fixtures",
  "tf-graphs",
  "tf-grappler-control-flow-pbtxt",
);

function fixture(name: string): GraphDefMessage {
  return GraphDef.fromText(readFileSync(path.join(FIXTURES, name), "utf8"));
}

const gdef = (text: string): GraphDefMessage =>
  GraphDef.fromText(`${text} versions { producer: 134 }`);

const floatAttr = (key: string): string => `attr { key: '${key}' value { type: DT_FLOAT } }`;
const typeAttr = (key: string, t: string): string => `attr { key: '${key}' value { type: ${t} } }`;
const funcAttr = (key: string, name: string): string =>
  `attr { key: '${key}' value { func { name: '${name}' } } }`;
const typeList = (key: string, ...types: string[]): string =>
  `attr { key: '${key}' value { list { ${types.map((t) => `type: ${t}`).join(" ")} } } }`;

function constNode(name: string, value: number, type = "DT_FLOAT"): string {
  const field = type === "DT_FLOAT" ? "float_val" : "int_val";
  return `node_def { name: '${name}' op: 'Const' ${typeAttr("dtype", type)}
    attr { key: 'value' value { tensor { dtype: ${type} tensor_shape {} ${field}: ${value} } } } }`;
}

function topConst(name: string, value: number | number[], type = "DT_FLOAT"): string {
  const values = Array.isArray(value) ? value : [value];
  const field = type === "DT_FLOAT" ? "float_val" : "int_val";
  const shape = Array.isArray(value)
    ? `tensor_shape { dim { size: ${values.length} } }`
    : "tensor_shape {}";
  return `node { name: '${name}' op: 'Const' ${typeAttr("dtype", type)}
    attr { key: 'value' value { tensor { dtype: ${type} ${shape} ${values.map((v) => `${field}: ${v}`).join(" ")} } } } }`;
}

/** A TF-style library: as TF's `graph_to_function_def` writes function bodies. */
const LIBRARY = `library {
  function {
    signature { name: 'MySquare' input_arg { name: 'x' type: DT_FLOAT } output_arg { name: 'y' type: DT_FLOAT } }
    node_def { name: 'mul' op: 'Mul' input: 'x' input: 'x' ${floatAttr("T")} }
    ret { key: 'y' value: 'mul:z:0' }
  }
  function {
    signature {
      name: 'PolyAdd'
      input_arg { name: 'a' type_attr: 'T' } input_arg { name: 'b' type_attr: 'T' }
      output_arg { name: 's' type_attr: 'T' }
      attr { name: 'T' type: 'type' }
    }
    node_def { name: 'add' op: 'Add' input: 'a' input: 'b' attr { key: 'T' value { placeholder: 'T' } } }
    ret { key: 's' value: 'add:z:0' }
  }
  function {
    signature {
      name: 'SumOfSquares'
      input_arg { name: 'x' type: DT_FLOAT } input_arg { name: 'y' type: DT_FLOAT }
      output_arg { name: 'total' type: DT_FLOAT }
    }
    node_def { name: 'sx' op: 'MySquare' input: 'x' }
    node_def { name: 'sy' op: 'MySquare' input: 'y' }
    node_def { name: 'total' op: 'PolyAdd' input: 'sx:y:0' input: 'sy:y:0' ${floatAttr("T")} }
    ret { key: 'total' value: 'total:s:0' }
  }
  function {
    signature {
      name: 'SplitLast'
      input_arg { name: 'v' type: DT_FLOAT }
      output_arg { name: 'last' type: DT_FLOAT } output_arg { name: 'idx' type: DT_INT32 }
    }
    ${constNode("axis", 0, "DT_INT32")}
    node_def { name: 'split' op: 'Split' input: 'axis:output:0' input: 'v'
      attr { key: 'num_split' value { i: 2 } } ${floatAttr("T")} }
    node_def { name: 'u' op: 'Unique' input: 'v' ${floatAttr("T")} ${typeAttr("out_idx", "DT_INT32")} }
    ret { key: 'last' value: 'split:output:1' }
    ret { key: 'idx' value: 'u:idx:0' }
  }
  function {
    signature {
      name: 'Below10'
      input_arg { name: 'i' type: DT_INT32 } input_arg { name: 'x' type: DT_FLOAT }
      output_arg { name: 'less' type: DT_BOOL }
    }
    ${constNode("ten", 10, "DT_INT32")}
    node_def { name: 'Less' op: 'Less' input: 'i' input: 'ten:output:0' ${typeAttr("T", "DT_INT32")} }
    ret { key: 'less' value: 'Less:z:0' }
  }
  function {
    signature {
      name: 'Step'
      input_arg { name: 'i' type: DT_INT32 } input_arg { name: 'x' type: DT_FLOAT }
      output_arg { name: 'next_i' type: DT_INT32 } output_arg { name: 'next_x' type: DT_FLOAT }
    }
    ${constNode("one", 1, "DT_INT32")}
    ${constNode("two", 2)}
    node_def { name: 'add' op: 'Add' input: 'i' input: 'one:output:0' ${typeAttr("T", "DT_INT32")} }
    node_def { name: 'mul' op: 'Mul' input: 'x' input: 'two:output:0' ${floatAttr("T")} }
    ret { key: 'next_i' value: 'add:z:0' }
    ret { key: 'next_x' value: 'mul:z:0' }
  }
  function {
    signature { name: 'Negate' input_arg { name: 'x' type: DT_FLOAT } output_arg { name: 'y' type: DT_FLOAT } }
    node_def { name: 'neg' op: 'Neg' input: 'x' ${floatAttr("T")} }
    ret { key: 'y' value: 'neg:y:0' }
  }
}`;

const CALLS = `${topConst("x", 3)} ${topConst("y", 4)} ${topConst("v", [1, 5, 1, 7])}
  ${topConst("i0", 0, "DT_INT32")} ${topConst("x0", 1)}
  ${topConst("pred", 1, "DT_BOOL").replace("int_val", "bool_val")}
  node { name: 'sq' op: 'MySquare' input: 'x' }
  node { name: 'poly_f' op: 'PolyAdd' input: 'x' input: 'y' ${floatAttr("T")} }
  node { name: 'poly_i' op: 'PolyAdd' input: 'i0' input: 'i0' ${typeAttr("T", "DT_INT32")} }
  node { name: 'sos' op: 'SumOfSquares' input: 'x' input: 'y' }
  node { name: 'split' op: 'SplitLast' input: 'v' }
  node { name: 'pcall' op: 'PartitionedCall' input: 'y' ${typeList("Tin", "DT_FLOAT")} ${typeList("Tout", "DT_FLOAT")} ${funcAttr("f", "MySquare")} }
  node { name: 'loop' op: 'While' input: 'i0' input: 'x0' ${typeList("T", "DT_INT32", "DT_FLOAT")}
    ${funcAttr("cond", "Below10")} ${funcAttr("body", "Step")} }
  node { name: 'branch' op: 'StatelessIf' input: 'pred' input: 'x' ${typeAttr("Tcond", "DT_BOOL")}
    ${typeList("Tin", "DT_FLOAT")} ${typeList("Tout", "DT_FLOAT")}
    ${funcAttr("then_branch", "MySquare")} ${funcAttr("else_branch", "Negate")} }`;

function values(fetches: tf.Tensor[]): number[][] {
  using sess = new tf.Session();
  return (sess.run(fetches) as unknown as tf.NDArray[]).map((v) =>
    Array.from(v.data as ArrayLike<number | bigint | boolean>, Number),
  );
}

const tensors = (...names: string[]): tf.Tensor[] =>
  names.map((n) => tf.getDefaultGraph().getTensorByName(n));

describe("importing a function library", () => {
  it("TF's grappler graph calling a library function runs it (function_switch.pbtxt)", () => {
    const def = fixture("function_switch.pbtxt");
    tf.importGraphDef(def, { name: "" });
    const [call] = tensors("MyAdd_MPaeanipb7o:0");
    expect(call?.op.type).toBe("MyAdd_MPaeanipb7o");
    // Merge of the branch's [[2, 2]] plus Const [[2, 2]].
    expect(values([call as tf.Tensor])).toEqual([[4, 4]]);
    const out = tf.getDefaultGraph().asGraphDef();
    expect(FunctionDefLibrary.toBinary(out.library ?? {})).toEqual(
      FunctionDefLibrary.toBinary(def.library ?? {}),
    );
  });

  it("function_functional_while.pbtxt imports (a While inside a function) and refuses to run its ill-typed loop", () => {
    // TF's test graph feeds an int32 counter to a body taking floats: TF fails at run time too.
    const def = fixture("function_functional_while.pbtxt");
    tf.importGraphDef(def, { name: "" });
    const call = tf.getDefaultGraph().getOperationByName("MyFunc_AenMyWWx1Us");
    expect(call.outputs.map((t) => t.dtype)).toEqual([tf.int32, tf.float32]);
    expect(() => values(call.outputs)).toThrow(
      /Body function Body_8GOMGeZeK5c returns float for output 0, but node While expects int32/,
    );
    const out = tf.getDefaultGraph().asGraphDef();
    expect(FunctionDefLibrary.toBinary(out.library ?? {})).toEqual(
      FunctionDefLibrary.toBinary(def.library ?? {}),
    );
  });

  it("direct calls, polymorphic $T bound per call, nested calls, list outputs, PartitionedCall, While, If", () => {
    tf.importGraphDef(gdef(`${CALLS} ${LIBRARY}`), { name: "" });
    const got = values(
      tensors(
        "sq:0",
        "poly_f:0",
        "poly_i:0",
        "sos:0",
        "split:0",
        "split:1",
        "pcall:0",
        "loop:0",
        "loop:1",
        "branch:0",
      ),
    );
    expect(got).toEqual([[9], [7], [0], [25], [1, 7], [0, 1, 0, 2], [16], [10], [1024], [9]]);
    const g = tf.getDefaultGraph();
    expect(g.getTensorByName("poly_i:0").dtype).toBe(tf.int32);
    // Output shapes come from the bodies, built for the call's input shapes (While: its inputs').
    expect(g.getTensorByName("sq:0").shape.toString()).toBe("()");
    expect(g.getTensorByName("split:0").shape.toString()).toBe("(2,)");
    expect(g.getTensorByName("pcall:0").shape.toString()).toBe("()");
    expect(g.getTensorByName("loop:1").shape.toString()).toBe("()");
  });

  it("a false predicate takes the else branch; a While runs zero times when its cond is false", () => {
    const text = CALLS.replace("bool_val: 1", "bool_val: 0").replace(
      topConst("i0", 0, "DT_INT32"),
      topConst("i0", 12, "DT_INT32"),
    );
    tf.importGraphDef(gdef(`${text} ${LIBRARY}`), { name: "" });
    expect(values(tensors("branch:0", "loop:0", "loop:1"))).toEqual([[-3], [12], [1]]);
  });

  it("calls inside imported functions run under a prefix, and twice-imported libraries are shared", () => {
    const def = gdef(`${CALLS} ${LIBRARY}`);
    tf.importGraphDef(def);
    // The same library again: equal functions are skipped (TF ignores duplicates).
    tf.importGraphDef(def, { name: "again" });
    expect(values(tensors("import/sos:0", "again/sos:0"))).toEqual([[25], [25]]);
    const out = tf.getDefaultGraph().asGraphDef();
    expect(out.library?.function?.map((f) => f.signature?.name)).toEqual(
      def.library?.function?.map((f) => f.signature?.name),
    );
  });

  it("import → export → import is stable, the library byte for byte", () => {
    const def = gdef(`${CALLS} ${LIBRARY}`);
    tf.importGraphDef(def, { name: "" });
    const first = tf.getDefaultGraph().asGraphDef();
    expect(FunctionDefLibrary.toBinary(first.library ?? {})).toEqual(
      FunctionDefLibrary.toBinary(def.library ?? {}),
    );
    tf.resetDefaultGraph();
    tf.importGraphDef(first, { name: "" });
    const second = tf.getDefaultGraph().asGraphDef();
    expect(GraphDef.toBinary(second)).toEqual(GraphDef.toBinary(first));
    expect(values(tensors("sos:0", "loop:1"))).toEqual([[25], [1024]]);
  });

  it("a body's stateful ops run at every call even when no result needs them (TF's PruneFunctionBody)", () => {
    const library = `library { function {
      signature { name: 'Checked' input_arg { name: 'x' type: DT_FLOAT } output_arg { name: 'y' type: DT_FLOAT } }
      ${constNode("zero", 0)}
      node_def { name: 'positive' op: 'Greater' input: 'x' input: 'zero:output:0' ${floatAttr("T")} }
      node_def { name: 'check' op: 'Assert' input: 'positive:z:0' input: 'x' ${typeList("T", "DT_FLOAT")} }
      node_def { name: 'y' op: 'Identity' input: 'x' ${floatAttr("T")} }
      ret { key: 'y' value: 'y:output:0' } } }`;
    tf.importGraphDef(
      gdef(`${topConst("good", 2)} ${topConst("bad", -1)}
        node { name: 'ok' op: 'Checked' input: 'good' } node { name: 'fails' op: 'Checked' input: 'bad' } ${library}`),
      { name: "" },
    );
    expect(values(tensors("ok:0"))).toEqual([[2]]);
    expect(() => values(tensors("fails:0"))).toThrow(tf.errors.InvalidArgumentError);
  });

  it("memory stays flat over many runs of calls and loops", () => {
    tf.importGraphDef(gdef(`${CALLS} ${LIBRARY}`), { name: "" });
    const fetches = tensors("sos:0", "loop:1", "pcall:0", "branch:0", "split:1");
    using sess = new tf.Session();
    sess.run(fetches);
    const before = tfc.memory().numTensors;
    for (let k = 0; k < 30; k++) sess.run(fetches);
    expect(tfc.memory().numTensors).toBe(before);
  });
});

describe("gradients of function calls", () => {
  it("a direct call differentiates through SymbolicGradient (also after export → import)", () => {
    tf.importGraphDef(gdef(`${CALLS} ${LIBRARY}`), { name: "" });
    const [x, y] = tensors("x:0", "y:0") as [tf.Tensor, tf.Tensor];
    const [sos, poly] = tensors("sos:0", "poly_f:0") as [tf.Tensor, tf.Tensor];
    const [dx, dy] = tf.gradients(sos, [x, y]) as [tf.Tensor, tf.Tensor];
    expect(dx.op.type).toBe("SymbolicGradient");
    expect(dx.op.attrs.f).toBe("SumOfSquares");
    const [px] = tf.gradients(tf.multiply(poly, 3), [x]) as [tf.Tensor];
    expect(values([dx, dy, px])).toEqual([[6], [8], [3]]);
    // PartitionedCall too: d(y²)/dy = 2y.
    const [pdy] = tf.gradients(tensors("pcall:0")[0] as tf.Tensor, [y]) as [tf.Tensor];
    expect(values([pdy])).toEqual([[8]]);
    // The SymbolicGradient node exports and runs when imported again.
    const def = tf.getDefaultGraph().asGraphDef();
    tf.resetDefaultGraph();
    tf.importGraphDef(def, { name: "" });
    expect(values(tensors(dx.name, dy.name, px.name))).toEqual([[6], [8], [3]]);
  });

  it("a GradientDef of the library gives the gradient function", () => {
    const library = LIBRARY.replace(
      /}\s*$/,
      `function {
        signature {
          name: 'MySquareGrad'
          input_arg { name: 'x' type: DT_FLOAT } input_arg { name: 'dy' type: DT_FLOAT }
          output_arg { name: 'dx' type: DT_FLOAT }
        }
        ${constNode("hundred", 100)}
        node_def { name: 'mul' op: 'Mul' input: 'dy' input: 'hundred:output:0' ${floatAttr("T")} }
        ret { key: 'dx' value: 'mul:z:0' }
      }
      gradient { function_name: 'MySquare' gradient_func: 'MySquareGrad' }
    }`,
    );
    tf.importGraphDef(gdef(`${CALLS} ${library}`), { name: "" });
    const [x] = tensors("x:0") as [tf.Tensor];
    const [dx] = tf.gradients(tensors("sq:0")[0] as tf.Tensor, [x]) as [tf.Tensor];
    expect(values([dx])).toEqual([[100]]);
    const out = tf.getDefaultGraph().asGraphDef();
    expect(out.library?.gradient).toEqual([
      { functionName: "MySquare", gradientFunc: "MySquareGrad" },
    ]);
  });

  it("the functional If and While: a clear error naming the op and its functions", () => {
    tf.importGraphDef(gdef(`${CALLS} ${LIBRARY}`), { name: "" });
    const [x, x0] = tensors("x:0", "x0:0") as [tf.Tensor, tf.Tensor];
    expect(() => tf.gradients(tensors("branch:0")[0] as tf.Tensor, [x])).toThrow(
      "No gradient defined for operation 'branch' (op type: StatelessIf; then_branch MySquare, else_branch Negate)",
    );
    expect(() => tf.gradients(tensors("loop:1")[0] as tf.Tensor, [x0])).toThrow(
      "No gradient defined for operation 'loop' (op type: While; cond Below10, body Step)",
    );
  });

  it("a body op without a gradient: the error names the call, its function and the op", () => {
    const library = `library { function {
      signature { name: 'Products' input_arg { name: 'x' type: DT_FLOAT } output_arg { name: 'y' type: DT_FLOAT } }
      ${constNode("axis", 0, "DT_INT32")}
      node_def { name: 'p' op: 'Cumprod' input: 'x' input: 'axis:output:0' ${floatAttr("T")} ${typeAttr("Tidx", "DT_INT32")} }
      ret { key: 'y' value: 'p:out:0' } } }`;
    tf.importGraphDef(
      gdef(`${topConst("x", [1, 2])} node { name: 'call' op: 'Products' input: 'x' } ${library}`),
      {
        name: "",
      },
    );
    const [x, call] = tensors("x:0", "call:0") as [tf.Tensor, tf.Tensor];
    expect(() => tf.gradients(call, [x])).toThrow(
      /^Cannot differentiate 'call' \(op type: Products\), a call of function Products: No gradient defined for operation 'p' \(op type: Cumprod\)/,
    );
  });
});

describe("library errors leave the graph as it was", () => {
  function expectRefused(def: GraphDefMessage, message: string | RegExp): void {
    tf.importGraphDef(gdef(`${topConst("keep", 1)}`), { name: "" });
    const before = tf.getDefaultGraph().asGraphDef();
    expect(() => tf.importGraphDef(def)).toThrow(message);
    expect(GraphDef.toBinary(tf.getDefaultGraph().asGraphDef())).toEqual(GraphDef.toBinary(before));
    // The names of a failed import's functions are free again.
    tf.resetDefaultGraph();
  }

  const square = (body: string): string => `library { function {
    signature { name: 'MySquare' input_arg { name: 'x' type: DT_FLOAT } output_arg { name: 'y' type: DT_FLOAT } }
    ${body} } }`;

  it("a different function with the same name, a function named as an op, conflicting gradients", () => {
    tf.importGraphDef(gdef(`${CALLS} ${LIBRARY}`));
    const count = tf.getDefaultGraph().opCount;
    const other = square(
      `node_def { name: 'mul' op: 'Add' input: 'x' input: 'x' ${floatAttr("T")} } ret { key: 'y' value: 'mul:z:0' }`,
    );
    expect(() =>
      tf.importGraphDef(
        gdef(`${topConst("z", 1)} node { name: 's' op: 'MySquare' input: 'z' } ${other}`),
      ),
    ).toThrow(
      "Cannot add function 'MySquare' because a different function with the same name already exists.",
    );
    expect(tf.getDefaultGraph().opCount).toBe(count);
    expect(() =>
      tf.importGraphDef(gdef(`library { function { signature { name: 'Add' } } }`)),
    ).toThrow("Cannot add function 'Add' because an op with the same name already exists.");
    const grads = (g: string): GraphDefMessage =>
      gdef(`library { gradient { function_name: 'MySquare' gradient_func: '${g}' } }`);
    tf.importGraphDef(grads("G1"));
    expect(() => tf.importGraphDef(grads("G2"))).toThrow(
      "Cannot assign gradient function 'G2' to 'MySquare' because it already has gradient function 'G1'",
    );
    expect(tf.getDefaultGraph().opCount).toBe(count);
  });

  it("a failed import takes its functions back out of the library", () => {
    const fresh = (op: string): string => `library { function {
      signature { name: 'Fresh' input_arg { name: 'x' type: DT_FLOAT } output_arg { name: 'y' type: DT_FLOAT } }
      node_def { name: 'r' op: '${op}' input: 'x' ${floatAttr("T")} } ret { key: 'y' value: 'r:y:0' } } }`;
    expect(() =>
      tf.importGraphDef(gdef(`${fresh("Neg")} node { name: 'bad' op: 'MyMadeUpOp' }`)),
    ).toThrow("Op type not registered 'MyMadeUpOp'");
    expect(tf.getDefaultGraph().asGraphDef().library).toBeNull();
    // Had 'Fresh' stayed, a different 'Fresh' would now be refused.
    tf.importGraphDef(
      gdef(`${topConst("x", 2)} node { name: 'c' op: 'Fresh' input: 'x' } ${fresh("Exp")}`),
      {
        name: "",
      },
    );
    expect(values(tensors("c:0"))[0]?.[0]).toBeCloseTo(Math.exp(2), 4);
  });

  it("calls with the wrong arg count or types, or of a missing function", () => {
    expectRefused(
      gdef(
        `${topConst("a", 1)} node { name: 'c' op: 'MySquare' input: 'a' input: 'a' } ${LIBRARY}`,
      ),
      "NodeDef expected inputs 'float' do not match 2 inputs specified; Op<name=MySquare>; NodeDef: {{node c}}",
    );
    expectRefused(
      gdef(
        `${topConst("a", 1, "DT_INT32")} node { name: 'c' op: 'MySquare' input: 'a' } ${LIBRARY}`,
      ),
      "Input 0 of node import/c was passed int32 from import/a:0 incompatible with expected float.",
    );
    expectRefused(
      gdef(`${topConst("a", 1)} node { name: 'c' op: 'PartitionedCall' input: 'a'
        ${typeList("Tin", "DT_FLOAT")} ${typeList("Tout", "DT_FLOAT")} ${funcAttr("f", "Nope")} } ${LIBRARY}`),
      "Node 'import/c' (op PartitionedCall) calls function Nope, which is not in the graph's function library",
    );
    expectRefused(
      gdef(`${topConst("a", 1)} node { name: 'c' op: 'Nope' input: 'a' } ${LIBRARY}`),
      "Op type not registered 'Nope' in binary running on scopeflow. Make sure the Op and Kernel are registered in the binary running in this process. (node 'c')",
    );
  });

  it("bodies that do not resolve: a missing input, a missing ret, an unknown op, recursion", () => {
    expectRefused(
      gdef(
        square(
          `node_def { name: 'mul' op: 'Mul' input: 'x' input: 'w:z:0' ${floatAttr("T")} } ret { key: 'y' value: 'mul:z:0' }`,
        ),
      ),
      "In function MySquare: Function MySquare: input 'w:z:0' of node 'mul' is not found",
    );
    expectRefused(
      gdef(
        square(
          `node_def { name: 'mul' op: 'Mul' input: 'x' input: 'x' ${floatAttr("T")} } ret { key: 'y' value: 'mul:output:0' }`,
        ),
      ),
      "In function MySquare: Function MySquare: return value y names 'mul:output:0', which is not found",
    );
    expectRefused(
      gdef(
        square(`node_def { name: 'odd' op: 'MyMadeUpOp' input: 'x' } ret { key: 'y' value: 'x' }`),
      ),
      "In function MySquare: Op type not registered 'MyMadeUpOp' in binary running on scopeflow. Make sure the Op and Kernel are registered in the binary running in this process. (node 'odd')",
    );
    expectRefused(
      gdef(
        square(
          `node_def { name: 'again' op: 'MySquare' input: 'x' } ret { key: 'y' value: 'again:y:0' }`,
        ),
      ),
      /Function MySquare calls itself: recursive functions are not supported/,
    );
  });
});

describe("tf.data graphs: export → import → iterate", () => {
  function roundTrip(make: () => tf.data.Dataset, oneShot: boolean): number[][] {
    const ds = make();
    const iterator = oneShot ? ds.makeOneShotIterator() : ds.makeInitializableIterator();
    const next = iterator.getNext() as tf.Tensor;
    const names = [next.name, ...(oneShot ? [] : [iterator.initializer.name])];
    const expected = drain(next, oneShot ? null : iterator.initializer);
    const def = tf.getDefaultGraph().asGraphDef();
    tf.resetDefaultGraph();
    const [imported, init] = tf.importGraphDef(def, { returnElements: names }) as [
      tf.Tensor,
      tf.Operation | undefined,
    ];
    const got = drain(imported, init ?? null);
    expect(got).toEqual(expected);
    return got;
  }

  function drain(next: tf.Tensor, init: tf.Operation | null): number[][] {
    using sess = new tf.Session();
    if (init !== null) sess.run(init);
    const out: number[][] = [];
    for (;;) {
      try {
        const v = sess.run(next) as unknown as tf.NDArray;
        out.push(Array.from(v.data as ArrayLike<number | bigint>, Number));
      } catch (e) {
        if (e instanceof tf.errors.OutOfRangeError) return out;
        throw e;
      }
    }
  }

  it("map (with a capture), filter, flat_map with a map inside, through a one-shot iterator", () => {
    const got = roundTrip(() => {
      const ten = tf.constant(10, { dtype: tf.int64, name: "ten" });
      return tf.data.Dataset.range(6)
        .map((x: tf.Tensor) => tf.add(x, ten))
        .filter((x: tf.Tensor) => tf.less(x, 14))
        .flatMap((x: tf.Tensor) =>
          tf.data.Dataset.fromTensors(x).map((y: tf.Tensor) => tf.multiply(y, 2)),
        );
    }, true);
    expect(got).toEqual([[20], [22], [24], [26]]);
  });

  it("batched slices through an initializable iterator", () => {
    const got = roundTrip(
      () =>
        tf.data.Dataset.fromTensorSlices(tf.constant([1, 2, 3, 4, 5]))
          .map((x: tf.Tensor) => tf.square(x))
          .batch(2),
      false,
    );
    expect(got).toEqual([[1, 4], [9, 16], [25]]);
  });
});
