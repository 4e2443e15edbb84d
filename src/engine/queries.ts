// Reads of an engine's state: roots, the slot count, one slot, an owner's slots. The Engine class
// (engine.ts) delegates here; these functions take the core and a live engine handle.

import { HASH_BYTES, toHex } from "../protocol/bytes.js";
import { InvalidArgumentError, StoreError } from "../protocol/errors.js";
import { addressBytes } from "../protocol/slot-encoding.js";
import type { Hex, Slot } from "../protocol/types.js";
import type { CoreInstance } from "../core/instance.js";
import { CORE_STATUS } from "../protocol/constants.generated.js";
import { readSlotRecord, SLOT_RECORD_BYTES } from "./flat.js";

/** Bytes the core's owner scan reads its 20-byte owner from (rounded up to keep the output aligned). */
const OWNER_INPUT_BYTES = 24;

/** Commits pending changes and returns the state root and the tree root (SPEC §4.3). */
export function engineRoots(instance: CoreInstance, handle: number): { stateRoot: Hex; treeRoot: Hex } {
  return instance.call((x) => {
    const out = instance.reserveInput(2 * HASH_BYTES);
    x.engineRoots(handle, out);
    const mem = instance.bytes();
    return {
      stateRoot: toHex(mem.subarray(out, out + HASH_BYTES)) as Hex,
      treeRoot: toHex(mem.subarray(out + HASH_BYTES, out + 2 * HASH_BYTES)) as Hex,
    };
  });
}

export function engineSlotCount(instance: CoreInstance, handle: number): number {
  return instance.call((x) => x.engineSlotCount(handle));
}

/** The typed error of a slot loaded from a store whose record does not hash to its stored leaf (D38). */
export function corruptSlotError(index: number): StoreError {
  return new StoreError(
    "CORRUPT",
    `stored slot ${index}: its record does not hash to its stored leaf (damaged store); nothing was executed — reopen with verify: "full" to find every such slot`,
  );
}

/**
 * The slot at `index`. A slot loaded from store pages is checked against its stored leaf the
 * first time it is read (the first-touch check, D38).
 *
 * @throws InvalidArgumentError if it does not exist.
 * @throws StoreError CORRUPT if its stored record does not hash to its stored leaf.
 */
export function engineGetSlot(instance: CoreInstance, handle: number, index: number): Slot {
  const count = engineSlotCount(instance, handle);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new InvalidArgumentError(`slot ${String(index)} does not exist (slot count ${count})`);
  }
  const slot = instance.call((x) => {
    const out = instance.reserveInput(SLOT_RECORD_BYTES);
    if (x.engineGetSlot(handle, index, out) === CORE_STATUS.ERR_CORRUPT_SLOT) return undefined;
    return readSlotRecord(instance.bytes(), out);
  });
  if (slot === undefined) throw corruptSlotError(index);
  return slot;
}

/**
 * Indices of every slot `owner` holds, ascending: one scan to count them, one to list them.
 *
 * @throws InvalidArgumentError when `owner` is not an address.
 */
export function engineSlotsOf(instance: CoreInstance, handle: number, owner: string): number[] {
  const ownerBytes = addressBytes(owner, "owner");
  const count = instance.call((x) => {
    const ptr = instance.copyIn(ownerBytes, OWNER_INPUT_BYTES - ownerBytes.length);
    return x.engineFindOwner(handle, ptr, ptr, 0);
  });
  return instance.call((x) => {
    const ptr = instance.copyIn(ownerBytes, OWNER_INPUT_BYTES - ownerBytes.length + count * 4);
    x.engineFindOwner(handle, ptr, ptr + OWNER_INPUT_BYTES, count);
    return Array.from(new Uint32Array(instance.bytes().buffer, ptr + OWNER_INPUT_BYTES, count));
  });
}
