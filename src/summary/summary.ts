/**
 * `tf.summary`'s ops (TF 1.15's summary/summary.py, summary_op_util.py, text_summary.py):
 * each builds a summary op named by a name scope, with a tag taken from that scope, and
 * adds it to the `summaries` collection.
 */
import { ValueError } from "../errors.js";
import { GraphKeys, getDefaultGraph, type Graph } from "../graph/graph.js";
import { Tensor, type TensorLike } from "../graph/tensor.js";
import {
  intKind,
  listKind,
  scalarKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tensorListKind,
  tfFunction,
} from "../graph/call_args.js";
import * as proto from "../proto/index.js";
import { convertToTensor } from "../ops/convert.js";
import { inOpScope } from "../ops/op_scope.js";
import {
  audioSummaryV2In,
  histogramSummaryIn,
  imageSummaryIn,
  mergeSummaryIn,
  scalarSummaryIn,
  tensorSummaryV2In,
} from "../ops/summary/summary_ops.js";

/** Characters a summary name may not hold (Python's `[^-/\w\.]`, Unicode `\w`). */
const INVALID_TAG_CHARACTERS = /[^-/\p{L}\p{N}_.]/gu;

/**
 * TF's `clean_tag`: characters not allowed in op names become `_` and leading slashes
 * are dropped, since a summary's name is now a node name rather than a free-form tag.
 */
export function cleanTag(name: string): string;
export function cleanTag(name: string | null | undefined): string | null | undefined;
export function cleanTag(name: string | null | undefined): string | null | undefined {
  if (name === null || name === undefined) return name;
  return name.replace(INVALID_TAG_CHARACTERS, "_").replace(/^\/+/, "");
}

/**
 * TF's `summary_scope`: a name scope `family/name` (or `name`) and the tag, the scope's
 * name prefixed by `family/` again so that TensorBoard shows it in the family's tab.
 */
function summaryScope<T>(
  name: string,
  family: string | null | undefined,
  defaultName: string | null,
  values: readonly unknown[],
  build: (tag: string, scope: string, graph: Graph) => T,
): T {
  const cleanName = cleanTag(name);
  const cleanFamily = cleanTag(family);
  const base =
    cleanFamily === null || cleanFamily === undefined ? cleanName : `${cleanFamily}/${cleanName}`;
  return inOpScope(base, defaultName ?? "", values, (scope, graph) => {
    const inScope = scope.replace(/\/+$/, "");
    const tag =
      cleanFamily === null || cleanFamily === undefined ? inScope : `${cleanFamily}/${inScope}`;
    return build(tag, scope, graph);
  });
}

/** TF's `summary_op_util.collect`: an explicit list replaces the default collections. */
function collect(
  graph: Graph,
  value: Tensor,
  collections: readonly string[] | null | undefined,
  defaults: readonly string[],
): void {
  for (const key of collections ?? defaults) graph.addItem(key, value);
}

const collectionsKind = listKind(stringKind);

/**
 * A summary of one number (`tf.summary.scalar`, op `ScalarSummary`): a string scalar, the
 * serialized `Summary` with one `simple_value` tagged with the op's name. The op joins
 * `collections` (default `["summaries"]`); `family` prefixes the name and the tag.
 *
 * @example
 * ```ts
 * const s = tf.summary.scalar("loss", tf.constant(0.25));
 * s.name; // ==> loss:0
 * using sess = new tf.Session();
 * tf.Summary.fromBinary(sess.run(s).bytes()[0]).value[0].simpleValue; // ==> 0.25
 * ```
 */
export const scalar = tfFunction(
  "summary.scalar",
  [
    req("name", stringKind),
    req("tensor", tensorKind),
    opt("collections", collectionsKind),
    opt("family", stringKind),
  ] as const,
  (a): Tensor =>
    summaryScope(a.name, a.family, null, [a.tensor], (tag, scope, graph) => {
      const out = scalarSummaryIn(graph, scope, tag, a.tensor).outputs[0] as Tensor;
      collect(graph, out, a.collections, [GraphKeys.SUMMARIES]);
      return out;
    }),
);

/**
 * A histogram of a tensor's values (`tf.summary.histogram`, op `HistogramSummary`) over
 * TF's default buckets (limits ±1e-12·1.1^k, 0, ±DBL_MAX), runs of empty buckets merged
 * into one. NaN or infinite values make the op fail when it runs.
 *
 * @example
 * ```ts
 * const h = tf.summary.histogram("weights", tf.constant([1, 2, 2, 3], tf.float32));
 * using sess = new tf.Session();
 * const histo = tf.Summary.fromBinary(sess.run(h).bytes()[0]).value[0].histo;
 * [histo?.num, histo?.sum, histo?.min, histo?.max].join(" "); // ==> 4 8 1 3
 * ```
 */
export const histogram = tfFunction(
  "summary.histogram",
  [
    req("name", stringKind),
    req("values", tensorKind),
    opt("collections", collectionsKind),
    opt("family", stringKind),
  ] as const,
  (a): Tensor =>
    summaryScope(a.name, a.family, "HistogramSummary", [a.values], (tag, scope, graph) => {
      const out = histogramSummaryIn(graph, scope, tag, a.values).outputs[0] as Tensor;
      collect(graph, out, a.collections, [GraphKeys.SUMMARIES]);
      return out;
    }),
);

/**
 * Images of a `[batch, height, width, channels]` float32 tensor (channels 1, 3 or 4) as
 * PNGs (`tf.summary.image`, op `ImageSummary`): at most `maxOutputs` (default 3), tagged
 * `name/image/0`, … (`name/image` when `maxOutputs` is 1). Values are scaled into 0–255
 * as TF's kernel scales them: by 255/max when none is negative, else by 127/max|v| around
 * 128; non-finite pixels are opaque red.
 *
 * @example
 * ```ts
 * const im = tf.summary.image("digits", tf.zeros([2, 4, 4, 1]), 1);
 * using sess = new tf.Session();
 * const v = tf.Summary.fromBinary(sess.run(im).bytes()[0]).value;
 * [v.length, v[0].tag, v[0].image?.width].join(" "); // ==> 1 digits/image 4
 * ```
 */
export const image = tfFunction(
  "summary.image",
  [
    req("name", stringKind),
    req("tensor", tensorKind),
    opt("maxOutputs", intKind),
    opt("collections", collectionsKind),
    opt("family", stringKind),
  ] as const,
  (a): Tensor =>
    summaryScope(a.name, a.family, null, [a.tensor], (tag, scope, graph) => {
      const out = imageSummaryIn(graph, scope, tag, a.tensor, a.maxOutputs ?? 3)
        .outputs[0] as Tensor;
      collect(graph, out, a.collections, [GraphKeys.SUMMARIES]);
      return out;
    }),
);

/**
 * Sounds of a `[batch, frames, channels]` (or `[batch, frames]`) float32 tensor with
 * values in [-1, 1] (`tf.summary.audio`, op `AudioSummaryV2`), as 16-bit WAV files: at
 * most `maxOutputs` (default 3), tagged `name/audio/0`, … (`name/audio` when `maxOutputs`
 * is 1).
 *
 * @example
 * ```ts
 * const a = tf.summary.audio("beep", tf.zeros([1, 100, 2]), 8000, 1);
 * using sess = new tf.Session();
 * const v = tf.Summary.fromBinary(sess.run(a).bytes()[0]).value[0];
 * [v.tag, v.audio?.numChannels, v.audio?.lengthFrames, v.audio?.contentType].join(" "); // ==> beep/audio 2 100 audio/wav
 * ```
 */
export const audio = tfFunction(
  "summary.audio",
  [
    req("name", stringKind),
    req("tensor", tensorKind),
    req("sampleRate", scalarKind),
    opt("maxOutputs", intKind),
    opt("collections", collectionsKind),
    opt("family", stringKind),
  ] as const,
  (a): Tensor =>
    summaryScope(a.name, a.family, null, [a.tensor], (tag, scope, graph) => {
      const rate = convertToTensor(a.sampleRate, { dtype: "float32", name: "sample_rate" });
      const out = audioSummaryV2In(graph, scope, tag, a.tensor, rate, a.maxOutputs ?? 3)
        .outputs[0] as Tensor;
      collect(graph, out, a.collections, [GraphKeys.SUMMARIES]);
      return out;
    }),
);

/** The `SummaryMetadata` of text summaries: the `text` plugin, no content. */
const TEXT_PLUGIN_METADATA = proto.SummaryMetadata.toBinary({
  pluginData: { pluginName: "text" },
});

/**
 * A string tensor for TensorBoard's text dashboard (`tf.summary.text`, op
 * `TensorSummaryV2` with the `text` plugin's metadata); the strings are Markdown.
 *
 * @example
 * ```ts
 * const t = tf.summary.text("notes", tf.constant("**hello**"));
 * using sess = new tf.Session();
 * const v = tf.Summary.fromBinary(sess.run(t).bytes()[0]).value[0];
 * v.metadata?.pluginData?.pluginName; // ==> text
 * new TextDecoder().decode(v.tensor?.stringVal?.[0]); // ==> **hello**
 * ```
 */
export const text = tfFunction(
  "summary.text",
  [
    req("name", stringKind),
    req("tensor", tensorKind),
    opt("collections", collectionsKind),
  ] as const,
  (a): Tensor => {
    const graph = a.tensor instanceof Tensor ? a.tensor.graph : getDefaultGraph();
    return graph.atomically(() => {
      const t = convertToTensor(a.tensor);
      if (t.dtype !== "string")
        throw new ValueError(
          `Expected tensor ${t.name} to have dtype string, got <dtype: '${t.dtype}'>`,
        );
      // Latin-1 keeps the metadata's bytes one char each (they are ASCII here).
      const metadata = String.fromCharCode(...TEXT_PLUGIN_METADATA);
      return summaryScope(a.name, null, null, [t], (tag, scope, g) => {
        const out = tensorSummaryV2In(g, scope, tag, t, metadata).outputs[0] as Tensor;
        collect(g, out, a.collections, [GraphKeys.SUMMARIES]);
        return out;
      });
    });
  },
);

/**
 * One summary holding the values of several (`tf.summary.merge`, op `MergeSummary`,
 * named `Merge/MergeSummary` by default). A tag found twice makes the op fail when it runs.
 * The op joins `collections` (none by default).
 *
 * @example
 * ```ts
 * const m = tf.summary.merge([tf.summary.scalar("a", tf.constant(1)), tf.summary.scalar("b", tf.constant(2))]);
 * m.name; // ==> Merge/MergeSummary:0
 * using sess = new tf.Session();
 * tf.Summary.fromBinary(sess.run(m).bytes()[0]).value.map((v) => v.tag).join(" "); // ==> a b
 * ```
 */
export const merge = tfFunction(
  "summary.merge",
  [
    req("inputs", tensorListKind),
    opt("collections", collectionsKind),
    opt("name", stringKind),
  ] as const,
  (a): Tensor => mergeOp(a.inputs, a.collections, a.name),
);

function mergeOp(
  inputs: readonly TensorLike[],
  collections: readonly string[] | undefined,
  name: string | undefined,
): Tensor {
  const cleaned = cleanTag(name);
  return inOpScope(cleaned, "Merge", inputs, (_scope, graph) =>
    inOpScope(cleaned, "MergeSummary", [], (scope) => {
      const tensors = inputs.map((x) => convertToTensor(x, { name: "inputs" }));
      const out = mergeSummaryIn(graph, scope, tensors).outputs[0] as Tensor;
      collect(graph, out, collections, []);
      return out;
    }),
  );
}

/**
 * All the summaries of a collection merged into one (`tf.summary.merge_all`), or `null`
 * when the collection is empty.
 *
 * @example
 * ```ts
 * tf.summary.mergeAll(); // ==> null
 * tf.summary.scalar("x", tf.constant(1));
 * tf.summary.mergeAll()?.name; // ==> Merge/MergeSummary:0
 * ```
 */
export const mergeAll = tfFunction(
  "summary.mergeAll",
  [opt("key", stringKind), opt("scope", stringKind), opt("name", stringKind)] as const,
  (a): Tensor | null => {
    const ops = getDefaultGraph().collectionItems<Tensor>(a.key ?? GraphKeys.SUMMARIES, a.scope);
    if (ops.length === 0) return null;
    return mergeOp(ops, undefined, a.name);
  },
);
