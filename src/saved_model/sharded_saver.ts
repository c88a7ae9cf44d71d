/**
 * The saver a SavedModel's meta graph holds: TF 1.15's `Saver(sharded=True,
 * write_version=V2, allow_empty=True)` over all global variables, built as TF builds it
 * (`save/filename`, `save/Const`, `save/StringJoin` with a `_temp_<uuid>/part` suffix,
 * `save/ShardedFilename`, `save/SaveV2`, `save/MergeV2Checkpoints`, `save/Identity`;
 * `save/RestoreV2`, `save/Assign_N`, `save/restore_shard`, `save/restore_all`), so that
 * TensorFlow Serving restores it and scopeflow's loader runs it.
 */
import { placeholderWithDefault } from "../ops/array/placeholder.js";
import { constant } from "../ops/array/constant.js";
import { device } from "../ops/control/device.js";
import { controlDependencies, group } from "../ops/control/group.js";
import { identity } from "../ops/math/unary.js";
import { assign } from "../ops/state/variable_ops.js";
import { assignVariableOp } from "../ops/state/resource_variable_ops.js";
import { join as stringJoin } from "../ops/string/string_join.js";
import { mergeV2Checkpoints, restoreV2, saveV2, shardedFilename } from "../checkpoint/io_ops.js";
import type { Graph } from "../graph/graph.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { nameScope } from "../scope/name_scope.js";
import { globalVariables } from "../variables/collections.js";
import type { Variable } from "../variables/variable.js";
import type { SaverDefMessage } from "../interchange/meta_graph.js";

/** `saveable_object_util.set_cpu0`: the device with its device type and index made CPU:0. */
function setCpu0(deviceName: string): string {
  const kept = deviceName
    .split("/")
    .filter((p) => p !== "" && !p.startsWith("device:") && !/^(cpu|gpu):/i.test(p));
  return `${kept.map((p) => `/${p}`).join("")}/device:CPU:0`;
}

/** `_GroupByDevices`: the variables by device, devices sorted. */
function byDevice(vars: readonly Variable[]): [string, Variable[]][] {
  const groups = new Map<string, Variable[]>();
  for (const v of vars) {
    const list = groups.get(v.device) ?? [];
    list.push(v);
    groups.set(v.device, list);
  }
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** What {@link buildShardedSaver} built: TF's SaverDef, and the tensor a save runs. */
export interface ShardedSaver {
  saverDef: SaverDefMessage;
  filenameTensor: Tensor;
  saveTensor: Tensor;
}

const opNameOfVariable = (v: Variable): string => v.name.replace(/:\d+$/, "");

/**
 * Builds TF's sharded V2 saver over the graph's global variables, or returns `null` when
 * there are none (TF's `allow_empty=True`: no saver, no checkpoint).
 */
export function buildShardedSaver(graph: Graph): ShardedSaver | null {
  return graph.asDefault(() => {
    const vars = [...globalVariables()].sort((a, b) =>
      opNameOfVariable(a) < opNameOfVariable(b) ? -1 : 1,
    );
    if (vars.length === 0) return null;
    return graph.atomically(() =>
      nameScope("save", () => {
        const filename = placeholderWithDefault("model", [], "filename");
        // TF keeps the name "Const" for the filename tensor, for old readers.
        const filenameTensor = placeholderWithDefault(filename, [], "Const");
        const perDevice = byDevice(vars);

        const suffix = `_temp_${globalThis.crypto.randomUUID().replace(/-/g, "")}/part`;
        const tmpPrefix = stringJoin([filenameTensor, suffix]);
        const numShards = constant(perDevice.length, "int32", undefined, "num_shards");
        const saves: Tensor[] = [];
        const prefixes: Tensor[] = [];
        let lastDevice = "";
        perDevice.forEach(([dev, shardVars], shard) => {
          lastDevice = dev;
          device(setCpu0(dev), () => {
            const shardPrefix = shardedFilename(tmpPrefix, shard, numShards);
            prefixes.push(shardPrefix);
            const save = saveV2(
              shardPrefix,
              shardVars.map(opNameOfVariable),
              shardVars.map(() => ""),
              // A resource variable saves its value (its graph element), not its handle.
              shardVars.map((v) => (v.isResource ? v.snapshot : v.refTensor)),
            );
            // `with_dependencies` colocates the gated copy with the value it passes on.
            saves.push(
              graph.colocateWith(shardPrefix.op, () =>
                controlDependencies([save], () =>
                  identity(shardPrefix, { name: "control_dependency" }),
                ),
              ),
            );
          });
        });
        const saveTensor = controlDependencies(
          saves.map((t) => t.op),
          () =>
            device(setCpu0(lastDevice), () => {
              const merge = mergeV2Checkpoints(prefixes, filenameTensor, { deleteOldDirs: true });
              return controlDependencies([merge], () => identity(filenameTensor));
            }),
        );

        const restores: Operation[] = perDevice.map(([dev, shardVars]) =>
          device(dev, () => {
            const restored = device("/device:CPU:0", () =>
              restoreV2(
                filenameTensor,
                shardVars.map(opNameOfVariable),
                shardVars.map(() => ""),
                shardVars.map((v) => v.dtype),
              ),
            );
            const assigns = shardVars.map((v, i) =>
              v.isResource
                ? assignVariableOp(v.refTensor, identity(restored[i] as Tensor))
                : assign(v.refTensor, restored[i] as Tensor, {
                    validateShape: v.shape.isFullyDefined(),
                  }),
            );
            return group(assigns, { name: "restore_shard" });
          }),
        );
        const restoreAll = group(restores, { name: "restore_all" });
        const saverDef: SaverDefMessage = {
          filenameTensorName: filenameTensor.name,
          saveTensorName: saveTensor.name,
          restoreOpName: restoreAll.name,
          maxToKeep: 5,
          sharded: true,
          keepCheckpointEveryNHours: 10000,
          version: 2,
        };
        return { saverDef, filenameTensor, saveTensor };
      }),
    );
  });
}
