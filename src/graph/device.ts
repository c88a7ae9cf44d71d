import { ValueError } from "../errors.js";
import { pyRepr } from "./pyformat.js";

/** The five optional parts of a device name (TensorFlow's `DeviceSpec`). */
export interface DeviceSpecParts {
  readonly job: string | null;
  readonly replica: number | null;
  readonly task: number | null;
  readonly deviceType: string | null;
  readonly deviceIndex: number | null;
}

/** Python's `int(text)` for the numeric parts, with its message. */
function pyInt(text: string): number {
  if (!/^\s*[+-]?\d+(_\d+)*\s*$/.test(text)) {
    throw new ValueError(`invalid literal for int() with base 10: ${pyRepr(text)}`);
  }
  return Number.parseInt(text.replace(/_/g, ""), 10);
}

/**
 * Parses `"/job:ps/replica:0/task:1/device:GPU:0"` and the short forms `"/cpu:0"`,
 * `"gpu:*"` (`DeviceSpec.from_string`), with TensorFlow's errors for unknown parts.
 */
export function parseDeviceSpec(spec: string): DeviceSpecParts {
  let job: string | null = null;
  let replica: number | null = null;
  let task: number | null = null;
  let deviceType: string | null = null;
  let deviceIndex: number | null = null;
  const setType = (type: string, index: string | undefined) => {
    if (deviceType !== null) {
      throw new ValueError(`Cannot specify multiple device types: ${spec}`);
    }
    deviceType = type;
    if (index !== undefined && index !== "*") deviceIndex = pyInt(index);
  };
  for (const part of spec.split("/")) {
    const y = part.split(":");
    const head = y[0] as string;
    if (y.length === 2 && head === "job") job = y[1] as string;
    else if (y.length === 2 && head === "replica") replica = pyInt(y[1] as string);
    else if (y.length === 2 && head === "task") task = pyInt(y[1] as string);
    else if (y.length <= 2 && (head.toUpperCase() === "CPU" || head.toUpperCase() === "GPU")) {
      setType(head.toUpperCase(), y[1]);
    } else if (y.length === 3 && head === "device") setType(y[1] as string, y[2]);
    else if (head !== "") {
      throw new ValueError(`Unknown attribute: ${pyRepr(head)} in ${pyRepr(spec)}`);
    }
  }
  return { job, replica, task, deviceType, deviceIndex };
}

/** `DeviceSpec.to_string`: the canonical form, `/device:CPU:0` for `/cpu:0`. */
export function deviceSpecString(d: DeviceSpecParts): string {
  let out = "";
  if (d.job !== null) out += `/job:${d.job}`;
  if (d.replica !== null) out += `/replica:${d.replica}`;
  if (d.task !== null) out += `/task:${d.task}`;
  if (d.deviceType !== null) out += `/device:${d.deviceType}:${d.deviceIndex ?? "*"}`;
  return out;
}

/** Whether merging the spec changes nothing (`MergeDevice.is_null_merge`: no part given). */
export function isNullMerge(d: DeviceSpecParts): boolean {
  return (
    d.job === null &&
    d.replica === null &&
    d.task === null &&
    d.deviceType === null &&
    d.deviceIndex === null
  );
}

/**
 * `pydev.merge_device(outer)` applied to an op whose device is already `current`: the
 * parts `current` names win, `outer` fills in the others; the result is canonical.
 */
export function mergeDevice(outer: DeviceSpecParts, current: string): string {
  const inner = parseDeviceSpec(current);
  return deviceSpecString({
    job: inner.job ?? outer.job,
    replica: inner.replica ?? outer.replica,
    task: inner.task ?? outer.task,
    deviceType: inner.deviceType ?? outer.deviceType,
    deviceIndex: inner.deviceIndex ?? outer.deviceIndex,
  });
}
