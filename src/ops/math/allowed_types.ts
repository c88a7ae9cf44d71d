import type { DType } from "../../graph/dtypes.js";
import type { OpDefSpec } from "../op_def.js";

/** OpDef type names as op_def_library prints them in its messages. */
const PRINTED: Record<string, string> = { half: "float16", float: "float32", double: "float64" };

/** The allowed types of `attr` in an OpDef spec (`"T: {float, double}"`), as TF prints them. */
function allowedOf(spec: OpDefSpec, attr: string): string[] | null {
  const decl = spec.attrs?.find((a) => a.startsWith(`${attr}: {`));
  if (decl === undefined) return null;
  const inner = decl.slice(decl.indexOf("{") + 1, decl.indexOf("}"));
  return inner.split(",").map((t) => {
    const name = t.trim();
    return PRINTED[name] ?? name;
  });
}

/**
 * op_def_library's check of an input's dtype against the op's type attr, with its message
 * (`Value passed to parameter 'x' has DataType int32 not in list of allowed values: …`):
 * TF refuses the op while building the graph, before any node exists.
 */
export function checkAllowed(spec: OpDefSpec, param: string, dtype: DType, attr = "T"): void {
  const allowed = allowedOf(spec, attr);
  if (allowed === null || allowed.includes(dtype)) return;
  throw new TypeError(
    `Value passed to parameter '${param}' has DataType ${dtype} not in list of allowed values: ${allowed.join(", ")}`,
  );
}
