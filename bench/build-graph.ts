/**
 * Graph-building speed: `getVariable` creating and reusing variables in nested scopes.
 *
 * 10,000 variables in 1,000 variable scopes (100 chains of 10 nested scopes, 10 variables
 * each), built once with creation and once more under `reuse: true`; then the same at
 * other sizes, 1,000 to 100,000 variables, to check that the cost per variable stays flat
 * (linear total).
 *
 *   npx tsx bench/build-graph.ts
 *   npx tsx bench/build-graph.ts --json   # also one JSON line of rows for bench/all.ts
 */
import * as tf from "../src/index.js";

const VARS_PER_SCOPE = 10;
const DEPTH = 10;

function build(chains: number, reuse: boolean): number {
  let calls = 0;
  const t0 = performance.now();
  for (let c = 0; c < chains; c++) {
    const nest = (level: number): void => {
      tf.variableScope(`block${c}_${level}`, { reuse: reuse ? true : null }, () => {
        for (let i = 0; i < VARS_PER_SCOPE; i++) {
          tf.getVariable(`w${i}`, [4, 4], { initializer: tf.zerosInitializer() });
          calls++;
        }
        if (level + 1 < DEPTH) nest(level + 1);
      });
    };
    nest(0);
  }
  const elapsed = performance.now() - t0;
  return (elapsed * 1000) / calls;
}

function measure(chains: number): { create: number; reuse: number; vars: number } {
  tf.resetDefaultGraph();
  const create = build(chains, false);
  const reuse = build(chains, true);
  return { create, reuse, vars: chains * DEPTH * VARS_PER_SCOPE };
}

// Warm the JIT on a small graph first.
measure(10);
measure(10);
const JSON_OUT = process.argv.includes("--json");
const results: { vars: number; create: number; reuse: number }[] = [];
console.log("variables  scopes   create µs/getVariable   reuse µs/getVariable   ops in graph");
for (const chains of [10, 50, 100, 200, 1000]) {
  const best = { create: Infinity, reuse: Infinity, vars: 0 };
  // Fewer repetitions for the largest graph: one build of 100k variables takes seconds.
  for (let rep = 0; rep < (chains >= 1000 ? 2 : 3); rep++) {
    const m = measure(chains);
    best.create = Math.min(best.create, m.create);
    best.reuse = Math.min(best.reuse, m.reuse);
    best.vars = m.vars;
  }
  results.push(best);
  const ops = tf.getDefaultGraph().opCount;
  console.log(
    `${String(best.vars).padStart(9)}  ${String(chains * DEPTH).padStart(6)}   ${best.create.toFixed(2).padStart(21)}   ${best.reuse.toFixed(2).padStart(20)}   ${String(ops).padStart(12)}`,
  );
}
tf.resetDefaultGraph();
if (JSON_OUT) {
  const first = results[0] as { vars: number; create: number; reuse: number };
  const last = results[results.length - 1] as { vars: number; create: number; reuse: number };
  const k = (n: number) => `${n / 1000}k`;
  console.log(
    JSON.stringify({
      rows: [
        {
          measure: `\`getVariable\` creating, µs (${k(first.vars)} / ${k(last.vars)} variables)`,
          value: `${first.create.toFixed(1)} / ${last.create.toFixed(1)}`,
          aim: "≤ 15, flat",
        },
        {
          measure: `\`getVariable\` reusing, µs (${k(first.vars)} / ${k(last.vars)} variables)`,
          value: `${first.reuse.toFixed(1)} / ${last.reuse.toFixed(1)}`,
          aim: "≤ 3, flat",
        },
      ],
    }),
  );
}
