import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { ProofError, ReferenceMerkleTree, WasmCore, referenceComputeProofRoot, toHex, type TreeShape } from "../src/index.js";

const core = WasmCore.createSync();
const leafOf = (n: number) => keccak_256(new TextEncoder().encode(`leaf ${n}`));

/** Outcome of verifying with one verifier: "ok", "bad-root", or the ProofError fault. */
function outcome(verify: () => Uint8Array, root: Uint8Array): string {
  try {
    return toHex(verify()) === toHex(root) ? "ok" : "bad-root";
  } catch (err) {
    if (err instanceof ProofError) return err.fault;
    throw err;
  }
}

function build(shape: TreeShape, filled: number[]) {
  const wasm = core.createTree(shape);
  const ref = new ReferenceMerkleTree(shape);
  const leaves = filled.map(leafOf);
  wasm.setMany(filled, leaves);
  ref.setMany(filled, leaves);
  return { wasm, ref, root: wasm.root() };
}

const SHAPES: TreeShape[] = [
  { arity: 4, depth: 16 },
  { arity: 2, depth: 32 },
  { arity: 4, depth: 3 },
];

describe("multiproofs", () => {
  for (const shape of SHAPES) {
    it(`WASM and reference produce identical proofs that both verify (arity ${shape.arity}, depth ${shape.depth})`, () => {
      const span = Math.min(2 ** ((shape.arity === 4 ? 2 : 1) * shape.depth), 3000);
      fc.assert(
        fc.property(
          fc.uniqueArray(fc.nat(span - 1), { minLength: 0, maxLength: 60 }),
          fc.uniqueArray(fc.nat(span - 1), { minLength: 1, maxLength: 12 }),
          (filled, asked) => {
            const { wasm, ref, root } = build(shape, filled);
            const indices = [...asked].sort((a, b) => a - b);
            const proof = wasm.prove(indices);
            expect(toHex(proof)).toBe(toHex(ref.prove(indices)));
            const values = indices.map((i) => wasm.get(i));
            expect(core.verifyMultiproof(shape, root, proof, values)).toBe(true);
            expect(toHex(referenceComputeProofRoot(shape, proof, values))).toBe(toHex(root));
            wasm.dispose();
          },
        ),
        { numRuns: 80 },
      );
    });
  }

  it("shares siblings: a proof of 4 siblings in one 4-ary node is smaller than 4 single proofs", () => {
    const { wasm } = build(
      { arity: 4, depth: 16 },
      Array.from({ length: 64 }, (_, i) => i),
    );
    const multi = wasm.prove([8, 9, 10, 11]).length;
    const singles = [8, 9, 10, 11].reduce((n, i) => n + wasm.prove([i]).length, 0);
    expect(multi).toBeLessThan(singles / 3);
    // single-leaf proof in a 64-leaf 4-ary tree: 3 levels × 3 siblings, the 13 levels above all zero
    expect(wasm.prove([5]).length).toBe(4 + 4 + Math.ceil((16 * 3) / 8) + 9 * 32);
  });

  it("proves leaves that were never set (zero leaves), e.g. the next free slot", () => {
    const shape = { arity: 4, depth: 16 } as const;
    const { wasm, root } = build(shape, [0, 1, 2]);
    const proof = wasm.prove([3, 1_000_000]);
    expect(core.verifyMultiproof(shape, root, proof, [new Uint8Array(32), new Uint8Array(32)])).toBe(true);
    expect(core.verifyMultiproof(shape, root, proof, [leafOf(3), new Uint8Array(32)])).toBe(false);
  });
});

describe("hostile and corrupted proofs", () => {
  const shape = { arity: 4, depth: 16 } as const;
  const filled = Array.from({ length: 300 }, (_, i) => i * 7);
  const { wasm, root } = build(shape, filled);
  const indices = [0, 7, 21, 700, 1400];
  const proof = wasm.prove(indices);
  const values = indices.map((i) => wasm.get(i));

  it("rejects every single flipped byte, identically in WASM and reference", () => {
    for (let pos = 0; pos < proof.length; pos++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const bad = proof.slice();
        bad[pos]! ^= mask;
        const w = outcome(() => core.computeProofRoot(shape, bad, values), root);
        const r = outcome(() => referenceComputeProofRoot(shape, bad, values), root);
        expect(w, `byte ${pos} ^ ${mask}`).not.toBe("ok");
        expect(w, `byte ${pos} ^ ${mask}`).toBe(r);
      }
    }
  });

  it("rejects wrong leaf values and leaves given for the wrong index", () => {
    const swapped = [values[1]!, values[0]!, ...values.slice(2)];
    expect(core.verifyMultiproof(shape, root, proof, swapped)).toBe(false);
    const other = values.map((v) => v.slice());
    other[4]![31]! ^= 1;
    expect(core.verifyMultiproof(shape, root, proof, other)).toBe(false);
    // a proof for index 7 does not prove the same value at index 8
    const single = wasm.prove([7]);
    const moved = single.slice();
    new DataView(moved.buffer).setUint32(4, 8, true);
    expect(outcome(() => core.computeProofRoot(shape, moved, [wasm.get(7)]), root)).not.toBe("ok");
  });

  it("rejects truncation and extension at every length with a FORMAT fault", () => {
    for (let len = 0; len < proof.length; len++) {
      expect(outcome(() => core.computeProofRoot(shape, proof.subarray(0, len), values), root)).not.toBe("ok");
    }
    for (const extra of [1, 31, 32, 33]) {
      const longer = new Uint8Array(proof.length + extra);
      longer.set(proof);
      expect(outcome(() => core.computeProofRoot(shape, longer, values), root)).toBe("FORMAT");
    }
  });

  it("rejects a hostile leaf count before reserving anything", () => {
    const hostile = new Uint8Array(8);
    new DataView(hostile.buffer).setUint32(0, 0xffffffff, true);
    const before = core.memoryBytes();
    expect(outcome(() => core.computeProofRoot(shape, hostile, values), root)).toBe("FORMAT");
    expect(core.memoryBytes()).toBe(before);
    const zero = new Uint8Array(4);
    expect(outcome(() => core.computeProofRoot(shape, zero, []), root)).toBe("EMPTY");
    expect(outcome(() => referenceComputeProofRoot(shape, zero, []), root)).toBe("EMPTY");
  });

  it("rejects an explicit zero sibling that should have been elided (non-canonical)", () => {
    // tree with leaves only at 0: proof of [0] elides all 3*16 siblings; rebuild it with the
    // first sibling sent explicitly as zeros and its bitmap bit cleared
    const t = core.createTree(shape);
    t.set(0, leafOf(0));
    const r = t.root();
    const p = t.prove([0]);
    expect(p.length).toBe(4 + 4 + 6);
    const forged = new Uint8Array(p.length + 32);
    forged.set(p);
    forged[8]! &= 0xfe;
    expect(outcome(() => core.computeProofRoot(shape, forged, [leafOf(0)]), r)).toBe("NONCANONICAL");
    expect(outcome(() => referenceComputeProofRoot(shape, forged, [leafOf(0)]), r)).toBe("NONCANONICAL");
  });

  it("random byte strings never verify and never crash", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(5), (junk, k) => {
        const leaves = Array.from({ length: k }, (_, i) => leafOf(i));
        const w = outcome(() => core.computeProofRoot(shape, junk, leaves), root);
        expect(w).not.toBe("ok");
        expect(w).toBe(outcome(() => referenceComputeProofRoot(shape, junk, leaves), root));
      }),
      { numRuns: 3000 },
    );
  });
});
