/*
 * Special functions in float64, for kernels whose results are rounded to float32 once:
 * tfjs has no lgamma, digamma or erfc, and its erf (Abramowitz–Stegun 7.1.26, absolute
 * error 1.5e-7) is off by thousands of ulps for small arguments, where TF's is exact to
 * about an ulp.
 */

const SQRT_PI = Math.sqrt(Math.PI);

/**
 * `erf(x)` for `|x| < 3` as `2/√π·e^(-x²)·Σ 2ⁿx^(2n+1)/(1·3·…·(2n+1))`: every term is
 * positive, so nothing cancels and the sum keeps float64's precision.
 */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / SQRT_PI) * Math.exp(-x2) * sum;
}

/** `erfc(x)` for `x ≥ 3` by its continued fraction (modified Lentz). */
function erfcFraction(x: number): number {
  // erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))).
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / SQRT_PI / f;
}

/** The error function. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 3) return erfSeries(x);
  const r = 1 - erfcFraction(ax);
  return x < 0 ? -r : r;
}

/** The complementary error function `1 - erf(x)`, accurate in its tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 3) return x === Infinity ? 0 : erfcFraction(x);
  if (x > 0.5) {
    // 1 - erf loses at most a few of float64's digits before x = 3 (erfc(3) ≈ 2e-5).
    return 1 - erfSeries(x);
  }
  return 1 - erf(x);
}

/** Lanczos coefficients (g = 7, n = 9). */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** `log|Γ(x)|`: +inf at the poles (0, -1, -2, …), as C's `lgamma`. */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity || x === -Infinity) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x === 1 || x === 2) return 0;
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1-x) = π / sin(πx).
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (LANCZOS[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** `ψ(x) = d/dx log Γ(x)`: NaN at the poles, as Eigen's `digamma`. */
export function digamma(x: number): number {
  if (Number.isNaN(x) || x === -Infinity) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return NaN;
  let result = 0;
  let v = x;
  if (v < 0) {
    // Reflection: ψ(1-x) - ψ(x) = π cot(πx).
    result -= Math.PI / Math.tan(Math.PI * v);
    v = 1 - v;
  }
  while (v < 6) {
    result -= 1 / v;
    v += 1;
  }
  const inv2 = 1 / (v * v);
  // Asymptotic series: ln v - 1/(2v) - Σ B₂ₖ/(2k v²ᵏ).
  const tail =
    inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132)))));
  return result + Math.log(v) - 0.5 / v - tail;
}

/** Round half to even, as C's `rint` in the default rounding mode. */
export function rint(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  // Math.round rounds halves up; a half between two integers goes to the even one.
  if (r - x === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

/** B₂, B₄, …, B₁₈: the Bernoulli numbers of the Euler–Maclaurin tail. */
const BERNOULLI = [
  1 / 6,
  -1 / 30,
  1 / 42,
  -1 / 30,
  5 / 66,
  -691 / 2730,
  7 / 6,
  -3617 / 510,
  43867 / 798,
];

/**
 * The Hurwitz zeta function `ζ(s, q) = Σₖ (q + k)^-s`, as Eigen's `zeta`: +inf at s = 1
 * and at the poles q = 0, -1, …; NaN for s < 1 and for a negative q with a fractional s.
 * Summed directly up to q + k ≥ 10, then by the Euler–Maclaurin formula.
 */
export function zeta(s: number, q: number): number {
  if (Number.isNaN(s) || Number.isNaN(q)) return NaN;
  if (s === 1) return Infinity;
  if (s < 1) return NaN;
  if (q <= 0) {
    if (Number.isInteger(q)) return Infinity;
    if (!Number.isInteger(s)) return NaN;
  }
  let sum = 0;
  let a = q;
  while (a < 10) {
    sum += Math.pow(a, -s);
    a += 1;
  }
  sum += Math.pow(a, 1 - s) / (s - 1) + Math.pow(a, -s) / 2;
  // Σⱼ B₂ⱼ/(2j)! · s(s+1)…(s+2j-2) · a^(-s-2j+1)
  let coefficient = s * Math.pow(a, -s - 1);
  let factorial = 2;
  for (let j = 1; j <= BERNOULLI.length; j++) {
    const term = ((BERNOULLI[j - 1] as number) / factorial) * coefficient;
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
    coefficient *= ((s + 2 * j - 1) * (s + 2 * j)) / (a * a);
    factorial *= (2 * j + 1) * (2 * j + 2);
  }
  return sum;
}

/** `ψ⁽ⁿ⁾(x)`, the n-th derivative of digamma, as Eigen's `polygamma`: NaN unless n ∈ ℕ. */
export function polygamma(n: number, x: number): number {
  if (n === 0) return digamma(x);
  if (!(n > 0) || !Number.isInteger(n)) return NaN;
  const factorial = Math.exp(lgamma(n + 1));
  return (n % 2 === 0 ? -1 : 1) * factorial * zeta(n + 1, x);
}
