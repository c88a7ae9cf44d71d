/**
 * One codec per TensorFlow message type: binary through the generated static
 * code (generated/tf.js, protobufjs-cli), text through text_format.ts.
 *
 * Decoding keeps fields this schema does not know (written by a newer TF) and
 * writes them back, so decode → encode reproduces a TF-written file. 64-bit
 * integers come back as plain numbers when they fit in 2^53 and as protobufjs
 * `Long`s otherwise (protobufjs alone would hand out a Long for every int64).
 */
import protobuf from "protobufjs/minimal.js";
import { google, tensorflow } from "./generated/tf.js";
import { INT64_TYPES, containsInt64, messageInfo } from "./reflect.js";
import {
  type ProtoObject,
  type TextFormatOptions,
  parseTextMessage,
  printTextMessage,
  registerBinaryEncoder,
} from "./text_format.js";

/** The static class pbjs generates for a message type. */
interface StaticMessageClass<D, P> {
  encode(message: P, writer?: protobuf.Writer): protobuf.Writer;
  decode(reader: protobuf.Reader | Uint8Array, length?: number): D;
  create(properties?: P): D;
}

/** Encode/decode of one message type, binary and text. */
export interface MessageCodec<D, P = D> {
  /** Full protobuf name, e.g. `"tensorflow.GraphDef"`. */
  readonly typeName: string;
  /** Parses the binary wire format; fields unknown to this schema are kept. */
  fromBinary(bytes: Uint8Array): D;
  /** Serialises as TF's C++ does: field-number order, proto3 defaults omitted. */
  toBinary(message: P): Uint8Array;
  /** Parses TF's text format (`.pbtxt`). */
  fromText(text: string): D;
  /** Prints TF's text format, as TF's Python writes `.pbtxt` files (or its C++, see `floatStyle`). */
  toText(message: P, options?: TextFormatOptions): string;
  /** A new message with the given fields set. */
  create(properties?: P): D;
}

/** A truncated or malformed binary message. */
export class ProtoDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtoDecodeError";
  }
}

function isLong(v: unknown): v is protobuf.Long {
  return v !== null && typeof v === "object" && "low" in v && "high" in v;
}

function narrowInt64(v: unknown): unknown {
  if (!isLong(v)) return v;
  const big = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  const n = Number(v.unsigned ? big : BigInt.asIntN(64, big));
  return Number.isSafeInteger(n) ? n : v;
}

/** Replaces Long values that fit in a double by numbers, in place. */
function normalizeInt64(fullName: string, msg: ProtoObject): void {
  for (const f of messageInfo(fullName).fields) {
    const v = msg[f.jsName];
    if (v === undefined || v === null) continue;
    const value = f.value;
    if (value.kind === "message") {
      const inner = value.message().fullName;
      if (!containsInt64(inner)) continue;
      if (f.mapKey)
        for (const item of Object.values(v as Record<string, ProtoObject>))
          normalizeInt64(inner, item);
      else if (f.repeated) for (const item of v as ProtoObject[]) normalizeInt64(inner, item);
      else normalizeInt64(inner, v as ProtoObject);
    } else if (value.kind === "scalar" && INT64_TYPES.has(value.scalar)) {
      if (f.mapKey) {
        const map = v as Record<string, unknown>;
        for (const k of Object.keys(map)) map[k] = narrowInt64(map[k]);
      } else if (f.repeated) {
        const arr = v as unknown[];
        for (let i = 0; i < arr.length; i++) arr[i] = narrowInt64(arr[i]);
      } else msg[f.jsName] = narrowInt64(v);
    }
  }
}

const byName = new Map<string, StaticMessageClass<ProtoObject, ProtoObject>>();

function decodeWith<D>(
  typeName: string,
  cls: StaticMessageClass<D, unknown>,
  bytes: Uint8Array,
): D {
  const reader = protobuf.Reader.create(bytes);
  reader.discardUnknown = false;
  let msg: D;
  try {
    msg = cls.decode(reader);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new ProtoDecodeError(
      `${typeName}: malformed or truncated message (${bytes.length} bytes): ${why}`,
    );
  }
  if (containsInt64(typeName)) normalizeInt64(typeName, msg as ProtoObject);
  return msg;
}

function makeCodec<D, P>(typeName: string, cls: StaticMessageClass<D, P>): MessageCodec<D, P> {
  byName.set(typeName, cls as unknown as StaticMessageClass<ProtoObject, ProtoObject>);
  return {
    typeName,
    fromBinary: (bytes) => decodeWith(typeName, cls, bytes),
    toBinary: (message) => cls.encode(message).finish(),
    // Through the binary form, so text and binary decoding give the same objects
    // (defaults on the prototype, explicit proto3 defaults dropped as TF drops them).
    fromText: (text) =>
      decodeWith(typeName, cls, cls.encode(parseTextMessage(typeName, text) as P).finish()),
    toText: (message, options) => printTextMessage(typeName, message as ProtoObject, options),
    create: (properties) => cls.create(properties),
  };
}

registerBinaryEncoder((fullName, msg) => {
  const cls = byName.get(fullName);
  if (!cls) throw new Error(`no codec for protobuf message type ${fullName}`);
  return cls.encode(msg).finish();
});

type Decoded<C> = C extends { decode(r: Uint8Array): infer D } ? D : never;
type Props<C> = C extends { encode(m: infer P): unknown } ? P : never;
type CodecOf<C> = MessageCodec<Decoded<C>, Props<C>>;

function codec<C extends StaticMessageClass<unknown, never>>(typeName: string, cls: C): CodecOf<C> {
  return makeCodec(typeName, cls as unknown as StaticMessageClass<Decoded<C>, Props<C>>);
}

const tf = tensorflow;

// framework/
export const AttrValue = codec("tensorflow.AttrValue", tf.AttrValue);
export const NameAttrList = codec("tensorflow.NameAttrList", tf.NameAttrList);
export const NodeDef = codec("tensorflow.NodeDef", tf.NodeDef);
export const GraphDef = codec("tensorflow.GraphDef", tf.GraphDef);
export const OpDef = codec("tensorflow.OpDef", tf.OpDef);
export const OpList = codec("tensorflow.OpList", tf.OpList);
export const FunctionDefLibrary = codec("tensorflow.FunctionDefLibrary", tf.FunctionDefLibrary);
export const FunctionDef = codec("tensorflow.FunctionDef", tf.FunctionDef);
export const TensorProto = codec("tensorflow.TensorProto", tf.TensorProto);
export const TensorShapeProto = codec("tensorflow.TensorShapeProto", tf.TensorShapeProto);
export const TensorSliceProto = codec("tensorflow.TensorSliceProto", tf.TensorSliceProto);
export const ResourceHandleProto = codec("tensorflow.ResourceHandleProto", tf.ResourceHandleProto);
export const VersionDef = codec("tensorflow.VersionDef", tf.VersionDef);
export const VariableDef = codec("tensorflow.VariableDef", tf.VariableDef);
export const SaveSliceInfoDef = codec("tensorflow.SaveSliceInfoDef", tf.SaveSliceInfoDef);
export const Summary = codec("tensorflow.Summary", tf.Summary);
export const SummaryMetadata = codec("tensorflow.SummaryMetadata", tf.SummaryMetadata);
export const HistogramProto = codec("tensorflow.HistogramProto", tf.HistogramProto);
// protobuf/
export const MetaGraphDef = codec("tensorflow.MetaGraphDef", tf.MetaGraphDef);
export const CollectionDef = codec("tensorflow.CollectionDef", tf.CollectionDef);
export const TensorInfo = codec("tensorflow.TensorInfo", tf.TensorInfo);
export const SignatureDef = codec("tensorflow.SignatureDef", tf.SignatureDef);
export const AssetFileDef = codec("tensorflow.AssetFileDef", tf.AssetFileDef);
export const SavedModel = codec("tensorflow.SavedModel", tf.SavedModel);
export const SaverDef = codec("tensorflow.SaverDef", tf.SaverDef);
export const BundleHeaderProto = codec("tensorflow.BundleHeaderProto", tf.BundleHeaderProto);
export const BundleEntryProto = codec("tensorflow.BundleEntryProto", tf.BundleEntryProto);
export const SavedTensorSlices = codec("tensorflow.SavedTensorSlices", tf.SavedTensorSlices);
export const ValuesDef = codec("tensorflow.ValuesDef", tf.ValuesDef);
export const ControlFlowContextDef = codec(
  "tensorflow.ControlFlowContextDef",
  tf.ControlFlowContextDef,
);
export const CondContextDef = codec("tensorflow.CondContextDef", tf.CondContextDef);
export const WhileContextDef = codec("tensorflow.WhileContextDef", tf.WhileContextDef);
// util/
export const Event = codec("tensorflow.Event", tf.Event);
export const LogMessage = codec("tensorflow.LogMessage", tf.LogMessage);
export const SessionLog = codec("tensorflow.SessionLog", tf.SessionLog);
export const TaggedRunMetadata = codec("tensorflow.TaggedRunMetadata", tf.TaggedRunMetadata);
export const RunMetadata = codec("tensorflow.RunMetadata", tf.RunMetadata);
export const StepStats = codec("tensorflow.StepStats", tf.StepStats);
export const CostGraphDef = codec("tensorflow.CostGraphDef", tf.CostGraphDef);
export const TensorDescription = codec("tensorflow.TensorDescription", tf.TensorDescription);
export const AllocationDescription = codec(
  "tensorflow.AllocationDescription",
  tf.AllocationDescription,
);
// example/
export const Example = codec("tensorflow.Example", tf.Example);
export const SequenceExample = codec("tensorflow.SequenceExample", tf.SequenceExample);
export const Features = codec("tensorflow.Features", tf.Features);
export const Feature = codec("tensorflow.Feature", tf.Feature);
export const BytesList = codec("tensorflow.BytesList", tf.BytesList);
export const FloatList = codec("tensorflow.FloatList", tf.FloatList);
export const Int64List = codec("tensorflow.Int64List", tf.Int64List);
// python/training/
export const CheckpointState = codec("tensorflow.CheckpointState", tf.CheckpointState);
// google/protobuf/
export const Any = codec("google.protobuf.Any", google.protobuf.Any);

/** The codec of a message type by full name, e.g. `codecFor("tensorflow.GraphDef")`. */
export function codecFor(typeName: string): MessageCodec<ProtoObject> {
  const cls = byName.get(typeName);
  if (!cls) throw new Error(`no codec for protobuf message type ${typeName}`);
  return makeCodec(typeName, cls);
}
