import { ValueError } from "../../errors.js";
import { pyList } from "../../graph/pyformat.js";

/*
 * The parts of TensorFlow's `nest` that control flow needs (the branches' outputs and the
 * loop variables): a structure is a leaf, an array of structures, or a plain object of
 * structures visited in sorted key order — the same rules as `rnn/nest.ts`, which sits in a
 * higher layer.
 */

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The leaves of `structure`, depth first (`nest.flatten`). */
export function flattenStructure<T>(structure: unknown): T[] {
  const out: T[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) for (const child of node) visit(child);
    else if (isPlainObject(node)) for (const key of Object.keys(node).sort()) visit(node[key]);
    else out.push(node as T);
  };
  visit(structure);
  return out;
}

/** `structure` rebuilt with the leaves of `flat`, in order (`nest.pack_sequence_as`). */
export function packStructure<R>(structure: unknown, flat: readonly unknown[]): R {
  let i = 0;
  const build = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(build);
    if (isPlainObject(node)) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(node).sort()) out[key] = build(node[key]);
      const ordered: Record<string, unknown> = {};
      for (const key of Object.keys(node)) ordered[key] = out[key];
      return ordered;
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
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
    return ka.every((k) => sameStructure(a[k], b[k]));
  }
  return true;
}

/** `nest.assert_same_structure`'s message for two structures. */
export function structureMismatch(a: unknown, b: unknown): string {
  return `The two structures don't have the same nested structure.\n\nFirst structure: ${describe(a)}\n\nSecond structure: ${describe(b)}`;
}

/** Whether `value` is an array or a plain object (`nest.is_sequence`). */
export function isStructure(value: unknown): boolean {
  return Array.isArray(value) || isPlainObject(value);
}
