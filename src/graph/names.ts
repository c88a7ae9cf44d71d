/**
 * TensorFlow's rules for operation and scope names (`ops.py`).
 */

/**
 * A valid op name, or a top-level scope name (`_VALID_OP_NAME_REGEX`). TF 1.15 writes it as
 * the non-raw string `"^[A-Za-z0-9.][A-Za-z0-9_.\\-/>]*$"`, where `\\-` is an escaped
 * hyphen: letters, digits, `.`, `_`, `-`, `/` and `>`, but no backslash.
 */
export const VALID_OP_NAME = /^[A-Za-z0-9.][A-Za-z0-9_./>-]*$/;

/** A valid nested scope name (`_VALID_SCOPE_NAME_REGEX`): may also start with `_`, `-`, `/`, `>`. */
export const VALID_SCOPE_NAME = /^[A-Za-z0-9_./>-]*$/;

/** `"a/b/"` → `"a/b"`: a scope string (as `nameScope` yields it) as an op name. */
export function nameFromScopeName(name: string): string {
  return name.endsWith("/") ? name.slice(0, -1) : name;
}

/**
 * `s`, flattened. V8 keeps a string built with `+` or a template as a tree of its parts (a
 * cons string) until something reads its characters — hashing it for a `Map` does not. A
 * name kept by the graph (an op's, a used name's key) would keep the tree, and through it
 * every scope string it was built from: two to four times the bytes, and that many more
 * objects for each garbage collection to copy. Reading one character flattens the string in
 * place, and the collector then drops the tree.
 */
export function flat(s: string): string {
  // Compared so that the read cannot be optimized away.
  return s.charCodeAt(0) === -1 ? "" : s;
}

/** Splits `"op:0"` into `["op", 0]`; `null` when `name` is not a tensor name. */
export function parseTensorName(name: string): [string, number] | null {
  const colon = name.lastIndexOf(":");
  if (colon < 0) return null;
  const index = name.slice(colon + 1);
  if (!/^\d+$/.test(index)) return null;
  return [name.slice(0, colon), Number(index)];
}
