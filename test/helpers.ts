// Small helpers shared by tests.
import { keccak_256 } from "@noble/hashes/sha3.js";
import { encodeSlot } from "../src/protocol/slot-encoding.js";
import type { Slot } from "../src/protocol/types.js";
export { WasmCore, STATE_TREE_SHAPE, fromHex } from "../src/index.js";

/** The state-tree leaf of a slot, computed independently of the engine (noble keccak). */
export function keccak256Slot(slot: Slot): Uint8Array {
  return keccak_256(encodeSlot(slot));
}
