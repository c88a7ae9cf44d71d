/**
 * TensorFlow 1.15's python/training/checkpoint_utils.py: listing and loading checkpoint
 * tensors, and initializing variables from a checkpoint by name or scope.
 */
import { UnimplementedError, ValueError } from "../errors.js";
import { getDefaultGraph, type Graph } from "../graph/graph.js";
import { pyDict, pyList } from "../graph/pyformat.js";
import type { Tensor } from "../graph/tensor.js";
import type { NDArray } from "../ndarray/index.js";
import { assign } from "../ops/state/variable_ops.js";
import { assignVariableOp } from "../ops/state/resource_variable_ops.js";
import { identity } from "../ops/math/unary.js";
import { VariableStore } from "../scope/variable_store.js";
import { replaceInitializer, Variable } from "../variables/variable.js";
import { checkpointFilename, loadCheckpoint } from "./checkpoint_reader.js";
import { restoreV2 } from "./io_ops.js";
import { isPlainObject, kind, req, stringKind, tfFunction } from "../graph/call_args.js";

/**
 * Every tensor in a checkpoint as `[name, shape]`, sorted by name
 * (`tf.train.list_variables`). `ckptDirOrFile` is a prefix or a directory (its newest
 * checkpoint).
 *
 * @example
 * ```ts
 * tf.train.createGlobalStep();
 * tf.variableScope("dense", () => tf.getVariable("bias", [10]));
 * const saver = new tf.train.Saver();
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * saver.save(sess, "ckpt/model.ckpt");
 * JSON.stringify(tf.train.listVariables("ckpt")); // ==> [["dense/bias",[10]],["global_step",[]]]
 * ```
 */
export const listVariables = tfFunction(
  "train.listVariables",
  [req("ckptDirOrFile", stringKind)] as const,
  (a): [string, number[]][] => {
    const reader = loadCheckpoint(a.ckptDirOrFile);
    return [...reader.getVariableToShapeMap().entries()].sort((x, y) =>
      x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0,
    );
  },
);

/**
 * The value of one checkpoint tensor as an `NDArray` (`tf.train.load_variable`); a
 * trailing `:0` is ignored. int64 is read exactly (a `BigInt64Array`), float64 as float32
 * (with a warning).
 *
 * @example
 * ```ts
 * tf.variableScope("dense", () => tf.getVariable("bias", [3], { initializer: tf.onesInitializer() }));
 * const saver = new tf.train.Saver();
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * saver.save(sess, "ckpt/model.ckpt");
 * tf.train.loadVariable("ckpt", "dense/bias"); // ==> [1. 1. 1.]
 * ```
 */
export const loadVariable = tfFunction(
  "train.loadVariable",
  [req("ckptDirOrFile", stringKind), req("name", stringKind)] as const,
  (a): NDArray => {
    const key = a.name.endsWith(":0") ? a.name.slice(0, -2) : a.name;
    return loadCheckpoint(a.ckptDirOrFile).getTensor(key);
  },
);

/** A value of an assignment map: a variable, or the variable store name of one. */
export type AssignmentTarget = Variable | string;

/** The store's variables by full name (what `init_from_checkpoint` maps names against). */
function storeVariables(graph: Graph): Map<string, Variable> {
  return new Map(VariableStore.of<Variable>(graph).entries());
}

/**
 * TF's `assignment_map`: a dict (a plain object, which is the value here, never the
 * options) or a Map, from checkpoint names to variables or variable names.
 */
const assignmentMapKind = kind<
  Readonly<Record<string, AssignmentTarget>> | ReadonlyMap<string, AssignmentTarget>
>(
  "a dict (an object or a Map) from checkpoint names to variables",
  (v) => v instanceof Map || isPlainObject(v),
  true,
);

interface PlannedInit {
  variable: Variable;
  tensorName: string;
}

/**
 * Makes variables start from a checkpoint's values (`tf.train.init_from_checkpoint`):
 * each listed variable's initializer is replaced by an `Assign` from a `RestoreV2` op
 * named `checkpoint_initializer` that reads the checkpoint, so
 * `tf.globalVariablesInitializer()` (built afterwards) loads them while other variables
 * keep their own initializers. `assignmentMap` maps checkpoint names to current
 * variables, with TensorFlow's rules:
 *
 * - `{"old_scope/": "new_scope/"}`: every `getVariable` variable under `new_scope/` from
 *   the tensor of the same relative name under `old_scope/`;
 * - `{"old_scope/w": "new_scope/w"}` or `{"old_scope/w": variable}`: one variable;
 * - `{"/": "new_scope/"}`: variables under `new_scope/` from the checkpoint's root.
 *
 * Names resolve through the default graph's variable store (variables from
 * `tf.getVariable`), as in TensorFlow. Everything is checked (names, shapes) before any
 * initializer changes.
 *
 * @example
 * ```ts
 * import { writeBundleSync } from "./file_io.js";
 * writeBundleSync("model.ckpt", [{ name: "old_scope_1/var1", dtype: "float32", shape: [2], values: [1, 2] }]);
 * const v = tf.variableScope("new_scope_1", () => tf.getVariable("var1", [2]));
 * tf.train.initFromCheckpoint("model.ckpt", { "old_scope_1/": "new_scope_1/" });
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * sess.run(v); // ==> [1. 2.]
 * ```
 */
export const initFromCheckpoint = tfFunction(
  "train.initFromCheckpoint",
  [req("ckptDirOrFile", stringKind), req("assignmentMap", assignmentMapKind)] as const,
  (a): void => initFrom(a.ckptDirOrFile, a.assignmentMap),
);

function initFrom(
  ckptDirOrFile: string,
  assignmentMap: Readonly<Record<string, AssignmentTarget>> | ReadonlyMap<string, AssignmentTarget>,
): void {
  const ckptFile = checkpointFilename(ckptDirOrFile);
  const reader = loadCheckpoint(ckptDirOrFile);
  const variableMap = reader.getVariableToShapeMap();
  const graph = getDefaultGraph();
  const entries = (
    assignmentMap instanceof Map ? [...assignmentMap.entries()] : Object.entries(assignmentMap)
  ).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const plan: PlannedInit[] = [];
  let storeVars: Map<string, Variable> | null = null;
  const store = () => (storeVars ??= storeVariables(graph));
  for (const [tensorNameInCkpt, current] of entries) {
    let variable: Variable | undefined;
    if (current instanceof Variable) {
      variable = current;
    } else if (typeof current === "string") {
      variable = store().get(current);
      if (variable === undefined && store().has(`${current}/part_0`)) {
        throw new UnimplementedError(
          `Variable ${current} is partitioned; scopeflow cannot initialize partitioned variables from a checkpoint.`,
        );
      }
    } else {
      throw new TypeError(
        `assignment_map values must be variables or variable names, got ${String(current)}`,
      );
    }
    if (variable !== undefined) {
      const stored = variableMap.get(tensorNameInCkpt);
      if (stored === undefined) {
        throw new ValueError(
          `Tensor ${tensorNameInCkpt} is not found in ${ckptDirOrFile} checkpoint ${pyDict(variableMap)}`,
        );
      }
      if (!variable.shape.isCompatibleWith(stored)) {
        throw new ValueError(
          `Shape of variable ${variable.name} (${variable.shape.toString()}) doesn't match with shape of tensor ${tensorNameInCkpt} (${pyList(stored)}) from checkpoint reader.`,
        );
      }
      plan.push({ variable, tensorName: tensorNameInCkpt });
      continue;
    }
    const name = current as string;
    const scopes = name.includes("/") ? name.slice(0, name.lastIndexOf("/")) : "";
    if (!tensorNameInCkpt.endsWith("/")) {
      throw new ValueError(
        `Assignment map with scope only name ${scopes} should map to scope only ${tensorNameInCkpt}. Should be 'scope/': 'other_scope/'.`,
      );
    }
    const scopeVariables = new Set<string>();
    for (const varName of store().keys()) {
      if (scopes === "" || varName.startsWith(`${scopes}/`)) {
        const part = varName.indexOf("/part_");
        scopeVariables.add(part >= 0 ? varName.slice(0, part) : varName);
      }
    }
    for (const varName of [...scopeVariables].sort()) {
      let fullTensorName = varName.slice(scopes.length);
      if (name !== "/") fullTensorName = fullTensorName.slice(1);
      if (tensorNameInCkpt !== "/") fullTensorName = tensorNameInCkpt + fullTensorName;
      if (fullTensorName.endsWith("/")) fullTensorName = fullTensorName.slice(0, -1);
      if (!variableMap.has(fullTensorName)) {
        throw new ValueError(
          `Tensor ${fullTensorName} (${varName.slice(scopes.length + 1)} in ${tensorNameInCkpt}) is not found in ${ckptDirOrFile} checkpoint`,
        );
      }
      const v = store().get(varName);
      if (v === undefined) {
        throw new UnimplementedError(
          `Variable ${varName} is partitioned; scopeflow cannot initialize partitioned variables from a checkpoint.`,
        );
      }
      plan.push({ variable: v, tensorName: fullTensorName });
    }
  }
  graph.atomically(() => {
    for (const p of plan) setCheckpointInitializer(p.variable, ckptFile as string, p.tensorName);
  });
}

/**
 * `_set_checkpoint_initializer`: a `RestoreV2` op (`checkpoint_initializer`) reading the
 * tensor, and an `Assign` from it that becomes the variable's initializer.
 */
function setCheckpointInitializer(variable: Variable, ckptFile: string, tensorName: string): void {
  const graph = variable.graph;
  graph.asDefault(() => {
    const [restored] = restoreV2(ckptFile, [tensorName], [""], [variable.dtype], {
      name: "checkpoint_initializer",
    });
    const value = restored as Tensor;
    // A resource variable restores as its saveable does: an `Identity` of the tensor, then
    // an `AssignVariableOp` on the handle.
    const init = variable.isResource
      ? assignVariableOp(variable.refTensor, identity(value))
      : assign(variable.refTensor, value).op;
    // TensorFlow sets the restored tensor's shape after building the Assign.
    value.setShape(variable.shape);
    // TensorFlow overwrites the RefVariable's `_initializer_op` and `_initial_value`.
    replaceInitializer(variable, init, value);
  });
}
