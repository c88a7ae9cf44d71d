import { beforeEach, describe, expect, test } from "vitest";
import * as tf from "../../src/index.js";
import { variableStore } from "../../src/variables/get_variable.js";
import {
  errorOf,
  expectDistinct,
  expectSame,
  expectSameItems,
  expectThrowsAndUnchanged,
  opNames,
} from "./helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

describe("unique op names", () => {
  test("repeated default names get _1, _2", () => {
    const a = tf.add(1, 2);
    const b = tf.add(1, 2);
    const c = tf.add(1, 2);
    expect([a.op.name, b.op.name, c.op.name]).toEqual(["Add", "Add_1", "Add_2"]);
  });

  test("operator methods use Python's operator names", () => {
    const x = tf.constant(1);
    expect(x.add(1).op.name).toBe("add");
    expect(x.add(1).op.name).toBe("add_1");
    expect(x.sub(1).op.name).toBe("sub");
    expect(x.mul(1).op.name).toBe("mul");
    expect(x.div(1).op.name).toBe("truediv");
    expect(x.neg().op.name).toBe("Neg");
  });

  test("uniqueness ignores case but keeps the requested spelling", () => {
    expect(tf.constant(1, { name: "Foo" }).op.name).toBe("Foo");
    expect(tf.constant(1, { name: "foo" }).op.name).toBe("foo_1");
    expect(tf.constant(1, { name: "FOO" }).op.name).toBe("FOO_2");
  });

  test("a composed name is marked used: c, c, then c_1 gives c_1_1", () => {
    expect(tf.constant(1, { name: "c" }).op.name).toBe("c");
    expect(tf.constant(1, { name: "c" }).op.name).toBe("c_1");
    expect(tf.constant(1, { name: "c_1" }).op.name).toBe("c_1_1");
    expect(tf.constant(1, { name: "c" }).op.name).toBe("c_2");
  });

  test("an explicit c_1 first makes the second c skip to c_2", () => {
    expect(tf.constant(1, { name: "c_1" }).op.name).toBe("c_1");
    expect(tf.constant(1, { name: "c" }).op.name).toBe("c");
    expect(tf.constant(1, { name: "c" }).op.name).toBe("c_2");
  });

  test("ops and name scopes share one namespace", () => {
    tf.nameScope("x", () => undefined);
    expect(tf.constant(1, { name: "x" }).op.name).toBe("x_1");
    const c = tf.constant(1, { name: "y" });
    expect(c.op.name).toBe("y");
    expect(tf.nameScope("y", (s) => s)).toBe("y_1/");
  });

  test("names are unique per graph", () => {
    const g1 = new tf.Graph();
    const g2 = new tf.Graph();
    const a = g1.asDefault(() => tf.constant(1, { name: "c" }));
    const b = g2.asDefault(() => tf.constant(1, { name: "c" }));
    expect(a.op.name).toBe("c");
    expect(b.op.name).toBe("c");
  });

  test("graph.uniqueName with markAsUsed=false does not consume the name", () => {
    const g = tf.getDefaultGraph();
    expect(g.uniqueName("n", false)).toBe("n");
    expect(g.uniqueName("n")).toBe("n");
    expect(g.uniqueName("n", false)).toBe("n_1");
    expect(g.uniqueName("n")).toBe("n_1");
  });

  test("names are unique regardless of case inside name scopes of any case", () => {
    tf.nameScope("Outer", () => {
      expect(tf.constant(1, { name: "Read" }).op.name).toBe("Outer/Read");
      expect(tf.constant(1, { name: "read" }).op.name).toBe("Outer/read_1");
      expect(tf.constant(1, { name: "READ" }).op.name).toBe("Outer/READ_2");
    });
    // The same scope re-entered in lower case: its names are taken too.
    expect(tf.nameScope("outer/", () => tf.constant(1, { name: "read" }).op.name)).toBe(
      "outer/read_3",
    );
    expect(tf.nameScope("OUTER", () => tf.constant(1, { name: "x" }).op.name)).toBe("OUTER_1/x");
    tf.nameScope("low", () => {
      expect(tf.constant(1, { name: "a" }).op.name).toBe("low/a");
      expect(tf.constant(1, { name: "A" }).op.name).toBe("low/A_1");
    });
  });

  test("uniqueName prefixes the current name scope", () => {
    const g = tf.getDefaultGraph();
    const inner = tf.nameScope("s", () => g.uniqueName("op"));
    expect(inner).toBe("s/op");
  });

  test("a name with '/' in it takes the whole name it makes, whichever scope made it", () => {
    // TF keys `_names_in_use` by the whole lowercased name: "a/b" made at the top level is
    // the "b" of scope "a", and the other way round.
    expect(tf.constant(1, { name: "A/b" }).op.name).toBe("A/b");
    expect(tf.nameScope("a", () => tf.constant(1, { name: "B" }).op.name)).toBe("a/B_1");
    tf.nameScope("x", () => tf.constant(1, { name: "y" }));
    expect(tf.constant(1, { name: "x/Y" }).op.name).toBe("x/Y_1");
    expect(tf.nameScope("p", () => tf.constant(1, { name: "q/r" }).op.name)).toBe("p/q/r");
    expect(
      tf.nameScope("P", () => tf.nameScope("Q", () => tf.constant(1, { name: "R" }).op.name)),
    ).toBe("P_1/Q/R");
    expect(tf.nameScope("p/q/", () => tf.constant(1, { name: "R" }).op.name)).toBe("p/q/R_1");
    // A suffixed name is used under the same prefix: "c", "c" then "c_1" gives "c_1_1".
    tf.nameScope("s", () => {
      tf.constant(1, { name: "c" });
      tf.constant(1, { name: "c" });
    });
    expect(tf.constant(1, { name: "s/C_1" }).op.name).toBe("s/C_1_1");
  });

  test("a failed op leaves the names it would have used unused, in every scope", () => {
    const g = tf.getDefaultGraph();
    tf.nameScope("s", () => tf.constant(1, { name: "c" }));
    expect(() =>
      tf.nameScope("s/", () =>
        tf.nameScope("t", () => {
          tf.constant(1, { name: "d" });
          return tf.matmul(tf.constant([1, 2]), tf.constant([3, 4]), { name: "c" });
        }),
      ),
    ).toThrow();
    // What was built before the failing call stays; the names the call took do not.
    expect(g.uniqueName("s/t/d", false)).toBe("s/t/d_1");
    expect(g.uniqueName("s/t/c", false)).toBe("s/t/c");
    expect(g.uniqueName("S/C", false)).toBe("S/C_1");
  });
});

describe("tensors and operations", () => {
  test("an op's outputs are named op:0, op:1, ...", () => {
    const c = tf.constant([1, 2], { name: "c" });
    expect(c.name).toBe("c:0");
    expect(c.valueIndex).toBe(0);
    expectSame(c.op.outputs[0], c);
    expectSame(c.graph, tf.getDefaultGraph());
    expectSame(c.op.graph, tf.getDefaultGraph());
  });

  test("an op records type, inputs and consumers", () => {
    const a = tf.constant(1, { name: "a" });
    const b = tf.constant(2, { name: "b" });
    const s = tf.add(a, b, { name: "s" });
    expect(s.op.type).toBe("Add");
    expectSameItems(s.op.inputs, [a, b]);
    expectSameItems(a.consumers, [s.op]);
    expectSameItems(s.op.controlInputs, []);
    expect(String(s.op)).toBe("<tf.Operation 's' type=Add>");
  });

  test("Tensor.toString follows TensorFlow", () => {
    const x = tf.placeholder(tf.float32, [null, 784], { name: "x" });
    expect(String(x)).toBe('Tensor("x:0", shape=(?, 784), dtype=float32)');
  });

  test("an input from another graph is rejected", () => {
    const g = new tf.Graph();
    const other = g.asDefault(() => tf.constant(1, { name: "o" }));
    const e = errorOf(() => tf.add(other, tf.constant(1)));
    expect(e).toBeInstanceOf(Error);
  });
});

describe("getTensorByName / getOperationByName", () => {
  test("find tensors and ops by name", () => {
    const v = tf.variableScope("scope", () => tf.getVariable("v", [1]));
    const g = tf.getDefaultGraph();
    expectSame(g.getTensorByName("scope/v:0"), v.op.outputs[0]);
    expectSame(g.getOperationByName("scope/v"), v.op);
    expect(g.getOperationByName("scope/v").type).toBe("VariableV2");
    expectSame(g.getTensorByName("scope/v/read:0"), v.value());
  });

  test("an unknown tensor name: TensorFlow's message", () => {
    const e = errorOf(() => tf.getDefaultGraph().getTensorByName("nope:0"));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe(
      "The name 'nope:0' refers to a Tensor which does not exist. The operation, 'nope', does not exist in the graph.",
    );
  });

  test("an output index past the op's outputs", () => {
    tf.constant(1, { name: "c" });
    const e = errorOf(() => tf.getDefaultGraph().getTensorByName("c:3"));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe(
      "The name 'c:3' refers to a Tensor which does not exist. The operation, 'c', exists but only has 1 outputs.",
    );
  });

  test("an op name passed to getTensorByName", () => {
    tf.constant(1, { name: "c" });
    const g = tf.getDefaultGraph();
    expect(errorOf(() => g.getTensorByName("c")).message).toBe(
      `The name 'c' refers to an Operation, not a Tensor. Tensor names must be of the form "<op_name>:<output_index>".`,
    );
    expect(errorOf(() => g.getTensorByName("zz")).message).toBe(
      `The name 'zz' looks like an (invalid) Operation name, not a Tensor. Tensor names must be of the form "<op_name>:<output_index>".`,
    );
  });

  test("a malformed tensor name", () => {
    const e = errorOf(() => tf.getDefaultGraph().getTensorByName("a:b"));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe(
      `The name 'a:b' looks a like a Tensor name, but is not a valid one. Tensor names must be of the form "<op_name>:<output_index>".`,
    );
    expect(errorOf(() => tf.getDefaultGraph().getTensorByName("a:0:1")).message).toContain(
      "looks a like a Tensor name, but is not a valid one",
    );
  });

  test("an unknown op name", () => {
    const e = errorOf(() => tf.getDefaultGraph().getOperationByName("nope"));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe("The name 'nope' refers to an Operation not in the graph.");
  });

  test("a tensor name passed to getOperationByName", () => {
    tf.constant(1, { name: "c" });
    const e = errorOf(() => tf.getDefaultGraph().getOperationByName("c:0"));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe("Name 'c:0' appears to refer to a Tensor, not a Operation.");
  });

  test("a non-string name is a TypeError", () => {
    const g = tf.getDefaultGraph();
    const bad = 3 as unknown as string;
    expect(() => g.getOperationByName(bad)).toThrow(TypeError);
    expect(() => g.getOperationByName(bad)).toThrow(
      "Operation names are strings (or similar), not int.",
    );
    expect(() => g.getTensorByName(bad)).toThrow("Tensor names are strings (or similar), not int.");
  });
});

describe("collections", () => {
  test("addToCollection / getCollection keep insertion order and return copies", () => {
    const g = tf.getDefaultGraph();
    g.addToCollection("things", 1);
    g.addToCollection("things", 2);
    const items = g.getCollection<number>("things");
    expect(items).toEqual([1, 2]);
    items.push(3);
    expect(g.getCollection("things")).toEqual([1, 2]);
    expect(g.getCollection("unknown")).toEqual([]);
  });

  test("getCollectionRef is live", () => {
    const g = tf.getDefaultGraph();
    const ref = g.getCollectionRef<number>("live");
    ref.push(7);
    expect(g.getCollection("live")).toEqual([7]);
  });

  test("scope filtering is a regex match at the start of the item's name", () => {
    const g = tf.getDefaultGraph();
    const a = tf.variableScope("foo", () => tf.getVariable("a", [1]));
    const b = tf.variableScope("foo_bar", () => tf.getVariable("b", [1]));
    const c = tf.variableScope("bar", () =>
      tf.variableScope("foo", () => tf.getVariable("c", [1])),
    );
    const key = tf.GraphKeys.GLOBAL_VARIABLES;
    expectSameItems(g.getCollection(key, "foo"), [a, b]);
    expectSameItems(g.getCollection(key, "foo/"), [a]);
    expectSameItems(g.getCollection(key, ".*foo/"), [a, c]);
    expectSameItems(g.getCollection(key, ""), [a, b, c]);
    expectSameItems(g.getCollection(key, null), [a, b, c]);
    expectSameItems(g.getCollection(key, "ba[rz]"), [c]);
  });

  test("items without a name are left out when filtering by scope", () => {
    const g = tf.getDefaultGraph();
    g.addToCollection("mixed", 1);
    g.addToCollection("mixed", { name: "foo/x" });
    expect(g.getCollection("mixed")).toHaveLength(2);
    expect(g.getCollection("mixed", "foo")).toEqual([{ name: "foo/x" }]);
  });

  test("addToCollections adds once per distinct key", () => {
    const g = tf.getDefaultGraph();
    g.addToCollections(["k1", "k2", "k1"], "v");
    expect(g.getCollection("k1")).toEqual(["v"]);
    expect(g.getCollection("k2")).toEqual(["v"]);
    expect(g.getAllCollectionKeys()).toEqual(expect.arrayContaining(["k1", "k2"]));
  });

  test("clearCollection empties a collection", () => {
    const g = tf.getDefaultGraph();
    g.addToCollection("k", 1);
    g.clearCollection("k");
    expect(g.getCollection("k")).toEqual([]);
  });

  test("GraphKeys have TensorFlow's values", () => {
    expect(tf.GraphKeys.GLOBAL_VARIABLES).toBe("variables");
    expect(tf.GraphKeys.TRAINABLE_VARIABLES).toBe("trainable_variables");
    expect(tf.GraphKeys.LOCAL_VARIABLES).toBe("local_variables");
    expect(tf.GraphKeys.MODEL_VARIABLES).toBe("model_variables");
    expect(tf.GraphKeys.REGULARIZATION_LOSSES).toBe("regularization_losses");
    expect(tf.GraphKeys.UPDATE_OPS).toBe("update_ops");
    expect(tf.GraphKeys.GLOBAL_STEP).toBe("global_step");
    expect(tf.GraphKeys.SUMMARIES).toBe("summaries");
  });
});

describe("finalize", () => {
  test("a finalized graph rejects new ops and collection changes", () => {
    const g = tf.getDefaultGraph();
    tf.constant(1, { name: "c" });
    g.finalize();
    expect(g.finalized).toBe(true);
    expect(() => tf.constant(2)).toThrow("Graph is finalized and cannot be modified.");
    expect(() => g.addToCollection("k", 1)).toThrow("Graph is finalized and cannot be modified.");
    expect(() => g.clearCollection("k")).toThrow("Graph is finalized and cannot be modified.");
    expect(() => tf.getVariable("v", [1])).toThrow("Graph is finalized and cannot be modified.");
    expect(opNames(g)).toEqual(["c"]);
    expect(g.getCollection(tf.GraphKeys.GLOBAL_VARIABLES)).toEqual([]);
    expect(variableStore(g).size).toBe(0);
  });

  test("a finalized graph can still be read and looked up", () => {
    const c = tf.constant(1, { name: "c" });
    tf.getDefaultGraph().finalize();
    expectSame(tf.getDefaultGraph().getTensorByName("c:0"), c);
    const sess = new tf.Session();
    expect((sess.run(c) as tf.NDArray).item()).toBe(1);
    sess.close();
  });

  test("a new default graph after resetDefaultGraph is not finalized", () => {
    tf.getDefaultGraph().finalize();
    tf.resetDefaultGraph();
    expect(tf.getDefaultGraph().finalized).toBe(false);
    expect(tf.constant(1).op.name).toBe("Const");
  });
});

describe("default graph", () => {
  test("getDefaultGraph returns the same graph until reset", () => {
    const g = tf.getDefaultGraph();
    expectSame(tf.getDefaultGraph(), g);
    tf.resetDefaultGraph();
    const g2 = tf.getDefaultGraph();
    expectDistinct(g2, g);
    expect(g2.opCount).toBe(0);
  });

  test("resetDefaultGraph forgets names, collections, the variable store and scopes", () => {
    tf.variableScope("foo", () => tf.getVariable("v", [1]));
    tf.resetDefaultGraph();
    expect(tf.globalVariables()).toHaveLength(0);
    const v = tf.variableScope("foo", () => tf.getVariable("v", [1]));
    expect(v.name).toBe("foo/v:0");
    expect(tf.getVariableScope().name).toBe("");
  });

  test("asDefault makes a graph the default inside fn and returns fn's value", () => {
    const outer = tf.getDefaultGraph();
    const g = new tf.Graph();
    const result = g.asDefault((graph) => {
      expectSame(graph, g);
      expectSame(tf.getDefaultGraph(), g);
      return tf.constant(1, { name: "inside" });
    });
    expectSame(result.graph, g);
    expectSame(tf.getDefaultGraph(), outer);
    expect(outer.opCount).toBe(0);
  });

  test("asDefault nests and restores on exceptions", () => {
    const g1 = new tf.Graph();
    const g2 = new tf.Graph();
    const outer = tf.getDefaultGraph();
    g1.asDefault(() => {
      g2.asDefault(() => expectSame(tf.getDefaultGraph(), g2));
      expectSame(tf.getDefaultGraph(), g1);
      expect(() =>
        g2.asDefault(() => {
          throw new Error("boom");
        }),
      ).toThrow("boom");
      expectSame(tf.getDefaultGraph(), g1);
    });
    expectSame(tf.getDefaultGraph(), outer);
  });

  test("resetDefaultGraph inside asDefault is an error", () => {
    const g = new tf.Graph();
    const outer = tf.getDefaultGraph();
    const e = g.asDefault(() => errorOf(() => tf.resetDefaultGraph()));
    expect(e.message).toBe(
      "Do not use tf.reset_default_graph() to clear nested graphs. If you need a cleared graph, exit the nesting and create a new graph.",
    );
    expectSame(tf.getDefaultGraph(), outer);
  });

  test("resetDefaultGraph inside a name or variable scope is an error, as in TensorFlow", () => {
    const outer = tf.getDefaultGraph();
    const inName = tf.nameScope("n", () => errorOf(() => tf.resetDefaultGraph()));
    const inVar = tf.variableScope("v", () => errorOf(() => tf.resetDefaultGraph()));
    expect(inName.message).toMatch(/^Do not use tf.reset_default_graph\(\) to clear nested graphs/);
    expect(inVar.message).toMatch(/^Do not use tf.reset_default_graph\(\) to clear nested graphs/);
    expectSame(tf.getDefaultGraph(), outer);
  });

  test("each graph has its own variable store", () => {
    const g1 = new tf.Graph();
    const g2 = new tf.Graph();
    const v1 = g1.asDefault(() => tf.getVariable("v", [1]));
    const v2 = g2.asDefault(() => tf.getVariable("v", [1]));
    expectDistinct(v1, v2);
    expectSame(v1.graph, g1);
    expectSame(v2.graph, g2);
    expect(variableStore(g1).size).toBe(1);
    expect(variableStore(g2).size).toBe(1);
    expect(tf.globalVariables()).toHaveLength(0);
    expectSameItems(
      g1.asDefault(() => tf.globalVariables()),
      [v1],
    );
  });

  test("each graph has its own scope stack", () => {
    const g = new tf.Graph();
    tf.variableScope("outer", () => {
      tf.nameScope("ns", () => {
        g.asDefault(() => {
          expect(tf.getVariableScope().name).toBe("");
          expect(tf.getNameScope()).toBe("");
          expect(tf.getVariable("v", [1]).name).toBe("v:0");
          expect(tf.constant(1).op.name).toBe("Const");
        });
        expect(tf.getVariableScope().name).toBe("outer");
        expect(tf.getNameScope()).toBe("outer/ns");
      });
    });
  });

  test("variable scopes opened in another graph do not leak into the default graph", () => {
    const g = new tf.Graph();
    g.asDefault(() =>
      tf.variableScope("in_g", () => {
        expect(tf.getVariableScope().name).toBe("in_g");
      }),
    );
    expect(tf.getVariableScope().name).toBe("");
    expect(tf.variableScope("in_g", (s) => s.originalNameScope)).toBe("in_g/");
  });
});

describe("savepoints", () => {
  test("atomically undoes ops, names and collections when fn throws", () => {
    const g = tf.getDefaultGraph();
    tf.constant(1, { name: "keep" });
    expect(() =>
      g.atomically(() => {
        tf.constant(1, { name: "gone" });
        g.addToCollection("k", 1);
        throw new Error("fail");
      }),
    ).toThrow("fail");
    expect(opNames()).toEqual(["keep"]);
    expect(g.getCollection("k")).toEqual([]);
    expect(tf.constant(1, { name: "gone" }).op.name).toBe("gone");
  });

  test("atomically keeps everything when fn succeeds", () => {
    const g = tf.getDefaultGraph();
    const c = g.atomically(() => tf.constant(1, { name: "kept" }));
    expect(c.op.name).toBe("kept");
    expect(tf.constant(1, { name: "kept" }).op.name).toBe("kept_1");
  });

  test("nested savepoints roll back only their own part", () => {
    const g = tf.getDefaultGraph();
    const outer = g.savepoint();
    tf.constant(1, { name: "a" });
    const inner = g.savepoint();
    tf.constant(1, { name: "b" });
    g.rollbackTo(inner);
    expect(opNames()).toEqual(["a"]);
    g.release();
    expect(opNames()).toEqual(["a"]);
    void outer;
    expect(tf.constant(1, { name: "b" }).op.name).toBe("b");
  });

  test("names rolled back anywhere among a scope's many are free again", () => {
    // The first names under a scope are kept in the scope's node, a few more in an array,
    // past eight in a map: a rollback at each stage frees exactly its own names.
    const made = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => tf.constant(1, { name: `s/${prefix}${i}` }).op.name);
    for (const [before, during] of [
      [0, 2],
      [2, 3],
      [4, 3],
      [7, 4],
      [10, 2],
    ] as const) {
      tf.resetDefaultGraph();
      const graph = tf.getDefaultGraph();
      expect(made(before, "a")).toEqual(Array.from({ length: before }, (_, i) => `s/a${i}`));
      expect(() =>
        graph.atomically(() => {
          made(during, "b");
          throw new Error("x");
        }),
      ).toThrow("x");
      expect(made(during, "b")).toEqual(Array.from({ length: during }, (_, i) => `s/b${i}`));
      expect(made(before, "A")).toEqual(Array.from({ length: before }, (_, i) => `s/A${i}_1`));
    }
  });

  test("the ids and consumers of rolled-back ops are undone", () => {
    const g = tf.getDefaultGraph();
    const a = tf.constant(1, { name: "a" });
    expect(() =>
      g.atomically(() => {
        tf.add(a, a);
        throw new Error("x");
      }),
    ).toThrow("x");
    expectSameItems(a.consumers, []);
  });
});

describe("test helpers", () => {
  test("expectThrowsAndUnchanged notices a change", () => {
    expect(() =>
      expectThrowsAndUnchanged(() => {
        tf.constant(1);
        throw new Error("after building");
      }, Error),
    ).toThrow();
  });
});
