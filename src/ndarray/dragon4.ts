/**
 * Decimal formatting of float32 values with the digit rules of NumPy's Dragon4 printer
 * (`np.format_float_positional` / `np.format_float_scientific`).
 *
 * Everything is computed with exact BigInt arithmetic on the float32's bits, because the
 * printed digits must match NumPy's to the last place: the shortest string that reads back
 * as the same float32 (`unique`), or the exactly rounded digits of the binary value.
 */

/** How trailing zeros and the decimal point are trimmed, with NumPy's one-letter names. */
export type TrimMode =
  /** keep trailing zeros and the point: `1.500` */
  | "k"
  /** drop trailing zeros, keep the point: `1.5`, `1.` */
  | "."
  /** drop trailing zeros but keep one after the point: `1.0` */
  | "0"
  /** drop trailing zeros and a bare point: `1` */
  | "-";

/** Options shared by {@link formatPositional} and {@link formatScientific}. */
export interface Dragon4Options {
  /** Shortest round-trip digits (`true`) or exact digits of the binary value (`false`). */
  unique: boolean;
  /** Maximum digits after the point; negative means no limit. */
  precision: number;
  /** Minimum digits after the point (unique mode only); negative means none. */
  minDigits: number;
  trim: TrimMode;
  /** Pad with spaces until this many characters stand left of the point; negative: none. */
  padLeft: number;
}

/** Options of {@link formatPositional}. */
export interface PositionalOptions extends Dragon4Options {
  /** Pad with spaces until this many characters stand right of the point; negative: none. */
  padRight: number;
}

/** Options of {@link formatScientific}. */
export interface ScientificOptions extends Dragon4Options {
  /** Pad the exponent with zeros to this many digits; negative means the default of 2. */
  expDigits: number;
}

/** A finite float32 as `mantissa * 2 ** exponent`, with what Dragon4 needs about its neighbours. */
interface Float32Parts {
  negative: boolean;
  mantissa: bigint;
  exponent: number;
  /** The gap to the next float below is half the gap above (an exact power of two). */
  unequalMargins: boolean;
}

/** Digits `d0 d1 d2 ...` meaning `d0.d1d2... * 10 ** exponent`. */
interface DecimalDigits {
  digits: string;
  exponent: number;
}

type CutoffMode = "total" | "fraction";

const bitsView = new DataView(new ArrayBuffer(4));

/**
 * Splits a finite float32 into integer mantissa and binary exponent, exactly as NumPy's
 * Dragon4 reads IEEE binary32 bits (so subnormals and signed zero behave the same).
 */
function decomposeFloat32(x: number): Float32Parts {
  bitsView.setFloat32(0, x);
  const bits = bitsView.getUint32(0);
  const negative = bits >>> 31 === 1;
  const biasedExponent = (bits >>> 23) & 0xff;
  const fraction = bits & 0x7fffff;
  if (biasedExponent === 0) {
    return { negative, mantissa: BigInt(fraction), exponent: -149, unequalMargins: false };
  }
  return {
    negative,
    mantissa: BigInt(fraction | 0x800000),
    exponent: biasedExponent - 150,
    unequalMargins: biasedExponent !== 1 && fraction === 0,
  };
}

const powersOfTen: bigint[] = [1n];

/** `10n ** n`, memoized: float32 exponents stay within a few dozen powers. */
function pow10(n: number): bigint {
  for (let k = powersOfTen.length; k <= n; k++) powersOfTen.push(powersOfTen[k - 1] * 10n);
  return powersOfTen[n];
}

/**
 * The value and its half-gaps to the neighbouring floats as integers over a common scale,
 * so that every later comparison is exact.
 */
function scaledStart(parts: Float32Parts): {
  value: bigint;
  scale: bigint;
  marginLow: bigint;
  marginHigh: bigint;
} {
  // An unequal low margin is a quarter of the unit, so scale by 4 instead of 2.
  const factor = parts.unequalMargins ? 4n : 2n;
  const highMultiplier = parts.unequalMargins ? 2n : 1n;
  if (parts.exponent >= 0) {
    const unit = 1n << BigInt(parts.exponent);
    return {
      value: parts.mantissa * unit * factor,
      scale: factor,
      marginLow: unit,
      marginHigh: unit * highMultiplier,
    };
  }
  return {
    value: parts.mantissa * factor,
    scale: factor << BigInt(-parts.exponent),
    marginLow: 1n,
    marginHigh: highMultiplier,
  };
}

/** The k with `10 ** (k - 1) <= value / scale < 10 ** k`. */
function decimalExponentAbove(value: bigint, scale: bigint, approx: number): number {
  let k = Math.ceil(Math.log10(approx));
  // log10 of a double can be off by one either way near powers of ten; settle it exactly.
  const atLeast = (e: number): boolean =>
    e >= 0 ? value >= scale * pow10(e) : value * pow10(-e) >= scale;
  while (atLeast(k)) k += 1;
  while (!atLeast(k - 1)) k -= 1;
  return k;
}

/**
 * Generates the decimal digits of a float32 the way NumPy's `Dragon4()` does: stop once the
 * digits identify the value among its neighbours (`unique`) or the value is exhausted, at
 * the latest at the `precision` cutoff, at the earliest at the `minDigits` cutoff; then round
 * the last digit to nearest, ties to even.
 */
function generateDigits(
  parts: Float32Parts,
  approx: number,
  unique: boolean,
  cutoffMode: CutoffMode,
  precision: number,
  minDigits: number,
): DecimalDigits {
  if (parts.mantissa === 0n) return { digits: "0", exponent: 0 };
  const isEven = parts.mantissa % 2n === 0n;
  let { value, scale, marginLow, marginHigh } = scaledStart(parts);

  let k = decimalExponentAbove(value, scale, approx);
  // A value below the last printable fraction digit still prints its (zero) digits there.
  if (precision >= 0 && cutoffMode === "fraction" && k <= -precision) k = -precision + 1;
  if (k > 0) scale *= pow10(k);
  else if (k < 0) {
    const p = pow10(-k);
    value *= p;
    marginLow *= p;
    marginHigh *= p;
  }

  const noLimit = k - 100_000;
  let cutoffMax = noLimit;
  if (precision >= 0)
    cutoffMax = Math.max(cutoffMax, cutoffMode === "total" ? k - precision : -precision);
  let cutoffMin = k;
  if (minDigits >= 0)
    cutoffMin = Math.min(cutoffMin, cutoffMode === "total" ? k - minDigits : -minDigits);

  const out: number[] = [];
  let digitExponent = k;
  let digit = 0;
  let low = false;
  let high = false;
  for (;;) {
    digitExponent -= 1;
    value *= 10n;
    digit = Number(value / scale);
    value %= scale;
    if (unique) {
      marginLow *= 10n;
      marginHigh *= 10n;
      const cmpLow = compare(value, marginLow);
      const cmpHigh = compare(value + marginHigh, scale);
      low = isEven ? cmpLow <= 0 : cmpLow < 0;
      high = isEven ? cmpHigh >= 0 : cmpHigh > 0;
      if (((low || high) && digitExponent <= cutoffMin) || digitExponent === cutoffMax) break;
    } else if (value === 0n || digitExponent === cutoffMax) {
      break;
    }
    out.push(digit);
  }

  let roundDown = low;
  if (low === high) {
    const cmpHalf = compare(value * 2n, scale);
    roundDown = cmpHalf < 0 || (cmpHalf === 0 && digit % 2 === 0);
  }
  return appendRoundedDigit(out, digit, roundDown, k - 1);
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Appends the final digit, carrying a round-up through trailing nines. */
function appendRoundedDigit(
  out: number[],
  digit: number,
  roundDown: boolean,
  exponent: number,
): DecimalDigits {
  if (roundDown || digit < 9) {
    out.push(roundDown ? digit : digit + 1);
    return { digits: out.join(""), exponent };
  }
  while (out.length > 0) {
    const last = out.pop() as number;
    if (last !== 9) {
      out.push(last + 1);
      return { digits: out.join(""), exponent };
    }
  }
  // 9.99...9 rounded up: one digit at the next power of ten.
  return { digits: "1", exponent: exponent + 1 };
}

/** Removes trailing zeros from a fraction, as the trim modes other than `k` do. */
function trimFraction(fraction: string): string {
  return fraction.replace(/0+$/, "");
}

/**
 * Formats a float32 in positional notation, as `np.format_float_positional(np.float32(x),
 * ..., fractional=True)`: precision and minDigits count digits after the point.
 *
 * @example
 * ```ts
 * const opts = { unique: true, precision: 8, minDigits: -1, trim: ".", padLeft: -1, padRight: -1 } as const;
 * formatPositional(0.1, opts); // ==> 0.1
 * ```
 */
export function formatPositional(x: number, options: PositionalOptions): string {
  const special = formatNonFinite(x);
  if (special !== null) return special;
  const parts = decomposeFloat32(x);
  const { digits, exponent } = generateDigits(
    parts,
    Math.abs(x),
    options.unique,
    "fraction",
    options.precision,
    options.minDigits,
  );
  const sign = parts.negative ? "-" : "";

  let whole: string;
  let fraction: string;
  if (exponent >= 0) {
    const wholeCount = exponent + 1;
    whole = digits.slice(0, wholeCount).padEnd(wholeCount, "0");
    fraction = digits.slice(wholeCount);
  } else {
    whole = "0";
    fraction = "0".repeat(-exponent - 1) + digits;
  }

  const wanted = options.unique ? options.minDigits : options.precision;
  const { point, fraction: shownFraction } = applyTrim(fraction, options.trim, Math.max(wanted, 0));
  let text = sign + whole + point + shownFraction;
  if (options.padRight >= 0 && options.padRight >= shownFraction.length) {
    // A dropped point still takes its column when the right side is padded.
    const pointColumn = point === "" ? " " : "";
    text += pointColumn + " ".repeat(options.padRight - shownFraction.length);
  }
  const leftWidth = sign.length + whole.length;
  if (options.padLeft > leftWidth) text = " ".repeat(options.padLeft - leftWidth) + text;
  return text;
}

/** Applies a trim mode to the fraction digits, returning the point (or none) and digits. */
function applyTrim(
  fraction: string,
  trim: TrimMode,
  wantedDigits: number,
): { point: string; fraction: string } {
  switch (trim) {
    case "k":
      return { point: ".", fraction: fraction.padEnd(wantedDigits, "0") };
    case ".":
      return { point: ".", fraction: trimFraction(fraction) };
    case "0": {
      const trimmed = trimFraction(fraction);
      return { point: ".", fraction: trimmed === "" ? "0" : trimmed };
    }
    case "-": {
      const trimmed = trimFraction(fraction);
      return { point: trimmed === "" ? "" : ".", fraction: trimmed };
    }
  }
}

/**
 * Formats a float32 in scientific notation, as `np.format_float_scientific(np.float32(x),
 * ...)`: precision and minDigits count digits after the point of the mantissa.
 *
 * @example
 * ```ts
 * const opts = { unique: true, precision: -1, minDigits: -1, trim: ".", padLeft: -1, expDigits: -1 } as const;
 * formatScientific(1e-5, opts); // ==> 1.e-05
 * ```
 */
export function formatScientific(x: number, options: ScientificOptions): string {
  const special = formatNonFinite(x);
  if (special !== null) return special;
  const parts = decomposeFloat32(x);
  const { digits, exponent } = generateDigits(
    parts,
    Math.abs(x),
    options.unique,
    "total",
    options.precision < 0 ? -1 : options.precision + 1,
    options.minDigits < 0 ? -1 : options.minDigits + 1,
  );
  const sign = parts.negative ? "-" : "";
  const leftWidth = 1 + sign.length;
  const padding = options.padLeft > leftWidth ? " ".repeat(options.padLeft - leftWidth) : "";

  const fraction = digits.slice(1);
  const wanted = options.unique ? options.minDigits : options.precision;
  const mantissa = digits[0] + scientificFraction(fraction, options.trim, Math.max(wanted, 0));
  return padding + sign + mantissa + formatExponent(exponent, options.expDigits);
}

/**
 * The point and fraction of a scientific mantissa. Unlike the positional case, a fraction
 * that trims to nothing keeps its point in every mode but `-` only when digits were there.
 */
function scientificFraction(fraction: string, trim: TrimMode, wantedDigits: number): string {
  if (fraction === "") {
    if (trim === "-") return "";
    if (trim === "0") return ".0";
    if (trim === "k") return "." + "0".repeat(wantedDigits);
    return ".";
  }
  if (trim === "k") return "." + fraction.padEnd(wantedDigits, "0");
  const trimmed = trimFraction(fraction);
  if (trimmed === "" && trim === "0") return ".0";
  return "." + trimmed;
}

function formatExponent(exponent: number, expDigits: number): string {
  const width = expDigits < 0 ? 2 : Math.min(expDigits, 5);
  const sign = exponent < 0 ? "-" : "+";
  return "e" + sign + String(Math.abs(exponent)).padStart(width, "0");
}

function formatNonFinite(x: number): string | null {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  return null;
}

/** The float32 magnitude from which `str(np.float32(x))` turns scientific, by NumPy version. */
function scalarPositionalLimit(legacy: false | "2.2"): number {
  // NumPy 2.3 tied the cutoff to float32's 6 significant digits; before, it was 1e16.
  return legacy === "2.2" ? 1e16 : 1e6;
}

/**
 * `str(np.float32(x))`: the shortest round-trip digits, positional for `1e-4 <= |x| < 1e6`
 * (or zero), scientific otherwise.
 *
 * @example
 * ```ts
 * float32ScalarStr(20.5); // ==> 20.5
 * float32ScalarStr(1); // ==> 1.0
 * float32ScalarStr(1e-5); // ==> 1e-05
 * ```
 */
export function float32ScalarStr(x: number, legacy: false | "2.2" = false): string {
  const value = Math.fround(x);
  const magnitude = Math.abs(value);
  const positional =
    magnitude === 0 ||
    !Number.isFinite(value) ||
    // NumPy compares in double precision here, so float32(1e-4), just below 1e-4, is scientific.
    (magnitude >= 1e-4 && magnitude < scalarPositionalLimit(legacy));
  if (positional) {
    return formatPositional(value, {
      unique: true,
      precision: -1,
      minDigits: -1,
      trim: "0",
      padLeft: -1,
      padRight: -1,
    });
  }
  return formatScientific(value, {
    unique: true,
    precision: -1,
    minDigits: -1,
    trim: "-",
    padLeft: -1,
    expDigits: -1,
  });
}
