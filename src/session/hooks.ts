import { installTensorHooks, Tensor, type TensorEvalParams } from "../graph/tensor.js";
import { installOperationRunHook, Operation } from "../graph/operation.js";
import { ValueError } from "../errors.js";
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

const OPERATION_RUN = defineParams("Operation.run", [
  opt("feedDict", feedDictKind),
  opt("session", sessionKind),
] as const satisfies TensorEvalParams);
declare(Operation.prototype.run, OPERATION_RUN);

const NO_DEFAULT_EVAL =
  "Cannot evaluate tensor using `eval()`: No default session is registered. Use `sess.asDefault(...)` or pass an explicit session to `eval(feedDict, session)`";
const NO_DEFAULT_RUN =
  "Cannot execute operation using `run()`: No default session is registered. Use `sess.asDefault(...)` or pass an explicit session to `run(feedDict, session)`";

function sessionFor(session: unknown, what = "eval", noDefault = NO_DEFAULT_EVAL): Session {
  if (session instanceof Session) return session;
  if (session !== undefined && session !== null)
    throw new TypeError(`${what}: session must be a tf.Session.`);
  const current = getDefaultSession();
  if (current === null) throw new Error(noDefault);
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
  installOperationRunHook((op, args) => {
    const a = OPERATION_RUN.parse(args);
    const session = sessionFor(a.session, "run", NO_DEFAULT_RUN);
    if (session.graph !== op.graph) {
      // `_run_using_default_session`'s checks.
      throw new ValueError(
        a.session === undefined || a.session === null
          ? "Cannot use the default session to execute operation: the operation's graph is different from the session's graph. Pass an explicit session to run(feedDict, session)."
          : "Cannot use the given session to execute operation: the operation's graph is different from the session's graph.",
      );
    }
    session.run(op, a.feedDict as FeedDict | undefined);
  });
  installVariableSessionHooks({
    run: (session, fetch, feeds) => sessionFor(session).run(fetch, feeds as FeedDict | undefined),
  });
}
