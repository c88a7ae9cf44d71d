import { describe, expect, it } from "vitest";
import {
  crc32c,
  crc32cBackend,
  crc32cExtend,
  crc32cExtendPortable,
  maskCrc32c,
  slicingTables,
  unmaskCrc32c,
  useCrc32cAccelerator,
} from "../../../src/checkpoint/format/crc32c.js";
import { createWasmCrc32c } from "../../../src/checkpoint/format/crc32c_wasm.js";
import { utf8 } from "./helpers.js";

/** Bit-at-a-time reference, to check the table-driven version on arbitrary inputs. */
function referenceCrc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe("crc32c", () => {
  it("matches the standard check value and RFC 3720 (iSCSI) test vectors", () => {
    expect(crc32c(utf8("123456789"))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it("agrees with a bitwise reference for every length and alignment around the word loop", () => {
    const backing = Uint8Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff);
    for (let start = 0; start < 8; start++) {
      for (let len = 0; len < 70; len++) {
        const view = backing.subarray(start, start + len);
        expect(crc32c(view)).toBe(referenceCrc32c(view));
      }
    }
  });

  it("extends like TF's crc32c::Extend", () => {
    const all = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);
    for (const cut of [0, 1, 3, 16, 17, 999, 1000]) {
      expect(crc32cExtend(crc32c(all.subarray(0, cut)), all.subarray(cut))).toBe(crc32c(all));
    }
  });

  it("masks and unmasks like TF (rotate right 15, add 0xa282ead8)", () => {
    expect(maskCrc32c(0)).toBe(0xa282ead8);
    // The masked CRC of the 4 zero bytes of the counter fixture, as stored in its index.
    expect(maskCrc32c(crc32c(new Uint8Array(4)))).toBe(0x3a117ba6);
    for (const v of [0, 1, 0x12345678, 0xffffffff, 0x80000000, 0xa282ead8]) {
      const masked = maskCrc32c(v);
      expect(masked).toBe((((v >>> 15) | (v << 17)) + 0xa282ead8) >>> 0);
      expect(unmaskCrc32c(masked)).toBe(v);
    }
  });
});

describe("crc32c WebAssembly kernel", () => {
  it("compiles in Node and agrees with the portable loop on large, odd-sized, misaligned inputs", () => {
    const wasm = createWasmCrc32c(slicingTables(), () => true);
    expect(wasm).toBeDefined();
    const extend = wasm as (crc: number, bytes: Uint8Array) => number;
    expect(["wasm", "native"]).toContain(crc32cBackend());
    const backing = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 2654435761) >>> 24);
    for (const [start, len] of [
      [0, 4096],
      [1, 4097],
      [3, 65536],
      [5, 65537 + 15],
      [7, 299_000],
    ]) {
      const view = backing.subarray(start, start + len);
      expect(extend(0, view)).toBe(crc32cExtendPortable(0, view));
      expect(extend(0xdeadbeef, view)).toBe(crc32cExtendPortable(0xdeadbeef, view));
      expect(crc32cExtend(0xdeadbeef, view)).toBe(crc32cExtendPortable(0xdeadbeef, view));
    }
    expect(extend(0, new Uint8Array(1 << 20))).toBe(referenceCrc32c(new Uint8Array(1 << 20)));
  });

  it("is refused when its self-test fails, leaving the JS loop in charge", () => {
    expect(createWasmCrc32c(slicingTables(), () => false)).toBeUndefined();
  });

  it("accepts an accelerator only if it computes the same CRCs", () => {
    expect(useCrc32cAccelerator(() => 42)).toBe(false);
    expect(
      useCrc32cAccelerator(() => {
        throw new Error("broken addon");
      }),
    ).toBe(false);
    expect(crc32cBackend()).not.toBe("native");
  });
});
