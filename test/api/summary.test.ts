/**
 * The calling convention on tf.summary: TF 1.15's positional form and the options form
 * build the same graph (or write the same events); unknown keywords are refused.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectRefused, expectSameGraphs } from "./helpers.js";

describe("tf.summary ops", () => {
  it("scalar(name, tensor, collections, family)", () => {
    expectSameGraphs(
      () => tf.summary.scalar("s", tf.constant(1), ["c"], "f"),
      () =>
        tf.summary.scalar({ name: "s", tensor: tf.constant(1), collections: ["c"], family: "f" }),
      () => tf.summary.scalar("s", tf.constant(1), { collections: ["c"], family: "f" }),
    );
  });

  it("histogram(name, values, collections, family)", () => {
    expectSameGraphs(
      () => tf.summary.histogram("h", tf.constant([1, 2]), null, "f"),
      () => tf.summary.histogram({ name: "h", values: tf.constant([1, 2]), family: "f" }),
    );
  });

  it("image(name, tensor, max_outputs, collections, family)", () => {
    expectSameGraphs(
      () => tf.summary.image("i", tf.zeros([1, 2, 2, 3]), 2, ["c"]),
      () =>
        tf.summary.image({
          name: "i",
          tensor: tf.zeros([1, 2, 2, 3]),
          maxOutputs: 2,
          collections: ["c"],
        }),
    );
  });

  it("audio(name, tensor, sample_rate, max_outputs, collections, family)", () => {
    expectSameGraphs(
      () => tf.summary.audio("a", tf.zeros([1, 4]), 8000, 1, ["c"], "f"),
      () =>
        tf.summary.audio({
          name: "a",
          tensor: tf.zeros([1, 4]),
          sampleRate: 8000,
          maxOutputs: 1,
          collections: ["c"],
          family: "f",
        }),
    );
  });

  it("text(name, tensor, collections)", () => {
    expectSameGraphs(
      () => tf.summary.text("t", tf.constant("x"), ["c"]),
      () => tf.summary.text({ name: "t", tensor: tf.constant("x"), collections: ["c"] }),
    );
  });

  it("merge(inputs, collections, name) and merge_all(key, scope, name)", () => {
    expectSameGraphs(
      () => tf.summary.merge([tf.summary.scalar("a", tf.constant(1))], ["c"], "m"),
      () =>
        tf.summary.merge({
          inputs: [tf.summary.scalar("a", tf.constant(1))],
          collections: ["c"],
          name: "m",
        }),
    );
    expectSameGraphs(
      () => {
        tf.summary.scalar("a", tf.constant(1));
        tf.summary.mergeAll("summaries", null, "all");
      },
      () => {
        tf.summary.scalar("a", tf.constant(1));
        tf.summary.mergeAll({ key: "summaries", name: "all" });
      },
    );
  });

  it("refuses unknown keywords, leaving the graph unchanged", () => {
    expectRefused(
      () => tf.summary.scalar("s", 1, { familly: "f" } as never),
      "summary.scalar() got an unexpected keyword argument 'familly' (did you mean 'family'?)",
    );
  });
});

describe("tf.summary.FileWriter", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "api-summary-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const steps = (path: string): unknown[] =>
    [...tf.train.summaryIterator(path)]
      .slice(1)
      .map((e) => [e.step, e.summary, e.sessionLog, e.taggedRunMetadata?.tag]);

  it("positional and options forms write the same events", () => {
    const a = new tf.summary.FileWriter(join(dir, "a"), null, 5, 60, null, ".x");
    const b = new tf.summary.FileWriter({
      logdir: join(dir, "b"),
      maxQueue: 5,
      flushSecs: 60,
      filenameSuffix: ".x",
    });
    const summary = { value: [{ tag: "v", simpleValue: 2 }] };
    a.addSummary(summary, 3);
    b.addSummary({ summary, globalStep: 3 });
    a.addSessionLog({ status: 2 }, 4);
    b.addSessionLog({ sessionLog: { status: 2 }, globalStep: 4 });
    a.addRunMetadata({}, "r", 5);
    b.addRunMetadata({ runMetadata: {}, tag: "r", globalStep: 5 });
    a.addEvent({ step: 9 });
    b.addEvent({ event: { step: 9 } });
    a.flush();
    b.flush({});
    a.close();
    b.close({});
    expect(a.path.endsWith(".x")).toBe(true);
    expect(a.getLogdir()).toBe(join(dir, "a"));
    expect(steps(a.path)).toEqual(steps(b.path));
    expect(steps(a.path).length).toBe(4);
    expect(() => new tf.summary.FileWriter({ logdir: dir, maxQueu: 3 } as never)).toThrow(
      "unexpected keyword argument 'maxQueu'",
    );
  });

  it("FileWriterCache.get(logdir) and clear()", () => {
    const w = tf.summary.FileWriterCache.get(join(dir, "c"));
    expect(tf.summary.FileWriterCache.get({ logdir: join(dir, "c") })).toBe(w);
    expect(() => tf.summary.FileWriterCache.get({ log_dir: dir } as never)).toThrow(
      "summary.FileWriterCache.get() got an unexpected keyword argument 'log_dir' (did you mean 'logdir'?)",
    );
    tf.summary.FileWriterCache.clear({});
    expect(tf.summary.FileWriterCache.get(join(dir, "c"))).not.toBe(w);
    tf.summary.FileWriterCache.clear();
  });
});
