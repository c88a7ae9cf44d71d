/**
 * `tf.train.MonitoredTrainingSession`, `MonitoredSession`, `Scaffold` and the basic hooks,
 * against TF 1.15's `monitored_session.py` and `basic_session_run_hooks.py`: a training
 * loop that stops at a step, saves checkpoints, resumes from them in a second session,
 * and logs tensors.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as tf from "../../src/index.js";

let dir: string;
let infos: string[];

beforeEach(() => {
  tf.resetDefaultGraph();
  dir = mkdtempSync(join(tmpdir(), "scopeflow-mts-"));
  infos = [];
  vi.spyOn(console, "info").mockImplementation((m: unknown) => {
    infos.push(String(m));
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** y = 2x + 1 by gradient descent, with the global step. */
function buildModel() {
  const x = tf.constant([[0], [1], [2], [3]], { name: "x" });
  const y = tf.constant([[1], [3], [5], [7]], { name: "y" });
  const w = tf.getVariable("w", [1, 1], { initializer: tf.zerosInitializer() });
  const b = tf.getVariable("b", [1], { initializer: tf.zerosInitializer() });
  const loss = tf.reduceMean(tf.square(tf.subtract(tf.add(tf.matmul(x, w), b), y)), {
    name: "loss",
  });
  const step = tf.train.getOrCreateGlobalStep();
  const train = new tf.train.GradientDescentOptimizer(0.05).minimize(loss, { globalStep: step });
  return { w, b, loss, step, train };
}

function num(v: unknown): number {
  return Number((v as tf.NDArray).item());
}

describe("MonitoredTrainingSession", () => {
  it("trains to StopAtStepHook's step, saving checkpoints; a second session resumes there", () => {
    const m = buildModel();
    const logging = new tf.train.LoggingTensorHook({ loss: m.loss }, { everyNIter: 2 });
    const losses: number[] = [];
    {
      using sess = tf.train.MonitoredTrainingSession({
        checkpointDir: dir,
        saveCheckpointSteps: 2,
        hooks: [new tf.train.StopAtStepHook({ numSteps: 5 }), logging],
      });
      expect(tf.getDefaultGraph().finalized).toBe(true);
      while (!sess.shouldStop()) {
        const [, loss] = sess.run([m.train, m.loss]) as [null, tf.NDArray];
        losses.push(num(loss));
      }
      expect(losses.length).toBe(5);
    }
    expect(tf.getDefaultGraph().finalized).toBe(false);
    // Saved at the start (0), every 2 steps, and at the end (5).
    const state = tf.train.getCheckpointState(dir);
    expect(state?.allModelCheckpointPaths).toEqual(
      [0, 2, 4, 5].map((s) => join(dir, `model.ckpt-${s}`)),
    );
    expect(tf.train.latestCheckpoint(dir)).toBe(join(dir, "model.ckpt-5"));
    expect(infos).toContain(
      `INFO:tensorflow:Saving checkpoints for 0 into ${join(dir, "model.ckpt")}.`,
    );
    expect(infos).toContain(
      `INFO:tensorflow:Saving checkpoints for 5 into ${join(dir, "model.ckpt")}.`,
    );
    // LoggingTensorHook: iterations 0, 2, 4, with the seconds since the last line.
    const logged = infos.filter((l) => l.startsWith("INFO:tensorflow:loss = "));
    expect(logged.length).toBe(3);
    expect(logged[0]).toBe("INFO:tensorflow:loss = 21.0");
    expect(logged[1]).toMatch(/^INFO:tensorflow:loss = [0-9.]+ \(\d+\.\d{3} sec\)$/);
    expect(Number(/loss = ([0-9.]+)/.exec(logged[1] as string)?.[1])).toBeCloseTo(
      losses[2] as number,
      4,
    );
    const savedW = tf.train.loadVariable(dir, "w").toArray();

    // The same program again: the newest checkpoint is restored, not initialized.
    tf.resetDefaultGraph();
    const m2 = buildModel();
    let startStep = -1;
    let startW: unknown = null;
    class Probe extends tf.train.SessionRunHook {
      override afterCreateSession(session: tf.Session) {
        startStep = num(session.run(m2.step));
        startW = session.run(m2.w).toArray();
      }
    }
    {
      using sess = tf.train.MonitoredTrainingSession({
        checkpointDir: dir,
        saveCheckpointSteps: 2,
        hooks: [new Probe(), new tf.train.StopAtStepHook({ numSteps: 3 })],
      });
      while (!sess.shouldStop()) sess.run(m2.train);
    }
    expect(Number(tf.train.loadVariable(dir, "global_step").item())).toBe(8);
    expect(startStep).toBe(5);
    expect(startW).toEqual(savedW);
    expect(tf.train.latestCheckpoint(dir)).toBe(join(dir, "model.ckpt-8"));
    // Resumed at 5 (saved again), every 2 steps (7), at the end (8); maxToKeep 5 drops 0.
    expect(tf.train.getCheckpointState(dir)?.allModelCheckpointPaths).toEqual(
      [2, 4, 5, 7, 8].map((s) => join(dir, `model.ckpt-${s}`)),
    );
  });

  it("using after a failed run skips the hooks' end (no last checkpoint), as Python's with", () => {
    const m = buildModel();
    const bad = tf.placeholder(tf.float32, [], "bad");
    {
      using sess = tf.train.MonitoredTrainingSession({
        checkpointDir: dir,
        saveCheckpointSteps: 100,
      });
      sess.run(m.train);
      sess.run(m.train);
      expect(() => sess.run(bad)).toThrow(tf.errors.InvalidArgumentError);
    }
    // Only the checkpoint written when the session was created.
    expect(tf.train.getCheckpointState(dir)?.allModelCheckpointPaths).toEqual([
      join(dir, "model.ckpt-0"),
    ]);
    tf.resetDefaultGraph();
    const m2 = buildModel();
    {
      using sess = tf.train.MonitoredTrainingSession({
        checkpointDir: dir,
        saveCheckpointSteps: 100,
      });
      sess.run(m2.train);
    }
    expect(tf.train.latestCheckpoint(dir)).toBe(join(dir, "model.ckpt-1"));
  });

  it("lastStep stops at an absolute step; without checkpointDir nothing is saved", () => {
    const m = buildModel();
    using sess = tf.train.MonitoredTrainingSession({
      hooks: [new tf.train.StopAtStepHook({ lastStep: 3 })],
    });
    let runs = 0;
    while (!sess.shouldStop()) {
      sess.run(m.train);
      runs += 1;
    }
    expect(runs).toBe(3);
    expect(infos.some((l) => l.includes("Saving checkpoints"))).toBe(false);
  });

  it("refuses what one process cannot do, before building anything", () => {
    buildModel();
    const before = tf.getDefaultGraph().getOperations().length;
    expect(() => tf.train.MonitoredTrainingSession({ isChief: false })).toThrow(
      /argument 'is_chief=False' is not supported: a non-chief worker waits/,
    );
    expect(() => tf.train.MonitoredTrainingSession({ master: "grpc://host:2222" })).toThrow(
      tf.errors.ValueError,
    );
    expect(() => tf.train.MonitoredTrainingSession({ save_checkpoint_steps: 1 } as never)).toThrow(
      /did you mean 'saveCheckpointSteps'/,
    );
    expect(tf.getDefaultGraph().getOperations().length).toBe(before);
    expect(tf.getDefaultGraph().finalized).toBe(false);
  });

  it("saveCheckpointSteps: null and saveCheckpointSecs: null add no CheckpointSaverHook", () => {
    const m = buildModel();
    {
      using sess = tf.train.MonitoredTrainingSession({
        checkpointDir: dir,
        saveCheckpointSecs: null,
        hooks: [new tf.train.StopAtStepHook(2)],
      });
      while (!sess.shouldStop()) sess.run(m.train);
    }
    expect(existsSync(join(dir, "checkpoint"))).toBe(false);
  });

  it("logs global_step/sec every logStepCountSteps steps (StepCounterHook)", () => {
    const m = buildModel();
    {
      using sess = tf.train.MonitoredTrainingSession({
        checkpointDir: dir,
        logStepCountSteps: 2,
        hooks: [new tf.train.StopAtStepHook(6)],
      });
      while (!sess.shouldStop()) sess.run(m.train);
    }
    // The timer starts at step 1 and logs a rate at steps 3 and 5, as TF's does.
    const rates = infos.filter((l) => l.startsWith("INFO:tensorflow:global_step/sec: "));
    expect(rates.length).toBe(2);
    expect(rates[0]).toMatch(/^INFO:tensorflow:global_step\/sec: [0-9.e+]+$/);
  });
});

describe("MonitoredSession and hooks", () => {
  it("calls the hooks in TF's order, merges their fetches and feeds, and stops on request", () => {
    const x = tf.placeholder(tf.float32, [], "x");
    const k = tf.placeholder(tf.float32, [], "k");
    const y = tf.multiply(x, k, { name: "y" });
    const calls: string[] = [];
    class Recorder extends tf.train.SessionRunHook {
      override begin() {
        calls.push(`begin finalized=${tf.getDefaultGraph().finalized}`);
      }
      override afterCreateSession(_s: tf.Session, coord: null) {
        calls.push(`after_create coord=${String(coord)}`);
      }
      override beforeRun(ctx: tf.train.SessionRunContext) {
        calls.push(`before_run ${String(ctx.originalArgs.fetches === y)}`);
        return new tf.train.SessionRunArgs({ doubled: y }, new Map([[k, 2]]));
      }
      override afterRun(ctx: tf.train.SessionRunContext, values: tf.train.SessionRunValues) {
        const doubled = (values.results as { doubled: tf.NDArray }).doubled;
        calls.push(`after_run ${String(doubled)}`);
        if (doubled.item() > 5) ctx.requestStop();
      }
      override end() {
        calls.push("end");
      }
    }
    const sess = new tf.train.MonitoredSession({ hooks: [new Recorder()] });
    expect(String(sess.run(y, new Map([[x, 1]])))).toBe("2.0");
    expect(sess.shouldStop()).toBe(false);
    expect(String(sess.run(y, { "x:0": 3 }))).toBe("6.0");
    expect(sess.shouldStop()).toBe(true);
    expect(() => sess.run(y, new Map([[k, 1]]))).toThrow(
      "Run called even after should_stop requested.",
    );
    sess.close();
    expect(() => sess.close()).toThrow("Session is already closed.");
    expect(calls).toEqual([
      "begin finalized=false",
      "after_create coord=null",
      "before_run true",
      "after_run 2.0",
      "before_run true",
      "after_run 6.0",
      "end",
    ]);
  });

  it("refuses a tensor fed by a hook and the caller", () => {
    const x = tf.placeholder(tf.float32, [], "x");
    class Feeder extends tf.train.SessionRunHook {
      override beforeRun() {
        return new tf.train.SessionRunArgs(null, new Map([[x, 1]]));
      }
    }
    using sess = new tf.train.MonitoredSession({ hooks: [new Feeder()] });
    expect(String(sess.run(tf.getDefaultGraph().getTensorByName("x:0")))).toBe("1.0");
    expect(() => sess.run(x, { "x:0": 2 })).toThrow(
      "Same tensor is fed by a SessionRunHook and user. Conflict(s): [x:0]",
    );
  });

  it("NanTensorHook throws NanLossDuringTrainingError, or stops with failOnNanLoss false", () => {
    const v = tf.getVariable("v", [], { initializer: tf.constantInitializer(1) });
    const loss = tf.log(tf.subtract(v, 2));
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((m: unknown) => {
      errors.push(String(m));
    });
    vi.spyOn(console, "warn").mockImplementation(() => {});
    {
      using sess = new tf.train.SingularMonitoredSession({
        hooks: [new tf.train.NanTensorHook(loss)],
      });
      expect(() => sess.run(v)).toThrow(tf.train.NanLossDuringTrainingError);
      expect(() => sess.run(v)).not.toThrow("Run called even after");
    }
    expect(errors).toContain("ERROR:tensorflow:Model diverged with loss = NaN.");
    using sess = new tf.train.SingularMonitoredSession({
      hooks: [new tf.train.NanTensorHook(loss, false)],
    });
    sess.run(v);
    expect(sess.shouldStop()).toBe(true);
  });

  it("LoggingTensorHook: a list of names, atEnd, and a formatter", () => {
    tf.getVariable("v", [2], { initializer: tf.constantInitializer(1.5) });
    const x = tf.placeholder(tf.float32, [], "x");
    const sq = tf.square(x, { name: "sq" });
    const hooks = [
      new tf.train.LoggingTensorHook(["v"], { atEnd: true }),
      new tf.train.LoggingTensorHook({ sq }, 1, {
        formatter: (vals: tf.train.TensorValues) => `sq is ${String(vals.sq)}`,
      }),
      new tf.train.LoggingTensorHook([sq], { everyNSecs: 3600 }),
    ];
    {
      using sess = new tf.train.MonitoredSession({ hooks });
      sess.run(sq, new Map([[x, 2]]));
      sess.run(sq, new Map([[x, 3]]));
    }
    expect(infos.filter((l) => l.includes("sq") || l.includes("v ="))).toEqual([
      "INFO:tensorflow:sq is 4.0",
      `INFO:tensorflow:${String(sq)} = 4.0`,
      "INFO:tensorflow:sq is 9.0",
      "INFO:tensorflow:v = [1.5 1.5]",
    ]);
  });

  it("the hooks' argument errors are TF's", () => {
    expect(() => new tf.train.StopAtStepHook()).toThrow(
      "One of num_steps or last_step must be specified.",
    );
    expect(() => new tf.train.StopAtStepHook(1, 2)).toThrow(
      "Only one of num_steps or last_step can be specified.",
    );
    expect(() => new tf.train.LoggingTensorHook(["a"])).toThrow(
      "either at_end and/or exactly one of every_n_iter and every_n_secs must be provided.",
    );
    expect(() => new tf.train.LoggingTensorHook(["a"], 0)).toThrow("invalid every_n_iter=0.");
    expect(() => new tf.train.CheckpointSaverHook(dir)).toThrow(
      "Either every_secs or every_steps should be provided.",
    );
    expect(() => new tf.train.CheckpointSaverHook(dir, 1, 2)).toThrow(
      "Can not provide both every_secs and every_steps.",
    );
    expect(() => new tf.train.StepCounterHook({ everyNSecs: 3 })).toThrow(
      "exactly one of every_n_steps and every_n_secs should be provided.",
    );
    expect(() => new tf.train.StepCounterHook({ everyNSteps: null, everyNSecs: 3 })).not.toThrow();
    const saver = new tf.train.Saver([tf.getVariable("q", [1])]);
    expect(
      () =>
        new tf.train.CheckpointSaverHook(dir, {
          saveSteps: 1,
          saver,
          scaffold: new tf.train.Scaffold(),
        }),
    ).toThrow("You cannot provide both saver and scaffold.");
  });

  it("StopAtStepHook needs a global step", () => {
    tf.getVariable("v", [1]);
    expect(
      () => new tf.train.MonitoredSession({ hooks: [new tf.train.StopAtStepHook(1)] }),
    ).toThrow("Global step should be created to use StopAtStepHook.");
  });
});

describe("Scaffold and ChiefSessionCreator", () => {
  it("builds TF 1.15's default ops and collections", () => {
    tf.getVariable("w", [1]);
    tf.getLocalVariable("count", [], { dtype: tf.int32 });
    const scaffold = new tf.train.Scaffold().finalize();
    const g = tf.getDefaultGraph();
    expect(scaffold.initOp?.name).toBe("group_deps");
    expect(scaffold.readyOp?.name).toBe("concat:0");
    expect(scaffold.readyForLocalInitOp?.name).toBe("concat_1:0");
    expect(scaffold.localInitOp?.name).toBe("group_deps_1");
    expect(g.getCollection("init_op")).toEqual([scaffold.initOp]);
    expect(g.getCollection("ready_op")).toEqual([scaffold.readyOp]);
    expect(g.getCollection("local_init_op")).toEqual([scaffold.localInitOp]);
    expect(g.getCollection("savers")).toEqual([scaffold.saver]);
    expect((scaffold.initOp as tf.Operation).controlInputs.map((o) => o.name)).toEqual([
      "init",
      "init_1",
    ]);
    expect(g.finalized).toBe(true);
    expect(infos).toContain("INFO:tensorflow:Graph was finalized.");
  });

  it("initFn runs when nothing was restored; an init that leaves variables out is an error", () => {
    const w = tf.getVariable("w", [], { initializer: tf.constantInitializer(1) });
    let seen: tf.train.Scaffold | null = null;
    const scaffold = new tf.train.Scaffold({
      initFn: (s: tf.train.Scaffold, sess: tf.Session) => {
        seen = s;
        w.load(7, sess);
      },
    });
    const sess = new tf.train.ChiefSessionCreator(scaffold).createSession();
    expect(seen).toBe(scaffold);
    expect(String(sess.run(w))).toBe("7.0");
    sess.close();

    tf.resetDefaultGraph();
    tf.getVariable("w", [1]);
    const bad = new tf.train.Scaffold({ initOp: tf.noOp({ name: "nothing" }) });
    expect(() => new tf.train.ChiefSessionCreator({ scaffold: bad }).createSession()).toThrow(
      "Init operations did not make model ready for local_init.  Init op: nothing, init fn: None, error: Variables not initialized: w",
    );
  });

  it("a given saver's checkpoint file is restored (checkpointFilenameWithPath)", () => {
    const w = tf.getVariable("w", [], { initializer: tf.constantInitializer(1) });
    const saver = new tf.train.Saver();
    {
      using sess = new tf.Session();
      sess.run(tf.globalVariablesInitializer());
      w.load(42, sess);
      saver.save(sess, join(dir, "m"));
    }
    using sess = new tf.train.SingularMonitoredSession({
      checkpointFilenameWithPath: join(dir, "m"),
    });
    expect(String(sess.rawSession().run(w))).toBe("42.0");
  });
});

/** The events of the one event file in `logdir`, read back. */
function eventsIn(logdir: string) {
  const files = readdirSync(logdir).filter((f) => f.startsWith("events.out.tfevents."));
  expect(files.length).toBe(1);
  return [...tf.train.summaryIterator(join(logdir, files[0] as string))];
}

describe("summaries (SummarySaverHook, StepCounterHook, FileWriterCache)", () => {
  it("MonitoredTrainingSession writes tf.summary.scalar of the loss every saveSummariesSteps, and global_step/sec", () => {
    const m = buildModel();
    // Named as its own op: "loss" is taken by the loss, so TF would tag it "loss_1".
    tf.summary.scalar("train_loss", m.loss);
    const losses: number[] = [];
    {
      using sess = tf.train.MonitoredTrainingSession({
        checkpointDir: dir,
        saveSummariesSteps: 2,
        logStepCountSteps: 2,
        hooks: [new tf.train.StopAtStepHook(6)],
      });
      while (!sess.shouldStop()) losses.push(num(sess.run([m.train, m.loss])[1]));
    }
    const events = eventsIn(dir);
    expect(events[0]?.fileVersion).toBe("brain.Event:2");
    // CheckpointSaverHook logs its first save (step 0) in the same writer, as TF's does.
    expect(events[1]?.sessionLog?.status).toBe(3);
    expect(events[1]?.sessionLog?.checkpointPath).toBe(join(dir, "model.ckpt"));
    expect(Number(events[1]?.step)).toBe(0);
    // TF's SummarySaverHook writes START then fetches the summaries on the first run,
    // stamped with the global step read after it (1), then every 2 steps: 1, 3, 5.
    expect(events[2]?.sessionLog?.status).toBe(1);
    expect(Number(events[2]?.step)).toBe(1);
    const lossEvents = events.filter((e) => e.summary?.value?.[0]?.tag === "train_loss");
    expect(lossEvents.map((e) => Number(e.step))).toEqual([1, 3, 5]);
    // The value is the loss computed in that run, before its update: runs 0, 2, 4.
    lossEvents.forEach((e, i) => {
      expect(e.summary?.value?.[0]?.simpleValue).toBeCloseTo(losses[2 * i] as number, 5);
    });
    const rates = events.filter((e) => e.summary?.value?.[0]?.tag === "global_step/sec");
    expect(rates.map((e) => Number(e.step))).toEqual([3, 5]);
    for (const r of rates) expect(r.summary?.value?.[0]?.simpleValue).toBeGreaterThan(0);
  });

  it("saveSummariesSteps: null adds no SummarySaverHook, and without a summary dir nothing is written", () => {
    const m = buildModel();
    tf.summary.scalar("loss", m.loss);
    {
      using sess = tf.train.MonitoredTrainingSession({
        checkpointDir: dir,
        saveSummariesSteps: null,
        logStepCountSteps: null,
        saveCheckpointSecs: null,
        hooks: [new tf.train.StopAtStepHook(3)],
      });
      while (!sess.shouldStop()) sess.run(m.train);
    }
    // The cached writer was never made: no event file.
    expect(readdirSync(dir)).toEqual([]);
  });

  it("SummarySaverHook alone with saveSteps and a summaryWriter, in a MonitoredSession", () => {
    const m = buildModel();
    const s = tf.summary.scalar("loss", m.loss);
    const logdir = join(dir, "hook");
    const writer = new tf.summary.FileWriter(logdir);
    const hook = new tf.train.SummarySaverHook({
      saveSteps: 3,
      summaryWriter: writer,
      summaryOp: s,
    });
    {
      using sess = new tf.train.MonitoredSession({
        hooks: [hook, new tf.train.StopAtStepHook({ lastStep: 8 })],
      });
      while (!sess.shouldStop()) sess.run(m.train);
    }
    // Flushed at end, as TF's `end` does; closing is the writer owner's business.
    const events = [...tf.train.summaryIterator(writer.path)];
    writer.close();
    expect(events[1]?.sessionLog?.status).toBe(1);
    const steps = events.filter((e) => e.summary !== undefined && e.summary !== null);
    expect(steps.map((e) => Number(e.step))).toEqual([1, 4, 7]);
  });

  it("SummarySaverHook with outputDir writes through FileWriterCache; a scaffold without summaries writes only START", () => {
    const m = buildModel();
    const logdir = join(dir, "cached");
    const scaffold = new tf.train.Scaffold();
    const hook = new tf.train.SummarySaverHook({ saveSteps: 1, outputDir: logdir, scaffold });
    {
      using sess = new tf.train.MonitoredSession({
        sessionCreator: new tf.train.ChiefSessionCreator({ scaffold }),
        hooks: [hook, new tf.train.StopAtStepHook({ lastStep: 2 })],
      });
      while (!sess.shouldStop()) sess.run(m.train);
    }
    expect(scaffold.summaryOp).toBe(null);
    const writer = tf.summary.FileWriterCache.get(logdir);
    expect(writer.getLogdir()).toBe(logdir);
    const events = eventsIn(logdir);
    expect(events.map((e) => e.sessionLog?.status ?? null)).toEqual([null, 1]);
    tf.summary.FileWriterCache.clear();
    expect(tf.summary.FileWriterCache.get(logdir)).not.toBe(writer);
    tf.summary.FileWriterCache.clear();
    // The cache belongs to the default graph: a new graph has its own writers.
    const again = tf.summary.FileWriterCache.get(logdir);
    tf.resetDefaultGraph();
    expect(tf.summary.FileWriterCache.get(logdir)).not.toBe(again);
    tf.summary.FileWriterCache.clear();
    again.close();
  });

  it("StepCounterHook writes global_step/sec to its summaryWriter", () => {
    const m = buildModel();
    const writer = new tf.summary.FileWriter(join(dir, "rate"));
    {
      using sess = new tf.train.MonitoredSession({
        hooks: [
          new tf.train.StepCounterHook({ everyNSteps: 2, summaryWriter: writer }),
          new tf.train.StopAtStepHook({ lastStep: 5 }),
        ],
      });
      while (!sess.shouldStop()) sess.run(m.train);
    }
    writer.close();
    const rates = [...tf.train.summaryIterator(writer.path)].filter(
      (e) => e.summary?.value?.[0]?.tag === "global_step/sec",
    );
    expect(rates.map((e) => Number(e.step))).toEqual([3, 5]);
  });

  it("SummarySaverHook's argument errors, as TF's ValueErrors", () => {
    const s = tf.summary.scalar("x", tf.constant(1));
    expect(() => new tf.train.SummarySaverHook({ saveSteps: 2 })).toThrow(
      new tf.errors.ValueError("Exactly one of scaffold or summary_op must be provided."),
    );
    expect(
      () =>
        new tf.train.SummarySaverHook({
          saveSteps: 2,
          summaryOp: s,
          scaffold: new tf.train.Scaffold(),
        }),
    ).toThrow("Exactly one of scaffold or summary_op must be provided.");
    expect(() => new tf.train.SummarySaverHook({ summaryOp: s })).toThrow(
      new tf.errors.ValueError("Either every_secs or every_steps should be provided."),
    );
    expect(
      () => new tf.train.SummarySaverHook({ saveSteps: 2, saveSecs: 1, summaryOp: s }),
    ).toThrow("Can not provide both every_secs and every_steps.");
    expect(
      () =>
        new tf.train.SummarySaverHook({ saveSteps: 2, summaryOp: s, summaryWriter: "w" as never }),
    ).toThrow(
      "train.SummarySaverHook() argument 'summaryWriter' must be a FileWriter, not str 'w'",
    );
    const hook = new tf.train.SummarySaverHook({ saveSteps: 2, summaryOp: s });
    expect(() => hook.begin()).toThrow("Global step should be created to use SummarySaverHook.");
    expect(() => new tf.train.StepCounterHook({ summaryWriter: 3 as never })).toThrow(
      /argument 'summaryWriter' must be a FileWriter/,
    );
  });
});

describe("StepCounterHook's stalled-step warning", () => {
  it("warns the first five times the global step did not increase, as TF's log_first_n", () => {
    const warnings: string[] = [];
    vi.spyOn(console, "warn").mockImplementation((m: unknown) => {
      warnings.push(String(m));
    });
    tf.train.getOrCreateGlobalStep();
    const x = tf.constant(1);
    {
      using sess = new tf.train.MonitoredSession({
        hooks: [new tf.train.StepCounterHook({ everyNSteps: 100 })],
      });
      for (let i = 0; i < 30; i++) sess.run(x);
    }
    const stalled = warnings.filter((w) => w.includes("has not been increased"));
    expect(stalled.length).toBe(5);
    expect(stalled[0]).toBe(
      "WARNING:tensorflow:It seems that global step (tf.train.get_global_step) has not been increased. Current value (could be stable): 0 vs previous value: 0. You could increase the global step by passing tf.train.get_global_step() to Optimizer.apply_gradients or Optimizer.minimize.",
    );
  });
});

describe("MonitoredTrainingSession's summaryDir and saveSummariesSecs", () => {
  it("summaries go to summaryDir, checkpoint logs to checkpointDir; saveSummariesSecs times them", () => {
    const m = buildModel();
    tf.summary.scalar("train_loss", m.loss);
    const summaryDir = join(dir, "summaries");
    const ckptDir = join(dir, "ckpt");
    {
      using sess = tf.train.MonitoredTrainingSession({
        checkpointDir: ckptDir,
        summaryDir,
        saveSummariesSecs: 3600,
        logStepCountSteps: null,
        hooks: [new tf.train.StopAtStepHook(4)],
      });
      expect(sess.shouldStop()).toBe(false);
      while (!sess.shouldStop()) sess.run(m.train);
    }
    // Every hour: only the first run's summary (step 1), after START.
    const summaries = eventsIn(summaryDir).slice(1);
    expect(
      summaries.map((e) => [Number(e.step), e.sessionLog?.status ?? e.summary?.value?.[0]?.tag]),
    ).toEqual([
      [1, 1],
      [1, "train_loss"],
    ]);
    // Checkpoint saves (steps 0 and 4) are logged in checkpointDir's writer, which nothing
    // flushes before its timer; closing the cached writers writes them.
    expect(eventsIn(ckptDir).length).toBe(1);
    tf.summary.FileWriterCache.clear();
    const ckptEvents = eventsIn(ckptDir).slice(1);
    expect(ckptEvents.map((e) => [Number(e.step), e.sessionLog?.status])).toEqual([
      [0, 3],
      [4, 3],
    ]);
  });
});
