// Binds SPEC §11.1, §11.5–§11.7 and §13 to the code: the step commitments of the vector batch are
// recomputed by the WASM trace, the reference trace and — byte by byte from the spec's formula —
// with plain keccak; its flat step proofs, header, claim and inbox records are re-made and checked;
// and every value must appear in the spec. Regenerate: npx vite-node test/vectors/generate-spec-dispute.ts
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { keccak_256 } from "@noble/hashes/sha3.js";
import {
  EMPTY_TREE_ROOT,
  Engine,
  ReferenceEngine,
  StepReferee,
  checkClaim,
  claimHash,
  decodeL1Message,
  decodeStepProof,
  domainSeparator,
  encodeBatch,
  encodeClaim,
  encodeHeader,
  encodeL1Message,
  encodeStepProof,
  entryAt,
  fromHex,
  headerHash,
  inboxRecord,
  makeClaim,
  proveStep,
  signTransaction,
  startCommitment,
  toHex,
  verifyStep,
  type BatchHeader,
  type FeePair,
  type Hex,
  type L1Message,
  type Slot,
} from "../src/index.js";

const spec = readFileSync(new URL("../docs/SPEC.md", import.meta.url), "utf8");
const v = JSON.parse(readFileSync(new URL("./vectors/spec-dispute.json", import.meta.url), "utf8"));
const domain = { chainId: BigInt(v.domain.chainId), verifyingContract: v.domain.verifyingContract as Hex };
const genesis: Slot[] = v.genesis.map((s: Slot & { balance: string; nonce: string }) => ({ ...s, balance: BigInt(s.balance), nonce: BigInt(s.nonce) }));
const tx = signTransaction({ ...v.tx, amount: BigInt(v.tx.amount), fee: BigInt(v.tx.fee), nonce: BigInt(v.tx.nonce) }, v.key, domain);
const batch = { feePairs: v.feePairs as FeePair[], l1Messages: [], txs: [tx] };
const ZERO = `0x${"00".repeat(32)}` as Hex;
const link = { batchIndex: 1n, headerHash: v.headerHash as Hex, parentClaimHash: ZERO };
const hex = (b: Uint8Array) => toHex(b);
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const u32be = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
};
const u128be = (x: bigint) => fromHex(x.toString(16).padStart(32, "0"));

describe("SPEC.md §11.7 dispute vectors", () => {
  it("C_0 from the formula, byte by byte", () => {
    const sep = domainSeparator(domain);
    expect(hex(sep)).toBe(v.domainSeparator);
    const stateRoot = keccak_256(cat(fromHex(v.pre.treeRoot), u32be(v.pre.slotCount)));
    expect(hex(stateRoot)).toBe(v.pre.stateRoot);
    // per fee pair: u32 token ‖ u32 slot ‖ u128 owed — (1 → slot 1), (5 → slot 7)
    const context = keccak_256(cat(sep, u32be(2), u32be(1), u32be(1), u128be(0n), u32be(5), u32be(7), u128be(0n)));
    const c0 = keccak_256(cat(stateRoot, fromHex(EMPTY_TREE_ROOT), u32be(0), context));
    expect(hex(c0)).toBe(v.steps[0]);
    expect(startCommitment(v.pre, batch.feePairs, domain)).toBe(v.steps[0]);
    // after settlement token 1's pair was owed 2 (credited to slot 1) and token 5's nothing
    const finalContext = keccak_256(cat(sep, u32be(2), u32be(1), u32be(1), u128be(2n), u32be(5), u32be(7), u128be(0n)));
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
    expect(traced.result.fees).toEqual([2n, 0n]);
    expect(traced.result.feesCredited).toEqual([2n, 0n]);
    const claim = makeClaim(batch, traced, 2, domain, link);
    expect(JSON.parse(JSON.stringify(claim, (_k, y) => (typeof y === "bigint" ? y.toString() : y)))).toEqual(v.claim);
    expect(() => checkClaim(claim)).not.toThrow();
    expect(new StepReferee(domain).agreedStart(batch, pre)).toBe(v.steps[0]);
    for (const value of [
      v.domainSeparator,
      v.emptyWithdrawalsRoot,
      v.pre.treeRoot,
      v.pre.stateRoot,
      ...v.steps,
      v.traceRoot,
      v.claim.postStateRoot,
      v.claim.contextHash,
    ]) {
      expect(spec).toContain(value);
    }
  });

  const flat = spec.replace(/[\s`]/g, "");
  it("the flat step proofs of both steps (SPEC §11.5): re-made byte for byte, verified onto the trace, printed", () => {
    const engine = Engine.create({ genesis, ...domain });
    v.proofs.forEach((want: Hex, j: number) => {
      const bytes = encodeStepProof(proveStep(engine, batch, j));
      expect(hex(bytes)).toBe(want);
      expect(hex(encodeStepProof(decodeStepProof(bytes)))).toBe(want);
      const verdict = verifyStep(bytes, entryAt(batch, j).entry, domain);
      expect([verdict.pre, verdict.post]).toEqual([v.steps[j], v.steps[j + 1]]);
      expect(flat).toContain(want.slice(2));
    });
  });

  it("the batch's header and claim (SPEC §13.2, §13.3): encodings, hashes, printed", () => {
    const da = encodeBatch({ feePairs: batch.feePairs, txs: [tx] });
    expect(hex(da)).toBe(v.daBytes);
    const header: BatchHeader = {
      ...v.header,
      index: BigInt(v.header.index),
      inboxStart: BigInt(v.header.inboxStart),
      l1Block: BigInt(v.header.l1Block),
      l1Timestamp: BigInt(v.header.l1Timestamp),
    };
    expect(header.daHash).toBe(hex(keccak_256(da)));
    expect(header.daLength).toBe(da.length);
    const h = encodeHeader(header);
    expect(h.length).toBe(105);
    expect(hex(h)).toBe(v.headerEncoding);
    expect(headerHash(header)).toBe(v.headerHash);
    expect(hex(keccak_256(h))).toBe(v.headerHash);
    const claim = { ...v.claim, batchIndex: BigInt(v.claim.batchIndex) };
    const c = encodeClaim(claim);
    expect(c.length).toBe(240);
    expect(hex(c)).toBe(v.claimEncoding);
    expect(claimHash(claim)).toBe(v.claimHash);
    // the face check from the claim's own bytes: keccak(postStateRoot ‖ withdrawalsRoot ‖ u32 count ‖ contextHash) = finalCommitment
    expect(hex(keccak_256(c.subarray(140, 240)))).toBe(v.claim.finalCommitment);
    for (const value of [v.headerEncoding, v.headerHash, v.claimEncoding, v.claimHash]) expect(flat).toContain(value.slice(2));
  });
});

describe("SPEC.md §13.1 inbox records", () => {
  const l1 = JSON.parse(readFileSync(new URL("./vectors/spec-l1.json", import.meta.url), "utf8"));
  const flat = spec.replace(/[\s`]/g, "");
  it("encode, decode and hash each message as printed", () => {
    for (const m of l1.messages as { message: L1Message & { amount?: string }; l1Timestamp: string; encoding: Hex; record: Hex }[]) {
      const msg = (m.message.kind === "deposit" ? { ...m.message, amount: BigInt(m.message.amount!) } : m.message) as L1Message;
      expect(hex(encodeL1Message(msg))).toBe(m.encoding);
      expect(decodeL1Message(fromHex(m.encoding))).toEqual(msg);
      expect(inboxRecord(msg, BigInt(m.l1Timestamp))).toBe(m.record);
      const ts = new Uint8Array(8);
      new DataView(ts.buffer).setBigUint64(0, BigInt(m.l1Timestamp));
      expect(hex(keccak_256(cat(fromHex(m.encoding), ts)))).toBe(m.record);
      expect(flat).toContain(m.encoding.slice(2));
      expect(flat).toContain(m.record.slice(2));
    }
    expect(l1.messages.map((m: { encoding: string }) => (m.encoding.length - 2) / 2)).toEqual([45, 45, 25]);
  });
});
