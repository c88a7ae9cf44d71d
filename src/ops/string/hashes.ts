/**
 * The 64-bit string hashes TensorFlow's hash-bucket kernels use, bit for bit: FarmHash's
 * `Fingerprint64` (`StringToHashBucketFast`), SipHash-2-4 (`StringToHashBucketStrong`, as
 * highwayhash's `SipHash` that TF calls) and TF's own legacy `Hash64` (a MurmurHash64A
 * variant seeded with 0xDECAFCAFFE, `StringToHashBucket`). Computed in `bigint` wrapped to
 * 64 bits, since the bucket is the unsigned 64-bit hash modulo the bucket count.
 */

const MASK = (1n << 64n) - 1n;
const u64 = (v: bigint): bigint => v & MASK;
const mul = (a: bigint, b: bigint): bigint => (a * b) & MASK;
const add = (a: bigint, b: bigint): bigint => (a + b) & MASK;
const rotr = (v: bigint, s: bigint): bigint =>
  s === 0n ? v : ((v >> s) | (v << (64n - s))) & MASK;
const rotl = (v: bigint, s: bigint): bigint => ((v << s) | (v >> (64n - s))) & MASK;

function fetch64(b: Uint8Array, at: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[at + i] as number);
  return v;
}

function fetch32(b: Uint8Array, at: number): bigint {
  return BigInt(
    ((b[at] as number) |
      ((b[at + 1] as number) << 8) |
      ((b[at + 2] as number) << 16) |
      ((b[at + 3] as number) << 24)) >>>
      0,
  );
}

const K0 = 0xc3a5c85c97cb3127n;
const K1 = 0xb492b66fbe98f273n;
const K2 = 0x9ae16a3b2f90404fn;

const shiftMix = (v: bigint): bigint => v ^ (v >> 47n);

function hashLen16(u: bigint, v: bigint, m: bigint): bigint {
  let a = mul(u ^ v, m);
  a ^= a >> 47n;
  let b = mul(v ^ a, m);
  b ^= b >> 47n;
  return mul(b, m);
}

function hashLen0to16(s: Uint8Array): bigint {
  const len = s.length;
  if (len >= 8) {
    const m = add(K2, BigInt(len * 2));
    const a = add(fetch64(s, 0), K2);
    const b = fetch64(s, len - 8);
    const c = add(mul(rotr(b, 37n), m), a);
    const d = mul(add(rotr(a, 25n), b), m);
    return hashLen16(c, d, m);
  }
  if (len >= 4) {
    const m = add(K2, BigInt(len * 2));
    const a = fetch32(s, 0);
    return hashLen16(add(BigInt(len), a << 3n), fetch32(s, len - 4), m);
  }
  if (len > 0) {
    const a = s[0] as number;
    const b = s[len >> 1] as number;
    const c = s[len - 1] as number;
    const y = BigInt((a + (b << 8)) >>> 0);
    const z = BigInt((len + (c << 2)) >>> 0);
    return mul(shiftMix(mul(y, K2) ^ mul(z, K0)), K2);
  }
  return K2;
}

function hashLen17to32(s: Uint8Array): bigint {
  const len = s.length;
  const m = add(K2, BigInt(len * 2));
  const a = mul(fetch64(s, 0), K1);
  const b = fetch64(s, 8);
  const c = mul(fetch64(s, len - 8), m);
  const d = mul(fetch64(s, len - 16), K2);
  return hashLen16(
    add(add(rotr(add(a, b), 43n), rotr(c, 30n)), d),
    add(add(a, rotr(add(b, K2), 18n)), c),
    m,
  );
}

function hashLen33to64(s: Uint8Array): bigint {
  const len = s.length;
  const m = add(K2, BigInt(len * 2));
  const a = mul(fetch64(s, 0), K2);
  const b = fetch64(s, 8);
  const c = mul(fetch64(s, len - 8), m);
  const d = mul(fetch64(s, len - 16), K2);
  const y = add(add(rotr(add(a, b), 43n), rotr(c, 30n)), d);
  const z = hashLen16(y, add(add(a, rotr(add(b, K2), 18n)), c), m);
  const e = mul(fetch64(s, 16), m);
  const f = fetch64(s, 24);
  const g = mul(add(y, fetch64(s, len - 32)), m);
  const h = mul(add(z, fetch64(s, len - 24)), m);
  return hashLen16(
    add(add(rotr(add(e, f), 43n), rotr(g, 30n)), h),
    add(add(e, rotr(add(f, a), 18n)), g),
    m,
  );
}

function weakHashLen32WithSeeds(s: Uint8Array, at: number, a: bigint, b: bigint): [bigint, bigint] {
  const w = fetch64(s, at);
  const x = fetch64(s, at + 8);
  const y = fetch64(s, at + 16);
  const z = fetch64(s, at + 24);
  a = add(a, w);
  b = rotr(add(add(b, a), z), 21n);
  const c = a;
  a = add(add(a, x), y);
  b = add(b, rotr(a, 44n));
  return [add(a, z), add(b, c)];
}

/**
 * FarmHash's `Fingerprint64` (farmhashna's `Hash64`), which TF's `Fingerprint64` is.
 *
 * @example
 * ```ts
 * fingerprint64(new Uint8Array()) === 0x9ae16a3b2f90404fn; // ==> true
 * ```
 */
export function fingerprint64(s: Uint8Array): bigint {
  const len = s.length;
  if (len <= 16) return hashLen0to16(s);
  if (len <= 32) return hashLen17to32(s);
  if (len <= 64) return hashLen33to64(s);
  const seed = 81n;
  let x = seed;
  let y = add(mul(seed, K1), 113n);
  let z = mul(shiftMix(add(mul(y, K2), 113n)), K2);
  let v: [bigint, bigint] = [0n, 0n];
  let w: [bigint, bigint] = [0n, 0n];
  x = add(mul(x, K2), fetch64(s, 0));
  const end = Math.floor((len - 1) / 64) * 64;
  const last64 = end + ((len - 1) & 63) - 63;
  let at = 0;
  do {
    x = mul(rotr(add(add(add(x, y), v[0]), fetch64(s, at + 8)), 37n), K1);
    y = mul(rotr(add(add(y, v[1]), fetch64(s, at + 48)), 42n), K1);
    x ^= w[1];
    y = add(y, add(v[0], fetch64(s, at + 40)));
    z = mul(rotr(add(z, w[0]), 33n), K1);
    v = weakHashLen32WithSeeds(s, at, mul(v[1], K1), add(x, w[0]));
    w = weakHashLen32WithSeeds(s, at + 32, add(z, w[1]), add(y, fetch64(s, at + 16)));
    [z, x] = [x, z];
    at += 64;
  } while (at !== end);
  const m = add(K1, (z & 0xffn) << 1n);
  at = last64;
  w[0] = add(w[0], BigInt((len - 1) & 63));
  v[0] = add(v[0], w[0]);
  w[0] = add(w[0], v[0]);
  x = mul(rotr(add(add(add(x, y), v[0]), fetch64(s, at + 8)), 37n), m);
  y = mul(rotr(add(add(y, v[1]), fetch64(s, at + 48)), 42n), m);
  x ^= mul(w[1], 9n);
  y = add(y, add(mul(v[0], 9n), fetch64(s, at + 40)));
  z = mul(rotr(add(z, w[0]), 33n), m);
  v = weakHashLen32WithSeeds(s, at, mul(v[1], m), add(x, w[0]));
  w = weakHashLen32WithSeeds(s, at + 32, add(z, w[1]), add(y, fetch64(s, at + 16)));
  [z, x] = [x, z];
  return hashLen16(
    add(add(hashLen16(v[0], w[0], m), mul(shiftMix(y), K0)), z),
    add(hashLen16(v[1], w[1], m), x),
    m,
  );
}

/**
 * SipHash-2-4 of `s` keyed by two 64-bit words (`key[0]`, `key[1]`), as TF's
 * `StringToHashBucketStrong` calls highwayhash's `SipHash`.
 *
 * @example
 * ```ts
 * sipHash24(0x0706050403020100n, 0x0f0e0d0c0b0a0908n, new Uint8Array()) === 0x726fdb47dd0e0e31n; // ==> true
 * ```
 */
export function sipHash24(k0: bigint, k1: bigint, s: Uint8Array): bigint {
  k0 = u64(k0);
  k1 = u64(k1);
  let v0 = k0 ^ 0x736f6d6570736575n;
  let v1 = k1 ^ 0x646f72616e646f6dn;
  let v2 = k0 ^ 0x6c7967656e657261n;
  let v3 = k1 ^ 0x7465646279746573n;
  const round = (): void => {
    v0 = add(v0, v1);
    v1 = rotl(v1, 13n);
    v1 ^= v0;
    v0 = rotl(v0, 32n);
    v2 = add(v2, v3);
    v3 = rotl(v3, 16n);
    v3 ^= v2;
    v0 = add(v0, v3);
    v3 = rotl(v3, 21n);
    v3 ^= v0;
    v2 = add(v2, v1);
    v1 = rotl(v1, 17n);
    v1 ^= v2;
    v2 = rotl(v2, 32n);
  };
  const len = s.length;
  const full = len - (len % 8);
  for (let at = 0; at < full; at += 8) {
    const m = fetch64(s, at);
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
  let last = BigInt(len & 0xff) << 56n;
  for (let i = len - 1; i >= full; i--) last |= BigInt(s[i] as number) << BigInt((i - full) * 8);
  v3 ^= last;
  round();
  round();
  v0 ^= last;
  v2 ^= 0xffn;
  round();
  round();
  round();
  round();
  return v0 ^ v1 ^ v2 ^ v3;
}

/**
 * TF's legacy `Hash64(data, n)` (core/lib/hash/hash.cc): MurmurHash64A's mixing with seed
 * 0xDECAFCAFFE, the tail bytes taken unsigned.
 *
 * @example
 * ```ts
 * legacyHash64(new TextEncoder().encode("a")); // ==> 2996632905371535868
 * ```
 */
export function legacyHash64(s: Uint8Array): bigint {
  const m = 0xc6a4a7935bd1e995n;
  let n = s.length;
  let h = u64(0xdecafcaffen ^ mul(BigInt(n), m));
  let at = 0;
  while (n >= 8) {
    let k = fetch64(s, at);
    at += 8;
    n -= 8;
    k = mul(k, m);
    k ^= k >> 47n;
    k = mul(k, m);
    h ^= k;
    h = mul(h, m);
  }
  if (n > 0) {
    for (let i = n - 1; i >= 0; i--) h ^= BigInt(s[at + i] as number) << BigInt(8 * i);
    h = mul(h, m);
  }
  h ^= h >> 47n;
  h = mul(h, m);
  h ^= h >> 47n;
  return h;
}
