/** The stack of default sessions (`sess.as_default()`), kept apart from `Session` to avoid cycles. */

const stack: unknown[] = [];

/** Runs `fn` with `session` as the default session. */
export function withDefaultSession<T>(session: unknown, fn: () => T): T {
  stack.push(session);
  try {
    return fn();
  } finally {
    stack.pop();
  }
}

/** The innermost default session, or `null`. */
export function currentDefaultSession(): unknown {
  return stack.length === 0 ? null : stack[stack.length - 1];
}
