/**
 * The ops of a resource variable (TF 1.15's `ResourceVariable._init_from_args` in graph
 * mode): a `VarHandleOp` named as the variable, `<v>/IsInitialized/VarIsInitializedOp`,
 * the initializer `<v>/Assign` (`AssignVariableOp`) and the graph element
 * `<v>/Read/ReadVariableOp`. The initial value is built under `<v>/Initializer/`, in an
 * attr scope colocating it with the handle that does not exist yet.
 */
import { ValueError } from "../errors.js";
import type { DType } from "../graph/dtypes.js";
import type { Graph } from "../graph/graph.js";
import { nameFromScopeName } from "../graph/names.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor, TensorLike } from "../graph/tensor.js";
import { TensorShape } from "../graph/tensor_shape.js";
import { openNameScope } from "../scope/name_scope.js";
import { convertToTensor } from "../ops/convert.js";
import { makeOp } from "../ops/op_scope.js";

/** What {@link buildResourceVariable} needs of a new variable's checked arguments. */
export interface ResourceVariableArgs {
  initialValue: TensorLike | (() => TensorLike);
  name: string | undefined;
  dtype: DType | null;
  shape: TensorShape | null;
  definedAt: Error | null;
}

/** The ops of a new resource variable. */
export interface BuiltResourceVariable {
  /** The `VarHandleOp`'s output. */
  ref: Tensor;
  initialValue: Tensor;
  /** The `AssignVariableOp` `<v>/Assign`. */
  initializer: Operation;
  /** `<v>/Read/ReadVariableOp:0`, the variable's graph element. */
  snapshot: Tensor;
}

/** Builds a resource variable's ops in the variable's own name scope. */
export function buildResourceVariable(
  graph: Graph,
  args: ResourceVariableArgs,
): BuiltResourceVariable {
  const outer = graph.nameStack;
  const scope = openNameScope(graph, args.name ?? "Variable");
  try {
    const handleName = nameFromScopeName(scope);
    const { value, ref } = graph.attrScope({ _class: [`loc:@${handleName}`] }, () => {
      const value = initialValueOf(graph, args.initialValue, args.dtype);
      let shape = args.shape;
      if (shape !== null) {
        if (!value.shape.isCompatibleWith(shape)) {
          throw new ValueError(
            `The initial value's shape (${value.shape.toString()}) is not compatible with the explicitly supplied \`shape\` argument (${shape.toString()}).`,
          );
        }
      } else shape = value.shape;
      const handle = makeOp(
        graph,
        "VarHandleOp",
        scope,
        [],
        [{ dtype: "resource", shape: TensorShape.scalar() }],
        { container: "", shared_name: handleName, dtype: value.dtype, shape },
        args.definedAt,
      );
      return { value, ref: handle.outputs[0] as Tensor };
    });
    const dtype = value.dtype;
    inScope(graph, scope, "IsInitialized", () =>
      makeOp(
        graph,
        "VarIsInitializedOp",
        "VarIsInitializedOp",
        [ref],
        [{ dtype: "bool", shape: TensorShape.scalar() }],
      ),
    );
    // Neither the initializer nor the read is colocated with anything (TF resets the
    // colocation stack and places them on the handle's device).
    const initializer = graph.colocateWith(
      null,
      () =>
        inScope(graph, scope, "Assign", (assignScope) =>
          makeOp(graph, "AssignVariableOp", assignScope, [ref, value], [], { dtype }),
        ),
      true,
    );
    const snapshot = inScope(
      graph,
      scope,
      "Read",
      () =>
        makeOp(
          graph,
          "ReadVariableOp",
          "ReadVariableOp",
          [ref],
          [{ dtype, shape: ref.op.attrs.shape as TensorShape }],
          { dtype },
        ).outputs[0] as Tensor,
    );
    return { ref, initialValue: value, initializer, snapshot };
  } finally {
    graph.setNameStack(outer);
  }
}

/** Runs `fn` in the name scope `name` opened inside the variable's `scope`. */
function inScope<T>(graph: Graph, scope: string, name: string, fn: (opened: string) => T): T {
  graph.setNameStack(nameFromScopeName(scope));
  const opened = openNameScope(graph, name);
  try {
    return fn(opened);
  } finally {
    graph.setNameStack(nameFromScopeName(scope));
  }
}

/** The initial value, converted under `Initializer/` on no device (a function's too). */
function initialValueOf(
  graph: Graph,
  initialValue: TensorLike | (() => TensorLike),
  dtype: DType | null,
): Tensor {
  const outer = graph.nameStack;
  openNameScope(graph, "Initializer");
  try {
    return graph.device(null, () =>
      convertToTensor(typeof initialValue === "function" ? initialValue() : initialValue, {
        name: "initial_value",
        dtype,
      }),
    );
  } finally {
    graph.setNameStack(outer);
  }
}
