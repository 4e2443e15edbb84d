import { describe, expect, it } from "vitest";
import { keccak_256 } from "@noble/hashes/sha3.js";
import {
  BisectionError,
  BisectionGame,
  Challenger,
  Engine,
  Proposer,
  Reason,
  WasmCore,
  addressOf,
  checkDerivation,
  encodeBatch,
  runBisection,
  signTransaction,
  toHex,
  type Batch,
  type Hex,
  type SignedTx,
  type Slot,
} from "../src/index.js";

const core = WasmCore.createSync();
const h = (s: string) => toHex(keccak_256(new TextEncoder().encode(s)));
const trace = (n: number, tag = "honest") => Array.from({ length: n }, (_, i) => h(`${tag} ${i}`));

describe("bisection on synthetic traces", () => {
  it("finds the first disputed step for every divergence point, in at most ⌈log2(steps)⌉ rounds", () => {
    for (const n of [2, 3, 4, 5, 9, 17, 100, 1025]) {
      const honest = trace(n);
      const steps = n - 1;
      let most = 0;
      for (const k of n > 40 ? [1, 2, n >> 1, n - 2, n - 1] : Array.from({ length: n - 1 }, (_, i) => i + 1)) {
        // a wrong execution from step k − 1 on: commitments k … n−1 differ
        const dishonest = honest.map((c, i) => (i >= k ? h(`wrong ${i}`) : c));
        const r = runBisection(dishonest, honest, core);
        expect(r.step, `n=${n} k=${k}`).toBe(k - 1);
        // binary search over `steps` steps: ⌊log2⌋ or ⌈log2⌉ rounds, the latter in the worst case
        expect(r.rounds).toBeGreaterThanOrEqual(Math.floor(Math.log2(steps)));
        expect(r.rounds).toBeLessThanOrEqual(Math.ceil(Math.log2(steps)));
        most = Math.max(most, r.rounds);
        expect(r.pre).toBe(honest[k - 1]);
        expect(r.proposerPost).toBe(dishonest[k]);
      }
      if (n <= 40) expect(most).toBe(Math.ceil(Math.log2(steps)));
    }
  });

  it("rejects reveals that are not in the posted trace, at the wrong index, or from another start", () => {
    const honest = trace(9);
    const p = new Proposer(honest, core);
    const game = new BisectionGame(9, p.root, honest[0]!, core);
    expect(() => game.query()).toThrow(BisectionError);
    game.open(p.reveal(0), p.reveal(8));
    const mid = game.query()!;
    const forged = { ...p.reveal(mid), commitment: h("forged") };
    expect(() => game.reveal(forged)).toThrow(expect.objectContaining({ fault: "BAD_PROOF" }));
    expect(() => game.reveal(p.reveal(mid + 1))).toThrow(expect.objectContaining({ fault: "WRONG_INDEX" }));
    const truncated = { ...p.reveal(mid), proof: p.reveal(mid).proof.subarray(1) };
    expect(() => game.reveal(truncated)).toThrow(expect.objectContaining({ fault: "BAD_PROOF" }));
    game.reveal(p.reveal(mid)); // a valid move is still accepted after the rejected ones
    game.judge(true);
    expect(() => runBisection(honest, honest, core)).toThrow(expect.objectContaining({ fault: "NO_DISPUTE" }));
    const other = new BisectionGame(9, p.root, h("another start"), core);
    expect(() => other.open(p.reveal(0), p.reveal(8))).toThrow(expect.objectContaining({ fault: "NOT_AGREED_START" }));
  });
});

describe("bisection between real executions", () => {
  const KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" as const;
  const A = addressOf(KEY);
  const B = addressOf("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
  const domain = { chainId: 1n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Hex };
  const genesis: Slot[] = [
    { owner: A, token: 1, balance: 10n ** 20n, nonce: 0n },
    { owner: B, token: 1, balance: 10n ** 18n, nonce: 0n },
  ];
  const txs: SignedTx[] = [
    signTransaction({ type: "transfer", from: 0, to: 1, amount: 5n, fee: 1n, nonce: 0n }, KEY, domain),
    signTransaction({ type: "withdraw", from: 0, amount: 7n, fee: 1n, nonce: 1n }, KEY, domain),
    signTransaction({ type: "transfer", from: 1, to: 0, amount: 3n, fee: 0n, nonce: 0n }, KEY, domain), // A signs B's slot
    signTransaction({ type: "transfer", from: 0, to: 1, amount: 11n, fee: 2n, nonce: 2n }, KEY, domain),
  ];
  const batch: Batch = { feePairs: [{ token: 1, slot: 1 }], l1Messages: [{ kind: "deposit", owner: B, token: 1, amount: 100n, slot: 1 }], txs };
  const honestSigners = txs.map(() => A);
  const honest = () => Engine.create({ genesis, ...domain }).traceBatch(batch, { signers: honestSigners });

  // a dishonest proposer = an execution that differs at one entry; the batch has 1 L1 message,
  // so transaction t is entry 1 + t and its step goes from commitment 1 + t to 2 + t
  const faults: [string, () => { steps: Hex[] }, number][] = [
    ["skipped failure (BAD_SIGNATURE treated as valid)", () => Engine.create({ genesis, ...domain }).traceBatch(batch, { signers: [A, A, B, A] }), 3],
    [
      "wrong balance (a transfer amount changed)",
      () =>
        Engine.create({ genesis, ...domain }).traceBatch(
          { ...batch, txs: [txs[0]!, txs[1]!, txs[2]!, { ...txs[3]!, amount: 12n }] as SignedTx[] },
          { signers: honestSigners },
        ),
      4,
    ],
    [
      "wrong fee",
      () =>
        Engine.create({ genesis, ...domain }).traceBatch(
          { ...batch, txs: [{ ...txs[0]!, fee: 2n }, txs[1]!, txs[2]!, txs[3]!] as SignedTx[] },
          { signers: honestSigners },
        ),
      1,
    ],
    [
      "wrong withdrawal record",
      () =>
        Engine.create({ genesis, ...domain }).traceBatch(
          { ...batch, txs: [txs[0]!, { ...txs[1]!, amount: 8n }, txs[2]!, txs[3]!] as SignedTx[] },
          { signers: honestSigners },
        ),
      2,
    ],
    [
      "wrong deposit",
      () =>
        Engine.create({ genesis, ...domain }).traceBatch(
          { ...batch, l1Messages: [{ kind: "deposit", owner: B, token: 1, amount: 101n, slot: 1 }] },
          { signers: honestSigners },
        ),
      0,
    ],
  ];

  it("the honest execution itself: the third transaction fails as it should", () => {
    const t = honest();
    expect(t.result.receipts.map((r) => r.status)).toEqual([Reason.OK, Reason.OK, Reason.OK, Reason.BAD_SIGNATURE, Reason.OK]);
    expect(t.steps).toHaveLength(7);
  });

  for (const [name, dishonest, step] of faults) {
    it(`convicts: ${name}`, () => {
      const good = honest();
      const bad = dishonest();
      const r = runBisection(bad.steps, good.steps, core);
      expect(r.step).toBe(step);
      expect(r.rounds).toBeLessThanOrEqual(Math.ceil(Math.log2(good.steps.length - 1)));
      expect(r.pre).toBe(good.steps[step]);
      expect(r.proposerPost).not.toBe(r.challengerPost);
      // an honest proposer survives: the challenger agrees all the way and no step is disputed
      const p = new Proposer(good.steps, core);
      expect(new Challenger(good.steps).agrees(good.steps.length - 1, p.reveal(good.steps.length - 1).commitment)).toBe(true);
    });
  }

  it("settles the batch-level case by deriving the DA bytes with the header's inbox range", () => {
    const bytes = encodeBatch({ feePairs: [{ token: 1, slot: 1 }], txs });
    const inbox = { start: 5n, count: 1 };
    expect(checkDerivation(bytes, inbox, { stepCount: 1 + 4 + 1 })).toBe(true);
    expect(checkDerivation(bytes, inbox, { stepCount: 1 + 3 + 1 })).toBe(false);
    // undecodable bytes have no transactions but still consume the header's inbox range
    const broken = bytes.subarray(0, bytes.length - 1);
    expect(checkDerivation(broken, inbox, { stepCount: 1 + 4 + 1 })).toBe(false);
    expect(checkDerivation(broken, inbox, { stepCount: 1 + 0 + 1 })).toBe(true);
    expect(checkDerivation(broken, inbox, { stepCount: 1 })).toBe(false);
  });
});

describe("the referee's trust roots: the agreed pre-state, the claim's posted roots, bounded reveals", async () => {
  const { StepReferee, makeClaim, checkClaim, startCommitment, EMPTY_TREE_ROOT, deriveBatch, DecodeError } = await import("../src/index.js");
  const domain = { chainId: 1n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Hex };
  const key = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" as const;
  const owner = addressOf(key);
  const genesis: Slot[] = [
    { owner, token: 1, balance: 10n ** 20n, nonce: 0n },
    { owner, token: 1, balance: 0n, nonce: 0n },
  ];
  const batch: Batch = {
    feePairs: [{ token: 1, slot: 1 }],
    l1Messages: [],
    txs: [0n, 1n, 2n].map((nonce) => signTransaction({ type: "withdraw", from: 0, amount: 10n, fee: 1n, nonce }, key, domain) as SignedTx),
  };
  const engine = Engine.create({ genesis, ...domain });
  const pre = { stateRoot: engine.stateRoot(), treeRoot: engine.treeRoot(), slotCount: engine.slotCount() };
  const traced = engine.fork().traceBatch(batch);
  const referee = new StepReferee(domain);

  it("computes C_0 itself from the pre-state opening and the posted fee slots", () => {
    expect(startCommitment(pre, batch.feePairs, domain)).toBe(traced.steps[0]);
    expect(referee.agreedStart(batch, pre)).toBe(traced.steps[0]);
    expect(() => referee.agreedStart(batch, { ...pre, slotCount: 3 })).toThrow(expect.objectContaining({ fault: "BAD_PRESTATE" }));
    expect(() => referee.agreedStart(batch, { ...pre, treeRoot: EMPTY_TREE_ROOT })).toThrow(expect.objectContaining({ fault: "BAD_PRESTATE" }));
  });

  it("ties the claim's posted roots to its final commitment: an honest trace next to forged roots is no defence", () => {
    const claim = makeClaim(batch, traced, pre.slotCount, domain);
    expect(() => checkClaim(claim)).not.toThrow();
    const game = referee.openDispute(batch, pre, claim);
    const p = new Proposer(traced.steps, core);
    game.open(p.reveal(0), p.reveal(traced.steps.length - 1));
    for (const forged of [
      { ...claim, postStateRoot: h("another state") },
      { ...claim, withdrawalsRoot: EMPTY_TREE_ROOT },
      { ...claim, withdrawalCount: 2 },
      { ...claim, contextHash: h("fees") },
    ]) {
      expect(() => referee.openDispute(batch, pre, forged)).toThrow(expect.objectContaining({ fault: "BAD_CLAIM" }));
    }
    // the claim names the batch's step count (E + 1); another count is invalid on its face
    expect(claim.stepCount).toBe(batch.txs.length + 1);
    for (const stepCount of [claim.stepCount + 1, claim.stepCount - 1, 0, 2 ** 32]) {
      expect(() => referee.openDispute(batch, pre, { ...claim, stepCount })).toThrow(expect.objectContaining({ fault: "BAD_CLAIM" }));
    }
    // the opening reveal must be the claim's own final commitment
    expect(() => referee.openDispute(batch, pre, { ...claim, finalCommitment: traced.steps[2]! })).toThrow(expect.objectContaining({ fault: "BAD_CLAIM" }));
    const other = new BisectionGame(traced.steps.length, claim.traceRoot, traced.steps[0]!, core, traced.steps[2]!);
    expect(() => other.open(p.reveal(0), p.reveal(traced.steps.length - 1))).toThrow(expect.objectContaining({ fault: "NOT_CLAIMED_FINAL" }));
  });

  it("refuses oversized or malformed reveals before they reach the core, which stays usable", () => {
    const claim = makeClaim(batch, traced, pre.slotCount, domain);
    const p = new Proposer(traced.steps, core);
    for (const bad of [
      { index: 0, commitment: traced.steps[0]!, proof: new Uint8Array(600 << 20) },
      { index: 0, commitment: traced.steps[0]!, proof: new Uint8Array(3) },
      { index: 0, commitment: "0x1234" as Hex, proof: p.reveal(0).proof },
      { ...p.reveal(1), index: 0 },
    ]) {
      const game = referee.openDispute(batch, pre, claim);
      expect(() => game.open(bad, p.reveal(traced.steps.length - 1))).toThrow(expect.objectContaining({ fault: "BAD_PROOF" }));
    }
    const game = referee.openDispute(batch, pre, claim);
    expect(() => game.open(p.reveal(0), p.reveal(traced.steps.length - 1))).not.toThrow();
    expect(() => new BisectionGame((1 << 20) + 3, p.root, traced.steps[0]!, core)).toThrow(BisectionError);
  });

  it("derives a batch whose inbox range and transactions pass 2^20 entries to no transactions, still consuming the range", () => {
    const bytes = encodeBatch({ feePairs: [{ token: 1, slot: 1 }], txs: batch.txs.slice(0, 1) });
    expect(deriveBatch(bytes, { start: 0n, count: (1 << 20) - 1 }).error).toBeNull(); // 2^20 − 1 messages and one transaction: the most a batch holds
    const { batch: derived, error } = deriveBatch(bytes, { start: 0n, count: 1 << 20 });
    expect(error).toBeInstanceOf(DecodeError);
    expect(error!.fault).toBe("LIMIT");
    expect(derived).toEqual({ feePairs: [], inbox: { start: 0n, count: 1 << 20 }, txs: [] });
  });
});
