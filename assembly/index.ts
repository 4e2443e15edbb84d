// The WASM export surface. Everything is pointers and counts into this instance's linear memory:
// JS writes inputs into the `io` input region, makes one call, and reads results back.

import { Scratch, reserve, tryReserve, tryU32ListNew, u32ListFree } from "./buffers";
import { keccak256 as k256, keccak256Rolled as k256Rolled, keccak256x48, keccak256x64, keccak256x128, permutationCount } from "./keccak";
import {
  Tree, treeNew as newTree, treeFree as freeTree, shapeIsValid, ensureLeafStored, writeLeaf,
  readLeaf, commit, MAX_CAPACITY_LOG2, tryTreeClone, trimAfterCommit,
} from "./tree";
import { proofSize, proofWrite, proofComputeRoot as computeRoot } from "./multiproof";
import { OK, ERR_BAD_SHAPE, ERR_CAPACITY, ERR_INDEX_RANGE, ERR_BAD_FEE_SLOTS as BAD_FEE_SLOTS, ERR_NO_MEMORY, ERR_CORRUPT_SLOT } from "./status";
import {
  MAX_FEE_PAIRS, APPLY_REFUSED as REFUSED, APPLY_CORRUPT as CORRUPT, NO_CORRUPT_SLOT,
} from "./generated/constants";
import { copyHash, tryAlloc, MAX_ALLOC_BYTES } from "./common";

const ioInput = new Scratch();
const ioOutput = new Scratch();

/**
 * Reserves the input region (contents not preserved) and returns its address, or 0 when that size
 * cannot be allocated (the previous region is kept: the core stays usable).
 */
export function ioIn(sizeBytes: usize): usize {
  return tryReserve(ioInput, sizeBytes);
}

/** Largest size ioIn (or any single region) can ever grant; the TS side checks it first. */
export function ioMaxBytes(): usize {
  return MAX_ALLOC_BYTES;
}

/** Address of the output region written by the last call that produced variable-size output. */
export function ioOut(): usize {
  return ioOutput.ptr;
}

// ---- keccak256 ----

/** keccak-f1600 permutations run by this instance so far (as f64: exact below 2^53). */
export function keccakPermutations(): f64 {
  return <f64>permutationCount;
}

export function keccak256(input: usize, len: usize, out: usize): void {
  k256(input, len, out);
}

export function keccak256Rolled(input: usize, len: usize, out: usize): void {
  k256Rolled(input, len, out);
}

/**
 * Hashes `count` consecutive inputs of `inputBytes` (64 or 128 use the node fast paths) from
 * `input` into `count` digests at `out`: one call for many hashes.
 */
export function keccak256Many(input: usize, inputBytes: usize, count: u32, out: usize): void {
  for (let i: u32 = 0; i < count; i++) {
    const src = input + <usize>i * inputBytes, dst = out + (<usize>i << 5);
    if (inputBytes == 48) keccak256x48(src, dst);
    else if (inputBytes == 64) keccak256x64(src, dst);
    else if (inputBytes == 128) keccak256x128(src, dst);
    else k256(src, inputBytes, dst);
  }
}

// ---- the state tree ----

/** Creates a tree of arity 2^arityLog2 and the given depth; 0 when the shape is unsupported. */
export function treeNew(arityLog2: u32, depth: u32): usize {
  if (!shapeIsValid(arityLog2, depth)) return 0;
  return changetype<usize>(newTree(arityLog2, depth));
}

export function treeFree(tree: usize): void {
  freeTree(changetype<Tree>(tree));
}

export function treeMaxCapacityLog2(): u32 {
  return MAX_CAPACITY_LOG2;
}

/** log2 of the leaf capacity currently held in memory. */
export function treeCapacityLog2(tree: usize): u32 {
  return changetype<Tree>(tree).capacityLog2;
}

/**
 * Sets `count` leaves: u32 indices at `indices`, 32-byte values at `leaves`. Every index is
 * validated and capacity grown before the first write, so an error leaves the tree untouched.
 */
export function treeSetLeaves(tree: usize, indices: usize, leaves: usize, count: u32): i32 {
  const t = changetype<Tree>(tree);
  let max: u32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const idx = load<u32>(indices + (<usize>i << 2));
    if (idx > max) max = idx;
  }
  if (count > 0) {
    // capacity and range are monotone in the index, so checking the largest checks them all
    const st = ensureLeafStored(t, max);
    if (st != OK) return st;
  }
  for (let i: u32 = 0; i < count; i++) {
    writeLeaf(t, load<u32>(indices + (<usize>i << 2)), leaves + (<usize>i << 5));
  }
  return OK;
}

/** Copies leaf `index` (the zero leaf when never set) to `out`. */
export function treeGetLeaf(tree: usize, index: u32, out: usize): i32 {
  const t = changetype<Tree>(tree);
  const shapeLog2 = t.arityLog2 * t.depth;
  if (shapeLog2 < 32 && index >= (<u32>1 << shapeLog2)) return ERR_INDEX_RANGE;
  copyHash(out, readLeaf(t, index));
  return OK;
}

/** Rehashes the dirty paths and copies the root to `out`. */
export function treeRoot(tree: usize, out: usize): void {
  const t = changetype<Tree>(tree);
  copyHash(out, commit(t));
  trimAfterCommit(t);
}

/**
 * Writes the multiproof for `count` strictly increasing indices into the output region
 * (see ioOut). Returns its length in bytes, or a negative status.
 */
export function treeProve(tree: usize, indices: usize, count: u32): i32 {
  const t = changetype<Tree>(tree);
  const size = proofSize(t, indices, count);
  if (size < 0) return <i32>size;
  if (size > <i64>MAX_ALLOC_BYTES) return ERR_CAPACITY;
  const out = tryReserve(ioOutput, <usize>size);
  if (out == 0) return ERR_CAPACITY;
  proofWrite(t, indices, count, out);
  return <i32>size;
}

/** Recomputes the root a proof commits to, given its leaves; negative status on bad input. */
export function proofComputeRoot(
  arityLog2: u32, depth: u32, proof: usize, proofLen: usize, leaves: usize, leafCount: u32, outRoot: usize,
): i32 {
  if (!shapeIsValid(arityLog2, depth)) return ERR_BAD_SHAPE;
  return computeRoot(arityLog2, depth, proof, proofLen, leaves, leafCount, outRoot);
}

// ---- the engine: slots + state tree + the execution loop ----

import {
  State, SLOT_BYTES, reserveSlots, reserveDirty, markDirty, slotPtr, flushDirtySlots, S_OWNER, tryStateNew, freeSlotChunks,
  trimIdle, chunkEntry, chunkCapacity, MAX_SLOT_CHUNKS, SLOT_CHUNK_LOG2, markUnchecked, clearUnchecked, checkSlot,
} from "./slots";
import { applyBatch, outputBytes, stateRoot, firstTouch, verifyStep as verifyStepCore } from "./engine";

/** A new empty engine, or 0 when it does not fit in memory. */
export function engineNew(): usize {
  const tree = newTree(2, 16); // a few KiB: traps only if memory is already exhausted
  const s = tryStateNew(tree);
  if (changetype<usize>(s) == 0) {
    freeTree(tree);
    return 0;
  }
  s.dirty = tryU32ListNew(1024);
  if (changetype<usize>(s.dirty) == 0) {
    engineFreeParts(s);
    return 0;
  }
  return changetype<usize>(s);
}

function engineFreeParts(s: State): void {
  if (changetype<usize>(s.tree) != 0) freeTree(s.tree);
  if (s.chunks != 0) freeSlotChunks(s);
  if (changetype<usize>(s.dirty) != 0) u32ListFree(s.dirty);
  clearUnchecked(s);
  heap.free(changetype<usize>(s));
}

export function engineFree(engine: usize): void {
  engineFreeParts(changetype<State>(engine));
}

/**
 * An independent copy of an engine's state in this core (for replaying up to a disputed step), or
 * 0 when the copy does not fit in memory (nothing allocated is kept). A fork needs as much memory
 * as its original: at 2^24 slots that is ~1.7 GiB, so a core holds the original and one fork.
 */
export function engineFork(engine: usize): usize {
  const s = changetype<State>(engine);
  const tree = tryTreeClone(s.tree);
  if (changetype<usize>(tree) == 0) return 0;
  const c = tryStateNew(tree);
  if (changetype<usize>(c) == 0) {
    freeTree(tree);
    return 0;
  }
  c.dirty = tryU32ListNew(max<u32>(1024, s.dirty.count));
  if (changetype<usize>(c.dirty) == 0) {
    engineFreeParts(c);
    return 0;
  }
  memory.copy(c.dirty.ptr, s.dirty.ptr, <usize>s.dirty.count << 2);
  c.dirty.count = s.dirty.count;
  for (let k: u32 = 0; k < MAX_SLOT_CHUNKS; k++) {
    const src = load<usize>(chunkEntry(s, k));
    if (src == 0) break;
    const capacity = chunkCapacity(s, k);
    const dst = tryAlloc(<usize>capacity << 6);
    if (dst == 0) {
      engineFreeParts(c);
      return 0;
    }
    store<usize>(chunkEntry(c, k), dst);
    const first = k << SLOT_CHUNK_LOG2;
    const used = s.slotCount > first ? min<u32>(s.slotCount - first, capacity) : 0;
    memory.copy(dst, src, <usize>used << 6);
  }
  c.slotCount = s.slotCount;
  c.slotCapacity = s.slotCapacity;
  if (s.unchecked != 0) {
    // a fork inherits the unchecked slots: its own first touch checks them again
    const bytes = <usize>((s.uncheckedSlots + 31) >> 5) << 2;
    const bits = tryAlloc(bytes);
    if (bits == 0) {
      engineFreeParts(c);
      return 0;
    }
    memory.copy(bits, s.unchecked, bytes);
    c.unchecked = bits;
    c.uncheckedSlots = s.uncheckedSlots;
  }
  return changetype<usize>(c);
}

/** Appends `count` 48-byte slot records (the layout of assembly/slots.ts); ERR_CAPACITY if too many. */
export function engineAppendSlots(engine: usize, records: usize, count: u32): i32 {
  const s = changetype<State>(engine);
  if (!reserveSlots(s, count)) return ERR_CAPACITY;
  for (let i: u32 = 0; i < count; i++) {
    memory.copy(slotPtr(s, s.slotCount + i), records + <usize>i * SLOT_BYTES, SLOT_BYTES);
    markDirty(s, s.slotCount + i);
  }
  s.slotCount += count;
  return OK;
}

/** Commits pending slot changes and writes stateRoot (32) ‖ treeRoot (32) to `out`. */
export function engineRoots(engine: usize, out: usize): void {
  const s = changetype<State>(engine);
  flushDirtySlots(s);
  const treeRoot = commit(s.tree);
  stateRoot(s, treeRoot, out);
  copyHash(out + 32, treeRoot);
  trimIdle(s);
}

export function engineSlotCount(engine: usize): u32 {
  return changetype<State>(engine).slotCount;
}

/**
 * Copies slot `index`'s 48-byte record to `out`; ERR_INDEX_RANGE if it does not exist,
 * ERR_CORRUPT_SLOT if its first-touch check fails (see firstTouch).
 */
export function engineGetSlot(engine: usize, index: u32, out: usize): i32 {
  const s = changetype<State>(engine);
  if (index >= s.slotCount) return ERR_INDEX_RANGE;
  if (!checkSlot(s, index)) return ERR_CORRUPT_SLOT;
  memory.copy(out, slotPtr(s, index), SLOT_BYTES);
  return OK;
}

/**
 * Copies the 48-byte records of `count` slots (u32 indices at `indices`) to `out`, in that order;
 * ERR_INDEX_RANGE (nothing meaningful written) if any does not exist. The store persists a
 * batch's changed slots with one call.
 */
export function engineReadSlots(engine: usize, indices: usize, count: u32, out: usize): i32 {
  const s = changetype<State>(engine);
  for (let i: u32 = 0; i < count; i++) {
    const index = load<u32>(indices + (<usize>i << 2));
    if (index >= s.slotCount) return ERR_INDEX_RANGE;
    memory.copy(out + <usize>i * SLOT_BYTES, slotPtr(s, index), SLOT_BYTES);
  }
  return OK;
}

/**
 * Writes the store pages named by `count` u32 page indices at `pages` to `out`, back to back: page
 * p holds slots [p·pageSlots, p·pageSlots + n), n = pageSlots except on the last page, as n 48-byte
 * records then their n 32-byte leaves (docs/SPEC.md §12). Commits pending changes first. Returns
 * the bytes written, or ERR_INDEX_RANGE when a page holds no slot.
 */
export function engineReadPages(engine: usize, pages: usize, count: u32, pageSlots: u32, out: usize): i64 {
  const s = changetype<State>(engine);
  flushDirtySlots(s);
  commit(s.tree);
  let at = out;
  for (let i: u32 = 0; i < count; i++) {
    const first = <u64>load<u32>(pages + (<usize>i << 2)) * <u64>pageSlots;
    if (first >= <u64>s.slotCount) return ERR_INDEX_RANGE;
    const end = min<u64>(first + <u64>pageSlots, <u64>s.slotCount);
    const n = <usize>(end - first);
    for (let k: usize = 0; k < n; k++) {
      memory.copy(at + k * SLOT_BYTES, slotPtr(s, <u32>first + <u32>k), SLOT_BYTES);
      copyHash(at + n * SLOT_BYTES + (k << 5), readLeaf(s.tree, <u32>first + <u32>k));
    }
    at += n * (SLOT_BYTES + 32);
  }
  return <i64>(at - out);
}

/**
 * Marks every slot dirty, so the next root rehashes each record into its leaf (full verification).
 * ERR_CAPACITY (nothing marked) when the dirty lists for that many slots do not fit.
 */
export function engineRehashAll(engine: usize): i32 {
  const s = changetype<State>(engine);
  if (!reserveDirty(s, s.slotCount)) return ERR_CAPACITY;
  for (let i: u32 = 0; i < s.slotCount; i++) markDirty(s, i);
  clearUnchecked(s); // every leaf now comes from its record
  return OK;
}

/**
 * Makes room for `total` slots in the slot array and the tree at once, so that loading a large
 * state does not regrow (and recopy) them step by step. ERR_CAPACITY beyond MAX_SLOTS.
 */
export function engineReserve(engine: usize, total: u32): i32 {
  const s = changetype<State>(engine);
  if (total <= s.slotCount) return OK;
  return reserveSlots(s, total - s.slotCount) ? OK : ERR_CAPACITY; // the tree grows with it
}

/**
 * Appends `count` slots given as store pages (engineReadPages' layout: per page n records, then
 * their n leaves; n = pageSlots except for a last, shorter page), without hashing the records.
 */
export function engineLoadPages(engine: usize, pages: usize, count: u32, pageSlots: u32): i32 {
  const s = changetype<State>(engine);
  if (count == 0) return OK;
  if (pageSlots == 0) return ERR_INDEX_RANGE;
  if (!reserveSlots(s, count)) return ERR_CAPACITY; // also the tree and its dirty list
  // the leaves are taken on trust: each record is checked against its leaf at first touch
  if (!markUnchecked(s, s.slotCount, count)) return ERR_CAPACITY;
  let at = pages;
  let done: u32 = 0;
  while (done < count) {
    const n = min<u32>(pageSlots, count - done);
    const leaves = at + <usize>n * SLOT_BYTES;
    for (let k: u32 = 0; k < n; k++) {
      memory.copy(slotPtr(s, s.slotCount + k), at + <usize>k * SLOT_BYTES, SLOT_BYTES);
      writeLeaf(s.tree, s.slotCount + k, leaves + (<usize>k << 5));
    }
    s.slotCount += n;
    done += n;
    at = leaves + (<usize>n << 5);
  }
  return OK;
}

/** Writes up to `max` u32 indices of slots owned by the 20 bytes at `owner`; returns how many match. */
export function engineFindOwner(engine: usize, owner: usize, out: usize, max: u32): u32 {
  const s = changetype<State>(engine);
  const o0 = load<u64>(owner), o1 = load<u64>(owner, 8), o2 = load<u32>(owner, 16);
  let found: u32 = 0;
  for (let i: u32 = 0; i < s.slotCount; i++) {
    const p = slotPtr(s, i) + S_OWNER;
    if (load<u64>(p) == o0 && load<u64>(p, 8) == o1 && load<u32>(p, 16) == o2) {
      if (found < max) store<u32>(out + (<usize>found << 2), i);
      found++;
    }
  }
  return found;
}

/** Bytes engineApplyBatch will write for this many fee slots and entries. */
export function engineOutputBytes(feeCount: u32, entries: u32): usize {
  return outputBytes(feeCount, entries, false);
}

/**
 * Applies one batch (flat input at `input`, see assembly/engine.ts) and writes receipts and the
 * trailer to the output region. Returns the output's address, or 0 when the fee slots are invalid
 * (state untouched): the caller needs no second call to find its results.
 */
export function engineApplyBatch(engine: usize, input: usize): usize {
  const s = changetype<State>(engine);
  const feeCount = load<u32>(input, 0);
  const entries64 = <u64>load<u32>(input, 4) + <u64>load<u32>(input, 8);
  // Bound the output and the per-entry bookkeeping before anything is written: an entry marks at
  // most MAX_TOUCHED slots and its output (receipt, withdrawal, trace step) is under 160 bytes.
  if (feeCount > MAX_FEE_PAIRS || entries64 > <u64>(MAX_ALLOC_BYTES / 160)) return APPLY_REFUSED;
  const entries = <u32>entries64;
  const out = tryReserve(ioOutput, outputBytes(feeCount, entries, (load<u32>(input, 12) & 1) != 0));
  if (out == 0 || !reserveDirty(s, entries64 * 8 + feeCount)) return APPLY_REFUSED;
  const corrupt = firstTouch(s, input);
  if (corrupt != NO_CORRUPT_SLOT) {
    corruptSlot = corrupt;
    return APPLY_CORRUPT;
  }
  const status = applyBatch(s, input, out);
  trimIdle(s);
  if (status == ERR_NO_MEMORY) return APPLY_REFUSED;
  return status == 0 ? out : 0;
}

/**
 * What engineApplyBatch returns when the batch's bookkeeping does not fit in memory (state
 * untouched). Never an output address: those are 8-byte aligned.
 */
export const APPLY_REFUSED: usize = REFUSED;
/**
 * What engineApplyBatch returns when a slot the batch would read fails its first-touch check
 * (state untouched); engineCorruptSlot names the slot.
 */
export const APPLY_CORRUPT: usize = CORRUPT;
let corruptSlot: u32 = 0;

/** The slot whose first-touch check failed in the last APPLY_CORRUPT answer. */
export function engineCorruptSlot(): u32 {
  return corruptSlot;
}

/** Multiproof of slot leaves in the state tree (commits first); see treeProve. */
export function engineProve(engine: usize, indices: usize, count: u32): i32 {
  const s = changetype<State>(engine);
  flushDirtySlots(s);
  return treeProve(changetype<usize>(s.tree), indices, count);
}

// a module-level export of the entry is a WASM global, which an @inline constant cannot be
export const ERR_BAD_FEE_SLOTS: i32 = BAD_FEE_SLOTS;

/** Checks one step statelessly (see assembly/engine.ts verifyStep); results go to the output region. */
export function engineVerifyStep(input: usize): usize {
  const out = reserve(ioOutput, 256);
  verifyStepCore(input, out);
  return out;
}
