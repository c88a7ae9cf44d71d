import { getDefaultGraph, GraphKeys } from "../graph/graph.js";
import type { Tensor } from "../graph/tensor.js";
import { constant } from "../ops/array/constant.js";
import { gather } from "../ops/array/gather.js";
import { squeeze } from "../ops/array/squeeze.js";
import { stack } from "../ops/array/stack.js";
import { where } from "../ops/array/where.js";
import { logicalNot } from "../ops/math/unary.js";
import { inOpScope } from "../ops/op_scope.js";
import { isVariableInitialized } from "../ops/state/variable_ops.js";
import type { Variable } from "./variable.js";
import { variableListKind } from "./collections.js";
import { opt, stringKind, tfFunction } from "../graph/call_args.js";

/**
 * The names of the variables not yet initialized in the session that runs the result
 * (`tf.report_uninitialized_variables`): a 1-D string tensor, empty when all are. Defaults
 * to the global and local variables.
 *
 * @example
 * ```ts
 * tf.variableScope("foo", () => tf.getVariable("v", [1]));
 * using sess = new tf.Session();
 * sess.run(tf.reportUninitializedVariables()); // ==> [b'foo/v']
 * ```
 */
export const reportUninitializedVariables = tfFunction(
  "reportUninitializedVariables",
  [opt("varList", variableListKind), opt("name", stringKind)] as const,
  (a): Tensor => {
    const graph = getDefaultGraph();
    const vars = a.varList ?? [
      ...graph.collectionItems<Variable>(GraphKeys.GLOBAL_VARIABLES),
      ...graph.collectionItems<Variable>(GraphKeys.LOCAL_VARIABLES),
    ];
    return inOpScope(a.name, "report_uninitialized_variables", [], () => {
      if (vars.length === 0) return constant([], { dtype: "string", shape: [0] });
      const mask = logicalNot(stack(vars.map((v) => isVariableInitialized(v))));
      const names = constant(vars.map((v) => v.op.name));
      // boolean_mask on a vector: the positions where the mask holds, then a gather.
      return inOpScope(undefined, "boolean_mask", [names, mask], () =>
        gather(names, squeeze(where(mask), { axis: [1] })),
      );
    });
  },
);
