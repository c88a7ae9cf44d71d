/**
 * `tf.summary.FileWriterCache` (TF 1.15's summary/writer/writer_cache.py): one
 * `FileWriter` per log directory, shared by the hooks that write there.
 */
import { getDefaultGraph } from "../graph/graph.js";
import { declare, defineParams, req, stringKind, type CallArgs } from "../graph/call_args.js";
import { FileWriter } from "./writer.js";

/*
 * TF keeps the writers in a process-global dict. Here they live in the default graph's
 * extensions, so no module state outlives `resetDefaultGraph()` and two graphs (two
 * tests, two models) never share a writer; within one graph it behaves as TF's.
 */
const WRITERS = Symbol("summary.FileWriterCache");

const GET_P = defineParams("summary.FileWriterCache.get", [req("logdir", stringKind)] as const);
const CLEAR_P = defineParams("summary.FileWriterCache.clear", [] as const);

function writers(): Map<string, FileWriter> {
  return getDefaultGraph().getExtension(WRITERS, () => new Map<string, FileWriter>());
}

/**
 * The shared `FileWriter`s by log directory (`tf.summary.FileWriterCache`), kept per
 * default graph. TF's writer also records the graph; scopeflow cannot export a `Graph`
 * to a GraphDef yet, so the cached writer writes no graph event.
 *
 * @example
 * ```ts
 * const a = tf.summary.FileWriterCache.get("logs/cache");
 * tf.summary.FileWriterCache.get("logs/cache") === a; // ==> true
 * tf.summary.FileWriterCache.clear();
 * tf.summary.FileWriterCache.get("logs/cache") === a; // ==> false
 * tf.summary.FileWriterCache.clear();
 * ```
 */
export class FileWriterCache {
  private constructor() {}

  /** The writer for `logdir`, made on first use. */
  static get(...args: CallArgs<typeof GET_P.params>): FileWriter {
    const { logdir } = GET_P.parse(args);
    const cache = writers();
    let writer = cache.get(logdir);
    if (writer === undefined) {
      writer = new FileWriter(logdir);
      cache.set(logdir, writer);
    }
    return writer;
  }

  /** Closes every cached writer and forgets them. */
  static clear(...args: CallArgs<typeof CLEAR_P.params>): void {
    CLEAR_P.parse(args);
    const cache = writers();
    for (const writer of cache.values()) writer.close();
    cache.clear();
  }
}
declare(FileWriterCache.get, GET_P);
declare(FileWriterCache.clear, CLEAR_P);
