import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

const FIXTURES = path.join(__dirname, "..", "fixtures", "tf-graphs");

function gdef(text: string): ReturnType<typeof tf.GraphDef.fromText> {
  return tf.GraphDef.fromText(`versions { producer: 27 }\n${text}`);
}

const FLOAT_CONST = (name: string, v: number): string => `
  node { name: '${name}' op: 'Const'
    attr { key: 'dtype' value { type: DT_FLOAT } }
    attr { key: 'value' value { tensor { dtype: DT_FLOAT tensor_shape {} float_val: ${v} } } } }`;

describe("tf.importGraphDef", () => {
  it("imports nodes under import/, wires inputs and computes TF's values", () => {
    const def = gdef(`${FLOAT_CONST("a", 2)}${FLOAT_CONST("b", 3)}
      node { name: 'c' op: 'Mul' input: 'a' input: 'b:0' attr { key: 'T' value { type: DT_FLOAT } } }
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
    using sess = new tf.Session();
    expect(sess.run(c).data[0]).toBe(6);
  });

  it("returns null without returnElements and makes the prefix unique", () => {
    const def = gdef(FLOAT_CONST("a", 1));
    expect(tf.importGraphDef(def)).toBeNull();
    tf.importGraphDef(def);
    tf.importGraphDef(def, { name: "" });
    tf.importGraphDef(def, { name: "" });
    const names = tf
      .getDefaultGraph()
      .getOperations()
      .map((o) => o.name);
    expect(names).toEqual(["import/a", "import_1/a", "a", "a_1"]);
  });

  it("imports TF's while loop and runs it to TF's values", () => {
    const text = readFileSync(
      path.join(FIXTURES, "tf-grappler-control-flow-pbtxt", "while_loop.pbtxt"),
      "utf8",
    );
    const [i, x, ones] = tf.importGraphDef(tf.GraphDef.fromText(text), {
      returnElements: ["while/Exit:0", "while/Exit_1:0", "ones:0"],
    }) as tf.Tensor[];
    using sess = new tf.Session();
    const [iv, xv] = sess.run([i, x], new Map([[ones as tf.Tensor, [[1, 2]]]]));
    expect(iv?.data[0]).toBe(10);
    // The loop doubles the rows ten times: 2^10 copies of the fed row.
    expect(xv?.shape).toEqual([1024, 2]);
  });
});
