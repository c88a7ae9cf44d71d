import { beforeEach, describe, expect, test } from "vitest";
import * as tf from "../../src/index.js";
import { errorOf, expectThrowsAndUnchanged, graphState, opNames } from "../graph/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

describe("nameScope", () => {
  test("fn receives the scope string and its value is returned", () => {
    const result = tf.nameScope("block", (scope) => {
      expect(scope).toBe("block/");
      expect(tf.getNameScope()).toBe("block");
      return 42;
    });
    expect(result).toBe(42);
    expect(tf.getNameScope()).toBe("");
  });

  test("ops created inside are prefixed", () => {
    const c = tf.nameScope("block", () => tf.constant(1));
    expect(c.op.name).toBe("block/Const");
    expect(tf.constant(1).op.name).toBe("Const");
  });

  test("nesting composes the scopes", () => {
    const [scope, name] = tf.nameScope("a", () =>
      tf.nameScope("b", (s) => [s, tf.add(1, 2).op.name]),
    );
    expect(scope).toBe("a/b/");
    expect(name).toBe("a/b/Add");
  });

  test("the same name twice is made unique", () => {
    expect(tf.nameScope("a", (s) => s)).toBe("a/");
    expect(tf.nameScope("a", (s) => s)).toBe("a_1/");
    expect(tf.nameScope("a", (s) => s)).toBe("a_2/");
    expect(tf.nameScope("A", (s) => s)).toBe("A_3/");
  });

  test("a nested scope is unique within its parent only", () => {
    expect(tf.nameScope("a", () => tf.nameScope("b", (s) => s))).toBe("a/b/");
    expect(tf.nameScope("a", () => tf.nameScope("b", (s) => s))).toBe("a_1/b/");
    expect(tf.nameScope("b", (s) => s)).toBe("b/");
  });

  test("a name ending in / re-enters that exact scope", () => {
    const first = tf.nameScope("a", () => tf.constant(1));
    const again = tf.nameScope("a/", (s) => {
      expect(s).toBe("a/");
      return tf.constant(1);
    });
    expect(first.op.name).toBe("a/Const");
    expect(again.op.name).toBe("a/Const_1");
    // Re-entering does not consume the name "a".
    expect(tf.nameScope("a", (s) => s)).toBe("a_1/");
  });

  test("re-entering works from inside another scope", () => {
    const c = tf.nameScope("x", () => tf.nameScope("a/b/", () => tf.constant(1)));
    expect(c.op.name).toBe("a/b/Const");
  });

  test("a scope string from an earlier scope can be re-entered", () => {
    const saved = tf.nameScope("layer", (s) => s);
    const c = tf.nameScope(saved, () => tf.constant(1, { name: "w" }));
    expect(c.op.name).toBe("layer/w");
  });

  test("null and empty string reset to the root", () => {
    tf.nameScope("a", () => {
      tf.nameScope(null, (s) => {
        expect(s).toBe("");
        expect(tf.getNameScope()).toBe("");
        expect(tf.constant(1).op.name).toBe("Const");
      });
      tf.nameScope("", (s) => {
        expect(s).toBe("");
        expect(tf.constant(1).op.name).toBe("Const_1");
      });
      expect(tf.getNameScope()).toBe("a");
    });
  });

  test("a name with a slash opens several levels at once", () => {
    expect(tf.nameScope("a/b", (s) => s)).toBe("a/b/");
    expect(tf.nameScope("a/b", (s) => s)).toBe("a/b_1/");
  });

  test("the scope name and an op name share the namespace", () => {
    tf.constant(1, { name: "n" });
    expect(tf.nameScope("n", (s) => s)).toBe("n_1/");
    expect(tf.constant(1, { name: "n" }).op.name).toBe("n_2");
  });

  test("the scope is left when fn throws; the name stays used as in Python", () => {
    expect(() =>
      tf.nameScope("s", () => {
        tf.constant(1);
        throw new Error("inside");
      }),
    ).toThrow("inside");
    expect(tf.getNameScope()).toBe("");
    expect(opNames()).toEqual(["s/Const"]);
    expect(tf.nameScope("s", (x) => x)).toBe("s_1/");
  });

  test("getVariable ignores name scopes, tf.Variable does not", () => {
    const [v, w] = tf.nameScope("ns", () => [
      tf.getVariable("v", [1]),
      new tf.Variable(tf.zeros([1]), { name: "w" }),
    ]);
    expect(v.name).toBe("v:0");
    expect(w.name).toBe("ns/w:0");
  });
});

describe("nameScope validation", () => {
  test("characters TensorFlow rejects", () => {
    for (const bad of ["foo bar", "a:b", "a*", "é", "a\\b", "tab\there"]) {
      expectThrowsAndUnchanged(
        () => tf.nameScope(bad, () => undefined),
        tf.errors.ValueError,
        `'${bad}' is not a valid scope name`,
      );
    }
  });

  test("at the root the first character must be a letter, digit or dot", () => {
    for (const bad of ["_x", "-x", "/x", ">x"]) {
      expectThrowsAndUnchanged(
        () => tf.nameScope(bad, () => undefined),
        tf.errors.ValueError,
        `'${bad}' is not a valid scope name`,
      );
    }
    expect(tf.nameScope(".x", (s) => s)).toBe(".x/");
    expect(tf.nameScope("9x", (s) => s)).toBe("9x/");
    expect(tf.nameScope("a-b.c_d>e", (s) => s)).toBe("a-b.c_d>e/");
  });

  test("inside a scope a name may start with _ - or >", () => {
    tf.nameScope("outer", () => {
      expect(tf.nameScope("_x", (s) => s)).toBe("outer/_x/");
      expect(tf.nameScope("-x", (s) => s)).toBe("outer/-x/");
      expect(tf.nameScope(">x", (s) => s)).toBe("outer/>x/");
    });
  });

  test("an invalid name inside a scope changes nothing", () => {
    tf.nameScope("outer", () => {
      expectThrowsAndUnchanged(
        () => tf.nameScope("foo bar", () => tf.constant(1)),
        tf.errors.ValueError,
        "'foo bar' is not a valid scope name",
      );
      expect(tf.getNameScope()).toBe("outer");
    });
  });

  test("a non-string name is a TypeError and changes nothing", () => {
    for (const bad of [3, {}, true, ["a"]]) {
      expectThrowsAndUnchanged(
        () => tf.nameScope(bad as unknown as string, () => undefined),
        TypeError,
      );
    }
  });

  test("fn must be a function", () => {
    expectThrowsAndUnchanged(() => tf.nameScope("a", "nope" as unknown as () => void), TypeError);
    expect(tf.nameScope("a", (s) => s)).toBe("a/");
  });
});

describe("nameScope with a Promise-returning callback", () => {
  test("is a TypeError saying scopes are synchronous", () => {
    const e = errorOf(() => tf.nameScope("a", async () => undefined));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(/synchronous/);
  });

  test("everything built synchronously is rolled back and no name is consumed", async () => {
    tf.constant(1, { name: "before" });
    const before = graphState();
    let pending: Promise<unknown> | null = null;
    expect(() =>
      tf.nameScope("a", () => {
        tf.constant(1, { name: "c" });
        tf.getVariable("v", [2]);
        pending = (async () => {
          await Promise.resolve();
        })();
        return pending;
      }),
    ).toThrow(TypeError);
    await pending;
    expect(graphState()).toEqual(before);
    expect(tf.nameScope("a", (s) => s)).toBe("a/");
    expect(tf.constant(1, { name: "c" }).op.name).toBe("c");
    expect(tf.getVariable("v", [2]).name).toBe("v:0");
  });

  test("a thenable counts as a Promise", () => {
    const thenable = { then: (): void => undefined };
    expectThrowsAndUnchanged(() => tf.nameScope("a", () => thenable), TypeError);
  });
});
