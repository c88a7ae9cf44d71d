import { ValueError } from "../errors.js";
import { pyList } from "./pyformat.js";

/*
 * The parts of TensorFlow's `nest` that control flow (branch outputs, loop variables) and
 * the recurrent code need. A structure is a leaf, an array of structures (a Python tuple
 * or list), or a plain object of structures (a namedtuple such as `LSTMStateTuple`, or a
 * dict), whose entries are visited in sorted key order (`c` before `h`, as the
 * namedtuple's field order has it).
 */

/** A nested structure of leaves of type `T`. */
export type Structure<T> = T | readonly Structure<T>[] | { readonly [key: string]: Structure<T> };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Whether `value` is a sequence in `nest`'s sense (`nest.is_sequence`): an array or plain object. */
export function isSequence(value: unknown): boolean {
  return Array.isArray(value) || isPlainObject(value);
}

function sortedKeys(value: Record<string, unknown>): string[] {
  return Object.keys(value).sort();
}

/** The leaves of `structure`, depth first (`nest.flatten`). */
export function flatten<T>(structure: unknown): T[] {
  const out: T[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) for (const child of node) visit(child);
    else if (isPlainObject(node)) for (const key of sortedKeys(node)) visit(node[key]);
    else out.push(node as T);
  };
  visit(structure);
  return out;
}

/** Rebuilds `structure`'s shape with the leaves of `flat`, in order (`nest.pack_sequence_as`). */
export function packSequenceAs<R>(structure: unknown, flat: readonly unknown[]): R {
  let i = 0;
  const build = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(build);
    if (isPlainObject(node)) {
      const out: Record<string, unknown> = {};
      for (const key of sortedKeys(node)) out[key] = build(node[key]);
      // Keep the caller's key order (`{ c, h }`) for display.
      const ordered: Record<string, unknown> = {};
      for (const key of Object.keys(node)) ordered[key] = out[key];
      return ordered;
    }
    if (i >= flat.length) {
      throw new ValueError(
        `Could not pack sequence. Structure had more elements than flat_sequence had ${flat.length} elements.`,
      );
    }
    return flat[i++];
  };
  const result = build(structure);
  if (i !== flat.length) {
    throw new ValueError(
      `Could not pack sequence. Structure had ${i} elements, but flat_sequence had ${flat.length} elements.`,
    );
  }
  return result as R;
}

/** Applies `fn` to every leaf, keeping the structure (`nest.map_structure` on one structure). */
export function mapStructure<A, B>(fn: (leaf: A) => B, structure: unknown): Structure<B> {
  return packSequenceAs<Structure<B>>(structure, flatten<A>(structure).map(fn));
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return pyList(value, describe);
  if (isPlainObject(value)) {
    return `{${Object.keys(value)
      .map((k) => `${k}: ${describe(value[k])}`)
      .join(", ")}}`;
  }
  return String(value);
}

/** Whether `a` and `b` nest the same way. */
export function sameStructure(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((child, i) => sameStructure(child, b[i]));
  }
  if (isPlainObject(a) || isPlainObject(b)) {
    if (!isPlainObject(a) || !isPlainObject(b)) return false;
    const ka = sortedKeys(a);
    const kb = sortedKeys(b);
    if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
    return ka.every((k) => sameStructure(a[k], b[k]));
  }
  return true;
}

/** `nest.assert_same_structure`'s message for two structures. */
export function structureMismatch(a: unknown, b: unknown): string {
  return `The two structures don't have the same nested structure.\n\nFirst structure: ${describe(a)}\n\nSecond structure: ${describe(b)}`;
}

/** Throws unless `a` and `b` nest the same way (`nest.assert_same_structure`). */
export function assertSameStructure(a: unknown, b: unknown): void {
  if (!sameStructure(a, b)) throw new ValueError(structureMismatch(a, b));
}
