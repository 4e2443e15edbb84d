import { describe, expect, it } from "vitest";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { type L2EngineError, WasmCore, WasmTrapError, toHex } from "../src/index.js";

describe("WasmCore instances", () => {
  it("turns a trap into a WasmTrapError and poisons only that instance", () => {
    const bad = WasmCore.createSync();
    const good = WasmCore.createSync();
    const tree = bad.createTree();
    // a wild pointer far outside linear memory makes the core trap (out-of-bounds access)
    expect(() => bad.instance.call((x) => x.keccak256(0x7ffffff0, 1000, 0))).toThrow(WasmTrapError);
    // every later call on the trapped instance fails fast with the same typed error
    let err: unknown;
    try {
      bad.keccak256(new Uint8Array(1));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WasmTrapError);
    expect((err as L2EngineError).code).toBe("WASM_TRAP");
    expect(() => tree.root()).toThrow(WasmTrapError);
    // other instances are independent
    expect(toHex(good.keccak256(new Uint8Array(1)))).toBe(toHex(keccak_256(new Uint8Array(1))));
  });

  it("instances do not share state", async () => {
    const a = WasmCore.createSync();
    const b = await WasmCore.create();
    const ta = a.createTree();
    const tb = b.createTree();
    ta.set(1, keccak_256(new Uint8Array([1])));
    expect(toHex(tb.root())).not.toBe(toHex(ta.root()));
    expect(toHex(tb.root())).toBe(toHex(b.createTree().root()));
  });

  it("reuses the memory of disposed trees and of outgrown regions", () => {
    const core = WasmCore.createSync();
    const n = 1 << 16;
    const indices = Array.from({ length: n }, (_, i) => i);
    const leaves = new Uint8Array(n * 32).fill(1);
    const cycle = () => {
      const t = core.createTree(); // grows 2^8 -> 2^16 leaves, freeing each outgrown layout
      t.setMany(indices, leaves);
      t.root();
      t.dispose();
    };
    cycle();
    const afterFirst = core.memoryBytes();
    for (let i = 0; i < 10; i++) cycle();
    // a 2^16-leaf tree is ~3 MB; ten leaked cycles would add ~30 MB
    expect(core.memoryBytes()).toBe(afterFirst);
  });
});
