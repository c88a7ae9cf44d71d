import { installTensorHooks, Tensor, type TensorEvalParams } from "../graph/tensor.js";
import { declare, defineParams, opt } from "../graph/call_args.js";
import { sliceHelper } from "../ops/array/strided_slice.js";
import { pythonOperator, neg } from "../ops/math/operators.js";
import { installVariableSessionHooks } from "../variables/variable.js";
import type { FeedDict } from "./feeds.js";
import { feedDictKind, getDefaultSession, Session, sessionKind } from "./session.js";

const TENSOR_EVAL = defineParams("Tensor.eval", [
  opt("feedDict", feedDictKind),
  opt("session", sessionKind),
] as const satisfies TensorEvalParams);
declare(Tensor.prototype.eval, TENSOR_EVAL);

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
    pythonOperator: (op, x, y, name) => pythonOperator(op, x, y, name),
    unary: (_op, x, name) => neg(x, name),
    getitem: (x, items) => sliceHelper(x, items),
    evaluate: (t: Tensor, args) => {
      const a = TENSOR_EVAL.parse(args);
      return sessionFor(a.session).run(t, a.feedDict as FeedDict | undefined);
    },
  });
  installVariableSessionHooks({
    run: (session, fetch, feeds) => sessionFor(session).run(fetch, feeds as FeedDict | undefined),
  });
}
