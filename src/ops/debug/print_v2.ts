/**
 * `PrintV2` (TF's core/ops/logging_ops.cc, kernels/logging_ops.cc) and `tf.print` (TF
 * 1.15's logging_ops.print_v2): the inputs become one `StringFormat` template — tensors as
 * placeholders, everything else as Python's `pprint.pformat` writes it — and `PrintV2`
 * writes the formatted string to an output stream each time it runs.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, ValueError } from "../../errors.js";
import {
  defineParams,
  intKind,
  isPlainObject,
  opt,
  stringKind,
  kind,
  declare,
  type OptionsOf,
} from "../../graph/call_args.js";
import { withDefaultGraph } from "../../graph/graph.js";
import type { Operation } from "../../graph/operation.js";
import { graphFromValues } from "../../scope/name_scope.js";
import { isTensorConvertible, Tensor, type TensorConvertible } from "../../graph/tensor.js";
import { formatDouble } from "../../proto/index.js";
import { convertToTensor } from "../convert.js";
import { attrsOf, declareOpDef } from "../op_def.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { noGradient, registerOp, type OutputStream } from "../registry.js";
import { SparseTensor } from "../sparse_tensor.js";
import { ShapeInference } from "../shape_utils.js";
import { stringFormat } from "../string/string_format.js";
import { stringTensorBytes } from "../tfjs_internals.js";

/** The streams `PrintV2`'s kernel knows, besides `file://` paths. */
const STREAMS = ["stdout", "stderr", "log(info)", "log(warning)", "log(error)"] as const;

const FILE_PREFIX = "file://";

const PRINT_V2_DEF = declareOpDef({
  inputs: ["input: string"],
  outputs: [],
  attrs: ["output_stream: string = 'stderr'", "end: string = '\\n'"],
  stateful: true,
});

registerOp({
  type: "PrintV2",
  opDef: PRINT_V2_DEF,
  stateful: true,
  kernel: ([input], op, runtime) => {
    const attrs = attrsOf(op, PRINT_V2_DEF);
    const stream = attrs.output_stream;
    if (!stream.startsWith(FILE_PREFIX) && !(STREAMS as readonly string[]).includes(stream)) {
      throw new InvalidArgumentError(
        `Unknown output stream: ${stream}, Valid streams are: ${STREAMS.join(" ")}\n\t [[{{node ${op.name}}}]]`,
        op.name,
      );
    }
    const t = input as tfc.Tensor;
    if (t.rank !== 0) {
      throw new InvalidArgumentError(
        `Input is expected to be scalar, but got [${t.shape.join(",")}]\n\t [[{{node ${op.name}}}]]`,
        op.name,
      );
    }
    const message = new TextDecoder().decode(stringTensorBytes(t)[0]);
    runtime.output.write(stream as OutputStream, message + attrs.end);
    return [];
  },
  inferShapes: (op) => {
    const shape = (op.inputs[0] as Tensor).shape;
    printV2InputCheck(op.name, shape.rank, [shape]);
    return [];
  },
});
// TF 1.15 declares no gradient for PrintV2 (it has no outputs to differentiate).
noGradient(false, "PrintV2");

/** TF's `PrintV2` shape function: the input must be a scalar. */
function printV2InputCheck(
  opName: string,
  rank: number | null,
  shapes: ConstructorParameters<typeof ShapeInference>[2],
): void {
  if (rank !== null && rank !== 0) {
    new ShapeInference(opName, "PrintV2", shapes).fail(
      `input must be a scalar, but has rank: ${rank}`,
    );
  }
}

// ---- Python's pprint, for the template -------------------------------------------------

/** A value `tf.print` takes for a tensor (a placeholder in the template). */
function isTensorValue(x: unknown): x is Tensor | TensorConvertible {
  return x instanceof Tensor || isTensorConvertible(x);
}

/** A mapping (Python's `dict`): a plain object or a `Map`. */
function entriesOf(x: unknown): [unknown, unknown][] | null {
  if (x instanceof Map) return [...x.entries()];
  if (isPlainObject(x)) return Object.entries(x);
  return null;
}

/** Python's ordering of dict keys (`sorted`): numbers numerically, strings by code point. */
function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A mapping's items in `nest.flatten` and `pprint` order: sorted by key. */
function sortedEntries(x: unknown): [unknown, unknown][] | null {
  const entries = entriesOf(x);
  return entries === null ? null : entries.sort(([a], [b]) => compareKeys(a, b));
}

/** Python's `repr` of a str: single quotes unless only double quotes avoid escaping. */
function pythonStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + quote;
}

/** Python's `repr` of a non-container value, as a JS value stands for it. */
function scalarRepr(x: unknown): string {
  if (x === null || x === undefined) return "None";
  if (typeof x === "boolean") return x ? "True" : "False";
  if (typeof x === "string") return pythonStrRepr(x);
  // JS numbers cannot tell 4 from 4.0: an integral one is Python's int.
  if (typeof x === "number") return Number.isInteger(x) ? String(x) : formatDouble(x);
  if (typeof x === "bigint") return String(x);
  return String(x);
}

/** Python's one-line `repr` of a (nested) list or dict of values. */
function repr(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(repr).join(", ")}]`;
  const entries = sortedEntries(x);
  if (entries !== null) return `{${entries.map(([k, v]) => `${repr(k)}: ${repr(v)}`).join(", ")}}`;
  return scalarRepr(x);
}

/**
 * `pprint.pformat(x)` (Python 3, width 80, indent 1): lists and dicts too wide are split
 * one item a line, strings too wide into adjacent literals at whitespace.
 */
function pformat(x: unknown): string {
  const WIDTH = 80;
  const out: string[] = [];
  const format = (value: unknown, indent: number, allowance: number, level: number): void => {
    const rep = repr(value);
    if (rep.length <= WIDTH - indent - allowance) {
      out.push(rep);
      return;
    }
    const inner = indent + 1;
    if (Array.isArray(value)) {
      out.push("[");
      value.forEach((item, i) => {
        const last = i === value.length - 1;
        if (i > 0) out.push(",\n" + " ".repeat(inner));
        format(item, inner, last ? allowance + 1 : 1, level + 1);
      });
      out.push("]");
      return;
    }
    const entries = sortedEntries(value);
    if (entries !== null) {
      out.push("{");
      entries.forEach(([k, v], i) => {
        const last = i === entries.length - 1;
        const key = repr(k);
        if (i > 0) out.push(",\n" + " ".repeat(inner));
        out.push(key, ": ");
        format(v, inner + key.length + 2, last ? allowance + 1 : 1, level + 1);
      });
      out.push("}");
      return;
    }
    if (typeof value === "string" && value !== "") {
      out.push(pformatStr(value, indent, allowance, level + 1, WIDTH));
      return;
    }
    out.push(rep);
  };
  format(x, 0, 0, 0);
  return out.join("");
}

const BREAKS = "\\n\\r\\v\\f\\x1c-\\x1e\\x85\\u2028\\u2029";
const SPLITLINES = new RegExp(`[^${BREAKS}]*(\\r\\n|[${BREAKS}]|$)`, "g");

/** pprint's `_pprint_str`: a long string as adjacent literals, split after whitespace. */
function pformatStr(
  text: string,
  indent: number,
  allowance: number,
  level: number,
  width: number,
): string {
  // str.splitlines(keepends=True): Python's line boundaries include these control characters.
  const lines = text.match(SPLITLINES) ?? [];
  if (lines[lines.length - 1] === "") lines.pop();
  if (level === 1) {
    indent += 1;
    allowance += 1;
  }
  const maxWidth = width - indent;
  const chunks: string[] = [];
  lines.forEach((line, i) => {
    const lastLine = i === lines.length - 1;
    const rep = pythonStrRepr(line);
    if (rep.length <= maxWidth - (lastLine ? allowance : 0)) {
      chunks.push(rep);
      return;
    }
    const parts = line.match(/\S*\s*/g) ?? [];
    parts.pop();
    let current = "";
    parts.forEach((part, j) => {
      const candidate = current + part;
      const limit = maxWidth - (lastLine && j === parts.length - 1 ? allowance : 0);
      if (pythonStrRepr(candidate).length > limit) {
        if (current !== "") chunks.push(pythonStrRepr(current));
        current = part;
      } else {
        current = candidate;
      }
    });
    if (current !== "") chunks.push(pythonStrRepr(current));
  });
  if (chunks.length === 1) return chunks[0] as string;
  const body = chunks.join("\n" + " ".repeat(indent));
  return level === 1 ? `(${body})` : body;
}

/** `nest.map_structure(fn, x)` over lists and dicts (sorted, as `nest` sorts them). */
function mapLeaves(x: unknown, fn: (leaf: unknown) => unknown): unknown {
  if (Array.isArray(x)) return x.map((v) => mapLeaves(v, fn));
  const entries = sortedEntries(x);
  if (entries !== null) {
    const m = new Map<unknown, unknown>();
    for (const [k, v] of entries) m.set(k, mapLeaves(v, fn));
    return m;
  }
  return fn(x);
}

/**
 * The digits Python's `random.Random(5).randint(0, 9)` draws, in order: Mersenne Twister
 * seeded as CPython seeds it from an int (`init_by_array([5])`), each digit taken by
 * rejection from 4 random bits (`_randbelow`).
 */
function* pythonRandint09Seed5(): Generator<number> {
  const N = 624;
  const mt = new Uint32Array(N);
  mt[0] = 19650218;
  for (let i = 1; i < N; i++) {
    const p = (mt[i - 1] as number) ^ ((mt[i - 1] as number) >>> 30);
    mt[i] = (Math.imul(1812433253, p) + i) >>> 0;
  }
  const key = [5];
  let i = 1;
  let j = 0;
  for (let k = Math.max(N, key.length); k > 0; k--) {
    const p = (mt[i - 1] as number) ^ ((mt[i - 1] as number) >>> 30);
    mt[i] = (((mt[i] as number) ^ Math.imul(p, 1664525)) + (key[j] as number) + j) >>> 0;
    i++;
    j++;
    if (i >= N) {
      mt[0] = mt[N - 1] as number;
      i = 1;
    }
    if (j >= key.length) j = 0;
  }
  for (let k = N - 1; k > 0; k--) {
    const p = (mt[i - 1] as number) ^ ((mt[i - 1] as number) >>> 30);
    mt[i] = (((mt[i] as number) ^ Math.imul(p, 1566083941)) - i) >>> 0;
    i++;
    if (i >= N) {
      mt[0] = mt[N - 1] as number;
      i = 1;
    }
  }
  mt[0] = 0x80000000;
  let index = N;
  const next32 = (): number => {
    if (index >= N) {
      for (let kk = 0; kk < N; kk++) {
        const y = ((mt[kk] as number) & 0x80000000) | ((mt[(kk + 1) % N] as number) & 0x7fffffff);
        mt[kk] = (mt[(kk + 397) % N] as number) ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      index = 0;
    }
    let y = mt[index++] as number;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  };
  for (;;) {
    let r = next32() >>> 28;
    while (r >= 10) r = next32() >>> 28;
    yield r;
  }
}

/**
 * TF's `_generate_placeholder_string`: `{}`, or while that occurs in `text`, `{}` with
 * digits from `random.Random(5)` appended, so the graph's template matches TF's.
 */
function placeholderFor(text: string): string {
  let placeholder = "{}";
  if (!text.includes(placeholder)) return placeholder;
  const digits = pythonRandint09Seed5();
  while (text.includes(placeholder)) placeholder += String(digits.next().value as number);
  return placeholder;
}

// ---- tf.print ---------------------------------------------------------------------------

/** The keywords of TF 1.15's `print(*inputs, **kwargs)`. */
const PRINT_KEYWORDS = defineParams("print", [
  opt(
    "outputStream",
    kind<OutputStream>(
      "an output stream name (stderr, stdout, log(info), log(warning), log(error), file://…)",
      (v) => typeof v === "string",
    ),
  ),
  opt("summarize", intKind),
  opt("sep", stringKind),
  opt("end", stringKind),
  opt("name", stringKind),
] as const);

/** The options object of {@link print}: TF's keywords `output_stream`, `summarize`, `sep`, `end`, `name`. */
export type PrintOptions = OptionsOf<typeof PRINT_KEYWORDS.params>;

/** One input of `tf.print`: a tensor, a JS value, or lists and dicts (objects, Maps) of them. */
export type PrintInput = unknown;

function checkStream(stream: string): OutputStream {
  if (stream.startsWith(FILE_PREFIX) || (STREAMS as readonly string[]).includes(stream)) {
    return stream as OutputStream;
  }
  throw new ValueError(
    `Unsupported output stream, logging level, or file.${stream}. Supported streams are ` +
      `"stdout", "stderr", "log(info)", "log(warning)", "log(error)". ` +
      `File needs to be in the form of 'file://<filepath>'.`,
  );
}

/**
 * Prints `inputs` when the returned op runs (`tf.print`, TF 1.15's `print_v2`): an op of
 * type `PrintV2` that writes them, separated by `sep` and followed by `end`, to
 * `outputStream` — `"stderr"` (the default), `"stdout"`, `"log(info)"`, `"log(warning)"`,
 * `"log(error)"`, or `"file://<path>"` (appended to, on Node.js), through the running
 * session's `output`. Tensors print as TF prints them (`[0 1 2 ... 7 8 9]`: the first and
 * last `summarize` entries of each dimension, 3 by default, `-1` for all); other values,
 * and lists and dicts holding tensors (plain objects or `Map`s, keys sorted), as Python's
 * `pprint` writes them. The keywords go in a trailing options object, so a dict printed
 * last needs options (even `{}`) after it. In a graph the op runs only when run or made a
 * control dependency (`tf.controlDependencies([printOp], …)`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const printed: string[] = [];
 * sess.output = { write: (_stream, text) => printed.push(text) };
 * const x = tf.range(10);
 * sess.run(tf.print("x:", x, { sum: tf.reduceSum(x) }, { sep: " | " }));
 * printed[0].trimEnd(); // ==> x: | [0 1 2 ... 7 8 9] | {'sum': 45}
 * ```
 */
export function print(...args: [...inputs: PrintInput[], options: PrintOptions]): Operation;
export function print(...inputs: PrintInput[]): Operation;
export function print(...args: unknown[]): Operation {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  const last = args[n - 1];
  let keywords: ReturnType<typeof PRINT_KEYWORDS.parse>;
  try {
    keywords = PRINT_KEYWORDS.parse(isPlainObject(last) ? [last] : []);
  } catch (e) {
    // The trailing object is always the keywords: say how to print a dict last.
    if (e instanceof TypeError && e.message.includes("unexpected keyword argument")) {
      throw new TypeError(
        `${e.message}; a dict to print as the last input needs options after it: tf.print(…, dict, {})`,
      );
    }
    throw e;
  }
  if (isPlainObject(last)) n--;
  const inputs = args.slice(0, n);
  const stream = checkStream(keywords.outputStream ?? "stderr");
  const summarize = keywords.summarize ?? 3;
  const sep = keywords.sep ?? " ";
  const end = keywords.end ?? "\n";
  const name = keywords.name;
  const values: unknown[] = [];
  const collect = (x: unknown): void => {
    if (x instanceof SparseTensor) values.push(x.indices, x.values, x.denseShape);
    else if (isTensorValue(x)) values.push(x);
    else if (Array.isArray(x)) x.forEach(collect);
    else {
      const entries = sortedEntries(x);
      if (entries !== null) for (const [, v] of entries) collect(v);
    }
  };
  inputs.forEach(collect);
  const graph = graphFromValues(values);
  return withDefaultGraph(graph, () =>
    graph.atomically(() => {
      const first = inputs[0];
      let formatted: Tensor;
      const single = inputs.length === 1 && isTensorValue(first) ? convertToTensor(first) : null;
      if (single !== null && single.dtype === "string" && single.shape.rank === 0) {
        // TF prints a lone string scalar as is, with no StringFormat.
        formatted = single;
      } else {
        const tensorFree = inputs.map((x) =>
          mapLeaves(x, (leaf) => (isTensorValue(leaf) || leaf instanceof SparseTensor ? "" : leaf)),
        );
        const placeholder = placeholderFor(tensorFree.map(pformat).join(" "));
        const tensors: Tensor[] = [];
        const templates = inputs.map((input) => {
          const packed = mapLeaves(input, (leaf) => {
            if (leaf instanceof SparseTensor) {
              tensors.push(
                convertToTensor(leaf.indices),
                convertToTensor(leaf.values),
                convertToTensor(leaf.denseShape),
              );
              return `SparseTensor(indices=${placeholder}, values=${placeholder}, shape=${placeholder})`;
            }
            if (isTensorValue(leaf)) {
              tensors.push(convertToTensor(leaf));
              return placeholder;
            }
            return leaf;
          });
          // A top-level string is its own template, unquoted.
          return typeof input === "string" ? input : pformat(packed);
        });
        const template = templates.join(sep).split(`'${placeholder}'`).join(placeholder);
        formatted = stringFormat(
          tensors,
          template,
          placeholder,
          summarize,
          name === undefined ? undefined : `${name}_format`,
        );
      }
      return inOpScope(name, "PrintV2", [formatted], (scope) =>
        makeOp(graph, "PrintV2", scope, [formatted], [], { output_stream: stream, end }),
      );
    }),
  );
}
declare(print, PRINT_KEYWORDS);
