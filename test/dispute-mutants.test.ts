// The checks of the dispute path, one boundary at a time (issue 10, docs/DECISIONS.md D26): every
// bound is tried at its limit (accepted) and one past it (refused with the fault and the field
// named), every refusal of the referee and the bisection game is provoked on its own, and amounts
// above 2^64 go through the step proof's 128-bit split. Written against the survivors of
// `npm run mutate`; each test would fail if the check it names were weakened or dropped.
import { describe, expect, it } from "vitest";
import { Engine, MAX_FEE_SLOTS, proveTraceSteps, traceRoot } from "../src/engine/engine.js";
import {
  EMPTY_TREE_ROOT,
  MAX_WITNESS_SLOTS,
  checkStepProof,
  commitmentOf,
  contextHash,
  entryAt,
  kindOf,
  maxMultiproofBytes,
  proveStep,
  startCommitment,
  stateRootOf,
  stepCommitment,
  verifyStep,
  type StepProof,
} from "../src/dispute/step-proof.js";
import { BisectionError, BisectionGame, Challenger, Proposer, checkDerivation, playBisection, runBisection } from "../src/dispute/bisection.js";
import { StepReferee, checkClaim, makeClaim, type Claim } from "../src/dispute/referee.js";
import { InvalidArgumentError, ProofError, WasmTrapError } from "../src/protocol/errors.js";
import { MAX_BATCH_ENTRIES } from "../src/engine/flat.js";
import { encodeBatch } from "../src/da/codec.js";
import { WasmCore } from "../src/core/wasm-core.js";
import { fromHex, toHex } from "../src/protocol/bytes.js";
import { addressOf, signTransaction } from "../src/protocol/signatures.js";
import { secp256k1WasmRecovery } from "../src/node/secp256k1-wasm.js";
import { MAX_SLOTS, MAX_U128, MAX_U64, type Batch, type Hex, type SignedTx, type Slot } from "../src/protocol/types.js";

const domain = { chainId: 7n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Hex };
const KEY_A = `0x${"11".repeat(32)}` as Hex;
const KEY_B = `0x${"22".repeat(32)}` as Hex;
const A = addressOf(KEY_A);
const B = addressOf(KEY_B);
const core = WasmCore.createSync();
const HUGE = 1n << 70n; // above 2^64: exercises the hi/lo halves of every u128 the proof carries

/** Slot 0: A's token 1 (rich), slot 1: B's token 1 (token 1's fee pair), slot 2: B's token 2. */
const genesis: Slot[] = [
  { owner: A, token: 1, balance: 1n << 100n, nonce: 0n },
  { owner: B, token: 1, balance: 0n, nonce: 0n },
  { owner: B, token: 2, balance: 9n, nonce: 0n },
];
const txs: SignedTx[] = [
  signTransaction({ type: "transfer", from: 0, to: 1, amount: 5n, fee: HUGE, nonce: 0n }, KEY_A, domain) as SignedTx,
  signTransaction({ type: "withdraw", from: 0, amount: HUGE + 3n, fee: 1n, nonce: 1n }, KEY_A, domain) as SignedTx,
  signTransaction({ type: "transferToNew", from: 0, toOwner: B, amount: 4n, fee: 0n, nonce: 2n }, KEY_A, domain) as SignedTx,
];
/**
 * Entries: deposit, forced exit, transfer, withdraw, transferToNew; then settlement (step 5).
 * Token 1's fees go to slot 1; token 2's pair names slot 3, which the transferToNew creates, and is
 * owed nothing (no step pays a fee in token 2), so settlement reads only slot 1.
 */
const batch: Batch = {
  feePairs: [
    { token: 1, slot: 1 },
    { token: 2, slot: 3 },
  ],
  l1Messages: [
    { kind: "deposit", owner: B, token: 2, amount: HUGE, slot: 2 },
    { kind: "forcedExit", owner: B, slot: 2 },
  ],
  txs,
};
const ENTRIES = 5;

const engine = Engine.create({ genesis, ...domain, recovery: secp256k1WasmRecovery });
const traced = engine.fork().traceBatch(batch);
const steps = traced.steps;
const pre = { stateRoot: engine.stateRoot(), treeRoot: engine.treeRoot(), slotCount: engine.slotCount() };
const proofs = Array.from({ length: ENTRIES + 1 }, (_, j) => proveStep(engine, batch, j));
const referee = new StepReferee(domain, { recovery: secp256k1WasmRecovery });
const verify = (p: StepProof, j: number) => verifyStep(p, entryAt(batch, j).entry, domain, { core, recovery: secp256k1WasmRecovery });

/** Expects `run` to throw ProofError `fault` with a message matching `message`. */
function refuses(run: () => unknown, fault: string, message: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ProofError ${fault} ${message}`).toBeInstanceOf(ProofError);
  expect((caught as ProofError).fault, (caught as Error).message).toBe(fault);
  expect((caught as Error).message).toMatch(message);
}

function bisectionFault(run: () => unknown, fault: string, message?: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected BisectionError ${fault}`).toBeInstanceOf(BisectionError);
  expect((caught as BisectionError).fault, (caught as Error).message).toBe(fault);
  if (message) expect((caught as Error).message).toMatch(message);
}

const hex = (byte: string) => `0x${byte.repeat(32)}` as Hex;

describe("a batch with amounts above 2^64", () => {
  it("the trace is what the test expects: fees owed and a withdrawal above 2^64", () => {
    expect(traced.result.receipts.map((r) => r.status)).toEqual([0, 0, 0, 0, 0]);
    expect(traced.result.fees).toEqual([HUGE + 1n, 0n]);
    expect(traced.result.feesCredited).toEqual([HUGE + 1n, 0n]);
    expect(traced.result.withdrawals.map((w) => w.amount)).toEqual([HUGE + 9n, HUGE + 3n]);
    expect(proofs[ENTRIES]!.fees.map((f) => f.owed)).toEqual([HUGE + 1n, 0n]);
  });

  it("every step verifies from C_j onto C_{j+1}, and the referee convicts exactly the wrong claims", () => {
    for (let j = 0; j <= ENTRIES; j++) {
      const v = verify(proofs[j]!, j);
      expect([v.pre, v.post, v.status], `step ${j}`).toEqual([steps[j], steps[j + 1], 0]);
      const honest = referee.judgeStep({ batch, step: j, agreed: steps[j]!, claimed: steps[j + 1]!, proof: proofs[j]! });
      expect(honest).toEqual({ convicted: false, post: steps[j + 1], status: 0 });
      const liar = referee.judgeStep({ batch, step: j, agreed: steps[j]!, claimed: steps[j]!, proof: proofs[j]! });
      expect(liar.convicted, `step ${j}`).toBe(true);
    }
  });

  it("the commitments a referee computes itself match the trace", () => {
    expect(startCommitment(pre, batch.feePairs, domain)).toBe(steps[0]);
    expect(referee.agreedStart(batch, pre)).toBe(steps[0]);
    expect(traced.result.withdrawalsRoot).not.toBe(EMPTY_TREE_ROOT);
    const empty = engine.fork().traceBatch({ feePairs: [], l1Messages: [], txs: [] });
    expect(empty.result.withdrawalsRoot).toBe(EMPTY_TREE_ROOT);
    const claim = makeClaim(batch, traced, pre.slotCount, domain);
    expect(claim.finalCommitment).toBe(steps[ENTRIES + 1]);
    expect(claim.contextHash).toBe(toHex(contextHash(domain, pre.slotCount, batch.feePairs, [HUGE + 1n, 0n])));
    const last = proofs[ENTRIES]!;
    const stateRoot = stateRootOf(last.treeRoot, last.slotCount);
    const feePairs = last.fees.map((f) => ({ token: f.token, slot: f.slot }));
    const owedFees = last.fees.map((f) => f.owed);
    expect(stepCommitment({ ...last, stateRoot, feePairs, owedFees }, domain)).toBe(steps[ENTRIES]);
    expect(
      commitmentOf(fromHex(stateRoot), fromHex(last.withdrawalsRoot), last.withdrawalCount, contextHash(domain, last.baseSlotCount, feePairs, owedFees)),
    ).toBe(steps[ENTRIES]);
  });
});

describe("proveStep", () => {
  it("witnesses exactly the touched slots, never a fee slot; settlement the pairs' slots it credits", () => {
    // settlement: token 1's pair (slot 1) is owed something, token 2's (slot 3) nothing
    const touched = (j: number) => (j < ENTRIES ? traced.result.receipts[j]!.touched : [1]);
    for (let j = 0; j <= ENTRIES; j++) {
      const want = [...new Set(touched(j))].sort((a, b) => a - b);
      expect(
        proofs[j]!.witness.map((w) => w.index),
        `step ${j}`,
      ).toEqual(want);
      for (const w of proofs[j]!.witness) expect(w.slot === null, `step ${j} slot ${w.index}`).toBe(w.index >= proofs[j]!.slotCount);
    }
    // the transferToNew creates slot 3: its step witnesses it as not yet created
    expect(proofs[4]!.witness.find((w) => w.index === 3)).toEqual({ index: 3, slot: null });
    expect(proofs[ENTRIES]!.fees.map((f) => ({ token: f.token, slot: f.slot }))).toEqual(batch.feePairs);
    expect(proofs[ENTRIES]!.witness.map((w) => w.index)).toEqual([1]);
    // the withdrawal multiproof is there exactly for the steps that append one
    expect(proofs.map((p) => p.withdrawalProof !== null)).toEqual([false, true, false, true, false, false]);
  });

  it("proves a step without witnesses with an empty slot proof, which verifies", () => {
    const empty: Batch = { feePairs: [], l1Messages: [], txs: [] };
    const p = proveStep(engine, empty, 0);
    expect(p.witness).toEqual([]);
    expect(p.slotProof).toEqual(new Uint8Array(0));
    const t = engine.fork().traceBatch(empty);
    const v = verifyStep(p, null, domain, { core });
    expect([v.pre, v.post]).toEqual([t.steps[0], t.steps[1]]);
    // no withdrawal is appended, so no withdrawal proof: one that is there, even a valid one, is refused
    expect(p.withdrawalProof).toBeNull();
    refuses(
      () => verifyStep({ ...p, withdrawalProof: proofs[1]!.withdrawalProof }, null, domain, { core }),
      "WITNESS",
      /^the proof has a withdrawal multiproof but the step appends no withdrawal$/,
    );
    refuses(() => verifyStep({ ...p, withdrawalProof: new Uint8Array(0) }, null, domain, { core }), "WITNESS", /withdrawal proof is not for the next position/);
  });

  it("executes with the signers it is given (a node passes the ones it recovered once)", () => {
    // B claimed as the signer of A's transactions: they fail BAD_SIGNATURE in this execution
    const signers = [B, B, B];
    const fake = engine.fork().traceBatch(batch, { signers });
    expect(fake.result.receipts.slice(2).map((r) => r.status)).not.toContain(0);
    for (let j = 0; j <= ENTRIES; j++) {
      const p = proveStep(engine, batch, j, { signers });
      // the transactions all fail, so nothing is owed and settlement reads no slot
      const want = [...new Set(j < ENTRIES ? fake.result.receipts[j]!.touched : [])].sort((a, b) => a - b);
      expect(
        p.witness.map((w) => w.index),
        `step ${j}`,
      ).toEqual(want);
      expect(verify(p, j).pre, `step ${j}`).toBe(fake.steps[j]);
    }
  });

  it("refuses steps outside the batch", () => {
    for (const step of [-1, ENTRIES + 1, 0.5, Number.NaN]) {
      expect(() => proveStep(engine, batch, step), String(step)).toThrow(InvalidArgumentError);
      expect(() => proveStep(engine, batch, step), String(step)).toThrow(/step must be in \[0, 5\]/);
    }
  });
});

describe("entryAt and kindOf", () => {
  it("map step indices to entries at every boundary", () => {
    expect(entryAt(batch, 0)).toEqual({ kind: "l1", entry: batch.l1Messages[0] });
    expect(entryAt(batch, 1)).toEqual({ kind: "l1", entry: batch.l1Messages[1] });
    expect(entryAt(batch, 2)).toEqual({ kind: "tx", entry: txs[0] });
    expect(entryAt(batch, 4)).toEqual({ kind: "tx", entry: txs[2] });
    expect(entryAt(batch, 5)).toEqual({ kind: "settle", entry: null });
    for (const step of [-1, 6, 1.5]) expect(() => entryAt(batch, step)).toThrow(/step must be an integer in \[0, 5\]/);
  });

  it("take the kind from the entry's own fields, refusing ambiguous entries", () => {
    expect(kindOf(null)).toBe("settle");
    expect(kindOf(batch.l1Messages[0]!)).toBe("l1");
    expect(kindOf(batch.l1Messages[1]!)).toBe("l1");
    expect(kindOf(txs[0]!)).toBe("tx");
    expect(() => kindOf(5 as never)).toThrow(/entry must be an L1 message, a signed transaction or null/);
    expect(() => kindOf("deposit" as never)).toThrow(/entry must be an L1 message, a signed transaction or null/);
    for (const bad of [{ ...txs[0]!, kind: "deposit" }, { kind: "withdraw" }, { kind: "deposit", type: "transfer" }, { type: 1 }, {}]) {
      expect(
        () => kindOf(bad as never),
        JSON.stringify(bad, (_, v) => (typeof v === "bigint" ? String(v) : v)),
      ).toThrow(/not both or neither/);
    }
    expect(() => verifyStep(proofs[2]!, { kind: "deposit", type: "transfer" } as never, domain, { core })).toThrow(InvalidArgumentError);
  });
});

describe("checkStepProof: every field at its bound", () => {
  const p = proofs[2]!; // the transfer: witness [0, 1], one withdrawal before it
  const nulls = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ index: from + i, slot: null }));
  const ok = (m: Partial<StepProof>) => checkStepProof({ ...p, ...m });
  const bad = (m: Partial<StepProof>, fault: string, message: RegExp) => refuses(() => checkStepProof({ ...p, ...m }), fault, message);
  const slot0 = p.witness[0]!.slot!;
  const withSlot0 = (s: Partial<Slot> | null) => ({ witness: [{ index: 0, slot: s === null ? null : ({ ...slot0, ...s } as Slot) }, p.witness[1]!] });

  it("the honest proof passes and names its witness", () => {
    expect(p.withdrawalCount).toBe(1);
    expect(checkStepProof(p)).toEqual([0, 1]);
  });

  it("the proof and its roots", () => {
    refuses(() => checkStepProof(null as never), "FIELD", /^proof must be an object$/);
    refuses(() => checkStepProof("proof" as never), "FIELD", /^proof must be an object$/);
    const h = p.treeRoot.slice(2);
    for (const root of [`0x${h}0`, `0x${h.slice(1)}`, ` 0x${h}`, `0x${h}\n`, `0X${h}`, `00${h}`, `0x${h.slice(1)}g`, h, 5]) {
      bad({ treeRoot: root as Hex }, "FIELD", /^proof\.treeRoot must be a 0x-prefixed 32-byte hex string$/);
      bad({ withdrawalsRoot: root as Hex }, "FIELD", /^proof\.withdrawalsRoot must be a 0x-prefixed 32-byte hex string$/);
    }
    expect(ok({ treeRoot: `0x${h.toUpperCase()}` as Hex })).toEqual([0, 1]);
  });

  it("the counts", () => {
    for (const slotCount of [-1, 1.5, MAX_SLOTS + 1, "5"])
      bad({ slotCount: slotCount as number }, "FIELD", /^proof\.slotCount must be an integer in \[0, 16777216\]$/);
    expect(ok({ slotCount: MAX_SLOTS })).toEqual([0, 1]);
    expect(checkStepProof({ ...p, slotCount: 0, baseSlotCount: 0, fees: [], witness: nulls(0, 2) })).toEqual([0, 1]);
    for (const baseSlotCount of [-1, p.slotCount + 1, 0.5]) bad({ baseSlotCount }, "FIELD", /^proof\.baseSlotCount must be an integer in \[0, slotCount\]$/);
    expect(ok({ baseSlotCount: p.slotCount })).toEqual([0, 1]);
    expect(ok({ baseSlotCount: 0 })).toEqual([0, 1]);
    for (const withdrawalCount of [-1, MAX_BATCH_ENTRIES, 2.5])
      bad({ withdrawalCount }, "FIELD", /^proof\.withdrawalCount must be an integer in \[0, 1048576\)$/);
    expect(ok({ withdrawalCount: MAX_BATCH_ENTRIES - 1 })).toEqual([0, 1]);
    expect(ok({ withdrawalCount: 0 })).toEqual([0, 1]);
  });

  it("the fee pairs and fees owed", () => {
    const many = (n: number) => ({ fees: Array.from({ length: n }, (_, i) => ({ token: i, slot: 100 + i, owed: 0n })) });
    const two = (second: Record<string, unknown>) => ({
      fees: [
        { token: 1, slot: 1, owed: 0n },
        { token: 2, slot: 3, owed: 0n, ...second },
      ] as StepProof["fees"],
    });
    bad(many(MAX_FEE_SLOTS + 1), "TOO_LARGE", /^proof\.fees must be an array of at most 16 fee pairs$/);
    bad({ fees: "1" as never }, "TOO_LARGE", /^proof\.fees must be an array of at most 16 fee pairs$/);
    expect(ok(many(MAX_FEE_SLOTS))).toEqual([0, 1]);
    bad({ fees: [{ token: 1, slot: 1, owed: 0n }, null as never] }, "FIELD", /^proof\.fees\[1\] must be \{ token, slot, owed \}$/);
    for (const token of [-1, 2 ** 32, 0.5]) bad(two({ token }), "FIELD", /^proof\.fees\[1\]\.token must be a u32$/);
    for (const token of [1, 0]) bad(two({ token }), "FIELD", /^proof\.fees\[1\]\.token must be greater than the one before/);
    expect(ok(two({ token: 2 ** 32 - 1 }))).toEqual([0, 1]);
    for (const slot of [-1, 2 ** 32, 0.5]) bad(two({ slot }), "FIELD", /^proof\.fees\[1\]\.slot must be a u32$/);
    expect(ok(two({ slot: 2 ** 32 - 1 }))).toEqual([0, 1]);
    for (const owed of [-1n, MAX_U128 + 1n, 0]) bad(two({ owed }), "FIELD", /^proof\.fees\[1\]\.owed must be a u128 bigint$/);
    expect(ok(two({ owed: MAX_U128 }))).toEqual([0, 1]);
  });

  it("the witness list", () => {
    bad({ witness: "w" as never }, "TOO_LARGE", /^proof\.witness must be an array of at most 16 entries$/);
    bad({ witness: [...p.witness, ...nulls(p.slotCount, MAX_WITNESS_SLOTS - 1)] }, "TOO_LARGE", /^proof\.witness must be an array of at most 16 entries$/);
    expect(ok({ witness: [...p.witness, ...nulls(p.slotCount, MAX_WITNESS_SLOTS - 2)] })).toHaveLength(MAX_WITNESS_SLOTS);
    bad({ witness: [p.witness[0]!, null as never] }, "FIELD", /^proof\.witness\[1\] must be an object$/);
    bad({ witness: [p.witness[0]!, 7 as never] }, "FIELD", /^proof\.witness\[1\] must be an object$/);
    for (const index of [-1, 2 ** 32, 1.5]) bad({ witness: [...p.witness, { index, slot: null }] }, "FIELD", /^proof\.witness\[2\]\.index must be a u32$/);
    expect(ok({ witness: [...p.witness, { index: 2 ** 32 - 1, slot: null }] })).toEqual([0, 1, 2 ** 32 - 1]);
    bad({ witness: [p.witness[0]!, p.witness[0]!] }, "FIELD", /^proof\.witness\[1\]\.index must be greater than the one before/);
    bad({ witness: [p.witness[1]!, p.witness[0]!] }, "FIELD", /^proof\.witness\[1\]\.index must be greater than the one before/);
  });

  it("which witness slots exist, and their fields", () => {
    const n = p.slotCount;
    bad(
      { witness: [...p.witness, { index: n, slot: slot0 }] },
      "FIELD",
      new RegExp(`^proof\\.witness\\[2\\]\\.slot must be null: slot ${n} does not exist yet \\(slot count ${n}\\)$`),
    );
    bad({ witness: [...p.witness, { index: n - 1, slot: null }] }, "FIELD", new RegExp(`^proof\\.witness\\[2\\]\\.slot must be a slot: slot ${n - 1} exists$`));
    bad({ witness: [...p.witness, { index: n - 1, slot: 5 as never }] }, "FIELD", /^proof\.witness\[2\]\.slot must be a slot/);
    expect(ok({ witness: [...p.witness, { index: n, slot: null }] })).toEqual([0, 1, n]);
    bad(withSlot0({ owner: "0x1234" as Hex }), "FIELD", /^proof\.witness\[0\]\.slot\.owner must be a 0x-prefixed 20-byte hex address/);
    bad(withSlot0({ owner: `0x${"zz".repeat(20)}` as Hex }), "FIELD", /^proof\.witness\[0\]\.slot\.owner must be/);
    for (const token of [-1, 2 ** 32, 0.5]) bad(withSlot0({ token }), "FIELD", /^proof\.witness\[0\]\.slot\.token must be a u32$/);
    for (const balance of [-1n, MAX_U128 + 1n, 5])
      bad(withSlot0({ balance: balance as bigint }), "FIELD", /^proof\.witness\[0\]\.slot\.balance must be a u128 bigint$/);
    for (const nonce of [-1n, MAX_U64 + 1n, 5]) bad(withSlot0({ nonce: nonce as bigint }), "FIELD", /^proof\.witness\[0\]\.slot\.nonce must be a u64 bigint$/);
    expect(ok(withSlot0({ token: 2 ** 32 - 1, balance: MAX_U128, nonce: MAX_U64 }))).toEqual([0, 1]);
    expect(ok(withSlot0({ token: 0, balance: 0n, nonce: 0n }))).toEqual([0, 1]);
  });

  it("the slot proof is empty exactly when the witness is", () => {
    bad({ slotProof: new Uint8Array(0) }, "FIELD", /^proof\.slotProof must be empty exactly when the witness is$/);
    bad({ witness: [] }, "FIELD", /^proof\.slotProof must be empty exactly when the witness is$/);
    expect(ok({ witness: [], slotProof: new Uint8Array(0) })).toEqual([]);
  });

  it("the proofs' types and sizes", () => {
    bad({ slotProof: [1, 2] as never }, "FIELD", /^proof\.slotProof must be a Uint8Array$/);
    bad({ withdrawalProof: "00" as never }, "FIELD", /^proof\.withdrawalProof must be a Uint8Array or null$/);
    bad({ withdrawalProof: undefined as never }, "FIELD", /^proof\.withdrawalProof must be a Uint8Array or null$/);
    expect(ok({ withdrawalProof: null })).toEqual([0, 1]);
    const limit2 = maxMultiproofBytes(2);
    expect(ok({ slotProof: new Uint8Array(limit2) })).toEqual([0, 1]);
    bad({ slotProof: new Uint8Array(limit2 + 1) }, "TOO_LARGE", new RegExp(`^proof\\.slotProof is ${limit2 + 1} bytes, more than any proof of 2 slots$`));
    const one = maxMultiproofBytes(1);
    const oneWitness = { witness: [p.witness[0]!] };
    expect(ok({ ...oneWitness, slotProof: new Uint8Array(one) })).toEqual([0]);
    bad({ ...oneWitness, slotProof: new Uint8Array(one + 1) }, "TOO_LARGE", /more than any proof of 1 slots$/);
    expect(ok({ withdrawalProof: new Uint8Array(one) })).toEqual([0, 1]);
    bad(
      { withdrawalProof: new Uint8Array(one + 1) },
      "TOO_LARGE",
      new RegExp(`^proof\\.withdrawalProof is ${one + 1} bytes, more than any proof of one position$`),
    );
  });

  it("the size bound is the largest canonical multiproof (SPEC §3.3): every sibling of every level sent", () => {
    // 4-ary depth 16: 3 sibling positions per level per leaf at most; u32 count, u32 per index,
    // a bitmap bit and 32 bytes per position
    expect([1, 2, 3, 23].map(maxMultiproofBytes)).toEqual([1550, 3096, 4642, 35562]);
  });
});

describe("verifyStep: the hashes a proof must check against", () => {
  const j = 3; // the withdrawal: witness [0], withdrawal position 1
  const p = proofs[j]!;
  const fork = engine.fork();
  fork.applyPrefix(batch, j);

  it("the slot proof must name exactly the witness indices, and hash them to the tree root", () => {
    refuses(() => verify({ ...p, slotProof: fork.proveSlots([0, 2]) }, j), "WITNESS", /^the slot proof does not name exactly the witness indices$/);
    refuses(() => verify({ ...p, slotProof: fork.proveSlots([1]) }, j), "WITNESS", /^the slot proof does not name exactly the witness indices$/);
    // names the witness indices first, and one more: the count decides
    refuses(() => verify({ ...p, slotProof: fork.proveSlots([0, 1]) }, j), "WITNESS", /^the slot proof does not name exactly the witness indices$/);
    refuses(() => verify({ ...p, slotProof: p.slotProof.subarray(0, 6) }, j), "WITNESS", /^the slot proof does not name exactly the witness indices$/);
    // a header that names the indices and nothing after it reaches the core, which refuses it
    const header = new Uint8Array(8);
    new DataView(header.buffer).setUint32(0, 1, true);
    refuses(() => verify({ ...p, slotProof: header }, j), "WITNESS", /^slot proof: /);
    // named right, at an offset into a larger buffer (the proof is read through its own view)
    const padded = new Uint8Array(p.slotProof.length + 3);
    padded.set(p.slotProof, 3);
    expect(verify({ ...p, slotProof: padded.subarray(3) }, j).post).toBe(steps[j + 1]);
    const w = p.witness.map((x, i) => (i === 0 ? { ...x, slot: { ...x.slot!, balance: x.slot!.balance + 1n } } : x));
    refuses(() => verify({ ...p, witness: w }, j), "WITNESS", /^the witness slots do not hash to the tree root$/);
  });

  it("the withdrawal proof must be of position withdrawalCount alone, empty under the withdrawals root", () => {
    const wtree = engine.fork();
    const prefix = wtree.applyPrefix(batch, j);
    expect(prefix.withdrawalCount).toBe(1);
    refuses(() => verify({ ...p, withdrawalProof: proofs[1]!.withdrawalProof }, j), "WITNESS", /^the withdrawal proof is not for the next position alone$/);
    refuses(
      () => verify({ ...p, withdrawalProof: p.withdrawalProof!.subarray(0, 4) }, j),
      "WITNESS",
      /^the withdrawal proof is not for the next position alone$/,
    );
    refuses(() => verify({ ...p, withdrawalsRoot: EMPTY_TREE_ROOT }, j), "WITNESS", /^the withdrawal position does not check against the withdrawals root$/);
    refuses(() => verify({ ...p, withdrawalProof: p.withdrawalProof!.subarray(0, 9) }, j), "WITNESS", /^withdrawal proof: /);
    // the step appends a withdrawal: without the proof there is no post-state to compute
    refuses(() => verify({ ...p, withdrawalProof: null }, j), "WITNESS", /^the step appends a withdrawal but the proof has no withdrawal multiproof$/);
    wtree.dispose();
  });

  it("a witness that is not exactly what the step touches is a refused proof, not a verdict", () => {
    // the withdrawal reads slot 0; a witness of slot 1 alone, honestly proved, is short of it
    const slot1 = { index: 1, slot: fork.getSlot(1) };
    refuses(() => verify({ ...p, witness: [slot1], slotProof: fork.proveSlots([1]) }, j), "WITNESS", /^the step reads a slot the witness does not include$/);
    // and one more slot than it touches (the old fee-slot witness), honestly proved, is refused too
    refuses(
      () => verify({ ...p, witness: [p.witness[0]!, slot1], slotProof: fork.proveSlots([0, 1]) }, j),
      "WITNESS",
      /^the witness holds slots \[0, 1\] but the step touches \[0\]$/,
    );
  });

  it("re-execution runs the entry from the batch in the step's kind", () => {
    // the same proof under another entry of another kind: refused (its witness and withdrawal
    // proof are this step's), never this step's verdict
    refuses(() => verifyStep(p, null, domain, { core }), "WITNESS", /^the step reads a slot the witness does not include$/);
    refuses(
      () => verifyStep(p, { kind: "deposit", owner: A, token: 1, amount: 1n, slot: 0 }, domain, { core }),
      "WITNESS",
      /^the proof has a withdrawal multiproof but the step appends no withdrawal$/,
    );
    const v = verifyStep({ ...p, withdrawalProof: null }, { kind: "deposit", owner: A, token: 1, amount: 1n, slot: 0 }, domain, { core });
    expect(v.pre).toBe(steps[j]);
    expect(v.post).not.toBe(steps[j + 1]);
    // the default core and recovery give the same verdict as a dedicated one
    expect(verifyStep(p, entryAt(batch, j).entry, domain)).toEqual(verify(p, j));
  });
});

describe("the commitment helpers refuse out-of-range parts, naming them", () => {
  const none: bigint[] = [];
  it("contextHash", () => {
    for (const b of [-1, MAX_SLOTS + 1, 0.5]) refuses(() => contextHash(domain, b, [], none), "FIELD", /^baseSlotCount must be an integer in \[0, 16777216\]$/);
    expect(contextHash(domain, MAX_SLOTS, [], none)).toHaveLength(32);
    const fees = (n: number) => Array.from({ length: n }, (_, i) => ({ token: i, slot: i }));
    const pair = (token: number, slot: number) => [
      { token: 0, slot: 0 },
      { token, slot },
    ];
    refuses(
      () =>
        contextHash(
          domain,
          0,
          fees(MAX_FEE_SLOTS + 1),
          fees(MAX_FEE_SLOTS + 1).map(() => 0n),
        ),
      "FIELD",
      /^feePairs must be an array of at most 16 fee pairs$/,
    );
    refuses(() => contextHash(domain, 0, "12" as never, none), "FIELD", /^feePairs must be an array/);
    expect(
      contextHash(
        domain,
        0,
        fees(MAX_FEE_SLOTS),
        fees(MAX_FEE_SLOTS).map(() => 0n),
      ),
    ).toHaveLength(32);
    refuses(() => contextHash(domain, 0, fees(1), none), "FIELD", /^owedFees must hold one owed fee per fee pair$/);
    refuses(() => contextHash(domain, 0, [], { length: 0 } as never), "FIELD", /^owedFees must hold one owed fee per fee pair$/);
    for (const [token, slot] of [
      [-1, 1],
      [1, -1],
      [2 ** 32, 1],
      [1, 0.5],
    ] as const) {
      refuses(() => contextHash(domain, 0, pair(token, slot), [0n, 0n]), "FIELD", /^feePairs\[1\] must be \{ token, slot \} with u32 values$/);
    }
    refuses(() => contextHash(domain, 0, [{ token: 0, slot: 0 }, null as never], [0n, 0n]), "FIELD", /^feePairs\[1\] must be/);
    for (const owed of [-1n, MAX_U128 + 1n, 1])
      refuses(() => contextHash(domain, 0, fees(2), [0n, owed as bigint]), "FIELD", /^owedFees\[1\] must be a u128 bigint$/);
    // the 128-bit fee is hashed whole: its high and low halves both count; token and slot both count
    const at = (owed: bigint) => toHex(contextHash(domain, 0, [{ token: 1, slot: 1 }], [owed]));
    expect(new Set([at(0n), at(1n), at(1n << 64n), at(MAX_U128), at(MAX_U64)]).size).toBe(5);
    const of = (token: number, slot: number) => toHex(contextHash(domain, 0, [{ token, slot }], [0n]));
    expect(new Set([of(1, 2), of(2, 1), of(1, 1), of(2, 2)]).size).toBe(4);
  });

  it("commitmentOf, stateRootOf and stepCommitment", () => {
    const z = new Uint8Array(32);
    for (const n of [-1, MAX_BATCH_ENTRIES + 1, 0.5])
      refuses(() => commitmentOf(z, z, n, z), "FIELD", /^withdrawalCount must be an integer in \[0, 1048576\]$/);
    expect(commitmentOf(z, z, MAX_BATCH_ENTRIES, z)).toMatch(/^0x[0-9a-f]{64}$/);
    refuses(() => stateRootOf("0x12" as Hex, 0), "FIELD", /^treeRoot must be a 0x-prefixed 32-byte hex string$/);
    for (const n of [-1, MAX_SLOTS + 1]) refuses(() => stateRootOf(EMPTY_TREE_ROOT, n), "FIELD", /^slotCount must be an integer in \[0, 16777216\]$/);
    expect(stateRootOf(EMPTY_TREE_ROOT, MAX_SLOTS)).not.toBe(stateRootOf(EMPTY_TREE_ROOT, 0));
    const parts = {
      stateRoot: pre.stateRoot,
      withdrawalsRoot: EMPTY_TREE_ROOT,
      withdrawalCount: 0,
      baseSlotCount: 3,
      feePairs: batch.feePairs,
      owedFees: [0n, 0n],
    };
    expect(stepCommitment(parts, domain)).toBe(steps[0]);
    refuses(() => stepCommitment({ ...parts, stateRoot: "0x" as Hex }, domain), "FIELD", /^stateRoot must be/);
    refuses(() => stepCommitment({ ...parts, withdrawalsRoot: "0x" as Hex }, domain), "FIELD", /^withdrawalsRoot must be/);
  });
});

describe("the bisection game's refusals", () => {
  const tcore = WasmCore.createSync();
  const trace = Array.from({ length: 9 }, (_, i) => hex(((i + 1) * 17).toString(16).padStart(2, "0")));
  const proposer = new Proposer(trace, tcore);
  const opened = (finalCommitment?: Hex) => {
    const g = new BisectionGame(9, proposer.root, trace[0]!, tcore, finalCommitment);
    g.open(proposer.reveal(0), proposer.reveal(8));
    return g;
  };

  it("a batch has 2 to 2^20 + 2 step commitments; the roots are 32-byte hex", () => {
    for (const n of [1, MAX_BATCH_ENTRIES + 3, 2.5, "9"])
      bisectionFault(
        () => new BisectionGame(n as number, proposer.root, trace[0]!, tcore),
        "NOT_STARTED",
        new RegExp(`^a batch has from 2 to 1048578 step commitments, not ${n}$`),
      );
    expect(new BisectionGame(MAX_BATCH_ENTRIES + 2, proposer.root, trace[0]!, tcore).hi).toBe(MAX_BATCH_ENTRIES + 1);
    const two = new BisectionGame(2, proposer.root, trace[0]!, tcore);
    expect([two.steps, two.lo, two.hi, two.rounds]).toEqual([1, 0, 1, 0]);
    for (const bad of ["0x12", `${trace[0]!}0`, 7, ` ${trace[0]!}`]) {
      bisectionFault(() => new BisectionGame(9, bad as Hex, trace[0]!, tcore), "NOT_STARTED", /^proposerRoot must be a 0x-prefixed 32-byte hex string$/);
      bisectionFault(() => new BisectionGame(9, proposer.root, bad as Hex, tcore), "NOT_STARTED", /^agreedStart must be a 0x-prefixed 32-byte hex string$/);
      bisectionFault(
        () => new BisectionGame(9, proposer.root, trace[0]!, tcore, bad as Hex),
        "NOT_STARTED",
        /^finalCommitment must be a 0x-prefixed 32-byte hex string$/,
      );
    }
  });

  it("its errors carry the BISECTION_FAULT code; hashes must be strings, reveals plain objects", () => {
    let caught: unknown;
    try {
      new BisectionGame(1, proposer.root, trace[0]!, tcore);
    } catch (e) {
      caught = e;
    }
    expect((caught as BisectionError).code).toBe("BISECTION_FAULT");
    // an object whose string form is a hash is not a hash
    const disguised = { toString: () => trace[0]! } as unknown as Hex;
    bisectionFault(() => new BisectionGame(9, disguised, trace[0]!, tcore), "NOT_STARTED", /^proposerRoot must be/);
    const g = opened();
    const r = proposer.reveal(4);
    bisectionFault(
      () => g.reveal({ ...r, commitment: { toString: () => r.commitment } as unknown as Hex }),
      "BAD_PROOF",
      /^commitment 4 is not a 32-byte hex string$/,
    );
    bisectionFault(() => g.reveal(Object.assign(() => undefined, r) as unknown as typeof r), "WRONG_INDEX", /^expected commitment 4, got 4$/);
    g.reveal(r);
  });

  it("a failure of the referee's own core is not blamed on the proposer", () => {
    for (const failure of [new WasmTrapError("boom"), new Error("out of memory")]) {
      const broken = {
        verifyMultiproof: () => {
          throw failure;
        },
      } as unknown as WasmCore;
      const g = new BisectionGame(9, proposer.root, trace[0]!, broken);
      expect(() => g.open(proposer.reveal(0), proposer.reveal(8))).toThrow(failure);
    }
  });

  it("the state machine: open once, then reveal and judge in turn, outcome only at the end", () => {
    const g = new BisectionGame(9, proposer.root, trace[0]!, tcore);
    expect(g.done).toBe(false);
    bisectionFault(() => g.query(), "NOT_STARTED", /^open the game first$/);
    bisectionFault(() => g.reveal(proposer.reveal(4)), "NOT_STARTED", /^open the game first$/);
    bisectionFault(() => g.judge(true), "NOT_STARTED", /^open the game first$/);
    bisectionFault(() => g.outcome(), "NOT_STARTED", /^the game is not over$/);
    g.open(proposer.reveal(0), proposer.reveal(8));
    bisectionFault(() => g.open(proposer.reveal(0), proposer.reveal(8)), "FINISHED", /^the game has already started$/);
    bisectionFault(() => g.judge(false), "NOT_STARTED", /^nothing to judge$/);
    expect(g.query()).toBe(4);
    g.reveal(proposer.reveal(4));
    bisectionFault(() => g.reveal(proposer.reveal(4)), "WRONG_INDEX", /^waiting for the challenger$/);
    expect(g.query()).toBe(4); // a reveal does not move the game; the verdict does
    g.judge(false);
    expect([g.lo, g.hi, g.rounds, g.query()]).toEqual([0, 4, 1, 2]);
    bisectionFault(() => g.judge(true), "NOT_STARTED", /^nothing to judge$/);
    g.reveal(proposer.reveal(2));
    g.judge(true);
    expect([g.lo, g.hi, g.rounds, g.query()]).toEqual([2, 4, 2, 3]);
    bisectionFault(() => g.outcome(), "NOT_STARTED", /^the game is not over$/);
    g.reveal(proposer.reveal(3));
    g.judge(true);
    expect([g.lo, g.hi, g.rounds, g.done, g.query()]).toEqual([3, 4, 3, true, null]);
    expect(g.outcome()).toEqual({ step: 3, pre: trace[3], proposerPost: trace[4] });
    bisectionFault(() => g.reveal(proposer.reveal(3)), "FINISHED", /^the game is over$/);
    bisectionFault(() => g.judge(true), "NOT_STARTED", /^nothing to judge$/);
  });

  it("a one-step batch is decided by the opening alone", () => {
    const short = trace.slice(0, 2);
    const p2 = new Proposer(short, tcore);
    const g = new BisectionGame(2, p2.root, short[0]!, tcore);
    expect(g.done).toBe(false);
    bisectionFault(() => g.outcome(), "NOT_STARTED", /^the game is not over$/);
    g.open(p2.reveal(0), p2.reveal(1));
    expect([g.done, g.query()]).toEqual([true, null]);
    expect(g.outcome()).toEqual({ step: 0, pre: short[0], proposerPost: short[1] });
  });

  it("every reveal is checked: index, shape, size, and membership of the posted trace", () => {
    const g = opened();
    const r = proposer.reveal(4);
    bisectionFault(() => g.reveal(null as never), "WRONG_INDEX", /^expected commitment 4, got undefined$/);
    bisectionFault(() => g.reveal("r" as never), "WRONG_INDEX", /^expected commitment 4, got undefined$/);
    bisectionFault(() => g.reveal(proposer.reveal(5)), "WRONG_INDEX", /^expected commitment 4, got 5$/);
    bisectionFault(() => g.reveal({ ...r, commitment: 5 as never }), "BAD_PROOF", /^commitment 4 is not a 32-byte hex string$/);
    bisectionFault(() => g.reveal({ ...r, commitment: `${r.commitment}0` as Hex }), "BAD_PROOF", /^commitment 4 is not a 32-byte hex string$/);
    bisectionFault(
      () => g.reveal({ ...r, proof: [...r.proof] as never }),
      "BAD_PROOF",
      /^the proof of commitment 4 is not a multiproof of one leaf \(at most 1550 bytes\)$/,
    );
    bisectionFault(() => g.reveal({ ...r, proof: r.proof.subarray(0, 7) }), "BAD_PROOF", /^the proof of commitment 4 is not a multiproof of one leaf/);
    bisectionFault(() => g.reveal({ ...r, proof: new Uint8Array(1551) }), "BAD_PROOF", /^the proof of commitment 4 is not a multiproof of one leaf/);
    // within the size bounds: read, and refused for not proving the commitment
    const eight = r.proof.slice(0, 8);
    bisectionFault(() => g.reveal({ ...r, proof: eight }), "BAD_PROOF", /^commitment 4 is not in the proposer's trace$/);
    const padded = new Uint8Array(1550);
    padded.set(r.proof);
    bisectionFault(() => g.reveal({ ...r, proof: padded }), "BAD_PROOF", /^commitment 4 is not in the proposer's trace$/);
    // a valid proof of two leaves, or of another index, is not a reveal of this one
    bisectionFault(() => g.reveal({ ...r, proof: proveTraceSteps(tcore, trace, [4, 5]) }), "BAD_PROOF", /^commitment 4 is not in the proposer's trace$/);
    bisectionFault(() => g.reveal({ ...proposer.reveal(5), index: 4 }), "BAD_PROOF", /^commitment 4 is not in the proposer's trace$/);
    bisectionFault(() => g.reveal({ ...r, commitment: trace[5]! }), "BAD_PROOF", /^commitment 4 is not in the proposer's trace$/);
    // after all that, the honest move still counts
    g.reveal(r);
    g.judge(true);
    expect(g.query()).toBe(6);
  });

  it("commitments compare as hashes, whatever the hex case", () => {
    const upper = (h: Hex) => `0x${h.slice(2).toUpperCase()}` as Hex;
    const g = new BisectionGame(9, upper(proposer.root), upper(trace[0]!), tcore, upper(trace[8]!));
    const r0 = proposer.reveal(0);
    g.open({ ...r0, commitment: upper(r0.commitment) }, proposer.reveal(8));
    for (let mid = g.query(); mid !== null; mid = g.query()) {
      const r = proposer.reveal(mid);
      g.reveal({ ...r, commitment: upper(r.commitment) });
      g.judge(mid < 6);
    }
    expect(g.outcome()).toEqual({ step: 5, pre: trace[5], proposerPost: trace[6] });
    bisectionFault(() => opened(trace[7]), "NOT_CLAIMED_FINAL", /^the revealed final commitment is not the one the claim posted$/);
    bisectionFault(
      () => new BisectionGame(9, proposer.root, trace[1]!, tcore).open(proposer.reveal(0), proposer.reveal(8)),
      "NOT_AGREED_START",
      /^the proposer's trace does not start from the agreed state$/,
    );
    expect(new Challenger(trace).agrees(3, upper(trace[3]!))).toBe(true);
    expect(new Challenger(trace).agrees(9, trace[3]!)).toBe(false);
  });

  it("playBisection needs a challenger of the same batch and a disputed outcome", () => {
    const other = trace.map((c, i) => (i >= 5 ? hex("ee") : c));
    const game = () => new BisectionGame(9, proposer.root, trace[0]!, tcore);
    bisectionFault(() => playBisection(game(), proposer, new Challenger(other.slice(0, 8))), "NOT_STARTED", /^the challenger's trace is not of this batch$/);
    bisectionFault(
      () => playBisection(game(), proposer, new Challenger(trace)),
      "NO_DISPUTE",
      /^the challenger agrees with the proposer's outcome: nothing to dispute$/,
    );
    expect(playBisection(game(), proposer, new Challenger(other))).toEqual({
      step: 4,
      rounds: 3,
      pre: trace[4],
      proposerPost: trace[5],
      challengerPost: other[5],
    });
    expect(runBisection(trace, other, tcore)).toEqual({ step: 4, rounds: 3, pre: trace[4], proposerPost: trace[5], challengerPost: other[5] });
    // a proposer short of the final commitment disputes nothing it can prove
    const shortProposer = new Proposer(trace.slice(0, 8), tcore);
    expect(() => playBisection(new BisectionGame(9, shortProposer.root, trace[0]!, tcore), shortProposer, new Challenger(other))).toThrow();
    expect(traceRoot(tcore, trace)).toBe(proposer.root);
  });

  it("the batch-level check: the claim's step count is the header's inbox count + the derived transactions + 1", () => {
    const bytes = encodeBatch({ feePairs: [{ token: 1, slot: 1 }], txs });
    expect(checkDerivation(bytes, { start: 5n, count: 2 }, { stepCount: 6 })).toBe(true);
    expect(checkDerivation(bytes, { start: 5n, count: 2 }, { stepCount: 5 })).toBe(false);
    expect(checkDerivation(bytes, { start: 5n, count: 2 }, { stepCount: 7 })).toBe(false);
    expect(checkDerivation(bytes, { start: 5n, count: 1 }, { stepCount: 5 })).toBe(true);
    expect(() => checkDerivation(bytes, { start: -1n, count: 1 }, { stepCount: 5 })).toThrow(InvalidArgumentError);
  });
});

describe("the referee's own checks", () => {
  const claim = makeClaim(batch, traced, pre.slotCount, domain);
  const upper = (h: Hex) => `0x${h.slice(2).toUpperCase()}` as Hex;

  it("checkClaim: an object of hashes whose roots open its final commitment", () => {
    expect(() => checkClaim(claim)).not.toThrow();
    expect(() => checkClaim({ ...claim, finalCommitment: upper(claim.finalCommitment), postStateRoot: upper(claim.postStateRoot) })).not.toThrow();
    for (const bad of [null, "claim"]) expect(() => checkClaim(bad as never)).toThrow(/^claim must be an object$/);
    for (const key of ["traceRoot", "headerHash", "parentClaimHash", "finalCommitment", "postStateRoot", "withdrawalsRoot", "contextHash"] as const) {
      let caught: unknown;
      try {
        checkClaim({ ...claim, [key]: "0x1234" });
      } catch (e) {
        caught = e;
      }
      expect(caught, key).toBeInstanceOf(InvalidArgumentError);
      expect((caught as Error).message).toBe(`claim.${key} must be a 0x-prefixed 32-byte hex string`);
    }
    for (const withdrawalCount of [-1, MAX_BATCH_ENTRIES + 1]) {
      bisectionFault(() => checkClaim({ ...claim, withdrawalCount }), "BAD_CLAIM", /^claim\.withdrawalCount must be an integer in \[0, 1048576\]$/);
    }
    bisectionFault(
      () => checkClaim({ ...claim, withdrawalCount: 3 }),
      "BAD_CLAIM",
      /^the claim's post-state root, withdrawals root, count and context hash do not open its final commitment$/,
    );
    // where the claim sits on L1: a u64 batch index, a step count of 1 to 2^20 + 1
    for (const batchIndex of [-1n, 1n << 64n, 5 as never])
      bisectionFault(() => checkClaim({ ...claim, batchIndex }), "BAD_CLAIM", /^claim\.batchIndex must be a u64 bigint$/);
    expect(() => checkClaim({ ...claim, batchIndex: (1n << 64n) - 1n })).not.toThrow();
    for (const stepCount of [0, MAX_BATCH_ENTRIES + 2, 1.5])
      bisectionFault(() => checkClaim({ ...claim, stepCount }), "BAD_CLAIM", /^claim\.stepCount must be an integer in \[1, 1048577\]$/);
    for (const stepCount of [1, MAX_BATCH_ENTRIES + 1]) expect(() => checkClaim({ ...claim, stepCount })).not.toThrow();
  });

  it("agreedStart: the opening must hash to the trusted state root", () => {
    expect(referee.agreedStart(batch, { ...pre, stateRoot: upper(pre.stateRoot), treeRoot: upper(pre.treeRoot) })).toBe(steps[0]);
    expect(() => referee.agreedStart(batch, null as never)).toThrow(/^pre\.stateRoot must be a 0x-prefixed 32-byte hex string$/);
    expect(() => referee.agreedStart(batch, { ...pre, stateRoot: "0x1" as Hex })).toThrow(InvalidArgumentError);
    bisectionFault(
      () => referee.agreedStart(batch, { ...pre, treeRoot: "0x1" as Hex }),
      "BAD_PRESTATE",
      /^pre\.treeRoot must be a 0x-prefixed 32-byte hex string$/,
    );
    bisectionFault(() => referee.agreedStart(batch, { ...pre, slotCount: -1 }), "BAD_PRESTATE", /^pre\.slotCount must be an integer/);
    bisectionFault(
      () => referee.agreedStart(batch, { ...pre, slotCount: 4 }),
      "BAD_PRESTATE",
      /^pre\.treeRoot and pre\.slotCount do not hash to the agreed state root$/,
    );
  });

  it("openDispute: the claim first, then the batch's size, then the game from the agreed start", () => {
    const g = referee.openDispute(batch, pre, claim);
    expect([g.commitments, g.proposerRoot, g.agreedStart, g.finalCommitment]).toEqual([ENTRIES + 2, claim.traceRoot, steps[0], claim.finalCommitment]);
    bisectionFault(() => referee.openDispute(batch, pre, { ...claim, withdrawalCount: 0 }), "BAD_CLAIM");
    // a posted batch of 2^20 entries is the largest (sparse arrays: only the lengths are read)
    const sized = (n: number): Batch => ({ feePairs: batch.feePairs, l1Messages: new Array(n - 1), txs: new Array(1) });
    expect(referee.openDispute(sized(MAX_BATCH_ENTRIES), pre, { ...claim, stepCount: MAX_BATCH_ENTRIES + 1 }).commitments).toBe(MAX_BATCH_ENTRIES + 2);
    expect(() => referee.openDispute(sized(MAX_BATCH_ENTRIES + 1), pre, claim)).toThrow(/^a batch holds at most 1048576 entries$/);
    // and the whole dispute, played on it, ends at a step the referee can judge
    // a proposer whose trace leaves the honest one after step 3 and posts made-up (but opening) roots
    const posted = madeUpOutcome();
    const liar = [...steps.slice(0, 4), ...steps.slice(4, -1).map((_, i) => hex((0xa0 + i).toString(16))), posted.finalCommitment];
    const pl = new Proposer(liar, core);
    const game = referee.openDispute(batch, pre, { ...claim, traceRoot: pl.root, ...posted });
    const out = playBisection(game, pl, new Challenger(steps));
    expect(out.step).toBe(3);
    const verdict = referee.judgeStep({ batch, step: out.step, agreed: out.pre, claimed: out.proposerPost, proof: proofs[3]! });
    expect(verdict).toEqual({ convicted: true, post: steps[4], status: 0 });
  });

  it("judgeStep: hashes as arguments, the proof from the agreed commitment, case-insensitively", () => {
    const j = 2;
    const args = { batch, step: j, agreed: steps[j]!, claimed: steps[j + 1]!, proof: proofs[j]! };
    expect(referee.judgeStep({ ...args, agreed: upper(args.agreed), claimed: upper(args.claimed) })).toEqual({
      convicted: false,
      post: steps[j + 1],
      status: 0,
    });
    expect(() => referee.judgeStep({ ...args, agreed: "0x" as Hex })).toThrow(/^agreed must be a 0x-prefixed 32-byte hex string$/);
    expect(() => referee.judgeStep({ ...args, claimed: "0x" as Hex })).toThrow(/^claimed must be a 0x-prefixed 32-byte hex string$/);
    refuses(
      () => referee.judgeStep({ ...args, agreed: steps[j + 1]! }),
      "NOT_AGREED",
      new RegExp(`^the proof starts at ${steps[j]}, not at the agreed C_${j} ${steps[j + 1]}: `),
    );
    refuses(() => referee.judgeStep({ ...args, proof: { ...args.proof, slotCount: -1 } }), "FIELD", /^proof\.slotCount/);
  });

  it("hashes are whole 32-byte hex strings: nothing before or after, no objects that print as one", () => {
    const j = 2;
    const args = { batch, step: j, agreed: steps[j]!, claimed: steps[j + 1]!, proof: proofs[j]! };
    for (const bad of [` ${steps[j]!}`, `${steps[j]!}0`, `x${steps[j]!}`, { toString: () => steps[j]! }]) {
      expect(() => referee.judgeStep({ ...args, agreed: bad as Hex }), String(bad)).toThrow(/^agreed must be a 0x-prefixed 32-byte hex string$/);
      expect(() => checkClaim({ ...claim, traceRoot: bad as Hex }), String(bad)).toThrow(/^claim\.traceRoot must be/);
    }
  });

  it("agreedStart: only a malformed opening is the pre-state's fault", () => {
    const hostile = {
      stateRoot: pre.stateRoot,
      slotCount: pre.slotCount,
      get treeRoot(): Hex {
        throw new RangeError("getter");
      },
    };
    expect(() => referee.agreedStart(batch, hostile)).toThrow(RangeError);
  });

  it("recovers signers with the backend it was given", () => {
    let calls = 0;
    const counting = {
      name: "counting",
      recoverPublicKey: (d: Uint8Array, rs: Uint8Array, v: 0 | 1) => (calls++, secp256k1WasmRecovery.recoverPublicKey(d, rs, v)),
    };
    const r = new StepReferee(domain, { recovery: counting });
    expect(r.judgeStep({ batch, step: 2, agreed: steps[2]!, claimed: steps[3]!, proof: proofs[2]! }).convicted).toBe(false);
    expect(calls).toBeGreaterThan(0);
  });

  it("judgeStep: a trap in the referee's core refuses the proof and replaces the core", () => {
    const r = new StepReferee(domain);
    const j = 2;
    const args = { batch, step: j, agreed: steps[j]!, claimed: steps[j + 1]!, proof: proofs[j]! };
    const inner = r as unknown as { core: WasmCore };
    const trapping = inner.core;
    trapping.verifyMultiproof = () => {
      throw new WasmTrapError("boom");
    };
    refuses(() => r.judgeStep(args), "WITNESS", /^the proof made the verifier's core trap \(boom\)$/);
    expect(inner.core).not.toBe(trapping);
    expect(r.judgeStep(args).convicted).toBe(false);
  });
});

/** A claim's posted outcome made up by a dishonest proposer: roots and the final commitment they open. */
function madeUpOutcome(): Pick<Claim, "finalCommitment" | "postStateRoot" | "withdrawalsRoot" | "withdrawalCount" | "contextHash"> {
  const parts = { postStateRoot: hex("01"), withdrawalsRoot: hex("02"), withdrawalCount: 0, contextHash: hex("03") };
  return { ...parts, finalCommitment: commitmentOf(fromHex(parts.postStateRoot), fromHex(parts.withdrawalsRoot), 0, fromHex(parts.contextHash)) };
}

describe("hashes in a step proof are strings", () => {
  it("an object that prints as a hash is refused, naming the field", () => {
    const p = proofs[3]!;
    const disguised = { toString: () => p.treeRoot } as unknown as Hex;
    refuses(() => checkStepProof({ ...p, treeRoot: disguised }), "FIELD", /^proof\.treeRoot must be a 0x-prefixed 32-byte hex string$/);
    refuses(() => stateRootOf(disguised, 3), "FIELD", /^treeRoot must be a 0x-prefixed 32-byte hex string$/);
  });
});
