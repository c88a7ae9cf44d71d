/**
 * `tf.summary.FileWriter` (TF 1.15's summary/writer/writer.py and event_file_writer.py over
 * C++'s EventsWriter): events framed as TFRecords in `events.out.tfevents.<secs>.<host>`.
 */
import type * as NodeFs from "node:fs";
import type * as NodeOs from "node:os";
import { ValueError } from "../errors.js";
import type { Graph } from "../graph/graph.js";
import {
  declare,
  kind,
  type Kind,
  defineParams,
  intKind,
  numberKind,
  opt,
  req,
  stringKind,
  type CallArgs,
} from "../graph/call_args.js";
import { NDArray } from "../ndarray/index.js";
import * as proto from "../proto/index.js";
import { TFRecordWriter, builtin } from "../io/tfrecord.js";

type EventProps = proto.tensorflow.IEvent;
type SummaryProps = proto.tensorflow.ISummary;

/** A summary: the message, its serialized bytes, or `sess.run`'s string scalar of them. */
export type SummaryLike = SummaryProps | Uint8Array | NDArray;
/** A graph: a scopeflow `Graph` (exported as TF's GraphDef), a GraphDef message, or its bytes. */
export type GraphLike = Graph | proto.tensorflow.IGraphDef | Uint8Array;

/**
 * A value that may be a plain object (a message): it is the value unless its keys are
 * all among `paramNames` (the options form); no message field here is so named.
 */
function valueKind<T>(expected: string, ...paramNames: string[]): Kind<T> {
  return kind<T>(
    expected,
    (v) => typeof v === "object" && v !== null,
    (o) => {
      const keys = Object.keys(o);
      return keys.length === 0 || !keys.every((k) => paramNames.includes(k));
    },
  );
}

const fsOf = (): typeof NodeFs => builtin<typeof NodeFs>("node:fs", "tf.summary.FileWriter");
const osOf = (): typeof NodeOs => builtin<typeof NodeOs>("node:os", "tf.summary.FileWriter");

/** `time.time()`: seconds since the epoch, below the millisecond. */
function now(): number {
  return (performance.timeOrigin + performance.now()) / 1000;
}

function joinPath(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

function summaryBytes(summary: SummaryLike): Uint8Array {
  if (summary instanceof Uint8Array) return summary;
  if (summary instanceof NDArray) {
    if (summary.dtype !== "string" || summary.size !== 1)
      throw new ValueError(
        `a summary from sess.run is a string scalar; got an array of dtype ${summary.dtype} and shape (${summary.shape.join(", ")})`,
      );
    return summary.bytes()[0] as Uint8Array;
  }
  return proto.Summary.toBinary(summary);
}

function isGraph(g: unknown): g is Graph {
  return typeof g === "object" && g !== null && "getOperations" in g && "nameStack" in g;
}

/**
 * A GraphDef's bytes. A `Graph` is exported by `graph.asGraphDef({ addShapes: true })`,
 * as TF's writer does, when this build has graph export.
 */
function graphDefBytes(graph: GraphLike): Uint8Array {
  if (graph instanceof Uint8Array) return graph;
  if (isGraph(graph)) {
    const exporter = (graph as unknown as { asGraphDef?: (o: { addShapes: boolean }) => object })
      .asGraphDef;
    if (typeof exporter !== "function")
      throw new ValueError(
        "This build of scopeflow cannot export a Graph to a GraphDef yet: pass a GraphDef message or its bytes",
      );
    return proto.GraphDef.toBinary(exporter.call(graph, { addShapes: true }));
  }
  return proto.GraphDef.toBinary(graph);
}

const FILE_WRITER_P = defineParams("summary.FileWriter", [
  req("logdir", stringKind),
  opt(
    "graph",
    valueKind<GraphLike>(
      "a Graph, a GraphDef or its bytes",
      "logdir",
      "graph",
      "maxQueue",
      "flushSecs",
      "graphDef",
      "filenameSuffix",
    ),
  ),
  opt("maxQueue", intKind),
  opt("flushSecs", numberKind),
  opt(
    "graphDef",
    valueKind<proto.tensorflow.IGraphDef | Uint8Array>(
      "a GraphDef or its bytes",
      "graphDef",
      "filenameSuffix",
    ),
  ),
  opt("filenameSuffix", stringKind),
] as const);

const stepKind = numberKind;
const ADD_SUMMARY_P = defineParams("FileWriter.addSummary", [
  req(
    "summary",
    valueKind<SummaryLike>("a Summary, its bytes or a string scalar", "summary", "globalStep"),
  ),
  opt("globalStep", stepKind),
] as const);
const ADD_EVENT_P = defineParams("FileWriter.addEvent", [
  req("event", valueKind<EventProps>("an Event", "event")),
] as const);
const ADD_GRAPH_P = defineParams("FileWriter.addGraph", [
  req("graph", valueKind<GraphLike>("a Graph, a GraphDef or its bytes", "graph", "globalStep")),
  opt("globalStep", stepKind),
] as const);
const ADD_RUN_METADATA_P = defineParams("FileWriter.addRunMetadata", [
  req(
    "runMetadata",
    valueKind<proto.tensorflow.IRunMetadata>("a RunMetadata", "runMetadata", "tag", "globalStep"),
  ),
  req("tag", stringKind),
  opt("globalStep", stepKind),
] as const);
const ADD_SESSION_LOG_P = defineParams("FileWriter.addSessionLog", [
  req(
    "sessionLog",
    valueKind<proto.tensorflow.ISessionLog>("a SessionLog", "sessionLog", "globalStep"),
  ),
  opt("globalStep", stepKind),
] as const);
const NO_ARGS = (name: string) => defineParams(`FileWriter.${name}`, [] as const);
const FLUSH_P = NO_ARGS("flush");
const CLOSE_P = NO_ARGS("close");
const REOPEN_P = NO_ARGS("reopen");
const GET_LOGDIR_P = NO_ARGS("getLogdir");

/**
 * TF's `tf.summary.FileWriter(logdir, graph, max_queue=10, flush_secs=120,
 * filename_suffix)`: writes `Event`s to a new file `events.out.tfevents.<secs>.<host>`
 * in `logdir` (created if missing) for TensorBoard. The file starts with the
 * `brain.Event:2` version event. Events wait in a queue of `maxQueue` and are written when
 * it is full, every `flushSecs` seconds (a timer that does not keep Node running), at
 * `flush()` and at `close()`. Writers opened on one logdir in the same second get
 * distinct files (`….<host>.1`, …).
 *
 * @example
 * ```ts
 * const w = new tf.summary.FileWriter("logs/run1");
 * w.addSummary({ value: [{ tag: "loss", simpleValue: 0.5 }] }, 3);
 * w.close();
 * const events = [...tf.train.summaryIterator(w.path)];
 * [events[0].fileVersion, events[1].step, events[1].summary?.value?.[0].simpleValue].join(" "); // ==> brain.Event:2 3 0.5
 * ```
 */
export class FileWriter {
  private readonly logdir: string;
  private readonly maxQueue: number;
  private readonly flushSecs: number;
  private readonly filenameSuffix: string;
  private writer: TFRecordWriter | null = null;
  private queue: Uint8Array[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  private readonly seenSummaryTags = new Set<string>();
  private readonly sessionRunTags = new Set<string>();
  /** The path of the event file being written (a new one after `reopen()`). */
  path = "";

  constructor(...args: CallArgs<typeof FILE_WRITER_P.params>) {
    const a = FILE_WRITER_P.parse(args);
    if (a.graph !== undefined && a.graphDef !== undefined)
      throw new ValueError("Please pass only graph, or graph_def (deprecated), but not both.");
    this.logdir = a.logdir;
    this.maxQueue = a.maxQueue ?? 10;
    this.flushSecs = a.flushSecs ?? 120;
    this.filenameSuffix = a.filenameSuffix ?? "";
    if (this.maxQueue < 1) throw new ValueError(`maxQueue must be positive, got ${this.maxQueue}`);
    if (!(this.flushSecs > 0))
      throw new ValueError(`flushSecs must be positive, got ${this.flushSecs}`);
    const graph = a.graph ?? a.graphDef;
    const graphBytes = graph === undefined ? null : graphDefBytes(graph);
    this.open();
    if (graphBytes !== null) this.addEventStamped({ graphDef: graphBytes }, undefined);
  }

  /** The directory the event files go to. */
  getLogdir(...args: CallArgs<typeof GET_LOGDIR_P.params>): string {
    GET_LOGDIR_P.parse(args);
    return this.logdir;
  }

  /**
   * Adds a summary at `globalStep`: a `Summary` message, its bytes, or the string scalar
   * `sess.run` returns for a summary op. A value's metadata is written only the first
   * time its tag is seen, as TF writes it.
   */
  addSummary(...args: CallArgs<typeof ADD_SUMMARY_P.params>): void {
    const a = ADD_SUMMARY_P.parse(args);
    const summary = proto.Summary.fromBinary(summaryBytes(a.summary));
    for (const value of summary.value) {
      if (!value.metadata) continue;
      const tag = value.tag ?? "";
      if (this.seenSummaryTags.has(tag)) value.metadata = null;
      else this.seenSummaryTags.add(tag);
    }
    this.addEventStamped({ summary }, a.globalStep);
  }

  /** Adds an event as given (no wall time or step is set). */
  addEvent(...args: CallArgs<typeof ADD_EVENT_P.params>): void {
    this.enqueue(ADD_EVENT_P.parse(args).event);
  }

  /** Adds a graph event holding the serialized GraphDef. */
  addGraph(...args: CallArgs<typeof ADD_GRAPH_P.params>): void {
    const a = ADD_GRAPH_P.parse(args);
    this.addEventStamped({ graphDef: graphDefBytes(a.graph) }, a.globalStep);
  }

  /** Adds a run's metadata (`RunMetadata` from `sess.run`'s options) under `tag`, once per tag. */
  addRunMetadata(...args: CallArgs<typeof ADD_RUN_METADATA_P.params>): void {
    const a = ADD_RUN_METADATA_P.parse(args);
    if (this.sessionRunTags.has(a.tag))
      throw new ValueError("The provided tag was already used for this event type");
    this.sessionRunTags.add(a.tag);
    const runMetadata = proto.RunMetadata.toBinary(a.runMetadata);
    this.addEventStamped({ taggedRunMetadata: { tag: a.tag, runMetadata } }, a.globalStep);
  }

  /** Adds a `SessionLog` event (START, STOP, CHECKPOINT). */
  addSessionLog(...args: CallArgs<typeof ADD_SESSION_LOG_P.params>): void {
    const a = ADD_SESSION_LOG_P.parse(args);
    this.addEventStamped({ sessionLog: a.sessionLog }, a.globalStep);
  }

  /** Writes every queued event to the file. */
  flush(...args: CallArgs<typeof FLUSH_P.params>): void {
    FLUSH_P.parse(args);
    this.writeQueue();
  }

  /** Flushes and closes the file; events added after are dropped until `reopen()`. */
  close(...args: CallArgs<typeof CLOSE_P.params>): void {
    CLOSE_P.parse(args);
    if (this.closed) return;
    this.writeQueue();
    this.stopTimer();
    this.writer?.close();
    this.writer = null;
    this.closed = true;
  }

  /** After `close()`: writing goes on, in a new event file. */
  reopen(...args: CallArgs<typeof REOPEN_P.params>): void {
    REOPEN_P.parse(args);
    if (!this.closed) return;
    this.closed = false;
    this.open();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  private open(): void {
    const fs = fsOf();
    fs.mkdirSync(this.logdir, { recursive: true });
    const wallTime = Math.floor(now());
    const stem = `events.out.tfevents.${String(wallTime).padStart(10, "0")}.${osOf().hostname()}`;
    let path = joinPath(this.logdir, stem + this.filenameSuffix);
    // TF names files by the second only; a second writer would truncate the first's file.
    for (let n = 1; fs.existsSync(path); n++)
      path = joinPath(this.logdir, `${stem}.${n}${this.filenameSuffix}`);
    this.path = path;
    this.writer = new TFRecordWriter(path);
    this.writer.write(proto.Event.toBinary({ wallTime, fileVersion: "brain.Event:2" }));
    this.writer.flush();
    this.timer = setInterval(() => this.writeQueue(), this.flushSecs * 1000);
    // Flushing on a timer must not keep a finished program running.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private stopTimer(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private addEventStamped(event: EventProps, step: number | undefined): void {
    const stamped: EventProps = { ...event, wallTime: now() };
    if (step !== undefined) {
      if (!Number.isInteger(step))
        throw new ValueError(`globalStep must be an integer, got ${step}`);
      stamped.step = step;
    }
    this.enqueue(stamped);
  }

  private enqueue(event: EventProps): void {
    if (this.closed) return;
    this.queue.push(proto.Event.toBinary(event));
    if (this.queue.length >= this.maxQueue) this.writeQueue();
  }

  private writeQueue(): void {
    const writer = this.writer;
    if (writer === null) return;
    for (const record of this.queue) writer.write(record);
    this.queue = [];
    writer.flush();
  }
}
declare(FileWriter, FILE_WRITER_P);
declare(FileWriter.prototype.getLogdir, GET_LOGDIR_P);
declare(FileWriter.prototype.addSummary, ADD_SUMMARY_P);
declare(FileWriter.prototype.addEvent, ADD_EVENT_P);
declare(FileWriter.prototype.addGraph, ADD_GRAPH_P);
declare(FileWriter.prototype.addRunMetadata, ADD_RUN_METADATA_P);
declare(FileWriter.prototype.addSessionLog, ADD_SESSION_LOG_P);
declare(FileWriter.prototype.flush, FLUSH_P);
declare(FileWriter.prototype.close, CLOSE_P);
declare(FileWriter.prototype.reopen, REOPEN_P);
