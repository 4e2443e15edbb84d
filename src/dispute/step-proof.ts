// One-step proofs (docs/SPEC.md §11.5): a witness of exactly the slots a step reads or writes,
// checked against the agreed pre-commitment and re-executed statelessly by the same WASM loop as
// applyBatch. Everything a verdict depends on is bound by a hash to the agreed commitment or comes
// from the posted batch; every field and size is checked in TypeScript before the core sees it.
// The proof's object form and flat encoding are in proof-codec.ts, the commitments in commitment.ts.

import { keccak_256 } from "@noble/hashes/sha3.js";
import { fromHex, toHex } from "../protocol/bytes.js";
import { InvalidArgumentError, ProofError } from "../protocol/errors.js";
import { MAX_U128, MAX_U64, type Batch, type BatchResult, type Hex, type L1Message, type ReasonCode, type SignedTx, type Slot } from "../protocol/types.js";
import { defaultCore, type WasmCore } from "../core/wasm-core.js";
import { type Engine, withLeafTree, withdrawalLeaves } from "../engine/engine.js";
import { checkFeePairs, encodeEntryRecord, readSlotRecord, writeSlotRecord } from "../engine/flat.js";
import { encodeSlot, encodeStateCommitment, encodeWithdrawal } from "../protocol/slot-encoding.js";
import type { Eip712Domain } from "../protocol/eip712.js";
import { STATE_TREE_SHAPE } from "../protocol/shape.js";
import { nobleRecovery, recoverTransactionSigner, type RecoveryBackend } from "../protocol/signatures.js";
import { commitmentOf, contextHash, stateRootOf, stepCommitment } from "./commitment.js";
import { checkStepProof, decodeStepProof, MAX_TOUCHED_SLOTS, type StepProof } from "./proof-codec.js";
import {
  FEE_PAIR_BYTES,
  FEE_PAIR_SLOT,
  FEE_PAIR_TOKEN,
  R_STATUS,
  R_TOUCHED,
  R_TOUCHED_COUNT,
  STEP_KIND_CODES,
  V_BASE_SLOT_COUNT,
  V_FEE_COUNT,
  V_KIND,
  V_SLOT_COUNT,
  V_WITHDRAWAL_COUNT,
  VERIFY_HEADER_BYTES,
  VO_MISSING,
  VO_SLOT_COUNT,
  VO_WITHDRAWAL,
  VO_WITHDREW,
  W_AMOUNT,
  W_OWNER,
  W_TOKEN,
  WE_INDEX,
  WE_RECORD,
  WITHDRAWAL_RECORD_BYTES,
  WITNESS_ENTRY_BYTES,
} from "../protocol/constants.generated.js";

export {
  contextHash,
  commitmentOf,
  stepCommitment,
  stateRootOf,
  startCommitment,
  EMPTY_TREE_ROOT,
} from "./commitment.js";
export {
  checkStepProof,
  encodeStepProof,
  decodeStepProof,
  maxMultiproofBytes,
  multiproofLength,
  MAX_TOUCHED_SLOTS,
  MAX_WITNESS_SLOTS,
  MAX_STEP_PROOF_BYTES,
  STEP_PROOF_VERSION,
  type StepProof,
  type StepFee,
} from "./proof-codec.js";

const ZERO_LEAF = new Uint8Array(32);

/** What a step executes: an L1 message, a transaction, or fee settlement (the last step). */
export type StepKind = "l1" | "tx" | "settle";

/**
 * The entry step `step` applies: an L1 message, a transaction, or null for fee settlement.
 *
 * @throws InvalidArgumentError for a step outside [0, entries].
 */
export function entryAt(batch: Batch, step: number): { kind: StepKind; entry: L1Message | SignedTx | null } {
  const l1 = batch.l1Messages.length;
  const entries = l1 + batch.txs.length;
  if (!Number.isInteger(step) || step < 0 || step > entries) throw new InvalidArgumentError(`step must be an integer in [0, ${entries}]`);
  if (step < l1) return { kind: "l1", entry: batch.l1Messages[step]! };
  if (step < entries) return { kind: "tx", entry: batch.txs[step - l1]! };
  return { kind: "settle", entry: null };
}

/**
 * The kind of step an entry makes, from the entry itself (never from a proof).
 *
 * @throws InvalidArgumentError when the entry is neither an L1 message nor a transaction.
 */
export function kindOf(entry: L1Message | SignedTx | null): StepKind {
  if (entry === null) return "settle";
  if (typeof entry !== "object") throw new InvalidArgumentError("entry must be an L1 message, a signed transaction or null");
  const kind = (entry as { kind?: unknown }).kind;
  const type = (entry as { type?: unknown }).type;
  if ((kind === "deposit" || kind === "forcedExit") && type === undefined) return "l1";
  if (typeof type === "string" && kind === undefined) return "tx";
  throw new InvalidArgumentError("entry must be an L1 message (kind) or a signed transaction (type), not both or neither");
}

/**
 * Whether an entry with this outcome appended a withdrawal record (SPEC §5.2, §6): a deposit that
 * failed (its refund), a forced exit or a withdrawal that succeeded.
 */
function appendsWithdrawal(entry: L1Message | SignedTx, status: ReasonCode): boolean {
  if ((entry as L1Message).kind === "deposit") return status !== 0;
  if ((entry as L1Message).kind === "forcedExit") return status === 0;
  return (entry as SignedTx).type === "withdraw" && status === 0;
}

/** The slots settlement reads (SPEC §5.1): listed slots with something owed that exist, ascending. */
function settlementReads(fees: readonly { slot: number; owed: bigint }[], slotCount: number): number[] {
  return [...new Set(fees.filter((f) => f.owed > 0n && f.slot < slotCount).map((f) => f.slot))].sort((a, b) => a - b);
}

/**
 * Builds the proof of step `step` of `batch`, applied to `engine`'s current state (the batch's
 * pre-state; the engine is not changed — the work happens on forks). A chain's `state` will do.
 *
 * @throws InvalidArgumentError for a step outside the batch or a malformed batch.
 */
export function proveStep(
  engine: Pick<Engine, "fork" | "recoverSigners" | "core">,
  batch: Batch,
  step: number,
  options: { signers?: (Hex | null)[] } = {},
): StepProof {
  const entries = batch.l1Messages.length + batch.txs.length;
  if (!Number.isInteger(step) || step < 0 || step > entries) throw new InvalidArgumentError(`step must be in [0, ${entries}]`);
  const pairs = checkFeePairs(batch.feePairs);
  const signers = options.signers ?? engine.recoverSigners(batch);
  let touched: number[] = [];
  let withdraws = false;
  if (step < entries) {
    const full = engine.fork();
    try {
      const receipt = full.applyPrefix(batch, step + 1, { signers }).receipts[step]!;
      touched = receipt.touched;
      withdraws = appendsWithdrawal(entryAt(batch, step).entry!, receipt.status);
    } finally {
      full.dispose();
    }
  }
  const pre = engine.fork();
  try {
    const parts = pre.applyPrefix(batch, step, { signers });
    const fees = pairs.map((p, k) => ({ token: p.token, slot: p.slot, owed: parts.owedFees[k]! }));
    const indices = step < entries ? [...new Set(touched)].sort((a, b) => a - b) : settlementReads(fees, parts.slotCount);
    const witness = indices.map((index) => ({ index, slot: index < parts.slotCount ? pre.getSlot(index) : null }));
    const core = engine.core;
    return withLeafTree(core, withdrawalLeaves(core, parts.withdrawals), (wtree) => ({
      treeRoot: parts.treeRoot,
      slotCount: parts.slotCount,
      withdrawalsRoot: parts.withdrawalsRoot,
      withdrawalCount: parts.withdrawalCount,
      baseSlotCount: parts.baseSlotCount,
      fees,
      witness,
      slotProof: indices.length > 0 ? pre.proveSlots(indices) : new Uint8Array(0),
      withdrawalProof: withdraws ? wtree.prove([parts.withdrawalCount]) : null,
    }));
  } finally {
    pre.dispose();
  }
}

/**
 * Every step proof of `batch` in step order — `E + 1` of them, the last for settlement — each the
 * same proof {@link proveStep} builds, in time linear in the batch: one fork of `engine` walks the
 * batch an entry at a time, where proving every step with proveStep replays each prefix (O(E²)).
 * A generator: each proof is built when asked for; stopping early (`break`) frees the fork.
 *
 * An entry is applied alone on the walking fork, with the fees owed so far carried here. The one
 * rule that reads them (a fee is owed only while `owed + fee ≤ 2^128 − 1`, SPEC §5.1) is checked
 * against the batch's own outcome of that entry; where they differ the fork is rebuilt from the
 * prefix, so the proofs are exact in every case.
 *
 * @throws InvalidArgumentError for a malformed batch or a signer list of the wrong length.
 */
export function* proveSteps(
  engine: Pick<Engine, "fork" | "recoverSigners" | "core">,
  batch: Batch,
  options: { signers?: (Hex | null)[] } = {},
): Generator<StepProof, void, undefined> {
  const pairs = checkFeePairs(batch.feePairs);
  const l1 = batch.l1Messages.length;
  const entries = l1 + batch.txs.length;
  const signers = options.signers ?? engine.recoverSigners(batch);
  if (!Array.isArray(signers) || signers.length !== batch.txs.length)
    throw new InvalidArgumentError("options.signers must hold one signer (or null) per transaction");
  const core = engine.core;
  // every entry's outcome in the batch's own order: the witness of step j is receipt j's touched set
  const full = engine.fork();
  let receipts: BatchResult["receipts"];
  try {
    receipts = full.applyPrefix(batch, entries, { signers }).receipts;
  } finally {
    full.dispose();
  }
  let walker = engine.fork();
  let wtree = core.createTree(STATE_TREE_SHAPE);
  try {
    const baseSlotCount = walker.slotCount();
    let owed = pairs.map(() => 0n);
    let withdrawalCount = 0;
    for (let j = 0; j <= entries; j++) {
      const slotCount = walker.slotCount();
      const fees = pairs.map((p, k) => ({ token: p.token, slot: p.slot, owed: owed[k]! }));
      const entry = j < entries ? entryAt(batch, j).entry! : null;
      const indices = entry !== null ? [...new Set(receipts[j]!.touched)].sort((a, b) => a - b) : settlementReads(fees, slotCount);
      const withdraws = entry !== null && appendsWithdrawal(entry, receipts[j]!.status);
      yield {
        treeRoot: walker.treeRoot(),
        slotCount,
        withdrawalsRoot: toHex(wtree.root()) as Hex,
        withdrawalCount,
        baseSlotCount,
        fees,
        witness: indices.map((index) => ({ index, slot: index < slotCount ? walker.getSlot(index) : null })),
        slotProof: indices.length > 0 ? walker.proveSlots(indices) : new Uint8Array(0),
        withdrawalProof: withdraws ? wtree.prove([withdrawalCount]) : null,
      };
      if (entry === null) break;
      const one: Batch =
        j < l1
          ? { feePairs: batch.feePairs, l1Messages: [batch.l1Messages[j]!], txs: [] }
          : { feePairs: batch.feePairs, l1Messages: [], txs: [batch.txs[j - l1]!] };
      const step = walker.applyPrefix(one, 1, { signers: j < l1 ? [] : [signers[j - l1]!] });
      if (step.receipts[0]!.status === receipts[j]!.status && step.owedFees.every((f, k) => owed[k]! + f <= MAX_U128)) {
        owed = owed.map((o, k) => o + step.owedFees[k]!);
        for (const leaf of withdrawalLeaves(core, step.withdrawals)) wtree.set(withdrawalCount++, leaf);
        continue;
      }
      // the fee headroom decided entry j differently alone: rebuild the walk from the prefix
      walker.dispose();
      walker = engine.fork();
      const prefix = walker.applyPrefix(batch, j + 1, { signers });
      owed = [...prefix.owedFees];
      wtree.dispose();
      wtree = core.createTree(STATE_TREE_SHAPE);
      const leaves = withdrawalLeaves(core, prefix.withdrawals);
      if (leaves.length > 0)
        wtree.setMany(
          leaves.map((_, i) => i),
          leaves,
        );
      withdrawalCount = leaves.length;
    }
  } finally {
    walker.dispose();
    wtree.dispose();
  }
}

/** What {@link verifyStep} returns. */
export interface StepVerdict {
  /** The commitment the proof starts from: must equal the agreed C_step. */
  pre: Hex;
  /** The commitment after the step, re-executed here: the honest C_{step+1}. */
  post: Hex;
  /** The step's reason code (0 for settlement). */
  status: ReasonCode;
}

/** The multiproof must name exactly `indices` (its header lists them, SPEC §3.3). */
function namesExactly(proof: Uint8Array, indices: readonly number[]): boolean {
  if (proof.length < 4 + 4 * indices.length) return false;
  const view = new DataView(proof.buffer, proof.byteOffset, proof.byteLength);
  if (view.getUint32(0, true) !== indices.length) return false;
  return indices.every((ix, i) => view.getUint32(4 + 4 * i, true) === ix);
}

/** Runs a proof-checking step in the core, turning a malformed-proof status into ProofError(WITNESS). */
function checked<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof ProofError) throw new ProofError("WITNESS", `${what}: ${e.message}`);
    throw e;
  }
}

const sameList = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Re-executes one step statelessly in the same WASM loop as applyBatch, after checking every field
 * and every hash of the proof. `proof` is the object or its flat encoding (decoded first). `entry`
 * is the step's L1 message or transaction as posted — the referee takes it, and so the step's
 * kind, from the batch — or null for fee settlement.
 *
 * The proof is hostile input: it is bounded and checked field by field before it reaches
 * `options.core` (by default the shared {@link defaultCore}), where it uses only transient memory.
 * A node that checks proofs from strangers beside a state it keeps should still pass a core of
 * its own (as {@link StepReferee} does), so that a trap — a bug — cannot take that state with it.
 *
 * @throws ProofError (FIELD, TOO_LARGE, WITNESS) when the proof is malformed, a hash does not
 *   check, or its witness is not exactly the slots the step reads and writes.
 * @throws InvalidArgumentError when the entry is malformed.
 */
export function verifyStep(
  proofOrBytes: StepProof | Uint8Array,
  entry: L1Message | SignedTx | null,
  domain: Eip712Domain,
  options: { core?: WasmCore; recovery?: RecoveryBackend } = {},
): StepVerdict {
  const proof = proofOrBytes instanceof Uint8Array ? decodeStepProof(proofOrBytes) : proofOrBytes;
  const indices = checkStepProof(proof);
  const kind = kindOf(entry);
  // an entry step touches at most 7 slots (none: a deposit refunded before it names a slot)
  if (kind !== "settle" && indices.length > MAX_TOUCHED_SLOTS) {
    throw new ProofError("TOO_LARGE", `proof.witness has ${indices.length} slots; an entry step touches at most ${MAX_TOUCHED_SLOTS}`);
  }
  const core = options.core ?? defaultCore();
  const pairs = proof.fees.map((f) => ({ token: f.token, slot: f.slot }));
  const k = pairs.length;
  // 1. the pre-state parts and their commitment
  const pre = stepCommitment(
    {
      stateRoot: stateRootOf(proof.treeRoot, proof.slotCount),
      withdrawalsRoot: proof.withdrawalsRoot,
      withdrawalCount: proof.withdrawalCount,
      baseSlotCount: proof.baseSlotCount,
      feePairs: pairs,
      owedFees: proof.fees.map((f) => f.owed),
    },
    domain,
  );
  // 2. the witness against the tree root (indices ascending, as the multiproof names them)
  const leafOf = (slot: Slot | null) => (slot === null ? ZERO_LEAF : keccak_256(encodeSlot(slot)));
  if (indices.length > 0) {
    if (!namesExactly(proof.slotProof, indices)) throw new ProofError("WITNESS", "the slot proof does not name exactly the witness indices");
    const ok = checked("slot proof", () =>
      core.verifyMultiproof(
        STATE_TREE_SHAPE,
        fromHex(proof.treeRoot),
        proof.slotProof,
        proof.witness.map((w) => leafOf(w.slot)),
      ),
    );
    if (!ok) throw new ProofError("WITNESS", "the witness slots do not hash to the tree root");
  }
  // 3. when present, the next withdrawal position is empty under the withdrawals root
  const wproof = proof.withdrawalProof;
  if (wproof !== null) {
    if (!namesExactly(wproof, [proof.withdrawalCount])) throw new ProofError("WITNESS", "the withdrawal proof is not for the next position alone");
    const wOk = checked("withdrawal proof", () => core.verifyMultiproof(STATE_TREE_SHAPE, fromHex(proof.withdrawalsRoot), wproof, [ZERO_LEAF]));
    if (!wOk) throw new ProofError("WITNESS", "the withdrawal position does not check against the withdrawals root");
  }
  // 4. re-execute in the core
  const signer = kind === "tx" ? recoverTransactionSigner(entry as SignedTx, domain, options.recovery ?? nobleRecovery) : null;
  const record = entry === null ? new Uint8Array(0) : encodeEntryRecord(entry, signer);
  // the core's step-check input (assembly verifyStep): header, pairs, owed, entry, witness table
  const owedAt = VERIFY_HEADER_BYTES + FEE_PAIR_BYTES * k;
  const witnessAt = owedAt + 16 * k + record.length;
  const input = new Uint8Array(witnessAt + 8 + WITNESS_ENTRY_BYTES * indices.length);
  const view = new DataView(input.buffer);
  view.setUint32(V_KIND, STEP_KIND_CODES[kind], true);
  view.setUint32(V_SLOT_COUNT, proof.slotCount, true);
  view.setUint32(V_FEE_COUNT, k, true);
  view.setUint32(V_WITHDRAWAL_COUNT, proof.withdrawalCount, true);
  view.setUint32(V_BASE_SLOT_COUNT, proof.baseSlotCount, true);
  proof.fees.forEach((f, i) => {
    view.setUint32(VERIFY_HEADER_BYTES + FEE_PAIR_BYTES * i + FEE_PAIR_TOKEN, f.token, true);
    view.setUint32(VERIFY_HEADER_BYTES + FEE_PAIR_BYTES * i + FEE_PAIR_SLOT, f.slot, true);
    view.setBigUint64(owedAt + 16 * i, f.owed & MAX_U64, true);
    view.setBigUint64(owedAt + 16 * i + 8, f.owed >> 64n, true);
  });
  input.set(record, owedAt + 16 * k);
  view.setUint32(witnessAt, indices.length, true);
  proof.witness.forEach((w, i) => {
    const at = witnessAt + 8 + WITNESS_ENTRY_BYTES * i;
    view.setUint32(at + WE_INDEX, w.index, true);
    if (w.slot) writeSlotRecord(input, at + WE_RECORD, w.slot);
  });
  const inst = core.instance;
  const { out, post } = inst.call((x) => {
    const ptr = inst.copyIn(input);
    const o = x.engineVerifyStep(ptr);
    const mem = inst.bytes();
    return { out: mem.slice(o, o + VO_WITHDRAWAL + WITHDRAWAL_RECORD_BYTES), post: mem.slice(ptr, ptr + input.length) };
  });
  const ov = new DataView(out.buffer);
  if (ov.getUint32(VO_MISSING, true) !== 0) throw new ProofError("WITNESS", "the step reads a slot the witness does not include");
  // the witness is exactly what the step touches: a proof cannot carry slots of its choosing
  const touched =
    kind === "settle"
      ? settlementReads(proof.fees, proof.slotCount)
      : [...new Set(Array.from({ length: out[R_TOUCHED_COUNT]! }, (_, i) => ov.getUint32(R_TOUCHED + 4 * i, true)))].sort((a, b) => a - b);
  if (!sameList(touched, indices))
    throw new ProofError("WITNESS", `the witness holds slots [${indices.join(", ")}] but the step touches [${touched.join(", ")}]`);
  const withdrew = ov.getUint32(VO_WITHDREW, true) === 1;
  if (withdrew !== (wproof !== null)) {
    throw new ProofError(
      "WITNESS",
      withdrew
        ? "the step appends a withdrawal but the proof has no withdrawal multiproof"
        : "the proof has a withdrawal multiproof but the step appends no withdrawal",
    );
  }
  const status = kind === "settle" ? 0 : (ov.getUint8(R_STATUS) as ReasonCode);
  const slotCountAfter = ov.getUint32(VO_SLOT_COUNT, true);
  const pv = new DataView(post.buffer);
  // 5. the post-state: the same proofs with the new leaves
  const postLeaves = proof.witness.map((w, i) =>
    w.index < slotCountAfter ? keccak_256(encodeSlot(readSlotRecord(post, witnessAt + 8 + WITNESS_ENTRY_BYTES * i + WE_RECORD))) : ZERO_LEAF,
  );
  const postTree = indices.length > 0 ? core.computeProofRoot(STATE_TREE_SHAPE, proof.slotProof, postLeaves) : fromHex(proof.treeRoot);
  let withdrawalsRoot = fromHex(proof.withdrawalsRoot);
  let withdrawalCount = proof.withdrawalCount;
  if (wproof !== null) {
    const w = out.subarray(VO_WITHDRAWAL, VO_WITHDRAWAL + WITHDRAWAL_RECORD_BYTES);
    const wv = new DataView(w.buffer, w.byteOffset, w.byteLength);
    const record = {
      owner: toHex(w.subarray(W_OWNER, W_OWNER + 20)),
      token: wv.getUint32(W_TOKEN, true),
      amount: wv.getBigUint64(W_AMOUNT, true) | (wv.getBigUint64(W_AMOUNT + 8, true) << 64n),
    };
    withdrawalsRoot = core.computeProofRoot(STATE_TREE_SHAPE, wproof, [keccak_256(encodeWithdrawal(record))]);
    withdrawalCount++;
  }
  const owedFees = proof.fees.map((_, i) => pv.getBigUint64(owedAt + 16 * i, true) | (pv.getBigUint64(owedAt + 16 * i + 8, true) << 64n));
  const postState = keccak_256(encodeStateCommitment(postTree, slotCountAfter));
  return { pre, post: commitmentOf(postState, withdrawalsRoot, withdrawalCount, contextHash(domain, proof.baseSlotCount, pairs, owedFees)), status };
}
