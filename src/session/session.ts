import * as tfc from "@tensorflow/tfjs-core";
import { InternalError } from "../errors.js";
import type { DType } from "../graph/dtypes.js";
import { getDefaultGraph, type Graph } from "../graph/graph.js";
import { widenToInt64 } from "../graph/int64.js";
import { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { NDArray } from "../ndarray/index.js";
import { AsyncScopeError, isPromiseLike } from "../scope/synchronous.js";
import { ensureBackendSync, ready } from "./backend.js";
import { currentDefaultSession, withDefaultSession } from "./default_session.js";
import { feedToTensor, resolveFeeds, type FeedDict } from "./feeds.js";
import { flattenFetches, packResults, type FetchResult, type FetchTarget } from "./fetches.js";
import { Executor } from "./executor.js";

/** Options of `new tf.Session`. */
export interface SessionOptions {
  /** The graph to run (default: the default graph when the session is made). */
  graph?: Graph;
  /** Accepted for compatibility with TensorFlow (`tf.ConfigProto`); not used. */
  config?: unknown;
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

  constructor(options: SessionOptions = {}) {
    this.graph = options.graph ?? getDefaultGraph();
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
  run<F>(fetches: F, feedDict?: FeedDict | null): FetchResult<F> {
    return this.runFetches(fetches, feedDict) as FetchResult<F>;
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
  async runAsync<F>(fetches: F, feedDict?: FeedDict | null): Promise<FetchResult<F>> {
    await ready();
    return this.runFetches(fetches, feedDict) as FetchResult<F>;
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
  asDefault<T>(fn: (session: Session) => T): T {
    const result = withDefaultSession(this, () => fn(this));
    if (isPromiseLike(result)) throw new AsyncScopeError("asDefault");
    return result;
  }

  /** Frees the session's variable values and cached constants. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.executor.dispose();
  }

  [Symbol.dispose](): void {
    this.close();
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

/**
 * Copies a tfjs tensor's values into an `NDArray` (the tensor itself stays owned by the
 * caller). `dtype` is the graph tensor's: an int64 value, carried in int32, comes back as
 * an int64 array.
 */
export function toNDArray(t: tfc.Tensor, dtype: DType = t.dtype as DType): NDArray {
  const data = t.dataSync() as unknown;
  const shape = t.shape.slice();
  if (dtype === "int64") return new NDArray(widenToInt64(data as Int32Array), shape, "int64");
  switch (t.dtype) {
    case "float32":
      return new NDArray(Float32Array.from(data as Float32Array), shape, "float32");
    case "int32":
      return new NDArray(Int32Array.from(data as Int32Array), shape, "int32");
    case "bool":
      return new NDArray(Uint8Array.from(data as Uint8Array), shape, "bool");
    case "string":
      return new NDArray(
        Array.from(data as ArrayLike<string | Uint8Array>, (s) =>
          typeof s === "string" ? s : new TextDecoder().decode(s),
        ),
        shape,
        "string",
      );
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
export function getDefaultSession(): Session | null {
  return currentDefaultSession() as Session | null;
}
