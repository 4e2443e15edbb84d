import { describe, expect, it } from "vitest";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { createKeccak } from "hash-wasm";
import { readFileSync } from "node:fs";
import { InvalidArgumentError, WasmCore, fromHex, toHex } from "../src/index.js";

const core = WasmCore.createSync();

// Deterministic pseudo-random bytes (xorshift) so failures reproduce.
function bytes(len: number, seed: number): Uint8Array {
  const out = new Uint8Array(len);
  let x = seed | 1;
  for (let i = 0; i < len; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Hashes via the raw exports at byte offset `offset` inside the input region. */
function hashAt(data: Uint8Array, offset: number, rolled = false): Uint8Array {
  const inst = core.instance;
  return inst.call((x) => {
    const ptr = inst.reserveInput(offset + data.length + 32);
    const mem = inst.bytes();
    mem.fill(0xa5, ptr, ptr + offset + data.length + 32); // garbage around the input must not leak in
    mem.set(data, ptr + offset);
    const fn = rolled ? x.keccak256Rolled : x.keccak256;
    fn(ptr + offset, data.length, ptr + offset + data.length);
    return inst.bytes().slice(ptr + offset + data.length, ptr + offset + data.length + 32);
  });
}

describe("keccak256 known answers", () => {
  const file = JSON.parse(readFileSync(new URL("./vectors/keccak256.json", import.meta.url), "utf8")) as {
    vectors: { msgHex?: string; msgUtf8?: string; md: string; source: string }[];
    extremelyLongVectors: { repeatUtf8: string; repeatCount: number; md: string; source: string }[];
  };
  it("has external vectors from more than one source", () => {
    expect(file.vectors.length).toBeGreaterThan(20);
    expect(new Set(file.vectors.map((v) => v.source)).size).toBeGreaterThan(1);
  });
  for (const [i, v] of file.vectors.entries()) {
    const msg = v.msgHex !== undefined ? fromHex(v.msgHex) : new TextEncoder().encode(v.msgUtf8!);
    it(`#${i} ${v.source} (${msg.length} bytes)`, () => {
      expect(toHex(core.keccak256(msg))).toBe(`0x${v.md}`); // the vectors hold bare digits
      expect(toHex(hashAt(msg, 0, true))).toBe(`0x${v.md}`); // the vectors hold bare digits
    });
  }
  // Long messages that fit one call (the core has no streaming API, so the 1 GiB
  // ExtremelyLongMsgKAT is out of reach and skipped by this size filter).
  for (const v of file.extremelyLongVectors.filter((e) => e.repeatUtf8.length * e.repeatCount <= 16 << 20)) {
    it(`${v.source}: ${v.repeatCount} × "${v.repeatUtf8}"`, () => {
      expect(toHex(core.keccak256(new TextEncoder().encode(v.repeatUtf8.repeat(v.repeatCount))))).toBe(`0x${v.md}`); // the vectors hold bare digits
    });
  }
});

describe("keccak256 against @noble/hashes", () => {
  it("matches for every length 0..600 at aligned and unaligned offsets", () => {
    for (let len = 0; len <= 600; len++) {
      const data = bytes(len, len + 1);
      const want = toHex(keccak_256(data));
      expect(toHex(core.keccak256(data)), `len ${len}`).toBe(want);
      for (const offset of [1, 3, 7]) expect(toHex(hashAt(data, offset)), `len ${len} +${offset}`).toBe(want);
    }
  });

  it("the rolled textbook permutation agrees with the unrolled one", () => {
    for (let len = 0; len <= 300; len += 7) {
      const data = bytes(len, 99 + len);
      expect(toHex(hashAt(data, 5, true))).toBe(toHex(keccak_256(data)));
    }
  });

  it("matches for random lengths up to 64 KiB, and hash-wasm agrees", async () => {
    const hw = await createKeccak(256);
    for (let i = 0; i < 60; i++) {
      const len = (bytes(4, 1000 + i).reduce((a, b) => a * 256 + b, 0) >>> 0) % 65536;
      const data = bytes(len, 7 + i);
      const want = toHex(keccak_256(data));
      expect(toHex(core.keccak256(data))).toBe(want);
      hw.init();
      hw.update(data);
      expect(`0x${hw.digest("hex")}`).toBe(want);
    }
  });

  it("does not depend on the input's view offset into its buffer", () => {
    const backing = bytes(1000, 5);
    for (const [start, len] of [
      [1, 64],
      [3, 128],
      [17, 200],
      [999, 1],
    ] as const) {
      const view = backing.subarray(start, start + len);
      expect(toHex(core.keccak256(view))).toBe(toHex(keccak_256(view)));
    }
  });

  it("hashes many inputs per call, with the 64- and 128-byte node fast paths", () => {
    for (const size of [1, 32, 48, 64, 128, 135, 136, 137, 300]) {
      const n = 37;
      const data = bytes(size * n, size);
      const out = core.keccak256Many(data, size);
      for (let i = 0; i < n; i++) {
        expect(toHex(out.subarray(i * 32, i * 32 + 32))).toBe(toHex(keccak_256(data.subarray(i * size, (i + 1) * size))));
      }
    }
  });

  it("rejects input that is not bytes, or a flat buffer that does not split evenly", () => {
    expect(() => core.keccak256("abc" as unknown as Uint8Array)).toThrow(InvalidArgumentError);
    expect(() => core.keccak256Many(new Uint8Array(65), 64)).toThrow(InvalidArgumentError);
    expect(() => core.keccak256Many(new Uint8Array(64), 0)).toThrow(InvalidArgumentError);
  });

  it("works on an instance created asynchronously", async () => {
    const other = await WasmCore.create();
    const data = bytes(100, 3);
    expect(toHex(other.keccak256(data))).toBe(toHex(keccak_256(data)));
  });
});
