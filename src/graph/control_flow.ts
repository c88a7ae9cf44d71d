import type { Operation } from "./operation.js";
import type { Tensor } from "./tensor.js";

/**
 * A region of the graph whose ops run conditionally or under a loop rather than once per
 * `Session.run` (TensorFlow's `ControlFlowContext`: a `CondContext` branch or a
 * `WhileContext` body). Ops created while a context is current belong to it
 * (`op.controlFlowContext`). The graph asks the context what to do with every input that
 * comes from outside it: a loop body takes outer values through an entry op it makes once
 * per value (`Enter`), a branch through a `Switch` on the branch's predicate.
 */
export interface ControlFlowContext {
  /** The context's name scope, e.g. `"rnn/while/"`. */
  readonly name: string;
  /** The context this one is nested in, or `null` at the top level. */
  readonly outer: ControlFlowContext | null;
  /** A loop body (`"while"`) or a branch of a conditional (`"cond"`). */
  readonly kind: "while" | "cond";
  /**
   * The tensor an op of this context should read instead of `t`, which belongs to another
   * context; throws `ValueError` if `t` cannot be used here. `consumerName` names the op
   * being created (captures are named under it, as TensorFlow's are).
   */
  captureInput(t: Tensor, consumerName: string): Tensor;
  /**
   * Control inputs from outside the context, of an op being created in it: returns the
   * control inputs the op takes in their place (a loop runs after its external ones).
   */
  addExternalControl(ops: readonly Operation[]): Operation[];
  /** Called once an op is created in this context (TensorFlow's `AddOp` bookkeeping). */
  opCreated?(op: Operation): void;
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

/** The innermost loop around `ctx` (itself included), or `null` (`GetWhileContext`). */
export function whileContextOf(ctx: ControlFlowContext | null): ControlFlowContext | null {
  for (let c = ctx; c !== null; c = c.outer) if (c.kind === "while") return c;
  return null;
}

/**
 * The context an op's outputs belong to (`GetOutputContext`): a loop's `Exit` hands its
 * value to the context around the loop.
 */
export function outputContext(op: Operation): ControlFlowContext | null {
  const ctx = op.controlFlowContext;
  if (ctx !== null && (op.type === "Exit" || op.type === "RefExit")) return ctx.outer;
  return ctx;
}

/** TensorFlow's message for a loop value used outside its loop. */
export function loopValueMessage(t: Tensor, consumerName: string): string {
  return `Cannot use '${t.op.name}' as input to '${consumerName}' because '${t.op.name}' is in a while loop. See info log for more details.`;
}
