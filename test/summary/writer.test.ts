import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import * as tfc from "@tensorflow/tfjs-core";
import { afterAll, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { encodeTFRecord } from "../../src/io/tfrecord_format.js";

const FIX = join(import.meta.dirname, "../fixtures/tf-events");
const dir = mkdtempSync(join(tmpdir(), "summary-writer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const logdir = (): string => join(dir, `run${n++}`);

describe("tf.summary.FileWriter", () => {
  it("writes events.out.tfevents.<secs>.<host>, first the file version", () => {
    const before = Math.floor(Date.now() / 1000);
    const w = new tf.summary.FileWriter(logdir());
    w.addSummary({ value: [{ tag: "loss", simpleValue: 0.5 }] }, 7);
    w.close();
    const name = w.path.split("/").pop() as string;
    const m = /^events\.out\.tfevents\.(\d{10})\.(.+)$/.exec(name);
    expect(m?.[2]).toBe(hostname());
    expect(Number(m?.[1])).toBeGreaterThanOrEqual(before);
    const events = [...tf.train.summaryIterator(w.path)];
    expect(events.length).toBe(2);
    expect(events[0]?.fileVersion).toBe("brain.Event:2");
    // C++'s EventsWriter stamps the version event with whole seconds.
    expect(events[0]?.wallTime).toBe(Number(m?.[1]));
    expect(events[1]?.step).toBe(7);
    expect(events[1]?.wallTime).toBeGreaterThanOrEqual(before);
    expect(events[1]?.summary?.value?.[0]?.simpleValue).toBe(0.5);
  });

  it("encodes events as TF does: the TF-written scalar events rebuilt byte for byte", () => {
    const file = join(FIX, "events-lingvo-scalars/events.out.tfevents.test");
    const tfBytes = readFileSync(file);
    const w = new tf.summary.FileWriter(logdir(), { maxQueue: 1000 });
    const original = [...tf.train.summaryIterator(file)];
    // Rebuild each summary event from decoded values, through the writer's addEvent.
    for (const e of original.slice(1))
      w.addEvent({
        wallTime: e.wallTime,
        step: e.step,
        summary: {
          value: (e.summary?.value ?? []).map((v) => ({ tag: v.tag, simpleValue: v.simpleValue })),
        },
      });
    w.close();
    const ours = readFileSync(w.path);
    const firstRecordLength = 12 + Number(tfBytes.readBigUInt64LE(0)) + 4;
    const ourFirst = 12 + Number(ours.readBigUInt64LE(0)) + 4;
    // Everything after the version record (whose wall time differs) is identical.
    expect(Buffer.compare(ours.subarray(ourFirst), tfBytes.subarray(firstRecordLength))).toBe(0);
    // and the version record is TF's encoding of our own time
    const version = tf.Event.toBinary({
      wallTime: [...tf.train.summaryIterator(w.path)][0]?.wallTime,
      fileVersion: "brain.Event:2",
    });
    expect(Buffer.compare(ours.subarray(0, ourFirst), encodeTFRecord(version))).toBe(0);
  });

  it("the Keras-written file's graph and scalar events re-encode to the same bytes", () => {
    const file = join(
      FIX,
      "events-wandb-keras-graph-tf1.13/events.out.tfevents.111.test.localdomain",
    );
    const records = [...tf.io.tfRecordIterator(file)];
    const w = new tf.summary.FileWriter(logdir(), { maxQueue: 1000 });
    const events = records.map((r) => tf.Event.fromBinary(r));
    const graph = events[1]?.graphDef as Uint8Array;
    w.addGraph(tf.GraphDef.fromBinary(graph));
    for (const e of events.slice(1)) w.addEvent(e);
    w.close();
    const back = [...tf.io.tfRecordIterator(w.path)];
    // the graph event: same GraphDef bytes
    expect(
      Buffer.compare(tf.Event.fromBinary(back[1] as Uint8Array).graphDef as Uint8Array, graph),
    ).toBe(0);
    // the events as given: TF's bytes
    back
      .slice(2)
      .forEach((r, i) => expect(Buffer.compare(r, records[i + 1] as Uint8Array)).toBe(0));
  });

  it("writes sess.run's summaries, graph defs, run metadata and session logs", () => {
    const g = new tf.Graph();
    const w = new tf.summary.FileWriter(logdir(), {
      graph: tf.GraphDef.create({ node: [{ name: "c", op: "Const" }] }),
    });
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [null]);
      tf.summary.scalar("avg", tf.reduceMean(x));
      tf.summary.histogram("x", x);
      tf.summary.text("note", tf.constant("hi"));
      const merged = tf.summary.mergeAll() as tf.Tensor;
      using sess = new tf.Session();
      for (let step = 0; step < 3; step++)
        w.addSummary(sess.run(merged, new Map([[x, [step, step + 1]]])), step);
    });
    w.addRunMetadata({ stepStats: { devStats: [{ device: "/cpu:0" }] } }, "step0", 0);
    expect(() => w.addRunMetadata({}, "step0")).toThrow(
      "The provided tag was already used for this event type",
    );
    w.addSessionLog({ status: 1 }, 5); // START
    w.close();
    const events = [...tf.train.summaryIterator(w.path)];
    expect(events[1]?.graphDef?.length).toBeGreaterThan(0);
    const summaries = events.filter((e) => e.summary);
    expect(summaries.map((e) => e.step)).toEqual([0, 1, 2]);
    expect(summaries.map((e) => e.summary?.value?.map((v) => v.tag))).toEqual([
      ["avg", "x", "note"],
      ["avg", "x", "note"],
      ["avg", "x", "note"],
    ]);
    expect(summaries.map((e) => e.summary?.value?.[0]?.simpleValue)).toEqual([0.5, 1.5, 2.5]);
    // metadata only with the first value of a tag
    expect(
      summaries.map((e) => e.summary?.value?.[2]?.metadata?.pluginData?.pluginName ?? null),
    ).toEqual(["text", null, null]);
    const rm = events.find((e) => e.taggedRunMetadata);
    expect(rm?.taggedRunMetadata?.tag).toBe("step0");
    expect(
      tf.RunMetadata.fromBinary(rm?.taggedRunMetadata?.runMetadata as Uint8Array).stepStats
        ?.devStats?.[0]?.device,
    ).toBe("/cpu:0");
    expect(events.at(-1)?.sessionLog?.status).toBe(1);
    expect(events.at(-1)?.step).toBe(5);
  });

  it("queues up to maxQueue events; flush and close write them; closed writers drop events until reopened", () => {
    const w = new tf.summary.FileWriter(logdir(), { maxQueue: 3, filenameSuffix: ".v1" });
    expect(w.path.endsWith(".v1")).toBe(true);
    const count = (): number => [...tf.io.tfRecordIterator(w.path)].length;
    w.addSummary({ value: [{ tag: "a", simpleValue: 1 }] }, 1);
    w.addSummary({ value: [{ tag: "a", simpleValue: 2 }] }, 2);
    expect(count()).toBe(1);
    w.addSummary({ value: [{ tag: "a", simpleValue: 3 }] }, 3);
    expect(count()).toBe(4);
    w.addSummary({ value: [{ tag: "a", simpleValue: 4 }] }, 4);
    expect(count()).toBe(4);
    w.flush();
    expect(count()).toBe(5);
    w.addSummary({ value: [{ tag: "a", simpleValue: 5 }] }, 5);
    w.close();
    expect(count()).toBe(6);
    w.addSummary({ value: [{ tag: "a", simpleValue: 6 }] }, 6);
    w.close();
    const first = w.path;
    expect(count()).toBe(6);
    w.reopen();
    expect(w.path).not.toBe(first);
    w.addSummary({ value: [{ tag: "a", simpleValue: 7 }] }, 7);
    w.close();
    expect([...tf.train.summaryIterator(w.path)].map((e) => e.step)).toEqual([0, 7]);
  });

  it("flushes on a timer that does not keep Node alive", async () => {
    const w = new tf.summary.FileWriter(logdir(), { flushSecs: 0.05 });
    w.addSummary({ value: [{ tag: "t", simpleValue: 1 }] }, 1);
    expect([...tf.io.tfRecordIterator(w.path)].length).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    expect([...tf.io.tfRecordIterator(w.path)].length).toBe(2);
    const timer = (w as unknown as { timer: { hasRef(): boolean } }).timer;
    expect(timer.hasRef()).toBe(false);
    w.close();
    expect((w as unknown as { timer: unknown }).timer).toBeNull();
  });

  it("several writers on one logdir write distinct files", () => {
    const d = logdir();
    const writers = [0, 1, 2].map(() => new tf.summary.FileWriter(d));
    writers.forEach((w, i) => w.addSummary({ value: [{ tag: "w", simpleValue: i }] }, i));
    writers.forEach((w) => w.close());
    expect(new Set(writers.map((w) => w.path)).size).toBe(3);
    expect(readdirSync(d).length).toBe(3);
    writers.forEach((w, i) =>
      expect([...tf.train.summaryIterator(w.path)][1]?.summary?.value?.[0]?.simpleValue).toBe(i),
    );
  });

  it("bad input: a non-summary array, a Graph without export, graph and graphDef together", () => {
    const w = new tf.summary.FileWriter(logdir());
    expect(() => w.addSummary(tf.NDArray.fromNested([1, 2]))).toThrow(
      "a summary from sess.run is a string scalar",
    );
    expect(() => w.addSummary(Uint8Array.of(0xff))).toThrow("malformed or truncated");
    expect(() => w.addSummary({ value: [] }, 1.5)).toThrow("globalStep must be an integer");
    expect(
      () =>
        new tf.summary.FileWriter(logdir(), {
          graph: new Uint8Array(0),
          graphDef: new Uint8Array(0),
        }),
    ).toThrow("Please pass only graph, or graph_def (deprecated), but not both.");
    // A Graph goes through graph export (graph.asGraphDef) when this build has it.
    const g = new tf.Graph();
    g.asDefault(() => tf.constant(1, tf.float32, [], "c"));
    const exporter = (g as unknown as { asGraphDef?: unknown }).asGraphDef;
    if (typeof exporter === "function") {
      w.addGraph(g);
      w.flush();
      const last = [...tf.train.summaryIterator(w.path)].at(-1);
      expect(tf.GraphDef.fromBinary(last?.graphDef as Uint8Array).node.map((n) => n.name)).toEqual([
        "c",
      ]);
    } else
      expect(() => w.addGraph(g)).toThrow(
        "This build of scopeflow cannot export a Graph to a GraphDef yet: pass a GraphDef message or its bytes",
      );
    w.close();
    expect(statSync(w.path).size).toBeGreaterThan(0);
  });

  it("memory stays flat over many summary runs and writes", () => {
    const g = new tf.Graph();
    const w = new tf.summary.FileWriter(logdir());
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [100]);
      tf.summary.histogram("x", x);
      tf.summary.image("im", tf.reshape(x, [1, 10, 10, 1]));
      const merged = tf.summary.mergeAll() as tf.Tensor;
      using sess = new tf.Session();
      const feed = new Map([[x, Array.from({ length: 100 }, (_, i) => i)]]);
      w.addSummary(sess.run(merged, feed), 0);
      const start = engineTensors();
      for (let i = 1; i < 50; i++) w.addSummary(sess.run(merged, feed), i);
      expect(engineTensors()).toBe(start);
    });
    w.close();
    expect([...tf.train.summaryIterator(w.path)].length).toBe(51);
  });
});

function engineTensors(): number {
  return tfc.memory().numTensors;
}
