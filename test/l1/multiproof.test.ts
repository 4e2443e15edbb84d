// The Solidity multiproof verifier (contracts/Multiproof.sol, written from SPEC §3.3–3.4) against
// the WASM core on random trees, index sets and tampered proofs: the same root for every honest
// proof, and no tampered proof accepted by either.
import { describe, expect, it } from "vitest";
import { decodeErrorResult, type Hex } from "viem";
import { WasmCore, toHex } from "../../src/index.js";
import { Rng } from "../workload.js";
import { InProcessEvm, artifact } from "./evm.js";

const core = WasmCore.createSync();
const hex = (b: Uint8Array) => toHex(b);

describe("Multiproof.sol agrees with the WASM core", async () => {
  const evm = await InProcessEvm.create();
  const harness = await evm.deploy(artifact("MultiproofHarness"));

  it("computes the same root for random trees and index sets, and rejects what the core rejects", async () => {
    const rng = new Rng(42);
    let honest = 0;
    let tampered = 0;
    for (let t = 0; t < 8; t++) {
      const tree = core.createTree();
      const span = [16, 1024, 1 << 20, 1 << 24][t % 4]!;
      const indices = [...new Set(Array.from({ length: 1 + rng.int(23) }, () => rng.int(span)))].sort((a, b) => a - b);
      const leaves = indices.map((i) => core.keccak256(new Uint8Array([t, i & 0xff, (i >> 8) & 0xff, i >>> 24])));
      // some leaves stay zero, as not-yet-created slots do
      const set = indices.filter((_, k) => k % 5 !== 4);
      tree.setMany(
        set,
        set.map((i) => leaves[indices.indexOf(i)]!),
      );
      const values = indices.map((i) => tree.get(i));
      const proof = tree.prove(indices);
      const r = await harness.call<Hex>("computeRoot", [hex(proof), values.map(hex)]);
      expect(r.ok, `tree ${t}`).toBe(true);
      expect(r.value).toBe(hex(tree.root()));
      honest++;
      // tamper: every byte of small proofs, a sample of large ones
      const positions = proof.length <= 120 ? Array.from({ length: proof.length }, (_, i) => i) : Array.from({ length: 120 }, () => rng.int(proof.length));
      for (const at of positions) {
        const bad = proof.slice();
        bad[at]! ^= 1 << rng.int(8);
        let wasm: string;
        try {
          wasm = core.verifyMultiproof({}, tree.root(), bad, values) ? "accepted" : "wrong root";
        } catch {
          wasm = "rejected";
        }
        const sol = await harness.call<Hex>("computeRoot", [hex(bad), values.map(hex)]);
        const solOutcome = !sol.ok ? "rejected" : sol.value === hex(tree.root()) ? "accepted" : "wrong root";
        expect(solOutcome, `tree ${t} byte ${at}`).toBe(wasm);
        if (solOutcome === "accepted") {
          // only a true statement about other leaves: a flipped index bit that lands on a leaf
          // holding the same value (two zero leaves) with the same sibling layout
          const named = Array.from({ length: indices.length }, (_, k) => new DataView(bad.buffer).getUint32(4 + 4 * k, true));
          expect(named).not.toEqual(indices);
          const leafAt = (ix: number) => (ix < 1 << 24 ? hex(tree.get(ix)) : hex(new Uint8Array(32))); // never stored: zero
          named.forEach((ix, k) => expect(leafAt(ix)).toBe(hex(values[k]!)));
        }
        if (!sol.ok) expect(() => decodeErrorResult({ abi: harness.abi, data: sol.revert! })).not.toThrow(); // a typed custom error
        tampered++;
      }
      tree.dispose();
    }
    expect(honest).toBe(8);
    expect(tampered).toBeGreaterThan(500);
  }, 120_000);

  it("costs, per Merkle level of a 2-leaf proof on a 2^20-slot-like tree", async () => {
    const tree = core.createTree();
    const indices = [12345, 987654];
    tree.setMany(
      indices,
      indices.map((i) => core.keccak256(new Uint8Array([i & 0xff]))),
    );
    const r = await harness.call<Hex>("computeRoot", [hex(tree.prove(indices)), indices.map((i) => hex(tree.get(i)))]);
    expect(r.ok).toBe(true);
    console.log(`Multiproof.sol: 2 leaves, 16 levels: ${r.gas} execution gas (${(Number(r.gas) / 32) | 0} per leaf-level)`);
    tree.dispose();
  });
});
