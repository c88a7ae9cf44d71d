/**
 * op_def_library's input checks (TF 1.15 `_apply_op_helper`), made once for every op built
 * through the op registry: calls TensorFlow refuses while building, with its exact
 * messages, leave the graph as it was; imported nodes that break their OpDef are refused.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { checkOpArgs } from "../../src/ops/input_types.js";
import { buildOp } from "../../src/ops/op_scope.js";
import { TensorShape } from "../../src/graph/tensor_shape.js";
import { expectThrowsAndUnchanged, graphState } from "../graph/helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const f32 = (): tf.Tensor => tf.constant([1, 2]);
const i32 = (): tf.Tensor => tf.constant([1, 2], tf.int32);
const bools = (): tf.Tensor => tf.constant([true, false]);
const strs = (): tf.Tensor => tf.constant(["a", "b"]);

/** TF 1.15's allowed lists, as `dtypes.as_dtype(t).name` prints them. */
const ADD =
  "bfloat16, float16, float32, float64, uint8, int8, int16, int32, int64, complex64, complex128, string";
const ARITH =
  "bfloat16, float16, float32, float64, uint8, int8, uint16, int16, int32, int64, complex64, complex128";
const MINMAX = "bfloat16, float16, float32, float64, int32, int64";
const COMPARE =
  "float32, float64, int32, uint8, int16, int8, int64, bfloat16, uint16, float16, uint32, uint64";

describe("op_def_library's checks of inputs against the OpDef", () => {
  // [what, inputs built before the call, the refused call, error class, TF's message]
  const cases: [
    string,
    () => tf.Tensor[],
    (xs: tf.Tensor[]) => unknown,
    new (...a: never[]) => Error,
    string,
  ][] = [
    [
      "tf.add on bools",
      () => [bools(), bools()],
      ([x, y]) => tf.add(x!, y!),
      TypeError,
      `Value passed to parameter 'x' has DataType bool not in list of allowed values: ${ADD}`,
    ],
    [
      "tf.add of int32 and float32",
      () => [i32(), f32()],
      ([x, y]) => tf.add(x!, y!),
      TypeError,
      "Input 'y' of 'Add' Op has type float32 that does not match type int32 of argument 'x'.",
    ],
    [
      "tf.subtract on bools",
      () => [bools(), bools()],
      ([x, y]) => tf.subtract(x!, y!),
      TypeError,
      `Value passed to parameter 'x' has DataType bool not in list of allowed values: ${ARITH}`,
    ],
    [
      "tf.multiply on strings",
      () => [strs(), strs()],
      ([x, y]) => tf.multiply(x!, y!),
      TypeError,
      `Value passed to parameter 'x' has DataType string not in list of allowed values: ${ARITH}`,
    ],
    [
      "tf.maximum on strings",
      () => [strs(), strs()],
      ([x, y]) => tf.maximum(x!, y!),
      TypeError,
      `Value passed to parameter 'x' has DataType string not in list of allowed values: ${MINMAX}`,
    ],
    [
      "tf.minimum on bools",
      () => [bools(), bools()],
      ([x, y]) => tf.minimum(x!, y!),
      TypeError,
      `Value passed to parameter 'x' has DataType bool not in list of allowed values: ${MINMAX}`,
    ],
    [
      "tf.floormod on bools",
      () => [bools(), bools()],
      ([x, y]) => tf.floormod(x!, y!),
      TypeError,
      "Value passed to parameter 'x' has DataType bool not in list of allowed values: int32, int64, bfloat16, float16, float32, float64",
    ],
    [
      "tf.pow on bools",
      () => [bools(), bools()],
      ([x, y]) => tf.pow(x!, y!),
      TypeError,
      "Value passed to parameter 'x' has DataType bool not in list of allowed values: bfloat16, float32, float16, float64, int32, int64, complex64, complex128",
    ],
    [
      "tf.matmul on bools",
      () => [tf.constant([[true]]), tf.constant([[false]])],
      ([a, b]) => tf.matmul(a!, b!),
      TypeError,
      "Value passed to parameter 'a' has DataType bool not in list of allowed values: bfloat16, float16, float32, float64, int32, complex64, complex128",
    ],
    [
      "tf.matmul on int64 (TF 1.15's MatMul has no int64 kernel type)",
      () => [tf.constant([[1]], tf.int64), tf.constant([[1]], tf.int64)],
      ([a, b]) => tf.matmul(a!, b!),
      TypeError,
      "Value passed to parameter 'a' has DataType int64 not in list of allowed values: bfloat16, float16, float32, float64, int32, complex64, complex128",
    ],
    [
      "tf.matmul of float32 and int32",
      () => [tf.constant([[1]]), tf.constant([[1]], tf.int32)],
      ([a, b]) => tf.matmul(a!, b!),
      TypeError,
      "Input 'b' of 'MatMul' Op has type int32 that does not match type float32 of argument 'a'.",
    ],
    [
      "tf.addN on bools",
      () => [bools(), bools()],
      (xs) => tf.addN(xs),
      TypeError,
      "Value passed to parameter 'inputs' has DataType bool not in list of allowed values: float32, float64, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, float16, uint32, uint64, variant",
    ],
    [
      "tf.addN of mixed dtypes (and shapes: the dtypes are checked first)",
      () => [tf.constant([1]), tf.constant([1, 2], tf.int32)],
      (xs) => tf.addN(xs),
      TypeError,
      "Tensors in list passed to 'inputs' of 'AddN' Op have types [float32, int32] that don't all match.",
    ],
    [
      "tf.concat of mixed dtypes",
      () => [f32(), i32()],
      (xs) => tf.concat(xs, 0),
      TypeError,
      "Tensors in list passed to 'values' of 'ConcatV2' Op have types [float32, int32] that don't all match.",
    ],
    [
      "tf.concat along a float axis",
      () => [f32(), f32(), tf.constant(0)],
      ([a, b, axis]) => tf.concat([a!, b!], axis!),
      TypeError,
      "Value passed to parameter 'axis' has DataType float32 not in list of allowed values: int32, int64",
    ],
    [
      "tf.stack of mixed dtypes",
      () => [f32(), i32()],
      (xs) => tf.stack(xs),
      TypeError,
      "Tensors in list passed to 'values' of 'Pack' Op have types [float32, int32] that don't all match.",
    ],
    [
      "tf.stack of mixed dtypes on axis 1",
      () => [f32(), i32()],
      (xs) => tf.stack(xs, 1),
      TypeError,
      "Tensors in list passed to 'values' of 'Pack' Op have types [float32, int32] that don't all match.",
    ],
    [
      "tf.dynamicStitch of lists of two lengths",
      () => [i32(), i32(), f32()],
      ([a, b, d]) => tf.dynamicStitch([a!, b!], [d!]),
      ValueError(),
      "List argument 'data' to 'DynamicStitch' Op with length 1 must match length 2 of argument 'indices'.",
    ],
    [
      "tf.dynamicStitch of float indices",
      () => [f32(), f32()],
      ([a, d]) => tf.dynamicStitch([a!], [d!]),
      TypeError,
      "Tensors in list passed to 'indices' of 'DynamicStitch' Op have types [float32] that do not match expected type int32.",
    ],
    [
      "tf.dynamicStitch of data of two dtypes",
      () => [i32(), i32(), f32(), i32()],
      ([a, b, c, d]) => tf.dynamicStitch([a!, b!], [c!, d!]),
      TypeError,
      "Tensors in list passed to 'data' of 'DynamicStitch' Op have types [float32, int32] that don't all match.",
    ],
    [
      "tf.less on bools",
      () => [bools(), bools()],
      ([x, y]) => tf.less(x!, y!),
      TypeError,
      `Value passed to parameter 'x' has DataType bool not in list of allowed values: ${COMPARE}`,
    ],
    [
      "tf.greaterEqual on strings",
      () => [strs(), strs()],
      ([x, y]) => tf.greaterEqual(x!, y!),
      TypeError,
      `Value passed to parameter 'x' has DataType string not in list of allowed values: ${COMPARE}`,
    ],
    [
      "tf.less of bools of two shapes (the dtype before the shapes)",
      () => [bools(), tf.constant([true, false, true])],
      ([x, y]) => tf.less(x!, y!),
      TypeError,
      `Value passed to parameter 'x' has DataType bool not in list of allowed values: ${COMPARE}`,
    ],
    [
      "tf.equal of int32 and float32",
      () => [i32(), f32()],
      ([x, y]) => tf.equal(x!, y!),
      TypeError,
      "Input 'y' of 'Equal' Op has type float32 that does not match type int32 of argument 'x'.",
    ],
    [
      "tf.logicalAnd on a float",
      () => [f32(), bools()],
      ([x, y]) => tf.logicalAnd(x!, y!),
      TypeError,
      "Input 'x' of 'LogicalAnd' Op has type float32 that does not match expected type of bool.",
    ],
    [
      "tf.where of values of two dtypes",
      () => [bools(), strs(), f32()],
      ([c, x, y]) => tf.where(c!, x!, y!),
      TypeError,
      "Input 'e' of 'Select' Op has type float32 that does not match type string of argument 't'.",
    ],
    [
      "tf.add of int32 and a JS float (converted to the int32 `x` bound)",
      () => [i32()],
      ([x]) => tf.add(x!, 1.5),
      TypeError,
      "Expected int32 passed to parameter 'y' of op 'Add', got 1.5 of type 'float' instead. Error: Expected int32, got 1.5 of type 'float' instead.",
    ],
    [
      "tf.subtract of int32 and a JS list holding a float",
      () => [i32()],
      ([x]) => tf.subtract(x!, [1, 2.5]),
      TypeError,
      "Expected int32 passed to parameter 'y' of op 'Sub', got [1, 2.5] of type 'list' instead. Error: Expected int32, got 2.5 of type 'float' instead.",
    ],
    [
      "tf.maximum of bools and a JS number (x refused before y converts)",
      () => [bools()],
      ([x]) => tf.maximum(x!, 2),
      TypeError,
      `Value passed to parameter 'x' has DataType bool not in list of allowed values: ${MINMAX}`,
    ],
    [
      "tf.matmul of int32 and a JS float matrix (converted on its own first)",
      () => [tf.constant([[1]], tf.int32)],
      ([a]) => tf.matmul(a!, [[1.5]]),
      TypeError,
      "Input 'b' of 'MatMul' Op has type float32 that does not match type int32 of argument 'a'.",
    ],
    [
      "tf.reduceAll of int32 (All's input is a fixed bool)",
      () => [i32()],
      ([x]) => tf.reduceAll(x!),
      TypeError,
      "Input 'input' of 'All' Op has type int32 that does not match expected type of bool.",
    ],
    [
      "tf.reduceSum along a float axis",
      () => [f32(), tf.constant(0)],
      ([x, axis]) => tf.reduceSum(x!, axis!),
      TypeError,
      "Value passed to parameter 'reduction_indices' has DataType float32 not in list of allowed values: int32, int64",
    ],
  ];

  for (const [what, inputs, call, errorClass, message] of cases) {
    it(`refuses ${what}, leaving the graph unchanged`, () => {
      const xs = inputs();
      expectThrowsAndUnchanged(() => call(xs), errorClass, message);
    });
  }

  it("frees nothing it reserved: the next op takes the name the refused one would have", () => {
    const [x, y] = [bools(), bools()];
    const before = graphState();
    expect(() => tf.add(x, y)).toThrow(TypeError);
    expect(graphState()).toEqual(before);
    expect(tf.add(f32(), f32()).op.name).toBe("Add");
  });

  it("refuses a value input where the OpDef takes a reference", () => {
    const [x, value] = [f32(), f32()];
    expectThrowsAndUnchanged(
      () =>
        buildOp("Assign", [x, value], [{ dtype: "float32", shape: new TensorShape([2]) }], {
          T: "float32",
        }),
      TypeError,
      "'Assign' Op requires that input 'ref' be a mutable tensor (e.g.: a tf.Variable)",
    );
    const v = tf.getVariable("v", [2], { initializer: tf.zerosInitializer() });
    expect(tf.assign(v, x).op.type).toBe("Assign");
  });

  it("refuses a list shorter than its number attr's minimum", () => {
    const x = f32();
    const axis = tf.constant(0, tf.int32);
    expectThrowsAndUnchanged(
      () => buildOp("ConcatV2", [x, axis], [{ dtype: "float32", shape: new TensorShape([2]) }], {}),
      ValueError(),
      "List argument 'values' to 'ConcatV2' Op with length 1 shorter than minimum length 2.",
    );
  });

  it("checks each dtype of a list(type) input against the attr's allowed values", () => {
    const serialized = tf.constant(["x"]);
    const names = tf.constant([], tf.string);
    const key = tf.constant("k");
    expect(() =>
      checkOpArgs("ParseExample", [serialized, names, [], [key], [tf.constant([1], tf.int64)]]),
    ).not.toThrow();
    expect(() =>
      checkOpArgs("ParseExample", [serialized, names, [], [key, key], [f32(), bools()]]),
    ).toThrow(
      new TypeError(
        "Value passed to parameter 'dense_defaults' has DataType bool not in list of allowed values: float32, int64, string",
      ),
    );
    expect(() => checkOpArgs("ParseExample", [serialized, names, [], [f32()], [f32()]])).toThrow(
      new TypeError(
        "Tensors in list passed to 'dense_keys' of 'ParseExample' Op have types [float32] that do not match expected type string.",
      ),
    );
  });

  it("builds what TF builds: strings add, any dtype tiles, int64 means", () => {
    expect(tf.add(strs(), strs()).dtype).toBe("string");
    expect(tf.tile(strs(), [2]).shape.toString()).toBe("(4,)");
    expect(tf.reduceMean(tf.constant([1, 3], tf.int64)).dtype).toBe("int64");
    expect(tf.addN([i32(), i32()]).dtype).toBe("int32");
    expect(tf.add(i32(), 2).dtype).toBe("int32");
    expect(tf.multiply(2, i32()).dtype).toBe("int32");
    expect(tf.stack([i32(), i32()], 1).shape.toString()).toBe("(2, 2)");
    using sess = new tf.Session();
    const s = tf.dynamicStitch([i32(), tf.constant([0], tf.int32)], [f32(), tf.constant([7])]);
    expect(Array.from(sess.run(s).data as Float32Array)).toEqual([7, 1, 2]);
  });
});

describe("tf.importGraphDef: nodes that break their OpDef", () => {
  const gdef = (text: string): ReturnType<typeof tf.GraphDef.fromText> =>
    tf.GraphDef.fromText(`versions { producer: 27 }\n${text}`);
  const boolConst = (name: string): string => `
    node { name: '${name}' op: 'Const'
      attr { key: 'dtype' value { type: DT_BOOL } }
      attr { key: 'value' value { tensor { dtype: DT_BOOL tensor_shape {} bool_val: true } } } }`;
  const intConst = (name: string): string => `
    node { name: '${name}' op: 'Const'
      attr { key: 'dtype' value { type: DT_INT32 } }
      attr { key: 'value' value { tensor { dtype: DT_INT32 tensor_shape {} int_val: 1 } } } }`;

  it("refuses a type attr outside the OpDef's allowed values", () => {
    const def = gdef(`${boolConst("a")}${boolConst("b")}
      node { name: 'add' op: 'AddV2' input: 'a' input: 'b'
        attr { key: 'T' value { type: DT_BOOL } } }`);
    expectThrowsAndUnchanged(
      () => tf.importGraphDef(def),
      ValueError(),
      "Value for attr 'T' of bool is not in the list of allowed values: bfloat16, half, float, double, uint8, int8, int16, int32, int64, complex64, complex128; NodeDef: {{node add}}",
    );
  });

  it("refuses an input whose dtype is not the one the node's attrs give it", () => {
    const def = gdef(`${intConst("a")}${boolConst("b")}
      node { name: 'm' op: 'Maximum' input: 'a' input: 'b'
        attr { key: 'T' value { type: DT_INT32 } } }`);
    expectThrowsAndUnchanged(
      () => tf.importGraphDef(def),
      ValueError(),
      "Input 1 of node import/m was passed bool from import/b:0 incompatible with expected int32.",
    );
  });

  it("refuses a list input of another length than its number attr", () => {
    const def = gdef(`${intConst("a")}${intConst("b")}
      node { name: 's' op: 'AddN' input: 'a' input: 'b'
        attr { key: 'N' value { i: 3 } } attr { key: 'T' value { type: DT_INT32 } } }`);
    expectThrowsAndUnchanged(
      () => tf.importGraphDef(def),
      ValueError(),
      "NodeDef expected inputs 'int32, int32, int32' do not match 2 inputs specified; Op<name=AddN>; NodeDef: {{node s}}",
    );
  });
});

function ValueError(): new (...a: never[]) => Error {
  return tf.errors.ValueError;
}
