import { ValueError, FailedPreconditionError, OutOfRangeError } from "../errors.js";
import { getDefaultGraph, GraphKeys, type Graph } from "../graph/graph.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
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
  type ArgsOf,
  type CallArgs,
} from "../graph/call_args.js";
import { NDArray } from "../ndarray/index.js";
import { constant } from "../ops/array/constant.js";
import { concat } from "../ops/array/concat.js";
import { group, noOp } from "../ops/control/group.js";
import { nameScope } from "../scope/name_scope.js";
import { refuseUnsupported } from "../scope/arg_kinds.js";
import { feedDictKind, Session } from "../session/session.js";
import type { FeedDict } from "../session/feeds.js";
import type { FetchResult } from "../session/fetches.js";
import { globalVariablesInitializer, localVariablesInitializer } from "../variables/collections.js";
import { reportUninitializedVariables } from "../variables/report.js";
import { globalVariables } from "../variables/collections.js";
import { Saver } from "../checkpoint/saver.js";
import { mergeAll } from "../summary/summary.js";
import { getCheckpointState } from "../checkpoint/checkpoint_management.js";
import {
  CheckpointSaverHook,
  hookLogging,
  isGraphElement,
  StepCounterHook,
  SummarySaverHook,
} from "./basic_session_run_hooks.js";
import {
  SessionRunArgs,
  SessionRunContext,
  SessionRunHook,
  type SessionRunValues,
} from "./session_run_hook.js";

/*
 * TF 1.15's `monitored_session.py` for one process: a `Scaffold` gathers the ops that
 * initialize, check and save a model; a session creator restores the newest checkpoint or
 * initializes; a `MonitoredSession` runs the caller's fetches with every hook's added
 * fetches and feeds, and stops when a hook asks. Distributed parts (a master, non-chief
 * workers waiting for a chief, recovery from a lost worker) have nothing to act on in one
 * process: their arguments are refused, not ignored.
 */

const IN_PROCESS = "scopeflow runs in one process, with no distributed runtime";

/** A scaffold's op argument: an op, or a tensor (TF takes either). */
type GraphElement = Operation | Tensor;
const graphElementKind = kind<GraphElement>("an Operation or a Tensor", isGraphElement);

/** What `init_fn` is called with. */
export type ScaffoldInitFn = (scaffold: Scaffold, session: Session) => void;

/**
 * TF 1.15's `Scaffold(init_op=None, init_feed_dict=None, init_fn=None, ready_op=None,
 * ready_for_local_init_op=None, local_init_op=None, summary_op=None, saver=None,
 * copy_from_scaffold=None)`.
 */
const SCAFFOLD_P = defineParams("train.Scaffold", [
  opt("initOp", graphElementKind),
  opt("initFeedDict", feedDictKind),
  opt("initFn", functionKind),
  opt("readyOp", graphElementKind),
  opt("readyForLocalInitOp", graphElementKind),
  opt("localInitOp", graphElementKind),
  opt("summaryOp", graphElementKind),
  opt(
    "saver",
    kind<Saver>("a Saver", (v) => v instanceof Saver),
  ),
  opt("copyFromScaffold", anyKind<Scaffold>("a Scaffold", false)),
] as const);

/** `Scaffold.get_or_default`: the one op in `key`'s collection, or a new one added to it. */
function getOrDefault<T>(
  graph: Graph,
  argName: string,
  key: string,
  make: () => T | null,
): T | null {
  const elements = graph.getCollection<T>(key);
  if (elements.length > 0) {
    if (elements.length > 1) {
      throw new Error(
        `More than one item in the collection "${key}". Please indicate which one to use by passing it to the tf.Scaffold constructor as:  tf.Scaffold(${argName}=item to use)`,
      );
    }
    return elements[0] as T;
  }
  const op = make();
  if (op !== null) graph.addToCollection(key, op);
  return op;
}

/** `resources.report_uninitialized_resources` with no resources: an empty string vector. */
function reportUninitializedResources(): Tensor {
  return nameScope("report_uninitialized_resources", () =>
    constant([], { dtype: "string", shape: [0] }),
  );
}

/**
 * How a model is initialized, checked and saved (`tf.train.Scaffold`). Whatever is not
 * given is found in the graph's collections (`init_op`, `ready_op`, `local_init_op`,
 * `savers`, …) or built by `finalize()` as TF 1.15 builds it: `init_op` groups
 * `globalVariablesInitializer()`; `ready_op` lists uninitialized variables
 * (`reportUninitializedVariables`); `local_init_op` groups `localVariablesInitializer()`;
 * the saver is a `Saver` over all variables (TF's default saver is sharded; scopeflow's
 * writes one shard, the same files for one device). `initFn(scaffold, session)` runs
 * after `initOp` when no checkpoint was restored.
 *
 * @example
 * ```ts
 * tf.getVariable("w", [1]);
 * const scaffold = new tf.train.Scaffold().finalize();
 * scaffold.initOp?.name; // ==> group_deps
 * tf.getDefaultGraph().finalized; // ==> true
 * ```
 */
export class Scaffold {
  private initOpValue: GraphElement | null;
  readonly initFeedDict: FeedDict | null;
  readonly initFn: ((session: Session) => void) | null;
  private readyOpValue: GraphElement | null;
  private readyForLocalInitOpValue: GraphElement | null;
  private localInitOpValue: GraphElement | null;
  private summaryOpValue: GraphElement | null;
  private saverValue: Saver | null;

  constructor(...args: CallArgs<typeof SCAFFOLD_P.params>) {
    const a: ArgsOf<typeof SCAFFOLD_P.params> = SCAFFOLD_P.parse(args);
    const from = a.copyFromScaffold;
    if (from !== undefined && !(from instanceof Scaffold)) {
      throw new TypeError("copy_from_scaffold is not a Scaffold instance.");
    }
    const initFn = (a.initFn as ScaffoldInitFn | undefined) ?? null;
    this.initOpValue = a.initOp ?? from?.initOpValue ?? null;
    this.initFeedDict = a.initFeedDict ?? from?.initFeedDict ?? null;
    this.initFn = initFn !== null ? (session) => initFn(this, session) : (from?.initFn ?? null);
    this.readyOpValue = a.readyOp ?? from?.readyOpValue ?? null;
    this.readyForLocalInitOpValue = a.readyForLocalInitOp ?? from?.readyForLocalInitOpValue ?? null;
    this.localInitOpValue = a.localInitOp ?? from?.localInitOpValue ?? null;
    this.summaryOpValue = a.summaryOp ?? from?.summaryOpValue ?? null;
    this.saverValue = a.saver ?? from?.saverValue ?? null;
  }

  get initOp(): GraphElement | null {
    return this.initOpValue;
  }
  get readyOp(): GraphElement | null {
    return this.readyOpValue;
  }
  get readyForLocalInitOp(): GraphElement | null {
    return this.readyForLocalInitOpValue;
  }
  get localInitOp(): GraphElement | null {
    return this.localInitOpValue;
  }
  get summaryOp(): GraphElement | null {
    return this.summaryOpValue;
  }
  get saver(): Saver | null {
    return this.saverValue;
  }

  /**
   * Fills in what was not given (from the collections, or built as TF builds it) and
   * finalizes the default graph. Returns the scaffold.
   */
  finalize(): this {
    const graph = getDefaultGraph();
    if (this.initOpValue === null) {
      this.initOpValue = getOrDefault<GraphElement>(graph, "init_op", GraphKeys.INIT_OP, () =>
        group(globalVariablesInitializer(), noOp({ name: "init" })),
      );
    }
    if (this.readyOpValue === null) {
      this.readyOpValue = getOrDefault<GraphElement>(graph, "ready_op", GraphKeys.READY_OP, () =>
        concat([reportUninitializedVariables(), reportUninitializedResources()], 0),
      );
    }
    if (this.readyForLocalInitOpValue === null) {
      this.readyForLocalInitOpValue = getOrDefault<GraphElement>(
        graph,
        "ready_for_local_init_op",
        GraphKeys.READY_FOR_LOCAL_INIT_OP,
        () =>
          concat(
            [reportUninitializedVariables(globalVariables()), reportUninitializedResources()],
            0,
          ),
      );
    }
    if (this.localInitOpValue === null) {
      this.localInitOpValue = getOrDefault<GraphElement>(
        graph,
        "local_init_op",
        GraphKeys.LOCAL_INIT_OP,
        () =>
          group(
            localVariablesInitializer(),
            noOp({ name: "init_all_tables" }),
            noOp({ name: "init" }),
          ),
      );
    }
    if (this.summaryOpValue === null) {
      this.summaryOpValue = getOrDefault<GraphElement>(
        graph,
        "summary_op",
        GraphKeys.SUMMARY_OP,
        () => graph.asDefault(() => mergeAll()),
      );
    }
    if (this.saverValue === null) {
      const savers = graph.getCollection<Saver>(GraphKeys.SAVERS);
      if (savers.length > 1) {
        throw new Error(
          `More than one item in collection ${GraphKeys.SAVERS}. Please indicate which one to use by passing it to the constructor.`,
        );
      }
      if (savers.length === 1) {
        this.saverValue = savers[0] as Saver;
      } else {
        this.saverValue = graph.asDefault(() => new Saver(null, { allowEmpty: true }));
        graph.addToCollection(GraphKeys.SAVERS, this.saverValue);
      }
    }
    graph.finalize();
    hookLogging.info("Graph was finalized.");
    return this;
  }
}
declare(Scaffold, SCAFFOLD_P);

/** `SessionManager._ready`: whether `op` reports nothing uninitialized, and what if not. */
function ready(op: GraphElement | null, session: Session, what: string): [boolean, string | null] {
  if (op === null) return [true, null];
  try {
    const value = session.run(op);
    if (!(value instanceof NDArray) || value.dtype === "int32" || value.size === 0) {
      return [true, null];
    }
    const names = Array.from(value.data as ArrayLike<unknown>, (v) =>
      v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v),
    );
    return [false, `Variables not initialized: ${names.join(", ")}`];
  } catch (e) {
    if (e instanceof FailedPreconditionError) {
      if (!e.message.includes("uninitialized")) {
        hookLogging.warning(`${what} : error [${e.message}]`);
        throw e;
      }
      return [false, e.message];
    }
    throw e;
  }
}

function opName(op: GraphElement | null): string {
  return op === null ? "None" : op.name;
}

/** What makes the session of a `MonitoredSession`. */
export interface SessionCreator {
  createSession(): Session;
}

/**
 * TF 1.15's `ChiefSessionCreator(scaffold=None, master='', config=None,
 * checkpoint_dir=None, checkpoint_filename_with_path=None)`.
 */
const CHIEF_CREATOR_P = defineParams("train.ChiefSessionCreator", [
  opt("scaffold", anyKind<Scaffold>("a Scaffold", false)),
  opt("master", stringKind),
  opt("config", anyKind<unknown>("a ConfigProto")),
  opt("checkpointDir", stringKind),
  opt("checkpointFilenameWithPath", stringKind),
] as const);

/**
 * Makes a session that is initialized or restored (`tf.train.ChiefSessionCreator`,
 * `SessionManager.prepare_session`): finalizes the scaffold; restores
 * `checkpointFilenameWithPath`, or the newest checkpoint in `checkpointDir` (and the
 * saver's list of kept checkpoints), or else runs `initOp` and `initFn`; then runs
 * `localInitOp` once the global variables are ready, and checks `readyOp`
 * (`RuntimeError`-style `Error` naming the uninitialized variables otherwise).
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [], { initializer: tf.constantInitializer(3) });
 * using sess = new tf.train.ChiefSessionCreator().createSession();
 * sess.run(w); // ==> 3.0
 * ```
 */
export class ChiefSessionCreator implements SessionCreator {
  readonly scaffold: Scaffold;
  private readonly config: unknown;
  private readonly checkpointDir: string | null;
  private readonly checkpointFilenameWithPath: string | null;

  constructor(...args: CallArgs<typeof CHIEF_CREATOR_P.params>) {
    const a = CHIEF_CREATOR_P.parse(args);
    if (a.master !== undefined && a.master !== "") {
      refuseUnsupported("train.ChiefSessionCreator", "master", a.master, IN_PROCESS);
    }
    if (a.scaffold !== undefined && !(a.scaffold instanceof Scaffold)) {
      throw new TypeError("scaffold must be a tf.train.Scaffold");
    }
    this.scaffold = a.scaffold ?? new Scaffold();
    this.config = a.config;
    this.checkpointDir = a.checkpointDir ?? null;
    this.checkpointFilenameWithPath = a.checkpointFilenameWithPath ?? null;
  }

  createSession(): Session {
    const scaffold = this.scaffold.finalize();
    const graph = getDefaultGraph();
    const session =
      this.config === undefined
        ? new Session({ graph })
        : new Session({ graph, config: this.config });
    try {
      const restored = this.restore(session, scaffold.saver);
      if (!restored) {
        if (scaffold.initOp === null && scaffold.initFn === null && scaffold.localInitOp === null) {
          throw new Error(
            "Model is not initialized and no init_op or init_fn or local_init_op was given",
          );
        }
        if (scaffold.initOp !== null) {
          session.run(scaffold.initOp, scaffold.initFeedDict ?? undefined);
        }
        if (scaffold.initFn !== null) scaffold.initFn(session);
      }
      const [localReady, localMessage] = this.tryLocalInit(session, scaffold);
      if (!localReady) {
        throw new Error(
          `Init operations did not make model ready for local_init.  Init op: ${opName(scaffold.initOp)}, init fn: ${scaffold.initFn === null ? "None" : "init_fn"}, error: ${localMessage ?? ""}`,
        );
      }
      const [isReady, message] = ready(scaffold.readyOp, session, "Model not ready");
      if (!isReady) {
        throw new Error(
          `Init operations did not make model ready.  Init op: ${opName(scaffold.initOp)}, init fn: ${scaffold.initFn === null ? "None" : "init_fn"}, local_init_op: ${opName(scaffold.localInitOp)}, error: ${message ?? ""}`,
        );
      }
      return session;
    } catch (e) {
      session.close();
      throw e;
    }
  }

  /** `SessionManager._restore_checkpoint` for a chief (no waiting for a checkpoint). */
  private restore(session: Session, saver: Saver | null): boolean {
    if (this.checkpointFilenameWithPath !== null) {
      if (saver === null) throw new ValueError("Saver is required to restore a checkpoint.");
      hookLogging.info(`Restoring parameters from ${this.checkpointFilenameWithPath}`);
      saver.restore(session, this.checkpointFilenameWithPath);
      return true;
    }
    if (saver === null || this.checkpointDir === null) return false;
    const state = getCheckpointState(this.checkpointDir);
    if (state === null || !state.modelCheckpointPath) return false;
    // TF's Saver.restore logs this line; scopeflow's Saver is silent, so it is logged here.
    hookLogging.info(`Restoring parameters from ${state.modelCheckpointPath}`);
    saver.restore(session, state.modelCheckpointPath);
    saver.recoverLastCheckpoints(state.allModelCheckpointPaths);
    return true;
  }

  /** `SessionManager._try_run_local_init_op`. */
  private tryLocalInit(session: Session, scaffold: Scaffold): [boolean, string | null] {
    if (scaffold.localInitOp === null) return [true, null];
    const [isReady, message] = ready(
      scaffold.readyForLocalInitOp,
      session,
      "Model not ready for local init",
    );
    if (!isReady) return [false, message];
    hookLogging.info("Running local_init_op.");
    session.run(scaffold.localInitOp);
    hookLogging.info("Done running local_init_op.");
    return [true, null];
  }
}
declare(ChiefSessionCreator, CHIEF_CREATOR_P);

/** A hook: a `SessionRunHook`, or an object with its five methods. */
export type HookLike = Pick<
  SessionRunHook,
  "begin" | "afterCreateSession" | "beforeRun" | "afterRun" | "end"
>;

const HOOK_METHODS = ["begin", "afterCreateSession", "beforeRun", "afterRun", "end"] as const;

function isHook(v: unknown): v is HookLike {
  if (v instanceof SessionRunHook) return true;
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return HOOK_METHODS.every((m) => typeof o[m] === "function");
}

const hooksKind = kind<readonly HookLike[]>(
  "a list of SessionRunHooks",
  (v) => Array.isArray(v) && v.every(isHook),
);

/** A feed key as a tensor name, to find two feeds of one tensor. */
function feedKeyName(key: unknown): string {
  if (typeof key === "string") return key.includes(":") ? key : `${key}:0`;
  return (key as { name: string }).name;
}

function feedEntries(feeds: FeedDict): [unknown, unknown][] {
  return feeds instanceof Map
    ? [...(feeds as ReadonlyMap<unknown, unknown>).entries()]
    : Object.entries(feeds);
}

/**
 * `run(fetches, feed_dict=None, options=None, run_metadata=None)`, as `Session.run` takes
 * it: the second argument is always the feed dict.
 */
const MONITORED_RUN_P = defineParams("MonitoredSession.run", [
  req("fetches", anyKind<unknown>("a fetch (a Tensor, an Operation, a name, or lists of them)")),
  opt("feedDict", feedDictKind),
  opt("options", anyKind<unknown>("a RunOptions", false)),
  opt("runMetadata", anyKind<unknown>("a RunMetadata", false)),
] as const);

/**
 * The hooked, stoppable session at the core of TF's `_MonitoredSession`: calls the hooks'
 * `begin`, makes the session with `sessionCreator`, calls `afterCreateSession`, and wraps
 * every `run` in `beforeRun`/`afterRun`.
 */
abstract class MonitoredSessionBase implements Disposable {
  private readonly hooks: readonly HookLike[];
  private readonly graphWasFinalized: boolean;
  private readonly graphValue: Graph;
  private session: Session | null;
  private stopRequested = false;
  /** What the last `run` threw, for `using`: TF's `with` skips the hooks' `end` then. */
  private lastRunError: unknown = null;

  protected constructor(sessionCreator: SessionCreator | null, hooks: readonly HookLike[]) {
    this.graphValue = getDefaultGraph();
    this.graphWasFinalized = this.graphValue.finalized;
    this.hooks = hooks;
    for (const h of hooks) h.begin();
    const creator = sessionCreator ?? new ChiefSessionCreator();
    const session = creator.createSession();
    this.session = session;
    for (const h of hooks) h.afterCreateSession(session, null);
  }

  /** The graph the session runs. */
  get graph(): Graph {
    return this.graphValue;
  }

  /**
   * Runs `fetches` (any structure `Session.run` takes) with `feedDict`, together with what
   * each hook's `beforeRun` asks for; returns the caller's values only.
   */
  run<F>(
    fetches: F,
    feedDict?: FeedDict | null,
    options?: { options?: null; runMetadata?: null } | null,
  ): FetchResult<F>;
  run(...args: unknown[]): unknown {
    try {
      const result = this.runWithHooks(args);
      this.lastRunError = null;
      return result;
    } catch (e) {
      this.lastRunError = e;
      throw e;
    }
  }

  private runWithHooks(args: unknown[]): unknown {
    const a = MONITORED_RUN_P.parse(args);
    const why = "scopeflow records no step traces or timings";
    refuseUnsupported("MonitoredSession.run", "options", a.options, why, "RunOptions");
    refuseUnsupported("MonitoredSession.run", "run_metadata", a.runMetadata, why, "RunMetadata");
    const fetches = a.fetches;
    const feedDict = a.feedDict;
    const session = this.session;
    if (session === null) throw new Error("Session is already closed.");
    if (this.shouldStop()) throw new Error("Run called even after should_stop requested.");
    const context = new SessionRunContext(
      new SessionRunArgs(fetches, feedDict ?? undefined),
      session,
    );
    const hookFetches: unknown[] = [];
    const hookIndex = new Map<HookLike, number>();
    const hookFeeds = new Map<string, [unknown, unknown]>();
    for (const hook of this.hooks) {
      const request = hook.beforeRun(context);
      if (request === null || request === undefined) continue;
      if (request.fetches !== null && request.fetches !== undefined) {
        hookIndex.set(hook, hookFetches.length);
        hookFetches.push(request.fetches);
      }
      if (request.feedDict !== null) {
        for (const [k, v] of feedEntries(request.feedDict)) {
          const name = feedKeyName(k);
          if (hookFeeds.has(name)) {
            throw new Error(`Same tensor is fed by two hooks. Conflict(s): [${name}]`);
          }
          hookFeeds.set(name, [k, v]);
        }
      }
    }
    let feeds: FeedDict | undefined = feedDict ?? undefined;
    if (hookFeeds.size > 0) {
      const merged = new Map<unknown, unknown>();
      for (const [k, v] of hookFeeds.values()) merged.set(k, v);
      if (feedDict !== undefined && feedDict !== null) {
        for (const [k, v] of feedEntries(feedDict)) {
          const name = feedKeyName(k);
          if (hookFeeds.has(name)) {
            throw new Error(
              `Same tensor is fed by a SessionRunHook and user. Conflict(s): [${name}]`,
            );
          }
          merged.set(k, v);
        }
      }
      feeds = merged as FeedDict;
    }
    const outputs = session.run([fetches, ...hookFetches], feeds) as unknown[];
    for (const hook of this.hooks) {
      const index = hookIndex.get(hook);
      const values: SessionRunValues = {
        results: index === undefined ? null : outputs[index + 1],
        options: null,
        runMetadata: null,
      };
      hook.afterRun(context, values);
    }
    this.stopRequested = this.stopRequested || context.stopRequested;
    return outputs[0];
  }

  /** Whether a hook asked to stop, or the session is closed. */
  shouldStop(...args: CallArgs<readonly []>): boolean {
    SHOULD_STOP_P.parse(args);
    return this.session === null || this.stopRequested;
  }

  /** Whether the session is closed. */
  get closed(): boolean {
    return this.session === null;
  }

  /**
   * Calls the hooks' `end` (which may save a last checkpoint), then closes the session;
   * a graph this session finalized becomes writable again.
   */
  close(...args: CallArgs<readonly []>): void {
    CLOSE_P.parse(args);
    this.closeInternal(false);
  }

  /** `_close_internal`: the hooks' `end` unless an error is on its way out, then the session. */
  private closeInternal(failed: boolean): void {
    const session = this.session;
    if (session === null) throw new Error("Session is already closed.");
    try {
      if (!failed) for (const h of this.hooks) h.end(session);
    } finally {
      this.session = null;
      session.close();
      if (!this.graphWasFinalized) this.graphValue.unsafeUnfinalize();
    }
  }

  /**
   * `using` closes it as Python's `with` block does: the hooks' `end` (a last checkpoint)
   * runs unless the last `run` threw (an `OutOfRangeError`, the end of the input, counts
   * as a normal end, as in TF). JS cannot tell `using` about other errors thrown between
   * runs; call `close()` yourself where that matters.
   */
  [Symbol.dispose](): void {
    if (this.session === null) return;
    const e = this.lastRunError;
    this.closeInternal(e !== null && !(e instanceof OutOfRangeError));
  }

  /** The underlying `tf.Session`, or `null` once closed. */
  protected rawSessionOrNull(): Session | null {
    return this.session;
  }
}

const SHOULD_STOP_P = defineParams("MonitoredSession.shouldStop", [] as const);
const CLOSE_P = defineParams("MonitoredSession.close", [] as const);
const RAW_SESSION_P = defineParams("SingularMonitoredSession.rawSession", [] as const);
declare(MonitoredSessionBase.prototype.run, MONITORED_RUN_P);
declare(MonitoredSessionBase.prototype.shouldStop, SHOULD_STOP_P);
declare(MonitoredSessionBase.prototype.close, CLOSE_P);

/** TF 1.15's `MonitoredSession(session_creator=None, hooks=None, stop_grace_period_secs=120)`. */
const MONITORED_SESSION_P = defineParams("train.MonitoredSession", [
  opt("sessionCreator", anyKind<SessionCreator>("a SessionCreator", false)),
  opt("hooks", hooksKind),
  opt("stopGracePeriodSecs", numberKind),
] as const);

/**
 * A session that initializes or restores the model and runs hooks around every `run`
 * (`tf.train.MonitoredSession`). Loop with `while (!sess.shouldStop()) sess.run(trainOp)`,
 * and close it (or declare it with `using`), which calls the hooks' `end`.
 * `stopGracePeriodSecs` is accepted: it bounds the wait for queue-runner threads, of which
 * scopeflow has none. TF also recovers from a lost distributed worker; one process has
 * nothing to recover.
 *
 * @example
 * ```ts
 * const step = tf.train.getOrCreateGlobalStep();
 * const inc = tf.assignAdd(step, 1);
 * using sess = new tf.train.MonitoredSession({ hooks: [new tf.train.StopAtStepHook({ lastStep: 3 })] });
 * let runs = 0;
 * for (; !sess.shouldStop(); runs++) sess.run(inc);
 * runs; // ==> 3
 * ```
 */
export class MonitoredSession extends MonitoredSessionBase {
  constructor(...args: CallArgs<typeof MONITORED_SESSION_P.params>) {
    const a = MONITORED_SESSION_P.parse(args);
    super(checkCreator(a.sessionCreator), a.hooks ?? []);
  }
}
declare(MonitoredSession, MONITORED_SESSION_P);

function checkCreator(c: SessionCreator | undefined): SessionCreator | null {
  if (c === undefined) return null;
  if (typeof (c as Partial<SessionCreator>).createSession !== "function") {
    throw new TypeError("session_creator must have a createSession() method");
  }
  return c;
}

/**
 * TF 1.15's `SingularMonitoredSession(hooks=None, scaffold=None, master='', config=None,
 * checkpoint_dir=None, stop_grace_period_secs=120, checkpoint_filename_with_path=None)`.
 */
const SINGULAR_P = defineParams("train.SingularMonitoredSession", [
  opt("hooks", hooksKind),
  opt("scaffold", anyKind<Scaffold>("a Scaffold", false)),
  opt("master", stringKind),
  opt("config", anyKind<unknown>("a ConfigProto")),
  opt("checkpointDir", stringKind),
  opt("stopGracePeriodSecs", numberKind),
  opt("checkpointFilenameWithPath", stringKind),
] as const);

/**
 * A {@link MonitoredSession} made by a `ChiefSessionCreator` over `scaffold` and
 * `checkpointDir`, whose raw session is reachable (`tf.train.SingularMonitoredSession`).
 *
 * @example
 * ```ts
 * const v = tf.getVariable("v", [], { initializer: tf.constantInitializer(2) });
 * using sess = new tf.train.SingularMonitoredSession();
 * sess.rawSession().run(v); // ==> 2.0
 * ```
 */
export class SingularMonitoredSession extends MonitoredSessionBase {
  constructor(...args: CallArgs<typeof SINGULAR_P.params>) {
    const a = SINGULAR_P.parse(args);
    super(
      new ChiefSessionCreator({
        scaffold: a.scaffold,
        master: a.master,
        config: a.config,
        checkpointDir: a.checkpointDir,
        checkpointFilenameWithPath: a.checkpointFilenameWithPath,
      }),
      a.hooks ?? [],
    );
  }

  /** The underlying `tf.Session` (`raw_session()`). */
  rawSession(...args: CallArgs<readonly []>): Session {
    RAW_SESSION_P.parse(args);
    const s = this.rawSessionOrNull();
    if (s === null) throw new Error("Session is already closed.");
    return s;
  }
}
declare(SingularMonitoredSession, SINGULAR_P);
declare(SingularMonitoredSession.prototype.rawSession, RAW_SESSION_P);

/**
 * TF 1.15's `MonitoredTrainingSession(master='', is_chief=True, checkpoint_dir=None,
 * scaffold=None, hooks=None, chief_only_hooks=None, save_checkpoint_secs=USE_DEFAULT,
 * save_summaries_steps=USE_DEFAULT, save_summaries_secs=USE_DEFAULT, config=None,
 * stop_grace_period_secs=120, log_step_count_steps=100, max_wait_secs=7200,
 * save_checkpoint_steps=USE_DEFAULT, summary_dir=None)`. Leaving a `USE_DEFAULT`
 * parameter out is TF's default; `null` is Python's `None`.
 */
const MTS_P = defineParams("train.MonitoredTrainingSession", [
  opt("master", stringKind),
  opt("isChief", booleanKind),
  opt("checkpointDir", stringKind),
  opt("scaffold", anyKind<Scaffold>("a Scaffold", false)),
  opt("hooks", hooksKind),
  opt("chiefOnlyHooks", hooksKind),
  optNullable("saveCheckpointSecs", numberKind),
  optNullable("saveSummariesSteps", intKind),
  optNullable("saveSummariesSecs", numberKind),
  opt("config", anyKind<unknown>("a ConfigProto")),
  opt("stopGracePeriodSecs", numberKind),
  optNullable("logStepCountSteps", intKind),
  opt("maxWaitSecs", numberKind),
  optNullable("saveCheckpointSteps", intKind),
  opt("summaryDir", stringKind),
] as const);

/**
 * A {@link MonitoredSession} set up for training (`tf.train.MonitoredTrainingSession`), as
 * TF 1.15 sets it up for the chief: a `ChiefSessionCreator` that restores the newest
 * checkpoint in `checkpointDir` (so a second run resumes at the saved global step) or
 * initializes; then the hooks `chiefOnlyHooks`; with a `summaryDir` (by default
 * `checkpointDir`) a `StepCounterHook` logging and writing `global_step/sec` every
 * `logStepCountSteps` (100) steps and a `SummarySaverHook` writing the scaffold's summary
 * op (`tf.summary.mergeAll()` by default) every `saveSummariesSteps` (100 by default) or
 * `saveSummariesSecs`, both to an event file of `summaryDir`; a `CheckpointSaverHook`
 * saving to `checkpointDir` every `saveCheckpointSecs` (600 by default) or
 * `saveCheckpointSteps`; and `hooks`.
 *
 * One process has no master and no non-chief workers: `master` other than `""` and
 * `isChief: false` are refused. `maxWaitSecs` (a
 * non-chief's wait) and `stopGracePeriodSecs` (the wait for queue threads) have nothing
 * to wait for and are accepted.
 *
 * @example
 * ```ts
 * const step = tf.train.getOrCreateGlobalStep();
 * const train = tf.assignAdd(step, 1);
 * const hooks = [new tf.train.StopAtStepHook({ lastStep: 5 })];
 * using sess = tf.train.MonitoredTrainingSession({ checkpointDir: "run", hooks });
 * while (!sess.shouldStop()) sess.run(train);
 * tf.train.latestCheckpoint("run"); // ==> run/model.ckpt-0
 * ```
 */
export function MonitoredTrainingSession(...args: CallArgs<typeof MTS_P.params>): MonitoredSession {
  const a = MTS_P.parse(args);
  const fn = "train.MonitoredTrainingSession";
  if (a.master !== undefined && a.master !== "")
    refuseUnsupported(fn, "master", a.master, IN_PROCESS);
  if (a.isChief === false) {
    refuseUnsupported(
      fn,
      "is_chief",
      false,
      "a non-chief worker waits for a chief process to initialize the model, and scopeflow runs in one process",
      "False",
    );
  }
  let saveSummariesSteps = a.saveSummariesSteps;
  let saveSummariesSecs = a.saveSummariesSecs;
  if (saveSummariesSteps === undefined && saveSummariesSecs === undefined) {
    saveSummariesSteps = 100;
    saveSummariesSecs = null;
  }
  let saveCheckpointSecs = a.saveCheckpointSecs;
  let saveCheckpointSteps = a.saveCheckpointSteps;
  if (saveCheckpointSteps === undefined && saveCheckpointSecs === undefined) {
    saveCheckpointSteps = null;
    saveCheckpointSecs = 600;
  } else if (saveCheckpointSecs === undefined) {
    saveCheckpointSecs = null;
  } else if (saveCheckpointSteps === undefined) {
    saveCheckpointSteps = null;
  }
  const scaffold = a.scaffold ?? new Scaffold();
  if (!(scaffold instanceof Scaffold)) throw new TypeError("scaffold must be a tf.train.Scaffold");
  const hooks: HookLike[] = [...(a.chiefOnlyHooks ?? [])];
  const creator = new ChiefSessionCreator({
    scaffold,
    checkpointDir: a.checkpointDir,
    config: a.config,
  });
  const summaryDir = a.summaryDir ?? a.checkpointDir;
  const logSteps = a.logStepCountSteps === undefined ? 100 : a.logStepCountSteps;
  if (summaryDir !== undefined) {
    if (logSteps !== null && logSteps > 0) {
      hooks.push(new StepCounterHook({ outputDir: summaryDir, everyNSteps: logSteps }));
    }
    const steps = saveSummariesSteps ?? null;
    const secs = saveSummariesSecs ?? null;
    if ((steps !== null && steps > 0) || (secs !== null && secs > 0)) {
      hooks.push(
        new SummarySaverHook({
          scaffold,
          saveSteps: steps ?? undefined,
          saveSecs: secs ?? undefined,
          outputDir: summaryDir,
        }),
      );
    }
  }
  if (a.checkpointDir !== undefined) {
    const secs = saveCheckpointSecs ?? null;
    const steps = saveCheckpointSteps ?? null;
    if ((secs !== null && secs > 0) || (steps !== null && steps > 0)) {
      hooks.push(
        new CheckpointSaverHook(a.checkpointDir, {
          saveSteps: steps ?? undefined,
          saveSecs: secs ?? undefined,
          scaffold,
        }),
      );
    }
  }
  hooks.push(...(a.hooks ?? []));
  return new MonitoredSession({ sessionCreator: creator, hooks });
}
declare(MonitoredTrainingSession, MTS_P);
