/*
 * Doctest machinery: finds the ```ts blocks of `@example` tags in TSDoc comments, turns
 * their `// ==>` and `// throws` lines into assertions, and compiles them with esbuild.
 * The conventions are described in examples.test.ts.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { transformSync } from "esbuild";

export interface Example {
  /** Path relative to the repository root, e.g. `src/ops/array/gather.ts`. */
  file: string;
  /** 1-based line of the first code line of the block in `file`. */
  line: number;
  /** The block's code, comment stars removed. */
  code: string;
  /** Why the `@example` could not be read as a ```ts block (it then fails as a test). */
  problem?: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out.sort();
}

/** Every `@example` of every `/** ... *\/` comment under `srcDir`, in file order. */
export function findExamples(srcDir: string, root: string): Example[] {
  const examples: Example[] = [];
  for (const path of sourceFiles(srcDir)) {
    const file = relative(root, path);
    const lines = readFileSync(path, "utf8").split("\n");
    let inDoc = false;
    let inExample = false;
    let exampleLine = 0;
    let exampleBlocks = 0;
    let fence: { start: number; code: string[] } | null = null;
    const endExample = (): void => {
      if (inExample && exampleBlocks === 0) {
        examples.push({
          file,
          line: exampleLine,
          code: "",
          problem: "@example without a ```ts code block",
        });
      }
      inExample = false;
    };
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i];
      if (!inDoc) {
        const open = raw.indexOf("/**");
        if (open < 0) continue;
        inDoc = true;
        // A one-line doc comment (`/** ... @example ... */`) is handled by the same path.
        const rest = raw.slice(open + 3);
        if (rest.includes("@example")) {
          inExample = true;
          exampleLine = i + 1;
          exampleBlocks = 0;
        }
        if (rest.includes("*/")) {
          endExample();
          inDoc = false;
        }
        continue;
      }
      const closes = raw.includes("*/") && fence === null;
      // Strip the comment's leading ` * ` (keeping indentation inside code blocks).
      const text = raw.replace(/^\s*\*(?: |$)/, "").replace(/\s*\*\/\s*$/, "");
      if (fence !== null) {
        if (/^\s*```\s*$/.test(text)) {
          examples.push({ file, line: fence.start, code: fence.code.join("\n") });
          fence = null;
        } else if (raw.includes("*/")) {
          examples.push({
            file,
            line: fence.start,
            code: "",
            problem: "```ts block not closed before the end of the comment",
          });
          fence = null;
          endExample();
          inDoc = false;
        } else {
          fence.code.push(text);
        }
        continue;
      }
      const trimmed = text.trim();
      if (trimmed.startsWith("@")) {
        endExample();
        if (trimmed.startsWith("@example")) {
          inExample = true;
          exampleLine = i + 1;
          exampleBlocks = 0;
        }
      }
      if (trimmed.startsWith("```")) {
        if (trimmed === "```ts") {
          if (inExample) {
            fence = { start: i + 2, code: [] };
            exampleBlocks++;
          } else {
            // A ```ts block outside @example is documentation, not run.
            fence = null;
            let j = i + 1;
            while (j < lines.length && !/^\s*\*?\s*```\s*$/.test(lines[j])) j++;
            i = j;
          }
        } else if (inExample) {
          examples.push({
            file,
            line: i + 1,
            code: "",
            problem: `@example code must be fenced as \`\`\`ts, got ${trimmed}`,
          });
          exampleBlocks++;
        }
      }
      if (closes) {
        endExample();
        inDoc = false;
      }
    }
  }
  return examples;
}

const CHECK = "// ==>";
const THROWS = "// throws ";

interface Marker {
  kind: "value" | "throws";
  /** Index of the code line the marker applies to. */
  target: number;
  /** Shown value, or `Name` / `Name: message prefix` for throws. */
  text: string;
}

/**
 * Rewrites marked statements into calls of `__check(() => expr, shown, line)` and
 * `__throws(() => { stmt }, expected, line)`. Lines are kept one-for-one so that
 * compile errors point at the example's own line numbers.
 */
export function instrument(code: string): string {
  const lines = code.split("\n");
  const markers: Marker[] = [];
  const out = [...lines];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const isCheck = line.indexOf(CHECK);
    const isThrows = line.indexOf(THROWS);
    const at = isCheck >= 0 ? isCheck : isThrows;
    if (at < 0) continue;
    const kind = isCheck >= 0 ? "value" : "throws";
    const before = line.slice(0, at).trimEnd();
    let text = line.slice(at + (kind === "value" ? CHECK.length : THROWS.length)).trim();
    let target = i;
    if (before === "") {
      // The marker stands on its own line: it applies to the previous code line.
      target = i - 1;
      while (target >= 0 && lines[target].trim() === "") target--;
      if (target < 0 || lines[target].trim().startsWith("//")) {
        throw new Error(`line ${i + 1}: "${line.trim()}" follows no statement`);
      }
    } else {
      out[i] = before;
    }
    if (kind === "value") {
      // Continuation lines: `//` in the same column, the value aligned under the first one
      // (a bare `//` there is an empty line, e.g. a trailing newline).
      const column = line.indexOf("//", at);
      const prefix = "//     ";
      while (i + 1 < lines.length && lines[i + 1].slice(0, column).trim() === "") {
        const next = lines[i + 1].slice(column);
        if (next !== "//" && !next.startsWith(prefix)) break;
        text += "\n" + next.slice(prefix.length);
        out[i + 1] = "";
        i++;
      }
    }
    markers.push({ kind, target, text });
  }
  for (const m of markers) {
    const stmt = out[m.target].trimEnd();
    if (!stmt.endsWith(";")) {
      throw new Error(`line ${m.target + 1}: a checked statement must be one line ending in ";"`);
    }
    const indent = stmt.length - stmt.trimStart().length;
    const body = stmt.trim().slice(0, -1);
    const lineNo = m.target + 1;
    // Own-line markers leave their comment line in place; it compiles to nothing.
    // Only a statement that awaits is checked asynchronously, so that checks also work
    // inside the synchronous callbacks of nameScope, variableScope, asDefault...
    const wait = /\bawait\b/.test(body) ? ["await ", "async "] : ["", ""];
    const shown = JSON.stringify(m.text);
    out[m.target] =
      " ".repeat(indent) +
      (m.kind === "value"
        ? `${wait[0]}__check(${wait[1]}() => (${body}), ${shown}, ${lineNo});`
        : `${wait[0]}__throws(${wait[1]}() => { ${body}; }, ${shown}, ${lineNo});`);
  }
  return out.join("\n");
}

/** The relative module specifiers (`./bundle.js`) the example's `import` lines name. */
export function relativeImports(code: string): string[] {
  return [...code.matchAll(/^import\s[^;]*?from\s+"(\.\.?\/[^"]+)"/gm)].map((m) => m[1]);
}

/** Splits off the example's `import` statements, which must come first. */
function splitImports(code: string): { imports: string; body: string } {
  const lines = code.split("\n");
  let n = 0;
  while (n < lines.length && (/^import\s/.test(lines[n]) || lines[n].trim() === "")) n++;
  return {
    imports: lines.slice(0, n).join("\n"),
    body: lines.map((l, i) => (i < n ? "" : l)).join("\n"),
  };
}

/**
 * Compiles an instrumented example to a CommonJS module exporting
 * `async (tf, __check, __throws, __module) => void`; `__module`'s exports (the module the
 * example documents) are visible by their own names.
 */
export function compile(code: string, moduleExports: readonly string[]): string {
  const { imports, body } = splitImports(instrument(code));
  const names = moduleExports.filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== "default");
  const source =
    `${imports}\n` +
    `module.exports = async function (tf, __check, __throws, __module) {\n` +
    `const { ${names.join(", ")} } = __module;\n{\n${body}\n}\n};\n`;
  return transformSync(source, {
    loader: "ts",
    format: "cjs",
    target: "es2022",
    sourcefile: "example.ts",
  }).code;
}
