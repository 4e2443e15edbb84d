// contracts/StepVerifier.sol (protocol v1's one-step verifier, written from the spec) on an
// in-process Prague EVM: hand-computed post-commitments for each transfer reason, a withdrawal,
// deposits, a forced exit and a settlement that burns pairs; every class of malformed proof
// reverting with its typed error; the gas per entry type on a 2^20-slot state; and the
// differential: every step of random batches posted on L1 (v1 DA bytes, header, inbox records;
// some undecodable) gives the same post through OneStepProver.verifyStep as from the WASM
// verifyStep, StepVerifier's reason matches the core's, and both reject every tampered proof.
import { describe, expect, it } from "vitest";
import { decodeErrorResult, type Hex } from "viem";
import { keccak_256 } from "@noble/hashes/sha3.js";
import {
  Engine,
  WasmCore,
  addressOf,
  deriveBatch,
  domainSeparator,
  encodeBatch,
  encodeL1Message,
  proveSteps,
  startCommitment,
  encodeSlot,
  encodeStepProof,
  encodeWithdrawal,
  entryAt,
  inboxRecord,
  poolAddress,
  signTransaction,
  verifyStep,
  MAX_U128,
  MAX_U64,
  type Batch,
  type L1Message,
  type SignedTx,
  type Slot,
  type StepProof,
  type Tx,
  type WasmMerkleTree,
} from "../../src/index.js";
import { nodeRecovery } from "../../src/node.js";
import { Rng, signedWorkload } from "../workload.js";
import { postBatch, startArgs, verifyStepArgs } from "./glue.js";
import { InProcessEvm, artifact, wholeTxGas, type CallResult, type Deployed } from "./evm.js";
import { be, commitmentV1, concat, entryOf, flatProof, hex, messageOf, type FeePair, type Parts } from "./step-builder.js";

const core = WasmCore.createSync();
const domain = { chainId: 1n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Hex };
const DS = domainSeparator(domain);
const KEYS = Array.from({ length: 5 }, (_, i) => `0x${(i + 11).toString(16).padStart(64, "0")}` as Hex);
const OWNERS = KEYS.map(addressOf);
const [ALICE, BOB, CAROL, DAVE, MALLORY] = OWNERS as [Hex, Hex, Hex, Hex, Hex];
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const LP = (p: number) => (0x80000000 + p) >>> 0;
const leafOf = (s: Slot) => keccak_256(encodeSlot(s));
/** The random differential: SEEDS genesis states × BATCHES batches of ~ENTRIES entries (≥ 1,000 steps). */
const SEEDS = 6;
const BATCHES = 12;
/** Small batches: a transaction step re-walks its batch's DA bytes, so EVM time grows with their size. */
const ENTRIES = 17;

/** A state held as a WASM tree plus the slots a test names; other leaves may be random filler. */
class World {
  readonly tree: WasmMerkleTree;
  readonly wtree: WasmMerkleTree;
  withdrawalCount = 0;
  pairs: FeePair[] = [];

  constructor(
    readonly slots: Map<number, Slot>,
    public slotCount: number,
    public baseSlotCount = slotCount,
    filler = 0,
  ) {
    this.tree = core.createTree();
    this.wtree = core.createTree();
    if (filler > 0) {
      // pseudo-random leaves for every slot below `filler`: a full tree's siblings, none elided
      const flat = new Uint8Array(filler * 32);
      const words = new Uint32Array(flat.buffer);
      let x = 0x9e3779b9;
      for (let i = 0; i < words.length; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        words[i] = x >>> 0;
      }
      this.tree.setMany(
        Array.from({ length: filler }, (_, i) => i),
        flat,
      );
    }
    for (const [i, s] of slots) this.tree.set(i, leafOf(s));
  }

  parts(): Parts {
    return {
      treeRoot: this.tree.root(),
      slotCount: this.slotCount,
      withdrawalsRoot: this.wtree.root(),
      withdrawalCount: this.withdrawalCount,
      baseSlotCount: this.baseSlotCount,
      pairs: this.pairs,
    };
  }

  pre(): Hex {
    return commitmentV1(DS, this.parts());
  }

  proof(witness: number[], withdrawal = false, withdrawalIndex = this.withdrawalCount): Uint8Array {
    const w = [...witness].sort((a, b) => a - b);
    return flatProof(
      this.parts(),
      w.map((index) => ({ index, slot: index < this.slotCount ? this.slots.get(index)! : null })),
      w.length > 0 ? this.tree.prove(w) : new Uint8Array(0),
      withdrawal ? this.wtree.prove([withdrawalIndex]) : undefined,
    );
  }

  /** The commitment after the given changes (applied to the trees, then undone). */
  post(change: { slots?: [number, Slot][]; slotCount?: number; withdrawal?: { owner: Hex; token: number; amount: bigint }; pairs?: FeePair[] }): Hex {
    const undo: [number, Uint8Array][] = [];
    for (const [i, s] of change.slots ?? []) {
      undo.push([i, this.tree.get(i)]);
      this.tree.set(i, leafOf(s));
    }
    if (change.withdrawal) this.wtree.set(this.withdrawalCount, keccak_256(encodeWithdrawal(change.withdrawal)));
    const c = commitmentV1(DS, {
      ...this.parts(),
      treeRoot: this.tree.root(),
      slotCount: change.slotCount ?? this.slotCount,
      withdrawalsRoot: this.wtree.root(),
      withdrawalCount: this.withdrawalCount + (change.withdrawal ? 1 : 0),
      pairs: change.pairs ?? this.pairs,
    });
    for (const [i, leaf] of undo.reverse()) this.tree.set(i, leaf);
    if (change.withdrawal) this.wtree.set(this.withdrawalCount, new Uint8Array(32));
    return c;
  }

  slot(i: number): Slot {
    return { ...this.slots.get(i)! };
  }
}

const sign = (tx: Tx, key: Hex) => signTransaction(tx, key, domain) as SignedTx;
const keyOf = (owner: Hex) => KEYS[OWNERS.indexOf(owner)]!;

function errorOf(d: Deployed | Deployed[], revert: Hex | undefined): { name: string; args: readonly unknown[] } {
  const abi = (Array.isArray(d) ? d : [d]).flatMap((x) => x.abi);
  const e = decodeErrorResult({ abi, data: revert! });
  return { name: e.errorName, args: (e.args ?? []) as readonly unknown[] };
}

describe("StepVerifier.sol", async () => {
  const evm = await InProcessEvm.create();
  const harness = await evm.deploy(artifact("StepVerifierHarness"));
  const verifier = await evm.deploy(artifact("StepVerifier"));

  const txOutcome = async (pre: Hex, tx: SignedTx | ReturnType<typeof entryOf>, proof: Uint8Array) => {
    const e = "txType" in tx ? tx : entryOf(tx);
    return harness.call<readonly [Hex, number]>("transactionOutcome", [hex(DS), pre, e, hex(proof)]);
  };
  const msgOutcome = async (pre: Hex, m: L1Message, proof: Uint8Array, record?: Hex) => {
    const bytes = messageOf(m, 1_700_000_000n);
    return harness.call<readonly [Hex, number]>("messageOutcome", [hex(DS), pre, hex(bytes), record ?? hex(keccak_256(bytes)), hex(proof)]);
  };

  // a small state: 8 slots, two fee pairs
  const small = () => {
    const w = new World(
      new Map<number, Slot>([
        [0, { owner: ALICE, token: 1, balance: 1000n, nonce: 0n }],
        [1, { owner: BOB, token: 1, balance: 5n, nonce: 0n }],
        [2, { owner: BOB, token: 2, balance: 50n, nonce: 0n }],
        [3, { owner: poolAddress(3), token: 1, balance: 10n, nonce: 0n }],
        [4, { owner: BOB, token: 1, balance: MAX_U128 - 5n, nonce: 0n }],
        [5, { owner: ALICE, token: LP(9), balance: 100n, nonce: 0n }],
        [6, { owner: CAROL, token: 1, balance: 0n, nonce: 0n }],
        [7, { owner: ALICE, token: 1, balance: 100n, nonce: MAX_U64 }],
      ]),
      8,
    );
    w.pairs = [
      { token: 1, slot: 6, owed: 0n },
      { token: 2, slot: 2, owed: 0n },
    ];
    return w;
  };

  it("transfer: the post of a success and of each reason, with the nonce consumed exactly for reasons ≥ 5", async () => {
    const w = small();
    const pre = w.pre();
    const t = (from: number, to: number, amount: bigint, fee: bigint, nonce = 0n): Tx => ({ type: "transfer", from, to, amount, fee, nonce });
    const bumped = (i: number): [number, Slot] => [i, { ...w.slot(i), nonce: w.slot(i).nonce + 1n }];
    const cases: { name: string; tx: SignedTx; witness: number[]; reason: number; post: Hex }[] = [
      {
        name: "OK",
        tx: sign(t(0, 1, 100n, 3n), KEYS[0]!),
        witness: [0, 1],
        reason: 0,
        post: w.post({
          slots: [
            [0, { ...w.slot(0), balance: 897n, nonce: 1n }],
            [1, { ...w.slot(1), balance: 105n }],
          ],
          pairs: [{ token: 1, slot: 6, owed: 3n }, w.pairs[1]!],
        }),
      },
      {
        name: "OK to self",
        tx: sign(t(0, 0, 100n, 3n), KEYS[0]!),
        witness: [0],
        reason: 0,
        post: w.post({ slots: [[0, { ...w.slot(0), balance: 997n, nonce: 1n }]], pairs: [{ token: 1, slot: 6, owed: 3n }, w.pairs[1]!] }),
      },
      {
        name: "OK without fee",
        tx: sign(t(0, 1, 100n, 0n), KEYS[0]!),
        witness: [0, 1],
        reason: 0,
        post: w.post({
          slots: [
            [0, { ...w.slot(0), balance: 900n, nonce: 1n }],
            [1, { ...w.slot(1), balance: 105n }],
          ],
        }),
      },
      { name: "UNKNOWN_SLOT", tx: sign(t(0, 9, 1n, 0n), KEYS[0]!), witness: [0, 9], reason: 1, post: pre },
      { name: "BAD_SIGNATURE", tx: sign(t(0, 1, 1n, 0n), keyOf(MALLORY)), witness: [0, 1], reason: 2, post: pre },
      { name: "BAD_SIGNATURE (reserved owner)", tx: sign(t(3, 1, 1n, 0n), KEYS[0]!), witness: [1, 3], reason: 2, post: pre },
      { name: "BAD_NONCE", tx: sign(t(0, 1, 1n, 0n, 1n), KEYS[0]!), witness: [0, 1], reason: 4, post: pre },
      { name: "BAD_NONCE (2^64 − 1)", tx: sign(t(7, 1, 1n, 0n, MAX_U64), KEYS[0]!), witness: [1, 7], reason: 4, post: pre },
      { name: "TOKEN_MISMATCH", tx: sign(t(0, 2, 1n, 0n), KEYS[0]!), witness: [0, 2], reason: 5, post: w.post({ slots: [bumped(0)] }) },
      { name: "RESERVED_OWNER", tx: sign(t(0, 3, 1n, 0n), KEYS[0]!), witness: [0, 3], reason: 9, post: w.post({ slots: [bumped(0)] }) },
      { name: "NO_FEE_SLOT", tx: sign(t(5, 5, 1n, 1n), KEYS[0]!), witness: [5], reason: 10, post: w.post({ slots: [bumped(5)] }) },
      { name: "INSUFFICIENT_BALANCE", tx: sign(t(0, 1, 1000n, 1n), KEYS[0]!), witness: [0, 1], reason: 11, post: w.post({ slots: [bumped(0)] }) },
      { name: "OVERFLOW (credit)", tx: sign(t(0, 4, 6n, 0n), KEYS[0]!), witness: [0, 4], reason: 12, post: w.post({ slots: [bumped(0)] }) },
    ];
    for (const c of cases) {
      const r = await txOutcome(pre, c.tx, w.proof(c.witness));
      expect(r.ok, `${c.name}: ${r.ok ? "" : errorOf(harness, r.revert).name}`).toBe(true);
      expect(r.value![1], c.name).toBe(c.reason);
      expect(r.value![0], c.name).toBe(c.post);
      const plain = await verifier.call<Hex>("verifyTransaction", [hex(DS), pre, entryOf(c.tx), hex(w.proof(c.witness))]);
      expect(plain.value, c.name).toBe(c.post);
    }
    // the fee's headroom: owed(t) + fee must stay ≤ 2^128 − 1 (protocol v1 §A)
    w.pairs = [{ token: 1, slot: 6, owed: MAX_U128 - 2n }];
    const full = await txOutcome(w.pre(), sign(t(0, 1, 1n, 3n), KEYS[0]!), w.proof([0, 1]));
    expect(full.value![1]).toBe(12);
    expect(full.value![0]).toBe(w.post({ slots: [bumped(0)] }));
    const fits = await txOutcome(w.pre(), sign(t(0, 1, 1n, 2n), KEYS[0]!), w.proof([0, 1]));
    expect(fits.value![1]).toBe(0);
  });

  it("transfer: signatures outside SPEC §6.6's rules are BAD_SIGNATURE, never a revert", async () => {
    const w = small();
    const pre = w.pre();
    const good = entryOf(sign({ type: "transfer", from: 0, to: 1, amount: 1n, fee: 0n, nonce: 0n }, KEYS[0]!));
    const vs = BigInt(good.yParityAndS);
    const s = vs & ((1n << 255n) - 1n);
    const parity = vs >> 255n;
    const variants: [string, Partial<typeof good>][] = [
      ["high-s twin", { yParityAndS: hex(be(((1n - parity) << 255n) | (N - s), 32)) }],
      ["s = 0", { yParityAndS: hex(be(parity << 255n, 32)) }],
      ["r = 0", { r: hex(be(0n, 32)) }],
      ["r = n", { r: hex(be(N, 32)) }],
      ["wrong parity", { yParityAndS: hex(be(((1n - parity) << 255n) | s, 32)) }],
    ];
    expect((await txOutcome(pre, good, w.proof([0, 1]))).value![1]).toBe(0);
    for (const [name, patch] of variants) {
      const r = await txOutcome(pre, { ...good, ...patch }, w.proof([0, 1]));
      expect(r.ok, name).toBe(true);
      expect(r.value, name).toEqual([pre, 2]);
    }
  });

  it("withdraw, deposit, forced exit: withdrawals are appended through the withdrawal proof", async () => {
    const w = small();
    const pre = w.pre();
    // withdraw 100 with fee 2
    const wd = sign({ type: "withdraw", from: 0, amount: 100n, fee: 2n, nonce: 0n }, KEYS[0]!);
    const ok = await txOutcome(pre, wd, w.proof([0], true));
    expect(ok.value).toEqual([
      w.post({
        slots: [[0, { ...w.slot(0), balance: 898n, nonce: 1n }]],
        withdrawal: { owner: ALICE, token: 1, amount: 100n },
        pairs: [{ token: 1, slot: 6, owed: 2n }, w.pairs[1]!],
      }),
      0,
    ]);
    // an LP token cannot leave: INVALID_TOKEN, nonce consumed, no withdrawal (its proof is then trailing bytes)
    const lp = sign({ type: "withdraw", from: 5, amount: 1n, fee: 0n, nonce: 0n }, KEYS[0]!);
    expect((await txOutcome(pre, lp, w.proof([5]))).value).toEqual([w.post({ slots: [[5, { ...w.slot(5), nonce: 1n }]] }), 6]);
    expect(errorOf(harness, (await txOutcome(pre, lp, w.proof([5], true))).revert).name).toBe("TrailingBytes");
    // deposit into an existing slot of the same owner and token
    const credit = await msgOutcome(pre, { kind: "deposit", owner: BOB, token: 1, amount: 7n, slot: 1 }, w.proof([1]));
    expect(credit.value).toEqual([w.post({ slots: [[1, { ...w.slot(1), balance: 12n }]] }), 0]);
    // deposit that creates slot 8
    const created = await msgOutcome(pre, { kind: "deposit", owner: DAVE, token: 3, amount: 9n }, w.proof([8]));
    expect(created.value).toEqual([w.post({ slots: [[8, { owner: DAVE, token: 3, balance: 9n, nonce: 0n }]], slotCount: 9 }), 0]);
    // a named slot that does not match: a new slot anyway, both in the witness
    const mismatch = await msgOutcome(pre, { kind: "deposit", owner: DAVE, token: 1, amount: 9n, slot: 1 }, w.proof([1, 8]));
    expect(mismatch.value).toEqual([w.post({ slots: [[8, { owner: DAVE, token: 1, balance: 9n, nonce: 0n }]], slotCount: 9 }), 0]);
    // refunded deposit (LP token): no slot touched, the witness is empty, a withdrawal appended
    const refund = await msgOutcome(pre, { kind: "deposit", owner: DAVE, token: LP(3), amount: 9n }, w.proof([], true));
    expect(refund.value).toEqual([w.post({ withdrawal: { owner: DAVE, token: LP(3), amount: 9n } }), 6]);
    const reserved = await msgOutcome(pre, { kind: "deposit", owner: poolAddress(3), token: 1, amount: 9n, slot: 3 }, w.proof([3], true));
    expect(reserved.value).toEqual([w.post({ withdrawal: { owner: poolAddress(3), token: 1, amount: 9n } }), 9]);
    // forced exit of the whole balance
    const exit = await msgOutcome(pre, { kind: "forcedExit", owner: ALICE, slot: 0 }, w.proof([0], true));
    expect(exit.value).toEqual([w.post({ slots: [[0, { ...w.slot(0), balance: 0n }]], withdrawal: { owner: ALICE, token: 1, amount: 1000n } }), 0]);
    const notYours = await msgOutcome(pre, { kind: "forcedExit", owner: BOB, slot: 0 }, w.proof([0]));
    expect(notYours.value).toEqual([pre, 3]);
    // a withdrawal proof for the wrong position
    w.withdrawalCount = 0;
    const wrongIndex = await txOutcome(pre, wd, w.proof([0], true, 1));
    expect(errorOf(harness, wrongIndex.revert)).toEqual({ name: "WithdrawalIndexMismatch", args: [1n, 0n] });
    // the inbox record binds the message
    const bad = await msgOutcome(pre, { kind: "forcedExit", owner: ALICE, slot: 0 }, w.proof([0], true), hex(new Uint8Array(32)));
    expect(errorOf(harness, bad.revert).name).toBe("InboxRecordMismatch");
  });

  it("settlement credits each pair's slot when it can take the fees and burns them otherwise", async () => {
    const w = small();
    w.pairs = [
      { token: 1, slot: 6, owed: 7n }, // credited to carol
      { token: 2, slot: 1, owed: 4n }, // slot 1 holds token 1: burned
      { token: 3, slot: 99, owed: 5n }, // no such slot: burned, not in the witness
      { token: 4, slot: 0, owed: 0n }, // nothing owed: not in the witness
      { token: 5, slot: 3, owed: 1n }, // reserved owner: burned
    ];
    const pre = w.pre();
    const r = await verifier.call<Hex>("verifySettlement", [hex(DS), pre, hex(w.proof([1, 3, 6]))]);
    expect(r.ok).toBe(true);
    expect(r.value).toBe(w.post({ slots: [[6, { ...w.slot(6), balance: 7n }]] }));
    const missing = await verifier.call<Hex>("verifySettlement", [hex(DS), pre, hex(w.proof([1, 6]))]);
    expect(errorOf(verifier, missing.revert)).toEqual({ name: "WitnessMissing", args: [3] });
    const unused = await verifier.call<Hex>("verifySettlement", [hex(DS), pre, hex(w.proof([0, 1, 3, 6]))]);
    expect(errorOf(verifier, unused.revert)).toEqual({ name: "WitnessUnused", args: [0] });
    // headroom at settlement: a slot whose balance + owed would pass 2^128 − 1 burns instead
    w.pairs = [{ token: 1, slot: 4, owed: 6n }];
    const burned = await verifier.call<Hex>("verifySettlement", [hex(DS), w.pre(), hex(w.proof([4]))]);
    expect(burned.value).toBe(w.pre());
  });

  it("reverts with a typed error for every malformed or inconsistent proof", async () => {
    const w = small();
    const pre = w.pre();
    const tx = sign({ type: "transfer", from: 0, to: 1, amount: 1n, fee: 0n, nonce: 0n }, KEYS[0]!);
    const proof = w.proof([0, 1]);
    const witnessAt = 78 + 24 * w.pairs.length + 1;
    const patched = (at: number, bytes: Uint8Array) => {
      const p = proof.slice();
      p.set(bytes, at);
      return p;
    };
    const expectError = async (
      what: string,
      p: Uint8Array,
      name: string,
      args?: readonly unknown[],
      e: ReturnType<typeof entryOf> = entryOf(tx),
      agreed = pre,
    ) => {
      const r = await txOutcome(agreed, e, p);
      expect(r.ok, what).toBe(false);
      const err = errorOf(harness, r.revert);
      expect(err.name, what).toBe(name);
      if (args) expect(err.args, what).toEqual(args);
    };
    expect((await txOutcome(pre, tx, proof)).ok).toBe(true);
    const tamperedPre = `0x${(BigInt(pre) ^ 1n).toString(16).padStart(64, "0")}` as Hex;
    await expectError("tampered pre", proof, "PreCommitmentMismatch", [tamperedPre, pre], entryOf(tx), tamperedPre);
    await expectError("tampered sibling", patched(proof.length - 1, new Uint8Array([proof[proof.length - 1]! ^ 1])), "WitnessRootMismatch");
    await expectError("tampered witness slot", patched(witnessAt + 24, new Uint8Array([1])), "WitnessRootMismatch");
    await expectError("witness missing", w.proof([0]), "WitnessMissing", [1]);
    await expectError("witness unused", w.proof([0, 1, 6]), "WitnessUnused", [6]);
    await expectError("trailing bytes", concat(proof, new Uint8Array([0])), "TrailingBytes");
    await expectError("truncated", proof.subarray(0, proof.length - 1), "LengthMismatch");
    await expectError("truncated header", proof.subarray(0, 40), "TruncatedProof");
    await expectError("version", patched(0, new Uint8Array([2])), "FieldOutOfRange", [0, 2n]);
    await expectError("slotCount", patched(33, be((1 << 24) + 1, 4)), "FieldOutOfRange", [1, BigInt((1 << 24) + 1)]);
    await expectError("withdrawalCount", patched(69, be(1 << 20, 4)), "FieldOutOfRange", [2, BigInt(1 << 20)]);
    await expectError("baseSlotCount", patched(73, be(9, 4)), "FieldOutOfRange", [3, 9n]);
    await expectError("pairCount", patched(77, new Uint8Array([17])), "FieldOutOfRange", [4, 17n]);
    await expectError("pair order", patched(78, be(2, 4)), "FieldOutOfRange", [5, 1n]);
    await expectError("witnessCount", patched(witnessAt - 1, new Uint8Array([8])), "FieldOutOfRange", [6, 8n]);
    await expectError("witnessCount ≠ multiproof k", patched(witnessAt - 1, new Uint8Array([1])), "LeafCountMismatch");
    const unknown = sign({ type: "transfer", from: 0, to: 9, amount: 1n, fee: 0n, nonce: 0n }, KEYS[0]!);
    const unknownProof = w.proof([0, 9]);
    unknownProof[witnessAt + 48 + 47] = 1; // a slot that does not exist yet must be all zero
    await expectError("non-zero absent slot", unknownProof, "FieldOutOfRange", [7, 1n], entryOf(unknown));
    await expectError("txType", proof, "FieldOutOfRange", [8, 7n], { ...entryOf(tx), txType: 7 });
    await expectError("unused slot field", proof, "FieldOutOfRange", [9, 2n], { ...entryOf(tx), slot: [0, 1, 5, 0] });
    await expectError("unused amount field", proof, "FieldOutOfRange", [9, 6n], { ...entryOf(tx), amount: [1n, 0n, 4n] });
    await expectError("unused toOwner", proof, "FieldOutOfRange", [9, 7n], { ...entryOf(tx), toOwner: ALICE });
    await expectError("unused feeBps", proof, "FieldOutOfRange", [9, 8n], { ...entryOf(tx), feeBps: 1 });
    // an explicit zero-hash sibling is not canonical: replace the level-0 sibling 2 by Z_0 = 0
    const zeroSibling = w.proof([0, 1]);
    const k0 = witnessAt + 2 * 48; // slot multiproof: k, 2 indices, bitmap, then siblings
    const bitmapBytes = Math.ceil((49 - 2 + 0) / 8);
    zeroSibling.fill(0, k0 + 12 + bitmapBytes, k0 + 12 + bitmapBytes + 32);
    await expectError("zero sibling sent", zeroSibling, "NonCanonical");
  });

  it("gas on a 2^20-slot state (execution and whole transaction at Prague pricing)", async () => {
    const SIZE = 1 << 20;
    const from = 12345,
      to = 987654,
      pool = 500_000,
      lpHolder = 500_003,
      tokenB = 777_777;
    const w = new World(
      new Map<number, Slot>([
        [from, { owner: ALICE, token: 1, balance: 10n ** 24n, nonce: 5n }],
        [to, { owner: BOB, token: 1, balance: 10n ** 20n, nonce: 0n }],
        [tokenB, { owner: ALICE, token: 2, balance: 10n ** 24n, nonce: 0n }],
        [pool, { owner: poolAddress(pool), token: 1, balance: 10n ** 22n, nonce: 30n }],
        [pool + 1, { owner: poolAddress(pool), token: 2, balance: 10n ** 22n, nonce: 0n }],
        [pool + 2, { owner: poolAddress(pool), token: LP(pool), balance: 10n ** 22n, nonce: 0n }],
        [lpHolder, { owner: ALICE, token: LP(pool), balance: 10n ** 21n, nonce: 0n }],
        [42, { owner: CAROL, token: 1, balance: 10n ** 18n, nonce: 0n }],
      ]),
      SIZE,
      SIZE,
      SIZE,
    );
    w.pairs = [{ token: 1, slot: 42, owed: 10n ** 15n }];
    const pre = w.pre();
    const figures: string[] = [];
    const measure = async (name: string, fn: string, args: unknown[], expected: Hex) => {
      const r = await verifier.call<Hex>(fn, args);
      expect(r.ok, name).toBe(true);
      expect(r.value, name).toBe(expected);
      const whole = wholeTxGas(r.data, r.gas);
      figures.push(`${name}: ${r.gas} execution, ${whole} whole tx, ${(r.data.length - 2) / 2} calldata bytes`);
      return { execution: r.gas, whole };
    };
    const a = w.slot(from);
    const transfer = sign({ type: "transfer", from, to, amount: 10n ** 18n, fee: 10n ** 15n, nonce: 5n }, KEYS[0]!);
    const t = await measure(
      "transfer",
      "verifyTransaction",
      [hex(DS), pre, entryOf(transfer), hex(w.proof([from, to]))],
      w.post({
        slots: [
          [from, { ...a, balance: a.balance - 10n ** 18n - 10n ** 15n, nonce: 6n }],
          [to, { ...w.slot(to), balance: 10n ** 20n + 10n ** 18n }],
        ],
        pairs: [{ token: 1, slot: 42, owed: 2n * 10n ** 15n }],
      }),
    );
    const withdraw = sign({ type: "withdraw", from, amount: 10n ** 18n, fee: 0n, nonce: 5n }, KEYS[0]!);
    await measure(
      "withdraw",
      "verifyTransaction",
      [hex(DS), pre, entryOf(withdraw), hex(w.proof([from], true))],
      w.post({
        slots: [[from, { ...a, balance: a.balance - 10n ** 18n, nonce: 6n }]],
        withdrawal: { owner: ALICE, token: 1, amount: 10n ** 18n },
      }),
    );
    const amountIn = 10n ** 20n;
    const inAfterFee = amountIn * (10_000n - 30n);
    const out = (inAfterFee * 10n ** 22n) / (10n ** 22n * 10_000n + inAfterFee);
    const swap = sign({ type: "swap", pool, from, to: tokenB, amountIn, minOut: 0n, nonce: 5n }, KEYS[0]!);
    await measure(
      "swap",
      "verifyTransaction",
      [hex(DS), pre, entryOf(swap), hex(w.proof([from, tokenB, pool, pool + 1, pool + 2]))],
      w.post({
        slots: [
          [from, { ...a, balance: a.balance - amountIn, nonce: 6n }],
          [tokenB, { ...w.slot(tokenB), balance: w.slot(tokenB).balance + out }],
          [pool, { ...w.slot(pool), balance: 10n ** 22n + amountIn }],
          [pool + 1, { ...w.slot(pool + 1), balance: 10n ** 22n - out }],
        ],
      }),
    );
    const deposit = messageOf({ kind: "deposit", owner: BOB, token: 1, amount: 5n, slot: to }, 1n);
    await measure(
      "deposit",
      "verifyMessage",
      [hex(DS), pre, hex(deposit), hex(keccak_256(deposit)), hex(w.proof([to]))],
      w.post({ slots: [[to, { ...w.slot(to), balance: 10n ** 20n + 5n }]] }),
    );
    const exit = messageOf({ kind: "forcedExit", owner: ALICE, slot: from }, 1n);
    await measure(
      "forcedExit",
      "verifyMessage",
      [hex(DS), pre, hex(exit), hex(keccak_256(exit)), hex(w.proof([from], true))],
      w.post({
        slots: [[from, { ...a, balance: 0n }]],
        withdrawal: { owner: ALICE, token: 1, amount: a.balance },
      }),
    );
    await measure(
      "settlement",
      "verifySettlement",
      [hex(DS), pre, hex(w.proof([42]))],
      w.post({ slots: [[42, { ...w.slot(42), balance: 10n ** 18n + 10n ** 15n }]] }),
    );
    console.log(`StepVerifier gas, 2^20-slot state:\n  ${figures.join("\n  ")}`);
    expect(t.execution).toBeLessThanOrEqual(60_000n);
    expect(t.whole).toBeLessThanOrEqual(200_000n);
  }, 60_000);

  it("posted on L1, every step of random batches gives the WASM verifyStep's post through OneStepProver (DA bytes as the binding), and both reject every tampered proof", async () => {
    const prover = await evm.deploy(artifact("OneStepProver"), [verifier.address.toString()]);
    let steps = 0;
    let tampered = 0;
    let reasonsChecked = 0;
    let undecodableSteps = 0;
    const covered = new Set<string>();
    const gas = new Map<string, bigint[]>();
    const rejectedBy = new Map<string, number>();
    for (let seed = 1; seed <= SEEDS; seed++) {
      const rng = new Rng(seed);
      const genesis = Array.from({ length: 18 }, (_, i) => ({ owner: OWNERS[i % 4]!, token: 1 + (i % 3), balance: rng.big(10n ** 24n), nonce: 0n }));
      const engine = Engine.create({ genesis, ...domain, recovery: nodeRecovery });
      let inboxStart = 0n;
      for (let b = 0; b < BATCHES; b++) {
        const workload: Batch = signedWorkload(seed * 100 + b, engine, ENTRIES, KEYS, OWNERS, domain);
        // every fourth batch is posted with undecodable DA bytes: its messages and settlement only
        const undecodable = b % 4 === 3;
        const posted = postBatch(workload, { index: BigInt(b + 1), inboxStart, da: undecodable ? undecodableDa(workload, rng) : undefined });
        inboxStart += BigInt(workload.l1Messages.length);
        expect(posted.decodable, `seed ${seed} batch ${b}`).toBe(!undecodable);
        const batch = posted.derived;
        if (!undecodable) expect(batch.txs.length).toBe(workload.txs.length);
        const signers = engine.recoverSigners(batch);
        const tracer = engine.fork();
        const trace = tracer.traceBatch(batch, { signers }).steps;
        tracer.dispose();
        // C_0 on L1 from the parent state's opening and the DA bytes' fee pairs
        const parent = { treeRoot: engine.treeRoot(), slotCount: engine.slotCount(), stateRoot: engine.stateRoot() };
        const c0 = await prover.call<Hex>("startCommitment", startArgs(DS, parent, posted));
        expect(c0.value, `seed ${seed} batch ${b}: C_0`).toBe(trace[0]);
        expect(startCommitment(parent, batch.feePairs, domain)).toBe(trace[0]);
        const entries = batch.l1Messages.length + batch.txs.length;
        let previous: Uint8Array | null = null;
        let j = 0;
        for (const proof of proveSteps(engine, batch, { signers })) {
          const bytes = encodeStepProof(proof);
          const entry = entryAt(batch, j).entry;
          const kind = entry === null ? "settle" : "kind" in entry ? entry.kind : entry.type;
          const where = `seed ${seed} batch ${b} step ${j} (${kind})`;
          const wasm = wasmOutcome(trace[j]!, bytes, entry);
          expect(wasm, where).toEqual({ post: trace[j + 1], reason: wasm.reason });
          const glue = await prover.call<Hex>("verifyStep", verifyStepArgs(DS, trace[j]!, posted, j, bytes));
          expect(glue.ok ? glue.value : errorOf([prover, harness], glue.revert).name, where).toBe(wasm.post);
          if (entry !== null && "kind" in entry) expect(hex(messageOf(entry, 7n))).toBe(hex(concat(encodeL1Message(entry), be(7n, 8))));
          covered.add(`${kind}:${wasm.reason}`);
          if (wasm.reason === 0) gas.set(kind, [...(gas.get(kind) ?? []), glue.gas]);
          if (undecodable) undecodableSteps++;
          // StepVerifier's own reason, beside the post, on every failing step (a success is told
          // apart by its post alone: a failure changes at most the nonce)
          if (entry !== null && wasm.reason !== 0) {
            const sol = await solOutcome(trace[j]!, bytes, entry);
            expect({ post: sol.post, reason: sol.reason }, where).toEqual(wasm);
            reasonsChecked++;
          }
          steps++;
          // the EVM and the core run synchronously: let vitest's worker RPC breathe between steps
          await new Promise((resolve) => setImmediate(resolve));
          // tamper classes, on every sixth step: both verifiers must refuse (or agree, see below)
          if (j % 6 !== 0 || undecodable) {
            previous = bytes;
            j++;
            continue;
          }
          const variants: [string, Uint8Array, Hex][] = [];
          const flip = bytes.slice();
          const at = rng.int(bytes.length);
          flip[at]! ^= 1 << rng.int(8);
          variants.push([`flipped byte ${at}`, flip, trace[j]!]);
          if (trace[j + 1] !== trace[j]) variants.push(["agreed pre of the next step", bytes, trace[j + 1]!]);
          variants.push(["trailing byte", concat(bytes, new Uint8Array([rng.int(256)])), trace[j]!]);
          variants.push(["one byte short", bytes.subarray(0, bytes.length - 1), trace[j]!]);
          if (previous) variants.push(["the previous step's proof", previous, trace[j]!]);
          for (const [name, p] of witnessVariants(engine, batch, j, signers, proof)) variants.push([name, encodeStepProof(p), trace[j]!]);
          if (proof.witness.some((w) => w.slot !== null)) {
            const k = proof.witness.findIndex((w) => w.slot !== null);
            const witness = proof.witness.map((w, i) => (i === k ? { ...w, slot: { ...w.slot!, balance: w.slot!.balance ^ 1n } } : w));
            variants.push(["a witness balance changed", encodeStepProof({ ...proof, witness }), trace[j]!]);
          }
          if (proof.withdrawalProof !== null) variants.push(["withdrawal proof dropped", encodeStepProof({ ...proof, withdrawalProof: null }), trace[j]!]);
          for (const [name, p, agreed] of variants) {
            const w = wasmOutcome(agreed, p, entry);
            const s = await solOutcome(agreed, p, entry);
            const wv = w.post === undefined ? "rejected" : w.post;
            expect(s.post === undefined ? "rejected" : s.post, `${where}: ${name} (solidity vs wasm)`).toBe(wv);
            // a step that changed nothing (reasons 1–4) has the previous step's pre: its proof may fit
            if (!name.startsWith("the previous")) expect(wv, `${where}: ${name}`).toBe("rejected");
            if (s.error) rejectedBy.set(s.error, (rejectedBy.get(s.error) ?? 0) + 1);
            tampered++;
          }
          previous = bytes;
          j++;
        }
        expect(j, "one proof per step").toBe(entries + 1);
        // past settlement there is no step
        const beyond = await prover.call<Hex>("verifyStep", verifyStepArgs(DS, trace[entries + 1]!, posted, entries + 1, previous!));
        expect(errorOf(prover, beyond.revert), `seed ${seed} batch ${b}`).toEqual({ name: "StepOutOfRange", args: [BigInt(entries + 1), BigInt(entries + 1)] });
        engine.applyBatch(batch, { signers });
      }
      engine.dispose();
    }
    const kinds = ["deposit", "forcedExit", "transfer", "transferToNew", "withdraw", "createPool", "addLiquidity", "removeLiquidity", "swap", "settle"];
    for (const k of kinds)
      expect(
        [...covered].some((c) => c === `${k}:0`),
        `${k} succeeds somewhere`,
      ).toBe(true);
    const reasons = new Set([...covered].map((c) => Number(c.split(":")[1])));
    console.log(
      `differential through OneStepProver: ${steps} steps (${undecodableSteps} of undecodable batches), ${reasonsChecked} Solidity reasons compared, ${tampered} tampered proofs; ` +
        `reasons seen ${[...reasons].sort((x, y) => x - y).join(",")}; ` +
        `Solidity errors ${[...rejectedBy].map(([e, n]) => `${e} ${n}`).join(", ")}; ` +
        `median execution gas of successful steps through the glue (18-slot state, ~${ENTRIES}-entry batches) ${kinds.map((k) => `${k} ${median(gas.get(k) ?? [])}`).join(", ")}`,
    );
    // every reason of SPEC §7 but CAPACITY (2^24 slots) occurs
    for (let r = 0; r <= 14; r++) expect(reasons.has(r), `reason ${r} occurs`).toBe(true);
    expect(steps).toBeGreaterThanOrEqual(1000);
    expect(undecodableSteps).toBeGreaterThan(25);
    expect(tampered).toBeGreaterThan(800);
  }, 600_000);

  /** Bytes that do not decode (SPEC §9.4): a trailing byte, a version byte of 2, or a flipped byte the TS derivation refuses. */
  function undecodableDa(batch: Batch, rng: Rng): Uint8Array {
    const da = encodeBatch({ feePairs: batch.feePairs, txs: batch.txs });
    for (;;) {
      const r = rng.int(3);
      const bad = r === 0 ? concat(da, new Uint8Array([0])) : da.slice();
      if (r === 1) bad[0] = 2;
      if (r === 2) bad[rng.int(Math.min(bad.length, 64))]! ^= 1 << rng.int(8);
      if (deriveBatch(bad, { start: 0n, count: batch.l1Messages.length }).error !== null) return bad;
    }
  }

  /** The WASM verdict as the referee takes it: the post and reason, or "rejected". */
  function wasmOutcome(agreed: Hex, bytes: Uint8Array, entry: L1Message | SignedTx | null): { post?: Hex; reason?: number } {
    try {
      const v = verifyStep(bytes, entry, domain, { core, recovery: nodeRecovery });
      return v.pre === agreed ? { post: v.post, reason: v.status } : {};
    } catch {
      return {};
    }
  }

  async function solOutcome(
    agreed: Hex,
    bytes: Uint8Array,
    entry: L1Message | SignedTx | null,
  ): Promise<{ post?: Hex; reason?: number; gas?: bigint; error?: string }> {
    let r: CallResult<readonly [Hex, number]>;
    if (entry === null) {
      const s = await harness.call<Hex>("verifySettlement", [hex(DS), agreed, hex(bytes)]);
      r = { ...s, value: s.ok ? ([s.value!, 0] as const) : undefined };
    } else if ("kind" in entry) {
      const m = messageOf(entry, 1_700_000_000n);
      expect(hex(keccak_256(m))).toBe(inboxRecord(entry, 1_700_000_000n));
      r = await harness.call<readonly [Hex, number]>("messageOutcome", [hex(DS), agreed, hex(m), hex(keccak_256(m)), hex(bytes)]);
    } else {
      r = await harness.call<readonly [Hex, number]>("transactionOutcome", [hex(DS), agreed, entryOf(entry), hex(bytes)]);
    }
    if (!r.ok) return { error: errorOf(harness, r.revert).name };
    return { post: r.value![0], reason: r.value![1], gas: r.gas };
  }
});

/** The step's proof with one witness slot left out, and with one more (untouched) slot in it. */
function witnessVariants(engine: Engine, batch: Batch, j: number, signers: (Hex | null)[], proof: StepProof): [string, StepProof][] {
  const pre = engine.fork();
  try {
    pre.applyPrefix(batch, j, { signers });
    const out: [string, StepProof][] = [];
    const reprove = (indices: number[]): StepProof => ({
      ...proof,
      witness: indices.map((index) => ({ index, slot: index < proof.slotCount ? pre.getSlot(index) : null })),
      slotProof: indices.length > 0 ? pre.proveSlots(indices) : new Uint8Array(0),
    });
    const indices = proof.witness.map((w) => w.index);
    if (indices.length > 0) out.push([`witness without slot ${indices[0]}`, reprove(indices.slice(1))]);
    const extra = [...Array(proof.slotCount).keys()].find((i) => !indices.includes(i));
    if (extra !== undefined && indices.length < 7) out.push([`witness with slot ${extra} too`, reprove([...indices, extra].sort((a, b) => a - b))]);
    return out;
  } finally {
    pre.dispose();
  }
}

function median(xs: bigint[]): string {
  if (xs.length === 0) return "-";
  const s = [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return String(s[s.length >> 1]);
}
