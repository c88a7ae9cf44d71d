import { Asm, WasmFunctions, type KernelFn, type WasmFunction } from "../wasm_kernels.js";
import type * as tfc from "@tensorflow/tfjs-core";
import { float32HeapCall, withWasmScratch } from "../tfjs_internals.js";

/*
 * A matrix product compiled to WebAssembly SIMD by scopeflow (see wasm_kernels.ts), for the
 * products XNNPACK runs badly: XNNPACK first repacks the right operand, and caches the pack
 * only while that tensor lives. A training step's weights are a new tensor every step, so a
 * dense layer's forward product repacked its 3136×1024 weight each time (7.5 ms of a
 * 12 ms product). These kernels read the operands where they lie, any strides on the left
 * operand (a transposed one included), rows of the right one.
 *
 * Every output element is `init + a₀b₀ + a₁b₁ + …` added in k order, each product rounded
 * to float32 then added (wasm SIMD has no fused multiply-add), starting from the bias or
 * +0: the order XNNPACK's kernels use, so the values are bit-identical to tfjs-wasm's.
 */

/** How an output tile is computed: its size, the operands' strides, its start and end. */
export interface GemmLayout {
  /** Rows per tile. */
  readonly mr: number;
  /** Columns per strip: `vecs` groups of 4 lanes, or `scalars` single columns (not both). */
  readonly vecs: number;
  readonly scalars: number;
  /** Bytes between rows of the left operand (m), and between its consecutive k. */
  readonly aRow: number;
  /**
   * Where each row of a tile starts, in bytes from the tile's start, when the rows are not
   * `aRow` apart; tiles are then `aRow` bytes apart.
   */
  readonly rowOffsets?: readonly number[];
  readonly aK: number;
  /** Bytes between the k of a strip of the packed right operand, and between its strips. */
  readonly bK: number;
  readonly bStrip: number;
  /** Bytes between rows of the output. */
  readonly cRow: number;
  /** The sums start from +0, from the bias row, or from the output's values (a later k block). */
  readonly init: "zero" | "bias" | "output";
  /** The activation applied at the end (after the last k block), as TensorFlow's ops do it. */
  readonly activation: "none" | "relu" | "relu6";
}

/** Ks per iteration of the main loop (the rest one at a time). */
const UNROLL = 2;

/**
 * `gemm(A, B, BIAS, C, mTiles, nStrips, kCount)`: for `mTiles` tiles of `mr` rows (A and
 * C advancing by `mr` rows) and in each `nStrips` strips of columns (B by a packed strip,
 * BIAS and C by the strip's width), the sums over `kCount` k.
 */
export function gemmFunction(name: string, g: GemmLayout): WasmFunction {
  const a = new Asm(7);
  const [A, B, BIAS, C, M_TILES, N_STRIPS, K_COUNT] = [0, 1, 2, 3, 4, 5, 6];
  const vector = g.vecs > 0;
  const lanes = vector ? g.vecs : g.scalars;
  const width = vector ? 16 * g.vecs : 4 * g.scalars;
  const [t, s, nOff, bS, aT, cT, pa, pb, endMain, end] = Array.from({ length: 10 }, () =>
    a.local("i32"),
  ) as [number, number, number, number, number, number, number, number, number, number];
  const type = vector ? "v128" : "f32";
  const acc = Array.from({ length: g.mr }, () =>
    Array.from({ length: lanes }, () => a.local(type)),
  );
  const bv = Array.from({ length: lanes }, () => a.local(type));
  const av = a.local(type);
  const load = (offset: number) => (vector ? a.v128Load(offset) : a.f32Load(offset));
  const store = (offset: number) => (vector ? a.v128Store(offset) : a.f32Store(offset));
  const laneBytes = vector ? 16 : 4;
  const accOf = (r: number, v: number) => (acc[r] as number[])[v] as number;

  const kStep = (j: number) => {
    for (let v = 0; v < lanes; v++) {
      a.get(pb);
      load(j * g.bK + v * laneBytes).set(bv[v] as number);
    }
    for (let r = 0; r < g.mr; r++) {
      a.get(pa);
      const row = g.rowOffsets?.[r] ?? r * g.aRow;
      if (vector) a.load32Splat(row + j * g.aK);
      else a.f32Load(row + j * g.aK);
      a.set(av);
      for (let v = 0; v < lanes; v++) {
        a.get(accOf(r, v))
          .get(av)
          .get(bv[v] as number);
        if (vector) a.f32x4Mul().f32x4Add();
        else a.f32Mul().f32Add();
        a.set(accOf(r, v));
      }
    }
  };

  /** `x < 0 ? 0 : x` then, for relu6, `6 < x ? 6 : x`: NaN and −0 pass, as TensorFlow's. */
  const activate = (c: number) => {
    if (g.activation === "none") return;
    if (vector) {
      a.get(c).v128Zero().f32x4Pmax().set(c);
      if (g.activation === "relu6") a.get(c).f32Const(6).f32x4Splat().f32x4Pmin().set(c);
      return;
    }
    a.f32Const(0).get(c).get(c).f32Const(0).f32Lt().select().set(c);
    if (g.activation === "relu6") a.f32Const(6).get(c).f32Const(6).get(c).f32Lt().select().set(c);
  };

  /** One tile: rows from `aT`, columns `nOff` (packed at `bS`), into C at `cT + nOff`. */
  const tile = () => {
    for (let r = 0; r < g.mr; r++) {
      for (let v = 0; v < lanes; v++) {
        if (g.init === "zero") {
          if (vector) a.v128Zero();
          else a.f32Const(0);
        } else if (g.init === "bias") {
          a.get(BIAS).get(nOff).i32Add();
          load(v * laneBytes);
        } else {
          a.get(cT).get(nOff).i32Add();
          load(r * g.cRow + v * laneBytes);
        }
        a.set(accOf(r, v));
      }
    }
    a.get(aT).set(pa);
    a.get(bS).set(pb);
    a.get(K_COUNT).i32(-UNROLL).i32And().i32(g.aK).i32Mul().get(pa).i32Add().set(endMain);
    a.get(K_COUNT).i32(g.aK).i32Mul().get(pa).i32Add().set(end);
    a.block(() =>
      a.loop(() => {
        a.get(pa).get(endMain).i32GeU().brIf(1);
        for (let j = 0; j < UNROLL; j++) kStep(j);
        a.get(pa)
          .i32(UNROLL * g.aK)
          .i32Add()
          .set(pa);
        a.get(pb)
          .i32(UNROLL * g.bK)
          .i32Add()
          .set(pb);
        a.br(0);
      }),
    );
    a.block(() =>
      a.loop(() => {
        a.get(pa).get(end).i32GeU().brIf(1);
        kStep(0);
        a.get(pa).i32(g.aK).i32Add().set(pa);
        a.get(pb).i32(g.bK).i32Add().set(pb);
        a.br(0);
      }),
    );
    for (let r = 0; r < g.mr; r++) {
      for (let v = 0; v < lanes; v++) {
        activate(accOf(r, v));
        a.get(cT).get(nOff).i32Add().get(accOf(r, v));
        store(r * g.cRow + v * laneBytes);
      }
    }
  };

  a.i32(0).set(t).get(A).set(aT).get(C).set(cT);
  a.block(() =>
    a.loop(() => {
      a.get(t).get(M_TILES).i32GeU().brIf(1);
      a.i32(0).set(s).i32(0).set(nOff).get(B).set(bS);
      a.block(() =>
        a.loop(() => {
          a.get(s).get(N_STRIPS).i32GeU().brIf(1);
          tile();
          a.get(nOff).i32(width).i32Add().set(nOff);
          a.get(bS).i32(g.bStrip).i32Add().set(bS);
          a.get(s).i32(1).i32Add().set(s);
          a.br(0);
        }),
      );
      a.get(aT)
        .i32(g.rowOffsets === undefined ? g.mr * g.aRow : g.aRow)
        .i32Add()
        .set(aT);
      a.get(cT)
        .i32(g.mr * g.cRow)
        .i32Add()
        .set(cT);
      a.get(t).i32(1).i32Add().set(t);
      a.br(0);
    }),
  );
  return a.finish(name);
}

/**
 * `pack(SRC, DST, kCount, nStrips)`: copies `kCount` rows (`srcRow` bytes apart) of
 * `nStrips` strips of `width` bytes each into strips `dstStrip` bytes apart, each strip's
 * rows contiguous: the layout the product kernels stream.
 */
export function packFunction(
  name: string,
  srcRow: number,
  width: number,
  dstStrip: number,
): WasmFunction {
  const a = new Asm(4);
  const [SRC, DST, K_COUNT, N_STRIPS] = [0, 1, 2, 3];
  const [k, s, src, dst] = [a.local("i32"), a.local("i32"), a.local("i32"), a.local("i32")];
  const v = a.local("v128");
  const f = a.local("f32");
  a.i32(0).set(k);
  a.forRange(k, K_COUNT, 1, () => {
    a.get(SRC).get(k).i32(srcRow).i32Mul().i32Add().set(src);
    a.get(DST).get(k).i32(width).i32Mul().i32Add().set(dst);
    a.i32(0).set(s);
    a.forRange(s, N_STRIPS, 1, () => {
      let at = 0;
      for (; at + 16 <= width; at += 16) {
        a.get(src).v128Load(at).set(v);
        a.get(dst).get(v).v128Store(at);
      }
      for (; at < width; at += 4) {
        a.get(src).f32Load(at).set(f);
        a.get(dst).get(f).f32Store(at);
      }
      a.get(src).i32(width).i32Add().set(src);
      a.get(dst).i32(dstStrip).i32Add().set(dst);
    });
  });
  return a.finish(name);
}

/** The shape of a product `C[m,n] = init + Σₖ A[m,k]·B[k,n]`, strides in elements. */
export interface GemmProblem {
  m: number;
  n: number;
  k: number;
  /** Elements between rows (m) of A and between its consecutive k. */
  aRow: number;
  aK: number;
  /** Elements between rows of B (k); its columns are contiguous. */
  bK: number;
  /** Elements between rows of C; its columns are contiguous. */
  cRow: number;
  bias: boolean;
  activation: "none" | "relu" | "relu6";
  /**
   * Several products of `m` rows sharing B (a convolution's filter gradient, one per
   * window position): the element offsets of each one's A and C. Default: one, at 0.
   */
  groups?: readonly { a: number; c: number }[];
  /**
   * A's k in runs of `kRun` (dividing k), `aRunStride` elements apart
   * (k = run·kRun + j is at run·aRunStride + j·aK). Default: one run.
   */
  kRun?: number;
  aRunStride?: number;
  /**
   * Rows that are not `aRow` apart: tiles of `tileRows.length` rows (dividing m, at most
   * 8) starting `aRow` elements apart, row r of a tile at `tileRows[r]` elements from its
   * start (a one-channel input's filter gradient: the rows are the window's columns).
   */
  tileRows?: readonly number[];
}

/** Rows per tile and 4-lane groups per strip of the main tiles. */
/** Tile shapes: rows by 4-lane groups (15 or 16 accumulators, all in registers on x86-64). */
const TILES: readonly [number, number][] = [
  [5, 3],
  [4, 4],
];

/**
 * The tile shape for a product: the one leaving the fewest columns to narrower strips,
 * then the fewest rows to a smaller tile; 5×12 on a tie (measured the faster of the two
 * on a 1024² product).
 */
function tileFor(m: number, n: number): [number, number] {
  let best = TILES[0] as [number, number];
  let bestCost = Infinity;
  for (const tile of TILES) {
    const [mr, nv] = tile;
    const cost = (n % (4 * nv)) * 1000 + (m % mr);
    if (cost < bestCost) {
      best = tile;
      bestCost = cost;
    }
  }
  return best;
}
/** Ks per block, and at most this many bytes of packed right operand per block (in L2). */
const KC = 256;
const PANEL_BYTES = 256 * 1024;

/** One kind of column strip of a block: its width and where its packed strips start. */
interface ColumnKind {
  vecs: number;
  scalars: number;
  /** The first column and the number of strips. */
  n0: number;
  strips: number;
  /** Byte offset of its first packed strip in the scratch, and between its strips. */
  packedAt: number;
  stripBytes: number;
}

/** The compiled functions of one problem shape and the blocks that cover its output. */
interface Plan {
  /**
   * One module per function: browsers refuse to compile a module of more than 4 KB
   * synchronously on the main thread (Chrome).
   */
  functions: Map<string, WasmFunctions>;
  /** Per block of k: its first k, its length, A's offset (elements), the kernels' variant. */
  kBlocks: { k0: number; kc: number; aAt: number; variant: string }[];
  nBlocks: { n0: number; kinds: ColumnKind[] }[];
  rowKinds: { mr: number; tiles: number; m0: number }[];
  scratchBytes: number;
}

const ONE_GROUP = [{ a: 0, c: 0 }] as const;
const plans = new Map<string, Plan>();
const MAX_PLANS = 64;

/** The strips of columns `n0 … n0 + width` (full strips, then 4-lane groups, then single columns). */
function columnKinds(
  n0: number,
  width: number,
  nv: number,
): { kinds: ColumnKind[]; bytes: number } {
  const nr = 4 * nv;
  const full = Math.floor(width / nr);
  const restVecs = Math.floor((width % nr) / 4);
  const restScalars = width % 4;
  const kinds: ColumnKind[] = [];
  let at = 0;
  const add = (vecs: number, scalars: number, first: number, strips: number) => {
    // Strips a little more than a power of two apart, so that the same k of successive
    // strips does not land in one cache set.
    const stripBytes = KC * (16 * vecs + 4 * scalars) + 64;
    kinds.push({ vecs, scalars, n0: first, strips, packedAt: at, stripBytes });
    at += strips * stripBytes;
  };
  if (full > 0) add(nv, 0, n0, full);
  if (restVecs > 0) add(restVecs, 0, n0 + full * nr, 1);
  if (restScalars > 0) add(0, restScalars, n0 + width - restScalars, 1);
  return { kinds, bytes: at };
}

function planFor(p: GemmProblem): Plan {
  const key = JSON.stringify(p);
  const known = plans.get(key);
  if (known !== undefined) return known;
  const [mr, nv] =
    p.tileRows === undefined
      ? tileFor(p.m, p.n)
      : [p.tileRows.length, Math.min(4, Math.floor(16 / p.tileRows.length))];
  const nr = 4 * nv;
  const fullTiles = Math.floor(p.m / mr);
  const rowKinds: Plan["rowKinds"] = [];
  if (fullTiles > 0) rowKinds.push({ mr, tiles: fullTiles, m0: 0 });
  if (p.m % mr > 0) rowKinds.push({ mr: p.m % mr, tiles: 1, m0: fullTiles * mr });
  const nc = Math.max(nr, Math.floor(PANEL_BYTES / (KC * 4 * nr)) * nr);
  const nBlocks: Plan["nBlocks"] = [];
  let scratchBytes = 0;
  for (let n0 = 0; n0 < p.n; n0 += nc) {
    const { kinds, bytes } = columnKinds(n0, Math.min(nc, p.n - n0), nv);
    nBlocks.push({ n0, kinds });
    scratchBytes = Math.max(scratchBytes, bytes);
  }
  const kBlocks: Plan["kBlocks"] = [];
  const kRun = p.kRun ?? p.k;
  for (let k0 = 0; k0 < p.k;) {
    const runEnd = (Math.floor(k0 / kRun) + 1) * kRun;
    const kc = Math.min(KC, p.k - k0, runEnd - k0);
    const init = k0 === 0 ? (p.bias ? "bias" : "zero") : "output";
    const activation = k0 + kc >= p.k ? p.activation : "none";
    const aAt = Math.floor(k0 / kRun) * (p.aRunStride ?? 0) + (k0 % kRun) * p.aK;
    kBlocks.push({ k0, kc, aAt, variant: `${init}_${activation}` });
    k0 += kc;
  }
  const variants = [...new Set(kBlocks.map((b) => b.variant))];
  const functions = new Map<string, WasmFunctions>();
  for (const { kinds } of nBlocks) {
    for (const ck of kinds) {
      const width = 16 * ck.vecs + 4 * ck.scalars;
      const pack = `pack${width}`;
      if (!functions.has(pack)) {
        functions.set(
          pack,
          new WasmFunctions(() => [packFunction(pack, 4 * p.bK, width, ck.stripBytes)]),
        );
      }
      for (const rk of rowKinds) {
        for (const variant of variants) {
          const [init, activation] = variant.split("_") as [
            GemmLayout["init"],
            GemmLayout["activation"],
          ];
          const name = `r${rk.mr}v${ck.vecs}s${ck.scalars}_${variant}`;
          if (functions.has(name)) continue;
          const layout: GemmLayout = {
            mr: rk.mr,
            vecs: ck.vecs,
            scalars: ck.scalars,
            aRow: 4 * p.aRow,
            rowOffsets: p.tileRows?.map((r) => 4 * r),
            aK: 4 * p.aK,
            bK: width,
            bStrip: ck.stripBytes,
            cRow: 4 * p.cRow,
            init,
            activation,
          };
          functions.set(name, new WasmFunctions(() => [gemmFunction(name, layout)]));
        }
      }
    }
  }
  const plan: Plan = { functions, kBlocks, nBlocks, rowKinds, scratchBytes };
  if (plans.size >= MAX_PLANS) plans.delete(plans.keys().next().value as string);
  plans.set(key, plan);
  return plan;
}

/**
 * Computes the product `p` into C from byte offsets in the wasm backend's memory (`bias`
 * ignored unless `p.bias`). False, doing nothing, where the compiled kernels cannot run.
 * Per block of k and of columns, the block of B is packed into strips (in cache), then
 * every tile of rows runs over them.
 */
export function gemm(p: GemmProblem, a: number, b: number, bias: number, c: number): boolean {
  if (p.m === 0 || p.n === 0 || p.k === 0) return false;
  const rows = p.tileRows?.length;
  if (rows !== undefined && (rows === 0 || rows > 8 || p.m % rows !== 0)) return false;
  const plan = planFor(p);
  const fns = new Map<string, KernelFn>();
  for (const [name, f] of plan.functions) {
    const fn = f.get(name);
    if (fn === null) return false;
    fns.set(name, fn);
  }
  return withWasmScratch(plan.scratchBytes, (scratch) => {
    for (const kb of plan.kBlocks) {
      for (const nb of plan.nBlocks) {
        for (const ck of nb.kinds) {
          const width = 16 * ck.vecs + 4 * ck.scalars;
          (fns.get(`pack${width}`) as KernelFn)(
            b + 4 * (kb.k0 * p.bK + ck.n0),
            scratch + ck.packedAt,
            kb.kc,
            ck.strips,
          );
        }
        for (const group of p.groups ?? ONE_GROUP) {
          for (const rk of plan.rowKinds) {
            for (const ck of nb.kinds) {
              (fns.get(`r${rk.mr}v${ck.vecs}s${ck.scalars}_${kb.variant}`) as KernelFn)(
                a + 4 * (group.a + rk.m0 * p.aRow + kb.aAt),
                scratch + ck.packedAt,
                bias + 4 * ck.n0,
                c + 4 * (group.c + rk.m0 * p.cRow + ck.n0),
                rk.tiles,
                ck.strips,
                kb.kc,
              );
            }
          }
        }
      }
    }
  });
}

/**
 * Right operands already multiplied once (by their tensor data): XNNPACK keeps its pack of
 * a weight that stays the same tensor (inference), so from the second product on its own
 * kernel is the faster one; a weight an optimizer updates is a new tensor every step.
 */
const multipliedBefore = new WeakSet<object>();

/**
 * Rows up to which the compiled product beats XNNPACK's packing and product of a new right
 * operand (measured: packing costs ~2.3 ns per element of it, and the compiled kernel runs
 * within ~10 % of XNNPACK's on the product itself).
 */
const MAX_ROWS = 256;

/**
 * `act(op(a)·b + bias)` for rank-2 float32 tensors of the wasm backend by the compiled
 * kernel, where it is the faster choice (few rows, a right operand not multiplied before);
 * `null` otherwise, the caller then taking tfjs's kernels. The values are bit-identical to
 * XNNPACK's (see above); relu passes NaN and −0 as TensorFlow's `Relu` does.
 */
export function compiledProduct(
  a: tfc.Tensor,
  b: tfc.Tensor,
  transposeA: boolean,
  bias: tfc.Tensor | null,
  activation: "none" | "relu" | "relu6",
): tfc.Tensor | null {
  if (a.rank !== 2 || b.rank !== 2 || a.dtype !== "float32" || b.dtype !== "float32") return null;
  const [r, c] = a.shape as [number, number];
  const m = transposeA ? c : r;
  const k = transposeA ? r : c;
  const [kb, n] = b.shape as [number, number];
  if (kb !== k || m === 0 || n === 0 || k === 0 || m > MAX_ROWS) return null;
  if (bias !== null && (bias.rank !== 1 || bias.shape[0] !== n || bias.dtype !== "float32"))
    return null;
  if (multipliedBefore.has(b.dataId)) return null;
  const problem: GemmProblem = {
    m,
    n,
    k,
    aRow: transposeA ? 1 : k,
    aK: transposeA ? m : 1,
    bK: n,
    cRow: n,
    bias: bias !== null,
    activation,
  };
  let ran = false;
  const made = float32HeapCall(bias === null ? [a, b] : [a, b, bias], 1, [m, n], (ins, [c0]) => {
    const [ap, bp, biasAt] = ins as [number, number, number | undefined];
    ran = gemm(problem, ap, bp, biasAt ?? 0, c0 as number);
  });
  if (made === null) return null;
  const out = made[0] as tfc.Tensor;
  if (!ran) {
    out.dispose();
    return null;
  }
  multipliedBefore.add(b.dataId);
  return out;
}
