/**
 * Forward-pass speed: a scopeflow graph run by `Session.run` against the same computation
 * hand-written with tfjs-core ops, in one process, alternating, on the same backend.
 *
 *   npx tsx bench/run.ts            # wasm (default)
 *   SCOPEFLOW_BACKEND=cpu npx tsx bench/run.ts
 *
 * Prints per-run medians (ms) and the ratio scopeflow / hand-written; with `--json`, then
 * one JSON line of rows for bench/all.ts.
 */
import * as tfc from "@tensorflow/tfjs-core";
import * as tf from "../src/index.js";

await tf.ready();

interface Case {
  name: string;
  scopeflow: () => void;
  raw: () => void;
  dispose: () => void;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function measure(c: Case, rounds: number, inner: number): void {
  // Warm both paths up (JIT, kernel caches) as long as a measured round lasts, three times.
  for (let i = 0; i < 3 * inner; i++) {
    c.scopeflow();
    c.raw();
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    a.push(
      time(() => {
        for (let i = 0; i < inner; i++) c.scopeflow();
      }) / inner,
    );
    b.push(
      time(() => {
        for (let i = 0; i < inner; i++) c.raw();
      }) / inner,
    );
  }
  const ma = median(a);
  const mb = median(b);
  medians.set(c.name, [ma, mb]);
  console.log(
    `${c.name.padEnd(34)} ${ma.toFixed(4).padStart(10)} ${mb.toFixed(4).padStart(10)} ${(ma / mb).toFixed(3).padStart(7)}`,
  );
  ratios.set(c.name, ma / mb);
  c.dispose();
}

const ratios = new Map<string, number>();
const medians = new Map<string, [number, number]>();

function taxCase(): Case {
  tf.resetDefaultGraph();
  const price = tf.placeholder(tf.float32, [], { name: "price" });
  const total = tf.variableScope("other_charge", { reuse: tf.AUTO_REUSE }, () => {
    const tax = tf.getVariable("tax", [], { initializer: tf.constantInitializer(0.05) });
    const shipping = tf.getVariable("shipping", [], { initializer: tf.constantInitializer(10) });
    return tax.add(1).mul(price).add(shipping);
  });
  const sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  const feeds = new Map([[price, 10]]);
  const tax = tfc.scalar(0.05);
  const shipping = tfc.scalar(10);
  return {
    name: "tax and shipping (tiny ops)",
    scopeflow: () => {
      sess.run(total, feeds).item();
    },
    raw: () => {
      const p = tfc.scalar(10);
      const out = tfc.tidy(() => tfc.add(tfc.mul(tfc.add(tax, 1), p), shipping));
      out.dataSync();
      out.dispose();
      p.dispose();
    },
    dispose: () => {
      sess.close();
      tax.dispose();
      shipping.dispose();
    },
  };
}

const CHAIN_OPS = 64;

/**
 * The executor's own cost per op: a chain of small elementwise ops ([32,128] add/mul, which
 * nothing fuses), so the difference to the same tfjs calls is what the session adds per op.
 */
function smallOpChainCase(): Case {
  tf.resetDefaultGraph();
  const x = tf.placeholder(tf.float32, [32, 128], { name: "x" });
  const values = Array.from({ length: CHAIN_OPS }, (_, i) =>
    new Float32Array(32 * 128).map((_, j) => 1 + ((i * 7 + j) % 13) / 1000),
  );
  let y: tf.Tensor = x;
  for (let i = 0; i < CHAIN_OPS; i++) {
    const c = tf.constant(values[i] as Float32Array, { shape: [32, 128] });
    y = i % 2 === 0 ? tf.add(y, c) : tf.multiply(y, c);
  }
  const sess = new tf.Session();
  const input = new Float32Array(32 * 128).map((_, i) => Math.sin(i));
  const feeds = new Map([[x, tf.NDArray.fromTypedArray(input, [32, 128], "float32")]]);
  const constants = values.map((v) => tfc.tensor2d(v, [32, 128]));
  return {
    name: `small-op chain (${CHAIN_OPS} x [32,128])`,
    scopeflow: () => {
      sess.run(y, feeds);
    },
    raw: () => {
      const xt = tfc.tensor2d(input, [32, 128]);
      const out = tfc.tidy(() => {
        let a: tfc.Tensor = xt;
        for (let i = 0; i < CHAIN_OPS; i++) {
          const c = constants[i] as tfc.Tensor;
          a = i % 2 === 0 ? tfc.add(a, c) : tfc.mul(a, c);
        }
        return a;
      });
      out.dataSync();
      out.dispose();
      xt.dispose();
    },
    dispose: () => {
      sess.close();
      for (const c of constants) c.dispose();
    },
  };
}

function mlpCase(batch: number): Case {
  tf.resetDefaultGraph();
  tf.setRandomSeed(1);
  const sizes = [784, 256, 256, 10];
  const x = tf.placeholder(tf.float32, [null, 784], { name: "x" });
  let h: tf.Tensor = x;
  for (let i = 0; i < 3; i++) {
    h = tf.variableScope(`layer${i}`, () => {
      const w = tf.getVariable("w", [sizes[i] as number, sizes[i + 1] as number]);
      const b = tf.getVariable("b", [sizes[i + 1] as number], {
        initializer: tf.zerosInitializer(),
      });
      const z = tf.matmul(h, w).add(b);
      return i < 2 ? tf.nn.relu(z) : z;
    });
  }
  const sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  const weights = tf.globalVariables().map((v) => {
    const value = sess.run(v);
    return tfc.tensor(value.data as Float32Array, value.shape);
  });
  const input = new Float32Array(batch * 784).map((_, i) => Math.sin(i));
  const feedValue = tf.NDArray.fromTypedArray(input, [batch, 784], "float32");
  const feeds = new Map([[x, feedValue]]);
  return {
    name: `MLP 784-256-256-10 forward, batch ${batch}`,
    scopeflow: () => {
      sess.run(h, feeds);
    },
    raw: () => {
      const xt = tfc.tensor2d(input, [batch, 784]);
      const out = tfc.tidy(() => {
        let a: tfc.Tensor = xt;
        for (let i = 0; i < 3; i++) {
          const z = tfc.add(
            tfc.matMul(a, weights[2 * i] as tfc.Tensor),
            weights[2 * i + 1] as tfc.Tensor,
          );
          a = i < 2 ? tfc.relu(z) : z;
        }
        return a;
      });
      out.dataSync();
      out.dispose();
      xt.dispose();
    },
    dispose: () => {
      sess.close();
      for (const w of weights) w.dispose();
    },
  };
}

function imageFilterCase(): Case {
  tf.resetDefaultGraph();
  tf.setRandomSeed(2);
  const images = tf.placeholder(tf.float32, [8, 32, 32, 32], { name: "images" });
  const convRelu = (input: tf.Tensor, name: string): tf.Tensor =>
    tf.variableScope(name, () => {
      const weights = tf.getVariable("weights", [5, 5, 32, 32], {
        initializer: tf.randomNormalInitializer(),
      });
      const biases = tf.getVariable("biases", [32], { initializer: tf.constantInitializer(0) });
      const conv = tf.nn.conv2d(input, weights, { strides: [1, 1, 1, 1], padding: "SAME" });
      return tf.nn.relu(conv.add(biases));
    });
  const out = convRelu(convRelu(images, "conv1"), "conv2");
  const sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  const w = tf.globalVariables().map((v) => {
    const value = sess.run(v);
    return tfc.tensor(value.data as Float32Array, value.shape);
  });
  const input = new Float32Array(8 * 32 * 32 * 32).map((_, i) => Math.cos(i));
  const feeds = new Map([[images, tf.NDArray.fromTypedArray(input, [8, 32, 32, 32], "float32")]]);
  return {
    name: "my_image_filter 8x32x32x32",
    scopeflow: () => {
      sess.run(out, feeds);
    },
    raw: () => {
      const x = tfc.tensor4d(input, [8, 32, 32, 32]);
      const y = tfc.tidy(() => {
        const layer = (t: tfc.Tensor4D, k: number) =>
          tfc.relu(
            tfc.add(tfc.conv2d(t, w[k] as tfc.Tensor4D, 1, "same"), w[k + 1] as tfc.Tensor),
          ) as tfc.Tensor4D;
        return layer(layer(x, 0), 2);
      });
      y.dataSync();
      y.dispose();
      x.dispose();
    },
    dispose: () => {
      sess.close();
      for (const t of w) t.dispose();
    },
  };
}

console.log(`backend: ${tf.getBackend()}`);
console.log(
  `${"case".padEnd(34)} ${"scopeflow".padStart(10)} ${"tfjs".padStart(10)} ${"ratio".padStart(7)}   (ms per run, medians)`,
);
measure(taxCase(), 15, 2000);
measure(smallOpChainCase(), 15, 100);
measure(mlpCase(32), 15, 20);
measure(mlpCase(256), 11, 5);
measure(imageFilterCase(), 9, 2);
if (process.argv.includes("--json")) {
  const r = (name: string) => ratios.get(name)?.toFixed(2) ?? "-";
  const perOp = (name: string) => {
    const m = medians.get(name);
    if (m === undefined) return "-";
    const [session, raw] = m;
    const us = (ms: number) => ((ms * 1000) / CHAIN_OPS).toFixed(1);
    return `${us(session - raw)} (${us(raw)})`;
  };
  console.log(
    JSON.stringify({
      rows: [
        {
          measure: "Session forward vs hand-written tfjs (MLP batch 32 / 256, conv 8×32×32×32)",
          value: `${r("MLP 784-256-256-10 forward, batch 32")} / ${r("MLP 784-256-256-10 forward, batch 256")} / ${r("my_image_filter 8x32x32x32")}`,
          aim: "≤ 1.03",
        },
        {
          measure: "Session forward vs hand-written tfjs, tiny ops (tax and shipping)",
          value: r("tax and shipping (tiny ops)"),
          aim: "-",
        },
        {
          measure: `what the executor adds per small op (${CHAIN_OPS}-op chain of [32,128] add/mul), µs (one tfjs call)`,
          value: perOp(`small-op chain (${CHAIN_OPS} x [32,128])`),
          aim: "≤ 3",
        },
      ],
    }),
  );
}
