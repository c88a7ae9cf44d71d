/**
 * Graph-building speed: `getVariable` creating and reusing variables in nested scopes.
 *
 * 10,000 variables in 1,000 variable scopes (100 chains of 10 nested scopes, 10 variables
 * each), built once with creation and once more under `reuse: true`; then the same at
 * other sizes, 1,000 to 100,000 variables, to check that the cost per variable stays flat
 * (linear total). Each figure is the best of a few builds, in wall time and in CPU time
 * (all of the process's threads, the garbage collector's included): on a machine shared
 * with other work, CPU time is the steadier of the two.
 *
 *   npx tsx bench/build-graph.ts
 *   npx tsx bench/build-graph.ts --json   # also one JSON line of rows for bench/all.ts
 */
import * as tf from "../src/index.js";

const VARS_PER_SCOPE = 10;
const DEPTH = 10;

/** µs per `getVariable`: [wall, CPU]. */
function build(chains: number, reuse: boolean): [number, number] {
  let calls = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
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
  const cpu = process.cpuUsage(cpu0);
  return [(elapsed * 1000) / calls, (cpu.user + cpu.system) / calls];
}

interface Row {
  vars: number;
  create: number;
  reuse: number;
  createCpu: number;
  reuseCpu: number;
}

function measure(chains: number): Row {
  tf.resetDefaultGraph();
  const [create, createCpu] = build(chains, false);
  const [reuse, reuseCpu] = build(chains, true);
  return { create, reuse, createCpu, reuseCpu, vars: chains * DEPTH * VARS_PER_SCOPE };
}

// Warm the JIT first: a few graphs, so that the optimized code of every path is in place
// (the first rows would otherwise measure compilation).
for (const chains of [10, 10, 10, 50]) measure(chains);
const JSON_OUT = process.argv.includes("--json");
const results: Row[] = [];
console.log(
  "variables  scopes   create µs/getVariable (CPU)   reuse µs/getVariable (CPU)   ops in graph",
);
for (const chains of [10, 50, 100, 200, 1000]) {
  const best: Row = {
    create: Infinity,
    reuse: Infinity,
    createCpu: Infinity,
    reuseCpu: Infinity,
    vars: 0,
  };
  // More repetitions for the small graphs, whose builds take milliseconds (a collection of
  // the graph before weighs on one of them), fewer for the largest: one takes seconds.
  for (let rep = 0; rep < (chains >= 1000 ? 2 : chains <= 50 ? 7 : 3); rep++) {
    const m = measure(chains);
    best.create = Math.min(best.create, m.create);
    best.reuse = Math.min(best.reuse, m.reuse);
    best.createCpu = Math.min(best.createCpu, m.createCpu);
    best.reuseCpu = Math.min(best.reuseCpu, m.reuseCpu);
    best.vars = m.vars;
  }
  results.push(best);
  const ops = tf.getDefaultGraph().opCount;
  console.log(
    `${String(best.vars).padStart(9)}  ${String(chains * DEPTH).padStart(6)}   ${best.create.toFixed(2).padStart(17)} (${best.createCpu.toFixed(2).padStart(6)})   ${best.reuse.toFixed(2).padStart(16)} (${best.reuseCpu.toFixed(2).padStart(6)})   ${String(ops).padStart(12)}`,
  );
}
tf.resetDefaultGraph();
if (JSON_OUT) {
  const first = results[0] as Row;
  const last = results[results.length - 1] as Row;
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
