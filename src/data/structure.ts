import { ValueError } from "../errors.js";
import { isPlainObject } from "../graph/call_args.js";
import { Tensor, isTensorConvertible } from "../graph/tensor.js";
import { isShapedValue } from "../ops/const_value.js";

/**
 * A dataset element's nesting (tf.data's `nest`): tuples are JS arrays, dicts are plain
 * objects (flattened in sorted key order, as TensorFlow does), leaves are tensors.
 */
export type Nested<T> = T | readonly Nested<T>[] | { readonly [key: string]: Nested<T> };

/**
 * Whether a value given by the user is one leaf: a tensor, a variable, an `NDArray`, a
 * typed array, a scalar, or an array of plain JS values. tf.data's nest treats Python lists
 * as values to convert, not as structure; JavaScript has no tuples, so an array is a tuple
 * as soon as it holds a tensor, an `NDArray`, an object or a nested tuple.
 */
export function isValueLeaf(value: unknown): boolean {
  if (value instanceof Tensor || isTensorConvertible(value) || isShapedValue(value)) return true;
  if (ArrayBuffer.isView(value)) return true;
  if (Array.isArray(value)) return value.every(isPlainArrayValue);
  return !isPlainObject(value);
}

function isPlainArrayValue(v: unknown): boolean {
  if (Array.isArray(v)) return v.every(isPlainArrayValue);
  const t = typeof v;
  return t === "number" || t === "boolean" || t === "string" || t === "bigint";
}

/** The leaves of `value`, depth first, dict entries by sorted key. */
export function flatten<T>(value: Nested<T>, isLeaf: (v: unknown) => boolean): T[] {
  const out: T[] = [];
  const walk = (v: unknown): void => {
    if (isLeaf(v)) out.push(v as T);
    else if (Array.isArray(v)) v.forEach(walk);
    else {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o).sort()) walk(o[k]);
    }
  };
  walk(value);
  return out;
}

/** The structure of `template` with its leaves replaced, in order, by `flat`. */
export function packAs<T>(
  template: Nested<unknown>,
  flat: readonly T[],
  isLeaf: (v: unknown) => boolean,
): Nested<T> {
  let next = 0;
  const build = (v: unknown): Nested<T> => {
    if (isLeaf(v)) {
      if (next >= flat.length) throw new ValueError("Structure had fewer leaves than values.");
      return flat[next++] as T;
    }
    if (Array.isArray(v)) return v.map(build);
    const o = v as Record<string, unknown>;
    const result: Record<string, Nested<T>> = {};
    for (const k of Object.keys(o).sort()) result[k] = build(o[k]);
    return result;
  };
  const result = build(template);
  if (next !== flat.length) throw new ValueError("Structure had more values than leaves.");
  return result;
}

/** Whether two structures nest the same way (their leaves may differ). */
export function sameStructure(
  a: Nested<unknown>,
  b: Nested<unknown>,
  isLeaf: (v: unknown) => boolean,
): boolean {
  const la = isLeaf(a);
  if (la || isLeaf(b)) return la && isLeaf(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((x, i) => sameStructure(x as Nested<unknown>, b[i] as Nested<unknown>, isLeaf))
    );
  }
  const oa = a as Record<string, Nested<unknown>>;
  const ob = b as Record<string, Nested<unknown>>;
  const ka = Object.keys(oa).sort();
  const kb = Object.keys(ob).sort();
  return (
    ka.length === kb.length &&
    ka.every((k, i) => k === kb[i] && sameStructure(oa[k], ob[k] as Nested<unknown>, isLeaf))
  );
}

/** Leaves of an element structure whose leaves are graph tensors (or `null` slots). */
export function isTensorLeaf(v: unknown): boolean {
  return !Array.isArray(v) && !isPlainObject(v);
}
