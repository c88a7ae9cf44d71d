import { ValueError } from "../../errors.js";
import type { Graph } from "../../graph/graph.js";
import { Operation } from "../../graph/operation.js";
import { Tensor } from "../../graph/tensor.js";
import {
  kind,
  listKind,
  optNullable,
  req,
  stringKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { withNameScope } from "../../scope/name_scope.js";
import { IndexedSlices } from "../indexed_slices.js";
import { identity } from "../math/unary.js";
import { inOpScope } from "../op_scope.js";
import { group } from "./group.js";

/** An entry of `tf.tuple`: a tensor, an `IndexedSlices`, an op, or `null` (kept as is). */
export type TupleEntry = Tensor | IndexedSlices | Operation | null;

const entryKind = kind<TupleEntry>(
  "a Tensor, IndexedSlices, Operation or null",
  (v) => v === null || v instanceof Tensor || v instanceof IndexedSlices || v instanceof Operation,
);

const controlInputKind = kind<Operation | Tensor>(
  "an Operation or Tensor",
  (v) => v instanceof Operation || v instanceof Tensor,
);

/** TF 1.15's `tuple(tensors, name=None, control_inputs=None)`. */
const TUPLE_PARAMS = [
  req("tensors", listKind(entryKind)),
  optNullable("name", stringKind),
  optNullable("controlInputs", listKind(controlInputKind)),
] as const;

/** The options object of {@link tuple}. */
export type TupleOptions = OptionsOf<typeof TUPLE_PARAMS>;

/**
 * Groups tensors together (`tf.tuple`): each returned tensor has the value of the one
 * given, but is available only after all of them (and `controlInputs`) are computed — a
 * `group_deps` gate and, per tensor, an `Identity` named `control_dependency` behind it
 * (TF's `with_dependencies`; an `IndexedSlices` gates its values). An op in `tensors`
 * comes back as a `group` run after the gate; `null` stays `null`.
 *
 * @example
 * ```ts
 * const a = tf.constant(1, { name: "a" });
 * const b = tf.constant(2, { name: "b" });
 * const [ga, gb] = tf.tuple([a, b]) as tf.Tensor[];
 * ga.op.name; // ==> tuple/control_dependency
 * gb.op.controlInputs[0].name; // ==> tuple/group_deps
 * using sess = new tf.Session();
 * sess.run(gb); // ==> 2.0
 * ```
 */
export const tuple = tfFunction("tuple", TUPLE_PARAMS, (a) =>
  tupleImpl(a.tensors, a.name ?? null, a.controlInputs ?? null),
);

function tupleImpl(
  tensors: readonly TupleEntry[],
  name: string | null,
  controlInputs: readonly (Operation | Tensor)[] | null,
): TupleEntry[] {
  const values = tensors.filter(
    (t): t is Tensor | IndexedSlices => t !== null && !(t instanceof Operation),
  );
  return inOpScope(name, "tuple", values, (_scope, graph) =>
    gatedTuple(graph, tensors, controlInputs ?? [], () => undefined),
  );
}

/**
 * The body of `tf.tuple` inside its name scope, for callers that also need the gate
 * itself (`tf.gradients` marks the one it builds for `GATE_OP`).
 */
export function gatedTuple(
  graph: Graph,
  tensors: readonly TupleEntry[],
  controlInputs: readonly (Operation | Tensor)[],
  onGate: (gate: Operation) => void,
): TupleEntry[] {
  const gating = tensors.filter((t): t is Exclude<TupleEntry, null> => t !== null);
  const gatingOps = [
    ...new Set([
      ...gating.map((t) => (t instanceof Operation ? t : t.op)),
      ...controlInputs.map((c) => (c instanceof Tensor ? c.op : c)),
    ]),
  ].sort((x, y) => x.id - y.id);
  if (gatingOps.length === 0) {
    throw new ValueError(`Must have at least one Tensor: [${tensors.map(describe).join(", ")}]`);
  }
  const gate = group(gatingOps);
  onGate(gate);
  return tensors.map((t) => {
    if (t === null) return null;
    if (t instanceof Operation) return graph.controlDependencies([gate], () => group(t));
    return withDependencies(graph, gate, t);
  });
}

/** `with_dependencies([gate], t)`: a copy of `t` colocated with it, run after `gate`. */
function withDependencies(
  graph: Graph,
  gate: Operation,
  t: Tensor | IndexedSlices,
): Tensor | IndexedSlices {
  return withNameScope(graph, "control_dependency", (scope) =>
    graph.colocateWith(t.op, () =>
      graph.controlDependencies([gate], () => {
        if (t instanceof Tensor) return identity(t, { name: scope });
        return new IndexedSlices(identity(t.values, { name: scope }), t.indices, t.denseShape);
      }),
    ),
  );
}

function describe(t: TupleEntry): string {
  return t === null ? "None" : t.name;
}
