/**
 * Child process for kill.test.ts: fills four 16 MB variables with the step number and
 * saves them, step after step, until killed. Prints `saving N` before and `saved N`
 * after each save, and first `pid N`: tsx's CLI runs the script in a child process of
 * its own, so the test must kill this pid, not the process it spawned.
 * Usage: tsx save_loop_child.ts DIR
 */
import * as path from "node:path";
import * as tf from "../../src/index.js";

process.stdout.write(`pid ${process.pid}\n`);
await tf.ready();
const dir = process.argv[2] as string;
const n = 4 << 20;
const vars = [0, 1, 2, 3].map((i) =>
  tf.getVariable(`big/w${i}`, [n], { initializer: tf.zerosInitializer() }),
);
const step = tf.placeholder(tf.float32, [], { name: "step" });
const setAll = tf.group(vars.map((v) => tf.assign(v, tf.fill([n], step))));
const saver = new tf.train.Saver(vars, { maxToKeep: 3 });
const sess = new tf.Session();
for (let s = 1; ; s++) {
  sess.run(setAll, new Map([[step, s]]));
  process.stdout.write(`saving ${s}\n`);
  saver.save(sess, path.join(dir, "model.ckpt"), { globalStep: s });
  process.stdout.write(`saved ${s}\n`);
}
