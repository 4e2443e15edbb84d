// Binds SPEC §11.1, §11.6 and §11.7 to the code: the step commitments of the vector batch are
// recomputed by the WASM trace, the reference trace and — byte by byte from the spec's formula —
// with plain keccak, and every value must appear in the spec.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { keccak_256 } from "@noble/hashes/sha3.js";
import {
  EMPTY_TREE_ROOT, Engine, ReferenceEngine, StepReferee, checkClaim, domainSeparator, fromHex, makeClaim, signTransaction,
  startCommitment, toHex, type Hex, type Slot,
} from "../src/index.js";

const spec = readFileSync(new URL("../docs/SPEC.md", import.meta.url), "utf8");
const v = JSON.parse(readFileSync(new URL("./vectors/spec-dispute.json", import.meta.url), "utf8"));
const domain = { chainId: BigInt(v.domain.chainId), verifyingContract: v.domain.verifyingContract as Hex };
const genesis: Slot[] = v.genesis.map((s: Slot & { balance: string; nonce: string }) => ({ ...s, balance: BigInt(s.balance), nonce: BigInt(s.nonce) }));
const tx = signTransaction({ ...v.tx, amount: BigInt(v.tx.amount), fee: BigInt(v.tx.fee), nonce: BigInt(v.tx.nonce) }, v.key, domain);
const batch = { feeSlots: v.feeSlots as number[], l1Messages: [], txs: [tx] };
const hex = (b: Uint8Array) => `0x${toHex(b)}` as Hex;
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
};
const u32be = (n: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n); return b; };
const u128be = (x: bigint) => fromHex(x.toString(16).padStart(32, "0"));

describe("SPEC.md §11.7 dispute vectors", () => {
  it("C_0 from the formula, byte by byte", () => {
    const sep = domainSeparator(domain);
    expect(hex(sep)).toBe(v.domainSeparator);
    const stateRoot = keccak_256(cat(fromHex(v.pre.treeRoot), u32be(v.pre.slotCount)));
    expect(hex(stateRoot)).toBe(v.pre.stateRoot);
    const context = keccak_256(cat(sep, u32be(2), u32be(1), u128be(0n), u32be(7), u128be(0n)));
    const c0 = keccak_256(cat(stateRoot, fromHex(EMPTY_TREE_ROOT), u32be(0), context));
    expect(hex(c0)).toBe(v.steps[0]);
    expect(startCommitment(v.pre, batch.feeSlots, domain)).toBe(v.steps[0]);
    // after settlement slot 1 was owed 2 and slot 7 (inactive) nothing
    const finalContext = keccak_256(cat(sep, u32be(2), u32be(1), u128be(2n), u32be(7), u128be(0n)));
    expect(hex(finalContext)).toBe(v.claim.contextHash);
    const final = keccak_256(cat(fromHex(v.claim.postStateRoot), fromHex(v.claim.withdrawalsRoot), u32be(0), finalContext));
    expect(hex(final)).toBe(v.steps[2]);
  });

  it("the WASM trace, the reference trace and the referee agree, and the spec prints every value", () => {
    const engine = Engine.create({ genesis, ...domain });
    const pre = { stateRoot: engine.stateRoot(), treeRoot: engine.treeRoot(), slotCount: engine.slotCount() };
    expect(pre).toEqual(v.pre);
    const traced = engine.fork().traceBatch(batch);
    expect(traced.steps).toEqual(v.steps);
    expect(traced.traceRoot).toBe(v.traceRoot);
    expect(traced.result.receipts[0]!.status).toBe(0);
    const ref = new ReferenceEngine(genesis).applyBatch(batch, engine.recoverSigners(batch), { trace: true, domain });
    expect(ref.steps).toEqual(v.steps);
    const claim = makeClaim(batch, traced, 2, domain);
    expect(claim).toEqual(v.claim);
    expect(() => checkClaim(claim)).not.toThrow();
    expect(new StepReferee(domain).agreedStart(batch, pre)).toBe(v.steps[0]);
    for (const value of [v.domainSeparator, v.emptyWithdrawalsRoot, v.pre.treeRoot, v.pre.stateRoot, ...v.steps, v.traceRoot, v.claim.postStateRoot, v.claim.contextHash]) {
      expect(spec).toContain(value);
    }
  });
});
