import { ValueError } from "../../errors.js";
import {
  booleanKind,
  declare,
  defineParams,
  dtypeKind,
  intOrTensorKind,
  kind,
  opt,
  req,
  shapeKind,
  stringKind,
  tensorKind,
  type CallArgs,
  type OptionsOf,
} from "../../graph/call_args.js";
import { asDType, type DType } from "../../graph/dtypes.js";
import type { Graph } from "../../graph/graph.js";
import type { Operation } from "../../graph/operation.js";
import { Tensor, type TensorLike } from "../../graph/tensor.js";
import { TensorShape, type ShapeLike } from "../../graph/tensor_shape.js";
import { cast, castIn } from "../array/cast.js";
import { shape as shapeOf } from "../array/shape.js";
import { sliceHelper } from "../array/strided_slice.js";
import { convertToTensor } from "../convert.js";
import { range } from "../math/range.js";
import { identity } from "../math/unary.js";
import { inOpScope } from "../op_scope.js";
import { constantInts } from "../tensor_util.js";
import {
  tensorArrayCloseV3,
  tensorArrayConcatV3,
  tensorArrayGatherV3,
  tensorArrayGradV3,
  tensorArrayReadV3,
  tensorArrayScatterV3,
  tensorArraySizeV3,
  tensorArraySplitV3,
  tensorArrayV3,
  tensorArrayWriteV3,
} from "./tensor_array_ops.js";

/**
 * What the TensorArrays of one array share in TF (the same Python lists): the element
 * shape inferred so far and the value later writes colocate with.
 */
interface Shared {
  elementShape: TensorShape;
  colocateWith: Tensor | null;
}

const handleKind = kind<Tensor>("a Tensor", (v) => v instanceof Tensor);

/**
 * TF 1.15's `TensorArray(dtype, size=None, dynamic_size=None, clear_after_read=None,
 * tensor_array_name=None, handle=None, flow=None, infer_shape=True, element_shape=None,
 * colocate_with_first_write_call=True, name=None)`.
 */
const TENSOR_ARRAY_PARAMS = [
  req("dtype", dtypeKind),
  opt("size", intOrTensorKind),
  opt("dynamicSize", booleanKind),
  opt("clearAfterRead", booleanKind),
  opt("tensorArrayName", stringKind),
  opt("handle", handleKind),
  opt("flow", handleKind),
  opt("inferShape", booleanKind),
  opt("elementShape", shapeKind),
  opt("colocateWithFirstWriteCall", booleanKind),
  opt("name", stringKind),
] as const;
const TENSOR_ARRAY_P = defineParams("TensorArray", TENSOR_ARRAY_PARAMS);

/** The options object of {@link TensorArray}. */
export type TensorArrayOptions = OptionsOf<typeof TENSOR_ARRAY_PARAMS>;

const READ_P = defineParams("TensorArray.read", [
  req("index", tensorKind),
  opt("name", stringKind),
] as const);
const WRITE_P = defineParams("TensorArray.write", [
  req("index", tensorKind),
  req("value", tensorKind),
  opt("name", stringKind),
] as const);
const NAME_P = defineParams("TensorArray.stack", [opt("name", stringKind)] as const);
const GATHER_P = defineParams("TensorArray.gather", [
  req("indices", tensorKind),
  opt("name", stringKind),
] as const);
const UNSTACK_P = defineParams("TensorArray.unstack", [
  req("value", tensorKind),
  opt("name", stringKind),
] as const);
const SCATTER_P = defineParams("TensorArray.scatter", [
  req("indices", tensorKind),
  req("value", tensorKind),
  opt("name", stringKind),
] as const);
const SPLIT_P = defineParams("TensorArray.split", [
  req("value", tensorKind),
  req("lengths", tensorKind),
  opt("name", stringKind),
] as const);
const GRAD_P = defineParams("TensorArray.grad", [
  req("source", stringKind),
  opt("flow", handleKind),
  opt("name", stringKind),
] as const);

/** `ops.colocate_with(t)`: ops built in `fn` are colocated with `t`'s op (`_class`, device). */
function colocatedWith<T>(graph: Graph, t: Tensor, fn: () => T): T {
  return graph.colocateWith(t.op, fn);
}

/**
 * A dynamically sized, write-once array of tensors living for one `Session.run`
 * (`tf.TensorArray`, TF 1.15's graph-mode `_GraphTensorArray`), built on TF's ops
 * `TensorArrayV3`, `TensorArrayWriteV3`, `TensorArrayReadV3`, `TensorArrayGatherV3`, … .
 * Each method that writes returns a new `TensorArray` whose `flow` carries the write, so
 * reads see the writes they follow; in a loop body the flow is the loop variable. Reads
 * and writes are differentiable (`tf.gradients` builds TF's gradient arrays).
 *
 * @example
 * ```ts
 * let ta = new tf.TensorArray(tf.float32, { size: 2 });
 * ta = ta.write(0, [1, 2]).write(1, [3, 4]);
 * const s = ta.stack();
 * s.name; // ==> TensorArrayStack/TensorArrayGatherV3:0
 * using sess = new tf.Session();
 * sess.run(s); // ==> [[1. 2.]
 *              //      [3. 4.]]
 * ```
 */
export class TensorArray {
  private readonly _dtype: DType;
  private readonly _handle: Tensor;
  private readonly _flow: Tensor;
  private readonly inferShapeFlag: boolean;
  private dynamicSizeFlag: boolean;
  private readonly colocateWithFirstWriteCall: boolean;
  private shared: Shared;

  constructor(...args: CallArgs<typeof TENSOR_ARRAY_PARAMS>) {
    const a = TENSOR_ARRAY_P.parse(args);
    const handle = a.handle ?? null;
    if (handle !== null && a.tensorArrayName) {
      throw new ValueError("Cannot construct with both handle and tensor_array_name");
    }
    if (handle === null && a.size === undefined) {
      throw new ValueError("Size must be provided if handle is not provided");
    }
    if (handle !== null && a.size !== undefined) {
      throw new ValueError("Cannot provide both a handle and size at the same time");
    }
    if (handle !== null && a.elementShape !== undefined) {
      throw new ValueError("Cannot provide both a handle and element_shape at the same time");
    }
    if (handle !== null && a.dynamicSize !== undefined) {
      throw new ValueError("Cannot provide both a handle and dynamic_size at the same time");
    }
    if (handle !== null && a.clearAfterRead !== undefined) {
      throw new ValueError("Cannot provide both a handle and clear_after_read at the same time");
    }
    if (handle !== null && a.flow === undefined) {
      throw new ValueError("flow must not be None if handle is not None.");
    }
    this._dtype = asDType(a.dtype);
    this.dynamicSizeFlag = a.dynamicSize ?? false;
    this.colocateWithFirstWriteCall = a.colocateWithFirstWriteCall ?? true;
    this.inferShapeFlag = a.inferShape ?? true;
    const elementShape = TensorShape.from((a.elementShape ?? null) as ShapeLike | null);
    this.shared = { elementShape, colocateWith: null };
    if (handle !== null) {
      this._handle = handle;
      this._flow = a.flow as Tensor;
      return;
    }
    const size = a.size as TensorLike;
    const attrs = {
      dtype: this._dtype,
      elementShape,
      dynamicSize: this.dynamicSizeFlag,
      clearAfterRead: a.clearAfterRead ?? true,
      identicalElementShapes: this.inferShapeFlag,
      tensorArrayName: a.tensorArrayName ?? "",
    };
    const [h, f] = inOpScope(a.name, "TensorArray", [size], (scope, graph) => {
      // Created without a device: with `colocateWithFirstWriteCall`, the writes place it.
      const create = () => tensorArrayV3(graph, scope, size, attrs);
      return this.colocateWithFirstWriteCall ? graph.device(null, create) : create();
    });
    this._handle = h;
    this._flow = f;
  }

  /** The `float32` scalar whose value orders the ops on this array (`TensorArray.flow`). */
  get flow(): Tensor {
    return this._flow;
  }

  /** The element dtype. */
  get dtype(): DType {
    return this._dtype;
  }

  /** The array's resource handle (output 0 of `TensorArrayV3`, dtype `resource`). */
  get handle(): Tensor {
    return this._handle;
  }

  /** The static element shape inferred so far (`TensorArray.element_shape`). */
  get elementShape(): TensorShape {
    return this.shared.elementShape;
  }

  /** Whether writes infer and check one element shape (`infer_shape`). */
  get inferShape(): boolean {
    return this.inferShapeFlag;
  }

  /** Whether writes may grow the array past its size (`dynamic_size`). */
  get dynamicSize(): boolean {
    return this.dynamicSizeFlag;
  }

  private get graph(): Graph {
    return this._handle.graph;
  }

  /** `_check_element_shape`: every write must fit the element shape; it refines it. */
  private checkElementShape(shape: TensorShape): void {
    const current = this.shared.elementShape;
    if (!shape.isCompatibleWith(current)) {
      throw new ValueError(
        `Inconsistent shapes: saw ${shape.toString()} but expected ${current.toString()} `,
      );
    }
    if (this.inferShapeFlag) this.shared.elementShape = current.mergeWith(shape);
  }

  /** `_maybe_colocate_with`: writes go where the first written value is. */
  private maybeColocate<T>(value: Tensor, fn: () => T): T {
    if (!this.colocateWithFirstWriteCall) return fn();
    if (this.shared.colocateWith === null) {
      this.shared.colocateWith = value;
      this.graph.onUndo(() => {
        this.shared.colocateWith = null;
      });
    }
    return colocatedWith(this.graph, this.shared.colocateWith, fn);
  }

  /**
   * `build_ta_with_new_flow`: the same array, later in its flow (see
   * {@link buildTaWithNewFlow}).
   *
   * @internal
   */
  withFlow(flow: Tensor): TensorArray {
    const ta = new TensorArray(this._dtype, {
      handle: this._handle,
      flow,
      inferShape: this.inferShapeFlag,
      colocateWithFirstWriteCall: this.colocateWithFirstWriteCall,
    });
    ta.dynamicSizeFlag = this.dynamicSizeFlag;
    ta.shared = this.shared;
    return ta;
  }

  /** Records a change of the element shape in the graph's undo log. */
  private guarded<T>(fn: () => T): T {
    const before = this.shared.elementShape;
    const shared = this.shared;
    return this.graph.atomically(() => {
      this.graph.onUndo(() => {
        shared.elementShape = before;
      });
      return fn();
    });
  }

  /**
   * The same array with a new flow passed through `Identity` (`TensorArray.identity`):
   * what a loop body returns so that the next iteration's ops follow this one's.
   */
  identity(): TensorArray {
    return this.withFlow(identity(this._flow));
  }

  /**
   * A `TensorArray` holding this array's gradients for the `tf.gradients` call `source`
   * (`TensorArrayGrad/TensorArrayGradV3`), created once per source at run time.
   */
  grad(...args: CallArgs<typeof GRAD_P.params>): TensorArray {
    const a = GRAD_P.parse(args);
    const flowIn = a.flow ?? this._flow;
    const graph = this.graph;
    return inOpScope(a.name, "TensorArrayGrad", [this._handle], () =>
      colocatedWith(graph, this._handle, () => {
        const [gHandle] = tensorArrayGradV3(this._handle, flowIn, a.source, a.name);
        const flow = graph.controlDependencies([gHandle.op], () =>
          identity(flowIn, { name: "gradient_flow" }),
        );
        const g = new TensorArray(this._dtype, {
          handle: gHandle,
          flow,
          inferShape: this.inferShapeFlag,
          colocateWithFirstWriteCall: false,
        });
        g.shared = this.shared;
        return g;
      }),
    );
  }

  /** The element at `index` (`TensorArrayReadV3`); its static shape is the element shape. */
  read(...args: CallArgs<typeof READ_P.params>): Tensor {
    const a = READ_P.parse(args);
    const value = tensorArrayReadV3(this._handle, a.index, this._flow, this._dtype, a.name);
    value.setShape(this.shared.elementShape);
    return value;
  }

  /** Writes `value` at `index` (`TensorArrayWrite/TensorArrayWriteV3`); the array after it. */
  write(...args: CallArgs<typeof WRITE_P.params>): TensorArray {
    const a = WRITE_P.parse(args);
    return this.guarded(() =>
      inOpScope(a.name, "TensorArrayWrite", [this._handle, a.index, a.value], () => {
        const value = convertToTensor(a.value, { name: "value", preferredDtype: this._dtype });
        this.checkElementShape(value.shape);
        const flow = this.maybeColocate(value, () =>
          tensorArrayWriteV3(this._handle, a.index, value, this._flow, a.name),
        );
        return this.withFlow(flow);
      }),
    );
  }

  /**
   * All elements stacked into one tensor (`TensorArrayStack/TensorArrayGatherV3` of
   * `range(0, size())`).
   */
  stack(...args: CallArgs<typeof NAME_P.params>): Tensor {
    const a = NAME_P.parse(args);
    const graph = this.graph;
    return colocatedWith(graph, this._handle, () =>
      inOpScope(a.name, "TensorArrayStack", [this._handle], () =>
        this.gather(range(0, this.size()), { name: a.name }),
      ),
    );
  }

  /** The elements at `indices`, stacked (`TensorArrayGatherV3`). */
  gather(...args: CallArgs<typeof GATHER_P.params>): Tensor {
    const a = GATHER_P.parse(args);
    const elementShape = this.shared.elementShape;
    const value = tensorArrayGatherV3(
      this._handle,
      a.indices,
      this._flow,
      this._dtype,
      elementShape,
      a.name,
    );
    if (elementShape.dims !== null) value.setShape([null, ...elementShape.dims]);
    return value;
  }

  /** All elements concatenated along their first dimension (`TensorArrayConcatV3`). */
  concat(...args: CallArgs<typeof NAME_P.params>): Tensor {
    const a = NAME_P.parse(args);
    const dims = this.shared.elementShape.dims;
    const except0 = dims === null ? TensorShape.unknown() : new TensorShape(dims.slice(1));
    const [value] = tensorArrayConcatV3(this._handle, this._flow, this._dtype, except0, a.name);
    if (dims !== null) value.setShape([null, ...dims.slice(1)]);
    return value;
  }

  /**
   * Writes the rows of `value` at 0, 1, … (`TensorArrayUnstack/TensorArrayScatter`).
   *
   * @example
   * ```ts
   * const x = tf.constant([[1, 2], [3, 4], [5, 6]]);
   * const ta = new tf.TensorArray(tf.float32, { size: 3 }).unstack(x);
   * const [g] = tf.gradients(tf.reduceSum(tf.square(ta.read(1))), [x]);
   * using sess = new tf.Session();
   * sess.run(ta.read(2)); // ==> [5. 6.]
   * sess.run(g); // ==> [[0. 0.]
   *              //      [6. 8.]
   *              //      [0. 0.]]
   * ```
   */
  unstack(...args: CallArgs<typeof UNSTACK_P.params>): TensorArray {
    const a = UNSTACK_P.parse(args);
    return inOpScope(a.name, "TensorArrayUnstack", [this._handle, a.value], () => {
      const numElements = sliceHelper(shapeOf(a.value), [0]);
      return this.scatter(range(0, numElements), a.value, { name: a.name });
    });
  }

  /** Writes the rows of `value` at `indices` (`TensorArrayScatter/TensorArrayScatterV3`). */
  scatter(...args: CallArgs<typeof SCATTER_P.params>): TensorArray {
    const a = SCATTER_P.parse(args);
    return this.guarded(() =>
      inOpScope(a.name, "TensorArrayScatter", [this._handle, a.value, a.indices], () => {
        const value = convertToTensor(a.value, { name: "value", preferredDtype: this._dtype });
        const dims = value.shape.dims;
        this.checkElementShape(
          dims === null ? TensorShape.unknown() : new TensorShape(dims.slice(1)),
        );
        const flow = this.maybeColocate(value, () =>
          tensorArrayScatterV3(this._handle, a.indices, value, this._flow, a.name),
        );
        return this.withFlow(flow);
      }),
    );
  }

  /**
   * Splits `value` along its first dimension into pieces of `lengths` rows, one per
   * element (`TensorArraySplit/TensorArraySplitV3`).
   */
  split(...args: CallArgs<typeof SPLIT_P.params>): TensorArray {
    const a = SPLIT_P.parse(args);
    return this.guarded(() =>
      inOpScope(a.name, "TensorArraySplit", [this._handle, a.value, a.lengths], () => {
        const value = convertToTensor(a.value, { name: "value", dtype: this._dtype });
        return this.maybeColocate(value, () => {
          // `math_ops.cast`: a JS list becomes an int32 `Cast/x` and a `Cast`.
          const lengths =
            a.lengths instanceof Tensor
              ? cast(a.lengths, "int64")
              : inOpScope(undefined, "Cast", [], (scope, graph) =>
                  castIn(graph, scope, convertToTensor(a.lengths, { name: "x" }), "int64"),
                );
          const known = constantInts(lengths);
          const dims = value.shape.dims;
          if (dims !== null && known !== null && known.length > 0) {
            if (Math.max(...known) === Math.min(...known)) {
              this.checkElementShape(new TensorShape([known[0] as number, ...dims.slice(1)]));
            }
          }
          const flow = tensorArraySplitV3(this._handle, value, lengths, this._flow, a.name);
          return this.withFlow(flow);
        });
      }),
    );
  }

  /** The number of elements (`TensorArraySizeV3`), an int32 scalar. */
  size(...args: CallArgs<typeof NAME_P.params>): Tensor {
    const a = NAME_P.parse(args);
    return tensorArraySizeV3(this._handle, this._flow, a.name);
  }

  /** Frees the elements for the rest of the run (`TensorArrayCloseV3`). */
  close(...args: CallArgs<typeof NAME_P.params>): Operation {
    const a = NAME_P.parse(args);
    return tensorArrayCloseV3(this._handle, a.name);
  }
}
declare(TensorArray, TENSOR_ARRAY_P);

/**
 * TF's `build_ta_with_new_flow(old_ta, flow)`: the array `ta` stands for, at `flow` (what a
 * loop rebuilds from a flow it carried as a loop variable, or its body receives).
 *
 * @example
 * ```ts
 * const ta = new tf.TensorArray(tf.float32, { size: 1 });
 * const later = buildTaWithNewFlow(ta, ta.write(0, 7).flow);
 * later.handle === ta.handle; // ==> true
 * using sess = new tf.Session();
 * sess.run(later.read(0)); // ==> 7.0
 * ```
 */
export function buildTaWithNewFlow(ta: TensorArray, flow: Tensor): TensorArray {
  return ta.withFlow(flow);
}

/**
 * `_convert_tensorarray_to_flow`: what control flow carries for `value` — a TensorArray's
 * flow, or `value` as a tensor.
 */
export function flowOf(value: unknown): Tensor {
  if (value instanceof TensorArray) return value.flow;
  return value instanceof Tensor ? value : convertToTensor(value as TensorLike);
}

/**
 * `_convert_flows_to_tensorarrays`: `flows` with each one standing for a TensorArray of
 * `originals` (same position) rebuilt as that array at the new flow.
 */
export function withArraysOf(originals: readonly unknown[], flows: readonly Tensor[]): unknown[] {
  if (originals.length !== flows.length) {
    throw new ValueError(
      `Lengths of original Tensor list and new list do not match: ${originals.length} vs. ${flows.length}`,
    );
  }
  return flows.map((f, i) => {
    const orig = originals[i];
    return orig instanceof TensorArray ? orig.withFlow(f) : f;
  });
}
