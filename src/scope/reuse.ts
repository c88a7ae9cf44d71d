import { ValueError } from "../errors.js";

/**
 * `tf.AUTO_REUSE`: `getVariable` creates the variable if it is missing and returns the
 * existing one otherwise.
 *
 * @example
 * ```ts
 * const a = tf.variableScope("w", { reuse: tf.AUTO_REUSE }, () => tf.getVariable("v", [1]));
 * const b = tf.variableScope("w", { reuse: tf.AUTO_REUSE }, () => tf.getVariable("v", [1]));
 * a === b; // ==> true
 * ```
 */
export const AUTO_REUSE: unique symbol = Symbol("AUTO_REUSE");

/** A scope's reuse mode: `false` creates, `true` only reuses, `AUTO_REUSE` does either. */
export type ReuseMode = boolean | typeof AUTO_REUSE;

/** What `variableScope` accepts for `reuse`: `false`, `null` and `undefined` mean inherit. */
export type ReuseOption = ReuseMode | null | undefined;

/**
 * Validates the `reuse` option and maps `false` to "inherit" (`null`): TensorFlow does not
 * allow a scope to switch reuse off inside a reusing scope.
 */
export function normalizeReuse(reuse: unknown): true | typeof AUTO_REUSE | null {
  if (reuse === false || reuse === null || reuse === undefined) return null;
  if (reuse === true || reuse === AUTO_REUSE) return reuse;
  throw new ValueError("The reuse parameter must be True or False or None.");
}

/** Python's `a or b` on reuse values: the entered value if set, else the inherited one. */
export function inheritReuse(own: true | typeof AUTO_REUSE | null, parent: ReuseMode): ReuseMode {
  return own ?? parent;
}
