import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";

beforeEach(() => tf.resetDefaultGraph());

/** `name@device` of every op in the default graph, in creation order. */
function placements(): string[] {
  return tf
    .getDefaultGraph()
    .getOperations()
    .map((op) => `${op.name}@${op.device}`);
}

describe("tf.device", () => {
  it("records the canonical device name on every op built inside, and nothing outside", () => {
    const before = tf.constant(1, { name: "before" });
    const [x, y] = tf.device("/cpu:0", () => {
      const x = tf.constant([1, 2, 3], { name: "x" });
      return [x, tf.multiply(x, 2)];
    });
    const after = tf.add(x, y, { name: "after" });
    expect(before.device).toBe("");
    expect(x.device).toBe("/device:CPU:0");
    expect(y.op.device).toBe("/device:CPU:0");
    expect(y.op.inputs[1]?.device).toBe("/device:CPU:0");
    expect(after.device).toBe("");
    // The device is only recorded: the ops still compute.
    using sess = new tf.Session();
    expect((sess.run(after) as tf.NDArray).toArray()).toEqual([3, 6, 9]);
  });

  it("merges nested names: inner parts win, outer parts fill in the rest", () => {
    tf.device("/job:ps/replica:0/task:1/gpu:1", () => {
      tf.constant(0, { name: "outer" });
      tf.device("/device:CPU:*", () => {
        tf.constant(0, { name: "inner_type" });
        tf.device("/task:3", () => tf.constant(0, { name: "inner_task" }));
      });
      tf.device("/job:worker", () => tf.constant(0, { name: "inner_job" }));
      tf.device("", () => tf.constant(0, { name: "empty" }));
    });
    expect(placements()).toEqual([
      "outer@/job:ps/replica:0/task:1/device:GPU:1",
      "inner_type@/job:ps/replica:0/task:1/device:CPU:1",
      "inner_task@/job:ps/replica:0/task:3/device:CPU:1",
      "inner_job@/job:worker/replica:0/task:1/device:GPU:1",
      "empty@/job:ps/replica:0/task:1/device:GPU:1",
    ]);
  });

  it("null ignores the enclosing scopes; scopes inside it apply again", () => {
    tf.device("/job:ps/gpu:0", () =>
      tf.device(null, () => {
        tf.constant(0, { name: "none" });
        tf.device("/cpu:0", () => tf.constant(0, { name: "cpu_only" }));
      }),
    );
    tf.device({ deviceNameOrFunction: "/gpu:2" }, () =>
      tf.device({ deviceNameOrFunction: null }, () => tf.constant(0, { name: "by_name" })),
    );
    expect(placements()).toEqual(["none@", "cpu_only@/device:CPU:0", "by_name@"]);
  });

  it("calls a device function with each op; outer names merge over what it returns", () => {
    const seen: string[] = [];
    const psOnVariables = (op: tf.Operation): string | null => {
      seen.push(`${op.name}:${op.type}:${op.device}`);
      return op.type === "Const" ? "/job:ps/task:0" : null;
    };
    tf.device("/cpu:0", () =>
      tf.device(psOnVariables, () =>
        tf.device("/gpu:1", () => tf.subtract(tf.constant([[1, 2]], { name: "a" }), 1)),
      ),
    );
    // The function sees the op as inner scopes left it, and its answer replaces that device;
    // `null` leaves the op without one, so the outer `/cpu:0` fills it in.
    expect(seen).toEqual([
      "a:Const:/device:GPU:1",
      "Sub/y:Const:/device:GPU:1",
      "Sub:Sub:/device:GPU:1",
    ]);
    expect(placements()).toEqual([
      "a@/job:ps/task:0/device:CPU:0",
      "Sub/y@/job:ps/task:0/device:CPU:0",
      "Sub@/device:CPU:0",
    ]);
  });

  it("keeps a device function's string as given when no outer name merges over it", () => {
    const t = tf.device(
      () => "/gpu:0",
      () => tf.constant(1),
    );
    expect(t.device).toBe("/gpu:0");
  });

  it("places variables: the VariableV2, Assign and read ops; not the initializer's ops", () => {
    const v = tf.device("/job:ps/task:0/cpu:0", () =>
      tf.variableScope("layer", () =>
        tf.getVariable("w", [2, 3], { initializer: tf.truncatedNormalInitializer() }),
      ),
    );
    const dev = "/job:ps/task:0/device:CPU:0";
    expect(v.device).toBe(dev);
    const g = tf.getDefaultGraph();
    expect(g.getOperationByName("layer/w").device).toBe(dev);
    expect(g.getOperationByName("layer/w/Assign").device).toBe(dev);
    expect(g.getOperationByName("layer/w/read").device).toBe(dev);
    // TF builds an initializer function under `device(None)`.
    const init = g
      .getOperations()
      .filter((op) => op.name.startsWith("layer/w/Initializer/"))
      .map((op) => `${op.name}@${op.device}`);
    expect(init).toEqual([
      "layer/w/Initializer/truncated_normal/shape@",
      "layer/w/Initializer/truncated_normal/mean@",
      "layer/w/Initializer/truncated_normal/stddev@",
      "layer/w/Initializer/truncated_normal/TruncatedNormal@",
      "layer/w/Initializer/truncated_normal/mul@",
      "layer/w/Initializer/truncated_normal@",
    ]);
  });

  it("gives a variable's snapshot the variable's device when a function places them apart", () => {
    const byType = (op: tf.Operation) => (op.type === "VariableV2" ? "/job:ps" : "/job:worker");
    const v = tf.device(byType, () => new tf.Variable([1, 2], { name: "v" }));
    const g = tf.getDefaultGraph();
    expect(v.device).toBe("/job:ps");
    // The Assign takes the variable by reference: op_def_library colocates it with the
    // variable, inside `colocate_with`, which sets the device functions aside.
    expect(g.getOperationByName("v/Assign").device).toBe("/job:ps");
    expect(g.getOperationByName("v/read").device).toBe("/job:ps");
    expect(g.getOperationByName("v/initial_value").device).toBe("/job:worker");
  });

  it("refuses bad names before running the body, and non-string device function results", () => {
    expect(() => tf.device("/foo:0", () => tf.constant(1))).toThrow(
      "Unknown attribute: 'foo' in '/foo:0'",
    );
    expect(() => tf.device("/cpu:0/gpu:1", () => tf.constant(1))).toThrow(
      "Cannot specify multiple device types: /cpu:0/gpu:1",
    );
    expect(() => tf.device("/task:x", () => tf.constant(1))).toThrow(
      "invalid literal for int() with base 10: 'x'",
    );
    expect(() => tf.device(3 as never, () => tf.constant(1))).toThrow(TypeError);
    expect(() => tf.device((() => 7) as never, () => tf.constant(1))).toThrow(
      "A device function must return a device name (a string) or null, not int.",
    );
    expect(tf.getDefaultGraph().getOperations()).toEqual([]);
  });

  it("restores the stack after a throwing body and refuses async bodies", () => {
    expect(() =>
      tf.device("/gpu:0", () => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(tf.constant(1).device).toBe("");
    expect(() => tf.device("/gpu:0", (async () => tf.constant(2)) as never)).toThrow(
      "device callbacks must be synchronous",
    );
    expect(tf.constant(3, { name: "last" }).device).toBe("");
  });

  it("colocateGradientsWithOps gives each op's gradient ops that op's device", () => {
    const x = tf.constant([[1, 2]], { name: "x" });
    const w = tf.constant(
      [
        [0.5, -1],
        [2, 3],
      ],
      { name: "w" },
    );
    const h = tf.device("/gpu:0", () => tf.matmul(x, w));
    const loss = tf.device("/cpu:0", () => tf.reduceSum(tf.square(h)));
    const devicesOf = (prefix: string) =>
      tf
        .getDefaultGraph()
        .getOperations()
        .filter((op) => op.name.startsWith(prefix))
        .map((op) => `${op.name.slice(prefix.length)}@${op.device}`);
    const [dw] = tf.device("/job:worker", () =>
      tf.gradients(loss, [w], { colocateGradientsWithOps: true }),
    );
    const gradDevices = devicesOf("gradients/");
    expect(gradDevices).toContain("grad_ys_0@/device:CPU:0");
    expect(gradDevices).toContain("Sum_grad/Tile@/device:CPU:0");
    expect(gradDevices).toContain("Square_grad/Mul_1@/device:CPU:0");
    expect(gradDevices).toContain("MatMul_grad/MatMul_1@/device:GPU:0");
    for (const d of gradDevices) {
      const want = d.startsWith("MatMul_grad/") ? "/device:GPU:0" : "/device:CPU:0";
      expect(d.slice(d.indexOf("@") + 1), d).toBe(want);
    }
    // Without colocation they take the device scope around `tf.gradients`.
    tf.device("/job:worker", () => tf.gradients(loss, [w]));
    const plain = devicesOf("gradients_1/");
    expect(plain.length).toBe(gradDevices.length);
    for (const d of plain) expect(d.slice(d.indexOf("@") + 1), d).toBe("/job:worker");
    // d/dw sum((x·w)^2) = xᵀ · 2(x·w); x·w = [[4.5, 5]].
    using sess = new tf.Session();
    expect((sess.run(dw as tf.Tensor) as tf.NDArray).toArray()).toEqual([
      [9, 10],
      [18, 20],
    ]);
  });
});
