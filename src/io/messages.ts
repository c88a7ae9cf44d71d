/**
 * TensorFlow's protocol-buffer message types as scopeflow's public API (`tf.GraphDef`,
 * `tf.train.Example`, …): the codecs of src/proto/ with each method taking TF-style
 * declared arguments, and `tf.train.Example`'s feature helpers.
 */
import {
  declare,
  defineParams,
  kind,
  opt,
  req,
  stringKind,
  type CallArgs,
  tfFunction,
  type Kind,
} from "../graph/call_args.js";
import { tfRecordIterator } from "./tfrecord.js";
import * as proto from "../proto/index.js";
import type { MessageCodec, TextFormatOptions } from "../proto/index.js";

const bytesKind = kind<Uint8Array>("bytes (a Uint8Array)", (v) => v instanceof Uint8Array);
const isObject = (v: unknown): boolean => typeof v === "object" && v !== null;
/**
 * A message in the last position is the value, unless the object is exactly an options
 * form (its keys among `paramNames`; no message type exposed here has fields so named).
 */
const messageKind = (...paramNames: string[]): Kind<object> =>
  kind<object>("a message (an object)", isObject, (o) => {
    const keys = Object.keys(o);
    return keys.length === 0 || !keys.every((k) => paramNames.includes(k));
  });
const textOptionsKind = kind<TextFormatOptions>(
  "text format options ({ floatStyle })",
  isObject,
  (o) => !("message" in o || "options" in o),
);

/**
 * A message type: TF's `FromString`/`SerializeToString` and text format, each taking its
 * arguments positionally or as one options object.
 */
export interface PublicMessageType<D, P> {
  /** Full protobuf name, e.g. `"tensorflow.GraphDef"`. */
  readonly typeName: string;
  /** Parses the binary wire format (Python's `Message.FromString`). */
  fromBinary(bytes: Uint8Array): D;
  fromBinary(args: { bytes: Uint8Array }): D;
  /** Serialises as TF does (Python's `SerializeToString`). */
  toBinary(message: P): Uint8Array;
  toBinary(args: { message: P }): Uint8Array;
  /** Parses TF's text format (Python's `text_format.Parse`). */
  fromText(text: string): D;
  fromText(args: { text: string }): D;
  /** TF's text format (Python's `text_format.MessageToString`). */
  toText(message: P, options?: TextFormatOptions): string;
  toText(args: { message: P; options?: TextFormatOptions }): string;
  /** A new message with the given fields (Python's `Message(**fields)`). */
  create(properties?: P): D;
  create(args: { properties?: P }): D;
}

function publicMessage<D, P>(name: string, codec: MessageCodec<D, P>): PublicMessageType<D, P> {
  const FROM_BINARY = defineParams(`${name}.fromBinary`, [req("bytes", bytesKind)] as const);
  const TO_BINARY = defineParams(`${name}.toBinary`, [
    req("message", messageKind("message")),
  ] as const);
  const FROM_TEXT = defineParams(`${name}.fromText`, [req("text", stringKind)] as const);
  const TO_TEXT = defineParams(`${name}.toText`, [
    req("message", messageKind("message", "options")),
    opt("options", textOptionsKind),
  ] as const);
  const CREATE = defineParams(`${name}.create`, [
    opt("properties", messageKind("properties")),
  ] as const);
  const fromBinary = (...args: CallArgs<typeof FROM_BINARY.params>): D =>
    codec.fromBinary(FROM_BINARY.parse(args).bytes);
  const toBinary = (...args: CallArgs<typeof TO_BINARY.params>): Uint8Array =>
    plainBytes(codec.toBinary(TO_BINARY.parse(args).message as P));
  const fromText = (...args: CallArgs<typeof FROM_TEXT.params>): D =>
    codec.fromText(FROM_TEXT.parse(args).text);
  const toText = (...args: CallArgs<typeof TO_TEXT.params>): string => {
    const a = TO_TEXT.parse(args);
    return codec.toText(a.message as P, a.options);
  };
  const create = (...args: CallArgs<typeof CREATE.params>): D =>
    codec.create((CREATE.parse(args).properties ?? {}) as P);
  return {
    typeName: codec.typeName,
    // The declared functions check their arguments at run time; the interface's
    // overloads give the two call forms their types.
    fromBinary: declare(fromBinary, FROM_BINARY) as PublicMessageType<D, P>["fromBinary"],
    toBinary: declare(toBinary, TO_BINARY) as PublicMessageType<D, P>["toBinary"],
    fromText: declare(fromText, FROM_TEXT) as PublicMessageType<D, P>["fromText"],
    toText: declare(toText, TO_TEXT) as PublicMessageType<D, P>["toText"],
    create: declare(create, CREATE) as PublicMessageType<D, P>["create"],
  };
}

/** Node's protobufjs writer hands out Buffers; the API gives plain Uint8Arrays. */
function plainBytes(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

const pub = <D, P>(name: string, c: MessageCodec<D, P>): PublicMessageType<D, P> =>
  publicMessage(name, c);

// tf.* message types (API.md "Graph interchange with TensorFlow").

/**
 * TF's `GraphDef` message type (likewise `MetaGraphDef`, `SavedModel`, `NodeDef`,
 * `Summary`, `Event`): binary and text codecs; messages are plain objects with TF's
 * field names in camelCase.
 *
 * @example
 * ```ts
 * const g = tf.GraphDef.fromText('node { name: "c" op: "Const" } versions { producer: 27 }');
 * g.node[0].op; // ==> Const
 * tf.GraphDef.toBinary(g).length; // ==> 16
 * tf.GraphDef.toText(tf.GraphDef.fromBinary(tf.GraphDef.toBinary(g))).split("\n")[1].trim(); // ==> name: "c"
 * ```
 */
export const GraphDef = pub("GraphDef", proto.GraphDef);
export const MetaGraphDef = pub("MetaGraphDef", proto.MetaGraphDef);
export const SavedModel = pub("SavedModel", proto.SavedModel);
export const NodeDef = pub("NodeDef", proto.NodeDef);
export const Summary = pub("Summary", proto.Summary);
export const Event = pub("Event", proto.Event);
export const RunMetadata = pub("RunMetadata", proto.RunMetadata);

// tf.train.* message types.
export const BytesList = pub("train.BytesList", proto.BytesList);
export const FloatList = pub("train.FloatList", proto.FloatList);
export const Int64List = pub("train.Int64List", proto.Int64List);
export const Feature = pub("train.Feature", proto.Feature);
export const Features = pub("train.Features", proto.Features);
export const SequenceExample = pub("train.SequenceExample", proto.SequenceExample);

/**
 * The values of one feature, in the shape that is easiest to write: byte strings
 * (strings are stored as their UTF-8 bytes), float32 values, or 64-bit integers.
 */
export type FeatureValues =
  | { readonly bytesList: readonly (Uint8Array | string)[] }
  | { readonly floatList: readonly number[] }
  | { readonly int64List: readonly (number | bigint)[] };

/** A feature as {@link ExampleType.toFeatures} reads it back. */
export type DecodedFeatureValues =
  | { bytesList: Uint8Array[] }
  | { floatList: number[] }
  /** Numbers, or bigints for values past 2^53. */
  | { int64List: (number | bigint)[] }
  /** A Feature with no kind set. */
  | Record<string, never>;

const utf8 = new TextEncoder();

function int64In(v: number | bigint): number | ReturnType<typeof proto.int64Value> {
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v))
      throw new RangeError(`int64 feature value ${v} is not an integer below 2^53 (pass a bigint)`);
    return v;
  }
  if (v < -(2n ** 63n) || v >= 2n ** 63n)
    throw new RangeError(`int64 feature value ${v} is out of the int64 range`);
  return proto.int64Value(v, false);
}

function featureOf(name: string, f: FeatureValues): proto.tensorflow.Feature.$Properties {
  if ("bytesList" in f)
    return {
      bytesList: { value: f.bytesList.map((b) => (typeof b === "string" ? utf8.encode(b) : b)) },
    };
  if ("floatList" in f) return { floatList: { value: [...f.floatList] } };
  // protobufjs's minimal Long and long.js's Long are the same object at run time.
  if ("int64List" in f)
    return { int64List: { value: f.int64List.map(int64In) as unknown as number[] } };
  throw new TypeError(`feature '${name}' must be { bytesList }, { floatList } or { int64List }`);
}

function int64Out(v: unknown): number | bigint {
  if (typeof v === "number") return v;
  const { low, high } = v as { low: number; high: number };
  return BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0));
}

function isFeature(v: unknown): boolean {
  return (
    isObject(v) &&
    ("bytesList" in (v as object) || "floatList" in (v as object) || "int64List" in (v as object))
  );
}

const FROM_FEATURES = defineParams("train.Example.fromFeatures", [
  req(
    "features",
    kind<Readonly<Record<string, FeatureValues>>>(
      "an object of features by name",
      isObject,
      // `{ features: {...} }` is the options form unless "features" is itself a feature.
      (o) => !(Object.keys(o).length === 1 && isObject(o.features) && !isFeature(o.features)),
    ),
  ),
] as const);
const TO_FEATURES = defineParams("train.Example.toFeatures", [
  req("example", messageKind("example")),
] as const);

type ExampleDecoded = ReturnType<typeof proto.Example.fromBinary>;

/** `tf.train.Example`: the message type, plus the feature helpers. */
export interface ExampleType extends PublicMessageType<
  ExampleDecoded,
  proto.tensorflow.Example.$Properties
> {
  /**
   * An Example from features by name: `{ x: { floatList: [1, 2] }, label: { int64List: [3] } }`.
   */
  fromFeatures(features: Readonly<Record<string, FeatureValues>>): ExampleDecoded;
  fromFeatures(args: { features: Readonly<Record<string, FeatureValues>> }): ExampleDecoded;
  /** An Example's features by name, in the shape `fromFeatures` takes. */
  toFeatures(example: proto.tensorflow.Example.$Properties): Record<string, DecodedFeatureValues>;
  toFeatures(args: {
    example: proto.tensorflow.Example.$Properties;
  }): Record<string, DecodedFeatureValues>;
}

/**
 * TF's `tf.train.Example` message type, with `fromFeatures`/`toFeatures` helpers.
 *
 * @example
 * ```ts
 * const ex = tf.train.Example.fromFeatures({ x: { floatList: [0.5, 2] }, id: { int64List: [7] }, s: { bytesList: ["a"] } });
 * const back = tf.train.Example.toFeatures(tf.train.Example.fromBinary(tf.train.Example.toBinary(ex)));
 * JSON.stringify(back.x); // ==> {"floatList":[0.5,2]}
 * JSON.stringify(back.id); // ==> {"int64List":[7]}
 * tf.train.Example.toText(ex).split("\n")[2].trim(); // ==> key: "id"
 * ```
 */
export const Example: ExampleType = {
  ...pub("train.Example", proto.Example),
  fromFeatures: declare((...args: CallArgs<typeof FROM_FEATURES.params>): ExampleDecoded => {
    const { features } = FROM_FEATURES.parse(args);
    const feature: Record<string, proto.tensorflow.Feature.$Properties> = {};
    for (const [name, f] of Object.entries(features)) feature[name] = featureOf(name, f);
    return proto.Example.fromBinary(proto.Example.toBinary({ features: { feature } }));
  }, FROM_FEATURES),
  toFeatures: declare(
    (...args: CallArgs<typeof TO_FEATURES.params>): Record<string, DecodedFeatureValues> => {
      const ex = TO_FEATURES.parse(args).example as proto.tensorflow.Example.$Properties;
      const out: Record<string, DecodedFeatureValues> = {};
      for (const [name, f] of Object.entries(ex.features?.feature ?? {})) {
        if (f.bytesList) out[name] = { bytesList: [...(f.bytesList.value ?? [])] };
        else if (f.floatList) out[name] = { floatList: [...(f.floatList.value ?? [])] };
        else if (f.int64List) out[name] = { int64List: (f.int64List.value ?? []).map(int64Out) };
        else out[name] = {};
      }
      return out;
    },
    TO_FEATURES,
  ),
};

type EventDecoded = ReturnType<typeof proto.Event.fromBinary>;

/**
 * TF's `tf.train.summary_iterator(path)`: the `Event`s of an event file
 * (`events.out.tfevents.*`), in order. Each record's checksums are checked as
 * `tf.io.tfRecordIterator` checks them.
 *
 * @example
 * ```ts
 * const w = new tf.io.TFRecordWriter("events.out.tfevents.1.host");
 * w.write(tf.Event.toBinary({ wallTime: 1, fileVersion: "brain.Event:2" }));
 * w.write(tf.Event.toBinary({ wallTime: 2, step: 5, summary: { value: [{ tag: "loss", simpleValue: 0.25 }] } }));
 * w.close();
 * const events = [...tf.train.summaryIterator("events.out.tfevents.1.host")];
 * events[0].fileVersion; // ==> brain.Event:2
 * events[1].summary?.value?.[0].simpleValue; // ==> 0.25
 * ```
 */
export const summaryIterator = tfFunction(
  "train.summaryIterator",
  [req("path", stringKind)] as const,
  function* (a): Generator<EventDecoded, void, undefined> {
    for (const record of tfRecordIterator(a.path)) yield proto.Event.fromBinary(record);
  },
);
