import * as tfc from "@tensorflow/tfjs-core";
import { Asm, WasmFunctions, type WasmFunction } from "../wasm_kernels.js";
import { float32HeapCall, heapOffset } from "../tfjs_internals.js";

/*
 * The nn gradient kernels' inner loops as WebAssembly SIMD over the wasm backend's memory
 * (see wasm_kernels.ts): the loops' index arithmetic stays in JS, which lists once per
 * geometry the byte offsets each step works at; the kernels walk those lists.
 */

/**
 * `maxPool2x2Grad(x, dy, dx, list, count, depthBytes, rowBytes)`: for each of `count`
 * whole 2×2 windows, listed as (byte offset of its top-left corner in x and dx, byte offset
 * of its gradient in dy), writes `0 + dy` at the window's first strict maximum (row-major
 * order; a NaN wins only in first place) and +0 at its other three positions, 4 channels
 * at a time (`depthBytes` a multiple of 16).
 */
function maxPool2x2Grad(): WasmFunction {
  const a = new Asm(7);
  const [X, DY, DX, LIST, COUNT, DEPTH, ROW] = [0, 1, 2, 3, 4, 5, 6];
  const [e, end, d] = [a.local("i32"), a.local("i32"), a.local("i32")];
  const p = [a.local("i32"), a.local("i32"), a.local("i32"), a.local("i32")];
  const q = [a.local("i32"), a.local("i32"), a.local("i32"), a.local("i32")];
  const y = a.local("i32");
  const v = [a.local("v128"), a.local("v128"), a.local("v128"), a.local("v128")];
  const [g, m, c1, c2, c3] = [
    a.local("v128"),
    a.local("v128"),
    a.local("v128"),
    a.local("v128"),
    a.local("v128"),
  ];
  const four = (base: number, to: number[], offset: number) => {
    // to = [base + off, + depth, + row, + row + depth]
    a.get(base)
      .get(LIST)
      .get(e)
      .i32Add()
      .i32Load(offset)
      .i32Add()
      .set(to[0] as number);
    a.get(to[0] as number)
      .get(DEPTH)
      .i32Add()
      .set(to[1] as number);
    a.get(to[0] as number)
      .get(ROW)
      .i32Add()
      .set(to[2] as number);
    a.get(to[2] as number)
      .get(DEPTH)
      .i32Add()
      .set(to[3] as number);
  };
  a.get(COUNT).i32(8).i32Mul().set(end);
  a.i32(0).set(e);
  a.forRange(e, end, 8, () => {
    four(X, p, 0);
    four(DX, q, 0);
    a.get(DY).get(LIST).get(e).i32Add().i32Load(4).i32Add().set(y);
    a.i32(0).set(d);
    a.forRange(d, DEPTH, 16, () => {
      for (let k = 0; k < 4; k++)
        a.get(p[k] as number)
          .get(d)
          .i32Add()
          .v128Load()
          .set(v[k] as number);
      a.v128Zero().get(y).get(d).i32Add().v128Load().f32x4Add().set(g);
      a.get(v[0] as number)
        .get(v[1] as number)
        .f32x4Lt()
        .set(c1);
      a.get(v[1] as number)
        .get(v[0] as number)
        .get(c1)
        .v128Bitselect()
        .set(m);
      a.get(m)
        .get(v[2] as number)
        .f32x4Lt()
        .set(c2);
      a.get(v[2] as number)
        .get(m)
        .get(c2)
        .v128Bitselect()
        .set(m);
      a.get(m)
        .get(v[3] as number)
        .f32x4Lt()
        .set(c3);
      const store = (k: number, mask: () => void) => {
        a.get(q[k] as number)
          .get(d)
          .i32Add();
        mask();
        a.v128Store();
      };
      store(0, () => a.get(g).get(c1).get(c2).v128Or().get(c3).v128Or().v128AndNot());
      store(1, () => a.get(g).get(c1).get(c2).get(c3).v128Or().v128AndNot().v128And());
      store(2, () => a.get(g).get(c2).get(c3).v128AndNot().v128And());
      store(3, () => a.get(g).get(c3).v128And());
    });
  });
  return a.finish("maxPool2x2Grad");
}

/**
 * `scatterAdd(src, dst, list, count, lenBytes)`: for each of `count` (source, target)
 * byte-offset pairs in `list`, in order, adds `lenBytes / 4` floats of src at the source
 * offset into dst at the target offset (4 at a time, then one at a time).
 */
function scatterAdd(): WasmFunction {
  const a = new Asm(5);
  const [SRC, DST, LIST, COUNT, LEN] = [0, 1, 2, 3, 4];
  const [e, end, k, len4, s, t] = [
    a.local("i32"),
    a.local("i32"),
    a.local("i32"),
    a.local("i32"),
    a.local("i32"),
    a.local("i32"),
  ];
  a.get(COUNT).i32(8).i32Mul().set(end);
  a.get(LEN).i32(-16).i32And().set(len4);
  a.i32(0).set(e);
  a.forRange(e, end, 8, () => {
    a.get(SRC).get(LIST).get(e).i32Add().i32Load(0).i32Add().set(s);
    a.get(DST).get(LIST).get(e).i32Add().i32Load(4).i32Add().set(t);
    a.i32(0).set(k);
    a.forRange(k, len4, 16, () => {
      a.get(t).get(k).i32Add();
      a.get(t).get(k).i32Add().v128Load().get(s).get(k).i32Add().v128Load().f32x4Add();
      a.v128Store();
    });
    a.forRange(k, LEN, 4, () => {
      a.get(t).get(k).i32Add();
      a.get(t).get(k).i32Add().f32Load().get(s).get(k).i32Add().f32Load().f32Add();
      a.f32Store();
    });
  });
  return a.finish("scatterAdd");
}

/**
 * `columnSums(src, dst, rows, colsBytes)`: dst[c] = 0 + src[0, c] + src[1, c] + … in row
 * order, for a row-major [rows, cols] float32 matrix (`colsBytes` a multiple of 16), the
 * sums kept in dst (in cache) while the rows stream past once.
 */
function columnSums(): WasmFunction {
  const a = new Asm(4);
  const [SRC, DST, ROWS, COLS] = [0, 1, 2, 3];
  const [r, k, row] = [a.local("i32"), a.local("i32"), a.local("i32")];
  a.i32(0).set(k);
  a.forRange(k, COLS, 16, () => {
    a.get(DST).get(k).i32Add().v128Zero().v128Store();
  });
  a.get(SRC).set(row);
  a.i32(0).set(r);
  a.forRange(r, ROWS, 1, () => {
    a.i32(0).set(k);
    a.forRange(k, COLS, 16, () => {
      a.get(DST).get(k).i32Add();
      a.get(DST).get(k).i32Add().v128Load().get(row).get(k).i32Add().v128Load().f32x4Add();
      a.v128Store();
    });
    a.get(row).get(COLS).i32Add().set(row);
  });
  return a.finish("columnSums");
}

/**
 * `copySegments(src, dst, list, count)`: for each of `count` (source, target, length)
 * byte triples in `list`, copies the segment (4 floats at a time, then one at a time).
 */
function copySegments(): WasmFunction {
  const a = new Asm(4);
  const [SRC, DST, LIST, COUNT] = [0, 1, 2, 3];
  const [e, end, k, len, len4, s, t] = [
    a.local("i32"),
    a.local("i32"),
    a.local("i32"),
    a.local("i32"),
    a.local("i32"),
    a.local("i32"),
    a.local("i32"),
  ];
  a.get(COUNT).i32(12).i32Mul().set(end);
  a.i32(0).set(e);
  a.forRange(e, end, 12, () => {
    a.get(SRC).get(LIST).get(e).i32Add().i32Load(0).i32Add().set(s);
    a.get(DST).get(LIST).get(e).i32Add().i32Load(4).i32Add().set(t);
    a.get(LIST).get(e).i32Add().i32Load(8).set(len);
    a.get(len).i32(-16).i32And().set(len4);
    a.i32(0).set(k);
    a.forRange(k, len4, 16, () => {
      a.get(t).get(k).i32Add().get(s).get(k).i32Add().v128Load().v128Store();
    });
    a.forRange(k, len, 4, () => {
      a.get(t).get(k).i32Add().get(s).get(k).i32Add().f32Load().f32Store();
    });
  });
  return a.finish("copySegments");
}

/**
 * `gather5(src, dst, n0, n1, n2, n3, n4, s0, s1, s2, s3, s4)`: writes dst contiguously,
 * element (i0, …, i4) of an [n0, …, n4] array being src's at byte offset Σ iₖ·sₖ: any
 * transposition of up to five dimensions in one pass (tfjs-wasm's own transpose of five
 * takes a generic path ~50x slower than its four-dimensional one).
 */
function gather5(): WasmFunction {
  const a = new Asm(12);
  const [SRC, DST] = [0, 1];
  const N = [2, 3, 4, 5, 6];
  const S = [7, 8, 9, 10, 11];
  const i = [a.local("i32"), a.local("i32"), a.local("i32"), a.local("i32"), a.local("i32")];
  const p = [a.local("i32"), a.local("i32"), a.local("i32"), a.local("i32"), a.local("i32")];
  const d = a.local("i32");
  a.get(DST).set(d);
  const level = (k: number) => {
    a.i32(0).set(i[k] as number);
    if (k === 0) a.get(SRC).set(p[0] as number);
    else a.get(p[k - 1] as number).set(p[k] as number);
    a.forRange(i[k] as number, N[k] as number, 1, () => {
      if (k === 4) {
        a.get(d)
          .get(p[4] as number)
          .f32Load()
          .f32Store();
        a.get(d).i32(4).i32Add().set(d);
      } else {
        level(k + 1);
      }
      a.get(p[k] as number)
        .get(S[k] as number)
        .i32Add()
        .set(p[k] as number);
    });
  };
  level(0);
  return a.finish("gather5");
}

/**
 * `biasAddRows(x, bias, out, rows, colsBytes)`: out[r, c] = x[r, c] + bias[c] for a
 * row-major [rows, cols] matrix (`colsBytes` a multiple of 16): one rounding per element,
 * as tfjs's broadcasting add.
 */
function biasAddRows(): WasmFunction {
  const a = new Asm(5);
  const [X, BIAS, OUT, ROWS, COLS] = [0, 1, 2, 3, 4];
  const [r, k, xr, or] = [a.local("i32"), a.local("i32"), a.local("i32"), a.local("i32")];
  a.get(X).set(xr).get(OUT).set(or);
  a.i32(0).set(r);
  a.forRange(r, ROWS, 1, () => {
    a.i32(0).set(k);
    a.forRange(k, COLS, 16, () => {
      a.get(or).get(k).i32Add();
      a.get(xr).get(k).i32Add().v128Load().get(BIAS).get(k).i32Add().v128Load().f32x4Add();
      a.v128Store();
    });
    a.get(xr).get(COLS).i32Add().set(xr);
    a.get(or).get(COLS).i32Add().set(or);
  });
  return a.finish("biasAddRows");
}

/**
 * `reluGrad(dy, x, out, bytes)`: out = dy · step(x), step(x) being 1 for x > 0, NaN for a
 * NaN and 0 otherwise, as tfjs's `mul(dy, step(x))` (so −1 · 0 = −0 and ∞ · 0 = NaN).
 */
function reluGrad(): WasmFunction {
  const a = new Asm(4);
  const [DY, X, OUT, BYTES] = [0, 1, 2, 3];
  const [k, end4] = [a.local("i32"), a.local("i32")];
  const [xv, sv] = [a.local("v128"), a.local("v128")];
  const [xs, ss] = [a.local("f32"), a.local("f32")];
  a.get(BYTES).i32(-16).i32And().set(end4);
  a.i32(0).set(k);
  a.forRange(k, end4, 16, () => {
    a.get(X).get(k).i32Add().v128Load().set(xv);
    // (x > 0 ? 1 : 0), then x itself where x is NaN.
    a.f32Const(1).f32x4Splat().v128Zero().get(xv).v128Zero().f32x4Gt().v128Bitselect().set(sv);
    a.get(xv).get(sv).get(xv).get(xv).f32x4Ne().v128Bitselect().set(sv);
    a.get(OUT).get(k).i32Add();
    a.get(DY).get(k).i32Add().v128Load().get(sv).f32x4Mul();
    a.v128Store();
  });
  a.forRange(k, BYTES, 4, () => {
    a.get(X).get(k).i32Add().f32Load().set(xs);
    a.f32Const(1).f32Const(0).get(xs).f32Const(0).f32Gt().select().set(ss);
    a.get(xs).get(ss).get(xs).get(xs).f32Ne().select().set(ss);
    a.get(OUT).get(k).i32Add();
    a.get(DY).get(k).i32Add().f32Load().get(ss).f32Mul();
    a.f32Store();
  });
  return a.finish("reluGrad");
}

const FUNCTIONS = new WasmFunctions(() => [
  maxPool2x2Grad(),
  scatterAdd(),
  columnSums(),
  copySegments(),
  gather5(),
  biasAddRows(),
  reluGrad(),
]);

/**
 * `x + bias` along x's last dimension (a multiple of 4) by the compiled kernel, or `null`
 * where it cannot run.
 */
export function biasAddCompiled(x: tfc.Tensor, bias: tfc.Tensor): tfc.Tensor | null {
  const cols = x.shape[x.rank - 1] as number;
  if (x.rank < 2 || cols % 4 !== 0 || bias.rank !== 1 || bias.shape[0] !== cols) return null;
  if (x.dtype !== "float32" || bias.dtype !== "float32" || x.size === 0) return null;
  const fn = FUNCTIONS.get("biasAddRows");
  if (fn === null) return null;
  const made = float32HeapCall([x, bias], 1, x.shape, ([xs, b], [out]) =>
    fn(xs as number, b as number, out as number, x.size / cols, cols * 4),
  );
  return made === null ? null : (made[0] as tfc.Tensor);
}

/**
 * `ReluGrad(dy, x)` of same-shaped float32 tensors by the compiled kernel (bit-identical to
 * tfjs's `mul(dy, step(x))`), or `null` where it cannot run.
 */
export function reluGradCompiled(dy: tfc.Tensor, x: tfc.Tensor): tfc.Tensor | null {
  if (dy.dtype !== "float32" || x.dtype !== "float32" || dy.rank !== x.rank) return null;
  if (!dy.shape.every((d, i) => d === x.shape[i])) return null;
  const fn = FUNCTIONS.get("reluGrad");
  if (fn === null) return null;
  const made = float32HeapCall([dy, x], 1, dy.shape, ([d, xs], [out]) =>
    fn(d as number, xs as number, out as number, dy.size * 4),
  );
  return made === null ? null : (made[0] as tfc.Tensor);
}

/**
 * `x` (float32, rank ≤ 5) transposed by `perm`, by the compiled gather; `null` where it
 * cannot run.
 */
export function transposeCompiled(x: tfc.Tensor, perm: readonly number[]): tfc.Tensor | null {
  if (x.dtype !== "float32" || x.rank > 5 || perm.length !== x.rank) return null;
  const fn = FUNCTIONS.get("gather5");
  if (fn === null) return null;
  const strides = new Array<number>(x.rank).fill(1);
  for (let k = x.rank - 2; k >= 0; k--) {
    strides[k] = (strides[k + 1] as number) * (x.shape[k + 1] as number);
  }
  const pad = 5 - x.rank;
  const sizes = [...new Array<number>(pad).fill(1), ...perm.map((k) => x.shape[k] as number)];
  const steps = [...new Array<number>(pad).fill(0), ...perm.map((k) => 4 * (strides[k] as number))];
  const made = float32HeapCall([x], 1, sizes.slice(pad), ([src], [dst]) =>
    fn(src as number, dst as number, ...sizes, ...steps),
  );
  return made === null ? null : (made[0] as tfc.Tensor);
}

/**
 * The transposed patch matrix of a one-channel NHWC input for a stride-1, undilated
 * `kh`×`kw` window: row `a·kw + b` holds, for every output position (n, i, j) in order,
 * the input at (n, i + a − padTop, j + b − padLeft), 0 outside. `null` where the compiled
 * kernel cannot run.
 */
export function onePlanePatchesT(
  x: tfc.Tensor4D,
  kh: number,
  kw: number,
  outH: number,
  outW: number,
  padTop: number,
  padLeft: number,
): tfc.Tensor2D | null {
  const [n, h, w, c] = x.shape;
  if (c !== 1 || x.dtype !== "float32") return null;
  const m = n * outH * outW;
  const key = `p1 ${[n, h, w, kh, kw, outH, outW, padTop, padLeft].join(",")}`;
  let made: tfc.Tensor[] | null = null;
  let ran = true;
  made = float32HeapCall([x], 1, [kh * kw, m], ([xAt], [outAt]) => {
    const run = prepared(
      "copySegments",
      key,
      () => {
        const out: number[] = [];
        for (let a = 0; a < kh; a++) {
          for (let b = 0; b < kw; b++) {
            const j0 = Math.max(0, padLeft - b);
            const j1 = Math.min(outW, w + padLeft - b);
            if (j1 <= j0) continue;
            for (let bn = 0; bn < n; bn++) {
              for (let i = 0; i < outH; i++) {
                const r = i + a - padTop;
                if (r < 0 || r >= h) continue;
                const src = (bn * h + r) * w + j0 + b - padLeft;
                const dst = (a * kw + b) * m + (bn * outH + i) * outW + j0;
                out.push(src * 4, dst * 4, (j1 - j0) * 4);
              }
            }
          }
        }
        return Int32Array.from(out);
      },
      3,
    );
    if (run === null) {
      ran = false;
      return;
    }
    const memory = FUNCTIONS.memory() as WebAssembly.Memory;
    new Float32Array(memory.buffer, outAt as number, kh * kw * m).fill(0);
    run.fn(xAt as number, outAt as number, run.list, run.count);
  });
  if (made === null) return null;
  if (!ran) {
    (made[0] as tfc.Tensor).dispose();
    return null;
  }
  return made[0] as tfc.Tensor2D;
}

/**
 * The sums of the columns of a float32 [rows, cols] matrix (any shape whose last dimension
 * is `cols`), each added in row order starting from 0 as tfjs-wasm's matrix product of a
 * row of ones by the matrix does; `null` where the compiled kernel cannot run (cols not a
 * multiple of 4, another backend).
 */
export function columnSumsOf(x: tfc.Tensor): tfc.Tensor | null {
  const cols = x.shape[x.rank - 1] as number;
  if (x.rank < 2 || cols % 4 !== 0 || x.dtype !== "float32") return null;
  const fn = FUNCTIONS.get("columnSums");
  if (fn === null) return null;
  const made = float32HeapCall([x], 1, [cols], ([src], [dst]) =>
    fn(src as number, dst as number, x.size / cols, cols * 4),
  );
  return made === null ? null : (made[0] as tfc.Tensor);
}

/** Offset lists by geometry, kept as int32 tensors in the backend's memory. */
const lists = new Map<string, tfc.Tensor>();
const MAX_LISTS = 32;

/** The list of `key`, made by `make` the first time (the oldest is dropped past 32). */
function offsetList(key: string, make: () => Int32Array): tfc.Tensor {
  const known = lists.get(key);
  if (known !== undefined && !known.isDisposed) return known;
  if (lists.size >= MAX_LISTS) {
    const [oldest, t] = lists.entries().next().value as [string, tfc.Tensor];
    lists.delete(oldest);
    t.dispose();
  }
  const t = tfc.keep(tfc.tensor1d(make(), "int32"));
  lists.set(key, t);
  return t;
}

/** The compiled function `name` and the heap offset of the offset list, or `null`. */
function prepared(
  name: string,
  key: string,
  make: () => Int32Array,
  stride = 2,
): { fn: (...args: number[]) => void; list: number; count: number } | null {
  const fn = FUNCTIONS.get(name);
  if (fn === null) return null;
  const list = offsetList(key, make);
  const at = heapOffset(list);
  return at === null ? null : { fn, list: at, count: list.size / stride };
}

/** The geometry of a 2-D max pooling, NHWC. */
export interface PoolGeometry {
  n: number;
  inH: number;
  inW: number;
  depth: number;
  outH: number;
  outW: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  padTop: number;
  padLeft: number;
}

/** Whether a window starting at (h0, w0) lies wholly inside the input (2×2). */
function whole(g: PoolGeometry, h0: number, w0: number): boolean {
  return h0 >= 0 && w0 >= 0 && h0 + 2 <= g.inH && w0 + 2 <= g.inW;
}

/**
 * Runs the compiled 2×2 max-pool gradient over the whole windows of a disjoint 2×2 pool
 * (depth a multiple of 4) into `dx`; returns false, doing nothing, where it cannot run.
 * The caller fills the rest: clipped windows, and zeros where no window reaches.
 */
export function maxPool2x2GradWhole(
  x: number,
  dy: number,
  dx: number,
  g: PoolGeometry,
): { done: boolean; covered: number } {
  if (g.kh !== 2 || g.kw !== 2 || g.depth % 4 !== 0) return { done: false, covered: 0 };
  const key = `mp ${[g.n, g.inH, g.inW, g.depth, g.outH, g.outW, g.sh, g.sw, g.padTop, g.padLeft].join(",")}`;
  const run = prepared("maxPool2x2Grad", key, () => {
    const out: number[] = [];
    let o = 0;
    for (let b = 0; b < g.n; b++) {
      for (let ph = 0; ph < g.outH; ph++) {
        for (let pw = 0; pw < g.outW; pw++, o += g.depth) {
          const h0 = ph * g.sh - g.padTop;
          const w0 = pw * g.sw - g.padLeft;
          if (!whole(g, h0, w0)) continue;
          out.push(((b * g.inH + h0) * g.inW + w0) * g.depth * 4, o * 4);
        }
      }
    }
    return Int32Array.from(out);
  });
  if (run === null) return { done: false, covered: 0 };
  run.fn(x, dy, dx, run.list, run.count, g.depth * 4, g.inW * g.depth * 4);
  return { done: true, covered: run.count * 4 * g.depth };
}

/** Whether the 2×2 window of output (ph, pw) was left to the compiled kernel. */
export function wholeWindow(g: PoolGeometry, ph: number, pw: number): boolean {
  return whole(g, ph * g.sh - g.padTop, pw * g.sw - g.padLeft);
}

/** The geometry of col2im: the input (`dx`) and output sizes, the window, strides, dilations and padding. */
export interface Col2imGeometry {
  n: number;
  inH: number;
  inW: number;
  ci: number;
  outH: number;
  outW: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  padTop: number;
  padLeft: number;
}

/**
 * Each place a window's `ci` values land in col2im, in increasing row order: `visit(from,
 * to)` with the element offsets in the patch rows and in `dx` (windows clipped at the
 * border skipped). The compiled scatter and the JS loop share this order, so their sums
 * are bit-identical.
 */
export function forEachCol2imPlacement(
  g: Col2imGeometry,
  visit: (from: number, to: number) => void,
): void {
  const { n, inH, inW, ci, outH, outW, kh, kw, sh, sw, dh, dw, padTop, padLeft } = g;
  const window = kh * kw * ci;
  let row = 0;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++, row += window) {
        for (let a = 0; a < kh; a++) {
          const h = i * sh + a * dh - padTop;
          if (h < 0 || h >= inH) continue;
          for (let e = 0; e < kw; e++) {
            const w = j * sw + e * dw - padLeft;
            if (w < 0 || w >= inW) continue;
            visit(row + (a * kw + e) * ci, ((b * inH + h) * inW + w) * ci);
          }
        }
      }
    }
  }
}

/**
 * col2im's scatter as the compiled kernel: adds each window's `ci` values of `cols` into
 * place in `dx` (zeroed by the caller), in the JS loop's order. False where it cannot run.
 */
export function col2imScatter(cols: number, dx: number, geometry: Col2imGeometry): boolean {
  const g = geometry;
  const dims = [g.n, g.inH, g.inW, g.ci, g.outH, g.outW, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw];
  const key = `c2i ${[...dims, g.padTop, g.padLeft].join(",")}`;
  const run = prepared("scatterAdd", key, () => {
    const out: number[] = [];
    forEachCol2imPlacement(geometry, (from, to) => out.push(from * 4, to * 4));
    return Int32Array.from(out);
  });
  if (run === null) return false;
  run.fn(cols, dx, run.list, run.count, geometry.ci * 4);
  return true;
}
