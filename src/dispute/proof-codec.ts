// The one-step proof v1 (docs/SPEC.md §11.5): its object form, the range checks every verifier
// runs first, and its flat canonical binary encoding — big-endian fields with the §3.3 multiproofs
// embedded — which an L1 contract parses with calldataload and shifts. One proof, one encoding:
// a decoder refuses anything else with a ProofError naming the field.

import { toHex } from "../protocol/bytes.js";
import { ProofError } from "../protocol/errors.js";
import { MAX_FEE_PAIRS, MAX_SLOTS, MAX_U128, MAX_U64, type Hex, type Slot } from "../protocol/types.js";
import { MAX_BATCH_ENTRIES, MAX_TOUCHED_SLOTS, MAX_WITNESS_SLOTS, SLOT_LEAF_BYTES } from "../protocol/constants.generated.js";
import { addressBytes, encodeSlot, readUint } from "../protocol/slot-encoding.js";
import { field, hash32, isU32 } from "./commitment.js";

/** The proof format's version byte. */
export const STEP_PROOF_VERSION = 0x01;
export { MAX_TOUCHED_SLOTS, MAX_WITNESS_SLOTS };

/** A fee pair of the batch with what it is owed before the step. */
export interface StepFee {
  token: number;
  slot: number;
  owed: bigint;
}

/**
 * Everything a verifier needs besides the entry itself, which it takes from the posted batch —
 * as it takes the step's index and kind. Every field is bound to the agreed pre-commitment C_j:
 * the parts hash to it, the witness to `treeRoot`, the withdrawal position to `withdrawalsRoot`.
 */
export interface StepProof {
  treeRoot: Hex;
  slotCount: number;
  withdrawalsRoot: Hex;
  withdrawalCount: number;
  baseSlotCount: number;
  /** The batch's fee pairs, as it lists them, each with what it is owed so far. */
  fees: StepFee[];
  /**
   * Exactly the slots the step reads or writes (an entry's touched slots; for settlement the
   * listed slots with something owed that exist), ascending; `slot` is null exactly when
   * `index >= slotCount` (not yet created).
   */
  witness: { index: number; slot: Slot | null }[];
  /** Multiproof (§3.3) of the witness indices against treeRoot; empty when the witness is. */
  slotProof: Uint8Array;
  /**
   * Multiproof of position withdrawalCount (still empty) against withdrawalsRoot, present exactly
   * when the step appends a withdrawal; null otherwise.
   */
  withdrawalProof: Uint8Array | null;
}

const ARITY = 4;
const DEPTH = 16;

/**
 * The largest canonical multiproof of `leaves` leaves in the 4-ary depth-16 tree (SPEC §3.3):
 * at most 3 sibling positions per leaf per level, every one sent. Sizes are checked against it
 * before a proof reaches the core. Never throws (a count outside 1…2^20 gives a bound no proof meets).
 */
export function maxMultiproofBytes(leaves: number): number {
  const positions = leaves * (ARITY - 1) * DEPTH;
  return 4 + 4 * leaves + Math.ceil(positions / 8) + 32 * positions;
}

/** Fixed part of an encoded proof: version, roots, counts, pair and witness counts. */
const FIXED_BYTES = 1 + 32 + 4 + 32 + 4 + 4 + 1 + 1;
const PAIR_BYTES = 24;
const SLOT_BYTES = SLOT_LEAF_BYTES;
/** The longest encoding any proof can have: every list full, both multiproofs at their maximum. */
export const MAX_STEP_PROOF_BYTES =
  FIXED_BYTES + MAX_FEE_PAIRS * PAIR_BYTES + MAX_WITNESS_SLOTS * SLOT_BYTES + maxMultiproofBytes(MAX_WITNESS_SLOTS) + maxMultiproofBytes(1);

/**
 * Checks the type and range of every field of a step proof and every size against its protocol
 * maximum, before anything is hashed or allocated; returns the witness indices.
 *
 * @throws ProofError (FIELD or TOO_LARGE) naming the field.
 */
export function checkStepProof(proof: StepProof): number[] {
  field(proof !== null && typeof proof === "object", "proof", "must be an object");
  hash32(proof.treeRoot, "proof.treeRoot");
  hash32(proof.withdrawalsRoot, "proof.withdrawalsRoot");
  field(isU32(proof.slotCount) && proof.slotCount <= MAX_SLOTS, "proof.slotCount", `must be an integer in [0, ${MAX_SLOTS}]`);
  field(isU32(proof.baseSlotCount) && proof.baseSlotCount <= proof.slotCount, "proof.baseSlotCount", "must be an integer in [0, slotCount]");
  field(isU32(proof.withdrawalCount) && proof.withdrawalCount < MAX_BATCH_ENTRIES, "proof.withdrawalCount", `must be an integer in [0, ${MAX_BATCH_ENTRIES})`);
  if (!Array.isArray(proof.fees) || proof.fees.length > MAX_FEE_PAIRS)
    throw new ProofError("TOO_LARGE", `proof.fees must be an array of at most ${MAX_FEE_PAIRS} fee pairs`);
  proof.fees.forEach((f, k) => {
    const what = `proof.fees[${k}]`;
    field(f !== null && typeof f === "object", what, "must be { token, slot, owed }");
    field(isU32(f.token), `${what}.token`, "must be a u32");
    if (k > 0) field(f.token > proof.fees[k - 1]!.token, `${what}.token`, "must be greater than the one before (one pair per token, ascending)");
    field(isU32(f.slot), `${what}.slot`, "must be a u32");
    field(typeof f.owed === "bigint" && f.owed >= 0n && f.owed <= MAX_U128, `${what}.owed`, "must be a u128 bigint");
  });
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
  field(proof.slotProof instanceof Uint8Array, "proof.slotProof", "must be a Uint8Array");
  field((proof.slotProof.length === 0) === (indices.length === 0), "proof.slotProof", "must be empty exactly when the witness is");
  if (proof.slotProof.length > maxMultiproofBytes(Math.max(1, indices.length))) {
    throw new ProofError("TOO_LARGE", `proof.slotProof is ${proof.slotProof.length} bytes, more than any proof of ${indices.length} slots`);
  }
  field(proof.withdrawalProof === null || proof.withdrawalProof instanceof Uint8Array, "proof.withdrawalProof", "must be a Uint8Array or null");
  if (proof.withdrawalProof !== null && proof.withdrawalProof.length > maxMultiproofBytes(1)) {
    throw new ProofError("TOO_LARGE", `proof.withdrawalProof is ${proof.withdrawalProof.length} bytes, more than any proof of one position`);
  }
  return indices;
}

/**
 * The length of the §3.3 multiproof at `offset` of `bytes`, from its own header: `k` (which must
 * be `expectedLeaves`), the strictly increasing indices, the bitmap and its popcount. Used to find
 * where a self-delimiting multiproof ends; the core verifies its content later.
 *
 * @throws ProofError (FIELD) naming `what` when the header is malformed or the proof runs past the end.
 */
export function multiproofLength(bytes: Uint8Array, offset: number, expectedLeaves: number, what: string): { length: number; indices: number[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const left = bytes.length - offset;
  field(left >= 4, what, "is truncated (no leaf count)");
  const k = view.getUint32(offset, true);
  field(k === expectedLeaves, `${what}.k`, `must be ${expectedLeaves}, got ${k}`);
  field(left >= 4 + 4 * k, what, "is truncated (indices)");
  const indices: number[] = [];
  for (let i = 0; i < k; i++) {
    const index = view.getUint32(offset + 4 + 4 * i, true);
    if (i > 0) field(index > indices[i - 1]!, `${what}.indices[${i}]`, "must be greater than the one before");
    indices.push(index);
  }
  // sibling positions (SPEC §3.3): every child of a parent of a known node that is not known
  let positions = 0;
  let known = indices;
  for (let level = 0; level < DEPTH; level++) {
    const parents: number[] = [];
    for (const i of known) {
      const p = Math.floor(i / ARITY);
      if (parents[parents.length - 1] !== p) parents.push(p);
    }
    positions += ARITY * parents.length - known.length;
    known = parents;
  }
  const bitmapBytes = Math.ceil(positions / 8);
  const bitmapAt = offset + 4 + 4 * k;
  field(left >= 4 + 4 * k + bitmapBytes, what, "is truncated (bitmap)");
  let zeros = 0;
  for (let j = 0; j < bitmapBytes * 8; j++) {
    if (((bytes[bitmapAt + (j >> 3)]! >> (j & 7)) & 1) === 0) continue;
    field(j < positions, `${what}.bitmap`, `has a bit set at ${j}, beyond its ${positions} positions`);
    zeros++;
  }
  const length = 4 + 4 * k + bitmapBytes + 32 * (positions - zeros);
  field(left >= length, what, `is truncated (${length} bytes, ${left} left)`);
  return { length, indices };
}

function putU128(view: DataView, at: number, v: bigint): void {
  view.setBigUint64(at, v >> 64n);
  view.setBigUint64(at + 8, v & MAX_U64);
}

/**
 * The proof as its flat canonical bytes (SPEC §11.5): what a referee and an L1 contract read.
 *
 * @throws ProofError (FIELD, TOO_LARGE) when the proof is out of range or its multiproofs do not
 *   name the witness indices / the withdrawal position, or are not exactly one multiproof each.
 */
export function encodeStepProof(p: StepProof): Uint8Array {
  const indices = checkStepProof(p);
  if (indices.length > 0) {
    const { length, indices: named } = multiproofLength(p.slotProof, 0, indices.length, "proof.slotProof");
    field(length === p.slotProof.length, "proof.slotProof", `is ${p.slotProof.length} bytes, its header says ${length}`);
    field(
      named.every((ix, i) => ix === indices[i]),
      "proof.slotProof",
      "must name exactly the witness indices",
    );
  }
  if (p.withdrawalProof !== null) {
    const { length, indices: named } = multiproofLength(p.withdrawalProof, 0, 1, "proof.withdrawalProof");
    field(length === p.withdrawalProof.length, "proof.withdrawalProof", `is ${p.withdrawalProof.length} bytes, its header says ${length}`);
    field(named[0] === p.withdrawalCount, "proof.withdrawalProof", "must name exactly position withdrawalCount");
  }
  const w = p.witness.length;
  const size = FIXED_BYTES + PAIR_BYTES * p.fees.length + SLOT_BYTES * w + p.slotProof.length + (p.withdrawalProof?.length ?? 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = STEP_PROOF_VERSION;
  out.set(hash32(p.treeRoot, "proof.treeRoot"), 1);
  view.setUint32(33, p.slotCount);
  out.set(hash32(p.withdrawalsRoot, "proof.withdrawalsRoot"), 37);
  view.setUint32(69, p.withdrawalCount);
  view.setUint32(73, p.baseSlotCount);
  out[77] = p.fees.length;
  let at = 78;
  for (const f of p.fees) {
    view.setUint32(at, f.token);
    view.setUint32(at + 4, f.slot);
    putU128(view, at + 8, f.owed);
    at += PAIR_BYTES;
  }
  out[at++] = w;
  for (const entry of p.witness) {
    if (entry.slot !== null) out.set(encodeSlot(entry.slot), at);
    at += SLOT_BYTES;
  }
  out.set(p.slotProof, at);
  at += p.slotProof.length;
  if (p.withdrawalProof !== null) out.set(p.withdrawalProof, at);
  return out;
}

/**
 * Parses and bounds a flat step proof (SPEC §11.5): every field in range, each multiproof exactly
 * one self-delimiting §3.3 encoding (the slot proof's `k` is the witness count and its indices the
 * witness indices; the withdrawal proof, when present, runs to the end and names position
 * withdrawalCount), witness slots all zero exactly when their index is at or past slotCount, no
 * trailing bytes. Hashes are not checked here: {@link verifyStep} does that.
 *
 * @throws ProofError (FIELD or TOO_LARGE) naming the field.
 */
export function decodeStepProof(bytes: Uint8Array): StepProof {
  field(bytes instanceof Uint8Array, "proof", "must be a Uint8Array");
  if (bytes.length > MAX_STEP_PROOF_BYTES)
    throw new ProofError("TOO_LARGE", `proof is ${bytes.length} bytes, more than any step proof (${MAX_STEP_PROOF_BYTES})`);
  field(bytes.length >= FIXED_BYTES - 1, "proof", `is truncated (${bytes.length} bytes, the fixed part alone is ${FIXED_BYTES - 1})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  field(bytes[0] === STEP_PROOF_VERSION, "proof.version", `must be ${STEP_PROOF_VERSION}, got ${bytes[0]}`);
  const hex = (at: number): Hex => toHex(bytes.subarray(at, at + 32));
  const slotCount = view.getUint32(33);
  const withdrawalCount = view.getUint32(69);
  const baseSlotCount = view.getUint32(73);
  field(slotCount <= MAX_SLOTS, "proof.slotCount", `must be at most ${MAX_SLOTS}`);
  field(withdrawalCount < MAX_BATCH_ENTRIES, "proof.withdrawalCount", `must be below ${MAX_BATCH_ENTRIES}`);
  field(baseSlotCount <= slotCount, "proof.baseSlotCount", "must be at most slotCount");
  const pairCount = bytes[77]!;
  field(pairCount <= MAX_FEE_PAIRS, "proof.pairCount", `must be at most ${MAX_FEE_PAIRS}`);
  let at = 78;
  field(bytes.length >= at + PAIR_BYTES * pairCount + 1, "proof.fees", "are truncated");
  const fees: StepFee[] = [];
  for (let k = 0; k < pairCount; k++, at += PAIR_BYTES) {
    const token = view.getUint32(at);
    if (k > 0) field(token > fees[k - 1]!.token, `proof.fees[${k}].token`, "must be greater than the one before");
    fees.push({ token, slot: view.getUint32(at + 4), owed: (view.getBigUint64(at + 8) << 64n) | view.getBigUint64(at + 16) });
  }
  const w = bytes[at++]!;
  field(w <= MAX_WITNESS_SLOTS, "proof.witnessCount", `must be at most ${MAX_WITNESS_SLOTS}`);
  field(bytes.length >= at + SLOT_BYTES * w, "proof.witness", "is truncated");
  const slotsAt = at;
  at += SLOT_BYTES * w;
  let indices: number[] = [];
  let slotProof = new Uint8Array(0);
  if (w > 0) {
    const parsed = multiproofLength(bytes, at, w, "proof.slotProof");
    indices = parsed.indices;
    slotProof = bytes.slice(at, at + parsed.length);
    at += parsed.length;
  }
  let withdrawalProof: Uint8Array | null = null;
  if (at < bytes.length) {
    const parsed = multiproofLength(bytes, at, 1, "proof.withdrawalProof");
    field(parsed.indices[0] === withdrawalCount, "proof.withdrawalProof", `must name position withdrawalCount ${withdrawalCount}, not ${parsed.indices[0]}`);
    field(at + parsed.length === bytes.length, "proof", `has ${bytes.length - at - parsed.length} trailing bytes`);
    withdrawalProof = bytes.slice(at);
  }
  const witness = indices.map((index, i) => {
    const s = bytes.subarray(slotsAt + SLOT_BYTES * i, slotsAt + SLOT_BYTES * (i + 1));
    const zero = s.every((b) => b === 0);
    const what = `proof.witness[${i}]`;
    if (index >= slotCount) {
      field(zero, what, `must be all zero bytes: slot ${index} does not exist yet (slot count ${slotCount})`);
      return { index, slot: null };
    }
    field(!zero, what, `must be slot ${index} as it is, not all zero bytes: it exists (slot count ${slotCount})`);
    const slot: Slot = {
      owner: toHex(s.subarray(0, 20)),
      token: Number(readUint(s, 20, 4)),
      balance: readUint(s, 24, 16),
      nonce: readUint(s, 40, 8),
    };
    return { index, slot };
  });
  return { treeRoot: hex(1), slotCount, withdrawalsRoot: hex(37), withdrawalCount, baseSlotCount, fees, witness, slotProof, withdrawalProof };
}
