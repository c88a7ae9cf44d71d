import { it } from "vitest";
import * as tf from "/work/wt-cf-core/src/index.js";
it("dbg", () => {
  const nn = tf.placeholder(tf.int32, [], { name: "n" });
  const x = tf.placeholder(tf.float32, [2], { name: "x" });
  const [, out] = tf.whileLoop(
    (i: tf.Tensor) => tf.less(i, nn),
    (i: tf.Tensor, v: tf.Tensor) => [tf.add(i, 1), tf.multiply(v, 2)],
    [tf.constant(0, { dtype: tf.int32 }), x],
  ) as tf.Tensor[];
  const [g] = tf.gradients(out as tf.Tensor, x);
  console.log(tf.getDefaultGraph().getOperations().map((o) => `${o.name}:${o.type}:${o.inputs.map((c) => c.name).join(",")}:^${o.controlInputs.map((c) => c.name).join(",")} ${o.attrs.frame_name ?? ""}`).join("\n"));
  using sess = new tf.Session();
  for (const n of [0, 1, 2, 3]) console.log(n, String(sess.run(g as tf.Tensor, new Map<tf.Tensor, unknown>([[nn, n], [x, [1, 2]]]))));
});
