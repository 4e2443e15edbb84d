// Shared low-level helpers for the hot core, in the style of ChainSafe's as-sha256:
// raw load/store with constant offsets, @inline everywhere, no managed allocation.

import { ROOT } from "rt/tlsf";

/** Bytes in one Merkle node / keccak256 digest. */
export const HASH_BYTES: usize = 32;

/** Copies one 32-byte hash as four u64 moves (memory.copy has call overhead for tiny sizes). */
@inline export function copyHash(dst: usize, src: usize): void {
  store<u64>(dst, load<u64>(src, 0), 0);
  store<u64>(dst, load<u64>(src, 8), 8);
  store<u64>(dst, load<u64>(src, 16), 16);
  store<u64>(dst, load<u64>(src, 24), 24);
}

/** True when two 32-byte hashes are equal. */
@inline export function hashEquals(a: usize, b: usize): bool {
  return (
    ((load<u64>(a, 0) ^ load<u64>(b, 0)) |
      (load<u64>(a, 8) ^ load<u64>(b, 8)) |
      (load<u64>(a, 16) ^ load<u64>(b, 16)) |
      (load<u64>(a, 24) ^ load<u64>(b, 24))) == 0
  );
}

// ---- bounded allocation (docs/DECISIONS.md D23) ----
//
// The runtime's TLSF allocator traps in two places we must never reach: a block over 2^30 − 4
// bytes ("allocation too large"), and a memory.grow the host refuses (`unreachable`). tryAlloc
// refuses both up front by asking the same question TLSF will: is there a free block of this size
// class, and if not, can memory grow by what TLSF will ask for without passing 4 GiB?

/** Pages of 32-bit WebAssembly memory (4 GiB). */
export const MAX_MEMORY_PAGES: u64 = 65536;
/**
 * Largest single allocation: under TLSF's 2^30 − 4 bytes once rounded up to a whole size class
 * (32 MiB at the top; see roundLarge). In the one table (scripts/layout-table.mjs): the TS side
 * checks input sizes against the same number.
 */
import { MAX_ALLOC_BYTES as TABLE_MAX_ALLOC_BYTES } from "./generated/constants";
export const MAX_ALLOC_BYTES: usize = TABLE_MAX_ALLOC_BYTES;

// TLSF's layout constants for wasm32 (std/assembly/rt/tlsf.ts of the pinned assemblyscript).
const AL_MASK: usize = 15;
const BLOCK_OVERHEAD: usize = 4;
const BLOCK_MINSIZE: usize = 12;
const SL_BITS: usize = 4;
const SB_BITS: usize = 8; // SL_BITS + AL_BITS
const SB_SIZE: usize = 256;
const SL_START: usize = 4;
const HLMAX_HALF: usize = ((1 << 30) - 4) >> 1;

/**
 * Rounds a large request up to the first size of its TLSF second-level class. TLSF does not round
 * requests of ≥ 512 MiB ("don't round last fl") and may then hand out a smaller free block of the
 * same class, corrupting the heap; a class-aligned request is met by any block of its class.
 */
@inline function roundLarge(sizeBytes: usize): usize {
  if (sizeBytes < (1 << 28)) return sizeBytes;
  const fl = <usize>31 - <usize>clz<u32>(<u32>sizeBytes);
  const step: usize = <usize>1 << (fl - SL_BITS);
  return (sizeBytes + step - 1) & ~(step - 1);
}

/** TLSF's payload size for a request (computeSize). */
@inline function payloadOf(sizeBytes: usize): usize {
  return sizeBytes <= BLOCK_MINSIZE ? BLOCK_MINSIZE : ((sizeBytes + BLOCK_OVERHEAD + AL_MASK) & ~AL_MASK) - BLOCK_OVERHEAD;
}

/** TLSF's roundSize: the request bumped to the next second-level class (below 512 MiB). */
@inline function tlsfRoundSize(size: usize): usize {
  return size < HLMAX_HALF ? size + (<usize>1 << (<usize>27 - <usize>clz<u32>(<u32>size))) - 1 : size;
}

/** True when TLSF's searchBlock would find a free block for `payload` (a replica of it). */
function freeBlockExists(payload: usize): bool {
  const root = changetype<usize>(ROOT);
  if (root == 0) return false;
  let fl: usize, sl: u32;
  if (payload < SB_SIZE) {
    fl = 0;
    sl = <u32>(payload >> 4);
  } else {
    const request = tlsfRoundSize(payload);
    fl = <usize>31 - <usize>clz<u32>(<u32>request);
    sl = <u32>((request >> (fl - SL_BITS)) ^ (1 << SL_BITS));
    fl -= SB_BITS - 1;
  }
  if (fl >= 23) return false;
  if ((load<u32>(root + (fl << 2), SL_START) & (<u32>~0 << sl)) != 0) return true;
  if (fl + 1 >= 32) return false;
  return (load<u32>(root) & (<u32>~0 << <u32>(fl + 1))) != 0;
}

/**
 * Allocates `sizeBytes` (8-byte aligned, contents undefined) or returns 0 when the allocator would
 * trap: too large a block, or memory that cannot grow that far. Never traps for size reasons.
 */
export function tryAlloc(sizeBytes: usize): usize {
  if (sizeBytes > MAX_ALLOC_BYTES) return 0;
  const request = roundLarge(sizeBytes);
  const payload = payloadOf(request);
  if (!freeBlockExists(payload)) {
    // TLSF will grow by at least this many pages (two block headers: a new tail, maybe a gap)
    const grow = (payload >= SB_SIZE ? tlsfRoundSize(payload) : payload) + 2 * BLOCK_OVERHEAD;
    const pages = (<u64>grow + 0xffff) >> 16;
    if (<u64>memory.size() + pages > MAX_MEMORY_PAGES) return 0;
  }
  return heap.alloc(request);
}

/**
 * Raw allocation that never goes through the GC, for sizes bounded by validated counts: traps
 * (a typed WasmTrapError in TS) only if even tryAlloc cannot place it. Prefer tryAlloc wherever a
 * caller can report CAPACITY instead.
 */
export function allocBytes(sizeBytes: usize): usize {
  const p = tryAlloc(sizeBytes);
  if (p == 0) unreachable();
  return p;
}

@inline export function freeBytes(ptr: usize): void {
  heap.free(ptr);
}
