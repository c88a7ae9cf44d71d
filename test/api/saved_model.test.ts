/**
 * The calling convention on `tf.savedModel`: TF 1.15's positional form and the options
 * form do the same; unknown keywords and wrong kinds are refused.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { tempDir } from "../checkpoint/helpers.js";

function model(graph: tf.Graph) {
  return graph.asDefault(() => {
    const x = tf.placeholder(tf.float32, [null], "x");
    const w = tf.getVariable("w", [], { initializer: tf.constantInitializer(2) });
    const y = tf.multiply(w, x, { name: "y" });
    const sess = new tf.Session({ graph });
    sess.run(tf.globalVariablesInitializer());
    return { sess, x, y };
  });
}

/** The saved meta graph with its random temp-prefix suffix blanked. */
function savedMeta(dir: string): string {
  const sm = tf.SavedModel.fromBinary(readFileSync(path.join(dir, "saved_model.pb")));
  return tf.SavedModel.toText(sm).replace(/_temp_[0-9a-f]{32}/g, "_temp_X");
}

describe("savedModel.simpleSave(session, export_dir, inputs, outputs, legacy_init_op)", () => {
  it("positional and options forms write the same SavedModel", () => {
    const root = tempDir();
    const a = model(new tf.Graph());
    tf.savedModel.simpleSave(a.sess, path.join(root, "a"), { x: a.x }, { y: a.y });
    const b = model(new tf.Graph());
    tf.savedModel.simpleSave({
      session: b.sess,
      exportDir: path.join(root, "b"),
      inputs: { x: b.x },
      outputs: { y: b.y },
    });
    expect(savedMeta(path.join(root, "b"))).toEqual(savedMeta(path.join(root, "a")));
    // API.md's form: the session and directory, then `{ inputs, outputs }`.
    const c = model(new tf.Graph());
    tf.savedModel.simpleSave(c.sess, path.join(root, "c"), {
      inputs: { x: c.x },
      outputs: { y: c.y },
    });
    expect(savedMeta(path.join(root, "c"))).toEqual(savedMeta(path.join(root, "a")));
    c.sess.close();
    expect(() =>
      tf.savedModel.simpleSave(b.sess, path.join(root, "d"), { x: b.x }, { y: b.y }, {
        legacyInitOps: null,
      } as never),
    ).toThrow("savedModel.simpleSave() got an unexpected keyword argument 'legacyInitOps'");
    a.sess.close();
    b.sess.close();
  });
});

describe("savedModel.Builder(export_dir) and its methods", () => {
  it("positional and options forms write the same SavedModel", () => {
    const root = tempDir();
    const write = (dir: string, form: "positional" | "options") => {
      const m = model(new tf.Graph());
      const sig = tf.savedModel.signatureDefUtils.predictSignatureDef({ x: m.x }, { y: m.y });
      if (form === "positional") {
        const b = new tf.savedModel.Builder(dir);
        b.addMetaGraphAndVariables(m.sess, ["serve"], { signatureDefMap: { s: sig } });
        b.save(false);
      } else {
        const b = new tf.savedModel.Builder({ exportDir: dir });
        b.addMetaGraphAndVariables({ sess: m.sess, tags: ["serve"], signatureDefMap: { s: sig } });
        b.save({ asText: false });
      }
      m.sess.close();
    };
    write(path.join(root, "a"), "positional");
    write(path.join(root, "b"), "options");
    expect(savedMeta(path.join(root, "b"))).toEqual(savedMeta(path.join(root, "a")));
    expect(
      () => new tf.savedModel.Builder(path.join(root, "c"), { asText: true } as never),
    ).toThrow(TypeError);
  });
});

describe("savedModel.loader.load(sess, tags, export_dir, import_scope, **saver_kwargs)", () => {
  it("positional and options forms load the same graph", () => {
    const dir = path.join(tempDir(), "m");
    const m = model(new tf.Graph());
    tf.savedModel.simpleSave(m.sess, dir, { x: m.x }, { y: m.y });
    m.sess.close();
    const names = (load: (sess: tf.Session) => unknown) => {
      const graph = new tf.Graph();
      using sess = new tf.Session({ graph });
      load(sess);
      return graph.getOperations().map((o) => `${o.name}:${o.type}`);
    };
    const first = names((s) => tf.savedModel.loader.load(s, ["serve"], dir, { importScope: "m" }));
    expect(first).toContain("m/y:Mul");
    expect(
      names((s) =>
        tf.savedModel.load({ sess: s, tags: ["serve"], exportDir: dir, importScope: "m" }),
      ),
    ).toEqual(first);
    expect(() => {
      using s = new tf.Session({ graph: new tf.Graph() });
      tf.savedModel.loader.load(s, "serve" as never, dir);
    }).toThrow(TypeError);
    expect(tf.savedModel.maybeSavedModelDirectory({ exportDir: dir })).toBe(true);
  });
});

describe("savedModel.utils.buildTensorInfo and signatureDefUtils", () => {
  it("positional and options forms build the same messages", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const e = tf.placeholder(tf.string, [null], "e");
      const s = tf.placeholder(tf.float32, [null, 2], "s");
      const u = tf.savedModel.signatureDefUtils;
      expect(tf.savedModel.utils.buildTensorInfo({ tensor: e })).toEqual(
        tf.savedModel.utils.buildTensorInfo(e),
      );
      expect(u.classificationSignatureDef({ examples: e, scores: s })).toEqual(
        u.classificationSignatureDef(e, null, s),
      );
      expect(u.regressionSignatureDef({ examples: e, predictions: s })).toEqual(
        u.regressionSignatureDef(e, s),
      );
      expect(u.predictSignatureDef({ inputs: { e }, outputs: { s } })).toEqual(
        u.predictSignatureDef({ e }, { s }),
      );
      const info = tf.savedModel.utils.buildTensorInfo(e);
      expect(u.buildSignatureDef({ inputs: { e: info }, methodName: "m" })).toEqual(
        u.buildSignatureDef({ e: info }, undefined, "m"),
      );
      const sig = u.regressionSignatureDef(e, s);
      expect(u.isValidSignature({ signatureDef: sig })).toBe(u.isValidSignature(sig));
    });
  });
});
