// What a light client or an L1 bridge checks about the state without holding it (SPEC §4.3): that
// some slots are what a state root commits to, from a §3.3 multiproof of the state tree.

import { keccak_256 } from "@noble/hashes/sha3.js";
import { hashBytes, HASH_BYTES, type HashInput } from "../protocol/bytes.js";
import { InvalidArgumentError, ProofError } from "../protocol/errors.js";
import { STATE_TREE_SHAPE } from "../protocol/shape.js";
import { encodeSlot, encodeStateCommitment } from "../protocol/slot-encoding.js";
import { MAX_SLOTS, type Slot } from "../protocol/types.js";
import { defaultCore, type WasmCore } from "./wasm-core.js";

/** One opened position of the state tree: a slot, or null for an index at or past the slot count. */
export interface SlotOpening {
  /** The slot index (the tree's leaf index). */
  index: number;
  /** The slot there; null exactly when `index ≥ slotCount` (its leaf is then 32 zero bytes). */
  slot: Slot | null;
}

/**
 * Checks that `slots` are the slots at their indices in the state committed to by `stateRoot`
 * (SPEC §4.3): the multiproof `proof` (§3.3, as `engine.proveSlots(indices)` makes it) must name
 * exactly these indices, in the same strictly increasing order; the tree root it computes from the
 * slots' leaves — keccak256 of each slot's encoding (§4.1), 32 zero bytes for an index
 * `≥ slotCount` — and `slotCount` must hash to `stateRoot`:
 * `stateRoot = keccak256(treeRoot ‖ u32be slotCount)`. Binding the count matters: it says which
 * indices are empty, and so where the next slot goes. Hashes in `options.core`, by default the
 * shared {@link defaultCore}.
 * @returns true (it never returns false: a proof that does not verify throws).
 * @throws ProofError — FIELD: `slotCount` above 2^24, a slot given for an index `≥ slotCount` or
 *   null for one below it; FORMAT (or another §3.4 fault): the proof is malformed or does not name
 *   exactly the indices of `slots`; WITNESS: the slots and the count do not hash to `stateRoot`.
 * @throws InvalidArgumentError if `stateRoot` is not 32 bytes or 0x + 64 hex digits, `slots` is
 *   not a non-empty array of `{ index, slot }` or a slot's fields are out of range.
 */
export function verifySlotProof(
  stateRoot: HashInput,
  slotCount: number,
  proof: Uint8Array,
  slots: readonly SlotOpening[],
  options: { core?: WasmCore } = {},
): true {
  const root = hashBytes(stateRoot, "stateRoot");
  if (!Number.isInteger(slotCount) || slotCount < 0 || slotCount > MAX_SLOTS) {
    throw new ProofError("FIELD", `slotCount must be an integer in [0, ${MAX_SLOTS}], got ${String(slotCount)}`);
  }
  if (!(proof instanceof Uint8Array)) throw new InvalidArgumentError("proof must be a Uint8Array");
  if (!Array.isArray(slots) || slots.length === 0) throw new InvalidArgumentError("slots must be a non-empty array of { index, slot }");
  const leaves = slots.map((s, i) => {
    if (s === null || typeof s !== "object") throw new InvalidArgumentError(`slots[${i}] must be { index, slot }`);
    if (!Number.isInteger(s.index) || s.index < 0) throw new InvalidArgumentError(`slots[${i}].index must be a non-negative integer`);
    if ((s.slot === null) !== s.index >= slotCount) {
      throw new ProofError(
        "FIELD",
        `slots[${i}]: index ${s.index} ${s.index >= slotCount ? "is at or past" : "is below"} slotCount ${slotCount}, so its slot must be ${s.index >= slotCount ? "null (a zero leaf)" : "given"}`,
      );
    }
    return s.slot === null ? new Uint8Array(HASH_BYTES) : keccak_256(encodeSlot(s.slot));
  });
  // the proof's header names its leaf indices (§3.3): they must be exactly the opened ones
  const view = new DataView(proof.buffer, proof.byteOffset, proof.byteLength);
  if (proof.length < 4 + 4 * slots.length || view.getUint32(0, true) !== slots.length || slots.some((s, i) => view.getUint32(4 + 4 * i, true) !== s.index)) {
    throw new ProofError("FORMAT", "the proof does not name exactly the indices of slots, in their order");
  }
  const treeRoot = (options.core ?? defaultCore()).computeProofRoot(STATE_TREE_SHAPE, proof, leaves);
  const computed = keccak_256(encodeStateCommitment(treeRoot, slotCount));
  let diff = 0;
  for (let i = 0; i < HASH_BYTES; i++) diff |= computed[i]! ^ root[i]!;
  if (diff !== 0) throw new ProofError("WITNESS", "the slots and the slot count do not hash to the state root");
  return true;
}
