/**
 * The calling convention (API.md's argument rule) on scopes, variables, graphs and
 * sessions: TF 1.15's positional forms and the options forms build the same graph; TF
 * code ported line by line means what it meant; what TF refuses, or what scopeflow cannot
 * honour, is refused with the graph unchanged.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";
import { expectRefused, expectSameGraphs } from "./helpers.js";

const X = [
  [1, 2, 3],
  [4, 5, 6],
];

beforeEach(() => {
  tf.resetDefaultGraph();
});

function valueOf(fetch: tf.Tensor | tf.Variable, init = true): string {
  using sess = new tf.Session();
  if (init) sess.run(tf.globalVariablesInitializer());
  return String(sess.run(fetch));
}

describe("nameScope(name, default_name, values, fn)", () => {
  it("positional, options and keyword-only forms build one graph", () => {
    const build =
      (open: (x: tf.Tensor, body: (s: string) => tf.Tensor) => tf.Tensor) => (): void => {
        const x = tf.constant(X, { name: "x" });
        tf.constant(0, { name: "block" });
        const y = open(x, (s) => {
          expect(s).toBe("block_1/");
          return tf.add(x, 1, { name: "y" });
        });
        expect(y.name).toBe("block_1/y:0");
        expect(y.shape.toString()).toBe("(2, 3)");
      };
    expectSameGraphs(
      build((x, body) => tf.nameScope(null, "block", [x], body)),
      build((x, body) => tf.nameScope(null, { defaultName: "block", values: [x] }, body)),
      build((x, body) => tf.nameScope(null, "block", { values: [x] }, body)),
      build((x, body) => tf.nameScope({ name: null, defaultName: "block", values: [x] }, body)),
    );
  });

  it("a given name wins over defaultName; values make their graph the default", () => {
    const g = new tf.Graph();
    const x = g.asDefault(() => tf.constant(X));
    const [scope, graph] = tf.nameScope("mine", "ignored", [x], (s) => [s, tf.getDefaultGraph()]);
    expect(scope).toBe("mine/");
    expect(graph).toBe(g);
  });

  it("refuses unknown keys, wrong kinds, a missing name and values without any name", () => {
    const x = tf.constant(X);
    const body = (): number => 1;
    expectRefused(
      () => tf.nameScope("a", { default_name: "b" } as never, body),
      "nameScope() got an unexpected keyword argument 'default_name' (did you mean 'defaultName'?)",
    );
    expectRefused(
      () => tf.nameScope("a", 3 as never, body),
      "nameScope() argument 'defaultName' (position 2) must be a str, not int 3",
    );
    expectRefused(
      () => (tf.nameScope as (...a: unknown[]) => unknown)(body),
      "nameScope() missing 1 required positional argument: 'name'",
    );
    expectRefused(
      () => (tf.nameScope as (...a: unknown[]) => unknown)("a", "b", [x], null, body),
      "nameScope() takes from 0 to 3 positional arguments but 4 were given",
    );
    expectThrowsAndUnchanged(
      () => tf.nameScope(null, null, [x], body),
      tf.errors.ValueError,
      "At least one of name (None) and default_name (None) must be provided.",
    );
    expectRefused(() => tf.getNameScope(1 as never), /^getNameScope\(\) takes 0 positional/);
  });
});

describe("variableScope(name_or_scope, default_name, values, initializer, …, fn)", () => {
  it("tf.variableScope(null, 'conv', [x], fn) numbers 'conv' as the options form does", () => {
    const build =
      (open: (x: tf.Tensor, body: (s: tf.VariableScope) => string) => string) => (): void => {
        const x = tf.constant(X, { name: "x" });
        const names = [0, 1].map(() =>
          open(x, (s) => {
            tf.getVariable("w", [3, 2]);
            return `${s.name} ${tf.matmul(x, tf.getVariable("b", [3, 4])).name}`;
          }),
        );
        expect(names).toEqual(["conv conv/MatMul:0", "conv_1 conv_1/MatMul:0"]);
      };
    expectSameGraphs(
      build((x, body) => tf.variableScope(null, "conv", [x], body)),
      build((x, body) => tf.variableScope(null, { defaultName: "conv", values: [x] }, body)),
      build((x, body) => tf.variableScope(null, "conv", { values: [x] }, body)),
      build((x, body) =>
        tf.variableScope({ nameOrScope: null, defaultName: "conv", values: [x] }, body),
      ),
    );
  });

  it("initializer, reuse and dtype by position mean what they mean by name", () => {
    const init = tf.onesInitializer();
    const pic = expectSameGraphs(
      () => {
        const v = tf.variableScope("s", null, null, init, () => tf.getVariable("v", [2, 3]));
        const again = tf.variableScope("s", null, null, null, null, null, null, null, true, () =>
          tf.getVariable("v", [2, 3]),
        );
        expect(again).toBe(v);
      },
      () => {
        const v = tf.variableScope("s", { initializer: init }, () => tf.getVariable("v", [2, 3]));
        const again = tf.variableScope("s", { reuse: true }, () => tf.getVariable("v", [2, 3]));
        expect(again).toBe(v);
      },
    );
    expect(pic.some((l) => l.startsWith("s/v = VariableV2") && l.endsWith("float32(2, 3)"))).toBe(
      true,
    );
    const v = tf.variableScope("s", null, null, init, () => tf.getVariable("v", [2, 3]));
    expect(valueOf(v)).toBe("[[1. 1. 1.]\n [1. 1. 1.]]");
    const i = tf.variableScope("t", null, null, null, null, null, null, null, null, tf.int32, () =>
      tf.getVariable("i", [2]),
    );
    expect(i.dtype).toBe("int32");
  });

  it("refuses typos, wrong kinds and what scopeflow cannot honour, changing nothing", () => {
    const body = (): number => 1;
    expectRefused(
      () => tf.variableScope(null, { default_name: "conv" } as never, body),
      "variableScope() got an unexpected keyword argument 'default_name' (did you mean 'defaultName'?)",
    );
    expectRefused(
      () => tf.variableScope("a", { resue: true } as never, body),
      "variableScope() got an unexpected keyword argument 'resue' (did you mean 'reuse'?)",
    );
    expectRefused(
      () => tf.variableScope("a", null, null, null, "l2" as never, body),
      "variableScope() argument 'regularizer' (position 5) must be a function, not str 'l2'",
    );
    expectRefused(
      () => tf.variableScope("a", { auxiliaryNameScope: "no" as never }, body),
      "The auxiliary_name_scope must be `True` or `False`, while get no",
    );
    expectThrowsAndUnchanged(
      () => tf.variableScope("a", { cachingDevice: "/cpu:0" }, body),
      tf.errors.ValueError,
      "variableScope() argument 'cachingDevice='/cpu:0'' is not supported: scopeflow places every variable on its one device.",
    );
    // `use_resource` is honoured: variables of the scope are resource variables.
    expect(
      tf.variableScope("r", { useResource: true }, () => tf.getVariable("v", [1]).op.type),
    ).toBe("VarHandleOp");
    // TF's defaults are accepted.
    expect(tf.variableScope("a", { cachingDevice: null, useResource: false }, (s) => s.name)).toBe(
      "a",
    );
    expectRefused(
      () => tf.getVariableScope(1 as never),
      /^getVariableScope\(\) takes 0 positional/,
    );
  });
});

describe("VariableScope methods", () => {
  it("setters, reuseVariables and getCollection take TF's parameters, by position or name", () => {
    const pic = expectSameGraphs(
      () =>
        tf.variableScope("s", (scope) => {
          scope.setInitializer(tf.onesInitializer());
          scope.setDtype(tf.int32);
          tf.getVariable("v", [2, 3]);
          scope.reuseVariables();
          return tf.getVariable("v", [2, 3]);
        }),
      () =>
        tf.variableScope("s", (scope) => {
          scope.setInitializer({ initializer: tf.onesInitializer() });
          scope.setDtype({ dtype: tf.int32 });
          tf.getVariable("v", [2, 3]);
          scope.reuseVariables();
          return tf.getVariable("v", [2, 3]);
        }),
    );
    expect(pic.some((l) => l.startsWith("s/v = VariableV2") && l.endsWith("int32(2, 3)"))).toBe(
      true,
    );
    const [v, scope] = tf.variableScope("t", (s) => {
      s.setInitializer(tf.onesInitializer());
      s.setInitializer(null); // TF's set_initializer(None) clears it.
      return [tf.getVariable("w", [2]), s] as const;
    });
    expect(scope.initializer).toBeNull();
    expect(scope.getCollection(tf.GraphKeys.GLOBAL_VARIABLES)).toEqual([v]);
    expect(scope.getCollection({ name: tf.GraphKeys.TRAINABLE_VARIABLES })).toEqual([v]);
    expectRefused(
      () => scope.setRegularizer("l2" as never),
      "VariableScope.setRegularizer() argument 'regularizer' (position 1) must be a function, not str 'l2'",
    );
    expectRefused(
      () => (scope.setPartitioner as (...a: unknown[]) => void).call(scope),
      "VariableScope.setPartitioner() missing 1 required positional argument: 'partitioner'",
    );
    expectRefused(
      () => scope.reuseVariables(true as never),
      "VariableScope.reuseVariables() takes 0 positional arguments but 1 was given",
    );
    expect(scope.reuse).toBe(false);
  });
});

describe("resource variables: setUseResource, sparseRead, enable/disableResourceVariables", () => {
  it("take TF's parameters, by position or name, and refuse others", () => {
    const pic = expectSameGraphs(
      () =>
        tf.variableScope("s", (scope) => {
          scope.setUseResource(true);
          return tf.getVariable("v", [3, 2]).sparseRead([0, 2], "rows");
        }),
      () =>
        tf.variableScope("s", (scope) => {
          scope.setUseResource({ useResource: true });
          return tf.getVariable("v", [3, 2]).sparseRead({ indices: [0, 2], name: "rows" });
        }),
    );
    expect(pic).toContain(
      's/rows = ResourceGather(s/v:0,s/rows/indices:0) [Tindices="int32",batch_dims=0,dtype="float32",validate_indices=true] -> float32(2, 2)',
    );
    const v = tf.getVariable("w", [2], { useResource: true });
    expectRefused(
      () => v.sparseRead([0], { nmae: "x" } as never),
      "Variable.sparseRead() got an unexpected keyword argument 'nmae' (did you mean 'name'?)",
    );
    expectRefused(
      () => tf.enableResourceVariables(true as never),
      "enableResourceVariables() takes 0 positional arguments but 1 was given",
    );
    expectRefused(
      () => tf.disableResourceVariables(true as never),
      "disableResourceVariables() takes 0 positional arguments but 1 was given",
    );
    expectRefused(
      () => tf.resourceVariablesEnabled(true as never),
      "resourceVariablesEnabled() takes 0 positional arguments but 1 was given",
    );
    expect(tf.resourceVariablesEnabled()).toBe(false);
  });
});

describe("getVariable(name, shape, dtype, initializer, regularizer, trainable, collections, …)", () => {
  it("positional, options and keyword-only forms build one graph", () => {
    const init = tf.constantInitializer(2);
    const pic = expectSameGraphs(
      () => tf.getVariable("w", [2, 3], tf.float32, init),
      () => tf.getVariable("w", [2, 3], { dtype: tf.float32, initializer: init }),
      () => tf.getVariable("w", { shape: [2, 3], dtype: tf.float32, initializer: init }),
      () => tf.getVariable({ name: "w", shape: [2, 3], dtype: tf.float32, initializer: init }),
    );
    expect(pic.some((l) => l.startsWith("w = VariableV2") && l.endsWith("float32(2, 3)"))).toBe(
      true,
    );
    expect(valueOf(tf.getVariable("w", [2, 3], tf.float32, init))).toBe(
      "[[2. 2. 2.]\n [2. 2. 2.]]",
    );
  });

  it("trainable, collections and validateShape by position", () => {
    const v = tf.getVariable("v", [2], null, null, null, false, ["mine"]);
    expect(tf.trainableVariables()).toEqual([]);
    expect(tf.getCollection("mine")).toEqual([v]);
    expect(tf.globalVariables()).toEqual([]);
    const r = tf.getVariable("r", [2, 3], null, null, (w) => tf.reduceSum(w));
    expect(tf.getCollection(tf.GraphKeys.REGULARIZATION_LOSSES)).toHaveLength(1);
    expect(r.shape.toString()).toBe("(2, 3)");
    const l = tf.getLocalVariable("count", [], tf.int32);
    expect(l.dtype).toBe("int32");
    expect(tf.localVariables()).toEqual([l]);
    expectSameGraphs(
      () => tf.getLocalVariable("c", [2, 3], tf.int32),
      () => tf.getLocalVariable("c", { shape: [2, 3], dtype: tf.int32 }),
    );
  });

  it("refuses typos, wrong kinds and unsupported values, changing nothing", () => {
    tf.getVariable("keep", [1]);
    expectRefused(
      () => tf.getVariable("w", [2], { validate_shape: false } as never),
      "getVariable() got an unexpected keyword argument 'validate_shape' (did you mean 'validateShape'?)",
    );
    expectRefused(
      () => tf.getVariable("w", [2], { initialiser: tf.zerosInitializer() } as never),
      "getVariable() got an unexpected keyword argument 'initialiser' (did you mean 'initializer'?)",
    );
    expectRefused(
      () => tf.getVariable("w", "2" as never),
      "getVariable() argument 'shape' (position 2) must be a shape (a list of ints and nulls, or a TensorShape), not str '2'",
    );
    expectRefused(
      () => tf.getVariable(3 as never, [2]),
      "getVariable() argument 'name' (position 1) must be a str, not int 3",
    );
    expectRefused(
      () => tf.getVariable("w", [2], "float32x" as never),
      /^getVariable\(\) argument 'dtype' \(position 3\) must be a dtype/,
    );
    expectRefused(
      () => tf.getVariable("w", [2], { shape: [2] } as never),
      "getVariable() got multiple values for argument 'shape'",
    );
    expectRefused(
      () => tf.getLocalVariable("w", [2], { trainabel: false } as never),
      "getLocalVariable() got an unexpected keyword argument 'trainabel' (did you mean 'trainable'?)",
    );
    for (const [options, message] of [
      [{ cachingDevice: "/gpu:0" }, /^getVariable\(\) argument 'cachingDevice='\/gpu:0''/],
      [{ synchronization: "ON_READ" }, /^getVariable\(\) argument 'synchronization='ON_READ''/],
      [{ aggregation: "MEAN" }, /^getVariable\(\) argument 'aggregation='MEAN''/],
    ] as const) {
      expectThrowsAndUnchanged(
        () => tf.getVariable("w", [2], options),
        tf.errors.ValueError,
        message,
      );
    }
    const ok = tf.getVariable("w", [2], {
      useResource: false,
      synchronization: "AUTO",
      aggregation: "NONE",
    });
    expect(ok.name).toBe("w:0");
  });
});

describe("new Variable(initial_value, trainable, collections, validate_shape, caching_device, name, …)", () => {
  it("positional, options and keyword-only forms build one graph", () => {
    const pic = expectSameGraphs(
      () => new tf.Variable(tf.zeros([2, 3]), false, null, true, null, "v", null, tf.float32),
      () => new tf.Variable(tf.zeros([2, 3]), { trainable: false, name: "v", dtype: tf.float32 }),
      () => new tf.Variable(tf.zeros([2, 3]), false, { name: "v", dtype: tf.float32 }),
      () => new tf.Variable({ initialValue: tf.zeros([2, 3]), trainable: false, name: "v" }),
    );
    expect(pic.some((l) => l.startsWith("v = VariableV2") && l.endsWith("float32(2, 3)"))).toBe(
      true,
    );
    const v = new tf.Variable(tf.zeros([2, 3]), false, null, true, null, "v");
    expect(v.trainable).toBe(false);
    expect(v.name).toBe("v:0");
  });

  it("a name in trainable's position is refused, not taken as truthy", () => {
    expectRefused(
      () => new tf.Variable(1, "w" as never),
      "Variable() argument 'trainable' (position 2) must be a bool, not str 'w'",
    );
  });

  it("shape sets the variable's static shape (TF 1.15's shape=)", () => {
    const v = new tf.Variable(tf.zeros([2, 3]), { shape: [null, 3], name: "s" });
    expect(v.shape.toString()).toBe("(?, 3)");
    expect(valueOf(v)).toBe("[[0. 0. 0.]\n [0. 0. 0.]]");
    // TF ignores expected_shape.
    expect(new tf.Variable(1, { expectedShape: [5] }).shape.toString()).toBe("()");
  });

  it("refuses typos and what scopeflow cannot honour, changing nothing", () => {
    expectRefused(
      () => new tf.Variable(1, { validate_shape: false } as never),
      "Variable() got an unexpected keyword argument 'validate_shape' (did you mean 'validateShape'?)",
    );
    expectThrowsAndUnchanged(
      () => new tf.Variable(1, { cachingDevice: "/cpu:0" }),
      tf.errors.ValueError,
      /^Variable\(\) argument 'cachingDevice='\/cpu:0'' is not supported/,
    );
    expectRefused(
      () => new tf.Variable(null, { variableDef: {} as never }),
      /variable_def|variableDef/,
    );
    expectThrowsAndUnchanged(
      () => new tf.Variable(),
      tf.errors.ValueError,
      "initial_value must be specified.",
    );
  });

  it("assign(value, use_locking, name, read_value) and its kin, positionally and by name", () => {
    const pic = expectSameGraphs(
      () => {
        const v = new tf.Variable(tf.zeros([2, 3]), { name: "v" });
        v.assign(tf.ones([2, 3]), false, "a");
        v.assignAdd(tf.ones([2, 3]), true, "b");
        v.assignSub(tf.ones([2, 3]), null, "c");
      },
      () => {
        const v = new tf.Variable(tf.zeros([2, 3]), { name: "v" });
        v.assign(tf.ones([2, 3]), { useLocking: false, name: "a" });
        v.assignAdd(tf.ones([2, 3]), { useLocking: true, name: "b" });
        v.assignSub({ delta: tf.ones([2, 3]), name: "c" });
      },
    );
    expect(pic.filter((l) => /^[abc] = Assign/.test(l))).toHaveLength(3);
    const v = new tf.Variable(tf.zeros([2, 3]), { name: "w" });
    const op = v.assign(tf.fill([2, 3], 5), null, "set", false);
    expect(op).toBeInstanceOf(tf.Operation);
    expect(op.name).toBe("set");
    const added = v.assignAdd(X, { name: "add" });
    using sess = new tf.Session();
    sess.run(v.initializer);
    sess.run(op);
    expect(String(sess.run(added))).toBe("[[ 6.  7.  8.]\n [ 9. 10. 11.]]");
    expect(String(v.eval(sess))).toBe(String(v.eval({ session: sess })));
    v.load(X, sess);
    expect(String(sess.run(v))).toBe("[[1. 2. 3.]\n [4. 5. 6.]]");
    v.load({
      value: [
        [0, 0, 0],
        [0, 0, 1],
      ],
      session: sess,
    });
    expect(String(sess.asDefault(() => v.eval()))).toBe("[[0. 0. 0.]\n [0. 0. 1.]]");
    expectRefused(
      () => v.assign(1, { read_value: false } as never),
      "Variable.assign() got an unexpected keyword argument 'read_value' (did you mean 'readValue'?)",
    );
    expectRefused(
      () => v.eval("sess" as never),
      "Variable.eval() argument 'session' (position 1) must be a Session, not str 'sess'",
    );
  });
});

describe("Variable.toProto(export_scope) / Variable.fromProto(variable_def, import_scope)", () => {
  it("positional and options forms", () => {
    const w = tf.variableScope("outer", () => tf.getVariable("w", [2]));
    expect(w.toProto("outer")).toEqual(w.toProto({ exportScope: "outer" }));
    expect(w.toProto()?.variableName).toBe("outer/w:0");
    const def = w.toProto("outer") as NonNullable<ReturnType<tf.Variable["toProto"]>>;
    const a = tf.Variable.fromProto(def, "outer");
    const b = tf.Variable.fromProto({ variableDef: def, importScope: "outer" });
    const c = tf.Variable.fromProto(def, { importScope: "outer" });
    const d = new tf.Variable({ variableDef: def, importScope: "outer" });
    for (const v of [a, b, c, d]) expect(v.op).toBe(w.op);
    expectRefused(() => w.toProto(3 as never), /export_scope|exportScope/);
    expectRefused(() => tf.Variable.fromProto("w" as never), /variable_def|variableDef/);
  });
});

describe("collections and initializers", () => {
  it("globalVariables(scope) and kin, positionally and by name", () => {
    const a = tf.variableScope("foo", () => tf.getVariable("a", [2, 3]));
    tf.variableScope("bar", () => tf.getVariable("b", [2]));
    expect(tf.globalVariables("foo")).toEqual([a]);
    expect(tf.globalVariables({ scope: "foo" })).toEqual([a]);
    expect(tf.trainableVariables("foo")).toEqual([a]);
    expect(tf.localVariables("foo")).toEqual([]);
    expect(tf.modelVariables({ scope: "foo" })).toEqual([]);
    expectRefused(
      () => tf.globalVariables(3 as never),
      "globalVariables() argument 'scope' (position 1) must be a str, not int 3",
    );
  });

  it("variablesInitializer(var_list, name) and reportUninitializedVariables(var_list, name)", () => {
    const pic = expectSameGraphs(
      () => {
        const v = tf.getVariable("v", [2, 3]);
        tf.variablesInitializer([v], "my_init");
        tf.reportUninitializedVariables([v], "report");
      },
      () => {
        const v = tf.getVariable("v", [2, 3]);
        tf.variablesInitializer([v], { name: "my_init" });
        tf.reportUninitializedVariables({ varList: [v], name: "report" });
      },
    );
    expect(pic.some((l) => l.startsWith("my_init = NoOp(;^v/Assign)"))).toBe(true);
    const v = tf.getVariable("w", [2, 3]);
    using sess = new tf.Session();
    expect(sess.run(tf.reportUninitializedVariables([v], "r")).toArray()).toEqual(["w"]);
    sess.run(tf.globalVariablesInitializer());
    expect(sess.run(tf.reportUninitializedVariables()).toArray()).toEqual([]);
    expectRefused(
      () => tf.globalVariablesInitializer([v] as never),
      "globalVariablesInitializer() takes 0 positional arguments but 1 was given",
    );
    expectRefused(() => tf.localVariablesInitializer(1 as never), /takes 0 positional/);
    expectRefused(
      () => tf.variablesInitializer([v, 1] as never),
      "variablesInitializer() argument 'varList' (position 1) must be a list of Variables, not a list of length 2",
    );
  });

  it("addToCollection(name, value), addToCollections(names, value), getCollection(key, scope)", () => {
    const x = tf.constant(X, { name: "x" });
    const y = tf.constant(1, { name: "y" });
    tf.addToCollection("acts", x);
    tf.addToCollection({ name: "acts", value: y });
    expect(tf.getCollection("acts")).toEqual([x, y]);
    expect(tf.getCollection("acts", "x")).toEqual([x]);
    expect(tf.getCollection({ key: "acts", scope: "y" })).toEqual([y]);
    // One string is one collection name, as in TensorFlow, not its letters.
    tf.addToCollections("single", x);
    expect(tf.getCollection("single")).toEqual([x]);
    expect(tf.getCollection("s")).toEqual([]);
    tf.addToCollections(["p", "q", "p"], y);
    expect([tf.getCollection("p"), tf.getCollection("q")]).toEqual([[y], [y]]);
    // A plain object is a value like any other in the value position.
    const record = { name: "rec" };
    tf.addToCollection("records", record);
    expect(tf.getCollection("records")).toEqual([record]);
    expectRefused(
      () => tf.getCollection("acts", { scop: "x" } as never),
      "getCollection() got an unexpected keyword argument 'scop' (did you mean 'scope'?)",
    );
    expectRefused(
      () => tf.addToCollection(3 as never, x),
      "addToCollection() argument 'name' (position 1) must be a str, not int 3",
    );
  });

  it("makeTemplate(name_, func_, create_scope_now_, unique_name_, custom_getter_, **kwargs)", () => {
    const body = (x: tf.Tensor): tf.Tensor => tf.matmul(x, tf.getVariable("w", [3, 4]));
    const pic = expectSameGraphs(
      () => {
        const t = tf.makeTemplate("dense", body, true, "exact");
        t(tf.constant(X));
        t(tf.constant(X));
      },
      () => {
        const t = tf.makeTemplate("dense", body, { createScopeNow: true, uniqueName: "exact" });
        t(tf.constant(X));
        t(tf.constant(X));
      },
      () => {
        const t = tf.makeTemplate({
          name: "dense",
          func: body,
          createScopeNow: true,
          uniqueName: "exact",
        });
        t(tf.constant(X));
        t(tf.constant(X));
      },
    );
    const variables = pic.filter((l) => l.includes("= VariableV2"));
    expect(variables).toHaveLength(1);
    expect(variables[0]).toMatch(/^exact\/w = VariableV2\(\) .* -> float32\(3, 4\)$/);
  });

  it("makeTemplate's other keys are Python's **kwargs: func gets them after the call's arguments", () => {
    const seen: unknown[] = [];
    const t = tf.makeTemplate(
      "scaled",
      (x: tf.Tensor, kw: { units: number; name: string }) => {
        seen.push(kw);
        return tf.matmul(x, tf.getVariable("w", [3, kw.units]));
      },
      // `name` goes to func too, since the template's name was given by position (name_).
      { units: 4, name: "inner" },
    );
    const y = t(tf.constant(X));
    expect(y.shape.toString()).toBe("(2, 4)");
    expect(seen).toEqual([{ units: 4, name: "inner" }]);
    expect(t.variableScopeName).toBe("scaled");
    expectRefused(
      () => tf.makeTemplate("t", () => 1, { create_scope_now_: true } as never),
      "makeTemplate() got an unexpected keyword argument 'create_scope_now_' (did you mean 'createScopeNow'?)",
    );
    expectRefused(
      () => tf.makeTemplate("t", () => 1, "yes" as never),
      "makeTemplate() argument 'createScopeNow' (position 3) must be a bool, not str 'yes'",
    );
  });
});

describe("graphs and tensors", () => {
  it("getDefaultGraph, resetDefaultGraph and Graph methods check their arguments", () => {
    const g = tf.getDefaultGraph();
    const x = tf.constant(X, { name: "x" });
    expect(g.getTensorByName({ name: "x:0" })).toBe(x);
    expect(g.getOperationByName("x")).toBe(x.op);
    g.addToCollection("k", x);
    g.addToCollection({ name: "k", value: 1 });
    expect(g.getCollection("k", "x")).toEqual([x]);
    expect(g.getCollection({ name: "k" })).toEqual([x, 1]);
    g.addToCollections("one", x);
    expect(g.getCollection("one")).toEqual([x]);
    expect(g.getCollectionRef("one")).toEqual([x]);
    expectRefused(
      () => g.getTensorByName("x:0", "y:0" as never),
      "Graph.getTensorByName() takes 1 positional argument but 2 were given",
    );
    expectRefused(
      () => g.getCollection("k", { scopes: "x" } as never),
      "Graph.getCollection() got an unexpected keyword argument 'scopes' (did you mean 'scope'?)",
    );
    expectRefused(
      () => (g.asDefault as (...a: unknown[]) => unknown).call(g, 1, () => 1),
      "Graph.asDefault() takes 0 positional arguments but 1 was given",
    );
    expect(() => (tf.getDefaultGraph as (...a: unknown[]) => unknown)(g)).toThrow(
      "getDefaultGraph() takes 0 positional arguments but 1 was given",
    );
    expect(() => (tf.resetDefaultGraph as (...a: unknown[]) => unknown)(g)).toThrow(
      "resetDefaultGraph() takes 0 positional arguments but 1 was given",
    );
    expect(tf.getDefaultGraph()).toBe(g);
  });

  it("Tensor.eval(feed_dict, session)", () => {
    const x = tf.placeholder(tf.float32, [null, 3], { name: "x" });
    const y = tf.multiply(x, 2);
    using sess = new tf.Session();
    const feed = { "x:0": X };
    expect(String(y.eval(feed, sess))).toBe("[[ 2.  4.  6.]\n [ 8. 10. 12.]]");
    expect(String(y.eval(new Map([[x, X]]), { session: sess }))).toBe(
      "[[ 2.  4.  6.]\n [ 8. 10. 12.]]",
    );
    // A lone plain object is the feed dict, as in TF, never the options object.
    expect(() => y.eval({ feedDict: feed } as never, sess)).toThrow(
      new TypeError(
        `Cannot interpret feed_dict key as Tensor: The name 'feedDict' looks like an (invalid) Operation name, not a Tensor. Tensor names must be of the form "<op_name>:<output_index>". (the second argument of run and eval is the feed dict itself: sess.run(fetches, feedDict))`,
      ),
    );
  });
});

describe("Session(target, graph, config) and run(fetches, feed_dict, options, run_metadata)", () => {
  it("the graph by position or by name; a remote target is refused", () => {
    const g = new tf.Graph();
    const y = g.asDefault(() => tf.add(tf.constant(X), 1));
    for (const sess of [
      new tf.Session("", g),
      new tf.Session({ graph: g }),
      new tf.Session(null, g, {}),
    ]) {
      expect(sess.graph).toBe(g);
      expect(String(sess.run(y))).toBe("[[2. 3. 4.]\n [5. 6. 7.]]");
      sess.close();
    }
    expect(() => new tf.Session("grpc://localhost:2222")).toThrow(
      new tf.errors.ValueError(
        "Session() argument 'target='grpc://localhost:2222'' is not supported: scopeflow runs in process, with no distributed runtime.",
      ),
    );
    expect(() => new tf.Session({ grpah: g } as never)).toThrow(
      new TypeError("Session() got an unexpected keyword argument 'grpah' (did you mean 'graph'?)"),
    );
    expect(() => new tf.Session("", "g" as never)).toThrow(
      new TypeError("Session() argument 'graph' (position 2) must be a Graph, not str 'g'"),
    );
  });

  it("the second argument is always the feed dict: a plain object or a Map", () => {
    const x = tf.placeholder(tf.float32, [null, 3], { name: "x" });
    const y = tf.reduceSum(x, 1);
    using sess = new tf.Session();
    expect(String(sess.run(y, { "x:0": X }))).toBe("[ 6. 15.]");
    expect(String(sess.run(y, new Map([[x, X]])))).toBe("[ 6. 15.]");
    expect(String(sess.run(y, { "x:0": X }, null, null))).toBe("[ 6. 15.]");
    expect(String(sess.run(y, { "x:0": X }, { options: null, runMetadata: null }))).toBe(
      "[ 6. 15.]",
    );
    // A plain object of fetches is a fetch structure, not options.
    const both = sess.run({ total: y, feed: x }, { "x:0": X });
    expect(String(both.total)).toBe("[ 6. 15.]");
    expect(() => sess.run(y, { feedDict: { "x:0": X } } as never)).toThrow(
      /^Cannot interpret feed_dict key as Tensor: The name 'feedDict' looks like an \(invalid\) Operation name, not a Tensor\. .*the second argument of run and eval is the feed dict itself/,
    );
    expect(() => sess.run(y, { "x:0": X }, { runMetdata: null } as never)).toThrow(
      new TypeError(
        "Session.run() got an unexpected keyword argument 'runMetdata' (did you mean 'runMetadata'?)",
      ),
    );
    expect(() => sess.run(y, { "x:0": X }, { options: { traceLevel: 3 } })).toThrow(
      new tf.errors.ValueError(
        "Session.run() argument 'options=RunOptions' is not supported: scopeflow records no step traces or timings.",
      ),
    );
    expect(() => sess.run(y, [X] as never)).toThrow(
      "Session.run() argument 'feedDict' (position 2) must be a feed dict (a Map, or an object keyed by tensor name), not a list of length 1",
    );
    expect(() => (sess.run as (...a: unknown[]) => unknown)()).toThrow(
      "Session.run() missing 1 required positional argument: 'fetches'",
    );
  });

  it("runAsync, asDefault, close, getDefaultSession, and the backend functions", async () => {
    const y = tf.add(tf.constant(X), 1);
    const sess = new tf.Session();
    expect(String(await sess.runAsync(y, null))).toBe("[[2. 3. 4.]\n [5. 6. 7.]]");
    await expect(sess.runAsync(y, null, { options: {} })).rejects.toThrow(
      /^Session\.runAsync\(\) argument 'options=RunOptions' is not supported/,
    );
    expect(sess.asDefault(() => tf.getDefaultSession())).toBe(sess);
    expect(() =>
      (sess.asDefault as (...a: unknown[]) => unknown).call(sess, sess, () => 1),
    ).toThrow("Session.asDefault() takes 0 positional arguments but 1 was given");
    expect(() => tf.getDefaultSession(sess as never)).toThrow(
      "getDefaultSession() takes 0 positional arguments but 1 was given",
    );
    expect(() => sess.close(true as never)).toThrow(
      "Session.close() takes 0 positional arguments but 1 was given",
    );
    expect(sess.isClosed).toBe(false);
    sess.close();
    expect(sess.isClosed).toBe(true);
    const backend = tf.getBackend();
    await expect(tf.setBackend(3 as never)).rejects.toThrow(
      "setBackend() argument 'backendName' (position 1) must be a str, not int 3",
    );
    await expect(tf.ready(backend as never)).rejects.toThrow(
      "ready() takes 0 positional arguments but 1 was given",
    );
    expect(() => tf.getBackend(1 as never)).toThrow("getBackend() takes 0 positional");
    expect(tf.getBackend()).toBe(backend);
  });
});
