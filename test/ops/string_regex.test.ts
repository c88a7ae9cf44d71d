/**
 * `tf.strings.regexReplace` and `tf.strings.regexFullMatch` (RegexReplace,
 * StaticRegexReplace, RegexFullMatch, StaticRegexFullMatch): RE2's semantics where
 * JavaScript's differ, and the RE2 constructs scopeflow refuses; cases from TF's
 * regex_replace_op_test.py and regex_full_match_op_test.py.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { re2ToJs } from "../../src/ops/string/regex.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

function value(t: tf.Tensor): unknown {
  using sess = new tf.Session();
  return sess.run(t).toArray();
}

function failsWith(t: tf.Tensor, message: string | RegExp): void {
  using sess = new tf.Session();
  expect(() => sess.run(t)).toThrow(message);
}

const replaceForms = {
  static: (input: string[], p: string, r: string, g?: boolean) =>
    tf.strings.regexReplace(input, p, r, g),
  tensor: (input: string[], p: string, r: string, g?: boolean) =>
    tf.strings.regexReplace(input, tf.constant(p), tf.constant(r), g),
};

describe.each(Object.entries(replaceForms))("tf.strings.regexReplace (%s pattern)", (_, op) => {
  it("testRemovePrefix: the first match only", () => {
    const values = ["a:foo", "a:bar", "a:foo", "b:baz", "b:qux", "ca:b"];
    expect(value(op(values, "^(a:|b:)", "", false))).toEqual([
      "foo",
      "bar",
      "foo",
      "baz",
      "qux",
      "ca:b",
    ]);
  });

  it("testRegexReplace: . stops at a newline; \\0 is the match", () => {
    expect(value(op(["aba\naba", "abcdabcde"], "a.*a", "(\\0)"))).toEqual([
      "(aba)\n(aba)",
      "(abcda)bcde",
    ]);
  });

  it("testEmptyMatch and RE2's rule: no empty match where the last match ended", () => {
    expect(value(op(["abc", "1"], "", "x"))).toEqual(["xaxbxcx", "x1x"]);
    expect(value(op(["baaac"], "a*", "-"))).toEqual(["-b-c-"]);
  });

  it("testGlobal", () => {
    expect(value(op(["ababababab", "abcabcabc", ""], "ab", "abc", true))).toEqual([
      "abcabcabcabcabc",
      "abccabccabcc",
      "",
    ]);
  });

  it("RE2's classes: \\w is ASCII, \\s excludes \\v, . matches \\r", () => {
    expect(value(op(["héllo"], "\\w+", "<\\0>"))).toEqual(["<h>é<llo>"]);
    expect(value(op(["a\vb c"], "\\s", "_"))).toEqual(["a\vb_c"]);
    expect(value(op(["a\rb"], "a.b", "x"))).toEqual(["x"]);
  });

  it("a rewrite RE2 refuses (a group the pattern lacks) leaves the strings as they are", () => {
    expect(value(op(["ab"], "(a)", "\\2"))).toEqual(["ab"]);
    expect(value(op(["ab"], "(a)", "\\1\\1\\\\"))).toEqual(["aa\\b"]);
  });

  it("testInvalidPattern, and RE2 constructs scopeflow does not translate", () => {
    failsWith(op(["abc", "1"], "A[", "x"), /^Invalid pattern: A\[, error: /);
    failsWith(
      op(["ab"], "(?i)A", "x"),
      /Invalid pattern: \(\?i\)A, error: scopeflow: .*inline flags/,
    );
    failsWith(op(["ab"], "\\pL", "x"), /the RE2 escape \\p is not translated/);
    failsWith(op(["ab"], "[[:alpha:]]", "x"), /POSIX character classes/);
    failsWith(
      op(["aa"], "(a)\\1", "x"),
      "Invalid pattern: (a)\\1, error: invalid escape sequence: \\1",
    );
  });
});

describe("tf.strings.regexReplace ops and shapes", () => {
  it("static strings build StaticRegexReplace with attrs; tensors build RegexReplace", () => {
    const s = tf.regexReplace([["a"]], "a", "b", { name: "r" });
    expect(s.op.type).toBe("StaticRegexReplace");
    expect(s.op.name).toBe("r");
    expect(s.shape.toString()).toBe("(1, 1)");
    expect([
      s.op.getAttr("pattern"),
      s.op.getAttr("rewrite"),
      s.op.getAttr("replace_global"),
    ]).toEqual(["a", "b", true]);
    const t = tf.strings.regexReplace(["a"], tf.constant("a"), "b");
    expect(t.op.type).toBe("RegexReplace");
    expect(t.op.inputs.map((i) => i.op.name)).toEqual([
      "RegexReplace/input",
      "Const",
      "RegexReplace/rewrite",
    ]);
  });

  it("pattern and rewrite must be scalars", () => {
    const vector = tf.constant(["a"]);
    expectThrowsAndUnchanged(
      () => tf.strings.regexReplace(["a"], vector, "b"),
      tf.errors.ValueError,
      "Shape must be rank 0 but is rank 1 for 'RegexReplace' (op: 'RegexReplace') with input shapes: [1], [1], [].",
    );
    const p = tf.placeholder(tf.string);
    const y = tf.strings.regexReplace(["a"], p, tf.constant("b"), { name: "rr" });
    using sess = new tf.Session();
    expect(() => sess.run(y, { [p.name]: ["a"] })).toThrow(
      "Pattern must be scalar, but received [1]\n\t [[{{node rr}}]]",
    );
  });

  it("re2ToJs keeps what both read alike", () => {
    expect(re2ToJs("a.b\\s[^\\s]x*?")).toEqual({
      source: "a[^\\n]b[\\t\\n\\f\\r ][^\\t\\n\\f\\r ]x*?",
      groups: 0,
    });
    expect(re2ToJs("(a)(?:b)(c)")).toEqual({ source: "(a)(?:b)(c)", groups: 2 });
    expect(re2ToJs("[]a]")).toEqual({ source: "[\\]a]", groups: 0 });
  });
});

describe("tf.strings.regexFullMatch", () => {
  it("testRegexFullMatch, two dims, empty pattern (static and tensor patterns)", () => {
    const s = tf.strings.regexFullMatch(["abaaba", "abcdabcde"], "a.*a");
    expect(s.op.type).toBe("StaticRegexFullMatch");
    expect(s.dtype).toBe("bool");
    expect(value(s)).toEqual([true, false]);
    const t = tf.strings.regexFullMatch(
      [
        ["abaaba", "abcdabcde"],
        ["acdcba", "ebcda"],
      ],
      tf.constant("a.*a"),
    );
    expect(t.op.type).toBe("RegexFullMatch");
    expect(t.shape.toString()).toBe("(2, 2)");
    expect(value(t)).toEqual([
      [true, false],
      [true, false],
    ]);
    expect(value(tf.strings.regexFullMatch(["abc", "1"], ""))).toEqual([false, false]);
    // $ is the end of the text only, as in RE2 (no newline before it).
    expect(value(tf.strings.regexFullMatch(["ab\n"], "ab"))).toEqual([false]);
    failsWith(tf.strings.regexFullMatch(["abc"], "A["), /Invalid pattern: A\[/);
  });
});
