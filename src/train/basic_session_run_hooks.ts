import { ValueError } from "../errors.js";
import { getDefaultGraph, GraphKeys, type Graph } from "../graph/graph.js";
import { Operation } from "../graph/operation.js";
import { Tensor } from "../graph/tensor.js";
import { Variable } from "../variables/variable.js";
import {
  anyKind,
  booleanKind,
  declare,
  defineParams,
  functionKind,
  intKind,
  kind,
  numberKind,
  opt,
  optNullable,
  req,
  stringKind,
  tensorKind,
  type CallArgs,
} from "../graph/call_args.js";
import { NDArray } from "../ndarray/index.js";
import { pythonOperator } from "../ops/math/operators.js";
import { nameScope } from "../scope/name_scope.js";
import { Saver } from "../checkpoint/saver.js";
import type { Session } from "../session/session.js";
import { getGlobalStep } from "./global_step.js";
import { FileWriter, type SummaryLike } from "../summary/writer.js";
import { FileWriterCache } from "../summary/writer_cache.js";
import {
  SessionRunArgs,
  SessionRunHook,
  type SessionRunContext,
  type SessionRunValues,
} from "./session_run_hook.js";

/*
 * TF 1.15's `basic_session_run_hooks.py`: the hooks `MonitoredTrainingSession` installs
 * (checkpoints, step rate) and the ones training loops add (stop at a step, log tensors,
 * stop on NaN). Messages go where TF's `logging` sends them, with its prefixes
 * (`INFO:tensorflow:`), through `console`.
 */

/** TF's `logging.info`/`warning`/`error` lines. */
export const hookLogging = {
  info(message: string): void {
    console.info(`INFO:tensorflow:${message}`);
  },
  warning(message: string): void {
    console.warn(`WARNING:tensorflow:${message}`);
  },
  error(message: string): void {
    console.error(`ERROR:tensorflow:${message}`);
  },
};

/** `GLOBAL_STEP_READ_KEY` of `training_util.py`. */
const GLOBAL_STEP_READ_KEY = "global_step_read_op_cache";

/**
 * `training_util._get_or_create_global_step_read`: one `global_step/add` tensor per graph
 * (`global_step + 0`, a copy taken before the step's update), cached in a collection;
 * `null` without a global step.
 */
export function globalStepRead(graph: Graph = getDefaultGraph()): Tensor | null {
  const cached = graph.getCollection<Tensor>(GLOBAL_STEP_READ_KEY);
  if (cached.length > 0) return cached[0] as Tensor;
  const step = getGlobalStep(graph);
  if (step === null) return null;
  return graph.asDefault(() =>
    nameScope(null, () =>
      nameScope(`${step.op.name}/`, () => {
        const read = pythonOperator("add", step, 0);
        graph.addToCollection(GLOBAL_STEP_READ_KEY, read);
        return read;
      }),
    ),
  );
}

/** Python's `os.path.join` of two parts, without Node's `path` (the browser build has none). */
function pathJoin(dir: string, base: string): string {
  if (base.startsWith("/") || dir === "") return base;
  return dir.endsWith("/") ? `${dir}${base}` : `${dir}/${base}`;
}

function scalarOf(value: unknown): number {
  if (value instanceof NDArray) return Number(value.item());
  return Number(value);
}

/**
 * Python's `time.time()`: seconds, finer than a millisecond (fast steps would otherwise
 * show zero elapsed time and an infinite step rate).
 */
function nowSecs(): number {
  return (performance.timeOrigin + performance.now()) / 1000;
}

/** TF 1.15's `SecondOrStepTimer(every_secs=None, every_steps=None)`. */
const TIMER_P = defineParams("train.SecondOrStepTimer", [
  opt("everySecs", numberKind),
  opt("everySteps", intKind),
] as const);

/**
 * Says when a hook's periodic action is due (`tf.train.SecondOrStepTimer`): every
 * `everySteps` global steps or every `everySecs` seconds (exactly one of them), and
 * always at the first step it is asked about.
 *
 * @example
 * ```ts
 * const timer = new tf.train.SecondOrStepTimer({ everySteps: 10 });
 * timer.shouldTriggerForStep(0); // ==> true
 * timer.updateLastTriggeredStep(0);
 * timer.shouldTriggerForStep(9); // ==> false
 * timer.shouldTriggerForStep(10); // ==> true
 * ```
 */
export class SecondOrStepTimer {
  private readonly everySecs: number | null;
  private readonly everySteps: number | null;
  private lastStep: number | null = null;
  private lastTime: number | null = null;

  constructor(...args: CallArgs<typeof TIMER_P.params>) {
    const a = TIMER_P.parse(args);
    this.everySecs = a.everySecs ?? null;
    this.everySteps = a.everySteps ?? null;
    if (this.everySecs === null && this.everySteps === null) {
      throw new ValueError("Either every_secs or every_steps should be provided.");
    }
    if (this.everySecs !== null && this.everySteps !== null) {
      throw new ValueError("Can not provide both every_secs and every_steps.");
    }
  }

  /** Forgets the last trigger. */
  reset(): void {
    this.lastStep = null;
    this.lastTime = null;
  }

  /** Whether the action is due at `step`. */
  shouldTriggerForStep(step: number): boolean {
    if (this.lastStep === null) return true;
    if (this.lastStep === step) return false;
    if (this.everySecs !== null && nowSecs() >= (this.lastTime as number) + this.everySecs) {
      return true;
    }
    if (this.everySteps !== null && step >= this.lastStep + this.everySteps) return true;
    return false;
  }

  /** Records a trigger at `step`; returns `[elapsedSecs, elapsedSteps]` since the last one. */
  updateLastTriggeredStep(step: number): [number | null, number | null] {
    const now = nowSecs();
    const elapsed: [number | null, number | null] =
      this.lastTime === null
        ? [null, null]
        : [now - this.lastTime, step - (this.lastStep as number)];
    this.lastTime = now;
    this.lastStep = step;
    return elapsed;
  }

  /** The step of the last trigger, or `null`. */
  lastTriggeredStep(): number | null {
    return this.lastStep;
  }
}
declare(SecondOrStepTimer, TIMER_P);

/** `SessionLog.START` and `SessionLog.CHECKPOINT` of event.proto's `SessionStatus`. */
const SESSION_LOG_START = 1;
const SESSION_LOG_CHECKPOINT = 3;

/** A timer that never fires (`NeverTriggerTimer`), for hooks that act only at the end. */
class NeverTriggerTimer {
  reset(): void {}
  shouldTriggerForStep(): boolean {
    return false;
  }
  updateLastTriggeredStep(): [null, null] {
    return [null, null];
  }
}

/** TF 1.15's `StopAtStepHook(num_steps=None, last_step=None)`. */
const STOP_AT_STEP_P = defineParams("train.StopAtStepHook", [
  opt("numSteps", intKind),
  opt("lastStep", intKind),
] as const);

/**
 * Asks the loop to stop at a global step (`tf.train.StopAtStepHook`): after `numSteps`
 * more steps than the global step had when the session was created (so a resumed run
 * trains that many more), or once it reaches `lastStep`.
 *
 * @example
 * ```ts
 * new tf.train.StopAtStepHook({ lastStep: 100 }) instanceof tf.train.SessionRunHook; // ==> true
 * ```
 */
export class StopAtStepHook extends SessionRunHook {
  private readonly numSteps: number | null;
  private lastStep: number | null;
  private step: Tensor | null = null;

  constructor(...args: CallArgs<typeof STOP_AT_STEP_P.params>) {
    super();
    const a = STOP_AT_STEP_P.parse(args);
    if (a.numSteps === undefined && a.lastStep === undefined) {
      throw new ValueError("One of num_steps or last_step must be specified.");
    }
    if (a.numSteps !== undefined && a.lastStep !== undefined) {
      throw new ValueError("Only one of num_steps or last_step can be specified.");
    }
    this.numSteps = a.numSteps ?? null;
    this.lastStep = a.lastStep ?? null;
  }

  override begin(): void {
    this.step = globalStepRead();
    if (this.step === null) {
      throw new Error("Global step should be created to use StopAtStepHook.");
    }
  }

  override afterCreateSession(session: Session): void {
    if (this.lastStep === null) {
      this.lastStep = scalarOf(session.run(this.step as Tensor)) + (this.numSteps as number);
    }
  }

  override beforeRun(): SessionRunArgs {
    return new SessionRunArgs(this.step as Tensor);
  }

  override afterRun(runContext: SessionRunContext, runValues: SessionRunValues): void {
    const globalStep = scalarOf(runValues.results) + 1;
    if (globalStep >= (this.lastStep as number)) {
      // The value read was taken before this run's update: read again to be sure.
      const step = scalarOf(runContext.session.run(this.step as Tensor));
      if (step >= (this.lastStep as number)) runContext.requestStop();
    }
  }
}
declare(StopAtStepHook, STOP_AT_STEP_P);

/** TF 1.15's `CheckpointSaverListener`: called around each save of a `CheckpointSaverHook`. */
export class CheckpointSaverListener {
  /** Called at the hook's `begin`. */
  begin(): void {}
  /** Called before each save. */
  beforeSave(session: Session, globalStepValue: number): void {
    void session;
    void globalStepValue;
  }
  /** Called after each save; returning `true` asks the loop to stop. */
  afterSave(session: Session, globalStepValue: number): boolean | void {
    void session;
    void globalStepValue;
  }
  /** Called at the hook's `end`. */
  end(session: Session, globalStepValue: number): void {
    void session;
    void globalStepValue;
  }
}
declare(CheckpointSaverListener, defineParams("train.CheckpointSaverListener", [] as const));

/** What a `scaffold` argument must offer a hook: its saver. */
export interface HasSaver {
  readonly saver: Saver | null;
}

/**
 * TF 1.15's `CheckpointSaverHook(checkpoint_dir, save_secs=None, save_steps=None,
 * saver=None, checkpoint_basename="model.ckpt", scaffold=None, listeners=None)`.
 */
const CHECKPOINT_SAVER_P = defineParams("train.CheckpointSaverHook", [
  req("checkpointDir", stringKind),
  opt("saveSecs", numberKind),
  opt("saveSteps", intKind),
  opt(
    "saver",
    kind<Saver>("a Saver", (v) => v instanceof Saver),
  ),
  opt("checkpointBasename", stringKind),
  opt("scaffold", anyKind<HasSaver>("a Scaffold", false)),
  opt(
    "listeners",
    kind<readonly CheckpointSaverListener[]>(
      "a list of CheckpointSaverListeners",
      (v) => Array.isArray(v) && v.every((l) => l instanceof CheckpointSaverListener),
    ),
  ),
] as const);

/**
 * Saves checkpoints every `saveSteps` global steps or `saveSecs` seconds
 * (`tf.train.CheckpointSaverHook`): one right after the session is created (the state at
 * the starting step), then periodically, and a last one at `end` unless the final step was
 * just saved. Files are `<checkpointDir>/<checkpointBasename>-<step>`, with the `checkpoint`
 * state file, through the given `saver`, the `scaffold`'s, or the one saver in the
 * `savers` collection. Each save is also logged as a `SessionLog` CHECKPOINT event, to the
 * `tf.summary.FileWriterCache` writer of `checkpointDir`, as TF does. scopeflow writes no
 * `graph.pbtxt` or graph event (it cannot export a GraphDef yet).
 *
 * @example
 * ```ts
 * const hook = new tf.train.CheckpointSaverHook("ckpt", { saveSteps: 100 });
 * hook instanceof tf.train.SessionRunHook; // ==> true
 * ```
 */
export class CheckpointSaverHook extends SessionRunHook {
  private saver: Saver | null;
  private readonly savePath: string;
  private readonly scaffold: HasSaver | null;
  private readonly timer: SecondOrStepTimer;
  private readonly listeners: readonly CheckpointSaverListener[];
  private readonly checkpointDir: string;
  private summaryWriter: FileWriter | null = null;
  private step: Tensor | null = null;

  constructor(...args: CallArgs<typeof CHECKPOINT_SAVER_P.params>) {
    super();
    const a = CHECKPOINT_SAVER_P.parse(args);
    if (a.saver !== undefined && a.scaffold !== undefined) {
      throw new ValueError("You cannot provide both saver and scaffold.");
    }
    this.saver = a.saver ?? null;
    this.scaffold = a.scaffold ?? null;
    this.checkpointDir = a.checkpointDir;
    this.savePath = pathJoin(a.checkpointDir, a.checkpointBasename ?? "model.ckpt");
    this.timer = new SecondOrStepTimer({ everySecs: a.saveSecs, everySteps: a.saveSteps });
    this.listeners = a.listeners ?? [];
  }

  override begin(): void {
    this.summaryWriter = FileWriterCache.get(this.checkpointDir);
    this.step = globalStepRead();
    if (this.step === null) {
      throw new Error("Global step should be created to use CheckpointSaverHook.");
    }
    for (const l of this.listeners) l.begin();
  }

  override afterCreateSession(session: Session): void {
    const globalStep = scalarOf(session.run(this.step as Tensor));
    this.save(session, globalStep);
    this.timer.updateLastTriggeredStep(globalStep);
  }

  override beforeRun(): SessionRunArgs {
    return new SessionRunArgs(this.step as Tensor);
  }

  override afterRun(runContext: SessionRunContext, runValues: SessionRunValues): void {
    const stale = scalarOf(runValues.results);
    if (this.timer.shouldTriggerForStep(stale + 1)) {
      const globalStep = scalarOf(runContext.session.run(this.step as Tensor));
      if (this.timer.shouldTriggerForStep(globalStep)) {
        this.timer.updateLastTriggeredStep(globalStep);
        if (this.save(runContext.session, globalStep)) runContext.requestStop();
      }
    }
  }

  override end(session: Session): void {
    const lastStep = scalarOf(session.run(this.step as Tensor));
    if (lastStep !== this.timer.lastTriggeredStep()) this.save(session, lastStep);
    for (const l of this.listeners) l.end(session, lastStep);
  }

  /** Saves; whether a listener asked to stop. */
  private save(session: Session, step: number): boolean {
    hookLogging.info(`Saving checkpoints for ${step} into ${this.savePath}.`);
    for (const l of this.listeners) l.beforeSave(session, step);
    this.getSaver().save(session, this.savePath, { globalStep: step });
    this.summaryWriter?.addSessionLog(
      { status: SESSION_LOG_CHECKPOINT, checkpointPath: this.savePath },
      step,
    );
    let shouldStop = false;
    for (const l of this.listeners) {
      if (l.afterSave(session, step) === true) {
        hookLogging.info(
          `A CheckpointSaverListener requested that training be stopped. listener: ${l.constructor.name}`,
        );
        shouldStop = true;
      }
    }
    return shouldStop;
  }

  private getSaver(): Saver {
    if (this.saver !== null) return this.saver;
    if (this.scaffold !== null && this.scaffold.saver !== null) return this.scaffold.saver;
    const savers = getDefaultGraph().getCollection<Saver>(GraphKeys.SAVERS);
    if (savers.length === 0) {
      throw new Error(
        `No items in collection ${GraphKeys.SAVERS}. Please add a saver to the collection or provide a saver or scaffold.`,
      );
    }
    if (savers.length > 1) {
      throw new Error(
        `More than one item in collection ${GraphKeys.SAVERS}. Please indicate which one to use by passing it to the constructor.`,
      );
    }
    this.saver = savers[0] as Saver;
    return this.saver;
  }
}
declare(CheckpointSaverHook, CHECKPOINT_SAVER_P);

/** What `LoggingTensorHook` logs: tensors or names, in a list or by tag. */
export type LoggedTensors =
  readonly (Tensor | Variable | string)[] | Readonly<Record<string, Tensor | Variable | string>>;

/** The values a `LoggingTensorHook` formatter gets, by tag. */
export type TensorValues = Record<string, NDArray>;

const LOGGING_TENSOR_KEYS = new Set(["tensors", "everyNIter", "everyNSecs", "atEnd", "formatter"]);

/**
 * TF 1.15's `LoggingTensorHook(tensors, every_n_iter=None, every_n_secs=None, at_end=False,
 * formatter=None)`.
 */
const LOGGING_TENSOR_P = defineParams("train.LoggingTensorHook", [
  req(
    "tensors",
    kind<LoggedTensors>(
      "a list or a dict of tensors or names",
      (v) => typeof v === "object" && v !== null,
      // A dict of tensors by tag, unless it reads as this call's own options.
      (v) => !("tensors" in v && Object.keys(v).every((k) => LOGGING_TENSOR_KEYS.has(k))),
    ),
  ),
  opt("everyNIter", intKind),
  opt("everyNSecs", numberKind),
  opt("atEnd", booleanKind),
  opt("formatter", functionKind),
] as const);

/** `_as_graph_element`: a tensor of the default graph, or a name of one. */
function asGraphElement(obj: Tensor | Variable | string): Tensor | Variable {
  const graph = getDefaultGraph();
  if (typeof obj !== "string") {
    if (!(obj instanceof Tensor || obj instanceof Variable) || obj.graph !== graph) {
      throw new ValueError(
        `Passed ${String(obj)} should have graph attribute that is equal to current graph.`,
      );
    }
    return obj;
  }
  if (obj.includes(":")) return graph.getTensorByName(obj);
  const element = graph.getTensorByName(`${obj}:0`);
  if (element.op.outputs.length > 1) {
    throw new ValueError(
      `Name ${obj} is ambiguous, as this \`Operation\` has multiple outputs (at least 2).`,
    );
  }
  return element;
}

/**
 * Logs tensor values every `everyNIter` runs or `everyNSecs` seconds, and/or at the end
 * (`tf.train.LoggingTensorHook`), as TF's `logging.info` line:
 * `INFO:tensorflow:loss = 0.25, step = 3 (0.012 sec)` (tags in list order, or sorted keys
 * of an object; the seconds since the last line when there was one), or what
 * `formatter(values)` returns.
 *
 * @example
 * ```ts
 * const hook = new tf.train.LoggingTensorHook({ loss: "loss:0" }, { everyNIter: 10 });
 * hook instanceof tf.train.SessionRunHook; // ==> true
 * ```
 */
export class LoggingTensorHook extends SessionRunHook {
  private readonly tensors: Record<string, Tensor | Variable | string>;
  private readonly tagOrder: string[];
  private readonly timer: SecondOrStepTimer | NeverTriggerTimer;
  private readonly atEnd: boolean;
  private readonly formatter: ((values: TensorValues) => string) | null;
  private iterCount = 0;
  private shouldTrigger = false;
  private current: Record<string, Tensor | Variable> = {};

  constructor(...args: CallArgs<typeof LOGGING_TENSOR_P.params>) {
    super();
    const a = LOGGING_TENSOR_P.parse(args);
    const onlyAtEnd = a.atEnd === true && a.everyNIter === undefined && a.everyNSecs === undefined;
    if (!onlyAtEnd && (a.everyNIter === undefined) === (a.everyNSecs === undefined)) {
      throw new ValueError(
        "either at_end and/or exactly one of every_n_iter and every_n_secs must be provided.",
      );
    }
    if (a.everyNIter !== undefined && a.everyNIter <= 0) {
      throw new ValueError(`invalid every_n_iter=${a.everyNIter}.`);
    }
    if (Array.isArray(a.tensors)) {
      const list = a.tensors as readonly (Tensor | Variable | string)[];
      this.tagOrder = list.map((t) => String(t));
      this.tensors = Object.fromEntries(list.map((t) => [String(t), t]));
    } else {
      this.tensors = { ...(a.tensors as Record<string, Tensor | Variable | string>) };
      this.tagOrder = Object.keys(this.tensors).sort();
    }
    this.timer = onlyAtEnd
      ? new NeverTriggerTimer()
      : new SecondOrStepTimer({ everySecs: a.everyNSecs, everySteps: a.everyNIter });
    this.atEnd = a.atEnd ?? false;
    this.formatter = (a.formatter as ((values: TensorValues) => string) | undefined) ?? null;
  }

  override begin(): void {
    this.timer.reset();
    this.iterCount = 0;
    this.current = Object.fromEntries(
      Object.entries(this.tensors).map(([tag, t]) => [tag, asGraphElement(t)]),
    );
  }

  override beforeRun(): SessionRunArgs | null {
    this.shouldTrigger = this.timer.shouldTriggerForStep(this.iterCount);
    return this.shouldTrigger ? new SessionRunArgs(this.current) : null;
  }

  override afterRun(_runContext: SessionRunContext, runValues: SessionRunValues): void {
    if (this.shouldTrigger) this.logTensors(runValues.results as TensorValues);
    this.iterCount += 1;
  }

  override end(session: Session): void {
    if (this.atEnd) this.logTensors(session.run(this.current) as TensorValues);
  }

  private logTensors(values: TensorValues): void {
    const [elapsed] = this.timer.updateLastTriggeredStep(this.iterCount);
    if (this.formatter !== null) {
      hookLogging.info(this.formatter(values));
      return;
    }
    const stats = this.tagOrder.map((tag) => `${tag} = ${String(values[tag])}`).join(", ");
    hookLogging.info(elapsed !== null ? `${stats} (${elapsed.toFixed(3)} sec)` : stats);
  }
}
declare(LoggingTensorHook, LOGGING_TENSOR_P);

/** A `summaryWriter` argument: a `tf.summary.FileWriter`. */
const fileWriterKind = kind<FileWriter>("a FileWriter", (v) => v instanceof FileWriter);

/**
 * TF 1.15's `StepCounterHook(every_n_steps=100, every_n_secs=None, output_dir=None,
 * summary_writer=None)`.
 */
const STEP_COUNTER_P = defineParams("train.StepCounterHook", [
  optNullable("everyNSteps", intKind),
  opt("everyNSecs", numberKind),
  opt("outputDir", stringKind),
  opt("summaryWriter", fileWriterKind),
] as const);

/**
 * Logs the training speed (`tf.train.StepCounterHook`): `INFO:tensorflow:global_step/sec:
 * 12.5` every `everyNSteps` global steps (100 by default) or `everyNSecs` seconds, and
 * warns when the global step stops increasing. The rate is also written as a
 * `global_step/sec` scalar summary at that global step, to `summaryWriter` or to the
 * `tf.summary.FileWriterCache` writer of `outputDir` (neither: only logged).
 *
 * @example
 * ```ts
 * new tf.train.StepCounterHook({ everyNSteps: 10 }) instanceof tf.train.SessionRunHook; // ==> true
 * ```
 */
export class StepCounterHook extends SessionRunHook {
  private readonly timer: SecondOrStepTimer;
  private step: Tensor | null = null;
  private summaryTag = "";
  private lastGlobalStep: number | null = null;
  private stalledWarnings = 0;
  private summaryWriter: FileWriter | null;
  private readonly outputDir: string | null;

  constructor(...args: CallArgs<typeof STEP_COUNTER_P.params>) {
    super();
    const a = STEP_COUNTER_P.parse(args);
    this.summaryWriter = a.summaryWriter ?? null;
    this.outputDir = a.outputDir ?? null;
    const everyNSteps = a.everyNSteps === undefined ? 100 : a.everyNSteps;
    if ((everyNSteps === null) === (a.everyNSecs === undefined)) {
      throw new ValueError("exactly one of every_n_steps and every_n_secs should be provided.");
    }
    this.timer = new SecondOrStepTimer({ everySteps: everyNSteps, everySecs: a.everyNSecs });
  }

  override begin(): void {
    if (this.summaryWriter === null && this.outputDir) {
      this.summaryWriter = FileWriterCache.get(this.outputDir);
    }
    this.step = globalStepRead();
    const step = getGlobalStep();
    if (this.step === null || step === null) {
      throw new Error("Global step should be created to use StepCounterHook.");
    }
    this.summaryTag = `${step.op.name}/sec`;
  }

  override beforeRun(): SessionRunArgs {
    return new SessionRunArgs(this.step as Tensor);
  }

  override afterRun(runContext: SessionRunContext, runValues: SessionRunValues): void {
    const stale = scalarOf(runValues.results);
    if (this.timer.shouldTriggerForStep(stale + 1)) {
      const globalStep = scalarOf(runContext.session.run(this.step as Tensor));
      if (this.timer.shouldTriggerForStep(globalStep)) {
        const [elapsedTime, elapsedSteps] = this.timer.updateLastTriggeredStep(globalStep);
        if (elapsedTime !== null) {
          const perSec = (elapsedSteps as number) / elapsedTime;
          this.summaryWriter?.addSummary(
            { value: [{ tag: this.summaryTag, simpleValue: perSec }] },
            globalStep,
          );
          hookLogging.info(`${this.summaryTag}: ${formatG(perSec)}`);
        }
      }
    }
    // TF's `logging.log_first_n(WARN, …, 5)`: the first five times the step stood still
    // (counted per hook here; Python counts per call site).
    if (stale === this.lastGlobalStep && this.stalledWarnings < 5) {
      this.stalledWarnings += 1;
      hookLogging.warning(
        `It seems that global step (tf.train.get_global_step) has not been increased. Current value (could be stable): ${stale} vs previous value: ${stale}. You could increase the global step by passing tf.train.get_global_step() to Optimizer.apply_gradients or Optimizer.minimize.`,
      );
    }
    this.lastGlobalStep = stale;
  }
}
declare(StepCounterHook, STEP_COUNTER_P);

/** What a `scaffold` argument must offer a `SummarySaverHook`: its summary op. */
export interface HasSummaryOp {
  readonly summaryOp: Operation | Tensor | null;
}

/** A `summaryOp` argument: a summary tensor, or a list of them. */
type SummaryOps = Tensor | readonly Tensor[];

/**
 * TF 1.15's `SummarySaverHook(save_steps=None, save_secs=None, output_dir=None,
 * summary_writer=None, scaffold=None, summary_op=None)`.
 */
const SUMMARY_SAVER_P = defineParams("train.SummarySaverHook", [
  opt("saveSteps", intKind),
  opt("saveSecs", numberKind),
  opt("outputDir", stringKind),
  opt("summaryWriter", fileWriterKind),
  opt("scaffold", anyKind<HasSummaryOp>("a Scaffold", false)),
  opt(
    "summaryOp",
    kind<SummaryOps>(
      "a Tensor or a list of Tensors",
      (v) => v instanceof Tensor || (Array.isArray(v) && v.every((t) => t instanceof Tensor)),
    ),
  ),
] as const);

/**
 * Writes summaries every `saveSteps` global steps or `saveSecs` seconds
 * (`tf.train.SummarySaverHook`): on those runs it also fetches `summaryOp` (or the
 * `scaffold`'s), and writes the result with `addSummary(summary, globalStep)`, the global
 * step read after the run, to `summaryWriter` or to the `tf.summary.FileWriterCache`
 * writer of `outputDir`. The first run also writes a `SessionLog` START event and always
 * fetches the summaries, so with `saveSteps: 2` they land at steps 1, 3, 5, … (the value of
 * each summary is the one computed in that run). The writer is flushed at `end`.
 *
 * @example
 * ```ts
 * tf.train.getOrCreateGlobalStep();
 * const loss = tf.summary.scalar("loss", tf.constant(0.5));
 * const hook = new tf.train.SummarySaverHook({ saveSteps: 10, outputDir: "logs/hook", summaryOp: loss });
 * hook instanceof tf.train.SessionRunHook; // ==> true
 * ```
 */
export class SummarySaverHook extends SessionRunHook {
  private readonly summaryOp: SummaryOps | null;
  private summaryWriter: FileWriter | null;
  private readonly outputDir: string | null;
  private readonly scaffold: HasSummaryOp | null;
  private readonly timer: SecondOrStepTimer;
  private nextStep: number | null = null;
  private step: Tensor | null = null;
  private requestSummary = false;

  constructor(...args: CallArgs<typeof SUMMARY_SAVER_P.params>) {
    super();
    const a = SUMMARY_SAVER_P.parse(args);
    if ((a.scaffold === undefined) === (a.summaryOp === undefined)) {
      throw new ValueError("Exactly one of scaffold or summary_op must be provided.");
    }
    this.summaryOp = a.summaryOp ?? null;
    this.summaryWriter = a.summaryWriter ?? null;
    this.outputDir = a.outputDir ?? null;
    this.scaffold = a.scaffold ?? null;
    this.timer = new SecondOrStepTimer({ everySecs: a.saveSecs, everySteps: a.saveSteps });
  }

  override begin(): void {
    if (this.summaryWriter === null && this.outputDir) {
      this.summaryWriter = FileWriterCache.get(this.outputDir);
    }
    this.nextStep = null;
    this.step = globalStepRead();
    if (this.step === null) {
      throw new Error("Global step should be created to use SummarySaverHook.");
    }
  }

  override beforeRun(): SessionRunArgs {
    this.requestSummary = this.nextStep === null || this.timer.shouldTriggerForStep(this.nextStep);
    const requests: Record<string, Tensor | readonly Tensor[]> = {
      global_step: this.step as Tensor,
    };
    const summaryOp = this.requestSummary ? this.getSummaryOp() : null;
    if (summaryOp !== null) requests.summary = summaryOp;
    return new SessionRunArgs(requests);
  }

  override afterRun(runContext: SessionRunContext, runValues: SessionRunValues): void {
    const writer = this.summaryWriter;
    if (writer === null) return;
    const results = runValues.results as { global_step: unknown; summary?: SummaryLike[] };
    let globalStep = scalarOf(results.global_step) + 1;
    if (this.nextStep === null || this.requestSummary) {
      globalStep = scalarOf(runContext.session.run(this.step as Tensor));
    }
    if (this.nextStep === null) {
      writer.addSessionLog({ status: SESSION_LOG_START }, globalStep);
    }
    if (this.requestSummary) {
      this.timer.updateLastTriggeredStep(globalStep);
      for (const summary of results.summary ?? []) writer.addSummary(summary, globalStep);
    }
    this.nextStep = globalStep + 1;
  }

  override end(): void {
    this.summaryWriter?.flush();
  }

  /** `_get_summary_op`: the given op, else the scaffold's, as a list; `null` if none. */
  private getSummaryOp(): Tensor[] | null {
    let op: SummaryOps | Operation | null = this.summaryOp;
    if (op === null && this.scaffold !== null) op = this.scaffold.summaryOp;
    if (op === null) return null;
    if (op instanceof Operation) op = op.outputs[0] as Tensor;
    return op instanceof Tensor ? [op] : [...op];
  }
}
declare(SummarySaverHook, SUMMARY_SAVER_P);

/** Python's `%g`: six significant digits, trailing zeros dropped. */
function formatG(x: number): string {
  if (!Number.isFinite(x)) return String(x).toLowerCase().replace("infinity", "inf");
  const exp = x === 0 ? 0 : Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 6) {
    const [m, e] = x.toExponential(5).split("e") as [string, string];
    const mant = m.includes(".") ? m.replace(/0+$/, "").replace(/\.$/, "") : m;
    const n = Number(e);
    return `${mant}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  const fixed = x.toFixed(Math.max(0, 5 - exp));
  return fixed.includes(".") ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed;
}

/** `NanLossDuringTrainingError`: what `NanTensorHook` raises. */
export class NanLossDuringTrainingError extends Error {
  constructor() {
    super("NaN loss during training.");
    this.name = "NanLossDuringTrainingError";
  }
}
declare(NanLossDuringTrainingError, defineParams("train.NanLossDuringTrainingError", [] as const));

/** TF 1.15's `NanTensorHook(loss_tensor, fail_on_nan_loss=True)`. */
const NAN_TENSOR_P = defineParams("train.NanTensorHook", [
  req("lossTensor", tensorKind),
  opt("failOnNanLoss", booleanKind),
] as const);

/**
 * Watches the loss for NaN (`tf.train.NanTensorHook`): a NaN throws
 * `NanLossDuringTrainingError` (after logging `Model diverged with loss = NaN.`), or with
 * `failOnNanLoss: false` logs a warning and asks the loop to stop.
 *
 * @example
 * ```ts
 * const hook = new tf.train.NanTensorHook(tf.constant(1), false);
 * hook instanceof tf.train.SessionRunHook; // ==> true
 * ```
 */
export class NanTensorHook extends SessionRunHook {
  private readonly loss: Tensor | string;
  private readonly failOnNanLoss: boolean;

  constructor(...args: CallArgs<typeof NAN_TENSOR_P.params>) {
    super();
    const a = NAN_TENSOR_P.parse(args);
    if (!(a.lossTensor instanceof Tensor) && typeof a.lossTensor !== "string") {
      throw new TypeError("train.NanTensorHook() argument 'loss_tensor' must be a Tensor");
    }
    this.loss = a.lossTensor;
    this.failOnNanLoss = a.failOnNanLoss ?? true;
  }

  override beforeRun(): SessionRunArgs {
    return new SessionRunArgs(this.loss);
  }

  override afterRun(runContext: SessionRunContext, runValues: SessionRunValues): void {
    if (!Number.isNaN(scalarOf(runValues.results))) return;
    const message = "Model diverged with loss = NaN.";
    if (this.failOnNanLoss) {
      hookLogging.error(message);
      throw new NanLossDuringTrainingError();
    }
    hookLogging.warning(message);
    runContext.requestStop();
  }
}
declare(NanTensorHook, NAN_TENSOR_P);

/** Whether `x` is an op or tensor (what a scaffold's op arguments take). */
export function isGraphElement(x: unknown): x is Operation | Tensor {
  return x instanceof Operation || x instanceof Tensor;
}
