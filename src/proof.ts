// Step proofs (docs/SPEC.md §11): the step commitment, and the one-step proof — a witness of the
// slots a step reads or writes, checked against the agreed pre-commitment and re-executed
// statelessly by the same WASM loop as applyBatch.

import { keccak_256 } from "@noble/hashes/sha3.js";
import { checkBytes, fromHex, toHex } from "./bytes.js";
import { InvalidArgumentError } from "./errors.js";
import { MAX_U128, type Hex } from "./protocol/types.js";
import { WasmCore } from "./core.js";
import { Engine, withLeafTree, withdrawalLeaves } from "./engine.js";
import { encodeEntryRecord, readSlotRecord, writeSlotRecord, RECEIPT_BYTES } from "./engine/flat.js";
import { ProofError } from "./errors.js";
import { encodeSlot, encodeStateCommitment, encodeWithdrawal } from "./protocol/encoding.js";
import type { Eip712Domain } from "./protocol/eip712.js";
import type { Batch, L1Message, ReasonCode, SignedTx, Slot } from "./protocol/types.js";
import { STATE_TREE_SHAPE } from "./shape.js";
import { nobleRecovery, recoverTransactionSigner, type RecoveryBackend } from "./signatures.js";

/** What a step commitment commits to (SPEC §11.1). */
export interface StepParts {
  /** keccak256(treeRoot ‖ u32 slotCount), §4.3. */
  stateRoot: Hex;
  /** Root of the batch's withdrawals so far, §5.2. */
  withdrawalsRoot: Hex;
  withdrawalCount: number;
  /** Fees owed to each fee slot so far, in the batch's fee-slot order. */
  owedFees: bigint[];
}

/** C = keccak256(stateRoot ‖ withdrawalsRoot ‖ u32be withdrawalCount ‖ keccak256(owed fees, u128be each)). */
export function stepCommitment(parts: StepParts): Hex {
  const stateRoot = fromHex(parts.stateRoot);
  const withdrawalsRoot = fromHex(parts.withdrawalsRoot);
  checkBytes(stateRoot, 32, "stateRoot");
  checkBytes(withdrawalsRoot, 32, "withdrawalsRoot");
  if (!Number.isInteger(parts.withdrawalCount) || parts.withdrawalCount < 0 || parts.withdrawalCount > 0xffffffff) {
    throw new InvalidArgumentError("withdrawalCount must be a u32");
  }
  const fees = new Uint8Array(16 * parts.owedFees.length);
  parts.owedFees.forEach((f, k) => {
    if (typeof f !== "bigint" || f < 0n || f > MAX_U128) throw new InvalidArgumentError(`owedFees[${k}] must be a u128 bigint`);
    let v = f;
    for (let i = 15; i >= 0; i--) {
      fees[16 * k + i] = Number(v & 0xffn);
      v >>= 8n;
    }
  });
  const input = new Uint8Array(100);
  input.set(stateRoot, 0);
  input.set(withdrawalsRoot, 32);
  new DataView(input.buffer).setUint32(64, parts.withdrawalCount);
  input.set(keccak_256(fees), 68);
  return `0x${toHex(keccak_256(input))}`;
}

// ---- one-step proofs ----


/** Everything a verifier needs besides the entry itself (which it takes from the posted batch). */
export interface StepProof {
  /** The step: entry index, or entries = fee settlement. */
  step: number;
  kind: "l1" | "tx" | "settle";
  treeRoot: Hex;
  slotCount: number;
  withdrawalsRoot: Hex;
  withdrawalCount: number;
  feeSlots: number[];
  owedFees: bigint[];
  /** The slots the step reads or writes, and the batch's fee slots, ascending; null = not yet created. */
  witness: { index: number; slot: Slot | null }[];
  /** Multiproof of the witness indices against treeRoot. */
  slotProof: Uint8Array;
  /** Multiproof of position withdrawalCount (still empty) against withdrawalsRoot. */
  withdrawalProof: Uint8Array;
}

const ZERO_LEAF = new Uint8Array(32);

/** The entry step `step` applies: an L1 message, a transaction, or null for fee settlement. */
export function entryAt(batch: Batch, step: number): { kind: StepProof["kind"]; entry: L1Message | SignedTx | null } {
  const l1 = batch.l1Messages.length;
  if (step < l1) return { kind: "l1", entry: batch.l1Messages[step]! };
  if (step < l1 + batch.txs.length) return { kind: "tx", entry: batch.txs[step - l1]! };
  return { kind: "settle", entry: null };
}

/**
 * Builds the proof of step `step` of `batch`, applied to `engine`'s current state (the batch's
 * pre-state; the engine is not changed — the work happens on forks). A chain's `state` will do.
 */
export function proveStep(engine: Pick<Engine, "fork" | "recoverSigners" | "core">, batch: Batch, step: number, options: { signers?: (Hex | null)[] } = {}): StepProof {
  const entries = batch.l1Messages.length + batch.txs.length;
  if (!Number.isInteger(step) || step < 0 || step > entries) throw new InvalidArgumentError(`step must be in [0, ${entries}]`);
  const signers = options.signers ?? engine.recoverSigners(batch);
  const full = engine.fork();
  const touched = step < entries ? full.applyBatch(batch, { signers }).receipts[step]!.touched : [];
  full.dispose();
  const pre = engine.fork();
  try {
    const parts = pre.applyPrefix(batch, step, { signers });
    const indices = [...new Set([...touched, ...batch.feeSlots])].sort((a, b) => a - b);
    const witness = indices.map((index) => ({ index, slot: index < parts.slotCount ? pre.getSlot(index) : null }));
    const core = engine.core;
    return withLeafTree(core, withdrawalLeaves(core, parts.withdrawals), (wtree) => ({
      step,
      kind: entryAt(batch, step).kind,
      treeRoot: parts.treeRoot,
      slotCount: parts.slotCount,
      withdrawalsRoot: parts.withdrawalsRoot,
      withdrawalCount: parts.withdrawalCount,
      feeSlots: [...batch.feeSlots],
      owedFees: parts.owedFees,
      witness,
      slotProof: indices.length > 0 ? pre.proveSlots(indices) : new Uint8Array(0),
      withdrawalProof: wtree.prove([parts.withdrawalCount]),
    }));
  } finally {
    pre.dispose();
  }
}

export interface StepVerdict {
  /** The commitment the proof starts from: must equal the agreed C_step. */
  pre: Hex;
  /** The commitment after the step, re-executed here: the honest C_{step+1}. */
  post: Hex;
  status: ReasonCode;
}

/**
 * Re-executes one step statelessly in the same WASM loop as applyBatch, after checking every hash
 * of the proof. `entry` is the step's L1 message or transaction as posted (the referee takes it
 * from the batch), or null for fee settlement. Throws ProofError when any hash does not check.
 */
export function verifyStep(
  proof: StepProof,
  entry: L1Message | SignedTx | null,
  domain: Eip712Domain,
  options: { core?: WasmCore; recovery?: RecoveryBackend } = {},
): StepVerdict {
  const core = options.core ?? WasmCore.createSync();
  const k = proof.feeSlots.length;
  if (proof.owedFees.length !== k) throw new ProofError("FORMAT", "one owed fee per fee slot");
  if ((proof.kind === "settle") !== (entry === null)) throw new ProofError("FORMAT", "settlement has no entry, other steps have one");
  // 1. the pre-state parts and their commitment
  const stateRoot = `0x${toHex(keccak_256(encodeStateCommitment(fromHex(proof.treeRoot), proof.slotCount)))}` as Hex;
  const pre = stepCommitment({ stateRoot, withdrawalsRoot: proof.withdrawalsRoot, withdrawalCount: proof.withdrawalCount, owedFees: proof.owedFees });
  // 2. the witness against the tree root (indices ascending, as the multiproof names them)
  const indices = proof.witness.map((w) => w.index);
  for (let i = 1; i < indices.length; i++) if (indices[i]! <= indices[i - 1]!) throw new ProofError("ORDER", "witness indices must increase");
  for (const f of proof.feeSlots) if (!indices.includes(f)) throw new ProofError("FORMAT", `fee slot ${f} missing from the witness`);
  const leafOf = (slot: Slot | null) => (slot === null ? ZERO_LEAF : keccak_256(encodeSlot(slot)));
  if (indices.length > 0) {
    const claimed = new DataView(proof.slotProof.buffer, proof.slotProof.byteOffset, proof.slotProof.byteLength);
    if (proof.slotProof.length < 4 + 4 * indices.length || claimed.getUint32(0, true) !== indices.length) throw new ProofError("FORMAT", "slot proof does not name the witness");
    indices.forEach((ix, i) => {
      if (claimed.getUint32(4 + 4 * i, true) !== ix) throw new ProofError("FORMAT", "slot proof names other slots than the witness");
    });
    if (!core.verifyMultiproof(STATE_TREE_SHAPE, fromHex(proof.treeRoot), proof.slotProof, proof.witness.map((w) => leafOf(w.slot)))) {
      throw new ProofError("FORMAT", "witness slots do not hash to the tree root");
    }
  }
  // 3. the next withdrawal position is empty under the withdrawals root
  const wp = new DataView(proof.withdrawalProof.buffer, proof.withdrawalProof.byteOffset, proof.withdrawalProof.byteLength);
  if (proof.withdrawalProof.length < 8 || wp.getUint32(4, true) !== proof.withdrawalCount) throw new ProofError("FORMAT", "withdrawal proof is not for the next position");
  if (!core.verifyMultiproof(STATE_TREE_SHAPE, fromHex(proof.withdrawalsRoot), proof.withdrawalProof, [ZERO_LEAF])) {
    throw new ProofError("FORMAT", "withdrawal position does not check against the withdrawals root");
  }
  // 4. re-execute in the core
  const signer = proof.kind === "tx" ? recoverTransactionSigner(entry as SignedTx, domain, options.recovery ?? nobleRecovery) : null;
  const record = entry === null ? new Uint8Array(0) : encodeEntryRecord(entry, signer);
  const head = (16 + 4 * k + 7) & ~7;
  const witnessAt = head + 16 * k + record.length;
  const input = new Uint8Array(witnessAt + 8 + 72 * indices.length);
  const view = new DataView(input.buffer);
  view.setUint32(0, proof.kind === "l1" ? 0 : proof.kind === "tx" ? 1 : 2, true);
  view.setUint32(4, proof.slotCount, true);
  view.setUint32(8, k, true);
  view.setUint32(12, proof.withdrawalCount, true);
  proof.feeSlots.forEach((f, i) => view.setUint32(16 + 4 * i, f, true));
  proof.owedFees.forEach((f, i) => {
    view.setBigUint64(head + 16 * i, f & 0xffffffffffffffffn, true);
    view.setBigUint64(head + 16 * i + 8, f >> 64n, true);
  });
  input.set(record, head + 16 * k);
  view.setUint32(witnessAt, indices.length, true);
  proof.witness.forEach((w, i) => {
    const at = witnessAt + 8 + 72 * i;
    view.setUint32(at, w.index, true);
    if (w.slot) writeSlotRecord(input, at + 8, w.slot);
  });
  const inst = core.instance;
  const { out, post } = inst.call((x) => {
    const ptr = inst.reserveInput(input.length);
    inst.bytes().set(input, ptr);
    const o = x.engineVerifyStep(ptr);
    const mem = inst.bytes();
    return { out: mem.slice(o, o + RECEIPT_BYTES + 16 + 48), post: mem.slice(ptr, ptr + input.length) };
  });
  const ov = new DataView(out.buffer);
  if (ov.getUint32(RECEIPT_BYTES + 4, true) !== 0) throw new ProofError("FORMAT", "the step touches a slot the witness does not include");
  const status = ov.getUint8(0) as ReasonCode;
  const slotCountAfter = ov.getUint32(RECEIPT_BYTES, true);
  const pv = new DataView(post.buffer);
  // 5. the post-state: the same proofs with the new leaves
  const postLeaves = proof.witness.map((w, i) => (w.index < slotCountAfter ? keccak_256(encodeSlot(readSlotRecord(post, witnessAt + 8 + 72 * i + 8))) : ZERO_LEAF));
  const postTree = indices.length > 0 ? core.computeProofRoot(STATE_TREE_SHAPE, proof.slotProof, postLeaves) : fromHex(proof.treeRoot);
  const postState = `0x${toHex(keccak_256(encodeStateCommitment(postTree, slotCountAfter)))}` as Hex;
  let withdrawalsRoot = proof.withdrawalsRoot;
  let withdrawalCount = proof.withdrawalCount;
  if (ov.getUint32(RECEIPT_BYTES + 8, true) === 1) {
    const w = out.subarray(RECEIPT_BYTES + 16, RECEIPT_BYTES + 64);
    const wv = new DataView(w.buffer, w.byteOffset, w.byteLength);
    const record = { owner: `0x${toHex(w.subarray(0, 20))}` as Hex, token: wv.getUint32(20, true), amount: wv.getBigUint64(24, true) | (wv.getBigUint64(32, true) << 64n) };
    withdrawalsRoot = `0x${toHex(core.computeProofRoot(STATE_TREE_SHAPE, proof.withdrawalProof, [keccak_256(encodeWithdrawal(record))]))}` as Hex;
    withdrawalCount++;
  }
  const owedFees = proof.owedFees.map((_, i) => pv.getBigUint64(head + 16 * i, true) | (pv.getBigUint64(head + 16 * i + 8, true) << 64n));
  return { pre, post: stepCommitment({ stateRoot: postState, withdrawalsRoot, withdrawalCount, owedFees }), status };
}

