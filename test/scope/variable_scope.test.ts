import { beforeEach, describe, expect, test } from "vitest";
import * as tf from "../../src/index.js";
import {
  errorOf,
  expectDistinct,
  expectSame,
  expectSameItems,
  flat,
  initializedValue,
} from "../graph/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

describe("variableScope by string", () => {
  test("prefixes variables and passes the scope to fn", () => {
    const [scope, v] = tf.variableScope("foo", (s) => [s, tf.getVariable("v", [1])] as const);
    expect(scope).toBeInstanceOf(tf.VariableScope);
    expect(scope.name).toBe("foo");
    expect(v.name).toBe("foo/v:0");
  });

  test("nests like directories", () => {
    const v = tf.variableScope("foo", () =>
      tf.variableScope("bar", () => tf.getVariable("v", [1])),
    );
    expect(v.name).toBe("foo/bar/v:0");
  });

  test("a name with slashes opens a nested prefix", () => {
    const v = tf.variableScope("a/b", () => tf.getVariable("v", [1]));
    expect(v.name).toBe("a/b/v:0");
  });

  test("getVariableScope is the current scope and the root outside", () => {
    expect(tf.getVariableScope().name).toBe("");
    expect(tf.getVariableScope().reuse).toBe(false);
    tf.variableScope("foo", (s) => {
      expectSame(tf.getVariableScope(), s);
      tf.variableScope("bar", () => expect(tf.getVariableScope().name).toBe("foo/bar"));
      expectSame(tf.getVariableScope(), s);
    });
    expect(tf.getVariableScope().name).toBe("");
  });

  test("opens a name scope of the same name for ops (seed 002)", () => {
    const x = tf.variableScope("foo", () => tf.constant(1.0).add(tf.getVariable("v", [1])));
    expect(x.op.name).toBe("foo/add");
  });

  test("a nameScope inside names ops but not variables (seed 002)", () => {
    const [v, x] = tf.variableScope("foo", () =>
      tf.nameScope("bar", () => {
        const v = tf.getVariable("v", [1]);
        return [v, tf.constant(1.0).add(v)] as const;
      }),
    );
    expect(v.name).toBe("foo/v:0");
    expect(x.op.name).toBe("foo/bar/add");
  });

  test("the second variableScope('foo') puts ops under foo_1/ while variables stay foo/", () => {
    const first = tf.variableScope("foo", (s) => [s.originalNameScope, tf.add(1, 2).op.name]);
    const second = tf.variableScope("foo", { reuse: tf.AUTO_REUSE }, (s) => [
      s.name,
      s.originalNameScope,
      tf.add(1, 2).op.name,
      tf.getVariable("v", [1]).name,
    ]);
    expect(first).toEqual(["foo/", "foo/Add"]);
    expect(second).toEqual(["foo", "foo_1/", "foo_1/Add", "foo/v:0"]);
  });

  test("inside a name scope the variable prefix ignores it", () => {
    const [scope, v, c] = tf.nameScope("ns", () =>
      tf.variableScope("foo", (s) => [s, tf.getVariable("v", [1]), tf.constant(1)] as const),
    );
    expect(scope.name).toBe("foo");
    expect(scope.originalNameScope).toBe("ns/foo/");
    expect(v.name).toBe("foo/v:0");
    expect(c.op.name).toBe("ns/foo/Const");
  });

  test("nested scopes record their name scope", () => {
    const inner = tf.variableScope("a", () => tf.variableScope("b", (s) => s.originalNameScope));
    expect(inner).toBe("a/b/");
  });

  test("an empty string opens the current scope without a name scope", () => {
    const [name, ns, v] = tf.variableScope("", (s) => [
      s.name,
      tf.getNameScope(),
      tf.getVariable("v", [1]).name,
    ]);
    expect([name, ns, v]).toEqual(["", "", "v:0"]);
  });

  test("the scope is left when fn throws", () => {
    expect(() =>
      tf.variableScope("foo", () => {
        throw new Error("inside");
      }),
    ).toThrow("inside");
    expect(tf.getVariableScope().name).toBe("");
    expect(tf.getNameScope()).toBe("");
  });

  test("returns the callback's value", () => {
    expect(tf.variableScope("foo", () => 7)).toBe(7);
    expect(tf.variableScope("foo", {}, () => "x")).toBe("x");
  });
});

describe("variableScope with a captured scope", () => {
  test("jumps to the captured prefix wherever it is opened (seed 002)", () => {
    const fooScope = tf.variableScope("foo", (s) => s);
    expect(fooScope.name).toBe("foo");
    tf.variableScope("bar", () =>
      tf.variableScope("baz", (other) => {
        expect(other.name).toBe("bar/baz");
        tf.variableScope(fooScope, (fooScope2) => {
          expect(fooScope2.name).toBe("foo");
          expect(tf.getVariable("v", [1]).name).toBe("foo/v:0");
        });
        expect(tf.getVariableScope().name).toBe("bar/baz");
      }),
    );
  });

  test("opens a name scope named after its last component, made unique", () => {
    const captured = tf.variableScope("outer", () => tf.variableScope("foo", (s) => s));
    expect(captured.originalNameScope).toBe("outer/foo/");
    const atRoot = tf.variableScope(captured, (s) => [tf.getNameScope(), s.originalNameScope]);
    expect(atRoot).toEqual(["foo", "outer/foo/"]);
    expect(tf.variableScope(captured, () => tf.constant(1).op.name)).toBe("foo_1/Const");
    const nested = tf.nameScope("bar", () =>
      tf.variableScope(captured, () => tf.constant(1).op.name),
    );
    expect(nested).toBe("bar/foo/Const");
  });

  test("auxiliaryNameScope: false leaves the name scope alone", () => {
    const vs = tf.variableScope("foo", (s) => s);
    const [ns, name] = tf.nameScope("other", () =>
      tf.variableScope(vs, { auxiliaryNameScope: false }, (vs1) => [
        tf.getNameScope(),
        tf.constant(1, { name: "c" }).op.name,
        vs1.name,
      ]),
    );
    expect(ns).toBe("other");
    expect(name).toBe("other/c");
    expect(tf.nameScope("foo", (s) => s)).toBe("foo_1/");
  });

  test("re-entering the original name scope (TF's docstring example)", () => {
    const vs = tf.variableScope("foo", (s) => s);
    tf.variableScope(vs, { auxiliaryNameScope: false }, (vs1) =>
      tf.nameScope(vs1.originalNameScope, () => {
        expect(tf.getVariable("v", [1]).name).toBe("foo/v:0");
        expect(tf.constant([1], { name: "c" }).name).toBe("foo/c:0");
      }),
    );
  });

  test("auxiliaryNameScope: false on a string scope", () => {
    const [name, ns, c] = tf.variableScope("foo", { auxiliaryNameScope: false }, (s) => [
      s.name,
      s.originalNameScope,
      tf.constant(1).op.name,
    ]);
    expect([name, ns, c]).toEqual(["foo", "", "Const"]);
    expect(tf.nameScope("foo", (s) => s)).toBe("foo/");
  });

  test("auxiliaryNameScope must be a boolean", () => {
    const e = errorOf(() =>
      tf.variableScope("foo", { auxiliaryNameScope: 1 as unknown as boolean }, () => undefined),
    );
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe("The auxiliary_name_scope must be `True` or `False`, while get 1");
  });

  test("captured scopes share variables (seed 002)", () => {
    const [fooScope, v] = tf.variableScope("foo", (s) => [s, tf.getVariable("v", [1])] as const);
    const w = tf.variableScope(fooScope, () => tf.getVariable("w", [1]));
    const [v1, w1] = tf.variableScope(fooScope, { reuse: true }, () => [
      tf.getVariable("v", [1]),
      tf.getVariable("w", [1]),
    ]);
    expectSame(v1, v);
    expectSame(w1, w);
  });

  test("the root scope can be captured and re-entered", () => {
    const root = tf.getVariableScope();
    const [name, ns, v] = tf.variableScope("x", () =>
      tf.variableScope(root, (s) => [s.name, tf.getNameScope(), tf.getVariable("v", [1]).name]),
    );
    // The root scope has no last component, so no name scope is opened: the current one stays.
    expect([name, ns, v]).toEqual(["", "x", "v:0"]);
  });
});

describe("reuse", () => {
  test("reuse: true returns the existing variable (seed 002)", () => {
    const v = tf.variableScope("foo", () => tf.getVariable("v", [1]));
    const v1 = tf.variableScope("foo", { reuse: true }, () => tf.getVariable("v", [1]));
    expectSame(v1, v);
  });

  test("reuse is inherited by sub-scopes and ends with the scope (seed 002)", () => {
    tf.variableScope("root", () => {
      expect(tf.getVariableScope().reuse).toBe(false);
      tf.variableScope("foo", () => expect(tf.getVariableScope().reuse).toBe(false));
      tf.variableScope("foo", { reuse: true }, () => {
        expect(tf.getVariableScope().reuse).toBe(true);
        tf.variableScope("bar", () => expect(tf.getVariableScope().reuse).toBe(true));
      });
      expect(tf.getVariableScope().reuse).toBe(false);
    });
  });

  test("reuse: false (or null) inside a reusing scope stays reusing", () => {
    tf.variableScope("a", { reuse: true }, () => {
      tf.variableScope("b", { reuse: false }, (s) => expect(s.reuse).toBe(true));
      tf.variableScope("c", { reuse: null }, (s) => expect(s.reuse).toBe(true));
      tf.variableScope("d", { reuse: undefined }, (s) => expect(s.reuse).toBe(true));
    });
  });

  test("AUTO_REUSE creates when missing and returns when present", () => {
    const make = () =>
      tf.variableScope("foo", { reuse: tf.AUTO_REUSE }, () => tf.getVariable("v", [1]));
    const v1 = make();
    const v2 = make();
    expectSame(v1, v2);
    expect(tf.globalVariables().map((v) => v.name)).toEqual(["foo/v:0"]);
  });

  test("AUTO_REUSE is inherited (seed 004)", () => {
    const [w1, w2] = tf.variableScope("layer1", { reuse: tf.AUTO_REUSE }, () =>
      tf.variableScope("layer_sub_1", { reuse: null }, (s) => {
        expect(s.reuse).toBe(tf.AUTO_REUSE);
        return [
          tf.getVariable("w", { initializer: tf.randomNormal([3, 3]) }),
          tf.getVariable("w", { initializer: tf.randomNormal([3, 3]) }),
        ];
      }),
    );
    expectSame(w1, w2);
  });

  test("AUTO_REUSE inside reuse: true is AUTO_REUSE and may create", () => {
    tf.variableScope("a", { reuse: true }, () =>
      tf.variableScope("b", { reuse: tf.AUTO_REUSE }, (s) => {
        expect(s.reuse).toBe(tf.AUTO_REUSE);
        expect(tf.getVariable("v", [1]).name).toBe("a/b/v:0");
      }),
    );
  });

  test("reuse: true inside AUTO_REUSE is true", () => {
    tf.variableScope("a", { reuse: tf.AUTO_REUSE }, () =>
      tf.variableScope("b", { reuse: true }, (s) => expect(s.reuse).toBe(true)),
    );
  });

  test("a captured scope entered without reuse takes its own reuse flag", () => {
    const creating = tf.variableScope("foo", (s) => s);
    const reusing = tf.variableScope("bar", { reuse: true }, (s) => s);
    tf.variableScope("outer", { reuse: true }, () => {
      tf.variableScope(creating, (s) => {
        expect(s.reuse).toBe(false);
        expect(tf.getVariable("v", [1]).name).toBe("foo/v:0");
      });
    });
    tf.variableScope(reusing, (s) => expect(s.reuse).toBe(true));
    tf.variableScope(creating, { reuse: tf.AUTO_REUSE }, (s) =>
      expect(s.reuse).toBe(tf.AUTO_REUSE),
    );
  });

  test("the entered scope is a copy: reuseVariables inside does not leak back", () => {
    const captured = tf.variableScope("foo", (s) => s);
    tf.variableScope(captured, (s) => {
      expectDistinct(s, captured);
      s.reuseVariables();
      expect(s.reuse).toBe(true);
    });
    expect(captured.reuse).toBe(false);
    tf.variableScope(captured, { reuse: true }, () => undefined);
    expect(captured.reuse).toBe(false);
  });

  test("reuseVariables makes later getVariable calls reuse (seed 002)", () => {
    const [v, v1] = tf.variableScope("foo", () => {
      const v = tf.getVariable("v", [1]);
      tf.getVariableScope().reuseVariables();
      return [v, tf.getVariable("v", [1])];
    });
    expectSame(v1, v);
  });

  test("reuseVariables is inherited by scopes opened afterwards, not by the parent", () => {
    tf.variableScope("outer", () => {
      tf.variableScope("a", (s) => {
        tf.variableScope("early", (e) => expect(e.reuse).toBe(false));
        s.reuseVariables();
        tf.variableScope("late", (l) => expect(l.reuse).toBe(true));
      });
      expect(tf.getVariableScope().reuse).toBe(false);
      tf.variableScope("a", (s) => expect(s.reuse).toBe(false));
    });
  });

  test("reuse: true on a missing variable: the seed 000 message", () => {
    const e = errorOf(() =>
      tf.variableScope("other_charge", { reuse: true }, () =>
        tf.getVariable("tax", [], { dtype: tf.float32, initializer: tf.constantInitializer(0.05) }),
      ),
    );
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe(
      "Variable other_charge/tax does not exist, or was not created with tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?",
    );
  });

  test("reuse with null and a defaultName is an error", () => {
    for (const reuse of [true, tf.AUTO_REUSE] as const) {
      const e = errorOf(() => tf.variableScope(null, { defaultName: "d", reuse }, () => undefined));
      expect(e).toBeInstanceOf(tf.errors.ValueError);
      expect(e.message).toBe("reuse=True cannot be used without a name_or_scope");
    }
  });

  test("a bad reuse value is an error", () => {
    for (const reuse of ["yes", 1, 0, {}, "AUTO_REUSE"]) {
      const e = errorOf(() =>
        tf.variableScope("foo", { reuse: reuse as unknown as boolean }, () => undefined),
      );
      expect(e).toBeInstanceOf(tf.errors.ValueError);
      expect(e.message).toBe("The reuse parameter must be True or False or None.");
    }
  });

  test("the reuse flag of VariableScope objects", () => {
    expect(tf.variableScope("a", (s) => s.reuse)).toBe(false);
    expect(tf.variableScope("a", { reuse: true }, (s) => s.reuse)).toBe(true);
    expect(tf.variableScope("a", { reuse: tf.AUTO_REUSE }, (s) => s.reuse)).toBe(tf.AUTO_REUSE);
    expect(typeof tf.AUTO_REUSE).toBe("symbol");
  });
});

describe("defaultName", () => {
  test("null with defaultName opens a uniquely numbered scope", () => {
    const names = [0, 1, 2].map(() =>
      tf.variableScope(null, { defaultName: "conv" }, (s) => [s.name, s.originalNameScope]),
    );
    expect(names).toEqual([
      ["conv", "conv/"],
      ["conv_1", "conv_1/"],
      ["conv_2", "conv_2/"],
    ]);
  });

  test("null without defaultName is a TypeError", () => {
    const e = errorOf(() => tf.variableScope(null, () => undefined));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe("If default_name is None then name_or_scope is required");
  });

  test("counted per variable scope, separately from name scopes", () => {
    tf.nameScope("conv", () => undefined);
    const [name, ns] = tf.variableScope(null, { defaultName: "conv" }, (s) => [
      s.name,
      s.originalNameScope,
    ]);
    expect(name).toBe("conv");
    expect(ns).toBe("conv_1/");
  });

  test("a string scope counts as an opening", () => {
    tf.variableScope("conv", () => undefined);
    expect(tf.variableScope(null, { defaultName: "conv" }, (s) => s.name)).toBe("conv_1");
  });

  test("numbering is per parent scope", () => {
    const a = tf.variableScope("a", () => [
      tf.variableScope(null, { defaultName: "conv" }, (s) => s.name),
      tf.variableScope(null, { defaultName: "conv" }, (s) => s.name),
    ]);
    const b = tf.variableScope("b", () =>
      tf.variableScope(null, { defaultName: "conv" }, (s) => s.name),
    );
    expect(a).toEqual(["a/conv", "a/conv_1"]);
    expect(b).toBe("b/conv");
  });

  test("counters restart when the parent is re-entered (TF's docstring example)", () => {
    const vs = tf.variableScope("foo", (vs) => {
      const a = tf.variableScope(null, { defaultName: "bar" }, () => tf.getVariable("a", [1]));
      expect(a.name).toBe("foo/bar/a:0");
      const b = tf.variableScope(null, { defaultName: "bar" }, () => tf.getVariable("b", [1]));
      expect(b.name).toBe("foo/bar_1/b:0");
      return vs;
    });
    const c = tf.variableScope(vs, () =>
      tf.variableScope(null, { defaultName: "bar" }, () => tf.getVariable("c", [1])),
    );
    expect(c.name).toBe("foo/bar/c:0");
  });

  test("counters restart when the parent is re-entered by string too", () => {
    const first = tf.variableScope("foo", () => [
      tf.variableScope(null, { defaultName: "bar" }, (s) => s.name),
      tf.variableScope(null, { defaultName: "bar" }, (s) => s.name),
    ]);
    const second = tf.variableScope("foo", () =>
      tf.variableScope(null, { defaultName: "bar" }, (s) => [s.name, s.originalNameScope]),
    );
    expect(first).toEqual(["foo/bar", "foo/bar_1"]);
    expect(second).toEqual(["foo/bar", "foo_1/bar/"]);
  });

  test("counters of a captured scope's children are forgotten after it", () => {
    const captured = tf.variableScope("foo", (s) => s);
    tf.variableScope(captured, () => tf.variableScope(null, { defaultName: "x" }, () => undefined));
    const again = tf.variableScope(captured, () =>
      tf.variableScope(null, { defaultName: "x" }, (s) => s.name),
    );
    expect(again).toBe("foo/x");
  });

  test("defaultName is ignored when a name is given", () => {
    expect(tf.variableScope("given", { defaultName: "dflt" }, (s) => s.name)).toBe("given");
  });

  test("sibling defaultName scopes keep counting at the root", () => {
    tf.variableScope(null, { defaultName: "conv" }, () =>
      tf.variableScope(null, { defaultName: "conv" }, (s) => expect(s.name).toBe("conv/conv")),
    );
    expect(tf.variableScope(null, { defaultName: "conv" }, (s) => s.name)).toBe("conv_1");
  });
});

describe("scope defaults", () => {
  test("initializers are inherited and overridden (seed 002)", () => {
    const [v, w, barV, bazV] = tf.variableScope(
      "foo",
      { initializer: tf.constantInitializer(0.4) },
      () => {
        const v = tf.getVariable("v", [1]);
        const w = tf.getVariable("w", [1], { initializer: tf.constantInitializer(0.3) });
        const barV = tf.variableScope("bar", () => tf.getVariable("v", [1]));
        const bazV = tf.variableScope("baz", { initializer: tf.constantInitializer(0.2) }, () =>
          tf.getVariable("v", [1]),
        );
        return [v, w, barV, bazV];
      },
    );
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const values = [v, w, barV, bazV].map((x) => flat((sess.run(x) as tf.NDArray).toArray()));
    sess.close();
    expect(values[0]?.[0]).toBeCloseTo(0.4, 6);
    expect(values[1]?.[0]).toBeCloseTo(0.3, 6);
    expect(values[2]?.[0]).toBeCloseTo(0.4, 6);
    expect(values[3]?.[0]).toBeCloseTo(0.2, 6);
    expect(barV.name).toBe("foo/bar/v:0");
    expect(bazV.name).toBe("foo/baz/v:0");
  });

  test("the scope's initializer is readable and settable", () => {
    const init = tf.constantInitializer(5);
    tf.variableScope("a", { initializer: init }, (s) => {
      expectSame(s.initializer, init);
      tf.variableScope("b", (b) => expectSame(b.initializer, init));
      s.setInitializer(tf.constantInitializer(6));
      expect(flat(initializedValue(tf.getVariable("v", [1])))).toEqual([6]);
    });
    expect(tf.getVariableScope().initializer).toBeNull();
  });

  test("dtype is inherited and can be overridden", () => {
    tf.variableScope("i", { dtype: tf.int32 }, (s) => {
      expect(s.dtype).toBe("int32");
      const v = tf.getVariable("v", [2]);
      expect(v.dtype).toBe("int32");
      tf.variableScope("inner", (inner) => expect(inner.dtype).toBe("int32"));
      tf.variableScope("f", { dtype: tf.float32 }, (f) => expect(f.dtype).toBe("float32"));
      expect(tf.getVariable("w", [1], { dtype: tf.float32 }).dtype).toBe("float32");
      s.setDtype(tf.bool);
      expect(tf.getVariable("b", [1]).dtype).toBe("bool");
    });
    expect(tf.getVariableScope().dtype).toBe("float32");
  });

  test("a bad dtype is a TypeError", () => {
    const e = errorOf(() =>
      tf.variableScope("a", { dtype: "float64" as unknown as tf.DType }, () => undefined),
    );
    expect(e).toBeInstanceOf(TypeError);
  });

  test("regularizers are inherited, overridden and settable", () => {
    const r1: tf.Regularizer = (w) => tf.square(w);
    tf.variableScope("a", { regularizer: r1 }, (s) => {
      expectSame(s.regularizer, r1);
      tf.variableScope("b", (b) => expectSame(b.regularizer, r1));
      const r2: tf.Regularizer = () => null;
      tf.variableScope("c", { regularizer: r2 }, (c) => expectSame(c.regularizer, r2));
      s.setRegularizer(null);
      expect(s.regularizer).toBeNull();
    });
  });

  test("a captured scope carries its defaults and options override them in the copy", () => {
    const init = tf.constantInitializer(1);
    const captured = tf.variableScope("foo", { initializer: init, dtype: tf.int32 }, (s) => s);
    tf.variableScope("elsewhere", () =>
      tf.variableScope(captured, (s) => {
        expectSame(s.initializer, init);
        expect(s.dtype).toBe("int32");
      }),
    );
    const other = tf.zerosInitializer();
    tf.variableScope(captured, { initializer: other, dtype: tf.float32 }, (s) => {
      expectSame(s.initializer, other);
      expect(s.dtype).toBe("float32");
    });
    expectSame(captured.initializer, init);
    expect(captured.dtype).toBe("int32");
  });

  test("a constraint is not inherited by sub-scopes, as in TensorFlow", () => {
    const c: tf.Constraint = (x) => x;
    tf.variableScope("a", { constraint: c }, (s) => {
      expectSame(s.constraint, c);
      expect(tf.getVariable("v", [1]).constraint).toBe(c);
      tf.variableScope("b", (b) => expect(b.constraint).toBeNull());
    });
  });

  test("the scope's collection helpers filter by its prefix", () => {
    const [scope, v, t] = tf.variableScope(
      "foo",
      (s) => [s, tf.getVariable("v", [1]), tf.getVariable("t", [1], { trainable: false })] as const,
    );
    tf.variableScope("foo_bar", () => tf.getVariable("x", [1]));
    const l = tf.variableScope("foo", () => tf.getLocalVariable("l", [1]));
    expectSameItems(scope.globalVariables(), [v, t]);
    expectSameItems(scope.trainableVariables(), [v]);
    expectSameItems(scope.localVariables(), [l]);
    expect(tf.getVariableScope().globalVariables()).toHaveLength(3);
  });
});

describe("a value as the scope's initializer (TF's testInitializeFromValue)", () => {
  test("a Tensor passes through the scope: shape, dtype and value come from it", () => {
    const init = tf.constant([
      [0.1, 0.2, 0.3],
      [0.4, 0.5, 0.6],
    ]);
    const [v, inner] = tf.variableScope("foo", { initializer: init }, () => [
      tf.getVariable("v"),
      tf.variableScope("bar", () => tf.getVariable("w")),
    ]);
    expect(v.name).toBe("foo/v:0");
    expect(inner.name).toBe("foo/bar/w:0");
    expect(v.shape.toString()).toBe("(2, 3)");
    expect(v.dtype).toBe("float32");
    using sess = new tf.Session();
    sess.run(tf.variablesInitializer([v, inner]));
    expect(String(sess.run(v))).toBe("[[0.1 0.2 0.3]\n [0.4 0.5 0.6]]");
    expect(String(sess.run(inner))).toBe("[[0.1 0.2 0.3]\n [0.4 0.5 0.6]]");
  });

  test("an int32 Tensor makes an int32 variable; a shape with it is refused", () => {
    const init = tf.constant([1, 2, 3, 4], { dtype: tf.int32 });
    tf.variableScope("foo", { initializer: init }, () => {
      expect(tf.getVariable("t").dtype).toBe("int32");
      const e = errorOf(() => tf.getVariable("u", [4]));
      expect(e).toBeInstanceOf(tf.errors.ValueError);
      expect(e.message).toBe("If initializer is a constant, do not specify shape.");
    });
  });

  test("a nested JS array works as a Tensor would, and a plain object is refused", () => {
    const v = tf.variableScope(
      "arr",
      {
        initializer: [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
      },
      () => tf.getVariable("v"),
    );
    expect(v.shape.toString()).toBe("(3, 2)");
    const before = tf.getDefaultGraph().getOperations().length;
    const e = errorOf(() =>
      tf.variableScope("bad", { initializer: { mean: 0 } as never }, () => tf.getVariable("x")),
    );
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(/^variableScope\(\) argument 'initializer' must be/);
    expect(tf.getDefaultGraph().getOperations().length).toBe(before);
  });
});

describe("customGetter", () => {
  test("receives the true getter, the full name and the options", () => {
    const seen: string[] = [];
    const getter: tf.CustomGetter = (next, name, options) => {
      seen.push(name);
      expect(options.shape).toEqual([2]);
      return next(`${name}_suffix`, options);
    };
    const v = tf.variableScope("foo", { customGetter: getter }, () => tf.getVariable("v", [2]));
    expect(seen).toEqual(["foo/v"]);
    expect(v.name).toBe("foo/v_suffix:0");
  });

  test("is inherited by sub-scopes", () => {
    let calls = 0;
    const getter: tf.CustomGetter = (next, name, options) => {
      calls += 1;
      return next(name, options);
    };
    tf.variableScope("a", { customGetter: getter }, () =>
      tf.variableScope("b", () => tf.getVariable("v", [1])),
    );
    expect(calls).toBe(1);
  });

  test("nested getters wrap: the inner one calls the outer one", () => {
    const order: string[] = [];
    const outer: tf.CustomGetter = (next, name, options) => {
      order.push("outer-before");
      const v = next(name, options);
      order.push("outer-after");
      return v;
    };
    const inner: tf.CustomGetter = (next, name, options) => {
      order.push("inner-before");
      const v = next(`${name}_in`, options);
      order.push("inner-after");
      return v;
    };
    const v = tf.variableScope("a", { customGetter: outer }, () =>
      tf.variableScope("b", { customGetter: inner }, () => tf.getVariable("v", [1])),
    );
    expect(order).toEqual(["inner-before", "outer-before", "outer-after", "inner-after"]);
    expect((v as unknown as tf.Variable).name).toBe("a/b/v_in:0");
  });

  test("a getVariable customGetter replaces the scope's", () => {
    const order: string[] = [];
    const scopeGetter: tf.CustomGetter = (next, name, options) => {
      order.push("scope");
      return next(name, options);
    };
    const callGetter: tf.CustomGetter = (next, name, options) => {
      order.push("call");
      return next(name, options);
    };
    tf.variableScope("a", { customGetter: scopeGetter }, () =>
      tf.getVariable("v", [1], { customGetter: callGetter }),
    );
    expect(order).toEqual(["call"]);
  });

  test("may return anything tensor-like without creating a variable", () => {
    const replacement = tf.constant([1, 2], { name: "replacement" });
    const got = tf.variableScope(
      "a",
      { customGetter: () => replacement },
      () => tf.getVariable("v", [2]) as unknown,
    );
    expectSame(got, replacement);
    expect(tf.globalVariables()).toHaveLength(0);
  });
});

describe("the values option", () => {
  test("makes the values' graph the default inside the scope", () => {
    const g = new tf.Graph();
    const x = g.asDefault(() => tf.constant(1, { name: "x" }));
    const outer = tf.getDefaultGraph();
    const v = tf.variableScope("s", { values: [x] }, () => {
      expectSame(tf.getDefaultGraph(), g);
      return tf.getVariable("v", [1]);
    });
    expectSame(v.graph, g);
    expect(v.name).toBe("s/v:0");
    expectSame(tf.getDefaultGraph(), outer);
    expect(tf.globalVariables()).toHaveLength(0);
    expect(g.asDefault(() => tf.globalVariables().map((u) => u.name))).toEqual(["s/v:0"]);
  });

  test("values from different graphs are an error", () => {
    const a = new tf.Graph().asDefault(() => tf.constant(1));
    const b = new tf.Graph().asDefault(() => tf.constant(1));
    const e = errorOf(() => tf.variableScope("s", { values: [a, b] }, () => undefined));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
  });

  test("non-tensor values are ignored", () => {
    const v = tf.variableScope("s", { values: [1, "x", null] }, () => tf.getVariable("v", [1]));
    expectSame(v.graph, tf.getDefaultGraph());
  });
});

describe("argument checking", () => {
  test("a name that is neither a string nor a VariableScope is a TypeError", () => {
    for (const bad of [3, true]) {
      const e = errorOf(() => tf.variableScope(bad as unknown as string, () => undefined));
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toBe("VariableScope: name_or_scope must be a string or VariableScope.");
    }
    // A lone object before the callback is the options object: no name_or_scope at all.
    const e = errorOf(() => tf.variableScope({} as unknown as string, () => undefined));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe("variableScope() missing 1 required positional argument: 'nameOrScope'");
  });

  test("an invalid scope name is TensorFlow's ValueError", () => {
    const e = errorOf(() => tf.variableScope("foo bar", () => undefined));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe("'foo bar' is not a valid scope name");
  });

  test("a missing callback is a TypeError", () => {
    expect(() => tf.variableScope("a", {} as unknown as () => void)).toThrow(TypeError);
  });
});

describe("VariableStore.entries", () => {
  test("lists getVariable's variables by requested full name, not by op name", async () => {
    const { VariableStore } = await import("../../src/scope/variable_store.js");
    tf.resetDefaultGraph();
    tf.variableScope("layer1", () => new tf.Variable(tf.zeros([2]), { name: "w" }));
    const v = tf.variableScope("layer1", () => tf.getVariable("w", [3]));
    const entries = [...VariableStore.of(tf.getDefaultGraph()).entries()];
    expect(entries.map(([k]) => k)).toEqual(["layer1/w"]);
    expect(entries[0]?.[1] === v).toBe(true);
    expect(v.name).toBe("layer1/w_1:0");
  });
});
