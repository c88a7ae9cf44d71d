import type { DType } from "../../graph/dtypes.js";
import { printedTypeName } from "../input_types.js";
import type { OpDefSpec } from "../op_def.js";

/** The allowed types of `attr` in an OpDef spec (`"T: {float, double}"`), as TF prints them. */
function allowedOf(spec: OpDefSpec, attr: string): string[] | null {
  const decl = spec.attrs?.find((a) => a.startsWith(`${attr}: {`));
  if (decl === undefined) return null;
  const inner = decl.slice(decl.indexOf("{") + 1, decl.indexOf("}"));
  return inner.split(",").map((t) => printedTypeName(t.trim()));
}

/**
 * op_def_library's check of a dtype against an op's type attr, with its message
 * (`Value passed to parameter 'x' has DataType int32 not in list of allowed values: …`).
 * Inputs are checked by `makeOp` (`input_types.ts`); this is for a dtype known before its
 * tensor exists (`bincount`'s `weights`).
 */
export function checkAllowed(spec: OpDefSpec, param: string, dtype: DType, attr = "T"): void {
  const allowed = allowedOf(spec, attr);
  if (allowed === null || allowed.includes(dtype)) return;
  throw new TypeError(
    `Value passed to parameter '${param}' has DataType ${dtype} not in list of allowed values: ${allowed.join(", ")}`,
  );
}
