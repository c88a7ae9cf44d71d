import { describe, expect, it } from "vitest";
import {
  formatCheckpointState,
  formatPythonFloat,
  parseCheckpointState,
  type CheckpointState,
} from "../../../src/checkpoint/format/checkpoint_state.js";
import { CheckpointFormatError } from "../../../src/checkpoint/format/errors.js";
import { fixtureBytes } from "./helpers.js";

const state = (p: Partial<CheckpointState>): CheckpointState => ({
  modelCheckpointPath: "",
  allModelCheckpointPaths: [],
  allModelCheckpointTimestamps: [],
  lastPreservedTimestamp: 0,
  ...p,
});

describe("checkpoint state text format", () => {
  it("parses and re-formats TF 1.0's file byte for byte (relative paths)", () => {
    const text = new TextDecoder().decode(fixtureBytes("tf-intro-iris-tf1.0-saver", "checkpoint"));
    const s = parseCheckpointState(text);
    expect(s).toEqual(
      state({ modelCheckpointPath: "model.ckpt", allModelCheckpointPaths: ["model.ckpt"] }),
    );
    expect(formatCheckpointState(s)).toBe(text);
    expect(text.length).toBe(77);
  });

  it("parses the V1 fixture's absolute paths", () => {
    const text = new TextDecoder().decode(
      fixtureBytes("serving-bad-half-plus-two-v1-format", "checkpoint"),
    );
    const s = parseCheckpointState(text);
    expect(s.modelCheckpointPath).toBe("/tmp/bad_half_plus_two/00000123/export");
    expect(s.allModelCheckpointPaths).toEqual(["/tmp/bad_half_plus_two/00000123/export"]);
    expect(formatCheckpointState(s)).toBe(text);
  });

  it("writes fields in field-number order, repeated ones one per line, like Python's MessageToString", () => {
    const text = formatCheckpointState(
      state({
        modelCheckpointPath: "model.ckpt-200",
        allModelCheckpointPaths: ["model.ckpt-100", "model.ckpt-200"],
        allModelCheckpointTimestamps: [1568832812.2891152, 1568832900],
        lastPreservedTimestamp: 1568832700.5,
      }),
    );
    expect(text).toBe(
      'model_checkpoint_path: "model.ckpt-200"\n' +
        'all_model_checkpoint_paths: "model.ckpt-100"\n' +
        'all_model_checkpoint_paths: "model.ckpt-200"\n' +
        "all_model_checkpoint_timestamps: 1568832812.2891152\n" +
        "all_model_checkpoint_timestamps: 1568832900.0\n" +
        "last_preserved_timestamp: 1568832700.5\n",
    );
    expect(parseCheckpointState(text)).toEqual(
      state({
        modelCheckpointPath: "model.ckpt-200",
        allModelCheckpointPaths: ["model.ckpt-100", "model.ckpt-200"],
        allModelCheckpointTimestamps: [1568832812.2891152, 1568832900],
        lastPreservedTimestamp: 1568832700.5,
      }),
    );
  });

  it("escapes strings as Python's CEscape does and parses them back", () => {
    const tricky = 'dir with "quotes"\\back\tslash\nnewline/ü/\u0001';
    const text = formatCheckpointState(state({ modelCheckpointPath: tricky }));
    expect(text).toBe(
      'model_checkpoint_path: "dir with \\"quotes\\"\\\\back\\tslash\\nnewline/\\303\\274/\\001"\n',
    );
    expect(parseCheckpointState(text).modelCheckpointPath).toBe(tricky);
  });

  it("accepts the rest of text format: comments, single quotes, concatenation, hex escapes, lists, separators", () => {
    const s = parseCheckpointState(
      "# written by hand\n" +
        "model_checkpoint_path: 'a' \"b\\x41\" ;\n" +
        "all_model_checkpoint_paths: ['x', \"y\"]\n" +
        "all_model_checkpoint_timestamps: [1.5, 2e3],\n" +
        "last_preserved_timestamp: inf\n",
    );
    expect(s).toEqual(
      state({
        modelCheckpointPath: "abA",
        allModelCheckpointPaths: ["x", "y"],
        allModelCheckpointTimestamps: [1.5, 2000],
        lastPreservedTimestamp: Infinity,
      }),
    );
  });

  it("refuses unknown fields and malformed text, naming the file", () => {
    expect(() => parseCheckpointState('model_path: "x"\n', "/d/checkpoint")).toThrow(
      CheckpointFormatError,
    );
    expect(() => parseCheckpointState('model_path: "x"\n', "/d/checkpoint")).toThrow(
      '/d/checkpoint: cannot parse checkpoint state: 1:1 : Message type "tensorflow.CheckpointState" has no field named "model_path".',
    );
    expect(() => parseCheckpointState('model_checkpoint_path: "x\n')).toThrow(
      /1:24 : String literal not closed/,
    );
    expect(() => parseCheckpointState("model_checkpoint_path 'x'")).toThrow(
      /1:23 : Expected ":", got a string/,
    );
  });

  it("formats doubles like Python's str(float)", () => {
    const cases: [number, string][] = [
      [0, "0.0"],
      [1, "1.0"],
      [-2.5, "-2.5"],
      [0.1, "0.1"],
      [1e-4, "0.0001"],
      [1e-5, "1e-05"],
      [1.5e-7, "1.5e-07"],
      [1e15, "1000000000000000.0"],
      [1e16, "1e+16"],
      [1.2345e20, "1.2345e+20"],
      [1568832812.2891152, "1568832812.2891152"],
      [NaN, "nan"],
      [-Infinity, "-inf"],
    ];
    for (const [x, want] of cases) expect(formatPythonFloat(x)).toBe(want);
  });
});
