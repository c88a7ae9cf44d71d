/**
 * Graph interchange speed: `tf.importGraphDef` and `graph.asGraphDef` (plus the binary
 * encoding, `GraphDef.toBinary`/`fromBinary`) on two graphs:
 *
 * - a 3,000-node graph: 50 blocks of a small dense layer (variables, MatMul, BiasAdd,
 *   Relu, their initializers) and scalar arithmetic, built by scopeflow;
 * - a ~1 MB frozen graph: an MLP whose weights are `Const` nodes (tensor_content).
 *
 * Each is exported to bytes, then imported from those bytes into a fresh graph; the best
 * of several rounds is reported, in ms.
 *
 *   npx tsx bench/import-graph.ts
 *   npx tsx bench/import-graph.ts --json   # also one JSON line of rows for bench/all.ts
 */
import * as tf from "../src/index.js";
import { GraphDef } from "../src/proto/index.js";

function manyNodes(target: number): tf.Graph {
  const g = new tf.Graph();
  g.asDefault(() => {
    let x = tf.placeholder(tf.float32, [null, 8], { name: "x" });
    let block = 0;
    while (g.opCount < target) {
      x = tf.variableScope(`block${block++}`, () => {
        const h = tf.layers.dense(x, 8, { activation: tf.nn.relu });
        let s = tf.reduceSum(h, { axis: 1, keepdims: true });
        for (let i = 0; i < 10; i++) s = tf.add(tf.multiply(s, 0.5), 1);
        return tf.add(h, s);
      });
    }
  });
  return g;
}

function frozen(bytesWanted: number): tf.Graph {
  const g = new tf.Graph();
  g.asDefault(() => {
    let x = tf.placeholder(tf.float32, [null, 128], { name: "x" });
    const layerBytes = 128 * 128 * 4;
    const layers = Math.max(1, Math.round(bytesWanted / layerBytes));
    for (let i = 0; i < layers; i++) {
      const w = tf.constant(
        Float32Array.from({ length: 128 * 128 }, (_, k) => Math.sin(i * 7 + k)),
        { shape: [128, 128], name: `w${i}` },
      );
      const b = tf.constant(
        Float32Array.from({ length: 128 }, (_, k) => k / 128),
        { shape: [128], name: `b${i}` },
      );
      x = tf.nn.relu(tf.nn.biasAdd(tf.matmul(x, w), b));
    }
  });
  return g;
}

interface Timing {
  nodes: number;
  bytes: number;
  exportMs: number;
  importMs: number;
}

function best(rounds: number, fn: () => void): number {
  let min = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

function measure(g: tf.Graph, rounds: number): Timing {
  let bytes: Uint8Array = new Uint8Array();
  const exportMs = best(rounds, () => {
    bytes = GraphDef.toBinary(g.asGraphDef());
  });
  const importMs = best(rounds, () => {
    const target = new tf.Graph();
    target.asDefault(() => tf.importGraphDef(bytes));
  });
  return { nodes: g.opCount, bytes: bytes.length, exportMs, importMs };
}

const JSON_OUT = process.argv.includes("--json");
// Warm the JIT on small graphs first.
measure(manyNodes(300), 2);
measure(frozen(100_000), 2);

const big = measure(manyNodes(3000), 5);
const heavy = measure(frozen(1_000_000), 5);
console.log("graph                        nodes      bytes   export ms   import ms");
for (const [name, t] of [
  ["3,000-node graph", big],
  ["~1 MB frozen graph", heavy],
] as const) {
  console.log(
    `${name.padEnd(24)} ${String(t.nodes).padStart(9)} ${String(t.bytes).padStart(10)} ${t.exportMs.toFixed(1).padStart(11)} ${t.importMs.toFixed(1).padStart(11)}`,
  );
}
if (JSON_OUT) {
  console.log(
    JSON.stringify({
      rows: [
        {
          measure: `GraphDef export / import, ms (${big.nodes} nodes)`,
          value: `${big.exportMs.toFixed(1)} / ${big.importMs.toFixed(1)}`,
          aim: "—",
        },
        {
          measure: `GraphDef export / import, ms (frozen, ${(heavy.bytes / 1e6).toFixed(1)} MB)`,
          value: `${heavy.exportMs.toFixed(1)} / ${heavy.importMs.toFixed(1)}`,
          aim: "—",
        },
      ],
    }),
  );
}
