/**
 * Gradients of function calls, as TensorFlow 1.15's `gradients_util.py` builds them: a
 * direct call or a `PartitionedCall` of a library function without a Python gradient
 * becomes a `SymbolicGradient` node (`_SymbolicGradient`): the call's inputs and its
 * outputs' gradients in, its inputs' gradients out, `f` naming the function. At run time
 * it runs the function's `GradientDef` gradient when the library has one, else the
 * gradient body built here from the gradients of the body's own ops.
 *
 * The functional `If` and `While` of an imported graph are not differentiated (TF 1.15's
 * `cond_v2`/`while_v2` gradients need the intermediates their own builders export): a
 * clear error naming the op and its functions.
 */
import { LookupError } from "../errors.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { zerosLike } from "../ops/array/like.js";
import {
  attrMessage,
  findLibraryFunction,
  functionAttrName,
  functionBody,
  gradientBodyOf,
  installFunctionCallGradient,
  installGradientBodyBuilder,
  libraryGradientOf,
  type FunctionAttr,
  type FunctionAttrBinding,
} from "../ops/control/function_call_ops.js";
import { denseOf } from "../ops/indexed_slices.js";
import { buildOp } from "../ops/op_scope.js";
import { placeholder } from "../ops/array/placeholder.js";
import { noGradient, registerGradient } from "../ops/registry.js";
import { gradients } from "./gradients.js";

installGradientBodyBuilder((body) =>
  body.asDefault(() => {
    const dys = body.outputs.map((t, i) => placeholder(t.dtype, t.shape, { name: `dy_${i}` }));
    const dxs = gradients(body.outputs, body.arguments, { gradYs: dys });
    return {
      feeds: [...body.arguments, ...dys],
      // An argument the outputs do not depend on has a zero gradient, as in TF.
      fetches: dxs.map((g, i) =>
        g === null ? zerosLike(body.arguments[i] as Tensor, { optimize: false }) : denseOf(g),
      ),
    };
  }),
);

/** The `SymbolicGradient` of `op`, a call of the function `f` names. */
function symbolicGradient(op: Operation, grads: (Tensor | null)[], f: FunctionAttr): Tensor[] {
  const name = functionAttrName(f);
  const binding: FunctionAttrBinding = typeof f === "string" ? {} : f.attr;
  if (libraryGradientOf(op.graph, name) === undefined) {
    // Built now, so that a body op without a gradient fails here, naming the call.
    try {
      gradientBodyOf(functionBody(op.graph, name, binding));
    } catch (e) {
      throw new LookupError(
        `Cannot differentiate '${op.name}' (op type: ${op.type}), a call of function ${name}: ${(e as Error).message}`,
      );
    }
  }
  const dys = grads.map((g, i) => g ?? zerosLike(op.outputs[i] as Tensor, { optimize: false }));
  const inputs = [...op.inputs, ...dys];
  const sg = buildOp(
    "SymbolicGradient",
    inputs,
    op.inputs.map((t) => ({ dtype: t.dtype, shape: t.shape })),
    { Tin: inputs.map((t) => t.dtype), Tout: op.inputs.map((t) => t.dtype), f },
  );
  return sg.outputs;
}

installFunctionCallGradient((op, grads) => {
  const fn = findLibraryFunction(op.graph, op.type);
  const binding: Record<string, ReturnType<typeof attrMessage>> = {};
  for (const a of fn?.signature.attr ?? []) {
    const v = op.attrs[a.name ?? ""];
    if (v !== undefined) binding[a.name ?? ""] = attrMessage(a.type ?? "", v);
  }
  const f: FunctionAttr =
    Object.keys(binding).length === 0 ? op.type : { name: op.type, attr: binding };
  return symbolicGradient(op, grads, f);
});

for (const type of ["PartitionedCall", "StatefulPartitionedCall"]) {
  registerGradient(type, (op, grads) => symbolicGradient(op, grads, op.attrs.f as FunctionAttr));
}

const FUNCTIONAL_ATTRS: Record<string, readonly string[]> = {
  If: ["then_branch", "else_branch"],
  StatelessIf: ["then_branch", "else_branch"],
  While: ["cond", "body"],
  StatelessWhile: ["cond", "body"],
};

for (const [type, attrs] of Object.entries(FUNCTIONAL_ATTRS)) {
  registerGradient(type, (op) => {
    const named = attrs.map((a) => `${a} ${functionAttrName(op.attrs[a])}`).join(", ");
    throw new LookupError(
      `No gradient defined for operation '${op.name}' (op type: ${op.type}; ${named}): scopeflow does not differentiate the functional ${op.type} of an imported graph (TensorFlow 1.15 differentiates only the ${type.includes("If") ? "cond_v2" : "while_v2"} ops its own builders make)`,
    );
  });
}

// TF 1.15 registers no gradient for the gradient op itself.
noGradient(false, "SymbolicGradient");
