// Step proofs (docs/SPEC.md §11): the step commitment, and the one-step proof — a witness of the
// slots a step reads or writes, checked against the agreed pre-commitment and re-executed
// statelessly by the same WASM loop as applyBatch. Everything a verdict depends on is bound by a
// hash to the agreed commitment or comes from the posted batch; every field and size is checked
// here, in TypeScript, before anything reaches the core.

import { keccak_256 } from "@noble/hashes/sha3.js";
import { fromHex, isHash32Hex, toHex } from "../protocol/bytes.js";
import { InvalidArgumentError, ProofError } from "../protocol/errors.js";
import { MAX_SLOTS, MAX_U128, MAX_U64, type Hex, type StepParts } from "../protocol/types.js";
import { WasmCore } from "../core/wasm-core.js";
import { Engine, MAX_FEE_SLOTS, withLeafTree, withdrawalLeaves } from "../engine/engine.js";
import { encodeEntryRecord, readSlotRecord, writeSlotRecord, MAX_BATCH_ENTRIES, RECEIPT_BYTES } from "../engine/flat.js";
import { addressBytes, encodeSlot, encodeStateCommitment, encodeWithdrawal } from "../protocol/slot-encoding.js";
import { domainSeparator, type Eip712Domain } from "../protocol/eip712.js";
import type { Batch, L1Message, ReasonCode, SignedTx, Slot } from "../protocol/types.js";
import { STATE_TREE_SHAPE } from "../protocol/shape.js";
import { nobleRecovery, recoverTransactionSigner, type RecoveryBackend } from "../protocol/signatures.js";

/** Most slots one step can touch (a pool entry: the pool's 3 slots and up to 4 of the user's). */
export const MAX_TOUCHED_SLOTS = 7;
/** Most witness entries a step proof may carry: the touched slots and the batch's fee slots. */
export const MAX_WITNESS_SLOTS = MAX_TOUCHED_SLOTS + MAX_FEE_SLOTS;

/**
 * The largest canonical multiproof of `leaves` leaves in the 4-ary depth-16 tree (SPEC §3.3):
 * at most 3 sibling positions per leaf per level, every one sent. Sizes are checked against it
 * before a proof reaches the core.
 */
export function maxMultiproofBytes(leaves: number): number {
  const positions = leaves * 3 * 16;
  return 4 + 4 * leaves + Math.ceil(positions / 8) + 32 * positions;
}

function field(ok: boolean, what: string, rule: string): void {
  if (!ok) throw new ProofError("FIELD", `${what} ${rule}`);
}

function isU32(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
}

function hash32(v: unknown, what: string): Uint8Array {
  field(isHash32Hex(v), what, "must be a 0x-prefixed 32-byte hex string");
  return fromHex(v as string);
}

/**
 * contextHash = keccak256(domainSeparator ‖ u32 baseSlotCount ‖ per listed fee slot: u32 slot ‖
 * u128 owed), big-endian (SPEC §11.1). It binds the domain signatures are checked under and which
 * slots the fees are owed to — facts a step proof must not be able to choose.
 */
export function contextHash(domain: Eip712Domain, baseSlotCount: number, feeSlots: readonly number[], owedFees: readonly bigint[]): Uint8Array {
  field(isU32(baseSlotCount) && baseSlotCount <= MAX_SLOTS, "baseSlotCount", `must be an integer in [0, ${MAX_SLOTS}]`);
  field(Array.isArray(feeSlots) && feeSlots.length <= MAX_FEE_SLOTS, "feeSlots", `must be an array of at most ${MAX_FEE_SLOTS} slot indices`);
  field(Array.isArray(owedFees) && owedFees.length === feeSlots.length, "owedFees", "must hold one owed fee per fee slot");
  const bytes = new Uint8Array(36 + 20 * feeSlots.length);
  bytes.set(domainSeparator(domain), 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(32, baseSlotCount);
  feeSlots.forEach((slot, k) => {
    field(isU32(slot), `feeSlots[${k}]`, "must be a u32");
    const owed = owedFees[k];
    field(typeof owed === "bigint" && owed >= 0n && owed <= MAX_U128, `owedFees[${k}]`, "must be a u128 bigint");
    view.setUint32(36 + 20 * k, slot);
    view.setBigUint64(40 + 20 * k, (owed as bigint) >> 64n);
    view.setBigUint64(48 + 20 * k, (owed as bigint) & MAX_U64);
  });
  return keccak_256(bytes);
}

/** The commitment of the parts after the state root: what a claim's posted roots open with. */
export function commitmentOf(stateRoot: Uint8Array, withdrawalsRoot: Uint8Array, withdrawalCount: number, context: Uint8Array): Hex {
  field(isU32(withdrawalCount) && withdrawalCount <= MAX_BATCH_ENTRIES, "withdrawalCount", `must be an integer in [0, ${MAX_BATCH_ENTRIES}]`);
  const input = new Uint8Array(100);
  input.set(stateRoot, 0);
  input.set(withdrawalsRoot, 32);
  new DataView(input.buffer).setUint32(64, withdrawalCount);
  input.set(context, 68);
  return `0x${toHex(keccak_256(input))}`;
}

/**
 * C = keccak256(stateRoot ‖ withdrawalsRoot ‖ u32be withdrawalCount ‖ contextHash) (SPEC §11.1)
 * for a batch signed under `domain`. Throws ProofError(FIELD) naming the part that is out of range.
 */
export function stepCommitment(parts: StepParts, domain: Eip712Domain): Hex {
  const stateRoot = hash32(parts.stateRoot, "stateRoot");
  const withdrawalsRoot = hash32(parts.withdrawalsRoot, "withdrawalsRoot");
  return commitmentOf(stateRoot, withdrawalsRoot, parts.withdrawalCount, contextHash(domain, parts.baseSlotCount, parts.feeSlots, parts.owedFees));
}

/** keccak256(treeRoot ‖ u32be slotCount): the state root of §4.3. */
export function stateRootOf(treeRoot: Hex, slotCount: number): Hex {
  const root = hash32(treeRoot, "treeRoot");
  field(isU32(slotCount) && slotCount <= MAX_SLOTS, "slotCount", `must be an integer in [0, ${MAX_SLOTS}]`);
  return `0x${toHex(keccak_256(encodeStateCommitment(root, slotCount)))}`;
}

/** Root of the empty 4-ary depth-16 tree: the withdrawals root before a batch's first withdrawal. */
export const EMPTY_TREE_ROOT: Hex = (() => {
  let node: Uint8Array = new Uint8Array(32);
  for (let level = 0; level < 16; level++) {
    const four = new Uint8Array(128);
    for (let c = 0; c < 4; c++) four.set(node, 32 * c);
    node = keccak_256(four);
  }
  return `0x${toHex(node)}` as Hex;
})();

/**
 * C_0 of a batch (SPEC §11.1): computable by a referee from what it already trusts — the opening
 * (treeRoot, slotCount) of the agreed pre-state root and the fee slots of the posted batch.
 */
export function startCommitment(pre: { treeRoot: Hex; slotCount: number }, feeSlots: readonly number[], domain: Eip712Domain): Hex {
  return stepCommitment({
    stateRoot: stateRootOf(pre.treeRoot, pre.slotCount),
    withdrawalsRoot: EMPTY_TREE_ROOT,
    withdrawalCount: 0,
    baseSlotCount: pre.slotCount,
    feeSlots,
    owedFees: feeSlots.map(() => 0n),
  }, domain);
}

// ---- one-step proofs ----

/**
 * Everything a verifier needs besides the entry itself, which it takes from the posted batch —
 * as it takes the step's index and kind. Every field is bound to the agreed pre-commitment C_j:
 * the parts hash to it, the witness hashes to `treeRoot`, the withdrawal position to
 * `withdrawalsRoot`.
 */
export interface StepProof {
  treeRoot: Hex;
  slotCount: number;
  withdrawalsRoot: Hex;
  withdrawalCount: number;
  baseSlotCount: number;
  feeSlots: number[];
  owedFees: bigint[];
  /**
   * The slots the step reads or writes, and the batch's fee slots that existed before it,
   * ascending; `slot` is null exactly when `index >= slotCount` (not yet created).
   */
  witness: { index: number; slot: Slot | null }[];
  /** Multiproof of the witness indices against treeRoot (empty when the witness is). */
  slotProof: Uint8Array;
  /** Multiproof of position withdrawalCount (still empty) against withdrawalsRoot. */
  withdrawalProof: Uint8Array;
}

const ZERO_LEAF = new Uint8Array(32);

export type StepKind = "l1" | "tx" | "settle";

/** The entry step `step` applies: an L1 message, a transaction, or null for fee settlement. */
export function entryAt(batch: Batch, step: number): { kind: StepKind; entry: L1Message | SignedTx | null } {
  const l1 = batch.l1Messages.length;
  const entries = l1 + batch.txs.length;
  if (!Number.isInteger(step) || step < 0 || step > entries) throw new InvalidArgumentError(`step must be an integer in [0, ${entries}]`);
  if (step < l1) return { kind: "l1", entry: batch.l1Messages[step]! };
  if (step < entries) return { kind: "tx", entry: batch.txs[step - l1]! };
  return { kind: "settle", entry: null };
}

/** The kind of step an entry makes, from the entry itself (never from a proof). */
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
 * Builds the proof of step `step` of `batch`, applied to `engine`'s current state (the batch's
 * pre-state; the engine is not changed — the work happens on forks). A chain's `state` will do.
 */
export function proveStep(engine: Pick<Engine, "fork" | "recoverSigners" | "core">, batch: Batch, step: number, options: { signers?: (Hex | null)[] } = {}): StepProof {
  const entries = batch.l1Messages.length + batch.txs.length;
  if (!Number.isInteger(step) || step < 0 || step > entries) throw new InvalidArgumentError(`step must be in [0, ${entries}]`);
  const signers = options.signers ?? engine.recoverSigners(batch);
  const full = engine.fork();
  let touched: number[];
  try {
    touched = step < entries ? full.applyBatch(batch, { signers }).receipts[step]!.touched : [];
  } finally {
    full.dispose();
  }
  const pre = engine.fork();
  try {
    const parts = pre.applyPrefix(batch, step, { signers });
    const feeWitness = batch.feeSlots.filter((f) => f < parts.baseSlotCount);
    const indices = [...new Set([...touched, ...feeWitness])].sort((a, b) => a - b);
    const witness = indices.map((index) => ({ index, slot: index < parts.slotCount ? pre.getSlot(index) : null }));
    const core = engine.core;
    return withLeafTree(core, withdrawalLeaves(core, parts.withdrawals), (wtree) => ({
      treeRoot: parts.treeRoot,
      slotCount: parts.slotCount,
      withdrawalsRoot: parts.withdrawalsRoot,
      withdrawalCount: parts.withdrawalCount,
      baseSlotCount: parts.baseSlotCount,
      feeSlots: [...batch.feeSlots],
      owedFees: [...parts.owedFees],
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
 * Checks the type and range of every field of a step proof and every size against its protocol
 * maximum, before anything is hashed or allocated. Throws ProofError (FIELD or TOO_LARGE)
 * naming the field; returns the witness leaves' indices.
 */
export function checkStepProof(proof: StepProof): number[] {
  field(proof !== null && typeof proof === "object", "proof", "must be an object");
  hash32(proof.treeRoot, "proof.treeRoot");
  hash32(proof.withdrawalsRoot, "proof.withdrawalsRoot");
  field(isU32(proof.slotCount) && proof.slotCount <= MAX_SLOTS, "proof.slotCount", `must be an integer in [0, ${MAX_SLOTS}]`);
  field(isU32(proof.baseSlotCount) && proof.baseSlotCount <= proof.slotCount, "proof.baseSlotCount", "must be an integer in [0, slotCount]");
  field(isU32(proof.withdrawalCount) && proof.withdrawalCount < MAX_BATCH_ENTRIES, "proof.withdrawalCount", `must be an integer in [0, ${MAX_BATCH_ENTRIES})`);
  if (!Array.isArray(proof.feeSlots) || proof.feeSlots.length > MAX_FEE_SLOTS) throw new ProofError("TOO_LARGE", `proof.feeSlots must be an array of at most ${MAX_FEE_SLOTS}`);
  if (!Array.isArray(proof.owedFees) || proof.owedFees.length !== proof.feeSlots.length) throw new ProofError("FIELD", "proof.owedFees must hold one owed fee per fee slot");
  proof.feeSlots.forEach((f, k) => field(isU32(f), `proof.feeSlots[${k}]`, "must be a u32"));
  proof.owedFees.forEach((f, k) => field(typeof f === "bigint" && f >= 0n && f <= MAX_U128, `proof.owedFees[${k}]`, "must be a u128 bigint"));
  if (!Array.isArray(proof.witness) || proof.witness.length > MAX_WITNESS_SLOTS) {
    throw new ProofError("TOO_LARGE", `proof.witness must be an array of at most ${MAX_WITNESS_SLOTS} entries`);
  }
  const indices = proof.witness.map((w, i) => {
    const what = `proof.witness[${i}]`;
    field(w !== null && typeof w === "object", what, "must be an object");
    field(isU32(w.index), `${what}.index`, "must be a u32");
    if (i > 0) field(w.index > proof.witness[i - 1]!.index, `${what}.index`, "must be greater than the one before (ascending, no repeats)");
    if (w.index >= proof.slotCount) {
      field(w.slot === null, `${what}.slot`, `must be null: slot ${w.index} does not exist yet (slot count ${proof.slotCount})`);
    } else {
      const s = w.slot;
      field(s !== null && typeof s === "object", `${what}.slot`, `must be a slot: slot ${w.index} exists`);
      try {
        addressBytes(s!.owner, `${what}.slot.owner`);
      } catch (e) {
        throw new ProofError("FIELD", (e as Error).message);
      }
      field(isU32(s!.token), `${what}.slot.token`, "must be a u32");
      field(typeof s!.balance === "bigint" && s!.balance >= 0n && s!.balance <= MAX_U128, `${what}.slot.balance`, "must be a u128 bigint");
      field(typeof s!.nonce === "bigint" && s!.nonce >= 0n && s!.nonce <= MAX_U64, `${what}.slot.nonce`, "must be a u64 bigint");
    }
    return w.index;
  });
  for (const f of proof.feeSlots) {
    if (f < proof.baseSlotCount && !indices.includes(f)) throw new ProofError("WITNESS", `fee slot ${f} existed before the batch and is missing from the witness`);
  }
  field(proof.slotProof instanceof Uint8Array, "proof.slotProof", "must be a Uint8Array");
  field(proof.withdrawalProof instanceof Uint8Array, "proof.withdrawalProof", "must be a Uint8Array");
  if (proof.slotProof.length > maxMultiproofBytes(Math.max(1, indices.length))) {
    throw new ProofError("TOO_LARGE", `proof.slotProof is ${proof.slotProof.length} bytes, more than any proof of ${indices.length} slots`);
  }
  if (proof.withdrawalProof.length > maxMultiproofBytes(1)) {
    throw new ProofError("TOO_LARGE", `proof.withdrawalProof is ${proof.withdrawalProof.length} bytes, more than any proof of one position`);
  }
  return indices;
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

/**
 * Re-executes one step statelessly in the same WASM loop as applyBatch, after checking every field
 * and every hash of the proof. `entry` is the step's L1 message or transaction as posted — the
 * referee takes it, and so the step's kind, from the batch — or null for fee settlement.
 *
 * Run it in a core whose state does not matter (the default is a fresh one; {@link StepReferee}
 * keeps its own): the proof is hostile input.
 *
 * @throws ProofError (FIELD, TOO_LARGE, WITNESS) when the proof is malformed or a hash does not check.
 * @throws InvalidArgumentError when the entry is malformed.
 */
export function verifyStep(
  proof: StepProof,
  entry: L1Message | SignedTx | null,
  domain: Eip712Domain,
  options: { core?: WasmCore; recovery?: RecoveryBackend } = {},
): StepVerdict {
  const indices = checkStepProof(proof);
  const kind = kindOf(entry);
  const core = options.core ?? WasmCore.createSync();
  const k = proof.feeSlots.length;
  // 1. the pre-state parts and their commitment
  const pre = stepCommitment({ ...proof, stateRoot: stateRootOf(proof.treeRoot, proof.slotCount) }, domain);
  // 2. the witness against the tree root (indices ascending, as the multiproof names them)
  const leafOf = (slot: Slot | null) => (slot === null ? ZERO_LEAF : keccak_256(encodeSlot(slot)));
  if (indices.length > 0) {
    if (!namesExactly(proof.slotProof, indices)) throw new ProofError("WITNESS", "the slot proof does not name exactly the witness indices");
    const ok = checked("slot proof", () => core.verifyMultiproof(STATE_TREE_SHAPE, fromHex(proof.treeRoot), proof.slotProof, proof.witness.map((w) => leafOf(w.slot))));
    if (!ok) throw new ProofError("WITNESS", "the witness slots do not hash to the tree root");
  }
  // 3. the next withdrawal position is empty under the withdrawals root
  if (!namesExactly(proof.withdrawalProof, [proof.withdrawalCount])) throw new ProofError("WITNESS", "the withdrawal proof is not for the next position alone");
  const wOk = checked("withdrawal proof", () => core.verifyMultiproof(STATE_TREE_SHAPE, fromHex(proof.withdrawalsRoot), proof.withdrawalProof, [ZERO_LEAF]));
  if (!wOk) throw new ProofError("WITNESS", "the withdrawal position does not check against the withdrawals root");
  // 4. re-execute in the core
  const signer = kind === "tx" ? recoverTransactionSigner(entry as SignedTx, domain, options.recovery ?? nobleRecovery) : null;
  const record = entry === null ? new Uint8Array(0) : encodeEntryRecord(entry, signer);
  const headerBytes = 24;
  const owedAt = (headerBytes + 4 * k + 7) & ~7;
  const witnessAt = owedAt + 16 * k + record.length;
  const input = new Uint8Array(witnessAt + 8 + 72 * indices.length);
  const view = new DataView(input.buffer);
  view.setUint32(0, kind === "l1" ? 0 : kind === "tx" ? 1 : 2, true);
  view.setUint32(4, proof.slotCount, true);
  view.setUint32(8, k, true);
  view.setUint32(12, proof.withdrawalCount, true);
  view.setUint32(16, proof.baseSlotCount, true);
  proof.feeSlots.forEach((f, i) => view.setUint32(headerBytes + 4 * i, f, true));
  proof.owedFees.forEach((f, i) => {
    view.setBigUint64(owedAt + 16 * i, f & MAX_U64, true);
    view.setBigUint64(owedAt + 16 * i + 8, f >> 64n, true);
  });
  input.set(record, owedAt + 16 * k);
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
  if (ov.getUint32(RECEIPT_BYTES + 4, true) !== 0) throw new ProofError("WITNESS", "the step reads a slot the witness does not include");
  const status = ov.getUint8(0) as ReasonCode;
  const slotCountAfter = ov.getUint32(RECEIPT_BYTES, true);
  const pv = new DataView(post.buffer);
  // 5. the post-state: the same proofs with the new leaves
  const postLeaves = proof.witness.map((w, i) => (w.index < slotCountAfter ? keccak_256(encodeSlot(readSlotRecord(post, witnessAt + 8 + 72 * i + 8))) : ZERO_LEAF));
  const postTree = indices.length > 0 ? core.computeProofRoot(STATE_TREE_SHAPE, proof.slotProof, postLeaves) : fromHex(proof.treeRoot);
  let withdrawalsRoot = fromHex(proof.withdrawalsRoot);
  let withdrawalCount = proof.withdrawalCount;
  if (ov.getUint32(RECEIPT_BYTES + 8, true) === 1) {
    const w = out.subarray(RECEIPT_BYTES + 16, RECEIPT_BYTES + 64);
    const wv = new DataView(w.buffer, w.byteOffset, w.byteLength);
    const record = { owner: `0x${toHex(w.subarray(0, 20))}` as Hex, token: wv.getUint32(20, true), amount: wv.getBigUint64(24, true) | (wv.getBigUint64(32, true) << 64n) };
    withdrawalsRoot = core.computeProofRoot(STATE_TREE_SHAPE, proof.withdrawalProof, [keccak_256(encodeWithdrawal(record))]);
    withdrawalCount++;
  }
  const owedFees = proof.owedFees.map((_, i) => pv.getBigUint64(owedAt + 16 * i, true) | (pv.getBigUint64(owedAt + 16 * i + 8, true) << 64n));
  const postState = keccak_256(encodeStateCommitment(postTree, slotCountAfter));
  return { pre, post: commitmentOf(postState, withdrawalsRoot, withdrawalCount, contextHash(domain, proof.baseSlotCount, proof.feeSlots, owedFees)), status };
}

