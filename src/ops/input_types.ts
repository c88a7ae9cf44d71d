/**
 * op_def_library's input checks (`_apply_op_helper`), driven by the registered OpDefs: every
 * op built through `makeOp` has its inputs' dtypes checked against its type's OpDef, with
 * TensorFlow's messages, before any node exists. Per op type, the OpDef is compiled once
 * into a small plan (args → attr slots, a Set of allowed dtypes per type attr), so the check
 * costs a few comparisons per input.
 */
import { ValueError } from "../errors.js";
import type { DType } from "../graph/dtypes.js";
import type { AttrValue } from "../graph/operation.js";
import { pyRepr, pyTypeName } from "../graph/pyformat.js";
import { isTensorConvertible, Tensor } from "../graph/tensor.js";
import { convertToTensor, type Packable } from "./convert.js";
import { dataTypeSpelling, type AttrDefMessage, type OpDefMessage } from "./op_def.js";
import { getOpDef } from "./registry.js";

/** TF's spellings in OpDefs that `DType.name` prints otherwise (`half` is `float16`). */
const PRINTED: Readonly<Record<string, string>> = {
  half: "float16",
  float: "float32",
  double: "float64",
};

/** An OpDef's type spelling (`half`, `float`, `int32`) as `dtypes.as_dtype(x).name` prints it. */
export function printedTypeName(spelled: string): string {
  return PRINTED[spelled] ?? spelled;
}

/** A DataType enum value as TF's `dtypes.as_dtype(x).name` prints it. */
export function dtypeName(type: number): string {
  return printedTypeName(dataTypeSpelling(type));
}

/** A type attr (`T: {float, int32}`) or type-list attr: its allowed dtypes, when restricted. */
interface TypeSlot {
  readonly name: string;
  /** The allowed dtypes by name (`float32`, `float16`, …); `null` when any type goes. */
  readonly allowed: ReadonlySet<string> | null;
  /** The allowed list as op_def_library prints it. */
  readonly printed: string;
}

interface ArgPlan {
  readonly name: string;
  /** A fixed dtype (`axis: int32`), by name; `null` for a type attr's or type-list's arg. */
  readonly fixed: string | null;
  /** Index into the plan's type slots, or -1. */
  readonly typeSlot: number;
  /** Whether the slot is a `list(type)` attr (one dtype per tensor). */
  readonly typeList: boolean;
  /** The number attr of an `N * T` arg, or `null`. */
  readonly numberAttr: string | null;
  /** The number attr's minimum (`N: int >= 2`), or 0. */
  readonly minimum: number;
  readonly isRef: boolean;
}

/**
 * A constraint op_def_library checks on an attr the builder gives (not one the inputs
 * infer): an `int >= n`, a list's minimum length, a string's or a dtype's allowed values.
 */
type AttrCheck =
  | { readonly kind: "min"; readonly name: string; readonly minimum: number }
  | { readonly kind: "listMin"; readonly name: string; readonly minimum: number }
  | { readonly kind: "strings"; readonly name: string; readonly allowed: readonly string[] }
  | { readonly kind: "type"; readonly name: string; readonly slot: TypeSlot }
  | { readonly kind: "typeList"; readonly name: string; readonly slot: TypeSlot };

interface InputPlan {
  readonly type: string;
  readonly args: readonly ArgPlan[];
  readonly slots: readonly TypeSlot[];
  /** No list args: input `i` is arg `i`. */
  readonly simple: boolean;
  /** In OpDef order, as op_def_library converts the attrs (after every input). */
  readonly attrChecks: readonly AttrCheck[];
}

const plans = new Map<string, InputPlan | null>();

function compile(type: string, def: OpDefMessage): InputPlan {
  const slots: TypeSlot[] = [];
  const slotOf = new Map<string, number>();
  const attrs = def.attr ?? [];
  const slotIndex = (attrName: string): number => {
    const known = slotOf.get(attrName);
    if (known !== undefined) return known;
    slots.push(
      typeSlot(
        attrName,
        attrs.find((a) => a.name === attrName),
      ),
    );
    slotOf.set(attrName, slots.length - 1);
    return slots.length - 1;
  };
  let simple = true;
  const args = (def.inputArg ?? []).map((a): ArgPlan => {
    const numberAttr = a.numberAttr ? a.numberAttr : null;
    const typeList = Boolean(a.typeListAttr);
    if (numberAttr !== null || typeList) simple = false;
    const typeAttr = a.typeAttr || a.typeListAttr || "";
    const nadef = numberAttr === null ? undefined : attrs.find((x) => x.name === numberAttr);
    return {
      name: a.name ?? "",
      fixed: typeAttr === "" ? dtypeName(a.type ?? 0) : null,
      typeSlot: typeAttr === "" ? -1 : slotIndex(typeAttr),
      typeList,
      numberAttr,
      minimum: nadef?.hasMinimum ? Number(nadef.minimum ?? 0) : 0,
      isRef: a.isRef === true,
    };
  });
  const inferred = new Set<string>(slotOf.keys());
  for (const a of def.inputArg ?? []) if (a.numberAttr) inferred.add(a.numberAttr);
  return { type, args, slots, simple, attrChecks: attrChecksOf(attrs, inferred) };
}

function typeSlot(name: string, adef: AttrDefMessage | undefined): TypeSlot {
  const listed = adef?.allowedValues?.list?.type ?? [];
  const names = listed.map(dtypeName);
  return {
    name,
    allowed: listed.length > 0 ? new Set(names) : null,
    printed: names.join(", "),
  };
}

const utf8 = new TextDecoder();

/** The constraints of the attrs the inputs do not infer, in OpDef order. */
function attrChecksOf(
  attrs: readonly AttrDefMessage[],
  inferred: ReadonlySet<string>,
): AttrCheck[] {
  const checks: AttrCheck[] = [];
  for (const a of attrs) {
    const name = a.name ?? "";
    if (inferred.has(name)) continue;
    const type = a.type ?? "";
    const minimum = a.hasMinimum ? Number(a.minimum ?? 0) : null;
    if (type.startsWith("list(") && minimum !== null)
      checks.push({ kind: "listMin", name, minimum });
    if (type === "int" && minimum !== null) checks.push({ kind: "min", name, minimum });
    const strings = a.allowedValues?.list?.s ?? [];
    if (type === "string" && strings.length > 0)
      checks.push({ kind: "strings", name, allowed: strings.map((b) => utf8.decode(b)) });
    if ((a.allowedValues?.list?.type ?? []).length > 0) {
      if (type === "type") checks.push({ kind: "type", name, slot: typeSlot(name, a) });
      else if (type === "list(type)")
        checks.push({ kind: "typeList", name, slot: typeSlot(name, a) });
    }
  }
  return checks;
}

/**
 * op_def_library's checks of the attrs the builder gives, in its words: `Attr 'num_split'
 * of 'Split' Op passed 0 less than minimum 1.`, a string or a dtype not among the allowed.
 * Attrs left out take their defaults, which satisfy their constraints.
 */
function checkAttrs(plan: InputPlan, attrs: Readonly<Record<string, AttrValue>>): void {
  for (const c of plan.attrChecks) {
    const v = attrs[c.name];
    if (v === undefined || v === null) continue;
    switch (c.kind) {
      case "min":
        if (typeof v === "number" && v < c.minimum)
          throw new ValueError(
            `Attr '${c.name}' of '${plan.type}' Op passed ${v} less than minimum ${c.minimum}.`,
          );
        break;
      case "listMin":
        if (Array.isArray(v) && v.length < c.minimum)
          throw new ValueError(
            `Attr '${c.name}' of '${plan.type}' Op passed list of length ${v.length} less than minimum ${c.minimum}.`,
          );
        break;
      case "strings":
        if (typeof v === "string" && !c.allowed.includes(v))
          throw new ValueError(
            `Attr '${c.name}' of '${plan.type}' Op passed string '${v}' not in: "${c.allowed.join('", "')}".`,
          );
        break;
      case "type":
        if (typeof v === "string" && c.slot.allowed !== null && !c.slot.allowed.has(v))
          throw notAllowed(c.slot, c.name, v);
        break;
      case "typeList":
        if (Array.isArray(v))
          for (const d of v)
            if (typeof d === "string" && c.slot.allowed !== null && !c.slot.allowed.has(d))
              throw notAllowed(c.slot, c.name, d);
        break;
    }
  }
}

function planOf(type: string): InputPlan | null {
  let plan = plans.get(type);
  if (plan === undefined) {
    const def = getOpDef(type);
    plan = def === undefined ? null : compile(type, def);
    plans.set(type, plan);
  }
  return plan;
}

// Per-call state, reused: the check runs to completion before another can start.
let bound: (string | readonly string[] | undefined)[] = [];
let boundFrom: string[] = [];

function notAllowed(slot: TypeSlot, param: string, dtype: string): TypeError {
  return new TypeError(
    `Value passed to parameter '${param}' has DataType ${dtype} not in list of allowed values: ${slot.printed}`,
  );
}

function refRequired(type: string, arg: ArgPlan): TypeError {
  return new TypeError(
    `'${type}' Op requires that input '${arg.name}' be a mutable tensor (e.g.: a tf.Variable)`,
  );
}

/** One single-tensor arg, as op_def_library checks it. */
function checkOne(plan: InputPlan, arg: ArgPlan, t: Tensor): void {
  const dtype: string = t.dtype;
  if (arg.fixed !== null) {
    if (dtype !== arg.fixed)
      throw new TypeError(
        `Input '${arg.name}' of '${plan.type}' Op has type ${dtype} that does not match expected type of ${arg.fixed}.`,
      );
  } else {
    const k = arg.typeSlot;
    const have = bound[k];
    if (have === undefined) {
      const slot = plan.slots[k] as TypeSlot;
      if (slot.allowed !== null && !slot.allowed.has(dtype))
        throw notAllowed(slot, arg.name, dtype);
      bound[k] = dtype;
      boundFrom[k] = arg.name;
    } else if (have !== dtype) {
      throw new TypeError(
        `Input '${arg.name}' of '${plan.type}' Op has type ${dtype} that does not match type ${String(have)} of argument '${boundFrom[k]}'.`,
      );
    }
  }
  if (arg.isRef && !t.isRef) throw refRequired(plan.type, arg);
}

/** How many inputs each arg takes: from the builder's attrs, earlier args, or what is left. */
function argCounts(
  plan: InputPlan,
  count: number,
  attrs: Readonly<Record<string, AttrValue>>,
): number[] | null {
  const counts: number[] = [];
  let unknown = -1;
  let known = 0;
  for (let i = 0; i < plan.args.length; i++) {
    const arg = plan.args[i] as ArgPlan;
    let n = 1;
    if (arg.numberAttr !== null) {
      const given = attrs[arg.numberAttr];
      const earlier = plan.args.findIndex((a, j) => j < i && a.numberAttr === arg.numberAttr);
      n = typeof given === "number" ? given : earlier >= 0 ? (counts[earlier] as number) : -1;
    } else if (arg.typeList) {
      const given = attrs[(plan.slots[arg.typeSlot] as TypeSlot).name];
      n = Array.isArray(given) ? given.length : -1;
    }
    if (n < 0) {
      // Two args of unknown length: the split is the builder's to say.
      if (unknown >= 0) return null;
      unknown = i;
    } else {
      known += n;
    }
    counts.push(n);
  }
  if (unknown >= 0) {
    if (count < known) return null;
    counts[unknown] = count - known;
    // A later arg sharing the number attr takes the same count.
    const attr = plan.args[unknown]?.numberAttr;
    if (attr !== null && plan.args.some((a, j) => j > unknown && a.numberAttr === attr))
      return null;
  } else if (known !== count) {
    return null;
  }
  return counts;
}

/** A list arg (`N * T`, `N * int32`, `Tlist`), as op_def_library checks it. */
function checkList(
  plan: InputPlan,
  arg: ArgPlan,
  values: readonly Tensor[],
  numberBound: Map<string, [number, string]>,
): void {
  const k = arg.typeSlot;
  const have = k >= 0 ? bound[k] : undefined;
  if (!arg.typeList) {
    // `internal_convert_n_to_tensor` to the arg's dtype (fixed, bound earlier, or the
    // first tensor's) fails on any other dtype.
    const want = arg.fixed ?? (have as string | undefined) ?? values[0]?.dtype;
    if (values.some((v) => v.dtype !== want)) {
      const prefix = `Tensors in list passed to '${arg.name}' of '${plan.type}' Op have types [${values.map((v) => v.dtype).join(", ")}]`;
      if (arg.fixed !== null)
        throw new TypeError(`${prefix} that do not match expected type ${arg.fixed}.`);
      if (have !== undefined)
        throw new TypeError(
          `${prefix} that do not match type ${String(have)} inferred from earlier arguments.`,
        );
      throw new TypeError(`${prefix} that don't all match.`);
    }
    const n = arg.numberAttr as string;
    const earlier = numberBound.get(n);
    if (earlier !== undefined) {
      if (earlier[0] !== values.length)
        throw new ValueError(
          `List argument '${arg.name}' to '${plan.type}' Op with length ${values.length} must match length ${earlier[0]} of argument '${earlier[1]}'.`,
        );
    } else {
      numberBound.set(n, [values.length, arg.name]);
      if (values.length < arg.minimum)
        throw new ValueError(
          `List argument '${arg.name}' to '${plan.type}' Op with length ${values.length} shorter than minimum length ${arg.minimum}.`,
        );
    }
    if (arg.fixed === null && have === undefined) {
      const first = values[0];
      if (first === undefined)
        throw new TypeError(
          `Don't know how to infer type variable from empty input list passed to input '${arg.name}' of '${plan.type}' Op.`,
        );
      const slot = plan.slots[k] as TypeSlot;
      if (slot.allowed !== null && !slot.allowed.has(first.dtype))
        throw notAllowed(slot, arg.name, first.dtype);
      bound[k] = first.dtype;
      boundFrom[k] = arg.name;
    }
  } else {
    const types = values.map((v) => v.dtype as string);
    if (have !== undefined) {
      const haveList = have as readonly string[];
      if (haveList.length !== types.length || haveList.some((d, i) => d !== types[i]))
        throw new TypeError(
          `Input '${arg.name}' of '${plan.type}' Op has type list of ${types.join(", ")} that does not match type list ${haveList.join(", ")} of argument '${boundFrom[k]}'.`,
        );
    } else {
      const slot = plan.slots[k] as TypeSlot;
      for (const d of types)
        if (slot.allowed !== null && !slot.allowed.has(d)) throw notAllowed(slot, arg.name, d);
      bound[k] = types;
      boundFrom[k] = arg.name;
    }
  }
  if (arg.isRef) for (const v of values) if (!v.isRef) throw refRequired(plan.type, arg);
}

/**
 * Checks the inputs of an op of `type` about to be built against its OpDef, as
 * op_def_library does: a type attr is bound by the first input it types and checked for
 * the others, against its allowed values; list args have one dtype and their number
 * attr's length; fixed-type and reference inputs are what they must be. Throws
 * TensorFlow's `TypeError`/`ValueError`. Op types without an OpDef (scopeflow's own, a
 * library function's call) are not checked here.
 */
export function checkOpInputs(
  type: string,
  inputs: readonly Tensor[],
  attrs: Readonly<Record<string, AttrValue>>,
): void {
  const plan = planOf(type);
  if (plan === null) return;
  resetBound(plan);
  const args = plan.args;
  if (plan.simple) {
    // A builder giving another count builds what no OpDef describes; export says so.
    if (inputs.length !== args.length) return;
    for (let i = 0; i < args.length; i++) checkOne(plan, args[i] as ArgPlan, inputs[i] as Tensor);
  } else {
    const counts = argCounts(plan, inputs.length, attrs);
    if (counts === null) return;
    const numberBound = new Map<string, [number, string]>();
    let at = 0;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as ArgPlan;
      const n = counts[i] as number;
      if (arg.numberAttr === null && !arg.typeList) checkOne(plan, arg, inputs[at] as Tensor);
      else checkList(plan, arg, inputs.slice(at, at + n), numberBound);
      at += n;
    }
  }
  checkGivenTypeAttrs(plan, attrs);
  if (plan.attrChecks.length > 0) checkAttrs(plan, attrs);
}

/**
 * {@link checkOpInputs} on the inputs grouped by OpDef arg, as op_def_library receives
 * them (a list per list arg): for builders whose list args may differ in length
 * (`DynamicStitch`'s `indices` and `data`), which the flat inputs cannot tell apart.
 */
export function checkOpArgs(type: string, args: readonly (Tensor | readonly Tensor[])[]): void {
  const plan = planOf(type);
  if (plan === null || args.length !== plan.args.length) return;
  resetBound(plan);
  const numberBound = new Map<string, [number, string]>();
  for (let i = 0; i < args.length; i++) {
    const arg = plan.args[i] as ArgPlan;
    const value = args[i] as Tensor | readonly Tensor[];
    if (Array.isArray(value)) checkList(plan, arg, value as readonly Tensor[], numberBound);
    else checkOne(plan, arg, value as Tensor);
  }
}

/**
 * Checks the first inputs of an op with single-tensor args only, before the rest are
 * converted: op_def_library checks each input as it converts it, so `tf.add(bools, 2)` is
 * refused for `x`'s dtype before `2` fails to become a bool.
 */
export function checkLeadingInputs(type: string, inputs: readonly Tensor[]): void {
  const plan = planOf(type);
  if (plan === null || !plan.simple || inputs.length > plan.args.length) return;
  resetBound(plan);
  for (let i = 0; i < inputs.length; i++)
    checkOne(plan, plan.args[i] as ArgPlan, inputs[i] as Tensor);
}

function resetBound(plan: InputPlan): void {
  const nslots = plan.slots.length;
  if (bound.length < nslots) {
    bound = new Array<undefined>(nslots);
    boundFrom = new Array<string>(nslots);
  }
  for (let k = 0; k < nslots; k++) bound[k] = undefined;
}

/**
 * A type attr the builder also passes must be the one the inputs bind: a mismatch is a
 * builder's bug (the node would be exported with a wrong `T`), caught where it is made.
 */
function checkGivenTypeAttrs(plan: InputPlan, attrs: Readonly<Record<string, AttrValue>>): void {
  for (let k = 0; k < plan.slots.length; k++) {
    const have = bound[k];
    if (have === undefined || typeof have !== "string") continue;
    const slot = plan.slots[k] as TypeSlot;
    const given = attrs[slot.name];
    if (given !== undefined && given !== have)
      throw new Error(
        `Op ${plan.type}: attr '${slot.name}' is ${String(given)}, but input '${boundFrom[k]}' is ${have}.`,
      );
  }
}

/** Python's `type(value).__name__` of a JS value standing for a Python one. */
function pythonType(value: unknown): string {
  if (Array.isArray(value)) return "list";
  if (typeof value === "string") return "str";
  return pyTypeName(value);
}

/**
 * op_def_library's conversion of a plain JS value to an input whose type attr an earlier
 * input bound: `convert` makes the tensor of `dtype`, and its `TypeError` (`Expected int32,
 * got 1.5 of type 'float' instead.`) is reported as op_def_library reports it, naming the
 * parameter and the op.
 */
export function convertToBoundType<T>(
  value: unknown,
  dtype: DType,
  param: string,
  type: string,
  convert: () => T,
): T {
  try {
    return convert();
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    throw new TypeError(
      `Expected ${dtype} passed to parameter '${param}' of op '${type}', got ${pyRepr(value)} of type '${pythonType(value)}' instead. Error: ${e.message}`,
    );
  }
}

/**
 * op_def_library's conversion of an input whose type attr an earlier input bound to
 * `dtype`: a plain JS value becomes a tensor of `dtype` (its `TypeError` reported as
 * {@link convertToBoundType} does), while a tensor stays as it is, for the OpDef check to
 * refuse another dtype in TF's words (`Input 'updates' of 'ScatterUpdate' Op has type
 * int32 that does not match type float32 of argument 'ref'.`) rather than conversion's.
 */
export function convertBound(value: Packable, dtype: DType, param: string, type: string): Tensor {
  if (value instanceof Tensor || isTensorConvertible(value))
    return convertToTensor(value, { name: param, preferredDtype: dtype });
  return convertToBoundType(value, dtype, param, type, () =>
    convertToTensor(value, { name: param, dtype }),
  );
}
