import * as tfc from "@tensorflow/tfjs-core";
import { InternalError } from "../errors.js";
import type { DType } from "../graph/dtypes.js";
import { widenToInt64 } from "../graph/int64.js";
import { getDefaultGraph, Graph } from "../graph/graph.js";
import {
  anyKind,
  declare,
  defineParams,
  isPlainObject,
  kind,
  opt,
  parseWithCallback,
  req,
  stringKind,
  tfFunction,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";
import { refuseUnsupported } from "../scope/arg_kinds.js";
import { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { NDArray } from "../ndarray/index.js";
import { stringTensorBytes } from "../ops/tfjs_internals.js";
import { AsyncScopeError, isPromiseLike } from "../scope/synchronous.js";
import { ensureBackendSync, ready } from "./backend.js";
import { currentDefaultSession, withDefaultSession } from "./default_session.js";
import { feedToTensor, resolveFeeds, type FeedDict } from "./feeds.js";
import { flattenFetches, packResults, type FetchResult, type FetchTarget } from "./fetches.js";
import { Executor } from "./executor.js";
import { isOutputSink } from "./output.js";
import type { OutputSink } from "../ops/registry.js";

/** A feed dict: a `Map` from tensors (or names) to values, or a plain object keyed by name. */
export const feedDictKind = kind<FeedDict>(
  "a feed dict (a Map, or an object keyed by tensor name)",
  (v) => v instanceof Map || isPlainObject(v),
  true,
);

/** A `tf.Session`. */
export const sessionKind = kind<Session>("a Session", (v) => v instanceof Session);

/** TF 1.15's `Session(target='', graph=None, config=None)`. */
const SESSION_PARAMS = [
  opt("target", stringKind),
  opt(
    "graph",
    kind<Graph>("a Graph", (v) => v instanceof Graph),
  ),
  // A `ConfigProto` (device placement, threads, GPU options): nothing in it applies here.
  opt("config", anyKind<unknown>("a ConfigProto")),
] as const;
const SESSION = defineParams("Session", SESSION_PARAMS);

/** The options object of `new tf.Session`. */
export type SessionOptions = OptionsOf<typeof SESSION_PARAMS>;

/**
 * `run(fetches, feed_dict=None, options=None, run_metadata=None)`. Fetches and the feed
 * dict may be plain objects, so the second argument is always the feed dict, never
 * options: keywords come third (`sess.run(y, feed, { runMetadata })`).
 */
const RUN_PARAMS = [
  req("fetches", anyKind<unknown>("a fetch (a Tensor, an Operation, a name, or lists of them)")),
  opt("feedDict", feedDictKind),
  opt("options", anyKind<unknown>("a RunOptions", false)),
  opt("runMetadata", anyKind<unknown>("a RunMetadata", false)),
] as const;
const RUN = defineParams("Session.run", RUN_PARAMS);
const RUN_ASYNC = defineParams("Session.runAsync", RUN_PARAMS);
const NO_PARAMS = [] as const;
const AS_DEFAULT = defineParams("Session.asDefault", NO_PARAMS);
const CLOSE = defineParams("Session.close", NO_PARAMS);

type RunArgs<F> =
  | [fetches: F, feedDict?: FeedDict | null]
  | [
      fetches: F,
      feedDict: FeedDict | null | undefined,
      options: OptionsOf<readonly [(typeof RUN_PARAMS)[2], (typeof RUN_PARAMS)[3]]>,
    ]
  | [
      fetches: F,
      feedDict: FeedDict | null | undefined,
      options: null | undefined,
      runMetadata?: null,
    ];

/** Refuses `RunOptions` and `RunMetadata`: scopeflow neither traces nor times steps. */
function checkRunArgs(a: { options?: unknown; runMetadata?: unknown }, fn: string): void {
  const why = "scopeflow records no step traces or timings";
  refuseUnsupported(fn, "options", a.options, why, "RunOptions");
  refuseUnsupported(fn, "runMetadata", a.runMetadata, why, "RunMetadata");
}

/**
 * Runs a graph (`tf.Session`). Each session holds its own variable values: two sessions
 * over one graph share no state. Runs are synchronous on TensorFlow.js kernels.
 *
 * @example
 * ```ts
 * const price = tf.variableScope("book", () => tf.getVariable("price", [], { initializer: tf.constantInitializer(20.5) }));
 * const sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * sess.run(price); // ==> 20.5
 * sess.close();
 * ```
 */
export class Session implements Disposable {
  /** The graph this session runs. */
  readonly graph: Graph;
  private readonly executor = new Executor();
  private closed = false;

  constructor(...args: CallArgs<typeof SESSION_PARAMS>) {
    const a = SESSION.parse(args);
    if (a.target !== undefined && a.target !== "") {
      refuseUnsupported(
        "Session",
        "target",
        a.target,
        "scopeflow runs in process, with no distributed runtime",
      );
    }
    this.graph = a.graph ?? getDefaultGraph();
  }

  /**
   * Computes `fetches`: tensors (by object or `"name:0"`), variables, operations (by object
   * or name), or nested arrays and objects of them. Tensors come back as `NDArray`s,
   * operations as `null`, in the same structure.
   *
   * @example
   * ```ts
   * const x = tf.placeholder(tf.float32, [2]);
   * const total = tf.reduceSum(x);
   * using sess = new tf.Session();
   * const { sum, max } = sess.run({ sum: total, max: tf.reduceMax(x) }, new Map([[x, [1, 3]]]));
   * `${sum} ${max}`; // ==> 4.0 3.0
   * ```
   */
  run<F>(...args: RunArgs<F>): FetchResult<F>;
  run(...args: unknown[]): unknown {
    const a = RUN.parse(args);
    checkRunArgs(a, "Session.run");
    return this.runFetches(a.fetches, a.feedDict);
  }

  private runFetches(fetches: unknown, feedDict: FeedDict | null | undefined): unknown {
    this.assertOpen();
    ensureBackendSync();
    const leaves = flattenFetches(this.graph, fetches);
    const results = this.execute(leaves, feedDict);
    return packResults(fetches, results);
  }

  /**
   * `run`, after waiting for the backend to be ready.
   *
   * @example
   * ```ts
   * const y = tf.add(tf.constant(1), 2);
   * using sess = new tf.Session();
   * await sess.runAsync(y); // ==> 3.0
   * ```
   */
  async runAsync<F>(...args: RunArgs<F>): Promise<FetchResult<F>> {
    const a = RUN_ASYNC.parse(args);
    checkRunArgs(a, "Session.runAsync");
    await ready();
    return this.runFetches(a.fetches, a.feedDict) as FetchResult<F>;
  }

  /**
   * Makes this the session `Tensor.eval()` and `Variable.eval()` use inside `fn`.
   *
   * @example
   * ```ts
   * const w = tf.getVariable("w", [2], { initializer: tf.onesInitializer() });
   * using sess = new tf.Session();
   * sess.run(w.initializer);
   * sess.asDefault(() => w.eval()); // ==> [1. 1.]
   * ```
   */
  asDefault<T>(fn: (session: Session) => T): T;
  asDefault<T>(...args: unknown[]): T {
    const [, fn] = parseWithCallback<typeof NO_PARAMS, (session: Session) => T>(AS_DEFAULT, args);
    const result = withDefaultSession(this, () => fn(this));
    if (isPromiseLike(result)) throw new AsyncScopeError("asDefault");
    return result;
  }

  /** Frees the session's variable values and cached constants. */
  close(...args: CallArgs<typeof NO_PARAMS>): void {
    CLOSE.parse(args);
    if (this.closed) return;
    this.closed = true;
    this.executor.dispose();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Where this session's printing ops (`tf.print`, `tf.Print`) write: an object whose
   * `write(stream, text)` gets exactly the text TensorFlow writes and the stream it names
   * (`"stderr"`, `"stdout"`, `"log(info)"`, `"log(warning)"`, `"log(error)"`, or
   * `"file://<path>"`). By default `stdout`/`stderr` go to the process's streams (the
   * console in a browser), the logging levels to `console.info`/`warn`/`error`, and a file
   * is appended to (Node.js only).
   *
   * @example
   * ```ts
   * using sess = new tf.Session();
   * const printed: string[] = [];
   * sess.output = { write: (stream, text) => printed.push(`${stream} ${JSON.stringify(text)}`) };
   * sess.run(tf.print("loss:", tf.constant(0.25)));
   * printed[0]; // ==> stderr "loss: 0.25\n"
   * ```
   */
  get output(): OutputSink {
    return this.executor.output;
  }

  set output(sink: OutputSink) {
    if (!isOutputSink(sink)) {
      throw new TypeError("Session.output must be an object with a write(stream, text) method");
    }
    this.executor.output = sink;
  }

  /** Whether `close()` was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("Attempted to use a closed Session.");
  }

  private execute(
    leaves: FetchTarget[],
    feedDict: FeedDict | null | undefined,
  ): (NDArray | null)[] {
    const feeds = resolveFeeds(this.graph, feedDict);
    const fetchTensors: Tensor[] = [];
    const targets: Operation[] = [];
    for (const leaf of leaves) {
      if (leaf instanceof Operation) targets.push(leaf);
      else fetchTensors.push(leaf);
    }
    const fedTensors = [...feeds.keys()];
    const executor = this.executor;
    const plan = executor.planFor(fetchTensors, targets, fedTensors);
    const values: (tfc.Tensor | undefined)[] = new Array(plan.slotCount);
    const owned: tfc.Tensor[] = [];
    try {
      for (const [t, value] of feeds) {
        const tensor = feedToTensor(t, value);
        owned.push(tensor);
        values[plan.feedSlots.get(t) as number] = tensor;
      }
      executor.runSteps(plan, values);
      const fetched = plan.fetchSources.map((source, i) => {
        const t = fetchTensors[i] as Tensor;
        return toNDArray(executor.inputValue(source, values, t.op), t.dtype);
      });
      executor.state.commit();
      let next = 0;
      return leaves.map((leaf) =>
        leaf instanceof Operation ? null : (fetched[next++] as NDArray),
      );
    } catch (e) {
      executor.state.rollback();
      throw e;
    } finally {
      for (let s = 0; s < values.length; s++) {
        const v = values[s];
        if (v !== undefined && !plan.constantSlots.has(s)) v.dispose();
      }
      for (const t of owned) t.dispose();
      executor.endRun();
    }
  }

  /** Variable values held (for tests and tools). */
  get variableCount(): number {
    return this.executor.state.size;
  }
}

declare(Session, SESSION);
declare(Session.prototype.run, RUN);
declare(Session.prototype.runAsync, RUN_ASYNC);
declare(Session.prototype.asDefault, AS_DEFAULT);
declare(Session.prototype.close, CLOSE);

/**
 * Copies a tfjs tensor's values into an `NDArray` (the tensor itself stays owned by the
 * caller). `dtype` is the graph tensor's: an int64 value, carried in int32, comes back as
 * an int64 array.
 */
function toNDArray(t: tfc.Tensor, dtype: DType = t.dtype as DType): NDArray {
  const shape = t.shape.slice();
  // The raw bytes: a string tensor may hold bytes that are not UTF-8 (a serialized Summary).
  if (t.dtype === "string") return NDArray.fromTypedArray(stringTensorBytes(t), shape, "string");
  const data = t.dataSync() as unknown;
  if (dtype === "int64") return new NDArray(widenToInt64(data as Int32Array), shape, "int64");
  switch (t.dtype) {
    case "float32":
      return new NDArray(Float32Array.from(data as Float32Array), shape, "float32");
    case "int32":
      return new NDArray(Int32Array.from(data as Int32Array), shape, "int32");
    case "bool":
      return new NDArray(Uint8Array.from(data as Uint8Array), shape, "bool");
    default:
      throw new InternalError(`Unsupported tfjs dtype ${t.dtype}`);
  }
}

/**
 * The default session (`tf.get_default_session()`): the innermost `asDefault` one, or `null`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.asDefault(() => tf.getDefaultSession() === sess); // ==> true
 * tf.getDefaultSession(); // ==> null
 * ```
 */
export const getDefaultSession = tfFunction(
  "getDefaultSession",
  NO_PARAMS,
  (): Session | null => currentDefaultSession() as Session | null,
);
