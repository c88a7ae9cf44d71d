/**
 * `tf.layers` naming and sharing (TensorFlow 1.15's `tf.layers.Layer`): variable-scope
 * numbering per enclosing variable scope, op names per name scope, the per-graph counter
 * behind `layer.name`, reuse by name and inside reusing scopes, and the collections.
 * Expected names follow TensorFlow's own tests (`layers/base_test.py`, `core_test.py`).
 */
import { beforeEach, describe, expect, test } from "vitest";
import * as tf from "../../src/index.js";
import { errorOf, expectSameItems, expectThrowsAndUnchanged } from "../graph/helpers.js";
import { collectionNames, opsUnder, runInitialized, variableSummary } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const x = () => tf.placeholder(tf.float32, [null, 3], { name: "x" });

describe("variable scope and op names", () => {
  test("unnamed layers: dense, dense_1; ops in the matching name scopes", () => {
    const inputs = x();
    const a = tf.layers.dense(inputs, 2);
    const b = tf.layers.dense(a, 4);
    expect(variableSummary()).toEqual([
      "dense/kernel (3, 2)",
      "dense/bias (2,)",
      "dense_1/kernel (2, 4)",
      "dense_1/bias (4,)",
    ]);
    expect(a.op.name).toBe("dense/BiasAdd");
    expect(b.op.name).toBe("dense_1/BiasAdd");
    expect(tf.getDefaultGraph().getOperationByName("dense_1/MatMul").type).toBe("MatMul");
  });

  test("different layer types count separately: conv2d_1 after dense", () => {
    const img = tf.placeholder(tf.float32, [null, 6, 6, 1]);
    tf.layers.conv2d(img, 2, 3);
    tf.layers.dense(x(), 2);
    const c = tf.layers.conv2d(img, 2, 3);
    expect(variableSummary("conv2d_1")).toEqual([
      "conv2d_1/kernel (3, 3, 1, 2)",
      "conv2d_1/bias (2,)",
    ]);
    expect(c.op.name).toBe("conv2d_1/BiasAdd");
  });

  test("numbering is per enclosing variable scope; a name scope plays no part (base_test.testScopeNaming)", () => {
    const inputs = x();
    tf.layers.dense(inputs, 1);
    tf.layers.dense(inputs, 1);
    const inNameScope = tf.nameScope("some_name_scope", () => tf.layers.dense(inputs, 1));
    expect(variableSummary("dense_2")).toEqual(["dense_2/kernel (3, 1)", "dense_2/bias (1,)"]);
    // The op name scope is opened inside the name scope and numbered there.
    expect(inNameScope.op.name).toBe("some_name_scope/dense/BiasAdd");
    const scoped = tf.variableScope("var_scope", () => [
      tf.layers.dense(inputs, 1),
      tf.layers.dense(inputs, 1, { name: "my_layer" }),
    ]);
    expect(variableSummary("var_scope")).toEqual([
      "var_scope/dense/kernel (3, 1)",
      "var_scope/dense/bias (1,)",
      "var_scope/my_layer/kernel (3, 1)",
      "var_scope/my_layer/bias (1,)",
    ]);
    expect(scoped.map((t) => t.op.name)).toEqual([
      "var_scope/dense/BiasAdd",
      "var_scope/my_layer/BiasAdd",
    ]);
  });

  test("class layers named alike get my_layer, my_layer_1 scopes", () => {
    const inputs = x();
    const scopes = [0, 1, 2].map(() => {
      const layer = new tf.layers.Dense(1, { name: "my_layer" });
      layer.apply(inputs);
      return layer.scopeName;
    });
    expect(scopes).toEqual(["my_layer", "my_layer_1", "my_layer_2"]);
  });

  test("layer.name: a per-graph counter that starts at _1 (core_test.testDenseProperties)", () => {
    const named = new tf.layers.Dense(2, { name: "my_dense" });
    expect(named.name).toBe("my_dense");
    const first = new tf.layers.Dense(2);
    first.apply(tf.randomUniform([5, 2]));
    expect(first.name).toBe("dense_1");
    expect(first.scopeName).toBe("dense");
    const second = new tf.layers.Dense(2);
    second.apply(tf.randomUniform([5, 2]));
    expect(second.name).toBe("dense_2");
    expect(second.scopeName).toBe("dense_1");
    tf.resetDefaultGraph();
    expect(new tf.layers.Dense(2).name).toBe("dense_1");
  });

  test("scopeName before the first call is TensorFlow's ValueError", () => {
    const layer = new tf.layers.Dense(2, { name: "d" });
    expect(() => layer.scopeName).toThrow(tf.errors.ValueError);
    expect(errorOf(() => layer.scopeName).message).toContain(
      'because the layer "d" has not been used yet',
    );
  });

  test("a captured VariableScope as the name puts the variables directly in it", () => {
    const inputs = x();
    const y = tf.variableScope("test1", (scope) => tf.layers.dense(inputs, 2, { name: scope }));
    expect(variableSummary()).toEqual(["test1/kernel (3, 2)", "test1/bias (2,)"]);
    expect(y.op.name).toBe("test1/BiasAdd");
  });
});

describe("reuse", () => {
  test("the same name again without reuse: already exists, and the graph is unchanged", () => {
    const inputs = x();
    tf.layers.dense(inputs, 2, { name: "fc" });
    expectThrowsAndUnchanged(
      () => tf.layers.dense(inputs, 2, { name: "fc" }),
      tf.errors.ValueError,
      /^Variable fc\/kernel already exists, disallowed\. Did you mean to set reuse=True or reuse=tf\.AUTO_REUSE in VarScope\?/,
    );
  });

  test("reuse: true shares the variables; ops go under the next name scope", () => {
    const inputs = x();
    const a = tf.layers.dense(inputs, 2, { name: "fc" });
    const before = tf.trainableVariables();
    const b = tf.layers.dense(inputs, 2, { name: "fc", reuse: true });
    expectSameItems(tf.trainableVariables(), before);
    expect(a.op.name).toBe("fc/BiasAdd");
    expect(b.op.name).toBe("fc_1/BiasAdd");
    const out = runInitialized<tf.NDArray[]>([a, b], new Map([[inputs, [[1, 2, 3]]]]));
    expect(out[1]?.toArray()).toEqual(out[0]?.toArray());
  });

  test("reuse: true for a name never created: does not exist", () => {
    const inputs = x();
    expectThrowsAndUnchanged(
      () => tf.layers.dense(inputs, 2, { name: "nope", reuse: true }),
      tf.errors.ValueError,
      /^Variable nope\/kernel does not exist, or was not created with tf\.get_variable\(\)\. Did you mean to set reuse=tf\.AUTO_REUSE in VarScope\?/,
    );
  });

  test("reuse: tf.AUTO_REUSE creates, then shares", () => {
    const inputs = x();
    tf.layers.dense(inputs, 2, { name: "auto", reuse: tf.AUTO_REUSE });
    tf.layers.dense(inputs, 2, { name: "auto", reuse: tf.AUTO_REUSE });
    expect(variableSummary()).toEqual(["auto/kernel (3, 2)", "auto/bias (2,)"]);
  });

  test("inside a reusing variable scope, named and unnamed layers reuse (testFunctionalDenseTwiceReuseFromScope)", () => {
    const inputs = x();
    const first = tf.variableScope("scope", () => [
      tf.layers.dense(inputs, 2, { name: "my_dense" }),
      tf.layers.dense(inputs, 2),
    ]);
    const vars = tf.trainableVariables();
    const second = tf.variableScope("scope", { reuse: true }, () => [
      tf.layers.dense(inputs, 2, { name: "my_dense" }),
      tf.layers.dense(inputs, 2),
    ]);
    expectSameItems(tf.trainableVariables(), vars);
    expect(variableSummary()).toEqual([
      "scope/my_dense/kernel (3, 2)",
      "scope/my_dense/bias (2,)",
      "scope/dense/kernel (3, 2)",
      "scope/dense/bias (2,)",
    ]);
    expect(first.map((t) => t.op.name)).toEqual(["scope/my_dense/BiasAdd", "scope/dense/BiasAdd"]);
    expect(second.map((t) => t.op.name)).toEqual([
      "scope_1/my_dense/BiasAdd",
      "scope_1/dense/BiasAdd",
    ]);
  });

  test("unnamed layers in one opening of an AUTO_REUSE scope do not share (dense, dense_1)", () => {
    const inputs = x();
    tf.variableScope("block", { reuse: tf.AUTO_REUSE }, () => {
      tf.layers.dense(inputs, 2);
      tf.layers.dense(inputs, 2);
    });
    expect(variableSummary()).toEqual([
      "block/dense/kernel (3, 2)",
      "block/dense/bias (2,)",
      "block/dense_1/kernel (3, 2)",
      "block/dense_1/bias (2,)",
    ]);
  });

  test("a layer object called twice reuses its variables; ops get _1 in the same scope", () => {
    const layer = new tf.layers.Dense(2, { name: "my_dense", activation: tf.nn.relu });
    const y1 = layer.apply(x());
    const y2 = layer.apply(tf.placeholder(tf.float32, [4, 3]));
    expect(variableSummary()).toEqual(["my_dense/kernel (3, 2)", "my_dense/bias (2,)"]);
    expect(y1.op.name).toBe("my_dense/Relu");
    expect(y2.op.name).toBe("my_dense/Relu_1");
    expect(tf.getDefaultGraph().getOperationByName("my_dense/MatMul_1").type).toBe("MatMul");
    expectSameItems(layer.variables, [layer.kernel, layer.bias]);
    expectSameItems(layer.trainableVariables, [layer.kernel, layer.bias]);
    expect(layer.nonTrainableVariables).toEqual([]);
  });

  test("a custom getter of the enclosing scope sees both variables", () => {
    let called = 0;
    tf.variableScope(
      "test",
      {
        customGetter: (getter, name, options) => {
          called += 1;
          return getter(name, options);
        },
      },
      () => tf.layers.dense(x(), 2),
    );
    expect(called).toBe(2);
  });

  test("the scope's initializer applies to the kernel, not to the zeros bias", () => {
    tf.variableScope("scope", { initializer: tf.onesInitializer() }, () =>
      tf.layers.dense(tf.randomUniform([5, 3], { seed: 1 }), 2),
    );
    const [kernel, bias] = runInitialized<tf.NDArray[]>(tf.globalVariables());
    expect(kernel?.toArray()).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    expect(bias?.toArray()).toEqual([0, 0]);
  });
});

describe("trainable, regularizers, collections", () => {
  test("trainable: false keeps the variables out of TRAINABLE_VARIABLES", () => {
    const layer = new tf.layers.Dense(2, { trainable: false, name: "my_dense" });
    layer.apply(x());
    expect(collectionNames(tf.GraphKeys.TRAINABLE_VARIABLES)).toEqual([]);
    expect(collectionNames(tf.GraphKeys.GLOBAL_VARIABLES)).toEqual([
      "my_dense/kernel:0",
      "my_dense/bias:0",
    ]);
    expect(layer.trainableVariables).toEqual([]);
    expectSameItems(layer.nonTrainableVariables, [layer.kernel, layer.bias]);
  });

  test("kernel and bias regularizers: one loss each under <layer>/<var>/Regularizer, not again on reuse", () => {
    const reg = (w: unknown) => tf.reduceSum(w as tf.Tensor).mul(1e-3);
    const inputs = x();
    tf.layers.dense(inputs, 2, { name: "my_dense", kernelRegularizer: reg, biasRegularizer: reg });
    expect(collectionNames(tf.GraphKeys.REGULARIZATION_LOSSES)).toEqual([
      "my_dense/kernel/Regularizer/mul:0",
      "my_dense/bias/Regularizer/mul:0",
    ]);
    tf.layers.dense(inputs, 2, { name: "my_dense", kernelRegularizer: reg, reuse: true });
    expect(collectionNames(tf.GraphKeys.REGULARIZATION_LOSSES)).toHaveLength(2);
  });

  test("a regularizer returning null adds nothing", () => {
    tf.layers.dense(x(), 2, { kernelRegularizer: () => null });
    expect(collectionNames(tf.GraphKeys.REGULARIZATION_LOSSES)).toEqual([]);
  });

  test("an activity regularizer adds its penalty divided by the batch size", () => {
    const layer = new tf.layers.Dense(2, {
      name: "my_dense",
      activityRegularizer: (y) => tf.reduceSum(y as tf.Tensor),
      kernelInitializer: tf.onesInitializer(),
    });
    const inputs = tf.placeholder(tf.float32, [null, 3]);
    layer.apply(inputs);
    const losses = tf
      .getDefaultGraph()
      .getCollection<tf.Tensor>(tf.GraphKeys.REGULARIZATION_LOSSES);
    expect(losses).toHaveLength(1);
    expect(losses[0]?.name.startsWith("my_dense/ActivityRegularizer/")).toBe(true);
    expectSameItems(layer.losses, losses);
    // sum over a batch of 2 of (x · ones): (1+2+3)·2 + (4+5+6)·2 = 42, divided by 2.
    const value = runInitialized(
      losses[0],
      new Map([
        [
          inputs,
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
        ],
      ]),
    );
    expect(value.item()).toBeCloseTo(21);
  });

  test("variables go to GLOBAL and TRAINABLE in creation order", () => {
    tf.layers.dense(x(), 2);
    expect(collectionNames(tf.GraphKeys.TRAINABLE_VARIABLES)).toEqual([
      "dense/kernel:0",
      "dense/bias:0",
    ]);
    expect(collectionNames(tf.GraphKeys.UPDATE_OPS)).toEqual([]);
  });
});

describe("input checks", () => {
  test("rank below min_ndim: Keras's message with the layer's name", () => {
    const vector = tf.constant([1, 2, 3]);
    expectThrowsAndUnchanged(
      () => tf.layers.dense(vector, 2),
      tf.errors.ValueError,
      "Input 0 of layer dense_1 is incompatible with the layer: : expected min_ndim=2, found ndim=1. Full shape received: [3]",
    );
    // The failed call gave its layer number back.
    expect(new tf.layers.Dense(1).name).toBe("dense_1");
  });

  test("unknown last dimension", () => {
    const inputs = tf.placeholder(tf.float32, [null, null]);
    expectThrowsAndUnchanged(
      () => tf.layers.dense(inputs, 2),
      tf.errors.ValueError,
      "The last dimension of the inputs to `Dense` should be defined. Found `None`.",
    );
  });

  test("unknown rank", () => {
    const inputs = tf.placeholder(tf.float32);
    expectThrowsAndUnchanged(
      () => tf.layers.dense(inputs, 2),
      tf.errors.ValueError,
      "Input 0 of layer dense_1 is incompatible with the layer: its rank is undefined, but the layer requires a defined rank.",
    );
  });

  test("a built layer checks the feature size of later inputs; a failed call changes nothing", () => {
    const layer = new tf.layers.Dense(2, { name: "my_dense" });
    layer.apply(tf.placeholder(tf.float32, [null, 3]));
    const other = tf.placeholder(tf.float32, [5, 4]);
    expectThrowsAndUnchanged(
      () => layer.apply(other),
      tf.errors.ValueError,
      "Input 0 of layer my_dense is incompatible with the layer: expected axis -1 of input shape to have value 3 but received input with shape [5, 4]",
    );
    expect(layer.variables).toHaveLength(2);
  });

  test("integer inputs cannot build a Dense layer", () => {
    expect(() => tf.layers.dense(tf.constant([[1, 2]], { dtype: tf.int32 }), 2)).toThrow(
      "Unable to build `Dense` layer with non-floating point dtype <dtype: 'int32'>",
    );
  });

  test("conv2d wants rank 4", () => {
    const inputs = tf.placeholder(tf.float32, [null, 4, 4]);
    expectThrowsAndUnchanged(
      () => tf.layers.conv2d(inputs, 2, 3, { name: "c" }),
      tf.errors.ValueError,
      "Input 0 of layer c is incompatible with the layer: expected ndim=4, found ndim=3. Full shape received: [None, 4, 4]",
    );
  });

  test("an invalid name is rejected before anything is built", () => {
    expect(() => tf.layers.dense(x(), 2, { name: "bad name!" })).toThrow(tf.errors.ValueError);
    expect(opsUnder("bad")).toEqual([]);
  });
});

describe("tf.layers namespace", () => {
  test("exports the functions and the classes", () => {
    for (const name of [
      "dense",
      "conv2d",
      "maxPooling2d",
      "averagePooling2d",
      "batchNormalization",
      "dropout",
      "flatten",
      "Layer",
      "Dense",
      "Conv2D",
      "MaxPooling2D",
      "AveragePooling2D",
      "BatchNormalization",
      "Dropout",
      "Flatten",
      "InputSpec",
    ]) {
      expect(typeof (tf.layers as Record<string, unknown>)[name], name).toBe("function");
    }
  });

  test("a subclass of a built-in layer is named after its own class", () => {
    class MyDense extends tf.layers.Dense {}
    class MaxPoolingLayer2D extends tf.layers.MaxPooling2D {}
    const a = new MyDense(2);
    a.apply(x());
    expect(a.name).toBe("my_dense_1");
    expect(a.scopeName).toBe("my_dense");
    const b = new MaxPoolingLayer2D(2, 2);
    expect(b.apply(tf.zeros([1, 4, 4, 1])).op.name).toBe("max_pooling_layer2d/MaxPool");
  });

  test("a Layer subclass: snake-case name, addWeight in its scope, ops in its name scope", () => {
    class MyLayer extends tf.layers.Layer {
      w: tf.Variable | null = null;
      protected override build(): void {
        this.w = this.addWeight("my_var", [2, 2], { initializer: tf.zerosInitializer() });
      }
      protected call(inputs: tf.Tensor): tf.Tensor {
        return tf.square(inputs);
      }
    }
    const layer = new MyLayer();
    const y = layer.apply(tf.randomUniform([5]));
    expect(layer.name).toBe("my_layer_1");
    expect(y.op.name).toBe("my_layer/Square");
    expect(layer.w?.name).toBe("my_layer/my_var:0");
    layer.apply(tf.randomUniform([5]));
    expect(variableSummary()).toEqual(["my_layer/my_var (2, 2)"]);
  });
});
