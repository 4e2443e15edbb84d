// keccak256 of 64- and 128-byte inputs (binary and 4-ary Merkle nodes): the l2engine core vs
// @noble/hashes (pure JS) vs hash-wasm (hand-tuned WASM), and the unrolled vs rolled permutation.

import { keccak_256 } from "@noble/hashes/sha3.js";
import { createKeccak } from "hash-wasm";
import { WasmCore } from "../dist/index.js";
import { pseudoRandomBytes, runSuite } from "./lib.js";

export async function keccakSuites({ quick }) {
  const core = WasmCore.createSync();
  const hw = await createKeccak(256);
  const raw = core.instance.exports;
  const results = [];
  const BATCH = 1024; // hashes per batched call

  for (const size of [64, 128]) {
    const input = pseudoRandomBytes(size, size);
    const batch = pseudoRandomBytes(size * BATCH, size + 1);
    // Raw exports hash in place at the tail of an io region reserved once at full size: the
    // API calls above use at most 160 KiB of it and never make it grow (which would move it).
    const ptr = core.instance.reserveInput(256 * 1024) + 200 * 1024;
    new Uint8Array(raw.memory.buffer).set(input, ptr);
    results.push(
      ...runSuite(`keccak256 of ${size} bytes`, [
        { name: "l2engine WASM, one call per hash (API)", unit: "hashes/s", fn: () => core.keccak256(input) },
        {
          name: `l2engine WASM, ${BATCH} hashes per call (API)`,
          unit: "hashes/s",
          opsPerCall: BATCH,
          fn: () => core.keccak256Many(batch, size),
        },
        {
          name: "l2engine WASM rolled permutation (raw export)",
          unit: "hashes/s",
          fn: () => raw.keccak256Rolled(ptr, size, ptr + size),
        },
        {
          name: "l2engine WASM unrolled permutation (raw export)",
          unit: "hashes/s",
          fn: () => raw.keccak256(ptr, size, ptr + size),
        },
        {
          name: "hash-wasm",
          unit: "hashes/s",
          fn: () => {
            hw.init();
            hw.update(input);
            hw.digest("binary");
          },
        },
        { name: "@noble/hashes", unit: "hashes/s", fn: () => keccak_256(input) },
      ], { quick }),
    );
  }
  return results;
}
