/**
 * Runs each seed example (examples/seed*.ts, bundled by scripts/browser-server.ts against
 * the browser bundle) in this page, one after the other in a fresh default graph, with
 * `console.log` captured, and compares what it printed with examples/expected/<name>.txt.
 * The results are on `window.seedResults` for the browser tests.
 */
import * as tf from "../../src/index.browser.js";

interface SeedResult {
  name: string;
  ok: boolean;
  output: string;
  expected: string;
}

declare global {
  interface Window {
    seedResults?: SeedResult[];
  }
}

async function text(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

async function runSeed(name: string): Promise<string> {
  tf.resetDefaultGraph();
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  try {
    await import(/* @vite-ignore */ `/build/seeds/${name}.js`);
  } catch (e) {
    lines.push(`uncaught ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  } finally {
    console.log = log;
  }
  return lines.map((l) => `${l}\n`).join("");
}

function show(result: SeedResult): void {
  const section = document.createElement("section");
  const title = document.createElement("h3");
  title.textContent = `${result.name} `;
  const mark = document.createElement("span");
  mark.className = result.ok ? "ok" : "bad";
  mark.textContent = result.ok ? "✓ as expected" : "✗ differs from examples/expected";
  title.append(mark);
  const pre = document.createElement("pre");
  pre.textContent = result.output;
  section.append(title, pre);
  if (!result.ok) {
    const want = document.createElement("pre");
    want.textContent = `expected:\n${result.expected}`;
    section.append(want);
  }
  document.getElementById("seeds")?.append(section);
}

const names = JSON.parse(await text("/build/seeds/index.json")) as string[];
const results: SeedResult[] = [];
for (const name of names) {
  const expected = await text(`/expected/${name}.txt`);
  const output = await runSeed(name);
  const result = { name, ok: output === expected, output, expected };
  results.push(result);
  show(result);
}
const passed = results.filter((r) => r.ok).length;
const summary = document.getElementById("summary");
if (summary !== null) {
  summary.className = passed === results.length ? "ok" : "bad";
  summary.textContent = `${passed} of ${results.length} seed examples print their expected output (backend ${tf.getBackend()}).`;
}
window.seedResults = results;
