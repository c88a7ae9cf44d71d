import { installTensorHooks, type Tensor } from "../graph/tensor.js";
import { sliceHelper } from "../ops/array/strided_slice.js";
import { binaryOperator, neg } from "../ops/math/operators.js";
import { installVariableSessionHooks } from "../variables/variable.js";
import type { FeedDict } from "./feeds.js";
import { getDefaultSession, Session } from "./session.js";

function sessionFor(session: unknown): Session {
  if (session instanceof Session) return session;
  if (session !== undefined && session !== null)
    throw new TypeError("eval: session must be a tf.Session.");
  const current = getDefaultSession();
  if (current === null) {
    throw new Error(
      "Cannot evaluate tensor using `eval()`: No default session is registered. Use `sess.asDefault(...)` or pass an explicit session to `eval(feedDict, session)`",
    );
  }
  return current;
}

/** Connects `Tensor`'s operators and `eval`, and `Variable.eval/load`, to ops and sessions. */
export function installHooks(): void {
  installTensorHooks({
    binary: (op, x, y, name) => binaryOperator(op, x, y, name),
    unary: (_op, x, name) => neg(x, name),
    getitem: (x, items) => sliceHelper(x, items),
    evaluate: (t: Tensor, feedDict, session) =>
      sessionFor(session).run(t, feedDict as FeedDict | undefined),
  });
  installVariableSessionHooks({
    run: (session, fetch, feeds) => sessionFor(session).run(fetch, feeds as FeedDict | undefined),
  });
}
