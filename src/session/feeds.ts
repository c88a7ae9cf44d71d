import * as tfc from "@tensorflow/tfjs-core";
import { ValueError } from "../errors.js";
import type { Graph } from "../graph/graph.js";
import { parseTensorName } from "../graph/names.js";
import { isTensorConvertible, Tensor, toTensorSymbol } from "../graph/tensor.js";
import { TensorShape } from "../graph/tensor_shape.js";
import { isShapedValue, toConstValue, type ConstValue } from "../ops/const_value.js";
import { runtimeTensor } from "../ops/runtime_value.js";
import { NDArray } from "../ndarray/index.js";

/** A value to feed: a number, boolean, string, nested array, typed array, or `NDArray`. */
export type FeedValue = unknown;

/** `feedDict`: a Map from tensor (or name) to value, or an object keyed by tensor name. */
export type FeedDict =
  | ReadonlyMap<Tensor | string | { [toTensorSymbol](asRef: boolean): Tensor }, FeedValue>
  | Readonly<Record<string, FeedValue>>;

/** Keys that say the feed dict was mistaken for an options object. */
const RUN_KEYWORDS = new Set([
  "feedDict",
  "feed_dict",
  "fetches",
  "options",
  "runMetadata",
  "session",
]);

function resolveFeedKey(graph: Graph, key: unknown): Tensor {
  let t: Tensor;
  if (key instanceof Tensor) t = key;
  else if (isTensorConvertible(key)) t = key[toTensorSymbol](true);
  else if (typeof key === "string") {
    try {
      t = graph.getTensorByName(key);
    } catch (e) {
      // TensorFlow's `Session.run` turns any look-up failure into this TypeError.
      let message = `Cannot interpret feed_dict key as Tensor: ${(e as Error).message}`;
      if (parseTensorName(key) === null && RUN_KEYWORDS.has(key)) {
        message += ` (the second argument of run and eval is the feed dict itself: sess.run(fetches, feedDict))`;
      }
      throw new TypeError(message);
    }
  } else {
    throw new TypeError(
      `Cannot interpret feed_dict key as Tensor: Can not convert a ${typeof key} into a Tensor.`,
    );
  }
  if (t.graph !== graph) {
    throw new ValueError(
      `Cannot interpret feed_dict key as Tensor: Tensor ${t.toString()} is not an element of this graph.`,
    );
  }
  return t;
}

/** The entries of a feed dict with keys resolved to tensors of `graph`. */
export function resolveFeeds(
  graph: Graph,
  feedDict: FeedDict | undefined | null,
): Map<Tensor, FeedValue> {
  const out = new Map<Tensor, FeedValue>();
  if (feedDict === undefined || feedDict === null) return out;
  const entries: Iterable<[unknown, FeedValue]> =
    feedDict instanceof Map
      ? feedDict.entries()
      : Object.entries(feedDict as Record<string, FeedValue>);
  for (const [key, value] of entries) out.set(resolveFeedKey(graph, key), value);
  return out;
}

function isTypedArray(
  value: unknown,
): value is Float32Array | Int32Array | BigInt64Array | Uint8Array {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/**
 * Converts a feed to a tfjs tensor of the tensor's dtype, after checking its shape against
 * the tensor's static shape with TensorFlow's message (before anything runs).
 */
export function feedToTensor(t: Tensor, value: FeedValue): tfc.Tensor {
  const dtype = t.dtype;
  const direct = directFeed(t, value);
  if (direct !== null) return direct;
  let shape: number[];
  let values: ConstValue["values"];
  if (isTypedArray(value) && !isShapedValue(value)) {
    shape = typedArrayShape(t, value.length);
    values = toConstValue(Array.from(value as ArrayLike<number | bigint>), dtype).values;
  } else {
    const c = toConstValue(value, dtype);
    shape = c.shape;
    values = c.values;
  }
  checkFeedShape(t, shape);
  return runtimeTensor(values, shape, dtype, feedWhat(t));
}

function feedWhat(t: Tensor): string {
  return `Value fed for Tensor '${t.name}'`;
}

/** A flat typed array takes the tensor's static shape, with at most one unknown dim inferred. */
function typedArrayShape(t: Tensor, length: number): number[] {
  const dims = t.shape.dims;
  if (dims === null) return [length];
  const known = dims.reduce<number>((a, d) => a * (d ?? 1), 1);
  const unknown = dims.filter((d) => d === null).length;
  if (unknown > 1) {
    throw new ValueError(
      `Cannot feed a flat typed array for Tensor '${t.name}' of shape '${t.shape.toString()}': more than one unknown dimension; feed an NDArray or nested array.`,
    );
  }
  const shape = dims.map((d) => (d === null ? length / known : d));
  if (shape.some((d) => !Number.isInteger(d)) || shape.reduce((a, b) => a * b, 1) !== length) {
    throw new ValueError(
      `Cannot feed value of shape (${length},) for Tensor '${t.name}', which has shape '${t.shape.toString()}'`,
    );
  }
  return shape;
}

/**
 * Feeds that need no element-by-element conversion: an `NDArray` of the right dtype and a
 * plain number. Training loops feed these every step.
 */
function directFeed(t: Tensor, value: FeedValue): tfc.Tensor | null {
  if (typeof value === "number" && t.dtype === "float32") {
    checkFeedShape(t, []);
    return tfc.scalar(value, "float32");
  }
  if (value instanceof NDArray && value.dtype === "string" && t.dtype === "string") {
    // Its bytes, not its decoded strings: a fetched Summary fed back must stay exact.
    const shape = value.shape.slice();
    checkFeedShape(t, shape);
    return tfc.tensor(value.bytes(), shape, "string");
  }
  if (isShapedValue(value) && value.dtype === t.dtype && value.dtype !== "string") {
    const shape = value.shape.slice();
    checkFeedShape(t, shape);
    return runtimeTensor(value.data as ConstValue["values"], shape, value.dtype, feedWhat(t));
  }
  return null;
}

function checkFeedShape(t: Tensor, shape: number[]): void {
  if (!t.shape.isCompatibleWith(shape)) {
    throw new ValueError(
      `Cannot feed value of shape ${new TensorShape(shape).toString()} for Tensor '${t.name}', which has shape '${t.shape.toString()}'`,
    );
  }
}
