import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

beforeEach(() => tf.resetDefaultGraph());

describe("reportUninitializedVariables", () => {
  it("lists the variables a session has not initialized, by op name", () => {
    const v = tf.variableScope("foo", () => tf.getVariable("v", [2]));
    const w = tf.getVariable("w", [], { initializer: tf.zerosInitializer() });
    const report = tf.reportUninitializedVariables();
    expect(report.op.name).toBe("report_uninitialized_variables/boolean_mask/GatherV2");
    using s = new tf.Session();
    expect(s.run(report).toArray()).toEqual(["foo/v", "w"]);
    s.run(w.initializer);
    expect(s.run(report).toArray()).toEqual(["foo/v"]);
    s.run(v.initializer);
    expect(s.run(report).toArray()).toEqual([]);
  });

  it("is an empty string tensor when there are no variables", () => {
    using s = new tf.Session();
    const r = s.run(tf.reportUninitializedVariables());
    expect(r.dtype).toBe("string");
    expect(r.shape).toEqual([0]);
  });
});
