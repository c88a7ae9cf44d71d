/**
 * The browser demo (`npm run demo:browser`): the siamese towers of examples/siamese.ts,
 * built in two entries of `variableScope("siamese")` (the second with `reuse: true`, so
 * its ops land in name scope `siamese_1/` while reading the same `siamese/fc1W`…), trained
 * live with a progress bar and a uPlot loss curve; then the trained weights are saved to
 * IndexedDB, scrambled and restored; and a checkpoint written by TensorFlow 1.0 is fetched
 * from this server and restored. Everything the tests check is on `window.demo`.
 */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import * as tf from "../../src/index.browser.js";

const STEPS = 1000;
const BATCH_SIZE = 128;
/** Steps per animation frame: enough to keep training fast, few enough to keep the page live. */
const STEPS_PER_FRAME = 20;

interface DemoResult {
  backend: string;
  /** `[step, loss]` at every step. */
  losses: [number, number][];
  /** The lines examples/siamese.ts prints for the same steps. */
  log: string[];
  /** Trainable variable → name scopes of the forward ops reading it. */
  sharing: Record<string, string[]>;
  idb: { path: string; restored: boolean; files: string[]; earlier: string | null };
  tfCheckpoint: Record<string, { shape: number[]; first: number[] }>;
}

declare global {
  interface Window {
    demo?: DemoResult;
    demoError?: string;
  }
}

function element<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`#${id} is missing from the page`);
  return el as T;
}

function row(table: string, cells: string[]): void {
  const tr = document.createElement("tr");
  for (const c of cells) {
    const td = document.createElement("td");
    td.textContent = c;
    tr.append(td);
  }
  element<HTMLTableElement>(table).tBodies[0]?.append(tr);
}

const nextFrame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));

// ---- data: ax,ay,bx,by,same (fetched from the server) -------------------------------------
async function loadPairs(): Promise<number[][]> {
  const response = await fetch("/data/pairs.csv");
  if (!response.ok) throw new Error(`/data/pairs.csv: HTTP ${response.status}`);
  return (await response.text())
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(",").map(Number));
}

interface Batch {
  x1: tf.NDArray;
  x2: tf.NDArray;
  y: tf.NDArray;
}

function batchOf(part: number[][]): Batch {
  const n = part.length;
  const x1 = new Float32Array(n * 2);
  const x2 = new Float32Array(n * 2);
  const y = new Float32Array(n);
  part.forEach(([ax = 0, ay = 0, bx = 0, by = 0, same = 0], i) => {
    x1.set([ax, ay], i * 2);
    x2.set([bx, by], i * 2);
    y[i] = same;
  });
  return {
    x1: tf.NDArray.fromTypedArray(x1, [n, 2], "float32"),
    x2: tf.NDArray.fromTypedArray(x2, [n, 2], "float32"),
    y: tf.NDArray.fromTypedArray(y, [n], "float32"),
  };
}

// ---- the model (as examples/siamese.ts) ------------------------------------------------------
function fcLayer(bottom: tf.Tensor, nWeight: number, name: string): tf.Tensor {
  const nPrevWeight = bottom.shape.asList()[1] as number;
  const W = tf.getVariable(`${name}W`, [nPrevWeight, nWeight], {
    dtype: tf.float32,
    initializer: tf.truncatedNormalInitializer({ stddev: 0.01 }),
  });
  const b = tf.getVariable(`${name}b`, {
    dtype: tf.float32,
    initializer: tf.constant(0.01, { shape: [nWeight], dtype: tf.float32 }),
  });
  return tf.nn.biasAdd(tf.matmul(bottom, W), b);
}

function network(x: tf.Tensor): tf.Tensor {
  const ac1 = tf.nn.relu(fcLayer(x, 64, "fc1"));
  const ac2 = tf.nn.relu(fcLayer(ac1, 64, "fc2"));
  return fcLayer(ac2, 2, "fc3");
}

function buildModel() {
  tf.setRandomSeed(3);
  const x1 = tf.placeholder(tf.float32, [null, 2], { name: "x1" });
  const x2 = tf.placeholder(tf.float32, [null, 2], { name: "x2" });
  const o1 = tf.variableScope("siamese", () => network(x1));
  const o2 = tf.variableScope("siamese", { reuse: true }, () => network(x2));
  const y = tf.placeholder(tf.float32, [null], { name: "y_" });
  const margin = 5.0;
  const eucd2 = tf.reduceSum(tf.pow(tf.subtract(o1, o2), 2), { axis: 1 });
  const eucd = tf.sqrt(eucd2.add(1e-6), { name: "eucd" });
  const pos = tf.multiply(y, eucd2, { name: "yi_x_eucd2" });
  const neg = tf.multiply(
    tf.subtract(1.0, y, { name: "1-yi" }),
    tf.pow(tf.maximum(tf.subtract(tf.constant(margin, { name: "C" }), eucd), 0), 2),
    { name: "Nyi_x_C-eucd_xx_2" },
  );
  const loss = tf.reduceMean(tf.add(pos, neg, { name: "losses" }), { name: "loss" });
  const trainStep = new tf.train.GradientDescentOptimizer(0.01).minimize(loss);
  return { x1, x2, y, loss, distance: eucd, trainStep };
}

/** For each trainable variable, the name scopes of the forward ops that read its value. */
function sharingTable(): Record<string, string[]> {
  const graph = tf.getDefaultGraph();
  const table: Record<string, string[]> = {};
  for (const v of tf.trainableVariables()) {
    const readName = `${v.op.name}/read:0`;
    const readers = graph
      .getOperations()
      .filter((op) => !op.name.startsWith("gradients/") && !op.name.startsWith("GradientDescent"))
      .filter((op) => op.inputs.some((t) => t.name === readName));
    const scopes = [...new Set(readers.map((op) => op.name.slice(0, op.name.lastIndexOf("/"))))];
    table[v.name] = scopes;
    row("variables", [
      v.name,
      v.shape.toString(),
      scopes.map((s) => `${s}/`).join(", "),
      readers.map((op) => op.name).join(", "),
    ]);
  }
  return table;
}

function lossPlot(): { add(step: number, loss: number): void } {
  const steps: number[] = [];
  const losses: number[] = [];
  const plot = new uPlot(
    {
      width: Math.min(900, element("plot").clientWidth || 900),
      height: 260,
      scales: { x: { time: false } },
      axes: [{ label: "step" }, { label: "loss" }],
      series: [{ label: "step" }, { label: "contrastive loss", stroke: "#1f6feb", width: 1.5 }],
    },
    [steps, losses],
    element("plot"),
  );
  return {
    add(step, loss) {
      steps.push(step);
      losses.push(loss);
      if (step % STEPS_PER_FRAME === 0 || step === STEPS) plot.setData([steps, losses]);
    },
  };
}

async function train(result: DemoResult): Promise<tf.Session> {
  const rows = await loadPairs();
  const split = Math.floor(rows.length * 0.8);
  const trainRows = rows.slice(0, split);
  const test = batchOf(rows.slice(split));
  const m = buildModel();
  result.sharing = sharingTable();

  const sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  const logEl = element<HTMLPreElement>("log");
  const log = (line: string) => {
    result.log.push(line);
    logEl.textContent += `${line}\n`;
  };
  const distances = (): string => {
    const feeds = new Map([
      [m.x1, test.x1],
      [m.x2, test.x2],
    ]);
    const d = sess.run(m.distance, feeds).data as Float32Array;
    const label = test.y.data as Float32Array;
    const mean = (same: boolean): number => {
      let sum = 0;
      let n = 0;
      d.forEach((value, i) => {
        if ((label[i] === 1) === same) {
          sum += value;
          n++;
        }
      });
      return sum / n;
    };
    return `same ${mean(true).toFixed(4)}, different ${mean(false).toFixed(4)}`;
  };

  log(`held-out mean distance before training: ${distances()}`);
  const plot = lossPlot();
  const progress = element<HTMLProgressElement>("progress");
  const progressText = element("progress-text");
  const batchesPerEpoch = Math.floor(trainRows.length / BATCH_SIZE);
  const started = performance.now();
  for (let step = 1; step <= STEPS; step++) {
    const start = ((step - 1) % batchesPerEpoch) * BATCH_SIZE;
    const batch = batchOf(trainRows.slice(start, start + BATCH_SIZE));
    const feeds = new Map([
      [m.x1, batch.x1],
      [m.x2, batch.x2],
      [m.y, batch.y],
    ]);
    const [lossValue] = sess.run([m.loss, m.trainStep] as const, feeds);
    const loss = Number(lossValue.item());
    result.losses.push([step, loss]);
    plot.add(step, loss);
    if (step === 1 || step % 100 === 0) log(`step ${step}: loss ${loss.toFixed(4)}`);
    if (step % STEPS_PER_FRAME === 0) {
      progress.value = step;
      const seconds = (performance.now() - started) / 1000;
      progressText.textContent = `step ${step} of ${STEPS}, loss ${loss.toFixed(4)} (${seconds.toFixed(1)} s)`;
      await nextFrame();
    }
  }
  log(`held-out mean distance after training: ${distances()}`);
  return sess;
}

/** Saves to IndexedDB, scrambles the weights, restores, and checks every value came back. */
async function indexedDBRoundTrip(sess: tf.Session, result: DemoResult): Promise<void> {
  const saver = new tf.train.Saver(null, { maxToKeep: 2 });
  const variables = tf.globalVariables();
  const values = () => variables.map((v) => Array.from(sess.run(v).data as Float32Array));
  const trained = values();
  const path = await saver.saveAsync(sess, "indexeddb://siamese/model.ckpt", {
    globalStep: STEPS,
  });
  if (path === null) throw new Error("nothing saved");
  sess.run(variables.map((v) => tf.assign(v, tf.zerosLike(v))));
  await saver.restoreAsync(sess, path);
  const back = values();
  const restored = trained.every((t, i) => t.every((x, j) => x === back[i]?.[j]));
  const files = await tf.io.getFileSystem(path).list("indexeddb://siamese");
  result.idb = { ...result.idb, path, restored, files };
  const p = element("idb");
  p.className = restored ? "ok" : "bad";
  p.textContent = restored
    ? `Saved ${path} (${files.join(", ")}), zeroed every variable, restored: all ${variables.length} variables are back.`
    : `Restored values differ from the trained ones.`;
}

/** Restores TensorFlow 1.0's iris checkpoint from this server into a graph of its own. */
async function tfCheckpoint(result: DemoResult): Promise<void> {
  const graph = new tf.Graph();
  const vars = graph.asDefault(() =>
    tf.nameScope("nn", () => [
      ...tf.nameScope("hidden1", () => [
        new tf.Variable(tf.zeros([4, 50]), { name: "weights" }),
        new tf.Variable(tf.zeros([50]), { name: "biases" }),
      ]),
      ...tf.nameScope("output", () => [
        new tf.Variable(tf.zeros([50, 3]), { name: "weights" }),
        new tf.Variable(tf.zeros([3]), { name: "biases" }),
      ]),
    ]),
  );
  const saver = graph.asDefault(() => new tf.train.Saver(vars));
  using sess = new tf.Session({ graph });
  const url = new URL("/checkpoints/tf-intro-iris-tf1.0-saver/model.ckpt", location.href).href;
  await saver.restoreAsync(sess, url);
  result.tfCheckpoint = {};
  for (const v of vars) {
    const value = sess.run(v);
    const first = Array.from(value.data as Float32Array).slice(0, 4);
    result.tfCheckpoint[v.op.name] = { shape: value.shape, first };
    row("tf-checkpoint", [
      v.op.name,
      `(${value.shape.join(", ")}${value.shape.length === 1 ? "," : ""})`,
      first.map((x) => x.toPrecision(8)).join(", "),
    ]);
  }
}

async function main(): Promise<void> {
  element("backend").textContent = tf.getBackend();
  const result: DemoResult = {
    backend: tf.getBackend(),
    losses: [],
    log: [],
    sharing: {},
    idb: { path: "", restored: false, files: [], earlier: null },
    tfCheckpoint: {},
  };
  // What an earlier visit left in IndexedDB (the state file survives reloads).
  result.idb.earlier = await tf.train.latestCheckpointAsync("indexeddb://siamese");
  if (result.idb.earlier !== null) {
    element("idb").textContent =
      `A checkpoint from an earlier visit: ${result.idb.earlier}; training anew…`;
  }
  const sess = await train(result);
  try {
    await indexedDBRoundTrip(sess, result);
  } finally {
    sess.close();
  }
  await tfCheckpoint(result);
  window.demo = result;
}

main().catch((e: unknown) => {
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  window.demoError = message;
  console.error(message);
});
