/**
 * The ops of a variable named by a `VariableDef` (TF 1.15's `RefVariable._init_from_proto`
 * and `to_proto`), for variables rebuilt from an imported meta graph.
 */
import { ValueError } from "../errors.js";
import type { Graph } from "../graph/graph.js";
import { prependNameScope, stripNameScope } from "../graph/name_scopes.js";
import type { Operation } from "../graph/operation.js";
import { Tensor } from "../graph/tensor.js";
import type { tensorflow } from "../proto/index.js";

/** A `VariableDef` message (`variable_name`, `initializer_name`, `snapshot_name`, …). */
export type VariableDefMessage = tensorflow.VariableDef.$Properties;

/** The op types a reference variable can be (`Variable` is TF 0.x's). */
export const REF_VARIABLE_OPS: ReadonlySet<string> = new Set(["VariableV2", "Variable"]);

/** The op type of a resource variable's handle. */
export const RESOURCE_VARIABLE_OPS: ReadonlySet<string> = new Set(["VarHandleOp"]);

/** What a `VariableDef` names in the graph. */
export interface VariableFromDef {
  ref: Tensor;
  initializer: Operation;
  /** `null` when the def has no `initial_value_name` (written before TF 1.0). */
  initialValue: Tensor | null;
  snapshot: Tensor;
  trainable: boolean;
}

function tensorNamed(graph: Graph, name: string, what: string): Tensor {
  if (!name.includes(":")) {
    throw new ValueError(`VariableDef.${what} must name a tensor ("<op>:<index>"), got '${name}'`);
  }
  return graph.getTensorByName(name);
}

/**
 * Looks up the ops a VariableDef names, with `importScope` prepended to every name. A
 * resource variable's (`is_resource`, TF 1.15's `ResourceVariable._init_from_proto`) names
 * its `VarHandleOp` output, an `AssignVariableOp` initializer and a `ReadVariableOp` snapshot.
 */
export function fromVariableDef(
  graph: Graph,
  def: VariableDefMessage,
  importScope: string | null | undefined,
): VariableFromDef {
  const scoped = (name: string | null | undefined): string =>
    prependNameScope(name ?? "", importScope);
  const ref = tensorNamed(graph, scoped(def.variableName), "variable_name");
  const isResource = def.isResource === true;
  const expected = isResource ? RESOURCE_VARIABLE_OPS : REF_VARIABLE_OPS;
  if (!expected.has(ref.op.type)) {
    throw new ValueError(
      `VariableDef.variable_name '${ref.name}' is the output of a ${ref.op.type} op, not of a ${isResource ? "VarHandleOp" : "VariableV2"}`,
    );
  }
  const initializer = graph.getOperationByName(scoped(def.initializerName));
  const initialValue = def.initialValueName
    ? tensorNamed(graph, scoped(def.initialValueName), "initial_value_name")
    : null;
  const snapshot = tensorNamed(graph, scoped(def.snapshotName), "snapshot_name");
  return { ref, initializer, initialValue, snapshot, trainable: def.trainable === true };
}

/** What `to_proto` reads from a variable. */
export interface VariableParts {
  ref: Tensor;
  initializer: Operation;
  initialValue: Tensor | null;
  snapshot: Tensor;
  trainable: boolean;
}

/**
 * `RefVariable.to_proto(export_scope)`: the names with the scope stripped, or `null` when
 * the variable is outside the scope. `synchronization` and `aggregation` are AUTO and NONE
 * (0, so absent from the bytes), as for every variable scopeflow builds.
 */
export function toVariableDef(
  v: VariableParts,
  exportScope: string | null | undefined,
): VariableDefMessage | null {
  if (exportScope && !v.ref.name.startsWith(exportScope)) return null;
  const def: VariableDefMessage = { variableName: stripNameScope(v.ref.name, exportScope) };
  if (v.initialValue !== null) {
    def.initialValueName = stripNameScope(v.initialValue.name, exportScope);
  }
  def.trainable = v.trainable;
  if (RESOURCE_VARIABLE_OPS.has(v.ref.op.type)) def.isResource = true;
  def.initializerName = stripNameScope(v.initializer.name, exportScope);
  def.snapshotName = stripNameScope(v.snapshot.name, exportScope);
  return def;
}
