// Slot storage and the per-batch bookkeeping around it: the slot array in linear memory, the
// dirty list, leaf hashing, and the fee accumulators.
//
// A slot record is 48 bytes (stored 64 apart, one per cache line), native little-endian, in the
// table's slot record layout (S_*: balance u128 | nonce u64 | token u32 | owner 20 bytes). Its leaf
// is keccak256 of the big-endian slot leaf layout owner ‖ token ‖ balance ‖ nonce (SPEC §4.1).

import { tryAlloc, freeBytes } from "./common";
import { U32List, u32ListPush, u32ListReserve, u32ListTrim } from "./buffers";
import { keccak256x48 } from "./keccak";
import { Tree, ensureLeafStored, writeLeaf, readLeaf, radixSort, reserveSortScratch, trimAfterCommit } from "./tree";
import { OK } from "./status";
import {
  SLOT_RECORD_BYTES, SLOT_STRIDE_BYTES, SLOT_LEAF_BYTES, SL_TOKEN, SL_BALANCE, SL_NONCE, WITNESS_ENTRY_BYTES, WE_RECORD,
} from "./generated/constants";
export { S_BALANCE, S_NONCE, S_TOKEN, S_OWNER, MAX_SLOTS } from "./generated/constants";
import { S_BALANCE, S_NONCE, S_TOKEN, S_OWNER, MAX_SLOTS } from "./generated/constants";

/** Bytes of a slot record as exchanged with JS. */
export const SLOT_BYTES: usize = SLOT_RECORD_BYTES;

// The slot array is split into chunks of 2^20 slots (64 MiB), never one block (D23): 2^24 slots
// × 64 bytes is 1 GiB, more than one allocation may hold, and growing one block would need the
// old and new copies at once. Chunk 0 doubles from 1024 slots up to a full chunk (so a small
// state stays small); every later chunk is allocated whole and never moves.
export const SLOT_CHUNK_LOG2: u32 = 20;
export const SLOT_CHUNK_SLOTS: u32 = 1 << SLOT_CHUNK_LOG2;
const SLOT_CHUNK_MASK: u32 = SLOT_CHUNK_SLOTS - 1;
export const MAX_SLOT_CHUNKS: u32 = MAX_SLOTS >> SLOT_CHUNK_LOG2;
/** Dirty lists above this many entries are freed once idle (they grew for a bulk load). */
const KEEP_DIRTY: u32 = 1 << 18;

const LEAF_INPUT: usize = memory.data(<i32>SLOT_LEAF_BYTES, 8);
const LEAF: usize = memory.data(32, 8);

@unmanaged
export class State {
  tree: Tree = changetype<Tree>(0);
  /** MAX_SLOT_CHUNKS pointers to the slot chunks (0 past slotCapacity); 0 in a step check. */
  chunks: usize = 0;
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
  /**
   * Bitmap over slots [0, uncheckedSlots): bit i set = slot i was loaded from a store with its
   * leaf taken on trust and its record not yet hashed against it (first-touch check, D38). 0
   * when nothing was loaded that way; slots at or past uncheckedSlots are always checked.
   */
  unchecked: usize = 0;
  uncheckedSlots: u32 = 0;
}

@inline export function slotPtr(s: State, index: u32): usize {
  if (s.sparse != 0) return sparseSlot(s, index);
  const chunk = load<usize>(s.chunks + (<usize>(index >> SLOT_CHUNK_LOG2) << alignof<usize>()));
  return chunk + (<usize>(index & SLOT_CHUNK_MASK) << 6); // × SLOT_STRIDE_BYTES: one cache line per record
}

/** Address of chunk `k`'s pointer in the chunk table. */
@inline export function chunkEntry(s: State, k: u32): usize {
  return s.chunks + (<usize>k << alignof<usize>());
}

/** Slots chunk `k` holds room for (chunk 0 may be partial). */
@inline export function chunkCapacity(s: State, k: u32): u32 {
  return k == 0 ? min<u32>(s.slotCapacity, SLOT_CHUNK_SLOTS) : SLOT_CHUNK_SLOTS;
}

const MISSING_SLOT: usize = memory.data(<i32>SLOT_STRIDE_BYTES, 8);

/** The witnessed record of `index`, or a zero scratch record (and the missing flag). */
function sparseSlot(s: State, index: u32): usize {
  const n = load<u32>(s.sparse);
  for (let k: u32 = 0; k < n; k++) {
    const e = s.sparse + 8 + <usize>k * WITNESS_ENTRY_BYTES;
    if (load<u32>(e) == index) return e + WE_RECORD;
  }
  s.missing = 1;
  memory.fill(MISSING_SLOT, 0, SLOT_STRIDE_BYTES);
  return MISSING_SLOT;
}

/**
 * Makes room for `extra` more slots — in the slot array, the state tree, the dirty lists and the
 * sort scratch, so that creating them and the next commit allocate nothing. False when that would
 * pass MAX_SLOTS or does not fit in memory; then the state is unchanged (only capacity may grow).
 */
export function reserveSlots(s: State, extra: u32): bool {
  const needed = <u64>s.slotCount + <u64>extra;
  if (needed > <u64>MAX_SLOTS) return false;
  if (s.sparse != 0) return true; // created slots live in the witness table
  if (extra == 0) return true;
  if (needed > <u64>s.slotCapacity && !growSlots(s, <u32>needed)) return false;
  if (ensureLeafStored(s.tree, <u32>needed - 1) != OK) return false;
  return reserveDirty(s, extra);
}

function growSlots(s: State, needed: u32): bool {
  if (s.slotCapacity < SLOT_CHUNK_SLOTS) {
    let cap = s.slotCapacity == 0 ? <u32>1024 : s.slotCapacity;
    while (cap < needed && cap < SLOT_CHUNK_SLOTS) cap <<= 1;
    if (cap != s.slotCapacity) {
      const grown = tryAlloc(<usize>cap << 6);
      if (grown == 0) return false;
      const old = load<usize>(chunkEntry(s, 0));
      if (old != 0) {
        memory.copy(grown, old, <usize>s.slotCount << 6);
        freeBytes(old);
      }
      store<usize>(chunkEntry(s, 0), grown);
      s.slotCapacity = cap;
    }
  }
  while (s.slotCapacity < needed) {
    const chunk = tryAlloc(<usize>SLOT_CHUNK_SLOTS << 6);
    if (chunk == 0) return false; // the chunks already added stay: capacity, not state
    store<usize>(chunkEntry(s, s.slotCapacity >> SLOT_CHUNK_LOG2), chunk);
    s.slotCapacity += SLOT_CHUNK_SLOTS;
  }
  return true;
}

/**
 * Makes room for `extraMarks` more markDirty calls and for flushing them (tree dirty list, sort
 * scratch) without allocating; false when that does not fit.
 */
export function reserveDirty(s: State, extraMarks: u64): bool {
  if (s.sparse != 0) return u32ListReserve(s.dirty, extraMarks);
  if (!u32ListReserve(s.dirty, extraMarks)) return false;
  const pending = <u64>s.dirty.count + extraMarks;
  return u32ListReserve(s.tree.dirty, pending) && reserveSortScratch(<u64>s.tree.dirty.count + pending);
}

/** Frees dirty lists and scratch a bulk load grew, once they are idle (after a commit). */
export function trimIdle(s: State): void {
  if (s.dirty.count == 0 && s.dirty.capacity > KEEP_DIRTY) u32ListTrim(s.dirty, 1024);
  trimAfterCommit(s.tree);
}

/** A new empty state, or 0 when it does not fit. */
export function tryStateNew(tree: Tree): State {
  const head = tryAlloc(offsetof<State>());
  const chunks = tryAlloc(<usize>MAX_SLOT_CHUNKS << alignof<usize>());
  if (head == 0 || chunks == 0) {
    if (head != 0) freeBytes(head);
    if (chunks != 0) freeBytes(chunks);
    return changetype<State>(0);
  }
  memory.fill(head, 0, offsetof<State>());
  memory.fill(chunks, 0, <usize>MAX_SLOT_CHUNKS << alignof<usize>());
  const s = changetype<State>(head);
  s.tree = tree;
  s.chunks = chunks;
  return s;
}

/**
 * Marks slots [first, first + count) as loaded unchecked, growing the bitmap to cover them; false
 * (nothing marked) when it does not fit. Slots below `first` that the bitmap did not cover yet
 * stay checked: they were created or hashed in this core.
 */
export function markUnchecked(s: State, first: u32, count: u32): bool {
  if (count == 0) return true;
  const end = first + count;
  const words = (end + 31) >> 5;
  const haveWords = (s.uncheckedSlots + 31) >> 5;
  if (s.unchecked == 0 || words > haveWords) {
    const grown = tryAlloc(<usize>max<u32>(words, haveWords * 2) << 2);
    if (grown == 0) return false;
    memory.fill(grown, 0, <usize>max<u32>(words, haveWords * 2) << 2);
    if (s.unchecked != 0) {
      memory.copy(grown, s.unchecked, <usize>haveWords << 2);
      freeBytes(s.unchecked);
    }
    s.unchecked = grown;
  }
  for (let i = first; i < end; i++) {
    const word = s.unchecked + (<usize>(i >> 5) << 2);
    store<u32>(word, load<u32>(word) | (<u32>1 << (i & 31)));
  }
  if (end > s.uncheckedSlots) s.uncheckedSlots = end;
  return true;
}

/** Forgets every unchecked mark (all leaves are about to be recomputed from their records). */
export function clearUnchecked(s: State): void {
  if (s.unchecked != 0) freeBytes(s.unchecked);
  s.unchecked = 0;
  s.uncheckedSlots = 0;
}

/**
 * The first-touch check: a slot loaded with a trusted leaf is hashed once, the first time it is
 * about to be read, and compared with that leaf. False when the record does not hash to its
 * leaf (the stored record was damaged); true, and the slot marked checked, otherwise.
 */
export function checkSlot(s: State, i: u32): bool {
  if (i >= s.uncheckedSlots) return true;
  const word = s.unchecked + (<usize>(i >> 5) << 2);
  const bit = <u32>1 << (i & 31);
  const w = load<u32>(word);
  if ((w & bit) == 0) return true;
  slotLeaf(slotPtr(s, i), LEAF);
  const stored = readLeaf(s.tree, i);
  if (load<u64>(LEAF) != load<u64>(stored) || load<u64>(LEAF, 8) != load<u64>(stored, 8) ||
      load<u64>(LEAF, 16) != load<u64>(stored, 16) || load<u64>(LEAF, 24) != load<u64>(stored, 24)) return false;
  store<u32>(word, w & ~bit);
  return true;
}

/** Frees the slot chunks and the chunk table (not the tree or the dirty list). */
export function freeSlotChunks(s: State): void {
  for (let k: u32 = 0; k < MAX_SLOT_CHUNKS; k++) {
    const c = load<usize>(chunkEntry(s, k));
    if (c != 0) freeBytes(c);
  }
  freeBytes(s.chunks);
  s.chunks = 0;
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
  store<u32>(LEAF_INPUT, bswap<u32>(load<u32>(p, S_TOKEN)), SL_TOKEN);
  store<u64>(LEAF_INPUT, bswap<u64>(load<u64>(p, S_BALANCE + 8)), SL_BALANCE);
  store<u64>(LEAF_INPUT, bswap<u64>(load<u64>(p, S_BALANCE)), SL_BALANCE + 8);
  store<u64>(LEAF_INPUT, bswap<u64>(load<u64>(p, S_NONCE)), SL_NONCE);
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
  // reserveSlots grew the tree for every slot; a refusal here would mean a caller skipped it
  if (s.slotCount > 0 && ensureLeafStored(s.tree, s.slotCount - 1) != OK) unreachable();
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
