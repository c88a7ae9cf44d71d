import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeEach, describe, expect, test } from "vitest";
import * as tf from "../../src/index.js";
import {
  errorOf,
  expectDistinct,
  expectSame,
  expectSameItems,
  flat,
  initializedValue,
  opNames,
  runValue,
} from "../graph/helpers.js";

const THIS_FILE = fileURLToPath(import.meta.url);

/** The 1-based line of this file that holds `marker`. */
function lineOf(marker: string): number {
  const lines = readFileSync(THIS_FILE, "utf8").split("\n");
  const i = lines.findIndex((l) => l.includes(marker) && !l.includes("lineOf("));
  if (i < 0) throw new Error(`marker ${marker} not found`);
  return i + 1;
}

beforeEach(() => {
  tf.resetDefaultGraph();
});

describe("create or return", () => {
  test("creates <scope>/<name> and returns the very same object under reuse", () => {
    const v = tf.variableScope("foo", () => tf.getVariable("v", [1]));
    expect(v).toBeInstanceOf(tf.Variable);
    expect(v.name).toBe("foo/v:0");
    const again = tf.variableScope("foo", { reuse: true }, () => tf.getVariable("v", [1]));
    expectSame(again, v);
    expect(tf.globalVariables()).toHaveLength(1);
  });

  test("options-only and shape-in-options call forms", () => {
    const a = tf.getVariable("a", { shape: [2], initializer: tf.zerosInitializer() });
    const b = tf.getVariable("b", [2], { initializer: tf.onesInitializer() });
    expect(a.shape.toString()).toBe("(2,)");
    expect(b.shape.toString()).toBe("(2,)");
    expect(() => tf.getVariable("c", [2], { shape: [2] } as never)).toThrow(TypeError);
  });

  test("a TensorShape is accepted as the shape", () => {
    const v = tf.getVariable("v", new tf.TensorShape([2, 3]));
    expect(v.shape.asList()).toEqual([2, 3]);
  });

  test("a scalar variable", () => {
    const v = tf.getVariable("s", [], { initializer: tf.constantInitializer(3) });
    expect(v.shape.toString()).toBe("()");
    expect(initializedValue(v)).toBe(3);
  });

  test("a name scope plays no part in the variable's name", () => {
    const v = tf.variableScope("vs", () => tf.nameScope("ns", () => tf.getVariable("v", [1])));
    expect(v.name).toBe("vs/v:0");
    expect(v.op.name).toBe("vs/v");
  });

  test("a non-string name is a TypeError", () => {
    expect(() => tf.getVariable(3 as unknown as string, [1])).toThrow(TypeError);
  });
});

describe("sharing errors", () => {
  test("already exists: the seed message followed by where it was defined", () => {
    tf.variableScope("other_charge", () => tf.getVariable("tax", [])); // defined-here-1
    const e = errorOf(() => tf.variableScope("other_charge", () => tf.getVariable("tax", [])));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    const head =
      "Variable other_charge/tax already exists, disallowed. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope? Originally defined at:\n\n";
    expect(e.message.startsWith(head)).toBe(true);
    const trace = e.message.slice(head.length);
    expect(trace).toContain(`File "${THIS_FILE}", line ${lineOf("defined-here-1")}`);
    // Python's traceback.format_list form: `  File "...", line N, in fn`, then the line.
    const lines = trace.trimEnd().split("\n");
    for (const line of lines) expect(line).toMatch(/^( {2}File ".+", line \d+, in .+| {4}\S.*)$/);
    const first = lines.indexOf(
      lines.find((l) => l.includes(`line ${lineOf("defined-here-1")},`)) ?? "",
    );
    expect(lines[first + 1]).toBe(
      '    tf.variableScope("other_charge", () => tf.getVariable("tax", [])); // defined-here-1',
    );
    // scopeflow's own frames are dropped, as TensorFlow drops tensorflow/python ones.
    expect(trace).not.toMatch(/\/src\//);
  });

  test("already exists, for a resource variable: no traceback, as TensorFlow gives none", () => {
    const v = tf.variableScope("r", () => tf.getVariable("v", [2], { useResource: true }));
    expect(v.op.type).toBe("VarHandleOp");
    expect(v.op.definedAt).toBeNull();
    const e = errorOf(() => tf.variableScope("r", () => tf.getVariable("v", [2])));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe(
      "Variable r/v already exists, disallowed. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope?",
    );
    // A reference variable keeps where it was defined.
    expect(tf.getVariable("w", [2]).op.definedAt).toBeInstanceOf(Error);
  });

  test("already exists lists at most five frames", () => {
    const nest = (depth: number): tf.Variable =>
      depth === 0 ? tf.getVariable("deep", [1]) : nest(depth - 1);
    nest(10);
    const e = errorOf(() => tf.getVariable("deep", [1]));
    const trace = e.message.split("Originally defined at:\n\n")[1] ?? "";
    expect(trace.split("\n").filter((l) => l.startsWith("  File "))).toHaveLength(5);
  });

  test("inside nested variable scopes: the same window of frames above getVariable", () => {
    // Six frames above getVariable are kept; each variableScope level puts one of
    // scopeflow's between the user's two, so four user frames remain of five levels.
    const levels = (d: number): unknown =>
      tf.variableScope(`s${d}`, () => (d === 0 ? tf.getVariable("v", [1]) : levels(d - 1)));
    levels(4);
    const e = errorOf(() => levels(4));
    const trace = e.message.split("Originally defined at:\n\n")[1] ?? "";
    const frames = trace.split("\n").filter((l) => l.startsWith("  File "));
    expect(frames).toHaveLength(4);
    for (const f of frames) expect(f).toContain(`File "${THIS_FILE}"`);
  });

  /** The `line N` of each user frame "Originally defined at:" lists for `create()`'s error. */
  const definedAtLines = (create: () => unknown): number[] => {
    const trace = errorOf(create).message.split("Originally defined at:\n\n")[1] ?? "";
    return trace
      .split("\n")
      .filter((l) => l.startsWith("  File "))
      .map((l) => {
        expect(l).toContain(`File "${THIS_FILE}"`);
        return Number(/line (\d+)/.exec(l)?.[1]);
      });
  };

  test("the variables after the first in one scope body: the same window of frames", () => {
    // They keep only the frames above the scope's and join the first one's below it.
    const body = (): void => {
      tf.getVariable("first", [1]); // joined-first
      const helper = (): unknown => tf.getVariable("second", [1]); // joined-helper
      helper(); // joined-helper-call
      tf.getVariable("third", [1]); // joined-third
    };
    const open = (): unknown => tf.variableScope("joined", body); // joined-open
    open(); // joined-outer
    const below = [lineOf("joined-open"), lineOf("joined-outer")];
    const again = (name: string) => () =>
      tf.variableScope("joined", () => tf.getVariable(name, [1]));
    expect(definedAtLines(again("first"))).toEqual([lineOf("joined-first"), ...below]);
    expect(definedAtLines(again("second"))).toEqual([
      lineOf("joined-helper"),
      lineOf("joined-helper-call"),
      ...below,
    ]);
    expect(definedAtLines(again("third"))).toEqual([lineOf("joined-third"), ...below]);
  });

  test("a later variable deep inside a scope body lists the frames it kept", () => {
    const deep = (d: number): unknown => (d === 0 ? tf.getVariable("deep", [1]) : deep(d - 1)); // deep-call
    tf.variableScope("d", () => {
      tf.getVariable("first", [1]);
      deep(5);
    });
    // Four frames above getVariable, none of them the scope's: the capture alone, not
    // joined to the first variable's (which would put its frames below the wrong ones).
    const lines = definedAtLines(() => tf.variableScope("d", () => tf.getVariable("deep", [1])));
    expect(lines).toEqual([
      lineOf("deep-call"),
      lineOf("deep-call"),
      lineOf("deep-call"),
      lineOf("deep-call"),
    ]);
  });

  test("a scope of another graph opened inside a scope body does not join the wrong frames", () => {
    // x and y are variables of the default graph created inside a scope of g2 (itself
    // inside the default graph's scope "s"): the frames kept for y must not be joined to
    // those of "s"'s first variable at g2's scope frame. (`asDefault` puts three frames of
    // scopeflow's above g2's scope frame, out of the window y keeps; the join checks the
    // frame below the scope frame too, should it ever come within reach.)
    const g1 = tf.getDefaultGraph();
    const g2 = new tf.Graph();
    const xAndY = (): void => {
      tf.getVariable("x", [1]);
      tf.getVariable("y", [1]); // cross-y
    };
    const inG1 = (): void => g1.asDefault(xAndY); // cross-g1
    const otherScope = (): void => tf.variableScope("other", inG1); // cross-other
    const inOtherGraph = (): void => g2.asDefault(otherScope); // cross-g2
    const body = (): void => {
      tf.getVariable("first", [1]);
      inOtherGraph(); // cross-inner-call
    };
    tf.variableScope("s", body); // cross-s
    // y's own path, innermost first: whatever is listed is a prefix of it.
    const path = ["cross-y", "cross-g1", "cross-other", "cross-g2", "cross-inner-call", "cross-s"];
    const lines = definedAtLines(() => tf.variableScope("s", () => tf.getVariable("y", [1])));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines).toEqual(path.slice(0, lines.length).map(lineOf));
  });

  test("does not exist: the seed message", () => {
    const e = errorOf(() =>
      tf.variableScope("layer1", { reuse: true }, () =>
        tf.getVariable("w", { initializer: tf.randomNormal([3, 3]) }),
      ),
    );
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe(
      "Variable layer1/w does not exist, or was not created with tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?",
    );
  });

  test("a variable made with new tf.Variable is not found under reuse", () => {
    tf.variableScope("s", () => new tf.Variable(tf.zeros([1]), { name: "v" }));
    const e = errorOf(() => tf.variableScope("s", { reuse: true }, () => tf.getVariable("v", [1])));
    expect(e.message).toContain("Variable s/v does not exist");
  });

  test("the full name must match exactly: no search in parent scopes", () => {
    tf.variableScope("outer", () => tf.getVariable("w", [1]));
    const e = errorOf(() =>
      tf.variableScope("outer", { reuse: true }, () =>
        tf.variableScope("inner", () => tf.getVariable("w", [1])),
      ),
    );
    expect(e.message).toContain("Variable outer/inner/w does not exist");
  });

  test("shape mismatch on reuse", () => {
    tf.variableScope("foo", () => tf.getVariable("v", [3]));
    const e = errorOf(() =>
      tf.variableScope("foo", { reuse: true }, () => tf.getVariable("v", [2])),
    );
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe(
      "Trying to share variable foo/v, but specified shape (2,) and found shape (3,).",
    );
  });

  test("a compatible or missing shape is fine on reuse", () => {
    const v = tf.variableScope("foo", () => tf.getVariable("v", [2, 3]));
    tf.variableScope("foo", { reuse: true }, () => {
      expectSame(tf.getVariable("v"), v);
      expectSame(tf.getVariable("v", [null, 3]), v);
    });
  });

  test("dtype mismatch on reuse", () => {
    tf.variableScope("foo", () => tf.getVariable("v", [1]));
    const e = errorOf(() =>
      tf.variableScope("foo", { reuse: true }, () => tf.getVariable("v", [1], { dtype: tf.int32 })),
    );
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe(
      "Trying to share variable foo/v, but specified dtype int32 and found dtype float32_ref.",
    );
  });

  test("a reused variable is returned as it is: its new initializer is ignored", () => {
    const v = tf.variableScope("s", () =>
      tf.getVariable("w", [2], { initializer: tf.zerosInitializer() }),
    );
    const opsBefore = tf.getDefaultGraph().opCount;
    const w = tf.variableScope("s", { reuse: true }, () =>
      tf.getVariable("w", [2], { initializer: tf.onesInitializer() }),
    );
    expectSame(w, v);
    expect(tf.getDefaultGraph().opCount).toBe(opsBefore);
    expect(initializedValue(w)).toEqual([0, 0]);
  });
});

describe("initializers", () => {
  test("a Tensor initializer gives shape and dtype, and takes no shape", () => {
    const init = tf.constant([2, 2], { dtype: tf.float32 });
    const w = tf.getVariable("w", { initializer: init });
    expect(w.shape.toString()).toBe("(2,)");
    expect(w.dtype).toBe("float32");
    expectSame(w.initialValue, init);
    expect(initializedValue(w)).toEqual([2, 2]);
  });

  test("an int32 Tensor initializer makes an int32 variable", () => {
    const w = tf.getVariable("w", { initializer: tf.constant([1, 2], { dtype: tf.int32 }) });
    expect(w.dtype).toBe("int32");
  });

  test("a constant initializer with a shape is an error", () => {
    const e = errorOf(() => tf.getVariable("w", [2], { initializer: tf.constant([2, 2]) }));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe("If initializer is a constant, do not specify shape.");
    const e2 = errorOf(() => tf.getVariable("n", [], { initializer: 4 }));
    expect(e2.message).toBe("If initializer is a constant, do not specify shape.");
  });

  test("the constant-with-shape check comes before the reuse check", () => {
    tf.getVariable("w", { initializer: tf.constant([1, 2]) });
    const e = errorOf(() =>
      tf.variableScope("", { reuse: true }, () =>
        tf.getVariable("w", [2], { initializer: tf.constant([1, 2]) }),
      ),
    );
    expect(e.message).toBe("If initializer is a constant, do not specify shape.");
  });

  test("a Tensor initializer whose dtype differs from dtype is an error", () => {
    const e = errorOf(() =>
      tf.getVariable("w", {
        initializer: tf.constant([1, 2], { dtype: tf.int32 }),
        dtype: tf.float32,
      }),
    );
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe(
      "Initializer type '<dtype: 'int32'>' and explicit dtype '<dtype: 'float32'>' don't match.",
    );
  });

  test("a plain JS number takes its dtype from dtype, float by default", () => {
    const f = tf.getVariable("f", { initializer: 4 });
    const i = tf.getVariable("i", { initializer: 4, dtype: tf.int32 });
    expect(f.dtype).toBe("float32");
    expect(i.dtype).toBe("int32");
    expect(f.shape.toString()).toBe("()");
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect(runValue(sess, f)).toBe(4);
    expect(runValue(sess, i)).toBe(4);
    sess.close();
  });

  test("a nested JS array initializer", () => {
    const m = tf.getVariable("m", {
      initializer: [
        [1, 2],
        [3, 4],
      ],
    });
    expect(m.shape.toString()).toBe("(2, 2)");
    expect(opNames()).toEqual(["m/initial_value", "m", "m/Assign", "m/read"]);
    expect(initializedValue(m)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  test("no shape and no constant initializer: TensorFlow's message", () => {
    const e = errorOf(() => tf.getVariable("x"));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe(
      "The initializer passed is not valid. It should be a callable with no arguments and the shape should not be provided or an instance of `tf.keras.initializers.*' and `shape` should be fully defined.",
    );
    const partly = errorOf(() => tf.getVariable("y", [null, 2]));
    expect(partly.message).toBe(e.message);
  });

  test("a function with no arguments can initialize a variable without a shape", () => {
    const v = tf.getVariable("v", { initializer: () => tf.constant([5, 6]) });
    expect(v.shape.toString()).toBe("(2,)");
    expect(initializedValue(v)).toEqual([5, 6]);
  });

  test("a function initializer receives the shape and dtype", () => {
    let seen: unknown = null;
    const v = tf.getVariable("v", [2, 2], {
      dtype: tf.int32,
      initializer: (shape, dtype) => {
        seen = [shape, dtype];
        return tf.zeros(shape, { dtype });
      },
    });
    expect(seen).toEqual([[2, 2], "int32"]);
    expect(v.dtype).toBe("int32");
  });

  test("Glorot uniform is the default for floats", () => {
    const v = tf.getVariable("w", [20, 30]);
    const limit = Math.sqrt(6 / (20 + 30));
    const values = flat(initializedValue(v));
    expect(values).toHaveLength(600);
    for (const x of values) expect(Math.abs(x)).toBeLessThanOrEqual(limit);
    expect(new Set(values).size).toBeGreaterThan(500);
    expect(Math.max(...values)).toBeGreaterThan(limit * 0.8);
    expect(opNames()).toContain("w/Initializer/random_uniform/RandomUniform");
  });

  test("zeros are the default for int32 and bool", () => {
    const i = tf.getVariable("i", [3], { dtype: tf.int32 });
    const b = tf.getVariable("b", [2], { dtype: tf.bool });
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect(runValue(sess, i)).toEqual([0, 0, 0]);
    expect(runValue(sess, b)).toEqual([false, false]);
    sess.close();
  });

  test("the scope's initializer applies when none is given", () => {
    const v = tf.variableScope("s", { initializer: tf.onesInitializer() }, () =>
      tf.getVariable("v", [2]),
    );
    expect(initializedValue(v)).toEqual([1, 1]);
  });

  test("setRandomSeed makes initial values repeatable across sessions", () => {
    tf.setRandomSeed(42);
    const v = tf.getVariable("v", [4]);
    const r = tf.getVariable("r", [3], { initializer: tf.randomNormalInitializer() });
    const first = [initializedValue(v), initializedValue(r)];
    const second = [initializedValue(v), initializedValue(r)];
    expect(second).toEqual(first);
    tf.resetDefaultGraph();
    tf.setRandomSeed(42);
    const v2 = tf.getVariable("v", [4]);
    const r2 = tf.getVariable("r", [3], { initializer: tf.randomNormalInitializer() });
    expect([initializedValue(v2), initializedValue(r2)]).toEqual(first);
  });

  test("different variables get different streams under one graph seed", () => {
    tf.setRandomSeed(7);
    const a = tf.getVariable("a", [8]);
    const b = tf.getVariable("b", [8]);
    expect(initializedValue(a)).not.toEqual(initializedValue(b));
  });
});

describe("op names", () => {
  test("v, v/Assign, v/read and v/Initializer/...", () => {
    const v = tf.getVariable("v", [2], { initializer: tf.zerosInitializer() });
    expect(opNames()).toEqual(["v/Initializer/zeros", "v", "v/Assign", "v/read"]);
    expect(v.op.name).toBe("v");
    expect(v.op.type).toBe("VariableV2");
    expect(v.initializer.name).toBe("v/Assign");
    expect(v.initializer.type).toBe("Assign");
    expect(v.value().name).toBe("v/read:0");
  });

  test("constant and ones initializers", () => {
    tf.getVariable("c", [2], { initializer: tf.constantInitializer(1) });
    tf.getVariable("o", [2], { initializer: tf.onesInitializer() });
    expect(opNames()).toEqual([
      "c/Initializer/Const",
      "c",
      "c/Assign",
      "c/read",
      "o/Initializer/ones",
      "o",
      "o/Assign",
      "o/read",
    ]);
  });

  test("Glorot uniform under scope/v/Initializer/random_uniform", () => {
    tf.variableScope("foo", () => tf.getVariable("v", [2, 3]));
    expect(opNames()).toEqual([
      "foo/v/Initializer/random_uniform/shape",
      "foo/v/Initializer/random_uniform/min",
      "foo/v/Initializer/random_uniform/max",
      "foo/v/Initializer/random_uniform/RandomUniform",
      "foo/v/Initializer/random_uniform/sub",
      "foo/v/Initializer/random_uniform/mul",
      "foo/v/Initializer/random_uniform",
      "foo/v",
      "foo/v/Assign",
      "foo/v/read",
    ]);
  });

  test("a Tensor initializer adds no initializer op", () => {
    tf.getVariable("w", { initializer: tf.constant([2, 2]) });
    expect(opNames()).toEqual(["Const", "w", "w/Assign", "w/read"]);
  });

  test("the variable's ops are uniquified when a tf.Variable took the name (seed 004)", () => {
    const [w1, w2] = tf.variableScope("layer1", { reuse: tf.AUTO_REUSE }, () => [
      new tf.Variable(tf.randomNormal([2, 2], { mean: 0, stddev: 1 }), { name: "w" }),
      tf.getVariable("w", { initializer: tf.randomNormal([3, 3], { mean: 0, stddev: 1 }) }),
    ]);
    expect(w1.name).toBe("layer1/w:0");
    expect(w2.name).toBe("layer1/w_1:0");
    expectDistinct(w1, w2);
    // The store is keyed by the requested name: AUTO_REUSE finds w2 again.
    const w3 = tf.variableScope("layer1", { reuse: tf.AUTO_REUSE }, () =>
      tf.getVariable("w", { initializer: tf.randomNormal([3, 3]) }),
    );
    expectSame(w3, w2);
  });
});

describe("collections", () => {
  test("a trainable variable is global and trainable", () => {
    const v = tf.getVariable("v", [1]);
    expect(v.trainable).toBe(true);
    expectSameItems(tf.globalVariables(), [v]);
    expectSameItems(tf.trainableVariables(), [v]);
    expect(tf.localVariables()).toHaveLength(0);
  });

  test("trainable: false keeps it out of TRAINABLE_VARIABLES", () => {
    const v = tf.getVariable("v", [1], { trainable: false });
    expect(v.trainable).toBe(false);
    expectSameItems(tf.globalVariables(), [v]);
    expect(tf.trainableVariables()).toHaveLength(0);
  });

  test("explicit collections replace GLOBAL_VARIABLES; TRAINABLE is still added", () => {
    const v = tf.getVariable("v", [1], { collections: ["mine"] });
    const g = tf.getDefaultGraph();
    expectSameItems(g.getCollection("mine"), [v]);
    expect(tf.globalVariables()).toHaveLength(0);
    expectSameItems(tf.trainableVariables(), [v]);
    const n = tf.getVariable("n", [1], { collections: ["mine"], trainable: false });
    expectSameItems(g.getCollection("mine"), [v, n]);
    expectSameItems(tf.trainableVariables(), [v]);
  });

  test("an empty collections list puts a trainable variable in TRAINABLE only", () => {
    const v = tf.getVariable("v", [1], { collections: [] });
    expect(tf.globalVariables()).toHaveLength(0);
    expectSameItems(tf.trainableVariables(), [v]);
  });

  test("collections listing GLOBAL and MODEL variables", () => {
    const v = tf.getVariable("v", [1], {
      collections: [tf.GraphKeys.GLOBAL_VARIABLES, tf.GraphKeys.MODEL_VARIABLES],
    });
    expectSameItems(tf.globalVariables(), [v]);
    expectSameItems(tf.modelVariables(), [v]);
  });

  test("collections must be a list", () => {
    const e = errorOf(() =>
      tf.getVariable("v", [1], { collections: "mine" as unknown as string[] }),
    );
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe(
      "collections argument to Variable constructor must be a list, tuple, or set. Got mine of type string",
    );
  });

  test("getLocalVariable is in LOCAL_VARIABLES only and not trainable", () => {
    const l = tf.variableScope("m", () => tf.getLocalVariable("count", [], { dtype: tf.int32 }));
    expect(l.name).toBe("m/count:0");
    expect(l.trainable).toBe(false);
    expectSameItems(tf.localVariables(), [l]);
    expect(tf.globalVariables()).toHaveLength(0);
    expect(tf.trainableVariables()).toHaveLength(0);
    const sess = new tf.Session();
    sess.run(tf.localVariablesInitializer());
    expect(runValue(sess, l)).toBe(0);
    sess.close();
  });

  test("getLocalVariable adds LOCAL_VARIABLES to explicit collections", () => {
    const l = tf.getLocalVariable("l", [1], { collections: ["extra"] });
    expectSameItems(tf.getDefaultGraph().getCollection("extra"), [l]);
    expectSameItems(tf.localVariables(), [l]);
  });

  test("getLocalVariable shares through the same store", () => {
    const l = tf.variableScope("m", () => tf.getLocalVariable("l", [1]));
    const again = tf.variableScope("m", { reuse: true }, () => tf.getLocalVariable("l", [1]));
    expectSame(again, l);
    expect(() => tf.variableScope("m", () => tf.getVariable("l", [1]))).toThrow(/already exists/);
  });

  test("listings are in creation order and filter by a scope prefix regex", () => {
    const a = tf.variableScope("foo", () => tf.getVariable("a", [1]));
    const b = tf.variableScope("foo_bar", () => tf.getVariable("b", [1]));
    const c = tf.variableScope("bar", () => tf.getVariable("c", [1], { trainable: false }));
    const d = tf.variableScope("foo", { reuse: tf.AUTO_REUSE }, () => tf.getVariable("d", [1]));
    expectSameItems(tf.globalVariables(), [a, b, c, d]);
    expectSameItems(tf.globalVariables("foo"), [a, b, d]);
    expectSameItems(tf.globalVariables("foo/"), [a, d]);
    expectSameItems(tf.trainableVariables("bar"), []);
    expectSameItems(tf.globalVariables("bar"), [c]);
    expectSameItems(tf.trainableVariables(), [a, b, d]);
  });
});

describe("regularizers", () => {
  test("the loss goes to REGULARIZATION_LOSSES, built under <name>/Regularizer/", () => {
    const reg: tf.Regularizer = (w) => tf.multiply(0.5, tf.square(w));
    const v = tf.variableScope("layer", () =>
      tf.getVariable("w", [2], { initializer: tf.onesInitializer(), regularizer: reg }),
    );
    const losses = tf
      .getDefaultGraph()
      .getCollection<tf.Tensor>(tf.GraphKeys.REGULARIZATION_LOSSES);
    expect(losses).toHaveLength(1);
    const loss = losses[0] as tf.Tensor;
    expect(loss.op.name).toBe("layer/w/Regularizer/Mul");
    expect(opNames().filter((n) => n.includes("Regularizer"))).toEqual([
      "layer/w/Regularizer/Square",
      "layer/w/Regularizer/Mul/x",
      "layer/w/Regularizer/Mul",
    ]);
    expect(initializedValue(loss)).toEqual([0.5, 0.5]);
    expect(v.name).toBe("layer/w:0");
  });

  test("the regularizer ignores the current name scope", () => {
    const reg: tf.Regularizer = (w) => tf.square(w);
    tf.nameScope("ns", () =>
      tf.variableScope("vs", () => tf.getVariable("w", [1], { regularizer: reg })),
    );
    const loss = tf
      .getDefaultGraph()
      .getCollection<tf.Tensor>(tf.GraphKeys.REGULARIZATION_LOSSES)[0];
    expect(loss?.op.name).toBe("vs/w/Regularizer/Square");
  });

  test("a regularizer returning null adds no loss", () => {
    let called = 0;
    tf.getVariable("w", [1], {
      regularizer: () => {
        called += 1;
        return null;
      },
    });
    expect(called).toBe(1);
    expect(tf.getDefaultGraph().getCollection(tf.GraphKeys.REGULARIZATION_LOSSES)).toHaveLength(0);
  });

  test("the scope's regularizer applies, and is not run again on reuse", () => {
    let called = 0;
    const reg: tf.Regularizer = (w) => {
      called += 1;
      return tf.square(w);
    };
    tf.variableScope("s", { regularizer: reg }, () => tf.getVariable("w", [1]));
    tf.variableScope("s", { reuse: true }, () => tf.getVariable("w", [1]));
    expect(called).toBe(1);
    expect(tf.getDefaultGraph().getCollection(tf.GraphKeys.REGULARIZATION_LOSSES)).toHaveLength(1);
  });
});

describe("validateShape", () => {
  test("an initial value of unknown shape needs validateShape: false", () => {
    const p = tf.placeholder(tf.float32, null, { name: "p" });
    const e = errorOf(() => tf.getVariable("v", { initializer: p }));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe(
      'initial_value must have a shape specified: Tensor("p:0", dtype=float32)',
    );
    const v = tf.getVariable("v", { initializer: p, validateShape: false });
    expect(v.shape.rank).toBeNull();
    expect(v.shape.toString()).toBe("<unknown>");
  });

  test("a partly known initial value is kept as is with validateShape: false", () => {
    const p = tf.placeholder(tf.float32, [null, 2], { name: "p" });
    const v = tf.getVariable("v", { initializer: p, validateShape: false });
    expect(v.shape.rank).toBeNull();
  });
});

describe("more defaults and context", () => {
  test("a string variable defaults to empty strings", () => {
    const s = tf.getVariable("s", [2], { dtype: tf.string });
    expect(initializedValue(s)).toEqual(["", ""]);
  });

  test("variables are built outside control dependencies", () => {
    const dep = tf.noOp({ name: "dep" });
    tf.controlDependencies([dep], () =>
      tf.getVariable("v", [2], { regularizer: (w) => tf.square(w) }),
    );
    const withDeps = tf
      .getDefaultGraph()
      .getOperations()
      .filter((o) => o.controlInputs.length > 0);
    expect(withDeps).toHaveLength(0);
  });

  test("the variable scope's name scope is made unique against op names", () => {
    tf.constant(1, { name: "foo" });
    const [ns, v] = tf.variableScope("foo", (s) => [
      s.originalNameScope,
      tf.getVariable("v", [1]).name,
    ]);
    expect(ns).toBe("foo_1/");
    expect(v).toBe("foo/v:0");
  });

  test("custom getters see the reuse mode and the other options", () => {
    let seen: Record<string, unknown> = {};
    tf.variableScope("s", { reuse: tf.AUTO_REUSE }, () =>
      tf.getVariable("v", [1], {
        trainable: false,
        customGetter: (next, name, options) => {
          seen = options;
          return next(name, options);
        },
      }),
    );
    expect(seen.reuse).toBe(tf.AUTO_REUSE);
    expect(seen.trainable).toBe(false);
    expect(seen.dtype).toBe("float32");
    expect(tf.trainableVariables()).toHaveLength(0);
  });
});

describe("partitioner", () => {
  test("partitioned variables are not supported yet", () => {
    const e = errorOf(() => tf.getVariable("p", [4, 2], { partitioner: () => [2, 1] }));
    expect(e).toBeInstanceOf(tf.errors.UnimplementedError);
    expect(tf.getDefaultGraph().opCount).toBe(0);
  });

  test("a partitioner on a scalar variable is ignored", () => {
    const v = tf.getVariable("s", [], { partitioner: () => [1] });
    expect(v.name).toBe("s:0");
  });
});
