import { tfFunction } from "../graph/call_args.js";

/*
 * TF 1.15's `variable_scope._DEFAULT_USE_RESOURCE`: whether a variable whose creator and
 * scopes leave `use_resource` unset is a resource variable. Process-wide, as in
 * TensorFlow, and false by default (TF 1.x behaviour).
 */
let defaultUseResource = false;

/** The process-wide default (for the variable creator). */
export function useResourceByDefault(): boolean {
  return defaultUseResource;
}

/**
 * Makes variables created without `useResource` resource variables from now on
 * (`tf.enable_resource_variables()`): `VarHandleOp`s read by `ReadVariableOp`s, whose
 * reads and writes are ordered by the graph's dependencies.
 *
 * @example
 * ```ts
 * tf.enableResourceVariables();
 * const v = tf.getVariable("v", [2]);
 * tf.disableResourceVariables();
 * v.op.type; // ==> VarHandleOp
 * ```
 */
export const enableResourceVariables = tfFunction(
  "enableResourceVariables",
  [] as const,
  (): void => {
    defaultUseResource = true;
  },
);

/**
 * Goes back to reference variables (`VariableV2`) for variables created without
 * `useResource` (`tf.disable_resource_variables()`, deprecated in TF 1.15).
 *
 * @example
 * ```ts
 * tf.disableResourceVariables();
 * tf.getVariable("v", [2]).op.type; // ==> VariableV2
 * ```
 */
export const disableResourceVariables = tfFunction(
  "disableResourceVariables",
  [] as const,
  (): void => {
    defaultUseResource = false;
  },
);

/**
 * Whether variables are resource variables by default (`tf.resource_variables_enabled()`).
 *
 * @example
 * ```ts
 * tf.resourceVariablesEnabled(); // ==> false
 * ```
 */
export const resourceVariablesEnabled = tfFunction(
  "resourceVariablesEnabled",
  [] as const,
  (): boolean => defaultUseResource,
);
