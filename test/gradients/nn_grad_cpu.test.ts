import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { defineConvPoolTests } from "./nn_cases.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});
afterAll(async () => {
  await tf.setBackend("wasm");
});
beforeEach(() => tf.resetDefaultGraph());

describe("backend", () => {
  it("runs on cpu", () => {
    expect(tf.getBackend()).toBe("cpu");
  });
});

defineConvPoolTests();
