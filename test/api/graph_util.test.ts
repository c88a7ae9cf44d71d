/**
 * The calling convention of `tf.graphUtil`: TF 1.15's positional form
 * (`convert_variables_to_constants(sess, input_graph_def, output_node_names,
 * variable_names_whitelist, variable_names_blacklist)`, …) and the options form give the
 * same GraphDef; wrongly typed arguments are refused.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as tf from "../../src/index.js";
import { GraphDef, type tensorflow } from "../../src/proto/index.js";
import { expectRefused } from "./helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
  vi.spyOn(console, "info").mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
});

const bytes = (def: tensorflow.GraphDef): Uint8Array => GraphDef.toBinary(def);

describe("tf.graphUtil", () => {
  it("convertVariablesToConstants: positional and options forms agree", () => {
    const a = tf.getVariable("a", [2]);
    const b = tf.getVariable("b", [2]);
    tf.add(a, b, { name: "out" });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const def = tf.getDefaultGraph().asGraphDef();
    const p = tf.graphUtil.convertVariablesToConstants(sess, def, ["out"], ["a"], ["b"]);
    const o = tf.graphUtil.convertVariablesToConstants({
      sess,
      inputGraphDef: def,
      outputNodeNames: ["out"],
      variableNamesWhitelist: ["a"],
      variableNamesBlacklist: ["b"],
    });
    const m = tf.graphUtil.convertVariablesToConstants(sess, def, ["out"], {
      variableNamesWhitelist: ["a"],
      variableNamesBlacklist: ["b"],
    });
    expect(bytes(p)).toEqual(bytes(o));
    expect(bytes(p)).toEqual(bytes(m));
    expectRefused(
      () => tf.graphUtil.convertVariablesToConstants(def as never, def, ["out"]),
      /sess/,
    );
  });

  it("extractSubGraph, removeTrainingNodes, tensorShapeFromNodeDefName, mustRunOnCpu", () => {
    tf.identity(tf.constant(1, { name: "c" }), { name: "out" });
    const g = tf.getDefaultGraph();
    const def = g.asGraphDef();
    expect(bytes(tf.graphUtil.extractSubGraph(def, ["out"]))).toEqual(
      bytes(tf.graphUtil.extractSubGraph({ graphDef: def, destNodes: ["out"] })),
    );
    expect(bytes(tf.graphUtil.removeTrainingNodes(def, ["out"]))).toEqual(
      bytes(tf.graphUtil.removeTrainingNodes({ inputGraph: def, protectedNodes: ["out"] })),
    );
    expect(tf.graphUtil.tensorShapeFromNodeDefName({ graph: g, inputName: "c" }).toString()).toBe(
      tf.graphUtil.tensorShapeFromNodeDefName(g, "c:0").toString(),
    );
    const c = g.getOperationByName("c");
    expect(tf.graphUtil.mustRunOnCpu(c, true)).toBe(
      tf.graphUtil.mustRunOnCpu({ node: c, pinVariablesOnCpu: true }),
    );
    expectRefused(() => tf.graphUtil.removeTrainingNodes(def, [1] as never), /protected/);
    expectRefused(() => tf.graphUtil.tensorShapeFromNodeDefName(def as never, "c"), /graph/);
  });
});
