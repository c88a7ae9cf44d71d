import { describe, expect, it } from "vitest";
import { preloadNativeCrc32c } from "../../../src/checkpoint/file_io.js";
import {
  crc32c,
  crc32cBackend,
  crc32cExtend,
  maskCrc32c,
  unmaskCrc32c,
  useCrc32cAccelerator,
} from "../../../src/checkpoint/format/crc32c.js";
import { utf8 } from "./helpers.js";

/** Bit-at-a-time reference (TF's Extend), to check the libraries on arbitrary inputs. */
function referenceExtend(crc: number, bytes: Uint8Array): number {
  let c = ~crc;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

function referenceCrc32c(bytes: Uint8Array): number {
  return referenceExtend(0, bytes);
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

describe("crc32c implementations", () => {
  const backing = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 2654435761) >>> 24);
  const cases = [
    [0, 4096],
    [1, 4097],
    [3, 65536],
    [5, 65537 + 15],
    [7, 299_000],
  ] as const;

  it("the portable one (crc-32) agrees with the reference on large, odd-sized, misaligned inputs", () => {
    expect(crc32cBackend()).toBe("js");
    for (const [start, len] of cases) {
      const view = backing.subarray(start, start + len);
      expect(crc32c(view)).toBe(referenceCrc32c(view));
      const cut = len >> 1;
      expect(crc32cExtend(crc32c(view.subarray(0, cut)), view.subarray(cut))).toBe(
        referenceCrc32c(view),
      );
    }
  });

  it("refuses an accelerator that fails the self-test, leaving crc-32 in charge", () => {
    expect(useCrc32cAccelerator(() => 42)).toBe(false);
    expect(
      useCrc32cAccelerator(() => {
        throw new Error("broken addon");
      }),
    ).toBe(false);
    // Right on whole inputs but not when extending.
    expect(useCrc32cAccelerator((_crc, bytes) => referenceCrc32c(bytes))).toBe(false);
    expect(crc32cBackend()).toBe("js");
  });

  it("routes large inputs through the native @node-rs/crc32 once loaded, with the same CRCs", async () => {
    await preloadNativeCrc32c();
    expect(crc32cBackend()).toBe("native");
    for (const [start, len] of cases) {
      const view = backing.subarray(start, start + len);
      expect(crc32cExtend(0xdeadbeef, view)).toBe(referenceExtend(0xdeadbeef, view));
    }
    expect(crc32c(new Uint8Array(1 << 20))).toBe(referenceCrc32c(new Uint8Array(1 << 20)));
  });
});
