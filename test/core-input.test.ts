// The one helper that copies bytes into the core (CoreInstance.copyIn / streamIn, docs/DECISIONS.md
// D36): every part lands where the call expects it even when reserving the region grows memory,
// and a producer that reuses one buffer between parts (as LMDB's reads do) loads correctly.
import { keccak_256 } from "@noble/hashes/sha3.js";
import { describe, expect, it } from "vitest";
import { WasmCore } from "../src/core/wasm-core.js";
import { u32Bytes } from "../src/core/instance.js";
import { Engine } from "../src/engine/engine.js";
import { genesis, Rng } from "./workload.js";

const DOMAIN = { chainId: 1n, verifyingContract: "0x00000000000000000000000000000000000000aa" } as const;

describe("copying input into the core", () => {
  it("copies several parts back to back, also when reserving them grows memory", () => {
    const core = WasmCore.createSync();
    const before = core.memoryBytes();
    const big = new Uint8Array(before + (1 << 20)).map((_, i) => (i * 7) & 0xff); // larger than all memory now
    expect(core.keccak256(big)).toEqual(keccak_256(big));
    expect(core.memoryBytes()).toBeGreaterThan(before);
    const inst = core.instance;
    const a = Uint8Array.of(1, 2, 3),
      b = Uint8Array.of(4, 5);
    const ptr = inst.copyIn([a, b], 3);
    expect(Array.from(inst.bytes().subarray(ptr, ptr + 5))).toEqual([1, 2, 3, 4, 5]);
    expect(() => inst.streamIn(4, (write) => write(new Uint8Array(5)))).toThrow(/overrun/);
    expect(Array.from(u32Bytes([1, 0x01020304]))).toEqual([1, 0, 0, 0, 4, 3, 2, 1]);
  });

  it("loads store pages from a producer that reuses one buffer", () => {
    const slots = genesis(new Rng(7), 40, 300, 3);
    const original = Engine.create({ ...DOMAIN, genesis: slots });
    const pageSlots = 48;
    const pages = original.readSlotPages([0, 1, 2, 3, 4, 5, 6], pageSlots).map((p) => p.slice());
    const shared = new Uint8Array(pageSlots * 80);
    const loaded = Engine.fromSlotPages(
      300,
      pageSlots,
      (p) => {
        shared.set(pages[p]!);
        return shared.subarray(0, pages[p]!.length);
      },
      DOMAIN,
    );
    expect(loaded.stateRoot()).toBe(original.stateRoot());
    loaded.rehashLeaves();
    expect(loaded.stateRoot()).toBe(original.stateRoot());
  });
});
