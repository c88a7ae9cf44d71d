/*
 * How Python prints values, for the messages and reprs TensorFlow and NumPy produce: every
 * module that shows a shape tuple, a list, a string, a dtype or `None` the way Python
 * would formats it here. It imports nothing, so that every layer can use it.
 */

/**
 * Python's `repr` of a JS value: `None` for `null`/`undefined`, `True`/`False`, `nan`
 * and `inf`, strings quoted as Python quotes them, arrays as lists; anything else by its
 * `String`.
 *
 * @example
 * ```ts
 * pyRepr("a"); // ==> 'a'
 * pyRepr("it's"); // ==> "it's"
 * pyRepr([2, null, true]); // ==> [2, None, True]
 * ```
 */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "nan";
    if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
    return String(value);
  }
  if (typeof value === "string") return pyStringRepr(value);
  if (Array.isArray(value)) return pyList(value);
  return String(value);
}

/**
 * Python's `str` (what `%s` and `format` print): strings as they are, anything else as
 * {@link pyRepr} shows it.
 *
 * @example
 * ```ts
 * pyStr("a"); // ==> a
 * pyStr(null); // ==> None
 * ```
 */
export function pyStr(value: unknown): string {
  return typeof value === "string" ? value : pyRepr(value);
}

/** Python's `repr` of a `str`: single quotes unless the text holds one and no double quote. */
function pyStringRepr(text: string): string {
  const escaped = text.replace(/\\/g, "\\\\");
  if (text.includes("'") && !text.includes('"')) return `"${escaped}"`;
  return `'${escaped.replace(/'/g, "\\'")}'`;
}

/**
 * Python's `repr` of a tuple, such as a shape: `()`, `(3,)`, `(2, None)`. `item` shows each
 * element (TensorFlow's shapes print an unknown dim as `?`).
 *
 * @example
 * ```ts
 * pyTuple([2000]); // ==> (2000,)
 * pyTuple([2, null]); // ==> (2, None)
 * pyTuple([null, 784], (d: number | null) => (d === null ? "?" : String(d))); // ==> (?, 784)
 * ```
 */
export function pyTuple<T>(items: readonly T[], item: (x: T) => string = pyRepr): string {
  const parts = items.map(item);
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(", ")})`;
}

/**
 * Python's `repr` of a list: `[2, None]`.
 *
 * @example
 * ```ts
 * pyList([0, 3]); // ==> [0, 3]
 * ```
 */
export function pyList<T>(items: readonly T[], item: (x: T) => string = pyRepr): string {
  return `[${items.map(item).join(", ")}]`;
}

/**
 * Python's `repr` of a dict, in the entries' order.
 *
 * @example
 * ```ts
 * pyDict(new Map([["w", [2, 3]]])); // ==> {'w': [2, 3]}
 * ```
 */
export function pyDict(entries: Iterable<readonly [unknown, unknown]>): string {
  const items = [...entries].map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`);
  return `{${items.join(", ")}}`;
}

/**
 * How a TensorFlow `DType` object prints (`str(tf.float32)`).
 *
 * @example
 * ```ts
 * pyDType("float32"); // ==> <dtype: 'float32'>
 * ```
 */
export function pyDType(dtype: string): string {
  return `<dtype: '${dtype}'>`;
}

/**
 * Python's `type(x).__name__` for a JS value, as TensorFlow's messages print it.
 *
 * @example
 * ```ts
 * pyTypeName(1.5); // ==> float
 * pyTypeName(null); // ==> NoneType
 * ```
 */
export function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return "NoneType";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "object") return value.constructor?.name ?? "object";
  return typeof value;
}

const utf8 = new TextEncoder();

/** Python's escape for one byte inside a bytes literal quoted with `quote`. */
function escapeByte(byte: number, quote: string): string {
  if (byte === 0x5c) return "\\\\";
  if (byte === quote.charCodeAt(0)) return "\\" + quote;
  if (byte === 0x09) return "\\t";
  if (byte === 0x0a) return "\\n";
  if (byte === 0x0d) return "\\r";
  if (byte < 0x20 || byte >= 0x7f) return "\\x" + byte.toString(16).padStart(2, "0");
  return String.fromCharCode(byte);
}

/**
 * `repr(s.encode("utf-8"))`: TensorFlow hands string tensors back as `bytes`, so NumPy
 * prints their elements as bytes literals.
 *
 * @example
 * ```ts
 * pyBytesRepr("a"); // ==> b'a'
 * pyBytesRepr("it's"); // ==> b"it's"
 * pyBytesRepr("é"); // ==> b'\xc3\xa9'
 * ```
 */
export function pyBytesRepr(value: string): string {
  const bytes = utf8.encode(value);
  // Python switches to double quotes only when that avoids escaping.
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let body = "";
  for (const byte of bytes) body += escapeByte(byte, quote);
  return "b" + quote + body + quote;
}
