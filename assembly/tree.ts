// The state Merkle tree: fixed depth, keccak256 nodes, arity 2 or 4, held in linear memory.
//
// Slots are created in index order, so the non-empty leaves form a prefix. Each level is stored
// densely for a leaf capacity of arity^k (k grows on demand, ×arity at a time); everything right
// of the stored prefix is an empty subtree whose hash is the precomputed zero hash of its level.
// Storing whole levels contiguously puts the `arity` children of a node next to each other, so a
// node is hashed straight from memory with one keccak-f1600 permutation (64 or 128 bytes < 136).
//
// Updates append the leaf index to a dirty list. commit() radix-sorts that list once, then walks it
// up one level at a time: the sorted list of dirty nodes is rewritten in place into the sorted,
// deduplicated list of their parents, and each parent is hashed exactly once. Sorting replaced
// per-node dirty flags: no flag memory, and every level is written in ascending address order
// (docs/DECISIONS.md has the measurement).

import { HASH_BYTES, allocBytes, tryAlloc, freeBytes, copyHash } from "./common";
import {
  Scratch, reserve, tryReserve, trimScratch, U32List, u32ListNew, tryU32ListNew, u32ListPush, u32ListFree, u32ListTrim,
} from "./buffers";
import { keccak256x64, keccak256x128 } from "./keccak";
import { OK, ERR_CAPACITY, ERR_INDEX_RANGE } from "./status";

/** Largest leaf capacity kept in memory (2^24 leaves ≈ 715 MB of nodes for the 4-ary tree). */
export const MAX_CAPACITY_LOG2: u32 = 24;
/**
 * Largest node array: a binary tree of 2^24 leaves needs 2^25 nodes (1 GiB), more than one
 * allocation may hold, so it is refused with ERR_CAPACITY (D23) instead of trapping.
 */
const MAX_NODE_BYTES: usize = (1 << 30) - (1 << 25);
/** Leaf capacity of a new tree before it grows (capped by arity^depth). */
const INITIAL_CAPACITY_LOG2: u32 = 8;

const NODE_SCRATCH: usize = memory.data(128, 8);

@unmanaged
export class Tree {
  arityLog2: u32 = 0;
  depth: u32 = 0;
  /** log2 of the leaf capacity currently stored; a multiple of arityLog2. */
  capacityLog2: u32 = 0;
  /** All stored nodes, level 0 (leaves) first, 32 bytes each. */
  nodes: usize = 0;
  /** (depth + 1) u32 node offsets of each level inside `nodes`. */
  levelOffsets: usize = 0;
  /** (depth + 1) zero hashes: the root of an empty subtree of each height. */
  zeroHashes: usize = 0;
  /** Indices of leaves written since the last commit, in write order, maybe repeated. */
  dirty: U32List = changetype<U32List>(0);
}

@inline function countAt(capacityLog2: u32, arityLog2: u32, level: u32): u32 {
  const used = level * arityLog2;
  return used >= capacityLog2 ? 1 : <u32>1 << (capacityLog2 - used);
}

@inline function nodesAtLevel(t: Tree, level: u32): u32 {
  return countAt(t.capacityLog2, t.arityLog2, level);
}

@inline function levelOffset(t: Tree, level: u32): u32 {
  return load<u32>(t.levelOffsets + (<usize>level << 2));
}

@inline function nodePtr(t: Tree, level: u32, index: u32): usize {
  return t.nodes + ((<usize>levelOffset(t, level) + <usize>index) << 5);
}

@inline export function zeroHashPtr(t: Tree, level: u32): usize {
  return t.zeroHashes + (<usize>level << 5);
}

/** Pointer to the node value, or to the level's zero hash when it lies in an empty subtree. */
export function readNode(t: Tree, level: u32, index: u32): usize {
  return index < nodesAtLevel(t, level) ? nodePtr(t, level, index) : zeroHashPtr(t, level);
}

/** True when arity 2^arityLog2 and depth describe a tree this core supports. */
export function shapeIsValid(arityLog2: u32, depth: u32): bool {
  return (arityLog2 == 1 || arityLog2 == 2) && depth >= 1 && arityLog2 * depth <= 32;
}

/** Hashes `arity` adjacent 32-byte nodes at `children` into `out`. */
@inline export function hashChildren(arityLog2: u32, children: usize, out: usize): void {
  if (arityLog2 == 2) keccak256x128(children, out);
  else keccak256x64(children, out);
}

/** Fills (depth + 1) zero hashes at `out`: Z0 = 32 zero bytes, Z(l+1) = H(Z(l) × arity). */
export function computeZeroHashes(arityLog2: u32, depth: u32, out: usize): void {
  memory.fill(out, 0, HASH_BYTES);
  const arity: u32 = 1 << arityLog2;
  for (let level: u32 = 0; level < depth; level++) {
    const z = out + (<usize>level << 5);
    for (let c: u32 = 0; c < arity; c++) copyHash(NODE_SCRATCH + (<usize>c << 5), z);
    hashChildren(arityLog2, NODE_SCRATCH, z + HASH_BYTES);
  }
}

/** Creates an empty tree. The caller has validated the shape with shapeIsValid. */
export function treeNew(arityLog2: u32, depth: u32): Tree {
  const t = new Tree();
  t.arityLog2 = arityLog2;
  t.depth = depth;
  t.levelOffsets = allocBytes((<usize>depth + 1) << 2);
  t.zeroHashes = allocBytes((<usize>depth + 1) << 5);
  computeZeroHashes(arityLog2, depth, t.zeroHashes);
  let cap = INITIAL_CAPACITY_LOG2 - (INITIAL_CAPACITY_LOG2 % arityLog2);
  if (cap > arityLog2 * depth) cap = arityLog2 * depth;
  if (!resize(t, cap)) unreachable(); // at most 2^8 leaves
  t.dirty = u32ListNew(64);
  return t;
}

/** Releases every region of the tree. */
export function treeFree(t: Tree): void {
  freeBytes(t.nodes);
  freeBytes(t.levelOffsets);
  freeBytes(t.zeroHashes);
  u32ListFree(t.dirty);
  heap.free(changetype<usize>(t));
}

// Re-lays the levels for a larger capacity. Stored node values stay valid: a node's value depends
// only on its position, and everything newly stored is an empty subtree. Allocates before changing
// anything, so a refused allocation (false) leaves the tree as it was.
function resize(t: Tree, newCapacityLog2: u32): bool {
  let total: usize = 0;
  for (let l: u32 = 0; l <= t.depth; l++) total += countAt(newCapacityLog2, t.arityLog2, l);
  if (total > (MAX_NODE_BYTES >> 5)) return false;
  const nodes = tryAlloc(total << 5);
  if (nodes == 0) return false;
  const oldNodes = t.nodes, oldCapacityLog2 = t.capacityLog2;
  t.capacityLog2 = newCapacityLog2;
  t.nodes = nodes;
  total = 0;
  for (let l: u32 = 0; l <= t.depth; l++) {
    store<u32>(t.levelOffsets + (<usize>l << 2), <u32>total);
    total += nodesAtLevel(t, l);
  }
  let oldOffset: usize = 0;
  for (let l: u32 = 0; l <= t.depth; l++) {
    let kept: u32 = 0;
    if (oldNodes != 0) {
      kept = countAt(oldCapacityLog2, t.arityLog2, l);
      memory.copy(nodePtr(t, l, 0), oldNodes + (oldOffset << 5), <usize>kept << 5);
      oldOffset += kept;
    }
    const z = zeroHashPtr(t, l);
    const count = nodesAtLevel(t, l);
    for (let i = kept; i < count; i++) copyHash(nodePtr(t, l, i), z);
  }
  if (oldNodes != 0) freeBytes(oldNodes);
  return true;
}

/**
 * Makes sure leaf `index` is stored. Returns OK, ERR_INDEX_RANGE or ERR_CAPACITY; on error the
 * tree is untouched.
 */
export function ensureLeafStored(t: Tree, index: u32): i32 {
  const shapeLog2 = t.arityLog2 * t.depth;
  if (shapeLog2 < 32 && index >= (<u32>1 << shapeLog2)) return ERR_INDEX_RANGE;
  if (t.capacityLog2 >= 32 || index < (<u32>1 << t.capacityLog2)) return OK;
  let cap = t.capacityLog2;
  while (cap < 32 && index >= (<u32>1 << cap)) cap += t.arityLog2;
  if (cap > MAX_CAPACITY_LOG2) return ERR_CAPACITY;
  if (!resize(t, cap)) return ERR_CAPACITY; // not enough memory: still a clean refusal
  return OK;
}

/**
 * Writes a leaf (caller has called ensureLeafStored) and records it as dirty. A leaf that is not
 * stored traps rather than writing past the level: a caller ignored a refused ensureLeafStored.
 */
export function writeLeaf(t: Tree, index: u32, leaf: usize): void {
  if ((index >> t.capacityLog2) != 0) unreachable();
  copyHash(nodePtr(t, 0, index), leaf);
  u32ListPush(t.dirty, index);
}

/** Pointer to the stored leaf or to the zero leaf. */
export function readLeaf(t: Tree, index: u32): usize {
  return readNode(t, 0, index);
}

const sortScratch = new Scratch();
/** Dirty lists and sort scratch above this are freed after a commit (they grew for a bulk load). */
const KEEP_DIRTY: u32 = 1 << 18;

/**
 * Frees the tree's dirty list and the sort scratch when a bulk load grew them past KEEP_DIRTY and
 * they are idle. Only called at the end of an export, never between a reservation and its use.
 */
export function trimAfterCommit(t: Tree): void {
  if (t.dirty.count == 0 && t.dirty.capacity > KEEP_DIRTY) u32ListTrim(t.dirty, 64);
  trimScratch(sortScratch, <usize>KEEP_DIRTY << 2);
}

/** Makes sure radixSort can sort `n` keys without allocating; false when that does not fit. */
export function reserveSortScratch(n: u64): bool {
  return n <= <u64>(MAX_NODE_BYTES >> 2) && tryReserve(sortScratch, <usize>n << 2) != 0;
}
const DIGIT_COUNTS: usize = memory.data(256 * 4, 8);

// LSD radix sort of n u32 keys below 2^keyBits, 8 bits per pass; returns where the sorted keys
// ended up (`keys` or the scratch buffer).
export function radixSort(keys: usize, n: u32, keyBits: u32): usize {
  let src = keys;
  let dst = reserve(sortScratch, <usize>n << 2);
  for (let shift: u32 = 0; shift < keyBits; shift += 8) {
    memory.fill(DIGIT_COUNTS, 0, 256 * 4);
    for (let i: u32 = 0; i < n; i++) {
      const d = DIGIT_COUNTS + (<usize>((load<u32>(src + (<usize>i << 2)) >> shift) & 0xff) << 2);
      store<u32>(d, load<u32>(d) + 1);
    }
    let sum: u32 = 0;
    for (let d: usize = 0; d < 256; d++) {
      const c = load<u32>(DIGIT_COUNTS + (d << 2));
      store<u32>(DIGIT_COUNTS + (d << 2), sum);
      sum += c;
    }
    for (let i: u32 = 0; i < n; i++) {
      const key = load<u32>(src + (<usize>i << 2));
      const d = DIGIT_COUNTS + (<usize>((key >> shift) & 0xff) << 2);
      const at = load<u32>(d);
      store<u32>(d, at + 1);
      store<u32>(dst + (<usize>at << 2), key);
    }
    const tmp = src; src = dst; dst = tmp;
  }
  return src;
}

/** Rehashes every dirty path once and returns a pointer to the root. */
export function commit(t: Tree): usize {
  const a = t.arityLog2;
  let n = t.dirty.count;
  if (n == 0) return nodePtr(t, t.depth, 0);
  // every dirty index is < 2^capacityLog2, so only that many key bits need sorting
  const list = radixSort(t.dirty.ptr, n, t.capacityLog2);
  for (let level: u32 = 0; level < t.depth; level++) {
    // Rewrite the sorted dirty nodes of `level` into the sorted, distinct list of their parents.
    let m: u32 = 0;
    let last: u32 = 0;
    for (let i: u32 = 0; i < n; i++) {
      const parent = load<u32>(list + (<usize>i << 2)) >> a;
      if (m == 0 || parent != last) {
        store<u32>(list + (<usize>m << 2), parent);
        m++;
        last = parent;
      }
    }
    const packed = nodesAtLevel(t, level) > 1;
    for (let j: u32 = 0; j < m; j++) {
      const parent = load<u32>(list + (<usize>j << 2));
      const out = nodePtr(t, level + 1, parent);
      if (packed) {
        hashChildren(a, nodePtr(t, level, parent << a), out);
      } else {
        // Above the stored prefix a node has one stored child; the others are empty subtrees.
        copyHash(NODE_SCRATCH, nodePtr(t, level, 0));
        const z = zeroHashPtr(t, level);
        const arity: u32 = 1 << a;
        for (let c: u32 = 1; c < arity; c++) copyHash(NODE_SCRATCH + (<usize>c << 5), z);
        hashChildren(a, NODE_SCRATCH, out);
      }
    }
    n = m;
  }
  t.dirty.count = 0;
  return nodePtr(t, t.depth, 0);
}

/** An independent copy of the tree (nodes, zero hashes, pending dirty leaves); 0 when it does not fit. */
export function tryTreeClone(t: Tree): Tree {
  let total: usize = 0;
  for (let l: u32 = 0; l <= t.depth; l++) total += nodesAtLevel(t, l);
  const levelBytes = (<usize>t.depth + 1) << 2;
  const zeroBytes = (<usize>t.depth + 1) << 5;
  const head = tryAlloc(offsetof<Tree>());
  const levelOffsets = tryAlloc(levelBytes);
  const zeroHashes = tryAlloc(zeroBytes);
  const nodes = tryAlloc(total << 5);
  const dirty = tryU32ListNew(max<u32>(64, t.dirty.count));
  if (head == 0 || levelOffsets == 0 || zeroHashes == 0 || nodes == 0 || changetype<usize>(dirty) == 0) {
    if (head != 0) freeBytes(head);
    if (levelOffsets != 0) freeBytes(levelOffsets);
    if (zeroHashes != 0) freeBytes(zeroHashes);
    if (nodes != 0) freeBytes(nodes);
    if (changetype<usize>(dirty) != 0) u32ListFree(dirty);
    return changetype<Tree>(0);
  }
  const c = changetype<Tree>(head);
  c.arityLog2 = t.arityLog2;
  c.depth = t.depth;
  c.capacityLog2 = t.capacityLog2;
  c.levelOffsets = levelOffsets;
  memory.copy(levelOffsets, t.levelOffsets, levelBytes);
  c.zeroHashes = zeroHashes;
  memory.copy(zeroHashes, t.zeroHashes, zeroBytes);
  c.nodes = nodes;
  memory.copy(nodes, t.nodes, total << 5);
  memory.copy(dirty.ptr, t.dirty.ptr, <usize>t.dirty.count << 2);
  dirty.count = t.dirty.count;
  c.dirty = dirty;
  return c;
}
