/**
 * Scopes are Python `with` blocks run as callbacks: the block must finish before the scope
 * closes, so a callback may not be `async`.
 */

/** Whether `value` looks like a Promise (a thenable). */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * The `TypeError` for a callback that returned a Promise. Its own class so that the scope
 * that catches it knows to undo what the callback built.
 */
export class AsyncScopeError extends TypeError {
  constructor(what: string) {
    super(
      `${what} callbacks must be synchronous: the callback returned a Promise. Scopes are synchronous, like Python's \`with\` blocks; build the graph without awaiting inside the scope.`,
    );
    this.name = "TypeError";
  }
}
