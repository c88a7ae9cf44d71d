/** What the string op files share: TF's error suffix, shape text, byte strings in and out. */
import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { stringTensorBytes } from "../tfjs_internals.js";

/** TF's `TensorShape::DebugString`: `[2,3]`, `[]` for a scalar. */
export const debugShape = (shape: readonly number[]): string => `[${shape.join(",")}]`;

/** A kernel's `InvalidArgumentError`: TF's message, then the node it ran as. */
export function kernelError(op: Operation, message: string): InvalidArgumentError {
  return new InvalidArgumentError(`${message}\n\t [[{{node ${op.name}}}]]`, op.name);
}

/** A string tensor's elements, in row-major order, as bytes. */
export const bytesOf = (t: tfc.Tensor): Uint8Array[] => stringTensorBytes(t);

/** A string tensor from byte strings (tfjs keeps strings as bytes, so none are re-encoded). */
export function stringTensor(values: readonly Uint8Array[], shape: readonly number[]): tfc.Tensor {
  return tfc.tensor(values as unknown as string[], shape.slice(), "string");
}

const encoder = new TextEncoder();
/** UTF-8 bytes of a JS string (attrs hold JS strings). */
export const utf8 = (s: string): Uint8Array => encoder.encode(s);

/** Bytes as a JS string, byte for byte (Latin-1), for byte-exact regular-expression work. */
export function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 8192) {
    s += String.fromCharCode(...b.subarray(i, i + 8192));
  }
  return s;
}

/**
 * The string tensor a TF 1.15 wrapper takes under two names, both `None` by default
 * (`string_tensor=None, …, input=None`): TF fails converting `None`, so a call giving
 * neither is refused here, naming the first.
 */
export function requireInput<T>(fn: string, value: T | null | undefined): T {
  if (value === undefined || value === null) {
    throw new TypeError(`${fn}() missing its input: give it positionally or by name`);
  }
  return value;
}

/**
 * A one-input string op whose output has the input's shape, built as the generated wrapper
 * builds it: the input converted as a string tensor named `inputName`, inside the op's scope.
 */
export function unaryStringOp(
  type: string,
  input: TensorLike,
  outDtype: "string" | "int32" | "int64",
  attrs: Record<string, string | boolean | number | readonly number[]>,
  name: string | undefined,
  inputName = "input",
): Tensor {
  return inOpScope(name, type, [input], (scope, graph) => {
    const t = convertToTensor(input, { name: inputName, dtype: "string" });
    return makeOp(graph, type, scope, [t], [{ dtype: outDtype, shape: t.shape }], attrs)
      .outputs[0] as Tensor;
  });
}
