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

/** Splits `"op:0"` into `["op", 0]`; `null` when `name` is not a tensor name. */
export function parseTensorName(name: string): [string, number] | null {
  const colon = name.lastIndexOf(":");
  if (colon < 0) return null;
  const index = name.slice(colon + 1);
  if (!/^\d+$/.test(index)) return null;
  return [name.slice(0, colon), Number(index)];
}
