/**
 * The shape of protobufjs's JSON descriptor (`pbjs -t json --keep-case`), which
 * scripts/gen-proto.mjs writes to generated/descriptor.ts. Only what the text
 * format and the int64 normalisation read is typed.
 */
export interface ProtoField {
  type: string;
  id: number;
  rule?: string;
  /** Set on map fields: the key's scalar type. */
  keyType?: string;
  options?: Record<string, unknown>;
}

export interface ProtoOneof {
  oneof: string[];
}

export interface ProtoNamespace {
  options?: Record<string, unknown>;
  nested?: Record<string, ProtoNamespace>;
  /** Present on message types. */
  fields?: Record<string, ProtoField>;
  oneofs?: Record<string, ProtoOneof>;
  /** Present on enums. */
  values?: Record<string, number>;
  reserved?: unknown[];
  comment?: string | null;
}
