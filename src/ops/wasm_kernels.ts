import type * as tfc from "@tensorflow/tfjs-core";
import { float32HeapCall, wasmBackendMemory } from "./tfjs_internals.js";

/*
 * Elementwise float32 kernels compiled to WebAssembly SIMD by scopeflow itself, importing
 * the wasm backend's memory so that they read and write tensors where they lie: an
 * optimizer update over a few million parameters is one pass over memory instead of a
 * dozen kernel calls each making its own pass. The module's bytes are emitted here from a
 * small expression description (no toolchain at build time). Every step is one IEEE
 * float32 operation (+, −, ×, ÷, √ are correctly rounded in wasm as in the backend's
 * kernels), so the results are bit-identical to the kernel chains they replace. Where
 * WebAssembly cannot be compiled (a Content-Security-Policy without `wasm-unsafe-eval`,
 * no SIMD, another backend), `run` returns `null` and the caller takes its own path.
 */

/** A value in a kernel description: a node of its expression graph. */
export interface Expr {
  readonly id: number;
}

type NodeKind =
  | { kind: "array"; index: number }
  | { kind: "scalar"; index: number }
  | { kind: "const"; value: number }
  | { kind: "op"; op: BinaryOp | "sqrt"; args: number[] };

type BinaryOp = "add" | "sub" | "mul" | "div";

/** Builds the expression of an elementwise kernel. */
export class KernelBuilder {
  /** @internal */
  readonly nodes: NodeKind[] = [];
  /** One element of each float32 array input, in the order they are passed. */
  readonly arrays: Expr[];
  /** Each rank-0 float32 input (read once), in the order they are passed. */
  readonly scalars: Expr[];

  constructor(arrays: number, scalars: number) {
    this.arrays = Array.from({ length: arrays }, (_, index) => this.node({ kind: "array", index }));
    this.scalars = Array.from({ length: scalars }, (_, index) =>
      this.node({ kind: "scalar", index }),
    );
  }

  private node(n: NodeKind): Expr {
    this.nodes.push(n);
    return { id: this.nodes.length - 1 };
  }

  constant(value: number): Expr {
    return this.node({ kind: "const", value });
  }
  add(a: Expr, b: Expr): Expr {
    return this.node({ kind: "op", op: "add", args: [a.id, b.id] });
  }
  sub(a: Expr, b: Expr): Expr {
    return this.node({ kind: "op", op: "sub", args: [a.id, b.id] });
  }
  mul(a: Expr, b: Expr): Expr {
    return this.node({ kind: "op", op: "mul", args: [a.id, b.id] });
  }
  div(a: Expr, b: Expr): Expr {
    return this.node({ kind: "op", op: "div", args: [a.id, b.id] });
  }
  sqrt(a: Expr): Expr {
    return this.node({ kind: "op", op: "sqrt", args: [a.id] });
  }
}

/** An elementwise kernel: `arrays` float32 inputs of one size, `scalars` rank-0 ones. */
export interface ElementwiseKernelSpec {
  name: string;
  arrays: number;
  scalars: number;
  /** The outputs (each the arrays' size) as expressions of one element. */
  body: (k: KernelBuilder) => Expr[];
}

// WebAssembly encoding (core spec 1.0 and the fixed-width SIMD proposal).
const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const I32_CONST = 0x41;
const F32_CONST = 0x43;
const F32_LOAD = 0x2a;
const F32_STORE = 0x38;
const I32_ADD = 0x6a;
const I32_AND = 0x71;
const I32_SHL = 0x74;
const I32_GE_U = 0x4f;
const BLOCK = 0x02;
const LOOP = 0x03;
const BR = 0x0c;
const BR_IF = 0x0d;
const END = 0x0b;
const EMPTY = 0x40;
const SIMD = 0xfd;
const F32_OPS: Record<BinaryOp | "sqrt", number[]> = {
  add: [0x92],
  sub: [0x93],
  mul: [0x94],
  div: [0x95],
  sqrt: [0x91],
};
const F32X4_OPS: Record<BinaryOp | "sqrt", number[]> = {
  add: [SIMD, 0xe4, 0x01],
  sub: [SIMD, 0xe5, 0x01],
  mul: [SIMD, 0xe6, 0x01],
  div: [SIMD, 0xe7, 0x01],
  sqrt: [SIMD, 0xe3, 0x01],
};
const V128_LOAD = [SIMD, 0x00];
const V128_STORE = [SIMD, 0x0b];
const F32X4_SPLAT = [SIMD, 0x13];
/** memarg of a 4-byte-aligned access at offset 0. */
const MEMARG = [2, 0];

function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function f32Bytes(value: number): number[] {
  return [...new Uint8Array(new Float32Array([value]).buffer)];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

/**
 * One exported function `(arrays…, scalars…, outputs…, n)` of i32 byte offsets and an
 * element count: a SIMD loop over whole groups of 4 elements, then a scalar loop over the
 * rest, with the values that depend on no array computed once before them.
 */
export function elementwiseFunction(spec: ElementwiseKernelSpec): WasmFunction {
  const k = new KernelBuilder(spec.arrays, spec.scalars);
  const outs = spec.body(k);
  const nodes = k.nodes;
  const varying = nodes.map(() => false);
  nodes.forEach((n, i) => {
    varying[i] = n.kind === "array" || (n.kind === "op" && n.args.some((a) => varying[a]));
  });
  const params = spec.arrays + spec.scalars + outs.length + 1;
  const nParam = params - 1;
  // Locals after the params: offset, vector end, end; one f32 and one v128 per node.
  const off = params;
  const end4 = params + 1;
  const end = params + 2;
  const f32Local = (i: number) => params + 3 + i;
  const v128Local = (i: number) => params + 3 + nodes.length + i;
  const code: number[] = [];
  const emit = (...bytes: number[]) => code.push(...bytes);

  // Values computed once (scalars, constants and what depends only on them).
  nodes.forEach((n, i) => {
    if (varying[i]) return;
    if (n.kind === "scalar") {
      emit(LOCAL_GET, ...uleb(spec.arrays + n.index), F32_LOAD, ...MEMARG);
    } else if (n.kind === "const") {
      emit(F32_CONST, ...f32Bytes(n.value));
    } else if (n.kind === "op") {
      for (const a of n.args) emit(LOCAL_GET, ...uleb(f32Local(a)));
      emit(...F32_OPS[n.op]);
    }
    emit(LOCAL_SET, ...uleb(f32Local(i)));
    emit(LOCAL_GET, ...uleb(f32Local(i)), ...F32X4_SPLAT, LOCAL_SET, ...uleb(v128Local(i)));
  });
  emit(LOCAL_GET, ...uleb(nParam), I32_CONST, ...sleb(-4), I32_AND, I32_CONST, 2, I32_SHL);
  emit(LOCAL_SET, ...uleb(end4));
  emit(LOCAL_GET, ...uleb(nParam), I32_CONST, 2, I32_SHL, LOCAL_SET, ...uleb(end));

  const loop = (limit: number, step: number, simd: boolean) => {
    const local = simd ? v128Local : f32Local;
    emit(BLOCK, EMPTY, LOOP, EMPTY);
    emit(LOCAL_GET, ...uleb(off), LOCAL_GET, ...uleb(limit), I32_GE_U, BR_IF, 1);
    nodes.forEach((n, i) => {
      if (!varying[i]) return;
      if (n.kind === "array") {
        emit(LOCAL_GET, ...uleb(n.index), LOCAL_GET, ...uleb(off), I32_ADD);
        emit(...(simd ? V128_LOAD : [F32_LOAD]), ...MEMARG);
      } else if (n.kind === "op") {
        for (const a of n.args) emit(LOCAL_GET, ...uleb(local(a)));
        emit(...(simd ? F32X4_OPS : F32_OPS)[n.op]);
      }
      emit(LOCAL_SET, ...uleb(local(i)));
    });
    outs.forEach((o, j) => {
      emit(LOCAL_GET, ...uleb(spec.arrays + spec.scalars + j), LOCAL_GET, ...uleb(off), I32_ADD);
      emit(LOCAL_GET, ...uleb(local(o.id)), ...(simd ? V128_STORE : [F32_STORE]), ...MEMARG);
    });
    emit(LOCAL_GET, ...uleb(off), I32_CONST, ...sleb(step), I32_ADD, LOCAL_SET, ...uleb(off));
    emit(BR, 0, END, END);
  };
  loop(end4, 16, true);
  loop(end, 4, false);
  emit(END);
  const locals = vec([
    [...uleb(3), I32],
    [...uleb(nodes.length), F32],
    [...uleb(nodes.length), V128],
  ]);
  return { name: spec.name, params, body: [...locals, ...code] };
}

/** A value type of a local. */
type ValType = "i32" | "f32" | "v128";
const VALTYPE: Record<ValType, number> = { i32: I32, f32: F32, v128: V128 };

/**
 * Writes one function's code by hand, for kernels that are not elementwise: locals are
 * numbered after the i32 params; `block`/`loop` take the code of their body.
 */
export class Asm {
  private readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];
  private readonly params: number;

  constructor(params: number) {
    this.params = params;
  }

  /** A new local of `type`. */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.params + this.localTypes.length - 1;
  }
  private emit(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }
  get(i: number): this {
    return this.emit(LOCAL_GET, ...uleb(i));
  }
  set(i: number): this {
    return this.emit(LOCAL_SET, ...uleb(i));
  }
  i32(n: number): this {
    return this.emit(I32_CONST, ...sleb(n));
  }
  i32Add(): this {
    return this.emit(I32_ADD);
  }
  i32Mul(): this {
    return this.emit(0x6c);
  }
  i32And(): this {
    return this.emit(I32_AND);
  }
  i32GeU(): this {
    return this.emit(I32_GE_U);
  }
  i32Load(offset = 0): this {
    return this.emit(0x28, 2, ...uleb(offset));
  }
  /** `local.tee`: sets the local and leaves the value on the stack. */
  tee(i: number): this {
    return this.emit(0x22, ...uleb(i));
  }
  i32Sub(): this {
    return this.emit(0x6b);
  }
  i32LtU(): this {
    return this.emit(0x49);
  }
  /** Loads at the address on the stack plus the constant byte `offset`. */
  f32Load(offset = 0): this {
    return this.emit(F32_LOAD, 2, ...uleb(offset));
  }
  f32Store(offset = 0): this {
    return this.emit(F32_STORE, 2, ...uleb(offset));
  }
  f32Const(value: number): this {
    return this.emit(F32_CONST, ...f32Bytes(value));
  }
  f32Add(): this {
    return this.emit(...F32_OPS.add);
  }
  f32Mul(): this {
    return this.emit(...F32_OPS.mul);
  }
  f32Lt(): this {
    return this.emit(0x5d);
  }
  /** `select`: the first operand if the i32 on top is non-zero, else the second. */
  select(): this {
    return this.emit(0x1b);
  }
  v128Load(offset = 0): this {
    return this.emit(...V128_LOAD, 2, ...uleb(offset));
  }
  v128Store(offset = 0): this {
    return this.emit(...V128_STORE, 2, ...uleb(offset));
  }
  /** One float32 at the address plus `offset`, in all four lanes. */
  load32Splat(offset = 0): this {
    return this.emit(SIMD, 0x09, 2, ...uleb(offset));
  }
  f32x4Splat(): this {
    return this.emit(...F32X4_SPLAT);
  }
  f32x4Mul(): this {
    return this.emit(...F32X4_OPS.mul);
  }
  /** Lane-wise `b < a ? b : a` (`f32x4.pmin`). */
  f32x4Pmin(): this {
    return this.emit(SIMD, 0xea, 0x01);
  }
  /** Lane-wise `a < b ? b : a` (`f32x4.pmax`). */
  f32x4Pmax(): this {
    return this.emit(SIMD, 0xeb, 0x01);
  }
  /** A v128 of zeros. */
  v128Zero(): this {
    return this.emit(SIMD, 0x0c, ...new Array<number>(16).fill(0));
  }
  f32x4Add(): this {
    return this.emit(...F32X4_OPS.add);
  }
  /** Lane-wise `a < b` as all-ones or all-zeros lanes (false for a NaN). */
  f32x4Lt(): this {
    return this.emit(SIMD, 0x43);
  }
  /** Lane-wise `a > b` as all-ones or all-zeros lanes (false for a NaN). */
  f32x4Gt(): this {
    return this.emit(SIMD, 0x44);
  }
  /** Lane-wise `a != b` (true for a NaN). */
  f32x4Ne(): this {
    return this.emit(SIMD, 0x42);
  }
  f32Gt(): this {
    return this.emit(0x5e);
  }
  f32Ne(): this {
    return this.emit(0x5c);
  }
  v128And(): this {
    return this.emit(SIMD, 0x4e);
  }
  /** `a & ~b`. */
  v128AndNot(): this {
    return this.emit(SIMD, 0x4f);
  }
  v128Or(): this {
    return this.emit(SIMD, 0x50);
  }
  /** `(a & c) | (b & ~c)` for operands a, b, c. */
  v128Bitselect(): this {
    return this.emit(SIMD, 0x52);
  }
  block(body: () => void): this {
    this.emit(BLOCK, EMPTY);
    body();
    return this.emit(END);
  }
  loop(body: () => void): this {
    this.emit(LOOP, EMPTY);
    body();
    return this.emit(END);
  }
  br(depth: number): this {
    return this.emit(BR, ...uleb(depth));
  }
  brIf(depth: number): this {
    return this.emit(BR_IF, ...uleb(depth));
  }
  /** `for (i = from; i < limit; i += step) body()` over i32 locals (`limit` a local). */
  forRange(i: number, limit: number, step: number, body: () => void): this {
    this.block(() =>
      this.loop(() => {
        this.get(i).get(limit).i32GeU().brIf(1);
        body();
        this.get(i).i32(step).i32Add().set(i).br(0);
      }),
    );
    return this;
  }
  finish(name: string): WasmFunction {
    const groups = this.localTypes.map((t) => [1, VALTYPE[t]]);
    return { name, params: this.params, body: [...vec(groups), ...this.code, END] };
  }
}

/**
 * A function of a module: `params` i32 parameters (byte offsets and counts), no result;
 * `body` is its locals' declaration then its code, ending with `end`.
 */
export interface WasmFunction {
  name: string;
  params: number;
  body: number[];
}

/** The bytes of a module importing `env.memory` and exporting `functions`. */
export function moduleBytes(
  functions: readonly WasmFunction[],
  shared: boolean,
): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [
    0x60,
    ...vec(Array.from({ length: f.params }, () => [I32])),
    0,
  ]);
  // The memory is declared with no minimum to speak of; a shared one (the threaded
  // backend's) must state the maximum emscripten gives it, 4 GiB.
  const limits = shared ? [0x03, 1, ...uleb(65536)] : [0x00, 1];
  const imports = vec([[...name("env"), ...name("memory"), 0x02, ...limits]]);
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(functions.map((f) => [...uleb(f.body.length), ...f.body]))),
  ];
  return new Uint8Array(bytes);
}

/** A compiled function: byte offsets into the backend's memory and counts. */
export type KernelFn = (...args: number[]) => void;

/**
 * Functions compiled on first use against the wasm backend's memory of that moment.
 * `get` is `null` where they cannot run: another backend, scopeflow's kernels turned
 * off, or no WebAssembly SIMD or compilation (then never tried again).
 */
export class WasmFunctions {
  private readonly make: () => readonly WasmFunction[];
  private memoryOf: WebAssembly.Memory | null = null;
  private exports: Record<string, KernelFn> | null = null;
  private failed = false;

  constructor(make: () => readonly WasmFunction[]) {
    this.make = make;
  }

  /** The memory the functions were compiled against (after a successful `get`). */
  memory(): WebAssembly.Memory | null {
    return this.memoryOf;
  }

  get(name: string): KernelFn | null {
    if (!enabled || this.failed) return null;
    const memory = wasmBackendMemory();
    if (memory === null) return null;
    if (this.exports === null || this.memoryOf !== memory) {
      try {
        const shared =
          typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
        const module = new WebAssembly.Module(moduleBytes(this.make(), shared));
        const instance = new WebAssembly.Instance(module, { env: { memory } });
        this.exports = instance.exports as unknown as Record<string, KernelFn>;
        this.memoryOf = memory;
      } catch {
        // No SIMD, or compilation refused (CSP): the callers' other paths, for good.
        this.failed = true;
        return null;
      }
    }
    return this.exports[name] ?? null;
  }
}

/** Elementwise kernels described by expressions, compiled into one module. */
export class ElementwiseKernels {
  /**
   * One module per kernel: browsers refuse to compile a module of more than 4 KB
   * synchronously on the main thread (Chrome), and each kernel is well under that.
   */
  private readonly functions = new Map<string, WasmFunctions>();

  constructor(specs: readonly ElementwiseKernelSpec[]) {
    for (const spec of specs) {
      this.functions.set(spec.name, new WasmFunctions(() => [elementwiseFunction(spec)]));
    }
  }

  /**
   * Runs kernel `name` on float32 wasm tensors: `arrays` of one size (the outputs'),
   * `scalars` of one element. `null` when it cannot run here (other backend, dtype, no
   * WebAssembly SIMD): the caller computes the values another way.
   */
  run(
    name: string,
    arrays: readonly tfc.Tensor[],
    scalars: readonly tfc.Tensor[],
    outputs: number,
  ): tfc.Tensor[] | null {
    const fn = this.functions.get(name)?.get(name) ?? null;
    if (fn === null) return null;
    const first = arrays[0] as tfc.Tensor;
    return float32HeapCall([...arrays, ...scalars], outputs, first.shape, (ins, outs) =>
      fn(...ins, ...outs, first.size),
    );
  }
}

let enabled = true;

/**
 * Turns scopeflow's compiled kernels off (or back on), so that tests can compare them with
 * the paths taken where WebAssembly compilation is refused. Returns the previous setting.
 */
export function setWasmKernelsEnabled(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}
