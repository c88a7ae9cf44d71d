/**
 * Bad input leaves the graph unchanged: every failing call below is checked against the
 * ops, their names, the variable collections and the variable store before it, and a valid
 * call afterwards gets the names it would have gotten had the bad call never happened.
 */
import { beforeEach, describe, expect, test } from "vitest";
import * as tf from "../../src/index.js";
import { errorOf, expectThrowsAndUnchanged, graphState, opNames } from "../graph/helpers.js";

/** Some state for the failing calls to leave alone. */
function buildSomething(): void {
  tf.variableScope("foo", () => {
    tf.getVariable("v", [2], { regularizer: (w) => tf.square(w) });
    tf.constant(1, { name: "c" });
  });
  tf.getLocalVariable("counter", [], { dtype: tf.int32 });
}

beforeEach(() => {
  tf.resetDefaultGraph();
  buildSomething();
});

function noCall(): never {
  throw new Error("the callback must not run");
}

describe("variableScope with bad arguments", () => {
  test("a wrong reuse type", () => {
    for (const reuse of ["yes", 1, 0, {}, []]) {
      expectThrowsAndUnchanged(
        () => tf.variableScope("bar", { reuse: reuse as unknown as boolean }, noCall),
        tf.errors.ValueError,
        "The reuse parameter must be True or False or None.",
      );
    }
    expect(tf.variableScope("bar", (s) => s.originalNameScope)).toBe("bar/");
  });

  test("a name that is neither a string nor a scope", () => {
    for (const bad of [42, true, ["a"], () => "x"]) {
      expectThrowsAndUnchanged(
        () => tf.variableScope(bad as unknown as string, noCall),
        TypeError,
        "VariableScope: name_or_scope must be a string or VariableScope.",
      );
    }
    expectThrowsAndUnchanged(
      () => tf.variableScope({} as unknown as string, noCall),
      TypeError,
      "variableScope() missing 1 required positional argument: 'nameOrScope'",
    );
    expect(tf.variableScope("bar", (s) => s.originalNameScope)).toBe("bar/");
  });

  test("invalid characters at the root and inside a scope", () => {
    expectThrowsAndUnchanged(
      () => tf.variableScope("bad name", noCall),
      tf.errors.ValueError,
      "'bad name' is not a valid scope name",
    );
    expectThrowsAndUnchanged(
      () => tf.variableScope("_bad", noCall),
      tf.errors.ValueError,
      "'_bad' is not a valid scope name",
    );
    tf.variableScope("outer", () => {
      expectThrowsAndUnchanged(
        () => tf.variableScope("x y", noCall),
        tf.errors.ValueError,
        "'x y' is not a valid scope name",
      );
      expect(tf.getVariableScope().name).toBe("outer");
      expect(tf.getNameScope()).toBe("outer");
    });
  });

  test("an invalid defaultName changes nothing, and the counter is not advanced", () => {
    expectThrowsAndUnchanged(
      () => tf.variableScope(null, { defaultName: "bad name" }, noCall),
      tf.errors.ValueError,
    );
    expect(tf.variableScope(null, { defaultName: "ok" }, (s) => s.name)).toBe("ok");
  });

  test("reuse without a name", () => {
    expectThrowsAndUnchanged(
      () => tf.variableScope(null, { defaultName: "d", reuse: true }, noCall),
      tf.errors.ValueError,
      "reuse=True cannot be used without a name_or_scope",
    );
    expect(
      tf.variableScope(null, { defaultName: "d" }, (s) => [s.name, s.originalNameScope]),
    ).toEqual(["d", "d/"]);
  });

  test("no name and no defaultName", () => {
    expectThrowsAndUnchanged(
      () => tf.variableScope(null, noCall),
      TypeError,
      "If default_name is None then name_or_scope is required",
    );
  });

  test("a non-boolean auxiliaryNameScope, a bad dtype, a bad initializer", () => {
    expectThrowsAndUnchanged(
      () => tf.variableScope("bar", { auxiliaryNameScope: "no" as unknown as boolean }, noCall),
      TypeError,
    );
    expectThrowsAndUnchanged(
      () => tf.variableScope("bar", { dtype: "float64" as unknown as tf.DType }, noCall),
      TypeError,
    );
    expectThrowsAndUnchanged(
      () =>
        tf.variableScope("bar", { initializer: { mean: 0 } as unknown as tf.Initializer }, noCall),
      TypeError,
    );
    expect(tf.variableScope("bar", (s) => s.originalNameScope)).toBe("bar/");
  });

  test("a missing callback", () => {
    expectThrowsAndUnchanged(() => tf.variableScope("bar", {} as unknown as () => void), TypeError);
  });
});

describe("a Promise-returning callback", () => {
  test("variableScope: a TypeError saying scopes are synchronous", () => {
    const e = errorOf(() => tf.variableScope("bar", async () => undefined));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(/synchronous/);
  });

  test("variableScope: everything built synchronously is rolled back", () => {
    const before = graphState();
    expectThrowsAndUnchanged(
      () =>
        tf.variableScope("bar", () => {
          tf.getVariable("w", [3], { regularizer: (w) => tf.square(w) });
          tf.getLocalVariable("l", [1]);
          new tf.Variable(1, { name: "plain" });
          tf.variableScope(null, { defaultName: "conv" }, () => tf.getVariable("k", [1]));
          tf.nameScope("inner", () => tf.constant(2, { name: "k" }));
          tf.getDefaultGraph().addToCollection("custom", 1);
          return Promise.resolve(1);
        }),
      TypeError,
      /synchronous/,
    );
    expect(graphState()).toEqual(before);
    expect(tf.getDefaultGraph().getCollection("custom")).toEqual([]);
    // Nothing was consumed: the same calls now get the first names.
    const [ns, w, k, plain] = tf.variableScope("bar", (s) => [
      s.originalNameScope,
      tf.getVariable("w", [3]).name,
      tf.variableScope(null, { defaultName: "conv" }, (c) => c.name),
      new tf.Variable(1, { name: "plain" }).name,
    ]);
    expect([ns, w, k, plain]).toEqual(["bar/", "bar/w:0", "bar/conv", "bar/plain:0"]);
  });

  test("an async function's code before its first await is rolled back", async () => {
    const before = graphState();
    let finished: Promise<unknown> | null = null;
    const e = errorOf(() =>
      tf.variableScope("bar", () => {
        finished = (async () => {
          tf.getVariable("early", [1]);
          await Promise.resolve();
        })();
        return finished;
      }),
    );
    expect(e).toBeInstanceOf(TypeError);
    await finished;
    expect(graphState()).toEqual(before);
    expect(tf.variableScope("bar", () => tf.getVariable("early", [1]).name)).toBe("bar/early:0");
  });

  test("a captured scope entered with an async callback", () => {
    const captured = tf.variableScope("cap", (s) => s);
    tf.variableScope(captured, () => tf.variableScope(null, { defaultName: "d" }, () => undefined));
    expectThrowsAndUnchanged(
      () =>
        tf.variableScope(captured, async () => {
          tf.getVariable("x", [1]);
        }),
      TypeError,
    );
    expect(tf.variableScope(captured, (s) => [s.name, tf.getNameScope()])).toEqual([
      "cap",
      "cap_2",
    ]);
  });

  test("an inner async scope caught by the outer one: only the inner part is undone", () => {
    const [inner, w] = tf.variableScope("outer", () => {
      const mid = graphState();
      expect(() =>
        tf.variableScope("inner", async () => {
          tf.getVariable("gone", [1]);
        }),
      ).toThrow(TypeError);
      expect(graphState()).toEqual(mid);
      return [tf.variableScope("inner", (s) => s.originalNameScope), tf.getVariable("w", [1]).name];
    });
    expect(inner).toBe("outer/inner/");
    expect(w).toBe("outer/w:0");
  });

  test("nameScope inside a variable scope", () => {
    tf.variableScope("vs", () => {
      expectThrowsAndUnchanged(
        () =>
          tf.nameScope("ns", async () => {
            tf.constant(1);
          }),
        TypeError,
      );
      expect(tf.nameScope("ns", () => tf.constant(1).op.name)).toBe("vs/ns/Const");
    });
  });
});

describe("a failing getVariable inside a scope", () => {
  test("already exists / does not exist / shape / dtype mismatches", () => {
    tf.variableScope("foo", { reuse: tf.AUTO_REUSE }, () => {
      expectThrowsAndUnchanged(
        () => tf.getVariable("v", [3]),
        tf.errors.ValueError,
        "Trying to share variable foo/v, but specified shape (3,) and found shape (2,).",
      );
      expectThrowsAndUnchanged(
        () => tf.getVariable("v", [2], { dtype: tf.int32 }),
        tf.errors.ValueError,
      );
    });
    tf.variableScope("foo", () => {
      expectThrowsAndUnchanged(
        () => tf.getVariable("v", [2]),
        tf.errors.ValueError,
        /already exists/,
      );
    });
    tf.variableScope("foo", { reuse: true }, () => {
      expectThrowsAndUnchanged(
        () => tf.getVariable("nope", [2]),
        tf.errors.ValueError,
        /does not exist/,
      );
    });
  });

  test("constant initializer with a shape, and no usable initializer", () => {
    tf.variableScope("s", () => {
      const t = tf.constant([1, 2], { name: "t" });
      expectThrowsAndUnchanged(
        () => tf.getVariable("w", [2], { initializer: t }),
        tf.errors.ValueError,
        "If initializer is a constant, do not specify shape.",
      );
      expectThrowsAndUnchanged(
        () => tf.getVariable("x"),
        tf.errors.ValueError,
        /initializer passed is not valid/,
      );
      expect(tf.getVariable("w", { initializer: t }).name).toBe("s/w:0");
    });
  });

  test("bad option types", () => {
    tf.variableScope("s", () => {
      expectThrowsAndUnchanged(
        () => tf.getVariable("w", [2], { dtype: "float64" as unknown as tf.DType }),
        TypeError,
      );
      expectThrowsAndUnchanged(() => tf.getVariable("w", [1.5]), TypeError);
      expectThrowsAndUnchanged(
        () => tf.getVariable("w", [2], { collections: "x" as unknown as string[] }),
        tf.errors.ValueError,
      );
      expectThrowsAndUnchanged(
        () => tf.getVariable("w", [2], { customGetter: 3 as unknown as tf.CustomGetter }),
        tf.errors.ValueError,
        "Passed a custom_getter which is not callable: 3",
      );
      expectThrowsAndUnchanged(() => tf.getVariable("w", "x" as unknown as number[]), TypeError);
    });
  });

  test("a regularizer that throws after the variable was built", () => {
    tf.variableScope("s", () => {
      expectThrowsAndUnchanged(
        () =>
          tf.getVariable("r", [2], {
            regularizer: (w) => {
              tf.square(w);
              throw new Error("regularizer failed");
            },
          }),
        Error,
        "regularizer failed",
      );
      const before = opNames().length;
      const r = tf.getVariable("r", [2], { initializer: tf.zerosInitializer() });
      expect(r.name).toBe("s/r:0");
      expect(opNames().slice(before)).toEqual([
        "s/r/Initializer/zeros",
        "s/r",
        "s/r/Assign",
        "s/r/read",
      ]);
    });
  });

  test("an initializer that throws half way", () => {
    tf.variableScope("s", () => {
      expectThrowsAndUnchanged(
        () =>
          tf.getVariable("q", [2], {
            initializer: (shape) => {
              tf.zeros(shape, { name: "partial" });
              throw new Error("initializer failed");
            },
          }),
        Error,
        "initializer failed",
      );
      const q = tf.getVariable("q", [2], {
        initializer: (shape) => tf.zeros(shape, { name: "partial" }),
      });
      expect(q.initialValue.op.name).toBe("s/q/Initializer/partial");
    });
  });

  test("a custom getter that throws after creating the variable", () => {
    const getter: tf.CustomGetter = (next, name, options) => {
      next(name, options);
      throw new Error("getter failed");
    };
    expectThrowsAndUnchanged(
      () => tf.variableScope("g", { customGetter: getter }, () => tf.getVariable("v", [1])),
      Error,
      "getter failed",
    );
    // The scope body threw (a Python `with` body raising), so its name scope stays used;
    // the variable itself is gone from the store and the graph.
    expect(tf.variableScope("g", () => tf.getVariable("v", [1]).name)).toBe("g/v:0");
  });

  test("on a finalized graph", () => {
    tf.getDefaultGraph().finalize();
    expectThrowsAndUnchanged(
      () => tf.getVariable("late", [1]),
      Error,
      "Graph is finalized and cannot be modified.",
    );
  });

  test("new tf.Variable with an unknown-shape initial value", () => {
    const p = tf.placeholder(tf.float32, null, { name: "p" });
    expectThrowsAndUnchanged(
      () => new tf.Variable(p, { name: "pv" }),
      tf.errors.ValueError,
      'initial_value must have a shape specified: Tensor("p:0", dtype=float32)',
    );
    expect(new tf.Variable(p, { name: "pv", validateShape: false }).name).toBe("pv:0");
  });
});

describe("a throwing scope body keeps what it built, like a Python with block", () => {
  test("variables created before the throw stay", () => {
    expect(() =>
      tf.variableScope("keep", () => {
        tf.getVariable("kept", [1]);
        throw new Error("body");
      }),
    ).toThrow("body");
    expect(tf.globalVariables().map((v) => v.name)).toContain("keep/kept:0");
    expect(tf.getVariableScope().name).toBe("");
    expect(tf.variableScope("keep", (s) => s.originalNameScope)).toBe("keep_1/");
  });
});
