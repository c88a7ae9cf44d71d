import type { Tensor } from "./tensor.js";

/**
 * A region of the graph whose ops run under a loop rather than once per `Session.run`
 * (TensorFlow's `ControlFlowContext`). Ops created while a context is current belong to it
 * (`op.controlFlowContext`). The graph asks the context what to do with every input that
 * comes from outside it: a loop body takes outer values through an entry op it makes once
 * per value (`Enter`), and a gradient loop reads the forward loop's per-iteration values.
 */
export interface ControlFlowContext {
  /** The context's name scope, e.g. `"rnn/while/"`. */
  readonly name: string;
  /** The context this one is nested in, or `null` at the top level. */
  readonly outer: ControlFlowContext | null;
  /**
   * The tensor an op of this context should read instead of `t`, which belongs to another
   * context; throws `ValueError` if `t` cannot be used here. `consumerName` names the op
   * being created, for the error message.
   */
  captureInput(t: Tensor, consumerName: string): Tensor;
  /** Records control inputs from outside the context: the loop runs after them. */
  addExternalControl(ops: readonly unknown[]): void;
}

/** Whether `inner` is `ctx` or nested (at any depth) inside it; `null` contains all. */
export function isWithinContext(
  inner: ControlFlowContext | null,
  ctx: ControlFlowContext | null,
): boolean {
  if (ctx === null) return true;
  for (let c = inner; c !== null; c = c.outer) if (c === ctx) return true;
  return false;
}

/** TensorFlow's message for a loop value used outside its loop. */
export function loopValueMessage(t: Tensor, consumerName: string): string {
  return `Cannot use '${t.op.name}' as input to '${consumerName}' because '${t.op.name}' is in a while loop. See info log for more details.`;
}
