/**
 * scopeflow in a real browser: headless Chromium (Debian's `chromium`, or
 * `SCOPEFLOW_CHROMIUM`) driven by playwright-core against scripts/browser-server.ts,
 * which serves the built dist/browser bundle. Checks that the bundles load (wasm found
 * beside them, no configuration), that every seed example prints its expected output in
 * the page, that the demo's training lowers the loss (to the same numbers as
 * examples/siamese.ts in Node), that a checkpoint round-trips through IndexedDB and
 * survives a reload, that a TensorFlow-written checkpoint restores over HTTP, that the
 * webgl backend (SwiftShader) computes the same graph, and that no page logs an error.
 *
 * Chromium failing to start is a failure, not a skip: run `npm run build` first, and
 * install Chromium (`apt-get install -y chromium`, as .ci/run does).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bundleReport } from "../../scripts/browser-bundle-report.js";
import { ROOT, buildPages, startServer, type RunningServer } from "../../scripts/browser-server.js";

const CHROMIUM = process.env.SCOPEFLOW_CHROMIUM ?? "/usr/bin/chromium";
/** Without the background-networking flags, a closed network refuses Chromium en masse. */
const FLAGS = [
  "--no-sandbox",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // WebGL on SwiftShader, the CPU implementation, since there is no GPU here.
  "--use-angle=swiftshader",
  "--enable-unsafe-swiftshader",
];

/** The most recently modified file under `dir`. */
function newestSource(dir: string): { file: string; mtime: number } {
  let newest = { file: dir, mtime: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const file = join(entry.parentPath, entry.name);
    const mtime = statSync(file).mtimeMs;
    if (mtime > newest.mtime) newest = { file, mtime };
  }
  return newest;
}

let server: RunningServer;
let context: BrowserContext;
let profile: string;
/** Console errors, uncaught page errors and failed requests of the current test's pages. */
let problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist/browser/scopeflow.esm.js"))) {
    throw new Error("dist/browser/scopeflow.esm.js is missing: run `npm run build` first.");
  }
  const newer = newestSource(join(ROOT, "src"));
  if (newer.mtime > statSync(join(ROOT, "dist/browser/scopeflow.esm.js")).mtimeMs) {
    throw new Error(`dist/browser is older than ${newer.file}: run \`npm run build\` first.`);
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Chromium (apt-get install -y chromium) or set SCOPEFLOW_CHROMIUM.`,
    );
  }
  await buildPages();
  server = await startServer(0);
  profile = mkdtempSync(join(tmpdir(), "scopeflow-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
  });
});

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
});

afterEach(() => {
  const seen = problems;
  problems = [];
  expect(seen, "console errors, page errors or failed requests").toEqual([]);
});

async function open(path: string): Promise<Page> {
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console.error on ${path}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`uncaught on ${path}: ${e.message}`));
  page.on("requestfailed", (r) =>
    problems.push(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`),
  );
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(`${server.url}${path}`);
  return page;
}

/**
 * Runs `body` (the inside of an async function, JavaScript) in the page. A string, not a
 * function: vitest rewrites `import()` in test code, and the page must import the bundle.
 */
async function inPage<T>(page: Page, body: string): Promise<T> {
  return (await page.evaluate(`(async () => {\n${body}\n})()`)) as T;
}

/** Waits for `window[name]` (set by the page when done) or for the page's own error. */
async function result<T>(page: Page, name: string, timeout = 150_000): Promise<T> {
  const handle = await page.waitForFunction(
    (n) => {
      const w = window as unknown as Record<string, unknown>;
      if (typeof w.demoError === "string") return { error: w.demoError };
      return w[n] === undefined ? null : { value: w[n] };
    },
    name,
    { timeout, polling: 200 },
  );
  const got = (await handle.jsonValue()) as { error?: string; value?: T };
  if (got.error !== undefined) throw new Error(`the page failed: ${got.error}`);
  return got.value as T;
}

describe("the browser bundle", () => {
  // One bundle per page: two copies of tfjs-core in one page share its global engine.
  for (const file of ["/dist/scopeflow.esm.js", "/dist/scopeflow.min.js"]) {
    it(`${file} loads as an ES module, finds its .wasm files beside it, runs a session`, async () => {
      const page = await open("/empty.html");
      const out = await inPage<string>(
        page,
        `const tf = await import("${file}");
        const y = tf.matmul(tf.constant([[1, 2]]), tf.constant([[3], [4]]));
        const sess = new tf.Session();
        const text = tf.getBackend() + " " + String(sess.run(y));
        sess.close();
        return text;`,
      );
      expect(out).toBe("wasm [[11.]]");
      const wasm = await page.evaluate(() =>
        performance
          .getEntriesByType("resource")
          .map((e) => e.name)
          .filter((n) => n.endsWith(".wasm")),
      );
      expect(wasm).toEqual([`${server.url}/dist/tfjs-backend-wasm-simd.wasm`]);
      await page.close();
    });
  }

  it("takes its .wasm files from globalThis.scopeflowWasmPaths when a page sets it", async () => {
    const page = await open("/empty.html");
    const out = await inPage<string>(
      page,
      `const plain = "/dist/tfjs-backend-wasm.wasm";
      globalThis.scopeflowWasmPaths = {
        "tfjs-backend-wasm.wasm": plain,
        "tfjs-backend-wasm-simd.wasm": plain,
        "tfjs-backend-wasm-threaded-simd.wasm": plain,
      };
      const tf = await import("/dist/scopeflow.min.js");
      const sess = new tf.Session();
      const text = tf.getBackend() + " " + String(sess.run(tf.add(2, 3)));
      sess.close();
      return text;`,
    );
    expect(out).toBe("wasm 5.0");
    const wasm = await page.evaluate(() =>
      performance
        .getEntriesByType("resource")
        .map((e) => e.name)
        .filter((n) => n.endsWith(".wasm")),
    );
    expect(wasm).toEqual([`${server.url}/dist/tfjs-backend-wasm.wasm`]);
    await page.close();
  });

  it("holds no Node built-in module, and stays under 560 KiB gzipped", async () => {
    const report = await bundleReport("src/index.browser.ts");
    expect(report.nodeModules).toEqual([]);
    // 289 KiB before TF's protobuf codecs (GraphDefs, SavedModels, event files: ~35 KiB)
    // and tf.data, control flow, sampled losses joined; 422 KiB with GraphDef import,
    // meta graphs, SavedModels and frozen graphs; 444 KiB with function libraries and
    // resource variables; 495 KiB with tf.image, tf.metrics, tf.math/linalg/random and
    // ~150 more ops (definitions, kernels, gradients); 512 KiB with depthwise, separable and
    // 1-D convolutions, einsum, the solve/decomposition family and the OpDef input checks;
    // 530 KiB with tf.print/strings.format, tf.sets and the sparse set ops, gamma/Poisson/
    // stateless random ops (Philox), 3-D convolutions and pooling; 546 KiB with the string ops
    // (split, substr, to_number, as_string, regex, hash buckets, base64) and the CSV, raw,
    // file and text-line input ops. The budget leaves room for op definitions, not for a
    // second copy of anything.
    expect(report.gzipped).toBeLessThan(560 * 1024);
    const names = report.byPackage.map(([name]) => name);
    expect(names).toContain("@tensorflow/tfjs-backend-wasm");
    expect(names).not.toContain("@tensorflow/tfjs-backend-webgl");
  });
});

describe("the seed examples", () => {
  it("print in the page exactly what examples/expected/ holds", async () => {
    const page = await open("/seeds.html");
    const results = await result<{ name: string; ok: boolean; output: string }[]>(
      page,
      "seedResults",
    );
    expect(results.length).toBeGreaterThanOrEqual(30);
    const failed = results.filter((r) => !r.ok).map((r) => `${r.name}:\n${r.output}`);
    expect(failed).toEqual([]);
    expect(await page.textContent("#summary")).toMatch(/^(\d+) of \1 seed examples print/);
    await page.close();
  });
});

interface Demo {
  backend: string;
  losses: [number, number][];
  log: string[];
  sharing: Record<string, string[]>;
  idb: { path: string; restored: boolean; files: string[]; earlier: string | null };
  tfCheckpoint: Record<string, { shape: number[]; first: number[] }>;
}

describe("the demo page", () => {
  let demo: Demo;

  beforeAll(async () => {
    const page = await open("/");
    demo = await result<Demo>(page, "demo");
    await page.close();
  });

  it("builds two towers in two name scopes that read one set of variables", () => {
    expect(demo.backend).toBe("wasm");
    expect(Object.keys(demo.sharing)).toEqual([
      "siamese/fc1W:0",
      "siamese/fc1b:0",
      "siamese/fc2W:0",
      "siamese/fc2b:0",
      "siamese/fc3W:0",
      "siamese/fc3b:0",
    ]);
    for (const scopes of Object.values(demo.sharing))
      expect(scopes).toEqual(["siamese", "siamese_1"]);
  });

  it("trains: the loss falls, to the numbers examples/siamese.ts prints in Node", () => {
    const losses = demo.losses.map(([, l]) => l);
    expect(losses.length).toBe(1000);
    expect(losses[999]).toBeLessThan((losses[0] as number) / 4);
    const expected = readFileSync(join(ROOT, "examples/expected/siamese.txt"), "utf8")
      .trim()
      .split("\n")
      .filter((l) => l.startsWith("step ") || l.startsWith("held-out"));
    expect(demo.log).toEqual(expected);
  });

  it("round-trips a checkpoint through IndexedDB, which keeps it across a reload", async () => {
    expect(demo.idb.path).toBe("indexeddb://siamese/model.ckpt-1000");
    expect(demo.idb.restored).toBe(true);
    // A fresh browser profile: nothing from an earlier visit.
    expect(demo.idb.earlier).toBe(null);
    expect(demo.idb.files).toEqual([
      "checkpoint",
      "model.ckpt-1000.data-00000-of-00001",
      "model.ckpt-1000.index",
      "model.ckpt-1000.meta",
    ]);
    const page = await open("/empty.html");
    const state = await inPage<{ text: string; value: number[]; missing: string; rename: string }>(
      page,
      `const tf = await import("/dist/scopeflow.esm.js");
      const fs = tf.io.getFileSystem("indexeddb://siamese");
      const g = new tf.Graph();
      const w = g.asDefault(() => tf.variableScope("siamese", () => tf.getVariable("fc3b", [2])));
      const saver = g.asDefault(() => new tf.train.Saver([w]));
      const sess = new tf.Session({ graph: g });
      const latest = await tf.train.latestCheckpointAsync("indexeddb://siamese");
      if (latest !== "indexeddb://siamese/model.ckpt-1000") throw new Error("latest: " + latest);
      await saver.restoreAsync(sess, latest);
      const value = Array.from(sess.run(w).data);
      const text = new TextDecoder().decode(await fs.readFile("indexeddb://siamese/checkpoint"));
      const missing = await saver.restoreAsync(sess, "indexeddb://nothing/m").catch((e) => e.name + ": " + e.message);
      const rename = await fs.rename("indexeddb://a", "indexeddb://b").catch((e) => e.code);
      sess.close();
      return { text, value, missing, rename };`,
    );
    expect(state.text).toBe(
      'model_checkpoint_path: "model.ckpt-1000"\nall_model_checkpoint_paths: "model.ckpt-1000"\n',
    );
    expect(state.value).toHaveLength(2);
    expect(state.value.some((x) => x !== 0.01)).toBe(true);
    expect(state.missing).toBe(
      "ValueError: The passed save_path is not a valid checkpoint: indexeddb://nothing/m",
    );
    expect(state.rename).toBe("ENOENT");
    await page.close();
  });

  it("restores TensorFlow 1.0's iris checkpoint fetched over HTTP", () => {
    const c = demo.tfCheckpoint;
    expect(Object.keys(c).sort()).toEqual([
      "nn/hidden1/biases",
      "nn/hidden1/weights",
      "nn/output/biases",
      "nn/output/weights",
    ]);
    // SOURCE.md of the fixture, as TensorFlow wrote them.
    const close = (got: number[], want: number[]) =>
      want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 7));
    expect(c["nn/hidden1/weights"]?.shape).toEqual([4, 50]);
    close(c["nn/hidden1/biases"]?.first ?? [], [-0.006607019, 0, 0, -0.00610634]);
    close(c["nn/hidden1/weights"]?.first ?? [], [0.66874576, -0.92246032]);
    close(c["nn/output/biases"]?.first ?? [], [0.0233848, 0.00334916, -0.02673397]);
    close(c["nn/output/weights"]?.first ?? [], [-0.14225875, 0.10478961]);
  });
});

describe("the webgl backend (SwiftShader)", () => {
  it("trains a small graph to the numbers of the wasm backend", async () => {
    const page = await open("/empty.html");
    const out = await inPage<
      Record<"webgl" | "wasm", { ok: boolean; backend: string; losses: number[] }>
    >(
      page,
      `const tf = await import("/dist/scopeflow.webgl.min.js");
      const run = async (backend) => {
        const ok = await tf.setBackend(backend);
        const g = new tf.Graph();
        const { loss, train } = g.asDefault(() => {
          tf.setRandomSeed(1);
          const x = tf.constant([[1, 2], [3, 4], [5, 6]]);
          const w = tf.getVariable("w", [2, 1]);
          const l = tf.reduceMean(tf.square(tf.subtract(tf.matmul(x, w), [[1], [2], [3]])));
          return { loss: l, train: new tf.train.GradientDescentOptimizer(0.01).minimize(l) };
        });
        const sess = new tf.Session({ graph: g });
        sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
        const losses = [];
        for (let i = 0; i < 20; i++) losses.push(Number(sess.run([loss, train])[0].item()));
        sess.close();
        return { ok, backend: tf.getBackend(), losses };
      };
      const webgl = await run("webgl");
      const wasm = await run("wasm");
      return { webgl, wasm };`,
    );
    expect(out.webgl.ok).toBe(true);
    expect(out.webgl.backend).toBe("webgl");
    expect(out.wasm.backend).toBe("wasm");
    expect(out.webgl.losses[19]).toBeLessThan(out.webgl.losses[0] as number);
    out.webgl.losses.forEach((l, i) => expect(l).toBeCloseTo(out.wasm.losses[i] as number, 3));
    await page.close();
  });
});
