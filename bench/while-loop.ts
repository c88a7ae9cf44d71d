/**
 * Per-iteration cost of a `tf.whileLoop` (TF 1.x's `Enter`/`Merge`/`Switch`/`Exit` graph,
 * run by the session's loop frames) against the bare tfjs kernels of its body.
 *
 * The loop: `i < n`, `(i + 1, x * 0.999 + 0.001)` on a [4] float vector, 1,000 iterations.
 * Its per-iteration kernels: `Less`, `Add` (int32), `Mul`, `Add` (float32); the bare
 * baseline runs exactly those four tfjs ops per iteration in a JS loop.
 *
 *   npx tsx bench/while-loop.ts
 */
import * as tfc from "@tensorflow/tfjs-core";
import * as tf from "../src/index.js";

await tf.ready();
const N = 1000;
const REPS = 20;

const n = tf.placeholder(tf.int32, [], { name: "n" });
const x0 = tf.placeholder(tf.float32, [4], { name: "x0" });
const [, out] = tf.whileLoop(
  (i: tf.Tensor) => tf.less(i, n),
  (i: tf.Tensor, x: tf.Tensor) => [tf.add(i, 1), tf.add(tf.multiply(x, 0.999), 0.001)],
  [tf.constant(0, { dtype: tf.int32 }), x0],
) as tf.Tensor[];
const sess = new tf.Session();
const feed = new Map<tf.Tensor, unknown>([
  [n, N],
  [x0, [1, 2, 3, 4]],
]);

function timeLoop(): number {
  sess.run(out as tf.Tensor, feed);
  let best = Infinity;
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    sess.run(out as tf.Tensor, feed);
    best = Math.min(best, performance.now() - t0);
  }
  return (best * 1000) / N;
}

function timeBare(): number {
  const run = (): void => {
    const a = tfc.scalar(0.999);
    const b = tfc.scalar(0.001);
    const one = tfc.scalar(1, "int32");
    const limit = tfc.scalar(N, "int32");
    let i: tfc.Tensor = tfc.scalar(0, "int32");
    let x: tfc.Tensor = tfc.tensor1d([1, 2, 3, 4]);
    for (;;) {
      const c = tfc.less(i, limit);
      const go = c.dataSync()[0];
      c.dispose();
      if (!go) break;
      const ni = tfc.add(i, one);
      const m = tfc.mul(x, a);
      const nx = tfc.add(m, b);
      m.dispose();
      i.dispose();
      x.dispose();
      i = ni;
      x = nx;
    }
    x.dataSync();
    for (const t of [a, b, one, limit, i, x]) t.dispose();
  };
  run();
  let best = Infinity;
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  return (best * 1000) / N;
}

const loop = timeLoop();
const bare = timeBare();
console.log(`backend ${tfc.getBackend()}, ${N} iterations, best of ${REPS}`);
console.log(`tf.whileLoop   ${loop.toFixed(2)} µs/iteration`);
console.log(`bare kernels   ${bare.toFixed(2)} µs/iteration`);
console.log(
  `overhead       ${(loop - bare).toFixed(2)} µs/iteration (${(loop / bare).toFixed(2)}×)`,
);
sess.close();
if (process.argv.includes("--json")) {
  // One line of rows for bench/all.ts's table.
  console.log(
    JSON.stringify({
      rows: [
        {
          measure: `\`tf.whileLoop\` of ${N} iterations of a tiny body, µs per iteration (bare kernels)`,
          value: `${loop.toFixed(1)} (${bare.toFixed(1)}; ${(loop / bare).toFixed(2)}×)`,
          aim: "near the bare kernels",
        },
      ],
    }),
  );
}
