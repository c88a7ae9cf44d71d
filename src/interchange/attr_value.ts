/**
 * The inverse of graph export's attr conversion: TensorFlow's `AttrValue` and `TensorProto`
 * messages as the values scopeflow ops hold in `op.attrs` (strings, numbers, booleans,
 * dtypes, `TensorShape`s, `ConstValue`s), read by the attr's declared type.
 */
import { ValueError } from "../errors.js";
import type { DType } from "../graph/dtypes.js";
import { TensorShape, type Dim } from "../graph/tensor_shape.js";
import type { ConstValue } from "../ops/const_value.js";
import { dataTypeSpelling, type AttrValueMessage } from "../ops/op_def.js";
import { tensorflow } from "../proto/index.js";

type TensorProtoMessage = tensorflow.TensorProto.$Properties;
type ShapeProtoMessage = tensorflow.TensorShapeProto.$Properties;

const DT = tensorflow.DataType;

const FROM_DATA_TYPE: ReadonlyMap<number, DType> = new Map<number, DType>([
  [DT.DT_FLOAT, "float32"],
  [DT.DT_INT32, "int32"],
  [DT.DT_INT64, "int64"],
  [DT.DT_BOOL, "bool"],
  [DT.DT_STRING, "string"],
  [DT.DT_RESOURCE, "resource"],
  [DT.DT_VARIANT, "variant"],
]);

/** Why a value cannot be imported: the caller adds which node and attr. */
export class AttrImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AttrImportError";
  }
}

/** TensorFlow's spelling of a DataType enum value (`float`, `double`, …) or its number. */
function typeName(type: number): string {
  try {
    return dataTypeSpelling(type);
  } catch {
    return `DataType(${type})`;
  }
}

/**
 * A DataType enum value as a scopeflow dtype; `_REF` types give their base type. Types
 * scopeflow cannot compute in (double, half, uint8, …) are refused by name.
 */
export function dtypeFromDataType(type: number): DType {
  const base = type > 100 ? type - 100 : type;
  const dtype = FROM_DATA_TYPE.get(base);
  if (dtype === undefined)
    throw new AttrImportError(
      `dtype ${typeName(base)} is not supported by scopeflow (float32, int32, int64, bool, string)`,
    );
  return dtype;
}

/** Whether a DataType enum value is a reference type (`DT_FLOAT_REF`). */
export function isRefDataType(type: number): boolean {
  return type > 100;
}

function toNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string") return Number(v);
  // A protobufjs Long (an int64 beyond 2^53): exact through BigInt.
  const long = v as { low: number; high: number; unsigned?: boolean };
  const big = (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0);
  return Number(long.unsigned ? big : BigInt.asIntN(64, big));
}

function toBigInt(v: unknown): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return BigInt(v);
  if (typeof v === "string") return BigInt(v);
  const long = v as { low: number; high: number; unsigned?: boolean };
  const big = (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0);
  return long.unsigned ? big : BigInt.asIntN(64, big);
}

/** A `TensorShapeProto` as a `TensorShape` (`-1` dims unknown). */
export function shapeFromProto(proto: ShapeProtoMessage | null | undefined): TensorShape {
  if (proto === null || proto === undefined) return TensorShape.scalar();
  if (proto.unknownRank) return TensorShape.unknown();
  const dims: Dim[] = (proto.dim ?? []).map((d) => {
    const size = toNumber(d.size ?? 0);
    if (size < -1 || !Number.isSafeInteger(size))
      throw new AttrImportError(`a shape has an invalid dimension ${size}`);
    return size === -1 ? null : size;
  });
  return new TensorShape(dims);
}

const decoder = new TextDecoder();

/**
 * A `TensorProto` as a constant, in every form TensorFlow writes: `tensor_content` (raw
 * little-endian bytes) or the typed `*_val` lists, where fewer values than elements means
 * the last one is repeated (TF's compact form for `tf.zeros`-like constants) and none at
 * all means zeros.
 */
export function constValueFromProto(proto: TensorProtoMessage): ConstValue {
  const dtype = dtypeFromDataType(proto.dtype ?? 0);
  const shapeT = shapeFromProto(proto.tensorShape);
  if (!shapeT.isFullyDefined())
    throw new AttrImportError(`a tensor's shape ${shapeT.toString()} is not fully defined`);
  const shape = shapeT.asList() as number[];
  const n = shape.reduce((a, b) => a * b, 1);
  const content = proto.tensorContent;
  if (content !== undefined && content !== null && content.length > 0) {
    return { dtype, shape, values: fromContent(dtype, content, n) };
  }
  switch (dtype) {
    case "float32":
      return { dtype, shape, values: broadcast(Float32Array, proto.floatVal ?? [], n, toNumber) };
    case "int32":
      return { dtype, shape, values: broadcast(Int32Array, proto.intVal ?? [], n, toNumber) };
    case "int64":
      return { dtype, shape, values: broadcast(BigInt64Array, proto.int64Val ?? [], n, toBigInt) };
    case "bool":
      return {
        dtype,
        shape,
        values: broadcast(Uint8Array, proto.boolVal ?? [], n, (b) => (b ? 1 : 0)),
      };
    case "string": {
      const given = (proto.stringVal ?? []).map((b) => decoder.decode(b));
      if (given.length > n) throw new AttrImportError(tooMany(given.length, shape));
      const last = given[given.length - 1] ?? "";
      return { dtype, shape, values: Array.from({ length: n }, (_, i) => given[i] ?? last) };
    }
    default:
      throw new AttrImportError(`tensors of dtype ${dtype} cannot be constants`);
  }
}

function tooMany(count: number, shape: readonly number[]): string {
  return `a tensor proto holds ${count} values, more than its shape [${shape.join(",")}] has elements`;
}

type TypedCtor<T, E> = { new (n: number): T & { [i: number]: E; length: number } };

function broadcast<T, E>(
  ctor: TypedCtor<T, E>,
  given: readonly unknown[],
  n: number,
  convert: (v: unknown) => E,
): T {
  if (given.length > n) throw new AttrImportError(`${given.length} values for ${n} elements`);
  const out = new ctor(n);
  if (given.length === 0) return out;
  for (let i = 0; i < given.length; i++) out[i] = convert(given[i]);
  const last = out[given.length - 1] as E;
  for (let i = given.length; i < n; i++) out[i] = last;
  return out;
}

function fromContent(
  dtype: DType,
  bytes: Uint8Array,
  n: number,
): Float32Array | Int32Array | BigInt64Array | Uint8Array {
  const width = dtype === "int64" ? 8 : dtype === "bool" ? 1 : 4;
  if (dtype === "string") throw new AttrImportError("string tensors have no tensor_content");
  if (bytes.length !== n * width)
    throw new AttrImportError(
      `tensor_content holds ${bytes.length} bytes, a ${dtype} tensor of ${n} elements needs ${n * width}`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case "float32": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    }
    case "int32": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4, true);
      return out;
    }
    case "int64": {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getBigInt64(i * 8, true);
      return out;
    }
    default:
      return Uint8Array.from(bytes, (b) => (b !== 0 ? 1 : 0));
  }
}

/** Which `AttrValue` field a value of a declared (non-list) attr type lives in. */
const FIELD: Record<string, keyof AttrValueMessage> = {
  string: "s",
  int: "i",
  float: "f",
  bool: "b",
  type: "type",
  shape: "shape",
  tensor: "tensor",
  func: "func",
};

/** The type name TensorFlow's messages give the value an `AttrValue` holds. */
export function attrValueType(v: AttrValueMessage): string {
  if (v.list !== undefined && v.list !== null) {
    const l = v.list;
    for (const [field, name] of [
      ["s", "string"],
      ["i", "int"],
      ["f", "float"],
      ["b", "bool"],
      ["type", "type"],
      ["shape", "shape"],
      ["tensor", "tensor"],
      ["func", "func"],
    ] as const) {
      const items = l[field] as unknown[] | undefined;
      if (items !== undefined && items !== null && items.length > 0) return `list(${name})`;
    }
    return "list(?)";
  }
  for (const [type, field] of Object.entries(FIELD)) {
    const value = v[field];
    if (value !== undefined && value !== null) return type;
  }
  if (v.placeholder) return "placeholder";
  return "<Unknown AttrValue type>";
}

/**
 * A `NameAttrList` as a func attr holds it: the function's name, or the name with the
 * attrs it binds (a polymorphic function's) as messages.
 */
function funcAttr(f: tensorflow.NameAttrList.$Properties): unknown {
  const name = f.name ?? "";
  const attr = f.attr ?? {};
  return Object.keys(attr).length === 0 ? name : { name, attr: { ...attr } };
}

function scalarAttr(type: string, v: AttrValueMessage): unknown {
  switch (type) {
    case "string":
      return decoder.decode(v.s ?? new Uint8Array());
    case "int":
      return toNumber(v.i ?? 0);
    case "float":
      return v.f ?? 0;
    case "bool":
      return v.b ?? false;
    case "type":
      return dtypeFromDataType(v.type ?? 0);
    case "shape":
      return shapeFromProto(v.shape);
    case "tensor":
      return constValueFromProto(v.tensor ?? {});
    case "func":
      return funcAttr(v.func ?? {});
    default:
      throw new AttrImportError(`attrs of type ${type} cannot be imported`);
  }
}

function listAttr(inner: string, list: tensorflow.AttrValue.ListValue.$Properties): unknown[] {
  switch (inner) {
    case "string":
      return (list.s ?? []).map((s) => decoder.decode(s));
    case "int":
      return (list.i ?? []).map(toNumber);
    case "float":
      return (list.f ?? []).slice();
    case "bool":
      return (list.b ?? []).slice();
    case "type":
      return (list.type ?? []).map(dtypeFromDataType);
    case "shape":
      return (list.shape ?? []).map(shapeFromProto);
    case "tensor":
      return (list.tensor ?? []).map(constValueFromProto);
    case "func":
      return (list.func ?? []).map(funcAttr);
    default:
      throw new AttrImportError(`attrs of type list(${inner}) cannot be imported`);
  }
}

/**
 * An `AttrValue` as the value of an attr declared with type `type` (`int`,
 * `list(shape)`, …); a value of another type is TensorFlow's error, naming both types.
 * An empty list is any list type, as in TensorFlow.
 */
export function attrFromValue(type: string, v: AttrValueMessage): unknown {
  const given = attrValueType(v);
  const inner = /^list\((.*)\)$/.exec(type)?.[1];
  const compatible =
    given === type || (inner !== undefined && given === "list(?)") || given === "placeholder";
  if (!compatible)
    throw new AttrImportError(`AttrValue had value with type '${given}' when '${type}' expected`);
  if (given === "placeholder")
    throw new AttrImportError(`a function attr placeholder cannot be imported into a graph`);
  if (inner === undefined) return scalarAttr(type, v);
  return listAttr(inner, v.list ?? {});
}

/** A ValueError with the node named, for errors in one NodeDef. */
export function nodeError(node: string, why: string): ValueError {
  return new ValueError(`Node '${node}': ${why}`);
}

/** TensorFlow's error for a node whose op type the registry (and the library) lacks. */
export function unregisteredOp(type: string, node: string): ValueError {
  return new ValueError(
    `Op type not registered '${type}' in binary running on scopeflow. Make sure the Op and Kernel are registered in the binary running in this process. (node '${node}')`,
  );
}
