/**
 * `tf.mapFn`, `tf.scan`, `tf.foldl`, `tf.foldr`: the graphs TF 1.15 builds (while loops over
 * TensorArrays, TF's names), values and static shapes (TF's functional_ops_test.py cases
 * that apply, named where ported), nested elems and outputs, TF's errors with the graph
 * unchanged, gradients (TF's values and finite differences), and memory over runs.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../../src/index.js";
import { expectThrowsAndUnchanged } from "../../graph/helpers.js";
import { checkGradients } from "../../gradients/helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const nums = [1, 2, 3, 4, 5, 6];
const f32 = (v: unknown, name?: string): tf.Tensor =>
  tf.constant(v as number[], { dtype: tf.float32, ...(name === undefined ? {} : { name }) });
const i32 = (v: unknown): tf.Tensor => tf.constant(v as number[], { dtype: tf.int32 });

function run(fetches: unknown, feeds?: Map<tf.Tensor, unknown>): unknown {
  using sess = new tf.Session();
  const out = sess.run(fetches as tf.Tensor[], feeds as never) as unknown as tf.NDArray[];
  return out.map((o) => o.toArray());
}

function opNames(): string[] {
  return tf
    .getDefaultGraph()
    .getOperations()
    .map((o) => o.name);
}

describe("the graph TF 1.15 builds", () => {
  it("mapFn: map/TensorArray, map/TensorArrayUnstack, map/while, map/TensorArrayStack", () => {
    const x = f32([1, 2, 3], "x");
    const y = tf.mapFn((v: tf.Tensor) => tf.multiply(v, v), x) as tf.Tensor;
    expect(y.name).toBe("map/TensorArrayStack/TensorArrayGatherV3:0");
    const names = opNames();
    for (const n of [
      "map/TensorArray",
      "map/TensorArrayUnstack/TensorArrayScatter/TensorArrayScatterV3",
      "map/Const",
      "map/TensorArray_1",
      "map/while/maximum_iterations",
      "map/while/iteration_counter",
      "map/while/Enter_2",
      "map/while/LogicalAnd",
      "map/while/LoopCond",
      "map/while/TensorArrayReadV3",
      "map/while/Mul",
      "map/while/TensorArrayWrite/TensorArrayWriteV3",
      "map/while/add_1",
      "map/while/Exit_2",
      "map/TensorArrayStack/TensorArraySizeV3",
    ]) {
      expect(names).toContain(n);
    }
    // The loop's first variables come first: the counter, then `i`, then the array's flow.
    const g = tf.getDefaultGraph();
    expect(g.getOperationByName("map/while/Enter_1").inputs[0]?.name).toBe("map/Const:0");
    expect(g.getOperationByName("map/while/Enter_2").inputs[0]?.name).toBe("map/TensorArray_1:1");
    expect(g.getOperationByName("map/TensorArray").attrs.dynamic_size).toBe(false);
    expect(y.shape.toString()).toBe("(3,)");
  });

  it("an unknown length is read from the first elem (map/Shape, map/strided_slice)", () => {
    const x = tf.placeholder(tf.float32, [null, 2], { name: "x" });
    const y = tf.mapFn((v: tf.Tensor) => v, x, { name: "m" }) as tf.Tensor;
    const names = opNames();
    expect(names).toContain("m/Shape");
    expect(names).toContain("m/strided_slice");
    expect(tf.getDefaultGraph().getOperationByName("m/TensorArray").inputs[0]?.name).toBe(
      "m/strided_slice:0",
    );
    expect(y.shape.toString()).toBe("(?, 2)");
  });

  it("scan and the folds: scan/…, foldl/…, foldr/…", () => {
    const x = f32(nums, "x");
    tf.scan((a: tf.Tensor, v: tf.Tensor) => tf.add(a, v), x);
    tf.foldl((a: tf.Tensor, v: tf.Tensor) => tf.add(a, v), x);
    tf.foldr((a: tf.Tensor, v: tf.Tensor) => tf.add(a, v), x);
    const names = opNames();
    for (const n of [
      "scan/TensorArray",
      "scan/TensorArrayUnstack/TensorArrayScatter/TensorArrayScatterV3",
      "scan/TensorArrayReadV3",
      "scan/TensorArray_1",
      "scan/TensorArrayWrite/TensorArrayWriteV3",
      "scan/while/Const",
      "scan/while/TensorArrayWrite/TensorArrayWriteV3",
      "scan/TensorArrayStack/TensorArrayGatherV3",
      "foldl/TensorArray",
      "foldl/TensorArrayReadV3",
      "foldl/Const",
      "foldl/while/Exit_2",
      "foldr/TensorArrayReadV3",
      "foldr/while/Const",
      "foldr/while/sub",
      "foldr/while/Greater",
    ]) {
      expect(names).toContain(n);
    }
    // The scan's first element is read at 0 as TF's Python int, an int32 scalar.
    expect(tf.getDefaultGraph().getTensorByName("scan/while/Const:0").dtype).toBe("int32");
  });
});

describe("values and shapes (functional_ops_test.py)", () => {
  it("testMap_Simple, testMap_SimpleNotTensor, testMapShape", () => {
    const r = tf.mapFn((x: tf.Tensor) => tf.multiply(tf.add(x, 3), 2), f32(nums)) as tf.Tensor;
    const sq = tf.mapFn(
      (x: tf.Tensor) => tf.multiply(x, x),
      new tf.NDArray(new Float32Array(nums), [6], "float32"),
    ) as tf.Tensor;
    const id = tf.mapFn(
      (e: tf.Tensor) => e,
      i32([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    ) as tf.Tensor;
    expect(id.shape.toString()).toBe("(2, 3)");
    expect(run([r, sq, id])).toEqual([
      [8, 10, 12, 14, 16, 18],
      [1, 4, 9, 16, 25, 36],
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    ]);
  });

  it("testMap_MultiOutput, testMap_MultiInputSingleOutput, testMap_MultiInputSameStructureOutput", () => {
    const e = i32(nums);
    const [[a, b], c] = tf.mapFn((x: tf.Tensor) => [[x, tf.negative(x)], x], e, {
      dtype: [[tf.int32, tf.int32], tf.int32],
    }) as [[tf.Tensor, tf.Tensor], tf.Tensor];
    const single = tf.mapFn(
      (x: [tf.Tensor, [tf.Tensor, tf.Tensor]]) => tf.add(tf.multiply(x[0], x[1][0]), x[1][1]),
      [e, [e, tf.negative(e)]],
      { dtype: tf.int32 },
    ) as tf.Tensor;
    const same = tf.mapFn(
      (x: [tf.Tensor, [tf.Tensor, tf.Tensor]]) => [x[1][0], [x[1][1], x[0]]],
      [e, [tf.multiply(e, 2), tf.negative(e)]],
    ) as [tf.Tensor, [tf.Tensor, tf.Tensor]];
    const neg = nums.map((v) => -v);
    expect(run([a, b, c, single, same[0], same[1][0], same[1][1]])).toEqual([
      nums,
      neg,
      nums,
      nums.map((v) => v * v - v),
      nums.map((v) => 2 * v),
      neg,
      nums,
    ]);
  });

  it("objects as elems and outputs (nest's sorted keys); dtype changes the output dtype", () => {
    const r = tf.mapFn(
      (d: { b: tf.Tensor; a: tf.Tensor }) => ({ sum: tf.add(d.a, d.b), big: tf.greater(d.a, 2) }),
      { b: f32([10, 20, 30]), a: f32([1, 2, 3]) },
      { dtype: { sum: tf.float32, big: tf.bool } },
    ) as { sum: tf.Tensor; big: tf.Tensor };
    expect(Object.keys(r)).toEqual(["sum", "big"]);
    expect(r.big.dtype).toBe("bool");
    expect(run([r.sum, r.big])).toEqual([
      [11, 22, 33],
      [false, false, true],
    ]);
  });

  it("testMapUnknownShape, testMapEmptyScalar, testMapEmptyTensor", () => {
    const x = tf.placeholder(tf.float32);
    const y = tf.mapFn((e: tf.Tensor) => e, x) as tf.Tensor;
    expect(y.shape.dims).toBeNull();
    const emptyScalar = tf.mapFn(() => 1, i32([])) as tf.Tensor;
    expect(emptyScalar.shape.toString()).toBe("(0,)");
    const emptyTensor = tf.mapFn(() => tf.zeros([3, 2]), f32([])) as tf.Tensor;
    expect(emptyTensor.shape.toString()).toBe("(0, 3, 2)");
    using sess = new tf.Session();
    expect(sess.run(emptyScalar).shape).toEqual([0]);
    expect(sess.run(emptyTensor).shape).toEqual([0, 3, 2]);
    expect(sess.run(y, new Map([[x, [[1], [2]]]])).toArray()).toEqual([[1], [2]]);
  });

  it("testScan_Simple, testScan_Reverse (with and without an initializer)", () => {
    const e = f32(nums);
    const v = f32(2);
    const mul = (a: tf.Tensor, x: tf.Tensor) => tf.multiply(a, x);
    const rs = [
      tf.scan(mul, e),
      tf.scan(mul, e, { initializer: v }),
      tf.scan(mul, e, { reverse: true }),
      tf.scan(mul, e, { initializer: v, reverse: true }),
    ];
    expect(run(rs)).toEqual([
      [1, 2, 6, 24, 120, 720],
      [2, 4, 12, 48, 240, 1440],
      [720, 720, 360, 120, 30, 6],
      [1440, 1440, 720, 240, 60, 12],
    ]);
  });

  it("testScan_SingleInputMultiOutput, testScan_MultiInputSingleOutput, testScan_MultiInputSameTypeOutput", () => {
    const e = f32(nums);
    const [p, q] = tf.scan(
      (a: [tf.Tensor, tf.Tensor], x: tf.Tensor) => [
        tf.multiply(a[0], x),
        tf.multiply(tf.negative(a[1]), x),
      ],
      e,
      { initializer: [f32(1), f32(-1)] },
    ) as [tf.Tensor, tf.Tensor];
    const ones = tf.scan(
      (a: tf.Tensor, x: [tf.Tensor, tf.Tensor]) => tf.multiply(a, tf.add(x[0], x[1])),
      [tf.add(e, 1), tf.negative(e)],
      { initializer: f32(1) },
    ) as tf.Tensor;
    const [s, t] = tf.scan(
      (a: [tf.Tensor, tf.Tensor], x: [tf.Tensor, tf.Tensor]) => [
        tf.add(a[0], x[0]),
        tf.add(a[1], x[1]),
      ],
      [e, tf.negative(e)],
    ) as [tf.Tensor, tf.Tensor];
    const cumsum = [1, 3, 6, 10, 15, 21];
    expect(run([p, q, ones, s, t])).toEqual([
      [1, 2, 6, 24, 120, 720],
      [1, -2, 6, -24, 120, -720],
      [1, 1, 1, 1, 1, 1],
      cumsum,
      cumsum.map((c) => -c),
    ]);
  });

  it("the Fibonacci example; testScanShape, testScanEmptyTensor, testScanUnknownShape", () => {
    const fib = tf.scan(
      (a: [tf.Tensor, tf.Tensor]) => [a[1], tf.add(a[0], a[1])],
      i32([1, 0, 0, 0, 0, 0]),
      { initializer: [i32(0), i32(1)] },
    ) as [tf.Tensor, tf.Tensor];
    const shaped = tf.scan(
      (_: tf.Tensor, x: tf.Tensor) => x,
      i32([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      {
        initializer: i32([0, 0, 0]),
      },
    ) as tf.Tensor;
    expect(shaped.shape.toString()).toBe("(2, 3)");
    const empty = tf.scan((x: tf.Tensor) => x, tf.range(0), {
      initializer: tf.ones([2, 4]),
    }) as tf.Tensor;
    expect(empty.shape.toString()).toBe("(0, 2, 4)");
    const unknown = tf.scan((_: tf.Tensor, x: tf.Tensor) => x, tf.placeholder(tf.float32), {
      initializer: tf.placeholder(tf.float32),
    }) as tf.Tensor;
    expect(unknown.shape.dims).toBeNull();
    const out = run([fib[0], fib[1], empty]) as unknown[];
    expect(out.slice(0, 2)).toEqual([
      [1, 1, 2, 3, 5, 8],
      [1, 2, 3, 5, 8, 13],
    ]);
  });

  it("testScanVaryingShape: an unknown length, and inferShape: false", () => {
    const x = tf.placeholder(tf.float32, [null, 2]);
    const xt = tf.transpose(x);
    const r = tf.scan((a: tf.Tensor, v: tf.Tensor) => tf.add(a, v), x) as tf.Tensor;
    const rt = tf.scan((a: tf.Tensor, v: tf.Tensor) => tf.add(a, v), xt, {
      inferShape: false,
    }) as tf.Tensor;
    const [g] = tf.gradients(r, [x]);
    const [gt] = tf.gradients(rt, [xt]);
    const feeds = new Map([[x, [[1, 2]]]]);
    expect(run([r, rt, g, gt], feeds)).toEqual([[[1, 2]], [[1], [3]], [[1, 1]], [[2], [1]]]);
  });

  it("testFoldl_Simple, testFoldr_Simple, testFoldShape; nested accumulators", () => {
    const e = i32(nums);
    const f = (a: tf.Tensor, x: tf.Tensor) => tf.multiply(tf.add(x, a), 2);
    const shape = tf.foldl(
      (_: tf.Tensor, x: tf.Tensor) => x,
      i32([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      {
        initializer: i32([0, 0, 0]),
      },
    ) as tf.Tensor;
    expect(shape.shape.toString()).toBe("(3,)");
    const pair = tf.foldl(
      (a: { lo: tf.Tensor; hi: tf.Tensor }, x: tf.Tensor) => ({
        lo: tf.minimum(a.lo, x),
        hi: tf.maximum(a.hi, x),
      }),
      f32([3, -1, 7, 2]),
      { initializer: { lo: f32(0), hi: f32(0) } },
    ) as { lo: tf.Tensor; hi: tf.Tensor };
    expect(
      run([
        tf.foldl(f, e),
        tf.foldl(f, e, { initializer: i32(10) }),
        tf.foldr(f, e),
        tf.foldr(f, e, { initializer: i32(10) }),
        pair.lo,
        pair.hi,
      ]),
    ).toEqual([208, 880, 450, 1282, -1, 7]);
  });

  it("testMap_Scoped: a variable fn creates is created once, and reused", () => {
    const doubleScoped = (x: tf.Tensor): tf.Tensor =>
      tf.variableScope("body", () => {
        const two = tf.getVariable("two", [], {
          dtype: tf.int32,
          initializer: tf.constantInitializer(2),
        });
        return tf.multiply(x, two);
      });
    const [r1, r2] = tf.variableScope("root", (scope) => {
      const elems = i32(nums);
      const first = tf.mapFn(doubleScoped, elems) as tf.Tensor;
      expect(tf.trainableVariables().map((v) => v.name)).toEqual(["root/body/two:0"]);
      scope.reuseVariables();
      const second = tf.mapFn(doubleScoped, elems) as tf.Tensor;
      expect(tf.trainableVariables()).toHaveLength(1);
      return [first, second];
    });
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const doubles = nums.map((v) => 2 * v);
    expect(sess.run([r1, r2]).map((r) => r.toArray())).toEqual([doubles, doubles]);
  });

  it("a loop length known only at run time, for every op", () => {
    const x = tf.placeholder(tf.float32, [null]);
    const add = (a: tf.Tensor, v: tf.Tensor) => tf.add(a, v);
    const feeds = new Map([[x, [1, 2, 3]]]);
    expect(
      run(
        [
          tf.mapFn((v: tf.Tensor) => tf.multiply(v, 2), x),
          tf.scan(add, x, { reverse: true }),
          tf.foldl(add, x),
          tf.foldr((a: tf.Tensor, v: tf.Tensor) => tf.subtract(v, a), x),
        ],
        feeds,
      ),
    ).toEqual([[2, 4, 6], [6, 5, 3], 6, 2]);
    expect(opNames()).toContain("scan/sub");
  });
});

describe("TF's errors, the graph unchanged", () => {
  it("fn must be callable; elems empty or scalar", () => {
    const x = f32(nums);
    const scalar = f32(1);
    expectThrowsAndUnchanged(() => tf.mapFn(3 as never, x), TypeError, "fn must be callable.");
    expectThrowsAndUnchanged(
      () => tf.mapFn((v: tf.Tensor) => v, []),
      tf.errors.ValueError,
      "elems must be a Tensor or (possibly nested) sequence of Tensors. Got , which does not contain any Tensors.",
    );
    expectThrowsAndUnchanged(
      () => tf.mapFn((v: tf.Tensor) => v, scalar),
      tf.errors.ValueError,
      "elems must be a 1+ dimensional Tensor, not a scalar",
    );
    expectThrowsAndUnchanged(
      () => tf.mapFn((v: tf.Tensor) => v, [1, 2]),
      tf.errors.ValueError,
      "elements in elems must be 1+ dimensional Tensors, not scalars",
    );
    for (const op of [tf.scan, tf.foldl, tf.foldr]) {
      expectThrowsAndUnchanged(
        () => op((a: tf.Tensor) => a, scalar),
        tf.errors.ValueError,
        "elems must be a 1+ dimensional Tensor, not a scalar",
      );
    }
  });

  it("fn's structure must be elems' (or dtype's, initializer's)", () => {
    const x = f32(nums);
    expectThrowsAndUnchanged(
      () => tf.mapFn((v: tf.Tensor) => [v, v], x),
      tf.errors.ValueError,
      /^The two structures don't have the same nested structure\./,
    );
    expectThrowsAndUnchanged(
      () => tf.mapFn((v: tf.Tensor) => v, x, { dtype: [tf.float32, tf.float32] }),
      tf.errors.ValueError,
      /^The two structures don't have the same nested structure\./,
    );
    const zero = f32(0);
    expectThrowsAndUnchanged(
      () => tf.scan((a: tf.Tensor) => [a, a], x, { initializer: zero }),
      tf.errors.ValueError,
      /^The two structures don't have the same nested structure\./,
    );
    expectThrowsAndUnchanged(
      () => tf.foldl((a: tf.Tensor) => [a, a], x),
      tf.errors.ValueError,
      /^The two structures don't have the same nested structure\./,
    );
  });

  it("elems of different lengths; an accumulator changing dtype", () => {
    const long = f32([1, 2, 3]);
    const short = f32([1, 2]);
    const zero = f32(0);
    expectThrowsAndUnchanged(
      () => tf.mapFn((v: tf.Tensor[]) => v[0], [long, short], { dtype: tf.float32 }),
      tf.errors.ValueError,
      "Dimensions 3 and 2 are not compatible",
    );
    expectThrowsAndUnchanged(
      () => tf.scan((a: tf.Tensor) => tf.cast(a, tf.int32), long, { initializer: zero }),
      tf.errors.InvalidArgumentError,
      /^Input 1 of node scan\/while\/Merge_2 was passed int32 from scan\/while\/NextIteration_2:0 incompatible with expected float32\.$/,
    );
  });
});

describe("a result of another dtype than dtype says: TF's run-time error", () => {
  it("the array's write fails with TF's message", () => {
    const r = tf.mapFn((x: tf.Tensor) => tf.cast(x, tf.int32), f32([1, 2, 3])) as tf.Tensor;
    using sess = new tf.Session();
    expect(() => sess.run(r)).toThrow(
      "TensorArray dtype is float but Op is trying to write dtype int32.",
    );
    let err: unknown = null;
    try {
      sess.run(r);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(tf.errors.InvalidArgumentError);
  });
});

describe("gradients", () => {
  it("testMap_Grad, testScan_Grad, testFold_Grad: TF's values", () => {
    const param = f32(2);
    const elems = f32(nums);
    const y = tf.mapFn((x: tf.Tensor) => tf.multiply(tf.square(x), param), elems) as tf.Tensor;
    const [gp] = tf.gradients(y, [param]);
    const [ge] = tf.gradients(y, [elems]);
    const v = f32(2);
    const mul = (a: tf.Tensor, x: tf.Tensor) => tf.multiply(a, x);
    const [gs] = tf.gradients(tf.scan(mul, elems, { initializer: v }) as tf.Tensor, [v]);
    const [gl] = tf.gradients(tf.foldl(mul, elems, { initializer: v }) as tf.Tensor, [v]);
    const [gr] = tf.gradients(tf.foldr(mul, elems, { initializer: v }) as tf.Tensor, [v]);
    expect(run([gp, ge, gs, gl, gr])).toEqual([91, [4, 8, 12, 16, 20, 24], 873, 720, 720]);
  });

  it("mapFn over nested elems, with a captured weight: finite differences", async () => {
    await checkGradients({
      inputs: [{ shape: [4, 3] }, { shape: [4] }, { shape: [3] }],
      graph: (x, s, w) => {
        const [p, q] = tf.mapFn(
          (e: { row: tf.Tensor; k: tf.Tensor }) => [
            tf.multiply(tf.sin(e.row), w as tf.Tensor),
            tf.multiply(e.k, tf.reduceSum(e.row)),
          ],
          { row: x, k: s },
          { dtype: [tf.float32, tf.float32] },
        ) as [tf.Tensor, tf.Tensor];
        return tf.add(p, tf.expandDims(q, 1));
      },
    });
  });

  it("scan (forward and reverse) and the folds: finite differences", async () => {
    const step = (a: tf.Tensor, x: tf.Tensor) => tf.add(tf.multiply(tf.tanh(a), x), x);
    for (const reverse of [false, true]) {
      await checkGradients({
        inputs: [{ shape: [5, 2] }, { shape: [2] }],
        graph: (x, a0) => tf.scan(step, x, { initializer: a0, reverse }) as tf.Tensor,
      });
    }
    await checkGradients({
      inputs: [{ shape: [4, 3] }],
      graph: (x) => tf.scan(step, x) as tf.Tensor,
    });
    await checkGradients({
      inputs: [{ shape: [5, 2] }, { shape: [2] }],
      graph: (x, a0) => tf.foldl(step, x, { initializer: a0 }) as tf.Tensor,
    });
    await checkGradients({
      inputs: [{ shape: [5, 2] }],
      graph: (x) => tf.foldr(step, x) as tf.Tensor,
    });
  });

  it("nested: mapFn in mapFn, foldl in scan (loops in loops): finite differences", async () => {
    await checkGradients({
      inputs: [{ shape: [3, 4] }],
      graph: (x) =>
        tf.mapFn(
          (row: tf.Tensor) => tf.mapFn((v: tf.Tensor) => tf.sin(tf.multiply(v, v)), row),
          x,
        ) as tf.Tensor,
    });
    await checkGradients({
      inputs: [{ shape: [3, 4] }],
      graph: (x) =>
        tf.scan(
          (a: tf.Tensor, row: tf.Tensor) =>
            tf.add(
              a,
              tf.foldl((s: tf.Tensor, v: tf.Tensor) => tf.add(s, tf.tanh(v)), row) as tf.Tensor,
            ),
          x,
          { initializer: tf.constant(0) },
        ) as tf.Tensor,
    });
  });

  it("backProp: false builds no gradient", () => {
    const x = f32(nums);
    const y = tf.mapFn((v: tf.Tensor) => tf.square(v), x, { backProp: false }) as tf.Tensor;
    expect(tf.gradients(y, [x])).toEqual([null]);
  });
});

describe("resources", () => {
  it("memory stays flat over runs of the ops and their gradients", () => {
    const x = tf.placeholder(tf.float32, [null, 2]);
    const m = tf.mapFn((v: tf.Tensor) => tf.sin(v), x) as tf.Tensor;
    const s = tf.scan((a: tf.Tensor, v: tf.Tensor) => tf.multiply(a, v), x) as tf.Tensor;
    const f = tf.foldr((a: tf.Tensor, v: tf.Tensor) => tf.add(a, v), x) as tf.Tensor;
    const loss = tf.add(tf.add(tf.reduceSum(m), tf.reduceSum(s)), tf.reduceSum(f));
    const [g] = tf.gradients(loss, [x]);
    using sess = new tf.Session();
    const feeds = new Map([
      [
        x,
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
      ],
    ]);
    sess.run([loss, g as tf.Tensor], feeds);
    const before = tfc.memory().numTensors;
    for (let i = 0; i < 5; i++) sess.run([loss, g as tf.Tensor], feeds);
    expect(tfc.memory().numTensors).toBe(before);
  });
});
