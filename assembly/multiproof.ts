// Merkle multiproofs: every leaf in a set, with shared siblings sent once and empty-subtree
// siblings elided by a bitmap. Byte layout (docs/SPEC.md §"Merkle multiproof"):
//
//   u32 k | k × u32 leaf index (strictly increasing) | bitmap | S × 32-byte sibling
//
// All integers little-endian. Walking the index set bottom-up, level by level, parents in
// ascending order, each parent's children in order, every child that is not already known is a
// "sibling position". Bit j of the bitmap (LSB-first within each byte) is 1 when position j is the
// zero hash of its level, in which case it is not sent. The bitmap has ceil(P/8) bytes for P
// positions, unused high bits zero; explicit siblings must not be zero hashes. So each (tree,
// index set) has exactly one proof encoding.

import { HASH_BYTES, copyHash, hashEquals } from "./common";
import { Scratch, reserve } from "./buffers";
import { Tree, commit, readNode, shapeIsValid, hashChildren, computeZeroHashes } from "./tree";
import {
  OK, ERR_BAD_SHAPE, ERR_INDEX_RANGE, ERR_PROOF_FORMAT, ERR_PROOF_ORDER, ERR_PROOF_EMPTY,
  ERR_PROOF_NONCANONICAL,
} from "./status";

const CHILDREN: usize = memory.data(128, 8);
const ZEROS: usize = memory.data(33 * 32, 8);
let zerosArityLog2: u32 = 0;
let zerosDepth: u32 = 0;

const indexList = new Scratch();
const valueList = new Scratch();

// Counters filled by the walks (positions, explicit siblings).
let positionCount: u32 = 0;
let siblingCount: u32 = 0;

/** Checks k indices: strictly increasing and inside the tree. */
function checkIndices(arityLog2: u32, depth: u32, indices: usize, k: u32): i32 {
  if (k == 0) return ERR_PROOF_EMPTY;
  const shapeLog2 = arityLog2 * depth;
  let prev: u32 = 0;
  for (let i: u32 = 0; i < k; i++) {
    const idx = load<u32>(indices + (<usize>i << 2));
    if (i > 0 && idx <= prev) return ERR_PROOF_ORDER;
    if (shapeLog2 < 32 && idx >= (<u32>1 << shapeLog2)) return ERR_INDEX_RANGE;
    prev = idx;
  }
  return OK;
}

@inline function copyIndices(indices: usize, k: u32): usize {
  const list = reserve(indexList, <usize>k << 2);
  memory.copy(list, indices, <usize>k << 2);
  return list;
}

// The prover's walk. With emit = false it only counts positions and non-zero siblings; with
// emit = true it writes the bitmap and siblings (sized by a counting pass).
@inline function proverWalk(t: Tree, list: usize, k: u32, emit: bool, bitmap: usize, siblings: usize): void {
  const a = t.arityLog2, arity: u32 = 1 << a;
  let n = k, pos: u32 = 0, sib: u32 = 0;
  for (let level: u32 = 0; level < t.depth; level++) {
    const zero = t.zeroHashes + (<usize>level << 5);
    let i: u32 = 0, m: u32 = 0;
    while (i < n) {
      const parent = load<u32>(list + (<usize>i << 2)) >> a;
      const first = parent << a;
      for (let c: u32 = 0; c < arity; c++) {
        if (i < n && load<u32>(list + (<usize>i << 2)) == first + c) { i++; continue; }
        const v = readNode(t, level, first + c);
        if (hashEquals(v, zero)) {
          if (emit) store<u8>(bitmap + (pos >> 3), load<u8>(bitmap + (pos >> 3)) | (<u8>1 << <u8>(pos & 7)));
        } else {
          if (emit) copyHash(siblings + (<usize>sib << 5), v);
          sib++;
        }
        pos++;
      }
      store<u32>(list + (<usize>m << 2), parent);
      m++;
    }
    n = m;
  }
  positionCount = pos;
  siblingCount = sib;
}

/**
 * Writes the multiproof for k leaf indices into `out` (reserved by the caller through
 * proofSize) . Returns the proof length, or a negative status.
 */
export function proofSize(t: Tree, indices: usize, k: u32): i64 {
  const st = checkIndices(t.arityLog2, t.depth, indices, k);
  if (st != OK) return st;
  commit(t);
  proverWalk(t, copyIndices(indices, k), k, false, 0, 0);
  return 4 + (<i64>k << 2) + ((<i64>positionCount + 7) >> 3) + (<i64>siblingCount << 5);
}

/** Emits the proof sized by the last proofSize call on the same tree and indices. */
export function proofWrite(t: Tree, indices: usize, k: u32, out: usize): void {
  store<u32>(out, k);
  memory.copy(out + 4, indices, <usize>k << 2);
  const bitmap = out + 4 + (<usize>k << 2);
  const bitmapBytes = (<usize>positionCount + 7) >> 3;
  memory.fill(bitmap, 0, bitmapBytes);
  proverWalk(t, copyIndices(indices, k), k, true, bitmap, bitmap + bitmapBytes);
}

// Positions the verifier must see for this index set (no tree needed).
function countPositions(arityLog2: u32, depth: u32, list: usize, k: u32): u32 {
  const arity: u32 = 1 << arityLog2;
  let n = k, pos: u32 = 0;
  for (let level: u32 = 0; level < depth; level++) {
    let i: u32 = 0, m: u32 = 0;
    while (i < n) {
      const parent = load<u32>(list + (<usize>i << 2)) >> arityLog2;
      const first = parent << arityLog2;
      let known: u32 = 0;
      while (i < n && load<u32>(list + (<usize>i << 2)) < first + arity) { i++; known++; }
      pos += arity - known;
      store<u32>(list + (<usize>m << 2), parent);
      m++;
    }
    n = m;
  }
  return pos;
}

function zeroHashesFor(arityLog2: u32, depth: u32): usize {
  if (zerosArityLog2 != arityLog2 || zerosDepth != depth) {
    computeZeroHashes(arityLog2, depth, ZEROS);
    zerosArityLog2 = arityLog2;
    zerosDepth = depth;
  }
  return ZEROS;
}

/**
 * Stateless verification: recomputes the root from a proof and the k leaf values it names
 * (k × 32 bytes at `leaves`, in the proof's index order) into `outRoot`. Every length is checked
 * against proofLen before anything is read or reserved, so hostile bytes end in a status code.
 */
export function proofComputeRoot(
  arityLog2: u32, depth: u32, proof: usize, proofLen: usize, leaves: usize, leafCount: u32, outRoot: usize,
): i32 {
  if (!shapeIsValid(arityLog2, depth)) return ERR_BAD_SHAPE;
  if (proofLen < 4) return ERR_PROOF_FORMAT;
  const k = load<u32>(proof);
  if (k == 0) return ERR_PROOF_EMPTY;
  if (<u64>k > (<u64>proofLen - 4) >> 2 || k != leafCount) return ERR_PROOF_FORMAT;
  const indices = proof + 4;
  const st = checkIndices(arityLog2, depth, indices, k);
  if (st != OK) return st;

  const positions = countPositions(arityLog2, depth, copyIndices(indices, k), k);
  const bitmap = indices + (<usize>k << 2);
  const bitmapBytes = (<usize>positions + 7) >> 3;
  const headerBytes: usize = <usize>4 + (<usize>k << 2) + bitmapBytes;
  if (headerBytes > proofLen) return ERR_PROOF_FORMAT;
  let zeroBits: u32 = 0;
  for (let b: usize = 0; b < bitmapBytes; b++) zeroBits += <u32>popcnt<u8>(load<u8>(bitmap + b));
  if ((positions & 7) != 0 && (load<u8>(bitmap + bitmapBytes - 1) >> <u8>(positions & 7)) != 0) {
    return ERR_PROOF_NONCANONICAL;
  }
  const siblingsCount = positions - zeroBits;
  if (<u64>headerBytes + (<u64>siblingsCount << 5) != <u64>proofLen) return ERR_PROOF_FORMAT;
  const siblings = bitmap + bitmapBytes;

  const zeros = zeroHashesFor(arityLog2, depth);
  const list = copyIndices(indices, k);
  const values = reserve(valueList, <usize>k << 5);
  memory.copy(values, leaves, <usize>k << 5);
  const arity: u32 = 1 << arityLog2;
  let n = k, pos: u32 = 0, sib: u32 = 0;
  for (let level: u32 = 0; level < depth; level++) {
    const zero = zeros + (<usize>level << 5);
    let i: u32 = 0, m: u32 = 0;
    while (i < n) {
      const parent = load<u32>(list + (<usize>i << 2)) >> arityLog2;
      const first = parent << arityLog2;
      for (let c: u32 = 0; c < arity; c++) {
        const dst = CHILDREN + (<usize>c << 5);
        if (i < n && load<u32>(list + (<usize>i << 2)) == first + c) {
          copyHash(dst, values + (<usize>i << 5));
          i++;
        } else {
          if ((load<u8>(bitmap + (pos >> 3)) >> <u8>(pos & 7)) & 1) {
            copyHash(dst, zero);
          } else {
            const s = siblings + (<usize>sib << 5);
            if (hashEquals(s, zero)) return ERR_PROOF_NONCANONICAL;
            copyHash(dst, s);
            sib++;
          }
          pos++;
        }
      }
      // m <= the first index consumed for this parent, so the write never clobbers unread input
      hashChildren(arityLog2, CHILDREN, values + (<usize>m << 5));
      store<u32>(list + (<usize>m << 2), parent);
      m++;
    }
    n = m;
  }
  copyHash(outRoot, values);
  return OK;
}

export { HASH_BYTES };
