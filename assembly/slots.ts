// Slot storage and the per-batch bookkeeping around it: the slot array in linear memory, the
// dirty list, leaf hashing, and the fee accumulators.
//
// A slot record is 48 bytes (stored 64 apart, one per cache line), native little-endian:
//   +0 balance lo u64 | +8 balance hi u64 | +16 nonce u64 | +24 token u32 | +28 owner (20 bytes)
// Its leaf is keccak256 of the big-endian encoding owner ‖ token ‖ balance ‖ nonce (SPEC §4.1).

import { allocBytes, freeBytes } from "./common";
import { U32List, u32ListPush } from "./buffers";
import { keccak256x48 } from "./keccak";
import { Tree, ensureLeafStored, writeLeaf, radixSort } from "./tree";

/** Bytes of a slot record as exchanged with JS. */
export const SLOT_BYTES: usize = 48;
/** Bytes between records in memory: one cache line each, so no record straddles two lines. */
export const SLOT_STRIDE: usize = 64;
export const S_BALANCE: usize = 0;
export const S_NONCE: usize = 16;
export const S_TOKEN: usize = 24;
export const S_OWNER: usize = 28;
export const MAX_SLOTS: u32 = 1 << 24;
export const MAX_FEE_SLOTS: u32 = 16;

const LEAF_INPUT: usize = memory.data(48, 8);
const LEAF: usize = memory.data(32, 8);

@unmanaged
export class State {
  tree: Tree = changetype<Tree>(0);
  slots: usize = 0;
  slotCount: u32 = 0;
  slotCapacity: u32 = 0;
  /** Slot indices changed since the last commit (repeats allowed; sorted and deduplicated then). */
  dirty: U32List = changetype<U32List>(0);
  /**
   * Non-zero in a stateless step check: the address of a witness table (u32 count, then per entry
   * u32 index, 4 pad, 64-byte record) standing in for the slot array. Only verifyStep sets it.
   */
  sparse: usize = 0;
  /** Set when a step touched a slot its witness did not include. */
  missing: u32 = 0;
}

@inline export function slotPtr(s: State, index: u32): usize {
  if (s.sparse != 0) return sparseSlot(s, index);
  return s.slots + (<usize>index << 6); // × SLOT_STRIDE
}

const MISSING_SLOT: usize = memory.data(64, 8);
export const WITNESS_ENTRY_BYTES: usize = 72;

/** The witnessed record of `index`, or a zero scratch record (and the missing flag). */
function sparseSlot(s: State, index: u32): usize {
  const n = load<u32>(s.sparse);
  for (let k: u32 = 0; k < n; k++) {
    const e = s.sparse + 8 + <usize>k * WITNESS_ENTRY_BYTES;
    if (load<u32>(e) == index) return e + 8;
  }
  s.missing = 1;
  memory.fill(MISSING_SLOT, 0, 64);
  return MISSING_SLOT;
}

/** Makes room for `extra` more slots; false when that would pass MAX_SLOTS. */
export function reserveSlots(s: State, extra: u32): bool {
  const needed = <u64>s.slotCount + <u64>extra;
  if (needed > <u64>MAX_SLOTS) return false;
  if (s.sparse != 0) return true; // created slots live in the witness table
  if (needed <= <u64>s.slotCapacity) return true;
  let cap = s.slotCapacity == 0 ? <u32>1024 : s.slotCapacity;
  while (<u64>cap < needed) cap <<= 1;
  const grown = allocBytes(<usize>cap * SLOT_STRIDE);
  if (s.slots != 0) {
    memory.copy(grown, s.slots, <usize>s.slotCount * SLOT_STRIDE);
    freeBytes(s.slots);
  }
  s.slots = grown;
  s.slotCapacity = cap;
  return true;
}

export function markDirty(s: State, index: u32): void {
  u32ListPush(s.dirty, index);
}

/** Appends a slot (room reserved by the caller) and marks it dirty; returns its index. */
export function appendSlot(s: State, owner: usize, token: u32, balLo: u64, balHi: u64, nonce: u64): u32 {
  const index = s.slotCount;
  const p = slotPtr(s, index);
  store<u64>(p, balLo, S_BALANCE);
  store<u64>(p, balHi, S_BALANCE + 8);
  store<u64>(p, nonce, S_NONCE);
  store<u32>(p, token, S_TOKEN);
  memory.copy(p + S_OWNER, owner, 20);
  s.slotCount++;
  markDirty(s, index);
  return index;
}

/** keccak256 of the slot's 48-byte big-endian encoding into `out`. */
export function slotLeaf(p: usize, out: usize): void {
  memory.copy(LEAF_INPUT, p + S_OWNER, 20);
  store<u32>(LEAF_INPUT, bswap<u32>(load<u32>(p, S_TOKEN)), 20);
  store<u64>(LEAF_INPUT, bswap<u64>(load<u64>(p, S_BALANCE + 8)), 24);
  store<u64>(LEAF_INPUT, bswap<u64>(load<u64>(p, S_BALANCE)), 32);
  store<u64>(LEAF_INPUT, bswap<u64>(load<u64>(p, S_NONCE)), 40);
  keccak256x48(LEAF_INPUT, out);
}

/** Rehashes each dirty slot once and writes its leaf into the state tree (not yet committed). */
export function flushDirtySlots(s: State): void {
  const n = s.dirty.count;
  if (n == 0) return;
  if (s.sparse != 0) {
    s.dirty.count = 0; // a step check recomputes the root from its multiproof instead
    return;
  }
  if (s.slotCount > 0) ensureLeafStored(s.tree, s.slotCount - 1);
  let keyBits: u32 = 0;
  while (keyBits < 32 && (<u64>1 << keyBits) < <u64>s.slotCount) keyBits += 8;
  const sorted = radixSort(s.dirty.ptr, n, keyBits);
  let last: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const index = load<u32>(sorted + (<usize>i << 2));
    if (i > 0 && index == last) continue;
    last = index;
    slotLeaf(slotPtr(s, index), LEAF);
    writeLeaf(s.tree, index, LEAF);
  }
  s.dirty.count = 0;
}
