// Shared low-level helpers for the hot core, in the style of ChainSafe's as-sha256:
// raw load/store with constant offsets, @inline everywhere, no managed allocation.

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

/**
 * Raw allocation that never goes through the GC. Sizes come from validated counts only;
 * the stub runtime traps (a typed WasmTrapError in TS) if memory cannot grow.
 */
@inline export function allocBytes(sizeBytes: usize): usize {
  return heap.alloc(sizeBytes);
}

@inline export function freeBytes(ptr: usize): void {
  heap.free(ptr);
}
