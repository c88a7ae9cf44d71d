/**
 * Python's `repr` of the few Python values NumPy's printing shows: `bytes` (TensorFlow's
 * string elements) and shape tuples.
 */

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

/**
 * The length in bytes of a string's UTF-8 encoding, which sets NumPy's `|S<n>` dtype.
 *
 * @example
 * ```ts
 * utf8Length("é"); // ==> 2
 * ```
 */
export function utf8Length(value: string): number {
  return utf8.encode(value).length;
}

/**
 * Python's repr of a shape tuple: `()`, `(3,)`, `(2, 3)`.
 *
 * @example
 * ```ts
 * pyTupleRepr([2000]); // ==> (2000,)
 * ```
 */
export function pyTupleRepr(values: readonly number[]): string {
  if (values.length === 1) return `(${values[0]},)`;
  return `(${values.join(", ")})`;
}
