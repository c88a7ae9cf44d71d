import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../../src/index.js";

beforeEach(() => tf.resetDefaultGraph());

describe("tf.cond", () => {
  it("smoke", () => {
    const x = tf.constant(2, { name: "x" });
    const p = tf.placeholder(tf.bool, [], { name: "p" });
    const y = tf.cond(p, () => tf.multiply(x, 10), () => tf.add(x, 1)) as tf.Tensor;
    const names = tf.getDefaultGraph().getOperations().map((o) => `${o.name}:${o.type}:${o.controlInputs.map((c) => c.name).join(",")}`);
    console.log(names.join("\n"));
    using sess = new tf.Session();
    expect(sess.run(y, new Map([[p, true]])).toString()).toBe("20.0");
    expect(sess.run(y, new Map([[p, false]])).toString()).toBe("3.0");
  });
});
