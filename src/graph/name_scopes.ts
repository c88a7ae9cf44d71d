/**
 * TF 1.15's `ops.prepend_name_scope` and `ops.strip_name_scope`: how exported and
 * imported meta graphs move node, tensor and colocation names (`^ctrl`, `loc:@op`) in and
 * out of a name scope.
 */

function withoutTrailingSlash(scope: string): string {
  return scope.endsWith("/") ? scope.slice(0, -1) : scope;
}

/**
 * `strip_name_scope(name, export_scope)`: `scope/a/b:0` → `a/b:0`, keeping a leading `^`
 * or `loc:@`. The scope is read as a regular expression, as TF's `re.sub` reads it.
 */
export function stripNameScope(name: string, exportScope: string | null | undefined): string {
  if (!exportScope) return name;
  const re = new RegExp(`(\\^|loc:@|^)${withoutTrailingSlash(exportScope)}[/]+(.*)`);
  return name.replace(re, "$1$2");
}

/** `prepend_name_scope(name, import_scope)`: `a:0` → `scope/a:0`, `^a` → `^scope/a`. */
export function prependNameScope(name: string, importScope: string | null | undefined): string {
  if (!importScope) return name;
  const scope = withoutTrailingSlash(importScope);
  const m = /^(\^|loc:@)?([\s\S]*)$/.exec(name) as RegExpExecArray;
  return `${m[1] ?? ""}${scope}/${m[2]}`;
}
