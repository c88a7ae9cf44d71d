import {
  anyKind,
  declare,
  defineParams,
  kind,
  opt,
  optNullable,
  req,
  type CallArgs,
} from "../graph/call_args.js";
import type { FeedDict } from "../session/feeds.js";
import { feedDictKind, sessionKind, type Session } from "../session/session.js";
import { refuseUnsupported } from "../scope/arg_kinds.js";

/*
 * TF 1.15's `session_run_hook.py`: the hook protocol of `MonitoredSession` — a hook sees
 * the session being created and every `run`, may add fetches and feeds to the run, and may
 * ask the loop to stop.
 */

const SESSION_RUN_ARGS_KEYS = new Set(["fetches", "feedDict", "options"]);

/** TF 1.15's `SessionRunArgs(fetches, feed_dict=None, options=None)`. */
const SESSION_RUN_ARGS_P = defineParams("train.SessionRunArgs", [
  optNullable(
    "fetches",
    kind<unknown>(
      "a fetch (a Tensor, an Operation, a name, or lists and dicts of them)",
      () => true,
      // A dict of fetches, unless it reads as this call's own options.
      (v) => !("fetches" in v && Object.keys(v).every((k) => SESSION_RUN_ARGS_KEYS.has(k))),
    ),
  ),
  opt("feedDict", feedDictKind),
  opt("options", anyKind<unknown>("a RunOptions", false)),
] as const);

/**
 * What a hook adds to a `run` (`tf.train.SessionRunArgs`): `fetches` (any structure
 * `Session.run` takes) whose values come back to the hook's `afterRun`, and `feedDict`
 * entries merged into the run's feeds.
 *
 * @example
 * ```ts
 * const args = new tf.train.SessionRunArgs("loss:0", { "x:0": 1 });
 * args.fetches; // ==> loss:0
 * ```
 */
export class SessionRunArgs {
  readonly fetches: unknown;
  readonly feedDict: FeedDict | null;
  /** Always `null`: scopeflow has no `RunOptions`. */
  readonly options: null = null;

  constructor(...args: CallArgs<typeof SESSION_RUN_ARGS_P.params>) {
    const a = SESSION_RUN_ARGS_P.parse(args);
    // Required, as the namedtuple's first field, but `None` is a value (no fetches).
    if (a.fetches === undefined) {
      throw new TypeError(
        "train.SessionRunArgs() missing 1 required positional argument: 'fetches'",
      );
    }
    refuseUnsupported(
      "train.SessionRunArgs",
      "options",
      a.options,
      "scopeflow records no step traces or timings",
      "RunOptions",
    );
    this.fetches = a.fetches;
    this.feedDict = a.feedDict ?? null;
  }
}
declare(SessionRunArgs, SESSION_RUN_ARGS_P);

/** TF 1.15's `SessionRunContext(original_args, session)`. */
const SESSION_RUN_CONTEXT_P = defineParams("train.SessionRunContext", [
  req("originalArgs", anyKind<SessionRunArgs>("a SessionRunArgs")),
  req("session", sessionKind),
] as const);

/**
 * The `run` a hook is called around (`tf.train.SessionRunContext`): the caller's fetches
 * and feeds (`originalArgs`), the raw session (to run more in `afterRun`), and
 * `requestStop()`, after which the monitored session's `shouldStop()` is true.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const ctx = new tf.train.SessionRunContext(new tf.train.SessionRunArgs([]), sess);
 * ctx.requestStop();
 * ctx.stopRequested; // ==> true
 * ```
 */
export class SessionRunContext {
  readonly originalArgs: SessionRunArgs;
  readonly session: Session;
  private stop = false;

  constructor(...args: CallArgs<typeof SESSION_RUN_CONTEXT_P.params>) {
    const a = SESSION_RUN_CONTEXT_P.parse(args);
    if (!(a.originalArgs instanceof SessionRunArgs)) {
      throw new TypeError("originalArgs must be a tf.train.SessionRunArgs");
    }
    this.originalArgs = a.originalArgs;
    this.session = a.session;
  }

  /** Whether a hook asked to stop. */
  get stopRequested(): boolean {
    return this.stop;
  }

  /** Asks the loop to stop: `shouldStop()` is true after this run. */
  requestStop(): void {
    this.stop = true;
  }
}
declare(SessionRunContext, SESSION_RUN_CONTEXT_P);

/**
 * What a hook gets back from a `run` (`tf.train.SessionRunValues`): the values of the
 * fetches its `beforeRun` asked for, in their structure (`null` when it asked for none).
 */
export interface SessionRunValues {
  readonly results: unknown;
  /** Always `null`: scopeflow has no `RunOptions` or `RunMetadata`. */
  readonly options: null;
  readonly runMetadata: null;
}

const NO_PARAMS = defineParams("train.SessionRunHook", [] as const);

/**
 * A hook into a `MonitoredSession`'s life (`tf.train.SessionRunHook`); every method does
 * nothing unless overridden. In order: `begin()` while the graph can still change,
 * `afterCreateSession(session, coord)` once variables are initialized or restored (the
 * graph is then finalized), `beforeRun(runContext)` and `afterRun(runContext, runValues)`
 * around each `run`, and `end(session)` when the monitored session closes normally.
 * `coord` is always `null`: scopeflow has no queue runners to coordinate.
 *
 * @example
 * ```ts
 * class CountRuns extends tf.train.SessionRunHook {
 *   runs = 0;
 *   override afterRun() {
 *     this.runs += 1;
 *   }
 * }
 * new CountRuns().runs; // ==> 0
 * ```
 */
export class SessionRunHook {
  /** Called once before the session is made; the graph may still be changed here. */
  begin(): void {}

  /** Called once the session exists and the model is initialized or restored. */
  afterCreateSession(session: Session, coord: null): void {
    void session;
    void coord;
  }

  /** Called before each `run`; may return the fetches and feeds to add to it. */
  beforeRun(runContext: SessionRunContext): SessionRunArgs | null | undefined {
    void runContext;
    return null;
  }

  /** Called after each `run` with the values of what `beforeRun` asked for. */
  afterRun(runContext: SessionRunContext, runValues: SessionRunValues): void {
    void runContext;
    void runValues;
  }

  /** Called when the monitored session closes (not after an error). */
  end(session: Session): void {
    void session;
  }
}
declare(SessionRunHook, NO_PARAMS);
