/**
 * tf.print (PrintV2) and tf.strings.format (StringFormat): the text TF 1.15 writes (the
 * expectations of TF's logging_ops_test.py and string_format_op_test.py), the ops built,
 * TF's errors, control flow, imported graphs, the session's output sink, memory.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

beforeEach(() => tf.resetDefaultGraph());

/** A session whose output is captured: each write as `stream|text`. */
function capture(graph?: tf.Graph): { sess: tf.Session; writes: string[] } {
  const sess = new tf.Session(graph === undefined ? {} : { graph });
  const writes: string[] = [];
  sess.output = { write: (stream, text) => writes.push(`${stream}|${text}`) };
  return { sess, writes };
}

/** What running `op` once prints to stderr, without the line end. */
function printed(op: tf.Operation): string {
  const { sess, writes } = capture();
  try {
    sess.run(op);
  } finally {
    sess.close();
  }
  expect(writes).toHaveLength(1);
  const [stream, text] = (writes[0] as string).split(/\|(.*)/s) as [string, string];
  expect(stream).toBe("stderr");
  expect(text.endsWith("\n")).toBe(true);
  return text.slice(0, -1);
}

function formatted(t: tf.Tensor): string {
  using sess = new tf.Session();
  return String(sess.run(t).item());
}

describe("tf.print writes what TF writes", () => {
  it("vectors, with summarize entries from each end", () => {
    const x = tf.range(10);
    expect(printed(tf.print(x))).toBe("[0 1 2 ... 7 8 9]");
    expect(printed(tf.print(x, { summarize: 1 }))).toBe("[0 ... 9]");
    expect(printed(tf.print(x, { summarize: 2 }))).toBe("[0 1 ... 8 9]");
    expect(printed(tf.print(x, { summarize: -1 }))).toBe("[0 1 2 3 4 5 6 7 8 9]");
    // Exactly 2 * summarize entries: nothing left out.
    expect(printed(tf.print(tf.range(6)))).toBe("[0 1 2 3 4 5]");
    expect(printed(tf.print(tf.range(7)))).toBe("[0 1 2 ... 4 5 6]");
    expect(printed(tf.print(tf.zeros([0])))).toBe("[]");
  });

  it("scalars: floats as C++ writes them, a string scalar as is", () => {
    expect(printed(tf.print(tf.constant(434.43)))).toBe("434.43");
    expect(printed(tf.print(tf.constant(1e-5)))).toBe("1e-05");
    expect(printed(tf.print(tf.constant(1234567)))).toBe("1234567");
    expect(printed(tf.print(tf.constant([0.1, -2.5, 1 / 3, 1e10])))).toBe(
      "[0.1 -2.5 0.333333343 1e+10]",
    );
    expect(printed(tf.print(tf.constant([NaN, Infinity, -Infinity])))).toBe("[nan inf -inf]");
    expect(printed(tf.print(tf.constant(7, tf.int32)))).toBe("7");
    expect(printed(tf.print(tf.constant("scalar")))).toBe("scalar");
  });

  it("matrices and rank 3: nested brackets, rows on new lines, ... rows", () => {
    const m = tf.reshape(tf.range(100), [10, 10]);
    expect(printed(tf.print(m))).toBe(
      [
        "[[0 1 2 ... 7 8 9]",
        " [10 11 12 ... 17 18 19]",
        " [20 21 22 ... 27 28 29]",
        " ...",
        " [70 71 72 ... 77 78 79]",
        " [80 81 82 ... 87 88 89]",
        " [90 91 92 ... 97 98 99]]",
      ].join("\n"),
    );
    expect(printed(tf.print(tf.reshape(tf.range(8), [2, 2, 2])))).toBe(
      "[[[0 1]\n  [2 3]]\n\n [[4 5]\n  [6 7]]]",
    );
    expect(printed(tf.print(tf.reshape(tf.range(40), [5, 2, 4]), { summarize: 1 }))).toBe(
      "[[[0 ... 3]\n  [4 ... 7]]\n\n ...\n\n [[32 ... 35]\n  [36 ... 39]]]",
    );
  });

  it("strings quoted and C-escaped, bool as 1 and 0, int64", () => {
    expect(printed(tf.print(tf.constant(["a", 'b"\n', "é"])))).toBe('["a" "b\\"\\n" "\\303\\251"]');
    expect(printed(tf.print(tf.constant([true, false, true])))).toBe("[1 0 1]");
    expect(
      printed(
        tf.print(
          tf.constant(
            [
              [1, -2],
              [3, 4],
            ],
            tf.int64,
          ),
        ),
      ),
    ).toBe("[[1 -2]\n [3 4]]");
  });

  it("nested structures: dicts sorted, lists, plain values in Python's repr", () => {
    const tensor = tf.range(10);
    const small = tf.constant([0.3, 12.4, -16.1]);
    const big = tf.multiply(tensor, 10);
    const op = tf.print("first:", tensor, "middle:", { small, Big: big }, 10, [
      tf.multiply(tensor, 2),
      tensor,
    ]);
    expect(printed(op)).toBe(
      "first: [0 1 2 ... 7 8 9] middle: {'Big': [0 10 20 ... 70 80 90], " +
        "'small': [0.3 12.4 -16.1]} 10 [[0 2 4 ... 14 16 18], [0 1 2 ... 7 8 9]]",
    );
    expect(printed(tf.print(23, [23, 5], { "6": 12 }, {}))).toBe("23 [23, 5] {'6': 12}");
    expect(printed(tf.print("{}6", { "{}": tf.multiply(tensor, 10) }, {}))).toBe(
      "{}6 {'{}': [0 10 20 ... 70 80 90]}",
    );
    expect(printed(tf.print([1.5, "it's", null, true], new Map([[2, tensor]])))).toBe(
      `[1.5, "it's", None, True] {2: [0 1 2 ... 7 8 9]}`,
    );
  });

  it("a structure wider than 80 characters is split as pprint splits it", () => {
    const d: Record<string, tf.Tensor> = {};
    for (const k of ["loss", "accuracy", "learning_rate", "global_step", "precision", "recall"]) {
      d[k] = tf.constant(1.5);
    }
    expect(printed(tf.print("metrics", d, {}))).toBe(
      "metrics {'accuracy': 1.5,\n 'global_step': 1.5,\n 'learning_rate': 1.5,\n" +
        " 'loss': 1.5,\n 'precision': 1.5,\n 'recall': 1.5}",
    );
  });

  it("a string wider than the line is split into literals as pprint splits it", () => {
    const s =
      "The quick brown fox jumps over the lazy dog and keeps running far beyond the horizon line today";
    const one = tf.constant(1);
    expect(printed(tf.print([one, s], {}))).toBe(
      "[1,\n 'The quick brown fox jumps over the lazy dog and keeps running far beyond the '\n" +
        " 'horizon line today']",
    );
    expect(printed(tf.print({ message: s, x: one }, {}))).toBe(
      "{'message': 'The quick brown fox jumps over the lazy dog and keeps running far '\n" +
        "            'beyond the horizon line today',\n 'x': 1}",
    );
    expect(printed(tf.print(["a\nb".repeat(3) + "x".repeat(70), one], {}))).toBe(
      `['a\\n'\n 'ba\\n'\n 'ba\\n'\n 'b${"x".repeat(70)}',\n 1]`,
    );
  });

  it("sparse tensors, alone and in a list", () => {
    const sparse = new tf.SparseTensor(
      tf.constant(
        [
          [0, 0],
          [1, 0],
          [1, 3],
          [4, 1],
          [1, 4],
          [3, 2],
          [3, 3],
        ],
        tf.int64,
      ),
      tf.constant([0, 10, 13, 4, 14, 32, 33], tf.int64),
      tf.constant([5, 6], tf.int64),
    );
    const text =
      "SparseTensor(indices=[[0 0]\n [1 0]\n [1 3]\n ...\n [1 4]\n [3 2]\n [3 3]], " +
      "values=[0 10 13 ... 14 32 33], shape=[5 6])";
    expect(printed(tf.print(sparse))).toBe(`'${text}'`);
    expect(printed(tf.print([sparse], {}))).toBe(`['${text}']`);
  });

  it("variables print their value", () => {
    const v = tf.getVariable("v", [], { initializer: tf.constantInitializer(2.14) });
    const w = tf.getVariable("w", undefined, { initializer: tf.range(10) });
    const { sess, writes } = capture();
    sess.run(tf.globalVariablesInitializer());
    sess.run(tf.assignAdd(v, 1));
    sess.run(tf.print(v, { second: w }, {}));
    sess.close();
    expect(writes).toEqual(["stderr|3.14 {'second': [0 1 2 ... 7 8 9]}\n"]);
  });

  it("sep, end and the output streams", () => {
    const x = tf.range(2);
    const { sess, writes } = capture();
    sess.run(tf.print(x, tf.multiply(x, 2), { sep: "," }));
    sess.run(tf.print(tf.constant("scalar"), { end: "<customend>" }));
    sess.run(tf.print("no tensors", { outputStream: "stdout", end: "" }));
    sess.run(tf.print(x, { outputStream: "log(warning)" }));
    sess.close();
    expect(writes).toEqual([
      "stderr|[0 1],[0 2]\n",
      "stderr|scalar<customend>",
      "stdout|no tensors",
      "log(warning)|[0 1]\n",
    ]);
  });

  it("appends to a file:// path through the default output", () => {
    const dir = mkdtempSync(join(tmpdir(), "printv2-"));
    try {
      const file = join(dir, "out.txt");
      const a = tf.print(tf.range(0, 10), { outputStream: `file://${file}` });
      const b = tf.print(tf.range(11, 20), { outputStream: `file://${file}` });
      using sess = new tf.Session();
      sess.run(a);
      sess.run(b);
      expect(readFileSync(file, "utf8")).toBe("[0 1 2 ... 7 8 9]\n[11 12 13 ... 17 18 19]\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the ops tf.print builds", () => {
  it("StringFormat then PrintV2, TF's names and attrs", () => {
    const x = tf.range(10);
    const p = tf.print("x:", x);
    expect(p.type).toBe("PrintV2");
    expect(p.name).toBe("PrintV2");
    expect(p.outputs).toHaveLength(0);
    expect(p.attrs).toEqual({ output_stream: "stderr", end: "\n" });
    const f = p.inputs[0] as tf.Tensor;
    expect(f.op.type).toBe("StringFormat");
    expect(f.op.name).toBe("StringFormat");
    expect(f.shape.toString()).toBe("()");
    expect(f.op.attrs).toEqual({
      T: ["int32"],
      template: "x: {}",
      placeholder: "{}",
      summarize: 3,
    });
    const named = tf.print(x, { name: "print_name" });
    expect(named.name).toBe("print_name");
    expect((named.inputs[0] as tf.Tensor).op.name).toBe("print_name_format");
    const again = tf.nameScope("outer", () => tf.print(x, { name: "print_name" }));
    expect(again.name).toBe("outer/print_name");
    expect((again.inputs[0] as tf.Tensor).op.name).toBe("outer/print_name_format");
  });

  it("a lone string scalar is printed without a StringFormat; a placeholder avoids the text", () => {
    const s = tf.strings.format("{}", tf.range(3));
    const p = tf.print(s);
    expect(p.inputs[0]).toBe(s);
    expect(
      tf
        .getDefaultGraph()
        .getOperations()
        .filter((o) => o.type === "StringFormat"),
    ).toHaveLength(1);
    // TF adds digits from random.Random(5) (9, 4, 5, 8, …) until the placeholder is new.
    const q = tf.print("{}", tf.range(3));
    expect((q.inputs[0] as tf.Tensor).op.attrs).toMatchObject({
      placeholder: "{}9",
      template: "{} {}9",
    });
    expect(printed(q)).toBe("{} [0 1 2]");
    const r = tf.print("{} {}9 {}94 {}945", tf.range(3));
    expect((r.inputs[0] as tf.Tensor).op.attrs.placeholder).toBe("{}9458");
  });

  it("refuses an unknown output stream and unknown keywords, leaving the graph unchanged", () => {
    const x = tf.range(3);
    expectThrowsAndUnchanged(
      () => tf.print(x, { outputStream: "unknown" as "stderr" }),
      tf.errors.ValueError,
      "Unsupported output stream, logging level, or file.unknown. Supported streams are " +
        '"stdout", "stderr", "log(info)", "log(warning)", "log(error)". ' +
        "File needs to be in the form of 'file://<filepath>'.",
    );
    expectThrowsAndUnchanged(
      () => tf.print(x, { stream: "stdout" } as never),
      TypeError,
      "print() got an unexpected keyword argument 'stream'; a dict to print as the last input " +
        "needs options after it: tf.print(…, dict, {})",
    );
  });

  it("Session.output refuses what cannot write", () => {
    using sess = new tf.Session();
    expect(() => {
      sess.output = {} as tf.OutputSink;
    }).toThrow("Session.output must be an object with a write(stream, text) method");
  });
});

describe("tf.strings.format", () => {
  it("formats tensors into the template", () => {
    expect(formatted(tf.strings.format("{}", tf.range(10)))).toBe("[0 1 2 ... 7 8 9]");
    expect(formatted(tf.strings.format("a {} b {} c", [tf.constant(1), tf.constant("s")]))).toBe(
      'a 1 b "s" c',
    );
    expect(
      formatted(tf.strings.format("<%s>", [tf.range(10)], { placeholder: "%s", summarize: -1 })),
    ).toBe("<[0 1 2 3 4 5 6 7 8 9]>");
    expect(formatted(tf.strings.format("none", []))).toBe("none");
  });

  it("builds one StringFormat op, its constants named as op_def_library names them", () => {
    const s = tf.strings.format("{} and {}", [1, tf.constant([true])], { name: "fmt" });
    expect(s.op.name).toBe("fmt");
    expect(s.op.inputs.map((t) => t.name)).toEqual(["fmt/inputs_0:0", "Const:0"]);
    expect(s.op.attrs).toEqual({
      T: ["float32", "bool"],
      template: "{} and {}",
      placeholder: "{}",
      summarize: 3,
    });
  });

  it("refuses a template whose placeholders do not match the inputs, with TF's message", () => {
    const r = tf.range(3);
    expectThrowsAndUnchanged(
      () => tf.strings.format("{} {}", [r]),
      tf.errors.ValueError,
      "2 placeholder(s) in template does not match 1 tensor(s) provided as input",
    );
    expectThrowsAndUnchanged(
      () => tf.strings.format("{}", 3 as never),
      TypeError,
      "strings.format() argument 'inputs' (position 2) must be a Tensor or a list of Tensors, not int 3",
    );
  });
});

describe("in control flow and imported graphs", () => {
  it("prints once per while-loop iteration, and only in the taken cond branch", () => {
    const [, total] = tf.whileLoop(
      (i: tf.Tensor) => tf.less(i, 3),
      (i: tf.Tensor, acc: tf.Tensor) => {
        const p = tf.print("step", i, { summarize: 2 });
        return tf.controlDependencies([p], () => [tf.add(i, 1), tf.add(acc, i)]);
      },
      [tf.constant(0), tf.constant(0)],
    ) as tf.Tensor[];
    const pred = tf.placeholder(tf.bool, []);
    const c = tf.cond(
      pred,
      () => tf.controlDependencies([tf.print("yes")], () => tf.identity(tf.constant(1))),
      () => tf.controlDependencies([tf.print("no")], () => tf.identity(tf.constant(2))),
    );
    const { sess, writes } = capture();
    expect(sess.run(total as tf.Tensor).item()).toBe(3);
    expect(writes).toEqual(["stderr|step 0\n", "stderr|step 1\n", "stderr|step 2\n"]);
    writes.length = 0;
    sess.run(c, new Map([[pred, false]]));
    expect(writes).toEqual(["stderr|no\n"]);
    sess.close();
  });

  it("runs PrintV2 and StringFormat from an imported GraphDef", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      tf.print("v:", tf.constant([[1.5, 2]]), { name: "p", outputStream: "stdout" });
    });
    const def = g.asGraphDef();
    const nodes = def.node.map((n) => `${n.name}:${n.op}`);
    expect(nodes).toEqual(["Const:Const", "p_format:StringFormat", "p:PrintV2"]);
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(tf.GraphDef.fromBinary(tf.GraphDef.toBinary(def))));
    const { sess, writes } = capture(g2);
    sess.run("import/p");
    sess.close();
    expect(writes).toEqual(["stdout|v: [[1.5 2]]\n"]);
  });

  it("checks imported nodes as TF's shape functions and kernels do", () => {
    const fmt = tf.NodeDef.fromText(
      'name: "f" op: "StringFormat" input: "c" attr { key: "T" value { list { type: DT_INT32 } } } ' +
        'attr { key: "template" value { s: "{} {}" } } attr { key: "placeholder" value { s: "{}" } }',
    );
    const c = tf.NodeDef.fromText(
      'name: "c" op: "Const" attr { key: "dtype" value { type: DT_INT32 } } ' +
        'attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape {} int_val: 1 } } }',
    );
    expect(() => tf.importGraphDef({ node: [c, fmt] })).toThrow(
      "num placeholders in template and num inputs must match: 2 vs. 1",
    );
    const vec = tf.NodeDef.fromText(
      'name: "s" op: "Const" attr { key: "dtype" value { type: DT_STRING } } ' +
        'attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape { dim { size: 1 } } string_val: "a" } } }',
    );
    const pr = tf.NodeDef.fromText('name: "p" op: "PrintV2" input: "s"');
    expect(() => tf.importGraphDef({ node: [vec, pr] })).toThrow(
      "input must be a scalar, but has rank: 1",
    );
    const sc = tf.NodeDef.fromText(
      'name: "s" op: "Const" attr { key: "dtype" value { type: DT_STRING } } ' +
        'attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape {} string_val: "a" } } }',
    );
    const bad = tf.NodeDef.fromText(
      'name: "p" op: "PrintV2" input: "s" attr { key: "output_stream" value { s: "nowhere" } }',
    );
    tf.importGraphDef({ node: [sc, bad] }, { name: "b" });
    using sess = new tf.Session();
    expect(() => sess.run("b/p")).toThrow(
      "Unknown output stream: nowhere, Valid streams are: stdout stderr log(info) log(warning) log(error)",
    );
  });
});

describe("memory", () => {
  it("stays flat over runs", () => {
    const x = tf.placeholder(tf.float32, [null]);
    const p = tf.print("x", x, { summarize: 2 });
    const { sess, writes } = capture();
    const feed = new Map([[x, [1, 2, 3, 4, 5]]]);
    sess.run(p, feed);
    const before = tfc.memory().numTensors;
    for (let i = 0; i < 5; i++) sess.run(p, feed);
    expect(tfc.memory().numTensors).toBe(before);
    expect(writes[5]).toBe("stderr|x [1 2 ... 4 5]\n");
    sess.close();
  });
});
