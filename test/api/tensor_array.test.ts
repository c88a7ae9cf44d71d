/**
 * The calling convention on `tf.TensorArray`: TF 1.15's positional constructor and
 * methods, and their options forms, build the same graph; unknown keys and wrong kinds are
 * refused with the graph unchanged.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectRefused, expectSameGraphs } from "./helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

describe("positional and options forms build the same graph", () => {
  it("TensorArray(dtype, size, dynamic_size, clear_after_read, tensor_array_name, handle, flow, infer_shape, element_shape, colocate_with_first_write_call, name)", () => {
    const picture = expectSameGraphs(
      () =>
        new tf.TensorArray(
          tf.float32,
          3,
          true,
          false,
          "foo",
          undefined,
          undefined,
          false,
          [2],
          true,
          "arr",
        ),
      () =>
        new tf.TensorArray(tf.float32, {
          size: 3,
          dynamicSize: true,
          clearAfterRead: false,
          tensorArrayName: "foo",
          inferShape: false,
          elementShape: [2],
          name: "arr",
        }),
      () =>
        new tf.TensorArray({
          dtype: tf.float32,
          size: 3,
          dynamicSize: true,
          clearAfterRead: false,
          tensorArrayName: "foo",
          inferShape: false,
          elementShape: [2],
          colocateWithFirstWriteCall: true,
          name: "arr",
        }),
    );
    expect(picture.join("\n")).toContain("arr = TensorArrayV3(arr/size:0)");
  });

  it("write(index, value, name), read(index, name), gather(indices, name)", () => {
    expectSameGraphs(
      () => {
        const w = new tf.TensorArray(tf.float32, 2).write(0, [1, 2], "w");
        w.read(0, "r");
        w.gather([0], "g");
      },
      () => {
        const w = new tf.TensorArray(tf.float32, { size: 2 }).write(0, [1, 2], { name: "w" });
        w.read(0, { name: "r" });
        w.gather([0], { name: "g" });
      },
      () => {
        const w = new tf.TensorArray(tf.float32, { size: 2 }).write({
          index: 0,
          value: [1, 2],
          name: "w",
        });
        w.read({ index: 0, name: "r" });
        w.gather({ indices: [0], name: "g" });
      },
    );
  });

  it("unstack(value, name), scatter(indices, value, name), split(value, lengths, name)", () => {
    expectSameGraphs(
      () => {
        const ta = new tf.TensorArray(tf.float32, 2);
        ta.unstack([[1], [2]], "u");
        ta.scatter([1, 0], [[1], [2]], "s");
        ta.split([1, 2, 3], [1, 2], "p");
      },
      () => {
        const ta = new tf.TensorArray(tf.float32, 2);
        ta.unstack({ value: [[1], [2]], name: "u" });
        ta.scatter([1, 0], { value: [[1], [2]], name: "s" });
        ta.split([1, 2, 3], { lengths: [1, 2], name: "p" });
      },
    );
  });

  it("stack(name), concat(name), size(name), close(name), grad(source, flow, name)", () => {
    expectSameGraphs(
      () => {
        const ta = new tf.TensorArray(tf.float32, 2).write(0, [1]).write(1, [2]);
        ta.stack("s");
        ta.concat("c");
        ta.size("n");
        ta.grad("src", ta.flow, "g");
        ta.close("x");
      },
      () => {
        const ta = new tf.TensorArray(tf.float32, 2).write(0, [1]).write(1, [2]);
        ta.stack({ name: "s" });
        ta.concat({ name: "c" });
        ta.size({ name: "n" });
        ta.grad({ source: "src", flow: ta.flow, name: "g" });
        ta.close({ name: "x" });
      },
    );
  });
});

describe("refused, with the graph unchanged", () => {
  it("unknown keys and wrong kinds", () => {
    expectRefused(
      () => new tf.TensorArray(tf.float32, { size: 2, dynamic_size: true } as never),
      "TensorArray() got an unexpected keyword argument 'dynamic_size' (did you mean 'dynamicSize'?)",
    );
    expectRefused(
      () => new tf.TensorArray(tf.float32, { size: 2, handle: [1, 2] } as never),
      "TensorArray() argument 'handle' must be a Tensor, not a list of length 2",
    );
    const ta = new tf.TensorArray(tf.float32, 2);
    expectRefused(
      () => ta.write(0, 1, { nam: "w" } as never),
      "TensorArray.write() got an unexpected keyword argument 'nam' (did you mean 'name'?)",
    );
  });
});
