import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectSameGraphs, expectRefused } from "../api/helpers.js";
import { checkGradients, gradientOpNames } from "../gradients/helpers.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";
import { expectValueError, run } from "./helpers.js";

beforeEach(() => tf.resetDefaultGraph());

// ---- A plain-JS reference of Python's (NumPy's basic) indexing -------------------------

type Nested = number | Nested[];
type RefItem = number | null | "..." | [number | null, number | null, number | null];

/** Python's `slice(start, stop, step).indices(length)` as the list of indices taken. */
function sliceIndices(
  length: number,
  [start, stop, step]: [number | null, number | null, number | null],
): number[] {
  const st = step ?? 1;
  const lower = st > 0 ? 0 : -1;
  const upper = st > 0 ? length : length - 1;
  const bound = (v: number | null, none: number) =>
    v === null ? none : v < 0 ? Math.max(v + length, lower) : Math.min(v, upper);
  const b = bound(start, st > 0 ? lower : upper);
  const e = bound(stop, st > 0 ? upper : lower);
  const out: number[] = [];
  for (let i = b; st > 0 ? i < e : i > e; i += st) out.push(i);
  return out;
}

/** `x[items]` of a nested array of shape `shape`: the result's values and shape. */
function reference(
  x: Nested,
  shape: number[],
  items: RefItem[],
): { value: Nested; shape: number[] } {
  const named = items.filter((i) => i !== null && i !== "...").length;
  const expanded: RefItem[] = [];
  const withEllipsis: RefItem[] = items.includes("...") ? items : [...items, "..."];
  for (const item of withEllipsis) {
    if (item === "...") {
      for (let k = 0; k < shape.length - named; k++) expanded.push([null, null, null]);
    } else expanded.push(item);
  }
  const apply = (
    v: Nested,
    dims: number[],
    rest: RefItem[],
  ): { value: Nested; shape: number[] } => {
    const [item, ...tail] = rest;
    if (item === undefined) return { value: v, shape: dims };
    if (item === null) {
      const inner = apply(v, dims, tail);
      return { value: [inner.value], shape: [1, ...inner.shape] };
    }
    const arr = v as Nested[];
    const [len, ...innerDims] = dims as [number, ...number[]];
    if (typeof item === "number") {
      const i = item < 0 ? item + len : item;
      if (i < 0 || i >= len) throw new Error(`index ${item} out of range`);
      return apply(arr[i] as Nested, innerDims, tail);
    }
    if (item === "...") throw new Error("ellipses are expanded above");
    const picks = sliceIndices(len, item);
    const parts = picks.map((i) => apply(arr[i] as Nested, innerDims, tail));
    const innerShape = parts[0]?.shape ?? apply(zerosOf(innerDims), innerDims, tail).shape;
    return { value: parts.map((p) => p.value), shape: [picks.length, ...innerShape] };
  };
  return apply(x, shape, expanded);
}

function zerosOf(shape: number[]): Nested {
  const [n, ...rest] = shape;
  if (n === undefined) return 0;
  return Array.from({ length: n }, () => zerosOf(rest));
}

/** `np.arange(prod(shape)).reshape(shape)` as nested arrays. */
function arange(shape: number[]): Nested {
  let next = 0;
  const build = (dims: number[]): Nested => {
    const [n, ...rest] = dims;
    if (n === undefined) return next++;
    return Array.from({ length: n }, () => build(rest));
  };
  return build(shape);
}

/** The scopeflow spelling of a reference item. */
function toItem(item: RefItem): tf.SliceItem {
  if (!Array.isArray(item)) return item;
  const [a, b, c] = item;
  const s = (v: number | null) => (v === null ? "" : String(v));
  return c === null ? `${s(a)}:${s(b)}` : `${s(a)}:${s(b)}:${s(c)}`;
}

const S = (start: number | null, stop: number | null, step: number | null = null): RefItem => [
  start,
  stop,
  step,
];

interface Case {
  python: string;
  items: RefItem[];
  /** begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask. */
  masks: [number, number, number, number, number];
  /** The const values of strided_slice/stack, stack_1, stack_2. */
  consts: [number[], number[], number[]];
}

const X_SHAPE = [3, 4, 5];

// Masks and consts as TF 1.15's _slice_helper sets them for each Python subscript.
const CASES: Case[] = [
  { python: "x[1]", items: [1], masks: [0, 0, 0, 0, 1], consts: [[1], [2], [1]] },
  { python: "x[-1]", items: [-1], masks: [0, 0, 0, 0, 1], consts: [[-1], [0], [1]] },
  { python: "x[1:3]", items: [S(1, 3)], masks: [0, 0, 0, 0, 0], consts: [[1], [3], [1]] },
  {
    python: "x[:, 2, :]",
    items: [S(null, null), 2, S(null, null)],
    masks: [5, 5, 0, 0, 2],
    consts: [
      [0, 2, 0],
      [0, 3, 0],
      [1, 1, 1],
    ],
  },
  {
    python: "x[::-1]",
    items: [S(null, null, -1)],
    masks: [1, 1, 0, 0, 0],
    consts: [[0], [0], [-1]],
  },
  { python: "x[-2:]", items: [S(-2, null)], masks: [0, 1, 0, 0, 0], consts: [[-2], [0], [1]] },
  { python: "x[:-1]", items: [S(null, -1)], masks: [1, 0, 0, 0, 0], consts: [[0], [-1], [1]] },
  { python: "x[::2]", items: [S(null, null, 2)], masks: [1, 1, 0, 0, 0], consts: [[0], [0], [2]] },
  {
    python: "x[..., 0]",
    items: ["...", 0],
    masks: [0, 0, 1, 0, 2],
    consts: [
      [0, 0],
      [0, 1],
      [1, 1],
    ],
  },
  {
    python: "x[..., None]",
    items: ["...", null],
    masks: [0, 0, 1, 2, 0],
    consts: [
      [0, 0],
      [0, 0],
      [1, 1],
    ],
  },
  { python: "x[None]", items: [null], masks: [0, 0, 0, 1, 0], consts: [[0], [0], [1]] },
  {
    python: "x[:, None, 1:3]",
    items: [S(null, null), null, S(1, 3)],
    masks: [1, 1, 0, 2, 0],
    consts: [
      [0, 0, 1],
      [0, 0, 3],
      [1, 1, 1],
    ],
  },
  {
    python: "x[1, ..., ::-2]",
    items: [1, "...", S(null, null, -2)],
    masks: [4, 4, 2, 0, 1],
    consts: [
      [1, 0, 0],
      [2, 0, 0],
      [1, 1, -2],
    ],
  },
  {
    python: "x[..., 1, None, :2]",
    items: ["...", 1, null, S(null, 2)],
    masks: [8, 0, 1, 4, 2],
    consts: [
      [0, 1, 0, 0],
      [0, 2, 0, 2],
      [1, 1, 1, 1],
    ],
  },
  { python: "x[2:0:-1]", items: [S(2, 0, -1)], masks: [0, 0, 0, 0, 0], consts: [[2], [0], [-1]] },
  {
    python: "x[:, -1:0:-2]",
    items: [S(null, null), S(-1, 0, -2)],
    masks: [1, 1, 0, 0, 0],
    consts: [
      [0, -1],
      [0, 0],
      [1, -2],
    ],
  },
  { python: "x[10:]", items: [S(10, null)], masks: [0, 1, 0, 0, 0], consts: [[10], [0], [1]] },
  { python: "x[-10:2]", items: [S(-10, 2)], masks: [0, 0, 0, 0, 0], consts: [[-10], [2], [1]] },
  { python: "x[2:1]", items: [S(2, 1)], masks: [0, 0, 0, 0, 0], consts: [[2], [1], [1]] },
  {
    python: "x[0, -1, 4]",
    items: [0, -1, 4],
    masks: [0, 0, 0, 0, 7],
    consts: [
      [0, -1, 4],
      [1, 0, 5],
      [1, 1, 1],
    ],
  },
  {
    python: "x[1:2, 1:3, ::3]",
    items: [S(1, 2), S(1, 3), S(null, null, 3)],
    masks: [4, 4, 0, 0, 0],
    consts: [
      [1, 1, 0],
      [2, 3, 0],
      [1, 1, 3],
    ],
  },
  {
    python: "x[:, :, -3:-1]",
    items: [S(null, null), S(null, null), S(-3, -1)],
    masks: [3, 3, 0, 0, 0],
    consts: [
      [0, 0, -3],
      [0, 0, -1],
      [1, 1, 1],
    ],
  },
  {
    python: "x[None, ..., None]",
    items: [null, "...", null],
    masks: [0, 0, 2, 5, 0],
    consts: [
      [0, 0, 0],
      [0, 0, 0],
      [1, 1, 1],
    ],
  },
];

function constOf(t: tf.Tensor): number[] {
  expect(t.op.type).toBe("Const");
  const v = t.op.attrs.value as { values: ArrayLike<number> };
  return Array.from(v.values);
}

describe("Tensor.get: Python's subscript", () => {
  for (const c of CASES) {
    it(`${c.python} builds TF's StridedSlice and computes NumPy's result`, () => {
      const data = arange(X_SHAPE);
      const x = tf.constant(data, { name: "x" });
      const y = x.get(...c.items.map(toItem));
      const want = reference(data, X_SHAPE, c.items);
      const op = y.op;
      expect(op.name).toBe("strided_slice");
      expect(op.type).toBe("StridedSlice");
      expect(op.inputs.map((t) => t.op.name)).toEqual([
        "x",
        "strided_slice/stack",
        "strided_slice/stack_1",
        "strided_slice/stack_2",
      ]);
      const [b, e, s] = op.inputs.slice(1) as [tf.Tensor, tf.Tensor, tf.Tensor];
      expect([constOf(b), constOf(e), constOf(s)]).toEqual(c.consts);
      expect(b.dtype).toBe("int32");
      expect(op.attrs).toMatchObject({
        T: "float32",
        Index: "int32",
        begin_mask: c.masks[0],
        end_mask: c.masks[1],
        ellipsis_mask: c.masks[2],
        new_axis_mask: c.masks[3],
        shrink_axis_mask: c.masks[4],
      });
      expect(y.shape.asList()).toEqual(want.shape);
      const got = run(y);
      expect(got.shape).toEqual(want.shape);
      expect(got.toArray()).toEqual(want.value);
    });
  }

  it("gives the same results with unknown dims (shapes inferred as TF does)", () => {
    const data = arange(X_SHAPE);
    const x = tf.placeholder(tf.float32, [null, 4, null]);
    const feed = new Map([[x, data]]);
    expect(x.get(1).shape.toString()).toBe("(4, ?)");
    expect(x.get(":", 2, ":").shape.toString()).toBe("(?, ?)");
    expect(x.get("...", null).shape.toString()).toBe("(?, 4, ?, 1)");
    expect(x.get(":", "1:3").shape.toString()).toBe("(?, 2, ?)");
    expect(x.get(":", "::-1").shape.toString()).toBe("(?, 4, ?)");
    for (const c of CASES) {
      const y = x.get(...c.items.map(toItem));
      const want = reference(data, X_SHAPE, c.items);
      expect(y.shape.isCompatibleWith(new tf.TensorShape(want.shape)), c.python).toBe(true);
      expect(run(y, feed).toArray(), c.python).toEqual(want.value);
    }
    // Unknown rank: an unknown shape.
    expect(tf.placeholder(tf.float32).get(0).shape.toString()).toBe("<unknown>");
  });

  it("x[()] slices with one empty int32 const", () => {
    const x = tf.constant([[1, 2]]);
    const y = x.get();
    expect(y.op.inputs.map((t) => t.op.name)).toEqual([
      "Const",
      "strided_slice/Const",
      "strided_slice/Const",
      "strided_slice/Const",
    ]);
    expect(y.op.attrs).toMatchObject({ begin_mask: 0, shrink_axis_mask: 0 });
    expect(run(y).toArray()).toEqual([[1, 2]]);
  });

  it("names successive slices strided_slice_1, strided_slice_2", () => {
    const x = tf.constant([1, 2, 3]);
    expect([x.get(0), x.get(1), x.get("1:")].map((t) => t.op.name)).toEqual([
      "strided_slice",
      "strided_slice_1",
      "strided_slice_2",
    ]);
    expect(x.get(0).op.inputs[1]?.op.name).toBe("strided_slice_3/stack");
  });

  it("a tensor index is packed (Pack strided_slice/stack) and its end is t + 1 (add)", () => {
    const x = tf.constant(arange([3, 4]), { name: "x" });
    const t = tf.placeholder(tf.int32, [], { name: "t" });
    const y = x.get(t, "1:");
    const ops = tf
      .getDefaultGraph()
      .getOperations()
      .map((o) => `${o.name}:${o.type}(${o.inputs.map((i) => i.op.name).join(",")})`);
    expect(ops).toEqual([
      "x:Const()",
      "t:Placeholder()",
      "add/y:Const()",
      "add:AddV2(t,add/y)",
      "strided_slice/stack/1:Const()",
      "strided_slice/stack:Pack(t,strided_slice/stack/1)",
      "strided_slice/stack_1/1:Const()",
      "strided_slice/stack_1:Pack(add,strided_slice/stack_1/1)",
      "strided_slice/stack_2:Const()",
      "strided_slice:StridedSlice(x,strided_slice/stack,strided_slice/stack_1,strided_slice/stack_2)",
    ]);
    expect(y.op.attrs).toMatchObject({ begin_mask: 0, end_mask: 2, shrink_axis_mask: 1 });
    // begin is not a constant, so TF's shape function cannot size the `1:` range either.
    expect(y.shape.toString()).toBe("(?,)");
    expect(run(y, new Map([[t, 2]])).toArray()).toEqual([9, 10, 11]);
    expect(run(y, new Map([[t, -3]])).toArray()).toEqual([1, 2, 3]);
  });

  it("tensor bounds go in a tf.sliceSpec: x[:t], x[i:i + 2], x[::s]", () => {
    const x = tf.constant([0, 1, 2, 3, 4, 5]);
    const t = tf.placeholder(tf.int32, [], { name: "t" });
    const head = x.get(tf.sliceSpec(null, t));
    expect(head.op.inputs.map((i) => i.op.type)).toEqual(["Const", "Const", "Pack", "Const"]);
    expect(head.op.attrs).toMatchObject({ begin_mask: 1, end_mask: 0 });
    expect(head.shape.toString()).toBe("(?,)");
    expect(run(head, new Map([[t, 4]])).toArray()).toEqual([0, 1, 2, 3]);
    const window = x.get(tf.sliceSpec(t, t.add(2)));
    expect(run(window, new Map([[t, 3]])).toArray()).toEqual([3, 4]);
    const every = x.get(tf.sliceSpec(null, null, t));
    expect(run(every, new Map([[t, -2]])).toArray()).toEqual([5, 3, 1]);
  });

  it("int64 tensor indices make int64 begin/end/strides (the rest cast, strided_slice/Cast)", () => {
    const x = tf.constant([10, 20, 30]);
    const i = tf.placeholder(tf.int64, [], { name: "i" });
    const y = x.get(i);
    expect(y.op.attrs.Index).toBe("int64");
    expect(y.op.inputs.map((t) => `${t.op.name}:${t.op.type}`)).toEqual([
      "Const:Const",
      "strided_slice/stack:Pack",
      "strided_slice/stack_1:Pack",
      "strided_slice/Cast:Cast",
    ]);
    expect(run(y, new Map([[i, 2]])).toArray()).toEqual(30);
  });

  it("a variable slices its value v/read (Variable.get)", () => {
    const v = tf.getVariable("v", [3, 2], {
      initializer: tf.constantInitializer([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
    });
    const y = v.get("1:", 0);
    expect(y.op.inputs[0]?.name).toBe("v/read:0");
    const sess = new tf.Session();
    try {
      sess.run(v.initializer);
      expect(sess.run(y).toArray()).toEqual([3, 5]);
    } finally {
      sess.close();
    }
  });

  it("tf.newaxis is null", () => {
    expect(tf.newaxis).toBeNull();
    expect(tf.zeros([2]).get(tf.newaxis, "...").shape.toString()).toBe("(1, 2)");
  });
});

describe("tf.shape(x).get(i)", () => {
  it("with an unknown batch dimension, used in a reshape", () => {
    const x = tf.placeholder(tf.float32, [null, 2, 3], { name: "x" });
    const batch = tf.shape(x).get(0);
    expect(batch.op.name).toBe("strided_slice");
    expect(batch.op.inputs[0]?.op.type).toBe("Shape");
    expect(batch.dtype).toBe("int32");
    expect(batch.shape.toString()).toBe("()");
    const flat = tf.reshape(x, [batch, -1]);
    expect(flat.op.inputs[1]?.op.type).toBe("Pack");
    // As in TF 1.15: two unknown target dims leave both unknown.
    expect(flat.shape.toString()).toBe("(?, ?)");
    const data = arange([4, 2, 3]);
    const got = run(flat, new Map([[x, data]]));
    expect(got.shape).toEqual([4, 6]);
    expect(got.toArray()).toEqual((data as number[][][]).map((m) => m.flat()));
    expect(run(batch, new Map([[x, data]])).toArray()).toEqual(4);
  });

  it("shape(x)[1:] keeps the known dims as a shape; a known shape folds", () => {
    const x = tf.placeholder(tf.float32, [null, 2, 3]);
    const y = tf.placeholder(tf.float32, [6]);
    expect(tf.reshape(y, tf.shape(x).get("1:")).shape.toString()).toBe("(2, 3)");
    expect(tf.reshape(y, tf.shape(x).get("-2:")).shape.toString()).toBe("(2, 3)");
    const z = tf.zeros([4, 2, 3]);
    expect(tf.reshape(z, [tf.shape(z).get(0), -1]).shape.toString()).toBe("(4, 6)");
    expect(tf.reshape(z, [-1, tf.shape(z).get(-1)]).shape.toString()).toBe("(8, 3)");
  });
});

describe("tf.stridedSlice", () => {
  const T = [
    [
      [1, 1, 1],
      [2, 2, 2],
    ],
    [
      [3, 3, 3],
      [4, 4, 4],
    ],
    [
      [5, 5, 5],
      [6, 6, 6],
    ],
  ];

  it("TF's docstring examples", () => {
    const t = tf.constant(T);
    expect(run(tf.stridedSlice(t, [1, 0, 0], [2, 1, 3], [1, 1, 1])).toArray()).toEqual([
      [[3, 3, 3]],
    ]);
    expect(run(tf.stridedSlice(t, [1, 0, 0], [2, 2, 3], [1, 1, 1])).toArray()).toEqual([
      [
        [3, 3, 3],
        [4, 4, 4],
      ],
    ]);
    expect(run(tf.stridedSlice(t, [1, -1, 0], [2, -3, 3], [1, -1, 1])).toArray()).toEqual([
      [
        [4, 4, 4],
        [3, 3, 3],
      ],
    ]);
  });

  it("builds StridedSlice with its begin/end/strides consts; default strides are ones_like(begin)", () => {
    const t = tf.constant(T, { name: "t" });
    const y = tf.stridedSlice(t, [1, 0], [3, 2], [1, 1]);
    expect(y.op.name).toBe("StridedSlice");
    expect(y.op.inputs.map((i) => i.op.name)).toEqual([
      "t",
      "StridedSlice/begin",
      "StridedSlice/end",
      "StridedSlice/strides",
    ]);
    tf.resetDefaultGraph();
    const t2 = tf.constant(T, { name: "t" });
    const z = tf.stridedSlice(t2, [1], [3]);
    const ops = tf
      .getDefaultGraph()
      .getOperations()
      .map((o) => `${o.name}:${o.type}(${o.inputs.map((i) => i.op.name).join(",")})`);
    expect(ops).toEqual([
      "t:Const()",
      "ones_like/tensor:Const()",
      "ones_like/Shape:Const()",
      "ones_like/Const:Const()",
      "ones_like:Fill(ones_like/Shape,ones_like/Const)",
      "StridedSlice/begin:Const()",
      "StridedSlice/end:Const()",
      "StridedSlice:StridedSlice(t,StridedSlice/begin,StridedSlice/end,ones_like)",
    ]);
    expect(z.shape.toString()).toBe("(2, 2, 3)");
    expect(run(z).toArray()).toEqual(T.slice(1));
  });

  it("TF's positional form and the options form build the same graph", () => {
    const build = (f: (x: tf.Tensor) => tf.Tensor) => () => f(tf.constant(T, { name: "t" }));
    const picture = expectSameGraphs(
      build((x) => tf.stridedSlice(x, [0, 1], [0, 2], [1, 1], 1, 1, 0, 0, 2, null, "s")),
      build((x) =>
        tf.stridedSlice(x, [0, 1], [0, 2], [1, 1], {
          beginMask: 1,
          endMask: 1,
          shrinkAxisMask: 2,
          name: "s",
        }),
      ),
      build((x) =>
        tf.stridedSlice({
          input: x,
          begin: [0, 1],
          end: [0, 2],
          strides: [1, 1],
          beginMask: 1,
          endMask: 1,
          shrinkAxisMask: 2,
          name: "s",
        }),
      ),
    );
    expect(picture.at(-1)).toContain("s = StridedSlice(t:0,s/begin:0,s/end:0,s/strides:0)");
    expect(picture.at(-1)).toContain("begin_mask=1");
    expect(picture.at(-1)).toContain("shrink_axis_mask=2");
    expect(picture.at(-1)).toContain("float32(3, 3)");
  });

  it("refuses unknown keys, wrong kinds and var, leaving the graph unchanged", () => {
    const t = tf.constant(T);
    expectRefused(
      () => tf.stridedSlice(t, [0], [1], [1], { shrink_axis_mask: 1 } as never),
      "strided_slice() got an unexpected keyword argument 'shrink_axis_mask' (did you mean 'shrinkAxisMask'?)",
    );
    expectRefused(
      () => tf.stridedSlice(t, [0], [1], [1], "1" as never),
      "strided_slice() argument 'beginMask' (position 5) must be an int, not str '1'",
    );
    expectRefused(
      () => tf.stridedSlice(t, [0.5], [1]),
      "strided_slice() argument 'begin' (position 2) must be a list of ints or a 1-D int Tensor, not a list of length 1",
    );
    const v = tf.getVariable("v", [3]);
    expectThrowsAndUnchanged(
      () => tf.stridedSlice(v, [0], [1], null, { var: v }),
      tf.errors.ValueError,
      /^strided_slice\(\): 'var' is not supported \(it only enables sliced assignment/,
    );
  });

  it("a shrink axis with a negative stride is refused", () => {
    expectValueError(
      () => tf.stridedSlice(tf.constant([1, 2, 3]), [1], [2], [-1], { shrinkAxisMask: 1 }),
      "only stride 1 allowed on non-range indexing. for 'StridedSlice' (op: 'StridedSlice') with input shapes: [3], [1], [1], [1] and with computed input tensors: input[1] = <1>, input[2] = <2>, input[3] = <-1>.",
    );
  });
});

describe("errors", () => {
  const x3 = () => tf.constant(arange(X_SHAPE), { name: "x" });

  it("a zero step, an index out of range, too many indices, two ellipses: TF's shape errors", () => {
    const x = x3();
    expectThrowsAndUnchanged(
      () => x.get("::0"),
      tf.errors.ValueError,
      "strides[0] must be non-zero for 'strided_slice' (op: 'StridedSlice') with input shapes: [3,4,5], [1], [1], [1] and with computed input tensors: input[1] = <0>, input[2] = <0>, input[3] = <0>.",
    );
    expectValueError(
      () => x.get(3),
      "slice index 3 of dimension 0 out of bounds. for 'strided_slice' (op: 'StridedSlice') with input shapes: [3,4,5], [1], [1], [1] and with computed input tensors: input[1] = <3>, input[2] = <4>, input[3] = <1>.",
    );
    expectValueError(
      () => x.get(":", -5),
      "slice index -1 of dimension 1 out of bounds. for 'strided_slice' (op: 'StridedSlice') with input shapes: [3,4,5], [2], [2], [2] and with computed input tensors: input[1] = <0 -5>, input[2] = <0 -4>, input[3] = <1 1>.",
    );
    expectValueError(
      () => x.get(0, 0, 0, 0),
      "Index out of range using input dim 3; input has only 3 dims for 'strided_slice' (op: 'StridedSlice') with input shapes: [3,4,5], [4], [4], [4] and with computed input tensors: input[1] = <0 0 0 0>, input[2] = <1 1 1 1>, input[3] = <1 1 1 1>.",
    );
    expectValueError(
      () => x.get("...", 0, "..."),
      "Multiple ellipses in slice spec not allowed for 'strided_slice' (op: 'StridedSlice') with input shapes: [3,4,5], [3], [3], [3] and with computed input tensors: input[1] = <0 0 0>, input[2] = <0 1 0>, input[3] = <1 1 1>.",
    );
  });

  it("bad index kinds are TF's TypeError, and the graph is unchanged", () => {
    const x = x3();
    const msg =
      "Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar tf.int32/tf.int64 tensors are valid indices, got ";
    expectRefused(() => x.get(1.5), `${msg}1.5`);
    expectRefused(() => x.get(true as never), `${msg}True`);
    const v = tf.constant([1], { dtype: tf.int32, name: "v" });
    expectRefused(() => x.get(0, v), `${msg}<tf.Tensor 'v:0' shape=(1,) dtype=int32>`);
    const f = tf.constant(1, { name: "f" });
    expectRefused(() => x.get(f), `${msg}<tf.Tensor 'f:0' shape=() dtype=float32>`);
    expectRefused(
      () => x.get(tf.sliceSpec(0, 1.5)),
      "sliceSpec() argument 'stop' (position 2) must be an int or a scalar int Tensor, not float 1.5",
    );
    const w = tf.constant([2], { dtype: tf.int32, name: "w" });
    expectRefused(
      () => x.get(tf.sliceSpec(0, w)),
      `${msg}<tf.Tensor 'w:0' shape=(1,) dtype=int32>`,
    );
    expect(tf.sliceSpec({ step: -1 }).toString()).toBe("::-1");
    // A tensor index first, a bad item after: the add built for it is rolled back too.
    const t = tf.placeholder(tf.int32, []);
    expectThrowsAndUnchanged(
      () => x.get(t, "::0"),
      tf.errors.ValueError,
      /^strides\[1\] must be non-zero for 'strided_slice'/,
    );
    expectRefused(
      () => x.get("1:2:3:4"),
      /^Tensor\.get\(\): '1:2:3:4' is not a slice: write "start:stop:step"/,
    );
    expectRefused(
      () => x.get("3"),
      /^Tensor\.get\(\): '3' is not a slice: write "start:stop:step"/,
    );
    expectRefused(
      () => x.get("a:b"),
      /^Tensor\.get\(\): 'a:b' is not a slice: write "start:stop:step"/,
    );
  });

  it("out-of-range indices on unknown dims fail when run, with the kernel's message", () => {
    const x = tf.placeholder(tf.float32, [null]);
    const y = x.get(5);
    expect(() => run(y, new Map([[x, [1, 2, 3]]]))).toThrow(
      "slice index 5 of dimension 0 out of bounds.",
    );
    expect(() => run(x.get("::0"), new Map([[x, [1, 2, 3]]]))).toThrow();
    const u = tf.placeholder(tf.float32);
    expect(() => run(u.get(0, 0), new Map([[u, [1, 2, 3]]]))).toThrow(
      "Index out of range using input dim 1; input has only 1 dims",
    );
  });
});

describe("gradients", () => {
  const spec = (shape: number[], placeholder?: (number | null)[]) => ({ shape, placeholder });

  it("StridedSliceGrad as TF builds it: gradients/strided_slice_grad/{Shape,StridedSliceGrad}", () => {
    const x = tf.placeholder(tf.float32, [3, 4], { name: "x" });
    const y = x.get("1:", "::-2");
    const [g] = tf.gradients(y, [x]) as (tf.Tensor | null)[];
    expect(g?.op.type).toBe("StridedSliceGrad");
    expect(g?.shape.toString()).toBe("(3, 4)");
    expect(gradientOpNames().filter((n) => n.includes("strided_slice"))).toEqual([
      "gradients/strided_slice_grad/Shape",
      "gradients/strided_slice_grad/StridedSliceGrad",
    ]);
    expect(g?.op.inputs.map((t) => t.op.name)).toEqual([
      "gradients/strided_slice_grad/Shape",
      "strided_slice/stack",
      "strided_slice/stack_1",
      "strided_slice/stack_2",
      (g as tf.Tensor).op.inputs[4]?.op.name,
    ]);
    expect(g?.op.inputs[0]?.op.type).toBe("Const");
    expect(g?.op.attrs).toMatchObject({
      T: "float32",
      Index: "int32",
      begin_mask: 2,
      end_mask: 3,
      ellipsis_mask: 0,
      new_axis_mask: 0,
      shrink_axis_mask: 0,
    });
    expect(run(g as tf.Tensor, new Map([[x, arange([3, 4])]])).toArray()).toEqual([
      [0, 0, 0, 0],
      [0, 1, 0, 1],
      [0, 1, 0, 1],
    ]);
  });

  const cases: [string, (x: tf.Tensor) => tf.Tensor, number[], (number | null)[]?][] = [
    ["x[1:3, ::-2]", (x) => x.get("1:3", "::-2"), [4, 5]],
    ["x[:, 1]", (x) => x.get(":", 1), [4, 5]],
    ["x[-1]", (x) => x.get(-1), [4, 5]],
    ["x[..., None, 0]", (x) => x.get("...", null, 0), [2, 3, 4]],
    ["x[::2, -1:0:-3, 1:]", (x) => x.get("::2", "-1:0:-3", "1:"), [5, 7, 3]],
    [
      "x[None, 3:0:-1, :, ::3] (unknown batch)",
      (x) => x.get(null, "3:0:-1", ":", "::3"),
      [4, 2, 7],
      [null, 2, 7],
    ],
    ["x[5:9] (out of range: empty)", (x) => x.get("5:9").mul(1), [3, 2]],
  ];
  for (const [python, graph, shape, placeholder] of cases) {
    it(`${python} matches finite differences`, async () => {
      await checkGradients({ inputs: [spec(shape, placeholder)], graph, fdSamples: 40 });
    });
  }

  it("tf.stridedSlice with masks matches finite differences", async () => {
    await checkGradients({
      inputs: [spec([3, 4, 5])],
      graph: (x) =>
        tf.stridedSlice(x, [0, 3, 1], [0, 0, 4], [1, -1, 2], { beginMask: 1, endMask: 1 }),
    });
  });

  it("the gradient of StridedSliceGrad is a strided slice of its gradient", () => {
    const x = tf.placeholder(tf.float32, [4, 3], { name: "x" });
    const dy = tf.placeholder(tf.float32, [2, 3], { name: "dy" });
    const y = x.get("::-2");
    const [g] = tf.gradients(y, [x], dy);
    const w = tf.constant(arange([4, 3]));
    const [gg] = tf.gradients(tf.reduceSum((g as tf.Tensor).mul(w)), [dy]) as (tf.Tensor | null)[];
    expect(gg?.op.type).toBe("StridedSlice");
    expect(gg?.shape.toString()).toBe("(2, 3)");
    expect(run(gg as tf.Tensor, new Map([[dy, arange([2, 3])]])).toArray()).toEqual([
      [9, 10, 11],
      [3, 4, 5],
    ]);
  });
});
