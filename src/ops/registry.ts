import type * as tfc from "@tensorflow/tfjs-core";
import type { DType } from "../graph/dtypes.js";
import type { Graph } from "../graph/graph.js";
import type { AttrValue, Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import type { TensorShape } from "../graph/tensor_shape.js";
import { buildOpDef, isScopeflowOnly, type OpDeclaration, type OpDefMessage } from "./op_def.js";
import type { IndexedSlices } from "./indexed_slices.js";

/**
 * What a kernel may ask of the session running it: variable storage and random streams.
 * Implemented by `session/`; kernels never see the session itself.
 */
export interface KernelRuntime {
  /** The current value of the variable a `VariableV2` op holds; throws if uninitialized. */
  readVariable(variableOp: Operation, reader: Operation): tfc.Tensor;
  /** Replaces a variable's value; the runtime takes ownership of `value`. */
  writeVariable(variableOp: Operation, value: tfc.Tensor): void;
  /** Whether the variable has a value. */
  isVariableInitialized(variableOp: Operation): boolean;
  /** A seed for this run of a random op, repeatable per session when the graph is seeded. */
  nextRandomSeed(op: Operation): number | undefined;
  /**
   * For a seeded op drawing from TF's Philox stream (`GuardedPhiloxRandom`): the 128-bit
   * blocks its earlier runs in this session reserved, reserving `blocks` more for this run;
   * `undefined` for an unseeded op.
   */
  reservePhiloxBlocks(op: Operation, blocks: number): number | undefined;
  /**
   * Prepares a part of the graph to be run many times by one kernel (a `tf.data`
   * function): `fetches` computed from `feeds`, pruned and ordered once; `targets` run
   * too (a function body's stateful ops, which TF runs whether or not a result needs them).
   */
  prepareSubgraph(
    fetches: readonly Tensor[],
    feeds: readonly Tensor[],
    targets?: readonly Operation[],
  ): SubgraphPlan;
  /**
   * Runs a prepared part of the graph. `feedValues` stay the caller's; the returned
   * tensors are the caller's to free.
   */
  runSubgraph(plan: SubgraphPlan, feedValues: readonly tfc.Tensor[]): tfc.Tensor[];
  /**
   * Keeps `value` for a later kernel of the same run (a `TensorArray`, a stack of a loop's
   * values read by its gradient loop) and returns a handle to it; the value is freed when
   * the run ends.
   */
  stash(value: Stashable): number;
  /** The value a `stash` handle stands for; throws if the run no longer holds it. */
  stashed(handle: number): Stashable;
  /**
   * The state a stateful op keeps in this session between runs (an iterator's position),
   * made by `create` on first use; disposed when the session closes.
   */
  resource<T extends Stashable>(op: Operation, create: () => T): T;
  /** The session's resource variables (`VarHandleOp`'s), reached through their handles. */
  readonly resourceVariables: ResourceVariableStore;
  /** Where printing ops (`PrintV2`, `Print`) write: the session's output sink. */
  readonly output: OutputSink;
}

/**
 * Where TensorFlow's printing kernels write, as `PrintV2`'s `output_stream` attr names it:
 * the process's standard streams, a logging level, or `file://` and a path to append to.
 */
export type OutputStream =
  "stdout" | "stderr" | "log(info)" | "log(warning)" | "log(error)" | `file://${string}`;

/**
 * Receives what printing ops print: `text` is exactly what TensorFlow writes to `stream`
 * (with its line end). A session owns one (`Session.output`), so tests and apps can capture it.
 */
export interface OutputSink {
  write(stream: OutputStream, text: string): void;
}

/**
 * A session's resource variables, keyed as TensorFlow's resource manager keys them: by
 * container and shared name, so two `VarHandleOp`s naming the same pair share one value.
 * A handle is the number a `VarHandleOp` kernel outputs; values written during a run are
 * kept aside until the run succeeds, as for reference variables.
 */
export interface ResourceVariableStore {
  /** The handle of the variable `container`/`sharedName` (made on first use). */
  handleOf(container: string, sharedName: string): number;
  /** The current value; throws TensorFlow's error when the variable has none. */
  read(handle: number, reader: Operation): tfc.Tensor;
  /** Replaces the value; the store takes ownership of `value`. */
  write(handle: number, value: tfc.Tensor): void;
  /** Whether the variable has a value. */
  isInitialized(handle: number): boolean;
  /** Drops the value (`DestroyResourceOp`); `false` when there was none. */
  destroy(handle: number): boolean;
  /** `container/shared_name`, as TensorFlow's errors name the variable. */
  describe(handle: number): { container: string; name: string };
}

/** A value a kernel can hand to a later kernel of the same run. */
export interface Stashable {
  dispose(): void;
}

/** A part of the graph prepared by `KernelRuntime.prepareSubgraph`; opaque to kernels. */
export interface SubgraphPlan {
  readonly fetchCount: number;
}

/**
 * Computes an op's outputs from its inputs' values. `inputs` holds the values of the
 * inputs that are not taken by reference (see `refInputs`), in order. Returned tensors
 * are owned by the caller: a kernel must not return one of its inputs as is (clone it),
 * so that the executor can free each tensor exactly once.
 */
export type Kernel = (
  inputs: readonly tfc.Tensor[],
  op: Operation,
  runtime: KernelRuntime,
) => tfc.Tensor[];

/**
 * Builds the gradient ops of an op (used by `tf.gradients`): one per input, `null` for
 * none; an `IndexedSlices` for the rows of a sparse gradient (`GatherV2`'s params).
 */
export type GradientFunction = (
  op: Operation,
  grads: (Tensor | null)[],
) => (Tensor | IndexedSlices | null)[];

/**
 * What a shape function sees of an op about to be created from a `NodeDef` (graph import):
 * its name and type, its input tensors (already in the graph, so `constantValue` reads
 * constant inputs), its attrs as `op.attrs` will hold them, and its output dtypes.
 */
export interface ShapeInferenceOp {
  readonly name: string;
  readonly type: string;
  readonly inputs: readonly Tensor[];
  readonly attrs: Readonly<Record<string, AttrValue>>;
  readonly outputDTypes: readonly DType[];
  /** The producer version of the GraphDef the op comes from (old graphs had other rules). */
  readonly graphDefVersion: number;
  /** The graph the op goes into: a call's shapes are its function's, from the library. */
  readonly graph?: Graph;
}

/**
 * TensorFlow's shape function of an op type (`REGISTER_OP(...).SetShapeFn`), for ops that
 * are not built by their builder (graph import): the static shape of each output, with
 * TensorFlow's error for inputs that cannot go together. Fewer shapes than outputs leaves
 * the rest unknown.
 */
export type ShapeFunction = (op: ShapeInferenceOp) => readonly TensorShape[];

/** The runtime definition of an op type. */
export interface OpDefinition {
  type: string;
  /**
   * The op's TensorFlow signature (`REGISTER_OP`'s inputs, outputs and attrs), which graph
   * export writes and checks nodes against; or why the op type is scopeflow's own.
   */
  opDef?: OpDeclaration;
  kernel: Kernel;
  /** Input positions taken by reference (written to, not read): `Assign`'s first input. */
  refInputs?: readonly number[];
  /**
   * For ops whose output is a reference to a variable (`VariableV2`, `Assign`): which
   * variable, given the op. The executor keeps a ref, and reads it when consumed.
   */
  refOutput?: (op: Operation) => Operation;
  /** Whether results vary between runs with equal inputs (random, variable ops). */
  stateful?: boolean;
  /** Constant ops: the value never changes, so a session may keep it between runs. */
  constant?: boolean;
  /**
   * A control flow primitive, which the executor runs itself (dead values, loop frames):
   * `Switch`, `Merge`, `Enter`, `Exit`, `NextIteration`, and `ControlTrigger` (never dead).
   */
  flow?: "switch" | "merge" | "enter" | "exit" | "nextIteration" | "controlTrigger";
  /** The op's shape function, used where no builder inferred the shapes (graph import). */
  inferShapes?: ShapeFunction;
}

const definitions = new Map<string, OpDefinition>();

/**
 * Registers an op type's kernel (and gradient). One registration per op type; op files
 * call this at import time, as tfjs-core's kernel registry does.
 */
export function registerOp(def: OpDefinition): void {
  if (definitions.has(def.type)) throw new Error(`Op type ${def.type} is already registered.`);
  definitions.set(def.type, def);
}

const shapeFunctions = new Map<string, ShapeFunction>();

/**
 * Registers the shape function of op types whose registration does not carry one (shape
 * functions shared by a family of ops live together); one per op type.
 */
export function registerShapeFunction(fn: ShapeFunction, ...types: string[]): void {
  for (const type of types) {
    if (shapeFunctions.has(type) || definitions.get(type)?.inferShapes !== undefined)
      throw new Error(`Shape function for op type ${type} is already registered.`);
    shapeFunctions.set(type, fn);
  }
}

/** The shape function of an op type, or `undefined` when it has none (shapes unknown). */
export function getShapeFunction(type: string): ShapeFunction | undefined {
  return definitions.get(type)?.inferShapes ?? shapeFunctions.get(type);
}

/** The definition of an op type, or `undefined`. */
export function getOpDefinition(type: string): OpDefinition | undefined {
  return definitions.get(type);
}

/**
 * An op type that is not in the registry but names a function of a graph's library (TF's
 * direct function call, whose NodeDef's `op` is the function's name): its definition, its
 * OpDef (the function's signature) and how `tf.gradients` treats it.
 */
export interface FunctionCallOp {
  readonly definition: OpDefinition;
  readonly opDef: OpDefMessage;
  readonly gradient: GradientEntry;
}

type FunctionCallResolver = (graph: Graph, type: string) => FunctionCallOp | undefined;

let functionCallResolver: FunctionCallResolver = () => undefined;

/**
 * Installs how op types naming library functions are resolved. The function-call ops'
 * module installs it once: the registry is static, a graph's library is per graph.
 */
export function installFunctionCallResolver(resolver: FunctionCallResolver): void {
  functionCallResolver = resolver;
}

/** The function call an op type of `graph` stands for, when it names a library function. */
export function functionCallOf(graph: Graph, type: string): FunctionCallOp | undefined {
  return definitions.has(type) ? undefined : functionCallResolver(graph, type);
}

/** The definition of an op type as `graph` sees it: registered, or a library function's call. */
export function opDefinitionIn(graph: Graph, type: string): OpDefinition | undefined {
  return definitions.get(type) ?? functionCallResolver(graph, type)?.definition;
}

/** The OpDef of an op type as `graph` sees it (a library function's signature for a call). */
export function opDefIn(graph: Graph, type: string): OpDefMessage | undefined {
  return definitions.has(type) ? getOpDef(type) : functionCallResolver(graph, type)?.opDef;
}

/** All registered op types. */
export function registeredOpTypes(): string[] {
  return [...definitions.keys()];
}

/**
 * What `tf.gradients` does on reaching an op type:
 * - `function`: builds its gradient (`ops.RegisterGradient`);
 * - `notDifferentiable`: nothing flows through it (`ops.NotDifferentiable`), as for `Shape`;
 * - `none`: fails, naming the op. `implementedByTensorFlow` tells the case TensorFlow 1.15
 *   defines a gradient scopeflow lacks (its error says so) from TensorFlow's own lack of one
 *   (e.g. the optimizers' `Apply*` ops), which TensorFlow's docs ask to leave undeclared.
 */
export type GradientEntry =
  | { readonly kind: "function"; readonly fn: GradientFunction }
  | { readonly kind: "notDifferentiable" }
  | { readonly kind: "none"; readonly implementedByTensorFlow: boolean };

const gradientEntries = new Map<string, GradientEntry>();

function declareGradient(type: string, entry: GradientEntry): void {
  if (gradientEntries.has(type))
    throw new Error(`Gradient for op type ${type} is already registered.`);
  gradientEntries.set(type, entry);
}

/**
 * Registers how to differentiate an op type (`ops.RegisterGradient`). Separate from
 * kernels, as in TensorFlow: gradient files register for op types defined in `ops/`.
 */
export function registerGradient(type: string, gradient: GradientFunction): void {
  declareGradient(type, { kind: "function", fn: gradient });
}

/** Declares op types not differentiable (`ops.NotDifferentiable`): no gradient flows. */
export function notDifferentiable(...types: string[]): void {
  for (const type of types) declareGradient(type, { kind: "notDifferentiable" });
}

/**
 * Declares that op types have no gradient: `tf.gradients` fails on reaching one.
 * `implementedByTensorFlow`: TensorFlow 1.15 has one that scopeflow does not implement.
 */
export function noGradient(implementedByTensorFlow: boolean, ...types: string[]): void {
  for (const type of types) declareGradient(type, { kind: "none", implementedByTensorFlow });
}

/** How an op type is differentiated, or `undefined` when nothing was declared. */
export function gradientEntry(type: string): GradientEntry | undefined {
  return gradientEntries.get(type);
}

/** How an op is differentiated: its type's entry, or its library function's for a call. */
export function gradientEntryOf(op: Operation): GradientEntry | undefined {
  return gradientEntries.get(op.type) ?? functionCallOf(op.graph, op.type)?.gradient;
}

/**
 * The gradient function of an op type: a function, `null` (not differentiable), or
 * `undefined` (no gradient).
 */
export function getGradientFunction(type: string): GradientFunction | null | undefined {
  const entry = gradientEntries.get(type);
  if (entry === undefined || entry.kind === "none") return undefined;
  return entry.kind === "function" ? entry.fn : null;
}

const builtOpDefs = new Map<string, OpDefMessage>();

/**
 * The `tensorflow.OpDef` of a registered op type, built from its declaration; `undefined`
 * when the type is unregistered, undeclared, or scopeflow's own (see {@link OpDefinition.opDef}).
 */
export function getOpDef(type: string): OpDefMessage | undefined {
  const cached = builtOpDefs.get(type);
  if (cached !== undefined) return cached;
  const decl = definitions.get(type)?.opDef;
  if (decl === undefined || isScopeflowOnly(decl)) return undefined;
  const def = buildOpDef(type, decl);
  builtOpDefs.set(type, def);
  return def;
}
