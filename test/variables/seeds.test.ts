/**
 * Every graph-building statement of the five seed documents (the project's founding tutorials), ported to the
 * API. Where a seed is wrong, TensorFlow 1.15 is followed (see seeds/README.md).
 */
import { beforeEach, describe, expect, test } from "vitest";
import * as tf from "../../src/index.js";
import { errorOf, expectDistinct, expectSame, flat, runValue } from "../graph/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

const ALREADY_EXISTS = (name: string): string =>
  `Variable ${name} already exists, disallowed. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope? Originally defined at:\n\n`;
const DOES_NOT_EXIST = (name: string): string =>
  `Variable ${name} does not exist, or was not created with tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?`;

function scalar(sess: tf.Session, fetch: unknown): number {
  return (sess.run(fetch) as tf.NDArray).item() as number;
}

describe("seed 000: what does variable reuse mean", () => {
  function addTaxAndShipping(price: number, reuse: tf.ReuseMode | null = null): tf.Tensor {
    const [tax, shipping] = tf.variableScope("other_charge", { reuse }, () => [
      tf.getVariable("tax", [], { dtype: tf.float32, initializer: tf.constantInitializer(0.05) }),
      tf.getVariable("shipping", [], {
        dtype: tf.float32,
        initializer: tf.constantInitializer(10.0),
      }),
    ]);
    // price * (1.0 + tax) + shipping
    return tf.add(tf.multiply(price, tf.add(1.0, tax as tf.Variable)), shipping as tf.Variable);
  }

  test("the book costs 20.5", () => {
    const bookPrice = addTaxAndShipping(10.0);
    const initOp = tf.globalVariablesInitializer();
    const s = new tf.Session();
    s.run(initOp);
    expect(scalar(s, bookPrice)).toBeCloseTo(20.5, 5);
    s.close();
  });

  test("a second call without reuse: already exists", () => {
    addTaxAndShipping(10.0);
    const e = errorOf(() => addTaxAndShipping(20.0));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message.startsWith(ALREADY_EXISTS("other_charge/tax"))).toBe(true);
  });

  test("reuse: true on the first call: does not exist", () => {
    const e = errorOf(() => addTaxAndShipping(10.0, true));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe(DOES_NOT_EXIST("other_charge/tax"));
  });

  test("AUTO_REUSE shares tax and shipping; doubling the tax applies to both", () => {
    const bookPrice = addTaxAndShipping(10.0, tf.AUTO_REUSE);
    const sketchpadPrice = addTaxAndShipping(20.0, tf.AUTO_REUSE);
    expect(tf.globalVariables().map((v) => v.name)).toEqual([
      "other_charge/tax:0",
      "other_charge/shipping:0",
    ]);
    const initOp = tf.globalVariablesInitializer();
    const s = new tf.Session();
    s.run(initOp);
    expect(scalar(s, bookPrice)).toBeCloseTo(20.5, 5);
    expect(scalar(s, sketchpadPrice)).toBeCloseTo(31.0, 5);
    s.close();

    const graph = tf.getDefaultGraph();
    const tax = graph.getTensorByName("other_charge/tax:0");
    expect(tax.dtypeName).toBe("float32_ref");
    const doubleTax = tf.assign(tax, tax.mul(2.0));
    const s2 = new tf.Session();
    s2.run(initOp);
    s2.run(doubleTax);
    expect(scalar(s2, bookPrice)).toBeCloseTo(21.0, 5);
    expect(scalar(s2, sketchpadPrice)).toBeCloseTo(32.0, 5);
    s2.close();
  });

  test("explicit reuse on the second call gives the same result", () => {
    const bookPrice = addTaxAndShipping(10.0);
    const sketchpadPrice = addTaxAndShipping(20.0, true);
    const s = new tf.Session();
    s.run(tf.globalVariablesInitializer());
    expect(scalar(s, bookPrice)).toBeCloseTo(20.5, 5);
    expect(scalar(s, sketchpadPrice)).toBeCloseTo(31.0, 5);
    s.close();
  });

  test("AUTO_REUSE in conv blocks shares weights when block names collide", () => {
    // The seed's single_conv_block, reduced to its variables (conv2d and batch norm are
    // other ops' business): scope_name = block_name + "_cv", reuse=AUTO_REUSE.
    function convBlockVariables(blockName: string): [tf.Variable, tf.Variable] {
      return tf.variableScope(`${blockName}_cv`, { reuse: tf.AUTO_REUSE }, () => [
        tf.getVariable("weights", [3, 3, 1, 2], {
          dtype: tf.float32,
          initializer: tf.glorotNormalInitializer({ seed: 0 }),
        }),
        tf.getVariable("bias", [2], { dtype: tf.float32 }),
      ]);
    }
    const [w1, b1] = convBlockVariables("block1");
    const [w2, b2] = convBlockVariables("block1");
    const [w3] = convBlockVariables("block2");
    expectSame(w1, w2);
    expectSame(b1, b2);
    expectDistinct(w1, w3);
    expect(w3.name).toBe("block2_cv/weights:0");
  });
});

describe("seed 001: what setting reuse=True does", () => {
  test("example 1: reuseVariables, then a new variable is an error", () => {
    tf.variableScope("my_scope", (scope) => {
      const weights = tf.getVariable("weights", { shape: [10, 5] });
      const bias = tf.getVariable("bias", { shape: [5] });
      scope.reuseVariables();
      expectSame(tf.getVariable("weights", { shape: [10, 5] }), weights);
      expectSame(tf.getVariable("bias", { shape: [5] }), bias);
      const e = errorOf(() => tf.getVariable("new_variable", { shape: [2, 2] }));
      expect(e).toBeInstanceOf(tf.errors.ValueError);
      expect(e.message).toBe(DOES_NOT_EXIST("my_scope/new_variable"));
    });
  });

  test("example 2: a new initializer under reuse returns the same variable (TF, not the seed)", () => {
    const [weights, reused, reused2] = tf.variableScope("my_scope", (scope) => {
      const weights = tf.getVariable("weights", {
        shape: [10, 5],
        initializer: tf.zerosInitializer(),
      });
      scope.reuseVariables();
      const reused = tf.getVariable("weights", { shape: [10, 5] });
      expect(reused.shape.asList()).toEqual([10, 5]);
      scope.reuseVariables();
      const reused2 = tf.getVariable("weights", {
        shape: [10, 5],
        initializer: tf.onesInitializer(),
      });
      return [weights, reused, reused2];
    });
    expectSame(reused, weights);
    expectSame(reused2, weights);
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect(flat(runValue(sess, reused2)).every((x) => x === 0)).toBe(true);
    sess.close();
    expect(tf.globalVariables()).toHaveLength(1);
  });

  test("example 3: nested scopes re-entered with reuse", () => {
    tf.variableScope("outer_scope", (outerScope) => {
      const weights1 = tf.variableScope("inner_scope", () =>
        tf.getVariable("weights", { shape: [5, 2] }),
      );
      const weights2 = tf.variableScope(outerScope, { reuse: true }, () =>
        tf.variableScope("inner_scope", { reuse: true }, () =>
          tf.getVariable("weights", { shape: [5, 2] }),
        ),
      );
      expectSame(weights2, weights1);
      expect(weights1.name).toBe("outer_scope/inner_scope/weights:0");
      const e = errorOf(() =>
        tf.variableScope(outerScope, { reuse: true }, () =>
          tf.getVariable("weights_new", { shape: [5, 2] }),
        ),
      );
      expect(e.message).toBe(DOES_NOT_EXIST("outer_scope/weights_new"));
    });
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.close();
  });
});

describe("seed 002: sharing variables", () => {
  test("tf.Variable-based my_image_filter creates a new set on every call", () => {
    function myImageFilter(): tf.Variable[] {
      return [
        new tf.Variable(tf.randomNormal([5, 5, 2, 2]), { name: "conv1_weights" }),
        new tf.Variable(tf.zeros([2]), { name: "conv1_biases" }),
        new tf.Variable(tf.randomNormal([5, 5, 2, 2]), { name: "conv2_weights" }),
        new tf.Variable(tf.zeros([2]), { name: "conv2_biases" }),
      ];
    }
    myImageFilter();
    myImageFilter();
    expect(tf.globalVariables().map((v) => v.name)).toEqual([
      "conv1_weights:0",
      "conv1_biases:0",
      "conv2_weights:0",
      "conv2_biases:0",
      "conv1_weights_1:0",
      "conv1_biases_1:0",
      "conv2_weights_1:0",
      "conv2_biases_1:0",
    ]);
  });

  // conv_relu with a matmul in place of conv2d: the variables are the point here.
  function convRelu(input: tf.Tensor, kernelShape: number[], biasShape: number[]): tf.Tensor {
    const weights = tf.getVariable("weights", kernelShape, {
      initializer: tf.randomNormalInitializer(),
    });
    const biases = tf.getVariable("biases", biasShape, {
      initializer: tf.constantInitializer(0.0),
    });
    return tf.nn.relu(tf.add(tf.matmul(input, weights), biases));
  }

  function myImageFilter(inputImages: tf.Tensor): tf.Tensor {
    const relu1 = tf.variableScope("conv1", () => convRelu(inputImages, [4, 4], [4]));
    return tf.variableScope("conv2", () => convRelu(relu1, [4, 4], [4]));
  }

  test("variableScope names conv1/weights, conv1/biases, conv2/...", () => {
    myImageFilter(tf.zeros([1, 4]));
    expect(tf.globalVariables().map((v) => v.name)).toEqual([
      "conv1/weights:0",
      "conv1/biases:0",
      "conv2/weights:0",
      "conv2/biases:0",
    ]);
  });

  test("calling my_image_filter twice raises: conv1/weights already exists", () => {
    myImageFilter(tf.zeros([1, 4]));
    const e = errorOf(() => myImageFilter(tf.zeros([1, 4])));
    expect(e.message.startsWith(ALREADY_EXISTS("conv1/weights"))).toBe(true);
  });

  test("image_filters scope with reuseVariables shares everything", () => {
    const image1 = tf.ones([1, 4]);
    const image2 = tf.ones([1, 4]);
    const [result1, result2] = tf.variableScope("image_filters", (scope) => {
      const result1 = myImageFilter(image1);
      scope.reuseVariables();
      const result2 = myImageFilter(image2);
      return [result1, result2];
    });
    expect(tf.globalVariables().map((v) => v.name)).toEqual([
      "image_filters/conv1/weights:0",
      "image_filters/conv1/biases:0",
      "image_filters/conv2/weights:0",
      "image_filters/conv2/biases:0",
    ]);
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect(runValue(sess, result2)).toEqual(runValue(sess, result1));
    sess.close();
  });

  test("case 1: foo/v:0", () => {
    const v = tf.variableScope("foo", () => tf.getVariable("v", [1]));
    expect(v.name).toBe("foo/v:0");
  });

  test("case 2: v1 is v", () => {
    const v = tf.variableScope("foo", () => tf.getVariable("v", [1]));
    const v1 = tf.variableScope("foo", { reuse: true }, () => tf.getVariable("v", [1]));
    expectSame(v1, v);
  });

  test("nesting: foo/bar/v:0", () => {
    const v = tf.variableScope("foo", () =>
      tf.variableScope("bar", () => tf.getVariable("v", [1])),
    );
    expect(v.name).toBe("foo/bar/v:0");
  });

  test("getVariableScope().reuseVariables()", () => {
    tf.variableScope("foo", () => {
      const v = tf.getVariable("v", [1]);
      tf.getVariableScope().reuseVariables();
      expectSame(tf.getVariable("v", [1]), v);
    });
  });

  test("reuse flags of root/foo/bar", () => {
    tf.variableScope("root", () => {
      expect(tf.getVariableScope().reuse).toBe(false);
      tf.variableScope("foo", () => expect(tf.getVariableScope().reuse).toBe(false));
      tf.variableScope("foo", { reuse: true }, () => {
        expect(tf.getVariableScope().reuse).toBe(true);
        tf.variableScope("bar", () => expect(tf.getVariableScope().reuse).toBe(true));
      });
      expect(tf.getVariableScope().reuse).toBe(false);
    });
  });

  test("capturing variable scope", () => {
    const [fooScope, v] = tf.variableScope("foo", (s) => [s, tf.getVariable("v", [1])] as const);
    const w = tf.variableScope(fooScope, () => tf.getVariable("w", [1]));
    tf.variableScope(fooScope, { reuse: true }, () => {
      expectSame(tf.getVariable("v", [1]), v);
      expectSame(tf.getVariable("w", [1]), w);
    });
  });

  test("jumping to a captured scope", () => {
    const fooScope = tf.variableScope("foo", (s) => s);
    expect(fooScope.name).toBe("foo");
    tf.variableScope("bar", () =>
      tf.variableScope("baz", (otherScope) => {
        expect(otherScope.name).toBe("bar/baz");
        tf.variableScope(fooScope, (fooScope2) => expect(fooScope2.name).toBe("foo"));
      }),
    );
  });

  test("initializers in variable scope: 0.4, 0.3, 0.4, 0.2", () => {
    const sess = new tf.Session();
    const read = (v: tf.Variable): number => {
      sess.run(v.initializer);
      return flat(runValue(sess, v))[0] as number;
    };
    tf.variableScope("foo", { initializer: tf.constantInitializer(0.4) }, () => {
      const v = tf.getVariable("v", [1]);
      expect(read(v)).toBeCloseTo(0.4, 6);
      const w = tf.getVariable("w", [1], { initializer: tf.constantInitializer(0.3) });
      expect(read(w)).toBeCloseTo(0.3, 6);
      tf.variableScope("bar", () => {
        expect(read(tf.getVariable("v", [1]))).toBeCloseTo(0.4, 6);
      });
      tf.variableScope("baz", { initializer: tf.constantInitializer(0.2) }, () => {
        expect(read(tf.getVariable("v", [1]))).toBeCloseTo(0.2, 6);
      });
    });
    sess.close();
  });

  test("names of ops: foo/add", () => {
    // Python's `1.0 + v` is the `add` operator: `.add` here.
    const x = tf.variableScope("foo", () => tf.getVariable("v", [1]).add(1.0));
    expect(x.op.name).toBe("foo/add");
  });

  test("a name scope inside a variable scope", () => {
    const [v, x] = tf.variableScope("foo", () =>
      tf.nameScope("bar", () => {
        const v = tf.getVariable("v", [1]);
        return [v, v.add(1.0)] as const;
      }),
    );
    expect(v.name).toBe("foo/v:0");
    expect(x.op.name).toBe("foo/bar/add");
  });

  test("a captured scope opens a name scope after all (TF 1.x, not the seed)", () => {
    const fooScope = tf.variableScope("foo", (s) => s);
    const x = tf.variableScope(fooScope, () => tf.getVariable("v", [1]).add(1.0));
    expect(x.op.name).toBe("foo_1/add");
    const y = tf.variableScope(fooScope, { reuse: true, auxiliaryNameScope: false }, () =>
      tf.getVariable("v", [1]).add(1.0),
    );
    expect(y.op.name).toBe("add");
  });
});

describe("seed 003: three templates", () => {
  const LISTING = [
    "<tf.Variable 'test/weight_1:0' shape=(2,) dtype=float32_ref>",
    "<tf.Variable 'test/weight_2:0' shape=(2,) dtype=float32_ref>",
  ];

  function check(w1: tf.Variable, w2: tf.Variable, w3: tf.Variable): void {
    expectSame(w3, w1);
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    expect(runValue(sess, w1)).toEqual([1, 1]);
    expect(runValue(sess, w2)).toEqual([2, 2]);
    expect(runValue(sess, w3)).toEqual([1, 1]);
    expect((sess.run(w1) as tf.NDArray).toString()).toBe("[1. 1.]");
    sess.close();
    expect(tf.globalVariables().map(String)).toEqual(LISTING);
  }

  test("template 1: two scopes", () => {
    const [w1, w2] = tf.variableScope("test", { reuse: false }, () => [
      tf.getVariable("weight_1", {
        shape: [2],
        dtype: tf.float32,
        initializer: tf.onesInitializer(),
      }),
      tf.getVariable("weight_2", { initializer: tf.constant([2, 2], { dtype: tf.float32 }) }),
    ]);
    const w3 = tf.variableScope("test", { reuse: true }, () => tf.getVariable("weight_1"));
    check(w1 as tf.Variable, w2 as tf.Variable, w3);
  });

  test("template 2: reuseVariables", () => {
    const [w1, w2, w3] = tf.variableScope("test", (scope) => {
      const w1 = tf.getVariable("weight_1", {
        shape: [2],
        dtype: tf.float32,
        initializer: tf.onesInitializer(),
      });
      const w2 = tf.getVariable("weight_2", {
        initializer: tf.constant([2, 2], { dtype: tf.float32 }),
      });
      scope.reuseVariables();
      const w3 = tf.getVariable("weight_1");
      return [w1, w2, w3];
    });
    check(w1, w2, w3);
  });

  test("template 3: AUTO_REUSE", () => {
    const [w1, w2, w3] = tf.variableScope("test", { reuse: tf.AUTO_REUSE }, () => [
      tf.getVariable("weight_1", {
        shape: [2],
        dtype: tf.float32,
        initializer: tf.onesInitializer(),
      }),
      tf.getVariable("weight_2", { initializer: tf.constant([2, 2], { dtype: tf.float32 }) }),
      tf.getVariable("weight_1"),
    ]);
    check(w1 as tf.Variable, w2 as tf.Variable, w3 as tf.Variable);
  });
});

describe("seed 004: the three reuse values", () => {
  test("tf.Variable and getVariable of one name in AUTO_REUSE are two variables", () => {
    const [w1, w2] = tf.variableScope("layer1", { reuse: tf.AUTO_REUSE }, () => [
      new tf.Variable(tf.randomNormal([2, 2], { mean: 0, stddev: 1 }), { name: "w" }),
      tf.getVariable("w", { initializer: tf.randomNormal([3, 3], { mean: 0, stddev: 1 }) }),
    ]);
    expectDistinct(w1, w2);
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    sess.run(tf.localVariablesInitializer());
    expect(w1?.name).toBe("layer1/w:0");
    expect((sess.run(w1) as tf.NDArray).shape).toEqual([2, 2]);
    expect(w2?.name).toBe("layer1/w_1:0");
    expect((sess.run(w2) as tf.NDArray).shape).toEqual([3, 3]);
    sess.close();
  });

  test("reuse: null twice is an error", () => {
    const e = errorOf(() =>
      tf.variableScope("layer1", { reuse: null }, () => {
        tf.getVariable("w", { initializer: tf.randomNormal([3, 3], { mean: 0, stddev: 1 }) });
        tf.getVariable("w", { initializer: tf.randomNormal([3, 3], { mean: 0, stddev: 1 }) });
      }),
    );
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message.startsWith(ALREADY_EXISTS("layer1/w"))).toBe(true);
  });

  test("reuse: null inherits AUTO_REUSE", () => {
    const [w1, w2] = tf.variableScope("layer1", { reuse: tf.AUTO_REUSE }, () =>
      tf.variableScope("layer_sub_1", { reuse: null }, () => [
        tf.getVariable("w", { initializer: tf.randomNormal([3, 3], { mean: 0, stddev: 1 }) }),
        tf.getVariable("w", { initializer: tf.randomNormal([3, 3], { mean: 0, stddev: 1 }) }),
      ]),
    );
    expectSame(w1, w2);
  });

  test("reuse: true on a new name is an error", () => {
    const e = errorOf(() =>
      tf.variableScope("layer1", { reuse: true }, () => {
        tf.getVariable("w", { initializer: tf.randomNormal([3, 3], { mean: 0, stddev: 1 }) });
      }),
    );
    expect(e.message).toBe(DOES_NOT_EXIST("layer1/w"));
  });

  test("create, then reuse: true returns it", () => {
    const w1 = tf.variableScope("layer1", () =>
      tf.getVariable("w", { initializer: tf.randomNormal([2, 2], { mean: 0, stddev: 1 }) }),
    );
    const w2 = tf.variableScope("layer1", { reuse: true }, () =>
      tf.getVariable("w", { initializer: tf.randomNormal([2, 2], { mean: 0, stddev: 1 }) }),
    );
    expectSame(w1, w2);
  });

  test("layer_weight() with AUTO_REUSE returns the same variable twice", () => {
    const layerWeight = (): tf.Variable =>
      tf.variableScope("weight", { reuse: tf.AUTO_REUSE }, () =>
        tf.getVariable("w", { initializer: tf.randomNormal([2, 2], { mean: 0, stddev: 1 }) }),
      );
    expectSame(layerWeight(), layerWeight());
  });
});
