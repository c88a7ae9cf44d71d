import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeEach, describe, expect, test } from "vitest";
import * as tf from "../../src/index.js";
import { errorOf, expectSame, opNames } from "../graph/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

function scaleBy(x: tf.Tensor): tf.Tensor {
  const y = tf.getVariable("y", [], { initializer: tf.constantInitializer(1) });
  return x.mul(y);
}

describe("makeTemplate", () => {
  test("creates variables on the first call and reuses them after", () => {
    const scaleByY = tf.makeTemplate("scale_by_y", scaleBy);
    const z = scaleByY(tf.constant(1, { name: "input1" }));
    const w = scaleByY(tf.constant(2, { name: "input2" }));
    expect(tf.globalVariables().map((v) => v.name)).toEqual(["scale_by_y/y:0"]);
    expect(z.op.name).toBe("scale_by_y/mul");
    expect(w.op.name).toBe("scale_by_y_1/mul");
    expect(z.op.inputs[1]?.name).toBe("scale_by_y/y/read:0");
    expect(w.op.inputs[1]?.name).toBe("scale_by_y/y/read:0");
  });

  test("the variable's ops are named under the template's scope", () => {
    const t = tf.makeTemplate("t", () =>
      tf.getVariable("v", [1], { initializer: tf.zerosInitializer() }),
    );
    t();
    expect(opNames()).toEqual(["t/v/Initializer/zeros", "t/v", "t/v/Assign", "t/v/read"]);
  });

  test("returns the same variables on every call", () => {
    const t = tf.makeTemplate("dense", () => tf.getVariable("w", [2, 2]));
    const a = t();
    const b = t();
    expectSame(a, b);
  });

  test("two templates of one name get distinct scopes", () => {
    const t1 = tf.makeTemplate("layer", () => tf.getVariable("w", [1]));
    const t2 = tf.makeTemplate("layer", () => tf.getVariable("w", [1]));
    expect(t1().name).toBe("layer/w:0");
    expect(t2().name).toBe("layer_1/w:0");
    expect(t1.variableScopeName).toBe("layer");
    expect(t2.variableScopeName).toBe("layer_1");
  });

  test("the scope exists only after the first call unless createScopeNow", () => {
    const lazy = tf.makeTemplate("lazy", () => tf.getVariable("w", [1]));
    expect(lazy.variableScope).toBeNull();
    expect(lazy.variableScopeName).toBeNull();
    lazy();
    expect(lazy.variableScopeName).toBe("lazy");
    const eager = tf.makeTemplate("eager", () => tf.getVariable("w", [1]), {
      createScopeNow: true,
    });
    expect(eager.variableScopeName).toBe("eager");
    expect(tf.getDefaultGraph().opCount).toBeGreaterThan(0);
    const before = opNames().length;
    expect(eager().name).toBe("eager/w:0");
    expect(opNames().length).toBeGreaterThan(before);
  });

  test("createScopeNow does not consume the op name scope", () => {
    const t = tf.makeTemplate("now", (x: tf.Tensor) => x.add(tf.getVariable("b", [1])), {
      createScopeNow: true,
    });
    expect(tf.getNameScope()).toBe("");
    expect(t(tf.constant([1])).op.name).toBe("now/add");
    expect(t(tf.constant([1])).op.name).toBe("now_1/add");
  });

  test("uniqueName fixes the scope name", () => {
    const t = tf.makeTemplate("ignored", () => tf.getVariable("w", [1]), { uniqueName: "exact" });
    expect(t().name).toBe("exact/w:0");
  });

  test("a template called inside another scope nests its variables", () => {
    const t = tf.makeTemplate("t", () => tf.getVariable("w", [1]));
    const v = tf.variableScope("outer", () => t());
    expect(v.name).toBe("outer/t/w:0");
    expectSame(
      tf.variableScope("elsewhere", () => t()),
      v,
    );
  });

  test("a new trainable variable on a later call is an error", () => {
    let calls = 0;
    const t = tf.makeTemplate("bad", () => {
      calls += 1;
      return new tf.Variable([calls], { name: "v" });
    });
    t();
    const e = errorOf(() => t());
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toMatch(
      /^Trainable variable created when calling a template after the first time, perhaps you used tf\.Variable when you meant tf\.get_variable: \[<tf\.Variable 'bad_1\/v:0' shape=\(1,\) dtype=float32_ref>\]/,
    );
  });

  test("errors raised in a call say where the template was made", () => {
    const file = fileURLToPath(import.meta.url);
    const line =
      readFileSync(file, "utf8")
        .split("\n")
        .findIndex((l) => l.includes("// template-made-here") && !l.includes("findIndex")) + 1;
    const t = tf.makeTemplate("where", () => tf.getVariable("w")); // template-made-here
    const e = errorOf(() => t());
    const [message, trace] = e.message.split("\n\noriginally defined at:\n");
    expect(message).toBe(
      "The initializer passed is not valid. It should be a callable with no arguments and the shape should not be provided or an instance of `tf.keras.initializers.*' and `shape` should be fully defined.",
    );
    expect(trace).toContain(`File "${file}", line ${line}, in `);
  });

  test("a non-trainable variable on a later call is allowed", () => {
    const t = tf.makeTemplate("ok", () => new tf.Variable([1], { name: "v", trainable: false }));
    t();
    expect(t().name).toBe("ok_1/v:0");
  });

  test("getVariable of a new name on a later call fails: the scope reuses", () => {
    let n = 0;
    const t = tf.makeTemplate("grow", () => {
      n += 1;
      return tf.getVariable(`w${n}`, [1]);
    });
    t();
    const e = errorOf(() => t());
    expect(e.message).toContain("Variable grow/w2 does not exist");
  });

  test("a first call that throws leaves the template creating on the next call", () => {
    let fail = true;
    const t = tf.makeTemplate("retry", () => {
      const w = tf.getVariable("w", [1]);
      if (fail) throw new Error("first");
      return w;
    });
    expect(() => t()).toThrow("first");
    fail = false;
    expect(() => t()).toThrow(/already exists/);
  });

  test("passes arguments through", () => {
    const t = tf.makeTemplate("args", (a: number, b: string) => `${a}-${b}`);
    expect(t(1, "x")).toBe("1-x");
  });

  test("a customGetter applies inside the template", () => {
    const seen: string[] = [];
    const t = tf.makeTemplate("cg", () => tf.getVariable("w", [1]), {
      customGetter: (next, name, options) => {
        seen.push(name);
        return next(name, options);
      },
    });
    t();
    expect(seen).toEqual(["cg/w"]);
  });

  test("argument checks", () => {
    expect(() => tf.makeTemplate(null as unknown as string, () => 1)).toThrow(
      "name cannot be None.",
    );
    expect(() => tf.makeTemplate("x", 3 as unknown as () => void)).toThrow(TypeError);
  });
});
