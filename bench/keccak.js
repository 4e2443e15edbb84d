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
  // a few-percent-noisy per-call ratio is guarded in CI: give it 2-second samples even in quick mode
  const timing = { maxTime: 2 };
  const BATCH = 1024; // hashes per batched call

  // V8 first runs WASM from its baseline compiler and tiers up to optimized code in the
  // background; without a warm-up the first case of a short (quick-mode) run can time the
  // baseline code. Exercise every path for half a second first.
  {
    const warmInput = pseudoRandomBytes(128, 3);
    const warmBatch = pseudoRandomBytes(128 * BATCH, 4);
    const until = performance.now() + 500;
    while (performance.now() < until) {
      for (let i = 0; i < 1000; i++) {
        core.keccak256(warmInput.subarray(0, 64));
        keccak_256(warmInput.subarray(0, 64));
        hw.init();
        hw.update(warmInput);
        hw.digest("binary");
      }
      core.keccak256Many(warmBatch, 64);
      core.keccak256Many(warmBatch, 128);
    }
  }

  for (const size of [64, 128]) {
    const input = pseudoRandomBytes(size, size);
    const batch = pseudoRandomBytes(size * BATCH, size + 1);
    // Raw exports hash in place at the tail of an io region reserved once at full size: the
    // API calls above use at most 160 KiB of it and never make it grow (which would move it).
    const ptr = core.instance.reserveInput(256 * 1024) + 200 * 1024;
    new Uint8Array(raw.memory.buffer).set(input, ptr);
    results.push(
      ...runSuite(
        `keccak256 of ${size} bytes`,
        [
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
        ].map((c) => ({ ...timing, ...c })),
        { quick },
      ),
    );
  }
  return results;
}
